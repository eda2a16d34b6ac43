/*
 * test_store_approvals.c — target groups, approvals and declines in the
 * SQLite backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_test.h"

#define U_A	"0a000000-0000-4000-8000-00000000000a"
#define U_B	"0b000000-0000-4000-8000-00000000000b"
#define U_X	"0f000000-0000-4000-8000-0000000000ff"
#define CAT	"f0000000-0000-4000-8000-000000000001"
#define DET	"de000000-0000-4000-8000-000000000001"

struct gl {
	int	 n;
	struct {
		int64_t	id, parent;
		char	name[300];
		char	guid[40];
		bool	builtin;
	} g[32];
};

static int
group_cb(const struct store_group *g, void *arg)
{
	struct gl *l = arg;

	if (l->n >= 32)
		fail_msg("too many groups");
	l->g[l->n].id = g->id;
	l->g[l->n].parent = g->parent_id;
	snprintf(l->g[l->n].name, sizeof(l->g[0].name), "%s", g->name);
	snprintf(l->g[l->n].guid, sizeof(l->g[0].guid), "%s", g->guid);
	l->g[l->n].builtin = g->builtin;
	l->n++;
	return 0;
}

static void
groups(struct store *st, struct gl *l)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(store_group_list(st, group_cb, l), STORE_OK);
}

/* Every group's parent is listed before it. */
static void
assert_tree_order(const struct gl *l)
{
	for (int i = 0; i < l->n; i++) {
		bool seen = l->g[i].parent == 0;

		for (int j = 0; j < i && !seen; j++)
			seen = l->g[j].id == l->g[i].parent;
		if (!seen)
			fail_msg("group %s listed before its parent",
			    l->g[i].name);
	}
}

static int
index_of(const struct gl *l, int64_t id)
{
	for (int i = 0; i < l->n; i++)
		if (l->g[i].id == id)
			return i;
	return -1;
}

static void
test_builtin_groups(void **state)
{
	struct store *st;
	struct tdb t;
	struct gl l;
	int64_t all, un, id;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	groups(st, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.g[0].name, "All Computers");
	assert_string_equal(l.g[0].guid, GROUP_ALL_COMPUTERS_GUID);
	assert_int_equal(l.g[0].parent, 0);
	assert_true(l.g[0].builtin);
	assert_string_equal(l.g[1].name, "Unassigned Computers");
	assert_string_equal(l.g[1].guid, GROUP_UNASSIGNED_GUID);
	assert_int_equal(l.g[1].parent, l.g[0].id);
	assert_true(l.g[1].builtin);
	all = l.g[0].id;
	un = l.g[1].id;

	assert_int_equal(store_group_find(st, "ALL COMPUTERS", &id), STORE_OK);
	assert_int_equal(id, all);
	assert_int_equal(store_group_find(st,
	    "B73CA6ED-5727-47F3-84DE-015E03F6A88A", &id), STORE_OK);
	assert_int_equal(id, un);
	assert_int_equal(store_group_find(st, "nobody", &id), STORE_NOTFOUND);
	assert_int_equal(id, 0);
	assert_non_null(strstr(store_errmsg(st), "nobody"));
	assert_int_equal(store_group_find(st, "", &id), STORE_INVALID);
	assert_int_equal(store_group_find(st, NULL, &id), STORE_INVALID);

	assert_int_equal(store_group_rename(st, all, "Everything"),
	    STORE_INVALID);
	assert_int_equal(store_group_rename(st, un, "New"), STORE_INVALID);
	assert_int_equal(store_group_delete(st, all), STORE_INVALID);
	assert_int_equal(store_group_delete(st, un), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "built-in"));
	assert_int_equal(store_group_move(st, un, 0), STORE_INVALID);
	assert_int_equal(store_group_create(st, "Under unassigned", un, &id),
	    STORE_INVALID);
	groups(st, &l);
	assert_int_equal(l.n, 2);
	store_close(st);
	tdb_remove(&t);
}

