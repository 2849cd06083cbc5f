/* The motion check (mono camera): Shi-Tomasi corners inside the person's box
 * and in a ring around it, followed with pyramidal Lucas-Kanade over the
 * last motion_window_s.
 *
 *  - A print riding on a vehicle moves with one plane: the moving part of
 *    its surroundings fits one homography, that homography explains
 *    (nearly) every point of the box, predicts where the detector's box went,
 *    and box and moving surroundings stay one rigid plane through the window.
 *    Points are followed with a guess of where they went (their own last
 *    motion; at the first step also the box's), so a carrier at 15 m/s,
 *    accelerating or braking, is followed as well as one crawling.
 *  - Nothing around a walker moves with them: when the box moves and no more
 *    than a few of the ring's points move with it, nothing carries it.
 *  - A walker moves independently of the background, and non-rigidly: limbs
 *    swing, so no single homography fits the box's moving points over time.
 *    Gait periodicity (the legs' spread, about 2 Hz) is measured and
 *    reported; at 10 frames/s over 1.5 s it is too coarse to decide on.
 * Measurements: points followed, share of the box explained by the
 * surroundings' motion, non-rigidity (75th percentile residual of the best
 * homography of the box's own moving points, in box heights), gait.
 */
#include "live_check.h"

#include "live_frames.h"
#include "zone_camera.h"

#include <math.h>
#include <string.h>

#define MAX_BOX_POINTS 80
#define MAX_RING_POINTS 80
#define MAX_POINTS (MAX_BOX_POINTS + MAX_RING_POINTS)
#define MAX_STEPS 96

/* Below these the check has not seen enough to say anything. */
static const int MIN_BOX_POINTS = 6, MIN_MOVING_RING_POINTS = 8, MIN_FRAMES = 5;
/* The box shares its surroundings' motion when this share of it does. */
static const double SHARED_FLAT = 0.8;
/* ... and box and surroundings stay one plane within this (box heights). */
static const double JOINT_RIGID = 0.015;
/* ... seen on at least this many points of the moving ring. */
static const int MIN_FLAT_POINTS = 8;
/* A walker: this share of the box moves on its own, this non-rigidly. */
static const double INDEPENDENT_LIVE = 0.15, NONRIGID_LIVE = 0.02;
/* A walker against a moving surface that goes at another pace: less than
 * this share of the box moves as that surface does, and what moved
 * otherwise moved non-rigidly (NONRIGID_LIVE; see its use). */
static const double UNSHARED_LIVE = 0.5;
/* A still picture: followed this long (seconds) with less than this share
 * of the box moving at all (a person waiting still shifts, turns, breathes). */
static const double STILL_PICTURE_S = 0.5, STILL_INDEPENDENT = 0.08;
/* ... even when the detector's box moved, if this many of its points, and
 * this share of those seeded in it, were followed through the window. */
static const int MIN_STILL_POINTS = 8;
static const double STILL_FOLLOWED = 0.8;
/* Moving in place: at least this share of the box moves on its own, and
 * at most this share (a person waiting moves a head, an arm; a screen's
 * walker on the spot moves most of the picture). */
static const double IN_PLACE_MIN = 0.1, IN_PLACE_MAX = 0.6;
/* The surroundings' motion predicts the detector's box (head and feet) within this (box heights):
 * loosely (the detector's box lags and jitters); a pedestrian in front of a moving vehicle is off by metres. */
static const double CARRIED_BOX = 0.6;
/* Nothing carries the box when this many ring points at least were
 * followed and at most a tenth of them (or two) moved the way it did. */
static const int MIN_ALONE_RING_POINTS = 10;
/* A carrier seen wholly (this share of the box and this many surrounding
 * points as one rigid plane) needs only this share of motion_window_s. */
static const double WHOLLY_SHARED = 0.95, WHOLLY_WINDOW = 0.33;
static const int WHOLLY_RING_POINTS = 12;
/* The ring holds none of the person: where a box is shorter than a person
 * this tall standing at its feet, the ring's hole reaches up to that
 * person's head. A detector's box cut short of the head and shoulders (on
 * vtest.avi a woman's boxes were 76 px for her 100) leaves her head in the
 * ring, moving with the box as one plane like the panel around a print on
 * a vehicle: she was rejected as flat. */
static const double TALL_PERSON_M = 1.9;
/* A picture moving as one, whatever is around it (a print on a bus seen
 * between a lamp post and a sign that stand still in front of the bus): at
 * least this many of the box's points, and this share of those followed,
 * went the way the box did, and one homography holds them all through the
 * window within this (box heights). A walker's limbs move against the
 * body: on the attack bench's walkers, real and composited, with this many
 * points that residual was 0.0117 box heights or more; on prints riding
 * vehicles 0.0007-0.0046 in 16 of 21 windows (the others had a walker
 * passing in front, or shrank as the vehicle drove away). */
static const int MIN_RIGID_POINTS = 15;
static const double RIGID_SHARE = 0.8, RIGID_PICTURE = 0.005;
/* How far along the box's rows (box widths either side) the surroundings
 * are looked at when the ring is too plain to show anything. */
static const float WIDE_RING = 3.0f;

/* Why, when what is around a person moves the way their box does. */
static const char MOVE_ALIKE[] = "others around them move the same way (walking in a group, or a vehicle alongside)";

