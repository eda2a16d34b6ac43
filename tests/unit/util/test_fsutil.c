/* test_fsutil.c — mkdir_p, bounded read_file, atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/fsutil.h"

static char dir[256];

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/wsusd-test-fsutil.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_mkdir_p(void **state)
{
	char p[300];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/a/b/c", dir);
	assert_int_equal(mkdir_p(p, 0750), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(mkdir_p(p, 0750), 0);	/* idempotent */
}

static void
test_read_file_bounded(void **state)
{
	char p[300], *data;
	size_t len;

	snprintf(p, sizeof(p), "%s/f", dir);
	assert_int_equal(write_file_atomic(p, "hello", 5, 0600), 0);
	assert_int_equal(read_file(p, 5, &data, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(data, "hello");
	free(data);
	errno = 0;
	assert_int_equal(read_file(p, 4, &data, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(read_file(dir, 100, &data, &len), -1);	/* a directory */
}

static void
test_write_atomic_replaces_and_leaves_no_temp(void **state)
{
	char p[300], *data;
	size_t len;
	struct stat sb;
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(p, sizeof(p), "%s/g", dir);
	assert_int_equal(write_file_atomic(p, "one", 3, 0644), 0);
	assert_int_equal(write_file_atomic(p, "second", 6, 0600), 0);
	assert_int_equal(read_file(p, 100, &data, &len), 0);
	assert_string_equal(data, "second");
	free(data);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".tmp."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
}

static void
test_write_atomic_failure_keeps_old(void **state)
{
	char p[300], *data;
	size_t len;

	snprintf(p, sizeof(p), "%s/nodir/h", dir);
	assert_int_equal(write_file_atomic(p, "x", 1, 0600), -1);
	snprintf(p, sizeof(p), "%s/h", dir);
	assert_int_equal(write_file_atomic(p, "old", 3, 0600), 0);
	/* rename onto a directory fails: old content must stay */
	char sub[320];
	snprintf(sub, sizeof(sub), "%s/hd", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(write_file_atomic(sub, "new", 3, 0600), -1);
	assert_int_equal(read_file(p, 100, &data, &len), 0);
	assert_string_equal(data, "old");
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_read_file_bounded),
		cmocka_unit_test(test_write_atomic_replaces_and_leaves_no_temp),
		cmocka_unit_test(test_write_atomic_failure_keeps_old),
	};
	return cmocka_run_group_tests_name("util/fsutil", tests, setup, teardown);
}
