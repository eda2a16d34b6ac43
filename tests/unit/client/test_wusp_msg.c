/*
 * test_wusp_msg.c — the MS-WUSP messages of wsus-client: every request
 * body the captured Windows 11 client sent is rebuilt byte for byte from
 * the same inputs, and every captured answer is read back.
 */
#include "client_test.h"

#include "client/wusp_msg.h"
#include "soap/soap_request.h"
#include "util/xmalloc.h"

#define CAP "soap/wusp-native-capture/"

static struct buf b;

static void
expect_fixture(const char *rel)
{
	size_t len = 0;
	char *want = fixture(rel, &len);

	assert_false(b.failed);
	if (b.len != len || memcmp(b.data, want, len) != 0) {
		size_t i = 0;
		while (i < len && i < b.len && b.data[i] == want[i])
			i++;
		fail_msg("%s differs at byte %zu:\n got: %.80s\nwant: %.80s",
		    rel, i, b.data + (i > 20 ? i - 20 : 0),
		    want + (i > 20 ? i - 20 : 0));
	}
	free(want);
	buf_free(&b);
}

static void
start(void)
{
	buf_init(&b, 1 << 22);
}

/* The cookie the server gave in scan/03. */
static void
captured_cookie(struct wmsg_cookie *c)
{
	char *t = fixture(CAP "scan/03-GetCookie.response.xml", NULL);

	c->expiration = between(t, "Expiration");
	c->data = between(t, "EncryptedData");
	free(t);
}

static void
test_get_config(void **state)
{
	(void)state;
	start();
	assert_int_equal(wmsg_get_config(&b, "2.90"), 0);
	expect_fixture(CAP "scan/01-GetConfig.request.xml");
}

static void
test_get_auth_cookie(void **state)
{
	(void)state;
	start();
	assert_int_equal(wmsg_get_auth_cookie(&b,
	    "e1da06a3-5601-43c9-bac3-52d5db701494", NULL, "REDACTED3"), 0);
	expect_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml");
	/* client-side targeting adds targetGroupName between the two */
	start();
	assert_int_equal(wmsg_get_auth_cookie(&b, "x", "A;B&C", "h"), 0);
	assert_non_null(strstr(b.data, "<clientId>x</clientId><targetGroupName>"
	    "A;B&amp;C</targetGroupName><dnsName>h</dnsName>"));
	buf_free(&b);
}

static void
test_get_cookie(void **state)
{
	char *auth = fixture(CAP "scan/02-GetAuthorizationCookie.response.xml",
	    NULL);
	char *data = between(auth, "CookieData");

	(void)state;
	start();
	assert_int_equal(wmsg_get_cookie(&b, "SimpleTargeting", data, NULL,
	    "2026-10-04T13:17:07.59Z", "2026-10-04T15:03:36Z", "2.90"), 0);
	expect_fixture(CAP "scan/03-GetCookie.request.xml");
	/* with an old cookie, both of its fields are passed on */
	{
		struct wmsg_cookie old = { "2026-10-04T16:00:00Z", "QUJD" };
		start();
		assert_int_equal(wmsg_get_cookie(&b, "SimpleTargeting", data,
		    &old, "L", "T", "2.90"), 0);
		assert_non_null(strstr(b.data, "<oldCookie><Expiration>"
		    "2026-10-04T16:00:00Z</Expiration><EncryptedData>QUJD"
		    "</EncryptedData></oldCookie>"));
		buf_free(&b);
	}
	free(data);
	free(auth);
}

static void
test_register_computer(void **state)
{
	struct machine m;
	struct wmsg_cookie c;

	(void)state;
	machine_default(&m);
	captured_cookie(&c);
	start();
	assert_int_equal(wmsg_register_computer(&b, &c, &m), 0);
	expect_fixture(CAP "scan/04-RegisterComputer.request.xml");
	/* text from the machine is escaped */
	free(m.model);
	m.model = xstrdup("A&B <x>");
	start();
	assert_int_equal(wmsg_register_computer(&b, &c, &m), 0);
	assert_non_null(strstr(b.data, "<ComputerModel>A&amp;B &lt;x&gt;"
	    "</ComputerModel>"));
	buf_free(&b);
	wmsg_cookie_free(&c);
	machine_free(&m);
}

