/* cw_preview — the installer's first look at a camera: one frame, with
 * the site as crosswatch sees it drawn on (cwoverlay: zones, ground grid,
 * people of 1.75 m to scale, kerb depth band) and the people cwdetect finds
 * in that frame. A side pipeline of its own: source ! videoconvert !
 * cwdetect ! cwoverlay ! appsink, sought to the moment asked for. */
#ifndef CW_PREVIEW_H
#define CW_PREVIEW_H

#include "cv_shim.h"

#include <glib.h>

G_BEGIN_DECLS

struct cw_preview {
  struct cv_image image; /* BGRx, owned: cw_preview_clear */
  double at_s;           /* the frame's time from the start of the source */
  int people;            /* detections drawn */
  gboolean calibrated;   /* the camera has a ground calibration */
  double grid_step_m;    /* 0: no grid (not calibrated, or the calibration sees no ground at the picture's bottom) */
  int scale_people;      /* 1.75 m people drawn (0: no camera model from the calibration) */
  double band_share;     /* share of the carriageway's pixels nearer its edge than min_depth_m */
  char *source_file;     /* the camera's file (file:// URI), or NULL */
};

/* The frame AT_S seconds into camera CAMERA (NULL: the first) of the site
 * file CONFIG_PATH, drawn. A file is sought there; a live source is read
 * that long. FALSE with ERROR naming the camera, its URI and the reason
 * when the source cannot give that frame within TIMEOUT_S seconds. */
gboolean cw_preview_grab (const char *config_path, const char *camera, double at_s, int timeout_s,
                          struct cw_preview *out, GError **error);
void cw_preview_clear (struct cw_preview *p);

G_END_DECLS
#endif
