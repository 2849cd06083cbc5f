#include "evid_recorder.h"

#include "evid_clock.h"

#include "evid_hash.h"
#include "evid_key.h"
#include "evid_pending.h"
#include "ovl_config.h"

#include "evid_json.h"
#include "evid_json_guard.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define JPEG_QUALITY 90
/* The person crop keeps some context around the box. */
#define CROP_MARGIN 0.25

struct evid_recorder {
  struct evid_store *store;
  struct evid_key *key;
  GQueue backlog; /* struct evid_pending, oldest first */
  int dropped;
  char *site_id, *site_name, *camera, *device_id, *calibration_id;
  double latitude, longitude;
  int retention_days;
  int max_clock_error_ms;
  evid_clock_reader read_clock;
  /* the clock as read for the packet being written (write_packet) */
  struct evid_clock clock;
  bool clock_trusted;
  /* draws the annotated decision still: the site's zones, the accused
   * boxed, a data bar (overlay/ovl_site.h) */
  struct ovl_site *overlay;
};

struct evid_key *
evid_recorder_open_key (struct evid_store *st, const char *path, GError **error)
{
  gint64 packets = evid_store_packet_count (st, error);
  if (packets < 0)
    return NULL;
  /* a new key for a store that already holds signed packets would make
   * the old evidence unverifiable against the new one, or hide a swap */
  GError *local = NULL;
  struct evid_key *key = evid_key_open (path, packets == 0, &local);
  if (!key && packets > 0 && g_error_matches (local, EVID_ERROR, EVID_ERROR_NOT_FOUND)) {
    g_autofree char *signer = evid_store_last_signer (st, NULL);
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE,
                 "%s: device key missing, but the store %s holds %" G_GINT64_FORMAT
                 " signed packet(s) (last signed by %s): restore the key file, or, if it is lost for good, "
                 "run 'crosswatch key replace-lost' (recorded in the audit chain)",
                 path, evid_store_path (st), packets, signer && *signer ? signer : "an unknown key");
    g_error_free (local);
    return NULL;
  }
  if (!key) {
    g_propagate_error (error, local);
    return NULL;
  }
  /* a key file swapped (its .pub with it) for a store signed by another */
  if (packets > 0 && !evid_store_key_in_use (st, evid_key_public_hex (key), NULL)) {
    g_autofree char *signer = evid_store_last_signer (st, NULL);
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE,
                 "%s holds key %s, but the store %s is signed with %s: the key was replaced outside crosswatch key "
                 "(restore the right key file)",
                 path, evid_key_public_hex (key), evid_store_path (st), signer && *signer ? signer : "another key");
    evid_key_free (key);
    return NULL;
  }
  return key;
}

struct evid_recorder *
evid_recorder_create (const struct hwcfg *cfg, const char *camera, GError **error)
{
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  if (!cam) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "%s: no camera '%s'", cfg->path, camera);
    return NULL;
  }
  struct evid_store *st = evid_store_open (cfg->evidence.db, error);
  if (!st)
    return NULL;
  struct evid_key *key = evid_recorder_open_key (st, cfg->evidence.key, error);
  if (!key) {
    evid_store_close (st);
    return NULL;
  }
  evid_store_set_signer (st, key, cfg->site_id);
  evid_store_set_displays (st, (const char *const *) cfg->mqtt.displays);
  struct evid_recorder *rec = g_new0 (struct evid_recorder, 1);
  rec->store = st;
  rec->key = key;
  rec->site_id = g_strdup (cfg->site_id);
  rec->site_name = g_strdup (cfg->site_name ? cfg->site_name : cfg->site_id);
  rec->camera = g_strdup (cam->name);
  rec->overlay = ovl_site_from_config (cfg, cam->name, NULL); /* the camera exists: cannot fail */
  rec->device_id = g_strdup (cfg->evidence.device_id);
  rec->calibration_id = g_strdup (cam->calibration_id ? cam->calibration_id : "uncalibrated");
  rec->latitude = cfg->latitude;
  rec->longitude = cfg->longitude;
  rec->retention_days = cfg->evidence.retention_days;
  rec->max_clock_error_ms = cfg->evidence.max_clock_error_ms;
  rec->read_clock = evid_clock_read;
  return rec;
}

int
evid_recorder_backlog (const struct evid_recorder *rec, int *out_dropped)
{
  if (out_dropped)
    *out_dropped = rec->dropped;
  return (int) rec->backlog.length;
}

