/* Rule edge cases on synthetic walks (10 fps, positions in pixels of the
 * test site in configs/rules.ini, 10 px = 1 m). */
#include "hwcfg.h"
#include "zone_rules.h"

#include <glib.h>

#define FPS 10.0

struct fixture {
  struct hwcfg *cfg;
  struct zone_rules *rules;
  struct zone_signal *signal;
};

struct violation {
  int frame, track_id, entry_frame;
  enum zone_violation type;
};

static void
setup (struct fixture *f, gconstpointer data)
{
  g_autoptr (GError) err = NULL;
  f->cfg = hwcfg_load (CW_TEST_CONFIGS "/rules.ini", &err);
  g_assert_no_error (err);
  f->rules = zone_rules_create (f->cfg, NULL, &err);
  g_assert_no_error (err);
  f->signal = zone_signal_create (&f->cfg->signal, NULL, NULL);
  g_assert_nonnull (f->signal);
}

static void
teardown (struct fixture *f, gconstpointer data)
{
  zone_rules_free (f->rules);
  zone_signal_free (f->signal);
  hwcfg_free (f->cfg);
}

/* Walks one person from (X0, Y0) to (X1, Y1) px in STEPS frames starting
 * at FRAME (frame 1 is t = 0); IN_VIEW: seen in a 1000 x 300 image by a
 * box 30 px wide and 80 high (else a bare foot point). Returns the
 * violations seen (up to MAX). */
static int
walk_seen (struct fixture *f, int track, int frame, double x0, double y0, double x1, double y1, int steps,
           bool in_view, struct violation *out, int max)
{
  int n = 0;
  for (int i = 0; i <= steps; i++, frame++) {
    double t = (frame - 1) / FPS;
    struct zone_signal_state sig;
    zone_signal_at (f->signal, t, &sig);
    double x = x0 + (x1 - x0) * i / steps, y = y0 + (y1 - y0) * i / steps;
    double box[4] = {x - 15, y - 80, 30, 80};
    struct zone_track_in in = in_view ? zone_track_in_of_box (track, box, 1000, 300) : (struct zone_track_in){track, {x, y}};
    struct zone_track_out o;
    zone_rules_step (f->rules, frame, t, &sig, &in, 1, &o);
    if (o.violation && n < max)
      out[n++] = (struct violation){frame, track, o.entry_frame, o.type};
  }
  return n;
}

static int
walk (struct fixture *f, int track, int frame, double x0, double y0, double x1, double y1, int steps,
      struct violation *out, int max)
{
  return walk_seen (f, track, frame, x0, y0, x1, y1, steps, false, out, max);
}

static int
walk_in_view (struct fixture *f, int track, int frame, double x0, double y0, double x1, double y1, int steps,
              struct violation *out, int max)
{
  return walk_seen (f, track, frame, x0, y0, x1, y1, steps, true, out, max);
}

static int
frame_at (double t)
{
  return (int) (t * FPS) + 1;
}

/* At FPS frames a second from T0 s (frames numbered from FRAME): N_KERB
 * frames on the kerb at x 200 (outside the crosswalk), then N_ROAD frames
 * 5 m into the road there. Returns the violations (the frame each came
 * in, counted from the first frame in the road, 1 for the first). */
static int
stay_in_the_road (struct fixture *f, int track, int frame, double t0, double fps, int n_kerb, int n_road,
                  struct violation *out, int max)
{
  int n = 0;
  for (int i = 0; i < n_kerb + n_road; i++) {
    double t = t0 + i / fps;
    struct zone_signal_state sig;
    zone_signal_at (f->signal, t, &sig);
    struct zone_track_in in = {track, {200, i < n_kerb ? 90 : 150}};
    struct zone_track_out o;
    zone_rules_step (f->rules, frame + i, t, &sig, &in, 1, &o);
    if (o.violation && n < max)
      out[n++] = (struct violation){i - n_kerb + 1, track, o.entry_frame, o.type};
  }
  return n;
}

/* A stay in the road counts after half a second of the stream's time (and
 * 5 frames at least), not after 5 frames: at 25 fps 5 frames are 0.2 s, and
 * a picture the detector saw on two frames 0.2 s apart was charged. */
