/*
 * test_session.c — the client's protocol behaviour against a scripted
 * server (libmicrohttpd on a loopback port) that answers with the real
 * WSUS answers of the captures:
 *
 *   - a whole category-filtered scan: every request the client sends is
 *     compared byte for byte with what the real Windows client sent in
 *     the capture (GetConfig ... the three SyncUpdates rounds with their
 *     InstalledNonLeafUpdateIDs, GetExtendedUpdateInfo), once the cookie
 *     expiry and clock times the scripted server issued are put back;
 *   - fault recovery: CookieExpired, ConfigChanged, RegistrationRequired,
 *     InvalidCookie (handshake + RefreshCache), ServerBusy, and an
 *     unrecoverable fault;
 *   - answers in the xpress content encoding;
 *   - hostile answers (HTTP errors, garbage, no Deployment).
 */
#include "client_test.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "client/scan.h"
#include "client/wusp_client.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define CAP "soap/wusp-native-capture/"
#define MAXREQ 64

/* What the scripted server does and saw. */
static struct {
	struct MHD_Daemon *d;
	uint16_t	 port;
	pthread_mutex_t	 mu;
	char		*req[MAXREQ];	/* bodies received, in order */
	char		*action[MAXREQ];
	size_t		 nreq;
	int		 sync_round;	/* software SyncUpdates answered */
	char		 expiration[40];
	/* fault injection: the next call of action gets fault code */
	char		 fault_action[64];
	char		 fault_code[64];
	int		 fault_times;
	bool		 xpress;	/* answer with Content-Encoding: xpress */
	int		 http_status;	/* != 0: answer this status, no body */
	const char	*garbage;	/* answer this body instead */
	bool		 drop_deployment;
} S;

struct upload {
	struct buf	 body;
};

static const char *
op_of(const char *action)
{
	const char *slash = action ? strrchr(action, '/') : NULL;

	return slash ? slash + 1 : "";
}

static char *
with_expiration(char *resp)
{
	/* give cookies an expiry in the future (the captures are old) */
	struct buf b;
	char *p = resp, *q;

	buf_init(&b, 1 << 24);
	while ((q = strstr(p, "<Expiration>")) != NULL) {
		buf_append(&b, p, (size_t)(q - p));
		buf_printf(&b, "<Expiration>%s</Expiration>", S.expiration);
		p = strstr(q, "</Expiration>") + strlen("</Expiration>");
	}
	buf_puts(&b, p);
	free(resp);
	return buf_steal(&b, NULL);
}

static char *
fault_body(const char *code, const char *action)
{
	return xasprintf("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
	    "envelope/\"><s:Body><s:Fault><faultcode>s:Client</faultcode>"
	    "<faultstring>Fault occurred</faultstring><detail><ErrorCode>%s"
	    "</ErrorCode><Message/><ID>81418b4e-82c1-48d0-9504-da01db6148ae"
	    "</ID><Method>\"%s\"</Method></detail></s:Fault></s:Body>"
	    "</s:Envelope>", code, action);
}

/* Literal-only xpress (valid, not smaller): flags 0, then the bytes. */
static char *
xpress_literal(const char *in, size_t n, size_t *outlen)
{
	struct buf b;

	buf_init(&b, 1 << 26);
	for (size_t off = 0; off < n; off += 65535) {
		size_t len = n - off < 65535 ? n - off : 65535;
		size_t groups = (len + 31) / 32;
		uint32_t comp = (uint32_t)(len + 4 * groups +
		    (len % 32 == 0 ? 4 : 0));
		uint8_t h[8];
		for (int k = 0; k < 4; k++) {
			h[k] = (uint8_t)(len >> (8 * k));
			h[4 + k] = (uint8_t)(comp >> (8 * k));
		}
		buf_append(&b, h, 8);
		for (size_t g = 0; g < groups; g++) {
			size_t m = len - g * 32 < 32 ? len - g * 32 : 32;
			/* flag bits: 0 for each literal, then ones */
			uint32_t flags = m == 32 ? 0 :
			    (uint32_t)((1ULL << (32 - m)) - 1);
			uint8_t f[4] = { (uint8_t)flags, (uint8_t)(flags >> 8),
			    (uint8_t)(flags >> 16), (uint8_t)(flags >> 24) };
			buf_append(&b, f, 4);
			buf_append(&b, in + off + g * 32, m);
		}
		if (len % 32 == 0) {
			uint8_t f[4] = { 0xff, 0xff, 0xff, 0xff };
			buf_append(&b, f, 4);
		}
	}
	*outlen = b.len;
	return buf_steal(&b, NULL);
}

