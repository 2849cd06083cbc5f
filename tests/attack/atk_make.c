/* atk_make — `attack_scenario make`: one clip per seed.
 *
 * The background is a stretch of the footage from --start (or a frame the
 * seed picks). At 25 frames/s every output frame shows the footage frame
 * nearest in time, so the footage's own walkers move in 10 Hz steps while
 * everything composited moves smoothly at 25 Hz. Each output frame: the
 * footage frame, then every object and every footage person sorted far to
 * near (a footage person standing in front of a bus is pasted back over it,
 * cut out with its mask), then the lighting. Written as Motion-JPEG AVI
 * with PTS (k - 1) / fps, so that crosswatch numbers frame k as k (it counts
 * frames from timestamps). The truth JSON lists every presentation with its
 * image box in every frame its person is wholly in the picture. */
#include "atk.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item { /* one thing to draw in a frame */
  const struct atk_object *obj;  /* or a footage person: */
  const struct atk_gt *person;   /* or a fixed thing: */
  const struct atk_furniture *thing;
  struct atk_foot foot;
  double dist;
};

/* A before B (B stands in front of A). */
static bool
before (const struct atk_site *s, const struct item *a, const struct item *b)
{
  int o = atk_foot_order (s, &a->foot, &b->foot);
  return o < 0 || (o == 0 && a->dist > b->dist);
}

static void
sort_far_to_near (const struct atk_site *s, struct item *it, int n)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && before (s, &it[j], &it[j - 1]); j--) {
      struct item t = it[j];
      it[j] = it[j - 1], it[j - 1] = t;
    }
}

/* A surface standing upright at the site point P, facing the camera, for the depth layer. */
static void
depth_upright (const struct atk_site *s, const double p[2], double height)
{
  struct atk_rect r = {.z0 = 0, .z1 = height};
  atk_facing (s, p, 0.5, r.a, r.b);
  atk_depth_rect (&r);
}

/* Pastes the footage person R of the original frame SRC back onto DST. */
static void
paste_person (struct cv_image *dst, const struct cv_image *src, const struct atk_site *s, const struct atk_footage *fo,
              const struct atk_gt *r)
{
  int x0, y0, w, h;
  unsigned char *m = atk_person_mask (fo, src, r, 3, &x0, &y0, &w, &h);
  if (!m)
    return;
  if (atk_depth_on ()) { /* where their feet are, round about the box's centre line */
    depth_upright (s, r->foot, 1.8);
    atk_depth_body (r->x + r->w / 2, r->w / 2);
  }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int a = m[y * w + x];
      if (a >= 128)
        atk_depth_put (x0 + x, y0 + y, x0 + x + 0.5);
      if (!a)
        continue;
      unsigned char *d = dst->data + (size_t) (y0 + y) * dst->stride + (x0 + x) * 3;
      const unsigned char *p = src->data + (size_t) (y0 + y) * src->stride + (x0 + x) * 3;
      for (int c = 0; c < 3; c++)
        d[c] = (unsigned char) ((d[c] * (255 - a) + p[c] * a + 127) / 255);
    }
  g_free (m);
}

/* Pastes the fixed thing T of the original frame SRC back onto DST. */
static void
paste_thing (struct cv_image *dst, const struct cv_image *src, const struct atk_site *s, const struct atk_furniture *t)
{
  double g[2];
  if (atk_depth_on () && atk_unproject (s, t->ground_px[0], t->ground_px[1], g))
    depth_upright (s, g, 6);
  for (int i = 0; i < t->n; i++) {
    const double *q = t->quads[i];
    int x0 = ATK_W, y0 = ATK_H, x1 = 0, y1 = 0;
    for (int k = 0; k < 4; k++) {
      x0 = MIN (x0, (int) q[2 * k]), x1 = MAX (x1, (int) ceil (q[2 * k]));
      y0 = MIN (y0, (int) q[2 * k + 1]), y1 = MAX (y1, (int) ceil (q[2 * k + 1]));
    }
    for (int y = MAX (0, y0); y <= MIN (dst->height - 1, y1); y++)
      for (int x = MAX (0, x0); x <= MIN (dst->width - 1, x1); x++)
        if (atk_in_quad (q, x + 0.5, y + 0.5)) {
          memcpy (dst->data + (size_t) y * dst->stride + x * 3, src->data + (size_t) y * src->stride + x * 3, 3);
          atk_depth_put (x, y, x + 0.5);
        }
  }
}

