#include "evid_display_msg.h"

#include "evid_keychange.h"

#include "evid_hash.h"
#include "evid_json.h"
#include "evid_json_guard.h"
#include "hwcfg.h"
#include "hwcfg_profile.h"

#include <string.h>

G_DEFINE_QUARK (evid-display-error-quark, evid_display_error)

/* The signed text is small: a show's members are a few hundred bytes. */
#define SIGNED_MAX_BYTES (64 * 1024)
/* outer: one object of strings; signed text: signal and bbox nest 2 deep */
#define MSG_MAX_DEPTH 4
/* Longest text members, so a signed-but-silly message cannot flood the
 * screen's layout either. */
#define ID_MAX 128
#define TEXT_MAX 256
#define LONG_TEXT_MAX 2048 /* the rule and appeal, in words */

struct evid_display_msg {
  JsonNode *signed_root; /* the parsed signed text */
  const char *kind, *packet_id, *device_key; /* in signed_root */
  gint64 seq, issued_us, expires_us;
  GBytes *image;
  int image_w, image_h;
  char *packet_id_lower; /* the id as a display names its files and memory: one spelling per packet */
};

/* Moves LOCAL's message into ERROR under EVID_DISPLAY_ERROR with CODE. */
static void
refuse_local (GError **error, EvidDisplayError code, GError *local)
{
  g_set_error (error, EVID_DISPLAY_ERROR, code, "%s", local->message);
  g_error_free (local);
}

static gboolean
hex_of_length (const char *s, gsize n)
{
  if (!s || strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

gboolean
evid_display_packet_id_valid (const char *id)
{
  size_t n = id ? strlen (id) : 0;
  return n > 0 && n <= 64 && strspn (id, "0123456789abcdefABCDEF-") == n;
}

/* ---- time ---------------------------------------------------------------- */

char *
evid_display_utc_format (gint64 us)
{
  if (us < 0)
    return NULL;
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  if (!dt)
    return NULL;
  g_autofree char *s = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", s, (int) (us % G_USEC_PER_SEC / 1000));
}

gboolean
evid_display_utc_parse (const char *text, gint64 *out_us)
{
  static const char FORM[] = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (!text || strlen (text) != sizeof FORM - 1)
    return FALSE;
  for (size_t i = 0; i < sizeof FORM - 1; i++)
    if (FORM[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != FORM[i])
      return FALSE;
  int v[7];
  const int at[7] = {0, 5, 8, 11, 14, 17, 20}, width[7] = {4, 2, 2, 2, 2, 2, 3};
  for (int i = 0; i < 7; i++) {
    v[i] = 0;
    for (int k = 0; k < width[i]; k++)
      v[i] = v[i] * 10 + (text[at[i] + k] - '0');
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59)
    return FALSE;
  g_autoptr (GDateTime) dt = g_date_time_new_utc (v[0], v[1], v[2], v[3], v[4], v[5]);
  if (!dt || g_date_time_get_day_of_month (dt) != v[2]) /* 31 February */
    return FALSE;
  gint64 s = g_date_time_to_unix (dt);
  if (s < 0)
    return FALSE;
  *out_us = s * G_USEC_PER_SEC + (gint64) v[6] * 1000;
  return TRUE;
}

/* ---- JPEG frame header ---------------------------------------------------- */

/* SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share
 * the range but are not frame headers. */
static gboolean
is_sof (guint8 marker)
{
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

gboolean
evid_jpeg_size (const guint8 *d, gsize len, int *out_width, int *out_height, GError **error)
{
  if (!d || len < 4 || d[0] != 0xFF || d[1] != 0xD8) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE, "image is not a JPEG (no start-of-image marker)");
    return FALSE;
  }
  gsize i = 2;
  while (i < len) {
    if (d[i] != 0xFF)
      break; /* markers are where segments end: anything else is corrupt */
    while (i < len && d[i] == 0xFF)
      i++; /* fill bytes */
    if (i >= len)
      break;
    guint8 m = d[i++];
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8))
      continue; /* stand-alone markers */
    if (m == 0xD9 || m == 0xDA)
      break; /* end of image or scan data before any frame header */
    if (len - i < 2)
      break;
    gsize seg = (gsize) d[i] << 8 | d[i + 1]; /* includes its own two bytes */
    if (seg < 2 || seg > len - i)
      break;
    if (is_sof (m)) {
      if (seg < 8)
        break; /* length, precision, height, width, components */
      *out_height = d[i + 3] << 8 | d[i + 4];
      *out_width = d[i + 5] << 8 | d[i + 6];
      return TRUE;
    }
    i += seg;
  }
  g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE, "image is not a JPEG (no readable frame header)");
  return FALSE;
}

