/*
 * e2e_sync_tiers.c — test_e2e_sync's three-tier rollup: a site (a
 * downstream store, `wsusctl sync`) below a second real wsusd (the
 * middle tier) below the group's upstream wsusd.  The site rolls its
 * computer and its update state up to the middle tier; the middle tier's
 * own rollup passes them on, so the top knows the site (under the middle
 * tier), its computer and the computer's state (wsusss.md §11: "one
 * per client (own and descendants')").  The fixture and helpers:
 * test_e2e_sync.c.
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

#define SITE_PC		"5b1c9e0a-7d42-4f6e-9a3b-2c8d1e0f4a67"

/* The server id an installation announces (sync_state.account). */
static void
account_of(struct tl_wsusd *s, char out[GUID_STRLEN + 1])
{
	struct store *st = open_store(s);
	struct store_sync_state ss;

	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	assert_non_null(ss.account);
	snprintf(out, GUID_STRLEN + 1, "%s", ss.account);
	store_sync_state_free(&ss);
	store_close(st);
}

struct found {
	const char	*want;
	struct store_downstream d;
	char		 name[128];
	int		 n;
};

static int
ds_cb(const struct store_downstream *d, void *arg)
{
	struct found *f = arg;

	if (strcmp(d->server_id, f->want) != 0)
		return 0;
	f->d = *d;
	snprintf(f->name, sizeof(f->name), "%s", d->name);
	f->n++;
	return 0;
}

struct pcs {
	struct store_rollup_computer c;
	char	 dns[128];
	int	 n;
};

static int
pc_cb(const struct store_rollup_computer *c, void *arg)
{
	struct pcs *p = arg;

	if (strcmp(c->computer_id, SITE_PC) != 0)
		return 0;
	p->c = *c;
	snprintf(p->dns, sizeof(p->dns), "%s", c->dns_name);
	p->n++;
	return 0;
}

/* wsusctl --json sync from -> url as name (rec: --record DIR or
 * NULL); its output in out. */
static void
sync_rec(struct tl_wsusd *from, const char *url, const char *name,
    const char *rec, struct buf *out)
{
	int rc;

	buf_reset(out);
	rc = tl_ctl(from, out, "--json", "sync", "--upstream", url, "--name",
	    name, rec ? "--record" : NULL, rec, (char *)NULL);
	if (rc != 0)
		fail_msg("sync of %s to %s: exit %d\n%s", name, url, rc,
		    out->data ? out->data : "");
}

static void
sync_to(struct tl_wsusd *from, const char *url, const char *name)
{
	struct buf out;

	buf_init(&out, 8u << 20);
	sync_rec(from, url, name, NULL, &out);
	buf_free(&out);
}

/* The one recorded request of op in dir (NNN-op.request.xml). */
static char *
recorded_req(const char *dir, const char *op)
{
	char p[512], *data;
	size_t len;
	int i;

	for (i = 1; i < 200; i++) {
		snprintf(p, sizeof(p), "%s/%03d-%s.request.xml", dir, i, op);
		if ((data = read_file_all(p, 1 << 24, &len)) != NULL)
			return data;
	}
	fail_msg("no %s request in %s", op, dir);
	return NULL;
}

/* A client report of the site's computer: DEFENDER in state at t. */
static void
site_report(struct dss *site, const char *instance, int32_t event_id,
    enum update_state state, int64_t t)
{
	struct store *st = open_store(&site->srv);
	struct store_event ev;
	struct store_status_op op;
	struct store_event_batch b;
	struct store_batch_result br;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.instance_id, sizeof(ev.instance_id), "%s", instance);
	ev.event_id = event_id;
	ev.namespace_id = 1;
	ev.source_id = 101;
	ev.time_at_target = t;
	snprintf(ev.update_id, sizeof(ev.update_id), "%s", DEFENDER);
	ev.revision = 200;
	memset(&op, 0, sizeof(op));
	snprintf(op.update_id, sizeof(op.update_id), "%s", DEFENDER);
	op.revision = 200;
	op.state = state;
	memset(&b, 0, sizeof(b));
	b.events = &ev;
	b.nevents = 1;
	b.ops = &op;
	b.nops = 1;
	assert_int_equal(store_event_batch(st, SITE_PC, &b, t + 1, &br),
	    STORE_OK);
	assert_int_equal(br.changes, 1);
	store_close(st);
}

