/* zone_signal_mqtt — the pedestrian phase as the signal controller publishes
 * it on an MQTT topic (payload WALK, CLEARANCE or DONT_WALK, or JSON
 * {"phase": ...}). Private to zone_signal. Runs libmosquitto's own network
 * thread, which reconnects by itself; the phase is read under a mutex.
 *
 * Anything on the topic is untrusted input. A message that names no phase
 * (empty — what a controller sends to clear its retained message —, longer
 * than ZONE_SIGNAL_MAX_PAYLOAD, binary, garbled) is logged and otherwise
 * ignored: it neither changes the phase nor keeps it fresh, so the phase
 * goes UNKNOWN stale_s after the last good message. Refused messages are
 * logged at most once every few seconds per kind; the feed going stale is
 * logged once, and again only after it has come back. */
#ifndef CW_ZONE_SIGNAL_MQTT_H
#define CW_ZONE_SIGNAL_MQTT_H

#include "hwcfg.h"
#include "zone_signal.h"

struct zone_signal_mqtt;

struct zone_signal_mqtt *zone_signal_mqtt_start (const struct hwcfg_mqtt *mqtt, const char *topic, double stale_s,
                                                 GError **error);
void zone_signal_mqtt_stop (struct zone_signal_mqtt *m);

/* The phase now: UNKNOWN before the first message or when none came for
 * stale_s; elapsed_s counts from the last change of phase. */
void zone_signal_mqtt_now (struct zone_signal_mqtt *m, struct zone_signal_state *out);

/* Longest payload parsed, in bytes; a phase message is a few dozen. */
#define ZONE_SIGNAL_MAX_PAYLOAD 256

/* Parses a payload of LEN bytes (PAYLOAD need not be NUL-terminated; NULL
 * with LEN 0 is an empty message); FALSE when it names no phase: empty,
 * longer than ZONE_SIGNAL_MAX_PAYLOAD, holding a NUL or another control
 * character (other than white space), or not one of the phase words. */
gboolean zone_signal_parse_phase (const char *payload, int len, enum zone_phase *out);

#endif
