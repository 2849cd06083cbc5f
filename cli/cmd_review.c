/* crosswatch review — the police reviewer's command line, for scripted use
 * on the cabinet. It goes through the same desk (review/rev_desk.h) as the
 * web service, under the same rules: --user names an enabled account whose
 * password is read from standard input, roles and the two-person rule
 * apply, a case is confirmed only by someone who opened its every still
 * and its clip (`show ID --media-out DIR`), and every view and action is
 * an audit row. `list` shows ids and states only and needs no account. */
#include "cli.h"
#include "evid_store.h"
#include "hwcfg.h"
#include "rev_desk.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static int
review_list (struct evid_store *st, const char *state)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) rows = evid_store_list (st, state, &err);
  if (!rows) {
    fprintf (stderr, "crosswatch review: %s\n", err->message);
    return 1;
  }
  printf ("%-36s  %-8s  %-18s  %-14s  %-24s  %s\n", "packet", "track", "type", "state", "created (UTC)", "camera");
  for (guint i = 0; i < rows->len; i++) {
    struct evid_packet_row *r = g_ptr_array_index (rows, i);
    /* track ids are a camera's own: the camera tells two cases apart */
    g_autoptr (JsonNode) rec = json_from_string (r->json, NULL);
    const char *camera = rec && JSON_NODE_HOLDS_OBJECT (rec)
                             ? json_object_get_string_member_with_default (json_node_get_object (rec), "camera", "?")
                             : "?";
    printf ("%-36s  %-8d  %-18s  %-14s  %-24s  %s\n", r->id, r->track_id, r->type, r->review_state, r->created_utc,
            camera);
  }
  return 0;
}

/* A file name for media item NAME of MIME. */
static char *
media_file (const char *dir, const char *name, const char *mime)
{
  const char *ext = !g_strcmp0 (mime, "video/x-matroska") ? ".mkv" : !g_strcmp0 (mime, "image/jpeg") ? ".jpg" : "";
  g_autofree char *base = g_strconcat (name, ext, NULL);
  return g_build_filename (dir, base, NULL);
}

