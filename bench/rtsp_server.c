/* A live RTSP camera for the benchmark: the sample video upscaled to
 * 1280x720, served at real-time 25 fps as Motion-JPEG over RTSP, looping
 * for as long as the server runs. Frames are scaled and JPEG-encoded once at
 * start (so serving costs almost nothing of the CPU being measured) and
 * each 10 fps source frame is sent 2-3 times, as a 25 fps camera would.
 *
 * usage: rtsp_server VIDEO PORT [MAX_FRAMES [WIDTHxHEIGHT [FPS]]]
 * (URL: rtsp://127.0.0.1:PORT/cam; default 1280x720 at 25 fps) */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <stdio.h>
#include <stdlib.h>

#define SOURCE_FPS 10

static int fps = 25, width = 1280, height = 720;

static GPtrArray *frames; /* GstBuffer, JPEG, 10 fps */

static void
encode_all (const char *video, guint max_frames)
{
  g_autofree char *uri = gst_filename_to_uri (video, NULL);
  g_autofree char *desc = g_strdup_printf ("uridecodebin uri=%s ! videoconvert ! videoscale ! "
                                           "video/x-raw,width=%d,height=%d ! jpegenc quality=85 ! "
                                           "appsink name=out sync=false",
                                           uri, width, height);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstAppSink *sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "out"));
  frames = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  gst_element_set_state (p, GST_STATE_PLAYING);
  GstSample *s;
  while (frames->len < max_frames && (s = gst_app_sink_pull_sample (sink))) {
    g_ptr_array_add (frames, gst_buffer_ref (gst_sample_get_buffer (s)));
    gst_sample_unref (s);
  }
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_printerr ("rtsp_server: %u frames ready\n", frames->len);
}

struct feeder {
  guint64 n;
};

static void
need_data (GstAppSrc *src, guint length, gpointer data)
{
  struct feeder *f = data;
  guint idx = (guint) ((f->n * SOURCE_FPS / fps) % frames->len);
  GstBuffer *b = gst_buffer_copy (g_ptr_array_index (frames, idx));
  GST_BUFFER_PTS (b) = gst_util_uint64_scale (f->n, GST_SECOND, fps);
  GST_BUFFER_DURATION (b) = GST_SECOND / fps;
  f->n++;
  gst_app_src_push_buffer (src, b);
}

static void
media_configure (GstRTSPMediaFactory *factory, GstRTSPMedia *media, gpointer data)
{
  GstElement *bin = gst_rtsp_media_get_element (media);
  GstElement *src = gst_bin_get_by_name_recurse_up (GST_BIN (bin), "src");
  struct feeder *f = g_new0 (struct feeder, 1);
  g_object_set_data_full (G_OBJECT (media), "feeder", f, g_free);
  g_signal_connect (src, "need-data", G_CALLBACK (need_data), f);
  gst_object_unref (src);
  gst_object_unref (bin);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 3) {
    fprintf (stderr, "usage: %s VIDEO PORT [MAX_FRAMES [WIDTHxHEIGHT [FPS]]]\n", argv[0]);
    return 2;
  }
  if ((argc > 4 && sscanf (argv[4], "%dx%d", &width, &height) != 2) || (argc > 5 && (fps = atoi (argv[5])) <= 0) ||
      width <= 0 || height <= 0) {
    fprintf (stderr, "rtsp_server: a size is WIDTHxHEIGHT, a rate a positive number\n");
    return 2;
  }
  encode_all (argv[1], argc > 3 ? (guint) atoi (argv[3]) : G_MAXUINT);
  if (frames->len == 0)
    return 1;
  GstRTSPServer *server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (server, "127.0.0.1");
  gst_rtsp_server_set_service (server, argv[2]);
  GstRTSPMediaFactory *factory = gst_rtsp_media_factory_new ();
  g_autofree char *launch = g_strdup_printf ("( appsrc name=src is-live=true format=time "
                                             "caps=image/jpeg,width=%d,height=%d,framerate=%d/1 "
                                             "! rtpjpegpay name=pay0 pt=26 )",
                                             width, height, fps);
  gst_rtsp_media_factory_set_launch (factory, launch);
  gst_rtsp_media_factory_set_shared (factory, TRUE);
  g_signal_connect (factory, "media-configure", G_CALLBACK (media_configure), NULL);
  gst_rtsp_mount_points_add_factory (gst_rtsp_server_get_mount_points (server), "/cam", factory);
  if (!gst_rtsp_server_attach (server, NULL)) {
    fprintf (stderr, "rtsp_server: cannot listen on port %s\n", argv[2]);
    return 1;
  }
  g_printerr ("rtsp_server: rtsp://127.0.0.1:%s/cam\n", argv[2]);
  g_main_loop_run (g_main_loop_new (NULL, FALSE));
  return 0;
}
