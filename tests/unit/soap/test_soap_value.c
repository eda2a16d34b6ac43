/* test_soap_value.c — strict parsing/formatting of int, bool, dateTime, guid, base64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "soap/soap_value.h"

#define S(x) (x), strlen(x)

static void
test_int32(void **state)
{
	int32_t v;

	assert_int_equal(soap_parse_int32(S("0"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(soap_parse_int32(S("-2147483648"), &v), 0);
	assert_int_equal(v, INT32_MIN);
	assert_int_equal(soap_parse_int32(S("2147483647"), &v), 0);
	assert_int_equal(v, INT32_MAX);
	assert_int_equal(soap_parse_int32(S(" \t72571\r\n"), &v), 0);
	assert_int_equal(v, 72571);
	assert_int_equal(soap_parse_int32(S("+7"), &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(soap_parse_int32(S("007"), &v), 0);
	assert_int_equal(v, 7);
	v = 99;
	assert_int_equal(soap_parse_int32(S("2147483648"), &v), -1);
	assert_int_equal(soap_parse_int32(S("-2147483649"), &v), -1);
	assert_int_equal(soap_parse_int32(S("99999999999999999999999"), &v), -1);
	assert_int_equal(soap_parse_int32(S(""), &v), -1);
	assert_int_equal(soap_parse_int32(S("   "), &v), -1);
	assert_int_equal(soap_parse_int32(S("-"), &v), -1);
	assert_int_equal(soap_parse_int32(S("1 2"), &v), -1);
	assert_int_equal(soap_parse_int32(S("0x10"), &v), -1);
	assert_int_equal(soap_parse_int32(S("12a"), &v), -1);
	assert_int_equal(soap_parse_int32(S("1.0"), &v), -1);
	assert_int_equal(soap_parse_int32(S("--1"), &v), -1);
	assert_int_equal(soap_parse_int32(NULL, 0, &v), -1);
	assert_int_equal(v, 99);	/* untouched on failure */
	/* length, not NUL, ends the value */
	assert_int_equal(soap_parse_int32("123", 2, &v), 0);
	assert_int_equal(v, 12);
}

static void
test_int64_uint32(void **state)
{
	int64_t l;
	uint32_t u;

	assert_int_equal(soap_parse_int64(S("-9223372036854775808"), &l), 0);
	assert_true(l == INT64_MIN);
	assert_int_equal(soap_parse_int64(S("9223372036854775807"), &l), 0);
	assert_true(l == INT64_MAX);
	assert_int_equal(soap_parse_int64(S("9223372036854775808"), &l), -1);
	assert_int_equal(soap_parse_int64(S("-9223372036854775809"), &l), -1);
	assert_int_equal(soap_parse_uint32(S("4294967295"), &u), 0);
	assert_true(u == UINT32_MAX);
	assert_int_equal(soap_parse_uint32(S("4294967296"), &u), -1);
	assert_int_equal(soap_parse_uint32(S("-1"), &u), -1);
	assert_int_equal(soap_parse_uint32(S("-0"), &u), 0);
	assert_int_equal(u, 0);
}

