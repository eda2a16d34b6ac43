/*
 * test_store_sync_service.c — the sync-service domain
 * (store/sync_service.h) of the SQLite backend: the update source
 * configuration (defaults, round trip, bounds), the run history (begin,
 * progress, end, newest first, an abandoned run closed as interrupted)
 * and the request queue; the rollup schedule and rollup runs, and a
 * run's full_resync (migration 8); the downloadfiles trigger, a run's
 * note and migration 10 keeping every row of the tables it builds again.
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

#define P1	"0fa1201d-4330-4fa8-8ae9-b877473b6441"
#define C1	"e6cf1350-c01b-414d-a61f-263d14d133b4"

static void
test_config(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_config c, in;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	/* Never configured: no upstream, WSUS's defaults. */
	assert_int_equal(store_sync_config_get(st, &c), STORE_OK);
	assert_null(c.upstream);
	assert_false(c.replica);
	assert_null(c.products);
	assert_int_equal(c.content, STORE_SYNC_CONTENT_APPROVED);
	assert_false(c.express);
	assert_int_equal(c.per_day, 0);
	assert_int_equal(c.first, 0);
	assert_int_equal(c.jitter, 0);
	assert_int_equal(c.next_run, 0);
	store_sync_config_free(&c);

	memset(&in, 0, sizeof(in));
	in.upstream = "https://dc-wsus:8531";
	in.replica = true;
	in.products = P1;
	in.classifications = C1;
	in.languages = "en de";
	in.content = STORE_SYNC_CONTENT_ORIGIN;
	in.express = true;
	in.proxy = "http://proxy:3128";
	in.proxy_user = "u";
	in.proxy_password = "secret";
	in.cacert = "/etc/ca.pem";
	in.tls_min = "1.3";
	in.protocol = "1.8";
	in.name = "site1.example";
	in.per_day = 4;
	in.first = 90;
	in.jitter = 30;
	in.next_run = 12345;	/* ignored by set */
	assert_int_equal(store_sync_next_set(st, 999), STORE_OK);
	assert_int_equal(store_sync_config_set(st, &in), STORE_OK);
	assert_int_equal(store_sync_config_get(st, &c), STORE_OK);
	assert_string_equal(c.upstream, "https://dc-wsus:8531");
	assert_true(c.replica);
	assert_string_equal(c.products, P1);
	assert_string_equal(c.classifications, C1);
	assert_string_equal(c.languages, "en de");
	assert_int_equal(c.content, STORE_SYNC_CONTENT_ORIGIN);
	assert_true(c.express);
	assert_string_equal(c.proxy, "http://proxy:3128");
	assert_string_equal(c.proxy_user, "u");
	assert_string_equal(c.proxy_password, "secret");
	assert_string_equal(c.cacert, "/etc/ca.pem");
	assert_string_equal(c.tls_min, "1.3");
	assert_string_equal(c.protocol, "1.8");
	assert_string_equal(c.name, "site1.example");
	assert_int_equal(c.per_day, 4);
	assert_int_equal(c.first, 90);
	assert_int_equal(c.jitter, 30);
	/* A new configuration forgets the computed next run. */
	assert_int_equal(c.next_run, 0);
	store_sync_config_free(&c);

	assert_int_equal(store_sync_next_set(st, 1790000000), STORE_OK);
	assert_int_equal(store_sync_next_set(st, -1), STORE_INVALID);

	/* Out of range: refused, nothing changed. */
	in.per_day = 25;
	assert_int_equal(store_sync_config_set(st, &in), STORE_INVALID);
	in.per_day = 4;
	in.first = 1440;
	assert_int_equal(store_sync_config_set(st, &in), STORE_INVALID);
	in.first = 90;
	in.jitter = 1441;
	assert_int_equal(store_sync_config_set(st, &in), STORE_INVALID);
	in.jitter = 30;
	in.content = 4;
	assert_int_equal(store_sync_config_set(st, &in), STORE_INVALID);
	in.content = STORE_SYNC_CONTENT_ORIGIN;
	assert_int_equal(store_sync_config_get(st, &c), STORE_OK);
	assert_int_equal(c.per_day, 4);
	assert_int_equal(c.next_run, 1790000000);
	store_sync_config_free(&c);

	/* "" is unset. */
	in.proxy = "";
	assert_int_equal(store_sync_config_set(st, &in), STORE_OK);
	assert_int_equal(store_sync_config_get(st, &c), STORE_OK);
	assert_null(c.proxy);
	store_sync_config_free(&c);

	store_close(st);
	tdb_remove(&t);
}

