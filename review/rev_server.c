#include "rev_server.h"

#include "rev_ui_resources.h"
#include "svc_http_listener.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

/* Connections at once: beyond this a new one is closed at accept, well
 * before the process runs out of file descriptors (libsoup stops
 * listening for good when accept fails). */
#define MAX_CONNECTIONS 256
/* A connection that moves no byte for this long is closed: a half-sent
 * request or an idle keep-alive cannot hold a slot. */
#define IDLE_TIMEOUT_S 30

struct rev_server {
  SoupServer *soup;
  struct svc_http_listener *listener; /* accepts, bounded; libsoup serves what it hands over */
  GTlsCertificate *cert;   /* HTTPS: the accepted streams are wrapped in TLS */
  struct rev_api *api;
  bool tls;
  char *url;
};

/* Every answer: no framing, no sniffing, no referrer, scripts and media
 * from this origin only. */
static void
security_headers (SoupServerMessage *msg, gboolean api)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (h, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
                                "style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                                "base-uri 'none'; form-action 'self'");
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (h, "X-Frame-Options", "DENY");
  soup_message_headers_replace (h, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (h, "Cache-Control", api ? "no-store" : "no-cache");
}

static void
serve_ui (SoupServerMessage *msg, const char *path)
{
  if (!strcmp (path, "/"))
    path = "/ui/index.html";
  g_autofree char *rpath = g_strconcat ("/crosswatch", path, NULL);
  g_autoptr (GBytes) data = g_str_has_prefix (path, "/ui/") && !strstr (path, "..")
                                ? g_resources_lookup_data (rpath, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL)
                                : NULL;
  if (!data) {
    soup_server_message_set_status (msg, 404, NULL);
    soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "not found\n", 10);
    return;
  }
  const char *type = g_str_has_suffix (path, ".html") ? "text/html; charset=utf-8"
                     : g_str_has_suffix (path, ".js") ? "text/javascript; charset=utf-8"
                     : g_str_has_suffix (path, ".css") ? "text/css; charset=utf-8"
                                                       : "application/octet-stream";
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, bytes, len);
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path_decoded, GHashTable *query, gpointer user_data)
{
  (void) server;
  (void) path_decoded;
  (void) query;
  struct rev_server *srv = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  /* the raw path: rev_api decodes each segment itself, so an encoded '/'
   * cannot pass for a separator */
  const char *path = g_uri_get_path (uri);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  security_headers (msg, rev_api_owns (path));
  if (!rev_api_owns (path)) {
    serve_ui (msg, path);
    return;
  }
  g_autofree char *range = g_strdup (soup_message_headers_get_one (in, "Range"));
  if (range)
    g_strstrip (range);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) flat = soup_message_body_flatten (body);
  gsize len = 0;
  const char *data = flat ? g_bytes_get_data (flat, &len) : NULL;
  struct rev_request req = {
      .method = soup_server_message_get_method (msg),
      .path = path,
      .query = g_uri_get_query (uri),
      .cookie = soup_message_headers_get_one (in, "Cookie"),
      .csrf = soup_message_headers_get_one (in, "X-CSRF-Token"),
      .address = soup_server_message_get_remote_host (msg),
      .body = data,
      .body_len = len,
      .content_type = soup_message_headers_get_one (in, "Content-Type"),
      .origin = soup_message_headers_get_one (in, "Origin"),
      .host = soup_message_headers_get_one (in, "Host"),
      /* "bytes=0-" is the whole item (what a video element asks first) */
      .partial = range && strcmp (range, "bytes=0-") != 0,
      .tls = srv->tls,
  };
  struct rev_response resp;
  rev_api_handle (srv->api, &req, &resp);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  if (resp.set_cookie)
    soup_message_headers_append (out, "Set-Cookie", resp.set_cookie);
  if (resp.content_disposition)
    soup_message_headers_replace (out, "Content-Disposition", resp.content_disposition);
  soup_server_message_set_status (msg, resp.status, NULL);
  gsize blen = 0;
  const char *bdata = resp.body ? g_bytes_get_data (resp.body, &blen) : "";
  soup_server_message_set_response (msg, resp.content_type ? resp.content_type : "text/plain", SOUP_MEMORY_COPY,
                                    bdata, blen);
  rev_response_clear (&resp);
}

/* Before the body is read: a body over the limit is refused unread. */
static void
early (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  (void) server;
  (void) path;
  (void) query;
  (void) user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  SoupEncoding enc = soup_message_headers_get_encoding (h);
  /* a body of unknown length (chunked, or up to the close) could be any
   * size: only Content-Length within the limit is read */
  gboolean unbounded = enc != SOUP_ENCODING_NONE && enc != SOUP_ENCODING_CONTENT_LENGTH;
  if (unbounded || soup_message_headers_get_content_length (h) > REV_MAX_BODY) {
    security_headers (msg, TRUE);
    soup_server_message_set_status (msg, 413, NULL);
    static const char BODY[] = "{\"error\":\"the request body is too large\"}";
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, BODY, sizeof BODY - 1);
  }
}

struct rev_server *
rev_server_new (struct rev_api *api, const struct hwcfg *cfg, const char *listen, GError **error)
{
  const char *addr = listen ? listen : cfg->review.listen;
  /* a static library's object is linked only when referenced: this keeps
   * the UI's resources (registered by their constructor) in the binary */
  (void) rev_ui_get_resource ();
  struct rev_server *srv = g_new0 (struct rev_server, 1);
  srv->api = api;
  srv->soup = soup_server_new ("server-header", "crosswatch-review", NULL);
  if (cfg->review.tls_cert) {
    srv->cert = g_tls_certificate_new_from_files (cfg->review.tls_cert, cfg->review.tls_key, error);
    if (!srv->cert) {
      g_prefix_error (error, "[review] tls_cert/tls_key: ");
      rev_server_free (srv);
      return NULL;
    }
    srv->tls = true;
  }
  soup_server_add_early_handler (srv->soup, NULL, early, srv, NULL);
  soup_server_add_handler (srv->soup, NULL, handle, srv, NULL);
  srv->listener = svc_http_listener_new (srv->soup, addr, srv->cert, MAX_CONNECTIONS, IDLE_TIMEOUT_S, error);
  if (!srv->listener) {
    rev_server_free (srv);
    return NULL;
  }
  /* from the address as given (soup_server_get_uris leaks its socket address) */
  srv->url = g_strdup_printf ("%s://%s/", srv->tls ? "https" : "http", addr);
  return srv;
}

void
rev_server_free (struct rev_server *srv)
{
  if (!srv)
    return;
  svc_http_listener_free (srv->listener);
  if (srv->soup)
    g_object_unref (srv->soup);
  g_clear_object (&srv->cert);
  g_free (srv->url);
  g_free (srv);
}

char *
rev_server_url (struct rev_server *srv)
{
  return g_strdup (srv->url);
}
