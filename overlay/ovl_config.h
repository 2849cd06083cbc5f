/* ovl_config — the overlay's site layers from a site config (hwcfg): the
 * zones of one camera, its calibration and the rules' kerb depth. */
#ifndef CW_OVL_CONFIG_H
#define CW_OVL_CONFIG_H

#include "hwcfg.h"
#include "ovl_site.h"

G_BEGIN_DECLS

/* ovl_site_create for camera CAMERA (NULL: the first) of CFG. NULL with
 * ERROR when CFG has no such camera. */
struct ovl_site *ovl_site_from_config (const struct hwcfg *cfg, const char *camera, GError **error);

G_END_DECLS
#endif
