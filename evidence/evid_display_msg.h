/* evid_display_msg — the signed message a roadside display acts on
 * (version 2), built by the appliance and checked by the display.
 *
 * On crosswatch/<site>/display/<display-id> the payload is a JSON object
 *
 *   {"signed":"<canonical text>","signature":"<128 hex>","image_jpeg_b64":"<base64 JPEG, show only>"}
 *
 * where "signature" is the device's Ed25519 detached signature over the exact
 * UTF-8 bytes of the "signed" string, itself a JSON object text with, in this
 * order:
 *
 *   "v":2, "kind":"show"|"retract", "packet_id":<uuid>, "site":<site id>,
 *   "display":<display id>, "issued_utc":"YYYY-MM-DDTHH:MM:SS.mmmZ",
 *   "expires_utc":<same form>, "seq":<integer, per signing device, increasing>,
 *   "device_public_key":<64 hex>
 *
 * and for "show" also
 *
 *   "image_sha256":<64 hex of the decoded JPEG bytes>, "faces_blurred":bool,
 *   "site_name":string, "utc":string (violation time), "type":string,
 *   "zone":string|null, "signal":{"phase":string,"elapsed_s":number,
 *   "source":string|null}|null, "bbox":[x,y,w,h]|null
 *
 * and, written by every appliance since the display profiles
 * (hwcfg/PROFILES.md; a message without them means the defaults in
 * brackets):
 *
 *   "profile":string (the site's: a display obeys the stricter of it and its
 *   own) ["default"], "person_shown":bool (false: no image, "image_sha256"
 *   null: the case is shown as words) [true], "height_m":number|null (the
 *   violator's calibrated height; a display draws no person measured below
 *   the profile's child height, or not measured) [null],
 *   "timezone":string|null (the site's IANA zone for times) [the display's],
 *   "case_url":string|null (the public case page the QR code points at)
 *   [the display's case_url_base + packet id], "texts_locale", "rule_text",
 *   "appeal_text": strings (the site's rule and appeal, [review] rule_text
 *   and appeal, in the language [site] locale; a screen in that language
 *   shows them unless its own [display] texts say otherwise) [the display's]
 *
 * The image travels outside the signed text (it would double in size as an
 * escaped string) and is bound to it by image_sha256. Sequence and
 * retraction memory are the display's (disp_client), not this parser's.
 *
 * See also: evid_key.h (signing), evid_keyring.h (the trusted keys),
 * evid_json_guard.h (the limits applied before parsing). */
#ifndef CW_EVID_DISPLAY_MSG_H
#define CW_EVID_DISPLAY_MSG_H

#include "evid_key.h"
#include "evid_keyring.h"

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define EVID_DISPLAY_MSG_VERSION 2
/* The largest payload a display reads (a 4096x4096 JPEG fits at ordinary
 * quality; a screen's still is far smaller). */
#define EVID_DISPLAY_MSG_MAX_BYTES (4 * 1024 * 1024)
/* The largest still a display decodes, per side. */
#define EVID_DISPLAY_IMAGE_MAX_SIDE 4096

#define EVID_DISPLAY_ERROR (evid_display_error_quark ())
GQuark evid_display_error_quark (void);

typedef enum {
  EVID_DISPLAY_ERROR_MALFORMED,    /* too large, too deep, not JSON, a member missing or of the wrong type */
  EVID_DISPLAY_ERROR_VERSION,      /* not a version 2 message (a version 1 message is unsigned) */
  EVID_DISPLAY_ERROR_UNSIGNED,     /* no "signed" text or no "signature" */
  EVID_DISPLAY_ERROR_UNTRUSTED,    /* signed by a key the display does not trust */
  EVID_DISPLAY_ERROR_BAD_SIGNATURE,/* the signature does not match the signed text */
  EVID_DISPLAY_ERROR_EXPIRED,      /* expires_utc has passed */
  EVID_DISPLAY_ERROR_NOT_FOR_US,   /* another site's or another display's message */
  EVID_DISPLAY_ERROR_IMAGE,        /* image missing, not JPEG, too large, or not the signed one */
  EVID_DISPLAY_ERROR_INVALID,      /* evid_display_msg_build: the fields do not make a valid message */
} EvidDisplayError;

