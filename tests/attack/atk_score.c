/* atk_score — `attack_scenario score`: what crosswatch made of the clips.
 *
 *   attack_scenario score [--footage-gt MOT] [--setting NAME] --clip TRUTH OFF.jsonl ON.jsonl DET.txt|- ...
 *                         [--tracked-clip TRUTH OFF ON DET OFF_TRACKS ON_TRACKS] [--list FILE]
 *                         [--markdown] [--require] [--presentations]
 *   (also the single-clip form --truth T --off EV --on EV [--detections MOT] [--off-tracks MOT --on-tracks MOT])
 *
 * A clip is its truth JSON (attack_scenario make), the events of a run with
 * liveness off and of one with it on (crosswatch run --events-out), and the
 * detections of the off run (--detections-out, MOT rows) or "-". --setting
 * names the detector setting of the clips after it (one table each); a
 * --list file holds one clip a line: SETTING TRUTH OFF ON DET [OFF_TRACKS ON_TRACKS].
 *
 * An event belongs to whom its track followed. With the runs' tracks
 * (crosswatch --tracks-out, OFF_TRACKS and ON_TRACKS after DET) and the
 * footage's ground truth (--footage-gt MOT, frames mapped through the
 * clip's start and fps), every frame of the event's track votes for the
 * presentation (attack or synthetic genuine person) or footage person its
 * box matches best (IoU 0.3 or more; a presentation also when the box
 * covers half of it while at most 3.5 times its area: the detector's box is
 * larger than a printed figure's), and the track belongs to the majority.
 * A track whose votes split between an attack and a real person (each a
 * fifth or more of them, 3 frames or more) is an identity switch: listed
 * and counted on its own, in neither APCER nor BPCER, since what it shows
 * is a tracker failure, not a verdict on a picture. Without tracks, the
 * event's own box in its frame (or the next) decides, and without footage
 * truth an event no presentation matches is a person of the footage. With
 * it, an event of a track that matched no one, nor lay on part of a
 * presentation's picture, is on no one (a tripod in the background):
 * listed and counted on its own, not a genuine violation. Per attack type and speed band (then per
 * carrier, placement, profile, ...): presentations; detected (share of their
 * frames with a detection at IoU 0.4 or more); how many reached the rules
 * with liveness off and their candidates; with liveness on, candidates
 * not raised (rejected_flat, or liveness_unassessed: too brief to assess)
 * / uncertain / live; APCER: presentations with any candidate raised
 * (uncertain counts as accepted) over those that reached the rules. BPCER:
 * genuine violations (every off event not an attack's) whose on twin (same
 * frame, rule, box at IoU 0.5) was not raised, per
 * clip, per scenario and overall; the share left uncertain, with a tally of
 * why. Accepted attack candidates are listed with their checks.
 *
 * --require: for every setting, APCER 0 % for every attack type, BPCER at
 * most 1 % overall and in every clip, every genuine violation matched, and
 * every attack type in the clips reached the rules with liveness off.
 * --require-genuine: the same but APCER (printed) is not required. */
#include "atk.h"
#include "trk_mot.h"
#include "trk_box.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_FIELDS 13
static const char *const FIELDS[N_FIELDS] = {"speed_band", "carrier", "placement", "mount", "profile",
                                             "content",    "location", "raised",   "across", "appears",
                                             "fps",        "lane",     "size"};

struct pres {
  int clip, id;
  char type[24], scenario[48];
  char field[N_FIELDS][24];
  GHashTable *boxes; /* frame -> double[4] */
  int frames, detected;
  int off_cand, on_rej, on_unc, on_live;
};

struct event {
  int frame, track;
  char type[32], decision[32], verdict[16];
  double box[4];
  char *reason;  /* why uncertain */
  char *checks;  /* the liveness JSON */
  int last_frame; /* the last frame the liveness verdict looked at (window_end_frame), or -1 */
};

/* The appliance did not raise E: a picture (rejected_flat), or seen too
 * briefly for the liveness checks to assess (liveness_unassessed). */
static bool
not_raised (const struct event *e)
{
  return !strcmp (e->decision, "rejected_flat") || !strcmp (e->decision, "liveness_unassessed");
}

struct clip {
  char *setting, *name;
  int first_pres, n_pres;
  int start, fps;              /* footage frame of clip frame 1; clip frames per second */
  GHashTable *tracks[2];       /* off, on run: track id -> GArray of struct mot_row, or NULL */
  int genuine, genuine_rejected, genuine_unassessed, genuine_uncertain, genuine_missing;
  int switched;                /* events on a track that switched between a person and an attack */
  int no_one;                  /* events with liveness off whose track showed no one (owner's NO_ONE) */
  int taken_over;              /* accepted attacks whose track showed a real person at the last verdict */
  int charged_on_person;       /* accepted attacks whose own box showed a real person at the decision */
};

struct mot_row {
  int frame, id;
  double box[4];
};

struct score {
  GArray *pres;   /* struct pres */
  GArray *clips;  /* struct clip */
  GHashTable *reasons; /* setting\treason -> count */
  GPtrArray *accepted; /* lines */
  GPtrArray *genuine_lines;
  /* genuine violations by setting\tscenario: int[4] total, rejected, uncertain, missing */
  GHashTable *genuine;
  bool apcer_not_required; /* --require-genuine: APCER is reported, not required */
  GHashTable *footage;     /* footage frame -> GArray of struct mot_row (--footage-gt), or NULL */
  GPtrArray *apart_lines; /* identity switches, and violations on no one: counted apart */
};

static double
iou (const double a[4], const double b[4])
{
  const struct trk_box ba = {a[0], a[1], a[2], a[3]}, bb = {b[0], b[1], b[2], b[3]};
  return trk_box_iou (&ba, &bb);
}

/* ---- reading ---- */

static const char *
str_member (JsonObject *o, const char *name, char *buf, size_t len)
{
  buf[0] = 0;
  if (!json_object_has_member (o, name))
    return buf;
  JsonNode *n = json_object_get_member (o, name);
  if (JSON_NODE_HOLDS_VALUE (n)) {
    GType t = json_node_get_value_type (n);
    if (t == G_TYPE_STRING)
      g_strlcpy (buf, json_node_get_string (n), len);
    else if (t == G_TYPE_BOOLEAN)
      g_strlcpy (buf, json_node_get_boolean (n) ? "yes" : "no", len);
    else if (t == G_TYPE_INT64)
      g_snprintf (buf, len, "%" G_GINT64_FORMAT, json_node_get_int (n));
    else
      g_snprintf (buf, len, "%g", json_node_get_double (n));
  }
  return buf;
}

