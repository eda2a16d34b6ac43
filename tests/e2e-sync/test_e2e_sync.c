/*
 * test_e2e_sync.c — wsusd as upstream, `wsusctl sync` as two downstream
 * servers (protocol 1.8 = WSUS 3.0 SP2 and 1.20 = WSUS 10): full and
 * incremental metadata sync, replica deployments (approve, unapprove,
 * decline upstream), rollup, the shape of every request against the
 * spec's sample requests and the captured ones, schema validation of the
 * requests, and bad upstreams.
 *
 * Program: test_e2e_sync WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
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

#include "wusp_harness.h"
#include "soap/soap_request.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fsutil.h"

#define DEFENDER	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* KB2267602 r200 */
#define ENGINE		"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583"
#define DOCS		"update-metadata/wsusss-getupdatedata-docs"

struct dss {
	struct tl_wsusd srv;		/* dir, conf, db; never started */
	const char	*proto;		/* "1.8" | "1.20" */
	char		 name[64];	/* our FQDN */
	char		 rec[128];	/* requests of the first run */
};

static struct tl_wsusd up;
static struct dss d18, d120;
static char upurl[64];
static uint16_t tls_port;

static char *
read_file_all(const char *path, size_t max, size_t *len)
{
	char *out = NULL;

	if (read_file(path, max, &out, len) != 0)
		return NULL;
	return out;
}

static int
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

static struct store *
open_store(struct tl_wsusd *s)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", s->db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	return st;
}

static size_t
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

/* ---- request shapes ---- */

/* Element structure: names in order, repeated siblings collapsed. */
static void
shape(const struct soap_node *n, struct buf *out)
{
	const struct soap_node *c;
	const char *prev = NULL;

	buf_printf(out, "%s(", n->name);
	for (c = n->children; c != NULL; c = c->next) {
		if (prev != NULL && strcmp(prev, c->name) == 0)
			continue;
		shape(c, out);
		prev = c->name;
	}
	buf_puts(out, ")");
}

/* The next child after c with another name (repeats collapsed). */
static const struct soap_node *
next_kind(const struct soap_node *c)
{
	const struct soap_node *n = c->next;

	while (n != NULL && strcmp(n->name, c->name) == 0)
		n = n->next;
	return n;
}

/*
 * Same element names in the same order at every level, repeats
 * collapsed, namespaces equal.  An element of ours without children
 * matches any content of theirs (an empty array we have nothing for).
 */
static bool
same_shape(const struct soap_node *a, const struct soap_node *b)
{
	const struct soap_node *x, *y;

	if (strcmp(a->name, b->name) != 0 || strcmp(a->ns, b->ns) != 0)
		return false;
	if (a->children == NULL)
		return true;
	for (x = a->children, y = b->children; x != NULL && y != NULL;
	    x = next_kind(x), y = next_kind(y))
		if (!same_shape(x, y))
			return false;
	return x == NULL && y == NULL;
}

static struct soap_request *
parse_file(const char *path)
{
	struct soap_request *r = NULL;
	struct soap_parse_opts po;
	char err[256];
	char *data;
	size_t len;

	data = read_file_all(path, 1u << 24, &len);
	if (data == NULL)
		fail_msg("cannot read %s", path);
	soap_parse_opts_default(&po);
	po.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	if (soap_request_parse(data, len, NULL, NULL, &po, &r, err,
	    sizeof(err)) != SOAP_OK)
		fail_msg("%s: %s", path, err);
	free(data);
	return r;
}

static void
compare_shapes(const char *ours, const char *theirs)
{
	struct soap_request *a = parse_file(ours), *b = parse_file(theirs);

	if (!same_shape(a->op, b->op)) {
		struct buf sa, sb;

		buf_init(&sa, 1 << 20);
		buf_init(&sb, 1 << 20);
		shape(a->op, &sa);
		shape(b->op, &sb);
		fail_msg("%s vs %s:\n  ours:   %s\n  theirs: %s", ours, theirs,
		    sa.data, sb.data);
	}
	soap_request_free(a);
	soap_request_free(b);
}

