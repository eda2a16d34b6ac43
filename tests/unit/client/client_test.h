/*
 * client_test.h — helpers of the wsus-client unit tests: the fixtures
 * directory (argv[1] of every test program) and reading a fixture.
 */
#ifndef WSUSD_TESTS_CLIENT_TEST_H
#define WSUSD_TESTS_CLIENT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/fsutil.h"

static const char *fixtures = "tests/fixtures";

/* The fixture at fixtures/rel, NUL-terminated; fails the test if absent. */
static __attribute__((unused)) char *
fixture(const char *rel, size_t *lenp)
{
	char path[4096];
	char *text = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", fixtures, rel);
	if (read_file(path, 64u * 1024 * 1024, &text, &len) != 0) {
		fail_msg("cannot read fixture %s", path);
		return NULL;
	}
	if (lenp != NULL)
		*lenp = len;
	return text;
}

/* The text between <tag> and </tag> (first occurrence), newly allocated. */
static __attribute__((unused)) char *
between(const char *text, const char *tag)
{
	char open[128], close[128];
	const char *a, *b;
	char *r;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	if ((a = strstr(text, open)) == NULL ||
	    (b = strstr(a, close)) == NULL)
		fail_msg("no <%s> in fixture", tag);
	a += strlen(open);
	r = malloc((size_t)(b - a) + 1);
	memcpy(r, a, (size_t)(b - a));
	r[b - a] = '\0';
	return r;
}

#define CLIENT_TEST_MAIN(tests)						\
int									\
main(int argc, char **argv)						\
{									\
	if (argc > 1)							\
		fixtures = argv[1];					\
	return cmocka_run_group_tests(tests, NULL, NULL);		\
}

#endif
