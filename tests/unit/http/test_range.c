/*
 * test_range.c — the Range header parser: RFC 9110 §14.1.2 examples,
 * coalescing, unsatisfiable sets, malformed and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/range.h"

#define SZ 10000	/* the representation length of the RFC examples */

static enum range_result
rp(const char *v, uint64_t size, struct byte_range *r)
{
	r->first = r->last = 0xdeadbeef;
	return range_parse(v, v == NULL ? 0 : strlen(v), size, r);
}

static void
expect_ok(const char *v, uint64_t size, uint64_t first, uint64_t last)
{
	struct byte_range r;

	if (rp(v, size, &r) != RANGE_SATISFIABLE)
		fail_msg("'%s' (size %llu) not satisfiable", v,
		    (unsigned long long)size);
	assert_int_equal(r.first, first);
	assert_int_equal(r.last, last);
}

static void
expect(const char *v, uint64_t size, enum range_result want)
{
	struct byte_range r;
	enum range_result got = rp(v, size, &r);

	if (got != want)
		fail_msg("'%s' (size %llu): got %d, want %d", v ? v : "(null)",
		    (unsigned long long)size, got, want);
}

/* RFC 9110 §14.1.2 examples for a 10000-byte representation. */
static void
test_rfc_examples(void **state)
{
	(void)state;
	expect_ok("bytes=0-499", SZ, 0, 499);		/* first 500 */
	expect_ok("bytes=500-999", SZ, 500, 999);	/* second 500 */
	expect_ok("bytes=-500", SZ, 9500, 9999);	/* final 500 */
	expect_ok("bytes=9500-", SZ, 9500, 9999);	/* final 500 */
	/* "first and last bytes only": not one span, so served whole */
	expect("bytes=0-0,-1", SZ, RANGE_IGNORE);
	/* other valid (but not canonical) forms of the second 500 bytes */
	expect_ok("bytes=500-600,601-999", SZ, 500, 999);
	expect_ok("bytes=500-700,601-999", SZ, 500, 999);
}

static void
test_single_forms(void **state)
{
	(void)state;
	expect_ok("bytes=0-", SZ, 0, SZ - 1);
	expect_ok("bytes=0-0", SZ, 0, 0);
	expect_ok("bytes=9999-9999", SZ, 9999, 9999);
	expect_ok("bytes=0-9999", SZ, 0, 9999);
	expect_ok("bytes=0-10000", SZ, 0, 9999);	/* last clamped */
	expect_ok("bytes=5-99999999", SZ, 5, 9999);
	expect_ok("bytes=-1", SZ, 9999, 9999);
	expect_ok("bytes=-10000", SZ, 0, 9999);
	expect_ok("bytes=-20000", SZ, 0, 9999);	/* suffix > size */
	expect_ok("BYTES=1-2", SZ, 1, 2);		/* unit is case-insens. */
	expect_ok("Bytes=1-2", SZ, 1, 2);
	expect_ok("  bytes=1-2  ", SZ, 1, 2);		/* field OWS trimmed */
	/* what Delivery Optimization sends */
	expect_ok("bytes=0-1048575", 204745168, 0, 1048575);
	expect_ok("bytes=204472320-204745167", 204745168, 204472320,
	    204745167);
}

static void
test_lists(void **state)
{
	(void)state;
	expect_ok("bytes=0-1,2-3", SZ, 0, 3);		/* adjacent */
	expect_ok("bytes=2-3,0-1", SZ, 0, 3);		/* any order */
	expect_ok("bytes=0-1 , 2-3", SZ, 0, 3);	/* OWS around commas */
	expect_ok("bytes=0-1,\t2-3", SZ, 0, 3);
	expect_ok("bytes=0-1,,2-3", SZ, 0, 3);		/* empty elements */
	expect_ok("bytes=,0-1", SZ, 0, 1);
	expect_ok("bytes=0-1,", SZ, 0, 1);
	expect_ok("bytes=0-100,50-60", SZ, 0, 100);	/* contained */
	expect_ok("bytes=0-5000,-5000", SZ, 0, 9999);	/* suffix joins */
	expect_ok("bytes=0-1,20000-", SZ, 0, 1);	/* one unsatisfiable */
	expect("bytes=0-1,3-4", SZ, RANGE_IGNORE);	/* gap of one byte */
	expect("bytes=0-1,5-9,2-4,100-200", SZ, RANGE_IGNORE);
	expect_ok("bytes=0-1,5-9,2-4", SZ, 0, 9);
	/* 16 specs are parsed, the 17th makes the header ignored */
	expect_ok("bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10,"
	    "11-11,12-12,13-13,14-14,15-15", SZ, 0, 15);
	expect("bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10,"
	    "11-11,12-12,13-13,14-14,15-15,16-16", SZ, RANGE_IGNORE);
}

