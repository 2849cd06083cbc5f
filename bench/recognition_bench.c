/* Recognition figures: how well a backend tells faces apart at the sizes
 * a roadside camera gives, and what a comparison costs.
 *
 *   recognition_bench [--backend lbph|sface --model ONNX] [--threshold T] CASCADE ID:IMAGE...
 *
 * Each IMAGE's face (the largest the cascade finds) is the reference of
 * identity ID; several images may share an ID (frames of one video). Each
 * face is also degraded as a roadside camera would: the face scaled down to
 * 48, 24 and 14 pixels wide and back up, JPEG at quality 30, and 24 pixels
 * with JPEG 50. Genuine pairs: a face against a degraded copy of itself and
 * against the other images of its ID; impostor pairs: faces of different
 * IDs. Prints, per degradation, the genuine and impostor similarities, the
 * equal error rate and the rates at the backend's threshold, then the cost
 * of one feature and one comparison. */
#include "bench_rates.h"
#include "cv_shim.h"
#include "recog_faces.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct face {
  char *id;
  int image;
  int variant;
  float *v;
  int n;
};

static const struct {
  const char *name;
  int width; /* face scaled to this width and back (0: not) */
  int quality; /* JPEG quality (0: none) */
} VARIANTS[] = {
    {"clean", 0, 0}, {"48 px", 48, 0}, {"24 px", 24, 0}, {"14 px (vtest)", 14, 0}, {"JPEG 30", 0, 30}, {"24 px + JPEG 50", 24, 50},
};
#define N_VARIANTS ((int) G_N_ELEMENTS (VARIANTS))

/* IMG (BGRA) degraded by variant K, as encoded JPEG bytes (what the store keeps). */
static GBytes *
degrade (const struct cv_image *img, int k)
{
  struct cv_image cur = *img;
  unsigned char *small_px = NULL, *back_px = NULL;
  if (VARIANTS[k].width > 0 && VARIANTS[k].width < img->width) {
    int w = VARIANTS[k].width, h = MAX (1, img->height * w / img->width);
    small_px = g_malloc ((size_t) w * h * 4);
    struct cv_image small = {small_px, w, h, w * 4, 4};
    cv_resize_into (img, &small);
    back_px = g_malloc ((size_t) img->width * img->height * 4);
    struct cv_image back = {back_px, img->width, img->height, img->width * 4, 4};
    cv_resize_into (&small, &back);
    cur = back;
  }
  unsigned char *jpg = NULL;
  size_t len = 0;
  cv_jpeg_encode (&cur, VARIANTS[k].quality ? VARIANTS[k].quality : 95, &jpg, &len);
  GBytes *b = g_bytes_new (jpg, len);
  cv_free (jpg);
  g_free (small_px);
  g_free (back_px);
  return b;
}


/* The equal error rate of GEN and IMP (similarities: higher = same) and
 * the threshold where it holds. */
static double
eer (GArray *gen, GArray *imp, double *at)
{
  double best = 1, best_t = 0;
  for (guint i = 0; i < gen->len + imp->len; i++) {
    double t = i < gen->len ? g_array_index (gen, double, i) : g_array_index (imp, double, i - gen->len);
    int fr = 0, fa = 0;
    for (guint k = 0; k < gen->len; k++)
      fr += g_array_index (gen, double, k) < t;
    for (guint k = 0; k < imp->len; k++)
      fa += g_array_index (imp, double, k) >= t;
    double frr = (double) fr / gen->len, far = (double) fa / imp->len;
    if (fabs (frr - far) < best || (fabs (frr - far) == best && (frr + far) / 2 < best_t)) {
      best = fabs (frr - far);
      best_t = t;
      *at = t;
    }
  }
  int fr = 0, fa = 0;
  for (guint k = 0; k < gen->len; k++)
    fr += g_array_index (gen, double, k) < *at;
  for (guint k = 0; k < imp->len; k++)
    fa += g_array_index (imp, double, k) >= *at;
  return ((double) fr / gen->len + (double) fa / imp->len) / 2;
}



