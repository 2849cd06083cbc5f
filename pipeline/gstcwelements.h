/* The elements of the crosswatch plugin. */
#ifndef GST_CW_ELEMENTS_H
#define GST_CW_ELEMENTS_H

#include "gstcwfilter.h"

G_BEGIN_DECLS

#define GST_TYPE_CW_DETECT (gst_cw_detect_get_type ())
G_DECLARE_FINAL_TYPE (GstCwDetect, gst_cw_detect, GST, CW_DETECT, GstCwFilter)
#define GST_TYPE_CW_TRACK (gst_cw_track_get_type ())
G_DECLARE_FINAL_TYPE (GstCwTrack, gst_cw_track, GST, CW_TRACK, GstCwFilter)
#define GST_TYPE_CW_ZONES (gst_cw_zones_get_type ())
G_DECLARE_FINAL_TYPE (GstCwZones, gst_cw_zones, GST, CW_ZONES, GstCwFilter)
#define GST_TYPE_CW_LIVENESS (gst_cw_liveness_get_type ())
G_DECLARE_FINAL_TYPE (GstCwLiveness, gst_cw_liveness, GST, CW_LIVENESS, GstCwFilter)
#define GST_TYPE_CW_EVIDENCE (gst_cw_evidence_get_type ())
G_DECLARE_FINAL_TYPE (GstCwEvidence, gst_cw_evidence, GST, CW_EVIDENCE, GstCwFilter)
#define GST_TYPE_CW_FACES (gst_cw_faces_get_type ())
G_DECLARE_FINAL_TYPE (GstCwFaces, gst_cw_faces, GST, CW_FACES, GstCwFilter)
#define GST_TYPE_CW_OVERLAY (gst_cw_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstCwOverlay, gst_cw_overlay, GST, CW_OVERLAY, GstCwFilter)

GST_ELEMENT_REGISTER_DECLARE (cwdetect);
GST_ELEMENT_REGISTER_DECLARE (cwtrack);
GST_ELEMENT_REGISTER_DECLARE (cwzones);
GST_ELEMENT_REGISTER_DECLARE (cwliveness);
GST_ELEMENT_REGISTER_DECLARE (cwevidence);
GST_ELEMENT_REGISTER_DECLARE (cwoverlay);
GST_ELEMENT_REGISTER_DECLARE (cwfaces);

/* Registers all elements in PLUGIN. */
gboolean cw_plugin_init (GstPlugin *plugin);

/* Registers the elements into the application itself (no plugin path
 * needed); once, however often it is called. */
void cw_plugin_register_static (void);

/* Name of the element message carrying one events-contract line ("json"). */
#define CW_EVENT_MESSAGE "crosswatch-event"

G_END_DECLS
#endif
