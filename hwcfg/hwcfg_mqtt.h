/* hwcfg_mqtt — applies an [mqtt] group to a libmosquitto client: login and
 * TLS (CA, and a client certificate when given). One place for the three
 * clients (publisher, display, signal input). */
#ifndef CW_HWCFG_MQTT_H
#define CW_HWCFG_MQTT_H

#include "hwcfg.h"

#include <mosquitto.h>

/* FALSE with ERROR set when libmosquitto refuses the settings. */
gboolean hwcfg_mqtt_apply (struct mosquitto *mosq, const struct hwcfg_mqtt *cfg, GError **error);

/* What a CONNACK code RC says, for an MQTT 3.1.1 (0-5) or v5 (128 and up)
 * connection alike ("Not authorized", "Bad user name or password"). */
const char *hwcfg_mqtt_connack_text (int rc);

#endif
