/* crosswatch check-config — validates a site file, or a display's file
 * (one with a [display] group and no [site]), printing every problem with
 * its file, line and key. */
#include "cli.h"
#include "cw_source.h"
#include "disp_screen.h"
#include "hwcfg.h"
#include "hwcfg_profile.h"
#include "hwcfg_source.h"
#include "recog_faces.h"
#include "zone_geom.h"

#include <gst/gst.h>

#include <math.h>
#include <stdio.h>

/* Whether PATH is a display's file rather than a site's. */
static gboolean
is_display_file (const char *path)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  return g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL) && g_key_file_has_group (kf, "display") &&
         !g_key_file_has_group (kf, "site");
}

static int
check_display (const char *path)
{
  g_autoptr (GError) err = NULL;
  struct hwcfg_display *d = hwcfg_display_load (path, &err);
  if (!d) {
    fprintf (stderr, "%s\n", err->message);
    return 2;
  }
  /* the sink is checked against the GStreamer of this machine: the one
   * the display will run with */
  if (!disp_screen_sink_usable (d->sink, &err)) {
    fprintf (stderr, "%s: %s\n", path, err->message);
    hwcfg_display_free (d);
    return 2;
  }
  g_auto (GStrv) keys = g_strsplit (d->trusted_keys, ";", -1);
  printf ("%s: ok — display %s of site %s, %dx%d on %s, profile %s, broker %s:%d%s, %u trusted key file(s), screens "
          "in %s\n",
          path, d->id, d->site_id, d->width, d->height, d->sink, d->profile, d->mqtt.host, d->mqtt.port,
          d->mqtt.tls_ca ? " (TLS)" : "", g_strv_length (keys), d->out_dir);
  hwcfg_display_free (d);
  return 0;
}

/* Seconds a stream is given to show its picture size. */
#define PROBE_TIMEOUT_S 5

/* The sources, opened as the run would: a file or device that is not there
 * is a mistake (exit 2); a stream that does not answer now is said, since a
 * camera may be off while its cabinet is set up. With the picture's size,
 * every zone point must lie on the picture. Returns the mistakes found. */
static int
check_sources (const struct hwcfg *cfg)
{
  g_autoptr (GError) err = NULL;
  struct hwcfg_source *src = hwcfg_source_read (cfg->path, &err);
  if (!src)
    return 0; /* it was just read: gone meanwhile, nothing more to say */
  int mistakes = 0;
  for (int i = 0; i < cfg->n_cameras; i++) {
    const struct hwcfg_camera *cam = &cfg->cameras[i];
    g_autofree char *group = g_strconcat ("camera:", cam->name, NULL);
    int w = 0, h = 0;
    g_clear_error (&err);
    if (!cw_source_probe (cam->uri, PROBE_TIMEOUT_S, &w, &h, &err)) {
      gboolean stream = g_str_has_prefix (cam->uri, "rtsp://");
      fprintf (stderr, "%s:%d: [%s] uri: %s%s\n", cfg->path, hwcfg_source_line (src, group, "uri"), group,
               stream ? "note: " : "", err->message);
      mistakes += !stream;
      if (!stream)
        continue;
      w = h = 0; /* a stream that is off: the zones are checked against the size stated */
    }
    if (cam->width > 0 && w > 0 && (w != cam->width || h != cam->height)) {
      fprintf (stderr, "%s:%d: [%s] width: the camera gives %dx%d pictures, not %dx%d\n", cfg->path,
               hwcfg_source_line (src, group, "width"), group, w, h, cam->width, cam->height);
      mistakes++;
    }
    if (w == 0 && cam->width > 0)
      w = cam->width, h = cam->height;
    /* a calibration that puts the horizon across the bottom of the
     * picture is wrong (a pair, or x and y swapped); zone points beyond
     * the horizon hwcfg refuses already */
    static const double bottom[] = {0, 0.5, 1};
    for (size_t k = 0; cam->has_homography && w > 0 && k < G_N_ELEMENTS (bottom); k++) {
      struct zone_pt g, p = {bottom[k] * (w - 1), h - 1};
      if (!zone_homography_apply (cam->homography, p, &g)) {
        const char *key = cam->n_ground_points ? "ground_points" : "ground_homography";
        fprintf (stderr, "%s:%d: [%s] %s: the picture's bottom (pixel %g,%g) is beyond the horizon of this "
                 "calibration: it cannot be right (crosswatch calibrate names a wrong pair)\n",
                 cfg->path, hwcfg_source_line (src, group, key), group, key, p.x, p.y);
        mistakes++;
        break;
      }
    }
    for (int z = 0; w > 0 && z < cfg->n_zones; z++) {
      const struct hwcfg_zone *zone = &cfg->zones[z];
      if (g_strcmp0 (zone->camera, cam->name))
        continue;
      g_autofree char *zgroup = g_strconcat ("zone:", zone->name, NULL);
      for (int k = 0; k < zone->n_points; k++) {
        const struct hwcfg_point *pt = &zone->polygon[k];
        if (pt->x < 0 || pt->y < 0 || pt->x > w || pt->y > h) {
          fprintf (stderr, "%s:%d: [%s] polygon: point %d (%g,%g) is off camera %s's %dx%d picture\n", cfg->path,
                   hwcfg_source_line (src, zgroup, "polygon"), zgroup, k + 1, pt->x, pt->y, cam->name, w, h);
          mistakes++;
          break;
        }
      }
    }
  }
  hwcfg_source_free (src);
  return mistakes;
}

