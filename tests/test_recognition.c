/* Recognition: the [recognition] group and the profiles that refuse it,
 * both backends on real face images from Debian's opencv-doc (sface on an
 * ONNX model this test writes), and repeat-violator linking through the
 * review desk on a real SQLite store: a suggestion for the reviewer, an
 * audit row for every search and match, nothing in what is published,
 * gone with the case at its purge. */
#define _GNU_SOURCE /* memmem */
#include "cv_shim.h"
#include "evid_key.h"
#include "evid_recorder.h"
#include "evid_store.h"
#include "hwcfg.h"
#include "recog_faces.h"
#include "recog_link.h"
#include "rev_desk.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HTML "/usr/share/doc/opencv-doc/opencv4/html/"
#define DATA "/usr/share/doc/opencv-doc/examples/data/"
#define CASCADE "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"

/* The face the cascade finds in the image at PATH, as JPEG bytes, scaled
 * to WIDTH pixels wide first when WIDTH > 0 (a roadside camera's size) and
 * back up. */
static GBytes *
face_of (const char *path, int width, int quality)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, NULL))
    g_error ("no test image %s (Debian's opencv-doc)", path);
  unsigned char *px = NULL;
  int w, h, stride;
  g_assert_cmpint (cv_decode_bgra ((unsigned char *) data, len, &px, &w, &h, &stride), ==, CV_OK);
  struct cv_image img = {px, w, h, stride, 4};
  struct cv_face_detector *det = NULL;
  g_assert_cmpint (cv_face_detector_create (CASCADE, &det), ==, CV_OK);
  int found = 0;
  struct cv_rect r;
  double q;
  g_assert_cmpint (cv_face_find (det, &img, NULL, &found, &r, &q), ==, CV_OK);
  g_assert_true (found);
  cv_face_detector_destroy (det);
  g_autofree unsigned char *crop = g_malloc ((size_t) r.w * r.h * 4);
  for (int y = 0; y < r.h; y++)
    memcpy (crop + (size_t) y * r.w * 4, px + (size_t) (r.y + y) * stride + (size_t) r.x * 4, (size_t) r.w * 4);
  cv_free (px);
  struct cv_image face = {crop, r.w, r.h, r.w * 4, 4};
  g_autofree unsigned char *small = NULL, *back = NULL;
  if (width > 0 && width < r.w) {
    int sh = MAX (1, r.h * width / r.w);
    small = g_malloc ((size_t) width * sh * 4);
    struct cv_image s = {small, width, sh, width * 4, 4};
    g_assert_cmpint (cv_resize_into (&face, &s), ==, CV_OK);
    back = g_malloc ((size_t) r.w * r.h * 4);
    struct cv_image b = {back, r.w, r.h, r.w * 4, 4};
    g_assert_cmpint (cv_resize_into (&s, &b), ==, CV_OK);
    face = b;
  }
  unsigned char *jpg = NULL;
  size_t jlen = 0;
  g_assert_cmpint (cv_jpeg_encode (&face, quality, &jpg, &jlen), ==, CV_OK);
  GBytes *out = g_bytes_new (jpg, jlen);
  cv_free (jpg);
  return out;
}

static float *
feature_of (struct recog *r, GBytes *jpg, int *n)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (jpg, &len);
  float *v = NULL;
  g_autoptr (GError) err = NULL;
  if (!recog_feature (r, d, len, &v, n, &err))
    g_error ("no feature: %s", err->message);
  g_assert_cmpint (*n, >, 0);
  return v;
}

/* LBPH on real faces: Lena's face shrunk to 48 pixels (as bench/recognition_bench.sh degrades it)
 * is still hers; the Mona Lisa and a footballer are not. */
