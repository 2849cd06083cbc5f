/* The people finder: motion gating on moving images, region growing and
 * merging, the DNN backend on a tiny Darknet network this test writes
 * itself (random weights), corrupt model files, and face crops on a real
 * photo (messi5.jpg from Debian's opencv-doc). */
#include "cv_shim.h"
#include "hwcfg.h"
#include "trk_box.h"
#include "vis_cadence.h"
#include "vis_finder.h"
#include "vis_regions.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OPENCV_DATA "/usr/share/doc/opencv-doc/examples/data/"

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
regions_grow_clip_and_merge (void)
{
  struct cv_rect r[3] = {{100, 100, 10, 20}, {118, 100, 10, 20}, {600, 10, 10, 10}};
  int n = vis_regions_prepare (r, 3, 0.25, 60, 120, 640, 480);
  /* the first two grow to 60x120 around their centres, overlap, and merge */
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (r[0].x, ==, 75);
  g_assert_cmpint (r[0].w, ==, 153 - 75);
  g_assert_cmpint (r[0].h, ==, 120);
  /* the third is clipped at the image edge */
  g_assert_cmpint (r[1].x + r[1].w, <=, 640);
  g_assert_cmpint (r[1].y, ==, 0);
  g_assert_cmpint (vis_regions_area (r, n), ==, (long) r[0].w * r[0].h + (long) r[1].w * r[1].h);
}

static void
paint (struct cv_image *img, int x0, int y0, int w, int h, unsigned char v)
{
  for (int y = MAX (0, y0); y < MIN (img->height, y0 + h); y++)
    memset (img->data + y * img->stride + MAX (0, x0) * 3, v, (size_t) (MIN (img->width, x0 + w) - MAX (0, x0)) * 3);
}

static void
motion_finds_what_moves_and_nothing_else (void)
{
  struct cv_motion_params p = {CV_MOTION_MOG2, -1, 50, 0, 0.5};
  struct cv_motion *m;
  g_assert_cmpint (cv_motion_create (&p, &m), ==, CV_OK);
  struct cv_image img = {g_malloc (320 * 240 * 3), 320, 240, 320 * 3, 3};
  struct cv_rect out[8];
  int n = -1;
  for (int f = 0; f < 40; f++) {
    paint (&img, 0, 0, 320, 240, 90); /* static background */
    paint (&img, 20 + 4 * f, 100, 20, 50, 230); /* a bright "person" walking right */
    g_assert_cmpint (cv_motion_apply (m, &img, out, 8, &n), ==, CV_OK);
  }
  g_assert_cmpint (n, >=, 1);
  /* the largest region is where the walker is now (x 176-196) */
  g_assert_cmpint (out[0].x, <=, 180);
  g_assert_cmpint (out[0].x + out[0].w, >=, 192);
  g_assert_cmpint (out[0].y, <=, 104);
  g_assert_cmpint (out[0].w, <, 80);
  cv_motion_destroy (m);
  g_free (img.data);
}

/* A site file at INI with a camera and DETECTOR's lines as its [detector], loaded. */
static struct hwcfg *
site_with_detector (const char *ini, const char *detector)
{
  g_autofree char *text = g_strdup_printf ("[site]\nid = t\n[camera:main]\nuri = file:///dev/null\n[signal]\n"
                                           "source = none\n[detector]\n%s",
                                           detector);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  struct hwcfg *site = hwcfg_load (ini, &err);
  g_assert_no_error (err);
  return site;
}

/* With the detector on 1 frame in N, the frames between are only watched:
 * the background model still follows what moves (liveness follows vehicles
 * by these blobs), and the blob is where the mover is on that frame. */
