/* live_place — what a candidate was charged on, kept to know, later,
 * whether its track still shows it.
 *
 * A tracker can hand a charged track over to someone else, either way:
 *  - a walker passing in front of a poster is matched to the poster's
 *    track, and the track walks off with them: what the checks see from
 *    then on is the walker;
 *  - a walker charged in the road passes a screen, and the track stays on
 *    the screen: what the checks see is a picture.
 * Either way, the verdicts from then on are someone else's. A person leaves
 * no copy of themselves behind where they stood, and a picture a track comes
 * onto had been standing there before. So the frame of the charge is kept
 * (grey), with the box; later, the middle of a box (where the body is, not
 * the margin a detector leaves around it) is compared, as a coarse grid of
 * mean grey levels, between the charge's frame and the current one. */
#ifndef CW_LIVE_PLACE_H
#define CW_LIVE_PLACE_H

#include "cv_shim.h"
#include "live_depth.h"

#include <stdbool.h>

#define LIVE_PLACE_CELLS (8 * 16)

struct live_place {
  bool set;
  int frame;            /* the frame of the charge */
  float box[4];         /* the charged box: x, y, w, h in pixels */
  float cells[LIVE_PLACE_CELLS]; /* its middle's grid in that frame */
  struct cv_image grey; /* that frame, grey (owned) */
  struct live_depth_map depth; /* and a depth camera's, when there is one (data owned; NULL when not) */
};

/* Keeps GREY (and DEPTH, a depth camera's frame, or NULL) as frame FRAME
 * and BOX, which must show something recognisable (not a plain patch of
 * road, which would match any other). False, P unset, when BOX's middle
 * is outside the image or plain. */
bool live_place_take (struct live_place *p, const struct cv_image *grey, const struct live_depth_map *depth,
                      const float box[4], int frame);

/* Frees what P holds; P is unset. */
void live_place_clear (struct live_place *p);

/* A deep copy of SRC into DST (unset). */
void live_place_copy (struct live_place *dst, const struct live_place *src);

/* How alike the middle of BOX is in the charge's frame and in NOW: the
 * correlation of the two grids (1: the same picture, under any change of
 * brightness and contrast; about 0 or below: something else). NaN when P
 * is unset, BOX falls outside either image, or either middle is plain. */
double live_place_match (const struct live_place *p, const float box[4], const struct cv_image *now);

/* How alike the charged box's middle then (its grid, kept at the charge)
 * and BOX's middle in NOW are: whether the track, wherever it is, still
 * shows what was charged; with the charged box, whether the charged place
 * still shows it. NaN as above. */
double live_place_match_charged (const struct live_place *p, const float box[4], const struct cv_image *now);

/* With a depth camera: the share of BOX's middle (its grid's cells with
 * readings then and now) at the same distance in the charge's depth frame
 * and in NOW: a surface that stood there then and stands there now, whatever
 * it shows (a screen's changing picture). NaN without depth then or now, or
 * with readings in under half the cells. */
double live_place_same_surface (const struct live_place *p, const float box[4], const struct live_depth_map *now);

/* Intersection over union of two x, y, w, h boxes. */
double live_box_iou (const float a[4], const float b[4]);
/* The area boxes A and B (x, y, w, h) share. */
double live_box_overlap (const float a[4], const float b[4]);

#endif
