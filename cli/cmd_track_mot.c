/* crosswatch track-mot — the tracker alone on MOT-format detections, with
 * the parameters of a site config's [tracker] group (or the defaults). */
#include "cli.h"
#include "hwcfg.h"
#include "trk_config.h"
#include "trk_mot.h"

#include <stdio.h>
#include <stdlib.h>

int
cmd_track_mot (int argc, char **argv)
{
  char *det = NULL, *out = NULL, *config = NULL;
  double min_score = -1e9;
  int every = 1, frames = 0;
  const GOptionEntry entries[] = {
      {"det", 0, 0, G_OPTION_ARG_FILENAME, &det, "MOT-format detections", "det.txt"},
      {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "results (default: standard output)", "res.txt"},
      {"min-score", 0, 0, G_OPTION_ARG_DOUBLE, &min_score, "drop detections below this score", "S"},
      {"every", 0, 0, G_OPTION_ARG_INT, &every, "the detector ran on 1 frame in N (1)", "N"},
      {"frames", 0, 0, G_OPTION_ARG_INT, &frames, "track up to this frame even past the last detection", "N"},
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "take [tracker] parameters from a site config", "SITE.ini"},
      {NULL}};
  if (!cli_parse ("track-mot", "--det det.txt [--out res.txt] [--min-score S]", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct trk_mot_file in = {0}, res = {0};
  struct trk_tracker *trk = NULL;
  struct hwcfg *cfg = NULL;
  FILE *f = stdout;
  if (!det) {
    fprintf (stderr, "crosswatch track-mot: --det is required\n");
    goto out;
  }
  if (config && !(cfg = cli_load_config (config)))
    goto out;
  struct trk_params p = cfg ? trk_params_from_config (&cfg->tracker) : trk_params_default ();
  if (!(trk = trk_tracker_create (&p))) {
    fprintf (stderr, "crosswatch track-mot: [tracker] parameters out of range\n");
    goto out;
  }
  status = 1;
  if (trk_mot_read (det, &in, stderr) != 0)
    goto out;
  if (out && !(f = fopen (out, "w"))) {
    perror (out);
    goto out;
  }
  if (frames < 0 || frames > TRK_MOT_MAX_FRAME) {
    fprintf (stderr, "crosswatch track-mot: --frames must be from 0 to %d\n", TRK_MOT_MAX_FRAME);
    status = 2;
    goto out;
  }
  if (every < 1) {
    fprintf (stderr, "crosswatch track-mot: --every must be at least 1\n");
    status = 2;
    goto out;
  }
  trk_mot_sort_by_frame (&in);
  if (trk_mot_replay (&in, frames, every, min_score, trk_tracker_replay_step, trk, &res) != 0) {
    fprintf (stderr, "crosswatch track-mot: out of memory\n");
    goto out;
  }
  for (int i = 0; i < res.n_rows; i++)
    trk_mot_write_row (f, res.rows[i].frame, res.rows[i].id, &res.rows[i].box, res.rows[i].score,
                       res.rows[i].has_signature ? res.rows[i].signature : NULL);
  status = 0;
out:
  if (f && f != stdout)
    fclose (f);
  trk_tracker_free (trk);
  trk_mot_clear (&in);
  trk_mot_clear (&res);
  hwcfg_free (cfg);
  g_free (det);
  g_free (out);
  g_free (config);
  return status;
}