static char *
answer_for(const char *action, const char *body)
{
	const char *op = op_of(action);
	const char *file = NULL;

	if (S.fault_times > 0 && strcmp(op, S.fault_action) == 0) {
		S.fault_times--;
		return fault_body(S.fault_code, action);
	}
	if (strcmp(op, "GetConfig") == 0)
		file = CAP "scan/01-GetConfig.response.xml";
	else if (strcmp(op, "GetAuthorizationCookie") == 0)
		file = CAP "scan/02-GetAuthorizationCookie.response.xml";
	else if (strcmp(op, "GetCookie") == 0)
		file = CAP "scan/03-GetCookie.response.xml";
	else if (strcmp(op, "RegisterComputer") == 0)
		file = CAP "scan/04-RegisterComputer.response.xml";
	else if (strcmp(op, "StartCategoryScan") == 0)
		file = CAP "scan/05-StartCategoryScan.response.xml";
	else if (strcmp(op, "SyncUpdates") == 0) {
		if (strstr(body, "<SkipSoftwareSync>true") != NULL)
			file = CAP "scan/09-SyncUpdates-driver.response.xml";
		else if (strstr(body, "<int>108231</int>") != NULL)
			file = CAP "scan/08-SyncUpdates-third-leaf.response.xml";
		else if (strstr(body, "<int>108226</int>") != NULL)
			file = CAP "scan/07-SyncUpdates-second.response.xml";
		else
			file = CAP "scan/06-SyncUpdates-first.response.xml";
	} else if (strcmp(op, "GetExtendedUpdateInfo") == 0)
		file = CAP "scan/10-GetExtendedUpdateInfo.response.xml";
	else if (strcmp(op, "ReportEventBatch") == 0)
		file = CAP "flow/16-ReportEventBatch.response.xml";
	else if (strcmp(op, "RefreshCache") == 0) {
		/* the three categories of the scan, under new ids */
		return xasprintf("<s:Envelope xmlns:s=\"http://schemas.xmlsoap."
		    "org/soap/envelope/\"><s:Body><RefreshCacheResponse xmlns="
		    "\"http://www.microsoft.com/SoftwareDistribution/Server/"
		    "ClientWebService\"><RefreshCacheResult>"
		    "<RefreshCacheResult><RevisionID>108226</RevisionID>"
		    "<GlobalID><UpdateID>56309036-4c77-4dd9-951a-99ee9c246a94"
		    "</UpdateID><RevisionNumber>101</RevisionNumber></GlobalID>"
		    "<IsLeaf>false</IsLeaf><Deployment><ID>1</ID><Action>"
		    "Evaluate</Action><IsAssigned>true</IsAssigned>"
		    "<LastChangeTime>2026-10-04</LastChangeTime></Deployment>"
		    "</RefreshCacheResult></RefreshCacheResult>"
		    "</RefreshCacheResponse></s:Body></s:Envelope>");
	}
	if (file == NULL)
		return fault_body("InvalidParameters", action);
	{
		char *t = fixture(file, NULL);
		if (S.drop_deployment && strstr(t, "<Deployment>") != NULL) {
			char *a = strstr(t, "<Deployment>");
			char *z = strstr(a, "</Deployment>") + 13;
			memmove(a, z, strlen(z) + 1);
		}
		return with_expiration(t);
	}
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **ctx)
{
	struct upload *u = *ctx;
	struct MHD_Response *r;
	const char *action;
	char *ans, *act = NULL;
	size_t alen;
	enum MHD_Result rc;
	int status = 200;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	if (u == NULL) {
		u = xcalloc(1, sizeof(*u));
		buf_init(&u->body, 1 << 24);
		*ctx = u;
		return MHD_YES;
	}
	if (*size > 0) {
		buf_append(&u->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	action = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "SOAPAction");
	if (action != NULL) {
		size_t n = strlen(action);
		if (n >= 2 && action[0] == '"' && action[n - 1] == '"')
			act = xstrndup(action + 1, n - 2);
		else
			act = xstrdup(action);
	} else
		act = xstrdup("");
	pthread_mutex_lock(&S.mu);
	if (S.nreq < MAXREQ) {
		S.req[S.nreq] = xstrdup(u->body.data ? u->body.data : "");
		S.action[S.nreq] = xstrdup(act);
		S.nreq++;
	}
	if (S.http_status != 0) {
		status = S.http_status;
		ans = xstrdup("");
	} else if (S.garbage != NULL)
		ans = xstrdup(S.garbage);
	else {
		ans = answer_for(act, u->body.data ? u->body.data : "");
		if (strstr(ans, "<s:Fault>") != NULL)
			status = 500;
	}
	pthread_mutex_unlock(&S.mu);
	alen = strlen(ans);
	if (S.xpress) {
		char *x = xpress_literal(ans, alen, &alen);
		free(ans);
		ans = x;
	}
	r = MHD_create_response_from_buffer(alen, ans, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "text/xml; charset=utf-8");
	if (S.xpress)
		MHD_add_response_header(r, "Content-Encoding", "xpress");
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	free(act);
	return rc;
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *ctx;

	(void)cls;
	(void)c;
	(void)toe;
	if (u != NULL) {
		buf_free(&u->body);
		free(u);
	}
	*ctx = NULL;
}

static void
reset(void)
{
	pthread_mutex_lock(&S.mu);
	for (size_t i = 0; i < S.nreq; i++) {
		free(S.req[i]);
		free(S.action[i]);
	}
	S.nreq = 0;
	S.fault_times = 0;
	S.xpress = false;
	S.http_status = 0;
	S.garbage = NULL;
	S.drop_deployment = false;
	pthread_mutex_unlock(&S.mu);
}

static int
group_setup(void **state)
{
	struct soap_datetime dt;
	time_t t = time(NULL) + 3600;

	(void)state;
	pthread_mutex_init(&S.mu, NULL);
	soap_datetime_from_unix(t, 1234567, &dt);
	soap_format_datetime(&dt, S.expiration);
	S.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	if (S.d == NULL)
		return -1;
	S.port = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT)->port;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	reset();
	MHD_stop_daemon(S.d);
	return 0;
}

