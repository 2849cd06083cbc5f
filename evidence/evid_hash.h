/* evid_hash — SHA-256 as lowercase hex (libsodium). */
#ifndef CW_EVID_HASH_H
#define CW_EVID_HASH_H

#include <stddef.h>

#define EVID_SHA256_HEX_LEN 65 /* 64 digits and the terminating NUL */

/* Returns 0, or -1 when libsodium cannot be initialised. */
int evid_sha256_hex (const void *data, size_t len, char out[EVID_SHA256_HEX_LEN]);

#endif
