#include "cw_status_http.h"

#include "svc_http_listener.h"

#include <libsoup/soup.h>
#include <string.h>

/* A scraper or two and a person with curl: a few connections, none idle
 * for long (svc_http_listener.h). */
#define MAX_CONNECTIONS 16
#define IDLE_TIMEOUT_S 10

struct cw_status_http {
  SoupServer *soup;
  struct svc_http_listener *listener;
  GBytes *json, *prometheus;
};

static void
reply (SoupServerMessage *msg, int status, const char *type, GBytes *body)
{
  soup_server_message_set_status (msg, status, NULL);
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (h, "Cache-Control", "no-store");
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  if (body) {
    gsize len;
    const char *data = g_bytes_get_data (body, &len);
    soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, data, len);
  }
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  struct cw_status_http *h = data;
  const char *method = soup_server_message_get_method (msg);
  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0) {
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
    reply (msg, 405, NULL, NULL);
    return;
  }
  if (!strcmp (path, "/metrics") && h->prometheus)
    reply (msg, 200, "text/plain; version=0.0.4; charset=utf-8", h->prometheus);
  else if (!strcmp (path, "/status") && h->json)
    reply (msg, 200, "application/json", h->json);
  else if (!strcmp (path, "/metrics") || !strcmp (path, "/status"))
    reply (msg, 503, NULL, NULL); /* before the first status */
  else {
    g_autoptr (GBytes) body = g_bytes_new_static ("not found: /metrics or /status\n", 31);
    reply (msg, 404, "text/plain", body);
  }
}

struct cw_status_http *
cw_status_http_new (const char *listen, GError **error)
{
  struct cw_status_http *h = g_new0 (struct cw_status_http, 1);
  h->soup = soup_server_new ("server-header", "crosswatch-status", NULL);
  soup_server_add_handler (h->soup, NULL, handle, h, NULL);
  h->listener = svc_http_listener_new (h->soup, listen, NULL, MAX_CONNECTIONS, IDLE_TIMEOUT_S, error);
  if (!h->listener) {
    g_prefix_error (error, "[status] http_listen: ");
    cw_status_http_free (h);
    return NULL;
  }
  return h;
}

void
cw_status_http_free (struct cw_status_http *h)
{
  if (!h)
    return;
  svc_http_listener_free (h->listener);
  g_object_unref (h->soup);
  if (h->json)
    g_bytes_unref (h->json);
  if (h->prometheus)
    g_bytes_unref (h->prometheus);
  g_free (h);
}

void
cw_status_http_set (struct cw_status_http *h, const char *json, const char *prometheus)
{
  if (h->json)
    g_bytes_unref (h->json);
  if (h->prometheus)
    g_bytes_unref (h->prometheus);
  h->json = g_bytes_new (json, strlen (json));
  h->prometheus = g_bytes_new (prometheus, strlen (prometheus));
}
