/* crosswatch calibrate — fits the image-to-ground homography to surveyed
 * point pairs and prints it as a ground_homography line for [camera:*]. */
#include "cli.h"
#include "cv_shim.h"
#include "zone_geom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "x,y>X,Y;..." -> arrays; FALSE with a message naming the bad pair. */
static gboolean
parse_pairs (const char *text, GArray *px, GArray *gm)
{
  g_auto (GStrv) pairs = g_strsplit (text, ";", -1);
  int i = 0;
  for (char **pair = pairs; *pair; pair++) {
    if (!*g_strstrip (*pair))
      continue;
    i++;
    double v[4];
    char tail;
    if (sscanf (*pair, "%lf , %lf > %lf , %lf %c", &v[0], &v[1], &v[2], &v[3], &tail) != 4) {
      fprintf (stderr, "crosswatch calibrate: pair %d '%s' is not 'x,y>X,Y'\n", i, *pair);
      return FALSE;
    }
    g_array_append_vals (px, v, 2);
    g_array_append_vals (gm, v + 2, 2);
  }
  return TRUE;
}

/* How far apart N points spread across their narrowest direction, over
 * their widest (0: on one line). The homography needs a spread in both. */
static double
flatness (const double *xy, int n)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  for (int i = 0; i < n; i++)
    mx += xy[2 * i] / n, my += xy[2 * i + 1] / n;
  for (int i = 0; i < n; i++) {
    double dx = xy[2 * i] - mx, dy = xy[2 * i + 1] - my;
    sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
  }
  /* eigenvalues of the scatter matrix */
  double tr = sxx + syy, disc = sqrt ((sxx - syy) * (sxx - syy) + 4 * sxy * sxy);
  double big = (tr + disc) / 2, small = (tr - disc) / 2;
  return big > 0 ? sqrt (MAX (small, 0) / big) : 0;
}

/* Below this RMS a fit is as good as a survey gets: no pair is blamed. */
#define MISFIT_FLOOR_M 0.05

/* Ground distance between where H puts image point PX and the surveyed GM. */
static double
residual (const double h[9], const double *px, const double *gm)
{
  struct zone_pt g;
  if (!zone_homography_apply (h, (struct zone_pt){px[0], px[1]}, &g))
    return INFINITY;
  return hypot (g.x - gm[0], g.y - gm[1]);
}

/* Each pair's residual under H, the worst named. With 5 pairs or more, each
 * pair is also left out in turn: its error as predicted by a fit to the
 * others (the leave-one-out error: a wrong pair cannot bend that fit towards
 * itself), and how well the others then fit: the pair whose removal leaves
 * the best fit is the likely mistake. */
static void
print_residuals (const double h[9], double rms, const double *px, const double *gm, int n)
{
  g_autofree double *loo = g_new (double, n), *rest_rms = g_new (double, n);
  g_autofree double *px1 = g_new (double, 2 * n), *gm1 = g_new (double, 2 * n);
  for (int out = 0; out < n; out++) {
    loo[out] = rest_rms[out] = NAN;
    if (n < 5)
      continue;
    for (int i = 0, k = 0; i < n; i++) {
      if (i == out)
        continue;
      memcpy (px1 + 2 * k, px + 2 * i, 2 * sizeof (double));
      memcpy (gm1 + 2 * k, gm + 2 * i, 2 * sizeof (double));
      k++;
    }
    double h1[9];
    if (cv_fit_homography (px1, gm1, n - 1, h1, &rest_rms[out]) == CV_OK)
      loo[out] = residual (h1, px + 2 * out, gm + 2 * out);
  }
  int worst = 0, culprit = -1, predicted = 0, beyond = 0;
  double worst_d = -1, sum = 0;
  for (int i = 0; i < n; i++) {
    double d = residual (h, px + 2 * i, gm + 2 * i);
    printf ("# pair %d: %g,%g > %g,%g: off by %.3f m", i + 1, px[2 * i], px[2 * i + 1], gm[2 * i], gm[2 * i + 1], d);
    if (isfinite (loo[i]))
      printf ("; by %.3f m from a fit to the others", loo[i]);
    else if (n >= 5 && !isnan (rest_rms[i]))
      printf ("; beyond the horizon of a fit to the others");
    printf ("\n");
    if (d > worst_d)
      worst_d = d, worst = i;
    if (isfinite (loo[i]))
      sum += loo[i] * loo[i], predicted++;
    else if (n >= 5)
      beyond++;
    if (!isnan (rest_rms[i]) && (culprit < 0 || rest_rms[i] < rest_rms[culprit]))
      culprit = i;
  }
  printf ("# worst: pair %d, off by %.3f m\n", worst + 1, worst_d);
  if (predicted > 0)
    printf ("# leave-one-out error %.3f m RMS over %d pairs%s\n", sqrt (sum / predicted), predicted,
            beyond ? " (others predicted beyond the horizon)" : "");
  /* a pair is blamed only when leaving it out makes the fit much better:
   * in a sound survey one pair always fits a little worse than the rest */
  if (culprit >= 0 && rms > MISFIT_FLOOR_M && rest_rms[culprit] < 0.5 * rms)
    printf ("# without pair %d the others fit to %.3f m RMS (all: %.3f m): the likeliest mistake\n", culprit + 1,
            rest_rms[culprit], rms);
  else if (culprit >= 0)
    printf ("# no single pair stands out: leaving any one out fits the others to %.3f m RMS at best\n",
            rest_rms[culprit]);
}

