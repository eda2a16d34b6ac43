/*
 * test_sync_content.c — the pure parts of the sync engine's content step
 * (src/sync/content.c): policy names, the upstream URL of a content file
 * and the name of its part file; the content window (content_window.c)
 * with TZ=UTC; the ranges and state of a file in parts
 * (content_parts.c).  Downloading itself is tested end to end in
 * tests/e2e-content.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sync/sync.h"

/* SHA-1 of a real WSUS content file (/Content/49/A379...449.exe). */
static const uint8_t sha1[20] = {
	0xa3, 0x79, 0xd5, 0x52, 0x6f, 0xb3, 0xa7, 0xa0, 0x42, 0x3d,
	0xa1, 0xcd, 0x7f, 0xc3, 0x18, 0x2a, 0x8d, 0x44, 0x84, 0x49,
};

static void
test_policy(void **state)
{
	enum sync_content_policy p = SYNC_CONTENT_ALL;

	(void)state;
	assert_int_equal(sync_content_policy_parse("approved", &p), 0);
	assert_int_equal(p, SYNC_CONTENT_APPROVED);
	assert_int_equal(sync_content_policy_parse("none", &p), 0);
	assert_int_equal(p, SYNC_CONTENT_NONE);
	assert_int_equal(sync_content_policy_parse("all", &p), 0);
	assert_int_equal(p, SYNC_CONTENT_ALL);
	assert_int_equal(sync_content_policy_parse("Approved", &p), -1);
	assert_int_equal(sync_content_policy_parse("", &p), -1);
	assert_int_equal(sync_content_policy_parse(NULL, &p), -1);
	assert_int_equal(p, SYNC_CONTENT_ALL);	/* unchanged on error */
	assert_string_equal(sync_content_policy_name(SYNC_CONTENT_NONE), "none");
	assert_string_equal(sync_content_policy_name(SYNC_CONTENT_APPROVED),
	    "approved");
	assert_string_equal(sync_content_policy_name(SYNC_CONTENT_ALL), "all");
	assert_int_equal(sync_content_policy_parse("origin", &p), 0);
	assert_int_equal(p, SYNC_CONTENT_ORIGIN);
	assert_string_equal(sync_content_policy_name(SYNC_CONTENT_ORIGIN),
	    "origin");
}

/* 2026-12-06 at HH:MM UTC. */
static time_t
at(int h, int m)
{
	return (time_t)1796515200 + h * 3600 + m * 60;
}

static void
test_window(void **state)
{
	static const char *const bad[] = { "", "01:00", "01:00-01:00",
	    "24:00-01:00", "01:60-02:00", "1:00-02:00", "01:00-02:00 ",
	    "01:00 02:00", "01-00-02:00", "aa:bb-cc:dd" };
	struct sync_window w = { 7, 7 };

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sync_window_parse(bad[i], strlen(bad[i]), &w),
		    -1);
	assert_int_equal(w.from, 7);	/* unchanged on error */
	/* the length is the caller's: a NUL inside is refused */
	assert_int_equal(sync_window_parse("01:00\00002:00", 11, &w), -1);
	assert_int_equal(sync_window_parse("01:30-05:00", 11, &w), 0);
	assert_int_equal(w.from, 90);
	assert_int_equal(w.to, 300);
	assert_false(sync_window_open(&w, at(1, 29)));
	assert_true(sync_window_open(&w, at(1, 30)));
	assert_true(sync_window_open(&w, at(4, 59)));
	assert_false(sync_window_open(&w, at(5, 0)));	/* end excluded */
	/* past midnight */
	assert_int_equal(sync_window_parse("22:00-02:00", 11, &w), 0);
	assert_true(sync_window_open(&w, at(23, 0)));
	assert_true(sync_window_open(&w, at(0, 0)));
	assert_true(sync_window_open(&w, at(1, 59)));
	assert_false(sync_window_open(&w, at(2, 0)));
	assert_false(sync_window_open(&w, at(21, 59)));
	/* no window: always */
	assert_true(sync_window_open(NULL, at(3, 0)));
	w.from = -1;
	assert_true(sync_window_open(&w, at(3, 0)));
}

