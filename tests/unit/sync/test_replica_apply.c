/*
 * test_replica_apply.c — a replica's GetDeployments answer is applied as
 * ONE store transaction (src/sync/deployments.c over store_tx_begin):
 *
 * - the store's caller transaction itself: calls inside it are invisible
 *   to another handle until tx_commit, tx_rollback undoes all of them,
 *   a failed call inside it undoes only itself, no nesting, no batch;
 * - an answer with a bad deployment after good ones changes nothing;
 * - a process SIGKILLed in the middle of the approvals (a hook in
 *   deployments.c, after the 25th approval, with the transaction open)
 *   leaves nothing of the answer: no approval, no group, no row, no
 *   anchor; the next apply of the same answer (what the next sync gets,
 *   the anchor not having moved) converges to exactly the upstream's
 *   approvals, and a change set killed the same way leaves the previous
 *   state whole;
 * - the upstream's group GUIDs are kept (a group found by name takes
 *   the GUID; an upstream rename renames the same group);
 * - the replica mark (sync state replica_of) commits with the answer;
 * - the accepted EULAs (AcceptedEulas, a full list) are stored with it;
 * - 100,000 deployment rows in one transaction, then a change set, and
 *   an answer with 30,000 of 100,000 deployments dead.
 *
 * Answers are built here in the shape of GetDeploymentsResult
 * (wsusss.md §8.4, tests/fixtures/soap/wsusss-spec) and parsed with the
 * reader the sync engine uses.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../store/store_test.h"
#include "store/sqlite/sqlite_internal.h"
#include "soap/soap_request.h"
#include "sync/sync_internal.h"
#include "util/buf.h"

#define NUPD		50	/* updates approved (one more is declined) */
#define KILL_AT		25	/* approvals applied before the kill */
#define SITE_GUID	"5a5a5a5a-1111-4222-8333-444455556666"
#define PC1		"c0c0c0c0-1111-4222-8333-444455556666"
#define EULA_A		"e0e0e0e0-1111-4222-8333-444455556666"
#define EULA_B		"e1e1e1e1-1111-4222-8333-444455556666"
#define EULA_B_UPPER	"E1E1E1E1-1111-4222-8333-444455556666"

static void
uguid(char out[GUID_STRLEN + 1], unsigned kind, unsigned n)
{
	snprintf(out, GUID_STRLEN + 1, "%08x-%04x-4%03x-8%03x-%012x",
	    n, kind, kind, kind, n * 7 + kind);
}

/* A session over st (no transport: only the apply is called). */
struct fix {
	struct sync_opts o;
	struct sync_result res;
	struct sess	 s;
	char		 err[512];
};

static void
fix_session(struct fix *f, struct store *st)
{
	memset(f, 0, sizeof(*f));
	f->o.account_name = "replica.example";
	f->s.o = &f->o;
	f->s.res = &f->res;
	f->s.st = st;
	f->s.err = f->err;
	f->s.errlen = sizeof(f->err);
	snprintf(f->s.base, sizeof(f->s.base), "http://dc.example:8530");
}

static struct store *
open_with_updates(struct tdb *db)
{
	struct store *st;
	char u[GUID_STRLEN + 1];
	unsigned i;

	tdb_make(db);
	st = tdb_open(db);
	for (i = 0; i <= NUPD; i++) {		/* NUPD: the hidden one */
		uguid(u, 2, i);
		t_import_new(st, u, 100, UPDATE_TYPE_SOFTWARE, "u");
	}
	return st;
}

/*
 * A GetDeploymentsResult: the built-ins and "Site" under All Computers,
 * Install deployments of updates [from, to) to Site (DeploymentGuid
 * family 1, same number), dead deployments [dfrom, dto), update NUPD
 * (never approved) hidden; bad: one more deployment without an UpdateId at the end.
 */
static const char *site_name = "Site";
/* The AcceptedEulas of the next answer ("" = empty list, NULL = absent). */
static const char *eulas = EULA_A " " EULA_B_UPPER " " EULA_A;

