#include "test_log.h"

#include <string.h>

static GMutex lock;
static GString *text;

static void
capture (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  g_mutex_lock (&lock);
  g_string_append_printf (text, "%s\n", message);
  g_mutex_unlock (&lock);
  g_log_default_handler (domain, level, message, data);
}

void
test_log_capture (void)
{
  g_mutex_lock (&lock);
  if (!text)
    text = g_string_new (NULL);
  g_mutex_unlock (&lock);
  g_log_set_default_handler (capture, NULL);
}

int
test_logged (const char *needle)
{
  int n = 0;
  g_mutex_lock (&lock);
  for (const char *p = text ? text->str : ""; (p = strstr (p, needle)); p += strlen (needle))
    n++;
  g_mutex_unlock (&lock);
  return n;
}

int
test_logged_within (const char *needle, int count, double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * 1e6);
  int n;
  while ((n = test_logged (needle)) < count && g_get_monotonic_time () < until)
    g_usleep (10000);
  return n;
}

void
test_log_forget (void)
{
  g_mutex_lock (&lock);
  if (text)
    g_string_truncate (text, 0);
  g_mutex_unlock (&lock);
}
