/* Inside the shim: what its C and C++ files share. */
#ifndef CW_CV_SHIM_PRIVATE_H
#define CW_CV_SHIM_PRIVATE_H

#include "cv_shim.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MSG becomes this thread's cv_last_error (). */
void cv_shim_set_error (const char *msg);

/* IMG holds pixels the shim can read: 1, 3 or 4 channels, rows of its
 * stride at least as long as its width (without overflowing an int). */
bool cv_shim_image_ok (const struct cv_image *img);

#ifdef __cplusplus
}
#endif

#endif
