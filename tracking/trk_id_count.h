/* trk_id_count — how many different tracks a tracker has shown, in memory
 * that does not grow with the run.
 *
 * A junction's camera sees some 2,500 tracks an hour; a set of every id
 * ever shown, kept to count them, holds a couple of million after a month.
 * A tracker drops a track it has not matched for max_age frames (at most
 * TRK_ID_COUNT_FORGET_FRAMES, hwcfg's bound) and never gives its id out
 * again, so an id unseen for longer can be forgotten: it will not be
 * counted twice. */
#ifndef CW_TRK_ID_COUNT_H
#define CW_TRK_ID_COUNT_H

#include <stdint.h>

/* hwcfg's greatest [tracker] max_age */
#define TRK_ID_COUNT_FORGET_FRAMES 1000

struct trk_id_count;

struct trk_id_count *trk_id_count_create (void);
void trk_id_count_free (struct trk_id_count *c);

/* Track ID was shown on frame FRAME (frames counted up, not necessarily
 * each one seen). */
void trk_id_count_seen (struct trk_id_count *c, int id, int64_t frame);

/* Different ids seen since created or last reset. */
int64_t trk_id_count_total (const struct trk_id_count *c);

/* Ids remembered now (those seen within the last
 * TRK_ID_COUNT_FORGET_FRAMES frames, and a few more until the next sweep). */
int trk_id_count_remembered (const struct trk_id_count *c);

/* Forgets every id and the count: a new tracker, whose ids start again. */
void trk_id_count_reset (struct trk_id_count *c);

#endif