static void
test_group_rules(void **state)
{
	struct store *st;
	struct tdb t;
	struct gl l;
	int64_t all, a, b, c, d, id, chg;
	char name[GROUP_NAME_MAX + 2];

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_group_find(st, "All Computers", &all), STORE_OK);

	assert_int_equal(store_group_create(st, "Servers", 0, &a), STORE_OK);
	assert_true(a > 0);
	chg = t_change(st);
	assert_int_equal(store_group_create(st, "SERVERS", 0, &id),
	    STORE_EXISTS);
	assert_int_equal(store_group_create(st, "all computers", 0, &id),
	    STORE_EXISTS);
	assert_int_equal(t_change(st), chg);
	assert_int_equal(store_group_create(st, "", 0, &id), STORE_INVALID);
	assert_int_equal(store_group_create(st, NULL, 0, &id), STORE_INVALID);
	assert_int_equal(store_group_create(st, "tab\there", 0, &id),
	    STORE_INVALID);
	assert_int_equal(store_group_create(st, " lead", 0, &id),
	    STORE_INVALID);
	assert_int_equal(store_group_create(st, "bad \xff utf8", 0, &id),
	    STORE_INVALID);
	memset(name, 'x', GROUP_NAME_MAX + 1);
	name[GROUP_NAME_MAX + 1] = '\0';
	assert_int_equal(store_group_create(st, name, 0, &id), STORE_INVALID);
	name[GROUP_NAME_MAX] = '\0';
	assert_int_equal(store_group_create(st, name, 0, &d), STORE_OK);
	assert_int_equal(store_group_create(st, "Orphan", 9999, &id),
	    STORE_NOTFOUND);

	/* Tree: Servers > Web > Edge, Workstations under All. */
	assert_int_equal(store_group_create(st, "Web", a, &b), STORE_OK);
	assert_int_equal(store_group_create(st, "Edge", b, &c), STORE_OK);
	assert_int_equal(store_group_create(st, "Workstations \xc3\xa9", 0,
	    &id), STORE_OK);
	groups(st, &l);
	assert_int_equal(l.n, 7);
	assert_tree_order(&l);
	assert_int_equal(l.g[index_of(&l, a)].parent, all);
	assert_int_equal(l.g[index_of(&l, c)].parent, b);
	assert_false(l.g[index_of(&l, a)].builtin);
	assert_int_equal(store_group_find(st, l.g[index_of(&l, c)].guid, &id),
	    STORE_OK);
	assert_int_equal(id, c);

	/* Rename. */
	assert_int_equal(store_group_rename(st, b, "edge"), STORE_EXISTS);
	assert_int_equal(store_group_rename(st, b, "WEB"), STORE_OK);
	assert_int_equal(store_group_find(st, "web", &id), STORE_OK);
	assert_int_equal(id, b);
	assert_int_equal(store_group_rename(st, b, "Web\n"), STORE_INVALID);
	assert_int_equal(store_group_rename(st, 4242, "Nope"), STORE_NOTFOUND);

	/* Move: no cycles. */
	assert_int_equal(store_group_move(st, a, c), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "under itself"));
	assert_int_equal(store_group_move(st, a, b), STORE_INVALID);
	assert_int_equal(store_group_move(st, a, a), STORE_INVALID);
	assert_int_equal(store_group_move(st, 4242, a), STORE_NOTFOUND);
	assert_int_equal(store_group_move(st, c, 4242), STORE_NOTFOUND);
	chg = t_change(st);
	assert_int_equal(store_group_move(st, c, 0), STORE_OK);
	assert_true(t_change(st) > chg);
	assert_int_equal(store_group_move(st, a, c), STORE_OK);	/* Edge > Servers > Web */
	groups(st, &l);
	assert_tree_order(&l);
	assert_int_equal(l.g[index_of(&l, a)].parent, c);
	assert_int_equal(l.g[index_of(&l, b)].parent, a);
	assert_true(index_of(&l, c) < index_of(&l, a));
	assert_true(index_of(&l, a) < index_of(&l, b));

	/* Delete: not with children. */
	assert_int_equal(store_group_delete(st, c), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "child"));
	assert_int_equal(store_group_delete(st, b), STORE_OK);
	assert_int_equal(store_group_delete(st, b), STORE_NOTFOUND);
	assert_int_equal(store_group_delete(st, a), STORE_OK);
	assert_int_equal(store_group_delete(st, c), STORE_OK);
	assert_int_equal(store_group_find(st, "Web", &id), STORE_NOTFOUND);
	groups(st, &l);
	assert_int_equal(l.n, 4);
	/* A deleted name can be used again. */
	assert_int_equal(store_group_create(st, "web", 0, &id), STORE_OK);
	store_close(st);
	tdb_remove(&t);
}

