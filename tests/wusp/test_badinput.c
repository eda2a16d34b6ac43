/*
 * test_badinput.c — hostile requests to the MS-WUSP endpoints of a running
 * wsusd: each gets the right SOAP fault or HTTP error, the answer
 * validates against the schema (faults), and the database is byte for
 * byte the same afterwards (sqlite3 .dump before and after).
 *
 *   test_wusp_badinput WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/xmalloc.h"
#include "wusp_harness.h"

#define CAP	"soap/wusp-native-capture/"
#define ENV_OPEN "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
#define ENV_CLOSE "</s:Body></s:Envelope>"

static struct {
	struct tl_wsusd srv;
	char	 expiration[64];
	char	 session[2048];
	struct buf before;	/* database dump before a case */
} T;

/* ---- helpers ------------------------------------------------------------- */

/* Send; expect status; for 500 a schema-valid fault (with code if given). */
static void
expect(const char *what, const struct wh_post *p, long status,
    const char *code)
{
	struct wh_reply r;
	char err[2048];

	wh_send(&T.srv, p, &r);
	if (r.rc != CURLE_OK)
		fail_msg("%s: %s", what, curl_easy_strerror(r.rc));
	if (r.status != status)
		fail_msg("%s: HTTP %ld, want %ld: %.500s", what, r.status,
		    status, r.body.data ? r.body.data : "");
	if (r.body.len > 0 && r.body.data[0] == '<') {
		struct soap_request *q;

		if (wh_validate(&T.srv, r.body.data, r.body.len, err,
		    sizeof(err)) != 0)
			fail_msg("%s: answer does not validate: %s\n%s", what,
			    err, r.body.data);
		q = wh_parse(r.body.data, r.body.len);
		assert_non_null(q);
		if (status != 200)
			assert_string_equal(q->op->name, "Fault");
		if (code != NULL) {
			const char *ec = wh_text(q->op, "detail/ErrorCode");

			if (ec == NULL || strcmp(ec, code) != 0)
				fail_msg("%s: want %s: %s", what, code,
				    r.body.data);
		}
		soap_request_free(q);
	} else if (status == 500) {
		fail_msg("%s: a 500 without a SOAP fault", what);
	}
	wh_reply_free(&r);
}

static void
post(const char *what, const char *path, const char *action,
    const char *ct, const void *body, size_t len, long status,
    const char *code)
{
	struct wh_post p;

	memset(&p, 0, sizeof(p));
	p.path = path;
	/* no intent given: the empty SOAPAction of SOAP 1.1 §6.1.1, so the
	 * body names the operation (a missing header is a fault of its own,
	 * test_wrong_action_and_type) */
	p.action = action != NULL ? action : "\"\"";
	p.content_type = ct;
	p.body = body;
	p.len = len;
	expect(what, &p, status, code);
}

/* POST body to path without a SOAPAction header: a fault holding want. */
static void
no_soapaction(const char *path, const char *body, const char *want)
{
	struct wh_post p;
	struct wh_reply r;

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.body = body;
	p.len = strlen(body);
	expect("no SOAPAction", &p, 500, NULL);
	wh_send(&T.srv, &p, &r);
	assert_int_equal(r.status, 500);
	if (r.body.data == NULL || strstr(r.body.data, want) == NULL)
		fail_msg("no SOAPAction to %s: want %s in %s", path, want,
		    r.body.data ? r.body.data : "");
	wh_reply_free(&r);
}

/* xml with text inserted before the first `at`. */
static char *
insert_before(const char *xml, const char *at, const char *text)
{
	const char *p = strstr(xml, at);
	struct buf b;

	assert_non_null(p);
	buf_init(&b, 1u << 24);
	buf_append(&b, xml, (size_t)(p - xml));
	buf_puts(&b, text);
	buf_puts(&b, p);
	return buf_steal(&b, NULL);
}

