#include "hwcfg.h"

#include "cv_shim.h"
#include "hwcfg_profile.h"
#include "hwcfg_source.h"
#include "zone_geom.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (hwcfg-error-quark, hwcfg_error)

/* Defaults of the optional groups (documented in hwcfg/README.md). */
#define DEFAULT_MIN_INSIDE_FRAMES 5
#define DEFAULT_MIN_INSIDE_S 0.5
#define DEFAULT_MIN_DEPTH_M 0.5
#define DEFAULT_RED_GRACE_S 1.0
/* How far the detector's box bottom is from the feet: on vtest.avi with the
 * example config, against PETS09-S2L1's ground truth (3,634 detections at
 * IoU 0.4 or more, vision/cv_people.cpp's body box): median +0.3 % of the
 * person's height (no bias), 16th-84th percentile -4.8 % to +5.7 %, i.e.
 * one "sigma" of about 5 % (4.3 px at the 68th percentile of the miss);
 * 3 px is the floor for small boxes. */
#define DEFAULT_FOOT_NOISE_PX 3.0
#define DEFAULT_FOOT_NOISE_SHARE 0.05
#define DEFAULT_UNCERTAINTY_FACTOR 0.75
/* HOG window scales: 12 reach people of 130 px and more (the near kerb of a
 * typical cabinet view). On vtest.avi against PETS09-S2L1's truth, share of
 * people found by height with 5 levels / 12: 100-109 px 0.81 / 0.85,
 * 110-119 px 0.48 / 0.87, 120-129 px 0.18 / 0.92, 130 px and more 0.01 /
 * 0.60, smaller ones unchanged; the whole run costs 1.5 times the CPU. */
#define DEFAULT_SCALE_LEVELS 12
#define DEFAULT_DETECTOR_UPSCALE 1.3
#define DEFAULT_DETECTOR_HIT_THRESHOLD -0.3
#define DEFAULT_DETECTOR_MIN_SCORE -0.3
/* 0: from the stream's rate, the detector at DETECT_MIN_HZ or more (below). */
#define DEFAULT_DETECTOR_EVERY_N 0
/* A live camera's capture queue holds 0.5 s (pipeline/cw_camera.c): a
 * frame due for detection half of that behind its capture passes the
 * detection on to the next frame, so the analysis catches up on the cheap
 * frames instead of the queue dropping frames (bench/README.md). */
#define DEFAULT_DETECTOR_MAX_LAG_MS 250
/* The detection rate the tracker and the rules are measured at: vtest.avi
 * is 10 frames/s, a detection each frame. On MOT15's 25 frames/s
 * sequences (TUD-Stadtmitte, TUD-Campus) a detection on 1 frame in 3
 * (8.3 Hz) costs 3.8 and 4.2 MOTA; at 10 frames/s 1 in 2 costs the rules
 * one must-find violation in twelve (bench/README.md). */
#define DETECT_MIN_HZ 8.0
#define DEFAULT_LIVE_MIN_SPEED 0.2
#define DEFAULT_LIVE_MAX_SPEED 7.0
#define DEFAULT_LIVE_MIN_DISPLACEMENT 0.5
#define DEFAULT_LIVE_WINDOW_S 2.0
#define DEFAULT_EVIDENCE_DB "var/evidence.db"
#define DEFAULT_EVIDENCE_KEY "var/device.key"
#define DEFAULT_RETENTION_DAYS 30
#define DEFAULT_MQTT_PORT 1883
#define DEFAULT_SHOW_HOURS 24

/* One parse: the file, its lines, and every error found so far. */
struct parse {
  const char *path;
  bool without_file; /* element properties only: no group is required */
  GKeyFile *overrides; /* values given as element properties, or NULL */
  GHashTable *schema;  /* when set, "group\nkey" -> struct hwcfg_key_info of every key read (hwcfg_key_info) */
  struct hwcfg_source *src;
  GKeyFile *kf;
  GString *errors;
};

static void mqtt_clear (struct hwcfg_mqtt *m);

/* An error at [GROUP] KEY's line (the group's, without KEY there), shown
 * as [SHOWN] KEY: ... (SHOWN: GROUP escaped, when it may not be printable). */
static void
vreport (struct parse *p, const char *group, const char *shown, const char *key, const char *fmt, va_list ap)
{
  int line = hwcfg_source_line (p->src, group, key);
  if (key && p->overrides && g_key_file_has_key (p->overrides, group, key, NULL)) {
    /* named as the element has it (gstcwfilter.c): the zones are one
     * property, a camera's keys and the site's have a prefix */
    g_autofree char *prop = g_str_has_prefix (group, "zone:")     ? g_strdup ("zones")
                            : g_str_has_prefix (group, "camera:") ? g_strconcat ("camera-", key, NULL)
                            : !strcmp (group, "site")             ? g_strconcat ("site-", key, NULL)
                                                                  : g_strdup (key);
    g_strdelimit (prop, "_", '-');
    g_string_append_printf (p->errors, "%s: element property %s: ", p->path, prop);
  }
  /* line 0: the group is not in the file at all */
  else if (line > 0)
    g_string_append_printf (p->errors, "%s:%d: ", p->path, line);
  else
    g_string_append_printf (p->errors, "%s: ", p->path);
  g_string_append_printf (p->errors, "[%s]%s%s: ", shown, key ? " " : "", key ? key : "");
  g_string_append_vprintf (p->errors, fmt, ap);
  g_string_append_c (p->errors, '\n');
}

static void G_GNUC_PRINTF (4, 5)
report (struct parse *p, const char *group, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vreport (p, group, group, key, fmt, ap);
  va_end (ap);
}

static void G_GNUC_PRINTF (4, 5)
report_shown (struct parse *p, const char *group, const char *shown, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vreport (p, group, shown, NULL, fmt, ap);
  va_end (ap);
}

static void
report_lint (void *data, int line, const char *group, const char *key, const char *what)
{
  struct parse *p = data;
  g_string_append_printf (p->errors, "%s:%d: ", p->path, line);
  if (group)
    g_string_append_printf (p->errors, "[%s]%s", group, key ? " " : "");
  g_string_append_printf (p->errors, "%s%s%s\n", key ? key : "", group || key ? ": " : "", what);
}

static gboolean
has_key (struct parse *p, const char *group, const char *key)
{
  return g_key_file_has_key (p->kf, group, key, NULL);
}

/* Notes how KEY of GROUP is read, for hwcfg_key_info (a typed read
 * replaces the string read it makes). */
static void
record_key (struct parse *p, const char *group, const char *key, enum hwcfg_key_type type, double def, double min,
            double max)
{
  if (!p->schema)
    return;
  char *id = g_strconcat (group, "\n", key, NULL);
  struct hwcfg_key_info *old = g_hash_table_lookup (p->schema, id);
  if (old && type == HWCFG_KEY_STRING) {
    g_free (id);
    return;
  }
  struct hwcfg_key_info *info = g_new0 (struct hwcfg_key_info, 1);
  *info = (struct hwcfg_key_info){type, def, min, max};
  g_hash_table_replace (p->schema, id, info);
}

/* The key's value, stripped; NULL (and an error when REQUIRED) when absent. */
static char *
get_string (struct parse *p, const char *group, const char *key, gboolean required)
{
  record_key (p, group, key, HWCFG_KEY_STRING, 0, 0, 0);
  char *v = g_key_file_get_string (p->kf, group, key, NULL);
  if (v)
    g_strstrip (v);
  if (v && !*v) {
    g_free (v);
    v = NULL;
  }
  if (!v && required)
    report (p, group, key, "missing (required)");
  return v;
}

static gboolean
parse_double (const char *s, double *out)
{
  char *end;
  errno = 0;
  *out = g_ascii_strtod (s, &end);
  while (*end == ' ' || *end == '\t')
    end++;
  return end != s && *end == '\0' && errno == 0 && isfinite (*out);
}

static double
get_double (struct parse *p, const char *group, const char *key, double def, double min, double max)
{
  g_autofree char *s = get_string (p, group, key, FALSE);
  record_key (p, group, key, HWCFG_KEY_DOUBLE, def, min, max);
  double v;
  if (!s)
    return def;
  if (!parse_double (s, &v)) {
    report (p, group, key, "'%s' is not a number", s);
    return def;
  }
  if (v < min || v > max) {
    report (p, group, key, "%g is out of range [%g, %g]", v, min, max);
    return def;
  }
  return v;
}

static int
get_int (struct parse *p, const char *group, const char *key, int def, int min, int max)
{
  g_autofree char *s = get_string (p, group, key, FALSE);
  record_key (p, group, key, HWCFG_KEY_INT, def, min, max);
  char *end;
  if (!s)
    return def;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (end == s || *end || errno) {
    report (p, group, key, "'%s' is not a whole number", s);
    return def;
  }
  if (v < min || v > max) {
    report (p, group, key, "%ld is out of range [%d, %d]", v, min, max);
    return def;
  }
  return (int) v;
}

/* true/false, yes/no, on/off or 1/0. */
static bool
get_bool (struct parse *p, const char *group, const char *key, bool def)
{
  g_autofree char *s = get_string (p, group, key, FALSE);
  record_key (p, group, key, HWCFG_KEY_BOOL, def, 0, 1);
  if (!s)
    return def;
  static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
  for (size_t i = 0; i < G_N_ELEMENTS (yes); i++) {
    if (g_ascii_strcasecmp (s, yes[i]) == 0)
      return true;
    if (g_ascii_strcasecmp (s, no[i]) == 0)
      return false;
  }
  report (p, group, key, "'%s' is not true or false", s);
  return def;
}

