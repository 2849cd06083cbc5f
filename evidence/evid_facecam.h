/* evid_facecam — a face camera's work ([camera:NAME] role = face): find
 * every face in a frame, place it on the ground through the camera's own
 * calibration and put it on the site's face board (evid_faceboard.h), where
 * the overview camera's evidence looks for its accused's face. */
#ifndef CW_EVID_FACECAM_H
#define CW_EVID_FACECAM_H

#include "cv_shim.h"

#include <glib.h>

struct evid_facecam_params {
  const char *camera;       /* the face camera's name */
  const char *site_id;      /* whose board */
  const char *cascade;      /* an OpenCV face cascade */
  double homography[9];     /* image pixel -> ground metres */
  int every_n_frames;       /* look at one frame in this many (>= 1) */
};

struct evid_facecam;

/* NULL + ERROR when the cascade does not load. */
struct evid_facecam *evid_facecam_create (const struct evid_facecam_params *p, GError **error);
void evid_facecam_free (struct evid_facecam *fc);

/* Frame number FRAME, seen at T (wall-clock seconds): its faces on the
 * board. The number of faces placed. */
int evid_facecam_frame (struct evid_facecam *fc, const struct cv_image *img, int frame, double t);

struct zone_camera;
/* Where the person whose face has box FACE (x, y, w, h) stands, in image
 * pixels: below the head by an adult's height through CAM's projection
 * (NULL: by an adult's height in faces). */
void evid_facecam_foot_px (const struct zone_camera *cam, const double face[4], double *out_x, double *out_y);

#endif
