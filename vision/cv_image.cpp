// Image encode/decode and privacy blur for evidence and displays.
#include "cv_try.hpp"

#include <cstdlib>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

// Copies an encoded byte vector to malloc'd memory the C side frees with cv_free.
static cv_status
hand_out (const std::vector<unsigned char> &buf, unsigned char **out, size_t *out_len)
{
  auto *p = static_cast<unsigned char *> (std::malloc (buf.size () ? buf.size () : 1));
  if (!p)
    return CV_ERR_NOMEM;
  std::memcpy (p, buf.data (), buf.size ());
  *out = p;
  *out_len = buf.size ();
  return CV_OK;
}

static cv::Mat
as_bgr (const cv::Mat &m)
{
  if (m.channels () != 4)
    return m;
  cv::Mat bgr;
  cv::cvtColor (m, bgr, cv::COLOR_BGRA2BGR);
  return bgr;
}

extern "C" cv_status
cv_jpeg_encode_crop (const struct cv_image *img, int x, int y, int w, int h, int quality,
                     unsigned char **out, size_t *out_len)
{
  if (!cw::image_ok (img) || !out || !out_len || quality < 1 || quality > 100)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Rect r = cv::Rect (x, y, w, h) & cv::Rect (0, 0, img->width, img->height);
    if (r.area () <= 0)
      return CV_ERR_INVALID;
    std::vector<unsigned char> buf;
    std::vector<int> params = {cv::IMWRITE_JPEG_QUALITY, quality};
    if (!cv::imencode (".jpg", as_bgr (cw::wrap (img) (r)), buf, params))
      throw std::runtime_error ("JPEG encoder refused the image");
    return hand_out (buf, out, out_len);
  });
}

extern "C" cv_status
cv_jpeg_encode (const struct cv_image *img, int quality, unsigned char **out, size_t *out_len)
{
  if (!cw::image_ok (img))
    return CV_ERR_INVALID;
  return cv_jpeg_encode_crop (img, 0, 0, img->width, img->height, quality, out, out_len);
}

extern "C" cv_status
cv_png_encode (const struct cv_image *img, unsigned char **out, size_t *out_len)
{
  if (!cw::image_ok (img) || !out || !out_len)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    std::vector<unsigned char> buf;
    if (!cv::imencode (".png", as_bgr (cw::wrap (img)), buf))
      throw std::runtime_error ("PNG encoder refused the image");
    return hand_out (buf, out, out_len);
  });
}

extern "C" cv_status
cv_decode_bgra (const unsigned char *data, size_t len, unsigned char **out_pixels,
                int *out_width, int *out_height, int *out_stride)
{
  if (!data || !len || !out_pixels || !out_width || !out_height || !out_stride)
    return CV_ERR_INVALID;
  return cw::cv_try ([&] {
    cv::Mat raw (1, static_cast<int> (len), CV_8UC1, const_cast<unsigned char *> (data));
    cv::Mat bgr = cv::imdecode (raw, cv::IMREAD_COLOR);
    if (bgr.empty ()) {
      cw::set_last_error ("not a decodable image");
      return CV_ERR_DECODE;
    }
    size_t stride = static_cast<size_t> (bgr.cols) * 4;
    auto *p = static_cast<unsigned char *> (std::malloc (stride * bgr.rows));
    if (!p)
      return CV_ERR_NOMEM;
    cv::Mat bgra (bgr.rows, bgr.cols, CV_8UC4, p, stride);
    cv::cvtColor (bgr, bgra, cv::COLOR_BGR2BGRA);
    *out_pixels = p;
    *out_width = bgr.cols;
    *out_height = bgr.rows;
    *out_stride = static_cast<int> (stride);
    return CV_OK;
  });
}

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
