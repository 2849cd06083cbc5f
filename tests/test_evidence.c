/* Evidence packets in a real SQLite file: hashes, chain, review, audit. */
#include "evid_collector.h"
#include "evid_pending.h"
#include "evid_clip.h"
#include "evid_export.h"
#include "evid_key.h"
#include "evid_keychange.h"
#include "evid_keyring.h"
#include "evid_seal.h"
#include "evid_store_head.h"
#include "evid_publication.h"
#include "evid_recent.h"
#include "evid_recorder.h"
#include "evid_store.h"
#include "evid_verify.h"
#include "evid_writer.h"
#include "hwcfg.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

struct fixture {
  char *dir, *db, *key, *backoffice;
  struct hwcfg *cfg;
  struct evid_recorder *rec;
  struct cv_image frame;
};

/* The clocks the recorder is given: one kept by a time service, and one
 * drifting with no service (as on a machine without one). */
static void
synced_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = true, .est_error_us = 2000, .max_error_us = 5000};
}

static void
drifting_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = false, .est_error_us = 16000000, .max_error_us = 16000000};
}

static void
slow_service_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = true, .est_error_us = 800000, .max_error_us = 1500000};
}

static void
setup (struct fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("evidXXXXXX", NULL);
  f->db = g_build_filename (f->dir, "var", "evidence.db", NULL);
  f->key = g_build_filename (f->dir, "var", "device.key", NULL);
  f->backoffice = g_build_filename (f->dir, "backoffice.key", NULL);
  g_autoptr (GError) err = NULL;
  g_assert_true (evid_seal_keygen (f->backoffice, &err));
  g_autofree char *ini = g_build_filename (f->dir, "site.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[site]\nid = t1\nname = Test Rd\n[camera:main]\nuri = file:///dev/null\n"
                                           "[signal]\nsource = none\n[evidence]\ndb = %s\nkey = %s\n"
                                           "[mqtt]\ndisplays = east;west\nbackoffice_pubkey = %s.pub\n",
                                           f->db, f->key, f->backoffice);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  f->cfg = hwcfg_load (ini, &err);
  g_assert_no_error (err);
  f->rec = evid_recorder_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  evid_recorder_set_clock_reader (f->rec, synced_clock);
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
  g_free (f->backoffice);
}

/* The device key's .pub as the only trusted key (what -c SITE.ini gives). */
static struct evid_keyring *
device_ring (struct fixture *f)
{
  struct evid_keyring *ring = evid_keyring_new ();
  g_autofree char *pub = g_strconcat (f->key, ".pub", NULL);
  g_assert_true (evid_keyring_add_file (ring, pub, NULL));
  return ring;
}

static int
verify_with (struct evid_store *st, const struct evid_verify_opts *opts, char **report)
{
  size_t len;
  FILE *out = open_memstream (report, &len);
  int packets;
  g_autoptr (GError) err = NULL;
  int failures = evid_verify_store (st, opts, out, &packets, &err);
  fclose (out);
  g_assert_no_error (err);
  return failures;
}

static char *record_judged (struct fixture *f, const char *verdict, const char *liveness_json, bool position_uncertain);

static char *
record_placed (struct fixture *f, const char *verdict, bool position_uncertain)
{
  return record_judged (f, verdict,
                        strcmp (verdict, "live") ? "{\"verdict\":\"uncertain\",\"score\":0.4,\"reason\":\"standing still\","
                                                   "\"checks\":{}}"
                                                 : "{\"verdict\":\"live\",\"score\":1,\"checks\":{\"geometry\":"
                                                   "{\"verdict\":\"live\",\"score\":1,\"height_m\":1.74}}}",
                        position_uncertain);
}

/* A red-signal candidate with liveness VERDICT and LIVENESS_JSON. */
static char *
record_judged (struct fixture *f, const char *verdict, const char *liveness_json, bool position_uncertain)
{
  const double others[4] = {10, 10, 20, 50};
  struct evid_candidate c = {.frame = 42, .pts_s = 4.1, .utc_us = g_get_real_time (), .track_id = 3,
                             .type = "red_signal", .bbox = {60, 30, 20, 60}, .has_ground = true,
                             .ground_m = {1.5, -2.0}, .zone = "road", .entry_frame = 38,
                             .signal_phase = "DONT_WALK", .signal_elapsed_s = 7.5, .signal_source = "schedule",
                             .liveness_json = liveness_json,
                             .verdict = verdict,
                             .track_json = "{\"ground_path\":[[4.0,1.5,-2.0]]}", .others = others, .n_others = 1,
                             .ground_sigma_m = 0.75, .entry_seen = true, .position_uncertain = position_uncertain};
  char *event = NULL;
  g_autoptr (GError) err = NULL;
  if (!evid_recorder_record (f->rec, &c, NULL, &f->frame, &event, &err))
    g_error ("record: %s", err->message);
  return event;
}

static char *
record (struct fixture *f, const char *verdict)
{
  return record_placed (f, verdict, false);
}

static int
verify (struct fixture *f, char **report)
{
  struct evid_keyring *ring = device_ring (f);
  struct evid_verify_opts opts = {.trusted = ring};
  int failures = verify_with (evid_recorder_store (f->rec), &opts, report);
  evid_keyring_free (ring);
  if (failures)
    g_test_message ("verify: %s", *report);
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
  g_assert_nonnull (strstr (b->json, "\"review_reason\":\"standing still\""));
  g_assert_null (strstr (a->json, "review_reason"));
  g_assert_cmpstr (a->review_state, ==, "pending");
}

/* The decision still twice: untouched, and annotated (the accused boxed in
 * red, a data bar), both hashed into the signed packet */
static void
the_decision_still_is_kept_untouched_and_annotated (struct fixture *f, gconstpointer data)
{
  memset (f->frame.data, 128, (size_t) f->frame.stride * f->frame.height);
  g_autofree char *e = record (f, "live");
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_autoptr (GBytes) plain = evid_store_media (st, r->id, "overview_decision", NULL, NULL);
  g_autoptr (GBytes) marked = evid_store_media (st, r->id, "overview_decision_annotated", NULL, NULL);
  g_assert_nonnull (plain);
  g_assert_nonnull (marked);
  g_assert_false (g_bytes_equal (plain, marked));
  g_autofree char *listed = g_strdup_printf ("\"name\":\"overview_decision_annotated\"");
  g_assert_nonnull (strstr (r->json, listed));
  struct {
    GBytes *jpg;
    gboolean red_box;
  } stills[] = {{plain, FALSE}, {marked, TRUE}};
  for (int i = 0; i < 2; i++) {
    unsigned char *px = NULL;
    int w, h, stride;
    gsize len;
    const unsigned char *bytes = g_bytes_get_data (stills[i].jpg, &len);
    g_assert_cmpint (cv_decode_bgra (bytes, len, &px, &w, &h, &stride), ==, CV_OK);
    g_assert_cmpint (w, ==, 160);
    /* the accused's box (60,30 20x60): its left edge */
    const unsigned char *edge = px + (size_t) 60 * stride + 61 * 4;
    gboolean red = edge[2] > 150 && edge[1] < 100 && edge[0] < 100;
    g_assert_cmpint (red, ==, stills[i].red_box);
    /* the data bar across the top */
    gboolean dark = px[stride + 4] < 40;
    g_assert_cmpint (dark, ==, stills[i].red_box);
    cv_free (px);
  }
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  /* the annotated still is covered by the signature like the others */
  sql (f, "UPDATE media SET data = x'00' WHERE name = 'overview_decision_annotated'", TRUE);
  g_clear_pointer (&report, g_free);
  g_assert_cmpint (verify (f, &report), >, 0);
  g_assert_nonnull (strstr (report, "overview_decision_annotated"));
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

/* The one packet in review state STATE, flagged STATE: no review confirms
 * it, and the store verifies. Its JSON (g_free). */
static char *
kept_never_confirmable (struct fixture *f, const char *state)
{
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, state, NULL);
  g_assert_cmpint (rows->len, ==, 1);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_autofree char *flag = g_strdup_printf ("\"review_flag\":\"%s\"", state);
  g_assert_nonnull (strstr (r->json, flag));
  GError *err = NULL;
  g_assert_false (evid_store_review (st, r->id, "pending", "confirmed", "officer", NULL, NULL, 0, &err));
  g_assert_error (err, EVID_ERROR, EVID_ERROR_STATE);
  g_clear_error (&err);
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  return g_strdup (r->json);
}

/* A rule that held only on foot points the camera could not place: kept,
 * flagged, signed and verifiable, but no review can confirm it (so it is
 * never published). */
static void
a_position_uncertain_case_is_kept_for_review_never_confirmable (struct fixture *f, gconstpointer data)
{
  g_autofree char *event = record_placed (f, "live", true);
  g_assert_nonnull (strstr (event, "\"decision\":\"position_uncertain\""));
  g_assert_nonnull (strstr (event, "\"ground_sigma_m\":0.75"));
  g_assert_nonnull (strstr (event, "\"entry_seen\":true"));
  g_free (kept_never_confirmable (f, "position_uncertain"));
}

/* A candidate whose track was lost before the liveness checks could
 * measure anything ("assessed":false) is not raised: kept, flagged, signed
 * and verifiable, never confirmable. Only a boolean false says so: the
 * same verdict without it, or with a hostile value, is a violation for
 * review. */
