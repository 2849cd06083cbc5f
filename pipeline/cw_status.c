#include "cw_status.h"

#include "evid_json.h"
#include "evid_store.h" /* evid_utc_format */

#include <json-glib/json-glib.h>

static void
add_camera (JsonBuilder *b, const struct cw_status_camera *c)
{
  json_builder_begin_object (b);
  evid_json_string (b, "name", c->name);
  evid_json_string (b, "state", c->state);
  if (c->up_since_us) {
    g_autofree char *since = evid_utc_format (c->up_since_us);
    evid_json_string (b, "up_since", since);
  }
  if (c->down_since_us) {
    g_autofree char *since = evid_utc_format (c->down_since_us);
    evid_json_string (b, "down_since", since);
    evid_json_string (b, "down_reason", c->down_reason);
  }
  evid_json_double (b, "fps", c->fps);
  evid_json_int (b, "frames_captured", c->frames_captured);
  evid_json_int (b, "frames_analysed", c->frames_analysed);
  evid_json_int (b, "frames_skipped", c->frames_skipped);
  evid_json_int (b, "detections", (gint64) c->detections);
  evid_json_int (b, "detections_put_off", (gint64) c->detections_put_off);
  if (c->latency_p50_ms >= 0) {
    evid_json_double (b, "latency_p50_ms", c->latency_p50_ms);
    evid_json_double (b, "latency_p99_ms", c->latency_p99_ms);
  }
  evid_json_int (b, "tracks", c->tracks);
  evid_json_int (b, "candidates", c->candidates);
  evid_json_int (b, "violations", c->violations);
  evid_json_int (b, "rejected_flat", c->rejected_flat);
  evid_json_int (b, "position_uncertain", c->position_uncertain);
  evid_json_int (b, "liveness_unassessed", c->liveness_unassessed);
  evid_json_int (b, "restarts", c->restarts);
  evid_json_int (b, "rebuild_attempts", c->rebuild_attempts);
  json_builder_set_member_name (b, "signal");
  json_builder_begin_object (b);
  evid_json_string (b, "phase", c->signal_phase);
  evid_json_string (b, "source", c->signal_source);
  evid_json_bool (b, "stale", c->signal_stale);
  evid_json_int (b, "unknown_signal_crossings", c->unknown_signal_crossings);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

char *
cw_status_json (const struct cw_status *st)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  evid_json_string (b, "site", st->site);
  g_autofree char *utc = evid_utc_format (st->utc_us);
  evid_json_string (b, "utc", utc);
  evid_json_double (b, "uptime_s", st->uptime_s);
  json_builder_set_member_name (b, "memory");
  json_builder_begin_object (b);
  evid_json_int (b, "resident_bytes", st->resident_bytes);
  evid_json_int (b, "heap_in_use_bytes", st->heap_in_use_bytes);
  evid_json_int (b, "heap_free_bytes", st->heap_free_bytes);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "cameras");
  json_builder_begin_array (b);
  for (int i = 0; i < st->n_cameras; i++)
    add_camera (b, &st->cameras[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "store");
  json_builder_begin_object (b);
  evid_json_int (b, "bytes", st->store_bytes);
  evid_json_int (b, "disk_free_bytes", st->disk_free_bytes);
  evid_json_int (b, "writer_backlog", st->writer_backlog);
  json_builder_set_member_name (b, "outbox_backlog");
  if (st->outbox_backlog >= 0)
    json_builder_add_int_value (b, st->outbox_backlog);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "clock");
  json_builder_begin_object (b);
  evid_json_bool (b, "synced", st->clock.synced);
  evid_json_int (b, "est_error_us", st->clock.est_error_us);
  evid_json_int (b, "max_error_us", st->clock.max_error_us);
  evid_json_bool (b, "trusted", evid_clock_trusted (&st->clock, st->max_clock_error_ms));
  evid_json_int (b, "max_clock_error_ms", st->max_clock_error_ms);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* A label value in the exposition format: backslash, quote and newline
 * escaped (a camera's name comes from the config). */
static void
append_label (GString *out, const char *value)
{
  for (const char *p = value ? value : ""; *p; p++) {
    if (*p == '\\' || *p == '"')
      g_string_append_c (out, '\\'), g_string_append_c (out, *p);
    else if (*p == '\n')
      g_string_append (out, "\\n");
    else
      g_string_append_c (out, *p);
  }
}

static void
metric_head (GString *out, const char *name, const char *type, const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metric (GString *out, const char *name, const struct cw_status_camera *cam, const char *extra_label,
        const char *extra_value, double value)
{
  g_string_append (out, name);
  if (cam || extra_label) {
    g_string_append_c (out, '{');
    if (cam) {
      g_string_append (out, "camera=\"");
      append_label (out, cam->name);
      g_string_append_c (out, '"');
    }
    if (extra_label) {
      g_string_append_printf (out, "%s%s=\"", cam ? "," : "", extra_label);
      append_label (out, extra_value);
      g_string_append_c (out, '"');
    }
    g_string_append_c (out, '}');
  }
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf (out, " %s\n", g_ascii_dtostr (num, sizeof num, value));
}

/* One metric for every camera: FIELD of each. */
#define PER_CAMERA(out, st, name, type, help, expr)                                                                 \
  do {                                                                                                              \
    metric_head (out, name, type, help);                                                                            \
    for (int i_ = 0; i_ < (st)->n_cameras; i_++) {                                                                  \
      const struct cw_status_camera *c = &(st)->cameras[i_];                                                        \
      metric (out, name, c, NULL, NULL, (expr));                                                                    \
    }                                                                                                               \
  } while (0)

char *
cw_status_prometheus (const struct cw_status *st)
{
  GString *out = g_string_new (NULL);
  PER_CAMERA (out, st, "crosswatch_camera_up", "gauge", "1 while the camera's pipeline runs",
              g_strcmp0 (c->state, "running") == 0);
  PER_CAMERA (out, st, "crosswatch_camera_down_since_seconds", "gauge",
              "Unix time the camera went down (0 while up)", c->down_since_us / 1e6);
  PER_CAMERA (out, st, "crosswatch_camera_fps", "gauge", "Frames analysed a second", c->fps);
  PER_CAMERA (out, st, "crosswatch_frames_captured_total", "counter", "Frames that reached analysis",
              c->frames_captured);
  PER_CAMERA (out, st, "crosswatch_frames_skipped_total", "counter", "Frames dropped by the capture queue",
              c->frames_skipped);
  PER_CAMERA (out, st, "crosswatch_detections_total", "counter", "Frames the people detector ran on",
              (double) c->detections);
  PER_CAMERA (out, st, "crosswatch_detections_put_off_total", "counter",
              "Frames due for detection on which it was put off, the analysis over [detector] max_lag_ms behind",
              (double) c->detections_put_off);
  metric_head (out, "crosswatch_latency_seconds", "gauge", "Capture to decision over the last interval");
  for (int i = 0; i < st->n_cameras; i++) {
    const struct cw_status_camera *c = &st->cameras[i];
    if (c->latency_p50_ms < 0)
      continue;
    metric (out, "crosswatch_latency_seconds", c, "quantile", "0.5", c->latency_p50_ms / 1e3);
    metric (out, "crosswatch_latency_seconds", c, "quantile", "0.99", c->latency_p99_ms / 1e3);
  }
  PER_CAMERA (out, st, "crosswatch_tracks_total", "counter", "People tracked", c->tracks);
  PER_CAMERA (out, st, "crosswatch_candidates_total", "counter", "Violation candidates of any decision",
              c->candidates);
  PER_CAMERA (out, st, "crosswatch_violations_total", "counter", "Violations kept for review", c->violations);
  PER_CAMERA (out, st, "crosswatch_rejected_flat_total", "counter", "Candidates rejected as flat images",
              c->rejected_flat);
  PER_CAMERA (out, st, "crosswatch_liveness_unassessed_total", "counter",
              "Candidates seen too briefly for the liveness checks to assess: not raised", c->liveness_unassessed);
  PER_CAMERA (out, st, "crosswatch_camera_up_since_seconds", "gauge",
              "Unix time the camera last started or came back (0 while down)", c->up_since_us / 1e6);
  PER_CAMERA (out, st, "crosswatch_camera_restarts_total", "counter",
              "Times the camera came back after a loss (or a --loop file started again)", c->restarts);
  PER_CAMERA (out, st, "crosswatch_camera_rebuild_attempts_total", "counter",
              "Pipelines built after a loss, whether the camera came back or not", c->rebuild_attempts);
  PER_CAMERA (out, st, "crosswatch_signal_stale", "gauge", "1 while the signal feed is silent (no red-signal rule)",
              c->signal_stale);
  PER_CAMERA (out, st, "crosswatch_unknown_signal_crossings_total", "counter",
              "Crossings begun while the signal phase was unknown", c->unknown_signal_crossings);
  metric_head (out, "crosswatch_store_bytes", "gauge", "Evidence database size with its WAL");
  metric (out, "crosswatch_store_bytes", NULL, NULL, NULL, (double) st->store_bytes);
  metric_head (out, "crosswatch_disk_free_bytes", "gauge", "Free space where the store is");
  metric (out, "crosswatch_disk_free_bytes", NULL, NULL, NULL, (double) st->disk_free_bytes);
  metric_head (out, "crosswatch_writer_backlog", "gauge", "Packets waiting for the evidence writer");
  metric (out, "crosswatch_writer_backlog", NULL, NULL, NULL, st->writer_backlog);
  if (st->outbox_backlog >= 0) {
    metric_head (out, "crosswatch_outbox_backlog", "gauge", "Messages not yet acknowledged by the broker");
    metric (out, "crosswatch_outbox_backlog", NULL, NULL, NULL, st->outbox_backlog);
  }
  metric_head (out, "crosswatch_clock_synced", "gauge", "1 while a time service keeps the clock");
  metric (out, "crosswatch_clock_synced", NULL, NULL, NULL, st->clock.synced);
  metric_head (out, "crosswatch_clock_max_error_seconds", "gauge", "The kernel's maximum clock error");
  metric (out, "crosswatch_clock_max_error_seconds", NULL, NULL, NULL, st->clock.max_error_us / 1e6);
  metric_head (out, "crosswatch_clock_trusted", "gauge", "1 while the clock is within max_clock_error_ms");
  metric (out, "crosswatch_clock_trusted", NULL, NULL, NULL, evid_clock_trusted (&st->clock, st->max_clock_error_ms));
  metric_head (out, "process_resident_memory_bytes", "gauge", "Resident memory");
  metric (out, "process_resident_memory_bytes", NULL, NULL, NULL, (double) st->resident_bytes);
  metric_head (out, "crosswatch_heap_in_use_bytes", "gauge",
               "Allocated and not freed: a leak grows it, allocator fragmentation only the resident size");
  metric (out, "crosswatch_heap_in_use_bytes", NULL, NULL, NULL, (double) st->heap_in_use_bytes);
  metric_head (out, "crosswatch_heap_free_bytes", "gauge",
               "Freed and held by the allocator for reuse (resident until its once-a-minute trim)");
  metric (out, "crosswatch_heap_free_bytes", NULL, NULL, NULL, (double) st->heap_free_bytes);
  metric_head (out, "crosswatch_uptime_seconds", "gauge", "Since the run started");
  metric (out, "crosswatch_uptime_seconds", NULL, NULL, NULL, st->uptime_s);
  return g_string_free (out, FALSE);
}
