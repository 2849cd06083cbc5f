#include "zone_camera.h"

#include "zone_geom.h"

#include <math.h>
#include <string.h>

/* Focal length from the homography G = K [r1 r2 t] (ground -> image) with the
 * principal point (cx, cy): each of the two constraints gives f^2; the better
 * conditioned one (larger denominator) wins, and only positive values count. */
static double
estimate_focal (const double g[9], double cx, double cy)
{
  double u1 = g[0] - cx * g[6], v1 = g[3] - cy * g[6], w1 = g[6];
  double u2 = g[1] - cx * g[7], v2 = g[4] - cy * g[7], w2 = g[7];
  double best = NAN, best_den = 0;
  double den = w1 * w2, num = -(u1 * u2 + v1 * v2);
  if (fabs (den) > 1e-18 && num / den > 0) {
    best = sqrt (num / den);
    best_den = fabs (den);
  }
  den = w1 * w1 - w2 * w2;
  num = -(u1 * u1 + v1 * v1 - u2 * u2 - v2 * v2);
  if (fabs (den) > 1e-18 && num / den > 0 && (isnan (best) || fabs (den) > best_den))
    best = sqrt (num / den);
  return best;
}

bool
zone_camera_from_homography (const double h[9], int width, int height, double focal_px, struct zone_camera *cam)
{
  double g[9];
  if (width <= 0 || height <= 0 || !zone_homography_invert (h, g))
    return false;
  double cx = width / 2.0, cy = height / 2.0;
  double f = focal_px > 0 ? focal_px : estimate_focal (g, cx, cy);
  if (!(f > 0) || !isfinite (f))
    return false;
  /* K^-1 G = lambda [r1 r2 t] */
  double a[3], b[3], t[3];
  const double *col[3] = {a, b, t};
  for (int j = 0; j < 3; j++) {
    double *c = (double *) col[j];
    c[0] = (g[j] - cx * g[6 + j]) / f;
    c[1] = (g[3 + j] - cy * g[6 + j]) / f;
    c[2] = g[6 + j];
  }
  double lambda = 2.0 / (sqrt (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) + sqrt (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]));
  /* The ground seen at the image centre must be in front of the camera. */
  struct zone_pt centre;
  if (!zone_homography_apply (h, (struct zone_pt){cx, cy}, &centre))
    return false;
  if ((a[2] * centre.x + b[2] * centre.y + t[2]) * lambda < 0)
    lambda = -lambda;
  double r1[3], r2[3], r3[3], tt[3];
  for (int i = 0; i < 3; i++) {
    r1[i] = lambda * a[i];
    r2[i] = lambda * b[i];
    tt[i] = lambda * t[i];
  }
  r3[0] = r1[1] * r2[2] - r1[2] * r2[1];
  r3[1] = r1[2] * r2[0] - r1[0] * r2[2];
  r3[2] = r1[0] * r2[1] - r1[1] * r2[0];
  /* Camera centre C = -R^T t; Z points up when the camera is above the ground. */
  double cz = -(r3[0] * tt[0] + r3[1] * tt[1] + r3[2] * tt[2]);
  if (cz < 0) {
    for (int i = 0; i < 3; i++)
      r3[i] = -r3[i];
    cz = -cz;
  }
  const double k[9] = {f, 0, cx, 0, f, cy, 0, 0, 1};
  for (int i = 0; i < 3; i++) {
    const double rt[4][3] = {{r1[0], r1[1], r1[2]}, {r2[0], r2[1], r2[2]}, {r3[0], r3[1], r3[2]}, {tt[0], tt[1], tt[2]}};
    for (int j = 0; j < 4; j++)
      cam->p[i * 4 + j] = k[i * 3 + 0] * rt[j][0] + k[i * 3 + 1] * rt[j][1] + k[i * 3 + 2] * rt[j][2];
  }
  memcpy (cam->to_ground, h, sizeof cam->to_ground);
  cam->focal_px = f;
  cam->height_m = cz;
  return true;
}

bool
zone_camera_project (const struct zone_camera *cam, double x, double y, double z, double *u, double *v)
{
  const double *p = cam->p;
  double w = p[8] * x + p[9] * y + p[10] * z + p[11];
  if (w <= 1e-9)
    return false;
  *u = (p[0] * x + p[1] * y + p[2] * z + p[3]) / w;
  *v = (p[4] * x + p[5] * y + p[6] * z + p[7]) / w;
  return true;
}

double
zone_camera_depth (const struct zone_camera *cam, double x, double y, double z)
{
  /* P = K [R | t] up to a positive scale (project: w > 0 in front): its
   * last row is the optical axis's direction and offset, scaled */
  const double *p = cam->p;
  return (p[8] * x + p[9] * y + p[10] * z + p[11]) / sqrt (p[8] * p[8] + p[9] * p[9] + p[10] * p[10]);
}

double
zone_camera_height (const struct zone_camera *cam, double foot_u, double foot_v, double head_v)
{
  struct zone_pt gp;
  if (!zone_homography_apply (cam->to_ground, (struct zone_pt){foot_u, foot_v}, &gp))
    return NAN;
  const double *p = cam->p;
  /* v = (p4 X + p5 Y + p6 Z + p7) / (p8 X + p9 Y + p10 Z + p11), solved for Z */
  double ny = p[4] * gp.x + p[5] * gp.y + p[7];
  double nw = p[8] * gp.x + p[9] * gp.y + p[11];
  double den = p[6] - head_v * p[10];
  if (fabs (den) < 1e-12 || nw <= 0)
    return NAN;
  return (head_v * nw - ny) / den;
}

double
zone_camera_person_px (const struct zone_camera *cam, double foot_u, double foot_v, double height_m)
{
  struct zone_pt gp;
  double u, v_foot, v_head;
  if (!zone_homography_apply (cam->to_ground, (struct zone_pt){foot_u, foot_v}, &gp) ||
      !zone_camera_project (cam, gp.x, gp.y, 0, &u, &v_foot) || !zone_camera_project (cam, gp.x, gp.y, height_m, &u, &v_head))
    return NAN;
  double px = v_foot - v_head;
  return px > 0 ? px : NAN;
}
