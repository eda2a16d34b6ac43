/*
 * test_store_reporting.c — what computers report to the SQLite backend:
 * events with their bounds, per-update states, the compliance listings
 * and the wsusctl computers / targeting / report commands run as the
 * real program (docs/REPORTING.md).  Registration, targeting and
 * duplicates are in test_store_computers.c; shared helpers in
 * computers_test.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "store/store.h"
#include "computers_test.h"
#include "store_test.h"
#include "testlib.h"
#include "util/xmalloc.h"

#define U1	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"
#define U2	"0daf8592-9e3f-4a8a-9141-d83fafebd09f"
#define U3	"1594b429-a8c5-4b0d-ac86-79b0a826a847"
#define U_UNKNOWN "99999999-9999-4999-8999-999999999999"

/* ---- events and their bounds ---- */

static struct store_event
ev(int n, int32_t id, const char *uid, int64_t tat)
{
	struct store_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.instance_id, sizeof(e.instance_id),
	    "00000000-0000-4000-8000-%012d", n);
	e.event_id = id;
	e.namespace_id = 1;
	e.source_id = 101;
	e.time_at_target = tat;
	if (uid != NULL)
		snprintf(e.update_id, sizeof(e.update_id), "%s", uid);
	e.revision = 200;
	e.misc = "C=1";
	return e;
}

static int
batch(struct store *st, const char *cid, struct store_event *e, size_t n,
    struct store_status_op *ops, size_t nops, struct store_inventory *inv,
    size_t ninv, int64_t now, struct store_batch_result *r)
{
	struct store_event_batch b;
	struct store_batch_result dummy;

	memset(&b, 0, sizeof(b));
	b.events = e;
	b.nevents = n;
	b.ops = ops;
	b.nops = nops;
	b.inventories = inv;
	b.ninventories = ninv;
	return store_event_batch(st, cid, &b, now, r ? r : &dummy);
}

struct evs {
	int	 n;
	int32_t	 ids[32];
	char	 title[128];
};

static int
evs_cb(const struct store_event_row *e, void *arg)
{
	struct evs *x = arg;

	if (x->n < 32)
		x->ids[x->n] = e->event_id;
	if (e->title != NULL)
		snprintf(x->title, sizeof(x->title), "%s", e->title);
	x->n++;
	return 0;
}

