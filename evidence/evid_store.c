#include "evid_store.h"
#include "evid_store_private.h"

#include "evid_hash.h"
#include "evid_key.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (evid-error-quark, evid_error)


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
    "  sent_utc TEXT, display_id TEXT);"
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(sent_utc, id);"
    "CREATE INDEX IF NOT EXISTS outbox_packet ON outbox(packet_id);"
    "CREATE TABLE IF NOT EXISTS audit_log ("
    "  seq INTEGER PRIMARY KEY, utc TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    "  packet_id TEXT, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signer TEXT, signature TEXT);"
    /* the publisher asks every 2 s when each confirmed case was confirmed */
    "CREATE INDEX IF NOT EXISTS audit_action ON audit_log(action, packet_id);"
    /* recognition (evid_store_faces.c): kept with the case, never published */
    "CREATE TABLE IF NOT EXISTS face_features ("
    "  packet_id TEXT NOT NULL REFERENCES packets(id), backend TEXT NOT NULL, feature BLOB NOT NULL,"
    "  created_utc TEXT NOT NULL, PRIMARY KEY (packet_id, backend));"
    "CREATE TABLE IF NOT EXISTS case_links ("
    "  packet_id TEXT NOT NULL, earlier_id TEXT NOT NULL, backend TEXT NOT NULL, score REAL NOT NULL,"
    "  created_utc TEXT NOT NULL, PRIMARY KEY (packet_id, earlier_id, backend));"
    /* the watchlist (evid_store_watchlist.c): enrolled faces, each with why,
     * by whom and until when; a match waits for a supervisor */
    "CREATE TABLE IF NOT EXISTS watchlist ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, backend TEXT NOT NULL, feature BLOB NOT NULL,"
    "  image BLOB NOT NULL, reason TEXT NOT NULL, legal_basis TEXT NOT NULL, enrolled_by TEXT NOT NULL,"
    "  enrolled_utc TEXT NOT NULL, expires_utc TEXT NOT NULL, removed_utc TEXT);"
    "CREATE TABLE IF NOT EXISTS watch_matches ("
    "  packet_id TEXT NOT NULL, entry_id INTEGER NOT NULL, score REAL NOT NULL, created_utc TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'suggested', decided_by TEXT, decided_utc TEXT, PRIMARY KEY (packet_id, entry_id));"
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS users ("
    "  name TEXT PRIMARY KEY, role TEXT NOT NULL, pwhash TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,"
    "  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until_us INTEGER NOT NULL DEFAULT 0,"
    "  created_utc TEXT NOT NULL, epoch INTEGER NOT NULL DEFAULT 0);"
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;";

/* A full disk (ENOSPC) or a file size limit (EFBIG) is told apart: the
 * caller keeps the evidence and retries, where other errors are final. */
gboolean
evid_store__fail (struct evid_store *st, GError **error, const char *what)
{
  int sys = sqlite3_system_errno (st->db), ext = sqlite3_extended_errcode (st->db);
  /* a write the disk refused (no space, file size limit, I/O error) is
   * storage trouble to retry later; SQLite does not always keep the errno */
  gboolean full = sqlite3_errcode (st->db) == SQLITE_FULL || ext == SQLITE_IOERR_WRITE || sys == ENOSPC || sys == EFBIG;
  g_set_error (error, EVID_ERROR, full ? EVID_ERROR_FULL : EVID_ERROR_DB, "%s: %s: %s (code %d%s%s)", st->path, what,
               sqlite3_errmsg (st->db), ext, sys ? ", " : "", sys ? g_strerror (sys) : "");
  return FALSE;
}

gboolean
evid_store__exec (struct evid_store *st, const char *sql, GError **error)
{
  if (sqlite3_exec (st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return evid_store__fail (st, error, sql);
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

/* Columns added since the first schema: a store made by an older version
 * gets them (empty) so it can still be read and verified. */
static gboolean
add_missing_columns (struct evid_store *st, GError **error)
{
  static const char *const ADD[][3] = {
      {"audit_log", "signer", "ALTER TABLE audit_log ADD COLUMN signer TEXT"},
      {"audit_log", "signature", "ALTER TABLE audit_log ADD COLUMN signature TEXT"},
      {"outbox", "display_id", "ALTER TABLE outbox ADD COLUMN display_id TEXT"},
      {"outbox", "expires_us", "ALTER TABLE outbox ADD COLUMN expires_us INTEGER"},
      {"users", "epoch", "ALTER TABLE users ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (ADD); i++) {
    g_autofree char *q = g_strdup_printf ("SELECT COUNT(*) FROM pragma_table_info('%s') WHERE name = '%s'", ADD[i][0],
                                          ADD[i][1]);
    sqlite3_stmt *s = evid_store__prepare (st, q, error);
    if (!s)
      return FALSE;
    gboolean have = sqlite3_step (s) == SQLITE_ROW && sqlite3_column_int (s, 0) > 0;
    sqlite3_finalize (s);
    if (!have && !evid_store__exec (st, ADD[i][2], error))
      return FALSE;
  }
  return TRUE;
}

/* The file is made 0600 before SQLite opens it: evidence holds faces, and
 * SQLite gives its -wal and -shm files the database's own mode. */
static gboolean
create_private (const char *path, GError **error)
{
  int fd = open (path, O_RDWR | O_CREAT, 0600);
  if (fd < 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: cannot create: %s", path, g_strerror (errno));
    return FALSE;
  }
  close (fd);
  return TRUE;
}

static struct evid_store *
open_db (const char *path, int flags, GError **error)
{
  struct evid_store *st = g_new0 (struct evid_store, 1);
  st->path = g_strdup (path);
  st->readonly = (flags & SQLITE_OPEN_READONLY) != 0;
  if (sqlite3_open_v2 (path, &st->db, flags | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    evid_store__fail (st, error, "cannot open");
    evid_store_close (st);
    return NULL;
  }
  /* Reviewers and the publisher share the file with the writer: wait for
   * the lock rather than fail. */
  sqlite3_busy_timeout (st->db, 10000);
  return st;
}

struct evid_store *
evid_store_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: cannot create folder: %s", dir, g_strerror (errno));
    return NULL;
  }
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !create_private (path, error))
    return NULL;
  struct evid_store *st = open_db (path, SQLITE_OPEN_READWRITE, error);
  if (!st)
    return NULL;
  if (!evid_store__exec (st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", error) ||
      !evid_store__exec (st, SCHEMA, error) || !add_missing_columns (st, error)) {
    evid_store_close (st);
    return NULL;
  }
  return st;
}

struct evid_store *
evid_store_open_readonly (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "%s: no such evidence store", path);
    return NULL;
  }
  struct evid_store *st = open_db (path, SQLITE_OPEN_READONLY, error);
  if (!st)
    return NULL;
  /* A WAL store on a read-only file or medium cannot make its -shm file;
   * then it is read as immutable (what the file holds, nothing in flight). */
  if (sqlite3_exec (st->db, "SELECT COUNT(*) FROM packets", NULL, NULL, NULL) != SQLITE_OK) {
    evid_store_close (st);
    g_autofree char *uri = g_strdup_printf ("file:%s?immutable=1", path);
    st = open_db (uri, SQLITE_OPEN_READONLY, error);
    if (!st)
      return NULL;
    g_free (st->path);
    st->path = g_strdup (path);
    if (!evid_store__exec (st, "SELECT COUNT(*) FROM packets", error)) {
      evid_store_close (st);
      return NULL;
    }
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
  g_free (st->site_id);
  g_strfreev (st->displays);
  g_free (st);
}

const char *
evid_store_path (const struct evid_store *st)
{
  return st->path;
}

void
evid_store_set_signer (struct evid_store *st, const struct evid_key *key, const char *site_id)
{
  st->key = key;
  g_free (st->site_id);
  st->site_id = g_strdup (site_id);
}

const struct evid_key *
evid_store_signer (const struct evid_store *st)
{
  return st->key;
}

void
evid_store_set_displays (struct evid_store *st, const char *const *display_ids)
{
  g_strfreev (st->displays);
  st->displays = g_strdupv ((char **) display_ids);
}

sqlite3_stmt *
evid_store__prepare (struct evid_store *st, const char *sql, GError **error)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (st->db, sql, -1, &s, NULL) != SQLITE_OK) {
    evid_store__fail (st, error, "prepare");
    return NULL;
  }
  return s;
}

void
evid_store__copy_text (sqlite3_stmt *s, int col, char *out, size_t size)
{
  const char *t = (const char *) sqlite3_column_text (s, col);
  g_strlcpy (out, t ? t : "", size);
}

/* The newest packet's record hash ("" in an empty store). */
static gboolean
last_hash (struct evid_store *st, char out[65], GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                                         "SELECT json_sha256 FROM (SELECT seq, json_sha256 FROM packets UNION ALL"
                                         " SELECT seq, json_sha256 FROM purged) ORDER BY seq DESC LIMIT 1",
                                         error);
  if (!s)
    return FALSE;
  out[0] = '\0';
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    evid_store__copy_text (s, 0, out, 65);
  sqlite3_finalize (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : evid_store__fail (st, error, "read last packet");
}

gint64
evid_store_packet_count (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT (SELECT COUNT(*) FROM packets) + (SELECT COUNT(*) FROM purged)",
                                         error);
  if (!s)
    return -1;
  gint64 n = sqlite3_step (s) == SQLITE_ROW ? sqlite3_column_int64 (s, 0) : -1;
  sqlite3_finalize (s);
  if (n < 0)
    evid_store__fail (st, error, "count packets");
  return n;
}

