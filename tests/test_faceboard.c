/* The face camera's side of a case: faces placed on the ground from a
 * face box through the camera's projection, the site's face board matching
 * them to an accused's path by time and place, waiting for a face camera
 * that runs behind, and the config rules of a face camera. */
#include "evid_faceboard.h"
#include "evid_facecam.h"
#include "hwcfg.h"
#include "zone_camera.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static GBytes *
jpeg (const char *tag)
{
  return g_bytes_new (tag, strlen (tag));
}

static void
the_best_face_near_the_path_in_time_and_place_is_taken (void)
{
  struct evid_faceboard *b = evid_faceboard_get ("site-a");
  g_assert_true (b == evid_faceboard_get ("site-a")); /* one board a site */
  evid_faceboard_unref (b);
  g_autoptr (GBytes) near = jpeg ("near"), sharper_far = jpeg ("far"), late = jpeg ("late"), sharper_near = jpeg ("best");
  evid_faceboard_add (b, "kerb", 100.0, 1.0, 1.2, 50, near);          /* 0.2 m off, at the path's time */
  evid_faceboard_add (b, "kerb", 100.2, 4.0, 1.0, 900, sharper_far);  /* 3 m off: someone else */
  evid_faceboard_add (b, "kerb", 104.5, 2.0, 1.0, 900, late);         /* 2.5 s after the path's end */
  const double t[] = {99.5, 100.0, 101.0, 102.0}, x[] = {0.5, 1.0, 1.5, 2.0}, y[] = {1.0, 1.0, 1.0, 1.0};
  struct evid_face_sighting s;
  g_autoptr (GBytes) got = evid_faceboard_best (b, t, x, y, 4, 1.0, 1.5, &s);
  g_assert_true (got == near);
  g_assert_cmpstr (s.camera, ==, "kerb");
  g_assert_cmpfloat (fabs (s.distance_m - 0.2), <, 1e-9);
  g_assert_cmpfloat (fabs (s.dt_s), <, 1e-9);
  /* a sharper face as near wins */
  evid_faceboard_add (b, "kerb", 101.1, 1.6, 0.8, 300, sharper_near);
  g_autoptr (GBytes) got2 = evid_faceboard_best (b, t, x, y, 4, 1.0, 1.5, &s);
  g_assert_true (got2 == sharper_near);
  /* the path in a track's JSON, stream seconds from BASE */
  g_autoptr (GBytes) got3 = evid_faceboard_best_for (
      b, "{\"ground_path\":[[9.5,0.5,1.0],[10.0,1.0,1.0],[11.0,1.5,1.0],[12.0,2.0,1.0]]}", 90.0, false, 0, NULL, &s);
  g_assert_true (got3 == sharper_near);
  /* hostile JSON is no path: nothing matches, nothing breaks */
  g_assert_null (evid_faceboard_best_for (b, "{\"ground_path\":[[1,\"x\",2],null,{}]}", 90.0, false, 0, NULL, &s));
  g_assert_null (evid_faceboard_best_for (b, "not json", 90.0, false, 0, NULL, &s));
  /* no path but where the accused stands now */
  const double now_g[2] = {1.9, 1.0};
  g_autoptr (GBytes) got4 = evid_faceboard_best_for (b, NULL, 0, true, 101.0, now_g, &s);
  g_assert_true (got4 == sharper_near);
  evid_faceboard_unref (b);
}

static gpointer
progress_later (gpointer data)
{
  g_usleep (200 * 1000);
  evid_faceboard_progress (data, "kerb", 50.0);
  return NULL;
}

/* A recorded file's evidence waits for a face camera behind it; one that
 * stopped is waited for no more. */
static void
the_evidence_waits_for_a_face_camera_that_runs_behind (void)
{
  struct evid_faceboard *b = evid_faceboard_get ("site-b");
  g_assert_true (evid_faceboard_wait (b, 1e9, 0.01)); /* no face camera: nothing to wait for */
  evid_faceboard_progress (b, "kerb", 10.0);
  g_assert_false (evid_faceboard_wait (b, 40.0, 0.05));
  GThread *th = g_thread_new ("behind", progress_later, b);
  g_assert_true (evid_faceboard_wait (b, 40.0, 10.0));
  g_thread_join (th);
  evid_faceboard_progress (b, "kerb", INFINITY); /* it stopped */
  g_assert_true (evid_faceboard_wait (b, 1e9, 0.01));
  evid_faceboard_progress (b, "kerb", 5.0); /* and started again */
  g_assert_false (evid_faceboard_wait (b, 6.0, 0.01));
  evid_faceboard_unref (b);
}

