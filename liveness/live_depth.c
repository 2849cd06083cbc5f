/* The depth check (stereo cameras): disparity over the person and a ring
 * beside it (same rows, so the ground below does not count), a plane fitted
 * to both in disparity space (a plane in the world is a plane in
 * disparity), and the person's relief against it in metres. A print is
 * coplanar with its panel — a bus side, a poster board, a screen — and the
 * plane fits it; a person stands out of the background and is round.
 * Two things no body does tell a picture whatever is around it: the
 * whole picture nearer than the ground its feet point at (raised on a
 * post, a vehicle's side, a board), and one flat surface filling the whole
 * box and going on above it, with nothing in front of it (a panel; a
 * body's outline shows what is behind it, and it is round).
 * Measurements: distance, relief (median depth residual over the person),
 * how far the person stands in front of the ring's own plane, the upper
 * and lower halves' distances against the ground's at the feet, the share
 * of the box on one plane, in front of it, and of the strip above the box
 * on it, what of the box stands out of its surroundings and how round it
 * is (a body's front is; a cut-out, a board, a screen is not: the checker
 * lets a round body standing in the box hold against "has not moved"),
 * valid share, and the range within which the pair resolves a body's
 * relief at all (beyond it the check says uncertain: with f = 1157 px and a 0.3 m
 * baseline, about 10 m; for a depth camera its rated range).
 * A depth stream (a depth camera registered to the colour camera) gives the
 * same measurement from its depth map: 1 / Z is linear over a plane too.
 */
#include "live_depth.h"

#include "live_check.h"
#include "zone_camera.h"
#include "zone_geom.h"

#include <math.h>
#include <stdlib.h>

/* The matcher's disparities are good to about a quarter pixel: a body's
 * relief (live_relief_m) must change the disparity by twice that to be seen. */
static const double RESOLVABLE_PX = 0.5;
/* How much farther than the ground at its feet a box's middle may be and
 * still be something standing there (depth noise, a person leaning back). */
static const double UPRIGHT_SHARE = 0.05, UPRIGHT_M = 0.5;
/* How much nearer than the ground at its feet a box's upper and lower
 * halves may be and still stand there: the detector's box ends up to a tenth of a
 * body below or above the feet, the ground there is 0.2-0.3 m out per
 * pixel row 20 m away, and a kerb or a slope lifts the feet. */
static const double FLOAT_SHARE = 0.08, FLOAT_M = 1.0;
/* A box filled by one flat surface: at least this share of what is not
 * in front of it on one plane, and less than this share of the box in
 * front of it. A person standing in front of a panel covers half of their
 * own box or more; a screen's box with a passer-by's shoulder or a bollard
 * across its lower corners (a tenth of it, 1-4 m nearer) read live, on the
 * relief the things in front gave it. */
static const double FILLED_SHARE = 0.95, IN_FRONT_MAX_SHARE = 0.2;
/* ... and the panel goes on above the box: at least this share of the strip above it on that plane. */
static const double ABOVE_ON_PLANE = 0.5;
/* A box reaching past a panel's edge (the detector's box on a screen's
 * walker who nears its side or bottom) has the ground beyond the panel in
 * the rest: at least this share on the panel's plane, and at most this
 * share in front of it (the ground before the panel's foot), when what
 * stands out of the box's surroundings is that flat panel. (A body in
 * front of a panel covers half of its box or more in front of it; one
 * behind a vehicle's side has the same side around it, so nothing stands
 * out of its surroundings.) */
static const double EDGE_FILLED_SHARE = 0.8, EDGE_IN_FRONT_MAX_SHARE = 0.1;
/* ... flat across its width: a board or a screen reads under 2 mm (see ROUND_BULGE_M). */
static const double FLAT_BULGE_M = 0.005, FLAT_SPREAD_M = 0.01;
/* Below this share of matched pixels the disparity says nothing. */
static const double MIN_VALID_SHARE = 0.4;
/* On the plane the box lies on when within this of it: a flat picture is
 * (half the default flat_relief_m, 0.06); a body's roundness leaves it. */
