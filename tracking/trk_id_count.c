#include "trk_id_count.h"

#include <glib.h>

/* Forgotten ids are swept out this often (frames): a sweep walks the set. */
#define SWEEP_EVERY_FRAMES 250

struct trk_id_count {
  GHashTable *last_seen; /* id -> frame last seen (gint64 *) */
  int64_t total;
  int64_t last_sweep;
};

struct trk_id_count *
trk_id_count_create (void)
{
  struct trk_id_count *c = g_new0 (struct trk_id_count, 1);
  c->last_seen = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return c;
}

void
trk_id_count_free (struct trk_id_count *c)
{
  if (!c)
    return;
  g_hash_table_destroy (c->last_seen);
  g_free (c);
}

static gboolean
forgotten (gpointer key, gpointer value, gpointer now)
{
  return *(int64_t *) now - *(int64_t *) value > TRK_ID_COUNT_FORGET_FRAMES;
}

void
trk_id_count_seen (struct trk_id_count *c, int id, int64_t frame)
{
  int64_t *at = g_hash_table_lookup (c->last_seen, GINT_TO_POINTER (id));
  if (!at) {
    at = g_new (int64_t, 1);
    g_hash_table_insert (c->last_seen, GINT_TO_POINTER (id), at);
    c->total++;
  }
  *at = frame;
  if (frame - c->last_sweep >= SWEEP_EVERY_FRAMES) {
    c->last_sweep = frame;
    g_hash_table_foreach_remove (c->last_seen, forgotten, &frame);
  }
}

int64_t
trk_id_count_total (const struct trk_id_count *c)
{
  return c->total;
}

int
trk_id_count_remembered (const struct trk_id_count *c)
{
  return (int) g_hash_table_size (c->last_seen);
}

void
trk_id_count_reset (struct trk_id_count *c)
{
  g_hash_table_remove_all (c->last_seen);
  c->total = 0;
  c->last_sweep = 0;
}
