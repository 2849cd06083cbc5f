/* zone_geom — plane geometry for zones: polygons, the ground homography. */
#ifndef CW_ZONE_GEOM_H
#define CW_ZONE_GEOM_H

#include <stdbool.h>

struct zone_pt {
  double x, y;
};

/* Even-odd test; points on an edge count as inside. */
bool zone_polygon_contains (const struct zone_pt *poly, int n, struct zone_pt p);

/* Distance from P to the nearest edge of the polygon (same units). */
double zone_polygon_edge_distance (const struct zone_pt *poly, int n, struct zone_pt p);

/* True when two non-adjacent edges cross. */
bool zone_polygon_self_intersects (const struct zone_pt *poly, int n);

/* The enclosed area (shoelace formula; absolute, same units squared). */
double zone_polygon_area (const struct zone_pt *poly, int n);

/* True when the two polygons share any area or touch: a vertex of one inside
 * the other, or edges that cross. */
bool zone_polygons_overlap (const struct zone_pt *a, int na, const struct zone_pt *b, int nb);

/* Applies the row-major 3x3 homography H to P. Returns false when P maps to
 * infinity or behind the camera (w <= 0). */
bool zone_homography_apply (const double h[9], struct zone_pt p, struct zone_pt *out);

/* IN's N points through H into OUT. False (OUT partly written) when one of
 * them maps to infinity or behind the camera: the polygon has no ground. */
bool zone_polygon_apply_homography (const double h[9], const struct zone_pt *in, int n, struct zone_pt *out);

/* The inverse of the row-major 3x3 H (image <-> ground). False when H is
 * singular. */
bool zone_homography_invert (const double h[9], double out[9]);

#endif
