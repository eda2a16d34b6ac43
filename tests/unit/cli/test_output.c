/* test_output.c — wsusctl tables (alignment, truncation, hostile text) and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/output.h"

/* Print t into a string (caller frees). */
static char *
render(const struct table *t, size_t width, bool no_header)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	assert_non_null(fp);
	assert_int_equal(table_print(t, fp, width, no_header), 0);
	fclose(fp);
	return s;
}

static void
assert_no_tabs_or_trailing_blanks(const char *s)
{
	assert_null(strchr(s, '\t'));
	for (const char *p = s; (p = strchr(p, '\n')) != NULL; p++)
		if (p > s)
			assert_true(p[-1] != ' ');
}

static void
test_columns_aligned(void **state)
{
	static const struct table_col cols[] = {
		{ "ID", 0 }, { "SIZE", TABLE_RIGHT }, { "TITLE", TABLE_SHRINK },
	};
	struct table *t = table_new(cols, 3);
	char *s;

	table_addf(t, "a", "5", "short");
	table_addf(t, "longer-id", "12345", "a much longer title");
	table_addf(t, "b", NULL, "");
	assert_int_equal(table_rows(t), 3);
	s = render(t, 0, false);
	assert_string_equal(s,
	    "ID          SIZE  TITLE\n"
	    "a              5  short\n"
	    "longer-id  12345  a much longer title\n"
	    "b\n");
	assert_no_tabs_or_trailing_blanks(s);
	free(s);

	s = render(t, 0, true);
	assert_string_equal(s,
	    "a              5  short\n"
	    "longer-id  12345  a much longer title\n"
	    "b\n");
	free(s);
	table_free(t);
}

static void
test_truncation_to_width(void **state)
{
	static const struct table_col cols[] = {
		{ "ID", 0 }, { "TITLE", TABLE_SHRINK },
	};
	struct table *t = table_new(cols, 2);
	char *s, *line, *save = NULL;

	table_addf(t, "0123456789", "Security Intelligence Update for "
	    "Microsoft Defender Antivirus - KB2267602 (Version 1.459.547.0)");
	table_addf(t, "x", "fits");
	/* no limit: nothing cut */
	s = render(t, 0, false);
	assert_non_null(strstr(s, "(Version 1.459.547.0)"));
	free(s);
	/* 40 columns: every line at most 40 wide, the title cut with ... */
	s = render(t, 40, false);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(output_strwidth(line) <= 40);
	free(s);
	s = render(t, 40, false);
	assert_non_null(strstr(s, "0123456789  Security Intelligence Upd..."));
	assert_non_null(strstr(s, "x           fits\n"));
	free(s);
	/* a width below what fixed columns need: shrink stops at the minimum */
	s = render(t, 5, false);
	assert_non_null(strstr(s, "0123456789  Secur...\n"));
	free(s);
	table_free(t);
}

/*
 * `updates list` on an 80-column terminal: the fixed columns alone need
 * more than 80, so after the shrinkable ones the widest of the others is
 * cut too; every line fits (issue 10 defect 10).
 */
static void
test_fits_80(void **state)
{
	static const struct table_col cols[] = {
		{ "UPDATE ID", 0 }, { "REV", TABLE_RIGHT }, { "TYPE", 0 },
		{ "KB", 0 }, { "CLASSIFICATION", TABLE_SHRINK },
		{ "STATE", 0 }, { "TITLE", TABLE_SHRINK },
	};
	struct table *t = table_new(cols, 7);
	char *s, *line, *save = NULL;
	size_t n = 0;

	table_addf(t, "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe", "200", "Software",
	    "KB2267602", "Definition Updates", "unapproved", "Security "
	    "Intelligence Update for Microsoft Defender Antivirus - KB2267602");
	table_addf(t, "ff36f0b5-dded-4780-8664-cd78af8b62c1", "200", "Software",
	    "", "", "unapproved", "AM Engine 1.1.26080.3 for Defender");
	s = render(t, 80, false);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n",
	    &save)) {
		if (output_strwidth(line) > 80)
			fail_msg("%zu columns: %s", output_strwidth(line), line);
		n++;
	}
	assert_int_equal(n, 3);
	free(s);
	/* the exact layout: TITLE and CLASSIFICATION at their minimum (the
	 * header's width), then the widest, UPDATE ID, cut */
	s = render(t, 80, false);
	assert_string_equal(s,
	    "UPDATE ID         REV  TYPE      KB         CLASSIFICATION  "
	    "STATE       TITLE\n"
	    "a2fef9b0-7951...  200  Software  KB2267602  Definition ...  "
	    "unapproved  Secur...\n"
	    "ff36f0b5-dded...  200  Software                             "
	    "unapproved  AM En...\n");
	free(s);
	/* wide enough: nothing cut */
	s = render(t, 200, false);
	assert_non_null(strstr(s, "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe  200"));
	free(s);
	table_free(t);
}

