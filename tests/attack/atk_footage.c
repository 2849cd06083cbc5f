/* atk_footage — the source video (vtest.avi) and its MOT ground truth.
 * People are cut out of it with a mask: the difference to the video's
 * background (an approximate running median over every frame, McFarlane and
 * Schofield 1995: each pixel steps one level towards each new frame, so
 * people who pass leave no trace), thresholded inside their gt box, closed,
 * filled row by row (clothes the colour of the road leave holes) and
 * softened at the border. */
#include "atk.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading frames ---- */

struct atk_reader {
  GstElement *pipeline;
  GstAppSink *sink;
};

struct atk_reader *
atk_reader_open (const char *path, GError **error)
{
  g_autofree char *uri = gst_filename_to_uri (path, error);
  if (!uri)
    return NULL;
  /* max-buffers: without it the decoder runs ahead and queues the whole video */
  g_autofree char *desc = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! video/x-raw,format=BGR ! "
                                           "appsink name=s sync=false max-buffers=8",
                                           uri);
  GstElement *p = gst_parse_launch (desc, error);
  if (!p)
    return NULL;
  struct atk_reader *r = g_new0 (struct atk_reader, 1);
  r->pipeline = p;
  r->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "s"));
  gst_element_set_state (p, GST_STATE_PLAYING);
  return r;
}

bool
atk_reader_next (struct atk_reader *r, struct cv_image *out)
{
  GstSample *smp = gst_app_sink_pull_sample (r->sink);
  if (!smp)
    return false;
  GstVideoInfo info;
  GstVideoFrame vf;
  gst_video_info_from_caps (&info, gst_sample_get_caps (smp));
  if (!gst_video_frame_map (&vf, &info, gst_sample_get_buffer (smp), GST_MAP_READ)) {
    gst_sample_unref (smp);
    return false;
  }
  int w = GST_VIDEO_FRAME_WIDTH (&vf), h = GST_VIDEO_FRAME_HEIGHT (&vf);
  *out = (struct cv_image){g_malloc ((gsize) w * h * 3), w, h, w * 3, 3};
  for (int y = 0; y < h; y++)
    memcpy (out->data + (size_t) y * w * 3,
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&vf, 0) + (size_t) y * GST_VIDEO_FRAME_PLANE_STRIDE (&vf, 0), w * 3);
  gst_video_frame_unmap (&vf);
  gst_sample_unref (smp);
  return true;
}

void
atk_reader_close (struct atk_reader *r)
{
  if (!r)
    return;
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_object_unref (r->sink);
  gst_object_unref (r->pipeline);
  g_free (r);
}

/* ---- the footage's fixed things ---- */

static const struct atk_furniture FURNITURE[] = {
    {"lamp post with sign", {432, 392}, 4,
     {{423, 92, 430, 92, 436, 392, 428, 392},
      {395, 28, 403, 26, 430, 94, 423, 96},
      {397, 18, 441, 16, 441, 39, 397, 41},
      {410, 200, 447, 200, 447, 245, 410, 245}}},
    {"tripod", {497, 467}, 5,
     {{500, 336, 514, 336, 514, 358, 500, 358},
      {503, 356, 508, 356, 508, 382, 503, 382},
      {502, 378, 507, 380, 462, 470, 457, 468},
      {503, 380, 508, 380, 510, 452, 505, 452},
      {505, 380, 510, 378, 525, 483, 520, 484}}},
};

const struct atk_furniture *
atk_footage_furniture (int *n)
{
  *n = G_N_ELEMENTS (FURNITURE);
  return FURNITURE;
}

/* ---- ground truth ---- */

static int
by_frame_id (const void *a, const void *b)
{
  const struct atk_gt *x = a, *y = b;
  return x->frame != y->frame ? (x->frame > y->frame) - (x->frame < y->frame) : (x->id > y->id) - (x->id < y->id);
}

