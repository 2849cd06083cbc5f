/* evid_frame — a frame's pixels shared by reference: the evidence collector
 * (capture thread) keeps one copy of a frame however many open packets use
 * it, and the packets carry their references to the writer thread. The
 * count is atomic because the last holder may be either thread. */
#ifndef CW_EVID_FRAME_H
#define CW_EVID_FRAME_H

#include "cv_shim.h"

#include <glib.h>

struct evid_frame;

/* A tightly packed copy of IMG, one reference. */
struct evid_frame *evid_frame_copy (const struct cv_image *img);

/* BGR IMG into HELD, reallocated (exactly) only when its size changes:
 * I420 (cv_resize_to_i420's layout, one channel, the height times 3/2;
 * half the bytes) when its sides are even, else a BGR copy. FALSE when IMG
 * is no BGR picture or the conversion failed. */
gboolean evid_image_keep_compact (const struct cv_image *img, struct cv_image *held);

/* HELD (as evid_image_keep_compact left it) in BGR: HELD itself when it is
 * BGR, else converted into SCRATCH (reallocated only when its size
 * changes; the caller frees SCRATCH->data). NULL when that fails. */
const struct cv_image *evid_image_as_bgr (const struct cv_image *held, struct cv_image *scratch);

/* BGR IMG kept in I420 when its sides are even (cv_resize_to_i420's
 * layout: one channel, the height times 3/2; half the bytes), else as a
 * BGR copy; one reference. NULL when IMG is no BGR picture. */
struct evid_frame *evid_frame_compact (const struct cv_image *img);

/* F's picture in BGR: F's own pixels when it is BGR, else converted into
 * SCRATCH (allocated, or reused when it has the size; the caller frees
 * SCRATCH->data). NULL when the conversion fails. */
const struct cv_image *evid_frame_bgr (struct evid_frame *f, struct cv_image *scratch);

/* DATA (LEN bytes the vision shim allocated: an encoded picture) as
 * GBytes, taken over without a copy: freed with cv_free with the last
 * reference. */
GBytes *evid_bytes_take_cv (unsigned char *data, size_t len);

struct evid_frame *evid_frame_ref (struct evid_frame *f);
void evid_frame_unref (struct evid_frame *f); /* NULL: nothing */

/* The pixels (valid while a reference is held; never written once shared). */
struct cv_image *evid_frame_image (struct evid_frame *f);

#endif