static void
lbph_matches_a_degraded_copy_and_not_another_face (void)
{
  struct recog_params p = {.backend = RECOG_LBPH, .threshold = NAN};
  g_autoptr (GError) err = NULL;
  struct recog *r = recog_new (&p, &err);
  g_assert_no_error (err);
  g_autoptr (GBytes) lena = face_of (HTML "faceDetection.png", 0, 95);
  g_autoptr (GBytes) lena_small = face_of (HTML "faceDetection.png", 48, 90);
  g_autoptr (GBytes) mona = face_of (HTML "julia_facedetect_sample.jpg", 0, 95);
  g_autoptr (GBytes) messi = face_of (DATA "messi5.jpg", 0, 95);
  int n1, n2, n3, n4;
  g_autofree float *a = feature_of (r, lena, &n1), *b = feature_of (r, lena_small, &n2);
  g_autofree float *c = feature_of (r, mona, &n3), *d = feature_of (r, messi, &n4);
  g_assert_cmpint (n1, ==, n2);
  g_assert_cmpint (n1, ==, n3);
  double same = recog_similarity (r, a, b, n1), other1 = recog_similarity (r, a, c, n1),
         other2 = recog_similarity (r, a, d, n1);
  g_test_message ("lbph: Lena vs Lena at 48 px %.3f, vs Mona Lisa %.3f, vs footballer %.3f (threshold %.3f)", same,
                  other1, other2, recog_threshold (r));
  /* at full size through a JPEG of quality 30, a match */
  g_autoptr (GBytes) lena_jpeg = face_of (HTML "faceDetection.png", 0, 30);
  int n5;
  g_autofree float *e = feature_of (r, lena_jpeg, &n5);
  double same_jpeg = recog_similarity (r, a, e, n1);
  g_test_message ("lbph: Lena vs Lena through JPEG 30: %.3f", same_jpeg);
  g_assert_cmpfloat (same_jpeg, >=, recog_threshold (r));
  /* at 48 pixels it may fall below the threshold (in the bench 94 % of
   * faces stay above it; Lena does not), but is still nearer than another
   * face */
  g_assert_cmpfloat (same, >, other1);
  g_assert_cmpfloat (same, >, other2);
  g_assert_cmpfloat (other1, <, recog_threshold (r));
  g_assert_cmpfloat (other2, <, recog_threshold (r));
  g_assert_cmpfloat (recog_similarity (r, a, a, n1), ==, 1.0);
  /* a picture that is no image is an error, not a feature */
  float *v = NULL;
  int n = 0;
  g_autoptr (GError) bad = NULL;
  g_assert_false (recog_feature (r, (const guint8 *) "not a jpeg", 10, &v, &n, &bad));
  g_assert_error (bad, RECOG_ERROR, RECOG_ERROR_IMAGE);
  recog_free (r);
}

static char *models_dir;

static void
write_models (void)
{
  models_dir = g_dir_make_tmp ("facemodelsXXXXXX", NULL);
  g_autofree char *cmd = g_strdup_printf ("/usr/bin/python3 '%s/make_face_models.py' '%s'", CW_TESTS_DIR, models_dir);
  if (system (cmd) != 0)
    g_error ("cannot write the test's ONNX models (python3-onnx): %s", cmd);
}

/* SFace's path on a model this test wrote: it loads, decodes a 128-float
 * feature from a real face, the same face gives the same feature; a file
 * that is no model is an error naming the key and the file. */
