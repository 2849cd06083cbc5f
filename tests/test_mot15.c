/* Regression guard on real data: on every MOT15 sequence with ground truth,
 * crosswatch's tracker must score at least SORT's MOTA and a higher pooled
 * IDF1, both run here on the same detections (the full table and the
 * speed are the benchmark's job: bench/mot_bench). */
#include "trk_eval.h"
#include "trk_sort.h"
#include "trk_tracker.h"

#include <glib.h>
#include <stdlib.h>

static const char *const SEQUENCES[] = {"ETH-Sunnyday", "KITTI-17", "PETS09-S2L1", "TUD-Campus", "TUD-Stadtmitte"};

static int
by_frame (const void *a, const void *b)
{
  const struct trk_mot_row *x = a, *y = b;
  return (x->frame > y->frame) - (x->frame < y->frame);
}

static void
track (struct trk_mot_file *det, gboolean sort, struct trk_mot_file *res)
{
  struct trk_params p = trk_params_default ();
  struct trk_tracker *ours = sort ? NULL : trk_tracker_create (&p);
  struct trk_sort *ref = sort ? trk_sort_create (1, 3, 0.3) : NULL;
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (struct trk_mot_row));
  struct trk_detection *d = g_new (struct trk_detection, det->n_rows + 1);
  qsort (det->rows, det->n_rows, sizeof *det->rows, by_frame);
  int k = 0, last = det->rows[det->n_rows - 1].frame;
  for (int f = 1; f <= last; f++) {
    int n = 0;
    for (; k < det->n_rows && det->rows[k].frame == f; k++)
      d[n++] = (struct trk_detection){.box = det->rows[k].box, .score = det->rows[k].score};
    const struct trk_track_out *o;
    int no;
    if (sort)
      no = trk_sort_step (ref, d, n, &o);
    else {
      trk_tracker_step (ours, d, n, true);
      no = trk_tracker_tracks (ours, &o);
    }
    for (int i = 0; i < no; i++) {
      struct trk_mot_row r = {f, o[i].id, o[i].box, 1, {-1, -1, -1}};
      g_array_append_val (rows, r);
    }
  }
  g_free (d);
  trk_tracker_free (ours);
  trk_sort_free (ref);
  res->n_rows = (int) rows->len;
  res->rows = (struct trk_mot_row *) g_array_free (rows, FALSE);
}

static void
tracker_beats_sort_on_every_mot15_sequence (void)
{
  struct trk_eval pooled_ours = {0}, pooled_sort = {0};
  for (size_t i = 0; i < G_N_ELEMENTS (SEQUENCES); i++) {
    g_autofree char *det_path = g_build_filename (CW_SHARED_DATA, "mot15", SEQUENCES[i], "det", "det.txt", NULL);
    g_autofree char *gt_path = g_build_filename (CW_SHARED_DATA, "mot15", SEQUENCES[i], "gt", "gt.txt", NULL);
    struct trk_mot_file det, gt, rs, ro;
    g_assert_cmpint (trk_mot_read (det_path, &det, stderr), ==, 0);
    g_assert_cmpint (trk_mot_read (gt_path, &gt, stderr), ==, 0);
    track (&det, TRUE, &rs);
    track (&det, FALSE, &ro);
    struct trk_eval es, eo;
    trk_eval_sequence (&gt, &rs, 0.5, &es);
    trk_eval_sequence (&gt, &ro, 0.5, &eo);
    g_test_message ("%s: SORT MOTA %.1f IDF1 %.1f, ours MOTA %.1f IDF1 %.1f", SEQUENCES[i], es.mota, es.idf1, eo.mota,
                    eo.idf1);
    g_assert_cmpfloat (eo.mota, >=, es.mota);
    trk_eval_add (&pooled_ours, &eo);
    trk_eval_add (&pooled_sort, &es);
    trk_mot_clear (&det);
    trk_mot_clear (&gt);
    trk_mot_clear (&rs);
    trk_mot_clear (&ro);
  }
  trk_eval_finish (&pooled_ours);
  trk_eval_finish (&pooled_sort);
  g_assert_cmpfloat (pooled_ours.idf1, >, pooled_sort.idf1 + 10);
  g_assert_cmpint (pooled_ours.idsw, <, pooled_sort.idsw);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mot15/tracker_beats_sort_on_every_mot15_sequence", tracker_beats_sort_on_every_mot15_sequence);
  return g_test_run ();
}