static void
watched_frames_still_find_what_moves (void)
{
  g_autofree char *ini = g_build_filename (g_get_tmp_dir (), "cw-finder-watch.ini", NULL);
  struct hwcfg *site = site_with_detector (ini, "motion_history = 50\n");
  g_autoptr (GError) err = NULL;
  struct vis_finder *f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  struct cv_image img = {g_malloc (320 * 240 * 3), 320, 240, 320 * 3, 3};
  struct cv_box boxes[16];
  int n = 0, watched = 0, last_right = -1;
  for (int frame = 0; frame < 40; frame++) {
    paint (&img, 0, 0, 320, 240, 90);
    paint (&img, 20 + 4 * frame, 100, 20, 50, 230);
    if (frame % 3 == 0) {
      g_assert_true (vis_finder_run (f, &img, boxes, 16, &n, NULL, &err));
      continue;
    }
    g_assert_true (vis_finder_watch (f, &img));
    watched++;
    const struct cv_rect *blobs;
    int nb = vis_finder_moving_blobs (f, &blobs);
    if (frame < 10)
      continue; /* the model is still learning the background */
    g_assert_cmpint (nb, >=, 1);
    /* on the mover now (centre x + 10), not where the last detection frame saw it (4 or 8 px back) */
    double centre = blobs[0].x + blobs[0].w / 2.0, now = 20 + 4 * frame + 10;
    g_test_message ("frame %d: blob %d-%d, mover's centre %.0f", frame, blobs[0].x, blobs[0].x + blobs[0].w, now);
    g_assert_cmpfloat (centre, >=, now - 2);
    g_assert_cmpfloat (centre, <=, now + 8);
    if (frame % 3 == 2) /* the frame before was watched too: the blob moved on with the mover */
      g_assert_cmpint (blobs[0].x + blobs[0].w, >, last_right);
    last_right = blobs[0].x + blobs[0].w;
  }
  g_assert_cmpint (watched, ==, 26);
  vis_finder_free (f);
  /* without motion gating there is nothing to watch with */
  hwcfg_free (site);
  site = site_with_detector (ini, "motion_gating = 0\n");
  f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  g_assert_false (vis_finder_watch (f, &img));
  vis_finder_free (f);
  hwcfg_free (site);
  g_unlink (ini);
  g_free (img.data);
}

/* A tiny YOLO in Darknet's format: conv 3x3/2 (4 filters), conv 1x1 (18 =
 * 3 anchors x (5 + 1 class)), yolo. Random weights; objectness and class
 * biases high, so it does report boxes. */
static void
write_tiny_darknet (const char *cfg_path, const char *weights_path, gboolean truncate)
{
  const char *cfg = "[net]\nwidth=32\nheight=32\nchannels=3\n\n"
                    "[convolutional]\nfilters=4\nsize=3\nstride=2\npad=1\nactivation=leaky\n\n"
                    "[convolutional]\nfilters=18\nsize=1\nstride=1\npad=1\nactivation=linear\n\n"
                    "[yolo]\nmask=0,1,2\nanchors=10,14,23,27,37,58\nclasses=1\nnum=3\n";
  g_assert_true (g_file_set_contents (cfg_path, cfg, -1, NULL));
  GByteArray *w = g_byte_array_new ();
  gint32 header[3] = {0, 2, 0};
  guint64 seen = 0;
  g_byte_array_append (w, (guint8 *) header, sizeof header);
  g_byte_array_append (w, (guint8 *) &seen, sizeof seen);
  GRand *rng = g_rand_new_with_seed (7);
  const int layers[2][3] = {{4, 3, 9}, {18, 4, 1}}; /* filters, inputs, kernel area */
  for (int l = 0; l < 2; l++) {
    for (int f = 0; f < layers[l][0]; f++) {
      float bias = (l == 1 && (f % 6 == 4 || f % 6 == 5)) ? 5.0f : (float) g_rand_double_range (rng, -0.1, 0.1);
      g_byte_array_append (w, (guint8 *) &bias, sizeof bias);
    }
    for (int k = 0; k < layers[l][0] * layers[l][1] * layers[l][2]; k++) {
      float v = (float) g_rand_double_range (rng, -0.2, 0.2);
      g_byte_array_append (w, (guint8 *) &v, sizeof v);
    }
  }
  g_rand_free (rng);
  g_assert_true (g_file_set_contents (weights_path, (char *) w->data, truncate ? 40 : w->len, NULL));
  g_byte_array_free (w, TRUE);
}

/* The site config a test's Darknet network is loaded through, as the
 * appliance loads it; EXTRA is more [detector] lines. */
static struct hwcfg *
load_dnn_site (const char *ini, const char *weights, const char *cfg, const char *extra)
{
  g_autofree char *keys = g_strdup_printf ("backend = dnn\nmodel = %s\nmodel_config = %s\n"
                                           "input_width = 32\ninput_height = 32\nscore_threshold = 0.3\n%s",
                                           weights, cfg, extra);
  return site_with_detector (ini, keys);
}

/* A 200x100 BGR image of a fixed pattern (the network's weights are random:
 * any picture gives it boxes). */
