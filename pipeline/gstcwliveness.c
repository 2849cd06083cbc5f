/**
 * SECTION:element-cwliveness
 * Flat-image rejection (liveness/): keeps each track's history, the last
 * frames (grey) and the moving blobs cwdetect found, and gives every
 * violation candidate a verdict (live, flat, uncertain) with the scores and
 * measurements behind it. A candidate is watched until its crossing ends
 * (it has been off the carriageway for CROSSING_OVER_S) and re-assessed on
 * every frame while its verdict is uncertain (or live on all but a check
 * that could not tell), every REASSESS_S once it is settled; each new
 * verdict (the track's verdict so far, live_check.h) travels as
 * "verdict-update" on that person for cwevidence to apply to the open
 * packet, so the packet carries the last one. A track that continues a
 * lost candidate's crossing (continues-track, from cwzones) and is as
 * tall takes its watch over (continues-candidate on the person), and its
 * verdicts go to the candidate's packet; should the lost track be seen
 * again, it takes the watch back (takes-candidate-back).
 *
 * With a stereo camera (stereo_right in the camera's group) or a depth
 * camera (depth_uri) the element decodes that stream itself, frame for
 * frame with the main one.
 *
 * |[
 * ... ! cwzones config=site.ini ! cwliveness config=site.ini ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include <string.h>

#include "cw_source.h"
#include "live_check.h"

#include <gst/app/gstappsink.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_liveness_debug);
#define GST_CAT_DEFAULT gst_cw_liveness_debug

#define MAX_BLOBS 64
/* A candidate's crossing is over when it has been off the road this long. */
#define CROSSING_OVER_S 2.0
/* A settled verdict is looked at again this often (any other every
 * frame), on the first frame the detector ran on after it: on a frame it
 * skipped the track's box is the tracker's estimate, and the checks that
 * look at this frame's picture (depth) have nothing to measure. */
#define REASSESS_S 1.0

struct watch {
  double last_on_road_s, last_seen_s, last_assessed_s;
  gboolean settled; /* live_result_settled: looked at again every REASSESS_S, else every frame */
};

enum { PROP_0, PROP_ASSESSMENTS, PROP_ASSESS_SECONDS, PROP_FRAMES, PROP_FRAME_SECONDS };

struct _GstCwLiveness {
  GstCwFilter parent;
  const struct hwcfg *cfg;
  const struct hwcfg_camera *camera;
  struct live_checker *checker;
  gboolean stream_known;
  GHashTable *watched; /* track id -> struct watch: candidates whose crossing goes on */
  GHashTable *handed;  /* lost track id -> the track id that took its candidate over */
  GHashTable *finished; /* track id -> when its candidate's crossing ended (gdouble *, seconds) */
  /* the stereo pair's right stream, or a depth camera's: uridecodebin ! appsink */
  GstElement *aux;
  GstAppSink *aux_sink;
  const char *aux_uri;
  gboolean aux_is_depth, aux_failed;
  /* cost, for the benchmark: candidates assessed and the time spent */
  gint assessments, frames;
  gdouble assess_seconds, frame_seconds;
};

G_DEFINE_TYPE (GstCwLiveness, gst_cw_liveness, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwliveness, "cwliveness", GST_RANK_NONE, GST_TYPE_CW_LIVENESS)

/* Decodes URI into FORMAT frames for the element to pull in lockstep:
 * source ! videoconvert ! FORMAT ! appsink name=aux, built element by
 * element (the URI from the config is a property value, never launch-line
 * text). */
/* A depth camera sends 16-bit grey: any other stream (a colour video given
 * as depth_uri) would be converted to nonsense depths that look like
 * relief. Its frames are dropped and the pipeline notes why. */
static GstPadProbeReturn
refuse_non_depth (GstPad *pad, GstPadProbeInfo *info, gpointer pipeline)
{
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      GstCaps *caps;
      gst_event_parse_caps (ev, &caps);
      const char *fmt = gst_structure_get_string (gst_caps_get_structure (caps, 0), "format");
      if (!fmt || (strcmp (fmt, "GRAY16_LE") && strcmp (fmt, "GRAY16_BE")))
        g_object_set_data_full (G_OBJECT (pipeline), "cw-refused",
                                g_strdup_printf ("the stream is %s, not 16-bit depth (GRAY16)", fmt ? fmt : "not raw video"),
                                g_free);
    }
    return GST_PAD_PROBE_OK;
  }
  return g_object_get_data (G_OBJECT (pipeline), "cw-refused") ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