static void
test_events(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[12];
	struct store_batch_result r;
	struct evs x;
	size_t n;
	int64_t a;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "Defender KB2267602");
	reg(st, CID_A, "pc-a", "M", T0, false);
	a = find(st, CID_A);

	for (int i = 0; i < 12; i++)
		e[i] = ev(i + 1, 147, NULL, T0 + i);
	e[3] = ev(4, 181, U1, T0 + 3);
	assert_int_equal(batch(st, CID_A, e, 8, NULL, 0, NULL, 0, T0 + 10, &r),
	    STORE_OK);
	assert_int_equal(r.stored, 8);
	assert_int_equal(r.duplicates, 0);
	assert_int_equal(get(st, a).last_report, T0 + 10);
	/* A resent batch is recognised by the instance ids. */
	assert_int_equal(batch(st, CID_A, e, 8, NULL, 0, NULL, 0, T0 + 20, &r),
	    STORE_OK);
	assert_int_equal(r.stored, 0);
	assert_int_equal(r.duplicates, 8);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_event_list(st, a, 0, evs_cb, &x), STORE_OK);
	assert_int_equal(x.n, 8);
	assert_string_equal(x.title, "Defender KB2267602");
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_event_list(st, a, 3, evs_cb, &x), STORE_OK);
	assert_int_equal(x.n, 3);

	/* Per-computer bound: the oldest go. */
	assert_int_equal(store_setting_set(st, SETTING_EVENTS_PER_COMPUTER, "5"),
	    STORE_OK);
	assert_int_equal(batch(st, CID_A, e + 8, 4, NULL, 0, NULL, 0, T0 + 30,
	    &r), STORE_OK);
	assert_int_equal(r.stored, 4);
	assert_int_equal(r.pruned, 7);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 5);
	assert_int_equal(t_sql_int(st, "SELECT min(received) FROM events"),
	    T0 + 10);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events WHERE "
	    "received = " "1790000030"), 4);

	/* Retention: older than N days goes at the next report. */
	assert_int_equal(store_setting_set(st, SETTING_EVENT_RETENTION_DAYS, "1"),
	    STORE_OK);
	e[0] = ev(100, 147, NULL, T0 + 86400);
	assert_int_equal(batch(st, CID_A, e, 1, NULL, 0, NULL, 0,
	    T0 + 86400 + 15, &r), STORE_OK);
	assert_int_equal(r.pruned, 1);	/* the one received at T0 + 10 */
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 5);
	/* The global prune does the same for every computer. */
	assert_int_equal(store_event_prune(st, T0 + 3 * 86400, &n), STORE_OK);
	assert_int_equal(n, 5);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 0);
	/* A bad setting falls back to the default. */
	assert_int_equal(store_setting_set(st, SETTING_EVENTS_PER_COMPUTER,
	    "-3"), STORE_OK);

	/* Unknown computer; bad batches change nothing. */
	e[0] = ev(200, 147, NULL, T0);
	assert_int_equal(batch(st, CID_B, e, 1, NULL, 0, NULL, 0, T0, &r),
	    STORE_NOTFOUND);
	snprintf(e[0].instance_id, sizeof(e[0].instance_id), "%s",
	    "00000000-0000-4000-8000-00000000000G");
	assert_int_equal(batch(st, CID_A, e, 1, NULL, 0, NULL, 0, T0, &r),
	    STORE_INVALID);
	e[0] = ev(201, 147, NULL, T0);
	snprintf(e[0].update_id, sizeof(e[0].update_id), "%s",
	    "A2FEF9B0-7951-4C2C-A42B-9E351DD1C1FE");	/* not normalised */
	assert_int_equal(batch(st, CID_A, e, 1, NULL, 0, NULL, 0, T0, &r),
	    STORE_INVALID);
	{
		struct store_event_batch b;
		struct store_event *many = xcalloc(STORE_EVENTS_BATCH_MAX + 1,
		    sizeof(*many));

		for (int i = 0; i <= STORE_EVENTS_BATCH_MAX; i++)
			many[i] = ev(1000 + i, 147, NULL, T0);
		memset(&b, 0, sizeof(b));
		b.events = many;
		b.nevents = STORE_EVENTS_BATCH_MAX + 1;
		assert_int_equal(store_event_batch(st, CID_A, &b, T0, &r),
		    STORE_INVALID);
		b.nevents = STORE_EVENTS_BATCH_MAX;
		assert_int_equal(store_event_batch(st, CID_A, &b, T0 + 3 * 86400,
		    &r), STORE_OK);
		assert_int_equal(r.stored, STORE_EVENTS_BATCH_MAX);
		/* the default bound applies again (the setting was bad) */
		assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"),
		    EVENTS_PER_COMPUTER_DEFAULT);
		free(many);
	}
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM update_status"), 0);

	store_close(st);
	tdb_remove(&t);
}

/* ---- states ---- */

static struct store_status_op
op(const char *uid, enum update_state s, unsigned flags, size_t event)
{
	struct store_status_op o;

	memset(&o, 0, sizeof(o));
	snprintf(o.update_id, sizeof(o.update_id), "%s", uid);
	o.revision = -1;
	o.state = s;
	o.flags = flags;
	o.event = event;
	return o;
}

#define INV	(STATUS_OP_INVENTORY)

static int
state_of(struct store *st, const char *cid, const char *uid)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT s.state FROM "
	    "update_status s JOIN computers c ON c.id = s.computer_id JOIN "
	    "updates u ON u.local_id = s.update_local_id WHERE c.client_id = "
	    "'%s' AND u.update_id = '%s'), 0)", cid, uid);
	return (int)t_sql_int(st, sql);
}

struct stl {
	int	 n;
	char	 uid[8][GUID_STRLEN + 1];
	int	 state[8];
	bool	 approved[8];
};

static int
stl_cb(const struct store_update_status *u, void *arg)
{
	struct stl *x = arg;

	if (x->n < 8) {
		snprintf(x->uid[x->n], sizeof(x->uid[0]), "%s", u->update_id);
		x->state[x->n] = u->state;
		x->approved[x->n] = u->approved;
	}
	x->n++;
	return 0;
}