/* The box moved (by BOX_MOVED pixels, TOL its noise) and, of the ring's
 * N_RING followed points, at most a tenth (or two) moved with it. */
static bool
nothing_moves_with (double box_moved, double tol, int n_ring, int with_box)
{
  return box_moved >= 2 * tol && n_ring >= MIN_ALONE_RING_POINTS && with_box <= MAX (2, 0.1 * n_ring);
}

struct tracks {
  int n, n_box; /* points [0, n_box) are in the box, the rest in the ring */
  int steps;    /* positions held per point: steps + 1 */
  float pos[MAX_STEPS + 1][2 * MAX_POINTS];
  double t[MAX_STEPS + 1];
  int frame[MAX_STEPS + 1];
  int last_step[MAX_POINTS]; /* the last step point i was followed to */
  float box[4];              /* the box at step 0, in the crop's pixels */
};

static void
apply_h (const double h[9], double x, double y, double *ox, double *oy)
{
  double w = h[6] * x + h[7] * y + h[8];
  if (fabs (w) < 1e-12)
    w = 1e-12;
  *ox = (h[0] * x + h[1] * y + h[2]) / w;
  *oy = (h[3] * x + h[4] * y + h[5]) / w;
}

/* The sample of H at FRAME or the last one before it (from index FIRST). */
static const struct live_sample *
sample_at (const struct live_history *h, int first, int frame)
{
  const struct live_sample *best = &h->samples[first];
  for (int i = first; i < h->n && h->samples[i].frame <= frame; i++)
    best = &h->samples[i];
  return best;
}

/* How far the box's centre moved from frame FROM to frame TO, pixels (the
 * tracker's box; frames the track missed are bridged at even speed). */
static void
box_shift (const struct live_history *h, int first, int from, int to, float *dx, float *dy)
{
  const struct live_sample *a = sample_at (h, first, from), *b = a;
  for (int i = first; i < h->n; i++)
    if (h->samples[i].frame >= to) {
      b = &h->samples[i];
      break;
    }
  double per_frame = 1.0 / MAX (1, b->frame - a->frame);
  *dx = (float) ((b->box[0] + b->box[2] / 2 - a->box[0] - a->box[2] / 2) * per_frame * (to - from));
  *dy = (float) ((b->box[1] + b->box[3] / 2 - a->box[1] - a->box[3] / 2) * per_frame * (to - from));
}

/* Where the motion check seeds its points, in a crop of the frame: the
 * crop (the ring and every box of the window, X0..X1 x Y0..Y1, with REACH
 * more either side), the first box in it, the box's inner part, the ring
 * around it and its hole (the box, up to a tall person's head), and the
 * band of the box's rows out to REACH either side. */
struct seeding {
  struct cv_rect crop, inner, hole, ring, band;
  float box[4];
};

static bool
seeding_in (const struct cv_image *img, const float b[4], float x0, float y0, float x1, float y1, float reach,
            double tall_px, struct seeding *s)
{
  const float margin = 30;
  struct cv_rect crop = {(int) MAX (0, x0 - reach - margin), (int) MAX (0, y0 - margin), 0, 0};
  crop.w = (int) MIN (img->width, x1 + reach + margin) - crop.x;
  crop.h = (int) MIN (img->height, y1 + margin) - crop.y;
  if (crop.w < 16 || crop.h < 16)
    return false;
  const float bx[4] = {b[0] - crop.x, b[1] - crop.y, b[2], b[3]};
  s->crop = crop;
  memcpy (s->box, bx, sizeof s->box);
  s->inner = (struct cv_rect){(int) (bx[0] + 0.1f * bx[2]), (int) (bx[1] + 0.05f * bx[3]), (int) (0.8f * bx[2]),
                              (int) (0.9f * bx[3])};
  s->hole = (struct cv_rect){(int) bx[0], (int) bx[1], (int) bx[2], (int) bx[3]};
  if (isfinite (tall_px) && tall_px > bx[3]) {
    s->hole.y = (int) (bx[1] + bx[3] - tall_px);
    s->hole.h = (int) (bx[1] + bx[3]) - s->hole.y;
  }
  s->ring = (struct cv_rect){(int) (bx[0] - 0.6f * bx[2]), (int) (bx[1] - 0.25f * bx[3]), (int) (2.2f * bx[2]),
                             (int) (1.5f * bx[3])};
  s->band = (struct cv_rect){(int) (bx[0] - reach), s->ring.y, (int) (bx[2] + 2 * reach), s->ring.h};
  return true;
}

/* Follows the corners of the box and its ring from the first to the last
 * sample of H[FIRST..]: inside a crop that holds the ring and every box of
 * the window (pyramids of a crop cost a fraction of the whole frame's). */
