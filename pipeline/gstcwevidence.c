/**
 * SECTION:element-cwevidence
 * Turns violation candidates into evidence packets (evidence/): stills at
 * entry and decision, a person crop, hashes, one SQLite transaction each,
 * and posts one "crosswatch-event" element message per decision with the
 * events-contract JSON line in its "json" field.
 *
 * |[
 * ... ! cwliveness config=site.ini ! cwevidence config=site.ini ! fakesink
 * ]|
 */
#include "gstcwelements.h"

#include "evid_collector.h"
#include "evid_faceboard.h"
#include "evid_faces.h"
#include "evid_pending.h"
#include "evid_recent.h"
#include "evid_recorder.h"
#include "evid_writer.h"
#include "zone_rules.h"

#include <math.h>

GST_DEBUG_CATEGORY_STATIC (gst_cw_evidence_debug);
#define GST_CAT_DEFAULT gst_cw_evidence_debug

/* Faces are looked for on 1 frame in FACE_EVERY: a face changes little in
 * a fifth of a second, and the search costs. */
#define FACE_EVERY 3
#define FACE_KEEP_FRAMES 600

struct _GstCwEvidence {
  GstCwFilter parent;
  struct evid_recorder *rec;
  struct evid_faces *faces;
  struct evid_collector *collector; /* made at the first frame (open_collector) */
  struct hwcfg_rules rules; /* how long a stay in the road takes to count (open_collector) */
  struct hwcfg_detector detector; /* which frames the detector runs on (open_collector) */
  struct evid_recent *recent;     /* the last frames the detector ran on: a case's entry still */
  int detector_every;             /* ... 1 in this many */
  gboolean full; /* the store reported a full disk; evidence waits in memory (writer thread) */
  /* The process's one evidence writer (evidence/evid_writer.c) writes this
   * camera's packets: a slow disk never holds up capture. */
  struct evid_writer *writer;
  struct evid_writer_client *client;
  /* the site's face board when it has a face camera; the stream's second 0
   * on the capture clock (NaN: not known yet); whether a face camera was
   * too far behind once (no case waits for it again) */
  struct evid_faceboard *board;
  double clock_base_s;
  gboolean face_wait_gave_up;
};

G_DEFINE_TYPE (GstCwEvidence, gst_cw_evidence, GST_TYPE_CW_FILTER)

static void finish_packets (GstCwEvidence *self, int frame, gboolean flush);
static void write_packet (void *data, struct evid_pending *p);
static void retry_backlog (void *data);
GST_ELEMENT_REGISTER_DEFINE (cwevidence, "cwevidence", GST_RANK_NONE, GST_TYPE_CW_EVIDENCE)

static gboolean
gst_cw_evidence_configure (GstCwFilter *filter, const struct hwcfg *cfg, const char *camera, GError **error)
{
  GstCwEvidence *self = GST_CW_EVIDENCE (filter);
  if (!cfg->site_id) {
    /* a packet is signed for a site: there is no default one */
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "%s: no site id: set site-id or a site file", cfg->path);
    return FALSE;
  }
  self->rec = evid_recorder_create (cfg, camera, error);
  if (!self->rec)
    return FALSE;
  if (cfg->evidence.face_cascade) {
    self->faces = evid_faces_create (cfg->evidence.face_cascade, error);
    if (!self->faces)
      return FALSE;
  }
  for (int i = 0; i < cfg->n_cameras; i++)
    if (cfg->cameras[i].role == HWCFG_CAMERA_FACE && !self->board)
      self->board = evid_faceboard_get (cfg->site_id);
  self->clock_base_s = NAN;
  self->face_wait_gave_up = FALSE;
  /* the collector and the entry stills' ring are made at the first frame,
   * when the stream's rate is known (open_collector) */
  self->rules = cfg->rules;
  self->detector = cfg->detector;
  self->writer = evid_writer_acquire ();
  self->client = evid_writer_attach (self->writer, write_packet, retry_backlog, self);
  return TRUE;
}