void
test_three_tiers(void **state)
{
	struct tl_wsusd mid;
	struct dss site;
	struct store *st;
	struct store_computer_info ci;
	struct store_register_result rr;
	struct found f;
	struct buf out;
	char rec[256], *req;
	int64_t site_clients_at_mid;
	struct pcs p;
	char midurl[64], midid[GUID_STRLEN + 1], siteid[GUID_STRLEN + 1];
	int64_t now = (int64_t)time(NULL);

	(void)state;
	/* The middle tier: a real wsusd with the same documents. */
	if (wh_setup(&mid, NULL) != 0 || tl_wsusd_start(&mid) != 0)
		fail_msg("middle tier");
	snprintf(midurl, sizeof(midurl), "http://127.0.0.1:%u", mid.port);
	if (dss_setup(&site, "1.20", "site3.tier3.invalid") != 0)
		fail_msg("dss_setup");

	/* The site: a computer, the metadata from the middle tier, then
	 * the computer's state of KB2267602 (installed). */
	st = open_store(&site.srv);
	memset(&ci, 0, sizeof(ci));
	ci.dns_name = "pc3.tier3.invalid";
	ci.os_major = 10;
	ci.os_build = 22631;
	ci.os_locale = "de-DE";
	ci.processor_arch = "AMD64";
	assert_int_equal(store_computer_register(st, SITE_PC, &ci, now, &rr),
	    STORE_OK);
	store_close(st);
	sync_to(&site.srv, midurl, site.name);
	/* (install success, an hour old: older than the first rollup) */
	site_report(&site, "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4", 183,
	    UPDATE_STATE_INSTALLED, now - 3600);
	sync_to(&site.srv, midurl, site.name);
	account_of(&site.srv, siteid);

	/* The middle tier has the site, its computer and the state. */
	st = open_store(&mid);
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_rollup_computer_list(st, NULL, pc_cb, &p),
	    STORE_OK);
	store_close(st);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.c.site_id, siteid);
	assert_int_equal(p.c.counts[UPDATE_STATE_INSTALLED], 1);

	/* (the site's client summaries at the middle tier) */
	st = open_store(&mid);
	memset(&f, 0, sizeof(f));
	f.want = siteid;
	assert_int_equal(store_downstream_list(st, ds_cb, &f), STORE_OK);
	store_close(st);
	assert_int_equal(f.n, 1);
	site_clients_at_mid = f.d.client_summaries;

	/* The middle tier rolls up to the top. */
	sync_to(&mid, upurl_of_up(), "mid.tier2.invalid");
	account_of(&mid, midid);

	/* The top knows the middle tier as its direct child ... */
	st = open_store(&up);
	memset(&f, 0, sizeof(f));
	f.want = midid;
	assert_int_equal(store_downstream_list(st, ds_cb, &f), STORE_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.d.parent_id, "");
	assert_int_equal(f.d.depth, 1);
	assert_string_equal(f.name, "mid.tier2.invalid");
	/* ... the site below it, with its summary (1 computer) ... */
	memset(&f, 0, sizeof(f));
	f.want = siteid;
	assert_int_equal(store_downstream_list(st, ds_cb, &f), STORE_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.d.parent_id, midid);
	assert_int_equal(f.d.depth, 2);
	assert_string_equal(f.name, "site3.tier3.invalid");
	assert_true(f.d.has_summary);
	assert_int_equal(f.d.summary[14], 1);	/* ComputerTargetCount */
	/* its client summaries as the middle tier holds them (one per
	 * rollup of the site that the middle tier counted as one) */
	assert_true(f.d.client_summaries >= 1);
	assert_int_equal(f.d.client_summaries, site_clients_at_mid);
	/* ... and the site's computer, owned by the site, with its state. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_rollup_computer_list(st, NULL, pc_cb, &p),
	    STORE_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.c.site_id, siteid);
	assert_string_equal(p.dns, "pc3.tier3.invalid");
	assert_int_equal(p.c.counts[UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(p.c.counts[UPDATE_STATE_FAILED], 0);
	/* under the middle tier's branch too */
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_rollup_computer_list(st, midid, pc_cb, &p),
	    STORE_OK);
	assert_int_equal(p.n, 1);
	store_close(st);

	/* A second rollup of the middle tier changes nothing there. */
	sync_to(&mid, upurl_of_up(), "mid.tier2.invalid");
	st = open_store(&up);
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_rollup_computer_list(st, NULL, pc_cb, &p),
	    STORE_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.c.counts[UPDATE_STATE_INSTALLED], 1);
	store_close(st);

	/* Incremental status rollup (wsusss.md §11 steps 5-6): nothing
	 * changed at the site, so its next rollup asks
	 * GetOutOfSyncComputers and sends the computer with no state and
	 * IsFullRollup false; the middle tier keeps the state. */
	buf_init(&out, 8u << 20);
	snprintf(rec, sizeof(rec), "%s/inc1", site.srv.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	sync_rec(&site.srv, midurl, site.name, rec, &out);
	assert_non_null(strstr(out.data, "\"status_full\": 0"));
	assert_non_null(strstr(out.data, "\"status_changed\": 0"));
	req = recorded_req(rec, "GetOutOfSyncComputers");
	assert_non_null(strstr(req, "<ComputerLastRollupNumber><ComputerId>"
	    SITE_PC "</ComputerId><RollupNumber>2</RollupNumber>"));
	free(req);
	req = recorded_req(rec, "RollupComputerStatus");
	assert_non_null(strstr(req, "<ComputerId>" SITE_PC "</ComputerId>"));
	assert_non_null(strstr(req, "<RollupNumber>3</RollupNumber>"
	    "<IsFullRollup>false</IsFullRollup><UpdateStatus />"));
	free(req);
	st = open_store(&mid);
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_rollup_computer_list(st, NULL, pc_cb, &p),
	    STORE_OK);
	store_close(st);
	assert_int_equal(p.c.counts[UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(p.c.rollup_number, 3);
	/* A changed state (the install failed, reported later): only that
	 * state goes, in a delta, and the middle tier has it. */
	site_report(&site, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 182,
	    UPDATE_STATE_FAILED, now - 1800);
	snprintf(rec, sizeof(rec), "%s/inc2", site.srv.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	sync_rec(&site.srv, midurl, site.name, rec, &out);
	assert_non_null(strstr(out.data, "\"status_full\": 0"));
	assert_non_null(strstr(out.data, "\"status_changed\": 1"));
	req = recorded_req(rec, "RollupComputerStatus");
	assert_non_null(strstr(req, "<IsFullRollup>false</IsFullRollup>"
	    "<UpdateStatus><ComputerStatusRollupUpdateStatus><UpdateId>"
	    DEFENDER "</UpdateId><SummarizationState>5</SummarizationState>"));
	free(req);
	st = open_store(&mid);
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_rollup_computer_list(st, NULL, pc_cb, &p),
	    STORE_OK);
	store_close(st);
	assert_int_equal(p.c.counts[UPDATE_STATE_INSTALLED], 0);
	assert_int_equal(p.c.counts[UPDATE_STATE_FAILED], 1);
	/* The upstream asks for everything (a new RollupResetGuid): the
	 * next rollup is full again. */
	st = open_store(&mid);
	assert_int_equal(store_setting_set(st, SETTING_ROLLUP_RESET,
	    "11111111-2222-4333-8444-555555555555"), STORE_OK);
	store_close(st);
	sync_rec(&site.srv, midurl, site.name, NULL, &out);
	assert_non_null(strstr(out.data, "\"status_full\": 1"));
	assert_non_null(strstr(out.data, "\"status_changed\": 0"));
	buf_free(&out);

	tl_wsusd_cleanup(&site.srv);
	tl_wsusd_cleanup(&mid);
}
