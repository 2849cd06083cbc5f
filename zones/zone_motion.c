#include "zone_motion.h"

#include <math.h>

void
zone_motion_add (struct zone_motion *m, double t_s, struct zone_pt ground_m)
{
  int k = m->n % ZONE_MOTION_SAMPLES;
  m->t[k] = t_s;
  m->p[k] = ground_m;
  m->n++;
}

bool
zone_motion_last (const struct zone_motion *m, double *out_t_s, struct zone_pt *out_ground_m)
{
  if (m->n == 0)
    return false;
  int k = (m->n - 1) % ZONE_MOTION_SAMPLES;
  *out_t_s = m->t[k];
  *out_ground_m = m->p[k];
  return true;
}

bool
zone_motion_get (const struct zone_motion *m, double window_s, double *out_speed_mps, double *out_heading_deg)
{
  if (m->n < 2)
    return false;
  int newest = (m->n - 1) % ZONE_MOTION_SAMPLES;
  int kept = m->n < ZONE_MOTION_SAMPLES ? m->n : ZONE_MOTION_SAMPLES;
  int oldest = newest;
  /* walk back to the oldest sample inside the window */
  for (int i = 1; i < kept; i++) {
    int k = (m->n - 1 - i) % ZONE_MOTION_SAMPLES;
    if (m->t[newest] - m->t[k] > window_s)
      break;
    oldest = k;
  }
  double span = m->t[newest] - m->t[oldest];
  if (span < window_s / 2)
    return false;
  double dx = m->p[newest].x - m->p[oldest].x, dy = m->p[newest].y - m->p[oldest].y;
  *out_speed_mps = hypot (dx, dy) / span;
  double heading = atan2 (dy, dx) * 180 / M_PI;
  *out_heading_deg = heading < 0 ? heading + 360 : heading;
  return true;
}
