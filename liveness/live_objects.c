#include "live_objects.h"

#include "live_check.h"
#include "live_corners.h"
#include "live_place.h"
#include "zone_geom.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* Blobs closer than this (pixels) belong to one object: the background
 * model splits a uniformly painted bus side into pieces. */
#define MERGE_GAP 12
/* An object unseen for this long is forgotten. */
#define FORGET_S 1.0
/* Velocity over about this long. */
#define SPEED_SPAN_S 1.0
/* Established: followed this long, its height steady within this share,
 * its ground path within this of a straight line at even speed. */
#define VEHICLE_MIN_SEEN_S 0.8
#define VEHICLE_MAX_SIZE_CHANGE 0.35
#define VEHICLE_MAX_PATH_RMS_M 0.35
/* A box this close to the picture's border is cut by it. */
#define BORDER_PX 3
#define MAX_TRACE 64
/* A blob this many times the area of where an object's rigid corners took it holds more than that object. */
#define SWALLOWED_AREA 2.0f

struct box4 {
  float v[4];
};

/* What a trace point follows of the box: the picture's border may cut one side. */
enum anchor { ANCHOR_CENTRE, ANCHOR_RIGHT_EDGE, ANCHOR_LEFT_EDGE };

struct trace_point {
  double t_s, ax, ay; /* anchor: the uncut edge's middle (or the centre), pixels */
  double h_m;         /* its height on the ground (metres, through the camera: perspective does
                       * not change it), or -1 when the top or bottom border cuts it */
  bool has_ground;
  double gx, gy;      /* the anchor's bottom on the ground */
  enum anchor anchor;
};

struct tracked {
  struct live_object obj;
  double last_t;               /* last seen, in a blob or by its corners */
  double blob_t;               /* last matched to a blob */
  struct trace_point trace[MAX_TRACE];
  int n_trace;
  struct live_corners corners; /* on the object */
  bool flow_ok;                /* they were followed to this frame ... */
  float flow_box[4];           /* ... and took its box here */
};

struct live_objects {
  struct hwcfg_liveness params;
  bool has_camera;
  struct zone_camera cam;
  int width, height; /* the picture, from the blobs seen: for the border test */
  GArray *tracked;   /* struct tracked */
  int next_id, frame;
  double t_s;
};

struct live_objects *
live_objects_create (const struct hwcfg_liveness *params, const struct zone_camera *cam, int width, int height)
{
  struct live_objects *o = g_new0 (struct live_objects, 1);
  o->params = *params;
  o->width = width, o->height = height;
  if (cam) {
    o->cam = *cam;
    o->has_camera = true;
  }
  o->tracked = g_array_new (FALSE, TRUE, sizeof (struct tracked));
  o->next_id = 1;
  return o;
}

void
live_objects_free (struct live_objects *o)
{
  if (!o)
    return;
  g_array_free (o->tracked, TRUE);
  g_free (o);
}

static bool
near (const float a[4], const float b[4])
{
  return a[0] <= b[0] + b[2] + MERGE_GAP && b[0] <= a[0] + a[2] + MERGE_GAP && a[1] <= b[1] + b[3] + MERGE_GAP &&
         b[1] <= a[1] + a[3] + MERGE_GAP;
}

static void
merge_into (float a[4], const float b[4])
{
  float x0 = fminf (a[0], b[0]), y0 = fminf (a[1], b[1]);
  float x1 = fmaxf (a[0] + a[2], b[0] + b[2]), y1 = fmaxf (a[1] + a[3], b[1] + b[3]);
  a[0] = x0, a[1] = y0, a[2] = x1 - x0, a[3] = y1 - y0;
}

/* Size on the ground of a box standing on it: width of its bottom edge, height of its top. */
static bool
measure (const struct live_objects *o, const float b[4], double *height_m, double *width_m)
{
  struct zone_pt l, r;
  if (!o->has_camera || !zone_homography_apply (o->cam.to_ground, (struct zone_pt){b[0], b[1] + b[3]}, &l) ||
      !zone_homography_apply (o->cam.to_ground, (struct zone_pt){b[0] + b[2], b[1] + b[3]}, &r))
    return false;
  *width_m = hypot (r.x - l.x, r.y - l.y);
  *height_m = zone_camera_height (&o->cam, b[0] + b[2] / 2, b[1] + b[3], b[1]);
  return isfinite (*height_m);
}

