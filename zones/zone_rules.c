#include "zone_rules.h"

#include "trk_config.h"
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

/* Boxes kept per person for its motion in the image (the last ones, over
 * about half a second at 10 frames/s). */
#define EXIT_HISTORY 6

/* Consecutive frames something held: how many, and the first one's time. */
struct streak {
  int n;
  double t0;
};

/* The streaks of one reading of a person's foot points (the stay inside
 * starts at inside.t0, in frame streak_start_frame). */
struct crossing {
  struct streak inside, outside, deep, deep_outside_cw;
  int streak_start_frame;
  struct zone_signal_state streak_start_signal;
  bool in_crossing;
  int entry_frame;
  double entry_t;
  struct zone_signal_state entry_signal;
};

struct person {
  int track_id;
  int last_frame;
  bool observed;   /* a foot point of it reached the rules (not cut by the border) */
  bool continued;  /* a new track took over its crossing */
  bool entry_seen; /* its crossing's step off the kerb was seen */
  bool charged;    /* a violation was raised for the crossing it is on */
  /* the crossing on the foot points as measured, and by the uncertainty margin */
  struct crossing measured, sure;
  /* a rule that held as measured, not yet by the margin: reported when the crossing ends */
  bool pending;
  enum zone_violation pending_type;
  struct crossing pending_at;
  struct zone_motion motion;
  /* its last boxes in the image, to tell a person who walked out of it */
  struct zone_pt recent_foot_px[EXIT_HISTORY];
  int recent_frame[EXIT_HISTORY], n_recent;
  double last_box_w_px, last_box_h_px;
  struct zone_pt view_px;
  bool has_signature; /* the track's colour signature, as last seen */
  float signature[TRK_SIGNATURE_LEN];
};

struct zone_rules {
  struct hwcfg_rules params;
  bool has_h;
  double h[9];
  struct zone_poly *polys;
  int n_polys;
  char **names;
  GHashTable *people; /* track id -> struct person */
  int unknown_signal_crossings; /* zone_rules_unknown_signal_crossings */
  bool ids_are_people; /* zone_rules_ids_are_people: no track continues another's crossing */
  double relink_min_similarity; /* the site's tracker's appearance gate */
};

/* A lost track's state is kept this long (frames), so that a person
 * re-acquired mid-road continues the same crossing. */
#define KEEP_LOST_FRAMES 300
/* A new track continues a lost one's crossing when it appears within this
 * many seconds of the loss, and within reach on foot: RELINK_BASE_M plus
 * RELINK_SPEED_MPS per second of gap, plus the foot points' uncertainty. */
