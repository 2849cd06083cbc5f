#include "live_corners.h"

#include "live_check.h"
#include "live_frames.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* The fewest corners that still tell the object's motion. */
#define MIN_CORNERS 8
/* The corners are one rigid body (translation and scale) in a frame when
 * this share of those followed fit it within RIGID_TOL_PX (and a tenth of
 * the step). */
#define RIGID_SHARE 0.7
#define RIGID_TOL_PX 1.0
/* ... over a step in which they moved at least this far (pixels). */
#define MIN_STEP_PX 1.0

static struct cv_rect
clip_rect (float x0, float y0, float x1, float y1, const struct cv_image *img)
{
  int ix0 = (int) fmaxf (0, floorf (x0)), iy0 = (int) fmaxf (0, floorf (y0));
  int ix1 = (int) fminf ((float) img->width, ceilf (x1)), iy1 = (int) fminf ((float) img->height, ceilf (y1));
  return (struct cv_rect){ix0, iy0, MAX (0, ix1 - ix0), MAX (0, iy1 - iy0)};
}

void
live_corners_seed (struct live_corners *c, const struct cv_image *grey, int frame, const float box[4])
{
  const float *b = box;
  struct cv_rect roi = clip_rect (b[0] + 0.05f * b[2], b[1] + 0.05f * b[3], b[0] + 0.95f * b[2], b[1] + 0.95f * b[3], grey);
  c->n = 0;
  c->frame = frame;
  if (roi.w < 8 || roi.h < 8)
    return;
  struct cv_image crop = live_frames_view (grey, &roi);
  struct cv_rect all = {0, 0, roi.w, roi.h};
  int n = 0;
  if (cv_features_find (&crop, &all, NULL, LIVE_CORNERS_MAX, fmax (4.0, fmin (roi.w, roi.h) / 10.0), c->xy, &n) != CV_OK)
    return;
  for (int i = 0; i < n; i++)
    c->xy[2 * i] += (float) roi.x, c->xy[2 * i + 1] += (float) roi.y;
  c->n = n;
}

/* Translation and scale about the centroid taking A to B (the N points
 * listed in IDX): B ~ cb + s (A - ca). */
static void
fit_translation_scale (const float *a, const float *b, const int *idx, int n, double ca[2], double cb[2], double *s)
{
  ca[0] = ca[1] = cb[0] = cb[1] = 0;
  for (int j = 0; j < n; j++) {
    int i = idx[j];
    ca[0] += a[2 * i] / n, ca[1] += a[2 * i + 1] / n, cb[0] += b[2 * i] / n, cb[1] += b[2 * i + 1] / n;
  }
  double num = 0, den = 0;
  for (int j = 0; j < n; j++) {
    int i = idx[j];
    double ax = a[2 * i] - ca[0], ay = a[2 * i + 1] - ca[1];
    num += ax * (b[2 * i] - cb[0]) + ay * (b[2 * i + 1] - cb[1]);
    den += ax * ax + ay * ay;
  }
  *s = den > 1e-9 ? num / den : 1;
}