struct runs {
	int	n;
	struct store_sync_run r[8];
	char	phase[8][32];
	char	error[8][128];
	char	note[8][256];
};

static int
collect(const struct store_sync_run *r, void *arg)
{
	struct runs *l = arg;

	if (l->n >= 8)
		return 1;
	l->r[l->n] = *r;
	snprintf(l->phase[l->n], sizeof(l->phase[0]), "%s",
	    r->phase != NULL ? r->phase : "");
	snprintf(l->error[l->n], sizeof(l->error[0]), "%s",
	    r->error != NULL ? r->error : "");
	snprintf(l->note[l->n], sizeof(l->note[0]), "%s",
	    r->note != NULL ? r->note : "");
	l->r[l->n].note = r->note != NULL ? l->note[l->n] : NULL;
	l->n++;
	return 0;
}

static void
test_history(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_run r;
	struct runs l;
	int64_t a, b, c;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_get(st, 0, collect, &l),
	    STORE_NOTFOUND);
	assert_int_equal(store_sync_run_begin(st, 7, 0, 100, &a),
	    STORE_INVALID);

	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_MANUAL, 5, 100,
	    &a), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = a;
	r.phase = "updates";
	r.done = 3;
	r.total = 10;
	r.new_updates = 3;
	assert_int_equal(store_sync_run_progress(st, &r), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_get(st, 0, collect, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].id, a);
	assert_int_equal(l.r[0].request, 5);
	assert_int_equal(l.r[0].result, SYNC_RESULT_RUNNING);
	assert_string_equal(l.phase[0], "updates");
	assert_int_equal(l.r[0].done, 3);
	assert_int_equal(l.r[0].total, 10);
	assert_int_equal(l.r[0].end, 0);

	r.phase = "done";
	r.end = 160;
	r.result = SYNC_RESULT_OK;
	r.new_updates = 10;
	r.revised = 2;
	r.expired = 1;
	r.files = 4;
	r.bytes = 4096;
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);
	/* Ended: neither progress nor a second end reach it. */
	assert_int_equal(store_sync_run_progress(st, &r), STORE_NOTFOUND);
	assert_int_equal(store_sync_run_end(st, &r), STORE_NOTFOUND);
	r.result = SYNC_RESULT_RUNNING;
	assert_int_equal(store_sync_run_end(st, &r), STORE_INVALID);

	/* A run left "running" (wsusd died) is closed by the next begin. */
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_SCHEDULED, 0,
	    200, &b), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_MANUAL, 0,
	    300, &c), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = c;
	r.end = 310;
	r.result = SYNC_RESULT_FAILED;
	r.phase = "auth";
	r.error = "connect: refused";
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_list(st, 0, collect, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.r[0].id, c);
	assert_int_equal(l.r[0].result, SYNC_RESULT_FAILED);
	assert_string_equal(l.error[0], "connect: refused");
	assert_int_equal(l.r[0].start, 300);
	assert_int_equal(l.r[0].end, 310);
	assert_int_equal(l.r[1].id, b);
	assert_int_equal(l.r[1].trigger, SYNC_TRIGGER_SCHEDULED);
	assert_int_equal(l.r[1].result, SYNC_RESULT_FAILED);
	assert_int_equal(l.r[1].end, 300);
	assert_string_equal(l.error[1],
	    "interrupted (wsusd stopped during the run)");
	assert_int_equal(l.r[2].id, a);
	assert_int_equal(l.r[2].result, SYNC_RESULT_OK);
	assert_int_equal(l.r[2].new_updates, 10);
	assert_int_equal(l.r[2].revised, 2);
	assert_int_equal(l.r[2].expired, 1);
	assert_int_equal(l.r[2].files, 4);
	assert_int_equal(l.r[2].bytes, 4096);
	assert_string_equal(l.error[2], "");

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_list(st, 1, collect, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].id, c);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_get(st, a, collect, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].id, a);
	assert_int_equal(store_sync_run_get(st, 999, collect, &l),
	    STORE_NOTFOUND);

	store_close(st);
	tdb_remove(&t);
}

