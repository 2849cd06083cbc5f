#include "recog_link.h"

#include "cv_shim.h"

#include <math.h>

/* At most this many suggestions a case and kind: a reviewer reads them all */
#define MAX_LINKS 5
/* Clothes: the colour signature of the accused (cv_color_signature), a
 * Bhattacharyya coefficient in [0, 1]. Weak evidence (many people wear
 * grey): on vtest.avi's people (bench/clothes_bench.c) 0.95 lets through
 * 0.2 % of pairs of two people and 4.4 % of one person 10 s or more apart;
 * only near-identical colours are suggested, and said to be the clothes */
#define CLOTHES_THRESHOLD 0.95
#define CLOTHES "clothes"

static gint
by_score_desc (gconstpointer a, gconstpointer b)
{
  double sa = ((const struct evid_case_link *) a)->score, sb = ((const struct evid_case_link *) b)->score;
  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

/* The watchlist's entries in force that V matches, each a suggestion for
 * a supervisor; the search an audit row (none when no entry is in force). */
static bool
search_watchlist (struct recog *r, struct evid_store *st, const char *packet_id, const char *actor, const float *v,
                  int n, const char *now, int *out_watch, GError **error)
{
  const char *backend = recog_backend_name (recog_backend (r));
  g_autoptr (GPtrArray) entries = evid_store_watchlist (st, backend, now, error);
  if (!entries)
    return false;
  if (entries->len == 0)
    return true;
  g_autoptr (GArray) matches = g_array_new (FALSE, TRUE, sizeof (struct evid_watch_match));
  double threshold = recog_threshold (r), best = -INFINITY;
  for (guint i = 0; i < entries->len; i++) {
    const struct evid_watch_entry *e = g_ptr_array_index (entries, i);
    if (e->n != n)
      continue;
    double s = recog_similarity (r, v, e->v, n);
    best = MAX (best, s);
    if (s >= threshold) {
      struct evid_watch_match m = {.entry_id = e->id, .label = e->label, .score = s};
      g_array_append_val (matches, m);
    }
  }
  g_autofree char *detail = g_strdup_printf ("%s: %u watchlist entries in force compared, %u at or above %.3f (best "
                                             "%.3f)",
                                             backend, entries->len, matches->len, threshold,
                                             isfinite (best) ? best : 0.0);
  if (!evid_store_watch_record (st, packet_id, (const struct evid_watch_match *) matches->data, (int) matches->len,
                                actor, detail, error))
    return false;
  if (out_watch)
    *out_watch = (int) matches->len;
  return true;
}

bool
recog_watch_enrol (struct recog *r, struct evid_store *st, const char *label, const char *reason,
                   const char *legal_basis, const char *expires_utc, const char *actor, GBytes *image, gint64 *out_id,
                   GError **error)
{
  /* the face in the photo, cropped as a case's face_best is */
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (image, &len);
  g_autoptr (GBytes) crop = NULL;
  if (!recog_face_crop (r, data, len, &crop, error))
    return false;
  data = g_bytes_get_data (crop, &len);
  g_autofree float *v = NULL;
  int n = 0;
  if (!recog_feature (r, data, len, &v, &n, error))
    return false;
  if (n == 0) {
    g_set_error (error, RECOG_ERROR, RECOG_ERROR_IMAGE, "no face found in the image");
    return false;
  }
  struct evid_watch_entry e = {.label = (char *) label, .reason = (char *) reason,
                               .legal_basis = (char *) legal_basis, .enrolled_by = (char *) actor,
                               .expires_utc = (char *) expires_utc, .v = v, .n = n};
  return evid_store_watch_enrol (st, &e, recog_backend_name (recog_backend (r)), crop, out_id, error);
}

/* Earlier confirmed cases of FEATURES (another case's feature each) at or
 * above THRESHOLD by SIMILAR, the most alike MAX_LINKS; *BEST the highest. */
static GArray *
alike (GPtrArray *features, const float *v, int n, double threshold, double (*similar) (const float *, const float *,
                                                                                       int, const void *),
       const void *ctx, double *best)
{
  GArray *links = g_array_new (FALSE, TRUE, sizeof (struct evid_case_link));
  *best = -INFINITY;
  for (guint i = 0; i < features->len; i++) {
    const struct evid_face_feature *f = g_ptr_array_index (features, i);
    if (f->n != n)
      continue; /* another model's features: not comparable */
    double s = similar (v, f->v, n, ctx);
    *best = MAX (*best, s);
    if (s >= threshold) {
      struct evid_case_link l = {.earlier_id = f->packet_id, .score = s};
      g_array_append_val (links, l);
    }
  }
  g_array_sort (links, by_score_desc);
  if (links->len > MAX_LINKS)
    g_array_set_size (links, MAX_LINKS);
  return links;
}

/* Compares V (N floats of BACKEND) with the earlier confirmed cases' and
 * records the feature, the links and the search. */
static bool
search_and_link (struct evid_store *st, const char *packet_id, const char *actor, const char *backend,
                 const float *v, int n, double threshold,
                 double (*similar) (const float *, const float *, int, const void *), const void *ctx,
                 int *out_links, GError **error)
{
  g_autofree char *now = evid_utc_now ();
  g_autoptr (GPtrArray) earlier = evid_store_face_features (st, backend, packet_id, now, error);
  if (!earlier)
    return false;
  double best;
  g_autoptr (GArray) links = alike (earlier, v, n, threshold, similar, ctx, &best);
  g_autofree char *best_text = earlier->len ? g_strdup_printf ("best %.3f", best) : g_strdup ("none to compare");
  g_autofree char *detail = g_strdup_printf ("%s: %u earlier confirmed cases compared, %u at or above %.3f (%s)",
                                             backend, earlier->len, links->len, threshold, best_text);
  if (!evid_store_recognition_record (st, packet_id, backend, v, n, (const struct evid_case_link *) links->data,
                                      (int) links->len, actor, detail, error))
    return false;
  if (out_links)
    *out_links += (int) links->len;
  return true;
}

static double
face_similarity (const float *a, const float *b, int n, const void *r)
{
  return recog_similarity (r, a, b, n);
}

static double
bhattacharyya (const float *a, const float *b, int n, const void *ctx)
{
  (void) ctx;
  double bc = 0;
  for (int i = 0; i < n; i++)
    bc += sqrt (MAX (0.0, (double) a[i]) * MAX (0.0, (double) b[i]));
  return bc;
}

/* The accused's clothes against earlier cases': what the overview camera
 * can tell when the face is too small (its person_crop). */
static bool
link_by_clothes (struct evid_store *st, const char *packet_id, const char *actor, int *out_links, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) crop = evid_store_media (st, packet_id, "person_crop", NULL, &local);
  if (!crop)
    return true;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (crop, &len);
  unsigned char *px = NULL;
  int w = 0, h = 0, stride = 0;
  if (cv_decode_bgra (data, len, &px, &w, &h, &stride) != CV_OK)
    return true; /* not an image: the packet's own check says so */
  struct cv_image img = {px, w, h, stride, 4};
  const float box[4] = {0, 0, (float) w, (float) h};
  float sig[CV_SIGNATURE_LEN];
  cv_status rc = cv_color_signature (&img, box, sig);
  cv_free (px);
  if (rc != CV_OK)
    return true; /* too small a crop to say anything */
  return search_and_link (st, packet_id, actor, CLOTHES, sig, CV_SIGNATURE_LEN, CLOTHES_THRESHOLD, bhattacharyya,
                          NULL, out_links, error);
}

