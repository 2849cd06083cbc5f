/* cw_run_status — the run's health reporter. Every [status] interval_s,
 * and within a second of a camera going down or coming back or a signal
 * feed going silent or returning, it makes a status (cw_status.h) of the
 * cameras, the store, the outbox and the clock and hands it to the
 * publisher (retained on crosswatch/<site>/status) and to the HTTP server
 * of [status] http_listen. On a terminal it keeps a one-line progress
 * display. Timers run on the caller's main context. */
#ifndef CW_RUN_STATUS_H
#define CW_RUN_STATUS_H

#include "evid_publisher.h"
#include "hwcfg.h"

#include <glib.h>
#include <stdio.h>

struct cw_run_status;

/* CAMERAS (struct cw_camera) and PUB (may be NULL) must outlive it. FALSE
 * with ERROR when the HTTP server cannot listen. PROGRESS: a terminal to
 * draw the progress line on, or NULL. */
struct cw_run_status *cw_run_status_new (const struct hwcfg *cfg, GPtrArray *cameras, struct evid_publisher *pub,
                                         FILE *progress, GError **error);
void cw_run_status_free (struct cw_run_status *s);

/* Makes and hands out a status now. */
void cw_run_status_update (struct cw_run_status *s);

#endif
