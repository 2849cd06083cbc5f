/* Entry point of the loadable plugin (libgstcrosswatch.so). */
#include "gstcwelements.h"

#define PACKAGE "crosswatch"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return cw_plugin_init (plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, crosswatch, "Pedestrian crossing enforcement", plugin_init,
                   CW_VERSION, "LGPL", "crosswatch", CW_ORIGIN)
