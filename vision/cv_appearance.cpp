// Colour signatures of people, for telling them apart when tracks cross.
#include "cv_try.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>

extern "C" cv_status
cv_color_signature (const struct cv_image *img, const float box[4], float out[CV_SIGNATURE_LEN])
{
  if (!cw::image_ok (img) || img->channels < 3 || !box || !out)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    // middle 60% of the width, 15-85% of the height: torso and legs
    cv::Rect r ((int) (box[0] + 0.2f * box[2]), (int) (box[1] + 0.15f * box[3]), (int) (0.6f * box[2]),
                (int) (0.7f * box[3]));
    r &= cv::Rect (0, 0, img->width, img->height);
    if (r.width < 2 || r.height < 2)
      return CV_ERR_INVALID;
    cv::Mat bgr, hsv;
    cv::Mat src = cw::wrap (img) (r);
    if (img->channels == 4)
      cv::cvtColor (src, bgr, cv::COLOR_BGRA2BGR);
    else
      bgr = src;
    cv::cvtColor (bgr, hsv, cv::COLOR_BGR2HSV);
    int channels[] = {0, 1, 2};
    int sizes[] = {8, 3, 2};
    float h_range[] = {0, 180}, s_range[] = {0, 256}, v_range[] = {0, 256};
    const float *ranges[] = {h_range, s_range, v_range};
    cv::Mat hist;
    cv::calcHist (&hsv, 1, channels, cv::Mat (), hist, 3, sizes, ranges);
    double sum = cv::sum (hist)[0];
    const float *h = hist.ptr<float> ();
    for (int i = 0; i < CV_SIGNATURE_LEN; i++)
      out[i] = sum > 0 ? (float) (h[i] / sum) : 0.f;
    return CV_OK;
  });
}
