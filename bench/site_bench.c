/* site_bench — the violation rules on sites nobody tuned them for: random
 * layouts on PETS09-S2L1's calibrated ground, reference violations from the
 * MOT15 ground truth, the appliance's events scored against them.
 *
 *   site_bench layouts --base SITE.ini --video VTEST --seed S --count N --out DIR
 *       (SITE.ini's camera must be PETS09-S2L1's view, 768x576: layouts are
 *       drawn where its people walk) writes DIR/layoutK.ini (K = 1..N): the base site (its camera and
 *       calibration, tracker, liveness...) with a random carriageway band,
 *       a crosswalk across it and a random signal cycle; evidence in DIR/layoutK/
 *   site_bench score --gt GT.txt [--require] LAYOUT.ini EVENTS.jsonl ...
 *       per layout: the reference rules (zones/zone_rules.c on the ground
 *       truth's boxes, exact feet) under 81 perturbed settings (min_depth_m
 *       0.3/0.5/0.7, min_inside_frames 3/5/7, red_grace_s 0.5/1/1.5, the
 *       truth's foot point -5/0/+5 px); a violation of the unperturbed setting
 *       that every setting finds (same person, same rule, within 3 s) must
 *       be found; one that any setting finds may be raised. An appliance
 *       violation (decision "violation": not rejected_flat, not
 *       position_uncertain) belongs to the truth person whose box matches its
 *       box best in its frame (IoU 0.3 or more); it is right when that
 *       person has a "may" violation of the same rule whose crossing it falls
 *       in (from 2 s before the entry to 6 s after the reference decision),
 *       each matched once. Precision = right / raised; recall = "must"
 *       violations matched / "must" violations. --require: mean precision
 *       >= 0.97, mean recall >= 0.93, worst precision >= 0.93.
 * Layouts are drawn with GLib's GRand (Mersenne Twister) from the seed: the
 * same seed is the same layouts on every machine. */
#include "evid_json_guard.h"
#include "hwcfg.h"
#include "trk_mot.h"
#include "zone_rules.h"
#include "zone_signal.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMG_W 768
#define IMG_H 576
#define FPS 10.0
#define MAX_POLY 16

/* ---- layouts ---- */

/* Sutherland-Hodgman: POLY (N points, x y pairs) clipped to the convex CLIP
 * (counter-clockwise or clockwise, M points). Returns the new count. */
static int
clip_polygon (double *poly, int n, const double *clip, int m)
{
  double area = 0;
  for (int i = 0; i < m; i++) {
    int j = (i + 1) % m;
    area += clip[2 * i] * clip[2 * j + 1] - clip[2 * j] * clip[2 * i + 1];
  }
  double in_sign = area > 0 ? 1 : -1;
  for (int e = 0; e < m && n > 0; e++) {
    const double *a = &clip[2 * e], *b = &clip[2 * ((e + 1) % m)];
    double out[2 * MAX_POLY];
    int k = 0;
    for (int i = 0; i < n; i++) {
      const double *p = &poly[2 * i], *q = &poly[2 * ((i + 1) % n)];
      double sp = in_sign * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]));
      double sq = in_sign * ((b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]));
      if (sp >= 0 && k < MAX_POLY)
        out[2 * k] = p[0], out[2 * k + 1] = p[1], k++;
      if ((sp >= 0) != (sq >= 0) && k < MAX_POLY) {
        double t = sp / (sp - sq);
        out[2 * k] = p[0] + t * (q[0] - p[0]), out[2 * k + 1] = p[1] + t * (q[1] - p[1]), k++;
      }
    }
    memcpy (poly, out, sizeof (double) * 2 * k);
    n = k;
  }
  return n;
}

/* A rectangle centred at (CX, CY), HALF_L along (DX, DY), HALF_W across, on
 * the ground, clipped to what the camera sees, as an image polygon. */