static void
compose (struct cv_image *img, const struct cv_image *src, int src_frame, int k, const struct atk_plan *pl,
         const struct atk_site *s, const struct atk_footage *fo)
{
  int n_people = fo->first_of_frame[src_frame + 1] - fo->first_of_frame[src_frame], n_things;
  const struct atk_furniture *things = atk_footage_furniture (&n_things);
  struct item *it = g_new0 (struct item, pl->objects->len + n_people + n_things);
  int n = 0;
  for (guint i = 0; i < pl->objects->len; i++) {
    const struct atk_object *o = pl->objects->pdata[i];
    if (!o->pose[k - 1].present)
      continue;
    it[n].obj = o, it[n].foot = o->pose[k - 1].foot, it[n].dist = atk_foot_distance (s, &it[n].foot);
    n++;
  }
  if (n > 0 || atk_depth_on ()) { /* in colour, the footage's people and things matter only where something is drawn */
    for (int i = fo->first_of_frame[src_frame]; i < fo->first_of_frame[src_frame + 1]; i++) {
      it[n].person = &fo->rows[i];
      atk_foot_square (fo->rows[i].foot, 0.25, &it[n].foot);
      it[n].dist = atk_foot_distance (s, &it[n].foot);
      n++;
    }
    for (int i = 0; i < n_things; i++) {
      double g[2];
      if (!atk_unproject (s, things[i].ground_px[0], things[i].ground_px[1], g))
        continue;
      it[n].thing = &things[i];
      atk_foot_square (g, 0.2, &it[n].foot);
      it[n].dist = atk_foot_distance (s, &it[n].foot);
      n++;
    }
  }
  sort_far_to_near (s, it, n);
  for (int i = 0; i < n; i++)
    if (it[i].obj)
      atk_object_draw (img, s, it[i].obj, k);
    else if (it[i].person)
      paste_person (img, src, s, fo, it[i].person);
    else
      paste_thing (img, src, s, it[i].thing);
  g_free (it);

  if (g_getenv ("ATK_DRAW_BOXES")) /* debugging aid: the truth boxes, outlined */
    for (guint i = 0; i < pl->objects->len; i++) {
      const struct atk_object *o = pl->objects->pdata[i];
      const struct atk_pose *p = &o->pose[k - 1];
      if (!p->has_box || !o->type)
        continue;
      const unsigned char c[3] = {0, 255, strcmp (o->type, "genuine") ? 255 : 0};
      const double *b = p->box;
      double e[4][8] = {{b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + 1, b[0], b[1] + 1},
                        {b[0], b[1] + b[3] - 1, b[0] + b[2], b[1] + b[3] - 1, b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]},
                        {b[0], b[1], b[0] + 1, b[1], b[0] + 1, b[1] + b[3], b[0], b[1] + b[3]},
                        {b[0] + b[2] - 1, b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3], b[0] + b[2] - 1, b[1] + b[3]}};
      for (int j = 0; j < 4; j++)
        atk_fill (img, e[j], c);
    }
  const struct atk_light *l = &pl->light;
  double t = (k - 1) / (double) pl->fps;
  if (l->ramp) {
    double f = CLAMP ((t - l->ramp_t0) / (l->ramp_t1 - l->ramp_t0), 0, 1);
    atk_light (img, s, 1 + (l->gain - 1) * f, l->offset * f, false, 0, 0, 0, 0);
  }
  if (l->shadow)
    atk_light (img, s, l->band_gain, 0, true, l->band_across + l->band_speed * t, l->band_slope, l->band_width, 0.5);
}