/* Member NAME of O when it is a string, else NULL. */
static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                       : NULL;
}

/* Member NAME of O when it is a number, into OUT. */
static bool
number_member (JsonObject *o, const char *name, double *out)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (!n || !JSON_NODE_HOLDS_VALUE (n))
    return false;
  GType t = json_node_get_value_type (n);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return false;
  *out = json_node_get_double (n);
  return true;
}

/* Member NAME of O when it is an object (or an array), else NULL. */
static JsonObject *
object_member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
array_member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static bool
load_truth (struct score *sc, struct clip *c, int clip, const char *path, GError **error)
{
  JsonParser *jp = json_parser_new ();
  if (!json_parser_load_from_file (jp, path, error)) {
    g_object_unref (jp);
    return false;
  }
  JsonNode *rn = json_parser_get_root (jp);
  JsonObject *root = rn && JSON_NODE_HOLDS_OBJECT (rn) ? json_node_get_object (rn) : NULL;
  JsonArray *ja = array_member (root, "attacks");
  if (!ja) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no \"attacks\" array in a JSON object", path);
    g_object_unref (jp);
    return false;
  }
  char fps[24];
  str_member (root, "fps", fps, sizeof fps);
  double v;
  c->fps = number_member (root, "fps", &v) && v > 0 ? (int) v : 10;
  c->start = number_member (root, "start", &v) ? (int) v : 1;
  for (guint i = 0; i < json_array_get_length (ja); i++) {
    JsonNode *en = json_array_get_element (ja, i);
    JsonObject *o = JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
    double id;
    const char *boxes = string_member (o, "boxes");
    if (!boxes || !number_member (o, "id", &id)) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: attacks[%u]: needs a number \"id\" and a string \"boxes\"",
                   path, i);
      g_object_unref (jp);
      return false;
    }
    struct pres p = {.clip = clip};
    p.id = (int) id;
    str_member (o, "type", p.type, sizeof p.type);
    str_member (o, "scenario", p.scenario, sizeof p.scenario);
    for (int f = 0; f < N_FIELDS; f++)
      str_member (o, FIELDS[f], p.field[f], sizeof p.field[f]);
    if (!p.field[10][0]) /* fps: the clip's */
      g_strlcpy (p.field[10], fps, sizeof p.field[10]);
    if (!strcmp (p.type, "bus_advert")) /* the first generator's name */
      g_strlcpy (p.type, "vehicle_advert", sizeof p.type), g_strlcpy (p.field[1], "bus", sizeof p.field[1]);
    p.boxes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
    g_auto (GStrv) rows = g_strsplit (boxes, ";", -1);
    for (int k = 0; rows[k]; k++) {
      int fr;
      double *b = g_new (double, 4);
      if (sscanf (rows[k], "%d,%lf,%lf,%lf,%lf", &fr, &b[0], &b[1], &b[2], &b[3]) == 5) {
        g_hash_table_insert (p.boxes, GINT_TO_POINTER (fr), b);
        p.frames++;
      } else {
        g_free (b);
      }
    }
    g_array_append_val (sc->pres, p);
  }
  g_object_unref (jp);
  return true;
}

/* Why a check-set is uncertain: the liveness "reason", else each uncertain check's. */
static char *
uncertain_reason (JsonObject *lv)
{
  if (string_member (lv, "reason"))
    return g_strdup (string_member (lv, "reason"));
  GString *s = g_string_new (NULL);
  JsonObject *checks = object_member (lv, "checks");
  GList *names = checks ? json_object_get_members (checks) : NULL;
  names = g_list_sort (names, (GCompareFunc) strcmp);
  for (GList *l = names; l; l = l->next) {
    JsonObject *c = object_member (checks, l->data);
    if (g_strcmp0 (string_member (c, "verdict"), "uncertain") != 0)
      continue;
    const char *why = string_member (c, "reason");
    g_string_append_printf (s, "%s%s: %s", s->len ? "; " : "", (const char *) l->data, why ? why : "uncertain");
  }
  g_list_free (names);
  return g_string_free (s, FALSE);
}

static void
free_events (GArray *a)
{
  for (guint i = 0; a && i < a->len; i++) {
    g_free (g_array_index (a, struct event, i).reason);
    g_free (g_array_index (a, struct event, i).checks);
  }
  if (a)
    g_array_free (a, TRUE);
}

static GArray *
load_events (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  GArray *a = g_array_new (FALSE, TRUE, sizeof (struct event));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++) {
    if (!*lines[i])
      continue;
    JsonParser *p = json_parser_new ();
    if (!json_parser_load_from_data (p, lines[i], -1, NULL)) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%d: not JSON", path, i + 1);
      g_object_unref (p);
      g_array_free (a, TRUE);
      return NULL;
    }
    JsonNode *root = json_parser_get_root (p);
    JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
    JsonObject *lv = object_member (o, "liveness");
    JsonArray *b = array_member (o, "bbox");
    const char *type = string_member (o, "type"), *decision = string_member (o, "decision");
    const char *verdict = lv ? string_member (lv, "verdict") : "none";
    double frame, track;
    struct event e = {0};
    bool ok = type && decision && verdict && number_member (o, "frame", &frame) &&
              number_member (o, "track_id", &track) && b && json_array_get_length (b) == 4;
    for (guint k = 0; ok && k < 4; k++) {
      JsonNode *v = json_array_get_element (b, k);
      ok = JSON_NODE_HOLDS_VALUE (v) &&
           (json_node_get_value_type (v) == G_TYPE_DOUBLE || json_node_get_value_type (v) == G_TYPE_INT64);
      if (ok)
        e.box[k] = json_node_get_double (v);
    }
    if (!ok) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s:%d: an event needs numbers frame and track_id, strings type and decision, a bbox of 4 numbers "
                   "and, if any, a liveness object with a string verdict",
                   path, i + 1);
      g_object_unref (p);
      free_events (a);
      return NULL;
    }
    e.frame = (int) frame;
    e.track = (int) track;
    g_strlcpy (e.type, type, sizeof e.type);
    g_strlcpy (e.decision, decision, sizeof e.decision);
    g_strlcpy (e.verdict, verdict, sizeof e.verdict);
    double last_frame = -1;
    e.last_frame = lv && number_member (lv, "window_end_frame", &last_frame) ? (int) last_frame : -1;
    if (lv) {
      e.reason = uncertain_reason (lv);
      JsonGenerator *g = json_generator_new ();
      json_generator_set_root (g, json_object_get_member (o, "liveness"));
      e.checks = json_generator_to_data (g, NULL);
      g_object_unref (g);
    }
    g_array_append_val (a, e);
    g_object_unref (p);
  }
  return a;
}

