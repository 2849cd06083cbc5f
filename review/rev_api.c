#include "rev_api.h"

#include "evid_json_guard.h"
#include "zone_geom.h"

#include <stdlib.h>
#include <string.h>

struct rev_api {
  struct rev_desk *desk;
  const struct hwcfg *cfg;
  struct rev_sessions *sessions;
  gint64 (*now) (void);
};

/* One request's state while it is answered. */
struct call {
  struct rev_api *api;
  const struct rev_request *req;
  struct rev_response *resp;
  const struct rev_session *sess;
  struct rev_actor actor;
  char *role;
};

void
rev_response_clear (struct rev_response *r)
{
  g_free (r->content_type);
  if (r->body)
    g_bytes_unref (r->body);
  g_free (r->set_cookie);
  g_free (r->content_disposition);
  memset (r, 0, sizeof *r);
}

struct rev_api *
rev_api_new (struct rev_desk *desk, const struct hwcfg *cfg)
{
  struct rev_api *api = g_new0 (struct rev_api, 1);
  api->desk = desk;
  api->cfg = cfg;
  api->sessions = rev_sessions_new ((gint64) cfg->review.session_idle_min * 60 * G_USEC_PER_SEC,
                                    (gint64) cfg->review.session_max_hours * 3600 * G_USEC_PER_SEC);
  api->now = g_get_real_time;
  return api;
}

void
rev_api_free (struct rev_api *api)
{
  if (!api)
    return;
  rev_sessions_free (api->sessions);
  g_free (api);
}

void
rev_api_set_clock (struct rev_api *api, gint64 (*now_us) (void))
{
  api->now = now_us ? now_us : g_get_real_time;
}

bool
rev_api_owns (const char *path)
{
  return path && (g_str_has_prefix (path, "/api/") || g_str_has_prefix (path, "/case/"));
}

static void
respond (struct call *c, int status, const char *type, GBytes *body)
{
  rev_response_clear (c->resp);
  c->resp->status = status;
  c->resp->content_type = g_strdup (type);
  c->resp->body = body;
}

static void
respond_json (struct call *c, int status, JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  gsize len = 0;
  char *text = json_generator_to_data (gen, &len);
  respond (c, status, "application/json; charset=utf-8", g_bytes_new_take (text, len));
  json_node_unref (node);
}

static void
respond_object (struct call *c, int status, JsonObject *o)
{
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  respond_json (c, status, n);
}

static void
respond_array (struct call *c, JsonArray *a)
{
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, a);
  respond_json (c, 200, n);
}

static void
respond_error (struct call *c, int status, const char *message)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "error", message);
  respond_object (c, status, o);
}

static void
respond_gerror (struct call *c, const GError *error)
{
  int status = rev_error_http_status (error);
  /* a store failure's words (paths, SQL) stay in the log */
  if (status == 500)
    g_warning ("review: %s", error ? error->message : "?");
  respond_error (c, status, status == 500 ? "internal error (see the service log)" : error->message);
}

/* The session cookie's value, or NULL. */
static char *
session_token (const char *cookie)
{
  if (!cookie)
    return NULL;
  g_auto (GStrv) parts = g_strsplit (cookie, ";", -1);
  for (char **p = parts; *p; p++) {
    const char *s = *p;
    while (*s == ' ')
      s++;
    if (g_str_has_prefix (s, "cw_session="))
      return g_strdup (s + strlen ("cw_session="));
  }
  return NULL;
}

/* Authenticates C's request: FALSE (401 answered) without a live session
 * of an enabled account. The role is read afresh, so a disabled account or
 * a changed role takes effect at once. */
static gboolean
authenticate (struct call *c)
{
  g_autofree char *token = session_token (c->req->cookie);
  c->sess = rev_sessions_find (c->api->sessions, token, c->api->now ());
  if (c->sess)
    c->role = rev_desk_account_role (c->api->desk, c->sess->user, c->sess->epoch);
  if (!c->sess || !c->role) {
    if (c->sess)
      rev_sessions_end (c->api->sessions, c->sess->token);
    c->sess = NULL;
    respond_error (c, 401, "log in first");
    return FALSE;
  }
  c->actor.name = c->sess->user;
  c->actor.role = c->role;
  return TRUE;
}

