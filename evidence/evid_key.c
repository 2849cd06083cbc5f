#include "evid_key.h"

#include "evid_store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct evid_key {
  unsigned char secret[crypto_sign_SECRETKEYBYTES];
  unsigned char public[crypto_sign_PUBLICKEYBYTES];
  char public_hex[EVID_PUBLIC_HEX_LEN];
};

static gboolean
fail (GError **error, const char *path, const char *what)
{
  g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "%s: %s: %s", path, what, g_strerror (errno));
  return FALSE;
}

/* Writes a new key with O_EXCL: two processes starting at once never both
 * create one (the loser reads the winner's). */
static gboolean
create (struct evid_key *k, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return fail (error, dir, "cannot create folder");
  crypto_sign_keypair (k->public, k->secret);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return errno == EEXIST ? TRUE : fail (error, path, "cannot create the device key");
  gboolean ok = write (fd, k->secret, sizeof k->secret) == (ssize_t) sizeof k->secret && fsync (fd) == 0;
  close (fd);
  if (!ok) {
    g_unlink (path);
    return fail (error, path, "cannot write the device key");
  }
  return TRUE;
}

/* The public half, for whoever verifies the evidence: written when
 * missing; an existing one must match (a swapped key shows here). */
static gboolean
check_public_file (struct evid_key *k, const char *path, GError **error)
{
  g_autofree char *pub_path = g_strconcat (path, ".pub", NULL);
  g_autofree char *text = NULL;
  if (g_file_get_contents (pub_path, &text, NULL, NULL)) {
    if (strcmp (g_strstrip (text), k->public_hex) != 0) {
      g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY,
                   "%s holds public key %s, but %s is the secret key of %s: the key was replaced outside "
                   "crosswatch key (restore the right key file)",
                   pub_path, text, path, k->public_hex);
      return FALSE;
    }
    return TRUE;
  }
  g_autofree char *line = g_strconcat (k->public_hex, "\n", NULL);
  GError *local = NULL;
  if (!g_file_set_contents_full (pub_path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local)) {
    g_propagate_prefixed_error (error, local, "device public key: ");
    return FALSE;
  }
  return TRUE;
}

static gboolean
read_secret (struct evid_key *k, const char *path, GError **error)
{
  gchar *data = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents (path, &data, &len, &local)) {
    g_propagate_prefixed_error (error, local, "device key: ");
    return FALSE;
  }
  gboolean ok = len == sizeof k->secret;
  if (ok)
    memcpy (k->secret, data, len);
  else
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "%s: not an Ed25519 secret key (%zu bytes, expected %zu)",
                 path, (size_t) len, sizeof k->secret);
  sodium_memzero (data, len);
  g_free (data);
  if (!ok)
    return FALSE;
  crypto_sign_ed25519_sk_to_pk (k->public, k->secret);
  sodium_bin2hex (k->public_hex, sizeof k->public_hex, k->public, sizeof k->public);
  return TRUE;
}

struct evid_key *
evid_key_open (const char *path, bool may_create, GError **error)
{
  if (sodium_init () < 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "libsodium cannot be initialised");
    return NULL;
  }
  struct evid_key *k = g_new0 (struct evid_key, 1);
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    if (!may_create) {
      g_set_error (error, EVID_ERROR, EVID_ERROR_NOT_FOUND, "%s: device key missing", path);
      goto fail;
    }
    if (!create (k, path, error))
      goto fail;
  }
  if (!read_secret (k, path, error) || !check_public_file (k, path, error))
    goto fail;
  return k;
fail:
  evid_key_free (k);
  return NULL;
}

struct evid_key *
evid_key_create (const char *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_STATE, "%s: already exists", path);
    return NULL;
  }
  return evid_key_open (path, true, error);
}

void
evid_key_free (struct evid_key *k)
{
  if (!k)
    return;
  sodium_memzero (k, sizeof *k);
  g_free (k);
}

const char *
evid_key_public_hex (const struct evid_key *k)
{
  return k->public_hex;
}

void
evid_key_sign (const struct evid_key *k, const void *msg, size_t len, char out[EVID_SIGNATURE_HEX_LEN])
{
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached (sig, NULL, msg, len, k->secret);
  sodium_bin2hex (out, EVID_SIGNATURE_HEX_LEN, sig, sizeof sig);
}

bool
evid_signature_valid (const char *public_hex, const void *msg, size_t len, const char *sig_hex)
{
  unsigned char pub[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  size_t n;
  if (sodium_init () < 0 || !public_hex || !sig_hex ||
      sodium_hex2bin (pub, sizeof pub, public_hex, strlen (public_hex), NULL, &n, NULL) != 0 || n != sizeof pub ||
      sodium_hex2bin (sig, sizeof sig, sig_hex, strlen (sig_hex), NULL, &n, NULL) != 0 || n != sizeof sig)
    return false;
  return crypto_sign_verify_detached (sig, msg, len, pub) == 0;
}
