/*
 * clock.h — the monotonic clock as seconds, for timing calls and runs
 * (soapclient, wsusctl sync --bench, wsus-client download and load).
 * Not here: wall-clock dates (util/date.h).
 */
#ifndef WSUSD_UTIL_CLOCK_H
#define WSUSD_UTIL_CLOCK_H

/* CLOCK_MONOTONIC now, in seconds (with the nanoseconds as fraction). */
double	clock_mono(void);

#endif
