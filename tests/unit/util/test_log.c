/* test_log.c — level names and filtering, output to stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/log.h"

static void
test_level_parse(void **state)
{
	enum log_level l;

	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("WARNING", &l), 0);
	assert_int_equal(l, LOG_LEVEL_WARN);
	assert_int_equal(log_level_parse("verbose", &l), -1);
	assert_string_equal(log_level_name(LOG_LEVEL_INFO), "info");
}

static char *
capture(void (*fn)(void))
{
	char path[] = "/tmp/wsusd-test-log.XXXXXX";
	static char out[4096];
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;

	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	out[n < 0 ? 0 : n] = '\0';
	close(fd);
	unlink(path);
	return out;
}

static void
emit(void)
{
	log_debug("hidden %d", 1);
	log_info("shown %d", 2);
	log_warnx("warned");
}

static void
test_filtering_and_prefix(void **state)
{
	unsetenv("JOURNAL_STREAM");
	log_init("t", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	char *out = capture(emit);
	assert_null(strstr(out, "hidden"));
	assert_non_null(strstr(out, "t: shown 2\n"));
	assert_non_null(strstr(out, "t: warned\n"));
}

static void
emit_long(void)
{
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
}

static void
test_long_line_truncated_not_overflowing(void **state)
{
	log_init("t", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	char *out = capture(emit_long);
	size_t n = strlen(out);
	assert_true(n > 1000 && n <= 2048);
	assert_int_equal(out[n - 1], '\n');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_filtering_and_prefix),
		cmocka_unit_test(test_long_line_truncated_not_overflowing),
	};
	return cmocka_run_group_tests_name("util/log", tests, NULL, NULL);
}
