/* evid_clip — a short video of the violation for the evidence packet:
 * frames from before and after the decision, each JPEG-encoded as it came
 * (evid_clip_frame_jpeg), put together as Motion-JPEG in Matroska
 * (video/x-matroska) in memory: the clip ring keeps a frame in a tenth of
 * its raw bytes, and a frame in several clips is encoded once. */
#ifndef CW_EVID_CLIP_H
#define CW_EVID_CLIP_H

#include "cv_shim.h"

#include <glib.h>

/* Quality of a clip frame's JPEG (a reviewer needs the movement: the
 * stills carry the detail). */
#define EVID_CLIP_QUALITY 70

/* A clip frame: packed I420 (cv_resize_to_i420's layout) as a JPEG. NULL
 * when it cannot be encoded. */
GBytes *evid_clip_frame_jpeg (const struct cv_image *i420);

/* The clip of N JPEG frames (evid_clip_frame_jpeg), all WIDTH x HEIGHT (the
 * caller's word: they are not decoded), at FPS_N/FPS_D. NULL with ERROR
 * when GStreamer cannot (a missing plugin). */
GBytes *evid_clip_encode (GBytes *const *jpegs, int n, int width, int height, int fps_n, int fps_d, GError **error);

#endif
