#include "evid_publication.h"

#include "cv_shim.h"

#include "evid_frame.h"
#include "evid_json.h"
#include "evid_json_guard.h"
#include "evid_seal.h"
#include "hwcfg_profile.h"

#include <math.h>
#include <string.h>

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

/* The violator's calibrated height: the liveness geometry check's
 * measurement (liveness/README.md); NaN when it was not measured. */
static double
packet_height_m (JsonObject *pkt)
{
  JsonObject *live = evid_json_member_object (pkt, "liveness", TRUE, NULL);
  JsonObject *checks = live ? evid_json_member_object (live, "checks", TRUE, NULL) : NULL;
  JsonObject *geometry = checks ? evid_json_member_object (checks, "geometry", TRUE, NULL) : NULL;
  JsonNode *n = geometry ? json_object_get_member (geometry, "height_m") : NULL;
  double h;
  return n && evid_json_node_number (n, &h) && h > 0 ? h : NAN;
}

/* The site's profile (hwcfg/PROFILES.md); an unknown name (the loader
 * refuses one) as the strictest. */
static const struct hwcfg_profile *
site_profile (const struct hwcfg *cfg)
{
  const struct hwcfg_profile *p = hwcfg_profile_find (cfg->profile);
  return p ? p : hwcfg_profile_find ("eu");
}

/* ROW's record as an object, parsed by PARSER (which owns it). */
static JsonObject *
record_of (const struct evid_packet_row *row, JsonParser *parser, GError **error)
{
  if (!json_parser_load_from_data (parser, row->json, -1, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_INTEGRITY, "packet %s: the record is not a JSON object", row->id);
    return NULL;
  }
  return json_node_get_object (root);
}

gboolean
evid_publication_person_shown (const struct evid_packet_row *row, const struct hwcfg *cfg, double *out_height_m)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *pkt = record_of (row, parser, NULL);
  double h = pkt ? packet_height_m (pkt) : NAN;
  if (out_height_m)
    *out_height_m = h;
  return hwcfg_profile_may_show_person (site_profile (cfg), h);
}

/* The decision still, JPEG: when BLUR, the violator's head and everything
 * around the violator are blurred; everything around the violator is
 * blurred too when the profile does not show bystanders. */
static GBytes *
public_image (struct evid_store *st, const char *id, JsonObject *pkt, gboolean blur, gboolean blur_around,
              GError **error)
{
  g_autoptr (GBytes) jpg = evid_store_media (st, id, "overview_decision", NULL, error);
  if (!jpg)
    return NULL;
  if (!blur && !blur_around)
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
  if (blur) {
    blur_head (&img, bbox);
    JsonArray *others = json_object_has_member (pkt, "others_bbox") ? json_object_get_array_member (pkt, "others_bbox")
                                                                    : NULL;
    for (guint i = 0; others && i < json_array_get_length (others); i++)
      blur_head (&img, json_array_get_array_element (others, i)); /* those close to the violator */
  }
  if (blur_around)
    blur_outside (&img, bbox);
  unsigned char *out = NULL;
  size_t out_len = 0;
  cv_status rc = cv_jpeg_encode (&img, 90, &out, &out_len);
  cv_free (img.data);
  if (rc != CV_OK) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "packet %s: cannot encode public image: %s", id, cv_last_error ());
    return NULL;
  }
  return evid_bytes_take_cv (out, out_len);
}

