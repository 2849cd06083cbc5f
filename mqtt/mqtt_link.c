#include "mqtt_link.h"

#include <errno.h>
#include <mqtt_protocol.h>
#include <string.h>
#include <unistd.h>

#define KEEPALIVE_S 30
#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
#define SESSION_EXPIRY_S (30 * 24 * 3600)
/* how long one pass of the network thread waits for the socket: also how
 * soon a stop is noticed */
#define LOOP_MS 100
/* a connection the broker has not answered within this long is not an
 * MQTT broker (or a stuck one): closed and retried like any trouble */
#define CONNACK_TIMEOUT_US (10 * G_USEC_PER_SEC)

struct mqtt_link {
  struct mqtt_link_opts o; /* strings below are the link's own copies */
  char *what, *host, *will_topic, *will_payload;
  char **subscriptions;
  int port;
  struct mosquitto *mosq;
  GThread *thread;
  gint stop;          /* atomic */
  gint accepted;      /* atomic: the broker accepted the current connection */
  gboolean refused;   /* network thread: the broker refused the last attempt */
  int backoff_s;      /* network thread */
  GMutex lock;        /* problem, said */
  char *problem;      /* the last trouble, in words; NULL while connected */
  char *said;         /* the last trouble logged (a new kind is logged once) */
  gint bye_mid;       /* atomic: the goodbye's message id, 0 none */
  gint bye_acked;     /* atomic */
};

static gpointer
lib_init (gpointer unused)
{
  mosquitto_lib_init ();
  return NULL;
}

/* TROUBLE (the link's words for it) happened; the next attempt is in
 * BACKOFF_S. Logged once per kind, every time at debug level. */
static void
trouble (struct mqtt_link *l, const char *text)
{
  g_autofree char *line = g_strdup_printf ("%s; retrying in %d s", text, l->backoff_s);
  g_mutex_lock (&l->lock);
  gboolean new_kind = g_strcmp0 (text, l->said) != 0;
  if (new_kind) {
    g_free (l->said);
    l->said = g_strdup (text);
  }
  g_free (l->problem);
  l->problem = g_strdup (text);
  g_mutex_unlock (&l->lock);
  if (new_kind)
    g_warning ("%s: %s", l->what, line);
  else
    g_debug ("%s: %s", l->what, line);
}

static void
on_connect (struct mosquitto *mosq, void *data, int rc, int flags, const mosquitto_property *props)
{
  struct mqtt_link *l = data;
  if (rc != 0) {
    l->refused = TRUE;
    g_autofree char *text = g_strdup_printf (
        "broker %s:%d refused the connection: %s (check [mqtt] username, password, the client certificate and "
        "the broker's ACL)",
        l->host, l->port, rc < 128 ? mosquitto_connack_string (rc) : mosquitto_reason_string (rc));
    trouble (l, text);
    return;
  }
  l->backoff_s = BACKOFF_MIN_S;
  g_atomic_int_set (&l->accepted, 1);
  g_mutex_lock (&l->lock);
  g_clear_pointer (&l->problem, g_free);
  g_clear_pointer (&l->said, g_free); /* the same trouble again is news */
  g_mutex_unlock (&l->lock);
  g_message ("%s: connected to %s:%d", l->what, l->host, l->port);
  int n = l->subscriptions ? (int) g_strv_length (l->subscriptions) : 0;
  if (n > 0)
    mosquitto_subscribe_multiple (mosq, NULL, n, l->subscriptions, 1, 0, NULL);
  if (l->o.on_connected)
    l->o.on_connected (l->o.data, l);
}

static void
on_subscribe (struct mosquitto *mosq, void *data, int mid, int qos_count, const int *granted_qos)
{
  struct mqtt_link *l = data;
  g_autofree char *topics = g_strjoinv (" and ", l->subscriptions);
  g_message ("%s: subscribed to %s", l->what, topics);
}

static void
on_message (struct mosquitto *mosq, void *data, const struct mosquitto_message *m)
{
  struct mqtt_link *l = data;
  if (l->o.on_message)
    l->o.on_message (l->o.data, m);
}

static void
on_publish (struct mosquitto *mosq, void *data, int mid)
{
  struct mqtt_link *l = data;
  if (mid == g_atomic_int_get (&l->bye_mid)) {
    g_atomic_int_set (&l->bye_acked, 1);
    return;
  }
  if (l->o.on_published)
    l->o.on_published (l->o.data, mid);
}

