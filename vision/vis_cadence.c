#include "vis_cadence.h"

#include <glib.h>
#include <math.h>

struct vis_cadence {
  int every_n, max_put_off;
  double max_lag_s;
  int since;  /* frames since the detector last ran */
  long ran, put_off;
};

struct vis_cadence *
vis_cadence_create (int every_n, double max_lag_s, int max_put_off)
{
  g_return_val_if_fail (every_n >= 1 && max_lag_s > 0 && max_put_off >= 0, NULL);
  struct vis_cadence *c = g_new0 (struct vis_cadence, 1);
  c->every_n = every_n;
  c->max_lag_s = max_lag_s;
  c->max_put_off = max_put_off;
  c->since = every_n - 1; /* the first frame is a detection frame */
  return c;
}

void
vis_cadence_free (struct vis_cadence *c)
{
  g_free (c);
}

bool
vis_cadence_next (struct vis_cadence *c, double lag_s)
{
  c->since++;
  if (c->since < c->every_n)
    return false;
  bool behind = isfinite (lag_s) && lag_s > c->max_lag_s;
  if (behind && c->since - c->every_n < c->max_put_off) {
    c->put_off++;
    return false;
  }
  c->since = 0;
  c->ran++;
  return true;
}

long
vis_cadence_ran (const struct vis_cadence *c)
{
  return c->ran;
}

long
vis_cadence_put_off (const struct vis_cadence *c)
{
  return c->put_off;
}
