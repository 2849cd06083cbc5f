/* The MOT evaluator on hand-made cases; every expected figure is worked
 * out in the comment above its assertion. */
#include "trk_eval.h"

#include <glib.h>

#define R(frame, id, x, y, w, h, score) {frame, id, {x, y, w, h}, score, {-1, -1, -1}}

static struct trk_eval
eval (struct trk_mot_row *gt, int ng, struct trk_mot_row *hyp, int nh)
{
  struct trk_mot_file g = {gt, ng}, h = {hyp, nh};
  struct trk_eval e;
  g_assert_cmpint (trk_eval_sequence (&g, &h, 0.5, &e), ==, 0);
  return e;
}

static void
perfect_tracking_scores_100 (void)
{
  struct trk_mot_row gt[] = {R (1, 1, 0, 0, 10, 20, 1), R (1, 2, 50, 0, 10, 20, 1), R (2, 1, 2, 0, 10, 20, 1),
                             R (2, 2, 48, 0, 10, 20, 1), R (3, 1, 4, 0, 10, 20, 1), R (3, 2, 46, 0, 10, 20, 1)};
  struct trk_mot_row hyp[6];
  for (int i = 0; i < 6; i++) {
    hyp[i] = gt[i];
    hyp[i].id += 100;
  }
  struct trk_eval e = eval (gt, 6, hyp, 6);
  g_assert_cmpfloat_with_epsilon (e.mota, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (e.motp, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (e.idf1, 100, 1e-9);
  g_assert_cmpint (e.mt, ==, 2);
  g_assert_cmpint (e.idsw + e.fp + e.fn + e.frag, ==, 0);
}

static void
an_id_switch_costs_mota_and_half_the_identity (void)
{
  /* one person, frames 1-4; the tracker calls them 10, then 11 */
  struct trk_mot_row gt[] = {R (1, 1, 0, 0, 10, 20, 1), R (2, 1, 0, 0, 10, 20, 1), R (3, 1, 0, 0, 10, 20, 1),
                             R (4, 1, 0, 0, 10, 20, 1)};
  struct trk_mot_row hyp[] = {R (1, 10, 0, 0, 10, 20, 1), R (2, 10, 0, 0, 10, 20, 1), R (3, 11, 0, 0, 10, 20, 1),
                              R (4, 11, 0, 0, 10, 20, 1)};
  struct trk_eval e = eval (gt, 4, hyp, 4);
  /* MOTA = 1 - (FN 0 + FP 0 + IDsw 1) / GT 4 = 75% */
  g_assert_cmpint (e.idsw, ==, 1);
  g_assert_cmpfloat_with_epsilon (e.mota, 75, 1e-9);
  /* IDF1: 1 -> 10 shares 2 frames: IDTP 2, IDF1 = 2*2 / (4 + 4) = 50% */
  g_assert_cmpint (e.idtp, ==, 2);
  g_assert_cmpfloat_with_epsilon (e.idf1, 50, 1e-9);
  g_assert_cmpint (e.frag, ==, 0);
}

static void
a_fragmentation_costs_a_miss_not_an_id_switch (void)
{
  /* frames 1-5; the track (same id) misses frame 3 */
  struct trk_mot_row gt[5], hyp[4];
  int k = 0;
  for (int f = 1; f <= 5; f++) {
    gt[f - 1] = (struct trk_mot_row) R (f, 1, 10 * f, 0, 10, 20, 1);
    if (f != 3)
      hyp[k++] = (struct trk_mot_row) R (f, 7, 10 * f, 0, 10, 20, 1);
  }
  struct trk_eval e = eval (gt, 5, hyp, 4);
  /* MOTA = 1 - 1/5 = 80%; one gap between tracked runs = 1 fragmentation */
  g_assert_cmpint (e.fn, ==, 1);
  g_assert_cmpint (e.idsw, ==, 0);
  g_assert_cmpint (e.frag, ==, 1);
  g_assert_cmpfloat_with_epsilon (e.mota, 80, 1e-9);
  /* IDF1 = 2*4 / (5 + 4) = 88.89%; tracked 4/5 = 80% of its life: mostly tracked */
  g_assert_cmpfloat_with_epsilon (e.idf1, 800.0 / 9, 1e-9);
  g_assert_cmpint (e.mt, ==, 1);
}

static void
a_box_overlapping_less_than_half_is_a_miss_and_a_false_positive (void)
{
  /* IoU = 50 / 150 = 0.33 */
  struct trk_mot_row gt[] = {R (1, 1, 0, 0, 10, 10, 1)};
  struct trk_mot_row hyp[] = {R (1, 5, 5, 0, 10, 10, 1)};
  struct trk_eval e = eval (gt, 1, hyp, 1);
  g_assert_cmpint (e.fp, ==, 1);
  g_assert_cmpint (e.fn, ==, 1);
  g_assert_cmpfloat_with_epsilon (e.mota, -100, 1e-9);
  g_assert_cmpint (e.ml, ==, 1);
}

static void
a_correspondence_that_still_holds_is_kept (void)
{
  /* frame 2: hypothesis 2 overlaps better (IoU 1) but 1 still overlaps
   * (80 / 120 = 0.667): CLEAR keeps 1, so no switch; 2 is a false positive */
  struct trk_mot_row gt[] = {R (1, 1, 0, 0, 10, 10, 1), R (2, 1, 0, 0, 10, 10, 1)};
  struct trk_mot_row hyp[] = {R (1, 1, 0, 0, 10, 10, 1), R (2, 1, 2, 0, 10, 10, 1), R (2, 2, 0, 0, 10, 10, 1)};
  struct trk_eval e = eval (gt, 2, hyp, 3);
  g_assert_cmpint (e.idsw, ==, 0);
  g_assert_cmpint (e.fp, ==, 1);
  g_assert_cmpfloat_with_epsilon (e.mota, 50, 1e-9);
  /* MOTP = (1 + 2/3) / 2 = 83.33% */
  g_assert_cmpfloat_with_epsilon (e.motp, 250.0 / 3, 1e-9);
}

static void
ground_truth_marked_zero_is_not_evaluated (void)
{
  struct trk_mot_row gt[] = {R (1, 1, 0, 0, 10, 10, 1), R (1, 2, 50, 0, 10, 10, 0)};
  struct trk_mot_row hyp[] = {R (1, 1, 0, 0, 10, 10, 1), R (1, 2, 50, 0, 10, 10, 1)};
  struct trk_eval e = eval (gt, 2, hyp, 2);
  g_assert_cmpint (e.gt, ==, 1);
  g_assert_cmpint (e.tp, ==, 1);
  g_assert_cmpint (e.fp, ==, 1);
  g_assert_cmpint (e.n_gt_ids, ==, 1);
}

static void
pooled_scores_add_counts_not_percentages (void)
{
  struct trk_eval a = {.gt = 100, .hyp = 90, .tp = 80, .fp = 10, .fn = 20, .idsw = 5, .idtp = 70};
  struct trk_eval b = {.gt = 10, .hyp = 10, .tp = 10, .idtp = 10};
  struct trk_eval p = {0};
  trk_eval_add (&p, &a);
  trk_eval_add (&p, &b);
  trk_eval_finish (&p);
  /* 1 - 35/110 = 68.18%, not the mean of 65% and 100% */
  g_assert_cmpfloat_with_epsilon (p.mota, 100.0 * (1 - 35.0 / 110), 1e-9);
  g_assert_cmpfloat_with_epsilon (p.idf1, 100.0 * 2 * 80 / 210, 1e-9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eval/perfect_tracking_scores_100", perfect_tracking_scores_100);
  g_test_add_func ("/eval/an_id_switch_costs_mota_and_half_the_identity", an_id_switch_costs_mota_and_half_the_identity);
  g_test_add_func ("/eval/a_fragmentation_costs_a_miss_not_an_id_switch", a_fragmentation_costs_a_miss_not_an_id_switch);
  g_test_add_func ("/eval/a_box_overlapping_less_than_half_is_a_miss_and_a_false_positive",
                   a_box_overlapping_less_than_half_is_a_miss_and_a_false_positive);
  g_test_add_func ("/eval/a_correspondence_that_still_holds_is_kept", a_correspondence_that_still_holds_is_kept);
  g_test_add_func ("/eval/ground_truth_marked_zero_is_not_evaluated", ground_truth_marked_zero_is_not_evaluated);
  g_test_add_func ("/eval/pooled_scores_add_counts_not_percentages", pooled_scores_add_counts_not_percentages);
  return g_test_run ();
}
