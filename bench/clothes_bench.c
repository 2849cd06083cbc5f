/* How well the accused's clothes link two cases: colour signatures
 * (cv_color_signature, as recognition/recog_link.c compares them) of the
 * people of PETS09-S2L1 (vtest.avi) by their ground-truth identity.
 *
 *   clothes_bench GT.txt FRAME_DIR STEP THRESHOLD
 *
 * FRAME_DIR holds frame-NNNN.png, the video's frame 1 + STEP x NNNN. Each
 * ground-truth box wholly in the picture and at least 20 px wide gives a
 * signature. Genuine pairs: one person at least 10 s apart (another moment,
 * another pose); impostor pairs: two people. Prints the medians, the rates
 * at THRESHOLD and the equal error rate. */
#include "bench_rates.h"
#include "cv_shim.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sig {
  int id;
  double t;
  float v[CV_SIGNATURE_LEN];
};

static double
bc (const float *a, const float *b)
{
  double s = 0;
  for (int i = 0; i < CV_SIGNATURE_LEN; i++)
    s += sqrt ((double) a[i] * b[i]);
  return s;
}




int
main (int argc, char **argv)
{
  if (argc != 5) {
    fprintf (stderr, "usage: clothes_bench GT.txt FRAME_DIR STEP THRESHOLD\n");
    return 2;
  }
  int step = atoi (argv[3]);
  double threshold = g_ascii_strtod (argv[4], NULL);
  FILE *f = fopen (argv[1], "r");
  if (!f || step < 1) {
    fprintf (stderr, "clothes_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  GHashTable *frames = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  GArray *sigs = g_array_new (FALSE, FALSE, sizeof (struct sig));
  char line[256];
  while (fgets (line, sizeof line, f)) {
    int frame, id;
    double x, y, w, h;
    if (sscanf (line, "%d,%d,%lf,%lf,%lf,%lf", &frame, &id, &x, &y, &w, &h) != 6 || (frame - 1) % step)
      continue;
    int k = (frame - 1) / step;
    struct cv_image *img = g_hash_table_lookup (frames, GINT_TO_POINTER (k + 1));
    if (!img) {
      g_autofree char *path = g_strdup_printf ("%s/frame-%04d.png", argv[2], k);
      g_autofree char *data = NULL;
      gsize len;
      img = g_new0 (struct cv_image, 1);
      if (g_file_get_contents (path, &data, &len, NULL))
        cv_decode_bgra ((unsigned char *) data, len, &img->data, &img->width, &img->height, &img->stride);
      img->channels = 4;
      g_hash_table_insert (frames, GINT_TO_POINTER (k + 1), img);
    }
    if (!img->data || w < 20 || x < 0 || y < 0 || x + w > img->width || y + h > img->height)
      continue;
    struct sig s = {.id = id, .t = (frame - 1) / 10.0};
    const float box[4] = {(float) x, (float) y, (float) w, (float) h};
    if (cv_color_signature (img, box, s.v) == CV_OK)
      g_array_append_val (sigs, s);
  }
  fclose (f);
  g_autoptr (GArray) gen = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) imp = g_array_new (FALSE, FALSE, sizeof (double));
  GHashTable *ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < sigs->len; i++) {
    const struct sig *a = &g_array_index (sigs, struct sig, i);
    g_hash_table_add (ids, GINT_TO_POINTER (a->id));
    for (guint j = i + 1; j < sigs->len; j++) {
      const struct sig *b = &g_array_index (sigs, struct sig, j);
      double s = bc (a->v, b->v);
      if (a->id == b->id && fabs (a->t - b->t) >= 10)
        g_array_append_val (gen, s);
      else if (a->id != b->id)
        g_array_append_val (imp, s);
    }
  }
  /* the equal error rate over the thresholds 0.50 to 1.00 */
  double eer = NAN, eer_t = 0, gap = INFINITY;
  for (double t = 0.5; t <= 1.0; t += 0.0025) {
    double frr = 1 - bench_rate_at_or_above (gen, t), far = bench_rate_at_or_above (imp, t);
    if (fabs (frr - far) < gap) {
      gap = fabs (frr - far);
      eer = (frr + far) / 2;
      eer_t = t;
    }
  }
  printf ("%u signatures of %u people; %u genuine pairs (one person, >= 10 s apart), %u impostor pairs\n", sigs->len,
          g_hash_table_size (ids), gen->len, imp->len);
  printf ("threshold %.2f: genuine %.1f %% at or above, impostor %.2f %% at or above; median genuine %.3f, impostor "
          "%.3f; equal error rate about %.1f %% (at %.3f)\n",
          threshold, 100 * bench_rate_at_or_above (gen, threshold), 100 * bench_rate_at_or_above (imp, threshold), bench_median (gen),
          bench_median (imp), 100 * eer, eer_t);
  g_hash_table_destroy (ids);
  g_hash_table_destroy (frames);
  g_array_free (sigs, TRUE);
  return 0;
}
