/* vis_regions — turning motion blobs into regions worth a detector's time:
 * each blob grown to hold a whole person with context, overlapping regions
 * merged. Plain C, no OpenCV. */
#ifndef CW_VIS_REGIONS_H
#define CW_VIS_REGIONS_H

#include "cv_shim.h"

/* Grows each of the N rectangles in R by MARGIN of its size per side, to at
 * least MIN_W x MIN_H around its centre, clips to the WIDTH x HEIGHT image,
 * then merges rectangles that overlap into their bounding box until none
 * overlap. Returns the new count (<= N); R is rewritten in place. */
int vis_regions_prepare (struct cv_rect *r, int n, double margin, int min_w, int min_h, int width, int height);

/* Sum of the areas of N non-overlapping rectangles. */
long vis_regions_area (const struct cv_rect *r, int n);

#endif