/* Reads PATH, a MOT file (the footage's truth, or crosswatch's tracks or
 * detections, colour signatures and all), with the tracker's own reader:
 * a line that is no row fails it, naming the line. */
static bool
read_mot (const char *path, struct trk_mot_file *out, GError **error)
{
  char *report = NULL;
  size_t report_len = 0;
  FILE *errors = open_memstream (&report, &report_len);
  int rc = trk_mot_read_checked (path, out, true, errors);
  if (errors)
    fclose (errors);
  if (rc != 0)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", report && *report ? g_strchomp (report) : path);
  free (report);
  return rc == 0;
}

static bool
load_detections (struct score *sc, const struct clip *c, const char *path, GError **error)
{
  struct trk_mot_file det;
  if (!read_mot (path, &det, error))
    return false;
  GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal); /* frame * 1000 + presentation */
  for (int r = 0; r < det.n_rows; r++) { /* crosswatch run --detections-out: frame,-1,x,y,w,h,score,... */
    int fr = det.rows[r].frame;
    const double b[4] = {det.rows[r].box.x, det.rows[r].box.y, det.rows[r].box.w, det.rows[r].box.h};
    for (int i = 0; i < c->n_pres && i < 1000; i++) {
      struct pres *p = &g_array_index (sc->pres, struct pres, c->first_pres + i);
      const double *g = g_hash_table_lookup (p->boxes, GINT_TO_POINTER (fr));
      gpointer key = GINT_TO_POINTER (fr * 1000 + i);
      if (g && iou (g, b) >= 0.4 && !g_hash_table_contains (seen, key)) {
        g_hash_table_add (seen, key);
        p->detected++;
      }
    }
  }
  trk_mot_clear (&det);
  g_hash_table_destroy (seen);
  return true;
}

/* MOT rows (frame,id,x,y,w,h,...) of PATH, grouped: BY_FRAME, frame -> GArray
 * of struct mot_row (the footage's truth); else track id -> its rows. */
static GHashTable *
load_mot (const char *path, bool by_frame, GError **error)
{
  struct trk_mot_file f;
  if (!read_mot (path, &f, error))
    return NULL;
  GHashTable *t = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_array_unref);
  for (int r = 0; r < f.n_rows; r++) {
    const struct trk_mot_row *m = &f.rows[r];
    struct mot_row b = {m->frame, m->id, {m->box.x, m->box.y, m->box.w, m->box.h}};
    gpointer key = GINT_TO_POINTER (by_frame ? b.frame : b.id);
    GArray *a = g_hash_table_lookup (t, key);
    if (!a)
      g_hash_table_insert (t, key, a = g_array_new (FALSE, FALSE, sizeof b));
    g_array_append_val (a, b);
  }
  trk_mot_clear (&f);
  return t;
}

/* How well event box E covers the presentation's box T: the share of T
 * inside E, or 0 when E is far bigger than T (a group, a vehicle). The
 * detector's box of a printed or screened person is the detector's own
 * shape (margins, 0.4 wide to tall) around the figure, so it holds the
 * truth box rather than matching it: IoU alone misses it. */
static double
cover (const double t[4], const double e[4])
{
  double w = fmin (t[0] + t[2], e[0] + e[2]) - fmax (t[0], e[0]);
  double h = fmin (t[1] + t[3], e[1] + e[3]) - fmax (t[1], e[1]);
  double at = t[2] * t[3], ae = e[2] * e[3];
  if (w <= 0 || h <= 0 || at <= 0 || ae > 3.5 * at)
    return 0;
  return w * h / at;
}

/* How well an event's or track's box BOX matches presentation box B: 1 +
 * IoU when IoU is 0.3 or more, else the share of B it covers when that is
 * half or more, else 0. */
static double
match (const double b[4], const double box[4])
{
  double v = iou (b, box);
  return v >= 0.3 ? 1 + v : cover (b, box) >= 0.5 ? cover (b, box) : 0;
}

/* Presentation P's box in clip frame FRAME, or in a frame next to it (it
 * appears or leaves there), or NULL. */
static const double *
pres_box_near (const struct pres *p, int frame)
{
  const double *b = g_hash_table_lookup (p->boxes, GINT_TO_POINTER (frame));
  if (!b)
    b = g_hash_table_lookup (p->boxes, GINT_TO_POINTER (frame - 1));
  return b ? b : g_hash_table_lookup (p->boxes, GINT_TO_POINTER (frame + 1));
}

/* The presentation of clip C whose box in FRAME scores best with BOX by
 * HOW, above *BEST_V (which it raises to that score), or -1. */
static int
best_presentation (const struct score *sc, const struct clip *c, int frame, const double box[4],
                   double (*how) (const double b[4], const double box[4]), double *best_v)
{
  int best = -1;
  for (int i = c->first_pres; i < c->first_pres + c->n_pres; i++) {
    const double *b = pres_box_near (&g_array_index (sc->pres, struct pres, i), frame);
    double v = b ? how (b, box) : 0;
    if (v > *best_v)
      *best_v = v, best = i;
  }
  return best;
}

/* Whom BOX in clip frame FRAME shows: the best matched presentation (its
 * index in sc->pres), a footage person (-2 - their id) or nobody (-1). A
 * presentation that appears or leaves in the frame next to it counts too.
 * Footage people match on IoU alone (their boxes are the people's own). */
