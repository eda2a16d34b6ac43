/*
 * test_store_sync_state.c — the sync-state domain (store/sync_state.h)
 * of the SQLite backend: round trips, anchors promoted only with their
 * phase, 20,000 replica deployments (the old setting broke near 9,400),
 * and migration 4 moving the old sync_* settings into the tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store.h"
#include "store_test.h"
#include "util/xmalloc.h"

#define ACCOUNT	"5a1c2f9e-0d1b-4c3a-9e8f-7a6b5c4d3e2f"
#define RESET	"0f0e0d0c-0b0a-4908-8706-050403020100"
#define UP	"http://upstream.example:8530"

/* The n-th GUID of a family (kind 0..15): distinct and well-formed. */
static void
nguid(char out[GUID_STRLEN + 1], unsigned kind, unsigned n)
{
	snprintf(out, GUID_STRLEN + 1, "%08x-%04x-4%03x-8%03x-%012x",
	    n, kind, kind, kind, n * 7 + kind);
}

static void
test_round_trip(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_state ss;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	/* A new database: nothing set. */
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_null(ss.upstream);
	assert_null(ss.account);
	for (int i = 0; i < SYNC_PHASE_COUNT; i++)
		assert_null(ss.anchor[i]);
	assert_null(ss.filter);
	assert_int_equal(ss.rollup_number, 0);
	assert_null(ss.rollup_reset);
	assert_int_equal(ss.last_success, 0);
	assert_int_equal(ss.deployments, 0);
	store_sync_state_free(&ss);

	assert_int_equal(store_sync_account_set(st, "5A1C2F9E-0D1B-4C3A-9E8F-"
	    "7A6B5C4D3E2F"), STORE_OK);
	assert_int_equal(store_sync_account_set(st, "not-a-guid"),
	    STORE_INVALID);
	assert_int_equal(store_sync_upstream_adopt(st, UP), STORE_OK);
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CONFIG,
	    "cfg-1", NULL), STORE_OK);
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CATEGORY,
	    "cat-1", NULL), STORE_OK);
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_UPDATE,
	    "upd-1", "p1 c1"), STORE_OK);
	assert_int_equal(store_sync_rollup_set(st, 7, RESET), STORE_OK);
	assert_int_equal(store_sync_last_set(st, 1790000000), STORE_OK);

	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_string_equal(ss.upstream, UP);
	assert_string_equal(ss.account, ACCOUNT);	/* lower-cased */
	assert_string_equal(ss.anchor[SYNC_PHASE_CONFIG], "cfg-1");
	assert_string_equal(ss.anchor[SYNC_PHASE_CATEGORY], "cat-1");
	assert_string_equal(ss.anchor[SYNC_PHASE_UPDATE], "upd-1");
	assert_null(ss.anchor[SYNC_PHASE_DEPLOYMENT]);
	assert_string_equal(ss.filter, "p1 c1");
	assert_int_equal(ss.rollup_number, 7);
	assert_string_equal(ss.rollup_reset, RESET);
	assert_int_equal(ss.last_success, 1790000000);
	store_sync_state_free(&ss);
	assert_null(ss.upstream);

	/* Anchors alone leave the filter; "" clears an anchor. */
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_UPDATE,
	    "upd-2", NULL), STORE_OK);
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CONFIG, "",
	    NULL), STORE_OK);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_string_equal(ss.anchor[SYNC_PHASE_UPDATE], "upd-2");
	assert_string_equal(ss.filter, "p1 c1");
	assert_null(ss.anchor[SYNC_PHASE_CONFIG]);
	store_sync_state_free(&ss);

	/* Bounds. */
	{
		char big[STORE_SYNC_ANCHOR_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CONFIG,
		    big, NULL), STORE_INVALID);
		big[STORE_SYNC_ANCHOR_MAX] = '\0';
		assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CONFIG,
		    big, NULL), STORE_OK);
	}
	assert_int_equal(store_sync_anchor_set(st, (enum store_sync_phase)9,
	    "x", NULL), STORE_INVALID);
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CONFIG, "x",
	    "filter"), STORE_INVALID);
	assert_int_equal(store_sync_rollup_set(st, -1, NULL), STORE_INVALID);
	assert_int_equal(store_sync_upstream_adopt(st, ""), STORE_INVALID);

	/* ServerChanged: anchors go, the rest stays. */
	assert_int_equal(store_sync_anchors_reset(st), STORE_OK);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	for (int i = 0; i < SYNC_PHASE_COUNT; i++)
		assert_null(ss.anchor[i]);
	assert_string_equal(ss.filter, "p1 c1");
	assert_int_equal(ss.rollup_number, 7);
	store_sync_state_free(&ss);

	store_close(st);
	tdb_remove(&t);
}

struct collect {
	size_t	n;
	size_t	stop_after;
	struct store_sync_deployment first, last;
};

