/**
 * SECTION:element-cwdetect
 * Finds people in each frame (vision/: HOG + linear SVM behind the OpenCV
 * shim) and attaches them as "person" region-of-interest metas.
 *
 * |[
 * gst-launch-1.0 filesrc location=vtest.avi ! decodebin ! videoconvert ! \
 *   video/x-raw,format=BGR ! cwdetect config=site.ini ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include "vis_cadence.h"
#include "vis_finder.h"
#include "zone_camera.h"

#include <math.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_detect_debug);
#define GST_CAT_DEFAULT gst_cw_detect_debug

#define MAX_DETECTIONS 256
/* Behind a live camera, a detection is put off for at most this many
 * times every_n frames (vis_cadence.h): at 25 frames/s and 1 in 3, the
 * detector still runs every half second however far behind. */
#define MAX_PUT_OFF_TIMES_N 3

struct _GstCwDetect {
  GstCwFilter parent;
  struct vis_finder *finder;
  int every_n;
  struct vis_cadence *cadence; /* from the first frame, when every_n is known */
  guint64 ran_before, put_off_before; /* counted by the cadences of earlier starts */
  const struct hwcfg_camera *camera; /* calibrated search on: the camera, with a homography; else NULL */
  gboolean camera_checked;           /* its projection built from the first frame's size (zone_camera.h) */
  struct zone_camera ground;
  struct cv_box boxes[MAX_DETECTIONS];
};

enum { PROP_0, PROP_DETECTIONS, PROP_DETECTIONS_PUT_OFF };

G_DEFINE_TYPE (GstCwDetect, gst_cw_detect, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwdetect, "cwdetect", GST_RANK_NONE, GST_TYPE_CW_DETECT)

static gboolean
gst_cw_detect_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwDetect *self = GST_CW_DETECT (filter);
  self->finder = vis_finder_create (&cfg->detector, cfg->path, error);
  self->every_n = cfg->detector.every_n_frames;
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  self->camera = cfg->detector.calibrated && cam && cam->has_homography ? cam : NULL;
  self->camera_checked = FALSE;
  return self->finder != NULL;
}

static double
person_px (const void *camera, double foot_u, double foot_v, double height_m)
{
  return zone_camera_person_px (camera, foot_u, foot_v, height_m);
}

/* The camera's projection needs the picture's size: built on the first frame. */
static void
use_calibration (GstCwDetect *self, int width, int height)
{
  self->camera_checked = TRUE;
  if (!self->camera)
    return;
  if (!zone_camera_from_homography (self->camera->homography, width, height, self->camera->focal_px, &self->ground)) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS, ("Camera '%s': its ground homography describes no camera.",
                         self->camera->name), ("searching at the [detector] upscale and scale_levels instead"));
    return;
  }
  vis_finder_set_person_size (self->finder, person_px, &self->ground);
}

static void
gst_cw_detect_release (GstCwFilter *filter)
{
  GstCwDetect *self = GST_CW_DETECT (filter);
  if (self->cadence) {
    GST_INFO_OBJECT (self, "the detector ran on %ld frames and was put off on %ld, the analysis behind the camera",
                     vis_cadence_ran (self->cadence), vis_cadence_put_off (self->cadence));
    GST_OBJECT_LOCK (self);
    self->ran_before += (guint64) vis_cadence_ran (self->cadence);
    self->put_off_before += (guint64) vis_cadence_put_off (self->cadence);
    vis_cadence_free (self->cadence);
    self->cadence = NULL;
    GST_OBJECT_UNLOCK (self);
  }
  vis_finder_free (self->finder);
  self->finder = NULL;
}

/* every_n_frames 0: the stream's own rate decides (the first frame's caps). */
static void
choose_every_n (GstCwDetect *self, const GstVideoInfo *vinfo)
{
  double fps = vinfo->fps_d > 0 ? (double) vinfo->fps_n / vinfo->fps_d : 0;
  self->every_n = hwcfg_detector_every_n (&gst_cw_filter_config (GST_CW_FILTER (self))->detector, fps);
  GST_INFO_OBJECT (self, "the detector runs on 1 frame in %d (%.2f frames/s)", self->every_n, fps);
}