/* Least-squares slope of V over T (N points) and the RMS of what it leaves. */
static void
line_fit (const double *t, const double *v, int n, double *slope, double *rms)
{
  double mt = 0, mv = 0;
  for (int i = 0; i < n; i++)
    mt += t[i] / n, mv += v[i] / n;
  double stt = 0, stv = 0;
  for (int i = 0; i < n; i++)
    stt += (t[i] - mt) * (t[i] - mt), stv += (t[i] - mt) * (v[i] - mv);
  *slope = stt > 1e-12 ? stv / stt : 0;
  double ss = 0;
  for (int i = 0; i < n; i++) {
    double r = v[i] - mv - *slope * (t[i] - mt);
    ss += r * r;
  }
  *rms = n ? sqrt (ss / n) : 0;
}

static void
add_trace (struct live_objects *o, struct tracked *t, double t_s)
{
  if (t->n_trace == MAX_TRACE) {
    memmove (t->trace, t->trace + 1, sizeof t->trace[0] * (MAX_TRACE - 1));
    t->n_trace--;
  }
  const float *b = t->obj.box;
  bool cut_left = b[0] <= BORDER_PX, cut_right = o->width > 0 && b[0] + b[2] >= o->width - BORDER_PX;
  bool cut_bottom = o->height > 0 && b[1] + b[3] >= o->height - BORDER_PX;
  struct trace_point *p = &t->trace[t->n_trace++];
  enum anchor anchor = cut_left && !cut_right ? ANCHOR_RIGHT_EDGE : cut_right && !cut_left ? ANCHOR_LEFT_EDGE : ANCHOR_CENTRE;
  double ax = anchor == ANCHOR_RIGHT_EDGE ? b[0] + b[2] : anchor == ANCHOR_LEFT_EDGE ? b[0] : b[0] + b[2] / 2;
  /* the height is the vehicle's whole height even when a side border cuts it */
  *p = (struct trace_point){t_s, ax, b[1] + b[3] / 2, cut_bottom || b[1] <= BORDER_PX ? -1 : t->obj.height_m, false, 0, 0,
                            anchor};
  struct zone_pt g;
  if (o->has_camera && !cut_bottom && zone_homography_apply (o->cam.to_ground, (struct zone_pt){ax, b[1] + b[3]}, &g)) {
    p->has_ground = true;
    p->gx = g.x;
    p->gy = g.y;
  }
  /* velocity: a line through the last SPEED_SPAN_S of the anchor (the
   * same one: a vehicle coming out from the picture's border has its
   * right edge followed, then its centre; a line through both jumps by
   * half its width) */
  double ts[MAX_TRACE], xs[MAX_TRACE], ys[MAX_TRACE], gts[MAX_TRACE], gxs[MAX_TRACE], gys[MAX_TRACE];
  double hmin = INFINITY, hmax = 0;
  int n = 0, ng = 0;
  for (int i = 0; i < t->n_trace; i++) {
    const struct trace_point *q = &t->trace[i];
    if (t_s - q->t_s > SPEED_SPAN_S + 1e-6 || q->anchor != anchor)
      continue;
    ts[n] = q->t_s, xs[n] = q->ax, ys[n] = q->ay, n++;
    if (q->has_ground)
      gts[ng] = q->t_s, gxs[ng] = q->gx, gys[ng] = q->gy, ng++;
    if (q->h_m > 0)
      hmin = fmin (hmin, q->h_m), hmax = fmax (hmax, q->h_m);
  }
  double rx, ry;
  t->obj.size_change = hmax > 0 ? hmax / hmin - 1 : -1;
  /* too few of this anchor yet (it has just changed): the last velocity stands */
  if (n >= 2) {
    line_fit (ts, xs, n, &t->obj.vx, &rx);
    line_fit (ts, ys, n, &t->obj.vy, &ry);
  }
  if (ng >= 3) {
    double gvx, gvy;
    line_fit (gts, gxs, ng, &gvx, &rx);
    line_fit (gts, gys, ng, &gvy, &ry);
    t->obj.speed_mps = hypot (gvx, gvy);
    t->obj.path_rms_m = hypot (rx, ry);
  }
  t->obj.seen_s = t_s - t->trace[0].t_s;
  /* narrower than a vehicle's side (a van or a lorry seen from behind): a
   * vehicle only when its corners show one rigid body */
  t->obj.established = t->obj.seen_s >= VEHICLE_MIN_SEEN_S - 1e-6 && t->obj.path_rms_m >= 0 &&
                       t->obj.path_rms_m <= VEHICLE_MAX_PATH_RMS_M && t->obj.size_change >= 0 &&
                       t->obj.size_change <= VEHICLE_MAX_SIZE_CHANGE &&
                       (t->obj.width_m >= o->params.vehicle_min_width_m || live_corners_rigid (&t->corners));
}

/* Where T's box is expected at T_S: moved by its velocity since it was last seen. */
static void
predict (const struct tracked *t, double t_s, float out[4])
{
  double dt = t_s - t->last_t;
  memcpy (out, t->obj.box, sizeof t->obj.box);
  out[0] += (float) (t->obj.vx * dt);
  out[1] += (float) (t->obj.vy * dt);
}

