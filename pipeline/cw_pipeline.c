#include "cw_pipeline.h"
#include "svc_notify.h"

#include "cw_source.h"
#include "evid_publisher.h"
#include "gstcwelements.h"
#include "hwcfg.h"
#include "trk_mot.h"

#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

GST_DEBUG_CATEGORY_STATIC (cw_pipeline_debug);
#define GST_CAT_DEFAULT cw_pipeline_debug

struct run {
  GMainLoop *loop;
  GstElement *pipeline;
  FILE *events, *tracks, *detections;
  GHashTable *track_ids;
  struct evid_publisher *pub;
  struct cw_run_stats stats;
  GError *error;
  gboolean stopping;
  GArray *latencies_ms;
};

static const char *const STAGES[] = {"cwdetect", "cwtrack", "cwzones", "cwliveness", "cwevidence"};

/* queue ! videoconvert ! BGR ! the crosswatch stages ! fakesink, in that order */
static const struct {
  const char *factory, *name;
} CHAIN[] = {
    {"queue", "capture"},  {"videoconvert", NULL},    {"capsfilter", "bgr"},
    {"cwdetect", "cwdetect"}, {"cwtrack", "cwtrack"},     {"cwzones", "cwzones"},
    {"cwliveness", "cwliveness"}, {"cwevidence", "cwevidence"}, {"fakesink", "sink"},
};

/* The elements after the source, added to PIPELINE and linked; the first
 * (the capture queue) through OUT_HEAD. */
static gboolean
add_chain (GstBin *pipeline, gboolean live, GstElement **out_head, GError **error)
{
  GstElement *prev = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (CHAIN); i++) {
    GstElement *e = cw_element_make (CHAIN[i].factory, CHAIN[i].name, error);
    if (!e)
      return FALSE;
    gst_bin_add (pipeline, e);
    if (prev && !gst_element_link (prev, e)) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "cannot link %s to %s", GST_ELEMENT_NAME (prev),
                   GST_ELEMENT_NAME (e));
      return FALSE;
    }
    if (!prev)
      *out_head = e;
    prev = e;
  }
  GstElement *capture = *out_head;
  /* Capture never waits for analysis on a live source: the queue drops
   * the oldest frames instead of blocking the camera. */
  if (live) {
    gst_util_set_object_arg (G_OBJECT (capture), "leaky", "downstream");
    g_object_set (capture, "max-size-buffers", 3, "max-size-time", (guint64) 0, "max-size-bytes", 0, NULL);
  }
  GstElement *bgr = gst_bin_get_by_name (pipeline, "bgr");
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGR", NULL);
  g_object_set (bgr, "caps", caps, NULL);
  gst_caps_unref (caps);
  gst_object_unref (bgr);
  GstElement *sink = gst_bin_get_by_name (pipeline, "sink");
  g_object_set (sink, "sync", FALSE, NULL);
  gst_object_unref (sink);
  return TRUE;
}

/* The whole pipeline built element by element: the camera's URI is a
 * property value, never text of a launch line (a quote in the config
 * cannot add elements). */
static GstElement *
build (const struct hwcfg *cfg, const struct cw_run_options *opt, GError **error)
{
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, opt->camera);
  if (!cam) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no camera '%s'", cfg->path, opt->camera);
    return NULL;
  }
  gboolean live = !g_str_has_prefix (cam->uri, "file://");
  GstElement *p = gst_pipeline_new ("crosswatch");
  GstElement *capture = NULL;
  if (!add_chain (GST_BIN (p), live, &capture, error))
    goto error;
  if (!cw_source_add (GST_BIN (p), cam->uri, capture, error)) {
    g_prefix_error (error, "%s: [camera:%s] uri: ", cfg->path, cam->name);
    goto error;
  }
  for (size_t i = 0; i < G_N_ELEMENTS (STAGES); i++) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (p), STAGES[i]);
    g_object_set (e, "config", opt->config_path, "camera", cam->name, NULL);
    gst_object_unref (e);
  }
  return p;

error:
  gst_object_unref (p);
  return NULL;
}

