/* atk_carrier — the vehicles that carry adverts: a bus (12 x 2.5 x 3.2 m,
 * or a 4.3 m double-decker), a tram (25-30 m in three sections), a lorry
 * (cab and box), a van (5 x 2 x 2.3 m) and a taxi (4.5 x 1.8 x 1.5 m car
 * with a roof sign). Each is one or more boxes in a livery, with windows,
 * doors and wheels painted on, and the advert: on the side the camera sees,
 * on the rear, or a wrap over the whole side. A taxi's advert is on its roof
 * sign (about 1 x 0.35 m: the person printed on it is ~0.3 m tall, nothing
 * like a person's height) or on a tall roof panel (a mobile billboard:
 * a person-sized print whose feet are 1.5 m above the road). */
#include "atk.h"

#include <math.h>
#include <string.h>

enum role { MAIN, CAB, SECTION, BELLOWS, CABIN, SIGN };

struct part {
  enum role role;
  double x, y, len, wid, z0, z1; /* vehicle frame: x forwards from the centre, y to the left */
};

const char *
atk_carrier_name (enum atk_carrier_kind k)
{
  static const char *const n[] = {"bus", "tram", "lorry", "van", "taxi"};
  return k < ATK_N_CARRIERS ? n[k] : "?";
}

const char *
atk_placement_name (enum atk_placement p)
{
  return p == ATK_PLACE_SIDE ? "side" : p == ATK_PLACE_REAR ? "rear" : "wrap";
}

const char *
atk_mount_name (enum atk_mount m)
{
  return m == ATK_BODY ? "body" : m == ATK_ROOF_SIGN ? "roof_sign" : "roof_panel";
}

#define RGB(r, g, b) {b, g, r}
static const unsigned char LIVERY[ATK_N_CARRIERS][6][3] = {
    {RGB (200, 40, 40), RGB (20, 90, 170), RGB (30, 140, 60), RGB (235, 235, 235), RGB (230, 200, 40), RGB (110, 40, 120)},
    {RGB (235, 235, 235), RGB (40, 150, 70), RGB (30, 90, 160), RGB (190, 40, 40), RGB (240, 200, 30), RGB (90, 90, 95)},
    {RGB (240, 240, 240), RGB (180, 180, 185), RGB (30, 70, 150), RGB (30, 110, 50), RGB (220, 120, 30), RGB (200, 30, 30)},
    {RGB (240, 240, 240), RGB (190, 190, 195), RGB (240, 200, 40), RGB (200, 40, 40), RGB (25, 45, 100), RGB (40, 40, 40)},
    {RGB (25, 25, 25), RGB (240, 200, 30), RGB (240, 240, 240), RGB (230, 220, 190), RGB (40, 90, 50), RGB (120, 20, 30)},
};
static const unsigned char TRIMS[4][3] = {RGB (250, 250, 250), RGB (240, 200, 30), RGB (30, 30, 30), RGB (200, 40, 40)};

void
atk_carrier_random (struct atk_carrier *c, enum atk_carrier_kind kind, enum atk_mount m, struct atk_rng *r)
{
  memset (c, 0, sizeof *c);
  c->kind = kind;
  c->mount = kind == ATK_TAXI ? m : ATK_BODY;
  switch (kind) {
  case ATK_BUS:
    c->len = atk_rng_uniform (r, 10.5, 12.5), c->wid = 2.5, c->hgt = atk_rng_chance (r, 0.25) ? 4.3 : 3.2;
    break;
  case ATK_TRAM:
    c->len = atk_rng_uniform (r, 25, 30), c->wid = 2.65, c->hgt = 3.4, c->section = 1;
    break;
  case ATK_LORRY:
    c->len = atk_rng_uniform (r, 8, 12), c->wid = 2.5, c->hgt = atk_rng_uniform (r, 3.6, 4.0);
    break;
  case ATK_VAN:
    c->len = atk_rng_uniform (r, 4.8, 5.4), c->wid = 2.0, c->hgt = atk_rng_uniform (r, 2.2, 2.6);
    break;
  default:
    c->len = atk_rng_uniform (r, 4.4, 4.8), c->wid = 1.8, c->hgt = 1.5;
    c->panel_h = atk_rng_uniform (r, 1.6, 2.3);
    break;
  }
  memcpy (c->body, LIVERY[kind][atk_rng_below (r, 6)], 3);
  memcpy (c->trim, TRIMS[atk_rng_below (r, 4)], 3);
  double g = atk_rng_uniform (r, 0.8, 1.4);
  c->glass[0] = (unsigned char) (75 * g), c->glass[1] = (unsigned char) (62 * g), c->glass[2] = (unsigned char) (52 * g);
  for (int k = 0; k < 3; k++)
    c->end[k] = (unsigned char) (c->body[k] * 0.8);
}

