/* Reading a password: from a terminal without echo, else one line of
 * standard input (scripts pipe it), never from the command line, where
 * other users would see it in the process list; and the review login of
 * the subcommands that act as a review account. */
#include "cli.h"
#include "rev_desk.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

char *
cli_read_password (const char *prompt)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios old, quiet;
  if (tty) {
    fprintf (stderr, "%s", prompt);
    tcgetattr (STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t) ECHO;
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  char buf[2048];
  char *line = fgets (buf, sizeof buf, stdin);
  if (tty) {
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
    fprintf (stderr, "\n");
  }
  if (!line)
    return NULL;
  buf[strcspn (buf, "\r\n")] = '\0';
  char *out = g_strdup (buf);
  memset (buf, 0, sizeof buf);
  return out;
}

char *
cli_review_login (struct rev_desk *desk, const char *who, const char *name)
{
  g_autofree char *password = cli_read_password ("password: ");
  if (!password) {
    /* nothing was typed: no login attempt, nothing counts towards a lock */
    fprintf (stderr, "crosswatch %s: no password on standard input (NAME's password goes there)\n", who);
    return NULL;
  }
  g_autofree char *from = g_strdup_printf ("cabinet:%s", g_get_user_name ());
  g_autoptr (GError) err = NULL;
  char *role = NULL;
  if (!rev_desk_login (desk, name, password, from, g_get_real_time (), &role, NULL, &err))
    fprintf (stderr, "crosswatch %s: %s\n", who, err->message);
  memset (password, 0, strlen (password));
  return role;
}

int
cli_desk_session (const struct hwcfg *cfg, const char *who, const char *name, struct cli_store *store,
                  struct rev_desk **desk, char **role)
{
  g_autoptr (GError) err = NULL;
  if (!cli_store_open (cfg, who, store))
    return 1;
  *desk = rev_desk_new (store->st, cfg);
  if (!rev_desk_recognition_ready (*desk, &err)) {
    fprintf (stderr, "crosswatch %s: %s\n", who, err->message);
    return 2;
  }
  *role = cli_review_login (*desk, who, name);
  return *role ? 0 : 1;
}
