/*
 * test_upstream.c — the MS-WSUSSS upstream services of a running wsusd,
 * driven by requests shaped as real downstreams send them (the captured
 * requests of tests/fixtures/soap/wsusss-capture, the spec's §4 samples in
 * tests/fixtures/soap/wsusss-spec, a WSUS 3.0 SP2 profile at protocol 1.8,
 * Microsoft's sync library at 1.7), each answer validated against the WSDL
 * schema and, where the real Server 2025 answer exists, compared with it
 * (structure, order, identities, fault codes).  Bad input must get the
 * spec's fault and leave the database unchanged (these tests and the
 * versions, replica and allow-list ones: test_upstream_more.c; what both
 * files share: upstream_test.h).
 *
 * Usage: test_wsusss_upstream WSUSD WSUSCTL FIXTURES_DIR
 */
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

#include "metadata/cab.h"
#include "soap/soap_request.h"
#include "util/buf.h"
#include "util/encode.h"
#include "upstream_test.h"
#include "wusp_harness.h"

struct upstream_fixture g;

/* ---- helpers ---------------------------------------------------------- */

void
post(const char *path, const char *body, struct wh_reply *r)
{
	wh_soap(&g.srv, path, body, r);
	assert_int_equal(r->rc, CURLE_OK);
}

static void
valid(const struct wh_reply *r)
{
	char err[2048];

	if (wh_validate(&g.srv, r->body.data, r->body.len, err,
	    sizeof(err)) != 0)
		fail_msg("answer does not validate: %s\n%.2000s", err,
		    r->body.data);
}

/* 200 and schema-valid; the parsed answer (free with soap_request_free) */
struct soap_request *
ok(const struct wh_reply *r)
{
	struct soap_request *q;

	if (r->status != 200)
		fail_msg("status %ld: %.3000s", r->status, r->body.data);
	valid(r);
	q = wh_parse(r->body.data, r->body.len);
	assert_non_null(q);
	return q;
}

