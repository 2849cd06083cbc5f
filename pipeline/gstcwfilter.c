#include "gstcwfilter.h"

GST_DEBUG_CATEGORY_STATIC (gst_cw_filter_debug);
#define GST_CAT_DEFAULT gst_cw_filter_debug

#include <math.h>
#include <stdlib.h>
#include <time.h>

/* Properties made from a config group's keys have ids from here on. */
#define CONFIG_KEY_PROP_BASE 1000

enum { PROP_0, PROP_CONFIG, PROP_CAMERA, PROP_FRAMES_PROCESSED, PROP_PROCESS_SECONDS, PROP_PROCESS_CPU_SECONDS };

typedef struct {
  char *config_path;
  char *camera;
  char *zones; /* the "zones" property: KIND:POLYGON items, '|'-separated */
  struct hwcfg *cfg;
  GKeyFile *overrides; /* the config-key properties that were set */
  GstClockTime first_pts;
  int count; /* frames seen, for streams without a frame rate */
  /* whether the stream is live (asked upstream once a start) */
  gboolean live, live_known;
  /* the stage's own timers, since the element was made (object lock) */
  guint64 processed;
  double process_s, process_cpu_s;
} GstCwFilterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GstCwFilter, gst_cw_filter, GST_TYPE_VIDEO_FILTER)

#define VIDEO_CAPS GST_VIDEO_CAPS_MAKE ("{ BGR, BGRx, BGRA }")

void
gst_cw_filter_class_setup (GstElementClass *klass, const char *longname, const char *description)
{
  gst_element_class_set_static_metadata (klass, longname, "Filter/Analyzer/Video", description,
                                         "crosswatch developers");
  gst_element_class_add_pad_template (
      klass, gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, gst_caps_from_string (VIDEO_CAPS)));
  gst_element_class_add_pad_template (
      klass, gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, gst_caps_from_string (VIDEO_CAPS)));
}

const struct hwcfg *
gst_cw_filter_config (GstCwFilter *self)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  return priv->cfg;
}

/* The camera an element without a "camera" property serves: the file's
 * first, or "main" with no file (or none in it). */
static char *
default_camera_name (const char *path)
{
  struct hwcfg *cfg = path ? hwcfg_load (path, NULL) : NULL;
  const struct hwcfg_camera *cam = cfg ? hwcfg_camera (cfg, NULL) : NULL;
  char *name = g_strdup (cam ? cam->name : "main");
  hwcfg_free (cfg);
  return name;
}

/* Puts the camera's calibration properties (kept under "camera") and the
 * "zones" property into OVERRIDES as the groups of a site file would hold
 * them: [camera:NAME] and one [zone:KIND-N] (or [zone:NAME]) an item. The
 * values themselves are checked by hwcfg, as the file's are. */