static int
stl_state(const struct stl *x, const char *uid)
{
	for (int i = 0; i < x->n && i < 8; i++)
		if (strcmp(x->uid[i], uid) == 0)
			return x->state[i];
	return -1;
}

static void
test_states(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[8];
	struct store_status_op o[8];
	struct store_inventory inv[2];
	struct store_batch_result r;
	struct stl x;
	int64_t a, b;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "U1");
	t_import_new(st, U2, 200, UPDATE_TYPE_SOFTWARE, "U2");
	t_import_new(st, U3, 100, UPDATE_TYPE_SOFTWARE, "U3");
	/* imported before the computers report (T0 is a fixed "now") */
	t_sql_exec(st, "UPDATE revisions SET imported = 1789990000");
	reg(st, CID_A, "pc-a", "M", T0, false);
	reg(st, CID_B, "pc-b", "M", T0, false);
	a = find(st, CID_A);
	b = find(st, CID_B);

	/* Before any status: unknown; approved updates are listed. */
	assert_int_equal(store_approve(st, U3, 1, APPROVAL_INSTALL, 0, "t",
	    NULL), STORE_OK);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(stl_state(&x, U3), UPDATE_STATE_UNKNOWN);
	assert_true(x.approved[0]);

	/* A 156 inventory: U needed, V installed; unknown ids skipped. */
	e[0] = ev(1, 156, NULL, T0 + 100);
	inv[0].event = 0;
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV | STATUS_OP_KEEP_FAILED, 0);
	o[1] = op(U_UNKNOWN, UPDATE_STATE_NEEDED, INV, 0);
	o[2] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 3, inv, 1, T0 + 110, &r),
	    STORE_OK);
	assert_int_equal(r.changes, 2);
	assert_int_equal(r.unknown_updates, 1);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_NEEDED);
	assert_int_equal(state_of(st, CID_A, U2), UPDATE_STATE_INSTALLED);
	assert_int_equal(get(st, a).last_status, T0 + 100);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(x.n, 3);
	assert_int_equal(stl_state(&x, U3), UPDATE_STATE_NOT_APPLICABLE);
	assert_int_equal(get(st, a).counts[UPDATE_STATE_NEEDED], 1);
	/* imported after A's last status report: no status yet, not "not
	 * applicable" (issue 10 defect 7, as WSUS) */
	t_sql_exec(st, "UPDATE revisions SET imported = 1790000101 WHERE "
	    "title = 'U3'");
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(stl_state(&x, U3), UPDATE_STATE_UNKNOWN);
	t_sql_exec(st, "UPDATE revisions SET imported = 1790000100 WHERE "
	    "title = 'U3'");	/* the same second: reported since */
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(stl_state(&x, U3), UPDATE_STATE_NOT_APPLICABLE);

	/* Download (162) and install failure (182) events. */
	e[0] = ev(2, 162, U1, T0 + 200);
	e[1] = ev(3, 182, U1, T0 + 210);
	o[0] = op(U1, UPDATE_STATE_DOWNLOADED, STATUS_OP_IF_NOT_INSTALLED, 0);
	o[1] = op(U1, UPDATE_STATE_FAILED, 0, 1);
	assert_int_equal(batch(st, CID_A, e, 2, o, 2, NULL, 0, T0 + 220, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_FAILED);
	/* A later inventory naming it as needed keeps "failed"... */
	e[0] = ev(4, 156, NULL, T0 + 300);
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV | STATUS_OP_KEEP_FAILED, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, inv, 1, T0 + 310, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_FAILED);
	assert_int_equal(state_of(st, CID_A, U2), UPDATE_STATE_INSTALLED);
	/* ...one naming it installed replaces it. */
	e[0] = ev(5, 156, NULL, T0 + 400);
	o[0] = op(U1, UPDATE_STATE_INSTALLED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, inv, 1, T0 + 410, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_INSTALLED);
	/* A download event does not downgrade an installed update. */
	e[0] = ev(6, 162, U1, T0 + 450);
	o[0] = op(U1, UPDATE_STATE_DOWNLOADED, STATUS_OP_IF_NOT_INSTALLED, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, NULL, 0, T0 + 460, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_INSTALLED);

	/* An inventory that no longer names U2 drops it (not applicable). */
	e[0] = ev(7, 156, NULL, T0 + 500);
	o[0] = op(U1, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, inv, 1, T0 + 510, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U2), 0);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(stl_state(&x, U2), -1);	/* no row, not approved */
	assert_int_equal(stl_state(&x, U1), UPDATE_STATE_INSTALLED);

	/* Older news never replaces newer (events out of order). */
	e[0] = ev(8, 182, U1, T0 + 50);
	o[0] = op(U1, UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, NULL, 0, T0 + 600, &r),
	    STORE_OK);
	assert_int_equal(r.changes, 0);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_INSTALLED);

	/* Pending reboot, then reboot completed (only from pending). */
	e[0] = ev(9, 201, U3, T0 + 700);
	e[1] = ev(10, 202, U3, T0 + 710);
	e[2] = ev(11, 202, U2, T0 + 720);
	o[0] = op(U3, UPDATE_STATE_PENDING_REBOOT, 0, 0);
	o[1] = op(U3, UPDATE_STATE_INSTALLED, STATUS_OP_IF_PENDING, 1);
	o[2] = op(U2, UPDATE_STATE_INSTALLED, STATUS_OP_IF_PENDING, 2);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 705, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_B, U3), UPDATE_STATE_PENDING_REBOOT);
	assert_int_equal(batch(st, CID_B, e, 3, o, 3, NULL, 0, T0 + 730, &r),
	    STORE_OK);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(state_of(st, CID_B, U3), UPDATE_STATE_INSTALLED);
	assert_int_equal(state_of(st, CID_B, U2), 0);
	/* A client clock in the future is clamped to the time of receipt. */
	e[0] = ev(12, 182, U2, T0 + 100000000);
	o[0] = op(U2, UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 800, &r),
	    STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT max(changed) FROM update_status"),
	    T0 + 800);

	/* Bad ops: nothing stored. */
	e[0] = ev(13, 182, U2, T0 + 900);
	o[0] = op(U2, UPDATE_STATE_UNKNOWN, 0, 0);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 900, &r),
	    STORE_INVALID);
	o[0] = op(U2, UPDATE_STATE_FAILED, 0, 3);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 900, &r),
	    STORE_INVALID);
	o[0] = op("not-a-guid", UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 900, &r),
	    STORE_INVALID);
	inv[0].event = 5;
	assert_int_equal(batch(st, CID_B, e, 1, NULL, 0, inv, 1, T0 + 900, &r),
	    STORE_INVALID);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events WHERE "
	    "instance_id = '00000000-0000-4000-8000-000000000013'"), 0);
	(void)b;

	store_close(st);
	tdb_remove(&t);
}