/* ---- a client session --------------------------------------------------- */

struct client {
	char		 url[64];
	struct wc_opts	 o;
	struct wc_stats	 stats;
	struct wc_conn	 conn;
	struct machine	 m;
	struct wc_session s;
};

static void
client_init(struct client *c, bool xpress)
{
	char err[256];
	char *req = fixture(CAP "scan/06-SyncUpdates-first.request.xml", NULL);

	memset(c, 0, sizeof(*c));
	snprintf(c->url, sizeof(c->url), "http://127.0.0.1:%u", S.port);
	c->o.server = c->url;
	c->o.xpress = xpress;
	c->o.timeout = 10;
	machine_default(&c->m);
	/* the captured client's identity and attributes */
	c->m.device_attributes = between(req, "DeviceAttributes");
	c->m.caller_attributes = between(req, "CallerAttributes");
	free(req);
	assert_int_equal(wc_conn_init(&c->conn, &c->o, &c->stats, err,
	    sizeof(err)), 0);
	wc_session_init(&c->s, &c->conn, &c->m,
	    "e1da06a3-5601-43c9-bac3-52d5db701494");
}

static void
client_free(struct client *c)
{
	wc_session_free(&c->s);
	wc_conn_free(&c->conn);
	machine_free(&c->m);
}

