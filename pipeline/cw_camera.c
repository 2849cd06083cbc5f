#include "cw_camera.h"

#include "cw_source.h"
#include "gstcwelements.h"
#include "trk_mot.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (cw_camera_debug);
#define GST_CAT_DEFAULT cw_camera_debug

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
/* a pipeline that ran this long before failing was healthy: the next
 * rebuild waits the shortest time again */
#define HEALTHY_RUN_S 60
/* a live camera that sends nothing for this long is lost, though no
 * element said so (a camera that hangs with its connection open); at
 * start it has twice as long for its first frame */
#define STALL_S 10
/* capture-to-decision latencies are counted in 1 ms buckets up to this,
 * the last bucket holding everything longer: bounded memory over a month */
#define LATENCY_BUCKETS 10000

struct latency_hist {
  int n;
  int count[LATENCY_BUCKETS];
};

struct cw_camera {
  char *config_path, *name, *uri;
  gboolean live, loop;
  gboolean face; /* a face camera: cwfaces, not the deciding chain */
  FILE *tracks, *detections;
  struct cw_camera_hooks hooks;

  enum cw_camera_state state;
  GstElement *pipeline;
  guint bus_watch, retry, stall_check;
  int stall_frames;       /* pipeline_frames at the last check */
  gint64 last_progress_us; /* when they last moved */
  gboolean stopping;
  gint64 started_us, down_since_us, up_since_us;
  char *down_reason;
  int backoff_s;
  GError *error;

  /* counted on streaming threads (atomics), read on the main loop */
  int frames_captured, frames, frames_dequeued;
  int pipeline_frames; /* of the current pipeline (atomic): the first says it is back */
  GMutex lock; /* latency histograms */
  guint64 tracks_before; /* of the pipelines before it */
  guint64 detections_before, put_off_before; /* the detector's counts, likewise */
  int unknown_signal_crossings_before;
  char *signal_phase, *signal_source; /* at the last look (cw_camera_signal) */
  struct latency_hist *latency_run, *latency_interval;
  struct cw_camera_stats stats;
};

static void pipeline_detections (struct cw_camera *c, guint64 *ran, guint64 *put_off);
static guint64 pipeline_tracks (struct cw_camera *c);

static const char *const STAGES[] = {"cwdetect", "cwtrack", "cwzones", "cwliveness", "cwevidence"};
G_STATIC_ASSERT (G_N_ELEMENTS (STAGES) == CW_CAMERA_STAGES);

const char *
cw_camera_stage_name (int i)
{
  return i >= 0 && i < CW_CAMERA_STAGES ? STAGES[i] + 2 : NULL;
}

/* queue ! videoconvert ! BGR ! the crosswatch stages ! fakesink, in that order */
static const struct cw_chain_link CHAIN[] = {
    {"queue", "capture"},  {"videoconvert", NULL},    {"capsfilter", "bgr"},
    {"cwdetect", "cwdetect"}, {"cwtrack", "cwtrack"},     {"cwzones", "cwzones"},
    {"cwliveness", "cwliveness"}, {"cwevidence", "cwevidence"}, {"fakesink", "sink"},
};

/* a face camera's: queue ! videoconvert ! BGR ! cwfaces ! fakesink */
static const struct cw_chain_link FACE_CHAIN[] = {
    {"queue", "capture"}, {"videoconvert", NULL}, {"capsfilter", "bgr"}, {"cwfaces", "cwfaces"}, {"fakesink", "sink"},
};

/* How much of a live stream the capture queue holds: half the second a
 * decision may take (capture to decision p99 < 1 s). */
#define CAPTURE_QUEUE_MS 500
/* ... and at most this many frames and bytes: a stream without timestamps
 * has no time level, and must not fill the memory instead (32 decoded
 * 1080p frames are 100 MB; 48 MB is 16 of them, 35 at 720p). */
#define CAPTURE_QUEUE_MAX_FRAMES 32
#define CAPTURE_QUEUE_MAX_BYTES (48u * 1024 * 1024)

