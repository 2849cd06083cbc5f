#include "disp_render.h"
#include "disp_words.h"

#include "cv_shim.h"
#include "evid_display_msg.h"
#include "evid_json_guard.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <errno.h>
#include <glib/gstdio.h>
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

/* CONTENT's bbox as four numbers; FALSE when it has none. */
static gboolean
bbox_of (JsonObject *content, double box[4])
{
  JsonArray *bbox = evid_json_member_array (content, "bbox", TRUE, NULL);
  gboolean ok = bbox && json_array_get_length (bbox) == 4;
  /* a box on a still of at most EVID_DISPLAY_IMAGE_MAX_SIDE a side: far
   * beyond it is no box (the whole still is then pixelated), and every
   * pixel sum stays within an int */
  for (guint i = 0; ok && i < 4; i++)
    ok = evid_json_node_number (json_array_get_element (bbox, i), &box[i]) &&
         fabs (box[i]) <= 4.0 * EVID_DISPLAY_IMAGE_MAX_SIDE;
  return ok && box[2] > 0 && box[3] > 0;
}

/* Replaces each BLOCK x BLOCK cell of the rectangle (clipped to the image)
 * with its mean colour: nothing in it can be recognised. */
static void
pixelate (cairo_surface_t *img, int x0, int y0, int w, int h, int block)
{
  int iw = cairo_image_surface_get_width (img), ih = cairo_image_surface_get_height (img);
  int x1 = MIN (iw, x0 + w), y1 = MIN (ih, y0 + h);
  x0 = MAX (0, x0);
  y0 = MAX (0, y0);
  cairo_surface_flush (img);
  unsigned char *px = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  for (int by = y0; by < y1; by += block)
    for (int bx = x0; bx < x1; bx += block) {
      int ex = MIN (x1, bx + block), ey = MIN (y1, by + block);
      guint64 sum[3] = {0, 0, 0}, n = (guint64) (ex - bx) * (guint64) (ey - by);
      for (int y = by; y < ey; y++)
        for (int x = bx; x < ex; x++)
          for (int c = 0; c < 3; c++)
            sum[c] += px[(size_t) y * stride + (size_t) x * 4 + c];
      for (int y = by; y < ey; y++)
        for (int x = bx; x < ex; x++)
          for (int c = 0; c < 3; c++)
            px[(size_t) y * stride + (size_t) x * 4 + c] = (unsigned char) (sum[c] / n);
    }
  cairo_surface_mark_dirty (img);
}

/* What the display's profile asks beyond what the appliance did: the
 * violator's head and everything around the violator pixelated (as
 * evidence/evid_publication.c blurs them: head = top quarter of the box with
 * a fifth of its width around it; surroundings = outside the box grown by
 * 15 %). Without a box the whole still goes. */
static void
redact_still (cairo_surface_t *still, JsonObject *content, gboolean head, gboolean surroundings)
{
  int iw = cairo_image_surface_get_width (still), ih = cairo_image_surface_get_height (still);
  int block = MAX (8, MIN (iw, ih) / 40);
  double b[4];
  if (!bbox_of (content, b)) {
    if (head || surroundings)
      pixelate (still, 0, 0, iw, ih, block);
    return;
  }
  if (head) {
    double m = b[2] * 0.2;
    pixelate (still, (int) (b[0] - m), (int) (b[1] - m), (int) (b[2] + 2 * m), (int) (b[3] * 0.25 + 2 * m),
              MAX (4, (int) (b[2] / 6)));
  }
  if (surroundings) {
    int x0 = (int) (b[0] - b[2] * 0.15), y0 = (int) (b[1] - b[3] * 0.15);
    int x1 = (int) (x0 + b[2] * 1.3), y1 = (int) (y0 + b[3] * 1.3);
    x0 = CLAMP (x0, 0, iw);
    y0 = CLAMP (y0, 0, ih);
    x1 = CLAMP (x1, x0, iw);
    y1 = CLAMP (y1, y0, ih);
    pixelate (still, 0, 0, iw, y0, block);
    pixelate (still, 0, y1, iw, ih - y1, block);
    pixelate (still, 0, y0, x0, y1 - y0, block);
    pixelate (still, x1, y0, iw - x1, y1 - y0, block);
  }
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
  double box[4];
  if (bbox_of (content, box)) {
    cairo_set_source_rgb (cr, 1, 0.1, 0.1);
    cairo_set_line_width (cr, 3 / k);
    cairo_rectangle (cr, box[0], box[1], box[2], box[3]);
    cairo_stroke (cr);
  }
  cairo_restore (cr);
}

