/* trk_sort — SORT (Bewley et al., 2016) as its reference code does it, as
 * the in-run baseline of the tracking benchmark: Kalman filter on
 * (centre, area, aspect ratio), IoU association with Hungarian, max_age 1,
 * min_hits 3, IoU threshold 0.3. Same interface as trk_tracker. */
#ifndef CW_TRK_SORT_H
#define CW_TRK_SORT_H

#include "trk_tracker.h"

struct trk_sort;

struct trk_sort *trk_sort_create (int max_age, int min_hits, double iou_threshold);
void trk_sort_free (struct trk_sort *s);

/* One frame of detections; returns the number of reported tracks in *OUT
 * (valid until the next call), or -1 when memory runs out. */
int trk_sort_step (struct trk_sort *s, const struct trk_detection *dets, int n, const struct trk_track_out **out);

#endif
