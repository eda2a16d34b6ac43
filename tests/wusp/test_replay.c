/*
 * test_replay.c — the real Windows 11 client's requests against wsusd.
 *
 *   test_wusp_replay WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 *
 * A temporary installation gets the real update documents of the test
 * data (wsusctl postinstall + import-updates) and no approvals, as the
 * captured server during the scan.  Then every captured client request of
 * tests/fixtures/soap/wusp-native-capture/ is sent in the captured order,
 * with the cookies replaced by the ones wsusd gave in its earlier answers
 * and the captured revision ids replaced by wsusd's (captured id ->
 * UpdateID from the captured answers -> wsusd's id from wsusd's answers).
 * Each answer must validate against the WSDL schema (xmllint) and equal
 * the captured answer: structure, order, update identities, IsLeaf,
 * Deployment actions, fragments (wh_compare), and the bytes once the
 * volatile values are masked (wh_compare_masked).  Then KB2267602 is
 * approved (the captured flow's one approval) and flow/15-16 are replayed.
 * The other tests cover what the captures do not: faults for every cookie
 * case, LastChange moving, URLs from the Host header, the operations real
 * clients did not call (test_replay_ops.c; the shared fixture and helpers
 * are declared in replay_test.h).  Differences that must stay:
 * docs/WUSP.md.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "soap/soap_value.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/xmalloc.h"
#include "cookie/cookie.h"
#include "replay_test.h"
#include "wusp_harness.h"

struct replay_fixture T;

/* ---- helpers ------------------------------------------------------------ */

/* Send, expect 200, validate, compare with the captured answer. */
static void
replay(const char *path, const char *req, const char *capfile, bool bytes,
    struct wh_reply *r)
{
	char err[2048], *cap;
	size_t clen;
	struct soap_request *a, *b;

	wh_soap(&T.srv, path, req, r);
	if (getenv("WH_DUMP") != NULL)
		fprintf(stderr, "== %s\n%s\n", capfile, r->body.data);
	if (r->status != 200)
		fail_msg("%s: HTTP %ld: %s", capfile, r->status,
		    r->body.data ? r->body.data : "");
	if (wh_validate(&T.srv, r->body.data, r->body.len, err,
	    sizeof(err)) != 0)
		fail_msg("%s: answer does not validate: %s\n%s", capfile, err,
		    r->body.data);
	cap = wh_fixture(capfile, &clen);
	a = wh_parse(cap, clen);
	b = wh_parse(r->body.data, r->body.len);
	assert_non_null(a);
	assert_non_null(b);
	wh_map_learn(&T.cap, a->op);
	wh_map_learn(&T.ours, b->op);
	soap_request_free(a);
	soap_request_free(b);
	if (wh_compare(cap, clen, &T.cap, r->body.data, r->body.len, &T.ours,
	    err, sizeof(err)) != 0)
		fail_msg("%s: %s", capfile, err);
	if (bytes && wh_compare_masked(cap, clen, r->body.data, r->body.len,
	    err, sizeof(err)) != 0)
		fail_msg("%s: %s", capfile, err);
	free(cap);
}

/* Remember the session cookie of an answer (element path below the op). */
void
keep_session(const struct wh_reply *r, const char *path)
{
	struct soap_request *q = wh_parse(r->body.data, r->body.len);
	char p[128];
	const char *e, *d;

	assert_non_null(q);
	snprintf(p, sizeof(p), "%s/Expiration", path);
	e = wh_text(q->op, p);
	snprintf(p, sizeof(p), "%s/EncryptedData", path);
	d = wh_text(q->op, p);
	assert_non_null(e);
	assert_non_null(d);
	snprintf(T.expiration, sizeof(T.expiration), "%s", e);
	snprintf(T.session, sizeof(T.session), "%s", d);
	soap_request_free(q);
}