/* The elements after the source, added to PIPELINE and linked; the first
 * (the capture queue) through OUT_HEAD. */
static gboolean
add_chain (GstBin *pipeline, gboolean live, gboolean face, GstElement **out_head, GError **error)
{
  if (!(face ? cw_chain_add (pipeline, FACE_CHAIN, G_N_ELEMENTS (FACE_CHAIN), out_head, error)
             : cw_chain_add (pipeline, CHAIN, G_N_ELEMENTS (CHAIN), out_head, error)))
    return FALSE;
  GstElement *capture = *out_head;
  /* Capture never waits for analysis on a live source: the queue drops
   * the oldest frames instead of blocking the camera. It holds
   * CAPTURE_QUEUE_MS of the stream, whatever its rate: analysis takes
   * longer on a frame with many people, or while the writer encodes, and
   * catches up after; a queue of 3 frames (120 ms at 25 fps) dropped those
   * frames instead (2 x 720p25 on 2 cores, bench/rtsp_live.sh: 14.5 %
   * skipped, 5 to 8 % with 500 ms, p99 latency 233 -> 540-620 ms,
   * bench/README.md). Under sustained overload each frame analysed is
   * then up to half a second old instead of a tenth. */
  if (live) {
    gst_util_set_object_arg (G_OBJECT (capture), "leaky", "downstream");
    g_object_set (capture, "max-size-buffers", CAPTURE_QUEUE_MAX_FRAMES, "max-size-time",
                  (guint64) CAPTURE_QUEUE_MS * GST_MSECOND, "max-size-bytes", CAPTURE_QUEUE_MAX_BYTES, NULL);
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
build (struct cw_camera *c, GError **error)
{
  g_autofree char *name = g_strdup_printf ("crosswatch-%s", c->name);
  GstElement *p = gst_pipeline_new (name);
  GstElement *capture = NULL;
  if (!add_chain (GST_BIN (p), c->live, c->face, &capture, error))
    goto error;
  if (!cw_source_add (GST_BIN (p), c->uri, capture, error)) {
    g_prefix_error (error, "%s: [camera:%s] uri: ", c->config_path, c->name);
    goto error;
  }
  static const char *const FACE_STAGES[] = {"cwfaces"};
  const char *const *stages = c->face ? FACE_STAGES : STAGES;
  size_t n_stages = c->face ? G_N_ELEMENTS (FACE_STAGES) : G_N_ELEMENTS (STAGES);
  for (size_t i = 0; i < n_stages; i++) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (p), stages[i]);
    g_object_set (e, "config", c->config_path, "camera", c->name, NULL);
    gst_object_unref (e);
  }
  /* messages posted while stopping (the evidence of the last frames) must
   * survive the pipeline going to NULL: they are read after (teardown) */
  gst_pipeline_set_auto_flush_bus (GST_PIPELINE (p), FALSE);
  return p;

error:
  gst_object_unref (p);
  return NULL;
}

/* The people of BUF as MOT rows of FRAME in OUT: tracked ones with their
 * ids, or (DETECTIONS) every box with id -1 and the detector's score. */
static void
write_mot_rows (FILE *out, int frame, GPtrArray *people, gboolean detections)
{
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    if (!detections && m->id < 0)
      continue;
    double b[4], score = detections ? 0 : 1;
    cw_person_box (m, b);
    gst_structure_get_double (cw_person_param (m), "score", &score);
    /* the colour signature goes with the box: track-mot then replays what
     * cwtrack saw, and site_bench's rules what cwzones saw */
    trk_mot_write_row (out, frame, detections ? -1 : m->id, &(struct trk_box){b[0], b[1], b[2], b[3]}, score,
                       cw_person_signature (m));
  }
}

