/**
 * SECTION:element-cwfaces
 * A face camera's element ([camera:NAME] role = face, a zoomed camera on
 * the kerb): finds every face in a frame (one frame in every-n-frames),
 * places each on the ground through the camera's own calibration and puts
 * it on the site's face board (evidence/evid_faceboard.h), from which the
 * overview camera's cwevidence takes its accused's best face. Thin adapter
 * over evidence/evid_facecam.c.
 *
 * |[
 * ... ! videoconvert ! video/x-raw,format=BGR ! cwfaces config=site.ini camera=kerb ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include "evid_facecam.h"

#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_faces_debug);
#define GST_CAT_DEFAULT gst_cw_faces_debug

/* faces move little between frames: one in two is looked at */
#define DEFAULT_EVERY_N 2

struct _GstCwFaces {
  GstCwFilter parent;
  struct evid_facecam *fc;
  guint64 faces;  /* placed on the board, read by the getter (object lock) */
};

enum { PROP_0, PROP_FACES };

G_DEFINE_TYPE (GstCwFaces, gst_cw_faces, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwfaces, "cwfaces", GST_RANK_NONE, GST_TYPE_CW_FACES)

static gboolean
gst_cw_faces_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwFaces *self = GST_CW_FACES (filter);
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  if (!cam || !cam->has_homography) {
    if (cam)
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                   "%s: camera '%s' has no calibration: a face camera places its faces on the ground "
                   "(ground_homography or ground_points, or camera-ground-homography)",
                   cfg->path, cam->name);
    else
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no camera '%s'", cfg->path,
                   camera ? camera : "(first)");
    return FALSE;
  }
  struct evid_facecam_params p = {.camera = cam->name, .site_id = cfg->site_id, .cascade = cfg->evidence.face_cascade,
                                  .every_n_frames = DEFAULT_EVERY_N};
  memcpy (p.homography, cam->homography, sizeof p.homography);
  self->fc = evid_facecam_create (&p, error);
  return self->fc != NULL;
}

static void
gst_cw_faces_release (GstCwFilter *filter)
{
  GstCwFaces *self = GST_CW_FACES (filter);
  g_clear_pointer (&self->fc, evid_facecam_free);
}

static GstFlowReturn
gst_cw_faces_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwFaces *self = GST_CW_FACES (filter);
  double t = gst_cw_filter_capture_time_s (filter, frame->buffer, info);
  if (isnan (t))
    return GST_FLOW_OK; /* no time: nothing to match a case by */
  struct cv_image img;
  gst_cw_filter_frame_image (frame, &img);
  int n = evid_facecam_frame (self->fc, &img, info->frame, t);
  if (n)
    GST_LOG_OBJECT (self, "frame %d: %d face(s) placed", info->frame, n);
  GST_OBJECT_LOCK (self);
  self->faces += (guint64) n;
  GST_OBJECT_UNLOCK (self);
  return GST_FLOW_OK;
}

static void
gst_cw_faces_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  GstCwFaces *self = GST_CW_FACES (object);
  if (id != PROP_FACES) {
    G_OBJECT_CLASS (gst_cw_faces_parent_class)->get_property (object, id, value, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  g_value_set_uint64 (value, self->faces);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cw_faces_class_init (GstCwFacesClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_faces_debug, "cwfaces", 0, "crosswatch face camera");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch face camera",
                             "Finds the faces a face camera sees and places them on the ground for the site's "
                             "cwevidence, which takes its accused's best face from them. Needs the camera's "
                             "calibration; reads and writes no metadata");
  gst_cw_filter_class_install_config_group_as (gobject_class, "camera", "camera-");
  gst_cw_filter_class_install_config_group_as (gobject_class, "site", "site-");
  cw_class->config_optional = TRUE; /* the calibration and site id as properties */
  cw_class->configure = gst_cw_faces_configure;
  cw_class->release = gst_cw_faces_release;
  cw_class->process = gst_cw_faces_process;
  gobject_class->get_property = gst_cw_faces_get_property;
  g_object_class_install_property (gobject_class, PROP_FACES,
                                   g_param_spec_uint64 ("faces", "Faces", "Faces placed on the board so far", 0,
                                                        G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_cw_faces_init (GstCwFaces *self)
{
}
