/* The display: shows only signed, trusted, fresh, addressed messages; refuses
 * forgeries, replays and hostile input with a reason and never crashes; its
 * rendered screen's QR code decodes (zbarimg) to the case URL. */
#include "cv_shim.h"
#include "disp_client.h"
#include "disp_render.h"
#include "disp_state.h"
#include "disp_words.h"
#include "evid_display_msg.h"
#include "evid_keychange.h"
#include "evid_json_guard.h"
#include "evid_key.h"
#include "hwcfg.h"
#include "test_broker.h"
#include "test_log.h"

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PACKET "0f8fad5b-d9cb-469f-a165-70867728950e"
#define PACKET2 "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

/* ---- fixture: a trusted device key, an untrusted one, a display ---- */

struct fixture {
  char *dir;
  struct evid_key *key, *stranger;
  struct hwcfg_display *cfg;
  struct disp_client *client;
  gint64 now;
};

static struct hwcfg_display *
display_in (const char *dir, const char *trusted)
{
  struct hwcfg_display *d = g_new0 (struct hwcfg_display, 1);
  d->id = g_strdup ("east");
  d->site_id = g_strdup ("t1");
  d->case_url_base = g_strdup ("https://cases.example.org/case/");
  d->out_dir = g_build_filename (dir, "screens", NULL);
  d->trusted_keys = g_strdup (trusted);
  d->width = 1280;
  d->height = 720;
  d->profile = g_strdup ("default");
  d->rotation_s = 10;
  d->max_cases = 10;
  d->mqtt.host = g_strdup ("127.0.0.1");
  d->mqtt.port = 1883;
  return d;
}

static void
fixture_set_up (struct fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("dispXXXXXX", NULL);
  g_autofree char *kp = g_build_filename (f->dir, "device.key", NULL);
  g_autofree char *sp = g_build_filename (f->dir, "stranger.key", NULL);
  g_autofree char *pub = g_build_filename (f->dir, "device.key.pub", NULL);
  f->key = evid_key_open (kp, TRUE, NULL);
  f->stranger = evid_key_open (sp, TRUE, NULL);
  g_assert_nonnull (f->key);
  g_assert_nonnull (f->stranger);
  f->cfg = display_in (f->dir, pub);
  GError *err = NULL;
  f->client = disp_client_new (f->cfg, &err);
  g_assert_no_error (err);
  f->now = g_get_real_time ();
}

static void
fixture_tear_down (struct fixture *f, gconstpointer data)
{
  disp_client_free (f->client);
  hwcfg_display_free (f->cfg);
  evid_key_free (f->key);
  evid_key_free (f->stranger);
  const char *argv[] = {"rm", "-rf", f->dir, NULL};
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (f->dir);
}

static GBytes *
jpeg (int w, int h)
{
  struct cv_image img = {g_malloc ((size_t) w * h * 3), w, h, w * 3, 3};
  for (int i = 0; i < w * h * 3; i++)
    img.data[i] = (unsigned char) (i % 251);
  unsigned char *out;
  size_t len;
  g_assert_cmpint (cv_jpeg_encode (&img, 85, &out, &len), ==, CV_OK);
  GBytes *b = g_bytes_new (out, len);
  cv_free (out);
  g_free (img.data);
  return b;
}

static JsonObject *
content (void)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (
      p,
      "{\"site_name\":\"Test Rd\",\"utc\":\"2026-11-26T03:16:03.120Z\",\"type\":\"red_signal\","
      "\"zone\":\"crosswalk-1\",\"signal\":{\"phase\":\"DONT_WALK\",\"elapsed_s\":12.4,\"source\":\"schedule\"},"
      "\"bbox\":[100,50,40,100],\"faces_blurred\":true,\"camera\":\"main\",\"profile\":\"default\","
      "\"person_shown\":true,\"height_m\":1.74}",
      -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

/* A payload signed by KEY (NULL image for a retract). */
static char *
message (const struct evid_key *key, const char *kind, const char *packet, gint64 seq, gint64 issued, gint64 expires,
         const char *display, GBytes *image)
{
  g_autoptr (JsonObject) c = strcmp (kind, "show") == 0 ? content () : NULL;
  g_autoptr (GBytes) own = strcmp (kind, "show") == 0 && !image ? jpeg (320, 240) : NULL;
  struct evid_display_fields f = {kind, packet, "t1", display, issued, expires, seq, c,
                                  strcmp (kind, "show") == 0 ? (image ? image : own) : NULL};
  GError *err = NULL;
  g_autoptr (GBytes) b = evid_display_msg_build (key, &f, &err);
  g_assert_no_error (err);
  gsize len;
  const char *data = g_bytes_get_data (b, &len);
  return g_strndup (data, len);
}

static char *
show_msg (struct fixture *f, const struct evid_key *key, const char *packet, gint64 seq)
{
  return message (key, "show", packet, seq, f->now, f->now + HOUR_US, "east", NULL);
}

static char *
retract_msg (struct fixture *f, const struct evid_key *key, const char *packet, gint64 seq)
{
  return message (key, "retract", packet, seq, f->now, f->now + HOUR_US, "east", NULL);
}

/* SIGNED_TEXT signed by KEY as a payload, with IMAGE's base64 when given. */
static char *
hand_signed (const struct evid_key *key, const char *signed_text, GBytes *image)
{
  char sig[EVID_SIGNATURE_HEX_LEN];
  evid_key_sign (key, signed_text, strlen (signed_text), sig);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "signed");
  json_builder_add_string_value (b, signed_text);
  json_builder_set_member_name (b, "signature");
  json_builder_add_string_value (b, sig);
  if (image) {
    g_autofree char *b64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
    json_builder_set_member_name (b, "image_jpeg_b64");
    json_builder_add_string_value (b, b64);
  }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The signed text of a valid show of PACKET with seq SEQ, with the member
 * named REPLACE_NAME's value text replaced by REPLACE_VALUE (NULL: none). */
static char *
show_text (struct fixture *f, GBytes *image, gint64 seq, const char *replace_name, const char *replace_value)
{
  char sha[65];
  g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, image);
  g_strlcpy (sha, hex, sizeof sha);
  g_autofree char *issued = evid_display_utc_format (f->now);
  g_autofree char *expires = evid_display_utc_format (f->now + HOUR_US);
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  const char *names[] = {"v", "kind", "packet_id", "site", "display", "issued_utc", "expires_utc", "seq",
                         "device_public_key", "image_sha256", "faces_blurred", "site_name", "utc", "type", "zone",
                         "signal", "bbox"};
  g_autofree char *q_issued = g_strdup_printf ("\"%s\"", issued);
  g_autofree char *q_expires = g_strdup_printf ("\"%s\"", expires);
  g_autofree char *q_key = g_strdup_printf ("\"%s\"", evid_key_public_hex (f->key));
  g_autofree char *q_sha = g_strdup_printf ("\"%s\"", sha);
  const char *values[] = {"2", "\"show\"", "\"" PACKET "\"", "\"t1\"", "\"east\"", q_issued, q_expires, seq_text,
                          q_key, q_sha, "true", "\"Test Rd\"", "\"2026-11-26T03:16:03.120Z\"", "\"red_signal\"",
                          "null", "{\"phase\":\"WALK\",\"elapsed_s\":3,\"source\":null}", "[1,2,3,4]"};
  GString *s = g_string_new ("{");
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    g_string_append_printf (s, "%s\"%s\":%s", i ? "," : "", names[i],
                            replace_name && strcmp (names[i], replace_name) == 0 ? replace_value : values[i]);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static char *
screen (struct fixture *f, const char *packet)
{
  g_autofree char *name = g_strdup_printf ("%s.png", packet);
  return g_build_filename (f->cfg->out_dir, name, NULL);
}

static gboolean
on_screen (struct fixture *f, const char *packet)
{
  g_autofree char *path = screen (f, packet);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Handles MSG and expects a refusal whose message contains WHY. */
static void
assert_refused (struct fixture *f, const char *msg, gsize len, const char *why)
{
  GError *err = NULL;
  g_assert_false (disp_client_handle (f->client, msg, len, f->now, &err));
  g_assert_nonnull (err);
  if (!strstr (err->message, why))
    g_error ("«%s» lacks «%s»", err->message, why);
  g_clear_error (&err);
}

static void
assert_shown (struct fixture *f, const char *msg)
{
  GError *err = NULL;
  g_assert_true (disp_client_handle (f->client, msg, strlen (msg), f->now, &err));
  g_assert_no_error (err);
}

/* A display restarted on the same out_dir. */
static void
restart (struct fixture *f)
{
  disp_client_free (f->client);
  GError *err = NULL;
  f->client = disp_client_new (f->cfg, &err);
  g_assert_no_error (err);
}

/* ---- the happy path ---- */

static void
signed_show_is_rendered_with_a_qr_code_of_the_case_url (struct fixture *f, gconstpointer data)
{
  g_autofree char *msg = show_msg (f, f->key, PACKET, 1);
  assert_shown (f, msg);
  g_autofree char *png = screen (f, PACKET);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_autofree char *out = NULL;
  const char *argv[] = {"zbarimg", "-q", "--raw", png, NULL};
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                     NULL, NULL, NULL)) {
    g_test_fail_printf ("zbarimg (zbar-tools) is needed to decode the QR code");
    return;
  }
  g_assert_cmpstr (g_strstrip (out), ==, "https://cases.example.org/case/" PACKET);

  /* a QoS 1 repeat is a no-op: the file is not rewritten */
  GStatBuf before, after;
  g_stat (png, &before);
  g_usleep (1100000);
  assert_shown (f, msg);
  g_stat (png, &after);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);

  g_autofree char *retract = retract_msg (f, f->key, PACKET, 2);
  assert_shown (f, retract);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  /* the state file is the display's own */
  g_autofree char *state = g_build_filename (f->cfg->out_dir, DISP_STATE_FILE, NULL);
  GStatBuf st;
  g_assert_cmpint (g_stat (state, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* ---- forgeries ---- */

static void
unsigned_show_is_refused (struct fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) img = jpeg (320, 240);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (img, NULL), g_bytes_get_size (img));
  /* what the old display rendered: a version 1 message, anyone's photo */
  g_autofree char *v1 = g_strdup_printf (
      "{\"kind\":\"show\",\"packet_id\":\"%s\",\"site\":\"t1\",\"site_name\":\"Test Rd\","
      "\"utc\":\"2026-11-26T03:16:03.120Z\",\"type\":\"red_signal\",\"zone\":\"crosswalk-1\","
      "\"signal\":{\"phase\":\"DONT_WALK\",\"elapsed_s\":12.4},\"bbox\":[100,50,40,100],"
      "\"faces_blurred\":true,\"image_jpeg_b64\":\"%s\"}",
      PACKET, b64);
  assert_refused (f, v1, strlen (v1), "unsigned");
  g_autofree char *text = show_text (f, img, 1, NULL, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "signed");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "image_jpeg_b64");
  json_builder_add_string_value (b, b64);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *no_sig = json_to_string (root, FALSE);
  assert_refused (f, no_sig, strlen (no_sig), "unsigned");
  g_assert_false (on_screen (f, PACKET));
}

