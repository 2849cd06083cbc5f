/* The store's face features and the links between cases they suggest
 * (recognition/): a confirmed case's feature, kept as long as the case
 * (evid_store_purge removes both), and "possible earlier case" links, each
 * an audit row. Never part of a packet, a display message or an export. */
#include "evid_store.h"
#include "evid_store_private.h"

#include <string.h>

void
evid_face_feature_free (struct evid_face_feature *f)
{
  if (!f)
    return;
  g_free (f->packet_id);
  g_free (f->v);
  g_free (f);
}

void
evid_case_link_free (struct evid_case_link *l)
{
  if (!l)
    return;
  g_free (l->packet_id);
  g_free (l->earlier_id);
  g_free (l->backend);
  g_free (l->created_utc);
  g_free (l);
}

float *
evid_store__floats (sqlite3_stmt *s, int col, int *out_n)
{
  int n = sqlite3_column_bytes (s, col) / (int) sizeof (float);
  float *v = g_new0 (float, MAX (n, 1));
  if (n > 0)
    memcpy (v, sqlite3_column_blob (s, col), (size_t) n * sizeof (float));
  *out_n = n;
  return v;
}

static gpointer
feature_from (sqlite3_stmt *s)
{
  struct evid_face_feature *f = g_new0 (struct evid_face_feature, 1);
  f->packet_id = g_strdup ((const char *) sqlite3_column_text (s, 0));
  f->v = evid_store__floats (s, 1, &f->n);
  return f;
}

GPtrArray *
evid_store_face_features (struct evid_store *st, const char *backend, const char *exclude_id, const char *now_utc,
                          GError **error)
{
  /* only confirmed cases still kept: a rejected case accuses nobody, and
   * one past its retention is not to be searched even before the purge */
  sqlite3_stmt *s = evid_store__prepare (
      st,
      "SELECT f.packet_id, f.feature FROM face_features f JOIN packets p ON p.id = f.packet_id "
      "WHERE f.backend = ?1 AND f.packet_id != ?2 AND p.review_state = 'confirmed' AND p.retention_until > ?3 "
      "ORDER BY p.seq",
      error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, backend, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, exclude_id ? exclude_id : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, now_utc, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, feature_from, (GDestroyNotify) evid_face_feature_free, "face features",
                                   error);
}

gboolean
evid_store_recognition_record (struct evid_store *st, const char *packet_id, const char *backend, const float *v,
                               int n, const struct evid_case_link *links, int n_links, const char *actor,
                               const char *search_detail, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return FALSE;
  sqlite3_stmt *s = evid_store__prepare (
      st, "INSERT OR REPLACE INTO face_features (packet_id, backend, feature, created_utc) VALUES (?1, ?2, ?3, ?4)",
      error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, backend, -1, SQLITE_STATIC);
  sqlite3_bind_blob (s, 3, v, n * (int) sizeof (float), SQLITE_STATIC);
  sqlite3_bind_text (s, 4, now, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "keep a face feature"))
    goto fail;
  if (!evid_store__audit_append (st, actor, "recognition:search", packet_id, search_detail, error))
    goto fail;
  for (int i = 0; i < n_links; i++) {
    s = evid_store__prepare (st,
                             "INSERT OR REPLACE INTO case_links (packet_id, earlier_id, backend, score, created_utc) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)",
                             error);
    if (!s)
      goto fail;
    sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 2, links[i].earlier_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 3, backend, -1, SQLITE_STATIC);
    sqlite3_bind_double (s, 4, links[i].score);
    sqlite3_bind_text (s, 5, now, -1, SQLITE_STATIC);
    if (!evid_store__step_done (st, s, error, "link a possible earlier case"))
      goto fail;
    g_autofree char *detail = g_strdup_printf ("possible earlier case %s (%s %.3f): a suggestion for review",
                                               links[i].earlier_id, backend, links[i].score);
    if (!evid_store__audit_append (st, actor, "recognition:match", packet_id, detail, error))
      goto fail;
  }
  return evid_store__commit (st, error);
fail:
  evid_store__rollback (st);
  return FALSE;
}

static gpointer
link_from (sqlite3_stmt *s)
{
  struct evid_case_link *l = g_new0 (struct evid_case_link, 1);
  l->packet_id = g_strdup ((const char *) sqlite3_column_text (s, 0));
  l->earlier_id = g_strdup ((const char *) sqlite3_column_text (s, 1));
  l->backend = g_strdup ((const char *) sqlite3_column_text (s, 2));
  l->score = sqlite3_column_double (s, 3);
  l->created_utc = g_strdup ((const char *) sqlite3_column_text (s, 4));
  return l;
}

GPtrArray *
evid_store_case_links (struct evid_store *st, const char *packet_id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                                         "SELECT packet_id, earlier_id, backend, score, created_utc FROM case_links "
                                         "WHERE packet_id = ?1 ORDER BY score DESC",
                                         error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, link_from, (GDestroyNotify) evid_case_link_free, "case links", error);
}
