/* test_xml_escape.c — the XML escaper's modes, checking, length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/xml_escape.h"

static const char in[] = "a<b>&\"c'\t\n\r\xc3\xa9";

static void
esc(unsigned flags, const char *want)
{
	struct buf b;
	char mem[100];

	buf_init(&b, 1000);
	assert_int_equal(xml_escape(&b, in, strlen(in), flags, NULL), 0);
	assert_string_equal(b.data, want);
	assert_int_equal(xml_escaped_len(in, strlen(in), flags), b.len);
	memset(mem, '#', sizeof(mem));
	assert_int_equal(xml_escape_mem(mem, in, strlen(in), flags), b.len);
	assert_memory_equal(mem, want, b.len);
	assert_int_equal(mem[b.len], '#');
	buf_free(&b);
}

static void
test_modes(void **state)
{
	esc(0, "a&lt;b&gt;&amp;\"c'\t\n\r\xc3\xa9");
	esc(XML_ESC_QUOT, "a&lt;b&gt;&amp;&quot;c'\t\n\r\xc3\xa9");
	esc(XML_ESC_TEXT, "a&lt;b&gt;&amp;\"c'\t\n&#xD;\xc3\xa9");
	esc(XML_ESC_ATTR,
	    "a&lt;b&gt;&amp;&quot;c'&#x9;&#xA;&#xD;\xc3\xa9");
	esc(XML_ESC_ATTR | XML_ESC_CHECK,
	    "a&lt;b&gt;&amp;&quot;c'&#x9;&#xA;&#xD;\xc3\xa9");
}

static void
test_mem(void **state)
{
	char mem[32];

	/* the catalog's <Xml> mode: CR escaped, quotes literal */
	assert_int_equal(xml_escape_mem(mem, "\"\r&", 3, XML_ESC_TEXT), 11);
	assert_memory_equal(mem, "\"&#xD;&amp;", 11);
	assert_int_equal(xml_escape_mem(mem, "plain", 5, XML_ESC_TEXT), 5);
	assert_memory_equal(mem, "plain", 5);
	assert_int_equal(xml_escape_mem(mem, "", 0, XML_ESC_TEXT), 0);
}

static void
test_buf_xml_escape_is_it(void **state)
{
	struct buf b;

	buf_init(&b, 1000);
	assert_int_equal(buf_xml_escape(&b, in, strlen(in), 0), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;\"c'\t\n\r\xc3\xa9");
	buf_reset(&b);
	assert_int_equal(buf_xml_escape(&b, in, strlen(in), 1), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c'\t\n\r\xc3\xa9");
	buf_free(&b);
}

static void
test_check(void **state)
{
	struct buf b;
	size_t bad = 0;

	buf_init(&b, 1000);
	/* without CHECK any bytes pass */
	assert_int_equal(xml_escape(&b, "x\x01\xff", 3, XML_ESC_TEXT, &bad), 0);
	assert_int_equal(b.len, 3);
	buf_reset(&b);
	assert_int_equal(xml_escape(&b, "ok&\x01", 4,
	    XML_ESC_TEXT | XML_ESC_CHECK, &bad), -2);
	assert_int_equal(bad, 3);
	assert_int_equal(xml_escape(&b, "\xef\xbf\xbe", 3,
	    XML_ESC_TEXT | XML_ESC_CHECK, &bad), -2);	/* U+FFFE */
	assert_int_equal(bad, 0);
	assert_int_equal(xml_escape(&b, "ab\xed\xa0\x80", 5,
	    XML_ESC_CHECK, &bad), -2);			/* surrogate */
	assert_int_equal(bad, 2);
	assert_int_equal(xml_escape(&b, "a\0b", 3, XML_ESC_CHECK, &bad), -2);
	assert_int_equal(bad, 1);
	assert_int_equal(xml_escape(&b, "\xf0\x9f\x98\x80\t", 5,
	    XML_ESC_CHECK, NULL), 0);
	buf_free(&b);
}

static void
test_buffer_limit(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(xml_escape(&b, "<<<", 3, 0, NULL), -1);
	assert_true(b.failed);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_buf_xml_escape_is_it),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_buffer_limit),
	};
	return cmocka_run_group_tests_name("util/xml_escape", tests, NULL,
	    NULL);
}
