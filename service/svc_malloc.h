/* svc_malloc — keeps a long-running process's resident memory from creeping.
 *
 * crosswatch allocates and frees whole frames (0.3-6 MB) on several threads
 * all day. glibc gives each thread that contends for the heap an arena of
 * its own (up to 8 per core) and keeps freed pages inside them, so the
 * resident size climbs for hours with fragmentation that is not a leak.
 * One arena and a trim each minute hand the free pages back; between
 * trims freed buffers are kept for reuse, since handing them back and
 * faulting them in again on the next frame cost the detector a fifth of
 * its CPU (svc_malloc.c). */
#ifndef CW_SVC_MALLOC_H
#define CW_SVC_MALLOC_H

#include <stddef.h>

/* At start, before threads: one arena for every thread (what one freed,
 * any other reuses), only very large blocks mapped on their own, and freed
 * memory kept for reuse until the next svc_malloc_trim. */
void svc_malloc_setup (void);

/* The process's resident bytes (0 when /proc cannot tell). */
size_t svc_malloc_resident_bytes (void);

/* The heap, from one walk of every arena: *IN_USE, the bytes the
 * allocator has handed out and not had back (arenas and mmapped chunks: a
 * leak grows this, fragmentation only the resident size); *FREE_HELD, the
 * bytes freed and held for reuse, resident until svc_malloc_trim hands
 * their pages back (up to 64 MB at the heap's top between trims). The
 * resident size less *FREE_HELD is what the process holds in use, its
 * code and its fragmentation. */
void svc_malloc_heap_bytes (size_t *in_use, size_t *free_held);

/* Returns free heap pages to the system (every arena). Cheap enough for
 * once a minute. */
void svc_malloc_trim (void);

#endif
