#include "trk_sort.h"

#include "trk_assign.h"
#include "trk_kalman.h"

#include <glib.h>
#include <math.h>

/* SORT's state: u, v (centre), s (area) with velocities, r (aspect, constant). */
struct sort_track {
  struct trk_kalman_axis u, v, s, r;
  int id, time_since_update, hits, hit_streak;
};

struct trk_sort {
  int max_age, min_hits, frame_count, next_id;
  double iou_threshold;
  GArray *tracks; /* struct sort_track */
  GArray *out;    /* struct trk_track_out */
};

/* SORT's noise: R = diag(1, 1, 10, 10); P0 = 10 (positions), 1e4 (velocities);
 * Q = 1 (positions), 0.01 (u', v'), 1e-4 (s'). */
static const double R_UV = 1, R_SR = 10, P0_POS = 10, P0_VEL = 1e4, Q_POS = 1, Q_UV = 0.01, Q_S = 1e-4;

static void
axis_init (struct trk_kalman_axis *a, double z, gboolean has_velocity)
{
  *a = (struct trk_kalman_axis){z, 0, P0_POS, 0, has_velocity ? P0_VEL : 0};
}

static void
to_z (const struct trk_box *b, double z[4])
{
  z[0] = b->x + b->w / 2;
  z[1] = b->y + b->h / 2;
  z[2] = b->w * b->h;
  z[3] = b->w / b->h;
}

static void
state_box (const struct sort_track *t, struct trk_box *b)
{
  double s = fmax (t->s.pos, 0), r = fmax (t->r.pos, 1e-9);
  b->w = sqrt (s * r);
  b->h = b->w > 0 ? s / b->w : 0;
  b->x = t->u.pos - b->w / 2;
  b->y = t->v.pos - b->h / 2;
}

struct trk_sort *
trk_sort_create (int max_age, int min_hits, double iou_threshold)
{
  struct trk_sort *s = g_new0 (struct trk_sort, 1);
  s->max_age = max_age;
  s->min_hits = min_hits;
  s->iou_threshold = iou_threshold;
  s->next_id = 1;
  s->tracks = g_array_new (FALSE, FALSE, sizeof (struct sort_track));
  s->out = g_array_new (FALSE, FALSE, sizeof (struct trk_track_out));
  return s;
}

void
trk_sort_free (struct trk_sort *s)
{
  if (!s)
    return;
  g_array_free (s->tracks, TRUE);
  g_array_free (s->out, TRUE);
  g_free (s);
}

static void
predict (struct sort_track *t)
{
  if (t->s.pos + t->s.vel <= 0)
    t->s.vel = 0;
  trk_kalman_axis_predict (&t->u, Q_POS, Q_UV);
  trk_kalman_axis_predict (&t->v, Q_POS, Q_UV);
  trk_kalman_axis_predict (&t->s, Q_POS, Q_S);
  trk_kalman_axis_predict (&t->r, Q_POS, 0);
  if (t->time_since_update > 0)
    t->hit_streak = 0;
  t->time_since_update++;
}

static void
update (struct sort_track *t, const struct trk_box *b)
{
  double z[4];
  to_z (b, z);
  t->time_since_update = 0;
  t->hits++;
  t->hit_streak++;
  trk_kalman_axis_update (&t->u, z[0], R_UV);
  trk_kalman_axis_update (&t->v, z[1], R_UV);
  trk_kalman_axis_update (&t->s, z[2], R_SR);
  trk_kalman_axis_update (&t->r, z[3], R_SR);
}

/* SORT's associate_detections_to_trackers: when every detection and track
 * overlaps (> threshold) exactly one partner, take those pairs; else
 * Hungarian on IoU. Pairs under the threshold are then dropped. */
static void
associate (struct trk_sort *s, const struct trk_detection *dets, int n, int *det_of_track)
{
  int nt = (int) s->tracks->len;
  for (int t = 0; t < nt; t++)
    det_of_track[t] = -1;
  if (n <= 0 || nt <= 0)
    return;
  double *iou = g_new (double, (size_t) nt * (size_t) n);
  int *row_hits = g_new0 (int, nt), *col_hits = g_new0 (int, n);
  for (int t = 0; t < nt; t++) {
    struct trk_box pb;
    state_box (&g_array_index (s->tracks, struct sort_track, t), &pb);
    for (int d = 0; d < n; d++) {
      iou[t * n + d] = trk_box_iou (&dets[d].box, &pb);
      if (iou[t * n + d] > s->iou_threshold) {
        row_hits[t]++;
        col_hits[d]++;
      }
    }
  }
  gboolean unique = TRUE;
  for (int t = 0; t < nt; t++)
    unique = unique && row_hits[t] <= 1;
  for (int d = 0; d < n; d++)
    unique = unique && col_hits[d] <= 1;
  if (unique) {
    for (int t = 0; t < nt; t++)
      for (int d = 0; d < n; d++)
        if (iou[t * n + d] > s->iou_threshold)
          det_of_track[t] = d;
  } else {
    double *cost = g_new (double, (size_t) nt * (size_t) n);
    for (int i = 0; i < nt * n; i++)
      cost[i] = -iou[i];
    trk_assign_solve (cost, nt, n, det_of_track);
    g_free (cost);
  }
  for (int t = 0; t < nt; t++)
    if (det_of_track[t] >= 0 && iou[t * n + det_of_track[t]] < s->iou_threshold)
      det_of_track[t] = -1;
  g_free (iou);
  g_free (row_hits);
  g_free (col_hits);
}

int
trk_sort_step (struct trk_sort *s, const struct trk_detection *dets, int n, const struct trk_track_out **out)
{
  s->frame_count++;
  int nt = (int) s->tracks->len;
  for (int t = 0; t < nt; t++)
    predict (&g_array_index (s->tracks, struct sort_track, t));
  int *det_of_track = g_new (int, nt + 1);
  char *used = g_new0 (char, n + 1);
  associate (s, dets, n, det_of_track);
  for (int t = 0; t < nt; t++)
    if (det_of_track[t] >= 0) {
      update (&g_array_index (s->tracks, struct sort_track, t), &dets[det_of_track[t]].box);
      used[det_of_track[t]] = 1;
    }
  for (int d = 0; d < n; d++) {
    if (used[d])
      continue;
    struct sort_track t = {0};
    double z[4];
    to_z (&dets[d].box, z);
    axis_init (&t.u, z[0], TRUE);
    axis_init (&t.v, z[1], TRUE);
    axis_init (&t.s, z[2], TRUE);
    axis_init (&t.r, z[3], FALSE);
    t.id = s->next_id++;
    g_array_append_val (s->tracks, t);
  }
  g_free (det_of_track);
  g_free (used);

  g_array_set_size (s->out, 0);
  for (int i = (int) s->tracks->len - 1; i >= 0; i--) {
    struct sort_track *t = &g_array_index (s->tracks, struct sort_track, i);
    if (t->time_since_update < 1 && (t->hit_streak >= s->min_hits || s->frame_count <= s->min_hits)) {
      struct trk_track_out o = {.id = t->id, .score = 1, .hits = t->hits};
      state_box (t, &o.box);
      g_array_append_val (s->out, o);
    }
    if (t->time_since_update > s->max_age)
      g_array_remove_index (s->tracks, i);
  }
  *out = (const struct trk_track_out *) s->out->data;
  return (int) s->out->len;
}
