// Face crops for evidence: a cascade (Haar or LBP, from Debian's
// opencv-data) on the head region at full resolution, scored by sharpness
// and size so the evidence keeps the best face a track showed.
#include "cv_try.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <vector>

struct cv_face_detector {
  cv::CascadeClassifier cascade;
  cv::Mat grey, big, lap;
};

/* Faces smaller than this (pixels) are enlarged to it before the search:
 * the frontal cascades need about 24 pixels. */
static const int MIN_FACE = 24;

extern "C" cv_status
cv_face_detector_create (const char *cascade, struct cv_face_detector **out_det)
{
  if (!cascade || !out_det)
    return CV_ERR_INVALID;
  *out_det = nullptr;
  cv_status rc = cw::cv_try ([&] {
    auto *d = new cv_face_detector ();
    if (!d->cascade.load (cascade)) {
      delete d;
      cw::set_last_error (std::string ("cannot load cascade ") + cascade);
      return CV_ERR_INVALID;
    }
    *out_det = d;
    return CV_OK;
  });
  return rc == CV_ERR_OPENCV ? CV_ERR_INVALID : rc;
}

extern "C" void
cv_face_detector_destroy (struct cv_face_detector *det)
{
  delete det;
}

/* Every face in ROI of IMG with its quality (sharpness at native scale
 * times the square root of its area), in IMG's pixels. */
static void
find_faces (cv_face_detector *det, const cv_image *img, const cv_rect *roi, std::vector<cv_rect> &out,
            std::vector<double> &quality)
{
  cv::Rect r (0, 0, img->width, img->height);
  if (roi)
    r &= cv::Rect (roi->x, roi->y, roi->w, roi->h);
  if (r.width < 8 || r.height < 8)
    return;
  cv::Mat src = cw::wrap (img) (r);
  if (src.channels () == 1)
    det->grey = src;
  else
    cv::cvtColor (src, det->grey, src.channels () == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  // a head region narrower than 3 minimum faces is enlarged
  double up = std::max (1.0, 3.0 * MIN_FACE / std::min (r.width, r.height));
  if (up > 1)
    cv::resize (det->grey, det->big, cv::Size (), up, up, cv::INTER_CUBIC);
  else
    det->big = det->grey;
  cv::equalizeHist (det->big, det->big);
  std::vector<cv::Rect> faces;
  det->cascade.detectMultiScale (det->big, faces, 1.1, 3, 0, cv::Size (MIN_FACE, MIN_FACE));
  for (const auto &f : faces) {
    cv::Laplacian (det->big (f), det->lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev (det->lap, mean, stddev);
    // sharpness at native scale: enlarging blurs, so divide it back out
    quality.push_back (stddev[0] * stddev[0] / (up * up) * std::sqrt (f.area () / (up * up)));
    out.push_back ({r.x + (int) (f.x / up), r.y + (int) (f.y / up), (int) std::lround (f.width / up),
                    (int) std::lround (f.height / up)});
  }
}

extern "C" cv_status
cv_face_find (struct cv_face_detector *det, const struct cv_image *img, const struct cv_rect *roi, int *out_found,
              struct cv_rect *out_face, double *out_quality)
{
  if (!det || !cw::image_ok (img) || !out_found || !out_face || !out_quality)
    return CV_ERR_INVALID;
  *out_found = 0;
  return cw::cv_try ([&] {
    std::vector<cv_rect> faces;
    std::vector<double> quality;
    find_faces (det, img, roi, faces, quality);
    for (size_t i = 0; i < faces.size (); i++)
      if (!*out_found || quality[i] > *out_quality) {
        *out_found = 1;
        *out_face = faces[i];
        *out_quality = quality[i];
      }
    return CV_OK;
  });
}

extern "C" cv_status
cv_face_find_all (struct cv_face_detector *det, const struct cv_image *img, int max, struct cv_rect *out_faces,
                  double *out_quality, int *out_n)
{
  if (!det || !cw::image_ok (img) || max < 0 || !out_faces || !out_quality || !out_n)
    return CV_ERR_INVALID;
  *out_n = 0;
  return cw::cv_try ([&] {
    std::vector<cv_rect> faces;
    std::vector<double> quality;
    find_faces (det, img, nullptr, faces, quality);
    for (size_t i = 0; i < faces.size () && *out_n < max; i++) {
      out_faces[*out_n] = faces[i];
      out_quality[*out_n] = quality[i];
      ++*out_n;
    }
    return CV_OK;
  });
}
