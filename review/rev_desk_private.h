/* What rev_desk.c and rev_accounts.c share: the desk itself. */
#ifndef CW_REV_DESK_PRIVATE_H
#define CW_REV_DESK_PRIVATE_H

#include "rev_desk.h"

struct rev_desk {
  struct evid_store *st;
  const struct hwcfg *cfg;
  GHashTable *clips; /* packet id -> GBytes WebM: encoded once per process */
  char *dummy_hash;  /* verified against for unknown names, so they take as long as known ones */
};

/* REV_ERROR from an EVID_ERROR (not found -> 404, state -> 409, else 500);
 * always FALSE. */
gboolean rev_desk__fail_from_store (GError **error, GError *store_error);
gboolean rev_desk__refuse (GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* FALSE (403) unless ACTOR may do A. */
gboolean rev_desk__allowed (const struct rev_actor *actor, enum rev_action a, GError **error);

#endif
