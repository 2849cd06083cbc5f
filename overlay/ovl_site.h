/* ovl_site — what the rules see, drawn on the camera's picture: the site's
 * zones by kind, the ground grid in metres from the calibration, people of
 * a known height drawn to scale, the band of the carriageway nearer its
 * edge than [rules] min_depth_m (no crossing is counted there), and, on
 * top, the frame's people: detections, tracks with id and ground speed,
 * rule decisions, the accused of an evidence still.
 *
 * The site's layers do not change from frame to frame: they are drawn once
 * for a picture size into a layer with its own opacity, and composited onto
 * each frame. Used by the cwoverlay element, `crosswatch preview` and the
 * evidence's annotated still. */
#ifndef CW_OVL_SITE_H
#define CW_OVL_SITE_H

#include "cv_shim.h"

#include <glib.h>
#include <stdbool.h>

G_BEGIN_DECLS

#define OVL_ERROR (ovl_error_quark ())
GQuark ovl_error_quark (void);
typedef enum {
  OVL_ERROR_PICTURE, /* not a picture the overlay draws on */
  OVL_ERROR_DRAWING, /* OpenCV failed */
} OvlError;

enum ovl_zone_kind { OVL_ZONE_CROSSWALK, OVL_ZONE_CARRIAGEWAY, OVL_ZONE_KERB, OVL_ZONE_IGNORE, OVL_ZONE_KINDS };

/* One zone as drawn: NAME and KIND label it; N points XY (x0,y0,...) in
 * image pixels. */
struct ovl_zone_params {
  const char *name;
  enum ovl_zone_kind kind;
  const double *xy;
  int n;
};

/* What the site's layers are drawn from (ovl_config.h makes it from a
 * site config): the zones of one camera and, when CALIBRATED, its image ->
 * ground homography, focal length (<= 0: estimated) and the rules' kerb
 * depth. Copied by ovl_site_create. */
struct ovl_site_params {
  const struct ovl_zone_params *zones;
  int n_zones;
  bool calibrated;
  double to_ground[9];
  double focal_px;
  double min_depth_m;
};

struct ovl_layers {
  bool zones;        /* every zone, filled and outlined in its kind's colour, named */
  bool grid;         /* the ground grid, lines every grid step, labelled in metres */
  bool scale_people; /* OVL_SCALE_HEIGHT_M people standing at several places */
  bool depth_band;   /* the carriageway's edge band, min_depth_m wide */
  bool people;       /* the frame's people */
  bool status;       /* the status line, in a bar at the top */
  bool ruler;        /* pixel coordinates along the left and bottom edges: read zone corners off them */
};

/* The height of the people drawn to scale: an adult. */
#define OVL_SCALE_HEIGHT_M 1.75
/* A decision stays on its track this long after the frame it was made on. */
#define OVL_DECISION_SHOWN_S 3.0

struct ovl_person {
  double box[4];         /* x, y, w, h in pixels */
  int track_id;          /* < 0: a detection not tracked (yet) */
  bool has_speed;
  double speed_mps;      /* on the ground */
  const char *candidate; /* the rule that became true on this frame, or NULL */
  const char *verdict;   /* the liveness verdict of that candidate, or NULL */
  bool accused;          /* the person an evidence still is about: the others are drawn faint */
};

/* The colours (B, G, R, A), exported for the tests that look for them. */
extern const unsigned char OVL_ZONE_COLOUR[OVL_ZONE_KINDS][4]; /* by enum ovl_zone_kind */
extern const unsigned char OVL_GRID_COLOUR[4];
extern const unsigned char OVL_BAND_COLOUR[4];
extern const unsigned char OVL_SCALE_COLOUR[4];
extern const unsigned char OVL_TRACK_COLOUR[4];
extern const unsigned char OVL_DETECTION_COLOUR[4];
extern const unsigned char OVL_DECISION_COLOUR[4];

struct ovl_site;

/* The site's layers from PARAMS (NULL: no site, people and the status
 * only). Never NULL. */
struct ovl_site *ovl_site_create (const struct ovl_site_params *params);
void ovl_site_free (struct ovl_site *site);

/* Draws LAYERS onto IMG (3 or 4 channels) with the N PEOPLE of the frame at
 * T_S seconds (decisions are remembered by track for OVL_DECISION_SHOWN_S)
 * and STATUS (NULL: no bar). FALSE with ERROR when OpenCV fails. */
bool ovl_site_draw (struct ovl_site *site, struct cv_image *img, const struct ovl_layers *layers,
                    const struct ovl_person *people, int n, double t_s, const char *status, GError **error);

/* What the last drawing could show, for the preview's report. */
struct ovl_site_report {
  bool calibrated;       /* a ground homography */
  bool sees_ground;      /* ... that sees ground at the picture's bottom centre: grid and band drawn */
  bool camera_model;     /* a camera recovered from it: people to scale drawn */
  double grid_step_m;    /* the grid's spacing (0: no grid) */
  int scale_people;      /* people drawn to scale */
  double band_share;     /* share of the carriageway's pixels in the depth band */
};
void ovl_site_report (const struct ovl_site *site, struct ovl_site_report *out);

/* The ground grid's lines as the layer draws them, for tests: the pixel
 * where the ground point (X, Y) in metres is seen. FALSE when the site is
 * not calibrated or the point is behind the camera. */
bool ovl_site_ground_to_image (const struct ovl_site *site, double x, double y, double *u, double *v);

G_END_DECLS
#endif
