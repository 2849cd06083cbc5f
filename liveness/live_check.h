/* live_check — flat-image rejection: is a candidate violator a real person
 * standing and moving on the ground, or a print (an advert on a bus, a
 * poster) or a screen?
 *
 * Each check looks at a track's recent history and gives a verdict, a score
 * in [0, 1] (1 = certainly live) and the measurements behind it:
 *  - speed    (live_speed.c): ground speed of a walker or runner, not that
 *               of a vehicle the candidate stands in;
 *  - geometry (live_geometry.c): person-sized (height from foot and head
 *               through the calibrated camera), feet on a ground zone, not
 *               riding inside a large moving object, not static;
 *  - motion   (live_motion.c): feature tracks in the box and a ring around
 *               it; a print moves with one homography shared with its
 *               surroundings, a walker moves on its own and non-rigidly;
 *  - depth    (live_depth.c, a stereo camera or a depth stream): relief of
 *               the person against a plane fitted to the person and its ring.
 * The fused verdict is documented at live_fuse().
 */
#ifndef CW_LIVE_CHECK_H
#define CW_LIVE_CHECK_H

#include "cv_shim.h"
#include "hwcfg.h"
#include "zone_camera.h"
#include "zone_geom.h"

#include <glib.h>
#include <stdbool.h>

enum live_verdict {
  LIVE_UNCERTAIN,
  LIVE_LIVE,
  LIVE_FLAT,
};

struct live_sample {
  int frame;
  double t_s;                /* seconds since the first frame */
  bool has_ground;
  double ground_x, ground_y; /* foot point, metres */
  float box[4];              /* x, y, w, h in pixels */
  bool predicted;            /* the tracker's estimate on a frame the detector skipped */
};

/* A track's samples, oldest first, within the retained window. */
struct live_history {
  const struct live_sample *samples;
  int n;
};

/* Room for any check's detail: the motion check's, with every count and
 * distance at its widest, is under 400 characters (at 320 it was cut, and
 * the cut JSON made the event's and the packet's liveness null). */
#define LIVE_DETAIL_MAX 768
#define LIVE_MAX_CHECKS 4

struct live_check_result {
  const char *name;
  enum live_verdict verdict;
  double score;
  bool needs_history;          /* uncertain only because the track is young */
  const char *why;             /* static plain words: why it says so (for flat and uncertain) */
  bool revocable;              /* flat only because it has not moved yet: walking later revokes it */
  bool moves_in_place;         /* motion: the box stays put while part of it moves, not as one rigid picture */
  bool still_picture;          /* motion: nothing in the box or around it moved for STILL_PICTURE_S, walked or not */
  bool round_body;             /* depth: what stands out of the box is round, as a body's front is */
  char detail[LIVE_DETAIL_MAX]; /* JSON object members: "\"speed_mps\":1.2,..." */
};

struct live_result {
  enum live_verdict verdict;
  double score; /* the lowest check score */
  struct live_check_result checks[LIVE_MAX_CHECKS];
  int n_checks;
  const char *why; /* plain words for the reviewer: the deciding check's (NULL when live) */
  int frame;       /* the last frame of the window the checks looked at */
  bool earlier;    /* the verdict stands from an earlier window of the track (frame) */
  /* the track's box is away from the place it was charged at (live_place.h) */
  struct live_away {
    bool seen;
    int frame;        /* the charge's */
    double overlap;   /* of the charged box by the track's */
    double left;      /* how alike the charged place's picture then and now are */
    double here;      /* how alike the track's place's picture then and now are */
    double here_same; /* with a depth camera: the share of the track's place at the same distance then and now */
  } away;
  /* the track showed someone else from SWITCH_FRAME on (static plain words
   * why); the verdict is the one given while it still showed what was
   * charged; NULL when it did not */
  const char *switch_why;
  int switch_frame;
  bool unassessed; /* live_result_unassessed */
  /* with a depth camera: a round body has stood in the box for a second
   * (live_checker_assess sets it before fusing) */
  bool body_stands;
};

struct live_frames;
struct live_objects;
struct live_depth_map;

/* What the checks may look at besides the track's own history. Any pointer
 * may be NULL: the checks that need it then say uncertain (or, for depth,
 * do not run). */
