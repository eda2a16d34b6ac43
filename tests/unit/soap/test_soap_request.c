/*
 * test_soap_request.c — the bounded SOAP request reader: every real
 * captured request (tests/fixtures/soap) parsed with its operation and
 * key fields checked, every captured response parsed as a document,
 * SOAPAction/Content-Type rules and the tree lookups.  Hostile inputs
 * are in test_soap_hostile.c.
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
#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "soap_request_test.h"
#include "soap_test_util.h"
#include "util/buf.h"

/* Parse a request fixture with a Content-Type and SOAPAction; must succeed. */
static struct soap_request *
req_fixture(const char *rel, const char *action)
{
	struct soap_request *r = NULL;
	size_t len;
	char *data = fixture(rel, &len);
	enum soap_err e;

	e = soap_request_parse(data, len, CT11, action, NULL, &r, errbuf,
	    sizeof(errbuf));
	free(data);
	if (e != SOAP_OK)
		fail_msg("%s: %s: %s", rel, soap_err_name(e), errbuf);
	assert_non_null(r);
	return r;
}

/* ------------------------------------------------------------------ */
/* Real client-server (MS-WUSP) requests                               */
/* ------------------------------------------------------------------ */

static void
test_wusp_getconfig(void **state)
{
	struct soap_request *r = req_fixture(
	    "wusp-native-capture/scan/01-GetConfig.request.xml",
	    ACT_CLIENT("GetConfig"));

	assert_int_equal(r->version, SOAP_V11);
	assert_true(soap_node_is(r->op, SOAP_NS_CLIENT, "GetConfig"));
	assert_null(r->op->parent);
	assert_null(r->header);
	assert_string_equal(soap_child_text(r->op, "protocolVersion"), "2.90");
	assert_string_equal(r->action, SOAP_NS_CLIENT "/GetConfig");
	assert_int_equal(r->action_sent, 1);
	assert_int_equal(r->nelements, 4);	/* Envelope, Body, GetConfig, protocolVersion */
	soap_request_free(r);
}

static void
test_wusp_getauthorizationcookie(void **state)
{
	char g[SOAP_GUID_STRLEN];
	struct soap_request *r = req_fixture(
	    "wusp-native-capture/scan/02-GetAuthorizationCookie.request.xml",
	    "\"" SOAP_NS_SIMPLEAUTH "/GetAuthorizationCookie\"");

	assert_true(soap_node_is(r->op, SOAP_NS_SIMPLEAUTH,
	    "GetAuthorizationCookie"));
	assert_int_equal(soap_node_guid(soap_child(r->op, "clientId"), g), 0);
	assert_string_equal(g, "e1da06a3-5601-43c9-bac3-52d5db701494");
	assert_string_equal(soap_child_text(r->op, "dnsName"), "REDACTED3");
	/* a child in another namespace is not found by soap_child() */
	assert_null(soap_child_ns(r->op, SOAP_NS_CLIENT, "dnsName"));
	assert_non_null(soap_child_ns(r->op, NULL, "dnsName"));
	soap_request_free(r);
}

static void
test_wusp_getcookie(void **state)
{
	struct soap_request *r = req_fixture(
	    "wusp-native-capture/scan/03-GetCookie.request.xml",
	    ACT_CLIENT("GetCookie"));
	const struct soap_node *ac, *n;
	struct soap_datetime dt;
	uint8_t cookie[1024];
	size_t clen;

	assert_true(soap_node_is(r->op, SOAP_NS_CLIENT, "GetCookie"));
	ac = soap_child(soap_child(r->op, "authCookies"), "AuthorizationCookie");
	assert_non_null(ac);
	assert_int_equal(soap_count_children(soap_child(r->op, "authCookies"),
	    "AuthorizationCookie"), 1);
	assert_string_equal(soap_child_text(ac, "PlugInId"), "SimpleTargeting");
	n = soap_child(ac, "CookieData");
	/* redacted by the source: A runs, decoding to zero bytes */
	assert_int_equal(soap_node_base64(n, cookie, sizeof(cookie), &clen), 0);
	assert_int_equal(clen, n->text_len / 4 * 3 - 2);	/* "...==" */
	for (size_t i = 0; i < clen; i++)
		assert_int_equal(cookie[i], 0);
	/* a too small output buffer is refused, not overrun */
	assert_int_equal(soap_node_base64(n, cookie, 16, &clen), -1);
	/* oldCookie holds only Expiration */
	n = soap_child(r->op, "oldCookie");
	assert_int_equal(n->nchildren, 1);
	assert_int_equal(soap_node_datetime(soap_child(n, "Expiration"), &dt), 0);
	assert_true(dt.sec == 1791126216 && dt.ticks == 0 && dt.tz == SOAP_TZ_UTC);
	assert_int_equal(soap_node_datetime(soap_child(r->op, "lastChange"), &dt), 0);
	assert_int_equal(dt.ticks, 5900000);
	assert_string_equal(soap_child_text(r->op, "protocolVersion"), "2.90");
	soap_request_free(r);
}

