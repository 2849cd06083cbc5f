/* The cases side of rev_desk.h: the queue, a case, its media, the actions
 * and their rules, the audit log, the public page. */
#include "rev_desk_private.h"

#include "evid_export.h"
#include "evid_json_guard.h"
#include "evid_publication.h"
#include "rev_clip.h"
#include "recog_link.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (rev-error-quark, rev_error)

int
rev_error_http_status (const GError *error)
{
  if (!error || error->domain != REV_ERROR)
    return 500;
  static const int STATUS[] = {
      [REV_ERROR_INVALID] = 400,  [REV_ERROR_UNAUTHORIZED] = 401, [REV_ERROR_FORBIDDEN] = 403,
      [REV_ERROR_NOT_FOUND] = 404, [REV_ERROR_CONFLICT] = 409,    [REV_ERROR_LOCKED] = 423,
      [REV_ERROR_INTERNAL] = 500,
  };
  return error->code >= 0 && error->code < (int) G_N_ELEMENTS (STATUS) ? STATUS[error->code] : 500;
}

gboolean
rev_desk__refuse (GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, REV_ERROR, code, msg);
  return FALSE;
}

gboolean
rev_desk__fail_from_store (GError **error, GError *store_error)
{
  int code = REV_ERROR_INTERNAL;
  if (store_error && store_error->domain == EVID_ERROR && store_error->code == EVID_ERROR_NOT_FOUND)
    code = REV_ERROR_NOT_FOUND;
  else if (store_error && store_error->domain == EVID_ERROR && store_error->code == EVID_ERROR_STATE)
    code = REV_ERROR_CONFLICT;
  return rev_desk__refuse (error, code, "%s", store_error ? store_error->message : "the store failed");
}

gboolean
rev_desk__allowed (const struct rev_actor *actor, enum rev_action a, GError **error)
{
  if (actor && rev_role_may (actor->role, a))
    return TRUE;
  return rev_desk__refuse (error, REV_ERROR_FORBIDDEN, "the role %s may not do this", actor ? actor->role : "(none)");
}

gboolean
rev_desk__text_ok (const char *text, size_t max)
{
  if (!text)
    return TRUE;
  size_t n = strlen (text);
  if (n > max || !g_utf8_validate (text, (gssize) n, NULL))
    return FALSE;
  for (const char *c = text; *c; c++) {
    gboolean control = (unsigned char) *c < 0x20 || *c == 0x7f;
    if (control && *c != '\n' && *c != '\t')
      return FALSE;
  }
  return TRUE;
}

char *
rev_desk__printable (const char *text, size_t max)
{
  g_autofree char *cut = g_strndup (text ? text : "", max);
  return g_strescape (cut, NULL);
}

void
rev_desk__cache_put (GHashTable *table, const char *key, GBytes *value)
{
  if (g_hash_table_size (table) >= REV_CACHE_MAX)
    g_hash_table_remove_all (table);
  g_hash_table_insert (table, g_strdup (key), g_bytes_ref (value));
}

struct rev_desk *
rev_desk_new (struct evid_store *st, const struct hwcfg *cfg)
{
  struct rev_desk *desk = g_new0 (struct rev_desk, 1);
  desk->st = st;
  desk->cfg = cfg;
  desk->clips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  desk->public_images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  desk->ghosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (sodium_init () < 0)
    g_error ("libsodium cannot start");
  return desk;
}

bool
rev_desk_recognition_ready (struct rev_desk *desk, GError **error)
{
  const struct hwcfg_recognition *rc = &desk->cfg->recognition;
  if (!rc->enabled || desk->recog)
    return true;
  g_autofree char *origin = g_strdup_printf ("%s: [recognition]", desk->cfg->path);
  struct recog_params p = {
      .backend = rc->backend == HWCFG_RECOGNITION_SFACE ? RECOG_SFACE : RECOG_LBPH,
      .recognizer_model = rc->recognizer_model,
      .detector_model = rc->detector_model,
      .threshold = rc->threshold,
      .face_cascade = desk->cfg->evidence.face_cascade,
      .origin = origin,
  };
  desk->recog = recog_new (&p, error);
  return desk->recog != NULL;
}

/* The recognition's suggestions for case ID: [{id, score, backend, state,
 * text}], "possible earlier case X (score)". Only ever shown to a reviewer. */
