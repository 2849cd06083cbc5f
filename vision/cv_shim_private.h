/* Inside the shim: what its C and C++ files share. */
#ifndef CW_CV_SHIM_PRIVATE_H
#define CW_CV_SHIM_PRIVATE_H

#ifdef __cplusplus
extern "C" {
#endif

/* MSG becomes this thread's cv_last_error (). */
void cv_shim_set_error (const char *msg);

#ifdef __cplusplus
}
#endif

#endif