static void
test_wusp_registercomputer(void **state)
{
	struct soap_request *r = req_fixture(
	    "wusp-native-capture/scan/04-RegisterComputer.request.xml",
	    ACT_CLIENT("RegisterComputer"));
	const struct soap_node *ci;
	int32_t v;
	struct soap_datetime dt;

	assert_true(soap_node_is(r->op, SOAP_NS_CLIENT, "RegisterComputer"));
	ci = soap_child(r->op, "computerInfo");
	assert_non_null(ci);
	assert_int_equal(ci->nchildren, 26);
	assert_int_equal(soap_node_int32(soap_child(ci, "OSBuildNumber"), &v), 0);
	assert_int_equal(v, 26200);
	assert_int_equal(soap_node_int32(soap_child(ci, "NewProductType"), &v), 0);
	assert_int_equal(v, 48);
	assert_string_equal(soap_child_text(ci, "ComputerModel"),
	    "Standard PC (Q35 + ICH9, 2009)");
	assert_string_equal(soap_child_text(ci, "MobileOperator"), "Not Present");
	assert_int_equal(soap_node_datetime(soap_child(ci, "BiosReleaseDate"), &dt), 0);
	assert_true(dt.sec == 1643760000);
	/* text is not a number */
	assert_int_equal(soap_node_int32(soap_child(ci, "OSLocale"), &v), -1);
	assert_int_equal(soap_node_int32(soap_child(ci, "NoSuchElement"), &v), -1);
	soap_request_free(r);
}

/* SOAPAction taken from the captured HTTP headers of the same exchange. */
static void
header_value(const char *headers, const char *name, char *out, size_t outlen)
{
	const char *p = headers;
	size_t nl = strlen(name);

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1, *e = strstr(v, "\r\n");
			size_t n;
			while (*v == ' ')
				v++;
			n = e != NULL ? (size_t)(e - v) : strlen(v);
			assert_true(n < outlen);
			memcpy(out, v, n);
			out[n] = '\0';
			return;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	fail_msg("header %s not found", name);
}