/* The boxes, in the vehicle frame. */
static int
parts (const struct atk_carrier *c, struct part out[ATK_MAX_PRISMS])
{
  double L = c->len, W = c->wid, H = c->hgt;
  switch (c->kind) {
  case ATK_BUS:
  case ATK_VAN:
    out[0] = (struct part){MAIN, 0, 0, L, W, c->kind == ATK_BUS ? 0.28 : 0.3, H};
    return 1;
  case ATK_TRAM: {
    double gap = 0.7, ls = (L - 2 * gap) / 3;
    for (int k = 0; k < 3; k++)
      out[k] = (struct part){k == c->section ? MAIN : SECTION, -L / 2 + ls / 2 + k * (ls + gap), 0, ls, W, 0.2, H};
    for (int k = 0; k < 2; k++)
      out[3 + k] = (struct part){BELLOWS, -L / 2 + ls + gap / 2 + k * (ls + gap), 0, gap + 0.02, W - 0.3, 0.4, H - 0.2};
    return 5;
  }
  case ATK_LORRY:
    out[0] = (struct part){MAIN, -L / 2 + (L - 2.6) / 2, 0, L - 2.6, W, 1.0, H};
    out[1] = (struct part){CAB, L / 2 - 1.15, 0, 2.3, W, 0.5, 3.0};
    return 2;
  default: /* taxi: the body, the cabin on it, the sign or panel on the cabin */
    out[0] = (struct part){MAIN, 0, 0, L, W, 0.25, 0.95};
    out[1] = (struct part){CABIN, -0.25, 0, 2.4, W - 0.2, 0.95, H};
    bool across = c->has_print && c->placement == ATK_PLACE_REAR;
    double sl = 1.0, sw = c->mount == ATK_ROOF_PANEL ? 0.1 : 0.14;
    double top = c->mount == ATK_ROOF_PANEL ? H + 0.03 + c->panel_h : H + 0.37;
    out[2] = (struct part){SIGN, -0.1, 0, across ? sw : sl, across ? sl : sw, H + 0.03, top};
    return 3;
  }
}

static void
to_prism (const struct part *p, const double centre[2], const double d[2], struct atk_prism *out)
{
  double n[2] = {-d[1], d[0]};
  out->c[0] = centre[0] + d[0] * p->x + n[0] * p->y, out->c[1] = centre[1] + d[1] * p->x + n[1] * p->y;
  out->d[0] = d[0], out->d[1] = d[1];
  out->len = p->len, out->wid = p->wid, out->z0 = p->z0, out->z1 = p->z1;
}

int
atk_carrier_prisms (const struct atk_carrier *c, const double centre[2], const double d[2],
                    struct atk_prism out[ATK_MAX_PRISMS])
{
  struct part p[ATK_MAX_PRISMS] = {0}; /* parts() fills n of them; zeroed so no compiler sees the rest used */
  int n = parts (c, p);
  for (int i = 0; i < n; i++)
    to_prism (&p[i], centre, d, &out[i]);
  return n;
}

/* The part an advert goes on. */
static int
mount_part (const struct atk_carrier *c, const struct part *p, int n)
{
  for (int i = 0; i < n; i++)
    if (p[i].role == (c->mount == ATK_BODY ? MAIN : SIGN))
      return i;
  return 0;
}

