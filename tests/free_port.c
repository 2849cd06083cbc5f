/* Prints a TCP port on 127.0.0.1 that was free a moment ago, for the shell
 * tests and the demo, which start a broker of their own. */
#include "test_broker.h"

#include <stdio.h>

int
main (void)
{
  int port = test_free_port ();
  if (port < 0) {
    perror ("free_port");
    return 1;
  }
  printf ("%d\n", port);
  return 0;
}
