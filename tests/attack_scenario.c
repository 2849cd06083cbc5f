/* attack_scenario — presentation attacks composited into real footage, with
 * ground truth by construction, and the scorer for what crosswatch made of
 * them.
 *
 *   attack_scenario make  --video vtest.avi --gt PETS09-S2L1/gt/gt.txt --config site.ini
 *                         --out attacks.avi --truth truth.json [--frames N]
 *   attack_scenario score --truth truth.json --off events-off.jsonl --on events-on.jsonl
 *                         [--detections det.txt] [--require]
 *
 * The attacks, each rendered through the site's calibrated camera
 * (zone_camera.h) at life size:
 *  - bus_advert: a 12 m bus with a full-size printed person on its side
 *    (feet 0.35 m above the road) driving along the carriageway at 3.5 m/s
 *    (12.6 km/h, pulling through the junction: at 10 frames/s a faster
 *    print moves more than its own width a frame and is never tracked),
 *    four passes, both directions, two lanes, during DON'T WALK;
 *  - poster (two): a standee print of a person standing on the carriageway
 *    near the kerb, at least 1 m in, there all along;
 *  - screen (two): a portrait screen (1 x 2 m display, dark bezel) standing on
 *    the carriageway, playing a video of a real walker from the footage
 *    (the crop follows the walker, who walks on the spot, limbs moving).
 * The person textures are real pedestrians of the same footage, cut out
 * at their ground-truth boxes (MOT15 gt). The genuine pedestrians of the
 * footage stay as they are.
 */
#include "cv_shim.h"
#include "hwcfg.h"
#include "trk_box.h"
#include "zone_camera.h"
#include "zone_geom.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GT 8000
#define WALK_FRAMES 80

static const double BUS_SPEED_MPS = 3.5, BUS_LENGTH = 12.0, BUS_WIDTH = 2.5, BUS_HEIGHT = 3.2;
static const double PRINT_BOTTOM = 0.35, PRINT_TOP = 2.35, PRINT_WIDTH = 1.0;
/* bus passes: the frame the bus centre crosses the road's middle, and the direction */
static const struct {
  int mid_frame;
  int dir;
  double lane; /* metres from the road's middle line towards the camera */
} BUS_PASSES[] = {{225, 1, -2.0}, {345, -1, 2.0}, {630, 1, -2.0}, {730, -1, 2.0}};
#define N_BUSES ((int) G_N_ELEMENTS (BUS_PASSES))
#define N_POSTERS 2
#define N_SCREENS 2
#define N_ATTACKS (N_BUSES + N_POSTERS + N_SCREENS)

struct gt_row {
  int frame, id;
  double x, y, w, h;
};

struct texture {
  struct cv_image img; /* owned BGR */
};

struct scene {
  struct zone_camera cam;
  double road_mid[2], road_dir[2], road_normal[2]; /* ground, metres */
  double camera_xy[2];                             /* the camera's ground position */
  double poster[N_POSTERS][2], screen[N_SCREENS][2]; /* ground positions */
  bool placed;
  struct texture still;                            /* a person, for prints */
  struct texture walk[WALK_FRAMES];                /* a walker, frame by frame, for the screen */
  int n_walk;
};

/* ---- geometry ---- */

static void
project (const struct scene *s, double x, double y, double z, double *u, double *v)
{
  if (!zone_camera_project (&s->cam, x, y, z, u, v))
    *u = *v = -1e4;
}

/* The quad of a vertical rectangle on the ground line from A to B (metres),
 * between heights Z0 and Z1: corners top-left, top-right, bottom-right, bottom-left. */
static void
vertical_quad (const struct scene *s, const double a[2], const double b[2], double z0, double z1, double q[8])
{
  project (s, a[0], a[1], z1, &q[0], &q[1]);
  project (s, b[0], b[1], z1, &q[2], &q[3]);
  project (s, b[0], b[1], z0, &q[4], &q[5]);
  project (s, a[0], a[1], z0, &q[6], &q[7]);
}

static void
bbox_of (const double q[8], double box[4])
{
  double x0 = fmin (fmin (q[0], q[2]), fmin (q[4], q[6])), x1 = fmax (fmax (q[0], q[2]), fmax (q[4], q[6]));
  double y0 = fmin (fmin (q[1], q[3]), fmin (q[5], q[7])), y1 = fmax (fmax (q[1], q[3]), fmax (q[5], q[7]));
  box[0] = x0, box[1] = y0, box[2] = x1 - x0, box[3] = y1 - y0;
}

/* Swaps the ground points A and B if needed so that A is on the left of B as the camera sees them. */
static void
left_to_right (const struct scene *s, double a[2], double b[2])
{
  double ua, ub, v;
  project (s, a[0], a[1], 0, &ua, &v);
  project (s, b[0], b[1], 0, &ub, &v);
  if (ua > ub) {
    double t[2] = {a[0], a[1]};
    a[0] = b[0], a[1] = b[1], b[0] = t[0], b[1] = t[1];
  }
}

