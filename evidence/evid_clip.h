/* evid_clip — a short video of the violation for the evidence packet:
 * frames from before and after the decision, encoded by GStreamer as
 * Motion-JPEG in Matroska (video/x-matroska), in memory. */
#ifndef CW_EVID_CLIP_H
#define CW_EVID_CLIP_H

#include "cv_shim.h"

#include <glib.h>

/* Encodes N frames at FPS_N/FPS_D, all the same size, packed I420 (1
 * channel, the picture's height times 3/2: cv_resize_to_i420's layout, the
 * width a multiple of 8, as the clip ring keeps them). NULL with ERROR when
 * GStreamer cannot (missing plugin, bad frames). */
GBytes *evid_clip_encode (const struct cv_image *frames, int n, int fps_n, int fps_d, GError **error);

#endif