static void
an_unassessed_candidate_is_not_raised (struct fixture *f, gconstpointer data)
{
  g_autofree char *event = record_judged (f, "uncertain",
                                          "{\"verdict\":\"uncertain\",\"score\":0.4,\"reason\":\"seen for too short a "
                                          "time to measure their speed\",\"assessed\":false,\"checks\":{}}",
                                          false);
  g_assert_nonnull (strstr (event, "\"decision\":\"liveness_unassessed\""));
  g_autofree char *packet = kept_never_confirmable (f, "liveness_unassessed");
  g_assert_nonnull (strstr (packet, "\"assessed\":false"));
  static const char *const NOT_SAID[] = {
      "{\"verdict\":\"uncertain\",\"assessed\":\"false\",\"checks\":{}}",
      "{\"verdict\":\"uncertain\",\"assessed\":0,\"checks\":{}}",
      "{\"verdict\":\"uncertain\",\"assessed\":true,\"checks\":{}}",
      "[false]",
      "{\"assessed\":false",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (NOT_SAID); i++) {
    g_autofree char *e = record_judged (f, "uncertain", NOT_SAID[i], false);
    g_assert_nonnull (strstr (e, "\"decision\":\"violation\""));
  }
  g_autofree char *flat = record_judged (f, "flat", "{\"verdict\":\"flat\",\"assessed\":false,\"checks\":{}}", false);
  g_assert_nonnull (strstr (flat, "\"decision\":\"rejected_flat\""));
}

/* A red-signal case on a clock the kernel does not vouch for (no time
 * service, or a maximum error above max_clock_error_ms) waits as
 * clock_unsynced: not confirmable, so never published, until a supervisor's
 * check moves it to pending; the packet says what the clock was. Other
 * cases are not held back by the clock. */
static void
a_red_signal_case_on_an_untrusted_clock_waits_for_a_time_check (struct fixture *f, gconstpointer data)
{
  struct evid_store *st = evid_recorder_store (f->rec);
  evid_clock_reader clocks[] = {drifting_clock, slow_service_clock};
  for (int k = 0; k < 2; k++) {
    evid_recorder_set_clock_reader (f->rec, clocks[k]);
    g_autofree char *event = record (f, "live");
    g_assert_nonnull (strstr (event, "\"decision\":\"clock_unsynced\""));
  }
  g_autoptr (GPtrArray) rows = evid_store_list (st, "clock_unsynced", NULL);
  g_assert_cmpint (rows->len, ==, 2);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_assert_nonnull (strstr (r->json, "\"review_flag\":\"clock_unsynced\""));
  g_assert_nonnull (strstr (r->json, "\"synced\":false,\"est_error_us\":16000000,\"max_error_us\":16000000"));
  g_assert_nonnull (strstr (r->json, "\"trusted\":false,\"max_clock_error_ms\":1000"));
  GError *err = NULL;
  g_assert_false (evid_store_review (st, r->id, "pending", "confirmed", "officer", NULL, NULL, 0, &err));
  g_assert_error (err, EVID_ERROR, EVID_ERROR_STATE);
  g_clear_error (&err);
  /* the time checked: it is reviewed like any other, and verify agrees */
  g_assert_true (evid_store_review (st, r->id, "clock_unsynced", "pending", "sergeant", "time checked: log", NULL, 0,
                                    &err));
  g_assert_no_error (err);
  g_autoptr (GPtrArray) pending = evid_store_list (st, "pending", NULL);
  g_assert_cmpint (pending->len, ==, 1);
  /* an outside-crosswalk case does not stand on the time against the signal */
  g_autofree char *outside = NULL;
  {
    struct evid_candidate c = {.frame = 12, .utc_us = g_get_real_time (), .track_id = 9, .type = "outside_crosswalk",
                               .bbox = {60, 30, 20, 60}, .zone = "road", .entry_frame = 5, .signal_phase = "WALK",
                               .signal_source = "schedule", .verdict = "live", .liveness_json = "{}"};
    g_assert_true (evid_recorder_record (f->rec, &c, NULL, &f->frame, &outside, &err));
  }
  g_assert_nonnull (strstr (outside, "\"decision\":\"violation\""));
  /* back on a trusted clock, a red-signal case is pending at once */
  evid_recorder_set_clock_reader (f->rec, synced_clock);
  g_autofree char *trusted = record (f, "live");
  g_assert_nonnull (strstr (trusted, "\"decision\":\"violation\""));
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
}

/* Confirming queues the back office's message; what goes to the displays
 * is resolved when it is published (evid_publication_sync_displays): each
 * display of the config as it is then, retained on its case topic until the
 * case's showing time ends, signed as it is queued; a display added later
 * gets the current cases; an adult measured by the calibration is shown
 * (blurred), someone not measured is not. */
static void
confirming_queues_evidence_and_publishing_resolves_the_displays (struct fixture *f, gconstpointer data)
{
  g_autofree char *event = record (f, "live");
  g_autofree char *unmeasured = record (f, "uncertain"); /* no height: maybe a child */
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, "pending", NULL);
  g_autoptr (GError) err = NULL;
  for (guint k = 0; k < 2; k++) {
    struct evid_packet_row *r = g_ptr_array_index (rows, k);
    GArray *msgs = evid_publication_build (st, r, f->cfg, &err);
    g_assert_no_error (err);
    g_assert_cmpint (msgs->len, ==, 1);
    struct evid_outbox_msg *m = (struct evid_outbox_msg *) msgs->data;
    g_assert_cmpstr (m[0].topic, ==, "crosswatch/t1/evidence");
    /* media leave the cabinet only sealed to the back office */
    g_assert_null (strstr (g_bytes_get_data (m[0].payload, NULL), "\"media\""));
    g_assert_nonnull (strstr (g_bytes_get_data (m[0].payload, NULL), "\"media_sealed\""));
    g_assert_true (evid_store_review (st, r->id, "pending", "confirmed", "officer-7", NULL, m, (int) msgs->len, &err));
    evid_publication_free (msgs);
  }
  g_assert_cmpint (evid_store_outbox_count_pending (st, NULL), ==, 2);
  /* published: two cases to east and west */
  gint64 now = g_get_real_time ();
  g_assert_cmpint (evid_publication_sync_displays (st, f->cfg, now, &err), ==, 4);
  g_assert_no_error (err);
  g_assert_cmpint (evid_publication_sync_displays (st, f->cfg, now, &err), ==, 0); /* nothing new */
  g_autoptr (GPtrArray) queued = evid_store_outbox_pending (st, 10, NULL);
  g_assert_cmpuint (queued->len, ==, 6);
  gint64 last = now / 1000 - 60000;
  for (guint i = 2; i < 6; i++) {
    struct evid_outbox_row *q = g_ptr_array_index (queued, i);
    struct evid_packet_row *r = g_ptr_array_index (rows, (i - 2) / 2);
    g_autofree char *topic = g_strdup_printf ("crosswatch/t1/display/%s/case/%s", i % 2 ? "west" : "east", r->id);
    g_assert_cmpstr (q->topic, ==, topic);
    g_assert_true (q->retain);
    /* shown until show_hours (24) after the confirmation, no longer */
    g_assert_cmpint (q->expires_us, >, now + (gint64) 23 * 3600 * G_USEC_PER_SEC);
    g_assert_cmpint (q->expires_us, <=, now + (gint64) 24 * 3600 * G_USEC_PER_SEC);
    g_autofree char *text = g_strndup (g_bytes_get_data (q->payload, NULL), g_bytes_get_size (q->payload));
    g_assert_nonnull (strstr (text, "\"signature\""));
    g_assert_nonnull (strstr (text, "\\\"profile\\\":\\\"default\\\""));
    g_assert_nonnull (strstr (text, "\\\"faces_blurred\\\":true"));
    if (r == g_ptr_array_index (rows, 0)) { /* measured 1.74 m: shown, with a picture */
      g_assert_nonnull (strstr (text, "\\\"height_m\\\":1.74"));
      g_assert_nonnull (strstr (text, "\\\"person_shown\\\":true"));
      g_assert_nonnull (strstr (text, "\"image_jpeg_b64\""));
    } else { /* not measured: no picture of them leaves the cabinet */
      g_assert_nonnull (strstr (text, "\\\"person_shown\\\":false"));
      g_assert_null (strstr (text, "\"image_jpeg_b64\""));
    }
    /* signed as they were queued, with rising sequence numbers (never below
     * the time in ms, so a rebuilt store goes on above) */
    const char *at = strstr (text, "\\\"seq\\\":");
    g_assert_nonnull (at);
    gint64 seq = g_ascii_strtoll (at + strlen ("\\\"seq\\\":"), NULL, 10);
    g_assert_cmpint (seq, >, last);
    last = seq;
  }
  /* a display added to the config later gets both current cases */
  g_strfreev (f->cfg->mqtt.displays);
  f->cfg->mqtt.displays = g_strsplit ("east;west;north", ";", -1);
  g_assert_cmpint (evid_publication_sync_displays (st, f->cfg, now, &err), ==, 2);
  /* past their showing time, cases go nowhere */
  g_strfreev (f->cfg->mqtt.displays);
  f->cfg->mqtt.displays = g_strsplit ("east;west;north;south", ";", -1);
  g_assert_cmpint (evid_publication_sync_displays (st, f->cfg, now + (gint64) 25 * 3600 * G_USEC_PER_SEC, &err), ==, 0);
  g_assert_no_error (err);
  /* a second decision on the same packet is refused */
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_assert_false (evid_store_review (st, r->id, "pending", "rejected", "officer-8", "late", NULL, 0, &err));
  g_assert_error (err, EVID_ERROR, EVID_ERROR_STATE);
  g_autoptr (GPtrArray) pending = evid_store_outbox_pending (st, 10, NULL);
  struct evid_outbox_row *o = g_ptr_array_index (pending, 0);
  g_assert_true (evid_store_outbox_mark_sent (st, o->id, NULL));
  g_assert_cmpint (evid_store_outbox_count_pending (st, NULL), ==, 7);
}

