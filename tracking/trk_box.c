#include "trk_box.h"

#include <math.h>

double
trk_box_overlap (const struct trk_box *a, const struct trk_box *b)
{
  double iw = fmin (a->x + a->w, b->x + b->w) - fmax (a->x, b->x);
  double ih = fmin (a->y + a->h, b->y + b->h) - fmax (a->y, b->y);
  return iw > 0 && ih > 0 ? iw * ih : 0;
}

double
trk_box_iou (const struct trk_box *a, const struct trk_box *b)
{
  double inter = trk_box_overlap (a, b);
  if (inter <= 0)
    return 0;
  double uni = a->w * a->h + b->w * b->h - inter;
  return uni > 0 ? inter / uni : 0;
}
