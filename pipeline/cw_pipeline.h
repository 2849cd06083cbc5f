/* cw_pipeline — the appliance's run loop: builds one pipeline for a camera
 * from the site config, runs it on a GMainLoop, writes the events and tracks
 * files, publishes the outbox, and shuts down cleanly on EOS, SIGINT or
 * SIGTERM (the evidence of frames already captured is finished first). */
#ifndef CW_PIPELINE_H
#define CW_PIPELINE_H

#include <glib.h>

struct cw_run_options {
  const char *config_path;
  const char *camera;     /* NULL: the first camera */
  const char *events_out; /* JSON lines, or NULL */
  const char *tracks_out; /* MOT format, or NULL */
  const char *detections_out; /* the detector's boxes, MOT format (id -1), or NULL */
};

struct cw_run_stats {
  gboolean live;
  int frames_captured;    /* frames that reached analysis's input queue */
  int frames;
  int tracks;
  int violations;
  int rejected_flat;
  int position_uncertain; /* decided on foot points the camera could not place: kept for review only */
  double seconds;
  double latency_p50_ms, latency_p99_ms; /* live sources: capture to decision */
  double cpu_seconds;     /* user + system, the whole process */
  int liveness_assessments; /* candidate assessments (first verdicts and updates) */
  double liveness_assess_s; /* time they took */
  int liveness_frames;      /* frames the liveness stage worked on */
  double liveness_frame_s;  /* time it spent on them, assessments included */
};

/* Runs until the source ends or a signal arrives. Returns FALSE with ERROR
 * set when the pipeline could not be built or failed. */
gboolean cw_pipeline_run (const struct cw_run_options *opt, struct cw_run_stats *out_stats, GError **error);

#endif