static JsonArray *
possible_earlier_cases (struct rev_desk *desk, const char *id)
{
  JsonArray *out = json_array_new ();
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) links = evid_store_case_links (desk->st, id, &err);
  for (guint i = 0; links && i < links->len; i++) {
    const struct evid_case_link *l = g_ptr_array_index (links, i);
    struct evid_packet_row *earlier = evid_store_get (desk->st, l->earlier_id, NULL);
    JsonObject *o = json_object_new ();
    json_object_set_string_member (o, "id", l->earlier_id);
    json_object_set_double_member (o, "score", l->score);
    json_object_set_string_member (o, "backend", l->backend);
    json_object_set_string_member (o, "state", earlier ? earlier->review_state : "gone");
    /* clothes alike are weak evidence: said as such */
    g_autofree char *text =
        !strcmp (l->backend, "clothes")
            ? g_strdup_printf ("possible earlier case %s (similar clothes %.3f: weak, check the faces)", l->earlier_id,
                               l->score)
            : g_strdup_printf ("possible earlier case %s (face %.3f)", l->earlier_id, l->score);
    json_object_set_string_member (o, "text", text);
    json_array_add_object_element (out, o);
    evid_packet_row_free (earlier);
  }
  return out;
}

static gboolean audit (struct rev_desk *desk, const struct rev_actor *actor, const char *action, const char *id,
                       const char *detail, GError **error);

/* A confirmed case's face against earlier cases: suggestions for the
 * reviewer (recog_link.h). Recognition failing never undoes a
 * confirmation: it is an audit row of its own. */
static void
link_earlier_cases (struct rev_desk *desk, const struct rev_actor *actor, const char *id)
{
  g_autoptr (GError) err = NULL;
  if (!desk->cfg->recognition.enabled)
    return;
  if (rev_desk_recognition_ready (desk, &err) && recog_link_case (desk->recog, desk->st, id, actor->name, NULL, NULL, &err))
    return;
  g_warning ("recognition on case %s: %s", id, err->message);
  g_autoptr (GError) audit_err = NULL;
  audit (desk, actor, "recognition:error", id, err->message, &audit_err);
}

void
rev_desk_free (struct rev_desk *desk)
{
  if (!desk)
    return;
  g_hash_table_unref (desk->clips);
  g_hash_table_unref (desk->public_images);
  g_hash_table_unref (desk->ghosts);
  g_free (desk->dummy_hash);
  recog_free (desk->recog);
  g_free (desk);
}

/* Ids and media names come from URLs: anything but these characters is no
 * case and no media item (404), before the store is asked. */
static gboolean
token_ok (const char *s, const char *extra)
{
  size_t n = s ? strlen (s) : 0;
  if (n == 0 || n > 64)
    return FALSE;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && !strchr (extra, s[i]))
      return FALSE;
  return TRUE;
}

static struct evid_packet_row *
get_case (struct rev_desk *desk, const char *id, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!token_ok (id, "-")) {
    rev_desk__refuse (error, REV_ERROR_NOT_FOUND, "no such case");
    return NULL;
  }
  struct evid_packet_row *row = evid_store_get (desk->st, id, &st_err);
  if (!row)
    rev_desk__fail_from_store (error, st_err);
  return row;
}

/* A record or an audit row from the store: ours, but read as any JSON is
 * (depth and encoding checked before json-glib, evid_json_guard.h). */
static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonNode) root =
      text ? evid_json_guard_parse (text, strlen (text), G_MAXSIZE, EVID_JSON_GUARD_DEPTH, NULL) : NULL;
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

/* O's string member NAME; NULL when O is NULL, or the member is missing or
 * not a string. */
static const char *
member_string (JsonObject *o, const char *name)
{
  return evid_json_member_string (o, name, TRUE, NULL);
}

static JsonArray *
case_flags (const struct evid_packet_row *row, JsonObject *rec)
{
  JsonArray *flags = json_array_new ();
  const char *flag = member_string (rec, "review_flag");
  if (flag)
    json_array_add_string_element (flags, flag);
  if (row->legal_hold)
    json_array_add_string_element (flags, "legal_hold");
  return flags;
}

static gboolean
audit (struct rev_desk *desk, const struct rev_actor *actor, const char *action, const char *id, const char *detail,
       GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!evid_store_audit (desk->st, actor->name, action, id, detail, &st_err))
    return rev_desk__fail_from_store (error, st_err);
  return TRUE;
}

static gboolean
has_flag (JsonArray *flags, const char *flag)
{
  for (guint i = 0; i < json_array_get_length (flags); i++)
    if (!g_strcmp0 (json_array_get_string_element (flags, i), flag))
      return TRUE;
  return FALSE;
}

