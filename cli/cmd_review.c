/* crosswatch review — the police reviewer's command line. Every action,
 * viewing included, is written to the append-only audit log. */
#include "cli.h"
#include "evid_publication.h"
#include "evid_store.h"
#include "hwcfg.h"

#include <stdio.h>
#include <string.h>

static const char *
actor_name (const char *given)
{
  return given ? given : g_get_user_name ();
}

static int
review_list (struct evid_store *st, const char *state)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) rows = evid_store_list (st, state, &err);
  if (!rows) {
    fprintf (stderr, "crosswatch review: %s\n", err->message);
    return 1;
  }
  printf ("%-36s  %-8s  %-18s  %-13s  %s\n", "packet", "track", "type", "state", "created (UTC)");
  for (guint i = 0; i < rows->len; i++) {
    struct evid_packet_row *r = g_ptr_array_index (rows, i);
    printf ("%-36s  %-8d  %-18s  %-13s  %s\n", r->id, r->track_id, r->type, r->review_state, r->created_utc);
  }
  return 0;
}

static int
review_show (struct evid_store *st, const char *id, const char *actor)
{
  g_autoptr (GError) err = NULL;
  struct evid_packet_row *r = evid_store_get (st, id, &err);
  if (!r || !evid_store_audit (st, actor, "view", id, NULL, &err)) {
    fprintf (stderr, "crosswatch review: %s\n", err->message);
    evid_packet_row_free (r);
    return 1;
  }
  printf ("packet %s\nstate %s\nsha256 %s\n%s\n", r->id, r->review_state, r->json_sha256, r->json);
  evid_packet_row_free (r);
  return 0;
}

static int
review_decide (struct evid_store *st, const struct hwcfg *cfg, const char *id, gboolean confirm, const char *reason,
               const char *actor)
{
  g_autoptr (GError) err = NULL;
  struct evid_packet_row *r = evid_store_get (st, id, &err);
  GArray *msgs = NULL;
  int status = 1;
  if (!r)
    goto out;
  if (confirm) {
    /* the publication is built now, so what goes out is what was confirmed */
    msgs = evid_publication_build (st, r, cfg, &err);
    if (!msgs)
      goto out;
  }
  if (!evid_store_review (st, id, "pending", confirm ? "confirmed" : "rejected", actor, reason,
                          msgs ? (struct evid_outbox_msg *) msgs->data : NULL, msgs ? (int) msgs->len : 0, &err))
    goto out;
  printf ("%s %s%s\n", id, confirm ? "confirmed" : "rejected",
          confirm ? " (queued for publishing)" : "");
  status = 0;
out:
  if (err)
    fprintf (stderr, "crosswatch review: %s\n", err->message);
  evid_publication_free (msgs);
  evid_packet_row_free (r);
  return status;
}

int
cmd_review (int argc, char **argv)
{
  char *config = NULL, *reason = NULL, *actor = NULL, *state = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "why a packet is rejected (required for reject)", "TEXT"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &actor, "reviewer name for the audit log (default: login name)", "NAME"},
      {"state", 0, 0, G_OPTION_ARG_STRING, &state, "list only packets in this state", "STATE"},
      {NULL}};
  if (!cli_parse ("review", "-c SITE.ini list|show ID|confirm ID|reject ID --reason TEXT|reverse ID --reason TEXT",
                  entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = cli_load_config (config);
  struct evid_store *st = NULL;
  struct cli_store store = {0};
  g_autoptr (GError) err = NULL;
  if (!cfg)
    goto out;
  const char *verb = argc > 1 ? argv[1] : NULL;
  const char *id = argc > 2 ? argv[2] : NULL;
  static const char *const VERBS[] = {"list", "show", "confirm", "reject", "hold", "release", "reverse", NULL};
  gboolean needs_id = verb && strcmp (verb, "list") != 0;
  if (!verb || (needs_id && !id) || (!needs_id && argc > 2) || !g_strv_contains (VERBS, verb)) {
    fprintf (stderr, "usage: crosswatch review -c SITE.ini list|show ID|confirm ID|reject ID --reason TEXT|"
                     "hold ID --reason TEXT|release ID|reverse ID --reason TEXT\n");
    goto out;
  }
  if ((!strcmp (verb, "reject") || !strcmp (verb, "hold") || !strcmp (verb, "reverse")) && (!reason || !*reason)) {
    fprintf (stderr, "crosswatch review: %s needs --reason TEXT (it goes into the audit log)\n", verb);
    goto out;
  }
  if (!strcmp (verb, "list")) {
    /* reading needs neither the key nor a writable store */
    st = evid_store_open_readonly (cfg->evidence.db, &err);
    if (!st)
      fprintf (stderr, "crosswatch review: %s\n", err->message);
    status = st ? review_list (st, state) : 1;
    goto out;
  }
  status = 1;
  if (!cli_store_open (cfg, "review", &store))
    goto out;
  st = store.st;
  if (!strcmp (verb, "reverse")) {
    status = evid_store_reverse (st, id, actor_name (actor), reason, &err) ? 0 : 1;
    if (status)
      fprintf (stderr, "crosswatch review: %s\n", err->message);
    else
      printf ("%s reversed; a signed retract is queued for every display (it goes out with the next publish)\n", id);
  } else if (!strcmp (verb, "show"))
    status = review_show (st, id, actor_name (actor));
  else if (!strcmp (verb, "hold") || !strcmp (verb, "release")) {
    status = evid_store_set_hold (st, id, !strcmp (verb, "hold"), actor_name (actor), reason, &err) ? 0 : 1;
    if (status)
      fprintf (stderr, "crosswatch review: %s\n", err->message);
    else
      printf ("%s %s\n", id, !strcmp (verb, "hold") ? "under legal hold" : "released from legal hold");
  }
  else
    status = review_decide (st, cfg, id, !strcmp (verb, "confirm"), reason, actor_name (actor));
out:
  if (store.st)
    cli_store_close (&store);
  else
    evid_store_close (st);
  hwcfg_free (cfg);
  g_free (config);
  g_free (reason);
  g_free (actor);
  g_free (state);
  return status;
}
