#include "zone_signal.h"

#include "zone_signal_mqtt.h"

#include <glib.h>
#include <math.h>

struct zone_signal {
  struct hwcfg_signal cfg; /* numbers only; topic not kept */
  struct zone_signal_mqtt *mqtt;
  gint64 start_utc_us;     /* anchored schedule: the wall clock at stream time 0, taken at the first frame */
};

static void schedule_phase (const struct hwcfg_signal *c, double u_s, struct zone_signal_state *out);

struct zone_signal *
zone_signal_create (const struct hwcfg_signal *cfg, const struct hwcfg_mqtt *mqtt, GError **error)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  if (cfg->source == HWCFG_SIGNAL_SCHEDULE &&
      (cfg->cycle_s <= 0 || cfg->walk_end_s <= cfg->walk_start_s ||
       cfg->walk_end_s + cfg->clearance_s > cfg->cycle_s)) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "[signal]: inconsistent schedule");
    return NULL;
  }
  struct zone_signal *sig = g_new0 (struct zone_signal, 1);
  sig->cfg = *cfg;
  sig->cfg.topic = NULL;
  if (cfg->source == HWCFG_SIGNAL_MQTT) {
    sig->mqtt = mqtt ? zone_signal_mqtt_start (mqtt, cfg->topic, cfg->stale_s, error) : NULL;
    if (!sig->mqtt) {
      if (!mqtt)
        g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "[signal]: source mqtt needs an [mqtt] broker");
      g_free (sig);
      return NULL;
    }
  }
  return sig;
}

void
zone_signal_free (struct zone_signal *sig)
{
  if (!sig)
    return;
  zone_signal_mqtt_stop (sig->mqtt);
  g_free (sig);
}

void
zone_signal_at (struct zone_signal *sig, double t_s, struct zone_signal_state *out)
{
  const struct hwcfg_signal *c = &sig->cfg;
  if (c->source == HWCFG_SIGNAL_MQTT) {
    zone_signal_mqtt_now (sig->mqtt, out);
    return;
  }
  if (c->source != HWCFG_SIGNAL_SCHEDULE) {
    *out = (struct zone_signal_state){ZONE_PHASE_UNKNOWN, 0, "none"};
    return;
  }
  if (c->anchored) {
    /* the wall clock, as it was at the first frame plus stream time: a live
     * camera's frames in real time, and a restart does not move the cycle */
    if (!sig->start_utc_us)
      sig->start_utc_us = g_get_real_time () - (gint64) (t_s * G_USEC_PER_SEC);
    zone_signal_at_utc (sig, sig->start_utc_us + (gint64) (t_s * G_USEC_PER_SEC), out);
    return;
  }
  schedule_phase (c, t_s + c->offset_s, out);
}

void
zone_signal_at_utc (struct zone_signal *sig, gint64 utc_us, struct zone_signal_state *out)
{
  const struct hwcfg_signal *c = &sig->cfg;
  if (c->source != HWCFG_SIGNAL_SCHEDULE || !c->anchored) {
    zone_signal_at (sig, 0, out);
    return;
  }
  /* whole cycles since the anchor, in integer microseconds (a double of
   * seconds since 1970 would lose the fraction) */
  gint64 cycle_us = (gint64) (c->cycle_s * G_USEC_PER_SEC);
  gint64 since = (utc_us - c->cycle_anchor_us) % cycle_us;
  schedule_phase (c, since / 1e6 + c->offset_s, out);
}

/* The phase at U seconds into the schedule (any real U: taken modulo the cycle). */
static void
schedule_phase (const struct hwcfg_signal *c, double u_s, struct zone_signal_state *out)
{
  out->source = "schedule";
  double u = fmod (u_s, c->cycle_s);
  if (u < 0)
    u += c->cycle_s;
  double clear_end = c->walk_end_s + c->clearance_s;
  if (u >= c->walk_start_s && u < c->walk_end_s) {
    out->phase = ZONE_PHASE_WALK;
    out->elapsed_s = u - c->walk_start_s;
  } else if (u >= c->walk_end_s && u < clear_end) {
    out->phase = ZONE_PHASE_CLEARANCE;
    out->elapsed_s = u - c->walk_end_s;
  } else {
    /* DONT_WALK runs from the end of clearance, across the cycle boundary,
     * to the next walk start. */
    out->phase = ZONE_PHASE_DONT_WALK;
    out->elapsed_s = u >= clear_end ? u - clear_end : u + c->cycle_s - clear_end;
  }
}

const char *
zone_phase_name (enum zone_phase phase)
{
  switch (phase) {
  case ZONE_PHASE_WALK:
    return "WALK";
  case ZONE_PHASE_CLEARANCE:
    return "CLEARANCE";
  case ZONE_PHASE_DONT_WALK:
    return "DONT_WALK";
  default:
    return "UNKNOWN";
  }
}
