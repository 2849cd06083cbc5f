/* evid_store_audit — the append-only, hash-chained audit log of the store. */
#include "evid_store.h"
#include "evid_store_private.h"

#include "evid_hash.h"
#include "evid_key.h"

#include <json-glib/json-glib.h>
#include <string.h>


char *
evid_audit_row_hash (const char *prev, gint64 seq, const char *utc, const char *actor, const char *action,
                     const char *packet_id, const char *detail)
{
  /* each field as LENGTH:VALUE, so no choice of text in one field (a reason
   * holding a separator, say) can pass for other fields */
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  const char *const fields[] = {prev, seq_text, utc, actor, action, packet_id ? packet_id : "", detail ? detail : ""};
  GString *text = g_string_new ("crosswatch-audit-v2");
  for (size_t i = 0; i < G_N_ELEMENTS (fields); i++)
    g_string_append_printf (text, "|%zu:%s", strlen (fields[i] ? fields[i] : ""), fields[i] ? fields[i] : "");
  char hex[EVID_SHA256_HEX_LEN];
  evid_sha256_hex (text->str, text->len, hex);
  g_string_free (text, TRUE);
  return g_strdup (hex);
}

/* What an audit row's signature covers: its hash, which covers the row and
 * (through prev_hash) every row before it. A domain prefix keeps the
 * signature from being valid as any other kind of message. */
static char *
audit_signed_text (const char *hash)
{
  return g_strconcat ("crosswatch-audit-row\x1f", hash, NULL);
}

void
evid_audit_row_sign (const struct evid_key *key, const char *hash, char out[EVID_SIGNATURE_HEX_LEN])
{
  g_autofree char *text = audit_signed_text (hash);
  evid_key_sign (key, text, strlen (text), out);
}

bool
evid_audit_row_signature_valid (const char *public_hex, const char *hash, const char *signature)
{
  g_autofree char *text = audit_signed_text (hash ? hash : "");
  return evid_signature_valid (public_hex, text, strlen (text), signature);
}

/* Appends within the caller's transaction. */
gboolean
evid_store__audit_append (struct evid_store *st, const char *actor, const char *action, const char *packet_id,
              const char *detail, GError **error)
{
  char prev[65] = "";
  gint64 seq = 1;
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", error);
  if (!s)
    return FALSE;
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    seq = sqlite3_column_int64 (s, 0) + 1;
    evid_store__copy_text (s, 1, prev, sizeof prev);
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return evid_store__fail (st, error, "read audit log");

  g_autofree char *utc = evid_utc_now ();
  g_autofree char *hash = evid_audit_row_hash (prev, seq, utc, actor, action, packet_id, detail);
  s = evid_store__prepare (st,
               "INSERT INTO audit_log (seq, utc, actor, action, packet_id, detail, prev_hash, hash, signer, signature)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
  /* signed, so a recomputed chain (triggers dropped, rows rewritten and
   * rehashed) no longer verifies without the device key */
  char signature[EVID_SIGNATURE_HEX_LEN];
  if (st->key) {
    evid_audit_row_sign (st->key, hash, signature);
    sqlite3_bind_text (s, 9, evid_key_public_hex (st->key), -1, SQLITE_STATIC);
    sqlite3_bind_text (s, 10, signature, -1, SQLITE_STATIC);
  }
  return evid_store__step_done (st, s, error, "append audit row");
}

bool
evid_store_audit (struct evid_store *st, const char *actor, const char *action, const char *packet_id,
                  const char *detail, GError **error)
{
  if (!evid_store__exec (st, "BEGIN IMMEDIATE", error))
    return false;
  if (!evid_store__audit_append (st, actor, action, packet_id, detail, error) || !evid_store__commit (st, error)) {
    evid_store__rollback (st);
    return false;
  }
  return true;
}

bool
evid_store_verify_audit (struct evid_store *st, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st,
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
    return evid_store__fail (st, error, "read audit log");
  return ok;
}

static gpointer
audit_row_json (sqlite3_stmt *s)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  static const char *const COLS[] = {"seq",       "utc",  "actor", "action", "packet_id",
                                     "detail",    "prev_hash", "hash", "signer", "signature"};
  json_builder_begin_object (b);
  for (int i = 0; i < (int) G_N_ELEMENTS (COLS); i++) {
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
  sqlite3_stmt *s = evid_store__prepare (st,
                             "SELECT seq, utc, actor, action, packet_id, detail, prev_hash, hash, signer, signature"
                             " FROM audit_log WHERE ?1 IS NULL OR packet_id = ?1 ORDER BY seq",
                             error);
  if (!s)
    return NULL;
  sqlite3_bind_text (s, 1, packet_id, -1, SQLITE_STATIC);
  return evid_store__collect_rows (st, s, audit_row_json, g_free, "read audit log", error);
}


char *
evid_store_audit_hash (struct evid_store *st, gint64 seq, GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, "SELECT hash FROM audit_log WHERE seq = ?1", error);
  if (!s)
    return NULL;
  sqlite3_bind_int64 (s, 1, seq);
  char *hash = sqlite3_step (s) == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (s, 0)) : g_strdup ("");
  sqlite3_finalize (s);
  return hash;
}
