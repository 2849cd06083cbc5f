#include "evid_writer.h"

#include <time.h>

enum job_kind { JOB_PACKET, JOB_CLIP, JOB_FLUSH, JOB_STOP };

struct job {
  enum job_kind kind;
  struct evid_writer_client *client;
  struct evid_pending *p;
  struct evid_clip_job *clip;
};

struct evid_writer {
  int refs;       /* under registry_lock */
  GThread *thread;
  GAsyncQueue *jobs;
  GMutex lock;    /* clients, flushes_done */
  GCond flushed;
  GPtrArray *clients;
  int queued;     /* atomic */
  /* what writing took (under lock): packets, wall and this thread's CPU seconds */
  int written;
  double write_s, write_cpu_s;
};

struct evid_writer_client {
  struct evid_writer *w;
  evid_writer_write_fn write;
  evid_writer_idle_fn idle;
  void *data;
  int flushes_asked, flushes_done; /* under w->lock */
};

/* One writer a process: cameras share it (see the header). */
static GMutex registry_lock;
static struct evid_writer *the_writer;

static void
run_idle (struct evid_writer *w)
{
  /* the lock keeps a detaching client alive until its idle call is over */
  g_mutex_lock (&w->lock);
  for (guint i = 0; i < w->clients->len; i++) {
    struct evid_writer_client *c = g_ptr_array_index (w->clients, i);
    if (c->idle)
      c->idle (c->data);
  }
  g_mutex_unlock (&w->lock);
}

/* Writes J's packet or encodes its clip, and adds the wall and this
 * thread's CPU time it took to what writing takes (a clip is no packet:
 * its packet comes later). */
static void
run_timed (struct evid_writer *w, struct job *j)
{
  gint64 t0 = g_get_monotonic_time ();
  struct timespec c0, c1;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c0);
  if (j->kind == JOB_PACKET) {
    j->client->write (j->client->data, j->p);
    evid_pending_free (j->p);
  } else {
    evid_clip_job_run (j->clip);
    evid_clip_job_unref (j->clip);
  }
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c1);
  g_mutex_lock (&w->lock);
  w->written += j->kind == JOB_PACKET;
  w->write_s += (g_get_monotonic_time () - t0) / 1e6;
  w->write_cpu_s += (double) (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
  g_mutex_unlock (&w->lock);
}

static gpointer
writer_main (gpointer data)
{
  struct evid_writer *w = data;
  for (;;) {
    struct job *j = g_async_queue_timeout_pop (w->jobs, G_USEC_PER_SEC);
    if (!j) {
      run_idle (w);
      continue;
    }
    enum job_kind kind = j->kind;
    if (kind == JOB_PACKET || kind == JOB_CLIP) {
      run_timed (w, j);
      if (kind == JOB_PACKET)
        g_atomic_int_dec_and_test (&w->queued);
    } else if (kind == JOB_FLUSH) {
      struct evid_writer_client *c = j->client;
      if (c->idle)
        c->idle (c->data);
      g_mutex_lock (&w->lock);
      c->flushes_done++;
      g_cond_broadcast (&w->flushed);
      g_mutex_unlock (&w->lock);
    }
    g_free (j);
    if (kind == JOB_STOP)
      return NULL;
  }
}

struct evid_writer *
evid_writer_acquire (void)
{
  g_mutex_lock (&registry_lock);
  if (!the_writer) {
    struct evid_writer *w = g_new0 (struct evid_writer, 1);
    g_mutex_init (&w->lock);
    g_cond_init (&w->flushed);
    w->clients = g_ptr_array_new ();
    w->jobs = g_async_queue_new ();
    w->thread = g_thread_new ("cw-evidence-writer", writer_main, w);
    the_writer = w;
  }
  the_writer->refs++;
  struct evid_writer *w = the_writer;
  g_mutex_unlock (&registry_lock);
  return w;
}

void
evid_writer_release (struct evid_writer *w)
{
  if (!w)
    return;
  g_mutex_lock (&registry_lock);
  gboolean last = --w->refs == 0;
  if (last)
    the_writer = NULL;
  g_mutex_unlock (&registry_lock);
  if (!last)
    return;
  struct job *j = g_new0 (struct job, 1);
  j->kind = JOB_STOP;
  g_async_queue_push (w->jobs, j);
  g_thread_join (w->thread);
  g_async_queue_unref (w->jobs);
  g_ptr_array_free (w->clients, TRUE);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->flushed);
  g_free (w);
}

struct evid_writer_client *
evid_writer_attach (struct evid_writer *w, evid_writer_write_fn write, evid_writer_idle_fn idle, void *data)
{
  struct evid_writer_client *c = g_new0 (struct evid_writer_client, 1);
  *c = (struct evid_writer_client){.w = w, .write = write, .idle = idle, .data = data};
  g_mutex_lock (&w->lock);
  g_ptr_array_add (w->clients, c);
  g_mutex_unlock (&w->lock);
  return c;
}

void
evid_writer_submit (struct evid_writer_client *c, struct evid_pending *p)
{
  struct job *j = g_new0 (struct job, 1);
  *j = (struct job){.kind = JOB_PACKET, .client = c, .p = p};
  /* atomic, not under the lock: an idle call holds that while it retries
   * the disk, and a camera never waits for the disk */
  g_atomic_int_inc (&c->w->queued);
  g_async_queue_push (c->w->jobs, j);
}

void
evid_writer_submit_clip (struct evid_writer_client *c, struct evid_clip_job *clip)
{
  g_return_if_fail (c && clip);
  struct job *j = g_new0 (struct job, 1);
  *j = (struct job){.kind = JOB_CLIP, .clip = clip}; /* no client: a clip needs none, and may outlive it */
  g_async_queue_push (c->w->jobs, j);
}

void
evid_writer_flush (struct evid_writer_client *c)
{
  struct evid_writer *w = c->w;
  struct job *j = g_new0 (struct job, 1);
  *j = (struct job){.kind = JOB_FLUSH, .client = c};
  g_mutex_lock (&w->lock);
  int target = ++c->flushes_asked;
  g_async_queue_push (w->jobs, j);
  while (c->flushes_done < target)
    g_cond_wait (&w->flushed, &w->lock);
  g_mutex_unlock (&w->lock);
}

void
evid_writer_detach (struct evid_writer_client *c)
{
  if (!c)
    return;
  evid_writer_flush (c);
  g_mutex_lock (&c->w->lock);
  g_ptr_array_remove (c->w->clients, c);
  g_mutex_unlock (&c->w->lock);
  g_free (c);
}

void
evid_writer_timing (struct evid_writer *w, int *packets, double *wall_s, double *cpu_s)
{
  g_mutex_lock (&w->lock);
  *packets = w->written, *wall_s = w->write_s, *cpu_s = w->write_cpu_s;
  g_mutex_unlock (&w->lock);
}

int
evid_writer_backlog (struct evid_writer *w)
{
  return g_atomic_int_get (&w->queued);
}
