/* atk_solid — things standing on the ground, as the camera sees them:
 * vertical rectangles (prints, screens, vehicle faces) and boxes (vehicle
 * bodies), in the site frame. Which of two things is in front: two vertical
 * prisms whose footprints are apart are split by a line on the ground; the
 * one on the camera's side of it is never hidden by the other (every ray
 * from the camera to it stays on that side), so it is drawn later. */
#include "atk.h"

#include <math.h>

static void
normal_of (const double a[2], const double b[2], double n[2])
{
  double dx = b[0] - a[0], dy = b[1] - a[1], l = hypot (dx, dy);
  n[0] = l > 0 ? -dy / l : 0, n[1] = l > 0 ? dx / l : 0;
}

void
atk_rect_point (const struct atk_rect *r, double fx, double fy, double out[3])
{
  double n[2];
  normal_of (r->a, r->b, n);
  double lean = r->lean * (1 - fy);
  out[0] = r->a[0] + (r->b[0] - r->a[0]) * fx + n[0] * lean;
  out[1] = r->a[1] + (r->b[1] - r->a[1]) * fx + n[1] * lean;
  out[2] = r->z1 - (r->z1 - r->z0) * fy;
}

static void
project3 (const struct atk_site *s, const double p[3], double *u, double *v)
{
  atk_project (s, p, p[2], u, v);
}

