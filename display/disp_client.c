#include "disp_client.h"

#include "disp_render.h"
#include "disp_state.h"
#include "disp_words.h"
#include "evid_display_msg.h"
#include "evid_json.h"
#include "evid_keyring.h"
#include "evid_store.h" /* evid_utc_now */
#include "hwcfg_mqtt.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <unistd.h>

/* a payload of EVID_DISPLAY_MSG_MAX_BYTES, its topic and MQTT headers */
#define MAX_PACKET_BYTES (EVID_DISPLAY_MSG_MAX_BYTES + 4096)

struct disp_client {
  const struct hwcfg_display *cfg;
  struct evid_keyring *trusted;
  struct disp_state *state;
  struct disp_look look; /* the words, time zone, rule and appeal of [display] */
};

/* ---- the client ----------------------------------------------------------- */

struct disp_client *
disp_client_new (const struct hwcfg_display *cfg, GError **error)
{
  g_return_val_if_fail (cfg != NULL && cfg->out_dir != NULL, NULL);
  struct disp_client *c = g_new0 (struct disp_client, 1);
  c->cfg = cfg;
  c->trusted = evid_keyring_new ();
  c->look.words = disp_words_for (cfg->locale ? cfg->locale : "en");
  c->look.tz = cfg->timezone ? g_time_zone_new_identifier (cfg->timezone) : NULL;
  c->look.rule = cfg->rule_text;
  c->look.appeal = cfg->appeal_text;
  g_autofree char *state_path = g_build_filename (cfg->out_dir, DISP_STATE_FILE, NULL);
  GError *local = NULL;
  if (!c->look.words || (cfg->timezone && !c->look.tz)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG, "display %s: [display] %s '%s' is not known", cfg->id,
                 c->look.words ? "timezone" : "locale", c->look.words ? cfg->timezone : cfg->locale);
    goto fail;
  }
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
  if (!(c->state = disp_state_load (state_path, error)))
    goto fail;
  /* keys handed over earlier are trusted again (no autoptr here: the gotos
   * above would jump past its initialisation) */
  GPtrArray *handed = disp_state_keys (c->state);
  for (guint i = 0; i < handed->len; i++)
    evid_keyring_add_hex (c->trusted, g_ptr_array_index (handed, i), NULL);
  g_ptr_array_unref (handed);
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
  disp_state_free (c->state);
  if (c->look.tz)
    g_time_zone_unref (c->look.tz);
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
  if (!disp_state_screen_room (c->state, id)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "too many screens shown: packet %s not shown", id);
    return FALSE;
  }
  if (!disp_render_png (evid_display_msg_content (m), evid_display_msg_image (m, NULL, NULL), url, &c->look,
                        c->cfg->width, c->cfg->height, tmp, error)) {
    g_unlink (tmp);
    return FALSE;
  }
  if (g_rename (tmp, path) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path, g_strerror (errno));
    g_unlink (tmp);
    return FALSE;
  }
  disp_state_screen_set (c->state, id, evid_display_msg_expires_us (m));
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
  disp_state_retracted (c->state, id);
  g_message ("display %s: retracted packet %s", c->cfg->id, id);
  return TRUE;
}

/* A key message (checked by the parser: signed by a trusted key, the new
 * key's own signature of the handover valid): the new key is trusted from
 * now on, and remembered. */
static gboolean
hand_over (struct disp_client *c, const struct evid_display_msg *m, GError **error)
{
  const char *key = evid_display_msg_packet_id (m);
  evid_keyring_add_hex (c->trusted, key, NULL);
  disp_state_key_add (c->state, key);
  g_message ("display %s: trusting key %s, handed over by %s", c->cfg->id, key, evid_display_msg_device_key (m));
  return TRUE;
}

gboolean
disp_client_expire (struct disp_client *c, gint64 now_us, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  g_autoptr (GPtrArray) expired = disp_state_screens_expired (c->state, now_us);
  gboolean ok = TRUE;
  for (guint i = 0; i < expired->len; i++) {
    const char *id = g_ptr_array_index (expired, i);
    g_autofree char *path = screen_path (c, id);
    if (g_unlink (path) != 0 && errno != ENOENT) {
      if (ok)
        g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "cannot remove expired %s: %s", path, g_strerror (errno));
      ok = FALSE;
      continue;
    }
    disp_state_screen_remove (c->state, id);
    g_message ("display %s: packet %s expired, screen removed", c->cfg->id, id);
  }
  if (expired->len && !disp_state_save (c->state, ok ? error : NULL))
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
  if (!m || !disp_state_admit (c->state, evid_display_msg_device_key (m), evid_display_msg_seq (m),
                                evid_display_msg_packet_id (m), evid_display_msg_kind (m), &repeat, error))
    goto out;
  if (repeat) {
    ok = TRUE; /* already acted on: a QoS 1 redelivery or a retained message seen again */
    goto out;
  }
  const char *kind = evid_display_msg_kind (m);
  if (!(strcmp (kind, "show") == 0   ? show (c, m, error)
        : strcmp (kind, "key") == 0 ? hand_over (c, m, error)
                                     : retract (c, m, error)))
    goto out;
  disp_state_acted (c->state, evid_display_msg_device_key (m), evid_display_msg_seq (m),
                    evid_display_msg_packet_id (m), evid_display_msg_kind (m));
  ok = disp_state_save (c->state, error);
