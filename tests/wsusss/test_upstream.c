/*
 * test_upstream.c — the MS-WSUSSS upstream services of a running wsusd,
 * driven by requests shaped as real downstreams send them (the captured
 * requests of tests/fixtures/soap/wsusss-capture, the spec's §4 samples in
 * tests/fixtures/soap/wsusss-spec, a WSUS 3.0 SP2 profile at protocol 1.8,
 * Microsoft's sync library at 1.7), each answer validated against the WSDL
 * schema and, where the real Server 2025 answer exists, compared with it
 * (structure, order, identities, fault codes).  Bad input must get the
 * spec's fault and leave the database unchanged.
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
#include "wusp_harness.h"

#define SS	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define DSS	"/DssAuthWebService/DssAuthWebService.asmx"
#define CAP	"soap/wsusss-capture/"
#define SPEC	"soap/wsusss-spec/"
#define DOCS	"update-metadata/wsusss-getupdatedata-docs/"
#define NS	"http://www.microsoft.com/SoftwareDistribution"

#define KB2267602	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"
#define LEAF		"266f6222-c89d-43f2-9f8a-69340271e677"
#define SMALL		"ccb78947-6453-4ecc-9de8-bc0305c98f2d"
#define COMPANY		"56309036-4c77-4dd9-951a-99ee9c246a94"

static struct {
	struct tl_wsusd srv;
	char	 auth[2048];		/* CookieData */
	char	 exp[64], data[2048];	/* session cookie at 1.20 */
} g;

/* ---- helpers ---------------------------------------------------------- */

static void
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
static struct soap_request *
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

/* the fault's ErrorCode ("" when none); the answer must validate */
static void
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

static char *
with_cookie(const char *xml, const char *exp, const char *data)
{
	return wh_set_cookie(xml, exp, data);
}

static char *
session_req(const char *fixture)
{
	char *x = wh_fixture(fixture, NULL);
	char *y = with_cookie(x, g.exp, g.data);

	free(x);
	return y;
}

/* GetCookie at a protocol version; the session cookie into exp/data */
static void
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
static void
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

/* GetRevisionIdList with a filter body; answer parsed */
static struct soap_request *
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

static char *
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