static void
import_all(struct store *st)
{
	struct tu *t;

	t_import_new(st, U_A, 200, UPDATE_TYPE_SOFTWARE, "Update A");
	t_import_new(st, U_B, 1, UPDATE_TYPE_DRIVER, "Driver B");
	t = tu_category(CAT, CATEGORY_KIND_PRODUCT, "Windows");
	t_import(st, t, NULL);
	tu_free(t);
	t_import_new(st, DET, 1, UPDATE_TYPE_DETECTOID, "Detectoid");
}

struct al {
	int	 n;
	struct store_approval a[16];
	char	 admin[16][32];
	char	 group[16][64];
};

static int
approval_cb(const struct store_approval *a, void *arg)
{
	struct al *l = arg;

	if (l->n >= 16)
		fail_msg("too many approvals");
	l->a[l->n] = *a;
	snprintf(l->admin[l->n], sizeof(l->admin[0]), "%s", a->admin);
	snprintf(l->group[l->n], sizeof(l->group[0]), "%s", a->group_name);
	l->a[l->n].admin = l->admin[l->n];
	l->a[l->n].group_name = l->group[l->n];
	l->a[l->n].title = NULL;
	l->n++;
	return 0;
}

static int
approvals(struct store *st, const char *uid, int64_t gid, struct al *l)
{
	memset(l, 0, sizeof(*l));
	return store_approval_list(st, uid, gid, approval_cb, l);
}

