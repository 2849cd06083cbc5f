#include "disp_screen.h"

#include "disp_render.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <string.h>

struct disp_screen {
  GstElement *pipeline;
  GstAppSrc *src;
  int width, height;
};

/* The first error on the bus, if any (g_free). */
static char *
bus_error (GstElement *pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (!msg)
    return NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *debug = NULL;
  gst_message_parse_error (msg, &err, &debug);
  return g_strdup_printf ("%s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
}

gboolean
disp_screen_sink_usable (const char *sink, GError **error)
{
  if (!strcmp (sink, "none"))
    return TRUE;
  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  const char *factory = strcmp (sink, "auto") == 0 ? "autovideosink" : sink;
  g_autoptr (GstElementFactory) f = gst_element_factory_find (factory);
  if (!f) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG,
                 "[display] sink: no GStreamer element '%s' (is its plugin installed? gst-inspect-1.0 %s)", factory,
                 factory);
    return FALSE;
  }
  /* a screen, not a file, a socket or the application: what the public
   * sees must go to a display and nowhere else */
  const char *klass = gst_element_factory_get_metadata (f, GST_ELEMENT_METADATA_KLASS);
  if (!klass || !strstr (klass, "Sink") || !strstr (klass, "Video")) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_CONFIG,
                 "[display] sink: '%s' is a '%s' element, not a video sink (ximagesink, waylandsink, kmssink, ...)",
                 factory, klass ? klass : "?");
    return FALSE;
  }
  return TRUE;
}

struct disp_screen *
disp_screen_new (const char *sink, gboolean fullscreen, int width, int height, GError **error)
{
  g_return_val_if_fail (sink && width > 0 && height > 0, NULL);
  if (!disp_screen_sink_usable (sink, error))
    return NULL;
  const char *factory = strcmp (sink, "auto") == 0 ? "autovideosink" : sink;
  GstElement *out = gst_element_factory_make (factory, "screen");
  if (!out) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "[display] sink: '%s' cannot be made", factory);
    return NULL;
  }
  struct disp_screen *s = g_new0 (struct disp_screen, 1);
  s->width = width;
  s->height = height;
  s->pipeline = gst_pipeline_new ("display");
  GstElement *src = gst_element_factory_make ("appsrc", "frames");
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
  GstElement *scale = gst_element_factory_make ("videoscale", NULL);
  gst_bin_add_many (GST_BIN (s->pipeline), src, convert, scale, out, NULL);
  s->src = GST_APP_SRC (src);
  /* cairo's RGB24 is BGRx in memory on a little-endian machine, xRGB on a
   * big-endian one */
  g_autoptr (GstCaps) caps =
      gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRx" : "xRGB",
                           "width", G_TYPE_INT, width, "height", G_TYPE_INT, height, "framerate", GST_TYPE_FRACTION, 0,
                           1, NULL);
  /* a still each time something changes: live, timestamped on arrival, and
   * shown at once (no clock to wait for) */
  g_object_set (src, "caps", caps, "is-live", TRUE, "format", GST_FORMAT_TIME, "do-timestamp", TRUE, "block", FALSE,
                "max-bytes", (guint64) width * height * 4 * 4, "leaky-type", GST_APP_LEAKY_TYPE_DOWNSTREAM, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (out), "sync"))
    g_object_set (out, "sync", FALSE, NULL);
  if (fullscreen && g_object_class_find_property (G_OBJECT_GET_CLASS (out), "fullscreen"))
    g_object_set (out, "fullscreen", TRUE, NULL);
  if (!gst_element_link_many (src, convert, scale, out, NULL)) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "[display] sink '%s' does not take video", factory);
    disp_screen_free (s);
    return NULL;
  }
  if (gst_element_set_state (s->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_autofree char *why = bus_error (s->pipeline);
    const char *hint = !strcmp (factory, "ximagesink") || !strcmp (factory, "xvimagesink")
                           ? " (is DISPLAY set to a running X server?)"
                       : !strcmp (factory, "waylandsink") ? " (is WAYLAND_DISPLAY set to a running compositor?)"
                       : !strcmp (factory, "kmssink")     ? " (is there a DRM device this user may open, with a screen?)"
                                                          : "";
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "[display] sink '%s' cannot start: %s%s", factory,
                 why ? why : "no reason given (no X or Wayland display, no DRM device?)", hint);
    disp_screen_free (s);
    return NULL;
  }
  return s;
}

void
disp_screen_free (struct disp_screen *s)
{
  if (!s)
    return;
  if (s->pipeline) {
    gst_element_set_state (s->pipeline, GST_STATE_NULL);
    gst_object_unref (s->pipeline);
  }
  g_free (s);
}

gboolean
disp_screen_show (struct disp_screen *s, cairo_surface_t *frame, GError **error)
{
  g_autofree char *why = bus_error (s->pipeline);
  if (why) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "screen output failed: %s", why);
    return FALSE;
  }
  if (cairo_image_surface_get_width (frame) != s->width || cairo_image_surface_get_height (frame) != s->height) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "a %dx%d frame for a %dx%d screen",
                 cairo_image_surface_get_width (frame), cairo_image_surface_get_height (frame), s->width, s->height);
    return FALSE;
  }
  cairo_surface_flush (frame);
  const unsigned char *px = cairo_image_surface_get_data (frame);
  int stride = cairo_image_surface_get_stride (frame), row = s->width * 4;
  GstBuffer *buf = gst_buffer_new_allocate (NULL, (gsize) row * s->height, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (int y = 0; y < s->height; y++)
    memcpy (map.data + (size_t) y * row, px + (size_t) y * stride, (size_t) row);
  gst_buffer_unmap (buf, &map);
  if (gst_app_src_push_buffer (s->src, buf) != GST_FLOW_OK) {
    g_set_error (error, DISP_ERROR, DISP_ERROR_RENDER, "screen output is not running");
    return FALSE;
  }
  return TRUE;
}
