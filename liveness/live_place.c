#include "live_place.h"

#include "trk_box.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define COLS 8
#define ROWS 16
G_STATIC_ASSERT (COLS * ROWS == LIVE_PLACE_CELLS);
/* The middle of a person's box: a detector's box leaves a margin on either
 * side of the body, and the feet and the top of the head move most. */
#define MID_X0 0.2
#define MID_X1 0.8
#define MID_Y0 0.05
#define MID_Y1 0.95
/* Grey levels the cells must spread by (their standard deviation) for the
 * picture to be told from road surface or a plain wall. */
#define MIN_SPREAD 6.0

/* BOX's middle in a WIDTH x HEIGHT image, to be divided into cells: false
 * when it falls outside the image or is too small to divide. */
static bool
middle_of (const float box[4], int width, int height, double m[4])
{
  m[0] = box[0] + MID_X0 * box[2], m[1] = box[0] + MID_X1 * box[2];
  m[2] = box[1] + MID_Y0 * box[3], m[3] = box[1] + MID_Y1 * box[3];
  return m[0] >= 0 && m[2] >= 0 && m[1] <= width && m[3] <= height && m[1] - m[0] >= COLS && m[3] - m[2] >= ROWS;
}

/* The pixels [XA, XB) x [YA, YB) of cell (R, C) of middle M. */
static void
cell_of (const double m[4], int r, int c, int *xa, int *xb, int *ya, int *yb)
{
  *xa = (int) (m[0] + (m[1] - m[0]) * c / COLS), *xb = (int) (m[0] + (m[1] - m[0]) * (c + 1) / COLS);
  *ya = (int) (m[2] + (m[3] - m[2]) * r / ROWS), *yb = (int) (m[2] + (m[3] - m[2]) * (r + 1) / ROWS);
}

/* Mean grey level of each cell of BOX's middle in GREY into CELLS; false
 * when the middle falls outside the image, is too small to divide, or is
 * plain. */
static bool
grid (const struct cv_image *grey, const float box[4], float cells[COLS * ROWS])
{
  double m[4];
  if (!grey || !grey->data || grey->channels != 1 || !middle_of (box, grey->width, grey->height, m))
    return false;
  double mean = 0;
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLS; c++) {
      int xa, xb, ya, yb;
      cell_of (m, r, c, &xa, &xb, &ya, &yb);
      double sum = 0;
      for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++)
          sum += grey->data[(size_t) y * grey->stride + x];
      cells[r * COLS + c] = (float) (sum / ((double) (yb - ya) * (xb - xa)));
      mean += cells[r * COLS + c];
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
live_place_take (struct live_place *p, const struct cv_image *grey, const struct live_depth_map *depth,
                 const float box[4], int frame)
{
  live_place_clear (p);
  if (!grid (grey, box, p->cells))
    return false;
  p->grey = (struct cv_image){g_malloc ((gsize) grey->width * grey->height), grey->width, grey->height, grey->width, 1};
  for (int y = 0; y < grey->height; y++)
    memcpy (p->grey.data + (size_t) y * grey->width, grey->data + (size_t) y * grey->stride, grey->width);
  if (depth && depth->data) {
    p->depth = *depth;
    unsigned short *copy = g_new (unsigned short, (gsize) depth->width * depth->height);
    for (int y = 0; y < depth->height; y++)
      memcpy (copy + (size_t) y * depth->width, depth->data + (size_t) y * depth->stride,
              sizeof *copy * depth->width);
    p->depth.data = copy, p->depth.stride = depth->width;
  }
  memcpy (p->box, box, sizeof p->box);
  p->frame = frame;
  p->set = true;
  return true;
}

void
live_place_clear (struct live_place *p)
{
  g_free (p->grey.data);
  g_free ((gpointer) p->depth.data);
  memset (p, 0, sizeof *p);
}

void
live_place_copy (struct live_place *dst, const struct live_place *src)
{
  *dst = *src;
  if (src->set)
    dst->grey.data = g_memdup2 (src->grey.data, (gsize) src->grey.width * src->grey.height);
  if (src->depth.data)
    dst->depth.data = g_memdup2 (src->depth.data, sizeof *src->depth.data * src->depth.width * src->depth.height);
}

/* How alike THEN (a grid of the charge's frame) and BOX's middle in NOW are; NaN as for the callers. */
static double
match_grid (const float then[COLS * ROWS], const float box[4], const struct cv_image *now)
{
  float cells[COLS * ROWS];
  return grid (now, box, cells) ? correlation (then, cells) : NAN;
}

double
live_place_match (const struct live_place *p, const float box[4], const struct cv_image *now)
{
  float then[COLS * ROWS];
  return p->set && grid (&p->grey, box, then) ? match_grid (then, box, now) : NAN;
}

double
live_place_match_charged (const struct live_place *p, const float box[4], const struct cv_image *now)
{
  return p->set ? match_grid (p->cells, box, now) : NAN;
}

/* Two readings of one surface: within this, or this share of the distance
 * (a depth camera's readings wander by about 1 % at range; a cell's mean
 * by less). */
#define SAME_SURFACE_M 0.1
#define SAME_SURFACE_SHARE 0.01

/* Mean distance, in metres, of each cell of BOX's middle in MAP into
 * CELLS (NaN: under half its pixels read); false outside the map. */
static bool
depth_grid (const struct live_depth_map *map, const float box[4], double cells[COLS * ROWS])
{
  double m[4];
  if (!map || !map->data || !middle_of (box, map->width, map->height, m))
    return false;
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLS; c++) {
      int xa, xb, ya, yb, n = 0;
      cell_of (m, r, c, &xa, &xb, &ya, &yb);
      double sum = 0;
      for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++) {
          unsigned short v = map->data[(size_t) y * map->stride + x];
          sum += v, n += v > 0;
        }
      cells[r * COLS + c] = 2 * n >= (yb - ya) * (xb - xa) ? sum / n * map->scale_m : NAN;
    }
  return true;
}

double
live_place_same_surface (const struct live_place *p, const float box[4], const struct live_depth_map *now)
{
  double then[COLS * ROWS], cells[COLS * ROWS];
  if (!p->set || !depth_grid (&p->depth, box, then) || !depth_grid (now, box, cells))
    return NAN;
  int both = 0, same = 0;
  for (int i = 0; i < COLS * ROWS; i++) {
    if (isnan (then[i]) || isnan (cells[i]))
      continue;
    both++;
    same += fabs (then[i] - cells[i]) <= fmax (SAME_SURFACE_M, SAME_SURFACE_SHARE * cells[i]);
  }
  return 2 * both >= COLS * ROWS ? (double) same / both : NAN;
}

double
live_box_iou (const float a[4], const float b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_iou (&ba, &bb);
}

double
live_box_overlap (const float a[4], const float b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_overlap (&ba, &bb);
}