static void
show_signed_by_an_untrusted_key_is_refused (struct fixture *f, gconstpointer data)
{
  g_autofree char *msg = show_msg (f, f->stranger, PACKET, 1);
  assert_refused (f, msg, strlen (msg), "untrusted key");
  g_assert_false (on_screen (f, PACKET));
}

/* The trusted key, a valid signature, then the signed text changed. */
static void
show_altered_after_signing_is_refused (struct fixture *f, gconstpointer data)
{
  g_autofree char *msg = show_msg (f, f->key, PACKET, 1);
  g_autofree char *forged = g_strdup (msg);
  char *at = strstr (forged, "Test Rd");
  g_assert_nonnull (at);
  memcpy (at, "Evil Rd", 7);
  assert_refused (f, forged, strlen (forged), "bad signature");

  /* another photo under the same signed text */
  g_autoptr (GBytes) other = jpeg (160, 120);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, msg, -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (other, NULL), g_bytes_get_size (other));
  json_object_set_string_member (o, "image_jpeg_b64", b64);
  g_autofree char *swapped = json_to_string (json_parser_get_root (p), FALSE);
  assert_refused (f, swapped, strlen (swapped), "not the signed one");
  g_assert_false (on_screen (f, PACKET));
}

static void
forged_retract_is_refused (struct fixture *f, gconstpointer data)
{
  g_autofree char *show = show_msg (f, f->key, PACKET, 1);
  assert_shown (f, show);
  const char *v1 = "{\"kind\":\"retract\",\"packet_id\":\"" PACKET "\"}";
  assert_refused (f, v1, strlen (v1), "unsigned");
  g_autofree char *stranger = retract_msg (f, f->stranger, PACKET, 2);
  assert_refused (f, stranger, strlen (stranger), "untrusted key");
  g_autofree char *real = retract_msg (f, f->key, PACKET, 2);
  g_autofree char *forged = g_strdup (real);
  char *at = strstr (forged, "\\\"seq\\\":2");
  g_assert_nonnull (at);
  at[8] = '3';
  assert_refused (f, forged, strlen (forged), "bad signature");
  g_assert_true (on_screen (f, PACKET));
}

/* ---- replays ---- */

static void
replay_after_retraction_is_refused_also_after_a_restart (struct fixture *f, gconstpointer data)
{
  g_autofree char *show = show_msg (f, f->key, PACKET, 1);
  g_autofree char *retract = retract_msg (f, f->key, PACKET, 2);
  assert_shown (f, show);
  assert_shown (f, retract);
  g_assert_false (on_screen (f, PACKET));
  assert_refused (f, show, strlen (show), "was retracted");
  /* even freshly signed with a later seq: the packet was retracted */
  g_autofree char *again = show_msg (f, f->key, PACKET, 3);
  assert_refused (f, again, strlen (again), "was retracted");
  g_assert_false (on_screen (f, PACKET));

  restart (f);
  assert_refused (f, show, strlen (show), "was retracted");
  assert_refused (f, again, strlen (again), "was retracted");
  /* an old retract, replayed after something newer, is refused */
  g_autofree char *other = show_msg (f, f->key, PACKET2, 4);
  assert_shown (f, other);
  g_autofree char *old_retract = retract_msg (f, f->key, PACKET2, 3);
  assert_refused (f, old_retract, strlen (old_retract), "replay refused");
  g_assert_true (on_screen (f, PACKET2));
  g_assert_false (on_screen (f, PACKET));
  /* the retained retract seen again after the restart is a no-op */
  assert_shown (f, retract);
}

/* A display's retained cases arrive in any order when it subscribes: an
 * older show of another case is shown (its expiry and the retracted list
 * bound it), a show of a case on screen is a no-op; a retract must be newer
 * than anything seen. */
static void
shows_are_taken_in_any_order_retracts_only_newer (struct fixture *f, gconstpointer data)
{
  g_autofree char *newer = show_msg (f, f->key, PACKET, 5);
  g_autofree char *older = show_msg (f, f->key, PACKET2, 3);
  g_autofree char *again = show_msg (f, f->key, PACKET2, 2);
  assert_shown (f, newer);
  assert_shown (f, older);
  g_assert_true (on_screen (f, PACKET2));
  assert_shown (f, again); /* the same case again: nothing to do */
  g_autofree char *old_retract = retract_msg (f, f->key, PACKET2, 4);
  assert_refused (f, old_retract, strlen (old_retract), "replay refused");
  restart (f);
  assert_refused (f, old_retract, strlen (old_retract), "replay refused");
  g_assert_true (on_screen (f, PACKET2));
  g_autofree char *retract = retract_msg (f, f->key, PACKET2, 6);
  assert_shown (f, retract);
  g_assert_false (on_screen (f, PACKET2));
}

static void
expired_message_is_refused (struct fixture *f, gconstpointer data)
{
  g_autofree char *msg = message (f->key, "show", PACKET, 1, f->now - 2 * HOUR_US, f->now - HOUR_US, "east", NULL);
  assert_refused (f, msg, strlen (msg), "expired at");
  g_assert_false (on_screen (f, PACKET));
}

static void
message_for_another_display_is_refused (struct fixture *f, gconstpointer data)
{
  g_autofree char *msg = message (f->key, "show", PACKET, 1, f->now, f->now + HOUR_US, "west", NULL);
  assert_refused (f, msg, strlen (msg), "wrong display");
  g_autofree char *retract = message (f->key, "retract", PACKET, 2, f->now, f->now + HOUR_US, "west", NULL);
  assert_refused (f, retract, strlen (retract), "wrong display");
}

static void
screen_is_removed_when_its_show_expires_also_after_a_restart (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = message (f->key, "show", PACKET, 1, f->now, f->now + HOUR_US, "east", NULL);
  g_autofree char *b = message (f->key, "show", PACKET2, 2, f->now, f->now + 3 * HOUR_US, "east", NULL);
  assert_shown (f, a);
  assert_shown (f, b);
  GError *err = NULL;
  g_assert_true (disp_client_expire (f->client, f->now + HOUR_US / 2, &err));
  g_assert_true (on_screen (f, PACKET));
  restart (f);
  g_assert_true (disp_client_expire (f->client, f->now + 2 * HOUR_US, &err));
  g_assert_no_error (err);
  g_assert_false (on_screen (f, PACKET));
  g_assert_true (on_screen (f, PACKET2));
  restart (f);
  g_assert_true (disp_client_expire (f->client, f->now + 4 * HOUR_US, &err));
  g_assert_false (on_screen (f, PACKET2));
}

/* ---- hostile input ---- */

