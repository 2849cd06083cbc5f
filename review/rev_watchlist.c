/* The watchlist, as the review desk offers it (recognition/README.md): an
 * admin enrols a face with a label, a reason, a legal basis and an expiry,
 * lists and removes entries; a supervisor confirms or dismisses a case's
 * match. Each an audit row (the store writes them with the change). */
#include "rev_desk_private.h"

#include "recog_link.h"

#include <string.h>

#define WATCH_TEXT_MIN 10
#define WATCH_TEXT_MAX 2000
#define WATCH_LABEL_MAX 128
#define WATCH_DAYS_MAX 365

static gboolean
recognition_on (struct rev_desk *desk, GError **error)
{
  if (!desk->cfg->recognition.enabled)
    return rev_desk__refuse (error, REV_ERROR_CONFLICT,
                             "recognition is not enabled at this site ([recognition], hwcfg/README.md)");
  return rev_desk_recognition_ready (desk, error);
}

static gboolean
words_ok (const char *what, const char *text, size_t min, size_t max, GError **error)
{
  if (!text || strlen (text) < min || !rev_desk__text_ok (text, max))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "%s needs %zu to %zu characters of text", what, min, max);
  return TRUE;
}

bool
rev_desk_watchlist_enrol (struct rev_desk *desk, const struct rev_actor *actor, const char *label,
                          const char *reason, const char *legal_basis, int days, GBytes *image, gint64 *out_id,
                          GError **error)
{
  if (!rev_desk__allowed (actor, REV_WATCHLIST, error) || !recognition_on (desk, error))
    return false;
  if (!label || !*label || strchr (label, '\n') || !rev_desk__text_ok (label, WATCH_LABEL_MAX))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "a watchlist label is one line of 1 to %d bytes",
                             WATCH_LABEL_MAX);
  if (!words_ok ("the reason for enrolling", reason, WATCH_TEXT_MIN, WATCH_TEXT_MAX, error) ||
      !words_ok ("the legal basis", legal_basis, WATCH_TEXT_MIN, WATCH_TEXT_MAX, error))
    return false;
  if (days < 1 || days > WATCH_DAYS_MAX)
    return rev_desk__refuse (error, REV_ERROR_INVALID, "an enrolment lasts 1 to %d days, not %d", WATCH_DAYS_MAX,
                             days);
  if (!image || g_bytes_get_size (image) == 0)
    return rev_desk__refuse (error, REV_ERROR_INVALID, "no image of the face");
  g_autofree char *expires = evid_utc_format (g_get_real_time () + (gint64) days * 86400 * G_USEC_PER_SEC);
  g_autoptr (GError) err = NULL;
  if (!recog_watch_enrol (desk->recog, desk->st, label, reason, legal_basis, expires, actor->name, image, out_id,
                          &err)) {
    if (err->domain == RECOG_ERROR)
      return rev_desk__refuse (error, REV_ERROR_INVALID, "%s", err->message);
    return rev_desk__fail_from_store (error, err);
  }
  return true;
}

JsonArray *
rev_desk_watchlist (struct rev_desk *desk, const struct rev_actor *actor, GError **error)
{
  g_autoptr (GError) err = NULL;
  if (!rev_desk__allowed (actor, REV_WATCHLIST, error))
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

bool
rev_desk_watchlist_remove (struct rev_desk *desk, const struct rev_actor *actor, gint64 id, GError **error)
{
  g_autoptr (GError) err = NULL;
  if (!rev_desk__allowed (actor, REV_WATCHLIST, error))
    return false;
  if (!evid_store_watch_remove (desk->st, id, actor->name, &err))
    return rev_desk__fail_from_store (error, err);
  return true;
}

bool
rev_desk_watch_decide (struct rev_desk *desk, const struct rev_actor *actor, const char *case_id, gint64 entry_id,
                       const char *decision, const char *reason, GError **error)
{
  g_autoptr (GError) err = NULL;
  if (!rev_desk__allowed (actor, REV_WATCH_DECIDE, error))
    return false;
  gboolean confirm = !g_strcmp0 (decision, "confirm");
  if (!confirm && g_strcmp0 (decision, "dismiss"))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "a watchlist match is confirmed or dismissed");
  if (reason && *reason && !rev_desk__text_ok (reason, WATCH_TEXT_MAX))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "the reason is not plain text of at most %d bytes",
                             WATCH_TEXT_MAX);
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
