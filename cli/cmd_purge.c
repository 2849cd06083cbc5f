/* crosswatch purge — the retention job: deletes packets past their
 * retention deadline (never those under legal hold), keeping their record
 * hashes for the chain and an audit row for each. */
#include "cli.h"
#include "evid_store.h"
#include "hwcfg.h"

#include <stdio.h>

int
cmd_purge (int argc, char **argv)
{
  char *config = NULL, *now = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"now", 0, 0, G_OPTION_ARG_STRING, &now, "purge as if it were this UTC time (ISO 8601)", "UTC"},
      {NULL}};
  if (!cli_parse ("purge", "-c SITE.ini", entries, &argc, &argv))
    return 2;
  int status = 2, n = 0;
  struct hwcfg *cfg = cli_load_config (config);
  struct cli_store store = {0};
  g_autoptr (GError) err = NULL;
  g_autofree char *when = now ? g_strdup (now) : evid_utc_now ();
  if (!cfg)
    goto out;
  status = 1;
  if (!cli_store_open (cfg, "purge", &store))
    goto out;
  /* each purged case is also retracted from every display it went to */
  if (!evid_store_purge (store.st, when, "retention-job", &n, &err)) {
    fprintf (stderr, "crosswatch purge: %s\n", err->message);
    goto out;
  }
  printf ("%d packet(s) purged (retention before %s)\n", n, when);
  /* a site that turned recognition off (or moved to a profile that refuses
   * it) keeps no faces for it */
  cli_forget_recognition (cfg, store.st, "purge");
  status = 0;
out:
  cli_store_close (&store);
  hwcfg_free (cfg);
  g_free (config);
  g_free (now);
  return status;
}
