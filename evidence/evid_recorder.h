/* evid_recorder — turns a violation candidate into evidence: JPEG stills,
 * the packet record (schema in evidence/PACKET.md), its hashes, one SQLite
 * transaction, and the event line of the events contract. */
#ifndef CW_EVID_RECORDER_H
#define CW_EVID_RECORDER_H

#include "cv_shim.h"
#include "evid_clock.h"
#include "evid_store.h"
#include "hwcfg.h"

#include <glib.h>
#include <stdbool.h>

#define EVID_SCHEMA "crosswatch.packet/1"

struct evid_candidate {
  int frame;                /* decision frame, from 1 */
  double pts_s;
  gint64 utc_us;            /* wall clock at the decision frame */
  int track_id;
  const char *type;         /* red_signal | outside_crosswalk */
  double bbox[4];           /* x, y, w, h in native pixels at the decision frame */
  bool has_ground;
  double ground_m[2];
  double ground_sigma_m;    /* uncertainty of ground_m (metres), < 0 unknown */
  bool entry_seen;          /* the step off the kerb was seen */
  bool position_uncertain;  /* the rule held on the measured foot points, never by their uncertainty */
  bool has_motion;
  double speed_mps, heading_deg; /* on the ground, over the last second */
  const char *zone;
  int entry_frame;
  int entry_still_frame;    /* the frame of the entry still (0: entry_frame) */
  const char *signal_phase; /* at entry */
  double signal_elapsed_s;  /* at entry */
  const char *signal_source;
  const char *liveness_json; /* {"verdict":..,"checks":{..}} */
  const char *verdict;      /* live | uncertain | flat */
  const char *track_json;   /* {"ground_path":[[t,X,Y],..],"speed_mps":..}, or NULL */
  const double *others;     /* boxes (x,y,w,h) of the other people in the frame */
  int n_others;
  GBytes *face_jpeg;        /* the track's best face crop, or NULL */
  double face_quality;
  /* the face came from a face camera (evid_faceboard.h): its name, and how
   * far in time and on the ground it was from the accused's path; NULL:
   * from the overview camera itself */
  const char *face_camera;
  double face_dt_s, face_distance_m;
  GBytes *mid_jpeg;         /* a still from the middle of the crossing, or NULL */
  int mid_frame;
  GBytes *last_jpeg;        /* the last still with the person on the road, or NULL */
  int last_frame;
  /* the person's box (x, y, w, h) in the entry, middle and last stills, so
   * a reviewer sees whom each still is about; has_*: it was known */
  bool has_entry_bbox, has_mid_bbox, has_last_bbox;
  double entry_bbox[4], mid_bbox[4], last_bbox[4];
  GBytes *clip_mkv;         /* a short clip around the decision (Matroska), or NULL */
  int clip_first_frame, clip_last_frame;
};

struct evid_recorder;

/* Opens the evidence store named by CFG. */
struct evid_recorder *evid_recorder_create (const struct hwcfg *cfg, const char *camera, GError **error);

/* The device key at PATH for store ST: created only while ST holds no
 * packet; a missing key for a store with packets is an error that names
 * the store, the last signing key and the way out (crosswatch key). Every
 * program that writes the store opens its key this way. */
struct evid_key;
struct evid_key *evid_recorder_open_key (struct evid_store *st, const char *path, GError **error);
void evid_recorder_free (struct evid_recorder *rec);

/* Records CAND with stills from ENTRY (may be NULL: the decision frame is used)
 * and DECISION. On success *OUT_EVENT_JSON (g_free) is the events-contract
 * line. A flat verdict is stored as decision "rejected_flat", a candidate
 * the liveness checks could not assess (its JSON's "assessed":false) as
 * "liveness_unassessed", a position the camera could not place as
 * "position_uncertain" (review_flag the same): all kept for review, in a
 * state no review can confirm, so never published; any other as a
 * "violation" pending review. */
bool evid_recorder_record (struct evid_recorder *rec, const struct evid_candidate *cand,
                           const struct cv_image *entry, const struct cv_image *decision,
                           char **out_event_json, GError **error);

/* evid_recorder_record of a packet held open (evid_pending.h), its
 * pictures converted back from how it holds them (EVID_ERROR_PICTURE when
 * that fails). */
struct evid_pending;
bool evid_recorder_record_pending (struct evid_recorder *rec, const struct evid_pending *p, char **out_event_json,
                                   GError **error);

/* Reads the clock for each packet (evid_clock_read unless set: tests
 * stand in a synchronised or a drifting clock). A red-signal case recorded
 * while the clock is not trusted ([evidence] max_clock_error_ms) is stored
 * as decision "clock_unsynced" (review_flag and review state of that
 * name): no review can confirm it until a supervisor has checked the time
 * and cleared it (clear_clock), so it is never published before. */
typedef void (*evid_clock_reader) (struct evid_clock *out);
void evid_recorder_set_clock_reader (struct evid_recorder *rec, evid_clock_reader read_clock);

/* When the disk is full (EVID_ERROR_FULL from record), the candidate and
 * its stills are kept in memory, up to EVID_BACKLOG_MAX (the oldest are
 * dropped beyond, and counted), and written by evid_recorder_retry once
 * there is space again. */
#define EVID_BACKLOG_MAX 64

/* Tries to write the backlog, oldest first. Appends the events-contract
 * line of each packet written to EVENTS (g_free each). Returns how many
 * are still waiting; stops at the first failure (in ERROR). */
int evid_recorder_retry (struct evid_recorder *rec, GPtrArray *events, GError **error);

/* Candidates waiting in memory, and those dropped for lack of room. */
int evid_recorder_backlog (const struct evid_recorder *rec, int *out_dropped);

/* The store the recorder writes to. */
struct evid_store *evid_recorder_store (struct evid_recorder *rec);

#endif
