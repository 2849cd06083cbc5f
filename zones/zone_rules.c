#include "zone_rules.h"

#include "zone_motion.h"

#include <math.h>
#include <string.h>

struct zone_poly {
  const char *name; /* owned by zone_rules.names */
  enum hwcfg_zone_kind kind;
  struct zone_pt *px; /* image */
  struct zone_pt *gm; /* ground, when the homography maps every vertex */
  int n;
};

struct crossing {
  int inside_streak, outside_streak, deep_streak, deep_outside_cw_streak;
  int streak_start_frame;
  double streak_start_t;
  struct zone_signal_state streak_start_signal;
  bool in_crossing, violated;
  int entry_frame;
  double entry_t;
  struct zone_signal_state entry_signal;
};

struct person {
  int track_id;
  int first_frame, last_frame;
  struct crossing crossing;
  struct zone_motion motion;
};

struct zone_rules {
  struct hwcfg_rules params;
  bool has_h;
  double h[9];
  struct zone_poly *polys;
  int n_polys;
  char **names;
  GHashTable *people; /* track id -> struct person */
};

/* A lost track's state is kept this long (frames), so that a person
 * re-acquired mid-road continues the same crossing. */
#define KEEP_LOST_FRAMES 300
/* A new track continues a lost one's crossing when it appears within this
 * many seconds of the loss, and within reach on foot: RELINK_BASE_M plus
 * RELINK_SPEED_MPS per second of gap. */
#define RELINK_GAP_S 5.0
#define RELINK_BASE_M 1.5
#define RELINK_SPEED_MPS 3.0
#define MOTION_WINDOW_S 1.0

struct zone_rules *
zone_rules_create (const struct hwcfg *cfg, const char *camera, GError **error)
{
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  if (!cam) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no camera '%s'", cfg->path,
                 camera ? camera : "(first)");
    return NULL;
  }
  struct zone_rules *r = g_new0 (struct zone_rules, 1);
  r->params = cfg->rules;
  r->has_h = cam->has_homography;
  memcpy (r->h, cam->homography, sizeof r->h);
  r->polys = g_new0 (struct zone_poly, cfg->n_zones);
  r->names = g_new0 (char *, cfg->n_zones + 1);
  for (int i = 0; i < cfg->n_zones; i++) {
    const struct hwcfg_zone *z = &cfg->zones[i];
    if (!z->camera || strcmp (z->camera, cam->name) != 0 || z->n_points < 3)
      continue;
    struct zone_poly *p = &r->polys[r->n_polys];
    p->name = r->names[r->n_polys] = g_strdup (z->name);
    r->n_polys++;
    p->kind = z->kind;
    p->n = z->n_points;
    p->px = g_new (struct zone_pt, p->n);
    p->gm = g_new (struct zone_pt, p->n);
    bool ground_ok = r->has_h;
    for (int k = 0; k < p->n; k++) {
      p->px[k] = (struct zone_pt){z->polygon[k].x, z->polygon[k].y};
      if (ground_ok && !zone_homography_apply (r->h, p->px[k], &p->gm[k]))
        ground_ok = false;
    }
    if (!ground_ok) {
      g_free (p->gm);
      p->gm = NULL;
    }
  }
  r->people = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return r;
}

void
zone_rules_free (struct zone_rules *r)
{
  if (!r)
    return;
  for (int i = 0; i < r->n_polys; i++) {
    g_free (r->polys[i].px);
    g_free (r->polys[i].gm);
  }
  g_free (r->polys);
  g_strfreev (r->names);
  g_hash_table_destroy (r->people);
  g_free (r);
}

const char *
zone_violation_name (enum zone_violation type)
{
  return type == ZONE_VIOLATION_RED_SIGNAL ? "red_signal" : "outside_crosswalk";
}

/* Where the foot point is: which zone names it, whether it is on the
 * carriageway, in a crosswalk, ignored, and how deep into the carriageway. */
static void
locate (const struct zone_rules *r, struct zone_track_out *o, const struct zone_pt foot, bool *in_crosswalk)
{
  const char *carriageway = NULL, *crosswalk = NULL, *other = NULL;
  double crosswalk_depth = -1;
  *in_crosswalk = false;
  o->depth_m = -1;
  for (int i = 0; i < r->n_polys; i++) {
    const struct zone_poly *p = &r->polys[i];
    if (!zone_polygon_contains (p->px, p->n, foot))
      continue;
    double depth = p->gm && o->has_ground ? zone_polygon_edge_distance (p->gm, p->n, o->ground_m) : -1;
    switch (p->kind) {
    case HWCFG_ZONE_IGNORE:
      o->ignored = true;
      break;
    case HWCFG_ZONE_CROSSWALK:
      crosswalk = crosswalk ? crosswalk : p->name;
      crosswalk_depth = fmax (crosswalk_depth, depth);
      *in_crosswalk = true;
      break;
    case HWCFG_ZONE_CARRIAGEWAY:
      carriageway = carriageway ? carriageway : p->name;
      o->depth_m = fmax (o->depth_m, depth);
      break;
    default:
      other = other ? other : p->name;
      break;
    }
  }
  /* a crosswalk drawn beyond the carriageway's edge still counts as road */
  if (!carriageway && crosswalk)
    o->depth_m = crosswalk_depth;
  o->in_carriageway = carriageway || crosswalk;
  o->zone = crosswalk ? crosswalk : carriageway ? carriageway : other;
}

