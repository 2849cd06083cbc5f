#include "live_place.h"

#include "trk_box.h"

#include <math.h>

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
 * when a cell falls outside the image or the box is too small to divide. */
static bool
grid (const struct cv_image *grey, const float box[4], float *cells)
{
  double x0 = box[0] + MID_X0 * box[2], x1 = box[0] + MID_X1 * box[2];
  double y0 = box[1] + MID_Y0 * box[3], y1 = box[1] + MID_Y1 * box[3];
  if (!grey || !grey->data || grey->channels != 1 || x0 < 0 || y0 < 0 || x1 > grey->width || y1 > grey->height ||
      x1 - x0 < LIVE_PLACE_COLS || y1 - y0 < LIVE_PLACE_ROWS)
    return false;
  for (int r = 0; r < LIVE_PLACE_ROWS; r++) {
    int ya = (int) (y0 + (y1 - y0) * r / LIVE_PLACE_ROWS), yb = (int) (y0 + (y1 - y0) * (r + 1) / LIVE_PLACE_ROWS);
    for (int c = 0; c < LIVE_PLACE_COLS; c++) {
      int xa = (int) (x0 + (x1 - x0) * c / LIVE_PLACE_COLS), xb = (int) (x0 + (x1 - x0) * (c + 1) / LIVE_PLACE_COLS);
      double sum = 0;
      for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++)
          sum += grey->data[(size_t) y * grey->stride + x];
      cells[r * LIVE_PLACE_COLS + c] = (float) (sum / ((double) (yb - ya) * (xb - xa)));
    }
  }
  return true;
}

static double
spread (const float *v, int n)
{
  double m = 0, s = 0;
  for (int i = 0; i < n; i++)
    m += v[i];
  m /= n;
  for (int i = 0; i < n; i++)
    s += (v[i] - m) * (v[i] - m);
  return sqrt (s / n);
}

bool
live_place_take (struct live_place *p, const struct cv_image *grey, const float box[4], int frame)
{
  p->set = false;
  if (!grid (grey, box, p->cells) || spread (p->cells, LIVE_PLACE_COLS * LIVE_PLACE_ROWS) < MIN_SPREAD)
    return false;
  for (int i = 0; i < 4; i++)
    p->box[i] = box[i];
  p->frame = frame;
  p->set = true;
  return true;
}

double
live_place_match (const struct live_place *p, const struct cv_image *grey)
{
  enum { N = LIVE_PLACE_COLS * LIVE_PLACE_ROWS };
  float now[N];
  if (!p->set || !grid (grey, p->box, now))
    return NAN;
  double ma = 0, mb = 0;
  for (int i = 0; i < N; i++)
    ma += p->cells[i], mb += now[i];
  ma /= N, mb /= N;
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < N; i++) {
    double a = p->cells[i] - ma, b = now[i] - mb;
    ab += a * b, aa += a * a, bb += b * b;
  }
  /* a place that went plain (covered by something uniform) is nothing like the picture */
  return aa > 0 && bb > 0 ? ab / sqrt (aa * bb) : 0;
}

double
live_box_iou (const float a[4], const float b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_iou (&ba, &bb);
}
