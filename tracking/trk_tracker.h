/* trk_tracker — multi-object tracker: a Kalman filter per track and optimal
 * IoU assignment of detections to predicted tracks (SORT's structure).
 *
 * A track is born from an unmatched detection, reported once it has been
 * matched on min_hits consecutive detection frames, and dies after max_age
 * detection frames without a match. Frames on which the detector did not run
 * only predict: they neither confirm nor age a track.
 */
#ifndef CW_TRK_TRACKER_H
#define CW_TRK_TRACKER_H

#include "trk_box.h"

#include <stdbool.h>

struct trk_params {
  double iou_threshold; /* minimum IoU of a detection with a track's prediction */
  int min_hits;         /* consecutive matches before a track is reported */
  int max_age;          /* detection frames a track survives unmatched */
};

struct trk_detection {
  struct trk_box box;
  double score;
};

struct trk_track_out {
  int id;               /* from 1, never reused */
  struct trk_box box;   /* the filter's estimate for this frame */
  double score;         /* of the last matched detection */
  int hits;             /* matches in the track's life */
};

/* The documented defaults ([tracker] in hwcfg/README.md). */
struct trk_params trk_params_default (void);

struct trk_tracker;

/* NULL when PARAMS are out of range. */
struct trk_tracker *trk_tracker_create (const struct trk_params *params);
void trk_tracker_free (struct trk_tracker *trk);

/* Advances one frame with N detections (DETS may be NULL when N is 0).
 * DETECTOR_RAN is false on frames the detector skipped.
 * Returns 0, or -1 on bad arguments or out of memory. */
int trk_tracker_step (struct trk_tracker *trk, const struct trk_detection *dets, int n,
                      bool detector_ran);

/* The tracks reported for the last step; *OUT stays valid until the next step. */
int trk_tracker_tracks (const struct trk_tracker *trk, const struct trk_track_out **out);

#endif
