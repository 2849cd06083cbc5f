/* disp_screen — the display's video output: a GStreamer pipeline
 * (appsrc ! videoconvert ! videoscale ! SINK) that shows each frame it is
 * given until the next, on a real screen ([display] sink: ximagesink under
 * X, waylandsink, kmssink for an HDMI-fed LED wall controller, or auto).
 * The frames are the cairo surfaces the display draws (disp_render.h). */
#ifndef CW_DISP_SCREEN_H
#define CW_DISP_SCREEN_H

#include <cairo.h>
#include <glib.h>

struct disp_screen;

/* Starts the output on SINK ("auto" for autovideosink, or an element name)
 * for WIDTH x HEIGHT frames; FULLSCREEN is passed to a sink that has a
 * "fullscreen" property (waylandsink, ...); others show a WIDTH x HEIGHT
 * window or plane. NULL with DISP_ERROR_RENDER naming the sink when it does
 * not exist or cannot start (no X display, no DRM device). */
/* TRUE when SINK ([display] sink) is none, auto or an installed element of
 * the Sink/Video class; FALSE with DISP_ERROR_CONFIG saying why (a missing
 * plugin, a file or network sink). */
gboolean disp_screen_sink_usable (const char *sink, GError **error);

struct disp_screen *disp_screen_new (const char *sink, gboolean fullscreen, int width, int height, GError **error);
void disp_screen_free (struct disp_screen *s);

/* Shows FRAME (RGB24, WIDTH x HEIGHT) from now on. FALSE with
 * DISP_ERROR_RENDER when the pipeline has failed (its error message). */
gboolean disp_screen_show (struct disp_screen *s, cairo_surface_t *frame, GError **error);

#endif
