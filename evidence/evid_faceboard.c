#include "evid_faceboard.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define MATCH_DT_S 1.0
#define MATCH_DIST_M 1.5

/* how long a face is kept, seconds before the newest */
#define KEEP_S 60.0
/* at most this many faces a board: a crowd at 25 fps for a minute is far
 * fewer than this once each camera adds every other frame's best */
#define MAX_FACES 4096

struct face {
  char camera[65];
  double t, gx, gy, quality;
  GBytes *jpeg;
};

struct evid_faceboard {
  char *site;
  gint refs;
  GMutex lock;
  GCond moved;   /* a camera's progress moved on */
  GArray *faces; /* struct face, oldest first */
  double newest; /* the newest face's time */
  GHashTable *progress; /* face camera name -> double*: how far it has looked (INFINITY: ended) */
};

static GMutex boards_lock;
static GHashTable *boards; /* site id -> struct evid_faceboard (not owned) */

static void
face_clear (gpointer p)
{
  g_bytes_unref (((struct face *) p)->jpeg);
}

struct evid_faceboard *
evid_faceboard_get (const char *site_id)
{
  g_mutex_lock (&boards_lock);
  if (!boards)
    boards = g_hash_table_new (g_str_hash, g_str_equal);
  struct evid_faceboard *b = g_hash_table_lookup (boards, site_id ? site_id : "");
  if (b)
    b->refs++;
  else {
    b = g_new0 (struct evid_faceboard, 1);
    b->site = g_strdup (site_id ? site_id : "");
    b->refs = 1;
    g_mutex_init (&b->lock);
    g_cond_init (&b->moved);
    b->progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    b->faces = g_array_new (FALSE, FALSE, sizeof (struct face));
    g_array_set_clear_func (b->faces, face_clear);
    g_hash_table_insert (boards, b->site, b);
  }
  g_mutex_unlock (&boards_lock);
  return b;
}

void
evid_faceboard_unref (struct evid_faceboard *b)
{
  if (!b)
    return;
  g_mutex_lock (&boards_lock);
  gboolean last = --b->refs == 0;
  if (last)
    g_hash_table_remove (boards, b->site);
  g_mutex_unlock (&boards_lock);
  if (!last)
    return;
  g_array_unref (b->faces);
  g_hash_table_unref (b->progress);
  g_cond_clear (&b->moved);
  g_mutex_clear (&b->lock);
  g_free (b->site);
  g_free (b);
}

void
evid_faceboard_add (struct evid_faceboard *b, const char *camera, double t, double gx, double gy, double quality,
                    GBytes *jpeg)
{
  if (!b || !jpeg || !isfinite (t) || !isfinite (gx) || !isfinite (gy))
    return;
  struct face f = {.t = t, .gx = gx, .gy = gy, .quality = quality, .jpeg = g_bytes_ref (jpeg)};
  g_strlcpy (f.camera, camera ? camera : "", sizeof f.camera);
  g_mutex_lock (&b->lock);
  g_array_append_val (b->faces, f);
  /* forget the old (by the newest time: cameras need not add in order) */
  b->newest = b->faces->len == 1 ? t : MAX (b->newest, t);
  guint drop = 0;
  while (drop < b->faces->len && (g_array_index (b->faces, struct face, drop).t < b->newest - KEEP_S ||
                                  b->faces->len - drop > MAX_FACES))
    drop++;
  if (drop)
    g_array_remove_range (b->faces, 0, drop);
  g_mutex_unlock (&b->lock);
}

