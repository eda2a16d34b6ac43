/* test_hex.c — hex digits, hex_encode/hex_decode/hex_decode_n. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/hex.h"

static void
test_digit(void **state)
{
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit('G'), -1);
	assert_int_equal(hex_digit('\0'), -1);
	assert_int_equal(hex_digit(0xe9), -1);
	assert_int_equal(hex_digit(-1), -1);
	assert_true(hex_all_digits("09afAF", 6));
	assert_true(hex_all_digits("", 0));
	assert_false(hex_all_digits("09x", 3));
	assert_true(hex_all_digits("09x", 2));	/* only n characters */
}

static void
test_decode_n(void **state)
{
	uint8_t out[3] = { 0xee, 0xee, 0xee };

	assert_int_equal(hex_decode_n("0aFfzz", 4, out, 2), 0);
	assert_int_equal(out[0], 0x0a);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0xee);		/* nothing past n */
	assert_int_equal(hex_decode_n("0aFf", 4, out, 3), -1);	/* length */
	assert_int_equal(hex_decode_n("0a-f", 4, out, 2), -1);
	assert_int_equal(hex_decode_n("", 0, out, 0), 0);
	assert_int_equal(hex_decode("0aff", out, 2), 0);
	assert_int_equal(hex_decode("0aff ", out, 2), -1);
}

static void
test_roundtrip_all_bytes(void **state)
{
	uint8_t in[256], out[256];
	char h[513];

	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	hex_encode(in, 256, h, 1);
	assert_int_equal(strlen(h), 512);
	assert_int_equal(hex_decode(h, out, 256), 0);
	assert_memory_equal(in, out, 256);
	hex_encode(in, 256, h, 0);
	assert_int_equal(hex_decode_n(h, 512, out, 256), 0);
	assert_memory_equal(in, out, 256);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digit),
		cmocka_unit_test(test_decode_n),
		cmocka_unit_test(test_roundtrip_all_bytes),
	};
	return cmocka_run_group_tests_name("util/hex", tests, NULL, NULL);
}