static char *
zone_polygon (const double h_inv[9], const double *visible, double cx, double cy, double dx, double dy, double half_l,
              double half_w)
{
  double nx = -dy, ny = dx;
  double poly[2 * MAX_POLY] = {cx - half_l * dx - half_w * nx, cy - half_l * dy - half_w * ny,
                               cx + half_l * dx - half_w * nx, cy + half_l * dy - half_w * ny,
                               cx + half_l * dx + half_w * nx, cy + half_l * dy + half_w * ny,
                               cx - half_l * dx + half_w * nx, cy - half_l * dy + half_w * ny};
  int n = clip_polygon (poly, 4, visible, 4);
  if (n < 3)
    return NULL;
  GString *s = g_string_new (NULL);
  for (int i = 0; i < n; i++) {
    struct zone_pt px;
    if (!zone_homography_apply (h_inv, (struct zone_pt){poly[2 * i], poly[2 * i + 1]}, &px)) {
      g_string_free (s, TRUE);
      return NULL;
    }
    g_string_append_printf (s, "%s%.1f,%.1f", i ? ";" : "", px.x, px.y);
  }
  return g_string_free (s, FALSE);
}

static int
layouts (int argc, char **argv)
{
  const char *base = NULL, *out = NULL, *video = NULL;
  guint32 seed = 1;
  int count = 20;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp (argv[i], "--base"))
      base = argv[i + 1];
    else if (!strcmp (argv[i], "--out"))
      out = argv[i + 1];
    else if (!strcmp (argv[i], "--video"))
      video = argv[i + 1];
    else if (!strcmp (argv[i], "--seed"))
      seed = (guint32) strtoul (argv[i + 1], NULL, 10);
    else if (!strcmp (argv[i], "--count"))
      count = atoi (argv[i + 1]);
  }
  if (!base || !out || !video || count < 1) {
    fprintf (stderr, "usage: site_bench layouts --base SITE.ini --video VTEST --seed S --count N --out DIR\n");
    return 2;
  }
  GError *err = NULL;
  struct hwcfg *cfg = hwcfg_load (base, &err);
  if (!cfg) {
    fprintf (stderr, "site_bench: %s\n", err->message);
    g_error_free (err);
    return 2;
  }
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, NULL);
  if (!cam || !cam->has_homography) {
    fprintf (stderr, "site_bench: %s: the first camera has no ground_homography\n", base);
    hwcfg_free (cfg);
    return 2;
  }
  double h_inv[9], visible[8];
  const double corners[4][2] = {{1, 1}, {IMG_W - 2, 1}, {IMG_W - 2, IMG_H - 2}, {1, IMG_H - 2}};
  bool ok = zone_homography_invert (cam->homography, h_inv);
  for (int i = 0; i < 4 && ok; i++) {
    struct zone_pt g;
    ok = zone_homography_apply (cam->homography, (struct zone_pt){corners[i][0], corners[i][1]}, &g);
    visible[2 * i] = g.x, visible[2 * i + 1] = g.y;
  }
  if (!ok) {
    fprintf (stderr, "site_bench: %s: the camera's homography does not put the whole image on the ground\n", base);
    hwcfg_free (cfg);
    return 2;
  }
  g_autofree char *base_text = NULL;
  gsize base_len = 0;
  if (!g_file_get_contents (base, &base_text, &base_len, &err)) { /* hwcfg_load read it: only a race gets here */
    fprintf (stderr, "site_bench: %s\n", err->message);
    g_error_free (err);
    hwcfg_free (cfg);
    return 2;
  }
  GRand *rng = g_rand_new_with_seed (seed);
  g_mkdir_with_parents (out, 0755);
  int draws = 0;
  for (int k = 1; k <= count; k++) {
    GKeyFile *kf = g_key_file_new ();
    g_key_file_load_from_data (kf, base_text, base_len, G_KEY_FILE_KEEP_COMMENTS, NULL); /* hwcfg_load parsed it */
    g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
    for (int g = 0; groups[g]; g++)
      if (g_str_has_prefix (groups[g], "zone:") || !strcmp (groups[g], "signal") || !strcmp (groups[g], "mqtt"))
        g_key_file_remove_group (kf, groups[g], NULL);
    /* where people walk on this ground: X -17..3, Y -14..1 (the truth's feet, 5-95 %) */
    double cx = g_rand_double_range (rng, -12, 0), cy = g_rand_double_range (rng, -11, -3);
    double th = g_rand_double_range (rng, 0, G_PI), dx = cos (th), dy = sin (th);
    double width = g_rand_double_range (rng, 4, 9), along = g_rand_double_range (rng, -5, 5);
    double cw_width = g_rand_double_range (rng, 2.5, 5);
    g_autofree char *road = zone_polygon (h_inv, visible, cx, cy, dx, dy, 60, width / 2);
    g_autofree char *cw = zone_polygon (h_inv, visible, cx + along * dx, cy + along * dy, dx, dy, cw_width / 2, width / 2);
    if (!road || !cw) { /* out of view: draw again (a camera that sees none of this ground gives up) */
      g_key_file_free (kf);
      if (++draws > 100 * count) {
        fprintf (stderr, "site_bench: %s: the camera sees too little of the ground where PETS09-S2L1's people walk\n",
                 base);
        g_rand_free (rng);
        hwcfg_free (cfg);
        return 2;
      }
      k--;
      continue;
    }
    g_key_file_set_string (kf, "zone:road", "kind", "carriageway");
    g_key_file_set_string (kf, "zone:road", "polygon", road);
    g_key_file_set_string (kf, "zone:crosswalk", "kind", "crosswalk");
    g_key_file_set_string (kf, "zone:crosswalk", "polygon", cw);
    double cycle = g_rand_double_range (rng, 30, 90), walk = g_rand_double_range (rng, 0.2, 0.45) * cycle;
    double clearance = g_rand_double_range (rng, 3, 6), offset = g_rand_double_range (rng, 0, cycle);
    g_key_file_set_string (kf, "signal", "source", "schedule");
    const char *const keys[] = {"cycle_s", "walk_start_s", "walk_end_s", "clearance_s", "offset_s"};
    const double values[] = {cycle, 0, walk, clearance, offset};
    for (int v = 0; v < 5; v++) {
      char num[32];
      g_ascii_formatd (num, sizeof num, "%.1f", values[v]);
      g_key_file_set_string (kf, "signal", keys[v], num);
    }
    g_autofree char *uri = g_filename_to_uri (video, NULL, NULL);
    g_auto (GStrv) cams = g_key_file_get_groups (kf, NULL);
    for (int g = 0; cams[g]; g++)
      if (g_str_has_prefix (cams[g], "camera:"))
        g_key_file_set_string (kf, cams[g], "uri", uri ? uri : video);
    g_autofree char *dir = g_strdup_printf ("%s/layout%d", out, k);
    g_mkdir_with_parents (dir, 0755);
    g_autofree char *db = g_strdup_printf ("%s/evidence.db", dir), *key = g_strdup_printf ("%s/device.key", dir);
    g_key_file_set_string (kf, "evidence", "db", db);
    g_key_file_set_string (kf, "evidence", "key", key);
    g_autofree char *comment = g_strdup_printf (
        " site_bench layout %d of seed %u: a %.1f m carriageway band at (%.1f, %.1f) m heading %.0f deg, a %.1f m "
        "crosswalk %.1f m along it; signal cycle %.1f s, WALK %.1f s",
        k, seed, width, cx, cy, th * 180 / G_PI, cw_width, along, cycle, walk);
    g_key_file_set_comment (kf, NULL, NULL, comment, NULL);
    g_autofree char *path = g_strdup_printf ("%s/layout%d.ini", out, k);
    if (!g_key_file_save_to_file (kf, path, &err)) {
      fprintf (stderr, "site_bench: %s\n", err->message);
      g_error_free (err);
      g_key_file_free (kf);
      g_rand_free (rng);
      hwcfg_free (cfg);
      return 2;
    }
    printf ("%s:%s\n", path, comment);
    g_key_file_free (kf);
  }
  g_rand_free (rng);
  hwcfg_free (cfg);
  return 0;
}