static void
test_bool(void **state)
{
	int b = 7;

	assert_int_equal(soap_parse_bool(S("true"), &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(soap_parse_bool(S("false"), &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(soap_parse_bool(S("1"), &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(soap_parse_bool(S(" 0 "), &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(soap_parse_bool(S("True"), &b), -1);
	assert_int_equal(soap_parse_bool(S("TRUE"), &b), -1);
	assert_int_equal(soap_parse_bool(S("yes"), &b), -1);
	assert_int_equal(soap_parse_bool(S("2"), &b), -1);
	assert_int_equal(soap_parse_bool(S(""), &b), -1);
	assert_int_equal(soap_parse_bool(S("truefalse"), &b), -1);
}

static void
check_dt(const char *s, int64_t sec, uint32_t ticks, enum soap_tz tz)
{
	struct soap_datetime dt;

	if (soap_parse_datetime(s, strlen(s), &dt) != 0)
		fail_msg("dateTime %s refused", s);
	assert_true(dt.sec == sec);
	assert_int_equal(dt.ticks, ticks);
	assert_int_equal(dt.tz, tz);
}

static void
test_datetime_parse(void **state)
{
	struct soap_datetime dt;

	/* forms seen in the captures */
	check_dt("2026-10-04T15:03:36Z", 1791126216, 0, SOAP_TZ_UTC);
	check_dt("2026-10-04T16:03:35.9967236Z", 1791129815, 9967236, SOAP_TZ_UTC);
	check_dt("2026-10-04T20:33:26.65455Z", 1791146006, 6545500, SOAP_TZ_UTC);
	check_dt("2026-10-04T13:17:07.59Z", 1791126216 - 6389, 5900000, SOAP_TZ_UTC);
	check_dt("2022-02-02T00:00:00Z", 1643760000, 0, SOAP_TZ_UTC);
	check_dt("9999-12-31T23:59:59.9999999", 253402300799LL, 9999999, SOAP_TZ_NONE);
	check_dt("0001-01-01T00:00:00", -62135596800LL, 0, SOAP_TZ_NONE);
	check_dt("1753-01-01T00:00:00", -6847804800LL, 0, SOAP_TZ_NONE);
	/* offsets convert to UTC */
	check_dt("2026-10-04T17:03:36+02:00", 1791126216, 0, SOAP_TZ_OFFSET);
	check_dt("2026-10-04T10:33:36-04:30", 1791126216, 0, SOAP_TZ_OFFSET);
	/* more than 7 fraction digits: truncated */
	check_dt("2026-10-04T15:03:36.123456789Z", 1791126216, 1234567, SOAP_TZ_UTC);
	/* leap day */
	check_dt("2024-02-29T00:00:00Z", 1709164800, 0, SOAP_TZ_UTC);
	check_dt(" 2026-10-04T15:03:36Z\n", 1791126216, 0, SOAP_TZ_UTC);

	static const char *bad[] = {
		"", "2026-10-04", "2026-10-04T15:03", "2026-13-04T15:03:36Z",
		"2026-00-04T15:03:36Z", "2023-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-10-04T24:00:00Z",
		"2026-10-04T23:60:00Z", "2026-10-04T23:59:60Z",
		"0000-01-01T00:00:00Z", "2026-10-04T15:03:36.Z",
		"2026-10-04T15:03:36ZZ", "2026-10-04T15:03:36+2:00",
		"2026-10-04T15:03:36+15:00", "2026-10-04T15:03:36+02:60",
		"2026-10-04 15:03:36Z", "2026/10/04T15:03:36Z",
		"-2026-10-04T15:03:36Z", "20261-10-04T15:03:36Z",
		"2026-10-04T15:03:36.5 Z", "2026-1a-04T15:03:36Z",
		"2026-10-04T15:03:36Zjunk",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (soap_parse_datetime(bad[i], strlen(bad[i]), &dt) == 0)
			fail_msg("dateTime \"%s\" accepted", bad[i]);
}

static void
check_fmt(const char *in, const char *want)
{
	struct soap_datetime dt;
	char out[SOAP_DATETIME_MAX];

	assert_int_equal(soap_parse_datetime(in, strlen(in), &dt), 0);
	assert_int_equal(soap_format_datetime(&dt, out), 0);
	assert_string_equal(out, want);
}

static void
test_datetime_format(void **state)
{
	struct soap_datetime dt;
	char out[SOAP_DATETIME_MAX];

	/* what the real server writes, byte for byte */
	check_fmt("2026-10-04T16:03:35.9967236Z", "2026-10-04T16:03:35.9967236Z");
	check_fmt("2026-10-04T13:17:07.59Z", "2026-10-04T13:17:07.59Z");
	check_fmt("2026-10-04T13:17:07.5900000Z", "2026-10-04T13:17:07.59Z");
	check_fmt("2026-10-04T20:33:26.65455Z", "2026-10-04T20:33:26.65455Z");
	check_fmt("2026-10-04T15:03:36Z", "2026-10-04T15:03:36Z");
	check_fmt("2026-10-04T15:03:36.0000000Z", "2026-10-04T15:03:36Z");
	check_fmt("0001-01-01T00:00:00", "0001-01-01T00:00:00Z");
	check_fmt("9999-12-31T23:59:59.9999999", "9999-12-31T23:59:59.9999999Z");
	check_fmt("2026-10-04T17:03:36.0000001+02:00", "2026-10-04T15:03:36.0000001Z");
	check_fmt("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z");

	soap_datetime_from_unix(0, 0, &dt);
	assert_int_equal(soap_format_datetime(&dt, out), 0);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	/* out of range years and ticks */
	soap_datetime_from_unix(253402300800LL, 0, &dt);
	assert_int_equal(soap_format_datetime(&dt, out), -1);
	soap_datetime_from_unix(-62135596801LL, 0, &dt);
	assert_int_equal(soap_format_datetime(&dt, out), -1);
	soap_datetime_from_unix(0, 10000000, &dt);
	assert_int_equal(soap_format_datetime(&dt, out), -1);
}

static void
test_guid(void **state)
{
	char g[SOAP_GUID_STRLEN];

	assert_int_equal(soap_parse_guid(S("56309036-4C77-4DD9-951A-99EE9C246A94"), g), 0);
	assert_string_equal(g, "56309036-4c77-4dd9-951a-99ee9c246a94");
	assert_int_equal(soap_parse_guid(S("{dd78b8a1-0b20-45c1-add6-4da72e9364cf}"), g), 0);
	assert_string_equal(g, "dd78b8a1-0b20-45c1-add6-4da72e9364cf");
	assert_int_equal(soap_parse_guid(S(" e1da06a3-5601-43c9-bac3-52d5db701494 "), g), 0);
	assert_string_equal(g, "e1da06a3-5601-43c9-bac3-52d5db701494");
	assert_int_equal(soap_parse_guid(S("dd78b8a10b2045c1add64da72e9364cf"), g), -1);
	assert_int_equal(soap_parse_guid(S("dd78b8a1-0b20-45c1-add6-4da72e9364c"), g), -1);
	assert_int_equal(soap_parse_guid(S("dd78b8a1-0b20-45c1-add6-4da72e9364cff"), g), -1);
	assert_int_equal(soap_parse_guid(S("dd78b8a1-0b20-45c1-add6_4da72e9364cf"), g), -1);
	assert_int_equal(soap_parse_guid(S("gd78b8a1-0b20-45c1-add6-4da72e9364cf"), g), -1);
	assert_int_equal(soap_parse_guid(S("{dd78b8a1-0b20-45c1-add6-4da72e9364cf"), g), -1);
	assert_int_equal(soap_parse_guid(S(""), g), -1);
}

static void
test_base64(void **state)
{
	uint8_t out[16];
	size_t n = 99;

	assert_int_equal(soap_parse_base64(S("AAAA"), out, sizeof(out), &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\0\0\0", 3);
	assert_int_equal(soap_parse_base64(S("QQ=="), out, sizeof(out), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 'A');
	assert_int_equal(soap_parse_base64(S("QUI="), out, sizeof(out), &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "AB", 2);
	assert_int_equal(soap_parse_base64(S(" QU\nJD\r\n\tRA== "), out, sizeof(out), &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "ABCD", 4);
	assert_int_equal(soap_parse_base64(S(""), out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	/* a digest as the real server sends it (FileDigest, 20 bytes) */
	{
		uint8_t d[20];
		assert_int_equal(soap_parse_base64(S("hlQslyYcRtWzeaQ+yJX5fq9Am6I="),
		    d, sizeof(d), &n), 0);
		assert_int_equal(n, 20);
		assert_int_equal(d[0], 0x86);
		assert_int_equal(d[19], 0xa2);
	}
	/* bad input */
	assert_int_equal(soap_parse_base64(S("AAA"), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("A==="), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("AA=A"), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("QQ==QQ=="), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("QR=="), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("QUJ="), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("AA*A"), out, sizeof(out), &n), -1);
	assert_int_equal(soap_parse_base64(S("AA-_"), out, sizeof(out), &n), -1);
	/* bound */
	assert_int_equal(soap_parse_base64(S("AAAAAAAA"), out, 5, &n), -1);
	assert_int_equal(soap_parse_base64(S("AAAAAAAA"), out, 6, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(soap_parse_base64(S("AAAAQQ=="), out, 3, &n), -1);
	assert_true(soap_base64_maxlen(8) >= 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int32),
		cmocka_unit_test(test_int64_uint32),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_datetime_parse),
		cmocka_unit_test(test_datetime_format),
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
