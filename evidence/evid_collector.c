#include "evid_collector.h"

#include "evid_clip.h"
#include "evid_frame.h"
#include "evid_pending.h"

#include <string.h>

/* Middle-of-crossing candidates: a still every SAMPLE_EVERY frames on the
 * road, at most MAX_SAMPLES (every other one dropped when full, so they
 * stay spread over the crossing: the middle one is within a sixteenth of
 * the crossing of its true middle). */
#define SAMPLE_EVERY 5
#define MAX_SAMPLES 8

/* Full frames (a sample, the last still) are shared by every open packet
 * that keeps them: copied once (in I420), however many packets are open. Frames are
 * sampled on the same frame numbers for every packet, so they coincide. */
struct sample {
  int frame;
  double bbox[4];
  struct evid_frame *f; /* a reference; encoded only if chosen */
};

struct open_packet {
  struct evid_pending *p;
  int track_id; /* the track followed: the packet's own, or a later one that continues its crossing */
  int opened, last_seen, last_on_road;
  struct evid_frame *last; /* a reference: the last frame with the person on the road */
  int last_frame;
  double last_bbox[4];
  GArray *samples;      /* struct sample */
  bool clip_done;
};

/* Clip frames are kept at half resolution, each as a JPEG made as it
 * comes (evid_clip_frame_jpeg): a reviewer needs the movement, the stills
 * carry the detail, and the ring of a 720p camera at 25 frames/s holds
 * 4 s in about 3 MB, where its raw I420 frames were 35 MB. A packet's clip
 * takes references to the ring's JPEGs, not copies: packets open together
 * share them, and each frame is encoded once however many clips show it. */
#define CLIP_SCALE 0.5

struct ring_frame {
  int frame;     /* 0: empty */
  int width, height;
  GBytes *jpeg;
};

struct evid_collector {
  struct evid_frame *current; /* a reference: the copy of the newest sampled frame */
  int current_frame;
  int end_frames, max_frames;
  int pre_frames, post_frames, fps_n, fps_d;
  struct ring_frame *ring;
  int ring_len;
  struct cv_image scaled; /* the newest frame at CLIP_SCALE in I420, before its JPEG (owned) */
  GPtrArray *open; /* struct open_packet */
  evid_clip_cut clip_cut;
  void *clip_cut_data;
};

static void
open_packet_free (struct open_packet *o)
{
  for (guint i = 0; i < o->samples->len; i++)
    evid_frame_unref (g_array_index (o->samples, struct sample, i).f);
  g_array_free (o->samples, TRUE);
  evid_frame_unref (o->last);
  evid_pending_free (o->p);
  g_free (o);
}

struct evid_collector *
evid_collector_create (int end_frames, int max_frames, int pre_frames, int post_frames, int fps_n, int fps_d)
{
  struct evid_collector *c = g_new0 (struct evid_collector, 1);
  c->end_frames = end_frames;
  c->max_frames = max_frames;
  c->pre_frames = pre_frames;
  c->post_frames = post_frames;
  c->fps_n = fps_n > 0 ? fps_n : 10;
  c->fps_d = fps_d > 0 ? fps_d : 1;
  c->ring_len = pre_frames + post_frames + 1;
  c->ring = g_new0 (struct ring_frame, c->ring_len);
  c->open = g_ptr_array_new_with_free_func ((GDestroyNotify) open_packet_free);
  return c;
}

void
evid_collector_free (struct evid_collector *c)
{
  if (!c)
    return;
  g_ptr_array_unref (c->open);
  evid_frame_unref (c->current);
  for (int i = 0; i < c->ring_len; i++)
    g_clear_pointer (&c->ring[i].jpeg, g_bytes_unref);
  g_free (c->ring);
  g_free (c->scaled.data);
  g_free (c);
}

/* Distinct frames the open packets hold: their samples and last stills
 * (CLIPS false), or their clips' frames (CLIPS true). */
static int
frames_held (const struct evid_collector *c, gboolean clips)
{
  g_autoptr (GHashTable) held = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < c->open->len; i++) {
    const struct open_packet *o = g_ptr_array_index (c->open, i);
    if (clips) {
      GBytes *f;
      /* a clip the writer made meanwhile gives no more frames (NULL) */
      for (int k = 0; o->p->clip && (f = evid_clip_job_frame (o->p->clip, k)); k++) {
        g_hash_table_add (held, f); /* the pointer only: counted, never read */
        g_bytes_unref (f);
      }
      continue;
    }
    for (guint k = 0; k < o->samples->len; k++)
      g_hash_table_add (held, g_array_index (o->samples, struct sample, k).f);
    if (o->last)
      g_hash_table_add (held, o->last);
  }
  return (int) g_hash_table_size (held);
}

