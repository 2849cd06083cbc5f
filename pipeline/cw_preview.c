#include "cw_preview.h"

#include "cw_meta.h"
#include "cw_source.h"
#include "gstcwelements.h"
#include "hwcfg.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <string.h>

/* the chain after the source, in order */
static const struct cw_chain_link CHAIN[] = {{"queue", "capture"},     {"videoconvert", NULL},
                                             {"capsfilter", "bgrx"},    {"cwdetect", "cwdetect"},
                                             {"cwoverlay", "cwoverlay"}, {"appsink", "sink"}};

static GstElement *
build (const char *config_path, const struct hwcfg_camera *cam, GError **error)
{
  GstElement *p = gst_pipeline_new ("crosswatch-preview"), *head = NULL;
  if (!cw_chain_add (GST_BIN (p), CHAIN, G_N_ELEMENTS (CHAIN), &head, error))
    goto fail;
  GstElement *e = gst_bin_get_by_name (GST_BIN (p), "bgrx");
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRx", NULL);
  g_object_set (e, "caps", caps, NULL);
  gst_caps_unref (caps);
  gst_object_unref (e);
  /* the detector on this very frame, over the whole of it: there is no
   * background model yet to gate it with */
  e = gst_bin_get_by_name (GST_BIN (p), "cwdetect");
  g_object_set (e, "config", config_path, "camera", cam->name, "every-n-frames", 1, "motion-gating", FALSE, NULL);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (p), "cwoverlay");
  g_object_set (e, "config", config_path, "camera", cam->name, "draw-grid", TRUE, "draw-scale", TRUE,
                "draw-depth-band", TRUE, "draw-ruler", TRUE, NULL);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (p), "sink");
  g_object_set (e, "sync", FALSE, "max-buffers", 2, NULL);
  gst_object_unref (e);
  if (!cw_source_add (GST_BIN (p), cam->uri, head, error))
    goto fail;
  return p;
fail:
  gst_object_unref (p);
  return NULL;
}

/* An error message's text with the useful part of its debug text (after
 * GStreamer's "file(line): function (): element:" prefix). */
static void
set_from_message (GstMessage *m, GError **error)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *dbg = NULL;
  gst_message_parse_error (m, &err, &dbg);
  /* the debug text is "file(line): function (): element:\ndetail": only
   * the detail is for the installer, when there is one */
  const char *detail = dbg ? strrchr (dbg, '\n') : NULL;
  detail = detail && detail[1] ? detail + 1 : NULL;
  g_set_error (error, err->domain, err->code, "%s%s%s%s", err->message, detail ? " (" : "", detail ? detail : "",
               detail ? ")" : "");
}

/* Waits for ASYNC_DONE; FALSE with ERROR on an error message or DEADLINE
 * (monotonic, us). */
static gboolean
wait_async_done (GstElement *p, gint64 deadline, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (p);
  for (;;) {
    gint64 left = deadline - g_get_monotonic_time ();
    if (left <= 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, "no picture within the time allowed");
      return FALSE;
    }
    g_autoptr (GstMessage) m =
        gst_bus_timed_pop_filtered (bus, left * GST_USECOND, GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
    if (!m)
      continue;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ASYNC_DONE)
      return TRUE;
    set_from_message (m, error);
    return FALSE;
  }
}

/* The first error on the bus, if any, into ERROR (else a timeout). */
static void
bus_error (GstElement *p, GError **error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (p);
  g_autoptr (GstMessage) m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (!m) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, "no frame at that time within the time allowed");
    return;
  }
  set_from_message (m, error);
}

static GstSample *
grab_file (GstElement *p, GstAppSink *sink, double at_s, gint64 deadline, GError **error)
{
  if (!wait_async_done (p, deadline, error))
    return NULL;
  gint64 duration = -1;
  if (gst_element_query_duration (p, GST_FORMAT_TIME, &duration) && duration > 0 &&
      at_s * GST_SECOND >= (double) duration) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SEEK, "the video is %.2f s long: --at %g is past its end",
                 (double) duration / GST_SECOND, at_s);
    return NULL;
  }
  if (at_s > 0) {
    if (!gst_element_seek_simple (p, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
                                  (gint64) (at_s * GST_SECOND))) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SEEK, "cannot seek to %.3f s", at_s);
      return NULL;
    }
    if (!wait_async_done (p, deadline, error))
      return NULL;
  }
  GstSample *s = gst_app_sink_try_pull_preroll (sink, MAX (0, deadline - g_get_monotonic_time ()) * GST_USECOND);
  if (!s)
    bus_error (p, error);
  return s;
}

