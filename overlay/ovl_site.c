#include "ovl_site.h"

#include "zone_camera.h"
#include "zone_geom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (crosswatch-overlay-error, ovl_error)

const unsigned char OVL_ZONE_COLOUR[OVL_ZONE_KINDS][4] = {
    [OVL_ZONE_CROSSWALK] = {60, 220, 60, 255},   /* green */
    [OVL_ZONE_CARRIAGEWAY] = {0, 140, 255, 255}, /* orange */
    [OVL_ZONE_KERB] = {0, 230, 230, 255},        /* yellow */
    [OVL_ZONE_IGNORE] = {160, 160, 160, 255},    /* grey */
};
static const char *const ZONE_KIND_NAMES[OVL_ZONE_KINDS] = {"crosswalk", "carriageway", "kerb", "ignore"};
const unsigned char OVL_GRID_COLOUR[4] = {255, 255, 0, 255};      /* cyan */
const unsigned char OVL_BAND_COLOUR[4] = {255, 0, 255, 255};      /* magenta */
const unsigned char OVL_SCALE_COLOUR[4] = {255, 255, 255, 255};   /* white */
const unsigned char OVL_TRACK_COLOUR[4] = {0, 255, 0, 255};       /* green */
const unsigned char OVL_DETECTION_COLOUR[4] = {0, 255, 255, 255}; /* yellow */
const unsigned char OVL_DECISION_COLOUR[4] = {0, 0, 255, 255};    /* red */

static const unsigned char LABEL_BACKGROUND[4] = {0, 0, 0, 200};
static const unsigned char FAINT_COLOUR[4] = {170, 170, 170, 255};

/* How opaque each part of the site's layer is: fills let the road show through. */
#define ZONE_FILL_ALPHA 70
#define BAND_ALPHA 120
#define GRID_ALPHA 220

/* The grid covers the ground seen within this distance of the ground point
 * at the picture's bottom centre: beyond, lines crowd at the horizon. */
#define GRID_REACH_M 60.0
/* The depth band is decided on blocks of this many pixels a side. */
#define BAND_BLOCK 3
/* Site labels start this far down: the status bar covers the top. */
#define STATUS_BAR_CLEAR 32
#define GRID_MAX_LINES 40

struct ovl_zone {
  char *name;
  enum ovl_zone_kind kind;
  double *xy;             /* image pixels, x0,y0,... (for drawing) */
  struct zone_pt *px;     /* the same points (for the geometry) */
  struct zone_pt *ground; /* the same points on the ground, or NULL */
  int n;
};

struct decision {
  char rule[32], verdict[32];
  double until_s;
};

struct ovl_site {
  struct ovl_zone *zones;
  int n_zones;
  bool calibrated;
  double to_ground[9], to_image[9];
  double focal_px, min_depth_m;
  /* the site's layer, for one picture size and one set of layers */
  unsigned char *layer;
  int layer_w, layer_h, layer_stride;
  unsigned layer_key;
  bool layer_drawn; /* anything on it at all */
  struct ovl_site_report report;
  GHashTable *decisions; /* track id -> struct decision */
  char failure[256];     /* OpenCV's message for the first drawing that failed, since the last draw */
};

static void
check (struct ovl_site *s, cv_status st)
{
  if (st != CV_OK && !s->failure[0])
    g_strlcpy (s->failure, *cv_last_error () ? cv_last_error () : "invalid drawing", sizeof s->failure);
}

