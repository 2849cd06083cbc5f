/* evid_key — the device's Ed25519 signing key (libsodium).
 *
 * Created on first use with 0600 permissions (never overwritten: an existing
 * file is only read); the public key is exported beside it as PATH.pub
 * (hex), for verifiers. Packets are signed over their exact record text. */
#ifndef CW_EVID_KEY_H
#define CW_EVID_KEY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define EVID_PUBLIC_HEX_LEN 65     /* 64 hex digits + NUL */
#define EVID_SIGNATURE_HEX_LEN 129 /* 128 hex digits + NUL */

struct evid_key;

/* Opens the key at PATH. When it is missing it is created (with its folder)
 * only if MAY_CREATE: a store that holds signed packets must never silently
 * get a new key (see crosswatch key). PATH.pub is written when missing; when
 * present it must hold this key's public half, else the key was swapped and
 * opening fails. */
struct evid_key *evid_key_open (const char *path, bool may_create, GError **error);

/* Makes a new key at PATH (which must not exist) and its PATH.pub. */
struct evid_key *evid_key_create (const char *path, GError **error);
void evid_key_free (struct evid_key *k);

const char *evid_key_public_hex (const struct evid_key *k);

void evid_key_sign (const struct evid_key *k, const void *msg, size_t len, char out[EVID_SIGNATURE_HEX_LEN]);

/* TRUE when SIG_HEX is PUBLIC_HEX's signature of MSG. */
bool evid_signature_valid (const char *public_hex, const void *msg, size_t len, const char *sig_hex);

#endif