/* ---- truth ---- */

static void
member_s (JsonBuilder *b, const char *name, const char *v)
{
  if (!v)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

static void
member_d (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, round (v * 100) / 100);
}

static void
member_i (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
member_b (JsonBuilder *b, const char *name, bool v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

static int
by_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static const char *
direction_name (const struct atk_object *o)
{
  if (o->lane >= 0)
    return o->dir > 0 ? "left_to_right" : "right_to_left";
  return o->dir > 0 ? "reversing_towards_camera" : "away_from_camera";
}

static void
presentation (JsonBuilder *b, const struct atk_object *o, const struct atk_plan *pl)
{
  json_builder_begin_object (b);
  member_i (b, "id", o->id);
  member_s (b, "type", o->type);
  member_i (b, "fps", pl->fps);
  member_i (b, "seed", (gint64) pl->seed);
  member_d (b, "scale", o->scale);
  if (o->kind == ATK_OBJ_VEHICLE) {
    member_s (b, "carrier", atk_carrier_name (o->car.kind));
    member_s (b, "placement", atk_placement_name (o->car.placement));
    member_s (b, "mount", atk_mount_name (o->car.mount));
    member_s (b, "content", o->content);
    member_s (b, "speed_band", atk_speed_band (&o->prof));
    member_s (b, "profile", atk_profile_name (o->prof.kind));
    member_d (b, "speed_mps", o->prof.kind == ATK_CONSTANT ? o->prof.v0 : o->prof.vmax);
    member_s (b, "direction", direction_name (o));
    member_s (b, "lane", o->lane == 0 ? "far" : o->lane == 1 ? "near" : "across");
  } else if (o->kind == ATK_OBJ_WALKER) {
    member_s (b, "scenario", o->scenario);
    member_s (b, "speed_band", "walking");
    member_d (b, "speed_mps", o->pace);
    member_d (b, "height_m", o->height_m);
    if (o->target)
      member_i (b, "target", o->target);
  } else {
    member_s (b, "location", o->location);
    member_s (b, "content", o->content);
    member_s (b, "speed_band", "static");
    member_s (b, "profile", o->sway_m > 0 ? "swaying" : "still");
    member_s (b, "appears", o->t_on == 1 ? "from_start" : "later");
    if (o->kind == ATK_OBJ_SCREEN) {
      member_b (b, "raised", o->raised);
      member_b (b, "across", !strcmp (o->content, "across"));
      member_d (b, "elevation_m", o->elevation);
    }
  }
  /* the person's height in the picture: the detector (HOG, shipped settings) finds people of about 70-100 px only */
  double hs[4096];
  int n = 0;
  for (int k = 1; k <= pl->frames && n < 4096; k++)
    if (o->pose[k - 1].has_box)
      hs[n++] = o->pose[k - 1].box[3];
  qsort (hs, n, sizeof *hs, by_double);
  double h = n ? hs[n / 2] : 0;
  member_d (b, "person_px", h);
  member_s (b, "size", h < 70 ? "<70px" : h <= 100 ? "70-100px" : ">100px");
  GString *boxes = g_string_new (NULL);
  for (int k = 1; k <= pl->frames; k++) {
    const struct atk_pose *p = &o->pose[k - 1];
    if (p->has_box)
      g_string_append_printf (boxes, "%d,%.1f,%.1f,%.1f,%.1f;", k, p->box[0], p->box[1], p->box[2], p->box[3]);
  }
  member_s (b, "boxes", boxes->str);
  g_string_free (boxes, TRUE);
  json_builder_end_object (b);
}

static bool
write_truth (const char *path, const char *video, const struct atk_plan *pl, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  member_s (b, "video", video);
  member_i (b, "frames", pl->frames);
  member_i (b, "fps", pl->fps);
  member_i (b, "seed", (gint64) pl->seed);
  member_i (b, "start", pl->start);
  member_d (b, "seconds", pl->seconds);
  json_builder_set_member_name (b, "lighting");
  json_builder_begin_object (b);
  member_b (b, "ramp", pl->light.ramp);
  if (pl->light.ramp) {
    member_d (b, "ramp_from_s", pl->light.ramp_t0), member_d (b, "ramp_to_s", pl->light.ramp_t1);
    member_d (b, "gain", pl->light.gain), member_d (b, "offset", pl->light.offset);
  }
  member_b (b, "shadow_band", pl->light.shadow);
  if (pl->light.shadow)
    member_d (b, "shadow_gain", pl->light.band_gain);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "attacks");
  json_builder_begin_array (b);
  for (guint i = 0; i < pl->objects->len; i++) {
    const struct atk_object *o = pl->objects->pdata[i];
    if (o->type)
      presentation (b, o, pl);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "props");
  json_builder_begin_array (b);
  for (guint i = 0; i < pl->objects->len; i++) {
    const struct atk_object *o = pl->objects->pdata[i];
    if (!o->type) {
      json_builder_begin_object (b);
      member_s (b, "carrier", atk_carrier_name (o->car.kind));
      member_s (b, "profile", atk_profile_name (o->prof.kind));
      member_s (b, "direction", direction_name (o));
      json_builder_end_object (b);
    }
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  bool ok = json_generator_to_file (gen, path, error);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return ok;
}

/* ---- the video ---- */

/* One encoded stream fed frame by frame: an appsrc with CAPS, then ENCODE into PATH. */
struct writer {
  GstElement *pipe;
  GstAppSrc *src;
  const char *path;
};

static bool
writer_open (struct writer *w, const char *caps, const char *encode, const char *path, GError **error)
{
  g_autofree char *desc =
      g_strdup_printf ("appsrc name=src format=time caps=%s ! %s ! filesink name=sink", caps, encode);
  w->path = path;
  if (!(w->pipe = gst_parse_launch (desc, error)))
    return false;
  GstElement *sink = gst_bin_get_by_name (GST_BIN (w->pipe), "sink");
  g_object_set (sink, "location", path, NULL);
  gst_object_unref (sink);
  w->src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (w->pipe), "src"));
  gst_element_set_state (w->pipe, GST_STATE_PLAYING);
  return true;
}