static void
audit_log_is_append_only_and_chained (struct fixture *f, gconstpointer data)
{
  struct evid_store *st = evid_recorder_store (f->rec);
  g_assert_true (evid_store_audit (st, "officer-7", "view", "p1", NULL, NULL));
  g_assert_true (evid_store_audit (st, "officer-7", "view", "p2", "second look", NULL));
  g_assert_true (evid_store_verify_audit (st, NULL));
  /* no text in one field passes for other fields */
  g_autofree char *h1 = evid_audit_row_hash ("", 1, "u", "officer\x1flegal_hold", "x", NULL, NULL);
  g_autofree char *h2 = evid_audit_row_hash ("", 1, "u", "officer", "legal_hold\x1fx", NULL, NULL);
  g_assert_cmpstr (h1, !=, h2);
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
  /* against the exported key: intact; against another key, or none: named */
  struct evid_keyring *ring = evid_keyring_new (), *other = evid_keyring_new ();
  g_assert_true (evid_keyring_add_hex (ring, pub, NULL));
  g_assert_true (evid_keyring_add_hex (other, "0000000000000000000000000000000000000000000000000000000000000000", NULL));
  struct evid_verify_opts good = {.trusted = ring}, bad = {.trusted = other}, none = {0};
  g_assert_cmpint (evid_verify_store (evid_recorder_store (f->rec), &good, out, NULL, NULL), ==, 0);
  g_assert_cmpint (evid_verify_store (evid_recorder_store (f->rec), &bad, out, NULL, NULL), >, 0);
  g_assert_cmpint (evid_verify_store (evid_recorder_store (f->rec), &none, out, NULL, NULL), >, 0);
  fclose (out);
  evid_keyring_free (ring);
  evid_keyring_free (other);
  g_assert_nonnull (strstr (report, "signed by untrusted key"));
  g_assert_nonnull (strstr (report, "no trusted key"));
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
  GStatBuf sb;
  g_assert_cmpint (g_stat (bundle, &sb), ==, 0);
  g_assert_cmpint (sb.st_mode & 0777, ==, 0600);
  g_autofree char *report = NULL;
  size_t len;
  FILE *out = open_memstream (&report, &len);
  struct evid_keyring *ring = device_ring (f);
  struct evid_verify_opts opts = {.trusted = ring}, untrusted = {0};
  g_assert_cmpint (evid_verify_bundle (bundle, &opts, out, &err), ==, 0);
  /* the bundle's own device.pub is no reason to trust it */
  g_assert_cmpint (evid_verify_bundle (bundle, &untrusted, out, &err), >, 0);
  /* media altered before export: the bundle says which */
  sql (f, "UPDATE media SET data = x'00' WHERE name = 'person_crop'", TRUE);
  g_assert_true (evid_export_bundle (st, r->id, bundle, &err));
  g_assert_cmpint (evid_verify_bundle (bundle, &opts, out, &err), ==, 1);
  fclose (out);
  evid_keyring_free (ring);
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
  struct evid_keyring *ring = device_ring (f);
  struct evid_verify_opts opts = {.trusted = ring, .backoffice_key = f->backoffice}, sealed = {.trusted = ring};
  g_assert_cmpint (evid_verify_packet_file (path, &opts, out, &err), ==, 0);
  g_assert_cmpint (evid_verify_packet_file (path, &sealed, out, &err), ==, 0); /* record only, media sealed */
  fflush (out);
  g_assert_nonnull (strstr (report, "give --backoffice-key"));
  /* a key that is not the back office's does not open them */
  g_autofree char *stranger = g_build_filename (f->dir, "stranger.key", NULL);
  g_assert_true (evid_seal_keygen (stranger, NULL));
  struct evid_verify_opts wrong = {.trusted = ring, .backoffice_key = stranger};
  g_assert_cmpint (evid_verify_packet_file (path, &wrong, out, &err), ==, 1);
  /* change the record's violation type: hash and signature no longer hold */
  g_autofree char *forged = g_strdup (payload);
  char *at = strstr (forged, "red_signal");
  memcpy (at, "red_sigmal", 10);
  g_assert_true (g_file_set_contents (path, forged, len, NULL));
  g_assert_cmpint (evid_verify_packet_file (path, &opts, out, &err), ==, 1);
  /* nested 200,000 deep: refused before parsing, no crash */
  g_autofree char *deep = g_strnfill (200000, '[');
  g_assert_true (g_file_set_contents (path, deep, -1, NULL));
  g_autoptr (GError) deep_err = NULL;
  g_assert_cmpint (evid_verify_packet_file (path, &opts, out, &deep_err), ==, -1);
  g_assert_nonnull (deep_err);
  /* the same behind a comment or a single-quoted string, which json-glib
   * reads and a naive bracket count does not */
  const char *const hiding[] = {"{\"x\":/*\"*/", "{\"x\":'\"',\"y\":"};
  for (size_t i = 0; i < G_N_ELEMENTS (hiding); i++) {
    g_autofree char *text = g_strconcat (hiding[i], deep, NULL);
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
    g_autoptr (GError) hide_err = NULL;
    g_assert_cmpint (evid_verify_packet_file (path, &opts, out, &hide_err), ==, -1);
    g_assert_nonnull (strstr (hide_err->message, "not strict JSON"));
  }
  fclose (out);
  g_assert_nonnull (strstr (report, "record altered"));
  evid_publication_free (msgs);
  evid_keyring_free (ring);
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
  /* a packet "purged" by hand (moved to purged, no purge row) is named */
  sql (f, "INSERT INTO purged SELECT id, seq, json_sha256, 'x' FROM packets WHERE seq = (SELECT MAX(seq) FROM packets);"
          "DELETE FROM media WHERE packet_id = (SELECT id FROM packets WHERE seq = (SELECT MAX(seq) FROM packets));"
          "DELETE FROM packets WHERE seq = (SELECT MAX(seq) FROM packets)",
       TRUE);
  g_autofree char *report3 = NULL;
  g_assert_cmpint (verify (f, &report3), ==, 1);
  g_assert_nonnull (strstr (report3, "without a purge in the audit log"));
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
  g_assert_true (evid_recorder_record_pending (w->rec, p, &event, &err));
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
    const double box5[4] = {100, 50 + frame, 20, 60}, box9[4] = {300, 50, 20, 60};
    evid_collector_seen (col, 5, frame, frame <= 60, &f->frame, box5);
    evid_collector_seen (col, 9, frame, TRUE, &f->frame, box9); /* someone else */
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
  /* each still says where the person is in it: the last seen one at frame 60 */
  g_assert_nonnull (strstr (r->json, "\"overview_last_seen\":[100.0,110.0,20.0,60.0]"));
  g_autoptr (GPtrArray) names = evid_store_media_names (evid_recorder_store (f->rec), r->id, NULL);
  g_assert_cmpuint (names->len, ==, 7); /* entry, decision (untouched and annotated), crop, mid, last seen, clip */
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
  /* ... also when the tracker lost the person and track 8 continues their
   * crossing: the packet follows track 8, no longer track 6 */
  g_assert_false (evid_collector_continue (col, 7, 8));
  g_assert_true (evid_collector_continue (col, 6, 8));
  g_assert_false (evid_collector_update_liveness (col, 6, "live", "{\"verdict\":\"live\"}"));
  g_assert_true (evid_collector_update_liveness (col, 8, "flat", "{\"verdict\":\"flat\",\"checks\":{}}"));
  evid_collector_finish (col, 91, TRUE, write_now, &w);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (events, 1), "\"decision\":\"rejected_flat\""));
  g_autoptr (GPtrArray) flat = evid_store_list (evid_recorder_store (f->rec), "rejected_flat", NULL);
  g_assert_cmpuint (flat->len, ==, 1);
  evid_collector_free (col);
}

/* Three people crossing at once: their packets share the frames they keep
 * (a still from the middle of each crossing, the last one on the road),
 * copied once each, not once per packet. */
static void
packets_open_together_share_their_frames (struct fixture *f, gconstpointer data)
{
  struct evid_collector *col = evid_collector_create (10, 600, 5, 5, 10, 1);
  for (int t = 1; t <= 3; t++) {
    struct evid_candidate c = {.frame = 20 + t, .utc_us = g_get_real_time (), .track_id = t, .type = "red_signal",
                               .bbox = {60, 30, 20, 60}, .zone = "road", .entry_frame = 15,
                               .signal_phase = "DONT_WALK", .signal_source = "schedule", .verdict = "live"};
    evid_collector_open (col, &c, NULL, &f->frame);
  }
  int most = 0, most_clip = 0;
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  struct writer w = {f->rec, events};
  for (int frame = 21; frame <= 200; frame++) {
    evid_collector_frame (col, frame, &f->frame);
    for (int t = 1; t <= 3; t++) {
      const double box[4] = {100 * t, 50, 20, 60};
      evid_collector_seen (col, t, frame, TRUE, &f->frame, box);
    }
    g_assert_cmpint (evid_collector_finish (col, frame, FALSE, write_now, &w), ==, 3); /* cuts the clips */
    most = MAX (most, evid_collector_frames_held (col));
    most_clip = MAX (most_clip, evid_collector_clip_frames_held (col));
  }
  /* the three clips (decisions at 21, 22, 23; the ring fed from 21, so 6,
   * 7 and 8 frames) share the ring's frames: 8 distinct, where copies would
   * be 21 */
  g_assert_cmpint (most_clip, ==, 8);
  /* each packet keeps at most 8 samples and its last frame, on the same
   * frame numbers: 9 frames in all, where copies would be 27 */
  g_assert_cmpint (most, >, 0);
  g_assert_cmpint (most, <=, 9);
  evid_collector_finish (col, 201, TRUE, write_now, &w);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpint (evid_collector_frames_held (col), ==, 0);
  evid_collector_free (col);
}