/* ---- scoring ---- */

/* A MOT row's box as x, y, w, h. */
static void
box_of (const struct trk_mot_row *r, double b[4])
{
  b[0] = r->box.x, b[1] = r->box.y, b[2] = r->box.w, b[3] = r->box.h;
}

struct ref_event {
  int id;
  enum zone_violation type;
  double entry_t, t;
  int every;   /* settings that found it */
  bool must, used;
};

static double
iou (const double *a, const double *b)
{
  double w = fmin (a[0] + a[2], b[0] + b[2]) - fmax (a[0], b[0]), h = fmin (a[1] + a[3], b[1] + b[3]) - fmax (a[1], b[1]);
  if (w <= 0 || h <= 0)
    return 0;
  return w * h / (a[2] * a[3] + b[2] * b[3] - w * h);
}

/* A rule that became true: the frame, the box and what the rules said. */
struct decided {
  int frame;
  double box[4];
  struct zone_track_out o;
};

/* The rules of CFG over MOT ROWS (sorted by frame) up to LAST_FRAME, each
 * foot point moved FOOT_DY px down; every violation raised, in order. ROWS
 * are a ground truth's (IDS_ARE_PEOPLE: its ids are people) or a tracker's. */
static GArray *
rules_on_rows (const struct hwcfg *cfg, const GArray *rows, int last_frame, double foot_dy, bool ids_are_people)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (struct decided));
  struct zone_rules *r = zone_rules_create (cfg, NULL, NULL);
  if (ids_are_people)
    zone_rules_ids_are_people (r);
  struct zone_signal *sig = zone_signal_create (&cfg->signal, NULL, NULL);
  /* room for the most rows any frame has */
  guint most = 0;
  for (guint a = 0, b = 0; a < rows->len; a = b) {
    int frame = g_array_index (rows, struct trk_mot_row, a).frame;
    for (b = a; b < rows->len && g_array_index (rows, struct trk_mot_row, b).frame == frame; b++)
      ;
    most = MAX (most, b - a);
  }
  struct zone_track_in *in = g_new (struct zone_track_in, most + 1);
  struct zone_track_out *o = g_new (struct zone_track_out, most + 1);
  double (*box)[4] = g_malloc_n (most + 1, sizeof *box);
  guint k = 0;
  for (int f = 1; f <= last_frame; f++) {
    int n = 0;
    for (; k < rows->len && g_array_index (rows, struct trk_mot_row, k).frame == f; k++) {
      const struct trk_mot_row *g = &g_array_index (rows, struct trk_mot_row, k);
      box_of (g, box[n]);
      in[n] = zone_track_in_of_box (g->id, box[n], IMG_W, IMG_H);
      in[n].signature = g->has_signature ? g->signature : NULL;
      in[n++].foot_px.y += foot_dy;
    }
    struct zone_signal_state st;
    double t = (f - 1) / FPS;
    zone_signal_at (sig, t, &st);
    zone_rules_step (r, f, t, &st, in, n, o);
    for (int i = 0; i < n; i++)
      if (o[i].violation) {
        struct decided d = {f, {box[i][0], box[i][1], box[i][2], box[i][3]}, o[i]};
        g_array_append_val (out, d);
      }
  }
  zone_rules_free (r);
  zone_signal_free (sig);
  g_free (in);
  g_free (o);
  g_free (box);
  return out;
}

