#include "evid_facecam.h"

#include "evid_faceboard.h"
#include "zone_camera.h"
#include "zone_geom.h"

#include <math.h>
#include <string.h>

/* Where a face's person stands: the camera's projection (recovered from
 * its calibration, zone_camera.h) puts the feet of a person of ADULT_M
 * below the top of the head; the cascade's box starts at the forehead, a
 * quarter of a box below the top of the head. Without a projection, the
 * box goes FACES_TO_FEET times into a standing adult. A child's feet are
 * nearer than assumed, which the board's match distance allows for. */
#define ADULT_M 1.70
#define HEAD_ABOVE_BOX 0.25
#define FACES_TO_FEET 7.5
#define MAX_FACES 32

struct evid_facecam {
  struct evid_facecam_params p;
  struct zone_camera cam;
  int cam_width, cam_height; /* the picture CAM was made for (0: none yet) */
  bool has_cam;
  char *camera;
  struct cv_face_detector *det;
  struct evid_faceboard *board;
};

struct evid_facecam *
evid_facecam_create (const struct evid_facecam_params *p, GError **error)
{
  struct cv_face_detector *det = NULL;
  if (!p->cascade || cv_face_detector_create (p->cascade, &det) != CV_OK) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "face camera %s: the face cascade '%s' does not load%s%s",
                 p->camera, p->cascade ? p->cascade : "(none: [evidence] face_cascade)", p->cascade ? ": " : "",
                 p->cascade ? cv_last_error () : "");
    return NULL;
  }
  struct evid_facecam *fc = g_new0 (struct evid_facecam, 1);
  fc->p = *p;
  fc->camera = g_strdup (p->camera);
  fc->p.camera = fc->camera;
  fc->p.cascade = NULL;
  fc->p.site_id = NULL;
  fc->p.every_n_frames = MAX (1, p->every_n_frames);
  fc->det = det;
  fc->board = evid_faceboard_get (p->site_id);
  return fc;
}

void
evid_facecam_free (struct evid_facecam *fc)
{
  if (!fc)
    return;
  cv_face_detector_destroy (fc->det);
  /* nothing more will come from this camera: nobody waits for it */
  evid_faceboard_progress (fc->board, fc->camera, INFINITY);
  evid_faceboard_unref (fc->board);
  g_free (fc->camera);
  g_free (fc);
}

void
evid_facecam_foot_px (const struct zone_camera *cam, const double face[4], double *out_x, double *out_y)
{
  double u = face[0] + face[2] / 2, head_v = face[1] - HEAD_ABOVE_BOX * face[3];
  *out_x = u;
  *out_y = face[1] + FACES_TO_FEET * face[3];
  if (!cam)
    return;
  /* the foot row at which the person would be ADULT_M tall: the height
   * grows as the foot goes down the picture; bisect between one face and
   * fifty faces below the head */
  double lo = head_v + face[3], hi = head_v + 50 * face[3];
  double h_lo = zone_camera_height (cam, u, lo, head_v), h_hi = zone_camera_height (cam, u, hi, head_v);
  if (!(h_lo < ADULT_M && h_hi > ADULT_M))
    return;
  for (int i = 0; i < 40; i++) {
    double mid = (lo + hi) / 2, h = zone_camera_height (cam, u, mid, head_v);
    if (isnan (h))
      return;
    if (h < ADULT_M)
      lo = mid;
    else
      hi = mid;
  }
  *out_y = (lo + hi) / 2;
}

static int place_faces (struct evid_facecam *fc, const struct cv_image *img, double t);

int
evid_facecam_frame (struct evid_facecam *fc, const struct cv_image *img, int frame, double t)
{
  int placed = frame % fc->p.every_n_frames == 0 ? place_faces (fc, img, t) : 0;
  /* looked at up to here, faces or not: the overview's evidence waits on it */
  evid_faceboard_progress (fc->board, fc->camera, t);
  return placed;
}

static int
place_faces (struct evid_facecam *fc, const struct cv_image *img, double t)
{
  if (fc->cam_width != img->width || fc->cam_height != img->height) {
    fc->cam_width = img->width, fc->cam_height = img->height;
    fc->has_cam = zone_camera_from_homography (fc->p.homography, img->width, img->height, 0, &fc->cam);
  }
  struct cv_rect faces[MAX_FACES];
  double quality[MAX_FACES];
  int n = 0, placed = 0;
  if (cv_face_find_all (fc->det, img, MAX_FACES, faces, quality, &n) != CV_OK)
    return 0;
  for (int i = 0; i < n; i++) {
    const double box[4] = {faces[i].x, faces[i].y, faces[i].w, faces[i].h};
    struct zone_pt foot, ground;
    evid_facecam_foot_px (fc->has_cam ? &fc->cam : NULL, box, &foot.x, &foot.y);
    if (!zone_homography_apply (fc->p.homography, foot, &ground))
      continue; /* beyond the horizon: not a person standing on this ground */
    unsigned char *jpg = NULL;
    size_t len = 0;
    if (cv_jpeg_encode_crop (img, faces[i].x, faces[i].y, faces[i].w, faces[i].h, 92, &jpg, &len) != CV_OK)
      continue;
    g_autoptr (GBytes) jpeg = g_bytes_new (jpg, len);
    cv_free (jpg);
    evid_faceboard_add (fc->board, fc->camera, t, ground.x, ground.y, quality[i], jpeg);
    placed++;
  }
  return placed;
}