static GstSample *
grab_live (GstElement *p, GstAppSink *sink, double at_s, gint64 deadline, GError **error)
{
  if (gst_element_set_state (p, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    bus_error (p, error);
    return NULL;
  }
  GstClockTime first = GST_CLOCK_TIME_NONE;
  while (g_get_monotonic_time () < deadline) {
    GstSample *s = gst_app_sink_try_pull_sample (sink, 200 * GST_MSECOND);
    if (!s) {
      if (gst_app_sink_is_eos (sink))
        break;
      /* an error anywhere on the bus (state changes queue before it) ends the wait */
      g_autoptr (GstBus) bus = gst_element_get_bus (p);
      g_autoptr (GstMessage) failed = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (failed) {
        set_from_message (failed, error);
        return NULL;
      }
      continue;
    }
    GstClockTime pts = GST_BUFFER_PTS (gst_sample_get_buffer (s));
    if (!GST_CLOCK_TIME_IS_VALID (first))
      first = pts;
    if (!GST_CLOCK_TIME_IS_VALID (pts) || pts - first >= (GstClockTime) (at_s * GST_SECOND))
      return s;
    gst_sample_unref (s);
  }
  bus_error (p, error);
  return NULL;
}

static gboolean
take_frame (GstSample *s, struct cw_preview *out, GError **error)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf = gst_sample_get_buffer (s);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (s)) ||
      !gst_video_frame_map (&frame, &info, buf, GST_MAP_READ)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT, "the frame could not be read");
    return FALSE;
  }
  int w = GST_VIDEO_FRAME_WIDTH (&frame), h = GST_VIDEO_FRAME_HEIGHT (&frame);
  out->image = (struct cv_image){g_malloc ((size_t) w * h * 4), w, h, w * 4, 4};
  for (int y = 0; y < h; y++)
    memcpy (out->image.data + (size_t) y * w * 4,
            (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) + (size_t) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
            (size_t) w * 4);
  gst_video_frame_unmap (&frame);
  g_autoptr (GPtrArray) people = cw_people (buf);
  out->people = (int) people->len;
  out->at_s = GST_BUFFER_PTS_IS_VALID (buf) ? (double) GST_BUFFER_PTS (buf) / GST_SECOND : 0;
  return TRUE;
}

gboolean
cw_preview_grab (const char *config_path, const char *camera, double at_s, int timeout_s, struct cw_preview *out,
                 GError **error)
{
  cw_plugin_register_static ();
  memset (out, 0, sizeof *out);
  struct hwcfg *cfg = hwcfg_load (config_path, error);
  if (!cfg)
    return FALSE;
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  if (!cam) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no [camera:%s]", config_path, camera);
    hwcfg_free (cfg);
    return FALSE;
  }
  gboolean ok = FALSE;
  GError *local = NULL;
  out->calibrated = cam->has_homography;
  out->source_file = g_filename_from_uri (cam->uri, NULL, NULL);
  GstElement *p = build (config_path, cam, &local);
  if (p) {
    GstAppSink *sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "sink"));
    gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
    GstStateChangeReturn r = gst_element_set_state (p, GST_STATE_PAUSED);
    GstSample *s = NULL;
    if (r == GST_STATE_CHANGE_FAILURE)
      bus_error (p, &local);
    else if (r == GST_STATE_CHANGE_NO_PREROLL) /* a live camera is watched for AT_S first */
      s = grab_live (p, sink, at_s, deadline + (gint64) (at_s * G_USEC_PER_SEC), &local);
    else
      s = grab_file (p, sink, at_s, deadline, &local);
    if (s) {
      ok = take_frame (s, out, &local);
      gst_sample_unref (s);
    }
    GstElement *overlay = gst_bin_get_by_name (GST_BIN (p), "cwoverlay");
    g_object_get (overlay, "grid-step-m", &out->grid_step_m, "scale-people", &out->scale_people, "depth-band-share",
                  &out->band_share, NULL);
    gst_object_unref (overlay);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (sink);
    gst_object_unref (p);
  }
  if (!ok)
    g_set_error (error, local->domain, local->code, "camera %s (%s): %s", cam->name, cam->uri, local->message);
  g_clear_error (&local);
  hwcfg_free (cfg);
  return ok;
}

void
cw_preview_clear (struct cw_preview *p)
{
  g_clear_pointer (&p->image.data, g_free);
  g_clear_pointer (&p->source_file, g_free);
}
