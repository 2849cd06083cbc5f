/* cw_pipeline — the appliance's run loop: runs every camera of the site (or
 * the one named), each its own pipeline (cw_camera.h: lost cameras are
 * rebuilt) on one GMainLoop, with the process's one evidence writer;
 * writes the events and tracks files, publishes the outbox, and shuts down
 * cleanly when the files end or on SIGINT or SIGTERM (the evidence of
 * frames already captured is finished first). */
#ifndef CW_PIPELINE_H
#define CW_PIPELINE_H

#include "cw_camera.h"

#include <glib.h>

struct cw_run_options {
  const char *config_path;
  const char *camera;     /* NULL: every camera of the site */
  const char *events_out; /* JSON lines, or NULL */
  const char *tracks_out; /* MOT format, or NULL */
  const char *detections_out; /* the detector's boxes, MOT format (id -1), or NULL */
  gboolean loop;          /* a file starts again at its end (demos, soaks) */
};

/* Summed over the cameras. */
struct cw_run_stats {
  gboolean live;          /* some camera is live */
  int cameras;
  int restarts;           /* pipelines rebuilt after a loss (or a --loop) */
  int frames_captured;    /* frames that reached analysis's input queue */
  int frames_skipped;     /* of them, dropped by a live camera's queue */
  int frames;
  int tracks;
  int violations;
  int rejected_flat;
  int position_uncertain; /* decided on foot points the camera could not place: kept for review only */
  int liveness_unassessed; /* seen too briefly for the liveness checks to assess: not raised */
  double seconds;
  double latency_p50_ms, latency_p99_ms; /* live sources: capture to decision */
  double cpu_seconds;     /* user + system, the whole process */
  guint64 detections, detections_put_off; /* frames the detector ran on; due and put off, behind the camera */
  int liveness_assessments; /* candidate assessments (first verdicts and updates) */
  double liveness_assess_s; /* time they took */
  int liveness_frames;      /* frames the liveness stage worked on */
  double liveness_frame_s;  /* time it spent on them, assessments included */
  /* each analysis stage's own timers (cw_camera_stage_name), summed over cameras */
  guint64 stage_frames[CW_CAMERA_STAGES];
  double stage_s[CW_CAMERA_STAGES], stage_cpu_s[CW_CAMERA_STAGES];
  int packets_written;      /* by the evidence writer thread */
  double write_s, write_cpu_s;
};

/* Runs until every camera has ended or a signal arrives. Returns FALSE with ERROR
 * set when the pipeline could not be built or failed. */
gboolean cw_pipeline_run (const struct cw_run_options *opt, struct cw_run_stats *out_stats, GError **error);

#endif
