#include "evid_publication.h"

#include "cv_shim.h"

#include "evid_json.h"
#include "evid_seal.h"

#include <json-glib/json-glib.h>

/* The head is the top fifth of a standing person's box; a margin covers
 * hair, hats and box jitter. */
#define HEAD_FRACTION 0.25
#define HEAD_MARGIN 0.2

static void
blur_head (struct cv_image *img, JsonArray *box)
{
  if (!box || json_array_get_length (box) != 4)
    return;
  double x = json_array_get_double_element (box, 0), y = json_array_get_double_element (box, 1);
  double w = json_array_get_double_element (box, 2), h = json_array_get_double_element (box, 3);
  double mx = w * HEAD_MARGIN;
  cv_blur_region (img, (int) (x - mx), (int) (y - mx), (int) (w + 2 * mx), (int) (h * HEAD_FRACTION + 2 * mx));
}

/* Everything but BOX (x, y, w, h, grown by MARGIN) pixelated: bystanders the
 * detector missed must not be recognisable on a public screen either. */
#define CONTEXT_MARGIN 0.15

static void
blur_outside (struct cv_image *img, JsonArray *box)
{
  if (!box || json_array_get_length (box) != 4) {
    cv_blur_region (img, 0, 0, img->width, img->height);
    return;
  }
  double w = json_array_get_double_element (box, 2), h = json_array_get_double_element (box, 3);
  int x0 = (int) (json_array_get_double_element (box, 0) - w * CONTEXT_MARGIN);
  int y0 = (int) (json_array_get_double_element (box, 1) - h * CONTEXT_MARGIN);
  int x1 = (int) (x0 + w * (1 + 2 * CONTEXT_MARGIN)), y1 = (int) (y0 + h * (1 + 2 * CONTEXT_MARGIN));
  x0 = MAX (0, x0);
  y0 = MAX (0, y0);
  x1 = MIN (img->width, x1);
  y1 = MIN (img->height, y1);
  cv_blur_region (img, 0, 0, img->width, y0);                /* above */
  cv_blur_region (img, 0, y1, img->width, img->height - y1); /* below */
  cv_blur_region (img, 0, y0, x0, y1 - y0);                  /* left */
  cv_blur_region (img, x1, y0, img->width - x1, y1 - y0);    /* right */
}

/* The decision still, JPEG: when BLUR, the violator's head and everything
 * around the violator are blurred. */
static GBytes *
public_image (struct evid_store *st, const char *id, JsonObject *pkt, gboolean blur, GError **error)
{
  g_autoptr (GBytes) jpg = evid_store_media (st, id, "overview_decision", NULL, error);
  if (!jpg)
    return NULL;
  if (!blur)
    return g_bytes_ref (jpg);
  gsize len;
  const unsigned char *data = g_bytes_get_data (jpg, &len);
  struct cv_image img = {0};
  img.channels = 4;
  if (cv_decode_bgra (data, len, &img.data, &img.width, &img.height, &img.stride) != CV_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "packet %s: overview image does not decode: %s", id,
                 cv_last_error ());
    return NULL;
  }
  JsonArray *bbox = json_object_has_member (pkt, "bbox") ? json_object_get_array_member (pkt, "bbox") : NULL;
  blur_head (&img, bbox);
  JsonArray *others = json_object_has_member (pkt, "others_bbox") ? json_object_get_array_member (pkt, "others_bbox")
                                                                  : NULL;
  for (guint i = 0; others && i < json_array_get_length (others); i++)
    blur_head (&img, json_array_get_array_element (others, i)); /* those close to the violator */
  blur_outside (&img, bbox);
  unsigned char *out = NULL;
  size_t out_len = 0;
  cv_status rc = cv_jpeg_encode (&img, 90, &out, &out_len);
  cv_free (img.data);
  if (rc != CV_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "packet %s: cannot encode public image: %s", id, cv_last_error ());
    return NULL;
  }
  GBytes *b = g_bytes_new (out, out_len);
  cv_free (out);
  return b;
}