#define A_SYNC	"\"" WH_NS_CLIENT "/SyncUpdates\""
#define A_CONF	"\"" WH_NS_CLIENT "/GetConfig\""

/* ---- setup: one client registered, so there is state to keep ---------------- */

static int
group_setup(void **state)
{
	(void)state;
	memset(&T, 0, sizeof(T));
	buf_init(&T.before, 1);
	if (wh_setup(&T.srv, NULL) != 0 || tl_wsusd_start(&T.srv) != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	int rc;

	(void)state;
	rc = tl_wsusd_stop(&T.srv);
	tl_wsusd_cleanup(&T.srv);
	buf_free(&T.before);
	return rc;
}

static void
test_handshake(void **state)
{
	struct wh_reply r;
	char *req, *tmp, lc[64], auth[2048];

	(void)state;
	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetConfigResult/LastChange", lc, sizeof(lc));
	wh_reply_free(&r);
	free(req);
	req = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml", NULL);
	wh_soap(&T.srv, WH_SIMPLEAUTH, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetAuthorizationCookieResult/CookieData", auth,
	    sizeof(auth));
	wh_reply_free(&r);
	free(req);
	tmp = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
	req = wh_set_text(tmp, "<AuthorizationCookie>", "CookieData", auth);
	free(tmp);
	tmp = wh_set_text(req, NULL, "lastChange", lc);
	free(req);
	wh_soap(&T.srv, WH_CLIENT, tmp, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetCookieResult/Expiration", T.expiration,
	    sizeof(T.expiration));
	wh_reply_text(&r, "GetCookieResult/EncryptedData", T.session,
	    sizeof(T.session));
	wh_reply_free(&r);
	free(tmp);
	tmp = wh_fixture(CAP "scan/04-RegisterComputer.request.xml", NULL);
	req = wh_set_cookie(tmp, T.expiration, T.session);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_free(&r);
	free(req);
	free(tmp);
}

/* ---- the cases ---------------------------------------------------------------- */

static void
test_garbage(void **state)
{
	static const char *const bodies[] = {
		"", "hello", "<", "<?xml version=\"1.0\"?>",
		"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">",
		ENV_OPEN ENV_CLOSE,			/* no operation */
		"<Envelope><Body><GetConfig/></Body></Envelope>", /* no ns */
		ENV_OPEN "<GetConfig xmlns=\"" WH_NS_CLIENT "\"/><GetConfig xmlns=\""
		    WH_NS_CLIENT "\"/>" ENV_CLOSE,	/* two operations */
		ENV_OPEN "<GetConfig xmlns=\"" WH_NS_CLIENT "\">" ENV_CLOSE,
		"\xff\xfe<\0s\0:\0",			/* UTF-16 */
		ENV_OPEN "<GetConfig xmlns=\"" WH_NS_CLIENT "\"><protocolVersion>"
		    "\xc3\x28</protocolVersion></GetConfig>" ENV_CLOSE,
		ENV_OPEN "<GetConfig xmlns=\"" WH_NS_CLIENT "\"><protocolVersion>"
		    "&#1;</protocolVersion></GetConfig>" ENV_CLOSE,
		"<?pi x?>" ENV_OPEN "<GetConfig xmlns=\"" WH_NS_CLIENT "\"/>"
		    ENV_CLOSE,
	};

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		char what[64];
		size_t len = i == 9 ? 8 : strlen(bodies[i]);

		snprintf(what, sizeof(what), "garbage #%zu", i);
		post(what, WH_CLIENT, A_CONF, NULL, bodies[i], len, 500, NULL);
		post(what, WH_SIMPLEAUTH, NULL, NULL, bodies[i], len, 500,
		    NULL);
		post(what, WH_REPORTING, NULL, NULL, bodies[i], len, 500, NULL);
	}
	/* a bad protocolVersion is a WSUS fault */
	{
		static const char b[] = ENV_OPEN "<GetConfig xmlns=\""
		    WH_NS_CLIENT "\"><protocolVersion>two</protocolVersion>"
		    "</GetConfig>" ENV_CLOSE;
		post("protocolVersion", WH_CLIENT, A_CONF, NULL, b,
		    strlen(b), 500, "InvalidParameters");
	}
	wh_db_unchanged(&T.srv, &T.before, "garbage");
}