/* An ISO 8601 date, optionally with a time: what from/to may be. */
static gboolean
iso_time_ok (const char *s)
{
  if (!s || !*s)
    return TRUE;
  if (strlen (s) < 10 || strlen (s) > 30 || !g_ascii_isdigit (s[0]) || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_isdigit (*c) && !strchr ("-T:.Z", *c))
      return FALSE;
  return TRUE;
}

static gboolean
filter_valid (const struct rev_filter *f, GError **error)
{
  static const char *const TYPES[] = {"red_signal", "outside_crosswalk", NULL};
  if (f->state && *f->state && !g_strv_contains (REV_STATES, f->state)) {
    g_autofree char *states = g_strjoinv (", ", (char **) REV_STATES);
    return rev_desk__refuse (error, REV_ERROR_INVALID, "state is one of %s", states);
  }
  if (f->type && *f->type && !g_strv_contains (TYPES, f->type))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "type is red_signal or outside_crosswalk");
  if (!rev_desk__text_ok (f->flag, 64))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "flag is a word");
  if (!iso_time_ok (f->from) || !iso_time_ok (f->to))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "from and to are ISO 8601 UTC dates or times (2026-12-03, "
                             "2026-12-03T16:00:00Z)");
  return TRUE;
}

JsonArray *
rev_desk_cases (struct rev_desk *desk, const struct rev_actor *actor, const struct rev_filter *f, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_VIEW, error))
    return NULL;
  if (!filter_valid (f, error))
    return NULL;
  g_autoptr (GPtrArray) rows = evid_store_list (desk->st, f->state && *f->state ? f->state : NULL, &st_err);
  if (!rows) {
    rev_desk__fail_from_store (error, st_err);
    return NULL;
  }
  g_autofree char *p_state = rev_desk__printable (f->state, 40), *p_type = rev_desk__printable (f->type, 40);
  g_autofree char *p_flag = rev_desk__printable (f->flag, 40), *p_from = rev_desk__printable (f->from, 40);
  g_autofree char *p_to = rev_desk__printable (f->to, 40);
  g_autofree char *detail =
      g_strdup_printf ("state=%s type=%s flag=%s from=%s to=%s", p_state, p_type, p_flag, p_from, p_to);
  if (!audit (desk, actor, "view_queue", NULL, detail, error))
    return NULL;
  JsonArray *out = json_array_new ();
  for (guint i = 0; i < rows->len; i++) {
    struct evid_packet_row *r = g_ptr_array_index (rows, i);
    g_autoptr (JsonObject) rec = parse_object (r->json);
    g_autoptr (JsonArray) flags = case_flags (r, rec);
    if (f->type && *f->type && g_strcmp0 (f->type, r->type))
      continue;
    if (f->flag && *f->flag && !(g_strcmp0 (f->flag, "none") ? has_flag (flags, f->flag) : !json_array_get_length (flags)))
      continue;
    if (f->from && *f->from && strcmp (r->created_utc, f->from) < 0)
      continue;
    if (f->to && *f->to && strncmp (r->created_utc, f->to, strlen (f->to)) > 0)
      continue;
    JsonObject *o = json_object_new ();
    json_object_set_string_member (o, "id", r->id);
    json_object_set_string_member (o, "type", r->type);
    json_object_set_string_member (o, "state", r->review_state);
    json_object_set_array_member (o, "flags", json_array_ref (flags));
    json_object_set_string_member (o, "created", r->created_utc);
    const char *utc = member_string (rec, "utc");
    json_object_set_string_member (o, "utc", utc ? utc : r->created_utc); /* the decision's time */
    json_object_set_string_member (o, "site", desk->cfg->site_id);
    const char *camera = member_string (rec, "camera");
    json_object_set_string_member (o, "camera", camera ? camera : "");
    json_object_set_int_member (o, "track", r->track_id);
    json_object_set_boolean_member (o, "legal_hold", r->legal_hold);
    json_array_add_object_element (out, o);
  }
  return out;
}

/* The audit rows about ID, parsed, oldest first. */
static GPtrArray *
case_history (struct rev_desk *desk, const char *id, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  g_autoptr (GPtrArray) rows = evid_store_audit_rows (desk->st, id, &st_err);
  if (!rows) {
    rev_desk__fail_from_store (error, st_err);
    return NULL;
  }
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < rows->len; i++) {
    JsonObject *o = parse_object (g_ptr_array_index (rows, i));
    /* the two-person rule and the history stand on every row: one that
     * cannot be read stops them rather than being left out */
    if (!o) {
      g_ptr_array_unref (out);
      rev_desk__refuse (error, REV_ERROR_INTERNAL, "audit row %u of case %s cannot be read", i, id ? id : "(all)");
      return NULL;
    }
    g_ptr_array_add (out, o);
  }
  return out;
}

