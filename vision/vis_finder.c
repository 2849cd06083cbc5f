#include "vis_finder.h"

#include "vis_regions.h"

#include <math.h>
#include <string.h>

#define MAX_REGIONS 64
/* Regions covering more of the frame than this: search the whole frame
 * (one pass beats many overlapping ones). */
#define FULL_FRAME_SHARE 0.6
/* A motion blob is grown by this share of its size on each side, and to at
 * least 1.3 x 1.2 detection windows. Chosen on the sample video: wider
 * margins found no more people and cost speed (bench/README.md). */
#define REGION_MARGIN 0.15
/* Calibrated search (vis_finder_set_person_size): each region is searched
 * from the shortest person's size at its top to the tallest's at its bottom,
 * with window scales SCALE_STEP apart (more levels cost little: each is
 * 1.05^2 smaller than the last); rows are probed every SCAN_STEP_PX. */
#define SCAN_STEP_PX 8
#define SCALE_STEP 1.05
/* People shorter than this in the picture are not searched for: measured on
 * PETS09-S2L1, searching down to 49 px found 85 % of people 50-59 px tall
 * (58 px: 70 %, 55 px: 78 %) but doubled the false boxes and lost more fines to them
 * than it gained (bench/README.md, site_bench). */
#define MIN_PERSON_PX 55.0
/* A box is a person's when its height is within this share of the heights
 * of the shortest and the tallest person at its foot point (box noise). */
#define SIZE_SLACK 0.15
/* Pixels from the image's top or bottom: a box that close may be cut. */
#define EDGE_PX 2
/* The least image scale the HOG shim takes (cv_people_detect_roi_at). */
#define MIN_UPSCALE 0.25

struct vis_finder {
  struct hwcfg_detector cfg; /* numbers only */
  struct cv_people_detector *hog;
  struct cv_dnn_detector *dnn;
  struct cv_motion *motion;
  int min_w, min_h;          /* smallest region the detector can use, native pixels */
  vis_person_px_fn person_px; /* calibration, or NULL */
  const void *person_ud;
  double view_upscale;        /* calibrated HOG search: 0 not yet worked out, < 0 none */
  long detection_frames;
  struct cv_rect regions[MAX_REGIONS];
  struct cv_rect blobs[MAX_REGIONS]; /* the background model's changed blobs, as found */
  int n_blobs;
};

/* The smallest region worth searching at image scale UPSCALE: the 64x128
 * window at native scale, and a margin to slide in. */
static void
set_min_region (struct vis_finder *f, double upscale)
{
  f->min_w = (int) (64 / upscale * 1.3);
  f->min_h = (int) (128 / upscale * 1.2);
}

struct vis_finder *
vis_finder_create (const struct hwcfg_detector *cfg, const char *config_path, GError **error)
{
  struct vis_finder *f = g_new0 (struct vis_finder, 1);
  f->cfg = *cfg;
  f->cfg.backend = f->cfg.motion_algorithm = f->cfg.model = f->cfg.model_config = NULL;
  if (strcmp (cfg->backend, "dnn") == 0) {
    struct cv_dnn_params p = {cfg->model,          cfg->model_config,   cfg->input_width,   cfg->input_height,
                              cfg->person_class,   cfg->score_threshold, cfg->nms_threshold, cfg->boxes_normalized};
    if (cv_dnn_detector_create (&p, &f->dnn) != CV_OK) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [detector] model: %s: %s", config_path,
                   cfg->model ? cfg->model : "(none)", cv_last_error ());
      goto fail;
    }
    /* a network sees its whole input; regions must not be tiny */
    f->min_w = f->min_h = 96;
  } else {
    struct cv_people_params p = {cfg->upscale, cfg->hit_threshold, SCALE_STEP, cfg->scale_levels};
    if (cv_people_detector_create (&p, &f->hog) != CV_OK) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [detector]: cannot create the HOG detector: %s",
                   config_path, cv_last_error ());
      goto fail;
    }
    set_min_region (f, cfg->upscale);
  }
  if (cfg->motion_gating) {
    struct cv_motion_params m = {strcmp (cfg->motion_algorithm, "knn") == 0 ? CV_MOTION_KNN : CV_MOTION_MOG2,
                                 cfg->motion_learning_rate, cfg->motion_history, cfg->motion_shadows,
                                 cfg->motion_scale};
    if (cv_motion_create (&m, &f->motion) != CV_OK) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [detector]: cannot create the motion model: %s",
                   config_path, cv_last_error ());
      goto fail;
    }
  }
  return f;
