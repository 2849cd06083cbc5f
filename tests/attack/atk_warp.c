/* atk_warp — putting pictures into the frame. A picture goes onto an image
 * quad through the homography of its corners, sampled bilinearly (2 x 2
 * supersampled where it shrinks by 2 or more, so a print does not shimmer),
 * blended with its alpha mask and with antialiased borders. Plain C: the
 * shim's cv_paste_quad has no alpha. Lighting (a gain ramp, a shadow band on
 * the ground) is applied to whole frames after compositing. */
#include "atk.h"
#include "zone_geom.h"

#include <math.h>
#include <string.h>

struct atk_image
atk_image_new (int w, int h)
{
  struct atk_image im = {{g_malloc0 ((gsize) w * h * 3), w, h, w * 3, 3}, NULL};
  return im;
}

void
atk_image_free (struct atk_image *im)
{
  g_free (im->img.data);
  g_free (im->alpha);
  im->img.data = NULL, im->alpha = NULL;
}

void
atk_image_fill (struct atk_image *im, const unsigned char bgr[3])
{
  for (int y = 0; y < im->img.height; y++)
    for (int x = 0; x < im->img.width; x++)
      memcpy (im->img.data + (size_t) y * im->img.stride + x * 3, bgr, 3);
}

/* The homography taking the 4 points FROM to TO (row-major 3x3), by
 * Gaussian elimination on the 8 x 8 system; false when degenerate. */
static bool
homography (const double from[8], const double to[8], double h[9])
{
  double m[8][9];
  for (int i = 0; i < 4; i++) {
    double x = from[2 * i], y = from[2 * i + 1], u = to[2 * i], v = to[2 * i + 1];
    double r0[9] = {x, y, 1, 0, 0, 0, -u * x, -u * y, u}, r1[9] = {0, 0, 0, x, y, 1, -v * x, -v * y, v};
    memcpy (m[2 * i], r0, sizeof r0);
    memcpy (m[2 * i + 1], r1, sizeof r1);
  }
  for (int c = 0; c < 8; c++) {
    int p = c;
    for (int r = c + 1; r < 8; r++)
      if (fabs (m[r][c]) > fabs (m[p][c]))
        p = r;
    if (fabs (m[p][c]) < 1e-12)
      return false;
    for (int j = 0; j < 9; j++) {
      double t = m[c][j];
      m[c][j] = m[p][j], m[p][j] = t;
    }
    for (int r = 0; r < 8; r++)
      if (r != c) {
        double f = m[r][c] / m[c][c];
        for (int j = c; j < 9; j++)
          m[r][j] -= f * m[c][j];
      }
  }
  for (int i = 0; i < 8; i++)
    h[i] = m[i][8] / m[i][i];
  h[8] = 1;
  return true;
}

