// Face features for recognition (recognition/): one vector a face crop,
// compared by a similarity in [-1, 1] (higher: more alike).
//
// - lbph: OpenCV contrib's LBPH recogniser, weight-free. Its spatial
//   histogram of local binary patterns is the feature; two are compared
//   by the chi-square distance LBPH itself uses, mapped to 1 / (1 + d)
//   so that both backends read "higher is more alike".
// - sface: FaceRecognizerSF (the site's ONNX model), cosine similarity of
//   its feature. With a FaceDetectorYN model too, the face is found in the
//   crop and aligned by its five landmarks first; without, the crop is
//   taken as the face, resized.
#include "cv_try.hpp"

#include <cmath>
#include <opencv2/face.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

struct cv_face_id {
  cv_face_id_backend backend;
  cv::Ptr<cv::face::LBPHFaceRecognizer> lbph;
  cv::Ptr<cv::FaceRecognizerSF> sface;
  cv::Ptr<cv::FaceDetectorYN> yunet;
};

/* LBPH's face: grey, this size, equalised (the crops come at any size) */
static const int LBPH_SIZE = 96;
/* SFace's input */
static const int SFACE_SIZE = 112;
/* YuNet looks at the crop at this size: a face crop holds one face, and a
 * fixed size keeps the detector's priors (and its cost) fixed */
static const int YUNET_SIZE = 160;

extern "C" cv_status
cv_face_id_create_lbph (struct cv_face_id **out)
{
  if (!out)
    return CV_ERR_INVALID;
  *out = nullptr;
  return cw::cv_try ([&] {
    auto *f = new cv_face_id ();
    f->backend = CV_FACE_ID_LBPH;
    // radius 1, 8 neighbours, an 8 x 8 grid: LBPH's own defaults
    f->lbph = cv::face::LBPHFaceRecognizer::create (1, 8, 4, 4);
    *out = f;
    return CV_OK;
  });
}

extern "C" cv_status
cv_face_id_create_sface (const char *recognizer_model, struct cv_face_id **out)
{
  if (!recognizer_model || !out)
    return CV_ERR_INVALID;
  *out = nullptr;
  auto *f = new (std::nothrow) cv_face_id ();
  if (!f)
    return CV_ERR_NOMEM;
  f->backend = CV_FACE_ID_SFACE;
  cv_status rc = cw::cv_try ([&] {
    f->sface = cv::FaceRecognizerSF::create (recognizer_model, "");
    if (f->sface.empty ()) {
      cw::set_last_error ("not a face recognition model");
      return CV_ERR_INVALID;
    }
    return CV_OK;
  });
  if (rc != CV_OK) {
    delete f;
    return rc;
  }
  *out = f;
  return CV_OK;
}

extern "C" cv_status
cv_face_id_set_detector (struct cv_face_id *f, const char *detector_model)
{
  if (!f || f->backend != CV_FACE_ID_SFACE || !detector_model)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    f->yunet = cv::FaceDetectorYN::create (detector_model, "", cv::Size (YUNET_SIZE, YUNET_SIZE), 0.6f, 0.3f, 5);
    if (f->yunet.empty ()) {
      cw::set_last_error ("not a face detection model");
      return CV_ERR_INVALID;
    }
    return CV_OK;
  });
}

extern "C" void
cv_face_id_destroy (struct cv_face_id *f)
{
  delete f;
}

extern "C" cv_face_id_backend
cv_face_id_backend_of (const struct cv_face_id *f)
{
  return f->backend;
}