fail:
  vis_finder_free (f);
  return NULL;
}

void
vis_finder_free (struct vis_finder *f)
{
  if (!f)
    return;
  cv_people_detector_destroy (f->hog);
  cv_dnn_detector_destroy (f->dnn);
  cv_motion_destroy (f->motion);
  g_free (f);
}

void
vis_finder_set_person_size (struct vis_finder *f, vis_person_px_fn fn, const void *user_data)
{
  f->person_px = fn;
  f->person_ud = user_data;
  f->view_upscale = 0;
}

/* The shortest and tallest person's pixel heights with feet on row V, over
 * the columns X0..X1; false where the camera sees no ground there. */
static bool
person_range_at (const struct vis_finder *f, int x0, int x1, double v, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = 0;
  for (int i = 0; i <= 4; i++) {
    double u = x0 + (x1 - x0) * i / 4.0;
    double a = f->person_px (f->person_ud, u, v, f->cfg.person_min_height_m);
    double b = f->person_px (f->person_ud, u, v, f->cfg.person_max_height_m);
    if (!isfinite (a) || !isfinite (b))
      continue;
    *lo = fmin (*lo, a);
    *hi = fmax (*hi, b);
  }
  return *hi > 0;
}

/* Could box B be a whole person (or one cut by the top or bottom edge)? */
static bool
person_sized (const struct vis_finder *f, const struct cv_box *b, int img_h)
{
  double u = b->x + b->w / 2, v = b->y + b->h;
  double lo = f->person_px (f->person_ud, u, v, f->cfg.person_min_height_m);
  double hi = f->person_px (f->person_ud, u, v, f->cfg.person_max_height_m);
  if (!isfinite (lo) || !isfinite (hi))
    return false; /* feet where no ground is seen */
  bool cut = b->y <= EDGE_PX || v >= img_h - EDGE_PX;
  return b->h <= hi * (1 + SIZE_SLACK) && (cut || b->h >= lo * (1 - SIZE_SLACK));
}

/* The shortest and the tallest person (pixels) with feet on a row of ROI
 * and at least half of their body above within it. False when the camera
 * sees no ground there. */
static bool
person_sizes_in (const struct vis_finder *f, const struct cv_rect *roi, double *small, double *large)
{
  double lo, hi;
  int x0 = roi->x, x1 = roi->x + roi->w - 1;
  *small = INFINITY;
  *large = 0;
  for (int v = roi->y + roi->h - 1; v >= roi->y; v -= SCAN_STEP_PX) {
    if (!person_range_at (f, x0, x1, v, &lo, &hi))
      continue;
    *large = fmax (*large, hi * (1 + SIZE_SLACK));
    if (v - hi / 2 >= roi->y)
      *small = fmin (*small, lo * (1 - SIZE_SLACK));
  }
  return isfinite (*small) && *large > 0;
}

/* The calibrated search's one image scale for the whole view, worked out on
 * the first frame (the projection needs the picture's size): the shortest
 * person the detector can resolve (MIN_PERSON_PX) fills the window, so that
 * a person's box comes out of the same pyramid in a region and in a
 * full-frame search. Without ground in view: the configured scales. */
static void
settle_view_scale (struct vis_finder *f, const struct cv_image *img)
{
  double small, large;
  struct cv_rect view = {0, 0, img->width, img->height};
  f->view_upscale = -1;
  if (!person_sizes_in (f, &view, &small, &large))
    return;
  /* in steps of 0.1: HOG's results move with the exact pyramid sizes
   * (1.6989 and 1.7 differ by 2 % of the fines on site_bench), so a round
   * scale keeps a site's results from hanging on the calibration's last digit */
  double up = round (10 * cv_people_window_body_px () / fmax (MIN_PERSON_PX, small)) / 10;
  f->view_upscale = fmin (4.0, fmax (0.3, up));
  set_min_region (f, f->view_upscale);
}

/* The image scale and window levels to search ROI at: the view's scale
 * (or a level of it, below), and levels up to the tallest person in ROI.
 * False when nobody the detector can resolve stands there. */
