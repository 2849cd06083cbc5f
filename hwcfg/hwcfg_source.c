#include "hwcfg_source.h"

#include <string.h>
#include <sys/stat.h>

/* A site or display file is a few kilobytes; anything near this is not one
 * (and /dev/zero would be read until memory runs out). */
#define MAX_FILE_BYTES (16 * 1024 * 1024)

struct hwcfg_source {
  char **lines;  /* comment-stripped, one per file line */
  char *text;    /* the lines joined again */
};

static void
strip_inline_comment (char *line)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '#' || *p == ';' || *p == '[')
    return; /* whole-line comment or group header: GLib handles those */
  for (char *c = line; *c; c++) {
    if ((*c == ';' || *c == '#') && c > line && (c[-1] == ' ' || c[-1] == '\t')) {
      *c = '\0';
      break;
    }
  }
  g_strchomp (line);
}

struct hwcfg_source *
hwcfg_source_read (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_return_val_if_fail (path != NULL, NULL);

  struct stat st;
  gboolean known = stat (path, &st) == 0; /* else g_file_get_contents says why */
  if (known && !S_ISREG (st.st_mode)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a regular file");
    return NULL;
  }
  if (known && st.st_size > MAX_FILE_BYTES) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%lld bytes: more than a configuration file holds (%d)",
                 (long long) st.st_size, MAX_FILE_BYTES);
    return NULL;
  }
  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return hwcfg_source_new (contents);
}

struct hwcfg_source *
hwcfg_source_new (const char *contents)
{
  struct hwcfg_source *src = g_new0 (struct hwcfg_source, 1);
  src->lines = g_strsplit (contents, "\n", -1);
  for (char **l = src->lines; *l; l++) {
    size_t n = strlen (*l);
    if (n && (*l)[n - 1] == '\r')
      (*l)[n - 1] = '\0';
    strip_inline_comment (*l);
  }
  src->text = g_strjoinv ("\n", src->lines);
  return src;
}

void
hwcfg_source_free (struct hwcfg_source *src)
{
  if (!src)
    return;
  g_strfreev (src->lines);
  g_free (src->text);
  g_free (src);
}

const char *
hwcfg_source_text (const struct hwcfg_source *src)
{
  return src->text;
}

/* "[name]" -> "name" (g_free), NULL when LINE is no group header. */
static char *
group_name (const char *line)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '[')
    return NULL;
  const char *end = strchr (p, ']');
  return end ? g_strndup (p + 1, end - p - 1) : NULL;
}

/* "[ name ]" -> TRUE when it names GROUP */
static gboolean
line_is_group (const char *line, const char *group)
{
  g_autofree char *name = group_name (line);
  return name && strcmp (name, group) == 0;
}

static gboolean
line_is_key (const char *line, const char *key)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  size_t n = strlen (key);
  if (strncmp (p, key, n) != 0)
    return FALSE;
  p += n;
  while (*p == ' ' || *p == '\t')
    p++;
  return *p == '=';
}

/* "key = value" -> "key" (g_free), NULL for blank and comment lines. */
static char *
key_name (const char *line)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  const char *eq = strchr (p, '=');
  if (*p == '#' || *p == ';' || !eq || eq == p)
    return NULL;
  return g_strchomp (g_strndup (p, eq - p));
}

void
hwcfg_source_lint (const struct hwcfg_source *src, hwcfg_source_problem_fn problem, void *data)
{
  /* group -> line of its header; "group\nkey" -> line of the key */
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;
  for (int i = 0; src->lines[i]; i++) {
    const char *line = src->lines[i];
    if (!g_utf8_validate (line, -1, NULL)) {
      g_autofree char *k = key_name (line), *shown = k ? g_utf8_make_valid (k, -1) : NULL;
      problem (data, i + 1, group, shown, "the line is not UTF-8 text (save the file as UTF-8)");
      continue;
    }
    char *g = group_name (line);
    if (g) {
      int first = GPOINTER_TO_INT (g_hash_table_lookup (groups, g));
      if (first) {
        g_autofree char *what = g_strdup_printf ("group given twice (first on line %d): its keys would be merged", first);
        problem (data, i + 1, g, NULL, what);
      } else {
        g_hash_table_insert (groups, g_strdup (g), GINT_TO_POINTER (i + 1));
      }
      g_free (group);
      group = g;
      continue;
    }
    g_autofree char *k = group ? key_name (line) : NULL;
    if (!k)
      continue;
    char *id = g_strconcat (group, "\n", k, NULL);
    int first = GPOINTER_TO_INT (g_hash_table_lookup (keys, id));
    if (first) {
      g_autofree char *what = g_strdup_printf ("given twice in the group (first on line %d): the last would win", first);
      problem (data, i + 1, group, k, what);
      g_free (id);
    } else {
      g_hash_table_insert (keys, id, GINT_TO_POINTER (i + 1));
    }
  }
}

int
hwcfg_source_line (const struct hwcfg_source *src, const char *group, const char *key)
{
  int group_line = 0;
  for (int i = 0; src->lines[i]; i++) {
    const char *line = src->lines[i];
    if (group_line == 0) {
      if (line_is_group (line, group))
        group_line = i + 1;
      continue;
    }
    const char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '[')
      break; /* next group: KEY is not in this one */
    if (key && line_is_key (line, key))
      return i + 1;
  }
  return group_line;
}