/* wsusd starting again closes the run a killed wsusd left running, and
 * nothing else. */
static void
test_abandon(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_run r;
	struct runs l;
	int64_t a, b;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_sync_run_abandon(st, 50), STORE_OK); /* none */
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_MANUAL, 0, 100,
	    &a), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = a;
	r.end = 110;
	r.result = SYNC_RESULT_OK;
	r.phase = "done";
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_SCHEDULED, 0,
	    200, &b), STORE_OK);
	assert_int_equal(store_sync_run_abandon(st, 250), STORE_OK);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_list(st, 0, collect, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].id, b);
	assert_int_equal(l.r[0].result, SYNC_RESULT_FAILED);
	assert_int_equal(l.r[0].start, 200);
	assert_int_equal(l.r[0].end, 250);
	assert_string_equal(l.error[0],
	    "interrupted (wsusd stopped during the run)");
	assert_int_equal(l.r[1].id, a);
	assert_int_equal(l.r[1].result, SYNC_RESULT_OK);
	assert_int_equal(l.r[1].end, 110);
	assert_string_equal(l.error[1], "");
	/* twice: nothing more changes */
	assert_int_equal(store_sync_run_abandon(st, 300), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_list(st, 0, collect, &l), STORE_OK);
	assert_int_equal(l.r[0].end, 250);
	store_close(st);
	tdb_remove(&t);
}

static void
test_requests(void **state)
{
	struct tdb t;
	struct store *st;
	int64_t a, b, id;
	int kind;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	assert_int_equal(store_sync_request_take(st, &kind, &id), STORE_OK);
	assert_int_equal(kind, 0);
	assert_int_equal(id, 0);
	assert_int_equal(store_sync_request_put(st, 3, &a), STORE_INVALID);
	assert_int_equal(store_sync_request_put(st, SYNC_REQUEST_NOW, &a),
	    STORE_OK);
	assert_int_equal(store_sync_request_put(st, SYNC_REQUEST_CANCEL, &b),
	    STORE_OK);
	assert_true(b > a);
	assert_int_equal(store_sync_request_take(st, &kind, &id), STORE_OK);
	assert_int_equal(kind, SYNC_REQUEST_NOW);
	assert_int_equal(id, a);
	assert_int_equal(store_sync_request_take(st, &kind, &id), STORE_OK);
	assert_int_equal(kind, SYNC_REQUEST_CANCEL);
	assert_int_equal(id, b);
	assert_int_equal(store_sync_request_take(st, &kind, &id), STORE_OK);
	assert_int_equal(kind, 0);
	assert_int_equal(id, 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_requests"),
	    0);
	/* ids are never reused: wsusctl finds its run by request id */
	assert_int_equal(store_sync_request_put(st, SYNC_REQUEST_NOW, &id),
	    STORE_OK);
	assert_true(id > b);

	store_close(st);
	tdb_remove(&t);
}

struct rruns {
	struct store_rollup_run	 r[4];
	char			 err[4][64];
	size_t			 n;
};

