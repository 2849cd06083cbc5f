/* The display: a rendered screen whose QR code decodes (zbarimg) to the case URL. */
#include "cv_shim.h"
#include "disp_client.h"
#include "disp_render.h"
#include "hwcfg.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#define PACKET "0f8fad5b-d9cb-469f-a165-70867728950e"

static char *
show_message (void)
{
  int w = 320, h = 240;
  struct cv_image img = {g_malloc ((size_t) w * h * 3), w, h, w * 3, 3};
  for (int i = 0; i < w * h * 3; i++)
    img.data[i] = (unsigned char) (i % 251);
  unsigned char *jpg;
  size_t len;
  g_assert_cmpint (cv_jpeg_encode (&img, 85, &jpg, &len), ==, CV_OK);
  g_autofree char *b64 = g_base64_encode (jpg, len);
  cv_free (jpg);
  g_free (img.data);
  return g_strdup_printf ("{\"kind\":\"show\",\"packet_id\":\"%s\",\"site\":\"t1\",\"site_name\":\"Test Rd\","
                          "\"utc\":\"2026-11-26T03:16:03.120Z\",\"type\":\"red_signal\",\"zone\":\"crosswalk-1\","
                          "\"signal\":{\"phase\":\"DONT_WALK\",\"elapsed_s\":12.4},\"bbox\":[100,50,40,100],"
                          "\"faces_blurred\":true,\"image_jpeg_b64\":\"%s\"}",
                          PACKET, b64);
}

static struct hwcfg_display *
display_in (const char *dir)
{
  struct hwcfg_display *d = g_new0 (struct hwcfg_display, 1);
  d->id = g_strdup ("east");
  d->site_id = g_strdup ("t1");
  d->case_url_base = g_strdup ("https://cases.example.org/case/");
  d->out_dir = g_strdup (dir);
  d->width = 1280;
  d->height = 720;
  return d;
}

static void
rendered_screen_has_a_qr_code_of_the_case_url (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dispXXXXXX", NULL);
  struct hwcfg_display *d = display_in (dir);
  g_autofree char *msg = show_message ();
  g_autoptr (GError) err = NULL;
  g_assert_true (disp_client_handle (d, msg, (int) strlen (msg), &err));
  g_assert_no_error (err);
  g_autofree char *png = g_build_filename (dir, PACKET ".png", NULL);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_autofree char *out = NULL;
  int status = -1;
  const char *argv[] = {"zbarimg", "-q", "--raw", png, NULL};
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                     NULL, &status, NULL)) {
    g_test_fail_printf ("zbarimg (zbar-tools) is needed to decode the QR code");
    return;
  }
  g_assert_cmpstr (g_strstrip (out), ==, "https://cases.example.org/case/" PACKET);

  /* a QoS 1 repeat is drawn once: the file is not rewritten */
  GStatBuf before, after;
  g_stat (png, &before);
  g_usleep (20000);
  g_assert_true (disp_client_handle (d, msg, (int) strlen (msg), NULL));
  g_stat (png, &after);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);

  const char *retract = "{\"kind\":\"retract\",\"packet_id\":\"" PACKET "\"}";
  g_assert_true (disp_client_handle (d, retract, (int) strlen (retract), NULL));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
  hwcfg_display_free (d);
}

static void
bad_messages_are_refused_with_a_reason (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dispXXXXXX", NULL);
  struct hwcfg_display *d = display_in (dir);
  const char *cases[][2] = {
      {"not json", NULL},
      {"[1,2]", "not a JSON object"},
      {"{\"kind\":\"show\",\"packet_id\":\"../../etc/passwd\"}", "packet_id missing or malformed"},
      {"{\"kind\":\"show\",\"packet_id\":\"" PACKET "\"}", "no image_jpeg_b64"},
      {"{\"kind\":\"show\",\"packet_id\":\"" PACKET "\",\"image_jpeg_b64\":\"AAAA\"}", "does not decode"},
      {"{\"kind\":\"dance\",\"packet_id\":\"" PACKET "\"}", "unknown kind"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *err = NULL;
    g_assert_false (disp_client_handle (d, cases[i][0], (int) strlen (cases[i][0]), &err));
    g_assert_nonnull (err);
    if (cases[i][1] && !strstr (err->message, cases[i][1]))
      g_error ("case %zu: «%s» lacks «%s»", i, err->message, cases[i][1]);
    g_clear_error (&err);
  }
  g_rmdir (dir);
  hwcfg_display_free (d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/display/rendered_screen_has_a_qr_code_of_the_case_url",
                   rendered_screen_has_a_qr_code_of_the_case_url);
  g_test_add_func ("/display/bad_messages_are_refused_with_a_reason", bad_messages_are_refused_with_a_reason);
  return g_test_run ();
}
