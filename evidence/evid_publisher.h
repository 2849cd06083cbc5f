/* evid_publisher — drains the outbox to the MQTT broker (libmosquitto).
 *
 * Each outbox row is published with QoS 1 and marked sent only when the
 * broker's PUBACK arrives, so a broker outage or a crash loses nothing: rows
 * not acknowledged are sent again (subscribers recognise repeats by packet
 * id). crosswatch/<site>/available is "online" while connected and the
 * broker publishes the last will "offline" when the appliance vanishes.
 */
#ifndef CW_EVID_PUBLISHER_H
#define CW_EVID_PUBLISHER_H

#include "hwcfg.h"

#include <glib.h>
#include <stdbool.h>

struct evid_publisher;

/* Opens its own connection to the evidence store and creates the client
 * (CFG is kept by reference: it must outlive the publisher). With [mqtt]
 * displays it also opens the device key: the shows due on each display are
 * resolved and signed as it runs (evid_publication_sync_displays), every 2 s.
 * Connecting happens in evid_publisher_pump, so a broker that is down at
 * start is retried rather than fatal. */
struct evid_publisher *evid_publisher_create (const struct hwcfg *cfg, GError **error);

/* Says "offline", disconnects, frees. NULL is a no-op. */
void evid_publisher_free (struct evid_publisher *pub);

/* Does network I/O for up to TIMEOUT_MS and publishes pending rows, and the
 * store's signed chain head (retained, on crosswatch/<site>/chain) when it
 * moved. Returns the number of rows not yet acknowledged (a chain head not
 * yet acknowledged counts as one), or -1 when the store
 * failed (ERROR set). Broker trouble is not an error: it is retried. */
int evid_publisher_pump (struct evid_publisher *pub, int timeout_ms, GError **error);

/* Runs evid_publisher_pump on the publisher's own thread, so the caller's
 * main loop never waits for the store or the broker. Pump yourself, or
 * start it: not both. */
void evid_publisher_start (struct evid_publisher *pub);

/* Stops the thread after the outbox has drained, or after DRAIN_MS at
 * most; waits for it. A no-op when not started. */
void evid_publisher_stop (struct evid_publisher *pub, int drain_ms);

/* Outbox rows not yet acknowledged, as of the thread's last pump. */
int evid_publisher_backlog (struct evid_publisher *pub);

/* Publishes JSON retained on crosswatch/<site>/status at the next pump
 * (any thread; a newer status replaces one not yet sent). */
void evid_publisher_set_status (struct evid_publisher *pub, const char *json);

/* True while connected to the broker. */
bool evid_publisher_connected (const struct evid_publisher *pub);

#endif