void
post_ok(const char *path, const char *body)
{
	struct wh_reply r;

	post(path, body, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
}

/* the fault's ErrorCode ("" when none); the answer must validate */
void
expect_fault(const struct wh_reply *r, const char *code, const char *msg)
{
	struct soap_request *q;
	const char *ec, *m;

	assert_int_equal(r->status, 500);
	valid(r);
	q = wh_parse(r->body.data, r->body.len);
	assert_non_null(q);
	ec = wh_text(q->op, "detail/ErrorCode");
	if (ec == NULL || strcmp(ec, code) != 0)
		fail_msg("want fault %s, got %s: %.1500s", code,
		    ec != NULL ? ec : "(none)", r->body.data);
	if (msg != NULL) {
		m = wh_text(q->op, "detail/Message");
		if (m == NULL || strcmp(m, msg) != 0)
			fail_msg("fault Message '%s', want '%s'",
			    m != NULL ? m : "(none)", msg);
	}
	soap_request_free(q);
}

void
post_fault(const char *path, const char *body, const char *code,
    const char *msg)
{
	struct wh_reply r;

	post(path, body, &r);
	expect_fault(&r, code, msg);
	wh_reply_free(&r);
}

/* replace the text of every <name>..</name> by "*" */
static char *
mask(const char *xml, const char *name)
{
	char open[96], close[96];
	struct buf out;
	const char *p = xml, *a, *b;

	snprintf(open, sizeof(open), "<%s>", name);
	snprintf(close, sizeof(close), "</%s>", name);
	buf_init(&out, 256u << 20);
	while ((a = strstr(p, open)) != NULL &&
	    (b = strstr(a, close)) != NULL) {
		buf_append(&out, p, (size_t)(a - p) + strlen(open));
		buf_puts(&out, "*");
		p = b;
	}
	buf_puts(&out, p);
	return buf_steal(&out, NULL);
}

static char *
mask_all(const char *xml, const char *const *names)
{
	char *cur = strdup(xml);

	for (; *names != NULL; names++) {
		char *n = mask(cur, *names);

		free(cur);
		cur = n;
	}
	return cur;
}

/* compare with a captured real answer after masking names */
static void
compare_capture(const char *cap_file, const struct wh_reply *r,
    const char *const *masked)
{
	static const char *const none[] = { NULL };
	size_t clen;
	char *cap = wh_fixture(cap_file, &clen);
	char *a = mask_all(cap, masked != NULL ? masked : none);
	char *b = mask_all(r->body.data, masked != NULL ? masked : none);
	char err[1024];

	if (wh_compare(a, strlen(a), NULL, b, strlen(b), NULL, err,
	    sizeof(err)) != 0)
		fail_msg("differs from %s: %s\nours: %.3000s", cap_file, err, b);
	free(a);
	free(b);
	free(cap);
}

char *
with_cookie(const char *xml, const char *exp, const char *data)
{
	return wh_set_cookie(xml, exp, data);
}

char *
session_req(const char *fixture)
{
	char *x = wh_fixture(fixture, NULL);
	char *y = with_cookie(x, g.exp, g.data);

	free(x);
	return y;
}

/* GetCookie at a protocol version; the session cookie into exp/data */
void
get_session(const char *version, char *exp, size_t explen, char *data,
    size_t datalen)
{
	char *x = wh_fixture(CAP "000003-GetCookie.request.xml", NULL);
	char *y = wh_set_text(x, NULL, "CookieData", g.auth);
	char *z = wh_set_text(y, NULL, "protocolVersion", version);
	struct wh_reply r;
	struct soap_request *q;

	post(SS, z, &r);
	q = ok(&r);
	snprintf(exp, explen, "%s", wh_text(q->op, "GetCookieResult/Expiration"));
	snprintf(data, datalen, "%s",
	    wh_text(q->op, "GetCookieResult/EncryptedData"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
	free(y);
	free(z);
}

/* the UpdateIDs of NewRevisions, "uid/rev;" joined */
void
revisions(const struct soap_request *q, struct buf *out)
{
	const struct soap_node *n = wh_node(q->op,
	    "GetRevisionIdListResult/NewRevisions"), *e;

	assert_non_null(n);
	buf_init(out, 1u << 20);
	buf_puts(out, "");
	SOAP_FOREACH_CHILD(e, n, "UpdateIdentity")
		buf_printf(out, "%s/%s;", soap_child_text(e, "UpdateID"),
		    soap_child_text(e, "RevisionNumber"));
}

static void
anchor_form(const char *a)
{
	regex_t re;

	assert_int_equal(regcomp(&re, "^[0-9]+,[0-9]{4}-[0-9]{2}-[0-9]{2} "
	    "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}$", REG_EXTENDED | REG_NOSUB),
	    0);
	if (regexec(&re, a, 0, NULL, 0) != 0)
		fail_msg("anchor '%s' is not counter,yyyy-MM-dd HH:mm:ss.fff", a);
	regfree(&re);
}

/* GetRevisionIdList with a filter body: its NewRevisions (revisions()) */
static void
revision_ids(const char *exp, const char *data, const char *filter,
    struct buf *ids)
{
	struct wh_reply r;
	struct soap_request *q = revision_list(exp, data, filter, &r);

	revisions(q, ids);
	soap_request_free(q);
	wh_reply_free(&r);
}

/* GetRevisionIdList with a filter body; answer parsed */
struct soap_request *
revision_list(const char *exp, const char *data, const char *filter,
    struct wh_reply *r)
{
	char body[8192];
	struct soap_request *q;

	snprintf(body, sizeof(body), "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetRevisionIdList xmlns=\"" NS "\"><cookie>"
	    "<Expiration>%s</Expiration><EncryptedData>%s</EncryptedData>"
	    "</cookie><filter>%s</filter></GetRevisionIdList></soap:Body>"
	    "</soap:Envelope>", exp, data, filter);
	post(SS, body, r);
	q = ok(r);
	anchor_form(wh_text(q->op, "GetRevisionIdListResult/Anchor"));
	return q;
}

char *
update_data_req(const char *exp, const char *data, const char *ids)
{
	char *body = malloc(1u << 20);

	snprintf(body, 1u << 20, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetUpdateData xmlns=\"" NS "\"><cookie>"
	    "<Expiration>%s</Expiration><EncryptedData>%s</EncryptedData>"
	    "</cookie><updateIds>%s</updateIds></GetUpdateData></soap:Body>"
	    "</soap:Envelope>", exp, data, ids);
	return body;
}

/* ---- setup ----------------------------------------------------------- */

static int
setup(void **state)
{
	(void)state;
	if (wh_setup(&g.srv, NULL) != 0)
		return -1;
	snprintf(g.srv.schema, sizeof(g.srv.schema),
	    "%s/soap/wsusss-schema/soap11-envelope.xsd", wh_fixtures);
	return tl_wsusd_start(&g.srv);
}

/* wsusd must exit cleanly (under ASan: no leak, no error report) */
static int
teardown(void **state)
{
	int rc;

	(void)state;
	rc = tl_wsusd_stop(&g.srv);
	if (rc != 0) {
		char cmd[256];

		fprintf(stderr, "wsusd did not exit cleanly; its log:\n");
		snprintf(cmd, sizeof(cmd), "tail -c 6000 '%s' >&2", g.srv.log);
		(void)system(cmd);
	}
	tl_wsusd_cleanup(&g.srv);
	return rc == 0 ? 0 : -1;
}

/* ---- authorization ---------------------------------------------------- */

static void
t_auth_config(void **state)
{
	static const char *const m[] = { "LastChange", NULL };
	char *x = wh_fixture(SPEC "sample1-GetAuthConfig.request.xml", NULL);
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	compare_capture(CAP "000001-GetAuthConfig.response.xml", &r, m);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);

	/* SOAP 1.2 is answered in SOAP 1.2 (as WS2025) */
	{
		static const char v12[] = "<?xml version=\"1.0\"?><env:Envelope "
		    "xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\">"
		    "<env:Body><GetAuthConfig xmlns=\"" NS "\"/></env:Body>"
		    "</env:Envelope>";
		struct wh_post p;

		memset(&p, 0, sizeof(p));
		p.path = SS;
		p.content_type = "application/soap+xml; charset=utf-8; "
		    "action=\"" NS "/GetAuthConfig\"";
		p.body = v12;
		p.len = strlen(v12);
		wh_send(&g.srv, &p, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body.data,
		    "http://www.w3.org/2003/05/soap-envelope"));
		assert_non_null(strstr(r.body.data,
		    "<PlugInID>DssTargeting</PlugInID>"));
		wh_reply_free(&r);
	}
}

static void
t_authorization_cookie(void **state)
{
	struct wh_reply r;
	struct soap_request *q;
	char *x;

	(void)state;
	/* the spec's sample (mixed-case GUID) and the captured request */
	x = wh_fixture(SPEC "sample1-GetAuthorizationCookie.request.xml", NULL);
	post(DSS, x, &r);
	q = ok(&r);
	assert_string_equal(wh_text(q->op,
	    "GetAuthorizationCookieResult/PlugInId"), "DssTargeting");
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);

	x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	post(DSS, x, &r);
	q = ok(&r);
	assert_string_equal(wh_text(q->op,
	    "GetAuthorizationCookieResult/PlugInId"), "DssTargeting");
	snprintf(g.auth, sizeof(g.auth), "%s", wh_text(q->op,
	    "GetAuthorizationCookieResult/CookieData"));
	assert_true(strlen(g.auth) > 20);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);

	/* the path in lower case and with a doubled slash (real DSSs) */
	x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	post_ok("/dssauthwebservice/dssauthwebservice.asmx", x);
	post_ok("//DssAuthWebService/DssAuthWebService.asmx", x);
	free(x);
}