static int
frame_owner (const struct score *sc, const struct clip *c, int frame, const double box[4])
{
  double best_v = 0;
  int best = best_presentation (sc, c, frame, box, match, &best_v);
  /* clip frame k shows footage frame start + round((k - 1) * 10 / fps) (atk_make.c) */
  GArray *fb = sc->footage ? g_hash_table_lookup (sc->footage,
                                                  GINT_TO_POINTER (c->start + (int) lround ((frame - 1) * 10.0 / c->fps)))
                           : NULL;
  for (guint k = 0; fb && k < fb->len; k++) {
    const struct mot_row *b = &g_array_index (fb, struct mot_row, k);
    double v = iou (b->box, box);
    if (v >= 0.3 && 1 + v > best_v)
      best_v = 1 + v, best = -2 - b->id;
  }
  return best;
}

static bool
is_attack (const struct pres *p)
{
  return p && strcmp (p->type, "genuine") != 0;
}

/* Whether O (as frame_owner gives it, not -1) is an attack presentation;
 * else a real person: of the footage, or a synthetic genuine one. */
static bool
owner_is_attack (const struct score *sc, int o)
{
  return o >= 0 && is_attack (&g_array_index (sc->pres, struct pres, o));
}

/* How a track's rows up to a frame voted, each for whom WHOM says its box shows (-1: no one). */
struct votes {
  int best, best_n;   /* the most voted for, and its votes (0: none) */
  int rows, voted;    /* rows looked at; of them, with a vote */
  int attack, real;   /* votes for attacks, for real people */
};

static void
vote (const struct score *sc, const struct clip *c, const GArray *t, int last_frame,
      int (*whom) (const struct score *, const struct clip *, int, const double[4]), struct votes *v)
{
  *v = (struct votes){.best = -1};
  GHashTable *votes = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint k = 0; k < t->len; k++) {
    const struct mot_row *b = &g_array_index (t, struct mot_row, k);
    if (b->frame > last_frame)
      break;
    v->rows++;
    int o = whom (sc, c, b->frame, b->box);
    if (o == -1)
      continue;
    v->voted++;
    bool atk = owner_is_attack (sc, o);
    v->attack += atk, v->real += !atk;
    int n = GPOINTER_TO_INT (g_hash_table_lookup (votes, GINT_TO_POINTER (o))) + 1;
    g_hash_table_insert (votes, GINT_TO_POINTER (o), GINT_TO_POINTER (n));
    if (n > v->best_n)
      v->best_n = n, v->best = o;
  }
  g_hash_table_destroy (votes);
}

/* The share of BOX inside B. */
static double
inside (const double b[4], const double box[4])
{
  double w = fmin (b[0] + b[2], box[0] + box[2]) - fmax (b[0], box[0]);
  double h = fmin (b[1] + b[3], box[1] + box[3]) - fmax (b[1], box[1]);
  return w > 0 && h > 0 && box[2] * box[3] > 0 ? w * h / (box[2] * box[3]) : 0;
}

/* The presentation whose box holds at least INSIDE_SHARE of BOX in clip
 * frame FRAME (or a frame next to it), or -1: a detector box on part of a
 * printed figure (its legs on an advert), too small a part of it for
 * match's cover. Asked only of tracks that matched no one otherwise
 * (owner): a person passing in front of a poster is inside it too, and
 * matches their own truth. */
#define INSIDE_SHARE 0.6

static int
frame_picture_part (const struct score *sc, const struct clip *c, int frame, const double box[4])
{
  double best_v = INSIDE_SHARE - 1e-9;
  return best_presentation (sc, c, frame, box, inside, &best_v);
}

/* Whom a track of T's rows (up to LAST_FRAME) that matched no one by
 * frame_owner shows: the presentation most of its boxes are part of
 * (frame_picture_part), or -1. */
static int
track_picture_part (const struct score *sc, const struct clip *c, const GArray *t, int last_frame)
{
  struct votes v;
  vote (sc, c, t, last_frame, frame_picture_part, &v);
  return 2 * v.best_n > v.rows ? v.best : -1;
}

/* The presentation event E (of run RUN: 0 off, 1 on) belongs to, or NULL for
 * a person of the footage (module comment). *SWITCHED: its track's votes
 * split between an attack and a real person. *NO_ONE: with the footage's
 * truth, neither its track nor its own box matched anyone, a person of the
 * footage or a presentation, nor is it part of a presentation's picture:
 * the detector fired on something that is no person (a tripod in the
 * background), which is not a genuine violation (counted and listed on its
 * own). */
static struct pres *
owner (struct score *sc, const struct clip *c, const struct event *e, int run, bool *switched, bool *no_one)
{
  *switched = false, *no_one = false;
  GArray *t = c->tracks[run] ? g_hash_table_lookup (c->tracks[run], GINT_TO_POINTER (e->track)) : NULL;
  int last_frame = e->frame + 2 * c->fps; /* what it followed until shortly after the decision */
  if (t) {
    struct votes v;
    vote (sc, c, t, last_frame, frame_owner, &v);
    *switched = v.attack >= 3 && v.real >= 3 && v.attack * 5 >= v.voted && v.real * 5 >= v.voted;
    if (v.best_n > 0)
      return v.best >= 0 ? &g_array_index (sc->pres, struct pres, v.best) : NULL;
  }
  /* no track, or it matched nobody: its decision box decides */
  int o = frame_owner (sc, c, e->frame, e->box);
  if (o == -1)
    o = t ? track_picture_part (sc, c, t, last_frame) : frame_picture_part (sc, c, e->frame, e->box);
  *no_one = o == -1 && sc->footage;
  return o >= 0 ? &g_array_index (sc->pres, struct pres, o) : NULL;
}

/* Whether the track of event E (of the run with liveness on) showed
 * someone of the other kind at the frame its last verdict looked at: a
 * real person (of the footage or a genuine presentation) for an attack,
 * an attack for a genuine violation (ATTACK false). Someone passing took
 * the charged track over, and the verdict is theirs. */
static bool
taken_over (const struct score *sc, const struct clip *c, const struct event *e, bool attack)
{
  GArray *t = c->tracks[1] ? g_hash_table_lookup (c->tracks[1], GINT_TO_POINTER (e->track)) : NULL;
  if (!t || e->last_frame <= e->frame)
    return false;
  const struct mot_row *at = NULL;
  for (guint k = 0; k < t->len; k++) {
    const struct mot_row *b = &g_array_index (t, struct mot_row, k);
    if (b->frame > e->last_frame)
      break;
    at = b;
  }
  if (!at)
    return false;
  int o = frame_owner (sc, c, at->frame, at->box);
  if (o == -1)
    return false;
  return attack != owner_is_attack (sc, o);
}