/* A panel at ground point P facing the camera, W wide: its two ground ends. */
static void
facing_panel (const struct scene *s, const double p[2], double w, double a[2], double b[2])
{
  double dx = s->camera_xy[0] - p[0], dy = s->camera_xy[1] - p[1], n = hypot (dx, dy);
  double tx = -dy / n, ty = dx / n; /* along the panel */
  a[0] = p[0] - tx * w / 2, a[1] = p[1] - ty * w / 2;
  b[0] = p[0] + tx * w / 2, b[1] = p[1] + ty * w / 2;
  left_to_right (s, a, b);
}

/* The person's part of a print of height PRINT_H whose crop has MARGIN_* around the person. */
#define CROP_MARGIN_X 0.15
#define CROP_MARGIN_Y 0.06

static void
person_quad_in_panel (const struct scene *s, const double a[2], const double b[2], double z0, double z1, double q[8])
{
  double mx = CROP_MARGIN_X / (1 + 2 * CROP_MARGIN_X), my = CROP_MARGIN_Y / (1 + 2 * CROP_MARGIN_Y);
  double pa[2] = {a[0] + (b[0] - a[0]) * mx, a[1] + (b[1] - a[1]) * mx};
  double pb[2] = {b[0] - (b[0] - a[0]) * mx, b[1] - (b[1] - a[1]) * mx};
  double h = z1 - z0;
  vertical_quad (s, pa, pb, z0 + h * my, z1 - h * my, q);
}

/* ---- video ---- */

static GstElement *
open_reader (const char *path, GstAppSink **sink)
{
  g_autofree char *uri = gst_filename_to_uri (path, NULL);
  g_autofree char *desc = g_strdup_printf (
      "uridecodebin uri=\"%s\" ! videoconvert ! video/x-raw,format=BGR ! appsink name=s sync=false", uri);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  if (!p) {
    fprintf (stderr, "attack_scenario: %s: %s\n", path, err->message);
    exit (2);
  }
  *sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "s"));
  gst_element_set_state (p, GST_STATE_PLAYING);
  return p;
}

/* The next frame as an owned tightly packed BGR image; FALSE at the end. */
static gboolean
read_frame (GstAppSink *sink, struct cv_image *out)
{
  GstSample *smp = gst_app_sink_pull_sample (sink);
  if (!smp)
    return FALSE;
  GstVideoInfo info;
  GstVideoFrame vf;
  gst_video_info_from_caps (&info, gst_sample_get_caps (smp));
  gst_video_frame_map (&vf, &info, gst_sample_get_buffer (smp), GST_MAP_READ);
  int w = GST_VIDEO_FRAME_WIDTH (&vf), h = GST_VIDEO_FRAME_HEIGHT (&vf);
  *out = (struct cv_image){g_malloc ((gsize) w * h * 3), w, h, w * 3, 3};
  for (int y = 0; y < h; y++)
    memcpy (out->data + (size_t) y * w * 3,
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&vf, 0) + (size_t) y * GST_VIDEO_FRAME_PLANE_STRIDE (&vf, 0), w * 3);
  gst_video_frame_unmap (&vf);
  gst_sample_unref (smp);
  return TRUE;
}

static struct cv_image
crop (const struct cv_image *img, double x, double y, double w, double h)
{
  int x0 = (int) MAX (0, floor (x)), y0 = (int) MAX (0, floor (y));
  int x1 = (int) MIN (img->width, ceil (x + w)), y1 = (int) MIN (img->height, ceil (y + h));
  struct cv_image c = {g_malloc ((gsize) (x1 - x0) * (y1 - y0) * 3), x1 - x0, y1 - y0, (x1 - x0) * 3, 3};
  for (int r = y0; r < y1; r++)
    memcpy (c.data + (size_t) (r - y0) * c.stride, img->data + (size_t) r * img->stride + x0 * 3, c.stride);
  return c;
}

/* ---- ground truth of the footage: pick the people to print ---- */

static int
load_gt (const char *path, struct gt_row *rows)
{
  FILE *f = fopen (path, "r");
  if (!f) {
    fprintf (stderr, "attack_scenario: cannot read %s\n", path);
    exit (2);
  }
  int n = 0, cf;
  double x, y, z;
  struct gt_row r;
  while (n < MAX_GT && fscanf (f, "%d,%d,%lf,%lf,%lf,%lf,%d,%lf,%lf,%lf", &r.frame, &r.id, &r.x, &r.y, &r.w, &r.h, &cf,
                               &x, &y, &z) == 10)
    if (cf)
      rows[n++] = r;
  fclose (f);
  return n;
}

static bool
alone (const struct gt_row *rows, int n, const struct gt_row *r)
{
  for (int i = 0; i < n; i++) {
    const struct gt_row *o = &rows[i];
    if (o->frame != r->frame || o->id == r->id)
      continue;
    if (o->x < r->x + r->w * 1.4 && r->x - r->w * 0.4 < o->x + o->w && o->y < r->y + r->h && r->y < o->y + o->h)
      return false;
  }
  return r->x > 5 && r->y > 5 && r->x + r->w < 763 && r->y + r->h < 571;
}

/* The tallest lone person (the still), and the id with the most tall lone frames in a row (the walker). */
static void
choose_people (const struct gt_row *rows, int n, struct gt_row *still, int *walker, int *walk_from)
{
  still->h = 0;
  for (int i = 0; i < n; i++)
    if (rows[i].h > still->h && alone (rows, n, &rows[i]))
      *still = rows[i];
  int best = 0;
  for (int i = 0; i < n; i++) {
    int run = 0;
    for (int j = i; j < n && run < WALK_FRAMES; j++)
      if (rows[j].id == rows[i].id && rows[j].frame == rows[i].frame + run && rows[j].h > 70 &&
          alone (rows, n, &rows[j]))
        run++;
    if (run > best)
      best = run, *walker = rows[i].id, *walk_from = rows[i].frame;
  }
}

