/* evid_keyring — a set of pinned Ed25519 public keys (64 hex digits each).
 *
 * Verifiers (crosswatch verify, the roadside display) trust only the keys a
 * keyring holds: a valid signature by any other key is refused. Key files
 * hold one public key in hex, as evid_key writes PATH.pub. */
#ifndef CW_EVID_KEYRING_H
#define CW_EVID_KEYRING_H

#include <glib.h>
#include <stdbool.h>

struct evid_keyring;

struct evid_keyring *evid_keyring_new (void);
void evid_keyring_free (struct evid_keyring *ring);

/* Adds the key in FILE (surrounding white space ignored). FALSE with ERROR
 * naming the file when it cannot be read or holds no public key. */
bool evid_keyring_add_file (struct evid_keyring *ring, const char *path, GError **error);

/* Adds every file of a ';'-separated list PATHS (as config keys give them). */
bool evid_keyring_add_files (struct evid_keyring *ring, const char *paths, GError **error);

/* Adds HEX (64 hex digits); FALSE with ERROR when malformed. */
bool evid_keyring_add_hex (struct evid_keyring *ring, const char *hex, GError **error);

/* The keys, lower-case hex (free the array; the strings are the ring's). */
GPtrArray *evid_keyring_list (const struct evid_keyring *ring);

bool evid_keyring_contains (const struct evid_keyring *ring, const char *hex);
guint evid_keyring_size (const struct evid_keyring *ring);

/* TRUE when HEX is 64 hex digits (a public key's form). */
bool evid_public_hex_valid (const char *hex);

#endif