static gboolean
site_overrides (GstCwFilter *self, const char *path, const char *camera, const char *zones, GKeyFile *overrides,
                GError **error)
{
  gboolean has_camera_keys = g_key_file_has_group (overrides, "camera");
  /* an element with camera properties has a camera even with none set:
   * its packets and events name it */
  gboolean takes_camera = g_object_class_find_property (G_OBJECT_GET_CLASS (self), "camera-ground-homography") != NULL;
  if (!has_camera_keys && !zones && (path || !takes_camera))
    return TRUE;
  g_autofree char *name = camera ? g_strdup (camera) : default_camera_name (path);
  if (!hwcfg_topic_id_valid (name)) {
    g_autofree char *valid = g_utf8_make_valid (name, -1);
    g_autofree char *shown = g_strescape (valid, NULL); /* a name may hold a line break */
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                 "camera: '%s' is not a camera name (1 to 64 letters, digits, '_', '.' or '-')", shown);
    return FALSE;
  }
  g_autofree char *group = g_strconcat ("camera:", name, NULL);
  g_auto (GStrv) keys = has_camera_keys ? g_key_file_get_keys (overrides, "camera", NULL, NULL) : NULL;
  for (char **k = keys; k && *k; k++) {
    g_autofree char *v = g_key_file_get_value (overrides, "camera", *k, NULL);
    g_key_file_set_value (overrides, group, *k, v);
  }
  g_key_file_remove_group (overrides, "camera", NULL);
  if (!path && !g_key_file_has_group (overrides, group))
    hwcfg_key_file_add_group (overrides, group); /* even empty: the zones and packets name it */
  if (!zones)
    return TRUE;
  g_auto (GStrv) items = g_strsplit (zones, "|", -1);
  int n = 0;
  for (char **it = items; *it; it++) {
    g_autofree char *item = g_strstrip (g_strdup (*it));
    if (!*item)
      continue;
    /* KIND:POLYGON or NAME:KIND:POLYGON */
    g_auto (GStrv) parts = g_strsplit (item, ":", 3);
    guint np = g_strv_length (parts);
    if (np < 2) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                   "zones, item %d '%s': needs KIND:POLYGON or NAME:KIND:POLYGON (e.g. crosswalk:470,182;545,172;"
                   "610,405;520,375)",
                   (int) (it - items) + 1, item);
      return FALSE;
    }
    n++;
    const char *kind = g_strstrip (parts[np - 2]), *poly = parts[np - 1];
    g_autofree char *zname = np == 3 ? g_strdup (g_strstrip (parts[0])) : g_strdup_printf ("%s-%d", kind, n);
    /* a name goes into group names, events and packets: the ids' rule */
    if (!hwcfg_topic_id_valid (zname)) {
      g_autofree char *valid = g_utf8_make_valid (zname, -1);
      g_autofree char *shown = g_strescape (valid, NULL);
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                   "zones, item %d: name '%s' must be 1 to 64 letters, digits, '_', '.' or '-'",
                   (int) (it - items) + 1, shown);
      return FALSE;
    }
    g_autofree char *zgroup = g_strconcat ("zone:", zname, NULL);
    if (g_key_file_has_group (overrides, zgroup)) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "zones, item %d: a second zone named '%s'%s",
                   (int) (it - items) + 1, zname, np == 3 ? "" : " (the name given to an unnamed zone)");
      return FALSE;
    }
    g_key_file_set_string (overrides, zgroup, "camera", name);
    g_key_file_set_string (overrides, zgroup, "kind", kind);
    g_key_file_set_string (overrides, zgroup, "polygon", poly);
  }
  return TRUE;
}

static gboolean
gst_cw_filter_start (GstBaseTransform *trans)
{
  GstCwFilter *self = GST_CW_FILTER (trans);
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  GstCwFilterClass *klass = GST_CW_FILTER_GET_CLASS (self);
  g_autoptr (GError) err = NULL;
  g_autofree char *path = NULL, *camera = NULL, *zones = NULL;

  GST_OBJECT_LOCK (self);
  path = g_strdup (priv->config_path);
  camera = g_strdup (priv->camera);
  zones = g_strdup (priv->zones);
  GST_OBJECT_UNLOCK (self);
  if (!path && !klass->config_optional) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND, ("No site config given."), ("set the 'config' property"));
    return FALSE;
  }
  /* a copy, value by value (never through text: a value is a value, even
   * one with a line break and a "[group]" in it) */
  g_autoptr (GKeyFile) overrides = g_key_file_new ();
  GST_OBJECT_LOCK (self);
  g_auto (GStrv) groups = g_key_file_get_groups (priv->overrides, NULL);
  for (char **g = groups; *g; g++) {
    g_auto (GStrv) keys = g_key_file_get_keys (priv->overrides, *g, NULL, NULL);
    for (char **k = keys; keys && *k; k++) {
      g_autofree char *v = g_key_file_get_value (priv->overrides, *g, *k, NULL);
      g_key_file_set_value (overrides, *g, *k, v);
    }
  }
  GST_OBJECT_UNLOCK (self);
  if (!site_overrides (self, path, camera, zones, overrides, &err)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Invalid element property."), ("%s", err->message));
    return FALSE;
  }
  /* no file (a config_optional element): the properties and the defaults */
  priv->cfg = hwcfg_load_with (path, overrides, &err);
  if (!priv->cfg) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Invalid site config."), ("%s", err->message));
    return FALSE;
  }
  if (klass->configure && !klass->configure (self, priv->cfg, camera, &err)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("Cannot configure from the site config."), ("%s", err->message));
    g_clear_pointer (&priv->cfg, hwcfg_free);
    return FALSE;
  }
  priv->first_pts = GST_CLOCK_TIME_NONE;
  priv->count = 0;
  priv->live_known = FALSE;
  return TRUE;
}

