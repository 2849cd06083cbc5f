/* The tracking benchmark: crosswatch's tracker and SORT (reference
 * behaviour, in the same run) over every MOT15 sequence with detections,
 * scored with the project's evaluator where ground truth exists.
 *
 * usage: mot_bench MOT15_DIR [REPEAT]
 * Frames per second count tracking only (files are read before timing),
 * over all sequences, REPEAT times (default 20) for a stable figure. */
#include "trk_eval.h"
#include "trk_mot.h"
#include "trk_sort.h"
#include "trk_tracker.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seq {
  char *name;
  struct trk_mot_file det, gt;
  gboolean has_gt;
  int n_frames;
};

/* Runs one tracker over SEQ; fills RES (when not NULL) with its output. */
/* Runs one tracker over SEQ with the detector on 1 frame in EVERY (the
 * tracker predicts between); fills RES (when not NULL) with its output. */
static void
run_every (const struct seq *s, void *trk, trk_step_fn step, int every, struct trk_mot_file *res)
{
  if (trk_mot_replay (&s->det, s->n_frames, every, -1e9, step, trk, res) != 0)
    g_error ("out of memory");
}

static void
run (const struct seq *s, void *trk, trk_step_fn step, struct trk_mot_file *res)
{
  run_every (s, trk, step, 1, res);
}

static struct trk_params params;

static void *
new_ours (void)
{
  return trk_tracker_create (&params);
}

