// Ground calibration: fitting the pixel -> metre homography.
#include "cv_try.hpp"

#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <vector>

extern "C" cv_status
cv_fit_homography (const double *src, const double *dst, int n, double out_h[9], double *out_rms)
{
  if (!src || !dst || n < 4 || !out_h)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    std::vector<cv::Point2d> s = cw::points (src, n), d = cw::points (dst, n);
    // Collinear points fit infinitely many homographies: refuse them.
    cv::Mat pts (static_cast<int> (s.size ()), 2, CV_64F, s.data ());
    cv::PCA pca (pts, cv::Mat (), cv::PCA::DATA_AS_ROW);
    if (pca.eigenvalues.at<double> (1) <= 1e-9 * std::max (1.0, pca.eigenvalues.at<double> (0))) {
      cw::set_last_error ("the image points are collinear");
      return CV_ERR_INVALID;
    }
    cv::Mat h = cv::findHomography (s, d, 0); // plain least squares: every pair is trusted
    if (h.empty ()) {
      cw::set_last_error ("the points do not determine a homography (collinear or repeated?)");
      return CV_ERR_INVALID;
    }
    for (int i = 0; i < 9; i++)
      out_h[i] = h.at<double> (i / 3, i % 3);
    if (out_rms) {
      std::vector<cv::Point2d> p;
      cv::perspectiveTransform (s, p, h);
      double sum = 0;
      for (int i = 0; i < n; i++)
        sum += std::pow (cv::norm (p[i] - d[i]), 2);
      *out_rms = std::sqrt (sum / n);
    }
    return CV_OK;
  });
}