static bool
load_gt (struct atk_footage *fo, const struct atk_site *s, const char *path, GError **error)
{
  FILE *f = fopen (path, "r");
  if (!f) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "cannot read %s", path);
    return false;
  }
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (struct atk_gt));
  char line[256];
  while (fgets (line, sizeof line, f)) {
    struct atk_gt r;
    int consider;
    if (sscanf (line, "%d,%d,%lf,%lf,%lf,%lf,%d", &r.frame, &r.id, &r.x, &r.y, &r.w, &r.h, &consider) != 7)
      continue;
    if (!consider || r.frame < 1 || r.frame > ATK_SRC_FRAMES)
      continue;
    atk_unproject (s, r.x + r.w / 2, r.y + r.h, r.foot);
    g_array_append_val (rows, r);
  }
  fclose (f);
  g_array_sort (rows, by_frame_id);
  fo->n_rows = (int) rows->len;
  fo->rows = (struct atk_gt *) g_array_free (rows, FALSE);
  fo->first_of_frame = g_new0 (int, ATK_SRC_FRAMES + 2);
  for (int fr = 0, i = 0; fr <= ATK_SRC_FRAMES + 1; fr++) {
    while (i < fo->n_rows && fo->rows[i].frame < fr)
      i++;
    fo->first_of_frame[fr] = i;
  }
  return true;
}

const struct atk_gt *
atk_footage_row (const struct atk_footage *fo, int frame, int id)
{
  if (frame < 1 || frame > ATK_SRC_FRAMES)
    return NULL;
  for (int i = fo->first_of_frame[frame]; i < fo->first_of_frame[frame + 1]; i++)
    if (fo->rows[i].id == id)
      return &fo->rows[i];
  return NULL;
}

/* ---- background ---- */

static void
median_step (unsigned char *bg, const unsigned char *f, size_t n, int step)
{
  for (size_t i = 0; i < n; i++) {
    int d = (int) f[i] - bg[i];
    bg[i] = (unsigned char) (bg[i] + (d > step ? step : d < -step ? -step : d));
  }
}

static unsigned char *mask_of (const struct atk_footage *fo, const struct cv_image *frame, const struct atk_gt *r,
                              int margin, int *ox, int *oy, int *ow, int *oh, double *share);

/* How much of each gt box its mask covers (a person fills about half of
 * their box; much less or much more is a mask that failed). */
static bool
mask_quality (struct atk_footage *fo, const char *video, GError **error)
{
  struct atk_reader *rd = atk_reader_open (video, error);
  if (!rd)
    return false;
  struct cv_image img;
  for (int fr = 1; fr <= ATK_SRC_FRAMES && atk_reader_next (rd, &img); fr++) {
    for (int i = fo->first_of_frame[fr]; i < fo->first_of_frame[fr + 1]; i++) {
      int x, y, w, h;
      g_free (mask_of (fo, &img, &fo->rows[i], 0, &x, &y, &w, &h, &fo->rows[i].mask_share));
    }
    g_free (img.data);
  }
  atk_reader_close (rd);
  return true;
}

bool
atk_footage_load (struct atk_footage *fo, const struct atk_site *s, const char *video, const char *gt,
                  GError **error)
{
  memset (fo, 0, sizeof *fo);
  if (!load_gt (fo, s, gt, error))
    return false;
  struct atk_reader *rd = atk_reader_open (video, error);
  if (!rd)
    return false;
  struct cv_image img;
  int n = 0;
  while (atk_reader_next (rd, &img)) {
    if (n == 0) {
      fo->background = atk_image_new (img.width, img.height);
      memcpy (fo->background.img.data, img.data, (size_t) img.stride * img.height);
    } else if (img.width == fo->background.img.width && img.height == fo->background.img.height) {
      /* big steps first, so that the people of the first frame fade out quickly */
      median_step (fo->background.img.data, img.data, (size_t) img.stride * img.height, n < 200 ? 3 : 1);
    }
    g_free (img.data);
    n++;
  }
  atk_reader_close (rd);
  if (n == 0 || fo->background.img.width != ATK_W || fo->background.img.height != ATK_H) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no %dx%d frames", video, ATK_W, ATK_H);
    return false;
  }
  return mask_quality (fo, video, error);
}

void
atk_footage_free (struct atk_footage *fo)
{
  g_free (fo->rows);
  g_free (fo->first_of_frame);
  atk_image_free (&fo->background);
}

/* ---- masks ---- */

/* Sum over the channels of |frame - background|: the footage's noise (DivX)
 * reaches 24-36 at the 90th percentile of the background, so a pixel is
 * the person's above STRONG, or above WEAK next to one that is. */
#define MASK_STRONG 60
#define MASK_WEAK 36