static struct cv_image
patterned_image (void)
{
  struct cv_image img = {g_malloc (200 * 100 * 3), 200, 100, 200 * 3, 3};
  for (int i = 0; i < 200 * 100 * 3; i++)
    img.data[i] = (unsigned char) (i * 31);
  return img;
}

/* A calibration where a person of H metres is H * PX_PER_M pixels tall
 * anywhere (NaN: the camera sees no ground). */
static double
flat_calibration (const void *px_per_m, double foot_u, double foot_v, double height_m)
{
  (void) foot_u;
  (void) foot_v;
  return height_m * *(const double *) px_per_m;
}

/* A camera looking down a road: a person of H metres with their feet on
 * row V is H * V / 4 pixels tall (at the bottom of a 480-row picture a
 * 1.75 m person is 210 px, at row 100 44 px). */
static double
perspective_calibration (const void *unused, double foot_u, double foot_v, double height_m)
{
  (void) unused;
  (void) foot_u;
  return foot_v > 20 ? height_m * foot_v / 4 : NAN;
}

/* The calibrated HOG search enlarges the picture once for the shortest
 * person in view; a region near the camera, where everyone is tall, starts
 * its pyramid at its own shortest person instead and costs a fraction of
 * that (the skipped levels could only find boxes of no person's size
 * there). A region at the bottom edge keeps every level: a person the edge
 * cuts is shorter. */
static void
regions_near_the_camera_skip_the_enlarged_levels (void)
{
  g_autofree char *ini = g_build_filename (g_get_tmp_dir (), "cw-finder-levels.ini", NULL);
  struct hwcfg *site = site_with_detector (ini, "motion_history = 50\n");
  g_autoptr (GError) err = NULL;
  struct cv_image img = {g_malloc (640 * 480 * 3), 640, 480, 640 * 3, 3};
  double searched[2] = {0, 0}, share[2] = {0, 0};
  for (int edge = 0; edge < 2; edge++) {
    struct vis_finder *f = vis_finder_create (&site->detector, site->path, &err);
    g_assert_no_error (err);
    vis_finder_set_person_size (f, perspective_calibration, NULL);
    struct cv_box boxes[64];
    int n = 0;
    struct vis_finder_stats st = {0};
    for (int frame = 0; frame < 12; frame++) {
      paint (&img, 0, 0, 640, 480, 90);
      /* something moving near the camera: clear of the bottom edge, or touching it */
      paint (&img, 200 + 6 * frame, edge ? 330 : 300, 60, edge ? 150 : 120, 200);
      g_assert_true (vis_finder_run (f, &img, boxes, 64, &n, &st, &err));
    }
    g_assert_false (st.full_frame);
    g_assert_cmpint (st.regions, >=, 1);
    searched[edge] = st.searched_px;
    share[edge] = st.area_share;
    vis_finder_free (f);
  }
  /* the view's scale is set by the 1.2 m person on the top rows that show ground (about 1.7) */
  double view_up = 93.0 / 55.0;
  g_test_message ("searched %.0f px (%.2f of the frame) clear of the edge, %.0f px (%.2f) at it; the view's scale "
                  "would search %.0f and %.0f",
                  searched[0], share[0], searched[1], share[1], share[0] * 640 * 480 * view_up * view_up,
                  share[1] * 640 * 480 * view_up * view_up);
  g_assert_cmpfloat (searched[0], <, 0.5 * share[0] * 640 * 480 * view_up * view_up);
  g_assert_cmpfloat (searched[1], >, 0.9 * share[1] * 640 * 480 * view_up * view_up);
  hwcfg_free (site);
  g_unlink (ini);
  g_free (img.data);
}

/* The size check applies to any backend: the random Darknet network's boxes
 * are kept exactly when their height fits a person at their foot point. */