struct ovl_site *
ovl_site_create (const struct ovl_site_params *params)
{
  struct ovl_site *s = g_new0 (struct ovl_site, 1);
  s->decisions = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  if (!params)
    return s;
  s->calibrated = params->calibrated && zone_homography_invert (params->to_ground, s->to_image);
  if (s->calibrated)
    memcpy (s->to_ground, params->to_ground, sizeof s->to_ground);
  s->focal_px = params->focal_px;
  s->min_depth_m = params->min_depth_m;
  s->zones = g_new0 (struct ovl_zone, MAX (params->n_zones, 1));
  for (int i = 0; i < params->n_zones; i++) {
    const struct ovl_zone_params *z = &params->zones[i];
    if (z->n < 1 || (unsigned) z->kind >= OVL_ZONE_KINDS)
      continue;
    struct ovl_zone *o = &s->zones[s->n_zones++];
    o->name = g_strdup (z->name ? z->name : "");
    o->kind = z->kind;
    o->n = z->n;
    o->xy = g_memdup2 (z->xy, sizeof (double) * 2 * z->n);
    o->px = g_new (struct zone_pt, z->n);
    for (int k = 0; k < z->n; k++)
      o->px[k] = (struct zone_pt){z->xy[2 * k], z->xy[2 * k + 1]};
    o->ground = g_new (struct zone_pt, z->n);
    if (!s->calibrated || !zone_polygon_apply_homography (s->to_ground, o->px, z->n, o->ground))
      g_clear_pointer (&o->ground, g_free); /* a point above the horizon: no ground polygon */
  }
  return s;
}

void
ovl_site_free (struct ovl_site *s)
{
  if (!s)
    return;
  for (int i = 0; i < s->n_zones; i++) {
    g_free (s->zones[i].name);
    g_free (s->zones[i].xy);
    g_free (s->zones[i].px);
    g_free (s->zones[i].ground);
  }
  g_free (s->zones);
  g_free (s->layer);
  g_hash_table_unref (s->decisions);
  g_free (s);
}

bool
ovl_site_ground_to_image (const struct ovl_site *s, double x, double y, double *u, double *v)
{
  struct zone_pt p;
  if (!s->calibrated || !zone_homography_apply (s->to_image, (struct zone_pt){x, y}, &p))
    return false;
  *u = p.x, *v = p.y;
  return true;
}

static void
colour_with_alpha (const unsigned char c[4], int alpha, unsigned char out[4])
{
  memcpy (out, c, 3);
  out[3] = (unsigned char) alpha;
}

/* ---- the site's layer ---- */

static double
choose_grid_step (double extent_m)
{
  static const double steps[] = {0.5, 1, 2, 5, 10, 20};
  for (size_t i = 0; i < G_N_ELEMENTS (steps); i++)
    if (extent_m / steps[i] <= GRID_MAX_LINES)
      return steps[i];
  return 50;
}

/* One ground line from (X0, Y0) to (X1, Y1), drawn where it is in front of
 * the camera and near the picture; its label at its point nearest the
 * bottom of the picture. */
static void
draw_ground_line (struct ovl_site *s, struct cv_image *img, double x0, double y0, double x1, double y1,
                  const char *label)
{
  enum { PIECES = 240 };
  unsigned char colour[4];
  colour_with_alpha (OVL_GRID_COLOUR, GRID_ALPHA, colour);
  double run[2 * (PIECES + 1)];
  int n = 0;
  double best_v = -1, best_u = 0;
  const double margin_u = img->width * 0.5, margin_v = img->height * 0.5;
  for (int i = 0; i <= PIECES + 1; i++) {
    double u = 0, v = 0, t = (double) i / PIECES;
    bool ok = i <= PIECES && ovl_site_ground_to_image (s, x0 + t * (x1 - x0), y0 + t * (y1 - y0), &u, &v) &&
              u > -margin_u && u < img->width + margin_u && v > -margin_v && v < img->height + margin_v;
    if (ok) {
      run[2 * n] = u, run[2 * n + 1] = v;
      n++;
      if (u >= 40 && u < img->width - 70 && v < img->height - 34 && v > best_v)
        best_v = v, best_u = u;
      continue;
    }
    if (n >= 2)
      check (s, cv_draw_polyline (img, run, n, 0, colour, 1));
    n = 0;
  }
  if (label && best_v >= 0)
    check (s, cv_draw_text (img, best_u + 2, best_v - 14, label, 10, colour, LABEL_BACKGROUND, NULL));
}

