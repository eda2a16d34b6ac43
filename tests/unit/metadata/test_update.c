/*
 * test_update.c — update.c: GUID normalisation, names, freeing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metadata/update.h"
#include "util/xmalloc.h"

static void
test_guid_normalize_valid(void **state)
{
	char out[GUID_STRLEN + 1];

	(void)state;
	assert_int_equal(guid_normalize("56309036-4C77-4DD9-951A-99EE9C246A94",
	    out), 0);
	assert_string_equal(out, "56309036-4c77-4dd9-951a-99ee9c246a94");
	assert_int_equal(guid_normalize("dd78b8a1-0b20-45c1-add6-4da72e9364cf",
	    out), 0);
	assert_string_equal(out, "dd78b8a1-0b20-45c1-add6-4da72e9364cf");
	assert_int_equal(guid_normalize("00000000-0000-0000-0000-000000000000",
	    out), 0);
}

static void
test_guid_normalize_invalid(void **state)
{
	static const char *bad[] = {
		"",
		"56309036-4C77-4DD9-951A-99EE9C246A9",		/* short */
		"56309036-4C77-4DD9-951A-99EE9C246A945",	/* long */
		"{56309036-4C77-4DD9-951A-99EE9C246A94}",	/* braces */
		"56309036 4C77-4DD9-951A-99EE9C246A94",		/* space */
		"5630903G-4C77-4DD9-951A-99EE9C246A94",		/* not hex */
		"563090364C774DD9951A99EE9C246A94",		/* no dashes */
		" 56309036-4C77-4DD9-951A-99EE9C246A94",
		"56309036-4C77-4DD9-951A-99EE9C246A94\n",
		"56309036--C77-4DD9-951A-99EE9C246A94",
	};
	char out[GUID_STRLEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(guid_normalize(bad[i], out), -1);
		assert_string_equal(out, "");
	}
	assert_int_equal(guid_normalize(NULL, out), -1);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(update_type_name(UPDATE_TYPE_SOFTWARE), "Software");
	assert_string_equal(update_type_name(UPDATE_TYPE_DRIVER), "Driver");
	assert_string_equal(update_type_name(UPDATE_TYPE_CATEGORY), "Category");
	assert_string_equal(update_type_name(UPDATE_TYPE_DETECTOID),
	    "Detectoid");
	assert_string_equal(update_type_name((enum update_type)99), "Unknown");
	assert_string_equal(category_kind_name(CATEGORY_KIND_NONE), "");
	assert_string_equal(category_kind_name(CATEGORY_KIND_COMPANY),
	    "Company");
	assert_string_equal(category_kind_name(CATEGORY_KIND_PRODUCT_FAMILY),
	    "ProductFamily");
	assert_string_equal(category_kind_name(CATEGORY_KIND_PRODUCT),
	    "Product");
	assert_string_equal(category_kind_name(
	    CATEGORY_KIND_UPDATE_CLASSIFICATION), "UpdateClassification");
	assert_string_equal(category_kind_name(CATEGORY_KIND_OTHER), "Other");
}

static void
test_freeing(void **state)
{
	struct update u;
	struct update_doc d;

	(void)state;
	memset(&u, 0, sizeof(u));
	update_free(&u);		/* empty: nothing to free */
	update_free(NULL);
	u.handler = xstrdup("h");
	u.nfiles = 1;
	u.files = xcalloc(1, sizeof(*u.files));
	u.files[0].name = xstrdup("a.exe");
	u.nprereqs = 1;
	u.prereqs = xcalloc(1, sizeof(*u.prereqs));
	u.prereqs[0].nids = 1;
	u.prereqs[0].ids = xcalloc(1, sizeof(struct update_ref));
	u.nlocalized = 1;
	u.localized = xcalloc(1, sizeof(*u.localized));
	u.localized[0].title = xstrdup("t");
	update_free(&u);		/* ASan checks for leaks */
	assert_null(u.files);
	assert_int_equal(u.nfiles, 0);

	memset(&d, 0, sizeof(d));
	d.core = xstrdup("<a />");
	d.nlocalized = 1;
	d.localized = xcalloc(1, sizeof(*d.localized));
	d.localized[0].xml = xstrdup("<b />");
	update_doc_free(&d);
	assert_null(d.core);
	update_doc_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guid_normalize_valid),
		cmocka_unit_test(test_guid_normalize_invalid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_freeing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