/* Frame K (1-based) of a FPS stream: DATA (g_malloc'd, taken). */
static bool
writer_push (struct writer *w, guint8 *data, gsize size, int k, int fps)
{
  GstBuffer *buf = gst_buffer_new_wrapped (data, size);
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (k - 1, GST_SECOND, fps);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (1, GST_SECOND, fps);
  return gst_app_src_push_buffer (w->src, buf) == GST_FLOW_OK;
}

/* Ends the stream and waits for the file; OK: whether every push went well. */
static bool
writer_close (struct writer *w, bool ok, GError **error)
{
  if (!w->pipe)
    return ok;
  gst_app_src_end_of_stream (w->src);
  GstBus *bus = gst_element_get_bus (w->pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (!msg || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    if (ok)
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "writing %s failed", w->path);
    ok = false;
  }
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (w->src);
  gst_element_set_state (w->pipe, GST_STATE_NULL);
  gst_object_unref (w->pipe);
  w->pipe = NULL;
  return ok;
}

/* The clip as Motion-JPEG AVI in OUT and, with DEPTH_OUT, what a depth
 * camera registered to it sees: 16-bit millimetres (GRAY16_LE, lossless
 * FFV1 in Matroska, as crosswatch's depth_uri takes), frame for frame. */
static bool
write_video (const char *out, const char *depth_out, const struct atk_plan *pl, const struct atk_site *s,
             const struct atk_footage *fo, const char *video, GError **error)
{
  g_autofree char *caps = g_strdup_printf ("video/x-raw,format=BGR,width=%d,height=%d,framerate=%d/1", ATK_W, ATK_H,
                                           pl->fps);
  g_autofree char *depth_caps = g_strdup_printf ("video/x-raw,format=GRAY16_LE,width=%d,height=%d,framerate=%d/1",
                                                 ATK_W, ATK_H, pl->fps);
  struct writer colour = {0}, depth = {0};
  if (!writer_open (&colour, caps, "videoconvert ! jpegenc quality=85 ! avimux", out, error))
    return false;
  if (depth_out && !writer_open (&depth, depth_caps, "avenc_ffv1 ! matroskamux", depth_out, error)) {
    writer_close (&colour, false, NULL);
    return false;
  }
  float *ground = NULL, *z = NULL;
  if (depth_out) {
    ground = g_new (float, (gsize) ATK_W * ATK_H), z = g_new (float, (gsize) ATK_W * ATK_H);
    atk_depth_ground (s, ground);
  }
  struct atk_reader *rd = atk_reader_open (video, error);
  bool ok = rd != NULL;
  struct cv_image cur = {0};
  int cur_frame = 0;
  for (int k = 1; ok && k <= pl->frames; k++) {
    int want = MIN (ATK_SRC_FRAMES, pl->start + (int) lround ((k - 1) * (double) ATK_SRC_FPS / pl->fps));
    while (cur_frame < want) {
      struct cv_image next;
      if (!atk_reader_next (rd, &next))
        break;
      g_free (cur.data);
      cur = next, cur_frame++;
    }
    if (!cur.data) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no frame %d", video, want);
      ok = false;
      break;
    }
    guint8 *data = g_memdup2 (cur.data, (gsize) cur.stride * cur.height);
    struct cv_image img = cur;
    img.data = data;
    if (depth_out) {
      memcpy (z, ground, sizeof *z * ATK_W * ATK_H);
      atk_depth_begin (s, z);
    }
    compose (&img, &cur, cur_frame, k, pl, s, fo);
    atk_depth_end ();
    ok = writer_push (&colour, data, (gsize) img.stride * img.height, k, pl->fps);
    if (ok && depth_out) {
      guint16 *mm = g_new (guint16, (gsize) ATK_W * ATK_H);
      atk_depth_to_mm (z, mm);
      ok = writer_push (&depth, (guint8 *) mm, sizeof *mm * ATK_W * ATK_H, k, pl->fps);
    }
  }
  g_free (cur.data);
  g_free (ground), g_free (z);
  atk_reader_close (rd);
  ok = writer_close (&colour, ok, error);
  return writer_close (&depth, ok, ok ? error : NULL);
}