/* BOX, taken out to the picture's border on each side where the border
 * cuts BLOB and BOX reaches it (within MERGE_GAP): a vehicle coming out
 * from the border. (A blob the border cuts because another object in it
 * comes out from there does not widen this one.) */
static void
out_to_border (const struct live_objects *o, const float box[4], const float blob[4], float out[4])
{
  float x0 = box[0], y0 = box[1], x1 = box[0] + box[2], y1 = box[1] + box[3];
  if (blob[0] <= BORDER_PX && x0 <= MERGE_GAP)
    x0 = fminf (x0, blob[0]);
  if (blob[1] <= BORDER_PX && y0 <= MERGE_GAP)
    y0 = fminf (y0, blob[1]);
  if (o->width > 0 && blob[0] + blob[2] >= o->width - BORDER_PX && x1 >= o->width - MERGE_GAP)
    x1 = fmaxf (x1, blob[0] + blob[2]);
  if (o->height > 0 && blob[1] + blob[3] >= o->height - BORDER_PX && y1 >= o->height - MERGE_GAP)
    y1 = fmaxf (y1, blob[1] + blob[3]);
  out[0] = x0, out[1] = y0, out[2] = x1 - x0, out[3] = y1 - y0;
}

/* How many objects' corners lie in BLOB (most of where they took each). */
static int
holding (const struct live_objects *o, const float blob[4])
{
  int n = 0;
  for (guint k = 0; k < o->tracked->len; k++) {
    const struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
    if (!t->flow_ok)
      continue;
    const float *f = t->flow_box;
    n += live_box_overlap (f, blob) >= 0.5 * f[2] * f[3] && f[2] * f[3] > 0;
  }
  return n;
}

/* Two steps of rigid corners are enough to keep following an object (not to call it a vehicle). */
#define FOLLOW_RIGID_STEPS 2

/* BLOB is far larger than where T's corners, one rigid body so far, took
 * it: it holds something else too (a vehicle behind that T's picture
 * border cut kept from being told apart, walkers alongside, the road a
 * lighting change stirs up). */
static bool
swallowed (const struct tracked *t, const float blob[4])
{
  const float *f = t->flow_box;
  return live_corners_rigid_over (&t->corners, FOLLOW_RIGID_STEPS) && f[2] * f[3] > 0 &&
         blob[2] * blob[3] > SWALLOWED_AREA * f[2] * f[3] &&
         live_box_overlap (f, blob) >= 0.5 * f[2] * f[3];
}

/* T is where it is now (box set) at frame FRAME, T_S. */
static void
seen_at (struct live_objects *o, struct tracked *t, int frame, double t_s, double hm, double wm)
{
  t->obj.last_frame = frame;
  t->last_t = t_s;
  t->obj.height_m = hm;
  t->obj.width_m = wm;
  add_trace (o, t, t_s);
}

