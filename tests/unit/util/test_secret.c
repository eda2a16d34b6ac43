/*
 * test_secret.c — util/secret.h: new secrets, their stored hashes (a
 * PBKDF2-HMAC-SHA-256 vector computed independently with Python's
 * hashlib.pbkdf2_hmac), verification, and the HTTP Basic parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/secret.h"

static void
test_new_and_hash(void **state)
{
	char s1[SECRET_STRLEN + 1], s2[SECRET_STRLEN + 1];
	char h1[SECRET_HASH_BUFSZ], h2[SECRET_HASH_BUFSZ];

	(void)state;
	assert_int_equal(secret_new(s1), 0);
	assert_int_equal(secret_new(s2), 0);
	assert_int_equal(strlen(s1), 64);
	assert_int_equal(strspn(s1, "0123456789abcdef"), 64);
	assert_string_not_equal(s1, s2);
	assert_int_equal(secret_hash(s1, 64, h1), 0);
	assert_int_equal(secret_hash(s1, 64, h2), 0);
	/* prefix, iterations, 16-byte salt, 32-byte hash */
	assert_int_equal(strncmp(h1, "pbkdf2-sha256$1000$", 19), 0);
	assert_int_equal(strlen(h1), 19 + 32 + 1 + 64);
	assert_string_not_equal(h1, h2);	/* fresh salt */
	assert_true(secret_verify(s1, 64, h1));
	assert_true(secret_verify(s1, 64, h2));
	assert_false(secret_verify(s2, 64, h1));
	assert_false(secret_verify(s1, 63, h1));
	assert_false(secret_verify("", 0, h1));
}

static void
test_verify_vector(void **state)
{
	/* hashlib.pbkdf2_hmac('sha256', b'password',
	 * bytes.fromhex('000102030405060708090a0b0c0d0e0f'), 1000) */
	static const char stored[] = "pbkdf2-sha256$1000$"
	    "000102030405060708090a0b0c0d0e0f$25eb86acc76e43018f18b9a8f90c2fed462d1c799e83d48ae3d7c69046a60b67";

	(void)state;
	assert_true(secret_verify("password", 8, stored));
	assert_false(secret_verify("passwore", 8, stored));
	/* malformed stored strings never verify */
	assert_false(secret_verify("password", 8, "pbkdf2-sha256$0$00$00"));
	assert_false(secret_verify("password", 8, "pbkdf2-sha1$1000$"
	    "000102030405060708090a0b0c0d0e0f$25eb86acc76e43018f18b9a8f90c2fed462d1c799e83d48ae3d7c69046a60b67"));
	assert_false(secret_verify("password", 8, "pbkdf2-sha256$1000$"
	    "0001$25eb86acc76e43018f18b9a8f90c2fed462d1c799e83d48ae3d7c69046a60b67"));
	assert_false(secret_verify("password", 8, "pbkdf2-sha256$1000$"
	    "000102030405060708090a0b0c0d0e0f$00"));
	assert_false(secret_verify("password", 8, NULL));
}

static void
test_basic(void **state)
{
	char user[64], pass[64];
	size_t n = 99;

	(void)state;
	/* RFC 7617 §2: Aladdin:open sesame */
	assert_int_equal(secret_basic_parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
	    user, sizeof(user), pass, sizeof(pass), &n), 0);
	assert_string_equal(user, "Aladdin");
	assert_int_equal(n, 11);
	assert_memory_equal(pass, "open sesame", 11);
	/* scheme in any case, blanks around; empty password */
	assert_int_equal(secret_basic_parse("  bAsIc \tZm9vOg==  ", user,
	    sizeof(user), pass, sizeof(pass), &n), 0);
	assert_string_equal(user, "foo");
	assert_int_equal(n, 0);
	/* refused: other schemes, no colon, bad base64, NUL in the user,
	 * too long for the buffers */
	assert_int_equal(secret_basic_parse("Bearer Zm9vOg==", user,
	    sizeof(user), pass, sizeof(pass), &n), -1);
	assert_int_equal(secret_basic_parse("BasicZm9vOg==", user,
	    sizeof(user), pass, sizeof(pass), &n), -1);
	assert_int_equal(secret_basic_parse("Basic Zm9vYmFy", user,
	    sizeof(user), pass, sizeof(pass), &n), -1);
	assert_int_equal(secret_basic_parse("Basic Zm9v*mFy", user,
	    sizeof(user), pass, sizeof(pass), &n), -1);
	assert_int_equal(secret_basic_parse("Basic YQBiOmM=", user,
	    sizeof(user), pass, sizeof(pass), &n), -1);
	assert_int_equal(secret_basic_parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
	    user, 7, pass, sizeof(pass), &n), -1);
	assert_int_equal(secret_basic_parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
	    user, sizeof(user), pass, 11, &n), -1);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_hash),
		cmocka_unit_test(test_verify_vector),
		cmocka_unit_test(test_basic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