/* Request i with the times the client chose put back to the captured. */
static void
expect_request(size_t i, const char *captured)
{
	char *want = fixture(captured, NULL), *got;
	struct buf b;
	const char *p;

	assert_true(i < S.nreq);
	/* the cookie expiry came from us, the current time from the clock */
	buf_init(&b, 1 << 24);
	got = S.req[i];
	for (p = got; *p != '\0';) {
		const char *q = strstr(p, S.expiration);
		const char *ct = strstr(p, "<currentTime>");
		if (ct != NULL && (q == NULL || ct < q)) {
			buf_append(&b, p, (size_t)(ct - p));
			buf_puts(&b, "<currentTime>2026-10-04T15:03:36Z");
			p = strstr(ct, "</currentTime>");
			continue;
		}
		if (q == NULL) {
			buf_puts(&b, p);
			break;
		}
		buf_append(&b, p, (size_t)(q - p));
		buf_puts(&b, "2026-10-04T16:03:35.9967236Z");
		p = q + strlen(S.expiration);
	}
	if (strcmp(b.data, want) != 0) {
		size_t k = 0;
		while (b.data[k] != '\0' && b.data[k] == want[k])
			k++;
		fail_msg("request %zu (%s) differs from %s at %zu:\n got: %.100s"
		    "\nwant: %.100s", i, S.action[i], captured, k,
		    b.data + (k > 30 ? k - 30 : 0), want + (k > 30 ? k - 30 : 0));
	}
	buf_free(&b);
	free(want);
}

