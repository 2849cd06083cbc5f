#include "hwcfg_profile.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The table of PROFILES.md (keep the two in step). A child is anyone
 * measured below 1.50 m (about the height of a 12-year-old); a person whose
 * height could not be measured counts as one. */
#define CHILD_BELOW_M 1.50

static const struct hwcfg_profile PROFILES[] = {
    /* name       person face   bystanders child          hours two_person_required */
    {"default", true, false, false, CHILD_BELOW_M, 24, true, NULL},
    {"eu", false, false, false, CHILD_BELOW_M, 24, true,
     "the EU AI Act (Art. 5(1)(h)) prohibits real-time remote biometric identification in publicly accessible "
     "spaces for law enforcement, except in narrow cases that an appliance cannot attest"},
    {"uk", true, false, false, CHILD_BELOW_M, 24, true,
     "facial recognition by police in the UK needs a specific legal framework and safeguards (R (Bridges) v South "
     "Wales Police, 2020) that a roadside appliance cannot attest"},
    {"us", true, false, false, CHILD_BELOW_M, 72, false, NULL},
    {"cn", true, true, false, CHILD_BELOW_M, 72, false, NULL},
};

static const char *const NAMES[] = {"default", "eu", "uk", "us", "cn", NULL};

const struct hwcfg_profile *
hwcfg_profile_find (const char *name)
{
  for (size_t i = 0; name && i < sizeof PROFILES / sizeof PROFILES[0]; i++)
    if (strcmp (PROFILES[i].name, name) == 0)
      return &PROFILES[i];
  return NULL;
}

const char *const *
hwcfg_profile_names (void)
{
  return NAMES;
}

void
hwcfg_profile_stricter (const struct hwcfg_profile *a, const struct hwcfg_profile *b, struct hwcfg_profile *out,
                        char *out_name, int out_name_len)
{
  if (strcmp (a->name, b->name) == 0)
    snprintf (out_name, (size_t) out_name_len, "%s", a->name);
  else
    snprintf (out_name, (size_t) out_name_len, "%s+%s", a->name, b->name);
  out->name = out_name;
  out->person_shown = a->person_shown && b->person_shown;
  out->faces_shown = a->faces_shown && b->faces_shown;
  out->bystanders_shown = a->bystanders_shown && b->bystanders_shown;
  out->child_below_m = fmax (a->child_below_m, b->child_below_m);
  out->max_show_hours = a->max_show_hours < b->max_show_hours ? a->max_show_hours : b->max_show_hours;
  out->two_person_required = a->two_person_required || b->two_person_required;
}

bool
hwcfg_profile_may_show_person (const struct hwcfg_profile *p, double height_m)
{
  return p->person_shown && isfinite (height_m) && height_m > 0 && height_m >= p->child_below_m;
}