static void
gst_cw_evidence_release (GstCwFilter *filter)
{
  GstCwEvidence *self = GST_CW_EVIDENCE (filter);
  if (self->collector) {
    finish_packets (self, G_MAXINT, TRUE);
    evid_collector_free (self->collector);
    self->collector = NULL;
  }
  evid_writer_detach (self->client);
  self->client = NULL;
  evid_writer_release (self->writer);
  self->writer = NULL;
  int dropped = 0, waiting = self->rec ? evid_recorder_backlog (self->rec, &dropped) : 0;
  if (waiting > 0) {
    /* one last try; what still cannot be written is said loudly */
    g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GError) err = NULL;
    waiting = evid_recorder_retry (self->rec, events, &err);
    if (waiting > 0)
      g_critical ("cwevidence: stopping with %d violation(s) not stored (disk full: %s); %d dropped earlier", waiting,
                  err ? err->message : "?", dropped);
  }
  evid_recorder_free (self->rec);
  self->rec = NULL;
  evid_faces_free (self->faces);
  self->faces = NULL;
  g_clear_pointer (&self->board, evid_faceboard_unref);
  g_clear_pointer (&self->recent, evid_recent_free);
}

static void
remember (GstCwEvidence *self, const struct cv_image *img, int frame, GPtrArray *people)
{
  struct evid_recent_box *boxes = g_newa (struct evid_recent_box, people->len + 1);
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    boxes[i].id = m->id;
    cw_person_box (m, boxes[i].box);
  }
  evid_recent_keep (self->recent, frame, img, boxes, (int) people->len);
}

static double
get_double (GstStructure *p, const char *field, double def)
{
  double v;
  return gst_structure_get_double (p, field, &v) ? v : def;
}

static void
post_event (GstCwEvidence *self, const char *event)
{
  gst_element_post_message (GST_ELEMENT (self),
                            gst_message_new_element (GST_OBJECT (self),
                                                     gst_structure_new (CW_EVENT_MESSAGE, "json", G_TYPE_STRING,
                                                                        event, NULL)));
}

static void
report_store_error (GstCwEvidence *self, GError *err, int track_id, int frame)
{
  if (g_error_matches (err, EVID_ERROR, EVID_ERROR_FULL)) {
    self->full = TRUE;
    GST_ELEMENT_WARNING (self, RESOURCE, NO_SPACE_LEFT,
                         ("Evidence disk full: violation of track %d at frame %d kept in memory.", track_id, frame),
                         ("%s", err->message));
  } else {
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE, ("Could not store evidence for track %d at frame %d.", track_id, frame),
                         ("%s", err->message));
  }
}

/* A face camera's view of the accused, zoomed, beats the overview's: looked
 * up as the packet is handed over, when the face cameras have seen the
 * crossing too. A recorded file's evidence waits for a face camera that
 * runs behind (at most FACE_WAIT_S); a live camera's never waits. */
#define FACE_WAIT_S 20.0

static void
take_zoomed_face (GstCwEvidence *self, struct evid_pending *p)
{
  if (!self->board || isnan (self->clock_base_s))
    return;
  const struct evid_candidate *c = &p->c;
  double decided = self->clock_base_s + c->pts_s;
  /* once a face camera was too far behind, no case waits for it again:
   * the overview is never held up case after case */
  if (!gst_cw_filter_is_live (GST_CW_FILTER (self)) && !self->face_wait_gave_up && !evid_faceboard_wait (self->board, decided + 1.0, FACE_WAIT_S)) {
    self->face_wait_gave_up = TRUE;
    GST_ELEMENT_WARNING (self, RESOURCE, READ, ("A face camera is more than %.0f s behind.", FACE_WAIT_S),
                         ("track %d at %.1f s and the cases after it take what the face cameras have seen so far; "
                          "no case waits for them again",
                          c->track_id, c->pts_s));
  }
  struct evid_face_sighting seen;
  g_autoptr (GBytes) zoomed = evid_faceboard_best_for (self->board, c->track_json, self->clock_base_s, c->has_ground,
                                                       decided, c->ground_m, &seen);
  if (zoomed)
    evid_pending_set_face (p, zoomed, seen.quality, seen.camera, seen.dt_s, seen.distance_m);
}

static void
hand_over (struct evid_pending *p, void *data)
{
  GstCwEvidence *self = data;
  take_zoomed_face (self, p);
  evid_writer_submit (self->client, p);
}

