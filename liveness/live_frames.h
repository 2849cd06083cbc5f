/* live_frames — the last few frames of the stream, grey, for the motion
 * check to follow features through. A ring: pushing frame N drops the
 * oldest once CAPACITY frames are held. */
#ifndef CW_LIVE_FRAMES_H
#define CW_LIVE_FRAMES_H

#include "cv_shim.h"

#include <stdbool.h>

struct live_frames;

struct live_frames *live_frames_create (int capacity);
void live_frames_free (struct live_frames *f);

/* Keeps a grey copy of IMG as frame FRAME. False when IMG is unusable. */
bool live_frames_push (struct live_frames *f, int frame, const struct cv_image *img);

/* Frame FRAME, or NULL when it is not (or no longer) held. */
const struct cv_image *live_frames_get (const struct live_frames *f, int frame);

/* A view of grey IMG's rectangle R (inside it): no copy. */
struct cv_image live_frames_view (const struct cv_image *img, const struct cv_rect *r);

#endif
