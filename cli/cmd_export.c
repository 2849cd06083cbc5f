/* crosswatch export — one packet as a case bundle (tar) for the court file,
 * verifiable offline with crosswatch verify. The export is audited. */
#include "cli.h"
#include "evid_export.h"
#include "hwcfg.h"

#include <stdio.h>

int
cmd_export (int argc, char **argv)
{
  char *config = NULL, *out = NULL, *actor = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "bundle to write", "case.tar"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &actor, "who exports, for the audit log", "NAME"},
      {NULL}};
  if (!cli_parse ("export", "ID -c SITE.ini --out case.tar", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = NULL;
  struct cli_store store = {0};
  g_autoptr (GError) err = NULL;
  if (argc != 2 || !out) {
    fprintf (stderr, "usage: crosswatch export ID -c SITE.ini --out case.tar\n");
    goto out;
  }
  if (!(cfg = cli_load_config (config)))
    goto out;
  status = 1;
  if (!cli_store_open (cfg, "export", &store))
    goto out;
  if (!evid_store_audit (store.st, actor ? actor : g_get_user_name (), "export", argv[1], out, &err) ||
      !evid_export_bundle (store.st, argv[1], out, &err)) {
    fprintf (stderr, "crosswatch export: %s\n", err->message);
    goto out;
  }
  printf ("%s: packet %s exported\n", out, argv[1]);
  status = 0;
out:
  cli_store_close (&store);
  hwcfg_free (cfg);
  g_free (config);
  g_free (out);
  g_free (actor);
  return status;
}
