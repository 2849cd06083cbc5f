/* zone_rules — the violation rules of ARCHITECTURE.md on tracked foot points.
 *
 * Per track it keeps the crossing state: a crossing starts on the first of
 * min_inside_frames consecutive frames inside the carriageway (crosswalks are
 * part of it) and ends after min_inside_frames consecutive frames outside.
 * At most one violation is raised per person per crossing:
 *  - red_signal: the crossing began on steady DONT_WALK, red_grace_s or more
 *    after the change; raised when the crossing is established;
 *  - outside_crosswalk: min_inside_frames consecutive frames in the
 *    carriageway, outside every crosswalk, deeper than min_depth_m (ground
 *    metres from the carriageway's edge; needs the camera's homography).
 * Foot points inside an ignore zone are not observed at all.
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
};

/* What the rules found for one track in this frame. */
struct zone_track_out {
  int track_id;
  bool has_ground;
  struct zone_pt ground_m;
  const char *zone;        /* name of the zone the foot point is in, or NULL */
  bool in_carriageway;
  bool ignored;            /* inside an ignore zone */
  bool violation;          /* a rule became true in this frame */
  enum zone_violation type;
  int entry_frame;         /* first frame of the crossing */
  double entry_t_s;
  struct zone_signal_state entry_signal; /* at entry */
  double depth_m;          /* into the carriageway; -1 without homography */
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

#endif