static void
t_get_cookie(void **state)
{
	static const char *const m[] = { NULL };
	char *x = wh_fixture(CAP "000003-GetCookie.request.xml", NULL);
	char *y = wh_set_text(x, NULL, "CookieData", g.auth);
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	post(SS, y, &r);
	q = ok(&r);
	compare_capture(CAP "000003-GetCookie.response.xml", &r, m);
	snprintf(g.exp, sizeof(g.exp), "%s",
	    wh_text(q->op, "GetCookieResult/Expiration"));
	snprintf(g.data, sizeof(g.data), "%s",
	    wh_text(q->op, "GetCookieResult/EncryptedData"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
	free(y);

	/* the spec's sample GetCookie (protocol 1.2) */
	x = wh_fixture(SPEC "sample1-GetCookie.request.xml", NULL);
	y = wh_set_text(x, NULL, "CookieData", g.auth);
	post_ok(SS, y);
	free(x);
	free(y);
}

/* ---- metadata ---------------------------------------------------------- */

static void
t_config_data(void **state)
{
	/* ServerHostsPsfFiles: the captured WSUS (express off) says false;
	 * this wsusd has no upstream (its content is imported), so it
	 * serves whatever it holds, express files too, and says true
	 * (content_hosts_express(), tests/unit/content/test_origin.c) */
	static const char *const m[] = { "NewConfigAnchor",
	    "ServerHostsPsfFiles", NULL };
	char *x = session_req(CAP "000005-GetConfigData.request.xml");
	char *y, anchor[128];
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	compare_capture(CAP "000005-GetConfigData.response.xml", &r, m);
	assert_string_equal(wh_text(q->op,
	    "GetConfigDataResult/ServerHostsPsfFiles"), "true");
	snprintf(anchor, sizeof(anchor), "%s", wh_text(q->op,
	    "GetConfigDataResult/NewConfigAnchor"));
	anchor_form(anchor);
	soap_request_free(q);
	wh_reply_free(&r);

	/* with the anchor: no language list (as the real server) */
	y = wh_set_text(x, NULL, "cookie", "");
	free(y);
	{
		char *p = strstr(x, "</cookie>");
		struct buf b;

		assert_non_null(p);
		buf_init(&b, 1u << 20);
		buf_append(&b, x, (size_t)(p - x) + 9);
		buf_printf(&b, "<configAnchor>%s</configAnchor>", anchor);
		buf_puts(&b, p + 9);
		post(SS, b.data, &r);
		q = ok(&r);
		assert_non_null(wh_node(q->op,
		    "GetConfigDataResult/LanguageUpdateList"));
		assert_null(wh_node(q->op, "GetConfigDataResult/"
		    "LanguageUpdateList/ServerSyncLanguageData"));
		soap_request_free(q);
		wh_reply_free(&r);
		buf_free(&b);
	}
	free(x);

	/* the spec's sample request */
	x = session_req(SPEC "sample2-GetConfigData.request.xml");
	post_ok(SS, x);
	free(x);
}

static void
t_revisions_config(void **state)
{
	char *x = session_req(CAP "000006-GetRevisionIdList-GetConfig-true.request.xml");
	struct wh_reply r;
	struct soap_request *q;
	struct buf ids;

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	anchor_form(wh_text(q->op, "GetRevisionIdListResult/Anchor"));
	revisions(q, &ids);
	/* categories only, company before family before product */
	assert_string_equal(ids.data, COMPANY "/101;"
	    "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d/100;"
	    "dd78b8a1-0b20-45c1-add6-4da72e9364cf/202;");
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);

	x = session_req(SPEC "sample2-GetRevisionIdList.request.xml");
	post_ok(SS, x);
	free(x);
}

static void
t_revisions_filtered(void **state)
{
	static const char *const m[] = { "Anchor", "NewRevisions", NULL };
	char *x = session_req(CAP "000009-GetRevisionIdList-product+classification.request.xml");
	struct wh_reply r;
	struct soap_request *q;
	struct buf ids;
	char anchor[128], f[2048];

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	/* same envelope and result structure as the real answer */
	compare_capture(CAP "000009-GetRevisionIdList-product+classification."
	    "response.trimmed.xml", &r, m);
	revisions(q, &ids);
	/* the three that name product and classification, and the leaves
	 * bundled in KB2267602 (which carry the product only) */
	assert_non_null(strstr(ids.data, KB2267602 "/200;"));
	assert_non_null(strstr(ids.data, SMALL "/200;"));
	assert_non_null(strstr(ids.data, "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583/200;"));
	assert_non_null(strstr(ids.data, LEAF "/200;"));
	assert_null(strstr(ids.data, COMPANY));
	snprintf(anchor, sizeof(anchor), "%s",
	    wh_text(q->op, "GetRevisionIdListResult/Anchor"));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);

	/* product only, classification only: nothing (as observed) */
	revision_ids(g.exp, g.data, "<GetConfig>false</GetConfig>"
	    "<Categories><IdAndDelta><Id>" PROD "</Id><Delta>false</Delta>"
	    "</IdAndDelta></Categories>", &ids);
	assert_string_equal(ids.data, "");
	buf_free(&ids);

	/* incremental: Delta=true with the anchor -> nothing changed */
	snprintf(f, sizeof(f), "<Anchor>%s</Anchor>" FILTER_PC("true"), anchor);
	revision_ids(g.exp, g.data, f, &ids);
	assert_string_equal(ids.data, "");
	buf_free(&ids);

	/* Delta=false: everything of those ids again */
	snprintf(f, sizeof(f), "<Anchor>%s</Anchor>" FILTER_PC("false"), anchor);
	revision_ids(g.exp, g.data, f, &ids);
	assert_non_null(strstr(ids.data, KB2267602));
	buf_free(&ids);

	/* no filter at all with the anchor: nothing; without: everything */
	snprintf(f, sizeof(f), "<Anchor>%s</Anchor><GetConfig>false</GetConfig>",
	    anchor);
	revision_ids(g.exp, g.data, f, &ids);
	assert_string_equal(ids.data, "");
	buf_free(&ids);
	revision_ids(g.exp, g.data, "<GetConfig>false</GetConfig>", &ids);
	assert_non_null(strstr(ids.data, "7366a74a-ef29-44e1-b738-570b516aca1f"));
	buf_free(&ids);
}

