/* evid_verify — recomputes what a packet claims and names what fails: the
 * SHA-256 of its record and of each media item, the Ed25519 signature, the
 * hash chain from packet to packet, and the audit log's chain. Works on the
 * evidence store, on one packet as published (crosswatch/<site>/evidence),
 * and on an exported case bundle. */
#ifndef CW_EVID_VERIFY_H
#define CW_EVID_VERIFY_H

#include "evid_store.h"

#include <stdio.h>

/* Media bytes by name for one packet (NULL when missing). */
typedef GBytes *(*evid_media_fetch) (void *ctx, const char *name);

/* Checks one packet record. CLAIMED_SHA256 may be NULL (then only reported);
 * EXPECTED_PREV NULL skips the chain link; TRUSTED_PUBLIC NULL trusts the key
 * the record names. Every failure is one line on REPORT prefixed with LABEL.
 * Returns the number of failures. */
int evid_verify_record (const char *label, const char *json, const char *claimed_sha256, const char *signature,
                        const char *trusted_public, const char *expected_prev, evid_media_fetch fetch, void *ctx,
                        FILE *report);

/* Every packet of ST in order, the chain between them, and the audit log.
 * Returns the failures (0 = intact), -1 when the store cannot be read. */
int evid_verify_store (struct evid_store *st, const char *trusted_public, FILE *report, int *out_packets,
                       GError **error);

/* One packet as published: {"packet": record text, "packet_sha256", "signature", "media": {name: base64}}. */
int evid_verify_packet_file (const char *path, const char *trusted_public, FILE *report, GError **error);

/* A case bundle made by evid_export (see evid_export.h). */
int evid_verify_bundle (const char *path, const char *trusted_public, FILE *report, GError **error);

#endif