/* Whether ACTOR opened media item NAME whole: a "view_media" row in HISTORY. */
static gboolean
was_opened (GPtrArray *history, const char *actor, const char *name)
{
  for (guint i = 0; i < history->len; i++) {
    JsonObject *h = g_ptr_array_index (history, i);
    if (!g_strcmp0 (member_string (h, "action"), "view_media") && !g_strcmp0 (member_string (h, "actor"), actor) &&
        !g_strcmp0 (member_string (h, "detail"), name))
      return TRUE;
  }
  return FALSE;
}

/* Media names of ID that ACTOR has not opened yet. */
static GPtrArray *
unopened_media (struct rev_desk *desk, const char *actor, const char *id, GPtrArray *history, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  GPtrArray *names = evid_store_media_names (desk->st, id, &st_err);
  if (!names) {
    rev_desk__fail_from_store (error, st_err);
    return NULL;
  }
  for (guint k = names->len; k-- > 0;)
    if (was_opened (history, actor, g_ptr_array_index (names, k)))
      g_ptr_array_remove_index (names, k);
  return names;
}

/* The first of two confirmations still standing: the newest
 * "review:confirmed_once" row (NULL when none). */
static JsonObject *
first_confirmation (GPtrArray *history)
{
  for (guint i = history->len; i-- > 0;) {
    JsonObject *h = g_ptr_array_index (history, i);
    if (!g_strcmp0 (member_string (h, "action"), "review:confirmed_once"))
      return h;
  }
  return NULL;
}

/* A confirmation's detail starts "as ROLE". */
static gboolean
confirmed_as_supervisor (JsonObject *h)
{
  const char *d = member_string (h, "detail");
  return d && g_str_has_prefix (d, "as supervisor");
}

static const char *
media_type (const char *mime)
{
  return g_str_has_prefix (mime, "video/") ? "video" : "image";
}

/* Other cases of ROW's camera and track created within 10 minutes of it:
 * one crossing raised twice, or one person's two crossings. */
static JsonArray *
related_cases (struct rev_desk *desk, const struct evid_packet_row *row, JsonObject *rec)
{
  JsonArray *out = json_array_new ();
  g_autoptr (GPtrArray) rows = evid_store_list_track (desk->st, row->track_id, NULL);
  g_autoptr (GDateTime) t0 = g_date_time_new_from_iso8601 (row->created_utc, NULL);
  for (guint i = 0; rows && t0 && i < rows->len; i++) {
    struct evid_packet_row *r = g_ptr_array_index (rows, i);
    if (!strcmp (r->id, row->id))
      continue;
    g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (r->created_utc, NULL);
    if (!t || ABS (g_date_time_difference (t, t0)) > 600 * G_USEC_PER_SEC)
      continue;
    g_autoptr (JsonObject) other = parse_object (r->json);
    if (g_strcmp0 (member_string (other, "camera"), member_string (rec, "camera")))
      continue;
    JsonObject *o = json_object_new ();
    json_object_set_string_member (o, "id", r->id);
    json_object_set_string_member (o, "type", r->type);
    json_object_set_string_member (o, "state", r->review_state);
    const char *utc = member_string (other, "utc");
    json_object_set_string_member (o, "utc", utc ? utc : r->created_utc);
    json_array_add_object_element (out, o);
  }
  return out;
}