static const double FILL_TOL_M = 0.03;
/* The strip above the box (a share of its height): a picture's panel goes
 * on above the picture's head, nothing of a person's does. */
static const float ABOVE_SHARE = 0.1f;
/* Nearer than the box's own plane by this much: something in front of it. */
static const double IN_FRONT_M = 0.3;
/* What stands out of its surroundings, at least this share of the box, is
 * round as a body when its middle is this much nearer than its sides: a
 * flat surface reads under 2 mm, upright or turned, with a depth camera's
 * centimetre of noise (fitted over the whole of it); a body's front is
 * rounder than 1 cm even where only its middle stands out of a narrow
 * outline. No body's front is rounder than the second (a quadratic fitted
 * to a person side-on: 0.1 m), and a body is one surface: a quarter of it
 * at most this far off the fit (SPREAD_M), not several things at
 * different distances (a sign in front of a body, a passer-by cutting
 * across). */
static const double STANDING_MIN_SHARE = 0.25, ROUND_BULGE_M = 0.01, ROUND_MAX_BULGE_M = 0.2, ROUND_SPREAD_M = 0.05;
/* Pixels sampled every STEP in each direction. */
#define STEP 2

struct plane {
  double a, b, c; /* d = a u + b v + c */
};

/* Least squares: the K coefficients X minimising the sum over the rows
 * of (A[row] . X - B[row])^2, by the normal equations (Gauss-Jordan with
 * partial pivoting). False when they are singular. */
#define MAX_TERMS 4
static bool
least_squares (double m[MAX_TERMS][MAX_TERMS + 1], int k, double *x)
{
  for (int c = 0; c < k; c++) {
    int piv = c;
    for (int r = c + 1; r < k; r++)
      if (fabs (m[r][c]) > fabs (m[piv][c]))
        piv = r;
    if (fabs (m[piv][c]) < 1e-12)
      return false;
    for (int j = 0; j <= k; j++) {
      double t = m[c][j];
      m[c][j] = m[piv][j], m[piv][j] = t;
    }
    for (int r = 0; r < k; r++) {
      if (r == c)
        continue;
      double f = m[r][c] / m[c][c];
      for (int j = 0; j <= k; j++)
        m[r][j] -= f * m[c][j];
    }
  }
  for (int c = 0; c < k; c++)
    x[c] = m[c][k] / m[c][c];
  return true;
}

/* Adds the row R (K terms) with right-hand side D to the normal equations M. */
static void
add_row (double m[MAX_TERMS][MAX_TERMS + 1], const double *r, int k, double d)
{
  for (int a = 0; a < k; a++) {
    for (int b = 0; b < k; b++)
      m[a][b] += r[a] * r[b];
    m[a][k] += r[a] * d;
  }
}

/* Least-squares plane through the samples with weight 1. */
static bool
fit_plane (const float *u, const float *v, const float *d, const unsigned char *use, int n, struct plane *pl)
{
  double m[MAX_TERMS][MAX_TERMS + 1] = {{0}}, x[3];
  int k = 0;
  for (int i = 0; i < n; i++)
    if (use[i]) {
      add_row (m, (const double[]){u[i], v[i], 1}, 3, d[i]);
      k++;
    }
  if (k < 3 || !least_squares (m, 3, x))
    return false;
  pl->a = x[0], pl->b = x[1], pl->c = x[2];
  return true;
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return x < y ? -1 : x > y;
}

/* The Q quantile of the N values V (sorted in place); NaN when there are none. */
static float
quantile_f (float *v, int n, double q)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof *v, cmp_float);
  return v[MIN (n - 1, (int) (q * n))];
}

static float
median (float *v, int n)
{
  return quantile_f (v, n, 0.5);
}