/* Every POST but login carries the session's CSRF token. */
static gboolean
csrf_checked (struct call *c)
{
  if (rev_session_csrf_ok (c->sess, c->req->csrf))
    return TRUE;
  respond_error (c, 403, "missing or wrong X-CSRF-Token");
  return FALSE;
}

/* The request body as a JSON object: size, depth and encoding checked
 * before parsing (a body of 64 Ki '[' would recurse json-glib that deep). */
static JsonObject *
body_object (struct call *c)
{
  g_autoptr (JsonNode) root = c->req->body_len ? evid_json_guard_parse (c->req->body, c->req->body_len, REV_MAX_BODY,
                                                                        EVID_JSON_GUARD_DEPTH, NULL)
                                               : NULL;
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

static const char *
field (JsonObject *o, const char *name)
{
  return evid_json_member_string (o, name, TRUE, NULL);
}

static void
login (struct call *c)
{
  struct rev_api *api = c->api;
  gint64 now = api->now ();
  if (rev_throttle_blocked (api->sessions, c->req->address, now)) {
    respond_error (c, 429, "too many failed logins from this address: wait 15 minutes");
    return;
  }
  g_autoptr (JsonObject) body = body_object (c);
  const char *user = field (body, "user"), *password = field (body, "password");
  g_autoptr (GError) err = NULL;
  g_autofree char *role = NULL;
  gint64 epoch = 0;
  if (!rev_desk_login (api->desk, user, password, c->req->address, now, &role, &epoch, &err)) {
    if (!g_error_matches (err, REV_ERROR, REV_ERROR_INVALID) && !g_error_matches (err, REV_ERROR, REV_ERROR_INTERNAL))
      rev_throttle_failed (api->sessions, c->req->address, now);
    respond_gerror (c, err);
    return;
  }
  const struct rev_session *sess = rev_sessions_start (api->sessions, user, epoch, now);
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "user", user);
  json_object_set_string_member (o, "role", role);
  json_object_set_string_member (o, "csrf", sess->csrf);
  respond_object (c, 200, o);
  c->resp->set_cookie = g_strdup_printf ("cw_session=%s; Path=/; HttpOnly; SameSite=Strict%s", sess->token,
                                         c->req->tls ? "; Secure" : "");
}

static void
who_am_i (struct call *c)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "user", c->actor.name);
  json_object_set_string_member (o, "role", c->actor.role);
  json_object_set_string_member (o, "csrf", c->sess->csrf);
  json_object_set_string_member (o, "site", c->api->cfg->site_id);
  json_object_set_string_member (o, "site_name", c->api->cfg->site_name ? c->api->cfg->site_name : "");
  json_object_set_boolean_member (o, "two_person", c->api->cfg->review.two_person);
  JsonArray *codes = json_array_new ();
  for (const struct rev_reason_code *r = REV_REJECT_CODES; r->code; r++) {
    JsonObject *e = json_object_new ();
    json_object_set_string_member (e, "code", r->code);
    json_object_set_string_member (e, "meaning", r->meaning);
    json_array_add_object_element (codes, e);
  }
  json_object_set_array_member (o, "reject_codes", codes);
  /* the zones in metres, for the plan on the case page */
  JsonArray *zones = json_array_new ();
  for (int i = 0; i < c->api->cfg->n_zones; i++) {
    const struct hwcfg_zone *z = &c->api->cfg->zones[i];
    JsonObject *e = json_object_new ();
    json_object_set_string_member (e, "name", z->name);
    json_object_set_string_member (e, "kind", hwcfg_zone_kind_name (z->kind));
    json_object_set_string_member (e, "camera", z->camera ? z->camera : "");
    JsonArray *px = json_array_new (); /* on the camera's picture, to draw on the stills */
    for (int k = 0; k < z->n_points; k++) {
      JsonArray *pt = json_array_new ();
      json_array_add_double_element (pt, z->polygon[k].x);
      json_array_add_double_element (pt, z->polygon[k].y);
      json_array_add_array_element (px, pt);
    }
    json_object_set_array_member (e, "image_px", px);
    JsonArray *pts = json_array_new ();
    const struct hwcfg_camera *cam = hwcfg_camera (c->api->cfg, z->camera);
    for (int k = 0; cam && cam->has_homography && k < z->n_points; k++) {
      struct zone_pt g;
      /* a point above the horizon has no place on the ground: left out */
      if (!zone_homography_apply (cam->homography, (struct zone_pt) {z->polygon[k].x, z->polygon[k].y}, &g))
        continue;
      JsonArray *pt = json_array_new ();
      json_array_add_double_element (pt, g.x);
      json_array_add_double_element (pt, g.y);
      json_array_add_array_element (pts, pt);
    }
    json_object_set_array_member (e, "ground_m", pts);
    json_array_add_object_element (zones, e);
  }
  json_object_set_array_member (o, "zones", zones);
  /* the signal's schedule, so the plan can show the phase along a path */
  const struct hwcfg_signal *sig = &c->api->cfg->signal;
  JsonObject *so = json_object_new ();
  json_object_set_string_member (so, "source", sig->source == HWCFG_SIGNAL_SCHEDULE ? "schedule" : "external");
  json_object_set_double_member (so, "cycle_s", sig->cycle_s);
  json_object_set_double_member (so, "walk_start_s", sig->walk_start_s);
  json_object_set_double_member (so, "walk_end_s", sig->walk_end_s);
  json_object_set_double_member (so, "clearance_s", sig->clearance_s);
  json_object_set_double_member (so, "offset_s", sig->offset_s);
  json_object_set_object_member (o, "signal", so);
  respond_object (c, 200, o);
}