static GstFlowReturn
gst_cw_detect_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwDetect *self = GST_CW_DETECT (filter);
  if (self->every_n == 0)
    choose_every_n (self, &frame->info);
  if (!self->cadence) {
    const struct hwcfg *cfg = gst_cw_filter_config (filter);
    double max_lag_s = cfg->detector.max_lag_ms > 0 ? cfg->detector.max_lag_ms / 1000.0 : INFINITY;
    struct vis_cadence *cadence = vis_cadence_create (self->every_n, max_lag_s, MAX_PUT_OFF_TIMES_N * self->every_n);
    GST_OBJECT_LOCK (self);
    self->cadence = cadence;
    GST_OBJECT_UNLOCK (self);
  }
  struct cw_frame_info out = *info;
  double lag_s = gst_cw_filter_lag_s (filter, frame->buffer);
  GST_OBJECT_LOCK (self); /* the counts are read from other threads */
  out.detector_ran = vis_cadence_next (self->cadence, lag_s);
  GST_OBJECT_UNLOCK (self);
  cw_frame_info_set (frame->buffer, &out);
  struct cv_image img;
  gst_cw_filter_frame_image (frame, &img);
  if (!out.detector_ran) {
    /* the background model still sees every frame: vehicles are followed between detections */
    if (vis_finder_watch (self->finder, &img)) {
      const struct cv_rect *blobs;
      int n_blobs = vis_finder_moving_blobs (self->finder, &blobs);
      cw_motion_add (frame->buffer, blobs, n_blobs);
    }
    return GST_FLOW_OK;
  }
  if (!self->camera_checked)
    use_calibration (self, img.width, img.height);
  int n = 0;
  struct vis_finder_stats st;
  g_autoptr (GError) err = NULL;
  gint64 t0 = g_get_monotonic_time ();
  if (!vis_finder_run (self->finder, &img, self->boxes, MAX_DETECTIONS, &n, &st, &err)) {
    /* One bad frame must not stop the appliance: warn and go on. */
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Detection failed on frame %d.", info->frame), ("%s", err->message));
    return GST_FLOW_OK;
  }
  for (int i = 0; i < n; i++) {
    const struct cv_box *b = &self->boxes[i];
    GstStructure *param = gst_structure_new (CW_PERSON_PARAM, "score", G_TYPE_DOUBLE, (double) b->score, NULL);
    float box[4] = {b->x, b->y, b->w, b->h}, sig[CV_SIGNATURE_LEN];
    if (cv_color_signature (&img, box, sig) == CV_OK)
      cw_person_param_set_signature (param, sig);
    cw_person_add (frame->buffer, b->x, b->y, b->w, b->h, -1, param);
  }
  const struct cv_rect *blobs;
  int n_blobs = vis_finder_moving_blobs (self->finder, &blobs);
  cw_motion_add (frame->buffer, blobs, n_blobs);
  GST_LOG_OBJECT (self, "frame %d: %d people, %s, %d regions, %.0f%% of the frame%s, searched in %.1f ms",
                  info->frame, n, st.full_frame ? "full frame" : "motion-gated", st.regions, 100 * st.area_share,
                  st.sweep_part >= 0 ? " and a part of the whole" : "", (g_get_monotonic_time () - t0) / 1000.0);
  return GST_FLOW_OK;
}

static void
gst_cw_detect_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstCwDetect *self = GST_CW_DETECT (object);
  GST_OBJECT_LOCK (self);
  guint64 ran = self->ran_before, put_off = self->put_off_before;
  if (self->cadence) {
    ran += (guint64) vis_cadence_ran (self->cadence);
    put_off += (guint64) vis_cadence_put_off (self->cadence);
  }
  GST_OBJECT_UNLOCK (self);
  switch (prop_id) {
  case PROP_DETECTIONS:
    g_value_set_uint64 (value, ran);
    break;
  case PROP_DETECTIONS_PUT_OFF:
    g_value_set_uint64 (value, put_off);
    break;
  default:
    /* the config-key properties: the base class keeps them */
    G_OBJECT_CLASS (gst_cw_detect_parent_class)->get_property (object, prop_id, value, pspec);
  }
}

static void
gst_cw_detect_class_init (GstCwDetectClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_detect_debug, "cwdetect", 0, "crosswatch people detector");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch people detector",
                             "Detects pedestrians. Adds GstVideoRegionOfInterestMeta roi_type=person (param crosswatch-person: score, x, y, w, h, signature) and roi_type=motion, and the CwFrameMeta custom meta (frame, t-s, detector-ran, stages)");
  cw_class->stage = CW_STAGE_DETECT;
  gst_cw_filter_class_install_config_group (G_OBJECT_CLASS (klass), "detector");
  cw_class->config_optional = TRUE; /* runs on its properties and the defaults */
  cw_class->configure = gst_cw_detect_configure;
  cw_class->release = gst_cw_detect_release;
  cw_class->process = gst_cw_detect_process;
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->get_property = gst_cw_detect_get_property;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  g_object_class_install_property (gobject_class, PROP_DETECTIONS,
                                   g_param_spec_uint64 ("detections", "Detection frames",
                                                        "Frames the detector ran on", 0, G_MAXUINT64, 0, ro));
  g_object_class_install_property (
      gobject_class, PROP_DETECTIONS_PUT_OFF,
      g_param_spec_uint64 ("detections-put-off", "Detections put off",
                           "Frames due for detection on which it was put off, the live analysis running more than "
                           "[detector] max_lag_ms behind the camera",
                           0, G_MAXUINT64, 0, ro));
}

static void
gst_cw_detect_init (GstCwDetect *self)
{
}