/* Loads the [recognition] models as the review service will: a file that
 * is there but no model is found now, not at the first confirmation. */
static gboolean
check_recognition (const struct hwcfg *cfg)
{
  const struct hwcfg_recognition *rc = &cfg->recognition;
  if (!rc->enabled)
    return TRUE;
  g_autoptr (GError) read_err = NULL;
  struct hwcfg_source *src = hwcfg_source_read (cfg->path, &read_err);
  g_autofree char *origin = g_strdup_printf ("%s:%d: [recognition]", cfg->path,
                                             src ? hwcfg_source_line (src, "recognition", "recognizer_model") : 0);
  hwcfg_source_free (src);
  struct recog_params p = {.backend = rc->backend == HWCFG_RECOGNITION_SFACE ? RECOG_SFACE : RECOG_LBPH,
                           .recognizer_model = rc->recognizer_model, .detector_model = rc->detector_model,
                           .threshold = rc->threshold, .origin = origin};
  g_autoptr (GError) err = NULL;
  struct recog *r = recog_new (&p, &err);
  if (!r) {
    fprintf (stderr, "%s\n", err->message);
    return FALSE;
  }
  recog_free (r);
  return TRUE;
}

int
cmd_check_config (int argc, char **argv)
{
  char *config = NULL;
  gboolean display = FALSE;
  const GOptionEntry entries[] = {{"config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "site config", "SITE.ini"},
                                  {"display", 0, 0, G_OPTION_ARG_NONE, &display,
                                   "the file is a display's (DISPLAY.ini; found out by itself otherwise)", NULL},
                                  {NULL}};
  gst_init (&argc, &argv);
  if (!cli_parse ("check-config", "-c SITE.ini | --display -c DISPLAY.ini", entries, &argc, &argv))
    return 2;
  if (argc > 1) {
    fprintf (stderr, "crosswatch check-config: unexpected argument '%s'\n", argv[1]);
    g_free (config);
    return 2;
  }
  if (config && (display || is_display_file (config))) {
    int rc = check_display (config);
    g_free (config);
    return rc;
  }
  struct hwcfg *cfg = cli_load_config (config);
  int status = cfg ? 0 : 2;
  if (cfg && (check_sources (cfg) > 0 || !check_recognition (cfg))) {
    status = 2;
    g_clear_pointer (&cfg, hwcfg_free);
  }
  if (cfg) {
    printf ("%s: ok — site %s, %d camera(s), %d zone(s)\n", config, cfg->site_id, cfg->n_cameras, cfg->n_zones);
    for (int i = 0; i < cfg->n_cameras; i++) {
      const struct hwcfg_camera *c = &cfg->cameras[i];
      printf ("  camera %s: %s%s, %s", c->name, c->role == HWCFG_CAMERA_FACE ? "face camera, " : "", c->uri,
              c->has_homography ? "ground calibrated" : "NOT ground calibrated (no depth test, no ground speed)");
      if (c->n_ground_points)
        printf (" (fitted to %d ground points, reprojection error %.3f m RMS)", c->n_ground_points,
                c->reprojection_rms_m);
      printf ("\n");
    }
    const struct hwcfg_profile *prof = hwcfg_profile_find (cfg->profile);
    printf ("  profile %s (hwcfg/PROFILES.md): %s%s, cases on screens %d h", prof->name,
            prof->person_shown ? "the person shown" : "no person shown",
            !prof->person_shown ? "" : prof->faces_shown ? ", faces shown" : ", faces blurred",
            MIN (cfg->mqtt.show_hours, prof->max_show_hours));
    if (cfg->mqtt.show_hours > prof->max_show_hours)
      printf (" (not [mqtt] show_hours = %d: the profile's limit is %d h)", cfg->mqtt.show_hours, prof->max_show_hours);
    printf ("\n");
    const struct hwcfg_recognition *rc = &cfg->recognition;
    if (rc->enabled)
      printf ("  recognition ON (%s, threshold %.3f): repeat-violator links and the watchlist, for reviewers only; "
              "legal basis: %s\n",
              rc->backend == HWCFG_RECOGNITION_SFACE ? "sface" : "lbph",
              isnan (rc->threshold) ? recog_default_threshold (rc->backend == HWCFG_RECOGNITION_SFACE ? RECOG_SFACE
                                                                                                   : RECOG_LBPH)
                                    : rc->threshold,
              rc->legal_basis);
    else
      printf ("  recognition off%s\n", prof->recognition_refused ? " (refused under this profile)" : "");
    if (cfg->review.public_url && g_regex_match_simple ("^https?://(127\\.|localhost|\\[::1\\])", cfg->review.public_url, 0, 0))
      printf ("  note: [review] public_url %s is a loopback address: the displays' QR codes point at it, and no "
              "passer-by can reach it\n",
              cfg->review.public_url);
    int deciding = 0;
    for (int i = 0; i < cfg->n_cameras; i++)
      deciding += cfg->cameras[i].role == HWCFG_CAMERA_OVERVIEW;
    if (deciding > 1 && cfg->signal.source == HWCFG_SIGNAL_SCHEDULE && !cfg->signal.anchored)
      printf ("  note: [signal] has no cycle_anchor: each of the %d cameras starts the schedule at its own first "
              "frame, so their phases can disagree; set cycle_anchor (read off the controller once)\n",
              deciding);
  }
  hwcfg_free (cfg);
  g_free (config);
  return status;
}
