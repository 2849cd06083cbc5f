#include "evid_store.h"

#include "evid_hash.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (evid-error-quark, evid_error)

struct evid_store {
  sqlite3 *db;
  char *path;
};

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS packets ("
    "  id TEXT PRIMARY KEY, seq INTEGER UNIQUE NOT NULL, created_utc TEXT NOT NULL,"
    "  type TEXT NOT NULL, decision TEXT NOT NULL, review_state TEXT NOT NULL,"
    "  track_id INTEGER, json TEXT NOT NULL, json_sha256 TEXT NOT NULL,"
    "  signature TEXT NOT NULL, retention_until TEXT NOT NULL, legal_hold INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS purged ("
    "  id TEXT PRIMARY KEY, seq INTEGER UNIQUE NOT NULL, json_sha256 TEXT NOT NULL, purged_utc TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS media ("
    "  packet_id TEXT NOT NULL REFERENCES packets(id), name TEXT NOT NULL, mime TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (packet_id, name));"
    "CREATE TABLE IF NOT EXISTS outbox ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, packet_id TEXT NOT NULL, topic TEXT NOT NULL,"
    "  payload BLOB NOT NULL, retain INTEGER NOT NULL DEFAULT 0, created_utc TEXT NOT NULL,"
    "  sent_utc TEXT);"
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(sent_utc, id);"
    "CREATE TABLE IF NOT EXISTS audit_log ("
    "  seq INTEGER PRIMARY KEY, utc TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    "  packet_id TEXT, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

/* A full disk (ENOSPC) or a file size limit (EFBIG) is told apart: the
 * caller keeps the evidence and retries, where other errors are final. */
static gboolean
db_fail (struct evid_store *st, GError **error, const char *what)
{
  int sys = sqlite3_system_errno (st->db), ext = sqlite3_extended_errcode (st->db);
  /* a write the disk refused (no space, file size limit, I/O error) is
   * storage trouble to retry later; SQLite does not always keep the errno */
  gboolean full = sqlite3_errcode (st->db) == SQLITE_FULL || ext == SQLITE_IOERR_WRITE || sys == ENOSPC || sys == EFBIG;
  g_set_error (error, EVID_ERROR, full ? EVID_ERROR_FULL : EVID_ERROR_DB, "%s: %s: %s (code %d%s%s)", st->path, what,
               sqlite3_errmsg (st->db), ext, sys ? ", " : "", sys ? g_strerror (sys) : "");
  return FALSE;
}

static gboolean
exec (struct evid_store *st, const char *sql, GError **error)
{
  if (sqlite3_exec (st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail (st, error, sql);
  return TRUE;
}

char *
evid_utc_format (gint64 unix_us)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);
  if (!dt)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int) ((unix_us % G_USEC_PER_SEC) / 1000));
}

char *
evid_utc_now (void)
{
  return evid_utc_format (g_get_real_time ());
}

struct evid_store *
evid_store_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0750) != 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: cannot create folder: %s", dir, g_strerror (errno));
    return NULL;
  }
  struct evid_store *st = g_new0 (struct evid_store, 1);
  st->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK) {
    db_fail (st, error, "cannot open");
    evid_store_close (st);
    return NULL;
  }
  /* Reviewers and the publisher share the file with the writer: wait for
   * the lock rather than fail. */
  sqlite3_busy_timeout (st->db, 10000);
  if (!exec (st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", error) ||
      !exec (st, SCHEMA, error)) {
    evid_store_close (st);
    return NULL;
  }
  return st;
}

void
evid_store_close (struct evid_store *st)
{
  if (!st)
    return;
  sqlite3_close (st->db);
  g_free (st->path);
  g_free (st);
}

static sqlite3_stmt *
prepare (struct evid_store *st, const char *sql, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (st->db, sql, -1, &s, NULL) != SQLITE_OK) {
    db_fail (st, error, "prepare");
    return NULL;
  }
  return s;
}

static void
copy_text (sqlite3_stmt *s, int col, char *out, size_t size)
{
  const char *t = (const char *) sqlite3_column_text (s, col);
  g_strlcpy (out, t ? t : "", size);
}

bool
evid_store_last_hash (struct evid_store *st, char out[65], GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "SELECT json_sha256 FROM (SELECT seq, json_sha256 FROM packets UNION ALL"
                             " SELECT seq, json_sha256 FROM purged) ORDER BY seq DESC LIMIT 1",
                             error);
  if (!s)
    return false;
  out[0] = '\0';
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    copy_text (s, 0, out, 65);
  sqlite3_finalize (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? true : db_fail (st, error, "read last packet");
}