static int
rcollect(const struct store_rollup_run *r, void *arg)
{
	struct rruns *l = arg;

	if (l->n < 4) {
		l->r[l->n] = *r;
		snprintf(l->err[l->n], sizeof(l->err[0]), "%s",
		    r->error ? r->error : "(null)");
		l->n++;
	}
	return 0;
}

static int
full_cb(const struct store_sync_run *r, void *arg)
{
	*(int *)arg = r->full_resync ? 1 : 0;
	return 0;
}

static int
sent_cb(const struct store_rollup_sent *r, void *arg)
{
	struct { size_t n; int state; } *l = arg;

	l->n++;
	l->state = r->state;
	return 0;
}

static void
test_rollups(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_rollup_run r;
	struct store_sync_run row;
	struct rruns l;
	int every, full = -1;
	int64_t next, id;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	/* Defaults: every 240 minutes, the next not computed yet. */
	assert_int_equal(store_rollup_schedule_get(st, &every, &next),
	    STORE_OK);
	assert_int_equal(every, STORE_ROLLUP_EVERY_DEFAULT);
	assert_int_equal(every, 240);
	assert_int_equal(next, 0);
	assert_int_equal(store_rollup_next_set(st, 1000), STORE_OK);
	assert_int_equal(store_rollup_schedule_get(st, &every, &next),
	    STORE_OK);
	assert_int_equal(next, 1000);
	/* Setting the interval resets the next time; bounds. */
	assert_int_equal(store_rollup_schedule_set(st, 30), STORE_OK);
	assert_int_equal(store_rollup_schedule_get(st, &every, &next),
	    STORE_OK);
	assert_int_equal(every, 30);
	assert_int_equal(next, 0);
	assert_int_equal(store_rollup_schedule_set(st, -1), STORE_INVALID);
	assert_int_equal(store_rollup_schedule_set(st, 10081), STORE_INVALID);
	assert_int_equal(store_rollup_schedule_set(st, 0), STORE_OK);
	assert_int_equal(store_rollup_next_set(st, -5), STORE_INVALID);
	assert_int_equal(store_rollup_schedule_get(st, &every, &next),
	    STORE_OK);
	assert_int_equal(every, 0);

	/* Runs: recorded, newest first; bad ones refused. */
	memset(&r, 0, sizeof(r));
	r.start = 100;
	r.end = 105;
	r.result = SYNC_RESULT_OK;
	r.trigger = ROLLUP_TRIGGER_SYNC;
	r.servers = 3;
	r.computers = 7;
	assert_int_equal(store_rollup_run_add(st, &r), STORE_OK);
	assert_true(r.id > 0);
	r.start = 200;
	r.end = 201;
	r.result = SYNC_RESULT_FAILED;
	r.trigger = ROLLUP_TRIGGER_SCHEDULED;
	r.servers = 0;
	r.computers = 0;
	r.error = "refused";
	assert_int_equal(store_rollup_run_add(st, &r), STORE_OK);
	r.result = SYNC_RESULT_RUNNING;
	assert_int_equal(store_rollup_run_add(st, &r), STORE_INVALID);
	r.result = SYNC_RESULT_OK;
	r.trigger = 2;
	assert_int_equal(store_rollup_run_add(st, &r), STORE_INVALID);
	r.trigger = ROLLUP_TRIGGER_SYNC;
	r.end = 199;
	assert_int_equal(store_rollup_run_add(st, &r), STORE_INVALID);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rollup_run_list(st, 0, rcollect, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].start, 200);
	assert_int_equal(l.r[0].result, SYNC_RESULT_FAILED);
	assert_int_equal(l.r[0].trigger, ROLLUP_TRIGGER_SCHEDULED);
	assert_string_equal(l.err[0], "refused");
	assert_int_equal(l.r[1].servers, 3);
	assert_int_equal(l.r[1].computers, 7);
	assert_string_equal(l.err[1], "(null)");
	assert_string_equal(store_rollup_trigger_name(l.r[1].trigger), "sync");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_rollup_run_list(st, 1, rcollect, &l), STORE_OK);
	assert_int_equal(l.n, 1);

	/* What was rolled up per computer: replaced whole, per client. */
	{
		struct store_rollup_sent v[2];
		struct sentl { size_t n; int state; } sl;

		memset(v, 0, sizeof(v));
		snprintf(v[0].update_id, sizeof(v[0].update_id), "%s", P1);
		v[0].state = 4;
		v[0].changed = 50;
		snprintf(v[1].update_id, sizeof(v[1].update_id), "%s", C1);
		v[1].state = 2;
		v[1].changed = 60;
		assert_int_equal(store_rollup_sent_set(st, "client-a", v, 2),
		    STORE_OK);
		assert_int_equal(store_rollup_sent_set(st, "client-b", v, 1),
		    STORE_OK);
		assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
		    "rollup_sent"), 3);
		assert_int_equal(store_rollup_sent_set(st, "client-a", v + 1,
		    1), STORE_OK);
		assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
		    "rollup_sent WHERE client_id = 'client-a'"), 1);
		memset(&sl, 0, sizeof(sl));
		assert_int_equal(store_rollup_sent_list(st, "client-a",
		    sent_cb, &sl), STORE_OK);
		assert_int_equal(sl.n, 1);
		assert_int_equal(sl.state, 2);
		v[0].state = 7;
		assert_int_equal(store_rollup_sent_set(st, "client-b", v, 1),
		    STORE_INVALID);
		assert_int_equal(store_rollup_sent_set(st, "", v, 0),
		    STORE_INVALID);
		assert_int_equal(store_rollup_sent_set(st, "client-a", NULL, 0),
		    STORE_OK);
		assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
		    "rollup_sent"), 1);
	}

	/* A sync run's full_resync goes in with its end. */
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_MANUAL, 0, 10,
	    &id), STORE_OK);
	memset(&row, 0, sizeof(row));
	row.id = id;
	row.phase = "done";
	row.end = 20;
	row.result = SYNC_RESULT_OK;
	row.full_resync = true;
	assert_int_equal(store_sync_run_end(st, &row), STORE_OK);
	assert_int_equal(store_sync_run_get(st, id, full_cb, &full), STORE_OK);
	assert_int_equal(full, 1);

	store_close(st);
	tdb_remove(&t);
}

