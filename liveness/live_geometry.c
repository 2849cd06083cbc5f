/* The geometry check, through the ground calibration:
 *  - height: the person's height from the foot point (bottom centre of the
 *    box) and the head (its top) must be a person's — a face on a bus
 *    advert is metres tall, a figure on a small screen centimetres;
 *  - the foot point does not stay in an ignore zone (where the installer
 *    marked adverts, signs, screens; feet walking through one are only
 *    uncertain there); whether it is on a mapped ground zone is reported;
 *  - the box is not inside a large moving object (a vehicle found by motion
 *    segmentation, live_objects.h) moving with it;
 *  - static: a candidate whose feet did not move over a whole window is a
 *    poster, never a crossing. */
#include "live_check.h"

#include "live_objects.h"

#include <math.h>

/* The box's ground speed agrees with the vehicle's within this (or
 * LIVE_SAME_VELOCITY_SHARE of it). */
static const double SAME_SPEED_MPS = 0.8;
/* A print moves at its vehicle's pace in the picture within this factor. */
static const double SAME_PACE = 1.5;
/* A print rides at most this share of the camera's height up (a vehicle
 * as tall as the camera's mast says nothing more). */
static const double RAISE_MAX_SHARE = 0.8;
/* A height outside the human range decides only when measured over this long. */
static const double MIN_HEIGHT_SPAN_S = 1.5;

double
live_median_height (const struct zone_camera *cam, const struct live_history *h, double window_s)
{
  double *v = g_new (double, h->n);
  int n = 0;
  for (int i = 0; i < h->n; i++) {
    const struct live_sample *s = &h->samples[i];
    if (h->samples[h->n - 1].t_s - s->t_s > window_s)
      continue;
    double m = zone_camera_height (cam, s->box[0] + s->box[2] / 2, s->box[1] + s->box[3], s->box[1]);
    if (isfinite (m))
      v[n++] = m;
  }
  double med = live_quantile (v, n, 0.5);
  g_free (v);
  return med;
}

/* Where the feet are: on a configured ground zone, in an ignore zone (an
 * installer marks adverts, signs and screens there: nobody stands in them),
 * or elsewhere (pavements are often not mapped: that says nothing). */
enum foot_place { FOOT_UNMAPPED, FOOT_GROUND, FOOT_IGNORE };
static const char *const FOOT_PLACE[] = {"unmapped", "ground", "ignore"};

static enum foot_place
foot_place (const struct live_context *ctx, struct zone_pt foot)
{
  enum foot_place where = FOOT_UNMAPPED;
  for (int i = 0; i < ctx->n_zones; i++) {
    if (!zone_polygon_contains (ctx->zones[i], ctx->zone_sizes[i], foot))
      continue;
    if (ctx->zone_ignored[i])
      return FOOT_IGNORE;
    where = FOOT_GROUND;
  }
  return where;
}

