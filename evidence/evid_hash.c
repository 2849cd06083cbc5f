#include "evid_hash.h"

#include <sodium.h>

int
evid_sha256_hex (const void *data, size_t len, char out[EVID_SHA256_HEX_LEN])
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  if (sodium_init () < 0)
    return -1;
  crypto_hash_sha256 (digest, data, len);
  sodium_bin2hex (out, EVID_SHA256_HEX_LEN, digest, sizeof digest);
  return 0;
}