static void
test_approve(void **state)
{
	struct store *st;
	struct tdb t;
	struct al l;
	struct tu *a2;
	int64_t all, srv, d1, d2, d3, chg, rid2;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	import_all(st);
	assert_int_equal(store_group_find(st, "All Computers", &all), STORE_OK);
	assert_int_equal(store_group_create(st, "Servers", 0, &srv), STORE_OK);

	assert_int_equal(store_approve(st, U_X, all, APPROVAL_INSTALL, 0, NULL,
	    &d1), STORE_NOTFOUND);
	assert_non_null(strstr(store_errmsg(st), U_X));
	assert_int_equal(store_approve(st, "xyz", all, APPROVAL_INSTALL, 0,
	    NULL, &d1), STORE_INVALID);
	assert_int_equal(store_approve(st, U_A, 4242, APPROVAL_INSTALL, 0,
	    NULL, &d1), STORE_NOTFOUND);
	assert_int_equal(store_approve(st, U_A, 0, APPROVAL_INSTALL, 0,
	    NULL, &d1), STORE_INVALID);
	assert_int_equal(store_approve(st, CAT, all, APPROVAL_INSTALL, 0, NULL,
	    &d1), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "category"));
	assert_int_equal(store_approve(st, DET, all, APPROVAL_INSTALL, 0, NULL,
	    &d1), STORE_INVALID);
	assert_int_equal(store_approve(st, U_A, all, (enum approval_action)5,
	    0, NULL, &d1), STORE_INVALID);
	assert_int_equal(store_approve(st, U_A, all, APPROVAL_INSTALL, -5,
	    NULL, &d1), STORE_INVALID);
	assert_int_equal(approvals(st, NULL, 0, &l), STORE_OK);
	assert_int_equal(l.n, 0);

	chg = t_change(st);
	assert_int_equal(store_approve(st, U_A, all, APPROVAL_INSTALL, 0,
	    "alice", &d1), STORE_OK);
	assert_true(d1 > 0);
	assert_true(t_change(st) > chg);
	assert_int_equal(store_approve(st, U_A, srv, APPROVAL_INSTALL,
	    1900000000, "bob", &d2), STORE_OK);
	assert_true(d2 != d1);
	assert_int_equal(store_approve(st, U_B, srv, APPROVAL_INSTALL, 0, "bob",
	    &d3), STORE_OK);

	/* Again for the same group: replaced, same deployment, new change. */
	chg = t_change(st);
	assert_int_equal(store_approve(st, "0A000000-0000-4000-8000-00000000000A",
	    all, APPROVAL_UNINSTALL, 1800000000, "carol", &d3), STORE_OK);
	assert_int_equal(d3, d1);
	assert_true(t_change(st) > chg);
	assert_int_equal(t_sql_int(st, "SELECT change_seq FROM deployments "
	    "WHERE deployment_id = (SELECT min(deployment_id) FROM "
	    "deployments)"), t_change(st));
	assert_int_equal(approvals(st, U_A, all, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.a[0].deployment_id, d1);
	assert_int_equal(l.a[0].action, APPROVAL_UNINSTALL);
	assert_int_equal(l.a[0].deadline, 1800000000);
	assert_string_equal(l.a[0].admin, "carol");
	assert_string_equal(l.a[0].group_name, "All Computers");
	assert_string_equal(l.a[0].update_id, U_A);
	assert_int_equal(l.a[0].revision, 200);
	assert_true(l.a[0].created > 0);

	assert_int_equal(approvals(st, NULL, 0, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(approvals(st, NULL, srv, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(approvals(st, U_A, 0, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(approvals(st, U_X, 0, &l), STORE_NOTFOUND);
	assert_int_equal(approvals(st, NULL, 4242, &l), STORE_NOTFOUND);

	/* A new revision: approvals follow the update to it. */
	a2 = tu_new(U_A, 201, UPDATE_TYPE_SOFTWARE, "Update A v2");
	rid2 = t_import(st, a2, NULL);
	tu_free(a2);
	assert_int_equal(approvals(st, U_A, srv, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.a[0].revision, 201);
	assert_int_equal(l.a[0].revision_id, rid2);

	/* Unapprove one group, then all. */
	chg = t_change(st);
	assert_int_equal(store_unapprove(st, U_A, srv), STORE_OK);
	assert_true(t_change(st) > chg);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
	    "deployment_tombstones"), 1);
	assert_int_equal(store_unapprove(st, U_A, srv), STORE_NOTFOUND);
	assert_int_equal(store_unapprove(st, U_A, 4242), STORE_NOTFOUND);
	assert_int_equal(store_unapprove(st, U_X, 0), STORE_NOTFOUND);
	assert_int_equal(approvals(st, U_A, 0, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(store_approve(st, U_A, srv, APPROVAL_INSTALL, 0, NULL,
	    &d2), STORE_OK);
	assert_int_equal(store_unapprove(st, U_A, 0), STORE_OK);
	assert_int_equal(approvals(st, U_A, 0, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(approvals(st, NULL, 0, &l), STORE_OK);
	assert_int_equal(l.n, 1);	/* B stays */
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
	    "deployment_tombstones"), 3);
	assert_int_equal(store_unapprove(st, U_A, 0), STORE_NOTFOUND);

	/* Deleting a group removes its approvals. */
	assert_int_equal(store_group_delete(st, srv), STORE_OK);
	assert_int_equal(approvals(st, NULL, 0, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
	    "deployment_tombstones"), 4);
	store_close(st);
	tdb_remove(&t);
}

static void
test_decline(void **state)
{
	struct store *st;
	struct tdb t;
	struct al l;
	int64_t all, srv, d;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	import_all(st);
	assert_int_equal(store_group_find(st, "All Computers", &all), STORE_OK);
	assert_int_equal(store_group_create(st, "Servers", all, &srv),
	    STORE_OK);
	assert_int_equal(store_approve(st, U_A, all, APPROVAL_INSTALL, 0, NULL,
	    &d), STORE_OK);
	assert_int_equal(store_approve(st, U_A, srv, APPROVAL_INSTALL, 0, NULL,
	    &d), STORE_OK);

	assert_int_equal(store_decline(st, U_X, true), STORE_NOTFOUND);
	assert_int_equal(store_decline(st, "nope", true), STORE_INVALID);
	assert_int_equal(store_decline(st, CAT, true), STORE_INVALID);
	assert_int_equal(store_decline(st, U_A, true), STORE_OK);
	assert_int_equal(approvals(st, U_A, 0, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(t_sql_int(st, "SELECT declined FROM updates WHERE "
	    "update_id = '" U_A "'"), 1);
	assert_int_equal(store_decline(st, U_A, true), STORE_OK);	/* again */
	assert_int_equal(store_approve(st, U_A, all, APPROVAL_INSTALL, 0, NULL,
	    &d), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "declined"));

	assert_int_equal(store_decline(st, U_A, false), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT declined FROM updates WHERE "
	    "update_id = '" U_A "'"), 0);
	/* Undoing a decline does not bring approvals back. */
	assert_int_equal(approvals(st, U_A, 0, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(store_approve(st, U_A, all, APPROVAL_INSTALL, 0, NULL,
	    &d), STORE_OK);
	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_groups),
		cmocka_unit_test(test_group_rules),
		cmocka_unit_test(test_approve),
		cmocka_unit_test(test_decline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