/* "x,y;x,y;..." -> points. Returns the count, -1 (reported) on a bad pair. */
/* A zone is a handful of corners; thousands are a pasted mistake, and the
 * self-intersection test is quadratic in them. */
#define MAX_POLYGON_POINTS 256

static int
parse_points (struct parse *p, const char *group, const char *key, const char *text,
              struct hwcfg_point **out)
{
  int separators = 0;
  for (const char *c = text; *c; c++)
    separators += *c == ';';
  if (separators >= MAX_POLYGON_POINTS) {
    report (p, group, key, "has %d points or more, at most %d are taken", separators, MAX_POLYGON_POINTS);
    *out = NULL;
    return -1;
  }
  g_auto (GStrv) pairs = g_strsplit (text, ";", -1);
  GArray *pts = g_array_new (FALSE, FALSE, sizeof (struct hwcfg_point));
  int i = 0;
  for (char **pair = pairs; *pair; pair++, i++) {
    g_strstrip (*pair);
    if (!**pair && !pair[1])
      break; /* a trailing ';' */
    g_auto (GStrv) xy = g_strsplit (*pair, ",", -1);
    struct hwcfg_point pt;
    if (g_strv_length (xy) != 2 || !parse_double (g_strstrip (xy[0]), &pt.x) ||
        !parse_double (g_strstrip (xy[1]), &pt.y)) {
      report (p, group, key, "point %d '%s' is not two numbers 'x,y'", i + 1, *pair);
      g_array_free (pts, TRUE);
      return -1;
    }
    g_array_append_val (pts, pt);
  }
  int n = (int) pts->len;
  *out = (struct hwcfg_point *) g_array_free (pts, FALSE);
  return n;
}

/* A profile of hwcfg/PROFILES.md. */
static void
check_profile (struct parse *p, const char *group, const char *name)
{
  if (hwcfg_profile_find (name))
    return;
  g_autofree char *names = g_strjoinv (", ", (char **) hwcfg_profile_names ());
  report (p, group, "profile", "unknown profile '%s' (%s; hwcfg/PROFILES.md)", name, names);
}

/* A language public screens speak (those display/disp_words.c has). */
static void
check_locale (struct parse *p, const char *group, const char *locale)
{
  static const char *const LOCALES[] = {"en", "de", "zh_CN", NULL};
  if (!g_strv_contains (LOCALES, locale))
    report (p, group, "locale", "'%s' is none of en, de, zh_CN", locale);
}

/* An IANA time zone this system has. */
static void
check_timezone (struct parse *p, const char *group, const char *name)
{
  GTimeZone *tz = hwcfg_timezone_name_valid (name) ? g_time_zone_new_identifier (name) : NULL;
  if (!tz)
    report (p, group, "timezone", "'%s' is no time zone this system knows (e.g. Europe/London, Asia/Shanghai)", name);
  else
    g_time_zone_unref (tz);
}

/* ---- groups ---- */

static const char *const SITE_KEYS[] = {"id", "name", "latitude", "longitude", "profile", "timezone", "locale", NULL};
static const char *const CAMERA_KEYS[] = {"uri",          "ground_homography", "ground_points",        "focal_px",
                                          "stereo_right", "stereo_baseline_m", "stereo_max_disparity", "depth_uri",
                                          "depth_scale_m", "depth_max_range_m", "max_fit_rms_m", "width", "height",
                                          "role", NULL};
static const char *const ZONE_KEYS[] = {"camera", "kind", "polygon", NULL};
static const char *const SIGNAL_KEYS[] = {"source", "cycle_s", "walk_start_s", "walk_end_s",
                                          "clearance_s", "offset_s", "topic", "stale_s", "cycle_anchor", NULL};
static const char *const RULES_KEYS[] = {"min_inside_frames", "min_inside_s",       "min_depth_m",        "red_grace_s",
                                         "foot_noise_px",     "foot_noise_share",   "uncertainty_factor",
                                         "charge_unseen_entry", NULL};
static const char *const DETECTOR_KEYS[] = {
    "backend", "upscale", "hit_threshold", "scale_levels", "min_score", "every_n_frames", "max_lag_ms", "motion_gating",
    "full_frame_every",
    "motion_algorithm", "motion_learning_rate", "motion_history", "motion_shadows", "motion_scale", "model",
    "model_config", "input_width", "input_height", "person_class", "score_threshold", "nms_threshold", "boxes",
    "calibrated", "person_min_height_m", "person_max_height_m", NULL};
static const char *const TRACKER_KEYS[] = {"iou_threshold", "min_hits", "max_age", "high_score", "low_score",
                                           "new_track_score", "low_iou_threshold", "inertia", "delta_t",
                                           "reupdate", "buffer", "lost_distance", "relink_distance",
                                           "appearance_weight", "appearance_gate", NULL};
static const char *const LIVENESS_KEYS[] = {
    "enabled",          "min_speed_mps",        "max_speed_mps",        "min_displacement_m",    "window_s",
    "motion_window_s",  "min_height_m",         "max_height_m",         "vehicle_min_height_m",  "vehicle_min_width_m",
    "vehicle_min_speed_mps", "flat_relief_m",   "live_relief_m",        NULL};
static const char *const EVIDENCE_KEYS[] = {"db",           "key",          "device_id",          "retention_days",
                                            "face_cascade", "trusted_keys", "max_clock_error_ms", NULL};
static const char *const STATUS_KEYS[] = {"http_listen", "interval_s", NULL};
#define DEFAULT_FACE_CASCADE "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
static const char *const MQTT_KEYS[] = {"host",   "port",     "username", "password",          "displays",
                                        "tls_ca", "tls_cert", "tls_key",  "backoffice_pubkey", "show_hours",
                                        NULL};

/* A public key file: one key of 64 hex digits (as crosswatch writes .pub
 * files). Checked here so a wrong path is a config error, not a refusal at
 * the first packet. */
static void
check_public_key_file (struct parse *p, const char *group, const char *key, const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  GStatBuf sb;
  if (g_stat (path, &sb) != 0 || !S_ISREG (sb.st_mode) || sb.st_size > 4096 ||
      !g_file_get_contents (path, &text, &len, NULL)) {
    report (p, group, key, "cannot read '%s' as a public key file", path);
    return;
  }
  g_strstrip (text);
  gboolean hex = strlen (text) == 64;
  for (const char *c = text; hex && *c; c++)
    hex = g_ascii_isxdigit (*c);
  if (!hex)
    report (p, group, key, "'%s' does not hold a public key (64 hex digits)", path);
}

static void
check_keys (struct parse *p, const char *group, const char *const *known)
{
  g_auto (GStrv) keys = g_key_file_get_keys (p->kf, group, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (!g_strv_contains (known, *k))
      report (p, group, *k, "unknown key");
  }
}


static void
parse_site (struct parse *p, struct hwcfg *cfg)
{
  if (!g_key_file_has_group (p->kf, "site")) {
    if (p->without_file)
      return;
    g_string_append_printf (p->errors, "%s: [site]: missing group (required)\n", p->path);
    return;
  }
  check_keys (p, "site", SITE_KEYS);
  cfg->site_id = get_string (p, "site", "id", TRUE);
  if (cfg->site_id && !hwcfg_topic_id_valid (cfg->site_id))
    report (p, "site", "id", "'%s' must be 1 to 64 letters, digits, '_', '.' or '-' (it is an MQTT topic level)",
            cfg->site_id);
  cfg->site_name = get_string (p, "site", "name", FALSE);
  cfg->latitude = get_double (p, "site", "latitude", 0, -90, 90);
  cfg->longitude = get_double (p, "site", "longitude", 0, -180, 180);
  cfg->profile = get_string (p, "site", "profile", FALSE);
  if (!cfg->profile)
    cfg->profile = g_strdup ("default");
  check_profile (p, "site", cfg->profile);
  const struct hwcfg_profile *prof = hwcfg_profile_find (cfg->profile);
  cfg->profile_shows_faces = prof && prof->faces_shown;
  cfg->timezone = get_string (p, "site", "timezone", FALSE);
  if (cfg->timezone)
    check_timezone (p, "site", cfg->timezone);
  cfg->locale = get_string (p, "site", "locale", FALSE);
  if (!cfg->locale)
    cfg->locale = g_strdup ("en");
  check_locale (p, "site", cfg->locale);
}

static void
set_homography_id (struct hwcfg_camera *cam)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 9; i++)
    g_string_append_printf (s, "%.9g;", cam->homography[i]);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, s->str, -1);
  cam->calibration_id = g_strndup (sum, 16);
  g_string_free (s, TRUE);
}

