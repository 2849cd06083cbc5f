/* crosswatch preview — the first step of setting up a site: one frame of a
 * camera with the zones, the ground grid, people of 1.75 m to scale, the
 * kerb depth band and the people found drawn on, written as a PNG. */
#include "cli.h"
#include "cw_preview.h"
#include "hwcfg.h"

#include <gst/gst.h>
#include <stdio.h>
#include <sys/stat.h>

/* Seconds a camera is given to show the frame asked for. */
#define PREVIEW_TIMEOUT_S 60

/* Whether OUT may be written: a new file, or a regular file that is
 * neither the site file nor the camera's video (the picture is put in
 * place by a rename, which would replace a device, a link or those). */
static gboolean
out_writable (const char *out, const char *config, const char *source)
{
  struct stat st;
  if (lstat (out, &st) != 0)
    return TRUE;
  if (!S_ISREG (st.st_mode)) {
    fprintf (stderr, "crosswatch preview: --out %s exists and is not a regular file (a link, a device, a "
             "directory): give a new file's path\n", out);
    return FALSE;
  }
  const char *const kept[] = {config, source};
  const char *const what[] = {"the site file", "the camera's video"};
  for (int i = 0; i < 2; i++) {
    struct stat k;
    if (kept[i] && stat (kept[i], &k) == 0 && k.st_dev == st.st_dev && k.st_ino == st.st_ino) {
      fprintf (stderr, "crosswatch preview: --out %s is %s: give another path\n", out, what[i]);
      return FALSE;
    }
  }
  return TRUE;
}

int
cmd_preview (int argc, char **argv)
{
  g_autofree char *config = NULL, *camera = NULL, *out = NULL;
  double at_s = 0;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"camera", 0, 0, G_OPTION_ARG_STRING, &camera, "the [camera:NAME] to look through (default: the first)", "NAME"},
      {"at", 0, 0, G_OPTION_ARG_DOUBLE, &at_s, "the frame this many seconds into the video (a live camera: after "
                                               "this long)", "SECONDS"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "where to write the picture (PNG)", "PREVIEW.png"},
      {NULL}};
  gst_init (&argc, &argv);
  if (!cli_parse ("preview", "-c SITE.ini [--camera NAME] [--at SECONDS] --out PREVIEW.png", entries, &argc, &argv))
    return 2;
  if (argc > 1) {
    fprintf (stderr, "crosswatch preview: unexpected argument '%s'\n", argv[1]);
    return 2;
  }
  if (!config || !out) {
    fprintf (stderr, "crosswatch preview: -c SITE.ini and --out PREVIEW.png are required\n");
    return 2;
  }
  if (!(at_s >= 0 && at_s < 1e6)) {
    fprintf (stderr, "crosswatch preview: --at %g: give the seconds from the start, 0 or more\n", at_s);
    return 2;
  }
  struct cw_preview p;
  g_autoptr (GError) err = NULL;
  if (!cw_preview_grab (config, camera, at_s, PREVIEW_TIMEOUT_S, &p, &err)) {
    fprintf (stderr, "crosswatch preview: %s\n", err->message);
    return err->domain == HWCFG_ERROR ? 2 : 1;
  }
  unsigned char *png = NULL;
  size_t len = 0;
  int rc = 0;
  if (!out_writable (out, config, p.source_file))
    rc = 2;
  else if (cv_png_encode (&p.image, &png, &len) != CV_OK) {
    fprintf (stderr, "crosswatch preview: cannot encode the picture: %s\n", cv_last_error ());
    rc = 1;
  } else if (!g_file_set_contents (out, (const char *) png, (gssize) len, &err)) {
    fprintf (stderr, "crosswatch preview: %s\n", err->message);
    rc = 1;
  } else {
    printf ("%s: %dx%d, the frame at %.2f s, %d %s found\n", out, p.image.width, p.image.height, p.at_s, p.people,
            p.people == 1 ? "person" : "people");
    if (p.grid_step_m > 0) {
      printf ("  ground grid every %g m; %d people of 1.75 m drawn to scale%s; kerb depth band (min_depth_m): %.0f %% "
              "of the carriageway\n",
              p.grid_step_m, p.scale_people,
              p.scale_people ? "" : " (no camera fits the calibration: check ground_points, or give focal_px)",
              100 * p.band_share);
      printf ("  check: the zones lie on the road as painted, the grid's metres match the ground, the white boxes are "
              "as tall as people standing there\n");
    } else if (p.calibrated) {
      printf ("  the calibration sees no ground at the bottom of the picture (its horizon is there): it is wrong; "
              "no grid and no people to scale are drawn (run crosswatch check-config, then crosswatch calibrate)\n");
      rc = 2;
    } else {
      printf ("  not ground calibrated: no ground grid, no people to scale, no depth band (see crosswatch calibrate)\n");
      printf ("  check: the zones lie on the road as painted; read their corners off the ruler at the edges\n");
    }
  }
  cv_free (png);
  cw_preview_clear (&p);
  return rc;
}
