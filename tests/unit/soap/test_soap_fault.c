/*
 * test_soap_fault.c — WSUS faults byte-compared with the real ones:
 * the WCF-style client-service fault (wusp-driver-capture 000141) and
 * the ASMX-style server-sync faults (wsusss-capture 000017-000019).
 * The detail ID is a server-generated GUID: the exact comparisons pass
 * the captured ID in; with a generated ID only the 36 characters inside
 * <ID>...</ID> are masked before comparing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap_test_util.h"
#include "util/buf.h"

#define SYNC_URL "http://127.0.0.1:8530/ServerSyncWebService/ServerSyncWebService.asmx"

static char errbuf[256];

static void
expect_file(const struct buf *b, const char *rel)
{
	size_t len;
	char *want = fixture(rel, &len);

	if (b->len != len || memcmp(b->data, want, len) != 0) {
		size_t k = 0;
		while (k < len && k < b->len && b->data[k] == want[k])
			k++;
		fail_msg("%s differs at byte %zu:\n got: %.80s\nwant: %.80s", rel,
		    k, b->data + k, want + k);
	}
	free(want);
}

/* Replace the GUID inside <ID>...</ID> by X's; asserts the shape. */
static void
mask_id(char *s)
{
	char *p = strstr(s, "<ID>"), g[SOAP_GUID_STRLEN];

	assert_non_null(p);
	p += 4;
	assert_int_equal(strncmp(p + 36, "</ID>", 5), 0);
	assert_int_equal(soap_parse_guid(p, 36, g), 0);
	assert_memory_equal(g, p, 36);	/* lower case, canonical */
	memset(p, 'X', 36);
}

static void
test_wcf_invalidparameters_exact(void **state)
{
	struct soap_fault f;
	struct buf b;

	soap_fault_init(&f, SOAP_STYLE_WCF, SOAP_V11, SOAP_EC_INVALID_PARAMETERS);
	assert_int_equal(f.code, SOAP_FC_CLIENT);
	f.message = "parameters.InstalledNonLeafUpdateIDs";
	f.id = "81418b4e-82c1-48d0-9504-da01db6148ae";
	f.method = SOAP_NS_CLIENT "/SyncUpdates";
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	expect_file(&b, "wusp-driver-capture/000141-SyncUpdates-InvalidParameters.fault.response.xml");
	buf_free(&b);
}

static void
test_asmx_faults_exact(void **state)
{
	static const struct {
		const char *file;
		enum soap_error_code ec;
		const char *message, *id, *op;
	} t[] = {
		{ "wsusss-capture/000017-GetUpdateData-unknown-id.fault.response.xml",
		    SOAP_EC_INTERNAL_SERVER_ERROR, NULL,
		    "b6114a8d-9939-41e0-ad7f-0d9a72260804", "GetUpdateData" },
		{ "wsusss-capture/000018-GetRevisionIdList-bad-anchor.fault.response.xml",
		    SOAP_EC_INVALID_PARAMETERS, "filter",
		    "94327110-fc7e-4c3c-878d-186ab273d9fd", "GetRevisionIdList" },
		{ "wsusss-capture/000019-GetRevisionIdList-no-cookie.fault.response.xml",
		    SOAP_EC_INVALID_COOKIE, NULL,
		    "6ea693bc-a66e-4334-a797-043728561c7d", "GetRevisionIdList" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct soap_fault f;
		struct buf b;
		char method[128];

		snprintf(method, sizeof(method), SOAP_NS_SWDIST "/%s", t[i].op);
		soap_fault_init(&f, SOAP_STYLE_ASMX, SOAP_V11, t[i].ec);
		f.actor = SYNC_URL;
		f.message = t[i].message;
		f.id = t[i].id;
		f.method = method;
		buf_init(&b, 1 << 16);
		assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)),
		    SOAP_FAULT_HTTP_STATUS);
		expect_file(&b, t[i].file);
		buf_free(&b);
	}
}