static void
sface_loads_a_model_and_decodes_its_feature (void)
{
  g_autofree char *model = g_build_filename (models_dir, "sface.onnx", NULL);
  g_autofree char *junk = g_build_filename (models_dir, "not-a-model.onnx", NULL);
  struct recog_params p = {.backend = RECOG_SFACE, .recognizer_model = model, .threshold = NAN,
                           .origin = "site.ini: [recognition]"};
  g_autoptr (GError) err = NULL;
  struct recog *r = recog_new (&p, &err);
  g_assert_no_error (err);
  g_assert_cmpfloat (recog_threshold (r), ==, recog_default_threshold (RECOG_SFACE));
  g_autoptr (GBytes) lena = face_of (HTML "faceDetection.png", 0, 95);
  g_autoptr (GBytes) mona = face_of (HTML "julia_facedetect_sample.jpg", 0, 95);
  int n1, n2, n3;
  g_autofree float *a = feature_of (r, lena, &n1), *a2 = feature_of (r, lena, &n2), *c = feature_of (r, mona, &n3);
  g_assert_cmpint (n1, ==, 128);
  g_assert_cmpint (n3, ==, 128);
  g_assert_cmpfloat (fabs (recog_similarity (r, a, a2, n1) - 1.0), <, 1e-6);
  double other = recog_similarity (r, a, c, n1);
  g_assert_true (isfinite (other) && other < 0.999);
  recog_free (r);

  /* with the detector: the face found in the crop, aligned by its five
   * landmarks, decoded; a detector that finds none gives no feature */
  g_autofree char *yunet = g_build_filename (models_dir, "yunet.onnx", NULL);
  g_autofree char *blind = g_build_filename (models_dir, "yunet-blind.onnx", NULL);
  p.detector_model = yunet;
  r = recog_new (&p, &err);
  g_assert_no_error (err);
  int n4;
  g_autofree float *aligned = feature_of (r, lena, &n4);
  g_assert_cmpint (n4, ==, 128);
  /* the aligned face is another picture than the whole crop resized */
  g_assert_cmpfloat (recog_similarity (r, a, aligned, 128), <, 0.99999);
  recog_free (r);
  p.detector_model = blind;
  r = recog_new (&p, &err);
  g_assert_no_error (err);
  {
    gsize len;
    const guint8 *d = g_bytes_get_data (lena, &len);
    float *v = NULL;
    int n = -1;
    g_assert_true (recog_feature (r, d, len, &v, &n, &err));
    g_assert_cmpint (n, ==, 0);
    g_assert_null (v);
  }
  recog_free (r);
  p.detector_model = NULL;

  p.recognizer_model = junk;
  g_autoptr (GError) e1 = NULL;
  g_assert_null (recog_new (&p, &e1));
  g_assert_error (e1, RECOG_ERROR, RECOG_ERROR_MODEL);
  g_assert_nonnull (strstr (e1->message, "site.ini: [recognition] recognizer_model"));
  g_assert_nonnull (strstr (e1->message, junk));
  p.recognizer_model = model;
  p.detector_model = junk;
  g_autoptr (GError) e2 = NULL;
  g_assert_null (recog_new (&p, &e2));
  g_assert_nonnull (strstr (e2->message, "detector_model"));
  g_assert_nonnull (strstr (e2->message, junk));
}

static struct hwcfg *
load_text (const char *dir, const char *text, GError **error)
{
  g_autofree char *ini = g_build_filename (dir, "site.ini", NULL);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  return hwcfg_load (ini, error);
}

/* Refused under eu and uk whatever it says; elsewhere on only with a legal
 * basis; sface only with its model. */
static void
recognition_config_follows_the_profile (void)
{
  g_autofree char *dir = g_dir_make_tmp ("recogcfgXXXXXX", NULL);
  static const struct {
    const char *profile, *group, *said;
  } CASES[] = {
      {"eu", "enabled = false\n", "refused under profile 'eu': the EU AI Act (Art. 5(1)(h))"},
      {"uk", "enabled = true\nlegal_basis = Road Traffic Act 1988 s.36\n", "refused under profile 'uk'"},
      {"default", "enabled = true\n", "[recognition] legal_basis: missing"},
      {"us", "enabled = true\nlegal_basis = City ordinance 12-7 (repeat offenders)\nbackend = sface\n",
       "recognizer_model: missing (required by the sface backend"},
      {"us", "enabled = true\nlegal_basis = City ordinance 12-7 (repeat offenders)\nbackend = eigen\n",
       "unknown backend 'eigen'"},
      {"cn", "enabled = true\nlegal_basis = Regulation 5 of the city\nthreshold = 2\n", "threshold"},
      {"us", "enabled = true\nlegal_basis = City ordinance 12-7 (repeat offenders)\n", NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (CASES); i++) {
    g_autofree char *text = g_strdup_printf ("[site]\nid = s1\nprofile = %s\n[camera:main]\nuri = file:///dev/null\n"
                                             "[signal]\nsource = none\n[recognition]\n%s",
                                             CASES[i].profile, CASES[i].group);
    g_autoptr (GError) err = NULL;
    struct hwcfg *cfg = load_text (dir, text, &err);
    if (!CASES[i].said) {
      g_assert_no_error (err);
      g_assert_true (cfg->recognition.enabled);
      g_assert_cmpint (cfg->recognition.backend, ==, HWCFG_RECOGNITION_LBPH);
      hwcfg_free (cfg);
      continue;
    }
    g_assert_null (cfg);
    if (!strstr (err->message, CASES[i].said))
      g_error ("case %zu: expected '%s' in: %s", i, CASES[i].said, err->message);
    /* FILE:LINE: the group's line for the profile's refusal */
    g_assert_nonnull (strstr (err->message, "site.ini:"));
  }
  /* and with no [recognition] at all, nothing is on */
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = load_text (dir, "[site]\nid = s1\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = none\n",
                                 &err);
  g_assert_no_error (err);
  g_assert_false (cfg->recognition.enabled);
  hwcfg_free (cfg);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (rm), ==, 0);
}