/* The reference rules on the truth under one setting: violations appended to OUT. */
static void
reference (const struct hwcfg *base_cfg, const GArray *gt, int last_frame, double depth, int inside, double grace,
           double foot_dy, GArray *out)
{
  struct hwcfg cfg = *base_cfg;
  cfg.rules.min_depth_m = depth, cfg.rules.min_inside_frames = inside, cfg.rules.red_grace_s = grace;
  cfg.rules.foot_noise_px = cfg.rules.foot_noise_share = 0; /* the truth's feet are the feet */
  GArray *d = rules_on_rows (&cfg, gt, last_frame, foot_dy, true);
  for (guint i = 0; i < d->len; i++) {
    const struct zone_track_out *o = &g_array_index (d, struct decided, i).o;
    struct ref_event e = {o->track_id, o->type, o->entry_t_s, (g_array_index (d, struct decided, i).frame - 1) / FPS};
    if (!o->position_uncertain)
      g_array_append_val (out, e);
  }
  g_array_free (d, TRUE);
}

#define SAME_CROSSING_S 3.0

/* One decision of the appliance: a fine ("violation") or not. */
struct app_event {
  int frame;
  double box[4];
  enum zone_violation type;
  bool fine;
};

/* The events file crosswatch run --events-out wrote. */
static GArray *
load_events (const char *path)
{
  GError *err = NULL;
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, &err)) {
    fprintf (stderr, "site_bench: %s\n", err->message);
    g_error_free (err);
    return NULL;
  }
  GArray *out = g_array_new (FALSE, FALSE, sizeof (struct app_event));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int l = 0; lines[l]; l++) {
    if (!*lines[l])
      continue;
    /* an event line is a few hundred bytes nested 3 deep: the guard's limits refuse anything else */
    JsonNode *root = evid_json_guard_parse (lines[l], strlen (lines[l]), 1 << 20, EVID_JSON_GUARD_DEPTH, &err);
    JsonObject *o = root ? evid_json_guard_object (root, "the line", &err) : NULL;
    const char *type = o ? evid_json_member_string (o, "type", FALSE, &err) : NULL;
    const char *decision = type ? evid_json_member_string (o, "decision", FALSE, &err) : NULL;
    JsonArray *bb = decision ? evid_json_member_array (o, "bbox", FALSE, &err) : NULL;
    gint64 frame = 0;
    struct app_event e = {0};
    bool ok = bb && evid_json_member_int (o, "frame", &frame, &err);
    if (ok && json_array_get_length (bb) != 4)
      ok = false, g_set_error (&err, EVID_JSON_ERROR, EVID_JSON_ERROR_TYPE, "member 'bbox': 4 numbers expected");
    for (guint i = 0; ok && i < 4; i++)
      if (!(ok = evid_json_node_number (json_array_get_element (bb, i), &e.box[i])))
        g_set_error (&err, EVID_JSON_ERROR, EVID_JSON_ERROR_TYPE, "member 'bbox': 4 numbers expected");
    if (ok) {
      e.frame = (int) frame;
      e.type = !strcmp (type, "red_signal") ? ZONE_VIOLATION_RED_SIGNAL : ZONE_VIOLATION_OUTSIDE_CROSSWALK;
      /* clock_unsynced: a violation whose time a supervisor must check
       * first (a machine whose clock no time service keeps); the rules
       * and liveness decided it all the same */
      e.fine = !strcmp (decision, "violation") || !strcmp (decision, "clock_unsynced");
    }
    if (root)
      json_node_unref (root); /* TYPE and DECISION go with it */
    if (!ok) {
      fprintf (stderr, "site_bench: %s:%d: not an event: %s\n", path, l + 1, err ? err->message : "?");
      g_clear_error (&err);
      g_array_free (out, TRUE);
      return NULL;
    }
    g_array_append_val (out, e);
  }
  return out;
}

