#include "svc_malloc.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

/* Two cores' worth of capture, analysis, writer, MQTT and HTTP threads
 * rarely contend for more than this many arenas at once. */
#define ARENAS 4
/* Blocks this large (a half-size 720p clip frame is 691 KB, a full one
 * 2.7 MB, the detector's scaled images hundreds of KB) are mapped on their
 * own and unmapped when freed, instead of being carved from an arena where
 * they leave holes. Fixing the threshold also stops glibc from raising it
 * after the first large free, which sends every later frame to the arenas. */
#define MMAP_THRESHOLD (256 * 1024)

void
svc_malloc_setup (void)
{
  mallopt (M_ARENA_MAX, ARENAS);
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
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

size_t
svc_malloc_in_use_bytes (void)
{
  struct mallinfo2 mi = mallinfo2 ();
  return mi.uordblks + mi.hblkhd;
}

void
svc_malloc_trim (void)
{
  malloc_trim (0);
}