static char *
query_param (GHashTable *q, const char *name)
{
  const char *v = q ? g_hash_table_lookup (q, name) : NULL;
  return v && *v ? g_strdup (v) : NULL;
}

static void
list_cases (struct call *c, GHashTable *q)
{
  g_autofree char *state = query_param (q, "state"), *type = query_param (q, "type"), *flag = query_param (q, "flag");
  g_autofree char *from = query_param (q, "from"), *to = query_param (q, "to");
  struct rev_filter f = {state, type, flag, from, to};
  g_autoptr (GError) err = NULL;
  JsonArray *a = rev_desk_cases (c->api->desk, &c->actor, &f, &err);
  if (a)
    respond_array (c, a);
  else
    respond_gerror (c, err);
}

static void
case_action (struct call *c, const char *id, const char *verb)
{
  g_autoptr (JsonObject) body = body_object (c);
  g_autoptr (GError) err = NULL;
  g_autofree char *state = NULL;
  if (c->req->body_len && !body) {
    respond_error (c, 400, "the body is not a JSON object");
    return;
  }
  if (!rev_desk_act (c->api->desk, &c->actor, id, verb, field (body, "reason"), field (body, "code"), &state,
                     &err)) {
    respond_gerror (c, err);
    return;
  }
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "state", state);
  respond_object (c, 200, o);
}

/* POST /api/cases/ID/watchlist/ENTRY {"decision": "confirm"|"dismiss", "reason"} */
static void
watch_decision (struct call *c, const char *id, const char *entry)
{
  g_autoptr (JsonObject) body = body_object (c);
  g_autoptr (GError) err = NULL;
  gint64 e = 0;
  if (!rev_watch_entry_id_parse (entry, &e)) {
    respond_error (c, 404, "no such watchlist entry");
    return;
  }
  if (!body) {
    respond_error (c, 400, "the body is not a JSON object");
    return;
  }
  for (const char *const *k = (const char *const[]){"decision", "reason", NULL}; *k; k++) {
    JsonNode *n = json_object_get_member (body, *k);
    if (n && (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)) {
      respond_error (c, 400, "decision and reason are strings");
      return;
    }
  }
  const char *decision = field (body, "decision");
  if (!rev_desk_watch_decide (c->api->desk, &c->actor, id, e, decision, field (body, "reason"), &err)) {
    respond_gerror (c, err);
    return;
  }
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "id", id);
  json_object_set_int_member (o, "entry", e);
  json_object_set_string_member (o, "state", !g_strcmp0 (decision, "confirm") ? "confirmed" : "dismissed");
  respond_object (c, 200, o);
}

