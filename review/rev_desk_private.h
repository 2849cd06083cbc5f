/* What rev_desk.c and rev_accounts.c share: the desk itself. */
#ifndef CW_REV_DESK_PRIVATE_H
#define CW_REV_DESK_PRIVATE_H

#include "recog_faces.h"
#include "rev_desk.h"

struct rev_desk {
  struct evid_store *st;
  const struct hwcfg *cfg;
  GHashTable *clips;         /* packet id -> GBytes WebM: encoded once (at most REV_CACHE_MAX) */
  GHashTable *public_images; /* packet id -> GBytes JPEG of the public page (at most REV_CACHE_MAX) */
  GHashTable *ghosts;        /* unknown name -> struct rev_ghost: failed logins, as an account's */
  char *dummy_hash;          /* verified against for unknown names, so they take as long as known ones */
  struct recog *recog;       /* [recognition] enabled: its models, loaded once (rev_desk_recognition_ready) */
};

/* Cached clips and public images per desk: a full cache is emptied (the
 * items are remade on demand). */
#define REV_CACHE_MAX 32
/* Unknown names whose failures are counted; a full table is emptied. */
#define REV_GHOSTS_MAX 4096

struct rev_ghost {
  int failures;
  gint64 locked_until_us;
};

/* TEXT as it may go into the audit log: valid UTF-8 without control
 * characters but newline and tab, at most MAX bytes. */
gboolean rev_desk__text_ok (const char *text, size_t max);
/* TEXT shown safely (escaped, at most MAX input bytes) for an audit detail;
 * g_free. */
char *rev_desk__printable (const char *text, size_t max);
/* Puts VALUE under KEY in the cache TABLE, emptying it first when full. */
void rev_desk__cache_put (GHashTable *table, const char *key, GBytes *value);

/* REV_ERROR from an EVID_ERROR (not found -> 404, state -> 409, else 500);
 * always FALSE. */
gboolean rev_desk__fail_from_store (GError **error, GError *store_error);
gboolean rev_desk__refuse (GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* CASE_ID's watchlist matches for ACTOR: [{entry, label, score, state,
 * decided_by}], empty unless ACTOR may decide them (rev_watchlist.c). */
JsonArray *rev_desk__watch_matches (struct rev_desk *desk, const struct rev_actor *actor, const char *case_id);
/* FALSE (403) unless ACTOR may do A. */
gboolean rev_desk__allowed (const struct rev_actor *actor, enum rev_action a, GError **error);

#endif
