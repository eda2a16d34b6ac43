/*
 * e2e_sync_rollup.c — test_e2e_sync's rollup against the fake upstream's
 * reporting service (e2e_sync_fake.c): RollupDownstreamServers split at
 * the upstream's batch limit with the descendants' install activity
 * (deltas, kept until taken), and the RollupComputers answers NewParent
 * and Deleted (wsusss.md §11 steps 2 and 4).  Rollup against real
 * wsusd upstreams: test_e2e_sync.c (test_rollup), e2e_sync_tiers.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "e2e_sync_test.h"
#include "store/store.h"
#include "util/buf.h"
#include "wusp_harness.h"

/* ---- RollupDownstreamServers split at the upstream's batch limit ---- */

#define SPLIT_A	"3c5e7a9b-1d2f-4a6c-8e0b-2d4f6a8c0e1a"	/* child of us */
#define SPLIT_B	"4d6f8b0c-2e3a-4b7d-9f1c-3e5a7b9d1f2b"	/* child of A */

/* Install activity rolled up to d by A (success, failure of DEFENDER). */
static struct store_rollup_activity split_act = { DEFENDER, 200, 3, 1 };

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

/* The activity of server id that d has not passed on. */
static void
acts_of(struct dss *d, const char *id, struct acts *l)
{
	struct store *st = open_store(&d->srv);

	memset(l, 0, sizeof(*l));
	assert_int_equal(store_rollup_activity(st, id, act_cb, l), STORE_OK);
	store_close(st);
}

/* A descendant with n client summaries (builds 100, 101, ...). */
static void
split_desc(struct store_rollup_server *e, struct store_rollup_client_summary
    *cs, size_t n, const char *id, const char *parent, const char *name)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	snprintf(e->server_id, sizeof(e->server_id), "%s", id);
	snprintf(e->parent_id, sizeof(e->parent_id), "%s", parent);
	e->name = name;
	e->version = "10.0.17763.1";
	e->last_sync = 1700000000;
	e->last_rollup = 1700000100;
	for (i = 0; i < n; i++) {
		memset(&cs[i], 0, sizeof(cs[i]));
		cs[i].os_major = 10;
		cs[i].os_build = 100 + (int32_t)i;
		cs[i].os_locale = "en-US";
		cs[i].processor_arch = "AMD64";
		cs[i].count = 1;
	}
	e->clients = cs;
	e->nclients = n;
}

