/* rev_policy — who may do what in review, and the reasons a case may be
 * rejected for. One table, used by the web service and the CLI alike, so
 * the two can never drift apart (review/API.md lists it for people). */
#ifndef CW_REV_POLICY_H
#define CW_REV_POLICY_H

#include <stdbool.h>

enum rev_action {
  REV_VIEW,    /* the queue, a case, its media and bundle */
  REV_CONFIRM,
  REV_REJECT,
  REV_HOLD,    /* legal hold: never purged */
  REV_RELEASE,
  REV_REVERSE, /* withdraw a published case; it leaves every display */
  REV_CLEAR_CLOCK, /* the time of a clock_unsynced case was checked: it goes to review */
  REV_AUDIT,   /* read the whole audit log */
  REV_ADMIN,   /* accounts */
  REV_WATCHLIST, /* enrol on, list and remove from the watchlist ([recognition]) */
  REV_WATCH_DECIDE, /* confirm or dismiss a case's watchlist match */
};

/* The review states a case can be in, NULL-terminated (review/API.md). */
extern const char *const REV_STATES[];

/* The roles, NULL-terminated: reviewer, supervisor, auditor, admin. */
extern const char *const REV_ROLES[];

bool rev_role_valid (const char *role);
/* Whether ROLE may do A. Separation of duties: an auditor reads, an admin
 * manages accounts and reads the log; neither decides cases, and an admin
 * does not see the evidence. */
bool rev_role_may (const char *role, enum rev_action a);

/* The verbs of POST /api/cases/ID/VERB and `crosswatch review VERB`; -1
 * when VERB is none of them. */
int rev_action_from_verb (const char *verb);

struct rev_reason_code {
  const char *code;
  const char *meaning;
};
/* The reject reason codes, ending with {NULL, NULL}. "other" needs a reason
 * in words. */
extern const struct rev_reason_code REV_REJECT_CODES[];
bool rev_reject_code_valid (const char *code);

/* An account name: 1-64 of A-Z a-z 0-9 . _ - (it is shown in the audit
 * log and typed on the command line). */
bool rev_account_name_valid (const char *name);

#endif
