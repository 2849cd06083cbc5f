/* notify_sink PATH SECONDS: a service manager's notify socket for tests:
 * binds a datagram socket at PATH and prints every message received (one
 * per line, newlines inside shown as '|') for SECONDS, then exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 3) {
    fprintf (stderr, "usage: notify_sink PATH SECONDS\n");
    return 2;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen (argv[1]) >= sizeof addr.sun_path) {
    fprintf (stderr, "notify_sink: path too long\n");
    return 2;
  }
  strcpy (addr.sun_path, argv[1]);
  int fd = socket (AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
    perror ("notify_sink");
    return 1;
  }
  time_t end = time (NULL) + atoi (argv[2]);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[4096];
  while (time (NULL) < end) {
    ssize_t n = recv (fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
      continue;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] == '\n')
        buf[i] = '|';
    printf ("%s\n", buf);
    fflush (stdout);
  }
  close (fd);
  unlink (argv[1]);
  return 0;
}
