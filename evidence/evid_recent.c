#include "evid_recent.h"

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

/* IMG's size and channels in *DST, its pixels reallocated (exactly, not
 * rounded up: these are megabytes a frame) only when the size changed. */
static void
fit (struct cv_image *dst, int width, int height, int channels)
{
  if (dst->data && dst->width == width && dst->height == height && dst->channels == channels)
    return;
  g_free (dst->data);
  *dst = (struct cv_image){g_malloc ((gsize) width * height * channels), width, height, width * channels, channels};
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
  if (!img || !img->data || img->channels != 3 || img->width <= 0 || img->height <= 0)
    return FALSE;
  gboolean i420 = img->width % 2 == 0 && img->height % 2 == 0;
  fit (&s->held, img->width, i420 ? img->height * 3 / 2 : img->height, i420 ? 1 : 3);
  if ((i420 ? cv_resize_to_i420 (img, &s->held) : cv_resize_into (img, &s->held)) != CV_OK)
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
  if (s->held.channels == 3)
    return &s->held;
  fit (&r->bgr, s->held.width, s->held.height / 3 * 2, 3);
  return cv_from_i420 (&s->held, &r->bgr) == CV_OK ? &r->bgr : NULL;
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
