/* crosswatch eval-mot — scores a MOT-format result file against ground
 * truth with the project's evaluator (MOTChallenge 2015 rules). */
#include "cli.h"
#include "trk_eval.h"

#include <stdio.h>

int
cmd_eval_mot (int argc, char **argv)
{
  char *gt = NULL, *res = NULL;
  double iou = 0.5;
  const GOptionEntry entries[] = {
      {"gt", 0, 0, G_OPTION_ARG_FILENAME, &gt, "ground truth (MOT format)", "gt.txt"},
      {"res", 0, 0, G_OPTION_ARG_FILENAME, &res, "tracker results (MOT format)", "res.txt"},
      {"iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou, "IoU for a match (0.5)", "T"},
      {NULL}};
  if (!cli_parse ("eval-mot", "--gt gt.txt --res res.txt", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct trk_mot_file g = {0}, r = {0};
  if (!gt || !res) {
    fprintf (stderr, "crosswatch eval-mot: --gt and --res are required\n");
    goto out;
  }
  status = 1;
  if (trk_mot_read (gt, &g, stderr) != 0 || trk_mot_read (res, &r, stderr) != 0)
    goto out;
  struct trk_eval e;
  trk_eval_sequence (&g, &r, iou, &e);
  printf ("MOTA %.1f  MOTP %.1f  IDF1 %.1f  IDP %.1f  IDR %.1f  recall %.1f  precision %.1f\n", e.mota, e.motp,
          e.idf1, e.idp, e.idr, e.recall, e.precision);
  printf ("GT %ld  FP %ld  FN %ld  IDsw %ld  Frag %ld  MT %d  PT %d  ML %d  (of %d objects)\n", e.gt, e.fp, e.fn,
          e.idsw, e.frag, e.mt, e.pt, e.ml, e.n_gt_ids);
  status = 0;
out:
  trk_mot_clear (&g);
  trk_mot_clear (&r);
  g_free (gt);
  g_free (res);
  return status;
}
