/* live_check — flat-image rejection: is a candidate violator a real person
 * standing and moving on the ground?
 *
 * Each check looks at a track's recent history and gives a score in [0, 1]
 * (1 = certainly live), a verdict and the measurements behind it. Checks are
 * entries of one table (live_check.c); later checks (motion, geometry, depth)
 * are added there. The fused verdict is documented at live_fuse().
 */
#ifndef CW_LIVE_CHECK_H
#define CW_LIVE_CHECK_H

#include "hwcfg.h"

#include <stdbool.h>

enum live_verdict {
  LIVE_UNCERTAIN,
  LIVE_LIVE,
  LIVE_FLAT,
};

struct live_sample {
  double t_s;            /* seconds since the first frame */
  bool has_ground;
  double ground_x, ground_y; /* metres */
};

/* A track's samples, oldest first, within the configured window. */
struct live_history {
  const struct live_sample *samples;
  int n;
};

#define LIVE_DETAIL_MAX 160
#define LIVE_MAX_CHECKS 4

struct live_check_result {
  const char *name;
  enum live_verdict verdict;
  double score;
  char detail[LIVE_DETAIL_MAX]; /* JSON object members: "\"speed_mps\":1.2,..." */
};

struct live_result {
  enum live_verdict verdict;
  double score; /* the lowest check score */
  struct live_check_result checks[LIVE_MAX_CHECKS];
  int n_checks;
};

struct live_checker;

struct live_checker *live_checker_create (const struct hwcfg_liveness *params);
void live_checker_free (struct live_checker *lc);

/* Adds one observation of TRACK_ID. */
void live_checker_observe (struct live_checker *lc, int track_id, const struct live_sample *s);

/* Runs every check on TRACK_ID's history and fuses them into OUT. */
void live_checker_assess (struct live_checker *lc, int track_id, struct live_result *out);

/* The track's retained history (oldest first); n = 0 for an unknown track. */
struct live_history live_checker_history (struct live_checker *lc, int track_id);

/* Fusion rule: any check FLAT makes the candidate FLAT; all checks LIVE make
 * it LIVE; anything else is UNCERTAIN (goes to review flagged). */
void live_fuse (struct live_result *res);

const char *live_verdict_name (enum live_verdict v);

/* The speed check (live_speed.c): ground speed and displacement of a walker. */
void live_check_speed (const struct live_history *h, const struct hwcfg_liveness *p,
                       struct live_check_result *out);

/* The result as a JSON object {"verdict":..,"score":..,"checks":{..}}; g_free it. */
char *live_result_to_json (const struct live_result *res);

#endif