static void
parse_ground_points (struct parse *p, const char *group, struct hwcfg_camera *cam, const char *text)
{
  g_auto (GStrv) pairs = g_strsplit (text, ";", -1);
  GArray *px = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *gm = g_array_new (FALSE, FALSE, sizeof (double));
  int n = 0;
  for (char **pair = pairs; *pair; pair++) {
    if (!*g_strstrip (*pair))
      continue;
    double v[4];
    g_auto (GStrv) sides = g_strsplit (*pair, ">", 2);
    g_auto (GStrv) a = sides[0] ? g_strsplit (sides[0], ",", -1) : NULL;
    g_auto (GStrv) b = sides[0] && sides[1] ? g_strsplit (sides[1], ",", -1) : NULL;
    if (!a || !b || g_strv_length (a) != 2 || g_strv_length (b) != 2 || !parse_double (g_strstrip (a[0]), &v[0]) ||
        !parse_double (g_strstrip (a[1]), &v[1]) || !parse_double (g_strstrip (b[0]), &v[2]) ||
        !parse_double (g_strstrip (b[1]), &v[3])) {
      report (p, group, "ground_points", "pair %d '%s' is not 'x,y>X,Y'", n + 1, *pair);
      goto out;
    }
    g_array_append_vals (px, v, 2);
    g_array_append_vals (gm, v + 2, 2);
    n++;
  }
  if (n < 4) {
    report (p, group, "ground_points", "%d pairs given, at least 4 are needed", n);
    goto out;
  }
  if (cv_fit_homography ((double *) px->data, (double *) gm->data, n, cam->homography, &cam->reprojection_rms_m) !=
      CV_OK) {
    report (p, group, "ground_points", "cannot fit a homography: %s", cv_last_error ());
    goto out;
  }
  cam->has_homography = true;
  cam->n_ground_points = n;
  if (cam->reprojection_rms_m > cam->max_fit_rms_m)
    report (p, group, "ground_points",
            "the fit misses its pairs by %.3f m RMS, more than max_fit_rms_m (%.2f m): a pair is wrong "
            "(crosswatch calibrate --points names the worst)",
            cam->reprojection_rms_m, cam->max_fit_rms_m);
out:
  g_array_free (px, TRUE);
  g_array_free (gm, TRUE);
}

/* The first control character (C0, DEL, C1) of the UTF-8 text S, or NULL. */
static const char *
find_control (const char *s)
{
  for (const char *c = s; *c; c = g_utf8_next_char (c))
    if (g_unichar_iscntrl (g_utf8_get_char (c)))
      return c;
  return NULL;
}

/* The sources crosswatch can open. A URI never holds a control character
 * (RFC 3986; the key file's \n, \t escapes would put one there): refused
 * without echoing the value, which may hold terminal escapes. */
static void
check_camera_uri (struct parse *p, const char *group, const char *key, const char *uri)
{
  const char *c = uri ? find_control (uri) : NULL;
  if (c)
    report (p, group, key, "contains a control character (U+%04X at byte %d); a URI has none (percent-encode it)",
            (unsigned) g_utf8_get_char (c), (int) (c - uri));
  else if (uri && !g_str_has_prefix (uri, "file://") && !g_str_has_prefix (uri, "rtsp://") &&
           !g_str_has_prefix (uri, "v4l2://"))
    report (p, group, key, "'%s' is not a file://, rtsp:// or v4l2:// URI", uri);
}

/* A file the run creates or opens (a store, a key): a directory there is
 * a mistake the run would only find when it first writes. */
static void
check_not_directory (struct parse *p, const char *group, const char *key, const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    report (p, group, key, "'%s' is a directory; give a file's path", path);
}

/* An OpenCV cascade is XML with an <opencv_storage> root near the start. */
static gboolean
looks_like_cascade (const char *path)
{
  char head[16384] = {0}; /* licence comments come first (opencv-data's: 6 KB) */
  FILE *f = fopen (path, "rb");
  if (!f)
    return FALSE;
  size_t n = fread (head, 1, sizeof head - 1, f);
  fclose (f);
  head[n] = '\0';
  return strstr (head, "<opencv_storage>") != NULL;
}

static void
parse_camera (struct parse *p, const char *group, struct hwcfg_camera *cam)
{
  check_keys (p, group, CAMERA_KEYS);
  cam->name = g_strdup (group + strlen ("camera:"));
  if (!*cam->name)
    report (p, group, NULL, "camera group needs a name: [camera:NAME]");
  else if (!hwcfg_topic_id_valid (cam->name)) {
    /* a name is a label in the events, the status and the metrics: plain
     * words only (shown escaped here: it may not even be UTF-8) */
    g_autofree char *valid = g_utf8_make_valid (group, -1);
    g_autofree char *shown = g_strescape (valid, NULL);
    report_shown (p, group, shown, "a camera name must be 1 to 64 letters, digits, '_', '.' or '-'");
  }
  /* an element given no file never opens the camera (the pipeline's
   * source does): its camera group is the calibration alone */
  cam->uri = get_string (p, group, "uri", !p->without_file);
  check_camera_uri (p, group, "uri", cam->uri);

  g_autofree char *role = get_string (p, group, "role", FALSE);
  if (!role && has_key (p, group, "role"))
    report (p, group, "role", "empty (overview or face)");
  else if (role && !strcmp (role, "face"))
    cam->role = HWCFG_CAMERA_FACE;
  else if (role && strcmp (role, "overview"))
    report (p, group, "role", "'%s' is not overview or face", role);
  cam->max_fit_rms_m = get_double (p, group, "max_fit_rms_m", 0.25, 0.001, 100);
  cam->width = get_int (p, group, "width", 0, 16, 16384);
  cam->height = get_int (p, group, "height", 0, 16, 16384);
  if (has_key (p, group, "width") != has_key (p, group, "height"))
    report (p, group, has_key (p, group, "width") ? "height" : "width", "give width and height together");
  g_autofree char *h = get_string (p, group, "ground_homography", FALSE);
  g_autofree char *gp = get_string (p, group, "ground_points", FALSE);
  if (h && gp)
    report (p, group, "ground_points", "give ground_homography or ground_points, not both");
  if (h) {
    g_auto (GStrv) parts = g_strsplit (h, ";", -1);
    if (g_strv_length (parts) != 9) {
      report (p, group, "ground_homography", "needs 9 numbers separated by ';', has %u",
              g_strv_length (parts));
      return;
    }
    for (int i = 0; i < 9; i++) {
      if (!parse_double (g_strstrip (parts[i]), &cam->homography[i])) {
        report (p, group, "ground_homography", "element %d '%s' is not a number", i + 1, parts[i]);
        return;
      }
    }
    /* a homography is defined up to scale: judged at unit size, and kept
     * with |h33| = 1 where it can be. Its sign is kept: it says which side
     * of the horizon is in front (w > 0, zone_geom.h) */
    double *m = cam->homography, norm = 0;
    for (int i = 0; i < 9; i++)
      norm += m[i] * m[i];
    norm = sqrt (norm);
    if (!isfinite (norm) || norm == 0) {
      report (p, group, "ground_homography", "is not a homography (its size is %g)", norm);
      return;
    }
    double scale = m[8] != 0 ? fabs (m[8]) : norm;
    for (int i = 0; i < 9; i++)
      m[i] /= scale;
    double unit[9], unorm = 0;
    for (int i = 0; i < 9; i++)
      unorm += m[i] * m[i];
    unorm = sqrt (unorm);
    for (int i = 0; i < 9; i++)
      unit[i] = m[i] / unorm;
    double det = unit[0] * (unit[4] * unit[8] - unit[5] * unit[7]) - unit[1] * (unit[3] * unit[8] - unit[5] * unit[6]) +
                 unit[2] * (unit[3] * unit[7] - unit[4] * unit[6]);
    if (!isfinite (det) || fabs (det) < 1e-12) {
      report (p, group, "ground_homography", "is singular (determinant %g at unit size)", det);
      return;
    }
    cam->has_homography = true;
  } else if (gp) {
    parse_ground_points (p, group, cam, gp);
  }
  if (cam->has_homography)
    set_homography_id (cam);

  cam->focal_px = get_double (p, group, "focal_px", 0, 0, 1e5);
  cam->stereo_right = get_string (p, group, "stereo_right", FALSE);
  cam->stereo_baseline_m = get_double (p, group, "stereo_baseline_m", 0, 0, 10);
  cam->stereo_max_disparity = get_int (p, group, "stereo_max_disparity", 64, 16, 512);
  if (cam->stereo_right) {
    check_camera_uri (p, group, "stereo_right", cam->stereo_right);
    if (!(cam->stereo_baseline_m > 0))
      report (p, group, "stereo_baseline_m", "is required with stereo_right (metres between the two cameras)");
    if (!cam->has_homography)
      report (p, group, "stereo_right", "needs the ground calibration (ground_homography or ground_points)");
  }
  cam->depth_uri = get_string (p, group, "depth_uri", FALSE);
  cam->depth_scale_m = get_double (p, group, "depth_scale_m", 0.001, 1e-6, 1);
  cam->depth_max_range_m = get_double (p, group, "depth_max_range_m", 10, 0.5, 100);
  if (cam->depth_uri) {
    check_camera_uri (p, group, "depth_uri", cam->depth_uri);
    if (cam->stereo_right)
      report (p, group, "depth_uri", "give stereo_right or depth_uri, not both");
  }
}

static const char *const ZONE_KINDS[] = {"crosswalk", "carriageway", "kerb", "ignore", NULL};

const char *
hwcfg_zone_kind_name (enum hwcfg_zone_kind kind)
{
  return (unsigned) kind < G_N_ELEMENTS (ZONE_KINDS) - 1 ? ZONE_KINDS[kind] : "unknown";
}

