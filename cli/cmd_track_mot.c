#include "cli.h"
#include "trk_mot.h"
#include "trk_tracker.h"

#include <stdio.h>
#include <stdlib.h>

/* Defaults match [tracker] in hwcfg/README.md. */
int
cmd_track_mot (int argc, char **argv)
{
  char *det = NULL, *out = NULL;
  double min_score = -1e9, iou = 0.3;
  int min_hits = 3, max_age = 10;
  const GOptionEntry entries[] = {
      {"det", 0, 0, G_OPTION_ARG_FILENAME, &det, "MOT-format detections", "det.txt"},
      {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "results (default: standard output)", "res.txt"},
      {"min-score", 0, 0, G_OPTION_ARG_DOUBLE, &min_score, "drop detections below this score", "S"},
      {"iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou, "minimum IoU to associate (0.3)", "T"},
      {"min-hits", 0, 0, G_OPTION_ARG_INT, &min_hits, "matches before a track is reported (3)", "N"},
      {"max-age", 0, 0, G_OPTION_ARG_INT, &max_age, "frames a track survives unmatched (10)", "N"},
      {NULL}};
  if (!cli_parse ("track-mot", "--det det.txt [--out res.txt]", entries, &argc, &argv))
    return 2;
  int status = 1;
  struct trk_mot_file in = {0};
  struct trk_tracker *trk = NULL;
  FILE *f = stdout;
  if (!det) {
    fprintf (stderr, "crosswatch track-mot: --det is required\n");
    status = 2;
    goto out;
  }
  struct trk_params p = {iou, min_hits, max_age};
  trk = trk_tracker_create (&p);
  if (!trk) {
    fprintf (stderr, "crosswatch track-mot: tracker parameters out of range\n");
    status = 2;
    goto out;
  }
  if (trk_mot_read (det, &in, stderr) != 0)
    goto out;
  if (out && !(f = fopen (out, "w"))) {
    perror (out);
    goto out;
  }
  int last_frame = 0;
  for (int i = 0; i < in.n_rows; i++)
    last_frame = in.rows[i].frame > last_frame ? in.rows[i].frame : last_frame;
  struct trk_detection *dets = malloc (sizeof *dets * (size_t) (in.n_rows + 1));
  int k = 0;
  for (int frame = 1; frame <= last_frame; frame++) {
    int n = 0;
    /* rows of a frame may be anywhere in the file, but usually in order */
    for (; k < in.n_rows && in.rows[k].frame == frame; k++)
      if (in.rows[k].score >= min_score)
        dets[n++] = (struct trk_detection){in.rows[k].box, in.rows[k].score};
    if (k < in.n_rows && in.rows[k].frame < frame) {
      fprintf (stderr, "crosswatch track-mot: %s: frames are not in order (frame %d after %d)\n", det,
               in.rows[k].frame, frame);
      free (dets);
      goto out;
    }
    trk_tracker_step (trk, dets, n, true);
    const struct trk_track_out *t;
    int nt = trk_tracker_tracks (trk, &t);
    for (int i = 0; i < nt; i++)
      trk_mot_write_row (f, frame, t[i].id, &t[i].box, t[i].score);
  }
  free (dets);
  status = 0;
out:
  if (f && f != stdout)
    fclose (f);
  trk_tracker_free (trk);
  trk_mot_clear (&in);
  g_free (det);
  g_free (out);
  return status;
}
