/* crosswatch export — one packet as a case bundle (tar) for the court file,
 * verifiable offline with crosswatch verify. Through the review desk, as
 * `review` is: --user names an enabled account with the right to see cases,
 * its password is read from standard input, and the export is audited under
 * that name. */
#include "cli.h"
#include "hwcfg.h"
#include "rev_desk.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

int
cmd_export (int argc, char **argv)
{
  char *config = NULL, *out = NULL, *actor_name = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "bundle to write", "case.tar"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &actor_name, "your review account (password on standard input)", "NAME"},
      {NULL}};
  if (!cli_parse ("export", "ID -c SITE.ini --user NAME --out case.tar", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = NULL;
  struct cli_store store = {0};
  struct rev_desk *desk = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *role = NULL;
  g_autoptr (GBytes) bundle = NULL;
  if (argc != 2 || !out || !actor_name) {
    fprintf (stderr, "usage: crosswatch export ID -c SITE.ini --user NAME --out case.tar (NAME's password on "
                     "standard input)\n");
    goto out;
  }
  if (!(cfg = cli_load_config (config)))
    goto out;
  if ((status = cli_desk_session (cfg, "export", actor_name, &store, &desk, &role)) != 0)
    goto out;
  status = 1;
  const struct rev_actor actor = {actor_name, role};
  bundle = rev_desk_bundle (desk, &actor, argv[1], &err);
  if (!bundle ||
      !g_file_set_contents (out, g_bytes_get_data (bundle, NULL), (gssize) g_bytes_get_size (bundle), &err)) {
    fprintf (stderr, "crosswatch export: %s\n", err->message);
    goto out;
  }
  g_chmod (out, 0600); /* a bundle holds faces */
  printf ("%s: packet %s exported\n", out, argv[1]);
  status = 0;
out:
  rev_desk_free (desk);
  cli_store_close (&store);
  hwcfg_free (cfg);
  g_free (config);
  g_free (out);
  g_free (actor_name);
  return status;
}