static gboolean
step_done (struct evid_store *st, sqlite3_stmt *s, GError **error, const char *what)
{
  int rc = sqlite3_step (s);
  sqlite3_finalize (s);
  return rc == SQLITE_DONE ? TRUE : db_fail (st, error, what);
}

static void
rollback (struct evid_store *st)
{
  sqlite3_exec (st->db, "ROLLBACK", NULL, NULL, NULL);
}

bool
evid_store_add_packet (struct evid_store *st, const char *id, const char *json, const char *json_sha256,
                       const char *signature, const char *type, const char *decision, const char *review_state, int track_id,
                       const char *retention_until, const struct evid_media *media, int n_media,
                       GError **error)
{
  g_autofree char *now = evid_utc_now ();
  if (!exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = prepare (st,
                             "INSERT INTO packets (id, seq, created_utc, type, decision, review_state,"
                             " track_id, json, json_sha256, retention_until, signature) VALUES"
                             " (?1, (SELECT IFNULL(MAX(seq), 0) + 1 FROM (SELECT seq FROM packets UNION ALL SELECT seq FROM purged)), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                             " ?10)",
                             error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, decision, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, review_state, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 6, track_id);
  sqlite3_bind_text (s, 7, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, json_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 9, retention_until, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 10, signature, -1, SQLITE_STATIC);
  if (!step_done (st, s, error, "insert packet"))
    goto fail;
  for (int i = 0; i < n_media; i++) {
    s = prepare (st, "INSERT INTO media (packet_id, name, mime, sha256, data) VALUES (?1, ?2, ?3, ?4, ?5)", error);
    if (!s)
      goto fail;
    sqlite3_bind_text (s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 2, media[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 3, media[i].mime, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 4, media[i].sha256, -1, SQLITE_STATIC);
    sqlite3_bind_blob64 (s, 5, media[i].data, media[i].len, SQLITE_STATIC);
    if (!step_done (st, s, error, "insert media"))
      goto fail;
  }
  if (!exec (st, "COMMIT", error))
    goto fail;
  return true;
fail:
  rollback (st);
  return false;
}

/* Steps S to the end, turning each row into an element with ROW_FN.
 * Finalizes S. NULL (ERROR set, naming WHAT) when a step fails. */
static GPtrArray *
collect_rows (struct evid_store *st, sqlite3_stmt *s, gpointer (*row_fn) (sqlite3_stmt *), GDestroyNotify free_fn,
              const char *what, GError **error)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (free_fn);
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_fn (s));
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    g_ptr_array_unref (rows);
    db_fail (st, error, what);
    return NULL;
  }
  return rows;
}

static gpointer
row_from (sqlite3_stmt *s)
{
  struct evid_packet_row *r = g_new0 (struct evid_packet_row, 1);
#define TXT(i) g_strdup ((const char *) sqlite3_column_text (s, i))
  r->id = TXT (0);
  r->seq = sqlite3_column_int64 (s, 1);
  r->created_utc = TXT (2);
  r->type = TXT (3);
  r->decision = TXT (4);
  r->review_state = TXT (5);
  r->json = TXT (6);
  r->json_sha256 = TXT (7);
  r->track_id = sqlite3_column_int (s, 8);
  r->signature = TXT (9);
#undef TXT
  return r;
}

#define ROW_COLUMNS "id, seq, created_utc, type, decision, review_state, json, json_sha256, track_id, signature"

void
evid_packet_row_free (struct evid_packet_row *row)
{
  if (!row)
    return;
  g_free (row->id);
  g_free (row->created_utc);
  g_free (row->type);
  g_free (row->decision);
  g_free (row->review_state);
  g_free (row->json);
  g_free (row->json_sha256);
  g_free (row->signature);
  g_free (row);
}

GPtrArray *
evid_store_list (struct evid_store *st, const char *state, GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "SELECT " ROW_COLUMNS " FROM packets WHERE ?1 IS NULL OR review_state = ?1"
                             " ORDER BY seq",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, state, -1, SQLITE_STATIC);
  return collect_rows (st, s, row_from, (GDestroyNotify) evid_packet_row_free,
                       "list packets", error);
}