/* What evid_display_msg_build signs. */
struct evid_display_fields {
  const char *kind;      /* "show", "retract" or "key" */
  const char *packet_id; /* hex digits and '-', at most 64 (it names the screen's file); for "key", the new key */
  const char *site, *display;
  gint64 issued_us, expires_us, seq; /* unix microseconds; seq >= 0 */
  /* show: site_name, utc, type, zone, signal, bbox, faces_blurred are copied
   * into the signed text (other members are ignored; zone, signal, bbox may
   * be missing or null; a missing or null site_name becomes ""); NULL for
   * retract. */
  JsonObject *content;
  GBytes *image_jpeg; /* show only: the JPEG shown */
  /* key only: the new key's signature (hex) over
   * evid_key_rotation_statement (signing key, new key). A "key" message,
   * signed by a key the display trusts, hands that trust on to the new key
   * (crosswatch key rotate sends one to every display before anything is
   * signed by the new key). */
  const char *new_key_signature;
};

/* Builds and signs one payload with KEY. Returns the payload bytes (the JSON
 * text, without NUL), or NULL with EVID_DISPLAY_ERROR_INVALID or _IMAGE when
 * F would not pass evid_display_msg_parse (so the appliance learns at build
 * time, not the display at show time). */
GBytes *evid_display_msg_build (const struct evid_key *key, const struct evid_display_fields *f, GError **error);

struct evid_display_msg;

/* Parses and checks one payload (LEN bytes): size (EVID_DISPLAY_MSG_MAX_BYTES)
 * and depth limits, every member's type, a signature by a key in TRUSTED,
 * site SITE and display DISPLAY, not expired at NOW_US, and for "show" a JPEG
 * of at most EVID_DISPLAY_IMAGE_MAX_SIDE per side (from its frame header,
 * without decoding) whose SHA-256 is the signed one. Returns the message
 * (free with evid_display_msg_free), or NULL with an EVID_DISPLAY_ERROR whose
 * message says why it was refused. */
struct evid_display_msg *evid_display_msg_parse (const void *payload, gsize len, const struct evid_keyring *trusted,
                                                 const char *site, const char *display, gint64 now_us,
                                                 GError **error);
void evid_display_msg_free (struct evid_display_msg *m);

/* "show", "retract" or "key" (the packet id is then the new key, whose
 * statement signature was checked). */
const char *evid_display_msg_kind (const struct evid_display_msg *m);
gboolean evid_display_msg_is_show (const struct evid_display_msg *m);
/* A show that carries a person's image (FALSE: a show of words only, or not a show). */
gboolean evid_display_msg_person_shown (const struct evid_display_msg *m);
/* In lower case: the one spelling a display files it under. */
const char *evid_display_msg_packet_id (const struct evid_display_msg *m);
gint64 evid_display_msg_seq (const struct evid_display_msg *m);
/* The signing key, lower-case hex. */
const char *evid_display_msg_device_key (const struct evid_display_msg *m);
gint64 evid_display_msg_issued_us (const struct evid_display_msg *m);
gint64 evid_display_msg_expires_us (const struct evid_display_msg *m);
/* show: the signed object (site_name, utc, type, zone, signal, bbox,
 * faces_blurred all present and type-checked, and those of the profile
 * where the message has them); NULL for retract. Owned by M. */
JsonObject *evid_display_msg_content (const struct evid_display_msg *m);
/* show: the JPEG whose SHA-256 matched, and its size from the frame header;
 * NULL for retract. Owned by M. */
GBytes *evid_display_msg_image (const struct evid_display_msg *m, int *out_width, int *out_height);

/* The size of the JPEG DATA (LEN bytes) from its frame header (SOFn), with
 * every read bounds-checked; nothing is decoded. FALSE with
 * EVID_DISPLAY_ERROR_IMAGE when DATA is not a JPEG or has no frame header. */
gboolean evid_jpeg_size (const guint8 *data, gsize len, int *out_width, int *out_height, GError **error);

/* TRUE when ID is a packet id a display accepts: 1 to 64 hex digits and '-'
 * (a UUID's characters; it names the screen's file). */
gboolean evid_display_packet_id_valid (const char *id);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" for unix microseconds US (g_free), and back
 * (FALSE unless TEXT has exactly that form and is a real time). */
char *evid_display_utc_format (gint64 us);
gboolean evid_display_utc_parse (const char *text, gint64 *out_us);

G_END_DECLS

#endif
