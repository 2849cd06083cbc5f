/* Accounts and logins for review (rev_desk.h): argon2id password hashes
 * (libsodium crypto_pwhash_str), the lockout, and the account changes an
 * admin makes, each an audit row. */
#include "rev_desk_private.h"

#include "evid_store_users.h"

#include <sodium.h>
#include <string.h>

static char *
password_hash (const char *password, GError **error)
{
  size_t n = password ? strlen (password) : 0;
  if (n < REV_PASSWORD_MIN || n > REV_PASSWORD_MAX) {
    rev_desk__refuse (error, REV_ERROR_INVALID, "a password has %d to %d characters", REV_PASSWORD_MIN,
                      REV_PASSWORD_MAX);
    return NULL;
  }
  char *out = g_malloc (crypto_pwhash_STRBYTES);
  if (crypto_pwhash_str (out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    g_free (out);
    rev_desk__refuse (error, REV_ERROR_INTERNAL, "cannot hash the password (out of memory)");
    return NULL;
  }
  return out;
}

static gboolean
check_name_role (const char *name, const char *role, GError **error)
{
  if (!rev_account_name_valid (name))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "an account name is 1-64 of A-Z a-z 0-9 . _ -");
  if (!g_ascii_strcasecmp (name, "anonymous"))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "'anonymous' names failed logins in the audit log");
  if (role && !rev_role_valid (role))
    return rev_desk__refuse (error, REV_ERROR_INVALID, "role '%s' is none of reviewer, supervisor, auditor, admin",
                             role);
  return TRUE;
}

bool
rev_desk_user_add (struct rev_desk *desk, const struct rev_actor *actor, const char *name, const char *role,
                   const char *password, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_ADMIN, error) || !check_name_role (name, role, error))
    return false;
  g_autofree char *hash = password_hash (password, error);
  if (!hash)
    return false;
  if (!evid_store_user_add (desk->st, name, role, hash, actor->name, &st_err))
    return rev_desk__fail_from_store (error, st_err);
  return true;
}

bool
rev_desk_user_passwd (struct rev_desk *desk, const struct rev_actor *actor, const char *name, const char *password,
                      GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_ADMIN, error) || !check_name_role (name, NULL, error))
    return false;
  g_autofree char *hash = password_hash (password, error);
  if (!hash)
    return false;
  if (!evid_store_user_set_password (desk->st, name, hash, actor->name, &st_err))
    return rev_desk__fail_from_store (error, st_err);
  return true;
}

bool
rev_desk_user_enable (struct rev_desk *desk, const struct rev_actor *actor, const char *name, bool enabled,
                      GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_ADMIN, error) || !check_name_role (name, NULL, error))
    return false;
  if (!enabled && !g_strcmp0 (name, actor->name))
    return rev_desk__refuse (error, REV_ERROR_CONFLICT, "an admin cannot disable their own account");
  if (!evid_store_user_set_enabled (desk->st, name, enabled, actor->name, &st_err))
    return rev_desk__fail_from_store (error, st_err);
  return true;
}

bool
rev_desk_user_role (struct rev_desk *desk, const struct rev_actor *actor, const char *name, const char *role,
                    GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_ADMIN, error) || !check_name_role (name, role, error))
    return false;
  /* separation of duties: an admin does not give themselves a role that
   * sees or decides cases */
  if (!g_strcmp0 (name, actor->name))
    return rev_desk__refuse (error, REV_ERROR_FORBIDDEN, "an admin cannot change their own role");
  if (!evid_store_user_set_role (desk->st, name, role, actor->name, &st_err))
    return rev_desk__fail_from_store (error, st_err);
  return true;
}

JsonArray *
rev_desk_users (struct rev_desk *desk, const struct rev_actor *actor, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!rev_desk__allowed (actor, REV_ADMIN, error))
    return NULL;
  g_autoptr (GPtrArray) users = evid_store_users (desk->st, &st_err);
  if (!users) {
    rev_desk__fail_from_store (error, st_err);
    return NULL;
  }
  gint64 now = g_get_real_time ();
  JsonArray *out = json_array_new ();
  for (guint i = 0; i < users->len; i++) {
    struct evid_user *u = g_ptr_array_index (users, i);
    JsonObject *o = json_object_new ();
    json_object_set_string_member (o, "name", u->name);
    json_object_set_string_member (o, "role", u->role);
    json_object_set_boolean_member (o, "enabled", u->enabled);
    json_object_set_boolean_member (o, "locked", u->locked_until_us > now);
    json_object_set_string_member (o, "created", u->created_utc);
    json_array_add_object_element (out, o);
  }
  return out;
}

