/* live_depth — depth relief of a person seen by a rectified stereo pair
 * (the depth check of live_check.h, and its measurement for tests). */
#ifndef CW_LIVE_DEPTH_H
#define CW_LIVE_DEPTH_H

#include "cv_shim.h"

#include <stdbool.h>

struct live_depth {
  double distance_m;  /* median distance of the person */
  double relief_m;    /* median depth residual of the person against the plane of person and ring */
  double in_front_m;  /* median distance the person stands in front of the ring's own plane */
  double valid_share; /* share of the person's pixels the matcher matched */
  double upper_m;     /* median distance of the person's upper half */
  double lower_m;     /* ... and of its lower half */
  /* the plane most of the whole box lies on (within 3 cm): a picture's panel fills it */
  double plane_m;        /* its median distance */
  double plane_share;    /* share of the box on it */
  double in_front_share; /* share of the box nearer than it by 0.3 m or more */
  double above_share;    /* share of a strip above the box on it */
  /* what of the box stands out of its surroundings (0.3 m or more nearer
   * than the ring's plane): a body, a standee, a screen on its stand */
  double standing_share; /* share of the box */
  double bulge_m;        /* how much nearer its middle is than its sides (a quadratic across its width): a body's
                          * roundness; 0 for a flat cut-out or a screen; NaN when too little stands out */
  double spread_m;       /* how far off that quadratic a quarter of it is: one surface or several */
};

/* Measures the person in BOX (left image pixels) of the grey rectified pair
 * LEFT/RIGHT. False (OUT's values NaN) when the box is too small or too
 * little of it was matched. */
bool live_depth_measure (const struct cv_image *left, const struct cv_image *right, const float box[4], double focal_px,
                         double baseline_m, int max_disparity, struct live_depth *out);

/* A depth camera's frame, registered to the colour camera's pixels. */
struct live_depth_map {
  const unsigned short *data; /* 16-bit depth, 0 = no reading */
  int width, height, stride;  /* stride in elements */
  double scale_m;             /* metres per unit (0.001: millimetres) */
  double max_range_m;         /* beyond this the camera's depth cannot show a body's relief */
};

/* The same measurement from a depth map. */
bool live_depth_measure_map (const struct live_depth_map *map, const float box[4], struct live_depth *out);

#endif