/* a face camera's frames, counted as it looks at them */
static GstPadProbeReturn
on_faces_looked (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct cw_camera *c = data;
  (void) pad, (void) info;
  g_atomic_int_inc (&c->frames);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_tracked (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct cw_camera *c = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  struct cw_frame_info fi;
  if (!buf || !cw_frame_info_get (buf, &fi))
    return GST_PAD_PROBE_OK;
  g_atomic_int_inc (&c->frames);
  if (c->tracks) {
    g_autoptr (GPtrArray) people = cw_people (buf);
    write_mot_rows (c->tracks, fi.frame, people, FALSE);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_detected (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct cw_camera *c = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  struct cw_frame_info fi;
  if (!buf || !cw_frame_info_get (buf, &fi) || !fi.detector_ran)
    return GST_PAD_PROBE_OK;
  g_autoptr (GPtrArray) people = cw_people (buf);
  write_mot_rows (c->detections, fi.frame, people, TRUE);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_dequeued (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  g_atomic_int_inc (&((struct cw_camera *) data)->frames_dequeued);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_captured (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct cw_camera *c = data;
  g_atomic_int_inc (&c->frames_captured);
  g_atomic_int_inc (&c->pipeline_frames);
  return GST_PAD_PROBE_OK;
}

/* At the end of analysis: how long after its capture (the buffer's running
 * time on the pipeline clock, as a live source stamps it) the frame's
 * decisions were made. */
static GstPadProbeReturn
on_decided (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct cw_camera *c = data;
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
      int ms = (int) MIN ((now - running) / GST_MSECOND, LATENCY_BUCKETS - 1);
      g_mutex_lock (&c->lock);
      c->latency_run->count[ms]++, c->latency_run->n++;
      c->latency_interval->count[ms]++, c->latency_interval->n++;
      g_mutex_unlock (&c->lock);
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

static void
add_pad_probe (GstElement *pipeline, const char *element, const char *pad_name, GstPadProbeCallback cb,
               struct cw_camera *c)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), element);
  GstPad *pad = gst_element_get_static_pad (e, pad_name);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cb, c, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
}

static void
on_event (struct cw_camera *c, const GstStructure *s)
{
  const char *json = gst_structure_get_string (s, "json");
  if (!json)
    return;
  c->stats.candidates++;
  if (strstr (json, "\"decision\":\"rejected_flat\""))
    c->stats.rejected_flat++;
  else if (strstr (json, "\"decision\":\"position_uncertain\""))
    c->stats.position_uncertain++;
  else if (strstr (json, "\"decision\":\"liveness_unassessed\""))
    c->stats.liveness_unassessed++;
  else
    c->stats.violations++;
  if (c->hooks.event)
    c->hooks.event (c->hooks.data, c, json);
}

static void lost (struct cw_camera *c, const char *reason);
static void end (struct cw_camera *c);
static char *teardown (struct cw_camera *c);

/* Every second for a live camera: a lost one is back at its first frame;
 * frames must keep coming (STALL_S). */
static gboolean
on_stall_check (gpointer data)
{
  struct cw_camera *c = data;
  gint64 now = g_get_monotonic_time ();
  int frames = g_atomic_int_get (&c->pipeline_frames);
  if (frames > 0 && c->state == CW_CAMERA_DOWN) {
    g_printerr ("crosswatch: [camera:%s] back after %.0f s\n", c->name,
                (g_get_real_time () - c->down_since_us) / 1e6);
    c->state = CW_CAMERA_RUNNING;
    c->up_since_us = g_get_real_time ();
    c->stats.restarts++;
  }
  if (frames != c->stall_frames) {
    c->stall_frames = frames;
    c->last_progress_us = now;
    return G_SOURCE_CONTINUE;
  }
  gint64 limit = (gint64) (frames ? STALL_S : 2 * STALL_S) * G_USEC_PER_SEC;
  if (c->stopping || now - c->last_progress_us < limit)
    return G_SOURCE_CONTINUE;
  c->stall_check = 0; /* removed by returning G_SOURCE_REMOVE */
  g_autofree char *failure = teardown (c);
  g_autofree char *why = frames ? g_strdup_printf ("no frame for %d s", STALL_S)
                                : g_strdup_printf ("no first frame within %d s", 2 * STALL_S);
  lost (c, failure ? failure : why);
  return G_SOURCE_REMOVE;
}

/* One bus message of the current pipeline. On an error the first reason is
 * kept (in *FAILURE when not NULL) and the rest logged. */
static void
handle_message (struct cw_camera *c, GstMessage *msg, char **failure, gboolean *eos)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *dbg = NULL;
  switch (GST_MESSAGE_TYPE (msg)) {
  case GST_MESSAGE_EOS:
    *eos = TRUE;
    break;
  case GST_MESSAGE_ERROR:
    gst_message_parse_error (msg, &err, &dbg);
    if (!*failure)
      *failure = g_strdup_printf ("%s: %s%s%s", GST_OBJECT_NAME (msg->src), err->message, dbg ? " | " : "",
                                  dbg ? dbg : "");
    else
      g_printerr ("crosswatch: [camera:%s] also: %s: %s\n", c->name, GST_OBJECT_NAME (msg->src), err->message);
    break;
  case GST_MESSAGE_WARNING:
    gst_message_parse_warning (msg, &err, &dbg);
    g_printerr ("crosswatch: [camera:%s] warning from %s: %s%s%s\n", c->name, GST_OBJECT_NAME (msg->src),
                err->message, dbg ? " | " : "", dbg ? dbg : "");
    break;
  case GST_MESSAGE_INFO:
    gst_message_parse_info (msg, &err, &dbg);
    g_printerr ("crosswatch: [camera:%s] %s: %s%s%s\n", c->name, GST_OBJECT_NAME (msg->src), err->message,
                dbg ? " | " : "", dbg ? dbg : "");
    break;
  case GST_MESSAGE_ELEMENT:
    if (gst_message_has_name (msg, CW_EVENT_MESSAGE))
      on_event (c, gst_message_get_structure (msg));
    break;
  default:
    break;
  }
}

/* Stops and drops the pipeline: its elements finish their evidence on the
 * way to NULL, and every message they posted (decisions among them) is
 * handled here. Returns the first error among them, or NULL. */
static char *
teardown (struct cw_camera *c)
{
  if (!c->pipeline)
    return NULL;
  if (c->bus_watch)
    g_source_remove (c->bus_watch);
  c->bus_watch = 0;
  if (c->stall_check)
    g_source_remove (c->stall_check);
  c->stall_check = 0;
  gst_element_set_state (c->pipeline, GST_STATE_NULL);
  char *failure = NULL;
  gboolean eos = FALSE;
  GstBus *bus = gst_element_get_bus (c->pipeline);
  GstMessage *m;
  while ((m = gst_bus_pop (bus))) {
    handle_message (c, m, &failure, &eos);
    gst_message_unref (m);
  }
  gst_object_unref (bus);
  GstElement *faces = gst_bin_get_by_name (GST_BIN (c->pipeline), "cwfaces");
  if (faces) {
    guint64 placed = 0;
    g_object_get (faces, "faces", &placed, NULL);
    c->stats.faces_placed += placed;
    gst_object_unref (faces);
  }
  int unknown = 0;
  GstElement *zones = gst_bin_get_by_name (GST_BIN (c->pipeline), "cwzones");
  if (zones) {
    g_object_get (zones, "unknown-signal-crossings", &unknown, NULL);
    c->unknown_signal_crossings_before += unknown;
    gst_object_unref (zones);
  }
  for (int i = 0; i < CW_CAMERA_STAGES; i++) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (c->pipeline), STAGES[i]);
    if (!e)
      continue;
    guint64 frames = 0;
    double wall = 0, cpu = 0;
    g_object_get (e, "frames-processed", &frames, "process-seconds", &wall, "process-cpu-seconds", &cpu, NULL);
    c->stats.stage_frames[i] += frames, c->stats.stage_s[i] += wall, c->stats.stage_cpu_s[i] += cpu;
    gst_object_unref (e);
  }
  guint64 ran = 0, put_off = 0;
  pipeline_detections (c, &ran, &put_off);
  c->detections_before += ran, c->put_off_before += put_off;
  c->tracks_before += pipeline_tracks (c);
  GstElement *lv = gst_bin_get_by_name (GST_BIN (c->pipeline), "cwliveness");
  if (lv) {
    int assessments = 0, frames = 0;
    double assess_s = 0, frame_s = 0;
    g_object_get (lv, "assessments", &assessments, "assess-seconds", &assess_s, "frames", &frames,
                  "frame-seconds", &frame_s, NULL);
    c->stats.liveness_assessments += assessments, c->stats.liveness_assess_s += assess_s;
    c->stats.liveness_frames += frames, c->stats.liveness_frame_s += frame_s;
    gst_object_unref (lv);
  }
  gst_object_unref (c->pipeline);
  c->pipeline = NULL;
  return failure;
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  struct cw_camera *c = data;
  char *failure = NULL;
  gboolean eos = FALSE;
  handle_message (c, msg, &failure, &eos);
  if (!failure && !eos)
    return G_SOURCE_CONTINUE;
  c->bus_watch = 0; /* removed by returning G_SOURCE_REMOVE */
  g_autofree char *late = teardown (c);
  if (failure && c->live && !c->stopping)
    lost (c, failure);
  else if (failure) {
    g_set_error (&c->error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "[camera:%s] %s", c->name, failure);
    end (c);
  } else if (c->stopping)
    end (c);
  else if (c->live)
    lost (c, "the stream ended");
  else if (c->loop) {
    g_printerr ("crosswatch: [camera:%s] end of file: starting again (--loop)\n", c->name);
    c->stats.restarts++;
    g_autoptr (GError) err = NULL;
    if (!cw_camera_start (c, &err)) {
      c->error = g_steal_pointer (&err);
      end (c);
    }
  } else
    end (c);
  g_free (failure);
  return G_SOURCE_REMOVE;
}

