/**
 * SECTION:element-cwoverlay
 * Draws what crosswatch sees onto the video (overlay/ovl_site.c): the
 * site's zones by kind, optionally the ground grid in metres, people of
 * 1.75 m to scale and the carriageway's kerb depth band; the person
 * GstVideoRegionOfInterestMeta of the frame (detections yellow, tracks
 * green with id and ground speed, decisions red with the rule and the
 * liveness verdict) and a status bar with the frame, time and the
 * pedestrian signal phase (CwFrameMeta, from cwzones). Without a site
 * config it draws the people and the status only.
 *
 * |[
 * gst-launch-1.0 filesrc location=vtest.avi ! decodebin ! videoconvert ! \
 *   video/x-raw,format=BGR ! cwdetect config=site.ini ! cwtrack config=site.ini ! \
 *   cwzones config=site.ini ! cwoverlay config=site.ini draw-grid=true ! \
 *   videoconvert ! autovideosink
 * ]|
 */
#include "gstcwelements.h"

#include "ovl_config.h"

#include <stdio.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_overlay_debug);
#define GST_CAT_DEFAULT gst_cw_overlay_debug

struct _GstCwOverlay {
  GstCwFilter parent;
  struct ovl_site *site;
  char *label; /* "site S camera C" */
  GArray *people;
  struct ovl_layers layers; /* the properties (object lock) */
  struct ovl_site_report report; /* of the last frame (object lock) */
};

enum { PROP_0, PROP_DRAW_ZONES, PROP_DRAW_GRID, PROP_DRAW_SCALE, PROP_DRAW_DEPTH_BAND, PROP_DRAW_PEOPLE,
       PROP_DRAW_STATUS, PROP_DRAW_RULER, PROP_GRID_STEP, PROP_SCALE_PEOPLE, PROP_BAND_SHARE };

G_DEFINE_TYPE (GstCwOverlay, gst_cw_overlay, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwoverlay, "cwoverlay", GST_RANK_NONE, GST_TYPE_CW_OVERLAY)

static gboolean
gst_cw_overlay_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwOverlay *self = GST_CW_OVERLAY (filter);
  if (cfg->n_cameras == 0)
    cfg = NULL; /* no site file: people and the status only */
  self->site = cfg ? ovl_site_from_config (cfg, camera, error) : ovl_site_create (NULL);
  if (!self->site)
    return FALSE;
  const struct hwcfg_camera *cam = cfg ? hwcfg_camera (cfg, camera) : NULL;
  self->label = cam ? g_strdup_printf ("site %s camera %s  ", cfg->site_id, cam->name) : g_strdup ("");
  self->people = g_array_new (FALSE, FALSE, sizeof (struct ovl_person));
  return TRUE;
}

static void
gst_cw_overlay_release (GstCwFilter *filter)
{
  GstCwOverlay *self = GST_CW_OVERLAY (filter);
  g_clear_pointer (&self->site, ovl_site_free);
  g_clear_pointer (&self->label, g_free);
  if (self->people)
    g_array_free (self->people, TRUE);
  self->people = NULL;
}

static GstFlowReturn
gst_cw_overlay_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwOverlay *self = GST_CW_OVERLAY (filter);
  g_autoptr (GPtrArray) metas = cw_people (frame->buffer);
  g_array_set_size (self->people, 0);
  for (guint i = 0; i < metas->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (metas, i);
    GstStructure *p = cw_person_param (m);
    struct ovl_person o = {.track_id = m->id};
    cw_person_box (m, o.box);
    o.has_speed = gst_structure_get_double (p, "speed-mps", &o.speed_mps);
    o.candidate = gst_structure_get_string (p, "candidate");
    o.verdict = gst_structure_get_string (p, "verdict");
    g_array_append_val (self->people, o);
  }
  const char *phase = NULL;
  double elapsed = 0;
  char status[256];
  int len = snprintf (status, sizeof status, "%sframe %d  %.1f s", self->label, info->frame, info->t_s);
  if (cw_frame_signal_get (frame->buffer, &phase, &elapsed))
    snprintf (status + len, sizeof status - len, "  signal %s for %.1f s", phase, elapsed);
  struct ovl_layers layers;
  GST_OBJECT_LOCK (self);
  layers = self->layers;
  GST_OBJECT_UNLOCK (self);
  struct cv_image img;
  gst_cw_filter_frame_image (frame, &img);
  g_autoptr (GError) err = NULL;
  if (!ovl_site_draw (self->site, &img, &layers, (const struct ovl_person *) self->people->data,
                      (int) self->people->len, info->t_s, status, &err))
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Overlay not drawn on frame %d.", info->frame), ("%s", err->message));
  GST_OBJECT_LOCK (self);
  ovl_site_report (self->site, &self->report);
  GST_OBJECT_UNLOCK (self);
  return GST_FLOW_OK;
}

