#include "trk_config.h"

#include <math.h>

struct trk_params
trk_params_from_config (const struct hwcfg_tracker *c)
{
  struct trk_params p = trk_params_default ();
#define DOUBLE(name)                                                                                                   \
  if (!isnan (c->name))                                                                                                \
  p.name = c->name
#define INT(name)                                                                                                      \
  if (c->name >= 0)                                                                                                    \
  p.name = c->name
  DOUBLE (iou_threshold);
  DOUBLE (high_score);
  DOUBLE (low_score);
  DOUBLE (new_track_score);
  DOUBLE (low_iou_threshold);
  DOUBLE (inertia);
  DOUBLE (buffer);
  DOUBLE (lost_distance);
  DOUBLE (relink_distance);
  DOUBLE (appearance_weight);
  DOUBLE (appearance_gate);
  INT (min_hits);
  INT (max_age);
  INT (delta_t);
  INT (reupdate);
#undef DOUBLE
#undef INT
  return p;
}
