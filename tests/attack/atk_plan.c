/* atk_plan — one clip's plan, all drawn from its seed: the genuine people
 * (with the vehicles they walk with), the posters and screens, the vehicles
 * carrying adverts, and people passing in front of attacks. Each is drawn at
 * random and kept only if it fits: nothing stands on anything else on the
 * ground in any frame, and no presentation's person is more than 30 %
 * hidden by another presentation's object in more than 10 % of its frames
 * (except the pairs meant to overlap: a person and the bus they walk in
 * front of, behind or beside, and a person passing in front of an attack).
 * Up to TRIES draws each; what does not fit is left out and logged. */
#include "atk.h"

#include <glib/gprintf.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#define TRIES 80

/* ATK_VERBOSE=1: why each draw was not kept (to stderr). */
static void G_GNUC_PRINTF (1, 2)
why (const char *fmt, ...)
{
  if (!g_getenv ("ATK_VERBOSE"))
    return;
  va_list ap;
  va_start (ap, fmt);
  g_vfprintf (stderr, fmt, ap);
  va_end (ap);
}

static double
clampd (double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static double
cover (const double sil[4], const double box[4])
{
  double x0 = fmax (sil[0], box[0]), y0 = fmax (sil[1], box[1]);
  double x1 = fmin (sil[0] + sil[2], box[0] + box[2]), y1 = fmin (sil[1] + sil[3], box[1] + box[3]);
  return x1 > x0 && y1 > y0 ? (x1 - x0) * (y1 - y0) / fmax (box[2] * box[3], 1e-6) : 0;
}

/* How tall a life-size person standing at P with their feet Z0 above the
 * ground looks, in pixels. */
static double
life_px (const struct atk_site *s, const double p[2], double z0)
{
  double u, v0, v1;
  atk_project (s, p, z0, &u, &v0);
  atk_project (s, p, z0 + ATK_PERSON_M, &u, &v1);
  return fmax (1, v0 - v1);
}

/* The print's size: the person's height in the picture is drawn at random
 * from 55-120 px around the people detector's range (HOG as shipped finds
 * people of about 65-105 px in this view: what it never finds cannot reach
 * the rules), then held to 0.5-1.5 times life size. */
static double
scale_for (const struct atk_site *s, const double p[2], double z0, double target_px)
{
  return clampd (target_px / life_px (s, p, z0), 0.5, 1.5);
}

static struct atk_object *
obj_new (enum atk_obj_kind kind)
{
  struct atk_object *o = g_new0 (struct atk_object, 1);
  o->kind = kind;
  o->heading_sign = 1;
  return o;
}

static struct atk_object *
obj_at (const struct atk_plan *pl, guint i)
{
  return pl->objects->pdata[i];
}

/* Does C fit among the plan's objects (and EXTRA, not yet kept)? PARTNER
 * may overlap C in the picture (never on the ground), as may the attack an
 * occluder passes. Counts the frames each presentation's person is hidden
 * into HIDDEN (the plan's objects, then EXTRA's, then C's). */
static bool
fits_site (const struct atk_plan *pl, const struct atk_site *s, const struct atk_object *c,
           struct atk_object *const *extra, int n_extra, const struct atk_object *partner, int *hidden)
{
  int n = (int) pl->objects->len;
  for (int i = 0; i < n + n_extra; i++) {
    const struct atk_object *o = i < n ? obj_at (pl, i) : extra[i - n];
    bool meant = o == partner || (c->target && c->target == o->id) || (o->target && o->target == c->id);
    bool stands = c->kind != ATK_OBJ_VEHICLE && c->kind != ATK_OBJ_WALKER && o->kind != ATK_OBJ_VEHICLE &&
                  o->kind != ATK_OBJ_WALKER;
    for (int k = 0; k < pl->frames; k++) {
      const struct atk_pose *a = &c->pose[k], *b = &o->pose[k];
      if (!a->present || !b->present)
        continue;
      /* posters and screens side by side in the picture, not one behind the other */
      if (stands && (cover (a->sil, b->sil) > 0.25 || cover (b->sil, a->sil) > 0.25)) {
        why ("  not kept: %s in front of or behind %s\n", c->type, o->type);
        return false;
      }
      if (atk_foot_overlap (&a->foot, &b->foot)) {
        why ("  not kept: %s stands on %s in frame %d\n", c->type ? c->type : "prop", o->type ? o->type : "prop", k + 1);
        return false;
      }
      if (meant)
        continue;
      int order = atk_foot_order (s, &a->foot, &b->foot); /* 1: c in front of o */
      if (order >= 0 && b->has_box && o->type && cover (a->sil, b->box) > 0.3)
        hidden[i]++;
      if (order <= 0 && a->has_box && c->type && cover (b->sil, a->box) > 0.3)
        hidden[n + n_extra]++;
    }
  }
  for (int i = 0; i <= n + n_extra; i++) {
    const struct atk_object *o = i < n ? obj_at (pl, i) : i < n + n_extra ? extra[i - n] : c;
    if (o->type && (o->covered + hidden[i]) * 10 > o->box_frames) {
      why ("  not kept: %s: %s hidden in %d of %d frames\n", c->type ? c->type : "prop", o->type,
           o->covered + hidden[i], o->box_frames);
      return false;
    }
  }
  return true;
}

/* Keeps C (and its partner P, placed just before, or NULL) if they fit; else frees them. */
static bool
keep (struct atk_plan *pl, const struct atk_site *s, struct atk_pics *pics, struct atk_object *p, struct atk_object *c,
      int min_box_frames)
{
  int n = (int) pl->objects->len;
  int *hp = g_new0 (int, n + 2), *hc = g_new0 (int, n + 2);
  bool ok = (c->box_frames >= min_box_frames || !c->type) && (!p || !p->type || p->box_frames >= MAX (6, pl->fps * 6 / 10));
  if (!ok)
    why ("  not kept: %s seen in %d frames only\n", c->type, c->box_frames);
  if (ok && p)
    ok = fits_site (pl, s, p, NULL, 0, NULL, hp);
  if (ok)
    ok = fits_site (pl, s, c, p ? &p : NULL, p ? 1 : 0, p, hc);
  if (ok) {
    for (int i = 0; i < n; i++)
      obj_at (pl, i)->covered += hp[i] + hc[i];
    if (p) {
      p->covered += hp[n] + hc[n];
      if (p->type)
        p->id = ++pl->next_id;
      g_ptr_array_add (pl->objects, p);
      c->partner = (int) pl->objects->len;
    }
    c->covered += hc[n + (p ? 1 : 0)];
    if (c->type)
      c->id = ++pl->next_id;
    g_ptr_array_add (pl->objects, c);
  } else {
    for (int k = 0; k < 2; k++) {
      struct atk_object *o = k ? c : p;
      if (!o)
        continue;
      atk_pics_forget (pics, o->pic);
      atk_pics_forget (pics, o->car.pic);
      atk_pics_forget (pics, o->placard);
      atk_object_free (o);
    }
  }
  g_free (hp);
  g_free (hc);
  return ok;
}

/* ---- vehicles ---- */

static enum atk_carrier_kind
random_carrier (struct atk_rng *r)
{
  double u = atk_rng_uniform (r, 0, 1);
  return u < 0.28 ? ATK_BUS : u < 0.42 ? ATK_TRAM : u < 0.62 ? ATK_LORRY : u < 0.82 ? ATK_VAN : ATK_TAXI;
}

static enum atk_profile_kind
random_profile (struct atk_rng *r)
{
  return atk_rng_chance (r, 0.5) ? ATK_CONSTANT : (enum atk_profile_kind) (1 + atk_rng_below (r, 4));
}

/* Where a vehicle's reference point must be at time T_MID (POINT): sets the
 * path so that it is, given the profile's start at t_start. */
static void
aim (struct atk_object *o, const double point[2], double offset, double t_mid)
{
  double sv, v;
  atk_profile_at (&o->prof, t_mid - o->t_start, &sv, &v);
  double d[2] = {o->path_d[0] * o->heading_sign, o->path_d[1] * o->heading_sign};
  o->path0[0] = point[0] - d[0] * offset - o->path_d[0] * sv;
  o->path0[1] = point[1] - d[1] * offset - o->path_d[1] * sv;
}

/* A vehicle on a path: along a lane (DIR +1 to the picture's right) or,
 * for LANE -1, across the road at along ALONG, away from the camera (or
 * reversing towards it). The reference point at OFFSET metres ahead of its
 * centre passes a random point of the carriageway in mid-clip, or it stands
 * at the stop line when its profile stops. */
static void
route (struct atk_object *o, const struct atk_site *s, const struct atk_plan *pl, struct atk_rng *r, int lane,
       double along, bool reverse, double offset)
{
  o->lane = lane;
  if (lane >= 0) {
    o->dir = pl->lane_dir[lane];
    o->path_d[0] = o->dir, o->path_d[1] = 0;
    o->heading_sign = 1;
  } else {
    o->dir = reverse ? 1 : -1; /* +1: towards the camera */
    o->path_d[0] = 0, o->path_d[1] = reverse ? 1 : -1;
    o->heading_sign = reverse ? -1 : 1;
  }
  double y = lane >= 0 ? s->lane[lane] + atk_rng_uniform (r, -0.3, 0.3) : 0;
  if (o->prof.kind == ATK_BRAKE && lane >= 0) { /* brakes to a stop anywhere, its advert in the picture */
    double t_stop = o->prof.seg[2].t, sv, v;
    o->t_start = atk_rng_uniform (r, -t_stop * 0.3, fmax (0, pl->seconds * 0.6 - t_stop));
    aim (o, (double[2]){atk_rng_uniform (r, -5, 3.5), y}, offset, o->t_start + t_stop + 1);
    (void) sv, (void) v;
    return;
  }
  if (o->prof.stop_s >= 0) { /* stands with its front at the stop line */
    double front = lane >= 0 ? -o->dir * (s->crosswalk_half + s->stop_gap) : s->road_width - 0.5;
    double d[2] = {o->path_d[0] * o->heading_sign, o->path_d[1] * o->heading_sign};
    double stop[2] = {lane >= 0 ? front : along, lane >= 0 ? y : front};
    double t_stop = o->prof.seg[2].t; /* brake, then stand */
    o->t_start = atk_rng_uniform (r, -t_stop * 0.3, fmax (0, pl->seconds * 0.6 - t_stop));
    o->path0[0] = stop[0] - d[0] * o->car.len / 2 - o->path_d[0] * o->prof.stop_s;
    o->path0[1] = stop[1] - d[1] * o->car.len / 2 - o->path_d[1] * o->prof.stop_s;
    return;
  }
  o->t_start = o->prof.kind == ATK_CONSTANT ? 0 : atk_rng_uniform (r, -3, pl->seconds * 0.4);
  double t_mid = atk_rng_uniform (r, 1.0, pl->seconds - 1.0);
  double point[2] = {lane >= 0 ? atk_rng_uniform (r, -4.5, 4.5) : along,
                     lane >= 0 ? y : atk_rng_uniform (r, 2, s->road_width - 1)};
  aim (o, point, offset, t_mid);
}

/* Sizes the advert on the carrier for a person SCALE times life size (less if it does not fit). */
/* FRONT_PART: a vehicle that stops shows its front part at the stop line,
 * so the advert goes there; FRONT_RIGHT: its front is on the right as the
 * camera sees it (a wrap's picture runs left to right as seen). */
static bool
fit_print (struct atk_object *o, struct atk_pics *pics, const struct atk_footage *fo, struct atk_rng *r, double scale,
           bool front_part, bool front_right)
{
  struct atk_carrier *c = &o->car;
  double fw, z0, z1, fx;
  if (front_part)
    c->section = 2; /* a tram's front section */
  atk_carrier_face (c, c->placement, &fw, &z0, &z1, &fx);
  double fh = z1 - z0;
  if (c->placement == ATK_PLACE_WRAP) {
    double person = fmin (scale * ATK_PERSON_M, fh - 0.1);
    double pw = person * 0.45;
    double reach = front_right ? 4.0 : 1.5; /* of its front in the picture when it stands at the line */
    double x = atk_rng_uniform (r, front_part ? fmax (0.3, fw - pw - reach) : 0.3, fmax (0.31, fw - pw - 0.3));
    c->pic = atk_pic_wrap (pics, fo, r, fw, fh, person, front_right ? x : fw - pw - x);
    c->print_x = 0, c->print_w = fw, c->print_z0 = z0, c->print_z1 = z1;
    o->scale = person / ATK_PERSON_M;
    o->content = "wrap";
    return true;
  }
  bool photo = c->mount == ATK_ROOF_SIGN || atk_rng_chance (r, 0.5);
  c->pic = atk_pic_print (pics, fo, r, photo ? ATK_PIC_PHOTO : ATK_PIC_CUTOUT, scale * ATK_PERSON_M);
  double aspect = c->pic->w / (double) c->pic->h, per = c->pic->person_h / c->pic->h; /* person's share of the height */
  double ph = scale * ATK_PERSON_M / per;
  if (c->mount == ATK_ROOF_SIGN) /* the sign's height: the print is as tall as the sign */
    ph = fh;
  ph = fmin (ph, fmin (fh, (fw - 0.1) / aspect));
  if (ph <= 0.1)
    return false;
  c->print_w = ph * aspect;
  c->print_z0 = z0 + atk_rng_uniform (r, 0, fmin (0.4, fh - ph));
  c->print_z1 = c->print_z0 + ph;
  c->print_x = c->placement == ATK_PLACE_REAR || c->mount != ATK_BODY
                   ? (fw - c->print_w) / 2 + atk_rng_uniform (r, -1, 1) * fmin (0.2, (fw - c->print_w) / 2)
                   : atk_rng_uniform (r, front_part ? fmax (0.3, fw - c->print_w - (front_right ? 4.0 : 1.5)) : 0.3,
                                      fmax (0.31, fw - c->print_w - 0.3));
  o->scale = ph * per / ATK_PERSON_M;
  o->content = photo ? "photo" : "cutout";
  return true;
}

/* The advert's person ahead of the vehicle's centre (side adverts and wraps), metres. */
static double
print_offset (const struct atk_object *o)
{
  const struct atk_carrier *c = &o->car;
  double fw, z0, z1, fx;
  atk_carrier_face (c, c->placement, &fw, &z0, &z1, &fx);
  if (c->placement == ATK_PLACE_REAR || c->mount != ATK_BODY)
    return fx;
  if (c->placement == ATK_PLACE_WRAP && c->pic) { /* where the person is on the wrap, seen left to right */
    const struct atk_pic_frame *f = &c->pic->f[0];
    double x = (f->person[0] + f->person[2] / 2) / f->w * fw;
    return fx + (o->dir > 0 ? x : fw - x) - fw / 2;
  }
  return fx + c->print_x + c->print_w / 2 - fw / 2;
}

/* Queues: O drives behind a vehicle of its lane that moves the same way
 * (the same profile, or both crawling), doing what it does a moment later
 * and a gap behind; its distance to it then never shrinks below the gap. */
static void
follow (struct atk_object *o, const struct atk_plan *pl, struct atk_rng *r)
{
  const struct atk_object *lead = NULL;
  for (guint i = 0; i < pl->objects->len; i++) {
    const struct atk_object *v = obj_at (pl, i);
    bool crawl = v->prof.kind == ATK_CONSTANT && v->prof.v0 < 2 && o->prof.kind == ATK_CONSTANT && o->prof.v0 < 2;
    if (v->kind == ATK_OBJ_VEHICLE && v->lane == o->lane && (v->prof.kind == o->prof.kind && v->prof.kind != ATK_CONSTANT ? true : crawl))
      lead = v;
  }
  if (!lead)
    return;
  double tau = atk_rng_uniform (r, 0.8, 2.5), gap = atk_rng_uniform (r, 1.0, 3.0);
  o->prof = lead->prof;
  o->t_start = lead->t_start + tau;
  double back = (lead->car.len + o->car.len) / 2 + gap;
  o->path0[0] = lead->path0[0] - o->path_d[0] * back, o->path0[1] = lead->path0[1] - o->path_d[1] * back;
  o->path0[1] = o->path0[1] + (atk_rng_uniform (r, -0.2, 0.2));
}

/* A vehicle carrying an advert. What it is (carrier, mount, placement,
 * speed profile and band, print size) is drawn once, so that what fits
 * easily (a small taxi) does not crowd out what does not (a tram); where
 * and when it drives is drawn again on every try. */
static void
vehicle_advert (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
                struct atk_rng *r)
{
  enum atk_carrier_kind kind = random_carrier (r);
  enum atk_mount mount = kind == ATK_TAXI ? (atk_rng_chance (r, 0.4) ? ATK_ROOF_SIGN : ATK_ROOF_PANEL) : ATK_BODY;
  double u = atk_rng_uniform (r, 0, 1);
  enum atk_placement place = kind == ATK_TRAM   ? (u < 0.7 ? ATK_PLACE_SIDE : ATK_PLACE_WRAP)
                             : kind == ATK_TAXI ? (u < 0.5 ? ATK_PLACE_SIDE : u < 0.8 ? ATK_PLACE_REAR : ATK_PLACE_WRAP)
                                                : (u < 0.5 ? ATK_PLACE_SIDE : u < 0.75 ? ATK_PLACE_REAR : ATK_PLACE_WRAP);
  if (place == ATK_PLACE_WRAP)
    mount = ATK_BODY; /* a wrapped taxi: the print on its doors */
  enum atk_profile_kind prof = random_profile (r);
  if (place == ATK_PLACE_REAR && (prof == ATK_BRAKE || prof == ATK_QUEUE))
    prof = prof == ATK_BRAKE ? ATK_STOP_GO : ATK_ACCELERATE; /* across the junction: it goes, or waits at the line and goes */
  int band = atk_rng_below (r, 4);
  double target_px = atk_rng_uniform (r, 55, 120);
  bool across = place == ATK_PLACE_REAR;
  for (int t = 0; t < 4 * TRIES; t++) {
    struct atk_object *o = obj_new (ATK_OBJ_VEHICLE);
    o->type = "vehicle_advert";
    atk_carrier_random (&o->car, kind, mount, r);
    o->car.placement = place;
    o->car.has_print = true;
    atk_profile_random (&o->prof, prof, band, r, pl->seconds);
    bool reverse = across && o->prof.kind == ATK_CONSTANT && o->prof.v0 < 2 && atk_rng_chance (r, 0.4);
    int lane = across ? -1 : atk_rng_below (r, 2);
    o->dir = lane >= 0 ? pl->lane_dir[lane] : 0;
    double ref[2] = {0, lane >= 0 ? s->lane[lane] + o->car.wid / 2 : 12};
    double scale = scale_for (s, ref, 0.5, target_px);
    if (!fit_print (o, pics, fo, r, scale, o->prof.kind == ATK_STOP_GO && !across, o->dir > 0)) {
      atk_pics_forget (pics, o->car.pic);
      atk_object_free (o);
      continue;
    }
    double along = 0;
    for (int k = 0; k < 50; k++) { /* across the road, not along the crosswalk, in the picture */
      along = atk_rng_uniform (r, -6, 4);
      if (fabs (along) > s->crosswalk_half + o->car.wid / 2 + 0.3 && atk_site_in_picture (s, (double[2]){along, 14}, 0, 120))
        break;
    }
    route (o, s, pl, r, lane, along, reverse, print_offset (o));
    if (lane >= 0 && atk_rng_chance (r, 0.5))
      follow (o, pl, r);
    atk_object_poses (o, s, pl->frames, pl->fps);
    if (keep (pl, s, pics, NULL, o, MAX (6, pl->fps * 6 / 10)))
      return;
  }
  g_string_append_printf (pl->log, " vehicle_advert(%s,%s,%s,%s)", atk_carrier_name (kind), atk_placement_name (place),
                          atk_mount_name (mount), atk_profile_name (prof));
}

/* ---- posters and screens ---- */

/* A stand point: on the carriageway (1.8 m or more in) or at the kerb (0.9-1.5 m
 * in: the detector's box reaches ~0.3 m below the feet, and the rules want a
 * foot 0.5 m in), out of the lanes (a vehicle would run it over). */
static bool
stand_point (const struct atk_site *s, struct atk_rng *r, bool kerb, double out[2])
{
  for (int t = 0; t < 200; t++) {
    double p[2] = {atk_rng_uniform (r, -7, 7), atk_rng_uniform (r, -2, s->road_width + 3)};
    double d = atk_site_road_depth (s, p);
    if (kerb ? (d < 0.9 || d > 1.5) : d < 1.8)
      continue;
    if (fabs (p[1] - s->lane[0]) < 2.0 || fabs (p[1] - s->lane[1]) < 2.0)
      continue;
    if (atk_site_in_zone (s, p, HWCFG_ZONE_IGNORE, 1.0) || !atk_site_in_picture (s, p, 0, 30) ||
        !atk_site_in_picture (s, p, 2.8, 20))
      continue;
    out[0] = p[0], out[1] = p[1];
    return true;
  }
  return false;
}

/* There from the start (part of the background model from its first frame)
 * or set up later; once up it stays to the end (a stand taken away while it
 * is being tracked would leave a lost crossing the rules tie the next new
 * track nearby to). */
static void
presence (struct atk_object *o, const struct atk_plan *pl, struct atk_rng *r)
{
  o->t_off = pl->frames;
  if (atk_rng_chance (r, 0.5)) {
    o->t_on = 1;
    return;
  }
  int len = (int) (pl->frames * atk_rng_uniform (r, 0.4, 0.8));
  len = MAX (len, MIN (pl->frames, 8 * pl->fps));
  o->t_on = MAX (1, pl->frames - len + 1);
}

static void
poster (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
        struct atk_rng *r)
{
  bool kerb = atk_rng_chance (r, 0.5), photo = atk_rng_chance (r, 0.5), sway = atk_rng_chance (r, 0.4);
  double target_px = atk_rng_uniform (r, 55, 120);
  for (int t = 0; t < 3 * TRIES; t++) {
    struct atk_object *o = obj_new (ATK_OBJ_POSTER);
    o->type = "poster";
    o->location = kerb ? "kerb" : "carriageway";
    o->content = photo ? "photo" : "cutout";
    if (!stand_point (s, r, kerb, o->at)) {
      atk_object_free (o);
      continue;
    }
    o->elevation = 0.02;
    o->scale = scale_for (s, o->at, o->elevation, target_px);
    o->pic = atk_pic_print (pics, fo, r, photo ? ATK_PIC_PHOTO : ATK_PIC_CUTOUT, o->scale * ATK_PERSON_M);
    double m = o->scale * ATK_PERSON_M / o->pic->person_h;
    o->panel_w = o->pic->w * m, o->panel_h = o->pic->h * m;
    if (sway) /* in the wind */
      o->sway_m = atk_rng_uniform (r, 0.02, 0.08), o->sway_hz = atk_rng_uniform (r, 0.3, 1.2),
      o->sway_phase = atk_rng_uniform (r, 0, 2 * G_PI);
    presence (o, pl, r);
    atk_object_poses (o, s, pl->frames, pl->fps);
    if (keep (pl, s, pics, NULL, o, 5 * pl->fps))
      return;
  }
  g_string_append (pl->log, " poster");
}

static void
screen (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
        struct atk_rng *r)
{
  bool kerb = atk_rng_chance (r, 0.5), across = atk_rng_chance (r, 0.4), raised = atk_rng_chance (r, 0.5);
  double target_px = atk_rng_uniform (r, 55, 120);
  for (int t = 0; t < 3 * TRIES; t++) {
    struct atk_object *o = obj_new (ATK_OBJ_SCREEN);
    o->type = "screen";
    o->location = kerb ? "kerb" : "carriageway";
    o->content = across ? "across" : "on_the_spot";
    o->raised = raised;
    o->elevation = raised ? atk_rng_uniform (r, 0.5, 2.0) : atk_rng_uniform (r, 0.05, 0.3);
    if (!stand_point (s, r, kerb, o->at)) {
      atk_object_free (o);
      continue;
    }
    o->pic = atk_pic_screen (pics, fo, r, across, 0);
    if (!o->pic) {
      atk_object_free (o);
      continue;
    }
    /* the person on the screen: the screen's bottom edge is about where their feet are */
    o->scale = scale_for (s, o->at, o->elevation, target_px);
    double m = o->scale * ATK_PERSON_M / o->pic->person_h;
    if (o->pic->w * m > 3.2) /* no screen wider than 3.2 m: a smaller walker on it */
      o->scale *= 3.2 / (o->pic->w * m), m = o->scale * ATK_PERSON_M / o->pic->person_h;
    o->panel_w = o->pic->w * m, o->panel_h = o->pic->h * m;
    o->tex0 = atk_rng_below (r, o->pic->n);
    presence (o, pl, r);
    atk_object_poses (o, s, pl->frames, pl->fps);
    if (keep (pl, s, pics, NULL, o, 5 * pl->fps))
      return;
  }
  g_string_append (pl->log, " screen");
}

/* ---- genuine people ---- */

enum scenario {
  IN_FRONT_OF_BUS,
  BEHIND_BUS,
  BESIDE_BUS,
  ALIGHTING,
  CARRYING_POSTER,
  N_SCENARIOS,
};

static const char *const SCENARIO_NAMES[] = {"crossing_in_front_of_bus", "crossing_behind_bus",
                                             "walking_beside_bus", "getting_off_bus", "carrying_poster"};

/* A walker of the footage for the path of O (its image direction picks who). */
static bool
cast_walker (struct atk_object *o, const struct atk_site *s, struct atk_pics *pics, const struct atk_footage *fo,
             struct atk_rng *r)
{
  double u0, v0, u1, v1;
  atk_project (s, o->way[0], 0, &u0, &v0);
  atk_project (s, o->way[o->n_way - 1], 0, &u1, &v1);
  o->pic = atk_pic_walker (pics, fo, r, (double[2]){u1 - u0, v1 - v0}, &o->mirror, &o->pace, &o->height_m);
  if (o->pic)
    o->tex0 = atk_rng_below (r, o->pic->n);
  return o->pic != NULL;
}

static struct atk_object *
walker_new (const char *scenario)
{
  struct atk_object *o = obj_new (ATK_OBJ_WALKER);
  o->type = "genuine";
  o->scenario = scenario;
  o->scale = 1;
  return o;
}

/* The bus of a genuine scenario on lane LANE, going DIR: half of them carry
 * an advert of their own (a vehicle_advert presentation), on the side the
 * camera sees or as a wrap; the others are plain (props). */
static struct atk_object *
scenario_bus (const struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo,
              struct atk_pics *pics, struct atk_rng *r, int lane, bool stops)
{
  struct atk_object *b = obj_new (ATK_OBJ_VEHICLE);
  atk_carrier_random (&b->car, ATK_BUS, ATK_BODY, r);
  b->lane = lane, b->dir = pl->lane_dir[lane];
  b->path_d[0] = b->dir, b->path_d[1] = 0;
  b->path0[1] = s->lane[lane] + atk_rng_uniform (r, -0.2, 0.2);
  if (atk_rng_chance (r, 0.5)) {
    b->type = "vehicle_advert";
    b->car.has_print = true;
    b->car.placement = atk_rng_chance (r, 0.7) ? ATK_PLACE_SIDE : ATK_PLACE_WRAP;
    double ref[2] = {0, s->lane[lane] + b->car.wid / 2};
    fit_print (b, pics, fo, r, scale_for (s, ref, 0.5, atk_rng_uniform (r, 55, 120)), stops, b->dir > 0);
  }
  return b;
}

/* When the walker W is at across A (on the first segment), seconds after it starts. */
static double
time_at_across (const struct atk_object *w, double a)
{
  double dy = w->way[1][1] - w->way[0][1], l = hypot (w->way[1][0] - w->way[0][0], dy);
  return w->t0_s + (a - w->way[0][1]) / dy * l / w->pace;
}

/* The walker's along position at across A. */
static double
along_at_across (const struct atk_object *w, double a)
{
  double f = (a - w->way[0][1]) / (w->way[1][1] - w->way[0][1]);
  return w->way[0][0] + (w->way[1][0] - w->way[0][0]) * f;
}

/* A walker crossing the whole road, from the kerb FROM_NEAR's side. */
static void
crossing_path (struct atk_object *w, const struct atk_site *s, struct atk_rng *r, bool from_near, double along)
{
  double a0 = from_near ? s->road_width + 1.5 : -2.0, a1 = from_near ? -2.0 : s->road_width + 1.5;
  double drift = atk_rng_uniform (r, -2.5, 2.5);
  w->way[0][0] = along, w->way[0][1] = a0;
  w->way[1][0] = along + drift, w->way[1][1] = a1;
  w->n_way = 2;
}

/* How many frames W's person is overlapped by B in the picture, with IN_FRONT (W before B) or behind. */
static int
overlapping (const struct atk_site *s, const struct atk_object *w, const struct atk_object *b, bool in_front, int frames)
{
  int n = 0;
  for (int k = 0; k < frames; k++) {
    const struct atk_pose *a = &w->pose[k], *p = &b->pose[k];
    if (!a->present || !p->present || !a->has_box)
      continue;
    int o = atk_foot_order (s, &a->foot, &p->foot);
    n += (in_front ? o > 0 : o < 0) && cover (p->sil, a->box) > 0.3;
  }
  return n;
}

/* How many frames FRONT stands before BACK and hides 15 % or more of BACK's person. */
static int
hiding (const struct atk_site *s, const struct atk_object *front, const struct atk_object *back, int frames)
{
  int n = 0;
  for (int k = 0; k < frames; k++) {
    const struct atk_pose *a = &front->pose[k], *b = &back->pose[k];
    if (a->present && b->present && b->has_box && atk_foot_order (s, &a->foot, &b->foot) > 0 &&
        cover (a->sil, b->box) > 0.15)
      n++;
  }
  return n;
}

static bool
bus_scenario (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
              struct atk_rng *r, enum scenario sc)
{
  int lane = sc == BESIDE_BUS || sc == ALIGHTING ? 1 : atk_rng_below (r, 2), dir = pl->lane_dir[lane];
  struct atk_object *b = scenario_bus (pl, s, fo, pics, r, lane, sc == ALIGHTING), *w = walker_new (SCENARIO_NAMES[sc]);
  double near_side = b->path0[1] + b->car.wid / 2, far_side = b->path0[1] - b->car.wid / 2;
  double t_meet = atk_rng_uniform (r, 2, pl->seconds - 4), l_meet = 0;
  switch (sc) {
  case IN_FRONT_OF_BUS:
  case BEHIND_BUS: {
    bool front = sc == IN_FRONT_OF_BUS;
    atk_profile_random (&b->prof, ATK_CONSTANT, -1, r, pl->seconds);
    b->prof.v0 = atk_rng_uniform (r, 3, 9);
    crossing_path (w, s, r, front, atk_rng_uniform (r, front ? -3 : 0, front ? 3 : 4));
    w->t0_s = 0;
    if (!cast_walker (w, s, pics, fo, r))
      goto fail;
    /* at t_meet the walker is 0.5-2 m from the bus's side, on its camera (front) or far side,
     * and the bus's middle passes them */
    double a = front ? near_side + atk_rng_uniform (r, 0.6, 2.0) : far_side - atk_rng_uniform (r, 0.6, 1.6);
    w->t0_s = t_meet - time_at_across (w, a);
    l_meet = along_at_across (w, a);
    aim (b, (double[2]){l_meet + dir * atk_rng_uniform (r, -2, 2), b->path0[1]}, 0, t_meet);
    break;
  }
  case BESIDE_BUS: { /* along the road next to a crawling bus, on its camera side */
    atk_profile_random (&b->prof, atk_rng_chance (r, 0.7) ? ATK_CONSTANT : ATK_QUEUE, -1, r, pl->seconds);
    if (b->prof.kind == ATK_CONSTANT)
      b->prof.v0 = atk_rng_uniform (r, 0.5, 1.8);
    double a = near_side + atk_rng_uniform (r, 0.6, 1.2);
    int wdir = atk_rng_chance (r, 0.7) ? dir : -dir;
    w->way[0][0] = -7.5 * wdir, w->way[0][1] = a + atk_rng_uniform (r, -0.3, 0.3);
    w->way[1][0] = 7.5 * wdir, w->way[1][1] = a + atk_rng_uniform (r, -0.3, 0.3);
    w->n_way = 2;
    if (!cast_walker (w, s, pics, fo, r))
      goto fail;
    l_meet = atk_rng_uniform (r, -3, 3);
    w->t0_s = t_meet - fabs (l_meet - w->way[0][0]) / w->pace;
    aim (b, (double[2]){l_meet + atk_rng_uniform (r, -3, 3), b->path0[1]}, 0, t_meet);
    break;
  }
  default: { /* getting off: the bus stops, its door opens, the walker steps out and crosses to the near kerb */
    atk_profile_random (&b->prof, ATK_STOP_GO, -1, r, pl->seconds);
    b->car.door_open = true;
    double t_stop = b->prof.seg[2].t, wait = b->prof.seg[3].t - t_stop;
    b->t_start = atk_rng_uniform (r, -t_stop, fmax (-t_stop + 0.1, pl->seconds - t_stop - 8));
    double stop_c = atk_rng_uniform (r, -4, 4); /* where its centre stands */
    b->path0[0] = stop_c - dir * b->prof.stop_s;
    double door = stop_c + dir * (b->car.len / 2 - 1.1);
    w->way[0][0] = door, w->way[0][1] = near_side + 0.4;
    w->way[1][0] = door + atk_rng_uniform (r, -3, 3), w->way[1][1] = s->road_width + 1.5;
    w->n_way = 2;
    if (!cast_walker (w, s, pics, fo, r))
      goto fail;
    w->t0_s = b->t_start + t_stop + atk_rng_uniform (r, 0.8, fmin (3.0, wait - 3));
    break;
  }
  }
  atk_object_poses (b, s, pl->frames, pl->fps);
  atk_object_poses (w, s, pl->frames, pl->fps);
  if (sc != ALIGHTING && overlapping (s, w, b, sc != BEHIND_BUS, pl->frames) < 3) {
    why ("  not kept: %s: the bus never passes them\n", SCENARIO_NAMES[sc]);
    goto fail;
  }
  return keep (pl, s, pics, b, w, 2 * pl->fps);
fail:
  atk_pics_forget (pics, w->pic);
  atk_pics_forget (pics, b->car.pic);
  atk_object_free (w);
  atk_object_free (b);
  return false;
}

static bool
carrying (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
          struct atk_rng *r)
{
  struct atk_object *w = walker_new (SCENARIO_NAMES[CARRYING_POSTER]);
  crossing_path (w, s, r, atk_rng_chance (r, 0.5), atk_rng_uniform (r, -4, 4));
  w->t0_s = atk_rng_uniform (r, -4, pl->seconds - 10);
  w->placard_side = atk_rng_chance (r, 0.5) ? 1 : -1;
  if (!cast_walker (w, s, pics, fo, r)) {
    atk_object_free (w);
    return false;
  }
  w->placard = atk_pic_placard (pics, r);
  atk_object_poses (w, s, pl->frames, pl->fps);
  return keep (pl, s, pics, NULL, w, 2 * pl->fps);
}

static void
genuine (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
         struct atk_rng *r, enum scenario sc)
{
  for (int t = 0; t < 3 * TRIES; t++)
    if (sc == CARRYING_POSTER ? carrying (pl, s, fo, pics, r) : bus_scenario (pl, s, fo, pics, r, sc))
      return;
  g_string_append_printf (pl->log, " %s", SCENARIO_NAMES[sc]);
}

/* A person walking along the road in front of an attack, passing it mid-way. */
static void
occluder (struct atk_plan *pl, const struct atk_site *s, const struct atk_footage *fo, struct atk_pics *pics,
          struct atk_rng *r)
{
  GPtrArray *attacks = g_ptr_array_new ();
  for (guint i = 0; i < pl->objects->len; i++)
    if (obj_at (pl, i)->type && strcmp (obj_at (pl, i)->type, "genuine") != 0)
      g_ptr_array_add (attacks, obj_at (pl, i));
  for (int t = 0; t < TRIES && attacks->len; t++) {
    const struct atk_object *a = attacks->pdata[atk_rng_below (r, (int) attacks->len)];
    int k = atk_rng_below (r, pl->frames); /* a frame its person is seen */
    if (!a->pose[k].has_box)
      continue;
    const double *box = a->pose[k].box;
    double foot[2];
    if (!atk_unproject (s, box[0] + box[2] / 2, box[1] + box[3], foot))
      continue;
    struct atk_object *w = walker_new (NULL);
    w->target = a->id;
    w->scenario = a->kind == ATK_OBJ_VEHICLE ? "passing_in_front_of_vehicle_advert"
                  : a->kind == ATK_OBJ_POSTER ? "passing_in_front_of_poster"
                                              : "passing_in_front_of_screen";
    double near = a->kind != ATK_OBJ_VEHICLE ? a->at[1] : a->pose[k].c[1] + (a->lane < 0 ? a->car.len : a->car.wid) / 2;
    double across = near + atk_rng_uniform (r, 0.7, 1.5);
    int wdir = atk_rng_chance (r, 0.5) ? 1 : -1;
    double l = a->kind == ATK_OBJ_VEHICLE ? foot[0] : a->at[0];
    w->way[0][0] = l - 6 * wdir, w->way[0][1] = across + atk_rng_uniform (r, -0.4, 0.4);
    w->way[1][0] = l + 6 * wdir, w->way[1][1] = across + atk_rng_uniform (r, -0.4, 0.4);
    w->n_way = 2;
    if (!cast_walker (w, s, pics, fo, r)) {
      atk_object_free (w);
      continue;
    }
    w->t0_s = (k / (double) pl->fps) - 6 / w->pace;
    atk_object_poses (w, s, pl->frames, pl->fps);
    if (hiding (s, w, a, pl->frames) < 1) {
      atk_pics_forget (pics, w->pic);
      atk_object_free (w);
      continue;
    }
    if (keep (pl, s, pics, NULL, w, 2 * pl->fps))
      goto done;
  }
  g_string_append (pl->log, " occluder");
done:
  g_ptr_array_free (attacks, TRUE);
}

/* ---- lighting ---- */

static void
lighting (struct atk_plan *pl, const struct atk_site *s, struct atk_rng *r)
{
  struct atk_light *l = &pl->light;
  double u = atk_rng_uniform (r, 0, 1);
  l->ramp = u >= 0.3 && u < 0.6 ? true : u >= 0.85;
  l->shadow = u >= 0.6;
  if (l->ramp) { /* a cloud: the whole scene darkens or brightens over a few seconds */
    l->ramp_t0 = atk_rng_uniform (r, 1, fmax (1.1, pl->seconds - 6));
    l->ramp_t1 = l->ramp_t0 + atk_rng_uniform (r, 1, 5);
    l->gain = atk_rng_chance (r, 0.6) ? atk_rng_uniform (r, 0.6, 0.85) : atk_rng_uniform (r, 1.15, 1.35);
    l->offset = atk_rng_uniform (r, -12, 12);
  }
  if (l->shadow) { /* a building's shadow lying across the road, drifting slowly */
    l->band_across = atk_rng_uniform (r, 0, s->road_width - 3);
    l->band_slope = atk_rng_uniform (r, -0.4, 0.4);
    l->band_width = atk_rng_uniform (r, 2, 6);
    l->band_speed = atk_rng_uniform (r, -0.3, 0.3);
    l->band_gain = atk_rng_uniform (r, 0.55, 0.8);
  }
}

/* ---- the plan ---- */

void
atk_plan_make (struct atk_plan *pl, const struct atk_plan_options *opt, const struct atk_site *s,
               const struct atk_footage *fo, struct atk_pics *pics)
{
  struct atk_rng r;
  atk_rng_seed (&r, opt->seed);
  memset (pl, 0, sizeof *pl);
  pl->seed = opt->seed;
  pl->fps = opt->fps;
  pl->seconds = opt->seconds;
  pl->frames = (int) lround (opt->seconds * opt->fps);
  int span = (int) ceil (opt->seconds * ATK_SRC_FPS);
  pl->start = opt->start > 0 ? opt->start : 1 + atk_rng_below (&r, MAX (1, ATK_SRC_FRAMES - span));
  pl->start = (int) clampd (pl->start, 1, MAX (1, ATK_SRC_FRAMES - span + 1));
  pl->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) atk_object_free);
  pl->log = g_string_new (NULL);
  lighting (pl, s, &r);
  pl->lane_dir[0] = atk_rng_chance (&r, 0.5) ? 1 : -1; /* each lane one way, the other the other way */
  pl->lane_dir[1] = -pl->lane_dir[0];
  /* genuine scenarios first (their buses need lanes), round robin over the seeds */
  for (int i = 0; i < opt->genuine; i++)
    genuine (pl, s, fo, pics, &r, (enum scenario) ((opt->seed * 3 + i) % N_SCENARIOS));
  /* then the vehicles (they need a free lane at the right time), then what stands (it has room anywhere) */
  for (int i = 0; i < opt->vehicles; i++)
    vehicle_advert (pl, s, fo, pics, &r);
  for (int i = 0; i < MAX (opt->posters, opt->screens); i++) { /* screens first: they are the bigger */
    if (i < opt->screens)
      screen (pl, s, fo, pics, &r);
    if (i < opt->posters)
      poster (pl, s, fo, pics, &r);
  }
  for (int i = 0; i < opt->occluders; i++)
    occluder (pl, s, fo, pics, &r);
}

void
atk_plan_free (struct atk_plan *pl)
{
  if (pl->objects)
    g_ptr_array_free (pl->objects, TRUE);
  if (pl->log)
    g_string_free (pl->log, TRUE);
  memset (pl, 0, sizeof *pl);
}
