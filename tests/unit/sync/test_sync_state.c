/*
 * test_sync_state.c — unit tests of the sync engine's state
 * (src/sync/state.c) over the store's typed sync-state operations:
 * load mode (no store) reads nothing and writes nothing; against a
 * temporary SQLite store the identity, the anchors of each phase and
 * the rollup number round-trip without a single sync_* setting written
 * (reading an old key answers from the state), and a replica keeps
 * 20,000 deployments (the old "depguid uid groupguid\n" setting hit its
 * 1 MiB cap near 9,400), each GetDeployments answer applied with its
 * anchor in one transaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/sqlite/sqlite_internal.h"
#include "sync/sync_internal.h"

#define G1 "11111111-1111-1111-1111-111111111111"
#define UP "http://upstream.example:8530"
#define NDEPL	20000

/* A temporary SQLite store and a session over it. */
struct fix {
	char		 dir[256], path[300], url[320];
	struct store	*st;
	struct sync_opts o;
	struct sync_result res;
	struct sess	 s;
	char		 err[512];
};

static void
fix_session(struct fix *f, struct store *st)
{
	memset(&f->o, 0, sizeof(f->o));
	memset(&f->res, 0, sizeof(f->res));
	memset(&f->s, 0, sizeof(f->s));
	f->o.account_name = "down.example";
	f->s.o = &f->o;
	f->s.res = &f->res;
	f->s.st = st;
	f->s.err = f->err;
	f->s.errlen = sizeof(f->err);
	f->err[0] = '\0';
	snprintf(f->s.base, sizeof(f->s.base), "%s", UP);
}

static void
fix_open(struct fix *f)
{
	const char *tmp = getenv("TMPDIR");
	char err[512];
	int from, to;

	snprintf(f->dir, sizeof(f->dir), "%s/wsusd-syncstate-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/wsusd.db", f->dir);
	snprintf(f->url, sizeof(f->url), "sqlite://%s", f->path);
	if (store_open(f->url, &f->st, err, sizeof(err)) != STORE_OK)
		fail_msg("open %s: %s", f->url, err);
	assert_int_equal(store_migrate(f->st, &from, &to), STORE_OK);
	fix_session(f, f->st);
}

static void
fix_close(struct fix *f)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[400];
	size_t i;

	store_close(f->st);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

/* The n-th GUID of a family (kind 0..15): distinct and well-formed. */
static void
nguid(char out[GUID_STRLEN + 1], unsigned kind, unsigned n)
{
	snprintf(out, GUID_STRLEN + 1, "%08x-%04x-4%03x-8%03x-%012x",
	    n, kind, kind, kind, n * 7 + kind);
}

static void
add_row(struct sync_depl_list *l, unsigned n, unsigned group)
{
	char d[GUID_STRLEN + 1], u[GUID_STRLEN + 1], g[GUID_STRLEN + 1];

	nguid(d, 1, n);
	nguid(u, 2, n);
	nguid(g, 3, group);
	sync_depl_list_add(l, d, u, g);
}

