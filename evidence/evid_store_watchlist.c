/* The watchlist (recognition/README.md): faces an admin enrolled, each with
 * a reason, a legal basis and an expiry, and the matches a confirmed case's
 * face made against them, each waiting for a supervisor. An entry that is
 * removed or expires loses its face and image at once (a tombstone keeps
 * its label for the audit log and the matches that named it). */
#include "evid_store.h"
#include "evid_store_private.h"

#include <string.h>

void
evid_watch_entry_free (struct evid_watch_entry *e)
{
  if (!e)
    return;
  g_free (e->label);
  g_free (e->reason);
  g_free (e->legal_basis);
  g_free (e->enrolled_by);
  g_free (e->enrolled_utc);
  g_free (e->expires_utc);
  g_free (e->removed_utc);
  g_free (e->v);
  g_free (e);
}

void
evid_watch_match_free (struct evid_watch_match *m)
{
  if (!m)
    return;
  g_free (m->packet_id);
  g_free (m->label);
  g_free (m->state);
  g_free (m->decided_by);
  g_free (m);
}

gboolean
evid_store_watch_enrol (struct evid_store *st, const struct evid_watch_entry *e, const char *backend, GBytes *image,
                        gint64 *out_id, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  g_autofree char *detail = NULL;
  gint64 id = 0;
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return FALSE;
  sqlite3_stmt *s = evid_store__prepare (
      st,
      "INSERT INTO watchlist (label, backend, feature, image, reason, legal_basis, enrolled_by, enrolled_utc, "
      "expires_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      error);
  if (!s)
    goto fail;
  gsize len = 0;
  const void *img = g_bytes_get_data (image, &len);
  sqlite3_bind_text (s, 1, e->label, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, backend, -1, SQLITE_STATIC);
  sqlite3_bind_blob (s, 3, e->v, e->n * (int) sizeof (float), SQLITE_STATIC);
  sqlite3_bind_blob (s, 4, img, (int) len, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, e->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, e->legal_basis, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, e->enrolled_by, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 9, e->expires_utc, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "enrol on the watchlist"))
    goto fail;
  id = sqlite3_last_insert_rowid (st->db);
  detail = g_strdup_printf ("entry %" G_GINT64_FORMAT " '%s' (%s), until %s; reason: %s; legal basis: %s", id, e->label,
                       backend, e->expires_utc, e->reason, e->legal_basis);
  if (!evid_store__audit_append (st, e->enrolled_by, "watchlist:enrol", NULL, detail, error))
    goto fail;
  if (!evid_store__commit (st, error))
    goto fail;
  if (out_id)
    *out_id = id;
  return TRUE;
fail:
  evid_store__rollback (st);
  return FALSE;
}

#define ENTRY_COLUMNS \
  "id, label, reason, legal_basis, enrolled_by, enrolled_utc, expires_utc, removed_utc, feature"

static gpointer
entry_from (sqlite3_stmt *s)
{
  struct evid_watch_entry *e = g_new0 (struct evid_watch_entry, 1);
#define TXT(i) g_strdup ((const char *) sqlite3_column_text (s, i))
  e->id = sqlite3_column_int64 (s, 0);
  e->label = TXT (1);
  e->reason = TXT (2);
  e->legal_basis = TXT (3);
  e->enrolled_by = TXT (4);
  e->enrolled_utc = TXT (5);
  e->expires_utc = TXT (6);
  e->removed_utc = TXT (7);
#undef TXT
  e->v = evid_store__floats (s, 8, &e->n);
  return e;
}

GPtrArray *
evid_store_watchlist (struct evid_store *st, const char *backend, const char *active_at_utc, GError **error)
{
  /* active ones (not removed, not expired at ACTIVE_AT_UTC) of BACKEND, or every entry */
  sqlite3_stmt *s = evid_store__prepare (
      st,
      active_at_utc ? "SELECT " ENTRY_COLUMNS " FROM watchlist WHERE removed_utc IS NULL AND expires_utc > ?1 AND "
                      "backend = ?2 ORDER BY id"
                    : "SELECT " ENTRY_COLUMNS " FROM watchlist ORDER BY id",
      error);
  if (!s)
    return NULL;
  if (active_at_utc) {
    sqlite3_bind_text (s, 1, active_at_utc, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 2, backend, -1, SQLITE_STATIC);
  }
  return evid_store__collect_rows (st, s, entry_from, (GDestroyNotify) evid_watch_entry_free, "watchlist", error);
}

