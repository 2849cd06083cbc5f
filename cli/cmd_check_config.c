#include "cli.h"
#include "hwcfg.h"

#include <stdio.h>

int
cmd_check_config (int argc, char **argv)
{
  char *config = NULL;
  const GOptionEntry entries[] = {{"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
                                  {NULL}};
  if (!cli_parse ("check-config", "-c SITE.ini", entries, &argc, &argv))
    return 2;
  struct hwcfg *cfg = cli_load_config (config);
  int status = cfg ? 0 : 2;
  if (cfg) {
    printf ("%s: ok — site %s, %d camera(s), %d zone(s)\n", config, cfg->site_id, cfg->n_cameras, cfg->n_zones);
    for (int i = 0; i < cfg->n_cameras; i++) {
      const struct hwcfg_camera *c = &cfg->cameras[i];
      printf ("  camera %s: %s, %s", c->name, c->uri,
              c->has_homography ? "ground calibrated" : "NOT ground calibrated (no depth test, no ground speed)");
      if (c->n_ground_points)
        printf (" (fitted to %d ground points, reprojection error %.3f m RMS)", c->n_ground_points,
                c->reprojection_rms_m);
      printf ("\n");
    }
  }
  hwcfg_free (cfg);
  g_free (config);
  return status;
}
