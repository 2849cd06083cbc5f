#include "recog_link.h"

#include <math.h>

/* At most this many suggestions a case: a reviewer reads them all */
#define MAX_LINKS 5

static gint
by_score_desc (gconstpointer a, gconstpointer b)
{
  double sa = ((const struct evid_case_link *) a)->score, sb = ((const struct evid_case_link *) b)->score;
  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

bool
recog_link_case (struct recog *r, struct evid_store *st, const char *packet_id, const char *actor, int *out_links,
                 GError **error)
{
  if (out_links)
    *out_links = 0;
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) face = evid_store_media (st, packet_id, "face_best", NULL, &local);
  if (!face)
    return true; /* no face crop: nothing to compare */
  g_autofree float *v = NULL;
  int n = 0;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (face, &len);
  if (!recog_feature (r, data, len, &v, &n, error))
    return false;
  if (n == 0)
    return true;
  const char *backend = recog_backend_name (recog_backend (r));
  g_autofree char *now = evid_utc_now ();
  g_autoptr (GPtrArray) earlier = evid_store_face_features (st, backend, packet_id, now, error);
  if (!earlier)
    return false;
  g_autoptr (GArray) links = g_array_new (FALSE, TRUE, sizeof (struct evid_case_link));
  double threshold = recog_threshold (r), best = -INFINITY;
  for (guint i = 0; i < earlier->len; i++) {
    const struct evid_face_feature *f = g_ptr_array_index (earlier, i);
    if (f->n != n)
      continue; /* another model's features: not comparable */
    double s = recog_similarity (r, v, f->v, n);
    best = MAX (best, s);
    if (s >= threshold) {
      struct evid_case_link l = {.earlier_id = f->packet_id, .score = s};
      g_array_append_val (links, l);
    }
  }
  g_array_sort (links, by_score_desc);
  if (links->len > MAX_LINKS)
    g_array_set_size (links, MAX_LINKS);
  g_autofree char *detail =
      g_strdup_printf ("%s: %u earlier confirmed cases compared, %u at or above %.3f (best %.3f)", backend,
                       earlier->len, links->len, threshold, earlier->len ? best : NAN);
  if (!evid_store_recognition_record (st, packet_id, backend, v, n, (const struct evid_case_link *) links->data,
                                      (int) links->len, actor, detail, error))
    return false;
  if (out_links)
    *out_links = (int) links->len;
  return true;
}
