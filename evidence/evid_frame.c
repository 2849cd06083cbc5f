#include "evid_frame.h"

#include "evid_pending.h"

struct evid_frame {
  gatomicrefcount refs;
  struct cv_image img; /* data: g_malloc, tightly packed */
};

struct evid_frame *
evid_frame_new (int width, int height, int channels)
{
  struct evid_frame *f = g_new0 (struct evid_frame, 1);
  g_atomic_ref_count_init (&f->refs);
  f->img = (struct cv_image){.width = width, .height = height, .channels = channels, .stride = width * channels};
  f->img.data = g_malloc ((size_t) f->img.stride * (size_t) height);
  return f;
}

struct evid_frame *
evid_frame_copy (const struct cv_image *img)
{
  struct evid_frame *f = g_new0 (struct evid_frame, 1);
  g_atomic_ref_count_init (&f->refs);
  f->img = evid_image_copy (img); /* tightly packed, g_malloc */
  return f;
}

struct evid_frame *
evid_frame_compact (const struct cv_image *img)
{
  if (!img || !img->data || img->channels != 3 || img->width <= 0 || img->height <= 0)
    return NULL;
  if (img->width % 2 || img->height % 2)
    return evid_frame_copy (img);
  struct evid_frame *f = evid_frame_new (img->width, img->height * 3 / 2, 1);
  if (cv_resize_to_i420 (img, &f->img) != CV_OK) {
    evid_frame_unref (f);
    return evid_frame_copy (img);
  }
  return f;
}

const struct cv_image *
evid_frame_bgr (struct evid_frame *f, struct cv_image *scratch)
{
  if (f->img.channels == 3)
    return &f->img;
  int w = f->img.width, h = f->img.height * 2 / 3;
  if (!scratch->data || scratch->width != w || scratch->height != h || scratch->channels != 3) {
    g_free (scratch->data);
    *scratch = (struct cv_image){g_malloc ((gsize) w * h * 3), w, h, w * 3, 3};
  }
  return cv_from_i420 (&f->img, scratch) == CV_OK ? scratch : NULL;
}

struct evid_frame *
evid_frame_ref (struct evid_frame *f)
{
  g_atomic_ref_count_inc (&f->refs);
  return f;
}

void
evid_frame_unref (struct evid_frame *f)
{
  if (f && g_atomic_ref_count_dec (&f->refs)) {
    g_free (f->img.data);
    g_free (f);
  }
}

struct cv_image *
evid_frame_image (struct evid_frame *f)
{
  return &f->img;
}

gboolean
evid_frame_is_shared (struct evid_frame *f)
{
  return !g_atomic_ref_count_compare (&f->refs, 1);
}
