/* test_utf8.c — strict UTF-8 decoding, validation, XML characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/utf8.h"

static size_t
dec(const char *s, size_t n, uint32_t *cp)
{
	return utf8_decode(s, n, cp);
}

static void
test_decode(void **state)
{
	uint32_t cp = 0;

	assert_int_equal(dec("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(dec("", 1, &cp), 1);		/* NUL is U+0000 */
	assert_int_equal(cp, 0);
	assert_int_equal(dec("A", 0, &cp), 0);
	assert_int_equal(dec("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(dec("\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(dec("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(dec("\xf4\x8f\xbf\xbf", 4, NULL), 4);	/* U+10FFFF */
	assert_int_equal(dec("\xef\xbf\xbf", 3, NULL), 3);	/* U+FFFF */
}

static void
test_decode_refuses(void **state)
{
	assert_int_equal(dec("\x80", 1, NULL), 0);		/* continuation */
	assert_int_equal(dec("\xc0\x80", 2, NULL), 0);		/* overlong NUL */
	assert_int_equal(dec("\xc1\xbf", 2, NULL), 0);		/* overlong */
	assert_int_equal(dec("\xe0\x9f\xbf", 3, NULL), 0);	/* overlong */
	assert_int_equal(dec("\xf0\x8f\xbf\xbf", 4, NULL), 0);	/* overlong */
	assert_int_equal(dec("\xed\xa0\x80", 3, NULL), 0);	/* U+D800 */
	assert_int_equal(dec("\xed\xbf\xbf", 3, NULL), 0);	/* U+DFFF */
	assert_int_equal(dec("\xf4\x90\x80\x80", 4, NULL), 0);	/* > 10FFFF */
	assert_int_equal(dec("\xf5\x80\x80\x80", 4, NULL), 0);
	assert_int_equal(dec("\xff", 1, NULL), 0);
	assert_int_equal(dec("\xc3", 1, NULL), 0);		/* truncated */
	assert_int_equal(dec("\xe2\x82\xac", 2, NULL), 0);	/* truncated */
	assert_int_equal(dec("\xe2\x28\xac", 3, NULL), 0);
	assert_int_equal(dec("\xc3\x00", 2, NULL), 0);
}

static void
test_check(void **state)
{
	size_t bad = 99;

	assert_int_equal(utf8_check("", 0, &bad), 0);
	assert_int_equal(utf8_check("caf\xc3\xa9 \xe2\x82\xac", 9, &bad), 0);
	assert_int_equal(utf8_check("ab\xc3", 3, &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(utf8_check("ab\0cd", 5, &bad), -1);	/* NUL */
	assert_int_equal(bad, 2);
	assert_int_equal(utf8_check("\xc3\xa9\xed\xa0\x80", 5, &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(utf8_check("x\x80", 2, NULL), -1);
}

static void
test_cut(void **state)
{
	const char *e = "a\xc3\xa9\xf0\x9f\x98\x80z";	/* a é 😀 z */

	assert_int_equal(utf8_cut(e, 8, 8), 8);
	assert_int_equal(utf8_cut(e, 8, 100), 8);
	assert_int_equal(utf8_cut(e, 8, 7), 7);
	assert_int_equal(utf8_cut(e, 8, 6), 3);	/* inside the emoji */
	assert_int_equal(utf8_cut(e, 8, 4), 3);
	assert_int_equal(utf8_cut(e, 8, 3), 3);
	assert_int_equal(utf8_cut(e, 8, 2), 1);	/* inside é */
	assert_int_equal(utf8_cut(e, 8, 0), 0);
	assert_int_equal(utf8_cut("\x80\x80\x80", 3, 2), 0);
}

static void
test_xml_char(void **state)
{
	assert_true(utf8_is_xml_char('\t'));
	assert_true(utf8_is_xml_char('\n'));
	assert_true(utf8_is_xml_char('\r'));
	assert_true(utf8_is_xml_char(' '));
	assert_true(utf8_is_xml_char(0x7f));
	assert_true(utf8_is_xml_char(0xd7ff));
	assert_true(utf8_is_xml_char(0xe000));
	assert_true(utf8_is_xml_char(0xfffd));
	assert_true(utf8_is_xml_char(0x10000));
	assert_true(utf8_is_xml_char(0x10ffff));
	assert_false(utf8_is_xml_char(0));
	assert_false(utf8_is_xml_char(0x1f));
	assert_false(utf8_is_xml_char(0xd800));
	assert_false(utf8_is_xml_char(0xfffe));
	assert_false(utf8_is_xml_char(0xffff));
	assert_false(utf8_is_xml_char(0x110000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_xml_char),
	};
	return cmocka_run_group_tests_name("util/utf8", tests, NULL, NULL);
}