static GBytes *
builder_bytes (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  char *text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* What a screen shows besides the image: copied into the signed display
 * message (evid_display_msg.h). */
static JsonObject *
display_content (JsonObject *pkt, gboolean blurred)
{
  JsonObject *c = json_object_new ();
  static const char *const MEMBERS[] = {"site_name", "utc", "type", "zone", "signal", "bbox"};
  for (size_t i = 0; i < G_N_ELEMENTS (MEMBERS); i++) {
    JsonNode *n = json_object_get_member (pkt, MEMBERS[i]);
    if (n)
      json_object_set_member (c, MEMBERS[i], json_node_copy (n));
  }
  json_object_set_boolean_member (c, "faces_blurred", blurred);
  return c;
}

/* The packet for the back office: the record exactly as hashed and signed,
 * and its media sealed to the back office's key (evid_seal.h). Without that
 * key the media stay in the cabinet: nobody on the bus sees faces. */
static GBytes *
evidence_payload (struct evid_store *st, const struct evid_packet_row *row, const struct hwcfg *cfg, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_string (b, "packet", row->json);
  evid_json_string (b, "packet_sha256", row->json_sha256);
  evid_json_string (b, "signature", row->signature);
  if (!cfg->mqtt.backoffice_pubkey) {
    evid_json_bool (b, "media_withheld", TRUE);
    json_builder_end_object (b);
    return builder_bytes (b);
  }
  unsigned char recipient[32];
  if (!evid_seal_read_public (cfg->mqtt.backoffice_pubkey, recipient, error)) {
    g_prefix_error (error, "[mqtt] backoffice_pubkey: ");
    return NULL;
  }
  g_autoptr (GPtrArray) names = evid_store_media_names (st, row->id, error);
  if (!names)
    return NULL;
  g_autoptr (JsonBuilder) mb = json_builder_new ();
  json_builder_begin_object (mb);
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    g_autoptr (GBytes) m = evid_store_media (st, row->id, name, NULL, error);
    if (!m)
      return NULL;
    gsize len;
    const guchar *data = g_bytes_get_data (m, &len);
    g_autofree char *b64 = g_base64_encode (data, len);
    evid_json_string (mb, name, b64);
  }
  json_builder_end_object (mb);
  g_autoptr (GBytes) plain = builder_bytes (mb);
  g_autoptr (GBytes) box = evid_seal (recipient, plain);
  g_autofree char *box_b64 = g_base64_encode (g_bytes_get_data (box, NULL), g_bytes_get_size (box));
  g_autofree char *recipient_hex = g_malloc (65);
  for (int i = 0; i < 32; i++)
    g_snprintf (recipient_hex + 2 * i, 3, "%02x", recipient[i]);
  json_builder_set_member_name (b, "media_sealed");
  json_builder_begin_object (b);
  evid_json_string (b, "recipient", recipient_hex);
  evid_json_string (b, "box_b64", box_b64);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_bytes (b);
}

void
evid_publication_free (GArray *msgs)
{
  if (!msgs)
    return;
  for (guint i = 0; i < msgs->len; i++) {
    struct evid_outbox_msg *m = &g_array_index (msgs, struct evid_outbox_msg, i);
    g_free (m->topic);
    if (m->payload)
      g_bytes_unref (m->payload);
    g_free (m->display_id);
    if (m->display_content)
      json_object_unref (m->display_content);
    if (m->display_image)
      g_bytes_unref (m->display_image);
  }
  g_array_free (msgs, TRUE);
}

GBytes *
evid_publication_public_image (struct evid_store *st, const struct evid_packet_row *row, const struct hwcfg *cfg,
                               GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, row->json, -1, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "packet %s: the record is not a JSON object", row->id);
    return NULL;
  }
  return public_image (st, row->id, json_node_get_object (root), !cfg->profile_shows_faces, error);
}

GArray *
evid_publication_build (struct evid_store *st, const struct evid_packet_row *row, const struct hwcfg *cfg,
                        GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, row->json, -1, error))
    return NULL;
  JsonObject *pkt = json_node_get_object (json_parser_get_root (parser));
  gboolean blur = !cfg->profile_shows_faces;
  g_autoptr (GBytes) image = public_image (st, row->id, pkt, blur, error);
  if (!image)
    return NULL;
  GBytes *evidence = evidence_payload (st, row, cfg, error);
  if (!evidence)
    return NULL;
  GArray *msgs = g_array_new (FALSE, TRUE, sizeof (struct evid_outbox_msg));
  struct evid_outbox_msg m = {.topic = g_strdup_printf ("crosswatch/%s/evidence", cfg->site_id), .payload = evidence};
  g_array_append_val (msgs, m);
  gint64 expires = g_get_real_time () + (gint64) cfg->mqtt.show_hours * 3600 * G_USEC_PER_SEC;
  for (char **d = cfg->mqtt.displays; *d; d++) {
    /* signed by the store as it queues them, with the next sequence number */
    struct evid_outbox_msg dm = {
        .topic = g_strdup_printf ("crosswatch/%s/display/%s", cfg->site_id, *d),
        .display_id = g_strdup (*d),
        .display_content = display_content (pkt, blur),
        .display_image = g_bytes_ref (image),
        .display_expires_us = expires,
    };
    g_array_append_val (msgs, dm);
  }
  return msgs;
}
