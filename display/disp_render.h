/* disp_render — draws what a roadside screen shows for one packet: the
 * still with the person outlined (heads already blurred by the appliance),
 * what happened, when and where, and a QR code of the case URL. */
#ifndef CW_DISP_RENDER_H
#define CW_DISP_RENDER_H

#include <glib.h>
#include <cairo.h>
#include <json-glib/json-glib.h>

#define DISP_ERROR (disp_error_quark ())
GQuark disp_error_quark (void);

typedef enum {
  DISP_ERROR_MESSAGE,   /* the display message lacks a field or has a bad one */
  DISP_ERROR_RENDER,    /* drawing or writing the PNG failed */
  DISP_ERROR_REPLAY,    /* older than (or reusing) the last seq seen from its device */
  DISP_ERROR_RETRACTED, /* a show for a packet this display saw retracted */
  DISP_ERROR_STATE,     /* the display's state file cannot be read or written */
  DISP_ERROR_CONFIG,    /* no trusted key, or a key file unusable */
} DispError;

/* The case URL for PACKET_ID under BASE (g_free). */
char *disp_case_url (const char *base, const char *packet_id);

/* How a screen speaks: its words (disp_words.h), the time zone its times
 * are given in (NULL: the system's) and the rule and appeal texts (NULL:
 * the words' own). NULL for the whole: English, the system's time zone. */
struct disp_words;
struct disp_look {
  const struct disp_words *words;
  GTimeZone *tz;
  const char *rule, *appeal;
};

/* Renders the show whose signed members are CONTENT (site_name, utc, type,
 * signal, bbox; a member of the wrong type is drawn as empty) and whose still
 * is the JPEG JPEG to a PNG at PATH (WIDTH x HEIGHT), in LOOK's words: what
 * happened, the local time with its zone, the place, the signal in words,
 * the rule, how to appeal, and the QR code. The JPEG's size is read from its
 * header and refused above EVID_DISPLAY_IMAGE_MAX_SIDE before it is decoded.
 * FALSE with DISP_ERROR_MESSAGE (image) or DISP_ERROR_RENDER (surface, QR
 * code, file). */
/* What a screen draws for one case: CONTENT (the show's signed members),
 * JPEG its still (NULL: the case in words, with DAY_COUNT, the cases of
 * its DAY this screen holds, where the picture would be), CASE_URL for the QR code, and
 * what the display itself must pixelate beyond what the appliance did
 * (its profile being stricter than the message's: hwcfg/PROFILES.md). */
struct disp_case_view {
  JsonObject *content;
  GBytes *jpeg;
  const char *case_url;
  gboolean pixelate_head, pixelate_surroundings;
  const char *day; /* the violation's local day, YYYY-MM-DD */
  int day_count;   /* the cases of that day this screen holds */
};

/* The screen for V (WIDTH x HEIGHT, RGB24; cairo_surface_destroy), or NULL
 * with DISP_ERROR_MESSAGE (image) or DISP_ERROR_RENDER (surface, QR code). */
cairo_surface_t *disp_render_case (const struct disp_case_view *v, const struct disp_look *look, int width, int height,
                                   GError **error);

/* The idle screen: PLACE, "wait for the green man" in LOOK's words, the
 * local time at NOW_US and the rule. */
cairo_surface_t *disp_render_idle (const struct disp_look *look, const char *place, gint64 now_us, int width,
                                   int height, GError **error);

/* Writes SCREEN to PATH as PNG (a temporary file renamed over it). */
gboolean disp_render_write_png (cairo_surface_t *screen, const char *path, GError **error);

gboolean disp_render_png (JsonObject *content, GBytes *jpeg, const char *case_url, const struct disp_look *look,
                          int width, int height, const char *path, GError **error);

#endif