static GstPadProbeReturn
on_tracked (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct run *r = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  struct cw_frame_info fi;
  if (!buf || !cw_frame_info_get (buf, &fi))
    return GST_PAD_PROBE_OK;
  r->stats.frames++;
  g_autoptr (GPtrArray) people = cw_people (buf);
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    if (m->id < 0)
      continue;
    g_hash_table_add (r->track_ids, GINT_TO_POINTER (m->id));
    if (!r->tracks)
      continue;
    double b[4], score = 1;
    cw_person_box (m, b);
    gst_structure_get_double (cw_person_param (m), "score", &score);
    trk_mot_write_row (r->tracks, fi.frame, m->id, &(struct trk_box){b[0], b[1], b[2], b[3]}, score);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_detected (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct run *r = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  struct cw_frame_info fi;
  if (!buf || !cw_frame_info_get (buf, &fi) || !fi.detector_ran)
    return GST_PAD_PROBE_OK;
  g_autoptr (GPtrArray) people = cw_people (buf);
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    double b[4], score = 0;
    cw_person_box (m, b);
    gst_structure_get_double (cw_person_param (m), "score", &score);
    trk_mot_write_row (r->detections, fi.frame, -1, &(struct trk_box){b[0], b[1], b[2], b[3]}, score);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_captured (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  ((struct run *) data)->stats.frames_captured++;
  return GST_PAD_PROBE_OK;
}

/* At the end of analysis: how long after its capture (the buffer's running
 * time on the pipeline clock, as a live source stamps it) the frame's
 * decisions were made. */
static GstPadProbeReturn
on_decided (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct run *r = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstElement *sink = gst_pad_get_parent_element (pad);
  GstClock *clock = sink ? gst_element_get_clock (sink) : NULL;
  GstEvent *seg_event = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  if (clock && seg_event && GST_BUFFER_PTS_IS_VALID (buf)) {
    const GstSegment *seg;
    gst_event_parse_segment (seg_event, &seg);
    GstClockTime running = gst_segment_to_running_time (seg, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
    GstClockTime now = gst_clock_get_time (clock) - gst_element_get_base_time (sink);
    if (GST_CLOCK_TIME_IS_VALID (running) && now >= running) {
      double ms = (double) (now - running) / GST_MSECOND;
      g_array_append_val (r->latencies_ms, ms);
    }
  }
  if (seg_event)
    gst_event_unref (seg_event);
  if (clock)
    gst_object_unref (clock);
  if (sink)
    gst_object_unref (sink);
  return GST_PAD_PROBE_OK;
}

static int
by_value (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted, double p)
{
  if (sorted->len == 0)
    return 0;
  guint i = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, i);
}

static void
add_pad_probe (GstElement *pipeline, const char *element, const char *pad_name, GstPadProbeCallback cb, struct run *r)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), element);
  GstPad *pad = gst_element_get_static_pad (e, pad_name);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cb, r, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
}

static void
on_event (struct run *r, const GstStructure *s)
{
  const char *json = gst_structure_get_string (s, "json");
  if (!json)
    return;
  if (strstr (json, "\"decision\":\"rejected_flat\""))
    r->stats.rejected_flat++;
  else if (strstr (json, "\"decision\":\"position_uncertain\""))
    r->stats.position_uncertain++;
  else
    r->stats.violations++;
  if (r->events) {
    fprintf (r->events, "%s\n", json);
    fflush (r->events);
  }
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  struct run *r = data;
  g_autoptr (GError) err = NULL;
  g_autofree char *dbg = NULL;
  switch (GST_MESSAGE_TYPE (msg)) {
  case GST_MESSAGE_EOS:
    g_main_loop_quit (r->loop);
    break;
  case GST_MESSAGE_ERROR:
    gst_message_parse_error (msg, &err, &dbg);
    g_clear_error (&r->error); /* the element's reason beats the generic one */
    if (!r->error)
      g_set_error (&r->error, err->domain, err->code, "%s: %s%s%s", GST_OBJECT_NAME (msg->src), err->message,
                   dbg ? " — " : "", dbg ? dbg : "");
    g_main_loop_quit (r->loop);
    break;
  case GST_MESSAGE_WARNING:
    gst_message_parse_warning (msg, &err, &dbg);
    g_printerr ("crosswatch: warning from %s: %s%s%s\n", GST_OBJECT_NAME (msg->src), err->message, dbg ? " | " : "",
                dbg ? dbg : "");
    break;
  case GST_MESSAGE_INFO:
    gst_message_parse_info (msg, &err, &dbg);
    g_printerr ("crosswatch: %s: %s%s%s\n", GST_OBJECT_NAME (msg->src), err->message, dbg ? " | " : "",
                dbg ? dbg : "");
    break;
  case GST_MESSAGE_ELEMENT:
    if (gst_message_has_name (msg, CW_EVENT_MESSAGE))
      on_event (r, gst_message_get_structure (msg));
    break;
  default:
    break;
  }
  return G_SOURCE_CONTINUE;
}

/* First signal: end the stream, so frames in the pipeline finish their
 * evidence. Second signal: stop at once. */
static gboolean
on_signal (gpointer data)
{
  struct run *r = data;
  if (r->stopping) {
    g_main_loop_quit (r->loop);
    return G_SOURCE_CONTINUE;
  }
  r->stopping = TRUE;
  g_printerr ("crosswatch: stopping (finishing evidence in flight)\n");
  gst_element_send_event (r->pipeline, gst_event_new_eos ());
  return G_SOURCE_CONTINUE;
}

static gboolean
on_publish_tick (gpointer data)
{
  struct run *r = data;
  g_autoptr (GError) err = NULL;
  if (evid_publisher_pump (r->pub, 0, &err) < 0)
    g_printerr ("crosswatch: outbox: %s\n", err->message);
  return G_SOURCE_CONTINUE;
}

static FILE *
open_out (const char *path, GError **error)
{
  if (!path)
    return NULL;
  FILE *f = fopen (path, "w");
  if (!f)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
  return f;
}

