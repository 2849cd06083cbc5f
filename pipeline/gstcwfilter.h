/* GstCwFilter — the shape every crosswatch element shares: an in-place video
 * filter with "config" (the site file) and "camera" properties, which loads
 * the config at start and hands each frame, with its crosswatch frame info,
 * to the subclass. Subclasses are thin adapters over plain C modules. */
#ifndef GST_CW_FILTER_H
#define GST_CW_FILTER_H

#include "cw_meta.h"
#include "cv_shim.h"
#include "hwcfg.h"

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_CW_FILTER (gst_cw_filter_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstCwFilter, gst_cw_filter, GST, CW_FILTER, GstVideoFilter)

struct _GstCwFilterClass {
  GstVideoFilterClass parent_class;
  /* This element's bit in cw_frame_info.stages, and the stage it reads
   * from (0: none) with that element's name: a frame that has not been
   * through it is an element error naming it (the elements in the wrong
   * order would otherwise run silently and decide nothing). */
  guint stage, needs;
  const char *needs_element;
  /* TRUE: the element runs without a site file */
  gboolean config_optional;
  /* Builds the element's state from CFG (valid until stop; for a
   * config_optional element given no file, the element's properties over
   * the defaults: no camera, no zone). FALSE + ERROR
   * when the config does not suit this element. */
  gboolean (*configure) (GstCwFilter *self, const struct hwcfg *cfg, const char *camera, GError **error);
  /* Frees that state. */
  void (*release) (GstCwFilter *self);
  /* One frame; INFO is the frame's crosswatch info (already on the buffer). */
  GstFlowReturn (*process) (GstCwFilter *self, GstVideoFrame *frame, const struct cw_frame_info *info);
};

/* Installs on KLASS (a subclass) one string property for each key of the
 * site file's [GROUP] (hwcfg_group_keys): "every-n-frames" for
 * every_n_frames. A property that is set overrides the file's value, and
 * with no file at all (config unset) the element runs on its properties
 * and the defaults, when the class is config_optional. The values are
 * checked as the file's are, at start. */
void gst_cw_filter_class_install_config_group (GObjectClass *klass, const char *group);

/* The same, each property named PREFIX and the key ("site-id" for [site]
 * id). GROUP "camera" is the [camera:NAME] of the element's "camera"
 * property (unset: the file's first camera, or "main" without a file),
 * its uri left out: the pipeline's source opens the camera. */
void gst_cw_filter_class_install_config_group_as (GObjectClass *klass, const char *group, const char *prefix);

/* Installs "zones" on KLASS: the camera's zones as one string (see its
 * description), replacing the file's. With the camera properties it makes
 * the site file optional for an element that decides by zones. */
void gst_cw_filter_class_install_zones_property (GObjectClass *klass);

/* The loaded config (NULL before start). */
const struct hwcfg *gst_cw_filter_config (GstCwFilter *self);

/* When BUF was captured, in seconds of the pipeline's clock (its base time
 * plus the buffer's running time): the same clock for every pipeline of
 * the process, so two cameras' frames of one moment agree (a file's
 * frames by their place in the file, counted from when its pipeline
 * started playing). NaN when BUF has no timestamp. */
double gst_cw_filter_clock_time_s (GstCwFilter *self, GstBuffer *buf);

/* Whether the stream is live (the upstream latency query, once a start). */
gboolean gst_cw_filter_is_live (GstCwFilter *self);

/* How long ago, in seconds, a live stream's BUF was captured (the clock
 * now less its clock time, above): how far the analysis runs behind the
 * camera. NaN for a file, or when BUF has no timestamp or the element no clock. */
double gst_cw_filter_lag_s (GstCwFilter *self, GstBuffer *buf);

/* When BUF (of INFO) was captured, to meet another camera's frames: a live
 * stream's clock time (above); a recorded file's own seconds, since the
 * files of a site are taken to start at the same moment. */
double gst_cw_filter_capture_time_s (GstCwFilter *self, GstBuffer *buf, const struct cw_frame_info *info);

/* Fills the common element metadata and pad templates of a subclass. */
void gst_cw_filter_class_setup (GstElementClass *klass, const char *longname, const char *description);

/* A cv_image header over the mapped frame's plane (no copy), valid while mapped. */
static inline void
gst_cw_filter_frame_image (GstVideoFrame *frame, struct cv_image *out)
{
  out->data = (unsigned char *) GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  out->width = GST_VIDEO_FRAME_WIDTH (frame);
  out->height = GST_VIDEO_FRAME_HEIGHT (frame);
  out->stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  out->channels = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, 0);
}

G_END_DECLS
#endif
