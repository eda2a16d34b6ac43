/*
 * schedule.h — when wsusd's sync runner starts the next scheduled sync
 * (WSUS's Synchronization Schedule): per_day slots a day, evenly spaced
 * from the first time (local time, minutes after midnight; a series that
 * passes midnight wraps into the next day), each delayed by a random
 * 0..jitter minutes so that many sites do not arrive at once.  After a
 * failed scheduled run WSUS retries twice about 15 minutes apart, then
 * waits for the next slot.
 *
 * Pure functions of their arguments (and the local time zone): the
 * runner passes the clock and the random number, so tests are exact.
 */
#ifndef WSUSD_SYNC_SCHEDULE_H
#define WSUSD_SYNC_SCHEDULE_H

#include <stdint.h>

#define SYNC_RETRY_DELAY	(15 * 60)	/* seconds between retries */
#define SYNC_RETRIES		2		/* retries after a failure */

/* The first slot strictly after now (no jitter); per_day 1..24, first
 * 0..1439.  0 when per_day is 0 (manual only). */
int64_t	sync_schedule_slot(int64_t now, int per_day, int first);

/*
 * The time of the next scheduled run, computed at now (after a run
 * ended, or at start with failures 0): failures is the number of
 * scheduled runs that failed in a row since the last success (1 and 2:
 * retry at now + SYNC_RETRY_DELAY; else the next slot plus
 * rnd % (jitter * 60 + 1) seconds).  0 when per_day is 0.
 */
int64_t	sync_schedule_next(int64_t now, int per_day, int first, int jitter,
	    int failures, uint32_t rnd);

#endif