/* Whether the fit sees ground all over the surveyed points' bounding box:
 * a horizon among them means a pair (or an axis) is wrong. */
static gboolean
horizon_clear_of (const double h[9], const double *px, int n)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (int i = 0; i < n; i++) {
    x0 = fmin (x0, px[2 * i]), x1 = fmax (x1, px[2 * i]);
    y0 = fmin (y0, px[2 * i + 1]), y1 = fmax (y1, px[2 * i + 1]);
  }
  for (int j = 0; j <= 10; j++)
    for (int i = 0; i <= 10; i++) {
      struct zone_pt g;
      if (!zone_homography_apply (h, (struct zone_pt){x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * j / 10}, &g))
        return FALSE;
    }
  return TRUE;
}

int
cmd_calibrate (int argc, char **argv)
{
  char *points = NULL;
  double max_rms = 0.25;
  const GOptionEntry entries[] = {
      {"points", 0, 0, G_OPTION_ARG_STRING, &points, "image pixel to ground metre pairs, at least 4",
       "x,y>X,Y;..."},
      {"max-rms", 0, 0, G_OPTION_ARG_DOUBLE, &max_rms, "refuse a fit that misses its pairs by more (metres RMS; "
       "default 0.25, as [camera] max_fit_rms_m)", "M"},
      {NULL}};
  if (!cli_parse ("calibrate", "--points 'x,y>X,Y;...'", entries, &argc, &argv))
    return 2;
  int status = 2;
  GArray *px = g_array_new (FALSE, FALSE, sizeof (double)), *gm = g_array_new (FALSE, FALSE, sizeof (double));
  if (!points) {
    fprintf (stderr, "crosswatch calibrate: --points is required\n");
    goto out;
  }
  if (!parse_pairs (points, px, gm))
    goto out;
  int n = (int) px->len / 2;
  if (n < 4) {
    fprintf (stderr, "crosswatch calibrate: %d pairs given, at least 4 are needed\n", n);
    goto out;
  }
  const char *const sides[] = {"image", "ground"};
  const GArray *sets[] = {px, gm};
  for (int i = 0; i < 2; i++) {
    if (flatness ((const double *) sets[i]->data, n) < 1e-3) {
      fprintf (stderr, "crosswatch calibrate: the %s points lie on one line: a plane cannot be fitted to them; "
               "survey points spread across the road, not along one kerb\n", sides[i]);
      goto out;
    }
  }
  double h[9], rms;
  if (cv_fit_homography ((double *) px->data, (double *) gm->data, n, h, &rms) != CV_OK) {
    fprintf (stderr, "crosswatch calibrate: %s\n", cv_last_error ());
    status = 1;
    goto out;
  }
  /* a fit check-config would refuse (as ground_points) is not offered
   * as a ground_homography to paste: the residuals say which pair to mend */
  gboolean refused = rms > max_rms;
  printf ("%sground_homography = %.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g\n", refused ? "# refused: " : "", h[0],
          h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]);
  printf ("# fitted to %d pairs, reprojection error %.3f m RMS\n", n, rms);
  print_residuals (h, rms, (const double *) px->data, (const double *) gm->data, n);
  if (n == 4)
    fprintf (stderr, "crosswatch calibrate: warning: 4 pairs fix a homography exactly, so its error says nothing "
             "(0 m whatever the survey's mistakes): survey 6 or more pairs\n");
  if (!horizon_clear_of (h, (const double *) px->data, n)) {
    fprintf (stderr, "crosswatch calibrate: the fit puts the horizon among the surveyed points: a pair (or the "
             "order of x and y) is wrong\n");
    refused = TRUE;
  }
  if (refused && rms > max_rms)
    fprintf (stderr, "crosswatch calibrate: the fit misses its pairs by %.3f m RMS, more than %.3g m (--max-rms, as "
             "[camera] max_fit_rms_m): mend the pair named above and run it again\n", rms, max_rms);
  status = refused ? 2 : 0;
out:
  g_array_free (px, TRUE);
  g_array_free (gm, TRUE);
  g_free (points);
  return status;
}
