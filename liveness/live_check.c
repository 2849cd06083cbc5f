#include "live_check.h"

#include "live_depth.h"
#include "live_frames.h"
#include "live_objects.h"
#include "live_place.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Every check the appliance runs, in order; a check that has nothing to
 * look at (depth without a stereo camera) returns false and is left out. */
static const live_check_fn CHECKS[] = {live_check_speed, live_check_geometry, live_check_motion, live_check_depth};
G_STATIC_ASSERT (G_N_ELEMENTS (CHECKS) <= LIVE_MAX_CHECKS);

struct live_zone {
  struct zone_pt *pts;
  int n;
  bool ignore;
};

/* What a track showed so far: its recent samples and the decisive windows. */
struct live_track {
  GArray *samples; /* struct live_sample, the last window */
  bool walked;     /* a window saw it walk, WALKED_M or more from its start point */
  bool in_place;   /* a window saw part of it move on its own while it stood (a person waiting) */
  bool has_start;
  double start_x, start_y; /* median foot point of the first samples retained when it first moved at a walking
                            * speed (up to window_s before that window), metres */
  double still_from_s; /* since when every window showed a still picture although it walked; < 0: not now */
  int depth_flat_run;  /* depth readings in a row that found the box flat (a live reading ends the run) */
  bool has_flat, has_static, has_live;
  struct live_result flat, still, live; /* the first flat window; the first "not moved yet"; the latest live */
  struct live_place charged;            /* the frame and box of its first assessment (the charge) */
  /* with a depth camera: what the charged subject was in depth (the depth
   * check's first reading that decided, within CHARGE_DEPTH_S of the
   * charge; uncertain when none did), and the last live verdict given while
   * depth measured a body's relief */
  double charge_t_s;
  bool charge_depth_read, has_body;
  int body_readings;    /* depth readings of a body's relief */
  bool flat_at_charge;  /* a depth reading found it flat while it was not away from its charged place */
  int away_flat_run;    /* depth readings in a row away from its charged place that found it flat */
  bool speed_measured; /* a window had the history to measure its speed over the ground */
  int round_run;        /* depth readings in a row that found a round body in the box */
  double round_from_s, round_last_s; /* ... the first and the latest of them */
  enum live_verdict charge_depth;
  struct live_result body;
  bool has_last, has_on_charged, switched;
  /* the verdict given last; the last one given while it still showed what
   * was charged, where it was charged; once the track showed someone else
   * (switched), the verdict that stands for the rest */
  struct live_result last, on_charged, after_switch;
};

static struct live_track *
track_new (void)
{
  struct live_track *t = g_new0 (struct live_track, 1);
  t->samples = g_array_new (FALSE, FALSE, sizeof (struct live_sample));
  t->still_from_s = -1;
  t->charge_t_s = -1;
  return t;
}

/* A deep copy of T (its samples too). */
static struct live_track *
track_copy (const struct live_track *t)
{
  struct live_track *c = g_memdup2 (t, sizeof *t);
  c->samples = g_array_copy (t->samples);
  live_place_copy (&c->charged, &t->charged);
  return c;
}

static void
track_free (struct live_track *t)
{
  g_array_unref (t->samples);
  live_place_clear (&t->charged);
  g_free (t);
}

struct live_checker {
  struct hwcfg_liveness params;
  GHashTable *tracks; /* id -> struct live_track */
  double last_t;
  bool has_camera;
  struct zone_camera camera;
  struct live_frames *frames;
  double fps; /* the stream's rate, for how many frames the motion window takes; 0: unknown */
  struct live_objects *objects;
  /* zones as the context wants them: parallel arrays */
  GPtrArray *zone_pts;
  GArray *zone_sizes, *zone_ignored;
  /* stereo */
  double baseline_m;
  int max_disparity;
  struct cv_image right; /* grey copy of the current pair's right image; the left is in frames */
  int frame;             /* the current frame */
  bool has_pair;
  /* depth stream */
  struct live_depth_map depth; /* data owned (copy of the current frame) */
  bool has_depth;
};

struct live_checker *
live_checker_create (const struct hwcfg_liveness *params)
{
  g_return_val_if_fail (params != NULL, NULL);
  struct live_checker *lc = g_new0 (struct live_checker, 1);
  lc->params = *params;
  lc->tracks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) track_free);
  lc->zone_pts = g_ptr_array_new_with_free_func (g_free);
  lc->zone_sizes = g_array_new (FALSE, FALSE, sizeof (int));
  lc->zone_ignored = g_array_new (FALSE, FALSE, sizeof (bool));
  lc->objects = live_objects_create (params, NULL, 0, 0);
  return lc;
}

void
live_checker_free (struct live_checker *lc)
{
  if (!lc)
    return;
  g_hash_table_destroy (lc->tracks);
  live_frames_free (lc->frames);
  live_objects_free (lc->objects);
  g_ptr_array_free (lc->zone_pts, TRUE);
  g_array_free (lc->zone_sizes, TRUE);
  g_array_free (lc->zone_ignored, TRUE);
  g_free (lc->right.data);
  g_free ((gpointer) lc->depth.data);
  g_free (lc);
}

