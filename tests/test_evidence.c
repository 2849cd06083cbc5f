/* Evidence packets in a real SQLite file: hashes, chain, review, audit. */
#include "evid_collector.h"
#include "evid_pending.h"
#include "evid_export.h"
#include "evid_key.h"
#include "evid_publication.h"
#include "evid_recorder.h"
#include "evid_store.h"
#include "evid_verify.h"
#include "hwcfg.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
  char *dir, *db, *key;
  struct hwcfg *cfg;
  struct evid_recorder *rec;
  struct cv_image frame;
};

static void
setup (struct fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("evidXXXXXX", NULL);
  f->db = g_build_filename (f->dir, "var", "evidence.db", NULL);
  f->key = g_build_filename (f->dir, "var", "device.key", NULL);
  g_autofree char *ini = g_build_filename (f->dir, "site.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[site]\nid = t1\nname = Test Rd\n[camera:main]\nuri = file:///dev/null\n"
                                           "[signal]\nsource = none\n[evidence]\ndb = %s\nkey = %s\n"
                                           "[mqtt]\ndisplays = east;west\n",
                                           f->db, f->key);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  f->cfg = hwcfg_load (ini, &err);
  g_assert_no_error (err);
  f->rec = evid_recorder_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  int w = 160, h = 120;
  f->frame = (struct cv_image){g_malloc0 ((size_t) w * h * 3), w, h, w * 3, 3};
  for (int i = 0; i < w * h * 3; i++)
    f->frame.data[i] = (unsigned char) (i * 7);
}

static void
teardown (struct fixture *f, gconstpointer data)
{
  evid_recorder_free (f->rec);
  hwcfg_free (f->cfg);
  g_free (f->frame.data);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->key);
}

static char *
record (struct fixture *f, const char *verdict)
{
  const double others[4] = {10, 10, 20, 50};
  struct evid_candidate c = {.frame = 42, .pts_s = 4.1, .utc_us = g_get_real_time (), .track_id = 3,
                             .type = "red_signal", .bbox = {60, 30, 20, 60}, .has_ground = true,
                             .ground_m = {1.5, -2.0}, .zone = "road", .entry_frame = 38,
                             .signal_phase = "DONT_WALK", .signal_elapsed_s = 7.5, .signal_source = "schedule",
                             .liveness_json = "{\"verdict\":\"live\",\"score\":1,\"checks\":{}}", .verdict = verdict,
                             .track_json = "{\"ground_path\":[[4.0,1.5,-2.0]]}", .others = others, .n_others = 1};
  char *event = NULL;
  g_autoptr (GError) err = NULL;
  g_assert_true (evid_recorder_record (f->rec, &c, NULL, &f->frame, &event, &err));
  g_assert_no_error (err);
  return event;
}

static int
verify (struct fixture *f, char **report)
{
  size_t len;
  FILE *out = open_memstream (report, &len);
  int packets;
  g_autoptr (GError) err = NULL;
  int failures = evid_verify_store (evid_recorder_store (f->rec), NULL, out, &packets, &err);
  fclose (out);
  g_assert_no_error (err);
  return failures;
}

static void
sql (struct fixture *f, const char *stmt, gboolean expect_ok)
{
  sqlite3 *db;
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  int rc = sqlite3_exec (db, stmt, NULL, NULL, NULL);
  if (expect_ok)
    g_assert_cmpint (rc, ==, SQLITE_OK);
  else
    g_assert_cmpint (rc, !=, SQLITE_OK);
  sqlite3_close (db);
}