static int
review_show (struct rev_desk *desk, const struct rev_actor *actor, const char *id, const char *media_out)
{
  g_autoptr (GError) err = NULL;
  JsonObject *c = rev_desk_case (desk, actor, id, &err);
  if (!c) {
    fprintf (stderr, "crosswatch review: %s\n", err->message);
    return 1;
  }
  int status = 0;
  JsonObject *rec = json_object_get_object_member (c, "record");
  printf ("case %s\nstate %s%s\ntype %s\nrecord sha256 %s\n", json_object_get_string_member (c, "id"),
          json_object_get_string_member (c, "state"),
          json_object_get_boolean_member (c, "legal_hold") ? " (legal hold)" : "",
          json_object_get_string_member (c, "type"), json_object_get_string_member (c, "record_sha256"));
  /* the facts a reviewer decides on, in words */
  static const char *const FACTS[] = {"utc", "site_name", "camera", "frame", "entry_frame", "zone", "elapsed_red_s",
                                      "ground_sigma_m", "review_flag", "review_reason"};
  for (size_t i = 0; rec && i < G_N_ELEMENTS (FACTS); i++) {
    JsonNode *n = json_object_get_member (rec, FACTS[i]);
    if (!n || !JSON_NODE_HOLDS_VALUE (n))
      continue;
    g_autofree char *v = json_node_get_value_type (n) == G_TYPE_STRING ? g_strdup (json_node_get_string (n))
                                                                        : json_to_string (n, FALSE);
    printf ("%s %s\n", FACTS[i], v);
  }
  JsonObject *sig = rec && json_object_has_member (rec, "signal") ? json_object_get_object_member (rec, "signal") : NULL;
  if (sig)
    printf ("signal at entry %s, %.1f s into it (%s)\n", json_object_get_string_member_with_default (sig, "phase", "?"),
            json_object_get_double_member_with_default (sig, "elapsed_s", 0),
            json_object_get_string_member_with_default (sig, "source", "?"));
  JsonObject *live =
      rec && json_object_has_member (rec, "liveness") ? json_object_get_object_member (rec, "liveness") : NULL;
  if (live)
    printf ("liveness %s%s%s\n", json_object_get_string_member_with_default (live, "verdict", "?"),
            json_object_has_member (live, "reason") ? ": " : "",
            json_object_get_string_member_with_default (live, "reason", ""));
  JsonObject *clock = rec && json_object_has_member (rec, "clock") ? json_object_get_object_member (rec, "clock") : NULL;
  if (clock && !json_object_get_boolean_member_with_default (clock, "synced", FALSE))
    printf ("clock NOT synchronised when recorded (error up to %.1f s): times are approximate\n",
            (double) json_object_get_int_member_with_default (clock, "est_error_us", 0) / 1e6);
  JsonObject *boxes =
      rec && json_object_has_member (rec, "still_bboxes") ? json_object_get_object_member (rec, "still_bboxes") : NULL;
  if (media_out && g_mkdir_with_parents (media_out, 0700) != 0) {
    fprintf (stderr, "crosswatch review: %s: %s\n", media_out, g_strerror (errno));
    media_out = NULL;
    status = 1;
  }
  JsonArray *media = json_object_get_array_member (c, "media");
  printf ("media:\n");
  for (guint i = 0; i < json_array_get_length (media); i++) {
    JsonObject *m = json_array_get_object_element (media, i);
    const char *name = json_object_get_string_member (m, "name");
    const char *mime = json_object_get_string_member (m, "stored_mime");
    if (!media_out) {
      printf ("  %-20s %s%s\n", name, mime, json_object_get_boolean_member (m, "opened") ? "  (opened)" : "");
      continue;
    }
    g_autofree char *got_mime = NULL;
    g_autoptr (GBytes) data = rev_desk_media (desk, actor, id, name, TRUE, TRUE, &got_mime, &err);
    g_autofree char *path = media_file (media_out, name, got_mime);
    if (!data || !g_file_set_contents (path, g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data), &err)) {
      fprintf (stderr, "crosswatch review: %s: %s\n", name, err->message);
      g_clear_error (&err);
      status = 1;
      continue;
    }
    g_chmod (path, 0600);
    JsonNode *box = boxes ? json_object_get_member (boxes, name) : NULL;
    g_autofree char *where = box ? json_to_string (box, FALSE) : NULL;
    printf ("  %-20s %s  -> %s%s%s\n", name, got_mime, path, where ? "  accused at x,y,w,h " : "", where ? where : "");
  }
  /* recognition's suggestions: a reviewer checks them with their own eyes */
  JsonArray *earlier = json_object_get_array_member (c, "possible_earlier");
  for (guint i = 0; earlier && i < json_array_get_length (earlier); i++) {
    JsonObject *p = json_array_get_object_element (earlier, i);
    printf ("suggestion: %s, %s (face recognition, %s: compare the faces yourself; it decides nothing)\n",
            json_object_get_string_member (p, "text"), json_object_get_string_member (p, "state"),
            json_object_get_string_member (p, "backend"));
  }
  JsonArray *watch = json_object_get_array_member (c, "watchlist_matches");
  for (guint i = 0; watch && i < json_array_get_length (watch); i++) {
    JsonObject *m = json_array_get_object_element (watch, i);
    g_autofree char *label = g_strescape (json_object_get_string_member (m, "label"), NULL);
    printf ("watchlist match: entry %" G_GINT64_FORMAT " \"%s\" (%.3f), %s%s%s  (crosswatch watchlist decide %s %" G_GINT64_FORMAT
            " confirm|dismiss --reason ...)\n",
            json_object_get_int_member (m, "entry"), label, json_object_get_double_member (m, "score"),
            json_object_get_string_member (m, "state"), json_object_has_member (m, "decided_by") ? " by " : "",
            json_object_get_string_member_with_default (m, "decided_by", ""), id, json_object_get_int_member (m, "entry"));
  }
  JsonArray *history = json_object_get_array_member (c, "history");
  printf ("history:\n");
  for (guint i = 0; i < json_array_get_length (history); i++) {
    JsonObject *h = json_array_get_object_element (history, i);
    JsonNode *d = json_object_get_member (h, "detail");
    printf ("  %s  %-12s %s%s%s\n", json_object_get_string_member (h, "utc"), json_object_get_string_member (h, "actor"),
            json_object_get_string_member (h, "action"), d && json_node_get_string (d) ? "  " : "",
            d && json_node_get_string (d) ? json_node_get_string (d) : "");
  }
  json_object_unref (c);
  return status;
}

static const char USAGE[] =
    "usage: crosswatch review -c SITE.ini list [--state STATE]\n"
    "       crosswatch review -c SITE.ini --user NAME show ID [--media-out DIR]\n"
    "       crosswatch review -c SITE.ini --user NAME confirm ID [--reason TEXT]\n"
    "       crosswatch review -c SITE.ini --user NAME reject ID --code CODE [--reason TEXT]\n"
    "       crosswatch review -c SITE.ini --user NAME hold|reverse ID --reason TEXT | release ID\n"
    "       crosswatch review -c SITE.ini --user NAME clear_clock ID --reason 'HOW THE TIME WAS CHECKED'\n"
    "  NAME's password is read from standard input. Reject codes:";

