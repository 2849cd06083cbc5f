/* The speed check: a person on foot moves over the ground at walking or
 * running speed, and not with a vehicle it stands in, at its speed (a print
 * on a bus side moves exactly with the bus; a walker passing a crawling
 * vehicle may match its speed, not its velocity). Speed is net
 * (live_net_motion): the foot point's jitter does not add up to walking. */
#include "live_check.h"

#include "live_objects.h"

#include <math.h>

/* Less history than this says nothing about speed. */
static const double MIN_SPAN_S = 0.5;

/* A carrier's speed and the candidate's agree within this (m/s or share). */
static const double SAME_SPEED_MPS = 0.6, SAME_SPEED_SHARE = 0.25;

bool
live_check_speed (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out)
{
  const struct hwcfg_liveness *p = ctx->params;
  out->name = "speed";
  struct live_net_motion net;
  bool known = live_net_motion (h, p->window_s, &net);
  double speed = net.speed_mps;
  if (!known || net.span_s < MIN_SPAN_S) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"too little calibrated history\"");
    out->needs_history = true;
    out->why = "seen for too short a time to measure their speed";
    return true;
  }
  const struct live_sample *b = &h->samples[h->n - 1];

  struct live_object carrier;
  double v[2];
  bool has_v = ctx->objects && live_box_velocity (h, &v[0], &v[1]); /* only for a carrier */
  bool has_carrier = ctx->objects && live_objects_carrier (ctx->objects, b->box, has_v ? v : NULL, &carrier) &&
                     carrier.speed_mps >= 0;
  double carrier_speed = has_carrier ? carrier.speed_mps : -1;
  bool with_carrier = has_carrier && has_v && live_moves_with (&carrier, v[0], v[1]);
  const char *fmt = "\"speed_mps\":%.2f,\"displacement_m\":%.2f,\"jitter_m\":%.2f,\"span_s\":%.2f,\"carrier_speed_mps\":%.2f";
#define SPEED_ARGS speed, net.displacement_m, net.jitter_m, net.span_s, carrier_speed

  if (speed > p->max_speed_mps) {
    live_result_set (out, LIVE_FLAT, 0, fmt, SPEED_ARGS);
    out->why = "faster than anyone on foot (a vehicle)";
  } else if (with_carrier && carrier_speed >= p->vehicle_min_speed_mps &&
             fabs (speed - carrier_speed) <= fmax (SAME_SPEED_MPS, SAME_SPEED_SHARE * carrier_speed)) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, SPEED_ARGS);
    out->why = "moves at the speed of the vehicle it is on";
  } else if (speed < p->min_speed_mps) {
    live_result_set (out, LIVE_UNCERTAIN, 0.4, fmt, SPEED_ARGS);
    out->why = "standing still";
  } else if (!live_net_moved (&net, 0)) {
    /* a still print's box jumps between the detector's scale levels: its
     * foot point wanders by that much without going anywhere */
    live_result_set (out, LIVE_UNCERTAIN, 0.4, fmt, SPEED_ARGS);
    out->why = "moves no further than their box jitters";
  } else /* most confident around normal walking pace (1-2.5 m/s) */
    live_result_set (out, LIVE_LIVE,
                     speed <= 2.5 ? 1.0 : fmax (0.6, 1.0 - (speed - 2.5) / (p->max_speed_mps - 2.5) * 0.4), fmt, SPEED_ARGS);
#undef SPEED_ARGS
  return true;
}