static void
end (struct cw_camera *c)
{
  c->state = CW_CAMERA_ENDED;
  if (c->retry)
    g_source_remove (c->retry);
  c->retry = 0;
  if (c->hooks.ended)
    c->hooks.ended (c->hooks.data, c);
}

static gboolean
on_retry (gpointer data)
{
  struct cw_camera *c = data;
  c->retry = 0;
  c->stats.rebuild_attempts++;
  g_printerr ("crosswatch: [camera:%s] rebuilding (down %.0f s)\n", c->name,
              (g_get_real_time () - c->down_since_us) / 1e6);
  g_autoptr (GError) err = NULL;
  if (!cw_camera_start (c, &err)) {
    c->error = g_steal_pointer (&err);
    end (c);
  }
  return G_SOURCE_REMOVE;
}

/* The camera is lost: rebuild later, waiting longer while it keeps failing. */
static void
lost (struct cw_camera *c, const char *reason)
{
  gint64 now = g_get_real_time ();
  if (c->state != CW_CAMERA_DOWN)
    c->down_since_us = now;
  if (c->started_us && now - c->started_us >= (gint64) HEALTHY_RUN_S * G_USEC_PER_SEC)
    c->backoff_s = BACKOFF_MIN_S;
  c->state = CW_CAMERA_DOWN;
  g_free (c->down_reason);
  c->down_reason = g_strdup (reason);
  g_printerr ("crosswatch: [camera:%s] lost: %s; rebuilding in %d s\n", c->name, reason, c->backoff_s);
  c->retry = g_timeout_add_seconds (c->backoff_s, on_retry, c);
  c->backoff_s = MIN (2 * c->backoff_s, BACKOFF_MAX_S);
}

