// Privacy blur and resizing for evidence and displays (JPEG and PNG: cv_codec.c).
#include "cv_try.hpp"

#include <cstdlib>
#include <cstring>
#include <opencv2/imgproc.hpp>
#include <vector>

extern "C" cv_status
cv_blur_region (struct cv_image *img, int x, int y, int w, int h)
{
  if (!cw::image_ok (img))
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Rect r = cv::Rect (x, y, w, h) & cv::Rect (0, 0, img->width, img->height);
    if (r.area () <= 0)
      return CV_OK;
    cv::Mat roi = cw::wrap (img) (r);
    // Pixelate first (destroys identity at any kernel size), then smooth the blocks.
    int cell = std::max (4, std::min (r.width, r.height) / 6);
    cv::Mat small;
    cv::resize (roi, small, cv::Size (std::max (1, r.width / cell), std::max (1, r.height / cell)),
                0, 0, cv::INTER_AREA);
    cv::resize (small, roi, roi.size (), 0, 0, cv::INTER_NEAREST);
    int k = (cell * 2) | 1;
    cv::GaussianBlur (roi, roi, cv::Size (k, k), 0);
    return CV_OK;
  });
}

extern "C" cv_status
cv_resize (const struct cv_image *img, double scale, struct cv_image *out)
{
  if (!cw::image_ok (img) || !out || scale <= 0 || scale > 8)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    int w = std::max (1, (int) (img->width * scale + 0.5)), h = std::max (1, (int) (img->height * scale + 0.5));
    size_t stride = (size_t) w * img->channels;
    auto *p = static_cast<unsigned char *> (std::malloc (stride * h));
    if (!p)
      return CV_ERR_NOMEM;
    cv::Mat dst (h, w, CV_8UC (img->channels), p, stride);
    cv::resize (cw::wrap (img), dst, dst.size (), 0, 0, cv::INTER_LINEAR);
    *out = {p, w, h, (int) stride, img->channels};
    return CV_OK;
  });
}

extern "C" cv_status
cv_resize_into (const struct cv_image *img, struct cv_image *dst)
{
  if (!cw::image_ok (img) || !cw::image_ok (dst) || dst->channels != img->channels)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat out = cw::wrap (dst);
    cv::resize (cw::wrap (img), out, out.size (), 0, 0, cv::INTER_LINEAR);
    return CV_OK;
  });
}

extern "C" cv_status
cv_resize_to_i420 (const struct cv_image *img, struct cv_image *dst)
{
  if (!cw::image_ok (img) || img->channels != 3 || !cw::image_ok (dst) || dst->channels != 1 || dst->width % 2 ||
      dst->height % 3 || (dst->height / 3 * 2) % 2)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    thread_local cv::Mat scaled; // reused: one a thread
    cv::Mat src = cw::wrap (img);
    cv::Size size (dst->width, dst->height / 3 * 2);
    if (src.size () != size) {
      cv::resize (src, scaled, size, 0, 0, cv::INTER_LINEAR);
      src = scaled;
    }
    cv::Mat out = cw::wrap (dst);
    cv::cvtColor (src, out, cv::COLOR_BGR2YUV_I420);
    if (out.data != dst->data) // cvtColor reallocated: the sizes did not agree
      return CV_ERR_INVALID;
    return CV_OK;
  });
}

extern "C" cv_status
cv_from_i420 (const struct cv_image *i420, struct cv_image *dst)
{
  if (!cw::image_ok (i420) || i420->channels != 1 || i420->height % 3 || !cw::image_ok (dst) || dst->channels != 3 ||
      dst->width != i420->width || dst->height != i420->height / 3 * 2)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat out = cw::wrap (dst);
    cv::cvtColor (cw::wrap (i420), out, cv::COLOR_YUV2BGR_I420);
    return out.data == dst->data ? CV_OK : CV_ERR_INVALID;
  });
}

extern "C" cv_status
cv_to_grey (const struct cv_image *img, struct cv_image *dst)
{
  if (!cw::image_ok (img) || !cw::image_ok (dst) || dst->channels != 1 || dst->width != img->width ||
      dst->height != img->height)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat d = cw::wrap (dst);
    if (img->channels == 1)
      cw::wrap (img).copyTo (d);
    else
      cv::cvtColor (cw::wrap (img), d, img->channels == 3 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGRA2GRAY);
    return CV_OK;
  });
}
