/* hwcfg — the site/hardware configuration (a GLib key file, see ARCHITECTURE.md).
 *
 * hwcfg_load() parses and validates one site file. Every problem found is
 * reported, each as "FILE:LINE: [group] key: message", so an installer can fix
 * a whole file in one pass. Groups other than [site], [camera:*] and [signal]
 * are optional; their defaults are the DEFAULT_* values below and are
 * documented in hwcfg/README.md.
 */
#ifndef CW_HWCFG_H
#define CW_HWCFG_H

#include <glib.h>
#include <stdbool.h>

G_BEGIN_DECLS

#define HWCFG_ERROR (hwcfg_error_quark ())
GQuark hwcfg_error_quark (void);

typedef enum {
  HWCFG_ERROR_IO,      /* the file cannot be read */
  HWCFG_ERROR_INVALID, /* the file was read, and has one or more errors */
} HwcfgError;

enum hwcfg_zone_kind {
  HWCFG_ZONE_CROSSWALK,
  HWCFG_ZONE_CARRIAGEWAY,
  HWCFG_ZONE_KERB,
  HWCFG_ZONE_IGNORE,
};

enum hwcfg_signal_source {
  HWCFG_SIGNAL_SCHEDULE,
  HWCFG_SIGNAL_MQTT,
  HWCFG_SIGNAL_NONE,
};

struct hwcfg_point {
  double x, y;
};

/* What a camera is for: the overview camera runs the whole chain (people,
 * rules, liveness, evidence); a face camera (a zoomed camera on the kerb)
 * only finds faces, placed on the same ground, for the overview camera's
 * cases (evidence/evid_faceboard.h). */
enum hwcfg_camera_role { HWCFG_CAMERA_OVERVIEW, HWCFG_CAMERA_FACE };

struct hwcfg_camera {
  char *name;               /* the part after "camera:" */
  enum hwcfg_camera_role role;
  char *uri;                /* file://, rtsp://, v4l2:// */
  bool has_homography;
  double homography[9];     /* image pixel -> ground metres, row-major */
  char *calibration_id;     /* short hash of the homography, for packets */
  int n_ground_points;      /* pairs the homography was fitted to (0: given directly) */
  double reprojection_rms_m; /* fit error over those pairs, metres */
  double max_fit_rms_m;      /* a fit worse than this is refused (default 0.25 m) */
  int width, height;        /* the picture's size as the installer states it (0: not stated, probed) */
  double focal_px;          /* 0: estimated from the homography (zone_camera.h) */
  char *stereo_right;       /* URI of the right camera of a rectified stereo pair, or NULL */
  double stereo_baseline_m; /* distance between the pair's optical centres */
  int stereo_max_disparity; /* pixels searched by the matcher */
  char *depth_uri;          /* a depth camera registered to this one (16-bit frames), or NULL */
  double depth_scale_m;     /* metres per depth unit */
  double depth_max_range_m; /* the depth camera resolves a body's relief up to here */
};

struct hwcfg_zone {
  char *name;               /* the part after "zone:" */
  char *camera;
  enum hwcfg_zone_kind kind;
  struct hwcfg_point *polygon; /* image pixels, native resolution */
  int n_points;
};

struct hwcfg_signal {
  enum hwcfg_signal_source source;
  double cycle_s, walk_start_s, walk_end_s, clearance_s, offset_s;
  char *topic;              /* mqtt source only */
  double stale_s;           /* mqtt: no message for this long makes the phase UNKNOWN */
  bool anchored;            /* schedule: cycles run on the wall clock from cycle_anchor_us */
  gint64 cycle_anchor_us;   /* a UTC instant (unix us) at which a cycle began */
};

struct hwcfg_rules {
  /* a stay inside (or outside) counts after min_inside_s of consecutive
   * frames and at least min_inside_frames of them (zone_rules_frames_needed) */
  int min_inside_frames;
  double min_inside_s; /* 0: frames only */
  double min_depth_m;
  double red_grace_s;
  double foot_noise_px;      /* the box bottom's noise floor, pixels */
  double foot_noise_share;   /* ... and its share of the box height: the noise of a foot point */
  double uncertainty_factor; /* a kerb or crosswalk-edge test decides only by this many uncertainties */
  bool charge_unseen_entry;  /* a track first seen deep in the road may still be charged with outside_crosswalk */
};