/* ---- compliance ---- */

struct comp {
	int	 n;
	char	 uid[8][GUID_STRLEN + 1];
	char	 group[8][64];
	size_t	 computers[8];
	size_t	 counts[8][UPDATE_STATE_COUNT];
	bool	 approved[8];
};

static int
comp_cb(const struct store_compliance_row *r, void *arg)
{
	struct comp *x = arg;

	if (x->n < 8) {
		snprintf(x->uid[x->n], sizeof(x->uid[0]), "%s", r->update_id);
		snprintf(x->group[x->n], sizeof(x->group[0]), "%s",
		    r->group_name ? r->group_name : "");
		x->computers[x->n] = r->computers;
		memcpy(x->counts[x->n], r->counts, sizeof(r->counts));
		x->approved[x->n] = r->approved;
	}
	x->n++;
	return 0;
}

static int
comp_find(const struct comp *x, const char *key)
{
	for (int i = 0; i < x->n && i < 8; i++)
		if (strcmp(x->uid[i], key) == 0 || strcmp(x->group[i], key) == 0)
			return i;
	fail_msg("no row %s", key);
	return -1;
}

static void
test_compliance(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[2];
	struct store_status_op o[3];
	struct store_inventory inv = { 0 };
	struct store_compliance_filter f;
	struct comp x;
	int64_t ring, c;
	int i;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "U1");
	t_import_new(st, U2, 200, UPDATE_TYPE_SOFTWARE, "U2");
	t_import_new(st, U3, 100, UPDATE_TYPE_SOFTWARE, "U3 not reported");
	t_sql_exec(st, "UPDATE revisions SET imported = 1789990000");
	assert_int_equal(store_group_create(st, "Ring", 0, &ring), STORE_OK);
	reg(st, CID_A, "pc-a", "M", T0, false);
	reg(st, CID_B, "pc-b", "M", T0, false);
	reg(st, CID_C, "pc-c", "M", T0, false);	/* never reports */
	c = find(st, CID_B);
	assert_int_equal(store_computer_move(st, c, ring), STORE_OK);
	assert_int_equal(store_approve(st, U1, ring, APPROVAL_INSTALL, 0, "t",
	    NULL), STORE_OK);

	/* A: U1 needed, U2 installed.  B: U1 installed, U2 failed. */
	e[0] = ev(1, 156, NULL, T0 + 10);
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, &inv, 1, T0 + 10, NULL),
	    STORE_OK);
	e[0] = ev(2, 156, NULL, T0 + 10);
	e[1] = ev(3, 182, U2, T0 + 11);
	o[0] = op(U1, UPDATE_STATE_INSTALLED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_FAILED, 0, 1);
	assert_int_equal(batch(st, CID_B, e, 2, o, 2, &inv, 1, T0 + 12, NULL),
	    STORE_OK);

	/* Every update with a state or an approval, All Computers. */
	memset(&f, 0, sizeof(f));
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 2);
	i = comp_find(&x, U1);
	assert_int_equal(x.computers[i], 3);
	assert_int_equal(x.counts[i][UPDATE_STATE_NEEDED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_UNKNOWN], 1);	/* C */
	assert_int_equal(x.counts[i][UPDATE_STATE_NOT_APPLICABLE], 0);
	assert_true(x.approved[i]);
	i = comp_find(&x, U2);
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_FAILED], 1);
	assert_false(x.approved[i]);

	/* One update: U3 has no state: 2 not applicable (they reported), 1 unknown. */
	memset(&x, 0, sizeof(x));
	f.update_id = U3;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.counts[0][UPDATE_STATE_NOT_APPLICABLE], 2);
	assert_int_equal(x.counts[0][UPDATE_STATE_UNKNOWN], 1);
	/* U3 imported after both reports (T0 + 10, + 11): three without
	 * status, none "not applicable"; the others keep their counts */
	t_sql_exec(st, "UPDATE revisions SET imported = 1790000011 WHERE "
	    "title = 'U3 not reported'");
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.computers[0], 3);
	assert_int_equal(x.counts[0][UPDATE_STATE_NOT_APPLICABLE], 0);
	assert_int_equal(x.counts[0][UPDATE_STATE_UNKNOWN], 3);
	/* A reports again: A has not got it */
	e[0] = ev(4, 156, NULL, T0 + 20);
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, &inv, 1, T0 + 20, NULL),
	    STORE_OK);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.counts[0][UPDATE_STATE_NOT_APPLICABLE], 1);
	assert_int_equal(x.counts[0][UPDATE_STATE_UNKNOWN], 2);
	memset(&x, 0, sizeof(x));
	f.update_id = U1;	/* its counts did not change */
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.counts[0][UPDATE_STATE_NEEDED], 1);
	assert_int_equal(x.counts[0][UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(x.counts[0][UPDATE_STATE_UNKNOWN], 1);
	assert_int_equal(x.counts[0][UPDATE_STATE_NOT_APPLICABLE], 0);

	/* One group: Ring holds B only. */
	memset(&x, 0, sizeof(x));
	f.update_id = NULL;
	f.group_id = ring;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	i = comp_find(&x, U2);
	assert_int_equal(x.computers[i], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_FAILED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 0);
	memset(&x, 0, sizeof(x));
	f.group_id = 2;		/* Unassigned: A and C */
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	i = comp_find(&x, U1);
	assert_int_equal(x.computers[i], 2);
	assert_int_equal(x.counts[i][UPDATE_STATE_NEEDED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_UNKNOWN], 1);

	/* Per group for one update. */
	memset(&x, 0, sizeof(x));
	memset(&f, 0, sizeof(f));
	f.update_id = "A2FEF9B0-7951-4C2C-A42B-9E351DD1C1FE";
	f.by_group = true;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.group[0], "All Computers");
	i = comp_find(&x, "Ring");
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 1);
	i = comp_find(&x, "Unassigned Computers");
	assert_int_equal(x.counts[i][UPDATE_STATE_NEEDED], 1);

	/* Errors. */
	f.update_id = U_UNKNOWN;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_NOTFOUND);
	f.update_id = "nope";
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_INVALID);
	f.update_id = NULL;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_INVALID);
	memset(&f, 0, sizeof(f));
	f.group_id = 9999;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_NOTFOUND);

	store_close(st);
	tdb_remove(&t);
}

