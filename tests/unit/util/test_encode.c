/* test_encode.c — hex, base64 (RFC 4648 vectors and a real WSUS digest), GUIDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/encode.h"
#include "util/guid.h"

static void
test_hex_roundtrip(void **state)
{
	uint8_t in[] = { 0x00, 0x7f, 0xa3, 0xff }, out[4];
	char h[9];

	hex_encode(in, 4, h, 1);
	assert_string_equal(h, "007FA3FF");
	hex_encode(in, 4, h, 0);
	assert_string_equal(h, "007fa3ff");
	assert_int_equal(hex_decode("007FA3ff", out, 4), 0);
	assert_memory_equal(in, out, 4);
	assert_int_equal(hex_decode("007FA3f", out, 4), -1);
	assert_int_equal(hex_decode("007FA3fg", out, 4), -1);
	assert_int_equal(hex_decode("007FA3ff00", out, 4), -1);
}

static void
test_base64_rfc4648(void **state)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	char out[16];
	uint8_t dec[16];
	size_t n;

	for (size_t i = 0; i < 7; i++) {
		base64_encode((const uint8_t *)plain[i], strlen(plain[i]), out);
		assert_string_equal(out, enc[i]);
		assert_int_equal(base64_decode(enc[i], strlen(enc[i]), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(dec, plain[i], n);
	}
}

static void
test_base64_real_sha1_digest(void **state)
{
	/* File/@Digest of AM_Delta.exe in the real capture (wusp.md §7.2) */
	const char *d = "D2zdslftJ5kG/B9a2zSqQu83qTs=";
	uint8_t sha1[20];
	char hex[41];
	size_t n;

	assert_int_equal(base64_decode(d, strlen(d), sha1, sizeof(sha1), &n), 0);
	assert_int_equal(n, 20);
	hex_encode(sha1, 20, hex, 1);
	assert_string_equal(hex, "0F6CDDB257ED279906FC1F5ADB34AA42EF37A93B");
}

static void
test_base64_rejects_bad_input(void **state)
{
	uint8_t out[8];
	size_t n;

	assert_int_equal(base64_decode("Zg=", 3, out, 8, &n), -1);	/* length */
	assert_int_equal(base64_decode("Z===", 4, out, 8, &n), -1);	/* too much padding */
	assert_int_equal(base64_decode("Zg==Zg==", 8, out, 8, &n), -1); /* padding inside */
	assert_int_equal(base64_decode("Zm9*", 4, out, 8, &n), -1);	/* alphabet */
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 5, &n), -1); /* capacity */
	assert_int_equal(base64_decode("Zm\09", 4, out, 8, &n), -1);	/* NUL */
}

static void
test_base64_digit(void **state)
{
	const char *a =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	(void)state;
	for (int i = 0; i < 64; i++)
		assert_int_equal(base64_digit((unsigned char)a[i]), i);
	assert_int_equal(base64_digit('='), -1);
	assert_int_equal(base64_digit('-'), -1);
	assert_int_equal(base64_digit('_'), -1);
	assert_int_equal(base64_digit(' '), -1);
	assert_int_equal(base64_digit(0), -1);
	assert_int_equal(base64_digit(0xc3), -1);
}

static void
test_guid_random(void **state)
{
	char a[37], b[37];

	assert_int_equal(guid_random(a), 0);
	assert_int_equal(guid_random(b), 0);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	assert_int_equal(a[8], '-');
	assert_int_equal(a[14], '4');	/* version 4 */
	assert_non_null(strchr("89ab", a[19]));	/* RFC 4122 variant */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_roundtrip),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64_real_sha1_digest),
		cmocka_unit_test(test_base64_rejects_bad_input),
		cmocka_unit_test(test_base64_digit),
		cmocka_unit_test(test_guid_random),
	};
	return cmocka_run_group_tests_name("util/encode", tests, NULL, NULL);
}