/* A fault answer: HTTP 500, valid, with this ErrorCode (and Message). */
void
expect_fault(const struct wh_reply *r, const char *code, const char *message)
{
	struct soap_request *q;
	char err[2048];
	const char *ec;

	if (r->status != 500)
		fail_msg("want fault %s, got HTTP %ld: %s", code, r->status,
		    r->body.data ? r->body.data : "");
	if (wh_validate(&T.srv, r->body.data, r->body.len, err,
	    sizeof(err)) != 0)
		fail_msg("fault does not validate: %s\n%s", err, r->body.data);
	q = wh_parse(r->body.data, r->body.len);
	assert_non_null(q);
	assert_string_equal(q->op->name, "Fault");
	ec = wh_text(q->op, "detail/ErrorCode");
	if (ec == NULL || strcmp(ec, code) != 0)
		fail_msg("want %s, got %s: %s", code, ec ? ec : "(none)",
		    r->body.data);
	if (message != NULL)
		assert_string_equal(wh_text(q->op, "detail/Message"), message);
	soap_request_free(q);
}

char *
get_cookie_request(void)
{
	char *req = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
	char *tmp = wh_set_text(req, "<AuthorizationCookie>", "CookieData",
	    T.auth);

	free(req);
	req = wh_set_text(tmp, NULL, "lastChange", T.last_change);
	free(tmp);
	return req;
}

char *
with_session(const char *xml)
{
	return wh_set_cookie(xml, T.expiration, T.session);
}

/* Seal a session cookie with the server's key (for forging tests). */
void
seal(const struct cookie_keyring *kr, const struct wusp_session_cookie *s,
    char *b64, char *exp)
{
	struct soap_datetime dt;
	char err[160];

	assert_int_equal(cookie_seal_wusp_session(kr, s, b64,
	    COOKIE_B64_BUFSZ, err, sizeof(err)), 0);
	soap_datetime_from_unix(s->expires_at, 0, &dt);
	assert_int_equal(soap_format_datetime(&dt, exp), 0);
}

/* The session cookie wsusd gave us, opened with the server key. */
void
open_session(struct wusp_session_cookie *s)
{
	struct soap_datetime dt;

	assert_int_equal(soap_parse_datetime(T.expiration,
	    strlen(T.expiration), &dt), 0);
	assert_int_equal(cookie_open_wusp_session(&T.kr, T.session,
	    strlen(T.session), dt.sec, time(NULL), s), COOKIE_OK);
}

/* ---- setup -------------------------------------------------------------- */

