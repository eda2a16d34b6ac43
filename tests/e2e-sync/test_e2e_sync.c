/*
 * test_e2e_sync.c — wsusd as upstream, `wsusctl sync` as two downstream
 * servers (protocol 1.8 = WSUS 3.0 SP2 and 1.20 = WSUS 10): full and
 * incremental metadata sync, replica deployments (approve, unapprove,
 * decline upstream; the upstream's group GUIDs; local changes refused on
 * the replica unless --force; a replica sync SIGKILLed during its
 * approvals — wsusctl_killhook, kill_hook.c — leaves nothing and the
 * next one converges), rollup, the shape of every request against the
 * spec's sample requests and the captured ones, schema validation of the
 * requests (e2e_sync_shapes.c), and bad upstreams (a fake upstream:
 * e2e_sync_fake.c; what the files share: e2e_sync_test.h).
 *
 * Program: test_e2e_sync WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR, with
 * WSUSCTL_KILLHOOK (environment) the path of wsusctl_killhook.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "e2e_sync_test.h"
#include "wusp_harness.h"
#include "soap/soap_request.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fsutil.h"

struct tl_wsusd up;
struct dss d18, d120;
static char upurl[64];
static uint16_t tls_port;

char *
read_file_all(const char *path, size_t max, size_t *len)
{
	char *out = NULL;

	if (read_file(path, max, &out, len) != 0)
		return NULL;
	return out;
}

int
dss_setup(struct dss *d, const char *proto, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->proto = proto;
	snprintf(d->name, sizeof(d->name), "%s", name);
	/* a temporary store; its listener is never started */
	if (tl_store_setup(&d->srv, "dss", "\n[listener plain]\n"
	    "address = 127.0.0.1\nport = 8530\n") != 0)
		return -1;
	snprintf(d->rec, sizeof(d->rec), "%s/rec", d->srv.dir);
	if (mkdir(d->rec, 0755) != 0)
		return -1;
	return 0;
}

/*
 * wsusctl --json sync ... with up to four extra arguments (NULL ends
 * them).  Returns the parsed JSON result (or NULL) and *status.
 */
static json_t *
run_sync(struct dss *d, int *status, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	struct buf out;
	json_t *j = NULL;
	const char *p;

	buf_init(&out, 8u << 20);
	*status = tl_ctl(&d->srv, &out, "--json", "sync", "--upstream", upurl,
	    "--protocol", d->proto, "--name", d->name, a1, a2, a3, a4,
	    (char *)NULL);
	if (out.data != NULL && (p = strstr(out.data, "{\n  \"upstream\"")) != NULL)
		j = json_loads(p, JSON_DISABLE_EOF_CHECK, NULL);
	if (j == NULL || *status != 0)
		fprintf(stderr, "sync %s (exit %d):\n%s\n", d->proto, *status,
		    out.data ? out.data : "");
	buf_free(&out);
	return j;
}

static long long
jint(json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);

	if (!json_is_integer(v))
		fail_msg("no integer %s in the sync result", k);
	return json_integer_value(v);
}

struct store *
open_store(struct tl_wsusd *s)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", s->db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	return st;
}

size_t
revisions(struct tl_wsusd *s)
{
	struct store *st = open_store(s);
	size_t revs = 0, upds = 0;

	assert_int_equal(store_update_count(st, &revs, &upds), STORE_OK);
	store_close(st);
	return revs;
}

static char *
document(struct tl_wsusd *s, const char *uid, int32_t rev, size_t *len)
{
	struct store *st = open_store(s);
	int64_t rid;
	char *xml = NULL;

	assert_int_equal(store_revision_lookup(st, uid, rev, &rid), STORE_OK);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_DOCUMENT, NULL,
	    &xml, len), STORE_OK);
	store_close(st);
	return xml;
}

const char *
upurl_of_up(void)
{
	return upurl;
}

