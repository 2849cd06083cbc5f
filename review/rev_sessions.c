#include "rev_sessions.h"

#include <sodium.h>
#include <string.h>

struct throttle {
  int failures;
  gint64 last_us;
};

struct rev_sessions {
  GHashTable *by_token; /* token -> struct rev_session */
  GHashTable *throttle; /* address -> struct throttle */
  gint64 idle_us, max_age_us;
};

static void
session_free (struct rev_session *sess)
{
  sodium_memzero (sess->token, sizeof sess->token);
  sodium_memzero (sess->csrf, sizeof sess->csrf);
  g_free (sess->user);
  g_free (sess);
}

struct rev_sessions *
rev_sessions_new (gint64 idle_us, gint64 max_age_us)
{
  if (sodium_init () < 0)
    g_error ("libsodium cannot start");
  struct rev_sessions *s = g_new0 (struct rev_sessions, 1);
  s->by_token = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  s->throttle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->idle_us = idle_us;
  s->max_age_us = max_age_us;
  return s;
}

void
rev_sessions_free (struct rev_sessions *s)
{
  if (!s)
    return;
  g_hash_table_unref (s->by_token);
  g_hash_table_unref (s->throttle);
  g_free (s);
}

static void
random_hex (char out[65])
{
  unsigned char raw[32];
  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (out, 65, raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
}

static gboolean
expired (const struct rev_sessions *s, const struct rev_session *sess, gint64 now_us)
{
  return now_us - sess->last_used_us > s->idle_us || now_us - sess->created_us > s->max_age_us;
}

static gboolean
drop_expired (gpointer key, gpointer value, gpointer user_data)
{
  (void) key;
  const struct rev_sessions *s = ((gpointer *) user_data)[0];
  gint64 now = *(gint64 *) ((gpointer *) user_data)[1];
  return expired (s, value, now);
}

const struct rev_session *
rev_sessions_start (struct rev_sessions *s, const char *user, gint64 epoch, gint64 now_us)
{
  /* ended sessions are swept here, so the table cannot grow without bound */
  gpointer ctx[2] = {s, &now_us};
  g_hash_table_foreach_remove (s->by_token, drop_expired, ctx);
  struct rev_session *sess = g_new0 (struct rev_session, 1);
  random_hex (sess->token);
  random_hex (sess->csrf);
  sess->user = g_strdup (user);
  sess->epoch = epoch;
  sess->created_us = sess->last_used_us = now_us;
  g_hash_table_replace (s->by_token, sess->token, sess);
  return sess;
}

const struct rev_session *
rev_sessions_find (struct rev_sessions *s, const char *token, gint64 now_us)
{
  if (!token || strlen (token) != 64)
    return NULL;
  struct rev_session *sess = g_hash_table_lookup (s->by_token, token);
  if (!sess)
    return NULL;
  if (expired (s, sess, now_us)) {
    g_hash_table_remove (s->by_token, token);
    return NULL;
  }
  sess->last_used_us = now_us;
  return sess;
}

void
rev_sessions_end (struct rev_sessions *s, const char *token)
{
  if (token)
    g_hash_table_remove (s->by_token, token);
}

static gboolean
is_user (gpointer key, gpointer value, gpointer user)
{
  (void) key;
  return !g_strcmp0 (((struct rev_session *) value)->user, user);
}

void
rev_sessions_end_user (struct rev_sessions *s, const char *user)
{
  g_hash_table_foreach_remove (s->by_token, is_user, (gpointer) user);
}

bool
rev_session_csrf_ok (const struct rev_session *sess, const char *given)
{
  return sess && given && strlen (given) == 64 && sodium_memcmp (sess->csrf, given, 64) == 0;
}

bool
rev_throttle_blocked (struct rev_sessions *s, const char *address, gint64 now_us)
{
  struct throttle *t = address ? g_hash_table_lookup (s->throttle, address) : NULL;
  if (!t)
    return false;
  if (now_us - t->last_us > REV_THROTTLE_WINDOW_US) {
    g_hash_table_remove (s->throttle, address);
    return false;
  }
  return t->failures >= REV_THROTTLE_FAILURES;
}

void
rev_throttle_failed (struct rev_sessions *s, const char *address, gint64 now_us)
{
  if (!address)
    return;
  /* many addresses: forget the oldest rather than grow without bound */
  if (g_hash_table_size (s->throttle) >= 65536)
    g_hash_table_remove_all (s->throttle);
  struct throttle *t = g_hash_table_lookup (s->throttle, address);
  if (!t || now_us - t->last_us > REV_THROTTLE_WINDOW_US) {
    t = g_new0 (struct throttle, 1);
    g_hash_table_replace (s->throttle, g_strdup (address), t);
  }
  t->failures++;
  t->last_us = now_us;
}