struct live_context {
  const struct hwcfg_liveness *params;
  const struct zone_camera *camera;   /* ground calibration */
  const struct live_frames *frames;   /* recent grey frames */
  const struct live_objects *objects; /* large moving objects */
  const struct zone_pt *const *zones; /* ground zones' polygons (image pixels) */
  const int *zone_sizes;
  const bool *zone_ignored;           /* ignore zones: nobody stands there */
  int n_zones;
  const struct cv_image *left, *right; /* the current rectified stereo pair, grey */
  double stereo_baseline_m;
  int stereo_max_disparity;
  const struct live_depth_map *depth;  /* or the current frame of a depth stream */
  int frame;   /* the current frame: the one the stereo pair or depth map shows */
  bool walked; /* the track walked earlier (live_check.c, WALKED_M): it may stop now */
};

typedef bool (*live_check_fn) (const struct live_context *ctx, const struct live_history *h,
                               struct live_check_result *out);

struct live_checker;

struct live_checker *live_checker_create (const struct hwcfg_liveness *params);
void live_checker_free (struct live_checker *lc);

/* The camera of the stream: its calibration (may be NULL), zones and stereo
 * settings. Zones of other cameras are skipped. */
void live_checker_set_camera (struct live_checker *lc, const struct hwcfg *cfg, const struct hwcfg_camera *cam,
                              int width, int height);

/* The stream's frames a second (0 or out of range: unknown, taken as 30),
 * before its first frame: how many frames the motion check keeps. */
void live_checker_set_rate (struct live_checker *lc, double fps);

/* Once per frame, before the observations of that frame: the image (for the
 * motion check), the moving blobs the detector's background model found
 * (for vehicles) and, with a stereo camera, the right image (else NULL). */
void live_checker_frame (struct live_checker *lc, int frame, double t_s, const struct cv_image *img,
                         const struct cv_rect *blobs, int n_blobs, const struct cv_image *right);

/* With a depth camera (depth_uri), after live_checker_frame: its frame
 * (16-bit, the camera's scale), copied; DATA NULL when it is missing. */
void live_checker_depth_frame (struct live_checker *lc, const unsigned short *data, int width, int height,
                               int stride);

/* Adds one observation of TRACK_ID. A predicted box (S->predicted: the
 * detector skipped the frame and the tracker carried the box on at its
 * velocity) is no observation and is left out: at 1 frame in 3 a still
 * print's track would walk by its own velocity noise. */
void live_checker_observe (struct live_checker *lc, int track_id, const struct live_sample *s);

/* The rules say TRACK_ID, seen in BOX, continues LOST_ID's crossing (the
 * tracker lost the person and found them again under a new id,
 * zone_rules.h): TRACK_ID takes over a copy of LOST_ID's history and of
 * what its windows showed (a flat window stands, a walk counts), before its
 * own. LOST_ID keeps its own: seen again, the rules were wrong. A candidate
 * whose track was lost young is assessed on, on the person it continues
 * in. The rules go by place and colours only: a box of another height (a
 * poster or a child where a grown-up was lost) is not them, and nothing is
 * taken over. True when TRACK_ID took LOST_ID over. */
bool live_checker_continue (struct live_checker *lc, int lost_id, int track_id, const float box[4]);

/* Runs every check on TRACK_ID's recent history, fuses them, and gives
 * the track's verdict so far in OUT: evidence of a picture (moving with a
 * vehicle, a height no person has, ...) seen in any window of the track
 * stands for the rest of it; "has not moved yet" stands until the track
 * walks or is seen moving a part of itself while it stands; a live window
 * stands when later windows cannot tell (the person stopped, or is
 * hidden); otherwise the current window's verdict. The first assessment
 * (the charge) keeps its frame (live_place.h). Once the track's box is
 * away from the charged place and the charged picture still stands there
 * (someone passing took a picture's track), or the track stands on
 * something that already stood there at the charge (a picture took a
 * person's track), the track shows someone else: the verdict given last
 * while it still showed what was charged stands for the rest. */
void live_checker_assess (struct live_checker *lc, int track_id, struct live_result *out);

/* The track's retained history (oldest first); n = 0 for an unknown track. */
struct live_history live_checker_history (struct live_checker *lc, int track_id);

/* Fusion rule: any check FLAT makes the candidate FLAT (each check says
 * FLAT only on evidence no person on foot produces); all checks LIVE make
 * it LIVE; anything else is UNCERTAIN (stored as a violation flagged for
 * the reviewer, never published without confirmation). One exception: a
 * "has not moved yet" FLAT (feet static over the window) is UNCERTAIN when
 * the motion check sees part of the box moving on its own, not as one
 * rigid picture: a person waiting shifts and gestures, a poster (even one
 * swaying in the wind) and a screen's picture moving as a whole do not.
 * Nor does it when a round body has stood in the box in depth
 * (body_stands): a person standing in the road, however still. */