static void
raise_violation (struct crossing *c, struct zone_track_out *o, enum zone_violation type)
{
  c->violated = true;
  o->violation = true;
  o->type = type;
  o->entry_frame = c->entry_frame;
  o->entry_t_s = c->entry_t;
  o->entry_signal = c->entry_signal;
}

static void
observe (struct zone_rules *r, struct crossing *c, int frame, double t_s, const struct zone_signal_state *sig,
         bool in_crosswalk, struct zone_track_out *o)
{
  const int need = r->params.min_inside_frames;
  if (!o->in_carriageway) {
    c->inside_streak = c->deep_streak = c->deep_outside_cw_streak = 0;
    if (++c->outside_streak >= need) {
      c->in_crossing = false; /* crossing over: the next one may be a new violation */
      c->violated = false;
    }
    return;
  }
  c->outside_streak = 0;
  if (c->inside_streak++ == 0) {
    c->streak_start_frame = frame;
    c->streak_start_t = t_s;
    c->streak_start_signal = *sig;
  }
  bool deep = o->depth_m < 0 || o->depth_m >= r->params.min_depth_m;
  c->deep_streak = deep ? c->deep_streak + 1 : 0;
  c->deep_outside_cw_streak = deep && !in_crosswalk ? c->deep_outside_cw_streak + 1 : 0;
  if (!c->in_crossing && c->deep_streak >= need) {
    c->in_crossing = true;
    c->entry_frame = c->streak_start_frame;
    c->entry_t = c->streak_start_t;
    c->entry_signal = c->streak_start_signal;
    if (!c->violated && c->entry_signal.phase == ZONE_PHASE_DONT_WALK &&
        c->entry_signal.elapsed_s >= r->params.red_grace_s)
      raise_violation (c, o, ZONE_VIOLATION_RED_SIGNAL);
  }
  if (c->in_crossing && !c->violated && c->deep_outside_cw_streak >= need)
    raise_violation (c, o, ZONE_VIOLATION_OUTSIDE_CROSSWALK);
  o->in_crossing = c->in_crossing;
}

/* A lost person in a crossing whom a new track at GROUND (mid-road) most
 * likely is: the nearest within walking reach, or NULL. */
static struct person *
lost_crossing_near (struct zone_rules *r, int frame, double t_s, struct zone_pt ground)
{
  struct person *best = NULL;
  double best_d = INFINITY;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, r->people);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    struct person *p = value;
    double last_t;
    struct zone_pt last;
    if (p->last_frame >= frame || !p->crossing.in_crossing || !zone_motion_last (&p->motion, &last_t, &last))
      continue;
    double gap = t_s - last_t;
    double d = hypot (ground.x - last.x, ground.y - last.y);
    if (gap <= RELINK_GAP_S && d <= RELINK_BASE_M + RELINK_SPEED_MPS * gap && d < best_d) {
      best_d = d;
      best = p;
    }
  }
  return best;
}

static struct person *
person_of (struct zone_rules *r, int track_id, int frame)
{
  struct person *p = g_hash_table_lookup (r->people, GINT_TO_POINTER (track_id));
  if (!p) {
    p = g_new0 (struct person, 1);
    p->track_id = track_id;
    p->first_frame = frame;
    g_hash_table_insert (r->people, GINT_TO_POINTER (track_id), p);
  }
  return p;
}

static gboolean
is_stale (gpointer key, gpointer value, gpointer frame)
{
  const struct person *p = value;
  return GPOINTER_TO_INT (frame) - p->last_frame > KEEP_LOST_FRAMES;
}

void
zone_rules_step (struct zone_rules *r, int frame, double t_s, const struct zone_signal_state *sig,
                 const struct zone_track_in *in, int n, struct zone_track_out *out)
{
  for (int i = 0; i < n; i++) {
    struct zone_track_out *o = &out[i];
    memset (o, 0, sizeof *o);
    o->track_id = in[i].track_id;
    o->has_ground = r->has_h && zone_homography_apply (r->h, in[i].foot_px, &o->ground_m);
    bool in_crosswalk;
    locate (r, o, in[i].foot_px, &in_crosswalk);
    if (o->ignored)
      continue;
    struct person *p = person_of (r, in[i].track_id, frame);
    if (p->first_frame == frame && o->in_carriageway && o->has_ground) {
      struct person *lost = lost_crossing_near (r, frame, t_s, o->ground_m);
      if (lost) {
        p->crossing = lost->crossing;
        p->motion = lost->motion;
        o->continued_from = lost->track_id;
        lost->crossing.in_crossing = false; /* one person, one continuation */
      }
    }
    p->last_frame = frame;
    if (o->has_ground) {
      zone_motion_add (&p->motion, t_s, o->ground_m);
      o->has_motion = zone_motion_get (&p->motion, MOTION_WINDOW_S, &o->speed_mps, &o->heading_deg);
    }
    observe (r, &p->crossing, frame, t_s, sig, in_crosswalk, o);
  }
  if (frame % 100 == 0)
    g_hash_table_foreach_remove (r->people, is_stale, GINT_TO_POINTER (frame));
}
