#include "trk_assign.h"
#include "trk_mot.h"
#include "trk_sort.h"
#include "trk_tracker.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Brute force over all permutations of the columns: the reference. */
static double
best_cost (const double *c, int n, int row, int used, double acc)
{
  if (row == n)
    return acc;
  double best = INFINITY;
  for (int j = 0; j < n; j++)
    if (!(used & (1 << j)))
      best = fmin (best, best_cost (c, n, row + 1, used | (1 << j), acc + c[row * n + j]));
  return best;
}

static void
assignment_should_be_optimal_on_random_matrices (void)
{
  GRand *rng = g_rand_new_with_seed (42);
  for (int trial = 0; trial < 200; trial++) {
    int n = 1 + trial % 7;
    double c[49];
    for (int i = 0; i < n * n; i++)
      c[i] = g_rand_double_range (rng, 0, 10);
    int match[7];
    g_assert_cmpint (trk_assign_solve (c, n, n, match), ==, 0);
    double total = 0;
    int seen = 0;
    for (int i = 0; i < n; i++) {
      g_assert_cmpint (match[i], >=, 0);
      g_assert_false (seen & (1 << match[i]));
      seen |= 1 << match[i];
      total += c[i * n + match[i]];
    }
    g_assert_cmpfloat_with_epsilon (total, best_cost (c, n, 0, 0, 0), 1e-9);
  }
  g_rand_free (rng);
}

static void
assignment_should_beat_greedy_on_a_known_case (void)
{
  /* greedy takes (0,0)=1 then (1,1)=10: total 11; optimal is 2 + 3 = 5 */
  const double c[4] = {1, 2, 3, 10};
  int match[2];
  g_assert_cmpint (trk_assign_solve (c, 2, 2, match), ==, 0);
  g_assert_cmpint (match[0], ==, 1);
  g_assert_cmpint (match[1], ==, 0);
}

static void
assignment_should_handle_rectangular_matrices (void)
{
  const double wide[6] = {5, 1, 9, 2, 8, 1}; /* 2 rows x 3 cols */
  int m2[2];
  g_assert_cmpint (trk_assign_solve (wide, 2, 3, m2), ==, 0);
  g_assert_cmpint (m2[0], ==, 1);
  g_assert_cmpint (m2[1], ==, 2);
  const double tall[6] = {5, 1, 9, 2, 8, 7}; /* 3 rows x 2 cols: [5 1] [9 2] [8 7] */
  int m3[3];
  g_assert_cmpint (trk_assign_solve (tall, 3, 2, m3), ==, 0);
  g_assert_cmpint (m3[0], ==, 0); /* 5 + 2 = 7 beats every other pair of rows */
  g_assert_cmpint (m3[1], ==, 1);
  g_assert_cmpint (m3[2], ==, -1);
  g_assert_cmpint (trk_assign_solve (NULL, 0, 0, NULL), ==, 0);
  g_assert_cmpint (trk_assign_solve (NULL, -1, 2, m3), ==, -1);
}

static struct trk_tracker *
new_tracker (void)
{
  struct trk_params p = trk_params_default ();
  p.max_age = 5;
  return trk_tracker_create (&p);
}

static void
tracker_should_keep_one_id_for_a_walking_person (void)
{
  struct trk_tracker *t = new_tracker ();
  int id = -1;
  for (int f = 0; f < 100; f++) {
    struct trk_detection d = {{100 + 3.0 * f, 200 + 0.5 * f, 30, 80}, 1};
    g_assert_cmpint (trk_tracker_step (t, &d, 1, true), ==, 0);
    const struct trk_track_out *o;
    int n = trk_tracker_tracks (t, &o);
    if (f >= 3) {
      g_assert_cmpint (n, ==, 1);
      if (id < 0)
        id = o[0].id;
      g_assert_cmpint (o[0].id, ==, id);
      g_assert_cmpfloat (fabs (o[0].box.x - d.box.x), <, 3);
    }
  }
  trk_tracker_free (t);
}

