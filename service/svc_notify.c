#include "svc_notify.h"

#include <systemd/sd-daemon.h>

void
svc_notify_ready (const char *status)
{
  if (status)
    sd_notifyf (0, "READY=1\nSTATUS=%s", status);
  else
    sd_notify (0, "READY=1");
}

void
svc_notify_stopping (void)
{
  sd_notify (0, "STOPPING=1");
}

static gboolean
on_watchdog (gpointer data)
{
  sd_notify (0, "WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

guint
svc_watchdog_attach (void)
{
  uint64_t usec = 0;
  if (sd_watchdog_enabled (0, &usec) <= 0 || usec == 0)
    return 0;
  sd_notify (0, "WATCHDOG=1");
  return g_timeout_add ((guint) MAX (1, usec / 2000), on_watchdog, NULL);
}

void
svc_watchdog_kick (gint64 mono_us)
{
  static gint64 interval_us = -1, last_us;
  if (interval_us < 0) {
    uint64_t usec = 0;
    interval_us = sd_watchdog_enabled (0, &usec) > 0 ? (gint64) usec / 2 : 0;
  }
  if (interval_us > 0 && mono_us - last_us >= interval_us) {
    sd_notify (0, "WATCHDOG=1");
    last_us = mono_us;
  }
}