static void
a_stay_counts_in_the_streams_time_not_in_frames (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  g_assert_cmpint (zone_rules_frames_needed (&f->cfg->rules, 10), ==, 5);
  g_assert_cmpint (zone_rules_frames_needed (&f->cfg->rules, 25), ==, 13);
  g_assert_cmpint (zone_rules_frames_needed (&f->cfg->rules, 30), ==, 15);
  g_assert_cmpint (zone_rules_frames_needed (&f->cfg->rules, 0), ==, 5);
  /* 25 fps: 12 frames in the road (0.48 s) are not a crossing, 13 are */
  g_assert_cmpint (stay_in_the_road (f, 1, 1, 0, 25, 3, 12, v, 4), ==, 0);
  g_assert_cmpint (stay_in_the_road (f, 2, 101, 10, 25, 3, 13, v, 4), ==, 1);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_OUTSIDE_CROSSWALK);
  g_assert_cmpint (v[0].frame, ==, 13);
  g_assert_cmpint (v[0].entry_frame, ==, 104);
  /* 10 fps: the 5th frame, as before */
  g_assert_cmpint (stay_in_the_road (f, 3, 201, 20, 10, 3, 5, v, 4), ==, 1);
  g_assert_cmpint (v[0].frame, ==, 5);
  /* a camera that skips frames: 5 frames over 0.8 s count (the time is there) */
  g_assert_cmpint (stay_in_the_road (f, 4, 301, 30, 5, 3, 5, v, 4), ==, 1);
  g_assert_cmpint (v[0].frame, ==, 5);
  /* a 60 fps camera: 29 frames (0.48 s) do not */
  g_assert_cmpint (stay_in_the_road (f, 5, 401, 40, 60, 3, 29, v, 4), ==, 0);
}

static void
crossing_on_walk_in_the_crosswalk_is_legal (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  g_assert_cmpint (walk (f, 1, frame_at (2), 450, 50, 450, 250, 150, v, 4), ==, 0);
}

static void
crossing_begun_on_dont_walk_is_one_red_violation (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  /* from y 50 to 250 over 200 frames: 1 px per frame, enters y=100 at step 50 */
  int start = frame_at (30);
  int n = walk (f, 1, start, 450, 50, 450, 250, 200, v, 4);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_RED_SIGNAL);
  g_assert_cmpint (v[0].entry_frame, ==, start + 50);
  /* 0.5 m (5 px) deep from step 55; the 5th consecutive deep frame decides */
  g_assert_cmpint (v[0].frame, ==, start + 59);
}

static void
crossing_begun_on_walk_and_finished_on_clearance_is_legal (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  /* enters at t = 18 s (WALK), still on the road well into DONT_WALK */
  g_assert_cmpint (walk (f, 1, frame_at (18) - 50, 450, 50, 450, 250, 2000, v, 4), ==, 0);
}

static void
entering_within_the_red_grace_is_legal_and_after_it_is_not (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  /* DONT_WALK starts at 26 s; entering at 26.5 s is within the 1 s grace */
  g_assert_cmpint (walk (f, 1, frame_at (26.5) - 50, 450, 50, 450, 250, 200, v, 4), ==, 0);
  g_assert_cmpint (walk (f, 2, frame_at (27.5) - 50, 450, 50, 450, 250, 200, v, 4), ==, 1);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_RED_SIGNAL);
}

static void
crossing_outside_the_crosswalk_is_one_violation_on_any_phase (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  int n = walk (f, 1, frame_at (2), 200, 50, 200, 250, 200, v, 4);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_OUTSIDE_CROSSWALK);
}

static void
stepping_off_the_kerb_on_walk_outside_the_crosswalk_is_legal (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  int n = walk (f, 1, frame_at (2), 200, 90, 200, 103, 13, v, 4);
  n += walk (f, 1, frame_at (3.4), 200, 103, 200, 103, 30, v + n, 4 - n);
  n += walk (f, 1, frame_at (6.5), 200, 103, 200, 90, 13, v + n, 4 - n);
  g_assert_cmpint (n, ==, 0);
}

static void
a_new_crossing_after_leaving_the_road_is_a_new_violation (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  int n = walk (f, 1, frame_at (30), 200, 50, 200, 250, 200, v, 4);
  /* back across, once well clear of the road */
  n += walk (f, 1, frame_at (30) + 201, 200, 250, 200, 50, 200, v + n, 4 - n);
  g_assert_cmpint (n, ==, 2);
}

static void
two_people_crossing_together_are_two_violations (struct fixture *f, gconstpointer data)
{
  int frame = frame_at (30), n = 0;
  for (int i = 0; i <= 200; i++, frame++) {
    double t = (frame - 1) / FPS;
    struct zone_signal_state sig;
    zone_signal_at (f->signal, t, &sig);
    struct zone_track_in in[2] = {{1, {440, 50 + i}}, {2, {460, 50 + i}}};
    struct zone_track_out o[2];
    zone_rules_step (f->rules, frame, t, &sig, in, 2, o);
    n += o[0].violation + o[1].violation;
  }
  g_assert_cmpint (n, ==, 2);
}