/* Font sizes follow the screen's height: legible across a street. */
struct fonts {
  char *head, *label, *text, *body, *huge;
  double pad;
};

static void
fonts_init (struct fonts *f, const struct disp_words *w, int width, int height)
{
  int big = MAX (12, height / 24), normal = MAX (9, height / 40), small = MAX (8, height / 56);
  f->head = g_strdup_printf ("%s Bold %d", w->font, big);
  f->label = g_strdup_printf ("%s %d", w->font, small);
  f->text = g_strdup_printf ("%s Bold %d", w->font, normal);
  f->body = g_strdup_printf ("%s %d", w->font, small);
  f->huge = g_strdup_printf ("%s Bold %d", w->font, MAX (16, height / 10));
  f->pad = width * 0.015;
}

static void
fonts_clear (struct fonts *f)
{
  g_free (f->head);
  g_free (f->label);
  g_free (f->text);
  g_free (f->body);
  g_free (f->huge);
}

/* The screen on CR: the still on the left (or, for a case shown without a
 * person, the day's count), what, when, where and the case's QR code on the
 * right. */
static gboolean
draw_screen (cairo_t *cr, cairo_surface_t *still, const struct disp_case_view *v, const struct disp_look *look,
             int width, int height, GError **error)
{
  JsonObject *content = v->content;
  const char *case_url = v->case_url;
  const struct disp_words *w = look && look->words ? look->words : disp_words_for ("en");
  double panel_x = width * 0.62, panel_w = width - panel_x;
  cairo_set_source_rgb (cr, 0, 0, 0); /* high contrast: white and yellow on black */
  cairo_paint (cr);
  struct fonts f;
  fonts_init (&f, w, width, height);
  if (still) {
    draw_still (cr, still, content, panel_x, height);
  } else {
    /* no person: the day's count, large, and why there is no picture */
    g_autofree char *count = g_strdup_printf (w->day_count, v->day ? v->day : "", v->day_count);
    cairo_set_source_rgb (cr, 1, 0.85, 0);
    double y = height * 0.3;
    y += draw_text (cr, f.pad * 2, y, panel_x - 4 * f.pad, f.head, count) + f.pad;
    cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
    draw_text (cr, f.pad * 2, y, panel_x - 4 * f.pad, f.body, w->no_picture);
  }

  JsonObject *sig = evid_json_member_object (content, "signal", TRUE, NULL);
  g_autofree char *when = local_time (text_of (content, "utc"), look ? look->tz : NULL);
  g_autofree char *signal = signal_words (w, sig);
  double pad = f.pad, y = pad;
  const char *head_font = f.head, *label_font = f.label, *text_font = f.text, *body_font = f.body;
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
  gboolean ok = draw_qr (cr, case_url, panel_x + pad, qr_y, qr_size, error);
  if (ok) {
    double beside = panel_x + 2 * pad + qr_size, beside_w = width - beside - pad;
    cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
    double h = draw_text (cr, beside, qr_y, beside_w, body_font, w->scan);
    draw_text (cr, beside, qr_y + h + pad, beside_w, body_font, look && look->appeal ? look->appeal : w->appeal);
  }
  fonts_clear (&f);
  return ok;
}

