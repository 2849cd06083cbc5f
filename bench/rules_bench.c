/* Cost of the violation rules per frame, with T tracks and Z zones, against
 * the 1-track, 1-zone case measured in the same run (so the ratios show how
 * cost grows with tracks x zones on whatever machine runs it).
 *
 * usage: rules_bench [FRAMES] */
#include "hwcfg.h"
#include "zone_rules.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A site with Z zones on a 768x576 image: one carriageway band, the rest
 * crosswalks and kerbs across it, 6-vertex polygons. */
static struct hwcfg *
site (int zones, char **path)
{
  GString *s = g_string_new ("[site]\nid = bench\n[camera:main]\nuri = file:///dev/null\n"
                             "ground_homography = 0.0534514;-0.604125;88.5766;-0.139304;-0.399811;120.418;"
                             "0.00091748;0.0196253;1\n[signal]\nsource = schedule\ncycle_s = 60\n");
  for (int z = 0; z < zones; z++) {
    double x0 = 20 + z * (700.0 / zones), w = 700.0 / zones * 0.8;
    const char *kind = z == 0 ? "carriageway" : z % 2 ? "crosswalk" : "kerb";
    if (z == 0)
      g_string_append_printf (s, "[zone:z0]\nkind = carriageway\npolygon = 10,250;380,240;760,250;760,400;380,410;10,400\n");
    else
      g_string_append_printf (s, "[zone:z%d]\nkind = %s\npolygon = %.0f,230;%.0f,228;%.0f,230;%.0f,420;%.0f,422;%.0f,420\n",
                              z, kind, x0, x0 + w / 2, x0 + w, x0 + w, x0 + w / 2, x0);
  }
  int fd = g_file_open_tmp ("benchXXXXXX.ini", path, NULL);
  close (fd);
  g_file_set_contents (*path, s->str, -1, NULL);
  g_string_free (s, TRUE);
  GError *err = NULL;
  struct hwcfg *cfg = hwcfg_load (*path, &err);
  if (!cfg)
    g_error ("%s", err->message);
  return cfg;
}

static double
us_per_frame (int tracks, int zones, int frames)
{
  char *path;
  struct hwcfg *cfg = site (zones, &path);
  struct zone_rules *r = zone_rules_create (cfg, NULL, NULL);
  struct zone_signal *sig = zone_signal_create (&cfg->signal, NULL, NULL);
  struct zone_track_in *in = g_new (struct zone_track_in, tracks);
  struct zone_track_out *out = g_new (struct zone_track_out, tracks);
  gint64 t0 = g_get_monotonic_time ();
  for (int f = 1; f <= frames; f++) {
    double t = (f - 1) / 10.0;
    for (int i = 0; i < tracks; i++) {
      /* people walking across the band at different places and speeds */
      double x = fmod (15 + i * 37.0 + f * 0.5, 740), y = 200 + fmod (i * 13.0 + f * (1 + i % 3), 260);
      in[i] = (struct zone_track_in){i + 1, {x, y}};
    }
    struct zone_signal_state st;
    zone_signal_at (sig, t, &st);
    zone_rules_step (r, f, t, &st, in, tracks, out);
  }
  double us = (g_get_monotonic_time () - t0) / (double) frames;
  g_free (in);
  g_free (out);
  zone_signal_free (sig);
  zone_rules_free (r);
  hwcfg_free (cfg);
  g_unlink (path);
  g_free (path);
  return us;
}

int
main (int argc, char **argv)
{
  int frames = argc > 1 ? atoi (argv[1]) : 20000;
  us_per_frame (50, 10, frames / 10); /* warm up */
  double base = us_per_frame (1, 1, frames);
  printf ("%-16s %12s %10s %18s\n", "tracks x zones", "us/frame", "vs 1x1", "us per track-zone");
  const int cases[][2] = {{1, 1}, {50, 1}, {50, 10}, {100, 10}, {50, 20}, {100, 20}};
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    double us = i == 0 ? base : us_per_frame (cases[i][0], cases[i][1], frames);
    printf ("%3d x %-10d %12.2f %9.1fx %18.4f\n", cases[i][0], cases[i][1], us, us / base,
            us / (cases[i][0] * cases[i][1]));
  }
  return 0;
}