/* JPEG, within the size a display decodes. */
static gboolean
check_image (GBytes *jpeg, int *out_w, int *out_h, GError **error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (jpeg, &len);
  int w = 0, h = 0;
  if (!evid_jpeg_size (d, len, &w, &h, error))
    return FALSE;
  if (w <= 0 || h <= 0 || w > EVID_DISPLAY_IMAGE_MAX_SIDE || h > EVID_DISPLAY_IMAGE_MAX_SIDE) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE, "image too large or empty (%dx%d; 1x1 to %dx%d)",
                 w, h, EVID_DISPLAY_IMAGE_MAX_SIDE, EVID_DISPLAY_IMAGE_MAX_SIDE);
    return FALSE;
  }
  *out_w = w;
  *out_h = h;
  return TRUE;
}

/* ---- the signed members --------------------------------------------------- */

/* String member NAME of O, at most MAX bytes; NULLABLE accepts null. */
static gboolean
text_member (JsonObject *o, const char *name, gboolean nullable, gsize max, const char **out, GError **error)
{
  GError *local = NULL;
  const char *s = evid_json_member_string (o, name, nullable, &local);
  if (local) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    return FALSE;
  }
  if (s && strlen (s) > max) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "member '%s' longer than %zu bytes", name,
                 (size_t) max);
    return FALSE;
  }
  if (out)
    *out = s;
  return TRUE;
}

static gboolean
check_signal (JsonObject *o, GError **error)
{
  GError *local = NULL;
  JsonObject *sig = evid_json_member_object (o, "signal", TRUE, &local);
  double elapsed;
  if (local) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    return FALSE;
  }
  if (!sig)
    return TRUE;
  if (!text_member (sig, "phase", FALSE, ID_MAX, NULL, error) ||
      !text_member (sig, "source", TRUE, ID_MAX, NULL, error))
    return FALSE;
  if (!evid_json_member_double (sig, "elapsed_s", &elapsed, &local)) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    g_prefix_error (error, "signal: ");
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_bbox (JsonObject *o, GError **error)
{
  GError *local = NULL;
  JsonArray *box = evid_json_member_array (o, "bbox", TRUE, &local);
  if (local) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    return FALSE;
  }
  if (!box)
    return TRUE;
  gboolean ok = json_array_get_length (box) == 4;
  for (guint i = 0; ok && i < 4; i++) {
    double v;
    ok = evid_json_node_number (json_array_get_element (box, i), &v);
  }
  if (!ok)
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED,
                 "wrong type for member 'bbox': [x, y, w, h] (4 numbers) or null expected");
  return ok;
}

/* The optional members of a show: what the site's profile allows
 * (hwcfg/PROFILES.md), who is on it, and how the public is told. Missing
 * members mean what messages meant before they existed. */