static cairo_surface_t *
new_screen (int width, int height, cairo_t **out_cr, GError **error)
{
  cairo_surface_t *screen = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (screen);
  cairo_status_t st = cairo_status (cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "no %dx%d screen surface: %s", width, height,
                 cairo_status_to_string (st));
    cairo_destroy (cr);
    cairo_surface_destroy (screen);
    return NULL;
  }
  *out_cr = cr;
  return screen;
}

cairo_surface_t *
disp_render_case (const struct disp_case_view *v, const struct disp_look *look, int width, int height,
                  GError **error)
{
  g_return_val_if_fail (v && v->content && v->case_url, NULL);
  cairo_surface_t *still = NULL;
  if (v->jpeg) {
    if (!(still = decode_still (v->jpeg, error)))
      return NULL;
    redact_still (still, v->content, v->pixelate_head, v->pixelate_surroundings);
  }
  cairo_t *cr = NULL;
  cairo_surface_t *screen = new_screen (width, height, &cr, error);
  if (screen && !draw_screen (cr, still, v, look, width, height, error))
    g_clear_pointer (&screen, cairo_surface_destroy);
  if (cr)
    cairo_destroy (cr);
  if (still)
    cairo_surface_destroy (still);
  if (screen)
    cairo_surface_flush (screen);
  return screen;
}

cairo_surface_t *
disp_render_idle (const struct disp_look *look, const char *place, gint64 now_us, int width, int height,
                  GError **error)
{
  const struct disp_words *w = look && look->words ? look->words : disp_words_for ("en");
  cairo_t *cr = NULL;
  cairo_surface_t *screen = new_screen (width, height, &cr, error);
  if (!screen)
    return NULL;
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  struct fonts f;
  fonts_init (&f, w, width, height);
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = look && look->tz ? g_date_time_to_timezone (utc, look->tz) : g_date_time_to_local (utc);
  g_autofree char *clock = g_date_time_format (local, "%H:%M");
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d %Z");
  double margin = width * 0.06, y = height * 0.12, tw = width - 2 * margin;
  cairo_set_source_rgb (cr, 1, 1, 1);
  y += draw_text (cr, margin, y, tw, f.text, place ? place : "") + f.pad * 2;
  cairo_set_source_rgb (cr, 1, 0.85, 0);
  y += draw_text (cr, margin, y, tw, f.huge, w->idle) + f.pad * 2;
  cairo_set_source_rgb (cr, 1, 1, 1);
  y += draw_text (cr, margin, y, tw, f.huge, clock);
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  y += draw_text (cr, margin, y, tw, f.body, date) + f.pad * 2;
  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  draw_text (cr, margin, y, tw, f.body, look && look->rule ? look->rule : w->rule);
  fonts_clear (&f);
  cairo_destroy (cr);
  cairo_surface_flush (screen);
  return screen;
}

gboolean
disp_render_write_png (cairo_surface_t *screen, const char *path, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  cairo_status_t st = cairo_surface_write_to_png (screen, tmp);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path, cairo_status_to_string (st));
    g_unlink (tmp);
    return FALSE;
  }
  if (g_rename (tmp, path) != 0) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "%s: %s", path, g_strerror (errno));
    g_unlink (tmp);
    return FALSE;
  }
  return TRUE;
}

gboolean
disp_render_png (JsonObject *content, GBytes *jpeg, const char *case_url, const struct disp_look *look, int width,
                 int height, const char *path, GError **error)
{
  g_return_val_if_fail (content && case_url && path, FALSE);
  struct disp_case_view v = {.content = content, .jpeg = jpeg, .case_url = case_url};
  if (!jpeg) { /* a still is required here: a show of no person goes through disp_render_case */
    g_set_error (error, DISP_ERROR, DISP_ERROR_MESSAGE, "display message image: missing");
    return FALSE;
  }
  cairo_surface_t *screen = disp_render_case (&v, look, width, height, error);
  if (!screen)
    return FALSE;
  gboolean ok = disp_render_write_png (screen, path, error);
  cairo_surface_destroy (screen);
  return ok;
}