static bool
region_scales (const struct vis_finder *f, const struct cv_rect *roi, int img_h, double *upscale, int *levels)
{
  double small, large;
  if (f->view_upscale < 0) {
    *upscale = f->cfg.upscale;
    *levels = f->cfg.scale_levels;
    return true;
  }
  if (!person_sizes_in (f, roi, &small, &large))
    return false;
  double smallest_found = cv_people_window_body_px () / f->view_upscale;
  if (large < smallest_found)
    return false;
  int n = (int) ceil (log (large / smallest_found) / log (SCALE_STEP)) + 1;
  /* The pyramid starts at the view's level nearest below the region's
   * shortest person: the levels under it hold nobody who can stand there
   * (their boxes would be dropped as no person's size), and they are the
   * costly ones, the image enlarged most. A region at the picture's top or
   * bottom edge keeps them: a person cut by the edge is shorter. */
  int skip = 0;
  bool at_edge = roi->y <= EDGE_PX || roi->y + roi->h >= img_h - EDGE_PX;
  if (!at_edge && small > smallest_found)
    skip = MIN (n - 1, (int) floor (log (small / smallest_found) / log (SCALE_STEP)));
  skip = MIN (skip, (int) floor (log (f->view_upscale / MIN_UPSCALE) / log (SCALE_STEP))); /* not below the least scale */
  *upscale = f->view_upscale / pow (SCALE_STEP, skip);
  n -= skip;
  *levels = n > 64 ? 64 : n;
  return true;
}

static cv_status
detect_in (struct vis_finder *f, const struct cv_image *img, const struct cv_rect *roi, struct cv_box *out, int max,
           int *n, double *searched_px)
{
  double area = (double) roi->w * roi->h;
  if (f->dnn) {
    *searched_px += area;
    return cv_dnn_detect (f->dnn, img, roi, out, max, n);
  }
  if (f->person_px) {
    double up;
    int levels;
    *n = 0;
    if (!region_scales (f, roi, img->height, &up, &levels))
      return CV_OK;
    *searched_px += area * up * up;
    return cv_people_detect_roi_at (f->hog, img, roi, up, levels, out, max, n);
  }
  *searched_px += area * f->cfg.upscale * f->cfg.upscale;
  return cv_people_detect_roi (f->hog, img, roi, out, max, n);
}

/* The background model on IMG: its changed blobs into f->blobs (none when it fails). */
static cv_status
apply_motion (struct vis_finder *f, const struct cv_image *img)
{
  int n = 0;
  cv_status rc = cv_motion_apply (f->motion, img, f->blobs, MAX_REGIONS, &n);
  f->n_blobs = rc == CV_OK ? n : 0;
  return rc;
}

bool
vis_finder_run (struct vis_finder *f, const struct cv_image *img, struct cv_box *out, int max, int *out_n,
                struct vis_finder_stats *stats, GError **error)
{
  struct vis_finder_stats st = {0};
  struct cv_rect whole = {0, 0, img->width, img->height};
  int n_regions = 1;
  cv_status rc = CV_OK;
  *out_n = 0;
  if (f->hog && f->person_px && f->view_upscale == 0)
    settle_view_scale (f, img);

  if (f->motion) {
    /* the model learns from every detection frame, searched fully or not */
    rc = apply_motion (f, img);
    n_regions = f->n_blobs;
    memcpy (f->regions, f->blobs, sizeof f->blobs[0] * f->n_blobs);
    if (rc == CV_OK)
      n_regions = vis_regions_prepare (f->regions, n_regions, REGION_MARGIN, f->min_w, f->min_h, img->width,
                                       img->height);
  }
  st.full_frame = !f->motion || rc != CV_OK || f->detection_frames % f->cfg.full_frame_every == 0 ||
                  vis_regions_area (f->regions, n_regions) > FULL_FRAME_SHARE * img->width * img->height;
  f->detection_frames++;
  if (st.full_frame) {
    f->regions[0] = whole;
    n_regions = 1;
  }
  int total = 0;
  for (int i = 0; i < n_regions && total < max; i++) {
    int n = 0;
    rc = detect_in (f, img, &f->regions[i], out + total, max - total, &n, &st.searched_px);
    if (rc != CV_OK) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "detector failed: %s", cv_last_error ());
      return false;
    }
    total += n;
  }
  /* keep the confident ones of a person's size */
  int k = 0;
  for (int i = 0; i < total; i++)
    if (out[i].score >= f->cfg.min_score && (!f->person_px || person_sized (f, &out[i], img->height)))
      out[k++] = out[i];
  *out_n = k;
  st.regions = n_regions;
  st.area_share = (double) vis_regions_area (f->regions, n_regions) / ((double) img->width * img->height);
  if (stats)
    *stats = st;
  return true;
}

bool
vis_finder_watch (struct vis_finder *f, const struct cv_image *img)
{
  if (!f->motion)
    return false;
  apply_motion (f, img);
  return true;
}

int
vis_finder_moving_blobs (const struct vis_finder *f, const struct cv_rect **out)
{
  *out = f->blobs;
  return f->n_blobs;
}