static void
test_wrong_action_and_type(void **state)
{
	char *req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	struct wh_post p;

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	post("wrong SOAPAction", WH_CLIENT, A_SYNC, NULL, req, strlen(req),
	    500, NULL);
	post("unquoted other action", WH_CLIENT,
	    WH_NS_CLIENT "/GetCookie", NULL, req, strlen(req), 500, NULL);
	post("unbalanced quotes", WH_CLIENT, "\"" WH_NS_CLIENT "/GetConfig",
	    NULL, req, strlen(req), 500, NULL);
	/* an empty SOAPAction ("") is no intent: the body names the
	 * operation */
	post("empty SOAPAction", WH_CLIENT, "\"\"", NULL, req, strlen(req), 200,
	    NULL);
	/* no SOAPAction header at all (SOAP 1.1 §6.1.1: MUST be sent) is
	 * faulted as WCF and ASMX fault an action they do not know */
	no_soapaction(WH_CLIENT, req, "<faultcode xmlns:a=\"http://schemas."
	    "microsoft.com/ws/2005/05/addressing/none\">a:ActionNotSupported"
	    "</faultcode><faultstring xml:lang=\"en-US\">The message with "
	    "Action '' cannot be processed at the receiver, due to a "
	    "ContractFilter mismatch at the EndpointDispatcher.");
	{
		char *rep = wh_fixture(CAP "flow/17-ReportEventBatch.request.xml",
		    NULL);
		no_soapaction(WH_REPORTING, rep, "<faultcode>soap:Client"
		    "</faultcode><faultstring>Server did not recognize the "
		    "value of HTTP Header SOAPAction: .</faultstring>");
		free(rep);
	}
	post("json", WH_CLIENT, A_CONF, "application/json", req, strlen(req),
	    415, NULL);
	post("latin1", WH_CLIENT, A_CONF, "text/xml; charset=iso-8859-1", req,
	    strlen(req), 415, NULL);
	post("SOAP 1.2 to the WCF service", WH_CLIENT, NULL,
	    "application/soap+xml; charset=utf-8", req, strlen(req), 415,
	    NULL);
	memset(&p, 0, sizeof(p));
	p.path = WH_CLIENT;
	p.method = "GET";
	expect("GET", &p, 405, NULL);
	p.method = "PUT";
	p.body = req;
	p.len = strlen(req);
	expect("PUT", &p, 405, NULL);
	p.path = "/ClientWebService/client.asmx/extra";
	p.method = NULL;
	expect("longer path", &p, 404, NULL);
	wh_db_unchanged(&T.srv, &T.before, "wrong action or type");
	free(req);
}

static void
test_big_bodies(void **state)
{
	size_t n = 10u * 1024 * 1024;
	char *big = xmalloc(n + 1);
	struct buf arr;

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	/* 10 MB: over the SOAP reader's 4 MiB */
	memset(big, ' ', n);
	memcpy(big, ENV_OPEN, strlen(ENV_OPEN));
	post("10 MB", WH_CLIENT, A_SYNC, NULL, big, n, 413, NULL);
	post("10 MB reporting", WH_REPORTING, NULL, NULL, big, n, 413, NULL);
	free(big);
	/* 20 MB: over the HTTP layer's max_body_bytes (16M default) */
	n = 20u * 1024 * 1024;
	big = xmalloc(n);
	memset(big, 'A', n);
	post("20 MB", WH_CLIENT, A_SYNC, NULL, big, n, 413, NULL);
	free(big);

	/* 100k-element array */
	buf_init(&arr, 8u << 20);
	buf_printf(&arr, ENV_OPEN "<SyncUpdates xmlns=\"" WH_NS_CLIENT "\">"
	    "<cookie><Expiration>%s</Expiration><EncryptedData>%s"
	    "</EncryptedData></cookie><parameters><ExpressQuery>false"
	    "</ExpressQuery><OtherCachedUpdateIDs>", T.expiration, T.session);
	for (int i = 0; i < 100000; i++)
		buf_puts(&arr, "<int>1</int>");
	buf_puts(&arr, "</OtherCachedUpdateIDs><SkipSoftwareSync>false"
	    "</SkipSoftwareSync></parameters></SyncUpdates>" ENV_CLOSE);
	assert_false(arr.failed);
	post("100k array", WH_CLIENT, A_SYNC, NULL, arr.data, arr.len, 500,
	    NULL);
	buf_free(&arr);
	wh_db_unchanged(&T.srv, &T.before, "big bodies");
}