/* A clip is cut (its post-event frames are in): the writer encodes it
 * now, and its raw frames go back to the ring while the crossing goes on. */
static void
encode_clip_now (struct evid_clip_job *clip, void *data)
{
  GstCwEvidence *self = data;
  evid_writer_submit_clip (self->client, clip);
}

/* Clips run from CLIP_AROUND_S before to CLIP_AROUND_S after the decision,
 * in stream time at the stream's own rate; a packet waits MAX_OPEN_S at most
 * for its crossing to end. */
#define CLIP_AROUND_S 2.0
#define MAX_OPEN_S 30.0
/* The entry stills' ring reaches back this far at most. */
#define ENTRY_LOOKBACK_MAX_S 10.0

/* The collector for a stream of FPS_N/FPS_D frames a second (0: a variable
 * or unknown rate, taken as 10 fps, what most IP cameras send). A crossing
 * has ended after twice the frames that start or end one. */
static void
open_collector (GstCwEvidence *self, int fps_n, int fps_d)
{
  if (fps_n <= 0 || fps_d <= 0) {
    fps_n = 10;
    fps_d = 1;
  }
  double fps = (double) fps_n / fps_d;
  int need = zone_rules_frames_needed (&self->rules, fps);
  int end_frames = MAX (10, 2 * need);
  int around = MAX (1, (int) lround (CLIP_AROUND_S * fps));
  self->collector = evid_collector_create (end_frames, MAX (end_frames, (int) lround (MAX_OPEN_S * fps)), around,
                                           around, fps_n, fps_d);
  evid_collector_on_clip_cut (self->collector, encode_clip_now, self);
  /* the rule fires NEED frames after entry, or later while the foot
   * point's uncertainty keeps it waiting: three times that covers the
   * usual wait (an older entry falls back to the decision frame, and the
   * record's still_frames says so). The ring holds full pictures: a long
   * min_inside_s at a high rate must not make it hold minutes of them. It
   * keeps the frames the detector ran on (1 in 3 at 25 frames/s): there
   * the boxes are detections, and a third of the pictures cover the same
   * time. */
  self->detector_every = MAX (1, hwcfg_detector_every_n (&self->detector, fps));
  int lookback = MIN (3 * need + 2, (int) lround (ENTRY_LOOKBACK_MAX_S * fps));
  self->recent = evid_recent_create (lookback / self->detector_every + 2);
  GST_INFO_OBJECT (self, "clips at %d/%d fps, %d frames either side of the decision", fps_n, fps_d, around);
}

/* Hands the packets whose crossing ended (all when FLUSH) to the writer;
 * on FLUSH, waits until the writer has written them (or kept them in its
 * backlog), so their events are on the bus before what follows. */
static void
finish_packets (GstCwEvidence *self, int frame, gboolean flush)
{
  if (!self->collector)
    return; /* no frame came */
  evid_collector_finish (self->collector, frame, flush, hand_over, self);
  if (flush && self->client)
    evid_writer_flush (self->client);
}

/* On the writer thread. */
static void
write_packet (void *data, struct evid_pending *p)
{
  GstCwEvidence *self = data;
  g_autofree char *event = NULL;
  g_autoptr (GError) err = NULL;
  if (!evid_pending_encode_clip (p, &err)) {
    GST_ELEMENT_WARNING (self, STREAM, ENCODE, ("No clip for track %d's evidence.", p->c.track_id),
                         ("%s", err->message));
    g_clear_error (&err);
  }
  if (evid_recorder_record_pending (self->rec, p, &event, &err))
    post_event (self, event);
  else
    report_store_error (self, err, p->c.track_id, p->c.frame);
}

/* While evidence waits for disk space: try again, and say when it is
 * written (on the writer thread). */
static void
retry_backlog (void *data)
{
  GstCwEvidence *self = data;
  if (!self->full)
    return;
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) err = NULL;
  int waiting = evid_recorder_retry (self->rec, events, &err);
  for (guint i = 0; i < events->len; i++)
    post_event (self, g_ptr_array_index (events, i));
  if (waiting == 0) {
    int dropped;
    evid_recorder_backlog (self->rec, &dropped);
    self->full = FALSE;
    GST_ELEMENT_INFO (self, RESOURCE, WRITE, ("Evidence storage resumed: %u waiting packet(s) written.", events->len),
                      ("%d dropped while the disk was full", dropped));
  }
}