static void
calibration_drops_boxes_of_no_persons_size (const char *ini, const char *weights, const char *cfg)
{
  struct hwcfg *site = load_dnn_site (ini, weights, cfg, "motion_gating = 0\nperson_min_height_m = 1.0\nperson_max_height_m = 2.0\n");
  g_autoptr (GError) err = NULL;
  struct vis_finder *f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  struct cv_image img = patterned_image ();
  struct cv_box all[64], kept[64];
  int n_all = 0, n_kept = 0;
  g_assert_true (vis_finder_run (f, &img, all, 64, &n_all, NULL, &err));
  g_assert_cmpint (n_all, >, 2);
  /* a person 1-2 m tall is 1-2 x the median box's height: some boxes fit, not all */
  double heights[64];
  for (int i = 0; i < n_all; i++)
    heights[i] = all[i].h;
  qsort (heights, (size_t) n_all, sizeof heights[0], compare_doubles);
  double px_per_m = heights[n_all / 2];
  int expected = 0;
  for (int i = 0; i < n_all; i++) {
    double foot = all[i].y + all[i].h;
    gboolean cut = all[i].y <= 2 || foot >= img.height - 2;
    expected += all[i].h <= 2.0 * px_per_m * 1.15 && (cut || all[i].h >= 1.0 * px_per_m * 0.85);
  }
  vis_finder_set_person_size (f, flat_calibration, &px_per_m);
  g_assert_true (vis_finder_run (f, &img, kept, 64, &n_kept, NULL, &err));
  g_assert_cmpint (n_kept, ==, expected);
  for (int i = 0; i < n_kept; i++)
    g_assert_cmpfloat (kept[i].h, <=, 2.0 * px_per_m * 1.15);
  /* where everyone is a few pixels tall, nothing the network saw is a person */
  double tiny = 1;
  vis_finder_set_person_size (f, flat_calibration, &tiny);
  g_assert_true (vis_finder_run (f, &img, kept, 64, &n_kept, NULL, &err));
  g_assert_cmpint (n_kept, ==, 0);
  vis_finder_free (f);
  hwcfg_free (site);
  g_free (img.data);
}

static void
dnn_backend_loads_a_darknet_model_and_returns_well_formed_boxes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dnnXXXXXX", NULL);
  g_autofree char *cfg = g_build_filename (dir, "tiny.cfg", NULL);
  g_autofree char *weights = g_build_filename (dir, "tiny.weights", NULL);
  write_tiny_darknet (cfg, weights, FALSE);
  struct cv_dnn_params p = {weights, cfg, 32, 32, 0, 0.3, 0.45, 1};
  struct cv_dnn_detector *det;
  g_assert_cmpint (cv_dnn_detector_create (&p, &det), ==, CV_OK);
  struct cv_image img = patterned_image ();
  struct cv_box boxes[64];
  int n = -1;
  g_assert_cmpint (cv_dnn_detect (det, &img, NULL, boxes, 64, &n), ==, CV_OK);
  g_assert_cmpint (n, >, 0);
  for (int i = 0; i < n; i++) {
    g_assert_true (isfinite (boxes[i].x) && isfinite (boxes[i].y));
    g_assert_cmpfloat (boxes[i].w, >, 0);
    g_assert_cmpfloat (boxes[i].h, >, 0);
    g_assert_cmpfloat (boxes[i].score, >=, 0.3);
    g_assert_cmpfloat (boxes[i].score, <=, 1.0);
    /* centres fall inside the image the network saw */
    g_assert_cmpfloat (boxes[i].x + boxes[i].w / 2, >=, -1);
    g_assert_cmpfloat (boxes[i].x + boxes[i].w / 2, <=, 201);
  }
  /* on a region: boxes come back in the image's coordinates */
  struct cv_rect roi = {100, 50, 100, 50};
  g_assert_cmpint (cv_dnn_detect (det, &img, &roi, boxes, 64, &n), ==, CV_OK);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (boxes[i].x + boxes[i].w / 2, >=, 99);
  cv_dnn_detector_destroy (det);
  g_free (img.data);

  /* the same through the site config, as the appliance loads it */
  g_autofree char *ini = g_build_filename (dir, "site.ini", NULL);
  struct hwcfg *site = load_dnn_site (ini, weights, cfg, "");
  g_autoptr (GError) err = NULL;
  g_assert_true (site->detector.boxes_normalized);
  struct vis_finder *f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  vis_finder_free (f);
  calibration_drops_boxes_of_no_persons_size (ini, weights, cfg);

  /* a corrupt (truncated) weights file is a config error naming the file */
  write_tiny_darknet (cfg, weights, TRUE);
  g_assert_null (vis_finder_create (&site->detector, site->path, &err));
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err->message, "[detector] model"));
  g_assert_nonnull (strstr (err->message, "tiny.weights"));
  hwcfg_free (site);
  g_clear_error (&err);

  /* a missing one is caught by the config check */
  g_unlink (weights);
  g_assert_null (hwcfg_load (ini, &err));
  g_assert_nonnull (strstr (err->message, "[detector] model: cannot read"));
  g_unlink (cfg);
  g_unlink (ini);
  g_rmdir (dir);
}

