#include "zone_signal_mqtt.h"

#include "mqtt_link.h"

#include <string.h>
#include <unistd.h>

/* Kinds of refused message, each logged on its own schedule. */
enum refusal { REFUSED_EMPTY, REFUSED_OVERSIZED, REFUSED_GARBLED, N_REFUSALS };

/* A flood of bad messages must not flood the log: one line per kind at
 * most this often, with the count of those not logged. */
#define REFUSAL_LOG_INTERVAL_US (10 * G_USEC_PER_SEC)

struct zone_signal_mqtt {
  struct mqtt_link *link;
  char *topic;
  gint64 stale_us;
  gint64 started_us; /* monotonic */
  GMutex lock;
  enum zone_phase phase;  /* under lock */
  gint64 changed_us;      /* monotonic, under lock */
  gint64 last_message_us; /* monotonic, under lock; 0 = never */
  gboolean stale_logged;  /* under lock: the feed going stale was logged */
  struct {
    gint64 logged_us; /* 0 = never */
    int unlogged;
  } refused[N_REFUSALS]; /* the link's thread only */
};

/* Tabs, line ends and spaces pass; any other control byte (a NUL too)
 * means the payload is not text. */
static gboolean
is_text (const char *payload, int len)
{
  for (int i = 0; i < len; i++) {
    unsigned char c = (unsigned char) payload[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
      return FALSE;
  }
  return TRUE;
}

gboolean
zone_signal_parse_phase (const char *payload, int len, enum zone_phase *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (!payload || len <= 0 || len > ZONE_SIGNAL_MAX_PAYLOAD || !is_text (payload, len))
    return FALSE;
  g_autofree char *text = g_strstrip (g_strndup (payload, len));
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

/* Logs a refused message of KIND (LEN bytes), rate-limited per kind. The
 * payload itself is never echoed: it may be binary or terminal escapes. */
static void
refuse (struct zone_signal_mqtt *m, enum refusal kind, int len)
{
  gint64 now = g_get_monotonic_time ();
  if (m->refused[kind].logged_us && now - m->refused[kind].logged_us < REFUSAL_LOG_INTERVAL_US) {
    m->refused[kind].unlogged++;
    return;
  }
  g_autofree char *more =
      m->refused[kind].unlogged
          ? g_strdup_printf (" (and %d more like it since the last report)", m->refused[kind].unlogged)
          : g_strdup ("");
  m->refused[kind].logged_us = now;
  m->refused[kind].unlogged = 0;
  switch (kind) {
  case REFUSED_EMPTY:
    /* a controller clearing its retained message: no phase information */
    g_message ("signal: %s: empty message (retained phase cleared?): no phase information, the phase goes "
               "UNKNOWN %.1f s after the last one%s",
               m->topic, m->stale_us / 1e6, more);
    break;
  case REFUSED_OVERSIZED:
    g_warning ("signal: %s: %d-byte payload refused (limit %d bytes)%s", m->topic, len, ZONE_SIGNAL_MAX_PAYLOAD,
               more);
    break;
  default:
    g_warning ("signal: %s: payload is not WALK, CLEARANCE or DONT_WALK; ignored%s", m->topic, more);
    break;
  }
}

static void
on_message (void *data, const struct mosquitto_message *msg)
{
  struct zone_signal_mqtt *m = data;
  enum zone_phase phase;
  /* a message that names no phase says nothing about the signal: it does
   * not keep the source fresh either */
  if (!msg->payload || msg->payloadlen <= 0) {
    refuse (m, REFUSED_EMPTY, 0);
    return;
  }
  if (msg->payloadlen > ZONE_SIGNAL_MAX_PAYLOAD) {
    refuse (m, REFUSED_OVERSIZED, msg->payloadlen);
    return;
  }
  if (!zone_signal_parse_phase (msg->payload, msg->payloadlen, &phase)) {
    refuse (m, REFUSED_GARBLED, msg->payloadlen);
    return;
  }
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&m->lock);
  if (phase != m->phase || !m->last_message_us)
    m->changed_us = now;
  m->phase = phase;
  m->last_message_us = now;
  gboolean resumed = m->stale_logged;
  m->stale_logged = FALSE;
  g_mutex_unlock (&m->lock);
  if (resumed)
    g_message ("signal: %s: phase feed resumed (%s)", m->topic, zone_phase_name (phase));
}

struct zone_signal_mqtt *
zone_signal_mqtt_start (const struct hwcfg_mqtt *mqtt, const char *topic, double stale_s, GError **error)
{
  struct zone_signal_mqtt *m = g_new0 (struct zone_signal_mqtt, 1);
  g_mutex_init (&m->lock);
  m->topic = g_strdup (topic);
  m->stale_us = (gint64) (stale_s * G_USEC_PER_SEC);
  m->phase = ZONE_PHASE_UNKNOWN;
  m->started_us = g_get_monotonic_time ();
  /* a broker that is down at start is retried by the link; meanwhile the
   * phase is UNKNOWN */
  const char *const subscriptions[] = {topic, NULL};
  g_autofree char *id = g_strdup_printf ("crosswatch-signal-%d-%p", (int) getpid (), (void *) m);
  const struct mqtt_link_opts opts = {.what = "signal", .mqtt = mqtt, .client_id = id, .subscriptions = subscriptions,
                                      .max_packet_bytes = 64 * 1024, .on_message = on_message, .data = m};
  m->link = mqtt_link_start (&opts, error);
  if (!m->link) {
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
  mqtt_link_stop (m->link, NULL, NULL);
  g_mutex_clear (&m->lock);
  g_free (m->topic);
  g_free (m);
}

void
zone_signal_mqtt_now (struct zone_signal_mqtt *m, struct zone_signal_state *out)
{
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&m->lock);
  gint64 since = m->last_message_us ? m->last_message_us : m->started_us;
  gboolean stale = now - since > m->stale_us;
  if (!m->last_message_us || stale) {
    out->phase = ZONE_PHASE_UNKNOWN;
    out->elapsed_s = m->last_message_us ? (now - m->last_message_us) / 1e6 : 0;
  } else {
    out->phase = m->phase;
    out->elapsed_s = (now - m->changed_us) / 1e6;
  }
  gboolean log_stale = stale && !m->stale_logged;
  if (log_stale)
    m->stale_logged = TRUE;
  gboolean ever = m->last_message_us != 0;
  g_mutex_unlock (&m->lock);
  out->source = "mqtt";
  /* once per outage, not per frame */
  if (log_stale)
    g_warning ("signal: %s: no phase %s for %.1f s (stale_s %.1f): phase UNKNOWN until the controller publishes "
               "again",
               m->topic, ever ? "message" : "message since start", (now - since) / 1e6, m->stale_us / 1e6);
}