static void
summary (const struct atk_plan *pl)
{
  int n[4] = {0}, frames[4] = {0};
  const char *names[4] = {"vehicle_advert", "poster", "screen", "genuine"};
  for (guint i = 0; i < pl->objects->len; i++) {
    const struct atk_object *o = pl->objects->pdata[i];
    for (int k = 0; o->type && k < 4; k++)
      if (!strcmp (o->type, names[k]))
        n[k]++, frames[k] += o->box_frames;
  }
  fprintf (stderr,
           "attack_scenario: seed %" G_GUINT64_FORMAT ": %d frames at %d fps from footage frame %d; %d vehicle "
           "adverts, %d posters, %d screens, %d genuine people%s%s%s\n",
           pl->seed, pl->frames, pl->fps, pl->start, n[0], n[1], n[2], n[3], pl->light.ramp ? "; light ramp" : "",
           pl->light.shadow ? "; shadow band" : "", pl->log->len ? "; no room for:" : "");
  if (pl->log->len)
    fprintf (stderr, "attack_scenario:  %s\n", pl->log->str);
}

int
atk_make (int argc, char **argv)
{
  const char *video = NULL, *gt = NULL, *config = NULL, *out = NULL, *truth = NULL, *depth_out = NULL;
  struct atk_plan_options opt = {.seed = 1, .fps = 10, .seconds = 22, .vehicles = 6, .posters = 6, .screens = 7,
                                 .genuine = 3, .occluders = 2};
  for (int i = 2; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp (k, "--video"))
      video = v;
    else if (!strcmp (k, "--gt"))
      gt = v;
    else if (!strcmp (k, "--config"))
      config = v;
    else if (!strcmp (k, "--out"))
      out = v;
    else if (!strcmp (k, "--truth"))
      truth = v;
    else if (!strcmp (k, "--depth-out"))
      depth_out = v;
    else if (!strcmp (k, "--seed"))
      opt.seed = g_ascii_strtoull (v, NULL, 10);
    else if (!strcmp (k, "--fps"))
      opt.fps = atoi (v);
    else if (!strcmp (k, "--start"))
      opt.start = atoi (v);
    else if (!strcmp (k, "--seconds"))
      opt.seconds = g_ascii_strtod (v, NULL);
    else if (!strcmp (k, "--vehicles"))
      opt.vehicles = atoi (v);
    else if (!strcmp (k, "--posters"))
      opt.posters = atoi (v);
    else if (!strcmp (k, "--screens"))
      opt.screens = atoi (v);
    else if (!strcmp (k, "--genuine"))
      opt.genuine = atoi (v);
    else if (!strcmp (k, "--occluders"))
      opt.occluders = atoi (v);
    else {
      fprintf (stderr, "attack_scenario: unknown option %s\n", k);
      return 2;
    }
  }
  if (!video || !gt || !config || !out || !truth || (opt.fps != 10 && opt.fps != 25) || opt.seconds <= 0 ||
      opt.seconds > ATK_SRC_FRAMES / (double) ATK_SRC_FPS) {
    fprintf (stderr, "usage: attack_scenario make --video V --gt GT --config INI --out AVI --truth JSON --seed N "
                     "[--depth-out MKV] [--fps 10|25] [--start FRAME] [--seconds S] [--vehicles N] [--posters N] [--screens N] "
                     "[--genuine N] [--occluders N]\n");
    return 2;
  }
  int status = 2;
  GError *err = NULL;
  struct atk_site site;
  struct atk_footage fo = {0};
  struct atk_pics pics = {0};
  struct atk_plan plan = {0};
  struct hwcfg *cfg = hwcfg_load (config, &err);
  if (!cfg || !atk_site_init (&site, cfg, &err) || !atk_footage_load (&fo, &site, video, gt, &err))
    goto out;
  atk_pics_init (&pics, &fo, &site);
  if (pics.stills->len == 0 || pics.runs->len == 0) {
    g_set_error (&err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no lone person to print", gt);
    goto out;
  }
  atk_plan_make (&plan, &opt, &site, &fo, &pics);
  struct atk_rng r;
  atk_rng_seed (&r, opt.seed ^ 0x5eed);
  if (!atk_pics_fill (&pics, &fo, video, &r, &err) || !write_video (out, depth_out, &plan, &site, &fo, video, &err) ||
      !write_truth (truth, out, &plan, &err)) {
    status = 1;
    goto out;
  }
  summary (&plan);
  if (g_getenv ("ATK_DUMP")) { /* debugging aid: the pictures and the background, as JPEG files */
    atk_pics_dump (&pics, g_getenv ("ATK_DUMP"));
    unsigned char *jpg;
    size_t len;
    if (cv_jpeg_encode (&fo.background.img, 95, &jpg, &len) == CV_OK) {
      g_autofree char *path = g_build_filename (g_getenv ("ATK_DUMP"), "background.jpg", NULL);
      g_file_set_contents (path, (const char *) jpg, (gssize) len, NULL);
      cv_free (jpg);
    }
  }
  status = 0;
out:
  if (err)
    fprintf (stderr, "attack_scenario: %s\n", err->message);
  g_clear_error (&err);
  atk_plan_free (&plan);
  atk_pics_free (&pics);
  atk_footage_free (&fo);
  hwcfg_free (cfg);
  return status;
}
