#include "live_objects.h"

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

struct box4 {
  float v[4];
};

struct trace_point {
  double t_s, ax, ay; /* anchor: the uncut edge's middle (or the centre), pixels */
  double h_m;         /* its height on the ground (metres, through the camera: perspective does
                       * not change it), or -1 when the top or bottom border cuts it */
  bool has_ground;
  double gx, gy;      /* the anchor's bottom on the ground */
};

struct tracked {
  struct live_object obj;
  double last_t;
  struct trace_point trace[MAX_TRACE];
  int n_trace;
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
  double ax = cut_left && !cut_right ? b[0] + b[2] : cut_right && !cut_left ? b[0] : b[0] + b[2] / 2;
  /* the height is the vehicle's whole height even when a side border cuts it */
  *p = (struct trace_point){t_s, ax, b[1] + b[3] / 2, cut_bottom || b[1] <= BORDER_PX ? -1 : t->obj.height_m, false, 0, 0};
  struct zone_pt g;
  if (o->has_camera && !cut_bottom && zone_homography_apply (o->cam.to_ground, (struct zone_pt){ax, b[1] + b[3]}, &g)) {
    p->has_ground = true;
    p->gx = g.x;
    p->gy = g.y;
  }
  /* velocity: a line through the last SPEED_SPAN_S of the anchor */
  double ts[MAX_TRACE], xs[MAX_TRACE], ys[MAX_TRACE], gts[MAX_TRACE], gxs[MAX_TRACE], gys[MAX_TRACE];
  double hmin = INFINITY, hmax = 0;
  int n = 0, ng = 0;
  for (int i = 0; i < t->n_trace; i++) {
    const struct trace_point *q = &t->trace[i];
    if (t_s - q->t_s > SPEED_SPAN_S + 1e-6)
      continue;
    ts[n] = q->t_s, xs[n] = q->ax, ys[n] = q->ay, n++;
    if (q->has_ground)
      gts[ng] = q->t_s, gxs[ng] = q->gx, gys[ng] = q->gy, ng++;
    if (q->h_m > 0)
      hmin = fmin (hmin, q->h_m), hmax = fmax (hmax, q->h_m);
  }
  double rx, ry;
  t->obj.vx = t->obj.vy = 0;
  t->obj.speed_mps = -1;
  t->obj.path_rms_m = -1;
  t->obj.size_change = hmax > 0 ? hmax / hmin - 1 : -1;
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
  t->obj.established = t->obj.seen_s >= VEHICLE_MIN_SEEN_S - 1e-6 && t->obj.path_rms_m >= 0 &&
                       t->obj.path_rms_m <= VEHICLE_MAX_PATH_RMS_M && t->obj.size_change >= 0 &&
                       t->obj.size_change <= VEHICLE_MAX_SIZE_CHANGE;
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

void
live_objects_update (struct live_objects *o, int frame, double t_s, const struct cv_rect *blobs, int n)
{
  o->frame = frame;
  o->t_s = t_s;
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
  /* keep the vehicle-sized ones and match them to where what was followed is expected now */
  for (guint i = 0; i < merged->len; i++) {
    float *b = g_array_index (merged, struct box4, i).v;
    double hm, wm;
    if (!measure (o, b, &hm, &wm) || hm < o->params.vehicle_min_height_m || wm < o->params.vehicle_min_width_m)
      continue;
    struct tracked *best = NULL;
    double best_score = 0.2;
    for (guint k = 0; k < o->tracked->len; k++) {
      struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
      if (t->obj.last_frame == frame)
        continue;
      float pb[4];
      predict (t, t_s, pb);
      double v = live_box_iou (pb, b);
      if (v > best_score)
        best = t, best_score = v;
    }
    if (!best) {
      struct tracked fresh = {.obj = {.id = o->next_id++, .first_frame = frame}};
      g_array_append_val (o->tracked, fresh);
      best = &g_array_index (o->tracked, struct tracked, o->tracked->len - 1);
    }
    memcpy (best->obj.box, b, sizeof best->obj.box);
    best->obj.last_frame = frame;
    best->last_t = t_s;
    best->obj.height_m = hm;
    best->obj.width_m = wm;
    add_trace (o, best, t_s);
  }
  for (guint k = o->tracked->len; k-- > 0;)
    if (t_s - g_array_index (o->tracked, struct tracked, k).last_t > FORGET_S)
      g_array_remove_index_fast (o->tracked, k);
}

bool
live_objects_carrier (const struct live_objects *o, const float box[4], struct live_object *out)
{
  double area = (double) box[2] * box[3], best = 0.8 * area;
  bool found = false;
  for (guint k = 0; k < o->tracked->len; k++) {
    const struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
    if (t->obj.last_frame != o->frame || area <= 0 || !t->obj.established)
      continue;
    const float *b = t->obj.box;
    double w = fmin (b[0] + b[2], box[0] + box[2]) - fmax (b[0], box[0]);
    double h = fmin (b[1] + b[3], box[1] + box[3]) - fmax (b[1], box[1]);
    double inside = w > 0 && h > 0 ? w * h : 0;
    if (inside >= best) {
      best = inside;
      *out = t->obj;
      found = true;
    }
  }
  return found;
}