static int
load_key(void)
{
	struct store *st;
	char err[256], *key = NULL, *id = NULL;
	uint8_t master[32];
	int rc = -1;
	char url[256];

	snprintf(url, sizeof(url), "sqlite://%s", T.srv.db);
	if (store_open(url, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	if (store_setting_get(st, SETTING_COOKIE_KEY, &key) == STORE_OK &&
	    store_setting_get(st, SETTING_SERVER_ID, &id) == STORE_OK &&
	    key != NULL && id != NULL && hex_decode(key, master, 32) == 0 &&
	    cookie_guid_parse(id, T.instance) == 0 &&
	    cookie_keyring_init(&T.kr, master, T.instance, 1, err,
	    sizeof(err)) == 0)
		rc = 0;
	free(key);
	free(id);
	store_close(st);
	return rc;
}

static int
group_setup(void **state)
{
	(void)state;
	memset(&T, 0, sizeof(T));
	if (wh_setup(&T.srv, NULL) != 0 || load_key() != 0 ||
	    tl_wsusd_start(&T.srv) != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	int rc;

	(void)state;
	rc = tl_wsusd_stop(&T.srv);
	if (rc != 0)
		fprintf(stderr, "wsusd did not stop cleanly\n");
	tl_wsusd_cleanup(&T.srv);
	cookie_keyring_clear(&T.kr);
	return rc;
}

/* ---- the captured scan ---------------------------------------------------- */

static void
test_scan_replay(void **state)
{
	struct wh_reply r;
	char *req, *tmp;

	(void)state;
	/* 01 GetConfig */
	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	replay(WH_CLIENT, req, CAP "scan/01-GetConfig.response.xml", true, &r);
	wh_reply_text(&r, "GetConfigResult/LastChange", T.last_change,
	    sizeof(T.last_change));
	wh_reply_free(&r);
	free(req);

	/* 02 GetAuthorizationCookie (SimpleAuth, ASMX style) */
	req = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml",
	    NULL);
	replay(WH_SIMPLEAUTH, req,
	    CAP "scan/02-GetAuthorizationCookie.response.xml", true, &r);
	wh_reply_text(&r, "GetAuthorizationCookieResult/CookieData", T.auth,
	    sizeof(T.auth));
	wh_reply_free(&r);
	free(req);

	/* 03 GetCookie: our authorization cookie and LastChange */
	req = get_cookie_request();
	replay(WH_CLIENT, req, CAP "scan/03-GetCookie.response.xml", true, &r);
	keep_session(&r, "GetCookieResult");
	wh_reply_free(&r);
	free(req);
	{
		/* about an hour, as real WSUS */
		struct soap_datetime dt;
		long long left;

		assert_int_equal(soap_parse_datetime(T.expiration,
		    strlen(T.expiration), &dt), 0);
		left = (long long)dt.sec - (long long)time(NULL);
		assert_true(left > 3500 && left <= 3600);
	}

	/* 04 RegisterComputer */
	tmp = wh_fixture(CAP "scan/04-RegisterComputer.request.xml", NULL);
	req = with_session(tmp);
	free(tmp);
	replay(WH_CLIENT, req, CAP "scan/04-RegisterComputer.response.xml",
	    true, &r);
	wh_reply_free(&r);
	free(req);

	/* 05 StartCategoryScan (no cookie) */
	req = wh_fixture(CAP "scan/05-StartCategoryScan.request.xml", NULL);
	replay(WH_CLIENT, req, CAP "scan/05-StartCategoryScan.response.xml",
	    true, &r);
	wh_reply_free(&r);
	free(req);

	/* 06-08 SyncUpdates: the category chain, one level per round */
	{
		static const char *const steps[][2] = {
			{ "scan/06-SyncUpdates-first.request.xml",
			  "scan/06-SyncUpdates-first.response.xml" },
			{ "scan/07-SyncUpdates-second.request.xml",
			  "scan/07-SyncUpdates-second.response.xml" },
			{ "scan/08-SyncUpdates-third.request.xml",
			  "scan/08-SyncUpdates-third-leaf.response.xml" },
		};
		for (size_t i = 0; i < 3; i++) {
			char rq[256], rs[256];

			snprintf(rq, sizeof(rq), CAP "%s", steps[i][0]);
			snprintf(rs, sizeof(rs), CAP "%s", steps[i][1]);
			tmp = wh_fixture(rq, NULL);
			req = with_session(tmp);
			free(tmp);
			if (strstr(req, "<InstalledNonLeafUpdateIDs>") != NULL) {
				tmp = wh_map_ints(req,
				    "InstalledNonLeafUpdateIDs", &T.cap,
				    &T.ours, false, 0);
				free(req);
				req = tmp;
			}
			replay(WH_CLIENT, req, rs, true, &r);
			keep_session(&r, "SyncUpdatesResult/NewCookie");
			wh_reply_free(&r);
			free(req);
		}
	}

	/* 09 the driver pass: answer captured, request not in the test
	 * data; the same request with the 08 ids and no SystemSpec */
	{
		tmp = wh_fixture(CAP "scan/08-SyncUpdates-third.request.xml",
		    NULL);
		req = with_session(tmp);
		free(tmp);
		tmp = wh_map_ints(req, "InstalledNonLeafUpdateIDs", &T.cap,
		    &T.ours, false, 0);
		free(req);
		req = wh_set_text(tmp, NULL, "SkipSoftwareSync", "true");
		free(tmp);
		replay(WH_CLIENT, req,
		    CAP "scan/09-SyncUpdates-driver.response.xml", true, &r);
		keep_session(&r, "SyncUpdatesResult/NewCookie");
		wh_reply_free(&r);
		free(req);
	}

	/* 10 GetExtendedUpdateInfo of the three categories */
	tmp = wh_fixture(CAP "scan/10-GetExtendedUpdateInfo.request.xml", NULL);
	req = with_session(tmp);
	free(tmp);
	tmp = wh_map_ints(req, "revisionIDs", &T.cap, &T.ours, false, 0);
	free(req);
	replay(WH_CLIENT, tmp, CAP "scan/10-GetExtendedUpdateInfo.response.xml",
	    true, &r);
	wh_reply_free(&r);
	free(tmp);
	T.scanned = true;
}

/* ---- the captured flow: KB2267602 approved ----------------------------------- */

static void
load_flow_map(struct wh_idmap *m)
{
	char *text = wh_fixture(CAP "flow/15-revision-map.txt", NULL), *line;
	char *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char uid[64], *end;
		long rid;
		size_t len;

		if (line[0] == '#')
			continue;
		/* "RID UPDATEID" */
		errno = 0;
		rid = strtol(line, &end, 10);
		if (end == line || errno != 0 || rid < INT32_MIN ||
		    rid > INT32_MAX)
			continue;
		end += strspn(end, " \t\r");
		len = strcspn(end, " \t\r");
		if (len == 0)
			continue;
		snprintf(uid, sizeof(uid), "%.*s", (int)len, end);
		wh_map_add(m, (int32_t)rid, uid);
	}
	free(text);
}

/*
 * The capture's source redacted the LinkId query values of the SupportUrl
 * in localized fragments (see the fixture PROVENANCE.md); do the same to
 * ours before comparing.
 */
static void
redact_linkid(char *item)
{
	char *p = strstr(item, "|<LocalizedProperties>"), *s, *q, *end;

	if (p == NULL || (s = strstr(p, "<SupportUrl>")) == NULL ||
	    (end = strstr(s, "</SupportUrl>")) == NULL)
		return;
	if ((q = strstr(s, "LinkId=")) == NULL || q > end)
		return;
	q += strlen("LinkId=");
	if (strncmp(q, "REDACTED", 8) == 0)
		return;
	{
		char *d = q;

		while (*d >= '0' && *d <= '9')
			d++;
		if (strlen(item) + 8 >= 4096)
			return;
		memmove(q + 8, d, strlen(d) + 1);
		memcpy(q, "REDACTED", 8);
	}
}

/* Collect Update items (canonical "ID|Xml" with the id as UpdateID). */
static size_t
updates_of(const struct soap_node *res, const struct wh_idmap *m,
    char items[][4096], size_t max)
{
	const struct soap_node *u = wh_node(res, "Updates");
	size_t n = 0;

	for (u = u != NULL ? u->children : NULL; u != NULL && n < max;
	    u = u->next) {
		const char *uid = wh_map_uid(m, wh_int(wh_text(u, "ID")));

		if (uid == NULL)
			continue;
		snprintf(items[n], 4096, "%s|%s", uid, wh_text(u, "Xml"));
		redact_linkid(items[n]);
		n++;
	}
	return n;
}

/* This server's revision id of an update (its newest revision). */
int32_t
our_rid(const char *uid)
{
	struct store *st;
	char url[256], err[256];
	int64_t rid = -1;

	snprintf(url, sizeof(url), "sqlite://%s", T.srv.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	if (store_revision_lookup(st, uid, -1, &rid) != STORE_OK)
		fail_msg("%s is not in the store", uid);
	store_close(st);
	return (int32_t)rid;
}

static bool
item_in(char items[][4096], size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], want) == 0)
			return true;
	return false;
}