static void
answer(struct buf *b, const char *anchor, unsigned from, unsigned to,
    unsigned dfrom, unsigned dto, bool bad)
{
	char u[GUID_STRLEN + 1], d[GUID_STRLEN + 1];
	unsigned i;

	buf_reset(b);
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetDeploymentsResponse xmlns=\"http://www.microsoft.com/"
	    "SoftwareDistribution/Server/ServerSyncWebService\">"
	    "<GetDeploymentsResult><Anchor>%s</Anchor><Groups>", anchor);
	buf_printf(b, "<ServerSyncTargetGroup><TargetGroupID>%s</TargetGroupID>"
	    "<ParentGroupId>00000000-0000-0000-0000-000000000000</ParentGroupId>"
	    "<Name>All Computers</Name><IsBuiltin>true</IsBuiltin>"
	    "</ServerSyncTargetGroup>", GROUP_ALL_COMPUTERS_GUID);
	buf_printf(b, "<ServerSyncTargetGroup><TargetGroupID>%s</TargetGroupID>"
	    "<ParentGroupId>%s</ParentGroupId><Name>Unassigned Computers</Name>"
	    "<IsBuiltin>true</IsBuiltin></ServerSyncTargetGroup>",
	    GROUP_UNASSIGNED_GUID, GROUP_ALL_COMPUTERS_GUID);
	buf_printf(b, "<ServerSyncTargetGroup><TargetGroupID>%s</TargetGroupID>"
	    "<ParentGroupId>%s</ParentGroupId><Name>%s</Name>"
	    "<IsBuiltin>false</IsBuiltin></ServerSyncTargetGroup></Groups>"
	    "<Deployments>", SITE_GUID, GROUP_ALL_COMPUTERS_GUID, site_name);
	for (i = from; i < to; i++) {
		uguid(u, 2, i);
		uguid(d, 1, i);
		buf_printf(b, "<ServerSyncDeployment><Action>0</Action>"
		    "<AdminName>dc\\admin</AdminName>"
		    "<Deadline>9999-12-31T23:59:59.997Z</Deadline>"
		    "<DeploymentGuid>%s</DeploymentGuid>"
		    "<TargetGroupId>%s</TargetGroupId><UpdateId>%s</UpdateId>"
		    "</ServerSyncDeployment>", d, SITE_GUID, u);
	}
	if (bad)
		buf_printf(b, "<ServerSyncDeployment><Action>0</Action>"
		    "<TargetGroupId>%s</TargetGroupId></ServerSyncDeployment>",
		    SITE_GUID);
	buf_printf(b, "</Deployments><DeadDeployments>");
	for (i = dfrom; i < dto; i++) {
		uguid(d, 1, i);
		buf_printf(b, "<guid>%s</guid>", d);
	}
	uguid(u, 2, NUPD);
	buf_printf(b, "</DeadDeployments><HiddenUpdates><guid>%s</guid>"
	    "</HiddenUpdates>", u);
	if (eulas != NULL) {
		const char *p = eulas;

		buf_printf(b, "<AcceptedEulas>");
		while (*p != '\0') {
			size_t n = strcspn(p, " ");

			buf_printf(b, "<guid>%.*s</guid>", (int)n, p);
			p += n + (p[n] == ' ');
		}
		buf_printf(b, "</AcceptedEulas>");
	}
	buf_printf(b, "</GetDeploymentsResult></GetDeploymentsResponse>"
	    "</soap:Body></soap:Envelope>");
}

static struct soap_request *
parse(struct buf *b)
{
	struct soap_parse_opts po;
	struct soap_request *r = NULL;
	char err[256];

	soap_parse_opts_default(&po);
	po.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	if (soap_request_parse(b->data, b->len, NULL, NULL, &po, &r, err,
	    sizeof(err)) != SOAP_OK)
		fail_msg("answer: %s", err);
	return r;
}

static int
apply(struct store *st, struct buf *b)
{
	struct soap_request *r = parse(b);
	const struct soap_node *res = soap_child(r->op, "GetDeploymentsResult");
	struct fix f;
	int rc;

	fix_session(&f, st);
	rc = sync_deployments_apply_answer(&f.s, res,
	    soap_child_text(res, "Anchor"));
	if (rc != 0)
		fprintf(stderr, "apply: %s\n", f.err);
	soap_request_free(r);
	return rc;
}