char *
rev_desk_account_role (struct rev_desk *desk, const char *name, gint64 epoch)
{
  g_autoptr (evid_user) u = evid_store_user_get (desk->st, name, NULL);
  return u && u->enabled && u->epoch == epoch ? g_strdup (u->role) : NULL;
}

/* The failure count of a name that is no account, kept like an account's
 * so that a lockout does not tell which names exist. */
static struct rev_ghost *
ghost (struct rev_desk *desk, const char *name)
{
  struct rev_ghost *g = g_hash_table_lookup (desk->ghosts, name);
  if (!g) {
    if (g_hash_table_size (desk->ghosts) >= REV_GHOSTS_MAX)
      g_hash_table_remove_all (desk->ghosts);
    g = g_new0 (struct rev_ghost, 1);
    g_hash_table_insert (desk->ghosts, g_strdup (name), g);
  }
  return g;
}

static gboolean
locked_error (GError **error, gint64 until_us, gint64 now_us)
{
  return rev_desk__refuse (error, REV_ERROR_LOCKED, "too many failed logins: the account is locked for %d minutes",
                           (int) ((until_us - now_us) / (60 * G_USEC_PER_SEC) + 1));
}

bool
rev_desk_login (struct rev_desk *desk, const char *name, const char *password, const char *address, gint64 now_us,
                char **out_role, gint64 *out_epoch, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  *out_role = NULL;
  size_t n = password ? strlen (password) : 0;
  if (!name || !*name || !password || n > REV_PASSWORD_MAX || strlen (name) > 256)
    return rev_desk__refuse (error, REV_ERROR_INVALID, "a login needs \"user\" and \"password\"");
  /* a name no account can have is never looked up: it is an unknown name */
  gboolean valid = rev_account_name_valid (name);
  g_autoptr (evid_user) u = valid ? evid_store_user_get (desk->st, name, &st_err) : NULL;
  if (!u && st_err && !g_error_matches (st_err, EVID_ERROR, EVID_ERROR_NOT_FOUND))
    return rev_desk__fail_from_store (error, st_err);
  if (!u && !desk->dummy_hash) {
    unsigned char random[16];
    randombytes_buf (random, sizeof random);
    desk->dummy_hash = g_malloc (crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str (desk->dummy_hash, (const char *) random, sizeof random, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
      return rev_desk__refuse (error, REV_ERROR_INTERNAL, "cannot hash (out of memory)");
  }
  /* the hash work is done on every path (unknown, disabled, locked), so
   * the time taken tells nothing either */
  gboolean ok = crypto_pwhash_str_verify (u ? u->pwhash : desk->dummy_hash, password, n) == 0 && u && u->enabled;
  struct rev_ghost *g = u ? NULL : ghost (desk, name);
  gint64 locked_until = u ? u->locked_until_us : g->locked_until_us;
  g_autofree char *typed = rev_desk__printable (name, 64);
  g_autofree char *from = rev_desk__printable (address ? address : "?", 64);
  if (locked_until > now_us) {
    g_autofree char *detail = g_strdup_printf ("from %s; name typed: %s; account locked", from, typed);
    if (!evid_store_audit (desk->st, "anonymous", "login_failed", NULL, detail, &st_err))
      return rev_desk__fail_from_store (error, st_err);
    return locked_error (error, locked_until, now_us);
  }
  bool locked = false;
  if (valid) { /* an account, or a name one could have: the store counts and audits */
    if (!evid_store_user_login_result (desk->st, valid ? name : typed, ok, from, REV_MAX_FAILURES, now_us,
                                       REV_LOCK_US, &locked, &st_err))
      return rev_desk__fail_from_store (error, st_err);
  } else {
    g_autofree char *detail = g_strdup_printf ("from %s; name typed: %s", from, typed);
    if (!evid_store_audit (desk->st, "anonymous", "login_failed", NULL, detail, &st_err))
      return rev_desk__fail_from_store (error, st_err);
  }
  if (g && ++g->failures >= REV_MAX_FAILURES) {
    g->failures = 0;
    g->locked_until_us = now_us + REV_LOCK_US;
    locked = true;
  }
  if (locked)
    return locked_error (error, now_us + REV_LOCK_US, now_us);
  if (!ok)
    return rev_desk__refuse (error, REV_ERROR_UNAUTHORIZED, "wrong user name or password");
  *out_role = g_strdup (u->role);
  if (out_epoch)
    *out_epoch = u->epoch;
  return true;
}

bool
rev_desk_logout (struct rev_desk *desk, const struct rev_actor *actor, GError **error)
{
  g_autoptr (GError) st_err = NULL;
  if (!evid_store_audit (desk->st, actor->name, "logout", NULL, NULL, &st_err))
    return rev_desk__fail_from_store (error, st_err);
  return true;
}
