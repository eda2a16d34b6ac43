/* test_guid.c — GUID syntax, canonical text, text <-> bytes, random. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/guid.h"

#define G	"3F2504E0-4F89-11D3-9A0C-0305E82C3301"
#define GL	"3f2504e0-4f89-11d3-9a0c-0305e82c3301"

static void
test_valid(void **state)
{
	assert_int_equal(GUID_STRLEN, 36);
	assert_true(guid_valid(G, strlen(G), 0));
	assert_true(guid_valid(GL, strlen(GL), 0));
	assert_false(guid_valid("{" G "}", 38, 0));
	assert_true(guid_valid("{" G "}", 38, GUID_BRACES));
	assert_false(guid_valid("{" G, 37, GUID_BRACES));
	assert_false(guid_valid(G "}", 37, GUID_BRACES));
	assert_false(guid_valid("(" G ")", 38, GUID_BRACES));
	assert_false(guid_valid(" " G, 37, GUID_BRACES));	/* no trimming */
	assert_false(guid_valid(G, 35, 0));
	assert_false(guid_valid("3F2504E0-4F89-11D3-9A0C-0305E82C330G", 36, 0));
	assert_false(guid_valid("3F2504E0-4F89-11D3-9A0C+0305E82C3301", 36, 0));
	assert_false(guid_valid("3F2504E004F89-11D3-9A0C-0305E82C3301", 36, 0));
	assert_false(guid_valid("3F2504E0-4F89-11D3-9A0C-0305E82C33\0001", 36, 0));
	assert_false(guid_valid("3F2504E04F8911D39A0C0305E82C3301", 32, 0));
	assert_false(guid_valid(NULL, 0, 0));
	/* every byte value in a digit's place: only 0-9, a-f, A-F pass */
	for (int c = 0; c < 256; c++) {
		char t[37];
		bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F');

		memcpy(t, G, 37);
		t[35] = (char)c;
		assert_int_equal(guid_valid(t, 36, 0), hex);
		memcpy(t, G, 37);
		t[0] = (char)c;
		assert_int_equal(guid_valid(t, 36, 0), hex);
	}
}

static void
test_canon(void **state)
{
	char out[GUID_STRLEN + 1];

	assert_int_equal(guid_canon(G, 36, 0, out), 0);
	assert_string_equal(out, GL);
	assert_int_equal(guid_canon("{" G "}", 38, GUID_BRACES, out), 0);
	assert_string_equal(out, GL);
	/* the length is what the caller says: a longer string is refused */
	assert_int_equal(guid_canon(G "x", 37, 0, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(guid_canon("{" G "}", 38, 0, out), -1);
	assert_string_equal(out, "");
	/* a digit or a dash wrong anywhere: refused, out "" */
	for (size_t i = 0; i < 36; i++) {
		char t[37];

		memcpy(t, G, 37);
		t[i] = t[i] == '-' ? '0' : 'g';
		memset(out, 'z', sizeof(out));
		assert_int_equal(guid_canon(t, 36, 0, out), -1);
		assert_string_equal(out, "");
	}
	/* mixed case, every hex letter: what the bytes' round trip gives */
	{
		static const char *in[] = {
			"aBcDeF01-2345-6789-AbCd-Ef0123456789",
			"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
			"00000000-0000-0000-0000-000000000000",
		};
		uint8_t g[GUID_BYTES];
		char rt[GUID_STRLEN + 1], buf[GUID_STRLEN + 1];

		for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
			assert_int_equal(guid_to_bytes(in[i], 36, 0, g), 0);
			guid_from_bytes(g, 0, rt);
			assert_int_equal(guid_canon(in[i], 36, 0, out), 0);
			assert_string_equal(out, rt);
			/* in place */
			memcpy(buf, in[i], 37);
			assert_int_equal(guid_canon(buf, 36, 0, buf), 0);
			assert_string_equal(buf, rt);
		}
	}
}

static void
test_bytes_text_order(void **state)
{
	static const uint8_t want[GUID_BYTES] = {
		0x3f, 0x25, 0x04, 0xe0, 0x4f, 0x89, 0x11, 0xd3,
		0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01 };
	uint8_t g[GUID_BYTES], keep[GUID_BYTES];
	char out[GUID_STRLEN + 1];

	assert_int_equal(guid_to_bytes(G, 36, 0, g), 0);
	assert_memory_equal(g, want, GUID_BYTES);
	assert_int_equal(guid_to_bytes("{" GL "}", 38, GUID_BRACES, g), 0);
	assert_memory_equal(g, want, GUID_BYTES);
	guid_from_bytes(g, 0, out);
	assert_string_equal(out, GL);
	guid_from_bytes(g, GUID_UPPER, out);
	assert_string_equal(out, G);
	/* a failed parse leaves out alone */
	memcpy(keep, g, GUID_BYTES);
	assert_int_equal(guid_to_bytes("3F2504E0-4F89-11D3-9A0C-0305E82C33zz",
	    36, 0, g), -1);
	assert_memory_equal(g, keep, GUID_BYTES);
}

static void
test_random(void **state)
{
	char a[GUID_STRLEN + 1], b[GUID_STRLEN + 1], c[GUID_STRLEN + 1];

	assert_int_equal(guid_random(a), 0);
	assert_int_equal(guid_random(b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), GUID_STRLEN);
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	assert_int_equal(guid_canon(a, strlen(a), 0, c), 0);
	assert_string_equal(a, c);	/* already canonical */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_bytes_text_order),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests_name("util/guid", tests, NULL, NULL);
}
