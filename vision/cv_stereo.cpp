// Disparity for the liveness depth check: semi-global block matching on a
// rectified pair.
#include "cv_try.hpp"

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

extern "C" cv_status
cv_stereo_disparity (const struct cv_image *left, const struct cv_image *right, int max_disparity, int block_size,
                     float *out)
{
  if (!cw::image_ok (left) || !cw::image_ok (right) || left->channels != 1 || right->channels != 1 ||
      left->width != right->width || left->height != right->height || max_disparity < 16 || block_size < 3 ||
      block_size % 2 == 0 || !out)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    int nd = (max_disparity + 15) / 16 * 16;
    int area = block_size * block_size;
    // P1/P2 as OpenCV's stereo_match sample sets them for one channel.
    auto sgbm = cv::StereoSGBM::create (0, nd, block_size, 8 * area, 32 * area, 1, 63, 10, 100, 2,
                                        cv::StereoSGBM::MODE_SGBM);
    cv::Mat disp16;
    sgbm->compute (cw::wrap (left), cw::wrap (right), disp16);
    cv::Mat dst (left->height, left->width, CV_32F, out);
    disp16.convertTo (dst, CV_32F, 1.0 / 16); // fixed point, 4 fractional bits
    dst.setTo (-1.0f, disp16 < 0);            // unmatched pixels
    return CV_OK;
  });
}