bool
evid_store_key_in_use (struct evid_store *st, const char *public_hex, GError **error)
{
  /* the newest packet's key, the newest audit row's, or the key the newest
   * key change handed over to */
  static const char *const SQL[] = {
      "SELECT json_extract(json, '$.device_public_key') FROM packets ORDER BY seq DESC LIMIT 1",
      "SELECT signer FROM audit_log WHERE signer IS NOT NULL ORDER BY seq DESC LIMIT 1",
      "SELECT json_extract(detail, '$.new') FROM audit_log WHERE action IN ('key_rotated', 'key_replaced_lost')"
      " ORDER BY seq DESC LIMIT 1",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (SQL); i++) {
    sqlite3_stmt *s = evid_store__prepare (st, SQL[i], error);
    if (!s)
      return false;
    bool match = sqlite3_step (s) == SQLITE_ROW && sqlite3_column_text (s, 0) &&
                 g_ascii_strcasecmp ((const char *) sqlite3_column_text (s, 0), public_hex) == 0;
    sqlite3_finalize (s);
    if (match)
      return true;
  }
  return false;
}

char *
evid_store_last_signer (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (
      st,
      "SELECT k FROM (SELECT 1 AS o, seq, json_extract(json, '$.device_public_key') AS k FROM packets"
      " UNION ALL SELECT 2, seq, signer FROM audit_log WHERE signer IS NOT NULL) ORDER BY o DESC, seq DESC LIMIT 1",
      error);
  if (!s)
    return NULL;
  int rc = sqlite3_step (s);
  char *key = g_strdup (rc == SQLITE_ROW && sqlite3_column_text (s, 0) ? (const char *) sqlite3_column_text (s, 0) : "");
  sqlite3_finalize (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    g_free (key);
    evid_store__fail (st, error, "read the last signer");
    return NULL;
  }
  return key;
}

