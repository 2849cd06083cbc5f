/* atk — the presentation-attack suite's generator and scorer (the program
 * `attack_scenario`), shared declarations. One job per file:
 *
 *   atk_main.c     the command line: make | score
 *   atk_rng.c      the seeded random numbers (splitmix64): a seed is a clip
 *   atk_site.c     the site's ground frame: camera, road, lanes, kerbs, zones
 *   atk_solid.c    vertical rectangles and prisms on the ground: projection,
 *                  visibility, which of two stands in front of the other
 *   atk_warp.c     pasting pictures (with alpha) and filling polygons; lighting
 *   atk_footage.c  the source video and its ground truth: reading frames, the
 *                  median background, people cut out of the footage
 *   atk_pics.c     the pictures shown: prints, wraps, screen videos, walkers
 *   atk_motion.c   speed profiles of vehicles (constant, accelerate, brake,
 *                  stop at the line and go, queue)
 *   atk_carrier.c  the vehicles: bus, tram, lorry, van, taxi; liveries; where
 *                  the advert sits
 *   atk_object.c   every drawn object's pose in every frame, and its drawing
 *   atk_plan.c     one clip's random plan: what goes where and when, with no
 *                  collision on the ground and little occlusion between attacks
 *   atk_make.c     compositing the clip, writing the AVI and the truth JSON
 *   atk_score.c    attributing crosswatch's events to presentations; the tables
 */
#ifndef CW_ATK_H
#define CW_ATK_H

#include "cv_shim.h"
#include "hwcfg.h"
#include "zone_camera.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define ATK_SRC_FPS 10     /* vtest.avi */
#define ATK_SRC_FRAMES 795 /* vtest.avi */
#define ATK_W 768
#define ATK_H 576
#define ATK_PERSON_M 1.75 /* life size: the printed person's height at scale 1 */

/* ---- random numbers (atk_rng.c) ---- */

struct atk_rng {
  uint64_t state;
};

void atk_rng_seed (struct atk_rng *r, uint64_t seed);
uint64_t atk_rng_next (struct atk_rng *r);
double atk_rng_uniform (struct atk_rng *r, double lo, double hi); /* [lo, hi) */
int atk_rng_below (struct atk_rng *r, int n);                     /* [0, n) */
bool atk_rng_chance (struct atk_rng *r, double p);

/* ---- the site (atk_site.c) ----
 * A ground frame laid on the road: ALONG the road (the image's left to
 * right), ACROSS it from the far kerb (0) at the crosswalk towards the
 * camera. Lanes, kerbs and the stop lines are in these coordinates. */

struct atk_site {
  struct zone_camera cam;
  double to_ground[9];      /* image -> ground homography */
  double origin[2];         /* ground metres: the crosswalk's far end, on its centre line */
  double along[2], across[2]; /* unit vectors on the ground */
  double road_width;        /* far to near kerb along the crosswalk, metres */
  double camera[2];         /* the camera's ground position, metres (site frame) */
  double crosswalk_half;    /* half its width along the road */
  double lane[2];           /* across of the far and the near lane's centre */
  double stop_gap;          /* a vehicle stops with its front this far before the crosswalk */
  /* zones, ground metres (site frame), for the tests below */
  struct atk_poly {
    int kind; /* enum hwcfg_zone_kind */
    int n;
    double p[32][2];
    double img[32][2];
  } zones[16];
  int n_zones;
};

/* Reads the site's camera and zones (a carriageway and a 4-corner crosswalk). */
bool atk_site_init (struct atk_site *s, const struct hwcfg *cfg, GError **error);
/* Site frame (along, across) -> the calibration's ground metres, and back. */
void atk_site_to_world (const struct atk_site *s, const double p[2], double out[2]);
void atk_site_from_world (const struct atk_site *s, const double g[2], double out[2]);
/* Projects a site point at height Z; false (and -1e4) behind the camera. */
bool atk_project (const struct atk_site *s, const double p[2], double z, double *u, double *v);
/* Site point seen at image pixel (U, V) on the ground; false above the horizon. */
bool atk_unproject (const struct atk_site *s, double u, double v, double out[2]);
/* How deep P is inside the carriageway (metres to its edge; negative outside). */
double atk_site_road_depth (const struct atk_site *s, const double p[2]);
/* P is inside a zone of KIND (enum hwcfg_zone_kind), extended by MARGIN metres. */
bool atk_site_in_zone (const struct atk_site *s, const double p[2], int kind, double margin);
/* The image pixel of P is inside the picture, MARGIN pixels from its border. */
bool atk_site_in_picture (const struct atk_site *s, const double p[2], double z, double margin);