/* How often needle occurs in hay. */
static int
occurs(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * wsusss.md §11 step 2: an upstream taking 2 client summaries per
 * RollupDownstreamServers gets ourselves (3 kinds of computer), A (2)
 * and B under A (1) in three requests, parents first, ourselves split
 * over the first two (the same LastRollupTime: the upstream adds the
 * parts up) and A over the last two; never more than 2 summaries or 2
 * entries in one request, and every summary sent exactly once.  A's
 * install activity (deltas) goes once, with its first summary, and is
 * dropped only once the upstream took it: after a refused rollup it is
 * still there, with what A rolled up since added.
 */
void
test_rollup_split(void **state)
{
	static const char *const pcs[] = {
		"0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
		"1f2a3b4c-5d6e-4f7a-8b8c-0d1e2f3a4b5c",
		"2a3b4c5d-6e7f-4a8b-9c9d-1e2f3a4b5c6d",
	};
	struct dss d;
	struct buf out;
	struct store *st;
	struct store_computer_info ci;
	struct store_register_result rr;
	struct store_rollup_server es[2];
	struct store_rollup_client_summary ca[2], cb[1];
	struct acts al;
	int calls, ccalls;
	char rec[256], path[512], self[GUID_STRLEN + 1], *req[3], *p;
	const char *base;
	size_t len, i;
	int64_t now = (int64_t)time(NULL);
	int n;

	(void)state;
	if (dss_setup(&d, "1.20", "dss.split.invalid") != 0)
		fail_msg("dss_setup");
	st = open_store(&d.srv);
	for (i = 0; i < 3; i++) {
		memset(&ci, 0, sizeof(ci));
		ci.dns_name = "pc.split.invalid";
		ci.os_major = 10;
		ci.os_build = 22000 + (int32_t)i;
		ci.os_locale = "en-US";
		ci.processor_arch = "AMD64";
		assert_int_equal(store_computer_register(st, pcs[i], &ci, now,
		    &rr), STORE_OK);
	}
	split_desc(&es[0], ca, 2, SPLIT_A, "", "a.split.invalid");
	split_desc(&es[1], cb, 1, SPLIT_B, SPLIT_A, "b.split.invalid");
	ca[0].activity = &split_act;
	ca[0].nactivity = 1;
	assert_int_equal(store_rollup_servers(st, es, 2, now), STORE_OK);
	store_close(st);
	acts_of(&d, SPLIT_A, &al);
	assert_int_equal(al.n, 1);
	assert_int_equal(al.v[0].success, 3);

	fake_rollup_start(FAKE_RUP_SPLIT);
	buf_init(&out, 8u << 20);
	snprintf(rec, sizeof(rec), "%s/split", d.srv.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	if (tl_ctl(&d.srv, &out, "sync", "--upstream", upurl_fake(),
	    "--protocol", "1.20", "--record", rec, (char *)NULL) != 0)
		fail_msg("sync: %s", out.data ? out.data : "");
	fake_rollup_stop(&calls, &ccalls);
	assert_int_equal(calls, 3);

	n = 0;
	for (i = 1; i < 200 && n < 4; i++) {
		snprintf(path, sizeof(path), "%s/%03zu-RollupDownstreamServers"
		    ".request.xml", rec, i);
		if ((p = read_file_all(path, 1 << 24, &len)) == NULL)
			continue;
		assert_true(n < 3);
		req[n++] = p;
	}
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(occurs(req[i],
		    "<DownstreamServerRollupClientSummary>"), 2);
		assert_true(occurs(req[i], "<DownstreamServerRollupInfo>") <= 2);
	}
	/* 1: ourselves, summaries 1-2 of 3 */
	assert_int_equal(occurs(req[0], "<DownstreamServerRollupInfo>"), 1);
	assert_non_null(p = strstr(req[0], "<ServerId>"));
	snprintf(self, sizeof(self), "%.36s", p + strlen("<ServerId>"));
	assert_non_null(strstr(req[0], "<ParentServerId>"
	    "00000000-0000-0000-0000-000000000000</ParentServerId>"));
	assert_non_null(strstr(req[0], "<OSBuildNumber>22000<"));
	assert_non_null(strstr(req[0], "<OSBuildNumber>22001<"));
	assert_non_null(base = strstr(req[0], "<LastRollupTime>"));
	/* 2: ourselves again (summary 3, the same LastRollupTime), then
	 * A with its first summary */
	assert_int_equal(occurs(req[1], "<DownstreamServerRollupInfo>"), 2);
	assert_non_null(p = strstr(req[1], "<ServerId>"));
	assert_memory_equal(p + strlen("<ServerId>"), self, GUID_STRLEN);
	assert_non_null(p = strstr(req[1], "<LastRollupTime>"));
	assert_memory_equal(p, base, strlen("<LastRollupTime>") + 19);
	assert_non_null(strstr(req[1], "<OSBuildNumber>22002<"));
	assert_non_null(p = strstr(req[1], "<ServerId>" SPLIT_A "</ServerId>"));
	assert_non_null(strstr(p, "<ParentServerId>"));
	assert_memory_equal(strstr(p, "<ParentServerId>") +
	    strlen("<ParentServerId>"), self, GUID_STRLEN);
	assert_non_null(strstr(p, "<OSBuildNumber>100<"));
	assert_non_null(strstr(p, "<ActivitySummaries>"
	    "<DownstreamServerRollupClientActivitySummary><UpdateId>" DEFENDER
	    "</UpdateId><RevisionNumber>200</RevisionNumber>"
	    "<InstallSuccessCount>3</InstallSuccessCount><InstallFailureCount>"
	    "1</InstallFailureCount></DownstreamServerRollupClientActivitySummary>"
	    "</ActivitySummaries>"));
	/* (activity once, in no other entry) */
	assert_int_equal(occurs(req[0], "ActivitySummary>"), 0);
	assert_int_equal(occurs(req[1], "ActivitySummary>"), 2);
	assert_int_equal(occurs(req[2], "ActivitySummary>"), 0);
	/* 3: A with its second summary, then B under A */
	assert_int_equal(occurs(req[2], "<DownstreamServerRollupInfo>"), 2);
	assert_non_null(p = strstr(req[2], "<ServerId>" SPLIT_A "</ServerId>"));
	assert_non_null(strstr(p, "<OSBuildNumber>101<"));
	assert_non_null(p = strstr(req[2], "<ServerId>" SPLIT_B "</ServerId>"));
	assert_non_null(strstr(p, "<ParentServerId>" SPLIT_A
	    "</ParentServerId>"));
	assert_non_null(strstr(p, "<OSBuildNumber>100<"));
	assert_true(strstr(req[2], "<ServerId>" SPLIT_A) <
	    strstr(req[2], "<ServerId>" SPLIT_B));
	for (i = 0; i < 3; i++)
		free(req[i]);
	/* taken by the upstream: gone */
	acts_of(&d, SPLIT_A, &al);
	assert_int_equal(al.n, 0);

	/* A rolls up 2 more successes; our upstream refuses the rollup:
	 * the run fails and the 2 stay for the next one. */
	st = open_store(&d.srv);
	es[0].last_rollup += 100;
	split_act.success = 2;
	split_act.failure = 0;
	assert_int_equal(store_rollup_servers(st, es, 1, now), STORE_OK);
	store_close(st);
	fake_rollup_start(FAKE_RUP_REFUSE);
	assert_int_not_equal(tl_ctl(&d.srv, &out, "sync", "--upstream",
	    upurl_fake(), "--protocol", "1.20", (char *)NULL), 0);
	fake_rollup_stop(&calls, &ccalls);
	acts_of(&d, SPLIT_A, &al);
	assert_int_equal(al.n, 1);
	assert_string_equal(al.v[0].update_id, DEFENDER);
	assert_int_equal(al.v[0].success, 2);
	assert_int_equal(al.v[0].failure, 0);
	buf_free(&out);
	tl_wsusd_cleanup(&d.srv);
}

/* The computer cid in d's store: STORE_OK or STORE_NOTFOUND. */
static int
has_computer(struct dss *d, const char *cid)
{
	struct store *st = open_store(&d->srv);
	int64_t id = 0;
	int rc;

	rc = store_computer_find(st, cid, &id);
	store_close(st);
	return rc;
}

/*
 * wsusss.md §11 step 4: the upstream answers RollupComputers with
 * CHANGED_GONE Deleted and CHANGED_NEW NewParent.  CHANGED_NEW goes once
 * more, alone, with its details; CHANGED_GONE is deleted here and its
 * status not sent; CHANGED_SAME is untouched.
 */
void
test_rollup_changed(void **state)
{
	static const char *const pcs[] = {
		CHANGED_GONE, CHANGED_NEW, CHANGED_SAME,
	};
	struct dss d;
	struct buf out;
	struct store *st;
	struct store_computer_info ci;
	struct store_register_result rr;
	char rec[256], path[512], *req[3], *p;
	size_t len, i;
	int64_t now = (int64_t)time(NULL);
	int n, calls, ccalls;

	(void)state;
	if (dss_setup(&d, "1.20", "dss.changed.invalid") != 0)
		fail_msg("dss_setup");
	st = open_store(&d.srv);
	for (i = 0; i < 3; i++) {
		memset(&ci, 0, sizeof(ci));
		ci.dns_name = "pc.changed.invalid";
		ci.os_major = 10;
		ci.os_build = 22631;
		ci.os_locale = "en-US";
		ci.processor_arch = "AMD64";
		assert_int_equal(store_computer_register(st, pcs[i], &ci, now,
		    &rr), STORE_OK);
	}
	store_close(st);

	fake_rollup_start(FAKE_RUP_DETAILED);
	buf_init(&out, 8u << 20);
	snprintf(rec, sizeof(rec), "%s/changed", d.srv.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	if (tl_ctl(&d.srv, &out, "sync", "--upstream", upurl_fake(),
	    "--protocol", "1.20", "--record", rec, (char *)NULL) != 0)
		fail_msg("sync: %s", out.data ? out.data : "");
	fake_rollup_stop(&calls, &ccalls);
	assert_int_equal(ccalls, 2);

	n = 0;
	for (i = 1; i < 200 && n < 3; i++) {
		snprintf(path, sizeof(path), "%s/%03zu-RollupComputers"
		    ".request.xml", rec, i);
		if ((p = read_file_all(path, 1 << 24, &len)) == NULL)
			continue;
		req[n++] = p;
	}
	assert_int_equal(n, 2);
	assert_int_equal(occurs(req[0], "<ComputerRollupInfo "), 3);
	/* the NewParent one again, alone, with its details */
	assert_int_equal(occurs(req[1], "<ComputerRollupInfo "), 1);
	assert_non_null(p = strstr(req[1], "<ComputerRollupInfo ComputerId=\""
	    CHANGED_NEW "\""));
	assert_non_null(strstr(p, "<Details "));
	free(req[0]);
	free(req[1]);
	/* the Deleted one: gone here, no status sent for it */
	assert_int_equal(has_computer(&d, CHANGED_GONE), STORE_NOTFOUND);
	assert_int_equal(has_computer(&d, CHANGED_NEW), STORE_OK);
	assert_int_equal(has_computer(&d, CHANGED_SAME), STORE_OK);
	recorded(rec, "RollupComputerStatus", path, sizeof(path));
	assert_non_null(p = read_file_all(path, 1 << 24, &len));
	assert_null(strstr(p, CHANGED_GONE));
	assert_non_null(strstr(p, CHANGED_NEW));
	assert_non_null(strstr(p, CHANGED_SAME));
	free(p);
	buf_free(&out);
	tl_wsusd_cleanup(&d.srv);
}
