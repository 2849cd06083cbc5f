#include "cli.h"
#include "disp_client.h"
#include "hwcfg.h"

#include <stdio.h>

int
cmd_display (int argc, char **argv)
{
  char *config = NULL;
  const GOptionEntry entries[] = {{"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "display config", "DISPLAY.ini"},
                                  {NULL}};
  if (!cli_parse ("display", "-c DISPLAY.ini", entries, &argc, &argv))
    return 2;
  if (!config) {
    fprintf (stderr, "crosswatch display: a display config is required (-c DISPLAY.ini)\n");
    return 2;
  }
  g_autoptr (GError) err = NULL;
  struct hwcfg_display *cfg = hwcfg_display_load (config, &err);
  g_free (config);
  if (!cfg) {
    fprintf (stderr, "%s\n", err->message);
    return 2;
  }
  volatile sig_atomic_t *stop_requested = cli_stop_on_signals ();
  int status = disp_client_run (cfg, stop_requested);
  hwcfg_display_free (cfg);
  return status;
}
