/* The review service's rules and routes, driven through rev_api (no HTTP
 * library in between) on a real SQLite store with real packets: sessions,
 * CSRF, lockout and throttle on a fake clock, every route without a
 * session, roles, the two-person rule, "open every still first", reversal,
 * the public page, hostile ids and media names, markup in reasons. */
#include "evid_key.h"
#include "evid_recorder.h"
#include "evid_publication.h"
#include "evid_store.h"
#include "hwcfg.h"
#include "rev_api.h"
#include "rev_desk.h"
#include "rev_sessions.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

static gint64 fake_now;
static gint64
clock_now (void)
{
  return fake_now;
}

struct fixture {
  char *dir;
  struct hwcfg *cfg;
  struct evid_store *st;
  struct evid_key *key;
  struct rev_desk *desk;
  struct rev_api *api;
  char *ids[4]; /* tracks 3, 4, 5 and 3 again: the last is related to the first */
};

struct reply {
  int status;
  char *body;
  char *cookie; /* cw_session=... from Set-Cookie */
};

static void
reply_clear (struct reply *r)
{
  g_free (r->body);
  g_free (r->cookie);
  memset (r, 0, sizeof *r);
}

static struct reply
call (struct fixture *f, const char *method, const char *path, const char *cookie, const char *csrf,
      const char *body)
{
  g_autofree char *p = g_strdup (path);
  char *q = strchr (p, '?');
  if (q)
    *q++ = '\0';
  struct rev_request req = {.method = method, .path = p, .query = q, .cookie = cookie, .csrf = csrf,
                            .address = "192.0.2.7", .body = body, .body_len = body ? strlen (body) : 0,
                            .content_type = "application/json", .host = "review.test"};
  struct rev_response resp;
  rev_api_handle (f->api, &req, &resp);
  struct reply r = {.status = resp.status};
  gsize len = 0;
  const char *data = resp.body ? g_bytes_get_data (resp.body, &len) : "";
  r.body = g_strndup (data, len);
  if (resp.set_cookie)
    r.cookie = g_strndup (resp.set_cookie, strcspn (resp.set_cookie, ";"));
  rev_response_clear (&resp);
  return r;
}

/* A logged-in user: its cookie and CSRF token. */
struct login {
  char *cookie, *csrf;
};

static void
login_clear (struct login *l)
{
  g_free (l->cookie);
  g_free (l->csrf);
}

static char *
json_member (const char *text, const char *name)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    return NULL;
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  return json_object_has_member (o, name) ? g_strdup (json_object_get_string_member (o, name)) : NULL;
}

static struct login
login (struct fixture *f, const char *user, const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
  struct reply r = call (f, "POST", "/api/login", NULL, NULL, body);
  if (r.status != 200)
    g_error ("login %s: %d %s", user, r.status, r.body);
  g_assert_nonnull (r.cookie);
  struct login l = {g_strdup (r.cookie), json_member (r.body, "csrf")};
  g_assert_cmpuint (strlen (l.csrf), ==, 64);
  reply_clear (&r);
  return l;
}

static int
status_of (struct fixture *f, const char *method, const char *path, const struct login *l, const char *body)
{
  struct reply r = call (f, method, path, l ? l->cookie : NULL, l ? l->csrf : NULL, body);
  int s = r.status;
  reply_clear (&r);
  return s;
}

static void
add_user (struct fixture *f, const char *name, const char *role)
{
  const struct rev_actor admin = {"test-admin", "admin"};
  g_autoptr (GError) err = NULL;
  g_autofree char *pw = g_strdup_printf ("%s-password", name);
  g_assert_true (rev_desk_user_add (f->desk, &admin, name, role, pw, &err));
  g_assert_no_error (err);
}

static void
synced_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = true, .est_error_us = 2000, .max_error_us = 5000};
}

static void
drifting_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = false, .est_error_us = 16000000, .max_error_us = 16000000};
}

static char *record_judged (struct fixture *f, evid_clock_reader clock, const char *verdict, const char *liveness_json);

/* One more red-signal case on a clock of CLOCK; its id (g_free). */
static char *
record_red (struct fixture *f, evid_clock_reader clock)
{
  return record_judged (f, clock, "live", "{}");
}

/* The same with liveness VERDICT and LIVENESS_JSON. */
static char *
record_judged (struct fixture *f, evid_clock_reader clock, const char *verdict, const char *liveness_json)
{
  g_autoptr (GError) err = NULL;
  struct evid_recorder *rec = evid_recorder_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  evid_recorder_set_clock_reader (rec, clock);
  int w = 160, h = 120;
  struct cv_image frame = {g_malloc0 ((size_t) w * h * 3), w, h, w * 3, 3};
  struct evid_candidate c = {.frame = 90, .utc_us = g_get_real_time (), .track_id = 8, .type = "red_signal",
                             .bbox = {60, 30, 20, 60}, .zone = "road", .entry_frame = 80, .signal_phase = "DONT_WALK",
                             .signal_elapsed_s = 5, .signal_source = "schedule", .verdict = verdict,
                             .liveness_json = liveness_json, .entry_seen = true};
  char *event = NULL;
  g_assert_true (evid_recorder_record (rec, &c, NULL, &frame, &event, &err));
  evid_recorder_free (rec);
  g_free (frame.data);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, event, -1, NULL));
  char *id = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (p)), "packet_id"));
  g_free (event);
  return id;
}

