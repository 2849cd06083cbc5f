#include "zone_geom.h"

#include <math.h>

bool
zone_polygon_contains (const struct zone_pt *poly, int n, struct zone_pt p)
{
  bool inside = false;
  for (int i = 0, j = n - 1; i < n; j = i++) {
    struct zone_pt a = poly[i], b = poly[j];
    /* on the edge: collinear and within the segment's bounding box */
    double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    if (fabs (cross) < 1e-9 && p.x >= fmin (a.x, b.x) && p.x <= fmax (a.x, b.x) &&
        p.y >= fmin (a.y, b.y) && p.y <= fmax (a.y, b.y))
      return true;
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
      inside = !inside;
  }
  return inside;
}

static double
segment_distance (struct zone_pt a, struct zone_pt b, struct zone_pt p)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = fmax (0, fmin (1, t));
  return hypot (a.x + t * dx - p.x, a.y + t * dy - p.y);
}

double
zone_polygon_edge_distance (const struct zone_pt *poly, int n, struct zone_pt p)
{
  double best = INFINITY;
  for (int i = 0, j = n - 1; i < n; j = i++)
    best = fmin (best, segment_distance (poly[j], poly[i], p));
  return best;
}

static double
orient (struct zone_pt a, struct zone_pt b, struct zone_pt c)
{
  return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

static bool
segments_cross (struct zone_pt a, struct zone_pt b, struct zone_pt c, struct zone_pt d)
{
  double o1 = orient (a, b, c), o2 = orient (a, b, d), o3 = orient (c, d, a), o4 = orient (c, d, b);
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

bool
zone_polygon_self_intersects (const struct zone_pt *poly, int n)
{
  for (int i = 0; i < n; i++) {
    for (int j = i + 2; j < n; j++) {
      if (i == 0 && j == n - 1)
        continue; /* adjacent through the closing edge */
      if (segments_cross (poly[i], poly[(i + 1) % n], poly[j], poly[(j + 1) % n]))
        return true;
    }
  }
  return false;
}

double
zone_polygon_area (const struct zone_pt *poly, int n)
{
  double twice = 0;
  for (int i = 0; i < n; i++) {
    struct zone_pt a = poly[i], b = poly[(i + 1) % n];
    twice += a.x * b.y - b.x * a.y;
  }
  return fabs (twice) / 2;
}

bool
zone_polygons_overlap (const struct zone_pt *a, int na, const struct zone_pt *b, int nb)
{
  if (na > 0 && zone_polygon_contains (b, nb, a[0]))
    return true;
  if (nb > 0 && zone_polygon_contains (a, na, b[0]))
    return true;
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++)
      if (segments_cross (a[i], a[(i + 1) % na], b[j], b[(j + 1) % nb]))
        return true;
  return false;
}

bool
zone_homography_apply (const double h[9], struct zone_pt p, struct zone_pt *out)
{
  double w = h[6] * p.x + h[7] * p.y + h[8];
  if (!(w > 1e-12))
    return false;
  out->x = (h[0] * p.x + h[1] * p.y + h[2]) / w;
  out->y = (h[3] * p.x + h[4] * p.y + h[5]) / w;
  return true;
}

bool
zone_polygon_apply_homography (const double h[9], const struct zone_pt *in, int n, struct zone_pt *out)
{
  for (int k = 0; k < n; k++)
    if (!zone_homography_apply (h, in[k], &out[k]))
      return false;
  return true;
}

bool
zone_homography_invert (const double m[9], double out[9])
{
  double c0 = m[4] * m[8] - m[5] * m[7], c1 = m[5] * m[6] - m[3] * m[8], c2 = m[3] * m[7] - m[4] * m[6];
  double det = m[0] * c0 + m[1] * c1 + m[2] * c2;
  if (fabs (det) < 1e-15)
    return false;
  out[0] = c0 / det;
  out[1] = (m[2] * m[7] - m[1] * m[8]) / det;
  out[2] = (m[1] * m[5] - m[2] * m[4]) / det;
  out[3] = c1 / det;
  out[4] = (m[0] * m[8] - m[2] * m[6]) / det;
  out[5] = (m[2] * m[3] - m[0] * m[5]) / det;
  out[6] = c2 / det;
  out[7] = (m[1] * m[6] - m[0] * m[7]) / det;
  out[8] = (m[0] * m[4] - m[1] * m[3]) / det;
  return true;
}
