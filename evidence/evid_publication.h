/* evid_publication — what a confirmed packet becomes on the bus (topics of
 * ARCHITECTURE.md): for the back office on crosswatch/<site>/evidence the
 * signed record with its media sealed to [mqtt] backoffice_pubkey (withheld
 * without it); for each roadside screen a display message on
 * crosswatch/<site>/display/<id>, signed by the store when queued
 * (evid_display_msg.h), whose image has every person's head blurred unless
 * the site's profile allows faces on public screens and everything around
 * the violator pixelated. */
#ifndef CW_EVID_PUBLICATION_H
#define CW_EVID_PUBLICATION_H

#include "evid_store.h"
#include "hwcfg.h"

/* Builds the outbox messages for packet ROW. Returns an array of
 * struct evid_outbox_msg (free with evid_publication_free), or NULL. */
GArray *evid_publication_build (struct evid_store *st, const struct evid_packet_row *row,
                                const struct hwcfg *cfg, GError **error);
void evid_publication_free (GArray *msgs);

/* The image a public screen shows for ROW (JPEG): the decision still,
 * redacted as above unless the site's profile allows faces. */
GBytes *evid_publication_public_image (struct evid_store *st, const struct evid_packet_row *row,
                                       const struct hwcfg *cfg, GError **error);

#endif
