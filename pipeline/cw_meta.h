/* cw_meta — what crosswatch elements put on buffers.
 *
 * People travel as GstVideoRegionOfInterestMeta (roi_type "person"), each
 * with one GstStructure param named "crosswatch-person" (CW_PERSON_PARAM):
 *   score (double)          detector score
 *   track-id (int)          once tracked; the meta's id is the same
 *   ground-x, ground-y      metres, when the camera is calibrated
 *   zone (string)           zone the foot point is in
 *   candidate (string)      a rule became true in this frame: its type
 *   entry-frame (int), signal-phase (string), signal-elapsed (double),
 *   signal-source (string)  the crossing's start, for candidates
 *   verdict (string), liveness (string, JSON), track (string, JSON)
 *   verdict-update (string) a later verdict for the open candidate of this
 *                           track (with liveness), when the first one
 *                           waited for more history
 * Fields map one-to-one onto GStreamer 1.24's analytics object-detection
 * (score) and tracking (track-id) entries.
 *
 * Each frame also carries one custom meta (CW_FRAME_META) with the frame
 * number (from 1), seconds since the first frame, whether the detector
 * ran on it (the tracker only predicts on frames it skipped), and the
 * crosswatch elements it has been through ("stages", enum cw_stage); cwzones
 * adds the pedestrian signal (signal-phase, signal-elapsed, signal-source).
 */
#ifndef CW_META_H
#define CW_META_H

#include <gst/gst.h>
#include <gst/video/video.h>

#include "cv_shim.h"

#define CW_PERSON_PARAM "crosswatch-person"
#define CW_FRAME_META "CwFrameMeta"

void cw_meta_register (void);

/* The crosswatch elements a frame has been through (cw_frame_info.stages):
 * each element checks that the one it reads from came before it. */
enum cw_stage {
  CW_STAGE_DETECT = 1 << 0,   /* cwdetect: untracked person boxes */
  CW_STAGE_TRACK = 1 << 1,    /* cwtrack: person boxes with track ids */
  CW_STAGE_ZONES = 1 << 2,    /* cwzones: ground positions, zones, candidates */
  CW_STAGE_LIVENESS = 1 << 3, /* cwliveness: verdicts */
  CW_STAGE_EVIDENCE = 1 << 4, /* cwevidence */
};

struct cw_frame_info {
  int frame;
  double t_s;
  gboolean detector_ran;
  guint stages; /* enum cw_stage bits */
};

/* The frame's info; FALSE when the buffer has none. */
gboolean cw_frame_info_get (GstBuffer *buf, struct cw_frame_info *out);
/* Sets (adding or replacing) the frame's info; BUF must be writable. */
void cw_frame_info_set (GstBuffer *buf, const struct cw_frame_info *info);

/* The pedestrian signal at this frame, as cwzones saw it: PHASE (a
 * static string: walk, clearance, dont_walk, unknown), seconds since it
 * began, SOURCE (schedule, mqtt, none). BUF must be writable. */
void cw_frame_signal_set (GstBuffer *buf, const char *phase, double elapsed_s, const char *source);
/* FALSE when no cwzones has been on the buffer; *PHASE is the buffer's. */
gboolean cw_frame_signal_get (GstBuffer *buf, const char **phase, double *elapsed_s);

/* Adds a person box; takes ownership of PARAM. */
GstVideoRegionOfInterestMeta *cw_person_add (GstBuffer *buf, double x, double y, double w, double h, int id,
                                            GstStructure *param);

/* The people on BUF, as an array of GstVideoRegionOfInterestMeta pointers
 * (free with g_ptr_array_unref; the metas belong to the buffer). */
GPtrArray *cw_people (GstBuffer *buf);

/* The param structure of a person box (never NULL for boxes made by cw_person_add). */
GstStructure *cw_person_param (GstVideoRegionOfInterestMeta *m);

/* The person's box at sub-pixel precision: x, y, w, h. */
void cw_person_box (GstVideoRegionOfInterestMeta *m, double out_box[4]);

/* The person's colour signature (CV_SIGNATURE_LEN values: cwdetect's of
 * the detection, cwtrack's of the track), or NULL when it has none; valid
 * while the meta is. */
const float *cw_person_signature (GstVideoRegionOfInterestMeta *m);
/* Puts SIGNATURE (CV_SIGNATURE_LEN values) into a person's PARAM. */
void cw_person_param_set_signature (GstStructure *param, const float *signature);

/* What moved in the frame (the detector's background model): boxes with
 * roi_type "motion", no param. */
void cw_motion_add (GstBuffer *buf, const struct cv_rect *blobs, int n);
/* At most MAX of BUF's motion boxes into OUT; returns their number. */
int cw_motion_get (GstBuffer *buf, struct cv_rect *out, int max);

/* Removes every person box from BUF. */
void cw_people_clear (GstBuffer *buf);

#endif
