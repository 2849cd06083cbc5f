#include "cw_status_http.h"

#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

struct cw_status_http {
  SoupServer *soup;
  GBytes *json, *prometheus;
  int port;
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
  const char *colon = strrchr (listen, ':');
  g_autofree char *host = colon ? g_strndup (listen, colon - listen) : NULL;
  if (host && host[0] == '[' && host[strlen (host) - 1] == ']') { /* [::1]:9100 */
    memmove (host, host + 1, strlen (host));
    host[strlen (host) - 1] = '\0';
  }
  char *end = NULL;
  long port = colon ? strtol (colon + 1, &end, 10) : -1;
  g_autoptr (GInetAddress) ia = host ? g_inet_address_new_from_string (host) : NULL;
  if (!ia || !end || *end || port < 0 || port > 65535) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "[status] http_listen: '%s' is not a numeric ADDRESS:PORT (e.g. 127.0.0.1:9100)", listen);
    return NULL;
  }
  struct cw_status_http *h = g_new0 (struct cw_status_http, 1);
  h->soup = soup_server_new ("server-header", "crosswatch-status", NULL);
  soup_server_add_handler (h->soup, NULL, handle, h, NULL);
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (ia, (guint16) port);
  if (!soup_server_listen (h->soup, sa, 0, error)) {
    g_prefix_error (error, "[status] http_listen: cannot listen on %s: ", listen);
    cw_status_http_free (h);
    return NULL;
  }
  GSList *listeners = soup_server_get_listeners (h->soup);
  if (listeners) {
    g_autoptr (GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);
    if (local)
      h->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  }
  g_slist_free (listeners);
  return h;
}

void
cw_status_http_free (struct cw_status_http *h)
{
  if (!h)
    return;
  soup_server_disconnect (h->soup);
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

int
cw_status_http_port (const struct cw_status_http *h)
{
  return h->port;
}
