/* svc_malloc: what a camera's threads free is reused by the threads that
 * replace them when the camera is rebuilt, and goes back to the system at
 * the minute trim, whichever thread freed it. */
#include "svc_malloc.h"

#include <glib.h>
#include <string.h>

#define MIB (1024 * 1024)
#define BLOCKS 48 /* 1 MiB each: under the mmap threshold, so arena memory */

/* Allocates BLOCKS blocks, touches every page and frees them again, as a
 * camera's analysis thread does with its frames. */
static gpointer
fill (gpointer data)
{
  (void) data;
  void *blocks[BLOCKS];
  for (int i = 0; i < BLOCKS; i++) {
    blocks[i] = g_malloc (MIB);
    memset (blocks[i], i + 1, MIB);
  }
  for (int i = BLOCKS - 1; i >= 0; i--)
    g_free (blocks[i]);
  return NULL;
}

/* A thread that allocates once and then waits (another camera's threads,
 * the writer's, the main loop's helpers): it holds on to an arena. */
static gpointer
wait_for_the_end (gpointer data)
{
  g_free (g_malloc (64));
  g_free (g_async_queue_pop (data));
  return NULL;
}

static double
resident_mib (void)
{
  return (double) svc_malloc_resident_bytes () / MIB;
}

#define OTHERS 6

static void
threads_reuse_what_others_freed_and_the_trim_hands_it_back (void)
{
#ifdef __SANITIZE_ADDRESS__
  g_test_skip ("ASan's allocator replaces glibc's: nothing here is glibc's");
  return;
#endif
  GAsyncQueue *end = g_async_queue_new ();
  GThread *others[OTHERS];
  for (int i = 0; i < OTHERS; i++)
    others[i] = g_thread_new ("other", wait_for_the_end, end);

  double before = resident_mib ();
  g_thread_join (g_thread_new ("camera", fill, NULL));
  double first = resident_mib ();
  g_test_message ("resident %.1f MiB, %.1f after a thread freed %d MiB", before, first, BLOCKS);
  g_assert_cmpfloat (first - before, >, BLOCKS * 0.8); /* kept for reuse between trims */

  /* The camera rebuilt four times, its new thread started while the other
   * threads run: it takes what the last one freed. With arenas for
   * threads to share, each new thread was given the next arena round, and
   * every arena kept a camera's worth of free memory. */
  for (int i = 0; i < 4; i++)
    g_thread_join (g_thread_new ("camera", fill, NULL));
  double rebuilt = resident_mib ();
  g_test_message ("%.1f MiB after it was rebuilt four times", rebuilt);
  g_assert_cmpfloat (rebuilt - first, <, BLOCKS * 0.2);

  /* The trim hands it back, whichever thread freed it. */
  svc_malloc_trim ();
  double trimmed = resident_mib ();
  g_test_message ("%.1f MiB after the trim", trimmed);
  g_assert_cmpfloat (rebuilt - trimmed, >, BLOCKS * 0.8);

  for (int i = 0; i < OTHERS; i++)
    g_async_queue_push (end, g_malloc (1));
  for (int i = 0; i < OTHERS; i++)
    g_thread_join (others[i]);
  g_async_queue_unref (end);
}

int
main (int argc, char **argv)
{
  svc_malloc_setup (); /* before any thread, as crosswatch run does */
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/malloc/threads_reuse_what_others_freed_and_the_trim_hands_it_back",
                   threads_reuse_what_others_freed_and_the_trim_hands_it_back);
  return g_test_run ();
}
