/* live_place — the picture a candidate was charged on, kept to know, later,
 * whether its track still shows it.
 *
 * A tracker can hand a charged track over to someone else: a walker passing
 * in front of a poster is matched to the poster's track, and the track
 * walks off with them. What the checks see from then on is the walker; were
 * it believed, the poster's packet would end "live". A person leaves no
 * copy of themselves behind where they stood; a poster or a screen's still
 * picture stays where it was. So the middle of the box at the charge is kept
 * as a coarse grid of mean grey levels, and once the track's box has left
 * that place the grid is compared with what stands there now. */
#ifndef CW_LIVE_PLACE_H
#define CW_LIVE_PLACE_H

#include "cv_shim.h"

#include <stdbool.h>

#define LIVE_PLACE_COLS 8
#define LIVE_PLACE_ROWS 16

struct live_place {
  bool set;
  int frame;  /* the frame it was taken from */
  float box[4]; /* x, y, w, h in pixels */
  float cells[LIVE_PLACE_COLS * LIVE_PLACE_ROWS];
};

/* Takes BOX's middle (where a person's body is, not the margin a detector
 * leaves around it) from the grey image GREY as frame FRAME into P. False,
 * P unset, when that middle is mostly outside the image or too plain to be
 * recognised again (a patch of road matches any other). */
bool live_place_take (struct live_place *p, const struct cv_image *grey, const float box[4], int frame);

/* How alike P's picture and what GREY shows at P's place now are: the
 * correlation of the two grids (1: the same picture, under any change of
 * brightness and contrast; about 0 or below: something else). NaN when P is
 * unset or the place is outside GREY. */
double live_place_match (const struct live_place *p, const struct cv_image *grey);

/* Intersection over union of two x, y, w, h boxes. */
double live_box_iou (const float a[4], const float b[4]);

#endif