struct hwcfg_detector {
  char *backend;            /* "hog" or "dnn" */
  double upscale;           /* hog: image scale before the 64x128 window */
  double hit_threshold;     /* hog: SVM margin for a detection */
  int scale_levels;         /* hog: window scales tried, 1.05 apart, from upscale up */
  double min_score;         /* detections below are dropped */
  int every_n_frames;       /* detect on 1 of N frames, track predicts between; 0: from the stream's rate */
  bool motion_gating;       /* detect only where the scene changed ... */
  int full_frame_every;     /* ... plus the whole frame on 1 detection frame in N */
  int max_lag_ms;           /* live: a detection frame analysed this long after capture is put off; 0: never */
  bool calibrated;          /* with a ground homography: search each image band at the sizes a
                               person has there, drop boxes no person's size (vis_finder.h) */
  double person_min_height_m, person_max_height_m; /* the people searched for */
  char *motion_algorithm;   /* "mog2" or "knn" */
  double motion_learning_rate; /* < 0: automatic */
  int motion_history;
  bool motion_shadows;
  double motion_scale;      /* the background model runs at this fraction of the resolution; 0: automatic */
  char *model, *model_config; /* dnn: network files (ONNX, or Darknet weights + cfg) */
  int input_width, input_height;
  int person_class;
  double score_threshold, nms_threshold;
  bool boxes_normalized;    /* dnn: YOLO boxes in [0,1] (Darknet) or input pixels (ONNX) */
};

/* [tracker]: each value is NAN (doubles) or -1 (ints) when the file does
 * not set it, meaning the tracker's own default (tracking/trk_tracker.h,
 * documented in hwcfg/README.md). */
struct hwcfg_tracker {
  double iou_threshold, high_score, low_score, new_track_score, low_iou_threshold;
  double inertia, buffer, lost_distance, relink_distance, appearance_weight, appearance_gate;
  int min_hits, max_age, delta_t, reupdate;
};

struct hwcfg_liveness {
  bool enabled;             /* false: every candidate goes to review as "uncertain" */
  double min_speed_mps, max_speed_mps;
  double min_displacement_m;
  double window_s;          /* history the speed and geometry checks look at */
  double motion_window_s;   /* frames the motion check follows features through */
  double min_height_m, max_height_m;          /* a person, child to very tall adult */
  double vehicle_min_height_m, vehicle_min_width_m; /* a moving blob this big is a vehicle */
  double vehicle_min_speed_mps;                /* a carrier moving slower is not told from a walker */
  double flat_relief_m, live_relief_m;         /* depth relief of a print vs a body */
};

struct hwcfg_evidence {
  char *db;
  char *key;
  char *device_id;
  int retention_days;
  char *face_cascade;       /* OpenCV cascade for evidence face crops; NULL: none */
  char **trusted_keys;      /* public key files verify trusts, NULL-terminated (may be empty) */
  int max_clock_error_ms;   /* the clock is trusted for red-signal cases within this error (default 1000) */
};

struct hwcfg_mqtt {
  bool enabled;             /* false without an [mqtt] group */
  char *host;
  int port;
  char *username, *password;
  char *tls_ca, *tls_cert, *tls_key; /* TLS to the broker when tls_ca is set */
  char **displays;          /* display ids to address, NULL-terminated */
  char *backoffice_pubkey;  /* site: media on the evidence topic are sealed to this key; NULL: withheld */
  int show_hours;           /* site: a public screen shows a case this long */
};

/* [review]: the review service (crosswatch serve, review/). */
struct hwcfg_review {
  char *listen;            /* ADDR:PORT, default 127.0.0.1:8080 */
  char *tls_cert, *tls_key; /* HTTPS when both are set (PEM files) */
  bool two_person;         /* a case is published after two confirmations, one by a supervisor */
  int session_idle_min;    /* a session ends after this long unused */
  int session_max_hours;   /* and this long after login, used or not */
  char *appeal;            /* how to appeal, on the public case page */
  char *rule_text;         /* the rule, in words, on the public case page */
  char *public_url;        /* how the public reaches this service (https://host): display QR codes point at
                              <public_url>/case/<id>; NULL: displays use their own case_url_base */
};

/* [recognition]: linking a confirmed case's face to earlier cases
 * (recognition/README.md). Off unless enabled, with a legal basis; refused
 * under profiles that forbid it. */
enum hwcfg_recognition_backend { HWCFG_RECOGNITION_LBPH, HWCFG_RECOGNITION_SFACE };
struct hwcfg_recognition {
  bool enabled;
  enum hwcfg_recognition_backend backend;
  char *legal_basis;      /* the law or authority the site relies on, in words (audited) */
  char *recognizer_model; /* sface: FaceRecognizerSF's ONNX */
  char *detector_model;   /* sface, optional: FaceDetectorYN's ONNX, to align the face */
  double threshold;       /* a similarity at or above it is suggested; NaN: the backend's own */
};

/* [status]: the running appliance's health (crosswatch run). */
struct hwcfg_status {
  char *http_listen;        /* ADDR:PORT serving /metrics (Prometheus) and /status (JSON); NULL: none */
  int interval_s;           /* how often the status is made and published (default 10) */
};

struct hwcfg {
  char *path;
  char *site_id, *site_name, *profile;
  char *timezone;           /* [site] timezone: IANA name the public sees times in; NULL: the display's */
  char *locale;             /* [site] locale: the language of [review] rule_text and appeal (en, de, zh_CN) */
  double latitude, longitude;
  struct hwcfg_camera *cameras;
  int n_cameras;
  struct hwcfg_zone *zones;
  int n_zones;
  struct hwcfg_signal signal;
  struct hwcfg_rules rules;
  struct hwcfg_detector detector;
  struct hwcfg_tracker tracker;
  struct hwcfg_liveness liveness;
  struct hwcfg_evidence evidence;
  struct hwcfg_mqtt mqtt;
  struct hwcfg_review review;
  struct hwcfg_status status;
  struct hwcfg_recognition recognition;
  bool profile_shows_faces; /* the site's profile lets public screens show faces */
};