#define PROD	"8c3fcc84-7410-4a95-8b89-a166a0190486"
#define CLASS	"e0789628-ce08-4437-be74-2495b842f43b"
#define FILTER_PC(d) "<GetConfig>false</GetConfig><Categories><IdAndDelta><Id>" \
	PROD "</Id><Delta>" d "</Delta></IdAndDelta></Categories>" \
	"<Classifications><IdAndDelta><Id>" CLASS "</Id><Delta>" d \
	"</Delta></IdAndDelta></Classifications>"

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
	post("/dssauthwebservice/dssauthwebservice.asmx", x, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
	post("//DssAuthWebService/DssAuthWebService.asmx", x, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
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
	post(SS, y, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
	free(x);
	free(y);
}

/* ---- metadata ---------------------------------------------------------- */

static void
t_config_data(void **state)
{
	static const char *const m[] = { "NewConfigAnchor", NULL };
	char *x = session_req(CAP "000005-GetConfigData.request.xml");
	char *y, anchor[128];
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	compare_capture(CAP "000005-GetConfigData.response.xml", &r, m);
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
	post(SS, x, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
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
	post(SS, x, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
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
	q = revision_list(g.exp, g.data, "<GetConfig>false</GetConfig>"
	    "<Categories><IdAndDelta><Id>" PROD "</Id><Delta>false</Delta>"
	    "</IdAndDelta></Categories>", &r);
	revisions(q, &ids);
	assert_string_equal(ids.data, "");
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);

	/* incremental: Delta=true with the anchor -> nothing changed */
	snprintf(f, sizeof(f), "<Anchor>%s</Anchor>" FILTER_PC("true"), anchor);
	q = revision_list(g.exp, g.data, f, &r);
	revisions(q, &ids);
	assert_string_equal(ids.data, "");
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);

	/* Delta=false: everything of those ids again */
	snprintf(f, sizeof(f), "<Anchor>%s</Anchor>" FILTER_PC("false"), anchor);
	q = revision_list(g.exp, g.data, f, &r);
	revisions(q, &ids);
	assert_non_null(strstr(ids.data, KB2267602));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);

	/* no filter at all with the anchor: nothing; without: everything */
	snprintf(f, sizeof(f), "<Anchor>%s</Anchor><GetConfig>false</GetConfig>",
	    anchor);
	q = revision_list(g.exp, g.data, f, &r);
	revisions(q, &ids);
	assert_string_equal(ids.data, "");
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
	q = revision_list(g.exp, g.data, "<GetConfig>false</GetConfig>", &r);
	revisions(q, &ids);
	assert_non_null(strstr(ids.data, "7366a74a-ef29-44e1-b738-570b516aca1f"));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
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

static void
t_update_data_plain(void **state)
{
	static const char *const m[] = { NULL };
	char *x = update_data_req(g.exp, g.data, "<UpdateIdentity><UpdateID>"
	    SMALL "</UpdateID><RevisionNumber>200</RevisionNumber>"
	    "</UpdateIdentity>");
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	post(SS, x, &r);
	q = ok(&r);
	/* byte for byte the real answer's structure and XmlUpdateBlob */
	compare_capture(CAP "000015-GetUpdateData-small-uncompressed.response.xml",
	    &r, m);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);

	/* a category (compressed by size) and the bundle */
	x = update_data_req(g.exp, g.data, "<UpdateIdentity><UpdateID>"
	    COMPANY "</UpdateID><RevisionNumber>101</RevisionNumber>"
	    "</UpdateIdentity>");
	post(SS, x, &r);
	q = ok(&r);
	{
		static const char *const m2[] = { "XmlUpdateBlobCompressed",
		    NULL };

		compare_capture(CAP "000016-GetUpdateData-category.response.xml",
		    &r, m2);
	}
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
	x = update_data_req(g.exp, g.data, "<UpdateIdentity><UpdateID>"
	    KB2267602 "</UpdateID><RevisionNumber>200</RevisionNumber>"
	    "</UpdateIdentity>");
	post(SS, x, &r);
	q = ok(&r);
	{
		static const char *const m2[] = { "XmlUpdateBlobCompressed",
		    NULL };

		compare_capture(CAP "000013-GetUpdateData-bundle.response.xml",
		    &r, m2);
	}
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
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

/* ---- bad input: the spec's fault, nothing stored ----------------------------- */

static void
t_bad_input(void **state)
{
	struct buf before, after;
	struct wh_reply r;
	char *x, *y, forged[2048], ids[16384];
	size_t n = 0;

	(void)state;
	buf_init(&before, 256u << 20);
	buf_init(&after, 256u << 20);
	wh_db_dump(&g.srv, &before);

	/* forged session cookie */
	snprintf(forged, sizeof(forged), "%s", g.data);
	forged[10] = forged[10] == 'A' ? 'B' : 'A';
	x = session_req(CAP "000005-GetConfigData.request.xml");
	y = wh_set_text(x, NULL, "EncryptedData", forged);
	post(SS, y, &r);
	expect_fault(&r, "InvalidCookie", NULL);
	wh_reply_free(&r);
	free(x);
	free(y);

	/* forged authorization cookie */
	x = wh_fixture(CAP "000003-GetCookie.request.xml", NULL);
	post(SS, x, &r);	/* the redacted AAAA... of the capture */
	expect_fault(&r, "InvalidAuthorizationCookie", NULL);
	wh_reply_free(&r);
	/* wrong protocol majors, malformed versions */
	y = wh_set_text(x, NULL, "CookieData", g.auth);
	{
		char *z = wh_set_text(y, NULL, "protocolVersion", "2.0");

		post(SS, z, &r);
		expect_fault(&r, "IncompatibleProtocolVersion", NULL);
		wh_reply_free(&r);
		free(z);
		z = wh_set_text(y, NULL, "protocolVersion", "0.9");
		post(SS, z, &r);
		expect_fault(&r, "IncompatibleProtocolVersion", NULL);
		wh_reply_free(&r);
		free(z);
		z = wh_set_text(y, NULL, "protocolVersion", "1.x");
		post(SS, z, &r);
		expect_fault(&r, "InvalidParameters", "protocolVersion");
		wh_reply_free(&r);
		free(z);
	}
	free(x);
	free(y);

	/* absurd batch sizes: 0 and 101 ids (limit 100) */
	x = update_data_req(g.exp, g.data, "");
	post(SS, x, &r);
	expect_fault(&r, "InvalidParameters", "updateIds");
	wh_reply_free(&r);
	free(x);
	ids[0] = '\0';
	for (int i = 0; i < 101; i++)
		n += (size_t)snprintf(ids + n, sizeof(ids) - n,
		    "<UpdateIdentity><UpdateID>" SMALL "</UpdateID>"
		    "<RevisionNumber>200</RevisionNumber></UpdateIdentity>");
	x = update_data_req(g.exp, g.data, ids);
	post(SS, x, &r);
	expect_fault(&r, "InvalidParameters", "updateIds");
	wh_reply_free(&r);
	free(x);
	/* known id, wrong revision: the whole call fails (observed) */
	x = update_data_req(g.exp, g.data, "<UpdateIdentity><UpdateID>" SMALL
	    "</UpdateID><RevisionNumber>199</RevisionNumber></UpdateIdentity>");
	post(SS, x, &r);
	expect_fault(&r, "InternalServerError", NULL);
	wh_reply_free(&r);
	free(x);

	/* anchors from the future: ServerChanged (reset anchors) */
	x = session_req(CAP "000006-GetRevisionIdList-GetConfig-true.request.xml");
	y = wh_set_text(x, NULL, "filter", "<Anchor>999999999,2026-01-01 "
	    "00:00:00.000</Anchor><GetConfig>true</GetConfig>");
	post(SS, y, &r);
	expect_fault(&r, "ServerChanged", NULL);
	wh_reply_free(&r);
	free(y);
	y = wh_set_text(x, NULL, "filter", "<Anchor>1,2999-01-01 "
	    "00:00:00.000</Anchor><GetConfig>true</GetConfig>");
	post(SS, y, &r);
	expect_fault(&r, "ServerChanged", NULL);
	wh_reply_free(&r);
	free(y);
	/* a malformed filter */
	y = wh_set_text(x, NULL, "filter", "<GetConfig>maybe</GetConfig>");
	post(SS, y, &r);
	expect_fault(&r, "InvalidParameters", "filter");
	wh_reply_free(&r);
	free(y);
	free(x);
	/* GetDeployments without syncAnchor */
	x = session_req(SPEC "sample2-GetDeployments.request.xml");
	y = wh_set_text(x, NULL, "syncAnchor", "");
	post(SS, y, &r);
	expect_fault(&r, "InvalidParameters", "syncAnchor");
	wh_reply_free(&r);
	free(y);
	free(x);
	/* DownloadFiles: unknown digests, listed with '|' */
	x = session_req(SPEC "sample2-GetConfigData.request.xml");
	{
		char *p = strstr(x, "</cookie>"), body[8192];

		snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>"
		    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		    "<soap:Body><DownloadFiles xmlns=\"" NS "\"><cookie>"
		    "<Expiration>%s</Expiration><EncryptedData>%s</EncryptedData>"
		    "</cookie><fileDigestList><base64Binary>AAAAAAAAAAAAAAAAAAAAAAAAAAA="
		    "</base64Binary><base64Binary>h/W9BGlYUAaqXTp30cZi/SiV3c0="
		    "</base64Binary></fileDigestList></DownloadFiles></soap:Body>"
		    "</soap:Envelope>", g.exp, g.data);
		(void)p;
		post(SS, body, &r);
		expect_fault(&r, "FileDigestsMissing",
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAA=|h/W9BGlYUAaqXTp30cZi/SiV3c0=");
		wh_reply_free(&r);
	}
	free(x);
	/* an unknown operation */
	post(SS, "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap="
	    "\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
	    "<GetDriverIdList xmlns=\"" NS "\"/></soap:Body></soap:Envelope>", &r);
	assert_int_equal(r.status, 500);
	wh_reply_free(&r);

	wh_db_dump(&g.srv, &after);
	if (before.len != after.len || memcmp(before.data, after.data,
	    before.len) != 0) {
		FILE *fp = fopen("/tmp/wsusss-before.sql", "w");

		fwrite(before.data, 1, before.len, fp);
		fclose(fp);
		fp = fopen("/tmp/wsusss-after.sql", "w");
		fwrite(after.data, 1, after.len, fp);
		fclose(fp);
		fail_msg("bad input changed the database (see "
		    "/tmp/wsusss-before.sql, /tmp/wsusss-after.sql)");
	}
	assert_memory_equal(before.data, after.data, before.len);
	buf_free(&before);
	buf_free(&after);
}

/* ---- versions ------------------------------------------------------------- */

/* A WSUS 3.0 SP2 downstream (1.8), Microsoft's library (1.7), 2012 R2
 * (1.8 per the spec), WSUS 3.0 (1.3): the whole metadata sequence. */
static void
t_versions(void **state)
{
	static const char *const versions[] = { "1.8", "1.7", "1.6", "1.3",
	    "1.20", "1.21" };

	(void)state;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char exp[64], data[2048], *x;
		struct wh_reply r;
		struct soap_request *q;
		struct buf ids;

		get_session(versions[i], exp, sizeof(exp), data, sizeof(data));
		x = wh_fixture(CAP "000005-GetConfigData.request.xml", NULL);
		{
			char *y = with_cookie(x, exp, data);

			post(SS, y, &r);
			q = ok(&r);
			assert_string_equal(wh_text(q->op,
			    "GetConfigDataResult/ProtocolVersion"), "1.20");
			soap_request_free(q);
			wh_reply_free(&r);
			free(y);
		}
		free(x);
		q = revision_list(exp, data, "<GetConfig>true</GetConfig>"
		    "<Get63LanguageOnly>false</Get63LanguageOnly>", &r);
		revisions(q, &ids);
		assert_non_null(strstr(ids.data, COMPANY));
		buf_free(&ids);
		soap_request_free(q);
		wh_reply_free(&r);
		q = revision_list(exp, data, "<GetConfig>false</GetConfig>"
		    "<Get63LanguageOnly>false</Get63LanguageOnly>"
		    "<Categories><IdAndDelta><Id>" PROD "</Id><Delta>false</Delta>"
		    "</IdAndDelta></Categories><Classifications><IdAndDelta><Id>"
		    CLASS "</Id><Delta>false</Delta></IdAndDelta></Classifications>"
		    "<Languages><LanguageAndDelta><Id>1033</Id><Delta>false</Delta>"
		    "</LanguageAndDelta></Languages>", &r);
		revisions(q, &ids);
		assert_non_null(strstr(ids.data, KB2267602));
		buf_free(&ids);
		/* a replica's deployments call with that anchor */
		{
			char body[8192];
			struct wh_reply r2;

			snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>"
			    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap."
			    "org/soap/envelope/\"><soap:Body><GetDeployments "
			    "xmlns=\"" NS "\"><cookie><Expiration>%s</Expiration>"
			    "<EncryptedData>%s</EncryptedData></cookie>"
			    "<syncAnchor>%s</syncAnchor></GetDeployments>"
			    "</soap:Body></soap:Envelope>", exp, data,
			    wh_text(q->op, "GetRevisionIdListResult/Anchor"));
			post(SS, body, &r2);
			soap_request_free(ok(&r2));
			wh_reply_free(&r2);
		}
		soap_request_free(q);
		wh_reply_free(&r);
		x = update_data_req(exp, data, "<UpdateIdentity><UpdateID>" LEAF
		    "</UpdateID><RevisionNumber>200</RevisionNumber></UpdateIdentity>"
		    "<UpdateIdentity><UpdateID>" SMALL "</UpdateID><RevisionNumber>"
		    "200</RevisionNumber></UpdateIdentity>");
		post(SS, x, &r);
		soap_request_free(ok(&r));
		wh_reply_free(&r);
		free(x);
	}
}