void
atk_carrier_face (const struct atk_carrier *c, enum atk_placement pl, double *w, double *z0, double *z1, double *x)
{
  struct part p[ATK_MAX_PRISMS] = {0}; /* parts() fills n of them; zeroed so no compiler sees the rest used */
  int n = parts (c, p), m = mount_part (c, p, n);
  *w = pl == ATK_PLACE_REAR ? p[m].wid : p[m].len;
  *x = p[m].x;
  double margin = p[m].role == SIGN ? 0.02 : 0.06;
  *z0 = p[m].z0 + margin, *z1 = p[m].z1 - margin;
}

bool
atk_carrier_print_rect (const struct atk_site *s, const struct atk_carrier *c, const double centre[2],
                        const double d[2], struct atk_rect *out)
{
  struct part p[ATK_MAX_PRISMS] = {0}; /* parts() fills n of them; zeroed so no compiler sees the rest used */
  int n = parts (c, p), m = mount_part (c, p, n);
  struct atk_prism pr;
  to_prism (&p[m], centre, d, &pr);
  enum atk_face f = c->placement == ATK_PLACE_REAR ? ATK_REAR : atk_prism_seen_side (s, &pr);
  if (!atk_prism_face_visible (s, &pr, f))
    return false;
  atk_prism_face (s, &pr, f, c->print_x, c->print_x + c->print_w, c->print_z0, c->print_z1, out);
  return true;
}

/* ---- painting ---- */

static void
band (struct cv_image *dst, const struct atk_site *s, const struct atk_prism *p, enum atk_face f, double x0, double x1,
      double z0, double z1, const unsigned char col[3])
{
  struct atk_rect r;
  atk_prism_face (s, p, f, x0, x1, z0, z1, &r);
  atk_fill_rect3 (dst, s, &r, col);
}

static void
shade (const unsigned char in[3], double k, unsigned char out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = (unsigned char) fmin (255, in[i] * k);
}

static void
wheel (struct cv_image *dst, const struct atk_site *s, const struct atk_prism *p, enum atk_face f, double x, double r)
{
  static const unsigned char tyre[3] = {22, 22, 22}, hub[3] = {150, 150, 150};
  band (dst, s, p, f, x - r, x + r, 0, 2 * r, tyre);
  band (dst, s, p, f, x - r * 0.4, x + r * 0.4, r * 0.6, r * 1.4, hub);
}

/* Windows along a side from X0 to X1, pillars every PITCH metres. */
static void
windows (struct cv_image *dst, const struct atk_site *s, const struct atk_prism *p, enum atk_face f, double x0,
         double x1, double z0, double z1, double pitch, const struct atk_carrier *c)
{
  band (dst, s, p, f, x0, x1, z0, z1, c->glass);
  for (double x = x0 + pitch; x < x1 - 0.3; x += pitch)
    band (dst, s, p, f, x - 0.06, x + 0.06, z0, z1, c->body);
}