static void
members_of_the_wrong_type_are_refused_not_crashed_on (struct fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) img = jpeg (320, 240);
  const char *cases[][3] = {
      {"kind", "5", "wrong type for member 'kind'"},
      {"utc", "123", "wrong type for member 'utc'"},
      {"seq", "\"x\"", "wrong type for member 'seq'"},
      {"seq", "1.5", "wrong type for member 'seq'"},
      {"v", "\"2\"", "wrong type for member 'v'"},
      {"v", "1", "version 1"},
      {"signal", "\"red\"", "wrong type for member 'signal'"},
      {"signal", "{\"phase\":7,\"elapsed_s\":1,\"source\":null}", "wrong type for member 'phase'"},
      {"bbox", "[1,2,\"3\",4]", "wrong type for member 'bbox'"},
      {"zone", "[]", "wrong type for member 'zone'"},
      {"faces_blurred", "\"yes\"", "wrong type for member 'faces_blurred'"},
      {"packet_id", "\"../../etc/passwd\"", "packet_id is not hex"},
      {"issued_utc", "\"yesterday\"", "not a UTC time"},
      {"kind", "\"dance\"", "neither"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *text = show_text (f, img, 1, cases[i][0], cases[i][1]);
    g_autofree char *msg = hand_signed (f->key, text, img);
    assert_refused (f, msg, strlen (msg), cases[i][2]);
  }
  /* the hand-made text itself is good: only the replaced member was wrong */
  g_autofree char *text = show_text (f, img, 1, NULL, NULL);
  g_autofree char *good = hand_signed (f->key, text, img);
  assert_shown (f, good);

  /* unsigned, as the attack sent them */
  const char *raw[] = {"{\"kind\":5,\"packet_id\":\"" PACKET "\"}", "{\"signed\":5,\"signature\":\"00\"}",
                       "{\"signed\":\"{\\\"v\\\":2}\",\"signature\":[]}", "[1,2]", "not json", "", "null",
                       "{\"signed\":\"[1]\",\"signature\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
                       "0000000000000000000000000000000000000000000000000000000000000000\"}"};
  for (size_t i = 0; i < G_N_ELEMENTS (raw); i++) {
    GError *err = NULL;
    g_assert_false (disp_client_handle (f->client, raw[i], strlen (raw[i]), f->now, &err));
    g_assert_nonnull (err);
    g_clear_error (&err);
  }
}