void
atk_rect_quad (const struct atk_site *s, const struct atk_rect *r, double q[8])
{
  static const double f[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  for (int i = 0; i < 4; i++) {
    double p[3];
    atk_rect_point (r, f[i][0], f[i][1], p);
    project3 (s, p, &q[2 * i], &q[2 * i + 1]);
  }
}

void
atk_rect_map_box (const struct atk_site *s, const struct atk_rect *r, double pw, double ph, const double part[4],
                  double box[4])
{
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (int i = 0; i < 4; i++) {
    double fx = (part[0] + (i % 2 ? part[2] : 0)) / pw, fy = (part[1] + (i / 2 ? part[3] : 0)) / ph, p[3], u, v;
    atk_rect_point (r, fx, fy, p);
    project3 (s, p, &u, &v);
    x0 = fmin (x0, u), y0 = fmin (y0, v), x1 = fmax (x1, u), y1 = fmax (y1, v);
  }
  box[0] = x0, box[1] = y0, box[2] = x1 - x0, box[3] = y1 - y0;
}

void
atk_left_to_right (const struct atk_site *s, double a[2], double b[2])
{
  double ua, ub, v;
  atk_project (s, a, 0, &ua, &v);
  atk_project (s, b, 0, &ub, &v);
  if (ua > ub) {
    double t[2] = {a[0], a[1]};
    a[0] = b[0], a[1] = b[1], b[0] = t[0], b[1] = t[1];
  }
}

void
atk_facing (const struct atk_site *s, const double p[2], double w, double a[2], double b[2])
{
  double dx = s->camera[0] - p[0], dy = s->camera[1] - p[1], n = hypot (dx, dy);
  double tx = -dy / n, ty = dx / n;
  a[0] = p[0] - tx * w / 2, a[1] = p[1] - ty * w / 2;
  b[0] = p[0] + tx * w / 2, b[1] = p[1] + ty * w / 2;
  atk_left_to_right (s, a, b);
}

/* ---- prisms ---- */

void
atk_prism_corners (const struct atk_prism *p, double out[4][2])
{
  double n[2] = {-p->d[1], p->d[0]}, l = p->len / 2, w = p->wid / 2;
  const double sl[4] = {-1, 1, 1, -1}, sw[4] = {-1, -1, 1, 1}; /* rear right, front right, front left, rear left */
  for (int i = 0; i < 4; i++) {
    out[i][0] = p->c[0] + p->d[0] * l * sl[i] + n[0] * w * sw[i];
    out[i][1] = p->c[1] + p->d[1] * l * sl[i] + n[1] * w * sw[i];
  }
}

static void
face_ends (const struct atk_prism *p, enum atk_face f, double start[2], double dir[2], double outward[2])
{
  double k[4][2], n[2] = {-p->d[1], p->d[0]};
  atk_prism_corners (p, k);
  switch (f) {
  case ATK_LEFT: /* from the rear left corner forwards */
    start[0] = k[3][0], start[1] = k[3][1], dir[0] = p->d[0], dir[1] = p->d[1];
    outward[0] = n[0], outward[1] = n[1];
    break;
  case ATK_RIGHT:
    start[0] = k[0][0], start[1] = k[0][1], dir[0] = p->d[0], dir[1] = p->d[1];
    outward[0] = -n[0], outward[1] = -n[1];
    break;
  case ATK_FRONT: /* from the front right corner to the left */
    start[0] = k[1][0], start[1] = k[1][1], dir[0] = n[0], dir[1] = n[1];
    outward[0] = p->d[0], outward[1] = p->d[1];
    break;
  default: /* rear: from the rear left corner to the right */
    start[0] = k[3][0], start[1] = k[3][1], dir[0] = -n[0], dir[1] = -n[1];
    outward[0] = -p->d[0], outward[1] = -p->d[1];
    break;
  }
}

void
atk_prism_face (const struct atk_site *s, const struct atk_prism *p, enum atk_face f, double x0, double x1, double z0,
                double z1, struct atk_rect *out)
{
  double st[2], dir[2], ow[2];
  face_ends (p, f, st, dir, ow);
  out->a[0] = st[0] + dir[0] * x0, out->a[1] = st[1] + dir[1] * x0;
  out->b[0] = st[0] + dir[0] * x1, out->b[1] = st[1] + dir[1] * x1;
  out->z0 = z0, out->z1 = z1, out->lean = 0;
  atk_left_to_right (s, out->a, out->b);
}

bool
atk_prism_face_visible (const struct atk_site *s, const struct atk_prism *p, enum atk_face f)
{
  double st[2], dir[2], ow[2];
  face_ends (p, f, st, dir, ow);
  double len = (f == ATK_LEFT || f == ATK_RIGHT) ? p->len : p->wid;
  double cx = st[0] + dir[0] * len / 2, cy = st[1] + dir[1] * len / 2;
  return ow[0] * (s->camera[0] - cx) + ow[1] * (s->camera[1] - cy) > 0;
}

enum atk_face
atk_prism_seen_side (const struct atk_site *s, const struct atk_prism *p)
{
  return atk_prism_face_visible (s, p, ATK_LEFT) ? ATK_LEFT : ATK_RIGHT;
}

bool
atk_prism_image_box (const struct atk_site *s, const struct atk_prism *p, double box[4])
{
  double k[4][2], x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  bool ok = true;
  atk_prism_corners (p, k);
  for (int i = 0; i < 8; i++) {
    double u, v;
    ok = atk_project (s, k[i % 4], i < 4 ? p->z0 : p->z1, &u, &v) && ok;
    x0 = fmin (x0, u), y0 = fmin (y0, v), x1 = fmax (x1, u), y1 = fmax (y1, v);
  }
  box[0] = x0, box[1] = y0, box[2] = x1 - x0, box[3] = y1 - y0;
  return ok;
}

/* ---- footprints ---- */

void
atk_foot_of_prism (const struct atk_prism *p, double margin, struct atk_foot *out)
{
  struct atk_prism q = *p;
  q.len += 2 * margin, q.wid += 2 * margin;
  atk_prism_corners (&q, out->p);
}

void
atk_foot_square (const double c[2], double half, struct atk_foot *out)
{
  const double sx[4] = {-1, 1, 1, -1}, sy[4] = {-1, -1, 1, 1};
  for (int i = 0; i < 4; i++)
    out->p[i][0] = c[0] + half * sx[i], out->p[i][1] = c[1] + half * sy[i];
}

static void
extent (const struct atk_foot *f, const double ax[2], double *lo, double *hi)
{
  *lo = 1e18, *hi = -1e18;
  for (int i = 0; i < 4; i++) {
    double t = f->p[i][0] * ax[0] + f->p[i][1] * ax[1];
    *lo = fmin (*lo, t), *hi = fmax (*hi, t);
  }
}

/* A separating axis of A and B (an edge normal of either); false when they overlap. */
static bool
separating_axis (const struct atk_foot *a, const struct atk_foot *b, double ax[2], double *alo, double *ahi,
                 double *blo, double *bhi)
{
  for (int k = 0; k < 8; k++) {
    const struct atk_foot *f = k < 4 ? a : b;
    int i = k % 4;
    normal_of (f->p[i], f->p[(i + 1) % 4], ax);
    if (ax[0] == 0 && ax[1] == 0)
      continue;
    extent (a, ax, alo, ahi);
    extent (b, ax, blo, bhi);
    if (*ahi < *blo || *bhi < *alo)
      return true;
  }
  return false;
}

bool
atk_foot_overlap (const struct atk_foot *a, const struct atk_foot *b)
{
  double ax[2], al, ah, bl, bh;
  return !separating_axis (a, b, ax, &al, &ah, &bl, &bh);
}

int
atk_foot_order (const struct atk_site *s, const struct atk_foot *a, const struct atk_foot *b)
{
  double ax[2], al, ah, bl, bh;
  if (!separating_axis (a, b, ax, &al, &ah, &bl, &bh))
    return 0;
  double c = s->camera[0] * ax[0] + s->camera[1] * ax[1];
  double cut = ah < bl ? (ah + bl) / 2 : (bh + al) / 2;
  bool a_low = ah < bl, cam_low = c < cut;
  return a_low == cam_low ? 1 : -1;
}

double
atk_foot_distance (const struct atk_site *s, const struct atk_foot *f)
{
  double best = 1e18;
  for (int i = 0; i < 4; i++)
    best = fmin (best, hypot (f->p[i][0] - s->camera[0], f->p[i][1] - s->camera[1]));
  return best;
}