static void
paint_side (struct cv_image *dst, const struct atk_site *s, const struct atk_carrier *c, const struct part *pt,
            const struct atk_prism *p, enum atk_face f)
{
  double L = p->len, H = p->z1;
  unsigned char dark[3], black[3] = {28, 28, 28};
  shade (c->body, 0.45, dark);
  switch (c->kind) {
  case ATK_BUS:
    band (dst, s, p, f, 0, L, p->z0, p->z0 + 0.18, dark);
    if (H > 4) {
      windows (dst, s, p, f, 0.4, L - 0.3, 1.3, 2.2, 1.5, c);
      windows (dst, s, p, f, 0.3, L - 0.3, 2.6, 3.75, 1.5, c);
    } else {
      windows (dst, s, p, f, 0.4, L - 0.3, 1.35, 2.75, 1.45, c);
    }
    band (dst, s, p, f, 0, L, 1.12, 1.25, c->trim);
    band (dst, s, p, f, L - 1.7, L - 0.5, 0.3, H > 4 ? 2.2 : 2.75, c->door_open ? black : c->glass);
    band (dst, s, p, f, L / 2 - 0.6, L / 2 + 0.6, 0.3, H > 4 ? 2.2 : 2.75, c->glass);
    wheel (dst, s, p, f, 3.0, 0.5);
    wheel (dst, s, p, f, L - 2.6, 0.5);
    break;
  case ATK_TRAM:
    if (pt->role == BELLOWS) {
      band (dst, s, p, f, 0, L, p->z0, p->z1, black);
      break;
    }
    band (dst, s, p, f, 0, L, p->z0, 0.5, c->trim);
    windows (dst, s, p, f, 0.3, L - 0.3, 1.0, 2.55, 1.6, c);
    band (dst, s, p, f, L * 0.2, L * 0.2 + 1.3, 0.3, 2.6, dark);
    band (dst, s, p, f, L * 0.65, L * 0.65 + 1.3, 0.3, 2.6, dark);
    break;
  case ATK_LORRY:
    if (pt->role == CAB) {
      band (dst, s, p, f, 0.9, 2.1, 1.8, 2.7, c->glass);
      band (dst, s, p, f, 0.8, 0.85, 0.6, 2.8, dark);
      wheel (dst, s, p, f, 1.3, 0.5);
    } else {
      band (dst, s, p, f, 0, L, 0.6, 1.0, black); /* chassis under the box */
      band (dst, s, p, f, 0, L, 1.0, 1.15, c->trim);
      wheel (dst, s, p, f, 1.2, 0.5);
      wheel (dst, s, p, f, 2.3, 0.5);
      if (L > 7)
        wheel (dst, s, p, f, L - 1.0, 0.5);
    }
    break;
  case ATK_VAN:
    band (dst, s, p, f, L - 1.9, L - 0.9, 1.3, H - 0.3, c->glass);
    band (dst, s, p, f, L - 2.0, L - 1.95, 0.4, H - 0.2, dark);
    band (dst, s, p, f, L - 3.6, L - 3.55, 0.4, H - 0.2, dark);
    band (dst, s, p, f, 0, L, 0.9, 0.97, c->trim);
    wheel (dst, s, p, f, 1.0, 0.33);
    wheel (dst, s, p, f, L - 1.1, 0.33);
    break;
  default: /* taxi */
    if (pt->role == MAIN) {
      band (dst, s, p, f, L * 0.5 - 0.03, L * 0.5 + 0.03, 0.3, 0.95, dark);
      band (dst, s, p, f, 0, L, 0.55, 0.6, c->trim);
      wheel (dst, s, p, f, 0.95, 0.31);
      wheel (dst, s, p, f, L - 1.05, 0.31);
    } else if (pt->role == CABIN) {
      windows (dst, s, p, f, 0.15, L - 0.15, 1.0, H - 0.08, 1.15, c);
    } else {
      static const unsigned char lit[3] = {200, 235, 245};
      band (dst, s, p, f, 0, L, p->z0, p->z1, lit);
    }
    break;
  }
}

static void
paint_end (struct cv_image *dst, const struct atk_site *s, const struct atk_carrier *c, const struct part *pt,
           const struct atk_prism *p, enum atk_face f)
{
  static const unsigned char red[3] = {30, 30, 210}, white[3] = {235, 240, 240}, black[3] = {28, 28, 28};
  double W = p->wid, H = p->z1;
  bool front = f == ATK_FRONT;
  if (pt->role == BELLOWS || pt->role == SIGN)
    return;
  if (pt->role == CABIN) {
    band (dst, s, p, f, 0.1, W - 0.1, 1.0, H - 0.08, c->glass);
    return;
  }
  if (front && c->kind != ATK_LORRY) /* windscreen */
    band (dst, s, p, f, 0.15, W - 0.15, c->kind == ATK_TAXI ? 0.7 : 1.1, c->kind == ATK_TAXI ? 0.9 : H - 0.35, c->glass);
  if (front && c->kind == ATK_LORRY && pt->role == CAB)
    band (dst, s, p, f, 0.15, W - 0.15, 1.6, 2.7, c->glass);
  if (!front && (c->kind == ATK_BUS || c->kind == ATK_TRAM))
    band (dst, s, p, f, 0.3, W - 0.3, H - 1.1, H - 0.3, c->glass);
  if (!front && (c->kind == ATK_LORRY || c->kind == ATK_VAN) && pt->role == MAIN) /* rear doors */
    band (dst, s, p, f, W / 2 - 0.02, W / 2 + 0.02, p->z0 + 0.05, H - 0.05, black);
  double zl = pt->role == MAIN && c->kind == ATK_LORRY ? 1.1 : 0.55;
  band (dst, s, p, f, 0.08, 0.35, zl, zl + 0.2, front ? white : red);
  band (dst, s, p, f, W - 0.35, W - 0.08, zl, zl + 0.2, front ? white : red);
}