/* ---- rendering ---- */

static void
paste (struct cv_image *frame, const struct texture *t, const double q[8])
{
  cv_paste_quad (frame, &t->img, q);
}

static void
fill (struct cv_image *frame, const double q[8], unsigned char b, unsigned char g, unsigned char r)
{
  const unsigned char c[3] = {b, g, r};
  cv_fill_quad (frame, q, c);
}

/* Where the bus centre is at FRAME for a pass; false when it is out of the scene. */
static bool
bus_centre (const struct scene *s, int pass, int frame, double c[2])
{
  double d = (frame - BUS_PASSES[pass].mid_frame) / 10.0 * BUS_SPEED_MPS * BUS_PASSES[pass].dir;
  if (fabs (d) > 22)
    return false;
  double lane = BUS_PASSES[pass].lane;
  c[0] = s->road_mid[0] + s->road_dir[0] * d + s->road_normal[0] * lane;
  c[1] = s->road_mid[1] + s->road_dir[1] * d + s->road_normal[1] * lane;
  return true;
}

/* Draws the bus; PERSON_BOX gets the printed person's image box. */
static void
draw_bus (struct cv_image *frame, const struct scene *s, const double c[2], double person_box[4])
{
  const double *d = s->road_dir, *n = s->road_normal; /* n points to the camera */
  double hl = BUS_LENGTH / 2, hw = BUS_WIDTH / 2;
  double fl[2] = {c[0] - d[0] * hl + n[0] * hw, c[1] - d[1] * hl + n[1] * hw}; /* near side, back */
  double fr[2] = {c[0] + d[0] * hl + n[0] * hw, c[1] + d[1] * hl + n[1] * hw}; /* near side, front */
  double bl[2] = {c[0] - d[0] * hl - n[0] * hw, c[1] - d[1] * hl - n[1] * hw};
  double br[2] = {c[0] + d[0] * hl - n[0] * hw, c[1] + d[1] * hl - n[1] * hw};
  double q[8];
  /* roof */
  project (s, fl[0], fl[1], BUS_HEIGHT, &q[0], &q[1]);
  project (s, fr[0], fr[1], BUS_HEIGHT, &q[2], &q[3]);
  project (s, br[0], br[1], BUS_HEIGHT, &q[4], &q[5]);
  project (s, bl[0], bl[1], BUS_HEIGHT, &q[6], &q[7]);
  fill (frame, q, 200, 200, 205);
  /* the end facing the camera: the one nearer to it */
  bool front_near = hypot (fr[0] - s->camera_xy[0], fr[1] - s->camera_xy[1]) <
                    hypot (fl[0] - s->camera_xy[0], fl[1] - s->camera_xy[1]);
  if (front_near)
    vertical_quad (s, fr, br, 0, BUS_HEIGHT, q);
  else
    vertical_quad (s, bl, fl, 0, BUS_HEIGHT, q);
  fill (frame, q, 30, 30, 150);
  /* the side: red livery, a window band, a stripe, wheels, fleet markings */
  vertical_quad (s, fl, fr, 0.25, BUS_HEIGHT, q);
  fill (frame, q, 40, 40, 200);
  for (double x = 0.3; x < BUS_LENGTH - 1.2; x += 1.45) {
    double a[2] = {fl[0] + d[0] * x, fl[1] + d[1] * x}, b[2] = {fl[0] + d[0] * (x + 1.25), fl[1] + d[1] * (x + 1.25)};
    vertical_quad (s, a, b, 2.45, 3.0, q);
    fill (frame, q, 70, 50, 40);
  }
  vertical_quad (s, fl, fr, 2.38, 2.43, q);
  fill (frame, q, 230, 230, 230);
  for (int k = 0; k < 2; k++) {
    double x = k ? BUS_LENGTH - 2.5 : 1.6;
    double a[2] = {fl[0] + d[0] * x, fl[1] + d[1] * x}, b[2] = {fl[0] + d[0] * (x + 1.0), fl[1] + d[1] * (x + 1.0)};
    vertical_quad (s, a, b, 0, 0.9, q);
    fill (frame, q, 20, 20, 20);
  }
  for (int k = 0; k < 6; k++) {
    double x = 4.2 + k * 0.35 + (k % 2) * 0.1;
    double a[2] = {fl[0] + d[0] * x, fl[1] + d[1] * x}, b[2] = {fl[0] + d[0] * (x + 0.22), fl[1] + d[1] * (x + 0.22)};
    vertical_quad (s, a, b, 1.6 + 0.1 * (k % 3), 1.9 + 0.1 * (k % 3), q);
    fill (frame, q, 240, 240, 240);
  }
  /* the advert: a full-size person printed on the side, behind the front wheel */
  double x = BUS_LENGTH - 4.0;
  double a[2] = {fl[0] + d[0] * x, fl[1] + d[1] * x};
  double b[2] = {fl[0] + d[0] * (x + PRINT_WIDTH), fl[1] + d[1] * (x + PRINT_WIDTH)};
  left_to_right (s, a, b); /* the print reads left to right as the camera sees it */
  vertical_quad (s, a, b, PRINT_BOTTOM, PRINT_TOP, q);
  paste (frame, &s->still, q);
  person_quad_in_panel (s, a, b, PRINT_BOTTOM, PRINT_TOP, q);
  bbox_of (q, person_box);
}