static void
count (GHashTable *t, const char *key, int slot)
{
  int *v = g_hash_table_lookup (t, key);
  if (!v) {
    v = g_new0 (int, 4);
    g_hash_table_insert (t, g_strdup (key), v);
  }
  v[slot]++;
}

/* Lists the genuine violation E (M its twin with liveness on, P its person
 * or NULL for the footage's) as WHAT: rejected, not raised, uncertain. */
static void
genuine_line (struct score *sc, const struct clip *c, const struct event *e, const struct event *m,
              const struct pres *p, const char *what)
{
  g_ptr_array_add (sc->genuine_lines,
                   g_strdup_printf ("[%s] genuine %s%s: %s frame %d track %d %s (%s): %s", c->setting, what,
                                    taken_over (sc, c, m, false) ? " (its track an attack's at the last verdict)" : "",
                                    c->name, e->frame, m->track, e->type, p ? p->scenario : "footage",
                                    m->checks ? m->checks : "{}"));
}

static void
score_clip (struct score *sc, struct clip *c, GArray *off, GArray *on)
{
  for (guint i = 0; i < off->len; i++) {
    const struct event *e = &g_array_index (off, struct event, i);
    bool switched, no_one;
    struct pres *p = owner (sc, c, e, 0, &switched, &no_one);
    if (no_one) {
      c->no_one++;
      g_ptr_array_add (sc->apart_lines,
                       g_strdup_printf ("[%s] no one, liveness off: %s frame %d track %d %s box %.0f,%.0f %.0fx%.0f",
                                        c->setting, c->name, e->frame, e->track, e->type, e->box[0], e->box[1],
                                        e->box[2], e->box[3]));
      continue;
    }
    if (switched) {
      g_ptr_array_add (sc->apart_lines, g_strdup_printf ("[%s] identity switch, liveness off: %s frame %d track %d %s",
                                                          c->setting, c->name, e->frame, e->track, e->type));
      continue;
    }
    if (is_attack (p)) {
      p->off_cand++;
      continue;
    }
    /* a genuine violation: its twin with liveness on (same frame, rule and box;
     * ids of people appearing in the same frame may come out in either order) */
    const struct event *m = NULL;
    for (guint k = 0; k < on->len && !m; k++) {
      const struct event *o = &g_array_index (on, struct event, k);
      if (o->frame == e->frame && !strcmp (o->type, e->type) && iou (o->box, e->box) >= 0.5)
        m = o;
    }
    g_autofree char *key = g_strdup_printf ("%s\t%s", c->setting, p ? p->scenario : "footage");
    count (sc->genuine, key, 0);
    c->genuine++;
    if (p)
      p->off_cand++;
    if (!m) {
      c->genuine_missing++;
      count (sc->genuine, key, 3);
      continue;
    }
    if (not_raised (m)) {
      c->genuine_rejected++;
      c->genuine_unassessed += !strcmp (m->decision, "liveness_unassessed");
      count (sc->genuine, key, 1);
      genuine_line (sc, c, e, m, p, strcmp (m->decision, "rejected_flat") ? "not raised (too brief to assess)" : "rejected");
    } else if (!strcmp (m->verdict, "uncertain")) {
      c->genuine_uncertain++;
      count (sc->genuine, key, 2);
      g_autofree char *rk = g_strdup_printf ("%s\t%s", c->setting, m->reason && *m->reason ? m->reason : "(none given)");
      count (sc->reasons, rk, 0);
      genuine_line (sc, c, e, m, p, "uncertain");
    }
    if (p)
      p->on_rej += not_raised (m), p->on_unc += !not_raised (m) && !strcmp (m->verdict, "uncertain"),
          p->on_live += !strcmp (m->verdict, "live");
  }
  for (guint i = 0; i < on->len; i++) {
    const struct event *e = &g_array_index (on, struct event, i);
    bool switched, no_one;
    struct pres *p = owner (sc, c, e, 1, &switched, &no_one);
    if (switched) {
      c->switched++;
      g_ptr_array_add (sc->apart_lines,
                       g_strdup_printf ("[%s] identity switch, liveness on: %s frame %d track %d %s %s verdict %s: %s",
                                        c->setting, c->name, e->frame, e->track, e->type, e->decision, e->verdict,
                                        e->checks ? e->checks : "{}"));
      continue;
    }
    if (!is_attack (p))
      continue;
    if (not_raised (e)) {
      p->on_rej++;
      continue;
    }
    bool unc = strcmp (e->verdict, "live") != 0;
    p->on_unc += unc, p->on_live += !unc;
    bool taken = taken_over (sc, c, e, true);
    c->taken_over += taken;
    /* the event's own box, its stills, on a real person: the track (the
     * picture's, by its majority) was charged after a person took it */
    int at = frame_owner (sc, c, e->frame, e->box);
    bool on_person = at != -1 && !owner_is_attack (sc, at);
    c->charged_on_person += on_person;
    g_ptr_array_add (sc->accepted,
                     g_strdup_printf ("[%s] accepted%s%s: %s %s #%d (%s %s %s %s) frame %d track %d verdict %s: %s",
                                      c->setting, on_person ? " (its box a real person's at the decision)" : "",
                                      taken ? " (its track a real person's at the last verdict)" : "",
                                      c->name, p->type, p->id, p->field[1], p->field[2], p->field[0],
                                      p->field[4], e->frame, e->track, e->verdict, e->checks ? e->checks : "{}"));
  }
}

/* ---- tables ---- */

struct row {
  int pres, reached, frames, detected, off_cand, rej, unc, live, accepted, reached_on;
};

static void
add_row (struct row *r, const struct pres *p)
{
  r->pres++;
  r->frames += p->frames, r->detected += p->detected;
  r->reached += p->off_cand > 0;
  r->off_cand += p->off_cand;
  r->rej += p->on_rej, r->unc += p->on_unc, r->live += p->on_live;
  r->reached_on += p->on_rej + p->on_unc + p->on_live > 0;
  r->accepted += p->on_unc + p->on_live > 0;
}

