/* The mqtt signal source against a real broker: phases as published, the
 * time since the last change, garbled messages ignored, stale input UNKNOWN;
 * hostile payloads (empty, a cleared retained message, oversized, binary)
 * neither crash the source nor keep a phase fresh, and each is logged. */
#include "hwcfg.h"
#include "test_broker.h"
#include "test_log.h"
#include "zone_signal.h"
#include "zone_signal_mqtt.h"

#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <string.h>
#include <unistd.h>

#define TOPIC "crosswatch/t1/signal/ped"

/* Publishes LEN bytes of PAYLOAD (any bytes; NULL with 0 is an empty
 * message) with QoS 1, RETAIN as given, and waits for the broker's ack. */
static void
on_published (struct mosquitto *m, void *data, int mid)
{
  *(gboolean *) data = TRUE;
}

static void
publish_raw (struct test_broker *b, const void *payload, int len, gboolean retain)
{
  gboolean acked = FALSE;
  mosquitto_lib_init ();
  struct mosquitto *m = mosquitto_new (NULL, true, &acked);
  mosquitto_publish_callback_set (m, on_published);
  g_assert_cmpint (mosquitto_connect (m, "127.0.0.1", b->port, 10), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_publish (m, NULL, TOPIC, len, payload, 1, retain), ==, MOSQ_ERR_SUCCESS);
  for (int i = 0; i < 200 && !acked; i++)
    mosquitto_loop (m, 50, 1);
  g_assert_true (acked);
  mosquitto_disconnect (m);
  mosquitto_destroy (m);
}

/* A site config using broker B with STALE_S; the signal source on it. */
struct fixture {
  struct test_broker broker;
  char *path;
  struct hwcfg *cfg;
  struct zone_signal *sig;
};

static void
fixture_start_signal (struct fixture *f)
{
  g_autoptr (GError) err = NULL;
  f->sig = zone_signal_create (&f->cfg->signal, &f->cfg->mqtt, &err);
  g_assert_no_error (err);
  g_usleep (300000); /* let the subscription settle */
}

static void
fixture_setup (struct fixture *f, double stale_s)
{
  test_broker_start (&f->broker);
  int fd = g_file_open_tmp ("sigXXXXXX.ini", &f->path, NULL);
  close (fd);
  g_autofree char *text =
      g_strdup_printf ("[site]\nid = t1\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = mqtt\n"
                       "stale_s = %.1f\n[mqtt]\nhost = 127.0.0.1\nport = %d\n",
                       stale_s, f->broker.port);
  g_assert_true (g_file_set_contents (f->path, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  f->cfg = hwcfg_load (f->path, &err);
  g_assert_no_error (err);
  test_log_forget ();
}

static void
fixture_teardown (struct fixture *f)
{
  zone_signal_free (f->sig);
  hwcfg_free (f->cfg);
  g_unlink (f->path);
  g_free (f->path);
  test_broker_stop (&f->broker);
}

/* Polls the phase for SECONDS (as the pipeline does, every frame). */
static struct zone_signal_state
poll_for (struct zone_signal *sig, double seconds)
{
  struct zone_signal_state st = {0};
  for (gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6); g_get_monotonic_time () < end;) {
    zone_signal_at (sig, 0, &st);
    g_usleep (20000);
  }
  return st;
}

static struct zone_signal_state
wait_for (struct zone_signal *sig, enum zone_phase want)
{
  struct zone_signal_state st = {0};
  for (int i = 0; i < 100; i++) {
    zone_signal_at (sig, 0, &st);
    if (st.phase == want)
      break;
    g_usleep (50000);
  }
  return st;
}

static void
phases_follow_the_controller_and_go_unknown_when_stale (void)
{
  struct test_broker b = {0};
  test_broker_start (&b);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("sigXXXXXX.ini", &path, NULL);
  close (fd);
  g_autofree char *text =
      g_strdup_printf ("[site]\nid = t1\n[camera:main]\nuri = file:///dev/null\n[signal]\nsource = mqtt\n"
                       "stale_s = 1.0\n[mqtt]\nhost = 127.0.0.1\nport = %d\n",
                       b.port);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = hwcfg_load (path, &err);
  g_assert_no_error (err);
  g_assert_cmpstr (cfg->signal.topic, ==, TOPIC); /* the contract's default topic */
  struct zone_signal *sig = zone_signal_create (&cfg->signal, &cfg->mqtt, &err);
  g_assert_no_error (err);

  struct zone_signal_state st;
  zone_signal_at (sig, 0, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN); /* nothing received yet */
  g_assert_cmpstr (st.source, ==, "mqtt");

  g_usleep (300000); /* let the subscription settle */
  test_broker_publish (&b, TOPIC, "WALK");
  st = wait_for (sig, ZONE_PHASE_WALK);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_WALK);
  g_usleep (400000);
  test_broker_publish (&b, TOPIC, "WALK"); /* a repeat is not a change */
  g_usleep (100000);
  zone_signal_at (sig, 0, &st);
  g_assert_cmpfloat (st.elapsed_s, >=, 0.45);

  test_broker_publish (&b, TOPIC, "{\"phase\": \"DONT_WALK\"}");
  st = wait_for (sig, ZONE_PHASE_DONT_WALK);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_DONT_WALK);
  g_assert_cmpfloat (st.elapsed_s, <, 0.4);

  test_broker_publish (&b, TOPIC, "GREEN MAN"); /* garbled: ignored */
  g_usleep (200000);
  zone_signal_at (sig, 0, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_DONT_WALK);

  g_usleep (1200000); /* no message for longer than stale_s */
  zone_signal_at (sig, 0, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN);

  zone_signal_free (sig);
  hwcfg_free (cfg);
  g_unlink (path);
  test_broker_stop (&b);
}

