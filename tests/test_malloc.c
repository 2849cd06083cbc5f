/* svc_malloc: the minute trim hands back what a thread's arena holds free,
 * not only what the main arena does (a camera's threads are thread arenas). */
#include "svc_malloc.h"

#include <glib.h>
#include <string.h>

#define MIB (1024 * 1024)
#define BLOCKS 48 /* 1 MiB each: under the mmap threshold, so arena memory */

/* A thread with an arena of its own (glibc gives each new thread one while
 * under the cap), told what to do through a queue. */
enum job { FILL = 1, CHURN, QUIT };

struct worker {
  GAsyncQueue *jobs, *done;
  GThread *thread;
};

/* Allocates BLOCKS blocks, touches every page and frees them again: they
 * fall back into the top of the thread's arena, resident. */
static void
fill (void)
{
  void *blocks[BLOCKS];
  for (int i = 0; i < BLOCKS; i++) {
    blocks[i] = g_malloc (MIB);
    memset (blocks[i], i + 1, MIB);
  }
  for (int i = BLOCKS - 1; i >= 0; i--)
    g_free (blocks[i]);
}

/* One large allocation freed, as a camera's analysis thread frees a frame. */
static void
churn (void)
{
  void *p = g_malloc (MIB);
  memset (p, 1, MIB);
  g_free (p);
}

static gpointer
work (gpointer data)
{
  struct worker *w = data;
  for (;;) {
    enum job job = GPOINTER_TO_INT (g_async_queue_pop (w->jobs));
    if (job == FILL)
      fill ();
    else if (job == CHURN)
      churn ();
    g_async_queue_push (w->done, GINT_TO_POINTER (job));
    if (job == QUIT)
      return NULL;
  }
}

static void
run (struct worker *w, enum job job)
{
  g_async_queue_push (w->jobs, GINT_TO_POINTER (job));
  g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_pop (w->done)), ==, job);
}

static double
resident_mib (void)
{
  return (double) svc_malloc_resident_bytes () / MIB;
}

static void
a_thread_arenas_free_top_goes_back_at_the_minute_trim (void)
{
#ifdef __SANITIZE_ADDRESS__
  g_test_skip ("ASan's allocator replaces glibc's: there are no arenas to trim");
  return;
#endif
  struct worker w = { g_async_queue_new (), g_async_queue_new (), NULL };
  w.thread = g_thread_new ("arena", work, &w);
  run (&w, CHURN); /* the thread has its arena */
  double before = resident_mib ();

  run (&w, FILL);
  double filled = resident_mib ();
  g_test_message ("resident %.1f MiB, %.1f after the thread freed %d MiB", before, filled, BLOCKS);
  g_assert_cmpfloat (filled - before, >, BLOCKS * 0.8); /* kept for reuse between trims */

  /* A trim with no large free in the thread's arena while it is open:
   * malloc_trim alone leaves that arena's top as it is. */
  svc_malloc_trim ();
  svc_malloc_trim_end ();
  double trimmed_alone = resident_mib ();
  g_test_message ("%.1f MiB after a trim the thread did not free into", trimmed_alone);

  svc_malloc_trim ();
  run (&w, CHURN); /* the thread frees a frame while the trim is open */
  svc_malloc_trim_end ();
  double trimmed = resident_mib ();
  g_test_message ("%.1f MiB after a trim the thread freed a block into", trimmed);
  g_assert_cmpfloat (filled - trimmed, >, BLOCKS * 0.8);

  /* Closed again: freed memory is kept for reuse, not handed back. */
  run (&w, FILL);
  run (&w, CHURN);
  double kept = resident_mib ();
  g_test_message ("%.1f MiB with the trim closed, after the same again", kept);
  g_assert_cmpfloat (kept - trimmed, >, BLOCKS * 0.8);

  run (&w, QUIT);
  g_thread_join (w.thread);
  g_async_queue_unref (w.jobs);
  g_async_queue_unref (w.done);
}

int
main (int argc, char **argv)
{
  svc_malloc_setup (); /* before any thread, as crosswatch run does */
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/malloc/a_thread_arenas_free_top_goes_back_at_the_minute_trim",
                   a_thread_arenas_free_top_goes_back_at_the_minute_trim);
  return g_test_run ();
}