/* Loads and validates PATH. Returns NULL and sets ERROR (message: every
 * problem, one per line) when the file cannot be read or is invalid. */
struct hwcfg *hwcfg_load (const char *path, GError **error);

/* The same with OVERRIDES' keys (GStreamer element properties) set over the
 * file's; PATH NULL: no file, every group optional (a camera's uri too),
 * errors name "(no site file)". A value set here is named as an element
 * property in errors. Any [zone:NAME] group in OVERRIDES replaces all of
 * the file's zones. */
struct hwcfg *hwcfg_load_with (const char *path, GKeyFile *overrides, GError **error);

/* The keys GROUP (site, signal, rules, detector, tracker, liveness,
 * evidence, status, mqtt, and camera for the keys of a [camera:NAME])
 * may have, NULL-terminated; NULL for another group. */
const char *const *hwcfg_group_keys (const char *group);

/* Adds GROUP, with no key, to KF unless it has it. */
void hwcfg_key_file_add_group (GKeyFile *kf, const char *group);

/* How a key is read: its type and, for numbers, its default and range
 * (a default outside the range means "not set": the module's own default,
 * as [tracker]'s -1 and NaN). */
enum hwcfg_key_type { HWCFG_KEY_STRING, HWCFG_KEY_INT, HWCFG_KEY_DOUBLE, HWCFG_KEY_BOOL };
struct hwcfg_key_info {
  enum hwcfg_key_type type;
  double def, min, max;
};
/* FALSE when KEY of GROUP is not a key the parser reads on its own. */
bool hwcfg_key_info (const char *group, const char *key, struct hwcfg_key_info *out);
void hwcfg_free (struct hwcfg *cfg);

/* The camera named NAME, or the first camera when NAME is NULL or empty.
 * NULL when there is no such camera. */
const struct hwcfg_camera *hwcfg_camera (const struct hwcfg *cfg, const char *name);

/* The detector's N (1 frame in N) for a stream of FPS frames a second (0:
 * not known): every_n_frames when set, else the largest N that keeps the
 * detector at 8 Hz or more (10 frames/s: 1; 25 or 30: 3). */
int hwcfg_detector_every_n (const struct hwcfg_detector *d, double fps);

const char *hwcfg_zone_kind_name (enum hwcfg_zone_kind kind);


/* A roadside display's own file (DISPLAY.ini): [display] and [mqtt]. */
struct hwcfg_display {
  char *path;
  char *id;              /* the display id in crosswatch/<site>/display/<id> */
  char *site_id;
  char *case_url_base;   /* the QR code encodes case_url_base + packet id */
  char *out_dir;         /* where rendered screens (PNG) are written */
  char *trusted_keys;    /* ';'-separated public key files (hex, as device.key.pub): only
                            messages signed by one of these keys are shown (required) */
  int width, height;
  char *locale;          /* the language of the screen's words: en, de, zh_CN (display/disp_words.c) */
  char *timezone;        /* IANA name (Europe/Berlin) the screen's times are given in; NULL: the system's */
  char *rule_text;       /* the rule and penalty in words; NULL: the locale's default */
  char *appeal_text;     /* how to appeal; NULL: the locale's default */
  char *profile;         /* this screen's own profile (hwcfg/PROFILES.md): the stricter of it and the message's rules */
  char *site_name;       /* the place, on the idle screen; NULL: the site id */
  char *sink;            /* none (files only), auto or a GStreamer video sink element name */
  bool fullscreen;       /* ask the sink for the whole screen (where it has a "fullscreen" property) */
  int rotation_s;        /* each current case is on screen this long before the next */
  int max_cases;         /* at most this many cases rotate (the newest) */
  struct hwcfg_mqtt mqtt;
};

struct hwcfg_display *hwcfg_display_load (const char *path, GError **error);

/* TRUE when URL is an http:// or https:// address with a host, one line of
 * printable ASCII of at most 512 bytes (what a QR code and a browser take as
 * it is). */
gboolean hwcfg_http_url_valid (const char *url);

/* TRUE when NAME looks like an IANA time zone name (Europe/London,
 * Etc/GMT+1): never a path, which GLib would open as a zone file. */
gboolean hwcfg_timezone_name_valid (const char *name);

/* TRUE when ID may be a topic level and an account name: 1 to 64 letters,
 * digits, '_', '.' and '-' (as examples/mosquitto/make-passwords.sh
 * requires). */
gboolean hwcfg_topic_id_valid (const char *id);
void hwcfg_display_free (struct hwcfg_display *d);

G_END_DECLS
#endif