static int
group_setup(void **state)
{
	char extra[256];

	(void)state;
	tls_port = tl_free_port();
	snprintf(extra, sizeof(extra), "\n[listener tls]\naddress = 127.0.0.1\n"
	    "port = %u\ntls = yes\n", tls_port);
	if (wh_setup(&up, extra) != 0 || tl_wsusd_start(&up) != 0)
		return -1;
	snprintf(upurl, sizeof(upurl), "http://127.0.0.1:%u", up.port);
	if (dss_setup(&d18, "1.8", "dss18.site-a.invalid") != 0 ||
	    dss_setup(&d120, "1.20", "dss120.site-b.invalid") != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tl_wsusd_cleanup(&up);
	tl_wsusd_cleanup(&d18.srv);
	tl_wsusd_cleanup(&d120.srv);
	return 0;
}

/* ---- full and incremental metadata sync ---- */

static void
full_sync(struct dss *d)
{
	json_t *j;
	int st;
	size_t uplen = 0, dlen = 0;
	char *a, *b;

	j = run_sync(d, &st, "--record", d->rec, NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "protocol")),
	    d->proto);
	assert_true(jint(j, "category_revisions") >= 3);
	assert_true(jint(j, "update_revisions") >= 6);
	assert_int_equal(jint(j, "failed"), 0);
	assert_int_equal((size_t)jint(j, "created"), revisions(&up));
	assert_int_equal(revisions(&d->srv), revisions(&up));
	json_decref(j);
	/* The same document bytes on both sides (compressed blob on the
	 * wire for the large one). */
	a = document(&up, DEFENDER, 200, &uplen);
	b = document(&d->srv, DEFENDER, 200, &dlen);
	assert_int_equal(uplen, dlen);
	assert_memory_equal(a, b, uplen);
	free(a);
	free(b);
}

static void
test_full_sync_1_8(void **state)
{
	(void)state;
	full_sync(&d18);
}

static void
test_full_sync_1_20(void **state)
{
	(void)state;
	full_sync(&d120);
}

static void
nothing_new(struct dss *d)
{
	json_t *j;
	int st;

	j = run_sync(d, &st, "--no-rollup", NULL, NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(j);
	assert_int_equal(jint(j, "fetched"), 0);
	assert_int_equal(jint(j, "created"), 0);
	json_decref(j);
}

static void
test_incremental(void **state)
{
	char *doc, *p, path[256];
	size_t len;
	struct buf out;
	int rc;
	struct dss *ds[2] = { &d18, &d120 };
	size_t i;
	json_t *j;
	int st;

	(void)state;
	nothing_new(&d18);
	nothing_new(&d120);

	/* A new revision (201) of the Defender update, upstream only. */
	doc = wh_fixture(DOCS "/" DEFENDER "-r200.xml", &len);
	p = strstr(doc, "UpdateID=\"" DEFENDER "\" RevisionNumber=\"200\"");
	assert_non_null(p);
	p = strstr(p, "\"200\"");
	p[3] = '1';
	snprintf(path, sizeof(path), "%s/" DEFENDER "-r201.xml", up.dir);
	assert_int_equal(write_file_atomic(path, doc, len, 0644), 0);
	free(doc);
	buf_init(&out, 1 << 20);
	rc = tl_ctl(&up, &out, "-q", "import-updates", path, (char *)NULL);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data ? out.data : "");
	assert_int_equal(rc, 0);
	buf_free(&out);

	for (i = 0; i < 2; i++) {
		struct store *s;
		int64_t rid;

		j = run_sync(ds[i], &st, "--no-rollup", NULL, NULL, NULL);
		assert_int_equal(st, 0);
		assert_non_null(j);
		assert_int_equal(jint(j, "fetched"), 1);
		assert_int_equal(jint(j, "created"), 1);
		json_decref(j);
		s = open_store(&ds[i]->srv);
		assert_int_equal(store_revision_lookup(s, DEFENDER, 201, &rid),
		    STORE_OK);
		store_close(s);
		assert_int_equal(revisions(&ds[i]->srv), revisions(&up));
		nothing_new(ds[i]);
	}
}

/* ---- replica: groups, approvals, declines ---- */

struct appr_ctx {
	size_t	 n;
	int	 action;
};

static int
appr_cb(const struct store_approval *a, void *arg)
{
	struct appr_ctx *c = arg;

	c->n++;
	c->action = (int)a->action;
	return 0;
}

static size_t
approvals_in(struct tl_wsusd *s, const char *uid, const char *group)
{
	struct store *st = open_store(s);
	struct appr_ctx c = { 0, -1 };
	int64_t gid = 0;

	if (store_group_find(st, group, &gid) != STORE_OK) {
		store_close(st);
		return (size_t)-1;	/* no such group */
	}
	assert_int_equal(store_approval_list(st, uid, gid, appr_cb, &c),
	    STORE_OK);
	store_close(st);
	return c.n;
}

struct decl_ctx {
	bool	 declined;
};

static int
decl_cb(const struct store_update_row *u, void *arg)
{
	((struct decl_ctx *)arg)->declined = u->declined;
	return 0;
}