static bool *
layer_of (GstCwOverlay *self, guint id)
{
  switch (id) {
  case PROP_DRAW_ZONES: return &self->layers.zones;
  case PROP_DRAW_GRID: return &self->layers.grid;
  case PROP_DRAW_SCALE: return &self->layers.scale_people;
  case PROP_DRAW_DEPTH_BAND: return &self->layers.depth_band;
  case PROP_DRAW_PEOPLE: return &self->layers.people;
  case PROP_DRAW_STATUS: return &self->layers.status;
  case PROP_DRAW_RULER: return &self->layers.ruler;
  default: return NULL;
  }
}

static void
gst_cw_overlay_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  GstCwOverlay *self = GST_CW_OVERLAY (object);
  bool *layer = layer_of (self, id);
  if (!layer) {
    G_OBJECT_CLASS (gst_cw_overlay_parent_class)->set_property (object, id, value, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  *layer = g_value_get_boolean (value);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cw_overlay_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  GstCwOverlay *self = GST_CW_OVERLAY (object);
  bool *layer = layer_of (self, id);
  GST_OBJECT_LOCK (self);
  switch (id) {
  case PROP_GRID_STEP:
    g_value_set_double (value, self->report.grid_step_m);
    break;
  case PROP_SCALE_PEOPLE:
    g_value_set_int (value, self->report.scale_people);
    break;
  case PROP_BAND_SHARE:
    g_value_set_double (value, self->report.band_share);
    break;
  default:
    if (!layer) {
      GST_OBJECT_UNLOCK (self);
      G_OBJECT_CLASS (gst_cw_overlay_parent_class)->get_property (object, id, value, pspec);
      return;
    }
    g_value_set_boolean (value, *layer);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cw_overlay_class_init (GstCwOverlayClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;
  GST_DEBUG_CATEGORY_INIT (gst_cw_overlay_debug, "cwoverlay", 0, "crosswatch overlay");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch overlay",
                             "Draws the site's zones, ground grid, people to scale and kerb depth band, and the "
                             "person GstVideoRegionOfInterestMeta of the frame (crosswatch-person: track-id, "
                             "speed-mps, candidate, verdict) with the signal phase of the CwFrameMeta. The site "
                             "config is optional");
  cw_class->config_optional = TRUE;
  cw_class->configure = gst_cw_overlay_configure;
  cw_class->release = gst_cw_overlay_release;
  cw_class->process = gst_cw_overlay_process;
  /* the base class installs config and camera: chain up for those */
  gobject_class->set_property = gst_cw_overlay_set_property;
  gobject_class->get_property = gst_cw_overlay_get_property;
  gst_cw_filter_class_install_config_group_as (gobject_class, "camera", "camera-");
  gst_cw_filter_class_install_zones_property (gobject_class);
  static const struct {
    guint id;
    const char *name, *blurb;
    gboolean def;
  } props[] = {
      {PROP_DRAW_ZONES, "draw-zones", "The site's zones, by kind (needs the config)", TRUE},
      {PROP_DRAW_GRID, "draw-grid", "The ground grid in metres (needs a calibrated camera)", FALSE},
      {PROP_DRAW_SCALE, "draw-scale", "People of 1.75 m drawn to scale (needs a calibrated camera)", FALSE},
      {PROP_DRAW_DEPTH_BAND, "draw-depth-band",
       "The carriageway's band nearer its edge than [rules] min_depth_m (needs a calibrated camera)", FALSE},
      {PROP_DRAW_PEOPLE, "draw-people", "Detections, tracks with id and speed, decisions", TRUE},
      {PROP_DRAW_STATUS, "draw-status", "A bar with the site, camera, frame, time and signal phase", TRUE},
      {PROP_DRAW_RULER, "draw-ruler", "Pixel coordinates along the left and bottom edges (to read zone corners off)",
       FALSE},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (props); i++)
    g_object_class_install_property (
        gobject_class, props[i].id,
        g_param_spec_boolean (props[i].name, props[i].name, props[i].blurb, props[i].def, rw));
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  g_object_class_install_property (
      gobject_class, PROP_GRID_STEP,
      g_param_spec_double ("grid-step-m", "Grid step", "Metres between the ground grid's lines (0: none drawn)", 0,
                           G_MAXDOUBLE, 0, ro));
  g_object_class_install_property (gobject_class, PROP_SCALE_PEOPLE,
                                   g_param_spec_int ("scale-people", "People to scale",
                                                     "How many 1.75 m people were drawn (0: no camera model)", 0,
                                                     G_MAXINT, 0, ro));
  g_object_class_install_property (
      gobject_class, PROP_BAND_SHARE,
      g_param_spec_double ("depth-band-share", "Depth band share",
                           "Share of the carriageway's pixels nearer its edge than min_depth_m", 0, 1, 0, ro));
}

static void
gst_cw_overlay_init (GstCwOverlay *self)
{
  self->layers = (struct ovl_layers){.zones = true, .people = true, .status = true};
}