struct cw_camera *
cw_camera_create (const char *config_path, const struct hwcfg_camera *cam, gboolean loop, FILE *tracks,
                  FILE *detections, const struct cw_camera_hooks *hooks)
{
  GST_DEBUG_CATEGORY_INIT (cw_camera_debug, "cwcamera", 0, "crosswatch camera");
  struct cw_camera *c = g_new0 (struct cw_camera, 1);
  c->config_path = g_strdup (config_path);
  c->name = g_strdup (cam->name);
  c->uri = g_strdup (cam->uri);
  c->live = !g_str_has_prefix (cam->uri, "file://");
  c->face = cam->role == HWCFG_CAMERA_FACE;
  c->loop = loop;
  c->tracks = tracks, c->detections = detections;
  if (hooks)
    c->hooks = *hooks;
  c->backoff_s = BACKOFF_MIN_S;
  c->state = CW_CAMERA_ENDED;
  g_mutex_init (&c->lock);
  c->latency_run = g_new0 (struct latency_hist, 1);
  c->latency_interval = g_new0 (struct latency_hist, 1);
  return c;
}

void
cw_camera_free (struct cw_camera *c)
{
  if (!c)
    return;
  g_free (teardown (c));
  if (c->retry)
    g_source_remove (c->retry);
  g_free (c->config_path);
  g_free (c->name);
  g_free (c->uri);
  g_free (c->down_reason);
  g_free (c->signal_phase);
  g_free (c->signal_source);
  g_clear_error (&c->error);
  g_free (c->latency_run);
  g_free (c->latency_interval);
  g_mutex_clear (&c->lock);
  g_free (c);
}

