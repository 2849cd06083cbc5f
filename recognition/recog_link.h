/* recog_link — repeat-violator linking: a newly confirmed case's face is
 * compared with the faces of earlier confirmed cases still kept, and each
 * one at or above the threshold becomes a "possible earlier case X
 * (score)" for the reviewer. Never automatic: a link changes no case and
 * is never published; the search and every match are audit rows. */
#ifndef CW_RECOG_LINK_H
#define CW_RECOG_LINK_H

#include "evid_store.h"
#include "recog_faces.h"

/* Links PACKET_ID (its "face_best" still) to earlier cases in ST, as
 * ACTOR, and searches the watchlist's entries in force. *OUT_LINKS and
 * *OUT_WATCH (may be NULL): how many of each were suggested; a case with no
 * face crop or no face found in it is searched for nothing (0, TRUE). */
bool recog_link_case (struct recog *r, struct evid_store *st, const char *packet_id, const char *actor,
                      int *out_links, int *out_watch, GError **error);

/* Enrols the face in IMAGE (JPEG or PNG) on ST's watchlist as ACTOR, in
 * force until EXPIRES_UTC. FALSE + ERROR when no face is found in it. */
bool recog_watch_enrol (struct recog *r, struct evid_store *st, const char *label, const char *reason,
                        const char *legal_basis, const char *expires_utc, const char *actor, GBytes *image,
                        gint64 *out_id, GError **error);

#endif
