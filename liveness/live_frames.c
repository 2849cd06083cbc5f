#include "live_frames.h"

#include <glib.h>
#include <stdbool.h>

struct held {
  int frame; /* 0: empty */
  struct cv_image img;
};

struct live_frames {
  struct held *slots;
  int capacity, next;
};

struct live_frames *
live_frames_create (int capacity)
{
  struct live_frames *f = g_new0 (struct live_frames, 1);
  f->capacity = MAX (capacity, 2);
  f->slots = g_new0 (struct held, f->capacity);
  return f;
}

void
live_frames_free (struct live_frames *f)
{
  if (!f)
    return;
  for (int i = 0; i < f->capacity; i++)
    g_free (f->slots[i].img.data);
  g_free (f->slots);
  g_free (f);
}

bool
live_frames_push (struct live_frames *f, int frame, const struct cv_image *img)
{
  struct held *h = &f->slots[f->next];
  if (h->img.width != img->width || h->img.height != img->height) {
    g_free (h->img.data);
    h->img = (struct cv_image){g_malloc ((gsize) img->width * img->height), img->width, img->height, img->width, 1};
  }
  h->frame = 0;
  if (cv_to_grey (img, &h->img) != CV_OK)
    return false;
  h->frame = frame;
  f->next = (f->next + 1) % f->capacity;
  return true;
}

const struct cv_image *
live_frames_get (const struct live_frames *f, int frame)
{
  for (int i = 0; i < f->capacity; i++)
    if (f->slots[i].frame == frame && frame > 0)
      return &f->slots[i].img;
  return NULL;
}

struct cv_image
live_frames_view (const struct cv_image *img, const struct cv_rect *r)
{
  return (struct cv_image){img->data + (size_t) r->y * img->stride + r->x, r->w, r->h, img->stride, 1};
}