/* ---- solids (atk_solid.c) ---- */

/* A vertical rectangle: the ground segment A-B (site frame) between heights
 * Z0 and Z1, tilted by LEAN metres at the top along its normal (a poster in
 * the wind); A is its left end as the camera sees it. */
struct atk_rect {
  double a[2], b[2], z0, z1, lean;
};

/* The point of R (site frame, height) at fractions FX (left to right) and FY (top to bottom). */
void atk_rect_point (const struct atk_rect *r, double fx, double fy, double out[3]);
/* The rectangle's image quad: top-left, top-right, bottom-right, bottom-left. */
void atk_rect_quad (const struct atk_site *s, const struct atk_rect *r, double q[8]);
/* The image box of the part (x, y, w, h) of a W x H picture shown on R. */
void atk_rect_map_box (const struct atk_site *s, const struct atk_rect *r, double pw, double ph, const double part[4],
                       double box[4]);
/* Orders A and B of a ground segment so that A is on the left as the camera sees it. */
void atk_left_to_right (const struct atk_site *s, double a[2], double b[2]);
/* A panel W wide centred on P, facing the camera. */
void atk_facing (const struct atk_site *s, const double p[2], double w, double a[2], double b[2]);

/* A box standing on the ground: centre, the unit direction its length runs
 * along (its front), length, width, bottom and top heights. */
struct atk_prism {
  double c[2], d[2];
  double len, wid, z0, z1;
};

enum atk_face { ATK_FRONT, ATK_REAR, ATK_LEFT, ATK_RIGHT };

/* Ground footprint corners (counter-clockwise). */
void atk_prism_corners (const struct atk_prism *p, double out[4][2]);
/* The face's rectangle between X0 and X1 metres (sides: from the rear; ends:
 * from the left end as seen from outside) and heights Z0, Z1. */
void atk_prism_face (const struct atk_site *s, const struct atk_prism *p, enum atk_face f, double x0, double x1,
                     double z0, double z1, struct atk_rect *out);
bool atk_prism_face_visible (const struct atk_site *s, const struct atk_prism *p, enum atk_face f);
/* Image box of the whole prism; false when part of it is behind the camera. */
bool atk_prism_image_box (const struct atk_site *s, const struct atk_prism *p, double box[4]);
/* The long side the camera sees (ATK_LEFT or ATK_RIGHT). */
enum atk_face atk_prism_seen_side (const struct atk_site *s, const struct atk_prism *p);

/* Footprints on the ground (convex quads) of things standing there. */
struct atk_foot {
  double p[4][2];
};
void atk_foot_of_prism (const struct atk_prism *p, double margin, struct atk_foot *out);
void atk_foot_square (const double c[2], double half, struct atk_foot *out);
bool atk_foot_overlap (const struct atk_foot *a, const struct atk_foot *b);
/* 1: A stands in front of B as the camera sees them, -1: behind, 0: they overlap. */
int atk_foot_order (const struct atk_site *s, const struct atk_foot *a, const struct atk_foot *b);
double atk_foot_distance (const struct atk_site *s, const struct atk_foot *f);

/* ---- pictures and pixels (atk_warp.c) ---- */

struct atk_image {
  struct cv_image img;  /* BGR, owned */
  unsigned char *alpha; /* width * height, or NULL: opaque */
};