#define RELINK_GAP_S 5.0
#define RELINK_BASE_M 1.5
#define RELINK_SPEED_MPS 3.0
/* ... and, when both tracks have colour signatures, when they look alike:
 * at least the site's tracker's appearance gate ([tracker]
 * appearance_gate), below which it never takes one person for the other
 * either. Without it a passer-by appearing where someone was lost inherits
 * their crossing, and with it the fine for their step off the kerb. */
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
  r->relink_min_similarity = trk_params_from_config (&cfg->tracker).appearance_gate;
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
    for (int k = 0; k < p->n; k++)
      p->px[k] = (struct zone_pt){z->polygon[k].x, z->polygon[k].y};
    if (!r->has_h || !zone_polygon_apply_homography (r->h, p->px, p->n, p->gm)) {
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

/* How near the image's edge a box is cut by it (pixels). */
#define BORDER_PX 2.0

struct zone_track_in
zone_track_in_of_box (int track_id, const double box[4], int width, int height)
{
  return (struct zone_track_in){
      .track_id = track_id,
      .foot_px = {box[0] + box[2] / 2, box[1] + box[3]},
      .box_h_px = box[3],
      .cut_by_border = box[1] + box[3] >= height - BORDER_PX || box[0] <= BORDER_PX || box[0] + box[2] >= width - BORDER_PX,
      .box_w_px = box[2],
      .view_px = {width, height},
  };
}

const char *
zone_violation_name (enum zone_violation type)
{
  return type == ZONE_VIOLATION_RED_SIGNAL ? "red_signal" : "outside_crosswalk";
}

/* Where the foot point is: which zone names it, whether it is on the
 * carriageway, in a crosswalk, ignored, and how deep into the carriageway. */
static void
locate (const struct zone_rules *r, struct zone_track_out *o, const struct zone_pt foot, bool *in_crosswalk,
        double *crosswalk_margin, double *road_gap)
{
  const char *carriageway = NULL, *crosswalk = NULL, *other = NULL;
  double crosswalk_depth = -1;
  *in_crosswalk = false;
  *road_gap = INFINITY; /* outside the road: metres to its nearest edge */
  *crosswalk_margin = -INFINITY; /* inside: + the distance to the crosswalk's edge; outside: - to the nearest */
  o->depth_m = -1;
  for (int i = 0; i < r->n_polys; i++) {
    const struct zone_poly *p = &r->polys[i];
    if (!zone_polygon_contains (p->px, p->n, foot)) {
      bool road = p->kind == HWCFG_ZONE_CROSSWALK || p->kind == HWCFG_ZONE_CARRIAGEWAY;
      double gap = road && p->gm && o->has_ground ? zone_polygon_edge_distance (p->gm, p->n, o->ground_m) : INFINITY;
      if (p->kind == HWCFG_ZONE_CROSSWALK && isfinite (gap))
        *crosswalk_margin = fmax (*crosswalk_margin, -gap);
      *road_gap = fmin (*road_gap, gap);
      continue;
    }
    double depth = p->gm && o->has_ground ? zone_polygon_edge_distance (p->gm, p->n, o->ground_m) : -1;
    switch (p->kind) {
    case HWCFG_ZONE_IGNORE:
      o->ignored = true;
      break;
    case HWCFG_ZONE_CROSSWALK:
      crosswalk = crosswalk ? crosswalk : p->name;
      crosswalk_depth = fmax (crosswalk_depth, depth);
      *in_crosswalk = true;
      *crosswalk_margin = fmax (*crosswalk_margin, depth < 0 ? 0 : depth);
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
streak_step (struct streak *s, bool holds, double t_s)
{
  if (!holds)
    s->n = 0;
  else if (s->n++ == 0)
    s->t0 = t_s;
}

/* A stay of N frames lasts N frame periods: (t - t0) * N / (N - 1), the
 * rate read from the stream's own times (a camera's rate may be unknown or
 * vary). Within 2 % of min_inside_s counts (timestamps jitter). */
#define STREAK_TIME_SLACK 0.98

static bool
streak_lasted (const struct streak *s, double t_s, const struct hwcfg_rules *p)
{
  if (s->n < p->min_inside_frames)
    return false;
  if (p->min_inside_s <= 0)
    return true;
  return s->n >= 2 && (t_s - s->t0) * s->n / (s->n - 1) >= STREAK_TIME_SLACK * p->min_inside_s;
}

int
zone_rules_frames_needed (const struct hwcfg_rules *p, double fps)
{
  int by_time = fps > 0 ? (int) ceil (STREAK_TIME_SLACK * p->min_inside_s * fps) : 0;
  return MAX (p->min_inside_frames, by_time);
}

/* What a reading of the crossing found in this frame. */
enum { RULE_RED = 1, RULE_OUTSIDE = 2, CROSSING_ENDED = 4, SIGNAL_UNKNOWN_AT_ENTRY = 8 };

/* One frame of crossing C: IN_ROAD (the foot point in the carriageway),
 * SURELY_OFF (off it by more than the uncertainty margin), DEEP (past
 * min_depth_m), OUTSIDE_CW (outside every crosswalk). Returns the
 * rules that hold now (RULE_RED only on the frame the crossing starts, and
 * only when its entry was seen), CROSSING_ENDED, and SIGNAL_UNKNOWN_AT_ENTRY
 * on the frame a crossing whose entry was seen starts with no known phase. */
static int
observe (const struct zone_rules *r, struct crossing *c, int frame, double t_s, const struct zone_signal_state *sig,
         bool in_road, bool surely_off, bool deep, bool outside_cw, bool entry_seen)
{
  const struct hwcfg_rules *p = &r->params;
  int found = 0;
  if (!in_road) {
    streak_step (&c->inside, false, t_s);
    streak_step (&c->deep, false, t_s);
    streak_step (&c->deep_outside_cw, false, t_s);
    /* a crossing ends only off the road by more than the foot point's
     * uncertainty: a walker who turns back at the kerb, their box
     * overshooting it, has not stepped off and on again (off the road
     * within the margin, the streak off it neither grows nor ends) */
    if (!surely_off)
      return found;
    streak_step (&c->outside, true, t_s);
    if (streak_lasted (&c->outside, t_s, p) && c->in_crossing) {
      c->in_crossing = false; /* crossing over: the next one may be a new violation */
      found |= CROSSING_ENDED;
    }
    return found;
  }
  streak_step (&c->outside, false, t_s);
  if (c->inside.n == 0) {
    c->streak_start_frame = frame;
    c->streak_start_signal = *sig;
  }
  streak_step (&c->inside, true, t_s);
  streak_step (&c->deep, deep, t_s);
  streak_step (&c->deep_outside_cw, deep && outside_cw, t_s);
  if (!c->in_crossing && streak_lasted (&c->deep, t_s, p)) {
    c->in_crossing = true;
    c->entry_frame = c->streak_start_frame;
    c->entry_t = c->inside.t0;
    c->entry_signal = c->streak_start_signal;
    if (entry_seen && c->entry_signal.phase == ZONE_PHASE_DONT_WALK && c->entry_signal.elapsed_s >= p->red_grace_s)
      found |= RULE_RED;
    if (entry_seen && c->entry_signal.phase == ZONE_PHASE_UNKNOWN)
      found |= SIGNAL_UNKNOWN_AT_ENTRY;
  }
  if (c->in_crossing && streak_lasted (&c->deep_outside_cw, t_s, p))
    found |= RULE_OUTSIDE;
  return found;
}

/* The rule OBSERVE's FOUND says holds (red_signal first: a crossing begun on red). */
static enum zone_violation
rule_of (int found)
{
  return found & RULE_RED ? ZONE_VIOLATION_RED_SIGNAL : ZONE_VIOLATION_OUTSIDE_CROSSWALK;
}

static void
raise_violation (struct person *p, const struct crossing *c, struct zone_track_out *o, enum zone_violation type,
                 bool uncertain)
{
  p->charged = true;
  p->pending = false;
  o->violation = true;
  o->position_uncertain = uncertain;
  o->type = type;
  o->entry_frame = c->entry_frame;
  o->entry_t_s = c->entry_t;
  o->entry_signal = c->entry_signal;
}

static void
remember_box (struct person *p, int frame, const struct zone_track_in *in)
{
  p->recent_foot_px[p->n_recent % EXIT_HISTORY] = in->foot_px;
  p->recent_frame[p->n_recent % EXIT_HISTORY] = frame;
  p->n_recent++;
  p->last_box_w_px = in->box_w_px;
  p->last_box_h_px = in->box_h_px;
  p->view_px = in->view_px;
}

/* P was last seen walking out of the picture: its last box within a box's
 * width of the left or right edge (within a quarter of its height of the
 * bottom) and its foot point moving towards that edge over its last boxes.
 * Whoever comes in there next is someone else coming into view. */
static bool
walked_out_of_view (const struct person *p)
{
  if (p->n_recent < 2 || p->view_px.x <= 0 || p->view_px.y <= 0)
    return false;
  int last = (p->n_recent - 1) % EXIT_HISTORY;
  int first = p->n_recent > EXIT_HISTORY ? p->n_recent % EXIT_HISTORY : 0;
  int frames = p->recent_frame[last] - p->recent_frame[first];
  if (frames <= 0)
    return false;
  struct zone_pt a = p->recent_foot_px[first], b = p->recent_foot_px[last];
  double vx = (b.x - a.x) / frames, vy = (b.y - a.y) / frames;
  double half_w = p->last_box_w_px / 2;
  return (vx < 0 && b.x - half_w <= p->last_box_w_px) || (vx > 0 && b.x + half_w >= p->view_px.x - p->last_box_w_px) ||
         (vy > 0 && b.y >= p->view_px.y - p->last_box_h_px / 4);
}

/* The lost person whom a new track at GROUND (on the road, uncertain by
 * SIGMA metres) most likely is: one last seen on the road within
 * RELINK_GAP_S and within walking reach of the gap, not dressed differently
 * (when both tracks have colour signatures); the nearest. NULL when none. */
static struct person *
lost_person_near (struct zone_rules *r, const struct person *self, int frame, double t_s, struct zone_pt ground,
                  double sigma)
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
    if (p == self || p->last_frame >= frame || p->continued || !p->observed || p->measured.inside.n == 0 ||
        walked_out_of_view (p) || !zone_motion_last (&p->motion, &last_t, &last))
      continue;
    if (p->has_signature && self->has_signature &&
        trk_signature_similarity (p->signature, self->signature) < r->relink_min_similarity)
      continue;
    double gap = t_s - last_t;
    double d = hypot (ground.x - last.x, ground.y - last.y);
    if (gap <= RELINK_GAP_S && d <= RELINK_BASE_M + sigma + RELINK_SPEED_MPS * gap && d < best_d) {
      best_d = d;
      best = p;
    }
  }
  return best;
}

/* Metres on the ground that NOISE_PX of box-bottom noise at FOOT moves the
 * foot point (the largest of a step up, down, left and right; left and
 * right half as far: the box's centre is steadier than its bottom).
 * INFINITY when a step leaves the ground plane. */
static double
ground_sigma (const struct zone_rules *r, struct zone_pt foot, struct zone_pt ground, double noise_px)
{
  const double steps[4][2] = {{0, 1}, {0, -1}, {0.5, 0}, {-0.5, 0}};
  double sigma = 0;
  for (int i = 0; i < 4; i++) {
    struct zone_pt g;
    if (!zone_homography_apply (r->h, (struct zone_pt){foot.x + steps[i][0] * noise_px, foot.y + steps[i][1] * noise_px},
                                &g))
      return INFINITY;
    sigma = fmax (sigma, hypot (g.x - ground.x, g.y - ground.y));
  }
  return sigma;
}

static struct person *
person_of (struct zone_rules *r, int track_id)
{
  struct person *p = g_hash_table_lookup (r->people, GINT_TO_POINTER (track_id));
  if (!p) {
    p = g_new0 (struct person, 1);
    p->track_id = track_id;
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

/* A track's first foot point that reaches the rules: is it someone lost a
 * moment ago (it takes over their crossing), and was its entry seen? */
static void
first_observation (struct zone_rules *r, struct person *p, int frame, double t_s, struct zone_track_out *o,
                   bool sure_deep)
{
  p->observed = true;
  p->entry_seen = true;
  if (!o->in_carriageway)
    return;
  struct person *lost =
      o->has_ground && !r->ids_are_people
          ? lost_person_near (r, p, frame, t_s, o->ground_m, isfinite (o->ground_sigma_m) ? o->ground_sigma_m : 0)
          : NULL;
  if (lost) {
    p->measured = lost->measured, p->sure = lost->sure;
    p->entry_seen = lost->entry_seen, p->charged = lost->charged;
    p->pending = lost->pending, p->pending_type = lost->pending_type, p->pending_at = lost->pending_at;
    p->motion = lost->motion;
    o->continued_from = lost->track_id;
    lost->continued = true; /* one person, one continuation */
    lost->pending = false;
    return;
  }
  /* already in the road when first seen: when it stepped off is unknown */
  if (sure_deep || !o->has_ground) {
    /* no red light without the step off the kerb; and nothing else either
     * (unless the site says so): the person may be one already charged,
     * under a new id (the tracker lost them further than walking reach, or
     * switched ids) */
    p->entry_seen = false;
    p->charged = !r->params.charge_unseen_entry;
  }
}

void
zone_rules_step (struct zone_rules *r, int frame, double t_s, const struct zone_signal_state *sig,
                 const struct zone_track_in *in, int n, struct zone_track_out *out)
{
  const struct hwcfg_rules *rp = &r->params;
  for (int i = 0; i < n; i++) {
    struct zone_track_out *o = &out[i];
    memset (o, 0, sizeof *o);
    o->track_id = in[i].track_id;
    o->has_ground = r->has_h && zone_homography_apply (r->h, in[i].foot_px, &o->ground_m);
    o->ground_sigma_m = -1;
    if (o->has_ground)
      o->ground_sigma_m = ground_sigma (r, in[i].foot_px, o->ground_m,
                                        fmax (rp->foot_noise_px, rp->foot_noise_share * in[i].box_h_px));
    bool in_crosswalk;
    double cw_margin, road_gap;
    locate (r, o, in[i].foot_px, &in_crosswalk, &cw_margin, &road_gap);
    if (o->ignored)
      continue;
    struct person *p = person_of (r, in[i].track_id);
    p->last_frame = frame;
    if (in[i].signature) {
      p->has_signature = true;
      memcpy (p->signature, in[i].signature, sizeof p->signature);
    }
    remember_box (p, frame, &in[i]);
    if (in[i].cut_by_border || (r->has_h && !o->has_ground)) {
      o->unobserved = true; /* no foot point: nothing to decide on */
      o->entry_seen = p->entry_seen;
      o->in_crossing = p->measured.in_crossing;
      continue;
    }
    /* the margin a test must pass: the foot point's uncertainty (none without a homography) */
    double margin = o->has_ground ? rp->uncertainty_factor * o->ground_sigma_m : 0;
    bool deep = o->depth_m < 0 || o->depth_m >= rp->min_depth_m;
    bool sure_deep = o->depth_m < 0 || o->depth_m - rp->min_depth_m >= margin;
    bool sure_outside_cw = !in_crosswalk && (!o->has_ground || -cw_margin >= margin);
    bool surely_off = !o->in_carriageway && (!o->has_ground || road_gap >= margin);
    if (!p->observed)
      first_observation (r, p, frame, t_s, o, o->in_carriageway && o->depth_m >= 0 && sure_deep);
    if (o->has_ground) {
      zone_motion_add (&p->motion, t_s, o->ground_m);
      o->has_motion = zone_motion_get (&p->motion, MOTION_WINDOW_S, &o->speed_mps, &o->heading_deg);
    }
    int as_measured = observe (r, &p->measured, frame, t_s, sig, o->in_carriageway, surely_off, deep, !in_crosswalk,
                               p->entry_seen);
    int by_margin = observe (r, &p->sure, frame, t_s, sig, o->in_carriageway, surely_off, sure_deep, sure_outside_cw,
                             p->entry_seen);
    o->in_crossing = p->measured.in_crossing;
    o->entry_seen = p->entry_seen;
    if (as_measured & SIGNAL_UNKNOWN_AT_ENTRY)
      r->unknown_signal_crossings++;
    if (!p->charged && (by_margin & (RULE_RED | RULE_OUTSIDE)))
      raise_violation (p, &p->sure, o, rule_of (by_margin), false);
    else if (!p->charged && !p->pending && (as_measured & (RULE_RED | RULE_OUTSIDE))) {
      p->pending = true; /* watched on: the margin may come, else it ends undecided */
      p->pending_type = rule_of (as_measured);
      p->pending_at = p->measured;
    }
    if (as_measured & CROSSING_ENDED) {
      if (p->pending && !p->charged)
        raise_violation (p, &p->pending_at, o, p->pending_type, true);
      p->charged = p->pending = false; /* the next crossing is a new one, its entry seen */
      p->entry_seen = true;
    }
  }
  if (frame % 100 == 0)
    g_hash_table_foreach_remove (r->people, is_stale, GINT_TO_POINTER (frame));
}

void
zone_rules_ids_are_people (struct zone_rules *rules)
{
  rules->ids_are_people = true;
}

int
zone_rules_unknown_signal_crossings (const struct zone_rules *rules)
{
  return rules->unknown_signal_crossings;
}