static void
parse_zone (struct parse *p, const char *group, struct hwcfg *cfg, struct hwcfg_zone *z)
{
  check_keys (p, group, ZONE_KEYS);
  z->name = g_strdup (group + strlen ("zone:"));
  if (!*z->name)
    report (p, group, NULL, "zone group needs a name: [zone:NAME]");
  z->camera = get_string (p, group, "camera", cfg->n_cameras != 1);
  if (!z->camera && cfg->n_cameras == 1)
    z->camera = g_strdup (cfg->cameras[0].name);
  if (z->camera && !hwcfg_camera (cfg, z->camera))
    report (p, group, "camera", "unknown camera '%s' (no [camera:%s] group)", z->camera, z->camera);

  g_autofree char *kind = get_string (p, group, "kind", TRUE);
  if (kind) {
    int k = -1;
    for (int i = 0; ZONE_KINDS[i]; i++)
      if (!strcmp (kind, ZONE_KINDS[i]))
        k = i;
    if (k < 0)
      report (p, group, "kind", "unknown zone kind '%s' (crosswalk, carriageway, kerb, ignore)", kind);
    else
      z->kind = (enum hwcfg_zone_kind) k;
  }
  g_autofree char *poly = get_string (p, group, "polygon", TRUE);
  if (poly) {
    z->n_points = parse_points (p, group, "polygon", poly, &z->polygon);
    if (z->n_points >= 0 && z->n_points < 3)
      report (p, group, "polygon", "has %d points, a polygon needs at least 3", z->n_points);
    if (z->n_points < 0)
      z->n_points = 0;
    /* hwcfg_point and zone_pt are both {double x, y}: the polygon is read as is */
    G_STATIC_ASSERT (sizeof (struct hwcfg_point) == sizeof (struct zone_pt));
    /* crossing edges first: a bow tie's signed areas cancel */
    if (z->n_points >= 3 && zone_polygon_self_intersects ((const struct zone_pt *) z->polygon, z->n_points))
      report (p, group, "polygon", "edges cross each other (self-intersecting); list the points in order around the zone");
    else if (z->n_points >= 3 && zone_polygon_area ((const struct zone_pt *) z->polygon, z->n_points) < 1)
      report (p, group, "polygon", "encloses no area (under a square pixel: its points are on one line)");
  }
  const struct hwcfg_camera *cam = z->camera ? hwcfg_camera (cfg, z->camera) : NULL;
  for (int k = 0; cam && cam->has_homography && k < z->n_points; k++) {
    struct zone_pt g;
    if (!zone_homography_apply (cam->homography, (struct zone_pt){z->polygon[k].x, z->polygon[k].y}, &g)) {
      report (p, group, "polygon",
              "point %d (%g,%g) maps behind the camera or beyond the horizon with [camera:%s]'s homography", k + 1,
              z->polygon[k].x, z->polygon[k].y, cam->name);
      break;
    }
  }
}

/* A crosswalk is where people cross the carriageway: one that touches none
 * of its camera's carriageways was drawn in the wrong place (or on the wrong
 * camera), and its crossings would never be told from the road's. */
static void
check_crosswalks_on_road (struct parse *p, const struct hwcfg *cfg)
{
  for (int i = 0; i < cfg->n_zones; i++) {
    const struct hwcfg_zone *cw = &cfg->zones[i];
    if (cw->kind != HWCFG_ZONE_CROSSWALK || cw->n_points < 3 || !cw->camera)
      continue;
    gboolean any_road = FALSE, on_road = FALSE;
    for (int k = 0; k < cfg->n_zones && !on_road; k++) {
      const struct hwcfg_zone *road = &cfg->zones[k];
      if (road->kind != HWCFG_ZONE_CARRIAGEWAY || road->n_points < 3 || g_strcmp0 (road->camera, cw->camera))
        continue;
      any_road = TRUE;
      on_road = zone_polygons_overlap ((const struct zone_pt *) cw->polygon, cw->n_points,
                                       (const struct zone_pt *) road->polygon, road->n_points);
    }
    g_autofree char *group = g_strconcat ("zone:", cw->name, NULL);
    if (any_road && !on_road)
      report (p, group, "polygon", "the crosswalk overlaps none of camera %s's carriageway zones", cw->camera);
  }
}

static void
parse_signal (struct parse *p, struct hwcfg *cfg)
{
  struct hwcfg_signal *s = &cfg->signal;
  if (!g_key_file_has_group (p->kf, "signal")) {
    s->source = HWCFG_SIGNAL_NONE;
    if (p->without_file)
      return;
    g_string_append_printf (p->errors, "%s: [signal]: missing group (required)\n", p->path);
    return;
  }
  check_keys (p, "signal", SIGNAL_KEYS);
  g_autofree char *source = get_string (p, "signal", "source", TRUE);
  if (!source)
    return;
  if (!strcmp (source, "schedule"))
    s->source = HWCFG_SIGNAL_SCHEDULE;
  else if (!strcmp (source, "mqtt"))
    s->source = HWCFG_SIGNAL_MQTT;
  else if (!strcmp (source, "none"))
    s->source = HWCFG_SIGNAL_NONE;
  else {
    report (p, "signal", "source", "unknown source '%s' (schedule, mqtt, none)", source);
    return;
  }
  if (s->source == HWCFG_SIGNAL_MQTT) {
    s->topic = get_string (p, "signal", "topic", FALSE);
    if (!s->topic && cfg->site_id)
      s->topic = g_strdup_printf ("crosswatch/%s/signal/ped", cfg->site_id);
    s->stale_s = get_double (p, "signal", "stale_s", 3.0, 0.1, 3600);
    if (!g_key_file_has_group (p->kf, "mqtt"))
      report (p, "signal", "source", "mqtt needs an [mqtt] group naming the broker");
  }
  if (s->source != HWCFG_SIGNAL_SCHEDULE)
    return;
  if (!has_key (p, "signal", "cycle_s"))
    report (p, "signal", "cycle_s", "missing (required by the schedule source)");
  s->cycle_s = get_double (p, "signal", "cycle_s", 60, 1, 3600);
  s->walk_start_s = get_double (p, "signal", "walk_start_s", 0, 0, 3600);
  s->walk_end_s = get_double (p, "signal", "walk_end_s", 20, 0, 3600);
  s->clearance_s = get_double (p, "signal", "clearance_s", 0, 0, 3600);
  s->offset_s = get_double (p, "signal", "offset_s", 0, -86400, 86400);
  g_autofree char *anchor = get_string (p, "signal", "cycle_anchor", FALSE);
  if (anchor) {
    /* a UTC instant at which a cycle began, e.g. read off the controller */
    g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (anchor, NULL);
    if (!t || (!g_str_has_suffix (anchor, "Z") && !g_regex_match_simple ("[+-][0-9][0-9]:?[0-9][0-9]$", anchor, 0, 0)))
      report (p, "signal", "cycle_anchor", "'%s' is not a time with its zone (e.g. 2026-01-05T06:00:00Z)", anchor);
    else {
      s->anchored = true;
      s->cycle_anchor_us = g_date_time_to_unix (t) * G_USEC_PER_SEC + g_date_time_get_microsecond (t);
    }
  }
  if (s->walk_end_s <= s->walk_start_s)
    report (p, "signal", "walk_end_s", "%g must be after walk_start_s %g", s->walk_end_s, s->walk_start_s);
  else if (s->walk_end_s + s->clearance_s > s->cycle_s)
    report (p, "signal", "clearance_s", "walk_end_s + clearance_s (%g) exceeds cycle_s (%g)",
            s->walk_end_s + s->clearance_s, s->cycle_s);
}

static void
parse_mqtt (struct parse *p, struct hwcfg_mqtt *m)
{
  m->enabled = g_key_file_has_group (p->kf, "mqtt");
  if (m->enabled)
    check_keys (p, "mqtt", MQTT_KEYS);
  m->host = get_string (p, "mqtt", "host", FALSE);
  if (!m->host)
    m->host = g_strdup ("127.0.0.1");
  m->port = get_int (p, "mqtt", "port", DEFAULT_MQTT_PORT, 1, 65535);
  m->username = get_string (p, "mqtt", "username", FALSE);
  m->password = get_string (p, "mqtt", "password", FALSE);
  m->tls_ca = get_string (p, "mqtt", "tls_ca", FALSE);
  m->tls_cert = get_string (p, "mqtt", "tls_cert", FALSE);
  m->tls_key = get_string (p, "mqtt", "tls_key", FALSE);
  m->backoffice_pubkey = get_string (p, "mqtt", "backoffice_pubkey", FALSE);
  if (m->backoffice_pubkey)
    check_public_key_file (p, "mqtt", "backoffice_pubkey", m->backoffice_pubkey);
  m->show_hours = get_int (p, "mqtt", "show_hours", DEFAULT_SHOW_HOURS, 1, 24 * 365);
  const char *const tls_keys[] = {"tls_ca", "tls_cert", "tls_key"};
  char *const tls_files[] = {m->tls_ca, m->tls_cert, m->tls_key};
  for (int i = 0; i < 3; i++)
    if (tls_files[i] && access (tls_files[i], R_OK) != 0)
      report (p, "mqtt", tls_keys[i], "cannot read '%s': %s", tls_files[i], g_strerror (errno));
  if ((m->tls_cert != NULL) != (m->tls_key != NULL))
    report (p, "mqtt", m->tls_cert ? "tls_key" : "tls_cert", "tls_cert and tls_key go together (client certificate)");
  if ((m->tls_cert || m->tls_key) && !m->tls_ca)
    report (p, "mqtt", "tls_ca", "missing: TLS needs the CA that signed the broker's certificate");
  g_autofree char *displays = get_string (p, "mqtt", "displays", FALSE);
  m->displays = g_strsplit (displays ? displays : "main", ";", -1);
  for (char **d = m->displays; *d; d++) {
    g_strstrip (*d);
    if (!hwcfg_topic_id_valid (*d))
      report (p, "mqtt", "displays", "display id '%s' is not 1 to 64 letters, digits, '_', '.' or '-'", *d);
  }
}