static void
draw_grid (struct ovl_site *s, struct cv_image *img)
{
  struct zone_pt centre;
  if (!zone_homography_apply (s->to_ground, (struct zone_pt){img->width / 2.0, img->height - 1.0}, &centre))
    return;
  /* the ground seen within reach: the picture sampled on a grid */
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  for (int j = 0; j <= 32; j++)
    for (int i = 0; i <= 32; i++) {
      struct zone_pt g;
      if (!zone_homography_apply (s->to_ground, (struct zone_pt){img->width * i / 32.0, img->height * j / 32.0}, &g))
        continue;
      if (hypot (g.x - centre.x, g.y - centre.y) > GRID_REACH_M)
        continue;
      x_min = fmin (x_min, g.x), x_max = fmax (x_max, g.x);
      y_min = fmin (y_min, g.y), y_max = fmax (y_max, g.y);
    }
  if (!isfinite (x_min) || !isfinite (y_min))
    return;
  double step = choose_grid_step (fmax (x_max - x_min, y_max - y_min));
  s->report.grid_step_m = step;
  /* a label on every line when they are few, else on every fifth */
  long label_every = (x_max - x_min) / step > 12 || (y_max - y_min) / step > 12 ? 5 : 1;
  for (long k = (long) floor (x_min / step); k <= (long) ceil (x_max / step); k++) {
    char label[32];
    snprintf (label, sizeof label, "x %g m", k * step);
    draw_ground_line (s, img, k * step, y_min, k * step, y_max, k % label_every == 0 ? label : NULL);
  }
  for (long k = (long) floor (y_min / step); k <= (long) ceil (y_max / step); k++) {
    char label[32];
    snprintf (label, sizeof label, "y %g m", k * step);
    draw_ground_line (s, img, x_min, k * step, x_max, k * step, k % label_every == 0 ? label : NULL);
  }
}

/* Pixels of the carriageway nearer its edge, on the ground, than
 * min_depth_m: a foot point there is not yet "in the road" (zone_rules.c). */
static void
draw_depth_band (struct ovl_site *s, struct cv_image *img)
{
  long inside = 0, in_band = 0;
  for (int i = 0; i < s->n_zones; i++) {
    const struct ovl_zone *z = &s->zones[i];
    if (z->kind != OVL_ZONE_CARRIAGEWAY || !z->ground)
      continue;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int k = 0; k < z->n; k++)
      x0 = fmin (x0, z->px[k].x), x1 = fmax (x1, z->px[k].x), y0 = fmin (y0, z->px[k].y), y1 = fmax (y1, z->px[k].y);
    /* clamped while still doubles: a zone point may be far off the picture */
    int u0 = (int) CLAMP (floor (x0), 0, img->width - 1), u1 = (int) CLAMP (ceil (x1), 0, img->width - 1);
    int v0 = (int) CLAMP (floor (y0), 0, img->height - 1), v1 = (int) CLAMP (ceil (y1), 0, img->height - 1);
    /* decided per block of BAND_BLOCK pixels, at its centre: the test costs
     * every edge of the polygon, and the band need not be sharper */
    for (int v = v0; v <= v1; v += BAND_BLOCK)
      for (int u = u0; u <= u1; u += BAND_BLOCK) {
        int bw = MIN (BAND_BLOCK, u1 - u + 1), bh = MIN (BAND_BLOCK, v1 - v + 1);
        struct zone_pt p = {u + bw / 2.0, v + bh / 2.0}, g;
        if (!zone_polygon_contains (z->px, z->n, p))
          continue;
        inside += bw * bh;
        if (!zone_homography_apply (s->to_ground, p, &g) ||
            zone_polygon_edge_distance (z->ground, z->n, g) >= s->min_depth_m)
          continue;
        in_band += bw * bh;
        for (int y = v; y < v + bh; y++)
          for (int x = u; x < u + bw; x++) {
            unsigned char *d = img->data + (size_t) y * img->stride + (size_t) x * img->channels;
            memcpy (d, OVL_BAND_COLOUR, 3);
            d[3] = BAND_ALPHA;
          }
      }
  }
  s->report.band_share = inside ? (double) in_band / inside : 0;
}

