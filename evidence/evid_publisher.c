#include "evid_publisher.h"

#include "evid_key.h"
#include "evid_publication.h"
#include "evid_recorder.h"
#include "evid_store.h"
#include "evid_store_head.h"

#include "mqtt_link.h"

#include <mosquitto.h>
#include <unistd.h>
#include <string.h>

#define MAX_IN_FLIGHT 20
/* how often the cases due on displays are resolved (a confirmation, a
 * display added to the config) */
#define DISPLAY_SYNC_EVERY_US (2 * G_USEC_PER_SEC)

struct evid_publisher {
  const struct hwcfg *cfg;
  struct evid_store *store;
  struct evid_key *key;   /* signs display messages as they are queued */
  gint64 last_sync_us;
  struct mqtt_link *link;  /* its own thread; the callbacks below run there */
  GAsyncQueue *acks;        /* acknowledged message ids, from the link's thread */
  gint generation;          /* atomic: connections lost so far */
  int seen_generation;      /* what the pump last acted on */
  char *available_topic;
  char *chain_topic, *head_path;
  char *head_sent;        /* the chain head last acknowledged by the broker */
  char *head_in_flight;   /* the one on its way */
  int head_mid;
  GHashTable *in_flight;  /* mid -> outbox row id */
  GHashTable *row_busy;   /* outbox row id (gint64*) -> TRUE */
  GError *store_error;    /* from a callback, reported by the next pump */
  char *status_topic;
  /* evid_publisher_start: the publisher's own thread */
  GThread *thread;
  gboolean stop;          /* under lock */
  int drain_ms;           /* under lock */
  int backlog;            /* atomic: rows the last pump left unacknowledged */
  GMutex lock;            /* status, stop */
  char *status;           /* the newest status, not yet sent; under lock */
};

/* On the link's thread: said retained, so whoever subscribes learns it
 * (on LINK: the first connection may come before pub->link is set). */
static void
on_connected (void *data, struct mqtt_link *link)
{
  struct evid_publisher *pub = data;
  mqtt_link_publish (link, NULL, pub->available_topic, "online", 6, 1, true, 0);
}

/* On the link's thread: rows in flight go again after the reconnect (the
 * pump forgets them when it sees the generation move). */
static void
on_lost (void *data)
{
  g_atomic_int_inc (&((struct evid_publisher *) data)->generation);
}

static void
on_published (void *data, int mid)
{
  struct evid_publisher *pub = data;
  if (mid > 0)
    g_async_queue_push (pub->acks, GINT_TO_POINTER (mid));
}

/* On the pump's thread: the broker has message MID. */
static void
acknowledged (struct evid_publisher *pub, int mid)
{
  gpointer row;
  if (pub->head_in_flight && mid == pub->head_mid) {
    g_free (pub->head_sent);
    pub->head_sent = g_steal_pointer (&pub->head_in_flight);
    return;
  }
  if (!g_hash_table_lookup_extended (pub->in_flight, GINT_TO_POINTER (mid), NULL, &row))
    return; /* a status */
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
  pub->available_topic = g_strdup_printf ("crosswatch/%s/available", cfg->site_id);
  pub->chain_topic = g_strdup_printf ("crosswatch/%s/chain", cfg->site_id);
  pub->status_topic = g_strdup_printf ("crosswatch/%s/status", cfg->site_id);
  g_mutex_init (&pub->lock);
  pub->head_path = evid_chain_head_path (cfg->evidence.db);
  pub->in_flight = g_hash_table_new (g_direct_hash, g_direct_equal);
  pub->row_busy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  pub->acks = g_async_queue_new ();
  g_autofree char *client_id = g_strdup_printf ("crosswatch-%s-%d", cfg->site_id, (int) getpid ());
  /* a retained display show carries its expiry (MQTT v5), and the broker
   * drops it then: no display is handed a stale case */
  const struct mqtt_link_opts opts = {.what = "publisher", .mqtt = &cfg->mqtt, .client_id = client_id,
                                      .will_topic = pub->available_topic, .will_payload = "offline",
                                      .on_connected = on_connected, .on_lost = on_lost,
                                      .on_published = on_published, .data = pub};
  pub->link = mqtt_link_start (&opts, error);
  if (!pub->link) {
    evid_publisher_free (pub);
    return NULL;
  }
  return pub;
}

void
evid_publisher_free (struct evid_publisher *pub)
{
  if (!pub)
    return;
  evid_publisher_stop (pub, 0);
  /* a clean goodbye: the will is only for vanishing */
  mqtt_link_stop (pub->link, pub->available_topic, "offline");
  if (pub->acks)
    g_async_queue_unref (pub->acks);
  g_hash_table_destroy (pub->in_flight);
  g_hash_table_destroy (pub->row_busy);
  g_clear_error (&pub->store_error);
  if (pub->store)
    evid_store_set_signer (pub->store, NULL, pub->cfg->site_id);
  evid_store_close (pub->store);
  evid_key_free (pub->key);
  g_free (pub->available_topic);
  g_free (pub->chain_topic);
  g_free (pub->status_topic);
  g_free (pub->status);
  g_mutex_clear (&pub->lock);
  g_free (pub->head_path);
  g_free (pub->head_sent);
  g_free (pub->head_in_flight);
  g_free (pub);
}

