#include "evid_keyring.h"

#include "evid_store.h"

#include <string.h>

struct evid_keyring {
  GHashTable *keys; /* lower-case hex -> itself */
};

struct evid_keyring *
evid_keyring_new (void)
{
  struct evid_keyring *ring = g_new0 (struct evid_keyring, 1);
  ring->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return ring;
}

void
evid_keyring_free (struct evid_keyring *ring)
{
  if (!ring)
    return;
  g_hash_table_destroy (ring->keys);
  g_free (ring);
}

bool
evid_public_hex_valid (const char *hex)
{
  if (!hex || strlen (hex) != 64)
    return false;
  for (const char *p = hex; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return false;
  return true;
}

bool
evid_keyring_add_hex (struct evid_keyring *ring, const char *hex, GError **error)
{
  g_return_val_if_fail (ring != NULL, false);
  if (!evid_public_hex_valid (hex)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "not a public key (64 hex digits expected)");
    return false;
  }
  char *lower = g_ascii_strdown (hex, -1);
  g_hash_table_add (ring->keys, lower);
  return true;
}

/* A key file is tiny: anything larger is not one (and is not read whole). */
#define KEY_FILE_MAX 4096

bool
evid_keyring_add_file (struct evid_keyring *ring, const char *path, GError **error)
{
  g_return_val_if_fail (ring != NULL && path != NULL, false);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, error);
  if (!map) {
    g_prefix_error (error, "trusted key: ");
    return false;
  }
  len = g_mapped_file_get_length (map);
  if (len == 0 || len > KEY_FILE_MAX) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: not a public key file (%zu bytes)", path, (size_t) len);
    return false;
  }
  text = g_strstrip (g_strndup (g_mapped_file_get_contents (map), len));
  g_autoptr (GError) local = NULL;
  if (!evid_keyring_add_hex (ring, text, &local)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: %s", path, local->message);
    return false;
  }
  return true;
}

bool
evid_keyring_add_files (struct evid_keyring *ring, const char *paths, GError **error)
{
  g_auto (GStrv) list = g_strsplit (paths ? paths : "", ";", -1);
  for (char **p = list; *p; p++) {
    g_strstrip (*p);
    if (**p && !evid_keyring_add_file (ring, *p, error))
      return false;
  }
  return true;
}

bool
evid_keyring_contains (const struct evid_keyring *ring, const char *hex)
{
  if (!ring || !evid_public_hex_valid (hex))
    return false;
  g_autofree char *lower = g_ascii_strdown (hex, -1);
  return g_hash_table_contains (ring->keys, lower);
}

guint
evid_keyring_size (const struct evid_keyring *ring)
{
  return ring ? g_hash_table_size (ring->keys) : 0;
}

GPtrArray *
evid_keyring_list (const struct evid_keyring *ring)
{
  GPtrArray *out = g_ptr_array_new ();
  if (!ring)
    return out;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, ring->keys);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (out, key);
  return out;
}
