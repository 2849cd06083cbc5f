/* Reading a password: from a terminal without echo, else one line of
 * standard input (scripts pipe it), never from the command line, where
 * other users would see it in the process list. */
#include "cli.h"

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
