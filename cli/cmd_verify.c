#include "cli.h"
#include "evid_verify.h"
#include "hwcfg.h"

#include <stdio.h>

int
cmd_verify (int argc, char **argv)
{
  char *db = NULL, *config = NULL;
  const GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "evidence database", "FILE"},
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config (its [evidence] db)", "SITE.ini"},
      {NULL}};
  if (!cli_parse ("verify", "--db FILE | -c SITE.ini", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct evid_store *st = NULL;
  g_autoptr (GError) err = NULL;
  if (!db && config) {
    struct hwcfg *cfg = cli_load_config (config);
    if (!cfg)
      goto out;
    db = g_strdup (cfg->evidence.db);
    hwcfg_free (cfg);
  }
  if (!db || !g_file_test (db, G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, "crosswatch verify: %s\n", db ? "no such database file" : "--db FILE or -c SITE.ini is required");
    goto out;
  }
  status = 1;
  st = evid_store_open (db, &err);
  int packets = 0;
  int failures = st ? evid_verify_store (st, stdout, &packets, &err) : -1;
  if (failures < 0) {
    fprintf (stderr, "crosswatch verify: %s\n", err->message);
    goto out;
  }
  printf ("%s: %d packet(s), %d failure(s)%s\n", db, packets, failures, failures ? "" : " — intact");
  status = failures ? 1 : 0;
out:
  evid_store_close (st);
  g_free (db);
  g_free (config);
  return status;
}