/* The first recorded request of operation op in dir. */
static void
recorded(const char *dir, const char *op, char *path, size_t len)
{
	int i;

	for (i = 1; i < 100; i++) {
		struct stat sb;

		snprintf(path, len, "%s/%03d-%s.request.xml", dir, i, op);
		if (stat(path, &sb) == 0)
			return;
	}
	fail_msg("no recorded %s in %s", op, dir);
}

static void
check_shapes(struct dss *d)
{
	static const char *const pairs[][2] = {
		{ "GetAuthConfig", "soap/wsusss-spec/sample1-GetAuthConfig.request.xml" },
		{ "GetAuthorizationCookie", "soap/wsusss-spec/sample1-GetAuthorizationCookie.request.xml" },
		{ "GetAuthorizationCookie", "soap/wsusss-capture/000002-DssGetAuthorizationCookie.request.xml" },
		{ "GetCookie", "soap/wsusss-spec/sample1-GetCookie.request.xml" },
		{ "GetCookie", "soap/wsusss-capture/000003-GetCookie.request.xml" },
		{ "GetConfigData", "soap/wsusss-spec/sample2-GetConfigData.request.xml" },
		{ "GetConfigData", "soap/wsusss-capture/000005-GetConfigData.request.xml" },
		{ "GetRevisionIdList", "soap/wsusss-spec/sample2-GetRevisionIdList.request.xml" },
		{ "GetUpdateData", "soap/wsusss-spec/sample2-GetUpdateData.request.xml" },
		{ "GetUpdateData", "soap/wsusss-capture/000014-GetUpdateData-leaf-with-file.request.xml" },
	};
	char ours[512], theirs[512], err[1024];
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		recorded(d->rec, pairs[i][0], ours, sizeof(ours));
		snprintf(theirs, sizeof(theirs), "%s/%s", wh_fixtures, pairs[i][1]);
		compare_shapes(ours, theirs);
	}
	/* Every Server Sync / DssAuth request validates against the WSDL schema. */
	for (i = 1; i < 100; i++) {
		char p[256];
		struct stat sb;
		char *data;
		size_t len;
		int k, found = 0;

		for (k = 0; k < 2 && !found; k++) {
			static const char *const ops[] = {
				"GetAuthConfig", "GetAuthorizationCookie", "GetCookie",
				"GetConfigData", "GetRevisionIdList", "GetUpdateData",
				"GetDeployments",
			};
			size_t o;

			for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
				snprintf(p, sizeof(p), "%s/%03zu-%s.request.xml",
				    d->rec, i, ops[o]);
				if (stat(p, &sb) == 0) {
					found = 1;
					break;
				}
			}
		}
		if (!found)
			continue;
		data = read_file_all(p, 1u << 24, &len);
		assert_non_null(data);
		snprintf(up.schema, sizeof(up.schema),
		    "%s/soap/wsusss-schema/soap11-envelope.xsd", wh_fixtures);
		if (wh_validate(&up, data, len, err, sizeof(err)) != 0)
			fail_msg("%s does not validate: %s", p, err);
		free(data);
	}
}

