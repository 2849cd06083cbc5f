#include "trk_mot.h"

#include "trk_sort.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One field of LINE at *P: a decimal number (digits, sign, point,
 * exponent: no hex, no inf or nan) between optional blanks, up to the next
 * comma or the end. Advances *P past the comma. */
static const char *
parse_field (const char **p, double *out)
{
  const char *s = *p;
  while (*s == ' ' || *s == '\t')
    s++;
  size_t len = strspn (s, "0123456789+-.eE");
  if (len == 0)
    return *s == ',' || !*s ? "a field is empty" : "a field is not a number";
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  /* an underflow (1e-310) is a number near 0, not an error */
  if (end != s + len || !isfinite (v) || (errno == ERANGE && fabs (v) >= 1))
    return "a field is not a number";
  s = end;
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == ',') {
    if (!s[1])
      return "a field is empty"; /* a trailing comma */
    s++;
  } else if (*s) {
    return *s == '\r' ? "a carriage return inside the line" : "fields must be separated by commas";
  }
  *out = v;
  *p = s;
  return NULL;
}

static bool
whole (double v, double lo, double hi)
{
  return v == floor (v) && v >= lo && v <= hi;
}

int
trk_mot_parse_line (const char *line, struct trk_mot_row *out, const char **out_why)
{
  double v[10 + TRK_SIGNATURE_LEN];
  int n = 0;
  const char *p = line;
  while (*p && n < 10 + TRK_SIGNATURE_LEN)
    if ((*out_why = parse_field (&p, &v[n++])))
      return -1;
  if (*p) {
    *out_why = "more fields than a MOT row and a colour signature";
    return -1;
  }
  if (n < 7) {
    *out_why = "fewer than 7 fields (frame,id,x,y,w,h,score)";
    return -1;
  }
  if (n > 10 && n != 10 + TRK_SIGNATURE_LEN) {
    *out_why = "a colour signature after the ten MOT fields needs exactly 48 values";
    return -1;
  }
  if (!whole (v[0], 1, TRK_MOT_MAX_FRAME)) {
    *out_why = "frame must be a whole number from 1 to 10000000";
    return -1;
  }
  if (!whole (v[1], -TRK_MOT_MAX_ID, TRK_MOT_MAX_ID)) {
    *out_why = "id must be a whole number within +-1000000000";
    return -1;
  }
  if (fabs (v[2]) > TRK_MOT_MAX_PX || fabs (v[3]) > TRK_MOT_MAX_PX) {
    *out_why = "box position beyond +-1000000 pixels";
    return -1;
  }
  if (v[4] <= 0 || v[5] <= 0 || v[4] > TRK_MOT_MAX_PX || v[5] > TRK_MOT_MAX_PX) {
    *out_why = "box width and height must be positive and at most 1000000 pixels";
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

/* The next line of F into BUF (CAP bytes), without its line ending ("\n",
 * or "\r\n"); *WHY says what is wrong with it (over CAP - 1 characters, a
 * NUL byte), the rest of such a line consumed. False at the end. */
static bool
next_line (FILE *f, char *buf, size_t cap, const char **why)
{
  size_t len = 0;
  int c;
  bool any = false;
  *why = NULL;
  while ((c = getc (f)) != EOF) {
    any = true;
    if (c == '\n')
      break;
    if (c == '\0')
      *why = "a NUL byte in the line";
    else if (len + 1 >= cap)
      *why = *why ? *why : "line too long (over 2048 characters)";
    else
      buf[len++] = (char) c;
  }
  if (len > 0 && buf[len - 1] == '\r')
    len--;
  buf[len] = '\0';
  return any;
}

int
trk_mot_read_checked (const char *path, struct trk_mot_file *out, bool strict, FILE *errors)
{
  memset (out, 0, sizeof *out);
  FILE *f = fopen (path, "r");
  struct stat st;
  const char *fail = !f ? strerror (errno) : fstat (fileno (f), &st) ? strerror (errno)
                                           : !S_ISREG (st.st_mode)    ? "not a regular file"
                                                                      : NULL;
  if (fail) {
    if (errors)
      fprintf (errors, "%s: %s\n", path, fail);
    if (f)
      fclose (f);
    return -1;
  }
  char line[TRK_MOT_MAX_LINE + 1];
  int line_no = 0, cap = 0, rc = 0;
  const char *why;
  while (next_line (f, line, sizeof line, &why)) {
    line_no++;
    struct trk_mot_row row;
    if (!why && !line[strspn (line, " \t")])
      continue; /* a blank line */
    if (why || trk_mot_parse_line (line, &row, &why)) {
      if (errors)
        fprintf (errors, "%s:%d: %s%s\n", path, line_no, why, strict ? "" : ", skipped");
      if (strict) {
        rc = -1;
        break;
      }
      continue;
    }
    row.line = line_no;
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
  if (rc == 0 && ferror (f)) {
    if (errors)
      fprintf (errors, "%s: %s\n", path, strerror (errno));
    rc = -1;
  }
  fclose (f);
  if (rc)
    trk_mot_clear (out);
  return rc;
}

int
trk_mot_read (const char *path, struct trk_mot_file *out, FILE *errors)
{
  return trk_mot_read_checked (path, out, false, errors);
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
  if (last_frame > TRK_MOT_MAX_FRAME)
    last_frame = TRK_MOT_MAX_FRAME;
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