void
evid_recorder_free (struct evid_recorder *rec)
{
  if (!rec)
    return;
  g_queue_clear_full (&rec->backlog, (GDestroyNotify) evid_pending_free);
  evid_store_close (rec->store);
  evid_key_free (rec->key);
  g_free (rec->site_id);
  g_free (rec->site_name);
  g_free (rec->camera);
  ovl_site_free (rec->overlay);
  g_free (rec->device_id);
  g_free (rec->calibration_id);
  g_free (rec);
}

struct evid_store *
evid_recorder_store (struct evid_recorder *rec)
{
  return rec->store;
}

static void
add_doubles (JsonBuilder *b, const char *name, const double *v, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_double_value (b, v[i]);
  json_builder_end_array (b);
}

/* What the candidate's liveness JSON (cwliveness's) says for the record,
 * read once a packet: the plain-words "reason" (NULL: none, or not a
 * string), and whether the checks could not assess the candidate at all
 * ("assessed":false on an uncertain verdict: live_result_unassessed). JSON
 * that is no object, too deep or too large says nothing. */
struct liveness_said {
  char *reason;
  bool unassessed;
};

/* Larger than any verdict cwliveness writes (about 2 KB). */
#define LIVENESS_MAX_BYTES (64 * 1024)

static void
liveness_said_read (const struct evid_candidate *c, struct liveness_said *out)
{
  *out = (struct liveness_said){0};
  if (!c->liveness_json || !*c->liveness_json)
    return;
  g_autoptr (JsonNode) root = evid_json_guard_parse (c->liveness_json, strlen (c->liveness_json), LIVENESS_MAX_BYTES,
                                                     EVID_JSON_GUARD_DEPTH, NULL);
  JsonObject *o = root ? evid_json_guard_object (root, "liveness", NULL) : NULL;
  if (!o)
    return;
  out->reason = g_strdup (evid_json_member_string (o, "reason", FALSE, NULL));
  gboolean assessed;
  out->unassessed =
      strcmp (c->verdict, "uncertain") == 0 && evid_json_member_bool (o, "assessed", &assessed, NULL) && !assessed;
}

static void
liveness_said_clear (struct liveness_said *said)
{
  g_free (said->reason);
}

/* Adds NAME: the JSON text JSON (already produced by another module). */
static void
add_raw (JsonBuilder *b, const char *name, const char *json)
{
  json_builder_set_member_name (b, name);
  JsonNode *n = json ? json_from_string (json, NULL) : NULL;
  if (n)
    json_builder_add_value (b, n);
  else
    json_builder_add_null_value (b);
}

