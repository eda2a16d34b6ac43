/*
 * test_sync_state.c — unit tests of the sync engine's state parsing
 * (src/sync/state.c): the lines of the replica's deployment map are read
 * strictly, three tokens of at most GUID_STRLEN characters separated by
 * single spaces; and load mode (no store) reads nothing and writes
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sync/sync_internal.h"

#define G1 "11111111-1111-1111-1111-111111111111"
#define G2 "22222222-2222-2222-2222-222222222222"
#define G3 "33333333-3333-3333-3333-333333333333"

static void
test_map_line(void **state)
{
	char dg[GUID_STRLEN + 1], uid[GUID_STRLEN + 1], gg[GUID_STRLEN + 1];
	static const char *const bad[] = {
		"",
		G1,
		G1 " " G2,
		G1 " " G2 " ",
		G1 "  " G2 " " G3,
		" " G1 " " G2 " " G3,
		G1 " " G2 " " G3 " ",
		G1 " " G2 " " G3 " x",
		G1 "0 " G2 " " G3,		/* 37 characters */
	};

	(void)state;
	assert_int_equal(sync_state_map_line(G1 " " G2 " " G3, dg, uid, gg),
	    0);
	assert_string_equal(dg, G1);
	assert_string_equal(uid, G2);
	assert_string_equal(gg, G3);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sync_state_map_line(bad[i], dg, uid, gg) != -1)
			fail_msg("accepted: '%s'", bad[i]);
}

static void
test_load_mode(void **state)
{
	struct sync_opts o;
	struct sync_result res;
	struct sess s;
	char err[128] = "", *v;
	int64_t number = 7, last = 7;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	memset(&s, 0, sizeof(s));
	s.o = &o;
	s.res = &res;
	s.err = err;
	s.errlen = sizeof(err);
	assert_null(sync_state_anchor(&s, SYNC_ANCHOR_UPDATE));
	assert_int_equal(sync_state_promote_anchor(&s, SYNC_ANCHOR_UPDATE,
	    "a"), 0);
	assert_int_equal(sync_state_promote_updates(&s, "a", "f"), 0);
	assert_null((v = sync_state_deployments_load(&s)));
	assert_int_equal(sync_state_deployments_save(&s, "", "a"), 0);
	sync_state_rollup_load(&s, G1, &number, &last);
	assert_int_equal(number, 0);
	assert_int_equal(last, 0);
	assert_int_equal(sync_state_rollup_save(&s, 3, G1), 0);
	o.account_name = "down.example";
	assert_int_equal(sync_state_identity(&s), 0);
	assert_string_equal(s.account, "down.example");
	assert_int_equal(strlen(s.account_guid), GUID_STRLEN);
	assert_false(s.new_upstream);
	assert_string_equal(err, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_line),
		cmocka_unit_test(test_load_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