static gboolean
gst_cw_filter_stop (GstBaseTransform *trans)
{
  GstCwFilter *self = GST_CW_FILTER (trans);
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  if (GST_CW_FILTER_GET_CLASS (self)->release)
    GST_CW_FILTER_GET_CLASS (self)->release (self);
  hwcfg_free (priv->cfg);
  priv->cfg = NULL;
  return TRUE;
}

/* Frame numbers come from timestamps, so frames a leaky queue dropped
 * upstream do not shift the numbering (the first element sets them). */
static void
frame_info (GstCwFilter *self, GstVideoFrame *frame, struct cw_frame_info *info)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  GstBuffer *buf = frame->buffer;
  priv->count++;
  if (cw_frame_info_get (buf, info))
    return;
  GstClockTime pts = GST_BUFFER_PTS (buf);
  int fps_n = GST_VIDEO_INFO_FPS_N (&frame->info), fps_d = GST_VIDEO_INFO_FPS_D (&frame->info);
  if (GST_CLOCK_TIME_IS_VALID (pts) && !GST_CLOCK_TIME_IS_VALID (priv->first_pts))
    priv->first_pts = pts;
  if (GST_CLOCK_TIME_IS_VALID (pts) && fps_n > 0 && fps_d > 0)
    info->frame = (int) gst_util_uint64_scale_round (pts, fps_n, (guint64) fps_d * GST_SECOND) + 1;
  else
    info->frame = priv->count;
  info->t_s = GST_CLOCK_TIME_IS_VALID (pts) && GST_CLOCK_TIME_IS_VALID (priv->first_pts)
                  ? (double) (pts - priv->first_pts) / GST_SECOND
                  : (fps_n > 0 ? (double) (priv->count - 1) * fps_d / fps_n : 0);
  info->detector_ran = FALSE;
  info->stages = 0;
  cw_frame_info_set (buf, info);
}

gboolean
gst_cw_filter_is_live (GstCwFilter *self)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  if (!priv->live_known) {
    GstQuery *q = gst_query_new_latency ();
    if (gst_pad_peer_query (GST_BASE_TRANSFORM_SINK_PAD (self), q))
      gst_query_parse_latency (q, &priv->live, NULL, NULL);
    gst_query_unref (q);
    priv->live_known = TRUE;
  }
  return priv->live;
}

double
gst_cw_filter_capture_time_s (GstCwFilter *self, GstBuffer *buf, const struct cw_frame_info *info)
{
  /* recorded files of one site start together: their own seconds say it
   * (pipelines that started playing at different moments would not) */
  if (!gst_cw_filter_is_live (self))
    return info->t_s;
  return gst_cw_filter_clock_time_s (self, buf);
}

double
gst_cw_filter_clock_time_s (GstCwFilter *self, GstBuffer *buf)
{
  GstClockTime pts = GST_BUFFER_PTS (buf);
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return NAN;
  GstClockTime rt = gst_segment_to_running_time (&GST_BASE_TRANSFORM (self)->segment, GST_FORMAT_TIME, pts);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return NAN;
  return (double) (gst_element_get_base_time (GST_ELEMENT (self)) + rt) / GST_SECOND;
}