/* What a controller sends when it clears its retained phase: no phase
 * information. The source must not crash (it did: g_strndup (NULL, 0) then
 * strstr), must not take the empty message as fresh input, and logs it; the
 * feed going stale is logged once however often the phase is read. */
static void
an_empty_message_is_no_phase_and_the_phase_goes_stale (void)
{
  struct fixture f = {0};
  fixture_setup (&f, 1.0);
  fixture_start_signal (&f);
  publish_raw (&f.broker, "WALK", 4, FALSE);
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_WALK).phase, ==, ZONE_PHASE_WALK);

  gint64 walk_at = g_get_monotonic_time ();
  g_usleep (500000);
  publish_raw (&f.broker, NULL, 0, FALSE);
  publish_raw (&f.broker, "", 0, FALSE);
  struct zone_signal_state st = poll_for (f.sig, 0.2);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_WALK); /* the last phase holds until stale_s */
  g_assert_cmpint (test_logged ("empty message"), ==, 1); /* the second within the rate limit: counted, not logged */

  /* 1 s after the WALK (not after the empty messages) the phase is stale */
  while (g_get_monotonic_time () - walk_at < 1100000)
    g_usleep (20000);
  zone_signal_at (f.sig, 0, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN);
  st = poll_for (f.sig, 1.0);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN);
  g_assert_cmpint (test_logged ("no phase message for"), ==, 1);

  /* back, then stale again: one more line each */
  publish_raw (&f.broker, "DONT_WALK", 9, FALSE);
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_DONT_WALK).phase, ==, ZONE_PHASE_DONT_WALK);
  g_assert_cmpint (test_logged_within ("phase feed resumed", 1, 2.0), ==, 1); /* logged after the lock is let go */
  poll_for (f.sig, 1.5);
  g_assert_cmpint (test_logged ("no phase message for"), ==, 2);
  fixture_teardown (&f);
}

/* A retained phase reaches a new subscriber; clearing it (an empty retained
 * message) reaches the running one as an empty message, and a subscriber
 * that starts after the clear gets nothing: phase UNKNOWN, logged once. */
