/*
 * update_parse_test.h — what the two files of the program
 * test_metadata_update_parse share: parsing helpers and an update
 * comparison (test_update_parse.c) and the hand-made document tests
 * (test_update_parse_hostile.c).  Only tests/unit/metadata uses it.
 */
#ifndef WSUSD_TESTS_UPDATE_PARSE_TEST_H
#define WSUSD_TESTS_UPDATE_PARSE_TEST_H

#include <stddef.h>

#include "metadata/update.h"

#define UPD_NS "http://schemas.microsoft.com/msus/2002/12/Update"

/* update_parse() must succeed (the test fails with its error if not). */
void	parse_ok(const char *xml, size_t len, struct update *u);
/* Every field of a and b equal. */
void	assert_update_equal(const struct update *a, const struct update *b);
/* The real document BASE.xml of the fixtures, parsed into u; its bytes
 * into *xmlp (malloc'd) unless xmlp is NULL. */
void	load_doc(const char *base, struct update *u, char **xmlp,
	    size_t *lenp);

/* test_update_parse_hostile.c */
void	test_minimal_and_prefix_free_document(void **state);
void	test_rejects_malformed_xml(void **state);
void	test_rejects_doctype_and_entity_bomb(void **state);
void	test_rejects_wrong_root(void **state);
void	test_rejects_missing_identity(void **state);
void	test_rejects_bad_identity_values(void **state);
void	test_rejects_bad_properties(void **state);
void	test_rejects_bad_files(void **state);
void	test_rejects_bad_relationships_and_languages(void **state);
void	test_rejects_deep_nesting(void **state);
void	test_rejects_oversize(void **state);
void	test_whitespace_and_comments_do_not_matter(void **state);
void	test_properties_languages(void **state);

#endif
