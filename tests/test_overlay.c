/* The overlay (overlay/ovl_site.c) checked by what it draws: zone colours
 * where the zones are, grid lines where the calibration puts the metres,
 * people to scale only with a camera model, and the frame's people. */
#include "ovl_config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define W 768
#define H 576
#define GREY 100

/* The demo site's calibration (vtest.avi) with a carriageway, a crosswalk
 * and an ignore zone; HOMOGRAPHY NULL: not calibrated. */
static struct hwcfg *
site (const char *homography, char **dir_out)
{
  char *dir = g_dir_make_tmp ("ovlXXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "site.ini", NULL);
  g_autofree char *h = homography ? g_strdup_printf ("ground_homography = %s\n", homography) : g_strdup ("");
  g_autofree char *text = g_strdup_printf (
      "[site]\nid = t\n[camera:main]\nuri = file:///dev/null\n%s[signal]\nsource = none\n"
      "[zone:road]\ncamera = main\nkind = carriageway\npolygon = 300,200;480,180;700,150;768,240;768,480;560,400;330,300\n"
      "[zone:cw]\ncamera = main\nkind = crosswalk\npolygon = 470,182;545,172;610,405;520,375\n"
      "[zone:sign]\ncamera = main\nkind = ignore\npolygon = 410,200;447,200;447,245;410,245\n"
      "[rules]\nmin_depth_m = 0.5\n",
      h);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = hwcfg_load (path, &err);
  g_assert_no_error (err);
  *dir_out = dir;
  return cfg;
}

static void
remove_site (char *dir)
{
  g_autofree char *path = g_build_filename (dir, "site.ini", NULL);
  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
}

#define VTEST_H "0.0534514;-0.604125;88.5766;-0.139304;-0.399811;120.418;0.00091748;0.0196253;1"

static struct cv_image
grey_picture (int channels)
{
  struct cv_image img = {g_malloc ((size_t) W * H * channels), W, H, W * channels, channels};
  memset (img.data, GREY, (size_t) W * H * channels);
  return img;
}

static const unsigned char *
px (const struct cv_image *img, double x, double y)
{
  return img->data + (size_t) lround (y) * img->stride + (size_t) lround (x) * img->channels;
}

static gboolean
is_colour (const unsigned char *p, const unsigned char c[4], int tolerance)
{
  return abs (p[0] - c[0]) <= tolerance && abs (p[1] - c[1]) <= tolerance && abs (p[2] - c[2]) <= tolerance;
}

/* A grey pixel seen through a layer of colour C: between the two, nearer grey. */
static gboolean
is_tinted (const unsigned char *p, const unsigned char c[4])
{
  for (int k = 0; k < 3; k++) {
    int lo = MIN (GREY, c[k]), hi = MAX (GREY, c[k]);
    if (p[k] < lo - 1 || p[k] > hi + 1)
      return FALSE;
  }
  return !is_colour (p, c, 10) && (p[0] != GREY || p[1] != GREY || p[2] != GREY);
}

static void
zones_are_drawn_in_their_kind_colours_where_they_are (void)
{
  char *dir;
  struct hwcfg *cfg = site (NULL, &dir);
  g_autoptr (GError) err = NULL;
  struct ovl_site *s = ovl_site_from_config (cfg, NULL, &err);
  g_assert_no_error (err);
  for (int channels = 3; channels <= 4; channels++) {
    struct cv_image img = grey_picture (channels);
    struct ovl_layers layers = {.zones = true, .grid = true, .depth_band = true, .scale_people = true};
    g_assert_true (ovl_site_draw (s, &img, &layers, NULL, 0, 0, NULL, &err));
    /* outlines: the middle of an edge of each zone, in the kind's colour */
    g_assert_true (is_colour (px (&img, (700 + 768) / 2.0, (150 + 240) / 2.0),
                              OVL_ZONE_COLOUR[OVL_ZONE_CARRIAGEWAY], 40));
    g_assert_true (is_colour (px (&img, (545 + 610) / 2.0, (172 + 405) / 2.0), OVL_ZONE_COLOUR[OVL_ZONE_CROSSWALK],
                              40));
    g_assert_true (is_colour (px (&img, 447, 238), OVL_ZONE_COLOUR[OVL_ZONE_IGNORE], 40));
    /* fills: inside, the picture shows through the kind's colour */
    g_assert_true (is_tinted (px (&img, 680, 300), OVL_ZONE_COLOUR[OVL_ZONE_CARRIAGEWAY]));
    g_assert_true (is_tinted (px (&img, 540, 290), OVL_ZONE_COLOUR[OVL_ZONE_CROSSWALK]));
    /* outside every zone, nothing: uncalibrated, so no grid and no band */
    const unsigned char *outside = px (&img, 100, 500);
    g_assert_cmpint (outside[0], ==, GREY);
    struct ovl_site_report rep;
    ovl_site_report (s, &rep);
    g_assert_false (rep.calibrated);
    g_assert_cmpfloat (rep.grid_step_m, ==, 0);
    g_assert_cmpint (rep.scale_people, ==, 0);
    g_free (img.data);
  }
  ovl_site_free (s);
  hwcfg_free (cfg);
  remove_site (dir);
}

static void
grid_lines_lie_where_the_calibration_puts_the_metres (void)
{
  char *dir;
  struct hwcfg *cfg = site (VTEST_H, &dir);
  g_autoptr (GError) err = NULL;
  struct ovl_site *s = ovl_site_from_config (cfg, NULL, &err);
  struct cv_image img = grey_picture (3);
  struct ovl_layers layers = {.grid = true};
  g_assert_true (ovl_site_draw (s, &img, &layers, NULL, 0, 0, NULL, &err));
  struct ovl_site_report rep;
  ovl_site_report (s, &rep);
  g_assert_true (rep.calibrated);
  g_assert_cmpfloat (rep.grid_step_m, >, 0);
  /* every crossing of two grid lines on the picture is drawn; points half
   * a step off both lines are not */
  int crossings = 0, blank = 0;
  for (int i = -40; i <= 40; i++)
    for (int j = -40; j <= 40; j++) {
      double x = i * rep.grid_step_m, y = j * rep.grid_step_m, u, v;
      if (ovl_site_ground_to_image (s, x, y, &u, &v) && u > 80 && u < W - 80 && v > 250 && v < H - 30) {
        /* labels sit near the bottom and the left: those pixels may be text */
        const unsigned char *p = px (&img, u, v);
        g_assert_true (p[0] > GREY + 40 && p[1] > GREY + 40); /* cyan over grey */
        crossings++;
      }
      if (ovl_site_ground_to_image (s, x + rep.grid_step_m / 2, y + rep.grid_step_m / 2, &u, &v) && u > 80 &&
          u < W - 80 && v > 300 && v < H - 30) {
        const unsigned char *p = px (&img, u, v);
        blank += p[0] == GREY && p[1] == GREY && p[2] == GREY;
      }
    }
  g_assert_cmpint (crossings, >=, 20);
  g_assert_cmpint (blank, >=, 20);
  g_free (img.data);
  ovl_site_free (s);
  hwcfg_free (cfg);
  remove_site (dir);
}

static void
people_to_scale_and_the_depth_band_follow_the_calibration (void)
{
  char *dir;
  struct hwcfg *cfg = site (VTEST_H, &dir);
  g_autoptr (GError) err = NULL;
  struct ovl_site *s = ovl_site_from_config (cfg, NULL, &err);
  struct cv_image img = grey_picture (3);
  struct ovl_layers layers = {.scale_people = true, .depth_band = true};
  g_assert_true (ovl_site_draw (s, &img, &layers, NULL, 0, 0, NULL, &err));
  struct ovl_site_report rep;
  ovl_site_report (s, &rep);
  g_assert_true (rep.camera_model);
  g_assert_cmpint (rep.scale_people, >=, 6);
  /* a band, not the whole road: 0.5 m of a road some metres wide */
  g_assert_cmpfloat (rep.band_share, >, 0.03);
  g_assert_cmpfloat (rep.band_share, <, 0.6);
  /* just inside the carriageway's far right edge is the band; its middle is not */
  g_assert_true (is_tinted (px (&img, 765, 360), OVL_BAND_COLOUR));
  const unsigned char *middle = px (&img, 650, 260);
  g_assert_cmpint (middle[0], ==, GREY);
  g_free (img.data);
  ovl_site_free (s);
  hwcfg_free (cfg);
  remove_site (dir);
}

static void
people_tracks_and_decisions_are_drawn_and_a_decision_stays_a_while (void)
{
  struct ovl_site *s = ovl_site_create (NULL); /* no site: people and status only */
  g_assert_nonnull (s);
  struct cv_image img = grey_picture (4);
  struct ovl_layers layers = {.zones = true, .people = true, .status = true};
  struct ovl_person people[] = {
      {.box = {100, 100, 40, 100}, .track_id = -1},
      {.box = {300, 100, 40, 100}, .track_id = 7, .has_speed = true, .speed_mps = 1.4},
      {.box = {500, 100, 40, 100}, .track_id = 9, .candidate = "red_signal", .verdict = "live"},
  };
  g_autoptr (GError) err = NULL;
  g_assert_true (ovl_site_draw (s, &img, &layers, people, 3, 10.0, "frame 1", &err));
  g_assert_true (is_colour (px (&img, 100, 150), OVL_DETECTION_COLOUR, 0));
  g_assert_true (is_colour (px (&img, 300, 150), OVL_TRACK_COLOUR, 0));
  g_assert_true (is_colour (px (&img, 500, 150), OVL_DECISION_COLOUR, 0));
  /* the status bar is black with white letters */
  g_assert_cmpint (px (&img, 2, 2)[0], ==, 0);
  /* two seconds on, track 9 without a candidate still shows its decision; five seconds on it does not */
  people[2].candidate = people[2].verdict = NULL;
  memset (img.data, GREY, (size_t) W * H * 4);
  g_assert_true (ovl_site_draw (s, &img, &layers, people, 3, 12.0, NULL, &err));
  g_assert_true (is_colour (px (&img, 500, 150), OVL_DECISION_COLOUR, 0));
  memset (img.data, GREY, (size_t) W * H * 4);
  g_assert_true (ovl_site_draw (s, &img, &layers, people, 3, 15.0, NULL, &err));
  g_assert_true (is_colour (px (&img, 500, 150), OVL_TRACK_COLOUR, 0));
  /* the accused of an evidence still is marked, the others drawn faint */
  people[1].accused = true;
  memset (img.data, GREY, (size_t) W * H * 4);
  g_assert_true (ovl_site_draw (s, &img, &layers, people, 3, 16.0, NULL, &err));
  g_assert_true (is_colour (px (&img, 300, 150), OVL_DECISION_COLOUR, 0));
  g_assert_false (is_colour (px (&img, 500, 150), OVL_TRACK_COLOUR, 10));
  /* a grey picture is refused with an error, not drawn out of bounds */
  struct cv_image grey = {img.data, W, H, W, 1};
  g_assert_false (ovl_site_draw (s, &grey, &layers, people, 3, 16.0, NULL, &err));
  g_assert_error (err, OVL_ERROR, OVL_ERROR_PICTURE);
  g_free (img.data);
  ovl_site_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/overlay/zones_are_drawn_in_their_kind_colours_where_they_are",
                   zones_are_drawn_in_their_kind_colours_where_they_are);
  g_test_add_func ("/overlay/grid_lines_lie_where_the_calibration_puts_the_metres",
                   grid_lines_lie_where_the_calibration_puts_the_metres);
  g_test_add_func ("/overlay/people_to_scale_and_the_depth_band_follow_the_calibration",
                   people_to_scale_and_the_depth_band_follow_the_calibration);
  g_test_add_func ("/overlay/people_tracks_and_decisions_are_drawn_and_a_decision_stays_a_while",
                   people_tracks_and_decisions_are_drawn_and_a_decision_stays_a_while);
  return g_test_run ();
}