static void
setup (struct fixture *f, gconstpointer data)
{
  (void) data;
  fake_now = (gint64) 1800000000 * G_USEC_PER_SEC;
  f->dir = g_dir_make_tmp ("reviewXXXXXX", NULL);
  g_autofree char *db = g_build_filename (f->dir, "evidence.db", NULL);
  g_autofree char *key = g_build_filename (f->dir, "device.key", NULL);
  g_autofree char *ini = g_build_filename (f->dir, "site.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[site]\nid = t1\nname = Test Rd\n[camera:main]\nuri = file:///dev/null\n"
                                           "[signal]\nsource = none\n[evidence]\ndb = %s\nkey = %s\n"
                                           "[mqtt]\ndisplays = east\n[review]\nsession_idle_min = 30\n",
                                           db, key);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  f->cfg = hwcfg_load (ini, &err);
  g_assert_no_error (err);
  struct evid_recorder *rec = evid_recorder_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  evid_recorder_set_clock_reader (rec, synced_clock);
  int w = 160, h = 120;
  struct cv_image frame = {g_malloc0 ((size_t) w * h * 3), w, h, w * 3, 3};
  for (int i = 0; i < 4; i++) {
    struct evid_candidate c = {.frame = 42 + i, .pts_s = 4.1, .utc_us = g_get_real_time (), .track_id = 3 + i % 3,
                               .type = "red_signal", .bbox = {60, 30, 20, 60}, .has_ground = true,
                               .ground_m = {1.5, -2.0}, .zone = "road", .entry_frame = 38,
                               .signal_phase = "DONT_WALK", .signal_elapsed_s = 7.5, .signal_source = "schedule",
                               .liveness_json = "{\"verdict\":\"live\",\"score\":1,\"checks\":{\"geometry\":"
                                                "{\"verdict\":\"live\",\"score\":1,\"height_m\":1.74}}}",
                               .verdict = "live",
                               .track_json = "{\"ground_path\":[[4.0,1.5,-2.0]]}", .ground_sigma_m = 0.2,
                               .entry_seen = true};
    char *event = NULL;
    g_assert_true (evid_recorder_record (rec, &c, NULL, &frame, &event, &err));
    g_free (event);
  }
  evid_recorder_free (rec);
  g_free (frame.data);
  f->st = evid_store_open (db, &err);
  g_assert_no_error (err);
  f->key = evid_key_open (key, false, &err);
  g_assert_no_error (err);
  evid_store_set_signer (f->st, f->key, "t1");
  evid_store_set_displays (f->st, (const char *const *) f->cfg->mqtt.displays);
  g_autoptr (GPtrArray) rows = evid_store_list (f->st, "pending", &err);
  g_assert_cmpuint (rows->len, ==, 4);
  for (int i = 0; i < 4; i++)
    f->ids[i] = g_strdup (((struct evid_packet_row *) g_ptr_array_index (rows, i))->id);
  f->desk = rev_desk_new (f->st, f->cfg);
  f->api = rev_api_new (f->desk, f->cfg);
  rev_api_set_clock (f->api, clock_now);
  add_user (f, "officer", "reviewer");
  add_user (f, "officer2", "reviewer");
  add_user (f, "sergeant", "supervisor");
  add_user (f, "auditor", "auditor");
  add_user (f, "admin", "admin");
}

static void
teardown (struct fixture *f, gconstpointer data)
{
  (void) data;
  rev_api_free (f->api);
  rev_desk_free (f->desk);
  evid_store_close (f->st);
  evid_key_free (f->key);
  hwcfg_free (f->cfg);
  for (int i = 0; i < 4; i++)
    g_free (f->ids[i]);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

/* Opens every media item of case ID as L. */
static void
open_all_media (struct fixture *f, const char *id, const struct login *l)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) names = evid_store_media_names (f->st, id, &err);
  g_assert_cmpuint (names->len, >=, 3);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_strdup_printf ("/api/cases/%s/media/%s", id, (char *) g_ptr_array_index (names, i));
    g_assert_cmpint (status_of (f, "GET", path, l, NULL), ==, 200);
  }
}

static char *
case_state (struct fixture *f, const char *id)
{
  struct evid_packet_row *r = evid_store_get (f->st, id, NULL);
  char *s = g_strdup (r->review_state);
  evid_packet_row_free (r);
  return s;
}