/* CompatibleProtocolVersion: hidden from older downstreams */
#define NEWONLY	"c0c0c0c0-0000-4000-8000-000000000120"
#define OLDOK	"c0c0c0c0-0000-4000-8000-000000000104"

static void
import_variant(const char *dir, const char *uid, const char *cpv)
{
	size_t len;
	char *doc = wh_fixture(DOCS SMALL "-r200.xml", NULL), *a, *b, path[512];
	char attr[96];
	struct buf out;
	FILE *fp;

	a = wh_set_text(doc, NULL, "upd:Title", "wsusss version test");
	free(doc);
	/* another UpdateID, and the attribute on upd:Properties */
	b = strstr(a, SMALL);
	assert_non_null(b);
	memcpy(b, uid, 36);
	snprintf(attr, sizeof(attr), "<upd:Properties CompatibleProtocolVersion=\"%s\" ",
	    cpv);
	b = strstr(a, "<upd:Properties ");
	assert_non_null(b);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, uid);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fwrite(a, 1, (size_t)(b - a), fp);
	fputs(attr, fp);
	len = strlen(b + strlen("<upd:Properties "));
	fwrite(b + strlen("<upd:Properties "), 1, len, fp);
	fclose(fp);
	free(a);
	buf_init(&out, 1u << 20);
	if (tl_ctl(&g.srv, &out, "-q", "import-updates", path, (char *)NULL) != 0)
		fail_msg("import-updates %s: %s", path, out.data ? out.data : "");
	buf_free(&out);
}

