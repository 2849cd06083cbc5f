/* crosswatch verify — checks evidence and names exactly what fails: a whole
 * store (--db or -c), one published packet (PACKET.json) or a case bundle
 * (CASE.tar), optionally against a trusted device key (--pubkey). */
#include "cli.h"
#include "evid_verify.h"
#include "hwcfg.h"

#include <stdio.h>
#include <string.h>

/* --pubkey takes the key itself (64 hex digits) or a file holding it. */
static char *
trusted_key (const char *arg)
{
  if (!arg)
    return NULL;
  char *text = NULL;
  if (strlen (arg) != 64 && g_file_get_contents (arg, &text, NULL, NULL))
    return g_strstrip (text);
  return g_strdup (arg);
}

int
cmd_verify (int argc, char **argv)
{
  char *db = NULL, *config = NULL, *pubkey_arg = NULL;
  const GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "evidence database", "FILE"},
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config (its [evidence] db)", "SITE.ini"},
      {"pubkey", 0, 0, G_OPTION_ARG_STRING, &pubkey_arg, "trusted device public key (hex, or a .pub file)", "KEY"},
      {NULL}};
  if (!cli_parse ("verify", "[PACKET.json | CASE.tar] [--db FILE | -c SITE.ini] [--pubkey KEY]", entries, &argc,
                  &argv))
    return 2;
  int status = 2, failures = -1, packets = 0;
  struct evid_store *st = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *pubkey = trusted_key (pubkey_arg);
  const char *file = argc > 1 ? argv[1] : NULL;
  if (file) {
    if (!g_file_test (file, G_FILE_TEST_IS_REGULAR)) {
      fprintf (stderr, "crosswatch verify: %s: no such file\n", file);
      goto out;
    }
    status = 1;
    failures = g_str_has_suffix (file, ".json") ? evid_verify_packet_file (file, pubkey, stdout, &err)
                                               : evid_verify_bundle (file, pubkey, stdout, &err);
    if (failures >= 0)
      printf ("%s: %d failure(s)%s\n", file, failures, failures ? "" : " — intact");
    goto report;
  }
  if (!db && config) {
    struct hwcfg *cfg = cli_load_config (config);
    if (!cfg)
      goto out;
    db = g_strdup (cfg->evidence.db);
    hwcfg_free (cfg);
  }
  if (!db || !g_file_test (db, G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, "crosswatch verify: %s\n", db ? "no such database file" : "a file, --db FILE or -c SITE.ini is required");
    goto out;
  }
  status = 1;
  st = evid_store_open (db, &err);
  failures = st ? evid_verify_store (st, pubkey, stdout, &packets, &err) : -1;
  if (failures >= 0)
    printf ("%s: %d packet(s), %d failure(s)%s\n", db, packets, failures, failures ? "" : " — intact");
report:
  if (failures < 0)
    fprintf (stderr, "crosswatch verify: %s\n", err ? err->message : "failed");
  else
    status = failures ? 1 : 0;
out:
  evid_store_close (st);
  g_free (db);
  g_free (config);
  g_free (pubkey_arg);
  return status;
}