/* The least residual the robust fit counts as off the plane, in the map's
 * units: the matcher's quarter pixel of disparity; for a depth camera's
 * 1 / Z, 1e-4 per metre (1 cm at 10 m, 9 cm at 30 m: what its millimetre
 * readings and their noise keep well below). One floor for both, 0.25, let
 * whole rows of ground beyond a print (1 / Z differing by 0.007) count as
 * on its plane and tilt it: a print read 0.2 m of relief. */
static const float STEREO_FLOOR_PX = 0.25f, DEPTH_FLOOR_PER_M = 1e-4f;

/* Robust fit: least squares, then again on the samples within 3 MADs (at least LEAST_OFF). */
static bool
robust_plane (const float *u, const float *v, const float *d, unsigned char *use, int n, float least_off,
              struct plane *pl)
{
  if (!fit_plane (u, v, d, use, n, pl))
    return false;
  float *res = g_new (float, n);
  int k = 0;
  for (int i = 0; i < n; i++)
    if (use[i])
      res[k++] = fabsf (d[i] - (float) (pl->a * u[i] + pl->b * v[i] + pl->c));
  float mad = median (res, k);
  g_free (res);
  float lim = fmaxf (3 * 1.4826f * mad, least_off);
  for (int i = 0; i < n; i++)
    if (use[i] && fabsf (d[i] - (float) (pl->a * u[i] + pl->b * v[i] + pl->c)) > lim)
      use[i] = 0;
  return fit_plane (u, v, d, use, n, pl);
}

/* Metres between sample D at (U, V) and plane PL along the ray (FB / D
 * is a distance); INFINITY where the plane is behind the camera. */
static double
off_plane_m (const struct plane *pl, float u, float v, float d, double fb)
{
  double dpl = pl->a * u + pl->b * v + pl->c;
  return dpl > 0 ? fabs (fb / d - fb / dpl) : INFINITY;
}

/* Clears USE on the samples farther than TOL_M from PL. */
static void
keep_within (const float *u, const float *v, const float *d, unsigned char *use, int n, double fb,
             const struct plane *pl, double tol_m)
{
  for (int i = 0; i < n; i++)
    if (use[i] && !(off_plane_m (pl, u[i], v[i], d[i], fb) <= tol_m))
      use[i] = 0;
}

/* The plane most of the samples lie on, though many do not (a body with
 * the ground between its legs, a person in front of a wall): least squares
 * would start between the two, so the fit starts from the level of the
 * samples' median and narrows to those within 0.5 m, 0.15 m, then TOL_M
 * of it (distances in metres, FB / D). Leaves USE set on those last. */
static bool
majority_plane (const float *u, const float *v, const float *d, unsigned char *use, int n, double fb, double tol_m,
                struct plane *pl)
{
  float *level = g_new (float, n);
  int k = 0;
  for (int i = 0; i < n; i++)
    if (use[i])
      level[k++] = d[i];
  *pl = (struct plane){0, 0, median (level, k)};
  g_free (level);
  const double tolerances[] = {0.5, 0.15, tol_m};
  bool ok = k >= 3 && pl->c > 0;
  for (size_t round = 0; round < G_N_ELEMENTS (tolerances) && ok; round++) {
    keep_within (u, v, d, use, n, fb, pl, tolerances[round]);
    ok = fit_plane (u, v, d, use, n, pl);
  }
  if (ok)
    keep_within (u, v, d, use, n, fb, pl, tol_m);
  return ok;
}

/* Fewer samples standing out than this say nothing of their shape. */
#define MIN_STANDING 24

/* The fit X (a + b s + c s^2 + e dv) at S across and DV down from the middle row. */
static double
across_fit (const double *x, double s, double dv)
{
  return x[0] + x[1] * s + x[2] * s * s + x[3] * dv;
}

