/* Evidence store figures: packets written per second with synchronous=FULL
 * (each packet: record, signature, 5 JPEG stills cut from a real frame of
 * the sample video), next to a bare baseline in the same run: the same
 * stills encoded and appended to a plain file with one fsync per packet
 * (the least a durable write costs); then the latency from a reviewer's
 * confirmation to the broker's PUBACK on loopback, p50 and p99.
 *
 * usage: evidence_bench VIDEO_FRAME.jpg [PACKETS]    (needs mosquitto) */
#include "evid_publication.h"
#include "evid_publisher.h"
#include "evid_recorder.h"
#include "test_broker.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct hwcfg *
site (const char *dir, int port)
{
  g_autofree char *ini = g_build_filename (dir, "site.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[site]\nid = bench\n[camera:main]\nuri = file:///dev/null\n[signal]\n"
                                           "source = none\n[evidence]\ndb = %s/evidence.db\nkey = %s/device.key\n"
                                           "face_cascade = none\n[mqtt]\nhost = 127.0.0.1\nport = %d\n",
                                           dir, dir, port);
  g_file_set_contents (ini, text, -1, NULL);
  GError *err = NULL;
  struct hwcfg *cfg = hwcfg_load (ini, &err);
  if (!cfg)
    g_error ("%s", err->message);
  return cfg;
}

/* Writes N packets; returns packets per second. */
static double
write_packets (struct evid_recorder *rec, const struct cv_image *frame, int n)
{
  const double others[4] = {10, 10, 20, 50};
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < n; i++) {
    struct evid_candidate c = {.frame = 100 + i, .pts_s = i, .utc_us = g_get_real_time (), .track_id = i,
                               .type = "red_signal", .bbox = {300, 200, 40, 90}, .zone = "road", .entry_frame = 95,
                               .signal_phase = "DONT_WALK", .signal_elapsed_s = 5, .signal_source = "schedule",
                               .liveness_json = "{\"verdict\":\"live\"}", .verdict = "live", .others = others,
                               .n_others = 1};
    /* the face slot carries a fifth still: a second crop */
    unsigned char *jpg;
    size_t len;
    cv_jpeg_encode_crop (frame, 250, 150, 140, 190, 90, &jpg, &len);
    c.face_jpeg = g_bytes_new (jpg, len);
    cv_free (jpg);
    char *event = NULL;
    GError *err = NULL;
    if (!evid_recorder_record (rec, &c, frame, frame, &event, &err))
      g_error ("%s", err->message);
    g_free (event);
    g_bytes_unref (c.face_jpeg);
  }
  return n / ((g_get_monotonic_time () - t0) / 1e6);
}

/* The baseline: encode the same stills, append them to a file, fsync. */
static double
bare_writes (const char *dir, const struct cv_image *frame, int n)
{
  g_autofree char *path = g_build_filename (dir, "bare.bin", NULL);
  FILE *f = fopen (path, "wb");
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < 5; k++) {
      unsigned char *jpg;
      size_t len;
      if (k < 3)
        cv_jpeg_encode (frame, 90, &jpg, &len);
      else
        cv_jpeg_encode_crop (frame, 250, 150, 140, 190, 90, &jpg, &len);
      fwrite (jpg, 1, len, f);
      cv_free (jpg);
    }
    fflush (f);
    fsync (fileno (f));
  }
  double pps = n / ((g_get_monotonic_time () - t0) / 1e6);
  fclose (f);
  g_unlink (path);
  return pps;
}

static int
by_value (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s FRAME.jpg [PACKETS]\n", argv[0]);
    return 2;
  }
  int n = argc > 2 ? atoi (argv[2]) : 200;
  gchar *data;
  gsize len;
  if (!g_file_get_contents (argv[1], &data, &len, NULL))
    g_error ("cannot read %s", argv[1]);
  struct cv_image frame = {0};
  frame.channels = 4;
  if (cv_decode_bgra ((unsigned char *) data, len, &frame.data, &frame.width, &frame.height, &frame.stride) != CV_OK)
    g_error ("cannot decode %s", argv[1]);

  struct test_broker b = {0};
  test_broker_start (&b);
  g_autofree char *dir = g_dir_make_tmp ("evbenchXXXXXX", NULL);
  struct hwcfg *cfg = site (dir, b.port);
  GError *err = NULL;

  struct evid_recorder *rec = evid_recorder_create (cfg, NULL, &err);
  if (!rec)
    g_error ("%s", err->message);
  double bare = bare_writes (dir, &frame, n);
  double pps = write_packets (rec, &frame, n);
  printf ("evidence writes, synchronous=FULL, WAL: %.1f packets/s (%d packets, 5 JPEG stills each)\n", pps, n);
  printf ("baseline, same stills encoded + appended + fsync per packet: %.1f packets/s (store at %.0f%% of it)\n",
          bare, 100 * pps / bare);

  /* confirm -> PUBACK */
  struct evid_store *st = evid_recorder_store (rec);
  struct evid_publisher *pub = evid_publisher_create (cfg, &err);
  for (int i = 0; i < 20 && !evid_publisher_connected (pub); i++)
    evid_publisher_pump (pub, 100, NULL);
  g_autoptr (GPtrArray) rows = evid_store_list (st, "pending", &err);
  GArray *lat = g_array_new (FALSE, FALSE, sizeof (double));
  int samples = MIN (100, (int) rows->len);
  for (int i = 0; i < samples; i++) {
    struct evid_packet_row *r = g_ptr_array_index (rows, i);
    gint64 t0 = g_get_monotonic_time ();
    GArray *msgs = evid_publication_build (st, r, cfg, &err);
    if (!msgs || !evid_store_review (st, r->id, "pending", "confirmed", "bench", NULL,
                                     (struct evid_outbox_msg *) msgs->data, (int) msgs->len, &err))
      g_error ("%s", err->message);
    evid_publication_free (msgs);
    while (evid_publisher_pump (pub, 1, &err) > 0)
      ;
    double ms = (g_get_monotonic_time () - t0) / 1e3;
    g_array_append_val (lat, ms);
  }
  g_array_sort (lat, by_value);
  printf ("confirm to PUBACK (build publication, commit, publish QoS 1, ack, mark sent), loopback: "
          "p50 %.1f ms, p99 %.1f ms over %d packets\n",
          g_array_index (lat, double, lat->len / 2), g_array_index (lat, double, (guint) (lat->len * 0.99)), samples);
  evid_publisher_free (pub);
  evid_recorder_free (rec);
  hwcfg_free (cfg);
  test_broker_stop (&b);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  return system (cmd) == 0 ? 0 : 1;
}
