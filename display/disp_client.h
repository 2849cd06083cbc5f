/* disp_client — the roadside display: subscribes to its topic and renders
 * each packet it is sent to a PNG screen (a repeat of the same packet, as
 * QoS 1 may deliver, is recognised by packet id and drawn once); "retract"
 * removes a screen. */
#ifndef CW_DISP_CLIENT_H
#define CW_DISP_CLIENT_H

#include "hwcfg.h"

#include <signal.h>

/* Runs until *STOP becomes non-zero (set it from a signal handler).
 * Returns 0 on a clean stop, 1 when the broker cannot be used at all. */
int disp_client_run (const struct hwcfg_display *cfg, volatile sig_atomic_t *stop);

/* Handles one message PAYLOAD (for tests and for the MQTT callback):
 * renders or retracts. Returns TRUE when handled. */
gboolean disp_client_handle (const struct hwcfg_display *cfg, const void *payload, int len, GError **error);

#endif
