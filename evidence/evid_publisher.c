#include "evid_publisher.h"

#include "evid_key.h"
#include "evid_publication.h"
#include "evid_recorder.h"
#include "evid_store.h"
#include "evid_store_head.h"

#include "hwcfg_mqtt.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <unistd.h>
#include <string.h>

#define KEEPALIVE_S 30
#define MAX_IN_FLIGHT 20
#define RECONNECT_EVERY_US (2 * G_USEC_PER_SEC)
/* how often the cases due on displays are resolved (a confirmation, a
 * display added to the config) */
#define DISPLAY_SYNC_EVERY_US (2 * G_USEC_PER_SEC)

struct evid_publisher {
  const struct hwcfg *cfg;
  struct evid_store *store;
  struct evid_key *key;   /* signs display messages as they are queued */
  gint64 last_sync_us;
  struct mosquitto *mosq;
  char *host;
  int port;
  char *available_topic;
  char *chain_topic, *head_path;
  char *head_sent;        /* the chain head last acknowledged by the broker */
  char *head_in_flight;   /* the one on its way */
  int head_mid;
  bool connected;
  gint64 last_attempt_us;
  GHashTable *in_flight;  /* mid -> outbox row id */
  GHashTable *row_busy;   /* outbox row id (gint64*) -> TRUE */
  GError *store_error;    /* from a callback, reported by the next pump */
};

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  struct evid_publisher *pub = data;
  if (rc != 0) {
    g_warning ("MQTT %s:%d refused the connection: %s", pub->host, pub->port, hwcfg_mqtt_connack_text (rc));
    return;
  }
  pub->connected = true;
  mosquitto_publish (mosq, NULL, pub->available_topic, 6, "online", 1, true);
}

static void
on_disconnect (struct mosquitto *mosq, void *data, int rc)
{
  struct evid_publisher *pub = data;
  pub->connected = false;
  g_clear_pointer (&pub->head_in_flight, g_free); /* sent again after the reconnect */
  /* Unacknowledged rows stay unsent in the store and go again. */
  g_hash_table_remove_all (pub->in_flight);
  g_hash_table_remove_all (pub->row_busy);
}

static void
on_publish (struct mosquitto *mosq, void *data, int mid)
{
  struct evid_publisher *pub = data;
  gpointer row;
  if (pub->head_in_flight && mid == pub->head_mid) {
    g_free (pub->head_sent);
    pub->head_sent = g_steal_pointer (&pub->head_in_flight);
    return;
  }
  if (!g_hash_table_lookup_extended (pub->in_flight, GINT_TO_POINTER (mid), NULL, &row))
    return; /* the "online" message */
  gint64 id = *(gint64 *) row;
  if (!pub->store_error)
    evid_store_outbox_mark_sent (pub->store, id, &pub->store_error);
  g_hash_table_remove (pub->row_busy, row);
  g_hash_table_remove (pub->in_flight, GINT_TO_POINTER (mid));
}

struct evid_publisher *
evid_publisher_create (const struct hwcfg *cfg, GError **error)
{
  struct evid_store *st = evid_store_open (cfg->evidence.db, error);
  if (!st)
    return NULL;
  mosquitto_lib_init ();
  struct evid_publisher *pub = g_new0 (struct evid_publisher, 1);
  pub->cfg = cfg;
  pub->store = st;
  if (cfg->mqtt.displays && *cfg->mqtt.displays) {
    if (!(pub->key = evid_recorder_open_key (st, cfg->evidence.key, error))) {
      g_prefix_error (error, "the publisher signs what displays show: ");
      evid_publisher_free (pub);
      return NULL;
    }
    evid_store_set_signer (st, pub->key, cfg->site_id);
    evid_store_set_displays (st, (const char *const *) cfg->mqtt.displays);
  }
  pub->host = g_strdup (cfg->mqtt.host);
  pub->port = cfg->mqtt.port;
  pub->available_topic = g_strdup_printf ("crosswatch/%s/available", cfg->site_id);
  pub->chain_topic = g_strdup_printf ("crosswatch/%s/chain", cfg->site_id);
  pub->head_path = evid_chain_head_path (cfg->evidence.db);
  pub->in_flight = g_hash_table_new (g_direct_hash, g_direct_equal);
  pub->row_busy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *client_id = g_strdup_printf ("crosswatch-%s-%d", cfg->site_id, (int) getpid ());
  pub->mosq = mosquitto_new (client_id, true, pub);
  if (!pub->mosq) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "cannot create MQTT client");
    evid_publisher_free (pub);
    return NULL;
  }
  /* MQTT v5: a retained display show carries its expiry, and the broker
   * drops it then (no display is handed a stale case) */
  mosquitto_int_option (pub->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_will_set (pub->mosq, pub->available_topic, 7, "offline", 1, true);
  if (!hwcfg_mqtt_apply (pub->mosq, &cfg->mqtt, error)) {
    evid_publisher_free (pub);
    return NULL;
  }
  mosquitto_connect_callback_set (pub->mosq, on_connect);
  mosquitto_disconnect_callback_set (pub->mosq, on_disconnect);
  mosquitto_publish_callback_set (pub->mosq, on_publish);
  return pub;
}

