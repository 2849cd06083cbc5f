/* zone_rules — the violation rules of ARCHITECTURE.md on tracked foot points.
 *
 * Per person (track) it keeps the crossing state:
 *  - a crossing starts when the foot point has been inside the carriageway
 *    (crosswalks are part of it) AND at least min_depth_m from its edge for
 *    min_inside_s (min_inside_frames frames at least) of consecutive
 *    frames; it is dated from the first frame of the stay inside that led
 *    there (the step off the kerb), and the signal phase of that moment is
 *    its phase. Stepping off the kerb less
 *    than min_depth_m and back is therefore not a crossing.
 *  - a crossing ends after as long outside the carriageway; only then can
 *    the same person start another one.
 *  - at most one violation per crossing:
 *    red_signal: the crossing began on steady DONT_WALK, red_grace_s or more
 *    after the change (a crossing begun on WALK or CLEARANCE is legal however
 *    long it lasts; UNKNOWN never raises it); raised when the crossing starts;
 *    outside_crosswalk: as long in the carriageway, outside every
 *    crosswalk, deeper than min_depth_m.
 *    The time is the stream's: half a second is 5 frames at 10 fps and 13
 *    at 25 (counted in frames alone, a 25 fps camera charged a picture the
 *    detector saw on two frames 0.2 s apart).
 *  - a track first seen on the road, where a track lost a moment ago
 *    would be by now (its last position, within walking reach of the gap),
 *    is that person re-acquired: it continues that person's crossing (one
 *    violation, not two). Not a person who walked out of the picture: last
 *    seen at its left, right or bottom edge, within a box's width (or a
 *    quarter of its height) and heading out. A track that comes in there
 *    is someone coming into view (in PETS09-S2L1 a man walks out at the
 *    right edge on the road and another walks in there 4 s later).
 *  - no decision from what was not seen: a track first seen deep in the
 *    carriageway (and continuing nobody) has no observed entry: it is
 *    charged with nothing for that crossing — not red_signal (when it
 *    stepped off is unknown), not outside_crosswalk either (it may be a
 *    person already charged, under a new id after the tracker lost them
 *    beyond walking reach or swapped ids: one person, one fine weighs more
 *    than the fine; rules.charge_unseen_entry allows outside_crosswalk).
 *    Its next crossing counts. A box cut by the
 *    image's bottom, left or right edge has no foot point: the rules locate
 *    it but decide nothing on it. Nothing is decided when the stream ends:
 *    a rule met before it is a violation, an open crossing is not.
 *  - ground uncertainty: every foot point carries one (ground_sigma_m): the
 *    box bottom's pixel noise (rules.foot_noise_px, or foot_noise_share of
 *    the box height when more) carried through the homography, so it grows
 *    with distance from the camera. The depth and crosswalk-edge tests
 *    decide only by a margin of uncertainty_factor times it. A rule that
 *    holds on the foot points as measured but never by that margin is
 *    watched until the crossing ends, then reported as a violation with
 *    position_uncertain set: kept for review, never published.
 * Depth is in ground metres from the carriageway's edge (camera homography);
 * without one, depth is not tested (nor is uncertainty). Foot points inside
 * an ignore zone are not observed at all. Cost per frame: tracks x zones x
 * polygon vertices.
 */
#ifndef CW_ZONE_RULES_H
#define CW_ZONE_RULES_H

#include "hwcfg.h"
#include "zone_geom.h"
#include "zone_signal.h"

#include <glib.h>
#include <stdbool.h>

enum zone_violation {
  ZONE_VIOLATION_RED_SIGNAL,
  ZONE_VIOLATION_OUTSIDE_CROSSWALK,
};

struct zone_track_in {
  int track_id;
  struct zone_pt foot_px; /* bottom-centre of the box, image pixels */
  double box_h_px;        /* the box's height: the foot point's noise grows with it (0: unknown, the floor) */
  bool cut_by_border;     /* the box touches the image's bottom, left or right edge: its bottom is not the feet */
  const float *signature; /* the track's colour signature (TRK_SIGNATURE_LEN values, trk_tracker.h), or NULL;
                             read during the step only */
  double box_w_px;        /* the box's width (0: unknown) */
  struct zone_pt view_px; /* the image's width and height (0: unknown: no one is seen to walk out of it) */
};

/* The rules' input for a tracked box (x, y, w, h) in a WIDTH x HEIGHT
 * image: its foot point (bottom centre), its size, the image's, and
 * whether it touches the image's bottom, left or right edge within 2 px
 * (the person goes on beyond it, so its bottom is not their feet; the top
 * edge cuts heads). */
struct zone_track_in zone_track_in_of_box (int track_id, const double box[4], int width, int height);

/* What the rules found for one track in this frame. */
struct zone_track_out {
  int track_id;
  bool has_ground;
  struct zone_pt ground_m;
  bool has_motion;
  double speed_mps, heading_deg; /* over the last second, on the ground */
  const char *zone;        /* name of the zone the foot point is in, or NULL */
  bool in_carriageway;
  bool in_crossing;
  bool ignored;            /* inside an ignore zone */
  bool violation;          /* a rule became true in this frame */
  enum zone_violation type;
  int entry_frame;         /* first frame of the crossing */
  double entry_t_s;
  struct zone_signal_state entry_signal; /* at entry */
  double depth_m;          /* into the carriageway; -1 without homography */
  double ground_sigma_m;   /* uncertainty of ground_m, metres; -1 without homography */
  bool unobserved;         /* cut by the border: located, but nothing decided on it */
  bool entry_seen;         /* the crossing's step off the kerb was seen (or inherited) */
  bool position_uncertain; /* with violation: held on the measured foot points, never by the margin */
  int continued_from;      /* track id whose crossing this continues, or 0 */
};

struct zone_rules;

/* Zones of CAMERA in CFG. NULL with ERROR set when the camera is unknown. */
struct zone_rules *zone_rules_create (const struct hwcfg *cfg, const char *camera, GError **error);
void zone_rules_free (struct zone_rules *rules);

/* One frame: FRAME counts from 1, T_S is seconds since the first frame, SIG the
 * current phase. OUT has room for N results, one per input, same order. */
void zone_rules_step (struct zone_rules *rules, int frame, double t_s,
                      const struct zone_signal_state *sig, const struct zone_track_in *in, int n,
                      struct zone_track_out *out);

const char *zone_violation_name (enum zone_violation type);

/* Frames a stay inside (or outside) takes to count at FPS frames a second
 * (0: unknown, min_inside_frames): what a packet waiting for the crossing's
 * end, or an entry still kept for it, must allow for. */
int zone_rules_frames_needed (const struct hwcfg_rules *params, double fps);

/* The track ids fed to RULES are people, never two ids for one person (a
 * ground truth's): no new track continues a lost one's crossing. Without
 * this, a ground truth's new person appearing where another left (in
 * PETS09-S2L1 a woman in red where a man in black walked out of the
 * picture two seconds before) would inherit the other's crossing. */
void zone_rules_ids_are_people (struct zone_rules *rules);

/* Crossings begun (their step off the kerb seen) while the signal phase was
 * UNKNOWN: no red-signal rule could apply to them. Counted, so that a dead
 * signal feed shows as red-signal cases not raised. */
int zone_rules_unknown_signal_crossings (const struct zone_rules *rules);

#endif