static void
test_sessions_expire_and_csrf_is_per_session (void)
{
  gint64 t = 1000 * G_USEC_PER_SEC, minute = 60 * G_USEC_PER_SEC;
  struct rev_sessions *s = rev_sessions_new (30 * minute, 600 * minute);
  const struct rev_session *a = rev_sessions_start (s, "officer", 0, t);
  g_autofree char *token = g_strdup (a->token), *csrf = g_strdup (a->csrf);
  const struct rev_session *b = rev_sessions_start (s, "officer", 0, t);
  g_assert_cmpstr (token, !=, b->token);
  g_assert_cmpstr (csrf, !=, b->csrf);
  g_assert_true (rev_session_csrf_ok (a, csrf));
  g_assert_false (rev_session_csrf_ok (a, b->csrf));
  g_assert_false (rev_session_csrf_ok (a, NULL));
  g_assert_false (rev_session_csrf_ok (a, "abc"));
  /* used every 20 minutes, it lives; idle for 31 it ends */
  for (int i = 1; i <= 5; i++)
    g_assert_nonnull (rev_sessions_find (s, token, t + i * 20 * minute));
  g_assert_null (rev_sessions_find (s, token, t + 5 * 20 * minute + 31 * minute));
  /* however busy, it ends at its maximum age */
  const struct rev_session *c = rev_sessions_start (s, "sergeant", 0, t);
  g_autofree char *ctoken = g_strdup (c->token);
  for (int i = 1; i < 30; i++)
    g_assert_nonnull (rev_sessions_find (s, ctoken, t + i * 20 * minute));
  g_assert_null (rev_sessions_find (s, ctoken, t + 601 * minute));
  /* ending a user's sessions */
  const struct rev_session *d = rev_sessions_start (s, "officer2", 0, t);
  g_autofree char *dtoken = g_strdup (d->token);
  rev_sessions_end_user (s, "officer2");
  g_assert_null (rev_sessions_find (s, dtoken, t + minute));
  g_assert_null (rev_sessions_find (s, "not-a-token", t));
  g_assert_null (rev_sessions_find (s, NULL, t));
  rev_sessions_free (s);
}

static void
test_lockout_after_five_failures_and_address_throttle (struct fixture *f, gconstpointer data)
{
  (void) data;
  const char *wrong = "{\"user\":\"officer\",\"password\":\"wrong-password\"}";
  const char *right = "{\"user\":\"officer\",\"password\":\"officer-password\"}";
  for (int i = 1; i <= 4; i++)
    g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, wrong), ==, 401);
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, wrong), ==, 423);
  /* locked: the right password does not help for 15 minutes */
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, right), ==, 423);
  fake_now += 14 * 60 * G_USEC_PER_SEC;
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, right), ==, 423);
  fake_now += 2 * 60 * G_USEC_PER_SEC;
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, right), ==, 200);
  /* an unknown name and a wrong password read the same */
  struct reply a = call (f, "POST", "/api/login", NULL, NULL, "{\"user\":\"nobody\",\"password\":\"whatever-pw\"}");
  struct reply b = call (f, "POST", "/api/login", NULL, NULL, wrong);
  g_assert_cmpint (a.status, ==, 401);
  g_assert_cmpstr (a.body, ==, b.body);
  reply_clear (&a);
  reply_clear (&b);
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, "not json"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, "{\"user\":[1],\"password\":2}"), ==, 400);
  /* one address trying many names is throttled (429), whatever it sends */
  for (int i = 0; i < REV_THROTTLE_FAILURES; i++) {
    g_autofree char *body = g_strdup_printf ("{\"user\":\"guess%d\",\"password\":\"guess-password\"}", i);
    status_of (f, "POST", "/api/login", NULL, body);
  }
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, right), ==, 429);
  fake_now += REV_THROTTLE_WINDOW_US + G_USEC_PER_SEC;
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, right), ==, 200);
  /* every attempt that reached the accounts is in the audit log (a
   * throttled one is refused before) */
  g_autoptr (GPtrArray) rows = evid_store_audit_rows (f->st, NULL, NULL);
  int failed = 0;
  for (guint i = 0; i < rows->len; i++)
    failed += strstr (g_ptr_array_index (rows, i), "\"login_failed\"") != NULL;
  g_assert_cmpint (failed, ==, REV_THROTTLE_FAILURES);
}

static void
test_every_route_needs_a_session (struct fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *c = g_strdup_printf ("/api/cases/%s", f->ids[0]);
  g_autofree char *m = g_strdup_printf ("/api/cases/%s/media/overview_entry", f->ids[0]);
  g_autofree char *b = g_strdup_printf ("/api/cases/%s/bundle", f->ids[0]);
  g_autofree char *a = g_strdup_printf ("/api/cases/%s/confirm", f->ids[0]);
  const char *gets[] = {"/api/session", "/api/cases", c, m, b, "/api/audit", "/api/users", "/api/nothing"};
  const char *posts[] = {"/api/logout", a, "/api/users", "/api/users/officer/disable", "/api/cases/x/reverse"};
  struct login bogus = {(char *) "cw_session=0000000000000000000000000000000000000000000000000000000000000000",
                        (char *) "0000000000000000000000000000000000000000000000000000000000000000"};
  for (size_t i = 0; i < G_N_ELEMENTS (gets); i++) {
    g_assert_cmpint (status_of (f, "GET", gets[i], NULL, NULL), ==, 401);
    g_assert_cmpint (status_of (f, "GET", gets[i], &bogus, NULL), ==, 401);
  }
  for (size_t i = 0; i < G_N_ELEMENTS (posts); i++) {
    g_assert_cmpint (status_of (f, "POST", posts[i], NULL, "{}"), ==, 401);
    g_assert_cmpint (status_of (f, "POST", posts[i], &bogus, "{}"), ==, 401);
  }
  /* a session ends at logout, and after 30 idle minutes */
  struct login l = login (f, "officer", "officer-password");
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &l, NULL), ==, 200);
  fake_now += 31 * 60 * G_USEC_PER_SEC;
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &l, NULL), ==, 401);
  login_clear (&l);
  l = login (f, "officer", "officer-password");
  g_assert_cmpint (status_of (f, "POST", "/api/logout", &l, "{}"), ==, 200);
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &l, NULL), ==, 401);
  login_clear (&l);
}