struct atk_image atk_image_new (int w, int h);
void atk_image_free (struct atk_image *im);
void atk_image_fill (struct atk_image *im, const unsigned char bgr[3]);
/* Pastes SRC (mirrored left-right when MIRROR) onto the quad Q of DST. */
void atk_paste (struct cv_image *dst, const struct atk_image *src, const double q[8], bool mirror);
/* Pastes SRC scaled into the rectangle (x, y, w, h) of the picture DST (alpha-blended). */
void atk_paste_rect (struct atk_image *dst, const struct atk_image *src, double x, double y, double w, double h);
void atk_fill (struct cv_image *dst, const double q[8], const unsigned char bgr[3]);
void atk_fill_rect3 (struct cv_image *dst, const struct atk_site *s, const struct atk_rect *r,
                     const unsigned char bgr[3]);
/* Whether (X, Y) is inside the convex image quad Q. */
bool atk_in_quad (const double q[8], double x, double y);

/* ---- what a depth camera would see (atk_depth.c) ---- */

/* Distance along the optical axis to the site-frame point P at height Z. */
double atk_depth_of (const struct atk_site *s, const double p[2], double z);
/* Z (ATK_W x ATK_H metres) of the bare ground; 0 where the ray misses it or it is beyond the stream's range. */
void atk_depth_ground (const struct atk_site *s, float *z);
/* While a layer Z is set, atk_paste, atk_fill and the footage's pasting
 * also write the depth of what they paint: of the surface set last. */
void atk_depth_begin (const struct atk_site *s, float *z);
void atk_depth_end (void);
bool atk_depth_on (void);
/* The surface painted next: a rectangle standing on the ground; three points (site frame, height). */
void atk_depth_rect (const struct atk_rect *r);
void atk_depth_plane (const double p[3][3]);
/* ... and it is a person: rounded towards the camera around CENTRE (HALF
 * wide), in the coordinate the painter passes to atk_depth_put. */
void atk_depth_body (double centre, double half);
/* The surface covers pixel (X, Y); ALONG: the painter's horizontal coordinate there. */
void atk_depth_put (int x, int y, double along);
/* Metres to the stream's 16-bit millimetres (0: no reading). */
void atk_depth_to_mm (const float *z, guint16 *mm);

/* Multiplies DST by GAIN and adds OFFSET, where the ground point of the
 * pixel is inside the band (site frame: ACROSS0 + along * SLOPE .. + WIDTH)
 * when BAND, else everywhere. Soft edges of FEATHER metres. */
void atk_light (struct cv_image *dst, const struct atk_site *s, double gain, double offset, bool band, double across0,
                double slope, double width, double feather);

/* ---- the footage (atk_footage.c) ---- */

struct atk_gt {
  int frame, id;
  double x, y, w, h;   /* image box */
  double foot[2];      /* site frame, from the box's bottom centre */
  double mask_share;   /* of the box its cut-out mask covers */
};

struct atk_footage {
  struct atk_gt *rows; /* MOT ground truth, visible people only, by frame then id */
  int n_rows;
  int *first_of_frame; /* index of the frame's first row, ATK_SRC_FRAMES + 2 entries */
  struct atk_image background; /* approximate median of the whole video */
};

/* Loads the ground truth and computes the background (reads the video once). */
bool atk_footage_load (struct atk_footage *fo, const struct atk_site *s, const char *video, const char *gt,
                       GError **error);
void atk_footage_free (struct atk_footage *fo);
const struct atk_gt *atk_footage_row (const struct atk_footage *fo, int frame, int id);

/* Fixed things of the footage standing nearer than the road (vtest.avi: the
 * lamp post with its sign at the near kerb, the tripod on the grass): a
 * composited object behind one is hidden by it. Image quads and the image
 * point where each stands on the ground. */
struct atk_furniture {
  const char *name;
  double ground_px[2];
  int n;
  double quads[6][8];
};
const struct atk_furniture *atk_footage_furniture (int *n);

/* Sequential reader of BGR frames. */
struct atk_reader;
struct atk_reader *atk_reader_open (const char *path, GError **error);
bool atk_reader_next (struct atk_reader *r, struct cv_image *out); /* owned data, or false at the end */
void atk_reader_close (struct atk_reader *r);