static bool
declined(struct tl_wsusd *s, const char *uid)
{
	struct store *st = open_store(s);
	struct store_update_filter f;
	struct decl_ctx c = { false };

	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.update_id = uid;
	assert_int_equal(store_update_list(st, &f, decl_cb, &c), STORE_OK);
	store_close(st);
	return c.declined;
}

static void
ctl_ok(struct tl_wsusd *s, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	struct buf out;
	int rc;

	buf_init(&out, 1 << 20);
	rc = tl_ctl(s, &out, "-q", a1, a2, a3, a4, (char *)NULL);
	if (rc != 0)
		fprintf(stderr, "wsusctl %s %s: %s\n", a1, a2,
		    out.data ? out.data : "");
	buf_free(&out);
	assert_int_equal(rc, 0);
}

/* Every group as "guid name\n", in group_list order. */
static int
group_line_cb(const struct store_group *g, void *arg)
{
	buf_printf(arg, "%s %s\n", g->guid, g->name);
	return 0;
}

static char *
group_lines(struct tl_wsusd *s)
{
	struct store *st = open_store(s);
	struct buf b;
	char *out;

	buf_init(&b, 1 << 20);
	assert_int_equal(store_group_list(st, group_line_cb, &b), STORE_OK);
	store_close(st);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	out = strdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
}

/* wsusctl on a replica: exit 1 and a message naming the upstream
 * (refused), or exit 0 with --force. */
static void
ctl_refused(struct tl_wsusd *s, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	struct buf out;
	char want[300];

	buf_init(&out, 1 << 20);
	assert_int_equal(tl_ctl(s, &out, a1, a2, a3, a4, (char *)NULL), 1);
	snprintf(want, sizeof(want), "refused: this server is a replica of %s;",
	    upurl);
	if (out.data == NULL || strstr(out.data, want) == NULL)
		fail_msg("wsusctl %s %s: no \"%s\" in: %s", a1, a2, want,
		    out.data ? out.data : "");
	buf_free(&out);
}

static void
replica_sync(struct dss *d, long long groups)
{
	json_t *j;
	int st;

	j = run_sync(d, &st, "--replica", "--no-rollup", NULL, NULL);
	assert_int_equal(st, 0);
	assert_non_null(j);
	assert_int_equal(jint(j, "groups"), groups);
	json_decref(j);
}

static void
test_replica(void **state)
{
	struct dss *ds[2] = { &d18, &d120 };
	size_t i;

	(void)state;
	ctl_ok(&up, "groups", "create", "Site East", NULL);
	ctl_ok(&up, "approve", DEFENDER, "--group", "Site East");
	ctl_ok(&up, "decline", ENGINE, NULL, NULL);
	for (i = 0; i < 2; i++) {
		/* Not there before the replica sync. */
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Site East"),
		    (size_t)-1);
		replica_sync(ds[i], 3);
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Site East"), 1);
		assert_true(declined(&ds[i]->srv, ENGINE));
		assert_false(declined(&ds[i]->srv, DEFENDER));
		/* The upstream's groups, GUIDs included. */
		{
			char *a = group_lines(&up), *b = group_lines(&ds[i]->srv);

			assert_string_equal(b, a);
			free(a);
			free(b);
		}
		/* Local changes refused, nothing changed; --force does. */
		ctl_refused(&ds[i]->srv, "unapprove", DEFENDER, "--group",
		    "Site East");
		ctl_refused(&ds[i]->srv, "approve", ENGINE, "--group",
		    "Site East");
		ctl_refused(&ds[i]->srv, "decline", DEFENDER, NULL, NULL);
		ctl_refused(&ds[i]->srv, "groups", "create", "Local", NULL);
		ctl_refused(&ds[i]->srv, "groups", "rename", "Site East", "X");
		ctl_refused(&ds[i]->srv, "groups", "delete", "Site East", NULL);
		ctl_refused(&ds[i]->srv, "groups", "move", "Site East",
		    "--parent=Unassigned Computers");
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Site East"), 1);
		assert_int_equal(approvals_in(&ds[i]->srv, ENGINE, "Site East"), 0);
		assert_false(declined(&ds[i]->srv, DEFENDER));
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Local"),
		    (size_t)-1);
		ctl_ok(&ds[i]->srv, "groups", "create", "Local", "--force");
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Local"), 0);
	}
	/* Unapprove and undecline upstream: both disappear downstream. */
	ctl_ok(&up, "unapprove", DEFENDER, "--group", "Site East");
	ctl_ok(&up, "decline", ENGINE, "--undo", NULL);
	for (i = 0; i < 2; i++) {
		replica_sync(ds[i], 3);
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Site East"), 0);
		assert_false(declined(&ds[i]->srv, ENGINE));
	}
	/* A group removed upstream goes away downstream. */
	ctl_ok(&up, "groups", "delete", "Site East", NULL);
	for (i = 0; i < 2; i++) {
		replica_sync(ds[i], 2);
		assert_int_equal(approvals_in(&ds[i]->srv, DEFENDER, "Site East"),
		    (size_t)-1);
	}
}