static void
test_posts_need_the_csrf_token_and_roles_hold (struct fixture *f, gconstpointer data)
{
  (void) data;
  struct login l = login (f, "officer", "officer-password");
  g_autofree char *confirm = g_strdup_printf ("/api/cases/%s/confirm", f->ids[0]);
  g_autofree char *reverse = g_strdup_printf ("/api/cases/%s/reverse", f->ids[0]);
  struct reply r = call (f, "POST", confirm, l.cookie, NULL, "{}");
  g_assert_cmpint (r.status, ==, 403);
  reply_clear (&r);
  r = call (f, "POST", confirm, l.cookie, "f00d", "{}");
  g_assert_cmpint (r.status, ==, 403);
  reply_clear (&r);
  /* another session's token is wrong too */
  struct login other = login (f, "officer2", "officer2-password");
  r = call (f, "POST", confirm, l.cookie, other.csrf, "{}");
  g_assert_cmpint (r.status, ==, 403);
  reply_clear (&r);
  /* roles: a reviewer does not reverse, read the audit log or manage users */
  g_assert_cmpint (status_of (f, "POST", reverse, &l, "{\"reason\":\"x\"}"), ==, 403);
  g_assert_cmpint (status_of (f, "GET", "/api/audit", &l, NULL), ==, 403);
  g_assert_cmpint (status_of (f, "GET", "/api/users", &l, NULL), ==, 403);
  g_assert_cmpint (status_of (f, "POST", "/api/users", &l, "{\"name\":\"x\",\"role\":\"admin\",\"password\":\"p\"}"), ==,
                   403);
  struct login aud = login (f, "auditor", "auditor-password");
  g_assert_cmpint (status_of (f, "GET", "/api/audit", &aud, NULL), ==, 200);
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &aud, NULL), ==, 200);
  g_assert_cmpint (status_of (f, "POST", confirm, &aud, "{}"), ==, 403);
  struct login adm = login (f, "admin", "admin-password");
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &adm, NULL), ==, 403); /* an admin does not see evidence */
  g_assert_cmpint (status_of (f, "GET", "/api/users", &adm, NULL), ==, 200);
  /* disabling an account ends its sessions at once */
  g_assert_cmpint (status_of (f, "POST", "/api/users/officer2/disable", &adm, "{}"), ==, 200);
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &other, NULL), ==, 401);
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, "{\"user\":\"officer2\",\"password\":\"officer2-password\"}"),
                   ==, 401);
  login_clear (&l);
  login_clear (&other);
  login_clear (&aud);
  login_clear (&adm);
}

static void
test_unknown_cases_and_hostile_names_are_404 (struct fixture *f, gconstpointer data)
{
  (void) data;
  struct login l = login (f, "officer", "officer-password");
  g_autofree char *traversal = g_strdup_printf ("/api/cases/%s/media/..%%2F..%%2Fevidence.db", f->ids[0]);
  g_autofree char *dots = g_strdup_printf ("/api/cases/%s/media/..", f->ids[0]);
  g_autofree char *nul = g_strdup_printf ("/api/cases/%s/media/overview_entry%%00.jpg", f->ids[0]);
  g_autofree char *none = g_strdup_printf ("/api/cases/%s/media/nothing", f->ids[0]);
  const char *paths[] = {"/api/cases/00000000-0000-0000-0000-000000000000", "/api/cases/..", "/api/cases/%2e%2e",
                         "/api/cases/'%20OR%201=1--", traversal, dots, nul, none,
                         "/api/cases/00000000-0000-0000-0000-000000000000/bundle"};
  for (size_t i = 0; i < G_N_ELEMENTS (paths); i++)
    if (status_of (f, "GET", paths[i], &l, NULL) != 404)
      g_error ("%s: %d, expected 404", paths[i], status_of (f, "GET", paths[i], &l, NULL));
  g_autofree char *bad_verb = g_strdup_printf ("/api/cases/%s/delete", f->ids[0]);
  g_assert_cmpint (status_of (f, "POST", bad_verb, &l, "{}"), ==, 404);
  g_assert_cmpint (status_of (f, "POST", "/api/cases/nope/confirm", &l, "{}"), ==, 404);
  login_clear (&l);
}