static gboolean
check_show_policy (JsonObject *o, GError **error)
{
  GError *local = NULL;
  const char *profile = NULL, *url = NULL;
  if (json_object_has_member (o, "person_shown")) {
    gboolean shown;
    if (!evid_json_member_bool (o, "person_shown", &shown, &local)) {
      refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
      return FALSE;
    }
  }
  JsonNode *h = json_object_get_member (o, "height_m");
  double height;
  if (h && !JSON_NODE_HOLDS_NULL (h) && !evid_json_node_number (h, &height)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "member 'height_m' is not a number or null");
    return FALSE;
  }
  if ((json_object_has_member (o, "profile") && !text_member (o, "profile", FALSE, ID_MAX, &profile, error)) ||
      (json_object_has_member (o, "timezone") && !text_member (o, "timezone", TRUE, ID_MAX, NULL, error)) ||
      (json_object_has_member (o, "case_url") && !text_member (o, "case_url", TRUE, TEXT_MAX, &url, error)) ||
      (json_object_has_member (o, "texts_locale") && !text_member (o, "texts_locale", FALSE, ID_MAX, NULL, error)) ||
      (json_object_has_member (o, "rule_text") && !text_member (o, "rule_text", FALSE, LONG_TEXT_MAX, NULL, error)) ||
      (json_object_has_member (o, "appeal_text") && !text_member (o, "appeal_text", FALSE, LONG_TEXT_MAX, NULL, error)))
    return FALSE;
  if (profile && !hwcfg_profile_find (profile)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "profile '%s' is not known", profile);
    return FALSE;
  }
  if (url && !hwcfg_http_url_valid (url)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "case_url is not an http(s) address");
    return FALSE;
  }
  const char *zone = NULL;
  if (json_object_has_member (o, "timezone"))
    text_member (o, "timezone", TRUE, ID_MAX, &zone, NULL);
  if (zone && !hwcfg_timezone_name_valid (zone)) {
    /* GLib would open a path ("/dev/…", "../…") as a zone file */
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "timezone is not an IANA zone name");
    return FALSE;
  }
  return TRUE;
}

/* The members only a show has (image_sha256 apart). */
static gboolean
check_show_members (JsonObject *o, GError **error)
{
  GError *local = NULL;
  gboolean blurred;
  if (!evid_json_member_bool (o, "faces_blurred", &blurred, &local)) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    return FALSE;
  }
  return check_show_policy (o, error) && text_member (o, "site_name", FALSE, TEXT_MAX, NULL, error) &&
         text_member (o, "utc", FALSE, ID_MAX, NULL, error) && text_member (o, "type", FALSE, ID_MAX, NULL, error) &&
         text_member (o, "zone", TRUE, TEXT_MAX, NULL, error) && check_signal (o, error) && check_bbox (o, error);
}

static gboolean
utc_member (JsonObject *o, const char *name, gint64 *out_us, GError **error)
{
  const char *text;
  if (!text_member (o, name, FALSE, ID_MAX, &text, error))
    return FALSE;
  if (!evid_display_utc_parse (text, out_us)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED,
                 "member '%s' is not a UTC time of the form YYYY-MM-DDTHH:MM:SS.mmmZ", name);
    return FALSE;
  }
  return TRUE;
}

/* A "key" message: its packet id is the new key, which signed the rotation
 * statement from the signing (trusted, already checked) key to itself. */
static gboolean
key_handover_valid (const struct evid_display_msg *m, JsonObject *o)
{
  const char *sig = evid_json_member_string (o, "new_key_signature", FALSE, NULL);
  if (!sig || !hex_of_length (sig, 128) || !evid_public_hex_valid (m->packet_id) ||
      g_ascii_strcasecmp (m->packet_id, m->device_key) == 0)
    return FALSE;
  g_autofree char *statement = evid_key_rotation_statement (m->device_key, m->packet_id);
  return evid_signature_valid (m->packet_id, statement, strlen (statement), sig);
}

/* Everything of the signed text but signature, expiry and addressee. */
static gboolean
check_signed (struct evid_display_msg *m, JsonObject *o, const char **site, const char **display, GError **error)
{
  GError *local = NULL;
  if (!text_member (o, "kind", FALSE, ID_MAX, &m->kind, error) ||
      !text_member (o, "packet_id", FALSE, ID_MAX, &m->packet_id, error) ||
      !text_member (o, "site", FALSE, ID_MAX, site, error) ||
      !text_member (o, "display", FALSE, ID_MAX, display, error) ||
      !utc_member (o, "issued_utc", &m->issued_us, error) || !utc_member (o, "expires_utc", &m->expires_us, error))
    return FALSE;
  if (!evid_json_member_int (o, "seq", &m->seq, &local)) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    return FALSE;
  }
  const char *why = NULL;
  if (strcmp (m->kind, "show") != 0 && strcmp (m->kind, "retract") != 0 && strcmp (m->kind, "key") != 0)
    why = "kind is neither \"show\", \"retract\" nor \"key\"";
  else if (strcmp (m->kind, "key") == 0 && !key_handover_valid (m, o))
    why = "a key message whose new key did not sign the handover";
  else if (!evid_display_packet_id_valid (m->packet_id))
    why = "packet_id is not hex digits and '-' (at most 64)";
  else if (m->seq < 0)
    why = "seq is negative";
  else if (m->expires_us <= m->issued_us)
    why = "expires_utc is not after issued_utc";
  if (why) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "%s", why);
    return FALSE;
  }
  return strcmp (m->kind, "show") != 0 || check_show_members (o, error);
}

