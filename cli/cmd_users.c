/* crosswatch users — review accounts, managed on the cabinet. Whoever has
 * a shell here acts as admin: the audit log names them "cabinet:LOGIN". */
#include "cli.h"
#include "rev_desk.h"

#include <stdio.h>
#include <string.h>

static int
print_users (struct rev_desk *desk, const struct rev_actor *actor)
{
  g_autoptr (GError) err = NULL;
  JsonArray *users = rev_desk_users (desk, actor, &err);
  if (!users) {
    fprintf (stderr, "crosswatch users: %s\n", err->message);
    return 1;
  }
  printf ("%-24s  %-10s  %-8s  %s\n", "name", "role", "status", "created (UTC)");
  for (guint i = 0; i < json_array_get_length (users); i++) {
    JsonObject *u = json_array_get_object_element (users, i);
    const char *status = !json_object_get_boolean_member (u, "enabled") ? "disabled"
                         : json_object_get_boolean_member (u, "locked") ? "locked"
                                                                       : "enabled";
    printf ("%-24s  %-10s  %-8s  %s\n", json_object_get_string_member (u, "name"),
            json_object_get_string_member (u, "role"), status, json_object_get_string_member (u, "created"));
  }
  json_array_unref (users);
  return 0;
}

int
cmd_users (int argc, char **argv)
{
  char *config = NULL, *role = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"role", 0, 0, G_OPTION_ARG_STRING, &role, "reviewer, supervisor, auditor or admin (add, role)", "ROLE"},
      {NULL}};
  if (!cli_parse ("users", "-c SITE.ini add NAME --role ROLE | passwd NAME | disable NAME | enable NAME | "
                           "role NAME --role ROLE | list  (passwords are read from standard input)",
                  entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = cli_load_config (config);
  struct cli_store store = {0};
  struct rev_desk *desk = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *actor_name = g_strdup_printf ("cabinet:%s", g_get_user_name ());
  const struct rev_actor actor = {actor_name, "admin"};
  const char *verb = argc > 1 ? argv[1] : NULL, *name = argc > 2 ? argv[2] : NULL;
  static const char *const VERBS[] = {"add", "passwd", "disable", "enable", "role", "list", NULL};
  gboolean is_list = verb && !strcmp (verb, "list");
  if (!cfg)
    goto out;
  if (!verb || !g_strv_contains (VERBS, verb) || (is_list ? argc != 2 : argc != 3)) {
    fprintf (stderr, "usage: crosswatch users -c SITE.ini add NAME --role ROLE | passwd NAME | disable NAME | "
                     "enable NAME | role NAME --role ROLE | list\n");
    goto out;
  }
  if ((!strcmp (verb, "add") || !strcmp (verb, "role")) && !role) {
    fprintf (stderr, "crosswatch users: %s needs --role reviewer|supervisor|auditor|admin\n", verb);
    goto out;
  }
  status = 1;
  if (!cli_store_open (cfg, "users", &store))
    goto out;
  desk = rev_desk_new (store.st, cfg);
  gboolean ok;
  if (is_list) {
    status = print_users (desk, &actor);
    goto out;
  } else if (!strcmp (verb, "add") || !strcmp (verb, "passwd")) {
    char *pw = cli_read_password ("password: ");
    if (!pw) {
      fprintf (stderr, "crosswatch users: no password on standard input\n");
      goto out;
    }
    ok = !strcmp (verb, "add") ? rev_desk_user_add (desk, &actor, name, role, pw, &err)
                               : rev_desk_user_passwd (desk, &actor, name, pw, &err);
    memset (pw, 0, strlen (pw));
    g_free (pw);
  } else if (!strcmp (verb, "role"))
    ok = rev_desk_user_role (desk, &actor, name, role, &err);
  else
    ok = rev_desk_user_enable (desk, &actor, name, !strcmp (verb, "enable"), &err);
  if (!ok) {
    fprintf (stderr, "crosswatch users: %s\n", err->message);
    goto out;
  }
  printf ("%s: %s done\n", name, verb);
  status = 0;
out:
  rev_desk_free (desk);
  if (store.st)
    cli_store_close (&store);
  hwcfg_free (cfg);
  g_free (config);
  g_free (role);
  return status;
}
