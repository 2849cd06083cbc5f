/* crosswatch watchlist — the watchlist of [recognition] at the cabinet,
 * through the review desk as `review` is: --user names an enabled account
 * (password on standard input), whose role decides what it may do:
 *
 *   enrol --image FACE.jpg --label L --reason R --legal-basis B --days N  (admin)
 *   remove ENTRY                                                          (admin)
 *   list                                                          (admin, supervisor)
 *   decide CASE ENTRY confirm|dismiss --reason R                          (supervisor)
 *
 * Every one is an audit row; a match is only ever a suggestion until a
 * supervisor confirms it. */
#include "cli.h"
#include "hwcfg.h"
#include "rev_desk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define USAGE                                                                                                          \
  "-c SITE.ini --user NAME enrol --image FACE.jpg --label L --reason R --legal-basis B --days N | list | "          \
  "remove ENTRY | decide CASE ENTRY confirm|dismiss --reason R"

/* An enrolment photo: a regular file of at most MAX_IMAGE_BYTES (never a
 * FIFO or a device, which would block or never end). */
#define MAX_IMAGE_BYTES (20 * 1024 * 1024)

static GBytes *
read_photo (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s", g_strerror (errno));
    return NULL;
  }
  struct stat sb;
  if (fstat (fd, &sb) != 0 || !S_ISREG (sb.st_mode) || sb.st_size > MAX_IMAGE_BYTES || sb.st_size == 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a regular image file of 1 byte to %d MiB",
                 MAX_IMAGE_BYTES >> 20);
    close (fd);
    return NULL;
  }
  guint8 *data = g_malloc ((gsize) sb.st_size);
  gsize got = 0;
  while (got < (gsize) sb.st_size) {
    ssize_t n = read (fd, data + got, (gsize) sb.st_size - got);
    if (n <= 0) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read it: %s", n < 0 ? g_strerror (errno) : "cut short");
      g_free (data);
      close (fd);
      return NULL;
    }
    got += (gsize) n;
  }
  close (fd);
  return g_bytes_new_take (data, got);
}

/* TEXT on one line of a table: line breaks and control characters escaped */
static char *
cell (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *c = text ? text : ""; *c; c++) {
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      g_string_append_printf (s, "\\x%02x", (unsigned char) *c);
    else
      g_string_append_c (s, *c);
  }
  return g_string_free (s, FALSE);
}

static void
print_entries (JsonArray *entries)
{
  printf ("%-6s  %-10s  %-24s  %-24s  %-12s  %s\n", "entry", "state", "expires (UTC)", "label", "enrolled by",
          "legal basis");
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);
    g_autofree char *label = cell (json_object_get_string_member (e, "label"));
    g_autofree char *basis = cell (json_object_get_string_member (e, "legal_basis"));
    printf ("%-6" G_GINT64_FORMAT "  %-10s  %-24s  %-24s  %-12s  %s\n", json_object_get_int_member (e, "id"),
            json_object_get_string_member (e, "state"), json_object_get_string_member (e, "expires_utc"), label,
            json_object_get_string_member (e, "enrolled_by"), basis);
  }
}

int
cmd_watchlist (int argc, char **argv)
{
  char *config = NULL, *actor_name = NULL, *image = NULL, *label = NULL, *reason = NULL, *basis = NULL;
  int days = 0;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &actor_name, "your review account (password on standard input)", "NAME"},
      {"image", 0, 0, G_OPTION_ARG_FILENAME, &image, "enrol: the face (JPEG or PNG)", "FACE.jpg"},
      {"label", 0, 0, G_OPTION_ARG_STRING, &label, "enrol: who or what the entry is, one line", "L"},
      {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, "enrol, decide: why, in words", "R"},
      {"legal-basis", 0, 0, G_OPTION_ARG_STRING, &basis, "enrol: the law or authority relied on", "B"},
      {"days", 0, 0, G_OPTION_ARG_INT, &days, "enrol: how long the entry is in force (1-365)", "N"},
      {NULL}};
  if (!cli_parse ("watchlist", USAGE, entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = NULL;
  struct cli_store store = {0};
  struct rev_desk *desk = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *role = NULL;
  const char *verb = argc > 1 ? argv[1] : "";
  gint64 entry = 0;
  gboolean ok_args = (!strcmp (verb, "enrol") && argc == 2 && image) || (!strcmp (verb, "list") && argc == 2) ||
                     (!strcmp (verb, "remove") && argc == 3 && rev_watch_entry_id_parse (argv[2], &entry)) ||
                     (!strcmp (verb, "decide") && argc == 5 && rev_watch_entry_id_parse (argv[3], &entry));
  if (!ok_args || !actor_name) {
    if (ok_args)
      fprintf (stderr, "crosswatch watchlist: --user NAME is needed (your review account; its password on "
                       "standard input)\n");
    else if ((!strcmp (verb, "remove") && argc == 3) || (!strcmp (verb, "decide") && argc == 5))
      fprintf (stderr, "crosswatch watchlist: '%s' is not an entry number\n", argv[argc == 3 ? 2 : 3]);
    else
      fprintf (stderr, "usage: crosswatch watchlist %s (NAME's password on standard input)\n", USAGE);
    goto out;
  }
  if (!strcmp (verb, "enrol") && days == 0) {
    fprintf (stderr, "crosswatch watchlist: enrol needs --days N (1-365): how long the entry is in force\n");
    goto out;
  }
  if (!(cfg = cli_load_config (config)))
    goto out;
  if ((status = cli_desk_session (cfg, "watchlist", actor_name, &store, &desk, &role)) != 0)
    goto out;
  status = 1;
  const struct rev_actor actor = {actor_name, role};
  if (!strcmp (verb, "enrol")) {
    g_autoptr (GBytes) bytes = read_photo (image, &err);
    if (!bytes) {
      fprintf (stderr, "crosswatch watchlist: --image %s: %s\n", image, err->message);
      goto out;
    }
    if (!rev_desk_watchlist_enrol (desk, &actor, label, reason, basis, days, bytes, &entry, &err)) {
      fprintf (stderr, "crosswatch watchlist: enrol: %s\n", err->message);
      goto out;
    }
    printf ("watchlist entry %" G_GINT64_FORMAT " enrolled for %d days\n", entry, days);
  } else if (!strcmp (verb, "list")) {
    JsonArray *list = rev_desk_watchlist (desk, &actor, &err);
    if (!list) {
      fprintf (stderr, "crosswatch watchlist: %s\n", err->message);
      goto out;
    }
    print_entries (list);
    json_array_unref (list);
  } else if (!strcmp (verb, "remove")) {
    if (!rev_desk_watchlist_remove (desk, &actor, entry, &err)) {
      fprintf (stderr, "crosswatch watchlist: %s\n", err->message);
      goto out;
    }
    printf ("watchlist entry %" G_GINT64_FORMAT " removed: its face is deleted\n", entry);
  } else {
    if (!rev_desk_watch_decide (desk, &actor, argv[2], entry, argv[4], reason, &err)) {
      fprintf (stderr, "crosswatch watchlist: %s\n", err->message);
      goto out;
    }
    printf ("case %s, watchlist entry %" G_GINT64_FORMAT ": %s\n", argv[2], entry,
            !strcmp (argv[4], "confirm") ? "match confirmed" : "match dismissed");
  }
  status = 0;
out:
  rev_desk_free (desk);
  cli_store_close (&store);
  hwcfg_free (cfg);
  g_free (config);
  g_free (actor_name);
  g_free (image);
  g_free (label);
  g_free (reason);
  g_free (basis);
  return status;
}
