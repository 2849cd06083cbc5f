#include "evid_clip.h"

#include "evid_frame.h"
#include "evid_store.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

GBytes *
evid_clip_frame_jpeg (const struct cv_image *i420)
{
  unsigned char *jpg;
  size_t len;
  return cv_jpeg_encode_i420 (i420, EVID_CLIP_QUALITY, &jpg, &len) == CV_OK ? evid_bytes_take_cv (jpg, len) : NULL;
}

GBytes *
evid_clip_encode (GBytes *const *jpegs, int n, int width, int height, int fps_n, int fps_d, GError **error)
{
  if (n <= 0 || width <= 0 || height <= 0 || fps_n <= 0 || fps_d <= 0) {
    g_set_error (error, EVID_ERROR, EVID_ERROR_DB, "clip: no frames, or no size or rate");
    return NULL;
  }
  gst_init (NULL, NULL);
  /* the frames are JPEGs already: Matroska takes them as they are */
  g_autofree char *desc = g_strdup_printf (
      "appsrc name=src format=time caps=image/jpeg,width=%d,height=%d,framerate=%d/%d,parsed=true ! "
      "matroskamux streamable=true ! appsink name=sink sync=false",
      width, height, fps_n, fps_d);
  GstElement *p = gst_parse_launch (desc, error);
  if (!p)
    return NULL;
  GstAppSrc *src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (p), "src"));
  GstAppSink *sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "sink"));
  GByteArray *out = g_byte_array_new ();
  gboolean ok = gst_element_set_state (p, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  for (int i = 0; ok && i < n; i++) {
    /* the bytes themselves, not a copy: GBytes are immutable and outlive the buffer */
    GstBuffer *b = gst_buffer_new_wrapped_bytes (jpegs[i]);
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