/* Keeps the largest 8-connected blob of the binary mask M (W x H). */
static void
largest_blob (unsigned char *m, int w, int h)
{
  int *label = g_new0 (int, (gsize) w * h), *stack = g_new (int, (gsize) w * h), best = 0, best_n = 0, next = 0;
  for (int i = 0; i < w * h; i++) {
    if (!m[i] || label[i])
      continue;
    int n = 0, top = 0;
    label[i] = ++next, stack[top++] = i;
    while (top) {
      int p = stack[--top], px = p % w, py = p / w;
      n++;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
          int qx = px + dx, qy = py + dy, q = qy * w + qx;
          if (qx >= 0 && qy >= 0 && qx < w && qy < h && m[q] && !label[q])
            label[q] = next, stack[top++] = q;
        }
    }
    if (n > best_n)
      best_n = n, best = next;
  }
  for (int i = 0; i < w * h; i++)
    m[i] = label[i] == best && best;
  g_free (label);
  g_free (stack);
}

/* Fills gaps of at most MAX_GAP pixels between set pixels along LINES lines
 * of LEN pixels (pixel i of line l at l * LINE_STEP + i * STEP). */
static void
fill_gaps (unsigned char *m, int step, int line_step, int lines, int len, int max_gap)
{
  for (int l = 0; l < lines; l++) {
    int last = -1;
    for (int i = 0; i < len; i++) {
      if (!m[l * line_step + i * step])
        continue;
      if (last >= 0 && i - last > 1 && i - last - 1 <= max_gap)
        for (int j = last + 1; j < i; j++)
          m[l * line_step + j * step] = 1;
      last = i;
    }
  }
}

unsigned char *
atk_person_mask (const struct atk_footage *fo, const struct cv_image *frame, const struct atk_gt *r, int margin,
                 int *ox, int *oy, int *ow, int *oh)
{
  double share;
  return mask_of (fo, frame, r, margin, ox, oy, ow, oh, &share);
}

/* The footage's light changes (clouds): the median difference to the
 * background per channel in a ring around the box, taken off before the
 * threshold. */
static void
local_offset (const struct cv_image *frame, const struct cv_image *bg, const struct atk_gt *r, int off[3])
{
  int hist[3][511] = {{0}}, n = 0;
  int x0 = MAX (0, (int) r->x - 12), x1 = MIN (frame->width, (int) (r->x + r->w) + 12);
  int y0 = MAX (0, (int) r->y - 12), y1 = MIN (frame->height, (int) (r->y + r->h) + 12);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      if (x > r->x - 4 && x < r->x + r->w + 4 && y > r->y - 4 && y < r->y + r->h + 4)
        continue;
      const unsigned char *a = frame->data + (size_t) y * frame->stride + x * 3;
      const unsigned char *b = bg->data + (size_t) y * bg->stride + x * 3;
      for (int c = 0; c < 3; c++)
        hist[c][a[c] - b[c] + 255]++;
      n++;
    }
  for (int c = 0; c < 3; c++) {
    int acc = 0, k = 0;
    while (k < 510 && (acc += hist[c][k]) * 2 < n)
      k++;
    off[c] = n ? k - 255 : 0;
  }
}

