#include "disp_client.h"

#include "disp_render.h"
#include "evid_display_msg.h"
#include "evid_json.h"
#include "evid_json_guard.h"
#include "evid_keyring.h"
#include "hwcfg_mqtt.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <string.h>
#include <unistd.h>

/* The state file stays small: one entry per trusted device and at most
 * RETRACTED_MAX packet ids (a replayed show of an older packet is refused by
 * its seq anyway; the retraction list is the second line of defence). */
#define STATE_VERSION 1
#define STATE_MAX_BYTES (2 * 1024 * 1024)
#define STATE_MAX_DEPTH 4
#define RETRACTED_MAX 10000
#define SCREENS_MAX 10000
/* a payload of EVID_DISPLAY_MSG_MAX_BYTES, its topic and MQTT headers */
#define MAX_PACKET_BYTES (EVID_DISPLAY_MSG_MAX_BYTES + 4096)

/* The last message acted on from one signing device. */
struct device_seen {
  gint64 seq;
  char *packet_id;
  char *kind;
};

struct disp_client {
  const struct hwcfg_display *cfg;
  struct evid_keyring *trusted;
  char *state_path;
  GHashTable *devices;   /* lower-case key hex -> struct device_seen */
  GHashTable *retracted; /* packet id (lower case) -> itself, owned by retracted_order */
  GQueue *retracted_order;
  GHashTable *screens;   /* packet id on screen -> its show's expiry (gint64 *, unix us) */
};

static void
device_seen_free (gpointer p)
{
  struct device_seen *d = p;
  g_free (d->packet_id);
  g_free (d->kind);
  g_free (d);
}

static gboolean
state_error (GError **error, const char *path, const char *why)
{
  g_set_error (error, DISP_ERROR, DISP_ERROR_STATE,
               "display state %s: %s (move it away to start with no memory of seq and retractions)", path, why);
  return FALSE;
}

static void
remember_retracted (struct disp_client *c, const char *packet_id)
{
  char *id = g_ascii_strdown (packet_id, -1);
  if (g_hash_table_contains (c->retracted, id)) {
    g_free (id);
    return;
  }
  g_queue_push_tail (c->retracted_order, id);
  g_hash_table_add (c->retracted, id);
  while (g_queue_get_length (c->retracted_order) > RETRACTED_MAX) {
    char *old = g_queue_pop_head (c->retracted_order);
    g_hash_table_remove (c->retracted, old);
    g_free (old);
  }
}

static void
set_screen (struct disp_client *c, const char *packet_id, gint64 expires_us)
{
  g_hash_table_replace (c->screens, g_strdup (packet_id), g_memdup2 (&expires_us, sizeof expires_us));
}

static gboolean
was_retracted (const struct disp_client *c, const char *packet_id)
{
  g_autofree char *id = g_ascii_strdown (packet_id, -1);
  return g_hash_table_contains (c->retracted, id);
}

static void
set_device (struct disp_client *c, const char *key, gint64 seq, const char *packet_id, const char *kind)
{
  struct device_seen *d = g_new0 (struct device_seen, 1);
  d->seq = seq;
  d->packet_id = g_strdup (packet_id);
  d->kind = g_strdup (kind);
  g_hash_table_replace (c->devices, g_ascii_strdown (key, -1), d);
}

/* ---- the state file ------------------------------------------------------- */

static gboolean
load_device (struct disp_client *c, const char *key, JsonNode *node, GError **error)
{
  GError *local = NULL;
  JsonObject *o = evid_json_guard_object (node, "device entry", &local);
  gint64 seq = -1;
  const char *packet_id = o ? evid_json_member_string (o, "packet_id", FALSE, &local) : NULL;
  const char *kind = packet_id ? evid_json_member_string (o, "kind", FALSE, &local) : NULL;
  if (kind)
    evid_json_member_int (o, "seq", &seq, &local);
  if (local) {
    state_error (error, c->state_path, local->message);
    g_error_free (local);
    return FALSE;
  }
  if (!evid_public_hex_valid (key) || seq < 0 || !evid_display_packet_id_valid (packet_id) ||
      (strcmp (kind, "show") != 0 && strcmp (kind, "retract") != 0))
    return state_error (error, c->state_path, "a device entry is malformed");
  set_device (c, key, seq, packet_id, kind);
  return TRUE;
}

