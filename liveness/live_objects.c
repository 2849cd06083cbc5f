#include "live_objects.h"

#include "trk_box.h"
#include "zone_geom.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* Blobs closer than this (pixels) belong to one object: the background
 * model splits a uniformly painted bus side into pieces. */
#define MERGE_GAP 12
/* A vehicle unseen for this many frames is forgotten. */
#define FORGET_FRAMES 5
/* Velocity over about this long. */
#define SPEED_SPAN_S 1.0
#define MAX_TRACE 32

struct box4 {
  float v[4];
};

struct trace_point {
  double t_s, cx, cy;
  bool has_ground;
  double gx, gy;
};

struct tracked {
  struct live_object obj;
  struct trace_point trace[MAX_TRACE];
  int n_trace;
};

struct live_objects {
  struct hwcfg_liveness params;
  bool has_camera;
  struct zone_camera cam;
  GArray *tracked; /* struct tracked */
  int next_id, frame;
};

struct live_objects *
live_objects_create (const struct hwcfg_liveness *params, const struct zone_camera *cam)
{
  struct live_objects *o = g_new0 (struct live_objects, 1);
  o->params = *params;
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

static double
iou (const float a[4], const float b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_iou (&ba, &bb);
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

static void
add_trace (struct live_objects *o, struct tracked *t, double t_s)
{
  if (t->n_trace == MAX_TRACE) {
    memmove (t->trace, t->trace + 1, sizeof t->trace[0] * (MAX_TRACE - 1));
    t->n_trace--;
  }
  const float *b = t->obj.box;
  struct trace_point *p = &t->trace[t->n_trace++];
  struct zone_pt g;
  *p = (struct trace_point){t_s, b[0] + b[2] / 2, b[1] + b[3] / 2, false, 0, 0};
  if (o->has_camera && zone_homography_apply (o->cam.to_ground, (struct zone_pt){p->cx, b[1] + b[3]}, &g)) {
    p->has_ground = true;
    p->gx = g.x;
    p->gy = g.y;
  }
  /* velocity from the oldest point within SPEED_SPAN_S to the newest */
  int first = t->n_trace - 1;
  while (first > 0 && t_s - t->trace[first - 1].t_s <= SPEED_SPAN_S + 1e-6)
    first--;
  const struct trace_point *a = &t->trace[first];
  double dt = t_s - a->t_s;
  t->obj.vx = t->obj.vy = 0;
  t->obj.speed_mps = -1;
  if (dt <= 0)
    return;
  t->obj.vx = (p->cx - a->cx) / dt;
  t->obj.vy = (p->cy - a->cy) / dt;
  if (a->has_ground && p->has_ground)
    t->obj.speed_mps = hypot (p->gx - a->gx, p->gy - a->gy) / dt;
}

void
live_objects_update (struct live_objects *o, int frame, double t_s, const struct cv_rect *blobs, int n)
{
  o->frame = frame;
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
  /* keep the vehicle-sized ones and match them to what was followed */
  for (guint i = 0; i < merged->len; i++) {
    float *b = g_array_index (merged, struct box4, i).v;
    double hm, wm;
    if (!measure (o, b, &hm, &wm) || hm < o->params.vehicle_min_height_m || wm < o->params.vehicle_min_width_m)
      continue;
    struct tracked *best = NULL;
    double best_iou = 0.2;
    for (guint k = 0; k < o->tracked->len; k++) {
      struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
      double v = t->obj.last_frame == frame ? 0 : iou (t->obj.box, b);
      if (v > best_iou)
        best = t, best_iou = v;
    }
    if (!best) {
      struct tracked fresh = {.obj = {.id = o->next_id++, .first_frame = frame}};
      g_array_append_val (o->tracked, fresh);
      best = &g_array_index (o->tracked, struct tracked, o->tracked->len - 1);
    }
    memcpy (best->obj.box, b, sizeof best->obj.box);
    best->obj.last_frame = frame;
    best->obj.height_m = hm;
    best->obj.width_m = wm;
    add_trace (o, best, t_s);
  }
  for (guint k = o->tracked->len; k-- > 0;)
    if (frame - g_array_index (o->tracked, struct tracked, k).obj.last_frame > FORGET_FRAMES)
      g_array_remove_index_fast (o->tracked, k);
}

bool
live_objects_carrier (const struct live_objects *o, const float box[4], struct live_object *out)
{
  double area = (double) box[2] * box[3], best = 0.8 * area;
  bool found = false;
  for (guint k = 0; k < o->tracked->len; k++) {
    const struct tracked *t = &g_array_index (o->tracked, struct tracked, k);
    if (t->obj.last_frame != o->frame || area <= 0)
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
