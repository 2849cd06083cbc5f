#include "evid_seal.h"

#include "evid_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

static bool
read_hex_key (const char *path, unsigned char out[32], GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0, n = 0;
  if (!g_file_get_contents (path, &text, &len, error))
    return false;
  g_strstrip (text);
  bool ok = sodium_init () >= 0 && strlen (text) == 64 &&
            sodium_hex2bin (out, 32, text, 64, NULL, &n, NULL) == 0 && n == 32;
  sodium_memzero (text, len);
  if (!ok)
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: not a key (64 hex digits expected)", path);
  return ok;
}

static bool
write_hex (const char *path, const unsigned char *key, int mode, GError **error)
{
  char hex[65];
  sodium_bin2hex (hex, sizeof hex, key, 32);
  g_autofree char *line = g_strconcat (hex, "\n", NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  bool ok = fd >= 0 && write (fd, line, strlen (line)) == (ssize_t) strlen (line) && fsync (fd) == 0;
  if (!ok)
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: %s", path, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  sodium_memzero (hex, sizeof hex);
  sodium_memzero (line, strlen (line));
  return ok;
}

bool
evid_seal_keygen (const char *path, GError **error)
{
  if (sodium_init () < 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "libsodium cannot be initialised");
    return false;
  }
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  crypto_box_keypair (pk, sk);
  g_autofree char *pub = g_strconcat (path, ".pub", NULL);
  bool ok = write_hex (path, sk, 0600, error) && write_hex (pub, pk, 0644, error);
  sodium_memzero (sk, sizeof sk);
  return ok;
}

bool
evid_seal_read_public (const char *path, unsigned char out[32], GError **error)
{
  return read_hex_key (path, out, error);
}

GBytes *
evid_seal (const unsigned char recipient[32], GBytes *plain)
{
  gsize len;
  const unsigned char *p = g_bytes_get_data (plain, &len);
  gsize out_len = len + crypto_box_SEALBYTES;
  unsigned char *out = g_malloc (out_len);
  crypto_box_seal (out, p ? p : (const unsigned char *) "", len, recipient);
  return g_bytes_new_take (out, out_len);
}

GBytes *
evid_unseal (const char *secret_path, GBytes *box, GError **error)
{
  unsigned char sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
  if (!read_hex_key (secret_path, sk, error))
    return NULL;
  crypto_scalarmult_base (pk, sk);
  gsize len;
  const unsigned char *b = g_bytes_get_data (box, &len);
  GBytes *plain = NULL;
  if (len >= crypto_box_SEALBYTES) {
    unsigned char *out = g_malloc (len - crypto_box_SEALBYTES + 1);
    if (crypto_box_seal_open (out, b, len, pk, sk) == 0)
      plain = g_bytes_new_take (out, len - crypto_box_SEALBYTES);
    else
      g_free (out);
  }
  sodium_memzero (sk, sizeof sk);
  if (!plain)
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY,
                 "sealed media do not open with %s: it must be the back office's SECRET key file (not its .pub), "
                 "the one whose .pub is the site's [mqtt] backoffice_pubkey; or the media were altered",
                 secret_path);
  return plain;
}
