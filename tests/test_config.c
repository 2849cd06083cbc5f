#include "hwcfg.h"

#include <glib.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static const char GOOD[] = "[site]\n"
                           "id = t1            ; inline comments are allowed\n"
                           "[camera:main]\n"
                           "uri = file:///dev/null\n"
                           "[signal]\n"
                           "source = schedule\n"
                           "cycle_s = 60\n"
                           "walk_start_s = 0\n"
                           "walk_end_s = 20\n"
                           "[zone:road]\n"
                           "kind = carriageway\n"
                           "polygon = 0,0;10,0;10,10\n";

/* Writes TEXT to a temporary file and loads it. Returns the error message
 * (g_free) or NULL when the config loaded. */
static char *
load_text (const char *text, struct hwcfg **out_cfg, char **out_path)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("siteXXXXXX.ini", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  close (fd);
  GError *err = NULL;
  struct hwcfg *cfg = hwcfg_load (path, &err);
  char *msg = err ? g_strdup (err->message) : NULL;
  g_clear_error (&err);
  if (out_cfg)
    *out_cfg = cfg;
  else
    hwcfg_free (cfg);
  if (out_path)
    *out_path = g_steal_pointer (&path);
  else
    g_unlink (path);
  return msg;
}

static void
minimal_config_should_load_with_documented_defaults (void)
{
  struct hwcfg *cfg;
  char *path;
  char *msg = load_text (GOOD, &cfg, &path);
  g_assert_null (msg);
  g_assert_cmpstr (cfg->site_id, ==, "t1");
  g_assert_cmpint (cfg->rules.min_inside_frames, ==, 5);
  g_assert_cmpfloat (cfg->rules.min_depth_m, ==, 0.5);
  g_assert_cmpfloat (cfg->rules.red_grace_s, ==, 1.0);
  g_assert_cmpstr (cfg->evidence.db, ==, "var/evidence.db");
  g_assert_cmpint (cfg->evidence.retention_days, ==, 30);
  g_assert_false (cfg->mqtt.enabled);
  g_assert_false (cfg->profile_shows_faces);
  g_assert_cmpint (cfg->n_zones, ==, 1);
  g_assert_cmpstr (cfg->zones[0].camera, ==, "main"); /* the only camera */
  g_assert_false (cfg->cameras[0].has_homography);
  g_assert_null (cfg->cameras[0].stereo_right);
  g_assert_true (cfg->liveness.enabled); /* flat-image rejection is on unless turned off */
  g_assert_cmpfloat (cfg->liveness.min_height_m, ==, 0.8);
  g_assert_cmpfloat (cfg->liveness.max_height_m, ==, 2.4);
  /* the detector's rate follows the stream's: 8 Hz or more */
  g_assert_cmpint (cfg->detector.every_n_frames, ==, 0);
  const double fps[] = {0, NAN, 7, 10, 15, 16, 25, 29.97, 30, 50, 60};
  const int n[] = {1, 1, 1, 1, 1, 2, 3, 3, 3, 6, 7};
  for (size_t i = 0; i < G_N_ELEMENTS (fps); i++)
    g_assert_cmpint (hwcfg_detector_every_n (&cfg->detector, fps[i]), ==, n[i]);
  struct hwcfg_detector pinned = cfg->detector;
  pinned.every_n_frames = 2;
  g_assert_cmpint (hwcfg_detector_every_n (&pinned, 10), ==, 2);
  g_assert_cmpint (hwcfg_detector_every_n (&pinned, 30), ==, 2);
  hwcfg_free (cfg);
  g_unlink (path);
  g_free (path);
}

/* Replaces the first occurrence of FROM in GOOD by TO. */
static char *
variant (const char *from, const char *to)
{
  const char *at = strstr (GOOD, from);
  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - GOOD), GOOD, to, at + strlen (from));
}

