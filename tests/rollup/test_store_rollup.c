/*
 * test_store_rollup.c — the downstream registry and rollup storage of the
 * store (migration 3; docs/ROLLUP.md): touch, list/find/remove, server
 * rollups (parents, stale, split), computers (new, move, stale, foreign
 * local computers, unknown parent), out-of-sync numbers and status
 * rollups (full, delta, duplicate, foreign), and the site reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_test.h"
#include "util/buf.h"

#define SITE_A	"11111111-1111-1111-1111-11111111111a"
#define SITE_B	"22222222-2222-2222-2222-22222222222b"
#define SITE_C	"33333333-3333-3333-3333-33333333333c"	/* child of B */
#define PC1	"aaaaaaaa-0000-0000-0000-000000000001"
#define PC2	"aaaaaaaa-0000-0000-0000-000000000002"
#define PC3	"aaaaaaaa-0000-0000-0000-000000000003"
#define UPD1	"bbbbbbbb-0000-0000-0000-000000000001"
#define UPD2	"bbbbbbbb-0000-0000-0000-000000000002"
#define T0	1700000000
#define DS1	"aaaaaaaa-0000-4000-8000-000000000001"	/* downstream_auth */
#define DS2	"aaaaaaaa-0000-4000-8000-000000000002"
#define DS3	"aaaaaaaa-0000-4000-8000-000000000003"

struct fx {
	struct tdb	 db;
	struct store	*st;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	tdb_make(&f->db);
	f->st = tdb_open(&f->db);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	tdb_remove(&f->db);
	free(f);
	return 0;
}

static void
server(struct store_rollup_server *s, const char *id, const char *parent,
    const char *name, int64_t last_rollup)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->server_id, sizeof(s->server_id), "%s", id);
	snprintf(s->parent_id, sizeof(s->parent_id), "%s", parent);
	s->name = name;
	s->version = "10.0.17763.1";
	s->last_rollup = last_rollup;
	s->last_sync = last_rollup - 100;
	for (int i = 0; i < ROLLUP_SUMMARY_FIELDS; i++)
		s->summary[i] = i + 1;
}

/* A, and B with its child C. */
static void
three_sites(struct store *st)
{
	struct store_rollup_server s[3];

	server(&s[0], SITE_A, "", "a.corp.example", T0);
	server(&s[1], SITE_B, "", "b.corp.example", T0);
	server(&s[2], SITE_C, SITE_B, "c.corp.example", T0);
	assert_int_equal(store_rollup_servers(st, s, 3, T0), STORE_OK);
}

static void
computer(struct store_rollup_computer_in *c, const char *id,
    const char *parent, int64_t last_sync, bool details)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->computer_id, sizeof(c->computer_id), "%s", id);
	snprintf(c->parent_id, sizeof(c->parent_id), "%s", parent);
	c->last_sync = last_sync;
	c->last_sync_result = 1;
	c->has_details = details;
	c->dns_name = details ? "pc.corp.example" : NULL;
	c->os_description = details ? "Windows 11" : NULL;
}

struct ids {
	char	 id[8][GUID_STRLEN + 1];
	int	 n;
};

static int
ids_cb(const char *id, void *arg)
{
	struct ids *x = arg;

	if (x->n < 8)
		snprintf(x->id[x->n++], GUID_STRLEN + 1, "%s", id);
	return 0;
}

struct dsl {
	struct store_downstream d[8];
	char name[8][64];
	int n;
};

static int
dsl_cb(const struct store_downstream *d, void *arg)
{
	struct dsl *x = arg;

	if (x->n < 8) {
		x->d[x->n] = *d;
		snprintf(x->name[x->n], 64, "%s", d->name);
		x->n++;
	}
	return 0;
}