int
evid_collector_frames_held (const struct evid_collector *c)
{
  return frames_held (c, FALSE);
}

int
evid_collector_clip_frames_held (const struct evid_collector *c)
{
  return frames_held (c, TRUE);
}

int
evid_collector_open_count (const struct evid_collector *c)
{
  return (int) c->open->len;
}

void
evid_collector_open (struct evid_collector *c, const struct evid_candidate *cand, const struct cv_image *entry,
                     const struct cv_image *decision)
{
  struct open_packet *o = g_new0 (struct open_packet, 1);
  o->p = evid_pending_new (cand, entry, decision);
  o->opened = o->last_seen = o->last_on_road = cand->frame;
  o->track_id = cand->track_id;
  o->samples = g_array_new (FALSE, FALSE, sizeof (struct sample));
  g_ptr_array_add (c->open, o);
}

void
evid_collector_frame (struct evid_collector *c, int frame, const struct cv_image *img)
{
  if (c->ring_len <= 1 || img->channels != 3)
    return;
  struct ring_frame *r = &c->ring[frame % c->ring_len];
  /* 4:2:0 needs even sides; the width in eights keeps the clips' size as it was when GStreamer took the raw planes */
  int w = MAX (8, (int) (img->width * CLIP_SCALE) / 8 * 8), h = MAX (2, (int) (img->height * CLIP_SCALE) / 2 * 2);
  if (c->scaled.width != w || c->scaled.height != h * 3 / 2) {
    g_free (c->scaled.data);
    c->scaled = (struct cv_image){g_malloc ((gsize) w * h * 3 / 2), w, h * 3 / 2, w, 1};
  }
  /* the slot's JPEG is the clips' that hold it: the ring lets go of its reference only */
  g_clear_pointer (&r->jpeg, g_bytes_unref);
  r->frame = 0;
  if (cv_resize_to_i420 (img, &c->scaled) != CV_OK || !(r->jpeg = evid_clip_frame_jpeg (&c->scaled)))
    return;
  r->frame = frame;
  r->width = w, r->height = h;
}

void
evid_collector_on_clip_cut (struct evid_collector *c, evid_clip_cut cut, void *data)
{
  c->clip_cut = cut;
  c->clip_cut_data = data;
}

/* Hands the ring's frames around the decision to the packet (references)
 * as a clip job, for another thread to put together (a GStreamer
 * pipeline: not on the capture thread), and to CLIP_CUT to start that now. */
static void
take_clip (struct evid_collector *c, struct evid_pending *p)
{
  struct evid_candidate *cand = &p->c;
  int first = MAX (1, cand->frame - c->pre_frames), last = cand->frame + c->post_frames, n = 0, w = 0, h = 0;
  g_autofree GBytes **frames = g_new0 (GBytes *, c->ring_len);
  for (int f = first; f <= last; f++) {
    struct ring_frame *r = &c->ring[f % c->ring_len];
    /* one size in a clip: the first frame's (a stream may change size) */
    if (r->frame != f || (n > 0 && (r->width != w || r->height != h)))
      continue;
    if (n == 0)
      cand->clip_first_frame = f, w = r->width, h = r->height;
    cand->clip_last_frame = f;
    frames[n++] = g_bytes_ref (r->jpeg);
  }
  if (n == 0)
    return;
  p->clip = evid_clip_job_new (frames, n, w, h, c->fps_n, c->fps_d);
  if (c->clip_cut)
    c->clip_cut (evid_clip_job_ref (p->clip), c->clip_cut_data);
}

/* F's picture as a JPEG still (NULL when it cannot be encoded). */
static GBytes *
jpeg_of (struct evid_frame *f)
{
  unsigned char *jpg;
  size_t len;
  struct cv_image scratch = {0};
  const struct cv_image *img = evid_frame_bgr (f, &scratch);
  cv_status st = img ? cv_jpeg_encode (img, 90, &jpg, &len) : CV_ERR_INVALID;
  g_free (scratch.data);
  return st == CV_OK ? evid_bytes_take_cv (jpg, len) : NULL;
}

/* FRAME (IMG) as a shared copy, in I420 (half the bytes: a packet keeps
 * up to 9 such stills for as long as its person crosses): made by the
 * first packet that keeps it; NULL when IMG is no picture. */
static struct evid_frame *
shared_frame_of (struct evid_collector *c, int frame, const struct cv_image *img)
{
  if (!c->current || c->current_frame != frame) {
    evid_frame_unref (c->current);
    c->current = evid_frame_compact (img);
    c->current_frame = frame;
  }
  return c->current ? evid_frame_ref (c->current) : NULL;
}