/* ---- replica: SIGKILL during the approvals ---- */

/* wsusctl_killhook --json sync --replica, killed after the n-th approval
 * of the GetDeployments answer (the store transaction open). */
static void
sync_killed(struct dss *d, const char *n)
{
	const char *exe = getenv("WSUSCTL_KILLHOOK");
	char *argv[] = { NULL, (char *)"-c", d->srv.conf, (char *)"--json",
	    (char *)"sync", (char *)"--upstream", upurl, (char *)"--protocol",
	    (char *)d->proto, (char *)"--name", d->name, (char *)"--replica",
	    (char *)"--no-rollup", NULL };

	if (exe == NULL || *exe == '\0')
		fail_msg("WSUSCTL_KILLHOOK is not set (tests/e2e-sync/meson.build)");
	argv[0] = (char *)exe;
	assert_int_equal(setenv("WSUSD_TEST_KILL_AT_APPROVAL", n, 1), 0);
	assert_int_equal(tl_run(argv, NULL, NULL), 128 + 9);	/* SIGKILL */
	unsetenv("WSUSD_TEST_KILL_AT_APPROVAL");
}

/* The deployment anchor and replica mark of an installation. */
static void
replica_state(struct tl_wsusd *s, bool *anchor, bool *replica)
{
	struct store *st = open_store(s);
	struct store_sync_state ss;

	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	*anchor = ss.anchor[SYNC_PHASE_DEPLOYMENT] != NULL;
	*replica = ss.replica_of != NULL;
	store_sync_state_free(&ss);
	store_close(st);
}

