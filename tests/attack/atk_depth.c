/* atk_depth — what a depth camera registered to the clip's camera would
 * see (`attack_scenario make --depth-out`): for every pixel the distance
 * along the optical axis to the surface drawn there, in the same painter's
 * order as the colour frame. The generator knows each surface: the ground
 * (the calibration's plane), the flat things it composites (prints, screens,
 * their housings and posts, vehicle faces and roofs: planes, 1 / Z affine in
 * the pixel over each), and people — the footage's (cut out with their
 * masks, standing where their feet are) and the synthetic walkers — given a
 * body's roundness: a vertical plane at their feet bulging towards the
 * camera by BODY_M at their centre line, as an elliptic cross-section.
 * Buildings and trees of the footage are left as the ground behind them
 * (what matters to the depth check is the person against the surfaces in
 * the same rows). Pixels whose ray misses the ground nearer than the
 * stream's range read 0, "no reading", as a real camera's do.
 *
 * While a layer is set (atk_depth_begin), the painters of atk_warp.c and
 * atk_make.c also write the depth of what they paint: the surface is set
 * by the caller before each paint. One generator process draws one frame
 * at a time, so the layer is this file's state. */
#include "atk.h"

#include <math.h>
#include <string.h>

/* Half a body's front-to-back depth: a person's surface is this much nearer
 * the camera at their centre line than at their outline. */
static const double BODY_M = 0.12;
/* The stream's unit and range: millimetres in 16 bits. */
#define DEPTH_MAX_MM 65535

static struct {
  const struct atk_site *site;
  float *z;            /* ATK_W * ATK_H metres, 0: no reading */
  double inv[3];       /* 1 / Z = inv[0] x + inv[1] y + inv[2] over the surface painted next */
  bool have_surface;
  bool body;           /* the surface is a person: bulge around column body_c */
  double body_c, body_half;
} layer;

/* D metres as the stream can hold it: 0 ("no reading") behind the camera or beyond its range. */
static float
readable (double d)
{
  return d > 0 && d * 1000 < DEPTH_MAX_MM ? (float) d : 0;
}

double
atk_depth_of (const struct atk_site *s, const double site_p[2], double z)
{
  double w[2];
  atk_site_to_world (s, site_p, w);
  return zone_camera_depth (&s->cam, w[0], w[1], z);
}

void
atk_depth_ground (const struct atk_site *s, float *z)
{
  for (int y = 0; y < ATK_H; y++)
    for (int x = 0; x < ATK_W; x++) {
      double g[2], w[2], d = 0;
      /* a ray above the horizon meets the plane behind the camera: negative depth */
      if (atk_unproject (s, x + 0.5, y + 0.5, g)) {
        atk_site_to_world (s, g, w);
        d = zone_camera_depth (&s->cam, w[0], w[1], 0);
      }
      z[(size_t) y * ATK_W + x] = readable (d);
    }
}

void
atk_depth_begin (const struct atk_site *s, float *z)
{
  memset (&layer, 0, sizeof layer);
  layer.site = s, layer.z = z;
}

void
atk_depth_end (void)
{
  memset (&layer, 0, sizeof layer);
}

bool
atk_depth_on (void)
{
  return layer.z != NULL;
}

static double
det3 (const double a[3][3])
{
  return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
         a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
}

/* The surface through three ground-frame points (X, Y, Z up, site frame for X, Y). */
static void
surface (const double p[3][3])
{
  const struct atk_site *s = layer.site;
  /* 1/Z affine in (u, v) over a plane: a (u, v, 1) = 1/Z at the three points, by Cramer's rule */
  double a[3][3], inv_z[3];
  for (int i = 0; i < 3; i++) {
    double d = atk_depth_of (s, p[i], p[i][2]);
    atk_project (s, p[i], p[i][2], &a[i][0], &a[i][1]);
    a[i][2] = 1, inv_z[i] = d > 1e-6 ? 1 / d : 0;
  }
  double det = det3 (a);
  layer.have_surface = fabs (det) > 1e-9;
  layer.body = false;
  if (!layer.have_surface)
    return;
  for (int c = 0; c < 3; c++) {
    double col[3][3]; /* column c replaced by the right-hand side */
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        col[i][j] = j == c ? inv_z[i] : a[i][j];
    layer.inv[c] = det3 (col) / det;
  }
}

void
atk_depth_rect (const struct atk_rect *r)
{
  if (!layer.z)
    return;
  if (hypot (r->b[0] - r->a[0], r->b[1] - r->a[1]) <= 0 || r->z1 - r->z0 <= 0) {
    layer.have_surface = false;
    return;
  }
  double p[3][3]; /* three of its corners: top left, top right, bottom left */
  atk_rect_point (r, 0, 0, p[0]);
  atk_rect_point (r, 1, 0, p[1]);
  atk_rect_point (r, 0, 1, p[2]);
  surface (p);
}

void
atk_depth_plane (const double p[3][3])
{
  if (layer.z)
    surface (p);
}

void
atk_depth_body (double centre, double half)
{
  layer.body = layer.have_surface && half > 0, layer.body_c = centre, layer.body_half = half;
}

void
atk_depth_put (int x, int y, double along)
{
  if (!layer.z || !layer.have_surface || x < 0 || y < 0 || x >= ATK_W || y >= ATK_H)
    return;
  double inv = layer.inv[0] * (x + 0.5) + layer.inv[1] * (y + 0.5) + layer.inv[2];
  if (inv <= 0)
    return;
  double d = 1 / inv;
  if (layer.body) {
    double t = (along - layer.body_c) / layer.body_half;
    d -= BODY_M * sqrt (fmax (0, 1 - t * t));
  }
  layer.z[(size_t) y * ATK_W + x] = readable (d);
}

void
atk_depth_to_mm (const float *z, guint16 *mm)
{
  for (size_t i = 0; i < (size_t) ATK_W * ATK_H; i++)
    mm[i] = z[i] > 0 ? (guint16) MIN (DEPTH_MAX_MM, lround (z[i] * 1000)) : 0;
}
