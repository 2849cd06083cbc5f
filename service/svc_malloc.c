#include "svc_malloc.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

/* Two cores' worth of capture, analysis, writer, MQTT and HTTP threads
 * rarely contend for more than this many arenas at once. */
#define ARENAS 4
/* Blocks this large are mapped on their own and unmapped when freed; below
 * it they come from an arena and are reused. OpenCV's HOG allocates and
 * frees its gradient images (up to megabytes at 720p, a pair per pyramid
 * level) on every frame the detector searches: mapped afresh each time,
 * every page of them faulted in and zeroed by the kernel again (perf: page
 * faults under HOGDescriptor::computeGradient were 9 % of all samples). At
 * 256 KB (before) a 720p25 camera spent a fifth of its CPU there: on
 * vtest.avi scaled to 1280x720 at 25 frames/s (1985 frames, `crosswatch
 * run` on the file) 151-173 s of CPU, 34-38 s of it in the kernel; at 4 MB
 * with the trim threshold below, 88-93 s, 5-6 s in the kernel, for a peak
 * resident size of 408-474 MB instead of 370: frames (a 720p BGR one is
 * 2.7 MB) now share the arenas. 1 MB gave a 14 MB lower peak for more
 * time in the kernel (bench/README.md). Fixing the threshold also stops
 * glibc from moving it after the first large free. */
#define MMAP_THRESHOLD (4 * 1024 * 1024)
/* Free memory at the top of an arena is kept for the next frame's
 * allocations instead of handed back at once (glibc's default: 128 KB, so
 * each frame's buffers were returned and faulted in again; with the 4 MB
 * threshold, 16 MB still cost 109 s of CPU on the run above, 64 and 512 MB
 * 86-93 s and the same peak). It still goes back: svc_malloc_trim, once a minute,
 * returns every free page. */
#define TRIM_THRESHOLD (64 * 1024 * 1024)
/* What the threshold is while svc_malloc_trim's window is open: glibc's
 * own default, so a thread arena keeps no more than that at its top. */
#define TRIM_THRESHOLD_OPEN (128 * 1024)

void
svc_malloc_setup (void)
{
  mallopt (M_ARENA_MAX, ARENAS);
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD);
}

size_t
svc_malloc_resident_bytes (void)
{
  FILE *f = fopen ("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (!f)
    return 0;
  int n = fscanf (f, "%lu %lu", &size, &resident);
  fclose (f);
  return n == 2 ? (size_t) resident * (size_t) sysconf (_SC_PAGESIZE) : 0;
}

void
svc_malloc_heap_bytes (size_t *in_use, size_t *free_held)
{
  struct mallinfo2 mi = mallinfo2 (); /* locks and walks every arena: once */
  *in_use = mi.uordblks + mi.hblkhd;
  *free_held = mi.fordblks;
}

void
svc_malloc_trim (void)
{
  /* Every free page inside every arena, and the top of the main one. */
  malloc_trim (0);
  /* Not the top of a thread's arena (glibc 2.36 mtrim: systrim only for the
   * main arena). That free space is given back only by the arena's own next
   * large free, and only while it is over M_TRIM_THRESHOLD, which at 64 MB,
   * the size of a thread heap, it can never be: so each camera rebuild,
   * whose new threads left their tops higher, added to the resident size
   * for good (bench/soak.sh DROPS=4: about 15 MiB a rebuild with the heap
   * in use flat). With the threshold lowered for a few seconds, each busy
   * thread's next freed frame hands its arena's top back. */
  mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD_OPEN);
}

void
svc_malloc_trim_end (void)
{
  mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD);
}