static GstElement *
start_aux_stream (const char *uri, const char *format, GError **error)
{
  GstElement *p = gst_pipeline_new ("cwliveness-aux");
  GstElement *convert, *filter, *sink;
  if (!(convert = cw_element_make ("videoconvert", NULL, error)) || !gst_bin_add (GST_BIN (p), convert) ||
      !(filter = cw_element_make ("capsfilter", NULL, error)) || !gst_bin_add (GST_BIN (p), filter) ||
      !(sink = cw_element_make ("appsink", "aux", error)) || !gst_bin_add (GST_BIN (p), sink))
    goto error;
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, format, NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  g_object_set (sink, "sync", FALSE, "max-buffers", 4, NULL);
  if (!gst_element_link_many (convert, filter, sink, NULL)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, "cannot link the %s stream", format);
    goto error;
  }
  if (!strcmp (format, "GRAY16_LE")) {
    GstPad *pad = gst_element_get_static_pad (convert, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_BUFFER, refuse_non_depth, p, NULL);
    gst_object_unref (pad);
  }
  if (!cw_source_add (GST_BIN (p), uri, convert, error))
    goto error;
  if (gst_element_set_state (p, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ, "cannot open %s", uri);
    goto error;
  }
  return p;

error:
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
  return NULL;
}

static gboolean
gst_cw_liveness_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwLiveness *self = GST_CW_LIVENESS (filter);
  self->cfg = cfg;
  self->camera = hwcfg_camera (cfg, camera);
  self->checker = live_checker_create (&cfg->liveness);
  self->stream_known = FALSE;
  self->watched = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->handed = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->finished = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->assessments = self->frames = 0;
  self->assess_seconds = self->frame_seconds = 0;
  self->aux_failed = FALSE;
  self->aux_is_depth = self->camera && self->camera->depth_uri;
  self->aux_uri = !self->camera ? NULL : self->aux_is_depth ? self->camera->depth_uri : self->camera->stereo_right;
  if (self->aux_uri && cfg->liveness.enabled) {
    g_autoptr (GError) err = NULL;
    self->aux = start_aux_stream (self->aux_uri, self->aux_is_depth ? "GRAY16_LE" : "GRAY8", &err);
    if (!self->aux) {
      /* enforcement goes on with the mono checks: a missing depth source must not stop the appliance */
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ, ("Cannot open the depth source; the depth check is off."),
                           ("%s: [camera:%s] %s: %s", cfg->path, self->camera->name,
                            self->aux_is_depth ? "depth_uri" : "stereo_right", err ? err->message : "cannot start"));
      return TRUE;
    }
    self->aux_sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (self->aux), "aux"));
  }
  return TRUE;
}

static void
gst_cw_liveness_release (GstCwFilter *filter)
{
  GstCwLiveness *self = GST_CW_LIVENESS (filter);
  GST_INFO_OBJECT (self, "%d candidates assessed in %.1f ms; %d frames in %.1f ms", self->assessments,
                   self->assess_seconds * 1e3, self->frames, self->frame_seconds * 1e3);
  live_checker_free (self->checker);
  self->checker = NULL;
  g_clear_pointer (&self->watched, g_hash_table_destroy);
  g_clear_pointer (&self->handed, g_hash_table_destroy);
  g_clear_pointer (&self->finished, g_hash_table_destroy);
  if (self->aux) {
    gst_element_set_state (self->aux, GST_STATE_NULL);
    gst_clear_object (&self->aux_sink);
    gst_clear_object (&self->aux);
  }
}

/* The right (or depth) image of this frame, in lockstep with the main
 * stream; FALSE (and a warning, once) when it is not there. */
static gboolean
pull_aux (GstCwLiveness *self, GstSample **sample, GstVideoFrame *vf)
{
  if (!self->aux_sink || self->aux_failed)
    return FALSE;
  *sample = gst_app_sink_try_pull_sample (self->aux_sink, 2 * GST_SECOND);
  GstVideoInfo info;
  if (*sample && gst_video_info_from_caps (&info, gst_sample_get_caps (*sample)) &&
      gst_video_frame_map (vf, &info, gst_sample_get_buffer (*sample), GST_MAP_READ))
    return TRUE;
  g_clear_pointer (sample, gst_sample_unref);
  self->aux_failed = TRUE;
  const char *refused = g_object_get_data (G_OBJECT (self->aux), "cw-refused");
  if (refused)
    GST_ELEMENT_WARNING (self, STREAM, WRONG_TYPE, ("The depth stream is not a depth camera's."),
                         ("%s: %s: the depth check is off", self->aux_uri, refused));
  else
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
                         ("The %s stream ended or stalled.", self->aux_is_depth ? "depth" : "right"),
                         ("%s: the depth check is off from here on", self->aux_uri));
  return FALSE;
}

