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
 * clients did not call.  Differences that must stay: docs/WUSP.md.
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
#include "wusp/cookie.h"
#include "wusp_harness.h"

#define CAP	"soap/wusp-native-capture/"
#define CLIENT_ID "e1da06a3-5601-43c9-bac3-52d5db701494"
#define KB2267602 "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"

static struct {
	struct tl_wsusd srv;
	struct wh_idmap	 cap, ours;	/* revision ids of both servers */
	char		 last_change[64];
	char		 auth[COOKIE_B64_BUFSZ];
	char		 expiration[64];	/* current session cookie */
	char		 session[COOKIE_B64_BUFSZ];
	bool		 scanned;	/* test_scan_replay passed */
	struct cookie_keyring kr;	/* the server's, for forging */
	uint8_t		 instance[16];
} T;

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
static void
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
static void
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

static char *
with_session(const char *xml)
{
	return wh_set_cookie(xml, T.expiration, T.session);
}

/* Seal a session cookie with the server's key (for forging tests). */
static void
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
static void
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
	struct soap_request *q;
	char *req, *tmp;

	(void)state;
	/* 01 GetConfig */
	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	replay(WH_CLIENT, req, CAP "scan/01-GetConfig.response.xml", true, &r);
	q = wh_parse(r.body.data, r.body.len);
	snprintf(T.last_change, sizeof(T.last_change), "%s",
	    wh_text(q->op, "GetConfigResult/LastChange"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);

	/* 02 GetAuthorizationCookie (SimpleAuth, ASMX style) */
	req = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml",
	    NULL);
	replay(WH_SIMPLEAUTH, req,
	    CAP "scan/02-GetAuthorizationCookie.response.xml", true, &r);
	q = wh_parse(r.body.data, r.body.len);
	snprintf(T.auth, sizeof(T.auth), "%s",
	    wh_text(q->op, "GetAuthorizationCookieResult/CookieData"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);

	/* 03 GetCookie: our authorization cookie and LastChange */
	req = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
	tmp = wh_set_text(req, "<AuthorizationCookie>", "CookieData", T.auth);
	free(req);
	req = wh_set_text(tmp, NULL, "lastChange", T.last_change);
	free(tmp);
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
static int32_t
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

/* ---- cookies ------------------------------------------------------------------ */

static char *
sync_request(const char *exp, const char *data)
{
	char *tmp = wh_fixture(CAP "scan/06-SyncUpdates-first.request.xml",
	    NULL);
	char *req = wh_set_cookie(tmp, exp, data);

	free(tmp);
	return req;
}

static void
expect_sync_fault(const char *exp, const char *data, const char *code)
{
	char *req = sync_request(exp, data);
	struct wh_reply r;

	wh_soap(&T.srv, WH_CLIENT, req, &r);
	expect_fault(&r, code, NULL);
	wh_reply_free(&r);
	free(req);
}

static void
test_cookie_faults(void **state)
{
	struct wusp_session_cookie s, f;
	struct cookie_keyring other;
	uint8_t inst[16], master[32];
	char b64[COOKIE_B64_BUFSZ], exp[SOAP_DATETIME_MAX], err[160];
	int64_t now = (int64_t)time(NULL);

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	open_session(&s);

	/* garbage, truncated, tampered, empty, missing */
	expect_sync_fault(T.expiration, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "InvalidCookie");
	snprintf(b64, sizeof(b64), "%.*s", (int)strlen(T.session) - 8,
	    T.session);
	expect_sync_fault(T.expiration, b64, "InvalidCookie");
	snprintf(b64, sizeof(b64), "%s", T.session);
	b64[20] = b64[20] == 'A' ? 'B' : 'A';
	expect_sync_fault(T.expiration, b64, "InvalidCookie");
	expect_sync_fault(T.expiration, "", "InvalidCookie");
	expect_sync_fault(T.expiration, "!!not base64!!", "InvalidCookie");
	/* the clear Expiration is bound to the sealed one */
	expect_sync_fault("2099-01-01T00:00:00Z", T.session, "InvalidCookie");
	{
		static const char nocookie[] = "<s:Envelope xmlns:s=\"http://"
		    "schemas.xmlsoap.org/soap/envelope/\"><s:Body><SyncUpdates "
		    "xmlns=\"" WH_NS_CLIENT "\"><parameters><ExpressQuery>false"
		    "</ExpressQuery><SkipSoftwareSync>false</SkipSoftwareSync>"
		    "</parameters></SyncUpdates></s:Body></s:Envelope>";
		struct wh_reply r;

		wh_soap(&T.srv, WH_CLIENT, nocookie, &r);
		expect_fault(&r, "InvalidCookie", NULL);
		wh_reply_free(&r);
	}

	/* expired */
	f = s;
	f.issued_at = now - 7200;
	f.expires_at = now - 3600;
	seal(&T.kr, &f, b64, exp);
	expect_sync_fault(exp, b64, "CookieExpired");

	/* another server instance: ServerChanged */
	memcpy(inst, T.instance, 16);
	inst[0] ^= 0xff;
	memset(master, 0, sizeof(master));
	{
		/* same key, other instance: authentic but foreign */
		struct store *st;
		char url[256], *key = NULL;

		snprintf(url, sizeof(url), "sqlite://%s", T.srv.db);
		assert_int_equal(store_open(url, &st, err, sizeof(err)),
		    STORE_OK);
		assert_int_equal(store_setting_get(st, SETTING_COOKIE_KEY,
		    &key), STORE_OK);
		assert_int_equal(hex_decode(key, master, 32), 0);
		free(key);
		store_close(st);
	}
	assert_int_equal(cookie_keyring_init(&other, master, inst, 1, err,
	    sizeof(err)), 0);
	seal(&other, &s, b64, exp);
	expect_sync_fault(exp, b64, "ServerChanged");
	cookie_keyring_clear(&other);

	/* another key altogether: InvalidCookie */
	memset(master, 0x5a, sizeof(master));
	assert_int_equal(cookie_keyring_init(&other, master, T.instance, 1, err,
	    sizeof(err)), 0);
	seal(&other, &s, b64, exp);
	expect_sync_fault(exp, b64, "InvalidCookie");
	cookie_keyring_clear(&other);

	/* an older configuration: ConfigChanged */
	f = s;
	f.config_last_change -= 10000000;
	seal(&T.kr, &f, b64, exp);
	expect_sync_fault(exp, b64, "ConfigChanged");

	/* a client that never registered: RegistrationRequired */
	f = s;
	snprintf(f.client_id, sizeof(f.client_id),
	    "0badc0de-0000-4000-8000-000000000001");
	seal(&T.kr, &f, b64, exp);
	expect_sync_fault(exp, b64, "RegistrationRequired");
}

static void
test_get_cookie_faults(void **state)
{
	struct wh_reply r;
	char *base, *req;

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	base = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
	/* the captured (redacted) authorization cookie is not ours */
	req = wh_set_text(base, NULL, "lastChange", T.last_change);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	expect_fault(&r, "InvalidAuthorizationCookie", NULL);
	wh_reply_free(&r);
	free(req);
	/* a LastChange the server never had: ConfigChanged */
	req = wh_set_text(base, "<AuthorizationCookie>", "CookieData", T.auth);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	expect_fault(&r, "ConfigChanged", NULL);
	wh_reply_free(&r);
	free(req);
	/* a session cookie where an authorization cookie belongs */
	req = wh_set_text(base, "<AuthorizationCookie>", "CookieData",
	    T.session);
	{
		char *t = wh_set_text(req, NULL, "lastChange", T.last_change);

		free(req);
		req = t;
	}
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	expect_fault(&r, "InvalidAuthorizationCookie", NULL);
	wh_reply_free(&r);
	free(req);
	free(base);

	/* an expired authorization cookie */
	{
		struct wusp_auth_cookie a;
		char b64[COOKIE_B64_BUFSZ], err[160], *t;
		int64_t now = (int64_t)time(NULL);

		memset(&a, 0, sizeof(a));
		snprintf(a.client_id, sizeof(a.client_id), CLIENT_ID);
		a.issued_at = now - 7200;
		a.expires_at = now - 1;
		assert_int_equal(cookie_seal_wusp_auth(&T.kr, &a, b64,
		    sizeof(b64), err, sizeof(err)), 0);
		base = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
		t = wh_set_text(base, "<AuthorizationCookie>", "CookieData",
		    b64);
		req = wh_set_text(t, NULL, "lastChange", T.last_change);
		free(t);
		wh_soap(&T.srv, WH_CLIENT, req, &r);
		expect_fault(&r, "CookieExpired", NULL);
		wh_reply_free(&r);
		free(req);
		free(base);
	}
}

/* 401 installed non-leaf ids: the fault real WSUS sent (captured). */
static void
test_too_many_nonleaf(void **state)
{
	struct buf ids;
	struct wh_reply r;
	char *tmp, *req, err[2048], *cap;
	size_t clen;

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	buf_init(&ids, 1 << 20);
	buf_puts(&ids, "<ExpressQuery>false</ExpressQuery>"
	    "<InstalledNonLeafUpdateIDs>");
	for (int i = 0; i < 401; i++)
		buf_printf(&ids, "<int>%d</int>", 100000 + i);
	buf_puts(&ids, "</InstalledNonLeafUpdateIDs>");
	tmp = sync_request(T.expiration, T.session);
	req = wh_set_text(tmp, NULL, "parameters", "");
	free(tmp);
	{
		/* put the ids in parameters */
		char *p = strstr(req, "<parameters>") + strlen("<parameters>");
		struct buf b;

		buf_init(&b, 1 << 22);
		buf_append(&b, req, (size_t)(p - req));
		buf_puts(&b, ids.data);
		buf_puts(&b, "<SkipSoftwareSync>false</SkipSoftwareSync>");
		buf_puts(&b, p);
		free(req);
		req = buf_steal(&b, NULL);
	}
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	expect_fault(&r, "InvalidParameters",
	    "parameters.InstalledNonLeafUpdateIDs");
	cap = wh_fixture("soap/wusp-driver-capture/"
	    "000141-SyncUpdates-InvalidParameters.fault.response.xml", &clen);
	if (wh_compare_masked(cap, clen, r.body.data, r.body.len, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	free(cap);
	wh_reply_free(&r);
	free(req);
	buf_free(&ids);

	/* 400 is fine */
	{
		struct buf b;

		buf_init(&b, 1 << 20);
		buf_puts(&b, "<ExpressQuery>false</ExpressQuery>"
		    "<InstalledNonLeafUpdateIDs>");
		for (int i = 0; i < 400; i++)
			buf_printf(&b, "<int>%d</int>", 100000 + i);
		buf_puts(&b, "</InstalledNonLeafUpdateIDs><SkipSoftwareSync>"
		    "false</SkipSoftwareSync>");
		tmp = sync_request(T.expiration, T.session);
		req = wh_set_text(tmp, NULL, "parameters", b.data);
		free(tmp);
		wh_soap(&T.srv, WH_CLIENT, req, &r);
		assert_int_equal(r.status, 200);
		keep_session(&r, "SyncUpdatesResult/NewCookie");
		wh_reply_free(&r);
		free(req);
		buf_free(&b);
	}
}

/* GetExtendedUpdateInfo: MaxExtendedUpdatesPerRequest and locales. */
static void
test_extended_limits(void **state)
{
	struct buf ids;
	struct wh_reply r;
	char *tmp, *req;

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	buf_init(&ids, 1 << 20);
	for (int i = 0; i < 51; i++)
		buf_printf(&ids, "<int>%d</int>", i + 1);
	tmp = wh_fixture(CAP "scan/10-GetExtendedUpdateInfo.request.xml", NULL);
	req = with_session(tmp);
	free(tmp);
	tmp = wh_set_text(req, NULL, "revisionIDs", ids.data);
	wh_soap(&T.srv, WH_CLIENT, tmp, &r);
	expect_fault(&r, "InvalidParameters", "revisionIDs");
	wh_reply_free(&r);
	free(tmp);
	/* LocalizedProperties without locales */
	tmp = wh_set_text(req, NULL, "locales", "");
	wh_soap(&T.srv, WH_CLIENT, tmp, &r);
	expect_fault(&r, "InvalidParameters", "locales");
	wh_reply_free(&r);
	free(tmp);
	/* an unknown fragment type */
	tmp = wh_set_text(req, NULL, "infoTypes",
	    "<XmlUpdateFragmentType>Everything</XmlUpdateFragmentType>");
	wh_soap(&T.srv, WH_CLIENT, tmp, &r);
	expect_fault(&r, "InvalidParameters", "infoTypes");
	wh_reply_free(&r);
	free(tmp);
	free(req);
	buf_free(&ids);
}

/* ---- LastChange ------------------------------------------------------------------ */

static void
set_targeting(enum targeting_mode m)
{
	struct store *st;
	char url[256], err[256];

	snprintf(url, sizeof(url), "sqlite://%s", T.srv.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_targeting_set(st, m), STORE_OK);
	store_close(st);
}

static void
test_last_change_moves(void **state)
{
	char *req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	char before[64], after[64];
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	q = wh_parse(r.body.data, r.body.len);
	snprintf(before, sizeof(before), "%s",
	    wh_text(q->op, "GetConfigResult/LastChange"));
	soap_request_free(q);
	wh_reply_free(&r);
	assert_string_equal(before, T.last_change);	/* stable */

	set_targeting(TARGETING_CLIENT);
	usleep(1200 * 1000);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	q = wh_parse(r.body.data, r.body.len);
	snprintf(after, sizeof(after), "%s",
	    wh_text(q->op, "GetConfigResult/LastChange"));
	soap_request_free(q);
	wh_reply_free(&r);
	assert_string_not_equal(before, after);
	/* the session from before the change: ConfigChanged */
	expect_sync_fault(T.expiration, T.session, "ConfigChanged");

	set_targeting(TARGETING_SERVER);
	usleep(1200 * 1000);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	q = wh_parse(r.body.data, r.body.len);
	assert_string_not_equal(wh_text(q->op, "GetConfigResult/LastChange"),
	    after);
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);
	T.scanned = false;	/* the session is stale now */
}

/* ---- URLs and the remaining operations ------------------------------------------- */

/* A fresh handshake (GetConfig, GetAuthorizationCookie, GetCookie,
 * RegisterComputer) for client_id. */
static void
handshake(const char *client_id)
{
	struct wh_reply r;
	struct soap_request *q;
	char *req, *tmp;

	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	q = wh_parse(r.body.data, r.body.len);
	snprintf(T.last_change, sizeof(T.last_change), "%s",
	    wh_text(q->op, "GetConfigResult/LastChange"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);

	tmp = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml", NULL);
	req = wh_set_text(tmp, NULL, "clientId", client_id);
	free(tmp);
	wh_soap(&T.srv, WH_SIMPLEAUTH, req, &r);
	assert_int_equal(r.status, 200);
	q = wh_parse(r.body.data, r.body.len);
	snprintf(T.auth, sizeof(T.auth), "%s",
	    wh_text(q->op, "GetAuthorizationCookieResult/CookieData"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);

	req = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
	tmp = wh_set_text(req, "<AuthorizationCookie>", "CookieData", T.auth);
	free(req);
	req = wh_set_text(tmp, NULL, "lastChange", T.last_change);
	free(tmp);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	keep_session(&r, "GetCookieResult");
	wh_reply_free(&r);
	free(req);

	tmp = wh_fixture(CAP "scan/04-RegisterComputer.request.xml", NULL);
	req = with_session(tmp);
	free(tmp);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_free(&r);
	free(req);
}

static void
file_locations(const char *host_hdr, const char *want_base)
{
	/* SHA-1 of AM_Delta.exe of 266f6222 (D2zd..) and of AM_Engine.exe */
	char body[4096], *req;
	struct wh_post p;
	struct wh_reply r;
	struct soap_request *q;
	const struct soap_node *fl;
	char err[2048], hdr[300];

	snprintf(body, sizeof(body), "<s:Envelope xmlns:s=\"http://schemas."
	    "xmlsoap.org/soap/envelope/\"><s:Body><GetFileLocations xmlns=\""
	    WH_NS_CLIENT "\"><cookie><Expiration>%s</Expiration>"
	    "<EncryptedData>%s</EncryptedData></cookie><fileDigests>"
	    "<base64Binary>h/W9BGlYUAaqXTp30cZi/SiV3c0=</base64Binary>"
	    "<base64Binary>vXidQqLgJwCO4+fE++5nIN1txMk=</base64Binary>"
	    "<base64Binary>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</base64Binary>"
	    "</fileDigests></GetFileLocations></s:Body></s:Envelope>",
	    T.expiration, T.session);
	req = body;
	memset(&p, 0, sizeof(p));
	p.path = WH_CLIENT;
	p.action = "\"" WH_NS_CLIENT "/GetFileLocations\"";
	p.body = req;
	p.len = strlen(req);
	if (host_hdr != NULL) {
		snprintf(hdr, sizeof(hdr), "Host: %s", host_hdr);
		p.hdr[0] = hdr;
	}
	wh_send(&T.srv, &p, &r);
	if (r.status != 200)
		fail_msg("GetFileLocations: %ld %s", r.status, r.body.data);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)))
		fail_msg("%s", err);
	q = wh_parse(r.body.data, r.body.len);
	fl = wh_node(q->op, "GetFileLocationsResult/FileLocations");
	assert_non_null(fl);
	assert_int_equal(fl->nchildren, 2);	/* the zero digest is unknown */
	for (const struct soap_node *f = fl->children; f; f = f->next) {
		const char *u = wh_text(f, "Url");

		if (strncmp(u, want_base, strlen(want_base)) != 0)
			fail_msg("Url %s, want %s...", u, want_base);
	}
	assert_string_equal(wh_text(fl->children, "Url") + strlen(want_base),
	    "/Content/CD/87F5BD0469585006AA5D3A77D1C662FD2895DDCD.exe");
	assert_non_null(wh_node(q->op, "GetFileLocationsResult/NewCookie"));
	soap_request_free(q);
	wh_reply_free(&r);
}

static void
test_file_locations_host(void **state)
{
	char base[128];

	(void)state;
	handshake(CLIENT_ID);
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", T.srv.port);
	file_locations(NULL, base);
	file_locations("wsus.example.org:8530", "http://wsus.example.org:8530");
	file_locations("wsus.example.org", "http://wsus.example.org");
	file_locations("[::1]:8530", "http://[::1]:8530");
	/* invalid Host values fall back to the listener address */
	file_locations("evil.example/x?", base);
	file_locations("a b", base);
	file_locations("host:99999", base);
	T.scanned = true;
}

static void
test_other_operations(void **state)
{
	struct wh_reply r;
	struct soap_request *q;
	char body[8192], err[2048];
	int32_t rid;

	(void)state;
	if (!T.scanned)
		fail_msg("no scanned session: an earlier test failed");
	rid = our_rid(KB2267602);

	/* RefreshCache: the approved bundle comes back with Install */
	snprintf(body, sizeof(body), "<s:Envelope xmlns:s=\"http://schemas."
	    "xmlsoap.org/soap/envelope/\"><s:Body><RefreshCache xmlns=\""
	    WH_NS_CLIENT "\"><cookie><Expiration>%s</Expiration>"
	    "<EncryptedData>%s</EncryptedData></cookie><globalIDs>"
	    "<UpdateIdentity><UpdateID>" KB2267602 "</UpdateID>"
	    "<RevisionNumber>200</RevisionNumber></UpdateIdentity>"
	    "<UpdateIdentity><UpdateID>" KB2267602 "</UpdateID>"
	    "<RevisionNumber>199</RevisionNumber></UpdateIdentity>"
	    "<UpdateIdentity><UpdateID>00000000-0000-0000-0000-00000000abcd"
	    "</UpdateID><RevisionNumber>1</RevisionNumber></UpdateIdentity>"
	    "</globalIDs></RefreshCache></s:Body></s:Envelope>",
	    T.expiration, T.session);
	wh_soap(&T.srv, WH_CLIENT, body, &r);
	assert_int_equal(r.status, 200);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)))
		fail_msg("%s\n%s", err, r.body.data);
	q = wh_parse(r.body.data, r.body.len);
	{
		const struct soap_node *res = wh_node(q->op,
		    "RefreshCacheResult");

		assert_non_null(res);
		assert_int_equal(res->nchildren, 1);
		assert_int_equal(wh_int(wh_text(res->children, "RevisionID")),
		    rid);
		assert_string_equal(wh_text(res->children,
		    "Deployment/Action"), "Install");
		assert_string_equal(wh_text(res->children, "IsLeaf"), "true");
	}
	soap_request_free(q);
	wh_reply_free(&r);

	/* GetExtendedUpdateInfo2 with FileUrl */
	snprintf(body, sizeof(body), "<s:Envelope xmlns:s=\"http://schemas."
	    "xmlsoap.org/soap/envelope/\"><s:Body><GetExtendedUpdateInfo2 "
	    "xmlns=\"" WH_NS_CLIENT "\"><cookie><Expiration>%s</Expiration>"
	    "<EncryptedData>%s</EncryptedData></cookie><updateIDs>"
	    "<UpdateIdentity><UpdateID>266F6222-C89D-43F2-9F8A-69340271E677"
	    "</UpdateID><RevisionNumber>200</RevisionNumber></UpdateIdentity>"
	    "</updateIDs><infoTypes><XmlUpdateFragmentType>Extended"
	    "</XmlUpdateFragmentType><XmlUpdateFragmentType>FileUrl"
	    "</XmlUpdateFragmentType></infoTypes><locales><string>en"
	    "</string></locales></GetExtendedUpdateInfo2></s:Body>"
	    "</s:Envelope>", T.expiration, T.session);
	wh_soap(&T.srv, WH_CLIENT, body, &r);
	assert_int_equal(r.status, 200);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)))
		fail_msg("%s\n%s", err, r.body.data);
	q = wh_parse(r.body.data, r.body.len);
	assert_non_null(wh_node(q->op,
	    "GetExtendedUpdateInfo2Result/Updates/Update"));
	assert_int_equal(wh_node(q->op,
	    "GetExtendedUpdateInfo2Result/FileLocations")->nchildren, 1);
	soap_request_free(q);
	wh_reply_free(&r);

	/* a driver pass with a SystemSpec shaped like the native one
	 * (nil MatchingComputerHWID, extension drivers, compatible ids) */
	{
		static const char dev[] = "<Device><HardwareIDs><string>"
		    "PCI\\VEN_8086&amp;DEV_2935&amp;SUBSYS_11001AF4&amp;REV_03"
		    "</string><string>PCI\\VEN_8086&amp;DEV_2935</string>"
		    "</HardwareIDs><CompatibleIDs><string>PCI\\VEN_8086"
		    "</string></CompatibleIDs><installedDriver><MatchingID>"
		    "PCI\\VEN_8086&amp;DEV_2935</MatchingID><DriverVerDate>"
		    "2006-06-21T00:00:00Z</DriverVerDate><DriverVerVersion>"
		    "2814751477604080</DriverVerVersion><Class>{36FC9E60-C465-"
		    "11CF-8056-444553540000}</Class><MatchingComputerHWID "
		    "a:nil=\"true\" xmlns:a=\"http://www.w3.org/2001/"
		    "XMLSchema-instance\"/><DriverRank>16719873</DriverRank>"
		    "</installedDriver><extensionDrivers><ExtensionDriver>"
		    "<ExtensionId>{96BEDF2C-18CB-4A15-B821-5E95ED0FEA61}"
		    "</ExtensionId></ExtensionDriver></extensionDrivers>"
		    "<DeviceFlags>1</DeviceFlags></Device>";
		struct buf b;
		char *tmp, *req;

		buf_init(&b, 1u << 24);
		buf_puts(&b, "<ExpressQuery>false</ExpressQuery><SystemSpec>");
		for (int i = 0; i < 3; i++)
			buf_puts(&b, dev);
		buf_puts(&b, "</SystemSpec><SkipSoftwareSync>true"
		    "</SkipSoftwareSync><ComputerSpec><HardwareIDs><guid>"
		    "458ab48b-acb9-5863-b5a8-d2c32f0d3e6f</guid></HardwareIDs>"
		    "</ComputerSpec><FeatureScoreMatchingKey>AMD64.10.0"
		    "</FeatureScoreMatchingKey>");
		tmp = wh_fixture(CAP "scan/06-SyncUpdates-first.request.xml",
		    NULL);
		req = wh_set_cookie(tmp, T.expiration, T.session);
		free(tmp);
		tmp = wh_set_text(req, NULL, "parameters", b.data);
		wh_soap(&T.srv, WH_CLIENT, tmp, &r);
		if (r.status != 200)
			fail_msg("driver pass: %ld %s", r.status, r.body.data);
		if (wh_validate(&T.srv, r.body.data, r.body.len, err,
		    sizeof(err)))
			fail_msg("%s\n%s", err, r.body.data);
		q = wh_parse(r.body.data, r.body.len);
		assert_null(wh_node(q->op, "SyncUpdatesResult/NewUpdates"));
		assert_string_equal(wh_text(q->op,
		    "SyncUpdatesResult/DriverSyncNotNeeded"), "true");
		soap_request_free(q);
		keep_session(&r, "SyncUpdatesResult/NewCookie");
		wh_reply_free(&r);
		free(tmp);
		free(req);
		/* more devices than SYNC_MAX_DEVICES */
		buf_reset(&b);
		buf_puts(&b, "<ExpressQuery>false</ExpressQuery><SystemSpec>");
		for (int i = 0; i < 4097; i++)
			buf_puts(&b, "<Device/>");
		buf_puts(&b, "</SystemSpec><SkipSoftwareSync>true"
		    "</SkipSoftwareSync>");
		tmp = wh_fixture(CAP "scan/06-SyncUpdates-first.request.xml",
		    NULL);
		req = wh_set_cookie(tmp, T.expiration, T.session);
		free(tmp);
		tmp = wh_set_text(req, NULL, "parameters", b.data);
		wh_soap(&T.srv, WH_CLIENT, tmp, &r);
		expect_fault(&r, "InvalidParameters", "parameters.SystemSpec");
		wh_reply_free(&r);
		free(tmp);
		free(req);
		buf_free(&b);
	}

	/* SyncPrinterCatalog: an empty, complete SyncInfo */
	snprintf(body, sizeof(body), "<s:Envelope xmlns:s=\"http://schemas."
	    "xmlsoap.org/soap/envelope/\"><s:Body><SyncPrinterCatalog "
	    "xmlns=\"" WH_NS_CLIENT "\"><cookie><Expiration>%s</Expiration>"
	    "<EncryptedData>%s</EncryptedData></cookie>"
	    "<installedNonLeafUpdateIDs><int>1</int></installedNonLeafUpdateIDs>"
	    "</SyncPrinterCatalog></s:Body></s:Envelope>",
	    T.expiration, T.session);
	wh_soap(&T.srv, WH_CLIENT, body, &r);
	assert_int_equal(r.status, 200);
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err)))
		fail_msg("%s\n%s", err, r.body.data);
	q = wh_parse(r.body.data, r.body.len);
	assert_string_equal(wh_text(q->op,
	    "SyncPrinterCatalogResult/Truncated"), "false");
	assert_non_null(wh_node(q->op, "SyncPrinterCatalogResult/NewCookie"));
	soap_request_free(q);
	wh_reply_free(&r);
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
	int rc;

	if (wh_main_args(argc, argv) != 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
