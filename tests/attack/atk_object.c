/* atk_object — every drawn thing's pose in every frame of a clip (where it
 * stands, where its person's box is in the picture: the truth), and its
 * drawing. Vehicles follow their speed profile along a straight path;
 * posters stand (swaying in the wind), screens stand on the road or on a
 * post and play their video at the footage's 10 frames/s; walkers walk their
 * path at their own pace, the cut-out advancing at 10 frames/s too, so at
 * 25 frames/s their limbs move in 10 Hz steps while they glide smoothly. */
#include "atk.h"

#include <math.h>
#include <string.h>

static void
box_union (double a[4], const double b[4])
{
  if (a[2] <= 0) {
    memcpy (a, b, 4 * sizeof *a);
    return;
  }
  double x0 = fmin (a[0], b[0]), y0 = fmin (a[1], b[1]);
  double x1 = fmax (a[0] + a[2], b[0] + b[2]), y1 = fmax (a[1] + a[3], b[1] + b[3]);
  a[0] = x0, a[1] = y0, a[2] = x1 - x0, a[3] = y1 - y0;
}

static void
quad_box (const double q[8], double box[4])
{
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (int i = 0; i < 4; i++)
    x0 = fmin (x0, q[2 * i]), x1 = fmax (x1, q[2 * i]), y0 = fmin (y0, q[2 * i + 1]), y1 = fmax (y1, q[2 * i + 1]);
  box[0] = x0, box[1] = y0, box[2] = x1 - x0, box[3] = y1 - y0;
}

static bool
in_picture (const double b[4])
{
  return b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= ATK_W && b[1] + b[3] <= ATK_H && b[3] >= 6;
}

static bool
overlaps_picture (const double b[4])
{
  return b[2] > 0 && b[0] < ATK_W && b[1] < ATK_H && b[0] + b[2] > 0 && b[1] + b[3] > 0 && b[2] < 1e5;
}

/* ---- the shapes ---- */

static void
panel_rect (const struct atk_site *s, const struct atk_object *o, double lean, struct atk_rect *r)
{
  atk_facing (s, o->at, o->panel_w, r->a, r->b);
  r->z0 = o->elevation, r->z1 = o->elevation + o->panel_h, r->lean = lean;
}

#define BEZEL 0.05

static void
screen_parts (const struct atk_site *s, const struct atk_object *o, struct atk_rect *housing, struct atk_rect *pole)
{
  struct atk_object big = *o;
  big.panel_w += 2 * BEZEL, big.panel_h += 2 * BEZEL, big.elevation -= BEZEL;
  panel_rect (s, &big, 0, housing);
  big.panel_w = 0.12, big.panel_h = o->elevation - BEZEL, big.elevation = 0;
  panel_rect (s, &big, 0, pole);
}

/* A walker's cut-out in pose P: its rectangle, standing where their feet are. */
static const struct atk_pic_frame *
walker_rect (const struct atk_site *s, const struct atk_object *o, const struct atk_pose *p, struct atk_rect *r)
{
  const struct atk_pic_frame *f = &o->pic->f[p->tex];
  double m = o->height_m / f->person[3], w = f->w * m;
  double fx = (o->mirror ? f->w - (f->person[0] + f->person[2] / 2) : f->person[0] + f->person[2] / 2) * m;
  double a[2], b[2];
  atk_facing (s, p->c, w, a, b);
  double tx = (b[0] - a[0]) / w, ty = (b[1] - a[1]) / w, shift = w / 2 - fx;
  r->a[0] = a[0] + tx * shift, r->a[1] = a[1] + ty * shift;
  r->b[0] = b[0] + tx * shift, r->b[1] = b[1] + ty * shift;
  r->z0 = -(f->h - f->person[1] - f->person[3]) * m, r->z1 = r->z0 + f->h * m, r->lean = 0;
  return f;
}

/* The sign a walker carries beside them, bobbing BOB metres with their steps. */
static void
placard_rect (const struct atk_site *s, const struct atk_object *o, const struct atk_pose *p, struct atk_rect *r)
{
  double a[2], b[2];
  atk_facing (s, p->c, 1.0, a, b);
  double tx = b[0] - a[0], ty = b[1] - a[1];
  double cx = s->camera[0] - p->c[0], cy = s->camera[1] - p->c[1], cl = hypot (cx, cy);
  double c[2] = {p->c[0] + tx * 0.3 * o->placard_side + cx / cl * 0.15, p->c[1] + ty * 0.3 * o->placard_side + cy / cl * 0.15};
  atk_facing (s, c, 0.45, r->a, r->b);
  r->z0 = 0.8 + p->lean, r->z1 = 1.4 + p->lean, r->lean = 0;
}