static void
a_track_lost_mid_road_and_reacquired_is_one_violation (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  int n = walk (f, 1, frame_at (30), 450, 50, 450, 150, 100, v, 4);
  /* 2 s unseen (occlusion), then the same track id again mid-road */
  n += walk (f, 1, frame_at (30) + 121, 450, 170, 450, 250, 80, v + n, 4 - n);
  g_assert_cmpint (n, ==, 1);
}

/* Someone who walks out of the picture at its edge, on the road, is not
 * lost: a track that comes in there 3 s later, stepping off the kerb on
 * red, is someone else, with a fine of their own. Lost in the same place
 * while walking away from the edge, the first person is re-acquired: one
 * crossing, one fine. */
static void
a_person_who_walked_out_of_the_picture_is_not_the_next_one_in (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  int start = frame_at (30);
  /* on red: off the kerb at (250, 100), out at the left edge mid-road */
  int n = walk_in_view (f, 1, start, 300, 60, 20, 150, 40, v, 4);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_RED_SIGNAL);
  /* 3 s later someone comes in there at the kerb and crosses on red */
  n = walk_in_view (f, 2, start + 70, 25, 102, 60, 190, 40, v, 4);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (v[0].track_id, ==, 2);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_RED_SIGNAL);

  /* the same walk the other way: lost near the edge heading into the
   * picture, then a track within walking reach, at the kerb (were it
   * someone new, their step off it on red would be a fine): the same
   * person, whose crossing is already charged */
  n = walk_in_view (f, 3, start + 200, 20, 60, 40, 150, 40, v, 4);
  g_assert_cmpint (n, ==, 1);
  n = walk_in_view (f, 4, start + 270, 45, 102, 60, 190, 20, v, 4);
  g_assert_cmpint (n, ==, 0);
}

static void
ignore_zones_suppress_everything_inside (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  /* a "person" in the advert area, on red, outside the crosswalk */
  g_assert_cmpint (walk (f, 1, frame_at (30), 850, 50, 850, 250, 200, v, 4), ==, 0);
}

/* First seen 2 m into the road on red: when it stepped off is unknown, so
 * no red_signal (and it walks in the crosswalk: nothing else either). First
 * seen 0.2 m in, short of min_depth_m, its entry is seen: dated from its
 * first frame. */
static void
a_track_first_seen_deep_inside_has_no_entry_a_shallow_one_has (struct fixture *f, gconstpointer data)
{
  struct violation v[4];
  int start = frame_at (30);
  g_assert_cmpint (walk (f, 1, start, 450, 120, 450, 250, 130, v, 4), ==, 0);
  int n = walk (f, 2, start + 200, 450, 102, 450, 250, 148, v, 4);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpint (v[0].type, ==, ZONE_VIOLATION_RED_SIGNAL);
  g_assert_cmpint (v[0].entry_frame, ==, start + 200);
}

static void
schedule_phases_follow_the_cycle (void)
{
  struct hwcfg_signal s = {HWCFG_SIGNAL_SCHEDULE, 60, 0, 20, 6, 0, NULL, 0};
  struct zone_signal *sig = zone_signal_create (&s, NULL, NULL);
  struct zone_signal_state st;
  zone_signal_at (sig, 5, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_WALK);
  g_assert_cmpfloat_with_epsilon (st.elapsed_s, 5, 1e-9);
  zone_signal_at (sig, 21, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_CLEARANCE);
  zone_signal_at (sig, 30, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_DONT_WALK);
  g_assert_cmpfloat_with_epsilon (st.elapsed_s, 4, 1e-9);
  zone_signal_at (sig, 65, &st); /* next cycle */
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_WALK);
  zone_signal_free (sig);
  s.walk_end_s = 58; /* walk + clearance beyond the cycle */
  GError *err = NULL;
  g_assert_null (zone_signal_create (&s, NULL, &err));
  g_assert_nonnull (err);
  g_clear_error (&err);
}

/* [signal] cycle_anchor: the schedule runs on the wall clock, so two
 * appliances (or one restarted) agree on the phase at the same instant,
 * and the phase of an instant is where it is in the cycle since the anchor. */