/* The cut-out of the gt person R in FRAME (its box plus margins): pixels and
 * an alpha mask from the difference to the background. */
struct atk_image atk_cut_person (const struct atk_footage *fo, const struct cv_image *frame, const struct atk_gt *r,
                                 double margin_x, double margin_y, bool masked);
/* Alpha mask (0-255, g_free) of the gt person R in FRAME over its box plus
 * MARGIN px, clipped to the frame: its rectangle in *X0, *Y0, *W, *H. NULL when empty. */
unsigned char *atk_person_mask (const struct atk_footage *fo, const struct cv_image *frame, const struct atk_gt *r,
                                int margin, int *x0, int *y0, int *w, int *h);

/* ---- pictures (atk_pics.c) ----
 * Every picture shown in the clip: a sequence of frames (one for a print),
 * each an image with the person's box in it. The plan fixes what each is made
 * of (gt rows, crop windows) from the ground truth alone; the pixels are cut
 * from the footage afterwards, in one pass. */

enum atk_pic_kind {
  ATK_PIC_PHOTO,   /* a crop of a lone person with the footage around them */
  ATK_PIC_CUTOUT,  /* a lone person cut out, on an advert's flat colour */
  ATK_PIC_WRAP,    /* a whole vehicle side: a scene of the footage with a person in it */
  ATK_PIC_SPOT,    /* screen video: a walker, the crop following them (walking on the spot) */
  ATK_PIC_ACROSS,  /* screen video: a fixed window a walker crosses */
  ATK_PIC_WALKER,  /* a real walker cut out frame by frame (genuine people) */
  ATK_PIC_PLACARD, /* a hand-held sign with no person on it */
};

struct atk_pic_frame {
  int src_frame;      /* footage frame (0: none) */
  int gt_id;
  double crop[4];     /* source pixels (x, y, w, h) of the part shown */
  double person[4];   /* the person's box in the picture, picture pixels */
  int w, h;           /* picture size */
  struct atk_image im;
};

struct atk_pic {
  enum atk_pic_kind kind;
  int n;
  struct atk_pic_frame *f;
  int w, h;              /* picture size of frame 0 (prints and screens: of all frames) */
  double person_h;       /* the person's typical height in the picture, pixels */
  unsigned char colour[3]; /* cutout and placard background */
  double bg_crop[4];     /* wrap: the part of the footage's background behind the person */
};

/* The plan's catalogue of pictures and what the footage offers. */
struct atk_pics {
  GPtrArray *all;        /* struct atk_pic * */
  GArray *stills;        /* int: rows of tall lone people, for prints */
  GArray *runs;          /* struct atk_run: consecutive frames of one person */
};

struct atk_run {
  int id, first, n;      /* gt id, first footage frame, frames */
  double speed_mps;      /* their pace on the ground */
  double img_dir[2];     /* their image motion per frame (pixels) */
  double height_m;       /* measured through the camera */
  double mean_h;         /* box height, pixels */
};

void atk_pics_init (struct atk_pics *p, const struct atk_footage *fo, const struct atk_site *s);
/* Drops PIC from the catalogue (a plan that was not kept). */
void atk_pics_forget (struct atk_pics *p, struct atk_pic *pic);
void atk_pics_free (struct atk_pics *p);
struct atk_pic *atk_pic_print (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r,
                               enum atk_pic_kind kind, double person_m);
struct atk_pic *atk_pic_wrap (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r, double side_w_m,
                              double side_h_m, double person_m, double person_x_m);
struct atk_pic *atk_pic_screen (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r, bool across,
                                double person_m);
/* A walker whose image motion resembles DIR (pixels; mirrored when its sideways sense differs). */
struct atk_pic *atk_pic_walker (struct atk_pics *p, const struct atk_footage *fo, struct atk_rng *r,
                                const double dir[2], bool *mirror, double *pace_mps, double *height_m);
struct atk_pic *atk_pic_placard (struct atk_pics *p, struct atk_rng *r);
/* Debugging aid: writes the first frames of every picture (their cut-out
 * mask applied) into DIR as JPEG files. */