JsonObject *
rev_desk_case (struct rev_desk *desk, const struct rev_actor *actor, const char *id, GError **error)
{
  if (!rev_desk__allowed (actor, REV_VIEW, error))
    return NULL;
  g_autoptr (GError) st_err = NULL;
  struct evid_packet_row *row = get_case (desk, id, error);
  if (!row)
    return NULL;
  JsonObject *out = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (JsonObject) rec = parse_object (row->json);
  if (!audit (desk, actor, "view", row->id, NULL, error) || !(history = case_history (desk, row->id, error)))
    goto done;
  names = evid_store_media_names (desk->st, row->id, &st_err);
  if (!names) {
    rev_desk__fail_from_store (error, st_err);
    goto done;
  }
  out = json_object_new ();
  json_object_set_string_member (out, "id", row->id);
  json_object_set_string_member (out, "state", row->review_state);
  json_object_set_string_member (out, "type", row->type);
  json_object_set_string_member (out, "decision", row->decision);
  json_object_set_boolean_member (out, "legal_hold", row->legal_hold);
  json_object_set_string_member (out, "record_sha256", row->json_sha256);
  if (rec)
    json_object_set_object_member (out, "record", json_object_ref (rec));
  json_object_set_array_member (out, "flags", case_flags (row, rec));
  JsonArray *hist = json_array_new ();
  /* a watchlist label is for the supervisor who decides the match: others
   * see that there was a search, not whom it named */
  gboolean sees_watchlist = rev_role_may (actor->role, REV_WATCH_DECIDE);
  for (guint i = 0; i < history->len; i++) {
    JsonObject *h = g_ptr_array_index (history, i), *e = json_object_new ();
    static const char *const KEEP[] = {"seq", "utc", "actor", "action", "detail"};
    for (size_t k = 0; k < G_N_ELEMENTS (KEEP); k++) {
      JsonNode *n = json_object_get_member (h, KEEP[k]);
      if (n)
        json_object_set_member (e, KEEP[k], json_node_copy (n));
    }
    if (!sees_watchlist && g_str_has_prefix (member_string (h, "action"), "watchlist:"))
      json_object_set_string_member (e, "detail", "(for supervisors)");
    json_array_add_object_element (hist, e);
  }
  json_object_set_array_member (out, "history", hist);
  JsonArray *media = json_array_new ();
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    g_autofree char *mime = evid_store_media_mime (desk->st, row->id, name);
    JsonObject *m = json_object_new ();
    json_object_set_string_member (m, "name", name);
    json_object_set_string_member (m, "type", media_type (mime ? mime : ""));
    json_object_set_string_member (m, "stored_mime", mime ? mime : "");
    g_autofree char *url = g_strdup_printf ("/api/cases/%s/media/%s", row->id, name);
    json_object_set_string_member (m, "url", url);
    json_object_set_boolean_member (m, "opened", was_opened (history, actor->name, name));
    json_array_add_object_element (media, m);
  }
  json_object_set_array_member (out, "media", media);
  JsonObject *first = first_confirmation (history);
  if (first && !strcmp (row->review_state, "confirmed_once"))
    json_object_set_string_member (out, "confirmed_once_by", member_string (first, "actor"));
  json_object_set_boolean_member (out, "two_person", desk->cfg->review.two_person);
  json_object_set_array_member (out, "related", related_cases (desk, row, rec));
  json_object_set_array_member (out, "possible_earlier", possible_earlier_cases (desk, row->id));
  json_object_set_array_member (out, "watchlist_matches", rev_desk__watch_matches (desk, actor, row->id));
  JsonArray *can = json_array_new ();
  static const char *const VERBS[] = {"confirm", "reject", "hold", "release", "reverse", "clear_clock"};
  for (size_t i = 0; i < G_N_ELEMENTS (VERBS); i++)
    if (rev_role_may (actor->role, (enum rev_action) rev_action_from_verb (VERBS[i])))
      json_array_add_string_element (can, VERBS[i]);
  json_object_set_array_member (out, "can", can);
done:
  evid_packet_row_free (row);
  return out;
}

GBytes *
rev_desk_media (struct rev_desk *desk, const struct rev_actor *actor, const char *id, const char *name,
                bool as_stored, bool whole, char **out_mime, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  *out_mime = NULL;
  if (!rev_desk__allowed (actor, REV_VIEW, error))
    return NULL;
  if (!token_ok (id, "-") || !token_ok (name, "_")) {
    rev_desk__refuse (error, REV_ERROR_NOT_FOUND, "no such media item");
    return NULL;
  }
  g_autofree char *mime = evid_store_media_mime (desk->st, id, name);
  if (!mime) {
    rev_desk__refuse (error, REV_ERROR_NOT_FOUND, "no such media item");
    return NULL;
  }
  GBytes *data = evid_store_media (desk->st, id, name, NULL, &st_err);
  if (!data) {
    rev_desk__fail_from_store (error, st_err);
    return NULL;
  }
  if (!as_stored && g_str_equal (mime, "video/x-matroska")) {
    GBytes *webm = g_hash_table_lookup (desk->clips, id);
    if (webm)
      webm = g_bytes_ref (webm);
    else if ((webm = rev_clip_webm (data, &st_err)))
      rev_desk__cache_put (desk->clips, id, webm);
    g_bytes_unref (data);
    if (!webm) {
      rev_desk__refuse (error, REV_ERROR_INTERNAL, "%s", st_err->message);
      return NULL;
    }
    data = webm;
    g_free (mime);
    mime = g_strdup ("video/webm");
  }
  if (!audit (desk, actor, whole ? "view_media" : "view_media_part", id, name, error)) {
    g_bytes_unref (data);
    return NULL;
  }
  *out_mime = g_steal_pointer (&mime);
  return data;
}

