/* atk_pics — every picture a clip shows: prints of a person (a photo crop,
 * or the person cut out on an advert's colour, or a whole vehicle side: a
 * scene with the person in it), screen videos (the crop following a walker:
 * walking on the spot; or a fixed window a walker crosses), real walkers cut
 * out frame by frame (the genuine people), and hand-held signs with no
 * person on them. The plan picks them from the ground truth alone (sizes,
 * boxes); atk_pics_fill then cuts their pixels in one pass over the video. */
#include "atk.h"

#include <math.h>
#include <string.h>

#define PHOTO_MX 0.15
#define PHOTO_MY 0.06
#define WALKER_M 0.12 /* margin of a walker's cut-out, share of the box */

/* Nobody else near R in its frame, and R well inside the picture. */
static bool
alone (const struct atk_footage *fo, const struct atk_gt *r, double spread)
{
  for (int i = fo->first_of_frame[r->frame]; i < fo->first_of_frame[r->frame + 1]; i++) {
    const struct atk_gt *o = &fo->rows[i];
    if (o->id == r->id)
      continue;
    if (o->x < r->x + r->w * (1 + spread) && r->x - r->w * spread < o->x + o->w && o->y < r->y + r->h * 1.05 &&
        r->y - r->h * 0.05 < o->y + o->h)
      return false;
  }
  return r->x > 4 && r->y > 4 && r->x + r->w < ATK_W - 4 && r->y + r->h < ATK_H - 4;
}

static double
measured_height (const struct atk_site *s, const struct atk_gt *r)
{
  double h = zone_camera_height (&s->cam, r->x + r->w / 2, r->y + r->h, r->y);
  return isfinite (h) ? h : ATK_PERSON_M;
}

static int
by_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Runs of consecutive frames of one person, alone and 60 px or taller. */
static void
find_runs (struct atk_pics *p, const struct atk_footage *fo, const struct atk_site *s)
{
  int max_id = 0;
  for (int i = 0; i < fo->n_rows; i++)
    max_id = MAX (max_id, fo->rows[i].id);
  for (int id = 1; id <= max_id; id++) {
    int first = 0, n = 0;
    for (int f = 1; f <= ATK_SRC_FRAMES + 1; f++) {
      const struct atk_gt *r = f <= ATK_SRC_FRAMES ? atk_footage_row (fo, f, id) : NULL;
      bool ok = r && r->h >= 60 && alone (fo, r, 0.25) && r->mask_share > 0.3 && r->mask_share < 0.8;
      if (ok && n == 0)
        first = f;
      if (ok) {
        n++;
        continue;
      }
      if (n >= 20) {
        struct atk_run run = {.id = id, .first = first, .n = n};
        const struct atk_gt *a = atk_footage_row (fo, first, id), *b = atk_footage_row (fo, first + n - 1, id);
        run.speed_mps = hypot (b->foot[0] - a->foot[0], b->foot[1] - a->foot[1]) / ((n - 1) / (double) ATK_SRC_FPS);
        run.img_dir[0] = ((b->x + b->w / 2) - (a->x + a->w / 2)) / (n - 1);
        run.img_dir[1] = ((b->y + b->h) - (a->y + a->h)) / (n - 1);
        double hs[512];
        int k = 0;
        for (int j = 0; j < n && k < 512; j++) {
          const struct atk_gt *q = atk_footage_row (fo, first + j, id);
          hs[k++] = measured_height (s, q);
          run.mean_h += q->h / n;
        }
        qsort (hs, k, sizeof *hs, by_double);
        run.height_m = hs[k / 2];
        g_array_append_val (p->runs, run);
      }
      n = 0;
    }
  }
}

void
atk_pics_forget (struct atk_pics *p, struct atk_pic *pic)
{
  if (pic)
    g_ptr_array_remove (p->all, pic);
}

static void
pic_free (struct atk_pic *pic)
{
  for (int i = 0; i < pic->n; i++)
    atk_image_free (&pic->f[i].im);
  g_free (pic->f);
  g_free (pic);
}