/* {"ground_path":[[t,X,Y],...]} from the retained history. */
static char *
track_json (const struct live_history *h)
{
  GString *s = g_string_new ("{\"ground_path\":[");
  gboolean first = TRUE;
  for (int i = 0; i < h->n; i++) {
    if (!h->samples[i].has_ground)
      continue;
    g_string_append_printf (s, "%s[%.2f,%.3f,%.3f]", first ? "" : ",", h->samples[i].t_s, h->samples[i].ground_x,
                            h->samples[i].ground_y);
    first = FALSE;
  }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static const char DISABLED_JSON[] =
    "{\"verdict\":\"uncertain\",\"score\":0,\"checks\":{},\"reason\":\"liveness checks disabled in the site config\"}";

/* Assesses track ID; FIELD is "verdict" for a new candidate, "verdict-update" after. */
static void
assess (GstCwLiveness *self, GstStructure *p, int id, const char *field, const struct cw_frame_info *info)
{
  gint64 t0 = g_get_monotonic_time ();
  struct live_result res;
  live_checker_assess (self->checker, id, &res);
  self->assess_seconds += (g_get_monotonic_time () - t0) / 1e6;
  self->assessments++;
  g_autofree char *lj = live_result_to_json (&res);
  gst_structure_set (p, field, G_TYPE_STRING, live_verdict_name (res.verdict), "liveness", G_TYPE_STRING, lj, NULL);
  if (strcmp (field, "verdict") == 0) {
    struct live_history h = live_checker_history (self->checker, id);
    g_autofree char *tj = track_json (&h);
    gst_structure_set (p, "track", G_TYPE_STRING, tj, NULL);
  }
  struct watch *w = g_hash_table_lookup (self->watched, GINT_TO_POINTER (id));
  if (!w) {
    w = g_new0 (struct watch, 1);
    w->last_on_road_s = info->t_s;
    g_hash_table_insert (self->watched, GINT_TO_POINTER (id), w);
    g_hash_table_remove (self->finished, GINT_TO_POINTER (id)); /* a crossing again */
  }
  w->last_assessed_s = w->last_seen_s = info->t_s;
  w->settled = live_result_settled (&res);
  GST_INFO_OBJECT (self, "frame %d: track %d %s %s", info->frame, id, field, lj);
}

/* The candidate watched under track FROM is watched under TO from now on; false when FROM has none. */
static gboolean
move_watch (GstCwLiveness *self, int from, int to)
{
  struct watch *w = g_hash_table_lookup (self->watched, GINT_TO_POINTER (from));
  if (!w)
    return FALSE;
  g_hash_table_steal (self->watched, GINT_TO_POINTER (from));
  g_hash_table_replace (self->watched, GINT_TO_POINTER (to), w);
  return TRUE;
}

/* cwzones says TRACK_ID, in BOX, continues LOST_ID's crossing (the tracker
 * lost the person and found them again under a new id). When the checker
 * agrees (live_checker_continue: as tall), a candidate still watched goes on
 * being assessed on the new id, on the history of both, and its verdicts
 * travel on the new id. True when a candidate was taken over: the person
 * then carries continues-candidate, and cwevidence moves the packet too. */
static gboolean
take_over (GstCwLiveness *self, int lost_id, int track_id, const float box[4])
{
  /* the lost track's candidate's crossing is over: the new track keeps its
   * own history, not what the lost one's windows showed (a lost track that
   * never had a candidate gives its history on: the rules carry its
   * crossing on, and the new track may be charged on it) */
  if (g_hash_table_contains (self->finished, GINT_TO_POINTER (lost_id)) ||
      !live_checker_continue (self->checker, lost_id, track_id, box) || !move_watch (self, lost_id, track_id))
    return FALSE;
  g_hash_table_replace (self->handed, GINT_TO_POINTER (lost_id), GINT_TO_POINTER (track_id));
  GST_INFO_OBJECT (self, "track %d continues candidate %d", track_id, lost_id);
  return TRUE;
}

/* TRACK_ID, whose candidate another track took over, is seen again: the
 * tracker had lost it for a moment, and the rules gave its crossing to
 * someone else. It takes its candidate back (on its own history, which the
 * checker kept). The id that had it, or 0. */
static int
take_back (GstCwLiveness *self, int track_id)
{
  gpointer taker;
  if (!g_hash_table_steal_extended (self->handed, GINT_TO_POINTER (track_id), NULL, &taker) ||
      !move_watch (self, GPOINTER_TO_INT (taker), track_id))
    return 0;
  GST_INFO_OBJECT (self, "track %d takes candidate back from %d", track_id, GPOINTER_TO_INT (taker));
  return GPOINTER_TO_INT (taker);
}

/* A hand-over whose candidate's crossing is over is forgotten. */
static gboolean
hand_over_done (gpointer lost, gpointer taker, gpointer watched)
{
  return !g_hash_table_contains (watched, taker);
}

/* A finished crossing's track id is remembered as long as the checker
 * keeps tracks it no longer sees (and a little more). */
#define FINISHED_KEEP_S 60.0

struct sweep {
  double now;
  GHashTable *finished;
};

/* The crossing is over (off the road long enough), or the track is gone:
 * its id goes to SWEEP's finished ones. */
static gboolean
crossing_over (gpointer key, gpointer value, gpointer sweep)
{
  const struct watch *w = value;
  struct sweep *sw = sweep;
  if (sw->now - w->last_on_road_s <= CROSSING_OVER_S && sw->now - w->last_seen_s <= 60)
    return FALSE;
  gdouble *at = g_new (gdouble, 1);
  *at = sw->now;
  g_hash_table_replace (sw->finished, key, at);
  return TRUE;
}

static gboolean
long_finished (gpointer key, gpointer value, gpointer now)
{
  return *(double *) now - *(const gdouble *) value > FINISHED_KEEP_S;
}

static GstFlowReturn
gst_cw_liveness_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwLiveness *self = GST_CW_LIVENESS (filter);
  g_autoptr (GPtrArray) people = cw_people (frame->buffer);
  if (!self->cfg->liveness.enabled) {
    for (guint i = 0; i < people->len; i++) {
      GstStructure *p = cw_person_param (g_ptr_array_index (people, i));
      if (gst_structure_has_field (p, "candidate"))
        gst_structure_set (p, "verdict", G_TYPE_STRING, "uncertain", "liveness", G_TYPE_STRING, DISABLED_JSON, NULL);
    }
    return GST_FLOW_OK;
  }
  gint64 t0 = g_get_monotonic_time ();
  struct cv_image img;
  gst_cw_filter_frame_image (frame, &img);
  if (!self->stream_known) {
    if (self->camera)
      live_checker_set_camera (self->checker, self->cfg, self->camera, img.width, img.height);
    if (GST_VIDEO_INFO_FPS_N (&frame->info) > 0 && GST_VIDEO_INFO_FPS_D (&frame->info) > 0)
      live_checker_set_rate (self->checker,
                             (double) GST_VIDEO_INFO_FPS_N (&frame->info) / GST_VIDEO_INFO_FPS_D (&frame->info));
    self->stream_known = TRUE;
  }
  struct cv_rect blobs[MAX_BLOBS];
  int n_blobs = cw_motion_get (frame->buffer, blobs, MAX_BLOBS);
  GstSample *as = NULL;
  GstVideoFrame af;
  gboolean has_aux = pull_aux (self, &as, &af);
  gboolean has_right = has_aux && !self->aux_is_depth;
  struct cv_image right;
  if (has_right)
    right = (struct cv_image){GST_VIDEO_FRAME_PLANE_DATA (&af, 0), GST_VIDEO_FRAME_WIDTH (&af),
                              GST_VIDEO_FRAME_HEIGHT (&af), GST_VIDEO_FRAME_PLANE_STRIDE (&af, 0), 1};
  live_checker_frame (self->checker, info->frame, info->t_s, &img, blobs, n_blobs, has_right ? &right : NULL);
  if (has_aux && self->aux_is_depth)
    live_checker_depth_frame (self->checker, GST_VIDEO_FRAME_PLANE_DATA (&af, 0), GST_VIDEO_FRAME_WIDTH (&af),
                              GST_VIDEO_FRAME_HEIGHT (&af), GST_VIDEO_FRAME_PLANE_STRIDE (&af, 0) / 2);
  else if (self->aux_is_depth)
    live_checker_depth_frame (self->checker, NULL, 0, 0, 0);
  if (has_aux) {
    gst_video_frame_unmap (&af);
    gst_sample_unref (as);
  }

  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    if (m->id < 0)
      continue;
    GstStructure *p = cw_person_param (m);
    double b[4];
    cw_person_box (m, b);
    struct live_sample s = {
        .frame = info->frame, .t_s = info->t_s, .box = {b[0], b[1], b[2], b[3]}, .predicted = !info->detector_ran};
    s.has_ground = gst_structure_get (p, "ground-x", G_TYPE_DOUBLE, &s.ground_x, "ground-y", G_TYPE_DOUBLE,
                                      &s.ground_y, NULL);
    int lost_id, taker;
    if (gst_structure_get_int (p, "continues-track", &lost_id) && take_over (self, lost_id, m->id, s.box))
      gst_structure_set (p, "continues-candidate", G_TYPE_INT, lost_id, NULL);
    else if ((taker = take_back (self, m->id)) != 0)
      gst_structure_set (p, "takes-candidate-back", G_TYPE_INT, taker, NULL);
    live_checker_observe (self->checker, m->id, &s);
  }
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    GstStructure *p = cw_person_param (m);
    if (m->id < 0)
      continue;
    struct watch *w = g_hash_table_lookup (self->watched, GINT_TO_POINTER (m->id));
    gboolean on_road = FALSE;
    if (w && (!gst_structure_get_boolean (p, "on-road", &on_road) || on_road))
      w->last_on_road_s = info->t_s;
    if (gst_structure_has_field (p, "candidate"))
      assess (self, p, m->id, "verdict", info);
    else if (w && (!w->settled || (info->t_s - w->last_assessed_s >= REASSESS_S - 1e-6 && info->detector_ran)))
      assess (self, p, m->id, "verdict-update", info);
    else if (w)
      w->last_seen_s = info->t_s;
  }
  double now = info->t_s;
  struct sweep sweep = {now, self->finished};
  g_hash_table_foreach_remove (self->watched, crossing_over, &sweep);
  g_hash_table_foreach_remove (self->finished, long_finished, &now);
  g_hash_table_foreach_remove (self->handed, hand_over_done, self->watched);
  self->frames++;
  self->frame_seconds += (g_get_monotonic_time () - t0) / 1e6;
  return GST_FLOW_OK;
}