static void
print_row (const char *a, const char *b, const struct row *r, bool md)
{
  char det[16], apcer[24];
  g_snprintf (det, sizeof det, "%.0f%%", r->frames ? 100.0 * r->detected / r->frames : 0);
  if (r->reached_on)
    g_snprintf (apcer, sizeof apcer, "%.1f%% (%d/%d)", 100.0 * r->accepted / r->reached_on, r->accepted, r->reached_on);
  else
    g_strlcpy (apcer, "-", sizeof apcer);
  if (md)
    printf ("| %s | %s | %d | %s | %d (%d cand.) | %d | %d | %d | %s |\n", a, b, r->pres, det, r->reached, r->off_cand,
            r->rej, r->unc, r->live, apcer);
  else
    printf ("%-15s %-34s %5d %8s %8d %6d %9d %9d %6d  %s\n", a, b, r->pres, det, r->reached, r->off_cand, r->rej,
            r->unc, r->live, apcer);
}

static void
print_header (const char *by, bool md)
{
  if (md) {
    printf ("| attack | %s | presentations | detected | reached rules, liveness off | not raised | uncertain | "
            "live | APCER |\n|---|---|---|---|---|---|---|---|---|\n",
            by);
    return;
  }
  printf ("%-15s %-34s %5s %8s %8s %6s %9s %9s %6s  %s\n", "attack", by, "pres", "detected", "reached", "cand",
          "not raised", "uncertain", "live", "APCER (accepted/reached)");
}

static const char *const TYPES[] = {"vehicle_advert", "poster", "screen"};

static int
by_string (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* One table: the setting's attack presentations by type and FIELD (-1: type only). */
static void
table (struct score *sc, const char *setting, int field, bool md)
{
  for (int t = 0; t < (int) G_N_ELEMENTS (TYPES); t++) {
    GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
    GHashTable *rows = g_hash_table_new (g_str_hash, g_str_equal);
    struct row total = {0};
    for (guint i = 0; i < sc->pres->len; i++) {
      const struct pres *p = &g_array_index (sc->pres, struct pres, i);
      const struct clip *c = &g_array_index (sc->clips, struct clip, p->clip);
      if (strcmp (c->setting, setting) != 0 || strcmp (p->type, TYPES[t]) != 0 || p->frames == 0)
        continue;
      add_row (&total, p);
      if (field < 0)
        continue;
      const char *v = p->field[field][0] ? p->field[field] : "-";
      struct row *r = g_hash_table_lookup (rows, v);
      if (!r) {
        g_ptr_array_add (values, g_strdup (v));
        r = g_new0 (struct row, 1);
        g_hash_table_insert (rows, values->pdata[values->len - 1], r);
      }
      add_row (r, p);
    }
    g_ptr_array_sort (values, by_string);
    for (guint k = 0; k < values->len && total.pres; k++)
      if (values->len > 1 || field == 0)
        print_row (TYPES[t], values->pdata[k], g_hash_table_lookup (rows, values->pdata[k]), md);
    if (total.pres)
      print_row (TYPES[t], field < 0 || values->len > 1 || field == 0 ? "all" : values->pdata[0], &total, md);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, rows);
    while (g_hash_table_iter_next (&it, &k, &v))
      g_free (v);
    g_hash_table_destroy (rows);
    g_ptr_array_free (values, TRUE);
  }
}

/* Genuine violations per scenario (the footage's people, and each synthetic
 * scenario with how many people it had and how often they were detected). */
static void
genuine_table (struct score *sc, const char *setting, bool md)
{
  GHashTable *gen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < sc->pres->len; i++) {
    const struct pres *p = &g_array_index (sc->pres, struct pres, i);
    const struct clip *c = &g_array_index (sc->clips, struct clip, p->clip);
    if (strcmp (c->setting, setting) != 0 || is_attack (p) || p->frames == 0)
      continue;
    struct row *r = g_hash_table_lookup (gen, p->scenario);
    if (!r)
      g_hash_table_insert (gen, g_strdup (p->scenario), r = g_new0 (struct row, 1));
    add_row (r, p);
  }
  size_t n = strlen (setting);
  GList *names = NULL;
  GList *keys = g_hash_table_get_keys (sc->genuine);
  for (GList *l = keys; l; l = l->next)
    if (!strncmp (l->data, setting, n) && ((char *) l->data)[n] == '\t')
      names = g_list_prepend (names, (char *) l->data + n + 1);
  GList *more = g_hash_table_get_keys (gen);
  for (GList *l = more; l; l = l->next)
    if (!g_list_find_custom (names, l->data, (GCompareFunc) strcmp))
      names = g_list_prepend (names, l->data);
  names = g_list_sort (names, (GCompareFunc) strcmp);
  if (md)
    printf ("\n| genuine | people | detected | violations, liveness off | not raised | uncertain | not matched |\n"
            "|---|---|---|---|---|---|---|\n");
  else
    printf ("\n-- %s: genuine violations (the footage's people and the synthetic ones)\n"
            "%-36s %6s %8s %10s %9s %9s %11s\n",
            setting, "genuine", "people", "detected", "violations", "rejected", "uncertain", "not matched");
  for (GList *l = names; l; l = l->next) {
    g_autofree char *key = g_strdup_printf ("%s\t%s", setting, (const char *) l->data);
    const int *v = g_hash_table_lookup (sc->genuine, key);
    const struct row *r = g_hash_table_lookup (gen, l->data);
    char people[16] = "-", det[16] = "-";
    if (r)
      g_snprintf (people, sizeof people, "%d", r->pres),
          g_snprintf (det, sizeof det, "%.0f%%", r->frames ? 100.0 * r->detected / r->frames : 0);
    if (md)
      printf ("| %s | %s | %s | %d | %d | %d | %d |\n", (const char *) l->data, people, det, v ? v[0] : 0,
              v ? v[1] : 0, v ? v[2] : 0, v ? v[3] : 0);
    else
      printf ("%-36s %6s %8s %10d %9d %9d %11d\n", (const char *) l->data, people, det, v ? v[0] : 0, v ? v[1] : 0,
              v ? v[2] : 0, v ? v[3] : 0);
  }
  if (md)
    printf ("\n");
  g_list_free (names);
  g_list_free (keys);
  g_list_free (more);
  g_hash_table_destroy (gen);
}