static int
collect_cb(const struct store_sync_deployment *d, void *arg)
{
	struct collect *c = arg;

	if (c->n == 0)
		c->first = *d;
	c->last = *d;
	c->n++;
	return c->stop_after != 0 && c->n >= c->stop_after;
}

static void
test_deployments(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_state ss;
	struct store_sync_deployment add[3];
	struct store_sync_deployments_change c;
	struct collect col;
	char rm[GUID_STRLEN + 1];
	const char *rml[1];

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_sync_upstream_adopt(st, UP), STORE_OK);

	/* The deployment anchor moves only with its deployments. */
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_DEPLOYMENT,
	    "dep-1", NULL), STORE_INVALID);
	for (unsigned i = 0; i < 3; i++) {
		nguid(add[i].deployment, 1, i);
		nguid(add[i].update_id, 2, i);
		nguid(add[i].group, 3, i);
	}
	memset(&c, 0, sizeof(c));
	c.add = add;
	c.nadd = 3;
	assert_int_equal(store_sync_deployments_apply(st, &c), STORE_INVALID);
	c.anchor = "dep-1";
	/* A bad GUID anywhere: nothing changes, not even the anchor. */
	snprintf(add[2].group, sizeof(add[2].group), "bad");
	assert_int_equal(store_sync_deployments_apply(st, &c), STORE_INVALID);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_null(ss.anchor[SYNC_PHASE_DEPLOYMENT]);
	assert_int_equal(ss.deployments, 0);
	store_sync_state_free(&ss);
	nguid(add[2].group, 3, 2);
	/* The documented bound per call (checked before the lists). */
	c.nremove = STORE_SYNC_DEPLOYMENTS_MAX;
	c.remove = rml;
	assert_int_equal(store_sync_deployments_apply(st, &c), STORE_INVALID);
	c.nremove = 0;
	c.remove = NULL;
	assert_int_equal(store_sync_deployments_apply(st, &c), STORE_OK);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_string_equal(ss.anchor[SYNC_PHASE_DEPLOYMENT], "dep-1");
	assert_int_equal(ss.deployments, 3);
	store_sync_state_free(&ss);

	/* Remove one, change one (same deployment GUID), add none new. */
	nguid(rm, 1, 0);
	rml[0] = rm;
	nguid(add[1].group, 3, 99);
	memset(&c, 0, sizeof(c));
	c.anchor = "dep-2";
	c.remove = rml;
	c.nremove = 1;
	c.add = &add[1];
	c.nadd = 1;
	assert_int_equal(store_sync_deployments_apply(st, &c), STORE_OK);
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_sync_deployments_list(st, collect_cb, &col),
	    STORE_OK);
	assert_int_equal(col.n, 2);
	assert_string_equal(col.first.deployment, add[1].deployment);
	assert_string_equal(col.first.group, add[1].group);
	assert_string_equal(col.last.deployment, add[2].deployment);
	/* A callback that stops early. */
	memset(&col, 0, sizeof(col));
	col.stop_after = 1;
	assert_int_equal(store_sync_deployments_list(st, collect_cb, &col),
	    STORE_OK);
	assert_int_equal(col.n, 1);

	/* Clearing the deployment anchor is allowed (ServerChanged). */
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_DEPLOYMENT,
	    NULL, NULL), STORE_OK);

	/* A new upstream forgets anchors, filter, rows and rollup. */
	assert_int_equal(store_sync_account_set(st, ACCOUNT), STORE_OK);
	assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_UPDATE, "u",
	    "f"), STORE_OK);
	assert_int_equal(store_sync_rollup_set(st, 3, RESET), STORE_OK);
	assert_int_equal(store_sync_last_set(st, 5), STORE_OK);
	assert_int_equal(store_sync_upstream_adopt(st, "http://other"),
	    STORE_OK);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_string_equal(ss.upstream, "http://other");
	assert_string_equal(ss.account, ACCOUNT);
	assert_null(ss.anchor[SYNC_PHASE_UPDATE]);
	assert_null(ss.filter);
	assert_int_equal(ss.rollup_number, 0);
	assert_null(ss.rollup_reset);
	assert_int_equal(ss.last_success, 5);
	assert_int_equal(ss.deployments, 0);
	store_sync_state_free(&ss);

	store_close(st);
	tdb_remove(&t);
}

#define MANY	20000

