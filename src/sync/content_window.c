/*
 * content_window.c — the time window of content downloads (sync.h,
 * docs/SYNC.md "Content"): "HH:MM-HH:MM" in local time, the end excluded,
 * wrapping past midnight when the end is earlier than the start.  Outside
 * it a sync does its metadata and leaves the files for a run inside it.
 *
 * Not here: where the window is kept (the store setting
 * content_window) or when runs happen (sync/schedule.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "sync/sync.h"

/* "HH:MM" exactly (two digits each) at p; minutes after midnight or -1. */
static int
hhmm(const char *p)
{
	int h, m;

	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' ||
	    p[2] != ':' || p[3] < '0' || p[3] > '9' || p[4] < '0' ||
	    p[4] > '9')
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	m = (p[3] - '0') * 10 + (p[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

int
sync_window_parse(const char *s, size_t len, struct sync_window *w)
{
	int from, to;

	if (s == NULL || len != 11 || memchr(s, '\0', len) != NULL ||
	    s[5] != '-' || (from = hhmm(s)) < 0 || (to = hhmm(s + 6)) < 0 ||
	    from == to)
		return -1;
	w->from = from;
	w->to = to;
	return 0;
}

bool
sync_window_open(const struct sync_window *w, time_t now)
{
	struct tm tm;
	int m;

	if (w == NULL || w->from < 0)
		return true;		/* no window: always */
	if (localtime_r(&now, &tm) == NULL)
		return true;
	m = tm.tm_hour * 60 + tm.tm_min;
	if (w->from < w->to)
		return m >= w->from && m < w->to;
	return m >= w->from || m < w->to;	/* past midnight */
}