/* The rules as the appliance runs them (the layout's settings, foot-point
 * noise included) on its tracks (crosswatch run --tracks-out): what
 * crosswatch would decide on this layout, liveness aside (it rejects no
 * genuine violation on this footage: bench/README.md). Rows sorted by frame. */
static GArray *
events_from_tracks (const struct hwcfg *cfg, const GArray *tracks, int last_frame)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (struct app_event));
  GArray *d = rules_on_rows (cfg, tracks, last_frame, 0, false);
  for (guint i = 0; i < d->len; i++) {
    const struct decided *x = &g_array_index (d, struct decided, i);
    if (g_getenv ("SITE_BENCH_DEBUG"))
      printf ("  decided: frame %d track %d %s%s entry %s sigma %.2f\n", x->frame, x->o.track_id,
              zone_violation_name (x->o.type), x->o.position_uncertain ? " position_uncertain" : "",
              x->o.entry_seen ? "seen" : "unseen", x->o.ground_sigma_m);
    struct app_event e = {x->frame, {x->box[0], x->box[1], x->box[2], x->box[3]}, x->o.type, !x->o.position_uncertain};
    g_array_append_val (out, e);
  }
  g_array_free (d, TRUE);
  return out;
}

/* Per layout: the reference violations ("must" and "may") and the score. */
static bool
score_layout (const char *ini, const char *events, const GArray *tracks, const GArray *gt, int last_frame,
              double *precision, double *recall, int *raised, int *right, int *must, int *found)
{
  GError *err = NULL;
  struct hwcfg *cfg = hwcfg_load (ini, &err);
  if (!cfg) {
    fprintf (stderr, "site_bench: %s\n", err->message);
    g_error_free (err);
    return false;
  }
  static const double DEPTH[] = {0.3, 0.5, 0.7}, GRACE[] = {0.5, 1.0, 1.5}, DY[] = {-5, 0, 5};
  static const int INSIDE[] = {3, 5, 7};
  GArray *base = g_array_new (FALSE, FALSE, sizeof (struct ref_event));
  GArray *may = g_array_new (FALSE, FALSE, sizeof (struct ref_event));
  reference (cfg, gt, last_frame, 0.5, 5, 1.0, 0, base);
  int settings = 0;
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 3; c++)
        for (int d = 0; d < 3; d++) {
          GArray *one = g_array_new (FALSE, FALSE, sizeof (struct ref_event));
          reference (cfg, gt, last_frame, DEPTH[a], INSIDE[b], GRACE[c], DY[d], one);
          settings++;
          for (guint i = 0; i < base->len; i++) {
            struct ref_event *e = &g_array_index (base, struct ref_event, i);
            for (guint j = 0; j < one->len; j++) {
              const struct ref_event *x = &g_array_index (one, struct ref_event, j);
              if (x->id == e->id && x->type == e->type && fabs (x->t - e->t) <= SAME_CROSSING_S) {
                e->every++;
                break;
              }
            }
          }
          g_array_append_vals (may, one->data, one->len);
          g_array_free (one, TRUE);
        }
  *must = *found = *raised = *right = 0;
  for (guint i = 0; i < base->len; i++) {
    struct ref_event *e = &g_array_index (base, struct ref_event, i);
    e->must = e->every == settings;
    *must += e->must;
  }
  /* the appliance's violations */
  GArray *app = events ? load_events (events) : events_from_tracks (cfg, tracks, last_frame);
  if (!app) {
    g_array_free (base, TRUE);
    g_array_free (may, TRUE);
    hwcfg_free (cfg);
    return false;
  }
  GHashTable *claimed = g_hash_table_new (g_direct_hash, g_direct_equal); /* person * 100000 + entry (0.1 s) */
  for (guint l = 0; l < app->len; l++) {
    const struct app_event *ev = &g_array_index (app, struct app_event, l);
    if (!ev->fine)
      continue;
    (*raised)++;
    int who = -1;
    double best = 0.3;
    for (guint i = 0; i < gt->len; i++) {
      const struct trk_mot_row *g = &g_array_index (gt, struct trk_mot_row, i);
      double b[4];
      box_of (g, b);
      if (g->frame == ev->frame && iou (b, ev->box) >= best)
        best = iou (b, ev->box), who = g->id;
    }
    double t = (ev->frame - 1) / FPS;
    bool ok = false;
    for (guint i = 0; i < may->len && who >= 0 && !ok; i++) {
      const struct ref_event *x = &g_array_index (may, struct ref_event, i);
      if (x->id == who && x->type == ev->type && t >= x->entry_t - 2 && t <= x->t + 6 &&
          !g_hash_table_contains (claimed, GINT_TO_POINTER (x->id * 100000 + (int) lround (x->entry_t * 10)))) {
        ok = true;
        /* the crossing is claimed: a second fine for it is wrong */
        for (guint j = 0; j < may->len; j++) {
          const struct ref_event *y = &g_array_index (may, struct ref_event, j);
          if (y->id == x->id && fabs (y->entry_t - x->entry_t) <= SAME_CROSSING_S)
            g_hash_table_add (claimed, GINT_TO_POINTER (y->id * 100000 + (int) lround (y->entry_t * 10)));
        }
      }
    }
    *right += ok;
    if (!ok)
      printf ("  %s: wrong: frame %d %s, truth person %d\n", ini, ev->frame, zone_violation_name (ev->type), who);
    for (guint i = 0; i < base->len && who >= 0; i++) {
      struct ref_event *e = &g_array_index (base, struct ref_event, i);
      if (e->must && !e->used && e->id == who && e->type == ev->type && t >= e->entry_t - 2 && t <= e->t + 6)
        e->used = true, (*found)++;
    }
  }
  g_array_free (app, TRUE);
  for (guint i = 0; i < base->len; i++) {
    const struct ref_event *e = &g_array_index (base, struct ref_event, i);
    if (e->must && !e->used)
      printf ("  %s: missed: truth person %d %s decided at %.1f s\n", ini, e->id, zone_violation_name (e->type), e->t);
  }
  *precision = *raised ? (double) *right / *raised : 1;
  *recall = *must ? (double) *found / *must : 1;
  g_hash_table_destroy (claimed);
  g_array_free (base, TRUE);
  g_array_free (may, TRUE);
  hwcfg_free (cfg);
  return true;
}

