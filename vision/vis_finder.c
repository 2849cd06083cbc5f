#include "vis_finder.h"

#include "trk_box.h"
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
/* HOG's search of the whole frame (for people standing still, whom the
 * background model has taken in) is spread over the full_frame_every
 * detection frames in this many parts, each the people centred in a
 * vertical strip of the picture, evenly spaced. In one piece it took 0.9 s
 * at 720p with two cameras on two cores, twice what the capture queue
 * holds: each search dropped a dozen frames, 6-11 % of them
 * (bench/README.md). The first detection frame is still searched whole:
 * found a part at a time, a run's first people came out tangled (on the
 * random-site bench, two more wrong fines of 443, at the sample video's
 * start), and one search at start-up costs little. (Parts of its
 * window scales instead split HOG's hits on one person between frames,
 * which then found nobody.) */
#define SWEEP_PARTS 4
/* A box from a part of the whole-frame search is the box a motion region
 * found when they share this much of the smaller one (the same person
 * searched twice). */
#define SAME_BOX_SHARE 0.5
/* The shim scales a strip with half a 64 px window and an 8 px stride
 * beyond it on either side, at each window scale (cv_people.cpp). */
#define STRIP_MARGIN_PX 40

struct vis_finder {
  struct hwcfg_detector cfg; /* numbers only */
  struct cv_people_detector *hog;
  struct cv_dnn_detector *dnn;
  struct cv_motion *motion;   /* NULL until the first frame with an automatic scale */
  gboolean motion_knn, motion_failed;
  double motion_scale;        /* the model's, once made */
  char *config_path;          /* for errors */
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

/* The background model's share of the picture when [detector] motion_scale
 * is automatic (0): at most MOTION_AUTO_WIDTH pixels wide, which is half of
 * the 768-wide pictures the detector and the liveness checks were measured
 * on. It only says where something moved, and a larger camera picture gives
 * it nothing more to find, only more to hold: MOG2 keeps about 100 bytes a
 * pixel, 23 MB at half of a 1280x720 picture and 8 MB at this width, and
 * spends its time in proportion. */
#define MOTION_AUTO_WIDTH 384.0
#define MOTION_AUTO_MAX_SCALE 0.5
#define MOTION_MIN_SCALE 0.1

/* The motion model, at the configured scale or (0) the automatic one for
 * pictures WIDTH wide. */
static gboolean
make_motion (struct vis_finder *f, int width, GError **error)
{
  double scale = f->cfg.motion_scale;
  if (scale <= 0)
    scale = CLAMP (MOTION_AUTO_WIDTH / MAX (width, 1), MOTION_MIN_SCALE, MOTION_AUTO_MAX_SCALE);
  struct cv_motion_params m = {f->motion_knn ? CV_MOTION_KNN : CV_MOTION_MOG2, f->cfg.motion_learning_rate,
                               f->cfg.motion_history, f->cfg.motion_shadows, scale};
  if (cv_motion_create (&m, &f->motion) != CV_OK) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [detector]: cannot create the motion model: %s",
                 f->config_path, cv_last_error ());
    return FALSE;
  }
  f->motion_scale = scale;
  return TRUE;
}