/* The face box of a person of 1.70 m seen by the vtest camera: the foot
 * point found for it is where that person's feet are. */
static void
a_faces_feet_are_an_adults_height_below_it (void)
{
  const double h[9] = {0.0534514, -0.604125, 88.5766, -0.139304, -0.399811, 120.418, 0.00091748, 0.0196253, 1};
  struct zone_camera cam;
  g_assert_true (zone_camera_from_homography (h, 768, 576, 0, &cam));
  /* a person at ground (-9, -6): feet and head in pixels */
  double fu, fv, hu, hv;
  g_assert_true (zone_camera_project (&cam, -9, -6, 0, &fu, &fv));
  g_assert_true (zone_camera_project (&cam, -9, -6, 1.70, &hu, &hv));
  double face_h = (fv - hv) / 8;
  const double box[4] = {fu - face_h / 2, hv + 0.25 * face_h, face_h, face_h};
  double x, y;
  evid_facecam_foot_px (&cam, box, &x, &y);
  g_assert_cmpfloat (fabs (y - fv), <, 1.0);
  g_assert_cmpfloat (fabs (x - fu), <, 1.0);
}

static void
expect_config_error (const char *text, const char *said)
{
  g_autofree char *dir = g_dir_make_tmp ("facecfgXXXXXX", NULL);
  g_autofree char *ini = g_build_filename (dir, "site.ini", NULL);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = hwcfg_load (ini, &err);
  if (said) {
    g_assert_null (cfg);
    if (!strstr (err->message, said))
      g_error ("expected '%s' in: %s", said, err->message);
  } else {
    g_assert_no_error (err);
    g_assert_cmpint (hwcfg_camera (cfg, "kerb")->role, ==, HWCFG_CAMERA_FACE);
    hwcfg_free (cfg);
  }
  g_unlink (ini);
  g_rmdir (dir);
}

#define SITE "[site]\nid = s\n[signal]\nsource = none\n[camera:main]\nuri = file:///dev/null\n" \
             "ground_homography = 0.1;0;0;0;0.1;0;0;0;1\n"

static void
a_face_camera_is_calibrated_has_no_zones_and_serves_an_overview (void)
{
  expect_config_error (SITE "[camera:kerb]\nrole = face\nuri = file:///dev/null\n"
                            "ground_homography = 0.05;0;0;0;0.05;0;0;0;1\n",
                       NULL);
  expect_config_error (SITE "[camera:kerb]\nrole = face\nuri = file:///dev/null\n",
                       "[camera:kerb] role: a face camera needs ground_homography or ground_points");
  expect_config_error (SITE "[camera:kerb]\nrole = zoom\nuri = file:///dev/null\n", "'zoom' is not overview or face");
  expect_config_error (SITE "[camera:kerb]\nrole = face\nuri = file:///dev/null\nground_homography = 0.05;0;0;0;0.05;0;0;0;1\n"
                            "[zone:road]\ncamera = kerb\nkind = carriageway\npolygon = 0,0;100,0;100,100\n",
                       "[zone:road] camera: 'kerb' is a face camera");
  expect_config_error ("[site]\nid = s\n[signal]\nsource = none\n[camera:kerb]\nrole = face\nuri = file:///dev/null\n"
                       "ground_homography = 0.05;0;0;0;0.05;0;0;0;1\n",
                       "a site needs an overview camera");
  expect_config_error (SITE "[camera:kerb]\nrole = face\nuri = file:///dev/null\n"
                            "ground_homography = 0.05;0;0;0;0.05;0;0;0;1\n[evidence]\nface_cascade = none\n",
                       "a face camera finds faces with [evidence] face_cascade, which is none");
  expect_config_error (SITE "[camera:kerb]\nrole =\nuri = file:///dev/null\n", "[camera:kerb] role: empty");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faceboard/the_best_face_near_the_path_in_time_and_place_is_taken",
                   the_best_face_near_the_path_in_time_and_place_is_taken);
  g_test_add_func ("/faceboard/the_evidence_waits_for_a_face_camera_that_runs_behind",
                   the_evidence_waits_for_a_face_camera_that_runs_behind);
  g_test_add_func ("/faceboard/a_faces_feet_are_an_adults_height_below_it", a_faces_feet_are_an_adults_height_below_it);
  g_test_add_func ("/faceboard/a_face_camera_is_calibrated_has_no_zones_and_serves_an_overview",
                   a_face_camera_is_calibrated_has_no_zones_and_serves_an_overview);
  return g_test_run ();
}
