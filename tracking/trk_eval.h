/* trk_eval — scoring tracks against ground truth as the MOTChallenge 2015
 * devkit does: CLEAR MOT (MOTA, MOTP, FP, FN, ID switches, fragmentations,
 * mostly tracked / lost) and the identity measures (IDF1, IDP, IDR).
 *
 * Ground-truth rows whose 7th field (score) is 0 are removed first. A
 * hypothesis matches an object when IoU >= the threshold (0.5). Per frame,
 * a correspondence of the previous frame is kept while it still matches;
 * the rest are assigned by Hungarian on 1 - IoU. An ID switch is a match to
 * a hypothesis other than the one the object was last matched to. IDF1 takes
 * the one-to-one assignment of whole trajectories that maximises the frames
 * matched with IoU >= threshold (Ristani et al., 2016).
 */
#ifndef CW_TRK_EVAL_H
#define CW_TRK_EVAL_H

#include "trk_mot.h"

struct trk_eval {
  /* counts (add up over sequences) */
  long gt;        /* evaluated ground-truth boxes */
  long hyp;       /* hypothesis boxes */
  long tp, fp, fn, idsw, frag;
  double iou_sum; /* over matches, for MOTP */
  int mt, pt, ml, n_gt_ids;
  long idtp, idfp, idfn;
  /* ratios in percent, from the counts (trk_eval_finish) */
  double mota, motp, idf1, idp, idr, recall, precision;
};

/* Scores RES against GT (both as read by trk_mot_read). Returns 0, or -1
 * when memory runs out. */
int trk_eval_sequence (const struct trk_mot_file *gt, const struct trk_mot_file *res, double iou_threshold,
                       struct trk_eval *out);

/* Adds the counts of B to ACC (pooled scores over several sequences). */
void trk_eval_add (struct trk_eval *acc, const struct trk_eval *b);

/* Computes the ratios from the counts. */
void trk_eval_finish (struct trk_eval *e);

#endif