/* A new connection, v5: a persistent session's expiry, and the largest
 * packet this client takes (a bigger message is dropped by the broker,
 * never read into memory here: libmosquitto reads a whole packet before
 * its size could be checked). */
static int
connect_once (struct mqtt_link *l)
{
  mosquitto_property *props = NULL;
  int rc = MOSQ_ERR_SUCCESS;
  if (l->o.max_packet_bytes > 0)
    rc = mosquitto_property_add_int32 (&props, MQTT_PROP_MAXIMUM_PACKET_SIZE, (uint32_t) l->o.max_packet_bytes);
  if (rc == MOSQ_ERR_SUCCESS && l->o.persistent)
    rc = mosquitto_property_add_int32 (&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, SESSION_EXPIRY_S);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_connect_bind_v5 (l->mosq, l->host, l->port, KEEPALIVE_S, NULL, props);
  mosquitto_property_free_all (&props);
  return rc;
}

static void
wait_backoff (struct mqtt_link *l)
{
  gint64 until = g_get_monotonic_time () + (gint64) l->backoff_s * G_USEC_PER_SEC;
  l->backoff_s = MIN (2 * l->backoff_s, BACKOFF_MAX_S);
  while (!g_atomic_int_get (&l->stop) && g_get_monotonic_time () < until)
    g_usleep (LOOP_MS * 1000);
}

static gpointer
network_main (gpointer data)
{
  struct mqtt_link *l = data;
  while (!g_atomic_int_get (&l->stop)) {
    l->refused = FALSE;
    int rc = connect_once (l);
    if (rc != MOSQ_ERR_SUCCESS) {
      /* nothing listening, no route, a name that does not resolve, TLS */
      g_autofree char *text = g_strdup_printf ("cannot reach the broker at %s:%d: %s", l->host, l->port,
                                               rc == MOSQ_ERR_ERRNO ? g_strerror (errno) : mosquitto_strerror (rc));
      trouble (l, text);
      wait_backoff (l);
      continue;
    }
    gint64 connected_at = g_get_monotonic_time ();
    gboolean unanswered = FALSE;
    do {
      rc = mosquitto_loop (l->mosq, LOOP_MS, 1);
      unanswered = !g_atomic_int_get (&l->accepted) && !l->refused &&
                   g_get_monotonic_time () - connected_at > CONNACK_TIMEOUT_US;
    } while (rc == MOSQ_ERR_SUCCESS && !unanswered && !g_atomic_int_get (&l->stop));
    if (g_atomic_int_get (&l->stop))
      break;
    if (unanswered) {
      g_autofree char *text = g_strdup_printf (
          "%s:%d took the connection but gave no MQTT answer within %d s (not an MQTT port, or a TLS one "
          "reached without [mqtt] tls_ca?)",
          l->host, l->port, (int) (CONNACK_TIMEOUT_US / G_USEC_PER_SEC));
      trouble (l, text);
      mosquitto_disconnect (l->mosq);
      wait_backoff (l);
      continue;
    }
    if (g_atomic_int_compare_and_exchange (&l->accepted, 1, 0)) {
      if (l->o.on_lost)
        l->o.on_lost (l->o.data);
      g_autofree char *text =
          g_strdup_printf ("lost the broker at %s:%d: %s", l->host, l->port, mosquitto_strerror (rc));
      trouble (l, text);
    } else if (!l->refused) {
      g_autofree char *text = g_strdup_printf (
          "the connection to %s:%d closed before the broker accepted it: %s (a TLS listener reached without "
          "[mqtt] tls_ca, a plain one with it, or not an MQTT port?)",
          l->host, l->port, mosquitto_strerror (rc));
      trouble (l, text);
    }
    mosquitto_disconnect (l->mosq);
    wait_backoff (l);
  }
  return NULL;
}

static gboolean
apply_login_and_tls (struct mosquitto *mosq, const struct hwcfg_mqtt *cfg, GError **error)
{
  int rc = MOSQ_ERR_SUCCESS;
  if (cfg->username)
    rc = mosquitto_username_pw_set (mosq, cfg->username, cfg->password);
  if (rc == MOSQ_ERR_SUCCESS && cfg->tls_ca)
    rc = mosquitto_tls_set (mosq, cfg->tls_ca, NULL, cfg->tls_cert, cfg->tls_key, NULL);
  if (rc != MOSQ_ERR_SUCCESS) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "[mqtt]: %s", mosquitto_strerror (rc));
    return FALSE;
  }
  return TRUE;
}