static void
paint_prism (struct cv_image *dst, const struct atk_site *s, const struct atk_carrier *c, const struct part *pt,
             const struct atk_prism *p)
{
  double k[4][2], q[8];
  atk_prism_corners (p, k);
  unsigned char roof[3], col[3];
  memcpy (col, pt->role == BELLOWS ? (const unsigned char[3]){28, 28, 28} : c->body, 3);
  shade (col, 1.12, roof);
  for (int i = 0; i < 4; i++)
    atk_project (s, k[i], p->z1, &q[2 * i], &q[2 * i + 1]);
  atk_depth_plane ((const double[3][3]){{k[0][0], k[0][1], p->z1}, {k[1][0], k[1][1], p->z1}, {k[2][0], k[2][1], p->z1}});
  atk_fill (dst, q, roof);
  static const enum atk_face faces[4] = {ATK_LEFT, ATK_RIGHT, ATK_FRONT, ATK_REAR};
  for (int i = 0; i < 4; i++) {
    if (!atk_prism_face_visible (s, p, faces[i]))
      continue;
    bool side = i < 2;
    band (dst, s, p, faces[i], 0, side ? p->len : p->wid, p->z0, p->z1, side ? col : c->end);
    if (side)
      paint_side (dst, s, c, pt, p, faces[i]);
    else
      paint_end (dst, s, c, pt, p, faces[i]);
  }
}

void
atk_carrier_draw (struct cv_image *dst, const struct atk_site *s, const struct atk_carrier *c, const double centre[2],
                  const double d[2])
{
  struct part pt[ATK_MAX_PRISMS] = {0}; /* parts() fills n of them; zeroed so no compiler sees the rest used */
  struct atk_prism pr[ATK_MAX_PRISMS];
  int n = parts (c, pt), order[ATK_MAX_PRISMS];
  for (int i = 0; i < n; i++)
    to_prism (&pt[i], centre, d, &pr[i]), order[i] = i;
  /* far to near; stacked boxes (a cabin on its body) bottom up */
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0; j--) {
      const struct atk_prism *a = &pr[order[j - 1]], *b = &pr[order[j]];
      struct atk_foot fa, fb;
      atk_foot_of_prism (a, 0, &fa);
      atk_foot_of_prism (b, 0, &fb);
      int o = atk_foot_order (s, &fa, &fb); /* 1: a in front of b */
      bool swap = o == 1 || (o == 0 && a->z0 > b->z0 + 0.01) ||
                  (o == 0 && fabs (a->z0 - b->z0) <= 0.01 && atk_foot_distance (s, &fa) < atk_foot_distance (s, &fb));
      if (!swap)
        break;
      int t = order[j - 1];
      order[j - 1] = order[j], order[j] = t;
    }
  int m = mount_part (c, pt, n);
  for (int i = 0; i < n; i++) {
    paint_prism (dst, s, c, &pt[order[i]], &pr[order[i]]);
    if (order[i] != m || !c->has_print || !c->pic)
      continue;
    struct atk_rect r;
    if (!atk_carrier_print_rect (s, c, centre, d, &r))
      continue;
    double q[8];
    atk_rect_quad (s, &r, q);
    atk_depth_rect (&r);
    atk_paste (dst, &c->pic->f[0].im, q, false);
  }
}