static bool
report_setting (struct score *sc, const char *setting, bool md, bool require)
{
  bool ok = true;
  printf (md ? "\n**%s** detector setting, attacks by type and speed band:\n\n" : "\n== %s: attacks by type and speed band\n",
          setting);
  print_header ("speed band", md);
  table (sc, setting, 0, md);
  if (md)
    printf ("\n");
  if (!md)
    for (int f = 1; f < N_FIELDS; f++) {
      printf ("\n-- %s: by %s\n", setting, FIELDS[f]);
      print_header (FIELDS[f], false);
      table (sc, setting, f, false);
    }
  /* APCER and reach per type */
  for (int t = 0; t < (int) G_N_ELEMENTS (TYPES); t++) {
    struct row r = {0};
    for (guint i = 0; i < sc->pres->len; i++) {
      const struct pres *p = &g_array_index (sc->pres, struct pres, i);
      const struct clip *c = &g_array_index (sc->clips, struct clip, p->clip);
      if (!strcmp (c->setting, setting) && !strcmp (p->type, TYPES[t]) && p->frames > 0)
        add_row (&r, p);
    }
    if (!r.pres)
      continue;
    printf (md ? "- APCER %s %.1f%% (%d of %d presentations that reached the rules accepted; %d of %d reached them "
                 "with liveness off; candidates on: %d not raised, %d uncertain, %d live)\n"
               : "APCER %-15s %5.1f%% (%d of %d presentations that reached the rules accepted; %d of %d reached them "
                 "with liveness off; candidates on: %d not raised, %d uncertain, %d live)\n",
            TYPES[t], r.reached_on ? 100.0 * r.accepted / r.reached_on : 0, r.accepted, r.reached_on,
            r.reached, r.pres, r.rej, r.unc, r.live);
    ok = ok && (r.accepted == 0 || sc->apcer_not_required) && r.reached > 0;
    if (r.reached == 0)
      printf ("%s%s never reached the rules with liveness off: it proves nothing\n", md ? "- " : "", TYPES[t]);
  }
  /* BPCER */
  int total = 0, rejected = 0, unassessed = 0, uncertain = 0, missing = 0, switched = 0, taken = 0, no_one = 0,
      on_person = 0;
  for (guint i = 0; i < sc->clips->len; i++) {
    const struct clip *c = &g_array_index (sc->clips, struct clip, i);
    if (strcmp (c->setting, setting) != 0)
      continue;
    total += c->genuine, rejected += c->genuine_rejected, unassessed += c->genuine_unassessed;
    uncertain += c->genuine_uncertain, missing += c->genuine_missing;
    switched += c->switched, taken += c->taken_over, no_one += c->no_one, on_person += c->charged_on_person;
    if (c->genuine_rejected * 100 > c->genuine) {
      printf ("%sBPCER over 1 %% in %s: %d of %d genuine violations not raised\n", md ? "- " : "", c->name,
              c->genuine_rejected, c->genuine);
      ok = false;
    }
  }
  genuine_table (sc, setting, md);
  printf ("%sBPCER %.1f%% (%d of %d genuine violations not raised: %d rejected as flat, %d too brief to assess; %d "
          "not matched); uncertain: %.1f%% (%d)\n",
          md ? "- " : "", total ? 100.0 * rejected / total : 0, rejected, total, rejected - unassessed, unassessed,
          missing, total ? 100.0 * uncertain / total : 0, uncertain);
  if (switched)
    printf ("%s%d event(s) with liveness on from tracks that switched between a real person and an attack (listed "
            "as \"identity switch\"): a tracker failure, counted in neither APCER nor BPCER\n",
            md ? "- " : "", switched);
  if (no_one)
    printf ("%s%d violation(s) with liveness off on something that is no one: their track matched no person of the "
            "footage's truth and no presentation (listed as \"no one\"): a detector error, not a genuine violation\n",
            md ? "- " : "", no_one);
  if (taken)
    printf ("%s%d accepted attack(s) whose track showed a real person at the last verdict: a person passing took the "
            "charged track over (listed as \"accepted (its track a real person's ...)\")\n",
            md ? "- " : "", taken);
  if (on_person)
    printf ("%s%d accepted attack(s) whose own box showed a real person at the decision: the picture's track, "
            "taken by a person passing, charged on that person (listed as \"accepted (its box a real person's ...)\"; "
            "still counted as accepted)\n",
            md ? "- " : "", on_person);
  ok = ok && rejected * 100 <= total && missing == 0;
  GList *rk = g_list_sort (g_hash_table_get_keys (sc->reasons), (GCompareFunc) strcmp);
  for (GList *l = rk; l; l = l->next) {
    const char *k = l->data;
    size_t n = strlen (setting);
    if (!strncmp (k, setting, n) && k[n] == '\t')
      printf (md ? "  - uncertain genuine: %d x %s\n" : "  uncertain genuine: %4d x %s\n",
              *(int *) g_hash_table_lookup (sc->reasons, k), k + n + 1);
  }
  g_list_free (rk);
  if (require && !ok)
    printf ("%s: targets NOT met\n", setting);
  return ok;
}

/* ---- command line ---- */