static bool
follow (const struct live_frames *frames, const struct zone_camera *camera, const struct live_history *h, int first,
        double fps, struct tracks *tr)
{
  const struct live_sample *s0 = &h->samples[first], *s1 = &h->samples[h->n - 1];
  const struct cv_image *img = live_frames_get (frames, s0->frame);
  const float *b = s0->box;
  float x0 = b[0] - 0.6f * b[2], y0 = b[1] - 0.25f * b[3], x1 = b[0] + 1.6f * b[2], y1 = b[1] + 1.25f * b[3];
  for (int i = first; i < h->n; i++) {
    const float *c = h->samples[i].box;
    x0 = fminf (x0, c[0]), y0 = fminf (y0, c[1]), x1 = fmaxf (x1, c[0] + c[2]), y1 = fmaxf (y1, c[1] + c[3]);
  }
  double spacing = fmax (2.0, b[2] / 12.0);
  double tall_px = camera ? zone_camera_person_px (camera, b[0] + b[2] / 2, b[1] + b[3], TALL_PERSON_M) : NAN;
  struct seeding at;
  if (!seeding_in (img, b, x0, y0, x1, y1, 0, tall_px, &at))
    return false;
  int nb = 0, nr = 0;
  struct cv_image prev = live_frames_view (img, &at.crop);
  if (cv_features_find (&prev, &at.inner, NULL, MAX_BOX_POINTS, spacing, tr->pos[0], &nb) != CV_OK ||
      cv_features_find (&prev, &at.ring, &at.hole, MAX_RING_POINTS, spacing, tr->pos[0] + 2 * nb, &nr) != CV_OK)
    return false;
  /* where the ring is too plain to vouch for anything (a bus's painted
   * side, an empty road), the band of the box's rows out to WIDE_RING box
   * widths either side as well: a carrier's windows, wheels and edges, or
   * the still road and kerb a walker passes. The points found are kept,
   * moved into the wider crop. */
  struct seeding wide;
  if (nr < MIN_ALONE_RING_POINTS && seeding_in (img, b, x0, y0, x1, y1, WIDE_RING * b[2], tall_px, &wide)) {
    float dx = (float) (at.crop.x - wide.crop.x), dy = (float) (at.crop.y - wide.crop.y);
    for (int i = 0; i < nb + nr; i++)
      tr->pos[0][2 * i] += dx, tr->pos[0][2 * i + 1] += dy;
    int nw = 0;
    prev = live_frames_view (img, &wide.crop);
    if (cv_features_find (&prev, &wide.band, &wide.ring, MAX_RING_POINTS - nr, spacing, tr->pos[0] + 2 * (nb + nr),
                          &nw) != CV_OK)
      return false;
    nr += nw;
    at = wide;
  }
  struct cv_rect crop = at.crop;
  memcpy (tr->box, at.box, sizeof tr->box);
  tr->n_box = nb;
  tr->n = nb + nr;
  tr->steps = 0;
  tr->t[0] = 0;
  memset (tr->last_step, 0, sizeof tr->last_step);
  tr->frame[0] = s0->frame;
  float guess[2 * MAX_POINTS], alt[2 * MAX_POINTS], fb[MAX_POINTS], fb_alt[MAX_POINTS];
  unsigned char ok[MAX_POINTS], ok_alt[MAX_POINTS];
  /* steps of about a tenth of a second: at 25 frames/s every second frame
   * (the motion between steps stays within what the search reaches, and the
   * window costs what it does at 10 frames/s) */
  const int stride = MAX (1, (int) lround (fps / 12.5));
  for (int f = s0->frame + stride, f_prev = s0->frame; f <= s1->frame && tr->steps < MAX_STEPS; f += stride) {
    const struct cv_image *full = live_frames_get (frames, f);
    if (!full)
      continue;
    struct cv_image next = live_frames_view (full, &crop);
    int k = tr->steps;
    float *from = tr->pos[k], *to = tr->pos[k + 1];
    if (k == 0) {
      /* first step: either the point stays (background) or it moves with the box (the person, or a carrier) */
      float dx, dy;
      box_shift (h, first, f_prev, f, &dx, &dy);
      for (int i = 0; i < tr->n; i++)
        guess[2 * i] = from[2 * i] + dx, guess[2 * i + 1] = from[2 * i + 1] + dy;
      if (cv_flow_track (&prev, &next, from, NULL, tr->n, 1.0, to, ok, fb) != CV_OK ||
          cv_flow_track (&prev, &next, from, guess, tr->n, 1.0, alt, ok_alt, fb_alt) != CV_OK)
        return false;
      for (int i = 0; i < tr->n; i++)
        if (ok_alt[i] && (!ok[i] || fb_alt[i] < fb[i])) {
          to[2 * i] = alt[2 * i], to[2 * i + 1] = alt[2 * i + 1];
          ok[i] = 1;
        }
    } else {
      /* then each point where its own last motion takes it (constant velocity over one frame) */
      for (int i = 0; i < tr->n; i++) {
        guess[2 * i] = 2 * from[2 * i] - tr->pos[k - 1][2 * i];
        guess[2 * i + 1] = 2 * from[2 * i + 1] - tr->pos[k - 1][2 * i + 1];
      }
      if (cv_flow_track (&prev, &next, from, guess, tr->n, 1.0, to, ok, NULL) != CV_OK)
        return false;
    }
    for (int i = 0; i < tr->n; i++)
      if (ok[i] && tr->last_step[i] == k)
        tr->last_step[i] = k + 1;
    tr->steps++;
    tr->t[tr->steps] = (f - s0->frame) / fps;
    tr->frame[tr->steps] = f;
    prev = next;
    f_prev = f;
  }
  return true;
}