static void
test_touch_list_find_remove(void **state)
{
	struct fx *f = *state;
	struct store_downstream_contact c;
	struct dsl l;
	int64_t id, id2;
	size_t n;

	memset(&c, 0, sizeof(c));
	snprintf(c.server_id, sizeof(c.server_id), "%s",
	    "11111111-1111-1111-1111-11111111111A");	/* upper case */
	c.name = "dss-a";
	c.protocol = "1.8";
	c.mode = DOWNSTREAM_AUTONOMOUS;
	c.address = "192.0.2.10";
	c.synced = true;
	assert_int_equal(store_downstream_touch(f->st, &c, T0), STORE_OK);
	/* a later call: replica now, name kept when not given */
	c.name = NULL;
	c.mode = DOWNSTREAM_REPLICA;
	c.synced = false;
	assert_int_equal(store_downstream_touch(f->st, &c, T0 + 60), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_downstream_list(f->st, dsl_cb, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.d[0].server_id, SITE_A);
	assert_string_equal(l.name[0], "dss-a");
	assert_int_equal(l.d[0].mode, DOWNSTREAM_REPLICA);
	assert_int_equal(l.d[0].last_sync, T0);
	assert_int_equal(l.d[0].last_contact, T0 + 60);
	assert_int_equal(l.d[0].depth, 1);

	/* bad input: nothing stored */
	snprintf(c.server_id, sizeof(c.server_id), "not-a-guid");
	assert_int_equal(store_downstream_touch(f->st, &c, T0), STORE_INVALID);
	snprintf(c.server_id, sizeof(c.server_id),
	    "00000000-0000-0000-0000-000000000000");
	assert_int_equal(store_downstream_touch(f->st, &c, T0), STORE_INVALID);
	snprintf(c.server_id, sizeof(c.server_id), "%s", SITE_B);
	c.name = "evil\nname";
	assert_int_equal(store_downstream_touch(f->st, &c, T0), STORE_INVALID);
	assert_int_equal(t_sql_int(f->st,
	    "SELECT count(*) FROM downstream_servers"), 1);

	assert_int_equal(store_downstream_find(f->st, "DSS-A", &id), STORE_OK);
	assert_int_equal(store_downstream_find(f->st, SITE_A, &id2), STORE_OK);
	assert_int_equal(id, id2);
	assert_int_equal(store_downstream_find(f->st, "nope", &id),
	    STORE_NOTFOUND);
	assert_int_equal(store_downstream_remove(f->st, id2, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_downstream_remove(f->st, id2, &n),
	    STORE_NOTFOUND);
}

/* Sessions by address, the branch root, no renaming, pending bound. */
static void
test_sessions_root_pending(void **state)
{
	struct fx *f = *state;
	struct store_downstream_contact c;
	struct dsl l;
	struct ids x;
	char root[GUID_STRLEN + 1];

	three_sites(f->st);	/* A; B with child C (from a rollup) */
	memset(&c, 0, sizeof(c));
	snprintf(c.server_id, sizeof(c.server_id), "%s", SITE_A);
	c.name = "a.corp.example";
	c.mode = DOWNSTREAM_MODE_UNKNOWN;
	c.address = "192.0.2.10";
	c.synced = true;
	assert_int_equal(store_downstream_touch(f->st, &c, T0), STORE_OK);
	/* another name does not rename it */
	c.name = "evil.example";
	assert_int_equal(store_downstream_touch(f->st, &c, T0 + 1), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_downstream_list(f->st, dsl_cb, &l), STORE_OK);
	assert_string_equal(l.d[0].server_id, SITE_A);
	assert_string_equal(l.name[0], "a.corp.example");

	/* sessions: only A from 192.0.2.10, and only when recent */
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_downstream_sessions(f->st, "192.0.2.10", T0,
	    ids_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.id[0], SITE_A);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_downstream_sessions(f->st, "192.0.2.10",
	    T0 + 2, ids_cb, &x), STORE_OK);
	assert_int_equal(x.n, 0);
	assert_int_equal(store_downstream_sessions(f->st, "192.0.2.11", 0,
	    ids_cb, &x), STORE_OK);
	assert_int_equal(x.n, 0);

	/* roots: C under B, A itself; unknown: NOTFOUND */
	assert_int_equal(store_downstream_root(f->st, SITE_C, root), STORE_OK);
	assert_string_equal(root, SITE_B);
	assert_int_equal(store_downstream_root(f->st, SITE_A, root), STORE_OK);
	assert_string_equal(root, SITE_A);
	assert_int_equal(store_downstream_root(f->st,
	    "44444444-4444-4444-4444-444444444444", root), STORE_NOTFOUND);

	/* 2,000 sessions that never sync: at most DS_PENDING_MAX kept, the
	 * synced and rolled-up servers stay */
	c.synced = false;
	c.address = "198.51.100.7";
	for (int i = 0; i < 2000; i++) {
		snprintf(c.server_id, sizeof(c.server_id),
		    "cccccccc-0000-4000-8000-%012d", i);
		c.name = "pending.example";
		assert_int_equal(store_downstream_touch(f->st, &c, T0 + 10 + i),
		    STORE_OK);
	}
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers WHERE server_id LIKE 'cccccccc-%'"),
	    DS_PENDING_MAX);
	/* the most recent are the ones kept */
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers WHERE server_id = "
	    "'cccccccc-0000-4000-8000-000000001999'"), 1);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers WHERE server_id NOT LIKE 'cccccccc-%'"), 3);
	/* a day later, a new contact expires every idle pending one */
	snprintf(c.server_id, sizeof(c.server_id), "%s",
	    "dddddddd-0000-4000-8000-000000000001");
	assert_int_equal(store_downstream_touch(f->st, &c,
	    T0 + 2010 + DS_PENDING_AGE + 1), STORE_OK);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers WHERE server_id LIKE 'cccccccc-%'"), 0);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers"), 4);
}

