/* zone_motion — a track's ground speed and heading from its recent ground
 * positions (net displacement over about a second, so foot-point jitter
 * does not add up to speed). */
#ifndef CW_ZONE_MOTION_H
#define CW_ZONE_MOTION_H

#include "zone_geom.h"

#include <stdbool.h>

#define ZONE_MOTION_SAMPLES 32

struct zone_motion {
  double t[ZONE_MOTION_SAMPLES];
  struct zone_pt p[ZONE_MOTION_SAMPLES];
  int n; /* samples written in all; the ring holds the last ZONE_MOTION_SAMPLES */
};

void zone_motion_add (struct zone_motion *m, double t_s, struct zone_pt ground_m);

/* Speed (m/s) and heading (degrees, 0 = ground +X, counter-clockwise) over
 * the last WINDOW_S seconds. FALSE when the samples span less than half the
 * window. */
bool zone_motion_get (const struct zone_motion *m, double window_s, double *out_speed_mps, double *out_heading_deg);

/* The newest sample; FALSE when there is none. */
bool zone_motion_last (const struct zone_motion *m, double *out_t_s, struct zone_pt *out_ground_m);

#endif
