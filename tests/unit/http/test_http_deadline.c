/*
 * test_http_deadline.c — the deadline arithmetic of http_deadline.c: the
 * ticker reads the time before it takes its lock, so a connection that
 * arrives (or a request head that completes) in between starts its phase
 * after "now".  Such a phase must not count as expired; the unsigned
 * difference used to wrap to 2^64 ms and cut fresh connections at once
 * (seen as empty replies under load: tests/dsauth, rollup-soap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/http_deadline.h"

static void
test_expired(void **state)
{
	(void)state;
	assert_false(http_deadline_expired(1000, 1001, 10000));
	assert_false(http_deadline_expired(1000, 1500, 1));
	assert_false(http_deadline_expired(1000, 1000, 10000));
	assert_false(http_deadline_expired(10999, 1000, 10000));
	assert_true(http_deadline_expired(11000, 1000, 10000));
	assert_true(http_deadline_expired(UINT64_MAX, 0, 10000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