static gint
by_frame (gconstpointer a, gconstpointer b)
{
  const struct trk_mot_row *x = a, *y = b;
  return x->frame != y->frame ? (x->frame > y->frame) - (x->frame < y->frame) : (x->id > y->id) - (x->id < y->id);
}

/* MOT rows (frame,id,x,y,w,h,...) of PATH sorted by frame; *LAST the last
 * frame. NULL, the reason on stderr naming the file and line, when a line
 * is not a row, when a frame has an id twice (a tracks file or a ground
 * truth: every id is one person in a frame), or when there is no row. */
static GArray *
load_mot (const char *path, int *last)
{
  struct trk_mot_file f;
  if (trk_mot_read_checked (path, &f, true, stderr) != 0) {
    fprintf (stderr, "site_bench: %s refused\n", path);
    return NULL;
  }
  if (f.n_rows == 0) {
    fprintf (stderr, "site_bench: %s: no MOT rows\n", path);
    trk_mot_clear (&f);
    return NULL;
  }
  GArray *rows = g_array_sized_new (FALSE, FALSE, sizeof (struct trk_mot_row), (guint) f.n_rows);
  g_array_append_vals (rows, f.rows, (guint) f.n_rows);
  trk_mot_clear (&f);
  g_array_sort (rows, by_frame);
  int max_frame = g_array_index (rows, struct trk_mot_row, rows->len - 1).frame;
  for (guint i = 1; i < rows->len; i++) {
    const struct trk_mot_row *a = &g_array_index (rows, struct trk_mot_row, i - 1);
    const struct trk_mot_row *b = &g_array_index (rows, struct trk_mot_row, i);
    if (a->frame == b->frame && a->id == b->id) {
      fprintf (stderr, "site_bench: %s:%d: not a MOT row: id %d appears twice in frame %d (line %d)\n", path,
               MAX (a->line, b->line), b->id, b->frame, MIN (a->line, b->line));
      g_array_free (rows, TRUE);
      return NULL;
    }
  }
  if (last)
    *last = max_frame;
  return rows;
}

