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
int cmd_export (int argc, char **argv);
int cmd_purge (int argc, char **argv);

/* Parses ARGV with ENTRIES under the usage line "crosswatch NAME PARAMS".
 * Prints the problem and returns FALSE on bad options. */
gboolean cli_parse (const char *name, const char *params, const GOptionEntry *entries, int *argc, char ***argv);

/* Installs SIGINT/SIGTERM handlers that set the returned flag. */
volatile sig_atomic_t *cli_stop_on_signals (void);

/* Loads the site config, printing every error. NULL on failure. */
struct hwcfg *cli_load_config (const char *path);

#endif