static gboolean
load_state_object (struct disp_client *c, JsonObject *o, GError **error)
{
  GError *local = NULL;
  gint64 v = 0;
  JsonObject *devices = NULL, *screens = NULL;
  JsonArray *retracted = NULL;
  if (evid_json_member_int (o, "v", &v, &local) && (devices = evid_json_member_object (o, "devices", FALSE, &local)) &&
      (retracted = evid_json_member_array (o, "retracted", FALSE, &local)))
    screens = evid_json_member_object (o, "screens", FALSE, &local);
  if (local) {
    state_error (error, c->state_path, local->message);
    g_error_free (local);
    return FALSE;
  }
  if (v != STATE_VERSION)
    return state_error (error, c->state_path, "unknown version");
  if (json_object_get_size (devices) > 4096 || json_array_get_length (retracted) > RETRACTED_MAX ||
      json_object_get_size (screens) > SCREENS_MAX)
    return state_error (error, c->state_path, "more entries than a display keeps");
  g_autoptr (GList) keys = json_object_get_members (devices);
  for (GList *k = keys; k; k = k->next)
    if (!load_device (c, k->data, json_object_get_member (devices, k->data), error))
      return FALSE;
  for (guint i = 0; i < json_array_get_length (retracted); i++) {
    JsonNode *n = json_array_get_element (retracted, i);
    const char *id = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                         ? json_node_get_string (n)
                         : NULL;
    if (!evid_display_packet_id_valid (id))
      return state_error (error, c->state_path, "a retracted packet id is malformed");
    remember_retracted (c, id);
  }
  g_autoptr (GList) ids = json_object_get_members (screens);
  for (GList *l = ids; l; l = l->next) {
    gint64 expires;
    if (!evid_display_packet_id_valid (l->data) || !evid_json_member_int (screens, l->data, &expires, NULL))
      return state_error (error, c->state_path, "a screen entry is malformed");
    set_screen (c, l->data, expires);
  }
  return TRUE;
}

static gboolean
load_state (struct disp_client *c, GError **error)
{
  GStatBuf st;
  if (g_lstat (c->state_path, &st) != 0) {
    if (errno == ENOENT)
      return TRUE; /* a new display: no memory yet */
    return state_error (error, c->state_path, g_strerror (errno));
  }
  if (!S_ISREG (st.st_mode))
    return state_error (error, c->state_path, "not a regular file");
  if (st.st_size > STATE_MAX_BYTES)
    return state_error (error, c->state_path, "larger than a display's state can be");
  g_autofree char *text = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents (c->state_path, &text, &len, &local)) {
    state_error (error, c->state_path, local->message);
    g_error_free (local);
    return FALSE;
  }
  g_autoptr (JsonNode) root = evid_json_guard_parse (text, len, STATE_MAX_BYTES, STATE_MAX_DEPTH, &local);
  JsonObject *o = root ? evid_json_guard_object (root, "the state", &local) : NULL;
  if (!o) {
    state_error (error, c->state_path, local->message);
    g_error_free (local);
    return FALSE;
  }
  return load_state_object (c, o, error);
}

static char *
state_text (const struct disp_client *c)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_int (b, "v", STATE_VERSION);
  json_builder_set_member_name (b, "devices");
  json_builder_begin_object (b);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, c->devices);
  while (g_hash_table_iter_next (&it, &key, &value)) {
    const struct device_seen *d = value;
    json_builder_set_member_name (b, key);
    json_builder_begin_object (b);
    evid_json_int (b, "seq", d->seq);
    evid_json_string (b, "packet_id", d->packet_id);
    evid_json_string (b, "kind", d->kind);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "retracted");
  json_builder_begin_array (b);
  for (GList *l = c->retracted_order->head; l; l = l->next)
    json_builder_add_string_value (b, l->data);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "screens");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&it, c->screens);
  while (g_hash_table_iter_next (&it, &key, &value))
    evid_json_int (b, key, *(gint64 *) value);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Written to a temporary file, synced, renamed over the old one: a crash
 * leaves the old state or the new, never half of one. */
