/* live_objects — large moving objects (vehicles) found by motion
 * segmentation: the detector's background model reports changed blobs each
 * frame; blobs that touch are merged, those bigger than any person
 * (vehicle_min_height_m tall and vehicle_min_width_m wide, the width
 * measured along the image row of the blob's bottom, which foreshortens a
 * slanted bus side: 12 m read as 3.8-5 m on the sample camera) are kept
 * and followed from frame to frame, with their speed on the ground.
 * Merged blobs of walkers (shadows included) can be as big: that is why a
 * vehicle must also move faster than walkers do (vehicle_min_speed_mps)
 * before anything is said to ride on it.
 * A "person" found inside one of them, moving with it, is painted on it.
 *
 * Each object is followed with a constant-velocity prediction (a blob is
 * matched where the object is expected this frame, so a vehicle moving
 * further than its own length between frames is still the same one); its
 * velocity is a least-squares fit over the last second of the edge that is
 * not cut by the picture's border (a vehicle entering the picture grows
 * from one side). An object is "established" as a vehicle when it was
 * followed for VEHICLE_MIN_SEEN_S with a steady size and a smooth path:
 * groups of walkers merging and splitting change size and jerk about.
 *
 * Given the frames, each object's corners are also followed (pyramidal
 * Lucas-Kanade) and fitted with one translation and scale: that is where
 * the object goes, when a blob holds it together with something else
 * passing (then the blob is larger than where the corners took it) and
 * when the background model has taken in a vehicle standing at the stop
 * line (no blob at all: an established vehicle goes on where its corners
 * are, and pulls away as the same vehicle). One not yet established goes
 * on by its corners for up to 1 s when they have been one rigid body
 * (a vehicle merged into the blob of one behind it soon after it came out
 * from the picture's border), and a blob more than twice the area its
 * corners give it holds something else too. Corners that stop fitting
 * (the road behind a loose blob, a passer-by) are dropped and new ones
 * sought. A blob narrower than vehicle_min_width_m (a car seen from
 * behind) is followed too, and is a vehicle only when its corners have
 * been one rigid body: a group of walkers swings its limbs. */
#ifndef CW_LIVE_OBJECTS_H
#define CW_LIVE_OBJECTS_H

#include "cv_shim.h"
#include "hwcfg.h"
#include "zone_camera.h"

#include <stdbool.h>

struct live_object {
  int id;
  int first_frame, last_frame;
  float box[4];             /* x, y, w, h in pixels, at last_frame */
  double height_m, width_m; /* from the box's bottom edge and top */
  double vx, vy;            /* image velocity of the box's centre, pixels/s */
  double speed_mps;         /* ground speed of the bottom centre; -1 unknown */
  double seen_s;            /* how long it has been followed */
  double path_rms_m;        /* ground path's deviation from a straight, even motion */
  double size_change;       /* largest / smallest height on the ground over the last second, less 1 */
  bool established;         /* followed long enough, steady size and smooth path */
};

struct live_objects;

/* CAM may be NULL (uncalibrated): then no blob can be told to be a vehicle.
 * WIDTH x HEIGHT: the picture (0 x 0 unknown), to tell boxes its border cuts. */
struct live_objects *live_objects_create (const struct hwcfg_liveness *params, const struct zone_camera *cam, int width,
                                          int height);
void live_objects_free (struct live_objects *o);

/* The blobs of frame FRAME at T_S; PREV and GREY (both may be NULL: blobs
 * only) the last frame given and this one, grey, to follow each object's
 * corners between them. */
void live_objects_update (struct live_objects *o, int frame, double t_s, const struct cv_rect *blobs, int n,
                          const struct cv_image *prev, const struct cv_image *grey);

/* The established vehicle seen in the latest frame that holds most of BOX
 * (at least 80 % of its area); of those, one that BOX moves with in the
 * picture when BOX_V (its velocity, pixels/s; may be NULL) is given. False
 * when there is none. */
bool live_objects_carrier (const struct live_objects *o, const float box[4], const double *box_v,
                           struct live_object *out);

#endif