void
live_checker_set_camera (struct live_checker *lc, const struct hwcfg *cfg, const struct hwcfg_camera *cam,
                         int width, int height)
{
  lc->has_camera = cam->has_homography &&
                   zone_camera_from_homography (cam->homography, width, height, cam->focal_px, &lc->camera);
  live_objects_free (lc->objects);
  lc->objects = live_objects_create (&lc->params, lc->has_camera ? &lc->camera : NULL, width, height);
  for (int i = 0; i < cfg->n_zones; i++) {
    const struct hwcfg_zone *z = &cfg->zones[i];
    if (g_strcmp0 (z->camera, cam->name) != 0)
      continue;
    struct zone_pt *pts = g_new (struct zone_pt, z->n_points);
    for (int k = 0; k < z->n_points; k++)
      pts[k] = (struct zone_pt){z->polygon[k].x, z->polygon[k].y};
    bool ignore = z->kind == HWCFG_ZONE_IGNORE;
    g_ptr_array_add (lc->zone_pts, pts);
    g_array_append_val (lc->zone_sizes, z->n_points);
    g_array_append_val (lc->zone_ignored, ignore);
  }
  lc->baseline_m = cam->stereo_right ? cam->stereo_baseline_m : 0;
  lc->max_disparity = cam->stereo_max_disparity;
  lc->depth.scale_m = cam->depth_scale_m;
  lc->depth.max_range_m = cam->depth_max_range_m;
}

void
live_checker_depth_frame (struct live_checker *lc, const unsigned short *data, int width, int height, int stride)
{
  lc->has_depth = data && width > 0 && height > 0;
  if (!lc->has_depth)
    return;
  if (lc->depth.width != width || lc->depth.height != height) {
    g_free ((gpointer) lc->depth.data);
    lc->depth.data = g_new (unsigned short, (gsize) width * height);
    lc->depth.width = width, lc->depth.height = height, lc->depth.stride = width;
  }
  for (int y = 0; y < height; y++)
    memcpy ((unsigned short *) lc->depth.data + (size_t) y * width, data + (size_t) y * stride,
            sizeof (unsigned short) * width);
}

static void
copy_grey (struct cv_image *dst, const struct cv_image *src)
{
  if (dst->width != src->width || dst->height != src->height) {
    g_free (dst->data);
    *dst = (struct cv_image){g_malloc ((gsize) src->width * src->height), src->width, src->height, src->width, 1};
  }
  cv_to_grey (src, dst);
}

void
live_checker_set_rate (struct live_checker *lc, double fps)
{
  lc->fps = isfinite (fps) && fps > 0 && fps <= 240 ? fps : 0;
}

void
live_checker_frame (struct live_checker *lc, int frame, double t_s, const struct cv_image *img,
                    const struct cv_rect *blobs, int n_blobs, const struct cv_image *right)
{
  if (img) {
    /* the frames of one motion window (the end's and one to spare), at the
     * stream's rate: full-size grey frames are the checker's largest
     * memory (47 of 0.9 MB at 720p when sized for 30 frames/s whatever the
     * rate; a 60 frames/s camera's window was cut to 0.8 s). A camera a
     * little faster than it says has its window a frame or two short. */
    if (!lc->frames)
      lc->frames = live_frames_create ((int) ceil (lc->params.motion_window_s * (lc->fps > 0 ? lc->fps : 30)) + 2);
    live_frames_push (lc->frames, frame, img);
  }
  const struct cv_image *prev = lc->frames ? live_frames_get (lc->frames, lc->frame) : NULL;
  const struct cv_image *grey = img && lc->frames ? live_frames_get (lc->frames, frame) : NULL;
  live_objects_update (lc->objects, frame, t_s, blobs, n_blobs, prev, grey);
  lc->frame = frame;
  lc->has_pair = img && right && right->width == img->width && right->height == img->height;
  if (lc->has_pair)
    copy_grey (&lc->right, right);
}

/* Tracks not seen for this long are forgotten. */
#define FORGET_S 30.0

static gboolean
is_forgotten (gpointer key, gpointer value, gpointer now)
{
  GArray *a = ((struct live_track *) value)->samples;
  return a->len == 0 || *(double *) now - g_array_index (a, struct live_sample, a->len - 1).t_s > FORGET_S;
}

void
live_checker_observe (struct live_checker *lc, int track_id, const struct live_sample *s)
{
  if (s->predicted)
    return;
  struct live_track *t = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (track_id));
  if (!t) {
    t = track_new ();
    g_hash_table_insert (lc->tracks, GINT_TO_POINTER (track_id), t);
  }
  GArray *a = t->samples;
  g_array_append_val (a, *s);
  double keep = MAX (lc->params.window_s, lc->params.motion_window_s);
  guint drop = 0;
  while (drop < a->len && s->t_s - g_array_index (a, struct live_sample, drop).t_s > keep)
    drop++;
  if (drop)
    g_array_remove_range (a, 0, drop);
  if (s->t_s - lc->last_t > FORGET_S / 3) {
    lc->last_t = s->t_s;
    double now = s->t_s;
    g_hash_table_foreach_remove (lc->tracks, is_forgotten, &now);
  }
}

static gint
by_frame (gconstpointer a, gconstpointer b)
{
  int fa = ((const struct live_sample *) a)->frame, fb = ((const struct live_sample *) b)->frame;
  return (fa > fb) - (fa < fb);
}

/* A person re-found is as tall as when lost, within what a box varies by
 * (a step, a stoop, a foot hidden behind another person) */
#define CONTINUE_HEIGHT_RATIO 1.3