/* base64 blob -> UTF-16LE text inside the cabinet */
static void
blob_text(const char *b64, struct buf *out)
{
	size_t n = strlen(b64), bl = 0, ol = 0;
	uint8_t *bin = malloc(n);
	char *o = NULL, err[160];

	assert_int_equal(base64_decode(b64, n, bin, n, &bl), 0);
	if (cab_extract_first(bin, bl, CAB_MAX_OUTPUT, &o, &ol, err,
	    sizeof(err)) != 0)
		fail_msg("cannot extract: %s", err);
	buf_init(out, 64u << 20);
	buf_append(out, o, ol);
	free(o);
	free(bin);
}

static void
t_update_data_compressed(void **state)
{
	static const char *const m[] = { "XmlUpdateBlobCompressed", "MUUrl",
	    NULL };
	char *x = session_req(CAP "000014-GetUpdateData-leaf-with-file.request.xml");
	struct wh_reply r;
	struct soap_request *q, *cq;
	struct buf ours, real;
	size_t clen;
	char *cap = wh_fixture(CAP "000014-GetUpdateData-leaf-with-file.response.xml", &clen);
	const char *url;

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	compare_capture(CAP "000014-GetUpdateData-leaf-with-file.response.xml",
	    &r, m);
	/* the same document inside both cabinets (theirs LZX, ours MSZIP) */
	cq = wh_parse(cap, clen);
	assert_non_null(cq);
	blob_text(wh_text(q->op, "GetUpdateDataResult/updates/"
	    "ServerSyncUpdateData/XmlUpdateBlobCompressed"), &ours);
	blob_text(wh_text(cq->op, "GetUpdateDataResult/updates/"
	    "ServerSyncUpdateData/XmlUpdateBlobCompressed"), &real);
	assert_int_equal(ours.len, real.len);
	assert_memory_equal(ours.data, real.data, real.len);
	/* file URL on the host:port we were asked on */
	url = wh_text(q->op, "GetUpdateDataResult/fileUrls/ServerSyncUrlData/MUUrl");
	assert_non_null(url);
	{
		char want[128];

		snprintf(want, sizeof(want), "http://127.0.0.1:%u/Content/CD/"
		    "87F5BD0469585006AA5D3A77D1C662FD2895DDCD.exe",
		    (unsigned)g.srv.port);
		if (strcasecmp(url, want) != 0)
			fail_msg("url %s, want %s", url, want);
	}
	buf_free(&ours);
	buf_free(&real);
	soap_request_free(cq);
	soap_request_free(q);
	wh_reply_free(&r);
	free(cap);
	free(x);
}