static void
user_action (struct call *c, const char *name, const char *verb)
{
  g_autoptr (JsonObject) body = body_object (c);
  g_autoptr (GError) err = NULL;
  struct rev_desk *desk = c->api->desk;
  gboolean ok;
  if (!name)
    ok = rev_desk_user_add (desk, &c->actor, field (body, "name"), field (body, "role"), field (body, "password"),
                            &err);
  else if (!strcmp (verb, "passwd"))
    ok = rev_desk_user_passwd (desk, &c->actor, name, field (body, "password"), &err);
  else if (!strcmp (verb, "disable") || !strcmp (verb, "enable"))
    ok = rev_desk_user_enable (desk, &c->actor, name, !strcmp (verb, "enable"), &err);
  else if (!strcmp (verb, "role"))
    ok = rev_desk_user_role (desk, &c->actor, name, field (body, "role"), &err);
  else {
    respond_error (c, 404, "no such route");
    return;
  }
  if (!ok) {
    respond_gerror (c, err);
    return;
  }
  /* a new password, a new role or a disabled account: its sessions end */
  if (name)
    rev_sessions_end_user (c->api->sessions, name);
  JsonObject *o = json_object_new ();
  json_object_set_boolean_member (o, "ok", TRUE);
  respond_object (c, 200, o);
}

/* The public page for the QR code: no login, published cases only, and one
 * answer for everything else. */
static const char PUBLIC_NOT_FOUND[] =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Case not found</title></head>"
    "<body><h1>Case not found</h1><p>There is no published case with this number.</p></body></html>\n";

static void
public_case (struct call *c, const char *id, gboolean image)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) jpeg = NULL;
  g_autoptr (JsonObject) o = rev_desk_public_case (c->api->desk, id, &jpeg, &err);
  if (!o) {
    if (rev_error_http_status (err) == 500)
      g_warning ("review: public case page: %s", err->message);
    respond (c, 404, "text/html; charset=utf-8", g_bytes_new_static (PUBLIC_NOT_FOUND, sizeof PUBLIC_NOT_FOUND - 1));
    return;
  }
  if (image) {
    if (jpeg)
      respond (c, 200, "image/jpeg", g_steal_pointer (&jpeg));
    else
      respond (c, 404, "text/html; charset=utf-8", g_bytes_new_static (PUBLIC_NOT_FOUND, sizeof PUBLIC_NOT_FOUND - 1));
    return;
  }
  /* the time as people on that street read it, and in UTC */
  g_autoptr (GDateTime) utc_dt = g_date_time_new_from_iso8601 (json_object_get_string_member (o, "utc"), NULL);
  g_autoptr (GDateTime) local_dt = utc_dt ? g_date_time_to_local (utc_dt) : NULL;
  g_autofree char *local = local_dt ? g_date_time_format (local_dt, "%Y-%m-%d %H:%M:%S %Z") : g_strdup ("");
  /* the picture only where the site's profile lets the person be shown */
  g_autofree char *picture =
      jpeg ? g_strdup_printf ("<img src=\"/case/%s/image.jpg\" alt=\"The decision picture, with faces and surroundings "
                              "blurred\">",
                              id)
           : g_strdup ("<p class=\"no-picture\">No picture of the person is published for this case.</p>");
#define ESC(member) g_markup_escape_text (json_object_get_string_member (o, member), -1)
  g_autofree char *eid = ESC ("id"), *rule = ESC ("rule"), *utc = ESC ("utc"), *site = ESC ("site_name");
  g_autofree char *zone = ESC ("zone"), *status = ESC ("status"), *appeal = ESC ("appeal"), *type = ESC ("offence");