gboolean
cw_camera_is_face (const struct cw_camera *c)
{
  return c->face;
}

gboolean
cw_camera_start (struct cw_camera *c, GError **error)
{
  c->pipeline = build (c, error);
  if (!c->pipeline)
    return FALSE;
  if (!c->face)
    add_pad_probe (c->pipeline, "cwtrack", "src", on_tracked, c);
  else
    add_pad_probe (c->pipeline, "cwfaces", "src", on_faces_looked, c);
  add_pad_probe (c->pipeline, "capture", "sink", on_captured, c);
  add_pad_probe (c->pipeline, "capture", "src", on_dequeued, c);
  if (c->live)
    add_pad_probe (c->pipeline, "sink", "sink", on_decided, c);
  if (c->detections && !c->face)
    add_pad_probe (c->pipeline, "cwdetect", "src", on_detected, c);
  GstBus *bus = gst_element_get_bus (c->pipeline);
  c->bus_watch = gst_bus_add_watch (bus, on_bus, c);
  gst_object_unref (bus);
  c->started_us = g_get_real_time ();
  g_atomic_int_set (&c->pipeline_frames, 0);
  if (c->live) {
    c->stall_frames = 0;
    c->last_progress_us = g_get_monotonic_time ();
    c->stall_check = g_timeout_add_seconds (1, on_stall_check, c);
  }
  if (gst_element_set_state (c->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* the reason is on the bus (an element refusing to start) */
    g_autofree char *failure = teardown (c);
    if (!failure)
      failure = g_strdup ("the pipeline did not start");
    if (c->live && !c->stopping) {
      lost (c, failure);
      return TRUE;
    }
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE, "[camera:%s] %s", c->name, failure);
    return FALSE;
  }
  /* a lost camera stays down until its first frame (on_stall_check) */
  if (c->state != CW_CAMERA_DOWN) {
    c->state = CW_CAMERA_RUNNING;
    c->up_since_us = g_get_real_time ();
  }
  return TRUE;
}

void
cw_camera_stop (struct cw_camera *c)
{
  c->stopping = TRUE;
  if (c->state == CW_CAMERA_DOWN)
    end (c);
  else if (c->pipeline)
    gst_element_send_event (c->pipeline, gst_event_new_eos ());
}

void
cw_camera_abort (struct cw_camera *c)
{
  c->stopping = TRUE;
  g_free (teardown (c));
  if (c->state != CW_CAMERA_ENDED)
    end (c);
}

const char *
cw_camera_name (const struct cw_camera *c)
{
  return c->name;
}

gboolean
cw_camera_is_live (const struct cw_camera *c)
{
  return c->live;
}

enum cw_camera_state
cw_camera_state (const struct cw_camera *c)
{
  return c->state;
}

gint64
cw_camera_down_since (const struct cw_camera *c)
{
  return c->state == CW_CAMERA_DOWN ? c->down_since_us : 0;
}

gint64
cw_camera_up_since (const struct cw_camera *c)
{
  return c->state == CW_CAMERA_RUNNING ? c->up_since_us : 0;
}

const char *
cw_camera_down_reason (const struct cw_camera *c)
{
  return c->state == CW_CAMERA_DOWN ? c->down_reason : NULL;
}