bool
evid_publisher_connected (const struct evid_publisher *pub)
{
  return pub && mqtt_link_connected (pub->link);
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
    gint64 left_s = 0;
    if (r->expires_us) {
      left_s = (r->expires_us - g_get_real_time ()) / G_USEC_PER_SEC;
      if (left_s <= 0) { /* past its showing time before the broker could take it: nothing to send */
        if (!evid_store_outbox_mark_sent (pub->store, r->id, error))
          return false;
        continue;
      }
    }
    int rc = mqtt_link_publish (pub->link, &mid, r->topic, data, (int) len, 1, r->retain, left_s);
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
  if (mqtt_link_publish (pub->link, &pub->head_mid, pub->chain_topic, text, (int) len, 1, true, 0) == MOSQ_ERR_SUCCESS)
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

/* The newest status, retained: a dashboard subscribing late sees it at
 * once. QoS 0: the next one is 10 s away. */
static void
publish_status (struct evid_publisher *pub)
{
  g_mutex_lock (&pub->lock);
  char *status = g_steal_pointer (&pub->status);
  g_mutex_unlock (&pub->lock);
  if (status)
    mqtt_link_publish (pub->link, NULL, pub->status_topic, status, (int) strlen (status), 0, true, 0);
  g_free (status);
}

void
evid_publisher_set_status (struct evid_publisher *pub, const char *json)
{
  g_mutex_lock (&pub->lock);
  g_free (pub->status);
  pub->status = g_strdup (json);
  g_mutex_unlock (&pub->lock);
}

int
evid_publisher_backlog (struct evid_publisher *pub)
{
  return g_atomic_int_get (&pub->backlog);
}

/* The publisher's thread: the store's busy waits and the broker's
 * connects and timeouts never hold up the main loop. A store error is
 * said once, until it changes. */
static gpointer
publisher_main (gpointer data)
{
  struct evid_publisher *pub = data;
  g_autofree char *last_error = NULL;
  gint64 drain_until = 0;
  for (;;) {
    g_mutex_lock (&pub->lock);
    gboolean stop = pub->stop;
    int drain_ms = pub->drain_ms;
    g_mutex_unlock (&pub->lock);
    if (stop && !drain_until)
      drain_until = g_get_monotonic_time () + (gint64) drain_ms * 1000;
    g_autoptr (GError) err = NULL;
    int left = evid_publisher_pump (pub, 100, &err);
    if (left >= 0)
      g_atomic_int_set (&pub->backlog, left);
    if (err && g_strcmp0 (err->message, last_error) != 0) {
      g_printerr ("crosswatch: outbox: %s\n", err->message);
      g_free (last_error);
      last_error = g_strdup (err->message);
    }
    if (stop && (left == 0 || g_get_monotonic_time () >= drain_until))
      return NULL;
  }
}

void
evid_publisher_start (struct evid_publisher *pub)
{
  if (!pub->thread)
    pub->thread = g_thread_new ("cw-publisher", publisher_main, pub);
}

void
evid_publisher_stop (struct evid_publisher *pub, int drain_ms)
{
  if (!pub || !pub->thread)
    return;
  g_mutex_lock (&pub->lock);
  pub->stop = TRUE;
  pub->drain_ms = drain_ms;
  g_mutex_unlock (&pub->lock);
  g_thread_join (pub->thread);
  pub->thread = NULL;
}

/* Acknowledgements come on the link's thread; the store is written here. */
static void
take_acks (struct evid_publisher *pub, int wait_ms)
{
  gpointer mid = wait_ms > 0 ? g_async_queue_timeout_pop (pub->acks, (guint64) wait_ms * 1000)
                             : g_async_queue_try_pop (pub->acks);
  for (; mid; mid = g_async_queue_try_pop (pub->acks))
    acknowledged (pub, GPOINTER_TO_INT (mid));
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
  int generation = g_atomic_int_get (&pub->generation);
  if (generation != pub->seen_generation) {
    /* the connection was lost: what was in flight goes again, unacknowledged
     * rows being still unsent in the store */
    pub->seen_generation = generation;
    g_hash_table_remove_all (pub->in_flight);
    g_hash_table_remove_all (pub->row_busy);
    g_clear_pointer (&pub->head_in_flight, g_free);
    while (g_async_queue_try_pop (pub->acks))
      ;
  }
  take_acks (pub, 0);
  if (mqtt_link_connected (pub->link)) {
    if (!publish_pending (pub, error))
      return -1;
    publish_head (pub);
    publish_status (pub);
  }
  take_acks (pub, timeout_ms);
  if (pub->store_error) {
    g_propagate_error (error, pub->store_error);
    pub->store_error = NULL;
    return -1;
  }
  int pending = evid_store_outbox_count_pending (pub->store, error);
  return pending < 0 ? pending : pending + (head_waiting (pub) ? 1 : 0);
}
