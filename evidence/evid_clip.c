#include "evid_clip.h"

#include "evid_store.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

GBytes *
evid_clip_encode (const struct cv_image *frames, int n, int fps_n, int fps_d, GError **error)
{
  if (n <= 0 || frames[0].channels != 1 || frames[0].width % 8 || frames[0].height % 3 ||
      frames[0].stride != frames[0].width || fps_n <= 0 || fps_d <= 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "clip: no frames, or not packed I420 of a width in eights");
    return NULL;
  }
  gst_init (NULL, NULL);
  g_autofree char *desc = g_strdup_printf (
      "appsrc name=src format=time caps=video/x-raw,format=I420,width=%d,height=%d,framerate=%d/%d ! "
      "videoconvert ! jpegenc quality=70 ! matroskamux streamable=true ! appsink name=sink sync=false",
      frames[0].width, frames[0].height / 3 * 2, fps_n, fps_d);
  GstElement *p = gst_parse_launch (desc, error);
  if (!p)
    return NULL;
  GstAppSrc *src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (p), "src"));
  GstAppSink *sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "sink"));
  GByteArray *out = g_byte_array_new ();
  gboolean ok = gst_element_set_state (p, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  for (int i = 0; ok && i < n; i++) {
    const struct cv_image *f = &frames[i];
    if (f->width != frames[0].width || f->height != frames[0].height || f->channels != 1 || f->stride != f->width)
      continue;
    /* the caller's pixels, read in place: they outlive the pipeline (it is
     * torn down below), and a copy of every frame of the clip queued in
     * appsrc at once was 50 MB a 720p packet */
    size_t size = (size_t) f->width * (size_t) f->height;
    GstBuffer *b = gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY, (gpointer) f->data, size, 0, size, NULL, NULL);
    GST_BUFFER_PTS (b) = gst_util_uint64_scale (i, (guint64) fps_d * GST_SECOND, fps_n);
    GST_BUFFER_DURATION (b) = gst_util_uint64_scale (1, (guint64) fps_d * GST_SECOND, fps_n);
    ok = gst_app_src_push_buffer (src, b) == GST_FLOW_OK;
  }
  gst_app_src_end_of_stream (src);
  GstSample *s;
  while (ok && (s = gst_app_sink_pull_sample (sink))) {
    GstMapInfo map;
    GstBuffer *b = gst_sample_get_buffer (s);
    if (gst_buffer_map (b, &map, GST_MAP_READ)) {
      g_byte_array_append (out, map.data, map.size);
      gst_buffer_unmap (b, &map);
    }
    gst_sample_unref (s);
  }
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (m) {
    GError *gerr = NULL;
    gst_message_parse_error (m, &gerr, NULL);
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "clip: %s", gerr->message);
    g_error_free (gerr);
    gst_message_unref (m);
    ok = FALSE;
  }
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (p);
  if (ok && out->len == 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "clip: the encoder produced nothing");
    ok = FALSE;
  }
  if (!ok) {
    g_byte_array_unref (out);
    return NULL;
  }
  return g_byte_array_free_to_bytes (out);
}