bool
live_corners_follow (struct live_corners *c, const struct cv_image *prev, const struct cv_image *grey, int frame,
                      const float box[4], const double *expected, float out_box[4])
{
  if (c->n < MIN_CORNERS || !prev || !grey || prev->width != grey->width || prev->height != grey->height)
    return false;
  const float *b = box;
  float ex = expected ? (float) expected[0] : 0, ey = expected ? (float) expected[1] : 0;
  const float margin = 24;
  struct cv_rect r = clip_rect (fminf (b[0], b[0] + ex) - margin, fminf (b[1], b[1] + ey) - margin,
                                fmaxf (b[0] + b[2], b[0] + b[2] + ex) + margin,
                                fmaxf (b[1] + b[3], b[1] + b[3] + ey) + margin, grey);
  if (r.w < 16 || r.h < 16)
    return false;
  int n = c->n;
  float from[2 * LIVE_CORNERS_MAX], guess[2 * LIVE_CORNERS_MAX], to[2 * LIVE_CORNERS_MAX];
  unsigned char ok[LIVE_CORNERS_MAX];
  for (int i = 0; i < n; i++) {
    from[2 * i] = c->xy[2 * i] - r.x, from[2 * i + 1] = c->xy[2 * i + 1] - r.y;
    guess[2 * i] = from[2 * i] + ex, guess[2 * i + 1] = from[2 * i + 1] + ey;
  }
  struct cv_image a = live_frames_view (prev, &r), z = live_frames_view (grey, &r);
  if (cv_flow_track (&a, &z, from, guess, n, 1.0, to, ok, NULL) != CV_OK)
    return false;
  /* the motion most corners share: their median's, or the object's velocity's */
  double dx[LIVE_CORNERS_MAX], dy[LIVE_CORNERS_MAX];
  int followed = 0;
  for (int i = 0; i < n; i++)
    if (ok[i])
      dx[followed] = to[2 * i] - from[2 * i], dy[followed] = to[2 * i + 1] - from[2 * i + 1], followed++;
  if (followed < MIN_CORNERS)
    return false;
  const double hyp[2][2] = {{live_quantile (dx, followed, 0.5), live_quantile (dy, followed, 0.5)}, {ex, ey}};
  int idx[LIVE_CORNERS_MAX], ni = 0;
  for (int h = 0; h < (expected ? 2 : 1); h++) {
    int cand[LIVE_CORNERS_MAX], nc = 0;
    double tol = 2 * RIGID_TOL_PX + 0.25 * hypot (hyp[h][0], hyp[h][1]);
    for (int i = 0; i < n; i++)
      if (ok[i] && hypot (to[2 * i] - from[2 * i] - hyp[h][0], to[2 * i + 1] - from[2 * i + 1] - hyp[h][1]) < tol)
        cand[nc++] = i;
    if (nc > ni) {
      memcpy (idx, cand, sizeof cand[0] * nc);
      ni = nc;
    }
  }
  double ca[2], cb[2], sc = 1;
  for (int round = 0; round < 2 && ni >= MIN_CORNERS; round++) {
    fit_translation_scale (from, to, idx, ni, ca, cb, &sc);
    double fit_tol = RIGID_TOL_PX + 0.1 * hypot (cb[0] - ca[0], cb[1] - ca[1]);
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (!ok[i])
        continue;
      double px = cb[0] + sc * (from[2 * i] - ca[0]), py = cb[1] + sc * (from[2 * i + 1] - ca[1]);
      if (hypot (to[2 * i] - px, to[2 * i + 1] - py) < fit_tol)
        idx[kept++] = i;
    }
    ni = kept;
  }
  if (ni < MIN_CORNERS || !(sc > 0.8 && sc < 1.25))
    return false;
  /* only a step that moved says anything of rigidity: corners on the
   * still road, or on a vehicle standing, are one rigid body trivially */
  if (hypot (cb[0] - ca[0], cb[1] - ca[1]) >= MIN_STEP_PX) {
    c->steps++;
    c->rigid_steps += ni >= RIGID_SHARE * followed;
  }
  double cx = b[0] + b[2] / 2 - r.x, cy = b[1] + b[3] / 2 - r.y;
  double nx = cb[0] + sc * (cx - ca[0]), ny = cb[1] + sc * (cy - ca[1]);
  out_box[2] = (float) (b[2] * sc), out_box[3] = (float) (b[3] * sc);
  out_box[0] = (float) (nx + r.x - out_box[2] / 2), out_box[1] = (float) (ny + r.y - out_box[3] / 2);
  for (int j = 0; j < ni; j++) {
    int i = idx[j];
    c->xy[2 * j] = to[2 * i] + r.x, c->xy[2 * j + 1] = to[2 * i + 1] + r.y;
  }
  c->n = ni;
  c->frame = frame;
  return true;
}

bool
live_corners_few (const struct live_corners *c)
{
  return c->n < 2 * MIN_CORNERS;
}

bool
live_corners_rigid_over (const struct live_corners *c, int min_steps)
{
  return c->steps >= min_steps && c->rigid_steps >= 0.8 * c->steps;
}

bool
live_corners_rigid (const struct live_corners *c)
{
  return live_corners_rigid_over (c, 5);
}