static gboolean
save_state (const struct disp_client *c, GError **error)
{
  g_autofree char *text = state_text (c);
  GError *local = NULL;
  if (!g_file_set_contents_full (c->state_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, &local)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_STATE, "display state not saved (a replay could be shown after a "
                 "restart): %s", local->message);
    g_error_free (local);
    return FALSE;
  }
  return TRUE;
}

/* ---- the client ----------------------------------------------------------- */

struct disp_client *
disp_client_new (const struct hwcfg_display *cfg, GError **error)
{
  g_return_val_if_fail (cfg != NULL && cfg->out_dir != NULL, NULL);
  struct disp_client *c = g_new0 (struct disp_client, 1);
  c->cfg = cfg;
  c->trusted = evid_keyring_new ();
  c->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, device_seen_free);
  c->retracted = g_hash_table_new (g_str_hash, g_str_equal);
  c->retracted_order = g_queue_new ();
  c->screens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->state_path = g_build_filename (cfg->out_dir, DISP_STATE_FILE, NULL);
  GError *local = NULL;
  if (!evid_keyring_add_files (c->trusted, cfg->trusted_keys, &local)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG, "display %s: [display] trusted_keys: %s", cfg->id,
                 local->message);
    g_error_free (local);
    goto fail;
  }
  if (evid_keyring_size (c->trusted) == 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG,
                 "display %s: no trusted key ([display] trusted_keys): it would show nothing", cfg->id);
    goto fail;
  }
  if (g_mkdir_with_parents (cfg->out_dir, 0755) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_STATE, "%s: %s", cfg->out_dir, g_strerror (errno));
    goto fail;
  }
  if (!load_state (c, error))
    goto fail;
  return c;
fail:
  disp_client_free (c);
  return NULL;
}

void
disp_client_free (struct disp_client *c)
{
  if (!c)
    return;
  evid_keyring_free (c->trusted);
  g_hash_table_destroy (c->devices);
  g_hash_table_destroy (c->retracted);
  g_queue_free_full (c->retracted_order, g_free);
  g_hash_table_destroy (c->screens);
  g_free (c->state_path);
  g_free (c);
}

static char *
screen_path (const struct disp_client *c, const char *packet_id)
{
  g_autofree char *name = g_strdup_printf ("%s.png", packet_id);
  return g_build_filename (c->cfg->out_dir, name, NULL);
}

static gboolean
show (struct disp_client *c, const struct evid_display_msg *m, GError **error)
{
  const char *id = evid_display_msg_packet_id (m);
  g_autofree char *path = screen_path (c, id);
  g_autofree char *url = disp_case_url (c->cfg->case_url_base, id);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  g_autofree char *until = evid_display_utc_format (evid_display_msg_expires_us (m));
  if (g_hash_table_size (c->screens) >= SCREENS_MAX && !g_hash_table_contains (c->screens, id)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%d screens already shown: packet %s not shown", SCREENS_MAX,
                 id);
    return FALSE;
  }
  if (!disp_render_png (evid_display_msg_content (m), evid_display_msg_image (m, NULL, NULL), url, c->cfg->width,
                        c->cfg->height, tmp, error)) {
    g_unlink (tmp);
    return FALSE;
  }
  if (g_rename (tmp, path) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path, g_strerror (errno));
    g_unlink (tmp);
    return FALSE;
  }
  set_screen (c, id, evid_display_msg_expires_us (m));
  g_message ("display %s: showing packet %s (%s) until %s", c->cfg->id, id, path, until);
  return TRUE;
}

