/* The crosswatch GStreamer plugin: cwdetect, cwtrack, cwzones, cwliveness,
 * cwevidence, cwoverlay and cwfaces (a face camera's). Loaded from GST_PLUGIN_PATH, or registered statically by the
 * crosswatch program. */
#include "gstcwelements.h"

#ifndef PACKAGE
#define PACKAGE "crosswatch"
#endif

gboolean
cw_plugin_init (GstPlugin *plugin)
{
  gboolean ok = TRUE;
  ok &= GST_ELEMENT_REGISTER (cwdetect, plugin);
  ok &= GST_ELEMENT_REGISTER (cwtrack, plugin);
  ok &= GST_ELEMENT_REGISTER (cwzones, plugin);
  ok &= GST_ELEMENT_REGISTER (cwliveness, plugin);
  ok &= GST_ELEMENT_REGISTER (cwevidence, plugin);
  ok &= GST_ELEMENT_REGISTER (cwoverlay, plugin);
  ok &= GST_ELEMENT_REGISTER (cwfaces, plugin);
  return ok;
}

void
cw_plugin_register_static (void)
{
  static gsize once = 0;
  if (!g_once_init_enter (&once))
    return;
  gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR, "crosswatch",
                              "Pedestrian crossing enforcement", cw_plugin_init, CW_VERSION, "LGPL",
                              "crosswatch", "crosswatch", CW_ORIGIN);
  g_once_init_leave (&once, 1);
}
