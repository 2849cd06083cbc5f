#include "disp_render.h"
#include "disp_words.h"

#include "cv_shim.h"
#include "evid_display_msg.h"
#include "evid_json_guard.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

G_DEFINE_QUARK (disp-error-quark, disp_error)

char *
disp_case_url (const char *base, const char *packet_id)
{
  return g_strconcat (base, packet_id, NULL);
}

static const char *
headline (const struct disp_words *w, const char *type)
{
  if (g_strcmp0 (type, "red_signal") == 0)
    return w->red_signal;
  if (g_strcmp0 (type, "outside_crosswalk") == 0)
    return w->outside_crosswalk;
  return w->other_offence;
}

/* The signal at entry in words ("red man, red for 12 s"). */
static char *
signal_words (const struct disp_words *w, JsonObject *sig)
{
  const char *phase = sig ? evid_json_member_string (sig, "phase", TRUE, NULL) : NULL;
  if (!phase)
    return g_strdup (w->no_signal);
  if (!strcmp (phase, "WALK"))
    return g_strdup (w->walk);
  if (!strcmp (phase, "CLEARANCE"))
    return g_strdup (w->clearance);
  if (strcmp (phase, "DONT_WALK"))
    return g_strdup (w->no_signal);
  double elapsed = 0;
  JsonNode *n = json_object_get_member (sig, "elapsed_s");
  if (!n || !evid_json_node_number (n, &elapsed) || elapsed < 0 || elapsed > 3600)
    return g_strdup (w->dont_walk);
  g_autofree char *secs = g_strdup_printf (w->seconds_red, elapsed);
  return g_strdup_printf ("%s, %s", w->dont_walk, secs);
}

/* UTC (ISO 8601) as local time in TZ with the zone's abbreviation. */
static char *
local_time (const char *utc, GTimeZone *tz)
{
  g_autoptr (GDateTime) t = utc && *utc ? g_date_time_new_from_iso8601 (utc, NULL) : NULL;
  if (!t)
    return g_strdup ("");
  g_autoptr (GDateTime) local = tz ? g_date_time_to_timezone (t, tz) : g_date_time_to_local (t);
  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M %Z") : g_strdup (utc);
}

/* Draws TEXT wrapped to WIDTH at (X, Y); returns its height. */
static double
draw_text (cairo_t *cr, double x, double y, double width, const char *font, const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  pango_font_description_free (desc);
  g_object_unref (layout);
  return h;
}

/* The QR code of URL with its quiet zone, SIZE pixels square at (X, Y). */
static gboolean
draw_qr (cairo_t *cr, const char *url, double x, double y, double size, GError **error)
{
  QRcode *qr = QRcode_encodeString (url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!qr) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "cannot encode '%s' as a QR code", url);
    return FALSE;
  }
  int modules = qr->width + 8; /* 4 modules of quiet zone on each side */
  double m = floor (size / modules);
  double side = m * modules;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, side, side);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int r = 0; r < qr->width; r++)
    for (int c = 0; c < qr->width; c++)
      if (qr->data[r * qr->width + c] & 1)
        cairo_rectangle (cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
  cairo_fill (cr);
  QRcode_free (qr);
  return TRUE;
}

/* JPEG only, its size read from the frame header before anything is
 * decoded (a 700-byte file can claim 40000x1 or 8000x8000 pixels). */
static gboolean
still_size_ok (GBytes *jpeg, int *w, int *h, GError **error)
{
  gsize len;
  const guint8 *data = jpeg ? g_bytes_get_data (jpeg, &len) : NULL;
  GError *local = NULL;
  if (!data || !evid_jpeg_size (data, len, w, h, &local)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message image: %s",
                 local ? local->message : "missing");
    g_clear_error (&local);
    return FALSE;
  }
  if (*w <= 0 || *h <= 0 || *w > EVID_DISPLAY_IMAGE_MAX_SIDE || *h > EVID_DISPLAY_IMAGE_MAX_SIDE) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message image too large or empty (%dx%d)", *w, *h);
    return FALSE;
  }
  return TRUE;
}

static cairo_surface_t *
decode_still (GBytes *jpeg, GError **error)
{
  int hw, hh;
  if (!still_size_ok (jpeg, &hw, &hh, error))
    return NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  unsigned char *px = NULL;
  int w = 0, h = 0, stride = 0;
  if (cv_decode_bgra (data, len, &px, &w, &h, &stride) != CV_OK) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message image does not decode: %s",
                 cv_last_error ());
    return NULL;
  }
  cairo_surface_t *s = NULL;
  if (w != hw || h != hh || stride < w * 4) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message image decodes to %dx%d, its header says %dx%d",
                 w, h, hw, hh);
    goto out;
  }
  /* cairo's ARGB32 is BGRA in memory on little-endian, as decoded (opaque). */
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status (s) != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "no %dx%d surface for the still: %s", w, h,
                 cairo_status_to_string (cairo_surface_status (s)));
    g_clear_pointer (&s, cairo_surface_destroy);
    goto out;
  }
  cairo_surface_flush (s);
  unsigned char *dst = cairo_image_surface_get_data (s);
  int dst_stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < h; y++)
    memcpy (dst + (size_t) y * dst_stride, px + (size_t) y * stride, (size_t) w * 4);
  cairo_surface_mark_dirty (s);