static gboolean
retract (struct disp_client *c, const struct evid_display_msg *m, GError **error)
{
  const char *id = evid_display_msg_packet_id (m);
  g_autofree char *path = screen_path (c, id);
  if (g_unlink (path) != 0 && errno != ENOENT) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "cannot remove %s: %s", path, g_strerror (errno));
    return FALSE;
  }
  remember_retracted (c, id);
  g_hash_table_remove (c->screens, id);
  g_message ("display %s: retracted packet %s", c->cfg->id, id);
  return TRUE;
}

/* Replay and retraction memory. *REPEAT is set for an exact repeat of the
 * last message acted on from the same device. */
static gboolean
check_memory (const struct disp_client *c, const struct evid_display_msg *m, gboolean *repeat, GError **error)
{
  g_autofree char *key = g_ascii_strdown (evid_display_msg_device_key (m), -1);
  const struct device_seen *d = g_hash_table_lookup (c->devices, key);
  gint64 seq = evid_display_msg_seq (m);
  const char *id = evid_display_msg_packet_id (m), *kind = evid_display_msg_kind (m);
  *repeat = FALSE;
  if (d && seq == d->seq && g_ascii_strcasecmp (id, d->packet_id) == 0 && strcmp (kind, d->kind) == 0) {
    *repeat = TRUE;
    return TRUE;
  }
  if (d && seq <= d->seq) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_REPLAY,
                 "replay refused: %s of packet %s has seq %" G_GINT64_FORMAT ", device %.16s... was last seen at seq %"
                 G_GINT64_FORMAT " (%s of packet %s)",
                 kind, id, seq, key, d->seq, d->kind, d->packet_id);
    return FALSE;
  }
  if (strcmp (kind, "show") == 0 && was_retracted (c, id)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RETRACTED, "show of packet %s refused: it was retracted", id);
    return FALSE;
  }
  return TRUE;
}