/* ---- parse ---------------------------------------------------------------- */

static gboolean
base64_valid (const char *s)
{
  size_t n = strlen (s);
  size_t body = strspn (s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  size_t pad = strspn (s + body, "=");
  return n > 0 && n % 4 == 0 && pad <= 2 && body + pad == n;
}

/* The show's image: present, base64, the signed bytes, a JPEG of sane size;
 * or, for a show of no person ("person_shown": false), none at all. */
static gboolean
take_image (struct evid_display_msg *m, JsonObject *outer, JsonObject *o, GError **error)
{
  const char *want, *b64;
  if (!evid_display_msg_person_shown (m)) {
    JsonNode *n = json_object_get_member (o, "image_sha256");
    if ((n && !JSON_NODE_HOLDS_NULL (n)) || json_object_has_member (outer, "image_jpeg_b64")) {
      g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE, "a show of no person carries an image");
      return FALSE;
    }
    return TRUE;
  }
  if (!text_member (o, "image_sha256", FALSE, 64, &want, error))
    return FALSE;
  if (!hex_of_length (want, 64)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "image_sha256 is not 64 hex digits");
    return FALSE;
  }
  if (!json_object_has_member (outer, "image_jpeg_b64")) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE, "show without image_jpeg_b64");
    return FALSE;
  }
  if (!text_member (outer, "image_jpeg_b64", FALSE, EVID_DISPLAY_MSG_MAX_BYTES, &b64, error))
    return FALSE;
  if (!base64_valid (b64)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE, "image_jpeg_b64 is not base64");
    return FALSE;
  }
  gsize len = 0;
  guchar *data = g_base64_decode (b64, &len);
  m->image = g_bytes_new_take (data, len);
  char got[EVID_SHA256_HEX_LEN];
  if (evid_sha256_hex (data, len, got) != 0 || g_ascii_strcasecmp (got, want) != 0) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE,
                 "image is not the signed one (its sha256 differs from image_sha256)");
    return FALSE;
  }
  return check_image (m->image, &m->image_w, &m->image_h, error);
}

/* The signature and the signer: checked before anything else of the signed
 * text is believed. */
static gboolean
check_signature (struct evid_display_msg *m, JsonObject *o, const char *text, const char *sig,
                 const struct evid_keyring *trusted, GError **error)
{
  GError *local = NULL;
  gint64 v;
  if (!evid_json_member_int (o, "v", &v, &local)) {
    refuse_local (error, EVID_DISPLAY_ERROR_VERSION, local);
    return FALSE;
  }
  if (v != EVID_DISPLAY_MSG_VERSION) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_VERSION, "version %" G_GINT64_FORMAT
                 " display message (version %d expected)", v, EVID_DISPLAY_MSG_VERSION);
    return FALSE;
  }
  if (!text_member (o, "device_public_key", FALSE, 64, &m->device_key, error))
    return FALSE;
  if (!evid_public_hex_valid (m->device_key)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "device_public_key is not 64 hex digits");
    return FALSE;
  }
  if (!evid_keyring_contains (trusted, m->device_key)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_UNTRUSTED, "signed by an untrusted key (%s): if it is the appliance's, put its "
                 "device.key.pub in [display] trusted_keys",
                 m->device_key);
    return FALSE;
  }
  if (!evid_signature_valid (m->device_key, text, strlen (text), sig)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_BAD_SIGNATURE,
                 "bad signature (the signed text was altered, or the signature is not %s's)", m->device_key);
    return FALSE;
  }
  return TRUE;
}

