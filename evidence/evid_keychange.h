/* evid_keychange — changing the device key without breaking trust.
 *
 * Rotation (the old key is there): a new key is made, and an audit row
 * "key_rotated" carrying {"old","new","new_signature"} is appended, the row
 * signed by the OLD key and the statement by the NEW one: a verifier who
 * trusts either key learns to trust the other from that row on.
 * Replacement of a lost key: the key file is gone for good; a new key is
 * made and an audit row "key_replaced_lost" {"old","new","reason"} is
 * signed by the NEW key only. Nothing vouches for it, so a verifier trusts
 * it only when told to (pinned), and `verify` says so. */
#ifndef CW_EVID_KEYCHANGE_H
#define CW_EVID_KEYCHANGE_H

#include "evid_store.h"

/* The text a rotation's new key signs (g_free). */
char *evid_key_rotation_statement (const char *old_hex, const char *new_hex);

/* Rotates the key at KEY_PATH for store ST: the audit row, and a "key"
 * message signed by the old key to each of DISPLAY_IDS, so displays trust
 * the new key before anything is signed by it. The old secret key is
 * destroyed (evidence must not be signable in its name any more); its .pub
 * is kept as KEY_PATH.pub.retired-<UTC>. *OUT_NEW gets the new public key
 * (g_free). */
bool evid_key_rotate (struct evid_store *st, const char *key_path, const char *site_id,
                      const char *const *display_ids, const char *actor, char **out_new, GError **error);

/* Replaces a lost key: only when KEY_PATH does not exist. The old .pub (if
 * any) is kept as KEY_PATH.pub.lost-<UTC>. */
bool evid_key_replace_lost (struct evid_store *st, const char *key_path, const char *site_id, const char *actor,
                            const char *reason, char **out_new, GError **error);

#endif