static void
test_start_category_scan(void **state)
{
	struct guid g;

	(void)state;
	assert_int_equal(guid_parsez("dd78b8a1-0b20-45c1-add6-4da72e9364cf",
	    &g), 0);
	start();
	assert_int_equal(wmsg_start_category_scan(&b, &g, 1), 0);
	expect_fixture(CAP "scan/05-StartCategoryScan.request.xml");
}

/* SyncUpdates rounds 1-3 of the capture (category-filtered scan). */
static void
test_sync_updates(void **state)
{
	char *req = fixture(CAP "scan/06-SyncUpdates-first.request.xml", NULL);
	char *dev = between(req, "DeviceAttributes");
	char *caller = between(req, "CallerAttributes");
	struct wmsg_sync_params p;
	struct wmsg_cookie c;
	struct machine m;
	struct guid filter;
	int32_t inl[2] = { 108226, 108231 };

	(void)state;
	machine_default(&m);
	captured_cookie(&c);
	assert_int_equal(guid_parsez("dd78b8a1-0b20-45c1-add6-4da72e9364cf",
	    &filter), 0);
	memset(&p, 0, sizeof(p));
	p.filter_categories = &filter;
	p.nfilter_categories = 1;
	p.device_attributes = dev;
	p.caller_attributes = caller;
	/* the first call sends no id arrays at all */
	start();
	assert_int_equal(wmsg_sync_updates(&b, &c, &p, &m), 0);
	expect_fixture(CAP "scan/06-SyncUpdates-first.request.xml");
	p.send_ids = true;
	p.installed_nonleaf = inl;
	p.ninstalled_nonleaf = 1;
	start();
	assert_int_equal(wmsg_sync_updates(&b, &c, &p, &m), 0);
	expect_fixture(CAP "scan/07-SyncUpdates-second.request.xml");
	p.ninstalled_nonleaf = 2;
	start();
	assert_int_equal(wmsg_sync_updates(&b, &c, &p, &m), 0);
	expect_fixture(CAP "scan/08-SyncUpdates-third.request.xml");
	/* other cached ids follow the installed non-leaf ones */
	{
		int32_t other[2] = { 7, 9 };
		p.other_cached = other;
		p.nother_cached = 2;
		start();
		assert_int_equal(wmsg_sync_updates(&b, &c, &p, &m), 0);
		assert_non_null(strstr(b.data, "<int>108231</int>"
		    "</InstalledNonLeafUpdateIDs><OtherCachedUpdateIDs><int>7"
		    "</int><int>9</int></OtherCachedUpdateIDs><SkipSoftware"
		    "Sync>false</SkipSoftwareSync>"));
		buf_free(&b);
	}
	/* the driver pass: SystemSpec, no OtherCached, a matching key */
	{
		char *spec[] = { "PCI\\VEN_8086&DEV_100E" };
		struct device d = { spec, 1, NULL, 0 };
		m.devices = &d;
		m.ndevices = 1;
		p.skip_software = true;
		p.filter_categories = NULL;
		p.nfilter_categories = 0;
		start();
		assert_int_equal(wmsg_sync_updates(&b, &c, &p, &m), 0);
		assert_null(strstr(b.data, "OtherCachedUpdateIDs"));
		assert_non_null(strstr(b.data, "</InstalledNonLeafUpdateIDs>"
		    "<SystemSpec><Device><HardwareIDs><string>PCI\\VEN_8086&amp;"
		    "DEV_100E</string></HardwareIDs></Device></SystemSpec>"
		    "<SkipSoftwareSync>true</SkipSoftwareSync>"));
		assert_non_null(strstr(b.data, "<ComputerSpec/><FeatureScore"
		    "MatchingKey>AMD64.10.0</FeatureScoreMatchingKey>"));
		buf_free(&b);
		m.devices = NULL;
		m.ndevices = 0;
	}
	wmsg_cookie_free(&c);
	machine_free(&m);
	free(dev);
	free(caller);
	free(req);
}