/* How much nearer the middle of the samples in USE is than their sides:
 * their inverse depth fitted as a + b s + c s^2 + e v, s running across
 * their width from -1 (left side) to 1 (right side), then again without
 * those off the fit by more than 3 MADs (at least LEAST_OFF); the metres
 * between the fit's distance at the sides and in the middle. A body's
 * front is round (its chest forward, its sides turned away); a cut-out, a
 * board or a screen is flat, oblique ones too (1 / Z is linear in the
 * pixel over a plane). Fitted over all rows, so noise averages out where a
 * per-pixel tolerance would not. SPREAD_M: how far off the fit a quarter
 * of them are, in metres (a few millimetres on a flat surface; things at
 * different distances, a sign in front of a body, do not fit one). NaN
 * when too few. */
static double
bulge_across (const float *u, const float *v, const float *d, const unsigned char *use, int n, double fb,
              float least_off, double *spread_m)
{
  *spread_m = NAN;
  float *cols = g_new (float, n), *res = g_new (float, n);
  int k = 0;
  double vm = 0;
  for (int i = 0; i < n; i++)
    if (use[i])
      cols[k++] = u[i], vm += v[i];
  double bulge = NAN;
  if (k < MIN_STANDING)
    goto out;
  vm /= k;
  /* the sides where most of it ends: a stray sample does not widen it */
  double left = quantile_f (cols, k, 0.05), right = quantile_f (cols, k, 0.95);
  double mid = (left + right) / 2, half = (right - left) / 2;
  if (half < 2)
    goto out;
  double *s = g_new (double, n); /* each sample's place across, -1 to 1 */
  for (int i = 0; i < n; i++)
    s[i] = CLAMP ((u[i] - mid) / half, -1.0, 1.0);
  unsigned char *keep = g_memdup2 (use, n);
  double x[MAX_TERMS];
  bool ok = false;
  for (int round = 0; round < 2; round++) {
    double m[MAX_TERMS][MAX_TERMS + 1] = {{0}};
    int rows = 0;
    for (int i = 0; i < n; i++)
      if (keep[i]) {
        add_row (m, (const double[]){1, s[i], s[i] * s[i], v[i] - vm}, 4, d[i]);
        rows++;
      }
    if (!(ok = rows >= MIN_STANDING && least_squares (m, 4, x)) || round == 1)
      break;
    int r = 0;
    for (int i = 0; i < n; i++)
      if (keep[i])
        res[r++] = fabsf (d[i] - (float) across_fit (x, s[i], v[i] - vm));
    float lim = fmaxf (3 * 1.4826f * median (res, r), least_off);
    for (int i = 0; i < n; i++)
      if (keep[i])
        keep[i] = fabs (d[i] - across_fit (x, s[i], v[i] - vm)) <= lim;
  }
  if (ok && x[0] > 0 && x[0] + x[2] > 0) {
    bulge = fb / (x[0] + x[2]) - fb / x[0]; /* the sides' distance less the middle's */
    int r = 0;
    for (int i = 0; i < n; i++)
      if (use[i]) {
        double fit = across_fit (x, s[i], v[i] - vm);
        res[r++] = fit > 0 ? (float) fabs (fb / d[i] - fb / fit) : INFINITY;
      }
    *spread_m = quantile_f (res, r, 0.75);
  }
  g_free (keep);
  g_free (s);
out:
  g_free (cols);
  g_free (res);
  return bulge;
}

/* The region measured: the person, a ring beside it (same rows) and a strip above it, clipped. */
static bool
region (const float box[4], int width, int height, int *x0, int *x1, int *y0, int *y1)
{
  *x0 = MAX ((int) floorf (box[0] - 0.6f * box[2]), 0), *x1 = MIN ((int) ceilf (box[0] + 1.6f * box[2]), width);
  *y0 = MAX ((int) floorf (box[1] - ABOVE_SHARE * box[3]), 0), *y1 = MIN ((int) ceilf (box[1] + box[3]), height);
  return *x1 - *x0 >= 8 && *y1 - *y0 >= 8;
}