double
gst_cw_filter_lag_s (GstCwFilter *self, GstBuffer *buf)
{
  if (!gst_cw_filter_is_live (self))
    return NAN;
  double captured = gst_cw_filter_clock_time_s (self, buf);
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  if (!clock)
    return NAN;
  double now = (double) gst_clock_get_time (clock) / GST_SECOND;
  gst_object_unref (clock);
  return now - captured;
}

static double
thread_cpu_seconds (void)
{
  struct timespec ts;
  return clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0 ? ts.tv_sec + ts.tv_nsec / 1e9 : 0;
}

static GstFlowReturn
gst_cw_filter_transform_frame_ip (GstVideoFilter *filter, GstVideoFrame *frame)
{
  GstCwFilter *self = GST_CW_FILTER (filter);
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  GstCwFilterClass *klass = GST_CW_FILTER_GET_CLASS (self);
  struct cw_frame_info info;
  frame_info (self, frame, &info);
  if (klass->needs && !(info.stages & klass->needs)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
                       ("%s found no metadata from %s upstream.", GST_ELEMENT_NAME (self), klass->needs_element),
                       ("frame %d has not been through %s: put it before %s (cwdetect ! cwtrack ! cwzones ! "
                        "cwliveness ! cwevidence)",
                        info.frame, klass->needs_element,
                        GST_OBJECT_NAME (gst_element_get_factory (GST_ELEMENT (self)))));
    return GST_FLOW_ERROR;
  }
  /* wall time and this streaming thread's CPU: work the stage hands to
   * other threads (OpenCV's parallel loops) shows in the first only */
  gint64 t0 = g_get_monotonic_time ();
  double c0 = thread_cpu_seconds ();
  GstFlowReturn ret = klass->process (self, frame, &info);
  if (klass->stage && cw_frame_info_get (frame->buffer, &info)) {
    info.stages |= klass->stage;
    cw_frame_info_set (frame->buffer, &info);
  }
  double cpu = thread_cpu_seconds () - c0, wall = (g_get_monotonic_time () - t0) / 1e6;
  GST_OBJECT_LOCK (self);
  priv->processed++;
  priv->process_s += wall;
  priv->process_cpu_s += cpu;
  GST_OBJECT_UNLOCK (self);
  return ret;
}

static GQuark config_group_quark, config_key_quark, zones_quark;
static void gst_cw_filter_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_cw_filter_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);

void
gst_cw_filter_class_install_config_group (GObjectClass *klass, const char *group)
{
  gst_cw_filter_class_install_config_group_as (klass, group, "");
}

void
gst_cw_filter_class_install_config_group_as (GObjectClass *klass, const char *group, const char *prefix)
{
  const char *const *keys = hwcfg_group_keys (group);
  g_return_if_fail (keys != NULL);
  /* GObject does not inherit these: a subclass's own (which must chain up
   * for ids it does not know) may be set after this */
  if (!klass->set_property)
    klass->set_property = gst_cw_filter_set_property;
  if (!klass->get_property)
    klass->get_property = gst_cw_filter_get_property;
  /* ids only need to differ within a class: one counter for all serves */
  static guint next_id = CONFIG_KEY_PROP_BASE;
  for (; *keys; keys++) {
    /* an element never opens the camera (the pipeline's source does) */
    if (g_str_equal (group, "camera") && g_str_equal (*keys, "uri"))
      continue;
    g_autofree char *name = g_strdelimit (g_strconcat (prefix, *keys, NULL), "_", '-');
    struct hwcfg_key_info info;
    if (!hwcfg_key_info (group, *keys, &info))
      info.type = HWCFG_KEY_STRING;
    /* a default outside the range means "unset: the module's own" (-1,
     * NaN): such a key stays a string, unset unless given */
    gboolean unset_default = !(info.def >= info.min && info.def <= info.max);
    g_autofree char *blurb = g_strdup_printf ("[%s%s] %s of the site file (hwcfg/README.md): set here, it overrides "
                                              "the file%s",
                                              group, g_str_equal (group, "camera") ? ":NAME" : "", *keys, unset_default && info.type != HWCFG_KEY_STRING
                                                                ? "; unset: the module's own default" : "");
    const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY;
    GParamSpec *pspec;
    if (info.type == HWCFG_KEY_INT && !unset_default)
      pspec = g_param_spec_int (name, name, blurb, (int) info.min, (int) info.max, (int) info.def, flags);
    else if (info.type == HWCFG_KEY_DOUBLE && !unset_default)
      pspec = g_param_spec_double (name, name, blurb, info.min, info.max, info.def, flags);
    else if (info.type == HWCFG_KEY_BOOL)
      pspec = g_param_spec_boolean (name, name, blurb, info.def != 0, flags);
    else
      pspec = g_param_spec_string (name, name, blurb, NULL, flags);
    g_param_spec_set_qdata (pspec, config_group_quark, (gpointer) g_intern_string (group));
    g_param_spec_set_qdata (pspec, config_key_quark, (gpointer) g_intern_string (*keys));
    g_object_class_install_property (klass, next_id++, pspec);
  }
}