static void
test_nesting_and_entities(void **state)
{
	static const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope ["
	    "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
	    "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
	    ENV_OPEN "<GetConfig xmlns=\"" WH_NS_CLIENT "\"><protocolVersion>"
	    "&h;</protocolVersion></GetConfig>" ENV_CLOSE;
	static const char xxe[] = "<?xml version=\"1.0\"?><!DOCTYPE x ["
	    "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" ENV_OPEN
	    "<GetConfig xmlns=\"" WH_NS_CLIENT "\"><protocolVersion>&x;"
	    "</protocolVersion></GetConfig>" ENV_CLOSE;
	static const char undeclared[] = ENV_OPEN "<GetConfig xmlns=\""
	    WH_NS_CLIENT "\"><protocolVersion>&x;</protocolVersion>"
	    "</GetConfig>" ENV_CLOSE;
	struct buf deep;
	time_t t0 = time(NULL);

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	post("billion laughs", WH_CLIENT, A_CONF, NULL, bomb, strlen(bomb),
	    500, NULL);
	post("billion laughs reporting", WH_REPORTING, NULL, NULL, bomb,
	    strlen(bomb), 500, NULL);
	post("external entity", WH_SIMPLEAUTH, NULL, NULL, xxe, strlen(xxe),
	    500, NULL);
	post("undeclared entity", WH_CLIENT, A_CONF, NULL, undeclared,
	    strlen(undeclared), 500, NULL);
	assert_true(time(NULL) - t0 < 10);

	buf_init(&deep, 1u << 20);
	buf_puts(&deep, ENV_OPEN "<SyncUpdates xmlns=\"" WH_NS_CLIENT "\">");
	for (int i = 0; i < 1000; i++)
		buf_puts(&deep, "<a>");
	for (int i = 0; i < 1000; i++)
		buf_puts(&deep, "</a>");
	buf_puts(&deep, "</SyncUpdates>" ENV_CLOSE);
	post("1000 deep", WH_CLIENT, A_SYNC, NULL, deep.data, deep.len, 500,
	    NULL);
	buf_free(&deep);
	wh_db_unchanged(&T.srv, &T.before, "nesting and entities");
}

static void
test_forged_cookies(void **state)
{
	static const char *const forged[] = {
		"", "AAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"not base64 at all", "AQ==",
	};
	char *reg = wh_fixture(CAP "scan/04-RegisterComputer.request.xml", NULL);
	char *rep = wh_fixture(CAP "flow/16-ReportEventBatch.request.xml", NULL);
	char big[3000];

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 0; i <= sizeof(forged) / sizeof(forged[0]); i++) {
		const char *c = i < sizeof(forged) / sizeof(forged[0]) ?
		    forged[i] : big;
		char *a = wh_set_cookie(reg, T.expiration, c);
		char *b = wh_set_cookie(rep, T.expiration, c);

		post("forged RegisterComputer", WH_CLIENT,
		    "\"" WH_NS_CLIENT "/RegisterComputer\"", NULL, a,
		    strlen(a), 500, "InvalidCookie");
		post("forged ReportEventBatch", WH_REPORTING,
		    "\"" WH_NS_REPORT "/ReportEventBatch\"", NULL, b,
		    strlen(b), 500, "InvalidCookie");
		free(a);
		free(b);
	}
	/* the real session cookie with a changed clear Expiration */
	{
		char *a = wh_set_cookie(reg, "2030-01-01T00:00:00Z", T.session);

		post("moved Expiration", WH_CLIENT,
		    "\"" WH_NS_CLIENT "/RegisterComputer\"", NULL, a,
		    strlen(a), 500, "InvalidCookie");
		free(a);
	}
	/* an authorization cookie is not a session cookie and vice versa */
	{
		char *a = wh_set_cookie(rep, T.expiration,
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

		post("zero cookie", WH_REPORTING, NULL, NULL, a, strlen(a), 500,
		    "InvalidCookie");
		free(a);
	}
	wh_db_unchanged(&T.srv, &T.before, "forged cookies");
	free(reg);
	free(rep);
}

static void
test_bad_parameters(void **state)
{
	char *rep = wh_fixture(CAP "flow/16-ReportEventBatch.request.xml", NULL);
	char *auth = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml",
	    NULL);
	char *a, *b, longid[400];

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	/* a bad event: nothing of the batch is stored */
	a = wh_set_cookie(rep, T.expiration, T.session);
	b = wh_set_text(a, NULL, "EventInstanceID", "not-a-guid");
	post("bad EventInstanceID", WH_REPORTING, NULL, NULL, b, strlen(b),
	    500, "InvalidParameters");
	free(b);
	b = wh_set_text(a, NULL, "Sid", "someone-else");
	post("other TargetID", WH_REPORTING, NULL, NULL, b, strlen(b), 500,
	    "InvalidParameters");
	free(b);
	b = wh_set_text(a, NULL, "clientTime", "yesterday");
	post("bad clientTime", WH_REPORTING, NULL, NULL, b, strlen(b), 500,
	    "InvalidParameters");
	free(b);
	free(a);
	/* GetAuthorizationCookie with a bad client id: InternalServerError
	 * (as WSUS, [MS-WUSP] <50>) and no computer created */
	a = wh_set_text(auth, NULL, "clientId", "../../etc/passwd");
	post("bad clientId", WH_SIMPLEAUTH, NULL, NULL, a, strlen(a), 500,
	    "InternalServerError");
	free(a);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	a = wh_set_text(auth, NULL, "clientId", longid);
	post("long clientId", WH_SIMPLEAUTH, NULL, NULL, a, strlen(a), 500,
	    "InternalServerError");
	free(a);
	a = wh_set_text(auth, NULL, "clientId", "");
	post("empty clientId", WH_SIMPLEAUTH, NULL, NULL, a, strlen(a), 500,
	    "InternalServerError");
	free(a);
	/* SystemSpec on a software pass */
	{
		char *t = wh_fixture(CAP "scan/06-SyncUpdates-first.request.xml",
		    NULL);
		char *u = wh_set_cookie(t, T.expiration, T.session);
		char *v = insert_before(u, "<SkipSoftwareSync>",
		    "<SystemSpec><Device><HardwareIDs><string>PCI\\VEN_1"
		    "</string></HardwareIDs></Device></SystemSpec>");

		post("SystemSpec on a software pass", WH_CLIENT, A_SYNC, NULL,
		    v, strlen(v), 500, "InvalidParameters");
		free(t);
		free(u);
		free(v);
	}
	wh_db_unchanged(&T.srv, &T.before, "bad parameters");
	free(rep);
	free(auth);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_wrong_action_and_type),
		cmocka_unit_test(test_big_bodies),
		cmocka_unit_test(test_nesting_and_entities),
		cmocka_unit_test(test_forged_cookies),
		cmocka_unit_test(test_bad_parameters),
	};

	return WH_RUN(argc, argv, tests, group_setup, group_teardown);
}