void live_fuse (struct live_result *res);

/* True when the result could still change with more history (some check
 * is uncertain only because the track is young and none says FLAT). */
bool live_result_needs_history (const struct live_result *res);

/* True when RES, a track's verdict (live_checker_assess) on a calibrated
 * camera, is uncertain and no window of the track so far was long enough
 * to measure its speed over the ground (the speed check's half second of
 * calibrated history):
 * nothing told a person from a picture. Should it be the last verdict of a
 * crossing (the track was lost that young), the candidate is not raised
 * (decision "liveness_unassessed", evidence/PACKET.md): "not enough
 * evidence yet" must not be the way an advert gets through. A track whose
 * speed was measured once, then lost and found again (its window short
 * again), was assessed. Its JSON says "assessed":false. */
bool live_result_unassessed (const struct live_result *res);

/* True when RES needs no look again soon: flat, or live on every check.
 * A live verdict some check could not confirm (live_fuse's exception) is
 * looked at again as often as an uncertain one: the picture's evidence a
 * later window may show must not be missed. */
bool live_result_settled (const struct live_result *res);

const char *live_verdict_name (enum live_verdict v);

/* Net movement of the feet over a window of a track's history. */
struct live_net_motion {
  double displacement_m; /* median ground point of the span's first quarter to its last quarter's */
  double speed_mps;      /* DISPLACEMENT over the time between the two quarters */
  double span_s;         /* first to last calibrated sample */
  double jitter_m;       /* the displacement a still foot point would show by its own scatter (below) */
};

/* The net movement of the feet over the last WINDOW_S of H, robust to the
 * detector's jitter (medians of quarters). JITTER_M is measured in the
 * same window: the scatter of the foot points about the straight line
 * between the two quarters (median absolute deviation), carried to the
 * difference of two quarter medians. A print's box jumps between the
 * detector's scale levels and its foot point by metres far from the
 * camera; a walker's scatter about the line of their walk is small. False
 * with fewer than two calibrated samples. */
bool live_net_motion (const struct live_history *h, double window_s, struct live_net_motion *out);

/* The feet moved over the ground: by MIN_M at least, and by more than a
 * still foot point's scatter could make them seem to (LIVE_JITTER_FACTOR
 * times JITTER_M: were the scatter normal and independent from sample to
 * sample, about 1 in 20 windows of a still print would get past it; a
 * derivation, not a measured rate). */
#define LIVE_JITTER_FACTOR 2.5
bool live_net_moved (const struct live_net_motion *m, double min_m);

/* Velocity of the box centre of H over its last LIVE_VELOCITY_SPAN_S,
 * pixels/s; false without two samples in it. */
#define LIVE_VELOCITY_SPAN_S 1.0
bool live_box_velocity (const struct live_history *h, double *vx, double *vy);

struct live_object;

/* The box of H moves in the picture with vehicle CAR (live_objects.h): its
 * velocity (VX, VY, live_box_velocity) agrees with the vehicle's within
 * LIVE_SAME_VELOCITY_SHARE of it, plus LIVE_SAME_VELOCITY_PX_S of detector
 * jitter. A walker passing a vehicle at its speed, in another direction or
 * past it, does not. */
#define LIVE_SAME_VELOCITY_SHARE 0.35
#define LIVE_SAME_VELOCITY_PX_S 15.0
bool live_moves_with (const struct live_object *car, double vx, double vy);

bool live_check_speed (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out);
bool live_check_geometry (const struct live_context *ctx, const struct live_history *h,
                          struct live_check_result *out);
bool live_check_motion (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out);
bool live_check_depth (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out);

/* The Q-quantile (0..1) of V's N values, sorting V in place; NaN when N is 0. */
double live_quantile (double *v, int n, double q);

/* The median height, in metres, of H's boxes over its last WINDOW_S seconds
 * (bottom-centre and top through CAM); NaN without any. */
double live_median_height (const struct zone_camera *cam, const struct live_history *h, double window_s);

/* Sets OUT's verdict, score and a printf-formatted detail. */
void live_result_set (struct live_check_result *out, enum live_verdict v, double score, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

/* The result as a JSON object {"verdict":..,"score":..,"checks":{..}}; g_free it. */
char *live_result_to_json (const struct live_result *res);

#endif