static void
tracker_should_coast_through_a_short_gap_and_predict_motion (void)
{
  struct trk_tracker *t = new_tracker ();
  const struct trk_track_out *o;
  for (int f = 0; f < 20; f++) {
    struct trk_detection d = {{100 + 5.0 * f, 200, 30, 80}, 1};
    trk_tracker_step (t, &d, 1, true);
  }
  g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 1);
  int id = o[0].id;
  for (int f = 20; f < 23; f++) /* occluded: no detection */
    trk_tracker_step (t, NULL, 0, true);
  g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 0); /* unmatched tracks are not reported */
  struct trk_detection d = {{100 + 5.0 * 23, 200, 30, 80}, 1};
  trk_tracker_step (t, &d, 1, true);
  g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 1);
  g_assert_cmpint (o[0].id, ==, id); /* the velocity carried the box to the new position */
  trk_tracker_free (t);
}

/* The count of tracks a camera reports: each id once, however long it
 * was unseen (the detector skipping frames stretches a gap in frames far
 * beyond max_age), and a one-frame false detection never. */
static void
tracker_should_count_each_reported_id_once (void)
{
  struct trk_tracker *t = new_tracker ();
  const struct trk_track_out *o;
  GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int f = 0; f < 140; f++) {
    struct trk_detection d[3];
    int n = 0;
    bool ran = f < 20 || f >= 120 || f % 25 == 0; /* a long stretch of skipped detector frames */
    if (ran && (f < 20 || f >= 120)) /* the walker, hidden between */
      d[n++] = (struct trk_detection) {{100 + 1.0 * f, 200, 30, 80}, 1};
    if (ran && f >= 10) /* a second person, always seen */
      d[n++] = (struct trk_detection) {{500, 100 + 0.5 * f, 30, 80}, 1};
    if (f == 75) /* a false detection, once */
      d[n++] = (struct trk_detection) {{300, 400, 30, 80}, 1};
    g_assert_cmpint (trk_tracker_step (t, d, n, ran), ==, 0);
    int k = trk_tracker_tracks (t, &o);
    for (int i = 0; i < k; i++)
      g_hash_table_add (seen, GINT_TO_POINTER (o[i].id));
  }
  g_assert_cmpint (g_hash_table_size (seen), ==, 2);
  g_assert_cmpint (trk_tracker_reported_ids (t), ==, 2);
  g_hash_table_destroy (seen);
  trk_tracker_free (t);
}

static void
tracker_should_predict_without_aging_on_skipped_frames (void)
{
  struct trk_tracker *t = new_tracker ();
  const struct trk_track_out *o;
  for (int f = 0; f < 10; f++) {
    struct trk_detection d = {{100 + 4.0 * f, 200, 30, 80}, 1};
    trk_tracker_step (t, &d, 1, true);
  }
  for (int f = 10; f < 30; f++) /* 20 frames the detector skipped: max_age is 5 */
    trk_tracker_step (t, NULL, 0, false);
  g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 1);
  g_assert_cmpfloat (fabs (o[0].box.x - (100 + 4.0 * 29)), <, 8);
  g_assert_cmpint (trk_tracker_step (t, NULL, 1, false), ==, -1); /* detections on a skipped frame */
  trk_tracker_free (t);
}

static void
tracker_should_keep_two_crossing_people_apart (void)
{
  struct trk_tracker *t = new_tracker ();
  int id_left = -1;
  for (int f = 0; f < 60; f++) {
    struct trk_detection d[2] = {{{100 + 4.0 * f, 200, 30, 80}, 1}, {{340 - 4.0 * f, 260, 30, 80}, 1}};
    trk_tracker_step (t, d, 2, true);
    const struct trk_track_out *o;
    int n = trk_tracker_tracks (t, &o);
    for (int i = 0; i < n; i++) {
      if (fabs (o[i].box.y - 200) < 10) {
        if (id_left < 0)
          id_left = o[i].id;
        g_assert_cmpint (o[i].id, ==, id_left);
      }
    }
  }
  trk_tracker_free (t);
}