/* ---- poses ---- */

static void
vehicle_pose (const struct atk_site *s, struct atk_object *o, double t, struct atk_pose *p)
{
  double sv, v;
  atk_profile_at (&o->prof, t - o->t_start, &sv, &v);
  p->c[0] = o->path0[0] + o->path_d[0] * sv, p->c[1] = o->path0[1] + o->path_d[1] * sv;
  p->d[0] = o->path_d[0] * o->heading_sign, p->d[1] = o->path_d[1] * o->heading_sign;
  p->v = v;
  struct atk_prism pr[ATK_MAX_PRISMS];
  int n = atk_carrier_prisms (&o->car, p->c, p->d, pr);
  bool seen = true;
  for (int i = 0; i < n; i++) {
    double b[4];
    seen = atk_prism_image_box (s, &pr[i], b) && seen;
    box_union (p->sil, b);
  }
  struct atk_prism whole = {{p->c[0], p->c[1]}, {p->d[0], p->d[1]}, o->car.len, o->car.wid, 0, o->car.hgt};
  atk_foot_of_prism (&whole, 0, &p->foot);
  p->present = seen && overlaps_picture (p->sil); /* (one passing the camera is gone) */
  struct atk_rect r;
  if (p->present && o->car.has_print && atk_carrier_print_rect (s, &o->car, p->c, p->d, &r)) {
    const struct atk_pic_frame *f = &o->car.pic->f[0];
    atk_rect_map_box (s, &r, f->w, f->h, f->person, p->box);
    p->has_box = in_picture (p->box);
  }
}

static void
stand_pose (const struct atk_site *s, struct atk_object *o, int k, double t, struct atk_pose *p)
{
  p->present = k >= o->t_on && k <= o->t_off;
  if (!p->present)
    return;
  p->c[0] = o->at[0], p->c[1] = o->at[1];
  atk_foot_square (o->at, 0.35, &p->foot);
  struct atk_rect r, pole;
  double q[8];
  if (o->kind == ATK_OBJ_POSTER) {
    p->lean = o->sway_m * sin (2 * G_PI * o->sway_hz * t + o->sway_phase);
    panel_rect (s, o, p->lean, &r);
    atk_rect_quad (s, &r, q);
    quad_box (q, p->sil);
  } else {
    p->tex = (int) ((o->tex0 + (long) floor (t * ATK_SRC_FPS + 1e-6)) % o->pic->n);
    screen_parts (s, o, &r, &pole);
    atk_rect_quad (s, &r, q);
    quad_box (q, p->sil);
    if (o->raised) {
      double b[4];
      atk_rect_quad (s, &pole, q);
      quad_box (q, b);
      box_union (p->sil, b);
    }
    panel_rect (s, o, 0, &r);
  }
  const struct atk_pic_frame *f = &o->pic->f[p->tex];
  atk_rect_map_box (s, &r, f->w, f->h, f->person, p->box);
  p->has_box = in_picture (p->box);
}

static double
path_length (const struct atk_object *o)
{
  double l = 0;
  for (int i = 1; i < o->n_way; i++)
    l += hypot (o->way[i][0] - o->way[i - 1][0], o->way[i][1] - o->way[i - 1][1]);
  return l;
}