/* The measurement on a map D of inverse depth in any unit (FB / D is the
 * distance in metres: disparity with FB = f B, or 1 / Z with FB = 1)
 * covering the image rectangle starting at (DX0, Y0), DW wide; columns left
 * of TRUST_X are not trusted; LEAST_OFF: see robust_plane. */
static bool
measure_inverse_depth (const float *d_map, int dx0, int dw, int trust_x, const float box[4], int x0, int x1, int y0,
                       int y1, double fb, float least_off, struct live_depth *out)
{
  int cap = ((x1 - x0) / STEP + 1) * ((y1 - y0) / STEP + 1);
  float *us = g_new (float, cap), *vs = g_new (float, cap), *ds = g_new (float, cap);
  unsigned char *person = g_new0 (unsigned char, cap), *use = g_new0 (unsigned char, cap),
                *ring = g_new0 (unsigned char, cap), *whole = g_new0 (unsigned char, cap),
                *above = g_new0 (unsigned char, cap);
  int n = 0, person_total = 0, person_valid = 0;
  float upper_y1 = box[1] + 0.5f * box[3];
  float px0 = box[0] + 0.25f * box[2], px1 = box[0] + 0.75f * box[2];
  float py0 = box[1] + 0.1f * box[3], py1 = box[1] + 0.9f * box[3];
  for (int y = y0; y < y1; y += STEP)
    for (int x = x0; x < x1; x += STEP) {
      bool in_person = x >= px0 && x < px1 && y >= py0 && y < py1;
      bool in_ring = y >= box[1] && (x < box[0] - 0.1f * box[2] || x >= box[0] + 1.1f * box[2]);
      bool in_box = x >= box[0] && x < box[0] + box[2] && y >= box[1] + 0.02f * box[3] && y < box[1] + 0.98f * box[3];
      bool in_above = x >= box[0] && x < box[0] + box[2] && y < box[1];
      if (!in_person && !in_ring && !in_box && !in_above)
        continue;
      person_total += in_person;
      float d = d_map[(size_t) (y - y0) * dw + (x - dx0)];
      if (!(d > 0) || x < trust_x)
        continue;
      person_valid += in_person;
      us[n] = x, vs[n] = y, ds[n] = d;
      person[n] = in_person, ring[n] = in_ring, use[n] = in_person || in_ring, whole[n] = in_box, above[n] = in_above;
      n++;
    }
  out->valid_share = person_total ? (double) person_valid / person_total : 0;
  struct plane all, behind;
  bool ok = out->valid_share >= MIN_VALID_SHARE && robust_plane (us, vs, ds, use, n, least_off, &all);
  if (ok) {
    float *res = g_new (float, n), *dp = g_new (float, n), *up = g_new (float, n), *low = g_new (float, n);
    int k = 0, ku = 0, kl = 0;
    for (int i = 0; i < n; i++)
      if (person[i]) {
        res[k] = (float) off_plane_m (&all, us[i], vs[i], ds[i], fb);
        dp[k++] = ds[i];
        if (vs[i] < upper_y1)
          up[ku++] = ds[i];
        else
          low[kl++] = ds[i];
      }
    out->relief_m = median (res, k);
    out->distance_m = fb / median (dp, k);
    out->upper_m = ku ? fb / median (up, ku) : NAN;
    out->lower_m = kl ? fb / median (low, kl) : NAN;
    g_free (up);
    g_free (low);
    /* The plane most of the box lies on, to within half the flat relief: a
     * picture on a panel (a screen, a board, a vehicle's side) fills its
     * box with it, and nothing stands in front of it. A body never fills
     * its box (what is behind shows beside the head and between the legs;
     * its own roundness leaves it), and stands in front of a wall or
     * vehicle that fills the rest. */
    struct plane own;
    unsigned char *on_own = g_memdup2 (whole, cap);
    if (majority_plane (us, vs, ds, on_own, n, fb, FILL_TOL_M, &own)) {
      int n_box = 0, n_front = 0, n_on = 0, n_above = 0, n_above_on = 0;
      for (int i = 0; i < n; i++) {
        double dpl = own.a * us[i] + own.b * vs[i] + own.c;
        if (!(dpl > 0))
          continue;
        if (above[i]) {
          n_above++;
          n_above_on += off_plane_m (&own, us[i], vs[i], ds[i], fb) <= FILL_TOL_M;
        }
        if (!whole[i])
          continue;
        n_box++;
        n_front += fb / ds[i] < fb / dpl - IN_FRONT_M;
        if (on_own[i])
          dp[n_on++] = ds[i];
      }
      if (n_on >= 8) {
        out->plane_m = fb / median (dp, n_on);
        out->plane_share = (double) n_on / n_box;
        out->in_front_share = (double) n_front / n_box;
        out->above_share = n_above ? (double) n_above_on / n_above : 0;
      }
    }
    g_free (on_own);
    /* the ring's own plane: how far in front of its surroundings the person stands */
    if (robust_plane (us, vs, ds, ring, n, least_off, &behind)) {
      k = 0;
      for (int i = 0; i < n; i++)
        if (person[i]) {
          double dpl = behind.a * us[i] + behind.b * vs[i] + behind.c;
          res[k++] = dpl > 0 ? (float) (fb / dpl - fb / ds[i]) : 0;
        }
      out->in_front_m = median (res, k);
      /* what of the box stands out of its surroundings, and its shape */
      unsigned char *stands = g_new0 (unsigned char, cap);
      int n_box = 0, n_stands = 0;
      for (int i = 0; i < n; i++)
        if (whole[i]) {
          double dpl = behind.a * us[i] + behind.b * vs[i] + behind.c;
          n_box++;
          stands[i] = dpl > 0 && fb / ds[i] < fb / dpl - IN_FRONT_M;
          n_stands += stands[i];
        }
      out->standing_share = n_box ? (double) n_stands / n_box : 0;
      out->bulge_m = bulge_across (us, vs, ds, stands, n, fb, least_off, &out->spread_m);
      g_free (stands);
    }
    g_free (res);
    g_free (dp);
  }
  g_free (us), g_free (vs), g_free (ds), g_free (person), g_free (use), g_free (ring), g_free (whole), g_free (above);
  return ok;
}

