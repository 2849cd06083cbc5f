#include "cw_source.h"

#include <gst/pbutils/pbutils.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (cw_source_debug);
#define GST_CAT_DEFAULT cw_source_debug

#define V4L2_SCHEME "v4l2://"
#define URI_KEY "cw-source-uri"

GstElement *
cw_element_make (const char *factory, const char *name, GError **error)
{
  GstElement *e = gst_element_factory_make (factory, name);
  if (!e)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                 "no GStreamer element '%s' (is its plugin installed?)", factory);
  return e;
}

gboolean
cw_chain_add (GstBin *bin, const struct cw_chain_link *chain, size_t n, GstElement **out_head, GError **error)
{
  GstElement *prev = NULL;
  for (size_t i = 0; i < n; i++) {
    GstElement *e = cw_element_make (chain[i].factory, chain[i].name, error);
    if (!e)
      return FALSE;
    gst_bin_add (bin, e);
    if (prev && !gst_element_link (prev, e)) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "cannot link %s to %s", GST_ELEMENT_NAME (prev),
                   GST_ELEMENT_NAME (e));
      return FALSE;
    }
    if (!prev)
      *out_head = e;
    prev = e;
  }
  return TRUE;
}

static gboolean
is_video (GstPad *pad)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  gboolean video = caps && !gst_caps_is_empty (caps) &&
                   g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/");
  if (caps)
    gst_caps_unref (caps);
  return video;
}

/* The first decoded video pad goes downstream; audio and any second video
 * stream stay unlinked (the demuxer carries on with the linked one). Runs
 * on a streaming thread: two pads may race here, and the loser sees
 * WAS_LINKED. */
static void
on_pad_added (GstElement *dec, GstPad *pad, gpointer downstream)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || !is_video (pad)) {
    GST_DEBUG_OBJECT (dec, "not linking %" GST_PTR_FORMAT ": not video", pad);
    return;
  }
  GstPad *sink = gst_element_get_static_pad (downstream, "sink");
  GstPadLinkReturn ret = gst_pad_link (pad, sink);
  if (ret != GST_PAD_LINK_OK && ret != GST_PAD_LINK_WAS_LINKED)
    GST_ELEMENT_ERROR (dec, CORE, NEGOTIATION, ("Cannot link the decoded video of %s.",
                                                (const char *) g_object_get_data (G_OBJECT (dec), URI_KEY)),
                       ("%s to %" GST_PTR_FORMAT ": %s", GST_PAD_NAME (pad), sink, gst_pad_link_get_name (ret)));
  gst_object_unref (sink);
}

static void
on_no_more_pads (GstElement *dec, gpointer downstream)
{
  GstPad *sink = gst_element_get_static_pad (downstream, "sink");
  if (!gst_pad_is_linked (sink))
    GST_ELEMENT_ERROR (dec, STREAM, WRONG_TYPE, ("%s has no video stream.",
                                                 (const char *) g_object_get_data (G_OBJECT (dec), URI_KEY)),
                       (NULL));
  gst_object_unref (sink);
}

/* A file:// source that cannot be read fails here with its reason, not
 * later with the file source's vaguer "state change failed". */
static gboolean
check_file (const char *uri, GError **error)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *path = g_filename_from_uri (uri, NULL, &err);
  if (!path) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND, "cannot open %s: %s", uri, err->message);
    return FALSE;
  }
  if (g_access (path, R_OK) != 0) {
    int e = errno;
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ, "cannot open %s: %s", uri, g_strerror (e));
    return FALSE;
  }
  return TRUE;
}

gboolean
cw_source_add (GstBin *bin, const char *uri, GstElement *downstream, GError **error)
{
  g_return_val_if_fail (GST_IS_BIN (bin) && uri && GST_IS_ELEMENT (downstream), FALSE);
  GST_DEBUG_CATEGORY_INIT (cw_source_debug, "cwsource", 0, "crosswatch camera sources");
  GstElement *src = NULL, *dec = NULL;
  if (g_str_has_prefix (uri, "file://") && !check_file (uri, error))
    return FALSE;
  if (g_str_has_prefix (uri, V4L2_SCHEME)) {
    src = cw_element_make ("v4l2src", NULL, error);
    dec = src ? cw_element_make ("decodebin", NULL, error) : NULL;
    if (!dec)
      goto error;
    g_object_set (src, "device", uri + strlen (V4L2_SCHEME), NULL);
  } else {
    dec = cw_element_make ("uridecodebin", NULL, error);
    if (!dec)
      goto error;
    g_object_set (dec, "uri", uri, NULL);
  }
  g_object_set_data_full (G_OBJECT (dec), URI_KEY, g_strdup (uri), g_free);
  g_signal_connect_object (dec, "pad-added", G_CALLBACK (on_pad_added), downstream, 0);
  g_signal_connect_object (dec, "no-more-pads", G_CALLBACK (on_no_more_pads), downstream, 0);
  gst_bin_add (bin, dec);
  if (src) {
    gst_bin_add (bin, src);
    if (!gst_element_link (src, dec)) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "%s: cannot link v4l2src to decodebin", uri);
      gst_bin_remove (bin, src);
      gst_bin_remove (bin, dec);
      return FALSE;
    }
  }
  return TRUE;

error:
  if (src)
    gst_object_unref (gst_object_ref_sink (src));
  return FALSE;
}

gboolean
cw_source_probe (const char *uri, int timeout_s, int *width, int *height, GError **error)
{
  *width = *height = 0;
  if (g_str_has_prefix (uri, "v4l2://")) {
    const char *dev = uri + strlen ("v4l2://");
    if (g_access (dev, R_OK) != 0) {
      int e = errno;
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND, "cannot open %s: %s", uri, g_strerror (e));
      return FALSE;
    }
    return TRUE;
  }
  if (g_str_has_prefix (uri, "file://") && !check_file (uri, error))
    return FALSE;
  g_autoptr (GError) err = NULL;
  g_autoptr (GstDiscoverer) disc = gst_discoverer_new ((GstClockTime) timeout_s * GST_SECOND, &err);
  if (!disc) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN, "cannot open %s: %s", uri, err->message);
    return FALSE;
  }
  g_autoptr (GstDiscovererInfo) info = gst_discoverer_discover_uri (disc, uri, &err);
  GList *videos = info ? gst_discoverer_info_get_video_streams (info) : NULL;
  if (videos) {
    GstDiscovererVideoInfo *v = videos->data;
    *width = (int) gst_discoverer_video_info_get_width (v);
    *height = (int) gst_discoverer_video_info_get_height (v);
  }
  gst_discoverer_stream_info_list_free (videos);
  if (*width > 0 && *height > 0)
    return TRUE;
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE, "cannot open %s: %s", uri,
               err ? err->message : "no video stream in it");
  return FALSE;
}