static unsigned char *
mask_of (const struct atk_footage *fo, const struct cv_image *frame, const struct atk_gt *r, int margin, int *ox,
         int *oy, int *ow, int *oh, double *share)
{
  *share = 0;
  int x0 = MAX (0, (int) floor (r->x) - margin), y0 = MAX (0, (int) floor (r->y) - margin);
  int x1 = MIN (frame->width, (int) ceil (r->x + r->w) + margin);
  int y1 = MIN (frame->height, (int) ceil (r->y + r->h) + margin);
  int w = MAX (0, x1 - x0), h = MAX (0, y1 - y0);
  *ox = x0, *oy = y0, *ow = w, *oh = h;
  if (w == 0 || h == 0)
    return NULL;
  unsigned char *mask = g_malloc ((gsize) w * h);
  const struct cv_image *bg = &fo->background.img;
  int off[3];
  local_offset (frame, bg, r, off);
  unsigned char *m = g_malloc0 ((gsize) w * h), *t = g_malloc0 ((gsize) w * h), *weak = g_malloc0 ((gsize) w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const unsigned char *a = frame->data + (size_t) (y0 + y) * frame->stride + (x0 + x) * 3;
      const unsigned char *b = bg->data + (size_t) (y0 + y) * bg->stride + (x0 + x) * 3;
      int d = abs (a[0] - b[0] - off[0]) + abs (a[1] - b[1] - off[1]) + abs (a[2] - b[2] - off[2]);
      m[y * w + x] = d > MASK_STRONG;
      weak[y * w + x] = d > MASK_WEAK;
    }
  for (int pass = 0; pass < 3; pass++) /* grow into weak pixels */
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        if (!m[y * w + x] && weak[y * w + x] &&
            ((x > 0 && m[y * w + x - 1]) || (x + 1 < w && m[y * w + x + 1]) || (y > 0 && m[(y - 1) * w + x]) ||
             (y + 1 < h && m[(y + 1) * w + x])))
          m[y * w + x] = 1;
  g_free (weak);
  /* close: dilate then erode (3 x 3) */
  for (int pass = 0; pass < 2; pass++) {
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        int any = 0, all = 1;
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++) {
            int xx = CLAMP (x + dx, 0, w - 1), yy = CLAMP (y + dy, 0, h - 1);
            any |= m[yy * w + xx], all &= m[yy * w + xx];
          }
        t[y * w + x] = pass == 0 ? any : all;
      }
    memcpy (m, t, (size_t) w * h);
  }
  /* only inside the gt box (2 px slack), and only its largest blob */
  int bx0 = (int) floor (r->x) - x0 - 2, bx1 = (int) ceil (r->x + r->w) - x0 + 2;
  int by0 = (int) floor (r->y) - y0 - 2, by1 = (int) ceil (r->y + r->h) - y0 + 2;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (x < bx0 || x >= bx1 || y < by0 || y >= by1)
        m[y * w + x] = 0;
  largest_blob (m, w, h);
  /* holes: short gaps in a row above the legs (clothes the colour of the road; the
   * gap between the legs stays open), short gaps in a column */
  int legs = MIN (h, (int) (r->y - y0 + 0.55 * r->h));
  fill_gaps (m, 1, w, legs, w, MAX (2, (int) (0.2 * r->w)));
  fill_gaps (m, w, 1, w, h, MAX (2, (int) (0.08 * r->h)));
  int set = 0;
  for (int i = 0; i < w * h; i++)
    set += m[i];
  *share = set / fmax (1, r->w * r->h);
  /* one pixel in from the border (it holds a halo of the ground they stood on), then soft */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int all = 1;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          all &= m[CLAMP (y + dy, 0, h - 1) * w + CLAMP (x + dx, 0, w - 1)];
      t[y * w + x] = all;
    }
  memcpy (m, t, (size_t) w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int sum = 0;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          sum += m[CLAMP (y + dy, 0, h - 1) * w + CLAMP (x + dx, 0, w - 1)];
      mask[y * w + x] = (unsigned char) (sum * 255 / 9);
    }
  g_free (m);
  g_free (t);
  return mask;
}

struct atk_image
atk_cut_person (const struct atk_footage *fo, const struct cv_image *frame, const struct atk_gt *r, double margin_x,
                double margin_y, bool masked)
{
  double cx = r->x - r->w * margin_x, cy = r->y - r->h * margin_y;
  int w = (int) lround (r->w * (1 + 2 * margin_x)), h = (int) lround (r->h * (1 + 2 * margin_y));
  struct atk_image im = atk_image_new (MAX (w, 1), MAX (h, 1));
  for (int y = 0; y < im.img.height; y++)
    for (int x = 0; x < im.img.width; x++) {
      int sx = CLAMP ((int) lround (cx) + x, 0, frame->width - 1), sy = CLAMP ((int) lround (cy) + y, 0, frame->height - 1);
      memcpy (im.img.data + (size_t) y * im.img.stride + x * 3, frame->data + (size_t) sy * frame->stride + sx * 3, 3);
    }
  if (!masked)
    return im;
  int margin = (int) ceil (fmax (r->w * margin_x, r->h * margin_y)) + 1;
  int mx, my, mw, mh;
  unsigned char *m = atk_person_mask (fo, frame, r, margin, &mx, &my, &mw, &mh);
  im.alpha = g_malloc0 ((gsize) im.img.width * im.img.height);
  for (int y = 0; y < im.img.height; y++)
    for (int x = 0; x < im.img.width; x++) {
      int sx = (int) lround (cx) + x - mx, sy = (int) lround (cy) + y - my;
      if (m && sx >= 0 && sy >= 0 && sx < mw && sy < mh)
        im.alpha[y * im.img.width + x] = m[sy * mw + sx];
    }
  g_free (m);
  return im;
}