bool
live_checker_continue (struct live_checker *lc, int lost_id, int track_id, const float box[4])
{
  struct live_track *lost = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (lost_id));
  if (lost_id == track_id || !lost)
    return false;
  if (lc->has_camera) {
    struct live_history lh = {(const struct live_sample *) lost->samples->data, (int) lost->samples->len};
    double was = live_median_height (&lc->camera, &lh, 1.0);
    double now = zone_camera_height (&lc->camera, box[0] + box[2] / 2, box[1] + box[3], box[1]);
    if (isfinite (was) && isfinite (now) && MAX (was, now) > MIN (was, now) * CONTINUE_HEIGHT_RATIO)
      return false;
  }
  /* a copy: the lost id, seen again, goes on with its own (the rules were wrong) */
  struct live_track *merged = track_copy (lost);
  struct live_track *t = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (track_id));
  if (t) {
    /* what the new id saw came after: its samples follow, its windows add
     * to what the crossing showed so far */
    g_array_append_vals (merged->samples, t->samples->data, t->samples->len);
    g_array_sort (merged->samples, by_frame);
    merged->walked |= t->walked;
    merged->in_place |= t->in_place;
    if (t->still_from_s >= 0)
      merged->still_from_s = t->still_from_s;
    merged->depth_flat_run = MAX (merged->depth_flat_run, t->depth_flat_run);
    merged->speed_measured |= t->speed_measured;
    if (t->has_flat && !merged->has_flat)
      merged->flat = t->flat, merged->has_flat = true;
    if (t->has_static && !merged->has_static)
      merged->still = t->still, merged->has_static = true;
    if (t->has_live)
      merged->live = t->live, merged->has_live = true;
  }
  g_hash_table_replace (lc->tracks, GINT_TO_POINTER (track_id), merged);
  return true;
}

struct live_history
live_checker_history (struct live_checker *lc, int track_id)
{
  struct live_track *t = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (track_id));
  struct live_history h = {NULL, 0};
  if (t) {
    h.samples = (const struct live_sample *) t->samples->data;
    h.n = (int) t->samples->len;
  }
  return h;
}

/* RES's check called NAME, or NULL. */
static const struct live_check_result *
check_named (const struct live_result *res, const char *name)
{
  for (int i = 0; i < res->n_checks; i++)
    if (!strcmp (res->checks[i].name, name))
      return &res->checks[i];
  return NULL;
}

/* Whether some check of RES set the flag at OFFSET (offsetof a bool of
 * struct live_check_result): still_picture (nothing in the box, nor around
 * it, moved), moves_in_place (part of the box moves on its own while the
 * feet stay: a person waiting). */
static bool
some_check (const struct live_result *res, size_t offset)
{
  for (int i = 0; i < res->n_checks; i++)
    if (*(const bool *) ((const char *) &res->checks[i] + offset))
      return true;
  return false;
}
#define SOME_CHECK(res, flag) some_check ((res), offsetof (struct live_check_result, flag))

void
live_fuse (struct live_result *res)
{
  /* a flat only because it has not moved yet does not hold against a part
   * of it moving in place, nor against a body standing there in depth */
  bool in_place = SOME_CHECK (res, moves_in_place);
  const char *revoked = NULL; /* why a flat did not hold: the reason the reviewer reads */
  for (int i = 0; i < res->n_checks && (in_place || res->body_stands); i++) {
    struct live_check_result *c = &res->checks[i];
    if (c->verdict == LIVE_FLAT && c->revocable) {
      c->verdict = LIVE_UNCERTAIN;
      c->score = 0.4;
      c->needs_history = true;
      c->why = revoked = in_place ? "standing still, moving a little in place (a person waiting)"
                                  : "standing still, and round as a body in depth (a person waiting)";
    }
  }
  bool all_live = res->n_checks > 0;
  res->verdict = LIVE_UNCERTAIN;
  res->score = 1.0;
  for (int i = 0; i < res->n_checks; i++) {
    const struct live_check_result *c = &res->checks[i];
    res->score = MIN (res->score, c->score);
    if (c->verdict == LIVE_FLAT)
      res->verdict = LIVE_FLAT;
    all_live = all_live && c->verdict == LIVE_LIVE;
  }
  if (res->verdict != LIVE_FLAT && all_live)
    res->verdict = LIVE_LIVE;
  /* A body's relief measured in depth answers what the motion check asks
   * (is it one flat picture?) directly: the motion check unable to tell
   * (too little texture to follow, a moving surface behind them) does not
   * hold a verdict that every other check, depth included, says live. Its
   * evidence of a picture (flat) still decides, above. */
  const struct live_check_result *depth = check_named (res, "depth"), *motion = check_named (res, "motion");
  if (res->verdict == LIVE_UNCERTAIN && depth && depth->verdict == LIVE_LIVE && motion &&
      motion->verdict == LIVE_UNCERTAIN) {
    bool others_live = true;
    double score = 1.0;
    for (int i = 0; i < res->n_checks; i++)
      if (&res->checks[i] != motion)
        others_live = others_live && res->checks[i].verdict == LIVE_LIVE, score = MIN (score, res->checks[i].score);
    if (others_live)
      res->verdict = LIVE_LIVE, res->score = score;
  }
  /* the reason: the first check that says the verdict (flat), or that
   * keeps it uncertain; a flat that did not hold says more than "standing
   * still" */
  res->why = res->verdict == LIVE_UNCERTAIN ? revoked : NULL;
  for (int i = 0; i < res->n_checks && res->verdict != LIVE_LIVE && !res->why; i++)
    if (res->checks[i].verdict == res->verdict)
      res->why = res->checks[i].why ? res->checks[i].why : "a check could not decide";
}