static void
test_get_extended(void **state)
{
	char *req = fixture(CAP "scan/10-GetExtendedUpdateInfo.request.xml",
	    NULL);
	char *dev = between(req, "deviceAttributes");
	char *caller = between(req, "callerAttributes");
	int32_t ids[3] = { 72571, 108226, 108231 };
	struct wmsg_cookie c;

	(void)state;
	captured_cookie(&c);
	start();
	assert_int_equal(wmsg_get_extended(&b, &c, ids, 3, dev, caller), 0);
	expect_fixture(CAP "scan/10-GetExtendedUpdateInfo.request.xml");
	wmsg_cookie_free(&c);
	free(dev);
	free(caller);
	free(req);
}

/* flow/16: four events, rebuilt from their captured values. */
static void
test_report_events(void **state)
{
	static const char *const misc147[] = { "B=3", "C=3",
	    "G=1507.2601.30012.0", "J=775", "K=unknown",
	    "L=2022-02-02T00:00:00", "P=1", "Q=1", "T=EDK II",
	    "AppName=OOBE ZDP", "CsiErrorType=0", "c=48", "f=3", "k=true",
	    "m=0", "n=1", "o=0", "p=0", "q=0", "r=0", "w=0", "x=1", "dd=0",
	    "ff=0", "WUfBOn=0", "WUfBDS=0", "DisableDS=1", "PauseQU=1",
	    "PauseFU=1" };
	static const char *const misc148a[] = { "C=2", "G=1507.2601.30012.0",
	    "J=775", "K=unknown", "L=2022-02-02T00:00:00", "O=1", "Q=1",
	    "T=EDK II", "AppName=Appraiser Driver Scan", "CsiErrorType=0",
	    "c=48", "k=true", "m=0", "n=1", "o=0", "p=0", "q=0", "r=0", "w=0",
	    "x=1", "dd=0", "ff=0", "WUfBOn=0", "WUfBDS=0", "DisableDS=1",
	    "PauseQU=1", "PauseFU=1" };
	static const char *const misc148b[] = { "B=2", "C=2",
	    "G=1507.2601.30012.0", "J=775", "K=unknown",
	    "L=2022-02-02T00:00:00", "O=1", "Q=1", "T=EDK II",
	    "AppName=<<PROCESS>>: powershell.exe", "CsiErrorType=0", "c=48",
	    "k=true", "m=0", "n=1", "o=0", "p=0", "q=0", "r=0", "w=0", "x=1",
	    "cc=powershell.exe", "dd=0", "ff=0", "WUfBOn=0", "WUfBDS=0",
	    "DisableDS=1", "PauseQU=1", "PauseFU=1" };
	static const char *const r0[] = { "0" }, *const r1[] = { "0x80240438" };
	struct wmsg_event ev[4];
	struct wmsg_cookie c;
	struct machine m;
	const char *t = "2026-10-04T15:20:47.397Z";

	(void)state;
	machine_default(&m);
	captured_cookie(&c);
	memset(ev, 0, sizeof(ev));
	ev[0].event_id = 147;
	ev[0].app_name = "OOBE ZDP";
	ev[0].replacement = r0;
	ev[0].nreplacement = 1;
	ev[0].misc = misc147;
	ev[0].nmisc = sizeof(misc147) / sizeof(misc147[0]);
	strcpy(ev[0].instance_id, "fab199c1-6123-44f2-b01c-a5a92201b011");
	for (int i = 1; i < 4; i++) {
		ev[i].event_id = 148;
		ev[i].hresult = -2145123272;
		ev[i].replacement = r1;
		ev[i].nreplacement = 1;
		ev[i].misc = i < 3 ? misc148a : misc148b;
		ev[i].nmisc = i < 3 ? sizeof(misc148a) / sizeof(misc148a[0]) :
		    sizeof(misc148b) / sizeof(misc148b[0]);
		ev[i].app_name = i < 3 ? "Appraiser Driver Scan" : NULL;
	}
	strcpy(ev[1].instance_id, "5780318b-964e-4d39-96c4-f8cb04948ca1");
	strcpy(ev[2].instance_id, "57191278-6b84-42d2-a9b9-4778e0d868ad");
	strcpy(ev[3].instance_id, "285b99da-6f09-47a6-84c3-54f4a053ca54");
	for (int i = 0; i < 4; i++)
		ev[i].time = t;
	start();
	assert_int_equal(wmsg_report_events(&b, &c,
	    "e1da06a3-5601-43c9-bac3-52d5db701494", t, ev, 4, &m), 0);
	expect_fixture(CAP "flow/16-ReportEventBatch.request.xml");
	wmsg_cookie_free(&c);
	machine_free(&m);
}

