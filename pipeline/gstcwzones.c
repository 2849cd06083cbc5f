/**
 * SECTION:element-cwzones
 * Applies the violation rules (zones/) to tracked foot points with the
 * pedestrian signal phase. Marks each person meta with its ground position
 * (and its uncertainty, "ground-sigma") and zone; a person for whom a rule
 * became true gets "candidate" ("position-uncertain" when it held on the
 * measured foot points but never by their uncertainty: zone_rules.h). A box
 * cut by the image's bottom, left or right edge has no foot point the rules
 * decide on ("foot-unobserved").
 *
 * |[
 * ... ! cwtrack config=site.ini ! cwzones config=site.ini ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include "zone_rules.h"

#include <math.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_zones_debug);
#define GST_CAT_DEFAULT gst_cw_zones_debug

struct _GstCwZones {
  GstCwFilter parent;
  struct zone_rules *rules;
  struct zone_signal *signal;
  GArray *in, *out;
  /* for the status (read on the main loop under the object lock) */
  struct zone_signal_state last_signal;
  int unknown_signal_crossings;
};

enum { PROP_0, PROP_SIGNAL_PHASE, PROP_SIGNAL_SOURCE, PROP_UNKNOWN_SIGNAL_CROSSINGS };

G_DEFINE_TYPE (GstCwZones, gst_cw_zones, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwzones, "cwzones", GST_RANK_NONE, GST_TYPE_CW_ZONES)

static gboolean
gst_cw_zones_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwZones *self = GST_CW_ZONES (filter);
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  int n_zones = 0;
  for (int i = 0; cam && i < cfg->n_zones; i++)
    n_zones += g_strcmp0 (cfg->zones[i].camera, cam->name) == 0;
  /* with no zone the rules decide nothing, silently */
  if (!cam || n_zones == 0) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                 "%s: camera '%s' has no zone: set the zones (and camera-ground-homography) properties, or give "
                 "its [zone:NAME] groups",
                 cfg->path, cam ? cam->name : camera ? camera : "(first)");
    return FALSE;
  }
  self->signal = zone_signal_create (&cfg->signal, cfg->mqtt.enabled ? &cfg->mqtt : NULL, error);
  if (!self->signal)
    return FALSE;
  self->rules = zone_rules_create (cfg, camera, error);
  if (!self->rules)
    return FALSE;
  self->in = g_array_new (FALSE, FALSE, sizeof (struct zone_track_in));
  self->out = g_array_new (FALSE, FALSE, sizeof (struct zone_track_out));
  return TRUE;
}

static void
gst_cw_zones_release (GstCwFilter *filter)
{
  GstCwZones *self = GST_CW_ZONES (filter);
  zone_rules_free (self->rules);
  zone_signal_free (self->signal);
  self->rules = NULL;
  self->signal = NULL;
  if (self->in)
    g_array_free (self->in, TRUE);
  if (self->out)
    g_array_free (self->out, TRUE);
  self->in = self->out = NULL;
}

static void
annotate (GstStructure *p, const struct zone_track_out *o)
{
  if (o->has_ground)
    gst_structure_set (p, "ground-x", G_TYPE_DOUBLE, o->ground_m.x, "ground-y", G_TYPE_DOUBLE, o->ground_m.y, NULL);
  if (o->has_motion)
    gst_structure_set (p, "speed-mps", G_TYPE_DOUBLE, o->speed_mps, "heading-deg", G_TYPE_DOUBLE, o->heading_deg,
                       NULL);
  if (o->zone)
    gst_structure_set (p, "zone", G_TYPE_STRING, o->zone, NULL);
  gst_structure_set (p, "on-road", G_TYPE_BOOLEAN, o->in_carriageway, NULL);
  if (o->ground_sigma_m >= 0 && isfinite (o->ground_sigma_m))
    gst_structure_set (p, "ground-sigma", G_TYPE_DOUBLE, o->ground_sigma_m, NULL);
  if (o->unobserved)
    gst_structure_set (p, "foot-unobserved", G_TYPE_BOOLEAN, TRUE, NULL);
  if (o->continued_from)
    gst_structure_set (p, "continues-track", G_TYPE_INT, o->continued_from, NULL);
  if (!o->violation)
    return;
  gst_structure_set (p, "candidate", G_TYPE_STRING, zone_violation_name (o->type), "entry-frame", G_TYPE_INT,
                     o->entry_frame, "signal-phase", G_TYPE_STRING, zone_phase_name (o->entry_signal.phase),
                     "signal-elapsed", G_TYPE_DOUBLE, o->entry_signal.elapsed_s, "signal-source", G_TYPE_STRING,
                     o->entry_signal.source, "entry-seen", G_TYPE_BOOLEAN, o->entry_seen, NULL);
  if (o->position_uncertain)
    gst_structure_set (p, "position-uncertain", G_TYPE_BOOLEAN, TRUE, NULL);
}