static void
test_capture_scan(void **state)
{
	struct client c;
	struct scan_opts o;
	struct scan_result res;
	struct scan_state *st;
	struct guid filter;
	char err[512];

	(void)state;
	reset();
	S.xpress = true;	/* as the real server answered */
	client_init(&c, true);
	memset(&o, 0, sizeof(o));
	assert_int_equal(guid_parsez("dd78b8a1-0b20-45c1-add6-4da72e9364cf",
	    &filter), 0);
	o.filter = &filter;
	o.nfilter = 1;
	o.drivers = o.extended = true;
	st = scan_state_new();
	if (scan_run(&c.s, st, &o, &res, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* the real client's sequence, request for request */
	assert_string_equal(op_of(S.action[0]), "GetConfig");
	expect_request(0, CAP "scan/01-GetConfig.request.xml");
	expect_request(1, CAP "scan/02-GetAuthorizationCookie.request.xml");
	assert_string_equal(op_of(S.action[2]), "GetCookie");
	assert_string_equal(op_of(S.action[3]), "RegisterComputer");
	expect_request(3, CAP "scan/04-RegisterComputer.request.xml");
	expect_request(4, CAP "scan/05-StartCategoryScan.request.xml");
	expect_request(5, CAP "scan/06-SyncUpdates-first.request.xml");
	expect_request(6, CAP "scan/07-SyncUpdates-second.request.xml");
	expect_request(7, CAP "scan/08-SyncUpdates-third.request.xml");
	assert_string_equal(op_of(S.action[8]), "SyncUpdates");	/* drivers */
	assert_non_null(strstr(S.req[8], "<SkipSoftwareSync>true"));
	/* the leaf 72571 is not non-leaf; other cached ids are not sent */
	assert_non_null(strstr(S.req[8], "<InstalledNonLeafUpdateIDs><int>"
	    "108226</int><int>108231</int></InstalledNonLeafUpdateIDs>"
	    "<SystemSpec/><SkipSoftwareSync>true"));
	expect_request(9, CAP "scan/10-GetExtendedUpdateInfo.request.xml");
	assert_int_equal(S.nreq, 10);
	assert_int_equal(res.rounds, 3);
	assert_int_equal(res.driver_rounds, 1);
	assert_int_equal(res.cached, 3);
	assert_int_equal(res.nonleaf_installed, 2);
	{
		const char *const *w;
		assert_int_equal(scan_warnings(st, &w), 0);
	}
	/* JSON carries the titles from LocalizedProperties */
	{
		json_t *j = scan_json(&c.s, st, &res, true);
		char *s = json_dumps(j, 0);
		assert_non_null(strstr(s, "\"title\": \"OOBE ZDP\""));
		free(s);
		json_decref(j);
	}
	scan_state_free(st);
	client_free(&c);
}

static int
build_sync_simple(struct buf *b, void *arg, struct wc_session *s)
{
	struct wmsg_sync_params p;

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.device_attributes = s->device_attributes;
	p.caller_attributes = "x";
	return wmsg_sync_updates(b, &s->cookie, &p, s->m);
}

/* A call that meets `code` once; the operations the client made. */
static int
call_with_fault(const char *code, char *ops, size_t opslen)
{
	struct client c;
	struct soap_request *r = NULL;
	char err[512];
	int rc;

	reset();
	client_init(&c, false);
	assert_int_equal(wc_handshake(&c.s, err, sizeof(err)), 0);
	reset();
	snprintf(S.fault_action, sizeof(S.fault_action), "SyncUpdates");
	snprintf(S.fault_code, sizeof(S.fault_code), "%s", code);
	S.fault_times = 1;
	rc = wc_call(&c.s, WC_SYNC, c.s.client_url,
	    WC_ACTION_CLIENT("SyncUpdates"), build_sync_simple, NULL, true, &r,
	    err, sizeof(err));
	soap_request_free(r);
	ops[0] = '\0';
	for (size_t i = 0; i < S.nreq; i++) {
		strncat(ops, op_of(S.action[i]), opslen - strlen(ops) - 2);
		strncat(ops, " ", opslen - strlen(ops) - 1);
	}
	if (rc == WMSG_FAULT)
		assert_string_equal(c.s.last_fault.code, code);
	client_free(&c);
	return rc;
}

static void
test_recovery(void **state)
{
	char ops[512];

	(void)state;
	assert_int_equal(call_with_fault("CookieExpired", ops, sizeof(ops)),
	    WMSG_OK);
	assert_string_equal(ops, "SyncUpdates GetAuthorizationCookie GetCookie "
	    "SyncUpdates ");
	/* the renewal passes the old cookie on */
	assert_non_null(strstr(S.req[2], "<oldCookie><Expiration>"));
	assert_non_null(strstr(S.req[2], "</Expiration><EncryptedData>"));

	assert_int_equal(call_with_fault("ConfigChanged", ops, sizeof(ops)),
	    WMSG_OK);
	assert_string_equal(ops, "SyncUpdates GetConfig GetAuthorizationCookie "
	    "GetCookie SyncUpdates ");

	assert_int_equal(call_with_fault("RegistrationRequired", ops,
	    sizeof(ops)), WMSG_OK);
	assert_string_equal(ops, "SyncUpdates RegisterComputer SyncUpdates ");

	assert_int_equal(call_with_fault("ServerBusy", ops, sizeof(ops)),
	    WMSG_OK);
	assert_string_equal(ops, "SyncUpdates SyncUpdates ");

	/* the revision ids of the body are stale: the caller must remap */
	assert_int_equal(call_with_fault("InvalidCookie", ops, sizeof(ops)),
	    WC_REMAP);
	assert_string_equal(ops, "SyncUpdates GetConfig GetAuthorizationCookie "
	    "GetCookie RegisterComputer ");
	assert_int_equal(call_with_fault("ServerChanged", ops, sizeof(ops)),
	    WC_REMAP);

	/* no recovery from these */
	assert_int_equal(call_with_fault("InvalidParameters", ops,
	    sizeof(ops)), WMSG_FAULT);
	assert_string_equal(ops, "SyncUpdates ");
	assert_int_equal(call_with_fault("SomethingNew", ops, sizeof(ops)),
	    WMSG_FAULT);
}

/* A fault that keeps coming back is given up after a few attempts. */
static void
test_recovery_bounded(void **state)
{
	struct client c;
	struct soap_request *r = NULL;
	char err[512];

	(void)state;
	reset();
	client_init(&c, false);
	assert_int_equal(wc_handshake(&c.s, err, sizeof(err)), 0);
	snprintf(S.fault_action, sizeof(S.fault_action), "SyncUpdates");
	snprintf(S.fault_code, sizeof(S.fault_code), "CookieExpired");
	S.fault_times = 100;
	assert_int_equal(wc_call(&c.s, WC_SYNC, c.s.client_url,
	    WC_ACTION_CLIENT("SyncUpdates"), build_sync_simple, NULL, true, &r,
	    err, sizeof(err)), WMSG_FAULT);
	if (strstr(err, "CookieExpired") == NULL)
		fail_msg("%s", err);
	assert_true(S.nreq < 20);
	client_free(&c);
}

/* InvalidCookie in the middle of a scan: RefreshCache, then go on. */
static void
test_scan_remap(void **state)
{
	struct client c;
	struct scan_opts o;
	struct scan_result res;
	struct scan_state *st;
	char err[512];
	bool refreshed = false;

	(void)state;
	reset();
	client_init(&c, false);
	memset(&o, 0, sizeof(o));
	st = scan_state_new();
	/* the second SyncUpdates of the scan gets InvalidCookie */
	assert_int_equal(wc_handshake(&c.s, err, sizeof(err)), 0);
	pthread_mutex_lock(&S.mu);
	snprintf(S.fault_action, sizeof(S.fault_action), "SyncUpdates");
	snprintf(S.fault_code, sizeof(S.fault_code), "InvalidCookie");
	S.fault_times = 0;
	pthread_mutex_unlock(&S.mu);
	/* one round first, then the fault */
	o.max_rounds = 1;
	if (scan_run(&c.s, st, &o, &res, err, sizeof(err)) == 0)
		fail_msg("one round must not be enough");
	S.fault_times = 1;
	o.max_rounds = 0;
	if (scan_run(&c.s, st, &o, &res, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(res.remaps, 1);
	for (size_t i = 0; i < S.nreq; i++)
		if (strcmp(op_of(S.action[i]), "RefreshCache") == 0) {
			refreshed = true;
			assert_non_null(strstr(S.req[i], "<globalIDs><UpdateIdentity>"
			    "<UpdateID>56309036-4c77-4dd9-951a-99ee9c246a94"
			    "</UpdateID><RevisionNumber>101</RevisionNumber>"));
		}
	assert_true(refreshed);
	assert_int_equal(res.cached, 3);
	scan_state_free(st);
	client_free(&c);
}

static void
test_bad_answers(void **state)
{
	struct client c;
	char err[512];
	struct scan_opts o;
	struct scan_result res;
	struct scan_state *st;

	(void)state;
	reset();
	client_init(&c, false);
	S.http_status = 404;
	assert_int_equal(wc_handshake(&c.s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "HTTP status 404"));
	reset();
	S.garbage = "<html>hello</html>";
	assert_int_equal(wc_handshake(&c.s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad answer"));
	reset();
	S.garbage = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
	    "envelope/\"><s:Body><GetConfigResponse xmlns=\"http://www."
	    "microsoft.com/SoftwareDistribution/Server/ClientWebService\">"
	    "<GetConfigResult><LastChange>2026-01-01T00:00:00Z</LastChange>"
	    "<IsRegistrationRequired>false</IsRegistrationRequired><AuthInfo>"
	    "<AuthPlugInInfo><PlugInID>Anonymous</PlugInID><ServiceUrl/>"
	    "</AuthPlugInInfo></AuthInfo></GetConfigResult></GetConfigResponse>"
	    "</s:Body></s:Envelope>";
	assert_int_equal(wc_handshake(&c.s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SimpleTargeting"));
	/* an UpdateInfo without Deployment stops the scan */
	reset();
	S.drop_deployment = true;
	memset(&o, 0, sizeof(o));
	st = scan_state_new();
	assert_int_equal(scan_run(&c.s, st, &o, &res, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no Deployment"));
	scan_state_free(st);
	client_free(&c);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_scan),
		cmocka_unit_test(test_recovery),
		cmocka_unit_test(test_recovery_bounded),
		cmocka_unit_test(test_scan_remap),
		cmocka_unit_test(test_bad_answers),
	};

	if (argc > 1)
		fixtures = argv[1];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
