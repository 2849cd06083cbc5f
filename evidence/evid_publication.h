/* evid_publication — what a confirmed packet becomes on the bus (topics of
 * ARCHITECTURE.md): the full packet for police systems on
 * crosswatch/<site>/evidence, and for each roadside screen a display message
 * on crosswatch/<site>/display/<id> whose image has every person's head
 * blurred unless the site's profile allows faces on public screens. */
#ifndef CW_EVID_PUBLICATION_H
#define CW_EVID_PUBLICATION_H

#include "evid_store.h"
#include "hwcfg.h"

/* Builds the outbox messages for packet ROW. Returns an array of
 * struct evid_outbox_msg (free with evid_publication_free), or NULL. */
GArray *evid_publication_build (struct evid_store *st, const struct evid_packet_row *row,
                                const struct hwcfg *cfg, GError **error);
void evid_publication_free (GArray *msgs);

#endif
