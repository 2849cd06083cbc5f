/* vis_cadence — which frames the people detector runs on: one in every_n
 * (the tracker carries the boxes in between), and, on a live camera whose
 * analysis has fallen behind, a later one: a frame analysed that long
 * after its capture gets only the cheap work, so the analysis catches up
 * instead of the capture queue dropping frames. Plain C, no GStreamer. */
#ifndef CW_VIS_CADENCE_H
#define CW_VIS_CADENCE_H

#include <stdbool.h>

struct vis_cadence;

/* EVERY_N >= 1; MAX_LAG_S > 0: a frame due for detection more than this
 * behind its capture passes it on to the next frame, for at most
 * MAX_PUT_OFF more frames, after which the detector runs whatever the lag
 * (a camera that stays behind still has its people found). */
struct vis_cadence *vis_cadence_create (int every_n, double max_lag_s, int max_put_off);
void vis_cadence_free (struct vis_cadence *c);

/* Whether the detector runs on the next frame, which its camera captured
 * LAG_S seconds ago (NaN or negative: not known, as for a file, whose
 * frames are never put off: its results do not hang on the machine's speed). */
bool vis_cadence_next (struct vis_cadence *c, double lag_s);

/* Frames the detector ran on, and frames on which it was due and was put
 * off, since creation. */
long vis_cadence_ran (const struct vis_cadence *c);
long vis_cadence_put_off (const struct vis_cadence *c);

#endif
