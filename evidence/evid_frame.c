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