static char *
to_text (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
evid_recorder_set_clock_reader (struct evid_recorder *rec, evid_clock_reader read_clock)
{
  rec->read_clock = read_clock ? read_clock : evid_clock_read;
}

/* The kernel's view of the clock (evid_clock.h), as read for this packet:
 * an unsynchronised clock is recorded, not hidden, so a reviewer can weigh
 * the timestamp. */
static void
add_clock (JsonBuilder *b, const struct evid_recorder *rec)
{
  json_builder_set_member_name (b, "clock");
  json_builder_begin_object (b);
  evid_json_bool (b, "synced", rec->clock.synced);
  evid_json_int (b, "est_error_us", rec->clock.est_error_us);
  evid_json_int (b, "max_error_us", rec->clock.max_error_us);
  evid_json_string (b, "source", "adjtimex");
  evid_json_bool (b, "trusted", rec->clock_trusted);
  evid_json_int (b, "max_clock_error_ms", rec->max_clock_error_ms);
  json_builder_end_object (b);
}

static void
add_signal (JsonBuilder *b, const struct evid_candidate *c)
{
  json_builder_set_member_name (b, "signal");
  json_builder_begin_object (b);
  evid_json_string (b, "phase", c->signal_phase);
  evid_json_double (b, "elapsed_s", c->signal_elapsed_s);
  evid_json_string (b, "source", c->signal_source);
  json_builder_end_object (b);
}

/* A red-signal case stands on the time of the step off the kerb against
 * the signal's phase: with a clock the kernel does not vouch for, it waits
 * for a supervisor to check the time (clear_clock) before any review. */
static bool
clock_unsynced (const struct evid_recorder *rec, const struct evid_candidate *c)
{
  return !rec->clock_trusted && strcmp (c->type, "red_signal") == 0;
}

/* What a candidate is: a picture (rejected_flat), one seen too briefly for
 * the liveness checks to tell a person from a picture
 * (liveness_unassessed: not raised, kept for audit), a position the camera
 * could not place (position_uncertain), a red-signal case on an untrusted
 * clock (clock_unsynced), else a violation for review. */
static const char *
decision_of (const struct evid_recorder *rec, const struct evid_candidate *c, const struct liveness_said *said)
{
  return strcmp (c->verdict, "flat") == 0 ? "rejected_flat"
         : said->unassessed               ? "liveness_unassessed"
         : c->position_uncertain          ? "position_uncertain"
         : clock_unsynced (rec, c)        ? "clock_unsynced"
                                          : "violation";
}

/* Members shared by the event line and the packet. */
static void
add_common (JsonBuilder *b, const struct evid_recorder *rec, const struct evid_candidate *c,
            const struct liveness_said *said, const char *event_id, const char *utc)
{
  evid_json_string (b, "event_id", event_id);
  evid_json_string (b, "site", rec->site_id);
  evid_json_string (b, "camera", rec->camera);
  evid_json_int (b, "frame", c->frame);
  evid_json_double (b, "pts_s", c->pts_s);
  evid_json_string (b, "utc", utc);
  evid_json_int (b, "track_id", c->track_id);
  evid_json_string (b, "type", c->type);
  add_doubles (b, "bbox", c->bbox, 4);
  double foot[2] = {c->bbox[0] + c->bbox[2] / 2, c->bbox[1] + c->bbox[3]};
  add_doubles (b, "foot_px", foot, 2);
  if (c->has_ground)
    add_doubles (b, "ground_m", c->ground_m, 2);
  else {
    json_builder_set_member_name (b, "ground_m");
    json_builder_add_null_value (b);
  }
  if (c->has_ground && c->ground_sigma_m >= 0)
    evid_json_double (b, "ground_sigma_m", c->ground_sigma_m);
  json_builder_set_member_name (b, "entry_seen");
  json_builder_add_boolean_value (b, c->entry_seen);
  if (c->has_motion) {
    evid_json_double (b, "ground_speed_mps", c->speed_mps);
    evid_json_double (b, "heading_deg", c->heading_deg);
  }
  evid_json_string (b, "zone", c->zone);
  add_signal (b, c);
  if (c->face_jpeg && c->face_camera) {
    /* which camera the face_best came from, and how it was matched */
    json_builder_set_member_name (b, "face_source");
    json_builder_begin_object (b);
    evid_json_string (b, "camera", c->face_camera);
    evid_json_double (b, "dt_s", c->face_dt_s);
    evid_json_double (b, "distance_m", c->face_distance_m);
    json_builder_end_object (b);
  }
  add_raw (b, "liveness", c->liveness_json);
  evid_json_string (b, "decision", decision_of (rec, c, said));
}

struct media_set {
  struct evid_media items[10];
  unsigned char *owned[10];
  int n;
};

static void
add_media (struct media_set *m, const char *name, const char *mime, GBytes *jpeg)
{
  struct evid_media *it = &m->items[m->n];
  gsize len;
  const unsigned char *data = g_bytes_get_data (jpeg, &len);
  unsigned char *copy = g_malloc (len ? len : 1);
  memcpy (copy, data, len);
  *it = (struct evid_media){name, mime, copy, len, ""};
  evid_sha256_hex (copy, len, it->sha256);
  m->owned[m->n++] = copy;
}

static gboolean
encode_media (struct media_set *m, const char *name, const struct cv_image *img, const double *crop,
              GError **error)
{
  struct evid_media *it = &m->items[m->n];
  size_t len = 0;
  unsigned char *jpg = NULL;
  cv_status rc;
  if (crop) {
    double mx = crop[2] * CROP_MARGIN, my = crop[3] * CROP_MARGIN;
    rc = cv_jpeg_encode_crop (img, (int) (crop[0] - mx), (int) (crop[1] - my), (int) (crop[2] + 2 * mx),
                              (int) (crop[3] + 2 * my), JPEG_QUALITY, &jpg, &len);
  } else {
    rc = cv_jpeg_encode (img, JPEG_QUALITY, &jpg, &len);
  }
  if (rc != CV_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "cannot encode %s: %s", name, cv_last_error ());
    return FALSE;
  }
  /* one owner discipline for the set: GLib memory */
  unsigned char *copy = g_memdup2 (jpg, len);
  cv_free (jpg);
  it->name = name;
  it->mime = "image/jpeg";
  it->data = copy;
  it->len = len;
  evid_sha256_hex (copy, len, it->sha256);
  m->owned[m->n++] = copy;
  return TRUE;
}

