/* test_date.c — days_from_civil / civil_from_days, leap years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/date.h"

static void
test_known_days(void **state)
{
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(2026, 12, 6), 20793);
	assert_int_equal(days_from_civil(1, 1, 1), -719162);
	assert_int_equal(days_from_civil(9999, 12, 31), 2932896);
}

static void
test_roundtrip(void **state)
{
	for (int64_t z = -800000; z < 3000000; z += 997) {
		int64_t y;
		unsigned m, d;

		civil_from_days(z, &y, &m, &d);
		assert_true(m >= 1 && m <= 12);
		assert_true(d >= 1 && d <= date_month_days(y, m));
		assert_int_equal(days_from_civil(y, m, d), z);
	}
}

static void
test_leap(void **state)
{
	assert_true(date_is_leap(2000));
	assert_true(date_is_leap(2024));
	assert_false(date_is_leap(1900));
	assert_false(date_is_leap(2026));
	assert_int_equal(date_month_days(2024, 2), 29);
	assert_int_equal(date_month_days(2100, 2), 28);
	assert_int_equal(date_month_days(2026, 12), 31);
	assert_int_equal(date_month_days(2026, 4), 30);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_days),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_leap),
	};
	return cmocka_run_group_tests_name("util/date", tests, NULL, NULL);
}
