/*
 * schedule.c — the next scheduled sync time (sync/schedule.h).
 */
#include <time.h>

#include "sync/schedule.h"

/* Local midnight of the day of now, plus day days, plus minute minutes
 * (mktime normalises; DST decides itself). */
static int64_t
local_at(int64_t now, int day, int minute)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday += day;
	tm.tm_hour = 0;
	tm.tm_min = minute;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int64_t
sync_schedule_slot(int64_t now, int per_day, int first)
{
	int64_t best = 0, t;
	int day, k, step;

	if (per_day < 1 || per_day > 24 || first < 0 || first >= 1440)
		return 0;
	step = 1440 / per_day;
	/* yesterday's series may run past midnight into today */
	for (day = -1; day <= 1; day++)
		for (k = 0; k < per_day; k++) {
			t = local_at(now, day, first + k * step);
			if (t > now && (best == 0 || t < best))
				best = t;
		}
	return best;
}

int64_t
sync_schedule_next(int64_t now, int per_day, int first, int jitter,
    int failures, uint32_t rnd)
{
	int64_t slot;

	if (per_day < 1)
		return 0;
	if (failures >= 1 && failures <= SYNC_RETRIES)
		return now + SYNC_RETRY_DELAY;
	if ((slot = sync_schedule_slot(now, per_day, first)) == 0)
		return 0;
	if (jitter > 0)
		slot += (int64_t)(rnd % (uint32_t)(jitter * 60 + 1));
	return slot;
}