/* 75th percentile residual (pixels) of the best homography of the box's
 * points listed in IDX from step 0 to step K. */
static double
nonrigid_residual (const struct tracks *tr, const int *idx, int n, int k)
{
  double *src = g_new (double, 2 * n), *dst = g_new (double, 2 * n), *res = g_new (double, n);
  for (int j = 0; j < n; j++) {
    src[2 * j] = tr->pos[0][2 * idx[j]], src[2 * j + 1] = tr->pos[0][2 * idx[j] + 1];
    dst[2 * j] = tr->pos[k][2 * idx[j]], dst[2 * j + 1] = tr->pos[k][2 * idx[j] + 1];
  }
  double h[9];
  int inl;
  double out = 0;
  if (cv_fit_homography_ransac (src, dst, n, 1.0, h, NULL, &inl) == CV_OK) {
    for (int j = 0; j < n; j++) {
      double x, y;
      apply_h (h, src[2 * j], src[2 * j + 1], &x, &y);
      res[j] = hypot (x - dst[2 * j], y - dst[2 * j + 1]);
    }
    out = live_quantile (res, n, 0.75);
  }
  g_free (src);
  g_free (dst);
  g_free (res);
  return out;
}

/* The largest of nonrigid_residual at four steps of the window (to K),
 * in box heights (BOX_H): a rigid picture fits one homography at every
 * step; limbs swinging leave some step with points off it. */
static double
worst_residual (const struct tracks *tr, const int *idx, int n, int K, double box_h)
{
  double worst = 0;
  for (int q = 1; q <= 4; q++)
    worst = fmax (worst, nonrigid_residual (tr, idx, n, K * q / 4) / box_h);
  return worst;
}

/* The legs' horizontal spread over time: dominant frequency (Hz) between
 * 0.5 and 5 Hz and the share of power in the gait band 1.2-3 Hz. */
static void
gait (const struct tracks *tr, const int *idx, int n, int steps, double *hz, double *share)
{
  *hz = 0, *share = 0;
  const float *box = tr->box;
  int legs[MAX_POINTS], nl = 0;
  for (int j = 0; j < n; j++)
    if (tr->pos[0][2 * idx[j] + 1] > box[1] + 0.55f * box[3])
      legs[nl++] = idx[j];
  if (nl < 2 || steps < MIN_FRAMES)
    return;
  double sig[MAX_STEPS + 1];
  for (int k = 0; k <= steps; k++) {
    double m = 0, v = 0;
    for (int j = 0; j < nl; j++)
      m += tr->pos[k][2 * legs[j]];
    m /= nl;
    for (int j = 0; j < nl; j++)
      v += pow (tr->pos[k][2 * legs[j]] - m, 2);
    sig[k] = sqrt (v / nl);
  }
  /* remove the linear trend (the walker nearing or leaving the camera) */
  double st = 0, ss = 0, stt = 0, sts = 0, m = steps + 1;
  for (int k = 0; k <= steps; k++)
    st += tr->t[k], ss += sig[k], stt += tr->t[k] * tr->t[k], sts += tr->t[k] * sig[k];
  double slope = (m * stt - st * st) > 1e-12 ? (m * sts - st * ss) / (m * stt - st * st) : 0;
  for (int k = 0; k <= steps; k++)
    sig[k] -= slope * tr->t[k];
  double mean = 0;
  for (int k = 0; k <= steps; k++)
    mean += sig[k] / (steps + 1);
  double total = 0, band = 0, best = 0;
  for (double f = 0.5; f <= 5.0 + 1e-9; f += 0.25) {
    double re = 0, im = 0;
    for (int k = 0; k <= steps; k++) {
      re += (sig[k] - mean) * cos (2 * G_PI * f * tr->t[k]);
      im += (sig[k] - mean) * sin (2 * G_PI * f * tr->t[k]);
    }
    double pw = re * re + im * im;
    total += pw;
    if (f >= 1.2 && f <= 3.0)
      band += pw;
    if (pw > best)
      best = pw, *hz = f;
  }
  *share = total > 0 ? band / total : 0;
}

/* What the box and its ring did from step 0 to step K: the detector's box
 * (head and feet, in the crop's pixels), the points followed that far, the
 * ring points that moved the way the box did, and the moving ring points'
 * plane, if they move as one. */
struct around {
  double b0[2][2], bK[2][2]; /* head and feet of the box at steps 0 and K */
  double box_dx, box_dy, box_moved;
  int box_idx[MAX_POINTS], nb; /* box points followed to K */
  int ring_idx[MAX_POINTS], moving_ring; /* ring points followed to K that moved */
  int nr_alive, with_box;
  double surround[9], surround_fit;
  bool surround_moves;
  int inl;
  unsigned char inlier[MAX_POINTS];
  int steps; /* K */
};

/* The last step to which at least MIN of points [FROM, TO) were followed (0: none). */
static int
last_step_with (const struct tracks *tr, int from, int to, int min)
{
  int K = tr->steps;
  for (; K > 0; K--) {
    int alive = 0;
    for (int i = from; i < to; i++)
      alive += tr->last_step[i] >= K;
    if (alive >= min)
      break;
  }
  return K;
}