static void
parse_detector (struct parse *p, struct hwcfg_detector *d)
{
  d->backend = get_string (p, "detector", "backend", FALSE);
  if (!d->backend)
    d->backend = g_strdup ("hog");
  if (strcmp (d->backend, "hog") != 0 && strcmp (d->backend, "dnn") != 0)
    report (p, "detector", "backend", "unknown backend '%s' (hog, dnn)", d->backend);
  d->upscale = get_double (p, "detector", "upscale", DEFAULT_DETECTOR_UPSCALE, 0.5, 4);
  d->hit_threshold = get_double (p, "detector", "hit_threshold", DEFAULT_DETECTOR_HIT_THRESHOLD, -5, 5);
  d->min_score = get_double (p, "detector", "min_score", DEFAULT_DETECTOR_MIN_SCORE, -5, 10);
  d->scale_levels = get_int (p, "detector", "scale_levels", DEFAULT_SCALE_LEVELS, 1, 64);
  d->every_n_frames = get_int (p, "detector", "every_n_frames", DEFAULT_DETECTOR_EVERY_N, 0, 100);
  d->motion_gating = get_bool (p, "detector", "motion_gating", true);
  d->full_frame_every = get_int (p, "detector", "full_frame_every", 50, 1, 10000);
  d->max_lag_ms = get_int (p, "detector", "max_lag_ms", DEFAULT_DETECTOR_MAX_LAG_MS, 0, 10000);
  d->calibrated = get_int (p, "detector", "calibrated", 1, 0, 1);
  d->person_min_height_m = get_double (p, "detector", "person_min_height_m", 1.2, 0.3, 3);
  d->person_max_height_m = get_double (p, "detector", "person_max_height_m", 2.1, 0.5, 4);
  if (d->person_min_height_m >= d->person_max_height_m)
    report (p, "detector", "person_min_height_m", "must be below person_max_height_m");
  d->motion_algorithm = get_string (p, "detector", "motion_algorithm", FALSE);
  if (!d->motion_algorithm)
    d->motion_algorithm = g_strdup ("mog2");
  if (strcmp (d->motion_algorithm, "mog2") != 0 && strcmp (d->motion_algorithm, "knn") != 0)
    report (p, "detector", "motion_algorithm", "unknown algorithm '%s' (mog2, knn)", d->motion_algorithm);
  d->motion_learning_rate = get_double (p, "detector", "motion_learning_rate", -1, -1, 1);
  d->motion_history = get_int (p, "detector", "motion_history", 200, 1, 100000);
  d->motion_shadows = get_int (p, "detector", "motion_shadows", 0, 0, 1);
  d->motion_scale = get_double (p, "detector", "motion_scale", 0, 0, 1);
  if (d->motion_scale > 0 && d->motion_scale < 0.1)
    report (p, "detector", "motion_scale", "%g is too small: 0 (automatic) or 0.1 to 1", d->motion_scale);
  d->model = get_string (p, "detector", "model", FALSE);
  d->model_config = get_string (p, "detector", "model_config", FALSE);
  d->input_width = get_int (p, "detector", "input_width", 416, 8, 4096);
  d->input_height = get_int (p, "detector", "input_height", 416, 8, 4096);
  d->person_class = get_int (p, "detector", "person_class", 0, 0, 10000);
  d->score_threshold = get_double (p, "detector", "score_threshold", 0.5, 0, 1);
  d->nms_threshold = get_double (p, "detector", "nms_threshold", 0.45, 0, 1);
  g_autofree char *boxes = get_string (p, "detector", "boxes", FALSE);
  d->boxes_normalized = boxes ? strcmp (boxes, "normalized") == 0 : (d->model_config != NULL);
  if (boxes && strcmp (boxes, "normalized") != 0 && strcmp (boxes, "pixels") != 0)
    report (p, "detector", "boxes", "'%s' is not normalized or pixels", boxes);
  if (strcmp (d->backend, "dnn") != 0)
    return;
  if (!d->model)
    report (p, "detector", "model", "missing (required by the dnn backend)");
  else if (access (d->model, R_OK) != 0)
    report (p, "detector", "model", "cannot read '%s': %s", d->model, g_strerror (errno));
  else
    check_not_directory (p, "detector", "model", d->model);
  if (d->model_config && access (d->model_config, R_OK) != 0)
    report (p, "detector", "model_config", "cannot read '%s': %s", d->model_config, g_strerror (errno));
  else if (d->model_config)
    check_not_directory (p, "detector", "model_config", d->model_config);
}

static const char *const REVIEW_KEYS[] = {"listen", "tls_cert", "tls_key", "two_person", "session_idle_min",
                                          "session_max_hours", "appeal", "rule_text", "public_url", NULL};

/* GROUP's KEY, a numeric ADDRESS:PORT to listen on: an IPv4 address, or an
 * IPv6 one in brackets ([::1]:9100), and a port of digits only (what the
 * servers take: svc_http_listener.c). */
static void
check_listen (struct parse *p, const char *group, const char *key, const char *value)
{
  const char *colon = strrchr (value, ':');
  g_autofree char *host = colon ? g_strndup (value, colon - value) : NULL;
  unsigned char addr[16];
  gboolean ok = host && *host;
  if (ok && host[0] == '[') {
    size_t n = strlen (host);
    ok = n > 2 && host[n - 1] == ']';
    if (ok) {
      host[n - 1] = '\0';
      ok = inet_pton (AF_INET6, host + 1, addr) == 1;
    }
  } else if (ok)
    ok = inet_pton (AF_INET, host, addr) == 1;
  const char *digits = colon ? colon + 1 : "";
  ok = ok && *digits && strspn (digits, "0123456789") == strlen (digits) && strlen (digits) <= 5 &&
       atoi (digits) >= 1 && atoi (digits) <= 65535;
  if (!ok)
    report (p, group, key, "'%s' is not a numeric ADDRESS:PORT (e.g. 127.0.0.1:%s, [::1]:%s)", value,
            !strcmp (group, "status") ? "9100" : "8080", !strcmp (group, "status") ? "9100" : "8080");
}

static void
parse_review (struct parse *p, struct hwcfg_review *r)
{
  if (g_key_file_has_group (p->kf, "review"))
    check_keys (p, "review", REVIEW_KEYS);
  r->listen = get_string (p, "review", "listen", FALSE);
  if (!r->listen)
    r->listen = g_strdup ("127.0.0.1:8080");
  check_listen (p, "review", "listen", r->listen);
  r->tls_cert = get_string (p, "review", "tls_cert", FALSE);
  r->tls_key = get_string (p, "review", "tls_key", FALSE);
  if ((r->tls_cert != NULL) != (r->tls_key != NULL))
    report (p, "review", r->tls_cert ? "tls_key" : "tls_cert", "tls_cert and tls_key go together");
  const char *const tls_keys[] = {"tls_cert", "tls_key"};
  char *const tls_files[] = {r->tls_cert, r->tls_key};
  for (int i = 0; i < 2; i++)
    if (tls_files[i] && access (tls_files[i], R_OK) != 0)
      report (p, "review", tls_keys[i], "cannot read '%s': %s", tls_files[i], g_strerror (errno));
  r->two_person = get_bool (p, "review", "two_person", true);
  r->public_url = get_string (p, "review", "public_url", FALSE);
  if (r->public_url && !hwcfg_http_url_valid (r->public_url))
    report (p, "review", "public_url", "'%s' is not an http:// or https:// address with a host (at most 512 "
            "printable characters)", r->public_url);
  r->session_idle_min = get_int (p, "review", "session_idle_min", 30, 1, 24 * 60);
  r->session_max_hours = get_int (p, "review", "session_max_hours", 10, 1, 24 * 7);
  r->appeal = get_string (p, "review", "appeal", FALSE);
  if (!r->appeal)
    r->appeal = g_strdup ("To appeal, write within 28 days to the issuing police force, quoting the case number.");
  r->rule_text = get_string (p, "review", "rule_text", FALSE);
  if (!r->rule_text)
    r->rule_text = g_strdup ("Pedestrians must not cross while the red figure shows, nor cross the carriageway "
                             "outside the crosswalk.");
}