static void
garbage_model_files_are_refused_not_crashed_on (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dnnXXXXXX", NULL);
  g_autofree char *onnx = g_build_filename (dir, "model.onnx", NULL);
  g_assert_true (g_file_set_contents (onnx, "this is not a protobuf", -1, NULL));
  struct cv_dnn_params p = {onnx, NULL, 64, 64, 0, 0.5, 0.45, 0};
  struct cv_dnn_detector *det = NULL;
  g_assert_cmpint (cv_dnn_detector_create (&p, &det), ==, CV_ERR_INVALID);
  g_assert_null (det);
  g_assert_cmpstr (cv_last_error (), !=, "");
  g_unlink (onnx);
  g_rmdir (dir);
}

static struct cv_image
load_bgra (const char *path, gchar **data)
{
  gsize len;
  struct cv_image img = {0};
  if (!g_file_get_contents (path, data, &len, NULL))
    return img;
  img.channels = 4;
  g_assert_cmpint (cv_decode_bgra ((unsigned char *) *data, len, &img.data, &img.width, &img.height, &img.stride), ==,
                   CV_OK);
  return img;
}

static void
face_crop_is_found_on_a_real_photo_and_scored (void)
{
  struct cv_face_detector *fd;
  g_assert_cmpint (cv_face_detector_create ("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml", &fd),
                   ==, CV_OK);
  g_autofree gchar *data = NULL;
  struct cv_image img = load_bgra (OPENCV_DATA "messi5.jpg", &data);
  g_assert_nonnull (img.data);
  int found = 0;
  struct cv_rect face;
  double quality = 0;
  g_assert_cmpint (cv_face_find (fd, &img, NULL, &found, &face, &quality), ==, CV_OK);
  g_assert_true (found);
  g_assert_cmpfloat (quality, >, 0);
  g_assert_cmpint (face.w, >=, 24);
  /* the same face, blurred, scores lower */
  struct cv_rect head = {face.x - face.w / 2, face.y - face.h / 2, face.w * 2, face.h * 2};
  cv_blur_region (&img, face.x, face.y, face.w, face.h);
  int found2 = 0;
  double quality2 = 0;
  struct cv_rect face2;
  g_assert_cmpint (cv_face_find (fd, &img, &head, &found2, &face2, &quality2), ==, CV_OK);
  g_assert_true (!found2 || quality2 < quality);
  cv_free (img.data);

  /* a plain wall has no face */
  struct cv_image wall = {g_malloc (200 * 200 * 3), 200, 200, 600, 3};
  for (int i = 0; i < 200 * 200 * 3; i++)
    wall.data[i] = (unsigned char) (100 + (i / 600) / 4);
  g_assert_cmpint (cv_face_find (fd, &wall, NULL, &found, &face, &quality), ==, CV_OK);
  g_assert_false (found);
  g_free (wall.data);
  cv_face_detector_destroy (fd);
  struct cv_face_detector *bad = NULL;
  g_assert_cmpint (cv_face_detector_create ("/nonexistent.xml", &bad), ==, CV_ERR_INVALID);
}

/* The same picture gives the same people, in the same order and with the
 * same scores, every time: HOG searches its levels on several threads, and
 * grouping its hits in the order they arrived changed both run to run (and
 * with them the tracker's choices and a run's fines). */
static void
people_detection_is_the_same_every_time (void)
{
  struct cv_people_params p = {1.5, 0.0, 1.05, 24};
  struct cv_people_detector *det = NULL;
  g_assert_cmpint (cv_people_detector_create (&p, &det), ==, CV_OK);
  const char *photos[] = {OPENCV_DATA "messi5.jpg", OPENCV_DATA "basketball1.png", OPENCV_DATA "basketball2.png"};
  int people = 0;
  for (size_t k = 0; k < G_N_ELEMENTS (photos); k++) {
    g_autofree gchar *data = NULL;
    struct cv_image img = load_bgra (photos[k], &data);
    g_assert_nonnull (img.data);
    struct cv_box first[64], again[64];
    int n_first = 0, n_again = 0;
    g_assert_cmpint (cv_people_detect (det, &img, first, 64, &n_first), ==, CV_OK);
    people += n_first;
    for (int run = 0; run < 15; run++) {
      g_assert_cmpint (cv_people_detect (det, &img, again, 64, &n_again), ==, CV_OK);
      g_assert_cmpint (n_again, ==, n_first);
      for (int i = 0; i < n_first; i++) {
        g_assert_cmpfloat (again[i].x, ==, first[i].x);
        g_assert_cmpfloat (again[i].y, ==, first[i].y);
        g_assert_cmpfloat (again[i].w, ==, first[i].w);
        g_assert_cmpfloat (again[i].h, ==, first[i].h);
        g_assert_cmpfloat (again[i].score, ==, first[i].score);
      }
    }
    cv_free (img.data);
  }
  g_assert_cmpint (people, >=, 3); /* the photos hold players it finds */
  cv_people_detector_destroy (det);
}

