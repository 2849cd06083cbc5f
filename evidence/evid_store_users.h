/* evid_store_users — the review service's accounts, kept in the evidence
 * store beside the audit log that names them: name, role, password hash
 * (argon2id, made by review/rev_accounts.c), enabled, and the failed-login
 * count behind the lockout. Every change is an audit row in the same
 * transaction; accounts are disabled, never deleted, so every name in the
 * audit log stays resolvable. */
#ifndef CW_EVID_STORE_USERS_H
#define CW_EVID_STORE_USERS_H

#include "evid_store.h"

typedef struct evid_user evid_user;
struct evid_user {
  char *name;
  char *role;
  char *pwhash;
  bool enabled;
  int failed_logins;
  gint64 locked_until_us; /* real time (µs): no login before it */
  char *created_utc;
  gint64 epoch; /* moves on with every password, role or enabled change: sessions from before end */
};

void evid_user_free (struct evid_user *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (evid_user, evid_user_free)

/* Adds account NAME; EVID_ERROR_STATE when it exists. ACTOR: who did it. */
bool evid_store_user_add (struct evid_store *st, const char *name, const char *role, const char *pwhash,
                          const char *actor, GError **error);
/* A new password hash (the lockout is lifted with it). */
bool evid_store_user_set_password (struct evid_store *st, const char *name, const char *pwhash, const char *actor,
                                   GError **error);
bool evid_store_user_set_enabled (struct evid_store *st, const char *name, bool enabled, const char *actor,
                                  GError **error);
bool evid_store_user_set_role (struct evid_store *st, const char *name, const char *role, const char *actor,
                               GError **error);
/* The account NAME, or NULL with EVID_ERROR_NOT_FOUND. */
struct evid_user *evid_store_user_get (struct evid_store *st, const char *name, GError **error);
/* Every account, by name. */
GPtrArray *evid_store_users (struct evid_store *st, GError **error);

/* A login attempt's outcome: success clears the failure count; a failure
 * adds one, and the MAX_FAILURES-th in a row locks the account until
 * NOW_US + LOCK_US (the count starts again). The audit row ("login" or
 * "login_failed", with ADDRESS) is written in the same transaction.
 * *OUT_LOCKED: the account is locked now. */
bool evid_store_user_login_result (struct evid_store *st, const char *name, bool success, const char *address,
                                   int max_failures, gint64 now_us, gint64 lock_us, bool *out_locked,
                                   GError **error);

#endif
