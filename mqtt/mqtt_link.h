/* mqtt_link — crosswatch's one MQTT client. The publisher, the signal input
 * and the display each hold a link; none of them talks to libmosquitto.
 *
 * A link has its own network thread, so whoever publishes never waits for
 * the broker. It speaks MQTT v5 with the login and TLS of an [mqtt] group,
 * subscribes again at every connection, and has one reconnect policy for
 * all: whatever ends or prevents a connection (nothing listening, a name
 * that does not resolve, TLS, a refused login, a lost connection) is
 * retried after 1 s, then 2, 4 ... up to 60 s, back to 1 s after a
 * connection the broker accepted. Each new kind of trouble is logged once,
 * naming the broker and the likely cause; every attempt at debug level. */
#ifndef CW_MQTT_LINK_H
#define CW_MQTT_LINK_H

#include "hwcfg.h"

#include <glib.h>
#include <mosquitto.h>
#include <stdbool.h>

struct mqtt_link;

struct mqtt_link_opts {
  const char *what;              /* who speaks, in log lines: "publisher", "signal", "display east" */
  const struct hwcfg_mqtt *mqtt; /* host, port, login, TLS */
  const char *client_id;         /* NULL: one made up, unique to this link */
  bool persistent;               /* the broker keeps the session (and queues QoS 1 for it) 30 days */
  int max_packet_bytes;          /* the broker drops bigger messages for this client; 0: no limit */
  const char *will_topic;        /* retained QoS 1 last will, or NULL */
  const char *will_payload;
  const char *const *subscriptions; /* NULL-terminated, QoS 1, at every connection; may be NULL */
  /* on the link's thread (which may call them before mqtt_link_start has
   * returned: LINK is the link to publish on): */
  void (*on_connected) (void *data, struct mqtt_link *link);
  void (*on_lost) (void *data); /* a connection the broker had accepted ended */
  void (*on_message) (void *data, const struct mosquitto_message *m);
  void (*on_published) (void *data, int mid); /* a QoS 1 message acknowledged */
  void *data;
};

/* Starts connecting (in the background: a broker that is down is retried).
 * NULL with ERROR when the settings are refused (TLS files, login). */
struct mqtt_link *mqtt_link_start (const struct mqtt_link_opts *opts, GError **error);

/* When connected, publishes BYE (retained, QoS 1) on BYE_TOPIC and gives it
 * up to a second to go out; disconnects, stops the thread, frees. NULL is
 * a no-op. */
void mqtt_link_stop (struct mqtt_link *link, const char *bye_topic, const char *bye);

/* Publishes from any thread; MID (may be NULL) is the message id that
 * on_published reports. EXPIRY_S > 0: the broker drops the message then (a
 * retained one too). A libmosquitto error code (MOSQ_ERR_NO_CONN while not
 * connected). */
int mqtt_link_publish (struct mqtt_link *link, int *mid, const char *topic, const void *payload, int len, int qos,
                       bool retain, gint64 expiry_s);

bool mqtt_link_connected (struct mqtt_link *link);

/* The last connection problem in words (g_free), or NULL while connected
 * or before any. */
char *mqtt_link_problem (struct mqtt_link *link);

#endif
