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

/* The messages queued when packet ROW is confirmed: the back office's, on
 * crosswatch/<site>/evidence. Returns an array of struct evid_outbox_msg
 * (free with evid_publication_free), or NULL. What goes to the displays is
 * resolved when the case is published (evid_publication_display_shows,
 * called by evid_store_display_sync). */
GArray *evid_publication_build (struct evid_store *st, const struct evid_packet_row *row,
                                const struct hwcfg *cfg, GError **error);
void evid_publication_free (GArray *msgs);

/* When a case confirmed at CONFIRMED_US leaves public screens: [mqtt]
 * show_hours, or the profile's limit when shorter (hwcfg/PROFILES.md). */
gint64 evid_publication_show_until (const struct hwcfg *cfg, gint64 confirmed_us);

/* The show for each of DISPLAY_IDS (NULL-terminated), until EXPIRES_US:
 * retained on crosswatch/<site>/display/<id>/case/<packet>, with the
 * profile, the calibrated height, the site's time zone and the public case
 * URL in the signed text, and the redacted still unless the profile shows no
 * person or the person may be a child (then none). An array of struct
 * evid_outbox_msg (evid_publication_free), or NULL. */
GArray *evid_publication_display_shows (struct evid_store *st, const struct evid_packet_row *row,
                                        const struct hwcfg *cfg, const char *const *display_ids, gint64 expires_us,
                                        GError **error);

/* Queues the shows due on the site's displays ([mqtt] displays, as
 * configured now): every confirmed case still within its showing time that
 * a display has not been sent, signed with the store's signer (which must be
 * set). The publisher calls it as it runs, so the displays a case goes to
 * are resolved when it is published, and a display added later gets the
 * current cases. Returns how many messages were queued, or -1 with ERROR
 * when the store failed (a case that cannot be shown is warned about and
 * skipped). */
int evid_publication_sync_displays (struct evid_store *st, const struct hwcfg *cfg, gint64 now_us, GError **error);

/* The image a public screen or page shows for ROW (JPEG): the decision
 * still, redacted as the site's profile says. */
GBytes *evid_publication_public_image (struct evid_store *st, const struct evid_packet_row *row,
                                       const struct hwcfg *cfg, GError **error);

/* May ROW's person be shown in public under the site's profile (not a
 * child by calibrated height, not a profile that shows no one)?
 * *OUT_HEIGHT_M (may be NULL): the height, NaN when not measured. */
gboolean evid_publication_person_shown (const struct evid_packet_row *row, const struct hwcfg *cfg,
                                        double *out_height_m);

#endif
