#include "hwcfg_source.h"

#include <string.h>

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
  char *contents = NULL;
  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  struct hwcfg_source *src = g_new0 (struct hwcfg_source, 1);
  src->lines = g_strsplit (contents, "\n", -1);
  g_free (contents);
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

/* "[ name ]" -> TRUE when it names GROUP */
static gboolean
line_is_group (const char *line, const char *group)
{
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '[')
    return FALSE;
  const char *end = strchr (p, ']');
  return end && (size_t) (end - p - 1) == strlen (group) && strncmp (p + 1, group, end - p - 1) == 0;
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
