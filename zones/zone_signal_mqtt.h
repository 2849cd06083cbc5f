/* zone_signal_mqtt — the pedestrian phase as the signal controller publishes
 * it on an MQTT topic (payload WALK, CLEARANCE or DONT_WALK, or JSON
 * {"phase": ...}). Private to zone_signal. Runs libmosquitto's own network
 * thread, which reconnects by itself; the phase is read under a mutex. */
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

/* Parses a payload; FALSE when it names no phase. */
gboolean zone_signal_parse_phase (const char *payload, int len, enum zone_phase *out);

#endif