static void
kill_hook(size_t applied)
{
	if (applied == KILL_AT)
		raise(SIGKILL);
}

/* Apply b in a child process that is SIGKILLed after KILL_AT approvals. */
static void
apply_killed(struct tdb *db, struct buf *b)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct store *st = tdb_open(db);

		sync_deployments_hook = kill_hook;
		apply(st, b);
		_exit(0);		/* not reached: killed */
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* What the replica holds: approvals, groups, rows, anchor, declines,
 * accepted EULAs. */
struct view {
	int64_t	 approvals, groups, rows, declined;
	char	 anchor[64];
	char	 eulas[128];
};

static int
eula_cb(const char *id, void *arg)
{
	struct view *v = arg;
	size_t n = strlen(v->eulas);

	snprintf(v->eulas + n, sizeof(v->eulas) - n, "%s%s", n ? " " : "", id);
	return 0;
}

static void
look(struct tdb *db, struct view *v)
{
	struct store *st = tdb_open(db);
	struct store_sync_state ss;

	memset(v, 0, sizeof(*v));
	v->approvals = t_sql_int(st, "SELECT count(*) FROM deployments");
	v->groups = t_sql_int(st, "SELECT count(*) FROM target_groups");
	v->rows = t_sql_int(st, "SELECT count(*) FROM sync_deployments");
	v->declined = t_sql_int(st,
	    "SELECT count(*) FROM updates WHERE declined != 0");
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	snprintf(v->anchor, sizeof(v->anchor), "%s",
	    ss.anchor[SYNC_PHASE_DEPLOYMENT] ? ss.anchor[SYNC_PHASE_DEPLOYMENT] :
	    "(none)");
	store_sync_state_free(&ss);
	assert_int_equal(store_eulas_accepted_list(st, eula_cb, v), STORE_OK);
	store_close(st);
}

static void
assert_eulas(struct tdb *db, const char *want)
{
	struct view v;

	look(db, &v);
	assert_string_equal(v.eulas, want);
}

static void
assert_view(struct tdb *db, int64_t approvals, int64_t groups, int64_t rows,
    int64_t declined, const char *anchor)
{
	struct view v;

	look(db, &v);
	assert_int_equal(v.approvals, approvals);
	assert_int_equal(v.groups, groups);
	assert_int_equal(v.rows, rows);
	assert_int_equal(v.declined, declined);
	assert_string_equal(v.anchor, anchor);
}

/* ---- the store's caller transaction ---- */

static void
test_store_tx(void **state)
{
	struct tdb db;
	struct store *st = open_with_updates(&db), *other = tdb_open(&db);
	char u[GUID_STRLEN + 1];
	int64_t gid = 0, did = 0, change = t_change(st);

	(void)state;
	uguid(u, 2, 1);
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(store_tx_begin(st), STORE_INVALID);
	assert_int_equal(store_batch_begin(st), STORE_INVALID);
	assert_int_equal(store_group_create(st, "Site", 1, &gid), STORE_OK);
	assert_int_equal(store_approve(st, u, gid, APPROVAL_INSTALL, 0, "a",
	    &did), STORE_OK);
	/* A failing call undoes itself only; the transaction goes on. */
	assert_int_equal(store_group_create(st, "Site", 1, &did), STORE_EXISTS);
	assert_int_equal(store_approve(st, "00000000-0000-0000-0000-00000000abcd",
	    gid, APPROVAL_INSTALL, 0, "a", &did), STORE_NOTFOUND);
	/* Seen inside, not by another handle. */
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM deployments"), 1);
	assert_int_equal(t_sql_int(other, "SELECT count(*) FROM deployments"), 0);
	assert_int_equal(store_tx_rollback(st), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM deployments"), 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM target_groups"), 2);
	assert_int_equal(t_change(st), change);
	assert_int_equal(store_tx_rollback(st), STORE_OK);	/* none open */
	assert_int_equal(store_tx_commit(st), STORE_INVALID);

	/* Committed: all of it, for everyone. */
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(store_group_create(st, "Site", 1, &gid), STORE_OK);
	assert_int_equal(store_approve(st, u, gid, APPROVAL_INSTALL, 0, "a",
	    &did), STORE_OK);
	assert_int_equal(store_tx_commit(st), STORE_OK);
	assert_int_equal(t_sql_int(other, "SELECT count(*) FROM deployments"), 1);
	assert_int_equal(t_sql_int(other,
	    "SELECT count(*) FROM target_groups"), 3);
	/* Ordinary calls work again after it. */
	assert_int_equal(store_unapprove(st, u, gid), STORE_OK);
	assert_int_equal(t_sql_int(other, "SELECT count(*) FROM deployments"), 0);
	/* Close with a transaction open: rolled back. */
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(store_approve(st, u, gid, APPROVAL_INSTALL, 0, "a",
	    &did), STORE_OK);
	store_close(st);
	assert_int_equal(t_sql_int(other, "SELECT count(*) FROM deployments"), 0);
	store_close(other);
	tdb_remove(&db);
}

