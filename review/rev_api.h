/* rev_api — the review service's routes (review/API.md is the contract):
 * a request in, a response out, no HTTP library in between, so unit tests
 * call it directly. rev_server.c adapts it to libsoup. */
#ifndef CW_REV_API_H
#define CW_REV_API_H

#include "rev_desk.h"
#include "rev_sessions.h"

#include <glib.h>

struct rev_request {
  const char *method;   /* "GET", "POST", ... */
  const char *path;     /* as sent, percent-encoded, without the query */
  const char *query;    /* raw query string or NULL */
  const char *cookie;   /* the Cookie header or NULL */
  const char *csrf;     /* the X-CSRF-Token header or NULL */
  const char *address;  /* the client's address */
  const char *body;     /* request body (JSON for POSTs) or NULL */
  gsize body_len;
  const char *content_type; /* the Content-Type header or NULL */
  const char *origin;   /* the Origin header or NULL */
  const char *host;     /* the Host header or NULL */
  bool partial;         /* a Range request for less than the whole body */
  bool tls;             /* served over HTTPS: the cookie gets Secure */
};

struct rev_response {
  int status;
  char *content_type;
  GBytes *body;
  char *set_cookie;          /* or NULL */
  char *content_disposition; /* or NULL */
};
void rev_response_clear (struct rev_response *r);

/* A request body larger than this is refused (413) before it is read. */
#define REV_MAX_BODY (64 * 1024)

struct rev_api;

/* DESK and CFG are borrowed. */
struct rev_api *rev_api_new (struct rev_desk *desk, const struct hwcfg *cfg);
void rev_api_free (struct rev_api *api);
/* The clock the sessions and lockout run on (tests move it). */
void rev_api_set_clock (struct rev_api *api, gint64 (*now_us) (void));

/* TRUE when PATH is one rev_api answers (/api/... and /case/...). */
bool rev_api_owns (const char *path);
void rev_api_handle (struct rev_api *api, const struct rev_request *req, struct rev_response *resp);

#endif