/* On the writer thread: the clip must already be encoded (the writer ran
 * its job when it was cut), then the packet is recorded as cwevidence does. */
static void
write_with_clip_done (void *data, struct evid_pending *p)
{
  struct writer *w = data;
  g_assert_nonnull (p->clip);
  g_assert_cmpint (evid_clip_job_frames_held (p->clip), ==, 0);
  char *event = NULL;
  g_autoptr (GError) err = NULL;
  g_assert_true (evid_pending_encode_clip (p, &err));
  g_assert_true (evid_recorder_record_pending (w->rec, p, &event, &err));
  g_ptr_array_add (w->events, event); /* the writer frees P */
}

static void
submit_to_writer (struct evid_pending *p, void *data)
{
  evid_writer_submit (data, p);
}

struct clip_hook {
  struct evid_writer_client *client;
  int cut, frames_at_cut;
};

static void
clip_to_writer (struct evid_clip_job *clip, void *data)
{
  struct clip_hook *h = data;
  h->cut++;
  h->frames_at_cut = evid_clip_job_frames_held (clip);
  evid_writer_submit_clip (h->client, clip);
}

/* A crossing goes on for seconds after its clip is cut: the writer makes
 * the clip then, and the packet keeps the clip, not the ring's frames. */
static void
a_cut_clip_is_encoded_while_the_crossing_goes_on (struct fixture *f, gconstpointer data)
{
  struct evid_collector *col = evid_collector_create (10, 300, 5, 5, 10, 1);
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  struct writer w = {f->rec, events};
  struct evid_writer *wr = evid_writer_acquire ();
  struct evid_writer_client *client = evid_writer_attach (wr, write_with_clip_done, NULL, &w);
  struct clip_hook hook = {client};
  evid_collector_on_clip_cut (col, clip_to_writer, &hook);
  struct evid_candidate c = {.frame = 20, .pts_s = 2, .utc_us = g_get_real_time (), .track_id = 5,
                             .type = "red_signal", .bbox = {60, 30, 20, 60}, .zone = "road", .entry_frame = 15,
                             .signal_phase = "DONT_WALK", .signal_elapsed_s = 3, .signal_source = "schedule",
                             .verdict = "live"};
  for (int frame = 15; frame <= 20; frame++)
    evid_collector_frame (col, frame, &f->frame);
  evid_collector_open (col, &c, &f->frame, &f->frame);
  for (int frame = 21; frame <= 60; frame++) {
    evid_collector_frame (col, frame, &f->frame);
    const double box[4] = {100, 50, 20, 60};
    evid_collector_seen (col, 5, frame, TRUE, &f->frame, box);
    evid_collector_finish (col, frame, FALSE, submit_to_writer, client);
    if (frame == 25) {
      /* cut at 20 + 5, frames 15 to 25, handed to the writer */
      g_assert_cmpint (hook.cut, ==, 1);
      g_assert_cmpint (hook.frames_at_cut, ==, 11);
      evid_writer_flush (client);
      g_assert_cmpint (evid_collector_open_count (col), ==, 1);          /* still crossing */
      g_assert_cmpint (evid_collector_clip_frames_held (col), ==, 0); /* its clip encoded, the frames let go */
    }
  }
  g_assert_cmpuint (events->len, ==, 0);
  evid_collector_finish (col, 61, TRUE, submit_to_writer, client);
  evid_writer_detach (client);
  evid_writer_release (wr);
  g_assert_cmpuint (events->len, ==, 1);
  g_autoptr (GPtrArray) rows = evid_store_list (evid_recorder_store (f->rec), NULL, NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_assert_nonnull (strstr (r->json, "\"clip_frames\":[15,25]"));
  g_autoptr (GBytes) clip = evid_store_media (evid_recorder_store (f->rec), r->id, "clip", NULL, NULL);
  g_assert_nonnull (clip);
  g_assert_cmpmem (g_bytes_get_data (clip, NULL), 4, "\x1a\x45\xdf\xa3", 4);
  evid_collector_free (col);
}

/* A 64 x 48 BGR picture of flat 8 x 8 patches, each its own colour (the
 * channel C, patch column X and row Y give BASE + C*DC + X*DX + Y*DY):
 * what I420 keeps to within rounding. The caller frees its data. */
static struct cv_image
patchwork (int base, int dc, int dx, int dy)
{
  struct cv_image img = {g_malloc (64 * 48 * 3), 64, 48, 64 * 3, 3};
  for (int y = 0; y < 48; y++)
    for (int x = 0; x < 64; x++)
      for (int c = 0; c < 3; c++)
        img.data[y * img.stride + 3 * x + c] = (guint8) (base + dc * c + dx * (x / 8) + dy * (y / 8));
  return img;
}

/* The largest difference of a byte of BGR pictures A and B (of one size). */
static int
worst_difference (const struct cv_image *a, const struct cv_image *b)
{
  int worst = 0;
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width * 3; x++)
      worst = MAX (worst, abs (a->data[y * a->stride + x] - b->data[y * b->stride + x]));
  return worst;
}

/* A still kept for a packet (a middle-of-crossing sample, the last seen)
 * takes half the bytes in I420 and comes back as the picture it was;
 * odd-sized pictures stay BGR. */
static void
stills_are_kept_compact_and_come_back (void)
{
  struct cv_image img = patchwork (40, 50, 7, 11);
  struct evid_frame *f = evid_frame_compact (&img);
  g_assert_cmpint (evid_frame_image (f)->channels, ==, 1);
  g_assert_cmpint (evid_frame_image (f)->height, ==, 72);
  struct cv_image scratch = {0};
  const struct cv_image *back = evid_frame_bgr (f, &scratch);
  g_assert_true (back == &scratch);
  g_assert_cmpint (back->width, ==, 64);
  g_assert_cmpint (back->height, ==, 48);
  g_assert_cmpint (worst_difference (back, &img), <=, 4);
  g_free (scratch.data);
  evid_frame_unref (f);
  struct cv_image odd = img;
  odd.width = 63, odd.height = 47;
  f = evid_frame_compact (&odd);
  g_assert_cmpint (evid_frame_image (f)->channels, ==, 3);
  struct cv_image unused = {0};
  g_assert_true (evid_frame_bgr (f, &unused) == evid_frame_image (f));
  g_assert_null (unused.data);
  evid_frame_unref (f);
  struct cv_image grey = {img.data, 64, 48, 64, 1};
  g_assert_null (evid_frame_compact (&grey));
  g_free (img.data);
}

/* A packet held open until its crossing ends keeps its entry still and
 * decision frame in I420 (half the bytes: 2.8 MB less a packet at 720p)
 * and gives them back as the pictures they were; an odd-sized picture
 * stays BGR, and one that is no BGR picture is kept as it came. */
static void
an_open_packet_holds_its_pictures_compact (void)
{
  struct cv_image img = patchwork (30, 60, 5, 13);
  struct evid_candidate cand = {.type = "red_signal", .verdict = "live", .track_id = 7, .frame = 40};
  struct evid_pending *p = evid_pending_new (&cand, &img, &img);
  g_assert_cmpint (p->entry.channels, ==, 1);
  g_assert_cmpint (p->decision.channels, ==, 1);
  g_assert_cmpint (p->decision.stride * p->decision.height, ==, 64 * 48 * 3 / 2);
  struct cv_image scratch[2] = {{0}};
  const struct cv_image *entry, *decision;
  g_assert_true (evid_pending_pictures (p, scratch, &entry, &decision));
  const struct cv_image *back[] = {entry, decision};
  for (int k = 0; k < 2; k++) {
    g_assert_true (back[k] == &scratch[k]);
    g_assert_cmpint (back[k]->width, ==, 64);
    g_assert_cmpint (back[k]->height, ==, 48);
    g_assert_cmpint (back[k]->channels, ==, 3);
    g_assert_cmpint (worst_difference (back[k], &img), <=, 4);
  }
  g_free (scratch[0].data);
  g_free (scratch[1].data);
  evid_pending_free (p);

  /* no entry still, an odd-sized decision frame: BGR as it was */
  struct cv_image odd = img;
  odd.width = 63, odd.height = 47;
  p = evid_pending_new (&cand, NULL, &odd);
  struct cv_image none[2] = {{0}};
  g_assert_true (evid_pending_pictures (p, none, &entry, &decision));
  g_assert_null (entry);
  g_assert_cmpint (decision->channels, ==, 3);
  g_assert_cmpint (decision->width, ==, 63);
  g_assert_cmpmem (decision->data, 63 * 3, img.data, 63 * 3);
  g_assert_null (none[0].data);
  g_assert_null (none[1].data);
  evid_pending_free (p);

  /* a grey picture is no I420 frame: handed back as it came */
  struct cv_image grey = {img.data, 64, 48, 64 * 3, 1};
  p = evid_pending_new (&cand, NULL, &grey);
  g_assert_true (evid_pending_pictures (p, none, &entry, &decision));
  g_assert_cmpint (decision->channels, ==, 1);
  g_assert_cmpint (decision->height, ==, 48);
  g_assert_cmpmem (decision->data, 64, img.data, 64);
  evid_pending_free (p);
  g_free (img.data);
}

static void
no_packet_expected (void *data, struct evid_pending *p)
{
  g_assert_not_reached ();
}

