/**
 * SECTION:element-cwtrack
 * Tracks people across frames (tracking/: Kalman filter + Hungarian
 * assignment). Replaces the detections on each buffer with tracked boxes
 * whose meta id is the track id.
 *
 * |[
 * ... ! cwdetect config=site.ini ! cwtrack config=site.ini ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include "cv_shim.h"
#include "trk_config.h"

G_STATIC_ASSERT (TRK_SIGNATURE_LEN == CV_SIGNATURE_LEN);

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_track_debug);
#define GST_CAT_DEFAULT gst_cw_track_debug

struct _GstCwTrack {
  GstCwFilter parent;
  struct trk_tracker *trk;
  GArray *dets;
  guint64 tracks_before; /* ids reported by trackers released before this one (object lock) */
};

enum { PROP_0, PROP_TRACKS };

G_DEFINE_TYPE (GstCwTrack, gst_cw_track, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwtrack, "cwtrack", GST_RANK_NONE, GST_TYPE_CW_TRACK)

static gboolean
gst_cw_track_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwTrack *self = GST_CW_TRACK (filter);
  struct trk_params p = trk_params_from_config (&cfg->tracker);
  self->trk = trk_tracker_create (&p);
  if (!self->trk) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [tracker]: parameters out of range", cfg->path);
    return FALSE;
  }
  self->dets = g_array_new (FALSE, FALSE, sizeof (struct trk_detection));
  return TRUE;
}

static void
gst_cw_track_release (GstCwFilter *filter)
{
  GstCwTrack *self = GST_CW_TRACK (filter);
  GST_OBJECT_LOCK (self);
  if (self->trk)
    self->tracks_before += (guint64) trk_tracker_reported_ids (self->trk);
  trk_tracker_free (self->trk);
  self->trk = NULL;
  GST_OBJECT_UNLOCK (self);
  if (self->dets)
    g_array_free (self->dets, TRUE);
  self->dets = NULL;
}

static GstFlowReturn
gst_cw_track_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwTrack *self = GST_CW_TRACK (filter);
  g_autoptr (GPtrArray) people = cw_people (frame->buffer);
  g_array_set_size (self->dets, 0);
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    double box[4];
    cw_person_box (m, box);
    struct trk_detection d = {.box = {box[0], box[1], box[2], box[3]}};
    gst_structure_get_double (cw_person_param (m), "score", &d.score);
    const float *sig = cw_person_signature (m);
    if (sig) {
      memcpy (d.signature, sig, sizeof d.signature);
      d.has_signature = true;
    }
    g_array_append_val (self->dets, d);
  }
  cw_people_clear (frame->buffer);
  GST_OBJECT_LOCK (self); /* the count "tracks" reads */
  int stepped = trk_tracker_step (self->trk, (struct trk_detection *) self->dets->data, (int) self->dets->len,
                                  info->detector_ran);
  GST_OBJECT_UNLOCK (self);
  if (stepped != 0) {
    GST_ELEMENT_ERROR (self, CORE, FAILED, ("Tracker failed."), ("out of memory on frame %d", info->frame));
    return GST_FLOW_ERROR;
  }
  const struct trk_track_out *tracks;
  int n = trk_tracker_tracks (self->trk, &tracks);
  for (int i = 0; i < n; i++) {
    const struct trk_track_out *t = &tracks[i];
    GstStructure *param =
        gst_structure_new (CW_PERSON_PARAM, "score", G_TYPE_DOUBLE, t->score, "track-id", G_TYPE_INT, t->id, NULL);
    /* the track's signature: the rules tell people apart by it too */
    if (t->has_signature)
      cw_person_param_set_signature (param, t->signature);
    cw_person_add (frame->buffer, t->box.x, t->box.y, t->box.w, t->box.h, t->id, param);
  }
  return GST_FLOW_OK;
}

static void
gst_cw_track_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstCwTrack *self = GST_CW_TRACK (object);
  if (prop_id != PROP_TRACKS) {
    /* the config-key properties: the base class keeps them */
    G_OBJECT_CLASS (gst_cw_track_parent_class)->get_property (object, prop_id, value, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  guint64 tracks = self->tracks_before + (self->trk ? (guint64) trk_tracker_reported_ids (self->trk) : 0);
  GST_OBJECT_UNLOCK (self);
  g_value_set_uint64 (value, tracks);
}

static void
gst_cw_track_class_init (GstCwTrackClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_track_debug, "cwtrack", 0, "crosswatch tracker");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch tracker",
                             "Tracks people. Reads the person GstVideoRegionOfInterestMeta of cwdetect and replaces them with tracked ones (meta id and crosswatch-person track-id: the track)");
  cw_class->stage = CW_STAGE_TRACK;
  cw_class->needs = CW_STAGE_DETECT;
  cw_class->needs_element = "cwdetect";
  gst_cw_filter_class_install_config_group (G_OBJECT_CLASS (klass), "tracker");
  cw_class->config_optional = TRUE; /* runs on its properties and the defaults */
  cw_class->configure = gst_cw_track_configure;
  cw_class->release = gst_cw_track_release;
  cw_class->process = gst_cw_track_process;
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->get_property = gst_cw_track_get_property;
  g_object_class_install_property (
      gobject_class, PROP_TRACKS,
      g_param_spec_uint64 ("tracks", "Tracks", "Different track ids reported (a track re-found after a gap counts once)",
                           0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_cw_track_init (GstCwTrack *self)
{
}
