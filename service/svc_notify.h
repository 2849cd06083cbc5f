/* svc_notify — telling systemd how a service is (sd_notify(3)): ready once
 * it works, alive from the loop that does the work (the watchdog restarts a
 * loop that stalls), stopping when asked to. Outside systemd (no
 * NOTIFY_SOCKET) every call does nothing. */
#ifndef CW_SVC_NOTIFY_H
#define CW_SVC_NOTIFY_H

#include <glib.h>

/* READY=1, with STATUS (NULL: none) as the unit's status line. */
void svc_notify_ready (const char *status);

/* STOPPING=1. */
void svc_notify_stopping (void);

/* A GLib source on the default main context sending WATCHDOG=1 at half of
 * WatchdogSec: the main loop proves it runs by running it. Its id, or 0
 * when no watchdog is asked for (g_source_remove it when done). */
guint svc_watchdog_attach (void);

/* For a loop of one's own: WATCHDOG=1 when half of WatchdogSec has passed
 * since the last one (MONO_US: g_get_monotonic_time ()). */
void svc_watchdog_kick (gint64 mono_us);

#endif