gboolean
evid_store__step_done (struct evid_store *st, sqlite3_stmt *s, GError **error, const char *what)
{
  int rc = sqlite3_step (s);
  sqlite3_finalize (s);
  return rc == SQLITE_DONE ? TRUE : evid_store__fail (st, error, what);
}

gboolean
evid_store__commit (struct evid_store *st, GError **error)
{
  if (!evid_store__exec (st, "COMMIT", error))
    return FALSE;
  evid_store__committed (st);
  return TRUE;
}

void
evid_store__rollback (struct evid_store *st)
{
  sqlite3_exec (st->db, "ROLLBACK", NULL, NULL, NULL);
}

bool
evid_store_append_packet (struct evid_store *st, const struct evid_packet_in *in, evid_record_fn build, void *ctx,
                          GError **error)
{
  g_return_val_if_fail (st && in && build, false);
  if (!st->key) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "%s: no signing key set: packets cannot be signed", st->path);
    return false;
  }
  char prev[65], hash[EVID_SHA256_HEX_LEN], signature[EVID_SIGNATURE_HEX_LEN];
  g_autofree char *json = NULL;
  /* the chain link is read inside the write transaction, so a second
   * writer waits for this one and links to its packet */
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  if (!last_hash (st, prev, error) || !(json = build (ctx, prev, error)))
    goto fail;
  evid_sha256_hex (json, strlen (json), hash);
  evid_key_sign (st->key, json, strlen (json), signature);
  sqlite3_stmt *s = evid_store__prepare (
      st,
      "INSERT INTO packets (id, seq, created_utc, type, decision, review_state,"
      " track_id, json, json_sha256, retention_until, signature) VALUES"
      " (?1, (SELECT IFNULL(MAX(seq), 0) + 1 FROM (SELECT seq FROM packets UNION ALL SELECT seq FROM purged)),"
      " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, in->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, in->recorded_utc, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, in->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, in->decision, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, in->review_state, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 6, in->track_id);
  sqlite3_bind_text (s, 7, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 8, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 9, in->retention_until, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 10, signature, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "insert packet"))
    goto fail;
  for (int i = 0; i < in->n_media; i++) {
    const struct evid_media *m = &in->media[i];
    s = evid_store__prepare (st, "INSERT INTO media (packet_id, name, mime, sha256, data) VALUES (?1, ?2, ?3, ?4, ?5)",
                             error);
    if (!s)
      goto fail;
    sqlite3_bind_text (s, 1, in->id, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 2, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 3, m->mime, -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 4, m->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_blob64 (s, 5, m->data, m->len, SQLITE_STATIC);
    if (!evid_store__step_done (st, s, error, "insert media"))
      goto fail;
  }
  if (!evid_store__commit (st, error))
    goto fail;
  return true;
fail:
  evid_store__rollback (st);
  return false;
}