static void
test_servers(void **state)
{
	struct fx *f = *state;
	struct store_rollup_server s[2];
	struct store_rollup_client_summary cs;
	struct store_rollup_activity act;
	struct dsl l;

	three_sites(f->st);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_downstream_list(f->st, dsl_cb, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	/* parents before children, C under B */
	assert_string_equal(l.d[2].server_id, SITE_C);
	assert_string_equal(l.d[2].parent_id, SITE_B);
	assert_int_equal(l.d[2].depth, 2);
	assert_true(l.d[0].has_summary);
	assert_int_equal(l.d[0].summary[17], 18);

	/* unknown parent: refused, nothing changes (not even the first) */
	server(&s[0], "44444444-4444-4444-4444-444444444444", "", "d", T0);
	server(&s[1], "55555555-5555-5555-5555-555555555555",
	    "66666666-6666-6666-6666-666666666666", "e", T0);
	assert_int_equal(store_rollup_servers(f->st, s, 2, T0),
	    STORE_NOTFOUND);
	assert_int_equal(t_sql_int(f->st,
	    "SELECT count(*) FROM downstream_servers"), 3);
	/* a cycle: B under C */
	server(&s[0], SITE_B, SITE_C, "b", T0 + 10);
	assert_int_equal(store_rollup_servers(f->st, s, 1, T0),
	    STORE_INVALID);

	/* stale: an older LastRollupTime does not overwrite */
	server(&s[0], SITE_A, "", "old-name", T0 - 10);
	assert_int_equal(store_rollup_servers(f->st, s, 1, T0), STORE_OK);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers WHERE name = 'a.corp.example'"), 1);

	/* client summaries and activity (deltas added up) */
	memset(&cs, 0, sizeof(cs));
	memset(&act, 0, sizeof(act));
	snprintf(act.update_id, sizeof(act.update_id), "%s", UPD1);
	act.revision = 101;
	act.success = 2;
	act.failure = 1;
	cs.count = 7;
	cs.activity = &act;
	cs.nactivity = 1;
	server(&s[0], SITE_A, "", "a.corp.example", T0 + 100);
	s[0].clients = &cs;
	s[0].nclients = 1;
	assert_int_equal(store_rollup_servers(f->st, s, 1, T0), STORE_OK);
	server(&s[0], SITE_A, "", "a.corp.example", T0 + 200);
	s[0].clients = &cs;
	s[0].nclients = 1;
	assert_int_equal(store_rollup_servers(f->st, s, 1, T0), STORE_OK);
	assert_int_equal(t_sql_int(f->st, "SELECT success FROM "
	    "downstream_activity"), 4);
	assert_int_equal(t_sql_int(f->st, "SELECT client_summaries FROM "
	    "downstream_servers WHERE name = 'a.corp.example'"), 7);
	/* the same entry again with the same LastRollupTime (a middle
	 * tier passing an unchanged descendant on): its summary replaces
	 * what it sent, it is not counted twice */
	cs.nactivity = 0;
	assert_int_equal(store_rollup_servers(f->st, s, 1, T0), STORE_OK);
	assert_int_equal(t_sql_int(f->st, "SELECT client_summaries FROM "
	    "downstream_servers WHERE name = 'a.corp.example'"), 7);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_clients"), 1);
	/* a part of a split entry (same time, another summary): added */
	cs.os_build = 22631;
	cs.count = 5;
	assert_int_equal(store_rollup_servers(f->st, s, 1, T0), STORE_OK);
	assert_int_equal(t_sql_int(f->st, "SELECT client_summaries FROM "
	    "downstream_servers WHERE name = 'a.corp.example'"), 12);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_clients"), 2);
	assert_int_equal(t_sql_int(f->st, "SELECT success FROM "
	    "downstream_activity"), 4);
}

static void
test_computers_move_stale_foreign(void **state)
{
	struct fx *f = *state;
	struct store_rollup_computer_in c[3];
	struct store_rollup_computers_result res;
	struct store_register_result rr;
	struct store_computer_info ci;
	uint8_t ch[3];

	three_sites(f->st);
	computer(&c[0], PC1, SITE_A, T0, true);
	computer(&c[1], PC2, SITE_A, T0, false);
	memset(&res, 0, sizeof(res));
	res.changes = ch;
	assert_int_equal(store_rollup_computers(f->st, c, 2, T0, &res),
	    STORE_OK);
	assert_int_equal(res.stored, 2);
	assert_int_equal(ch[0], ROLLUP_CHANGE_NONE);
	assert_int_equal(ch[1], ROLLUP_CHANGE_NEW_PARENT);	/* no details */

	/* PC1 moves to C (newer sync): it moves */
	computer(&c[0], PC1, SITE_C, T0 + 50, false);
	assert_int_equal(store_rollup_computers(f->st, c, 1, T0, &res),
	    STORE_OK);
	assert_int_equal(res.moved, 1);
	assert_int_equal(ch[0], ROLLUP_CHANGE_NEW_PARENT);
	assert_int_equal(t_sql_int(f->st, "SELECT d.server_id = '" SITE_C "' "
	    "FROM rollup_computers c JOIN downstream_servers d ON d.id = c.site "
	    "WHERE c.computer_id = '" PC1 "'"), 1);
	/* A still reports it with its older sync time: stale, it stays at C */
	computer(&c[0], PC1, SITE_A, T0 + 10, true);
	assert_int_equal(store_rollup_computers(f->st, c, 1, T0, &res),
	    STORE_OK);
	assert_int_equal(res.stale, 1);
	assert_int_equal(t_sql_int(f->st, "SELECT d.server_id = '" SITE_C "' "
	    "FROM rollup_computers c JOIN downstream_servers d ON d.id = c.site "
	    "WHERE c.computer_id = '" PC1 "'"), 1);

	/* a computer registered with this server itself: refused */
	memset(&ci, 0, sizeof(ci));
	ci.dns_name = "local.corp.example";
	assert_int_equal(store_computer_register(f->st, PC3, &ci, T0, &rr),
	    STORE_OK);
	computer(&c[0], PC3, SITE_A, T0 + 100, true);
	assert_int_equal(store_rollup_computers(f->st, c, 1, T0, &res),
	    STORE_OK);
	assert_int_equal(res.refused, 1);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "rollup_computers WHERE computer_id = '" PC3 "'"), 0);

	/* unknown parent or this server as parent: whole call refused */
	computer(&c[0], "aaaaaaaa-0000-0000-0000-000000000009", SITE_A, T0,
	    true);
	computer(&c[1], "aaaaaaaa-0000-0000-0000-00000000000a",
	    "99999999-9999-9999-9999-999999999999", T0, true);
	assert_int_equal(store_rollup_computers(f->st, c, 2, T0, &res),
	    STORE_NOTFOUND);
	computer(&c[1], "aaaaaaaa-0000-0000-0000-00000000000a", "", T0, true);
	assert_int_equal(store_rollup_computers(f->st, c, 2, T0, &res),
	    STORE_NOTFOUND);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "rollup_computers"), 2);
}