/* A content-only run of a DownloadFiles (trigger 2) and a run's note. */
static void
test_downloadfiles_note(void **state)
{
	struct tdb t;
	struct store *st;
	struct store_sync_run r;
	struct runs l;
	int64_t a, b;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_string_equal(store_sync_trigger_name(SYNC_TRIGGER_DOWNLOADFILES),
	    "downloadfiles");
	assert_string_equal(store_sync_trigger_name(SYNC_TRIGGER_MANUAL),
	    "manual");
	assert_int_equal(store_sync_run_begin(st, 3, 0, 100, &a),
	    STORE_INVALID);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_DOWNLOADFILES,
	    0, 100, &a), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = a;
	r.phase = "done";
	r.end = 110;
	r.result = SYNC_RESULT_OK;
	r.files = 2;
	r.note = "waited 2 s as the upstream asked (Retry-After, 1 time)";
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);
	/* a note without an error; "" is none */
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_SCHEDULED, 0,
	    200, &b), STORE_OK);
	r.id = b;
	r.note = "";
	r.end = 210;
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_list(st, 0, collect, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].id, b);
	assert_int_equal(l.r[0].trigger, SYNC_TRIGGER_SCHEDULED);
	assert_null(l.r[0].note);
	assert_int_equal(l.r[1].id, a);
	assert_int_equal(l.r[1].trigger, SYNC_TRIGGER_DOWNLOADFILES);
	assert_int_equal(l.r[1].files, 2);
	assert_null(l.r[1].error);
	assert_string_equal(l.r[1].note,
	    "waited 2 s as the upstream asked (Retry-After, 1 time)");
	store_close(st);
	tdb_remove(&t);
}