/* Steps S to the end, turning each row into an element with ROW_FN.
 * Finalizes S. NULL (ERROR set, naming WHAT) when a step fails. */
GPtrArray *
evid_store__collect_rows (struct evid_store *st, sqlite3_stmt *s, gpointer (*row_fn) (sqlite3_stmt *), GDestroyNotify free_fn,
              const char *what, GError **error)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (free_fn);
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_fn (s));
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    g_ptr_array_unref (rows);
    evid_store__fail (st, error, what);
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
  r->retention_until = TXT (10);
  r->legal_hold = sqlite3_column_int (s, 11) != 0;
#undef TXT
  return r;
}

#define ROW_COLUMNS                                                                                        \
  "id, seq, created_utc, type, decision, review_state, json, json_sha256, track_id, signature,"             \
  " retention_until, legal_hold"

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
  g_free (row->retention_until);
  g_free (row);
}

const char *
evid_initial_review_state (const char *decision)
{
  if (g_strcmp0 (decision, "rejected_flat") == 0)
    return "rejected_flat";
  if (g_strcmp0 (decision, "liveness_unassessed") == 0)
    return "liveness_unassessed";
  if (g_strcmp0 (decision, "position_uncertain") == 0)
    return "position_uncertain";
  if (g_strcmp0 (decision, "clock_unsynced") == 0)
    return "clock_unsynced";
  return "pending";
}

GPtrArray *
evid_store_list (struct evid_store *st, const char *state, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
                             "SELECT " ROW_COLUMNS " FROM packets WHERE ?1 IS NULL OR review_state = ?1"
                             " ORDER BY seq",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, state, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, row_from, (GDestroyNotify) evid_packet_row_free,
                       "list packets", error);
}

GPtrArray *
evid_store_list_track (struct evid_store *st, int track_id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT " ROW_COLUMNS " FROM packets WHERE track_id = ?1 ORDER BY seq",
                                         error);
  if (!s)
    return NULL;
  sqlite3_bind_int (s, 1, track_id);
  return evid_store__collect_rows (st, s, row_from, (GDestroyNotify) evid_packet_row_free, "list a track's packets",
                                   error);
}

struct evid_packet_row *
evid_store_get (struct evid_store *st, const char *id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT " ROW_COLUMNS " FROM packets WHERE id = ?1", error);
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
    evid_store__fail (st, error, "read packet");
  return r;
}

GBytes *
evid_store_media (struct evid_store *st, const char *packet_id, const char *name, char out_sha256[65],
                  GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT data, sha256 FROM media WHERE packet_id = ?1 AND name = ?2", error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_STATIC);
  GBytes *b = NULL;
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    b = g_bytes_new (sqlite3_column_blob (s, 0), sqlite3_column_bytes (s, 0));
    if (out_sha256)
      evid_store__copy_text (s, 1, out_sha256, 65);
  }
  sqlite3_finalize (s);
  if (rc == SQLITE_DONE)
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "packet '%s' has no media '%s'", packet_id, name);
  else if (rc != SQLITE_ROW)
    evid_store__fail (st, error, "read media");
  return b;
}

