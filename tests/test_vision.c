/* The OpenCV shim, from C: real data, bad input, no exception escaping. */
#include "cv_shim.h"

#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


static struct cv_image
gradient (int w, int h)
{
  struct cv_image img = {g_malloc ((size_t) w * h * 3), w, h, w * 3, 3};
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      unsigned char *p = img.data + y * img.stride + x * 3;
      p[0] = (unsigned char) x;
      p[1] = (unsigned char) y;
      p[2] = (unsigned char) ((x * y) & 255);
    }
  return img;
}

static void
jpeg_round_trip_should_keep_size_and_content (void)
{
  struct cv_image img = gradient (200, 100);
  unsigned char *jpg = NULL, *px = NULL;
  size_t len = 0;
  g_assert_cmpint (cv_jpeg_encode (&img, 90, &jpg, &len), ==, CV_OK);
  g_assert_cmpuint (len, >, 100);
  g_assert_true (jpg[0] == 0xFF && jpg[1] == 0xD8); /* JPEG SOI */
  int w, h, stride;
  g_assert_cmpint (cv_decode_bgra (jpg, len, &px, &w, &h, &stride), ==, CV_OK);
  g_assert_cmpint (w, ==, 200);
  g_assert_cmpint (h, ==, 100);
  /* pixel (150, 50) is close to the original after lossy coding */
  g_assert_cmpint (abs (px[50 * stride + 150 * 4] - 150), <, 12);
  cv_free (jpg);
  cv_free (px);
  g_free (img.data);
}

static void
crop_should_be_clipped_to_the_image (void)
{
  struct cv_image img = gradient (100, 100);
  unsigned char *jpg = NULL, *px = NULL;
  size_t len;
  int w, h, stride;
  g_assert_cmpint (cv_jpeg_encode_crop (&img, 80, 80, 50, 50, 90, &jpg, &len), ==, CV_OK);
  g_assert_cmpint (cv_decode_bgra (jpg, len, &px, &w, &h, &stride), ==, CV_OK);
  g_assert_cmpint (w, ==, 20);
  g_assert_cmpint (h, ==, 20);
  cv_free (jpg);
  cv_free (px);
  g_assert_cmpint (cv_jpeg_encode_crop (&img, 200, 200, 10, 10, 90, &jpg, &len), ==, CV_ERR_INVALID);
  g_free (img.data);
}

/* CRC-32 of N bytes at P (PNG's chunk check). */
static guint32
crc32_of (const unsigned char *p, size_t n)
{
  guint32 c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xffffffffu;
}