/* A track walked (and may stop in the road afterwards without looking like
 * a poster) when, in a window with a walking speed, it is this far from its
 * start point (where it was at the start of the history retained when it
 * first moved at a walking speed): a poster's track that a passer-by
 * briefly pulls away comes back to where it stands. */
#define WALKED_M 1.0

/* ... but a walk does not vouch for what the track shows after it has stood
 * this long as a still picture, not one part of it moving, where it was
 * charged: a person who stopped shifts, breathes, turns their head within
 * seconds; a poster that took over a walker's track when the tracker
 * switched, and was charged, does not. It is flat again, until it walks.
 * Away from where it was charged, a still picture says nothing of what was
 * charged, which walked: someone who walked on and stopped still (far from
 * the camera, breathing moves no pixel), or a picture the tracker handed
 * the track to after the charge (check_charge). */
#define STILL_AFTER_WALK_S 4.0

static bool median_point (const struct live_history *h, double t0, double t1, double *x, double *y, double *t, int *n);

/* Metres between the median foot point of H's last second and T's start point (set on the first call); -1 unknown. */
static double
away_from_start (struct live_track *t, const struct live_history *h)
{
  const struct live_sample *s = (const struct live_sample *) t->samples->data;
  double x, y, ts;
  if (!t->has_start && t->samples->len >= 5) {
    struct live_history first = {s, 5};
    t->has_start = median_point (&first, s[0].t_s, s[4].t_s, &t->start_x, &t->start_y, &ts, NULL);
  }
  if (!t->has_start || h->n == 0 ||
      !median_point (h, h->samples[h->n - 1].t_s - 1.0, h->samples[h->n - 1].t_s, &x, &y, &ts, NULL))
    return -1;
  return hypot (x - t->start_x, y - t->start_y);
}

/* Every check that says FLAT says it only because the track has not moved yet. */
static bool
only_not_moved_yet (const struct live_result *res)
{
  for (int i = 0; i < res->n_checks; i++)
    if (res->checks[i].verdict == LIVE_FLAT && !res->checks[i].revocable)
      return false;
  return true;
}

bool
live_result_needs_history (const struct live_result *res)
{
  if (res->verdict == LIVE_FLAT)
    return false;
  for (int i = 0; i < res->n_checks; i++)
    if (res->checks[i].needs_history)
      return true;
  return false;
}

/* A depth reading is one frame's: a box that slid onto a panel for a frame,
 * a person passing behind a van's side, reads flat once. A print reads flat
 * in every frame: the depth check's flat stands when DEPTH_FLAT_READINGS
 * readings in a row said so (a frame the person was not detected in breaks
 * no run); before, it is uncertain and the track is assessed again. */
#define DEPTH_FLAT_READINGS 3

static void
confirm_flat_depth (struct live_track *t, struct live_result *res)
{
  /* RES is ours to change: check_named's const is strchr's */
  struct live_check_result *c = (struct live_check_result *) check_named (res, "depth");
  if (c && c->verdict == LIVE_LIVE)
    t->depth_flat_run = 0;
  else if (c && c->verdict == LIVE_FLAT && ++t->depth_flat_run < DEPTH_FLAT_READINGS) {
    c->verdict = LIVE_UNCERTAIN, c->score = 0.5, c->needs_history = true;
    c->why = "flat in depth in this frame: to be seen again";
    live_fuse (res);
  }
}

/* A body stands in a track's box when the depth check found what stands
 * out there round this many readings in a row (a reading that did not
 * decide breaks no run), over this long at least: a walker passing in
 * front of a picture is round in its box for a moment, and walks on. */
#define ROUND_READINGS 3
#define ROUND_HOLD_S 1.0

/* Counts T's depth readings of a round body (RES's, before fusing), and
 * sets RES's body_stands when they have held, and either something in the
 * picture moves or the track was live before: a round thing that never
 * moved at all is no one standing there (a print on an advertising
 * column, a statue), someone who walked and stopped still is. */
static void
note_round_body (struct live_track *t, const struct live_history *h, struct live_result *res)
{
  const struct live_check_result *depth = check_named (res, "depth");
  if (!depth || h->n == 0)
    return;
  double now_s = h->samples[h->n - 1].t_s;
  if (depth->round_body) {
    if (t->round_run++ == 0)
      t->round_from_s = now_s;
    t->round_last_s = now_s;
  } else if (depth->verdict != LIVE_UNCERTAIN)
    t->round_run = 0;
  /* held over the round readings themselves: undecided ones after a
   * passer-by's (the ground beyond a painting) do not lengthen it */
  res->body_stands = t->round_run >= ROUND_READINGS && t->round_last_s - t->round_from_s >= ROUND_HOLD_S &&
                     (!SOME_CHECK (res, still_picture) || t->has_live);
}

/* The track's box is away from the place it was charged at when it
 * overlaps the charged box by less than this and its centre is outside it. */
#define AWAY_IOU 0.1
/* ... and on it when it overlaps it by this much or more. */
#define ON_IOU 0.5
/* Two middles of a box show the same picture when their grids correlate
 * this well. A person who walked off leaves the road or wall behind them,
 * which correlates with their picture far less; a walk changes a person's
 * own picture too (the limbs, the background between them). */
