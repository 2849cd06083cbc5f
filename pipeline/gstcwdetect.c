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

#include "cv_shim.h"

GST_DEBUG_CATEGORY_STATIC (gst_cw_detect_debug);
#define GST_CAT_DEFAULT gst_cw_detect_debug

#define MAX_DETECTIONS 256

struct _GstCwDetect {
  GstCwFilter parent;
  struct cv_people_detector *det;
  int every_n;
  double min_score;
  struct cv_box boxes[MAX_DETECTIONS];
};

G_DEFINE_TYPE (GstCwDetect, gst_cw_detect, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwdetect, "cwdetect", GST_RANK_NONE, GST_TYPE_CW_DETECT)

static gboolean
gst_cw_detect_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwDetect *self = GST_CW_DETECT (filter);
  struct cv_people_params p = {.upscale = cfg->detector.upscale,
                               .hit_threshold = cfg->detector.hit_threshold,
                               .scale_step = 1.05,
                               .n_levels = 6};
  if (cv_people_detector_create (&p, &self->det) != CV_OK) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [detector]: cannot create the HOG detector: %s",
                 cfg->path, cv_last_error ());
    return FALSE;
  }
  self->every_n = cfg->detector.every_n_frames;
  self->min_score = cfg->detector.min_score;
  return TRUE;
}

static void
gst_cw_detect_release (GstCwFilter *filter)
{
  GstCwDetect *self = GST_CW_DETECT (filter);
  cv_people_detector_destroy (self->det);
  self->det = NULL;
}

static GstFlowReturn
gst_cw_detect_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwDetect *self = GST_CW_DETECT (filter);
  struct cw_frame_info out = *info;
  out.detector_ran = (info->frame - 1) % self->every_n == 0;
  cw_frame_info_set (frame->buffer, &out);
  if (!out.detector_ran)
    return GST_FLOW_OK;

  struct cv_image img;
  gst_cw_filter_frame_image (frame, &img);
  int n = 0;
  if (cv_people_detect (self->det, &img, self->boxes, MAX_DETECTIONS, &n) != CV_OK) {
    /* One bad frame must not stop the appliance: warn and go on. */
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Detection failed on frame %d.", info->frame),
                         ("%s", cv_last_error ()));
    return GST_FLOW_OK;
  }
  for (int i = 0; i < n; i++) {
    const struct cv_box *b = &self->boxes[i];
    if (b->score < self->min_score)
      continue;
    cw_person_add (frame->buffer, b->x, b->y, b->w, b->h, -1,
                   gst_structure_new (CW_PERSON_PARAM, "score", G_TYPE_DOUBLE, (double) b->score, NULL));
  }
  GST_LOG_OBJECT (self, "frame %d: %d people", info->frame, n);
  return GST_FLOW_OK;
}

static void
gst_cw_detect_class_init (GstCwDetectClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_detect_debug, "cwdetect", 0, "crosswatch people detector");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch people detector",
                             "Detects pedestrians and attaches person region-of-interest metas");
  cw_class->configure = gst_cw_detect_configure;
  cw_class->release = gst_cw_detect_release;
  cw_class->process = gst_cw_detect_process;
}

static void
gst_cw_detect_init (GstCwDetect *self)
{
}
