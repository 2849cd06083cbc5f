/* Prints a TCP port on 127.0.0.1 that was free a moment ago (the kernel's
 * choice for port 0), for tests that start a broker of their own. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int
main (void)
{
  int s = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  socklen_t len = sizeof a;
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (s < 0 || bind (s, (struct sockaddr *) &a, sizeof a) != 0 || getsockname (s, (struct sockaddr *) &a, &len) != 0) {
    perror ("free_port");
    return 1;
  }
  printf ("%d\n", ntohs (a.sin_port));
  close (s);
  return 0;
}