bool
live_depth_measure (const struct cv_image *left, const struct cv_image *right, const float box[4], double focal_px,
                    double baseline_m, int max_disparity, struct live_depth *out)
{
  *out = (struct live_depth){NAN, NAN, NAN, 0, NAN, NAN, NAN, 0, 0, 0, 0, NAN, NAN};
  int nd = (max_disparity + 15) / 16 * 16, x0, x1, y0, y1;
  if (!region (box, left->width, left->height, &x0, &x1, &y0, &y1) || focal_px <= 0 || baseline_m <= 0)
    return false;
  /* the matcher needs nd more columns on the left */
  int cx0 = MAX (0, x0 - nd), cw = x1 - cx0, ch = y1 - y0;
  struct cv_image l = {left->data + (size_t) y0 * left->stride + cx0, cw, ch, left->stride, 1};
  struct cv_image r = {right->data + (size_t) y0 * right->stride + cx0, cw, ch, right->stride, 1};
  float *disp = g_new (float, (gsize) cw * ch);
  bool ok = cv_stereo_disparity (&l, &r, nd, 5, disp) == CV_OK &&
            measure_inverse_depth (disp, cx0, cw, cx0 + nd, box, x0, x1, y0, y1, focal_px * baseline_m, STEREO_FLOOR_PX,
                                   out);
  g_free (disp);
  return ok;
}

