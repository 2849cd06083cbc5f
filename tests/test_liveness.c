#include "live_check.h"

#include <glib.h>
#include <string.h>

static const struct hwcfg_liveness PARAMS = {0.2, 7.0, 0.5, 2.0};

/* Feeds a track moving at SPEED m/s for SECONDS at 10 fps and assesses it. */
static void
assess_walk (double speed, double seconds, gboolean calibrated, struct live_result *out)
{
  struct live_checker *lc = live_checker_create (&PARAMS);
  for (int i = 0; i <= (int) (seconds * 10); i++) {
    struct live_sample s = {i / 10.0, calibrated, speed * i / 10.0, 0};
    live_checker_observe (lc, 7, &s);
  }
  live_checker_assess (lc, 7, out);
  live_checker_free (lc);
}

static void
a_walker_is_live (void)
{
  struct live_result r;
  assess_walk (1.4, 3, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, LIVE_LIVE);
  g_assert_cmpstr (r.checks[0].name, ==, "speed");
  g_assert_nonnull (strstr (r.checks[0].detail, "\"speed_mps\":1.40"));
}

static void
a_runner_is_live (void)
{
  struct live_result r;
  assess_walk (5.0, 3, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, LIVE_LIVE);
}

static void
a_print_on_a_bus_is_flat (void)
{
  struct live_result r;
  assess_walk (11.0, 3, TRUE, &r); /* 40 km/h */
  g_assert_cmpint (r.verdict, ==, LIVE_FLAT);
  g_assert_cmpfloat (r.score, ==, 0);
}

static void
a_static_poster_is_flat (void)
{
  struct live_result r;
  assess_walk (0.0, 3, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, LIVE_FLAT);
}

static void
too_little_history_or_no_calibration_is_uncertain (void)
{
  struct live_result r;
  assess_walk (1.4, 0.3, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, LIVE_UNCERTAIN);
  assess_walk (1.4, 3, FALSE, &r);
  g_assert_cmpint (r.verdict, ==, LIVE_UNCERTAIN);
}

static void
fusion_rule_any_flat_wins_all_live_needed (void)
{
  struct live_result r = {0};
  r.n_checks = 2;
  r.checks[0] = (struct live_check_result){"a", LIVE_LIVE, 1.0, ""};
  r.checks[1] = (struct live_check_result){"b", LIVE_UNCERTAIN, 0.5, ""};
  live_fuse (&r);
  g_assert_cmpint (r.verdict, ==, LIVE_UNCERTAIN);
  g_assert_cmpfloat (r.score, ==, 0.5);
  r.checks[1].verdict = LIVE_FLAT;
  live_fuse (&r);
  g_assert_cmpint (r.verdict, ==, LIVE_FLAT);
  r.checks[1].verdict = LIVE_LIVE;
  live_fuse (&r);
  g_assert_cmpint (r.verdict, ==, LIVE_LIVE);
  g_autofree char *json = live_result_to_json (&r);
  g_assert_nonnull (strstr (json, "\"verdict\":\"live\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/liveness/a_walker_is_live", a_walker_is_live);
  g_test_add_func ("/liveness/a_runner_is_live", a_runner_is_live);
  g_test_add_func ("/liveness/a_print_on_a_bus_is_flat", a_print_on_a_bus_is_flat);
  g_test_add_func ("/liveness/a_static_poster_is_flat", a_static_poster_is_flat);
  g_test_add_func ("/liveness/too_little_history_or_no_calibration_is_uncertain",
                   too_little_history_or_no_calibration_is_uncertain);
  g_test_add_func ("/liveness/fusion_rule_any_flat_wins_all_live_needed", fusion_rule_any_flat_wins_all_live_needed);
  return g_test_run ();
}
