#include "trk_mot.h"

#include "trk_sort.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int
trk_mot_parse_line (const char *line, struct trk_mot_row *out, const char **out_why)
{
  double v[10 + TRK_SIGNATURE_LEN];
  int n = 0;
  const char *p = line;
  while (*p && *p != '\n' && *p != '\r' && n < 10 + TRK_SIGNATURE_LEN) {
    char *end;
    errno = 0;
    v[n] = strtod (p, &end);
    if (end == p || errno || !isfinite (v[n])) {
      *out_why = "a field is not a number";
      return -1;
    }
    n++;
    while (*end == ' ' || *end == '\t')
      end++;
    if (*end == ',')
      end++;
    else if (*end && *end != '\n' && *end != '\r') {
      *out_why = "fields must be separated by commas";
      return -1;
    }
    p = end;
  }
  if (n < 7) {
    *out_why = "fewer than 7 fields (frame,id,x,y,w,h,score)";
    return -1;
  }
  if (n > 10 && n != 10 + TRK_SIGNATURE_LEN) {
    *out_why = "a colour signature after the ten MOT fields needs exactly 48 values";
    return -1;
  }
  if (*p && *p != '\n' && *p != '\r') {
    *out_why = "more fields than a MOT row and a colour signature";
    return -1;
  }
  if (v[0] < 1 || v[0] != floor (v[0]) || v[0] > 1e9) {
    *out_why = "frame must be a whole number from 1";
    return -1;
  }
  if (v[4] <= 0 || v[5] <= 0) {
    *out_why = "box width and height must be positive";
    return -1;
  }
  out->frame = (int) v[0];
  out->id = (int) v[1];
  out->box = (struct trk_box){v[2], v[3], v[4], v[5]};
  out->score = v[6];
  for (int i = 0; i < 3; i++)
    out->world[i] = n > 7 + i ? v[7 + i] : -1;
  out->has_signature = n > 10;
  for (int i = 0; i < TRK_SIGNATURE_LEN; i++) {
    double x = out->has_signature ? v[10 + i] : 0;
    if (x < 0 || x > 1) {
      *out_why = "a colour signature value is outside 0-1";
      return -1;
    }
    out->signature[i] = (float) x;
  }
  return 0;
}

int
trk_mot_read (const char *path, struct trk_mot_file *out, FILE *errors)
{
  memset (out, 0, sizeof *out);
  FILE *f = fopen (path, "r");
  if (!f) {
    if (errors)
      fprintf (errors, "%s: %s\n", path, strerror (errno));
    return -1;
  }
  char line[1024];
  int line_no = 0, cap = 0, rc = 0;
  while (fgets (line, sizeof line, f)) {
    line_no++;
    size_t len = strlen (line);
    if (len == sizeof line - 1 && line[len - 1] != '\n') {
      int c;
      while ((c = fgetc (f)) != EOF && c != '\n')
        ;
      if (errors)
        fprintf (errors, "%s:%d: line too long, skipped\n", path, line_no);
      continue;
    }
    const char *s = line + strspn (line, " \t\r\n");
    if (!*s)
      continue;
    struct trk_mot_row row;
    const char *why;
    if (trk_mot_parse_line (s, &row, &why)) {
      if (errors)
        fprintf (errors, "%s:%d: %s, skipped\n", path, line_no, why);
      continue;
    }
    if (out->n_rows == cap) {
      cap = cap ? cap * 2 : 1024;
      struct trk_mot_row *r = realloc (out->rows, (size_t) cap * sizeof *r);
      if (!r) {
        if (errors)
          fprintf (errors, "%s: out of memory\n", path);
        rc = -1;
        break;
      }
      out->rows = r;
    }
    out->rows[out->n_rows++] = row;
  }
  fclose (f);
  if (rc)
    trk_mot_clear (out);
  return rc;
}

void
trk_mot_clear (struct trk_mot_file *f)
{
  if (!f)
    return;
  free (f->rows);
  f->rows = NULL;
  f->n_rows = 0;
}

int
trk_mot_write_row (FILE *f, int frame, int id, const struct trk_box *box, double score, const float *signature)
{
  if (fprintf (f, "%d,%d,%.2f,%.2f,%.2f,%.2f,%.3f,-1,-1,-1", frame, id, box->x, box->y, box->w, box->h, score) < 0)
    return -1;
  /* %.6g: the tracker's similarities come out the same as from the floats */
  for (int i = 0; signature && i < TRK_SIGNATURE_LEN; i++)
    if (fprintf (f, ",%.6g", signature[i]) < 0)
      return -1;
  return fputc ('\n', f) == EOF ? -1 : 0;
}

static int
by_frame (const void *a, const void *b)
{
  const struct trk_mot_row *x = a, *y = b;
  return (x->frame > y->frame) - (x->frame < y->frame);
}

void
trk_mot_sort_by_frame (struct trk_mot_file *f)
{
  qsort (f->rows, f->n_rows, sizeof *f->rows, by_frame);
}

int
trk_tracker_replay_step (void *tracker, const struct trk_detection *dets, int n, bool detector_ran,
                         const struct trk_track_out **out)
{
  if (trk_tracker_step (tracker, dets, n, detector_ran) != 0)
    return -1;
  return trk_tracker_tracks (tracker, out);
}

int
trk_sort_replay_step (void *sort, const struct trk_detection *dets, int n, bool detector_ran,
                      const struct trk_track_out **out)
{
  /* SORT has no notion of skipped frames: a skipped frame has no detections */
  return trk_sort_step (sort, dets, n, out);
}

int
trk_mot_replay (const struct trk_mot_file *det, int last_frame, int every, double min_score, trk_step_fn step,
                void *tracker, struct trk_mot_file *out)
{
  if (det->n_rows && det->rows[det->n_rows - 1].frame > last_frame)
    last_frame = det->rows[det->n_rows - 1].frame;
  struct trk_detection *dets = malloc (sizeof *dets * (size_t) (det->n_rows + 1));
  int cap = 0, k = 0, rc = 0;
  if (!dets)
    return -1;
  if (out)
    memset (out, 0, sizeof *out);
  for (int frame = 1; frame <= last_frame && rc == 0; frame++) {
    bool ran = (frame - 1) % every == 0;
    int n = 0;
    for (; k < det->n_rows && det->rows[k].frame == frame; k++)
      if (ran && det->rows[k].score >= min_score) {
        const struct trk_mot_row *r = &det->rows[k];
        dets[n] = (struct trk_detection){.box = r->box, .score = r->score, .has_signature = r->has_signature};
        memcpy (dets[n++].signature, r->signature, sizeof r->signature);
      }
    const struct trk_track_out *t;
    int nt = step (tracker, dets, n, ran, &t);
    for (int i = 0; out && i < nt; i++) {
      if (out->n_rows == cap) {
        cap = cap ? cap * 2 : 1024;
        struct trk_mot_row *r = realloc (out->rows, (size_t) cap * sizeof *r);
        if (!r) {
          rc = -1;
          break;
        }
        out->rows = r;
      }
      struct trk_mot_row *row = &out->rows[out->n_rows++];
      *row = (struct trk_mot_row){frame, t[i].id, t[i].box, t[i].score, {-1, -1, -1}, t[i].has_signature};
      memcpy (row->signature, t[i].signature, sizeof row->signature);
    }
  }
  free (dets);
  return rc;
}