/* Rows of the settings table whose key is LIKE pattern. */
static int64_t
t_settings_like(struct fix *f, const char *pattern)
{
	sqlite3 *db = ((struct sq *)f->st)->db;
	sqlite3_stmt *stmt;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM settings WHERE "
	    "key LIKE ?1", -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("prepare: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void
test_load_mode(void **state)
{
	struct sync_opts o;
	struct sync_result res;
	struct sess s;
	struct sync_depl_list l = { 0 }, none = { 0 };
	char err[128] = "";
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
	assert_null(sync_state_filter(&s));
	assert_int_equal(sync_state_promote_anchor(&s, SYNC_ANCHOR_UPDATE,
	    "a"), 0);
	assert_int_equal(sync_state_promote_updates(&s, "a", "f"), 0);
	add_row(&l, 1, 1);
	assert_int_equal(sync_state_deployments_apply(&s, "a", &none, &l), 0);
	assert_int_equal(sync_state_deployments_load(&s, &l), 0);
	assert_int_equal(l.n, 0);
	sync_state_rollup_load(&s, G1, &number, &last);
	assert_int_equal(number, 0);
	assert_int_equal(last, 0);
	assert_int_equal(sync_state_rollup_save(&s, 3, G1), 0);
	sync_state_mark_synced(&s, 5);
	sync_state_reset_anchors(&s);
	o.account_name = "down.example";
	assert_int_equal(sync_state_identity(&s), 0);
	assert_string_equal(s.account, "down.example");
	assert_int_equal(strlen(s.account_guid), GUID_STRLEN);
	assert_false(s.new_upstream);
	assert_int_equal(sync_state_adopt_upstream(&s), 0);
	assert_string_equal(err, "");
	sync_depl_list_free(&l);
}

static void
test_state_round_trip(void **state)
{
	struct fix f;
	char guid[GUID_STRLEN + 1], *v;
	int64_t number, last;

	(void)state;
	fix_open(&f);

	/* First run: a new upstream; the account comes from server_id. */
	assert_int_equal(store_setting_set(f.st, SETTING_SERVER_ID,
	    "5A1C2F9E-0D1B-4C3A-9E8F-7A6B5C4D3E2F"), STORE_OK);
	assert_int_equal(sync_state_identity(&f.s), 0);
	assert_string_equal(f.s.account_guid,
	    "5a1c2f9e-0d1b-4c3a-9e8f-7a6b5c4d3e2f");
	assert_true(f.s.new_upstream);
	assert_int_equal(sync_state_adopt_upstream(&f.s), 0);
	assert_false(f.s.new_upstream);

	/* Each anchor with its phase; the update anchor with its filter. */
	assert_int_equal(sync_state_promote_anchor(&f.s, SYNC_ANCHOR_CONFIG,
	    "c1"), 0);
	assert_int_equal(sync_state_promote_anchor(&f.s,
	    SYNC_ANCHOR_CATEGORY, "k1"), 0);
	assert_int_equal(sync_state_promote_updates(&f.s, "u1", G1), 0);
	v = sync_state_anchor(&f.s, SYNC_ANCHOR_CONFIG);
	assert_string_equal(v, "c1");
	free(v);
	v = sync_state_anchor(&f.s, SYNC_ANCHOR_CATEGORY);
	assert_string_equal(v, "k1");
	free(v);
	v = sync_state_anchor(&f.s, SYNC_ANCHOR_UPDATE);
	assert_string_equal(v, "u1");
	free(v);
	v = sync_state_filter(&f.s);
	assert_string_equal(v, G1);
	free(v);
	assert_null(sync_state_anchor(&f.s, SYNC_ANCHOR_DEPLOYMENT));
	/* Nothing goes to the old settings (migration 4 moved them into
	 * the sync-state tables; no setting answers for them). */
	assert_int_equal(store_setting_get(f.st, "sync_update_anchor", &v),
	    STORE_NOTFOUND);
	assert_int_equal(store_setting_get(f.st, "sync_deployment_anchor",
	    &v), STORE_NOTFOUND);
	assert_int_equal(t_settings_like(&f, "sync_%"), 0);
	/* The deployment anchor moves only with its rows. */
	assert_int_equal(sync_state_promote_anchor(&f.s,
	    SYNC_ANCHOR_DEPLOYMENT, "d1"), -1);
	assert_true(f.err[0] != '\0');
	f.err[0] = '\0';

	/* Rollup number and last success. */
	assert_int_equal(sync_state_rollup_save(&f.s, 42, G1), 0);
	sync_state_mark_synced(&f.s, 1700000000);
	sync_state_rollup_load(&f.s, G1, &number, &last);
	assert_int_equal(number, 42);
	assert_int_equal(last, 1700000000);
	sync_state_rollup_load(&f.s, "22222222-2222-2222-2222-222222222222",
	    &number, &last);
	assert_int_equal(number, 0);	/* another reset GUID: start over */

	/* A second run against the same upstream keeps it all, and the
	 * account GUID kept wins over server_id. */
	memcpy(guid, f.s.account_guid, sizeof(guid));
	assert_int_equal(store_setting_set(f.st, SETTING_SERVER_ID, G1),
	    STORE_OK);
	fix_session(&f, f.st);
	assert_int_equal(sync_state_identity(&f.s), 0);
	assert_string_equal(f.s.account_guid, guid);
	assert_false(f.s.new_upstream);

	/* ServerChanged: the four anchors go, the filter stays. */
	sync_state_reset_anchors(&f.s);
	assert_null(sync_state_anchor(&f.s, SYNC_ANCHOR_CONFIG));
	assert_null(sync_state_anchor(&f.s, SYNC_ANCHOR_UPDATE));
	v = sync_state_filter(&f.s);
	assert_string_equal(v, G1);
	free(v);

	/* Another upstream: everything but the account is forgotten. */
	snprintf(f.s.base, sizeof(f.s.base), "http://other.example");
	assert_int_equal(sync_state_identity(&f.s), 0);
	assert_true(f.s.new_upstream);
	assert_int_equal(sync_state_promote_anchor(&f.s, SYNC_ANCHOR_CONFIG,
	    "c2"), 0);
	assert_int_equal(sync_state_adopt_upstream(&f.s), 0);
	assert_null(sync_state_anchor(&f.s, SYNC_ANCHOR_CONFIG));
	assert_null(sync_state_filter(&f.s));
	sync_state_rollup_load(&f.s, G1, &number, &last);
	assert_int_equal(number, 0);
	assert_int_equal(last, 1700000000);
	assert_string_equal(f.s.account_guid, guid);
	assert_string_equal(f.err, "");
	fix_close(&f);
}

static void
test_deployments_many(void **state)
{
	struct fix f;
	struct sync_depl_list add = { 0 }, rm = { 0 }, got = { 0 };
	char d[GUID_STRLEN + 1], g[GUID_STRLEN + 1], *v;
	unsigned i;

	(void)state;
	fix_open(&f);
	assert_int_equal(sync_state_identity(&f.s), 0);
	assert_int_equal(sync_state_adopt_upstream(&f.s), 0);

	/* One answer with 20,000 deployments: as the old blob that is
	 * more than a setting may hold. */
	for (i = 0; i < NDEPL; i++)
		add_row(&add, i, i % 50);
	assert_true((size_t)NDEPL * (3 * GUID_STRLEN + 3) >
	    STORE_SETTING_VALUE_MAX);
	assert_int_equal(sync_state_deployments_apply(&f.s, "d1", &rm, &add),
	    0);
	assert_string_equal(f.err, "");
	assert_int_equal(sync_state_deployments_load(&f.s, &got), 0);
	assert_int_equal(got.n, NDEPL);
	assert_memory_equal(got.v, add.v, NDEPL * sizeof(*add.v));
	v = sync_state_anchor(&f.s, SYNC_ANCHOR_DEPLOYMENT);
	assert_string_equal(v, "d1");
	free(v);

	/* The next answer: every fourth one dead, 1,000 new ones and one
	 * moved to another group. */
	sync_depl_list_free(&add);
	for (i = 0; i < NDEPL; i += 4)
		add_row(&rm, i, i % 50);
	for (i = NDEPL; i < NDEPL + 1000; i++)
		add_row(&add, i, 7);
	add_row(&add, 1, 49);
	assert_int_equal(sync_state_deployments_apply(&f.s, "d2", &rm, &add),
	    0);
	assert_int_equal(sync_state_deployments_load(&f.s, &got), 0);
	assert_int_equal(got.n, NDEPL - NDEPL / 4 + 1000);
	nguid(d, 1, 1);
	nguid(g, 3, 49);
	assert_string_equal(got.v[0].deployment, d);	/* keeps its place */
	assert_string_equal(got.v[0].group, g);
	v = sync_state_anchor(&f.s, SYNC_ANCHOR_DEPLOYMENT);
	assert_string_equal(v, "d2");
	free(v);

	/* A bad row: nothing of that answer is kept, not even its anchor. */
	sync_depl_list_free(&rm);
	sync_depl_list_free(&add);
	add_row(&rm, 2, 2);
	add_row(&add, NDEPL + 5000, 1);
	sync_depl_list_add(&add, d, "not-a-guid", g);
	assert_int_equal(sync_state_deployments_apply(&f.s, "d3", &rm, &add),
	    -1);
	assert_non_null(strstr(f.err, "replica deployments"));
	f.err[0] = '\0';
	assert_int_equal(sync_state_deployments_load(&f.s, &got), 0);
	assert_int_equal(got.n, NDEPL - NDEPL / 4 + 1000);
	v = sync_state_anchor(&f.s, SYNC_ANCHOR_DEPLOYMENT);
	assert_string_equal(v, "d2");
	free(v);

	/* ServerChanged keeps the rows; a new upstream drops them. */
	sync_state_reset_anchors(&f.s);
	assert_int_equal(sync_state_deployments_load(&f.s, &got), 0);
	assert_int_equal(got.n, NDEPL - NDEPL / 4 + 1000);
	snprintf(f.s.base, sizeof(f.s.base), "http://other.example");
	assert_int_equal(sync_state_identity(&f.s), 0);
	assert_int_equal(sync_state_adopt_upstream(&f.s), 0);
	assert_int_equal(sync_state_deployments_load(&f.s, &got), 0);
	assert_int_equal(got.n, 0);
	assert_string_equal(f.err, "");

	sync_depl_list_free(&rm);
	sync_depl_list_free(&add);
	sync_depl_list_free(&got);
	fix_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_mode),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_deployments_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