/* The sync state's replica_of (caller frees), NULL when not a replica. */
static char *
replica_of(struct store *st)
{
	struct store_sync_state ss;
	char *r;

	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	r = ss.replica_of;
	ss.replica_of = NULL;
	store_sync_state_free(&ss);
	return r;
}

/* ---- a failure in the middle of an answer ---- */

static void
test_bad_answer_changes_nothing(void **state)
{
	struct tdb db;
	struct store *st = open_with_updates(&db);
	struct buf b;

	(void)state;
	buf_init(&b, 8u << 20);
	answer(&b, "A1", 0, NUPD, 0, 0, true);
	assert_int_equal(apply(st, &b), -1);
	assert_view(&db, 0, 2, 0, 0, "(none)");
	assert_null(replica_of(st));
	/* The same answer without the bad deployment applies whole, and
	 * with it the mark that this server is a replica of its upstream. */
	answer(&b, "A1", 0, NUPD, 0, 0, false);
	assert_int_equal(apply(st, &b), 0);
	assert_view(&db, NUPD, 3, NUPD, 1, "A1");
	{
		char *r = replica_of(st);

		assert_non_null(r);
		assert_string_equal(r, "http://dc.example:8530");
		free(r);
	}
	assert_int_equal(store_sync_replica_set(st, NULL), STORE_OK);
	assert_null(replica_of(st));
	assert_int_equal(store_sync_replica_set(st, "http://dc.example:8530"),
	    STORE_OK);
	/* A bad change set leaves the previous state whole. */
	answer(&b, "A2", 0, 0, 0, 10, true);
	assert_int_equal(apply(st, &b), -1);
	assert_view(&db, NUPD, 3, NUPD, 1, "A1");
	store_close(st);
	buf_free(&b);
	tdb_remove(&db);
}

/* ---- SIGKILL during the approvals ---- */