static void
test_request_shapes(void **state)
{
	char *data, p[512];
	size_t len;

	(void)state;
	/* The comparison notices a different operation, a missing element
	 * and an extra one. */
	{
		char a[512], b[512];
		struct soap_request *x, *y;

		recorded(d120.rec, "GetCookie", a, sizeof(a));
		snprintf(b, sizeof(b), "%s/soap/wsusss-spec/sample2-GetConfigData.request.xml",
		    wh_fixtures);
		x = parse_file(a);
		y = parse_file(b);
		assert_false(same_shape(x->op, y->op));
		soap_request_free(y);
		/* GetRevisionIdList of the capture lacks Get63LanguageOnly. */
		recorded(d120.rec, "GetRevisionIdList", a, sizeof(a));
		snprintf(b, sizeof(b), "%s/soap/wsusss-capture/000006-GetRevisionIdList-GetConfig-true.request.xml",
		    wh_fixtures);
		soap_request_free(x);
		x = parse_file(a);
		y = parse_file(b);
		assert_false(same_shape(x->op, y->op));
		assert_false(same_shape(y->op, x->op));
		soap_request_free(x);
		soap_request_free(y);
	}
	check_shapes(&d18);
	check_shapes(&d120);
	/* The protocol version each profile announces. */
	recorded(d18.rec, "GetCookie", p, sizeof(p));
	data = read_file_all(p, 1 << 20, &len);
	assert_non_null(strstr(data, "<protocolVersion>1.8</protocolVersion>"));
	free(data);
	recorded(d120.rec, "GetCookie", p, sizeof(p));
	data = read_file_all(p, 1 << 20, &len);
	assert_non_null(strstr(data, "<protocolVersion>1.20</protocolVersion>"));
	free(data);
	/* Categories before updates: GetConfig=true is the first list. */
	recorded(d120.rec, "GetRevisionIdList", p, sizeof(p));
	data = read_file_all(p, 1 << 20, &len);
	assert_non_null(strstr(data, "<GetConfig>true</GetConfig>"));
	free(data);
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
		char ours[512], theirs[512], err[1024], *data;
		size_t len;

		recorded(rec, ops[i], ours, sizeof(ours));
		snprintf(theirs, sizeof(theirs),
		    "%s/soap/wsusss-rollup/sample3-%s.request.xml", wh_fixtures,
		    ops[i]);
		compare_shapes(ours, theirs);
		data = read_file_all(ours, 1u << 24, &len);
		assert_non_null(data);
		snprintf(up.schema, sizeof(up.schema),
		    "%s/soap/wusp-schema/soap11-envelope.xsd", wh_fixtures);
		if (wh_validate(&up, data, len, err, sizeof(err)) != 0)
			fail_msg("%s does not validate: %s", ours, err);
		free(data);
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
	char *before = NULL, *after = NULL;
	int rc;

	(void)state;
	bad = d120;
	/* Nothing listens there: exit 1. */
	st = open_store(&d120.srv);
	assert_int_equal(store_setting_get(st, "sync_update_anchor", &before),
	    STORE_OK);
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
	rc = tl_ctl(&bad.srv, &out, "sync", "--upstream", "ftp://127.0.0.1/",
	    (char *)NULL);
	assert_int_equal(rc, 1);
	buf_reset(&out);
	/* A path that is no upstream (HTTP 404): a clear error. */
	rc = tl_ctl(&bad.srv, &out, "sync", "--upstream", "http://127.0.0.1:1/x",
	    "--no-rollup", (char *)NULL);
	assert_int_equal(rc, 1);
	buf_free(&out);
	/* None of those runs reached an upstream: the anchors are unchanged
	 * and the next run against the real one has nothing to fetch. */
	st = open_store(&d120.srv);
	assert_int_equal(store_setting_get(st, "sync_update_anchor", &after),
	    STORE_OK);
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

/* ---- a hostile or real-WSUS upstream: canned answers ---- */

/*
 * A tiny HTTP server on a thread that answers each POST by its SOAPAction
 * with the captured answers of the real Windows Server 2025 upstream
 * (tests/fixtures/soap/wsusss-capture), or with broken ones.  One request
 * per connection (Connection: close).
 */
enum fake_mode {
	FAKE_REAL = 0,		/* the captured answers */
	FAKE_CORRUPT_BLOB,	/* a cabinet with a damaged byte */
	FAKE_GARBAGE,		/* GetRevisionIdList answer not XML */
	FAKE_DOCTYPE,		/* GetRevisionIdList answer with a DOCTYPE */
	FAKE_SERVER_CHANGED,	/* first GetRevisionIdList: ServerChanged fault */
	FAKE_WRONG_COUNT,	/* GetUpdateData answers no document */
	FAKE_HUGE,		/* GetRevisionIdList answer of 3 MiB */
	FAKE_COOKIE_FAULT,	/* first GetUpdateData: InvalidCookie */
};

static struct {
	int		 fd;
	uint16_t	 port;
	pthread_t	 th;
	enum fake_mode	 mode;
	int		 revlists;	/* GetRevisionIdList calls seen */
	int		 cookies;	/* GetCookie calls seen */
	int		 updatedata;	/* GetUpdateData calls seen */
	int		 stop;
} fake;

static const char *const fake_docs[][2] = {	/* id, capture */
	{ "56309036-4c77-4dd9-951a-99ee9c246a94", "000016-GetUpdateData-category.response.xml" },
	{ DEFENDER, "000013-GetUpdateData-bundle.response.xml" },
	{ "266f6222-c89d-43f2-9f8a-69340271e677", "000014-GetUpdateData-leaf-with-file.response.xml" },
	{ "ccb78947-6453-4ecc-9de8-bc0305c98f2d", "000015-GetUpdateData-small-uncompressed.response.xml" },
};

#define ENV_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope " \
	"xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
#define ENV_TAIL "</soap:Body></soap:Envelope>"

static char *
fake_capture(const char *name)
{
	char rel[256];
	size_t len;

	snprintf(rel, sizeof(rel), "soap/wsusss-capture/%s", name);
	return wh_fixture(rel, &len);
}

static char *
fake_revlist(bool config)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	buf_puts(&b, ENV_HEAD "<GetRevisionIdListResponse xmlns=\"http://www."
	    "microsoft.com/SoftwareDistribution\"><GetRevisionIdListResult>"
	    "<Anchor>9438,2026-10-04 16:33:26.670</Anchor><NewRevisions>");
	for (i = config ? 0 : 1; i < (config ? 1 : 4); i++)
		buf_printf(&b, "<UpdateIdentity><UpdateID>%s</UpdateID>"
		    "<RevisionNumber>%d</RevisionNumber></UpdateIdentity>",
		    fake_docs[i][0], i == 0 ? 101 : 200);
	buf_puts(&b, "</NewRevisions></GetRevisionIdListResult>"
	    "</GetRevisionIdListResponse>" ENV_TAIL);
	return buf_steal(&b, NULL);
}