#define SAME_PICTURE 0.85

/* With a depth camera, what the track stands on now stood there at the
 * charge when this share of the box's middle is at the same distance then
 * and now (live_place_same_surface). */
#define SAME_SURFACE 0.9

enum track_switch { NO_SWITCH, LEFT_PICTURE, CAME_ONTO_PICTURE, BODY_BECAME_FLAT };

/* T's box BOX is away from the place it was charged at (false while that
 * is not kept yet). */
static bool
away_from_charge (const struct live_track *t, const float box[4])
{
  const float *at = t->charged.box;
  double cx = box[0] + box[2] / 2, cy = box[1] + box[3] / 2;
  return t->charged.set && live_box_iou (box, at) < AWAY_IOU &&
         !(cx > at[0] && cx < at[0] + at[2] && cy > at[1] && cy < at[1] + at[3]);
}

/* Whether track T, seen in the current frame NOW in box BOX, still shows
 * what was charged (live_place.h). LEFT_PICTURE: its box is away from the
 * charged place, and the charged picture still stands there (someone
 * passing took a picture's track). CAME_ONTO_PICTURE: its box is away from
 * the charged place, on something that already stood where it is now at
 * the charge: the same picture, or, with a depth camera (DEPTH, the current
 * frame's, or NULL), the same surface at the same distance where the
 * window shows something standing still (STANDS, stands_still_in_depth) —
 * a screen whose picture changes (a picture took a person's track). Fills
 * OUT's place members. */
static enum track_switch
track_switch (const struct live_track *t, const float box[4], const struct cv_image *now,
              const struct live_depth_map *depth, bool stands, struct live_result *out)
{
  const float *at = t->charged.box;
  double overlap = live_box_iou (box, at);
  if (!away_from_charge (t, box))
    return NO_SWITCH;
  out->away = (struct live_away){
      .seen = true,
      .frame = t->charged.frame,
      .overlap = overlap,
      .left = live_place_match_charged (&t->charged, at, now),
      .here = live_place_match (&t->charged, box, now),
      .here_same = stands ? live_place_same_surface (&t->charged, box, depth) : NAN,
  };
  return out->away.left >= SAME_PICTURE                                        ? LEFT_PICTURE
         : out->away.here >= SAME_PICTURE || out->away.here_same >= SAME_SURFACE ? CAME_ONTO_PICTURE
                                                                                 : NO_SWITCH;
}

/* Whether the track of history H has stood still for the last STILL_S
 * (its boxes there overlap its last by STILL_IOU or more, two at least) and
 * OUT's depth check found something standing in its box (a body or a
 * picture, not the ground beyond it). A walker passing in front of a panel
 * is at its distance for a moment, and walks on. */
#define STILL_S 0.2
#define STILL_IOU 0.8

static bool
stands_still_in_depth (const struct live_history *h, const struct live_result *out)
{
  const struct live_check_result *depth = check_named (out, "depth");
  if (!depth || depth->verdict == LIVE_UNCERTAIN || h->n < 2)
    return false;
  const struct live_sample *last = &h->samples[h->n - 1];
  int k = h->n - 2;
  for (; k >= 0 && last->t_s - h->samples[k].t_s <= STILL_S + 1e-6; k--)
    if (live_box_iou (h->samples[k].box, last->box) < STILL_IOU)
      return false;
  return k < h->n - 2; /* one earlier box at least */
}

/* The depth check's first decisive reading counts for the charged subject
 * when it comes within this of the charge (at 25 frames/s the detector, and
 * so the depth check, skips two frames in three). */
#define CHARGE_DEPTH_S 1.0

/* After T's window gave OUT (its depth flat confirmed, confirm_flat_depth):
 * notes what the charged subject was in depth, and keeps OUT when it is a
 * live verdict on a body's relief in depth. */
static void
note_depth (struct live_track *t, const struct live_history *h, const struct live_result *out)
{
  if (h->n == 0)
    return;
  double now_s = h->samples[h->n - 1].t_s;
  if (t->charge_t_s < 0)
    t->charge_t_s = now_s; /* the first assessment: the charge */
  const struct live_check_result *depth = check_named (out, "depth");
  if (!t->charge_depth_read && now_s - t->charge_t_s > CHARGE_DEPTH_S)
    t->charge_depth = LIVE_UNCERTAIN, t->charge_depth_read = true;
  if (!depth)
    return;
  if (!t->charge_depth_read && depth->verdict != LIVE_UNCERTAIN)
    t->charge_depth = depth->verdict, t->charge_depth_read = true;
  t->body_readings += depth->verdict == LIVE_LIVE;
  if (out->verdict == LIVE_LIVE && depth->verdict == LIVE_LIVE)
    t->body = *out, t->has_body = true;
}

/* Counts T's depth readings that found it flat (OUT's, before
 * confirm_flat_depth), away from its charged place (OUT's place members
 * set) and not. */
static void
count_flat_readings (struct live_track *t, const struct live_result *out)
{
  const struct live_check_result *depth = check_named (out, "depth");
  if (!depth || depth->verdict == LIVE_UNCERTAIN)
    return;
  bool flat = depth->verdict == LIVE_FLAT;
  t->away_flat_run = flat && out->away.seen ? t->away_flat_run + 1 : 0;
  t->flat_at_charge |= flat && !out->away.seen;
}