static void
weak_detections_continue_tracks_but_never_start_them (void)
{
  struct trk_tracker *t = new_tracker ();
  const struct trk_track_out *o;
  for (int f = 0; f < 10; f++) {
    struct trk_detection d[2] = {{{100 + 2.0 * f, 200, 30, 80}, f < 5 ? 0.9 : 0.3}, /* dips in confidence */
                                 {{400, 200, 30, 80}, 0.3}};                          /* never confident */
    trk_tracker_step (t, d, 2, true);
  }
  g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 1);
  g_assert_cmpfloat (fabs (o[0].box.x - 118), <, 3);
  trk_tracker_free (t);
}

static void
a_person_reappearing_off_the_prediction_keeps_the_id (void)
{
  struct trk_tracker *t = new_tracker ();
  const struct trk_track_out *o;
  for (int f = 0; f < 10; f++) {
    struct trk_detection d = {{100 + 5.0 * f, 200, 30, 80}, 0.9};
    trk_tracker_step (t, &d, 1, true);
  }
  g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 1);
  int id = o[0].id;
  for (int f = 10; f < 14; f++)
    trk_tracker_step (t, NULL, 0, true);
  /* back after 4 frames, stopped short of the prediction (x 170 instead of
   * 170 + 5 * 4) and a little lower: no overlap with the prediction */
  for (int f = 14; f < 18; f++) {
    struct trk_detection d = {{150 + 2.0 * (f - 14), 225, 30, 80}, 0.9};
    trk_tracker_step (t, &d, 1, true);
    g_assert_cmpint (trk_tracker_tracks (t, &o), ==, 1);
    g_assert_cmpint (o[0].id, ==, id);
  }
  trk_tracker_free (t);
}

/* A colour signature spread evenly over LEN bins from FIRST: two of them
 * sharing 24 of 30 bins are 0.8 alike, above the appearance gate (0.6),
 * as two people dressed in similar colours are. */
static void
even_signature (float *sig, int first, int len)
{
  memset (sig, 0, sizeof (float) * TRK_SIGNATURE_LEN);
  for (int i = first; i < first + len; i++)
    sig[i] = 1.0f / len;
}

/* A person waiting at x 300 steps off while a nearer walker passes in front
 * of them (frames 17-20: the detector sees one box between the two, in the
 * front walker's colours). As they come out (frames 21-22) only the waiting
 * person is detected: the walker's track, dragged towards them by the merged
 * boxes, overlaps the detection; their own track predicts them still
 * standing (its velocity was 0), too far for the overlap gate. The
 * detection's colours are theirs, clearly more than the walker's: their
 * track takes it, and the walker keeps theirs. */
static void
a_person_coming_out_from_behind_another_keeps_their_id_by_their_colours (void)
{
  struct trk_tracker *t = new_tracker ();
  int id_waiting = -1, id_walker = -1;
  for (int f = 0; f < 40; f++) {
    double xa = f < 17 ? 300 : 300 + 5.0 * (f - 17), xb = 420 - 6.0 * f;
    struct trk_detection a = {{xa, 200, 26, 70}, 1, true}, b = {{xb, 206, 30, 84}, 1, true};
    even_signature (a.signature, 0, 30);
    even_signature (b.signature, 6, 30);
    struct trk_detection d[2];
    int n = 0;
    if (f >= 17 && f <= 20) { /* merged: between the two, the front one's colours */
      d[n] = b;
      d[n].box = (struct trk_box){(xa + xb) / 2, 203, 28, 77};
      n++;
    } else {
      d[n++] = a;
      if (f < 21 || f > 22)
        d[n++] = b;
    }
    g_assert_cmpint (trk_tracker_step (t, d, n, true), ==, 0);
    const struct trk_track_out *o;
    int nt = trk_tracker_tracks (t, &o);
    for (int i = 0; i < nt && (f < 17 || f > 20); i++) {
      bool is_waiting = fabs (o[i].box.y - 200) < 2.5 && fabs (o[i].box.x - xa) < 8;
      bool is_walker = fabs (o[i].box.y - 206) < 2.5 && fabs (o[i].box.x - xb) < 8;
      g_assert_true (is_waiting || is_walker);
      int *id = is_waiting ? &id_waiting : &id_walker;
      if (*id < 0)
        *id = o[i].id;
      g_assert_cmpint (o[i].id, ==, *id);
    }
  }
  g_assert_cmpint (id_waiting, >, 0);
  g_assert_cmpint (id_walker, >, 0);
  g_assert_cmpint (id_waiting, !=, id_walker);
  trk_tracker_free (t);
}

