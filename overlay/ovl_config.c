#include "ovl_config.h"

#include <string.h>

static enum ovl_zone_kind
kind_of (enum hwcfg_zone_kind k)
{
  switch (k) {
  case HWCFG_ZONE_CROSSWALK:
    return OVL_ZONE_CROSSWALK;
  case HWCFG_ZONE_CARRIAGEWAY:
    return OVL_ZONE_CARRIAGEWAY;
  case HWCFG_ZONE_KERB:
    return OVL_ZONE_KERB;
  case HWCFG_ZONE_IGNORE:
  default:
    return OVL_ZONE_IGNORE;
  }
}

struct ovl_site *
ovl_site_from_config (const struct hwcfg *cfg, const char *camera, GError **error)
{
  const struct hwcfg_camera *cam = hwcfg_camera (cfg, camera);
  if (!cam) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no [camera:%s]", cfg->path, camera ? camera : "");
    return NULL;
  }
  struct ovl_site_params p = {.calibrated = cam->has_homography,
                              .focal_px = cam->focal_px,
                              .min_depth_m = cfg->rules.min_depth_m};
  memcpy (p.to_ground, cam->homography, sizeof p.to_ground);
  g_autofree struct ovl_zone_params *zones = g_new0 (struct ovl_zone_params, MAX (cfg->n_zones, 1));
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < cfg->n_zones; i++) {
    const struct hwcfg_zone *z = &cfg->zones[i];
    if (g_strcmp0 (z->camera, cam->name))
      continue;
    double *xy = g_new (double, 2 * MAX (z->n_points, 1));
    for (int k = 0; k < z->n_points; k++)
      xy[2 * k] = z->polygon[k].x, xy[2 * k + 1] = z->polygon[k].y;
    g_ptr_array_add (points, xy);
    zones[p.n_zones++] = (struct ovl_zone_params){z->name, kind_of (z->kind), xy, z->n_points};
  }
  p.zones = zones;
  return ovl_site_create (&p);
}