static void
a_cleared_retained_phase_is_no_phase (void)
{
  struct fixture f = {0};
  fixture_setup (&f, 1.0);
  publish_raw (&f.broker, "DONT_WALK", 9, TRUE);
  fixture_start_signal (&f);
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_DONT_WALK).phase, ==, ZONE_PHASE_DONT_WALK);

  publish_raw (&f.broker, NULL, 0, TRUE);
  for (int i = 0; i < 100 && !test_logged ("empty message"); i++)
    g_usleep (20000);
  g_assert_cmpint (test_logged ("empty message"), ==, 1);
  struct zone_signal_state st = poll_for (f.sig, 1.3);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN);

  zone_signal_free (f.sig);
  test_log_forget ();
  fixture_start_signal (&f); /* nothing retained any more */
  st = poll_for (f.sig, 1.3);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN);
  g_assert_cmpint (test_logged ("empty message"), ==, 0);
  g_assert_cmpint (test_logged ("no phase message since start"), ==, 1);
  fixture_teardown (&f);
}

/* A payload over ZONE_SIGNAL_MAX_PAYLOAD is refused before parsing, even
 * one that would parse ("WALK" and padding); one at the limit is parsed. */
static void
an_oversized_payload_is_refused (void)
{
  struct fixture f = {0};
  fixture_setup (&f, 5.0);
  fixture_start_signal (&f);
  publish_raw (&f.broker, "DONT_WALK", 9, FALSE);
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_DONT_WALK).phase, ==, ZONE_PHASE_DONT_WALK);

  char padded[ZONE_SIGNAL_MAX_PAYLOAD + 1];
  memset (padded, ' ', sizeof padded);
  memcpy (padded, "WALK", 4);
  publish_raw (&f.broker, padded, sizeof padded, FALSE);
  gsize big_len = 1 << 20;
  g_autofree char *big = g_malloc (big_len);
  memset (big, 'W', big_len);
  publish_raw (&f.broker, big, (int) big_len, FALSE);
  for (int i = 0; i < 100 && !test_logged ("-byte payload refused"); i++)
    g_usleep (20000);
  g_assert_cmpint (test_logged ("257-byte payload refused (limit 256 bytes)"), ==, 1);
  struct zone_signal_state st = poll_for (f.sig, 0.3);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_DONT_WALK);

  publish_raw (&f.broker, padded, ZONE_SIGNAL_MAX_PAYLOAD, FALSE); /* at the limit */
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_WALK).phase, ==, ZONE_PHASE_WALK);
  fixture_teardown (&f);
}

/* Binary garbage (a NUL after a phase word, invalid UTF-8, a terminal escape)
 * is ignored and never echoed to the log; the source keeps working. */
static void
binary_garbage_is_ignored (void)
{
  struct fixture f = {0};
  fixture_setup (&f, 5.0);
  fixture_start_signal (&f);
  publish_raw (&f.broker, "DONT_WALK", 9, FALSE);
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_DONT_WALK).phase, ==, ZONE_PHASE_DONT_WALK);

  static const char nul_after_word[] = "WALK\0\xff\xfe";
  static const char escape[] = "\x1b[2J\x1b]0;owned\x07WALK";
  static const char not_utf8[] = "\xc3\x28\xa0\xa1\xf0\x28\x8c\x28";
  publish_raw (&f.broker, nul_after_word, sizeof nul_after_word - 1, FALSE);
  publish_raw (&f.broker, escape, sizeof escape - 1, FALSE);
  publish_raw (&f.broker, not_utf8, sizeof not_utf8 - 1, FALSE);
  for (int i = 0; i < 100 && !test_logged ("not WALK"); i++)
    g_usleep (20000);
  struct zone_signal_state st = poll_for (f.sig, 0.3);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_DONT_WALK);
  g_assert_cmpint (test_logged ("not WALK"), ==, 1); /* rate-limited */
  g_assert_cmpint (test_logged ("\x1b"), ==, 0);
  g_assert_cmpint (test_logged ("owned"), ==, 0);

  publish_raw (&f.broker, "{\"phase\":\"WALK\"}", 16, FALSE);
  g_assert_cmpint (wait_for (f.sig, ZONE_PHASE_WALK).phase, ==, ZONE_PHASE_WALK);
  fixture_teardown (&f);
}