/* A clip job is encoded once, whoever asks first, and says why when it cannot be. */
static void
a_clip_job_encodes_once (void)
{
  GBytes *frames[3];
  struct cv_image i420 = {g_malloc (32 * 24), 32, 24, 32, 1}; /* 32 x 16 I420 */
  for (int i = 0; i < 3; i++) {
    memset (i420.data, 40 * i, 32 * 24);
    frames[i] = evid_clip_frame_jpeg (&i420);
    g_assert_nonnull (frames[i]);
  }
  struct evid_clip_job *j = evid_clip_job_new (frames, 3, 32, 16, 10, 1);
  g_assert_cmpint (evid_clip_job_frames_held (j), ==, 3);
  evid_clip_job_run (j);
  g_assert_cmpint (evid_clip_job_frames_held (j), ==, 0);
  g_assert_null (evid_clip_job_frame (j, 0));
  g_autoptr (GBytes) a = evid_clip_job_result (j, NULL), b = evid_clip_job_result (j, NULL);
  g_assert_nonnull (a);
  g_assert_true (a == b); /* the same bytes: not made again */
  evid_clip_job_unref (j);
  /* a picture that is no packed I420 of even sides is no clip frame */
  struct cv_image odd = {i420.data, 31, 24, 31, 1};
  g_assert_null (evid_clip_frame_jpeg (&odd));
  /* a job that cannot be made (no size): an error, no clip */
  GBytes *no_size = evid_clip_frame_jpeg (&i420);
  j = evid_clip_job_new (&no_size, 1, 0, 0, 10, 1);
  evid_clip_job_run (j); /* as the writer does when the clip is cut; the packet asks later */
  g_autoptr (GError) err = NULL, again = NULL;
  g_assert_null (evid_clip_job_result (j, &err));
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err->message, "clip"));
  g_assert_null (evid_clip_job_result (j, &again));
  g_assert_cmpstr (again->message, ==, err->message);
  evid_clip_job_unref (j);
  /* a clip queued when its camera detaches is made before the writer
   * lets the camera go, and freed with its last reference (ASan: no leak) */
  GBytes *one = evid_clip_frame_jpeg (&i420);
  g_free (i420.data);
  j = evid_clip_job_new (&one, 1, 32, 16, 10, 1);
  struct evid_writer *w = evid_writer_acquire ();
  struct evid_writer_client *c = evid_writer_attach (w, no_packet_expected, NULL, NULL);
  evid_writer_submit_clip (c, evid_clip_job_ref (j));
  evid_writer_detach (c);
  evid_writer_release (w);
  g_assert_cmpint (evid_clip_job_frames_held (j), ==, 0);
  g_autoptr (GBytes) queued = evid_clip_job_result (j, NULL);
  g_assert_nonnull (queued);
  evid_clip_job_unref (j);
}

/* Each clip frame's grey level is the frame number (mod 256): a ring slot
 * whose frame a clip took, given a later frame's picture, would show a
 * later number. The ring keeps I420 JPEGs: grey is that level's Y (video
 * range, 16-235), U and V 128, within what JPEG changes of a flat picture. */
static void
check_clip_pixels (struct evid_pending *p, void *data)
{
  int *checked = data;
  g_assert_nonnull (p->clip);
  g_assert_cmpint (evid_clip_job_frames_held (p->clip), ==, 11);
  for (int k = 0; k < 11; k++) {
    GBytes *f = evid_clip_job_frame (p->clip, k);
    gsize len;
    const unsigned char *jpg = g_bytes_get_data (f, &len);
    unsigned char *px;
    int w, h, stride;
    g_assert_cmpint (cv_decode_bgra (jpg, len, &px, &w, &h, &stride), ==, CV_OK);
    g_assert_cmpint (stride, ==, w * 4);
    int level = (p->c.clip_first_frame + k) % 256, y = (int) lround (16 + level * 219.0 / 255); /* video range */
    for (int i = 0; i < w * h * 4; i++)
      if (i % 4 != 3)
        g_assert_cmpint (abs (px[i] - y), <=, 2);
    cv_free (px);
    g_bytes_unref (f);
  }
  (*checked)++;
  evid_pending_free (p);
}

/* A frame of colour patches (blocks of 8 x 8, each its own colour). */
static void
patches (struct cv_image *img, int seed)
{
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      for (int c = 0; c < 3; c++)
        img->data[(size_t) y * img->stride + x * 3 + c] =
            (unsigned char) ((((x / 8) * 37 + (y / 8) * 91 + c * 53 + seed * 17) % 200) + 28);
}

/* The recent frames give back what was kept: the same picture (I420 in
 * between: chroma is shared by 2 x 2 pixels, so on 8 x 8 patches only
 * their edges and rounding differ), each person's box, nothing once the
 * ring has gone round, and odd sizes kept whole. */
static void
recent_frames_give_back_the_picture_and_the_boxes (void)
{
  for (int odd = 0; odd < 2; odd++) {
    int w = 64 + odd, h = 48 + odd;
    struct evid_recent *r = evid_recent_create (4);
    g_autofree unsigned char *px = g_malloc ((gsize) w * h * 3);
    struct cv_image img = {px, w, h, w * 3, 3};
    for (int frame = 1; frame <= 9; frame++) {
      patches (&img, frame);
      struct evid_recent_box boxes[2] = {{.id = 7, .box = {frame, 2, 10, 20}}, {.id = 9, .box = {30, frame, 8, 16}}};
      g_assert_true (evid_recent_keep (r, frame, &img, boxes, 2));
    }
    for (int frame = 1; frame <= 9; frame++) {
      const struct cv_image *back = evid_recent_picture (r, frame);
      double box[4];
      if (frame <= 5) { /* four kept: 6 to 9 */
        g_assert_null (back);
        g_assert_false (evid_recent_box (r, frame, 7, box));
        continue;
      }
      g_assert_nonnull (back);
      g_assert_cmpint (back->width, ==, w);
      g_assert_cmpint (back->height, ==, h);
      g_assert_cmpint (back->channels, ==, 3);
      patches (&img, frame);
      int off = 0, n = 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w * 3; x++, n++)
          off += abs (back->data[(size_t) y * back->stride + x] - img.data[(size_t) y * img.stride + x]) > 12;
      g_test_message ("%dx%d frame %d: %d of %d values off by more than 12", w, h, frame, off, n);
      g_assert_cmpint (off, <=, odd ? 0 : n / 100); /* odd sizes are kept as they came */
      g_assert_true (evid_recent_box (r, frame, 9, box));
      g_assert_cmpfloat (box[1], ==, frame);
      g_assert_false (evid_recent_box (r, frame, 8, box));
    }
    /* a frame that cannot be kept takes the oldest slot, and leaves it empty */
    struct cv_image bad = {NULL, w, h, w * 3, 3};
    g_assert_false (evid_recent_keep (r, 13, &bad, NULL, 0));
    g_assert_null (evid_recent_picture (r, 6));
    g_assert_null (evid_recent_picture (r, 13));
    g_assert_nonnull (evid_recent_picture (r, 9));
    g_assert_cmpint (evid_recent_latest (r, 12), ==, 9);
    g_assert_cmpint (evid_recent_latest (r, 6), ==, -1);
    /* frames kept 1 in 3 (the detector's at 25 frames/s): the ring holds the last four of them, the latest at or
     * before a frame stands in for it */
    for (int frame = 20; frame <= 41; frame += 3) {
      patches (&img, frame);
      g_assert_true (evid_recent_keep (r, frame, &img, NULL, 0));
    }
    g_assert_null (evid_recent_picture (r, 29));
    for (int frame = 32; frame <= 41; frame += 3)
      g_assert_nonnull (evid_recent_picture (r, frame));
    g_assert_cmpint (evid_recent_latest (r, 40), ==, 38);
    g_assert_cmpint (evid_recent_latest (r, 31), ==, -1);
    evid_recent_free (r);
  }
}

