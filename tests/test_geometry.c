#include "zone_geom.h"

#include <glib.h>
#include <math.h>

static const struct zone_pt SQUARE[] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};

static void
contains_should_tell_inside_outside_and_edge (void)
{
  g_assert_true (zone_polygon_contains (SQUARE, 4, (struct zone_pt){5, 5}));
  g_assert_false (zone_polygon_contains (SQUARE, 4, (struct zone_pt){15, 5}));
  g_assert_false (zone_polygon_contains (SQUARE, 4, (struct zone_pt){-0.01, 5}));
  g_assert_true (zone_polygon_contains (SQUARE, 4, (struct zone_pt){10, 5})); /* on an edge */
  g_assert_true (zone_polygon_contains (SQUARE, 4, (struct zone_pt){0, 0}));  /* a vertex */
}

static void
contains_should_handle_concave_polygons (void)
{
  /* a U shape: the notch (4..6, 2..10) is outside */
  const struct zone_pt u[] = {{0, 0}, {10, 0}, {10, 10}, {6, 10}, {6, 2}, {4, 2}, {4, 10}, {0, 10}};
  g_assert_false (zone_polygon_contains (u, 8, (struct zone_pt){5, 5}));
  g_assert_true (zone_polygon_contains (u, 8, (struct zone_pt){2, 5}));
  g_assert_true (zone_polygon_contains (u, 8, (struct zone_pt){5, 1}));
}

static void
edge_distance_should_be_the_nearest_edge (void)
{
  g_assert_cmpfloat_with_epsilon (zone_polygon_edge_distance (SQUARE, 4, (struct zone_pt){5, 2}), 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (zone_polygon_edge_distance (SQUARE, 4, (struct zone_pt){13, 14}), 5.0, 1e-9);
}

static void
self_intersection_should_find_a_bow_tie (void)
{
  const struct zone_pt bow[] = {{0, 0}, {10, 10}, {10, 0}, {0, 10}};
  g_assert_true (zone_polygon_self_intersects (bow, 4));
  g_assert_false (zone_polygon_self_intersects (SQUARE, 4));
}

static void
homography_should_map_and_refuse_points_at_infinity (void)
{
  const double scale2[9] = {2, 0, 1, 0, 2, -1, 0, 0, 1};
  struct zone_pt out;
  g_assert_true (zone_homography_apply (scale2, (struct zone_pt){3, 4}, &out));
  g_assert_cmpfloat_with_epsilon (out.x, 7, 1e-12);
  g_assert_cmpfloat_with_epsilon (out.y, 7, 1e-12);
  const double horizon[9] = {1, 0, 0, 0, 1, 0, 0, 1, -100}; /* w = y - 100 */
  g_assert_false (zone_homography_apply (horizon, (struct zone_pt){0, 50}, &out));
  g_assert_true (zone_homography_apply (horizon, (struct zone_pt){0, 150}, &out));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/geometry/contains_should_tell_inside_outside_and_edge", contains_should_tell_inside_outside_and_edge);
  g_test_add_func ("/geometry/contains_should_handle_concave_polygons", contains_should_handle_concave_polygons);
  g_test_add_func ("/geometry/edge_distance_should_be_the_nearest_edge", edge_distance_should_be_the_nearest_edge);
  g_test_add_func ("/geometry/self_intersection_should_find_a_bow_tie", self_intersection_should_find_a_bow_tie);
  g_test_add_func ("/geometry/homography_should_map_and_refuse_points_at_infinity",
                   homography_should_map_and_refuse_points_at_infinity);
  return g_test_run ();
}
