/* What the recognition benches share: the share of scores at or above a
 * threshold, and a median, of a GArray of doubles. */
#ifndef CW_BENCH_RATES_H
#define CW_BENCH_RATES_H

#include <glib.h>
#include <math.h>
#include <stdlib.h>

static int
bench_cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static inline double
bench_rate_at_or_above (GArray *a, double t)
{
  int n = 0;
  for (guint k = 0; k < a->len; k++)
    n += g_array_index (a, double, k) >= t;
  return a->len ? (double) n / a->len : NAN;
}

static inline double
bench_median (GArray *a)
{
  if (!a->len)
    return NAN;
  g_autofree double *c = g_memdup2 (a->data, a->len * sizeof (double));
  qsort (c, a->len, sizeof (double), bench_cmp_double);
  return c[a->len / 2];
}

#endif