static void
test_generated_id_masked(void **state)
{
	struct soap_fault f;
	struct buf a, b;
	size_t len;
	char *want;

	/* ASMX InvalidCookie with a fresh ID */
	soap_fault_init(&f, SOAP_STYLE_ASMX, SOAP_V11, SOAP_EC_INVALID_COOKIE);
	f.actor = SYNC_URL;
	f.method = SOAP_NS_SWDIST "/GetRevisionIdList";
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &a, errbuf, sizeof(errbuf)), 500);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	/* two faults, two IDs */
	assert_int_equal(a.len, b.len);
	assert_true(memcmp(a.data, b.data, a.len) != 0);
	want = fixture("wsusss-capture/000019-GetRevisionIdList-no-cookie.fault.response.xml", &len);
	mask_id(a.data);
	mask_id(want);
	assert_int_equal(a.len, len);
	assert_memory_equal(a.data, want, len);
	free(want);
	buf_free(&a);
	buf_free(&b);

	/* WCF InvalidParameters with a fresh ID */
	soap_fault_init(&f, SOAP_STYLE_WCF, SOAP_V11, SOAP_EC_INVALID_PARAMETERS);
	f.message = "parameters.InstalledNonLeafUpdateIDs";
	f.method = SOAP_NS_CLIENT "/SyncUpdates";
	buf_init(&a, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &a, errbuf, sizeof(errbuf)), 500);
	want = fixture("wusp-driver-capture/000141-SyncUpdates-InvalidParameters.fault.response.xml", &len);
	mask_id(a.data);
	mask_id(want);
	assert_int_equal(a.len, len);
	assert_memory_equal(a.data, want, len);
	free(want);
	buf_free(&a);
}

static void
test_error_codes(void **state)
{
	static const char *names[] = {
		"InvalidCookie", "CookieExpired", "ServerChanged", "ConfigChanged",
		"RegistrationRequired", "RegistrationNotRequired",
		"InvalidParameters", "InvalidAuthorizationCookie",
		"InternalServerError", "ServerBusy", "FileLocationChanged",
		"IncompatibleProtocolVersion", "FileDigestsMissing", "TooManyIds",
	};
	enum soap_error_code ec;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(soap_error_code_parse(names[i], &ec), 0);
		assert_string_equal(soap_error_code_name(ec), names[i]);
	}
	assert_int_equal(soap_error_code_parse("invalidcookie", &ec), -1);
	assert_int_equal(soap_error_code_parse("", &ec), -1);
	assert_int_equal(soap_error_code_parse(NULL, &ec), -1);
	assert_null(soap_error_code_name(SOAP_EC_NONE));
	assert_null(soap_error_code_name((enum soap_error_code)999));
	/* faultcodes: observed ones, and the Server group */
	assert_int_equal(soap_error_code_faultcode(SOAP_EC_INVALID_PARAMETERS), SOAP_FC_CLIENT);
	assert_int_equal(soap_error_code_faultcode(SOAP_EC_INVALID_COOKIE), SOAP_FC_CLIENT);
	assert_int_equal(soap_error_code_faultcode(SOAP_EC_CONFIG_CHANGED), SOAP_FC_CLIENT);
	assert_int_equal(soap_error_code_faultcode(SOAP_EC_INTERNAL_SERVER_ERROR), SOAP_FC_SERVER);
	assert_int_equal(soap_error_code_faultcode(SOAP_EC_SERVER_BUSY), SOAP_FC_SERVER);
}

static void
test_escaping_and_errors(void **state)
{
	struct soap_fault f;
	struct buf b;

	/* text in the fault is escaped like any text */
	soap_fault_init(&f, SOAP_STYLE_WCF, SOAP_V11, SOAP_EC_INVALID_PARAMETERS);
	f.message = "a<b>&\"c\"";
	f.id = "00000000-0000-4000-8000-000000000000";
	f.method = "urn:x/\"q\"";
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	assert_non_null(strstr(b.data, "<Message>a&lt;b&gt;&amp;\"c\"</Message>"));
	assert_non_null(strstr(b.data, "<Method>\"urn:x/\"q\"\"</Method>"));
	buf_free(&b);

	/* a string that is not UTF-8 fails the write, not the output */
	f.message = "bad \xff";
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), -1);
	buf_free(&b);

	/* an output buffer too small */
	f.message = NULL;
	buf_init(&b, 100);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "larger"));
	buf_free(&b);

	/* an unknown ErrorCode value */
	f.error_code = (enum soap_error_code)999;
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), -1);
	buf_free(&b);

	/* without Method and with a custom faultstring */
	soap_fault_init(&f, SOAP_STYLE_ASMX, SOAP_V11, SOAP_EC_SERVER_BUSY);
	f.faultstring = "busy";
	f.id = "00000000-0000-4000-8000-000000000000";
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	assert_non_null(strstr(b.data, "<faultcode>soap:Server</faultcode>"
	    "<faultstring>busy</faultstring><detail><ErrorCode>ServerBusy"
	    "</ErrorCode><Message></Message><ID>00000000-0000-4000-8000-"
	    "000000000000</ID></detail></soap:Fault>"));
	assert_null(strstr(b.data, "faultactor"));
	assert_null(strstr(b.data, "Method"));
	buf_free(&b);
}

