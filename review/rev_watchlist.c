/* The watchlist, as the review desk offers it (recognition/README.md): an
 * admin enrols a face with a label, a reason, a legal basis and an expiry,
 * and removes entries; admins and supervisors list entries and see an
 * entry's face; a supervisor confirms or dismisses a case's match, with a
 * reason. Each an audit row (the store writes them with the change), and a
 * refused attempt is one too. */
#include "rev_desk_private.h"

#include "hwcfg_profile.h"
#include "recog_link.h"

#include <string.h>

#define WATCH_TEXT_MIN 10
#define WATCH_TEXT_MAX 2000
#define WATCH_LABEL_MAX 128
#define WATCH_DAYS_MAX 365

/* A refused watchlist attempt on the record, as refused review actions are;
 * always FALSE. */
static gboolean
refused (struct rev_desk *desk, const struct rev_actor *actor, const char *what, const char *case_id, GError *why,
         GError **error)
{
  if (why->domain == REV_ERROR && why->code != REV_ERROR_INTERNAL) {
    g_autofree char *action = g_strdup_printf ("refused:watchlist:%s", what);
    g_autofree char *detail = rev_desk__printable (why->message, 300);
    g_autoptr (GError) st_err = NULL;
    if (!evid_store_audit (desk->st, actor->name, action, case_id, detail, &st_err))
      g_warning ("review: cannot audit a refused watchlist %s: %s", what, st_err->message);
  }
  g_propagate_error (error, why);
  return FALSE;
}

static gboolean
recognition_on (struct rev_desk *desk, GError **error)
{
  const struct hwcfg_profile *prof = hwcfg_profile_find (desk->cfg->profile);
  if (prof && prof->recognition_refused)
    return rev_desk__refuse (error, REV_ERROR_CONFLICT, "recognition is refused under profile '%s' "
                             "(hwcfg/PROFILES.md)", prof->name);
  if (!desk->cfg->recognition.enabled)
    return rev_desk__refuse (error, REV_ERROR_CONFLICT,
                             "recognition is not enabled at this site ([recognition] enabled = true with a "
                             "legal_basis, hwcfg/README.md)");
  return rev_desk_recognition_ready (desk, error);
}

/* Words for the audit log and a list: valid UTF-8, MIN to MAX bytes, not
 * only spaces, no control character (nor newline when ONE_LINE) and no
 * bidirectional override (which makes a text read otherwise than it is). */
static gboolean
words_ok (const char *what, const char *text, size_t min, size_t max, gboolean one_line, GError **error)
{
  g_autofree char *stripped = text ? g_strstrip (g_strdup (text)) : NULL;
  gboolean ok = text && strlen (stripped) >= min && rev_desk__text_ok (text, max) && !(one_line && strchr (text, '\n'));
  for (const char *c = text; ok && *c; c = g_utf8_next_char (c)) {
    gunichar u = g_utf8_get_char (c);
    ok = !(u >= 0x202A && u <= 0x202E) && !(u >= 0x2066 && u <= 0x2069) && u != '\t';
  }
  if (!ok)
    return rev_desk__refuse (error, REV_ERROR_INVALID, "%s needs %zu to %zu bytes of %stext (no control or "
                             "direction characters)",
                             what, min, max, one_line ? "one-line " : "");
  return TRUE;
}

bool
rev_desk_watchlist_enrol (struct rev_desk *desk, const struct rev_actor *actor, const char *label,
                          const char *reason, const char *legal_basis, int days, GBytes *image, gint64 *out_id,
                          GError **error)
{
  GError *why = NULL;
  if (!rev_desk__allowed (actor, REV_WATCHLIST, &why) || !recognition_on (desk, &why) ||
      !words_ok ("a watchlist label", label, 1, WATCH_LABEL_MAX, TRUE, &why) ||
      !words_ok ("the reason for enrolling", reason, WATCH_TEXT_MIN, WATCH_TEXT_MAX, FALSE, &why) ||
      !words_ok ("the legal basis", legal_basis, WATCH_TEXT_MIN, WATCH_TEXT_MAX, TRUE, &why))
    return refused (desk, actor, "enrol", NULL, why, error);
  if (days < 1 || days > WATCH_DAYS_MAX) {
    rev_desk__refuse (&why, REV_ERROR_INVALID, "an enrolment lasts 1 to %d days, not %d", WATCH_DAYS_MAX, days);
    return refused (desk, actor, "enrol", NULL, why, error);
  }
  if (!image || g_bytes_get_size (image) == 0) {
    rev_desk__refuse (&why, REV_ERROR_INVALID, "the image: empty");
    return refused (desk, actor, "enrol", NULL, why, error);
  }
  g_autofree char *expires = evid_utc_format (g_get_real_time () + (gint64) days * 86400 * G_USEC_PER_SEC);
  g_autoptr (GError) err = NULL;
  if (!recog_watch_enrol (desk->recog, desk->st, label, reason, legal_basis, expires, actor->name, image, out_id,
                          &err)) {
    if (err->domain != RECOG_ERROR)
      return rev_desk__fail_from_store (error, err);
    rev_desk__refuse (&why, REV_ERROR_INVALID, "the image: %s", err->message);
    return refused (desk, actor, "enrol", NULL, why, error);
  }
  return true;
}

/* Admins keep the watchlist, supervisors compare its faces with matches:
 * both may see it (WHAT is refused, on the record, for anyone else). */