static void
keep_sample (struct open_packet *o, int frame, struct evid_frame *f, const double bbox[4])
{
  if (o->samples->len == MAX_SAMPLES) {
    /* thin out: keep every other one */
    guint w = 0;
    for (guint i = 0; i < o->samples->len; i++) {
      struct sample *s = &g_array_index (o->samples, struct sample, i);
      if (i % 2 == 0)
        g_array_index (o->samples, struct sample, w++) = *s;
      else
        evid_frame_unref (s->f);
    }
    g_array_set_size (o->samples, w);
  }
  struct sample s = {.frame = frame, .f = evid_frame_ref (f)};
  memcpy (s.bbox, bbox, sizeof s.bbox);
  g_array_append_val (o->samples, s);
}

bool
evid_collector_update_liveness (struct evid_collector *c, int track_id, const char *verdict, const char *liveness_json)
{
  bool found = false;
  for (guint i = 0; i < c->open->len; i++) {
    struct open_packet *o = g_ptr_array_index (c->open, i);
    if (o->track_id == track_id) {
      evid_pending_set_liveness (o->p, verdict, liveness_json);
      found = true;
    }
  }
  return found;
}

bool
evid_collector_continue (struct evid_collector *c, int lost_id, int track_id)
{
  bool found = false;
  for (guint i = 0; i < c->open->len; i++) {
    struct open_packet *o = g_ptr_array_index (c->open, i);
    if (o->track_id == lost_id) {
      o->track_id = track_id;
      found = true;
    }
  }
  return found;
}

void
evid_collector_seen (struct evid_collector *c, int track_id, int frame, bool on_road, const struct cv_image *img,
                     const double bbox[4])
{
  for (guint i = 0; i < c->open->len; i++) {
    struct open_packet *o = g_ptr_array_index (c->open, i);
    if (o->track_id != track_id)
      continue;
    o->last_seen = frame;
    if (!on_road)
      continue;
    o->last_on_road = frame;
    /* the last-seen still is refreshed every SAMPLE_EVERY frames: within
     * half a second of the true last one, at a fifth of the copying; on
     * the same frames for every packet, so they share the copies */
    if (frame % SAMPLE_EVERY != 0)
      continue;
    struct evid_frame *f = shared_frame_of (c, frame, img);
    if (!f)
      continue;
    evid_frame_unref (o->last);
    o->last = evid_frame_ref (f);
    o->last_frame = frame;
    memcpy (o->last_bbox, bbox, sizeof o->last_bbox);
    keep_sample (o, frame, f, bbox);
    evid_frame_unref (f);
  }
}

/* The crossing is over (or has gone on too long), and the clip is cut. */
static bool
ended (const struct evid_collector *c, const struct open_packet *o, int frame)
{
  bool over = frame - o->last_on_road >= c->end_frames || frame - o->last_seen >= c->end_frames ||
              frame - o->opened >= c->max_frames;
  return over && (o->clip_done || c->ring_len <= 1);
}

int
evid_collector_finish (struct evid_collector *c, int frame, bool flush, evid_packet_ready ready, void *data)
{
  /* clips are cut as soon as their post-event frames are in the ring,
   * before the ring moves on */
  for (guint i = 0; c->ring_len > 1 && i < c->open->len; i++) {
    struct open_packet *o = g_ptr_array_index (c->open, i);
    if (!o->clip_done && (flush || frame >= o->p->c.frame + c->post_frames)) {
      take_clip (c, o->p);
      o->clip_done = true;
    }
  }
  for (guint i = 0; i < c->open->len;) {
    struct open_packet *o = g_ptr_array_index (c->open, i);
    if (!flush && !ended (c, o, frame)) {
      i++;
      continue;
    }
    struct evid_candidate *cand = &o->p->c;
    if (o->samples->len > 0) {
      struct sample *mid = &g_array_index (o->samples, struct sample, o->samples->len / 2);
      cand->mid_jpeg = jpeg_of (mid->f);
      cand->mid_frame = mid->frame;
      memcpy (cand->mid_bbox, mid->bbox, sizeof cand->mid_bbox);
      cand->has_mid_bbox = true;
    }
    if (o->last && o->last_frame > cand->frame) {
      cand->last_jpeg = jpeg_of (o->last);
      cand->last_frame = o->last_frame;
      memcpy (cand->last_bbox, o->last_bbox, sizeof cand->last_bbox);
      cand->has_last_bbox = true;
    }
    ready (o->p, data);
    o->p = NULL; /* now the receiver's */
    g_ptr_array_remove_index (c->open, i);
  }
  return (int) c->open->len;
}