/* The outer object's "signed" text and "signature", or why there are none. */
static gboolean
signed_parts (JsonObject *outer, const char **text, const char **sig, GError **error)
{
  if (!json_object_has_member (outer, "signed")) {
    if (json_object_has_member (outer, "kind"))
      g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_UNSIGNED,
                   "unsigned message (a version 1 display message?): refused");
    else
      g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_UNSIGNED, "unsigned message (no \"signed\" member)");
    return FALSE;
  }
  if (!json_object_has_member (outer, "signature")) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_UNSIGNED, "unsigned message (no \"signature\" member)");
    return FALSE;
  }
  if (!text_member (outer, "signed", FALSE, SIGNED_MAX_BYTES, text, error) ||
      !text_member (outer, "signature", FALSE, 128, sig, error))
    return FALSE;
  if (!hex_of_length (*sig, 128)) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_MALFORMED, "signature is not 128 hex digits");
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_addressee (const char *site, const char *display, const char *our_site, const char *our_display,
                 GError **error)
{
  if (g_strcmp0 (site, our_site) == 0 && g_strcmp0 (display, our_display) == 0)
    return TRUE;
  g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_NOT_FOR_US,
               "wrong display: addressed to display '%s' of site '%s', this is display '%s' of site '%s'", display,
               site, our_display, our_site);
  return FALSE;
}

static gboolean
check_expiry (const struct evid_display_msg *m, gint64 now_us, GError **error)
{
  if (now_us < m->expires_us)
    return TRUE;
  g_autofree char *when = evid_display_utc_format (m->expires_us);
  g_autofree char *now = evid_display_utc_format (now_us);
  g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_EXPIRED, "expired at %s (now %s)", when,
               now ? now : "before 1970");
  return FALSE;
}

/* A parse step's JSON error as a refusal of the message. */
static JsonObject *
guarded_object (const char *text, gsize len, gsize max, const char *what, JsonNode **out_root, GError **error)
{
  GError *local = NULL;
  *out_root = evid_json_guard_parse (text, len, max, MSG_MAX_DEPTH, &local);
  JsonObject *o = *out_root ? evid_json_guard_object (*out_root, what, &local) : NULL;
  if (!o) {
    refuse_local (error, EVID_DISPLAY_ERROR_MALFORMED, local);
    g_prefix_error (error, "%s: ", what);
  }
  return o;
}

struct evid_display_msg *
evid_display_msg_parse (const void *payload, gsize len, const struct evid_keyring *trusted, const char *site,
                        const char *display, gint64 now_us, GError **error)
{
  g_return_val_if_fail (trusted != NULL && site != NULL && display != NULL, NULL);
  struct evid_display_msg *m = g_new0 (struct evid_display_msg, 1);
  g_autoptr (JsonNode) outer_root = NULL;
  const char *text, *sig, *to_site, *to_display;
  JsonObject *outer = guarded_object (payload, len, EVID_DISPLAY_MSG_MAX_BYTES, "display message", &outer_root, error);
  if (!outer || !signed_parts (outer, &text, &sig, error))
    goto refused;
  JsonObject *o = guarded_object (text, strlen (text), SIGNED_MAX_BYTES, "signed text", &m->signed_root, error);
  if (!o || !check_signature (m, o, text, sig, trusted, error) || !check_signed (m, o, &to_site, &to_display, error) ||
      !check_addressee (to_site, to_display, site, display, error) || !check_expiry (m, now_us, error))
    goto refused;
  if (evid_display_msg_is_show (m) && !take_image (m, outer, o, error))
    goto refused;
  /* "AAAA-…" and "aaaa-…" are one packet (a retract must find its show) */
  m->packet_id_lower = g_ascii_strdown (m->packet_id, -1);
  return m;
refused:
  evid_display_msg_free (m);
  return NULL;
}

void
evid_display_msg_free (struct evid_display_msg *m)
{
  if (!m)
    return;
  if (m->signed_root)
    json_node_unref (m->signed_root);
  g_free (m->packet_id_lower);
  if (m->image)
    g_bytes_unref (m->image);
  g_free (m);
}

