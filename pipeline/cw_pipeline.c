#include "cw_pipeline.h"
#include "svc_notify.h"

#include "cw_camera.h"
#include "cw_run_status.h"
#include "evid_publisher.h"
#include "evid_writer.h"
#include "hwcfg.h"

#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>


struct run {
  GMainLoop *loop;
  GPtrArray *cameras; /* struct cw_camera */
  int running;        /* cameras not yet ended */
  FILE *events, *tracks, *detections;
  struct evid_publisher *pub;
  struct cw_run_status *status;
  gboolean stopping;
};

static void
on_event (void *data, struct cw_camera *cam, const char *json)
{
  struct run *r = data;
  if (r->events) {
    fprintf (r->events, "%s\n", json);
    fflush (r->events);
  }
}

static void
on_ended (void *data, struct cw_camera *cam)
{
  struct run *r = data;
  const GError *err = cw_camera_error (cam);
  if (err)
    g_printerr ("crosswatch: %s\n", err->message);
  if (--r->running == 0)
    g_main_loop_quit (r->loop);
}

/* First signal: end the stream, so frames in the pipeline finish their
 * evidence. Second signal: stop at once. */
static gboolean
on_signal (gpointer data)
{
  struct run *r = data;
  if (r->stopping) {
    g_main_loop_quit (r->loop);
    return G_SOURCE_CONTINUE;
  }
  r->stopping = TRUE;
  g_printerr ("crosswatch: stopping (finishing evidence in flight)\n");
  for (guint i = 0; i < r->cameras->len; i++) {
    struct cw_camera *c = g_ptr_array_index (r->cameras, i);
    if (cw_camera_state (c) != CW_CAMERA_ENDED)
      cw_camera_stop (c);
  }
  return G_SOURCE_CONTINUE;
}

static FILE *
open_out (const char *path, GError **error)
{
  if (!path)
    return NULL;
  FILE *f = fopen (path, "w");
  if (!f)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
  return f;
}

/* The cameras to run: the one named, or every camera of the site. */
static gboolean
pick_cameras (const struct hwcfg *cfg, const struct cw_run_options *opt, GPtrArray *out, GError **error)
{
  if (opt->camera && *opt->camera) {
    const struct hwcfg_camera *cam = hwcfg_camera (cfg, opt->camera);
    if (!cam) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no camera '%s'", cfg->path, opt->camera);
      return FALSE;
    }
    if (cam->role == HWCFG_CAMERA_FACE) {
      /* alone it would find faces for nobody */
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                   "%s: camera '%s' is a face camera: it serves an overview camera's cases; run the site (no "
                   "--camera) or an overview camera",
                   cfg->path, opt->camera);
      return FALSE;
    }
    g_ptr_array_add (out, (gpointer) cam);
    return TRUE;
  }
  for (int i = 0; i < cfg->n_cameras; i++)
    g_ptr_array_add (out, &cfg->cameras[i]);
  if (out->len == 0) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no [camera:*] group", cfg->path);
    return FALSE;
  }
  /* MOT rows carry no camera: they are for one camera's evaluation (a
   * face camera writes none, but is counted: --camera picks the one) */
  if (out->len > 1 && (opt->tracks_out || opt->detections_out)) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID,
                 "%s: %u cameras: --tracks-out and --detections-out need --camera NAME", cfg->path, out->len);
    return FALSE;
  }
  return TRUE;
}

static void
sum_stats (struct run *r, struct cw_run_stats *st)
{
  for (guint i = 0; i < r->cameras->len; i++) {
    struct cw_camera *c = g_ptr_array_index (r->cameras, i);
    const struct cw_camera_stats *cs = cw_camera_stats (c);
    st->live |= cw_camera_is_live (c);
    st->frames_captured += cs->frames_captured, st->frames += cs->frames, st->tracks += cs->tracks;
    st->frames_skipped += cs->frames_skipped;
    st->detections += cs->detections, st->detections_put_off += cs->detections_put_off;
    st->violations += cs->violations, st->rejected_flat += cs->rejected_flat;
    st->position_uncertain += cs->position_uncertain, st->restarts += cs->restarts;
    st->liveness_unassessed += cs->liveness_unassessed;
    st->liveness_assessments += cs->liveness_assessments, st->liveness_assess_s += cs->liveness_assess_s;
    st->liveness_frames += cs->liveness_frames, st->liveness_frame_s += cs->liveness_frame_s;
    for (int k = 0; k < CW_CAMERA_STAGES; k++)
      st->stage_frames[k] += cs->stage_frames[k], st->stage_s[k] += cs->stage_s[k],
          st->stage_cpu_s[k] += cs->stage_cpu_s[k];
    if (cw_camera_is_face (c))
      g_printerr ("crosswatch: [camera:%s] face camera: %d frames, %" G_GUINT64_FORMAT " faces placed for the "
                  "overview's cases, %d restarts\n",
                  cw_camera_name (c), cs->frames, cs->faces_placed, cs->restarts);
    else if (r->cameras->len > 1)
      g_printerr ("crosswatch: [camera:%s] %d frames, %d tracks, %d violations, %d rejected as flat, "
                  "%d position uncertain, %d too brief to assess, %d restarts\n",
                  cw_camera_name (c), cs->frames, cs->tracks, cs->violations, cs->rejected_flat,
                  cs->position_uncertain, cs->liveness_unassessed, cs->restarts);
    double p50, p99;
    if (r->cameras->len > 1 && cw_camera_is_live (c) && !cw_camera_is_face (c) &&
        cw_camera_latency (c, FALSE, &p50, &p99))
      g_printerr ("crosswatch: [camera:%s] live: %d frames captured, %.1f%% skipped by the capture queue, "
                  "capture-to-decision p50 %.0f ms, p99 %.0f ms; the detector on 1 frame in %.2f, put off %" G_GUINT64_FORMAT
                  " times\n",
                  cw_camera_name (c), cs->frames_captured,
                  cs->frames_captured ? 100.0 * cs->frames_skipped / cs->frames_captured : 0, p50, p99,
                  cs->detections ? (double) cs->frames / cs->detections : 0, cs->detections_put_off);
  }
  st->cameras = (int) r->cameras->len;
  struct evid_writer *w = evid_writer_acquire ();
  evid_writer_timing (w, &st->packets_written, &st->write_s, &st->write_cpu_s);
  evid_writer_release (w);
  /* the run's latency is its worst camera's */
  for (guint i = 0; i < r->cameras->len; i++) {
    double p50, p99;
    if (cw_camera_latency (g_ptr_array_index (r->cameras, i), FALSE, &p50, &p99))
      st->latency_p50_ms = MAX (st->latency_p50_ms, p50), st->latency_p99_ms = MAX (st->latency_p99_ms, p99);
  }
}

