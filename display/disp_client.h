/* disp_client — the roadside display: subscribes to its topic and renders
 * each signed display message (evid_display_msg.h, version 2) it is sent to a
 * PNG screen; "retract" removes a screen at once.
 *
 * Shown only: messages signed by a key in [display] trusted_keys, addressed
 * to this site and display, not expired. Refused, each with a warning saying
 * why: anything else, anything older than the last seq seen from its signing
 * device (a replay), and any show for a packet this display saw retracted.
 * An exact repeat (same device, seq, packet and kind: a QoS 1 redelivery or a
 * retained message seen again after a restart) is a harmless no-op. A screen
 * is removed when its show's expires_utc passes.
 *
 * The seq, retraction and screen-expiry memory survives restarts: it is kept in
 * <out_dir>/display-state.json (0600, replaced atomically after each message
 * acted on). A state file that cannot be read stops the display with an error
 * naming it (move it away to start with no memory). */
#ifndef CW_DISP_CLIENT_H
#define CW_DISP_CLIENT_H

#include "hwcfg.h"

#include <signal.h>

#define DISP_STATE_FILE "display-state.json"

struct disp_client;

/* A display for CFG (kept by reference: it must outlive the client): loads
 * the trusted keys and the state file. NULL with DISP_ERROR_CONFIG (no key,
 * a key file unusable) or DISP_ERROR_STATE (state file unreadable, corrupt or
 * hostile). */
struct disp_client *disp_client_new (const struct hwcfg_display *cfg, GError **error);
void disp_client_free (struct disp_client *c);

/* Handles one message PAYLOAD (LEN bytes) at time NOW_US (unix
 * microseconds): renders or retracts. TRUE when acted on or an exact repeat;
 * FALSE with the reason: EVID_DISPLAY_ERROR (unsigned, untrusted, bad
 * signature, expired, not ours, malformed, image), DISP_ERROR_REPLAY,
 * DISP_ERROR_RETRACTED, DISP_ERROR_RENDER or DISP_ERROR_STATE. */
gboolean disp_client_handle (struct disp_client *c, const void *payload, gsize len, gint64 now_us, GError **error);

/* Removes the screens whose show expired by NOW_US (the run loop calls it
 * every second). FALSE with DISP_ERROR_RENDER or DISP_ERROR_STATE when a
 * screen cannot be removed or the state not saved. */
gboolean disp_client_expire (struct disp_client *c, gint64 now_us, GError **error);

/* The packet ids of the current cases, sorted (g_ptr_array_unref). */
GPtrArray *disp_client_on_screen (const struct disp_client *c);

/* Opens the video output of [display] sink (none: files only). FALSE with
 * DISP_ERROR_RENDER naming the sink when it cannot start. */
gboolean disp_client_open_screen (struct disp_client *c, GError **error);

/* Removes expired cases (disp_client_expire), moves the rotation on at
 * MONO_US (a monotonic clock: [display] rotation_s a case, the newest
 * max_cases, oldest first) and, when what is on screen changed, draws it:
 * <out_dir>/current.png (the record of what the public saw) and the video
 * output. Nothing to show is the idle screen (the place, "wait for the
 * green man", the local time). The run loop calls it four times a second
 * and after each message. FALSE with DISP_ERROR_RENDER or _STATE. */
gboolean disp_client_tick (struct disp_client *c, gint64 now_us, gint64 mono_us, GError **error);

/* The packet on screen now (current.png), NULL for the idle screen. */
const char *disp_client_current (const struct disp_client *c);

/* The display's status, retained on crosswatch/<site>/display/<id>/state
 * (the broker's ACL lets display-<id> publish there):
 *   {"v":1,"site","display","state":"online"|"offline","on_screen":[ids],
 *    "current":ID|null,"last_error":TEXT|null,"utc"}
 * (on_screen: the current cases; current: the one on screen this moment)
 * "online" when connected and after each change of what is on screen or of
 * the last error; "offline" is the last will, published by the broker when
 * the display goes away without a goodbye, and by the display when it stops. */
char *disp_client_state_json (const struct disp_client *c, const char *state, const char *last_error);

/* Runs until *STOP becomes non-zero (set it from a signal handler or another
 * thread). Says "connected to HOST:PORT" only once the broker accepted the
 * connection; a refused one (bad credentials, not authorised) or one lost
 * before the broker answered (a TLS listener reached without TLS, or the
 * wrong port) is a warning naming the likely cause, once per cause, and
 * retried with a growing pause (up to 30 s). Returns 0 on a clean stop, 1
 * when the display cannot start (its keys or state, with a warning saying
 * why) or the broker cannot be used at all. */
int disp_client_run (const struct hwcfg_display *cfg, volatile sig_atomic_t *stop);

#endif