static void
t_compatible_version(void **state)
{
	char exp[64], data[2048];
	struct wh_reply r;
	struct soap_request *q;
	struct buf ids;

	(void)state;
	import_variant(g.srv.dir, NEWONLY, "1.20");
	import_variant(g.srv.dir, OLDOK, "1.4");
	/* 1.20 gets both */
	q = revision_list(g.exp, g.data, "<GetConfig>false</GetConfig>", &r);
	revisions(q, &ids);
	assert_non_null(strstr(ids.data, NEWONLY));
	assert_non_null(strstr(ids.data, OLDOK));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
	/* 1.8 (WSUS 3.0 SP2) only the one made for 1.4 */
	get_session("1.8", exp, sizeof(exp), data, sizeof(data));
	q = revision_list(exp, data, "<GetConfig>false</GetConfig>", &r);
	revisions(q, &ids);
	assert_null(strstr(ids.data, NEWONLY));
	assert_non_null(strstr(ids.data, OLDOK));
	assert_non_null(strstr(ids.data, KB2267602));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
}

/* ---- replica mode ----------------------------------------------------------- */

static struct soap_request *
deployments(const char *dep_anchor, const char *sync_anchor,
    struct wh_reply *r)
{
	char body[8192], da[256] = "";

	if (dep_anchor != NULL)
		snprintf(da, sizeof(da), "<deploymentAnchor>%s</deploymentAnchor>",
		    dep_anchor);
	snprintf(body, sizeof(body), "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetDeployments xmlns=\"" NS "\"><cookie>"
	    "<Expiration>%s</Expiration><EncryptedData>%s</EncryptedData>"
	    "</cookie>%s<syncAnchor>%s</syncAnchor></GetDeployments></soap:Body>"
	    "</soap:Envelope>", g.exp, g.data, da, sync_anchor);
	post(SS, body, r);
	return ok(r);
}

