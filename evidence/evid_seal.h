/* evid_seal — evidence media encrypted to the back office (libsodium sealed
 * boxes: X25519 + XSalsa20-Poly1305, anonymous sender).
 *
 * Evidence leaves the cabinet on crosswatch/<site>/evidence; whoever can
 * read that topic must not see faces. So media travel sealed to the back
 * office's public key ([mqtt] backoffice_pubkey); only the holder of the
 * secret key opens them. Key files are hex text: PATH (secret, 0600) and
 * PATH.pub. */
#ifndef CW_EVID_SEAL_H
#define CW_EVID_SEAL_H

#include <glib.h>
#include <stdbool.h>

/* Makes a new key pair at PATH and PATH.pub; PATH must not exist. */
bool evid_seal_keygen (const char *path, GError **error);

/* Reads a public key file (64 hex digits) into OUT (32 bytes). */
bool evid_seal_read_public (const char *path, unsigned char out[32], GError **error);

/* PLAIN sealed to the public key RECIPIENT (32 bytes). */
GBytes *evid_seal (const unsigned char recipient[32], GBytes *plain);

/* Opens BOX with the secret key in SECRET_PATH. NULL with ERROR when the key
 * cannot be read or the box was not sealed to it (or was altered). */
GBytes *evid_unseal (const char *secret_path, GBytes *box, GError **error);

#endif