static void
gst_cw_liveness_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  GstCwLiveness *self = GST_CW_LIVENESS (object);
  switch (id) {
  case PROP_ASSESSMENTS:
    g_value_set_int (value, self->assessments);
    break;
  case PROP_ASSESS_SECONDS:
    g_value_set_double (value, self->assess_seconds);
    break;
  case PROP_FRAMES:
    g_value_set_int (value, self->frames);
    break;
  case PROP_FRAME_SECONDS:
    g_value_set_double (value, self->frame_seconds);
    break;
  default:
    /* the config-key properties: the base class keeps them */
    G_OBJECT_CLASS (gst_cw_liveness_parent_class)->get_property (object, id, value, pspec);
  }
}

static void
gst_cw_liveness_class_init (GstCwLivenessClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_liveness_debug, "cwliveness", 0, "crosswatch flat-image rejection");
  gobject_class->get_property = gst_cw_liveness_get_property;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  g_object_class_install_property (gobject_class, PROP_ASSESSMENTS,
                                   g_param_spec_int ("assessments", "Assessments", "Candidate assessments so far", 0,
                                                     G_MAXINT, 0, ro));
  g_object_class_install_property (gobject_class, PROP_ASSESS_SECONDS,
                                   g_param_spec_double ("assess-seconds", "Assessment time",
                                                        "Seconds spent assessing candidates", 0, G_MAXDOUBLE, 0, ro));
  g_object_class_install_property (gobject_class, PROP_FRAMES,
                                   g_param_spec_int ("frames", "Frames", "Frames processed", 0, G_MAXINT, 0, ro));
  g_object_class_install_property (gobject_class, PROP_FRAME_SECONDS,
                                   g_param_spec_double ("frame-seconds", "Frame time",
                                                        "Seconds spent on frames, assessments included", 0,
                                                        G_MAXDOUBLE, 0, ro));
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch liveness",
                             "Rejects flat images of people (posters, adverts, screens) among violation candidates. Reads the candidates of cwzones; adds to their crosswatch-person param verdict (live, flat, uncertain), liveness (JSON) and track (JSON), or verdict-update for a candidate decided later");
  cw_class->stage = CW_STAGE_LIVENESS;
  cw_class->needs = CW_STAGE_ZONES;
  cw_class->needs_element = "cwzones";
  gst_cw_filter_class_install_config_group (G_OBJECT_CLASS (klass), "liveness");
  gst_cw_filter_class_install_config_group_as (G_OBJECT_CLASS (klass), "camera", "camera-");
  cw_class->config_optional = TRUE; /* the calibration and stereo or depth source as properties */
  cw_class->configure = gst_cw_liveness_configure;
  cw_class->release = gst_cw_liveness_release;
  cw_class->process = gst_cw_liveness_process;
}

static void
gst_cw_liveness_init (GstCwLiveness *self)
{
}