void
atk_pics_init (struct atk_pics *p, const struct atk_footage *fo, const struct atk_site *s)
{
  p->all = g_ptr_array_new_with_free_func ((GDestroyNotify) pic_free);
  p->stills = g_array_new (FALSE, FALSE, sizeof (int));
  p->runs = g_array_new (FALSE, FALSE, sizeof (struct atk_run));
  for (int i = 0; i < fo->n_rows; i++)
    if (fo->rows[i].h >= 95 && alone (fo, &fo->rows[i], 0.4) && fo->rows[i].mask_share > 0.3 &&
        fo->rows[i].mask_share < 0.8)
      g_array_append_val (p->stills, i);
  find_runs (p, fo, s);
}

void
atk_pics_free (struct atk_pics *p)
{
  if (p->all)
    g_ptr_array_free (p->all, TRUE);
  if (p->stills)
    g_array_free (p->stills, TRUE);
  if (p->runs)
    g_array_free (p->runs, TRUE);
  memset (p, 0, sizeof *p);
}

static struct atk_pic *
pic_new (struct atk_pics *p, enum atk_pic_kind kind, int n)
{
  struct atk_pic *pic = g_new0 (struct atk_pic, 1);
  pic->kind = kind;
  pic->n = n;
  pic->f = g_new0 (struct atk_pic_frame, n);
  g_ptr_array_add (p->all, pic);
  return pic;
}

static const unsigned char ADVERT_COLOURS[][3] = {
    {40, 40, 200},  {200, 120, 30}, {30, 160, 60},  {220, 220, 225}, {30, 200, 230},
    {120, 40, 120}, {20, 20, 20},   {180, 200, 40}, {90, 60, 30},    {200, 80, 160},
};

static const struct atk_gt *
random_still (const struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r)
{
  return &fo->rows[g_array_index (p->stills, int, atk_rng_below (r, (int) p->stills->len))];
}

struct atk_pic *
atk_pic_print (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r, enum atk_pic_kind kind,
               double person_m)
{
  (void) person_m;
  const struct atk_gt *g = random_still (p, fo, r);
  struct atk_pic *pic = pic_new (p, kind, 1);
  struct atk_pic_frame *f = &pic->f[0];
  f->src_frame = g->frame, f->gt_id = g->id;
  f->crop[0] = g->x - g->w * PHOTO_MX, f->crop[1] = g->y - g->h * PHOTO_MY;
  f->crop[2] = g->w * (1 + 2 * PHOTO_MX), f->crop[3] = g->h * (1 + 2 * PHOTO_MY);
  if (kind == ATK_PIC_PHOTO) {
    f->w = (int) lround (f->crop[2]), f->h = (int) lround (f->crop[3]);
    f->person[0] = g->w * PHOTO_MX, f->person[1] = g->h * PHOTO_MY, f->person[2] = g->w, f->person[3] = g->h;
  } else { /* an advert: the person on a colour, off centre, with room for the slogan */
    f->w = (int) lround (g->w * atk_rng_uniform (r, 2.0, 2.8)), f->h = (int) lround (g->h * 1.18);
    f->person[0] = atk_rng_uniform (r, 0.05, 0.95) * (f->w - g->w), f->person[1] = f->h - g->h * 1.04;
    f->person[2] = g->w, f->person[3] = g->h;
    memcpy (pic->colour, ADVERT_COLOURS[atk_rng_below (r, G_N_ELEMENTS (ADVERT_COLOURS))], 3);
  }
  pic->w = f->w, pic->h = f->h, pic->person_h = g->h;
  return pic;
}

struct atk_pic *
atk_pic_wrap (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r, double side_w_m, double side_h_m,
              double person_m, double person_x_m)
{
  const struct atk_gt *g = random_still (p, fo, r);
  struct atk_pic *pic = pic_new (p, ATK_PIC_WRAP, 1);
  struct atk_pic_frame *f = &pic->f[0];
  double px_per_m = fmin (g->h / person_m, 1600 / side_w_m);
  f->src_frame = g->frame, f->gt_id = g->id;
  memcpy (f->crop, (double[4]){g->x, g->y, g->w, g->h}, sizeof f->crop);
  f->w = (int) lround (side_w_m * px_per_m), f->h = (int) lround (side_h_m * px_per_m);
  double ph = person_m * px_per_m, pw = ph * g->w / g->h;
  double feet = atk_rng_uniform (r, 0.03, fmax (0.04, side_h_m - person_m - 0.05)) * px_per_m;
  f->person[0] = person_x_m * px_per_m, f->person[1] = f->h - feet - ph, f->person[2] = pw, f->person[3] = ph;
  /* the scene behind: a part of the footage's (empty) background, the wrap's aspect */
  double bw = atk_rng_uniform (r, 250, 700), bh = fmin (bw * f->h / f->w, 400);
  bw = bh * f->w / f->h;
  pic->bg_crop[0] = atk_rng_uniform (r, 0, fmax (1, ATK_W - bw)), pic->bg_crop[1] = atk_rng_uniform (r, 0, fmax (1, ATK_H - bh));
  pic->bg_crop[2] = fmin (bw, ATK_W), pic->bg_crop[3] = fmin (bh, ATK_H);
  memcpy (pic->colour, ADVERT_COLOURS[atk_rng_below (r, G_N_ELEMENTS (ADVERT_COLOURS))], 3);
  pic->w = f->w, pic->h = f->h, pic->person_h = ph;
  return pic;
}