int
cmd_review (int argc, char **argv)
{
  char *config = NULL, *reason = NULL, *actor_name = NULL, *state = NULL, *code = NULL, *media_out = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &actor_name, "your review account (password on standard input)", "NAME"},
      /* FILENAME: the bytes as given, whatever the locale (the desk refuses
       * what is not UTF-8 text) */
      {"reason", 0, 0, G_OPTION_ARG_FILENAME, &reason, "why (reject with code other, hold, reverse; clear_clock: how the time was checked)",
       "TEXT"},
      {"code", 0, 0, G_OPTION_ARG_STRING, &code, "reject reason code (see usage)", "CODE"},
      {"state", 0, 0, G_OPTION_ARG_STRING, &state, "list only packets in this state", "STATE"},
      {"media-out", 0, 0, G_OPTION_ARG_FILENAME, &media_out, "show: write every still and the clip here", "DIR"},
      {NULL}};
  if (!cli_parse ("review", "-c SITE.ini list | --user NAME show|confirm|reject|hold|release|reverse|clear_clock ID", entries,
                  &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = cli_load_config (config);
  struct evid_store *st = NULL;
  struct cli_store store = {0};
  struct rev_desk *desk = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *role = NULL, *new_state = NULL;
  if (!cfg)
    goto out;
  const char *verb = argc > 1 ? argv[1] : NULL;
  const char *id = argc > 2 ? argv[2] : NULL;
  gboolean is_list = verb && !strcmp (verb, "list");
  if (!verb || (is_list ? argc != 2 : argc != 3) || (!is_list && strcmp (verb, "show") && rev_action_from_verb (verb) < 0)) {
    fprintf (stderr, "%s", USAGE);
    for (const struct rev_reason_code *r = REV_REJECT_CODES; r->code; r++)
      fprintf (stderr, "\n    %-15s %s", r->code, r->meaning);
    fprintf (stderr, "\n");
    goto out;
  }
  if (state && !g_strv_contains (REV_STATES, state)) {
    g_autofree char *states = g_strjoinv (", ", (char **) REV_STATES);
    fprintf (stderr, "crosswatch review: --state is one of %s\n", states);
    goto out;
  }
  if (is_list) {
    /* ids and states only: no account, no key, a read-only store */
    st = evid_store_open_readonly (cfg->evidence.db, &err);
    if (!st)
      fprintf (stderr, "crosswatch review: %s\n", err->message);
    status = st ? review_list (st, state) : 1;
    goto out;
  }
  if (!actor_name) {
    fprintf (stderr, "crosswatch review: %s needs --user NAME (your review account; `crosswatch users` makes one)\n",
             verb);
    goto out;
  }
  if ((status = cli_desk_session (cfg, "review", actor_name, &store, &desk, &role)) != 0)
    goto out;
  status = 1;
  const struct rev_actor actor = {actor_name, role};
  if (!strcmp (verb, "show")) {
    status = review_show (desk, &actor, id, media_out);
    goto out;
  }
  if (!rev_desk_act (desk, &actor, id, verb, reason, code, &new_state, &err)) {
    fprintf (stderr, "crosswatch review: %s\n", err->message);
    goto out;
  }
  if (!strcmp (verb, "confirm") && !strcmp (new_state, "confirmed_once"))
    printf ("%s confirmed once: a second person (one of the two a supervisor) must confirm it\n", id);
  else if (!strcmp (verb, "confirm"))
    printf ("%s confirmed (queued for publishing)\n", id);
  else if (!strcmp (verb, "reverse"))
    printf ("%s reversed; a signed retract is queued for every display (it goes out with the next publish)\n", id);
  else if (!strcmp (verb, "clear_clock"))
    printf ("%s time checked: pending review\n", id);
  else if (!strcmp (verb, "hold") || !strcmp (verb, "release"))
    printf ("%s %s\n", id, !strcmp (verb, "hold") ? "under legal hold" : "released from legal hold");
  else
    printf ("%s %s\n", id, new_state);
  status = 0;
out:
  rev_desk_free (desk);
  if (store.st)
    cli_store_close (&store);
  else
    evid_store_close (st);
  hwcfg_free (cfg);
  g_free (config);
  g_free (reason);
  g_free (actor_name);
  g_free (state);
  g_free (code);
  g_free (media_out);
  return status;
}