static GBytes *
builder_bytes (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  char *text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* What a screen shows besides the image: copied into the signed display
 * message (evid_display_msg.h), with what the site's profile allows. */
static JsonObject *
display_content (const char *packet_id, JsonObject *pkt, const struct hwcfg *cfg, gboolean person)
{
  JsonObject *c = json_object_new ();
  static const char *const MEMBERS[] = {"site_name", "utc", "type", "zone", "signal", "bbox"};
  for (size_t i = 0; i < G_N_ELEMENTS (MEMBERS); i++) {
    JsonNode *n = json_object_get_member (pkt, MEMBERS[i]);
    if (n)
      json_object_set_member (c, MEMBERS[i], json_node_copy (n));
  }
  const struct hwcfg_profile *prof = site_profile (cfg);
  json_object_set_boolean_member (c, "faces_blurred", !prof->faces_shown);
  json_object_set_string_member (c, "profile", prof->name);
  json_object_set_boolean_member (c, "person_shown", person);
  double h = packet_height_m (pkt);
  if (isfinite (h))
    json_object_set_double_member (c, "height_m", round (h * 100) / 100);
  else
    json_object_set_null_member (c, "height_m");
  if (cfg->timezone)
    json_object_set_string_member (c, "timezone", cfg->timezone);
  else
    json_object_set_null_member (c, "timezone");
  /* the site's rule and appeal, as its public case page states them, in
   * the language they are written in: a screen in that language shows them */
  json_object_set_string_member (c, "texts_locale", cfg->locale ? cfg->locale : "en");
  json_object_set_string_member (c, "rule_text", cfg->review.rule_text ? cfg->review.rule_text : "");
  json_object_set_string_member (c, "appeal_text", cfg->review.appeal ? cfg->review.appeal : "");
  if (cfg->review.public_url) {
    g_autofree char *base = g_strdup (cfg->review.public_url);
    while (*base && base[strlen (base) - 1] == '/')
      base[strlen (base) - 1] = '\0';
    g_autofree char *url = g_strdup_printf ("%s/case/%s", base, packet_id);
    json_object_set_string_member (c, "case_url", url);
  } else {
    json_object_set_null_member (c, "case_url");
  }
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
  JsonObject *pkt = record_of (row, parser, error);
  if (!pkt)
    return NULL;
  const struct hwcfg_profile *prof = site_profile (cfg);
  return public_image (st, row->id, pkt, !prof->faces_shown, !prof->bystanders_shown, error);
}

GArray *
evid_publication_build (struct evid_store *st, const struct evid_packet_row *row, const struct hwcfg *cfg,
                        GError **error)
{
  GBytes *evidence = evidence_payload (st, row, cfg, error);
  if (!evidence)
    return NULL;
  GArray *msgs = g_array_new (FALSE, TRUE, sizeof (struct evid_outbox_msg));
  struct evid_outbox_msg m = {.topic = g_strdup_printf ("crosswatch/%s/evidence", cfg->site_id), .payload = evidence};
  g_array_append_val (msgs, m);
  return msgs;
}

gint64
evid_publication_show_until (const struct hwcfg *cfg, gint64 confirmed_us)
{
  int hours = MIN (cfg->mqtt.show_hours, site_profile (cfg)->max_show_hours);
  return confirmed_us + (gint64) hours * 3600 * G_USEC_PER_SEC;
}

GArray *
evid_publication_display_shows (struct evid_store *st, const struct evid_packet_row *row, const struct hwcfg *cfg,
                                const char *const *display_ids, gint64 expires_us, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *pkt = record_of (row, parser, error);
  if (!pkt)
    return NULL;
  const struct hwcfg_profile *prof = site_profile (cfg);
  /* no picture of anyone under a profile that shows no person, nor of a
   * child (or someone whose height could not be measured) */
  gboolean person = hwcfg_profile_may_show_person (prof, packet_height_m (pkt));
  g_autoptr (GBytes) image =
      person ? public_image (st, row->id, pkt, !prof->faces_shown, !prof->bystanders_shown, error) : NULL;
  if (person && !image)
    return NULL;
  GArray *msgs = g_array_new (FALSE, TRUE, sizeof (struct evid_outbox_msg));
  for (const char *const *d = display_ids; d && *d; d++) {
    /* retained on the display's case topic until its expiry, so a display
     * that comes (back) later still gets it; signed by the store as it is
     * queued, with the next sequence number */
    struct evid_outbox_msg dm = {
        .topic = g_strdup_printf ("crosswatch/%s/display/%s/case/%s", cfg->site_id, *d, row->id),
        .retain = true,
        .display_id = g_strdup (*d),
        .display_content = display_content (row->id, pkt, cfg, person),
        .display_image = image ? g_bytes_ref (image) : NULL,
        .display_expires_us = expires_us,
    };
    g_array_append_val (msgs, dm);
  }
  return msgs;
}

int
evid_publication_sync_displays (struct evid_store *st, const struct hwcfg *cfg, gint64 now_us, GError **error)
{
  const char *const *displays = (const char *const *) cfg->mqtt.displays;
  if (!displays || !*displays)
    return 0;
  g_autofree char *since = evid_utc_format (now_us - (evid_publication_show_until (cfg, 0)));
  g_autoptr (GPtrArray) due = evid_store_display_due (st, displays, since, error);
  if (!due)
    return -1;
  int queued = 0;
  for (guint i = 0; i < due->len;) {
    /* the rows of one case are together (ordered by case, then display) */
    const struct evid_display_due *first = g_ptr_array_index (due, i);
    g_autoptr (GPtrArray) ids = g_ptr_array_new ();
    guint j = i;
    for (; j < due->len && !strcmp (((struct evid_display_due *) g_ptr_array_index (due, j))->packet_id,
                                    first->packet_id); j++)
      g_ptr_array_add (ids, ((struct evid_display_due *) g_ptr_array_index (due, j))->display_id);
    g_ptr_array_add (ids, NULL);
    g_autoptr (GDateTime) confirmed = g_date_time_new_from_iso8601 (first->confirmed_utc, NULL);
    gint64 until = confirmed ? evid_publication_show_until (cfg, g_date_time_to_unix (confirmed) * G_USEC_PER_SEC + g_date_time_get_microsecond (confirmed)) : 0;
    GError *local = NULL;
    struct evid_packet_row *row = until > now_us ? evid_store_get (st, first->packet_id, &local) : NULL;
    GArray *msgs = row ? evid_publication_display_shows (st, row, cfg, (const char *const *) ids->pdata, until, &local)
                       : NULL;
    if (msgs && evid_store_queue_display (st, first->packet_id, (struct evid_outbox_msg *) msgs->data, (int) msgs->len,
                                          &local))
      queued += (int) msgs->len;
    evid_publication_free (msgs);
    evid_packet_row_free (row);
    if (local && local->domain == EVID_ERROR && (local->code == EVID_ERROR_DB || local->code == EVID_ERROR_FULL)) {
      g_propagate_error (error, local);
      return -1;
    }
    if (local) /* this case cannot go out (reversed meanwhile, its still damaged): said, and the rest go on */
      g_warning ("display shows of packet %s not queued: %s", first->packet_id, local->message);
    g_clear_error (&local);
    i = j;
  }
  return queued;
}