static void
parse_optional (struct parse *p, struct hwcfg *cfg)
{
  if (g_key_file_has_group (p->kf, "rules"))
    check_keys (p, "rules", RULES_KEYS);
  cfg->rules.min_inside_frames = get_int (p, "rules", "min_inside_frames", DEFAULT_MIN_INSIDE_FRAMES, 1, 1000);
  cfg->rules.min_inside_s = get_double (p, "rules", "min_inside_s", DEFAULT_MIN_INSIDE_S, 0, 60);
  cfg->rules.min_depth_m = get_double (p, "rules", "min_depth_m", DEFAULT_MIN_DEPTH_M, 0, 100);
  cfg->rules.red_grace_s = get_double (p, "rules", "red_grace_s", DEFAULT_RED_GRACE_S, 0, 60);
  cfg->rules.foot_noise_px = get_double (p, "rules", "foot_noise_px", DEFAULT_FOOT_NOISE_PX, 0, 100);
  cfg->rules.foot_noise_share = get_double (p, "rules", "foot_noise_share", DEFAULT_FOOT_NOISE_SHARE, 0, 1);
  cfg->rules.uncertainty_factor =
      get_double (p, "rules", "uncertainty_factor", DEFAULT_UNCERTAINTY_FACTOR, 0, 10);
  cfg->rules.charge_unseen_entry = get_bool (p, "rules", "charge_unseen_entry", false);

  if (g_key_file_has_group (p->kf, "detector"))
    check_keys (p, "detector", DETECTOR_KEYS);
  parse_detector (p, &cfg->detector);

  if (g_key_file_has_group (p->kf, "tracker"))
    check_keys (p, "tracker", TRACKER_KEYS);
  struct hwcfg_tracker *t = &cfg->tracker;
  t->iou_threshold = get_double (p, "tracker", "iou_threshold", NAN, 0.01, 1);
  t->high_score = get_double (p, "tracker", "high_score", NAN, -100, 100);
  t->low_score = get_double (p, "tracker", "low_score", NAN, -100, 100);
  t->new_track_score = get_double (p, "tracker", "new_track_score", NAN, -100, 100);
  t->low_iou_threshold = get_double (p, "tracker", "low_iou_threshold", NAN, 0.01, 1);
  t->inertia = get_double (p, "tracker", "inertia", NAN, 0, 10);
  t->buffer = get_double (p, "tracker", "buffer", NAN, 0, 2);
  t->lost_distance = get_double (p, "tracker", "lost_distance", NAN, 0, 10);
  t->relink_distance = get_double (p, "tracker", "relink_distance", NAN, 0, 10);
  t->appearance_weight = get_double (p, "tracker", "appearance_weight", NAN, 0, 10);
  t->appearance_gate = get_double (p, "tracker", "appearance_gate", NAN, 0, 1);
  t->min_hits = get_int (p, "tracker", "min_hits", -1, 1, 100);
  t->max_age = get_int (p, "tracker", "max_age", -1, 1, 1000);
  t->delta_t = get_int (p, "tracker", "delta_t", -1, 1, 7);
  t->reupdate = get_int (p, "tracker", "reupdate", -1, 0, 1);

  if (g_key_file_has_group (p->kf, "liveness"))
    check_keys (p, "liveness", LIVENESS_KEYS);
  cfg->liveness.min_speed_mps = get_double (p, "liveness", "min_speed_mps", DEFAULT_LIVE_MIN_SPEED, 0, 20);
  cfg->liveness.max_speed_mps = get_double (p, "liveness", "max_speed_mps", DEFAULT_LIVE_MAX_SPEED, 0.1, 50);
  cfg->liveness.min_displacement_m =
      get_double (p, "liveness", "min_displacement_m", DEFAULT_LIVE_MIN_DISPLACEMENT, 0, 100);
  cfg->liveness.window_s = get_double (p, "liveness", "window_s", DEFAULT_LIVE_WINDOW_S, 0.2, 60);
  cfg->liveness.enabled = get_bool (p, "liveness", "enabled", true);
  cfg->liveness.motion_window_s = get_double (p, "liveness", "motion_window_s", 1.5, 0.3, 10);
  cfg->liveness.min_height_m = get_double (p, "liveness", "min_height_m", 0.8, 0.1, 3);
  cfg->liveness.max_height_m = get_double (p, "liveness", "max_height_m", 2.4, 0.5, 5);
  cfg->liveness.vehicle_min_height_m = get_double (p, "liveness", "vehicle_min_height_m", 2.5, 0.5, 10);
  cfg->liveness.vehicle_min_width_m = get_double (p, "liveness", "vehicle_min_width_m", 3.0, 0.5, 30);
  cfg->liveness.vehicle_min_speed_mps = get_double (p, "liveness", "vehicle_min_speed_mps", 2.5, 0, 50);
  cfg->liveness.flat_relief_m = get_double (p, "liveness", "flat_relief_m", 0.06, 0, 5);
  cfg->liveness.live_relief_m = get_double (p, "liveness", "live_relief_m", 0.15, 0, 5);
  if (cfg->liveness.min_height_m >= cfg->liveness.max_height_m)
    report (p, "liveness", "min_height_m", "must be below max_height_m");
  if (cfg->liveness.flat_relief_m >= cfg->liveness.live_relief_m)
    report (p, "liveness", "flat_relief_m", "must be below live_relief_m");

  if (g_key_file_has_group (p->kf, "evidence"))
    check_keys (p, "evidence", EVIDENCE_KEYS);
  cfg->evidence.db = get_string (p, "evidence", "db", FALSE);
  if (!cfg->evidence.db)
    cfg->evidence.db = g_strdup (DEFAULT_EVIDENCE_DB);
  cfg->evidence.key = get_string (p, "evidence", "key", FALSE);
  if (!cfg->evidence.key)
    cfg->evidence.key = g_strdup (DEFAULT_EVIDENCE_KEY);
  check_not_directory (p, "evidence", "db", cfg->evidence.db);
  /* SQLite reads these as an in-memory database or a URI: the evidence
   * would be kept nowhere, or somewhere else than the path says */
  if (!strcmp (cfg->evidence.db, ":memory:") || g_str_has_prefix (cfg->evidence.db, "file:") ||
      !*cfg->evidence.db)
    report (p, "evidence", "db", "'%s' is not a file's path (the evidence must be kept in a file)", cfg->evidence.db);
  check_not_directory (p, "evidence", "key", cfg->evidence.key);
  cfg->evidence.device_id = get_string (p, "evidence", "device_id", FALSE);
  if (!cfg->evidence.device_id)
    cfg->evidence.device_id = g_strdup (g_get_host_name ());
  cfg->evidence.retention_days = get_int (p, "evidence", "retention_days", DEFAULT_RETENTION_DAYS, 1, 3650);
  cfg->evidence.face_cascade = get_string (p, "evidence", "face_cascade", FALSE);
  if (cfg->evidence.face_cascade && strcmp (cfg->evidence.face_cascade, "none") == 0)
    g_clear_pointer (&cfg->evidence.face_cascade, g_free);
  else if (cfg->evidence.face_cascade && access (cfg->evidence.face_cascade, R_OK) != 0)
    report (p, "evidence", "face_cascade", "cannot read '%s': %s", cfg->evidence.face_cascade, g_strerror (errno));
  else if (cfg->evidence.face_cascade && !looks_like_cascade (cfg->evidence.face_cascade))
    report (p, "evidence", "face_cascade", "'%s' is not an OpenCV cascade (an XML file with <opencv_storage>, "
            "as opencv-data's haarcascades)", cfg->evidence.face_cascade);
  else if (!cfg->evidence.face_cascade && access (DEFAULT_FACE_CASCADE, R_OK) == 0)
    cfg->evidence.face_cascade = g_strdup (DEFAULT_FACE_CASCADE); /* opencv-data's, when installed */
  g_autofree char *trusted = get_string (p, "evidence", "trusted_keys", FALSE);
  cfg->evidence.trusted_keys = g_strsplit (trusted ? trusted : "", ";", -1);
  for (char **k = cfg->evidence.trusted_keys; *k; k++) {
    g_strstrip (*k);
    if (**k)
      check_public_key_file (p, "evidence", "trusted_keys", *k);
  }

  cfg->evidence.max_clock_error_ms = get_int (p, "evidence", "max_clock_error_ms", 1000, 1, 24 * 3600 * 1000);

  parse_mqtt (p, &cfg->mqtt);
  parse_review (p, &cfg->review);
  if (g_key_file_has_group (p->kf, "status"))
    check_keys (p, "status", STATUS_KEYS);
  cfg->status.http_listen = get_string (p, "status", "http_listen", FALSE);
  if (cfg->status.http_listen)
    check_listen (p, "status", "http_listen", cfg->status.http_listen);
  cfg->status.interval_s = get_int (p, "status", "interval_s", 10, 1, 3600);
  const struct hwcfg_profile *prof = hwcfg_profile_find (cfg->profile);
  if (prof && prof->two_person_required && !cfg->review.two_person)
    report (p, "review", "two_person", "false is refused under profile '%s': it requires two confirmations "
            "(hwcfg/PROFILES.md)", prof->name);
}

/* A face camera finds faces for the overview cameras' cases, by ground
 * position: it needs a calibration, has no zones, and serves an overview. */
static void
check_face_cameras (struct parse *p, const struct hwcfg *cfg)
{
  int overview = 0;
  for (int i = 0; i < cfg->n_cameras; i++) {
    const struct hwcfg_camera *c = &cfg->cameras[i];
    g_autofree char *group = g_strconcat ("camera:", c->name, NULL);
    if (c->role == HWCFG_CAMERA_OVERVIEW)
      overview++;
    else if (!c->has_homography)
      report (p, group, "role", "a face camera needs ground_homography or ground_points: its faces are matched to "
                                "the overview camera's people by where they stand");
  }
  for (int i = 0; i < cfg->n_zones; i++) {
    const struct hwcfg_camera *c = cfg->zones[i].camera ? hwcfg_camera (cfg, cfg->zones[i].camera) : NULL;
    g_autofree char *group = g_strconcat ("zone:", cfg->zones[i].name, NULL);
    if (c && c->role == HWCFG_CAMERA_FACE)
      report (p, group, "camera", "'%s' is a face camera: zones belong to an overview camera", c->name);
  }
  if (cfg->n_cameras > 0 && overview == 0)
    g_string_append_printf (p->errors, "%s: [camera:NAME]: every camera is a face camera: a site needs an overview "
                            "camera (role = overview, the default) to decide anything\n", p->path);
}

static const char *const RECOGNITION_KEYS[] = {"enabled", "backend", "legal_basis", "recognizer_model",
                                               "detector_model", "threshold", NULL};

static void
check_model_file (struct parse *p, const char *group, const char *key, const char *path)
{
  struct stat sb;
  if (access (path, R_OK) != 0)
    report (p, group, key, "cannot read '%s': %s", path, g_strerror (errno));
  else if (stat (path, &sb) != 0 || !S_ISREG (sb.st_mode))
    /* a FIFO or a device would block or never end the model's reading */
    report (p, group, key, "'%s' is not a regular file", path);
}

