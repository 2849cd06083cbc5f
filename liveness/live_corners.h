/* live_corners — the corners of one moving object (a vehicle), followed
 * from frame to frame with pyramidal Lucas-Kanade and fitted with one
 * translation and scale: where the object went, whatever the background
 * model's blob of it did (held together with a vehicle passing it, taken
 * into the background while it stands at the stop line). Corners that do
 * not fit that one motion (the road behind a loose blob, a passer-by) are
 * dropped. Whether the corners kept to one rigid body frame after frame
 * tells a vehicle from a group of walkers, whose limbs swing and who drift
 * apart. */
#ifndef CW_LIVE_CORNERS_H
#define CW_LIVE_CORNERS_H

#include "cv_shim.h"

#include <stdbool.h>

#define LIVE_CORNERS_MAX 48

struct live_corners {
  float xy[2 * LIVE_CORNERS_MAX];
  int n;
  int frame;              /* the frame they are at */
  int steps, rigid_steps; /* frames they moved over, and in how many of those they were one rigid body */
};

/* Seeks C's corners inside BOX of GREY (frame FRAME), in place of any it had. */
void live_corners_seed (struct live_corners *c, const struct cv_image *grey, int frame, const float box[4]);

/* Follows C from PREV to GREY (frame FRAME; both grey, one size), the
 * object in BOX expected to move by EXPECTED (pixels; NULL: not known):
 * OUT_BOX gets BOX moved and scaled as the corners that fit one motion
 * moved (the most of them with the expected motion, or with their median
 * one), and only those are kept. False (OUT_BOX unset) when too few of
 * them were followed or fit. */
bool live_corners_follow (struct live_corners *c, const struct cv_image *prev, const struct cv_image *grey, int frame,
                          const float box[4], const double *expected, float out_box[4]);

/* Too few corners to go on with: seek new ones. */
bool live_corners_few (const struct live_corners *c);

/* The corners have been one rigid body over (nearly) every frame they moved in, MIN_STEPS at least. */
bool live_corners_rigid_over (const struct live_corners *c, int min_steps);
/* ... five at least: enough to call the object a vehicle. */
bool live_corners_rigid (const struct live_corners *c);

#endif
