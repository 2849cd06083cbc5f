// People detection with OpenCV's HOG + linear SVM (Dalal-Triggs, INRIA model).
// No weights to download: the model ships inside OpenCV.
#include "cv_try.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <algorithm>
#include <cmath>
#include <vector>

struct cv_people_detector {
  cv::HOGDescriptor hog;
  cv_people_params params;
  cv::Mat scaled; // reused between frames
};

// The 64x128 INRIA window frames a person with a margin, more below the feet
// than above the head. Boxes are shrunk to the body so that IoU with
// body-tight annotations (MOT) and, above all, foot points are right: the
// body spans 12.5% to 85.5% of the window's height and the middle 51.5% of
// its width (medians over 3,522 detections on vtest.avi matched to
// PETS09-S2L1's ground truth; with a centred 80% the box bottom was 6.4% of
// the height below the feet, 0.6-1.2 m on the ground 20 m away).
static const double BODY_W = 0.515, BODY_TOP = 0.125, BODY_H = 0.73;

// detectMultiScale's own grouping: a person is 3 or more overlapping hits
// (finalThreshold 2.0) whose sides agree within 20 %.
static const int GROUP_MIN_HITS = 2;
static const double GROUP_EPS = 0.2;
// Windows are tried every STRIDE pixels across and down a level.
static const int STRIDE = 8;

// HOG's search at every window scale, as detectMultiScale does it, without
// its race: detectMultiScale's threads append each level's windows and,
// under a second lock, their scores to shared lists, so two levels
// finishing together could give a window another level's score, and the
// windows came in the order the threads finished. The same picture gave
// its people in another order and with other scores run to run, and the
// tracker's choices with them (a run's fines changed between two runs of
// one video). Here each level keeps its own lists, joined in level order.
//
// With CENTRES (columns of IMG, [from, to)), a level is searched only for
// windows centred there: the level is made from those columns of IMG and
// a window's half-width and a stride beyond them, so a part of a picture
// costs its share, not a whole level's scaling. Its windows sit on a grid
// a fraction of a pixel off the whole level's, which finds the same people.
static void
search_levels (const cv::HOGDescriptor &hog, const cv::Mat &img, double hit_threshold, double scale_step,
               const double *centres, std::vector<cv::Rect> &found, std::vector<double> &weights)
{
  std::vector<double> scales;
  double scale = 1.0;
  for (int l = 0; l < hog.nlevels; l++) {
    if (cvRound (img.cols / scale) < hog.winSize.width || cvRound (img.rows / scale) < hog.winSize.height)
      break; /* no window fits (and detect would count its windows below zero) */
    scales.push_back (scale);
    scale *= scale_step;
  }
  std::vector<std::vector<cv::Rect>> level_rects (scales.size ());
  std::vector<std::vector<double>> level_weights (scales.size ());
  cv::parallel_for_ (cv::Range (0, (int) scales.size ()), [&] (const cv::Range &range) {
    std::vector<cv::Point> at;
    std::vector<double> w;
    cv::Mat smaller;
    for (int i = range.start; i < range.end; i++) {
      double s = scales[i];
      cv::Size sz (cvRound (img.cols / s), cvRound (img.rows / s));
      int from = 0;
      if (centres) {
        double reach = (hog.winSize.width / 2.0 + STRIDE) * s;
        from = std::max (0, (int) std::floor (centres[0] - reach));
        int to = std::min (img.cols, (int) std::ceil (centres[1] + reach));
        if ((to - from) / s < hog.winSize.width)
          continue;
        cv::resize (img.colRange (from, to), smaller, cv::Size (), 1 / s, 1 / s, cv::INTER_LINEAR_EXACT);
        if (smaller.cols < hog.winSize.width || smaller.rows < hog.winSize.height)
          continue;
      } else if (sz == img.size ())
        smaller = img;
      else
        cv::resize (img, smaller, sz, 0, 0, cv::INTER_LINEAR_EXACT);
      hog.detect (smaller, at, w, hit_threshold, cv::Size (STRIDE, STRIDE), cv::Size (0, 0));
      cv::Size win (cvRound (hog.winSize.width * s), cvRound (hog.winSize.height * s));
      for (size_t j = 0; j < at.size () && j < w.size (); j++) {
        level_rects[i].push_back (cv::Rect (from + cvRound (at[j].x * s), cvRound (at[j].y * s), win.width, win.height));
        level_weights[i].push_back (w[j]);
      }
    }
  });
  found.clear ();
  weights.clear ();
  for (size_t i = 0; i < scales.size (); i++) {
    found.insert (found.end (), level_rects[i].begin (), level_rects[i].end ());
    weights.insert (weights.end (), level_weights[i].begin (), level_weights[i].end ());
  }
}

extern "C" cv_status
cv_people_detector_create (const struct cv_people_params *params, struct cv_people_detector **out_det)
{
  if (!params || !out_det || params->upscale < 0.25 || params->upscale > 4 ||
      params->scale_step <= 1.0 || params->n_levels < 1)
    return CV_ERR_INVALID;
  *out_det = nullptr;
  return cw::cv_try ([&] {
    auto *det = new cv_people_detector ();
    det->params = *params;
    det->hog.setSVMDetector (cv::HOGDescriptor::getDefaultPeopleDetector ());
    det->hog.nlevels = params->n_levels;
    *out_det = det;
    return CV_OK;
  });
}