#undef ESC
  char *html = g_strdup_printf (
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Case %s</title><link rel=\"stylesheet\" href=\"/ui/public.css\"></head><body><main>"
      "<h1>Pedestrian crossing case</h1><p class=\"id\">Case %s</p>"
      "%s"
      "<dl><dt>Rule</dt><dd>%s</dd><dt>Offence</dt><dd>%s</dd><dt>Time</dt><dd><time datetime=\"%s\">%s</time> (UTC %s)</dd>"
      "<dt>Place</dt><dd>%s, zone %s</dd><dt>Status</dt><dd>%s</dd></dl>"
      "<h2>How to appeal</h2><p>%s</p></main></body></html>\n",
      eid, eid, picture, rule, type, utc, local, utc, site, zone, status, appeal);
  respond (c, 200, "text/html; charset=utf-8", g_bytes_new_take (html, strlen (html)));
}

/* A POST is JSON from this service's own pages: a cross-site form can
 * send neither the JSON type (without a CORS preflight, which is never
 * granted) nor this origin, so no other site can log a browser in or act
 * in its name. */
static gboolean
same_origin_json (struct call *c)
{
  const struct rev_request *req = c->req;
  if (!req->content_type || g_ascii_strncasecmp (req->content_type, "application/json", 16) != 0) {
    respond_error (c, 415, "POST bodies are application/json");
    return FALSE;
  }
  if (req->origin) {
    g_autofree char *own = g_strdup_printf ("%s://%s", req->tls ? "https" : "http", req->host ? req->host : "");
    if (g_ascii_strcasecmp (req->origin, own) != 0) {
      respond_error (c, 403, "cross-origin request refused");
      return FALSE;
    }
  }
  return TRUE;
}

/* Splits PATH at '/' and percent-decodes each segment; a segment that
 * decodes to something with '/' or a NUL (an encoded "../" or
 * "%2F") makes the whole path unroutable (NULL). */