static void
test_many_deployments(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_state ss;
	struct store_sync_deployment *add;
	struct store_sync_deployments_change c;
	struct collect col;
	char want[GUID_STRLEN + 1];

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	add = xcalloc(MANY, sizeof(*add));
	for (unsigned i = 0; i < MANY; i++) {
		nguid(add[i].deployment, 4, i);
		nguid(add[i].update_id, 5, i);
		nguid(add[i].group, 6, i % 17);
	}
	memset(&c, 0, sizeof(c));
	c.anchor = "dep-many";
	c.add = add;
	c.nadd = MANY;
	assert_int_equal(store_sync_deployments_apply(st, &c), STORE_OK);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_int_equal(ss.deployments, MANY);
	assert_string_equal(ss.anchor[SYNC_PHASE_DEPLOYMENT], "dep-many");
	store_sync_state_free(&ss);
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_sync_deployments_list(st, collect_cb, &col),
	    STORE_OK);
	assert_int_equal(col.n, MANY);
	nguid(want, 4, 0);
	assert_string_equal(col.first.deployment, want);
	nguid(want, 4, MANY - 1);
	assert_string_equal(col.last.deployment, want);
	nguid(want, 5, MANY - 1);
	assert_string_equal(col.last.update_id, want);
	free(add);
	store_close(st);
	tdb_remove(&t);
}

static void
test_migration_from_settings(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_state ss;
	struct collect col;
	char err[256], sql[512], d0[GUID_STRLEN + 1], u0[GUID_STRLEN + 1],
	    g0[GUID_STRLEN + 1], d1[GUID_STRLEN + 1];
	int from, to, cur, latest;

	(void)state;
	tdb_make(&t);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	/* A replica at schema 3, its state in settings. */
	assert_int_equal(sq_migrate_list((struct sq *)st, sq_migrations, 3,
	    &from, &to), STORE_OK);
	assert_int_equal(to, 3);
	nguid(d0, 7, 0);
	nguid(u0, 8, 0);
	nguid(g0, 9, 0);
	nguid(d1, 7, 1);
	t_sql_exec(st, "INSERT INTO settings(key, value) VALUES "
	    "('sync_upstream', '" UP "'), "
	    "('sync_account_guid', '" ACCOUNT "'), "
	    "('sync_config_anchor', 'cfg'), "
	    "('sync_category_anchor', 'cat'), "
	    "('sync_update_anchor', 'upd'), "
	    "('sync_filter', 'p c'), "
	    "('sync_deployment_anchor', 'dep'), "
	    "('sync_rollup_number', '12'), "
	    "('sync_rollup_reset', '" RESET "'), "
	    "('sync_last', '1790000000'), "
	    "('server_id', '" RESET "')");
	snprintf(sql, sizeof(sql), "INSERT INTO settings(key, value) VALUES "
	    "('sync_deployments', '%s %s %s' || char(10) || "
	    "'garbage line' || char(10) || '%s %s %s' || char(10))",
	    d0, u0, g0, d1, u0, g0);
	t_sql_exec(st, sql);

	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(from, 3);
	assert_int_equal(store_schema_version(st, &cur, &latest), STORE_OK);
	assert_int_equal(cur, latest);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_string_equal(ss.upstream, UP);
	assert_string_equal(ss.account, ACCOUNT);
	assert_string_equal(ss.anchor[SYNC_PHASE_CONFIG], "cfg");
	assert_string_equal(ss.anchor[SYNC_PHASE_CATEGORY], "cat");
	assert_string_equal(ss.anchor[SYNC_PHASE_UPDATE], "upd");
	assert_string_equal(ss.anchor[SYNC_PHASE_DEPLOYMENT], "dep");
	assert_string_equal(ss.filter, "p c");
	assert_int_equal(ss.rollup_number, 12);
	assert_string_equal(ss.rollup_reset, RESET);
	assert_int_equal(ss.last_success, 1790000000);
	assert_int_equal(ss.deployments, 2);
	store_sync_state_free(&ss);
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_sync_deployments_list(st, collect_cb, &col),
	    STORE_OK);
	assert_int_equal(col.n, 2);
	assert_string_equal(col.first.deployment, d0);
	assert_string_equal(col.first.update_id, u0);
	assert_string_equal(col.first.group, g0);
	assert_string_equal(col.last.deployment, d1);
	/* The old keys are gone; other settings stay. */
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM settings "
	    "WHERE key LIKE 'sync\\_%' ESCAPE '\\'"), 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM settings "
	    "WHERE key = 'server_id'"), 1);
	store_close(st);
	tdb_remove(&t);

	/* An empty replica (no sync settings) migrates to an empty state. */
	tdb_make(&t);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(sq_migrate_list((struct sq *)st, sq_migrations, 3,
	    &from, &to), STORE_OK);
	t_sql_exec(st, "INSERT INTO settings(key, value) VALUES "
	    "('sync_update_anchor', ''), ('sync_rollup_number', 'x')");
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_null(ss.upstream);
	assert_null(ss.anchor[SYNC_PHASE_UPDATE]);
	assert_int_equal(ss.rollup_number, 0);
	assert_int_equal(ss.deployments, 0);
	store_sync_state_free(&ss);
	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deployments),
		cmocka_unit_test(test_many_deployments),
		cmocka_unit_test(test_migration_from_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