/* GetUpdateData for one identity: an answer as ok() wants it, equal to
 * the capture but for the masked elements. */
static void
update_data_as_capture(const char *identity, const char *cap_file,
    const char *const *masked)
{
	char *x = update_data_req(g.exp, g.data, identity);
	struct wh_reply r;
	struct soap_request *q;

	post(SS, x, &r);
	q = ok(&r);
	compare_capture(cap_file, &r, masked);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
}

static void
t_update_data_plain(void **state)
{
	static const char *const m[] = { NULL };
	static const char *const m2[] = { "XmlUpdateBlobCompressed", NULL };

	(void)state;
	/* byte for byte the real answer's structure and XmlUpdateBlob */
	update_data_as_capture("<UpdateIdentity><UpdateID>"
	    SMALL "</UpdateID><RevisionNumber>200</RevisionNumber>"
	    "</UpdateIdentity>",
	    CAP "000015-GetUpdateData-small-uncompressed.response.xml", m);

	/* a category (compressed by size) and the bundle */
	update_data_as_capture("<UpdateIdentity><UpdateID>"
	    COMPANY "</UpdateID><RevisionNumber>101</RevisionNumber>"
	    "</UpdateIdentity>",
	    CAP "000016-GetUpdateData-category.response.xml", m2);
	update_data_as_capture("<UpdateIdentity><UpdateID>"
	    KB2267602 "</UpdateID><RevisionNumber>200</RevisionNumber>"
	    "</UpdateIdentity>",
	    CAP "000013-GetUpdateData-bundle.response.xml", m2);
}