static void
synced_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = true, .est_error_us = 2000, .max_error_us = 5000};
}

/* A case recorded with FACE as its best face crop, the frame (and so the
 * accused's clothes) of colour BGR; its id. */
static char *
record_case (struct hwcfg *cfg, int track, GBytes *face, const guint8 bgr[3])
{
  g_autoptr (GError) err = NULL;
  struct evid_recorder *rec = evid_recorder_create (cfg, NULL, &err);
  g_assert_no_error (err);
  evid_recorder_set_clock_reader (rec, synced_clock);
  int w = 160, h = 120;
  struct cv_image frame = {g_malloc0 ((size_t) w * h * 3), w, h, w * 3, 3};
  for (int i = 0; i < w * h; i++)
    memcpy (frame.data + 3 * i, bgr, 3);
  struct evid_candidate c = {.frame = 90, .utc_us = g_get_real_time (), .track_id = track, .type = "red_signal",
                             .bbox = {60, 30, 20, 60}, .zone = "road", .entry_frame = 80, .signal_phase = "DONT_WALK",
                             .signal_elapsed_s = 5, .signal_source = "schedule", .verdict = "live",
                             .liveness_json = "{}", .entry_seen = true, .face_jpeg = face};
  char *event = NULL;
  g_assert_true (evid_recorder_record (rec, &c, NULL, &frame, &event, &err));
  g_assert_no_error (err);
  evid_recorder_free (rec);
  g_free (frame.data);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, event, -1, NULL));
  char *id = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (p)), "packet_id"));
  g_free (event);
  return id;
}

/* Opens every media item of ID as ACTOR (the desk's rule before confirming) and confirms it. */
static char *
open_and_confirm (struct rev_desk *desk, const struct rev_actor *actor, struct evid_store *st, const char *id)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) names = evid_store_media_names (st, id, &err);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *mime = NULL;
    g_autoptr (GBytes) b = rev_desk_media (desk, actor, id, g_ptr_array_index (names, i), true, true, &mime, &err);
    g_assert_no_error (err);
  }
  char *state = NULL;
  if (!rev_desk_act (desk, actor, id, "confirm", NULL, NULL, &state, &err))
    g_error ("confirm %s as %s: %s", id, actor->name, err->message);
  return state;
}

static int
count_rows (const char *db, const char *sql)
{
  g_autofree char *cmd = g_strdup_printf ("sqlite3 '%s' \"%s\"", db, sql);
  g_autofree char *out = NULL;
  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, NULL, NULL));
  return atoi (out);
}