/* With a depth camera: a track that was a body in depth at the charge (its
 * first deciding reading there, as many readings of a body as a flat
 * needs, and a live verdict given on it), never read flat while on its
 * charged place, has no flat verdict, and now reads flat in depth
 * DEPTH_FLAT_READINGS times in a row away from its charged place (OUT's
 * place members set; count_flat_readings): a body does not become a plane,
 * a picture took the track (a walker's track handed to a screen or a
 * poster they passed, which need not have stood there at the charge: a
 * screen comes on, a van parks). A picture that read as a body once or
 * twice (a walker crossing in front of it) does not pass. */
static bool
body_became_flat (const struct live_track *t, const struct live_result *out)
{
  return out->away.seen && t->charge_depth_read && t->charge_depth == LIVE_LIVE && t->has_body &&
         t->body_readings >= DEPTH_FLAT_READINGS && !t->flat_at_charge && !t->has_flat &&
         t->away_flat_run >= DEPTH_FLAT_READINGS;
}

/* The current frame, grey, when the track of history H was seen in it
 * (not carried on by the tracker): what its charge is kept from and
 * compared with. NULL otherwise. */
static const struct cv_image *
seen_now (const struct live_checker *lc, const struct live_history *h)
{
  return h->n && lc->frames && h->samples[h->n - 1].frame == lc->frame ? live_frames_get (lc->frames, lc->frame)
                                                                       : NULL;
}

/* Keeps what the charge needs of TRACK T before its window's verdict OUT
 * counts, and tells whether T has switched to someone else. NOW: the
 * current frame, when T was seen in it (seen_now). The first assessment
 * on a frame T was seen in keeps the frame. Later ones: while T is on its
 * charged place showing the charged picture, OUT is the verdict on what
 * was charged; once T shows someone else, the verdict given last while it
 * showed what was charged stands for the rest (someone else's windows say
 * nothing of the charged one). True when T has switched: OUT is then that
 * verdict. */
static bool
check_charge (struct live_checker *lc, struct live_track *t, const struct live_history *h,
              const struct cv_image *now, struct live_result *out)
{
  if (t->switched) {
    int window = out->frame;
    *out = t->after_switch;
    out->earlier = out->earlier || window != out->frame;
    return true;
  }
  if (!now)
    return false;
  const struct live_sample *last = &h->samples[h->n - 1];
  const struct live_depth_map *depth = lc->has_depth ? &lc->depth : NULL;
  if (!t->charged.set) {
    live_place_take (&t->charged, now, depth, last->box, last->frame);
    count_flat_readings (t, out); /* on the charged place */
    return false;
  }
  enum track_switch sw = track_switch (t, last->box, now, depth, stands_still_in_depth (h, out), out);
  count_flat_readings (t, out);
  if (sw == NO_SWITCH && body_became_flat (t, out))
    sw = BODY_BECAME_FLAT;
  if (sw == NO_SWITCH || !t->has_last)
    return false;
  t->switched = true;
  t->after_switch = sw == LEFT_PICTURE && t->has_on_charged ? t->on_charged
                    : sw == BODY_BECAME_FLAT                 ? t->body
                                                             : t->last;
  t->after_switch.away = out->away;
  t->after_switch.switch_frame = last->frame;
  t->after_switch.switch_why =
      sw == LEFT_PICTURE ? "its track left the place where it was charged, and the same picture still stands there: "
                           "someone passing took the track over"
      : sw == BODY_BECAME_FLAT
          ? "its track was a body in depth where it was charged, and is a flat surface in depth elsewhere now: "
            "a picture took the track over"
          : "its track came onto something that already stood there when it was charged elsewhere: "
            "the track shows someone else";
  *out = t->after_switch;
  out->earlier = true;
  return true;
}

/* After T's window gave OUT: keeps it as the last verdict, and as the last
 * on what was charged when the track's box is on the charged place (or is
 * the charge) showing the charged picture (NOW as for check_charge). */
static void
remember_verdict (struct live_track *t, const struct live_history *h, const struct cv_image *now,
                  const struct live_result *out)
{
  t->last = *out, t->has_last = true;
  if (!t->charged.set || !now)
    return;
  const struct live_sample *last = &h->samples[h->n - 1];
  if (last->frame == t->charged.frame ||
      (live_box_iou (last->box, t->charged.box) >= ON_IOU &&
       live_place_match_charged (&t->charged, last->box, now) >= SAME_PICTURE))
    t->on_charged = *out, t->has_on_charged = true;
}

