/* cw_camera — one camera of the site, run as its own pipeline on the
 * caller's main loop, and brought back after a loss.
 *
 * A live camera that fails (RTSP drop, device unplugged, decoder error, or
 * a stream that ends) is torn down — its open packets are finished and
 * their events delivered — and rebuilt after 1 s, then 2, 4 ... up to 60 s
 * while it keeps failing; a camera that ran a minute before failing starts
 * again at 1 s. A file ends the camera at its end, or on an error (with
 * LOOP it starts again from the beginning, for demos and soaks). */
#ifndef CW_CAMERA_H
#define CW_CAMERA_H

#include "hwcfg.h"

#include <gst/gst.h>
#include <stdio.h>

struct cw_camera;

enum cw_camera_state {
  CW_CAMERA_RUNNING, /* its pipeline is playing */
  CW_CAMERA_DOWN,    /* lost; waiting to be rebuilt */
  CW_CAMERA_ENDED,   /* the file ended, it failed for good, or it was stopped */
};

struct cw_camera_hooks {
  /* a decision: the events-contract JSON line */
  void (*event) (void *data, struct cw_camera *cam, const char *json);
  /* the camera reached CW_CAMERA_ENDED (cw_camera_error says whether it failed) */
  void (*ended) (void *data, struct cw_camera *cam);
  void *data;
};

/* The analysis stages, in pipeline order: cwdetect ... cwevidence. */
#define CW_CAMERA_STAGES 5
/* Stage I's short name ("detect", "track", "zones", "liveness", "evidence"). */
const char *cw_camera_stage_name (int i);

/* What a camera did, summed over its rebuilds. */
struct cw_camera_stats {
  int frames_captured; /* frames that reached analysis's input queue */
  int frames_skipped;  /* of them, dropped by the queue (a live camera's, when analysis lags) */
  int frames;          /* frames analysed */
  int tracks;
  int candidates;      /* events of any decision */
  int violations, rejected_flat, position_uncertain;
  int liveness_unassessed; /* too briefly seen to assess: not raised, kept for audit */
  int restarts;         /* times a lost camera came back (or a file started again: --loop) */
  int rebuild_attempts;  /* pipelines built after a loss, whether they came back or not */
  guint64 faces_placed; /* a face camera's: faces put on the site's face board */
  guint64 detections, detections_put_off; /* frames the detector ran on; due and put off, behind the camera */
  int liveness_assessments, liveness_frames;
  double liveness_assess_s, liveness_frame_s;
  /* each stage's own timers: frames, wall seconds, its streaming thread's CPU seconds */
  guint64 stage_frames[CW_CAMERA_STAGES];
  double stage_s[CW_CAMERA_STAGES], stage_cpu_s[CW_CAMERA_STAGES];
};

/* Camera CAM of site CFG (loaded from CONFIG_PATH, which the elements read
 * again). TRACKS and DETECTIONS (MOT rows) may be NULL. */
struct cw_camera *cw_camera_create (const char *config_path, const struct hwcfg_camera *cam, gboolean loop,
                                    FILE *tracks, FILE *detections, const struct cw_camera_hooks *hooks);
void cw_camera_free (struct cw_camera *c);

/* A face camera ([camera:NAME] role = face): it finds faces, decides nothing. */
gboolean cw_camera_is_face (const struct cw_camera *c);

/* Builds and starts the pipeline. FALSE with ERROR when it cannot be built
 * (a configuration mistake: nothing to retry). A live camera that does not
 * start is retried as after a loss. */
gboolean cw_camera_start (struct cw_camera *c, GError **error);

/* Ends the stream, so the evidence of frames already captured is finished;
 * the camera then ends. A camera waiting to be rebuilt ends at once. */
void cw_camera_stop (struct cw_camera *c);

/* Tears the pipeline down now (evidence in flight is still finished). */
void cw_camera_abort (struct cw_camera *c);

const char *cw_camera_name (const struct cw_camera *c);
gboolean cw_camera_is_live (const struct cw_camera *c);
enum cw_camera_state cw_camera_state (const struct cw_camera *c);
/* Since when (wall clock, microseconds) the camera has been running (its
 * first start, or its last return; 0 unless running). */
gint64 cw_camera_up_since (const struct cw_camera *c);
/* Since when (wall clock, microseconds) the camera has been down, and why. */
gint64 cw_camera_down_since (const struct cw_camera *c);
const char *cw_camera_down_reason (const struct cw_camera *c);
/* The error that ended the camera, or NULL. */
const GError *cw_camera_error (const struct cw_camera *c);
const struct cw_camera_stats *cw_camera_stats (const struct cw_camera *c);
/* The signal phase and its source at the camera's last frame (NULL before
 * one; valid until the next call); returns the crossings begun while the
 * phase was unknown (zone_rules_unknown_signal_crossings), over rebuilds. */
int cw_camera_signal (struct cw_camera *c, const char **phase, const char **source);

/* Capture-to-decision latency (a live camera's; 1 ms resolution): median
 * and 99th percentile since the run started, or with INTERVAL since the
 * last such call. FALSE when no frame was measured. */
gboolean cw_camera_latency (struct cw_camera *c, gboolean interval, double *p50_ms, double *p99_ms);

#endif
