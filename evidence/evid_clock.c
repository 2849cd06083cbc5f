#include "evid_clock.h"

#include <sys/timex.h>

void
evid_clock_read (struct evid_clock *out)
{
  struct timex tx = {0};
  int state = adjtimex (&tx);
  out->synced = state >= 0 && state != TIME_ERROR;
  out->est_error_us = state >= 0 ? tx.esterror : -1;
  out->max_error_us = state >= 0 ? tx.maxerror : -1;
}

bool
evid_clock_trusted (const struct evid_clock *c, int max_error_ms)
{
  /* the maximum error, not the estimate: it is what the kernel vouches
   * for, and it grows while the time service is silent */
  return c->synced && c->max_error_us >= 0 && c->max_error_us <= (gint64) max_error_ms * 1000;
}
