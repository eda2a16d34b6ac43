/*
 * test_replay_ops.c — the tests of test_wusp_replay that the captures do
 * not cover: faults for every cookie case, the limits of the request
 * arrays, LastChange moving, URLs from the Host header and the operations
 * real clients did not call.  The fixture and helpers: test_replay.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "replay_test.h"
#include "soap/soap_value.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/xmalloc.h"
#include "cookie/cookie.h"
#include "wusp_harness.h"

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

void
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

void
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
void
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
void
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

void
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
	wh_reply_text(&r, "GetConfigResult/LastChange", before, sizeof(before));
	wh_reply_free(&r);
	assert_string_equal(before, T.last_change);	/* stable */

	set_targeting(TARGETING_CLIENT);
	usleep(1200 * 1000);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	wh_reply_text(&r, "GetConfigResult/LastChange", after, sizeof(after));
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

/* POST body to the client service: HTTP 200 and a valid answer, parsed;
 * r keeps the answer for the caller to free. */
static struct soap_request *
client_ok(const char *body, struct wh_reply *r)
{
	char err[2048];

	wh_soap(&T.srv, WH_CLIENT, body, r);
	assert_int_equal(r->status, 200);
	if (wh_validate(&T.srv, r->body.data, r->body.len, err, sizeof(err)))
		fail_msg("%s\n%s", err, r->body.data);
	return wh_parse(r->body.data, r->body.len);
}

/* A fresh handshake (GetConfig, GetAuthorizationCookie, GetCookie,
 * RegisterComputer) for client_id. */
static void
handshake(const char *client_id)
{
	struct wh_reply r;
	char *req, *tmp;

	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	wh_soap(&T.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetConfigResult/LastChange", T.last_change,
	    sizeof(T.last_change));
	wh_reply_free(&r);
	free(req);

	tmp = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml", NULL);
	req = wh_set_text(tmp, NULL, "clientId", client_id);
	free(tmp);
	wh_soap(&T.srv, WH_SIMPLEAUTH, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetAuthorizationCookieResult/CookieData", T.auth,
	    sizeof(T.auth));
	wh_reply_free(&r);
	free(req);

	req = get_cookie_request();
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

void
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

void
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
	q = client_ok(body, &r);
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
	q = client_ok(body, &r);
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
	q = client_ok(body, &r);
	assert_string_equal(wh_text(q->op,
	    "SyncPrinterCatalogResult/Truncated"), "false");
	assert_non_null(wh_node(q->op, "SyncPrinterCatalogResult/NewCookie"));
	soap_request_free(q);
	wh_reply_free(&r);
}