static guint32
crc32 (const guint8 *d, gsize n, guint32 crc)
{
  crc = ~crc;
  for (gsize i = 0; i < n; i++) {
    crc ^= d[i];
    for (int k = 0; k < 8; k++)
      crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

static void
png_chunk (GByteArray *a, const char *type, const guint8 *data, guint32 len)
{
  guint8 be[4] = {len >> 24, len >> 16, len >> 8, len};
  g_byte_array_append (a, be, 4);
  gsize start = a->len;
  g_byte_array_append (a, (const guint8 *) type, 4);
  if (len)
    g_byte_array_append (a, data, len);
  guint32 crc = crc32 (a->data + start, len + 4, 0);
  guint8 c[4] = {crc >> 24, crc >> 16, crc >> 8, crc};
  g_byte_array_append (a, c, 4);
}

/* A real W x H grey PNG (a few hundred bytes for 40000x1). */
static GBytes *
png (guint32 w, guint32 h)
{
  gsize raw_len = (gsize) (w + 1) * h;
  g_autofree guint8 *raw = g_malloc0 (raw_len);
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  guint8 packed[65536];
  gsize read, written;
  g_assert_cmpint (g_converter_convert (G_CONVERTER (z), raw, raw_len, packed, sizeof packed,
                                        G_CONVERTER_INPUT_AT_END, &read, &written, NULL),
                   ==, G_CONVERTER_FINISHED);
  GByteArray *a = g_byte_array_new ();
  g_byte_array_append (a, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  guint8 ihdr[13] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 0, 0, 0, 0};
  png_chunk (a, "IHDR", ihdr, 13);
  png_chunk (a, "IDAT", packed, (guint32) written);
  png_chunk (a, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (a);
}

/* JPEG bytes whose frame header claims W x H. */
static GBytes *
jpeg_claiming (int w, int h)
{
  g_autoptr (GBytes) real = jpeg (64, 48);
  gsize len;
  const guint8 *src = g_bytes_get_data (real, &len);
  guint8 *d = g_memdup2 (src, len);
  int rw = 0, rh = 0;
  g_assert_true (evid_jpeg_size (d, len, &rw, &rh, NULL));
  g_assert_cmpint (rw, ==, 64);
  for (gsize i = 2; i + 9 < len; i++)
    if (d[i] == 0xFF && d[i + 1] == 0xC0) {
      d[i + 5] = h >> 8, d[i + 6] = h & 0xFF, d[i + 7] = w >> 8, d[i + 8] = w & 0xFF;
      break;
    }
  return g_bytes_new_take (d, len);
}

static void
hostile_images_are_refused_before_decoding (struct fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) thin = png (40000, 1);
  g_assert_cmpuint (g_bytes_get_size (thin), <, 1000);
  g_autoptr (GBytes) big = jpeg_claiming (8000, 8000);
  g_autoptr (GBytes) empty = jpeg_claiming (0, 48);
  struct {
    GBytes *image;
    const char *why;
  } cases[] = {{thin, "image is not a JPEG"},
               {big, "too large or empty (8000x8000"},
               {empty, "too large or empty (0x48"}};
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    /* the builder refuses it... */
    g_autoptr (JsonObject) c = content ();
    struct evid_display_fields fl = {"show", PACKET, "t1", "east", f->now, f->now + HOUR_US, 1, c, cases[i].image};
    GError *err = NULL;
    g_assert_null (evid_display_msg_build (f->key, &fl, &err));
    g_assert_error (err, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE);
    g_clear_error (&err);
    /* ...the display refuses it signed by hand... */
    g_autofree char *text = show_text (f, cases[i].image, 1, NULL, NULL);
    g_autofree char *msg = hand_signed (f->key, text, cases[i].image);
    assert_refused (f, msg, strlen (msg), cases[i].why);
    /* ...and the renderer refuses it too */
    g_autofree char *out = g_build_filename (f->dir, "direct.png", NULL);
    g_assert_false (disp_render_png (c, cases[i].image, "https://c/x", NULL, 1280, 720, out, &err));
    g_assert_error (err, DISP_ERROR, DISP_ERROR_MESSAGE);
    g_clear_error (&err);
  }
  g_assert_false (on_screen (f, PACKET));
}

static void
jpeg_header_reader_stays_in_bounds (void)
{
  g_autoptr (GBytes) real = jpeg (64, 48);
  gsize len;
  const guint8 *d = g_bytes_get_data (real, &len);
  /* every prefix, on the heap at its exact length (ASan sees overreads) */
  for (gsize n = 0; n < MIN (len, 1024); n++) {
    g_autofree guint8 *copy = g_memdup2 (d, n ? n : 1);
    int w = 0, h = 0;
    if (evid_jpeg_size (copy, n, &w, &h, NULL))
      g_assert_true (w == 64 && h == 48);
  }
  const guint8 odd[][8] = {{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x01, 0, 0},
                           {0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
                           {0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0, 0},
                           {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x08, 0x08, 0x00}};
  for (size_t i = 0; i < G_N_ELEMENTS (odd); i++) {
    int w, h;
    GError *err = NULL;
    g_assert_false (evid_jpeg_size (odd[i], sizeof odd[i], &w, &h, &err));
    g_assert_error (err, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_IMAGE);
    g_clear_error (&err);
  }
}

static void
renderer_survives_a_decoder_failure_and_a_failed_surface (struct fixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) c = content ();
  g_autofree char *out = g_build_filename (f->dir, "direct.png", NULL);
  GError *err = NULL;
  /* a good header over garbage */
  g_autoptr (GBytes) real = jpeg (64, 48);
  gsize len;
  const guint8 *src = g_bytes_get_data (real, &len);
  guint8 *d = g_memdup2 (src, len);
  for (gsize i = len / 2; i < len - 2; i++)
    d[i] = 0xA5;
  g_autoptr (GBytes) broken = g_bytes_new_take (d, len);
  if (!disp_render_png (c, broken, "https://c/x", NULL, 1280, 720, out, &err)) {
    g_assert_nonnull (err);
    g_clear_error (&err);
  }
  /* a screen cairo cannot make (wider than 32767) */
  g_assert_false (disp_render_png (c, real, "https://c/x", NULL, 40000, 720, out, &err));
  g_assert_error (err, DISP_ERROR, DISP_ERROR_RENDER);
  g_clear_error (&err);
}

static void
deep_json_is_refused_before_parsing (struct fixture *f, gconstpointer data)
{
  gsize n = 200000;
  g_autofree char *deep = g_malloc (n);
  memset (deep, '[', n);
  assert_refused (f, deep, n, "nested deeper than");
  /* deep inside the signed text, which the signature has not vouched for yet */
  GString *s = g_string_new ("{\"signed\":\"");
  for (int i = 0; i < 5000; i++)
    g_string_append (s, "{\\\"a\\\":");
  g_string_append (s, "\",\"signature\":\"");
  for (int i = 0; i < 128; i++)
    g_string_append_c (s, '0');
  g_string_append (s, "\"}");
  assert_refused (f, s->str, s->len, "signed text: JSON nested deeper than");
  g_string_free (s, TRUE);
  /* the guard alone: depth, size and encoding */
  GError *err = NULL;
  g_assert_null (evid_json_guard_parse ("[[1]]", 5, 100, 1, &err));
  g_assert_error (err, EVID_JSON_ERROR, EVID_JSON_ERROR_TOO_DEEP);
  g_clear_error (&err);
  g_autoptr (JsonNode) ok = evid_json_guard_parse ("{\"a\":\"[[[[\\\"[[\"}", 16, 100, 1, &err);
  g_assert_no_error (err);
  g_assert_null (evid_json_guard_parse ("{\"a\":\"\xff\"}", 9, 100, 4, &err));
  g_assert_error (err, EVID_JSON_ERROR, EVID_JSON_ERROR_ENCODING);
  g_clear_error (&err);
  g_assert_null (evid_json_guard_parse ("{}\0", 3, 100, 4, &err));
  g_assert_error (err, EVID_JSON_ERROR, EVID_JSON_ERROR_ENCODING);
  g_clear_error (&err);
}

static void
oversized_payload_is_refused (struct fixture *f, gconstpointer data)
{
  gsize n = EVID_DISPLAY_MSG_MAX_BYTES + 1;
  g_autofree char *big = g_malloc (n);
  memset (big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  assert_refused (f, big, n, "too large");
}

/* ---- the state file and the configuration ---- */

static void
corrupt_or_hostile_state_file_is_an_error_not_a_crash (struct fixture *f, gconstpointer data)
{
  g_autofree char *state = g_build_filename (f->cfg->out_dir, DISP_STATE_FILE, NULL);
  g_autofree char *deep = g_malloc0 (100001);
  memset (deep, '[', 100000);
  g_autofree char *key = g_strdup_printf ("{\"v\":1,\"devices\":{\"%s\":{\"seq\":\"x\",\"packet_id\":\"a\","
                                          "\"kind\":\"show\"}},\"retracted\":[]}",
                                          evid_key_public_hex (f->key));
  const char *cases[] = {"garbage", deep, "[]", "{\"v\":1}", "{\"v\":9,\"devices\":{},\"retracted\":[]}",
                         "{\"v\":1,\"devices\":{\"zz\":{\"seq\":1,\"packet_id\":\"a\",\"kind\":\"show\"}},"
                         "\"retracted\":[]}",
                         key, "{\"v\":1,\"devices\":{},\"retracted\":[\"../x\"]}",
                         "{\"v\":1,\"devices\":{},\"retracted\":[5]}", "\xff\xfe",
                         "{\"v\":1,\"devices\":{},\"retracted\":[],\"screens\":{\"../etc\":1}}",
                         "{\"v\":1,\"devices\":{},\"retracted\":[],\"screens\":{\"" PACKET "\":\"soon\"}}"};
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_assert_true (g_file_set_contents (state, cases[i], -1, NULL));
    GError *err = NULL;
    g_assert_null (disp_client_new (f->cfg, &err));
    g_assert_error (err, DISP_ERROR, DISP_ERROR_STATE);
    g_assert_nonnull (strstr (err->message, state));
    g_clear_error (&err);
  }
  /* a good one loads */
  g_assert_true (g_file_set_contents (state, "{\"v\":1,\"devices\":{},\"retracted\":[\"" PACKET "\"],\"screens\":{}}",
                                      -1, NULL));
  restart (f);
  g_autofree char *show = show_msg (f, f->key, PACKET, 1);
  assert_refused (f, show, strlen (show), "was retracted");
}

static char *
display_ini (struct fixture *f, const char *trusted_line)
{
  g_autofree char *path = g_build_filename (f->dir, "display.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[display]\nid = east\nsite = t1\ncase_url_base = https://c/\n%s\n",
                                           trusted_line);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

static void
display_without_trusted_keys_does_not_start (struct fixture *f, gconstpointer data)
{
  GError *err = NULL;
  g_autofree char *none = display_ini (f, "");
  g_assert_null (hwcfg_display_load (none, &err));
  g_assert_nonnull (strstr (err->message, "[display] trusted_keys: missing (required"));
  g_clear_error (&err);

  g_autofree char *missing = display_ini (f, "trusted_keys = /nonexistent/device.key.pub");
  g_assert_null (hwcfg_display_load (missing, &err));
  g_assert_nonnull (strstr (err->message, "trusted_keys: cannot read '/nonexistent/device.key.pub'"));
  g_clear_error (&err);

  g_autofree char *secret = g_build_filename (f->dir, "device.key", NULL);
  g_autofree char *line = g_strdup_printf ("trusted_keys = %s", secret);
  g_autofree char *wrong = display_ini (f, line);
  g_assert_null (hwcfg_display_load (wrong, &err));
  g_assert_nonnull (strstr (err->message, "does not hold a public key"));
  g_clear_error (&err);

  g_autofree char *pub = g_build_filename (f->dir, "stranger.key.pub", NULL);
  g_autofree char *good_line = g_strdup_printf ("trusted_keys = %s ; %s.pub", pub, secret);
  g_autofree char *good = display_ini (f, good_line);
  struct hwcfg_display *d = hwcfg_display_load (good, &err);
  g_assert_no_error (err);
  /* the client trusts exactly those keys */
  struct disp_client *c = disp_client_new (d, &err);
  g_assert_no_error (err);
  disp_client_free (c);
  hwcfg_display_free (d);

  /* and a client handed no key refuses to exist */
  struct hwcfg_display *bare = display_in (f->dir, NULL);
  g_assert_null (disp_client_new (bare, &err));
  g_assert_error (err, DISP_ERROR, DISP_ERROR_CONFIG);
  g_clear_error (&err);
  hwcfg_display_free (bare);
}

static void
builder_refuses_what_a_display_would_refuse (struct fixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) c = content ();
  g_autoptr (GBytes) img = jpeg (32, 32);
  json_object_set_int_member (c, "utc", 123);
  struct evid_display_fields fl = {"show", PACKET, "t1", "east", f->now, f->now + HOUR_US, 1, c, img};
  GError *err = NULL;
  g_assert_null (evid_display_msg_build (f->key, &fl, &err));
  g_assert_error (err, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_INVALID);
  g_assert_nonnull (strstr (err->message, "wrong type for member 'utc'"));
  g_clear_error (&err);
  struct evid_display_fields late = {"retract", PACKET, "t1", "east", f->now, f->now - 1, 1, NULL, NULL};
  g_assert_null (evid_display_msg_build (f->key, &late, &err));
  g_assert_error (err, EVID_DISPLAY_ERROR, EVID_DISPLAY_ERROR_INVALID);
  g_clear_error (&err);

  /* what the parser hands back */
  g_autofree char *msg = show_msg (f, f->key, PACKET, 7);
  struct evid_keyring *ring = evid_keyring_new ();
  evid_keyring_add_hex (ring, evid_key_public_hex (f->key), NULL);
  struct evid_display_msg *m = evid_display_msg_parse (msg, strlen (msg), ring, "t1", "east", f->now, &err);
  g_assert_no_error (err);
  g_assert_cmpstr (evid_display_msg_kind (m), ==, "show");
  g_assert_cmpstr (evid_display_msg_packet_id (m), ==, PACKET);
  g_assert_cmpint (evid_display_msg_seq (m), ==, 7);
  g_assert_cmpstr (evid_display_msg_device_key (m), ==, evid_key_public_hex (f->key));
  g_assert_cmpint (evid_display_msg_issued_us (m), ==, f->now / 1000 * 1000);
  int w, h;
  g_assert_nonnull (evid_display_msg_image (m, &w, &h));
  g_assert_cmpint (w, ==, 320);
  JsonObject *o = evid_display_msg_content (m);
  g_assert_cmpstr (json_object_get_string_member (o, "site_name"), ==, "Test Rd");
  g_assert_false (json_object_has_member (o, "camera")); /* only the contract's members are signed */
  evid_display_msg_free (m);
  evid_keyring_free (ring);
}

/* ---- through a real broker, with the real client loop ---- */

static volatile sig_atomic_t client_stop;

static gpointer
client_thread (gpointer cfg)
{
  return GINT_TO_POINTER (disp_client_run (cfg, &client_stop));
}

static void
on_published (struct mosquitto *m, void *data, int mid)
{
  *(gboolean *) data = TRUE;
}

static void
publish_retained (struct test_broker *b, const char *topic, const char *payload, gsize len)
{
  gboolean acked = FALSE;
  mosquitto_lib_init ();
  struct mosquitto *m = mosquitto_new (NULL, true, &acked);
  mosquitto_publish_callback_set (m, on_published);
  g_assert_cmpint (mosquitto_connect (m, "127.0.0.1", b->port, 10), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_publish (m, NULL, topic, (int) len, payload, 1, true), ==, MOSQ_ERR_SUCCESS);
  for (int i = 0; i < 100 && !acked; i++)
    mosquitto_loop (m, 50, 1);
  g_assert_true (acked);
  mosquitto_disconnect (m);
  mosquitto_destroy (m);
}

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data)
{
  for (int i = 0; i < 200; i++) {
    if (cond (data))
      return TRUE;
    g_usleep (50000);
  }
  return FALSE;
}

static gboolean
logged_cond (gpointer needle_count)
{
  const char **nc = needle_count;
  return test_logged (nc[0]) >= atoi (nc[1]);
}

static gboolean
screen_cond (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static GThread *
start_client (struct fixture *f)
{
  client_stop = 0;
  int before = test_logged ("subscribed to crosswatch/t1/display/east");
  GThread *t = g_thread_new ("display", client_thread, f->cfg);
  g_autofree char *count = g_strdup_printf ("%d", before + 1);
  const char *nc[] = {"subscribed to crosswatch/t1/display/east", count};
  g_assert_true (wait_for (logged_cond, nc));
  return t;
}

static void
stop_client (GThread *t)
{
  client_stop = 1;
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (t)), ==, 0);
}