static void
an_anchored_schedule_survives_restarts (void)
{
  const gint64 S = G_USEC_PER_SEC, anchor = G_GINT64_CONSTANT (1767600000) * S; /* 2026-01-05T08:00:00Z */
  struct hwcfg_signal s = {HWCFG_SIGNAL_SCHEDULE, 60, 0, 20, 6, 0, NULL, 0, true, anchor};
  struct zone_signal *before = zone_signal_create (&s, NULL, NULL), *after = zone_signal_create (&s, NULL, NULL);
  static const struct {
    gint64 at_s;
    enum zone_phase phase;
    double elapsed_s;
  } CASES[] = {
      {5, ZONE_PHASE_WALK, 5},                        /* 5 s into the first cycle */
      {60 * 1000 + 21, ZONE_PHASE_CLEARANCE, 1},      /* a thousand cycles on */
      {60 * 1000 * 1000 + 30, ZONE_PHASE_DONT_WALK, 4}, /* a million (about two years) */
      {-60 + 50, ZONE_PHASE_DONT_WALK, 24},           /* before the anchor */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (CASES); i++) {
    struct zone_signal_state a, b;
    zone_signal_at_utc (before, anchor + CASES[i].at_s * S, &a);
    zone_signal_at_utc (after, anchor + CASES[i].at_s * S, &b);
    g_assert_cmpint (a.phase, ==, CASES[i].phase);
    g_assert_cmpfloat_with_epsilon (a.elapsed_s, CASES[i].elapsed_s, 1e-6);
    g_assert_cmpint (b.phase, ==, a.phase);
    g_assert_cmpfloat_with_epsilon (b.elapsed_s, a.elapsed_s, 1e-6);
  }
  /* by stream time, from whenever the first frame came: the wall clock's phase */
  struct zone_signal_state now, expect;
  zone_signal_at (after, 0, &now);
  zone_signal_at_utc (before, g_get_real_time (), &expect);
  g_assert_cmpint (now.phase, ==, expect.phase);
  g_assert_cmpfloat_with_epsilon (now.elapsed_s, expect.elapsed_s, 0.5);
  zone_signal_free (before);
  zone_signal_free (after);
}

static void
crossing_begun_on_an_unknown_phase_is_counted_not_charged_red (struct fixture *f, gconstpointer data)
{
  /* the crosswalk walk that is red when the schedule says DON'T WALK, with
   * no phase known (a silent signal feed): no red-signal case, one
   * crossing counted; a crossing outside the crosswalk is still charged */
  struct zone_signal_state unknown = {.phase = ZONE_PHASE_UNKNOWN, .source = "mqtt"};
  int charged = 0;
  for (int i = 0; i <= 200; i++) {
    int frame = frame_at (30) + i;
    struct zone_track_in in[2] = {{1, {450, 50 + i}}, {2, {200, 50 + i}}};
    struct zone_track_out o[2];
    zone_rules_step (f->rules, frame, (frame - 1) / FPS, &unknown, in, 2, o);
    for (int k = 0; k < 2; k++)
      if (o[k].violation) {
        g_assert_cmpint (o[k].track_id, ==, 2);
        g_assert_cmpint (o[k].type, ==, ZONE_VIOLATION_OUTSIDE_CROSSWALK);
        charged++;
      }
  }
  g_assert_cmpint (charged, ==, 1);
  g_assert_cmpint (zone_rules_unknown_signal_crossings (f->rules), ==, 2);
}

#define ADD(name) g_test_add ("/rules/" #name, struct fixture, NULL, setup, name, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD (crossing_on_walk_in_the_crosswalk_is_legal);
  ADD (crossing_begun_on_dont_walk_is_one_red_violation);
  ADD (crossing_begun_on_an_unknown_phase_is_counted_not_charged_red);
  ADD (crossing_begun_on_walk_and_finished_on_clearance_is_legal);
  ADD (entering_within_the_red_grace_is_legal_and_after_it_is_not);
  ADD (crossing_outside_the_crosswalk_is_one_violation_on_any_phase);
  ADD (stepping_off_the_kerb_on_walk_outside_the_crosswalk_is_legal);
  ADD (a_new_crossing_after_leaving_the_road_is_a_new_violation);
  ADD (two_people_crossing_together_are_two_violations);
  ADD (a_track_lost_mid_road_and_reacquired_is_one_violation);
  ADD (a_person_who_walked_out_of_the_picture_is_not_the_next_one_in);
  ADD (ignore_zones_suppress_everything_inside);
  ADD (a_track_first_seen_deep_inside_has_no_entry_a_shallow_one_has);
  ADD (a_stay_counts_in_the_streams_time_not_in_frames);
  g_test_add_func ("/signal/schedule_phases_follow_the_cycle", schedule_phases_follow_the_cycle);
  g_test_add_func ("/signal/an_anchored_schedule_survives_restarts", an_anchored_schedule_survives_restarts);
  return g_test_run ();
}