static int
computer_cb(const struct store_computer *c, void *arg)
{
	snprintf(arg, 64, "%s", c->dns_name);
	return 0;
}

static int
event_cb(const struct store_event_row *e, void *arg)
{
	(void)e;
	(*(size_t *)arg)++;
	return 0;
}

static void
test_flow_replay(void **state)
{
	static char cap_items[64][4096], our_items[64][4096];
	struct wh_idmap *fm = xcalloc(1, sizeof(*fm));
	struct wh_reply r;
	struct buf out;
	struct soap_request *a, *b;

	const struct soap_node *cl, *ol;
	char *req, *tmp, err[2048];
	size_t nc, no, cl_len;
	char *cap;
	int rc;

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	buf_init(&out, 1 << 20);
	rc = tl_ctl(&T.srv, &out, "-q", "approve", KB2267602, "--group",
	    "All Computers", (char *)NULL);
	if (rc != 0)
		fail_msg("approve: %d %s", rc, out.data ? out.data : "");
	buf_free(&out);
	usleep(1200 * 1000);	/* the catalogue polls the store every second */

	/* our ids of the six revisions whose documents we have: the
	 * captured ids name them by UpdateID (the map file); our ids for
	 * those UpdateIDs come from the store, because their prerequisites
	 * (Defender product and classification categories) are not in the
	 * test data, so no SyncUpdates round can offer them */
	load_flow_map(fm);
	for (size_t i = 0; i < fm->n; i++)
		wh_map_add(&T.ours, our_rid(fm->uid[i]), fm->uid[i]);

	/* flow/15 GetExtendedUpdateInfo: ids we cannot map get ids no
	 * revision has, which must come back as out of scope */
	tmp = wh_fixture(CAP "flow/15-GetExtendedUpdateInfo.request.xml", NULL);
	req = with_session(tmp);
	free(tmp);
	tmp = wh_map_ints(req, "revisionIDs", fm, &T.ours, true, 2000000001);
	free(req);
	wh_soap(&T.srv, WH_CLIENT, tmp, &r);
	free(tmp);
	if (getenv("WH_DUMP") != NULL)
		fprintf(stderr, "== flow/15\n%s\n", r.body.data);
	assert_int_equal(r.status, 200);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)) != 0)
		fail_msg("flow/15: %s\n%s", err, r.body.data);
	cap = wh_fixture(CAP "flow/15-GetExtendedUpdateInfo-with-FileLocations"
	    ".response.xml", &cl_len);
	a = wh_parse(cap, cl_len);
	b = wh_parse(r.body.data, r.body.len);
	assert_non_null(a);
	assert_non_null(b);
	nc = updates_of(wh_node(a->op, "GetExtendedUpdateInfoResult"), fm,
	    cap_items, 64);
	no = updates_of(wh_node(b->op, "GetExtendedUpdateInfoResult"),
	    &T.ours, our_items, 64);
	assert_int_equal(nc, 12);	/* Extended + en for the six */
	/*
	 * Every captured fragment of the six, byte for byte, except for
	 * the revision that is out of scope here: 7366a74a (Full Deltas
	 * 1.459.539.0) was bundled on the real server by an older
	 * KB2267602 revision that the test data does not have.
	 */
	{
		const struct soap_node *oos = wh_node(b->op,
		    "GetExtendedUpdateInfoResult/OutOfScopeRevisionIDs"), *e;
		int32_t old = our_rid("7366a74a-ef29-44e1-b738-570b516aca1f");
		size_t nout = 0, skipped = 0;
		bool old_out = false;

		for (e = oos != NULL ? oos->children : NULL; e; e = e->next) {
			nout++;
			old_out |= wh_int(e->text) == old;
		}
		for (size_t i = 0; i < nc; i++) {
			if (old_out && strncmp(cap_items[i], "7366a74a", 8) == 0) {
				skipped++;
				continue;
			}
			if (!item_in(our_items, no, cap_items[i]))
				fail_msg("flow/15: captured fragment missing "
				    "or different:\n%s\nours:\n%s",
				    cap_items[i], r.body.data);
		}
		assert_int_equal(no, nc - skipped);
		/* the 12 unknown ids are out of scope, nothing else */
		assert_int_equal(nout, 12 + (old_out ? 1 : 0));
	}
	/* our FileLocations = the captured ones of the same files */
	cl = wh_node(a->op, "GetExtendedUpdateInfoResult/FileLocations");
	ol = wh_node(b->op, "GetExtendedUpdateInfoResult/FileLocations");
	assert_non_null(ol);
	/* AM_Delta.exe (1.459.547.0), AM_Engine.exe, maybe 1.459.539.0 */
	assert_true(ol->nchildren == 2 || ol->nchildren == 3);
	for (const struct soap_node *f = ol->children; f != NULL; f = f->next) {
		const char *d = wh_text(f, "FileDigest"), *u = wh_text(f, "Url");
		char base[64];
		bool found = false;

		snprintf(base, sizeof(base), "http://127.0.0.1:%u/Content/",
		    T.srv.port);
		assert_true(strncmp(u, base, strlen(base)) == 0);
		for (const struct soap_node *g = cl->children; g != NULL;
		    g = g->next)
			if (strcmp(wh_text(g, "FileDigest"), d) == 0) {
				const char *cu = wh_text(g, "Url");

				assert_string_equal(strstr(cu, "/Content/"),
				    strstr(u, "/Content/"));
				found = true;
			}
		if (!found)
			fail_msg("file %s not in the captured answer", d);
	}
	soap_request_free(a);
	soap_request_free(b);
	free(cap);
	wh_reply_free(&r);

	/* flow/16 ReportEventBatch */
	tmp = wh_fixture(CAP "flow/16-ReportEventBatch.request.xml", NULL);
	req = with_session(tmp);
	free(tmp);
	replay(WH_REPORTING, req, CAP "flow/16-ReportEventBatch.response.xml",
	    true, &r);
	wh_reply_free(&r);
	free(req);
	free(fm);

	/* RegisterComputer and the report reached the store */
	{
		struct store *st;
		char url[256], dns[64] = "";
		int64_t id = 0;
		size_t nev = 0;

		snprintf(url, sizeof(url), "sqlite://%s", T.srv.db);
		assert_int_equal(store_open(url, &st, err, sizeof(err)),
		    STORE_OK);
		assert_int_equal(store_computer_find(st, CLIENT_ID, &id),
		    STORE_OK);
		assert_int_equal(store_computer_get(st, id, computer_cb, dns),
		    STORE_OK);
		assert_string_equal(dns, "REDACTED3");
		assert_int_equal(store_event_list(st, id, 0, event_cb, &nev),
		    STORE_OK);
		assert_int_equal(nev, 4);
		store_close(st);
	}
}

