#include "zone_signal_mqtt.h"

#include "hwcfg_mqtt.h"

#include <mosquitto.h>
#include <string.h>
#include <unistd.h>

struct zone_signal_mqtt {
  struct mosquitto *mosq;
  char *topic;
  gint64 stale_us;
  GMutex lock;
  enum zone_phase phase;  /* under lock */
  gint64 changed_us;      /* monotonic, under lock */
  gint64 last_message_us; /* monotonic, under lock; 0 = never */
};

gboolean
zone_signal_parse_phase (const char *payload, int len, enum zone_phase *out)
{
  g_autofree char *text = g_strstrip (g_strndup (payload, len > 0 ? len : 0));
  const char *p = text;
  /* {"phase":"WALK"} or a bare word */
  const char *key = strstr (text, "\"phase\"");
  g_autofree char *word = NULL;
  if (key) {
    const char *q1 = strchr (key + 7, '"');
    const char *q2 = q1 ? strchr (q1 + 1, '"') : NULL;
    if (!q2)
      return FALSE;
    word = g_strndup (q1 + 1, q2 - q1 - 1);
    p = word;
  }
  if (!g_ascii_strcasecmp (p, "WALK"))
    *out = ZONE_PHASE_WALK;
  else if (!g_ascii_strcasecmp (p, "CLEARANCE"))
    *out = ZONE_PHASE_CLEARANCE;
  else if (!g_ascii_strcasecmp (p, "DONT_WALK"))
    *out = ZONE_PHASE_DONT_WALK;
  else
    return FALSE;
  return TRUE;
}

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  struct zone_signal_mqtt *m = data;
  if (rc == 0)
    mosquitto_subscribe (mosq, NULL, m->topic, 1);
  else
    g_warning ("signal: broker refused the connection: %s", mosquitto_connack_string (rc));
}

static void
on_message (struct mosquitto *mosq, void *data, const struct mosquitto_message *msg)
{
  struct zone_signal_mqtt *m = data;
  enum zone_phase phase;
  if (!zone_signal_parse_phase (msg->payload, msg->payloadlen, &phase)) {
    /* a garbled message says nothing about the signal: it does not keep
     * the source fresh either */
    g_warning ("signal: %s: payload is not WALK, CLEARANCE or DONT_WALK; ignored", msg->topic);
    return;
  }
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&m->lock);
  if (phase != m->phase || !m->last_message_us)
    m->changed_us = now;
  m->phase = phase;
  m->last_message_us = now;
  g_mutex_unlock (&m->lock);
}

struct zone_signal_mqtt *
zone_signal_mqtt_start (const struct hwcfg_mqtt *mqtt, const char *topic, double stale_s, GError **error)
{
  mosquitto_lib_init ();
  struct zone_signal_mqtt *m = g_new0 (struct zone_signal_mqtt, 1);
  g_mutex_init (&m->lock);
  m->topic = g_strdup (topic);
  m->stale_us = (gint64) (stale_s * G_USEC_PER_SEC);
  m->phase = ZONE_PHASE_UNKNOWN;
  g_autofree char *id = g_strdup_printf ("crosswatch-signal-%d-%p", (int) getpid (), (void *) m);
  m->mosq = mosquitto_new (id, true, m);
  if (!m->mosq) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "signal: cannot create an MQTT client");
    zone_signal_mqtt_stop (m);
    return NULL;
  }
  if (!hwcfg_mqtt_apply (m->mosq, mqtt, error)) {
    zone_signal_mqtt_stop (m);
    return NULL;
  }
  mosquitto_connect_callback_set (m->mosq, on_connect);
  mosquitto_message_callback_set (m->mosq, on_message);
  mosquitto_reconnect_delay_set (m->mosq, 1, 10, true);
  /* connect_async: a broker that is down at start is retried by the
   * network thread; meanwhile the phase is UNKNOWN */
  int rc = mosquitto_connect_async (m->mosq, mqtt->host, mqtt->port, 30);
  if (rc != MOSQ_ERR_SUCCESS)
    g_warning ("signal: %s:%d: %s; retrying", mqtt->host, mqtt->port, mosquitto_strerror (rc));
  rc = mosquitto_loop_start (m->mosq);
  if (rc != MOSQ_ERR_SUCCESS) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "signal: cannot start the MQTT thread: %s",
                 mosquitto_strerror (rc));
    zone_signal_mqtt_stop (m);
    return NULL;
  }
  return m;
}

void
zone_signal_mqtt_stop (struct zone_signal_mqtt *m)
{
  if (!m)
    return;
  if (m->mosq) {
    mosquitto_disconnect (m->mosq);
    mosquitto_loop_stop (m->mosq, true);
    mosquitto_destroy (m->mosq);
  }
  g_mutex_clear (&m->lock);
  g_free (m->topic);
  g_free (m);
}

void
zone_signal_mqtt_now (struct zone_signal_mqtt *m, struct zone_signal_state *out)
{
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&m->lock);
  if (!m->last_message_us || now - m->last_message_us > m->stale_us) {
    out->phase = ZONE_PHASE_UNKNOWN;
    out->elapsed_s = m->last_message_us ? (now - m->last_message_us) / 1e6 : 0;
  } else {
    out->phase = m->phase;
    out->elapsed_s = (now - m->changed_us) / 1e6;
  }
  g_mutex_unlock (&m->lock);
  out->source = "mqtt";
}
