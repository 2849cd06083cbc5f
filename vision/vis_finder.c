#include "vis_finder.h"

#include "vis_regions.h"

#include <string.h>

#define MAX_REGIONS 64
/* Regions covering more of the frame than this: search the whole frame
 * (one pass beats many overlapping ones). */
#define FULL_FRAME_SHARE 0.6
/* A motion blob is grown by this share of its size on each side, and to at
 * least 1.3 x 1.2 detection windows. Chosen on the sample video: wider
 * margins found no more people and cost speed (bench/README.md). */
#define REGION_MARGIN 0.15

struct vis_finder {
  struct hwcfg_detector cfg; /* numbers only */
  struct cv_people_detector *hog;
  struct cv_dnn_detector *dnn;
  struct cv_motion *motion;
  int min_w, min_h;          /* smallest region the detector can use, native pixels */
  long detection_frames;
  struct cv_rect regions[MAX_REGIONS];
  struct cv_rect blobs[MAX_REGIONS]; /* the background model's changed blobs, as found */
  int n_blobs;
};

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
    struct cv_people_params p = {cfg->upscale, cfg->hit_threshold, 1.05, cfg->scale_levels};
    if (cv_people_detector_create (&p, &f->hog) != CV_OK) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: [detector]: cannot create the HOG detector: %s",
                   config_path, cv_last_error ());
      goto fail;
    }
    /* the 64x128 window at native scale, and a margin to slide in */
    f->min_w = (int) (64 / cfg->upscale * 1.3);
    f->min_h = (int) (128 / cfg->upscale * 1.2);
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

static cv_status
detect_in (struct vis_finder *f, const struct cv_image *img, const struct cv_rect *roi, struct cv_box *out, int max,
           int *n)
{
  return f->dnn ? cv_dnn_detect (f->dnn, img, roi, out, max, n) : cv_people_detect_roi (f->hog, img, roi, out, max, n);
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

  if (f->motion) {
    /* the model learns from every detection frame, searched fully or not */
    rc = cv_motion_apply (f->motion, img, f->regions, MAX_REGIONS, &n_regions);
    f->n_blobs = rc == CV_OK ? n_regions : 0;
    memcpy (f->blobs, f->regions, sizeof f->blobs[0] * f->n_blobs);
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
    rc = detect_in (f, img, &f->regions[i], out + total, max - total, &n);
    if (rc != CV_OK) {
      g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "detector failed: %s", cv_last_error ());
      return false;
    }
    total += n;
  }
  /* keep the confident ones */
  int k = 0;
  for (int i = 0; i < total; i++)
    if (out[i].score >= f->cfg.min_score)
      out[k++] = out[i];
  *out_n = k;
  st.regions = n_regions;
  st.area_share = (double) vis_regions_area (f->regions, n_regions) / ((double) img->width * img->height);
  if (stats)
    *stats = st;
  return true;
}

int
vis_finder_moving_blobs (const struct vis_finder *f, const struct cv_rect **out)
{
  *out = f->blobs;
  return f->n_blobs;
}