void
live_objects_update (struct live_objects *o, int frame, double t_s, const struct cv_rect *blobs, int n,
                     const struct cv_image *prev, const struct cv_image *grey)
{
  const int last_frame = o->frame;
  const double dt = t_s - o->t_s;
  o->frame = frame;
  o->t_s = t_s;
  bool images = prev && grey && prev->channels == 1 && grey->channels == 1 && prev->width == grey->width &&
                prev->height == grey->height && dt > 0;
  /* each object's corners, from the last frame to this one */
  for (guint k = 0; k < o->tracked->len; k++) {
    struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
    /* where its velocity takes it, once it has one */
    const double expected[2] = {t->obj.vx * dt, t->obj.vy * dt};
    t->flow_ok = images && t->corners.frame == last_frame && t->obj.last_frame == last_frame &&
                 live_corners_follow (&t->corners, prev, grey, frame, t->obj.box, t->n_trace >= 2 ? expected : NULL,
                                      t->flow_box);
    if (!t->flow_ok)
      t->corners.n = 0;
  }
  /* merge touching blobs until nothing changes */
  g_autoptr (GArray) merged = g_array_new (FALSE, FALSE, sizeof (struct box4));
  for (int i = 0; i < n; i++) {
    struct box4 b = {{blobs[i].x, blobs[i].y, blobs[i].w, blobs[i].h}};
    g_array_append_val (merged, b);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (guint i = 0; i < merged->len && !changed; i++)
      for (guint j = i + 1; j < merged->len && !changed; j++) {
        float *a = g_array_index (merged, struct box4, i).v, *b = g_array_index (merged, struct box4, j).v;
        if (near (a, b)) {
          merge_into (a, b);
          g_array_remove_index_fast (merged, j);
          changed = true;
        }
      }
  }
  /* keep the vehicle-sized ones (narrower too where corners can show a
   * rigid body) and match them to where what was followed is now: where
   * its corners took it, else where its velocity does */
  const double min_width = images ? 0.5 * o->params.vehicle_min_width_m : o->params.vehicle_min_width_m;
  for (guint i = 0; i < merged->len; i++) {
    float *b = g_array_index (merged, struct box4, i).v;
    double hm, wm;
    if (!measure (o, b, &hm, &wm) || hm < o->params.vehicle_min_height_m || wm < min_width)
      continue;
    struct tracked *best = NULL;
    double best_score = 0.2;
    for (guint k = 0; k < o->tracked->len; k++) {
      struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
      if (t->obj.last_frame == frame)
        continue;
      float pb[4];
      if (t->flow_ok)
        memcpy (pb, t->flow_box, sizeof pb);
      else
        predict (t, t_s, pb);
      double v = live_box_iou (pb, b);
      if (v > best_score)
        best = t, best_score = v;
    }
    if (!best) {
      struct tracked fresh = {
          .obj = {.id = o->next_id++, .first_frame = frame, .speed_mps = -1, .path_rms_m = -1, .size_change = -1},
          .corners = {.frame = -1}};
      g_array_append_val (o->tracked, fresh);
      best = &g_array_index (o->tracked, struct tracked, o->tracked->len - 1);
    }
    /* a blob that holds two objects' corners (a vehicle passing another)
     * is neither's box: each is where its corners took it. (Up to the
     * picture's border where that cuts the blob: a vehicle coming out from
     * it.) */
    float box[4];
    memcpy (box, b, sizeof box);
    bool by_corners = best->flow_ok && (holding (o, b) >= 2 || swallowed (best, b));
    if (by_corners) {
      out_to_border (o, best->flow_box, b, box);
      if (!measure (o, box, &hm, &wm))
        continue;
    }
    /* corners that went elsewhere than the blob stood on the road behind
     * a loose blob, or on a vehicle it has lost: new ones are sought */
    bool astray = best->flow_ok && !by_corners &&
                  fabsf (best->flow_box[0] + best->flow_box[2] / 2 - b[0] - b[2] / 2) > 0.25f * b[2];
    memcpy (best->obj.box, box, sizeof best->obj.box);
    best->blob_t = t_s;
    seen_at (o, best, frame, t_s, hm, wm);
    if (images && (astray || live_corners_few (&best->corners)))
      live_corners_seed (&best->corners, grey, frame, best->obj.box);
  }
  /* a vehicle the blobs lost (standing at the stop line, the background
   * model takes it in; hidden in a merged blob) goes on where its corners
   * are; so does, for FORGET_S, one not yet established whose corners have
   * been one rigid body so far (merged into the blob of a vehicle behind
   * it soon after it came out from the picture's border) */
  for (guint k = 0; k < o->tracked->len; k++) {
    struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
    double hm, wm;
    bool held = t->obj.established ||
                (live_corners_rigid_over (&t->corners, FOLLOW_RIGID_STEPS) && t_s - t->blob_t <= FORGET_S);
    if (t->obj.last_frame == frame || !t->flow_ok || !held || !measure (o, t->flow_box, &hm, &wm))
      continue;
    memcpy (t->obj.box, t->flow_box, sizeof t->obj.box);
    seen_at (o, t, frame, t_s, hm, wm);
    /* corners are lost as it turns, shrinks away or is passed: new ones
     * where they took it, or it is lost with the last of them */
    if (images && live_corners_few (&t->corners))
      live_corners_seed (&t->corners, grey, frame, t->obj.box);
  }
  for (guint k = o->tracked->len; k-- > 0;)
    if (t_s - g_array_index (o->tracked, struct tracked, k).last_t > FORGET_S)
      g_array_remove_index_fast (o->tracked, k);
}

bool
live_objects_carrier (const struct live_objects *o, const float box[4], const double *box_v, struct live_object *out)
{
  double area = (double) box[2] * box[3];
  bool found = false, found_with = false;
  double best = 0;
  for (guint k = 0; k < o->tracked->len; k++) {
    const struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
    if (t->obj.last_frame != o->frame || area <= 0 || !t->obj.established)
      continue;
    double inside = live_box_overlap (t->obj.box, box);
    if (inside < 0.8 * area)
      continue;
    /* one vehicle seen through another's blob (a taxi before a bus, a
     * vehicle standing behind one passing): the one the box moves with */
    bool with = box_v && live_moves_with (&t->obj, box_v[0], box_v[1]);
    if (found_with && !with)
      continue;
    if (inside >= best || (with && !found_with)) {
      best = inside;
      *out = t->obj;
      found = true;
      found_with = with;
    }
  }
  return found;
}