void
live_checker_assess (struct live_checker *lc, int track_id, struct live_result *out)
{
  struct live_history h = live_checker_history (lc, track_id);
  struct live_track *t = g_hash_table_lookup (lc->tracks, GINT_TO_POINTER (track_id));
  const struct live_context ctx = {
      .params = &lc->params,
      .camera = lc->has_camera ? &lc->camera : NULL,
      .frames = lc->frames,
      .objects = lc->objects,
      .zones = (const struct zone_pt *const *) lc->zone_pts->pdata,
      .zone_sizes = (const int *) lc->zone_sizes->data,
      .zone_ignored = (const bool *) lc->zone_ignored->data,
      .n_zones = (int) lc->zone_pts->len,
      .left = lc->has_pair && lc->baseline_m > 0 && lc->frames ? live_frames_get (lc->frames, lc->frame) : NULL,
      .right = lc->has_pair && lc->baseline_m > 0 ? &lc->right : NULL,
      .stereo_baseline_m = lc->baseline_m,
      .stereo_max_disparity = lc->max_disparity,
      .depth = lc->has_depth ? &lc->depth : NULL,
      .frame = lc->frame,
      .walked = t && t->walked,
  };
  memset (out, 0, sizeof *out);
  for (size_t i = 0; i < G_N_ELEMENTS (CHECKS); i++) {
    struct live_check_result *c = &out->checks[out->n_checks];
    memset (c, 0, sizeof *c);
    if (CHECKS[i](&ctx, &h, c))
      out->n_checks++;
  }
  if (t)
    note_round_body (t, &h, out);
  live_fuse (out);
  out->frame = h.n ? h.samples[h.n - 1].frame : -1;
  const struct cv_image *now = seen_now (lc, &h);
  if (!t || check_charge (lc, t, &h, now, out))
    return;
  confirm_flat_depth (t, out);
  note_depth (t, &h, out);
  /* what the track showed so far */
  const struct live_check_result *speed = check_named (out, "speed");
  t->speed_measured |= speed && !speed->needs_history; /* the speed check's only doubt for want of history */
  /* (without a ground calibration no track's speed is ever measured: that
   * says nothing of the candidate, and must not silence a site) */
  out->unassessed = out->verdict == LIVE_UNCERTAIN && speed && !t->speed_measured && lc->has_camera;
  if (out->verdict != LIVE_FLAT && speed && speed->verdict == LIVE_LIVE && away_from_start (t, &h) >= WALKED_M)
    t->walked = true;
  if (!t->walked || !SOME_CHECK (out, still_picture) || h.n == 0)
    t->still_from_s = -1;
  else if (t->still_from_s < 0)
    t->still_from_s = h.samples[h.n - 1].t_s;
  else if (h.samples[h.n - 1].t_s - t->still_from_s >= STILL_AFTER_WALK_S &&
           !away_from_charge (t, h.samples[h.n - 1].box))
    t->walked = t->in_place = t->has_live = false, t->still_from_s = -1;
  t->in_place |= SOME_CHECK (out, moves_in_place) || out->body_stands;
  if (out->verdict == LIVE_FLAT && !only_not_moved_yet (out) && !t->has_flat)
    t->flat = *out, t->has_flat = true;
  else if (out->verdict == LIVE_FLAT && only_not_moved_yet (out) && !t->has_static && !t->in_place)
    t->still = *out, t->has_static = true;
  if (out->verdict == LIVE_LIVE)
    t->live = *out, t->has_live = true;
  if (t->walked || t->in_place) /* a picture neither walks nor moves a part of itself while it stands */
    t->has_static = false;
  const struct live_result *stands = t->has_flat     ? &t->flat
                                     : t->has_static ? &t->still
                                     : out->verdict == LIVE_UNCERTAIN && t->has_live ? &t->live
                                                                                     : NULL;
  if (stands && stands->frame != out->frame) {
    *out = *stands;
    out->earlier = true;
  }
  remember_verdict (t, &h, now, out);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
live_quantile (double *v, int n, double q)
{
  if (n <= 0)
    return NAN;
  qsort (v, n, sizeof *v, cmp_double);
  return v[MIN (n - 1, (int) (q * n))];
}

/* Median ground point and mean time of the calibrated samples in [T0, T1]
 * (N_OUT of them; may be NULL). */
static bool
median_point (const struct live_history *h, double t0, double t1, double *x, double *y, double *t, int *n_out)
{
  double *xs = g_new (double, h->n), *ys = g_new (double, h->n), ts = 0;
  int n = 0;
  for (int i = 0; i < h->n; i++) {
    const struct live_sample *s = &h->samples[i];
    if (s->has_ground && s->t_s >= t0 - 1e-9 && s->t_s <= t1 + 1e-9) {
      xs[n] = s->ground_x, ys[n] = s->ground_y;
      ts += s->t_s;
      n++;
    }
  }
  if (n) {
    *x = live_quantile (xs, n, 0.5), *y = live_quantile (ys, n, 0.5), *t = ts / n;
  }
  g_free (xs);
  g_free (ys);
  if (n_out)
    *n_out = n;
  return n > 0;
}

bool
live_net_motion (const struct live_history *h, double window_s, struct live_net_motion *out)
{
  *out = (struct live_net_motion){0};
  if (h->n == 0)
    return false;
  double t_end = h->samples[h->n - 1].t_s, t_first = -1, t_last = -1;
  int first = -1;
  for (int i = 0; i < h->n; i++)
    if (h->samples[i].has_ground && t_end - h->samples[i].t_s <= window_s + 1e-9) {
      if (t_first < 0)
        t_first = h->samples[i].t_s, first = i;
      t_last = h->samples[i].t_s;
    }
  if (t_first < 0 || t_last <= t_first)
    return false;
  double q = (t_last - t_first) / 4, ax, ay, at, bx, by, bt;
  int na, nb;
  if (!median_point (h, t_first, t_first + q, &ax, &ay, &at, &na) ||
      !median_point (h, t_last - q, t_last, &bx, &by, &bt, &nb))
    return false;
  out->span_s = t_last - t_first;
  out->displacement_m = hypot (bx - ax, by - ay);
  out->speed_mps = bt > at ? out->displacement_m / (bt - at) : 0;
  /* the scatter about the line from one quarter's median to the other's:
   * per axis 1.4826 MAD (a normal's sigma), and the sigma of a median of N
   * such points is 1.2533 sigma / sqrt (N) */
  double *rx = g_new (double, h->n), *ry = g_new (double, h->n);
  int n = 0;
  for (int i = first; i < h->n; i++) {
    const struct live_sample *s = &h->samples[i];
    if (!s->has_ground)
      continue;
    double f = bt > at ? (s->t_s - at) / (bt - at) : 0;
    rx[n] = fabs (s->ground_x - (ax + f * (bx - ax)));
    ry[n] = fabs (s->ground_y - (ay + f * (by - ay)));
    n++;
  }
  double sx = 1.4826 * live_quantile (rx, n, 0.5), sy = 1.4826 * live_quantile (ry, n, 0.5);
  g_free (rx);
  g_free (ry);
  double sigma = sqrt ((sx * sx + sy * sy) / 2);
  out->jitter_m = 1.2533 * sigma * sqrt (1.0 / na + 1.0 / nb);
  return true;
}

bool
live_box_velocity (const struct live_history *h, double *vx, double *vy)
{
  if (h->n == 0)
    return false;
  const struct live_sample *b = &h->samples[h->n - 1];
  int i = h->n - 1;
  while (i > 0 && b->t_s - h->samples[i - 1].t_s <= LIVE_VELOCITY_SPAN_S + 1e-6)
    i--;
  const struct live_sample *a = &h->samples[i];
  double dt = b->t_s - a->t_s;
  if (dt <= 0)
    return false;
  *vx = (b->box[0] + b->box[2] / 2 - a->box[0] - a->box[2] / 2) / dt;
  *vy = (b->box[1] + b->box[3] / 2 - a->box[1] - a->box[3] / 2) / dt;
  return true;
}

bool
live_moves_with (const struct live_object *car, double vx, double vy)
{
  return hypot (vx - car->vx, vy - car->vy) <=
         LIVE_SAME_VELOCITY_SHARE * hypot (car->vx, car->vy) + LIVE_SAME_VELOCITY_PX_S;
}

bool
live_net_moved (const struct live_net_motion *m, double min_m)
{
  return m->displacement_m >= fmax (min_m, LIVE_JITTER_FACTOR * m->jitter_m);
}

bool
live_result_unassessed (const struct live_result *res)
{
  return res->unassessed;
}

bool
live_result_settled (const struct live_result *res)
{
  if (res->verdict != LIVE_LIVE)
    return res->verdict == LIVE_FLAT;
  for (int i = 0; i < res->n_checks; i++)
    if (res->checks[i].verdict != LIVE_LIVE)
      return false;
  return true;
}

const char *
live_verdict_name (enum live_verdict v)
{
  return v == LIVE_LIVE ? "live" : v == LIVE_FLAT ? "flat" : "uncertain";
}

void
live_result_set (struct live_check_result *out, enum live_verdict v, double score, const char *fmt, ...)
{
  out->verdict = v;
  out->score = score;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (out->detail, sizeof out->detail, fmt, ap);
  va_end (ap);
  if (n < 0 || (size_t) n >= sizeof out->detail) {
    /* a cut detail is no JSON: the verdict and score stand without it */
    g_critical ("liveness: a check's detail (%d characters) does not fit in %zu", n, sizeof out->detail);
    g_strlcpy (out->detail, "\"detail_cut\":true", sizeof out->detail);
  }
}

char *
live_result_to_json (const struct live_result *res)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "{\"verdict\":\"%s\",\"score\":%.3f,", live_verdict_name (res->verdict), res->score);
  if (res->why)
    g_string_append_printf (s, "\"reason\":\"%s\",", res->why); /* static text of ours: nothing to escape */
  if (live_result_unassessed (res))
    g_string_append (s, "\"assessed\":false,");
  if (res->frame >= 0)
    g_string_append_printf (s, "\"window_end_frame\":%d,\"from_earlier_window\":%s,", res->frame,
                            res->earlier ? "true" : "false");
  if (res->switch_why)
    g_string_append_printf (s, "\"track_switch\":{\"reason\":\"%s\",\"at_frame\":%d},", res->switch_why,
                            res->switch_frame);
  if (res->away.seen) /* NaN (nothing to compare) as -1 */
    g_string_append_printf (s,
                            "\"charged_place\":{\"frame\":%d,\"track_overlap\":%.2f,\"picture_left_match\":%.2f,"
                            "\"picture_here_match\":%.2f,\"surface_here_same\":%.2f},",
                            res->away.frame, res->away.overlap, isnan (res->away.left) ? -1 : res->away.left,
                            isnan (res->away.here) ? -1 : res->away.here,
                            isnan (res->away.here_same) ? -1 : res->away.here_same);
  g_string_append (s, "\"checks\":{");
  for (int i = 0; i < res->n_checks; i++) {
    const struct live_check_result *c = &res->checks[i];
    g_string_append_printf (s, "%s\"%s\":{\"verdict\":\"%s\",\"score\":%.3f%s%s}", i ? "," : "", c->name,
                            live_verdict_name (c->verdict), c->score, c->detail[0] ? "," : "", c->detail);
  }
  g_string_append (s, "}}");
  return g_string_free (s, FALSE);
}
