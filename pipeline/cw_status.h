/* cw_status — the running appliance's health, as one snapshot rendered two
 * ways: JSON (retained on crosswatch/<site>/status, and GET /status) and
 * Prometheus text (GET /metrics). The run fills the snapshot (cw_pipeline.c);
 * this file only renders it, so tests drive it without a pipeline. */
#ifndef CW_STATUS_H
#define CW_STATUS_H

#include "evid_clock.h"

#include <glib.h>
#include <stdbool.h>

struct cw_status_camera {
  const char *name;
  const char *state;       /* running | down | ended */
  gint64 up_since_us;      /* wall clock; 0 unless running */
  gint64 down_since_us;    /* wall clock; 0 unless down */
  const char *down_reason; /* NULL unless down */
  double fps;              /* frames analysed a second, over the last interval */
  int frames_captured, frames_analysed, frames_skipped; /* since the run started */
  guint64 detections, detections_put_off; /* frames the detector ran on; due and put off, behind the camera */
  double latency_p50_ms, latency_p99_ms; /* capture to decision over the last interval; < 0: none */
  int tracks, candidates, violations, rejected_flat, position_uncertain, liveness_unassessed, restarts,
      rebuild_attempts;
  const char *signal_phase, *signal_source; /* NULL before the first frame */
  bool signal_stale;       /* an MQTT feed has gone silent: no red-signal rule */
  int unknown_signal_crossings;
};

struct cw_status {
  const char *site;
  gint64 utc_us;
  double uptime_s;
  const struct cw_status_camera *cameras;
  int n_cameras;
  gint64 store_bytes;      /* the evidence database with its WAL */
  gint64 disk_free_bytes;  /* where the store is; -1 unknown */
  int outbox_backlog;      /* rows not yet acknowledged by the broker; -1: no MQTT */
  int writer_backlog;      /* packets waiting for the evidence writer */
  gint64 resident_bytes;   /* the process's resident memory; 0 unknown */
  gint64 heap_in_use_bytes; /* allocated and not freed (a leak grows it; fragmentation does not) */
  gint64 heap_free_bytes;   /* freed, held by the allocator for reuse until its minute trim */
  struct evid_clock clock;
  int max_clock_error_ms;
};

/* The snapshot as one JSON object (g_free). */
char *cw_status_json (const struct cw_status *st);

/* The snapshot in the Prometheus text exposition format (g_free). */
char *cw_status_prometheus (const struct cw_status *st);

#endif