static void
draw_poster (struct cv_image *frame, const struct scene *s, int i, double person_box[4])
{
  double a[2], b[2], q[8];
  facing_panel (s, s->poster[i], 0.85, a, b);
  vertical_quad (s, a, b, 0, 2.05, q);
  paste (frame, &s->still, q);
  person_quad_in_panel (s, a, b, 0, 2.05, q);
  bbox_of (q, person_box);
}

static void
draw_screen (struct cv_image *frame, const struct scene *s, int i, int k, double person_box[4])
{
  double a[2], b[2], q[8];
  facing_panel (s, s->screen[i], 1.16, a, b);
  vertical_quad (s, a, b, 0, 2.2, q);
  fill (frame, q, 25, 25, 25); /* housing and bezel */
  facing_panel (s, s->screen[i], 1.0, a, b);
  vertical_quad (s, a, b, 0.08, 2.12, q);
  paste (frame, &s->walk[k % s->n_walk], q);
  person_quad_in_panel (s, a, b, 0.08, 2.12, q);
  bbox_of (q, person_box);
}

/* ---- make ---- */

static void
ground_of (const struct hwcfg_camera *cam, double u, double v, double out[2])
{
  struct zone_pt g;
  zone_homography_apply (cam->homography, (struct zone_pt){u, v}, &g);
  out[0] = g.x, out[1] = g.y;
}

static bool place (struct scene *s, const struct hwcfg *cfg, const struct hwcfg_camera *cam, const double base[2],
                   double inward, int side, double taken[][2], int n_taken, double out[2]);

/* Ground points of the scene from the site's road and crosswalk zones. */
static void
lay_out (struct scene *s, const struct hwcfg *cfg, const struct hwcfg_camera *cam)
{
  /* camera's ground position: the ground point straight below the centre of projection */
  const double *p = s->cam.p;
  /* solve P * [X Y Z 1] = 0 for the centre: 3x3 system on X, Y, Z */
  double m[3][4];
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++)
      m[i][j] = p[i * 4 + j];
    m[i][3] = -p[i * 4 + 3];
  }
  for (int c = 0; c < 3; c++)
    for (int r = 0; r < 3; r++)
      if (r != c) {
        double f = m[r][c] / m[c][c];
        for (int j = 0; j < 4; j++)
          m[r][j] -= f * m[c][j];
      }
  s->camera_xy[0] = m[0][3] / m[0][0], s->camera_xy[1] = m[1][3] / m[1][1];

  const struct hwcfg_zone *road = NULL, *walk = NULL;
  for (int i = 0; i < cfg->n_zones; i++) {
    if (cfg->zones[i].kind == HWCFG_ZONE_CARRIAGEWAY && !road)
      road = &cfg->zones[i];
    if (cfg->zones[i].kind == HWCFG_ZONE_CROSSWALK && !walk)
      walk = &cfg->zones[i];
  }
  if (!road || !walk || walk->n_points != 4) {
    fprintf (stderr, "attack_scenario: the config needs a carriageway and a 4-corner crosswalk\n");
    exit (2);
  }
  /* the crossing direction runs along the crosswalk; the road across it */
  double w[4][2];
  for (int i = 0; i < 4; i++)
    ground_of (cam, walk->polygon[i].x, walk->polygon[i].y, w[i]);
  double far[2] = {(w[0][0] + w[1][0]) / 2, (w[0][1] + w[1][1]) / 2};
  double near[2] = {(w[2][0] + w[3][0]) / 2, (w[2][1] + w[3][1]) / 2};
  double cx = near[0] - far[0], cy = near[1] - far[1], cl = hypot (cx, cy);
  s->road_normal[0] = cx / cl, s->road_normal[1] = cy / cl; /* towards the near kerb (the camera) */
  s->road_dir[0] = -s->road_normal[1], s->road_dir[1] = s->road_normal[0];
  /* the bus drives 40 % of the way from the far kerb, well inside the carriageway */
  s->road_mid[0] = far[0] + cx * 0.4, s->road_mid[1] = far[1] + cy * 0.4;

  /* posters near the near kerb, screens further in; every one 4 m or more from the others */
  double middle[2] = {far[0] + cx * 0.55, far[1] + cy * 0.55};
  double taken[N_POSTERS + N_SCREENS][2];
  int n_taken = 0;
  s->placed = true;
  for (int i = 0; i < N_POSTERS + N_SCREENS && s->placed; i++) {
    bool poster = i < N_POSTERS;
    double *out = poster ? s->poster[i] : s->screen[i - N_POSTERS];
    s->placed = place (s, cfg, cam, poster ? near : middle, poster ? -1.5 : 0, i % 2 ? 1 : -1, taken, n_taken, out);
    if (!s->placed)
      fprintf (stderr, "attack_scenario: no place for %s %d\n", poster ? "poster" : "screen", i);
    taken[n_taken][0] = out[0], taken[n_taken][1] = out[1];
    n_taken++;
  }
}

