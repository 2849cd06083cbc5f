#include "evid_keychange.h"

#include "evid_json.h"
#include "evid_key.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <string.h>

char *
evid_key_rotation_statement (const char *old_hex, const char *new_hex)
{
  return g_strconcat ("crosswatch-key-rotation\x1f", old_hex, "\x1f", new_hex, NULL);
}

static char *
detail_text (const char *old_hex, const char *new_hex, const char *extra_name, const char *extra)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_string (b, "old", old_hex);
  evid_json_string (b, "new", new_hex);
  evid_json_string (b, extra_name, extra);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
move_aside (const char *path, const char *suffix, const char *utc, GError **error)
{
  g_autofree char *to = g_strdup_printf ("%s.%s-%s", path, suffix, utc);
  if (g_rename (path, to) != 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: cannot move to %s: %s", path, to, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

/* Overwrites the secret key file, then removes it. */
static gboolean
destroy_secret (const char *path, GError **error)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    unsigned char zeros[128] = {0};
    struct stat sb;
    if (fstat (fd, &sb) == 0)
      for (off_t done = 0; done < sb.st_size; done += (off_t) sizeof zeros)
        if (write (fd, zeros, sizeof zeros) < 0)
          break;
    fsync (fd);
    close (fd);
  }
  if (g_unlink (path) != 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: cannot remove the old key: %s", path, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

bool
evid_key_rotate (struct evid_store *st, const char *key_path, const char *site_id, const char *const *display_ids,
                 const char *actor, char **out_new, GError **error)
{
  g_autofree char *new_path = g_strconcat (key_path, ".new", NULL);
  g_autofree char *new_pub = g_strconcat (new_path, ".pub", NULL);
  g_autofree char *pub = g_strconcat (key_path, ".pub", NULL);
  g_autofree char *stamp = NULL, *statement = NULL, *detail = NULL;
  struct evid_key *old = evid_key_open (key_path, false, error), *new = NULL;
  bool ok = false;
  if (!old)
    goto out;
  g_unlink (new_path); /* a rotation that died half way left it unused */
  g_unlink (new_pub);
  if (!(new = evid_key_create (new_path, error)))
    goto out;
  char sig[EVID_SIGNATURE_HEX_LEN];
  statement = evid_key_rotation_statement (evid_key_public_hex (old), evid_key_public_hex (new));
  evid_key_sign (new, statement, strlen (statement), sig);
  detail = detail_text (evid_key_public_hex (old), evid_key_public_hex (new), "new_signature", sig);
  evid_store_set_signer (st, old, site_id);
  if (!evid_store_record_rotation (st, actor, detail, evid_key_public_hex (new), sig, display_ids, error))
    goto out;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  if (!destroy_secret (key_path, error) || !move_aside (pub, "retired", stamp, error) ||
      g_rename (new_path, key_path) != 0 || g_rename (new_pub, pub) != 0) {
    if (error && !*error)
      g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: cannot install the new key: %s", key_path, g_strerror (errno));
    goto out;
  }
  *out_new = g_strdup (evid_key_public_hex (new));
  ok = true;
out:
  evid_store_set_signer (st, NULL, site_id);
  evid_key_free (old);
  evid_key_free (new);
  return ok;
}

bool
evid_key_replace_lost (struct evid_store *st, const char *key_path, const char *site_id, const char *actor,
                       const char *reason, char **out_new, GError **error)
{
  if (g_file_test (key_path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "%s exists: the key is not lost (use crosswatch key rotate)",
                 key_path);
    return false;
  }
  if (!reason || !*reason) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "replacing a lost key needs --reason");
    return false;
  }
  g_autofree char *old = evid_store_last_signer (st, error);
  if (!old)
    return false;
  g_autofree char *pub = g_strconcat (key_path, ".pub", NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  if (g_file_test (pub, G_FILE_TEST_EXISTS) && !move_aside (pub, "lost", stamp, error))
    return false;
  struct evid_key *key = evid_key_create (key_path, error);
  if (!key)
    return false;
  g_autofree char *detail = detail_text (old, evid_key_public_hex (key), "reason", reason);
  evid_store_set_signer (st, key, site_id);
  bool ok = evid_store_audit (st, actor, "key_replaced_lost", NULL, detail, error);
  evid_store_set_signer (st, NULL, site_id);
  if (ok)
    *out_new = g_strdup (evid_key_public_hex (key));
  evid_key_free (key);
  return ok;
}