extern "C" void
cv_people_detector_destroy (struct cv_people_detector *det)
{
  delete det;
}

extern "C" cv_status
cv_people_detect (struct cv_people_detector *det, const struct cv_image *img, struct cv_box *out,
                  int max, int *out_n)
{
  if (!cw::image_ok (img))
    return CV_ERR_INVALID;
  struct cv_rect all = {0, 0, img->width, img->height};
  return cv_people_detect_roi (det, img, &all, out, max, out_n);
}

extern "C" cv_status
cv_people_detect_roi (struct cv_people_detector *det, const struct cv_image *img, const struct cv_rect *roi,
                      struct cv_box *out, int max, int *out_n)
{
  if (!det)
    return CV_ERR_INVALID;
  return cv_people_detect_roi_at (det, img, roi, det->params.upscale, det->params.n_levels, NULL, out, max, out_n);
}

extern "C" double
cv_people_window_body_px (void)
{
  return 128 * BODY_H;
}

extern "C" cv_status
cv_people_detect_roi_at (struct cv_people_detector *det, const struct cv_image *img, const struct cv_rect *roi,
                         double upscale, int n_levels, const struct cv_span *centres, struct cv_box *out, int max,
                         int *out_n)
{
  if (!det || !cw::image_ok (img) || !roi || !out || max < 0 || !out_n || !(upscale >= 0.25 && upscale <= 4) ||
      n_levels < 1 || n_levels > 64 || (centres && centres->from >= centres->to))
    return CV_ERR_INVALID;
  *out_n = 0;
  return cw::cv_try ([&] {
    cv::Rect r = cv::Rect (roi->x, roi->y, roi->w, roi->h) & cv::Rect (0, 0, img->width, img->height);
    double up = upscale;
    cv::Size win = det->hog.winSize;
    if (r.width * up < win.width || r.height * up < win.height)
      return CV_OK; /* too small to hold a person at this scale */
    cv::Mat src = cw::wrap (img) (r);
    if (img->channels == 4)
      cv::cvtColor (src, det->scaled, cv::COLOR_BGRA2BGR);
    else
      det->scaled = src;
    if (up != 1.0)
      cv::resize (det->scaled, det->scaled, cv::Size (), up, up, up < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    // A window frames the body with a margin: at the picture's bottom,
    // left or right edge the margin of someone whose body is all in view
    // falls outside, and HOG never tries a window that does not fit, so
    // people walking in at the sides and passing close under the camera
    // were found only once well inside. The picture is extended there by
    // the tallest window's margin, in its mean colour (unknown, not a
    // pattern: replicating the edge row draws stripes HOG takes for legs,
    // measured in bench/README.md).
    double s_max = std::pow (det->params.scale_step, n_levels - 1);
    int side = (int) std::ceil (win.width * (1 - BODY_W) / 2 * s_max);
    int pad_left = r.x <= 0 ? side : 0, pad_right = r.x + r.width >= img->width ? side : 0;
    int pad_bottom = r.y + r.height >= img->height ? (int) std::ceil (win.height * (1 - BODY_TOP - BODY_H) * s_max) : 0;
    if (pad_left || pad_right || pad_bottom) {
      cv::Mat padded;
      cv::copyMakeBorder (det->scaled, padded, 0, pad_bottom, pad_left, pad_right, cv::BORDER_CONSTANT,
                          cv::mean (det->scaled));
      det->scaled = padded;
    }
    // the centres' columns in the scaled picture, its left margin included
    double scaled_centres[2];
    if (centres) {
      scaled_centres[0] = (centres->from - r.x) * up + pad_left;
      scaled_centres[1] = (centres->to - r.x) * up + pad_left;
    }
    std::vector<cv::Rect> found;
    std::vector<double> weights;
    det->hog.nlevels = n_levels;
    search_levels (det->hog, det->scaled, det->params.hit_threshold, det->params.scale_step,
                   centres ? scaled_centres : nullptr, found, weights);
    det->hog.groupRectangles (found, weights, GROUP_MIN_HITS, GROUP_EPS);
    cv::Rect inside (0, 0, det->scaled.cols, det->scaled.rows);
    for (auto &f : found)
      f &= inside;
    int n = 0;
    for (size_t i = 0; i < found.size () && n < max; i++) {
      double w = found[i].width / up, h = found[i].height / up;
      out[n].x = static_cast<float> (r.x + (found[i].x - pad_left) / up + w * (1 - BODY_W) / 2);
      out[n].y = static_cast<float> (r.y + found[i].y / up + h * BODY_TOP);
      out[n].w = static_cast<float> (w * BODY_W);
      out[n].h = static_cast<float> (h * BODY_H);
      // a body that reaches past the edge (into the margin) ends at it:
      // the rules see a box cut by the border, with no foot point
      float x1 = std::min (out[n].x + out[n].w, static_cast<float> (img->width));
      float y1 = std::min (out[n].y + out[n].h, static_cast<float> (img->height));
      out[n].x = std::max (out[n].x, 0.0f);
      out[n].w = x1 - out[n].x;
      out[n].h = y1 - out[n].y;
      if (out[n].w < 4 || out[n].h < 8)
        continue; /* a sliver of a body at the edge */
      out[n].score = static_cast<float> (i < weights.size () ? weights[i] : 0.0);
      n++;
    }
    *out_n = n;
    return CV_OK;
  });
}