/* A person walking down the picture turns left and is missed for 12
 * frames; a walker coming the other way, whose own detections then go
 * missing (frames 23-26), passes where they reappear. The walker's track
 * overlaps the reappearing person; their own track predicts them further
 * down, where they were heading, more than lost_distance away. They are
 * within the reach of their walking speed of where they were last seen,
 * and their colours match clearly better than the walker's: they keep
 * their id, and the walker keeps theirs when found again. */
static void
a_person_who_turned_while_missed_keeps_their_id_within_their_walking_reach (void)
{
  struct trk_params p = trk_params_default ();
  struct trk_tracker *t = trk_tracker_create (&p);
  int id_turner = -1, id_walker = -1;
  for (int f = 0; f < 40; f++) {
    double xa = f <= 10 ? 480 : 480 - 5.0 * (f - 10), ya = f <= 10 ? 140 + 4.0 * f : 180;
    double xb = 300 + 5.0 * f;
    struct trk_detection a = {{xa, ya, 26, 70}, 1, true}, b = {{xb, 185, 26, 72}, 1, true};
    even_signature (a.signature, 0, 30);
    even_signature (b.signature, 9, 30);
    struct trk_detection d[2];
    int n = 0;
    if (f <= 10 || f >= 23)
      d[n++] = a;
    if (f <= 22 || f >= 27)
      d[n++] = b;
    g_assert_cmpint (trk_tracker_step (t, d, n, true), ==, 0);
    const struct trk_track_out *o;
    int nt = trk_tracker_tracks (t, &o);
    for (int i = 0; i < nt; i++) {
      bool is_turner = (f <= 10 || f >= 23) && fabs (o[i].box.y - ya) < 3 && fabs (o[i].box.x - xa) < 6;
      bool is_walker = fabs (o[i].box.y - 185) < 3 && fabs (o[i].box.x - xb) < 6;
      if (!is_turner && !is_walker)
        continue; /* a lost track coasting */
      g_assert_false (is_turner && is_walker);
      int *id = is_turner ? &id_turner : &id_walker;
      if (*id < 0)
        *id = o[i].id;
      g_assert_cmpint (o[i].id, ==, *id);
    }
  }
  g_assert_cmpint (id_turner, >, 0);
  g_assert_cmpint (id_walker, >, 0);
  g_assert_cmpint (id_turner, !=, id_walker);
  trk_tracker_free (t);
}

static void
sort_reference_drops_a_track_after_one_missed_frame (void)
{
  struct trk_sort *s = trk_sort_create (1, 3, 0.3);
  const struct trk_track_out *o;
  int first = -1;
  for (int f = 0; f < 20; f++) {
    struct trk_detection d = {{100 + 2.0 * f, 200, 30, 80}, 1};
    int n = (f == 10 || f == 11) ? trk_sort_step (s, NULL, 0, &o) : trk_sort_step (s, &d, 1, &o);
    if (f == 5)
      first = o[0].id;
    if (f == 19)
      g_assert_cmpint (o[0].id, !=, first); /* two missed frames exceed max_age 1: a new id */
    g_assert_cmpint (n, <=, 1);
  }
  trk_sort_free (s);
}