static void
test_two_people_confirm_after_opening_everything (struct fixture *f, gconstpointer data)
{
  (void) data;
  const char *id = f->ids[0];
  g_autofree char *confirm = g_strdup_printf ("/api/cases/%s/confirm", id);
  g_autofree char *reverse = g_strdup_printf ("/api/cases/%s/reverse", id);
  g_autofree char *public = g_strdup_printf ("/case/%s", id);
  struct login officer = login (f, "officer", "officer-password");
  struct login officer2 = login (f, "officer2", "officer2-password");
  struct login sergeant = login (f, "sergeant", "sergeant-password");
  /* nothing opened: 409, and the reply names what is missing */
  struct reply r = call (f, "POST", confirm, officer.cookie, officer.csrf, "{}");
  g_assert_cmpint (r.status, ==, 409);
  g_assert_nonnull (strstr (r.body, "overview_decision"));
  reply_clear (&r);
  open_all_media (f, id, &officer);
  g_assert_cmpint (status_of (f, "POST", confirm, &officer, "{}"), ==, 200);
  /* the other packet of the same camera and track is named as related */
  g_autofree char *view = g_strdup_printf ("/api/cases/%s", id);
  r = call (f, "GET", view, officer.cookie, NULL, NULL);
  g_autofree char *rel = g_strdup_printf ("\"related\":[{\"id\":\"%s\"", f->ids[3]);
  g_assert_nonnull (strstr (r.body, rel));
  g_assert_nonnull (strstr (r.body, "\"confirmed_once_by\":\"officer\""));
  reply_clear (&r);
  g_autofree char *s1 = case_state (f, id);
  g_assert_cmpstr (s1, ==, "confirmed_once");
  g_assert_cmpint (evid_store_outbox_count_pending (f->st, NULL), ==, 0); /* not published yet */
  g_assert_cmpint (status_of (f, "GET", public, NULL, NULL), ==, 404);
  /* the same person twice: no */
  g_assert_cmpint (status_of (f, "POST", confirm, &officer, "{}"), ==, 409);
  /* two reviewers: no, one must be a supervisor */
  open_all_media (f, id, &officer2);
  r = call (f, "POST", confirm, officer2.cookie, officer2.csrf, "{}");
  g_assert_cmpint (r.status, ==, 409);
  g_assert_nonnull (strstr (r.body, "supervisor"));
  reply_clear (&r);
  /* the supervisor must open everything too */
  g_assert_cmpint (status_of (f, "POST", confirm, &sergeant, "{}"), ==, 409);
  open_all_media (f, id, &sergeant);
  r = call (f, "POST", confirm, sergeant.cookie, sergeant.csrf, "{}");
  g_assert_cmpint (r.status, ==, 200);
  g_assert_nonnull (strstr (r.body, "\"confirmed\""));
  reply_clear (&r);
  g_assert_cmpint (evid_store_outbox_count_pending (f->st, NULL), ==, 1); /* the evidence topic */
  /* the publisher resolves the displays: east gets it */
  g_assert_cmpint (evid_publication_sync_displays (f->st, f->cfg, g_get_real_time (), NULL), ==, 1);
  /* published: the public page shows it, and its image */
  r = call (f, "GET", public, NULL, NULL, NULL);
  g_assert_cmpint (r.status, ==, 200);
  g_assert_nonnull (strstr (r.body, "How to appeal"));
  reply_clear (&r);
  g_autofree char *image = g_strdup_printf ("/case/%s/image.jpg", id);
  g_assert_cmpint (status_of (f, "GET", image, NULL, NULL), ==, 200);
  /* reversal: a supervisor's, with a reason; then gone from the public page */
  g_assert_cmpint (status_of (f, "POST", reverse, &sergeant, "{}"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", reverse, &sergeant, "{\"reason\":\"appeal upheld\"}"), ==, 200);
  g_autofree char *s2 = case_state (f, id);
  g_assert_cmpstr (s2, ==, "reversed");
  struct reply gone = call (f, "GET", public, NULL, NULL, NULL);
  struct reply unknown = call (f, "GET", "/case/00000000-0000-0000-0000-000000000000", NULL, NULL, NULL);
  struct reply pending = call (f, "GET", "/case/", NULL, NULL, NULL);
  g_autofree char *pending_path = g_strdup_printf ("/case/%s", f->ids[1]);
  struct reply unpublished = call (f, "GET", pending_path, NULL, NULL, NULL);
  g_assert_cmpint (gone.status, ==, 404);
  g_assert_cmpint (unknown.status, ==, 404);
  g_assert_cmpint (unpublished.status, ==, 404);
  g_assert_cmpint (pending.status, ==, 404);
  g_assert_cmpstr (gone.body, ==, unknown.body); /* no oracle */
  g_assert_cmpstr (unpublished.body, ==, unknown.body);
  reply_clear (&gone);
  reply_clear (&unknown);
  reply_clear (&pending);
  reply_clear (&unpublished);
  /* every view and action names its user in the audit log */
  g_autoptr (GPtrArray) rows = evid_store_audit_rows (f->st, id, NULL);
  int views = 0, confirms = 0;
  for (guint i = 0; i < rows->len; i++) {
    const char *row = g_ptr_array_index (rows, i);
    views += strstr (row, "\"view_media\"") && strstr (row, "\"actor\":\"officer\"");
    confirms += strstr (row, "\"review:confirmed") != NULL;
  }
  g_assert_cmpint (views, >=, 3);
  g_assert_cmpint (confirms, ==, 2);
  login_clear (&officer);
  login_clear (&officer2);
  login_clear (&sergeant);
}

static void
test_reject_needs_a_code_and_keeps_markup_as_text (struct fixture *f, gconstpointer data)
{
  (void) data;
  const char *id = f->ids[1];
  g_autofree char *reject = g_strdup_printf ("/api/cases/%s/reject", id);
  g_autofree char *view = g_strdup_printf ("/api/cases/%s", id);
  struct login l = login (f, "officer", "officer-password");
  g_assert_cmpint (status_of (f, "POST", reject, &l, "{}"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", reject, &l, "{\"code\":\"because\"}"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", reject, &l, "{\"code\":\"other\"}"), ==, 400); /* other needs words */
  g_assert_cmpint (status_of (f, "POST", reject, &l, "{\"code\":\"other\",\"reason\":\"   \"}"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", reject, &l, "[1,2]"), ==, 400);
  const char *hostile = "{\"code\":\"other\",\"reason\":\"<script>alert(1)</script>\\\" & ' <b>x</b>\"}";
  g_assert_cmpint (status_of (f, "POST", reject, &l, hostile), ==, 200);
  /* the stored reason comes back as the same text, in a JSON string */
  struct reply r = call (f, "GET", view, l.cookie, NULL, NULL);
  g_assert_cmpint (r.status, ==, 200);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, r.body, -1, NULL));
  JsonArray *hist = json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "history");
  gboolean found = FALSE;
  for (guint i = 0; i < json_array_get_length (hist); i++) {
    JsonObject *h = json_array_get_object_element (hist, i);
    if (json_object_has_member (h, "detail") && !g_strcmp0 (json_object_get_string_member (h, "detail"),
                                                           "other: <script>alert(1)</script>\" & ' <b>x</b>"))
      found = TRUE;
  }
  g_assert_true (found);
  reply_clear (&r);
  /* a rejected case is not confirmed afterwards */
  open_all_media (f, id, &l);
  g_autofree char *confirm = g_strdup_printf ("/api/cases/%s/confirm", id);
  g_assert_cmpint (status_of (f, "POST", confirm, &l, "{}"), ==, 409);
  /* an oversized body is refused before it is parsed */
  g_autofree char *big = g_strnfill (REV_MAX_BODY + 1, 'a');
  g_assert_cmpint (status_of (f, "POST", reject, &l, big), ==, 413);
  /* deep nesting within the limit is refused before json-glib recurses */
  g_autofree char *deep = g_strnfill (REV_MAX_BODY, '[');
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, deep), ==, 400);
  g_assert_cmpint (status_of (f, "POST", reject, &l, deep), ==, 400);
  login_clear (&l);
}