static void
through_a_broker_a_retained_forgery_is_refused_and_a_signed_show_rendered (struct fixture *f, gconstpointer data)
{
  struct test_broker b = {0};
  test_broker_start (&b);
  f->cfg->mqtt.port = b.port;
  const char *topic = "crosswatch/t1/display/east";
  disp_client_free (g_steal_pointer (&f->client)); /* the loop makes its own */

  /* a forged screen retained on the broker before the display starts */
  g_autofree char *forged = show_msg (f, f->stranger, PACKET, 1);
  publish_retained (&b, topic, forged, strlen (forged));
  GThread *t = start_client (f);
  const char *untrusted[] = {"(retained) refused: signed by an untrusted key", "1"};
  g_assert_true (wait_for (logged_cond, untrusted));
  g_assert_false (on_screen (f, PACKET));

  /* a message that crashed the old display, live */
  gsize n = 200000;
  g_autofree char *deep = g_malloc (n);
  memset (deep, '[', n);
  publish_retained (&b, topic, deep, n);
  const char *too_deep[] = {"refused: display message: JSON nested deeper", "1"};
  g_assert_true (wait_for (logged_cond, too_deep));

  /* a message too large for the display never reaches it: the broker drops
   * it (MQTT v5 maximum packet size), nothing is read into memory */
  gsize huge_len = EVID_DISPLAY_MSG_MAX_BYTES + 8192;
  g_autofree char *huge = g_malloc (huge_len);
  memset (huge, ' ', huge_len);
  huge[0] = '{';
  huge[huge_len - 1] = '}';
  publish_retained (&b, topic, huge, huge_len);

  /* the real thing is shown */
  g_autofree char *real = show_msg (f, f->key, PACKET2, 1);
  publish_retained (&b, topic, real, strlen (real));
  g_autofree char *png = screen (f, PACKET2);
  g_assert_true (wait_for (screen_cond, png));
  g_assert_cmpint (test_logged ("JSON text too large"), ==, 0);
  /* a retraction's clear of a retained case (an empty message, which the
   * broker hands a live subscriber with the retain flag off) is no error */
  int empty = test_logged ("empty JSON");
  publish_retained (&b, "crosswatch/t1/display/east/case/" PACKET2, "", 0);
  g_autofree char *other = show_msg (f, f->key, PACKET, 3);
  publish_retained (&b, "crosswatch/t1/display/east/case/" PACKET, other, strlen (other));
  g_autofree char *png_other = screen (f, PACKET);
  g_assert_true (wait_for (screen_cond, png_other));
  g_assert_cmpint (test_logged ("empty JSON"), ==, empty);
  stop_client (t);

  /* a restart with a crash message retained: refused again, the display lives */
  publish_retained (&b, topic, deep, n);
  t = start_client (f);
  const char *again[] = {"(retained) refused: display message: JSON nested deeper", "1"};
  g_assert_true (wait_for (logged_cond, again));
  g_autofree char *later = show_msg (f, f->key, PACKET, 2);
  publish_retained (&b, topic, later, strlen (later));
  g_autofree char *png2 = screen (f, PACKET);
  g_assert_true (wait_for (screen_cond, png2));
  stop_client (t);
  test_broker_stop (&b);
}

struct retained {
  char *payload;
};

static void
on_retained (struct mosquitto *m, void *data, const struct mosquitto_message *msg)
{
  struct retained *r = data;
  if (!r->payload)
    r->payload = g_strndup (msg->payload, (gsize) msg->payloadlen);
}

/* The message retained on TOPIC once it holds NEEDLE (within 10 s), or NULL. */
static char *
retained_with (struct test_broker *b, const char *topic, const char *needle)
{
  mosquitto_lib_init ();
  for (int attempt = 0; attempt < 40; attempt++) {
    struct retained r = {0};
    struct mosquitto *m = mosquitto_new (NULL, true, &r);
    mosquitto_message_callback_set (m, on_retained);
    g_assert_cmpint (mosquitto_connect (m, "127.0.0.1", b->port, 10), ==, MOSQ_ERR_SUCCESS);
    mosquitto_subscribe (m, NULL, topic, 1);
    for (int i = 0; i < 20 && !r.payload; i++)
      mosquitto_loop (m, 50, 1);
    mosquitto_disconnect (m);
    mosquitto_destroy (m);
    if (r.payload && strstr (r.payload, needle))
      return r.payload;
    g_free (r.payload);
    g_usleep (200000);
  }
  return NULL;
}

static void
through_a_broker_the_status_is_retained_and_a_tls_mismatch_reported (struct fixture *f, gconstpointer data)
{
  struct test_broker b = {0};
  test_broker_start (&b);
  f->cfg->mqtt.port = b.port;
  disp_client_free (g_steal_pointer (&f->client));
  const char *state_topic = "crosswatch/t1/display/east/state";
  GThread *t = start_client (f);
  g_autofree char *online = retained_with (&b, state_topic, "\"state\":\"online\"");
  g_assert_nonnull (online);
  g_assert_nonnull (strstr (online, "\"on_screen\":[]"));
  /* a case on screen: the status names it */
  g_autofree char *real = show_msg (f, f->key, PACKET2, 1);
  publish_retained (&b, "crosswatch/t1/display/east", real, strlen (real));
  g_autofree char *with = retained_with (&b, state_topic, PACKET2);
  g_assert_nonnull (with);
  g_assert_nonnull (strstr (with, "\"state\":\"online\""));
  /* a refused message is the last error */
  g_autofree char *forged = show_msg (f, f->stranger, PACKET, 2);
  publish_retained (&b, "crosswatch/t1/display/east", forged, strlen (forged));
  g_autofree char *err = retained_with (&b, state_topic, "untrusted key");
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "\"last_error\":\"message refused"));
  /* a clean stop says offline, nothing on screen */
  stop_client (t);
  g_autofree char *off = retained_with (&b, state_topic, "\"state\":\"offline\"");
  g_assert_nonnull (off);
  g_assert_null (strstr (off, PACKET2));

  /* a display set for TLS against a plain listener: no "connected", and a
   * warning that says what is likely wrong */
  int connected = test_logged ("connected to 127.0.0.1");
  f->cfg->mqtt.tls_ca = g_strdup ("/etc/ssl/certs/ca-certificates.crt");
  if (g_file_test (f->cfg->mqtt.tls_ca, G_FILE_TEST_IS_REGULAR)) {
    client_stop = 0;
    t = g_thread_new ("display", client_thread, f->cfg);
    const char *nc[] = {"closed before the broker accepted it", "1"};
    g_assert_true (wait_for (logged_cond, nc));
    client_stop = 1;
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (t)), ==, 0);
    g_assert_cmpint (test_logged ("connected to 127.0.0.1"), ==, connected);
  }
  test_broker_stop (&b);
}

/* A "key" message from FROM handing trust on to TO; TO's statement signed by SIGNER. */
static char *
key_msg (struct fixture *f, const struct evid_key *from, const struct evid_key *to, const struct evid_key *signer,
         gint64 seq)
{
  g_autofree char *statement = evid_key_rotation_statement (evid_key_public_hex (from), evid_key_public_hex (to));
  char sig[EVID_SIGNATURE_HEX_LEN], bad[EVID_SIGNATURE_HEX_LEN];
  evid_key_sign (to, statement, strlen (statement), sig);
  evid_key_sign (signer, statement, strlen (statement), bad);
  struct evid_display_fields k = {.kind = "key", .packet_id = evid_key_public_hex (to), .site = "t1",
                                  .display = "east", .issued_us = f->now, .expires_us = f->now + HOUR_US,
                                  .seq = seq, .new_key_signature = sig};
  GError *err = NULL;
  g_autoptr (GBytes) b = evid_display_msg_build (from, &k, &err);
  g_assert_no_error (err);
  g_autofree char *payload = g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  if (signer == to)
    return g_steal_pointer (&payload);
  /* the builder refuses a handover the new key did not sign: forge it by hand */
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, payload, -1, NULL));
  const char *text = json_object_get_string_member (json_node_get_object (json_parser_get_root (p)), "signed");
  g_autofree char *forged_text = g_strdup (text);
  char *at = strstr (forged_text, sig);
  g_assert_nonnull (at);
  memcpy (at, bad, 128);
  return hand_signed (from, forged_text, NULL);
}

/* Key rotation: a handover signed by a trusted key makes the new key
 * trusted, also after a restart; a handover from an untrusted key, or one
 * the new key did not sign, is refused. */
static void
a_key_handover_from_a_trusted_key_is_followed (struct fixture *f, gconstpointer data)
{
  g_autofree char *np = g_build_filename (f->dir, "new.key", NULL);
  struct evid_key *fresh = evid_key_open (np, TRUE, NULL);
  g_autofree char *before = show_msg (f, fresh, PACKET, 1);
  assert_refused (f, before, strlen (before), "untrusted key");
  g_autofree char *forged = key_msg (f, f->stranger, fresh, fresh, 2);
  assert_refused (f, forged, strlen (forged), "untrusted key");
  g_autofree char *unsigned_by_new = key_msg (f, f->key, fresh, f->stranger, 3);
  assert_refused (f, unsigned_by_new, strlen (unsigned_by_new), "did not sign the handover");
  g_autofree char *handover = key_msg (f, f->key, fresh, fresh, 4);
  assert_shown (f, handover);
  g_assert_true (test_logged ("handed over by"));
  restart (f);
  g_autofree char *after = show_msg (f, fresh, PACKET, 5);
  assert_shown (f, after);
  g_assert_true (on_screen (f, PACKET));
  evid_key_free (fresh);
}

/* What the QR code in PNG decodes to (zbarimg, zbar-tools; g_free). */
static char *
qr_of (const char *png)
{
  char *out = NULL;
  const char *argv[] = {"zbarimg", "-q", "--raw", png, NULL};
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, NULL, NULL));
  return g_strstrip (out);
}