static void
test_wusp_syncupdates(void **state)
{
	size_t hlen, blen;
	char *hdr = fixture("wusp-native-capture/scan/06-SyncUpdates-first.request.headers.txt", &hlen);
	char *body = fixture("wusp-native-capture/scan/06-SyncUpdates-first.request.xml", &blen);
	char ct[128], action[256], g[SOAP_GUID_STRLEN];
	struct soap_request *r = NULL;
	const struct soap_node *p, *n;
	struct soap_datetime dt;
	int b;

	header_value(hdr, "Content-Type", ct, sizeof(ct));
	header_value(hdr, "SOAPAction", action, sizeof(action));
	assert_string_equal(action,
	    "\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates\"");
	assert_int_equal(soap_request_parse(body, blen, ct, action, NULL, &r,
	    errbuf, sizeof(errbuf)), SOAP_OK);
	assert_true(soap_node_is(r->op, SOAP_NS_CLIENT, "SyncUpdates"));
	assert_string_equal(r->action, SOAP_NS_CLIENT "/SyncUpdates");

	assert_int_equal(soap_node_datetime(soap_child_ns(soap_child(r->op,
	    "cookie"), SOAP_NS_CLIENT, "Expiration"), &dt), 0);
	assert_true(dt.sec == 1791129815 && dt.ticks == 9967236);
	p = soap_child(r->op, "parameters");
	assert_non_null(p);
	assert_int_equal(soap_node_bool(soap_child(p, "ExpressQuery"), &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(soap_node_bool(soap_child(p,
	    "NeedTwoGroupOutOfScopeUpdates"), &b), 0);
	assert_int_equal(b, 1);
	/* the first native SyncUpdates omits all cached-id arrays */
	assert_null(soap_child(p, "InstalledNonLeafUpdateIDs"));
	assert_null(soap_child(p, "OtherCachedUpdateIDs"));
	n = soap_child(p, "FilterCategoryIds");
	assert_int_equal(soap_count_children(n, "CategoryIdentifier"), 1);
	assert_int_equal(soap_node_guid(soap_child(soap_child(n,
	    "CategoryIdentifier"), "Id"), g), 0);
	assert_string_equal(g, "dd78b8a1-0b20-45c1-add6-4da72e9364cf");
	/* <ComputerSpec/>: present, empty */
	n = soap_child(p, "ComputerSpec");
	assert_non_null(n);
	assert_int_equal(n->nchildren, 0);
	assert_int_equal(n->text_len, 0);
	assert_string_equal(n->text, "");
	/* unknown (non-spec) elements are kept and reachable */
	n = soap_child(soap_child(p, "ProductsParameters"), "DeviceAttributes");
	assert_non_null(n);
	assert_non_null(strstr(n->text, "OSVersion=10.0.26200.8037;"));
	assert_non_null(strstr(n->text, "HidOverGattReg=C:\\WINDOWS\\System32"));
	assert_string_equal(soap_child_text(soap_child(p, "ProductsParameters"),
	    "CallerAttributes"),
	    "Interactive=0;SheddingAware=1;Id=OOBE ZDP;AADDeviceTokenState=WU:0x00248002;");
	assert_true(n->line >= 1);
	soap_request_free(r);
	free(hdr);
	free(body);
}

static void
test_wusp_getextendedupdateinfo(void **state)
{
	struct soap_request *r = req_fixture(
	    "wusp-native-capture/scan/10-GetExtendedUpdateInfo.request.xml",
	    ACT_CLIENT("GetExtendedUpdateInfo"));
	const struct soap_node *n;
	static const int32_t want[] = { 72571, 108226, 108231 };
	size_t k = 0;

	assert_true(soap_node_is(r->op, SOAP_NS_CLIENT, "GetExtendedUpdateInfo"));
	SOAP_FOREACH_CHILD(n, soap_child(r->op, "revisionIDs"), "int") {
		int32_t v;
		assert_true(k < 3);
		assert_int_equal(soap_node_int32(n, &v), 0);
		assert_int_equal(v, want[k]);
		k++;
	}
	assert_int_equal(k, 3);
	n = soap_child(soap_child(r->op, "infoTypes"), "XmlUpdateFragmentType");
	assert_string_equal(n->text, "Extended");
	assert_string_equal(soap_next_same(n)->text, "LocalizedProperties");
	assert_null(soap_next_same(soap_next_same(n)));
	n = soap_child(soap_child(r->op, "locales"), "string");
	assert_string_equal(n->text, "en-US");
	assert_string_equal(soap_next_same(n)->text, "en");
	assert_string_equal(soap_child_text(r->op, "GeoId"), "USA");
	soap_request_free(r);
}

/* ------------------------------------------------------------------ */
/* Real server-server (MS-WSUSSS) requests (written by a probe)        */
/* ------------------------------------------------------------------ */

static void
test_wsusss_requests(void **state)
{
	struct soap_request *r;
	const struct soap_node *n, *f;
	char g[SOAP_GUID_STRLEN];
	struct soap_datetime dt;
	uint8_t enc[512];
	size_t elen;
	int32_t v;
	int b;

	r = req_fixture("wsusss-capture/000002-DssGetAuthorizationCookie.request.xml",
	    "\"" SOAP_NS_DSSAUTH "/GetAuthorizationCookie\"");
	assert_true(soap_node_is(r->op, SOAP_NS_DSSAUTH, "GetAuthorizationCookie"));
	assert_string_equal(soap_child_text(r->op, "accountName"), "probe.lab.invalid");
	assert_int_equal(soap_node_guid(soap_child(r->op, "accountGuid"), g), 0);
	assert_string_equal(g, "6f1c2f6e-3f0b-4d3a-9b1e-0d2f6a1c5e12");
	soap_request_free(r);

	r = req_fixture("wsusss-capture/000003-GetCookie.request.xml",
	    ACT_SWDIST("GetCookie"));
	assert_true(soap_node_is(r->op, SOAP_NS_SWDIST, "GetCookie"));
	assert_string_equal(soap_child_text(soap_child(soap_child(r->op,
	    "authCookies"), "AuthorizationCookie"), "PlugInId"), "DssTargeting");
	assert_string_equal(soap_child_text(r->op, "protocolVersion"), "1.20");
	soap_request_free(r);

	r = req_fixture("wsusss-capture/000005-GetConfigData.request.xml",
	    ACT_SWDIST("GetConfigData"));
	assert_true(soap_node_is(r->op, SOAP_NS_SWDIST, "GetConfigData"));
	n = soap_child(r->op, "cookie");
	assert_int_equal(soap_node_datetime(soap_child(n, "Expiration"), &dt), 0);
	assert_true(dt.sec == 1791146006 && dt.ticks == 6545500);
	assert_int_equal(soap_node_base64(soap_child(n, "EncryptedData"), enc,
	    sizeof(enc), &elen), 0);
	/* redacted A runs ending in "==": zero bytes */
	assert_int_equal(elen, soap_child(n, "EncryptedData")->text_len / 4 * 3 - 2);
	for (size_t i = 0; i < elen; i++)
		assert_int_equal(enc[i], 0);
	assert_null(soap_child(r->op, "configAnchor"));
	soap_request_free(r);

	r = req_fixture("wsusss-capture/000006-GetRevisionIdList-GetConfig-true.request.xml",
	    ACT_SWDIST("GetRevisionIdList"));
	assert_int_equal(soap_node_bool(soap_child(soap_child(r->op, "filter"),
	    "GetConfig"), &b), 0);
	assert_int_equal(b, 1);
	soap_request_free(r);

	r = req_fixture("wsusss-capture/000009-GetRevisionIdList-product+classification.request.xml",
	    ACT_SWDIST("GetRevisionIdList"));
	f = soap_child(r->op, "filter");
	n = soap_child(soap_child(f, "Categories"), "IdAndDelta");
	assert_int_equal(soap_node_guid(soap_child(n, "Id"), g), 0);
	assert_string_equal(g, "8c3fcc84-7410-4a95-8b89-a166a0190486");
	assert_int_equal(soap_node_bool(soap_child(n, "Delta"), &b), 0);
	assert_int_equal(b, 0);
	n = soap_child(soap_child(f, "Classifications"), "IdAndDelta");
	assert_int_equal(soap_node_guid(soap_child(n, "Id"), g), 0);
	assert_string_equal(g, "e0789628-ce08-4437-be74-2495b842f43b");
	soap_request_free(r);

	r = req_fixture("wsusss-capture/000014-GetUpdateData-leaf-with-file.request.xml",
	    ACT_SWDIST("GetUpdateData"));
	n = soap_child(soap_child(r->op, "updateIds"), "UpdateIdentity");
	assert_int_equal(soap_node_guid(soap_child(n, "UpdateID"), g), 0);
	assert_string_equal(g, "266f6222-c89d-43f2-9f8a-69340271e677");
	assert_int_equal(soap_node_int32(soap_child(n, "RevisionNumber"), &v), 0);
	assert_int_equal(v, 200);
	soap_request_free(r);
}

/* Without a SOAPAction the action is derived from the operation. */
static void
test_action_absent_or_empty(void **state)
{
	struct soap_request *r = NULL;
	size_t len;
	char *d = fixture("wsusss-capture/000006-GetRevisionIdList-GetConfig-true.request.xml", &len);

	assert_int_equal(soap_request_parse(d, len, CT11, NULL, NULL, &r, errbuf,
	    sizeof(errbuf)), SOAP_OK);
	assert_string_equal(r->action, SOAP_NS_SWDIST "/GetRevisionIdList");
	assert_int_equal(r->action_sent, 0);
	soap_request_free(r);
	/* "" means "the request URI" (SOAP 1.1 §6.1.1): no check */
	assert_int_equal(soap_request_parse(d, len, CT11, "\"\"", NULL, &r,
	    errbuf, sizeof(errbuf)), SOAP_OK);
	assert_int_equal(r->action_sent, 0);
	soap_request_free(r);
	/* unquoted but right: accepted */
	assert_int_equal(soap_request_parse(d, len, CT11,
	    "  " SOAP_NS_SWDIST "/GetRevisionIdList ", NULL, &r, errbuf,
	    sizeof(errbuf)), SOAP_OK);
	assert_string_equal(r->action, SOAP_NS_SWDIST "/GetRevisionIdList");
	soap_request_free(r);
	free(d);
}

static void
test_action_mismatch(void **state)
{
	size_t len;
	char *d = fixture("wusp-native-capture/scan/06-SyncUpdates-first.request.xml", &len);

	assert_int_equal(try_parse(d, len, CT11, ACT_CLIENT("GetCookie"), NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	assert_non_null(strstr(errbuf, "SyncUpdates"));
	/* right operation, wrong namespace */
	assert_int_equal(try_parse(d, len, CT11, ACT_SWDIST("SyncUpdates"), NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	/* case matters */
	assert_int_equal(try_parse(d, len, CT11, ACT_CLIENT("syncupdates"), NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	/* prefix / suffix of the right action */
	assert_int_equal(try_parse(d, len, CT11, "\"" SOAP_NS_CLIENT "/Sync\"", NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	assert_int_equal(try_parse(d, len, CT11, ACT_CLIENT("SyncUpdatesX"), NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	/* malformed quoting */
	assert_int_equal(try_parse(d, len, CT11, "\"" SOAP_NS_CLIENT "/SyncUpdates", NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	assert_int_equal(try_parse(d, len, CT11, "\"a\"b\"", NULL),
	    SOAP_ERR_ACTION_MISMATCH);
	/* and the right one passes */
	assert_int_equal(try_parse(d, len, CT11, ACT_CLIENT("SyncUpdates"), NULL),
	    SOAP_OK);
	/* ignored when asked to */
	{
		struct soap_parse_opts o;
		soap_parse_opts_default(&o);
		o.flags = SOAP_PARSE_NO_ACTION;
		assert_int_equal(try_parse(d, len, CT11, ACT_CLIENT("GetCookie"),
		    &o), SOAP_OK);
	}
	free(d);
}

static void
test_content_type(void **state)
{
	size_t len;
	char *d = fixture("wusp-native-capture/scan/01-GetConfig.request.xml", &len);
	const char *act = ACT_CLIENT("GetConfig");
	struct soap_parse_opts o;

	assert_int_equal(try_parse(d, len, NULL, act, NULL), SOAP_ERR_CONTENT_TYPE);
	assert_int_equal(try_parse(d, len, "", act, NULL), SOAP_ERR_CONTENT_TYPE);
	assert_int_equal(try_parse(d, len, "application/json", act, NULL),
	    SOAP_ERR_CONTENT_TYPE);
	assert_int_equal(try_parse(d, len, "text/xml; charset=iso-8859-1", act,
	    NULL), SOAP_ERR_CONTENT_TYPE);
	assert_int_equal(try_parse(d, len, "text/xml; charset=\"utf-16\"", act,
	    NULL), SOAP_ERR_CONTENT_TYPE);
	assert_int_equal(try_parse(d, len, "text/xml; charset", act, NULL),
	    SOAP_ERR_CONTENT_TYPE);
	assert_int_equal(try_parse(d, len, "text/xml; charset=\"utf-8", act,
	    NULL), SOAP_ERR_CONTENT_TYPE);
	/* SOAP 1.2 media type only when allowed */
	assert_int_equal(try_parse(d, len, "application/soap+xml; charset=utf-8",
	    act, NULL), SOAP_ERR_CONTENT_TYPE);
	/* accepted spellings */
	assert_int_equal(try_parse(d, len, "text/xml", act, NULL), SOAP_OK);
	assert_int_equal(try_parse(d, len, "Text/XML;Charset=UTF-8", act, NULL),
	    SOAP_OK);
	assert_int_equal(try_parse(d, len, " text/xml ; charset=\"utf-8\" ; x=y",
	    act, NULL), SOAP_OK);
	/* a SOAP 1.1 body under the 1.2 media type is a version mismatch */
	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ALLOW_V12;
	assert_int_equal(try_parse(d, len, "application/soap+xml; charset=utf-8",
	    act, &o), SOAP_ERR_VERSION_MISMATCH);
	assert_int_equal(soap_content_type_version("text/xml; charset=utf-8"),
	    SOAP_V11);
	assert_int_equal(soap_content_type_version(
	    "application/soap+xml; action=\"x\""), SOAP_V12);
	assert_int_equal(soap_content_type_version("application/xml"), -1);
	assert_int_equal(soap_content_type_version(NULL), -1);
	free(d);
}

static void
test_soap12(void **state)
{
	static const char body[] =
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap12:Envelope xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">"
	    "<soap12:Body><GetAuthConfig xmlns=\"http://www.microsoft.com/SoftwareDistribution\" />"
	    "</soap12:Body></soap12:Envelope>";
	struct soap_parse_opts o;
	struct soap_request *r = NULL;

	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ALLOW_V12;
	assert_int_equal(soap_request_parse(body, strlen(body),
	    "application/soap+xml; charset=utf-8; action=\"" SOAP_NS_SWDIST
	    "/GetAuthConfig\"", NULL, &o, &r, errbuf, sizeof(errbuf)), SOAP_OK);
	assert_int_equal(r->version, SOAP_V12);
	assert_true(soap_node_is(r->op, SOAP_NS_SWDIST, "GetAuthConfig"));
	assert_int_equal(r->action_sent, 1);
	soap_request_free(r);
	/* action parameter naming another operation */
	assert_int_equal(try_parse(body, strlen(body),
	    "application/soap+xml; action=\"" SOAP_NS_SWDIST "/GetCookie\"",
	    NULL, &o), SOAP_ERR_ACTION_MISMATCH);
	/* 1.2 envelope sent as text/xml: VersionMismatch */
	assert_int_equal(try_parse(body, strlen(body), CT11, NULL, &o),
	    SOAP_ERR_VERSION_MISMATCH);
	/* not allowed: refused by Content-Type */
	assert_int_equal(try_parse(body, strlen(body), "application/soap+xml",
	    NULL, NULL), SOAP_ERR_CONTENT_TYPE);
	/* documents: the version comes from the Envelope */
	assert_int_equal(parse_doc(body, strlen(body), 0, &r, errbuf,
	    sizeof(errbuf)), SOAP_OK);
	assert_int_equal(r->version, SOAP_V12);
	soap_request_free(r);
}

/* ------------------------------------------------------------------ */
/* Real responses and faults parsed as documents                       */
/* ------------------------------------------------------------------ */

static void
test_real_responses(void **state)
{
	static const char *files[] = {
		SOAP_REAL_ANSWERS,
		"wsusss-microsoft-upstream/microsoft_sync_config_20261006.xml",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct soap_request *r = NULL;
		size_t len;
		char *d = fixture(files[i], &len);
		size_t nl;

		if (parse_doc(d, len, 0, &r, errbuf, sizeof(errbuf)) != SOAP_OK)
			fail_msg("%s: %s", files[i], errbuf);
		nl = strlen(r->op->name);
		assert_true(nl > 8 && strcmp(r->op->name + nl - 8, "Response") == 0);
		soap_request_free(r);
		free(d);
	}
}

static void
test_response_details(void **state)
{
	struct soap_request *r = NULL;
	const struct soap_node *n, *res;
	size_t len, blen;
	char *d;
	uint8_t *blob;
	int b;

	d = fixture("wsusss-capture/000005-GetConfigData.response.xml", &len);
	assert_int_equal(parse_doc(d, len, 0, &r, errbuf, sizeof(errbuf)), SOAP_OK);
	res = soap_child(r->op, "GetConfigDataResult");
	assert_int_equal(soap_count_children(soap_child(res, "LanguageUpdateList"),
	    "ServerSyncLanguageData"), 39);
	assert_string_equal(soap_child_text(res, "NewConfigAnchor"),
	    "9438,2026-10-04 16:33:26.670");
	assert_int_equal(soap_node_bool(soap_child(res, "LazySync"), &b), 0);
	assert_int_equal(b, 1);
	soap_request_free(r);
	free(d);

	/* escaped XML inside <Xml>: the tree holds the unescaped text */
	d = fixture("wusp-native-capture/scan/06-SyncUpdates-first.response.xml", &len);
	assert_int_equal(parse_doc(d, len, 0, &r, errbuf, sizeof(errbuf)), SOAP_OK);
	n = soap_child(soap_child(soap_child(soap_child(r->op,
	    "SyncUpdatesResult"), "NewUpdates"), "UpdateInfo"), "Xml");
	assert_non_null(n);
	assert_true(strncmp(n->text, "<UpdateIdentity UpdateID=\"56309036-4C77-"
	    "4DD9-951A-99EE9C246A94\" RevisionNumber=\"101\" />", 84) == 0);
	soap_request_free(r);
	free(d);

	/* the compressed update blob: a base64 cabinet, decoded with a bound */
	d = fixture("wsusss-capture/000013-GetUpdateData-bundle.response.xml", &len);
	assert_int_equal(parse_doc(d, len, 0, &r, errbuf, sizeof(errbuf)), SOAP_OK);
	n = soap_child(soap_child(soap_child(soap_child(r->op,
	    "GetUpdateDataResult"), "updates"), "ServerSyncUpdateData"),
	    "XmlUpdateBlobCompressed");
	assert_non_null(n);
	blob = malloc(soap_base64_maxlen(n->text_len));
	assert_int_equal(soap_node_base64(n, blob,
	    soap_base64_maxlen(n->text_len), &blen), 0);
	assert_memory_equal(blob, "MSCF", 4);
	assert_int_equal(soap_node_base64(n, blob, blen - 1, &blen), -1);
	free(blob);
	soap_request_free(r);
	free(d);
}

static void
test_real_faults(void **state)
{
	static const struct {
		const char *file, *code, *ec, *msg;
	} f[] = {
		{ "wusp-driver-capture/000141-SyncUpdates-InvalidParameters.fault.response.xml",
		    "s:Client", "InvalidParameters", "parameters.InstalledNonLeafUpdateIDs" },
		{ "wsusss-capture/000017-GetUpdateData-unknown-id.fault.response.xml",
		    "soap:Server", "InternalServerError", "" },
		{ "wsusss-capture/000018-GetRevisionIdList-bad-anchor.fault.response.xml",
		    "soap:Client", "InvalidParameters", "filter" },
		{ "wsusss-capture/000019-GetRevisionIdList-no-cookie.fault.response.xml",
		    "soap:Client", "InvalidCookie", "" },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct soap_request *r = NULL;
		const struct soap_node *det;
		char g[SOAP_GUID_STRLEN];
		size_t len;
		char *d = fixture(f[i].file, &len);

		assert_int_equal(parse_doc(d, len, 0, &r, errbuf, sizeof(errbuf)),
		    SOAP_OK);
		assert_true(soap_node_is(r->op, SOAP_NS_ENV11, "Fault"));
		/* fault children are unqualified */
		assert_null(soap_child(r->op, "faultcode"));
		assert_string_equal(soap_child_ns(r->op, "", "faultcode")->text,
		    f[i].code);
		assert_string_equal(soap_child_ns(r->op, "", "faultstring")->text,
		    "Fault occurred");
		det = soap_child_ns(r->op, "", "detail");
		assert_string_equal(soap_child(det, "ErrorCode")->text, f[i].ec);
		assert_string_equal(soap_child(det, "Message")->text, f[i].msg);
		assert_int_equal(soap_node_guid(soap_child(det, "ID"), g), 0);
		assert_int_equal(soap_child(det, "Method")->text[0], '"');
		soap_request_free(r);
		free(d);
	}
}

static void
test_lookup_helpers(void **state)
{
	struct soap_request *r = NULL;
	const char *b = ENV11_OPEN
	    "<Op xmlns=\"urn:op\" xmlns:xsi=\"" SOAP_NS_XSI "\" xmlns:o=\"urn:other\">"
	    "<ids xsi:nil=\"true\"/><ids2 xsi:nil=\"0\"/>"
	    "<v>1</v><o:v>2</o:v><v>3</v><w>4</w><v>5</v>"
	    "<mixed>a<in>b</in>c</mixed><e a=\"1\" o:a=\"2\"/>"
	    "</Op>" ENV11_CLOSE;
	const struct soap_node *n;
	int32_t sum = 0, v;

	assert_int_equal(soap_request_parse(b, strlen(b), CT11, NULL, NULL, &r,
	    errbuf, sizeof(errbuf)), SOAP_OK);
	assert_true(soap_is_nil(soap_child(r->op, "ids")));
	assert_false(soap_is_nil(soap_child(r->op, "ids2")));
	assert_false(soap_is_nil(soap_child(r->op, "v")));
	assert_false(soap_is_nil(NULL));
	/* iteration skips the same local name in another namespace */
	SOAP_FOREACH_CHILD(n, r->op, "v") {
		assert_int_equal(soap_node_int32(n, &v), 0);
		sum += v;
	}
	assert_int_equal(sum, 9);
	assert_int_equal(soap_count_children(r->op, "v"), 3);
	assert_string_equal(soap_child_ns(r->op, "urn:other", "v")->text, "2");
	/* mixed content: text concatenated, child kept */
	n = soap_child(r->op, "mixed");
	assert_string_equal(n->text, "ac");
	assert_string_equal(soap_child_text(n, "in"), "b");
	assert_ptr_equal(soap_child(n, "in")->parent, n);
	/* attributes by namespace */
	n = soap_child(r->op, "e");
	assert_string_equal(soap_attr(n, NULL, "a"), "1");
	assert_string_equal(soap_attr(n, "", "a"), "1");
	assert_string_equal(soap_attr(n, "urn:other", "a"), "2");
	assert_null(soap_attr(n, "urn:nope", "a"));
	/* NULL-safe chaining */
	assert_null(soap_child(NULL, "x"));
	assert_null(soap_child(soap_child(r->op, "nope"), "x"));
	assert_null(soap_child_text(r->op, "nope"));
	assert_int_equal(soap_count_children(NULL, "x"), 0);
	assert_null(soap_next_same(NULL));
	soap_request_free(r);
	soap_request_free(NULL);
	assert_string_equal(soap_err_name(SOAP_ERR_TOO_DEEP), "too-deep");
}

/*
 * Line numbers of the start tags: recorded by default (clients report
 * them), 0 with SOAP_PARSE_NO_LINES (servers, which never read them);
 * the tree is otherwise the same and a parse error still names its line.
 */
static void
test_line_numbers(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\"?>\n"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n"
	    "<soap:Body>\n"
	    "<GetConfig xmlns=\"" SOAP_NS_CLIENT "\">\n"
	    "<protocolVersion>1.20</protocolVersion>\n"
	    "</GetConfig>\n"
	    "</soap:Body>\n"
	    "</soap:Envelope>\n";
	static const char bad[] = "<?xml version=\"1.0\"?>\n"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n"
	    "<soap:Body><</soap:Body></soap:Envelope>\n";
	const char *act = ACT_CLIENT("GetConfig");
	struct soap_parse_opts o;
	struct soap_request *r = NULL;
	const struct soap_node *pv;

	(void)state;
	soap_parse_opts_default(&o);
	assert_int_equal(soap_request_parse(doc, sizeof(doc) - 1, CT11, act, &o,
	    &r, errbuf, sizeof(errbuf)), SOAP_OK);
	assert_int_equal(r->op->line, 4);
	assert_non_null(pv = soap_child(r->op, "protocolVersion"));
	assert_int_equal(pv->line, 5);
	soap_request_free(r);

	o.flags |= SOAP_PARSE_NO_LINES;
	assert_int_equal(soap_request_parse(doc, sizeof(doc) - 1, CT11, act, &o,
	    &r, errbuf, sizeof(errbuf)), SOAP_OK);
	assert_int_equal(r->op->line, 0);
	assert_string_equal(r->op->name, "GetConfig");
	assert_int_equal(r->op->nchildren, 1);
	assert_int_equal(r->nelements, 4);
	assert_non_null(pv = soap_child(r->op, "protocolVersion"));
	assert_int_equal(pv->line, 0);
	assert_string_equal(pv->text, "1.20");
	soap_request_free(r);

	assert_int_not_equal(soap_request_parse(bad, sizeof(bad) - 1, CT11, act,
	    &o, &r, errbuf, sizeof(errbuf)), SOAP_OK);
	assert_null(r);
	assert_true(strncmp(errbuf, "line 3: ", 8) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wusp_getconfig),
		cmocka_unit_test(test_wusp_getauthorizationcookie),
		cmocka_unit_test(test_wusp_getcookie),
		cmocka_unit_test(test_wusp_registercomputer),
		cmocka_unit_test(test_wusp_syncupdates),
		cmocka_unit_test(test_wusp_getextendedupdateinfo),
		cmocka_unit_test(test_wsusss_requests),
		cmocka_unit_test(test_action_absent_or_empty),
		cmocka_unit_test(test_action_mismatch),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_soap12),
		cmocka_unit_test(test_real_responses),
		cmocka_unit_test(test_response_details),
		cmocka_unit_test(test_real_faults),
		cmocka_unit_test(test_lookup_helpers),
		cmocka_unit_test(test_line_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