bool
live_depth_measure_map (const struct live_depth_map *map, const float box[4], struct live_depth *out)
{
  *out = (struct live_depth){NAN, NAN, NAN, 0, NAN, NAN, NAN, 0, 0, 0, 0, NAN, NAN};
  int x0, x1, y0, y1;
  if (!region (box, map->width, map->height, &x0, &x1, &y0, &y1) || map->scale_m <= 0)
    return false;
  int cw = x1 - x0, ch = y1 - y0;
  float *inv = g_new (float, (gsize) cw * ch);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      guint16 z = map->data[(size_t) y * map->stride + x];
      inv[(size_t) (y - y0) * cw + (x - x0)] = z ? (float) (1.0 / (z * map->scale_m)) : -1; /* 0: no reading */
    }
  bool ok = measure_inverse_depth (inv, x0, cw, x0, box, x0, x1, y0, y1, 1.0, DEPTH_FLOOR_PER_M, out);
  g_free (inv);
  return ok;
}

bool
live_check_depth (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out)
{
  bool stereo = ctx->left && ctx->right && ctx->stereo_baseline_m > 0;
  if (!stereo && !ctx->depth)
    return false; /* neither a stereo camera nor a depth stream: the check does not run */
  out->name = "depth";
  if (h->n == 0 || !ctx->camera) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"no history or calibration\"");
    out->why = "no ground calibration to measure depth with";
    return true;
  }
  const struct hwcfg_liveness *p = ctx->params;
  const struct live_sample *last = &h->samples[h->n - 1];
  if (last->frame != ctx->frame) {
    /* the pair or the map is of this frame; last frame's box may already miss a walker */
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"not detected in this frame\"");
    out->why = "not detected in this frame: no box to measure depth on";
    return true;
  }
  struct live_depth m;
  const float *box = last->box;
  bool ok = stereo ? live_depth_measure (ctx->left, ctx->right, box, ctx->camera->focal_px, ctx->stereo_baseline_m,
                                         ctx->stereo_max_disparity, &m)
                   : live_depth_measure_map (ctx->depth, box, &m);
  /* JSON has no NaN */
  m.distance_m = isfinite (m.distance_m) ? m.distance_m : -1;
  m.relief_m = isfinite (m.relief_m) ? m.relief_m : -1;
  m.in_front_m = isfinite (m.in_front_m) ? m.in_front_m : -1;
  m.upper_m = isfinite (m.upper_m) ? m.upper_m : -1;
  m.lower_m = isfinite (m.lower_m) ? m.lower_m : -1;
  m.plane_m = isfinite (m.plane_m) ? m.plane_m : -1;
  /* beyond this distance a body's relief is below what the pair resolves:
   * relief r at distance Z shifts the disparity by f B r / Z^2 */
  double max_range = stereo ? sqrt (ctx->camera->focal_px * ctx->stereo_baseline_m * p->live_relief_m / RESOLVABLE_PX)
                            : ctx->depth->max_range_m;
  /* Whatever stands in the box stands at its feet: a person, a print on a
   * panel, a screen (raised ones nearer still). The ground seen in the box's
   * rows lies beyond its feet: a box whose middle is that far holds no one
   * (the detector's box off the person, or a gap between people), and the
   * ground is a plane like any print. */
  struct zone_pt foot;
  double foot_m = zone_homography_apply (ctx->camera->to_ground, (struct zone_pt){box[0] + box[2] / 2, box[1] + box[3]},
                                         &foot)
                      ? zone_camera_depth (ctx->camera, foot.x, foot.y, 0)
                      : NAN;
  bool upright = !(foot_m > 0) || m.distance_m <= foot_m * (1 + UPRIGHT_SHARE) + UPRIGHT_M;
  /* ... and a body is as far as its feet. A picture whose feet are drawn
   * above the ground (a screen on a post, a vehicle's side, a board) is
   * nearer than the ground the ray through its feet meets. */
  double float_m = foot_m * (1 - FLOAT_SHARE) - FLOAT_M;
  /* both halves: a sign or a vehicle in front of a person covers one */
  bool floating = foot_m > 0 && m.upper_m > 0 && m.upper_m < float_m && m.lower_m > 0 && m.lower_m < float_m;
  /* ... and a picture on a panel fills its box with one flat surface that
   * stands (not the ground beyond its feet), nothing in front of it */
  bool panel_stands = m.above_share >= ABOVE_ON_PLANE && foot_m > 0 && m.plane_m > 0 &&
                      m.plane_m <= foot_m * (1 + UPRIGHT_SHARE) + UPRIGHT_M;
  bool filled = panel_stands && m.in_front_share < IN_FRONT_MAX_SHARE &&
                m.plane_share >= FILLED_SHARE * (1 - m.in_front_share);
  /* enough of the box stands out of its surroundings for its shape across to be measured */
  bool has_shape = m.standing_share >= STANDING_MIN_SHARE && isfinite (m.bulge_m);
  /* ... or fills most of it, the rest behind it: the box reaches past the
   * edge of a flat panel that stands out of its surroundings */
  bool flat_standing_out = has_shape && fabs (m.bulge_m) < FLAT_BULGE_M && m.spread_m < FLAT_SPREAD_M;
  filled |= panel_stands && flat_standing_out && m.in_front_share < EDGE_IN_FRONT_MAX_SHARE &&
            m.plane_share >= EDGE_FILLED_SHARE;
  /* ... and what stands out of its surroundings is round as a body's
   * front. (A flat one is no picture for that alone: a poster carried in
   * front of a body, a van's side passing in front of one, is flat too.) */
  bool stands_out = ok && m.distance_m <= max_range && has_shape;
  out->round_body = stands_out && upright && !floating && m.bulge_m >= ROUND_BULGE_M && m.bulge_m <= ROUND_MAX_BULGE_M &&
                    m.spread_m <= ROUND_SPREAD_M;
  if (!(foot_m > 0))
    foot_m = -1;
  m.bulge_m = isfinite (m.bulge_m) ? m.bulge_m : -1;
  m.spread_m = isfinite (m.spread_m) ? m.spread_m : -1;
  const char *fmt = "\"distance_m\":%.2f,\"upper_m\":%.2f,\"lower_m\":%.2f,\"feet_ground_m\":%.2f,\"relief_m\":%.3f,"
                    "\"in_front_m\":%.2f,\"plane_m\":%.2f,\"plane_share\":%.2f,\"in_front_share\":%.2f,\"above_share\":%.2f,"
                    "\"standing_share\":%.2f,\"bulge_m\":%.3f,\"spread_m\":%.3f,\"valid_share\":%.2f,\"max_range_m\":%.1f";
