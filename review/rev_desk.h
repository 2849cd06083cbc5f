/* rev_desk — review as a service: every store access of review (the web
 * service's handlers and `crosswatch review`/`crosswatch users` alike) goes
 * through this interface and nothing else. It applies the rules (roles,
 * "open every still and the clip before confirming", the two-person rule,
 * reason codes) and writes an audit row, under the acting user's name, for
 * every view and every action. Today it is backed by the cabinet's SQLite
 * evidence store; a central back office would put another store behind the
 * same functions, leaving the handlers untouched.
 *
 * Errors are REV_ERROR codes, which the web service maps to HTTP statuses. */
#ifndef CW_REV_DESK_H
#define CW_REV_DESK_H

#include "evid_store.h"
#include "hwcfg.h"
#include "rev_policy.h"

#include <glib.h>
#include <json-glib/json-glib.h>

#define REV_ERROR (rev_error_quark ())
GQuark rev_error_quark (void);
typedef enum {
  REV_ERROR_INVALID,   /* 400: a missing or malformed field */
  REV_ERROR_UNAUTHORIZED, /* 401: no such user, wrong password, disabled */
  REV_ERROR_FORBIDDEN, /* 403: the role may not */
  REV_ERROR_NOT_FOUND, /* 404 */
  REV_ERROR_CONFLICT,  /* 409: the case's state, or media not opened, or the same person twice */
  REV_ERROR_LOCKED,    /* 423: too many failed logins */
  REV_ERROR_INTERNAL,  /* 500: the store failed */
} RevError;
int rev_error_http_status (const GError *error);

/* Who acts: an authenticated account. */
struct rev_actor {
  const char *name;
  const char *role;
};

/* Logins: 5 failures in a row lock an account for 15 minutes. */
#define REV_MAX_FAILURES 5
#define REV_LOCK_US ((gint64) 15 * 60 * G_USEC_PER_SEC)
#define REV_PASSWORD_MIN 10
#define REV_PASSWORD_MAX 1024

struct rev_desk;

/* ST (open for writing, with its signer set) and CFG are borrowed. */
struct rev_desk *rev_desk_new (struct evid_store *st, const struct hwcfg *cfg);
void rev_desk_free (struct rev_desk *desk);

/* With [recognition] enabled, loads its models: FALSE + ERROR naming the
 * key and the file when one does not load (a service refuses to start).
 * TRUE at once when recognition is off. Confirming a case calls it too. */
bool rev_desk_recognition_ready (struct rev_desk *desk, GError **error);

/* The watchlist (rev_watchlist.c, [recognition] enabled): an admin enrols
 * the face in IMAGE (JPEG or PNG) under LABEL with a REASON and a
 * LEGAL_BASIS (10 to 2000 characters each) for DAYS (1-365) and removes
 * one (its face deleted); an admin or a supervisor lists every entry [{id,
 * label, reason, legal_basis, enrolled_by, enrolled_utc, expires_utc,
 * state}]. A supervisor confirms or dismisses a case's match (DECISION
 * "confirm" or "dismiss") with a REASON (10 to 2000 characters). Each an
 * audit row; a refused attempt is a "refused:watchlist:..." row. */
bool rev_desk_watchlist_enrol (struct rev_desk *desk, const struct rev_actor *actor, const char *label,
                               const char *reason, const char *legal_basis, int days, GBytes *image, gint64 *out_id,
                               GError **error);
JsonArray *rev_desk_watchlist (struct rev_desk *desk, const struct rev_actor *actor, GError **error);
/* Entry ID's enrolled face (JPEG), for an admin or a supervisor comparing a
 * match; an audit row. */
GBytes *rev_desk_watchlist_image (struct rev_desk *desk, const struct rev_actor *actor, gint64 id, GError **error);
/* An entry id as typed or in a URL: 1 to 18 digits, no sign, no leading zero. */
bool rev_watch_entry_id_parse (const char *text, gint64 *out);
bool rev_desk_watchlist_remove (struct rev_desk *desk, const struct rev_actor *actor, gint64 id, GError **error);
bool rev_desk_watch_decide (struct rev_desk *desk, const struct rev_actor *actor, const char *case_id, gint64 entry_id,
                            const char *decision, const char *reason, GError **error);

/* Accounts (role REV_ADMIN for the web service; the cabinet's shell user
 * for `crosswatch users`, named by ACTOR). */
bool rev_desk_user_add (struct rev_desk *desk, const struct rev_actor *actor, const char *name, const char *role,
                        const char *password, GError **error);
bool rev_desk_user_passwd (struct rev_desk *desk, const struct rev_actor *actor, const char *name,
                           const char *password, GError **error);