GBytes *
evid_faceboard_best (struct evid_faceboard *b, const double *t, const double *x, const double *y, int n,
                     double max_dt_s, double max_dist_m, struct evid_face_sighting *out)
{
  if (!b || n <= 0)
    return NULL;
  GBytes *best = NULL;
  double best_q = -INFINITY;
  g_mutex_lock (&b->lock);
  for (guint i = 0; i < b->faces->len; i++) {
    const struct face *f = &g_array_index (b->faces, struct face, i);
    /* the path's point nearest in time */
    int k = -1;
    double dt = INFINITY;
    for (int j = 0; j < n; j++)
      if (fabs (t[j] - f->t) < dt)
        dt = fabs (t[j] - f->t), k = j;
    if (k < 0 || dt > max_dt_s)
      continue;
    double d = hypot (x[k] - f->gx, y[k] - f->gy);
    if (d > max_dist_m || f->quality <= best_q)
      continue;
    best_q = f->quality;
    g_clear_pointer (&best, g_bytes_unref);
    best = g_bytes_ref (f->jpeg);
    if (out) {
      g_strlcpy (out->camera, f->camera, sizeof out->camera);
      out->t = f->t, out->dt_s = f->t - t[k], out->distance_m = d, out->quality = f->quality;
    }
  }
  g_mutex_unlock (&b->lock);
  return best;
}

GBytes *
evid_faceboard_best_for (struct evid_faceboard *b, const char *track_json, double base_s, bool has_now, double now_s,
                         const double now_ground[2], struct evid_face_sighting *out)
{
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) x = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) y = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (JsonNode) root = track_json ? json_from_string (track_json, NULL) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *path = o && json_object_has_member (o, "ground_path") &&
                            JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "ground_path"))
                        ? json_object_get_array_member (o, "ground_path")
                        : NULL;
  for (guint i = 0; path && i < json_array_get_length (path); i++) {
    JsonNode *n = json_array_get_element (path, i);
    JsonArray *p = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
    if (!p || json_array_get_length (p) < 3)
      continue;
    double v[3];
    for (int k = 0; k < 3; k++)
      v[k] = json_node_get_value_type (json_array_get_element (p, k)) == G_TYPE_DOUBLE ||
                     json_node_get_value_type (json_array_get_element (p, k)) == G_TYPE_INT64
                 ? json_array_get_double_element (p, k)
                 : NAN;
    if (!isfinite (v[0]) || !isfinite (v[1]) || !isfinite (v[2]))
      continue;
    double ts = base_s + v[0];
    g_array_append_val (t, ts);
    g_array_append_val (x, v[1]);
    g_array_append_val (y, v[2]);
  }
  if (has_now) {
    g_array_append_val (t, now_s);
    g_array_append_val (x, now_ground[0]);
    g_array_append_val (y, now_ground[1]);
  }
  return evid_faceboard_best (b, (double *) t->data, (double *) x->data, (double *) y->data, (int) t->len, MATCH_DT_S,
                              MATCH_DIST_M, out);
}

void
evid_faceboard_progress (struct evid_faceboard *b, const char *camera, double t)
{
  if (!b || isnan (t))
    return;
  g_mutex_lock (&b->lock);
  double *seen = g_hash_table_lookup (b->progress, camera);
  if (!seen) {
    seen = g_new (double, 1);
    *seen = -INFINITY;
    g_hash_table_insert (b->progress, g_strdup (camera), seen);
  }
  /* a camera that stopped (INFINITY) and started again starts over */
  if (t > *seen || isinf (*seen)) {
    *seen = t;
    g_cond_broadcast (&b->moved);
  }
  g_mutex_unlock (&b->lock);
}

/* how far every face camera has looked (INFINITY: none is looking) */
static double
seen_until_locked (struct evid_faceboard *b)
{
  double until = INFINITY;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, b->progress);
  while (g_hash_table_iter_next (&it, NULL, &v))
    until = MIN (until, *(double *) v);
  return until;
}

bool
evid_faceboard_wait (struct evid_faceboard *b, double t, double max_wait_s)
{
  if (!b)
    return true;
  gint64 end = g_get_monotonic_time () + (gint64) (max_wait_s * G_USEC_PER_SEC);
  g_mutex_lock (&b->lock);
  bool reached;
  while (!(reached = seen_until_locked (b) >= t))
    if (!g_cond_wait_until (&b->moved, &b->lock, end))
      break;
  reached = seen_until_locked (b) >= t;
  g_mutex_unlock (&b->lock);
  return reached;
}
