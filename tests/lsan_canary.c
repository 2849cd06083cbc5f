/* Leaks on purpose, through g_malloc and through a GObject, so that the
 * sanitizer build shows tests/lsan.supp does not hide the project's own
 * leaks (as whole-library entries for libglib once did). The test passes
 * when LeakSanitizer reports both. */
#include <glib-object.h>
#include <stdio.h>

static char *volatile kept;
static gpointer volatile kept_object;

int
main (void)
{
  kept = g_strdup_printf ("lsan canary %d", 42);
  kept = NULL; /* unreachable now: a leak */
  kept_object = g_object_new (G_TYPE_OBJECT, NULL);
  kept_object = NULL;
  puts ("leaked a string and an object");
  return 0;
}
