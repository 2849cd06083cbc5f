/* trk_tracker — crosswatch's multi-object tracker.
 *
 * SORT's structure (a constant-velocity Kalman filter per track, optimal
 * assignment on IoU) with the improvements the literature measured:
 *  - two-stage association (ByteTrack): confident detections first against
 *    every live track; then weak detections against the tracks still
 *    unmatched, which recovers people whose detections dip in score while
 *    partly occluded, without letting weak detections start tracks;
 *  - observation-centric momentum (OC-SORT): the association cost rewards
 *    detections lying in the direction the track was moving, as observed;
 *  - observation-centric recovery (OC-SORT): a track still unmatched is tried
 *    against its last observed box, not only its drifting prediction;
 *  - observation-centric re-update (OC-SORT): on re-association after a
 *    gap, the filter is rewound to the last observation and re-run along a
 *    straight virtual path, so the velocity is not left wrong by coasting;
 *  - buffered IoU (C-BIoU): boxes grown a little before overlap is measured,
 *    so a fast or jittery person still overlaps their prediction;
 *  - a lost track may take a confident detection near its prediction (by
 *    centre distance in body heights, sizes alike), and a new track, once
 *    confirmed, takes over the id of a lost track right where it predicted:
 *    one person keeps one id through longer occlusions;
 *  - when detections carry colour signatures (the appliance's do; MOT files
 *    don't), appearance joins the cost and vetoes matches to a differently
 *    dressed person: two people crossing keep their ids; and a lost track
 *    whose colours match a detection clearly better than those of the
 *    tracks overlapping it may take it by distance (a person coming out
 *    from behind another gets their id back instead of the other's);
 *  - confirmation after min_hits consecutive matches, coasting (kept but not
 *    reported) for max_age frames without a match.
 * Frames on which the detector did not run only predict: they neither confirm
 * nor age a track.
 */
#ifndef CW_TRK_TRACKER_H
#define CW_TRK_TRACKER_H

#include "trk_box.h"

#include <stdbool.h>
#include <stdint.h>

struct trk_params {
  double iou_threshold;     /* minimum IoU, first stage and recovery */
  int min_hits;             /* consecutive matches before a track is reported */
  int max_age;              /* detection frames a track coasts unmatched */
  double high_score;        /* detections at or above: first stage */
  double low_score;         /* detections below are ignored; between: second stage */
  double new_track_score;   /* a new track needs a detection at least this confident */
  double low_iou_threshold; /* minimum IoU in the second stage */
  double inertia;           /* weight of the direction term (0 turns it off) */
  int delta_t;              /* frames back for the observed direction */
  bool reupdate;            /* observation-centric re-update after a gap */
  double buffer;            /* boxes grow by this fraction per side for matching (C-BIoU) */
  double lost_distance;     /* last stage: a lost track takes a detection whose centre is within
                               this many of its heights of the prediction (0 turns it off) */
  double relink_distance;   /* a new track, when confirmed, takes over the id of a lost track whose
                               prediction is within this many heights (0 turns it off) */
  double appearance_weight; /* cost of colour dissimilarity, when detections carry signatures */
  double appearance_gate;   /* below this similarity a detection is not the track's person */
};

/* Colour signature length (a histogram summing to 1, as the vision shim's
 * cv_color_signature makes). */
#define TRK_SIGNATURE_LEN 48

struct trk_detection {
  struct trk_box box;
  double score;
  bool has_signature;
  float signature[TRK_SIGNATURE_LEN];
};

/* Bhattacharyya coefficient of two signatures: 1 identical, 0 disjoint. */
double trk_signature_similarity (const float *a, const float *b);

struct trk_track_out {
  int id;             /* from 1, never reused */
  struct trk_box box; /* the filter's estimate for this frame */
  double score;       /* of the last matched detection */
  int hits;           /* matches in the track's life */
  bool has_signature; /* its detections carried colour signatures: */
  float signature[TRK_SIGNATURE_LEN]; /* their slow running average */
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
int trk_tracker_step (struct trk_tracker *trk, const struct trk_detection *dets, int n, bool detector_ran);

/* The tracks reported for the last step; *OUT stays valid until the next step. */
int trk_tracker_tracks (const struct trk_tracker *trk, const struct trk_track_out **out);

/* How many different track ids have been reported since created (a track
 * re-found after a gap, or relinked to a lost one's id, counts once). */
int64_t trk_tracker_reported_ids (const struct trk_tracker *trk);

#endif