static void
test_kill_during_approvals(void **state)
{
	struct tdb db;
	struct store *st = open_with_updates(&db);
	struct buf b;

	(void)state;
	store_close(st);
	buf_init(&b, 8u << 20);
	answer(&b, "A1", 0, NUPD, 0, 0, false);
	apply_killed(&db, &b);
	assert_view(&db, 0, 2, 0, 0, "(none)");
	assert_eulas(&db, "");
	/* The next sync: same anchor sent, same answer, converges. */
	st = tdb_open(&db);
	assert_int_equal(apply(st, &b), 0);
	store_close(st);
	assert_view(&db, NUPD, 3, NUPD, 1, "A1");
	assert_eulas(&db, EULA_A " " EULA_B);

	/* A change set (10 dead, 30 re-sent) killed: A1 stays whole. */
	eulas = EULA_B;
	answer(&b, "A2", 10, 40, 0, 10, false);
	apply_killed(&db, &b);
	assert_view(&db, NUPD, 3, NUPD, 1, "A1");
	assert_eulas(&db, EULA_A " " EULA_B);
	st = tdb_open(&db);
	assert_int_equal(apply(st, &b), 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM deployments a "
	    "JOIN updates u ON u.local_id = a.update_local_id WHERE u.update_id < '0000000a'"),
	    0);
	store_close(st);
	assert_view(&db, NUPD - 10, 3, NUPD - 10, 1, "A2");
	assert_eulas(&db, EULA_B);
	/* An empty list empties it; an absent one (not per spec) keeps it. */
	st = tdb_open(&db);
	eulas = NULL;
	answer(&b, "A3", 0, 0, 0, 0, false);
	assert_int_equal(apply(st, &b), 0);
	store_close(st);
	assert_eulas(&db, EULA_B);
	st = tdb_open(&db);
	eulas = "";
	answer(&b, "A4", 0, 0, 0, 0, false);
	assert_int_equal(apply(st, &b), 0);
	store_close(st);
	assert_eulas(&db, "");
	/* A bad EULA id fails the answer, nothing changed. */
	st = tdb_open(&db);
	eulas = EULA_A " not-a-guid";
	answer(&b, "A5", 0, 0, 0, 0, false);
	assert_int_equal(apply(st, &b), -1);
	store_close(st);
	assert_view(&db, NUPD - 10, 3, NUPD - 10, 1, "A4");
	assert_eulas(&db, "");
	eulas = EULA_A " " EULA_B_UPPER " " EULA_A;
	buf_free(&b);
	tdb_remove(&db);
}

/* ---- group GUIDs ---- */