static void
sync_anchor(char *out, size_t outlen)
{
	struct wh_reply r;
	struct soap_request *q = revision_list(g.exp, g.data,
	    "<GetConfig>false</GetConfig>", &r);

	snprintf(out, outlen, "%s", wh_text(q->op,
	    "GetRevisionIdListResult/Anchor"));
	soap_request_free(q);
	wh_reply_free(&r);
}

static void
t_deployments(void **state)
{
	struct wh_reply r;
	struct soap_request *q;
	struct buf out;
	char a1[128], a2[128], a3[128];

	(void)state;
	buf_init(&out, 1u << 20);
	assert_int_equal(tl_ctl(&g.srv, &out, "approve", KB2267602, "--group",
	    "All Computers", (char *)NULL), 0);
	assert_int_equal(tl_ctl(&g.srv, &out, "decline", SMALL, (char *)NULL), 0);
	buf_free(&out);
	sync_anchor(a1, sizeof(a1));
	q = deployments(NULL, a1, &r);
	assert_non_null(strstr(r.body.data, "<Name>All Computers</Name>"));
	assert_non_null(strstr(r.body.data, "<Name>Unassigned Computers</Name>"));
	assert_non_null(strstr(r.body.data, "<UpdateId>" KB2267602 "</UpdateId>"));
	assert_non_null(strstr(r.body.data, "<TargetGroupId>"
	    "a0a08746-4dbe-4a37-9adf-9e7652c0b421</TargetGroupId>"));
	assert_non_null(strstr(r.body.data, "<HiddenUpdates><guid>" SMALL));
	assert_non_null(wh_node(q->op, "GetDeploymentsResult/DeadDeployments"));
	assert_non_null(wh_node(q->op, "GetDeploymentsResult/AcceptedEulas"));
	snprintf(a2, sizeof(a2), "%s", wh_text(q->op, "GetDeploymentsResult/Anchor"));
	soap_request_free(q);
	wh_reply_free(&r);

	/* nothing changed: no deployments, full groups again */
	q = deployments(a2, a1, &r);
	assert_null(strstr(r.body.data, "<ServerSyncDeployment>"));
	assert_non_null(strstr(r.body.data, "<Name>All Computers</Name>"));
	soap_request_free(q);
	wh_reply_free(&r);

	/* removed approval -> a dead deployment */
	buf_init(&out, 1u << 20);
	assert_int_equal(tl_ctl(&g.srv, &out, "unapprove", KB2267602,
	    (char *)NULL), 0);
	buf_free(&out);
	sync_anchor(a3, sizeof(a3));
	q = deployments(a2, a3, &r);
	assert_null(strstr(r.body.data, "<ServerSyncDeployment>"));
	assert_null(strstr(r.body.data, "<DeadDeployments />"));
	soap_request_free(q);
	wh_reply_free(&r);

	/* the spec's sample request: an anchor another server issued (its
	 * counter is ahead of ours) -> ServerChanged, the DSS resets */
	{
		char *x = session_req(SPEC "sample2-GetDeployments.request.xml");

		post(SS, x, &r);
		expect_fault(&r, "ServerChanged", NULL);
		wh_reply_free(&r);
		free(x);
	}
}