out:
  evid_display_msg_free (m);
  return ok;
}

GPtrArray *
disp_client_on_screen (const struct disp_client *c)
{
  return disp_state_screens (c->state);
}

char *
disp_client_state_json (const struct disp_client *c, const char *state, const char *last_error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_int (b, "v", 1);
  evid_json_string (b, "site", c->cfg->site_id);
  evid_json_string (b, "display", c->cfg->id);
  evid_json_string (b, "state", state);
  json_builder_set_member_name (b, "on_screen");
  json_builder_begin_array (b);
  g_autoptr (GPtrArray) ids = disp_state_screens (c->state);
  for (guint i = 0; !strcmp (state, "online") && i < ids->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (ids, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "last_error");
  if (last_error)
    json_builder_add_string_value (b, last_error);
  else
    json_builder_add_null_value (b);
  g_autofree char *utc = evid_utc_now ();
  evid_json_string (b, "utc", utc);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* ---- MQTT ----------------------------------------------------------------- */

struct session {
  struct disp_client *client;
  const struct hwcfg_display *cfg;
  char *topic, *state_topic;
  char *last_error;     /* the latest problem, for the status topic */
  char *said;           /* the status last published, less its time */
  gboolean connected;   /* the broker accepted the connection */
  char *last_warned;    /* a connection problem is warned about once per cause */
};

/* Sets the last error (for the status topic) and warns about a connection
 * problem unless it is the same as the last one warned about. */
static void
connection_problem (struct session *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
static void
connection_problem (struct session *s, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (g_strcmp0 (msg, s->last_warned) != 0)
    g_warning ("display %s: %s", s->cfg->id, msg);
  g_free (s->last_warned);
  s->last_warned = g_strdup (msg);
  g_free (s->last_error);
  s->last_error = msg;
}

/* Publishes the status when it changed (what is on screen, the last error). */
static void
publish_state (struct mosquitto *mosq, struct session *s)
{
  if (!s->connected)
    return;
  /* what the status says, less its time: only a change is news (this runs
   * every second) */
  g_autoptr (GPtrArray) ids = disp_client_on_screen (s->client);
  g_ptr_array_add (ids, NULL);
  g_autofree char *joined = g_strjoinv (",", (char **) ids->pdata);
  g_autofree char *key = g_strdup_printf ("%s|%s", joined, s->last_error ? s->last_error : "");
  if (!g_strcmp0 (key, s->said))
    return;
  g_autofree char *now = disp_client_state_json (s->client, "online", s->last_error);
  if (mosquitto_publish (mosq, NULL, s->state_topic, (int) strlen (now), now, 1, true) == MOSQ_ERR_SUCCESS) {
    g_free (s->said);
    s->said = g_steal_pointer (&key);
  }
}

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  struct session *s = data;
  if (rc == 0) {
    s->connected = TRUE;
    g_clear_pointer (&s->last_warned, g_free);
    g_clear_pointer (&s->said, g_free); /* the broker may have published the will meanwhile */
    g_message ("display %s: connected to %s:%d", s->cfg->id, s->cfg->mqtt.host, s->cfg->mqtt.port);
    mosquitto_subscribe (mosq, NULL, s->topic, 1);
    publish_state (mosq, s);
  } else
    connection_problem (s, "broker %s:%d refused the connection: %s (check [mqtt] username, password, the "
                           "client certificate and the broker's ACL)",
                        s->cfg->mqtt.host, s->cfg->mqtt.port, mosquitto_connack_string (rc));
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
                           &err)) {
    g_warning ("display %s: message on %s%s refused: %s", s->cfg->id, m->topic, m->retain ? " (retained)" : "",
               err->message);
    g_free (s->last_error);
    s->last_error = g_strdup_printf ("message refused: %s", err->message);
  }
  publish_state (mosq, s);
}

/* MQTT v5, telling the broker the largest packet this display takes: a
 * bigger message is dropped by the broker, never read into memory here
 * (libmosquitto reads a whole packet before the size can be checked). */
