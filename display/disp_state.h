/* disp_state — what a roadside display remembers across restarts: per signing
 * device the last message it acted on (seq, packet, kind), the packets it saw
 * retracted, and the screens it shows with their expiry.
 *
 * Kept in one small JSON file (0600), replaced atomically (temporary file,
 * fsync, rename) by disp_state_save. A file that cannot be read, or holds
 * anything but what this module writes, fails the load with an error naming
 * it: replay protection is never silently dropped. */
#ifndef CW_DISP_STATE_H
#define CW_DISP_STATE_H

#include <glib.h>

struct disp_state;

/* Loads the state at PATH; a missing file is an empty state (a new display).
 * NULL with DISP_ERROR_STATE when the file is unreadable, too large, not
 * JSON, or has a member of the wrong type or value. */
struct disp_state *disp_state_load (const char *path, GError **error);
void disp_state_free (struct disp_state *s);

/* Writes S to its file. FALSE with DISP_ERROR_STATE. */
gboolean disp_state_save (const struct disp_state *s, GError **error);

/* May a message (DEVICE_KEY, SEQ, PACKET_ID, KIND) be acted on? TRUE, with
 * *OUT_REPEAT set when it is exactly the last one acted on from that device,
 * or a show of a packet on screen (nothing to do); FALSE with
 * DISP_ERROR_REPLAY when a retract's or key's SEQ is not newer than the
 * device's last, or DISP_ERROR_RETRACTED for a show of a retracted packet.
 * A show is not held to the sequence (a display's retained cases come in any
 * order): its expiry and the retracted list bound what an old one can do. */
gboolean disp_state_admit (const struct disp_state *s, const char *device_key, gint64 seq, const char *packet_id,
                           const char *kind, gboolean *out_repeat, GError **error);

/* Records that the message was acted on. */
void disp_state_acted (struct disp_state *s, const char *device_key, gint64 seq, const char *packet_id,
                       const char *kind);

/* Keys handed over by a trusted key ("key" messages): trusted like the
 * configured ones, across restarts. disp_state_keys: lower-case hex, owned
 * by S (free the array only). */
gboolean disp_state_key_add (struct disp_state *s, const char *key_hex); /* FALSE: too many to remember */
GPtrArray *disp_state_keys (const struct disp_state *s);

/* PACKET_ID was retracted: its show is refused from now on, its screen
 * forgotten. */
void disp_state_retracted (struct disp_state *s, const char *packet_id);

/* Screens: PACKET_ID is shown until EXPIRES_US (unix microseconds), since
 * SINCE_US (the rotation's order), about a violation on LOCAL_DAY
 * (YYYY-MM-DD in the screen's time zone, for the day's count).
 * disp_state_screen_room is FALSE when PACKET_ID would be one screen too
 * many to remember. */
gboolean disp_state_screen_room (const struct disp_state *s, const char *packet_id);
void disp_state_screen_set (struct disp_state *s, const char *packet_id, gint64 expires_us, gint64 since_us,
                            const char *local_day);

/* The packet ids on screen, oldest first; only the NEWEST of them when
 * NEWEST > 0 (g_ptr_array_unref). */
GPtrArray *disp_state_screens_by_age (const struct disp_state *s, int newest);

/* How many screens are about a violation on LOCAL_DAY. */
int disp_state_screens_on_day (const struct disp_state *s, const char *local_day);
void disp_state_screen_remove (struct disp_state *s, const char *packet_id);

/* How the screens were drawn (an opaque key of disp_client's; NULL: a
 * state from before it was kept), and its change. */
const char *disp_state_look (const struct disp_state *s);
void disp_state_set_look (struct disp_state *s, const char *look);

/* When PACKET_ID came on screen (0: it is not on screen). */
gint64 disp_state_screen_since (const struct disp_state *s, const char *packet_id);

/* The packet ids on screen now, sorted (g_ptr_array_unref). */
GPtrArray *disp_state_screens (const struct disp_state *s);

/* The packet ids whose screen expired by NOW_US (g_ptr_array_unref). */
GPtrArray *disp_state_screens_expired (const struct disp_state *s, gint64 now_us);

#endif
