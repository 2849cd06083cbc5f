// Compositing, for the attack scenario generator of the tests: paste an
// image onto a quadrilateral of another (a print on a bus side, a poster).
#include "cv_try.hpp"

#include <opencv2/imgproc.hpp>
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