const char *
evid_display_msg_kind (const struct evid_display_msg *m)
{
  return m->kind;
}

gboolean
evid_display_msg_is_show (const struct evid_display_msg *m)
{
  return g_strcmp0 (m->kind, "show") == 0;
}

const char *
evid_display_msg_packet_id (const struct evid_display_msg *m)
{
  return m->packet_id_lower ? m->packet_id_lower : m->packet_id;
}

gint64
evid_display_msg_seq (const struct evid_display_msg *m)
{
  return m->seq;
}

const char *
evid_display_msg_device_key (const struct evid_display_msg *m)
{
  return m->device_key;
}

gint64
evid_display_msg_issued_us (const struct evid_display_msg *m)
{
  return m->issued_us;
}

gint64
evid_display_msg_expires_us (const struct evid_display_msg *m)
{
  return m->expires_us;
}

gboolean
evid_display_msg_person_shown (const struct evid_display_msg *m)
{
  if (!evid_display_msg_is_show (m))
    return FALSE;
  JsonNode *n = json_object_get_member (json_node_get_object (m->signed_root), "person_shown");
  return !n || json_node_get_boolean (n);
}

JsonObject *
evid_display_msg_content (const struct evid_display_msg *m)
{
  return evid_display_msg_is_show (m) ? json_node_get_object (m->signed_root) : NULL;
}

GBytes *
evid_display_msg_image (const struct evid_display_msg *m, int *out_width, int *out_height)
{
  if (out_width)
    *out_width = m->image_w;
  if (out_height)
    *out_height = m->image_h;
  return m->image;
}

/* ---- build ---------------------------------------------------------------- */

static void
copy_member (JsonBuilder *b, JsonObject *o, const char *name)
{
  json_builder_set_member_name (b, name);
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n)
    json_builder_add_value (b, json_node_copy (n));
  else
    json_builder_add_null_value (b);
}

/* The show's members from CONTENT: as given (the parse that follows checks
 * their types), signal cut to its three members. */
static void
add_show_members (JsonBuilder *b, JsonObject *content, const char *image_sha256)
{
  if (image_sha256)
    evid_json_string (b, "image_sha256", image_sha256);
  else
    copy_member (b, NULL, "image_sha256"); /* null: a show of no person */
  copy_member (b, content, "faces_blurred");
  static const char *const POLICY[] = {"profile",      "person_shown", "height_m",   "timezone",
                                       "case_url",     "texts_locale", "rule_text", "appeal_text"};
  for (size_t i = 0; i < G_N_ELEMENTS (POLICY); i++)
    if (json_object_has_member (content, POLICY[i]))
      copy_member (b, content, POLICY[i]);
  JsonNode *name = json_object_get_member (content, "site_name");
  if (name && !JSON_NODE_HOLDS_NULL (name))
    copy_member (b, content, "site_name");
  else
    evid_json_string (b, "site_name", "");
  copy_member (b, content, "utc");
  copy_member (b, content, "type");
  copy_member (b, content, "zone");
  JsonNode *sig = json_object_get_member (content, "signal");
  if (sig && JSON_NODE_HOLDS_OBJECT (sig)) {
    JsonObject *so = json_node_get_object (sig);
    json_builder_set_member_name (b, "signal");
    json_builder_begin_object (b);
    copy_member (b, so, "phase");
    copy_member (b, so, "elapsed_s");
    copy_member (b, so, "source");
    json_builder_end_object (b);
  } else {
    copy_member (b, content, "signal");
  }
  copy_member (b, content, "bbox");
}