static void
a_clip_keeps_its_frames_while_the_ring_goes_round (void)
{
  struct evid_collector *col = evid_collector_create (10, 600, 5, 5, 10, 1);
  g_autofree unsigned char *px = g_malloc (32 * 24 * 3);
  struct cv_image img = {px, 32, 24, 32 * 3, 3};
  int checked = 0;
  for (int frame = 1; frame <= 120; frame++) {
    memset (px, frame % 256, 32 * 24 * 3);
    evid_collector_frame (col, frame, &img);
    if (frame == 20 || frame == 23) {
      struct evid_candidate c = {.frame = frame, .track_id = frame, .type = "red_signal", .bbox = {2, 2, 8, 16},
                                 .zone = "road", .entry_frame = frame - 2, .signal_phase = "DONT_WALK",
                                 .signal_source = "schedule", .verdict = "live"};
      evid_collector_open (col, &c, NULL, &img);
    }
    const double box[4] = {2, 2, 8, 16};
    /* both stay on the road for 60 frames: the ring (11 slots) goes round
     * five times while their clips are held */
    if (frame < 80) {
      evid_collector_seen (col, 20, frame, TRUE, &img, box);
      evid_collector_seen (col, 23, frame, TRUE, &img, box);
    }
    evid_collector_finish (col, frame, FALSE, check_clip_pixels, &checked);
  }
  g_assert_cmpint (checked, ==, 2);
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


/* Confirms the first pending packet, publication included. */
static char *
confirm_first (struct fixture *f)
{
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autoptr (GPtrArray) rows = evid_store_list (st, "pending", NULL);
  struct evid_packet_row *r = g_ptr_array_index (rows, 0);
  g_autoptr (GError) err = NULL;
  GArray *msgs = evid_publication_build (st, r, f->cfg, &err);
  g_assert_no_error (err);
  g_assert_true (evid_store_review (st, r->id, "pending", "confirmed", "officer-7", NULL,
                                    (struct evid_outbox_msg *) msgs->data, (int) msgs->len, &err));
  evid_publication_free (msgs);
  return g_strdup (r->id);
}

static void
edited_columns_are_named_by_verify (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live"), *b = record (f, "live"), *c = record (f, "live");
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  sql (f, "UPDATE packets SET type = 'outside_crosswalk' WHERE seq = 1", TRUE);
  sql (f, "UPDATE packets SET review_state = 'confirmed' WHERE seq = 2", TRUE);
  sql (f, "UPDATE packets SET legal_hold = 1, retention_until = '2999-01-01T00:00:00.000Z', track_id = 99,"
          " created_utc = '2000-01-01T00:00:00.000Z' WHERE seq = 3",
       TRUE);
  /* a media row nobody signed (another packet's still), and a changed type */
  sql (f, "INSERT INTO media SELECT (SELECT id FROM packets WHERE seq = 1), 'overview_extra', mime, sha256, data"
          " FROM media WHERE packet_id = (SELECT id FROM packets WHERE seq = 2) AND name = 'person_crop';"
          "UPDATE media SET mime = 'text/html' WHERE name = 'overview_entry' AND packet_id = (SELECT id FROM packets WHERE seq = 2)",
       TRUE);
  g_autofree char *report2 = NULL;
  g_assert_cmpint (verify (f, &report2), ==, 8);
  g_assert_nonnull (strstr (report2, "media row overview_extra is not in the signed record"));
  g_assert_nonnull (strstr (report2, "media row overview_entry: stored sha256 or type differs"));
  g_assert_nonnull (strstr (report2, "column type is 'outside_crosswalk' but the signed record says 'red_signal'"));
  g_assert_nonnull (strstr (report2, "review state is 'confirmed' but the audit log says 'pending'"));
  g_assert_nonnull (strstr (report2, "legal hold is on but the audit log says off"));
  g_assert_nonnull (strstr (report2, "column retention_until"));
  g_assert_nonnull (strstr (report2, "column track_id is 99"));
  g_assert_nonnull (strstr (report2, "column created_utc"));
}

static void
deleting_the_newest_packet_or_audit_row_is_caught_by_the_chain_head (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live"), *b = record (f, "live");
  g_autofree char *id = confirm_first (f);
  g_autofree char *head = evid_chain_head_path (f->db);
  g_autofree char *copy = g_build_filename (f->dir, "head-from-the-bus.json", NULL), *text = NULL;
  g_assert_true (g_file_get_contents (head, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  g_assert_nonnull (strstr (report, "held"));
  /* the newest packet and (triggers dropped) the newest audit row go; the
   * head beside the store goes too, but a copy was kept elsewhere */
  sql (f, "DELETE FROM media WHERE packet_id = (SELECT id FROM packets WHERE seq = 2); DELETE FROM packets WHERE seq = 2;"
          "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
       TRUE);
  g_unlink (head);
  struct evid_keyring *ring = device_ring (f);
  struct evid_verify_opts opts = {.trusted = ring, .head_path = copy};
  g_autofree char *report2 = NULL;
  /* the deleted audit row was the confirmation: the state column now disagrees too */
  g_assert_cmpint (verify_with (evid_recorder_store (f->rec), &opts, &report2), ==, 3);
  g_assert_nonnull (strstr (report2, "review state is 'confirmed' but the audit log says 'pending'"));
  g_assert_nonnull (strstr (report2, "the newest packet(s) were deleted"));
  g_assert_nonnull (strstr (report2, "the newest audit row(s) were deleted"));
  /* without any head, verify says what it cannot see */
  struct evid_verify_opts no_head = {.trusted = ring};
  g_autofree char *report3 = NULL;
  g_assert_cmpint (verify_with (evid_recorder_store (f->rec), &no_head, &report3), ==, 1);
  g_assert_nonnull (strstr (report3, "no chain head"));
  /* a head that was altered is refused */
  g_autofree char *forged = g_strdup (text);
  char *seq = strstr (forged, "packet_seq\\\":");
  seq[strlen ("packet_seq\\\":")] = '9';
  g_assert_true (g_file_set_contents (copy, forged, -1, NULL));
  g_autofree char *report4 = NULL;
  g_assert_cmpint (verify_with (evid_recorder_store (f->rec), &opts, &report4), >=, 1);
  g_assert_nonnull (strstr (report4, "chain head"));
  evid_keyring_free (ring);
}

static void
a_recomputed_audit_chain_fails_its_signatures (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live");
  g_autofree char *id = confirm_first (f);
  /* the triggers dropped, the confirming officer's name changed and every
   * hash recomputed: the chain links, the signatures do not */
  sqlite3 *db;
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER audit_log_no_update", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_stmt *s;
  sqlite3_prepare_v2 (db, "SELECT seq, utc, actor, action, packet_id, detail FROM audit_log ORDER BY seq", -1, &s, NULL);
  char prev[65] = "";
  GPtrArray *updates = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (s) == SQLITE_ROW) {
    const char *actor = strcmp ((const char *) sqlite3_column_text (s, 2), "officer-7") == 0 ? "Chief Constable"
                                                                                               : (const char *) sqlite3_column_text (s, 2);
    g_autofree char *hash = evid_audit_row_hash (prev, sqlite3_column_int64 (s, 0), (const char *) sqlite3_column_text (s, 1),
                                                 actor, (const char *) sqlite3_column_text (s, 3),
                                                 (const char *) sqlite3_column_text (s, 4),
                                                 (const char *) sqlite3_column_text (s, 5));
    g_ptr_array_add (updates, sqlite3_mprintf ("UPDATE audit_log SET actor = %Q, prev_hash = %Q, hash = %Q WHERE seq = %lld",
                                               actor, prev, hash, (long long) sqlite3_column_int64 (s, 0)));
    g_strlcpy (prev, hash, sizeof prev);
  }
  sqlite3_finalize (s);
  for (guint i = 0; i < updates->len; i++) {
    g_assert_cmpint (sqlite3_exec (db, g_ptr_array_index (updates, i), NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_free (g_ptr_array_index (updates, i));
    updates->pdata[i] = NULL;
  }
  g_ptr_array_unref (updates);
  sqlite3_close (db);
  g_assert_true (evid_store_verify_audit (evid_recorder_store (f->rec), NULL)); /* the bare chain holds */
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), >=, 1);
  g_assert_nonnull (strstr (report, "signature invalid (row rewritten)"));
}

static void
a_missing_key_is_refused_and_only_an_explicit_replacement_goes_on (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live");
  g_autofree char *old_pub = g_strconcat (f->key, ".pub", NULL), *old_pub_text = NULL;
  g_assert_true (g_file_get_contents (old_pub, &old_pub_text, NULL, NULL));
  evid_recorder_free (f->rec);
  f->rec = NULL;
  g_assert_cmpint (g_unlink (f->key), ==, 0);
  GError *err = NULL;
  g_assert_null (evid_recorder_create (f->cfg, NULL, &err));
  g_assert_nonnull (strstr (err->message, "device key missing, but the store"));
  g_assert_nonnull (strstr (err->message, "crosswatch key replace-lost"));
  g_clear_error (&err);
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS)); /* nothing was made silently */
  /* a key swapped under the same name is caught by its .pub */
  g_autofree char *other = g_build_filename (f->dir, "other.key", NULL);
  struct evid_key *stranger = evid_key_open (other, true, NULL);
  g_assert_cmpint (rename (other, f->key), ==, 0);
  g_assert_null (evid_recorder_create (f->cfg, NULL, &err));
  g_assert_nonnull (strstr (err->message, "the key was replaced outside"));
  g_clear_error (&err);
  /* ... and with its .pub removed too, by the store's own record of its key */
  g_autofree char *pub_path = g_strconcat (f->key, ".pub", NULL);
  g_unlink (pub_path);
  g_assert_null (evid_recorder_create (f->cfg, NULL, &err));
  g_assert_nonnull (strstr (err->message, "the key was replaced outside"));
  g_clear_error (&err);
  g_unlink (pub_path);
  g_assert_true (g_file_set_contents (pub_path, old_pub_text, -1, NULL));
  evid_key_free (stranger);
  g_unlink (f->key);
  /* the explicit way: recorded, signed by the new key */
  struct evid_store *st = evid_store_open (f->db, NULL);
  g_autofree char *new_key = NULL;
  g_assert_false (evid_key_replace_lost (st, f->key, "t1", "installer", NULL, &new_key, &err));
  g_clear_error (&err);
  g_assert_true (evid_key_replace_lost (st, f->key, "t1", "installer", "cabinet flooded", &new_key, &err));
  g_assert_no_error (err);
  evid_store_close (st);
  f->rec = evid_recorder_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  g_autofree char *b = record (f, "live");
  /* trusting only the new key: the old packet is untrusted; trusting both:
   * intact, and the report says which key signed which span */
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), >=, 1);
  g_assert_nonnull (strstr (report, "signed by untrusted key"));
  struct evid_keyring *ring = device_ring (f);
  g_assert_true (evid_keyring_add_hex (ring, g_strstrip (old_pub_text), NULL));
  struct evid_verify_opts both = {.trusted = ring};
  g_autofree char *report2 = NULL;
  g_assert_cmpint (verify_with (evid_recorder_store (f->rec), &both, &report2), ==, 0);
  g_assert_nonnull (strstr (report2, "key_replaced_lost"));
  g_assert_nonnull (strstr (report2, "signed packets 1-1"));
  g_assert_nonnull (strstr (report2, "signed packets 2-2"));
  evid_keyring_free (ring);
}