#define DEPTH_ARGS                                                                                                     \
  m.distance_m, m.upper_m, m.lower_m, foot_m, m.relief_m, m.in_front_m, m.plane_m, m.plane_share, m.in_front_share,    \
      m.above_share, m.standing_share, m.bulge_m, m.spread_m, m.valid_share, max_range
  if (!ok || m.distance_m > max_range) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, fmt, DEPTH_ARGS);
    out->why = ok ? "too far from the depth camera to measure a body's relief" : "no depth measured on the person";
  } else if (!upright) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, fmt, DEPTH_ARGS);
    out->why = "nothing stands at the box's feet in depth (the ground behind: the box is off the person)";
  } else if (floating) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, DEPTH_ARGS);
    out->why = "flat: nearer than the ground at its feet in depth (a picture raised above the ground)";
  } else if (filled) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, DEPTH_ARGS);
    out->why = "flat: the box is one flat surface in depth with nothing in front of it (a picture)";
  } else if (m.relief_m < p->flat_relief_m) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, DEPTH_ARGS);
    out->why = "flat: no relief in depth (a picture)";
  } else if (m.relief_m >= p->live_relief_m)
    live_result_set (out, LIVE_LIVE, 1.0, fmt, DEPTH_ARGS);
  else {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, fmt, DEPTH_ARGS);
    out->why = "some relief in depth, less than a body's";
  }
#undef DEPTH_ARGS
  return true;
}
