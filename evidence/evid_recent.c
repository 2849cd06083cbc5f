#include "evid_recent.h"

#include "evid_frame.h"

#include <string.h>

struct slot {
  int frame; /* -1: empty */
  struct cv_image held; /* I420 (one channel, 3/2 the height), or BGR when a side is odd */
  GArray *boxes;        /* struct evid_recent_box */
};

struct evid_recent {
  struct slot *slots;
  int n, next;         /* next: the slot the next frame goes to (the oldest) */
  struct cv_image bgr; /* the last picture given back */
};

struct evid_recent *
evid_recent_create (int frames)
{
  struct evid_recent *r = g_new0 (struct evid_recent, 1);
  r->n = MAX (frames, 1);
  r->slots = g_new0 (struct slot, r->n);
  for (int i = 0; i < r->n; i++) {
    r->slots[i].frame = -1;
    r->slots[i].boxes = g_array_new (FALSE, FALSE, sizeof (struct evid_recent_box));
  }
  return r;
}

void
evid_recent_free (struct evid_recent *r)
{
  if (!r)
    return;
  for (int i = 0; i < r->n; i++) {
    g_free (r->slots[i].held.data);
    g_array_unref (r->slots[i].boxes);
  }
  g_free (r->slots);
  g_free (r->bgr.data);
  g_free (r);
}

/* The slot holding frame FRAME, or NULL. Frames are kept in the order
 * they come, not by number: a camera's pipeline may keep only some. */
static struct slot *
slot_of (const struct evid_recent *r, int frame)
{
  for (int i = 0; i < r->n && frame >= 0; i++)
    if (r->slots[i].frame == frame)
      return &r->slots[i];
  return NULL;
}

gboolean
evid_recent_keep (struct evid_recent *r, int frame, const struct cv_image *img, const struct evid_recent_box *boxes,
                  int n)
{
  struct slot *s = slot_of (r, frame);
  if (s) /* the same frame again: the older copy goes */
    s->frame = -1;
  s = &r->slots[r->next];
  r->next = (r->next + 1) % r->n;
  s->frame = -1;
  g_array_set_size (s->boxes, 0);
  if (!evid_image_keep_compact (img, &s->held))
    return FALSE;
  if (n > 0 && boxes)
    g_array_append_vals (s->boxes, boxes, (guint) n);
  s->frame = frame;
  return TRUE;
}

const struct cv_image *
evid_recent_picture (struct evid_recent *r, int frame)
{
  const struct slot *s = slot_of (r, frame);
  if (!s)
    return NULL;
  return evid_image_as_bgr (&s->held, &r->bgr);
}

gboolean
evid_recent_box (const struct evid_recent *r, int frame, int track, double out[4])
{
  const struct slot *s = slot_of (r, frame);
  for (guint i = 0; s && i < s->boxes->len; i++) {
    const struct evid_recent_box *b = &g_array_index (s->boxes, struct evid_recent_box, i);
    if (b->id == track) {
      memcpy (out, b->box, sizeof b->box);
      return TRUE;
    }
  }
  return FALSE;
}

int
evid_recent_latest (const struct evid_recent *r, int frame)
{
  int best = -1;
  for (int i = 0; i < r->n; i++)
    if (r->slots[i].frame >= 0 && r->slots[i].frame <= frame && r->slots[i].frame > best)
      best = r->slots[i].frame;
  return best;
}