static void
status(struct store_rollup_status_in *s, const char *id, int32_t number,
    bool full, const struct store_rollup_update_state *u, size_t n)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->computer_id, sizeof(s->computer_id), "%s", id);
	s->rollup_number = number;
	s->full = full;
	s->states = u;
	s->nstates = n;
	s->detection_time = T0;
}

static void
test_status_full_delta_duplicate(void **state)
{
	struct fx *f = *state;
	struct store_rollup_computer_in c[2];
	struct store_rollup_computers_result res;
	struct store_rollup_status_in s[2];
	struct store_rollup_status_result sr;
	struct store_rollup_update_state u[2];
	struct store_rollup_number nums[3];
	struct ids out;

	three_sites(f->st);
	computer(&c[0], PC1, SITE_A, T0, true);
	computer(&c[1], PC2, SITE_C, T0, true);
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_rollup_computers(f->st, c, 2, T0, &res),
	    STORE_OK);

	memset(u, 0, sizeof(u));
	snprintf(u[0].update_id, sizeof(u[0].update_id), "%s", UPD1);
	u[0].state = UPDATE_STATE_NEEDED;
	u[0].last_change = T0;
	snprintf(u[1].update_id, sizeof(u[1].update_id), "%s", UPD2);
	u[1].state = UPDATE_STATE_INSTALLED;
	u[1].last_change = T0;
	/* full rollup #1 */
	status(&s[0], PC1, 1, true, u, 2);
	assert_int_equal(store_rollup_status(f->st, SITE_A, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.applied, 1);
	assert_int_equal(sr.states, 2);
	/* duplicate #1 (a resend): no change */
	u[0].state = UPDATE_STATE_FAILED;
	assert_int_equal(store_rollup_status(f->st, SITE_A, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.duplicates, 1);
	assert_int_equal(t_sql_int(f->st, "SELECT state FROM rollup_status "
	    "WHERE update_id = '" UPD1 "'"), UPDATE_STATE_NEEDED);
	/* delta #2: UPD1 installed, UPD2 untouched */
	u[0].state = UPDATE_STATE_INSTALLED;
	u[0].last_change = T0 + 10;
	status(&s[0], PC1, 2, false, u, 1);
	assert_int_equal(store_rollup_status(f->st, SITE_A, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.applied, 1);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM rollup_status "
	    "WHERE state = 4"), 2);
	/* delta #2 again and an older #1: duplicates */
	status(&s[0], PC1, 1, false, u, 1);
	assert_int_equal(store_rollup_status(f->st, SITE_A, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.duplicates, 1);
	/* full #3 with only UPD2: UPD1's row goes */
	status(&s[0], PC1, 3, true, &u[1], 1);
	assert_int_equal(store_rollup_status(f->st, SITE_A, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM rollup_status"),
	    1);

	/* foreign: B may send for C's PC2 (descendant), A may not */
	status(&s[0], PC2, 1, true, u, 2);
	assert_int_equal(store_rollup_status(f->st, SITE_A, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.foreign, 1);
	assert_int_equal(sr.applied, 0);
	assert_int_equal(store_rollup_status(f->st, SITE_B, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.applied, 1);
	/* unknown computer: ignored */
	status(&s[0], PC3, 1, true, u, 2);
	assert_int_equal(store_rollup_status(f->st, SITE_B, s, 1, T0, &sr),
	    STORE_OK);
	assert_int_equal(sr.unknown, 1);
	/* bad state: the whole call refused, nothing changes */
	status(&s[0], PC2, 2, true, u, 1);
	u[0].state = 9;
	assert_int_equal(store_rollup_status(f->st, SITE_B, s, 1, T0, &sr),
	    STORE_INVALID);
	assert_int_equal(t_sql_int(f->st, "SELECT rollup_number FROM "
	    "rollup_computers WHERE computer_id = '" PC2 "'"), 1);

	/* out of sync: PC1 stored 3, PC2 stored 1 */
	memset(nums, 0, sizeof(nums));
	snprintf(nums[0].computer_id, GUID_STRLEN + 1, "%s", PC1);
	nums[0].rollup_number = 3;
	snprintf(nums[1].computer_id, GUID_STRLEN + 1, "%s", PC2);
	nums[1].rollup_number = 5;
	snprintf(nums[2].computer_id, GUID_STRLEN + 1, "%s", PC3);
	nums[2].rollup_number = 1;
	memset(&out, 0, sizeof(out));
	assert_int_equal(store_rollup_out_of_sync(f->st, SITE_B, nums, 3,
	    ids_cb, &out), STORE_OK);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.id[0], PC2);
	memset(&out, 0, sizeof(out));
	nums[0].rollup_number = 2;
	assert_int_equal(store_rollup_out_of_sync(f->st, SITE_A, nums, 3,
	    ids_cb, &out), STORE_OK);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.id[0], PC1);
	/* unknown parent: empty */
	memset(&out, 0, sizeof(out));
	assert_int_equal(store_rollup_out_of_sync(f->st,
	    "99999999-9999-9999-9999-999999999999", nums, 3, ids_cb, &out),
	    STORE_OK);
	assert_int_equal(out.n, 0);
}

struct cc {
	int rows;
	size_t needed, installed, computers;
};

static int
cc_cb(const struct store_compliance_row *r, void *arg)
{
	struct cc *c = arg;

	c->rows++;
	c->needed += r->counts[UPDATE_STATE_NEEDED];
	c->installed += r->counts[UPDATE_STATE_INSTALLED];
	c->computers = r->computers;
	return 0;
}

static int
pc_cb(const struct store_rollup_computer *p, void *arg)
{
	(*(int *)arg)++;
	assert_true(p->site_name[0] != '\0');
	return 0;
}

static void
test_reports_and_remove(void **state)
{
	struct fx *f = *state;
	struct store_rollup_computer_in c[2];
	struct store_rollup_computers_result res;
	struct store_rollup_status_in s;
	struct store_rollup_status_result sr;
	struct store_rollup_update_state u;
	struct cc cc;
	int64_t id;
	size_t n;
	int k;

	three_sites(f->st);
	computer(&c[0], PC1, SITE_A, T0, true);
	computer(&c[1], PC2, SITE_C, T0, true);
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_rollup_computers(f->st, c, 2, T0, &res),
	    STORE_OK);
	memset(&u, 0, sizeof(u));
	snprintf(u.update_id, sizeof(u.update_id), "%s", UPD1);
	u.state = UPDATE_STATE_NEEDED;
	status(&s, PC1, 1, true, &u, 1);
	assert_int_equal(store_rollup_status(f->st, SITE_A, &s, 1, T0, &sr),
	    STORE_OK);
	u.state = UPDATE_STATE_INSTALLED;
	status(&s, PC2, 1, true, &u, 1);
	assert_int_equal(store_rollup_status(f->st, SITE_C, &s, 1, T0, &sr),
	    STORE_OK);

	memset(&cc, 0, sizeof(cc));
	assert_int_equal(store_rollup_compliance(f->st, NULL, 0, cc_cb, &cc),
	    STORE_OK);
	assert_int_equal(cc.rows, 1);
	assert_int_equal(cc.needed, 1);
	assert_int_equal(cc.installed, 1);
	assert_int_equal(cc.computers, 2);
	/* site B covers its child C */
	memset(&cc, 0, sizeof(cc));
	assert_int_equal(store_rollup_compliance(f->st, SITE_B, 0, cc_cb, &cc),
	    STORE_OK);
	assert_int_equal(cc.needed, 0);
	assert_int_equal(cc.installed, 1);
	assert_int_equal(cc.computers, 1);
	k = 0;
	assert_int_equal(store_rollup_computer_list(f->st, NULL, pc_cb, &k),
	    STORE_OK);
	assert_int_equal(k, 2);
	assert_int_equal(store_rollup_compliance(f->st,
	    "99999999-9999-9999-9999-999999999999", 0, cc_cb, &cc),
	    STORE_NOTFOUND);

	/* removing B takes C, PC2 and its states */
	assert_int_equal(store_downstream_find(f->st, "b", &id), STORE_OK);
	assert_int_equal(store_downstream_remove(f->st, id, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "downstream_servers"), 1);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "rollup_computers"), 1);
	assert_int_equal(t_sql_int(f->st, "SELECT count(*) FROM "
	    "rollup_status"), 1);
}