/* Inside the zone Z (image polygon), at least DEPTH metres from its edge on the ground. */
static bool
inside_by (const struct hwcfg_camera *cam, const struct hwcfg_zone *z, double u, double v, double depth)
{
  struct zone_pt img[64], gnd[64];
  int n = MIN (z->n_points, 64);
  for (int i = 0; i < n; i++) {
    img[i] = (struct zone_pt){z->polygon[i].x, z->polygon[i].y};
    zone_homography_apply (cam->homography, img[i], &gnd[i]);
  }
  if (!zone_polygon_contains (img, n, (struct zone_pt){u, v}))
    return false;
  struct zone_pt g;
  zone_homography_apply (cam->homography, (struct zone_pt){u, v}, &g);
  return zone_polygon_edge_distance (gnd, n, g) >= depth;
}

/* A ground point for a standing attack: from BASE moved INWARD metres along the
 * crossing and then along the road, 3 m or more from the crosswalk, first
 * trying the side SIDE (-1, 1) of the road's direction; inside the
 * carriageway by 1.5 m, in no crosswalk or ignore zone, well inside the picture. */
static bool
place (struct scene *s, const struct hwcfg *cfg, const struct hwcfg_camera *cam, const double base[2], double inward,
       int side, double taken[][2], int n_taken, double out[2])
{
  for (double in = inward; in >= inward - 10; in -= 0.5)
  for (double along = 2; along <= 20; along += 0.5)
    for (int k = 0; k < 2; k++) {
      int sign = k ? -side : side;
      double p[2] = {base[0] + s->road_normal[0] * in + s->road_dir[0] * along * sign,
                     base[1] + s->road_normal[1] * in + s->road_dir[1] * along * sign};
      double u, v;
      project (s, p[0], p[1], 0, &u, &v);
      if (u < 60 || u > 708 || v < 150 || v > 540)
        continue;
      bool ok = true, on_road = false;
      for (int t = 0; t < n_taken; t++) { /* apart on the ground and side by side in the picture */
        double uk, vk;
        project (s, taken[t][0], taken[t][1], 0, &uk, &vk);
        ok = ok && hypot (p[0] - taken[t][0], p[1] - taken[t][1]) >= 4.0 && fabs (u - uk) >= 60;
      }
      for (int i = 0; i < cfg->n_zones && ok; i++) {
        const struct hwcfg_zone *z = &cfg->zones[i];
        if (z->kind == HWCFG_ZONE_CARRIAGEWAY)
          on_road |= inside_by (cam, z, u, v, 1.0);
        else if (inside_by (cam, z, u, v, -100)) /* any other zone: keep out */
          ok = false;
      }
      if (ok && on_road) {
        out[0] = p[0], out[1] = p[1];
        return true;
      }
    }
  return false;
}