gboolean
cw_pipeline_run (const struct cw_run_options *opt, struct cw_run_stats *out_stats, GError **error)
{
  struct run r = {0};
  struct cw_run_stats st = {0};
  gboolean ok = FALSE;
  guint sigint = 0, sigterm = 0;
  GError *failure = NULL;
  struct hwcfg *cfg = hwcfg_load (opt->config_path, error);
  if (!cfg)
    return FALSE;
  r.cameras = g_ptr_array_new_with_free_func ((GDestroyNotify) cw_camera_free);
  r.loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GPtrArray) picked = g_ptr_array_new ();
  if (!pick_cameras (cfg, opt, picked, error))
    goto out;
  r.events = open_out (opt->events_out, error);
  if (opt->events_out && !r.events)
    goto out;
  r.tracks = open_out (opt->tracks_out, error);
  if (opt->tracks_out && !r.tracks)
    goto out;
  r.detections = open_out (opt->detections_out, error);
  if (opt->detections_out && !r.detections)
    goto out;
  if (cfg->mqtt.enabled) {
    r.pub = evid_publisher_create (cfg, error);
    if (!r.pub)
      goto out;
    evid_publisher_start (r.pub);
  }
  const struct cw_camera_hooks hooks = {on_event, on_ended, &r};
  for (guint i = 0; i < picked->len; i++)
    g_ptr_array_add (r.cameras, cw_camera_create (opt->config_path, g_ptr_array_index (picked, i), opt->loop,
                                                  r.tracks, r.detections, &hooks));
  r.status = cw_run_status_new (cfg, r.cameras, r.pub, isatty (STDERR_FILENO) ? stderr : NULL, error);
  if (!r.status)
    goto out;
  sigint = g_unix_signal_add (SIGINT, on_signal, &r);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &r);

  gint64 t0 = g_get_monotonic_time ();
  /* a camera that cannot be built is a configuration mistake: the run
   * does not start; one that is built but fails stops only itself */
  for (guint i = 0; i < r.cameras->len; i++) {
    if (!cw_camera_start (g_ptr_array_index (r.cameras, i), &failure))
      break;
    r.running++;
  }
  if (!failure) {
    /* under systemd: ready, and alive for as long as this loop runs */
    guint watchdog = svc_watchdog_attach ();
    svc_notify_ready ("running");
    g_main_loop_run (r.loop);
    svc_notify_stopping ();
    if (watchdog)
      g_source_remove (watchdog);
  }
  /* a second signal, or a failed start: what runs is torn down now (the
   * evidence in flight is still finished) */
  for (guint i = 0; i < r.cameras->len; i++) {
    struct cw_camera *c = g_ptr_array_index (r.cameras, i);
    if (cw_camera_state (c) != CW_CAMERA_ENDED)
      cw_camera_abort (c);
  }
  st.seconds = (g_get_monotonic_time () - t0) / 1e6;
  cw_run_status_update (r.status); /* the last word: every camera ended */
  /* give the outbox a moment to drain before going offline */
  evid_publisher_stop (r.pub, 2000);
  sum_stats (&r, &st);
  struct rusage ru;
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    st.cpu_seconds = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  /* the run fails with the first camera that failed */
  for (guint i = 0; i < r.cameras->len && !failure; i++) {
    const GError *e = cw_camera_error (g_ptr_array_index (r.cameras, i));
    if (e)
      failure = g_error_copy (e);
  }
  if (failure)
    g_propagate_error (error, failure);
  else
    ok = TRUE;
out:
  if (out_stats)
    *out_stats = st;
  if (sigint)
    g_source_remove (sigint);
  if (sigterm)
    g_source_remove (sigterm);
  cw_run_status_free (r.status);
  g_ptr_array_free (r.cameras, TRUE);
  evid_publisher_free (r.pub);
  g_main_loop_unref (r.loop);
  if (r.events)
    fclose (r.events);
  if (r.tracks)
    fclose (r.tracks);
  if (r.detections)
    fclose (r.detections);
  hwcfg_free (cfg);
  return ok;
}