/* ---- endpoints, paths, unknown operations ---------------------------------- */

static void
test_paths_case_insensitive(void **state)
{
	static const char *const paths[] = {
		"/clientwebservice/CLIENT.ASMX", "/ClientWebService/Client.asmx",
		"/CLIENTWEBSERVICE/client.asmx",
	};
	char *req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	struct wh_reply r;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		wh_soap(&T.srv, paths[i], req, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body.data, "<GetConfigResult>"));
		assert_string_equal(wh_header(&r, "Content-Type"),
		    "text/xml; charset=utf-8");
		wh_reply_free(&r);
	}
	free(req);
}

static void
test_unknown_operation(void **state)
{
	static const char getconfig2[] = "<s:Envelope xmlns:s=\"http://"
	    "schemas.xmlsoap.org/soap/envelope/\"><s:Body><GetConfig2 xmlns="
	    "\"" WH_NS_CLIENT "\"><clientConfiguration/></GetConfig2></s:Body>"
	    "</s:Envelope>";
	static const char rollup[] = "<s:Envelope xmlns:s=\"http://"
	    "schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
	    "<ReportEventBatch2 xmlns=\"" WH_NS_REPORT "\"/></s:Body>"
	    "</s:Envelope>";
	struct wh_reply r;
	struct soap_request *q;
	char err[2048];

	(void)state;
	/* WCF: a:ActionNotSupported */
	wh_soap(&T.srv, WH_CLIENT, getconfig2, &r);
	assert_int_equal(r.status, 500);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)))
		fail_msg("%s", err);
	q = wh_parse(r.body.data, r.body.len);
	assert_string_equal(wh_text(q->op, "faultcode"), "a:ActionNotSupported");
	assert_non_null(strstr(wh_text(q->op, "faultstring"),
	    WH_NS_CLIENT "/GetConfig2"));
	soap_request_free(q);
	assert_null(strstr(r.body.data, "<?xml"));
	wh_reply_free(&r);
	/* ASMX: soap:Client, SOAPAction not recognized */
	wh_soap(&T.srv, WH_REPORTING, rollup, &r);
	assert_int_equal(r.status, 500);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)))
		fail_msg("%s", err);
	q = wh_parse(r.body.data, r.body.len);
	assert_string_equal(wh_text(q->op, "faultcode"), "soap:Client");
	assert_non_null(strstr(wh_text(q->op, "faultstring"),
	    "did not recognize"));
	soap_request_free(q);
	wh_reply_free(&r);
	/* an operation of another service at this endpoint */
	{
		char *req = wh_fixture(CAP "scan/01-GetConfig.request.xml",
		    NULL);

		wh_soap(&T.srv, WH_SIMPLEAUTH, req, &r);
		assert_int_equal(r.status, 500);
		assert_non_null(strstr(r.body.data, "soap:Client"));
		wh_reply_free(&r);
		free(req);
	}
}