/* every successful call recorded the downstream (rollup's table) */
static void
t_downstream_recorded(void **state)
{
	char cmd[512], line[512] = "";
	FILE *fp;

	(void)state;
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT name, protocol, mode, "
	    "address, last_sync > 0 FROM downstream_servers WHERE server_id = "
	    "'6f1c2f6e-3f0b-4d3a-9b1e-0d2f6a1c5e12'\"", g.srv.db);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	assert_int_equal(pclose(fp), 0);
	line[strcspn(line, "\n")] = '\0';
	assert_string_equal(line, "probe.lab.invalid|1.20|1|127.0.0.1|1");
}

/* ---- allow-list, ping, related ----------------------------------------------- */

static void
set_allow(const char *v)
{
	char sql[512];
	struct buf out;
	char *argv_sql;

	if (v != NULL)
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO settings"
		    "(key, value) VALUES('upstream_allow', '%s');", v);
	else
		snprintf(sql, sizeof(sql), "DELETE FROM settings WHERE "
		    "key = 'upstream_allow';");
	argv_sql = sql;
	buf_init(&out, 1u << 16);
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", g.srv.db,
		    argv_sql);
		assert_int_equal(system(cmd), 0);
	}
	buf_free(&out);
}

static void
t_allow_list(void **state)
{
	char *x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	char *c = session_req(CAP "000005-GetConfigData.request.xml");
	struct wh_reply r;

	(void)state;
	set_allow("10.9.9.0/24, 2001:db8::/32");
	post(DSS, x, &r);
	expect_fault(&r, "InvalidAuthorizationCookie", NULL);
	wh_reply_free(&r);
	post(SS, c, &r);	/* a cookie from before does not help */
	expect_fault(&r, "InvalidCookie", NULL);
	wh_reply_free(&r);
	set_allow("10.9.9.0/24 127.0.0.0/8");
	post(DSS, x, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
	set_allow("not-an-address");	/* malformed: refuse everyone */
	post(DSS, x, &r);
	expect_fault(&r, "InvalidAuthorizationCookie", NULL);
	wh_reply_free(&r);
	set_allow(NULL);
	post(DSS, x, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
	free(x);
	free(c);
}

/* the allow-list from wsusd.conf ([server] upstream_allow) */
static void
t_allow_config(void **state)
{
	struct tl_wsusd s2;
	struct wh_reply r;
	char *conf, *x, cmd[512];
	size_t len;
	FILE *fp;

	(void)state;
	assert_int_equal(wh_setup(&s2, NULL), 0);
	snprintf(s2.schema, sizeof(s2.schema),
	    "%s/soap/wsusss-schema/soap11-envelope.xsd", wh_fixtures);
	snprintf(cmd, sizeof(cmd), "sed -i 's|^\\[server\\]$|[server]\\n"
	    "upstream_allow = 10.9.9.0/24, 2001:db8::/32|' '%s'", s2.conf);
	assert_int_equal(system(cmd), 0);
	fp = fopen(s2.conf, "r");
	assert_non_null(fp);
	conf = calloc(1, 8192);
	len = fread(conf, 1, 8191, fp);
	fclose(fp);
	assert_true(len > 0);
	assert_non_null(strstr(conf, "upstream_allow = 10.9.9.0/24"));
	free(conf);
	assert_int_equal(tl_wsusd_start(&s2), 0);
	x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml", NULL);
	wh_soap(&s2, DSS, x, &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body.data,
	    "<ErrorCode>InvalidAuthorizationCookie</ErrorCode>"));
	wh_reply_free(&r);
	free(x);
	assert_int_equal(tl_wsusd_stop(&s2), 0);
	tl_wsusd_cleanup(&s2);
}

static void
t_ping_related(void **state)
{
	struct wh_reply r;
	char body[4096];

	(void)state;
	post(SS, "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap="
	    "\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
	    "<Ping xmlns=\"http://www.microsoft.com/SoftwareDistribution/"
	    "Server/IMonitorable\"><pingLevel>0</pingLevel></Ping>"
	    "</soap:Body></soap:Envelope>", &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
	snprintf(body, sizeof(body), "<?xml version=\"1.0\"?><soap:Envelope "
	    "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetRelatedRevisionsForUpdates xmlns=\"" NS "\">"
	    "<cookie><Expiration>%s</Expiration><EncryptedData>%s"
	    "</EncryptedData></cookie><updateIDs><guid>" SMALL "</guid>"
	    "</updateIDs></GetRelatedRevisionsForUpdates></soap:Body>"
	    "</soap:Envelope>", g.exp, g.data);
	post(SS, body, &r);
	soap_request_free(ok(&r));
	wh_reply_free(&r);
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
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