static char *
fake_answer(const char *action, const char *body, int *status)
{
	const char *op = strrchr(action, '/');
	char *a, *p;
	size_t i;

	*status = 200;
	op = op ? op + 1 : action;
	if (strncmp(op, "GetAuthConfig", 13) == 0)
		return fake_capture("000001-GetAuthConfig.response.xml");
	if (strncmp(op, "GetAuthorizationCookie", 22) == 0)
		return strdup(ENV_HEAD "<GetAuthorizationCookieResponse xmlns=\""
		    "http://www.microsoft.com/SoftwareDistribution/Server/"
		    "DssAuthWebService\"><GetAuthorizationCookieResult><PlugInId>"
		    "DssTargeting</PlugInId><CookieData>AAAA</CookieData>"
		    "</GetAuthorizationCookieResult></GetAuthorizationCookieResponse>"
		    ENV_TAIL);
	if (strncmp(op, "GetCookie", 9) == 0) {
		fake.cookies++;
		return fake_capture("000003-GetCookie.response.xml");
	}
	if (strncmp(op, "GetConfigData", 13) == 0) {
		/* One document per GetUpdateData batch: one capture each. */
		a = fake_capture("000005-GetConfigData.response.xml");
		p = strstr(a, "<MaxNumberOfUpdatesPerRequest>100<");
		assert_non_null(p);
		memcpy(p + strlen("<MaxNumberOfUpdatesPerRequest>"), "001", 3);
		return a;
	}
	if (strncmp(op, "GetRevisionIdList", 17) == 0) {
		fake.revlists++;
		if (fake.mode == FAKE_GARBAGE)
			return strdup("this is not XML <<<");
		if (fake.mode == FAKE_HUGE) {
			char *h = fake_revlist(false);
			size_t l = strlen(h), big = 3u << 20;

			char *hh = realloc(h, big + 1);

			if (hh == NULL)
				free(h);
			assert_non_null(hh);
			h = hh;
			memset(h + l, ' ', big - l);
			h[big] = '\0';
			return h;
		}
		if (fake.mode == FAKE_DOCTYPE)
			return strdup("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a "
			    "\"aaaa\">]><soap:Envelope xmlns:soap=\"http://schemas."
			    "xmlsoap.org/soap/envelope/\"><soap:Body><x>&a;</x>"
			    "</soap:Body></soap:Envelope>");
		if (fake.mode == FAKE_SERVER_CHANGED && fake.revlists == 1) {
			*status = 500;
			return strdup(ENV_HEAD "<soap:Fault><faultcode>soap:Server"
			    "</faultcode><faultstring>Fault occurred</faultstring>"
			    "<detail><ErrorCode>ServerChanged</ErrorCode><Message>"
			    "</Message></detail></soap:Fault>" ENV_TAIL);
		}
		return fake_revlist(strstr(body, "<GetConfig>true<") != NULL);
	}
	if (strncmp(op, "GetUpdateData", 13) == 0) {
		if (fake.mode == FAKE_COOKIE_FAULT && fake.updatedata++ == 0) {
			*status = 500;
			return strdup(ENV_HEAD "<soap:Fault><faultcode>soap:Client"
			    "</faultcode><faultstring>Fault occurred</faultstring>"
			    "<detail><ErrorCode>InvalidCookie</ErrorCode><Message>"
			    "</Message></detail></soap:Fault>" ENV_TAIL);
		}
		if (fake.mode == FAKE_WRONG_COUNT)
			return strdup(ENV_HEAD "<GetUpdateDataResponse xmlns=\"http://"
			    "www.microsoft.com/SoftwareDistribution\"><GetUpdateData"
			    "Result><updates /><fileUrls /></GetUpdateDataResult>"
			    "</GetUpdateDataResponse>" ENV_TAIL);
		for (i = 0; i < 4; i++)
			if (strstr(body, fake_docs[i][0]) != NULL) {
				a = fake_capture(fake_docs[i][1]);
				if (fake.mode == FAKE_CORRUPT_BLOB && i == 2) {
					/* A byte inside the compressed data. */
					p = strstr(a, "<XmlUpdateBlobCompressed>");
					assert_non_null(p);
					p += strlen("<XmlUpdateBlobCompressed>") + 400;
					*p = *p == 'A' ? 'B' : 'A';
				}
				return a;
			}
	}
	*status = 500;
	return strdup(ENV_HEAD "<soap:Fault><faultcode>soap:Server</faultcode>"
	    "<faultstring>Fault occurred</faultstring><detail><ErrorCode>"
	    "InternalServerError</ErrorCode></detail></soap:Fault>" ENV_TAIL);
}