struct evid_packet_row *
evid_store_get (struct evid_store *st, const char *id, GError **error)
{
  sqlite3_stmt *s = prepare (st, "SELECT " ROW_COLUMNS " FROM packets WHERE id = ?1", error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, id, -1, SQLITE_STATIC);
  struct evid_packet_row *r = NULL;
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    r = row_from (s);
  sqlite3_finalize (s);
  if (rc == SQLITE_DONE)
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no packet with id '%s'", id);
  else if (rc != SQLITE_ROW)
    db_fail (st, error, "read packet");
  return r;
}

GBytes *
evid_store_media (struct evid_store *st, const char *packet_id, const char *name, char out_sha256[65],
                  GError **error)
{
  sqlite3_stmt *s = prepare (st, "SELECT data, sha256 FROM media WHERE packet_id = ?1 AND name = ?2", error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_STATIC);
  GBytes *b = NULL;
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    b = g_bytes_new (sqlite3_column_blob (s, 0), sqlite3_column_bytes (s, 0));
    if (out_sha256)
      copy_text (s, 1, out_sha256, 65);
  }
  sqlite3_finalize (s);
  if (rc == SQLITE_DONE)
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "packet '%s' has no media '%s'", packet_id, name);
  else if (rc != SQLITE_ROW)
    db_fail (st, error, "read media");
  return b;
}

static gpointer
first_column_text (sqlite3_stmt *s)
{
  return g_strdup ((const char *) sqlite3_column_text (s, 0));
}

GPtrArray *
evid_store_media_names (struct evid_store *st, const char *packet_id, GError **error)
{
  sqlite3_stmt *s = prepare (st, "SELECT name FROM media WHERE packet_id = ?1 ORDER BY rowid", error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  return collect_rows (st, s, first_column_text, g_free, "list media", error);
}

char *
evid_store_prev_hash_before (struct evid_store *st, gint64 seq, GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "SELECT json_sha256 FROM (SELECT seq, json_sha256 FROM packets UNION ALL"
                             " SELECT seq, json_sha256 FROM purged) WHERE seq < ?1 ORDER BY seq DESC LIMIT 1",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_int64 (s, 1, seq);
  char *hash = NULL;
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    hash = g_strdup ((const char *) sqlite3_column_text (s, 0));
  else if (rc == SQLITE_DONE)
    hash = g_strdup ("");
  sqlite3_finalize (s);
  if (!hash)
    db_fail (st, error, "read the chain");
  return hash;
}

/* ---- audit log ---- */

char *
evid_audit_row_hash (const char *prev, gint64 seq, const char *utc, const char *actor, const char *action,
                const char *packet_id, const char *detail)
{
  g_autofree char *text = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", prev, seq,
                                           utc, actor, action, packet_id ? packet_id : "", detail ? detail : "");
  char hex[EVID_SHA256_HEX_LEN];
  evid_sha256_hex (text, strlen (text), hex);
  return g_strdup (hex);
}

/* Appends within the caller's transaction. */
static gboolean
audit_append (struct evid_store *st, const char *actor, const char *action, const char *packet_id,
              const char *detail, GError **error)
{
  char prev[65] = "";
  gint64 seq = 1;
  sqlite3_stmt *s = prepare (st, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", error);
  if (!s)
    return FALSE;
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    seq = sqlite3_column_int64 (s, 0) + 1;
    copy_text (s, 1, prev, sizeof prev);
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_fail (st, error, "read audit log");

  g_autofree char *utc = evid_utc_now ();
  g_autofree char *hash = evid_audit_row_hash (prev, seq, utc, actor, action, packet_id, detail);
  s = prepare (st,
               "INSERT INTO audit_log (seq, utc, actor, action, packet_id, detail, prev_hash, hash)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
               error);
  if (!s)
    return FALSE;
  sqlite3_bind_int64 (s, 1, seq);
  sqlite3_bind_text (s, 2, utc, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, prev, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, hash, -1, SQLITE_STATIC);
  return step_done (st, s, error, "append audit row");
}

bool
evid_store_audit (struct evid_store *st, const char *actor, const char *action, const char *packet_id,
                  const char *detail, GError **error)
{
  if (!exec (st, "BEGIN IMMEDIATE", error))
    return false;
  if (!audit_append (st, actor, action, packet_id, detail, error) || !exec (st, "COMMIT", error)) {
    rollback (st);
    return false;
  }
  return true;
}

bool
evid_store_verify_audit (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "SELECT seq, utc, actor, action, packet_id, detail, prev_hash, hash"
                             " FROM audit_log ORDER BY seq",
                             error);
  if (!s)
    return false;
  char prev[65] = "";
  bool ok = true;
  int rc;
  while (ok && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    gint64 seq = sqlite3_column_int64 (s, 0);
    const char *stored_prev = (const char *) sqlite3_column_text (s, 6);
    const char *stored = (const char *) sqlite3_column_text (s, 7);
    g_autofree char *want = evid_audit_row_hash (prev, seq, (const char *) sqlite3_column_text (s, 1),
                                            (const char *) sqlite3_column_text (s, 2),
                                            (const char *) sqlite3_column_text (s, 3),
                                            (const char *) sqlite3_column_text (s, 4),
                                            (const char *) sqlite3_column_text (s, 5));
    if (g_strcmp0 (stored_prev, prev) != 0) {
      g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "audit row %" G_GINT64_FORMAT ": chain link broken",
                   seq);
      ok = false;
    } else if (g_strcmp0 (stored, want) != 0) {
      g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "audit row %" G_GINT64_FORMAT ": hash mismatch", seq);
      ok = false;
    } else {
      g_strlcpy (prev, stored, sizeof prev);
    }
  }
  sqlite3_finalize (s);
  if (ok && rc != SQLITE_DONE)
    return db_fail (st, error, "read audit log");
  return ok;
}