/* ---- wsusctl computers / targeting / report (the real program) ---- */

static char cli_out[65536];

/*
 * Run wsusctl -c conf ARGS... (tl_run: stdin and stderr /dev/null);
 * stdout into cli_out; the exit status.
 */
static int
cli(const char *conf, ...)
{
	const char *exe = getenv("WSUSCTL");
	char *argv[32];
	struct buf out;
	va_list ap;
	int n = 0, status;
	size_t len;

	assert_non_null(exe);
	argv[n++] = (char *)exe;
	argv[n++] = (char *)"-c";
	argv[n++] = (char *)conf;
	va_start(ap, conf);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	unsetenv("COLUMNS");
	buf_init(&out, 1 << 20);
	status = tl_run(argv, &out, "/dev/null");
	assert_true(status >= 0 && status < 128);
	len = out.len < sizeof(cli_out) - 1 ? out.len : sizeof(cli_out) - 1;
	if (out.data != NULL)
		memcpy(cli_out, out.data, len);
	else
		len = 0;
	cli_out[len] = '\0';
	buf_free(&out);
	return status;
}

static void
test_cli(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[1];
	struct store_status_op o[1];
	struct store_inventory inv = { 0 };
	enum targeting_mode mode;
	char conf[400], gs[64], want[64];
	int64_t ring;
	FILE *fp;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	snprintf(conf, sizeof(conf), "%s/wsusd.conf", t.dir);
	fp = fopen(conf, "w");
	assert_non_null(fp);
	fprintf(fp, "[server]\ncontent_dir = %s/content\ndatabase = %s\n"
	    "state_dir = %s/state\n", t.dir, t.url, t.dir);
	fclose(fp);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "Defender KB2267602");
	assert_int_equal(store_group_create(st, "Ring", 0, &ring), STORE_OK);
	reg(st, CID_A, "pc-a.corp.example", "M", T0, false);
	reg(st, CID_B, "dup.corp.example", "M", T0, false);
	reg(st, CID_C, "dup.corp.example", "M", T0, false);
	e[0] = ev(1, 156, NULL, T0 + 10);
	o[0] = op(U1, UPDATE_STATE_NEEDED, STATUS_OP_INVENTORY, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, &inv, 1, T0 + 10, NULL),
	    STORE_OK);

	assert_int_equal(cli(conf, "computers", "list", NULL), 0);
	assert_non_null(strstr(cli_out, "pc-a.corp.example"));
	assert_non_null(strstr(cli_out, "LAST CONTACT"));
	assert_int_equal(cli(conf, "--json", "computers", "list",
	    "--duplicates", NULL), 0);
	assert_string_equal(cli_out, "[]\n");
	assert_int_equal(cli(conf, "computers", "show", "pc-a", NULL), 0);
	assert_non_null(strstr(cli_out, CID_A));
	assert_non_null(strstr(cli_out, "1 needed"));
	assert_int_equal(cli(conf, "computers", "show", "nope", NULL), 3);
	assert_int_equal(cli(conf, "computers", "show", "dup", NULL), 2);
	assert_int_equal(cli(conf, "computers", "show", NULL), 2);
	assert_int_equal(cli(conf, "computers", "frob", NULL), 2);

	/* move, then the store agrees */
	assert_int_equal(cli(conf, "computers", "move", "pc-a",
	    "--group", "Ring", NULL), 0);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)ring);
	assert_string_equal(gs, want);
	assert_int_equal(cli(conf, "computers", "move", "pc-a",
	    "--group", "No Such Group", NULL), 3);
	assert_int_equal(cli(conf, "computers", "move", "pc-a", NULL),
	    2);
	assert_int_equal(cli(conf, "computers", "list", "--group",
	    "Ring", NULL), 0);
	assert_non_null(strstr(cli_out, "pc-a.corp.example"));
	assert_null(strstr(cli_out, "dup.corp.example"));
	/* JSON: groups is an array (issue 10 defect 10) */
	assert_int_equal(cli(conf, "--json", "computers", "list", "--group",
	    "Ring", NULL), 0);
	assert_non_null(strstr(cli_out, "\"groups\": [\n      \"Ring\"\n    ]"));
	assert_null(strstr(cli_out, "\"groups\": \""));
	/* an install failure: the HRESULT in one form, JSON and text */
	e[0] = ev(2, 182, U1, T0 + 20);
	e[0].hresult = (int32_t)0x80246007;
	o[0] = op(U1, UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, NULL, 0, T0 + 20, NULL),
	    STORE_OK);
	assert_int_equal(cli(conf, "--json", "report", "computer", "pc-a",
	    NULL), 0);
	assert_non_null(strstr(cli_out, "\"hresult\": \"0x80246007\""));
	assert_non_null(strstr(cli_out, "\"kb\": null"));	/* none */
	assert_int_equal(cli(conf, "report", "computer", "pc-a", NULL), 0);
	assert_non_null(strstr(cli_out, "  0x80246007"));
	assert_int_equal(cli(conf, "--json", "computers", "show", "pc-a",
	    NULL), 0);
	assert_non_null(strstr(cli_out, "\"hresult\": \"0x80246007\""));
	assert_int_equal(cli(conf, "computers", "show", "pc-a", NULL), 0);
	assert_non_null(strstr(cli_out, "0x80246007"));

	/* targeting */
	assert_int_equal(cli(conf, "targeting", "client", NULL), 0);
	assert_int_equal(store_targeting_get(st, &mode), STORE_OK);
	assert_int_equal(mode, TARGETING_CLIENT);
	assert_int_equal(cli(conf, "--json", "targeting", NULL), 0);
	assert_non_null(strstr(cli_out, "\"client\""));
	assert_int_equal(cli(conf, "targeting", "sideways", NULL), 2);
	assert_int_equal(cli(conf, "targeting", "server", NULL), 0);

	/* reports */
	assert_int_equal(cli(conf, "--json", "report", "compliance",
	    NULL), 0);
	assert_non_null(strstr(cli_out, "\"failed\": 1"));
	assert_non_null(strstr(cli_out, "\"unknown\": 2"));
	assert_int_equal(cli(conf, "report", "compliance", "--update",
	    U1, NULL), 0);
	assert_non_null(strstr(cli_out, "Ring"));
	assert_non_null(strstr(cli_out, "All Computers"));
	assert_int_equal(cli(conf, "report", "compliance", "--group",
	    "Nope", NULL), 3);
	assert_int_equal(cli(conf, "--json", "report", "computer",
	    "pc-a", NULL), 0);
	assert_non_null(strstr(cli_out, "\"state\": \"failed\""));
	assert_int_equal(cli(conf, "report", NULL), 2);
	assert_int_equal(cli(conf, "report", "settings",
	    "--retention-days", "7", NULL), 0);
	assert_int_equal(t_sql_int(st, "SELECT value FROM settings WHERE key = "
	    "'event_retention_days'"), 7);
	assert_int_equal(cli(conf, "report", "settings",
	    "--retention-days", "-1", NULL), 2);

	/* delete */
	assert_int_equal(cli(conf, "computers", "delete", CID_B, NULL),
	    0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computers"), 2);
	assert_int_equal(cli(conf, "computers", "delete", CID_B, NULL),
	    3);

	unlink(conf);
	{
		char p[512];

		snprintf(p, sizeof(p), "%s/cli.out", t.dir);
		unlink(p);
	}
	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_compliance),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