static void *
fake_main(void *arg)
{
	(void)arg;
	while (!fake.stop) {
		struct buf req;
		char chunk[65536], action[512] = "", hdr[512];
		const char *he, *cl, *sa;
		size_t want = 0;
		ssize_t n;
		int c = accept(fake.fd, NULL, NULL), status;
		char *ans;

		if (c < 0)
			continue;
		if (fake.stop) {
			close(c);
			break;
		}
		buf_init(&req, 8u << 20);
		while ((n = read(c, chunk, sizeof(chunk))) > 0) {
			buf_append(&req, chunk, (size_t)n);
			if (req.data == NULL ||
			    (he = strstr(req.data, "\r\n\r\n")) == NULL)
				continue;
			cl = strcasestr(req.data, "Content-Length:");
			want = (size_t)(he + 4 - req.data) +
			    (cl ? strtoul(cl + 15, NULL, 10) : 0);
			if (req.len >= want)
				break;
		}
		if (req.data != NULL &&
		    (sa = strcasestr(req.data, "SOAPAction: \"")) != NULL &&
		    strcspn(sa + 13, "\"") > 0)
			snprintf(action, sizeof(action), "%.*s",
			    (int)strcspn(sa + 13, "\""), sa + 13);
		ans = fake_answer(action, req.data ? req.data : "", &status);
		n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %d %s\r\nContent-Type: "
		    "text/xml; charset=utf-8\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", status, status == 200 ? "OK" :
		    "Internal Server Error", strlen(ans));
		if (write(c, hdr, (size_t)n) < 0 ||
		    write(c, ans, strlen(ans)) < 0)
			fprintf(stderr, "fake upstream: write failed\n");
		free(ans);
		buf_free(&req);
		close(c);
	}
	return NULL;
}

