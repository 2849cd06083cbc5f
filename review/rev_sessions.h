/* rev_sessions — the review service's logins in memory: a session is a
 * random token (the HttpOnly cookie) with its own CSRF token (sent back in
 * X-CSRF-Token on every POST), ending after an idle time and a maximum
 * age, or at logout. And the per-address throttle on failed logins, which
 * stops one address trying passwords across many accounts. Nothing here
 * touches the store or HTTP, so unit tests drive it with a fake clock. */
#ifndef CW_REV_SESSIONS_H
#define CW_REV_SESSIONS_H

#include <glib.h>
#include <stdbool.h>

/* An address with this many failed logins within the window is refused
 * (429) until the window has passed since its last failure. */
#define REV_THROTTLE_FAILURES 20
#define REV_THROTTLE_WINDOW_US ((gint64) 15 * 60 * G_USEC_PER_SEC)

struct rev_session {
  char token[65]; /* hex of 32 random bytes */
  char csrf[65];
  char *user;
  gint64 epoch; /* the account's credential epoch at login (rev_desk_account_role) */
  gint64 created_us, last_used_us;
};

struct rev_sessions;

struct rev_sessions *rev_sessions_new (gint64 idle_us, gint64 max_age_us);
void rev_sessions_free (struct rev_sessions *s);

/* A new session for USER at credential EPOCH (borrowed by the table;
 * valid until it ends). */
const struct rev_session *rev_sessions_start (struct rev_sessions *s, const char *user, gint64 epoch, gint64 now_us);
/* The live session with TOKEN (its idle clock restarts), or NULL: unknown,
 * idle too long or too old (then it is dropped). */
const struct rev_session *rev_sessions_find (struct rev_sessions *s, const char *token, gint64 now_us);
void rev_sessions_end (struct rev_sessions *s, const char *token);
/* Ends every session of USER (an account disabled or its password changed). */
void rev_sessions_end_user (struct rev_sessions *s, const char *user);
/* Constant-time: GIVEN is the session's CSRF token. */
bool rev_session_csrf_ok (const struct rev_session *sess, const char *given);

bool rev_throttle_blocked (struct rev_sessions *s, const char *address, gint64 now_us);
void rev_throttle_failed (struct rev_sessions *s, const char *address, gint64 now_us);

#endif
