// cv_try — the shim's whole exception policy: run a body, turn whatever it
// throws into a cv_status and a message for cv_last_error().
#ifndef CW_CV_TRY_HPP
#define CW_CV_TRY_HPP

#include "cv_shim.h"

#include <new>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace cw {

void set_last_error (const std::string &msg);

template <typename F>
cv_status
cv_try (F &&body) noexcept
{
  try {
    set_last_error ("");
    return body ();
  } catch (const cv::Exception &e) {
    set_last_error (e.what ());
    return CV_ERR_OPENCV;
  } catch (const std::bad_alloc &) {
    set_last_error ("out of memory");
    return CV_ERR_NOMEM;
  } catch (const std::exception &e) {
    set_last_error (e.what ());
    return CV_ERR_OPENCV;
  } catch (...) {
    set_last_error ("unknown C++ exception");
    return CV_ERR_OPENCV;
  }
}

// A cv::Mat header over the caller's pixels; valid only while they are.
cv::Mat wrap (const cv_image *img);

bool image_ok (const cv_image *img);

// N points given as x0,y0,x1,y1,...
std::vector<cv::Point2d> points (const double *xy, int n);

} // namespace cw

#endif