/* A photo's BGR pixels (the finder's cameras give BGR). */
static struct cv_image
load_bgr (const char *path)
{
  g_autofree gchar *data = NULL;
  struct cv_image bgra = load_bgra (path, &data);
  g_assert_nonnull (bgra.data);
  struct cv_image img = {g_malloc ((gsize) bgra.width * bgra.height * 3), bgra.width, bgra.height, bgra.width * 3, 3};
  for (int y = 0; y < img.height; y++)
    for (int x = 0; x < img.width; x++)
      memcpy (img.data + y * img.stride + 3 * x, bgra.data + y * bgra.stride + 4 * x, 3);
  cv_free (bgra.data);
  return img;
}

static double
box_iou (const struct cv_box *a, const struct cv_box *b)
{
  struct trk_box ta = {a->x, a->y, a->w, a->h}, tb = {b->x, b->y, b->w, b->h};
  return trk_box_iou (&ta, &tb);
}

/* The whole-frame search (people standing still, whom the background model
 * has taken in) costs a dozen times a motion region's; in one piece at
 * 720p it held a camera's analysis up longer than its capture queue
 * holds. After the first frame's (searched whole: a run's first people
 * at once) it is spread over the full_frame_every detection frames in
 * four parts, evenly spaced: each looks for the people centred in a
 * vertical strip, costs under 0.4 of the whole, and together they find the
 * people the whole search finds. */
static void
the_whole_frame_search_is_spread_over_detection_frames (void)
{
  g_autofree char *ini = g_build_filename (g_get_tmp_dir (), "cw-finder-sweep.ini", NULL);
  struct cv_image img = load_bgr (OPENCV_DATA "basketball1.png");
  g_autoptr (GError) err = NULL;

  /* the reference: the whole frame, searched at once */
  struct hwcfg *site = site_with_detector (ini, "motion_gating = 0\n");
  struct vis_finder *f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  struct cv_box whole[64];
  int n_whole = 0;
  struct vis_finder_stats st;
  g_assert_true (vis_finder_run (f, &img, whole, 64, &n_whole, &st, &err));
  g_assert_true (st.full_frame);
  g_assert_cmpint (st.sweep_part, ==, -1);
  double whole_work = st.work_px;
  g_assert_cmpint (n_whole, >=, 2);
  vis_finder_free (f);
  hwcfg_free (site);

  /* the same picture, still, with motion gating: only the sweep looks */
  site = site_with_detector (ini, "full_frame_every = 8\n");
  f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  /* the first frame whole (a run's first people at once), then parts */
  const int expected_part[] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, -1, 1, -1, 2, -1, 3, -1,
                               0,  -1, 1,  -1, 2,  -1, 3,  -1};
  struct cv_box swept[4 * 64];
  int n_swept = 0;
  double work[2] = {0, 0}, most = 0;
  for (int frame = 0; frame < (int) G_N_ELEMENTS (expected_part); frame++) {
    struct cv_box found[64];
    int n = 0;
    g_assert_true (vis_finder_run (f, &img, found, 64, &n, &st, &err));
    g_assert_true (st.full_frame == (frame == 0));
    g_assert_cmpint (st.sweep_part, ==, expected_part[frame]);
    if (frame == 0)
      continue;
    if (st.sweep_part < 0) {
      g_assert_cmpint (n, ==, 0); /* nothing moved, nothing searched */
      continue;
    }
    work[frame >= 16] += st.work_px;
    most = fmax (most, st.work_px);
    for (int i = 0; i < n && frame < 16; i++)
      swept[n_swept++] = found[i];
  }
  g_test_message ("whole search: %d people, %.0f px of work; a part: at most %.0f; the parts of a search: %.0f and "
                  "%.0f; found by the first parts: %d boxes",
                  n_whole, whole_work, most, work[0], work[1], n_swept);
  g_assert_cmpfloat (most, <, 0.4 * whole_work);
  /* the strips' margins (half a window either side) are the overhead */
  for (int k = 0; k < 2; k++) {
    g_assert_cmpfloat (work[k], >=, whole_work);
    g_assert_cmpfloat (work[k], <, 1.6 * whole_work);
  }
  for (int i = 0; i < n_whole; i++) {
    double best = 0;
    for (int j = 0; j < n_swept; j++)
      best = fmax (best, box_iou (&whole[i], &swept[j]));
    g_assert_cmpfloat (best, >=, 0.5);
  }
  vis_finder_free (f);
  hwcfg_free (site);
  g_unlink (ini);
  g_free (img.data);
}