/* ---- review and outbox ---- */

static gboolean
queue_outbox (struct evid_store *st, const char *packet_id, const struct evid_outbox_msg *m,
              const char *now, GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "INSERT INTO outbox (packet_id, topic, payload, retain, created_utc)"
                             " VALUES (?1, ?2, ?3, ?4, ?5)",
                             error);
  if (!s)
    return FALSE;
  gsize len;
  const void *data = g_bytes_get_data (m->payload, &len);
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, m->topic, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (s, 3, data ? data : "", len, SQLITE_STATIC);
  sqlite3_bind_int (s, 4, m->retain);
  sqlite3_bind_text (s, 5, now, -1, SQLITE_STATIC);
  return step_done (st, s, error, "queue outbox message");
}

bool
evid_store_review (struct evid_store *st, const char *id, const char *from_state, const char *to_state,
                   const char *actor, const char *detail, const struct evid_outbox_msg *outbox, int n_outbox,
                   GError **error)
{
  g_autofree char *now = evid_utc_now ();
  g_autofree char *action = g_strdup_printf ("review:%s", to_state);
  if (!exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = prepare (st, "UPDATE packets SET review_state = ?1 WHERE id = ?2 AND review_state = ?3", error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, to_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, from_state, -1, SQLITE_STATIC);
  if (!step_done (st, s, error, "update review state"))
    goto fail;
  if (sqlite3_changes (st->db) != 1) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "packet '%s' is not %s", id, from_state);
    goto fail;
  }
  if (!audit_append (st, actor, action, id, detail, error))
    goto fail;
  for (int i = 0; i < n_outbox; i++)
    if (!queue_outbox (st, id, &outbox[i], now, error))
      goto fail;
  if (!exec (st, "COMMIT", error))
    goto fail;
  return true;
fail:
  rollback (st);
  return false;
}

static gboolean audit_append (struct evid_store *st, const char *actor, const char *action, const char *packet_id,
                              const char *detail, GError **error);

bool
evid_store_set_hold (struct evid_store *st, const char *id, bool hold, const char *actor, const char *reason,
                     GError **error)
{
  if (!exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = prepare (st, "UPDATE packets SET legal_hold = ?1 WHERE id = ?2", error);
  if (!s)
    goto fail;
  sqlite3_bind_int (s, 1, hold);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  if (!step_done (st, s, error, "set legal hold"))
    goto fail;
  if (sqlite3_changes (st->db) != 1) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no packet with id '%s'", id);
    goto fail;
  }
  if (!audit_append (st, actor, hold ? "legal_hold" : "legal_hold_released", id, reason, error) ||
      !exec (st, "COMMIT", error))
    goto fail;
  return true;
fail:
  rollback (st);
  return false;
}

