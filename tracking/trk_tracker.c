#include "trk_tracker.h"

#include "trk_assign.h"
#include "trk_kalman.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Observations kept per track, for the observed direction (delta_t back). */
#define OBS_HISTORY 8
#define NO_MATCH 1e6

struct observation {
  int frame;
  struct trk_box box;
};

struct track {
  int id;
  struct trk_kalman kf;
  struct trk_kalman kf_at_obs; /* the filter right after the last observation */
  struct observation obs[OBS_HISTORY]; /* ring, obs[n_obs % OBS_HISTORY] is next */
  int n_obs;
  int hits, hit_streak, misses;
  bool reported; /* its id has been reported (counted in reported_ids) */
  bool confirmed;
  double score;
  bool has_signature;
  float signature[TRK_SIGNATURE_LEN]; /* running average of its detections' */
};

struct trk_tracker {
  struct trk_params params;
  struct track *tracks;
  int n_tracks;
  size_t cap_tracks;
  int next_id;
  int frame;            /* every step */
  int detection_frames; /* steps on which the detector ran */
  int64_t reported_ids; /* different ids reported so far */
  struct trk_track_out *out;
  int n_out;
  size_t out_cap;
  /* scratch, grown as needed */
  double *cost;
  double *sim; /* colour similarity of each track and detection in the cost matrix */
  int *match, *track_det, *pool;
  char *det_used;
  size_t cost_cap, sim_cap, match_cap, track_cap, used_cap, pool_cap;
};

struct trk_params
trk_params_default (void)
{
  /* Chosen on MOT15 (bench/mot_bench, see bench/README.md); max_age sits
   * in the middle of a plateau (12-20 give the same scores within 0.2).
   * MOT15's files carry no colour signatures, so the appearance weight was
   * chosen on the appliance's own detections of vtest.avi (signatures
   * included, replayed with track-mot): ID switches 31 at 0.5, 28 at 2, 21
   * at 3, 17 from 3.5 to 6 (IDF1 67.5 -> 71.2); 4 is inside that plateau. */
  return (struct trk_params){.iou_threshold = 0.3,
                             .min_hits = 3,
                             .max_age = 20,
                             .high_score = 0.6,
                             .low_score = 0.1,
                             .new_track_score = 0.8,
                             .low_iou_threshold = 0.5,
                             .inertia = 0.2,
                             .delta_t = 3,
                             .reupdate = true,
                             .buffer = 0.1,
                             .lost_distance = 0.5,
                             .relink_distance = 0.5,
                             .appearance_weight = 4,
                             .appearance_gate = 0.6};
}