static void
expect_error (const char *text, const char *line_and_what)
{
  char *path = NULL;
  g_autofree char *msg = load_text (text, NULL, &path);
  g_assert_nonnull (msg);
  g_autofree char *want = g_strdup_printf ("%s:%s", path, line_and_what);
  if (!strstr (msg, want))
    g_error ("expected «%s» in «%s»", want, msg);
  g_unlink (path);
  g_free (path);
}

static void
missing_group_should_be_named (void)
{
  g_autofree char *t = variant ("[signal]\nsource = schedule\ncycle_s = 60\nwalk_start_s = 0\nwalk_end_s = 20\n", "");
  expect_error (t, " [signal]: missing group (required)");
}

static void
non_numeric_coordinate_should_name_file_line_group_and_key (void)
{
  g_autofree char *t = variant ("0,0;10,0;10,10", "0,0;10,zero;10,10");
  expect_error (t, "12: [zone:road] polygon: point 2 '10,zero' is not two numbers 'x,y'");
}

static void
polygon_with_two_points_should_be_refused (void)
{
  g_autofree char *t = variant ("0,0;10,0;10,10", "0,0;10,0");
  expect_error (t, "12: [zone:road] polygon: has 2 points, a polygon needs at least 3");
}

static void
unknown_zone_kind_should_be_refused (void)
{
  g_autofree char *t = variant ("kind = carriageway", "kind = motorway");
  expect_error (t, "11: [zone:road] kind: unknown zone kind 'motorway'");
}

static void
zone_on_unknown_camera_should_be_refused (void)
{
  g_autofree char *t = variant ("kind = carriageway", "camera = side\nkind = carriageway");
  expect_error (t, "11: [zone:road] camera: unknown camera 'side'");
}

static void
schedule_longer_than_its_cycle_should_be_refused (void)
{
  g_autofree char *t = variant ("walk_end_s = 20", "walk_end_s = 58\nclearance_s = 6");
  expect_error (t, "10: [signal] clearance_s: walk_end_s + clearance_s (64) exceeds cycle_s (60)");
}

static void
singular_homography_should_be_refused (void)
{
  g_autofree char *t = variant ("uri = file:///dev/null", "uri = file:///dev/null\nground_homography = 1;2;3;2;4;6;0;0;1");
  expect_error (t, "5: [camera:main] ground_homography: is singular");
}

static void
self_intersecting_polygon_should_be_refused (void)
{
  g_autofree char *t = variant ("0,0;10,0;10,10", "0,0;10,10;10,0;0,10");
  expect_error (t, "12: [zone:road] polygon: edges cross each other");
}

static void
zone_mapping_behind_the_camera_should_be_refused (void)
{
  /* w = y - 100: points above image row 100 map behind the camera */
  g_autofree char *t = variant ("uri = file:///dev/null", "uri = file:///dev/null\nground_homography = 1;0;0;0;1;0;0;1;-100");
  expect_error (t, "13: [zone:road] polygon: point 1 (0,0) maps behind the camera");
}

static void
trust_keys_should_be_checked (void)
{
  /* a key file that is missing, or holds no key, is named; a good one loads */
  g_autofree char *dir = g_dir_make_tmp ("keysXXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.pub", NULL), *bad = g_build_filename (dir, "bad.pub", NULL);
  g_assert_true (g_file_set_contents (good, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad, "WANTED: John Smith\n", -1, NULL));
  g_autofree char *missing = g_strdup_printf ("%s\n[evidence]\ntrusted_keys = %s/none.pub\n", GOOD, dir);
  expect_error (missing, "15: [evidence] trusted_keys: cannot read");
  g_autofree char *garbage = g_strdup_printf ("%s\n[mqtt]\nbackoffice_pubkey = %s\n", GOOD, bad);
  expect_error (garbage, "15: [mqtt] backoffice_pubkey: '");
  g_autofree char *hours = g_strdup_printf ("%s\n[mqtt]\nshow_hours = 0\n", GOOD);
  expect_error (hours, "15: [mqtt] show_hours");
  g_autofree char *fine = g_strdup_printf ("%s\n[evidence]\ntrusted_keys = %s; %s\n[mqtt]\nbackoffice_pubkey = %s\n",
                                           GOOD, good, good, good);
  struct hwcfg *cfg = NULL;
  g_autofree char *msg = load_text (fine, &cfg, NULL);
  g_assert_null (msg);
  g_assert_cmpstr (cfg->evidence.trusted_keys[0], ==, good);
  g_assert_cmpint (cfg->mqtt.show_hours, ==, 24);
  hwcfg_free (cfg);
  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}