bool rev_desk_user_enable (struct rev_desk *desk, const struct rev_actor *actor, const char *name, bool enabled,
                           GError **error);
bool rev_desk_user_role (struct rev_desk *desk, const struct rev_actor *actor, const char *name, const char *role,
                         GError **error);
/* [{name, role, enabled, locked, created}] */
JsonArray *rev_desk_users (struct rev_desk *desk, const struct rev_actor *actor, GError **error);

/* Checks NAME's PASSWORD (from ADDRESS) at NOW_US. On success *OUT_ROLE
 * (g_free) is the account's role and *OUT_EPOCH (may be NULL) its
 * credential epoch. Unknown names, wrong passwords and disabled accounts
 * are all REV_ERROR_UNAUTHORIZED with the same words, after the same
 * password-hash work, and lock alike after REV_MAX_FAILURES (an unknown
 * name's count is kept in memory): nothing tells which names exist. A
 * locked name is REV_ERROR_LOCKED. Each attempt is an audit row. */
bool rev_desk_login (struct rev_desk *desk, const char *name, const char *password, const char *address,
                     gint64 now_us, char **out_role, gint64 *out_epoch, GError **error);
/* The account's role (g_free) if it exists, is enabled and its credential
 * epoch is still EPOCH: a session re-checks on every request, so a
 * disabled account, a new password or a new role (from the web or the
 * command line) ends the sessions from before. NULL otherwise. */
char *rev_desk_account_role (struct rev_desk *desk, const char *name, gint64 epoch);
bool rev_desk_logout (struct rev_desk *desk, const struct rev_actor *actor, GError **error);

/* The queue: cases (id, type, state, flags, created, site, camera, track,
 * legal_hold), oldest first. Any filter may be NULL: STATE, TYPE, FLAG (a
 * review_flag, or "none"), FROM/TO (ISO 8601 UTC, inclusive, on created). */
struct rev_filter {
  const char *state, *type, *flag, *from, *to;
};
JsonArray *rev_desk_cases (struct rev_desk *desk, const struct rev_actor *actor, const struct rev_filter *f,
                           GError **error);

/* One case: {id, state, legal_hold, record, flags, history, media:[{name,
 * type, url, opened}], confirmed_once_by, related:[{id, type, state, utc}]
 * (other cases of the same camera and track within 10 minutes: a likely
 * duplicate), can:[verbs this actor's role has]}.
 * An audit row "view". */
JsonObject *rev_desk_case (struct rev_desk *desk, const struct rev_actor *actor, const char *id, GError **error);

/* A media item with its MIME type (*OUT_MIME, g_free): AS_STORED, the
 * stored bytes; else as a browser shows it (the Matroska clip as WebM/VP8,
 * rev_clip.h). An audit row naming it: "view_media" when WHOLE (the item is
 * sent whole: it counts as opened), else "view_media_part" (a byte range,
 * which does not). */
GBytes *rev_desk_media (struct rev_desk *desk, const struct rev_actor *actor, const char *id, const char *name,
                        bool as_stored, bool whole, char **out_mime, GError **error);

/* The case bundle (evid_export.h) as tar bytes; an audit row "export". */
GBytes *rev_desk_bundle (struct rev_desk *desk, const struct rev_actor *actor, const char *id, GError **error);

/* Does VERB (confirm, reject, hold, release, reverse) on case ID.
 * REASON: words (needed by reject "other", hold and reverse); CODE: a
 * reject reason code. *OUT_STATE (g_free, may be NULL): the state after. */
bool rev_desk_act (struct rev_desk *desk, const struct rev_actor *actor, const char *id, const char *verb,
                   const char *reason, const char *code, char **out_state, GError **error);

/* Audit rows, newest first: about PACKET_ID, by ACTOR, of ACTION (each
 * NULL or "" for any; ACTION may end in '*' for a prefix, "review:*"),
 * with a sequence number below BEFORE (0: any), at most LIMIT (0: 500). */
struct rev_audit_filter {
  const char *packet_id, *actor, *action;
  gint64 before;
  int limit;
};
JsonArray *rev_desk_audit (struct rev_desk *desk, const struct rev_actor *actor, const struct rev_audit_filter *f,
                           GError **error);

/* A published case as the public may see it (no login): {id, type, offence, rule,
 * utc, site_name, zone, signal, status, appeal} and *OUT_IMAGE the
 * redacted display image (JPEG). Anything else, unknown ids included, is
 * REV_ERROR_NOT_FOUND with the same words. */
JsonObject *rev_desk_public_case (struct rev_desk *desk, const char *id, GBytes **out_image, GError **error);

#endif