void atk_pics_dump (const struct atk_pics *p, const char *dir);
/* Cuts every picture's pixels from the footage (one pass over the video). */
bool atk_pics_fill (struct atk_pics *p, const struct atk_footage *fo, const char *video, struct atk_rng *r,
                    GError **error);

/* ---- vehicle motion (atk_motion.c) ---- */

enum atk_profile_kind { ATK_CONSTANT, ATK_ACCELERATE, ATK_BRAKE, ATK_STOP_GO, ATK_QUEUE, ATK_N_PROFILES };

#define ATK_MAX_SEGMENTS 24
struct atk_profile {
  enum atk_profile_kind kind;
  double v0;                 /* speed at t = 0 */
  int n;
  struct {
    double t, a;             /* from time T on, acceleration A (until the next segment) */
  } seg[ATK_MAX_SEGMENTS];
  double vmax;               /* the highest speed reached */
  double stop_s;             /* distance travelled when it first stands (stop profiles), else -1 */
};

/* A profile of KIND at random, for a clip of SECONDS; a constant speed in
 * BAND (0: <2, 1: 2-5, 2: 5-10, 3: 10-15 m/s; -1: any). */
void atk_profile_random (struct atk_profile *p, enum atk_profile_kind kind, int band, struct atk_rng *r,
                         double seconds);
/* Distance travelled and speed at time T >= 0 (it never reverses). */
void atk_profile_at (const struct atk_profile *p, double t, double *s, double *v);
const char *atk_profile_name (enum atk_profile_kind k);
/* "<2", "2-5", "5-10", "10-15" for a constant speed, else "stop_and_go". */
const char *atk_speed_band (const struct atk_profile *p);

/* ---- carriers (atk_carrier.c) ---- */

enum atk_carrier_kind { ATK_BUS, ATK_TRAM, ATK_LORRY, ATK_VAN, ATK_TAXI, ATK_N_CARRIERS };
enum atk_placement { ATK_PLACE_SIDE, ATK_PLACE_REAR, ATK_PLACE_WRAP };
enum atk_mount { ATK_BODY, ATK_ROOF_SIGN, ATK_ROOF_PANEL };

#define ATK_MAX_PRISMS 6

struct atk_carrier {
  enum atk_carrier_kind kind;
  double len, wid, hgt;       /* overall body (a taxi's sign or panel comes on top) */
  double panel_h;             /* taxi roof panel's height */
  unsigned char body[3], trim[3], glass[3], end[3];
  bool door_open;             /* a bus letting someone off */
  int section;                /* tram: the section carrying the advert, 0 (rear) to 2 (front) */
  /* the advert; none on a prop */
  bool has_print;
  enum atk_placement placement;
  enum atk_mount mount;
  struct atk_pic *pic;
  double print_x, print_w;    /* along the face (side: from the rear; rear: from its left), metres */
  double print_z0, print_z1;  /* heights */
};

const char *atk_carrier_name (enum atk_carrier_kind k);
const char *atk_placement_name (enum atk_placement p);
const char *atk_mount_name (enum atk_mount m);
/* A carrier of KIND (mount M for a taxi) with a livery at random. */
void atk_carrier_random (struct atk_carrier *c, enum atk_carrier_kind kind, enum atk_mount m, struct atk_rng *r);
/* The face an advert of placement P goes on: its width, usable heights, and
 * where its middle is ahead of the vehicle's centre. */
void atk_carrier_face (const struct atk_carrier *c, enum atk_placement p, double *w, double *z0, double *z1,
                       double *x);
/* The body's boxes in a pose (centre, unit front direction D): returns how many. */
int atk_carrier_prisms (const struct atk_carrier *c, const double centre[2], const double d[2],
                        struct atk_prism out[ATK_MAX_PRISMS]);
/* The print's rectangle in a pose; false if its face is turned from the camera. */
bool atk_carrier_print_rect (const struct atk_site *s, const struct atk_carrier *c, const double centre[2],
                             const double d[2], struct atk_rect *out);
