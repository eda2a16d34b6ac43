/*
 * test_retry_after.c — sync_retry_after_parse (src/sync/retry_after.c):
 * delay-seconds, IMF-fixdate counted from a given now (RFC 9110's own
 * example date), a date passed, saturation, and what is refused (the
 * obsolete date forms, signs, fractions, bad calendar dates).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sync/sync.h"

/* 1994-11-06T08:49:37Z, RFC 9110 §5.6.7's example */
#define EXAMPLE	((time_t)784111777)

static int
parse(const char *v, time_t now, uint32_t *secs)
{
	*secs = 12345;
	return sync_retry_after_parse(v, strlen(v), now, secs);
}

static void
test_seconds(void **state)
{
	uint32_t s;

	(void)state;
	assert_int_equal(parse("120", 0, &s), 0);
	assert_int_equal(s, 120);
	assert_int_equal(parse("0", 0, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(parse(" \t7 \r\n", 0, &s), 0);
	assert_int_equal(s, 7);
	assert_int_equal(parse("000900", 0, &s), 0);
	assert_int_equal(s, 900);
	/* more than 32 bits: saturates (longer than any wait) */
	assert_int_equal(parse("4294967296", 0, &s), 0);
	assert_int_equal(s, UINT32_MAX);
	assert_int_equal(parse("99999999999999999999999", 0, &s), 0);
	assert_int_equal(s, UINT32_MAX);
	/* only the len bytes given count */
	s = 0;
	assert_int_equal(sync_retry_after_parse("1234", 2, 0, &s), 0);
	assert_int_equal(s, 12);
}

static void
test_date(void **state)
{
	uint32_t s;

	(void)state;
	assert_int_equal(parse("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE - 90,
	    &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(parse("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE, &s),
	    0);
	assert_int_equal(s, 0);
	/* passed: no wait */
	assert_int_equal(parse("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE + 5,
	    &s), 0);
	assert_int_equal(s, 0);
	/* a leap day and the turn of a year */
	assert_int_equal(parse("Thu, 29 Feb 2024 00:00:00 GMT", 1709164800 - 1,
	    &s), 0);
	assert_int_equal(s, 1);
	assert_int_equal(parse("Wed, 01 Jan 2025 00:00:10 GMT", 1735689600,
	    &s), 0);
	assert_int_equal(s, 10);
	/* a leap second */
	assert_int_equal(parse("Sat, 31 Dec 2016 23:59:60 GMT", 1483228800 - 2,
	    &s), 0);
	assert_int_equal(s, 2);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"", "   ", "-1", "+5", "1.5", "5s", "0x10", "1 2",
		/* obsolete forms (RFC 850, asctime) */
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		/* IMF-fixdate gone wrong */
		"Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT",
		"Sun, 06 Nov 1994 08:49:61 GMT", "Mon, 29 Feb 2100 00:00:00 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT x", "Sun, 06 Nov 19a4 08:49:37 GMT",
	};
	uint32_t s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], EXAMPLE, &s) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(parse("Tue, 29 Feb 2000 00:00:00 GMT", 0, &s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