/* Within the caller's transaction: forgets the face of each entry removed
 * (ID > 0: that one) or expired at NOW_UTC, with an audit row each. */
static gboolean
forget_entries (struct evid_store *st, gint64 id, const char *now_utc, const char *actor, const char *why,
                int *out_n, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (
      st,
      id > 0 ? "SELECT id, label FROM watchlist WHERE id = ?1 AND removed_utc IS NULL"
             : "SELECT id, label FROM watchlist WHERE expires_utc <= ?2 AND removed_utc IS NULL",
      error);
  if (!s)
    return FALSE;
  if (id > 0)
    sqlite3_bind_int64 (s, 1, id);
  else
    sqlite3_bind_text (s, 2, now_utc, -1, SQLITE_STATIC);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (s) == SQLITE_ROW) {
    gint64 e = sqlite3_column_int64 (s, 0);
    g_array_append_val (ids, e);
    g_ptr_array_add (labels, g_strdup ((const char *) sqlite3_column_text (s, 1)));
  }
  sqlite3_finalize (s);
  for (guint i = 0; i < ids->len; i++) {
    s = evid_store__prepare (
        st, "UPDATE watchlist SET feature = x'', image = x'', removed_utc = ?2 WHERE id = ?1", error);
    if (!s)
      return FALSE;
    sqlite3_bind_int64 (s, 1, g_array_index (ids, gint64, i));
    sqlite3_bind_text (s, 2, now_utc, -1, SQLITE_STATIC);
    if (!evid_store__step_done (st, s, error, "forget a watchlist face"))
      return FALSE;
    g_autofree char *detail = g_strdup_printf ("entry %" G_GINT64_FORMAT " '%s' %s: its face is deleted",
                                               g_array_index (ids, gint64, i),
                                               (char *) g_ptr_array_index (labels, i), why);
    if (!evid_store__audit_append (st, actor, id > 0 ? "watchlist:remove" : "watchlist:expired", NULL, detail,
                                   error))
      return FALSE;
  }
  if (out_n)
    *out_n = (int) ids->len;
  return TRUE;
}

gboolean
evid_store__expire_watchlist (struct evid_store *st, const char *now_utc, const char *actor, GError **error)
{
  return forget_entries (st, 0, now_utc, actor, "expired", NULL, error);
}

gboolean
evid_store_watch_remove (struct evid_store *st, gint64 id, const char *actor, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  int n = 0;
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!forget_entries (st, id, now, actor, "removed", &n, error))
    goto fail;
  if (n == 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no watchlist entry %" G_GINT64_FORMAT " in force", id);
    goto fail;
  }
  return evid_store__commit (st, error);
fail:
  evid_store__rollback (st);
  return FALSE;
}

GBytes *
evid_store_watch_image (struct evid_store *st, gint64 id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT image FROM watchlist WHERE id = ?1 AND removed_utc IS NULL",
                                         error);
  if (!s)
    return NULL;
  sqlite3_bind_int64 (s, 1, id);
  GBytes *out = NULL;
  if (sqlite3_step (s) == SQLITE_ROW)
    out = g_bytes_new (sqlite3_column_blob (s, 0), sqlite3_column_bytes (s, 0));
  else
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no watchlist entry %" G_GINT64_FORMAT " in force", id);
  sqlite3_finalize (s);
  return out;
}

gboolean
evid_store_watch_record (struct evid_store *st, const char *packet_id, const struct evid_watch_match *matches,
                         int n, const char *actor, const char *search_detail, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!evid_store__audit_append (st, actor, "watchlist:search", packet_id, search_detail, error))
    goto fail;
  for (int i = 0; i < n; i++) {
    sqlite3_stmt *s = evid_store__prepare (
        st, "INSERT OR REPLACE INTO watch_matches (packet_id, entry_id, score, created_utc) VALUES (?1, ?2, ?3, ?4)",
        error);
    if (!s)
      goto fail;
    sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (s, 2, matches[i].entry_id);
    sqlite3_bind_double (s, 3, matches[i].score);
    sqlite3_bind_text (s, 4, now, -1, SQLITE_STATIC);
    if (!evid_store__step_done (st, s, error, "keep a watchlist match"))
      goto fail;
    g_autofree char *detail = g_strdup_printf ("watchlist entry %" G_GINT64_FORMAT " '%s' (%.3f): a suggestion a "
                                               "supervisor must confirm",
                                               matches[i].entry_id, matches[i].label, matches[i].score);
    if (!evid_store__audit_append (st, actor, "watchlist:match", packet_id, detail, error))
      goto fail;
  }
  return evid_store__commit (st, error);