/* The detector runs on 1 frame in N; on a live camera whose analysis has
 * fallen behind (a costly frame held it up) a frame due for detection
 * passes it on to the next, so the analysis catches up on cheap frames
 * instead of the capture queue dropping frames; for at most a bound, so a
 * camera that stays behind still has its people found. A file's frames
 * (lag unknown) keep the fixed 1 in N: its results do not depend on the
 * machine's speed. */
static void
a_detection_behind_a_live_camera_is_put_off_not_dropped (void)
{
  /* a file, and a live camera that keeps up: frames 1, 4, 7, ... */
  const double lags[] = {NAN, 0.05};
  for (size_t k = 0; k < G_N_ELEMENTS (lags); k++) {
    struct vis_cadence *c = vis_cadence_create (3, 0.25, 9);
    for (int frame = 1; frame <= 30; frame++)
      g_assert_cmpint (vis_cadence_next (c, lags[k]), ==, (frame - 1) % 3 == 0);
    g_assert_cmpint (vis_cadence_ran (c), ==, 10);
    g_assert_cmpint (vis_cadence_put_off (c), ==, 0);
    vis_cadence_free (c);
  }

  /* behind from frame 4 to 6: frame 4's detection waits for frame 7,
   * which is on time; then every 3 again from there */
  struct vis_cadence *c = vis_cadence_create (3, 0.25, 9);
  for (int frame = 1; frame <= 13; frame++) {
    double lag = frame >= 4 && frame <= 6 ? 0.4 : 0.05;
    g_assert_cmpint (vis_cadence_next (c, lag), ==, frame == 1 || frame == 7 || frame == 10 || frame == 13);
  }
  g_assert_cmpint (vis_cadence_put_off (c), ==, 3);
  vis_cadence_free (c);

  /* behind for good: the detector still runs, on 1 frame in 3 + 9 */
  c = vis_cadence_create (3, 0.25, 9);
  int ran = 0, last = 0;
  for (int frame = 1; frame <= 61; frame++)
    if (vis_cadence_next (c, frame == 1 ? 0 : 2.0)) {
      g_assert_true (frame == 1 || frame - last == 12);
      last = frame;
      ran++;
    }
  g_assert_cmpint (ran, ==, 6);
  vis_cadence_free (c);
}

/* The last frame's first blob of a bright block moving right across a
 * WIDTH-wide picture, watched for 20 frames by a finder of [detector]
 * EXTRA; the scale the model ran at in *SCALE. */
static struct cv_rect
blob_of_a_mover (const char *ini, int width, const char *extra, double *scale)
{
  g_autofree char *lines = g_strconcat ("motion_history = 50\n", extra, NULL);
  struct hwcfg *site = site_with_detector (ini, lines);
  g_autoptr (GError) err = NULL;
  struct vis_finder *f = vis_finder_create (&site->detector, site->path, &err);
  g_assert_no_error (err);
  if (!strstr (extra, "motion_scale"))
    g_assert_cmpfloat (vis_finder_motion_scale (f), ==, 0); /* automatic: made at the first frame */
  int w = width, h = w * 9 / 16, side = w / 16;
  struct cv_image img = {g_malloc ((size_t) w * h * 3), w, h, w * 3, 3};
  const struct cv_rect *blobs = NULL;
  int nb = 0;
  for (int frame = 0; frame < 20; frame++) {
    paint (&img, 0, 0, w, h, 90);
    paint (&img, w / 10 + frame * w / 80, h / 2, side, 2 * side, 230);
    g_assert_true (vis_finder_watch (f, &img));
    nb = vis_finder_moving_blobs (f, &blobs);
  }
  g_assert_cmpint (nb, >=, 1);
  struct cv_rect out = blobs[0];
  *scale = vis_finder_motion_scale (f);
  g_free (img.data);
  vis_finder_free (f);
  hwcfg_free (site);
  return out;
}