static void
fake_start(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int one = 1;

	memset(&fake, 0, sizeof(fake));
	fake.fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fake.fd >= 0);
	setsockopt(fake.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fake.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fake.fd, (struct sockaddr *)&sin, &len), 0);
	assert_int_equal(listen(fake.fd, 16), 0);
	fake.port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&fake.th, NULL, fake_main, NULL), 0);
}

static void
fake_stop(void)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin;

	fake.stop = 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(fake.port);
	if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		fprintf(stderr, "fake upstream: wake-up connect failed\n");
	close(c);
	pthread_join(fake.th, NULL);
	close(fake.fd);
}

/* wsusctl sync against the fake (up to 4 more arguments, NULL ends
 * them); exit status and output. */
static int
fake_sync_args(struct dss *d, enum fake_mode mode, struct buf *out,
    const char *a1, const char *a2, const char *a3, const char *a4)
{
	char url[64];

	fake.mode = mode;
	fake.revlists = 0;
	fake.cookies = 0;
	fake.updatedata = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", fake.port);
	buf_reset(out);
	return tl_ctl(&d->srv, out, "--json", "sync", "--upstream", url,
	    "--protocol", d->proto, "--no-rollup", a1, a2, a3, a4,
	    (char *)NULL);
}

static int
fake_sync(struct dss *d, enum fake_mode mode, struct buf *out)
{
	return fake_sync_args(d, mode, out, NULL, NULL, NULL, NULL);
}

static char *
setting_of(struct dss *d, const char *key)
{
	struct store *st = open_store(&d->srv);
	char *v = NULL;

	if (store_setting_get(st, key, &v) != STORE_OK)
		v = NULL;
	store_close(st);
	return v;
}

static const char *
upurl_fake(void)
{
	static char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u", fake.port);
	return url;
}

/* The recorded GetRevisionIdList request for the updates (GetConfig=false). */
static char *
update_list_request(const char *dir)
{
	char p[512], *data;
	size_t len;
	int i;

	for (i = 1; i < 100; i++) {
		snprintf(p, sizeof(p), "%s/%03d-GetRevisionIdList.request.xml",
		    dir, i);
		if ((data = read_file_all(p, 1 << 20, &len)) == NULL)
			continue;
		if (strstr(data, "<GetConfig>false</GetConfig>") != NULL)
			return data;
		free(data);
	}
	fail_msg("no GetConfig=false request in %s", dir);
	return NULL;
}

