#include "trk_eval.h"

#include "trk_assign.h"

#include <glib.h>
#include <string.h>

/* Rows of one file re-indexed: per frame, and with dense object indices. */
struct indexed {
  int n_frames;  /* highest frame number */
  int *first;    /* first[f]..first[f+1]-1 index rows (sorted) of frame f, f from 1 */
  struct trk_mot_row *rows;
  int *obj;      /* dense object index of each sorted row */
  int n_obj;
};

static int
row_cmp (const void *a, const void *b)
{
  const struct trk_mot_row *x = a, *y = b;
  return x->frame != y->frame ? (x->frame > y->frame) - (x->frame < y->frame) : (x->id > y->id) - (x->id < y->id);
}

static void
index_rows (const struct trk_mot_file *f, gboolean drop_zero_score, int n_frames, struct indexed *out)
{
  memset (out, 0, sizeof *out);
  out->rows = g_new (struct trk_mot_row, f->n_rows + 1);
  int n = 0;
  for (int i = 0; i < f->n_rows; i++)
    if (!(drop_zero_score && f->rows[i].score == 0) && f->rows[i].frame <= n_frames)
      out->rows[n++] = f->rows[i];
  qsort (out->rows, n, sizeof *out->rows, row_cmp);
  out->n_frames = n_frames;
  out->first = g_new0 (int, n_frames + 2);
  out->obj = g_new (int, n + 1);
  GHashTable *ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  int r = 0;
  for (int frame = 1; frame <= n_frames + 1; frame++) {
    out->first[frame] = r;
    while (r < n && out->rows[r].frame == frame) {
      gpointer key = GINT_TO_POINTER (out->rows[r].id), val;
      if (!g_hash_table_lookup_extended (ids, key, NULL, &val)) {
        val = GINT_TO_POINTER (out->n_obj++);
        g_hash_table_insert (ids, key, val);
      }
      out->obj[r] = GPOINTER_TO_INT (val);
      r++;
    }
  }
  g_hash_table_destroy (ids);
}

static void
indexed_clear (struct indexed *x)
{
  g_free (x->first);
  g_free (x->rows);
  g_free (x->obj);
}

static int
max_frame (const struct trk_mot_file *f)
{
  int m = 0;
  for (int i = 0; i < f->n_rows; i++)
    m = MAX (m, f->rows[i].frame);
  return m;
}

/* Per ground-truth object, over the frames it is present. */
struct gt_track {
  int present, tracked;
  int last_hyp;      /* hypothesis object last matched, -1 never */
  int prev_frame_hyp;/* hypothesis matched in the previous frame, -1 none */
  gboolean was_tracked_when_last_present;
  gboolean ever_tracked;
};

static void
clear_mot (const struct indexed *g, const struct indexed *h, double thr, struct trk_eval *e, double *idtp_matrix)
{
  struct gt_track *gt = g_new0 (struct gt_track, g->n_obj + 1);
  for (int i = 0; i < g->n_obj; i++)
    gt[i].last_hyp = gt[i].prev_frame_hyp = -1;
  int cap = 16;
  double *cost = g_new (double, cap * cap);
  int *match = g_new (int, cap);
  int *hyp_used = g_new (int, cap);
  for (int f = 1; f <= g->n_frames; f++) {
    int g0 = g->first[f], ng = g->first[f + 1] - g0;
    int h0 = h->first[f], nh = h->first[f + 1] - h0;
    e->gt += ng;
    e->hyp += nh;
    if (MAX (ng, nh) > cap) {
      cap = MAX (ng, nh) * 2;
      cost = g_renew (double, cost, cap * cap);
      match = g_renew (int, match, cap);
      hyp_used = g_renew (int, hyp_used, cap);
    }
    for (int i = 0; i < ng; i++)
      for (int j = 0; j < nh; j++) {
        double iou = trk_box_iou (&g->rows[g0 + i].box, &h->rows[h0 + j].box);
        cost[i * nh + j] = iou;
        if (iou >= thr)
          idtp_matrix[(size_t) g->obj[g0 + i] * h->n_obj + h->obj[h0 + j]] += 1;
      }
    memset (hyp_used, 0, sizeof (int) * nh);
    for (int i = 0; i < ng; i++) {
      match[i] = -1;
      int prev = gt[g->obj[g0 + i]].prev_frame_hyp;
      for (int j = 0; prev >= 0 && j < nh; j++)
        if (h->obj[h0 + j] == prev && cost[i * nh + j] >= thr && !hyp_used[j]) {
          match[i] = j; /* the correspondence of the previous frame still holds */
          hyp_used[j] = 1;
        }
    }
    /* the rest: Hungarian over free pairs that overlap enough */
    double *c2 = g_new (double, (size_t) ng * nh + 1);
    for (int i = 0; i < ng; i++)
      for (int j = 0; j < nh; j++)
        c2[i * nh + j] = (match[i] >= 0 || hyp_used[j] || cost[i * nh + j] < thr) ? 1e6 : 1 - cost[i * nh + j];
    int *m2 = g_new (int, ng + 1);
    trk_assign_solve (c2, ng, nh, m2);
    for (int i = 0; i < ng; i++)
      if (match[i] < 0 && m2[i] >= 0 && c2[i * nh + m2[i]] < 1e6)
        match[i] = m2[i];
    g_free (c2);
    g_free (m2);

    for (int i = 0; i < ng; i++) {
      struct gt_track *t = &gt[g->obj[g0 + i]];
      t->present++;
      if (match[i] < 0) {
        e->fn++;
        t->prev_frame_hyp = -1;
        t->was_tracked_when_last_present = FALSE;
        continue;
      }
      int hyp = h->obj[h0 + match[i]];
      e->tp++;
      e->iou_sum += cost[i * nh + match[i]];
      if (t->last_hyp >= 0 && t->last_hyp != hyp)
        e->idsw++;
      if (t->ever_tracked && !t->was_tracked_when_last_present)
        e->frag++;
      t->last_hyp = t->prev_frame_hyp = hyp;
      t->tracked++;
      t->ever_tracked = t->was_tracked_when_last_present = TRUE;
    }
    /* objects absent this frame lose their previous-frame correspondence */
    for (int k = 0; k < g->n_obj; k++) {
      gboolean here = FALSE;
      for (int i = 0; i < ng && !here; i++)
        here = g->obj[g0 + i] == k;
      if (!here)
        gt[k].prev_frame_hyp = -1;
    }
  }
  e->fp = e->hyp - e->tp;
  for (int k = 0; k < g->n_obj; k++) {
    if (!gt[k].present)
      continue;
    e->n_gt_ids++;
    double ratio = (double) gt[k].tracked / gt[k].present;
    if (ratio >= 0.8)
      e->mt++;
    else if (ratio < 0.2)
      e->ml++;
    else
      e->pt++;
  }
  g_free (gt);
  g_free (cost);
  g_free (match);
  g_free (hyp_used);
}

