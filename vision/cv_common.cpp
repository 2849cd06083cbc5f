#include "cv_try.hpp"
#include "cv_shim_private.h"

#include <cstdlib>

namespace cw {

static thread_local std::string last_error;

void
set_last_error (const std::string &msg)
{
  last_error = msg;
}

bool
image_ok (const cv_image *img)
{
  return cv_shim_image_ok (img);
}

std::vector<cv::Point2d>
points (const double *xy, int n)
{
  std::vector<cv::Point2d> p;
  for (int i = 0; i < n; i++)
    p.emplace_back (xy[2 * i], xy[2 * i + 1]);
  return p;
}

cv::Mat
wrap (const cv_image *img)
{
  return cv::Mat (img->height, img->width, CV_8UC (img->channels), img->data,
                  static_cast<size_t> (img->stride));
}

} // namespace cw

extern "C" const char *
cv_last_error (void)
{
  return cw::last_error.c_str ();
}

extern "C" void
cv_shim_set_error (const char *msg)
{
  cw::set_last_error (msg ? msg : "");
}

extern "C" void
cv_free (void *p)
{
  std::free (p);
}