static void
a_confirmed_case_is_linked_to_an_earlier_one_for_the_reviewer_only (void)
{
  g_autofree char *dir = g_dir_make_tmp ("recoglinkXXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "evidence.db", NULL);
  g_autofree char *key = g_build_filename (dir, "device.key", NULL);
  g_autofree char *text = g_strdup_printf (
      "[site]\nid = s1\nprofile = us\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = none\n"
      "[evidence]\ndb = %s\nkey = %s\n[mqtt]\ndisplays = east\n"
      "[recognition]\nenabled = true\nbackend = lbph\nlegal_basis = City ordinance 12-7: repeat offenders\n",
      db, key);
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = load_text (dir, text, &err);
  g_assert_no_error (err);
  g_autoptr (GBytes) lena = face_of (HTML "faceDetection.png", 0, 95);
  g_autoptr (GBytes) lena_again = face_of (HTML "faceDetection.png", 0, 30);
  g_autoptr (GBytes) mona = face_of (HTML "julia_facedetect_sample.jpg", 0, 95);
  const guint8 grey_coat[3] = {90, 90, 90}, red_coat[3] = {30, 30, 200};
  g_autofree char *first = record_case (cfg, 3, lena, grey_coat);
  g_autofree char *second = record_case (cfg, 9, lena_again, grey_coat);
  g_autofree char *third = record_case (cfg, 12, mona, red_coat);
  struct evid_store *st = evid_store_open (db, &err);
  g_assert_no_error (err);
  struct evid_key *k = evid_key_open (key, false, &err);
  g_assert_no_error (err);
  evid_store_set_signer (st, k, "s1");
  evid_store_set_displays (st, (const char *const *) cfg->mqtt.displays);
  struct rev_desk *desk = rev_desk_new (st, cfg);
  g_assert_true (rev_desk_recognition_ready (desk, &err));
  const struct rev_actor officer = {"officer", "reviewer"}, sergeant = {"sergeant", "supervisor"};

  /* the first case, confirmed by two: nothing earlier to compare */
  g_free (open_and_confirm (desk, &officer, st, first));
  g_autofree char *s1 = open_and_confirm (desk, &sergeant, st, first);
  g_assert_cmpstr (s1, ==, "confirmed");
  /* the second: its first confirmation searches, and finds the first */
  g_autofree char *s2 = open_and_confirm (desk, &officer, st, second);
  g_assert_cmpstr (s2, ==, "confirmed_once");
  JsonObject *c2 = rev_desk_case (desk, &sergeant, second, &err);
  g_assert_no_error (err);
  JsonArray *earlier = json_object_get_array_member (c2, "possible_earlier");
  /* by the face, and by the clothes (the same picture: the same colours) */
  JsonObject *link = NULL, *clothes = NULL;
  for (guint i = 0; i < json_array_get_length (earlier); i++) {
    JsonObject *l = json_array_get_object_element (earlier, i);
    g_assert_cmpstr (json_object_get_string_member (l, "id"), ==, first);
    if (!strcmp (json_object_get_string_member (l, "backend"), "lbph"))
      link = l;
    else if (!strcmp (json_object_get_string_member (l, "backend"), "clothes"))
      clothes = l;
  }
  g_assert_nonnull (link);
  g_assert_nonnull (clothes);
  g_assert_cmpfloat (json_object_get_double_member (link, "score"), >=, recog_default_threshold (RECOG_LBPH));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (link, "text"), "possible earlier case "));
  g_assert_nonnull (strstr (json_object_get_string_member (clothes, "text"), "similar clothes"));
  /* a suggestion changes nothing: the case waits for its second person */
  g_assert_cmpstr (json_object_get_string_member (c2, "state"), ==, "confirmed_once");
  json_object_unref (c2);
  g_autofree char *s2b = open_and_confirm (desk, &sergeant, st, second);
  g_assert_cmpstr (s2b, ==, "confirmed");
  /* the watchlist: an admin enrols a face, with a reason and a legal basis */
  const struct rev_actor admin = {"admin", "admin"};
  /* the photo an admin has: the desk finds the face in it */
  g_autofree char *photo = NULL;
  gsize photo_len = 0;
  g_assert_true (g_file_get_contents (HTML "julia_facedetect_sample.jpg", &photo, &photo_len, NULL));
  g_autoptr (GBytes) mona_enrolled = g_bytes_new (photo, photo_len);
  gint64 entry = 0;
  g_autoptr (GError) refused = NULL;
  g_assert_false (rev_desk_watchlist_enrol (desk, &officer, "Mona", "repeat offender at this crossing",
                                            "City ordinance 12-7", 30, mona_enrolled, &entry, &refused));
  g_assert_error (refused, REV_ERROR, REV_ERROR_FORBIDDEN);
  g_clear_error (&refused);
  g_assert_false (rev_desk_watchlist_enrol (desk, &admin, "Mona", "because", "City ordinance 12-7", 30, mona_enrolled,
                                            &entry, &refused));
  g_assert_error (refused, REV_ERROR, REV_ERROR_INVALID);
  g_clear_error (&refused);
  g_autoptr (GBytes) grey = NULL;
  {
    guint8 px[64 * 64 * 3];
    memset (px, 0x80, sizeof px);
    struct cv_image img = {px, 64, 64, 64 * 3, 3};
    unsigned char *jpg = NULL;
    size_t jl = 0;
    g_assert_cmpint (cv_jpeg_encode (&img, 90, &jpg, &jl), ==, CV_OK);
    grey = g_bytes_new (jpg, jl);
    cv_free (jpg);
  }
  /* a picture with no face in it enrols nothing */
  g_assert_false (rev_desk_watchlist_enrol (desk, &admin, "Nobody", "seen crossing on red three times in May",
                                            "City ordinance 12-7 (repeat offenders)", 30, grey, &entry, &refused));
  g_assert_error (refused, REV_ERROR, REV_ERROR_INVALID);
  g_assert_nonnull (strstr (refused->message, "no face found"));
  g_clear_error (&refused);
  g_assert_true (rev_desk_watchlist_enrol (desk, &admin, "Mona", "seen crossing on red three times in May",
                                           "City ordinance 12-7 (repeat offenders)", 30, mona_enrolled, &entry,
                                           &err));
  g_assert_no_error (err);
  g_assert_cmpint (entry, >, 0);
  /* the third case, the enrolled face: no earlier case, a watchlist match
   * for the supervisor to confirm, not shown to the reviewer */
  g_free (open_and_confirm (desk, &officer, st, third));
  JsonObject *c3 = rev_desk_case (desk, &sergeant, third, &err);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c3, "possible_earlier")), ==, 0);
  JsonArray *wm = json_object_get_array_member (c3, "watchlist_matches");
  g_assert_cmpuint (json_array_get_length (wm), ==, 1);
  JsonObject *m = json_array_get_object_element (wm, 0);
  g_assert_cmpint (json_object_get_int_member (m, "entry"), ==, entry);
  g_assert_cmpstr (json_object_get_string_member (m, "label"), ==, "Mona");
  g_assert_cmpstr (json_object_get_string_member (m, "state"), ==, "suggested");
  json_object_unref (c3);
  JsonObject *c3r = rev_desk_case (desk, &officer, third, &err);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c3r, "watchlist_matches")), ==, 0);
  /* nor in the case's history: the search shows, not whom it named */
  {
    g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), c3r);
    g_autofree char *shown = json_to_string (node, FALSE);
    g_assert_null (strstr (shown, "Mona"));
    g_assert_nonnull (strstr (shown, "watchlist:match"));
  }
  json_object_unref (c3r);
  /* the first case's face is not on the watchlist: searched, no match */
  JsonObject *c2b = rev_desk_case (desk, &sergeant, second, &err);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c2b, "watchlist_matches")), ==, 0);
  json_object_unref (c2b);
  /* only a supervisor decides a match, once */
  g_assert_false (rev_desk_watch_decide (desk, &officer, third, entry, "confirm", NULL, &refused));
  g_assert_error (refused, REV_ERROR, REV_ERROR_FORBIDDEN);
  g_clear_error (&refused);
  /* with a reason: a match names a person */
  g_assert_false (rev_desk_watch_decide (desk, &sergeant, third, entry, "confirm", "ok", &refused));
  g_assert_error (refused, REV_ERROR, REV_ERROR_INVALID);
  g_clear_error (&refused);
  g_assert_true (rev_desk_watch_decide (desk, &sergeant, third, entry, "confirm", "same face, checked", &err));
  g_assert_no_error (err);
  g_assert_false (rev_desk_watch_decide (desk, &sergeant, third, entry, "dismiss", "looked again, twice", &refused));
  g_assert_error (refused, REV_ERROR, REV_ERROR_CONFLICT);
  g_clear_error (&refused);

  /* every enrolment, search, match and decision is an audit row */
  /* three cases, each searched by its face and by its clothes */
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'recognition:search'"), ==, 6);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'watchlist:enrol' AND actor = "
                                   "'admin' AND detail LIKE '%legal basis: City ordinance 12-7%'"),
                   ==, 1);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'watchlist:search'"), ==, 1);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'watchlist:match'"), ==, 1);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'watchlist:confirmed' AND actor "
                                   "= 'sergeant'"),
                   ==, 1);
  /* and so is every refused attempt */
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'refused:watchlist:decide' AND "
                                   "actor = 'officer'"),
                   ==, 1);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'refused:watchlist:enrol'"), >=, 3);
  g_autofree char *match_sql = g_strdup_printf (
      "SELECT COUNT(*) FROM audit_log WHERE action = 'recognition:match' AND packet_id = '%s' AND detail LIKE "
      "'possible earlier case %s (lbph%%'",
      second, first);
  g_assert_cmpint (count_rows (db, match_sql), ==, 1);
  /* nothing of it leaves for a screen: the published messages name no earlier case */
  g_autofree char *pub_sql = g_strdup_printf (
      "SELECT COUNT(*) FROM outbox WHERE packet_id = '%s' AND (CAST(payload AS TEXT) LIKE '%%%s%%' OR "
      "CAST(payload AS TEXT) LIKE '%%possible%%')",
      second, first);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM outbox"), >, 0);
  g_assert_cmpint (count_rows (db, pub_sql), ==, 0);

  /* nor does the case bundle for the court carry them */
  {
    g_autoptr (GBytes) tar = rev_desk_bundle (desk, &officer, third, &err);
    g_assert_no_error (err);
    gsize len = 0;
    const char *bytes = g_bytes_get_data (tar, &len);
    g_assert_nonnull (memmem (bytes, len, "review:confirmed", 16));
    g_assert_null (memmem (bytes, len, "recognition:", 12));
    g_assert_null (memmem (bytes, len, "watchlist:", 10));
  }
  /* the purge takes the features and links with the cases */
  int purged = 0;
  g_assert_true (evid_store_purge (st, "2999-01-01T00:00:00.000Z", "retention", &purged, &err));
  g_assert_no_error (err);
  g_assert_cmpint (purged, ==, 3);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM face_features"), ==, 0);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM case_links"), ==, 0);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM watch_matches"), ==, 0);
  /* and the enrolment past its expiry: its face deleted, its label kept */
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM watchlist WHERE length(feature) > 0 OR length(image) > 0"),
                   ==, 0);
  g_assert_cmpint (count_rows (db, "SELECT COUNT(*) FROM audit_log WHERE action = 'watchlist:expired'"), ==, 1);
  JsonArray *list = rev_desk_watchlist (desk, &admin, &err);
  g_assert_no_error (err);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "state"), ==, "removed");
  json_array_unref (list);

  rev_desk_free (desk);
  evid_store_close (st);
  evid_key_free (k);
  hwcfg_free (cfg);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (rm), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  write_models ();
  g_test_add_func ("/recognition/lbph_matches_a_degraded_copy_and_not_another_face",
                   lbph_matches_a_degraded_copy_and_not_another_face);
  g_test_add_func ("/recognition/sface_loads_a_model_and_decodes_its_feature",
                   sface_loads_a_model_and_decodes_its_feature);
  g_test_add_func ("/recognition/recognition_config_follows_the_profile", recognition_config_follows_the_profile);
  g_test_add_func ("/recognition/a_confirmed_case_is_linked_to_an_earlier_one_for_the_reviewer_only",
                   a_confirmed_case_is_linked_to_an_earlier_one_for_the_reviewer_only);
  int rc = g_test_run ();
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", models_dir);
  if (system (rm) != 0)
    rc = 1;
  g_free (models_dir);
  return rc;
}