bool
live_check_geometry (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out)
{
  const struct hwcfg_liveness *p = ctx->params;
  out->name = "geometry";
  if (!ctx->camera || h->n == 0) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"%s\"", h->n ? "no ground calibration" : "no history");
    return true;
  }
  const struct live_sample *last = &h->samples[h->n - 1];
  double height = live_median_height (ctx->camera, h, p->window_s);
  enum foot_place ground = foot_place (ctx, (struct zone_pt){last->box[0] + last->box[2] / 2, last->box[1] + last->box[3]});

  /* riding inside a vehicle: moving with it in the picture and on the ground */
  struct live_object car;
  double vx = 0, vy = 0, carrier_px_s = -1, car_h = -1, car_w = -1, own_mps = -1;
  bool riding = false;
  bool has_v = live_box_velocity (h, &vx, &vy);
  if (ctx->objects && has_v && live_objects_carrier (ctx->objects, last->box, (const double[]){vx, vy}, &car)) {
    carrier_px_s = hypot (car.vx, car.vy);
    car_h = car.height_m, car_w = car.width_m;
    struct live_net_motion own_1s;
    bool own = live_net_motion (h, LIVE_VELOCITY_SPAN_S, &own_1s);
    own_mps = own_1s.speed_mps;
    /* A print's feet drawn above the ground (a roof panel, a bus side) meet
     * the ground farther along their ray than the vehicle's wheels: its
     * ground speed reads faster than the vehicle's, by up to H / (H - r)
     * with the camera H up and the print raised r, at most the vehicle's
     * height. */
    const double cam_h = ctx->camera->height_m;
    double raised = cam_h > 0 ? cam_h / (cam_h - fmin (fmax (car_h, 0), RAISE_MAX_SHARE * cam_h)) : 1;
    double tol = fmax (SAME_SPEED_MPS, LIVE_SAME_VELOCITY_SHARE * car.speed_mps);
    /* ... and at the vehicle's pace in the picture: a print is part of it
     * (a long vehicle's near and far ends differ by perspective). A walker
     * inside a slow vehicle's box that live_moves_with lets through on its
     * allowance for the detector's jitter goes at half or twice its pace
     * (a group of walkers followed as a vehicle, a van passing behind a
     * person carrying a poster: two of 284 genuine violations rejected in
     * the liveness bench of stop 54). */
    const double box_px_s = hypot (vx, vy);
    bool same_pace = box_px_s >= carrier_px_s / SAME_PACE && box_px_s <= carrier_px_s * SAME_PACE;
    riding = car.speed_mps >= p->vehicle_min_speed_mps && live_moves_with (&car, vx, vy) && same_pace && own &&
             own_mps >= car.speed_mps - tol &&
             own_mps <= car.speed_mps * raised + tol;
  }

  /* static over a whole window: the feet's net movement (jitter does not count) */
  struct live_net_motion net;
  bool known = live_net_motion (h, p->window_s, &net);
  double reach = net.displacement_m, span = net.span_s;
  bool still = known && !live_net_moved (&net, p->min_displacement_m);
  /* ... unless the track walked earlier: a pedestrian may stop in the road */
  bool is_static = still && span >= 0.9 * p->window_s && !ctx->walked;

  const char *fmt = "\"height_m\":%.2f,\"foot_zone\":\"%s\",\"in_vehicle\":%s,\"vehicle_px_s\":%.1f,\"vehicle_height_m\":%.1f,\"vehicle_width_m\":%.1f,"
                    "\"box_px_s\":%.1f,\"own_speed_mps\":%.2f,\"reach_m\":%.2f,\"span_s\":%.2f";
#define GEOMETRY_ARGS                                                                                                  \
  isfinite (height) ? height : -1.0, FOOT_PLACE[ground], riding ? "true" : "false", carrier_px_s, car_h, car_w, hypot (vx, vy), own_mps, \
      reach, span
  /* a height over a shorter span is one detector box or two (two people merged for a moment): not decisive */
  const double h_span = h->samples[h->n - 1].t_s - h->samples[0].t_s;
  if (isfinite (height) && (height < p->min_height_m || height > p->max_height_m) && h_span >= MIN_HEIGHT_SPAN_S) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, GEOMETRY_ARGS);
    out->why = height > p->max_height_m ? "taller than any person (a picture)" : "smaller than any person (a picture)";
  } else if ((ground == FOOT_IGNORE && (!known || still)) || riding || is_static) {
    /* feet that stay where the installer marked a sign are the sign's; a
     * walker passing behind it only crosses the zone (below) */
    live_result_set (out, LIVE_FLAT, 0.1, fmt, GEOMETRY_ARGS);
    out->revocable = !riding;
    out->why = ground == FOOT_IGNORE ? "stands where the installer marked adverts and signs"
               : riding              ? "rides inside a moving vehicle, moving with it"
                                     : "has not moved over the ground at all (a poster or a screen)";
  } else if (!isfinite (height) || still || ground == FOOT_IGNORE) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, fmt, GEOMETRY_ARGS);
    out->needs_history = still && !ctx->walked;
    out->why = !isfinite (height)     ? "their height could not be measured"
               : ground == FOOT_IGNORE ? "walks through where the installer marked adverts and signs"
                                       : "standing still";
  } else
    live_result_set (out, LIVE_LIVE, 1.0, fmt, GEOMETRY_ARGS);
#undef GEOMETRY_ARGS
  return true;
}
