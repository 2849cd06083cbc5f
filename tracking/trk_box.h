/* trk_box — axis-aligned boxes in pixels and their overlap. */
#ifndef CW_TRK_BOX_H
#define CW_TRK_BOX_H

struct trk_box {
  double x, y, w, h; /* top-left corner and size */
};

/* The area A and B share, 0 for disjoint or empty boxes. */
double trk_box_overlap (const struct trk_box *a, const struct trk_box *b);

/* Intersection over union, 0 for disjoint or empty boxes. */
double trk_box_iou (const struct trk_box *a, const struct trk_box *b);

#endif