GBytes *
rev_desk_bundle (struct rev_desk *desk, const struct rev_actor *actor, const char *id, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_VIEW, error))
    return NULL;
  struct evid_packet_row *row = get_case (desk, id, error);
  if (!row)
    return NULL;
  evid_packet_row_free (row);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("crosswatch-case-XXXXXX.tar", &path, &st_err);
  GBytes *out = NULL;
  if (fd < 0) {
    rev_desk__refuse (error, REV_ERROR_INTERNAL, "%s", st_err->message);
    return NULL;
  }
  close (fd);
  char *data = NULL;
  gsize len = 0;
  /* the export row is written first: a bundle never leaves unaudited */
  if (audit (desk, actor, "export", id, "bundle downloaded", error)) {
    if (!evid_export_bundle (desk->st, id, path, &st_err) || !g_file_get_contents (path, &data, &len, &st_err))
      rev_desk__fail_from_store (error, st_err);
    else
      out = g_bytes_new_take (data, len);
  }
  g_unlink (path);
  return out;
}

static gboolean
needs_words (const char *reason, const char *what, GError **error)
{
  for (const char *c = reason; c && *c && strlen (reason) <= 2000; c++)
    if (!g_ascii_isspace (*c))
      return TRUE;
  return rev_desk__refuse (error, REV_ERROR_INVALID, "%s needs a reason in words (at most 2000 characters)", what);
}

static gboolean
confirm (struct rev_desk *desk, const struct rev_actor *actor, const struct evid_packet_row *row, const char *reason,
         char **out_state, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  const char *from = row->review_state;
  if (strcmp (from, "pending") && strcmp (from, "confirmed_once"))
    return rev_desk__refuse (error, REV_ERROR_CONFLICT, "case %s is %s: only a pending case can be confirmed",
                             row->id, from);
  g_autoptr (GPtrArray) history = case_history (desk, row->id, error);
  if (!history)
    return FALSE;
  g_autoptr (GPtrArray) unopened = unopened_media (desk, actor->name, row->id, history, error);
  if (!unopened)
    return FALSE;
  if (unopened->len) {
    g_ptr_array_add (unopened, NULL);
    g_autofree char *list = g_strjoinv (", ", (char **) unopened->pdata);
    return rev_desk__refuse (error, REV_ERROR_CONFLICT,
                             "open every still and the clip before confirming; %s has not opened: %s", actor->name,
                             list);
  }
  gboolean two = desk->cfg->review.two_person;
  const char *to = "confirmed";
  if (two && !strcmp (from, "pending"))
    to = "confirmed_once";
  else if (two) {
    JsonObject *first = first_confirmation (history);
    if (first && !g_strcmp0 (member_string (first, "actor"), actor->name))
      return rev_desk__refuse (error, REV_ERROR_CONFLICT, "%s confirmed this case already: a second person must",
                               actor->name);
    if (strcmp (actor->role, "supervisor") && !(first && confirmed_as_supervisor (first)))
      return rev_desk__refuse (error, REV_ERROR_CONFLICT,
                               "one of the two confirmations must be a supervisor's: this one needs a supervisor");
  }
  g_autofree char *detail = g_strdup_printf ("as %s%s%s", actor->role, reason && *reason ? "; " : "",
                                             reason && *reason ? reason : "");
  GArray *msgs = NULL;
  if (!strcmp (to, "confirmed")) {
    /* the publication is built now, so what goes out is what was confirmed */
    msgs = evid_publication_build (desk->st, row, desk->cfg, &st_err);
    if (!msgs)
      return rev_desk__fail_from_store (error, st_err);
  }
  gboolean ok = evid_store_review (desk->st, row->id, from, to, actor->name, detail,
                                   msgs ? (struct evid_outbox_msg *) msgs->data : NULL, msgs ? (int) msgs->len : 0,
                                   &st_err);
  evid_publication_free (msgs);
  if (!ok)
    return rev_desk__fail_from_store (error, st_err);
  /* at the first confirmation: the second reviewer (a supervisor under
   * two-person review) sees the suggestions before deciding */
  if (!strcmp (from, "pending"))
    link_earlier_cases (desk, actor, row->id);
  *out_state = g_strdup (to);
  return TRUE;
}