/* The GUID of the group named name ("" when none). */
static void
guid_of(struct store *st, const char *name, char out[GUID_STRLEN + 1])
{
	sqlite3_stmt *stmt;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(((struct sq *)st)->db,
	    "SELECT guid FROM target_groups WHERE name = ?1", -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(out, GUID_STRLEN + 1, "%s",
		    (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

static void
test_group_guids(void **state)
{
	struct tdb db;
	struct store *st = open_with_updates(&db);
	struct buf b;
	char g[GUID_STRLEN + 1];
	int64_t gid = 0, cid = 0;

	(void)state;
	buf_init(&b, 8u << 20);
	/* A group made by hand with the upstream's name takes its GUID and
	 * keeps its members. */
	assert_int_equal(store_group_create(st, "Site", 0, &gid), STORE_OK);
	guid_of(st, "Site", g);
	assert_string_not_equal(g, SITE_GUID);
	assert_int_equal(store_computer_contact(st, PC1, "pc1.example", NULL,
	    "192.0.2.1", 1700000000), STORE_OK);
	assert_int_equal(store_computer_find(st, PC1, &cid), STORE_OK);
	assert_int_equal(store_computer_move(st, cid, gid), STORE_OK);
	answer(&b, "A1", 0, 5, 0, 0, false);
	assert_int_equal(apply(st, &b), 0);
	guid_of(st, "Site", g);
	assert_string_equal(g, SITE_GUID);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computer_groups"),
	    1);
	assert_view(&db, 5, 3, 5, 1, "A1");

	/* Renamed upstream: the same group (GUID, members, approvals)
	 * renamed, not a new one. */
	site_name = "Site East";
	answer(&b, "A2", 0, 0, 0, 0, false);
	assert_int_equal(apply(st, &b), 0);
	guid_of(st, "Site East", g);
	assert_string_equal(g, SITE_GUID);
	assert_int_equal(store_group_find(st, "Site East", &cid), STORE_OK);
	assert_int_equal(cid, gid);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computer_groups"),
	    1);
	assert_view(&db, 5, 3, 5, 1, "A2");
	site_name = "Site";

	/* The store's own rules for a given GUID. */
	assert_int_equal(store_group_create_guid(st, "Other", SITE_GUID, 0,
	    &cid), STORE_EXISTS);
	assert_int_equal(store_group_create_guid(st, "Other", "nope", 0,
	    &cid), STORE_INVALID);
	assert_int_equal(store_group_set_guid(st, 1, SITE_GUID),
	    STORE_INVALID);			/* built-in */
	assert_int_equal(store_group_create_guid(st, "Other",
	    "AAAAAAAA-1111-4222-8333-444455556666", 0, &cid), STORE_OK);
	guid_of(st, "Other", g);
	assert_string_equal(g, "aaaaaaaa-1111-4222-8333-444455556666");
	assert_int_equal(store_group_set_guid(st, cid, SITE_GUID),
	    STORE_EXISTS);
	store_close(st);
	buf_free(&b);
	tdb_remove(&db);
}

/* ---- scale: 100,000 deployments in one answer, then a change set ---- */

#define NBIG	100000

static void
test_100k_deployments(void **state)
{
	struct tdb db;
	struct store *st;
	struct fix f;
	struct sync_depl_list add = { 0 }, rm = { 0 };
	char d[GUID_STRLEN + 1], u[GUID_STRLEN + 1], g[GUID_STRLEN + 1];
	unsigned i;

	(void)state;
	tdb_make(&db);
	st = tdb_open(&db);
	fix_session(&f, st);
	for (i = 0; i < NBIG; i++) {
		uguid(d, 1, i);
		uguid(u, 2, i % NUPD);
		uguid(g, 3, i / NUPD);
		sync_depl_list_add(&add, d, u, g);
	}
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(sync_state_deployments_apply(&f.s, "B1", &rm, &add), 0);
	assert_int_equal(store_tx_commit(st), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_deployments"),
	    NBIG);
	sync_depl_list_free(&add);
	/* Change set: 30,000 dead, 20,000 new, in one transaction. */
	for (i = 0; i < 30000; i++) {
		uguid(d, 1, i * 3);
		sync_depl_list_add(&rm, d, "", "");
	}
	for (i = NBIG; i < NBIG + 20000; i++) {
		uguid(d, 1, i);
		uguid(u, 2, i % NUPD);
		uguid(g, 3, 7);
		sync_depl_list_add(&add, d, u, g);
	}
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(sync_state_deployments_apply(&f.s, "B2", &rm, &add), 0);
	assert_int_equal(store_tx_commit(st), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_deployments"),
	    NBIG - 30000 + 20000);
	store_close(st);
	assert_view(&db, 0, 2, NBIG - 30000 + 20000, 0, "B2");
	sync_depl_list_free(&add);
	sync_depl_list_free(&rm);
	tdb_remove(&db);
}

/* 100,000 rows kept by a replica, then an answer with 30,000 of them
 * dead (the lookups are sorted sets, not 100,000 x 30,000 compares). */
static void
test_100k_answer(void **state)
{
	struct tdb db;
	struct store *st;
	struct fix f;
	struct sync_depl_list add = { 0 }, rm = { 0 };
	struct buf b;
	char d[GUID_STRLEN + 1], u[GUID_STRLEN + 1];
	unsigned i;

	(void)state;
	tdb_make(&db);
	st = tdb_open(&db);
	fix_session(&f, st);
	for (i = 0; i < NBIG; i++) {
		uguid(d, 1, i);
		uguid(u, 2, i);
		sync_depl_list_add(&add, d, u, SITE_GUID);
	}
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(sync_state_deployments_apply(&f.s, "C0", &rm, &add), 0);
	assert_int_equal(store_tx_commit(st), STORE_OK);
	sync_depl_list_free(&add);
	buf_init(&b, 16u << 20);
	eulas = "";
	answer(&b, "C1", 0, 0, 0, 30000, false);
	assert_int_equal(apply(st, &b), 0);
	store_close(st);
	assert_view(&db, 0, 3, NBIG - 30000, 0, "C1");
	st = tdb_open(&db);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_deployments "
	    "WHERE deployment < '00007530'"), 0);	/* 30000 = 0x7530 */
	store_close(st);
	eulas = EULA_A " " EULA_B_UPPER " " EULA_A;
	buf_free(&b);
	tdb_remove(&db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_tx),
		cmocka_unit_test(test_bad_answer_changes_nothing),
		cmocka_unit_test(test_kill_during_approvals),
		cmocka_unit_test(test_group_guids),
		cmocka_unit_test(test_100k_deployments),
		cmocka_unit_test(test_100k_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
