/**
 * SECTION:element-cwliveness
 * Flat-image rejection (liveness/): keeps each track's ground history and
 * gives every violation candidate a verdict (live, flat, uncertain) with the
 * scores behind it.
 *
 * |[
 * ... ! cwzones config=site.ini ! cwliveness config=site.ini ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include "live_check.h"

GST_DEBUG_CATEGORY_STATIC (gst_cw_liveness_debug);
#define GST_CAT_DEFAULT gst_cw_liveness_debug

struct _GstCwLiveness {
  GstCwFilter parent;
  struct live_checker *checker;
};

G_DEFINE_TYPE (GstCwLiveness, gst_cw_liveness, GST_TYPE_CW_FILTER)
GST_ELEMENT_REGISTER_DEFINE (cwliveness, "cwliveness", GST_RANK_NONE, GST_TYPE_CW_LIVENESS)

static gboolean
gst_cw_liveness_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GST_CW_LIVENESS (filter)->checker = live_checker_create (&cfg->liveness);
  return TRUE;
}

static void
gst_cw_liveness_release (GstCwFilter *filter)
{
  GstCwLiveness *self = GST_CW_LIVENESS (filter);
  live_checker_free (self->checker);
  self->checker = NULL;
}

/* {"ground_path":[[t,X,Y],...],"speed_mps":v} from the retained history. */
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

static GstFlowReturn
gst_cw_liveness_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwLiveness *self = GST_CW_LIVENESS (filter);
  g_autoptr (GPtrArray) people = cw_people (frame->buffer);
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    if (m->id < 0)
      continue;
    GstStructure *p = cw_person_param (m);
    struct live_sample s = {.t_s = info->t_s};
    s.has_ground = gst_structure_get (p, "ground-x", G_TYPE_DOUBLE, &s.ground_x, "ground-y", G_TYPE_DOUBLE,
                                      &s.ground_y, NULL);
    live_checker_observe (self->checker, m->id, &s);
    if (!gst_structure_has_field (p, "candidate"))
      continue;
    struct live_result res;
    live_checker_assess (self->checker, m->id, &res);
    struct live_history h = live_checker_history (self->checker, m->id);
    g_autofree char *lj = live_result_to_json (&res);
    g_autofree char *tj = track_json (&h);
    gst_structure_set (p, "verdict", G_TYPE_STRING, live_verdict_name (res.verdict), "liveness", G_TYPE_STRING, lj,
                       "track", G_TYPE_STRING, tj, NULL);
    GST_INFO_OBJECT (self, "frame %d: track %d is %s", info->frame, m->id, live_verdict_name (res.verdict));
  }
  return GST_FLOW_OK;
}

static void
gst_cw_liveness_class_init (GstCwLivenessClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_liveness_debug, "cwliveness", 0, "crosswatch flat-image rejection");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch liveness",
                             "Rejects flat images of people (posters, adverts, screens) among violation candidates");
  cw_class->configure = gst_cw_liveness_configure;
  cw_class->release = gst_cw_liveness_release;
  cw_class->process = gst_cw_liveness_process;
}

static void
gst_cw_liveness_init (GstCwLiveness *self)
{
}
