/* evid_verify — recomputes what evidence claims and names what fails.
 *
 * A store: every packet's record hash, signature, chain link and media; that
 * each column review, publishing and retention read (type, decision, created
 * time, track, retention, legal hold, review state) agrees with the signed
 * record or, for review state and legal hold, with the audit log; the audit
 * log's chain and every row's signature; and, given or found beside the
 * store, the signed chain head (evid_store_head.h): the newest packet and
 * audit row it names must still be there.
 * Trust: signatures count only by keys in TRUSTED, or keys a trusted key
 * handed over to in a key rotation (evid_keychange.h). A valid signature by
 * any other key is its own failure ("untrusted key"), and so is verifying
 * with no trusted key at all.
 * Also works on one packet as published on crosswatch/<site>/evidence, and
 * on an exported case bundle (read as a stream, within size limits). */
#ifndef CW_EVID_VERIFY_H
#define CW_EVID_VERIFY_H

#include "evid_keyring.h"
#include "evid_store.h"

#include <stdio.h>

/* Limits on what a verifier reads from a stranger's file. */
#define EVID_VERIFY_PACKET_MAX ((gsize) 64 * 1024 * 1024)   /* a published packet (JSON) */
#define EVID_VERIFY_ENTRY_MAX ((gint64) 64 * 1024 * 1024)   /* one bundle entry, unpacked */
#define EVID_VERIFY_BUNDLE_MAX ((gint64) 256 * 1024 * 1024) /* a whole bundle, unpacked */
#define EVID_VERIFY_ENTRIES_MAX 256

struct evid_verify_opts {
  const struct evid_keyring *trusted; /* the keys to trust; NULL or empty: none */
  const char *head_path;              /* a chain head to hold the store to; NULL: PATH.head if present */
  const char *backoffice_key;         /* secret key file to open sealed media of a published packet */
};

/* Media bytes by name for one packet (NULL when missing). */
typedef GBytes *(*evid_media_fetch) (void *ctx, const char *name);

/* Checks one packet record against TRUSTED_KEYS (a set built by the
 * caller; NULL: none trusted). CLAIMED_SHA256 may be NULL; EXPECTED_PREV
 * NULL skips the chain link; FETCH NULL skips the media. Every failure is
 * one line on REPORT prefixed with LABEL. Returns the number of failures. */
int evid_verify_record (const char *label, const char *json, const char *claimed_sha256, const char *signature,
                        GHashTable *trusted_keys, const char *expected_prev, evid_media_fetch fetch, void *ctx,
                        FILE *report);

/* The whole store. Returns the failures (0 = intact), -1 when the store
 * cannot be read. */
int evid_verify_store (struct evid_store *st, const struct evid_verify_opts *opts, FILE *report, int *out_packets,
                       GError **error);

/* One packet as published: {"packet", "packet_sha256", "signature",
 * "media_sealed": {...}} (see evid_publication.h). */
int evid_verify_packet_file (const char *path, const struct evid_verify_opts *opts, FILE *report, GError **error);

/* A case bundle made by evid_export. */
int evid_verify_bundle (const char *path, const struct evid_verify_opts *opts, FILE *report, GError **error);

#endif
