/* evid_writer — the one thread that writes evidence for every camera of
 * the process. Clip encoding, stills, the SQLite transaction and its
 * fsyncs happen here, never on a capture thread, so a slow disk never
 * holds up a camera; and with several cameras in one process there is
 * still one writer, so their packets reach the store one at a time, in
 * the order they were handed over.
 *
 * Each camera attaches as a client with a WRITE callback (called on the
 * writer thread for each packet it submitted) and an IDLE callback (called
 * about once a second and at every flush: a client retries evidence kept
 * in memory while the disk was full). */
#ifndef CW_EVID_WRITER_H
#define CW_EVID_WRITER_H

#include "evid_pending.h"

struct evid_writer;
struct evid_writer_client;

typedef void (*evid_writer_write_fn) (void *data, struct evid_pending *p);
typedef void (*evid_writer_idle_fn) (void *data);

/* The process's writer, started at the first call; each call takes a
 * reference, released by evid_writer_release (the thread stops with the
 * last). */
struct evid_writer *evid_writer_acquire (void);
void evid_writer_release (struct evid_writer *w);

/* A client of W; IDLE may be NULL. */
struct evid_writer_client *evid_writer_attach (struct evid_writer *w, evid_writer_write_fn write,
                                               evid_writer_idle_fn idle, void *data);

/* Queues P for the client's WRITE; the writer frees P after it. */
void evid_writer_submit (struct evid_writer_client *c, struct evid_pending *p);

/* Queues CLIP (the caller's reference, taken over) to be encoded before
 * what is queued after it: the packet it belongs to finds it done. Not
 * counted in the backlog. */
void evid_writer_submit_clip (struct evid_writer_client *c, struct evid_clip_job *clip);

/* Returns once every packet the client submitted before has been written
 * and its IDLE has run once after them. */
void evid_writer_flush (struct evid_writer_client *c);

/* Flushes, then frees the client: no callback of it runs after. */
void evid_writer_detach (struct evid_writer_client *c);

/* Packets queued and not yet written, for every client (status). */
int evid_writer_backlog (struct evid_writer *w);

/* Packets written so far, the wall time and the writer thread's CPU time
 * they took (encoding the clip, whether with the packet or when it was
 * cut, and stills, hashing, signing, the store). */
void evid_writer_timing (struct evid_writer *w, int *packets, double *wall_s, double *cpu_s);

#endif