void
gst_cw_filter_class_install_zones_property (GObjectClass *klass)
{
  if (!klass->set_property)
    klass->set_property = gst_cw_filter_set_property;
  if (!klass->get_property)
    klass->get_property = gst_cw_filter_get_property;
  GParamSpec *pspec = g_param_spec_string (
      "zones", "Zones",
      "The camera's zones, '|'-separated, each KIND:POLYGON or NAME:KIND:POLYGON with KIND crosswalk, carriageway, "
      "kerb or ignore and POLYGON x,y;x,y;... in pixels (e.g. carriageway:300,200;768,240;768,480;330,300|"
      "crosswalk:470,182;545,172;610,405;520,375). Set here, they replace the site file's zones",
      NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  g_param_spec_set_qdata (pspec, zones_quark, GINT_TO_POINTER (1));
  g_object_class_install_property (klass, CONFIG_KEY_PROP_BASE - 1, pspec);
}

static void
gst_cw_filter_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (GST_CW_FILTER (object));
  GST_OBJECT_LOCK (object);
  if (g_param_spec_get_qdata (pspec, zones_quark)) {
    g_free (priv->zones);
    priv->zones = g_value_dup_string (value);
    GST_OBJECT_UNLOCK (object);
    return;
  }
  const char *group = g_param_spec_get_qdata (pspec, config_group_quark);
  if (group) {
    const char *key = g_param_spec_get_qdata (pspec, config_key_quark);
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    const char *v = NULL;
    if (G_VALUE_HOLDS_STRING (value))
      v = g_value_get_string (value);
    else if (G_VALUE_HOLDS_INT (value))
      v = num, g_snprintf (num, sizeof num, "%d", g_value_get_int (value));
    else if (G_VALUE_HOLDS_DOUBLE (value))
      v = g_ascii_dtostr (num, sizeof num, g_value_get_double (value));
    else if (G_VALUE_HOLDS_BOOLEAN (value))
      v = g_value_get_boolean (value) ? "true" : "false";
    if (v)
      g_key_file_set_string (priv->overrides, group, key, v); /* escaped: one value, whatever it holds */
    else
      g_key_file_remove_key (priv->overrides, group, key, NULL);
    GST_OBJECT_UNLOCK (object);
    return;
  }
  switch (prop_id) {
  case PROP_CONFIG:
    g_free (priv->config_path);
    priv->config_path = g_value_dup_string (value);
    break;
  case PROP_CAMERA:
    g_free (priv->camera);
    priv->camera = g_value_dup_string (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    break;
  }
  GST_OBJECT_UNLOCK (object);
}

static void
gst_cw_filter_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (GST_CW_FILTER (object));
  GST_OBJECT_LOCK (object);
  if (g_param_spec_get_qdata (pspec, zones_quark)) {
    g_value_set_string (value, priv->zones);
    GST_OBJECT_UNLOCK (object);
    return;
  }
  const char *group = g_param_spec_get_qdata (pspec, config_group_quark);
  if (group) {
    g_autofree char *v = g_key_file_get_string (priv->overrides, group, g_param_spec_get_qdata (pspec, config_key_quark),
                                                NULL);
    if (G_VALUE_HOLDS_STRING (value))
      g_value_set_string (value, v);
    else if (!v) /* not set: the file's or the default, which only the start knows: the default */
      g_param_value_set_default (pspec, value);
    else if (G_VALUE_HOLDS_INT (value))
      g_value_set_int (value, atoi (v));
    else if (G_VALUE_HOLDS_DOUBLE (value))
      g_value_set_double (value, g_ascii_strtod (v, NULL));
    else if (G_VALUE_HOLDS_BOOLEAN (value))
      g_value_set_boolean (value, g_str_equal (v, "true"));
    GST_OBJECT_UNLOCK (object);
    return;
  }
  switch (prop_id) {
  case PROP_CONFIG:
    g_value_set_string (value, priv->config_path);
    break;
  case PROP_CAMERA:
    g_value_set_string (value, priv->camera);
    break;
  case PROP_FRAMES_PROCESSED:
    g_value_set_uint64 (value, priv->processed);
    break;
  case PROP_PROCESS_SECONDS:
    g_value_set_double (value, priv->process_s);
    break;
  case PROP_PROCESS_CPU_SECONDS:
    g_value_set_double (value, priv->process_cpu_s);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    break;
  }
  GST_OBJECT_UNLOCK (object);
}