/* A red-signal case on an untrusted clock: nobody confirms it; only a
 * supervisor clears it, saying how the time was checked; then it is
 * reviewed like any other. */
static void
test_a_clock_unsynced_case_is_cleared_by_a_supervisor_only (struct fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *id = record_red (f, drifting_clock);
  g_autofree char *clear = g_strdup_printf ("/api/cases/%s/clear_clock", id);
  g_autofree char *confirm = g_strdup_printf ("/api/cases/%s/confirm", id);
  struct login officer = login (f, "officer", "officer-password");
  struct login sergeant = login (f, "sergeant", "sergeant-password");
  open_all_media (f, id, &officer);
  g_assert_cmpint (status_of (f, "POST", confirm, &officer, "{}"), ==, 409);
  g_assert_cmpint (status_of (f, "POST", clear, &officer, "{\"reason\":\"checked\"}"), ==, 403);
  g_assert_cmpint (status_of (f, "POST", clear, &sergeant, "{}"), ==, 400); /* how it was checked, in words */
  /* a NUL would cut the reason short in the audit log: refused, not truncated */
  g_assert_cmpint (status_of (f, "POST", clear, &sergeant, "{\"reason\":\"log 14:02\\u0000 forged\"}"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", clear, &sergeant, "{\"reason\":\"controller log 14:02:07\"}"), ==, 200);
  g_assert_cmpint (status_of (f, "POST", clear, &sergeant, "{\"reason\":\"again\"}"), ==, 409);
  struct evid_packet_row *row = evid_store_get (f->st, id, NULL);
  g_assert_cmpstr (row->review_state, ==, "pending");
  evid_packet_row_free (row);
  /* a case on a trusted clock never needed it */
  g_autofree char *trusted = record_red (f, synced_clock);
  g_autofree char *clear2 = g_strdup_printf ("/api/cases/%s/clear_clock", trusted);
  g_assert_cmpint (status_of (f, "POST", clear2, &sergeant, "{\"reason\":\"x\"}"), ==, 409);
  login_clear (&officer);
  login_clear (&sergeant);
}

/* A candidate the liveness checks never assessed (its track lost before
 * its speed could be measured) is kept for audit and listed by its state
 * and flag, but no one confirms, rejects or clears it. */
static void
test_an_unassessed_case_is_listed_never_confirmed (struct fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *id = record_judged (f, synced_clock, "uncertain",
                                       "{\"verdict\":\"uncertain\",\"assessed\":false,\"checks\":{}}");
  struct login officer = login (f, "officer", "officer-password");
  struct login sergeant = login (f, "sergeant", "sergeant-password");
  const char *lists[] = {"/api/cases?state=liveness_unassessed", "/api/cases?flag=liveness_unassessed"};
  for (size_t i = 0; i < G_N_ELEMENTS (lists); i++) {
    struct reply r = call (f, "GET", lists[i], officer.cookie, NULL, NULL);
    g_assert_cmpint (r.status, ==, 200);
    g_assert_nonnull (strstr (r.body, id));
    g_assert_null (strstr (r.body, f->ids[0])); /* the pending ones are not */
    reply_clear (&r);
  }
  open_all_media (f, id, &officer);
  g_autofree char *confirm = g_strdup_printf ("/api/cases/%s/confirm", id);
  g_autofree char *reject = g_strdup_printf ("/api/cases/%s/reject", id);
  g_autofree char *clear = g_strdup_printf ("/api/cases/%s/clear_clock", id);
  g_assert_cmpint (status_of (f, "POST", confirm, &officer, "{}"), ==, 409);
  g_assert_cmpint (status_of (f, "POST", reject, &officer, "{\"code\":\"not_a_person\"}"), ==, 409);
  g_assert_cmpint (status_of (f, "POST", clear, &sergeant, "{\"reason\":\"checked\"}"), ==, 409);
  struct evid_packet_row *row = evid_store_get (f->st, id, NULL);
  g_assert_cmpstr (row->review_state, ==, "liveness_unassessed");
  evid_packet_row_free (row);
  login_clear (&officer);
  login_clear (&sergeant);
}

static void
test_filters_and_bundle (struct fixture *f, gconstpointer data)
{
  (void) data;
  struct login l = login (f, "officer", "officer-password");
  struct reply r = call (f, "GET", "/api/cases?state=pending&type=red_signal&flag=none", l.cookie, NULL, NULL);
  g_assert_cmpint (r.status, ==, 200);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, r.body, -1, NULL));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (p))), ==, 4);
  reply_clear (&r);
  r = call (f, "GET", "/api/cases?type=outside_crosswalk", l.cookie, NULL, NULL);
  g_assert_cmpstr (r.body, ==, "[]");
  reply_clear (&r);
  r = call (f, "GET", "/api/cases?from=2999-01-01", l.cookie, NULL, NULL);
  g_assert_cmpstr (r.body, ==, "[]");
  reply_clear (&r);
  /* values outside the lists are refused, not silently matched */
  const char *bad[] = {"/api/cases?state=bogus", "/api/cases?type=x", "/api/cases?from=yesterday",
                       "/api/cases?to=2026-13-99%3Cscript%3E", "/api/cases?state=%ZZ"};
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpint (status_of (f, "GET", bad[i], &l, NULL), ==, 400);
  /* a legal hold is a flag the queue filters on */
  struct login sergeant = login (f, "sergeant", "sergeant-password");
  g_autofree char *hold = g_strdup_printf ("/api/cases/%s/hold", f->ids[1]);
  g_assert_cmpint (status_of (f, "POST", hold, &sergeant, "{\"reason\":\"court case 17\"}"), ==, 200);
  r = call (f, "GET", "/api/cases?flag=legal_hold", l.cookie, NULL, NULL);
  g_assert_nonnull (strstr (r.body, f->ids[1]));
  g_assert_null (strstr (r.body, f->ids[0]));
  reply_clear (&r);
  r = call (f, "GET", "/api/cases?flag=none", l.cookie, NULL, NULL);
  g_assert_null (strstr (r.body, f->ids[1]));
  reply_clear (&r);
  /* the audit log filters by user and action, and pages back */
  struct login aud = login (f, "auditor", "auditor-password");
  r = call (f, "GET", "/api/audit?actor=sergeant&action=legal*", aud.cookie, NULL, NULL);
  g_assert_cmpint (r.status, ==, 200);
  g_autoptr (JsonParser) ap = json_parser_new ();
  g_assert_true (json_parser_load_from_data (ap, r.body, -1, NULL));
  JsonArray *arows = json_node_get_array (json_parser_get_root (ap));
  g_assert_cmpuint (json_array_get_length (arows), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (arows, 0), "action"), ==, "legal_hold");
  reply_clear (&r);
  r = call (f, "GET", "/api/audit?limit=3", aud.cookie, NULL, NULL);
  g_autoptr (JsonParser) bp = json_parser_new ();
  g_assert_true (json_parser_load_from_data (bp, r.body, -1, NULL));
  JsonArray *page1 = json_node_get_array (json_parser_get_root (bp));
  g_assert_cmpuint (json_array_get_length (page1), ==, 3);
  gint64 last = json_object_get_int_member (json_array_get_object_element (page1, 2), "seq");
  reply_clear (&r);
  g_autofree char *older = g_strdup_printf ("/api/audit?limit=3&before=%" G_GINT64_FORMAT, last);
  r = call (f, "GET", older, aud.cookie, NULL, NULL);
  g_autoptr (JsonParser) cp = json_parser_new ();
  g_assert_true (json_parser_load_from_data (cp, r.body, -1, NULL));
  JsonArray *page2 = json_node_get_array (json_parser_get_root (cp));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (page2, 0), "seq"), ==, last - 1);
  reply_clear (&r);
  login_clear (&sergeant);
  login_clear (&aud);
  g_autofree char *bundle = g_strdup_printf ("/api/cases/%s/bundle", f->ids[2]);
  struct rev_request req = {.method = "GET", .path = bundle, .cookie = l.cookie, .address = "192.0.2.7"};
  struct rev_response resp;
  rev_api_handle (f->api, &req, &resp);
  g_assert_cmpint (resp.status, ==, 200);
  g_assert_cmpstr (resp.content_type, ==, "application/x-tar");
  g_assert_nonnull (resp.content_disposition);
  g_assert_cmpuint (g_bytes_get_size (resp.body), >, 1024);
  rev_response_clear (&resp);
  login_clear (&l);
}