void atk_carrier_draw (struct cv_image *dst, const struct atk_site *s, const struct atk_carrier *c,
                       const double centre[2], const double d[2]);

/* ---- objects (atk_object.c) ---- */

enum atk_obj_kind { ATK_OBJ_VEHICLE, ATK_OBJ_POSTER, ATK_OBJ_SCREEN, ATK_OBJ_WALKER };

struct atk_pose {
  bool present;
  double c[2], d[2];   /* centre (vehicle) or foot/stand point, and the heading */
  double v;            /* speed along the path, m/s */
  double lean;         /* poster: sway of its top, metres */
  int tex;             /* picture frame */
  struct atk_foot foot;
  double sil[4];       /* image box of the whole object */
  bool has_box;
  double box[4];       /* image box of the person: the truth */
};

struct atk_object {
  enum atk_obj_kind kind;
  int id;              /* truth id; 0 for a prop (a vehicle with no advert) */
  const char *type;    /* vehicle_advert, poster, screen, genuine; NULL: prop */
  /* truth fields */
  const char *scenario, *location, *content;
  double scale;
  int target;          /* occluder: the truth id of the attack it passes in front of */
  int partner;         /* genuine: the index + 1 of the vehicle it walks with */
  /* vehicle */
  struct atk_carrier car;
  struct atk_profile prof;
  double t_start;             /* clip time at which the profile starts */
  double path0[2], path_d[2]; /* centre at distance 0, the unit direction it moves */
  double heading_sign;        /* +1 drives forwards, -1 reverses */
  int lane;                   /* 0 far, 1 near, -1 across the road */
  int dir;                    /* +1 / -1 along the road or across it */
  /* poster, screen */
  double at[2];               /* the stand point */
  double panel_w, panel_h, elevation;
  double sway_m, sway_hz, sway_phase;
  int t_on, t_off;            /* frames present, 1-based, inclusive */
  bool raised;
  /* walker */
  double way[4][2];           /* path, up to 4 points */
  int n_way;
  double t0_s;                /* clip time at which they leave way[0] */
  double pace, height_m;
  bool mirror;
  int placard_side;
  struct atk_pic *placard;
  struct atk_pic *pic;        /* print, screen video or walker */
  int tex0;                   /* picture frame at t_on */
  /* computed by atk_object_poses */
  struct atk_pose *pose;      /* [frames] */
  int frames, box_frames;
  int covered;                /* frames its person is hidden (> 30 %) by another presentation's object */
};

/* Every frame's pose of O in a clip of FRAMES at FPS. */
void atk_object_poses (struct atk_object *o, const struct atk_site *s, int frames, int fps);
void atk_object_draw (struct cv_image *dst, const struct atk_site *s, const struct atk_object *o, int frame);
void atk_object_free (struct atk_object *o);

/* ---- the plan of a clip (atk_plan.c) ---- */

struct atk_light {
  bool ramp, shadow;
  double ramp_t0, ramp_t1, gain, offset;   /* gain/offset reached after the ramp */
  double band_across, band_slope, band_width, band_speed, band_gain;
};

struct atk_plan {
  uint64_t seed;
  int fps, frames, start;   /* start: footage frame of the clip's first frame */
  double seconds;
  GPtrArray *objects;       /* struct atk_object *, in the order they were placed */
  struct atk_light light;
  int next_id;
  int lane_dir[2];          /* the way the far and the near lane run: +1 to the picture's right */
  GString *log;             /* what could not be placed */
};

struct atk_plan_options {
  uint64_t seed;
  int fps, start;            /* start <= 0: chosen by the seed */
  double seconds;
  int vehicles, posters, screens, genuine, occluders;
};

void atk_plan_make (struct atk_plan *plan, const struct atk_plan_options *opt, const struct atk_site *s,
                    const struct atk_footage *fo, struct atk_pics *pics);
void atk_plan_free (struct atk_plan *plan);

/* ---- make and score (atk_make.c, atk_score.c) ---- */

int atk_make (int argc, char **argv);
int atk_score (int argc, char **argv);

#endif
