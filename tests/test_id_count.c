/* trk_id_count: the tracks a camera showed, counted without keeping every
 * id of a month-long run. */
#include "trk_id_count.h"

#include <glib.h>

/* A junction's hour, many times over: a new track every few frames, each
 * shown for a while, ids handed out in order as a tracker does, some
 * confirmed (shown) only after later ones. Every id is counted once, and
 * what is remembered stays at what the last TRK_ID_COUNT_FORGET_FRAMES
 * frames showed. */
static void
counts_each_track_once_in_bounded_memory (void)
{
  struct trk_id_count *c = trk_id_count_create ();
  const int tracks = 50000, every = 3, shown_for = 60;
  int most_remembered = 0;
  GRand *rand = g_rand_new_with_seed (7);
  int64_t frames = (int64_t) tracks * every + shown_for + 1;
  for (int64_t f = 0; f < frames; f++) {
    /* the tracks alive on frame f: created on frames f - shown_for .. f */
    for (int64_t born = MAX (0, f - shown_for); born <= f; born += 1) {
      if (born % every)
        continue;
      int id = (int) (born / every) + 1;
      if (id > tracks)
        break;
      /* some are confirmed a few frames late, after younger ones */
      int late = id % 5 == 0 ? 4 : 0;
      if (f - born < late)
        continue;
      /* and missed by the detector now and then */
      if (g_rand_int_range (rand, 0, 10) == 0)
        continue;
      trk_id_count_seen (c, id, f);
    }
    most_remembered = MAX (most_remembered, trk_id_count_remembered (c));
  }
  g_test_message ("%d tracks counted %" G_GINT64_FORMAT "; at most %d ids remembered", tracks,
                  trk_id_count_total (c), most_remembered);
  g_assert_cmpint (trk_id_count_total (c), ==, tracks);
  /* a track's id is kept until TRK_ID_COUNT_FORGET_FRAMES after it was last seen, and
   * the sweep comes every 250 frames: ids of about 1,310 frames' tracks */
  g_assert_cmpint (most_remembered, <=, (TRK_ID_COUNT_FORGET_FRAMES + 250 + shown_for) / every + 1);
  g_rand_free (rand);
  trk_id_count_free (c);
}

/* A track not seen for a while (hidden behind a bus) and seen again
 * within the tracker's max_age is the same track. */
static void
a_track_seen_again_is_not_counted_again (void)
{
  struct trk_id_count *c = trk_id_count_create ();
  trk_id_count_seen (c, 4, 10);
  for (int64_t f = 11; f < 900; f++)
    trk_id_count_seen (c, 5, f); /* another, so the sweeps run */
  trk_id_count_seen (c, 4, 900);
  g_assert_cmpint (trk_id_count_total (c), ==, 2);
  /* a new tracker (the camera's pipeline rebuilt) gives ids out again */
  trk_id_count_reset (c);
  trk_id_count_seen (c, 4, 1);
  g_assert_cmpint (trk_id_count_total (c), ==, 1);
  g_assert_cmpint (trk_id_count_remembered (c), ==, 1);
  trk_id_count_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/id_count/counts_each_track_once_in_bounded_memory", counts_each_track_once_in_bounded_memory);
  g_test_add_func ("/id_count/a_track_seen_again_is_not_counted_again", a_track_seen_again_is_not_counted_again);
  return g_test_run ();
}