static void
walker_pose (const struct atk_site *s, struct atk_object *o, double t, struct atk_pose *p)
{
  double w = t - o->t0_s, dist = o->pace * w;
  if (w < 0 || dist > path_length (o))
    return;
  int i = 1;
  double seg = 0;
  for (; i < o->n_way; i++) {
    seg = hypot (o->way[i][0] - o->way[i - 1][0], o->way[i][1] - o->way[i - 1][1]);
    if (dist <= seg || i == o->n_way - 1)
      break;
    dist -= seg;
  }
  double f = seg > 0 ? fmin (dist / seg, 1) : 0;
  p->c[0] = o->way[i - 1][0] + (o->way[i][0] - o->way[i - 1][0]) * f;
  p->c[1] = o->way[i - 1][1] + (o->way[i][1] - o->way[i - 1][1]) * f;
  p->d[0] = seg > 0 ? (o->way[i][0] - o->way[i - 1][0]) / seg : 1, p->d[1] = seg > 0 ? (o->way[i][1] - o->way[i - 1][1]) / seg : 0;
  p->v = o->pace;
  p->tex = (int) ((o->tex0 + (long) floor (w * ATK_SRC_FPS + 1e-6)) % o->pic->n);
  atk_foot_square (p->c, 0.3, &p->foot);
  struct atk_rect r;
  const struct atk_pic_frame *fr = walker_rect (s, o, p, &r);
  double q[8], part[4] = {fr->person[0], fr->person[1], fr->person[2], fr->person[3]};
  if (o->mirror)
    part[0] = fr->w - fr->person[0] - fr->person[2];
  atk_rect_map_box (s, &r, fr->w, fr->h, part, p->box);
  atk_rect_quad (s, &r, q);
  quad_box (q, p->sil);
  if (o->placard) {
    double b[4];
    p->lean = 0.02 * sin (2 * G_PI * 1.8 * w); /* the sign bobs with the steps */
    placard_rect (s, o, p, &r);
    atk_rect_quad (s, &r, q);
    quad_box (q, b);
    box_union (p->sil, b);
  }
  p->present = overlaps_picture (p->sil);
  p->has_box = p->present && in_picture (p->box);
}

void
atk_object_poses (struct atk_object *o, const struct atk_site *s, int frames, int fps)
{
  g_free (o->pose);
  o->pose = g_new0 (struct atk_pose, frames);
  o->frames = frames;
  o->box_frames = 0;
  for (int k = 1; k <= frames; k++) {
    struct atk_pose *p = &o->pose[k - 1];
    double t = (k - 1) / (double) fps;
    if (o->kind == ATK_OBJ_VEHICLE)
      vehicle_pose (s, o, t, p);
    else if (o->kind == ATK_OBJ_WALKER)
      walker_pose (s, o, t, p);
    else
      stand_pose (s, o, k, t, p);
    p->has_box = p->has_box && p->present;
    o->box_frames += p->has_box;
  }
}

/* ---- drawing ---- */

void
atk_object_draw (struct cv_image *dst, const struct atk_site *s, const struct atk_object *o, int frame)
{
  const struct atk_pose *p = &o->pose[frame - 1];
  if (!p->present)
    return;
  double q[8];
  struct atk_rect r, pole;
  switch (o->kind) {
  case ATK_OBJ_VEHICLE:
    atk_carrier_draw (dst, s, &o->car, p->c, p->d);
    break;
  case ATK_OBJ_POSTER:
    panel_rect (s, o, p->lean, &r);
    atk_rect_quad (s, &r, q);
    atk_depth_rect (&r);
    atk_paste (dst, &o->pic->f[0].im, q, false);
    break;
  case ATK_OBJ_SCREEN: {
    static const unsigned char housing[3] = {28, 28, 30}, post[3] = {90, 90, 95};
    screen_parts (s, o, &r, &pole);
    if (o->raised)
      atk_fill_rect3 (dst, s, &pole, post);
    atk_fill_rect3 (dst, s, &r, housing);
    panel_rect (s, o, 0, &r);
    atk_rect_quad (s, &r, q);
    atk_depth_rect (&r);
    atk_paste (dst, &o->pic->f[p->tex].im, q, false);
    break;
  }
  default: {
    const struct atk_pic_frame *f = walker_rect (s, o, p, &r);
    atk_rect_quad (s, &r, q);
    atk_depth_rect (&r);
    atk_depth_body (f->person[0] + f->person[2] / 2, f->person[2] / 2); /* a person, round: picture columns */
    atk_paste (dst, &o->pic->f[p->tex].im, q, o->mirror);
    if (o->placard) {
      placard_rect (s, o, p, &r);
      atk_rect_quad (s, &r, q);
      atk_depth_rect (&r);
      atk_paste (dst, &o->placard->f[0].im, q, false);
    }
    break;
  }
  }
}

void
atk_object_free (struct atk_object *o)
{
  if (!o)
    return;
  g_free (o->pose);
  g_free (o);
}