out:
  cv_free (px);
  return s;
}

/* CONTENT's string member NAME, or "" when missing or not a string. */
static const char *
text_of (JsonObject *content, const char *name)
{
  const char *s = content ? evid_json_member_string (content, name, TRUE, NULL) : NULL;
  return s ? s : "";
}

static void
draw_still (cairo_t *cr, cairo_surface_t *still, JsonObject *content, double area_w, double area_h)
{
  double iw = cairo_image_surface_get_width (still), ih = cairo_image_surface_get_height (still);
  double k = fmin (area_w / iw, area_h / ih);
  double ox = (area_w - iw * k) / 2, oy = (area_h - ih * k) / 2;
  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, k, k);
  cairo_set_source_surface (cr, still, 0, 0);
  cairo_paint (cr);
  JsonArray *bbox = evid_json_member_array (content, "bbox", TRUE, NULL);
  double box[4];
  gboolean ok = bbox && json_array_get_length (bbox) == 4;
  for (guint i = 0; ok && i < 4; i++)
    ok = evid_json_node_number (json_array_get_element (bbox, i), &box[i]);
  if (ok) {
    cairo_set_source_rgb (cr, 1, 0.1, 0.1);
    cairo_set_line_width (cr, 3 / k);
    cairo_rectangle (cr, box[0], box[1], box[2], box[3]);
    cairo_stroke (cr);
  }
  cairo_restore (cr);
}

/* The screen on CR: the still on the left, what, when, where and the case's
 * QR code on the right. */
static gboolean
draw_screen (cairo_t *cr, cairo_surface_t *still, JsonObject *content, const char *case_url,
             const struct disp_look *look, int width, int height, GError **error)
{
  const struct disp_words *w = look && look->words ? look->words : disp_words_for ("en");
  double panel_x = width * 0.62, panel_w = width - panel_x;
  cairo_set_source_rgb (cr, 0, 0, 0); /* high contrast: white and yellow on black */
  cairo_paint (cr);
  draw_still (cr, still, content, panel_x, height);

  JsonObject *sig = evid_json_member_object (content, "signal", TRUE, NULL);
  g_autofree char *when = local_time (text_of (content, "utc"), look ? look->tz : NULL);
  g_autofree char *signal = signal_words (w, sig);
  /* sizes follow the screen's height: legible across a street */
  int big = MAX (12, height / 24), normal = MAX (9, height / 40), small = MAX (8, height / 56);
  double pad = width * 0.015, y = pad;
  g_autofree char *head_font = g_strdup_printf ("%s Bold %d", w->font, big);
  g_autofree char *label_font = g_strdup_printf ("%s %d", w->font, small);
  g_autofree char *text_font = g_strdup_printf ("%s Bold %d", w->font, normal);
  g_autofree char *body_font = g_strdup_printf ("%s %d", w->font, small);
  cairo_set_source_rgb (cr, 1, 0.85, 0);
  y += draw_text (cr, panel_x + pad, y, panel_w - 2 * pad, head_font, headline (w, text_of (content, "type"))) + pad;
  const char *const labels[] = {w->when, w->where, w->signal};
  const char *const values[] = {when, text_of (content, "site_name"), signal};
  for (int i = 0; i < 3; i++) {
    cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
    y += draw_text (cr, panel_x + pad, y, panel_w - 2 * pad, label_font, labels[i]);
    cairo_set_source_rgb (cr, 1, 1, 1);
    y += draw_text (cr, panel_x + pad, y, panel_w - 2 * pad, text_font, values[i]) + pad * 0.6;
  }
  double qr_size = fmin (panel_w * 0.45, height * 0.3);
  double qr_y = height - qr_size - pad;
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (cr, panel_x + pad, y, panel_w - 2 * pad, body_font,
             look && look->rule ? look->rule : w->rule);
  if (!draw_qr (cr, case_url, panel_x + pad, qr_y, qr_size, error))
    return FALSE;
  double beside = panel_x + 2 * pad + qr_size, beside_w = width - beside - pad;
  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  double h = draw_text (cr, beside, qr_y, beside_w, body_font, w->scan);
  draw_text (cr, beside, qr_y + h + pad, beside_w, body_font, look && look->appeal ? look->appeal : w->appeal);
  return TRUE;
}

gboolean
disp_render_png (JsonObject *content, GBytes *jpeg, const char *case_url, const struct disp_look *look, int width,
                 int height, const char *path, GError **error)
{
  g_return_val_if_fail (content && case_url && path, FALSE);
  cairo_surface_t *still = decode_still (jpeg, error);
  if (!still)
    return FALSE;
  cairo_surface_t *screen = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (screen);
  gboolean ok = FALSE;
  cairo_status_t st = cairo_status (cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "no %dx%d screen surface: %s", width, height,
                 cairo_status_to_string (st));
    goto out;
  }
  if (!draw_screen (cr, still, content, case_url, look, width, height, error))
    goto out;
  cairo_surface_flush (screen);
  st = cairo_surface_write_to_png (screen, path);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path, cairo_status_to_string (st));
    goto out;
  }
  ok = TRUE;
out:
  cairo_destroy (cr);
  cairo_surface_destroy (screen);
  cairo_surface_destroy (still);
  return ok;
}