static void
test_utf8_width_and_cut(void **state)
{
	static const struct table_col cols[] = {
		{ "T", TABLE_SHRINK }, { "X", 0 },
	};
	struct table *t = table_new(cols, 2);
	char *s;

	/* "Mise à jour" is 11 columns though 12 bytes; CJK counts double */
	assert_int_equal(output_strwidth("Mise \xc3\xa0 jour"), 11);
	assert_int_equal(output_strwidth("\xe6\x9b\xb4\xe6\x96\xb0"), 4);
	assert_int_equal(output_strwidth("e\xcc\x81"), 1);
	table_addf(t, "Mise \xc3\xa0 jour de s\xc3\xa9" "curit\xc3\xa9", "1");
	table_addf(t, "ab", "2");
	s = render(t, 0, false);
	/* padding by columns, not bytes */
	assert_non_null(strstr(s, "ab" "                       " "2\n"));
	free(s);
	s = render(t, 14, false);
	/* cut on a character boundary: never half a sequence */
	assert_non_null(strstr(s, "Mise \xc3\xa0 j...  1\n"));
	free(s);
	table_free(t);
}

static void
test_hostile_text_cleaned(void **state)
{
	static const struct table_col cols[] = { { "A", 0 }, { "B", 0 } };
	struct table *t = table_new(cols, 2);
	char *s, *c;

	/* escape sequences, C1 controls, newlines, tabs, invalid UTF-8 */
	table_addf(t, "\x1b[31mred\x1b[0m", "x\ny\tz\xc2\x9b" "2J\xff");
	s = render(t, 0, true);
	assert_null(strchr(s, '\x1b'));
	assert_null(strstr(s, "\xc2\x9b"));
	assert_null(strchr(s, '\xff'));
	assert_string_equal(s, "?[31mred?[0m  x y z?2J?\n");
	free(s);
	table_free(t);

	c = output_clean(NULL);
	assert_string_equal(c, "");
	free(c);
	c = output_clean("ok \xc3\xa9 \xed\xa0\x80");	/* a surrogate is invalid */
	assert_string_equal(c, "ok \xc3\xa9 ???");
	free(c);
	/* bidirectional controls are shown, not obeyed: a name with a
	 * right-to-left override cannot pass for another name */
	c = output_clean("PC-\xe2\x80\xae" "exe.txt");	/* U+202E */
	assert_string_equal(c, "PC-\\u202Eexe.txt");
	free(c);
	c = output_clean("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"
	    "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"
	    "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8\xe2\x80\xa9");
	assert_string_equal(c, "\\u202A\\u202B\\u202C\\u202D\\u2066\\u2067"
	    "\\u2068\\u2069\\u200E\\u200F\\u061C\\u2028\\u2029");
	free(c);
	/* neighbours that are ordinary text stay */
	c = output_clean("\xe2\x80\x94\xe2\x80\xaf\xe2\x81\xa5");
	assert_string_equal(c, "\xe2\x80\x94\xe2\x80\xaf\xe2\x81\xa5");
	free(c);
}

static void
test_json(void **state)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);
	json_t *j = json_object(), *v;

	json_object_set_new(j, "b", output_json_str("x"));
	json_object_set_new(j, "a", output_json_str(NULL));
	/* invalid UTF-8 is shown cleaned, never dropped */
	v = output_json_str("bad\xff");
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), "bad?");
	json_object_set_new(j, "c", v);
	assert_int_equal(output_json(j, fp), 0);
	fclose(fp);
	/* insertion order kept, null for NULL, trailing newline */
	assert_string_equal(s, "{\n  \"b\": \"x\",\n  \"a\": null,\n  \"c\": \"bad?\"\n}\n");
	free(s);
	json_decref(j);
	assert_int_equal(output_json(NULL, stdout), -1);
}

static void
test_time_and_width(void **state)
{
	char buf[32];

	output_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	output_time(1791115258, buf, sizeof(buf));
	assert_string_equal(buf, "2026-10-04T12:00:58Z");
	/* not a terminal */
	{
		FILE *fp = tmpfile();
		assert_non_null(fp);
		assert_int_equal(output_width(fp), 0);
		fclose(fp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_aligned),
		cmocka_unit_test(test_truncation_to_width),
		cmocka_unit_test(test_fits_80),
		cmocka_unit_test(test_utf8_width_and_cut),
		cmocka_unit_test(test_hostile_text_cleaned),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_time_and_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