/* A run whose walker is at least MIN_H px tall; NULL if none. */
static const struct atk_run *
random_run (const struct atk_pics *p, struct atk_rng *r, int min_n, double min_h, double min_dx)
{
  int cand[256], n = 0;
  for (guint i = 0; i < p->runs->len && n < 256; i++) {
    const struct atk_run *run = &g_array_index (p->runs, struct atk_run, i);
    if (run->n >= min_n && run->mean_h >= min_h && fabs (run->img_dir[0]) * run->n >= min_dx)
      cand[n++] = (int) i;
  }
  return n ? &g_array_index (p->runs, struct atk_run, cand[atk_rng_below (r, n)]) : NULL;
}

/* Someone other than ID in FRAME with more than SHARE of their box inside RECT. */
static bool
others_in (const struct atk_footage *fo, int frame, int id, const double rect[4], double share)
{
  for (int i = fo->first_of_frame[frame]; i < fo->first_of_frame[frame + 1]; i++) {
    const struct atk_gt *o = &fo->rows[i];
    double x0 = fmax (o->x, rect[0]), y0 = fmax (o->y, rect[1]);
    double x1 = fmin (o->x + o->w, rect[0] + rect[2]), y1 = fmin (o->y + o->h, rect[1] + rect[3]);
    if (o->id != id && x1 > x0 && y1 > y0 && (x1 - x0) * (y1 - y0) > share * o->w * o->h)
      return true;
  }
  return false;
}

/* The crop following the walker of RUN (walking on the spot), up to 80 frames, while no one else comes in. */
static struct atk_pic *
screen_spot (struct atk_pics *p, const struct atk_footage *fo, const struct atk_run *run)
{
  int n = 0;
  double crops[80][4];
  for (; n < MIN (run->n, 80); n++) {
    const struct atk_gt *g = atk_footage_row (fo, run->first + n, run->id);
    double h = g->h * (1 + 2 * PHOTO_MY), w = h * 0.5;
    double c[4] = {g->x + g->w / 2 - w / 2, g->y - g->h * PHOTO_MY, w, h};
    if (others_in (fo, g->frame, g->id, c, 0.1))
      break;
    memcpy (crops[n], c, sizeof c);
  }
  if (n < 30)
    return NULL;
  struct atk_pic *pic = pic_new (p, ATK_PIC_SPOT, n);
  const struct atk_gt *g0 = atk_footage_row (fo, run->first, run->id);
  pic->h = (int) lround (g0->h * (1 + 2 * PHOTO_MY)), pic->w = (int) lround (pic->h * 0.5);
  for (int k = 0; k < n; k++) {
    const struct atk_gt *g = atk_footage_row (fo, run->first + k, run->id);
    struct atk_pic_frame *f = &pic->f[k];
    double sc = pic->h / crops[k][3];
    f->src_frame = g->frame, f->gt_id = g->id, f->w = pic->w, f->h = pic->h;
    memcpy (f->crop, crops[k], sizeof f->crop);
    f->person[0] = (g->x - f->crop[0]) * sc, f->person[1] = (g->y - f->crop[1]) * sc;
    f->person[2] = g->w * sc, f->person[3] = g->h * sc;
  }
  pic->person_h = pic->f[0].person[3];
  return pic;
}