static gpointer
purged_row (sqlite3_stmt *s)
{
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " %s", (const char *) sqlite3_column_text (s, 0),
                          (gint64) sqlite3_column_int64 (s, 1), (const char *) sqlite3_column_text (s, 2));
}

GPtrArray *
evid_store_purged (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT id, seq, json_sha256 FROM purged ORDER BY seq", error);
  return s ? evid_store__collect_rows (st, s, purged_row, g_free, "list purged packets", error) : NULL;
}

char *
evid_store_media_mime (struct evid_store *st, const char *packet_id, const char *name)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT mime FROM media WHERE packet_id = ?1 AND name = ?2", NULL);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_STATIC);
  char *mime = sqlite3_step (s) == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (s, 0)) : NULL;
  sqlite3_finalize (s);
  return mime;
}

static gpointer
first_column_text (sqlite3_stmt *s)
{
  return g_strdup ((const char *) sqlite3_column_text (s, 0));
}

GPtrArray *
evid_store_media_names (struct evid_store *st, const char *packet_id, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT name FROM media WHERE packet_id = ?1 ORDER BY rowid", error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, first_column_text, g_free, "list media", error);
}

char *
evid_store_prev_hash_before (struct evid_store *st, gint64 seq, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
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
    evid_store__fail (st, error, "read the chain");
  return hash;
}


bool
evid_store_set_hold (struct evid_store *st, const char *id, bool hold, const char *actor, const char *reason,
                     GError **error)
{
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = evid_store__prepare (st, "UPDATE packets SET legal_hold = ?1 WHERE id = ?2", error);
  if (!s)
    goto fail;
  sqlite3_bind_int (s, 1, hold);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  if (!evid_store__step_done (st, s, error, "set legal hold"))
    goto fail;
  if (sqlite3_changes (st->db) != 1) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no packet with id '%s'", id);
    goto fail;
  }
  if (!evid_store__audit_append (st, actor, hold ? "legal_hold" : "legal_hold_released", id, reason, error) ||
      !evid_store__commit (st, error))
    goto fail;
  return true;
fail:
  evid_store__rollback (st);
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
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    goto done;
  sqlite3_stmt *s = evid_store__prepare (st,
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
      "DELETE FROM face_features WHERE packet_id = ?1",
      "DELETE FROM case_links WHERE packet_id = ?1 OR earlier_id = ?1",
      "DELETE FROM watch_matches WHERE packet_id = ?1",
      "DELETE FROM outbox WHERE packet_id = ?1 AND sent_utc IS NULL AND display_id IS NULL",
      "DELETE FROM packets WHERE id = ?1",
  };
  for (guint i = 0; i < ids->len; i++) {
    const char *id = g_ptr_array_index (ids, i);
    /* what a screen shows must go with the evidence behind it */
    if (!evid_store__withdraw_from_displays (st, id, error))
      goto fail;
    for (size_t k = 0; k < G_N_ELEMENTS (STEPS); k++) {
      s = evid_store__prepare (st, STEPS[k], error);
      if (!s)
        goto fail;
      sqlite3_bind_text (s, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (s) > 1)
        sqlite3_bind_text (s, 2, now, -1, SQLITE_STATIC);
      if (!evid_store__step_done (st, s, error, "purge"))
        goto fail;
    }
    g_autofree char *detail = g_strdup_printf ("retention expired; record sha256 %s",
                                               (char *) g_ptr_array_index (hashes, i));
    if (!evid_store__audit_append (st, actor, "purge", id, detail, error))
      goto fail;
  }
  /* the watchlist's entries expire with the same sweep */
  if (!evid_store__expire_watchlist (st, now_utc, actor, error))
    goto fail;
  if (!evid_store__commit (st, error))
    goto fail;
  *out_n = (int) ids->len;
  ok = true;
  goto done;
fail:
  evid_store__rollback (st);
done:
  g_ptr_array_unref (ids);
  g_ptr_array_unref (hashes);
  return ok;
}

