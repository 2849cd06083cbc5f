#include "rev_clip.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <unistd.h>

/* Into a file, not an appsink: webmmux seeks back to write the duration and
 * the cues, without which a browser can neither show the length nor step. */
GBytes *
rev_clip_webm (GBytes *matroska, GError **error)
{
  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  g_autofree char *tmpl = NULL;
  int fd = g_file_open_tmp ("crosswatch-clip-XXXXXX.webm", &tmpl, error);
  if (fd < 0)
    return NULL;
  close (fd);
  g_autofree char *escaped = g_strescape (tmpl, NULL);
  g_autofree char *desc = g_strdup_printf (
      "appsrc name=src ! matroskademux ! jpegdec ! videoconvert ! vp8enc deadline=1 cpu-used=8 "
      "keyframe-max-dist=10 ! webmmux ! filesink location=\"%s\"",
      escaped);
  GBytes *out = NULL;
  GstElement *pipe = gst_parse_launch (desc, error);
  if (!pipe)
    goto done;
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (matroska));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  gst_object_unref (src);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg =
      gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (!msg)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "the clip took over 60 s to re-encode");
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *gerr = NULL;
    gst_message_parse_error (msg, &gerr, NULL);
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "the clip does not re-encode: %s", gerr->message);
    g_error_free (gerr);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gboolean ok = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  if (ok) {
    char *data = NULL;
    gsize len = 0;
    if (g_file_get_contents (tmpl, &data, &len, error))
      out = g_bytes_new_take (data, len);
  }
done:
  g_unlink (tmpl);
  return out;
}