/*
 * Migration 10 builds sync_history and rollup_runs again (a wider CHECK
 * of trigger): a store at version 9 with rows in both keeps every row
 * and column, and then takes trigger 2.
 */
static void
test_migration_10(void **state)
{
	struct tdb t;
	struct store *st = NULL;
	struct store_rollup_run rr;
	struct runs l;
	char err[512];
	int from, to, n9 = sq_migrations_count - 1;
	int64_t id;

	(void)state;
	assert_int_equal(sq_migrations[n9].version, 10);
	tdb_make(&t);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(sq_migrate_list((struct sq *)st, sq_migrations, n9,
	    &from, &to), STORE_OK);
	assert_int_equal(to, 9);
	t_sql_exec(st, "INSERT INTO sync_history(id, request, start, end, "
	    "result, trigger, phase, done, total, new_updates, revised, "
	    "expired, files, bytes, error, full_resync) VALUES "
	    "(4, 9, 100, 160, 2, 1, 'metadata', 3, 10, 5, 2, 1, 7, 4096, "
	    "'GetConfigData: fault ServerBusy', 1), "
	    "(5, 0, 200, 0, 0, 0, 'content', 0, 0, 0, 0, 0, 0, 0, NULL, 0)");
	t_sql_exec(st, "INSERT INTO rollup_runs VALUES "
	    "(3, 50, 60, 1, 1, 2, 40, NULL), (6, 70, 80, 2, 0, 0, 0, 'x')");
	/* version 9 refuses the new trigger */
	assert_int_equal(sqlite3_exec(((struct sq *)st)->db,
	    "INSERT INTO sync_history(start, trigger) VALUES (1, 2)", NULL,
	    NULL, NULL), SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(from, 9);
	assert_int_equal(to, 10);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_history"), 2);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_history "
	    "WHERE id = 4 AND request = 9 AND start = 100 AND end = 160 AND "
	    "result = 2 AND trigger = 1 AND phase = 'metadata' AND done = 3 "
	    "AND total = 10 AND new_updates = 5 AND revised = 2 AND "
	    "expired = 1 AND files = 7 AND bytes = 4096 AND error = "
	    "'GetConfigData: fault ServerBusy' AND full_resync = 1 AND "
	    "note IS NULL"), 1);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sync_history "
	    "WHERE id = 5 AND result = 0 AND phase = 'content' AND "
	    "error IS NULL"), 1);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM rollup_runs"), 2);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM rollup_runs "
	    "WHERE (id = 3 AND start = 50 AND end = 60 AND result = 1 AND "
	    "trigger = 1 AND servers = 2 AND computers = 40 AND error IS "
	    "NULL) OR (id = 6 AND start = 70 AND end = 80 AND result = 2 "
	    "AND trigger = 0 AND servers = 0 AND computers = 0 AND "
	    "error = 'x')"), 2);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sqlite_master "
	    "WHERE name LIKE '%\\_10' ESCAPE '\\'"), 0);
	/* the running row 5 is closed by the next begin, which takes
	 * trigger 2 now; ids go on after the kept rows */
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_DOWNLOADFILES,
	    0, 300, &id), STORE_OK);
	assert_int_equal(id, 6);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_sync_run_list(st, 0, collect, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.r[0].trigger, SYNC_TRIGGER_DOWNLOADFILES);
	assert_int_equal(l.r[1].result, SYNC_RESULT_FAILED);
	assert_int_equal(l.r[2].full_resync, true);
	memset(&rr, 0, sizeof(rr));
	rr.start = 90;
	rr.end = 95;
	rr.result = SYNC_RESULT_OK;
	assert_int_equal(store_rollup_run_add(st, &rr), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT max(id) FROM rollup_runs"), 7);
	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_abandon),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_rollups),
		cmocka_unit_test(test_downloadfiles_note),
		cmocka_unit_test(test_migration_10),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
