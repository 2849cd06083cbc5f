/* rev_clip — the evidence clip (Motion-JPEG in Matroska, evid_clip.h) as
 * WebM/VP8, which browsers play, made with GStreamer. The stored clip is
 * never changed: this is a viewing copy, and the case page says so. */
#ifndef CW_REV_CLIP_H
#define CW_REV_CLIP_H

#include <glib.h>

/* NULL with ERROR when the clip does not decode or no VP8 encoder is
 * installed (gstreamer1.0-plugins-good). */
GBytes *rev_clip_webm (GBytes *matroska, GError **error);

#endif
