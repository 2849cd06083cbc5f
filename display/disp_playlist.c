#include "disp_playlist.h"

#include <string.h>

struct disp_playlist {
  gint64 period_us;
  char *current;   /* NULL: idle */
  guint index;     /* where CURRENT was in the list, to go on from there when it leaves */
  gint64 since_us; /* when CURRENT came on screen */
};

struct disp_playlist *
disp_playlist_new (gint64 period_us)
{
  struct disp_playlist *p = g_new0 (struct disp_playlist, 1);
  p->period_us = period_us;
  return p;
}

void
disp_playlist_free (struct disp_playlist *p)
{
  if (!p)
    return;
  g_free (p->current);
  g_free (p);
}

static gboolean
put_on (struct disp_playlist *p, GPtrArray *cases, guint index, gint64 now_us)
{
  const char *next = cases->len ? g_ptr_array_index (cases, index) : NULL;
  gboolean changed = g_strcmp0 (next, p->current) != 0;
  g_free (p->current);
  p->current = g_strdup (next);
  p->index = index;
  p->since_us = now_us;
  return changed;
}

gboolean
disp_playlist_step (struct disp_playlist *p, GPtrArray *cases, gint64 now_us)
{
  guint at;
  gboolean found = p->current && g_ptr_array_find_with_equal_func (cases, p->current, g_str_equal, &at);
  if (!cases->len)
    return put_on (p, cases, 0, now_us);
  if (!found) /* gone (or idle until now): the one that took its place, else the first */
    return put_on (p, cases, p->current && p->index < cases->len ? p->index : 0, now_us);
  p->index = at;
  if (now_us - p->since_us < p->period_us)
    return FALSE;
  /* its time is up: the next, round to the first; alone, it simply stays */
  return put_on (p, cases, (at + 1) % cases->len, now_us);
}

const char *
disp_playlist_current (const struct disp_playlist *p)
{
  return p->current;
}