static void
test_real_and_hostile_upstream(void **state)
{
	struct dss d;
	struct buf out;
	size_t before;
	char *a;
	int rc;
	struct store *st;
	int64_t rid;

	(void)state;
	if (dss_setup(&d, "1.20", "dss.fake.invalid") != 0)
		fail_msg("dss_setup");
	fake_start();
	buf_init(&out, 8u << 20);

	/* Broken answers: a clear failure and nothing stored. */
	rc = fake_sync(&d, FAKE_GARBAGE, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "unreadable answer"));
	rc = fake_sync(&d, FAKE_DOCTYPE, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "forbidden"));
	rc = fake_sync(&d, FAKE_WRONG_COUNT, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "asked for 1 documents, got 0"));
	rc = fake_sync_args(&d, FAKE_HUGE, &out, "--max-response", "1", NULL,
	    NULL);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "answer larger than 1048576 bytes"));
	assert_int_equal(revisions(&d.srv), 0);

	/* A damaged LZX cabinet: that document is rejected, the others are
	 * stored, and the update anchor does not advance. */
	rc = fake_sync(&d, FAKE_CORRUPT_BLOB, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "\"failed\": 1"));
	a = setting_of(&d, "sync_update_anchor");
	assert_true(a == NULL || a[0] == '\0');
	free(a);
	before = revisions(&d.srv);
	assert_int_equal(before, 3);

	/* The real Server 2025 answers (LZX cabinets, plain XmlUpdateBlob):
	 * only the missing document is fetched, and the anchor advances. */
	/* (The first GetUpdateData is refused with InvalidCookie: the
	 * session cookie is renewed and the batch sent again.) */
	rc = fake_sync(&d, FAKE_COOKIE_FAULT, &out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.cookies, 2);
	assert_int_equal(fake.updatedata, 2);
	assert_non_null(strstr(out.data, "\"fetched\": 1"));
	assert_int_equal(revisions(&d.srv), 4);
	a = setting_of(&d, "sync_update_anchor");
	assert_non_null(a);
	assert_string_equal(a, "9438,2026-10-04 16:33:26.670");
	free(a);
	st = open_store(&d.srv);
	assert_int_equal(store_revision_lookup(st,
	    "266f6222-c89d-43f2-9f8a-69340271e677", 200, &rid), STORE_OK);
	store_close(st);

	/* ServerChanged: anchors reset, the run starts over and succeeds. */
	rc = fake_sync(&d, FAKE_SERVER_CHANGED, &out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.revlists, 3);
	assert_non_null(strstr(out.data, "ServerChanged"));

	/* A product/classification filter: Delta=false the first time a
	 * category is asked for, true afterwards (wsusss.md §7). */
	{
		static const char *const prod = "dd78b8a1-0b20-45c1-add6-4da72e9364cf";
		static const char *const cls = "e0789628-ce08-4437-be74-2495b842f43b";
		static const char *const cls2 = "0fa1201d-4330-4fa8-8ae9-b877473b6441";
		char rec[256], *req;

		/* --product without --classification: usage error. */
		assert_int_equal(fake_sync_args(&d, FAKE_REAL, &out, "--product",
		    prod, NULL, NULL), 2);
		snprintf(rec, sizeof(rec), "%s/filter1", d.srv.dir);
		assert_int_equal(mkdir(rec, 0755), 0);
		fake.mode = FAKE_REAL;
		assert_int_equal(tl_ctl(&d.srv, &out, "sync", "--upstream",
		    upurl_fake(), "--no-rollup", "--record", rec, "--product", prod,
		    "--classification", cls, (char *)NULL), 0);
		req = update_list_request(rec);
		assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>"
		    "dd78b8a1-0b20-45c1-add6-4da72e9364cf</Id><Delta>false</Delta>"));
		assert_non_null(strstr(req, "<Classifications><IdAndDelta><Id>"
		    "e0789628-ce08-4437-be74-2495b842f43b</Id><Delta>false</Delta>"));
		free(req);
		/* A second classification next to the known ones. */
		snprintf(rec, sizeof(rec), "%s/filter2", d.srv.dir);
		assert_int_equal(mkdir(rec, 0755), 0);
		assert_int_equal(tl_ctl(&d.srv, &out, "sync", "--upstream",
		    upurl_fake(), "--no-rollup", "--record", rec, "--product", prod,
		    "--classification", cls, "--classification", cls2,
		    (char *)NULL), 0);
		req = update_list_request(rec);
		assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>"
		    "dd78b8a1-0b20-45c1-add6-4da72e9364cf</Id><Delta>true</Delta>"));
		assert_non_null(strstr(req, "<Id>e0789628-ce08-4437-be74-"
		    "2495b842f43b</Id><Delta>true</Delta>"));
		assert_non_null(strstr(req, "<Id>0fa1201d-4330-4fa8-8ae9-"
		    "b877473b6441</Id><Delta>false</Delta>"));
		free(req);
	}

	buf_free(&out);
	fake_stop();
	tl_wsusd_cleanup(&d.srv);
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
	rc = tl_ctl(&d120.srv, &out, "--json", "sync", "--upstream", url,
	    "--cacert", ca, "--protocol", "1.20", "--no-rollup", (char *)NULL);
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
	    "--protocol", "1.8", "--no-rollup", (char *)NULL);
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
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_bad_upstream),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_real_and_hostile_upstream),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
