/* evid_collector — holds a violation's packet open until the crossing ends,
 * so the evidence shows the whole crossing: entry and decision stills from
 * when the rule fired, then a still from the middle of the crossing and the
 * last one with the person on the road, and a short clip from PRE_FRAMES
 * before to POST_FRAMES after the decision at FPS_N/FPS_D (half resolution,
 * Matroska, encoded once the post-event frames are in; the cwevidence
 * element makes them 2 s each at the stream's rate). A packet is written when the person
 * has been off the road (or unseen) for END_FRAMES, after MAX_FRAMES at
 * most, or when the stream ends. */
#ifndef CW_EVID_COLLECTOR_H
#define CW_EVID_COLLECTOR_H

#include "evid_recorder.h"

struct evid_collector;

struct evid_collector *evid_collector_create (int end_frames, int max_frames,
                                              int pre_frames, int post_frames, int fps_n, int fps_d);

/* Every frame of the stream (BGR), for the clips. */
void evid_collector_frame (struct evid_collector *c, int frame, const struct cv_image *img);
/* Frees; open packets not finished are lost: call finish with FLUSH first. */
void evid_collector_free (struct evid_collector *c);

/* A rule fired for CAND at its frame: keep it (deep copies). */
void evid_collector_open (struct evid_collector *c, const struct evid_candidate *cand, const struct cv_image *entry,
                          const struct cv_image *decision);

/* A later liveness verdict for TRACK_ID's open packet (the first one
 * waited for more history). False when no packet follows the track. */
bool evid_collector_update_liveness (struct evid_collector *c, int track_id, const char *verdict,
                                     const char *liveness_json);

/* TRACK_ID continues LOST_ID's crossing (the tracker lost the person and
 * found them again under a new id, zone_rules.h): LOST_ID's open packets
 * follow TRACK_ID from now on (its liveness verdicts, where it is seen), so
 * they end with the crossing and take its last verdict. False when none. */
bool evid_collector_continue (struct evid_collector *c, int lost_id, int track_id);

/* TRACK_ID is in IMG at FRAME, on the road or not, in BBOX (x, y, w, h). */
void evid_collector_seen (struct evid_collector *c, int track_id, int frame, bool on_road, const struct cv_image *img,
                          const double bbox[4]);

/* Called with each finished packet (ownership passes: evid_pending_free it),
 * stills and clip filled in, ready for evid_recorder_record. */
struct evid_pending;
typedef void (*evid_packet_ready) (struct evid_pending *p, void *data);

/* Hands over the packets whose crossing ended by FRAME (all of them when
 * FLUSH) to READY. Returns how many packets are still open. */
int evid_collector_finish (struct evid_collector *c, int frame, bool flush, evid_packet_ready ready, void *data);

/* Called on the capture thread with each clip as it is cut (a reference,
 * the callee's), so that its encoding can start while the crossing goes
 * on and its frames go back to the ring; not set, the clip is encoded when
 * its packet is written. */
struct evid_clip_job;
typedef void (*evid_clip_cut) (struct evid_clip_job *clip, void *data);
void evid_collector_on_clip_cut (struct evid_collector *c, evid_clip_cut cut, void *data);

/* Full frames the open packets hold for their middle and last stills: each
 * copied once, whichever packets keep it. */
int evid_collector_frames_held (const struct evid_collector *c);
/* Distinct ring frames the open packets' clips hold: those of clips not
 * yet encoded (a snapshot while the writer encodes them). Waits while a
 * clip is being encoded: not for a capture thread's every frame. */
int evid_collector_clip_frames_held (const struct evid_collector *c);

/* Open packets. */
int evid_collector_open_count (const struct evid_collector *c);

#endif