static bool
add_clip (struct score *sc, const char *setting, const char *truth, const char *off, const char *on, const char *det,
          const char *off_tracks, const char *on_tracks, GError **error)
{
  struct clip c = {.setting = g_strdup (setting), .name = g_path_get_basename (truth), .first_pres = (int) sc->pres->len};
  g_array_append_val (sc->clips, c); /* owned by the score from here: freed with it on any error */
  struct clip *cp = &g_array_index (sc->clips, struct clip, sc->clips->len - 1);
  if (!load_truth (sc, cp, (int) sc->clips->len - 1, truth, error))
    return false;
  cp->n_pres = (int) sc->pres->len - cp->first_pres;
  char *dot = strrchr (cp->name, '.');
  if (dot)
    *dot = 0;
  if (det && strcmp (det, "-") != 0 && !load_detections (sc, cp, det, error))
    return false;
  if (off_tracks && !(cp->tracks[0] = load_mot (off_tracks, false, error)))
    return false;
  if (on_tracks && !(cp->tracks[1] = load_mot (on_tracks, false, error)))
    return false;
  GArray *ev_off = load_events (off, error), *ev_on = ev_off ? load_events (on, error) : NULL;
  if (!ev_on) {
    free_events (ev_off);
    return false;
  }
  score_clip (sc, cp, ev_off, ev_on);
  free_events (ev_off);
  free_events (ev_on);
  return true;
}
int
atk_score (int argc, char **argv)
{
  struct score sc = {g_array_new (FALSE, TRUE, sizeof (struct pres)), g_array_new (FALSE, TRUE, sizeof (struct clip)),
                     g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free), g_ptr_array_new_with_free_func (g_free),
                     g_ptr_array_new_with_free_func (g_free), g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
                     .apart_lines = g_ptr_array_new_with_free_func (g_free)};
  const char *setting = "default", *truth = NULL, *off = NULL, *on = NULL, *det = NULL, *off_tracks = NULL,
             *on_tracks = NULL;
  bool md = false, require = false, list = false;
  GError *err = NULL;
  int status = 2;
  for (int i = 2; i < argc && !err; i++) {
    const char *a = argv[i];
    if (!strcmp (a, "--markdown"))
      md = true;
    else if (!strcmp (a, "--require"))
      require = true;
    else if (!strcmp (a, "--require-genuine"))
      require = true, sc.apcer_not_required = true;
    else if (!strcmp (a, "--presentations"))
      list = true;
    else if (!strcmp (a, "--setting") && i + 1 < argc)
      setting = argv[++i];
    else if (!strcmp (a, "--footage-gt") && i + 1 < argc) {
      if (sc.clips->len)
        g_set_error (&err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--footage-gt must come before the clips");
      else if (!sc.footage)
        sc.footage = load_mot (argv[++i], true, &err);
    } else if (!strcmp (a, "--clip") && i + 4 < argc) {
      add_clip (&sc, setting, argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4], NULL, NULL, &err);
      i += 4;
    } else if (!strcmp (a, "--tracked-clip") && i + 6 < argc) {
      add_clip (&sc, setting, argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4], argv[i + 5], argv[i + 6], &err);
      i += 6;
    } else if (!strcmp (a, "--list") && i + 1 < argc) {
      g_autofree char *text = NULL;
      if (g_file_get_contents (argv[++i], &text, NULL, &err)) {
        g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
        for (int k = 0; lines[k] && !err; k++) {
          g_auto (GStrv) f = g_strsplit_set (g_strstrip (lines[k]), " \t", -1);
          guint n = g_strv_length (f);
          if (n >= 5)
            add_clip (&sc, f[0], f[1], f[2], f[3], f[4], n >= 7 ? f[5] : NULL, n >= 7 ? f[6] : NULL, &err);
        }
      }
    } else if (!strcmp (a, "--truth") && i + 1 < argc)
      truth = argv[++i];
    else if (!strcmp (a, "--off") && i + 1 < argc)
      off = argv[++i];
    else if (!strcmp (a, "--on") && i + 1 < argc)
      on = argv[++i];
    else if (!strcmp (a, "--detections") && i + 1 < argc)
      det = argv[++i];
    else if (!strcmp (a, "--off-tracks") && i + 1 < argc)
      off_tracks = argv[++i];
    else if (!strcmp (a, "--on-tracks") && i + 1 < argc)
      on_tracks = argv[++i];
    else {
      fprintf (stderr, "attack_scenario score: unknown option %s\n", a);
      goto out;
    }
  }
  if (!err && truth && off && on)
    add_clip (&sc, setting, truth, off, on, det, off_tracks, on_tracks, &err);
  if (err) {
    fprintf (stderr, "attack_scenario: %s\n", err->message);
    goto out;
  }
  if (sc.clips->len == 0) {
    fprintf (stderr, "usage: attack_scenario score [--setting NAME] --clip TRUTH OFF ON DET|- ... [--list FILE] "
                     "[--markdown] [--require]\n");
    goto out;
  }
  GPtrArray *settings = g_ptr_array_new ();
  for (guint i = 0; i < sc.clips->len; i++) {
    const char *s = g_array_index (sc.clips, struct clip, i).setting;
    bool seen = false;
    for (guint k = 0; k < settings->len; k++)
      seen |= !strcmp (settings->pdata[k], s);
    if (!seen)
      g_ptr_array_add (settings, (gpointer) s);
  }
  for (guint i = 0; i < sc.accepted->len; i++)
    printf ("%s\n", (const char *) sc.accepted->pdata[i]);
  for (guint i = 0; i < sc.genuine_lines->len; i++)
    printf ("%s\n", (const char *) sc.genuine_lines->pdata[i]);
  for (guint i = 0; i < sc.apart_lines->len; i++)
    printf ("%s\n", (const char *) sc.apart_lines->pdata[i]);
  if (list) /* every presentation, for debugging */
    for (guint i = 0; i < sc.pres->len; i++) {
      const struct pres *p = &g_array_index (sc.pres, struct pres, i);
      const struct clip *c = &g_array_index (sc.clips, struct clip, p->clip);
      printf ("[%s] %s #%d %s %s", c->setting, c->name, p->id, p->type, p->scenario);
      for (int f = 0; f < N_FIELDS; f++)
        if (p->field[f][0])
          printf (" %s=%s", FIELDS[f], p->field[f]);
      printf (": %d frames, %.0f%% detected, %d candidates off, on %d rejected %d uncertain %d live\n", p->frames,
              p->frames ? 100.0 * p->detected / p->frames : 0, p->off_cand, p->on_rej, p->on_unc, p->on_live);
    }
  bool ok = true;
  for (guint k = 0; k < settings->len; k++)
    ok = report_setting (&sc, settings->pdata[k], md, require) && ok;
  g_ptr_array_free (settings, TRUE);
  status = require && !ok ? 1 : 0;
out:
  g_clear_error (&err);
  for (guint i = 0; i < sc.pres->len; i++)
    g_hash_table_destroy (g_array_index (sc.pres, struct pres, i).boxes);
  for (guint i = 0; i < sc.clips->len; i++) {
    struct clip *c = &g_array_index (sc.clips, struct clip, i);
    g_free (c->setting), g_free (c->name);
    for (int r = 0; r < 2; r++)
      if (c->tracks[r])
        g_hash_table_destroy (c->tracks[r]);
  }
  if (sc.footage)
    g_hash_table_destroy (sc.footage);
  g_ptr_array_free (sc.apart_lines, TRUE);
  g_array_free (sc.pres, TRUE);
  g_array_free (sc.clips, TRUE);
  g_hash_table_destroy (sc.reasons);
  g_hash_table_destroy (sc.genuine);
  g_ptr_array_free (sc.accepted, TRUE);
  g_ptr_array_free (sc.genuine_lines, TRUE);
  return status;
}
