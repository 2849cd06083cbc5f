/* svc_http_listener — accepts HTTP connections for a libsoup server, with
 * the limits a long-running appliance needs: at most MAX connections at
 * once (beyond, a new one is closed at accept, well before the process runs
 * out of descriptors; libsoup itself stops listening for good when accept
 * fails), each closed after IDLE_S without a byte moving (a half-sent
 * request or an idle keep-alive holds no slot), and HTTPS when given a
 * certificate. The review service and the status endpoint both use it. */
#ifndef CW_SVC_HTTP_LISTENER_H
#define CW_SVC_HTTP_LISTENER_H

#include <libsoup/soup.h>

struct svc_http_listener;

/* Listens on ADDR (numeric ADDRESS:PORT, [::1]:PORT for IPv6) for SOUP (kept by reference). CERT (may be NULL) makes it HTTPS. */
struct svc_http_listener *svc_http_listener_new (SoupServer *soup, const char *addr, GTlsCertificate *cert,
                                                 int max_connections, int idle_s, GError **error);
void svc_http_listener_free (struct svc_http_listener *l);

#endif