static void
test_parts(void **state)
{
	uint64_t a, b, done[SYNC_CONTENT_PARTS_MAX], d[3] = { 3, 0, 4 };
	char line[256], text[64];
	unsigned n = 0;

	(void)state;
	/* 10 bytes in 3 parts: [0,3) [3,6) [6,10) */
	sync_content_part_range(10, 3, 0, &a, &b);
	assert_true(a == 0 && b == 3);
	sync_content_part_range(10, 3, 1, &a, &b);
	assert_true(a == 3 && b == 6);
	sync_content_part_range(10, 3, 2, &a, &b);
	assert_true(a == 6 && b == 10);
	/* big sizes do not overflow */
	sync_content_part_range(1ull << 50, 16, 15, &a, &b);
	assert_true(a == (1ull << 50) / 16 * 15 && b == 1ull << 50);
	assert_int_equal(sync_content_parts_format(10, 3, d, line,
	    sizeof(line)), 23);
	assert_string_equal(line, "wsusd-parts 10 3 3 0 4\n");
	assert_int_equal(sync_content_parts_parse(line, strlen(line), 10, &n,
	    done), 0);
	assert_int_equal(n, 3);
	assert_true(done[0] == 3 && done[1] == 0 && done[2] == 4);
	/* another size, a part done beyond its length, one part, no
	 * newline, junk after it, too many parts */
	assert_int_equal(sync_content_parts_parse(line, strlen(line), 11, &n,
	    done), -1);
	snprintf(text, sizeof(text), "%s", "wsusd-parts 10 3 4 0 0\n");
	assert_int_equal(sync_content_parts_parse(text, strlen(text), 10, &n,
	    done), -1);
	snprintf(text, sizeof(text), "%s", "wsusd-parts 10 1 0\n");
	assert_int_equal(sync_content_parts_parse(text, strlen(text), 10, &n,
	    done), -1);
	assert_int_equal(sync_content_parts_parse(line, strlen(line) - 1, 10,
	    &n, done), -1);
	/* a number with a leading zero (not the writer's form) */
	snprintf(text, sizeof(text), "%s", "wsusd-parts 10 3 3 0 04\n");
	assert_int_equal(sync_content_parts_parse(text, strlen(text), 10, &n,
	    done), -1);
	snprintf(text, sizeof(text), "%s", "wsusd-parts 10 3 3 0 4\nx");
	assert_int_equal(sync_content_parts_parse(text, strlen(text), 10, &n,
	    done), -1);
	snprintf(text, sizeof(text), "%s", "wsusd-parts 100 17 0 0 0 0 0 0 0 0 "
	    "0 0 0 0 0 0 0 0 0\n");
	assert_int_equal(sync_content_parts_parse(text, strlen(text), 100, &n,
	    done), -1);
	/* a line that does not fit */
	assert_int_equal(sync_content_parts_format(10, 3, d, line, 10), -1);
}

static void
test_url(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(sync_content_url("http://dc-wsus:8530", sha1,
	    "windows10.0-kb1-x64.exe", out, sizeof(out)), 0);
	assert_string_equal(out, "http://dc-wsus:8530/Content/49/"
	    "A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe");
	/* the extension as the content store keeps it; none without one */
	assert_int_equal(sync_content_url("https://h", sha1, "a.b.CAB", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "https://h/Content/49/"
	    "A379D5526FB3A7A0423DA1CD7FC3182A8D448449.CAB");
	assert_int_equal(sync_content_url("http://h", sha1, NULL, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "http://h/Content/49/"
	    "A379D5526FB3A7A0423DA1CD7FC3182A8D448449");
	/* too small: -1 */
	assert_int_equal(sync_content_url("http://h", sha1, "x.exe", out, 40),
	    -1);
}

static void
test_part_path(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(sync_content_part_path("/var/lib/wsusd/content", sha1,
	    out, sizeof(out)), 0);
	assert_string_equal(out, "/var/lib/wsusd/content/.partial/"
	    "A379D5526FB3A7A0423DA1CD7FC3182A8D448449.part");
	assert_int_equal(sync_content_part_path("/c", sha1, out, 20), -1);
}

/* Content-Range of a 206: what parses, and what is refused. */
static void
test_content_range(void **state)
{
	static const char *const bad[] = {
		"", "bytes", "bytes ", "bytes 1-2", "bytes 1-2/", "bytes -2/3",
		"bytes 1-/3", "bytes 2-1/3", "bytes 0-3/3", "bytes 0-2/3x",
		"bytes 0-2/**", "bits 0-2/3", "bytes 0 -2/3", "bytes 0- 2/3",
		"bytes +0-2/3", "bytes */3", "bytes 0-2/3 4",
		"bytes 0-99999999999999999999/100000000000000000000",
	};
	uint64_t f = 7, l = 7, z = 7;
	size_t i;
	const char *v;

	(void)state;
	v = "bytes 524350-1048698/1048699";
	assert_int_equal(sync_content_range_parse(v, strlen(v), &f, &l, &z), 0);
	assert_true(f == 524350 && l == 1048698 && z == 1048699);
	v = " BYTES 0-0/*\r\n";
	assert_int_equal(sync_content_range_parse(v, strlen(v), &f, &l, &z), 0);
	assert_true(f == 0 && l == 0 && z == UINT64_MAX);
	v = "bytes 0-9/10";		/* only the first len bytes count */
	assert_int_equal(sync_content_range_parse(v, 11, &f, &l, &z), -1);
	assert_int_equal(sync_content_range_parse(v, 12, &f, &l, &z), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sync_content_range_parse(bad[i], strlen(bad[i]), &f, &l,
		    &z) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_part_path),
		cmocka_unit_test(test_content_range),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