/* Head and feet of the detector's box at step K, in the crop's pixels. */
static void
box_ends_at (const struct tracks *tr, const struct live_history *h, int start, int K, double ends[2][2])
{
  const struct live_sample *s0 = &h->samples[start], *sK = sample_at (h, start, tr->frame[K]);
  const float ox = tr->box[0] - s0->box[0], oy = tr->box[1] - s0->box[1];
  ends[0][0] = ends[1][0] = sK->box[0] + ox + sK->box[2] / 2;
  ends[0][1] = sK->box[1] + oy, ends[1][1] = sK->box[1] + oy + sK->box[3];
}

/* How far the box moved from head and feet B0 to head and feet BK (their mean shift). */
static void
box_motion (const double b0[2][2], const double bk[2][2], double *dx, double *dy)
{
  *dx = (bk[0][0] - b0[0][0] + bk[1][0] - b0[1][0]) / 2;
  *dy = (bk[0][1] - b0[0][1] + bk[1][1] - b0[1][1]) / 2;
}

/* A point moved (DX, DY) the way the box did (BOX_DX, BOX_DY), the box having moved clearly (TOL its noise). */
static bool
moved_with_box (double dx, double dy, double box_dx, double box_dy, double tol)
{
  double box_moved = hypot (box_dx, box_dy);
  return box_moved >= 2 * tol && hypot (dx - box_dx, dy - box_dy) < tol + 0.25 * box_moved;
}

static void
look_around (const struct tracks *tr, const struct live_history *h, int start, int K, double tol, struct around *a)
{
  memset (a, 0, sizeof *a);
  a->steps = K;
  box_ends_at (tr, h, start, 0, a->b0);
  box_ends_at (tr, h, start, K, a->bK);
  box_motion (a->b0, a->bK, &a->box_dx, &a->box_dy);
  a->box_moved = hypot (a->box_dx, a->box_dy);
  double ring_src[2 * MAX_POINTS], ring_dst[2 * MAX_POINTS];
  for (int i = 0; i < tr->n; i++) {
    if (tr->last_step[i] < K)
      continue;
    if (i < tr->n_box) {
      a->box_idx[a->nb++] = i;
      continue;
    }
    a->nr_alive++;
    double dx = tr->pos[K][2 * i] - tr->pos[0][2 * i], dy = tr->pos[K][2 * i + 1] - tr->pos[0][2 * i + 1];
    a->with_box += moved_with_box (dx, dy, a->box_dx, a->box_dy, tol);
    if (hypot (dx, dy) < tol)
      continue;
    int m = a->moving_ring++;
    a->ring_idx[m] = i;
    ring_src[2 * m] = tr->pos[0][2 * i], ring_src[2 * m + 1] = tr->pos[0][2 * i + 1];
    ring_dst[2 * m] = tr->pos[K][2 * i], ring_dst[2 * m + 1] = tr->pos[K][2 * i + 1];
  }
  static const double IDENTITY[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}; /* still surroundings */
  memcpy (a->surround, IDENTITY, sizeof a->surround);
  if (a->moving_ring >= MIN_MOVING_RING_POINTS &&
      cv_fit_homography_ransac (ring_src, ring_dst, a->moving_ring, tol, a->surround, a->inlier, &a->inl) == CV_OK) {
    a->surround_fit = (double) a->inl / a->moving_ring;
    /* a plane moving around the box: a good part of the ring moves, and as one
     * (the rest of the ring is the road or buildings behind a small carrier) */
    a->surround_moves = a->surround_fit >= 0.7 && a->inl >= MIN_FLAT_POINTS && a->inl >= 0.3 * a->nr_alive;
    if (!a->surround_moves)
      memcpy (a->surround, IDENTITY, sizeof a->surround);
  }
}

/* How far the box's points that went the way the box did to step K (A)
 * stray from one homography through the window: the largest 75th
 * percentile residual at four steps, in box heights (BOX_H). -1 when
 * fewer than MIN_RIGID_POINTS of them, or fewer than RIGID_SHARE of the
 * box's points followed, went with the box. */
static double
rigid_residual (const struct tracks *tr, const struct around *a, double tol, double box_h, int *n_with)
{
  int with[MAX_POINTS];
  *n_with = 0;
  for (int j = 0; j < a->nb; j++) {
    int i = a->box_idx[j];
    if (moved_with_box (tr->pos[a->steps][2 * i] - tr->pos[0][2 * i], tr->pos[a->steps][2 * i + 1] - tr->pos[0][2 * i + 1],
                        a->box_dx, a->box_dy, tol))
      with[(*n_with)++] = i;
  }
  if (*n_with < MIN_RIGID_POINTS || *n_with < RIGID_SHARE * a->nb)
    return -1;
  return worst_residual (tr, with, *n_with, a->steps, box_h);
}

/* Too little of the person was followed (a small walker blurs, limbs turn,
 * a plain coat has no corners): the ring, followed for longer than the
 * person's own points, can still show that nothing carries them. At the
 * last step that still has MIN_ALONE_RING_POINTS of the ring followed, the
 * box moved and at most a tenth of the ring (or two) went with it, counting
 * the ring points lost on the way that had gone with it until then (a
 * vehicle's side blurs and is lost; the road stays); and the ring was
 * followed at all (a quarter of it lost at the first step says nothing is
 * known about it). A print on a vehicle has the vehicle's panel in its
 * ring. Leaves in A what the ring showed at that step, and in WHY, when
 * the ring cannot vouch for the person, why not in plain words (for the
 * reviewer: "too little texture" where the ring was busy, not plain, told
 * them nothing). */
