/* crosswatch verify — checks evidence and names exactly what fails: a whole
 * store (--db or -c), one published packet (PACKET.json) or a case bundle
 * (CASE.tar). Signatures count only by trusted keys: --pubkey (repeatable),
 * or with -c the site's [evidence] trusted_keys and device key. */
#include "cli.h"
#include "evid_verify.h"
#include "hwcfg.h"

#include <stdio.h>
#include <string.h>

/* --pubkey takes the key itself (64 hex digits) or a file holding it. */
static gboolean
add_trusted (struct evid_keyring *ring, const char *arg, GError **error)
{
  if (evid_public_hex_valid (arg))
    return evid_keyring_add_hex (ring, arg, error);
  return evid_keyring_add_file (ring, arg, error);
}

int
cmd_verify (int argc, char **argv)
{
  char *db = NULL, *config = NULL, *head = NULL, *backoffice = NULL;
  char **pubkeys = NULL;
  const GOptionEntry entries[] = {
      {"db", 0, 0, G_OPTION_ARG_FILENAME, &db, "evidence database", "FILE"},
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config: its store and the keys it trusts", "SITE.ini"},
      {"pubkey", 0, 0, G_OPTION_ARG_STRING_ARRAY, &pubkeys, "a trusted device public key (hex, or a .pub file)",
       "KEY"},
      {"head", 0, 0, G_OPTION_ARG_FILENAME, &head, "a signed chain head to hold the store to (default: DB.head)",
       "FILE"},
      {"backoffice-key", 0, 0, G_OPTION_ARG_FILENAME, &backoffice, "secret key to open sealed media of a packet",
       "FILE"},
      {NULL}};
  if (!cli_parse ("verify",
                  "[PACKET.json | CASE.tar] [--db FILE | -c SITE.ini] [--pubkey KEY]... [--head FILE] "
                  "[--backoffice-key FILE]",
                  entries, &argc, &argv))
    return 2;
  int status = 2, failures = -1, packets = 0;
  struct evid_store *st = NULL;
  struct hwcfg *cfg = NULL;
  struct evid_keyring *ring = evid_keyring_new ();
  g_autoptr (GError) err = NULL;
  const char *file = argc > 1 ? argv[1] : NULL;
  if (config && !(cfg = cli_load_config (config)))
    goto out;
  if (cfg) {
    evid_keyring_free (ring);
    if (!(ring = cli_site_keyring (cfg, &err))) {
      fprintf (stderr, "crosswatch verify: %s\n", err->message);
      goto out;
    }
  }
  for (char **k = pubkeys; k && *k; k++)
    if (!add_trusted (ring, *k, &err)) {
      fprintf (stderr, "crosswatch verify: --pubkey %s: %s\n", *k, err->message);
      goto out;
    }
  struct evid_verify_opts opts = {.trusted = ring, .head_path = head, .backoffice_key = backoffice};
  if (file) {
    if (!g_file_test (file, G_FILE_TEST_IS_REGULAR)) {
      fprintf (stderr, "crosswatch verify: %s: no such file\n", file);
      goto out;
    }
    status = 1;
    failures = g_str_has_suffix (file, ".json") ? evid_verify_packet_file (file, &opts, stdout, &err)
                                               : evid_verify_bundle (file, &opts, stdout, &err);
    if (failures >= 0)
      printf ("%s: %d failure(s)%s\n", file, failures, failures ? "" : " — intact");
    goto report;
  }
  if (!db && cfg)
    db = g_strdup (cfg->evidence.db);
  if (!db || !g_file_test (db, G_FILE_TEST_IS_REGULAR)) {
    fprintf (stderr, "crosswatch verify: %s\n", db ? "no such database file" : "a file, --db FILE or -c SITE.ini is required");
    goto out;
  }
  status = 1;
  st = evid_store_open_readonly (db, &err);
  failures = st ? evid_verify_store (st, &opts, stdout, &packets, &err) : -1;
  if (failures >= 0)
    printf ("%s: %d packet(s), %d failure(s)%s\n", db, packets, failures, failures ? "" : " — intact");
report:
  if (failures < 0)
    fprintf (stderr, "crosswatch verify: %s\n", err ? err->message : "failed");
  else
    status = failures ? 1 : 0;
out:
  evid_store_close (st);
  evid_keyring_free (ring);
  hwcfg_free (cfg);
  g_free (db);
  g_free (config);
  g_free (head);
  g_free (backoffice);
  g_strfreev (pubkeys);
  return status;
}