gboolean
disp_client_expire (struct disp_client *c, gint64 now_us, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  GHashTableIter it;
  gpointer id, expires;
  gboolean changed = FALSE, ok = TRUE;
  g_hash_table_iter_init (&it, c->screens);
  while (g_hash_table_iter_next (&it, &id, &expires)) {
    if (*(gint64 *) expires > now_us)
      continue;
    g_autofree char *path = screen_path (c, id);
    if (g_unlink (path) != 0 && errno != ENOENT) {
      if (ok)
        g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "cannot remove expired %s: %s", path, g_strerror (errno));
      ok = FALSE;
      continue;
    }
    g_message ("display %s: packet %s expired, screen removed", c->cfg->id, (const char *) id);
    g_hash_table_iter_remove (&it);
    changed = TRUE;
  }
  if (changed && !save_state (c, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

gboolean
disp_client_handle (struct disp_client *c, const void *payload, gsize len, gint64 now_us, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  struct evid_display_msg *m = evid_display_msg_parse (payload, len, c->trusted, c->cfg->site_id, c->cfg->id, now_us,
                                                       error);
  gboolean repeat = FALSE, ok = FALSE;
  if (!m || !check_memory (c, m, &repeat, error))
    goto out;
  if (repeat) {
    ok = TRUE; /* already acted on: a QoS 1 redelivery or a retained message seen again */
    goto out;
  }
  if (!(evid_display_msg_is_show (m) ? show (c, m, error) : retract (c, m, error)))
    goto out;
  set_device (c, evid_display_msg_device_key (m), evid_display_msg_seq (m), evid_display_msg_packet_id (m),
              evid_display_msg_kind (m));
  ok = save_state (c, error);
out:
  evid_display_msg_free (m);
  return ok;
}

/* ---- MQTT ----------------------------------------------------------------- */

struct session {
  struct disp_client *client;
  const struct hwcfg_display *cfg;
  char *topic;
};

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  struct session *s = data;
  if (rc == 0)
    mosquitto_subscribe (mosq, NULL, s->topic, 1);
  else
    g_warning ("display %s: broker refused: %s", s->cfg->id, mosquitto_connack_string (rc));
}

static void
on_subscribe (struct mosquitto *mosq, void *data, int mid, int qos_count, const int *granted_qos)
{
  struct session *s = data;
  g_message ("display %s: subscribed to %s", s->cfg->id, s->topic);
}

static void
on_message (struct mosquitto *mosq, void *data, const struct mosquitto_message *m)
{
  struct session *s = data;
  g_autoptr (GError) err = NULL;
  /* A refused message is logged with its reason and skipped: the screen
   * keeps working (a retained one is refused again at each restart). */
  if (!disp_client_handle (s->client, m->payload, m->payloadlen > 0 ? (gsize) m->payloadlen : 0, g_get_real_time (),
                           &err))
    g_warning ("display %s: message on %s%s refused: %s", s->cfg->id, m->topic, m->retain ? " (retained)" : "",
               err->message);
}

/* MQTT v5, telling the broker the largest packet this display takes: a
 * bigger message is dropped by the broker, never read into memory here
 * (libmosquitto reads a whole packet before the size can be checked). */
static int
connect_bounded (struct mosquitto *mosq, const struct hwcfg_display *cfg)
{
  mosquitto_property *props = NULL;
  int rc = mosquitto_property_add_int32 (&props, MQTT_PROP_MAXIMUM_PACKET_SIZE, MAX_PACKET_BYTES);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_connect_bind_v5 (mosq, cfg->mqtt.host, cfg->mqtt.port, 30, NULL, props);
  mosquitto_property_free_all (&props);
  return rc;
}

int
disp_client_run (const struct hwcfg_display *cfg, volatile sig_atomic_t *stop)
{
  g_autoptr (GError) err = NULL; /* before any goto: the cleanup runs at out */
  struct session s = {disp_client_new (cfg, &err), cfg,
                      g_strdup_printf ("crosswatch/%s/display/%s", cfg->site_id, cfg->id)};
  g_autofree char *client_id = g_strdup_printf ("crosswatch-display-%s-%d", cfg->id, (int) getpid ());
  struct mosquitto *mosq = NULL;
  int status = 1;
  mosquitto_lib_init ();
  if (!s.client) {
    g_warning ("%s", err->message);
    goto out;
  }
  mosq = mosquitto_new (client_id, true, &s);
  if (!mosq)
    goto out;
  if (!hwcfg_mqtt_apply (mosq, &cfg->mqtt, &err)) {
    g_warning ("display %s: %s", cfg->id, err->message);
    goto out;
  }
  mosquitto_int_option (mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_connect_callback_set (mosq, on_connect);
  mosquitto_subscribe_callback_set (mosq, on_subscribe);
  mosquitto_message_callback_set (mosq, on_message);
  int rc = connect_bounded (mosq, cfg);
  if (rc != MOSQ_ERR_SUCCESS)
    g_warning ("display %s: %s:%d: %s; retrying", cfg->id, cfg->mqtt.host, cfg->mqtt.port, mosquitto_strerror (rc));
  g_message ("display %s: listening on %s", cfg->id, s.topic);
  for (gint64 next_expiry = 0; !*stop;) {
    if (g_get_monotonic_time () >= next_expiry) {
      g_autoptr (GError) expiry_err = NULL;
      if (!disp_client_expire (s.client, g_get_real_time (), &expiry_err))
        g_warning ("display %s: %s", cfg->id, expiry_err->message);
      next_expiry = g_get_monotonic_time () + G_USEC_PER_SEC;
    }
    rc = mosquitto_loop (mosq, 200, 1);
    if (rc != MOSQ_ERR_SUCCESS && !*stop) {
      g_usleep (500 * 1000);
      connect_bounded (mosq, cfg);
    }
  }
  mosquitto_disconnect (mosq);
  status = 0;
out:
  mosquitto_destroy (mosq);
  mosquitto_lib_cleanup ();
  disp_client_free (s.client);
  g_free (s.topic);
  return status;
}
