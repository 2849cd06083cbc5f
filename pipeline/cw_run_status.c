#include "cw_run_status.h"

#include "cw_camera.h"
#include "cw_status.h"
#include "cw_status_http.h"
#include "evid_writer.h"
#include "svc_malloc.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

struct camera_mark {
  int frames;
  gint64 at_us;
};

struct cw_run_status {
  const struct hwcfg *cfg;
  GPtrArray *cameras;
  struct evid_publisher *pub;
  struct evid_writer *writer; /* held for its backlog */
  struct cw_status_http *http;
  FILE *progress;
  gint64 start_us;
  guint interval_timer, watch_timer, minute_timer;
  int clock_said;             /* 0 not yet, 1 trusted, 2 not trusted */
  struct camera_mark *marks;
  char *health;               /* what the watch compares: camera states, stale signals */
  GString *line;              /* the progress line */
};

static gint64
file_size (const char *path)
{
  struct stat sb;
  return stat (path, &sb) == 0 ? (gint64) sb.st_size : 0;
}

static const char *
state_name (enum cw_camera_state st)
{
  return st == CW_CAMERA_RUNNING ? "running" : st == CW_CAMERA_DOWN ? "down" : "ended";
}

/* One camera's part of the status; strings point into the camera. */
static void
fill_camera (struct cw_run_status *s, guint i, gint64 now_us, struct cw_status_camera *out)
{
  struct cw_camera *c = g_ptr_array_index (s->cameras, i);
  const struct cw_camera_stats *cs = cw_camera_stats (c);
  struct camera_mark *m = &s->marks[i];
  *out = (struct cw_status_camera){
      .name = cw_camera_name (c),
      .state = state_name (cw_camera_state (c)),
      .up_since_us = cw_camera_up_since (c),
      .down_since_us = cw_camera_down_since (c),
      .down_reason = cw_camera_down_reason (c),
      .frames_captured = cs->frames_captured,
      .frames_analysed = cs->frames,
      .frames_skipped = cs->frames_skipped,
      .detections = cs->detections,
      .detections_put_off = cs->detections_put_off,
      .latency_p50_ms = -1,
      .latency_p99_ms = -1,
      .tracks = cs->tracks,
      .candidates = cs->candidates,
      .violations = cs->violations,
      .rejected_flat = cs->rejected_flat,
      .position_uncertain = cs->position_uncertain,
      .liveness_unassessed = cs->liveness_unassessed,
      .restarts = cs->restarts,
      .rebuild_attempts = cs->rebuild_attempts,
  };
  double dt = (now_us - m->at_us) / 1e6;
  out->fps = dt > 0 ? (cs->frames - m->frames) / dt : 0;
  m->frames = cs->frames, m->at_us = now_us;
  cw_camera_latency (c, TRUE, &out->latency_p50_ms, &out->latency_p99_ms);
  out->unknown_signal_crossings = cw_camera_signal (c, &out->signal_phase, &out->signal_source);
  out->signal_stale = g_strcmp0 (out->signal_source, "mqtt") == 0 && g_strcmp0 (out->signal_phase, "UNKNOWN") == 0;
}

void
cw_run_status_update (struct cw_run_status *s)
{
  gint64 now_us = g_get_monotonic_time ();
  g_autofree struct cw_status_camera *cams = g_new0 (struct cw_status_camera, MAX (1, s->cameras->len));
  for (guint i = 0; i < s->cameras->len; i++)
    fill_camera (s, i, now_us, &cams[i]);
  size_t heap_in_use, heap_free;
  svc_malloc_heap_bytes (&heap_in_use, &heap_free);
  struct cw_status st = {
      .site = s->cfg->site_id,
      .utc_us = g_get_real_time (),
      .uptime_s = (now_us - s->start_us) / 1e6,
      .cameras = cams,
      .n_cameras = (int) s->cameras->len,
      .outbox_backlog = s->pub ? evid_publisher_backlog (s->pub) : -1,
      .writer_backlog = evid_writer_backlog (s->writer),
      .resident_bytes = (gint64) svc_malloc_resident_bytes (),
      .heap_in_use_bytes = (gint64) heap_in_use,
      .heap_free_bytes = (gint64) heap_free,
      .max_clock_error_ms = s->cfg->evidence.max_clock_error_ms,
  };
  g_autofree char *wal = g_strconcat (s->cfg->evidence.db, "-wal", NULL);
  st.store_bytes = file_size (s->cfg->evidence.db) + file_size (wal);
  g_autofree char *dir = g_path_get_dirname (s->cfg->evidence.db);
  struct statvfs vfs;
  st.disk_free_bytes = statvfs (dir, &vfs) == 0 ? (gint64) vfs.f_bavail * (gint64) vfs.f_frsize : -1;
  evid_clock_read (&st.clock);
  g_autofree char *json = cw_status_json (&st);
  if (s->pub)
    evid_publisher_set_status (s->pub, json);
  if (s->http) {
    g_autofree char *prom = cw_status_prometheus (&st);
    cw_status_http_set (s->http, json, prom);
  }
}

