/*
 * test_wellknown.c — the table of published category GUIDs
 * (metadata/wellknown.c): canonical lower-case GUIDs, each once, only
 * products and classifications, and wellknown_find by GUID.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "metadata/wellknown.h"

static void
test_table(void **state)
{
	const struct wellknown_category *w;
	size_t n, ncls = 0;

	(void)state;
	w = wellknown_categories(&n);
	assert_true(n >= 13);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(strlen(w[i].guid), 36);
		for (size_t k = 0; k < 36; k++) {
			char c = w[i].guid[k];
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(c, '-');
			else
				assert_true((c >= '0' && c <= '9') ||
				    (c >= 'a' && c <= 'f'));
		}
		for (size_t k = i + 1; k < n; k++) {
			assert_string_not_equal(w[i].guid, w[k].guid);
			assert_string_not_equal(w[i].title, w[k].title);
		}
		assert_true(w[i].kind == CATEGORY_KIND_PRODUCT ||
		    w[i].kind == CATEGORY_KIND_UPDATE_CLASSIFICATION);
		ncls += w[i].kind == CATEGORY_KIND_UPDATE_CLASSIFICATION;
		assert_ptr_equal(wellknown_find(w[i].guid), &w[i]);
	}
	assert_int_equal(ncls, 12);
	/* ff357803: DefinitionUpdates E0789628-CE08-4437-BE74-2495B842F43B */
	w = wellknown_find("e0789628-ce08-4437-be74-2495b842f43b");
	assert_non_null(w);
	assert_string_equal(w->title, "Definition Updates");
	assert_int_equal(w->kind, CATEGORY_KIND_UPDATE_CLASSIFICATION);
	w = wellknown_find("0fa1201d-4330-4fa8-8ae9-b877473b6441");
	assert_string_equal(w->title, "Security Updates");
	w = wellknown_find("8c3fcc84-7410-4a95-8b89-a166a0190486");
	assert_string_equal(w->title, "Microsoft Defender Antivirus");
	assert_int_equal(w->kind, CATEGORY_KIND_PRODUCT);
	/* only the canonical form; unknown GUIDs and NULL have no name */
	assert_null(wellknown_find("E0789628-CE08-4437-BE74-2495B842F43B"));
	assert_null(wellknown_find("00000000-0000-0000-0000-000000000000"));
	assert_null(wellknown_find(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