/*
 * The comparison itself must see every difference that matters: a
 * captured answer compared with a changed copy of itself.
 */
static char *
replace_once(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	struct buf b;

	assert_non_null(p);
	buf_init(&b, 1u << 24);
	buf_append(&b, s, (size_t)(p - s));
	buf_puts(&b, to);
	buf_puts(&b, p + strlen(from));
	return buf_steal(&b, NULL);
}

static void
test_comparison_is_strict(void **state)
{
	static const char *const changes[][2] = {
		{ "<IsLeaf>false</IsLeaf>", "<IsLeaf>true</IsLeaf>" },
		{ "<Action>Evaluate</Action>", "<Action>Install</Action>" },
		{ "RevisionNumber=\"101\"", "RevisionNumber=\"102\"" },
		{ "<Truncated>false</Truncated>", "<Truncated>true</Truncated>" },
		{ "<AutoSelect>0</AutoSelect>", "" },
		{ "<IsAssigned>true</IsAssigned>", "<IsAssigned>false</IsAssigned>" },
		{ "<DriverSyncNotNeeded>true", "<DriverSyncNotNeeded>false" },
		{ "<s:Body xmlns:xsi", "<s:Body  xmlns:xsi" },
		{ "<LastChangeTime>2026-10-04</LastChangeTime>",
		  "<LastChangeTime>2026-10-04T00:00:00Z</LastChangeTime>" },
		{ "<ID>108226</ID>", "<ID>72571</ID>" },
	};
	struct wh_idmap *m = xcalloc(1, sizeof(*m));
	size_t len;
	char *cap = wh_fixture(CAP "scan/06-SyncUpdates-first.response.xml",
	    &len), err[2048];

	(void)state;
	wh_map_add(m, 108226, "56309036-4c77-4dd9-951a-99ee9c246a94");
	wh_map_add(m, 72571, "dd78b8a1-0b20-45c1-add6-4da72e9364cf");
	assert_int_equal(wh_compare(cap, len, m, cap, len, m, err,
	    sizeof(err)), 0);
	assert_int_equal(wh_compare_masked(cap, len, cap, len, err,
	    sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		char *other = replace_once(cap, changes[i][0], changes[i][1]);
		bool found = wh_compare(cap, len, m, other, strlen(other), m,
		    err, sizeof(err)) != 0 || (i == 9 ? false :
		    wh_compare_masked(cap, len, other, strlen(other), err,
		    sizeof(err)) != 0);

		if (!found)
			fail_msg("change %zu (%s) not noticed", i,
			    changes[i][0]);
		free(other);
	}
	free(cap);
	free(m);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comparison_is_strict),
		cmocka_unit_test(test_scan_replay),
		cmocka_unit_test(test_cookie_faults),
		cmocka_unit_test(test_get_cookie_faults),
		cmocka_unit_test(test_too_many_nonleaf),
		cmocka_unit_test(test_extended_limits),
		cmocka_unit_test(test_flow_replay),
		cmocka_unit_test(test_paths_case_insensitive),
		cmocka_unit_test(test_unknown_operation),
		cmocka_unit_test(test_last_change_moves),
		cmocka_unit_test(test_file_locations_host),
		cmocka_unit_test(test_other_operations),
	};

	return WH_RUN(argc, argv, tests, group_setup, group_teardown);
}