static bool
not_carried_by_ring (const struct tracks *tr, const struct live_history *h, int start, double tol, struct around *a,
                     const char **why)
{
  int K = last_step_with (tr, tr->n_box, tr->n, MIN_ALONE_RING_POINTS);
  look_around (tr, h, start, K, tol, a);
  const int seeded = tr->n - tr->n_box;
  *why = NULL;
  if (seeded < MIN_ALONE_RING_POINTS) {
    *why = "too little texture on the person, and too little around them, to follow their motion";
    return false;
  }
  if (a->surround_moves) {
    *why = "something moves around them (a vehicle or others passing), and too little of the person could be "
           "followed to tell them apart from it";
    return false;
  }
  if (K < MIN_FRAMES - 1) {
    *why = "too little of the person could be followed, and what was around them was soon lost from view (hidden "
           "or blurred by something passing)";
    return false;
  }
  int lost_at_once = 0, carried_then_lost = 0;
  for (int i = tr->n_box; i < tr->n; i++) {
    int last = tr->last_step[i];
    if (last >= K)
      continue;
    if (last == 0) {
      lost_at_once++;
      continue;
    }
    double ends[2][2], box_dx, box_dy;
    box_ends_at (tr, h, start, last, ends);
    box_motion (a->b0, ends, &box_dx, &box_dy);
    carried_then_lost += moved_with_box (tr->pos[last][2 * i] - tr->pos[0][2 * i],
                                         tr->pos[last][2 * i + 1] - tr->pos[0][2 * i + 1], box_dx, box_dy, tol);
  }
  if (lost_at_once > 0.25 * seeded) {
    *why = "too little of the person could be followed, and much of what was around them was lost from view at once "
           "(hidden or blurred by something passing)";
    return false;
  }
  if (nothing_moves_with (a->box_moved, tol, a->nr_alive, a->with_box + carried_then_lost))
    return true;
  /* (at step K at least MIN_ALONE_RING_POINTS of the ring were followed) */
  *why = a->box_moved < 2 * tol ? "not moving in the picture" : MOVE_ALIKE;
  return false;
}