static gboolean
gst_cw_evidence_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  GstCwEvidence *self = GST_CW_EVIDENCE (trans);
  /* the stream ends: every open packet is written before EOS goes on */
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS && self->collector)
    finish_packets (self, G_MAXINT, TRUE);
  return GST_BASE_TRANSFORM_CLASS (gst_cw_evidence_parent_class)->sink_event (trans, event);
}

static void
record (GstCwEvidence *self, GstVideoRegionOfInterestMeta *m, GPtrArray *people, const struct cv_image *img,
        const struct cw_frame_info *info, double now)
{
  GstStructure *p = cw_person_param (m);
  struct evid_candidate c = {0};
  c.frame = info->frame;
  c.pts_s = info->t_s;
  c.utc_us = g_get_real_time ();
  c.track_id = m->id;
  c.type = gst_structure_get_string (p, "candidate");
  cw_person_box (m, c.bbox);
  c.has_ground = gst_structure_get (p, "ground-x", G_TYPE_DOUBLE, &c.ground_m[0], "ground-y", G_TYPE_DOUBLE,
                                    &c.ground_m[1], NULL);
  c.has_motion = gst_structure_get (p, "speed-mps", G_TYPE_DOUBLE, &c.speed_mps, "heading-deg", G_TYPE_DOUBLE,
                                    &c.heading_deg, NULL);
  c.ground_sigma_m = get_double (p, "ground-sigma", -1);
  gboolean seen = TRUE, uncertain = FALSE;
  gst_structure_get_boolean (p, "entry-seen", &seen);
  gst_structure_get_boolean (p, "position-uncertain", &uncertain);
  c.entry_seen = seen, c.position_uncertain = uncertain;
  c.zone = gst_structure_get_string (p, "zone");
  gst_structure_get_int (p, "entry-frame", &c.entry_frame);
  c.signal_phase = gst_structure_get_string (p, "signal-phase");
  c.signal_elapsed_s = get_double (p, "signal-elapsed", 0);
  c.signal_source = gst_structure_get_string (p, "signal-source");
  c.verdict = gst_structure_get_string (p, "verdict");
  c.liveness_json = gst_structure_get_string (p, "liveness");
  c.track_json = gst_structure_get_string (p, "track");
  if (!c.verdict)
    c.verdict = "uncertain"; /* no liveness stage in the pipeline: a human must look */
  g_autoptr (GArray) others = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *o = g_ptr_array_index (people, i);
    if (o == m)
      continue;
    double box[4];
    cw_person_box (o, box);
    g_array_append_vals (others, box, 4);
  }
  c.others = (const double *) others->data;
  c.n_others = (int) others->len / 4;
  g_autoptr (GBytes) face = self->faces ? evid_faces_best (self->faces, m->id, &c.face_quality) : NULL;
  c.face_jpeg = face;
  /* the stream's seconds on the clock the face cameras use (hand_over) */
  if (!isnan (now))
    self->clock_base_s = now - info->t_s;

  /* an entry older than the ring (the rule waited for the position to be
   * sure) has no still of its own: the decision frame stands in, and the
   * record says so */
  int kept = evid_recent_latest (self->recent, c.entry_frame);
  const struct cv_image *entry =
      kept >= 0 && c.entry_frame - kept < self->detector_every ? evid_recent_picture (self->recent, kept) : NULL;
  c.entry_still_frame = entry ? kept : c.frame;
  c.has_entry_bbox = evid_recent_box (self->recent, c.entry_still_frame, c.track_id, c.entry_bbox);
  /* the packet stays open until the crossing ends (finish_packets) */
  evid_collector_open (self->collector, &c, entry, img);
}