#define SESSION_EXPIRY_S (30 * 24 * 3600)

static int
connect_bounded (struct mosquitto *mosq, const struct hwcfg_display *cfg)
{
  mosquitto_property *props = NULL;
  int rc = mosquitto_property_add_int32 (&props, MQTT_PROP_MAXIMUM_PACKET_SIZE, MAX_PACKET_BYTES);
  /* the broker keeps the session, and queues what comes while the display
   * is away (a retract above all), this long */
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_property_add_int32 (&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, SESSION_EXPIRY_S);
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
                      g_strdup_printf ("crosswatch/%s/display/%s", cfg->site_id, cfg->id),
                      g_strdup_printf ("crosswatch/%s/display/%s/state", cfg->site_id, cfg->id)};
  g_autofree char *offline = NULL;
  /* one stable id and a persistent session: a retract sent while the
   * display was off or the network down is delivered when it is back */
  g_autofree char *client_id = g_strdup_printf ("crosswatch-display-%s-%s", cfg->site_id, cfg->id);
  struct mosquitto *mosq = NULL;
  int status = 1;
  mosquitto_lib_init ();
  if (!s.client) {
    g_warning ("%s", err->message);
    goto out;
  }
  mosq = mosquitto_new (client_id, false, &s);
  if (!mosq)
    goto out;
  if (!hwcfg_mqtt_apply (mosq, &cfg->mqtt, &err)) {
    g_warning ("display %s: %s", cfg->id, err->message);
    goto out;
  }
  mosquitto_int_option (mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  /* gone without a goodbye (power cut, crash, network): the broker says so */
  offline = disp_client_state_json (s.client, "offline", "connection lost");
  mosquitto_will_set (mosq, s.state_topic, (int) strlen (offline), offline, 1, true);
  mosquitto_connect_callback_set (mosq, on_connect);
  mosquitto_subscribe_callback_set (mosq, on_subscribe);
  mosquitto_message_callback_set (mosq, on_message);
  g_message ("display %s: connecting to %s:%d for %s", cfg->id, cfg->mqtt.host, cfg->mqtt.port, s.topic);
  int rc = connect_bounded (mosq, cfg);
  if (rc != MOSQ_ERR_SUCCESS)
    connection_problem (&s, "cannot reach the broker at %s:%d: %s; retrying", cfg->mqtt.host, cfg->mqtt.port,
                        mosquitto_strerror (rc));
  gint64 pause_ms = 500;
  for (gint64 next_expiry = 0; !*stop;) {
    if (g_get_monotonic_time () >= next_expiry) {
      g_autoptr (GError) expiry_err = NULL;
      if (!disp_client_expire (s.client, g_get_real_time (), &expiry_err))
        g_warning ("display %s: %s", cfg->id, expiry_err->message);
      publish_state (mosq, &s);
      next_expiry = g_get_monotonic_time () + G_USEC_PER_SEC;
    }
    rc = mosquitto_loop (mosq, 200, 1);
    if (rc == MOSQ_ERR_SUCCESS) {
      if (s.connected)
        pause_ms = 500;
      continue;
    }
    if (*stop)
      break;
    if (!s.connected)
      /* lost before the broker answered: TLS expected (or not), or no MQTT there */
      connection_problem (&s, "the connection to %s:%d closed before the broker accepted it: %s (a TLS listener "
                              "reached without [mqtt] tls_ca, a plain one with it, or not an MQTT port?); retrying",
                          cfg->mqtt.host, cfg->mqtt.port, mosquitto_strerror (rc));
    else
      connection_problem (&s, "lost the broker at %s:%d: %s; reconnecting", cfg->mqtt.host, cfg->mqtt.port,
                          mosquitto_strerror (rc));
    s.connected = FALSE;
    /* a growing pause: a broker that refuses is not hammered */
    g_usleep ((gulong) pause_ms * 1000);
    pause_ms = MIN (pause_ms * 2, 30000);
    connect_bounded (mosq, cfg);
  }
  if (s.connected) {
    /* a goodbye: offline, nothing on screen */
    g_autofree char *bye = disp_client_state_json (s.client, "offline", NULL);
    mosquitto_publish (mosq, NULL, s.state_topic, (int) strlen (bye), bye, 1, true);
    for (int i = 0; i < 10; i++)
      mosquitto_loop (mosq, 50, 1);
  }
  mosquitto_disconnect (mosq);
  status = 0;
out:
  mosquitto_destroy (mosq);
  mosquitto_lib_cleanup ();
  disp_client_free (s.client);
  g_free (s.topic);
  g_free (s.state_topic);
  g_free (s.last_error);
  g_free (s.said);
  g_free (s.last_warned);
  return status;
}
