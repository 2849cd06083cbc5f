/* The crosswatch program's subcommands. Each returns the process exit
 * status: 0 success, 1 runtime failure, 2 bad usage or bad config. */
#ifndef CW_CLI_H
#define CW_CLI_H

#include <glib.h>
#include <signal.h>

int cmd_run (int argc, char **argv);
int cmd_check_config (int argc, char **argv);
int cmd_track_mot (int argc, char **argv);
int cmd_review (int argc, char **argv);
int cmd_publish (int argc, char **argv);
int cmd_display (int argc, char **argv);
int cmd_verify (int argc, char **argv);
int cmd_eval_mot (int argc, char **argv);
int cmd_calibrate (int argc, char **argv);
int cmd_preview (int argc, char **argv);
int cmd_export (int argc, char **argv);
int cmd_purge (int argc, char **argv);
int cmd_key (int argc, char **argv);
int cmd_serve (int argc, char **argv);
int cmd_users (int argc, char **argv);
int cmd_watchlist (int argc, char **argv);

/* A password from standard input (PROMPT and no echo on a terminal);
 * NULL at end of input. g_free. */
char *cli_read_password (const char *prompt);

/* Logs review account NAME in with the password from standard input, for
 * subcommand WHO. Its role (g_free), or NULL after printing why. */
struct rev_desk;
struct hwcfg;
struct cli_store;
char *cli_review_login (struct rev_desk *desk, const char *who, const char *name);

/* A review session at the cabinet: CFG's store opened into STORE, the desk
 * made into *DESK (recognition's models loaded when it is on) and NAME
 * logged in (password on standard input), its role in *ROLE (g_free).
 * 0, or the exit status (1, or 2 for a model that does not load) after
 * saying why as "crosswatch WHO: ...". The caller frees what was made. */
int cli_desk_session (const struct hwcfg *cfg, const char *who, const char *name, struct cli_store *store,
                      struct rev_desk **desk, char **role);

/* Parses ARGV with ENTRIES under the usage line "crosswatch NAME PARAMS".
 * Prints the problem and returns FALSE on bad options. */
gboolean cli_parse (const char *name, const char *params, const GOptionEntry *entries, int *argc, char ***argv);

/* Installs SIGINT/SIGTERM handlers that set the returned flag. */
volatile sig_atomic_t *cli_stop_on_signals (void);

/* Loads the site config, printing every error. NULL on failure. */
struct hwcfg *cli_load_config (const char *path);

struct hwcfg;
struct evid_store;
struct evid_key;
struct evid_keyring;

/* The site's store, open for writing, signing with the device key. */
struct cli_store {
  struct evid_store *st;
  struct evid_key *key;
};

/* Opens it; prints "crosswatch WHO: reason" and returns FALSE on failure
 * (a store with packets and no key included). */
gboolean cli_store_open (const struct hwcfg *cfg, const char *who, struct cli_store *out);
/* With [recognition] not enabled, erases what recognition kept in ST (face
 * features, links, matches, watchlist faces), audited, and says so. */
void cli_forget_recognition (const struct hwcfg *cfg, struct evid_store *st, const char *who);
void cli_store_close (struct cli_store *s);

/* The keys a verifier of this site trusts: [evidence] trusted_keys and the
 * device key's .pub. */
struct evid_keyring *cli_site_keyring (const struct hwcfg *cfg, GError **error);

#endif
