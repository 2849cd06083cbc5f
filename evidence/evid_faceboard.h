/* evid_faceboard — faces a face camera saw, where and when, for the
 * overview camera's cases. A face camera ([camera:NAME] role = face) puts
 * each face it finds on the board with its ground position (its own
 * calibration, the same ground as the overview's) and its time; the
 * overview camera's evidence asks for the best face seen near its accused's
 * path at the same times. One board a site, shared by the cameras of one
 * process (`crosswatch run`), thread-safe.
 *
 * Times are each camera's capture time (gstcwfilter.h
 * gst_cw_filter_capture_time_s): a live camera's frame on the pipelines'
 * shared clock, a recorded file's own seconds (the files of a site start
 * together). The match's time window allows for what is left between them.
 */
#ifndef CW_EVID_FACEBOARD_H
#define CW_EVID_FACEBOARD_H

#include <glib.h>
#include <stdbool.h>

struct evid_faceboard;

/* The board of SITE_ID (made at the first call), with a reference. */
struct evid_faceboard *evid_faceboard_get (const char *site_id);
void evid_faceboard_unref (struct evid_faceboard *b);

/* A face CAMERA saw at time T (seconds), standing at ground (GX, GY)
 * metres, of QUALITY (higher: sharper and larger), as JPEG bytes. Faces
 * older than the board's memory (a minute before the newest) are dropped. */
void evid_faceboard_add (struct evid_faceboard *b, const char *camera, double t, double gx, double gy,
                         double quality, GBytes *jpeg);

/* CAMERA has looked at every frame up to T (each frame, faces or not;
 * INFINITY when it stops: nothing more will come from it). */
void evid_faceboard_progress (struct evid_faceboard *b, const char *camera, double t);

/* Waits at most MAX_WAIT_S until every face camera has looked up to T;
 * false when one has not by then. A recorded file's evidence waits for a
 * face camera that runs behind; a live camera's never does (0 s). */
bool evid_faceboard_wait (struct evid_faceboard *b, double t, double max_wait_s);

struct evid_face_sighting {
  char camera[65];
  double t, dt_s, distance_m, quality;
};

/* The best face seen within MAX_DT_S of a point of the path (T[i], X[i],
 * Y[i]), i < N, and within MAX_DIST_M of where the path was then; NULL when
 * none. OUT (may be NULL) says which and how near. */
GBytes *evid_faceboard_best (struct evid_faceboard *b, const double *t, const double *x, const double *y, int n,
                             double max_dt_s, double max_dist_m, struct evid_face_sighting *out);

/* The same for an accused whose path is TRACK_JSON's "ground_path"
 * ([[t, X, Y], ...], t in stream seconds, BASE_S added to make them
 * wall-clock) and, with HAS_NOW, where it stands at NOW_S (wall-clock).
 * Within 1 s and 1.5 m: a person walks about that far in that time, and
 * the cameras' clocks agree to well within it. */
GBytes *evid_faceboard_best_for (struct evid_faceboard *b, const char *track_json, double base_s, bool has_now,
                                 double now_s, const double now_ground[2], struct evid_face_sighting *out);

#endif