struct trk_tracker *
trk_tracker_create (const struct trk_params *params)
{
  if (!params || params->iou_threshold <= 0 || params->iou_threshold > 1 || params->min_hits < 1 ||
      params->max_age < 1 || params->low_score > params->high_score || params->low_iou_threshold <= 0 ||
      params->low_iou_threshold > 1 || params->inertia < 0 || params->delta_t < 1 ||
      params->delta_t >= OBS_HISTORY || params->buffer < 0 || params->lost_distance < 0 ||
      params->relink_distance < 0 || params->appearance_weight < 0 || params->appearance_gate < 0 ||
      params->appearance_gate > 1)
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
  free (trk->sim);
  free (trk->match);
  free (trk->track_det);
  free (trk->pool);
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

double
trk_signature_similarity (const float *a, const float *b)
{
  double bc = 0;
  for (int i = 0; i < TRK_SIGNATURE_LEN; i++)
    bc += sqrt ((double) a[i] * b[i]);
  return bc;
}

/* Colour similarity of a track and a detection; 1 when either has no
 * signature (no evidence against the match). */
static double
similarity (const struct track *t, const struct trk_detection *d)
{
  return t->has_signature && d->has_signature ? trk_signature_similarity (t->signature, d->signature) : 1.0;
}

static void
learn_signature (struct track *t, const struct trk_detection *d)
{
  if (!d->has_signature)
    return;
  /* a slow average: one odd detection (occlusion) must not repaint the track */
  const double keep = t->has_signature ? 0.9 : 0.0;
  for (int i = 0; i < TRK_SIGNATURE_LEN; i++)
    t->signature[i] = (float) (keep * t->signature[i] + (1 - keep) * d->signature[i]);
  t->has_signature = true;
}

static const struct observation *
last_obs (const struct track *t)
{
  return &t->obs[(t->n_obs - 1) % OBS_HISTORY];
}

static void
remember_obs (struct track *t, int frame, const struct trk_box *box)
{
  t->obs[t->n_obs % OBS_HISTORY] = (struct observation){frame, *box};
  t->n_obs++;
  t->kf_at_obs = t->kf;
}

static int
add_track (struct trk_tracker *trk, const struct trk_detection *det)
{
  if (reserve ((void **) &trk->tracks, &trk->cap_tracks, (size_t) trk->n_tracks + 1, sizeof (struct track)))
    return -1;
  struct track *t = &trk->tracks[trk->n_tracks++];
  memset (t, 0, sizeof *t);
  t->id = trk->next_id++;
  trk_kalman_init (&t->kf, &det->box);
  remember_obs (t, trk->frame, &det->box);
  t->hits = t->hit_streak = 1;
  t->confirmed = trk->params.min_hits <= 1;
  t->score = det->score;
  learn_signature (t, det);
  return 0;
}

/* The observation about delta_t observations before the last one (the
 * last one itself for a track seen once). */
static const struct observation *
obs_delta_t_back (const struct trk_tracker *trk, const struct track *t)
{
  int back = t->n_obs - 1 - trk->params.delta_t;
  if (back < 0)
    back = 0;
  if (t->n_obs - 1 - back >= OBS_HISTORY)
    back = t->n_obs - OBS_HISTORY;
  return &t->obs[back % OBS_HISTORY];
}

/* B's centre less A's. */
static void
centre_step (const struct trk_box *a, const struct trk_box *b, double *dx, double *dy)
{
  *dx = (b->x + b->w / 2) - (a->x + a->w / 2);
  *dy = (b->y + b->h / 2) - (a->y + a->h / 2);
}

/* How far T's centre moved over its last delta_t observations (*DX, *DY);
 * returns the frames that took, 0 when the track has no such history. */
static int
observed_step (const struct trk_tracker *trk, const struct track *t, double *dx, double *dy)
{
  if (t->n_obs < 2)
    return 0;
  const struct observation *a = obs_delta_t_back (trk, t), *b = last_obs (t);
  centre_step (&a->box, &b->box, dx, dy);
  return b->frame - a->frame;
}

/* The track's observed direction of motion: unit vector from the
 * observation about delta_t frames back to the last one. FALSE when the
 * track has no such history. */
static bool
observed_direction (const struct trk_tracker *trk, const struct track *t, double *dx, double *dy)
{
  double vx, vy;
  if (observed_step (trk, t, &vx, &vy) <= 0)
    return false;
  double norm = hypot (vx, vy);
  if (norm < 1e-6)
    return false;
  *dx = vx / norm;
  *dy = vy / norm;
  return true;
}

/* OC-SORT's direction term: in [-0.5, 0.5], positive when the detection lies
 * where the track was heading; weighted by the detection's confidence. */
static double
direction_bonus (const struct trk_tracker *trk, const struct track *t, const struct trk_detection *d)
{
  double tx, ty;
  if (trk->params.inertia <= 0 || !observed_direction (trk, t, &tx, &ty))
    return 0;
  const struct trk_box *o = &last_obs (t)->box;
  double vx, vy;
  centre_step (o, &d->box, &vx, &vy);
  double norm = hypot (vx, vy);
  if (norm < 1e-6)
    return 0;
  double cosine = fmax (-1, fmin (1, (tx * vx + ty * vy) / norm));
  return trk->params.inertia * d->score * (M_PI / 2 - acos (cosine)) / M_PI;
}

/* How far, in its heights, T's person can have walked since last seen: the
 * speed they were walking at then (over the last delta_t observations)
 * times the frames since. A person lost while turning or stopping is not
 * where the filter predicts; they are within this reach of where they
 * were seen, whichever way they went. */
static double
walked_reach (const struct trk_tracker *trk, const struct track *t)
{
  double dx, dy;
  int frames = observed_step (trk, t, &dx, &dy);
  const struct observation *last = last_obs (t);
  if (frames <= 0 || last->box.h <= 0)
    return 0;
  return hypot (dx, dy) / last->box.h / frames * (trk->frame - last->frame);
}

/* Distance between centres in units of A's height, NO_MATCH beyond GATE or
 * when the heights differ by more than a third: the same person, a little
 * off the prediction, not a neighbour of another size. */
static double
centre_distance (const struct trk_box *a, const struct trk_box *b, double gate)
{
  double ratio = b->h / a->h;
  if (ratio < 0.75 || ratio > 1.33)
    return NO_MATCH;
  double dx, dy;
  centre_step (a, b, &dx, &dy);
  double d = hypot (dx, dy) / a->h;
  return d < gate ? d : NO_MATCH;
}

/* B grown by F of its size on each side. */
static struct trk_box
buffered (const struct trk_box *b, double f)
{
  return (struct trk_box){b->x - f * b->w, b->y - f * b->h, b->w * (1 + 2 * f), b->h * (1 + 2 * f)};
}

/* A person who walks out from behind another is often found first by the
 * other's track: the occluder's prediction overlaps them, while their own
 * track, lost behind it, predicts from a velocity the occlusion stalled
 * (or from standing still) and fails the IoU gate. Before an overlap stage
 * (on the predictions, then on the last observed boxes) is solved, a lost
 * track may also bid for a detection within lost_distance heights of its
 * prediction, or of where it was last seen plus its walked_reach (a person
 * lost while turning is not where the filter predicts: PETS09-S2L1 frame
 * 356, person 9 turns left while hidden and person 1's track takes them),
 * but only when its colours match the detection clearly
 * better (by LOOK_ALIKE_MARGIN) than those of every track that bids for
 * it on overlap: the detection looks like the lost person, not like the
 * one whose box it overlaps. With no such evidence (alike clothes, or no
 * signatures) the lost track waits for the last stage as before, since
 * otherwise it would take a visible person's detection from their own
 * track whenever their boxes were merely near. */
#define LOOK_ALIKE_MARGIN 0.05

/* Adds those bids to the cost matrix associate has just filled, reading its
 * similarity matrix alongside. */
static void
claim_for_lost_look_alikes (struct trk_tracker *trk, const struct trk_detection *dets, const int *pool,
                            int n_pool, const int *tracks, int n_trk)
{
  const struct trk_params *p = &trk->params;
  if (p->lost_distance <= 0)
    return;
  for (int j = 0; j < n_pool; j++) {
    const struct trk_detection *d = &dets[pool[j]];
    if (!d->has_signature)
      continue;
    double best_overlap_sim = -1;
    for (int i = 0; i < n_trk; i++)
      if (trk->cost[(size_t) i * n_pool + j] < NO_MATCH)
        best_overlap_sim = fmax (best_overlap_sim, trk->sim[(size_t) i * n_pool + j]);
    if (best_overlap_sim < 0)
      continue; /* nobody bids on overlap: the last stage will see it */
    for (int i = 0; i < n_trk; i++) {
      const struct track *t = &trk->tracks[tracks[i]];
      double *c = &trk->cost[(size_t) i * n_pool + j];
      if (*c < NO_MATCH || !t->confirmed || t->misses == 0 || !t->has_signature)
        continue;
      double sim = trk->sim[(size_t) i * n_pool + j];
      if (sim < p->appearance_gate || sim < best_overlap_sim + LOOK_ALIKE_MARGIN)
        continue;
      struct trk_box pred;
      trk_kalman_box (&t->kf, &pred);
      double dist = centre_distance (&pred, &d->box, p->lost_distance);
      if (dist >= NO_MATCH)
        dist = centre_distance (&last_obs (t)->box, &d->box, p->lost_distance + walked_reach (trk, t));
      if (dist < NO_MATCH)
        *c = dist + p->appearance_weight * (1 - sim);
    }
  }
}

enum stage { STAGE_PREDICTED, STAGE_WEAK, STAGE_LAST_OBSERVED, STAGE_DISTANCE };

/* Assigns the detections listed in POOL (by index, unused ones only) to the
 * tracks listed in TRACKS (unmatched ones only), by Hungarian on a cost of
 * 1 - IoU (minus the direction term in the first stage), gated by MIN_IOU. */
static int
associate (struct trk_tracker *trk, const struct trk_detection *dets, const int *pool, int n_pool,
           const int *tracks, int n_trk, double min_iou, enum stage stage)
{
  if (n_pool == 0 || n_trk == 0)
    return 0;
  if (reserve ((void **) &trk->cost, &trk->cost_cap, (size_t) n_trk * n_pool, sizeof (double)) ||
      reserve ((void **) &trk->sim, &trk->sim_cap, (size_t) n_trk * n_pool, sizeof (double)) ||
      reserve ((void **) &trk->match, &trk->match_cap, (size_t) n_trk, sizeof (int)))
    return -1;
  for (int i = 0; i < n_trk; i++) {
    const struct track *t = &trk->tracks[tracks[i]];
    struct trk_box ref;
    if (stage == STAGE_LAST_OBSERVED)
      ref = last_obs (t)->box;
    else
      trk_kalman_box (&t->kf, &ref);
    /* Buffered IoU (C-BIoU): growing both boxes a little lets a person who
     * moved faster than predicted still overlap the prediction. */
    double f = stage == STAGE_WEAK ? 0 : trk->params.buffer;
    struct trk_box bref = buffered (&ref, f);
    for (int j = 0; j < n_pool; j++) {
      const struct trk_detection *d = &dets[pool[j]];
      double sim = similarity (t, d);
      trk->sim[(size_t) i * n_pool + j] = sim;
      double c;
      if (sim < trk->params.appearance_gate) {
        c = NO_MATCH; /* dressed differently: another person */
      } else if (stage == STAGE_DISTANCE) {
        c = centre_distance (&ref, &d->box, min_iou);
      } else {
        struct trk_box bdet = buffered (&d->box, f);
        double iou = trk_box_iou (&bref, &bdet);
        c = iou < min_iou ? NO_MATCH : 1.0 - iou;
        if (c < NO_MATCH && stage == STAGE_PREDICTED)
          c -= direction_bonus (trk, t, d);
      }
      if (c < NO_MATCH)
        c += trk->params.appearance_weight * (1 - sim);
      trk->cost[(size_t) i * n_pool + j] = c;
    }
  }
  if (stage == STAGE_PREDICTED || stage == STAGE_LAST_OBSERVED)
    claim_for_lost_look_alikes (trk, dets, pool, n_pool, tracks, n_trk);
  if (trk_assign_solve (trk->cost, n_trk, n_pool, trk->match))
    return -1;
  for (int i = 0; i < n_trk; i++) {
    int j = trk->match[i];
    if (j < 0 || trk->cost[(size_t) i * n_pool + j] >= NO_MATCH)
      continue;
    trk->track_det[tracks[i]] = pool[j];
    trk->det_used[pool[j]] = 1;
  }
  return 0;
}

/* Rewinds the filter to the last observation and replays the gap along a
 * straight line to the new box, so coasting leaves no wrong velocity. */
static void
reupdate (struct trk_tracker *trk, struct track *t, const struct trk_box *box)
{
  int gap = trk->frame - last_obs (t)->frame;
  const struct trk_box *a = &last_obs (t)->box;
  t->kf = t->kf_at_obs;
  for (int k = 1; k < gap; k++) {
    double f = (double) k / gap;
    struct trk_box v = {a->x + (box->x - a->x) * f, a->y + (box->y - a->y) * f, a->w + (box->w - a->w) * f,
                        a->h + (box->h - a->h) * f};
    trk_kalman_predict (&t->kf);
    trk_kalman_update (&t->kf, &v);
  }
  trk_kalman_predict (&t->kf);
}

/* A track just confirmed may be a lost one under a new id (its person
 * reappeared too far from the prediction to be matched). The nearest lost
 * track within relink_distance heights gives it its id; the lost one ends. */
static void
relink (struct trk_tracker *trk, struct track *t)
{
  int best = -1;
  double best_d = trk->params.relink_distance;
  struct trk_box now;
  trk_kalman_box (&t->kf, &now);
  for (int i = 0; i < trk->n_tracks; i++) {
    struct track *lost = &trk->tracks[i];
    if (lost == t || !lost->confirmed || lost->misses == 0 || lost->id > t->id)
      continue;
    if (lost->has_signature && t->has_signature &&
        trk_signature_similarity (lost->signature, t->signature) < trk->params.appearance_gate)
      continue;
    struct trk_box pred;
    trk_kalman_box (&lost->kf, &pred);
    double d = centre_distance (&pred, &now, best_d);
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  if (best < 0)
    return;
  struct track *lost = &trk->tracks[best];
  t->id = lost->id;
  t->reported |= lost->reported; /* the same id: counted once */
  t->hits += lost->hits;
  lost->misses = trk->params.max_age + 1; /* removed with the dead */
  lost->confirmed = true;
}

static void
apply_match (struct trk_tracker *trk, struct track *t, const struct trk_detection *d)
{
  if (trk->params.reupdate && t->misses > 0 && trk->frame - last_obs (t)->frame > 1)
    reupdate (trk, t, &d->box);
  trk_kalman_update (&t->kf, &d->box);
  remember_obs (t, trk->frame, &d->box);
  t->hits++;
  t->hit_streak++;
  t->misses = 0;
  t->score = d->score;
  learn_signature (t, d);
  if (!t->confirmed && t->hit_streak >= trk->params.min_hits) {
    t->confirmed = true;
    if (trk->params.relink_distance > 0)
      relink (trk, t);
  }
}

/* Lists indexes of tracks (unmatched, with the wanted state) into POOL. */
static int
list_tracks (struct trk_tracker *trk, bool only_fresh, int *out)
{
  int n = 0;
  for (int i = 0; i < trk->n_tracks; i++)
    if (trk->track_det[i] < 0 && (!only_fresh || trk->tracks[i].misses == 0))
      out[n++] = i;
  return n;
}

static int
list_lost_tracks (struct trk_tracker *trk, int *out)
{
  int n = 0;
  for (int i = 0; i < trk->n_tracks; i++)
    if (trk->track_det[i] < 0 && trk->tracks[i].misses > 0 && trk->tracks[i].confirmed)
      out[n++] = i;
  return n;
}

static int
list_dets (const struct trk_tracker *trk, const struct trk_detection *dets, int n, double lo, double hi, int *out)
{
  int k = 0;
  for (int j = 0; j < n; j++)
    if (!trk->det_used[j] && dets[j].score >= lo && dets[j].score < hi)
      out[k++] = j;
  return k;
}

static int
match_all (struct trk_tracker *trk, const struct trk_detection *dets, int n)
{
  const struct trk_params *p = &trk->params;
  int nt = trk->n_tracks;
  if (reserve ((void **) &trk->track_det, &trk->track_cap, (size_t) nt + 1, sizeof (int)) ||
      reserve ((void **) &trk->det_used, &trk->used_cap, (size_t) n + 1, 1) ||
      reserve ((void **) &trk->pool, &trk->pool_cap, (size_t) (n + nt) + 1, sizeof (int)))
    return -1;
  for (int i = 0; i < nt; i++)
    trk->track_det[i] = -1;
  memset (trk->det_used, 0, (size_t) n);
  int *dpool = trk->pool, *tpool = trk->pool + n;

  /* 1: confident detections against every live track's prediction */
  int nd = list_dets (trk, dets, n, p->high_score, INFINITY, dpool);
  int ntk = list_tracks (trk, false, tpool);
  if (associate (trk, dets, dpool, nd, tpool, ntk, p->iou_threshold, STAGE_PREDICTED))
    return -1;
  /* 2: weak detections against tracks that were matched last frame */
  nd = list_dets (trk, dets, n, p->low_score, p->high_score, dpool);
  ntk = list_tracks (trk, true, tpool);
  if (associate (trk, dets, dpool, nd, tpool, ntk, p->low_iou_threshold, STAGE_WEAK))
    return -1;
  /* 3: confident detections left against the last observed boxes */
  nd = list_dets (trk, dets, n, p->high_score, INFINITY, dpool);
  ntk = list_tracks (trk, false, tpool);
  if (associate (trk, dets, dpool, nd, tpool, ntk, p->iou_threshold, STAGE_LAST_OBSERVED))
    return -1;
  /* 4: confident detections left against lost tracks, by distance */
  if (p->lost_distance > 0) {
    nd = list_dets (trk, dets, n, p->high_score, INFINITY, dpool);
    ntk = list_lost_tracks (trk, tpool);
    if (associate (trk, dets, dpool, nd, tpool, ntk, p->lost_distance, STAGE_DISTANCE))
      return -1;
  }

  for (int i = 0; i < nt; i++) {
    struct track *t = &trk->tracks[i];
    if (trk->track_det[i] >= 0) {
      apply_match (trk, t, &dets[trk->track_det[i]]);
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
  for (int i = 0; i < trk->n_tracks; i++) {
    const struct track *t = &trk->tracks[i];
    /* a tentative track that misses once was most likely a false detection */
    bool dead = t->confirmed ? t->misses > trk->params.max_age : t->misses > 0;
    if (!dead)
      trk->tracks[w++] = *t;
  }
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
     * during the first frames, when nothing could be confirmed yet. A
     * confirmed track stays confirmed after a gap: a person re-found after
     * an occlusion is reported at once, under the same id. */
    if (t->misses > 0)
      continue;
    if (!t->confirmed && trk->detection_frames > trk->params.min_hits)
      continue;
    if (!t->reported) {
      trk->tracks[i].reported = true;
      trk->reported_ids++;
    }
    struct trk_track_out *o = &trk->out[trk->n_out++];
    o->id = t->id;
    trk_kalman_box (&t->kf, &o->box);
    o->score = t->score;
    o->hits = t->hits;
    o->has_signature = t->has_signature;
    memcpy (o->signature, t->signature, sizeof o->signature);
  }
  return 0;
}

int
trk_tracker_step (struct trk_tracker *trk, const struct trk_detection *dets, int n, bool detector_ran)
{
  if (!trk || n < 0 || (n > 0 && !dets) || (!detector_ran && n > 0))
    return -1;
  trk->frame++;
  for (int i = 0; i < trk->n_tracks; i++)
    trk_kalman_predict (&trk->tracks[i].kf);
  if (!detector_ran)
    return collect_output (trk);

  trk->detection_frames++;
  if (match_all (trk, dets, n))
    return -1;
  for (int j = 0; j < n; j++)
    if (!trk->det_used[j] && dets[j].score >= trk->params.new_track_score && add_track (trk, &dets[j]))
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

int64_t
trk_tracker_reported_ids (const struct trk_tracker *trk)
{
  return trk->reported_ids;
}