static void
a_rotated_key_is_vouched_for_by_the_old_one (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live");
  g_autofree char *old_pub = g_strconcat (f->key, ".pub", NULL), *old_text = NULL;
  g_assert_true (g_file_get_contents (old_pub, &old_text, NULL, NULL));
  evid_recorder_free (f->rec);
  /* a copy of the old secret, as a thief would have kept */
  g_autofree char *stolen = g_build_filename (f->dir, "stolen.key", NULL), *secret = NULL;
  gsize secret_len;
  g_assert_true (g_file_get_contents (f->key, &secret, &secret_len, NULL));
  g_assert_true (g_file_set_contents (stolen, secret, secret_len, NULL));
  struct evid_store *st = evid_store_open (f->db, NULL);
  g_autofree char *new_key = NULL;
  g_autoptr (GError) err = NULL;
  const char *const displays[] = {"east", "west", NULL};
  g_assert_true (evid_key_rotate (st, f->key, "t1", displays, "installer", &new_key, &err));
  /* the old secret is gone; every display was sent the handover, signed by the old key */
  g_autofree char *dir = g_path_get_dirname (f->key);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (d));)
    g_assert_false (g_str_has_prefix (name, "device.key.retired"));
  g_autoptr (GPtrArray) handover = evid_store_outbox_pending (st, 10, NULL);
  g_assert_cmpuint (handover->len, ==, 2);
  struct evid_outbox_row *h0 = g_ptr_array_index (handover, 0);
  g_assert_cmpstr (h0->packet_id, ==, new_key);
  g_autofree char *h0_text = g_strndup (g_bytes_get_data (h0->payload, NULL), g_bytes_get_size (h0->payload));
  g_assert_nonnull (strstr (h0_text, "\\\"kind\\\":\\\"key\\\""));
  evid_store_close (st);
  f->rec = evid_recorder_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  g_autofree char *b = record (f, "live");
  /* the new .pub alone trusts the old packets through the rotation row */
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
  g_assert_nonnull (strstr (report, "key_rotated"));
  /* and the old key alone trusts the new packets */
  struct evid_keyring *ring = evid_keyring_new ();
  g_assert_true (evid_keyring_add_hex (ring, g_strstrip (old_text), NULL));
  struct evid_verify_opts old_only = {.trusted = ring};
  g_autofree char *report2 = NULL;
  g_assert_cmpint (verify_with (evid_recorder_store (f->rec), &old_only, &report2), ==, 0);
  evid_keyring_free (ring);
  /* a case bundle of a packet signed before the rotation verifies offline
   * with the new key alone: the bundle carries the rotation */
  g_autoptr (GPtrArray) all = evid_store_list (evid_recorder_store (f->rec), NULL, NULL);
  g_autofree char *bundle = g_build_filename (f->dir, "old-case.tar", NULL);
  g_assert_true (evid_export_bundle (evid_recorder_store (f->rec),
                                     ((struct evid_packet_row *) g_ptr_array_index (all, 0))->id, bundle, &err));
  struct evid_keyring *now_ring = device_ring (f);
  struct evid_verify_opts new_only = {.trusted = now_ring};
  g_autofree char *breport = NULL;
  size_t blen;
  FILE *bout = open_memstream (&breport, &blen);
  int bfail = evid_verify_bundle (bundle, &new_only, bout, &err);
  fclose (bout);
  if (bfail != 0)
    g_error ("bundle after rotation: %s", breport);
  evid_keyring_free (now_ring);
  /* the old key, signing after its rotation, counts for nothing */
  g_usleep (2000); /* a later millisecond than the rotation row */
  struct evid_key *old = evid_key_open (stolen, false, NULL);
  g_assert_nonnull (old);
  struct evid_store *thief = evid_store_open (f->db, NULL);
  evid_store_set_signer (thief, old, "t1");
  g_assert_true (evid_store_audit (thief, "thief", "review:confirmed", NULL, NULL, NULL));
  evid_store_close (thief);
  evid_key_free (old);
  g_autofree char *report3 = NULL;
  g_assert_cmpint (verify (f, &report3), >=, 1);
  g_assert_nonnull (strstr (report3, "after it was taken out of service"));
}

/* Two processes append to one store at once: one chain. */
static void
two_writers_keep_one_chain (struct fixture *f, gconstpointer data)
{
  g_autofree char *first = record (f, "live"); /* the key exists before the writers start */
  pid_t pids[2];
  for (int w = 0; w < 2; w++) {
    pids[w] = fork ();
    if (pids[w] == 0) {
      GError *err = NULL;
      g_random_set_seed ((guint32) getpid ()); /* forked children would draw the same packet ids */
      struct evid_recorder *rec = evid_recorder_create (f->cfg, NULL, &err);
      if (!rec)
        _exit (2);
      /* the parent's connection is left alone: SQLite handles must not
       * cross a fork */
      f->rec = rec;
      for (int i = 0; i < 200; i++)
        g_free (record (f, "live"));
      evid_recorder_free (rec);
      _exit (0);
    }
  }
  for (int w = 0; w < 2; w++) {
    int status = -1;
    g_assert_cmpint (waitpid (pids[w], &status, 0), ==, pids[w]);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
  g_autoptr (GPtrArray) rows = evid_store_list (evid_recorder_store (f->rec), NULL, NULL);
  g_assert_cmpuint (rows->len, ==, 401);
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
}

static void
reversal_and_purge_retract_from_every_display (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live"), *b = record (f, "live");
  struct evid_store *st = evid_recorder_store (f->rec);
  g_autofree char *first = confirm_first (f);
  g_autofree char *second = confirm_first (f);
  g_assert_cmpint (evid_publication_sync_displays (st, f->cfg, g_get_real_time (), NULL), ==, 4);
  g_autoptr (GPtrArray) sent = evid_store_outbox_pending (st, 100, NULL);
  for (guint i = 0; i < sent->len; i++)
    evid_store_outbox_mark_sent (st, ((struct evid_outbox_row *) g_ptr_array_index (sent, i))->id, NULL);
  g_autoptr (GError) err = NULL;
  /* an outbox that lost its rows still leaves no screen showing the case */
  g_autofree char *del = g_strdup_printf ("DELETE FROM outbox WHERE packet_id = '%s'", first);
  sql (f, del, TRUE);
  g_assert_false (evid_store_reverse (st, first, "officer-7", "", &err));
  g_clear_error (&err);
  g_assert_true (evid_store_reverse (st, first, "officer-7", "appeal upheld", &err));
  g_assert_no_error (err);
  g_autoptr (GPtrArray) retracts = evid_store_outbox_pending (st, 100, NULL);
  g_assert_cmpuint (retracts->len, ==, 4); /* east and west: a retract, and the retained show cleared */
  for (guint i = 0; i < retracts->len; i++) {
    struct evid_outbox_row *r = g_ptr_array_index (retracts, i);
    g_assert_cmpstr (r->packet_id, ==, first);
    g_autofree char *text = g_strndup (g_bytes_get_data (r->payload, NULL), g_bytes_get_size (r->payload));
    if (i % 2 == 0) {
      g_assert_nonnull (strstr (text, "\\\"kind\\\":\\\"retract\\\""));
      g_assert_false (r->retain);
    } else {
      g_autofree char *topic = g_strdup_printf ("crosswatch/t1/display/%s/case/%s", i < 2 ? "east" : "west", first);
      g_assert_cmpstr (r->topic, ==, topic);
      g_assert_true (r->retain);
      g_assert_cmpuint (g_bytes_get_size (r->payload), ==, 0);
    }
    evid_store_outbox_mark_sent (st, r->id, NULL);
  }
  /* reversed: never queued for a display again */
  g_assert_cmpint (evid_publication_sync_displays (st, f->cfg, g_get_real_time (), NULL), ==, 0);
  g_assert_false (evid_store_reverse (st, first, "officer-7", "again", &err)); /* not confirmed any more */
  g_clear_error (&err);
  int n = 0;
  g_assert_true (evid_store_purge (st, "2999-01-01T00:00:00.000Z", "retention-job", &n, &err));
  g_assert_cmpint (n, ==, 2);
  g_autoptr (GPtrArray) after = evid_store_outbox_pending (st, 100, NULL);
  g_assert_cmpuint (after->len, ==, 8); /* both cases retracted (and cleared) from both displays */
  g_autofree char *report = NULL;
  g_assert_cmpint (verify (f, &report), ==, 0);
}

static void
the_store_is_private_and_readable_read_only (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = record (f, "live");
  GStatBuf sb;
  g_assert_cmpint (g_stat (f->db, &sb), ==, 0);
  g_assert_cmpint (sb.st_mode & 0777, ==, 0600);
  g_autofree char *dir = g_path_get_dirname (f->db);
  g_assert_cmpint (g_stat (dir, &sb), ==, 0);
  g_assert_cmpint (sb.st_mode & 0077, ==, 0);
  evid_recorder_free (f->rec);
  f->rec = NULL;
  /* a copy on "read-only media": no -wal, no -shm, and no way to make them */
  g_autofree char *ro_dir = g_build_filename (f->dir, "ro", NULL);
  g_autofree char *ro = g_build_filename (ro_dir, "evidence.db", NULL);
  g_assert_cmpint (g_mkdir (ro_dir, 0700), ==, 0);
  g_autofree char *data_ = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (f->db, &data_, &len, NULL));
  g_assert_true (g_file_set_contents (ro, data_, len, NULL));
  g_assert_cmpint (chmod (ro, 0400), ==, 0);
  g_assert_cmpint (chmod (ro_dir, 0500), ==, 0);
  g_autoptr (GError) err = NULL;
  struct evid_store *st = evid_store_open_readonly (ro, &err);
  g_assert_no_error (err);
  g_autoptr (GPtrArray) rows = evid_store_list (st, NULL, &err);
  g_assert_cmpuint (rows->len, ==, 1);
  struct evid_keyring *ring = device_ring (f);
  struct evid_verify_opts opts = {.trusted = ring, .head_path = NULL};
  g_autofree char *report = NULL;
  g_assert_cmpint (verify_with (st, &opts, &report), ==, 0);
  g_assert_false (evid_store_audit (st, "x", "view", NULL, NULL, NULL)); /* and it writes nothing */
  evid_store_close (st);
  evid_keyring_free (ring);
  chmod (ro_dir, 0700);
  f->rec = evid_recorder_create (f->cfg, NULL, &err);
}

