/* disp_render — draws what a roadside screen shows for one packet: the
 * still with the person outlined (heads already blurred by the appliance),
 * what happened, when and where, and a QR code of the case URL. */
#ifndef CW_DISP_RENDER_H
#define CW_DISP_RENDER_H

#include <glib.h>
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

/* Renders the show whose signed members are CONTENT (site_name, utc, type,
 * zone, signal, bbox; a member of the wrong type is drawn as empty) and whose
 * still is the JPEG JPEG to a PNG at PATH (WIDTH x HEIGHT). The JPEG's size is
 * read from its header and refused above EVID_DISPLAY_IMAGE_MAX_SIDE before it
 * is decoded. FALSE with DISP_ERROR_MESSAGE (image) or DISP_ERROR_RENDER
 * (surface, QR code, file). */
gboolean disp_render_png (JsonObject *content, GBytes *jpeg, const char *case_url, int width, int height,
                          const char *path, GError **error);

#endif
