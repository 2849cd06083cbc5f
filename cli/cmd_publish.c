/* crosswatch publish — sends the outbox to the broker: until stopped, or
 * with --once until every queued message is acknowledged (or --timeout). */
#include "cli.h"
#include "evid_publisher.h"
#include "hwcfg.h"

#include <signal.h>
#include <stdio.h>

int
cmd_publish (int argc, char **argv)
{
  char *config = NULL;
  gboolean once = FALSE;
  double timeout = 30;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"once", 0, 0, G_OPTION_ARG_NONE, &once, "exit when the outbox is empty", NULL},
      {"timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "with --once: give up after this many seconds (30)", "S"},
      {NULL}};
  if (!cli_parse ("publish", "-c SITE.ini [--once]", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = cli_load_config (config);
  struct evid_publisher *pub = NULL;
  g_autoptr (GError) err = NULL;
  if (!cfg)
    goto out;
  if (!cfg->mqtt.enabled) {
    fprintf (stderr, "%s: no [mqtt] group: nothing to publish to\n", config);
    goto out;
  }
  status = 1;
  pub = evid_publisher_create (cfg, &err);
  if (!pub) {
    fprintf (stderr, "crosswatch publish: %s\n", err->message);
    goto out;
  }
  volatile sig_atomic_t *stop_requested = cli_stop_on_signals ();
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  int pending = -1;
  while (!*stop_requested) {
    pending = evid_publisher_pump (pub, 100, &err);
    if (pending < 0) {
      fprintf (stderr, "crosswatch publish: %s\n", err->message);
      goto out;
    }
    if (once && pending == 0)
      break;
    if (once && g_get_monotonic_time () > deadline) {
      fprintf (stderr, "crosswatch publish: %d message(s) still unacknowledged after %.0f s (%s)\n", pending, timeout,
               evid_publisher_connected (pub) ? "connected" : "broker unreachable");
      goto out;
    }
  }
  printf ("outbox: %d message(s) pending\n", pending);
  status = 0;
out:
  evid_publisher_free (pub);
  hwcfg_free (cfg);
  g_free (config);
  return status;
}
