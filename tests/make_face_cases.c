/* Writes cases with faces into a site's store, as the appliance records
 * them (evid_recorder, on a synced clock), for the recognition UI test:
 *
 *   make_face_cases SITE.ini CASCADE IMAGE[:QUALITY]...
 *
 * One red-signal case an image: the image is the frame, the face the
 * cascade finds in it the case's best face (JPEG of QUALITY, default 95).
 * Prints each case's id, one a line. */
#include "cv_shim.h"
#include "evid_recorder.h"
#include "hwcfg.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
synced_clock (struct evid_clock *out)
{
  *out = (struct evid_clock){.synced = true, .est_error_us = 2000, .max_error_us = 5000};
}

int
main (int argc, char **argv)
{
  if (argc < 4) {
    fprintf (stderr, "usage: make_face_cases SITE.ini CASCADE IMAGE[:QUALITY]...\n");
    return 2;
  }
  g_autoptr (GError) err = NULL;
  struct hwcfg *cfg = hwcfg_load (argv[1], &err);
  if (!cfg) {
    fprintf (stderr, "%s\n", err->message);
    return 1;
  }
  struct cv_face_detector *det = NULL;
  if (cv_face_detector_create (argv[2], &det) != CV_OK) {
    fprintf (stderr, "%s: %s\n", argv[2], cv_last_error ());
    return 1;
  }
  struct evid_recorder *rec = evid_recorder_create (cfg, NULL, &err);
  if (!rec) {
    fprintf (stderr, "%s\n", err->message);
    return 1;
  }
  evid_recorder_set_clock_reader (rec, synced_clock);
  for (int i = 3; i < argc; i++) {
    g_autofree char *path = g_strdup (argv[i]);
    char *colon = strrchr (path, ':');
    int quality = 95;
    if (colon) {
      quality = atoi (colon + 1);
      *colon = '\0';
    }
    g_autofree char *data = NULL;
    gsize len = 0;
    unsigned char *px = NULL;
    int w, h, stride;
    if (!g_file_get_contents (path, &data, &len, NULL) ||
        cv_decode_bgra ((unsigned char *) data, len, &px, &w, &h, &stride) != CV_OK) {
      fprintf (stderr, "cannot read %s\n", path);
      return 1;
    }
    struct cv_image bgra = {px, w, h, stride, 4};
    int found = 0;
    struct cv_rect f;
    double q;
    if (cv_face_find (det, &bgra, NULL, &found, &f, &q) != CV_OK || !found) {
      fprintf (stderr, "no face in %s\n", path);
      return 1;
    }
    unsigned char *jpg = NULL;
    size_t jlen = 0;
    cv_jpeg_encode_crop (&bgra, f.x, f.y, f.w, f.h, quality, &jpg, &jlen);
    g_autoptr (GBytes) face = g_bytes_new (jpg, jlen);
    cv_free (jpg);
    /* the frame as the pipeline has it: BGR */
    g_autofree unsigned char *bgr = g_malloc ((size_t) w * h * 3);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        memcpy (bgr + ((size_t) y * w + x) * 3, px + (size_t) y * stride + (size_t) x * 4, 3);
    cv_free (px);
    struct cv_image frame = {bgr, w, h, w * 3, 3};
    /* the person: the face's column, from the face down as far as the picture allows */
    double bh = MIN ((double) h - f.y - 1, 7.0 * f.h);
    struct evid_candidate c = {.frame = 90 + i, .utc_us = g_get_real_time (), .track_id = 100 + i,
                               .type = "red_signal", .bbox = {f.x, f.y, f.w, bh}, .zone = "road",
                               .entry_frame = 80 + i, .signal_phase = "DONT_WALK", .signal_elapsed_s = 5,
                               .signal_source = "schedule", .verdict = "live", .liveness_json = "{}",
                               .entry_seen = true, .face_jpeg = face};
    char *event = NULL;
    if (!evid_recorder_record (rec, &c, NULL, &frame, &event, &err)) {
      fprintf (stderr, "%s: %s\n", path, err->message);
      return 1;
    }
    g_autoptr (JsonNode) node = json_from_string (event, NULL);
    printf ("%s\n", json_object_get_string_member (json_node_get_object (node), "packet_id"));
    g_free (event);
  }
  evid_recorder_free (rec);
  cv_face_detector_destroy (det);
  hwcfg_free (cfg);
  return 0;
}
