#include "cli.h"
#include "cw_pipeline.h"
#include "gstcwelements.h"
#include "svc_malloc.h"

#include <gst/gst.h>
#include <stdio.h>

/* Where the time went: each stage's own timers, per frame it processed
 * (wall, and its streaming thread's CPU: the detector's parallel workers
 * show in the first only), the evidence writer per packet, and what the
 * stages do not cover (decoding, conversion, worker threads) as the rest of
 * the process's CPU. */
static void
print_stages (const struct cw_run_stats *st)
{
  if (st->frames == 0)
    return;
  g_autoptr (GString) line = g_string_new ("crosswatch: stages, ms a frame (wall/thread CPU):");
  double stage_cpu = 0;
  for (int i = 0; i < CW_CAMERA_STAGES; i++) {
    if (st->stage_frames[i] == 0)
      continue;
    g_string_append_printf (line, " %s %.2f/%.2f", cw_camera_stage_name (i),
                            1e3 * st->stage_s[i] / (double) st->stage_frames[i],
                            1e3 * st->stage_cpu_s[i] / (double) st->stage_frames[i]);
    stage_cpu += st->stage_cpu_s[i];
  }
  if (st->packets_written > 0)
    g_string_append_printf (line, "; writer %.1f/%.1f ms a packet (%d)", 1e3 * st->write_s / st->packets_written,
                            1e3 * st->write_cpu_s / st->packets_written, st->packets_written);
  if (st->cpu_seconds > 0)
    g_string_append_printf (line, "; the rest of the process (capture, decode, conversion, worker threads) %.2f ms a frame",
                            1e3 * MAX (0, st->cpu_seconds - stage_cpu - st->write_cpu_s) / st->frames);
  fprintf (stderr, "%s\n", line->str);
}

int
cmd_run (int argc, char **argv)
{
  char *config = NULL, *camera = NULL, *events = NULL, *tracks = NULL, *detections = NULL;
  gboolean loop = FALSE;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"camera", 0, 0, G_OPTION_ARG_STRING, &camera, "run only this camera (default: every camera of the site)",
       "NAME"},
      {"loop", 0, 0, G_OPTION_ARG_NONE, &loop, "start a video file again at its end (demos, soak tests)", NULL},
      {"events-out", 0, 0, G_OPTION_ARG_FILENAME, &events, "write violation decisions as JSON lines", "FILE"},
      {"tracks-out", 0, 0, G_OPTION_ARG_FILENAME, &tracks,
       "write all tracks in MOT format, each row followed by the track's colour signature (48 values)", "FILE"},
      {"detections-out", 0, 0, G_OPTION_ARG_FILENAME, &detections,
       "write the detector's boxes in MOT format, each followed by its colour signature (48 values)", "FILE"},
      {NULL}};
  svc_malloc_setup (); /* before any thread */
  gst_init (&argc, &argv);
  if (!cli_parse ("run", "-c SITE.ini", entries, &argc, &argv))
    return 2;
  if (camera && !*camera) {
    fprintf (stderr, "crosswatch run: --camera needs a camera's name (without it every camera runs)\n");
    g_free (camera);
    g_free (config);
    return 2;
  }
  int status = 0;
  g_autoptr (GError) err = NULL; /* before any goto: the cleanup runs at the end */
  struct hwcfg *cfg = cli_load_config (config);
  if (!cfg) {
    status = 2;
    goto out;
  }
  hwcfg_free (cfg);
  cw_plugin_register_static ();
  struct cw_run_options opt = {config, camera, events, tracks, detections, loop};
  struct cw_run_stats st;
  gboolean ok = cw_pipeline_run (&opt, &st, &err);
  if (st.cameras == 0)
    goto said; /* nothing ran: only the reason */
  fprintf (stderr,
           "crosswatch: %d frames in %.1f s (%.1f fps), %d tracks, %d violations, %d rejected as flat, "
           "%d position uncertain, %d too brief to assess\n",
           st.frames, st.seconds, st.seconds > 0 ? st.frames / st.seconds : 0, st.tracks, st.violations,
           st.rejected_flat, st.position_uncertain, st.liveness_unassessed);
  if (st.restarts > 0)
    fprintf (stderr, "crosswatch: cameras came back %d time(s) after a loss (or started a file again)\n",
             st.restarts);
  if (st.liveness_frames > 0)
    fprintf (stderr,
             "crosswatch: liveness: %d assessments, %.2f ms each; %.2f ms per frame over %d frames\n",
             st.liveness_assessments,
             st.liveness_assessments ? 1e3 * st.liveness_assess_s / st.liveness_assessments : 0,
             1e3 * st.liveness_frame_s / st.liveness_frames, st.liveness_frames);
  print_stages (&st);
  if (st.live)
    fprintf (stderr,
             "crosswatch: live: %d frames captured, %d analysed (%.1f%% skipped by the capture queue), "
             "capture-to-decision latency p50 %.0f ms, p99 %.0f ms, CPU %.1f s (%.0f%% of one core)\n",
             st.frames_captured, st.frames,
             st.frames_captured ? 100.0 * st.frames_skipped / st.frames_captured : 0,
             st.latency_p50_ms, st.latency_p99_ms, st.cpu_seconds,
             st.seconds > 0 ? 100 * st.cpu_seconds / st.seconds : 0);
  if (st.live)
    fprintf (stderr,
             "crosswatch: live: the detector ran on %" G_GUINT64_FORMAT " frames (1 in %.2f); %" G_GUINT64_FORMAT
             " times it was due and put off, the analysis over [detector] max_lag_ms behind the camera\n",
             st.detections, st.detections ? (double) st.frames / st.detections : 0, st.detections_put_off);
said:
  if (!ok) {
    fprintf (stderr, "crosswatch: %s\n", err->message);
    status = 1;
  }
out:
  g_free (config);
  g_free (camera);
  g_free (events);
  g_free (tracks);
  g_free (detections);
  return status;
}