static void
mqtt_signal_needs_a_broker (void)
{
  g_autofree char *t = variant ("source = schedule\ncycle_s = 60\nwalk_start_s = 0\nwalk_end_s = 20",
                                "source = mqtt\nstale_s = 2");
  expect_error (t, "6: [signal] source: mqtt needs an [mqtt] group");
  g_autofree char *ok = g_strconcat (t, "[mqtt]\nhost = 127.0.0.1\n", NULL);
  struct hwcfg *cfg;
  g_autofree char *msg = load_text (ok, &cfg, NULL);
  g_assert_null (msg);
  g_assert_cmpfloat (cfg->signal.stale_s, ==, 2);
  g_assert_cmpstr (cfg->signal.topic, ==, "crosswatch/t1/signal/ped");
  hwcfg_free (cfg);
}

static void
ground_points_should_fit_a_homography (void)
{
  g_autofree char *t = variant ("uri = file:///dev/null",
                                "uri = file:///dev/null\nground_points = 0,0>0,0;100,0>10,0;100,100>10,10;0,100>0,10");
  struct hwcfg *cfg;
  g_autofree char *msg = load_text (t, &cfg, NULL);
  g_assert_null (msg);
  g_assert_true (cfg->cameras[0].has_homography);
  g_assert_cmpfloat_with_epsilon (cfg->cameras[0].homography[0], 0.1, 1e-6);
  g_assert_cmpint (cfg->cameras[0].n_ground_points, ==, 4);
  g_assert_cmpfloat (cfg->cameras[0].reprojection_rms_m, <, 1e-6);
  hwcfg_free (cfg);
}

static void
unknown_keys_and_several_errors_should_all_be_reported (void)
{
  g_autofree char *a = variant ("kind = carriageway", "kind = motorway\ncolour = red");
  g_autofree char *msg = load_text (a, NULL, NULL);
  g_assert_nonnull (strstr (msg, "[zone:road] colour: unknown key"));
  g_assert_nonnull (strstr (msg, "unknown zone kind"));
}

static void
unreadable_or_garbage_files_should_fail_cleanly (void)
{
  GError *err = NULL;
  g_assert_null (hwcfg_load ("/nonexistent/site.ini", &err));
  g_assert_error (err, HWCFG_ERROR, HWCFG_ERROR_IO);
  g_clear_error (&err);
  g_autofree char *msg = load_text ("this is not a key file\n\x01\x02", NULL, NULL);
  g_assert_nonnull (strstr (msg, "not a key file"));
}

static void
liveness_and_stereo_settings_should_be_checked (void)
{
  g_autofree char *a = g_strconcat (GOOD, "[liveness]\nenabled = maybe\n", NULL);
  expect_error (a, "14: [liveness] enabled: 'maybe' is not true or false");
  g_autofree char *b = g_strconcat (GOOD, "[liveness]\nmin_height_m = 2.5\n", NULL);
  expect_error (b, "14: [liveness] min_height_m: must be below max_height_m");
  g_autofree char *c = variant ("uri = file:///dev/null\n", "uri = file:///dev/null\nstereo_right = file:///r.avi\n");
  expect_error (c, "3: [camera:main] stereo_baseline_m: is required with stereo_right");
  expect_error (c, "5: [camera:main] stereo_right: needs the ground calibration");
  g_autofree char *d = g_strconcat (GOOD, "[liveness]\nenabled = false\n", NULL);
  struct hwcfg *cfg;
  g_autofree char *msg = load_text (d, &cfg, NULL);
  g_assert_null (msg);
  g_assert_false (cfg->liveness.enabled);
  hwcfg_free (cfg);
}

