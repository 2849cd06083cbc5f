/* evid_pending — a violation candidate that outlives the frame it came
 * from: deep copies of the candidate, its strings, stills and frames
 * (GStreamer owns what a candidate points to only for one buffer). */
#ifndef CW_EVID_PENDING_H
#define CW_EVID_PENDING_H

#include "evid_clip_job.h"
#include "evid_frame.h"
#include "evid_recorder.h"

struct evid_pending {
  struct evid_candidate c;         /* points into the fields below */
  /* held compact (evid_image_keep_compact: I420, half a BGR copy's bytes,
   * when the sides are even) for as long as the crossing keeps the packet
   * open, which at 720p is 2.8 MB a packet less; entry.data NULL: none */
  struct cv_image entry, decision;
  gboolean entry_compact, decision_compact; /* FALSE: a plain copy (no BGR picture) */
  GStrv strings;
  double *others;
  struct evid_clip_job *clip; /* a reference: encoded off the capture thread; NULL: no clip */
};

/* The clip (when there is one), encoded now unless the writer did it
 * already, into p->c.clip_mkv. FALSE with ERROR when it could not be
 * encoded (the packet goes without a clip). */
gboolean evid_pending_encode_clip (struct evid_pending *p, GError **error);

struct evid_pending *evid_pending_new (const struct evid_candidate *c, const struct cv_image *entry,
                                       const struct cv_image *decision);
void evid_pending_free (struct evid_pending *p);

/* P's entry still (*ENTRY NULL when there is none) and decision frame in
 * BGR, converted into SCRATCH[0] and [1] (the caller frees their data).
 * FALSE when a conversion fails. */
gboolean evid_pending_pictures (const struct evid_pending *p, struct cv_image scratch[2],
                                const struct cv_image **entry, const struct cv_image **decision);

/* Replaces the candidate's best face with FACE (a reference is taken), seen
 * by face camera CAMERA DT_S from and DISTANCE_M off the accused's path. */
void evid_pending_set_face (struct evid_pending *p, GBytes *face, double quality, const char *camera, double dt_s,
                            double distance_m);

/* Replaces the candidate's liveness verdict and its JSON (copies). */
void evid_pending_set_liveness (struct evid_pending *p, const char *verdict, const char *liveness_json);

/* An owned, tightly packed copy of IMG (all zero for NULL). */
struct cv_image evid_image_copy (const struct cv_image *img);

#endif
