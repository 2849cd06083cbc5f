/* atk_motion — how a vehicle moves along its path: piecewise constant
 * acceleration from a starting speed, never backwards. Profiles: constant
 * (0.5-15 m/s, in four speed bands), accelerate (from standing or crawling),
 * brake to a stop and stand, stop at the line for 5-20 s and pull away, and
 * queueing (creep, stop, creep). The plan places a stopping vehicle so that
 * it stands at the stop line. */
#include "atk.h"

#include <math.h>

static const double BANDS[][2] = {{0.5, 2}, {2, 5}, {5, 10}, {10, 15}};
static const char *const BAND_NAMES[] = {"<2", "2-5", "5-10", "10-15"};

static void
add (struct atk_profile *p, double t, double a)
{
  if (p->n < ATK_MAX_SEGMENTS)
    p->seg[p->n].t = t, p->seg[p->n].a = a, p->n++;
}

void
atk_profile_random (struct atk_profile *p, enum atk_profile_kind kind, int band, struct atk_rng *r, double seconds)
{
  *p = (struct atk_profile){.kind = kind, .stop_s = -1};
  switch (kind) {
  case ATK_CONSTANT: {
    int b = band >= 0 && band < 4 ? band : atk_rng_below (r, 4);
    p->v0 = atk_rng_uniform (r, BANDS[b][0], BANDS[b][1]);
    add (p, 0, 0);
    break;
  }
  case ATK_ACCELERATE: {
    p->v0 = atk_rng_chance (r, 0.5) ? 0 : atk_rng_uniform (r, 0.3, 1.5);
    double a = atk_rng_uniform (r, 0.8, 2.5), vmax = atk_rng_uniform (r, 6, 15);
    add (p, 0, a);
    add (p, (vmax - p->v0) / a, 0);
    break;
  }
  case ATK_BRAKE:
  case ATK_STOP_GO: {
    p->v0 = atk_rng_uniform (r, 3, kind == ATK_BRAKE ? 15 : 12);
    double a = atk_rng_uniform (r, 1.5, 3.5), cruise = atk_rng_uniform (r, 0, 1.5), t_stop = cruise + p->v0 / a;
    add (p, 0, 0);
    add (p, cruise, -a);
    add (p, t_stop, 0);
    p->stop_s = p->v0 * cruise + p->v0 * p->v0 / (2 * a);
    if (kind == ATK_STOP_GO) {
      double wait = atk_rng_uniform (r, 5, 20), a2 = atk_rng_uniform (r, 1.0, 2.2), v1 = atk_rng_uniform (r, 5, 12);
      add (p, t_stop + wait, a2);
      add (p, t_stop + wait + v1 / a2, 0);
    }
    break;
  }
  default: { /* queue: stand, creep, brake, stand, ... */
    double t = atk_rng_uniform (r, 0, 2);
    add (p, 0, 0);
    while (t < seconds + 5 && p->n < ATK_MAX_SEGMENTS - 3) {
      double vc = atk_rng_uniform (r, 1, 3), a = 1.2, hold = atk_rng_uniform (r, 0.5, 2.5);
      add (p, t, a);
      add (p, t + vc / a, 0);
      add (p, t + vc / a + hold, -1.5);
      t += vc / a + hold + vc / 1.5 + atk_rng_uniform (r, 1, 4);
      add (p, t - 1e-6 - 0.0, 0); /* the stop (the speed clamps at 0 before) */
    }
    break;
  }
  }
  /* the highest speed */
  p->vmax = p->v0;
  for (double t = 0; t < seconds + 30; t += 0.1) {
    double s, v;
    atk_profile_at (p, t, &s, &v);
    p->vmax = fmax (p->vmax, v);
  }
}

void
atk_profile_at (const struct atk_profile *p, double t, double *s_out, double *v_out)
{
  double s = 0, v = p->v0;
  if (t <= 0) { /* before its start it keeps its first speed */
    *s_out = v * t, *v_out = v;
    return;
  }
  for (int i = 0; i < p->n; i++) {
    double t0 = p->seg[i].t, t1 = i + 1 < p->n ? p->seg[i + 1].t : 1e9, a = p->seg[i].a;
    if (t <= t0)
      break;
    double dt = fmin (t, t1) - t0;
    if (a < 0 && v + a * dt < 0)
      dt = -v / a; /* stands from then on until the next segment */
    s += v * dt + a * dt * dt / 2;
    v = fmax (0, v + a * dt);
  }
  *s_out = s, *v_out = v;
}

const char *
atk_profile_name (enum atk_profile_kind k)
{
  static const char *const names[] = {"constant", "accelerate", "brake", "stop_at_line", "queue"};
  return k < ATK_N_PROFILES ? names[k] : "?";
}

const char *
atk_speed_band (const struct atk_profile *p)
{
  if (p->kind != ATK_CONSTANT)
    return "stop_and_go";
  for (int b = 0; b < 3; b++)
    if (p->v0 < BANDS[b][1])
      return BAND_NAMES[b];
  return BAND_NAMES[3];
}
