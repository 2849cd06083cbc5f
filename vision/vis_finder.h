/* vis_finder — finds people in a frame the way the appliance does:
 * the configured detector backend (HOG by default, or a DNN the operator
 * supplies), run only where a background model saw change (motion gating),
 * plus the whole frame every full_frame_every detection frames so people
 * standing still are not lost (HOG: a part of its window scales at a time,
 * spread over those frames). Plain C over the OpenCV shim. */
#ifndef CW_VIS_FINDER_H
#define CW_VIS_FINDER_H

#include "cv_shim.h"
#include "hwcfg.h"

#include <glib.h>
#include <stdbool.h>

struct vis_finder;

struct vis_finder_stats {
  bool full_frame;     /* the whole frame was searched */
  int sweep_part;      /* the part of the whole-frame search done besides the regions (0 up, of its
                          window scales), or -1 */
  int regions;         /* regions searched */
  double area_share;   /* share of the frame searched, 0-1 */
  double searched_px;  /* pixels the detector looked at, each region at its base scale */
  double work_px;      /* HOG: the pixels of every window scale searched, summed (about its cost) */
};

/* NULL with ERROR set (naming the config file and key) when the backend
 * cannot be created, e.g. a missing or corrupt model file. */
struct vis_finder *vis_finder_create (const struct hwcfg_detector *cfg, const char *config_path, GError **error);
void vis_finder_free (struct vis_finder *f);

/* Searches IMG; writes at most MAX boxes (score >= min_score) to OUT and
 * their number to OUT_N. STATS may be NULL. FALSE with ERROR set when the
 * backend failed on this frame (the caller goes on with the next). */
bool vis_finder_run (struct vis_finder *f, const struct cv_image *img, struct cv_box *out, int max, int *out_n,
                     struct vis_finder_stats *stats, GError **error);

/* A frame the detector skips ([detector] every_n_frames): only the
 * background model looks at it, so what moves (a vehicle carrying a print)
 * is followed on every frame. FALSE without motion gating. */
bool vis_finder_watch (struct vis_finder *f, const struct cv_image *img);

/* The changed blobs the background model found in the last frame run or watched (before
 * they were grown and merged into search regions): what moves, people and
 * vehicles alike. 0 without motion gating. */
int vis_finder_moving_blobs (const struct vis_finder *f, const struct cv_rect **out);

/* The fraction of the picture's resolution the background model runs at
 * ([detector] motion_scale, or the automatic one for the pictures seen);
 * 0 before its first frame or without motion gating. */
double vis_finder_motion_scale (const struct vis_finder *f);

/* How tall, in pixels, a person of HEIGHT_M metres with their feet at pixel
 * (FOOT_U, FOOT_V) looks; NaN where the camera does not see the ground. */
typedef double (*vis_person_px_fn) (const void *user_data, double foot_u, double foot_v, double height_m);

/* Gives the finder the camera's calibration (FN with USER_DATA, which must
 * outlive F; FN NULL: none). With it the HOG finder (1) works out its scales
 * from the view instead of [detector] upscale and scale_levels: the image is
 * enlarged until the shortest person the window resolves (55 px) fills it,
 * and each region is searched from the shortest (person_min_height_m) to
 * the tallest person (person_max_height_m) whose feet can be in it, on
 * the view's scales (a region at the top or bottom edge from the
 * smallest: the edge cuts people short); a region where nobody
 * that size can stand is not searched; and (2) any backend's box is dropped
 * when its height is no person's (person_min_height_m to
 * person_max_height_m) at its foot point (a wheel arch, a group, a picture
 * at the wrong size), except that a box cut by the image's top or bottom
 * edge may be smaller. */
void vis_finder_set_person_size (struct vis_finder *f, vis_person_px_fn fn, const void *user_data);

#endif