gboolean
cw_pipeline_run (const struct cw_run_options *opt, struct cw_run_stats *out_stats, GError **error)
{
  GST_DEBUG_CATEGORY_INIT (cw_pipeline_debug, "crosswatch", 0, "crosswatch run loop");
  struct run r = {0};
  gboolean ok = FALSE;
  guint sigint = 0, sigterm = 0, tick = 0, watch = 0;
  struct hwcfg *cfg = hwcfg_load (opt->config_path, error);
  if (!cfg)
    return FALSE;
  r.track_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  r.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, opt->camera);
  r.stats.live = cam && !g_str_has_prefix (cam->uri, "file://");
  r.events = open_out (opt->events_out, error);
  if (opt->events_out && !r.events)
    goto out;
  r.tracks = open_out (opt->tracks_out, error);
  if (opt->tracks_out && !r.tracks)
    goto out;
  r.detections = open_out (opt->detections_out, error);
  if (opt->detections_out && !r.detections)
    goto out;
  r.pipeline = build (cfg, opt, error);
  if (!r.pipeline)
    goto out;
  if (cfg->mqtt.enabled) {
    r.pub = evid_publisher_create (cfg, error);
    if (!r.pub)
      goto out;
    tick = g_timeout_add (100, on_publish_tick, &r);
  }

  add_pad_probe (r.pipeline, "cwtrack", "src", on_tracked, &r);
  add_pad_probe (r.pipeline, "capture", "sink", on_captured, &r);
  add_pad_probe (r.pipeline, "sink", "sink", on_decided, &r);
  if (r.detections)
    add_pad_probe (r.pipeline, "cwdetect", "src", on_detected, &r);

  r.loop = g_main_loop_new (NULL, FALSE);
  GstBus *bus = gst_element_get_bus (r.pipeline);
  watch = gst_bus_add_watch (bus, on_bus, &r);
  gst_object_unref (bus);
  sigint = g_unix_signal_add (SIGINT, on_signal, &r);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &r);

  gint64 t0 = g_get_monotonic_time ();
  /* On failure the reason is on the bus; it is collected below. */
  if (gst_element_set_state (r.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE) {
    /* under systemd: ready, and alive for as long as this loop runs */
    guint watchdog = svc_watchdog_attach ();
    svc_notify_ready ("running");
    g_main_loop_run (r.loop);
    svc_notify_stopping ();
    if (watchdog)
      g_source_remove (watchdog);
  } else
    g_set_error (&r.error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE, "the pipeline did not start");
  r.stats.seconds = (g_get_monotonic_time () - t0) / 1e6;
  GstElement *lv = gst_bin_get_by_name (GST_BIN (r.pipeline), "cwliveness");
  if (lv) {
    g_object_get (lv, "assessments", &r.stats.liveness_assessments, "assess-seconds", &r.stats.liveness_assess_s,
                  "frames", &r.stats.liveness_frames, "frame-seconds", &r.stats.liveness_frame_s, NULL);
    gst_object_unref (lv);
  }
  /* collect an error posted before the loop ran (an element refusing to
   * start: its reason beats "did not start") and one posted while stopping;
   * going to NULL flushes the bus, so look before and after */
  GstBus *b = gst_element_get_bus (r.pipeline);
  GstMessage *m;
  while ((m = gst_bus_pop (b)))
    on_bus (b, m, &r), gst_message_unref (m);
  gst_element_set_state (r.pipeline, GST_STATE_NULL);
  while ((m = gst_bus_pop (b)))
    on_bus (b, m, &r), gst_message_unref (m);
  gst_object_unref (b);

  if (r.pub) {
    /* give the outbox a moment to drain before going offline */
    for (int i = 0; i < 20 && evid_publisher_pump (r.pub, 100, NULL) > 0; i++)
      ;
  }
  r.stats.tracks = (int) g_hash_table_size (r.track_ids);
  if (r.stats.live) {
    g_array_sort (r.latencies_ms, by_value);
    r.stats.latency_p50_ms = percentile (r.latencies_ms, 0.5);
    r.stats.latency_p99_ms = percentile (r.latencies_ms, 0.99);
  }
  struct rusage ru;
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    r.stats.cpu_seconds = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  if (r.error) {
    g_propagate_error (error, r.error);
    r.error = NULL;
  } else {
    ok = TRUE;
  }
out:
  if (out_stats)
    *out_stats = r.stats;
  if (tick)
    g_source_remove (tick);
  if (watch)
    g_source_remove (watch);
  if (sigint)
    g_source_remove (sigint);
  if (sigterm)
    g_source_remove (sigterm);
  evid_publisher_free (r.pub);
  if (r.pipeline)
    gst_object_unref (r.pipeline);
  if (r.loop)
    g_main_loop_unref (r.loop);
  if (r.events)
    fclose (r.events);
  if (r.tracks)
    fclose (r.tracks);
  if (r.detections)
    fclose (r.detections);
  g_hash_table_destroy (r.track_ids);
  g_array_free (r.latencies_ms, TRUE);
  hwcfg_free (cfg);
  return ok;
}