const GError *
cw_camera_error (const struct cw_camera *c)
{
  return c->error;
}

/* The current pipeline's detector counts (cwdetect's "detections" and
 * "detections-put-off"); 0 without one. */
static void
pipeline_detections (struct cw_camera *c, guint64 *ran, guint64 *put_off)
{
  *ran = *put_off = 0;
  GstElement *det = c->pipeline ? gst_bin_get_by_name (GST_BIN (c->pipeline), "cwdetect") : NULL;
  if (det) {
    g_object_get (det, "detections", ran, "detections-put-off", put_off, NULL);
    gst_object_unref (det);
  }
}

/* The different tracks the current pipeline's tracker reported. */
static guint64
pipeline_tracks (struct cw_camera *c)
{
  guint64 tracks = 0;
  GstElement *trk = c->pipeline ? gst_bin_get_by_name (GST_BIN (c->pipeline), "cwtrack") : NULL;
  if (trk) {
    g_object_get (trk, "tracks", &tracks, NULL);
    gst_object_unref (trk);
  }
  return tracks;
}

const struct cw_camera_stats *
cw_camera_stats (const struct cw_camera *c)
{
  struct cw_camera *m = (struct cw_camera *) c;
  m->stats.frames = g_atomic_int_get (&m->frames);
  m->stats.frames_captured = g_atomic_int_get (&m->frames_captured);
  /* what entered the capture queue and never left it: dropped (a live
   * camera's queue is leaky), less what waits in it now */
  guint waiting = 0;
  GstElement *q = m->pipeline ? gst_bin_get_by_name (GST_BIN (m->pipeline), "capture") : NULL;
  if (q) {
    g_object_get (q, "current-level-buffers", &waiting, NULL);
    gst_object_unref (q);
  }
  /* a file's queue is not leaky: it drops nothing (frames between the
   * queue and analysis are in flight, not skipped) */
  m->stats.frames_skipped =
      m->live ? MAX (0, m->stats.frames_captured - g_atomic_int_get (&m->frames_dequeued) - (int) waiting) : 0;
  guint64 ran, put_off;
  pipeline_detections (m, &ran, &put_off);
  m->stats.detections = m->detections_before + ran;
  m->stats.detections_put_off = m->put_off_before + put_off;
  m->stats.tracks = (int) (m->tracks_before + pipeline_tracks (m));
  return &c->stats;
}

/* The bucket (ms) below which a fraction P of H's latencies fall. */
static double
hist_percentile (const struct latency_hist *h, double p)
{
  int want = (int) (p * (h->n - 1)) + 1, seen = 0;
  for (int ms = 0; ms < LATENCY_BUCKETS; ms++)
    if ((seen += h->count[ms]) >= want)
      return ms;
  return LATENCY_BUCKETS - 1;
}

gboolean
cw_camera_latency (struct cw_camera *c, gboolean interval, double *p50_ms, double *p99_ms)
{
  g_mutex_lock (&c->lock);
  struct latency_hist *h = interval ? c->latency_interval : c->latency_run;
  gboolean any = h->n > 0;
  if (any)
    *p50_ms = hist_percentile (h, 0.5), *p99_ms = hist_percentile (h, 0.99);
  if (interval)
    memset (h, 0, sizeof *h);
  g_mutex_unlock (&c->lock);
  return any;
}

int
cw_camera_signal (struct cw_camera *c, const char **phase, const char **source)
{
  int unknown = 0;
  GstElement *zones = c->pipeline ? gst_bin_get_by_name (GST_BIN (c->pipeline), "cwzones") : NULL;
  if (zones) {
    g_free (c->signal_phase);
    g_free (c->signal_source);
    g_object_get (zones, "signal-phase", &c->signal_phase, "signal-source", &c->signal_source,
                  "unknown-signal-crossings", &unknown, NULL);
    gst_object_unref (zones);
  }
  *phase = c->signal_phase, *source = c->signal_source;
  return c->unknown_signal_crossings_before + unknown;
}