static void
draw_scale_people (struct ovl_site *s, struct cv_image *img)
{
  struct zone_camera cam;
  if (!zone_camera_from_homography (s->to_ground, img->width, img->height, s->focal_px, &cam))
    return;
  s->report.camera_model = true;
  /* rows staggered, so a box's feet are never under the next one's label */
  static const double rows[][4] = {{0.55, 0.2, 0.5, 0.8}, {0.75, 0.35, 0.65, -1}, {0.95, 0.2, 0.5, 0.8}};
  for (size_t j = 0; j < G_N_ELEMENTS (rows); j++)
    for (size_t i = 1; i < 4 && rows[j][i] >= 0; i++) {
      double u = rows[j][i] * img->width, v = rows[j][0] * img->height;
      double h = zone_camera_person_px (&cam, u, v, OVL_SCALE_HEIGHT_M);
      if (!(h >= 8 && h <= v))
        continue;
      /* shoulders about a quarter of the height: the box a detector gives */
      double w = 0.26 * h;
      check (s, cv_draw_rect (img, u - w / 2, v - h, w, h, OVL_SCALE_COLOUR, 1));
      check (s, cv_draw_rect (img, u - w / 2 - 3, v - 1, w + 6, 2, OVL_SCALE_COLOUR, 0)); /* the feet */
      if (h >= 30) /* beside the head */
        check (s, cv_draw_text (img, u + w / 2 + 2, v - h, "1.75 m", 10, OVL_SCALE_COLOUR, LABEL_BACKGROUND, NULL));
      s->report.scale_people++;
    }
}

static void
draw_zones (struct ovl_site *s, struct cv_image *img, bool fill)
{
  for (int i = 0; i < s->n_zones; i++) {
    const struct ovl_zone *z = &s->zones[i];
    unsigned char c[4];
    colour_with_alpha (OVL_ZONE_COLOUR[z->kind], ZONE_FILL_ALPHA, c);
    if (fill) {
      check (s, cv_draw_fill_polygon (img, z->xy, z->n, c));
      continue;
    }
    check (s, cv_draw_polyline (img, z->xy, z->n, 1, OVL_ZONE_COLOUR[z->kind], 2));
    char label[96];
    snprintf (label, sizeof label, "%s (%s)", z->name, ZONE_KIND_NAMES[z->kind]);
    /* the label at the polygon's top-most point, inside the picture */
    int top = 0;
    for (int k = 1; k < z->n; k++)
      if (z->xy[2 * k + 1] < z->xy[2 * top + 1])
        top = k;
    double x = CLAMP (z->xy[2 * top], 0, MAX (0, img->width - cv_text_width (label, 11))),
           y = CLAMP (z->xy[2 * top + 1] + 4, STATUS_BAR_CLEAR, img->height - 20); /* below the bar */
    check (s, cv_draw_text (img, x, y, label, 11, OVL_ZONE_COLOUR[z->kind], LABEL_BACKGROUND, NULL));
  }
}

/* Pixel coordinates along the left and bottom edges: a tick every 50 px,
 * a number every 100. */
static void
draw_ruler (struct ovl_site *s, struct cv_image *img)
{
  static const unsigned char ink[4] = {255, 255, 255, 255};
  for (int x = 0; x < img->width; x += 50) {
    double tick = x % 100 == 0 ? 12 : 6;
    check (s, cv_draw_rect (img, x, img->height - tick, 1, tick, ink, 0));
    char label[16];
    snprintf (label, sizeof label, "%d", x);
    if (x % 100 == 0 && x > 0 && x < img->width - 30)
      check (s, cv_draw_text (img, x + 2, img->height - 30, label, 10, ink, LABEL_BACKGROUND, NULL));
  }
  for (int y = 0; y < img->height; y += 50) {
    double tick = y % 100 == 0 ? 12 : 6;
    check (s, cv_draw_rect (img, 0, y, tick, 1, ink, 0));
    char label[16];
    snprintf (label, sizeof label, "%d", y);
    if (y % 100 == 0 && y > 0 && y < img->height - 40)
      check (s, cv_draw_text (img, 2, y + 2, label, 10, ink, LABEL_BACKGROUND, NULL));
  }
}