static gboolean
on_interval (gpointer data)
{
  cw_run_status_update (data);
  return G_SOURCE_CONTINUE;
}

/* What a change of must be reported at once. */
static char *
health_of (struct cw_run_status *s)
{
  GString *h = g_string_new (NULL);
  for (guint i = 0; i < s->cameras->len; i++) {
    struct cw_camera *c = g_ptr_array_index (s->cameras, i);
    const char *phase, *source;
    cw_camera_signal (c, &phase, &source);
    gboolean stale = g_strcmp0 (source, "mqtt") == 0 && g_strcmp0 (phase, "UNKNOWN") == 0;
    g_string_append_printf (h, "%s:%d:%d;", cw_camera_name (c), cw_camera_state (c), stale);
  }
  return g_string_free (h, FALSE);
}

static void
draw_progress (struct cw_run_status *s)
{
  g_string_truncate (s->line, 0);
  for (guint i = 0; i < s->cameras->len; i++) {
    struct cw_camera *c = g_ptr_array_index (s->cameras, i);
    const struct cw_camera_stats *cs = cw_camera_stats (c);
    if (cw_camera_state (c) == CW_CAMERA_DOWN)
      g_string_append_printf (s->line, "[%s DOWN %.0f s] ", cw_camera_name (c),
                              (g_get_real_time () - cw_camera_down_since (c)) / 1e6);
    else
      g_string_append_printf (s->line, "[%s %d frames, %d tracks, %d violations, %d flat] ", cw_camera_name (c),
                              cs->frames, cs->tracks, cs->violations, cs->rejected_flat);
  }
  if (s->pub)
    g_string_append_printf (s->line, "outbox %d", evid_publisher_backlog (s->pub));
  /* \r and clear to the end of the line: one line, redrawn */
  fprintf (s->progress, "\r%s\033[K", s->line->str);
  fflush (s->progress);
}

static gboolean
on_watch (gpointer data)
{
  struct cw_run_status *s = data;
  g_autofree char *health = health_of (s);
  if (g_strcmp0 (health, s->health) != 0) {
    g_free (s->health);
    s->health = g_steal_pointer (&health);
    cw_run_status_update (s);
  }
  if (s->progress)
    draw_progress (s);
  return G_SOURCE_CONTINUE;
}

/* At start and every minute: a clock that is not trusted is said, with what
 * it means for the evidence, and said again when that changes. */
static void
check_clock (struct cw_run_status *s)
{
  struct evid_clock clk;
  evid_clock_read (&clk);
  int now = evid_clock_trusted (&clk, s->cfg->evidence.max_clock_error_ms) ? 1 : 2;
  if (now != s->clock_said && now == 2)
    g_printerr ("crosswatch: clock: %s, maximum error %.3f s (max_clock_error_ms %d): red-signal cases are stored as "
                "clock_unsynced until a supervisor has checked their time\n",
                clk.synced ? "synchronised" : "not synchronised by a time service", clk.max_error_us / 1e6,
                s->cfg->evidence.max_clock_error_ms);
  else if (now != s->clock_said && s->clock_said)
    g_printerr ("crosswatch: clock: trusted again (maximum error %.3f s)\n", clk.max_error_us / 1e6);
  s->clock_said = now;
}

/* Every minute: the clock, and the allocator's free pages handed back (see
 * svc_malloc.h: without it the resident size creeps for hours). */
static gboolean
on_minute (gpointer data)
{
  struct cw_run_status *s = data;
  check_clock (s);
  svc_malloc_trim ();
  return G_SOURCE_CONTINUE;
}

struct cw_run_status *
cw_run_status_new (const struct hwcfg *cfg, GPtrArray *cameras, struct evid_publisher *pub, FILE *progress,
                   GError **error)
{
  struct cw_run_status *s = g_new0 (struct cw_run_status, 1);
  s->cfg = cfg, s->cameras = cameras, s->pub = pub, s->progress = progress;
  if (cfg->status.http_listen && !(s->http = cw_status_http_new (cfg->status.http_listen, error))) {
    g_free (s);
    return NULL;
  }
  s->writer = evid_writer_acquire ();
  s->start_us = g_get_monotonic_time ();
  s->marks = g_new0 (struct camera_mark, MAX (1, cameras->len));
  for (guint i = 0; i < cameras->len; i++)
    s->marks[i].at_us = s->start_us;
  s->line = g_string_new (NULL);
  s->interval_timer = g_timeout_add_seconds ((guint) cfg->status.interval_s, on_interval, s);
  s->watch_timer = g_timeout_add (1000, on_watch, s);
  check_clock (s);
  s->minute_timer = g_timeout_add_seconds (60, on_minute, s);
  return s;
}

void
cw_run_status_free (struct cw_run_status *s)
{
  if (!s)
    return;
  g_source_remove (s->interval_timer);
  g_source_remove (s->watch_timer);
  g_source_remove (s->minute_timer);
  if (s->progress && s->line->len)
    fputc ('\n', s->progress);
  cw_status_http_free (s->http);
  evid_writer_release (s->writer);
  g_free (s->marks);
  g_free (s->health);
  g_string_free (s->line, TRUE);
  g_free (s);
}