bool
live_check_motion (const struct live_context *ctx, const struct live_history *h, struct live_check_result *out)
{
  const struct hwcfg_liveness *p = ctx->params;
  out->name = "motion";
  if (!ctx->frames || h->n == 0) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"no frames\"");
    out->why = "no pictures to follow the person's motion in";
    return true;
  }
  const struct live_sample *last = &h->samples[h->n - 1];
  int start = -1;
  for (int i = 0; i < h->n && start < 0; i++)
    if (last->t_s - h->samples[i].t_s <= p->motion_window_s + 1e-6 && live_frames_get (ctx->frames, h->samples[i].frame))
      start = i;
  if (start < 0 || last->frame - h->samples[start].frame + 1 < MIN_FRAMES ||
      !live_frames_get (ctx->frames, last->frame)) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"too little history\"");
    out->why = "seen for too short a time to follow their motion";
    out->needs_history = true;
    return true;
  }
  const struct live_sample *s0 = &h->samples[start];
  double fps = (last->frame - s0->frame) / fmax (1e-3, last->t_s - s0->t_s);
  struct tracks *tr = g_new (struct tracks, 1);
  if (!follow (ctx->frames, ctx->camera, h, start, fps, tr)) {
    live_result_set (out, LIVE_UNCERTAIN, 0.5, "\"reason\":\"feature tracking failed\"");
    out->why = "their motion could not be followed in the picture";
    g_free (tr);
    return true;
  }
  /* the last step that still has enough of the box followed */
  int K = last_step_with (tr, 0, tr->n_box, MIN_BOX_POINTS);
  /* a window this long at least before motion may call anything flat:
   * over a few frames a group of walkers moves like one rigid plane */
  bool long_enough = tr->t[K] >= 0.66 * p->motion_window_s;
  const double box_h = tr->box[3];
  const double tol = 1.5 + 0.02 * box_h;

  struct around around, *ar = &around; /* what the box and its ring did to step K */
  look_around (tr, h, start, K, tol, ar);
  const double(*b0)[2] = ar->b0, (*bK)[2] = ar->bK;
  const double box_moved = ar->box_moved;
  const int *box_idx = ar->box_idx, *ring_idx = ar->ring_idx;
  const int nb = ar->nb, moving_ring = ar->moving_ring, nr_alive = ar->nr_alive, with_box = ar->with_box;
  const int inl = ar->inl;
  const unsigned char *inlier = ar->inlier;
  const double *surround = ar->surround, surround_fit = ar->surround_fit;
  const bool surround_moves = ar->surround_moves;
  double disp[MAX_POINTS];

  if (nb < MIN_BOX_POINTS || K < MIN_FRAMES - 1) {
    struct around ring; /* the ring followed further than the person */
    const char *ring_why;
    bool alone = not_carried_by_ring (tr, h, start, tol, &ring, &ring_why);
    const char *fmt = "\"reason\":\"too little texture\",\"box_points\":%d,\"ring_points\":%d,\"ring_with_box\":%d,"
                      "\"box_motion_px\":%.1f,\"surroundings_move\":%s,\"ring_steps\":%d";
    live_result_set (out, alone ? LIVE_LIVE : LIVE_UNCERTAIN, alone ? 0.7 : 0.5, fmt, nb, ring.nr_alive, ring.with_box,
                     ring.box_moved, ring.surround_moves ? "true" : "false", ring.steps);
    if (!alone && tr->steps < MIN_FRAMES - 1) {
      out->why = "seen for too short a time to follow their motion";
      out->needs_history = true;
    } else if (!alone) {
      out->why = ring_why;
    }
    g_free (tr);
    return true;
  }
  /* how much of the box the surroundings' motion explains */
  int shared = 0, indep_idx[MAX_POINTS], ni = 0, apart_idx[MAX_POINTS], na = 0;
  for (int j = 0; j < nb; j++) {
    int i = box_idx[j];
    double x, y;
    apply_h (surround, tr->pos[0][2 * i], tr->pos[0][2 * i + 1], &x, &y);
    disp[j] = hypot (tr->pos[K][2 * i] - tr->pos[0][2 * i], tr->pos[K][2 * i + 1] - tr->pos[0][2 * i + 1]);
    if (hypot (x - tr->pos[K][2 * i], y - tr->pos[K][2 * i + 1]) < tol) {
      shared++;
    } else {
      indep_idx[ni++] = i;
      if (disp[j] >= tol) /* moved, and otherwise than the surroundings */
        apart_idx[na++] = i;
    }
  }
  double shared_share = (double) shared / nb, independent_share = (double) ni / nb;
  double box_motion = live_quantile (disp, nb, 0.5);

  /* does the surroundings' motion carry the detector's box too (head and feet)? */
  double carried_err = -1;
  if (surround_moves) {
    carried_err = 0;
    for (int e = 0; e < 2; e++) {
      double x, y;
      apply_h (surround, b0[e][0], b0[e][1], &x, &y);
      carried_err = fmax (carried_err, hypot (x - bK[e][0], y - bK[e][1]));
    }
    carried_err /= box_h;
  }
  bool box_carried = carried_err >= 0 && carried_err <= CARRIED_BOX;

  /* non-rigidity of what moves on its own, at a few points of the window */
  double nonrigid = ni >= MIN_BOX_POINTS ? worst_residual (tr, indep_idx, ni, K, box_h) : 0;
  /* ... and of what moved otherwise than moving surroundings, leaving out
   * what stayed still (the road at a print's foot and a print moving
   * together would fit no one homography either) */
  double apart_nonrigid = surround_moves && na >= MIN_BOX_POINTS ? worst_residual (tr, apart_idx, na, K, box_h) : -1;
  double gait_hz, gait_share;
  gait (tr, indep_idx, ni, K, &gait_hz, &gait_share);
  /* box and the moving surroundings that carry it as one plane through the
   * whole window: a print on a panel is; walkers side by side bob and swing
   * against each other. (The still part of the ring is no part of that plane.) */
  double joint_nonrigid = 1;
  if (surround_moves) {
    int joint[MAX_POINTS], nj = 0;
    for (int j = 0; j < nb; j++)
      joint[nj++] = box_idx[j];
    for (int j = 0; j < moving_ring; j++)
      if (inlier[j])
        joint[nj++] = ring_idx[j];
    joint_nonrigid = worst_residual (tr, joint, nj, K, box_h);
  }
  bool explained = surround_moves && shared_share >= SHARED_FLAT; /* the moving surroundings explain the box's points */
  /* the box's points went with it as one rigid picture (seen moving clearly, over most of the window) */
  int rigid_points = 0;
  double rigid = box_moved >= 2 * tol ? rigid_residual (tr, ar, tol, box_h, &rigid_points) : -1;
  bool rigid_picture = long_enough && rigid >= 0 && rigid < RIGID_PICTURE;
  /* nothing in the box moved, not one part of it on its own: whatever the
   * detector's box did, what it holds is still (a picture the box slides
   * over, or sways with); a walker's points move with the walker */
  bool content_still = !surround_moves && box_motion < 0.5 * tol && independent_share < STILL_INDEPENDENT;
  /* the box's own points went with the box, or move as no picture does
   * (limbs): a rigid picture that stayed, or swayed a little, while the
   * detector's box jumped about it is no walker the ring could vouch for */
  double content_moved = live_quantile (disp, nb, 0.75); /* a walker's box also holds background between the legs */
  bool content_went_along = content_moved >= fmax (2 * tol, 0.5 * box_moved) || nonrigid >= NONRIGID_LIVE;
  bool alone = nothing_moves_with (box_moved, tol, nr_alive, with_box) && !box_carried && !explained && !content_still &&
               content_went_along;
  /* the feet stay put (on the ground when calibrated: the detector's box
   * jitters by more than a few pixels): does a part of the box move on its
   * own (a head, an arm), not the whole picture as one (a poster leaning in
   * the wind, a screen's picture panning)? */
  struct live_net_motion net;
  bool stays = live_net_motion (h, p->motion_window_s, &net) ? !live_net_moved (&net, p->min_displacement_m)
                                                             : box_moved < 2 * tol;
  out->moves_in_place = stays && long_enough && !surround_moves && independent_share >= IN_PLACE_MIN &&
                        independent_share <= IN_PLACE_MAX;

  const char *fmt = "\"frames\":%d,\"box_points\":%d,\"ring_points\":%d,\"surroundings_move\":%s,"
                    "\"surroundings_fit\":%.2f,\"shared_share\":%.2f,\"independent_share\":%.2f,"
                    "\"box_motion_px\":%.1f,\"box_moved_px\":%.1f,\"box_carried_err\":%.2f,\"ring_with_box\":%d,\"nonrigid\":%.3f,"
                    "\"joint_nonrigid\":%.3f,\"gait_hz\":%.2f,\"gait_share\":%.2f,\"moves_in_place\":%s,"
                    "\"rigid_points\":%d,\"rigid_residual\":%.4f,\"apart_nonrigid\":%.3f";