static int
cmd_make (int argc, char **argv)
{
  const char *video = NULL, *gt = NULL, *config = NULL, *out = NULL, *truth = NULL;
  int max_frames = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp (argv[i], "--video"))
      video = argv[i + 1];
    else if (!strcmp (argv[i], "--gt"))
      gt = argv[i + 1];
    else if (!strcmp (argv[i], "--config"))
      config = argv[i + 1];
    else if (!strcmp (argv[i], "--out"))
      out = argv[i + 1];
    else if (!strcmp (argv[i], "--truth"))
      truth = argv[i + 1];
    else if (!strcmp (argv[i], "--frames"))
      max_frames = atoi (argv[i + 1]);
  }
  if (!video || !gt || !config || !out || !truth) {
    fprintf (stderr, "usage: attack_scenario make --video V --gt GT --config INI --out AVI --truth JSON [--frames N]\n");
    return 2;
  }
  GError *err = NULL;
  struct hwcfg *cfg = hwcfg_load (config, &err);
  if (!cfg) {
    fprintf (stderr, "attack_scenario: %s\n", err->message);
    return 2;
  }
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, NULL);
  struct scene *s = g_new0 (struct scene, 1);
  if (!cam->has_homography || !zone_camera_from_homography (cam->homography, 768, 576, cam->focal_px, &s->cam)) {
    fprintf (stderr, "attack_scenario: %s: the camera needs a ground calibration\n", config);
    return 2;
  }
  lay_out (s, cfg, cam);
  if (!s->placed) {
    fprintf (stderr, "attack_scenario: %s: no room on the carriageway for the posters and screens\n", config);
    return 2;
  }

  struct gt_row *rows = g_new (struct gt_row, MAX_GT), still = {0};
  int n_rows = load_gt (gt, rows), walker = -1, walk_from = 0;
  choose_people (rows, n_rows, &still, &walker, &walk_from);

  /* pass 1: cut the people out of the footage */
  GstAppSink *sink;
  GstElement *rd = open_reader (video, &sink);
  struct cv_image img;
  for (int f = 1; read_frame (sink, &img); f++) {
    if (f == still.frame) {
      double mx = still.w * CROP_MARGIN_X, my = still.h * CROP_MARGIN_Y;
      s->still.img = crop (&img, still.x - mx, still.y - my, still.w + 2 * mx, still.h + 2 * my);
    }
    for (int i = 0; i < n_rows; i++) {
      const struct gt_row *r = &rows[i];
      if (r->id != walker || r->frame != f || f < walk_from || s->n_walk >= WALK_FRAMES)
        continue;
      /* a crop of fixed shape that follows the walker: the video on the screen */
      double h = r->h * (1 + 2 * CROP_MARGIN_Y), w = h * 0.5, cx = r->x + r->w / 2;
      s->walk[s->n_walk++].img = crop (&img, cx - w / 2, r->y - r->h * CROP_MARGIN_Y, w, h);
    }
    g_free (img.data);
    if (f >= walk_from + WALK_FRAMES && f >= still.frame)
      break;
  }
  gst_element_set_state (rd, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (rd);
  if (!s->still.img.data || s->n_walk < 20) {
    fprintf (stderr, "attack_scenario: no lone person found in %s\n", gt);
    return 2;
  }

  /* pass 2: composite and write Motion-JPEG AVI */
  g_autofree char *desc = g_strdup_printf ("appsrc name=src format=time caps=video/x-raw,format=BGR,width=768,"
                                           "height=576,framerate=10/1 ! videoconvert ! jpegenc quality=85 ! avimux ! "
                                           "filesink location=\"%s\"",
                                           out);
  GstElement *wr = gst_parse_launch (desc, &err);
  if (!wr) {
    fprintf (stderr, "attack_scenario: %s\n", err->message);
    return 2;
  }
  GstAppSrc *src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (wr), "src"));
  gst_element_set_state (wr, GST_STATE_PLAYING);
  rd = open_reader (video, &sink);

  JsonBuilder *jb = json_builder_new ();
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "video");
  json_builder_add_string_value (jb, out);
  GString *boxes[N_ATTACKS]; /* per attack: frame,x,y,w,h rows; buses, posters, screens */
  for (int a = 0; a < N_ATTACKS; a++)
    boxes[a] = g_string_new (NULL);
  int frames = 0;
  for (int f = 1; (max_frames <= 0 || f <= max_frames) && read_frame (sink, &img); f++, frames++) {
    double box[4], c[2];
    /* posters and screens stand there all along */
    for (int i = 0; i < N_POSTERS; i++) {
      draw_poster (&img, s, i, box);
      g_string_append_printf (boxes[N_BUSES + i], "%d,%.1f,%.1f,%.1f,%.1f;", f, box[0], box[1], box[2], box[3]);
    }
    for (int i = 0; i < N_SCREENS; i++) {
      draw_screen (&img, s, i, f - 1 + i * WALK_FRAMES / 2, box);
      g_string_append_printf (boxes[N_BUSES + N_POSTERS + i], "%d,%.1f,%.1f,%.1f,%.1f;", f, box[0], box[1], box[2],
                              box[3]);
    }
    /* the far lane's buses first: a bus in the near lane hides them */
    for (int near_lane = 0; near_lane < 2; near_lane++)
      for (int pass = 0; pass < N_BUSES; pass++)
        if ((BUS_PASSES[pass].lane >= 0) == near_lane && bus_centre (s, pass, f, c)) {
          draw_bus (&img, s, c, box);
          /* only while the printed person is in the picture */
          if (box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= img.width && box[1] + box[3] <= img.height)
            g_string_append_printf (boxes[pass], "%d,%.1f,%.1f,%.1f,%.1f;", f, box[0], box[1], box[2], box[3]);
        }
    GstBuffer *buf = gst_buffer_new_wrapped (img.data, (gsize) img.stride * img.height);
    GST_BUFFER_PTS (buf) = gst_util_uint64_scale (f - 1, GST_SECOND, 10);
    GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
    gst_app_src_push_buffer (src, buf);
  }
  gst_app_src_end_of_stream (src);
  GstBus *bus = gst_element_get_bus (wr);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  int status = 0;
  if (!msg || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    fprintf (stderr, "attack_scenario: writing %s failed\n", out);
    status = 1;
  }
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (wr, GST_STATE_NULL);
  gst_element_set_state (rd, GST_STATE_NULL);

  json_builder_set_member_name (jb, "frames");
  json_builder_add_int_value (jb, frames);
  json_builder_set_member_name (jb, "attacks");
  json_builder_begin_array (jb);
  for (int a = 0; a < N_ATTACKS; a++) {
    json_builder_begin_object (jb);
    json_builder_set_member_name (jb, "id");
    json_builder_add_int_value (jb, a + 1);
    json_builder_set_member_name (jb, "type");
    json_builder_add_string_value (jb, a < N_BUSES ? "bus_advert" : a < N_BUSES + N_POSTERS ? "poster" : "screen");
    json_builder_set_member_name (jb, "boxes");
    json_builder_add_string_value (jb, boxes[a]->str);
    json_builder_end_object (jb);
    g_string_free (boxes[a], TRUE);
  }
  json_builder_end_array (jb);
  json_builder_end_object (jb);
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root = json_builder_get_root (jb);
  json_generator_set_root (gen, root);
  if (!json_generator_to_file (gen, truth, &err)) {
    fprintf (stderr, "attack_scenario: %s\n", err->message);
    status = 1;
  }
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (jb);
  fprintf (stderr,
           "attack_scenario: %d frames; still person: gt frame %d id %d (%.0f px); screen walker: id %d from "
           "frame %d (%d frames)\n",
           frames, still.frame, still.id, still.h, walker, walk_from, s->n_walk);
  g_free (s->still.img.data);
  for (int k = 0; k < s->n_walk; k++)
    g_free (s->walk[k].img.data);
  g_free (s);
  g_free (rows);
  hwcfg_free (cfg);
  return status;
}