static int
score (int argc, char **argv)
{
  const char *gt_path = NULL;
  bool require = false, tracks_mode = false;
  GPtrArray *pairs = g_ptr_array_new ();
  for (int i = 2; i < argc; i++) {
    if (!strcmp (argv[i], "--gt") && i + 1 < argc)
      gt_path = argv[++i];
    else if (!strcmp (argv[i], "--require"))
      require = true;
    else if (!strcmp (argv[i], "--tracks"))
      tracks_mode = true; /* the pairs' second file is a tracks file: the rules run here */
    else
      g_ptr_array_add (pairs, argv[i]);
  }
  int last = 0;
  GArray *gt = NULL;
  if (!gt_path || pairs->len == 0 || pairs->len % 2) {
    fprintf (stderr, "usage: site_bench score --gt GT.txt [--require] [--tracks] LAYOUT.ini EVENTS.jsonl|TRACKS.txt ...\n");
    g_ptr_array_free (pairs, TRUE);
    return 2;
  }
  if (!(gt = load_mot (gt_path, &last))) {
    g_ptr_array_free (pairs, TRUE);
    return 2;
  }
  double sum_p = 0, sum_r = 0, worst_p = 1;
  int n = 0;
  printf ("| layout | raised | right | precision | must | found | recall |\n|---|---|---|---|---|---|---|\n");
  GString *rows = g_string_new (NULL);
  for (guint i = 0; i < pairs->len; i += 2) {
    double p, r;
    int raised, right, must, found;
    GArray *tracks = tracks_mode ? load_mot (pairs->pdata[i + 1], NULL) : NULL;
    bool ok = (!tracks_mode || tracks) && score_layout (pairs->pdata[i], tracks_mode ? NULL : pairs->pdata[i + 1],
                                                        tracks, gt, last, &p, &r, &raised, &right, &must, &found);
    if (tracks)
      g_array_free (tracks, TRUE);
    if (!ok) {
      g_string_free (rows, TRUE);
      g_array_free (gt, TRUE);
      g_ptr_array_free (pairs, TRUE);
      return 2;
    }
    g_autofree char *name = g_path_get_basename (pairs->pdata[i]);
    g_string_append_printf (rows, "| %s | %d | %d | %.2f | %d | %d | %.2f |\n", name, raised, right, p, must, found, r);
    sum_p += p, sum_r += r, worst_p = fmin (worst_p, p), n++;
  }
  printf ("%s", rows->str);
  g_string_free (rows, TRUE);
  double mean_p = sum_p / n, mean_r = sum_r / n;
  printf ("\n%d layouts: mean precision %.3f, mean recall %.3f, worst precision %.3f (targets 0.97, 0.93, 0.93)\n", n,
          mean_p, mean_r, worst_p);
  bool ok = mean_p >= 0.97 && mean_r >= 0.93 && worst_p >= 0.93;
  if (require && !ok)
    printf ("targets NOT met\n");
  g_array_free (gt, TRUE);
  g_ptr_array_free (pairs, TRUE);
  return require && !ok ? 1 : 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && !strcmp (argv[1], "layouts"))
    return layouts (argc, argv);
  if (argc >= 2 && !strcmp (argv[1], "score"))
    return score (argc, argv);
  fprintf (stderr, "usage: site_bench layouts ... | score ...\n");
  return 2;
}