static void
media_clear (struct media_set *m)
{
  for (int i = 0; i < m->n; i++)
    g_free (m->owned[i]);
}

static char *
packet_json (const struct evid_recorder *rec, const struct evid_candidate *c, const struct liveness_said *said,
             const char *packet_id, const char *event_id, const char *utc, const char *retention, const char *recorded,
             const char *prev_hash, const struct media_set *m)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_string (b, "schema", EVID_SCHEMA);
  evid_json_string (b, "packet_id", packet_id);
  add_common (b, rec, c, said, event_id, utc);
  evid_json_string (b, "site_name", rec->site_name);
  double ll[2] = {rec->latitude, rec->longitude};
  add_doubles (b, "site_lat_lon", ll, 2);
  evid_json_string (b, "device_id", rec->device_id);
  evid_json_string (b, "firmware_version", CW_VERSION);
  evid_json_string (b, "calibration_id", rec->calibration_id);
  evid_json_string (b, "device_public_key", evid_key_public_hex (rec->key));
  add_clock (b, rec);
  evid_json_int (b, "entry_frame", c->entry_frame);
  /* the frame each still was taken from, in the decoded sequence (from 1) */
  json_builder_set_member_name (b, "still_frames");
  json_builder_begin_object (b);
  evid_json_int (b, "overview_entry", c->entry_still_frame > 0 ? c->entry_still_frame : c->entry_frame);
  evid_json_int (b, "overview_decision", c->frame);
  evid_json_int (b, "overview_decision_annotated", c->frame);
  if (c->mid_jpeg)
    evid_json_int (b, "overview_mid", c->mid_frame);
  if (c->last_jpeg)
    evid_json_int (b, "overview_last_seen", c->last_frame);
  json_builder_end_object (b);
  /* the person's box in each still (x, y, w, h), where it was known */
  json_builder_set_member_name (b, "still_bboxes");
  json_builder_begin_object (b);
  if (c->has_entry_bbox)
    add_doubles (b, "overview_entry", c->entry_bbox, 4);
  add_doubles (b, "overview_decision", c->bbox, 4);
  if (c->mid_jpeg && c->has_mid_bbox)
    add_doubles (b, "overview_mid", c->mid_bbox, 4);
  if (c->last_jpeg && c->has_last_bbox)
    add_doubles (b, "overview_last_seen", c->last_bbox, 4);
  json_builder_end_object (b);
  if (c->clip_mkv) {
    json_builder_set_member_name (b, "clip_frames");
    json_builder_begin_array (b);
    json_builder_add_int_value (b, c->clip_first_frame);
    json_builder_add_int_value (b, c->clip_last_frame);
    json_builder_end_array (b);
  }
  evid_json_double (b, "elapsed_red_s", strcmp (c->signal_phase, "DONT_WALK") == 0 ? c->signal_elapsed_s : 0);
  add_raw (b, "track", c->track_json);
  json_builder_set_member_name (b, "others_bbox");
  json_builder_begin_array (b);
  for (int i = 0; i < c->n_others; i++) {
    json_builder_begin_array (b);
    for (int k = 0; k < 4; k++)
      json_builder_add_double_value (b, c->others[4 * i + k]);
    json_builder_end_array (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "review_flag");
  if (said->unassessed)
    json_builder_add_string_value (b, "liveness_unassessed");
  else if (c->position_uncertain)
    json_builder_add_string_value (b, "position_uncertain");
  else if (clock_unsynced (rec, c))
    json_builder_add_string_value (b, "clock_unsynced");
  else if (strcmp (c->verdict, "uncertain") == 0)
    json_builder_add_string_value (b, "liveness_uncertain");
  else
    json_builder_add_null_value (b);
  /* why, in the liveness checks' plain words, for the reviewer */
  if (said->reason && strcmp (c->verdict, "live") != 0)
    evid_json_string (b, "review_reason", said->reason);
  json_builder_set_member_name (b, "media");
  json_builder_begin_array (b);
  for (int i = 0; i < m->n; i++) {
    json_builder_begin_object (b);
    evid_json_string (b, "name", m->items[i].name);
    evid_json_string (b, "mime", m->items[i].mime);
    evid_json_int (b, "bytes", (gint64) m->items[i].len);
    evid_json_string (b, "sha256", m->items[i].sha256);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  evid_json_string (b, "retention_until", retention);
  evid_json_string (b, "recorded_utc", recorded); /* when it was written: the store's created_utc */
  evid_json_string (b, "prev_packet_sha256", prev_hash);
  json_builder_end_object (b);
  return to_text (b);
}

/* The decision still with what the recorder decided drawn on: the site's
 * zones, the accused boxed in red with the rule and the liveness verdict,
 * the others faint, and a bar with the time, the place, the signal phase
 * and the seconds since red. A copy: the untouched original stays beside
 * it, and both are hashed into the signed packet. */
static bool
encode_annotated (struct evid_recorder *rec, struct media_set *m, const struct evid_candidate *c,
                  const struct cv_image *decision, const char *utc, GError **error)
{
  struct cv_image img = *decision;
  img.data = g_malloc ((size_t) decision->stride * decision->height);
  memcpy (img.data, decision->data, (size_t) decision->stride * decision->height);
  int n = 1 + MAX (0, c->n_others);
  g_autofree struct ovl_person *people = g_new0 (struct ovl_person, n);
  people[0] = (struct ovl_person){.box = {c->bbox[0], c->bbox[1], c->bbox[2], c->bbox[3]},
                                  .track_id = c->track_id,
                                  .has_speed = c->has_motion,
                                  .speed_mps = c->speed_mps,
                                  .candidate = c->type,
                                  .verdict = c->verdict,
                                  .accused = true};
  for (int i = 1; i < n; i++)
    people[i] = (struct ovl_person){.box = {c->others[4 * (i - 1)], c->others[4 * (i - 1) + 1],
                                            c->others[4 * (i - 1) + 2], c->others[4 * (i - 1) + 3]},
                                    .track_id = -1};
  bool red = g_strcmp0 (c->signal_phase, "DONT_WALK") == 0;
  g_autofree char *bar =
      red ? g_strdup_printf ("%s  %s  camera %s  signal DONT_WALK at entry, %.1f s after red  %s  track %d", utc,
                             rec->site_id, rec->camera, c->signal_elapsed_s, c->type, c->track_id)
          : g_strdup_printf ("%s  %s  camera %s  signal %s  %s  track %d", utc, rec->site_id, rec->camera,
                             c->signal_phase ? c->signal_phase : "unknown", c->type, c->track_id);
  const struct ovl_layers layers = {.zones = true, .people = true, .status = true};
  bool ok = ovl_site_draw (rec->overlay, &img, &layers, people, n, c->pts_s, bar, error) &&
            encode_media (m, "overview_decision_annotated", &img, NULL, error);
  g_free (img.data);
  return ok;
}

struct record_ctx {
  const struct evid_recorder *rec;
  const struct evid_candidate *cand;
  const struct liveness_said *said;
  const char *packet_id, *event_id, *utc, *retention, *recorded;
  const struct media_set *media;
};

static char *
build_record (void *data, const char *prev_hash, GError **error)
{
  struct record_ctx *c = data;
  return packet_json (c->rec, c->cand, c->said, c->packet_id, c->event_id, c->utc, c->retention, c->recorded, prev_hash,
                      c->media);
}

static bool
write_packet (struct evid_recorder *rec, const struct evid_candidate *cand, const struct cv_image *entry,
              const struct cv_image *decision, char **out_event_json, GError **error)
{
  struct media_set m = {0};
  bool ok = false;
  rec->read_clock (&rec->clock);
  rec->clock_trusted = evid_clock_trusted (&rec->clock, rec->max_clock_error_ms);
  g_autofree char *packet_id = g_uuid_string_random ();
  g_autofree char *event_id = g_uuid_string_random ();
  g_autofree char *utc = evid_utc_format (cand->utc_us);
  g_autofree char *retention =
      evid_utc_format (cand->utc_us + (gint64) rec->retention_days * 24 * 3600 * G_USEC_PER_SEC);
  g_autofree char *recorded = evid_utc_now ();
  g_autoptr (JsonBuilder) b = NULL; /* before any goto: the cleanup runs at out */
  struct liveness_said said;
  liveness_said_read (cand, &said);

  if (!encode_media (&m, "overview_entry", entry ? entry : decision, NULL, error) ||
      !encode_media (&m, "overview_decision", decision, NULL, error) ||
      !encode_media (&m, "person_crop", decision, cand->bbox, error) ||
      !encode_annotated (rec, &m, cand, decision, utc, error))
    goto out;
  if (cand->mid_jpeg)
    add_media (&m, "overview_mid", "image/jpeg", cand->mid_jpeg);
  if (cand->last_jpeg)
    add_media (&m, "overview_last_seen", "image/jpeg", cand->last_jpeg);
  if (cand->face_jpeg)
    add_media (&m, "face_best", "image/jpeg", cand->face_jpeg);
  if (cand->clip_mkv)
    add_media (&m, "clip", "video/x-matroska", cand->clip_mkv);
  struct record_ctx ctx = {rec, cand, &said, packet_id, event_id, utc, retention, recorded, &m};
  const char *decided = decision_of (rec, cand, &said);
  struct evid_packet_in in = {
      .id = packet_id,
      .type = cand->type,
      .decision = decided,
      .review_state = evid_initial_review_state (decided),
      .retention_until = retention,
      .recorded_utc = recorded,
      .track_id = cand->track_id,
      .media = m.items,
      .n_media = m.n,
  };
  if (!evid_store_append_packet (rec->store, &in, build_record, &ctx, error))
    goto out;

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_common (b, rec, cand, &said, event_id, utc);
  evid_json_string (b, "packet_id", packet_id);
  json_builder_end_object (b);
  *out_event_json = to_text (b);
  ok = true;
out:
  media_clear (&m);
  liveness_said_clear (&said);
  return ok;
}

/* P's pictures back in BGR for the encoder, then WRITE (write_packet, or
 * evid_recorder_record when it may join the backlog). */
static bool
with_pictures (struct evid_recorder *rec, const struct evid_pending *p, char **out_event_json, GError **error,
               bool (*write) (struct evid_recorder *, const struct evid_candidate *, const struct cv_image *,
                              const struct cv_image *, char **, GError **))
{
  struct cv_image scratch[2] = {{0}};
  const struct cv_image *entry, *decision;
  bool ok = evid_pending_pictures (p, scratch, &entry, &decision);
  if (!ok)
    g_set_error (error, EVID_ERROR, EVID_ERROR_PICTURE,
                 "evidence of track %d (frame %d): its pictures cannot be converted back for encoding", p->c.track_id,
                 p->c.frame);
  ok = ok && write (rec, &p->c, entry, decision, out_event_json, error);
  g_free (scratch[0].data);
  g_free (scratch[1].data);
  return ok;
}

int
evid_recorder_retry (struct evid_recorder *rec, GPtrArray *events, GError **error)
{
  while (rec->backlog.length > 0) {
    struct evid_pending *p = g_queue_peek_head (&rec->backlog);
    char *event = NULL;
    if (!with_pictures (rec, p, &event, error, write_packet))
      break;
    g_ptr_array_add (events, event);
    evid_pending_free (g_queue_pop_head (&rec->backlog));
  }
  return (int) rec->backlog.length;
}

bool
evid_recorder_record (struct evid_recorder *rec, const struct evid_candidate *cand,
                      const struct cv_image *entry, const struct cv_image *decision, char **out_event_json,
                      GError **error)
{
  g_return_val_if_fail (rec && cand && decision && out_event_json, false);
  GError *local = NULL;
  /* the backlog goes first: the chain keeps the order things happened in */
  if (rec->backlog.length == 0 && write_packet (rec, cand, entry, decision, out_event_json, &local))
    return true;
  if (local && !g_error_matches (local, EVID_ERROR, EVID_ERROR_FULL)) {
    g_propagate_error (error, local);
    return false;
  }
  g_clear_error (&local);
  if (rec->backlog.length >= EVID_BACKLOG_MAX) {
    evid_pending_free (g_queue_pop_head (&rec->backlog));
    rec->dropped++;
  }
  g_queue_push_tail (&rec->backlog, evid_pending_new (cand, entry, decision));
  g_set_error (error, EVID_ERROR, EVID_ERROR_FULL,
               "%s: disk full: violation kept in memory until there is space (%u waiting, %d dropped)",
               rec->store ? "evidence store" : "", rec->backlog.length, rec->dropped);
  return false;
}

bool
evid_recorder_record_pending (struct evid_recorder *rec, const struct evid_pending *p, char **out_event_json,
                              GError **error)
{
  return with_pictures (rec, p, out_event_json, error, evid_recorder_record);
}