/* A valid show with MEMBER (a JSON member text) added to its signed text,
 * signed by the trusted key: refused, saying WHY. */
static void
assert_member_refused (struct fixture *f, GBytes *img, gint64 seq, const char *member, const char *why);

/* Every word of every language draws with real glyphs in the font the
 * screen uses (Chinese needs the CJK font: fonts-wqy-zenhei), and a screen
 * in each language shows a decodable QR code. */
static void
each_locale_renders_every_word_and_a_decodable_qr_code (struct fixture *f, gconstpointer data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 64, 64);
  cairo_t *cr = cairo_create (surface);
  for (int i = 0; DISP_WORDS_ALL[i]; i++) {
    const struct disp_words *w = DISP_WORDS_ALL[i];
    const char *const texts[] = {w->red_signal, w->outside_crosswalk, w->other_offence, w->when, w->where, w->signal,
                                 w->walk, w->clearance, w->dont_walk, w->no_signal, w->seconds_red, w->rule,
                                 w->appeal, w->scan, w->idle, w->day_count, w->no_picture};
    g_autofree char *font = g_strdup_printf ("%s Bold 16", w->font);
    PangoFontDescription *desc = pango_font_description_from_string (font);
    for (size_t k = 0; k < G_N_ELEMENTS (texts); k++) {
      PangoLayout *layout = pango_cairo_create_layout (cr);
      pango_layout_set_font_description (layout, desc);
      pango_layout_set_text (layout, texts[k], -1);
      int missing = pango_layout_get_unknown_glyphs_count (layout);
      if (missing)
        g_test_fail_printf ("%s: %d glyph(s) missing in '%s' (font %s)", w->locale, missing, texts[k], font);
      g_object_unref (layout);
    }
    pango_font_description_free (desc);
  }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  static const char *const LOCALES[][2] = {{"en", "Europe/London"}, {"de", "Europe/Berlin"}, {"zh_CN", "Asia/Shanghai"}};
  for (size_t i = 0; i < G_N_ELEMENTS (LOCALES); i++) {
    g_free (f->cfg->locale);
    g_free (f->cfg->timezone);
    f->cfg->locale = g_strdup (LOCALES[i][0]);
    f->cfg->timezone = g_strdup (LOCALES[i][1]);
    restart (f);
    g_autofree char *msg = show_msg (f, f->key, PACKET, (int) i + 1);
    assert_shown (f, msg);
    g_autofree char *png = screen (f, PACKET);
    g_autofree char *out = qr_of (png);
    g_assert_cmpstr (out, ==, "https://cases.example.org/case/" PACKET);
    if (g_getenv ("CW_KEEP_SCREENS")) { /* to look at them */
      g_autofree char *keep = g_strdup_printf ("%s/screen-%s.png", g_getenv ("CW_KEEP_SCREENS"), LOCALES[i][0]);
      g_autofree char *cmd = g_strdup_printf ("cp '%s' '%s'", png, keep);
      g_assert_cmpint (system (cmd), ==, 0);
    }
  }
  /* an unknown language or time zone stops the display with its key named */
  g_free (f->cfg->locale);
  f->cfg->locale = g_strdup ("xx");
  g_autoptr (GError) err = NULL;
  struct disp_client *c = disp_client_new (f->cfg, &err);
  g_assert_null (c);
  g_assert_nonnull (strstr (err->message, "[display] locale 'xx'"));
}

/* ---- the playlist, the idle screen, the profiles ---- */

/* A show of PACKET whose content is CONTENT_JSON (NULL image: a generated
 * still when the content shows a person). */
static char *
show_with (struct fixture *f, const char *packet, gint64 seq, gint64 expires, const char *content_json)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, content_json, -1, NULL));
  JsonObject *c = json_node_get_object (json_parser_get_root (p));
  gboolean person = !json_object_has_member (c, "person_shown") || json_object_get_boolean_member (c, "person_shown");
  g_autoptr (GBytes) img = person ? jpeg (320, 240) : NULL;
  struct evid_display_fields fl = {"show", packet, "t1", "east", f->now, expires, seq, c, img};
  GError *err = NULL;
  g_autoptr (GBytes) b = evid_display_msg_build (f->key, &fl, &err);
  g_assert_no_error (err);
  return g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

#define CONTENT_BASE                                                                                                   \
  "\"site_name\":\"Test Rd\",\"utc\":\"2026-11-26T03:16:03.120Z\",\"type\":\"red_signal\",\"zone\":null,"          \
  "\"signal\":{\"phase\":\"DONT_WALK\",\"elapsed_s\":12.4,\"source\":\"schedule\"},\"bbox\":[100,50,40,100]"

static gboolean same_pixels_in (const char *a, const char *b, int x0, int y0, int x1, int y1);

/* TRUE when the two PNG files hold the same pixels. */
static gboolean
same_pixels (const char *a, const char *b)
{
  return same_pixels_in (a, b, 0, 0, G_MAXINT, G_MAXINT);
}

/* ... within the rectangle [X0, X1) x [Y0, Y1). */
static gboolean
same_pixels_in (const char *a, const char *b, int x0, int y0, int x1, int y1)
{
  cairo_surface_t *x = cairo_image_surface_create_from_png (a), *y = cairo_image_surface_create_from_png (b);
  gboolean same = cairo_surface_status (x) == CAIRO_STATUS_SUCCESS && cairo_surface_status (y) == CAIRO_STATUS_SUCCESS &&
                  cairo_image_surface_get_width (x) == cairo_image_surface_get_width (y) &&
                  cairo_image_surface_get_height (x) == cairo_image_surface_get_height (y) &&
                  cairo_image_surface_get_stride (x) == cairo_image_surface_get_stride (y);
  for (int r = y0; same && r < MIN (y1, cairo_image_surface_get_height (x)); r++)
    for (int c = x0; same && c < MIN (x1, cairo_image_surface_get_width (x)); c++) {
      const guint32 *px = (const guint32 *) (cairo_image_surface_get_data (x) + r * cairo_image_surface_get_stride (x));
      const guint32 *py = (const guint32 *) (cairo_image_surface_get_data (y) + r * cairo_image_surface_get_stride (y));
      same = (px[c] & 0xffffff) == (py[c] & 0xffffff);
    }
  cairo_surface_destroy (x);
  cairo_surface_destroy (y);
  return same;
}

static void
tick (struct fixture *f, gint64 real, gint64 mono)
{
  GError *err = NULL;
  g_assert_true (disp_client_tick (f->client, real, mono, &err));
  g_assert_no_error (err);
}

/* Three cases rotate in the order they came, rotation_s each, round and
 * round; current.png is always what is on screen; a retraction takes its
 * case off at once; past their expiry the idle screen comes; a restart goes
 * on with the same cases; at most max_cases (the newest) rotate. */
static void
three_cases_rotate_retract_expire_and_resume_after_a_restart (struct fixture *f, gconstpointer data)
{
  static const char *const IDS[] = {PACKET, PACKET2, "3c4d5e6f-0000-4000-8000-000000000003"};
  g_autofree char *current = g_build_filename (f->cfg->out_dir, "current.png", NULL);
  const gint64 S = G_USEC_PER_SEC, t0 = 1000 * S;
  tick (f, f->now, t0);
  g_assert_null (disp_client_current (f->client)); /* nothing yet: the idle screen */
  g_assert_true (g_file_test (current, G_FILE_TEST_IS_REGULAR));
  for (int i = 0; i < 3; i++) {
    g_autofree char *m = show_with (f, IDS[i], i + 1, f->now + (i + 1) * HOUR_US, "{" CONTENT_BASE ",\"faces_blurred\":true,\"profile\":\"default\",\"height_m\":1.8}");
    GError *err = NULL;
    g_assert_true (disp_client_handle (f->client, m, strlen (m), f->now + i, &err));
    g_assert_no_error (err);
  }
  /* 10 s each, in arrival order, round to the first */
  static const int ORDER[][2] = {{0, 0}, {9, 0}, {10, 1}, {19, 1}, {20, 2}, {30, 0}, {40, 1}};
  for (size_t k = 0; k < G_N_ELEMENTS (ORDER); k++) {
    tick (f, f->now, t0 + ORDER[k][0] * S);
    g_assert_cmpstr (disp_client_current (f->client), ==, IDS[ORDER[k][1]]);
    g_autofree char *shown = screen (f, IDS[ORDER[k][1]]);
    g_assert_true (same_pixels (current, shown));
  }
  /* retracted while on screen: off at once, its file gone, the next one on */
  g_autofree char *r = retract_msg (f, f->key, IDS[1], 10);
  assert_shown (f, r);
  tick (f, f->now, t0 + 41 * S);
  g_assert_cmpstr (disp_client_current (f->client), ==, IDS[2]);
  g_assert_false (on_screen (f, IDS[1]));
  /* restarted mid-rotation: the same cases go on */
  restart (f);
  tick (f, f->now, t0 + 42 * S);
  g_assert_nonnull (disp_client_current (f->client));
  tick (f, f->now, t0 + 52 * S);
  tick (f, f->now, t0 + 62 * S);
  g_autoptr (GPtrArray) cases = disp_client_on_screen (f->client);
  g_assert_cmpuint (cases->len, ==, 2);
  /* the first expires: the third alone stays on; then the idle screen */
  tick (f, f->now + HOUR_US + S, t0 + 63 * S);
  g_assert_cmpstr (disp_client_current (f->client), ==, IDS[2]);
  g_assert_false (on_screen (f, IDS[0]));
  tick (f, f->now + 3 * HOUR_US + S, t0 + 64 * S);
  g_assert_null (disp_client_current (f->client));
  g_assert_false (on_screen (f, IDS[2]));
  if (g_getenv ("CW_KEEP_SCREENS")) { /* to look at it */
    g_autofree char *cmd = g_strdup_printf ("cp '%s' '%s/idle.png'", current, g_getenv ("CW_KEEP_SCREENS"));
    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_assert_true (test_logged ("on screen now: the idle screen") > 0);
  /* max_cases: only the newest rotate */
  f->cfg->max_cases = 1;
  restart (f);
  for (int i = 0; i < 2; i++) {
    g_autofree char *id = g_strdup_printf ("4c4d5e6f-0000-4000-8000-00000000000%d", i);
    g_autofree char *m = show_with (f, id, 20 + i, f->now + HOUR_US, "{" CONTENT_BASE ",\"faces_blurred\":true,\"height_m\":1.8}");
    g_assert_true (disp_client_handle (f->client, m, strlen (m), f->now + 10 + i, NULL));
  }
  for (int k = 0; k < 3; k++) {
    tick (f, f->now, t0 + (100 + 10 * k) * S);
    g_assert_cmpstr (disp_client_current (f->client), ==, "4c4d5e6f-0000-4000-8000-000000000001");
  }
}

/* The variance of the grey level in the SIDE x SIDE square at (X, Y) of PNG. */
static double
patch_variance (const char *png, int x, int y, int side)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  double sum = 0, sum2 = 0;
  int n = 0;
  for (int r = y; r < y + side; r++)
    for (int c = x; c < x + side; c++) {
      const guint8 *p = cairo_image_surface_get_data (s) + r * cairo_image_surface_get_stride (s) + c * 4;
      double g = (p[0] + p[1] + p[2]) / 3.0;
      sum += g;
      sum2 += g * g;
      n++;
    }
  cairo_surface_destroy (s);
  return sum2 / n - (sum / n) * (sum / n);
}