static GStrv
path_segments (const char *path)
{
  g_auto (GStrv) raw = g_strsplit (path + 1, "/", 16);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (char **s = raw; *s; s++) {
    char *d = g_uri_unescape_string (*s, "/");
    if (!d || !strcmp (d, "..") || !strcmp (d, ".")) {
      g_free (d);
      g_ptr_array_unref (out);
      return NULL;
    }
    g_ptr_array_add (out, d);
  }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

static void
route (struct call *c)
{
  const struct rev_request *req = c->req;
  /* HEAD only on the public page: on the API it would count as opening a
   * media item without sending it */
  gboolean head = !strcmp (req->method, "HEAD");
  gboolean get = !strcmp (req->method, "GET");
  gboolean post = !strcmp (req->method, "POST");
  g_auto (GStrv) seg = path_segments (req->path);
  guint n = seg ? g_strv_length (seg) : 0;
  g_autoptr (GHashTable) q = req->query ? g_uri_parse_params (req->query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  g_autoptr (GError) err = NULL;
  if (req->query && !q) {
    respond_error (c, 400, "the query string is not valid (bad percent-encoding)");
    return;
  }

  if (n >= 2 && !strcmp (seg[0], "case") && (get || head) && (n == 2 || (n == 3 && !strcmp (seg[2], "image.jpg")))) {
    public_case (c, seg[1], n == 3);
    return;
  }
  if (n < 2 || strcmp (seg[0], "api")) {
    if (n >= 1 && !strcmp (seg[0], "case"))
      respond (c, 404, "text/html; charset=utf-8", g_bytes_new_static (PUBLIC_NOT_FOUND, sizeof PUBLIC_NOT_FOUND - 1));
    else
      respond_error (c, 404, "no such route");
    return;
  }
  if (n == 2 && !strcmp (seg[1], "login")) {
    if (!post)
      respond_error (c, 405, "POST only");
    else if (same_origin_json (c))
      login (c);
    return;
  }
  if (!authenticate (c))
    return;
  if (!get && !post) {
    respond_error (c, 405, "GET or POST only");
    return;
  }
  if (post && (!same_origin_json (c) || !csrf_checked (c)))
    return;
  if (n == 2 && !strcmp (seg[1], "logout") && post) {
    rev_desk_logout (c->api->desk, &c->actor, NULL);
    rev_sessions_end (c->api->sessions, c->sess->token);
    JsonObject *o = json_object_new ();
    json_object_set_boolean_member (o, "ok", TRUE);
    respond_object (c, 200, o);
    c->resp->set_cookie = g_strdup ("cw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  } else if (n == 2 && !strcmp (seg[1], "session") && get)
    who_am_i (c);
  else if (n == 2 && !strcmp (seg[1], "cases") && get)
    list_cases (c, q);
  else if (n == 3 && !strcmp (seg[1], "cases") && get) {
    JsonObject *o = rev_desk_case (c->api->desk, &c->actor, seg[2], &err);
    if (o)
      respond_object (c, 200, o);
    else
      respond_gerror (c, err);
  } else if (n == 5 && !strcmp (seg[1], "cases") && !strcmp (seg[3], "media") && get) {
    g_autofree char *mime = NULL;
    GBytes *b = rev_desk_media (c->api->desk, &c->actor, seg[2], seg[4], FALSE, !req->partial, &mime, &err);
    if (b)
      respond (c, 200, mime, b);
    else
      respond_gerror (c, err);
  } else if (n == 4 && !strcmp (seg[1], "cases") && !strcmp (seg[3], "bundle") && get) {
    GBytes *b = rev_desk_bundle (c->api->desk, &c->actor, seg[2], &err);
    if (!b) {
      respond_gerror (c, err);
      return;
    }
    respond (c, 200, "application/x-tar", b);
    c->resp->content_disposition = g_strdup_printf ("attachment; filename=\"case-%s.tar\"", seg[2]);
  } else if (n == 4 && !strcmp (seg[1], "cases") && post)
    case_action (c, seg[2], seg[3]);
  else if (n == 5 && !strcmp (seg[1], "cases") && !strcmp (seg[3], "watchlist") && post)
    watch_decision (c, seg[2], seg[4]);
  else if (n == 4 && !strcmp (seg[1], "watchlist") && !strcmp (seg[3], "image") && get) {
    gint64 e = 0;
    GBytes *b = rev_watch_entry_id_parse (seg[2], &e) ? rev_desk_watchlist_image (c->api->desk, &c->actor, e, &err)
                                                      : NULL;
    if (b)
      respond (c, 200, "image/jpeg", b);
    else if (err)
      respond_gerror (c, err);
    else
      respond_error (c, 404, "no such watchlist entry");
  } else if (n == 2 && !strcmp (seg[1], "watchlist") && get) {
    JsonArray *a = rev_desk_watchlist (c->api->desk, &c->actor, &err);
    if (a)
      respond_array (c, a);
    else
      respond_gerror (c, err);
  }
  else if (n == 2 && !strcmp (seg[1], "audit") && get) {
    g_autofree char *id = query_param (q, "case"), *limit = query_param (q, "limit");
    g_autofree char *who = query_param (q, "actor"), *action = query_param (q, "action");
    g_autofree char *before = query_param (q, "before");
    struct rev_audit_filter af = {id, who, action, before ? g_ascii_strtoll (before, NULL, 10) : 0,
                                  limit ? atoi (limit) : 0};
    JsonArray *a = rev_desk_audit (c->api->desk, &c->actor, &af, &err);
    if (a)
      respond_array (c, a);
    else
      respond_gerror (c, err);
  } else if (n == 2 && !strcmp (seg[1], "users") && get) {
    JsonArray *a = rev_desk_users (c->api->desk, &c->actor, &err);
    if (a)
      respond_array (c, a);
    else
      respond_gerror (c, err);
  } else if (n == 2 && !strcmp (seg[1], "users") && post)
    user_action (c, NULL, NULL);
  else if (n == 4 && !strcmp (seg[1], "users") && post)
    user_action (c, seg[2], seg[3]);
  else
    respond_error (c, 404, "no such route");
}

void
rev_api_handle (struct rev_api *api, const struct rev_request *req, struct rev_response *resp)
{
  struct call c = {.api = api, .req = req, .resp = resp};
  memset (resp, 0, sizeof *resp);
  if (req->body_len > REV_MAX_BODY)
    respond_error (&c, 413, "the request body is too large");
  else if (!req->path || req->path[0] != '/' || !req->method)
    respond_error (&c, 400, "bad request");
  else
    route (&c);
  g_free (c.role);
}
