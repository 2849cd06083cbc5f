/* crosswatch serve — the review service (review/API.md): until SIGINT or
 * SIGTERM. Confirmed cases are queued in the store's outbox; `crosswatch
 * publish` sends them, as for the command-line review. */
#include "cli.h"
#include "svc_notify.h"
#include "rev_server.h"

#include <glib-unix.h>
#include <stdio.h>

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
cmd_serve (int argc, char **argv)
{
  char *config = NULL, *listen = NULL;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
      {"listen", 0, 0, G_OPTION_ARG_STRING, &listen, "address to listen on (default [review] listen)", "ADDR:PORT"},
      {NULL}};
  if (!cli_parse ("serve", "-c SITE.ini [--listen ADDR:PORT]", entries, &argc, &argv))
    return 2;
  int status = 2;
  struct hwcfg *cfg = cli_load_config (config);
  struct cli_store store = {0};
  struct rev_desk *desk = NULL;
  struct rev_api *api = NULL;
  struct rev_server *srv = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *url = NULL;
  if (!cfg || argc > 1) {
    if (cfg)
      fprintf (stderr, "usage: crosswatch serve -c SITE.ini [--listen ADDR:PORT]\n");
    goto out;
  }
  status = 1;
  if (!cli_store_open (cfg, "serve", &store))
    goto out;
  cli_forget_recognition (cfg, store.st, "serve");
  desk = rev_desk_new (store.st, cfg);
  if (!rev_desk_recognition_ready (desk, &err)) {
    fprintf (stderr, "crosswatch serve: %s\n", err->message);
    status = 2;
    goto out;
  }
  api = rev_api_new (desk, cfg);
  srv = rev_server_new (api, cfg, listen, &err);
  if (!srv) {
    fprintf (stderr, "crosswatch serve: %s\n", err->message);
    goto out;
  }
  url = rev_server_url (srv);
  printf ("crosswatch serve: review service on %s\n", url);
  const char *addr = listen ? listen : cfg->review.listen;
  if (!cfg->review.tls_cert && !g_str_has_prefix (addr, "127.") && !g_str_has_prefix (addr, "[::1]"))
    fprintf (stderr, "crosswatch serve: WARNING: plain HTTP on %s, not loopback: passwords and evidence cross the "
                     "network in clear; set [review] tls_cert and tls_key\n", addr);
  fflush (stdout);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  guint watchdog = svc_watchdog_attach ();
  svc_notify_ready (url);
  g_main_loop_run (loop);
  svc_notify_stopping ();
  if (watchdog)
    g_source_remove (watchdog);
  g_main_loop_unref (loop);
  printf ("crosswatch serve: stopped\n");
  status = 0;
out:
  rev_server_free (srv);
  rev_api_free (api);
  rev_desk_free (desk);
  if (store.st)
    cli_store_close (&store);
  hwcfg_free (cfg);
  g_free (config);
  g_free (listen);
  return status;
}