struct vis_finder *
vis_finder_create (const struct hwcfg_detector *cfg, const char *config_path, GError **error)
{
  struct vis_finder *f = g_new0 (struct vis_finder, 1);
  f->cfg = *cfg;
  f->cfg.backend = f->cfg.motion_algorithm = f->cfg.model = f->cfg.model_config = NULL;
  f->motion_knn = cfg->motion_gating && strcmp (cfg->motion_algorithm, "knn") == 0;
  f->config_path = g_strdup (config_path);
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
  /* an automatic scale needs the picture's width: made at the first frame */
  if (cfg->motion_gating && cfg->motion_scale > 0 && !make_motion (f, 0, error))
    goto fail;
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
  g_free (f->config_path);
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

/* Searches ROI of IMG; with HOG and PART >= 0, only for the people
 * centred in that one of PARTS vertical strips of the picture. */
static cv_status
detect_in (struct vis_finder *f, const struct cv_image *img, const struct cv_rect *roi, int part, int parts,
           struct cv_box *out, int max, int *n, struct vis_finder_stats *st)
{
  double area = (double) roi->w * roi->h;
  struct cv_span strip = {0, img->width};
  if (part >= 0 && !f->dnn) {
    strip = (struct cv_span) {img->width * part / parts, img->width * (part + 1) / parts};
    area *= (double) (strip.to - strip.from) / img->width;
  }
  *n = 0;
  if (f->dnn) {
    st->searched_px += area;
    st->work_px += area;
    return cv_dnn_detect (f->dnn, img, roi, out, max, n);
  }
  double up = f->cfg.upscale;
  int levels = f->cfg.scale_levels;
  if (f->person_px && !region_scales (f, roi, img->height, &up, &levels))
    return CV_OK;
  st->searched_px += area * up * up;
  /* each scale's picture: a strip's columns and its margins */
  double cols = roi->w * up * (strip.to - strip.from) / img->width, rows = roi->h * up;
  for (int l = 0; l < levels; l++) {
    double s = pow (SCALE_STEP, l);
    st->work_px += fmin (roi->w * up / s, cols / s + (part >= 0 ? 2 * STRIP_MARGIN_PX : 0)) * rows / s;
  }
  return cv_people_detect_roi_at (f->hog, img, roi, up, levels, part >= 0 ? &strip : NULL, out, max, n);
}

/* The background model on IMG: its changed blobs into f->blobs (none when it fails). */
static cv_status
apply_motion (struct vis_finder *f, const struct cv_image *img)
{
  int n = 0;
  if (!f->motion) {
    g_autoptr (GError) err = NULL;
    if (!make_motion (f, img->width, &err)) {
      if (!f->motion_failed) /* said once: the whole frame is searched meanwhile */
        g_warning ("%s", err->message);
      f->motion_failed = TRUE;
      f->n_blobs = 0;
      return CV_ERR_INVALID;
    }
  }
  cv_status rc = cv_motion_apply (f->motion, img, f->blobs, MAX_REGIONS, &n);
  f->n_blobs = rc == CV_OK ? n : 0;
  return rc;
}

/* Parts the whole-frame search is spread over: SWEEP_PARTS, fewer when
 * it is due more often than that; 1 for a network, which sees its input
 * whole. */
static int
sweep_parts (const struct vis_finder *f)
{
  return f->dnn ? 1 : MIN (SWEEP_PARTS, f->cfg.full_frame_every);
}

/* The part of the whole-frame search due on this detection frame, or -1:
 * part k at k / parts of the way through each full_frame_every frames
 * after the first (whose first frame is searched whole). */
static int
sweep_part (const struct vis_finder *f)
{
  int every = f->cfg.full_frame_every, parts = sweep_parts (f);
  if (f->detection_frames < every)
    return -1;
  long phase = f->detection_frames % every;
  for (int k = 0; k < parts; k++)
    if (phase == (long) k * every / parts)
      return k;
  return -1;
}

/* Drops from the N boxes in FOUND those that are one of the N_BEFORE boxes
 * in BEFORE; returns how many are left (moved to FOUND's front). */
static int
drop_found_before (struct cv_box *found, int n, const struct cv_box *before, int n_before)
{
  int k = 0;
  for (int i = 0; i < n; i++) {
    bool same = false;
    for (int j = 0; j < n_before && !same; j++) {
      struct trk_box a = {found[i].x, found[i].y, found[i].w, found[i].h};
      struct trk_box b = {before[j].x, before[j].y, before[j].w, before[j].h};
      double shared = trk_box_overlap (&a, &b);
      same = shared > 0 && shared >= SAME_BOX_SHARE * fmin (a.w * a.h, b.w * b.h);
    }
    if (!same)
      found[k++] = found[i];
  }
  return k;
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

  if (f->cfg.motion_gating) {
    /* the model learns from every detection frame, searched fully or not */
    rc = apply_motion (f, img);
    n_regions = f->n_blobs;
    memcpy (f->regions, f->blobs, sizeof f->blobs[0] * f->n_blobs);
    if (rc == CV_OK)
      n_regions = vis_regions_prepare (f->regions, n_regions, REGION_MARGIN, f->min_w, f->min_h, img->width,
                                       img->height);
  }
  int part = sweep_part (f);
  st.full_frame = !f->cfg.motion_gating || rc != CV_OK || f->detection_frames == 0 || (part >= 0 && sweep_parts (f) == 1) ||
                  vis_regions_area (f->regions, n_regions) > FULL_FRAME_SHARE * img->width * img->height;
  st.sweep_part = st.full_frame ? -1 : part;
  f->detection_frames++;
  if (st.full_frame) {
    f->regions[0] = whole;
    n_regions = 1;
  }
  int total = 0;
  for (int i = 0; i < n_regions && total < max; i++) {
    int n = 0;
    rc = detect_in (f, img, &f->regions[i], -1, 0, out + total, max - total, &n, &st);
    if (rc != CV_OK)
      goto failed;
    total += n;
  }
  if (st.sweep_part >= 0 && total < max) {
    int n = 0;
    rc = detect_in (f, img, &whole, st.sweep_part, sweep_parts (f), out + total, max - total, &n, &st);
    if (rc != CV_OK)
      goto failed;
    total += drop_found_before (out + total, n, out, total);
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
failed:
  g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "detector failed: %s", cv_last_error ());
  return false;
}

bool
vis_finder_watch (struct vis_finder *f, const struct cv_image *img)
{
  if (!f->cfg.motion_gating)
    return false;
  apply_motion (f, img);
  return true;
}

double
vis_finder_motion_scale (const struct vis_finder *f)
{
  return f->motion ? f->motion_scale : 0;
}

int
vis_finder_moving_blobs (const struct vis_finder *f, const struct cv_rect **out)
{
  *out = f->blobs;
  return f->n_blobs;
}
