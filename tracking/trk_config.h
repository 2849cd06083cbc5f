/* trk_config — the tracker's parameters from the site config's [tracker]
 * group: keys the file sets override trk_params_default(). */
#ifndef CW_TRK_CONFIG_H
#define CW_TRK_CONFIG_H

#include "hwcfg.h"
#include "trk_tracker.h"

struct trk_params trk_params_from_config (const struct hwcfg_tracker *cfg);

#endif