static void
tracker_should_refuse_bad_parameters (void)
{
  struct trk_params p = trk_params_default ();
  p.iou_threshold = 0;
  g_assert_null (trk_tracker_create (&p));
  p = trk_params_default ();
  p.min_hits = 0;
  g_assert_null (trk_tracker_create (&p));
  p = trk_params_default ();
  p.low_score = 0.9;
  p.high_score = 0.5;
  g_assert_null (trk_tracker_create (&p));
  g_assert_null (trk_tracker_create (NULL));
  trk_tracker_free (NULL);
}

static void
mot_reader_should_skip_bad_lines_naming_them (void)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("detXXXXXX.txt", &path, NULL);
  const char *text = "1,-1,10,20,30,40,0.9,-1,-1,-1\n"
                     "2,-1,abc,20,30,40,0.9\n"
                     "3,-1,10,20\n"
                     "\n"
                     "4,-1,10,20,-5,40,0.9\n"
                     "5,-1,11,21,31,41,0.8,-1,-1,-1\r\n";
  g_assert_cmpint (write (fd, text, strlen (text)), ==, (int) strlen (text));
  close (fd);
  char *report = NULL;
  size_t report_len = 0;
  FILE *errors = open_memstream (&report, &report_len);
  struct trk_mot_file f;
  g_assert_cmpint (trk_mot_read (path, &f, errors), ==, 0);
  fclose (errors);
  g_assert_cmpint (f.n_rows, ==, 2);
  g_assert_cmpint (f.rows[1].frame, ==, 5);
  g_assert_cmpfloat_with_epsilon (f.rows[1].box.h, 41, 1e-9);
  g_assert_nonnull (strstr (report, ":2: a field is not a number"));
  g_assert_nonnull (strstr (report, ":3: fewer than 7 fields"));
  g_assert_nonnull (strstr (report, ":5: box width and height must be positive"));
  trk_mot_clear (&f);
  free (report);
  g_unlink (path);
  g_assert_cmpint (trk_mot_read ("/nonexistent/det.txt", &f, NULL), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/assign/should_be_optimal_on_random_matrices", assignment_should_be_optimal_on_random_matrices);
  g_test_add_func ("/assign/should_beat_greedy_on_a_known_case", assignment_should_beat_greedy_on_a_known_case);
  g_test_add_func ("/assign/should_handle_rectangular_matrices", assignment_should_handle_rectangular_matrices);
  g_test_add_func ("/tracker/should_keep_one_id_for_a_walking_person", tracker_should_keep_one_id_for_a_walking_person);
  g_test_add_func ("/tracker/should_count_each_reported_id_once", tracker_should_count_each_reported_id_once);
  g_test_add_func ("/tracker/should_coast_through_a_short_gap_and_predict_motion",
                   tracker_should_coast_through_a_short_gap_and_predict_motion);
  g_test_add_func ("/tracker/should_predict_without_aging_on_skipped_frames",
                   tracker_should_predict_without_aging_on_skipped_frames);
  g_test_add_func ("/tracker/should_keep_two_crossing_people_apart", tracker_should_keep_two_crossing_people_apart);
  g_test_add_func ("/tracker/should_refuse_bad_parameters", tracker_should_refuse_bad_parameters);
  g_test_add_func ("/tracker/weak_detections_continue_tracks_but_never_start_them",
                   weak_detections_continue_tracks_but_never_start_them);
  g_test_add_func ("/tracker/a_person_reappearing_off_the_prediction_keeps_the_id",
                   a_person_reappearing_off_the_prediction_keeps_the_id);
  g_test_add_func ("/tracker/a_person_coming_out_from_behind_another_keeps_their_id_by_their_colours",
                   a_person_coming_out_from_behind_another_keeps_their_id_by_their_colours);
  g_test_add_func ("/tracker/a_person_who_turned_while_missed_keeps_their_id_within_their_walking_reach",
                   a_person_who_turned_while_missed_keeps_their_id_within_their_walking_reach);
  g_test_add_func ("/sort/reference_drops_a_track_after_one_missed_frame", sort_reference_drops_a_track_after_one_missed_frame);
  g_test_add_func ("/mot/reader_should_skip_bad_lines_naming_them", mot_reader_should_skip_bad_lines_naming_them);
  return g_test_run ();
}