static GstFlowReturn
gst_cw_zones_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwZones *self = GST_CW_ZONES (filter);
  g_autoptr (GPtrArray) people = cw_people (frame->buffer);
  g_array_set_size (self->in, 0);
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    if (m->id < 0)
      continue; /* untracked detection: rules need identities */
    double b[4];
    cw_person_box (m, b);
    struct zone_track_in in = zone_track_in_of_box (m->id, b, GST_VIDEO_FRAME_WIDTH (frame), GST_VIDEO_FRAME_HEIGHT (frame));
    in.signature = cw_person_signature (m); /* the metas outlive the step */
    g_array_append_val (self->in, in);
  }
  g_array_set_size (self->out, self->in->len);
  struct zone_signal_state sig;
  zone_signal_at (self->signal, info->t_s, &sig);
  zone_rules_step (self->rules, info->frame, info->t_s, &sig, (struct zone_track_in *) self->in->data,
                   (int) self->in->len, (struct zone_track_out *) self->out->data);
  cw_frame_signal_set (frame->buffer, zone_phase_name (sig.phase), sig.elapsed_s, sig.source);
  GST_OBJECT_LOCK (self);
  self->last_signal = sig; /* its source is a static string */
  self->unknown_signal_crossings = zone_rules_unknown_signal_crossings (self->rules);
  GST_OBJECT_UNLOCK (self);
  guint k = 0;
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    if (m->id < 0)
      continue;
    const struct zone_track_out *o = &g_array_index (self->out, struct zone_track_out, k++);
    annotate (cw_person_param (m), o);
    if (o->violation)
      GST_INFO_OBJECT (self, "frame %d: track %d %s", info->frame, o->track_id, zone_violation_name (o->type));
  }
  return GST_FLOW_OK;
}

static void
gst_cw_zones_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  GstCwZones *self = GST_CW_ZONES (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
  case PROP_SIGNAL_PHASE:
    g_value_set_string (value, zone_phase_name (self->last_signal.phase));
    break;
  case PROP_SIGNAL_SOURCE:
    g_value_set_string (value, self->last_signal.source);
    break;
  case PROP_UNKNOWN_SIGNAL_CROSSINGS:
    g_value_set_int (value, self->unknown_signal_crossings);
    break;
  default:
    GST_OBJECT_UNLOCK (self);
    /* the config-key properties: the base class keeps them */
    G_OBJECT_CLASS (gst_cw_zones_parent_class)->get_property (object, id, value, pspec);
    return;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cw_zones_class_init (GstCwZonesClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  /* the base class's set_property and get_property handle config and
   * camera; these are read-only and read through this class's getter */
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GST_DEBUG_CATEGORY_INIT (gst_cw_zones_debug, "cwzones", 0, "crosswatch zones and rules");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch zones and rules",
                             "Locates tracked people on the ground and applies the crossing rules. Reads the tracked person metas of cwtrack; adds to their crosswatch-person param ground-x, ground-y, ground-sigma, speed-mps, heading-deg, zone, on-road and, when a rule became true, candidate, entry-frame, signal-phase, signal-elapsed, signal-source");
  cw_class->stage = CW_STAGE_ZONES;
  cw_class->needs = CW_STAGE_TRACK;
  cw_class->needs_element = "cwtrack";
  gst_cw_filter_class_install_config_group (G_OBJECT_CLASS (klass), "rules");
  gst_cw_filter_class_install_config_group (G_OBJECT_CLASS (klass), "signal");
  gst_cw_filter_class_install_config_group_as (G_OBJECT_CLASS (klass), "camera", "camera-");
  gst_cw_filter_class_install_zones_property (G_OBJECT_CLASS (klass));
  cw_class->config_optional = TRUE; /* zones and calibration as properties */
  cw_class->configure = gst_cw_zones_configure;
  cw_class->release = gst_cw_zones_release;
  cw_class->process = gst_cw_zones_process;
  gobject_class->get_property = gst_cw_zones_get_property;
  g_object_class_install_property (gobject_class, PROP_SIGNAL_PHASE,
                                   g_param_spec_string ("signal-phase", "Signal phase",
                                                        "The pedestrian signal phase at the last frame", NULL, ro));
  g_object_class_install_property (gobject_class, PROP_SIGNAL_SOURCE,
                                   g_param_spec_string ("signal-source", "Signal source",
                                                        "Where the phase came from: schedule, mqtt or none", NULL, ro));
  g_object_class_install_property (
      gobject_class, PROP_UNKNOWN_SIGNAL_CROSSINGS,
      g_param_spec_int ("unknown-signal-crossings", "Crossings on an unknown phase",
                        "Crossings begun while the phase was unknown: red-signal rule not applied", 0, G_MAXINT, 0,
                        ro));
}

static void
gst_cw_zones_init (GstCwZones *self)
{
}