static void
parse_recognition (struct parse *p, struct hwcfg *cfg)
{
  struct hwcfg_recognition *r = &cfg->recognition;
  r->threshold = NAN;
  if (!g_key_file_has_group (p->kf, "recognition"))
    return;
  const struct hwcfg_profile *prof = hwcfg_profile_find (cfg->profile);
  if (prof && prof->recognition_refused) {
    /* any setting at all: a site under such a profile has no business
     * keeping one, even switched off */
    report (p, "recognition", NULL, "refused under profile '%s': %s (hwcfg/PROFILES.md); remove the group",
            prof->name, prof->recognition_refused);
    return;
  }
  check_keys (p, "recognition", RECOGNITION_KEYS);
  r->enabled = get_bool (p, "recognition", "enabled", false);
  g_autofree char *backend = get_string (p, "recognition", "backend", FALSE);
  if (!backend && has_key (p, "recognition", "backend"))
    report (p, "recognition", "backend", "empty (lbph or sface)");
  else if (!backend || !strcmp (backend, "lbph"))
    r->backend = HWCFG_RECOGNITION_LBPH;
  else if (!strcmp (backend, "sface"))
    r->backend = HWCFG_RECOGNITION_SFACE;
  else
    report (p, "recognition", "backend", "unknown backend '%s' (lbph or sface)", backend);
  r->legal_basis = get_string (p, "recognition", "legal_basis", FALSE);
  gboolean basis_text = TRUE;
  for (const char *c = r->legal_basis; c && *c; c++)
    basis_text &= (unsigned char) *c >= 0x20 && *c != 0x7f;
  if (r->legal_basis && (!basis_text || !g_utf8_validate (r->legal_basis, -1, NULL) || strlen (r->legal_basis) > 2000))
    report (p, "recognition", "legal_basis", "must be one line of UTF-8 text of at most 2000 bytes, without control "
                                             "characters");
  else if (r->enabled && !r->legal_basis)
    report (p, "recognition", "legal_basis",
            "missing: recognition is enabled only with the law or authority it rests on, in words (at least 10 "
            "characters)");
  else if (r->enabled && strlen (r->legal_basis) < 10)
    report (p, "recognition", "legal_basis",
            "'%s' is too short: the law or authority it rests on, in words (at least 10 characters; a ';' starts a "
            "comment)",
            r->legal_basis);
  r->recognizer_model = get_string (p, "recognition", "recognizer_model", FALSE);
  r->detector_model = get_string (p, "recognition", "detector_model", FALSE);
  if (r->backend == HWCFG_RECOGNITION_SFACE && !r->recognizer_model)
    report (p, "recognition", "recognizer_model", "missing (required by the sface backend: FaceRecognizerSF's ONNX)");
  if (r->recognizer_model)
    check_model_file (p, "recognition", "recognizer_model", r->recognizer_model);
  if (r->detector_model)
    check_model_file (p, "recognition", "detector_model", r->detector_model);
  if (has_key (p, "recognition", "threshold")) {
    /* below these every face matches every other (recognition/README.md):
     * lbph's impostor pairs score about 0.045, sface's about 0.1 */
    double floor = r->backend == HWCFG_RECOGNITION_SFACE ? 0.2 : 0.06;
    r->threshold = get_double (p, "recognition", "threshold", 0.5, floor, 1);
  }
}

static void
parse_groups (struct parse *p, struct hwcfg *cfg)
{
  g_auto (GStrv) groups = g_key_file_get_groups (p->kf, NULL);
  static const char *const FIXED[] = {"site", "signal", "rules", "detector", "tracker", "liveness",
                                      "evidence", "mqtt", "review", "status", "recognition", NULL};
  int n_cam = 0, n_zone = 0;
  for (char **g = groups; *g; g++) {
    if (g_str_has_prefix (*g, "camera:"))
      n_cam++;
    else if (g_str_has_prefix (*g, "zone:"))
      n_zone++;
    else if (!g_strv_contains (FIXED, *g))
      report (p, *g, NULL, "unknown group");
  }
  parse_site (p, cfg);
  cfg->cameras = g_new0 (struct hwcfg_camera, n_cam);
  for (char **g = groups; *g; g++)
    if (g_str_has_prefix (*g, "camera:"))
      parse_camera (p, *g, &cfg->cameras[cfg->n_cameras++]);
  if (n_cam == 0 && !p->without_file)
    g_string_append_printf (p->errors, "%s: [camera:NAME]: no camera group (at least one is required)\n",
                            p->path);
  cfg->zones = g_new0 (struct hwcfg_zone, n_zone);
  for (char **g = groups; *g; g++)
    if (g_str_has_prefix (*g, "zone:"))
      parse_zone (p, *g, cfg, &cfg->zones[cfg->n_zones++]);
  check_crosswalks_on_road (p, cfg);
  check_face_cameras (p, cfg);
  parse_signal (p, cfg);
  parse_optional (p, cfg);
  parse_recognition (p, cfg);
  /* after [evidence]: its face_cascade is how a face camera finds faces */
  for (int i = 0; i < cfg->n_cameras; i++) {
    g_autofree char *group = g_strconcat ("camera:", cfg->cameras[i].name, NULL);
    if (cfg->cameras[i].role == HWCFG_CAMERA_FACE && !cfg->evidence.face_cascade)
      report (p, group, "role", "a face camera finds faces with [evidence] face_cascade, which is none (install "
                                "opencv-data, or name a cascade)");
  }
}

/* Reads PATH (NULL: no file, OVERRIDES only) into P, OVERRIDES (may be
 * NULL) over it. FALSE with ERROR set when it is not a key file. */
void
hwcfg_key_file_add_group (GKeyFile *kf, const char *group)
{
  /* GKeyFile has no call for it; a group stays when its last key goes */
  if (g_key_file_has_group (kf, group))
    return;
  g_key_file_set_value (kf, group, "-", "");
  g_key_file_remove_key (kf, group, "-", NULL);
}

static gboolean
parse_open (struct parse *p, const char *path, GKeyFile *overrides, GError **error)
{
  GError *local = NULL;
  memset (p, 0, sizeof *p);
  p->without_file = path == NULL;
  p->path = path ? path : "(no site file)";
  p->overrides = overrides;
  p->src = path ? hwcfg_source_read (path, &local) : hwcfg_source_new ("");
  if (!p->src) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_IO, "%s: %s", path, local->message);
    g_error_free (local);
    return FALSE;
  }
  p->kf = g_key_file_new ();
  if (!g_key_file_load_from_data (p->kf, hwcfg_source_text (p->src), -1, G_KEY_FILE_NONE, &local)) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: not a key file: %s", path, local->message);
    g_error_free (local);
    g_key_file_free (p->kf);
    hwcfg_source_free (p->src);
    return FALSE;
  }
  g_auto (GStrv) groups = overrides ? g_key_file_get_groups (overrides, NULL) : NULL;
  /* zones given over the file replace all of its zones, not just those
   * of the same name: an element sees the zones it was given */
  gboolean zones_given = FALSE;
  for (char **g = groups; g && *g; g++)
    zones_given |= g_str_has_prefix (*g, "zone:");
  if (zones_given) {
    g_auto (GStrv) file_groups = g_key_file_get_groups (p->kf, NULL);
    for (char **g = file_groups; *g; g++)
      if (g_str_has_prefix (*g, "zone:"))
        g_key_file_remove_group (p->kf, *g, NULL);
  }
  for (char **g = groups; g && *g; g++) {
    hwcfg_key_file_add_group (p->kf, *g); /* an empty one too: it names a camera */
    g_auto (GStrv) keys = g_key_file_get_keys (overrides, *g, NULL, NULL);
    for (char **k = keys; k && *k; k++) {
      g_autofree char *v = g_key_file_get_value (overrides, *g, *k, NULL);
      g_key_file_set_value (p->kf, *g, *k, v);
    }
  }
  p->errors = g_string_new (NULL);
  hwcfg_source_lint (p->src, report_lint, p);
  return TRUE;
}

/* Ends a parse: TRUE when no error was reported, else FALSE with ERROR set. */
static gboolean
parse_close (struct parse *p, GError **error)
{
  gboolean ok = p->errors->len == 0;
  if (!ok) {
    g_string_truncate (p->errors, p->errors->len - 1);
    g_set_error_literal (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, p->errors->str);
  }
  g_string_free (p->errors, TRUE);
  g_key_file_free (p->kf);
  hwcfg_source_free (p->src);
  return ok;
}

struct hwcfg *
hwcfg_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return hwcfg_load_with (path, NULL, error);
}

struct hwcfg *
hwcfg_load_with (const char *path, GKeyFile *overrides, GError **error)
{
  struct parse p;
  if (!parse_open (&p, path, overrides, error))
    return NULL;
  struct hwcfg *cfg = g_new0 (struct hwcfg, 1);
  cfg->path = g_strdup (p.path);
  parse_groups (&p, cfg);
  if (!parse_close (&p, error)) {
    hwcfg_free (cfg);
    return NULL;
  }
  return cfg;
}

bool
hwcfg_key_info (const char *group, const char *key, struct hwcfg_key_info *out)
{
  static GHashTable *schema;
  if (g_once_init_enter (&schema)) {
    /* every key is read, with its type, default and range, by a parse of
     * an empty file: the parser is the one description of the keys */
    GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    struct parse p;
    if (parse_open (&p, NULL, NULL, NULL)) {
      p.schema = t;
      struct hwcfg *cfg = g_new0 (struct hwcfg, 1);
      parse_groups (&p, cfg);
      parse_close (&p, NULL);
      hwcfg_free (cfg);
    }
    g_once_init_leave (&schema, t);
  }
  g_autofree char *id = g_strconcat (group, "\n", key, NULL);
  const struct hwcfg_key_info *info = g_hash_table_lookup (schema, id);
  if (info && out)
    *out = *info;
  return info != NULL;
}