static void
test_replica_killed(void **state)
{
	static const char *const grp[] = { "Kill A", "Kill B", "Kill C" };
	struct dss dk;
	bool anchor, replica;
	size_t i;

	(void)state;
	assert_int_equal(dss_setup(&dk, "1.20", "dssk.site-k.invalid"), 0);
	for (i = 0; i < 3; i++) {
		ctl_ok(&up, "groups", "create", grp[i], NULL);
		ctl_ok(&up, "approve", DEFENDER, "--group", grp[i]);
	}
	/* Killed after 2 of 3 approvals: nothing of the answer is there. */
	sync_killed(&dk, "2");
	for (i = 0; i < 3; i++)
		assert_int_equal(approvals_in(&dk.srv, DEFENDER, grp[i]),
		    (size_t)-1);
	replica_state(&dk.srv, &anchor, &replica);
	assert_false(anchor);
	assert_false(replica);
	/* The next sync converges to exactly the upstream's approvals. */
	replica_sync(&dk, 5);
	for (i = 0; i < 3; i++) {
		assert_int_equal(approvals_in(&dk.srv, DEFENDER, grp[i]), 1);
		assert_int_equal(approvals_in(&dk.srv, ENGINE, grp[i]), 0);
	}
	/* A change set killed half way: the previous state stays whole. */
	ctl_ok(&up, "unapprove", DEFENDER, "--group", "Kill A");
	ctl_ok(&up, "approve", ENGINE, "--group", "Kill B");
	ctl_ok(&up, "approve", ENGINE, "--group", "Kill C");
	sync_killed(&dk, "1");
	for (i = 0; i < 3; i++) {
		assert_int_equal(approvals_in(&dk.srv, DEFENDER, grp[i]), 1);
		assert_int_equal(approvals_in(&dk.srv, ENGINE, grp[i]), 0);
	}
	replica_sync(&dk, 5);
	assert_int_equal(approvals_in(&dk.srv, DEFENDER, "Kill A"), 0);
	assert_int_equal(approvals_in(&dk.srv, ENGINE, "Kill A"), 0);
	for (i = 1; i < 3; i++) {
		assert_int_equal(approvals_in(&dk.srv, DEFENDER, grp[i]), 1);
		assert_int_equal(approvals_in(&dk.srv, ENGINE, grp[i]), 1);
	}
	{
		char *a = group_lines(&up), *b = group_lines(&dk.srv);

		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	for (i = 0; i < 3; i++)
		ctl_ok(&up, "groups", "delete", grp[i], NULL);
	tl_wsusd_cleanup(&dk.srv);
}

/* ---- rollup ---- */

static void
test_rollup(void **state)
{
	struct store *st;
	struct store_computer_info ci;
	struct store_register_result rr;
	struct buf dump;
	json_t *j;
	int s;
	char rec[256];
	size_t i;
	static const char *const ops[] = {
		"GetRollupConfiguration", "RollupDownstreamServers",
		"RollupComputers", "RollupComputerStatus",
	};

	(void)state;
	/* A client computer of the 1.8 downstream. */
	st = open_store(&d18.srv);
	memset(&ci, 0, sizeof(ci));
	ci.dns_name = "pc1.site-a.invalid";
	ci.os_major = 10;
	ci.os_build = 19045;
	ci.os_locale = "en-US";
	ci.processor_arch = "AMD64";
	assert_int_equal(store_computer_register(st,
	    "0c5d6a1e-3b2f-4e9a-8d7c-1f2e3d4c5b6a", &ci, (int64_t)time(NULL),
	    &rr), STORE_OK);
	assert_int_equal(store_computer_contact(st,
	    "0c5d6a1e-3b2f-4e9a-8d7c-1f2e3d4c5b6a", "pc1.site-a.invalid",
	    "Servers;Site A", "192.0.2.10", (int64_t)time(NULL)), STORE_OK);
	store_close(st);
	snprintf(rec, sizeof(rec), "%s/rollup", d18.srv.dir);
	assert_int_equal(mkdir(rec, 0755), 0);

	j = run_sync(&d18, &s, "--record", rec, NULL, NULL);
	assert_int_equal(s, 0);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "rolled_up")));
	/* The upstream asks for detailed rollup by default. */
	assert_int_equal(jint(j, "computers_rolled_up"), 1);
	json_decref(j);
	/* A second rollup (rollup number 2) is accepted too. */
	j = run_sync(&d18, &s, NULL, NULL, NULL, NULL);
	assert_int_equal(s, 0);
	assert_non_null(j);
	assert_int_equal(jint(j, "computers_rolled_up"), 1);
	json_decref(j);
	j = run_sync(&d120, &s, NULL, NULL, NULL, NULL);
	assert_int_equal(s, 0);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "rolled_up")));
	json_decref(j);

	/* The upstream now knows both downstream servers. */
	buf_init(&dump, 64u << 20);
	wh_db_dump(&up, &dump);
	assert_non_null(dump.data);
	assert_non_null(strstr(dump.data, "dss18.site-a.invalid"));
	assert_non_null(strstr(dump.data, "dss120.site-b.invalid"));
	/* ... and the 1.8 site's computer, with its details. */
	assert_non_null(strstr(dump.data, "0c5d6a1e-3b2f-4e9a-8d7c-1f2e3d4c5b6a"));
	assert_non_null(strstr(dump.data, "pc1.site-a.invalid"));
	/* The rollup requests have the shape of the spec's sample 3 (a real
	 * WSUS 3.0 downstream) and validate against the WSDL schema. */
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char ours[512], theirs[512];

		recorded(rec, ops[i], ours, sizeof(ours));
		snprintf(theirs, sizeof(theirs),
		    "%s/soap/wsusss-rollup/sample3-%s.request.xml", wh_fixtures,
		    ops[i]);
		compare_shapes(ours, theirs);
		assert_valid_request(ours, "wusp-schema");
	}

	/* `wsusctl downstream list` on the upstream names both sites. */
	buf_reset(&dump);
	assert_int_equal(tl_ctl(&up, &dump, "downstream", "list", (char *)NULL), 0);
	assert_non_null(dump.data);
	assert_non_null(strstr(dump.data, "dss18.site-a.invalid"));
	assert_non_null(strstr(dump.data, "dss120.site-b.invalid"));
	buf_free(&dump);
}

/* ---- bad upstreams ---- */