/* KEY=VALUE overrides of the tracker's parameters, for exploring them. */
static gboolean
override (const char *kv)
{
  double v;
  char key[64];
  if (sscanf (kv, "%63[a-z_]=%lf", key, &v) != 2)
    return FALSE;
#define SET(name)                                                                                                      \
  if (!strcmp (key, #name)) {                                                                                          \
    params.name = v;                                                                                                   \
    return TRUE;                                                                                                       \
  }
  SET (iou_threshold) SET (min_hits) SET (max_age) SET (high_score) SET (low_score) SET (new_track_score)
  SET (low_iou_threshold) SET (inertia) SET (delta_t) SET (reupdate) SET (relink_distance) SET (lost_distance) SET (buffer) SET (appearance_weight) SET (appearance_gate)
#undef SET
  return FALSE;
}

static void *
new_sort (void)
{
  return trk_sort_create (1, 3, 0.3);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static gboolean
load (const char *root, const char *name, struct seq *s)
{
  g_autofree char *det = g_build_filename (root, name, "det", "det.txt", NULL);
  g_autofree char *gt = g_build_filename (root, name, "gt", "gt.txt", NULL);
  s->name = g_strdup (name);
  if (trk_mot_read (det, &s->det, stderr) != 0)
    return FALSE;
  trk_mot_sort_by_frame (&s->det);
  s->n_frames = s->det.n_rows ? s->det.rows[s->det.n_rows - 1].frame : 0;
  s->has_gt = g_file_test (gt, G_FILE_TEST_EXISTS) && trk_mot_read (gt, &s->gt, stderr) == 0;
  return TRUE;
}

static double
time_all (struct seq *seqs, int n, void *(*make) (void), void (*destroy) (void *), trk_step_fn step, int repeat,
          long *out_frames)
{
  long frames = 0;
  gint64 t0 = g_get_monotonic_time ();
  for (int r = 0; r < repeat; r++)
    for (int i = 0; i < n; i++) {
      void *trk = make ();
      run (&seqs[i], trk, step, NULL);
      destroy (trk);
      frames += seqs[i].n_frames;
    }
  *out_frames = frames;
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
free_ours (void *t)
{
  trk_tracker_free (t);
}

static void
free_sort (void *t)
{
  trk_sort_free (t);
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s MOT15_DIR [REPEAT]\n", argv[0]);
    return 2;
  }
  int repeat = argc > 2 ? atoi (argv[2]) : 20;
  params = trk_params_default ();
  for (int i = 3; i < argc; i++)
    if (!override (argv[i])) {
      fprintf (stderr, "unknown parameter '%s'\n", argv[i]);
      return 2;
    }
  if (!trk_tracker_create (&params)) {
    fprintf (stderr, "parameters out of range\n");
    return 2;
  }
  GDir *dir = g_dir_open (argv[1], 0, NULL);
  if (!dir) {
    fprintf (stderr, "%s: cannot open\n", argv[1]);
    return 1;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *e;
  while ((e = g_dir_read_name (dir))) {
    g_autofree char *det = g_build_filename (argv[1], e, "det", "det.txt", NULL);
    if (g_file_test (det, G_FILE_TEST_EXISTS))
      g_ptr_array_add (names, g_strdup (e));
  }
  g_dir_close (dir);
  g_ptr_array_sort (names, by_name);
  struct seq *seqs = g_new0 (struct seq, names->len);
  for (guint i = 0; i < names->len; i++)
    if (!load (argv[1], g_ptr_array_index (names, i), &seqs[i]))
      return 1;

  struct trk_eval pooled_sort = {0}, pooled_ours = {0};
  printf ("%-15s | %6s %6s %5s | %6s %6s %5s %6s %5s %5s %4s %4s %4s\n", "sequence", "SORT", "IDF1", "IDsw", "MOTA",
          "IDF1", "IDsw", "MOTP", "FP", "FN", "MT", "ML", "Frag");
  for (guint i = 0; i < names->len; i++) {
    if (!seqs[i].has_gt)
      continue;
    struct trk_mot_file rs = {0}, ro = {0};
    void *ts = new_sort (), *to = new_ours ();
    run (&seqs[i], ts, trk_sort_replay_step, &rs);
    run (&seqs[i], to, trk_tracker_replay_step, &ro);
    trk_sort_free (ts);
    trk_tracker_free (to);
    struct trk_eval es, eo;
    trk_eval_sequence (&seqs[i].gt, &rs, 0.5, &es);
    trk_eval_sequence (&seqs[i].gt, &ro, 0.5, &eo);
    trk_eval_add (&pooled_sort, &es);
    trk_eval_add (&pooled_ours, &eo);
    if (getenv ("CW_BENCH_SORT_DETAIL"))
      printf ("  SORT %s: FP %ld FN %ld MOTP %.1f Frag %ld MT %d ML %d\n", seqs[i].name, es.fp, es.fn, es.motp, es.frag, es.mt, es.ml);
    printf ("%-15s | %6.1f %6.1f %5ld | %6.1f %6.1f %5ld %6.1f %5ld %5ld %4d %4d %4ld\n", seqs[i].name, es.mota, es.idf1,
            es.idsw, eo.mota, eo.idf1, eo.idsw, eo.motp, eo.fp, eo.fn, eo.mt, eo.ml, eo.frag);
    trk_mot_clear (&rs);
    trk_mot_clear (&ro);
  }
  trk_eval_finish (&pooled_sort);
  trk_eval_finish (&pooled_ours);
  printf ("%-15s | %6.1f %6.1f %5ld | %6.1f %6.1f %5ld %6.1f %5ld %5ld %4d %4d %4ld\n", "pooled", pooled_sort.mota,
          pooled_sort.idf1, pooled_sort.idsw, pooled_ours.mota, pooled_ours.idf1, pooled_ours.idsw, pooled_ours.motp,
          pooled_ours.fp, pooled_ours.fn, pooled_ours.mt, pooled_ours.ml, pooled_ours.frag);

  long fs, fo;
  double ss = time_all (seqs, (int) names->len, new_sort, free_sort, trk_sort_replay_step, repeat, &fs);
  double so = time_all (seqs, (int) names->len, new_ours, free_ours, trk_tracker_replay_step, repeat, &fo);
  printf ("\nspeed over all %u sequences (%ld frames x %d): crosswatch %.0f fps, SORT (C) %.0f fps, ratio %.2f\n",
          names->len, fo / repeat, repeat, fo / so, fs / ss, (fo / so) / (fs / ss));
  /* DeepStream's "interval": the detector on 1 frame in N, the tracker
   * carrying the boxes between; scored on every frame */
  printf ("\ndetector on 1 frame in N (crosswatch's tracker predicts between; scored on every frame, pooled):\n"
          "%3s | %6s %6s %5s %6s %6s\n", "N", "MOTA", "IDF1", "IDsw", "FP", "FN");
  for (int every = 1; every <= 5; every++) {
    struct trk_eval pooled = {0};
    for (guint i = 0; i < names->len; i++) {
      if (!seqs[i].has_gt)
        continue;
      struct trk_mot_file r = {0};
      void *t = new_ours ();
      run_every (&seqs[i], t, trk_tracker_replay_step, every, &r);
      trk_tracker_free (t);
      struct trk_eval one;
      trk_eval_sequence (&seqs[i].gt, &r, 0.5, &one);
      trk_eval_add (&pooled, &one);
      trk_mot_clear (&r);
    }
    trk_eval_finish (&pooled);
    printf ("%3d | %6.1f %6.1f %5ld %6ld %6ld\n", every, pooled.mota, pooled.idf1, pooled.idsw, pooled.fp, pooled.fn);
  }
  for (guint i = 0; i < names->len; i++) {
    trk_mot_clear (&seqs[i].det);
    trk_mot_clear (&seqs[i].gt);
    g_free (seqs[i].name);
  }
  g_free (seqs);
  g_ptr_array_unref (names);
  return 0;
}
