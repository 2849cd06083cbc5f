/* atk_site — the site's ground frame, from its config: the calibrated camera
 * (zone_camera.h), the carriageway, the crosswalk. ALONG runs along the road
 * (left to right in the picture), ACROSS from the crosswalk's far end (0)
 * towards the camera; the lanes are 2 m either side of the line 35 % of the
 * way across from the far kerb (a two-lane road; the rest of the carriageway
 * is kerbside room for stands and people). */
#include "atk.h"
#include "zone_geom.h"

#include <math.h>
#include <string.h>

void
atk_site_to_world (const struct atk_site *s, const double p[2], double out[2])
{
  out[0] = s->origin[0] + s->along[0] * p[0] + s->across[0] * p[1];
  out[1] = s->origin[1] + s->along[1] * p[0] + s->across[1] * p[1];
}

void
atk_site_from_world (const struct atk_site *s, const double g[2], double out[2])
{
  double dx = g[0] - s->origin[0], dy = g[1] - s->origin[1];
  out[0] = dx * s->along[0] + dy * s->along[1];
  out[1] = dx * s->across[0] + dy * s->across[1];
}

bool
atk_project (const struct atk_site *s, const double p[2], double z, double *u, double *v)
{
  double g[2];
  atk_site_to_world (s, p, g);
  if (zone_camera_project (&s->cam, g[0], g[1], z, u, v))
    return true;
  *u = *v = -1e4;
  return false;
}

bool
atk_unproject (const struct atk_site *s, double u, double v, double out[2])
{
  struct zone_pt g;
  if (!zone_homography_apply (s->to_ground, (struct zone_pt){u, v}, &g))
    return false;
  atk_site_from_world (s, (double[2]){g.x, g.y}, out);
  return true;
}

/* The centre of projection on the ground: P [X Y Z 1]^T = 0 solved for X, Y, Z. */
static void
camera_position (const struct zone_camera *cam, double out[2])
{
  double m[3][4];
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++)
      m[i][j] = cam->p[i * 4 + j];
    m[i][3] = -cam->p[i * 4 + 3];
  }
  for (int c = 0; c < 3; c++)
    for (int r = 0; r < 3; r++)
      if (r != c) {
        double f = m[r][c] / m[c][c];
        for (int j = 0; j < 4; j++)
          m[r][j] -= f * m[c][j];
      }
  out[0] = m[0][3] / m[0][0], out[1] = m[1][3] / m[1][1];
}

static struct zone_pt
zpt (const double p[2])
{
  return (struct zone_pt){p[0], p[1]};
}

static const struct atk_poly *
zone_of (const struct atk_site *s, int kind)
{
  for (int i = 0; i < s->n_zones; i++)
    if (s->zones[i].kind == kind)
      return &s->zones[i];
  return NULL;
}

bool
atk_site_init (struct atk_site *s, const struct hwcfg *cfg, GError **error)
{
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, NULL);
  if (!cam || !cam->has_homography ||
      !zone_camera_from_homography (cam->homography, ATK_W, ATK_H, cam->focal_px, &s->cam)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "the camera needs a ground calibration");
    return false;
  }
  memcpy (s->to_ground, cam->homography, sizeof s->to_ground);
  const struct hwcfg_zone *walk = NULL;
  for (int i = 0; i < cfg->n_zones; i++)
    if (cfg->zones[i].kind == HWCFG_ZONE_CROSSWALK && !walk)
      walk = &cfg->zones[i];
  if (!walk || walk->n_points != 4) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "the config needs a 4-corner crosswalk");
    return false;
  }
  /* the frame: across runs along the crosswalk (its far end to its near end), along the road across it */
  double w[4][2];
  for (int i = 0; i < 4; i++) {
    struct zone_pt g;
    zone_homography_apply (cam->homography, (struct zone_pt){walk->polygon[i].x, walk->polygon[i].y}, &g);
    w[i][0] = g.x, w[i][1] = g.y;
  }
  double far[2] = {(w[0][0] + w[1][0]) / 2, (w[0][1] + w[1][1]) / 2};
  double near[2] = {(w[2][0] + w[3][0]) / 2, (w[2][1] + w[3][1]) / 2};
  double cx = near[0] - far[0], cy = near[1] - far[1];
  s->road_width = hypot (cx, cy);
  s->origin[0] = far[0], s->origin[1] = far[1];
  s->across[0] = cx / s->road_width, s->across[1] = cy / s->road_width;
  s->along[0] = -s->across[1], s->along[1] = s->across[0];
  double ul, ur, v;
  atk_project (s, (double[2]){-1, s->road_width / 2}, 0, &ul, &v);
  atk_project (s, (double[2]){1, s->road_width / 2}, 0, &ur, &v);
  if (ur < ul) /* along grows to the picture's right */
    s->along[0] = -s->along[0], s->along[1] = -s->along[1];
  double cam_g[2];
  camera_position (&s->cam, cam_g);
  atk_site_from_world (s, cam_g, s->camera);

  s->crosswalk_half = 0;
  for (int i = 0; i < 4; i++) {
    double p[2];
    atk_site_from_world (s, w[i], p);
    s->crosswalk_half = fmax (s->crosswalk_half, fabs (p[0]));
  }
  double mid = 0.35 * s->road_width;
  s->lane[0] = mid - 2.0, s->lane[1] = mid + 2.0;
  s->stop_gap = 1.5;

  s->n_zones = 0;
  for (int i = 0; i < cfg->n_zones && s->n_zones < (int) G_N_ELEMENTS (s->zones); i++) {
    const struct hwcfg_zone *z = &cfg->zones[i];
    struct atk_poly *pz = &s->zones[s->n_zones++];
    pz->kind = z->kind;
    pz->n = MIN (z->n_points, (int) G_N_ELEMENTS (pz->p));
    for (int k = 0; k < pz->n; k++) {
      struct zone_pt g;
      zone_homography_apply (cam->homography, (struct zone_pt){z->polygon[k].x, z->polygon[k].y}, &g);
      atk_site_from_world (s, (double[2]){g.x, g.y}, pz->p[k]);
      pz->img[k][0] = z->polygon[k].x, pz->img[k][1] = z->polygon[k].y;
    }
  }
  if (!zone_of (s, HWCFG_ZONE_CARRIAGEWAY)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "the config needs a carriageway");
    return false;
  }
  return true;
}

/* Signed distance to the polygon's edge: positive inside. */
static double
poly_depth (const struct atk_poly *z, const double p[2])
{
  struct zone_pt pts[32];
  for (int i = 0; i < z->n; i++)
    pts[i] = zpt (z->p[i]);
  double d = zone_polygon_edge_distance (pts, z->n, zpt (p));
  return zone_polygon_contains (pts, z->n, zpt (p)) ? d : -d;
}

double
atk_site_road_depth (const struct atk_site *s, const double p[2])
{
  double best = -1e9;
  for (int i = 0; i < s->n_zones; i++)
    if (s->zones[i].kind == HWCFG_ZONE_CARRIAGEWAY)
      best = fmax (best, poly_depth (&s->zones[i], p));
  return best;
}

bool
atk_site_in_zone (const struct atk_site *s, const double p[2], int kind, double margin)
{
  for (int i = 0; i < s->n_zones; i++)
    if (s->zones[i].kind == kind && poly_depth (&s->zones[i], p) >= -margin)
      return true;
  return false;
}

bool
atk_site_in_picture (const struct atk_site *s, const double p[2], double z, double margin)
{
  double u, v;
  return atk_project (s, p, z, &u, &v) && u >= margin && v >= margin && u <= ATK_W - margin && v <= ATK_H - margin;
}