/* A gzip bomb: a tar whose one entry unpacks to 300 MiB of zeros. */
static void
a_bundle_bomb_is_refused_within_bounded_memory (struct fixture *f, gconstpointer data)
{
  g_autofree char *bomb = g_build_filename (f->dir, "bomb.tar.gz", NULL);
  struct archive *a = archive_write_new ();
  archive_write_add_filter_gzip (a);
  archive_write_set_format_pax_restricted (a);
  g_assert_cmpint (archive_write_open_filename (a, bomb), ==, ARCHIVE_OK);
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, "media/overview_entry.jpg");
  gint64 size = (gint64) 300 << 20;
  archive_entry_set_size (e, size);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0600);
  g_assert_cmpint (archive_write_header (a, e), ==, ARCHIVE_OK);
  g_autofree char *zeros = g_malloc0 (1 << 20);
  for (gint64 done = 0; done < size; done += 1 << 20)
    archive_write_data (a, zeros, 1 << 20);
  archive_entry_free (e);
  archive_write_close (a);
  archive_write_free (a);
  struct rusage before, after;
  getrusage (RUSAGE_SELF, &before);
  g_autoptr (GError) err = NULL;
  struct evid_keyring *ring = device_ring (f);
  struct evid_verify_opts opts = {.trusted = ring};
  g_autofree char *report = NULL;
  size_t rlen;
  FILE *out = open_memstream (&report, &rlen);
  g_assert_cmpint (evid_verify_bundle (bomb, &opts, out, &err), ==, -1);
  fclose (out);
  getrusage (RUSAGE_SELF, &after);
  g_assert_nonnull (strstr (err->message, "larger than a case bundle can be"));
#ifndef __SANITIZE_ADDRESS__ /* ASan's shadow memory and quarantine make RSS no measure of the reader */
  g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 100 * 1024); /* KiB: the limit is 64 MiB an entry */
#endif
  evid_keyring_free (ring);
}

/* The process's one writer: two cameras' packets written one at a time in
 * the order handed over, on one thread that is not the caller's; a flush
 * returns only after its packets and an idle call; a detached client is
 * never called again; the last release stops the thread. */
struct writer_log {
  GMutex lock;
  GPtrArray *lines; /* "camera:track" in the order written */
  GThread *seen_thread;
  int busy, overlapped, idles;
};

struct writer_camera {
  struct writer_log *log;
  const char *name;
};

static void
writer_test_write (void *data, struct evid_pending *p)
{
  struct writer_camera *cam = data;
  struct writer_log *log = cam->log;
  if (g_atomic_int_add (&log->busy, 1) != 0)
    g_atomic_int_inc (&log->overlapped);
  g_usleep (2000); /* a slow disk: a second writer would overlap here */
  g_mutex_lock (&log->lock);
  g_ptr_array_add (log->lines, g_strdup_printf ("%s:%d", cam->name, p->c.track_id));
  log->seen_thread = g_thread_self ();
  g_mutex_unlock (&log->lock);
  g_atomic_int_add (&log->busy, -1);
}

static void
writer_test_idle (void *data)
{
  struct writer_camera *cam = data;
  g_atomic_int_inc (&cam->log->idles);
}

static struct evid_pending *
writer_test_packet (int track)
{
  guint8 px[4 * 4 * 3] = {0};
  struct cv_image img = {px, 4, 4, 12, 3};
  struct evid_candidate c = {.frame = track, .track_id = track, .type = "red_signal", .verdict = "live"};
  return evid_pending_new (&c, NULL, &img);
}

static void
one_writer_serves_every_camera_in_order (void)
{
  struct writer_log log = {.lines = g_ptr_array_new_with_free_func (g_free)};
  g_mutex_init (&log.lock);
  struct writer_camera a = {&log, "a"}, b = {&log, "b"};
  struct evid_writer *w1 = evid_writer_acquire (), *w2 = evid_writer_acquire ();
  g_assert_true (w1 == w2);
  struct evid_writer_client *ca = evid_writer_attach (w1, writer_test_write, writer_test_idle, &a);
  struct evid_writer_client *cb = evid_writer_attach (w2, writer_test_write, writer_test_idle, &b);
  for (int i = 1; i <= 20; i++)
    evid_writer_submit (i % 2 ? ca : cb, writer_test_packet (i));
  evid_writer_flush (cb);
  /* b's flush came after all 20: every one of them is written */
  g_assert_cmpuint (log.lines->len, ==, 20);
  g_assert_cmpint (evid_writer_backlog (w1), ==, 0);
  for (int i = 1; i <= 20; i++) {
    g_autofree char *want = g_strdup_printf ("%s:%d", i % 2 ? "a" : "b", i);
    g_assert_cmpstr (g_ptr_array_index (log.lines, i - 1), ==, want);
  }
  g_assert_cmpint (log.overlapped, ==, 0);
  g_assert_true (log.seen_thread != g_thread_self ());
  g_assert_cmpint (g_atomic_int_get (&log.idles), >=, 1);
  evid_writer_detach (cb);
  evid_writer_release (w2);
  /* a detached camera is not called again; the other goes on */
  evid_writer_submit (ca, writer_test_packet (21));
  evid_writer_detach (ca);
  g_assert_cmpuint (log.lines->len, ==, 21);
  g_assert_cmpstr (g_ptr_array_index (log.lines, 20), ==, "a:21");
  evid_writer_release (w1);
  /* the last release stopped the thread: the next acquire starts anew */
  struct evid_writer *w3 = evid_writer_acquire ();
  struct evid_writer_client *cc = evid_writer_attach (w3, writer_test_write, NULL, &b);
  evid_writer_submit (cc, writer_test_packet (22));
  evid_writer_detach (cc);
  evid_writer_release (w3);
  g_assert_cmpuint (log.lines->len, ==, 22);
  g_ptr_array_free (log.lines, TRUE);
  g_mutex_clear (&log.lock);
}

#define ADD(name) g_test_add ("/evidence/" #name, struct fixture, NULL, setup, name, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD (recorded_packets_verify_and_chain);
  ADD (the_decision_still_is_kept_untouched_and_annotated);
  ADD (altered_media_and_records_are_named_by_verify);
  ADD (a_flat_candidate_is_kept_but_never_confirmable);
  ADD (a_position_uncertain_case_is_kept_for_review_never_confirmable);
  ADD (an_unassessed_candidate_is_not_raised);
  ADD (a_red_signal_case_on_an_untrusted_clock_waits_for_a_time_check);
  ADD (confirming_queues_evidence_and_publishing_resolves_the_displays);
  ADD (audit_log_is_append_only_and_chained);
  ADD (packets_are_signed_by_a_private_device_key);
  ADD (a_case_bundle_verifies_offline_and_names_tampering);
  ADD (a_published_packet_file_verifies_and_names_tampering);
  ADD (purge_keeps_held_packets_and_the_chain);
  ADD (a_packet_waits_for_the_end_of_the_crossing_and_shows_all_of_it);
  ADD (packets_open_together_share_their_frames);
  ADD (a_cut_clip_is_encoded_while_the_crossing_goes_on);
  ADD (edited_columns_are_named_by_verify);
  ADD (deleting_the_newest_packet_or_audit_row_is_caught_by_the_chain_head);
  ADD (a_recomputed_audit_chain_fails_its_signatures);
  ADD (a_missing_key_is_refused_and_only_an_explicit_replacement_goes_on);
  ADD (a_rotated_key_is_vouched_for_by_the_old_one);
  ADD (two_writers_keep_one_chain);
  ADD (reversal_and_purge_retract_from_every_display);
  ADD (the_store_is_private_and_readable_read_only);
  ADD (a_bundle_bomb_is_refused_within_bounded_memory);
  g_test_add_func ("/evidence/recent_frames_give_back_the_picture_and_the_boxes",
                   recent_frames_give_back_the_picture_and_the_boxes);
  g_test_add_func ("/evidence/a_clip_keeps_its_frames_while_the_ring_goes_round",
                   a_clip_keeps_its_frames_while_the_ring_goes_round);
  g_test_add_func ("/evidence/opening_a_store_in_an_unwritable_place_fails_cleanly",
                   opening_a_store_in_an_unwritable_place_fails_cleanly);
  g_test_add_func ("/evidence/one_writer_serves_every_camera_in_order", one_writer_serves_every_camera_in_order);
  g_test_add_func ("/evidence/a_clip_job_encodes_once", a_clip_job_encodes_once);
  g_test_add_func ("/evidence/stills_are_kept_compact_and_come_back", stills_are_kept_compact_and_come_back);
  g_test_add_func ("/evidence/an_open_packet_holds_its_pictures_compact", an_open_packet_holds_its_pictures_compact);
  return g_test_run ();
}