static void
gst_cw_filter_finalize (GObject *object)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (GST_CW_FILTER (object));
  g_free (priv->config_path);
  g_free (priv->camera);
  g_free (priv->zones);
  g_key_file_free (priv->overrides);
  hwcfg_free (priv->cfg);
  G_OBJECT_CLASS (gst_cw_filter_parent_class)->finalize (object);
}

static void
gst_cw_filter_class_init (GstCwFilterClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_filter_debug, "cwfilter", 0, "crosswatch element base");
  config_group_quark = g_quark_from_static_string ("crosswatch-config-group");
  config_key_quark = g_quark_from_static_string ("crosswatch-config-key");
  zones_quark = g_quark_from_static_string ("crosswatch-zones");
  cw_meta_register ();

  gobject_class->set_property = gst_cw_filter_set_property;
  gobject_class->get_property = gst_cw_filter_get_property;
  gobject_class->finalize = gst_cw_filter_finalize;
  g_object_class_install_property (
      gobject_class, PROP_CONFIG,
      g_param_spec_string ("config", "Config", "Path of the site config (GLib key file)", NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (
      gobject_class, PROP_CAMERA,
      g_param_spec_string ("camera", "Camera", "Name of the [camera:NAME] group (default: the first)", NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (
      gobject_class, PROP_FRAMES_PROCESSED,
      g_param_spec_uint64 ("frames-processed", "Frames processed", "Frames this stage has processed", 0, G_MAXUINT64,
                           0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (
      gobject_class, PROP_PROCESS_SECONDS,
      g_param_spec_double ("process-seconds", "Process seconds", "Wall time this stage has spent on its frames", 0,
                           G_MAXDOUBLE, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (
      gobject_class, PROP_PROCESS_CPU_SECONDS,
      g_param_spec_double ("process-cpu-seconds", "Process CPU seconds",
                           "CPU time of the streaming thread in this stage (work it hands to other threads not included)",
                           0, G_MAXDOUBLE, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  trans_class->start = GST_DEBUG_FUNCPTR (gst_cw_filter_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_cw_filter_stop);
  GST_VIDEO_FILTER_CLASS (klass)->transform_frame_ip = GST_DEBUG_FUNCPTR (gst_cw_filter_transform_frame_ip);
  gst_type_mark_as_plugin_api (GST_TYPE_CW_FILTER, 0);
}

static void
gst_cw_filter_init (GstCwFilter *self)
{
  GstCwFilterPrivate *priv = gst_cw_filter_get_instance_private (self);
  priv->overrides = g_key_file_new ();
}
