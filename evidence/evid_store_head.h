/* evid_store_head — the signed chain head of an evidence store.
 *
 * The packets and the audit log are hash chains inside the database: whoever
 * can write the file can delete the newest rows and the chains still link.
 * So after every commit the appliance signs the tip of both chains (sequence
 * number and hash of the newest packet and audit row) and keeps that head
 * outside the database (PATH.head, beside the store); the publisher sends it,
 * retained, on crosswatch/<site>/chain. A verifier holding a head it got
 * earlier (from the bus, the back office, a case file) checks that the store
 * still holds both rows it names, with the same hashes: truncation shows.
 *
 * The text, as file and as message:
 *   {"signed":"{\"v\":1,\"site\":…,\"packet_seq\":N,\"packet_sha256\":…,
 *     \"audit_seq\":M,\"audit_hash\":…,\"utc\":…,\"device_public_key\":…}",
 *    "signature":"<Ed25519 over the signed string's bytes, hex>"}
 */
#ifndef CW_EVID_STORE_HEAD_H
#define CW_EVID_STORE_HEAD_H

#include "evid_store.h"

struct evid_key;

struct evid_chain_head {
  gint64 packet_seq; /* 0: no packet yet */
  char packet_sha256[65];
  gint64 audit_seq; /* 0: no audit row yet */
  char audit_hash[65];
  char *site, *utc, *public_key;
};

void evid_chain_head_clear (struct evid_chain_head *h);

/* PATH.head for the store at DB_PATH (g_free). */
char *evid_chain_head_path (const char *db_path);

/* The tip of ST's chains now. */
bool evid_chain_head_of_store (struct evid_store *st, struct evid_chain_head *out, GError **error);

/* H as the signed text above (g_free); H's public_key is set to KEY's. */
char *evid_chain_head_sign (struct evid_chain_head *h, const struct evid_key *key);

/* Parses a signed head (at most 64 KiB) and checks its signature against the
 * key it names (whether that key is trusted is the caller's question).
 * FALSE with ERROR saying what is wrong. */
bool evid_chain_head_parse (const char *text, gsize len, struct evid_chain_head *out, GError **error);

/* Reads and parses the head file at PATH. */
bool evid_chain_head_load (const char *path, struct evid_chain_head *out, GError **error);

#endif
