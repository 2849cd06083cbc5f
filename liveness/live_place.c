#include "live_place.h"

#include "trk_box.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define COLS 8
#define ROWS 16
/* The middle of a person's box: a detector's box leaves a margin on either
 * side of the body, and the feet and the top of the head move most. */
#define MID_X0 0.2
#define MID_X1 0.8
#define MID_Y0 0.05
#define MID_Y1 0.95
/* Grey levels the cells must spread by (their standard deviation) for the
 * picture to be told from road surface or a plain wall. */
#define MIN_SPREAD 6.0

/* Mean grey level of each cell of BOX's middle in GREY into CELLS; false
 * when the middle falls outside the image, is too small to divide, or is
 * plain. */
static bool
grid (const struct cv_image *grey, const float box[4], float cells[COLS * ROWS])
{
  double x0 = box[0] + MID_X0 * box[2], x1 = box[0] + MID_X1 * box[2];
  double y0 = box[1] + MID_Y0 * box[3], y1 = box[1] + MID_Y1 * box[3];
  if (!grey || !grey->data || grey->channels != 1 || !(x0 >= 0 && y0 >= 0 && x1 <= grey->width && y1 <= grey->height) ||
      x1 - x0 < COLS || y1 - y0 < ROWS)
    return false;
  double mean = 0;
  for (int r = 0; r < ROWS; r++) {
    int ya = (int) (y0 + (y1 - y0) * r / ROWS), yb = (int) (y0 + (y1 - y0) * (r + 1) / ROWS);
    for (int c = 0; c < COLS; c++) {
      int xa = (int) (x0 + (x1 - x0) * c / COLS), xb = (int) (x0 + (x1 - x0) * (c + 1) / COLS);
      double sum = 0;
      for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++)
          sum += grey->data[(size_t) y * grey->stride + x];
      cells[r * COLS + c] = (float) (sum / ((double) (yb - ya) * (xb - xa)));
      mean += cells[r * COLS + c];
    }
  }
  mean /= COLS * ROWS;
  double var = 0;
  for (int i = 0; i < COLS * ROWS; i++)
    var += (cells[i] - mean) * (cells[i] - mean);
  return sqrt (var / (COLS * ROWS)) >= MIN_SPREAD;
}

/* Pearson's correlation of two grids. */
static double
correlation (const float *a, const float *b)
{
  double ma = 0, mb = 0;
  for (int i = 0; i < COLS * ROWS; i++)
    ma += a[i], mb += b[i];
  ma /= COLS * ROWS, mb /= COLS * ROWS;
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < COLS * ROWS; i++) {
    double x = a[i] - ma, y = b[i] - mb;
    ab += x * y, aa += x * x, bb += y * y;
  }
  return ab / sqrt (aa * bb); /* both spread (grid): no zero */
}

bool
live_place_take (struct live_place *p, const struct cv_image *grey, const float box[4], int frame)
{
  float cells[COLS * ROWS];
  live_place_clear (p);
  if (!grid (grey, box, cells))
    return false;
  p->grey = (struct cv_image){g_malloc ((gsize) grey->width * grey->height), grey->width, grey->height, grey->width, 1};
  for (int y = 0; y < grey->height; y++)
    memcpy (p->grey.data + (size_t) y * grey->width, grey->data + (size_t) y * grey->stride, grey->width);
  memcpy (p->box, box, sizeof p->box);
  p->frame = frame;
  p->set = true;
  return true;
}

void
live_place_clear (struct live_place *p)
{
  g_free (p->grey.data);
  memset (p, 0, sizeof *p);
}

void
live_place_copy (struct live_place *dst, const struct live_place *src)
{
  *dst = *src;
  if (src->set)
    dst->grey.data = g_memdup2 (src->grey.data, (gsize) src->grey.width * src->grey.height);
}

double
live_place_match (const struct live_place *p, const float box[4], const struct cv_image *now)
{
  float then[COLS * ROWS], cells[COLS * ROWS];
  if (!p->set || !grid (&p->grey, box, then) || !grid (now, box, cells))
    return NAN;
  return correlation (then, cells);
}

double
live_place_match_charged (const struct live_place *p, const float box[4], const struct cv_image *now)
{
  float then[COLS * ROWS], cells[COLS * ROWS];
  if (!p->set || !grid (&p->grey, p->box, then) || !grid (now, box, cells))
    return NAN;
  return correlation (then, cells);
}

double
live_box_iou (const float a[4], const float b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_iou (&ba, &bb);
}