static bool
act_on (struct rev_desk *desk, const struct rev_actor *actor, struct evid_packet_row *row, enum rev_action a,
        const char *reason, const char *code, char **out_state, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  char *state = NULL;
  gboolean ok = FALSE;
  switch ((enum rev_action) a) {
  case REV_CONFIRM:
    ok = confirm (desk, actor, row, reason, &state, error);
    break;
  case REV_REJECT: {
    if (!rev_reject_code_valid (code)) {
      rev_desk__refuse (error, REV_ERROR_INVALID, "reject needs a reason code: not_a_person, no_violation, "
                        "position_wrong, signal_fault, exempt, duplicate, evidence_poor or other");
      break;
    }
    if (!strcmp (code, "other") && !needs_words (reason, "reject with code other", error))
      break;
    const char *from = row->review_state;
    if (strcmp (from, "pending") && strcmp (from, "confirmed_once")) {
      rev_desk__refuse (error, REV_ERROR_CONFLICT,
                        "case %s is %s: only a pending or once-confirmed case can be rejected", row->id, from);
      break;
    }
    g_autofree char *detail = g_strdup_printf ("%s%s%s", code, reason && *reason ? ": " : "",
                                               reason && *reason ? reason : "");
    ok = evid_store_review (desk->st, row->id, from, "rejected", actor->name, detail, NULL, 0, &st_err);
    state = g_strdup ("rejected");
    break;
  }
  case REV_HOLD:
  case REV_RELEASE:
    if (a == REV_HOLD && !needs_words (reason, "a legal hold", error))
      break;
    ok = evid_store_set_hold (desk->st, row->id, a == REV_HOLD, actor->name, reason, &st_err);
    state = g_strdup (row->review_state);
    break;
  case REV_REVERSE:
    if (!needs_words (reason, "a reversal", error))
      break;
    if (strcmp (row->review_state, "confirmed")) {
      rev_desk__refuse (error, REV_ERROR_CONFLICT, "case %s is %s: only a confirmed case can be reversed", row->id,
                        row->review_state);
      break;
    }
    ok = evid_store_reverse (desk->st, row->id, actor->name, reason, &st_err);
    state = g_strdup ("reversed");
    break;
  case REV_CLEAR_CLOCK: {
    /* how the time was checked (the controller's log, a second camera's
     * clock) is the record's reason for trusting it */
    if (!needs_words (reason, "clearing a clock_unsynced case (how the time was checked)", error))
      break;
    if (strcmp (row->review_state, "clock_unsynced")) {
      rev_desk__refuse (error, REV_ERROR_CONFLICT, "case %s is %s: only a clock_unsynced case can be cleared", row->id,
                        row->review_state);
      break;
    }
    g_autofree char *detail = g_strdup_printf ("time checked: %s", reason);
    ok = evid_store_review (desk->st, row->id, "clock_unsynced", "pending", actor->name, detail, NULL, 0, &st_err);
    state = g_strdup ("pending");
    break;
  }
  default:
    break;
  }
  if (!ok && st_err)
    rev_desk__fail_from_store (error, st_err);
  if (ok && out_state)
    *out_state = g_steal_pointer (&state);
  g_free (state);
  return ok;
}

bool
rev_desk_act (struct rev_desk *desk, const struct rev_actor *actor, const char *id, const char *verb,
              const char *reason, const char *code, char **out_state, GError **error)
{
  int a = rev_action_from_verb (verb);
  if (a < 0)
    return rev_desk__refuse (error, REV_ERROR_NOT_FOUND, "no action '%s'", verb ? verb : "");
  struct evid_packet_row *row = get_case (desk, id, error);
  if (!row)
    return false;
  GError *refused = NULL;
  bool ok = false;
  /* what goes into the audit log is text: valid UTF-8 (a lone surrogate
   * escape in JSON makes invalid bytes), no control characters */
  if (!rev_desk__text_ok (reason, 2000) || !rev_desk__text_ok (code, 64))
    rev_desk__refuse (&refused, REV_ERROR_INVALID,
                      "a reason is UTF-8 text of at most 2000 bytes, without control characters but newline and tab");
  else if (rev_desk__allowed (actor, (enum rev_action) a, &refused))
    ok = act_on (desk, actor, row, (enum rev_action) a, reason, code, out_state, &refused);
  if (!ok && refused->code != REV_ERROR_INTERNAL) {
    /* a refused attempt is on the record too */
    g_autofree char *action = g_strdup_printf ("refused:%s", verb);
    g_autofree char *why = rev_desk__printable (refused->message, 300);
    g_autoptr (GError) st_err = NULL;
    if (!evid_store_audit (desk->st, actor->name, action, row->id, why, &st_err))
      g_warning ("review: cannot audit a refused %s: %s", verb, st_err->message);
  }
  if (!ok)
    g_propagate_error (error, refused);
  evid_packet_row_free (row);
  return ok;
}