static void
payloads_are_parsed_strictly (void)
{
  enum zone_phase p;
  g_assert_true (zone_signal_parse_phase ("clearance\n", 10, &p));
  g_assert_cmpint (p, ==, ZONE_PHASE_CLEARANCE);
  g_assert_true (zone_signal_parse_phase ("{\"phase\":\"WALK\",\"seq\":3}", 24, &p));
  g_assert_cmpint (p, ==, ZONE_PHASE_WALK);
  g_assert_false (zone_signal_parse_phase ("WALKING", 7, &p));
  g_assert_false (zone_signal_parse_phase ("{\"phase\":", 9, &p));
  g_assert_false (zone_signal_parse_phase ("", 0, &p));
  g_assert_false (zone_signal_parse_phase (NULL, 0, &p));
  g_assert_false (zone_signal_parse_phase ("WALK", -1, &p));
  g_assert_false (zone_signal_parse_phase ("WALK\0x", 6, &p));
  g_assert_false (zone_signal_parse_phase ("\x1bWALK", 5, &p));
  char padded[ZONE_SIGNAL_MAX_PAYLOAD + 1];
  memset (padded, ' ', sizeof padded);
  memcpy (padded, "walk", 4);
  g_assert_false (zone_signal_parse_phase (padded, sizeof padded, &p));
  g_assert_true (zone_signal_parse_phase (padded, ZONE_SIGNAL_MAX_PAYLOAD, &p));
  g_assert_cmpint (p, ==, ZONE_PHASE_WALK);
}

/* A port that takes the connection and never speaks MQTT (a camera's,
 * a web server's): the link says so within its 10 s and tries again, once
 * a second at first; the phase stays UNKNOWN meanwhile. */
static void
a_port_that_never_answers_mqtt_is_named_and_retried (void)
{
  GSocketListener *silent = g_socket_listener_new ();
  GError *err = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (silent, NULL, &err);
  g_assert_no_error (err);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("sigXXXXXX.ini", &path, NULL);
  close (fd);
  g_autofree char *text = g_strdup_printf ("[site]\nid = t1\n[camera:main]\nuri = file:///dev/null\n[signal]\n"
                                           "source = mqtt\n[mqtt]\nhost = 127.0.0.1\nport = %d\n", port);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  struct hwcfg *cfg = hwcfg_load (path, &err);
  g_assert_no_error (err);
  test_log_forget ();
  struct zone_signal *sig = zone_signal_create (&cfg->signal, &cfg->mqtt, &err);
  g_assert_no_error (err);
  /* accepted by the kernel's backlog, never answered */
  g_assert_cmpint (test_logged_within ("gave no MQTT answer within 10 s", 1, 20), ==, 1);
  struct zone_signal_state st;
  zone_signal_at (sig, 0, &st);
  g_assert_cmpint (st.phase, ==, ZONE_PHASE_UNKNOWN);
  zone_signal_free (sig);
  hwcfg_free (cfg);
  g_unlink (path);
  g_socket_listener_close (silent);
  g_object_unref (silent);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* the garbled payload is warned about from the MQTT thread: expected here */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  test_log_capture ();
  g_test_add_func ("/signal/mqtt_phases_follow_the_controller_and_go_unknown_when_stale",
                   phases_follow_the_controller_and_go_unknown_when_stale);
  g_test_add_func ("/signal/an_empty_message_is_no_phase_and_the_phase_goes_stale",
                   an_empty_message_is_no_phase_and_the_phase_goes_stale);
  g_test_add_func ("/signal/a_cleared_retained_phase_is_no_phase", a_cleared_retained_phase_is_no_phase);
  g_test_add_func ("/signal/an_oversized_payload_is_refused", an_oversized_payload_is_refused);
  g_test_add_func ("/signal/binary_garbage_is_ignored", binary_garbage_is_ignored);
  g_test_add_func ("/signal/payloads_are_parsed_strictly", payloads_are_parsed_strictly);
  g_test_add_func ("/signal/a_port_that_never_answers_mqtt_is_named_and_retried",
                   a_port_that_never_answers_mqtt_is_named_and_retried);
  int rc = g_test_run ();
  return rc;
}