#define MOTION_ARGS                                                                                                    \
  K + 1, nb, nr_alive, surround_moves ? "true" : "false", surround_fit, shared_share, independent_share, box_motion,    \
      box_moved, carried_err, with_box, nonrigid, joint_nonrigid, gait_hz, gait_share, out->moves_in_place ? "true" : "false", \
      rigid_points, rigid, apart_nonrigid
  /* a still picture: over most of a second not one part of the box moved on
   * its own, nor anything around. The detector's box may also slide off a
   * print (its response wanders, a passer-by pulls it away): with nearly
   * every point seeded in the box followed to the end, content that did
   * not move at all is a still picture whatever the box and the ring did.
   * (A walker's own points move with the box, or are lost as their limbs
   * turn and others pass behind: the points left then are only the
   * background around them.) */
  bool all_followed = nb >= MIN_STILL_POINTS && nb >= STILL_FOLLOWED * tr->n_box;
  bool still_picture = tr->t[K] >= STILL_PICTURE_S && content_still &&
                       ((box_moved < 2 * tol && moving_ring < MIN_MOVING_RING_POINTS) || all_followed);
  out->still_picture = still_picture;
  /* all of the box and many surrounding points as one rigid plane: a third of the window is enough */
  bool wholly = shared_share >= WHOLLY_SHARED && inl >= WHOLLY_RING_POINTS && tr->t[K] >= WHOLLY_WINDOW * p->motion_window_s;
  if (surround_moves && box_carried && shared_share >= SHARED_FLAT && joint_nonrigid < JOINT_RIGID &&
      (long_enough || wholly)) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, MOTION_ARGS);
    out->why = "moves rigidly with a moving surface around it (a print on a vehicle)";
  } else if (rigid_picture) {
    live_result_set (out, LIVE_FLAT, 0.05, fmt, MOTION_ARGS);
    out->why = "moves across the picture as one rigid picture: every point on it keeps its place, no limb moves "
               "(a print on a moving vehicle)";
  } else if (still_picture && !ctx->walked) {
    live_result_set (out, LIVE_FLAT, 0.1, fmt, MOTION_ARGS);
    out->why = box_moved < 2 * tol ? "nothing in it moves at all, and it stays in place (a poster)"
                                   : "nothing in it moves at all, only the detector's box slides over it (a poster)";
    out->revocable = true;
  } else if (alone || (!surround_moves && independent_share >= INDEPENDENT_LIVE && nonrigid >= NONRIGID_LIVE) ||
             (surround_moves && carried_err > 1.5 * CARRIED_BOX && independent_share >= INDEPENDENT_LIVE) ||
             (surround_moves && shared_share < UNSHARED_LIVE && apart_nonrigid >= NONRIGID_LIVE)) {
    /* nothing carries it; or the moving surface around it goes elsewhere (a
     * vehicle it walks past); or that surface goes its way at another pace,
     * most of the box's points move otherwise (what else is in the box is
     * that surface seen beside the body and between the legs), and what
     * moved otherwise did not move as one picture (limbs against the body):
     * a walker beside a bus going the same way, or in a group walking at
     * another pace. The box may end up near where the surface's motion would
     * take it (this holds whatever box_carried_err), but most of what is in
     * it did not move as that surface. A print on its vehicle moves as the
     * vehicle point for point (SHARED_FLAT, 0.8, is the carrier's flat; the
     * half between is left uncertain); a print whose ring is some other
     * moving thing holds still against itself, but for its points at the
     * edges of what stands or passes in front of it, which can make it read
     * non-rigid for a window (a flat of the track's other windows still
     * stands over a live one). */
    live_result_set (out, LIVE_LIVE, fmin (1.0, 0.6 + 0.4 * nonrigid / (2 * NONRIGID_LIVE)), fmt, MOTION_ARGS);
  } else {
    live_result_set (out, LIVE_UNCERTAIN, 0.4, fmt, MOTION_ARGS);
    out->needs_history = !long_enough;
    out->why = box_moved < 2 * tol       ? "not moving in the picture"
               : content_still           ? "its box moves, but nothing in it does (a picture the box slides over?)"
               : surround_moves          ? "moves along with a moving surface behind them (a vehicle or a group)"
               : with_box > 2            ? MOVE_ALIKE
                                         : "too little around them to tell they move on their own";
  }
#undef MOTION_ARGS
  g_free (tr);
  return true;
}