static void
display_config_should_name_missing_keys (void)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("displayXXXXXX.ini", &path, NULL);
  close (fd);
  g_assert_true (g_file_set_contents (path, "[display]\nid = screen-1\n", -1, NULL));
  GError *err = NULL;
  g_assert_null (hwcfg_display_load (path, &err));
  g_assert_nonnull (strstr (err->message, "[display] site: missing (required)"));
  g_assert_null (strstr (err->message, "case_url_base")); /* optional: the signed message carries the case URL */
  g_assert_nonnull (strstr (err->message, "[display] trusted_keys: missing (required"));
  g_clear_error (&err);
  g_autofree char *pub = g_strconcat (path, ".pub", NULL);
  g_assert_true (g_file_set_contents (pub, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", -1, NULL));
  g_autofree char *ini = g_strdup_printf ("[display]\nid = s1\nsite = x\ncase_url_base = https://c/\ntrusted_keys = %s\n",
                                          pub);
  g_assert_true (g_file_set_contents (path, ini, -1, NULL));
  struct hwcfg_display *d = hwcfg_display_load (path, &err);
  g_assert_no_error (err);
  g_assert_cmpint (d->width, ==, 1280);
  hwcfg_display_free (d);
  g_unlink (pub);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/minimal_config_should_load_with_documented_defaults",
                   minimal_config_should_load_with_documented_defaults);
  g_test_add_func ("/config/missing_group_should_be_named", missing_group_should_be_named);
  g_test_add_func ("/config/liveness_and_stereo_settings_should_be_checked",
                   liveness_and_stereo_settings_should_be_checked);
  g_test_add_func ("/config/non_numeric_coordinate_should_name_file_line_group_and_key",
                   non_numeric_coordinate_should_name_file_line_group_and_key);
  g_test_add_func ("/config/polygon_with_two_points_should_be_refused", polygon_with_two_points_should_be_refused);
  g_test_add_func ("/config/unknown_zone_kind_should_be_refused", unknown_zone_kind_should_be_refused);
  g_test_add_func ("/config/zone_on_unknown_camera_should_be_refused", zone_on_unknown_camera_should_be_refused);
  g_test_add_func ("/config/schedule_longer_than_its_cycle_should_be_refused",
                   schedule_longer_than_its_cycle_should_be_refused);
  g_test_add_func ("/config/singular_homography_should_be_refused", singular_homography_should_be_refused);
  g_test_add_func ("/config/self_intersecting_polygon_should_be_refused", self_intersecting_polygon_should_be_refused);
  g_test_add_func ("/config/zone_mapping_behind_the_camera_should_be_refused",
                   zone_mapping_behind_the_camera_should_be_refused);
  g_test_add_func ("/config/mqtt_signal_needs_a_broker", mqtt_signal_needs_a_broker);
  g_test_add_func ("/config/trust_keys_should_be_checked", trust_keys_should_be_checked);
  g_test_add_func ("/config/ground_points_should_fit_a_homography", ground_points_should_fit_a_homography);
  g_test_add_func ("/config/unknown_keys_and_several_errors_should_all_be_reported",
                   unknown_keys_and_several_errors_should_all_be_reported);
  g_test_add_func ("/config/unreadable_or_garbage_files_should_fail_cleanly",
                   unreadable_or_garbage_files_should_fail_cleanly);
  g_test_add_func ("/config/display_config_should_name_missing_keys", display_config_should_name_missing_keys);
  return g_test_run ();
}
