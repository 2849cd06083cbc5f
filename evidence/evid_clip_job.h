/* evid_clip_job — one packet's clip on its way from the ring's frames
 * (references to their JPEGs) to Matroska bytes. Made once, by whoever
 * runs it first: the writer thread as soon as the clip is cut, so the
 * frames go back to the ring while the crossing goes on (a packet stays
 * open until the person leaves the road); or the packet's own write, when
 * nobody ran it before. Reference-counted and locked: the open packet and
 * the writer's queue each hold it, on different threads. */
#ifndef CW_EVID_CLIP_JOB_H
#define CW_EVID_CLIP_JOB_H


#include <glib.h>

struct evid_clip_job;

/* A job for N frames (evid_clip_frame_jpeg), WIDTH x HEIGHT, at
 * FPS_N/FPS_D: takes over the N references in JPEGS (the array stays the
 * caller's). */
struct evid_clip_job *evid_clip_job_new (GBytes *const *jpegs, int n, int width, int height, int fps_n, int fps_d);
struct evid_clip_job *evid_clip_job_ref (struct evid_clip_job *j);
void evid_clip_job_unref (struct evid_clip_job *j); /* NULL: nothing */

/* Makes the clip, unless done already, and lets the frames go. Holds the
 * job's lock meanwhile (a GStreamer pipeline, some milliseconds): the
 * calls below wait for it. */
void evid_clip_job_run (struct evid_clip_job *j);

/* The clip (a new reference), run first when it was not; NULL with ERROR
 * when it could not be encoded. */
GBytes *evid_clip_job_result (struct evid_clip_job *j, GError **error);

/* Frames still held (0 once run), and the Kth of them (a new reference),
 * for the collector's count and for tests. */
int evid_clip_job_frames_held (struct evid_clip_job *j);
GBytes *evid_clip_job_frame (struct evid_clip_job *j, int k);

#endif
