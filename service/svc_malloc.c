#include "svc_malloc.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

/* One arena for every thread. With several, each camera's threads fill
 * arenas of their own, and what one arena holds free no other thread
 * reuses; worse, malloc_trim leaves the free space at the top of a thread's
 * arena alone (glibc 2.36 mtrim: systrim only for the main arena), and that
 * arena's own frees give it back only over M_TRIM_THRESHOLD, which at 64 MB,
 * the size of a thread heap, it never is. So each camera rebuild, whose new
 * threads settled in other arenas, left its resident size higher for good:
 * with 4 arenas the hour at 720p25 (bench/soak.sh) stepped up about 20 MiB
 * at its camera drop and sloped 7.1 MiB per 10 min; with one, 2.5, its
 * floors' mean 8 MiB higher after the drop (bench/README.md). The cost,
 * threads waiting for the arena's lock, is small on two cores, as small
 * blocks come from each thread's cache without it: bench/rtsp_live.sh, two
 * 720p25 cameras, back to back, 183 % of one core with one arena, 182 %
 * with four. */
#define ARENAS 1
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
  malloc_trim (0);
}
