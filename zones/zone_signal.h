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
  double elapsed_s;   /* since the phase began (UNKNOWN: since the last message) */
  const char *source; /* "schedule", "mqtt", "none" */
};

struct zone_signal;

/* The source [signal] names; MQTT (used by source = mqtt) is [mqtt].
 * NULL with ERROR set when the schedule is inconsistent or the MQTT client
 * cannot start (a broker that is down is not an error: it is retried). */
struct zone_signal *zone_signal_create (const struct hwcfg_signal *cfg, const struct hwcfg_mqtt *mqtt,
                                        GError **error);
void zone_signal_free (struct zone_signal *sig);

/* The phase T_S seconds after the first frame (schedule: from the first
 * frame + offset_s, or on the wall clock from cycle_anchor); the phase as
 * last received (mqtt, T_S unused: the controller's messages are live). */
void zone_signal_at (struct zone_signal *sig, double t_s, struct zone_signal_state *out);

/* An anchored schedule ([signal] cycle_anchor) at the wall-clock instant
 * UTC_US (unix microseconds): the phase the controller shows then, however
 * often the appliance restarted. zone_signal_at uses it with the wall clock
 * of the first frame plus stream time. Other sources: as zone_signal_at. */
void zone_signal_at_utc (struct zone_signal *sig, gint64 utc_us, struct zone_signal_state *out);

const char *zone_phase_name (enum zone_phase phase);

#endif