static unsigned
layer_key (const struct ovl_layers *l)
{
  return (l->zones ? 1u : 0) | (l->grid ? 2u : 0) | (l->scale_people ? 4u : 0) | (l->depth_band ? 8u : 0) |
         (l->ruler ? 16u : 0);
}

/* Draws the site's layer for IMG's size and LAYERS, unless it is drawn. */
static bool
build_layer (struct ovl_site *s, const struct cv_image *img, const struct ovl_layers *layers, GError **error)
{
  unsigned key = layer_key (layers);
  if (s->layer && s->layer_w == img->width && s->layer_h == img->height && s->layer_key == key)
    return true;
  g_free (s->layer);
  s->layer_w = img->width, s->layer_h = img->height, s->layer_key = key, s->layer_stride = 4 * img->width;
  s->layer = g_malloc0 ((size_t) s->layer_stride * img->height);
  memset (&s->report, 0, sizeof s->report);
  s->report.calibrated = s->calibrated;
  s->layer_drawn = key != 0 && (s->n_zones > 0 || s->calibrated || layers->ruler);
  struct cv_image l = {s->layer, img->width, img->height, s->layer_stride, 4};
  /* a calibration whose horizon crosses the picture's bottom is wrong:
   * nothing measured from it is drawn */
  struct zone_pt g;
  s->report.sees_ground = s->calibrated && zone_homography_apply (s->to_ground, (struct zone_pt){img->width / 2.0,
                                                                                                  img->height - 1.0}, &g);
  bool ground = s->report.sees_ground;
  /* fills first, then the band over them, then lines and labels on top */
  if (layers->zones)
    draw_zones (s, &l, true);
  if (layers->depth_band && ground)
    draw_depth_band (s, &l);
  if (layers->grid && ground)
    draw_grid (s, &l);
  if (layers->zones)
    draw_zones (s, &l, false);
  if (layers->scale_people && ground)
    draw_scale_people (s, &l);
  if (layers->ruler)
    draw_ruler (s, &l);
  if (s->failure[0]) {
    g_set_error (error, OVL_ERROR, OVL_ERROR_DRAWING, "drawing the site's layer: %s", s->failure);
    g_clear_pointer (&s->layer, g_free); /* drawn again next time */
    return false;
  }
  return true;
}

/* IMG = IMG + (layer - IMG) * alpha, where the layer has anything. */
static void
composite (const struct ovl_site *s, struct cv_image *img)
{
  for (int v = 0; v < img->height; v++) {
    const unsigned char *l = s->layer + (size_t) v * s->layer_stride;
    unsigned char *d = img->data + (size_t) v * img->stride;
    for (int u = 0; u < img->width; u++, l += 4, d += img->channels) {
      unsigned a = l[3];
      if (!a)
        continue;
      for (int c = 0; c < 3; c++)
        d[c] = (unsigned char) ((d[c] * (255 - a) + l[c] * a + 127) / 255);
    }
  }
}

/* ---- the frame's people ---- */

static void
remember_decisions (struct ovl_site *s, const struct ovl_person *people, int n, double t_s)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, s->decisions);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (((struct decision *) v)->until_s < t_s || ((struct decision *) v)->until_s > t_s + 2 * OVL_DECISION_SHOWN_S)
      g_hash_table_iter_remove (&it); /* shown long enough, or time went back (a seek) */
  for (int i = 0; i < n; i++) {
    if (!people[i].candidate || people[i].track_id < 0)
      continue;
    struct decision *d = g_new0 (struct decision, 1);
    g_strlcpy (d->rule, people[i].candidate, sizeof d->rule);
    g_strlcpy (d->verdict, people[i].verdict ? people[i].verdict : "", sizeof d->verdict);
    d->until_s = t_s + OVL_DECISION_SHOWN_S;
    g_hash_table_replace (s->decisions, GINT_TO_POINTER (people[i].track_id), d);
  }
}

