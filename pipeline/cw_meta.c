#include "cw_meta.h"

static GQuark person_quark, motion_quark;

void
cw_meta_register (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once)) {
    static const gchar *tags[] = {NULL};
    gst_meta_register_custom (CW_FRAME_META, tags, NULL, NULL, NULL);
    person_quark = g_quark_from_static_string ("person");
    motion_quark = g_quark_from_static_string ("motion");
    g_once_init_leave (&once, 1);
  }
}

gboolean
cw_frame_info_get (GstBuffer *buf, struct cw_frame_info *out)
{
  GstCustomMeta *m = gst_buffer_get_custom_meta (buf, CW_FRAME_META);
  if (!m)
    return FALSE;
  GstStructure *s = gst_custom_meta_get_structure (m);
  out->stages = 0;
  gst_structure_get_uint (s, "stages", &out->stages);
  return gst_structure_get (s, "frame", G_TYPE_INT, &out->frame, "t-s", G_TYPE_DOUBLE, &out->t_s,
                            "detector-ran", G_TYPE_BOOLEAN, &out->detector_ran, NULL);
}

void
cw_frame_info_set (GstBuffer *buf, const struct cw_frame_info *info)
{
  GstCustomMeta *m = gst_buffer_get_custom_meta (buf, CW_FRAME_META);
  if (!m)
    m = gst_buffer_add_custom_meta (buf, CW_FRAME_META);
  gst_structure_set (gst_custom_meta_get_structure (m), "frame", G_TYPE_INT, info->frame, "t-s", G_TYPE_DOUBLE,
                     info->t_s, "detector-ran", G_TYPE_BOOLEAN, info->detector_ran, "stages", G_TYPE_UINT,
                     info->stages, NULL);
}

void
cw_frame_signal_set (GstBuffer *buf, const char *phase, double elapsed_s, const char *source)
{
  GstCustomMeta *m = gst_buffer_get_custom_meta (buf, CW_FRAME_META);
  if (!m)
    m = gst_buffer_add_custom_meta (buf, CW_FRAME_META);
  gst_structure_set (gst_custom_meta_get_structure (m), "signal-phase", G_TYPE_STRING, phase, "signal-elapsed",
                     G_TYPE_DOUBLE, elapsed_s, "signal-source", G_TYPE_STRING, source, NULL);
}

gboolean
cw_frame_signal_get (GstBuffer *buf, const char **phase, double *elapsed_s)
{
  GstCustomMeta *m = gst_buffer_get_custom_meta (buf, CW_FRAME_META);
  if (!m)
    return FALSE;
  GstStructure *s = gst_custom_meta_get_structure (m);
  *phase = gst_structure_get_string (s, "signal-phase");
  return *phase && gst_structure_get_double (s, "signal-elapsed", elapsed_s);
}

GstVideoRegionOfInterestMeta *
cw_person_add (GstBuffer *buf, double x, double y, double w, double h, int id, GstStructure *param)
{
  /* The meta holds whole pixels; keep the sub-pixel box in the param. */
  GstVideoRegionOfInterestMeta *m = gst_buffer_add_video_region_of_interest_meta_id (
      buf, person_quark, (guint) MAX (0, x), (guint) MAX (0, y), (guint) MAX (1, w), (guint) MAX (1, h));
  m->id = id;
  gst_structure_set (param, "x", G_TYPE_DOUBLE, x, "y", G_TYPE_DOUBLE, y, "w", G_TYPE_DOUBLE, w, "h",
                     G_TYPE_DOUBLE, h, NULL);
  gst_video_region_of_interest_meta_add_param (m, param);
  return m;
}

GPtrArray *
cw_people (GstBuffer *buf)
{
  GPtrArray *a = g_ptr_array_new ();
  gpointer state = NULL;
  GstMeta *meta;
  while ((meta = gst_buffer_iterate_meta_filtered (buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *m = (GstVideoRegionOfInterestMeta *) meta;
    if (m->roi_type == person_quark && cw_person_param (m))
      g_ptr_array_add (a, m);
  }
  return a;
}

GstStructure *
cw_person_param (GstVideoRegionOfInterestMeta *m)
{
  return gst_video_region_of_interest_meta_get_param (m, CW_PERSON_PARAM);
}

void
cw_person_box (GstVideoRegionOfInterestMeta *m, double out_box[4])
{
  out_box[0] = m->x;
  out_box[1] = m->y;
  out_box[2] = m->w;
  out_box[3] = m->h;
  gst_structure_get (cw_person_param (m), "x", G_TYPE_DOUBLE, &out_box[0], "y", G_TYPE_DOUBLE, &out_box[1], "w",
                     G_TYPE_DOUBLE, &out_box[2], "h", G_TYPE_DOUBLE, &out_box[3], NULL);
}

const float *
cw_person_signature (GstVideoRegionOfInterestMeta *m)
{
  const GValue *v = gst_structure_get_value (cw_person_param (m), "signature");
  GBytes *sig = v && G_VALUE_HOLDS (v, G_TYPE_BYTES) ? g_value_get_boxed (v) : NULL;
  return sig && g_bytes_get_size (sig) == CV_SIGNATURE_LEN * sizeof (float) ? g_bytes_get_data (sig, NULL) : NULL;
}

void
cw_person_param_set_signature (GstStructure *param, const float *signature)
{
  g_autoptr (GBytes) bytes = g_bytes_new (signature, CV_SIGNATURE_LEN * sizeof (float));
  gst_structure_set (param, "signature", G_TYPE_BYTES, bytes, NULL);
}

static gboolean
drop_person (GstBuffer *buf, GstMeta **meta, gpointer data)
{
  if ((*meta)->info->api == GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE &&
      ((GstVideoRegionOfInterestMeta *) *meta)->roi_type == person_quark)
    *meta = NULL; /* removes it */
  return TRUE;
}

void
cw_people_clear (GstBuffer *buf)
{
  gst_buffer_foreach_meta (buf, drop_person, NULL);
}

void
cw_motion_add (GstBuffer *buf, const struct cv_rect *blobs, int n)
{
  for (int i = 0; i < n; i++)
    gst_buffer_add_video_region_of_interest_meta_id (buf, motion_quark, (guint) MAX (0, blobs[i].x),
                                                     (guint) MAX (0, blobs[i].y), (guint) MAX (1, blobs[i].w),
                                                     (guint) MAX (1, blobs[i].h));
}

int
cw_motion_get (GstBuffer *buf, struct cv_rect *out, int max)
{
  gpointer state = NULL;
  GstMeta *meta;
  int n = 0;
  while (n < max && (meta = gst_buffer_iterate_meta_filtered (buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *m = (GstVideoRegionOfInterestMeta *) meta;
    if (m->roi_type == motion_quark)
      out[n++] = (struct cv_rect){(int) m->x, (int) m->y, (int) m->w, (int) m->h};
  }
  return n;
}