bool
recog_link_case (struct recog *r, struct evid_store *st, const char *packet_id, const char *actor, int *out_links,
                 int *out_watch, GError **error)
{
  if (out_links)
    *out_links = 0;
  if (out_watch)
    *out_watch = 0;
  if (!link_by_clothes (st, packet_id, actor, out_links, error))
    return false;
  const char *backend = recog_backend_name (recog_backend (r));
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) face = evid_store_media (st, packet_id, "face_best", NULL, &local);
  g_autofree float *v = NULL;
  int n = 0;
  if (face) {
    gsize len = 0;
    const guint8 *data = g_bytes_get_data (face, &len);
    if (!recog_feature (r, data, len, &v, &n, error))
      return false;
  }
  if (n == 0) {
    /* the search that could not be made is on the record too */
    g_autofree char *detail = g_strdup_printf ("%s: nothing compared: %s", backend,
                                               face ? "no face found in the case's face crop"
                                                    : "the case has no face crop (faces too small or turned away)");
    return evid_store_audit (st, actor, "recognition:search", packet_id, detail, error);
  }
  if (!search_and_link (st, packet_id, actor, backend, v, n, recog_threshold (r), face_similarity, r, out_links, error))
    return false;
  g_autofree char *now = evid_utc_now ();
  return search_watchlist (r, st, packet_id, actor, v, n, now, out_watch, error);
}