void
evid_publisher_free (struct evid_publisher *pub)
{
  if (!pub)
    return;
  if (pub->mosq) {
    if (pub->connected) {
      /* A clean goodbye: the will is only for vanishing. */
      mosquitto_publish (pub->mosq, NULL, pub->available_topic, 7, "offline", 1, true);
      for (int i = 0; i < 10; i++)
        mosquitto_loop (pub->mosq, 50, 1);
      mosquitto_disconnect (pub->mosq);
    }
    mosquitto_destroy (pub->mosq);
  }
  g_hash_table_destroy (pub->in_flight);
  g_hash_table_destroy (pub->row_busy);
  g_clear_error (&pub->store_error);
  if (pub->store)
    evid_store_set_signer (pub->store, NULL, pub->cfg->site_id);
  evid_store_close (pub->store);
  evid_key_free (pub->key);
  g_free (pub->host);
  g_free (pub->available_topic);
  g_free (pub->chain_topic);
  g_free (pub->head_path);
  g_free (pub->head_sent);
  g_free (pub->head_in_flight);
  g_free (pub);
}

bool
evid_publisher_connected (const struct evid_publisher *pub)
{
  return pub && pub->connected;
}

static void
try_connect (struct evid_publisher *pub)
{
  gint64 now = g_get_monotonic_time ();
  if (pub->last_attempt_us && now - pub->last_attempt_us < RECONNECT_EVERY_US)
    return;
  pub->last_attempt_us = now;
  int rc = mosquitto_connect (pub->mosq, pub->host, pub->port, KEEPALIVE_S);
  if (rc != MOSQ_ERR_SUCCESS)
    g_debug ("MQTT %s:%d: %s; retrying", pub->host, pub->port, mosquitto_strerror (rc));
}

static bool
publish_pending (struct evid_publisher *pub, GError **error)
{
  int room = MAX_IN_FLIGHT - (int) g_hash_table_size (pub->in_flight);
  if (room <= 0)
    return true;
  g_autoptr (GPtrArray) rows = evid_store_outbox_pending (pub->store, MAX_IN_FLIGHT * 2, error);
  if (!rows)
    return false;
  for (guint i = 0; i < rows->len && room > 0; i++) {
    struct evid_outbox_row *r = g_ptr_array_index (rows, i);
    if (g_hash_table_contains (pub->row_busy, &r->id))
      continue;
    gsize len;
    const void *data = g_bytes_get_data (r->payload, &len);
    int mid = 0;
    mosquitto_property *props = NULL;
    if (r->expires_us) {
      gint64 left_s = (r->expires_us - g_get_real_time ()) / G_USEC_PER_SEC;
      if (left_s <= 0) { /* past its showing time before the broker could take it: nothing to send */
        if (!evid_store_outbox_mark_sent (pub->store, r->id, error))
          return false;
        continue;
      }
      mosquitto_property_add_int32 (&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, (uint32_t) MIN (left_s, G_MAXUINT32));
    }
    int rc = mosquitto_publish_v5 (pub->mosq, &mid, r->topic, (int) len, data, 1, r->retain, props);
    mosquitto_property_free_all (&props);
    if (rc != MOSQ_ERR_SUCCESS)
      break; /* connection trouble: the loop will notice */
    gint64 *key = g_new (gint64, 1);
    *key = r->id;
    g_hash_table_insert (pub->row_busy, key, GINT_TO_POINTER (1));
    g_hash_table_insert (pub->in_flight, GINT_TO_POINTER (mid), key);
    room--;
  }
  return true;
}

/* The signed chain head (evid_store_head.h), retained on
 * crosswatch/<site>/chain whenever it moved: whoever keeps a copy can later
 * tell if the newest packets or audit rows were deleted from the store. */
static void
publish_head (struct evid_publisher *pub)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (pub->head_in_flight || !g_file_get_contents (pub->head_path, &text, &len, NULL) ||
      g_strcmp0 (text, pub->head_sent) == 0)
    return;
  if (mosquitto_publish (pub->mosq, &pub->head_mid, pub->chain_topic, (int) len, text, 1, true) == MOSQ_ERR_SUCCESS)
    pub->head_in_flight = g_steal_pointer (&text);
}

/* TRUE while the chain head on disk is not the one the broker acknowledged. */
static bool
head_waiting (struct evid_publisher *pub)
{
  g_autofree char *text = NULL;
  if (pub->head_in_flight)
    return true;
  return g_file_get_contents (pub->head_path, &text, NULL, NULL) && g_strcmp0 (text, pub->head_sent) != 0;
}

int
evid_publisher_pump (struct evid_publisher *pub, int timeout_ms, GError **error)
{
  g_return_val_if_fail (pub != NULL, -1);
  gint64 now = g_get_monotonic_time ();
  if (pub->key && (!pub->last_sync_us || now - pub->last_sync_us >= DISPLAY_SYNC_EVERY_US)) {
    pub->last_sync_us = now;
    if (evid_publication_sync_displays (pub->store, pub->cfg, g_get_real_time (), error) < 0)
      return -1;
  }
  if (!pub->connected)
    try_connect (pub);
  if (pub->connected && !publish_pending (pub, error))
    return -1;
  if (pub->connected)
    publish_head (pub);
  int rc = mosquitto_loop (pub->mosq, timeout_ms, 1);
  if (rc != MOSQ_ERR_SUCCESS && pub->connected) {
    pub->connected = false;
    g_hash_table_remove_all (pub->in_flight);
    g_hash_table_remove_all (pub->row_busy);
  } else if (rc != MOSQ_ERR_SUCCESS) {
    g_usleep ((gulong) timeout_ms * 1000);
  }
  if (pub->store_error) {
    g_propagate_error (error, pub->store_error);
    pub->store_error = NULL;
    return -1;
  }
  int pending = evid_store_outbox_count_pending (pub->store, error);
  return pending < 0 ? pending : pending + (head_waiting (pub) ? 1 : 0);
}