JsonArray *
rev_desk_audit (struct rev_desk *desk, const struct rev_actor *actor, const struct rev_audit_filter *f,
                GError **error)
{
  if (!rev_desk__allowed (actor, REV_AUDIT, error))
    return NULL;
  const char *id = f->packet_id && *f->packet_id ? f->packet_id : NULL;
  if (id && !token_ok (id, "-")) {
    rev_desk__refuse (error, REV_ERROR_NOT_FOUND, "no such case");
    return NULL;
  }
  if (!rev_desk__text_ok (f->actor, 64) || !rev_desk__text_ok (f->action, 64)) {
    rev_desk__refuse (error, REV_ERROR_INVALID, "actor and action are words");
    return NULL;
  }
  if (!audit (desk, actor, "view_audit", id, NULL, error))
    return NULL;
  g_autoptr (GPtrArray) history = case_history (desk, id, error);
  if (!history)
    return NULL;
  int limit = f->limit > 0 ? MIN (f->limit, 5000) : 500;
  const char *action = f->action && *f->action ? f->action : NULL;
  gboolean prefix = action && g_str_has_suffix (action, "*");
  g_autofree char *stem = prefix ? g_strndup (action, strlen (action) - 1) : NULL;
  JsonArray *out = json_array_new ();
  for (guint i = history->len; i-- > 0 && (int) json_array_get_length (out) < limit;) {
    JsonObject *h = g_ptr_array_index (history, i);
    if (f->before > 0 && json_object_get_int_member (h, "seq") >= f->before)
      continue;
    if (f->actor && *f->actor && g_strcmp0 (member_string (h, "actor"), f->actor))
      continue;
    const char *a = member_string (h, "action");
    if (action && (prefix ? !g_str_has_prefix (a ? a : "", stem) : g_strcmp0 (a, action)))
      continue;
    json_array_add_object_element (out, json_object_ref (h));
  }
  return out;
}

JsonObject *
rev_desk_public_case (struct rev_desk *desk, const char *id, GBytes **out_image, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  *out_image = NULL;
  struct evid_packet_row *row = token_ok (id, "-") ? evid_store_get (desk->st, id, NULL) : NULL;
  /* only a published case; every other id gets the same answer */
  if (!row || strcmp (row->review_state, "confirmed")) {
    evid_packet_row_free (row);
    rev_desk__refuse (error, REV_ERROR_NOT_FOUND, "There is no published case with this number.");
    return NULL;
  }
  g_autoptr (JsonObject) rec = parse_object (row->json);
  /* no picture at all under a profile that shows no one, or of a possible
   * child (hwcfg/PROFILES.md): the page is the case in words */
  gboolean person = evid_publication_person_shown (row, desk->cfg, NULL);
  /* made once: the page is public, and redacting costs tens of ms */
  GBytes *cached = person ? g_hash_table_lookup (desk->public_images, row->id) : NULL;
  *out_image = !person ? NULL
               : cached ? g_bytes_ref (cached)
                        : evid_publication_public_image (desk->st, row, desk->cfg, &st_err);
  if (*out_image && !cached)
    rev_desk__cache_put (desk->public_images, row->id, *out_image);
  if ((person && !*out_image) || !rec) {
    evid_packet_row_free (row);
    rev_desk__refuse (error, REV_ERROR_INTERNAL, "the case's public image cannot be made");
    return NULL;
  }
  JsonObject *out = json_object_new ();
  json_object_set_string_member (out, "id", row->id);
  json_object_set_string_member (out, "type", row->type);
  json_object_set_string_member (out, "offence", !strcmp (row->type, "red_signal") ? "Crossing while the red figure showed"
                                                  : !strcmp (row->type, "outside_crosswalk")
                                                      ? "Crossing the carriageway outside the crosswalk"
                                                      : row->type);
  json_object_set_string_member (out, "rule", desk->cfg->review.rule_text);
  static const char *const COPY[] = {"utc", "site_name", "zone", "signal"};
  for (size_t i = 0; i < G_N_ELEMENTS (COPY); i++) {
    const char *v = member_string (rec, COPY[i]);
    json_object_set_string_member (out, COPY[i], v ? v : "");
  }
  json_object_set_string_member (out, "status", "confirmed by police review");
  json_object_set_string_member (out, "appeal", desk->cfg->review.appeal);
  json_object_set_boolean_member (out, "faces_blurred", !desk->cfg->profile_shows_faces);
  json_object_set_boolean_member (out, "person_shown", person);
  evid_packet_row_free (row);
  return out;
}