static void
test_unsatisfiable(void **state)
{
	(void)state;
	expect("bytes=10000-", SZ, RANGE_UNSATISFIABLE);
	expect("bytes=10000-10001", SZ, RANGE_UNSATISFIABLE);
	expect("bytes=-0", SZ, RANGE_UNSATISFIABLE);
	expect("bytes=10000-20000,20001-", SZ, RANGE_UNSATISFIABLE);
	expect("bytes=-0,99999-", SZ, RANGE_UNSATISFIABLE);
	/* an empty representation: int-ranges cannot be satisfied... */
	expect("bytes=0-", 0, RANGE_UNSATISFIABLE);
	expect("bytes=0-0", 0, RANGE_UNSATISFIABLE);
	/* ...a non-zero suffix can, and selects the (empty) whole */
	expect("bytes=-5", 0, RANGE_IGNORE);
	expect("bytes=-0", 0, RANGE_UNSATISFIABLE);
	expect_ok("bytes=0-0", 1, 0, 0);
	expect("bytes=1-", 1, RANGE_UNSATISFIABLE);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "bytes", "bytes=", "bytes= ", "bytes=,", "bytes=-",
		"bytes=--1", "bytes=1--2", "bytes=a-b", "bytes=1-b", "bytes=1",
		"bytes=1-2-3", "bytes=5-4", "bytes=1 -2", "bytes=1- 2",
		"bytes =1-2", "bytes= =1-2", "byte=1-2", "bytesx=1-2",
		"items=0-1", "=0-1", "bytes=0-1;2-3", "bytes=+1-2",
		"bytes=1-+2", "bytes=0x10-0x20", "bytes=1.5-2", "bytes=-1-2",
		"bytes=0-1,5-4", "bytes=0-1,x", "bytes=0-1 2-3",
		"bytes=\xff-1", "bytes=0-1\r\n", "bytes=１-2",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i], SZ, RANGE_IGNORE);
	expect(NULL, SZ, RANGE_IGNORE);
}

static void
test_overflow(void **state)
{
	(void)state;
	/* huge last-pos and suffix mean "to the end" */
	expect_ok("bytes=0-99999999999999999999999999", SZ, 0, SZ - 1);
	expect_ok("bytes=0-18446744073709551615", SZ, 0, SZ - 1);
	expect_ok("bytes=0-18446744073709551616", SZ, 0, SZ - 1);
	expect_ok("bytes=-99999999999999999999999999", SZ, 0, SZ - 1);
	/* huge first-pos is beyond any representation */
	expect("bytes=99999999999999999999999999-", SZ, RANGE_UNSATISFIABLE);
	expect("bytes=18446744073709551615-", SZ, RANGE_UNSATISFIABLE);
	expect("bytes=18446744073709551616-18446744073709551617", SZ,
	    RANGE_UNSATISFIABLE);
	/* first-pos (overflowed) > last-pos: invalid */
	expect("bytes=18446744073709551616-1", SZ, RANGE_IGNORE);
	/* a 64-bit size near the top */
	expect_ok("bytes=-1", UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 1);
	expect_ok("bytes=18446744073709551613-", UINT64_MAX,
	    UINT64_MAX - 2, UINT64_MAX - 1);
	expect_ok("bytes=18446744073709551614-", UINT64_MAX,
	    UINT64_MAX - 1, UINT64_MAX - 1);
	expect("bytes=18446744073709551615-", UINT64_MAX,
	    RANGE_UNSATISFIABLE);
	expect_ok("bytes=0-", UINT64_MAX, 0, UINT64_MAX - 1);
}

static void
test_bounds(void **state)
{
	char big[RANGE_HEADER_MAX + 64];
	struct byte_range r;
	size_t n;

	(void)state;
	/* a header of exactly RANGE_HEADER_MAX bytes is read */
	memset(big, ' ', sizeof(big));
	memcpy(big, "bytes=0-1", 9);
	assert_int_equal(range_parse(big, RANGE_HEADER_MAX, SZ, &r),
	    RANGE_SATISFIABLE);
	assert_int_equal(r.last, 1);
	/* one more byte and it is ignored */
	assert_int_equal(range_parse(big, RANGE_HEADER_MAX + 1, SZ, &r),
	    RANGE_IGNORE);
	/* an embedded NUL is never accepted */
	assert_int_equal(range_parse("bytes=0-1\0,2-3", 14, SZ, &r),
	    RANGE_IGNORE);
	/* the length bounds the read: no NUL terminator needed */
	n = strlen("bytes=0-1");
	memcpy(big, "bytes=0-19", 10);
	assert_int_equal(range_parse(big, n, SZ, &r), RANGE_SATISFIABLE);
	assert_int_equal(r.last, 1);
	/* many commas only */
	memset(big, ',', sizeof(big));
	memcpy(big, "bytes=", 6);
	assert_int_equal(range_parse(big, RANGE_HEADER_MAX, SZ, &r),
	    RANGE_IGNORE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_single_forms),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_unsatisfiable),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
