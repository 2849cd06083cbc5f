#include "test_broker.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int
test_free_port (void)
{
  int s = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  socklen_t len = sizeof a;
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (s < 0 || bind (s, (struct sockaddr *) &a, sizeof a) != 0 || getsockname (s, (struct sockaddr *) &a, &len) != 0) {
    if (s >= 0)
      close (s);
    return -1;
  }
  close (s);
  return ntohs (a.sin_port);
}

static gboolean
accepts (int port)
{
  int s = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons (port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  gboolean ok = connect (s, (struct sockaddr *) &a, sizeof a) == 0;
  close (s);
  return ok;
}

void
test_broker_start (struct test_broker *b)
{
  b->dir = g_dir_make_tmp ("brokerXXXXXX", NULL);
  b->port = test_free_port ();
  g_assert_cmpint (b->port, >, 0);
  g_autofree char *conf = g_build_filename (b->dir, "mosquitto.conf", NULL);
  g_autofree char *text = g_strdup_printf ("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n", b->port);
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  const char *argv[] = {"mosquitto", "-c", conf, NULL};
  GError *err = NULL;
  if (!g_spawn_async (b->dir, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                          G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &b->pid, &err))
    g_error ("cannot start mosquitto (package mosquitto): %s", err->message);
  for (int i = 0; i < 100 && !accepts (b->port); i++)
    g_usleep (50000);
  g_assert_true (accepts (b->port));
}

void
test_broker_stop (struct test_broker *b)
{
  if (b->pid > 0) {
    kill (b->pid, SIGTERM);
    waitpid (b->pid, NULL, 0);
    g_spawn_close_pid (b->pid);
    b->pid = 0;
  }
  if (b->dir) {
    g_autofree char *conf = g_build_filename (b->dir, "mosquitto.conf", NULL);
    unlink (conf);
    rmdir (b->dir);
    g_free (b->dir);
    b->dir = NULL;
  }
}

static void
on_publish (struct mosquitto *m, void *data, int mid)
{
  *(gboolean *) data = TRUE;
}

void
test_broker_publish (struct test_broker *b, const char *topic, const char *payload)
{
  gboolean acked = FALSE;
  mosquitto_lib_init ();
  struct mosquitto *m = mosquitto_new (NULL, true, &acked);
  mosquitto_publish_callback_set (m, on_publish);
  g_assert_cmpint (mosquitto_connect (m, "127.0.0.1", b->port, 10), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_publish (m, NULL, topic, (int) strlen (payload), payload, 1, false), ==, MOSQ_ERR_SUCCESS);
  for (int i = 0; i < 100 && !acked; i++)
    mosquitto_loop (m, 50, 1);
  g_assert_true (acked);
  mosquitto_disconnect (m);
  mosquitto_destroy (m);
}