/* IDTP: the trajectory assignment with the most frames in common. */
static void
identity (const struct indexed *g, const struct indexed *h, const double *idtp_matrix, struct trk_eval *e)
{
  long idtp = 0;
  if (g->n_obj && h->n_obj) {
    double *cost = g_new (double, (size_t) g->n_obj * h->n_obj);
    for (size_t i = 0; i < (size_t) g->n_obj * h->n_obj; i++)
      cost[i] = -idtp_matrix[i];
    int *m = g_new (int, g->n_obj);
    trk_assign_solve (cost, g->n_obj, h->n_obj, m);
    for (int i = 0; i < g->n_obj; i++)
      if (m[i] >= 0)
        idtp += (long) idtp_matrix[(size_t) i * h->n_obj + m[i]];
    g_free (cost);
    g_free (m);
  }
  e->idtp = idtp;
  e->idfn = e->gt - idtp;
  e->idfp = e->hyp - idtp;
}

int
trk_eval_sequence (const struct trk_mot_file *gt, const struct trk_mot_file *res, double iou_threshold,
                   struct trk_eval *out)
{
  memset (out, 0, sizeof *out);
  int n_frames = MAX (max_frame (gt), 1);
  struct indexed g, h;
  index_rows (gt, TRUE, n_frames, &g);
  index_rows (res, FALSE, n_frames, &h);
  double *idtp_matrix = g_new0 (double, (size_t) g.n_obj * h.n_obj + 1);
  clear_mot (&g, &h, iou_threshold, out, idtp_matrix);
  identity (&g, &h, idtp_matrix, out);
  g_free (idtp_matrix);
  indexed_clear (&g);
  indexed_clear (&h);
  trk_eval_finish (out);
  return 0;
}

void
trk_eval_add (struct trk_eval *acc, const struct trk_eval *b)
{
  acc->gt += b->gt;
  acc->hyp += b->hyp;
  acc->tp += b->tp;
  acc->fp += b->fp;
  acc->fn += b->fn;
  acc->idsw += b->idsw;
  acc->frag += b->frag;
  acc->iou_sum += b->iou_sum;
  acc->mt += b->mt;
  acc->pt += b->pt;
  acc->ml += b->ml;
  acc->n_gt_ids += b->n_gt_ids;
  acc->idtp += b->idtp;
  acc->idfp += b->idfp;
  acc->idfn += b->idfn;
}

void
trk_eval_finish (struct trk_eval *e)
{
  e->mota = e->gt ? 100.0 * (1.0 - (double) (e->fn + e->fp + e->idsw) / e->gt) : 0;
  e->motp = e->tp ? 100.0 * e->iou_sum / e->tp : 0;
  e->recall = e->gt ? 100.0 * e->tp / e->gt : 0;
  e->precision = e->hyp ? 100.0 * e->tp / e->hyp : 0;
  e->idp = e->hyp ? 100.0 * e->idtp / e->hyp : 0;
  e->idr = e->gt ? 100.0 * e->idtp / e->gt : 0;
  e->idf1 = (e->gt + e->hyp) ? 100.0 * 2 * e->idtp / (e->gt + e->hyp) : 0;
}
