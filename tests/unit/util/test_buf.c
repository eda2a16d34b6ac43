/* test_buf.c — struct buf: growth, hard maximum, sticky failure, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"

static void
test_append_grows_and_terminates(void **state)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_puts(&b, "abc"), 0);
	assert_int_equal(b.len, 3000);
	assert_int_equal(b.data[3000], '\0');
	assert_memory_equal(b.data + 2997, "abc", 3);
	buf_free(&b);
}

static void
test_max_is_hard_and_failure_sticky(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10);
	assert_int_equal(buf_putc(&b, 'x'), -1);
	assert_true(b.failed);
	assert_null(b.data);
	/* later appends fail even when small */
	assert_int_equal(buf_puts(&b, ""), -1);
	assert_int_equal(buf_printf(&b, "%d", 1), -1);
	buf_free(&b);
}

static void
test_overflowing_length_rejected(void **state)
{
	struct buf b;

	buf_init(&b, SIZE_MAX);
	assert_int_equal(buf_puts(&b, "x"), 0);
	assert_int_equal(buf_append(&b, "y", SIZE_MAX), -1);
	buf_free(&b);
}

static void
test_printf(void **state)
{
	struct buf b;

	buf_init(&b, 100);
	assert_int_equal(buf_printf(&b, "%s-%d", "rev", 200), 0);
	assert_string_equal(b.data, "rev-200");
	buf_free(&b);
}

static void
test_xml_escape(void **state)
{
	struct buf b;
	const char *in = "a<b>&\"c'";

	buf_init(&b, 100);
	assert_int_equal(buf_xml_escape(&b, in, strlen(in), 0), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;\"c'");
	buf_reset(&b);
	assert_int_equal(buf_xml_escape(&b, in, strlen(in), 1), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c'");
	buf_free(&b);
}

static void
test_steal(void **state)
{
	struct buf b;
	size_t n;
	char *s;

	buf_init(&b, 100);
	s = buf_steal(&b, &n);	/* empty buffer gives "" */
	assert_non_null(s);
	assert_int_equal(n, 0);
	free(s);
	buf_puts(&b, "hello");
	s = buf_steal(&b, &n);
	assert_string_equal(s, "hello");
	assert_int_equal(n, 5);
	assert_null(b.data);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_grows_and_terminates),
		cmocka_unit_test(test_max_is_hard_and_failure_sticky),
		cmocka_unit_test(test_overflowing_length_rejected),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_steal),
	};
	return cmocka_run_group_tests_name("util/buf", tests, NULL, NULL);
}
