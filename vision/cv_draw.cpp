// Compositing, for the attack scenario generator of the tests (paste an image
// onto a quadrilateral of another: a print on a bus side, a poster), and
// drawing, for the overlay (overlay/) and the installer's preview.
#include "cv_try.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

extern "C" cv_status
cv_paste_quad (struct cv_image *dst, const struct cv_image *src, const double quad[8])
{
  if (!cw::image_ok (dst) || !cw::image_ok (src) || dst->channels != src->channels || !quad)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat d = cw::wrap (dst), s = cw::wrap (src);
    std::vector<cv::Point2f> from = {{0, 0},
                                     {(float) src->width, 0},
                                     {(float) src->width, (float) src->height},
                                     {0, (float) src->height}};
    std::vector<cv::Point2f> to;
    std::vector<cv::Point> poly;
    for (int i = 0; i < 4; i++) {
      to.emplace_back ((float) quad[2 * i], (float) quad[2 * i + 1]);
      poly.emplace_back (cvRound (quad[2 * i]), cvRound (quad[2 * i + 1]));
    }
    cv::Rect bb = cv::boundingRect (poly) & cv::Rect (0, 0, dst->width, dst->height);
    if (bb.area () == 0)
      return CV_OK;
    cv::Mat m = cv::getPerspectiveTransform (from, to);
    cv::Mat shift = (cv::Mat_<double> (3, 3) << 1, 0, -bb.x, 0, 1, -bb.y, 0, 0, 1);
    cv::Mat warped, mask = cv::Mat::zeros (bb.size (), CV_8U);
    cv::warpPerspective (s, warped, shift * m, bb.size (), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    for (auto &p : poly)
      p -= bb.tl ();
    cv::fillConvexPoly (mask, poly, cv::Scalar (255), cv::LINE_AA);
    warped.copyTo (d (bb), mask);
    return CV_OK;
  });
}

extern "C" cv_status
cv_fill_quad (struct cv_image *dst, const double quad[8], const unsigned char colour[3])
{
  if (!cw::image_ok (dst) || dst->channels < 3 || !quad || !colour)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    std::vector<cv::Point> poly;
    for (int i = 0; i < 4; i++)
      poly.emplace_back (cvRound (quad[2 * i]), cvRound (quad[2 * i + 1]));
    cv::fillConvexPoly (cw::wrap (dst), poly, cv::Scalar (colour[0], colour[1], colour[2], 255), cv::LINE_AA);
    return CV_OK;
  });
}

// ---- drawing: the overlay and previews ----

namespace {

cv::Scalar
scalar (const unsigned char c[4])
{
  return cv::Scalar (c[0], c[1], c[2], c[3]);
}

// Sub-pixel coordinates for OpenCV's fixed-point drawing (4 fraction bits).
constexpr int SHIFT = 4;

cv::Point
fixed (double x, double y)
{
  // far-off points are clamped: OpenCV's fixed-point arithmetic overflows
  // beyond about 2^27 / 16
  x = std::max (-1e6, std::min (1e6, x)), y = std::max (-1e6, std::min (1e6, y));
  return cv::Point (cvRound (x * (1 << SHIFT)), cvRound (y * (1 << SHIFT)));
}

std::vector<cv::Point>
fixed_points (const double *xy, int n)
{
  std::vector<cv::Point> pts;
  pts.reserve (n);
  for (int i = 0; i < n; i++)
    pts.push_back (fixed (xy[2 * i], xy[2 * i + 1]));
  return pts;
}

bool
drawable (const cv_image *img)
{
  return cw::image_ok (img) && (img->channels == 3 || img->channels == 4);
}

} // namespace

extern "C" cv_status
cv_draw_polyline (struct cv_image *img, const double *xy, int n, int closed, const unsigned char colour[4],
                  int thickness)
{
  if (!drawable (img) || !xy || n < 2 || !colour || thickness < 1 || thickness > 64)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat m = cw::wrap (img);
    cv::polylines (m, fixed_points (xy, n), closed != 0, scalar (colour), thickness, cv::LINE_AA, SHIFT);
    return CV_OK;
  });
}

extern "C" cv_status
cv_draw_fill_polygon (struct cv_image *img, const double *xy, int n, const unsigned char colour[4])
{
  if (!drawable (img) || !xy || n < 3 || !colour)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat m = cw::wrap (img);
    std::vector<std::vector<cv::Point>> polys = {fixed_points (xy, n)};
    // no anti-aliasing: its edge pixels would mix the layer's opacity
    cv::fillPoly (m, polys, scalar (colour), cv::LINE_8, SHIFT);
    return CV_OK;
  });
}

extern "C" cv_status
cv_draw_rect (struct cv_image *img, double x, double y, double w, double h, const unsigned char colour[4],
              int thickness)
{
  if (!drawable (img) || !colour || !(w >= 0) || !(h >= 0) || thickness > 64)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat m = cw::wrap (img);
    cv::rectangle (m, fixed (x, y), fixed (x + w, y + h), scalar (colour), thickness > 0 ? thickness : cv::FILLED,
                   cv::LINE_8, SHIFT);
    return CV_OK;
  });
}

namespace {

// cv_draw_text's font for HEIGHT_PX: scale, stroke, padding around the box
struct text_style {
  double scale;
  int thickness, pad;
};

text_style
style_for (double height_px)
{
  // a scale of 1 draws capitals about 22 px tall
  return {height_px / 22.0, std::max (1, (int) std::lround (height_px / 12.0)),
          std::max (2, (int) std::lround (height_px / 5.0))};
}

std::string
printable (const char *text)
{
  std::string s (text);
  for (char &c : s)
    if (c < 0x20 || c > 0x7e)
      c = '?';
  return s;
}

} // namespace

extern "C" int
cv_text_width (const char *text, double height_px)
{
  if (!text || !(height_px >= 4 && height_px <= 400))
    return 0;
  int width = 0;
  cw::cv_try ([&] {
    text_style st = style_for (height_px);
    int baseline = 0;
    width = cv::getTextSize (printable (text), cv::FONT_HERSHEY_SIMPLEX, st.scale, st.thickness, &baseline).width +
            2 * st.pad;
    return CV_OK;
  });
  return width;
}

extern "C" cv_status
cv_draw_text (struct cv_image *img, double x, double y, const char *text, double height_px,
              const unsigned char colour[4], const unsigned char background[4], int *width_px)
{
  if (!drawable (img) || !text || !colour || !(height_px >= 4 && height_px <= 400))
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    std::string s = printable (text);
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    text_style st = style_for (height_px);
    int baseline = 0;
    cv::Size size = cv::getTextSize (s, font, st.scale, st.thickness, &baseline);
    int pad = st.pad;
    cv::Mat m = cw::wrap (img);
    if (background)
      cv::rectangle (m, cv::Point ((int) x, (int) y),
                     cv::Point ((int) x + size.width + 2 * pad, (int) y + size.height + baseline + 2 * pad),
                     scalar (background), cv::FILLED);
    cv::putText (m, s, cv::Point ((int) x + pad, (int) y + pad + size.height), font, st.scale, scalar (colour), st.thickness,
                 cv::LINE_AA);
    if (width_px)
      *width_px = size.width + 2 * pad;
    return CV_OK;
  });
}