static void
put_be32 (unsigned char *p, guint32 v)
{
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* A JPEG whose frame header claims WIDTH x HEIGHT, as a baseline (SOF0)
 * or a progressive (SOF2) picture: what the decoder says of it. */
static const char *
decode_claiming (int width, int height, bool progressive)
{
  struct cv_image img = gradient (40, 30);
  unsigned char *enc = NULL, *px = NULL;
  size_t len = 0;
  int w, h, stride;
  g_assert_cmpint (cv_jpeg_encode (&img, 90, &enc, &len), ==, CV_OK);
  size_t sof = 0;
  for (size_t i = 2; i + 9 < len && !sof; i++)
    if (enc[i] == 0xff && enc[i + 1] == 0xc0)
      sof = i;
  g_assert_cmpuint (sof, >, 0);
  enc[sof + 1] = progressive ? 0xc2 : 0xc0;
  enc[sof + 5] = (unsigned char) (height >> 8), enc[sof + 6] = (unsigned char) height;
  enc[sof + 7] = (unsigned char) (width >> 8), enc[sof + 8] = (unsigned char) width;
  g_assert_cmpint (cv_decode_bgra (enc, len, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  cv_free (enc);
  g_free (img.data);
  return cv_last_error ();
}

/* A display decodes what the network sends it: JPEG and PNG only, never a
 * picture larger than any camera's (a few hundred bytes can claim
 * gigabytes), no damaged JPEG, nothing that takes minutes or gigabytes
 * (what a helper's fuzzing found), and PNG both ways without loss. */
static void
only_jpeg_and_png_are_decoded_and_never_a_bomb (void)
{
  struct cv_image img = gradient (40, 30);
  unsigned char *enc = NULL, *px = NULL;
  size_t len = 0;
  int w, h, stride;
  /* PNG: lossless, BGR and grey */
  g_assert_cmpint (cv_png_encode (&img, &enc, &len), ==, CV_OK);
  g_assert_cmpint (cv_decode_bgra (enc, len, &px, &w, &h, &stride), ==, CV_OK);
  g_assert_cmpint (w, ==, 40);
  g_assert_cmpint (h, ==, 30);
  for (int y = 0; y < 30; y++)
    for (int x = 0; x < 40; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpint (px[y * stride + 4 * x + c], ==, img.data[y * img.stride + 3 * x + c]);
  cv_free (px);
  /* the same PNG claiming 60000 x 60000 pixels (its header's check mended) */
  g_assert_true (len > 33 && !memcmp (enc + 12, "IHDR", 4));
  put_be32 (enc + 16, 60000), put_be32 (enc + 20, 60000);
  put_be32 (enc + 29, crc32_of (enc + 12, 17));
  g_assert_cmpint (cv_decode_bgra (enc, len, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  g_test_message ("huge PNG: %s", cv_last_error ());
  cv_free (enc);
  struct cv_image grey = {g_malloc (40 * 30), 40, 30, 40, 1};
  memset (grey.data, 77, 40 * 30);
  g_assert_cmpint (cv_png_encode (&grey, &enc, &len), ==, CV_OK);
  g_assert_cmpint (cv_decode_bgra (enc, len, &px, &w, &h, &stride), ==, CV_OK);
  g_assert_cmpint (px[0], ==, 77);
  g_assert_cmpint (px[3], ==, 255); /* opaque */
  cv_free (px);
  cv_free (enc);
  g_free (grey.data);
  /* a JPEG whose frame header claims 65535 x 65535 (refused, by libjpeg-turbo's own cap already) */
  decode_claiming (65535, 65535, false);
  /* cut short, or two stray bytes before its scan (libjpeg-turbo's
   * warnings; a fatal error after one was reported as a warning, and a
   * progressive picture stopped by it came back never written, holding an
   * earlier picture's pixels): no picture */
  g_assert_cmpint (cv_jpeg_encode (&img, 90, &enc, &len), ==, CV_OK);
  g_assert_cmpint (cv_decode_bgra (enc, len / 2, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  size_t sos = 0;
  for (size_t i = 2; i + 1 < len && !sos; i++)
    if (enc[i] == 0xff && enc[i + 1] == 0xda)
      sos = i;
  g_assert_cmpuint (sos, >, 0);
  unsigned char *stray = g_malloc (len + 2);
  memcpy (stray, enc, sos);
  stray[sos] = 0x12, stray[sos + 1] = 0x34;
  memcpy (stray + sos + 2, enc + sos, len - sos);
  g_assert_cmpint (cv_decode_bgra (stray, len + 2, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  g_free (stray);
  /* 100 more scan headers (each walks the whole picture again: 10 000 of
   * them were minutes of decoding) */
  static const unsigned char SCAN[] = {0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x3f, 0x00};
  unsigned char *scans = g_malloc (len + 100 * sizeof SCAN);
  memcpy (scans, enc, len - 2); /* up to its end marker */
  for (int k = 0; k < 100; k++)
    memcpy (scans + len - 2 + k * sizeof SCAN, SCAN, sizeof SCAN);
  memcpy (scans + len - 2 + 100 * sizeof SCAN, enc + len - 2, 2);
  g_assert_cmpint (cv_decode_bgra (scans, len + 100 * sizeof SCAN, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  g_assert_nonnull (strstr (cv_last_error (), "scans"));
  g_free (scans);
  cv_free (enc);
  /* a 57-byte PNG whose text chunk claims 2 GB (libpng allocates and
   * clears the claimed length before it finds the data missing) */
  static const unsigned char TEXT_2GB[] = {
      0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0, 0, 0, 0x25, 0, 0, 0, 0x15,
      8, 6, 0, 0, 0, 0xc1, 0xe4, 0x27, 0xae, 0x7f, 0xff, 0xff, 0xff, 't', 'E', 'X', 't', 'x', 'x', 'x', 'x', 'x', 'x',
      'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'};
  g_assert_cmpint (cv_decode_bgra (TEXT_2GB, sizeof TEXT_2GB, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  g_assert_nonnull (strstr (cv_last_error (), "chunk"));
  /* a BMP (which OpenCV's decoder took): not a format a display decodes */
  unsigned char bmp[58] = {'B', 'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24};
  g_assert_cmpint (cv_decode_bgra (bmp, sizeof bmp, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  g_free (img.data);
}

/* A progressive JPEG keeps every coefficient while it decodes: its cap is
 * 8 million pixels (4K UHD fits), a baseline JPEG's 32 million. Both
 * claims below are refused, the data being a 40 x 30 picture's; what
 * matters is which refused them. */
static void
a_progressive_jpeg_is_capped_lower_than_a_baseline_one (void)
{
  const char *larger = "larger than any camera's";
  g_assert_nonnull (strstr (decode_claiming (3000, 3000, true), larger)); /* 9 M progressive */
  g_assert_null (strstr (decode_claiming (3000, 3000, false), larger));   /* 9 M baseline: decoded, cut short */
  g_assert_null (strstr (decode_claiming (3840, 2160, true), larger));    /* 4K UHD progressive */
  g_assert_nonnull (strstr (decode_claiming (6000, 6000, false), larger)); /* 36 M baseline */
}

/* I420 planes straight to JPEG (the clip ring's frames): a picture of
 * four coloured quarters comes back in its colours, at its size; an odd
 * side, or planes not packed one after the other, are refused. */
static void
i420_planes_encode_to_a_jpeg_of_their_colours (void)
{
  const int w = 64, h = 48;
  /* BT.601 video range: red, green, blue, grey */
  static const unsigned char YUV[4][3] = {{81, 90, 240}, {145, 54, 34}, {41, 240, 110}, {126, 128, 128}};
  static const unsigned char BGR[4][3] = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}, {128, 128, 128}};
  unsigned char *planes = g_malloc ((size_t) w * h * 3 / 2);
  unsigned char *u = planes + w * h, *v = u + (w / 2) * (h / 2);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int q = (y >= h / 2) * 2 + (x >= w / 2);
      planes[y * w + x] = YUV[q][0];
      if (!(x & 1) && !(y & 1))
        u[(y / 2) * (w / 2) + x / 2] = YUV[q][1], v[(y / 2) * (w / 2) + x / 2] = YUV[q][2];
    }
  struct cv_image i420 = {planes, w, h * 3 / 2, w, 1};
  unsigned char *enc = NULL, *px = NULL;
  size_t len = 0;
  int dw, dh, stride;
  g_assert_cmpint (cv_jpeg_encode_i420 (&i420, 90, &enc, &len), ==, CV_OK);
  g_assert_cmpint (cv_decode_bgra (enc, len, &px, &dw, &dh, &stride), ==, CV_OK);
  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  for (int q = 0; q < 4; q++) {
    int x = (q & 1) * w / 2 + w / 4, y = (q >> 1) * h / 2 + h / 4;
    /* the JPEG is read as full range: video range comes back a little flat */
    for (int c = 0; c < 3; c++)
      g_assert_cmpint (abs (px[y * stride + 4 * x + c] - BGR[q][c]), <=, 40);
  }
  cv_free (px);
  cv_free (enc);
  struct cv_image odd = {planes, w - 1, h * 3 / 2, w - 1, 1}; /* packed, but 63 wide */
  g_assert_cmpint (cv_jpeg_encode_i420 (&odd, 90, &enc, &len), !=, CV_OK);
  struct cv_image odd_rows = {planes, w, 75, w, 1}; /* 25 luma rows: no whole chroma row for the last */
  g_assert_cmpint (cv_jpeg_encode_i420 (&odd_rows, 90, &enc, &len), !=, CV_OK);
  struct cv_image padded = {planes, w / 2, h * 3 / 2, w, 1}; /* planes not packed */
  g_assert_cmpint (cv_jpeg_encode_i420 (&padded, 90, &enc, &len), !=, CV_OK);
  g_free (planes);
}

static void
bad_input_should_return_errors_not_crash (void)
{
  unsigned char garbage[64] = {1, 2, 3};
  unsigned char *px;
  int w, h, stride;
  g_assert_cmpint (cv_decode_bgra (garbage, sizeof garbage, &px, &w, &h, &stride), ==, CV_ERR_DECODE);
  g_assert_cmpint (cv_decode_bgra (NULL, 0, &px, &w, &h, &stride), ==, CV_ERR_INVALID);
  struct cv_image bad = {garbage, 10, 10, 5, 3}; /* stride too small */
  unsigned char *jpg;
  size_t len;
  g_assert_cmpint (cv_jpeg_encode (&bad, 90, &jpg, &len), ==, CV_ERR_INVALID);
  struct cv_people_params p = {1.0, 0, 1.05, 4};
  struct cv_people_detector *det = NULL;
  p.scale_step = 0.9;
  g_assert_cmpint (cv_people_detector_create (&p, &det), ==, CV_ERR_INVALID);
  g_assert_null (det);
  cv_people_detector_destroy (NULL);
}

static void
blur_should_flatten_detail_inside_the_region_only (void)
{
  struct cv_image img = gradient (100, 100);
  /* a checkerboard in the region to blur */
  for (int y = 20; y < 60; y++)
    for (int x = 20; x < 60; x++)
      memset (img.data + y * img.stride + x * 3, ((x / 2 + y / 2) & 1) ? 255 : 0, 3);
  unsigned char outside = img.data[90 * img.stride + 90 * 3];
  g_assert_cmpint (cv_blur_region (&img, 20, 20, 40, 40), ==, CV_OK);
  int lo = 255, hi = 0;
  for (int y = 30; y < 50; y++)
    for (int x = 30; x < 50; x++) {
      int v = img.data[y * img.stride + x * 3];
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  g_assert_cmpint (hi - lo, <, 80); /* the checkerboard (contrast 255) is gone */
  g_assert_cmpint (img.data[90 * img.stride + 90 * 3], ==, outside);
  g_free (img.data);
}

static void
homography_fit_should_recover_a_known_mapping (void)
{
  const double src[] = {0, 0, 100, 0, 100, 100, 0, 100, 50, 30};
  double dst[10], h[9], rms;
  for (int i = 0; i < 5; i++) {
    double x = src[2 * i], y = src[2 * i + 1], w = 0.001 * y + 1;
    dst[2 * i] = (0.1 * x + 2) / w;
    dst[2 * i + 1] = (0.2 * y - 1) / w;
  }
  g_assert_cmpint (cv_fit_homography (src, dst, 5, h, &rms), ==, CV_OK);
  g_assert_cmpfloat (rms, <, 1e-6);
  g_assert_cmpfloat_with_epsilon (h[7], 0.001, 1e-6);
  const double line[] = {0, 0, 1, 1, 2, 2, 3, 3};
  g_assert_cmpint (cv_fit_homography (line, line, 4, h, NULL), !=, CV_OK);
}

static void
hog_should_report_no_people_in_a_plant_photo (void)
{
  /* the Middlebury aloe plant has no people: a real image, no detections */
  gchar *data;
  gsize len;
  if (!g_file_get_contents ("/usr/share/doc/opencv-doc/examples/data/aloeL.jpg", &data, &len, NULL)) {
    g_test_skip ("opencv-doc not installed");
    return;
  }
  struct cv_image img = {0};
  img.channels = 4;
  g_assert_cmpint (cv_decode_bgra ((unsigned char *) data, len, &img.data, &img.width, &img.height, &img.stride), ==,
                   CV_OK);
  struct cv_people_params p = {1.0, 0.5, 1.05, 6};
  struct cv_people_detector *det;
  g_assert_cmpint (cv_people_detector_create (&p, &det), ==, CV_OK);
  struct cv_box boxes[32];
  int n = -1;
  g_assert_cmpint (cv_people_detect (det, &img, boxes, 32, &n), ==, CV_OK);
  g_assert_cmpint (n, ==, 0);
  cv_people_detector_destroy (det);
  cv_free (img.data);
  g_free (data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vision/jpeg_round_trip_should_keep_size_and_content", jpeg_round_trip_should_keep_size_and_content);
  g_test_add_func ("/vision/crop_should_be_clipped_to_the_image", crop_should_be_clipped_to_the_image);
  g_test_add_func ("/vision/bad_input_should_return_errors_not_crash", bad_input_should_return_errors_not_crash);
  g_test_add_func ("/vision/a_progressive_jpeg_is_capped_lower_than_a_baseline_one",
                   a_progressive_jpeg_is_capped_lower_than_a_baseline_one);
  g_test_add_func ("/vision/i420_planes_encode_to_a_jpeg_of_their_colours", i420_planes_encode_to_a_jpeg_of_their_colours);
  g_test_add_func ("/vision/only_jpeg_and_png_are_decoded_and_never_a_bomb",
                   only_jpeg_and_png_are_decoded_and_never_a_bomb);
  g_test_add_func ("/vision/blur_should_flatten_detail_inside_the_region_only",
                   blur_should_flatten_detail_inside_the_region_only);
  g_test_add_func ("/vision/homography_fit_should_recover_a_known_mapping", homography_fit_should_recover_a_known_mapping);
  g_test_add_func ("/vision/hog_should_report_no_people_in_a_plant_photo", hog_should_report_no_people_in_a_plant_photo);
  return g_test_run ();
}
