/* disp_playlist — which case a screen shows now: the current cases rotate,
 * each for the rotation period, in the order they arrived; a case that
 * leaves (retracted, expired, pushed out by newer ones) leaves at once; no
 * case at all is the idle screen. Plain logic on a list of ids and a
 * monotonic clock, so tests drive it without a screen. */
#ifndef CW_DISP_PLAYLIST_H
#define CW_DISP_PLAYLIST_H

#include <glib.h>

struct disp_playlist;

struct disp_playlist *disp_playlist_new (gint64 period_us);
void disp_playlist_free (struct disp_playlist *p);

/* Given the current cases (oldest first) at NOW_US (monotonic): TRUE when
 * what is on screen changed (another case, or idle), FALSE when the same
 * case (or idle) stays. */
gboolean disp_playlist_step (struct disp_playlist *p, GPtrArray *cases, gint64 now_us);

/* The case on screen, NULL when idle. Owned by P. */
const char *disp_playlist_current (const struct disp_playlist *p);

#endif
