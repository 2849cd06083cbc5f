#include "rev_policy.h"

#include <glib.h>
#include <string.h>

const char *const REV_STATES[] = {"pending",       "confirmed_once",      "confirmed",          "rejected",
                                  "reversed",      "rejected_flat",       "liveness_unassessed", "position_uncertain",
                                  "clock_unsynced", NULL};

const char *const REV_ROLES[] = {"reviewer", "supervisor", "auditor", "admin", NULL};

const struct rev_reason_code REV_REJECT_CODES[] = {
    {"not_a_person", "not a person: a picture, a shadow, a reflection or an object"},
    {"no_violation", "the person did not break the rule (signal, zone or timing)"},
    {"position_wrong", "the person's position on the ground is wrong or cannot be told"},
    {"signal_fault", "the signal state is doubtful (fault, maintenance, manual control)"},
    {"exempt", "the person was exempt (emergency, police direction, works)"},
    {"duplicate", "the same crossing is already another case"},
    {"evidence_poor", "the stills or clip do not show the violation clearly"},
    {"other", "another reason, given in words"},
    {NULL, NULL},
};

bool
rev_role_valid (const char *role)
{
  return role && g_strv_contains (REV_ROLES, role);
}

bool
rev_role_may (const char *role, enum rev_action a)
{
  if (!role)
    return false;
  gboolean reviewer = !strcmp (role, "reviewer"), supervisor = !strcmp (role, "supervisor");
  gboolean auditor = !strcmp (role, "auditor"), admin = !strcmp (role, "admin");
  switch (a) {
  case REV_VIEW:
    return reviewer || supervisor || auditor;
  case REV_CONFIRM:
  case REV_REJECT:
    return reviewer || supervisor;
  case REV_HOLD:
  case REV_RELEASE:
  case REV_REVERSE:
  case REV_CLEAR_CLOCK:
    return supervisor;
  case REV_AUDIT:
    return auditor || admin;
  case REV_ADMIN:
  case REV_WATCHLIST:
    return admin;
  case REV_WATCH_DECIDE:
    return supervisor;
  }
  return false;
}

int
rev_action_from_verb (const char *verb)
{
  static const struct {
    const char *verb;
    enum rev_action a;
  } VERBS[] = {{"confirm", REV_CONFIRM}, {"reject", REV_REJECT},   {"hold", REV_HOLD},
               {"release", REV_RELEASE}, {"reverse", REV_REVERSE}, {"clear_clock", REV_CLEAR_CLOCK}};
  for (size_t i = 0; verb && i < G_N_ELEMENTS (VERBS); i++)
    if (!strcmp (verb, VERBS[i].verb))
      return (int) VERBS[i].a;
  return -1;
}

bool
rev_reject_code_valid (const char *code)
{
  for (const struct rev_reason_code *c = REV_REJECT_CODES; code && c->code; c++)
    if (!strcmp (c->code, code))
      return true;
  return false;
}

bool
rev_account_name_valid (const char *name)
{
  size_t n = name ? strlen (name) : 0;
  if (n == 0 || n > 64)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isalnum (name[i]) && !strchr ("._-", name[i]))
      return false;
  return true;
}