static cv_status
lbph_feature (cv_face_id *f, const cv::Mat &src, std::vector<float> &out)
{
  cv::Mat grey, face;
  if (src.channels () == 1)
    grey = src;
  else
    cv::cvtColor (src, grey, src.channels () == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::resize (grey, face, cv::Size (LBPH_SIZE, LBPH_SIZE), 0, 0, cv::INTER_AREA);
  cv::equalizeHist (face, face);
  // training on the one face is how LBPH computes its histogram
  std::vector<cv::Mat> faces{face};
  std::vector<int> labels{0};
  f->lbph->train (faces, labels);
  std::vector<cv::Mat> hists = f->lbph->getHistograms ();
  if (hists.size () != 1)
    return CV_ERR_OPENCV;
  cv::Mat h = hists[0].reshape (1, 1);
  out.assign (h.ptr<float> (0), h.ptr<float> (0) + h.cols);
  return CV_OK;
}

static cv_status
sface_feature (cv_face_id *f, const cv::Mat &src, std::vector<float> &out, int *out_found)
{
  cv::Mat bgr, aligned, feat;
  if (src.channels () == 3)
    bgr = src;
  else
    cv::cvtColor (src, bgr, src.channels () == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
  if (f->yunet) {
    cv::Mat sized, faces;
    cv::resize (bgr, sized, cv::Size (YUNET_SIZE, YUNET_SIZE), 0, 0, cv::INTER_LINEAR);
    bgr = sized;
    f->yunet->detect (bgr, faces);
    if (faces.rows < 1 || faces.cols < 15) {
      *out_found = 0;
      return CV_OK;
    }
    // the most confident face (column 14: its score)
    int best = 0;
    for (int i = 1; i < faces.rows; i++)
      if (faces.at<float> (i, 14) > faces.at<float> (best, 14))
        best = i;
    f->sface->alignCrop (bgr, faces.row (best), aligned);
  } else {
    cv::resize (bgr, aligned, cv::Size (SFACE_SIZE, SFACE_SIZE), 0, 0, cv::INTER_AREA);
  }
  f->sface->feature (aligned, feat);
  feat = feat.reshape (1, 1);
  if (feat.type () != CV_32F)
    feat.convertTo (feat, CV_32F);
  out.assign (feat.ptr<float> (0), feat.ptr<float> (0) + feat.cols);
  return CV_OK;
}

extern "C" cv_status
cv_face_id_feature (struct cv_face_id *f, const struct cv_image *img, float **out_feature, int *out_n)
{
  if (!f || !cw::image_ok (img) || !out_feature || !out_n)
    return CV_ERR_INVALID;
  *out_feature = nullptr;
  *out_n = 0;
  if (img->width < 8 || img->height < 8)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    std::vector<float> v;
    int found = 1;
    cv::Mat src = cw::wrap (img);
    cv_status rc = f->backend == CV_FACE_ID_LBPH ? lbph_feature (f, src, v) : sface_feature (f, src, v, &found);
    if (rc != CV_OK || !found || v.empty ())
      return rc;
    for (float x : v)
      if (!std::isfinite (x)) {
        cw::set_last_error ("the model gave a feature that is not a number");
        return CV_ERR_OPENCV;
      }
    auto *buf = static_cast<float *> (malloc (v.size () * sizeof (float)));
    if (!buf)
      return CV_ERR_NOMEM;
    std::copy (v.begin (), v.end (), buf);
    *out_feature = buf;
    *out_n = (int) v.size ();
    return CV_OK;
  });
}

extern "C" double
cv_face_id_similarity (cv_face_id_backend backend, const float *a, const float *b, int n)
{
  if (!a || !b || n <= 0)
    return NAN;
  if (backend == CV_FACE_ID_LBPH) {
    // chi-square (alternative form), as LBPH's predict compares
    cv::Mat ha (1, n, CV_32F, const_cast<float *> (a)), hb (1, n, CV_32F, const_cast<float *> (b));
    double d = cv::compareHist (ha, hb, cv::HISTCMP_CHISQR_ALT);
    return 1.0 / (1.0 + d);
  }
  double dot = 0, na = 0, nb = 0;
  for (int i = 0; i < n; i++) {
    dot += (double) a[i] * b[i];
    na += (double) a[i] * a[i];
    nb += (double) b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt (na * nb) : 0;
}