/* The background model's automatic scale holds it to at most 384 pixels
 * wide, whatever the camera's size (MOG2 keeps about 100 bytes a pixel):
 * a 1280-wide camera's model is 0.3 of it, and puts a mover's blob where
 * the model at half the resolution (the old default) put it, grown by as
 * many of the picture's pixels. A scale the site sets is kept; one too small to find
 * anyone is a config error naming the key. */
static void
the_background_model_is_no_wider_than_it_needs (void)
{
  g_autofree char *ini = g_build_filename (g_get_tmp_dir (), "cw-finder-scale.ini", NULL);
  static const struct {
    int width;
    double scale;
  } cases[] = {{320, 0.5}, {768, 0.5}, {1280, 0.3}, {1920, 0.2}};
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++) {
    double scale, half;
    struct cv_rect got = blob_of_a_mover (ini, cases[c].width, "", &scale);
    struct cv_rect was = blob_of_a_mover (ini, cases[c].width, "motion_scale = 0.5\n", &half);
    g_assert_cmpfloat_with_epsilon (scale, cases[c].scale, 1e-9);
    g_assert_cmpfloat (half, ==, 0.5);
    /* a pixel and a half of the model's, at least 6 of the picture's (a
     * model at a smaller scale grew its blobs by as many of its own pixels:
     * 685-785 for 690-774 at 1920 wide) */
    double tol = MAX (6, 1.5 / scale);
    g_test_message ("%d wide: scale %.2f, blob x %d-%d y %d-%d; at 0.5 x %d-%d y %d-%d", cases[c].width, scale,
                    got.x, got.x + got.w, got.y, got.y + got.h, was.x, was.x + was.w, was.y, was.y + was.h);
    g_assert_cmpfloat (abs (got.x - was.x), <=, tol);
    g_assert_cmpfloat (abs (got.x + got.w - was.x - was.w), <=, tol);
    g_assert_cmpfloat (abs (got.y - was.y), <=, tol);
    g_assert_cmpfloat (abs (got.y + got.h - was.y - was.h), <=, tol);
  }
  g_autofree char *text = g_strdup_printf ("[site]\nid = t\n[camera:main]\nuri = file:///dev/null\n[signal]\n"
                                           "source = none\n[detector]\nmotion_scale = 0.05\n");
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  g_assert_null (hwcfg_load (ini, &err));
  g_assert_nonnull (err);
  g_test_message ("%s", err->message);
  g_assert_nonnull (strstr (err->message, "motion_scale"));
  g_assert_nonnull (strstr (err->message, "cw-finder-scale.ini"));
  g_unlink (ini);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/finder/regions_grow_clip_and_merge", regions_grow_clip_and_merge);
  g_test_add_func ("/finder/motion_finds_what_moves_and_nothing_else", motion_finds_what_moves_and_nothing_else);
  g_test_add_func ("/finder/the_background_model_is_no_wider_than_it_needs",
                   the_background_model_is_no_wider_than_it_needs);
  g_test_add_func ("/finder/watched_frames_still_find_what_moves", watched_frames_still_find_what_moves);
  g_test_add_func ("/finder/regions_near_the_camera_skip_the_enlarged_levels",
                   regions_near_the_camera_skip_the_enlarged_levels);
  g_test_add_func ("/finder/dnn_backend_loads_a_darknet_model_and_returns_well_formed_boxes",
                   dnn_backend_loads_a_darknet_model_and_returns_well_formed_boxes);
  g_test_add_func ("/finder/garbage_model_files_are_refused_not_crashed_on", garbage_model_files_are_refused_not_crashed_on);
  g_test_add_func ("/finder/face_crop_is_found_on_a_real_photo_and_scored", face_crop_is_found_on_a_real_photo_and_scored);
  g_test_add_func ("/finder/people_detection_is_the_same_every_time", people_detection_is_the_same_every_time);
  g_test_add_func ("/finder/the_whole_frame_search_is_spread_over_detection_frames",
                   the_whole_frame_search_is_spread_over_detection_frames);
  g_test_add_func ("/finder/a_detection_behind_a_live_camera_is_put_off_not_dropped",
                   a_detection_behind_a_live_camera_is_put_off_not_dropped);
  return g_test_run ();
}
