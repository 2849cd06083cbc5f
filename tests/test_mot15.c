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

static void
track (struct trk_mot_file *det, gboolean sort, struct trk_mot_file *res)
{
  struct trk_params p = trk_params_default ();
  struct trk_tracker *ours = sort ? NULL : trk_tracker_create (&p);
  struct trk_sort *ref = sort ? trk_sort_create (1, 3, 0.3) : NULL;
  trk_mot_sort_by_frame (det);
  g_assert_cmpint (trk_mot_replay (det, 0, 1, -1e9, sort ? trk_sort_replay_step : trk_tracker_replay_step,
                                   sort ? (void *) ref : (void *) ours, res),
                   ==, 0);
  trk_tracker_free (ours);
  trk_sort_free (ref);
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