/* A fixed window the walker of RUN crosses (about 4 of their widths of travel), with no one else in it. */
static struct atk_pic *
screen_across (struct atk_pics *p, const struct atk_footage *fo, const struct atk_run *run)
{
  int k1 = run->n - 1;
  const struct atk_gt *a = atk_footage_row (fo, run->first, run->id);
  for (int k = 1; k < run->n; k++) {
    const struct atk_gt *b = atk_footage_row (fo, run->first + k, run->id);
    if (fabs ((b->x + b->w / 2) - (a->x + a->w / 2)) >= 4 * a->w) {
      k1 = k;
      break;
    }
  }
  int n = k1 + 1;
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, hsum = 0;
  for (int k = 0; k < n; k++) {
    const struct atk_gt *g = atk_footage_row (fo, run->first + k, run->id);
    x0 = fmin (x0, g->x - 0.3 * g->w), x1 = fmax (x1, g->x + 1.3 * g->w);
    y0 = fmin (y0, g->y - 0.08 * g->h), y1 = fmax (y1, g->y + 1.05 * g->h);
    hsum += g->h;
  }
  x0 = fmax (0, x0), y0 = fmax (0, y0), x1 = fmin (ATK_W, x1), y1 = fmin (ATK_H, y1);
  double win[4] = {x0, y0, x1 - x0, y1 - y0};
  for (int k = 0; k < n; k++)
    if (others_in (fo, run->first + k, run->id, win, 0.1))
      return NULL;
  struct atk_pic *pic = pic_new (p, ATK_PIC_ACROSS, n);
  pic->w = (int) lround (x1 - x0), pic->h = (int) lround (y1 - y0), pic->person_h = hsum / n;
  for (int k = 0; k < n; k++) {
    const struct atk_gt *g = atk_footage_row (fo, run->first + k, run->id);
    struct atk_pic_frame *f = &pic->f[k];
    f->src_frame = g->frame, f->gt_id = g->id, f->w = pic->w, f->h = pic->h;
    memcpy (f->crop, win, sizeof f->crop);
    memcpy (f->person, (double[4]){g->x - x0, g->y - y0, g->w, g->h}, sizeof f->person);
  }
  return pic;
}

struct atk_pic *
atk_pic_screen (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r, bool across, double person_m)
{
  (void) person_m;
  for (int t = 0; t < 30; t++) {
    const struct atk_run *run = across ? random_run (p, r, 20, 60, 60) : random_run (p, r, 30, 70, 0);
    if (!run)
      return NULL;
    struct atk_pic *pic = across ? screen_across (p, fo, run) : screen_spot (p, fo, run);
    if (pic)
      return pic;
  }
  return NULL;
}

struct atk_pic *
atk_pic_walker (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r, const double dir[2],
                bool *mirror, double *pace_mps, double *height_m)
{
  /* the runs whose image motion is most like DIR (either sideways sense: mirrored) */
  double dl = hypot (dir[0], dir[1]);
  enum { TOP = 8 }; /* most of the footage's people walk across the picture: take the 8 likest */
  int best[TOP];
  double score[TOP];
  for (int k = 0; k < TOP; k++)
    best[k] = -1, score[k] = -9;
  for (guint i = 0; i < p->runs->len; i++) {
    const struct atk_run *run = &g_array_index (p->runs, struct atk_run, i);
    double rl = hypot (run->img_dir[0], run->img_dir[1]);
    if (run->n < 25 || rl < 0.3 || dl <= 0 || run->speed_mps < 0.9 || run->speed_mps > 2.5)
      continue;
    double sc = (fabs (run->img_dir[0] * dir[0]) + run->img_dir[1] * dir[1]) / (rl * dl);
    for (int k = 0; k < TOP; k++)
      if (sc > score[k]) {
        memmove (&score[k + 1], &score[k], (TOP - 1 - k) * sizeof *score);
        memmove (&best[k + 1], &best[k], (TOP - 1 - k) * sizeof *best);
        score[k] = sc, best[k] = (int) i;
        break;
      }
  }
  int nb = 0;
  while (nb < TOP && best[nb] >= 0)
    nb++;
  if (nb == 0)
    return NULL;
  const struct atk_run *run = &g_array_index (p->runs, struct atk_run, best[atk_rng_below (r, nb)]);
  *mirror = run->img_dir[0] * dir[0] < 0;
  *pace_mps = CLAMP (run->speed_mps, 0.9, 1.9);
  *height_m = CLAMP (run->height_m, 1.55, 1.95);
  struct atk_pic *pic = pic_new (p, ATK_PIC_WALKER, run->n);
  for (int k = 0; k < run->n; k++) {
    const struct atk_gt *g = atk_footage_row (fo, run->first + k, run->id);
    struct atk_pic_frame *f = &pic->f[k];
    f->src_frame = g->frame, f->gt_id = g->id;
    f->crop[0] = g->x - g->w * WALKER_M, f->crop[1] = g->y - g->h * WALKER_M;
    f->w = (int) lround (g->w * (1 + 2 * WALKER_M)), f->h = (int) lround (g->h * (1 + 2 * WALKER_M));
    f->crop[2] = f->w, f->crop[3] = f->h;
    memcpy (f->person, (double[4]){g->w * WALKER_M, g->h * WALKER_M, g->w, g->h}, sizeof f->person);
  }
  pic->w = pic->f[0].w, pic->h = pic->f[0].h, pic->person_h = run->mean_h;
  return pic;
}