static GstFlowReturn
gst_cw_evidence_process (GstCwFilter *filter, GstVideoFrame *frame, const struct cw_frame_info *info)
{
  GstCwEvidence *self = GST_CW_EVIDENCE (filter);
  if (!self->collector)
    open_collector (self, GST_VIDEO_INFO_FPS_N (&frame->info), GST_VIDEO_INFO_FPS_D (&frame->info));
  struct cv_image img;
  gst_cw_filter_frame_image (frame, &img);
  g_autoptr (GPtrArray) people = cw_people (frame->buffer);
  if (info->detector_ran)
    remember (self, &img, info->frame, people);
  if (img.channels == 3)
    evid_collector_frame (self->collector, info->frame, &img);

  gboolean face_frame = self->faces && info->frame % FACE_EVERY == 0;
  for (guint i = 0; i < people->len; i++) {
    GstVideoRegionOfInterestMeta *m = g_ptr_array_index (people, i);
    gboolean candidate = gst_structure_has_field (cw_person_param (m), "candidate");
    if (self->faces && m->id > 0 && (face_frame || candidate)) {
      double box[4];
      cw_person_box (m, box);
      evid_faces_observe (self->faces, m->id, info->frame, &img, box);
    }
    if (candidate)
      record (self, m, people, &img, info, gst_cw_filter_capture_time_s (filter, frame->buffer, info));
    /* the candidate lost a moment ago is back under a new id (cwliveness
     * agrees with cwzones): their packet follows it */
    int lost_id, taker;
    if (m->id > 0 && gst_structure_get_int (cw_person_param (m), "continues-candidate", &lost_id))
      evid_collector_continue (self->collector, lost_id, m->id);
    /* ... or the candidate's own track is back: the packet returns to it */
    if (m->id > 0 && gst_structure_get_int (cw_person_param (m), "takes-candidate-back", &taker))
      evid_collector_continue (self->collector, taker, m->id);
    const char *update = gst_structure_get_string (cw_person_param (m), "verdict-update");
    if (update && m->id > 0)
      evid_collector_update_liveness (self->collector, m->id, update,
                                      gst_structure_get_string (cw_person_param (m), "liveness"));
    gboolean on_road = FALSE;
    double box[4];
    cw_person_box (m, box);
    if (m->id > 0 && gst_structure_get_boolean (cw_person_param (m), "on-road", &on_road))
      evid_collector_seen (self->collector, m->id, info->frame, on_road, &img, box);
  }
  finish_packets (self, info->frame, FALSE);
  if (self->faces && info->frame % 100 == 0)
    evid_faces_forget (self->faces, info->frame, FACE_KEEP_FRAMES);
  return GST_FLOW_OK;
}

static void
gst_cw_evidence_class_init (GstCwEvidenceClass *klass)
{
  GstCwFilterClass *cw_class = GST_CW_FILTER_CLASS (klass);
  GST_DEBUG_CATEGORY_INIT (gst_cw_evidence_debug, "cwevidence", 0, "crosswatch evidence");
  gst_cw_filter_class_setup (GST_ELEMENT_CLASS (klass), "crosswatch evidence",
                             "Records violation candidates as signed evidence packets in SQLite. Reads the candidates of cwzones and the verdicts of cwliveness; posts an element message crosswatch-event (field json: one events-contract line, ARCHITECTURE.md) for every packet");
  cw_class->stage = CW_STAGE_EVIDENCE;
  cw_class->needs = CW_STAGE_ZONES; /* cwliveness may be left out: verdicts "uncertain" */
  cw_class->needs_element = "cwzones";
  gst_cw_filter_class_install_config_group (G_OBJECT_CLASS (klass), "evidence");
  gst_cw_filter_class_install_config_group_as (G_OBJECT_CLASS (klass), "site", "site-");
  gst_cw_filter_class_install_config_group_as (G_OBJECT_CLASS (klass), "camera", "camera-");
  gst_cw_filter_class_install_zones_property (G_OBJECT_CLASS (klass));
  cw_class->config_optional = TRUE; /* site-id, the camera and zones as properties */
  cw_class->configure = gst_cw_evidence_configure;
  cw_class->release = gst_cw_evidence_release;
  cw_class->process = gst_cw_evidence_process;
  GST_BASE_TRANSFORM_CLASS (klass)->sink_event = GST_DEBUG_FUNCPTR (gst_cw_evidence_sink_event);
}

static void
gst_cw_evidence_init (GstCwEvidence *self)
{
}
