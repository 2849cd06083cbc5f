/* crosswatch key — the device key's life: rotate it (the old key vouches
 * for the new one in the audit chain), replace it when it is lost for good
 * (recorded, vouched for by nobody: verifiers must pin the new key), and
 * make the back office's key pair that evidence media are sealed to. */
#include "cli.h"
#include "evid_keychange.h"
#include "evid_seal.h"
#include "evid_store.h"
#include "hwcfg.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] = "rotate -c SITE.ini [--user NAME] | replace-lost -c SITE.ini --reason TEXT "
                            "--i-know-the-old-key-is-lost [--user NAME] | backoffice-new --out PATH";

static int
key_change (const char *verb, const char *config, const char *actor, const char *reason, gboolean lost_confirmed)
{
  struct hwcfg *cfg = cli_load_config (config);
  if (!cfg)
    return 2;
  int status = 1;
  g_autoptr (GError) err = NULL;
  g_autofree char *new_key = NULL;
  struct evid_store *st = evid_store_open (cfg->evidence.db, &err);
  if (!st)
    goto out;
  if (strcmp (verb, "rotate") == 0) {
    if (!evid_key_rotate (st, cfg->evidence.key, cfg->site_id, (const char *const *) cfg->mqtt.displays, actor,
                          &new_key, &err))
      goto out;
    printf ("%s: new device key %s; the rotation is in the audit log, signed by the old key (now destroyed), and "
            "queued to every display ([mqtt] displays) as a handover they will trust; displays that miss it, and "
            "verifiers outside, need the new .pub\n",
            cfg->evidence.key, new_key);
  } else {
    if (!lost_confirmed) {
      fprintf (stderr, "crosswatch key: replace-lost makes evidence signed from now on unverifiable against the old "
                       "key; say --i-know-the-old-key-is-lost\n");
      status = 2;
      goto out;
    }
    if (!evid_key_replace_lost (st, cfg->evidence.key, cfg->site_id, actor, reason, &new_key, &err))
      goto out;
    printf ("%s: new device key %s replaces a lost key; nothing vouches for it: give verifiers its .pub "
            "([evidence] trusted_keys, --pubkey)\n",
            cfg->evidence.key, new_key);
  }
  status = 0;
out:
  if (err)
    fprintf (stderr, "crosswatch key: %s\n", err->message);
  evid_store_close (st);
  hwcfg_free (cfg);
  return status;
}

int
cmd_key (int argc, char **argv)
{
  char *config = NULL, *actor = NULL, *reason = NULL, *out = NULL;
  gboolean lost = FALSE;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &actor, "who does it, for the audit log", "NAME"},
      {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why the key is replaced (replace-lost)", "TEXT"},
      {"i-know-the-old-key-is-lost", 0, 0, G_OPTION_ARG_NONE, &lost, "confirm replace-lost", NULL},
      {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "backoffice-new: secret key file (PATH.pub beside it)", "PATH"},
      {NULL}};
  if (!cli_parse ("key", USAGE, entries, &argc, &argv))
    return 2;
  int status = 2;
  const char *verb = argc == 2 ? argv[1] : "";
  g_autoptr (GError) err = NULL;
  if (strcmp (verb, "backoffice-new") == 0 && out) {
    status = evid_seal_keygen (out, &err) ? 0 : 1;
    if (status)
      fprintf (stderr, "crosswatch key: %s\n", err->message);
    else
      printf ("%s: back-office secret key (keep it off the cabinet); %s.pub goes to [mqtt] backoffice_pubkey\n", out,
              out);
  } else if ((strcmp (verb, "rotate") == 0 || strcmp (verb, "replace-lost") == 0) && config) {
    status = key_change (verb, config, actor ? actor : g_get_user_name (), reason, lost);
  } else {
    fprintf (stderr, "usage: crosswatch key %s\n", USAGE);
  }
  g_free (config);
  g_free (actor);
  g_free (reason);
  g_free (out);
  return status;
}
