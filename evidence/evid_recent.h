/* evid_recent — the last few full-size frames of a camera and where each
 * person was in them, so that a case decided a moment after someone
 * stepped onto the road can still show the frame of the step (its entry
 * still). A ring: keeping a frame drops the oldest kept once full (a
 * camera may keep only the frames its detector ran on). Frames are
 * held in I420 (the decoder's own format: nothing is lost that the camera
 * sent) at half the bytes of BGR, and given back as BGR. */
#ifndef CW_EVID_RECENT_H
#define CW_EVID_RECENT_H

#include "cv_shim.h"

#include <glib.h>

struct evid_recent;

/* Everyone in a kept frame: track id and box (x, y, w, h). */
struct evid_recent_box {
  int id;
  double box[4];
};

/* Keeps the last FRAMES frames (at least 1). */
struct evid_recent *evid_recent_create (int frames);
void evid_recent_free (struct evid_recent *r);

/* Keeps frame FRAME (BGR) and its N boxes. FALSE when IMG is unusable (the
 * slot is then empty). */
gboolean evid_recent_keep (struct evid_recent *r, int frame, const struct cv_image *img,
                           const struct evid_recent_box *boxes, int n);

/* Frame FRAME as BGR, valid until the next call on R; NULL when it is not
 * (or no longer) kept. */
const struct cv_image *evid_recent_picture (struct evid_recent *r, int frame);

/* The latest kept frame at or before FRAME, or -1. */
int evid_recent_latest (const struct evid_recent *r, int frame);

/* Track TRACK's box in kept frame FRAME; FALSE when either is not there. */
gboolean evid_recent_box (const struct evid_recent *r, int frame, int track, double out[4]);

#endif
