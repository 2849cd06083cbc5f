/* hwcfg_source — the text of a key file as an installer wrote it.
 *
 * GLib's key file parser knows neither inline comments nor line numbers; the
 * site files of ARCHITECTURE.md use both ("id = x   ; appears in topics") and
 * every error must name its line. This keeps the lines, strips inline
 * comments (a ';' or '#' after white space, so "1,2;3,4" stays intact) and
 * answers "on which line is [group] key".
 */
#ifndef CW_HWCFG_SOURCE_H
#define CW_HWCFG_SOURCE_H

#include <glib.h>

struct hwcfg_source;

/* Reads PATH. NULL with ERROR set (G_FILE_ERROR) when it cannot be read. */
struct hwcfg_source *hwcfg_source_read (const char *path, GError **error);
/* The same from the text CONTENTS. */
struct hwcfg_source *hwcfg_source_new (const char *contents);
void hwcfg_source_free (struct hwcfg_source *src);

/* The text with inline comments removed, ready for g_key_file_load_from_data. */
const char *hwcfg_source_text (const struct hwcfg_source *src);

/* A mistake GLib's key file parser passes over in silence, on LINE (1-based)
 * in [GROUP] (NULL before any group), at KEY (NULL: the line as a whole). */
typedef void (*hwcfg_source_problem_fn) (void *data, int line, const char *group, const char *key, const char *what);

/* Finds a group given twice (GLib merges them), a key given twice in a group
 * (the last would win), and lines that are not UTF-8 (GLib drops their
 * values, so a default would be used). */
void hwcfg_source_lint (const struct hwcfg_source *src, hwcfg_source_problem_fn problem, void *data);

/* 1-based line of KEY inside [GROUP]; of the group header when KEY is NULL or
 * not present; 0 when the group is not present either. */
int hwcfg_source_line (const struct hwcfg_source *src, const char *group, const char *key);

#endif