static gboolean
may_see_watchlist (struct rev_desk *desk, const struct rev_actor *actor, const char *what, GError **error)
{
  GError *why = NULL;
  if (rev_role_may (actor->role, REV_WATCHLIST) || rev_desk__allowed (actor, REV_WATCH_DECIDE, &why))
    return TRUE;
  return refused (desk, actor, what, NULL, why, error);
}

JsonArray *
rev_desk_watchlist (struct rev_desk *desk, const struct rev_actor *actor, GError **error)
{
  g_autoptr (GError) err = NULL;
  if (!may_see_watchlist (desk, actor, "view", error))
    return NULL;
  g_autoptr (GPtrArray) entries = evid_store_watchlist (desk->st, NULL, NULL, &err);
  if (!entries || !evid_store_audit (desk->st, actor->name, "watchlist:view", NULL, NULL, &err)) {
    rev_desk__fail_from_store (error, err);
    return NULL;
  }
  g_autofree char *now = evid_utc_now ();
  JsonArray *out = json_array_new ();
  for (guint i = 0; i < entries->len; i++) {
    const struct evid_watch_entry *e = g_ptr_array_index (entries, i);
    JsonObject *o = json_object_new ();
    json_object_set_int_member (o, "id", e->id);
    json_object_set_string_member (o, "label", e->label);
    json_object_set_string_member (o, "reason", e->reason);
    json_object_set_string_member (o, "legal_basis", e->legal_basis);
    json_object_set_string_member (o, "enrolled_by", e->enrolled_by);
    json_object_set_string_member (o, "enrolled_utc", e->enrolled_utc);
    json_object_set_string_member (o, "expires_utc", e->expires_utc);
    json_object_set_string_member (o, "state", e->removed_utc                         ? "removed"
                                               : strcmp (e->expires_utc, now) <= 0 ? "expired"
                                                                                      : "in force");
    json_array_add_object_element (out, o);
  }
  return out;
}

GBytes *
rev_desk_watchlist_image (struct rev_desk *desk, const struct rev_actor *actor, gint64 id, GError **error)
{
  g_autoptr (GError) err = NULL;
  if (!may_see_watchlist (desk, actor, "view_image", error))
    return NULL;
  GBytes *b = evid_store_watch_image (desk->st, id, &err);
  g_autofree char *detail = g_strdup_printf ("entry %" G_GINT64_FORMAT, id);
  if (!b || !evid_store_audit (desk->st, actor->name, "watchlist:view_image", NULL, detail, &err)) {
    g_clear_pointer (&b, g_bytes_unref);
    rev_desk__fail_from_store (error, err);
  }
  return b;
}

bool
rev_desk_watchlist_remove (struct rev_desk *desk, const struct rev_actor *actor, gint64 id, GError **error)
{
  g_autoptr (GError) err = NULL;
  GError *why = NULL;
  if (!rev_desk__allowed (actor, REV_WATCHLIST, &why))
    return refused (desk, actor, "remove", NULL, why, error);
  if (!evid_store_watch_remove (desk->st, id, actor->name, &err))
    return rev_desk__fail_from_store (error, err);
  return true;
}

bool
rev_desk_watch_decide (struct rev_desk *desk, const struct rev_actor *actor, const char *case_id, gint64 entry_id,
                       const char *decision, const char *reason, GError **error)
{
  g_autoptr (GError) err = NULL;
  GError *why = NULL;
  gboolean confirm = !g_strcmp0 (decision, "confirm");
  if (!rev_desk__allowed (actor, REV_WATCH_DECIDE, &why))
    return refused (desk, actor, "decide", case_id, why, error);
  if (!confirm && g_strcmp0 (decision, "dismiss")) {
    rev_desk__refuse (&why, REV_ERROR_INVALID, "a watchlist match is confirmed or dismissed");
    return refused (desk, actor, "decide", case_id, why, error);
  }
  /* a supervisor says what they compared: a match names a person */
  if (!words_ok ("the reason for the decision", reason, WATCH_TEXT_MIN, WATCH_TEXT_MAX, FALSE, &why))
    return refused (desk, actor, "decide", case_id, why, error);
  if (!evid_store_watch_decide (desk->st, case_id, entry_id, confirm, actor->name, reason, &err))
    return rev_desk__fail_from_store (error, err);
  return true;
}

JsonArray *
rev_desk__watch_matches (struct rev_desk *desk, const struct rev_actor *actor, const char *case_id)
{
  JsonArray *out = json_array_new ();
  /* a watchlist label is for the supervisor who must confirm it */
  if (!rev_role_may (actor->role, REV_WATCH_DECIDE))
    return out;
  g_autoptr (GPtrArray) matches = evid_store_watch_matches (desk->st, case_id, NULL);
  for (guint i = 0; matches && i < matches->len; i++) {
    const struct evid_watch_match *m = g_ptr_array_index (matches, i);
    JsonObject *o = json_object_new ();
    json_object_set_int_member (o, "entry", m->entry_id);
    json_object_set_string_member (o, "label", m->label);
    json_object_set_double_member (o, "score", m->score);
    json_object_set_string_member (o, "state", m->state);
    if (m->decided_by)
      json_object_set_string_member (o, "decided_by", m->decided_by);
    json_array_add_object_element (out, o);
  }
  return out;
}

bool
rev_watch_entry_id_parse (const char *text, gint64 *out)
{
  /* digits only, no sign, no leading zero, no spaces: one spelling an id */
  size_t n = text ? strlen (text) : 0;
  if (n == 0 || n > 18 || text[0] == '0' || strspn (text, "0123456789") != n)
    return false;
  *out = g_ascii_strtoll (text, NULL, 10);
  return true;
}
