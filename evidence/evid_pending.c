#include "evid_pending.h"

#include <string.h>

struct cv_image
evid_image_copy (const struct cv_image *img)
{
  struct cv_image out = {0};
  if (!img)
    return out;
  out = *img;
  out.stride = img->width * img->channels;
  out.data = g_malloc ((size_t) out.stride * img->height);
  for (int y = 0; y < img->height; y++)
    memcpy (out.data + (size_t) out.stride * y, img->data + (size_t) img->stride * y, out.stride);
  return out;
}

/* IMG into HELD, compact when it is a BGR picture, else copied as it is. */
static void
keep (const struct cv_image *img, struct cv_image *held, gboolean *compact)
{
  if (!img)
    return;
  *compact = evid_image_keep_compact (img, held);
  if (!*compact) {
    g_free (held->data);
    *held = evid_image_copy (img);
  }
}

/* HELD as BGR (or as it was given, when it was not made compact). */
static const struct cv_image *
as_given (const struct cv_image *held, gboolean compact, struct cv_image *scratch)
{
  return compact ? evid_image_as_bgr (held, scratch) : held;
}

struct evid_pending *
evid_pending_new (const struct evid_candidate *c, const struct cv_image *entry, const struct cv_image *decision)
{
  struct evid_pending *p = g_new0 (struct evid_pending, 1);
  p->c = *c;
  const char *const src[] = {c->type,    c->zone,       c->signal_phase, c->signal_source,
                             c->liveness_json, c->verdict, c->track_json,  c->face_camera};
  p->strings = g_new0 (char *, G_N_ELEMENTS (src) + 1);
  for (size_t i = 0; i < G_N_ELEMENTS (src); i++)
    p->strings[i] = g_strdup (src[i] ? src[i] : "");
  p->c.type = p->strings[0];
  p->c.zone = c->zone ? p->strings[1] : NULL;
  p->c.signal_phase = p->strings[2];
  p->c.signal_source = p->strings[3];
  p->c.liveness_json = c->liveness_json ? p->strings[4] : NULL;
  p->c.verdict = p->strings[5];
  p->c.track_json = c->track_json ? p->strings[6] : NULL;
  p->c.face_camera = c->face_camera ? p->strings[7] : NULL;
  p->others = g_memdup2 (c->others, sizeof (double) * 4 * (size_t) c->n_others);
  p->c.others = p->others;
  GBytes **refs[] = {&p->c.face_jpeg, &p->c.mid_jpeg, &p->c.last_jpeg, &p->c.clip_mkv};
  for (size_t i = 0; i < G_N_ELEMENTS (refs); i++)
    if (*refs[i])
      g_bytes_ref (*refs[i]);
  /* a picture that cannot be made compact (no BGR) is kept as it is */
  keep (entry, &p->entry, &p->entry_compact);
  keep (decision, &p->decision, &p->decision_compact);
  return p;
}

gboolean
evid_pending_pictures (const struct evid_pending *p, struct cv_image scratch[2], const struct cv_image **entry,
                       const struct cv_image **decision)
{
  *entry = p->entry.data ? as_given (&p->entry, p->entry_compact, &scratch[0]) : NULL;
  *decision = as_given (&p->decision, p->decision_compact, &scratch[1]);
  return (*entry || !p->entry.data) && *decision;
}

gboolean
evid_pending_encode_clip (struct evid_pending *p, GError **error)
{
  if (!p->clip)
    return TRUE;
  g_clear_pointer (&p->c.clip_mkv, g_bytes_unref);
  p->c.clip_mkv = evid_clip_job_result (p->clip, error);
  g_clear_pointer (&p->clip, evid_clip_job_unref);
  return p->c.clip_mkv != NULL;
}

void
evid_pending_free (struct evid_pending *p)
{
  if (!p)
    return;
  evid_clip_job_unref (p->clip);
  g_free (p->entry.data);
  g_free (p->decision.data);
  g_strfreev (p->strings);
  g_free (p->others);
  g_clear_pointer (&p->c.face_jpeg, g_bytes_unref);
  g_clear_pointer (&p->c.mid_jpeg, g_bytes_unref);
  g_clear_pointer (&p->c.last_jpeg, g_bytes_unref);
  g_clear_pointer (&p->c.clip_mkv, g_bytes_unref);
  g_free (p);
}

void
evid_pending_set_face (struct evid_pending *p, GBytes *face, double quality, const char *camera, double dt_s,
                       double distance_m)
{
  g_clear_pointer (&p->c.face_jpeg, g_bytes_unref);
  p->c.face_jpeg = g_bytes_ref (face);
  p->c.face_quality = quality;
  g_free (p->strings[7]);
  p->strings[7] = g_strdup (camera);
  p->c.face_camera = p->strings[7];
  p->c.face_dt_s = dt_s;
  p->c.face_distance_m = distance_m;
}

void
evid_pending_set_liveness (struct evid_pending *p, const char *verdict, const char *liveness_json)
{
  g_free (p->strings[4]);
  g_free (p->strings[5]);
  p->strings[4] = g_strdup (liveness_json ? liveness_json : "");
  p->strings[5] = g_strdup (verdict);
  p->c.liveness_json = liveness_json ? p->strings[4] : NULL;
  p->c.verdict = p->strings[5];
}