/* ---- score ---- */

struct attack {
  int id;
  char type[32];
  GHashTable *boxes; /* frame -> double[4] */
  int frames, detected;
  int off_violations, on_accepted, on_rejected;
};

struct event {
  int frame, track;
  char type[32], decision[32], verdict[16];
  double box[4];
};

static double
iou (const double a[4], const double b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_iou (&ba, &bb);
}

static GArray *
load_events (const char *path)
{
  g_autofree char *text = NULL;
  GError *err = NULL;
  if (!g_file_get_contents (path, &text, NULL, &err)) {
    fprintf (stderr, "attack_scenario: %s\n", err->message);
    exit (2);
  }
  GArray *a = g_array_new (FALSE, TRUE, sizeof (struct event));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++) {
    if (!*lines[i])
      continue;
    JsonParser *p = json_parser_new ();
    if (!json_parser_load_from_data (p, lines[i], -1, NULL)) {
      fprintf (stderr, "attack_scenario: %s:%d: not JSON\n", path, i + 1);
      exit (2);
    }
    JsonObject *o = json_node_get_object (json_parser_get_root (p));
    struct event e = {0};
    e.frame = (int) json_object_get_int_member (o, "frame");
    e.track = (int) json_object_get_int_member (o, "track_id");
    g_strlcpy (e.type, json_object_get_string_member (o, "type"), sizeof e.type);
    g_strlcpy (e.decision, json_object_get_string_member (o, "decision"), sizeof e.decision);
    JsonObject *lv = json_object_get_object_member (o, "liveness");
    g_strlcpy (e.verdict, lv ? json_object_get_string_member (lv, "verdict") : "none", sizeof e.verdict);
    JsonArray *b = json_object_get_array_member (o, "bbox");
    for (int k = 0; k < 4; k++)
      e.box[k] = json_array_get_double_element (b, k);
    g_array_append_val (a, e);
    g_object_unref (p);
  }
  return a;
}

/* The attack an event's box belongs to, or NULL (a genuine pedestrian). */
static struct attack *
attack_of (struct attack *attacks, int n, const struct event *e)
{
  for (int i = 0; i < n; i++) {
    const double *b = g_hash_table_lookup (attacks[i].boxes, GINT_TO_POINTER (e->frame));
    if (b && iou (b, e->box) >= 0.5) /* the attack's figure, not a pedestrian passing in front of it */
      return &attacks[i];
  }
  return NULL;
}

