#include "evid_store_head.h"

#include "evid_json.h"
#include "evid_json_guard.h"
#include "evid_key.h"
#include "evid_keyring.h"
#include "evid_store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define HEAD_MAX_BYTES (64 * 1024)

void
evid_chain_head_clear (struct evid_chain_head *h)
{
  g_clear_pointer (&h->site, g_free);
  g_clear_pointer (&h->utc, g_free);
  g_clear_pointer (&h->public_key, g_free);
  memset (h, 0, sizeof *h);
}

char *
evid_chain_head_path (const char *db_path)
{
  return g_strconcat (db_path, ".head", NULL);
}

static gboolean
tip (struct evid_store *st, const char *sql, gint64 *seq, char hash[65], GError **error)
{
  sqlite3_stmt *s = evid_store__prepare (st, sql, error);
  if (!s)
    return FALSE;
  *seq = 0;
  hash[0] = '\0';
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    *seq = sqlite3_column_int64 (s, 0);
    evid_store__copy_text (s, 1, hash, 65);
  }
  sqlite3_finalize (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : evid_store__fail (st, error, "read the chain tip");
}

bool
evid_chain_head_of_store (struct evid_store *st, struct evid_chain_head *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!tip (st,
            "SELECT seq, json_sha256 FROM (SELECT seq, json_sha256 FROM packets UNION ALL"
            " SELECT seq, json_sha256 FROM purged) ORDER BY seq DESC LIMIT 1",
            &out->packet_seq, out->packet_sha256, error) ||
      !tip (st, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &out->audit_seq, out->audit_hash, error))
    return false;
  out->site = g_strdup (st->site_id ? st->site_id : "");
  out->utc = evid_utc_now ();
  return true;
}

char *
evid_chain_head_sign (struct evid_chain_head *h, const struct evid_key *key)
{
  g_free (h->public_key);
  h->public_key = g_strdup (evid_key_public_hex (key));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_int (b, "v", 1);
  evid_json_string (b, "site", h->site);
  evid_json_int (b, "packet_seq", h->packet_seq);
  evid_json_string (b, "packet_sha256", h->packet_sha256);
  evid_json_int (b, "audit_seq", h->audit_seq);
  evid_json_string (b, "audit_hash", h->audit_hash);
  evid_json_string (b, "utc", h->utc);
  evid_json_string (b, "device_public_key", h->public_key);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *signed_text = json_to_string (root, FALSE);
  char sig[EVID_SIGNATURE_HEX_LEN];
  evid_key_sign (key, signed_text, strlen (signed_text), sig);
  g_autoptr (JsonBuilder) env = json_builder_new ();
  json_builder_begin_object (env);
  evid_json_string (env, "signed", signed_text);
  evid_json_string (env, "signature", sig);
  json_builder_end_object (env);
  g_autoptr (JsonNode) env_root = json_builder_get_root (env);
  return json_to_string (env_root, FALSE);
}

static gboolean
copy_hash (JsonObject *o, const char *name, char out[65], GError **error)
{
  const char *v = evid_json_member_string (o, name, FALSE, error);
  if (!v)
    return FALSE;
  if (*v && !evid_public_hex_valid (v)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "chain head: %s is not a SHA-256", name);
    return FALSE;
  }
  g_strlcpy (out, v, 65);
  return TRUE;
}

bool
evid_chain_head_parse (const char *text, gsize len, struct evid_chain_head *out, GError **error)
{
  memset (out, 0, sizeof *out);
  g_autoptr (JsonNode) env = evid_json_guard_parse (text, len, HEAD_MAX_BYTES, EVID_JSON_GUARD_DEPTH, error);
  JsonObject *eo = env ? evid_json_guard_object (env, "chain head", error) : NULL;
  const char *signed_text = eo ? evid_json_member_string (eo, "signed", FALSE, error) : NULL;
  const char *sig = signed_text ? evid_json_member_string (eo, "signature", FALSE, error) : NULL;
  if (!sig)
    return false;
  g_autoptr (JsonNode) inner =
      evid_json_guard_parse (signed_text, strlen (signed_text), HEAD_MAX_BYTES, EVID_JSON_GUARD_DEPTH, error);
  JsonObject *o = inner ? evid_json_guard_object (inner, "chain head", error) : NULL;
  gint64 v = 0;
  const char *key = NULL, *site = NULL, *utc = NULL;
  if (!o || !evid_json_member_int (o, "v", &v, error) || !evid_json_member_int (o, "packet_seq", &out->packet_seq, error) ||
      !evid_json_member_int (o, "audit_seq", &out->audit_seq, error) ||
      !copy_hash (o, "packet_sha256", out->packet_sha256, error) || !copy_hash (o, "audit_hash", out->audit_hash, error) ||
      !(site = evid_json_member_string (o, "site", FALSE, error)) ||
      !(utc = evid_json_member_string (o, "utc", FALSE, error)) ||
      !(key = evid_json_member_string (o, "device_public_key", FALSE, error))) {
    g_prefix_error (error, "chain head: ");
    return false;
  }
  if (v != 1 || out->packet_seq < 0 || out->audit_seq < 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "chain head: unknown version or negative sequence");
    return false;
  }
  if (!evid_signature_valid (key, signed_text, strlen (signed_text), sig)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "chain head: signature invalid (altered or forged)");
    return false;
  }
  out->site = g_strdup (site);
  out->utc = g_strdup (utc);
  out->public_key = g_strdup (key);
  return true;
}

bool
evid_chain_head_load (const char *path, struct evid_chain_head *out, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  struct stat sb;
  if (g_stat (path, &sb) == 0 && sb.st_size > HEAD_MAX_BYTES) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: not a chain head (%lld bytes)", path,
                 (long long) sb.st_size);
    return false;
  }
  if (!g_file_get_contents (path, &text, &len, error))
    return false;
  if (!evid_chain_head_parse (text, len, out, error)) {
    g_prefix_error (error, "%s: ", path);
    return false;
  }
  return true;
}

/* Writes the head of ST if it is ahead of the one on disk. Under a lock
 * file, and reading the tip under it: of two writers committing at once,
 * whichever writes last writes the newest tip, and a head never goes back. */
void
evid_store__committed (struct evid_store *st)
{
  if (!st->key)
    return;
  g_autofree char *path = evid_chain_head_path (st->path);
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  g_autoptr (GError) err = NULL;
  struct evid_chain_head now = {0}, old = {0};
  g_autofree char *text = NULL;
  int lock = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock (lock, LOCK_EX) != 0) {
    g_warning ("%s: cannot lock: %s; chain head not updated", lock_path, g_strerror (errno));
    goto out;
  }
  if (!evid_chain_head_of_store (st, &now, &err)) {
    g_warning ("chain head not updated: %s", err->message);
    goto out;
  }
  if (evid_chain_head_load (path, &old, NULL) && old.packet_seq >= now.packet_seq && old.audit_seq >= now.audit_seq &&
      (old.packet_seq > now.packet_seq || old.audit_seq > now.audit_seq))
    goto out; /* another writer got further (only possible between our commit and here) */
  text = evid_chain_head_sign (&now, st->key);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &err))
    g_warning ("chain head not updated: %s", err->message);
out:
  if (lock >= 0)
    close (lock);
  evid_chain_head_clear (&now);
  evid_chain_head_clear (&old);
}