/* ---- answers ----------------------------------------------------------- */

static struct soap_request *
parse_fixture(const char *rel)
{
	size_t len = 0;
	char *t = fixture(rel, &len), err[256];
	struct soap_request *r;
	struct wmsg_fault f;

	if (wmsg_parse(t, len, &r, &f, err, sizeof(err)) != WMSG_OK)
		fail_msg("%s: %s", rel, err);
	free(t);
	return r;
}

static void
test_read_handshake(void **state)
{
	struct soap_request *r;
	struct wmsg_config cfg;
	struct wmsg_cookie c;
	char err[256], *pid, *data;

	(void)state;
	r = parse_fixture(CAP "scan/01-GetConfig.response.xml");
	assert_int_equal(wmsg_read_config(r, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.last_change, "2026-10-04T13:17:07.59Z");
	assert_true(cfg.registration_required);
	assert_string_equal(cfg.plugin_id, "SimpleTargeting");
	assert_string_equal(cfg.service_url,
	    "SimpleAuthWebService/SimpleAuth.asmx");
	assert_int_equal(cfg.max_extended, 50);
	assert_string_equal(cfg.protocol_version, "3.2");
	assert_int_equal(cfg.nproperties, 5);
	/* the wrong reader refuses it */
	assert_int_equal(wmsg_read_cookie(r, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected GetCookieResponse"));
	wmsg_config_free(&cfg);
	soap_request_free(r);

	r = parse_fixture(CAP "scan/02-GetAuthorizationCookie.response.xml");
	assert_int_equal(wmsg_read_auth_cookie(r, &pid, &data, err,
	    sizeof(err)), 0);
	assert_string_equal(pid, "SimpleTargeting");
	assert_int_equal(strlen(data), 664);
	free(pid);
	free(data);
	soap_request_free(r);

	r = parse_fixture(CAP "scan/03-GetCookie.response.xml");
	assert_int_equal(wmsg_read_cookie(r, &c, err, sizeof(err)), 0);
	assert_string_equal(c.expiration, "2026-10-04T16:03:35.9967236Z");
	assert_int_equal(wmsg_time_parse(c.expiration), 1791129815);
	wmsg_cookie_free(&c);
	soap_request_free(r);

	r = parse_fixture(CAP "scan/04-RegisterComputer.response.xml");
	assert_int_equal(wmsg_read_register(r, err, sizeof(err)), 0);
	soap_request_free(r);

	{
		struct guid *pref;
		size_t n, ne;
		char g[GUID_STRLEN + 1];
		r = parse_fixture(CAP "scan/05-StartCategoryScan.response.xml");
		assert_int_equal(wmsg_read_start_category(r, &pref, &n, &ne,
		    err, sizeof(err)), 0);
		assert_int_equal(n, 1);
		assert_int_equal(ne, 0);
		guid_format(&pref[0], g, false);
		assert_string_equal(g, "dd78b8a1-0b20-45c1-add6-4da72e9364cf");
		free(pref);
		soap_request_free(r);
	}
}

static void
test_read_sync(void **state)
{
	struct soap_request *r;
	struct wmsg_sync s;
	char err[256];

	(void)state;
	r = parse_fixture(CAP "scan/06-SyncUpdates-first.response.xml");
	assert_int_equal(wmsg_read_sync(r, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nnew, 1);
	assert_int_equal(s.new_updates[0].id, 108226);
	assert_int_equal(s.new_updates[0].deployment_id, 8059);
	assert_string_equal(s.new_updates[0].action, "Evaluate");
	assert_true(s.new_updates[0].is_assigned);
	assert_string_equal(s.new_updates[0].last_change, "2026-10-04");
	assert_false(s.new_updates[0].is_leaf);
	assert_non_null(strstr(s.new_updates[0].xml, "<UpdateIdentity "
	    "UpdateID=\"56309036-4C77-4DD9-951A-99EE9C246A94\""));
	assert_false(s.truncated);
	assert_int_equal(s.driver_sync_not_needed, 1);
	assert_string_equal(s.new_cookie.expiration,
	    "2026-10-04T16:03:35.9967236Z");
	wmsg_sync_free(&s);
	soap_request_free(r);

	r = parse_fixture(CAP "scan/08-SyncUpdates-third-leaf.response.xml");
	assert_int_equal(wmsg_read_sync(r, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nnew, 1);
	assert_int_equal(s.new_updates[0].id, 72571);
	assert_true(s.new_updates[0].is_leaf);
	wmsg_sync_free(&s);
	soap_request_free(r);

	/* the driver pass answer of a server without drivers */
	r = parse_fixture(CAP "scan/09-SyncUpdates-driver.response.xml");
	assert_int_equal(wmsg_read_sync(r, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nnew, 0);
	assert_int_equal(s.driver_sync_not_needed, 1);
	wmsg_sync_free(&s);
	soap_request_free(r);
}

/* The captured first answer with one part replaced. */
static int
read_modified_sync(const char *from, const char *to, char *err,
    size_t errlen)
{
	char *t = fixture(CAP "scan/06-SyncUpdates-first.response.xml", NULL);
	char *p = strstr(t, from);
	struct buf m;
	struct soap_request *r;
	struct wmsg_fault f;
	struct wmsg_sync s;
	int rc;

	assert_non_null(p);
	buf_init(&m, 1 << 20);
	buf_append(&m, t, (size_t)(p - t));
	buf_puts(&m, to);
	buf_puts(&m, p + strlen(from));
	free(t);
	if (wmsg_parse(m.data, m.len, &r, &f, err, errlen) != WMSG_OK) {
		buf_free(&m);
		return -2;
	}
	rc = wmsg_read_sync(r, &s, err, errlen);
	if (rc == 0)
		wmsg_sync_free(&s);
	soap_request_free(r);
	buf_free(&m);
	return rc;
}

static void
test_read_sync_bad(void **state)
{
	char err[256];

	(void)state;
	/* no Deployment: what makes Windows fail with 0x80070057 */
	assert_int_equal(read_modified_sync("<Deployment><ID>8059</ID><Action>"
	    "Evaluate</Action><IsAssigned>true</IsAssigned><LastChangeTime>"
	    "2026-10-04</LastChangeTime><AutoSelect>0</AutoSelect><AutoDownload>"
	    "0</AutoDownload><SupersedenceBehavior>0</SupersedenceBehavior>"
	    "</Deployment>", "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no Deployment"));
	assert_int_equal(read_modified_sync("<LastChangeTime>2026-10-04<",
	    "<LastChangeTime>2026-10-04T00:00:00Z<", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "LastChangeTime"));
	assert_int_equal(read_modified_sync("<Action>Evaluate<",
	    "<Action>Maybe<", err, sizeof(err)), -1);
	assert_int_equal(read_modified_sync("<Truncated>false</Truncated>", "",
	    err, sizeof(err)), -1);
	assert_int_equal(read_modified_sync("<IsLeaf>false</IsLeaf>",
	    "<IsLeaf>no</IsLeaf>", err, sizeof(err)), -1);
	assert_int_equal(read_modified_sync("<ID>108226</ID>",
	    "<ID>99999999999</ID>", err, sizeof(err)), -1);
	assert_int_equal(read_modified_sync("<NewCookie>", "<NewCookieX>", err,
	    sizeof(err)), -2);	/* no longer well-formed */
	assert_int_equal(read_modified_sync("<DriverSyncNotNeeded>true<",
	    "<DriverSyncNotNeeded>perhaps<", err, sizeof(err)), -1);
	/* unknown elements are ignored */
	assert_int_equal(read_modified_sync("<Truncated>",
	    "<Future>1</Future><Truncated>", err, sizeof(err)), 0);
}

static void
test_read_extended(void **state)
{
	struct soap_request *r;
	struct wmsg_extended e;
	char err[256];

	(void)state;
	r = parse_fixture(CAP "scan/10-GetExtendedUpdateInfo.response.xml");
	assert_int_equal(wmsg_read_extended(r, &e, err, sizeof(err)), 0);
	assert_int_equal(e.nupdates, 6);
	assert_int_equal(e.updates[0].id, 72571);
	assert_non_null(strstr(e.updates[0].xml, "<ExtendedProperties "));
	assert_int_equal(e.nfiles, 0);
	wmsg_extended_free(&e);
	soap_request_free(r);

	r = parse_fixture(CAP
	    "flow/15-GetExtendedUpdateInfo-with-FileLocations.response.xml");
	assert_int_equal(wmsg_read_extended(r, &e, err, sizeof(err)), 0);
	assert_int_equal(e.nfiles, 9);
	assert_non_null(strstr(e.files[0].url, "http://192.0.2.1:8530/Content/"));
	wmsg_extended_free(&e);
	soap_request_free(r);
}

static void
test_read_fault_and_report(void **state)
{
	size_t len = 0;
	char *t = fixture("soap/wusp-driver-capture/"
	    "000141-SyncUpdates-InvalidParameters.fault.response.xml", &len);
	struct soap_request *r;
	struct wmsg_fault f;
	char err[256];
	bool ok = false;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(wmsg_parse(t, len, &r, &f, err, sizeof(err)),
	    WMSG_FAULT);
	assert_null(r);
	assert_string_equal(f.code, "InvalidParameters");
	assert_string_equal(f.message, "parameters.InstalledNonLeafUpdateIDs");
	assert_string_equal(f.faultstring, "Fault occurred");
	free(t);

	r = parse_fixture(CAP "flow/16-ReportEventBatch.response.xml");
	assert_int_equal(wmsg_read_report(r, &ok, err, sizeof(err)), 0);
	assert_true(ok);
	soap_request_free(r);

	/* hostile answers are refused, not parsed */
	{
		static const char *const bad[] = {
			"",
			"not xml",
			"<!DOCTYPE x [<!ENTITY a \"b\">]><s:Envelope xmlns:s="
			    "\"http://schemas.xmlsoap.org/soap/envelope/\">"
			    "<s:Body><x>&a;</x></s:Body></s:Envelope>",
			"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
			    "envelope/\"><s:Body/></s:Envelope>",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(wmsg_parse(bad[i], strlen(bad[i]), &r,
			    &f, err, sizeof(err)), WMSG_ERR);
	}
}

static void
test_time(void **state)
{
	char t[40];

	(void)state;
	wmsg_time_now(t, false);
	assert_int_equal(strlen(t), 20);
	assert_int_equal(t[19], 'Z');
	assert_true(wmsg_time_parse(t) > 1700000000);
	assert_int_equal(wmsg_time_parse("yesterday"), -1);
	assert_int_equal(wmsg_time_parse(NULL), -1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_config),
		cmocka_unit_test(test_get_auth_cookie),
		cmocka_unit_test(test_get_cookie),
		cmocka_unit_test(test_register_computer),
		cmocka_unit_test(test_start_category_scan),
		cmocka_unit_test(test_sync_updates),
		cmocka_unit_test(test_get_extended),
		cmocka_unit_test(test_report_events),
		cmocka_unit_test(test_read_handshake),
		cmocka_unit_test(test_read_sync),
		cmocka_unit_test(test_read_sync_bad),
		cmocka_unit_test(test_read_extended),
		cmocka_unit_test(test_read_fault_and_report),
		cmocka_unit_test(test_time),
	};

	if (argc > 1)
		fixtures = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
