/*
 * sync_runner.h — the sync engine inside wsusd: one thread that runs
 * sync_run() (src/sync) with the update source configured in the store
 * (store/sync_service.h, `wsusctl sync configure`) on its schedule
 * (sync/schedule.h) and when `wsusctl sync now` leaves a request row;
 * it records every run in sync_history (phase changes as it goes) and
 * stops a run on `wsusctl sync cancel` or when wsusd shuts down.  Only
 * one sync runs at a time.  The store is the only channel: no admin
 * surface on a client port.
 */
#ifndef WSUSD_DAEMON_SYNC_RUNNER_H
#define WSUSD_DAEMON_SYNC_RUNNER_H

#include <stddef.h>

#include "config/config.h"

/* How often the runner looks at the request rows and the clock. */
#define SYNC_RUNNER_POLL_MS	1000

struct sync_runner;

/* Start the thread (cfg must outlive it).  0 with *out, or -1 with err. */
int	sync_runner_start(const struct config *cfg, struct sync_runner **out,
	    char *err, size_t errlen);
/* Cancel a running sync (between calls), join the thread, free.  NULL is
 * fine. */
void	sync_runner_stop(struct sync_runner *);

#endif
