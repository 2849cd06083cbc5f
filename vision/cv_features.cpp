// Sparse motion for the liveness motion check: Shi-Tomasi corners, pyramidal
// Lucas-Kanade with a forward-backward test, and a RANSAC homography.
#include "cv_try.hpp"

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <cmath>
#include <vector>

static cv::Rect
clip_rect (const cv_rect *r, int w, int h)
{
  return cv::Rect (r->x, r->y, r->w, r->h) & cv::Rect (0, 0, w, h);
}

extern "C" cv_status
cv_features_find (const struct cv_image *grey, const struct cv_rect *roi, const struct cv_rect *exclude, int max,
                  double min_distance, float *out_xy, int *out_n)
{
  if (!cw::image_ok (grey) || grey->channels != 1 || !roi || max <= 0 || !out_xy || !out_n)
    return CV_ERR_INVALID;
  *out_n = 0;
  return cw::cv_try ([&] {
    cv::Mat img = cw::wrap (grey);
    cv::Rect r = clip_rect (roi, grey->width, grey->height);
    if (r.width < 3 || r.height < 3)
      return CV_OK;
    cv::Mat mask = cv::Mat::zeros (img.size (), CV_8U);
    mask (r).setTo (255);
    if (exclude) {
      cv::Rect e = clip_rect (exclude, grey->width, grey->height);
      if (e.area () > 0)
        mask (e).setTo (0);
    }
    std::vector<cv::Point2f> pts;
    // Quality 0.01 of the strongest corner: textureless panels give few points,
    // which the caller reads as "too little texture", not as motion.
    cv::goodFeaturesToTrack (img, pts, max, 0.01, min_distance, mask, 5);
    for (size_t i = 0; i < pts.size (); i++) {
      out_xy[2 * i] = pts[i].x;
      out_xy[2 * i + 1] = pts[i].y;
    }
    *out_n = static_cast<int> (pts.size ());
    return CV_OK;
  });
}

extern "C" cv_status
cv_flow_track (const struct cv_image *prev, const struct cv_image *next, const float *xy, const float *guess_xy, int n,
               double max_fb_error, float *out_xy, unsigned char *out_ok, float *out_fb_error)
{
  if (!cw::image_ok (prev) || !cw::image_ok (next) || prev->channels != 1 || next->channels != 1 || n < 0 ||
      (n > 0 && (!xy || !out_xy || !out_ok)))
    return CV_ERR_INVALID;
  if (n == 0)
    return CV_OK;
  return cw::cv_try ([&] {
    cv::Mat a = cw::wrap (prev), b = cw::wrap (next);
    std::vector<cv::Point2f> p0 (n), p1 (n), back (n);
    for (int i = 0; i < n; i++) {
      p0[i] = cv::Point2f (xy[2 * i], xy[2 * i + 1]);
      p1[i] = guess_xy ? cv::Point2f (guess_xy[2 * i], guess_xy[2 * i + 1]) : p0[i];
      back[i] = p0[i];
    }
    std::vector<uchar> st1, st2;
    std::vector<float> err;
    const cv::Size win (15, 15);
    const cv::TermCriteria term (cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 20, 0.03);
    const int flags = guess_xy ? cv::OPTFLOW_USE_INITIAL_FLOW : 0;
    cv::calcOpticalFlowPyrLK (a, b, p0, p1, st1, err, win, 3, term, flags);
    // Tracking back to the start rejects points that slid along an edge or
    // jumped to a look-alike (Kalal et al., forward-backward error); the way
    // back starts from the way there's guess reversed.
    if (guess_xy)
      for (int i = 0; i < n; i++)
        back[i] = p1[i] - (cv::Point2f (guess_xy[2 * i], guess_xy[2 * i + 1]) - p0[i]);
    cv::calcOpticalFlowPyrLK (b, a, p1, back, st2, err, win, 3, term, flags);
    for (int i = 0; i < n; i++) {
      double fb = cv::norm (back[i] - p0[i]);
      out_xy[2 * i] = p1[i].x;
      out_xy[2 * i + 1] = p1[i].y;
      out_ok[i] = st1[i] && st2[i] && fb <= max_fb_error && p1[i].x >= 0 && p1[i].y >= 0 && p1[i].x < prev->width &&
                  p1[i].y < prev->height;
      if (out_fb_error)
        out_fb_error[i] = st1[i] && st2[i] ? (float) fb : INFINITY;
    }
    return CV_OK;
  });
}

extern "C" cv_status
cv_fit_homography_ransac (const double *src, const double *dst, int n, double threshold, double out_h[9],
                          unsigned char *out_inlier, int *out_n_inliers)
{
  if (!src || !dst || n < 0 || !out_h || !out_n_inliers)
    return CV_ERR_INVALID;
  *out_n_inliers = 0;
  if (n < 4)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    std::vector<cv::Point2d> s = cw::points (src, n), d = cw::points (dst, n);
    std::vector<uchar> mask;
    cv::Mat h = cv::findHomography (s, d, cv::RANSAC, threshold, mask, 500, 0.995);
    if (h.empty ()) {
      cw::set_last_error ("no homography fits the points");
      return CV_ERR_INVALID;
    }
    for (int i = 0; i < 9; i++)
      out_h[i] = h.at<double> (i / 3, i % 3);
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (out_inlier)
        out_inlier[i] = mask[i];
      k += mask[i] != 0;
    }
    *out_n_inliers = k;
    return CV_OK;
  });
}
