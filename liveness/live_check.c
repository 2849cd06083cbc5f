#include "live_check.h"

#include <glib.h>
#include <string.h>

typedef void (*live_check_fn) (const struct live_history *h, const struct hwcfg_liveness *p,
                               struct live_check_result *out);

/* Every check the appliance runs, in order. */
static const live_check_fn CHECKS[] = {live_check_speed};

struct live_checker {
  struct hwcfg_liveness params;
  GHashTable *tracks; /* id -> GArray of struct live_sample */
  double last_t;
};

struct live_checker *
live_checker_create (const struct hwcfg_liveness *params)
{
  g_return_val_if_fail (params != NULL, NULL);
  struct live_checker *lc = g_new0 (struct live_checker, 1);
  lc->params = *params;
  lc->tracks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_array_unref);
  return lc;
}

void
live_checker_free (struct live_checker *lc)
{
  if (!lc)
    return;
  g_hash_table_destroy (lc->tracks);
  g_free (lc);
}

/* Tracks not seen for this long are forgotten. */
#define FORGET_S 30.0

static gboolean
is_forgotten (gpointer key, gpointer value, gpointer now)
{
  GArray *a = value;
  return a->len == 0 || *(double *) now - g_array_index (a, struct live_sample, a->len - 1).t_s > FORGET_S;
}

void
live_checker_observe (struct live_checker *lc, int track_id, const struct live_sample *s)
{
  GArray *a = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (track_id));
  if (!a) {
    a = g_array_new (FALSE, FALSE, sizeof (struct live_sample));
    g_hash_table_insert (lc->tracks, GINT_TO_POINTER (track_id), a);
  }
  g_array_append_val (a, *s);
  guint drop = 0;
  while (drop < a->len && s->t_s - g_array_index (a, struct live_sample, drop).t_s > lc->params.window_s)
    drop++;
  if (drop)
    g_array_remove_range (a, 0, drop);
  if (s->t_s - lc->last_t > FORGET_S / 3) {
    lc->last_t = s->t_s;
    double now = s->t_s;
    g_hash_table_foreach_remove (lc->tracks, is_forgotten, &now);
  }
}

struct live_history
live_checker_history (struct live_checker *lc, int track_id)
{
  GArray *a = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (track_id));
  struct live_history h = {NULL, 0};
  if (a) {
    h.samples = (const struct live_sample *) a->data;
    h.n = (int) a->len;
  }
  return h;
}

void
live_fuse (struct live_result *res)
{
  bool all_live = res->n_checks > 0;
  res->verdict = LIVE_UNCERTAIN;
  res->score = 1.0;
  for (int i = 0; i < res->n_checks; i++) {
    const struct live_check_result *c = &res->checks[i];
    res->score = MIN (res->score, c->score);
    if (c->verdict == LIVE_FLAT) {
      res->verdict = LIVE_FLAT;
      return;
    }
    all_live = all_live && c->verdict == LIVE_LIVE;
  }
  if (all_live)
    res->verdict = LIVE_LIVE;
}

void
live_checker_assess (struct live_checker *lc, int track_id, struct live_result *out)
{
  struct live_history h = live_checker_history (lc, track_id);
  memset (out, 0, sizeof *out);
  for (size_t i = 0; i < G_N_ELEMENTS (CHECKS) && i < LIVE_MAX_CHECKS; i++)
    CHECKS[i](&h, &lc->params, &out->checks[out->n_checks++]);
  live_fuse (out);
}

const char *
live_verdict_name (enum live_verdict v)
{
  return v == LIVE_LIVE ? "live" : v == LIVE_FLAT ? "flat" : "uncertain";
}

char *
live_result_to_json (const struct live_result *res)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "{\"verdict\":\"%s\",\"score\":%.3f,\"checks\":{", live_verdict_name (res->verdict),
                          res->score);
  for (int i = 0; i < res->n_checks; i++) {
    const struct live_check_result *c = &res->checks[i];
    g_string_append_printf (s, "%s\"%s\":{\"verdict\":\"%s\",\"score\":%.3f%s%s}", i ? "," : "", c->name,
                            live_verdict_name (c->verdict), c->score, c->detail[0] ? "," : "", c->detail);
  }
  g_string_append (s, "}}");
  return g_string_free (s, FALSE);
}