static void
test_bad_upstream(void **state)
{
	struct dss bad;
	struct buf out;
	struct store *st;
	struct store_sync_state ss;
	char *before = NULL, *after = NULL;
	int rc;

	(void)state;
	bad = d120;
	/* Nothing listens there: exit 1. */
	st = open_store(&d120.srv);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	before = ss.anchor[SYNC_PHASE_UPDATE];
	ss.anchor[SYNC_PHASE_UPDATE] = NULL;
	store_sync_state_free(&ss);
	store_close(st);
	buf_init(&out, 1 << 20);
	rc = tl_ctl(&bad.srv, &out, "sync", "--upstream", "http://127.0.0.1:1",
	    "--no-rollup", (char *)NULL);
	assert_int_equal(rc, 1);
	buf_reset(&out);
	rc = tl_ctl(&bad.srv, &out, "sync", "--upstream", upurl, "--protocol",
	    "2.0", (char *)NULL);
	assert_int_equal(rc, 2);
	buf_reset(&out);
	/* not an http(s) URL: a usage error (issue 10 defect 6) */
	rc = tl_ctl(&bad.srv, &out, "sync", "--upstream", "ftp://127.0.0.1/",
	    (char *)NULL);
	assert_int_equal(rc, 2);
	buf_reset(&out);
	/* A path that is no upstream (HTTP 404): a clear error. */
	rc = tl_ctl(&bad.srv, &out, "sync", "--upstream", "http://127.0.0.1:1/x",
	    "--no-rollup", (char *)NULL);
	assert_int_equal(rc, 1);
	buf_free(&out);
	/* None of those runs reached an upstream: the anchors are unchanged
	 * and the next run against the real one has nothing to fetch. */
	st = open_store(&d120.srv);
	assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
	after = ss.anchor[SYNC_PHASE_UPDATE];
	ss.anchor[SYNC_PHASE_UPDATE] = NULL;
	store_sync_state_free(&ss);
	store_close(st);
	assert_non_null(before);
	assert_non_null(after);
	assert_true(before[0] != '\0');
	assert_string_equal(after, before);
	free(before);
	free(after);
	{
		json_t *j;
		int s;

		j = run_sync(&d120, &s, "--no-rollup", NULL, NULL, NULL);
		assert_int_equal(s, 0);
		assert_non_null(j);
		assert_int_equal(jint(j, "fetched"), 0);
		json_decref(j);
	}
}

/* ---- TLS upstream (self-signed certificate of postinstall) ---- */

static void
test_tls(void **state)
{
	char url[64], ca[256];
	struct buf out;
	json_t *j;
	int rc;

	(void)state;
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", tls_port);
	snprintf(ca, sizeof(ca), "%s/state/tls/wsusd.crt", up.dir);
	buf_init(&out, 1 << 20);
	/* Not trusted: refused. */
	rc = tl_ctl(&d120.srv, &out, "sync", "--upstream", url, "--no-rollup",
	    (char *)NULL);
	assert_int_equal(rc, 1);
	assert_non_null(out.data);
	assert_non_null(strstr(out.data, "GetAuthConfig"));
	buf_reset(&out);
	/* Trusted through --cacert (its SAN has 127.0.0.1), or --insecure. */
	/* (--name: the upstream knows this downstream under its name and
	 * refuses a session under another, docs/SECURITY.md) */
	rc = tl_ctl(&d120.srv, &out, "--json", "sync", "--upstream", url,
	    "--cacert", ca, "--protocol", "1.20", "--name", d120.name,
	    "--no-rollup", (char *)NULL);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data ? out.data : "");
	assert_int_equal(rc, 0);
	j = json_loads(strstr(out.data, "{\n  \"upstream\""),
	    JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(j);
	/* Another upstream URL: anchors start over, nothing new to fetch. */
	assert_true(jint(j, "update_revisions") >= 6);
	assert_int_equal(jint(j, "fetched"), 0);
	json_decref(j);
	buf_reset(&out);
	rc = tl_ctl(&d120.srv, &out, "sync", "--upstream", url, "--insecure",
	    "--protocol", "1.8", "--name", d120.name, "--no-rollup",
	    (char *)NULL);
	assert_int_equal(rc, 0);
	buf_free(&out);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_sync_1_8),
		cmocka_unit_test(test_full_sync_1_20),
		cmocka_unit_test(test_request_shapes),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_replica),
		cmocka_unit_test(test_replica_killed),
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_three_tiers),
		cmocka_unit_test(test_bad_upstream),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_real_and_hostile_upstream),
		cmocka_unit_test(test_tls_minimum),
		cmocka_unit_test(test_rollup_split),
		cmocka_unit_test(test_rollup_changed),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