/* Bilinear sample of SRC at (X, Y) (pixel centres at integers), clamped; alpha in *A (0-1). */
static void
sample (const struct atk_image *src, double x, double y, double out[3], double *a)
{
  int w = src->img.width, h = src->img.height;
  x = fmin (fmax (x, 0), w - 1), y = fmin (fmax (y, 0), h - 1);
  int x0 = (int) x, y0 = (int) y, x1 = MIN (x0 + 1, w - 1), y1 = MIN (y0 + 1, h - 1);
  double fx = x - x0, fy = y - y0;
  double wt[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
  const int xs[4] = {x0, x1, x0, x1}, ys[4] = {y0, y0, y1, y1};
  out[0] = out[1] = out[2] = 0;
  *a = 0;
  for (int k = 0; k < 4; k++) {
    const unsigned char *p = src->img.data + (size_t) ys[k] * src->img.stride + xs[k] * 3;
    for (int c = 0; c < 3; c++)
      out[c] += wt[k] * p[c];
    *a += wt[k] * (src->alpha ? src->alpha[ys[k] * w + xs[k]] / 255.0 : 1.0);
  }
}

/* Warps SRC onto the quad Q of DST (BGR, 3 channels). */
static void
warp (struct cv_image *dst, const struct atk_image *src, const double q[8], bool mirror)
{
  double w = src->img.width, h = src->img.height;
  double corners[8] = {0, 0, w, 0, w, h, 0, h};
  if (mirror) {
    double m[8] = {w, 0, 0, 0, 0, h, w, h};
    memcpy (corners, m, sizeof m);
  }
  double hi[9];
  if (!homography (q, corners, hi)) /* image -> picture */
    return;
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (int i = 0; i < 4; i++)
    x0 = fmin (x0, q[2 * i]), x1 = fmax (x1, q[2 * i]), y0 = fmin (y0, q[2 * i + 1]), y1 = fmax (y1, q[2 * i + 1]);
  int ix0 = MAX (0, (int) floor (x0)), iy0 = MAX (0, (int) floor (y0));
  int ix1 = MIN (dst->width - 1, (int) ceil (x1)), iy1 = MIN (dst->height - 1, (int) ceil (y1));
  if (ix0 > ix1 || iy0 > iy1)
    return;
  /* picture pixels per image pixel, for the border's antialiasing and the supersampling */
  double diag_q = hypot (q[4] - q[0], q[5] - q[1]) + hypot (q[6] - q[2], q[7] - q[3]);
  double scale = fmax (1e-3, 2 * hypot (w, h) / fmax (diag_q, 1e-6));
  int ss = scale >= 2 ? 2 : 1;
  for (int y = iy0; y <= iy1; y++) {
    unsigned char *row = dst->data + (size_t) y * dst->stride;
    for (int x = ix0; x <= ix1; x++) {
      double acc[3] = {0, 0, 0}, acc_a = 0;
      for (int sy = 0; sy < ss; sy++)
        for (int sx = 0; sx < ss; sx++) {
          double px = x + (ss == 1 ? 0.5 : 0.25 + 0.5 * sx), py = y + (ss == 1 ? 0.5 : 0.25 + 0.5 * sy);
          double d = hi[6] * px + hi[7] * py + hi[8];
          if (d <= 0)
            continue;
          double u = (hi[0] * px + hi[1] * py + hi[2]) / d, v = (hi[3] * px + hi[4] * py + hi[5]) / d;
          double edge = fmin (fmin (u, w - u), fmin (v, h - v)) / scale + 0.5;
          if (edge <= 0)
            continue;
          double c[3], a;
          sample (src, u - 0.5, v - 0.5, c, &a);
          a *= fmin (edge, 1.0);
          for (int k = 0; k < 3; k++)
            acc[k] += c[k] * a;
          acc_a += a;
        }
      if (acc_a <= 0)
        continue;
      double n = ss * ss, a = acc_a / n;
      if (a >= 0.5 && atk_depth_on ()) {
        double d = hi[6] * (x + 0.5) + hi[7] * (y + 0.5) + hi[8];
        atk_depth_put (x, y, d > 0 ? (hi[0] * (x + 0.5) + hi[1] * (y + 0.5) + hi[2]) / d : -1);
      }
      unsigned char *p = row + x * 3;
      for (int k = 0; k < 3; k++) {
        double v = p[k] * (1 - a) + acc[k] / n;
        p[k] = (unsigned char) fmin (255, fmax (0, v + 0.5));
      }
    }
  }
}

void
atk_paste (struct cv_image *dst, const struct atk_image *src, const double q[8], bool mirror)
{
  if (!src || !src->img.data || src->img.width <= 0)
    return;
  for (int i = 0; i < 8; i++)
    if (!isfinite (q[i]) || fabs (q[i]) > 1e5 || q[i] <= -9999)
      return; /* behind the camera */
  warp (dst, src, q, mirror);
}

void
atk_paste_rect (struct atk_image *dst, const struct atk_image *src, double x, double y, double w, double h)
{
  const double q[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
  atk_paste (&dst->img, src, q, false);
}

bool
atk_in_quad (const double q[8], double x, double y)
{
  int sign = 0;
  for (int i = 0; i < 4; i++) {
    double ax = q[2 * i], ay = q[2 * i + 1], bx = q[(2 * i + 2) % 8], by = q[(2 * i + 3) % 8];
    double c = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    int sg = c > 0 ? 1 : c < 0 ? -1 : 0;
    if (sg && sign && sg != sign)
      return false;
    if (sg)
      sign = sg;
  }
  return true;
}

void
atk_fill (struct cv_image *dst, const double q[8], const unsigned char bgr[3])
{
  for (int i = 0; i < 8; i++)
    if (!isfinite (q[i]) || fabs (q[i]) > 1e5 || q[i] <= -9999)
      return; /* behind the camera */
  cv_fill_quad (dst, q, bgr);
  if (!atk_depth_on ())
    return;
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (int i = 0; i < 4; i++)
    x0 = fmin (x0, q[2 * i]), x1 = fmax (x1, q[2 * i]), y0 = fmin (y0, q[2 * i + 1]), y1 = fmax (y1, q[2 * i + 1]);
  for (int y = MAX (0, (int) floor (y0)); y <= MIN (dst->height - 1, (int) ceil (y1)); y++)
    for (int x = MAX (0, (int) floor (x0)); x <= MIN (dst->width - 1, (int) ceil (x1)); x++)
      if (atk_in_quad (q, x + 0.5, y + 0.5))
        atk_depth_put (x, y, x + 0.5);
}

void
atk_fill_rect3 (struct cv_image *dst, const struct atk_site *s, const struct atk_rect *r, const unsigned char bgr[3])
{
  double q[8];
  atk_rect_quad (s, r, q);
  atk_depth_rect (r);
  atk_fill (dst, q, bgr);
}

void
atk_light (struct cv_image *dst, const struct atk_site *s, double gain, double offset, bool band, double across0,
           double slope, double width, double feather)
{
  if (!band && fabs (gain - 1) < 1e-3 && fabs (offset) < 0.5)
    return;
  unsigned char lut[256];
  for (int y = 0; y < dst->height; y++) {
    unsigned char *row = dst->data + (size_t) y * dst->stride;
    if (!band) {
      if (y == 0)
        for (int i = 0; i < 256; i++)
          lut[i] = (unsigned char) fmin (255, fmax (0, i * gain + offset + 0.5));
      for (int x = 0; x < dst->width * 3; x++)
        row[x] = lut[row[x]];
      continue;
    }
    for (int x = 0; x < dst->width; x++) {
      double p[2];
      if (!atk_unproject (s, x + 0.5, y + 0.5, p))
        continue;
      double t = p[1] - (across0 + p[0] * slope); /* into the band, metres */
      double f = fmin (fmin (t, width - t) / feather + 0.5, 1.0);
      if (f <= 0)
        continue;
      double g = 1 + (gain - 1) * f, o = offset * f;
      for (int k = 0; k < 3; k++)
        row[x * 3 + k] = (unsigned char) fmin (255, fmax (0, row[x * 3 + k] * g + o + 0.5));
    }
  }
}
