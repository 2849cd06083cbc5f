/* evid_store_private — what the store's files (evid_store*.c) share: the
 * handle and the SQLite helpers. Not for use outside evidence/evid_store*. */
#ifndef CW_EVID_STORE_PRIVATE_H
#define CW_EVID_STORE_PRIVATE_H

#include "evid_store.h"

#include <sqlite3.h>

struct evid_store {
  sqlite3 *db;
  char *path;
  bool readonly;
  const struct evid_key *key; /* signs audit rows and chain heads; NULL: none */
  char *site_id;
  char **displays; /* the site's displays, NULL-terminated, or NULL */
};

/* Sets ERROR from SQLite's last error on ST (EVID_ERROR_FULL for a refused
 * write, else EVID_ERROR_DB), naming WHAT. Always returns FALSE. */
gboolean evid_store__fail (struct evid_store *st, GError **error, const char *what);
gboolean evid_store__exec (struct evid_store *st, const char *sql, GError **error);
sqlite3_stmt *evid_store__prepare (struct evid_store *st, const char *sql, GError **error);
void evid_store__copy_text (sqlite3_stmt *s, int col, char *out, size_t size);
/* Steps S once expecting SQLITE_DONE; finalizes S. */
gboolean evid_store__step_done (struct evid_store *st, sqlite3_stmt *s, GError **error, const char *what);
/* COMMIT, then the chain head moves on (evid_store__committed). */
gboolean evid_store__commit (struct evid_store *st, GError **error);
void evid_store__rollback (struct evid_store *st);
GPtrArray *evid_store__collect_rows (struct evid_store *st, sqlite3_stmt *s, gpointer (*row_fn) (sqlite3_stmt *),
                                     GDestroyNotify free_fn, const char *what, GError **error);
/* Column COL of S's row, a BLOB of float32s, as a new array (g_free; at
 * least one element) and its length in *OUT_N: a face feature. */
float *evid_store__floats (sqlite3_stmt *s, int col, int *out_n);

/* Appends an audit row within the caller's transaction. */
gboolean evid_store__audit_append (struct evid_store *st, const char *actor, const char *action,
                                   const char *packet_id, const char *detail, GError **error);

/* Within the caller's transaction: removes the packet's unsent display
 * messages and queues a signed retract to every display it was addressed
 * to (sent or not), so a withdrawn case leaves every screen at once. */
gboolean evid_store__withdraw_from_displays (struct evid_store *st, const char *packet_id, GError **error);

/* Within the caller's transaction: the watchlist entries expired at
 * NOW_UTC lose their faces, an audit row each (evid_store_watchlist.c). */
gboolean evid_store__expire_watchlist (struct evid_store *st, const char *now_utc, const char *actor, GError **error);

/* After every commit that added packets or audit rows: the chain head
 * beside the store moves on (evid_store_head.c). A failure is logged, not
 * returned: the commit stands, and a missing head only weakens detection. */
void evid_store__committed (struct evid_store *st);

#endif