/* ---- faults as the real server -------------------------------------------- */

static void
t_real_faults(void **state)
{
	static const char *const m[] = { "faultactor", NULL };
	char *x, *y;
	struct wh_reply r;

	(void)state;
	x = session_req(CAP "000014-GetUpdateData-leaf-with-file.request.xml");
	y = wh_set_text(x, NULL, "UpdateID", "00000000-1111-2222-3333-444444444444");
	post(SS, y, &r);
	expect_fault(&r, "InternalServerError", NULL);
	compare_capture(CAP "000017-GetUpdateData-unknown-id.fault.response.xml",
	    &r, m);
	wh_reply_free(&r);
	free(x);
	free(y);

	x = session_req(CAP "000006-GetRevisionIdList-GetConfig-true.request.xml");
	y = wh_set_text(x, NULL, "filter", "<Anchor>garbage</Anchor>"
	    "<GetConfig>true</GetConfig>");
	post(SS, y, &r);
	expect_fault(&r, "InvalidParameters", "filter");
	compare_capture(CAP "000018-GetRevisionIdList-bad-anchor.fault.response.xml",
	    &r, m);
	wh_reply_free(&r);
	free(y);
	y = wh_set_text(x, NULL, "cookie", "");
	post(SS, y, &r);
	expect_fault(&r, "InvalidCookie", NULL);
	compare_capture(CAP "000019-GetRevisionIdList-no-cookie.fault.response.xml",
	    &r, m);
	wh_reply_free(&r);
	free(y);
	free(x);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_auth_config),
		cmocka_unit_test(t_authorization_cookie),
		cmocka_unit_test(t_get_cookie),
		cmocka_unit_test(t_config_data),
		cmocka_unit_test(t_revisions_config),
		cmocka_unit_test(t_revisions_filtered),
		cmocka_unit_test(t_update_data_compressed),
		cmocka_unit_test(t_update_data_plain),
		cmocka_unit_test(t_real_faults),
		cmocka_unit_test(t_bad_input),
		cmocka_unit_test(t_versions),
		cmocka_unit_test(t_compatible_version),
		cmocka_unit_test(t_deployments),
		cmocka_unit_test(t_downstream_recorded),
		cmocka_unit_test(t_allow_list),
		cmocka_unit_test(t_allow_config),
		cmocka_unit_test(t_ping_related),
		cmocka_unit_test(t_item_cache),
		cmocka_unit_test(t_touch_once),
		cmocka_unit_test(t_answer_cache),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
