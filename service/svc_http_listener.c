#include "svc_http_listener.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

struct svc_http_listener {
  SoupServer *soup;
  GSocketService *service;
  GTlsCertificate *cert;
  int max_connections, idle_s, connections;
  GHashTable *live; /* the streams handed to libsoup, until they are gone */
};

static void
connection_gone (gpointer data, GObject *stream)
{
  struct svc_http_listener *l = data;
  l->connections--;
  g_hash_table_remove (l->live, stream);
}

/* Each accepted connection: refused beyond the cap, given the idle
 * timeout, wrapped in TLS for HTTPS, then handed to libsoup. */
static gboolean
incoming (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer data)
{
  struct svc_http_listener *l = data;
  if (l->connections >= l->max_connections) {
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    return TRUE;
  }
  g_socket_set_timeout (g_socket_connection_get_socket (conn), (guint) l->idle_s);
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (conn, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (conn, NULL);
  g_autoptr (GIOStream) tls = l->cert ? g_tls_server_connection_new (G_IO_STREAM (conn), l->cert, NULL) : NULL;
  GIOStream *stream = tls ? tls : G_IO_STREAM (conn);
  if (!local || !remote || (l->cert && !tls) || !soup_server_accept_iostream (l->soup, stream, local, remote, NULL)) {
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    return TRUE;
  }
  l->connections++;
  g_hash_table_add (l->live, stream);
  g_object_weak_ref (G_OBJECT (stream), connection_gone, l);
  return TRUE;
}

/* Up to the hard limit: the connection cap, not the descriptor limit,
 * should be what refuses a client. */
static void
raise_file_limit (void)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit (RLIMIT_NOFILE, &rl);
  }
}

struct svc_http_listener *
svc_http_listener_new (SoupServer *soup, const char *addr, GTlsCertificate *cert, int max_connections, int idle_s,
                       GError **error)
{
  const char *colon = strrchr (addr, ':');
  if (!colon || colon == addr) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "listen address '%s' is not ADDRESS:PORT", addr);
    return NULL;
  }
  g_autofree char *host = g_strndup (addr, colon - addr);
  if (host[0] == '[' && host[strlen (host) - 1] == ']') { /* [::1]:8080 */
    memmove (host, host + 1, strlen (host));
    host[strlen (host) - 1] = '\0';
  }
  char *end = NULL;
  long port = strtol (colon + 1, &end, 10);
  g_autoptr (GInetAddress) ia = g_inet_address_new_from_string (host);
  if (!ia || !g_ascii_isdigit (colon[1]) || *end || port < 0 || port > 65535) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "listen address '%s' is not a numeric ADDRESS:PORT (e.g. 127.0.0.1:8080)", addr);
    return NULL;
  }
  struct svc_http_listener *l = g_new0 (struct svc_http_listener, 1);
  l->soup = g_object_ref (soup);
  l->cert = cert ? g_object_ref (cert) : NULL;
  l->max_connections = max_connections;
  l->idle_s = idle_s;
  l->live = g_hash_table_new (NULL, NULL);
  raise_file_limit ();
  g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (ia, (guint16) port);
  l->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (l->service), 128);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (l->service), sa, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, NULL, error)) {
    g_prefix_error (error, "cannot listen on %s: ", addr);
    svc_http_listener_free (l);
    return NULL;
  }
  g_signal_connect (l->service, "incoming", G_CALLBACK (incoming), l);
  g_socket_service_start (l->service);
  return l;
}

void
svc_http_listener_free (struct svc_http_listener *l)
{
  if (!l)
    return;
  if (l->service) {
    g_socket_service_stop (l->service);
    g_socket_listener_close (G_SOCKET_LISTENER (l->service));
    g_object_unref (l->service);
  }
  soup_server_disconnect (l->soup);
  /* the clients' kept-alive connections close as their sources run */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* streams still alive no longer report to this listener */
  GHashTableIter it;
  gpointer stream;
  g_hash_table_iter_init (&it, l->live);
  while (g_hash_table_iter_next (&it, &stream, NULL))
    g_object_weak_unref (G_OBJECT (stream), connection_gone, l);
  g_hash_table_unref (l->live);
  g_clear_object (&l->cert);
  g_object_unref (l->soup);
  g_free (l);
}
