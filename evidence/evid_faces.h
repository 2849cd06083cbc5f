/* evid_faces — the best face each track has shown, for its evidence packet:
 * the face finder runs on the head region of tracked people now and then,
 * and the sharpest, largest face is kept (JPEG) per track. Faces are
 * evidence for the police reviewer only; nothing here reaches a display. */
#ifndef CW_EVID_FACES_H
#define CW_EVID_FACES_H

#include "cv_shim.h"

#include <glib.h>

struct evid_faces;

/* CASCADE: an OpenCV cascade file. NULL with ERROR when it cannot be loaded. */
struct evid_faces *evid_faces_create (const char *cascade, GError **error);
void evid_faces_free (struct evid_faces *f);

/* Looks for TRACK_ID's face in the head part of BOX (x, y, w, h) of IMG at
 * FRAME; keeps it when it beats the track's best so far. */
void evid_faces_observe (struct evid_faces *f, int track_id, int frame, const struct cv_image *img,
                         const double box[4]);

/* The track's best face (JPEG) and its quality, or NULL. */
GBytes *evid_faces_best (struct evid_faces *f, int track_id, double *out_quality);

/* Forgets tracks not observed since FRAME - KEEP_FRAMES. */
void evid_faces_forget (struct evid_faces *f, int frame, int keep_frames);

#endif