static char *
signed_text (const struct evid_key *key, const struct evid_display_fields *f, const char *image_sha256)
{
  g_autofree char *issued = evid_display_utc_format (f->issued_us);
  g_autofree char *expires = evid_display_utc_format (f->expires_us);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_int (b, "v", EVID_DISPLAY_MSG_VERSION);
  evid_json_string (b, "kind", f->kind);
  evid_json_string (b, "packet_id", f->packet_id);
  evid_json_string (b, "site", f->site);
  evid_json_string (b, "display", f->display);
  evid_json_string (b, "issued_utc", issued);
  evid_json_string (b, "expires_utc", expires);
  evid_json_int (b, "seq", f->seq);
  evid_json_string (b, "device_public_key", evid_key_public_hex (key));
  if (g_strcmp0 (f->kind, "show") == 0)
    add_show_members (b, f->content, image_sha256);
  if (g_strcmp0 (f->kind, "key") == 0)
    evid_json_string (b, "new_key_signature", f->new_key_signature);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
content_person_shown (JsonObject *content)
{
  JsonNode *n = json_object_get_member (content, "person_shown");
  return !n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN ||
         json_node_get_boolean (n);
}

static gboolean
fields_valid (const struct evid_display_fields *f, GError **error)
{
  gboolean show = g_strcmp0 (f->kind, "show") == 0, key = g_strcmp0 (f->kind, "key") == 0;
  const char *why = NULL;
  if (!show && !key && g_strcmp0 (f->kind, "retract") != 0)
    why = "kind must be \"show\", \"retract\" or \"key\"";
  else if (key && (!f->new_key_signature || !evid_public_hex_valid (f->packet_id)))
    why = "a key message needs the new key as packet_id and its new_key_signature";
  else if (!f->site || !f->display || !f->packet_id)
    why = "packet_id, site and display are required";
  else if (show && !f->content)
    why = "a show needs content";
  else if (show && (f->image_jpeg != NULL) != content_person_shown (f->content))
    why = "a show carries image_jpeg exactly when it shows a person (content person_shown)";
  else if (!show && (f->content || f->image_jpeg))
    why = "a retract or key message carries no content or image";
  else if (f->issued_us < 0 || f->expires_us <= f->issued_us)
    why = "expires_us must be after issued_us (both unix microseconds, not negative)";
  if (why)
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_INVALID, "display message: %s", why);
  return why == NULL;
}

GBytes *
evid_display_msg_build (const struct evid_key *key, const struct evid_display_fields *f, GError **error)
{
  g_return_val_if_fail (key != NULL && f != NULL, NULL);
  if (!fields_valid (f, error))
    return NULL;
  char image_sha256[EVID_SHA256_HEX_LEN] = "";
  gsize len = 0;
  const guchar *jpeg = f->image_jpeg ? g_bytes_get_data (f->image_jpeg, &len) : NULL;
  if (jpeg && evid_sha256_hex (jpeg, len, image_sha256) != 0) {
    g_set_error (error, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_INVALID, "libsodium cannot be initialised");
    return NULL;
  }
  g_autofree char *text = signed_text (key, f, jpeg ? image_sha256 : NULL);
  char sig[EVID_SIGNATURE_HEX_LEN];
  evid_key_sign (key, text, strlen (text), sig);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_string (b, "signed", text);
  evid_json_string (b, "signature", sig);
  if (jpeg) {
    g_autofree char *b64 = g_base64_encode (jpeg, len);
    evid_json_string (b, "image_jpeg_b64", b64);
  }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  char *payload = json_to_string (root, FALSE);
  GBytes *out = g_bytes_new_take (payload, strlen (payload));

  /* What the display would say, said now: the same parse, at issue time. */
  struct evid_keyring *ring = evid_keyring_new ();
  evid_keyring_add_hex (ring, evid_key_public_hex (key), NULL);
  GError *local = NULL;
  struct evid_display_msg *check = evid_display_msg_parse (payload, strlen (payload), ring, f->site, f->display,
                                                           f->issued_us, &local);
  evid_keyring_free (ring);
  if (!check) {
    g_set_error (error, EVID_DISPLAY_ERROR,
                 local->code == EVID_DISPLAY_ERROR_IMAGE ? EVID_DISPLAY_ERROR_IMAGE : EVID_DISPLAY_ERROR_INVALID,
                 "display message for packet %s would be refused: %s", f->packet_id, local->message);
    g_error_free (local);
    g_clear_pointer (&out, g_bytes_unref);
  }
  evid_display_msg_free (check);
  return out;
}
