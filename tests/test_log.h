/* What the code under test logs (g_message, g_warning ...), also from
 * other threads (an MQTT loop), for tests to wait on and count. */
#ifndef CW_TEST_LOG_H
#define CW_TEST_LOG_H

#include <glib.h>

/* Captures every message from now on (and still prints it). */
void test_log_capture (void);
/* How many captured lines so far contain NEEDLE. */
int test_logged (const char *needle);
/* Waits up to SECONDS until NEEDLE was logged COUNT times (a line logged by
 * another thread just after the state the test saw changed); the count. */
int test_logged_within (const char *needle, int count, double seconds);
/* Forgets what was captured. */
void test_log_forget (void);

#endif
