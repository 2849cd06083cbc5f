#include "trk_tracker.h"

#include "trk_assign.h"
#include "trk_kalman.h"

#include <stdlib.h>
#include <string.h>

struct track {
  int id;
  struct trk_kalman kf;
  int hits, hit_streak, misses;
  bool confirmed; /* matched min_hits times in a row, once */
  double score;
};

struct trk_tracker {
  struct trk_params params;
  struct track *tracks;
  int n_tracks, cap_tracks;
  int next_id;
  int detection_frames; /* frames on which the detector ran */
  struct trk_track_out *out;
  int n_out;
  /* scratch, grown as needed */
  double *cost;
  int *match;
  char *det_used;
  size_t cost_cap, match_cap, used_cap, out_cap;
};

struct trk_params
trk_params_default (void)
{
  return (struct trk_params){.iou_threshold = 0.3, .min_hits = 3, .max_age = 10};
}

struct trk_tracker *
trk_tracker_create (const struct trk_params *params)
{
  if (!params || params->iou_threshold <= 0 || params->iou_threshold > 1 || params->min_hits < 1 ||
      params->max_age < 1)
    return NULL;
  struct trk_tracker *trk = calloc (1, sizeof *trk);
  if (!trk)
    return NULL;
  trk->params = *params;
  trk->next_id = 1;
  return trk;
}

void
trk_tracker_free (struct trk_tracker *trk)
{
  if (!trk)
    return;
  free (trk->tracks);
  free (trk->out);
  free (trk->cost);
  free (trk->match);
  free (trk->det_used);
  free (trk);
}

/* Grows *BUF to hold N elements of SIZE bytes. */
static int
reserve (void **buf, size_t *cap, size_t n, size_t size)
{
  if (n <= *cap)
    return 0;
  size_t want = n < 16 ? 16 : n * 2;
  void *p = realloc (*buf, want * size);
  if (!p)
    return -1;
  *buf = p;
  *cap = want;
  return 0;
}

static int
add_track (struct trk_tracker *trk, const struct trk_detection *det)
{
  size_t cap = (size_t) trk->cap_tracks;
  if (reserve ((void **) &trk->tracks, &cap, (size_t) trk->n_tracks + 1, sizeof (struct track)))
    return -1;
  trk->cap_tracks = (int) cap;
  struct track *t = &trk->tracks[trk->n_tracks++];
  memset (t, 0, sizeof *t);
  t->id = trk->next_id++;
  trk_kalman_init (&t->kf, &det->box);
  t->hits = t->hit_streak = 1;
  t->confirmed = trk->params.min_hits <= 1;
  t->score = det->score;
  return 0;
}

static int
associate (struct trk_tracker *trk, const struct trk_detection *dets, int n)
{
  int nt = trk->n_tracks;
  if (reserve ((void **) &trk->cost, &trk->cost_cap, (size_t) nt * n + 1, sizeof (double)) ||
      reserve ((void **) &trk->match, &trk->match_cap, (size_t) nt + 1, sizeof (int)) ||
      reserve ((void **) &trk->det_used, &trk->used_cap, (size_t) n + 1, 1))
    return -1;
  for (int i = 0; i < nt; i++) {
    struct trk_box pred;
    trk_kalman_box (&trk->tracks[i].kf, &pred);
    for (int j = 0; j < n; j++)
      trk->cost[(size_t) i * n + j] = 1.0 - trk_box_iou (&pred, &dets[j].box);
  }
  if (trk_assign_solve (trk->cost, nt, n, trk->match))
    return -1;
  memset (trk->det_used, 0, (size_t) n);
  for (int i = 0; i < nt; i++) {
    int j = trk->match[i];
    if (j >= 0 && 1.0 - trk->cost[(size_t) i * n + j] < trk->params.iou_threshold)
      j = trk->match[i] = -1; /* the optimal pair overlaps too little to be the same person */
    struct track *t = &trk->tracks[i];
    if (j >= 0) {
      trk_kalman_update (&t->kf, &dets[j].box);
      t->hits++;
      t->hit_streak++;
      t->misses = 0;
      t->confirmed = t->confirmed || t->hit_streak >= trk->params.min_hits;
      t->score = dets[j].score;
      trk->det_used[j] = 1;
    } else {
      t->misses++;
      t->hit_streak = 0;
    }
  }
  return 0;
}

static void
remove_dead (struct trk_tracker *trk)
{
  int w = 0;
  for (int i = 0; i < trk->n_tracks; i++)
    if (trk->tracks[i].misses <= trk->params.max_age)
      trk->tracks[w++] = trk->tracks[i];
  trk->n_tracks = w;
}

static int
collect_output (struct trk_tracker *trk)
{
  trk->n_out = 0;
  if (trk->n_tracks == 0)
    return 0;
  if (reserve ((void **) &trk->out, &trk->out_cap, (size_t) trk->n_tracks, sizeof (struct trk_track_out)))
    return -1;
  for (int i = 0; i < trk->n_tracks; i++) {
    const struct track *t = &trk->tracks[i];
    /* Reported only in frames it was matched (as SORT), once confirmed or
     * during the first frames, when nothing could be confirmed yet. Unlike
     * SORT, a confirmed track stays confirmed after a gap: a person
     * re-found after an occlusion is reported at once, under the same id. */
    if (t->misses > 0)
      continue;
    if (!t->confirmed && trk->detection_frames > trk->params.min_hits)
      continue;
    struct trk_track_out *o = &trk->out[trk->n_out++];
    o->id = t->id;
    trk_kalman_box (&t->kf, &o->box);
    o->score = t->score;
    o->hits = t->hits;
  }
  return 0;
}

int
trk_tracker_step (struct trk_tracker *trk, const struct trk_detection *dets, int n, bool detector_ran)
{
  if (!trk || n < 0 || (n > 0 && !dets) || (!detector_ran && n > 0))
    return -1;
  for (int i = 0; i < trk->n_tracks; i++)
    trk_kalman_predict (&trk->tracks[i].kf);
  if (!detector_ran)
    return collect_output (trk);

  trk->detection_frames++;
  int n_before = trk->n_tracks;
  if (n_before > 0 && n > 0) {
    if (associate (trk, dets, n))
      return -1;
  } else {
    for (int i = 0; i < n_before; i++) {
      trk->tracks[i].misses++;
      trk->tracks[i].hit_streak = 0;
    }
    if (reserve ((void **) &trk->det_used, &trk->used_cap, (size_t) n + 1, 1))
      return -1;
    memset (trk->det_used, 0, (size_t) n);
  }
  for (int j = 0; j < n; j++)
    if (!trk->det_used[j] && add_track (trk, &dets[j]))
      return -1;
  remove_dead (trk);
  return collect_output (trk);
}

int
trk_tracker_tracks (const struct trk_tracker *trk, const struct trk_track_out **out)
{
  if (!trk || !out)
    return 0;
  *out = trk->out;
  return trk->n_out;
}