struct atk_pic *
atk_pic_placard (struct atk_pics *p, struct atk_rng *r)
{
  struct atk_pic *pic = pic_new (p, ATK_PIC_PLACARD, 1);
  pic->w = pic->f[0].w = 45, pic->h = pic->f[0].h = 60;
  memcpy (pic->colour, ADVERT_COLOURS[atk_rng_below (r, G_N_ELEMENTS (ADVERT_COLOURS))], 3);
  return pic;
}

/* ---- pixels ---- */

static void
fill_rect (struct atk_image *im, double x, double y, double w, double h, const unsigned char c[3])
{
  for (int yy = MAX (0, (int) y); yy < MIN (im->img.height, (int) (y + h)); yy++)
    for (int xx = MAX (0, (int) x); xx < MIN (im->img.width, (int) (x + w)); xx++)
      memcpy (im->img.data + (size_t) yy * im->img.stride + xx * 3, c, 3);
}

/* Lines of "text": bars of random lengths, in a contrasting colour. */
static void
slogan (struct atk_image *im, struct atk_rng *r, double x, double y, double w, double h, const unsigned char bg[3])
{
  unsigned char ink[3];
  for (int k = 0; k < 3; k++)
    ink[k] = bg[k] > 128 ? 25 : 240;
  int lines = 2 + atk_rng_below (r, 3);
  double lh = h / (lines * 1.6);
  for (int l = 0; l < lines; l++)
    for (double cx = x; cx < x + w * atk_rng_uniform (r, 0.5, 1.0);) {
      double ww = lh * atk_rng_uniform (r, 1.0, 4.0);
      fill_rect (im, cx, y + l * lh * 1.6, fmin (ww, x + w - cx), lh, ink);
      cx += ww + lh * 0.6;
    }
}

static struct atk_image
crop_image (const struct cv_image *img, const double c[4], int w, int h)
{
  struct atk_image out = atk_image_new (w, h);
  struct atk_image src = {*img, NULL};
  const double q[8] = {-c[0] * w / c[2], -c[1] * h / c[3], (img->width - c[0]) * w / c[2], -c[1] * h / c[3],
                       (img->width - c[0]) * w / c[2], (img->height - c[1]) * h / c[3], -c[0] * w / c[2],
                       (img->height - c[1]) * h / c[3]};
  atk_paste (&out.img, &src, q, false);
  return out;
}

