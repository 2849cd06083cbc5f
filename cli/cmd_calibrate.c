/* crosswatch calibrate — fits the image-to-ground homography to surveyed
 * point pairs and prints it as a ground_homography line for [camera:*]. */
#include "cli.h"
#include "cv_shim.h"

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

int
cmd_calibrate (int argc, char **argv)
{
  char *points = NULL;
  const GOptionEntry entries[] = {
      {"points", 0, 0, G_OPTION_ARG_STRING, &points, "image pixel to ground metre pairs, at least 4",
       "x,y>X,Y;..."},
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
  double h[9], rms;
  if (cv_fit_homography ((double *) px->data, (double *) gm->data, n, h, &rms) != CV_OK) {
    fprintf (stderr, "crosswatch calibrate: %s\n", cv_last_error ());
    status = 1;
    goto out;
  }
  printf ("ground_homography = %.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g;%.9g\n", h[0], h[1], h[2], h[3], h[4], h[5],
          h[6], h[7], h[8]);
  printf ("# fitted to %d pairs, reprojection error %.3f m RMS\n", n, rms);
  status = 0;
out:
  g_array_free (px, TRUE);
  g_array_free (gm, TRUE);
  g_free (points);
  return status;
}