bool
evid_store_purge (struct evid_store *st, const char *now_utc, const char *actor, int *out_n, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *hashes = g_ptr_array_new_with_free_func (g_free);
  bool ok = false;
  *out_n = 0;
  if (!exec (st, "BEGIN IMMEDIATE", error))
    goto done;
  sqlite3_stmt *s = prepare (st,
                             "SELECT id, json_sha256 FROM packets WHERE retention_until < ?1 AND legal_hold = 0"
                             " ORDER BY seq",
                             error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, now_utc, -1, SQLITE_STATIC);
  while (sqlite3_step (s) == SQLITE_ROW) {
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (s, 0)));
    g_ptr_array_add (hashes, g_strdup ((const char *) sqlite3_column_text (s, 1)));
  }
  sqlite3_finalize (s);
  static const char *const STEPS[] = {
      "INSERT INTO purged (id, seq, json_sha256, purged_utc) SELECT id, seq, json_sha256, ?2 FROM packets WHERE id = ?1",
      "DELETE FROM media WHERE packet_id = ?1",
      "DELETE FROM outbox WHERE packet_id = ?1",
      "DELETE FROM packets WHERE id = ?1",
  };
  for (guint i = 0; i < ids->len; i++) {
    const char *id = g_ptr_array_index (ids, i);
    for (size_t k = 0; k < G_N_ELEMENTS (STEPS); k++) {
      s = prepare (st, STEPS[k], error);
      if (!s)
        goto fail;
      sqlite3_bind_text (s, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (s) > 1)
        sqlite3_bind_text (s, 2, now, -1, SQLITE_STATIC);
      if (!step_done (st, s, error, "purge"))
        goto fail;
    }
    g_autofree char *detail = g_strdup_printf ("retention expired; record sha256 %s",
                                               (char *) g_ptr_array_index (hashes, i));
    if (!audit_append (st, actor, "purge", id, detail, error))
      goto fail;
  }
  if (!exec (st, "COMMIT", error))
    goto fail;
  *out_n = (int) ids->len;
  ok = true;
  goto done;
fail:
  rollback (st);
done:
  g_ptr_array_unref (ids);
  g_ptr_array_unref (hashes);
  return ok;
}

static gpointer
audit_row_json (sqlite3_stmt *s)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  static const char *const COLS[] = {"seq", "utc", "actor", "action", "packet_id", "detail", "prev_hash", "hash"};
  json_builder_begin_object (b);
  for (int i = 0; i < 8; i++) {
    json_builder_set_member_name (b, COLS[i]);
    if (i == 0)
      json_builder_add_int_value (b, sqlite3_column_int64 (s, 0));
    else if (sqlite3_column_type (s, i) == SQLITE_NULL)
      json_builder_add_null_value (b);
    else
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (s, i));
  }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

GPtrArray *
evid_store_audit_rows (struct evid_store *st, const char *packet_id, GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "SELECT seq, utc, actor, action, packet_id, detail, prev_hash, hash FROM audit_log"
                             " WHERE packet_id = ?1 ORDER BY seq",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  return collect_rows (st, s, audit_row_json, g_free, "read audit log", error);
}

static void
outbox_row_free (struct evid_outbox_row *r)
{
  g_free (r->packet_id);
  g_free (r->topic);
  g_bytes_unref (r->payload);
  g_free (r);
}

static gpointer
outbox_row_from (sqlite3_stmt *s)
{
  struct evid_outbox_row *r = g_new0 (struct evid_outbox_row, 1);
  r->id = sqlite3_column_int64 (s, 0);
  r->packet_id = g_strdup ((const char *) sqlite3_column_text (s, 1));
  r->topic = g_strdup ((const char *) sqlite3_column_text (s, 2));
  r->payload = g_bytes_new (sqlite3_column_blob (s, 3), sqlite3_column_bytes (s, 3));
  r->retain = sqlite3_column_int (s, 4) != 0;
  return r;
}

GPtrArray *
evid_store_outbox_pending (struct evid_store *st, int limit, GError **error)
{
  sqlite3_stmt *s = prepare (st,
                             "SELECT id, packet_id, topic, payload, retain FROM outbox"
                             " WHERE sent_utc IS NULL ORDER BY id LIMIT ?1",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_int (s, 1, limit);
  return collect_rows (st, s, outbox_row_from, (GDestroyNotify) outbox_row_free, "read outbox", error);
}

bool
evid_store_outbox_mark_sent (struct evid_store *st, gint64 id, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  sqlite3_stmt *s = prepare (st, "UPDATE outbox SET sent_utc = ?1 WHERE id = ?2 AND sent_utc IS NULL", error);
  if (!s)
    return false;
  sqlite3_bind_text (s, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, id);
  return step_done (st, s, error, "mark outbox row sent");
}

int
evid_store_outbox_count_pending (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = prepare (st, "SELECT COUNT(*) FROM outbox WHERE sent_utc IS NULL", error);
  if (!s)
    return -1;
  int n = -1;
  if (sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int (s, 0);
  else
    db_fail (st, error, "count outbox");
  sqlite3_finalize (s);
  return n;
}
