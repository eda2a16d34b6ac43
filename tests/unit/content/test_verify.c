/*
 * test_verify.c — content_verify (every verdict) and content_quarantine
 * (content/verify.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "content/content_store.h"
#include "content/verify.h"
#include "testlib.h"
#include "util/encode.h"
#include "util/fsutil.h"

/* SHA-1 / SHA-256 of "abc" (FIPS 180-2 examples) */
#define ABC_SHA1 "A9993E364706816ABA3E25717850C26C9CD0D89D"
#define ABC_SHA256 \
	"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"

static void
test_verdicts(void **state)
{
	char root[64] = "/tmp/wsusd-verify-XXXXXX", dir[128], path[256];
	char err[256], q[512];
	uint8_t sha1[20], sha256[32];
	bool moved;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(hex_decode(ABC_SHA1, sha1, 20), 0);
	assert_int_equal(hex_decode(ABC_SHA256, sha256, 32), 0);
	snprintf(dir, sizeof(dir), "%s/content", root);
	assert_int_equal(mkdir_p(dir, 0750), 0);
	snprintf(path, sizeof(path), "%s/9D", dir);
	assert_int_equal(mkdir(path, 0750), 0);
	snprintf(path, sizeof(path), "%s/9D/%s.cab", dir, ABC_SHA1);

	assert_int_equal(content_verify(dir, sha1, sha256, 3, "x.cab", err,
	    sizeof(err)), CONTENT_MISSING);
	assert_int_equal(write_file_atomic(path, "abc", 3, 0644), 0);
	assert_int_equal(content_verify(dir, sha1, sha256, 3, "x.cab", err,
	    sizeof(err)), CONTENT_GOOD);
	assert_string_equal(err, "");
	assert_int_equal(content_verify(dir, sha1, NULL, UINT64_MAX, "x.cab",
	    err, sizeof(err)), CONTENT_GOOD);
	assert_int_equal(content_verify(dir, sha1, sha256, 4, "x.cab", err,
	    sizeof(err)), CONTENT_BAD_SIZE);
	sha256[31] ^= 1;
	assert_int_equal(content_verify(dir, sha1, sha256, 3, "x.cab", err,
	    sizeof(err)), CONTENT_BAD_SHA256);
	sha256[31] ^= 1;
	assert_int_equal(write_file_atomic(path, "abd", 3, 0644), 0);
	assert_int_equal(content_verify(dir, sha1, sha256, 3, "x.cab", err,
	    sizeof(err)), CONTENT_BAD_SHA1);
	assert_string_equal(content_verdict_name(CONTENT_BAD_SHA1),
	    "SHA-1 mismatch");

	/* quarantine moves it out of the served tree, once */
	assert_int_equal(content_quarantine(dir, sha1, "x.cab", &moved, q,
	    sizeof(q), err, sizeof(err)), 0);
	assert_true(moved);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(q, F_OK), 0);
	snprintf(path, sizeof(path), "%s/quarantine/%s.cab.", dir, ABC_SHA1);
	assert_memory_equal(q, path, strlen(path));
	assert_int_equal(content_quarantine(dir, sha1, "x.cab", &moved, q,
	    sizeof(q), err, sizeof(err)), 0);
	assert_false(moved);
	assert_string_equal(q, "");

	/* a directory in its place */
	snprintf(path, sizeof(path), "%s/9D/%s.cab", dir, ABC_SHA1);
	assert_int_equal(mkdir(path, 0750), 0);
	assert_int_equal(content_verify(dir, sha1, sha256, 3, "x.cab", err,
	    sizeof(err)), CONTENT_NOT_FILE);
	tl_rmtree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
