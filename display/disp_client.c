#include "disp_client.h"

#include "disp_render.h"

#include <errno.h>
#include <glib/gstdio.h>
#include "hwcfg_mqtt.h"

#include <mosquitto.h>
#include <unistd.h>
#include <string.h>

/* Packet ids become file names: allow only what a UUID has. */
static gboolean
safe_id (const char *id)
{
  return id && *id && strlen (id) <= 64 && strspn (id, "0123456789abcdefABCDEF-") == strlen (id);
}

static gboolean
show (const struct hwcfg_display *cfg, JsonObject *msg, const char *id, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s.png", id);
  g_autofree char *path = g_build_filename (cfg->out_dir, name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE; /* a QoS 1 repeat: already on screen */
  g_autofree char *url = disp_case_url (cfg->case_url_base, id);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  if (!disp_render_png (msg, url, cfg->width, cfg->height, tmp, error))
    return FALSE;
  if (g_rename (tmp, path) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path, g_strerror (errno));
    return FALSE;
  }
  g_message ("display %s: showing packet %s (%s)", cfg->id, id, path);
  return TRUE;
}

gboolean
disp_client_handle (const struct hwcfg_display *cfg, const void *payload, int len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, payload, len, error))
    return FALSE;
  JsonNode *root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message is not a JSON object");
    return FALSE;
  }
  JsonObject *msg = json_node_get_object (root);
  const char *kind = json_object_get_string_member_with_default (msg, "kind", "");
  const char *id = json_object_get_string_member_with_default (msg, "packet_id", NULL);
  if (!safe_id (id)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message: packet_id missing or malformed");
    return FALSE;
  }
  if (g_mkdir_with_parents (cfg->out_dir, 0755) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", cfg->out_dir, g_strerror (errno));
    return FALSE;
  }
  if (strcmp (kind, "show") == 0)
    return show (cfg, msg, id, error);
  if (strcmp (kind, "retract") == 0) {
    g_autofree char *name = g_strdup_printf ("%s.png", id);
    g_autofree char *path = g_build_filename (cfg->out_dir, name, NULL);
    g_unlink (path);
    g_message ("display %s: retracted packet %s", cfg->id, id);
    return TRUE;
  }
  g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message: unknown kind '%s'", kind);
  return FALSE;
}

struct client {
  const struct hwcfg_display *cfg;
  char *topic;
};

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  struct client *c = data;
  if (rc == 0)
    mosquitto_subscribe (mosq, NULL, c->topic, 1);
  else
    g_warning ("display %s: broker refused: %s", c->cfg->id, mosquitto_connack_string (rc));
}

static void
on_message (struct mosquitto *mosq, void *data, const struct mosquitto_message *m)
{
  struct client *c = data;
  g_autoptr (GError) err = NULL;
  /* A bad message is logged and skipped: the screen keeps working. */
  if (!disp_client_handle (c->cfg, m->payload, m->payloadlen, &err))
    g_warning ("display %s: message on %s skipped: %s", c->cfg->id, m->topic, err->message);
}

int
disp_client_run (const struct hwcfg_display *cfg, volatile sig_atomic_t *stop)
{
  struct client c = {cfg, g_strdup_printf ("crosswatch/%s/display/%s", cfg->site_id, cfg->id)};
  mosquitto_lib_init ();
  g_autofree char *client_id = g_strdup_printf ("crosswatch-display-%s-%d", cfg->id, (int) getpid ());
  struct mosquitto *mosq = mosquitto_new (client_id, true, &c);
  int status = 1;
  g_autoptr (GError) err = NULL; /* before any goto: the cleanup runs at out */
  if (!mosq)
    goto out;
  if (!hwcfg_mqtt_apply (mosq, &cfg->mqtt, &err)) {
    g_warning ("display %s: %s", cfg->id, err->message);
    goto out;
  }
  mosquitto_connect_callback_set (mosq, on_connect);
  mosquitto_message_callback_set (mosq, on_message);
  int rc = mosquitto_connect (mosq, cfg->mqtt.host, cfg->mqtt.port, 30);
  if (rc != MOSQ_ERR_SUCCESS)
    g_warning ("display %s: %s:%d: %s; retrying", cfg->id, cfg->mqtt.host, cfg->mqtt.port, mosquitto_strerror (rc));
  g_message ("display %s: listening on %s", cfg->id, c.topic);
  while (!*stop) {
    rc = mosquitto_loop (mosq, 200, 1);
    if (rc != MOSQ_ERR_SUCCESS && !*stop) {
      g_usleep (500 * 1000);
      mosquitto_reconnect (mosq);
    }
  }
  mosquitto_disconnect (mosq);
  status = 0;
out:
  mosquitto_destroy (mosq);
  mosquitto_lib_cleanup ();
  g_free (c.topic);
  return status;
}
