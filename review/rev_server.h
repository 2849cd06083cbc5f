/* rev_server — `crosswatch serve`: the review service on libsoup 3. It
 * adapts HTTP to rev_api (the routes) and serves the browser UI, which is
 * compiled into the binary (GResource, review/ui/): no CDN, works offline. */
#ifndef CW_REV_SERVER_H
#define CW_REV_SERVER_H

#include "rev_api.h"

struct rev_server;

/* Listens on CFG's [review] listen (or LISTEN when not NULL), with TLS
 * when tls_cert/tls_key are set. API is borrowed. NULL with ERROR when the
 * address is taken or the certificate does not load. */
struct rev_server *rev_server_new (struct rev_api *api, const struct hwcfg *cfg, const char *listen, GError **error);
void rev_server_free (struct rev_server *srv);
/* "http://127.0.0.1:8080/" as it listens (g_free). */
char *rev_server_url (struct rev_server *srv);

#endif
