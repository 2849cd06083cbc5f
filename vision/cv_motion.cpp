// Motion gating: a background model (MOG2 or KNN) proposes where the scene
// changed, so the people detector need not scan the whole frame (the idea
// Frigate uses), at a fraction of the resolution for speed.
#include "cv_try.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/background_segm.hpp>
#include <vector>

struct cv_motion {
  cv::Ptr<cv::BackgroundSubtractor> model;
  cv_motion_params params;
  cv::Mat small, mask;
  cv::Mat open_kernel, close_kernel;
};

extern "C" cv_status
cv_motion_create (const struct cv_motion_params *params, struct cv_motion **out_motion)
{
  if (!params || !out_motion || params->history < 1 || params->scale < 0.1 || params->scale > 1)
    return CV_ERR_INVALID;
  *out_motion = nullptr;
  return cw::cv_try ([&] {
    auto *m = new cv_motion ();
    m->params = *params;
    if (params->algorithm == CV_MOTION_KNN)
      m->model = cv::createBackgroundSubtractorKNN (params->history, 400.0, params->detect_shadows != 0);
    else
      m->model = cv::createBackgroundSubtractorMOG2 (params->history, 16, params->detect_shadows != 0);
    // the blobs are grown by about 14 of the picture's pixels whatever the
    // scale (7 of the model's at 0.5): a model at a smaller scale must not
    // hand the detector larger regions to search
    int grow = std::max (3, static_cast<int> (std::lround (14 * params->scale)) | 1);
    m->open_kernel = cv::getStructuringElement (cv::MORPH_RECT, cv::Size (3, 3));
    m->close_kernel = cv::getStructuringElement (cv::MORPH_RECT, cv::Size (grow, grow));
    *out_motion = m;
    return CV_OK;
  });
}

extern "C" void
cv_motion_destroy (struct cv_motion *m)
{
  delete m;
}

extern "C" cv_status
cv_motion_apply (struct cv_motion *m, const struct cv_image *img, struct cv_rect *out, int max, int *out_n)
{
  if (!m || !cw::image_ok (img) || !out || max < 0 || !out_n)
    return CV_ERR_INVALID;
  *out_n = 0;
  return cw::cv_try ([&] {
    double s = m->params.scale;
    cv::resize (cw::wrap (img), m->small, cv::Size (), s, s, cv::INTER_AREA);
    m->model->apply (m->small, m->mask, m->params.learning_rate);
    // shadows are 127 in the mask: only full foreground counts
    cv::threshold (m->mask, m->mask, 200, 255, cv::THRESH_BINARY);
    cv::morphologyEx (m->mask, m->mask, cv::MORPH_OPEN, m->open_kernel);
    cv::dilate (m->mask, m->mask, m->close_kernel);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours (m->mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<cv::Rect> boxes;
    for (const auto &c : contours)
      boxes.push_back (cv::boundingRect (c));
    std::sort (boxes.begin (), boxes.end (), [] (const cv::Rect &a, const cv::Rect &b) { return a.area () > b.area (); });
    int n = 0;
    for (const auto &b : boxes) {
      if (n >= max)
        break;
      out[n++] = {static_cast<int> (b.x / s), static_cast<int> (b.y / s), static_cast<int> (b.width / s + 0.5),
                  static_cast<int> (b.height / s + 0.5)};
    }
    *out_n = n;
    return CV_OK;
  });
}
