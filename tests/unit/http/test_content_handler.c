/*
 * test_content_handler.c — the pure parts of the content handler: the
 * request name whitelist, HTTP dates, If-None-Match lists.  Serving over
 * HTTP is tested against a running wsusd in tests/http.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http/content_handler.h"

#define H40 "2F88DF42DA48AA980FB748D13BAA2DE49CD154AB"
#define h40 "2f88df42da48aa980fb748d13baa2de49cd154ab"

static void
test_name_ok(void **state)
{
	struct content_name cn;

	(void)state;
	assert_int_equal(content_name_parse("AB/" H40 ".exe", &cn), 0);
	assert_int_equal(cn.dir, 0xAB);
	assert_string_equal(cn.xx, "AB");
	assert_string_equal(cn.name, H40 ".exe");
	assert_int_equal(cn.extlen, 4);

	/* hex is upper-cased, the extension is kept as requested */
	assert_int_equal(content_name_parse("ab/" h40 ".EXE", &cn), 0);
	assert_string_equal(cn.xx, "AB");
	assert_string_equal(cn.name, H40 ".EXE");

	assert_int_equal(content_name_parse("00/" H40, &cn), 0);
	assert_int_equal(cn.dir, 0);
	assert_string_equal(cn.name, H40);
	assert_int_equal(cn.extlen, 0);

	assert_int_equal(content_name_parse("ff/" H40 ".a", &cn), 0);
	assert_int_equal(cn.dir, 255);
	assert_int_equal(content_name_parse("Ff/" H40 ".abcdefghijklmno",
	    &cn), 0);
	assert_int_equal(cn.extlen, 16);
	assert_int_equal(content_name_parse("12/" H40 ".x_y-Z9", &cn), 0);
}

static void
test_name_bad(void **state)
{
	static const char *const bad[] = {
		"", "A", "AB", "AB/", "ABC/" H40, "A/" H40, "AG/" H40,
		"AB" H40, "AB//" H40,
		"AB/" H40 ".", "AB/" H40 "..", "AB/" H40 ".exe.", "AB/" H40 "/",
		"AB/" H40 ".abcdefghijklmnop",		/* ext too long */
		"AB/" H40 ".e e", "AB/" H40 ".e%2e", "AB/" H40 ".e/x",
		"AB/" H40 ".e\\x", "AB/" H40 ".e:x", "AB/" H40 "x",
		"AB/" H40 "0", "AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154A",
		"AB/2F88DF42DA48AA980FB748D13BAA2DE49CD154AG",
		"AB/../" H40, "../AB/" H40, "AB/.." , "..", "AB/" H40 "/x",
		"AB/ " H40, "AB/" H40 " ", "AB/.2F88DF42DA48AA980FB748D13BAA2DE49CD154AB.exe.tmp.XXXXXX",
		"AB/" H40 ".tmp.XXXXXX", "/etc/passwd", "AB/" H40 ".\xc3\xa9",
	};
	struct content_name cn;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (content_name_parse(bad[i], &cn) != -1)
			fail_msg("accepted '%s'", bad[i]);
}

static void
test_dates(void **state)
{
	char buf[64];
	time_t t;

	(void)state;
	/* RFC 9110 §5.6.7: the three forms of one instant */
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t),
	    0);
	assert_int_equal(t, 784111777);
	assert_int_equal(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT",
	    &t), 0);
	assert_int_equal(t, 784111777);
	assert_int_equal(http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0);
	assert_int_equal(t, 784111777);
	http_date_format(784111777, buf, sizeof(buf));
	assert_string_equal(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	/* the capture's Last-Modified round-trips */
	assert_int_equal(http_date_parse("Wed, 02 Sep 2026 08:30:53 GMT", &t),
	    0);
	http_date_format(t, buf, sizeof(buf));
	assert_string_equal(buf, "Wed, 02 Sep 2026 08:30:53 GMT");

	/* the formatter agrees with gmtime_r() + strftime() */
	for (int64_t i = 0; i < 200000; i++) {
		time_t x = (time_t)(i * 86399 * 7 + (i % 86400));
		struct tm tm;
		char want[64];
		if (x > (time_t)253402300799)	/* year 9999 */
			break;
		gmtime_r(&x, &tm);
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		http_date_format(x, buf, sizeof(buf));
		if (strcmp(buf, want) != 0)
			fail_msg("%lld: '%s', want '%s'", (long long)x, buf, want);
		assert_int_equal(http_date_parse(buf, &t), 0);
		assert_int_equal(t, x);
	}
	http_date_format(951782400, buf, sizeof(buf));	/* leap day */
	assert_string_equal(buf, "Tue, 29 Feb 2000 00:00:00 GMT");
	http_date_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");

	assert_int_equal(http_date_parse("", &t), -1);
	assert_int_equal(http_date_parse("yesterday", &t), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT x",
	    &t), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37", &t), -1);
	assert_int_equal(http_date_parse("\"abc\"", &t), -1);
	assert_int_equal(http_date_parse(NULL, &t), -1);
}

static void
test_etags(void **state)
{
	(void)state;
	assert_true(etag_list_match("\"a-1\"", "\"a-1\""));
	assert_true(etag_list_match("W/\"a-1\"", "\"a-1\""));	/* weak cmp */
	assert_true(etag_list_match("\"x\", \"a-1\"", "\"a-1\""));
	assert_true(etag_list_match("\"x\",W/\"a-1\"", "\"a-1\""));
	assert_true(etag_list_match("*", "\"a-1\""));
	assert_true(etag_list_match(" , \"a-1\"", "\"a-1\""));
	assert_false(etag_list_match("\"a-2\"", "\"a-1\""));
	assert_false(etag_list_match("\"a-1", "\"a-1\""));
	assert_false(etag_list_match("a-1", "\"a-1\""));
	assert_false(etag_list_match("\"a-\"", "\"a-1\""));
	assert_false(etag_list_match("\"a-12\"", "\"a-1\""));
	assert_false(etag_list_match("", "\"a-1\""));
	assert_false(etag_list_match("\"x\" junk \"a-1\"", "\"a-1\""));
	assert_false(etag_list_match(NULL, "\"a-1\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_name_bad),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_etags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