/* hwcfg/PROFILES.md, case by case: what the display draws for what the
 * message says under what its own profile says (the stricter wins). */
static void
the_profile_table_case_by_case (struct fixture *f, gconstpointer data)
{
  struct {
    const char *display_profile, *content, *logged; /* logged: NULL for "with a picture" */
    gboolean head_pixelated_by_display;
  } CASES[] = {
      /* default: a measured adult, shown (the appliance blurred the head) */
      {"default", "\"faces_blurred\":true,\"profile\":\"default\",\"height_m\":1.74", NULL, FALSE},
      /* a child by calibrated height, or no height at all: never a picture */
      {"default", "\"faces_blurred\":true,\"profile\":\"default\",\"height_m\":1.21", "without a picture", FALSE},
      {"default", "\"faces_blurred\":true,\"profile\":\"default\",\"height_m\":null", "without a picture", FALSE},
      {"cn", "\"faces_blurred\":false,\"profile\":\"cn\"", "without a picture", FALSE},
      /* eu shows no one, whether the site or the screen says eu */
      {"default", "\"faces_blurred\":true,\"profile\":\"eu\",\"person_shown\":false,\"height_m\":1.8",
       "without a picture", FALSE},
      {"eu", "\"faces_blurred\":true,\"profile\":\"default\",\"height_m\":1.8", "without a picture", FALSE},
      /* cn shows faces; a default screen fed by it blurs them itself */
      {"cn", "\"faces_blurred\":false,\"profile\":\"cn\",\"height_m\":1.8", NULL, FALSE},
      {"default", "\"faces_blurred\":false,\"profile\":\"cn\",\"height_m\":1.8", NULL, TRUE},
      {"uk", "\"faces_blurred\":false,\"profile\":\"cn\",\"height_m\":1.8", NULL, TRUE},
  };
  double open_variance = -1;
  for (size_t i = 0; i < G_N_ELEMENTS (CASES); i++) {
    g_free (f->cfg->profile);
    f->cfg->profile = g_strdup (CASES[i].display_profile);
    restart (f);
    g_autofree char *id = g_strdup_printf ("5c4d5e6f-0000-4000-8000-0000000000%02d", (int) i);
    g_autofree char *content = g_strdup_printf ("{" CONTENT_BASE ",%s}", CASES[i].content);
    g_autofree char *m = show_with (f, id, (gint64) i + 1, f->now + HOUR_US, content);
    int before = test_logged ("without a picture");
    GError *err = NULL;
    g_assert_true (disp_client_handle (f->client, m, strlen (m), f->now, &err));
    g_assert_no_error (err);
    gboolean words_only = test_logged ("without a picture") > before;
    if (words_only != (CASES[i].logged != NULL))
      g_test_fail_printf ("case %zu (%s screen, %s): %s", i, CASES[i].display_profile, CASES[i].content,
                          words_only ? "drawn without a picture" : "drawn with a picture");
    g_autofree char *png = screen (f, id);
    if (g_getenv ("CW_KEEP_SCREENS")) { /* to look at them */
      g_autofree char *cmd = g_strdup_printf ("cp '%s' '%s/profile-%zu.png'", png, g_getenv ("CW_KEEP_SCREENS"), i);
      g_assert_cmpint (system (cmd), ==, 0);
    }
    /* the still (320x240, scaled 2.478 into 793x720, 62 px from the top):
     * the head of the box [100,50,40,100] is at about (290, 210) on screen */
    if (!words_only) {
      double v = patch_variance (png, 285, 205, 12);
      if (!CASES[i].head_pixelated_by_display && open_variance < 0 && !strstr (CASES[i].content, "true"))
        open_variance = v; /* cn on a cn screen: the head as the camera saw it */
      if (CASES[i].head_pixelated_by_display && !(v < 0.25 * open_variance))
        g_test_fail_printf ("case %zu: the head is not pixelated by the display (variance %.1f, open %.1f)", i, v,
                            open_variance);
    }
  }
  g_assert_cmpfloat (open_variance, >, 50);
  /* how long: a cn message valid 72 h on a default screen goes after 24 h */
  g_free (f->cfg->profile);
  f->cfg->profile = g_strdup ("default");
  restart (f);
  g_autofree char *m = show_with (f, PACKET, 100, f->now + 72 * HOUR_US,
                                  "{" CONTENT_BASE ",\"faces_blurred\":false,\"profile\":\"cn\",\"height_m\":1.8}");
  assert_shown (f, m);
  g_assert_true (disp_client_expire (f->client, f->now + 23 * HOUR_US, NULL));
  g_assert_true (on_screen (f, PACKET));
  g_assert_true (disp_client_expire (f->client, f->now + 25 * HOUR_US, NULL));
  g_assert_false (on_screen (f, PACKET));
}

/* A display whose profile, language or size changes draws its current
 * cases again from their kept signed messages at its restart: a screen
 * switched to eu shows nobody from then on, cases shown before included. */
static void
a_changed_profile_or_language_redraws_the_current_cases (struct fixture *f, gconstpointer data)
{
  g_autofree char *a = show_with (f, PACKET, 1, f->now + HOUR_US, "{" CONTENT_BASE ",\"faces_blurred\":true,\"height_m\":1.8}");
  g_autofree char *b = show_with (f, PACKET2, 2, f->now + HOUR_US, "{" CONTENT_BASE ",\"faces_blurred\":true,\"height_m\":1.8}");
  assert_shown (f, a);
  assert_shown (f, b);
  const char *redrawn = "drawn again (the display's look changed)", *gone = "leaves the screen: it cannot be drawn again";
  int without = test_logged ("without a picture"), again = test_logged (redrawn), left = test_logged (gone);
  g_free (f->cfg->profile);
  f->cfg->profile = g_strdup ("eu");
  restart (f);
  g_assert_cmpint (test_logged (redrawn), ==, again + 2);
  g_assert_cmpint (test_logged ("without a picture"), ==, without + 2);
  g_assert_true (on_screen (f, PACKET) && on_screen (f, PACKET2));
  /* the same look again: nothing is drawn again */
  restart (f);
  g_assert_cmpint (test_logged (redrawn), ==, again + 2);
  /* a kept message that is gone (or no longer passes) takes its case off */
  g_autofree char *kept = g_build_filename (f->cfg->out_dir, PACKET ".msg", NULL);
  g_assert_cmpint (g_unlink (kept), ==, 0);
  g_free (f->cfg->locale);
  f->cfg->locale = g_strdup ("de");
  restart (f);
  g_assert_false (on_screen (f, PACKET));
  g_assert_true (on_screen (f, PACKET2));
  g_assert_cmpint (test_logged (gone), ==, left + 1);
  g_autoptr (GPtrArray) cases = disp_client_on_screen (f->client);
  g_assert_cmpuint (cases->len, ==, 1);
}

/* What a hostile but validly signed show could try (a trusted key gone
 * bad, or a bug upstream) stays harmless: a retract in capitals finds the
 * show, a box far off the still pixelates the whole still (no overflow), a
 * zone name that is a path and a URL with a line break are refused. */