int
main (int argc, char **argv)
{
  const char *backend = "lbph", *model = NULL;
  double threshold = NAN;
  int a = 1;
  for (; a + 1 < argc && g_str_has_prefix (argv[a], "--"); a += 2) {
    if (!strcmp (argv[a], "--backend"))
      backend = argv[a + 1];
    else if (!strcmp (argv[a], "--model"))
      model = argv[a + 1];
    else if (!strcmp (argv[a], "--threshold"))
      threshold = g_ascii_strtod (argv[a + 1], NULL);
  }
  if (argc - a < 3) {
    fprintf (stderr, "usage: recognition_bench [--backend lbph|sface --model ONNX] [--threshold T] CASCADE ID:IMAGE...\n");
    return 2;
  }
  struct cv_face_detector *det = NULL;
  if (cv_face_detector_create (argv[a], &det) != CV_OK) {
    fprintf (stderr, "recognition_bench: %s: %s\n", argv[a], cv_last_error ());
    return 1;
  }
  struct recog_params params = {.backend = !strcmp (backend, "sface") ? RECOG_SFACE : RECOG_LBPH,
                                .recognizer_model = model, .threshold = threshold, .origin = "recognition_bench"};
  g_autoptr (GError) err = NULL;
  struct recog *r = recog_new (&params, &err);
  if (!r) {
    fprintf (stderr, "recognition_bench: %s\n", err->message);
    return 1;
  }
  GArray *faces = g_array_new (FALSE, TRUE, sizeof (struct face));
  int n_images = 0, skipped = 0;
  double feature_s = 0;
  int features = 0;
  for (int i = a + 1; i < argc; i++) {
    char *colon = strchr (argv[i], ':');
    if (!colon) {
      fprintf (stderr, "recognition_bench: '%s' is not ID:IMAGE\n", argv[i]);
      return 2;
    }
    g_autofree char *id = g_strndup (argv[i], colon - argv[i]);
    g_autofree char *data = NULL;
    gsize len = 0;
    unsigned char *px = NULL;
    int w, h, stride;
    if (!g_file_get_contents (colon + 1, &data, &len, NULL) ||
        cv_decode_bgra ((const unsigned char *) data, len, &px, &w, &h, &stride) != CV_OK) {
      fprintf (stderr, "recognition_bench: cannot read %s\n", colon + 1);
      return 1;
    }
    struct cv_image img = {px, w, h, stride, 4};
    int found = 0;
    struct cv_rect fr;
    double q;
    if (cv_face_find (det, &img, NULL, &found, &fr, &q) != CV_OK || !found || fr.w < 24) {
      skipped++;
      cv_free (px);
      continue;
    }
    /* the crop as the evidence keeps it: the face box */
    unsigned char *crop_px = g_malloc ((size_t) fr.w * fr.h * 4);
    for (int y = 0; y < fr.h; y++)
      memcpy (crop_px + (size_t) y * fr.w * 4, px + (size_t) (fr.y + y) * stride + (size_t) fr.x * 4, (size_t) fr.w * 4);
    struct cv_image crop = {crop_px, fr.w, fr.h, fr.w * 4, 4};
    for (int k = 0; k < N_VARIANTS; k++) {
      g_autoptr (GBytes) jpg = degrade (&crop, k);
      gsize jl;
      const guint8 *jd = g_bytes_get_data (jpg, &jl);
      struct face f = {.id = g_strdup (id), .image = n_images, .variant = k};
      gint64 t0 = g_get_monotonic_time ();
      if (!recog_feature (r, jd, jl, &f.v, &f.n, NULL) || f.n == 0) {
        g_free (f.id);
        continue;
      }
      feature_s += (g_get_monotonic_time () - t0) / 1e6;
      features++;
      g_array_append_val (faces, f);
    }
    g_free (crop_px);
    cv_free (px);
    n_images++;
  }
  printf ("backend %s, threshold %.3f: %d images with a face (%d without one skipped), %u features\n", backend,
          recog_threshold (r), n_images, skipped, faces->len);
  printf ("genuine: the same picture degraded (self) or another picture of the same face (other); impostor: "
          "faces of different people\n");
  printf ("%-16s %6s %6s %6s %7s %7s %7s %7s %7s %7s %7s %7s\n", "degradation", "self", "other", "impos", "med.self",
          "med.oth", "med.imp", "max.imp", "EERself", "EERoth", "TARself", "FAR");
  double compare_s = 0;
  long compares = 0;
  for (int k = 0; k < N_VARIANTS; k++) {
    g_autoptr (GArray) self = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) other = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) imp = g_array_new (FALSE, FALSE, sizeof (double));
    /* each clean reference against every face of variant K */
    for (guint i = 0; i < faces->len; i++) {
      const struct face *ref = &g_array_index (faces, struct face, i);
      if (ref->variant != 0)
        continue;
      for (guint j = 0; j < faces->len; j++) {
        const struct face *f = &g_array_index (faces, struct face, j);
        if (f->variant != k || (k == 0 && f->image == ref->image) || f->n != ref->n)
          continue;
        gint64 t0 = g_get_monotonic_time ();
        double s = recog_similarity (r, ref->v, f->v, f->n);
        compare_s += (g_get_monotonic_time () - t0) / 1e6;
        compares++;
        g_array_append_val (strcmp (ref->id, f->id) ? imp : f->image == ref->image ? self : other, s);
      }
    }
    double at = 0, e_self = self->len && imp->len ? eer (self, imp, &at) : NAN;
    double e_other = other->len && imp->len ? eer (other, imp, &at) : NAN;
    double imp_max = -INFINITY;
    for (guint q = 0; q < imp->len; q++)
      imp_max = MAX (imp_max, g_array_index (imp, double, q));
    printf ("%-16s %6u %6u %6u %7.3f %7.3f %7.3f %7.3f %6.1f%% %6.1f%% %6.1f%% %6.1f%%\n", VARIANTS[k].name,
            self->len, other->len, imp->len, bench_median (self), bench_median (other), bench_median (imp), imp_max, 100 * e_self,
            100 * e_other,
            100 * bench_rate_at_or_above (self, recog_threshold (r)), 100 * bench_rate_at_or_above (imp, recog_threshold (r)));
  }
  double per_feature = features ? feature_s / features : NAN, per_compare = compares ? compare_s / compares : NAN;
  printf ("cost: %.3f ms a feature (decode included), %.4f ms a comparison (%.1f%% of a feature); %d-float "
          "features\n",
          1e3 * per_feature, 1e3 * per_compare, 100 * per_compare / per_feature,
          faces->len ? g_array_index (faces, struct face, 0).n : 0);
  for (guint i = 0; i < faces->len; i++) {
    g_free (g_array_index (faces, struct face, i).id);
    g_free (g_array_index (faces, struct face, i).v);
  }
  g_array_free (faces, TRUE);
  recog_free (r);
  cv_face_detector_destroy (det);
  return 0;
}