/* The written fault parses back (our reader, as a DSS would read it). */
static void
test_soap12_fault(void **state)
{
	struct soap_fault f;
	struct buf b;
	struct soap_request *r = NULL;
	const struct soap_node *n;

	soap_fault_init(&f, SOAP_STYLE_ASMX, SOAP_V12, SOAP_EC_INVALID_COOKIE);
	f.actor = SYNC_URL;
	f.method = SOAP_NS_SWDIST "/GetCookie";
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	assert_int_equal(parse_doc(b.data, b.len, SOAP_PARSE_ALLOW_V12, &r,
	    errbuf, sizeof(errbuf)), SOAP_OK);
	assert_int_equal(r->version, SOAP_V12);
	assert_true(soap_node_is(r->op, SOAP_NS_ENV12, "Fault"));
	assert_string_equal(soap_child_text(soap_child(r->op, "Code"), "Value"),
	    "soap:Sender");
	n = soap_child(soap_child(r->op, "Reason"), "Text");
	assert_string_equal(n->text, "Fault occurred");
	assert_string_equal(soap_attr(n, SOAP_NS_XML, "lang"), "en");
	assert_string_equal(soap_child_text(r->op, "Node"), SYNC_URL);
	/* MS-WSUSSS §2.2.9.2: an unqualified Detail */
	n = soap_child_ns(r->op, "", "Detail");
	assert_non_null(n);
	assert_string_equal(soap_child(n, "ErrorCode")->text, "InvalidCookie");
	assert_string_equal(soap_child(n, "Method")->text,
	    "\"" SOAP_NS_SWDIST "/GetCookie\"");
	soap_request_free(r);
	buf_free(&b);

	soap_fault_init(&f, SOAP_STYLE_ASMX, SOAP_V12, SOAP_EC_INTERNAL_SERVER_ERROR);
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	assert_non_null(strstr(b.data, "<soap:Value>soap:Receiver</soap:Value>"));
	assert_null(strstr(b.data, "soap:Node"));
	buf_free(&b);
}

static void
test_fault_for_parse_errors(void **state)
{
	struct soap_fault f;
	struct buf b;
	struct soap_request *r = NULL;

	assert_int_equal(soap_fault_for_error(&f, SOAP_STYLE_WCF, SOAP_V11,
	    SOAP_ERR_CONTENT_TYPE, "bad Content-Type"), 415);
	assert_int_equal(soap_fault_for_error(&f, SOAP_STYLE_WCF, SOAP_V11,
	    SOAP_ERR_TOO_LARGE, NULL), 413);
	assert_int_equal(soap_fault_for_error(&f, SOAP_STYLE_WCF, SOAP_V11,
	    SOAP_ERR_INTERNAL, NULL), 500);
	assert_int_equal(f.code, SOAP_FC_SERVER);
	assert_int_equal(soap_fault_for_error(&f, SOAP_STYLE_WCF, SOAP_V11,
	    SOAP_ERR_MUST_UNDERSTAND, NULL), 500);
	assert_int_equal(f.code, SOAP_FC_MUST_UNDERSTAND);
	assert_int_equal(soap_fault_for_error(&f, SOAP_STYLE_WCF, SOAP_V11,
	    SOAP_ERR_MALFORMED, "line 1: not well-formed"), 500);
	assert_int_equal(f.code, SOAP_FC_CLIENT);
	assert_int_equal(soap_fault_for_error(&f, SOAP_STYLE_ASMX, SOAP_V11,
	    SOAP_ERR_VERSION_MISMATCH, "Envelope is in no SOAP namespace"), 500);
	assert_int_equal(f.code, SOAP_FC_VERSION_MISMATCH);
	buf_init(&b, 1 << 16);
	assert_int_equal(soap_fault_write(&f, &b, errbuf, sizeof(errbuf)), 500);
	assert_non_null(strstr(b.data, "<faultcode>soap:VersionMismatch</faultcode>"
	    "<faultstring>Envelope is in no SOAP namespace</faultstring></soap:Fault>"));
	/* no WSUS detail */
	assert_null(strstr(b.data, "detail"));
	assert_int_equal(parse_doc(b.data, b.len, 0, &r, errbuf, sizeof(errbuf)),
	    SOAP_OK);
	assert_null(soap_child_ns(r->op, "", "detail"));
	soap_request_free(r);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wcf_invalidparameters_exact),
		cmocka_unit_test(test_asmx_faults_exact),
		cmocka_unit_test(test_generated_id_masked),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_escaping_and_errors),
		cmocka_unit_test(test_soap12_fault),
		cmocka_unit_test(test_fault_for_parse_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