static void
recorded_packets_verify_and_chain (struct fixture *f, gconstpointer data)
{
  g_autofree char *e1 = record (f, "live");
  g_autofree char *e2 = record (f, "uncertain");
  g_assert_nonnull (strstr (e1, "\"decision\":\"violation\""));
  g_assert_nonnull (strstr (e1, "\"signal\":{\"phase\":\"DONT_WALK\""));
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  g_autoptr (GPtrArray) rows = evid_store_list (evid_recorder_store (f->rec), NULL, NULL);
  g_assert_cmpint (rows->len, ==, 2);
  struct evid_packet_row *a = g_ptr_array_index (rows, 0), *b = g_ptr_array_index (rows, 1);
  g_autofree char *link = g_strdup_printf ("\"prev_packet_sha256\":\"%s\"", a->json_sha256);
  g_assert_nonnull (strstr (b->json, link));
  g_assert_nonnull (strstr (b->json, "\"review_flag\":\"liveness_uncertain\""));
  g_assert_cmpstr (a->review_state, ==, "pending");
}

static void
altered_media_and_records_are_named_by_verify (struct fixture *f, gconstpointer data)
{
  g_autofree char *e1 = record (f, "live");
  g_autofree char *e2 = record (f, "live");
  sql (f, "UPDATE media SET data = x'00' WHERE name = 'person_crop' AND rowid = (SELECT MIN(rowid) FROM media WHERE name = 'person_crop')", TRUE);
  sql (f, "UPDATE packets SET json = replace(json, 'red_signal', 'outside_crosswalk') WHERE seq = 2", TRUE);
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 2);
  g_assert_nonnull (strstr (report, "media person_crop: sha256"));
  g_assert_nonnull (strstr (report, "record altered"));
}

static void
a_flat_candidate_is_kept_but_never_confirmable (struct fixture *f, gconstpointer data)
{
  g_autofree char *event = record (f, "flat");
  g_assert_nonnull (strstr (event, "\"decision\":\"rejected_flat\""));
  g_autoptr (GPtrArray) rows = evid_store_list (evid_recorder_store (f->rec), "rejected_flat", NULL);
  g_assert_cmpint (rows->len, ==, 1);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  GError *err = NULL;
  g_assert_false (evid_store_review (evid_recorder_store (f->rec), r->id, "pending", "confirmed", "officer", NULL, NULL,
                                     0, &err));
  g_assert_error (err, EVID_ERROR, EVID_ERROR_STATE);
  g_clear_error (&err);
}

static void
confirming_queues_evidence_and_every_display_with_blurred_image (struct fixture *f, gconstpointer data)
{
  g_autofree char *event = record (f, "live");
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, "pending", NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_autoptr (GError) err = NULL;
  GArray *msgs = evid_publication_build (st, r, f->cfg, &err);
  g_assert_no_error (err);
  g_assert_cmpint (msgs->len, ==, 3);
  struct evid_outbox_msg *m = (struct evid_outbox_msg *) msgs->data;
  g_assert_cmpstr (m[0].topic, ==, "crosswatch/t1/evidence");
  g_assert_cmpstr (m[1].topic, ==, "crosswatch/t1/display/east");
  g_assert_cmpstr (m[2].topic, ==, "crosswatch/t1/display/west");
  g_assert_nonnull (strstr (g_bytes_get_data (m[1].payload, NULL), "\"faces_blurred\":true"));
  g_assert_true (evid_store_review (st, r->id, "pending", "confirmed", "officer-7", NULL, m, (int) msgs->len, &err));
  evid_publication_free (msgs);
  g_assert_cmpint (evid_store_outbox_count_pending (st, NULL), ==, 3);
  /* a second decision on the same packet is refused */
  g_assert_false (evid_store_review (st, r->id, "pending", "rejected", "officer-8", "late", NULL, 0, &err));
  g_assert_error (err, EVID_ERROR, EVID_ERROR_STATE);
  g_autoptr (GPtrArray) pending = evid_store_outbox_pending (st, 10, NULL);
  struct evid_outbox_row *o = g_ptr_array_index (pending, 0);
  g_assert_true (evid_store_outbox_mark_sent (st, o->id, NULL));
  g_assert_cmpint (evid_store_outbox_count_pending (st, NULL), ==, 2);
}