/* Credentials bound to downstreams (migration 7). */
static int
auth_list_cb(const struct store_downstream_auth *a, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s %s %s|", a->server_id, a->cert_sha256[0] ? "c" : "-",
	    a->secret_hash);
	return 0;
}

static void
test_downstream_auth(void **state)
{
	struct fx *f = *state;
	struct store_downstream_auth a;
	static const char fa[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	static const char fb[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	struct buf b;
	size_t n = 9;

	/* none yet; an id need not be a registered downstream */
	assert_int_equal(store_downstream_auth_get(f->st, DS1, &a),
	    STORE_NOTFOUND);
	assert_int_equal(store_downstream_auth_set(f->st, DS1, fa, NULL, 100),
	    STORE_OK);
	/* upper case GUIDs are the same downstream */
	assert_int_equal(store_downstream_auth_set(f->st,
	    "AAAAAAAA-0000-4000-8000-000000000001", NULL, "pbkdf2-x", 101),
	    STORE_OK);
	assert_int_equal(store_downstream_auth_get(f->st, DS1, &a), STORE_OK);
	assert_string_equal(a.server_id, DS1);
	assert_string_equal(a.cert_sha256, fa);
	assert_string_equal(a.secret_hash, "pbkdf2-x");
	assert_int_equal(a.updated, 101);
	/* one downstream per certificate */
	assert_int_equal(store_downstream_auth_set(f->st, DS2, fa, NULL, 102),
	    STORE_EXISTS);
	assert_int_equal(store_downstream_auth_get(f->st, DS2, &a),
	    STORE_NOTFOUND);
	/* bad input changes nothing */
	assert_int_equal(store_downstream_auth_set(f->st, DS2, "AA", NULL,
	    102), STORE_INVALID);
	assert_int_equal(store_downstream_auth_set(f->st, "x", fb, NULL, 102),
	    STORE_INVALID);
	assert_int_equal(store_downstream_auth_set(f->st, DS2, NULL, NULL,
	    102), STORE_INVALID);
	assert_int_equal(store_downstream_auth_set(f->st, DS2, fb, NULL, 103),
	    STORE_OK);
	buf_init(&b, 1 << 16);
	assert_int_equal(store_downstream_auth_list(f->st, auth_list_cb, &b),
	    STORE_OK);
	buf_putc(&b, '\0');
	assert_string_equal(b.data, DS1 " c pbkdf2-x|" DS2 " c |");
	/* revoke the certificate of DS1: its secret stays */
	assert_int_equal(store_downstream_auth_revoke(f->st, DS1, true, false,
	    &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_downstream_auth_revoke(f->st, DS1, true, false,
	    &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_downstream_auth_get(f->st, DS1, &a), STORE_OK);
	assert_string_equal(a.cert_sha256, "");
	assert_string_equal(a.secret_hash, "pbkdf2-x");
	/* its certificate is free for DS2 now? DS2 has fb; bind fa to DS3 */
	assert_int_equal(store_downstream_auth_set(f->st, DS3, fa, NULL, 104),
	    STORE_OK);
	/* revoking all of DS2 drops the row */
	assert_int_equal(store_downstream_auth_revoke(f->st, DS2, true, true,
	    &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_downstream_auth_get(f->st, DS2, &a),
	    STORE_NOTFOUND);
	buf_reset(&b);
	assert_int_equal(store_downstream_auth_list(f->st, auth_list_cb, &b),
	    STORE_OK);
	buf_putc(&b, '\0');
	assert_string_equal(b.data, DS1 " - pbkdf2-x|" DS3 " c |");
	buf_free(&b);
}

struct acts {
	struct store_rollup_activity v[4];
	int	 n;
};

static int
act_cb(const struct store_rollup_activity *a, void *arg)
{
	struct acts *l = arg;

	if (l->n < 4)
		l->v[l->n] = *a;
	l->n++;
	return 0;
}

/*
 * Install activity a downstream rolled up, passed on (wsusss.md §11
 * step 2): listed per server; taking what was sent subtracts it, so
 * what arrived between the read and the upstream's answer stays, and
 * rows at zero go.  Other servers' rows are untouched.
 */
static void
test_activity_taken(void **state)
{
	struct fx *f = *state;
	struct store_rollup_server s;
	struct store_rollup_client_summary cs;
	struct store_rollup_activity act[2], sent[3];
	struct acts l;

	three_sites(f->st);
	server(&s, SITE_A, "", "a.corp.example", T0 + 10);
	memset(&cs, 0, sizeof(cs));
	cs.count = 1;
	memset(act, 0, sizeof(act));
	snprintf(act[0].update_id, sizeof(act[0].update_id), "%s",
	    "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe");
	act[0].revision = 200;
	act[0].success = 5;
	act[0].failure = 2;
	act[1] = act[0];
	act[1].revision = 201;
	act[1].success = 1;
	act[1].failure = 0;
	cs.activity = act;
	cs.nactivity = 2;
	s.clients = &cs;
	s.nclients = 1;
	assert_int_equal(store_rollup_servers(f->st, &s, 1, T0), STORE_OK);
	/* B too: must stay */
	server(&s, SITE_B, "", "b.corp.example", T0 + 10);
	s.clients = &cs;
	s.nclients = 1;
	assert_int_equal(store_rollup_servers(f->st, &s, 1, T0), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rollup_activity(f->st, SITE_A, act_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].revision, 200);
	assert_int_equal(l.v[0].success, 5);
	assert_int_equal(l.v[0].failure, 2);
	assert_int_equal(l.v[1].revision, 201);
	/* sent 3/2 of r200 (2 more successes arrived since), all of r201,
	 * and a row that is not there (no-op) */
	sent[0] = act[0];
	sent[0].success = 3;
	sent[1] = act[1];
	sent[2] = act[1];
	sent[2].revision = 300;
	assert_int_equal(store_rollup_activity_taken(f->st, SITE_A, sent, 3),
	    STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rollup_activity(f->st, SITE_A, act_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].revision, 200);
	assert_int_equal(l.v[0].success, 2);
	assert_int_equal(l.v[0].failure, 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rollup_activity(f->st, SITE_B, act_cb, &l),
	    STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].success, 5);
	/* bad input: refused, nothing changed */
	sent[0].success = -1;
	assert_int_equal(store_rollup_activity_taken(f->st, SITE_B, sent, 1),
	    STORE_INVALID);
	assert_int_equal(t_sql_int(f->st,
	    "SELECT sum(success) FROM downstream_activity"), 2 + 5 + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_touch_list_find_remove,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_root_pending,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_servers, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_computers_move_stale_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_status_full_delta_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_and_remove,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_downstream_auth,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_activity_taken,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
