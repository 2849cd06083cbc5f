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
  DISP_ERROR_MESSAGE, /* the display message lacks a field or has a bad one */
  DISP_ERROR_RENDER,  /* drawing or writing the PNG failed */
} DispError;

/* The case URL for PACKET_ID under BASE (g_free). */
char *disp_case_url (const char *base, const char *packet_id);

/* Renders the "show" message MSG to a PNG at PATH (WIDTH x HEIGHT). */
gboolean disp_render_png (JsonObject *msg, const char *case_url, int width, int height, const char *path,
                          GError **error);

#endif
