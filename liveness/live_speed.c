/* The speed check: a person on foot moves over the ground at walking or
 * running speed. A poster or a screen stays put (no displacement over the
 * window); a print on a vehicle moves at vehicle speed. */
#include "live_check.h"

#include <math.h>
#include <stdio.h>

/* Less history than this says nothing about speed. */
static const double MIN_SPAN_S = 0.8;

void
live_check_speed (const struct live_history *h, const struct hwcfg_liveness *p,
                  struct live_check_result *out)
{
  out->name = "speed";
  int first = -1, last = -1;
  for (int i = 0; i < h->n; i++) {
    if (!h->samples[i].has_ground)
      continue;
    if (first < 0)
      first = i;
    last = i;
  }
  if (first < 0 || h->samples[last].t_s - h->samples[first].t_s < MIN_SPAN_S) {
    out->verdict = LIVE_UNCERTAIN;
    out->score = 0.5;
    snprintf (out->detail, sizeof out->detail, "\"reason\":\"too little calibrated history\"");
    return;
  }
  const struct live_sample *a = &h->samples[first], *b = &h->samples[last];
  double span = b->t_s - a->t_s;
  double displacement = hypot (b->ground_x - a->ground_x, b->ground_y - a->ground_y);
  double speed = displacement / span; /* net speed: jitter of the foot point does not add up */

  if (speed > p->max_speed_mps) {
    out->verdict = LIVE_FLAT;
    out->score = 0;
  } else if (displacement < p->min_displacement_m && span >= p->window_s * 0.9) {
    out->verdict = LIVE_FLAT; /* a whole window without moving: a static image */
    out->score = 0.1;
  } else if (speed < p->min_speed_mps) {
    out->verdict = LIVE_UNCERTAIN;
    out->score = 0.4;
  } else {
    out->verdict = LIVE_LIVE;
    /* most confident around normal walking pace (1-2 m/s) */
    out->score = speed <= 2.5 ? 1.0 : fmax (0.6, 1.0 - (speed - 2.5) / (p->max_speed_mps - 2.5) * 0.4);
  }
  snprintf (out->detail, sizeof out->detail,
            "\"speed_mps\":%.2f,\"displacement_m\":%.2f,\"span_s\":%.2f", speed, displacement, span);
}