static void
signed_oddities_are_harmless (struct fixture *f, gconstpointer data)
{
  g_autofree char *lower = show_msg (f, f->key, "aaaaaaaa-d9cb-469f-a165-70867728950e", 3);
  assert_shown (f, lower);
  g_autofree char *upper = retract_msg (f, f->key, "AAAAAAAA-D9CB-469F-A165-70867728950E", 4);
  assert_shown (f, upper);
  g_assert_false (on_screen (f, "aaaaaaaa-d9cb-469f-a165-70867728950e"));
  g_autoptr (GPtrArray) none = disp_client_on_screen (f->client);
  g_assert_cmpuint (none->len, ==, 0);
  g_autofree char *far = show_with (f, PACKET, 5, f->now + HOUR_US,
                                    "{\"site_name\":\"x\",\"utc\":\"2026-11-26T03:16:03.120Z\",\"type\":\"red_signal\","
                                    "\"zone\":null,\"signal\":null,\"bbox\":[2000000000,0,1000000000,100],"
                                    "\"faces_blurred\":false,\"profile\":\"cn\",\"height_m\":1.8}");
  assert_shown (f, far);
  g_assert_true (on_screen (f, PACKET));
  g_autoptr (GBytes) img = jpeg (320, 240);
  static const char *const BAD[][2] = {
      {"\"timezone\":\"/etc/passwd\"", "timezone is not an IANA zone name"},
      {"\"timezone\":\"Europe/../../etc/localtime\"", "timezone is not an IANA zone name"},
      {"\"case_url\":\"https://a.example/x\\ny\"", "case_url"},
      {"\"case_url\":\"http://\"", "case_url"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (BAD); i++) {
    assert_member_refused (f, img, 10 + (gint64) i, BAD[i][0], BAD[i][1]);
  }
}

/* A display's state at its limits, with the longest ids the contract
 * allows, is written and read back (it must never lock the display out). */
static void
a_full_state_file_loads_again (struct fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "full-state.json", NULL);
  GError *err = NULL;
  struct disp_state *st = disp_state_load (path, &err);
  g_assert_no_error (err);
  for (int i = 0; i < 10000; i++) {
    g_autofree char *r = g_strdup_printf ("%064x", i), *sc = g_strdup_printf ("%064x", i + 100000);
    disp_state_retracted (st, r);
    disp_state_screen_set (st, sc, f->now + HOUR_US, f->now, "2026-12-03");
  }
  for (int i = 0; i < 5000; i++) {
    g_autofree char *k = g_strdup_printf ("%064x", i);
    if (!disp_state_key_add (st, k))
      break;
  }
  g_assert_true (disp_state_save (st, &err));
  g_assert_no_error (err);
  disp_state_free (st);
  st = disp_state_load (path, &err);
  g_assert_no_error (err);
  g_assert_nonnull (st);
  g_autoptr (GPtrArray) screens = disp_state_screens (st);
  g_assert_cmpuint (screens->len, ==, 10000);
  disp_state_free (st);
}

/* The site's rule and appeal ([review] rule_text and appeal, in [site]
 * locale) are what a screen in that language shows; a screen in another
 * language keeps its own words. Two shows differing only in the site's rule
 * draw differently exactly when the languages match. */
static void
the_sites_rule_and_appeal_show_in_their_language (struct fixture *f, gconstpointer data)
{
  static const char *const LANGS[][2] = {{"de", "differ"}, {"en", "same"}};
  for (size_t k = 0; k < G_N_ELEMENTS (LANGS); k++) {
    g_free (f->cfg->locale);
    f->cfg->locale = g_strdup (LANGS[k][0]);
    restart (f);
    g_autofree char *id1 = g_strdup_printf ("6c4d5e6f-0000-4000-8000-00000000000%zu", 2 * k);
    g_autofree char *id2 = g_strdup_printf ("6c4d5e6f-0000-4000-8000-00000000000%zu", 2 * k + 1);
    g_autofree char *m1 = show_with (f, id1, 40 + 2 * (gint64) k, f->now + HOUR_US,
                                     "{" CONTENT_BASE ",\"faces_blurred\":true,\"height_m\":1.8,\"texts_locale\":\"de\","
                                     "\"rule_text\":\"Regel A: nur bei Grün.\",\"appeal_text\":\"Einspruch beim Amt.\"}");
    g_autofree char *m2 = show_with (f, id2, 41 + 2 * (gint64) k, f->now + HOUR_US,
                                     "{" CONTENT_BASE ",\"faces_blurred\":true,\"height_m\":1.8,\"texts_locale\":\"de\","
                                     "\"rule_text\":\"Regel B: niemals bei Rot, auch nachts nicht.\",\"appeal_text\":\"Einspruch beim Amt.\"}");
    assert_shown (f, m1);
    assert_shown (f, m2);
    g_autofree char *a = screen (f, id1), *b = screen (f, id2);
    if (g_getenv ("CW_KEEP_SCREENS")) {
      g_autofree char *cmd = g_strdup_printf ("cp %s %s/rule-%zu-a.png; cp %s %s/rule-%zu-b.png", a, g_getenv ("CW_KEEP_SCREENS"), k, b, g_getenv ("CW_KEEP_SCREENS"), k);
      g_assert_cmpint (system (cmd), ==, 0);
    }
    /* the rule, under the facts on the right (the QR codes differ: other ids) */
    gboolean same = same_pixels_in (a, b, 800, 300, 1280, 480);
    if (same != !strcmp (LANGS[k][1], "same"))
      g_test_fail_printf ("a %s screen: the site's German rule was %s", LANGS[k][0], same ? "not shown" : "shown");
  }
}

/* The QR code points at the public case page the message names (the
 * site's [review] public_url); in the site's time zone when it names one. */
static void
the_qr_code_is_the_public_case_page_the_message_names (struct fixture *f, gconstpointer data)
{
  g_autofree char *m = show_with (f, PACKET, 1, f->now + HOUR_US,
                                  "{" CONTENT_BASE ",\"faces_blurred\":true,\"height_m\":1.8,\"timezone\":\"Asia/Tokyo\","
                                  "\"case_url\":\"https://review.example.net/case/" PACKET "\"}");
  assert_shown (f, m);
  g_autofree char *png = screen (f, PACKET);
  g_autofree char *out = qr_of (png);
  g_assert_cmpstr (out, ==, "https://review.example.net/case/" PACKET);
  /* hostile policy members are refused, not obeyed */
  static const char *const BAD[][2] = {
      {"\"profile\":\"anything-goes\"", "profile 'anything-goes' is not known"},
      {"\"profile\":7", "profile"},
      {"\"person_shown\":\"yes\"", "person_shown"},
      {"\"height_m\":\"tall\"", "height_m"},
      {"\"case_url\":\"javascript:alert(1)\"", "case_url"},
  };
  g_autoptr (GBytes) img = jpeg (320, 240);
  for (size_t i = 0; i < G_N_ELEMENTS (BAD); i++) {
    assert_member_refused (f, img, 10 + (gint64) i, BAD[i][0], BAD[i][1]);
  }
}

static void
assert_member_refused (struct fixture *f, GBytes *img, gint64 seq, const char *member, const char *why)
{
  g_autofree char *text = show_text (f, img, seq, NULL, NULL);
  text[strlen (text) - 1] = '\0';
  g_autofree char *hostile = g_strdup_printf ("%s,%s}", text, member);
  g_autofree char *payload = hand_signed (f->key, hostile, img);
  assert_refused (f, payload, strlen (payload), why);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* refusals are warned about (some from the MQTT thread): expected here */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  test_log_capture ();
#define ADD(name) g_test_add ("/display/" #name, struct fixture, NULL, fixture_set_up, name, fixture_tear_down)
  ADD (signed_show_is_rendered_with_a_qr_code_of_the_case_url);
  ADD (each_locale_renders_every_word_and_a_decodable_qr_code);
  ADD (a_key_handover_from_a_trusted_key_is_followed);
  ADD (unsigned_show_is_refused);
  ADD (show_signed_by_an_untrusted_key_is_refused);
  ADD (show_altered_after_signing_is_refused);
  ADD (forged_retract_is_refused);
  ADD (replay_after_retraction_is_refused_also_after_a_restart);
  ADD (shows_are_taken_in_any_order_retracts_only_newer);
  ADD (three_cases_rotate_retract_expire_and_resume_after_a_restart);
  ADD (the_profile_table_case_by_case);
  ADD (a_changed_profile_or_language_redraws_the_current_cases);
  ADD (signed_oddities_are_harmless);
  ADD (the_sites_rule_and_appeal_show_in_their_language);
  ADD (a_full_state_file_loads_again);
  ADD (the_qr_code_is_the_public_case_page_the_message_names);
  ADD (expired_message_is_refused);
  ADD (message_for_another_display_is_refused);
  ADD (screen_is_removed_when_its_show_expires_also_after_a_restart);
  ADD (members_of_the_wrong_type_are_refused_not_crashed_on);
  ADD (hostile_images_are_refused_before_decoding);
  ADD (renderer_survives_a_decoder_failure_and_a_failed_surface);
  ADD (deep_json_is_refused_before_parsing);
  ADD (oversized_payload_is_refused);
  ADD (corrupt_or_hostile_state_file_is_an_error_not_a_crash);
  ADD (display_without_trusted_keys_does_not_start);
  ADD (builder_refuses_what_a_display_would_refuse);
  ADD (through_a_broker_a_retained_forgery_is_refused_and_a_signed_show_rendered);
  ADD (through_a_broker_the_status_is_retained_and_a_tls_mismatch_reported);
  g_test_add_func ("/display/jpeg_header_reader_stays_in_bounds", jpeg_header_reader_stays_in_bounds);
  return g_test_run ();
}
