/* evid_verify — recomputes what a packet claims: the SHA-256 of its record
 * and of each media item, and the hash chain from packet to packet. */
#ifndef CW_EVID_VERIFY_H
#define CW_EVID_VERIFY_H

#include "evid_store.h"

#include <stdio.h>

/* Checks every packet of ST in order and the audit chain. Each failure is
 * written to REPORT as one line naming the packet and what fails.
 * Returns the number of failures (0 = all intact), -1 when the store
 * cannot be read (ERROR set). OUT_PACKETS (may be NULL) gets the count. */
int evid_verify_store (struct evid_store *st, FILE *report, int *out_packets, GError **error);

#endif