static int
cmd_score (int argc, char **argv)
{
  const char *truth = NULL, *off = NULL, *on = NULL, *dets = NULL;
  bool require = false;
  for (int i = 2; i < argc; i++) {
    if (!strcmp (argv[i], "--require")) {
      require = true;
      continue;
    }
    if (i + 1 >= argc)
      break;
    if (!strcmp (argv[i], "--truth"))
      truth = argv[++i];
    else if (!strcmp (argv[i], "--off"))
      off = argv[++i];
    else if (!strcmp (argv[i], "--on"))
      on = argv[++i];
    else if (!strcmp (argv[i], "--detections"))
      dets = argv[++i];
  }
  if (!truth || !off || !on) {
    fprintf (stderr, "usage: attack_scenario score --truth T --off EV --on EV [--detections MOT] [--require]\n");
    return 2;
  }
  GError *err = NULL;
  JsonParser *jp = json_parser_new ();
  if (!json_parser_load_from_file (jp, truth, &err)) {
    fprintf (stderr, "attack_scenario: %s\n", err->message);
    return 2;
  }
  JsonArray *ja = json_object_get_array_member (json_node_get_object (json_parser_get_root (jp)), "attacks");
  int n = (int) json_array_get_length (ja);
  struct attack *attacks = g_new0 (struct attack, n);
  for (int i = 0; i < n; i++) {
    JsonObject *o = json_array_get_object_element (ja, i);
    struct attack *a = &attacks[i];
    a->id = (int) json_object_get_int_member (o, "id");
    g_strlcpy (a->type, json_object_get_string_member (o, "type"), sizeof a->type);
    a->boxes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    g_auto (GStrv) rows = g_strsplit (json_object_get_string_member (o, "boxes"), ";", -1);
    for (int k = 0; rows[k]; k++) {
      int f;
      double *b = g_new (double, 4);
      if (sscanf (rows[k], "%d,%lf,%lf,%lf,%lf", &f, &b[0], &b[1], &b[2], &b[3]) == 5) {
        g_hash_table_insert (a->boxes, GINT_TO_POINTER (f), b);
        a->frames++;
      } else {
        g_free (b);
      }
    }
  }
  if (dets) { /* MOT rows: frame,-1,x,y,w,h,score,... */
    FILE *f = fopen (dets, "r");
    if (!f) {
      fprintf (stderr, "attack_scenario: cannot read %s\n", dets);
      return 2;
    }
    GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
    char line[256];
    while (fgets (line, sizeof line, f)) {
      int fr, id;
      double b[4];
      if (sscanf (line, "%d,%d,%lf,%lf,%lf,%lf", &fr, &id, &b[0], &b[1], &b[2], &b[3]) != 6)
        continue;
      for (int i = 0; i < n; i++) {
        const double *g = g_hash_table_lookup (attacks[i].boxes, GINT_TO_POINTER (fr));
        gpointer key = GINT_TO_POINTER (fr * 16 + i);
        if (g && iou (g, b) >= 0.4 && !g_hash_table_contains (seen, key)) {
          g_hash_table_add (seen, key);
          attacks[i].detected++;
        }
      }
    }
    fclose (f);
    g_hash_table_destroy (seen);
  }
  GArray *ev_off = load_events (off), *ev_on = load_events (on);
  int genuine_off = 0, genuine_rejected = 0, genuine_missing = 0;
  for (guint i = 0; i < ev_off->len; i++) {
    const struct event *e = &g_array_index (ev_off, struct event, i);
    struct attack *a = attack_of (attacks, n, e);
    if (a) {
      a->off_violations++;
      continue;
    }
    genuine_off++;
    /* the same candidate with liveness on: same frame, rule and box (track
     * ids of people appearing in the same frame may come out in either order) */
    const struct event *m = NULL;
    for (guint k = 0; k < ev_on->len && !m; k++) {
      const struct event *o = &g_array_index (ev_on, struct event, k);
      if (o->frame == e->frame && !strcmp (o->type, e->type) && iou (o->box, e->box) >= 0.5)
        m = o;
    }
    if (!m)
      genuine_missing++;
    else if (!strcmp (m->decision, "rejected_flat"))
      genuine_rejected++, printf ("genuine rejected: frame %d track %d %s\n", e->frame, e->track, e->type);
  }
  for (guint i = 0; i < ev_on->len; i++) {
    const struct event *e = &g_array_index (ev_on, struct event, i);
    struct attack *a = attack_of (attacks, n, e);
    if (!a)
      continue;
    if (!strcmp (e->decision, "rejected_flat"))
      a->on_rejected++;
    else
      a->on_accepted++, printf ("attack accepted: %s #%d frame %d track %d verdict %s\n", a->type, a->id, e->frame,
                                e->track, e->verdict);
  }
  bool ok = true;
  printf ("%-11s %3s %7s %9s %10s %12s %12s\n", "attack", "id", "frames", "detected", "off:viol", "on:rejected",
          "on:accepted");
  for (int i = 0; i < n; i++) {
    struct attack *a = &attacks[i];
    printf ("%-11s %3d %7d %8.0f%% %10d %12d %12d\n", a->type, a->id, a->frames,
            a->frames ? 100.0 * a->detected / a->frames : 0, a->off_violations, a->on_rejected, a->on_accepted);
    if (dets && a->frames > 0 && a->detected * 2 < a->frames)
      ok = false; /* the detector did not fire on it: it proves nothing */
  }
  /* APCER per type: attack candidates (with liveness on) accepted as live or left uncertain */
  const char *seen_types[8];
  int n_types = 0;
  for (int i = 0; i < n; i++) {
    bool dup = false;
    for (int t = 0; t < n_types; t++)
      dup |= !strcmp (seen_types[t], attacks[i].type);
    if (!dup)
      seen_types[n_types++] = attacks[i].type;
  }
  for (int t = 0; t < n_types; t++) {
    int acc = 0, tot = 0, pres = 0, pres_acc = 0, off_viol = 0;
    for (int i = 0; i < n; i++)
      if (!strcmp (attacks[i].type, seen_types[t]) && attacks[i].frames > 0) { /* in the footage at all */
        acc += attacks[i].on_accepted;
        tot += attacks[i].on_accepted + attacks[i].on_rejected;
        pres++;
        pres_acc += attacks[i].on_accepted > 0;
        off_viol += attacks[i].off_violations;
      }
    printf ("APCER %-11s %5.1f%% of %d presentations, %5.1f%% of %d candidates\n", seen_types[t],
            pres ? 100.0 * pres_acc / pres : 0, pres, tot ? 100.0 * acc / tot : 0, tot);
    /* every type must reach the rules with liveness off (else it proves nothing) and be rejected with it on */
    ok = ok && acc == 0 && tot > 0 && off_viol > 0;
  }
  double bpcer = genuine_off ? 100.0 * genuine_rejected / genuine_off : 0;
  printf ("BPCER %.1f%% (%d of %d genuine violations rejected as flat; %d not matched)\n", bpcer, genuine_rejected,
          genuine_off, genuine_missing);
  ok = ok && bpcer <= 5.0 && genuine_missing == 0;
  for (int i = 0; i < n; i++)
    g_hash_table_destroy (attacks[i].boxes);
  g_free (attacks);
  g_array_free (ev_off, TRUE);
  g_array_free (ev_on, TRUE);
  g_object_unref (jp);
  if (require && !ok)
    printf ("targets NOT met\n");
  return require && !ok ? 1 : 0;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc >= 2 && !strcmp (argv[1], "make"))
    return cmd_make (argc, argv);
  if (argc >= 2 && !strcmp (argv[1], "score"))
    return cmd_score (argc, argv);
  fprintf (stderr, "usage: attack_scenario make|score ...\n");
  return 2;
}
