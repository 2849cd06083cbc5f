/* cw_status_http — serves the newest status over HTTP, read-only:
 * GET /metrics (Prometheus text) and GET /status (JSON). Nothing else is
 * served; nothing the client sends is kept. Runs on the caller's main
 * context. */
#ifndef CW_STATUS_HTTP_H
#define CW_STATUS_HTTP_H

#include <glib.h>

struct cw_status_http;

/* Listens on LISTEN (numeric ADDRESS:PORT). */
struct cw_status_http *cw_status_http_new (const char *listen, GError **error);
void cw_status_http_free (struct cw_status_http *h);

/* What the next requests get (copied). */
void cw_status_http_set (struct cw_status_http *h, const char *json, const char *prometheus);

#endif
