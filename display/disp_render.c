#include "disp_render.h"

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
headline (const char *type)
{
  if (g_strcmp0 (type, "red_signal") == 0)
    return "Crossed on a red signal";
  if (g_strcmp0 (type, "outside_crosswalk") == 0)
    return "Crossed outside the crosswalk";
  return "Crossing violation";
}

static void
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
  pango_font_description_free (desc);
  g_object_unref (layout);
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
draw_screen (cairo_t *cr, cairo_surface_t *still, JsonObject *content, const char *case_url, int width, int height,
             GError **error)
{
  double panel_x = width * 0.68, panel_w = width - panel_x;
  cairo_set_source_rgb (cr, 0.08, 0.08, 0.1);
  cairo_paint (cr);
  draw_still (cr, still, content, panel_x, height);

  const char *utc = text_of (content, "utc");
  JsonObject *sig = evid_json_member_object (content, "signal", TRUE, NULL);
  const char *phase = sig ? evid_json_member_string (sig, "phase", TRUE, NULL) : NULL;
  g_autofree char *details = g_strdup_printf (
      "%s\n\nTime (UTC)\n%.10s %.8s\n\nPlace\n%s\n%s\n\nSignal\n%s", headline (text_of (content, "type")), utc,
      strlen (utc) > 11 ? utc + 11 : "", text_of (content, "site_name"), text_of (content, "zone"),
      sig ? (phase ? phase : "?") : "no signal");
  double pad = width * 0.015;
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (cr, panel_x + pad, pad, panel_w - 2 * pad, "DejaVu Sans Bold 16", details);
  double qr_size = fmin (panel_w - 2 * pad, height * 0.42);
  if (!draw_qr (cr, case_url, panel_x + pad, height - qr_size - pad * 3, qr_size, error))
    return FALSE;
  cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
  draw_text (cr, panel_x + pad, height - pad * 2.6, panel_w - 2 * pad, "DejaVu Sans 10", "Scan for the case record");
  return TRUE;
}

gboolean
disp_render_png (JsonObject *content, GBytes *jpeg, const char *case_url, int width, int height, const char *path,
                 GError **error)
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
  if (!draw_screen (cr, still, content, case_url, width, height, error))
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