static void
draw_people (struct ovl_site *s, struct cv_image *img, const struct ovl_person *people, int n, double t_s)
{
  bool any_accused = false;
  for (int i = 0; i < n; i++)
    any_accused |= people[i].accused;
  remember_decisions (s, people, n, t_s);
  double text_px = CLAMP (img->height / 48.0, 10, 24);
  for (int i = 0; i < n; i++) {
    const struct ovl_person *p = &people[i];
    const struct decision *d =
        p->track_id >= 0 ? g_hash_table_lookup (s->decisions, GINT_TO_POINTER (p->track_id)) : NULL;
    const unsigned char *colour = p->track_id < 0 ? OVL_DETECTION_COLOUR : OVL_TRACK_COLOUR;
    int thickness = p->track_id < 0 ? 1 : 2;
    if (d)
      colour = OVL_DECISION_COLOUR, thickness = 3;
    if (any_accused && !p->accused)
      colour = FAINT_COLOUR, thickness = 1;
    else if (p->accused)
      colour = OVL_DECISION_COLOUR, thickness = MAX (3, img->height / 200);
    check (s, cv_draw_rect (img, p->box[0], p->box[1], p->box[2], p->box[3], colour, thickness));
    if (p->track_id < 0 || (any_accused && !p->accused))
      continue;
    char label[128];
    int len = snprintf (label, sizeof label, "#%d", p->track_id);
    if (p->has_speed)
      len += snprintf (label + len, sizeof label - len, " %.1f m/s", p->speed_mps);
    if (d)
      snprintf (label + len, sizeof label - len, " %s%s%s", d->rule, *d->verdict ? " " : "", d->verdict);
    /* the whole label on the picture, above the box where there is room */
    double x = CLAMP (p->box[0], 0, MAX (0, img->width - cv_text_width (label, text_px)));
    check (s, cv_draw_text (img, x, MAX (0, p->box[1] - text_px - 8), label, text_px, colour, LABEL_BACKGROUND, NULL));
  }
}

bool
ovl_site_draw (struct ovl_site *s, struct cv_image *img, const struct ovl_layers *layers,
               const struct ovl_person *people, int n, double t_s, const char *status, GError **error)
{
  if (!img || !img->data || (img->channels != 3 && img->channels != 4) || img->width <= 0 || img->height <= 0) {
    g_set_error (error, OVL_ERROR, OVL_ERROR_PICTURE, "the overlay draws on BGR or BGRx pictures only");
    return false;
  }
  s->failure[0] = 0;
  if (!build_layer (s, img, layers, error))
    return false;
  if (s->layer_drawn)
    composite (s, img);
  if (layers->people)
    draw_people (s, img, people, n, t_s);
  if (layers->status && status && *status) {
    /* as large as fits the width, up to a 36th of the height */
    double text_px = CLAMP (img->height / 36.0, 10, 32);
    int width = cv_text_width (status, text_px);
    if (width > img->width - 8)
      text_px = MAX (6, text_px * (img->width - 8) / width);
    static const unsigned char white[4] = {255, 255, 255, 255}, bar[4] = {0, 0, 0, 255};
    check (s, cv_draw_rect (img, 0, 0, img->width, text_px * 1.8, bar, 0));
    check (s, cv_draw_text (img, 4, 0, status, text_px, white, NULL, NULL));
  }
  if (s->failure[0]) {
    g_set_error (error, OVL_ERROR, OVL_ERROR_DRAWING, "drawing the overlay: %s", s->failure);
    return false;
  }
  return true;
}

void
ovl_site_report (const struct ovl_site *s, struct ovl_site_report *out)
{
  *out = s->report;
  out->calibrated = s->calibrated;
}
