/* crosswatch — pedestrian crossing enforcement appliance. */
#include "cli.h"
#include "hwcfg.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  int (*fn) (int, char **);
  const char *help;
} COMMANDS[] = {
    {"run", cmd_run, "run the appliance on every camera of a site (-c SITE.ini)"},
    {"preview", cmd_preview, "a camera's frame with the zones, ground grid and people to scale drawn on (PNG)"},
    {"check-config", cmd_check_config, "validate a site config"},
    {"calibrate", cmd_calibrate, "fit the ground homography to surveyed point pairs"},
    {"track-mot", cmd_track_mot, "run the tracker alone on MOT-format detections"},
    {"eval-mot", cmd_eval_mot, "score MOT-format tracks against ground truth"},
    {"review", cmd_review, "list, show, confirm or reject evidence packets"},
    {"serve", cmd_serve, "the review service: web UI and JSON API for police reviewers"},
    {"users", cmd_users, "add, disable or list review accounts, set passwords"},
    {"publish", cmd_publish, "send confirmed packets from the outbox to the broker"},
    {"display", cmd_display, "run a roadside display client (-c DISPLAY.ini)"},
    {"verify", cmd_verify, "check hashes, signatures and chains: a store, a packet or a case bundle"},
    {"watchlist", cmd_watchlist, "[recognition]: enrol faces (admin), list, remove; decide matches (supervisor)"},
    {"export", cmd_export, "write one packet as a case bundle, verifiable offline"},
    {"purge", cmd_purge, "delete packets past their retention (not those on legal hold)"},
    {"key", cmd_key, "rotate the device key, replace a lost one, make a back-office key"},
};

gboolean
cli_parse (const char *name, const char *params, const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree char *usage = g_strdup_printf ("%s %s", name, params);
  g_autoptr (GOptionContext) ctx = g_option_context_new (usage);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) err = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &err)) {
    fprintf (stderr, "crosswatch %s: %s\n", name, err->message);
    return FALSE;
  }
  return TRUE;
}

struct hwcfg *
cli_load_config (const char *path)
{
  if (!path) {
    fprintf (stderr, "crosswatch: a site config is required (-c SITE.ini)\n");
    return NULL;
  }
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = hwcfg_load (path, &err);
  if (!cfg)
    fprintf (stderr, "%s\n", err->message);
  return cfg;
}

static volatile sig_atomic_t stop_requested;

static void
on_stop (int sig)
{
  stop_requested = 1;
}

volatile sig_atomic_t *
cli_stop_on_signals (void)
{
  struct sigaction sa = {0};
  sa.sa_handler = on_stop;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  return &stop_requested;
}

static void
usage (FILE *f)
{
  fprintf (f, "usage: crosswatch COMMAND [OPTIONS]\n\ncommands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS (COMMANDS); i++)
    fprintf (f, "  %-13s %s\n", COMMANDS[i].name, COMMANDS[i].help);
  fprintf (f, "\n'crosswatch COMMAND --help' for a command's options.\n");
}

int
main (int argc, char **argv)
{
  /* A file size limit must fail the write (EFBIG, reported as a full disk),
   * not kill the appliance. */
  signal (SIGXFSZ, SIG_IGN);
  /* arguments are read in the user's locale (a UTF-8 reason, a name);
   * numbers are always written with a point (files, MOT rows, JSON) */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  if (argc < 2) {
    usage (stderr);
    return 2;
  }
  if (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h")) {
    usage (stdout);
    return 0;
  }
  if (!strcmp (argv[1], "--version")) {
    printf ("crosswatch %s\n", CW_VERSION);
    return 0;
  }
  for (size_t i = 0; i < G_N_ELEMENTS (COMMANDS); i++)
    if (!strcmp (argv[1], COMMANDS[i].name))
      return COMMANDS[i].fn (argc - 1, argv + 1);
  fprintf (stderr, "crosswatch: unknown command '%s'\n", argv[1]);
  usage (stderr);
  return 2;
}
