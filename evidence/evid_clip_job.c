#include "evid_clip_job.h"

#include "evid_clip.h"
#include "evid_store.h"

struct evid_clip_job {
  gatomicrefcount refs;
  GMutex lock; /* everything below */
  GBytes **frames; /* JPEGs */
  int n, width, height, fps_n, fps_d;
  gboolean done;
  GBytes *mkv;  /* once done: the clip, or NULL and ERROR */
  GError *error;
};

struct evid_clip_job *
evid_clip_job_new (GBytes *const *jpegs, int n, int width, int height, int fps_n, int fps_d)
{
  struct evid_clip_job *j = g_new0 (struct evid_clip_job, 1);
  g_atomic_ref_count_init (&j->refs);
  g_mutex_init (&j->lock);
  j->n = MAX (0, n);
  j->frames = g_memdup2 (jpegs, sizeof *jpegs * (size_t) j->n);
  j->width = width, j->height = height;
  j->fps_n = fps_n, j->fps_d = fps_d;
  return j;
}

struct evid_clip_job *
evid_clip_job_ref (struct evid_clip_job *j)
{
  g_return_val_if_fail (j, NULL);
  g_atomic_ref_count_inc (&j->refs);
  return j;
}

static void
drop_frames (struct evid_clip_job *j)
{
  for (int i = 0; i < j->n; i++)
    g_bytes_unref (j->frames[i]);
  g_clear_pointer (&j->frames, g_free);
  j->n = 0;
}

void
evid_clip_job_unref (struct evid_clip_job *j)
{
  if (!j || !g_atomic_ref_count_dec (&j->refs))
    return;
  drop_frames (j);
  g_clear_pointer (&j->mkv, g_bytes_unref);
  g_clear_error (&j->error);
  g_mutex_clear (&j->lock);
  g_free (j);
}

/* Under J's lock. */
static void
run_locked (struct evid_clip_job *j)
{
  if (j->done)
    return;
  if (j->n > 0)
    j->mkv = evid_clip_encode (j->frames, j->n, j->width, j->height, j->fps_n, j->fps_d, &j->error);
  if (!j->mkv && !j->error)
    g_set_error_literal (&j->error, EVID_ERROR, EVID_ERROR_DB, j->n ? "clip: the encoder failed" : "clip: no frames");
  drop_frames (j);
  j->done = TRUE;
}

void
evid_clip_job_run (struct evid_clip_job *j)
{
  g_return_if_fail (j);
  g_mutex_lock (&j->lock);
  run_locked (j);
  g_mutex_unlock (&j->lock);
}

GBytes *
evid_clip_job_result (struct evid_clip_job *j, GError **error)
{
  g_return_val_if_fail (j, NULL);
  g_mutex_lock (&j->lock);
  run_locked (j);
  GBytes *out = j->mkv ? g_bytes_ref (j->mkv) : NULL;
  if (!out)
    g_propagate_error (error, g_error_copy (j->error));
  g_mutex_unlock (&j->lock);
  return out;
}

int
evid_clip_job_frames_held (struct evid_clip_job *j)
{
  g_mutex_lock (&j->lock);
  int n = j->n;
  g_mutex_unlock (&j->lock);
  return n;
}

GBytes *
evid_clip_job_frame (struct evid_clip_job *j, int k)
{
  g_mutex_lock (&j->lock);
  GBytes *f = k >= 0 && k < j->n ? g_bytes_ref (j->frames[k]) : NULL;
  g_mutex_unlock (&j->lock);
  return f;
}
