/* hwcfg_profile — what a jurisdiction profile ([site] profile, [display]
 * profile) lets a public screen show, and for how long: the table of
 * hwcfg/PROFILES.md, in one place for the appliance (what it publishes), the
 * review desk (the two-person rule) and the display (what it draws).
 *
 * A display obeys the stricter of two profiles, member by member
 * (hwcfg_profile_stricter): the one its signed message names (the site's)
 * and its own. */
#ifndef CW_HWCFG_PROFILE_H
#define CW_HWCFG_PROFILE_H

#include <stdbool.h>

struct hwcfg_profile {
  const char *name;
  bool person_shown;     /* false: no person at all, only the rule and the day's count */
  bool faces_shown;      /* false: every head on the still is blurred */
  bool bystanders_shown; /* false: everything around the violator is pixelated */
  double child_below_m;  /* a person measured shorter (or not measured at all) is never shown */
  int max_show_hours;    /* a case leaves public screens after this long at most */
  bool two_person_required; /* [review] two_person = false is refused */
  const char *recognition_refused; /* non-NULL: why any [recognition] setting is a config error */
};

/* The profile NAME, or NULL for an unknown one. */
const struct hwcfg_profile *hwcfg_profile_find (const char *name);

/* The names, NULL-terminated, in the table's order (for error messages). */
const char *const *hwcfg_profile_names (void);

/* OUT: each member the stricter of A's and B's (a name "A+B" when they
 * differ, kept in OUT_NAME of OUT_NAME_LEN bytes). */
void hwcfg_profile_stricter (const struct hwcfg_profile *a, const struct hwcfg_profile *b, struct hwcfg_profile *out,
                             char *out_name, int out_name_len);

/* May a person of measured height HEIGHT_M (NaN or <= 0: not measured) be
 * shown under P? */
bool hwcfg_profile_may_show_person (const struct hwcfg_profile *p, double height_m);

#endif
