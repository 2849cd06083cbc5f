#include "evid_store_users.h"
#include "evid_store_private.h"

#include <sqlite3.h>

void
evid_user_free (struct evid_user *u)
{
  if (!u)
    return;
  g_free (u->name);
  g_free (u->role);
  g_free (u->pwhash);
  g_free (u->created_utc);
  g_free (u);
}

#define USER_COLUMNS "name, role, pwhash, enabled, failed_logins, locked_until_us, created_utc, epoch"

static gpointer
user_from (sqlite3_stmt *s)
{
  struct evid_user *u = g_new0 (struct evid_user, 1);
  u->name = g_strdup ((const char *) sqlite3_column_text (s, 0));
  u->role = g_strdup ((const char *) sqlite3_column_text (s, 1));
  u->pwhash = g_strdup ((const char *) sqlite3_column_text (s, 2));
  u->enabled = sqlite3_column_int (s, 3) != 0;
  u->failed_logins = sqlite3_column_int (s, 4);
  u->locked_until_us = sqlite3_column_int64 (s, 5);
  u->created_utc = g_strdup ((const char *) sqlite3_column_text (s, 6));
  u->epoch = sqlite3_column_int64 (s, 7);
  return u;
}

struct evid_user *
evid_store_user_get (struct evid_store *st, const char *name, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT " USER_COLUMNS " FROM users WHERE name = ?1", error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  g_autoptr (GPtrArray) rows = evid_store__collect_rows (st, s, user_from, (GDestroyNotify) evid_user_free,
                                                         "read account", error);
  if (!rows)
    return NULL;
  if (rows->len == 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no account '%s'", name);
    return NULL;
  }
  return g_ptr_array_steal_index (rows, 0);
}

GPtrArray *
evid_store_users (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT " USER_COLUMNS " FROM users ORDER BY name", error);
  if (!s)
    return NULL;
  return evid_store__collect_rows (st, s, user_from, (GDestroyNotify) evid_user_free, "read accounts", error);
}

/* Ends an account change: its audit row, then COMMIT; on any failure the
 * whole transaction is rolled back. */
static bool
audit_and_commit (struct evid_store *st, const char *actor, const char *action, const char *detail, GError **error)
{
  if (evid_store__audit_append (st, actor, action, NULL, detail, error) && evid_store__commit (st, error))
    return true;
  evid_store__rollback (st);
  return false;
}

/* Runs SQL (one UPDATE using ?1 = NAME and any of ?2 = TEXT, ?3 = NUMBER;
 * binding an unused one is harmless) on account NAME and appends audit row
 * ACTION, in one transaction. EVID_ERROR_NOT_FOUND when there is no NAME. */
static bool
user_write (struct evid_store *st, const char *sql, const char *name, const char *text, gint64 number,
            const char *actor, const char *action, const char *detail, GError **error)
{
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = evid_store__prepare (st, sql, error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, number);
  if (!evid_store__step_done (st, s, error, action))
    goto fail;
  if (sqlite3_changes (st->db) != 1) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "no account '%s'", name);
    goto fail;
  }
  return audit_and_commit (st, actor, action, detail, error);
fail:
  evid_store__rollback (st);
  return false;
}

bool
evid_store_user_add (struct evid_store *st, const char *name, const char *role, const char *pwhash,
                     const char *actor, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  g_autofree char *detail = g_strdup_printf ("account %s, role %s", name, role);
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = evid_store__prepare (
      st, "INSERT INTO users (name, role, pwhash, created_utc) VALUES (?1, ?2, ?3, ?4)", error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, role, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, pwhash, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, now, -1, SQLITE_STATIC);
  int rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    if (sqlite3_extended_errcode (st->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
      g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "account '%s' exists already", name);
    else
      evid_store__fail (st, error, "add account");
    goto fail;
  }
  return audit_and_commit (st, actor, "user_added", detail, error);
fail:
  evid_store__rollback (st);
  return false;
}

bool
evid_store_user_set_password (struct evid_store *st, const char *name, const char *pwhash, const char *actor,
                              GError **error)
{
  g_autofree char *detail = g_strdup_printf ("account %s", name);
  return user_write (st, "UPDATE users SET pwhash = ?2, failed_logins = 0, locked_until_us = ?3, epoch = epoch + 1 WHERE name = ?1",
                     name, pwhash, 0, actor, "user_password_set", detail, error);
}

bool
evid_store_user_set_enabled (struct evid_store *st, const char *name, bool enabled, const char *actor,
                             GError **error)
{
  g_autofree char *detail = g_strdup_printf ("account %s", name);
  return user_write (st, "UPDATE users SET enabled = ?3, failed_logins = 0, epoch = epoch + 1 WHERE name = ?1", name,
                     NULL, enabled, actor, enabled ? "user_enabled" : "user_disabled", detail, error);
}

bool
evid_store_user_set_role (struct evid_store *st, const char *name, const char *role, const char *actor,
                          GError **error)
{
  g_autofree char *detail = g_strdup_printf ("account %s, role %s", name, role);
  return user_write (st, "UPDATE users SET role = ?2, epoch = epoch + 1 WHERE name = ?1", name, role, 0, actor,
                     "user_role_set", detail, error);
}

bool
evid_store_user_login_result (struct evid_store *st, const char *name, bool success, const char *address,
                              int max_failures, gint64 now_us, gint64 lock_us, bool *out_locked, GError **error)
{
  *out_locked = false;
  g_autofree char *detail = NULL;
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  sqlite3_stmt *s = evid_store__prepare (
      st,
      success ? "UPDATE users SET failed_logins = 0 WHERE name = ?1"
              /* the MAX-th failure in a row locks, and the count starts again */
              : "UPDATE users SET failed_logins = (failed_logins + 1) % ?2,"
                " locked_until_us = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until_us END"
                " WHERE name = ?1 RETURNING locked_until_us",
      error);
  if (!s)
    goto fail;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  if (!success) {
    sqlite3_bind_int (s, 2, MAX (1, max_failures));
    sqlite3_bind_int64 (s, 3, now_us + lock_us);
  }
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    *out_locked = sqlite3_column_int64 (s, 0) > now_us;
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    evid_store__fail (st, error, "count login");
    goto fail;
  }
  /* a failed login's name is what was typed, not an account: it goes into
   * the detail, and the actor is "anonymous" */
  g_free (detail);
  detail = success ? g_strdup_printf ("from %s", address ? address : "?")
                   : g_strdup_printf ("from %s; name typed: %s%s", address ? address : "?", name,
                                      *out_locked ? "; account locked" : "");
  return audit_and_commit (st, success ? name : "anonymous", success ? "login" : "login_failed", detail, error);
fail:
  evid_store__rollback (st);
  return false;
}
