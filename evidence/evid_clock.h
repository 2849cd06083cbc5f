/* evid_clock — what the kernel knows of the wall clock's accuracy
 * (adjtimex, as kept by chrony, ntpd or systemd-timesyncd). Evidence
 * records it; the status reports it; a red-signal case stands on it. */
#ifndef CW_EVID_CLOCK_H
#define CW_EVID_CLOCK_H

#include <glib.h>
#include <stdbool.h>

struct evid_clock {
  bool synced;          /* the kernel says a time service keeps the clock */
  gint64 est_error_us;  /* its estimated error; -1: unknown */
  gint64 max_error_us;  /* its maximum error; -1: unknown */
};

void evid_clock_read (struct evid_clock *out);

/* The clock is good enough for evidence whose timing matters (a red
 * signal): synchronised, and its maximum error within MAX_ERROR_MS. */
bool evid_clock_trusted (const struct evid_clock *c, int max_error_ms);

#endif
