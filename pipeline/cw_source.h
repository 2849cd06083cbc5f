/* cw_source — camera sources built element by element.
 *
 * A URI from the site config only ever becomes a property value
 * (uridecodebin's "uri", v4l2src's "device"), never text of a launch line:
 * a quote in a config value cannot add elements to a pipeline. */
#ifndef CW_SOURCE_H
#define CW_SOURCE_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* A new element of FACTORY named NAME (NULL: GStreamer's choice). Returns
 * NULL with a GST_CORE_ERROR_MISSING_PLUGIN error when the factory is not
 * installed. */
GstElement *cw_element_make (const char *factory, const char *name, GError **error);

/* One element of a chain: its factory and name (NULL: GStreamer's choice). */
struct cw_chain_link {
  const char *factory, *name;
};

/* Adds the N elements of CHAIN to BIN, each linked to the one before;
 * *OUT_HEAD is the first. FALSE with ERROR when an element is missing or a
 * link fails (the elements added so far stay in BIN). */
gboolean cw_chain_add (GstBin *bin, const struct cw_chain_link *chain, size_t n, GstElement **out_head,
                       GError **error);

/* Adds the elements that decode URI to BIN and links the decoded video pad,
 * when it appears, to the "sink" pad of DOWNSTREAM (already in BIN):
 * v4l2://DEVICE is v4l2src device=DEVICE ! decodebin, anything else is
 * uridecodebin uri=URI. A source that ends up with no video stream posts a
 * STREAM/WRONG_TYPE error naming the URI on the bus. Returns FALSE with
 * ERROR ("cannot open URI: reason") when a file:// URI names no readable
 * file, or when an element is missing or the static link fails; BIN then
 * holds nothing new. */
gboolean cw_source_add (GstBin *bin, const char *uri, GstElement *downstream, GError **error);

/* What check-config asks of a camera before the run: a file:// URI must be a
 * readable file and a v4l2:// device must exist (FALSE with ERROR, "cannot
 * open URI: reason"); a file or rtsp:// stream is then opened for at most
 * TIMEOUT_S seconds for its picture size (*WIDTH, *HEIGHT; 0 when the
 * source was not opened: a v4l2 device may be the run's already). FALSE with
 * ERROR when a file or stream cannot be opened or has no video. */
gboolean cw_source_probe (const char *uri, int timeout_s, int *width, int *height, GError **error);

G_END_DECLS
#endif