struct mqtt_link *
mqtt_link_start (const struct mqtt_link_opts *opts, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_once (&once, lib_init, NULL);
  struct mqtt_link *l = g_new0 (struct mqtt_link, 1);
  l->o = *opts;
  l->what = g_strdup (opts->what ? opts->what : "mqtt");
  l->host = g_strdup (opts->mqtt->host);
  l->port = opts->mqtt->port;
  l->will_topic = g_strdup (opts->will_topic);
  l->will_payload = g_strdup (opts->will_payload ? opts->will_payload : "");
  l->subscriptions = g_strdupv ((char **) opts->subscriptions);
  l->backoff_s = BACKOFF_MIN_S;
  g_mutex_init (&l->lock);
  g_autofree char *id = opts->client_id ? g_strdup (opts->client_id)
                                        : g_strdup_printf ("crosswatch-%d-%p", (int) getpid (), (void *) l);
  l->mosq = mosquitto_new (id, !opts->persistent, l);
  if (!l->mosq) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no MQTT client for client id '%s': %s", l->what, id,
                 g_strerror (errno));
    mqtt_link_stop (l, NULL, NULL);
    return NULL;
  }
  mosquitto_int_option (l->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  /* publishers on other threads while this link's thread runs the loop */
  mosquitto_threaded_set (l->mosq, true);
  if (!apply_login_and_tls (l->mosq, opts->mqtt, error)) {
    mqtt_link_stop (l, NULL, NULL);
    return NULL;
  }
  if (l->will_topic)
    mosquitto_will_set (l->mosq, l->will_topic, (int) strlen (l->will_payload), l->will_payload, 1, true);
  mosquitto_connect_v5_callback_set (l->mosq, on_connect);
  mosquitto_message_callback_set (l->mosq, on_message);
  mosquitto_subscribe_callback_set (l->mosq, on_subscribe);
  mosquitto_publish_callback_set (l->mosq, on_publish);
  g_autofree char *name = g_strdup_printf ("mqtt-%s", l->what);
  name[MIN (strlen (name), 15)] = '\0'; /* thread names are 15 bytes */
  l->thread = g_thread_new (name, network_main, l);
  return l;
}

void
mqtt_link_stop (struct mqtt_link *l, const char *bye_topic, const char *bye)
{
  if (!l)
    return;
  if (l->thread && bye_topic && g_atomic_int_get (&l->accepted)) {
    /* a clean goodbye (the will is only for vanishing): sent, and
     * acknowledged, before the connection goes */
    int mid = 0;
    g_atomic_int_set (&l->bye_mid, -1); /* until the id is known, no acknowledgement is mistaken for it */
    if (mosquitto_publish (l->mosq, &mid, bye_topic, (int) strlen (bye), bye, 1, true) == MOSQ_ERR_SUCCESS) {
      g_atomic_int_set (&l->bye_mid, mid);
      gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;
      while (!g_atomic_int_get (&l->bye_acked) && g_atomic_int_get (&l->accepted) && g_get_monotonic_time () < until)
        g_usleep (10 * 1000);
    }
  }
  g_atomic_int_set (&l->stop, 1);
  if (l->thread)
    g_thread_join (l->thread);
  if (l->mosq) {
    mosquitto_disconnect (l->mosq);
    mosquitto_destroy (l->mosq);
  }
  g_free (l->what);
  g_free (l->host);
  g_free (l->will_topic);
  g_free (l->will_payload);
  g_strfreev (l->subscriptions);
  g_free (l->problem);
  g_free (l->said);
  g_mutex_clear (&l->lock);
  g_free (l);
}

int
mqtt_link_publish (struct mqtt_link *l, int *mid, const char *topic, const void *payload, int len, int qos,
                   bool retain, gint64 expiry_s)
{
  if (!g_atomic_int_get (&l->accepted))
    return MOSQ_ERR_NO_CONN;
  mosquitto_property *props = NULL;
  if (expiry_s > 0)
    mosquitto_property_add_int32 (&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, (uint32_t) MIN (expiry_s, G_MAXUINT32));
  int rc = mosquitto_publish_v5 (l->mosq, mid, topic, len, payload, qos, retain, props);
  mosquitto_property_free_all (&props);
  return rc;
}

bool
mqtt_link_connected (struct mqtt_link *l)
{
  return l && g_atomic_int_get (&l->accepted);
}

char *
mqtt_link_problem (struct mqtt_link *l)
{
  g_mutex_lock (&l->lock);
  char *p = g_strdup (l->problem);
  g_mutex_unlock (&l->lock);
  return p;
}