static void
test_what_the_attack_found (struct fixture *f, gconstpointer data)
{
  (void) data;
  const char *id = f->ids[0];
  g_autofree char *confirm = g_strdup_printf ("/api/cases/%s/confirm", id);
  /* a lone surrogate escape makes invalid UTF-8: refused, and it can never
   * hide a confirmation from the two-person rule */
  struct login sergeant = login (f, "sergeant", "sergeant-password");
  open_all_media (f, id, &sergeant);
  g_assert_cmpint (status_of (f, "POST", confirm, &sergeant, "{\"reason\":\"ok \\ud800 x\"}"), ==, 400);
  g_assert_cmpint (status_of (f, "POST", confirm, &sergeant, "{}"), ==, 200);
  g_assert_cmpint (status_of (f, "POST", confirm, &sergeant, "{}"), ==, 409);
  g_autofree char *state = case_state (f, id);
  g_assert_cmpstr (state, ==, "confirmed_once");
  /* refused attempts are audited */
  g_autoptr (GPtrArray) rows = evid_store_audit_rows (f->st, id, NULL);
  int refused = 0;
  for (guint i = 0; i < rows->len; i++)
    refused += strstr (g_ptr_array_index (rows, i), "\"refused:confirm\"") != NULL;
  g_assert_cmpint (refused, ==, 2);
  /* a byte range of a media item does not count as opening it */
  struct login officer = login (f, "officer", "officer-password");
  g_autoptr (GPtrArray) names = evid_store_media_names (f->st, id, NULL);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_strdup_printf ("/api/cases/%s/media/%s", id, (char *) g_ptr_array_index (names, i));
    struct rev_request req = {.method = "GET", .path = path, .cookie = officer.cookie, .address = "192.0.2.7",
                              .partial = true};
    struct rev_response resp;
    rev_api_handle (f->api, &req, &resp);
    g_assert_cmpint (resp.status, ==, 200);
    rev_response_clear (&resp);
  }
  g_assert_cmpint (status_of (f, "POST", confirm, &officer, "{}"), ==, 409);
  g_assert_cmpint (status_of (f, "HEAD", confirm, &officer, NULL), ==, 405);
  /* a password changed where the web service cannot see it (the command
   * line) ends the sessions from before */
  const struct rev_actor cabinet = {"cabinet:root", "admin"};
  g_assert_true (rev_desk_user_passwd (f->desk, &cabinet, "officer", "officer-new-password", NULL));
  g_assert_cmpint (status_of (f, "GET", "/api/cases", &officer, NULL), ==, 401);
  /* an admin does not give themselves a role that decides cases */
  struct login admin = login (f, "admin", "admin-password");
  g_assert_cmpint (status_of (f, "POST", "/api/users/admin/role", &admin, "{\"role\":\"supervisor\"}"), ==, 403);
  g_assert_cmpint (status_of (f, "POST", "/api/users", &admin,
                              "{\"name\":\"anonymous\",\"role\":\"reviewer\",\"password\":\"0123456789ab\"}"),
                   ==, 400);
  /* an unknown name locks like an account: a lockout tells no names */
  const char *ghost = "{\"user\":\"nobody-here\",\"password\":\"wrong-password\"}";
  for (int i = 1; i <= 4; i++)
    g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, ghost), ==, 401);
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, ghost), ==, 423);
  g_assert_cmpint (status_of (f, "POST", "/api/login", NULL, ghost), ==, 423);
  /* a typed name is escaped in the audit log */
  status_of (f, "POST", "/api/login", NULL, "{\"user\":\"a\\nb\",\"password\":\"wrong-password\"}");
  g_autoptr (GPtrArray) all = evid_store_audit_rows (f->st, NULL, NULL);
  g_assert_nonnull (strstr (g_ptr_array_index (all, all->len - 1), "name typed: a\\\\nb"));
  login_clear (&sergeant);
  login_clear (&officer);
  login_clear (&admin);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/review/sessions_expire_and_csrf_is_per_session", test_sessions_expire_and_csrf_is_per_session);
#define ADD(name, fn) g_test_add ("/review/" name, struct fixture, NULL, setup, fn, teardown)
  ADD ("lockout_after_five_failures_and_address_throttle", test_lockout_after_five_failures_and_address_throttle);
  ADD ("every_route_needs_a_session", test_every_route_needs_a_session);
  ADD ("posts_need_the_csrf_token_and_roles_hold", test_posts_need_the_csrf_token_and_roles_hold);
  ADD ("unknown_cases_and_hostile_names_are_404", test_unknown_cases_and_hostile_names_are_404);
  ADD ("two_people_confirm_after_opening_everything", test_two_people_confirm_after_opening_everything);
  ADD ("reject_needs_a_code_and_keeps_markup_as_text", test_reject_needs_a_code_and_keeps_markup_as_text);
  ADD ("filters_and_bundle", test_filters_and_bundle);
  ADD ("a_clock_unsynced_case_is_cleared_by_a_supervisor_only", test_a_clock_unsynced_case_is_cleared_by_a_supervisor_only);
  ADD ("an_unassessed_case_is_listed_never_confirmed", test_an_unassessed_case_is_listed_never_confirmed);
  ADD ("what_the_attack_found", test_what_the_attack_found);
  return g_test_run ();
}
