/* zone_signal — the pedestrian signal phase, from the configured source. */
#ifndef CW_ZONE_SIGNAL_H
#define CW_ZONE_SIGNAL_H

#include "hwcfg.h"

enum zone_phase {
  ZONE_PHASE_UNKNOWN,   /* no source, or no trustworthy input: no red-signal rule */
  ZONE_PHASE_WALK,
  ZONE_PHASE_CLEARANCE, /* flashing DON'T WALK: finishing a crossing is legal */
  ZONE_PHASE_DONT_WALK,
};

struct zone_signal_state {
  enum zone_phase phase;
  double elapsed_s;   /* since the phase began */
  const char *source; /* "schedule", "none" */
};

struct zone_signal;

/* NULL when the source is not one this version implements. */
struct zone_signal *zone_signal_create (const struct hwcfg_signal *cfg);
void zone_signal_free (struct zone_signal *sig);

/* The phase T_S seconds after the first frame. */
void zone_signal_at (const struct zone_signal *sig, double t_s, struct zone_signal_state *out);

const char *zone_phase_name (enum zone_phase phase);

#endif
