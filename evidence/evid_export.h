/* evid_export — a case bundle for one packet, verifiable offline
 * (`crosswatch verify case.tar`): a tar holding
 *   packet.json      the record, byte for byte as hashed and signed
 *   packet.sig       its Ed25519 signature (hex)
 *   device.pub       the device's public key (hex)
 *   media/NAME.jpg   every media item the record lists
 *   audit.jsonl      the audit rows about the packet, with their chain hashes
 *   README.txt       how to check it by hand */
#ifndef CW_EVID_EXPORT_H
#define CW_EVID_EXPORT_H

#include "evid_store.h"

bool evid_export_bundle (struct evid_store *st, const char *packet_id, const char *out_path, GError **error);

#endif
