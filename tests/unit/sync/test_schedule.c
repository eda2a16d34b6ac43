/*
 * test_schedule.c — the sync schedule (src/sync/schedule.c): the next
 * slot for 1..24 syncs a day, a series that wraps past midnight, the
 * jitter bounds, WSUS's two retries 15 minutes apart then the next slot,
 * manual only, and a day with a DST change (POSIX TZ rule, no tzdata).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "sync/schedule.h"

/* 2026-03-10T00:00:00Z */
#define DAY0	INT64_C(1773100800)
#define H	3600
#define M	60

static void
utc(void)
{
	setenv("TZ", "UTC0", 1);
	tzset();
}

static void
test_slots(void **state)
{
	(void)state;
	utc();
	/* once a day at 03:30 */
	assert_int_equal(sync_schedule_slot(DAY0, 1, 210), DAY0 + 3 * H + 30 * M);
	assert_int_equal(sync_schedule_slot(DAY0 + 3 * H + 30 * M, 1, 210),
	    DAY0 + 24 * H + 3 * H + 30 * M);	/* strictly after */
	assert_int_equal(sync_schedule_slot(DAY0 + 5 * H, 1, 210),
	    DAY0 + 27 * H + 30 * M);
	/* four a day from 22:00: 22:00, 04:00, 10:00, 16:00 (wraps) */
	assert_int_equal(sync_schedule_slot(DAY0 + 1 * H, 4, 22 * 60),
	    DAY0 + 4 * H);
	assert_int_equal(sync_schedule_slot(DAY0 + 4 * H, 4, 22 * 60),
	    DAY0 + 10 * H);
	assert_int_equal(sync_schedule_slot(DAY0 + 17 * H, 4, 22 * 60),
	    DAY0 + 22 * H);
	assert_int_equal(sync_schedule_slot(DAY0 + 23 * H, 4, 22 * 60),
	    DAY0 + 28 * H);
	/* 24 a day from 00:15: every hour at :15 */
	assert_int_equal(sync_schedule_slot(DAY0 + 7 * H + 20 * M, 24, 15),
	    DAY0 + 8 * H + 15 * M);
	/* 7 a day: 1440 / 7 = 205 minutes apart from 00:00 */
	assert_int_equal(sync_schedule_slot(DAY0 + 1, 7, 0), DAY0 + 205 * M);
	assert_int_equal(sync_schedule_slot(DAY0 + 6 * 205 * M, 7, 0),
	    DAY0 + 24 * H);
	/* manual only and bad values: none */
	assert_int_equal(sync_schedule_slot(DAY0, 0, 0), 0);
	assert_int_equal(sync_schedule_slot(DAY0, 25, 0), 0);
	assert_int_equal(sync_schedule_slot(DAY0, 1, 1440), 0);
}

static void
test_jitter_and_retries(void **state)
{
	int64_t now = DAY0 + 5 * H, slot = DAY0 + 6 * H;

	(void)state;
	utc();
	/* 4 a day from 00:00: next slot 06:00 */
	assert_int_equal(sync_schedule_next(now, 4, 0, 0, 0, 12345), slot);
	/* jitter 30 minutes: 0 .. 1800 seconds, both ends reachable */
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 0, 0), slot);
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 0, 1800),
	    slot + 1800);
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 0, 1801), slot);
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 0, UINT32_MAX),
	    slot + (int64_t)(UINT32_MAX % 1801));
	/* failures: two retries 15 minutes apart, then the next slot */
	assert_int_equal(SYNC_RETRY_DELAY, 15 * 60);
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 1, 999),
	    now + 15 * M);
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 2, 999),
	    now + 15 * M);
	assert_int_equal(sync_schedule_next(now, 4, 0, 30, 3, 999),
	    slot + 999);
	/* manual only: never, even after a failure */
	assert_int_equal(sync_schedule_next(now, 0, 0, 30, 0, 0), 0);
	assert_int_equal(sync_schedule_next(now, 0, 0, 30, 1, 0), 0);
}

static void
test_dst(void **state)
{
	(void)state;
	/* Central Europe: 2026-03-29 02:00 CET jumps to 03:00 CEST. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	/* 2026-03-28T23:00:00Z = 00:00 CET on the 29th; daily at 04:00
	 * local = 02:00Z (CEST, UTC+2) */
	assert_int_equal(sync_schedule_slot(INT64_C(1774738800), 1, 240),
	    INT64_C(1774749600));
	/* and the day before, 04:00 CET = 03:00Z */
	assert_int_equal(sync_schedule_slot(INT64_C(1774652400), 1, 240),
	    INT64_C(1774666800));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_jitter_and_retries),
		cmocka_unit_test(test_dst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