fail:
  evid_store__rollback (st);
  return FALSE;
}

static gpointer
match_from (sqlite3_stmt *s)
{
  struct evid_watch_match *m = g_new0 (struct evid_watch_match, 1);
  m->packet_id = g_strdup ((const char *) sqlite3_column_text (s, 0));
  m->entry_id = sqlite3_column_int64 (s, 1);
  m->score = sqlite3_column_double (s, 2);
  m->state = g_strdup ((const char *) sqlite3_column_text (s, 3));
  m->decided_by = g_strdup ((const char *) sqlite3_column_text (s, 4));
  m->label = g_strdup ((const char *) sqlite3_column_text (s, 5));
  return m;
}

GPtrArray *
evid_store_watch_matches (struct evid_store *st, const char *packet_id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                                         "SELECT m.packet_id, m.entry_id, m.score, m.state, m.decided_by, w.label "
                                         "FROM watch_matches m JOIN watchlist w ON w.id = m.entry_id "
                                         "WHERE m.packet_id = ?1 ORDER BY m.score DESC",
                                         error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, match_from, (GDestroyNotify) evid_watch_match_free, "watchlist matches",
                                   error);
}

gboolean
evid_store_watch_decide (struct evid_store *st, const char *packet_id, gint64 entry_id, bool confirmed,
                         const char *actor, const char *reason, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  g_autofree char *detail = NULL;
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* only against an entry still in force: a removed or expired one has no
   * face left to compare with */
  sqlite3_stmt *s = evid_store__prepare (st,
                                         "UPDATE watch_matches SET state = ?3, decided_by = ?4, decided_utc = ?5 "
                                         "WHERE packet_id = ?1 AND entry_id = ?2 AND state = 'suggested' AND "
                                         "entry_id IN (SELECT id FROM watchlist WHERE removed_utc IS NULL AND "
                                         "expires_utc > ?5)",
                                         error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, entry_id);
  sqlite3_bind_text (s, 3, confirmed ? "confirmed" : "dismissed", -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, now, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "decide a watchlist match"))
    goto fail;
  if (sqlite3_changes (st->db) == 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE,
                 "case %s has no undecided match with watchlist entry %" G_GINT64_FORMAT " in force", packet_id,
                 entry_id);
    goto fail;
  }
  detail = g_strdup_printf ("watchlist entry %" G_GINT64_FORMAT " %s%s%s", entry_id,
                                             confirmed ? "confirmed" : "dismissed", reason && *reason ? "; " : "",
                                             reason && *reason ? reason : "");
  if (!evid_store__audit_append (st, actor, confirmed ? "watchlist:confirmed" : "watchlist:dismissed", packet_id,
                                 detail, error))
    goto fail;
  return evid_store__commit (st, error);
fail:
  evid_store__rollback (st);
  return FALSE;
}

gboolean
evid_store_recognition_erase (struct evid_store *st, const char *actor, const char *why, int *out_n, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  int n = 0;
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return FALSE;
  static const char *const COUNT =
      "SELECT (SELECT COUNT(*) FROM face_features) + (SELECT COUNT(*) FROM case_links) + "
      "(SELECT COUNT(*) FROM watch_matches) + (SELECT COUNT(*) FROM watchlist WHERE removed_utc IS NULL)";
  sqlite3_stmt *s = evid_store__prepare (st, COUNT, error);
  if (!s)
    goto fail;
  if (sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);
  if (n > 0) {
    static const char *const STEPS[] = {
        "DELETE FROM face_features", "DELETE FROM case_links", "DELETE FROM watch_matches",
        "UPDATE watchlist SET feature = x'', image = x'', removed_utc = ?1 WHERE removed_utc IS NULL"};
    for (size_t k = 0; k < G_N_ELEMENTS (STEPS); k++) {
      s = evid_store__prepare (st, STEPS[k], error);
      if (!s)
        goto fail;
      if (sqlite3_bind_parameter_count (s) > 0)
        sqlite3_bind_text (s, 1, now, -1, SQLITE_STATIC);
      if (!evid_store__step_done (st, s, error, "erase recognition data"))
        goto fail;
    }
    g_autofree char *detail = g_strdup_printf ("%d face features, links, matches and watchlist faces erased: %s", n,
                                               why);
    if (!evid_store__audit_append (st, actor, "recognition:erased", NULL, detail, error))
      goto fail;
  }
  if (out_n)
    *out_n = n;
  return evid_store__commit (st, error);
fail:
  evid_store__rollback (st);
  return FALSE;
}
