/* The evidence store as the subcommands that write it open it: with the
 * device key as its signer (audit rows, chain heads and display messages
 * are signed), the key never created for a store that already has packets. */
#include "cli.h"

#include "evid_key.h"
#include "evid_keyring.h"
#include "evid_recorder.h"

#include <stdio.h>

gboolean
cli_store_open (const struct hwcfg *cfg, const char *who, struct cli_store *out)
{
  g_autoptr (GError) err = NULL;
  out->key = NULL;
  out->st = evid_store_open (cfg->evidence.db, &err);
  if (out->st)
    out->key = evid_recorder_open_key (out->st, cfg->evidence.key, &err);
  if (!out->key) {
    fprintf (stderr, "crosswatch %s: %s\n", who, err->message);
    cli_store_close (out);
    return FALSE;
  }
  evid_store_set_signer (out->st, out->key, cfg->site_id);
  evid_store_set_displays (out->st, (const char *const *) cfg->mqtt.displays);
  return TRUE;
}

void
cli_store_close (struct cli_store *s)
{
  evid_store_close (s->st);
  evid_key_free (s->key);
  s->st = NULL;
  s->key = NULL;
}

struct evid_keyring *
cli_site_keyring (const struct hwcfg *cfg, GError **error)
{
  struct evid_keyring *ring = evid_keyring_new ();
  for (char **k = cfg->evidence.trusted_keys; k && *k; k++)
    if (**k && !evid_keyring_add_file (ring, *k, error)) {
      g_prefix_error (error, "[evidence] trusted_keys: ");
      evid_keyring_free (ring);
      return NULL;
    }
  /* the site's own device key, as its .pub says */
  g_autofree char *pub = g_strconcat (cfg->evidence.key, ".pub", NULL);
  if (g_file_test (pub, G_FILE_TEST_EXISTS) && !evid_keyring_add_file (ring, pub, error)) {
    evid_keyring_free (ring);
    return NULL;
  }
  return ring;
}

void
cli_forget_recognition (const struct hwcfg *cfg, struct evid_store *st, const char *who)
{
  if (cfg->recognition.enabled)
    return;
  g_autoptr (GError) err = NULL;
  int n = 0;
  if (!evid_store_recognition_erase (st, who, "[recognition] is not enabled at this site", &n, &err))
    fprintf (stderr, "crosswatch %s: cannot erase recognition data: %s\n", who, err->message);
  else if (n > 0)
    printf ("%d face feature(s), link(s), match(es) and watchlist face(s) erased: recognition is not enabled here\n", n);
}
