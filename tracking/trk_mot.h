/* trk_mot — MOTChallenge text files: "frame,id,x,y,w,h,score,X,Y,Z". */
#ifndef CW_TRK_MOT_H
#define CW_TRK_MOT_H

#include "trk_box.h"
#include "trk_tracker.h"

#include <stdio.h>

/* What a row may hold: frames from 1 (a day at 100 frames/s is under the
 * cap), ids, pixels; and a line's length (a row with a signature is about
 * 700 characters). */
#define TRK_MOT_MAX_FRAME 10000000
#define TRK_MOT_MAX_ID 1000000000.0
#define TRK_MOT_MAX_PX 1e6
#define TRK_MOT_MAX_LINE 2048

struct trk_mot_row {
  int frame, id;
  struct trk_box box;
  double score;
  double world[3]; /* ground-plane coordinates where the file has them, else -1 */
  /* The detector's colour signature, when the row carries one: crosswatch's
   * own detections files (run --detections-out) append its
   * TRK_SIGNATURE_LEN values after the ten MOT fields, so that track-mot
   * replays the appliance's detections as its tracker saw them. */
  bool has_signature;
  float signature[TRK_SIGNATURE_LEN];
  int line; /* in its file, from 1 (0: not read from a file) */
};

struct trk_mot_file {
  struct trk_mot_row *rows; /* in file order */
  int n_rows;
};

/* Reads PATH (a regular file). Lines that are not valid rows are skipped,
 * each reported to ERRORS (may be NULL) as "PATH:LINE: why, skipped".
 * Returns 0, or -1 when the file cannot be opened or read or memory runs
 * out (with the reason in ERRORS). */
int trk_mot_read (const char *path, struct trk_mot_file *out, FILE *errors);
/* The same; STRICT: the first line that is not a valid row ends the read
 * with -1, reported as "PATH:LINE: why". */
int trk_mot_read_checked (const char *path, struct trk_mot_file *out, bool strict, FILE *errors);
void trk_mot_clear (struct trk_mot_file *f);

/* Parses one line. Returns 0, or -1 with a static reason in *OUT_WHY. */
int trk_mot_parse_line (const char *line, struct trk_mot_row *out, const char **out_why);

/* Orders the rows by frame (a file need not be sorted). */
void trk_mot_sort_by_frame (struct trk_mot_file *f);

/* One frame of a tracker: DETS (N of them; DETECTOR_RAN false on frames the
 * detector skipped) in, the tracks it reports out (valid until the next call). */
typedef int (*trk_step_fn) (void *tracker, const struct trk_detection *dets, int n, bool detector_ran,
                            const struct trk_track_out **out);

/* Adapters for crosswatch's tracker and the SORT reference (trk_sort.h). */
int trk_tracker_replay_step (void *tracker, const struct trk_detection *dets, int n, bool detector_ran,
                             const struct trk_track_out **out);
int trk_sort_replay_step (void *sort, const struct trk_detection *dets, int n, bool detector_ran,
                          const struct trk_track_out **out);

/* Replays the detections DET (sorted by frame) through STEP from frame 1 to
 * LAST_FRAME (at least DET's last), the detector running on 1 frame in EVERY
 * and dropping scores below MIN_SCORE; the tracks reported go to OUT as MOT
 * rows (OUT may be NULL: timing runs). Returns 0, -1 when memory runs out. */
int trk_mot_replay (const struct trk_mot_file *det, int last_frame, int every, double min_score, trk_step_fn step,
                    void *tracker, struct trk_mot_file *out);

/* Writes one row "frame,id,x,y,w,h,score,-1,-1,-1", followed by the
 * TRK_SIGNATURE_LEN values of SIGNATURE when it is not NULL. */
int trk_mot_write_row (FILE *f, int frame, int id, const struct trk_box *box, double score, const float *signature);

#endif
