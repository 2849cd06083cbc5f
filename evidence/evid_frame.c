#include "evid_frame.h"

#include "evid_pending.h"

struct evid_frame {
  gatomicrefcount refs;
  struct cv_image img; /* data: g_malloc, tightly packed */
};

struct evid_frame *
evid_frame_copy (const struct cv_image *img)
{
  struct evid_frame *f = g_new0 (struct evid_frame, 1);
  g_atomic_ref_count_init (&f->refs);
  f->img = evid_image_copy (img); /* tightly packed, g_malloc */
  return f;
}

/* DST sized WIDTH x HEIGHT x CHANNELS, its pixels reallocated (exactly,
 * not rounded up: these are megabytes a frame) only when that changed. */
static void
fit (struct cv_image *dst, int width, int height, int channels)
{
  if (dst->data && dst->width == width && dst->height == height && dst->channels == channels)
    return;
  g_free (dst->data);
  *dst = (struct cv_image){g_malloc ((gsize) width * height * channels), width, height, width * channels, channels};
}

gboolean
evid_image_keep_compact (const struct cv_image *img, struct cv_image *held)
{
  if (!img || !img->data || img->channels != 3 || img->width <= 0 || img->height <= 0)
    return FALSE;
  gboolean i420 = img->width % 2 == 0 && img->height % 2 == 0;
  fit (held, img->width, i420 ? img->height * 3 / 2 : img->height, i420 ? 1 : 3);
  return (i420 ? cv_resize_to_i420 (img, held) : cv_resize_into (img, held)) == CV_OK;
}

const struct cv_image *
evid_image_as_bgr (const struct cv_image *held, struct cv_image *scratch)
{
  if (held->channels == 3)
    return held;
  fit (scratch, held->width, held->height / 3 * 2, 3);
  return cv_from_i420 (held, scratch) == CV_OK ? scratch : NULL;
}

struct evid_frame *
evid_frame_compact (const struct cv_image *img)
{
  struct evid_frame *f = g_new0 (struct evid_frame, 1);
  g_atomic_ref_count_init (&f->refs);
  if (!evid_image_keep_compact (img, &f->img)) {
    evid_frame_unref (f);
    return NULL;
  }
  return f;
}

const struct cv_image *
evid_frame_bgr (struct evid_frame *f, struct cv_image *scratch)
{
  return evid_image_as_bgr (&f->img, scratch);
}

GBytes *
evid_bytes_take_cv (unsigned char *data, size_t len)
{
  return g_bytes_new_with_free_func (data, len, cv_free, data);
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