const char *const *
hwcfg_group_keys (const char *group)
{
  static const struct {
    const char *group;
    const char *const *keys;
  } GROUPS[] = {{"site", SITE_KEYS},         {"signal", SIGNAL_KEYS},     {"rules", RULES_KEYS},
                {"detector", DETECTOR_KEYS}, {"tracker", TRACKER_KEYS},   {"liveness", LIVENESS_KEYS},
                {"evidence", EVIDENCE_KEYS}, {"status", STATUS_KEYS},     {"mqtt", MQTT_KEYS},
                {"camera", CAMERA_KEYS}};
  for (size_t i = 0; i < G_N_ELEMENTS (GROUPS); i++)
    if (g_strcmp0 (GROUPS[i].group, group) == 0)
      return GROUPS[i].keys;
  return NULL;
}

static const char *const DISPLAY_KEYS[] = {"id",     "site",     "case_url_base", "out_dir",     "width",
                                           "height", "trusted_keys", "locale",     "timezone",    "rule_text",
                                           "appeal_text", "profile", "site_name", "sink", "fullscreen",
                                           "rotation_s", "max_cases", NULL};

/* Each file of the ';'-separated PATHS must hold one public key: a display
 * that could trust no one, or the wrong file, must not start. */
static void
check_trusted_keys (struct parse *p, const char *paths)
{
  g_auto (GStrv) list = g_strsplit (paths, ";", -1);
  int n = 0;
  for (char **f = list; *f; f++) {
    if (*g_strstrip (*f)) {
      n++;
      check_public_key_file (p, "display", "trusted_keys", *f);
    }
  }
  if (n == 0)
    report (p, "display", "trusted_keys", "no key file given");
}

struct hwcfg_display *
hwcfg_display_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  struct parse p;
  if (!parse_open (&p, path, NULL, error))
    return NULL;
  struct hwcfg_display *d = g_new0 (struct hwcfg_display, 1);
  d->path = g_strdup (path);
  if (!g_key_file_has_group (p.kf, "display"))
    g_string_append_printf (p.errors, "%s: [display]: missing group (required)\n", path);
  else
    check_keys (&p, "display", DISPLAY_KEYS);
  d->id = get_string (&p, "display", "id", TRUE);
  d->site_id = get_string (&p, "display", "site", TRUE);
  /* both become MQTT topic levels: a wildcard or separator would make the
   * display listen to (or report for) other displays */
  const char *const topic_keys[] = {"id", "site"};
  const char *const topic_values[] = {d->id, d->site_id};
  for (int i = 0; i < 2; i++)
    if (topic_values[i] && !hwcfg_topic_id_valid (topic_values[i]))
      report (&p, "display", topic_keys[i], "'%s' is not 1 to 64 letters, digits, '_', '.' or '-' (it is an MQTT "
              "topic level and the display's account name)", topic_values[i]);
  d->case_url_base = get_string (&p, "display", "case_url_base", FALSE);
  if (d->case_url_base && !hwcfg_http_url_valid (d->case_url_base))
    report (&p, "display", "case_url_base", "'%s' is not an http:// or https:// address with a host (at most 512 "
            "printable characters)", d->case_url_base);
  d->out_dir = get_string (&p, "display", "out_dir", FALSE);
  if (!d->out_dir)
    d->out_dir = g_strdup ("var/screens");
  d->trusted_keys = get_string (&p, "display", "trusted_keys", FALSE);
  if (d->trusted_keys)
    check_trusted_keys (&p, d->trusted_keys);
  else
    report (&p, "display", "trusted_keys",
            "missing (required: the public key files, e.g. the appliance's device.key.pub, whose signed messages "
            "this display shows; it trusts no message without one)");
  d->width = get_int (&p, "display", "width", 1280, 320, 7680);
  d->height = get_int (&p, "display", "height", 720, 240, 4320);
  d->locale = get_string (&p, "display", "locale", FALSE);
  if (!d->locale)
    d->locale = g_strdup ("en");
  check_locale (&p, "display", d->locale);
  d->timezone = get_string (&p, "display", "timezone", FALSE);
  if (d->timezone)
    check_timezone (&p, "display", d->timezone);
  d->profile = get_string (&p, "display", "profile", FALSE);
  if (!d->profile)
    d->profile = g_strdup ("default");
  check_profile (&p, "display", d->profile);
  d->site_name = get_string (&p, "display", "site_name", FALSE);
  d->sink = get_string (&p, "display", "sink", FALSE);
  if (!d->sink)
    d->sink = g_strdup ("none");
  if (strcmp (d->sink, "none") && strcmp (d->sink, "auto") && !g_regex_match_simple ("^[a-z0-9]+sink$", d->sink, 0, 0))
    report (&p, "display", "sink", "'%s' is not none, auto or the name of a GStreamer video sink (ximagesink, "
            "waylandsink, kmssink, ...)", d->sink);
  d->fullscreen = get_bool (&p, "display", "fullscreen", true);
  d->rotation_s = get_int (&p, "display", "rotation_s", 10, 1, 3600);
  d->max_cases = get_int (&p, "display", "max_cases", 10, 1, 1000);
  d->rule_text = get_string (&p, "display", "rule_text", FALSE);
  d->appeal_text = get_string (&p, "display", "appeal_text", FALSE);
  parse_mqtt (&p, &d->mqtt);
  if (!parse_close (&p, error)) {
    hwcfg_display_free (d);
    return NULL;
  }
  return d;
}

void
hwcfg_display_free (struct hwcfg_display *d)
{
  if (!d)
    return;
  g_free (d->path);
  g_free (d->id);
  g_free (d->site_id);
  g_free (d->locale);
  g_free (d->timezone);
  g_free (d->profile);
  g_free (d->site_name);
  g_free (d->sink);
  g_free (d->rule_text);
  g_free (d->appeal_text);
  g_free (d->case_url_base);
  g_free (d->out_dir);
  g_free (d->trusted_keys);
  mqtt_clear (&d->mqtt);
  g_free (d);
}

void
hwcfg_free (struct hwcfg *cfg)
{
  if (!cfg)
    return;
  for (int i = 0; i < cfg->n_cameras; i++) {
    g_free (cfg->cameras[i].name);
    g_free (cfg->cameras[i].uri);
    g_free (cfg->cameras[i].stereo_right);
    g_free (cfg->cameras[i].depth_uri);
    g_free (cfg->cameras[i].calibration_id);
  }
  for (int i = 0; i < cfg->n_zones; i++) {
    g_free (cfg->zones[i].name);
    g_free (cfg->zones[i].camera);
    g_free (cfg->zones[i].polygon);
  }
  g_free (cfg->cameras);
  g_free (cfg->zones);
  g_free (cfg->path);
  g_free (cfg->site_id);
  g_free (cfg->site_name);
  g_free (cfg->profile);
  g_free (cfg->signal.topic);
  g_free (cfg->detector.backend);
  g_free (cfg->detector.motion_algorithm);
  g_free (cfg->detector.model);
  g_free (cfg->recognition.legal_basis);
  g_free (cfg->recognition.recognizer_model);
  g_free (cfg->recognition.detector_model);
  g_free (cfg->detector.model_config);
  g_free (cfg->evidence.db);
  g_free (cfg->evidence.key);
  g_free (cfg->evidence.device_id);
  g_free (cfg->evidence.face_cascade);
  g_strfreev (cfg->evidence.trusted_keys);
  mqtt_clear (&cfg->mqtt);
  g_free (cfg->review.listen);
  g_free (cfg->status.http_listen);
  g_free (cfg->review.tls_cert);
  g_free (cfg->review.tls_key);
  g_free (cfg->review.appeal);
  g_free (cfg->review.rule_text);
  g_free (cfg->review.public_url);
  g_free (cfg->timezone);
  g_free (cfg->locale);
  g_free (cfg);
}

static void
mqtt_clear (struct hwcfg_mqtt *m)
{
  g_free (m->host);
  g_free (m->username);
  g_free (m->password);
  g_free (m->tls_ca);
  g_free (m->tls_cert);
  g_free (m->tls_key);
  g_free (m->backoffice_pubkey);
  g_strfreev (m->displays);
}

const struct hwcfg_camera *
hwcfg_camera (const struct hwcfg *cfg, const char *name)
{
  if (!cfg || cfg->n_cameras == 0)
    return NULL;
  if (!name || !*name)
    return &cfg->cameras[0];
  for (int i = 0; i < cfg->n_cameras; i++)
    if (!strcmp (cfg->cameras[i].name, name))
      return &cfg->cameras[i];
  return NULL;
}

int
hwcfg_detector_every_n (const struct hwcfg_detector *d, double fps)
{
  if (d->every_n_frames > 0)
    return d->every_n_frames;
  if (!(fps > 0) || !isfinite (fps))
    return 1;
  return (int) CLAMP (floor (fps / DETECT_MIN_HZ + 1e-9), 1, 100);
}

gboolean
hwcfg_http_url_valid (const char *url)
{
  if (!url || strlen (url) > 512 || (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://")))
    return FALSE;
  for (const char *c = url; *c; c++)
    if ((unsigned char) *c <= 0x20 || (unsigned char) *c >= 0x7f)
      return FALSE;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  return uri && g_uri_get_host (uri) && *g_uri_get_host (uri);
}

gboolean
hwcfg_timezone_name_valid (const char *name)
{
  return name && strlen (name) <= 64 && !strstr (name, "..") &&
         g_regex_match_simple ("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", name, 0, 0);
}

gboolean
hwcfg_topic_id_valid (const char *id)
{
  size_t n = id ? strlen (id) : 0;
  return n >= 1 && n <= 64 && strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}