static void
fill_frame (struct atk_pic *pic, struct atk_pic_frame *f, const struct atk_footage *fo, const struct cv_image *img,
            struct atk_rng *r)
{
  const struct atk_gt *g = atk_footage_row (fo, f->src_frame, f->gt_id);
  switch (pic->kind) {
  case ATK_PIC_PHOTO:
  case ATK_PIC_SPOT:
  case ATK_PIC_ACROSS:
    f->im = crop_image (img, f->crop, f->w, f->h);
    break;
  case ATK_PIC_WALKER:
    f->im = atk_cut_person (fo, img, g, WALKER_M, WALKER_M, true);
    break;
  case ATK_PIC_CUTOUT:
  case ATK_PIC_WRAP: {
    if (pic->kind == ATK_PIC_WRAP) { /* a scene, tinted in the brand's colour, with a slogan */
      f->im = crop_image (&fo->background.img, pic->bg_crop, f->w, f->h);
      for (int i = 0; i < f->w * f->h * 3; i++)
        f->im.img.data[i] = (unsigned char) ((f->im.img.data[i] + pic->colour[i % 3]) / 2);
      double left = f->person[0], right = f->w - f->person[0] - f->person[2];
      double x = left > right ? 0.04 * f->w : f->person[0] + f->person[2] + 0.03 * f->w;
      slogan (&f->im, r, x, 0.12 * f->h, fmin (fmax (left, right) - 0.06 * f->w, 0.45 * f->w), 0.35 * f->h,
              pic->colour);
    } else {
      f->im = atk_image_new (f->w, f->h);
      atk_image_fill (&f->im, pic->colour);
    }
    if (pic->kind == ATK_PIC_CUTOUT) { /* the slogan beside the person */
      double left = f->person[0], right = f->w - f->person[0] - f->person[2];
      double x = left > right ? 0.06 * f->w : f->person[0] + f->person[2] + 0.04 * f->w;
      slogan (&f->im, r, x, 0.1 * f->h, fmax (left, right) - 0.08 * f->w, 0.3 * f->h, pic->colour);
    }
    struct atk_image cut = atk_cut_person (fo, img, g, 0.08, 0.04, true);
    double sx = f->person[2] / g->w, sy = f->person[3] / g->h;
    atk_paste_rect (&f->im, &cut, f->person[0] - 0.08 * g->w * sx, f->person[1] - 0.04 * g->h * sy,
                    cut.img.width * sx, cut.img.height * sy);
    atk_image_free (&cut);
    break;
  }
  default:
    break;
  }
}

bool
atk_pics_fill (struct atk_pics *p, const struct atk_footage *fo, const char *video, struct atk_rng *r, GError **error)
{
  /* which picture frames each footage frame feeds */
  GPtrArray *need[ATK_SRC_FRAMES + 1] = {0};
  for (guint i = 0; i < p->all->len; i++) {
    struct atk_pic *pic = p->all->pdata[i];
    if (pic->kind == ATK_PIC_PLACARD) {
      struct atk_pic_frame *f = &pic->f[0];
      f->im = atk_image_new (f->w, f->h);
      atk_image_fill (&f->im, pic->colour);
      slogan (&f->im, r, 0.1 * f->w, 0.1 * f->h, 0.8 * f->w, 0.8 * f->h, pic->colour);
      continue;
    }
    for (int k = 0; k < pic->n; k++) {
      int sf = pic->f[k].src_frame;
      if (sf < 1 || sf > ATK_SRC_FRAMES)
        continue;
      if (!need[sf])
        need[sf] = g_ptr_array_new ();
      g_ptr_array_add (need[sf], pic);
      g_ptr_array_add (need[sf], &pic->f[k]);
    }
  }
  struct atk_reader *rd = atk_reader_open (video, error);
  if (!rd)
    return false;
  struct cv_image img;
  for (int fr = 1; fr <= ATK_SRC_FRAMES && atk_reader_next (rd, &img); fr++) {
    for (guint k = 0; need[fr] && k < need[fr]->len; k += 2)
      fill_frame (need[fr]->pdata[k], need[fr]->pdata[k + 1], fo, &img, r);
    g_free (img.data);
  }
  atk_reader_close (rd);
  for (int fr = 0; fr <= ATK_SRC_FRAMES; fr++)
    if (need[fr])
      g_ptr_array_free (need[fr], TRUE);
  return true;
}

void
atk_pics_dump (const struct atk_pics *p, const char *dir)
{
  for (guint i = 0; i < p->all->len; i++) {
    const struct atk_pic *pic = p->all->pdata[i];
    for (int k = 0; k < MIN (pic->n, 3); k++) {
      const struct atk_image *im = &pic->f[k].im;
      if (!im->img.data)
        continue;
      struct atk_image copy = atk_image_new (im->img.width, im->img.height);
      for (int j = 0; j < im->img.width * im->img.height; j++)
        for (int c = 0; c < 3; c++)
          copy.img.data[j * 3 + c] = im->alpha ? (unsigned char) (im->img.data[j * 3 + c] * im->alpha[j] / 255)
                                               : im->img.data[j * 3 + c];
      unsigned char *jpg;
      size_t len;
      if (cv_jpeg_encode (&copy.img, 90, &jpg, &len) == CV_OK) {
        g_autofree char *path = g_strdup_printf ("%s/pic%02u_kind%d_f%d.jpg", dir, i, pic->kind, k);
        g_file_set_contents (path, (const char *) jpg, (gssize) len, NULL);
        cv_free (jpg);
      }
      atk_image_free (&copy);
    }
  }
}