static void
audit_log_is_append_only_and_chained (struct fixture *f, gconstpointer data)
{
  struct evid_store *st = evid_recorder_store (f->rec);
  g_assert_true (evid_store_audit (st, "officer-7", "view", "p1", NULL, NULL));
  g_assert_true (evid_store_audit (st, "officer-7", "view", "p2", "second look", NULL));
  g_assert_true (evid_store_verify_audit (st, NULL));
  sql (f, "UPDATE audit_log SET actor = 'someone-else'", FALSE);
  sql (f, "DELETE FROM audit_log", FALSE);
  /* someone who drops the triggers and edits is caught by the chain */
  sql (f, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'x' WHERE seq = 1", TRUE);
  GError *err = NULL;
  g_assert_false (evid_store_verify_audit (st, &err));
  g_assert_nonnull (strstr (err->message, "audit row 1: hash mismatch"));
  g_clear_error (&err);
}

static void
packets_are_signed_by_a_private_device_key (struct fixture *f, gconstpointer data)
{
  g_autofree char *e1 = record (f, "live");
  GStatBuf st;
  g_assert_cmpint (g_stat (f->key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_autofree char *pub_path = g_strconcat (f->key, ".pub", NULL), *pub = NULL;
  g_assert_true (g_file_get_contents (pub_path, &pub, NULL, NULL));
  g_strstrip (pub);
  g_assert_cmpint (strlen (pub), ==, 64);
  g_autofree char *report = NULL;
  size_t len;
  FILE *out = open_memstream (&report, &len);
  /* against the exported key: intact; against another key: named */
  g_assert_cmpint (evid_verify_store (evid_recorder_store (f->rec), pub, out, NULL, NULL), ==, 0);
  const char *other = "0000000000000000000000000000000000000000000000000000000000000000";
  g_assert_cmpint (evid_verify_store (evid_recorder_store (f->rec), other, out, NULL, NULL), ==, 1);
  fclose (out);
  g_assert_nonnull (strstr (report, "not the trusted"));
  /* a forged signature is caught */
  sql (f, "UPDATE packets SET signature = CASE WHEN substr(signature, 1, 1) = '0' THEN '1' ELSE '0' END || substr(signature, 2)", TRUE);
  g_autofree char *report2 = NULL;
  g_assert_cmpint (verify (f, &report2), ==, 1);
  g_assert_nonnull (strstr (report2, "signature invalid"));
}

static void
a_case_bundle_verifies_offline_and_names_tampering (struct fixture *f, gconstpointer data)
{
  g_autofree char *e1 = record (f, "live");
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_assert_true (evid_store_audit (st, "officer-7", "view", r->id, NULL, NULL));
  g_autofree char *bundle = g_build_filename (f->dir, "case.tar", NULL);
  g_autoptr (GError) err = NULL;
  g_assert_true (evid_export_bundle (st, r->id, bundle, &err));
  g_autofree char *report = NULL;
  size_t len;
  FILE *out = open_memstream (&report, &len);
  g_assert_cmpint (evid_verify_bundle (bundle, NULL, out, &err), ==, 0);
  /* media altered before export: the bundle says which */
  sql (f, "UPDATE media SET data = x'00' WHERE name = 'person_crop'", TRUE);
  g_assert_true (evid_export_bundle (st, r->id, bundle, &err));
  g_assert_cmpint (evid_verify_bundle (bundle, NULL, out, &err), ==, 1);
  fclose (out);
  g_assert_nonnull (strstr (report, "media person_crop: sha256"));
}

static void
a_published_packet_file_verifies_and_names_tampering (struct fixture *f, gconstpointer data)
{
  g_autofree char *e1 = record (f, "live");
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_autoptr (GError) err = NULL;
  GArray *msgs = evid_publication_build (st, r, f->cfg, &err);
  g_assert_no_error (err);
  struct evid_outbox_msg *m = &g_array_index (msgs, struct evid_outbox_msg, 0);
  g_autofree char *path = g_build_filename (f->dir, "packet.json", NULL);
  gsize len;
  const char *payload = g_bytes_get_data (m->payload, &len);
  g_assert_true (g_file_set_contents (path, payload, len, NULL));
  g_autofree char *report = NULL;
  size_t rlen;
  FILE *out = open_memstream (&report, &rlen);
  g_assert_cmpint (evid_verify_packet_file (path, NULL, out, &err), ==, 0);
  /* change the record's violation type: hash and signature no longer hold */
  g_autofree char *forged = g_strdup (payload);
  char *at = strstr (forged, "red_signal");
  memcpy (at, "red_sigmal", 10);
  g_assert_true (g_file_set_contents (path, forged, len, NULL));
  g_assert_cmpint (evid_verify_packet_file (path, NULL, out, &err), ==, 1);
  fclose (out);
  g_assert_nonnull (strstr (report, "record altered"));
  evid_publication_free (msgs);
}

static void
purge_keeps_held_packets_and_the_chain (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live"), *b = record (f, "live"), *c = record (f, "live");
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, NULL);
  const char *held = ((struct evid_packet_row *) g_ptr_array_index (rows, 1))->id;
  g_autoptr (GError) err = NULL;
  g_assert_true (evid_store_set_hold (st, held, true, "officer-7", "court case 12", &err));
  int n = -1;
  g_assert_true (evid_store_purge (st, "2000-01-01T00:00:00.000Z", "retention-job", &n, &err));
  g_assert_cmpint (n, ==, 0); /* nothing expired yet */
  g_assert_true (evid_store_purge (st, "2999-01-01T00:00:00.000Z", "retention-job", &n, &err));
  g_assert_cmpint (n, ==, 2);
  g_autoptr (GPtrArray) left = evid_store_list (st, NULL, NULL);
  g_assert_cmpint (left->len, ==, 1);
  g_assert_cmpstr (((struct evid_packet_row *) g_ptr_array_index (left, 0))->id, ==, held);
  /* the chain still verifies across the purged packets, audit included */
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  g_autofree char *d = record (f, "live"); /* the next packet links to the newest, purged or not */
  g_autofree char *report2 = NULL;
  g_assert_cmpint (verify (f, &report2), ==, 0);
  g_autoptr (GPtrArray) audit = evid_store_audit_rows (st, held, NULL);
  g_assert_cmpint (audit->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (audit, 0), "legal_hold"));
}

struct writer {
  struct evid_recorder *rec;
  GPtrArray *events;
};

static void
write_now (struct evid_pending *p, void *data)
{
  struct writer *w = data;
  char *event = NULL;
  g_autoptr (GError) err = NULL;
  g_assert_true (evid_pending_encode_clip (p, &err));
  g_assert_true (evid_recorder_record (w->rec, &p->c, p->entry.data ? &p->entry : NULL, &p->decision, &event, &err));
  g_ptr_array_add (w->events, event);
  evid_pending_free (p);
}

static void
a_packet_waits_for_the_end_of_the_crossing_and_shows_all_of_it (struct fixture *f, gconstpointer data)
{
  struct evid_collector *col = evid_collector_create (10, 300, 5, 5, 10, 1);
  struct evid_candidate c = {.frame = 20, .pts_s = 2, .utc_us = g_get_real_time (), .track_id = 5,
                             .type = "red_signal", .bbox = {60, 30, 20, 60}, .zone = "road", .entry_frame = 15,
                             .signal_phase = "DONT_WALK", .signal_elapsed_s = 3, .signal_source = "schedule",
                             .verdict = "live"};
  evid_collector_open (col, &c, &f->frame, &f->frame);
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  struct writer w = {f->rec, events};
  /* on the road until frame 60, then off it */
  for (int frame = 15; frame <= 20; frame++)
    evid_collector_frame (col, frame, &f->frame);
  for (int frame = 21; frame <= 80; frame++) {
    evid_collector_frame (col, frame, &f->frame);
    evid_collector_seen (col, 5, frame, frame <= 60, &f->frame);
    evid_collector_seen (col, 9, frame, TRUE, &f->frame); /* someone else */
    evid_collector_finish (col, frame, FALSE, write_now, &w);
    if (frame < 70)
      g_assert_cmpuint (events->len, ==, 0); /* still crossing, or not long enough off the road */
  }
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (evid_collector_open_count (col), ==, 0);
  g_autoptr (GPtrArray) rows = evid_store_list (evid_recorder_store (f->rec), NULL, NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_assert_nonnull (strstr (r->json, "\"overview_last_seen\":60"));
  g_assert_nonnull (strstr (r->json, "\"overview_entry\":15"));
  g_autoptr (GPtrArray) names = evid_store_media_names (evid_recorder_store (f->rec), r->id, NULL);
  g_assert_cmpuint (names->len, ==, 6); /* entry, decision, crop, mid, last seen, clip */
  if (!strstr (r->json, "\"clip_frames\":[15,25]"))
    g_error ("clip frames: %s", strstr (r->json, "clip_frames") ? strstr (r->json, "clip_frames") : "none");
  g_autoptr (GBytes) clip = evid_store_media (evid_recorder_store (f->rec), r->id, "clip", NULL, NULL);
  g_assert_nonnull (clip);
  /* Matroska (EBML) magic */
  g_assert_cmpmem (g_bytes_get_data (clip, NULL), 4, "\x1a\x45\xdf\xa3", 4);
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  /* a packet still open when the stream ends is written by a flush; a
   * later liveness verdict (the track was young) replaces the first */
  c.track_id = 6;
  c.frame = 90;
  c.verdict = "uncertain";
  evid_collector_open (col, &c, NULL, &f->frame);
  g_assert_false (evid_collector_update_liveness (col, 7, "flat", "{\"verdict\":\"flat\"}"));
  g_assert_true (evid_collector_update_liveness (col, 6, "flat", "{\"verdict\":\"flat\",\"checks\":{}}"));
  evid_collector_finish (col, 91, TRUE, write_now, &w);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (events, 1), "\"decision\":\"rejected_flat\""));
  g_autoptr (GPtrArray) flat = evid_store_list (evid_recorder_store (f->rec), "rejected_flat", NULL);
  g_assert_cmpuint (flat->len, ==, 1);
  evid_collector_free (col);
}

static void
opening_a_store_in_an_unwritable_place_fails_cleanly (void)
{
  GError *err = NULL;
  g_assert_null (evid_store_open ("/proc/crosswatch/evidence.db", &err));
  g_assert_nonnull (err);
  g_clear_error (&err);
}

#define ADD(name) g_test_add ("/evidence/" #name, struct fixture, NULL, setup, name, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD (recorded_packets_verify_and_chain);
  ADD (altered_media_and_records_are_named_by_verify);
  ADD (a_flat_candidate_is_kept_but_never_confirmable);
  ADD (confirming_queues_evidence_and_every_display_with_blurred_image);
  ADD (audit_log_is_append_only_and_chained);
  ADD (packets_are_signed_by_a_private_device_key);
  ADD (a_case_bundle_verifies_offline_and_names_tampering);
  ADD (a_published_packet_file_verifies_and_names_tampering);
  ADD (purge_keeps_held_packets_and_the_chain);
  ADD (a_packet_waits_for_the_end_of_the_crossing_and_shows_all_of_it);
  g_test_add_func ("/evidence/opening_a_store_in_an_unwritable_place_fails_cleanly",
                   opening_a_store_in_an_unwritable_place_fails_cleanly);
  return g_test_run ();
}
