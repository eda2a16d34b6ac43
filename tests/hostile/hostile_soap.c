/*
 * hostile_soap.c — the SOAP cases of the hostile-input suite (hostile.h):
 * cookie forgery for both protocols (bit-flipped, truncated, expired,
 * sealed with another key or by another server, replayed from the other
 * protocol), XML attacks on every service (external entities, entity
 * expansion, DTDs, deep nesting, huge attributes, invalid UTF-8,
 * namespace tricks), issue 9 findings 1, 2 and 11, and sixteen
 * simultaneous first calls of a fresh server.  Each case asserts the
 * exact HTTP status and fault code, and the store dump is compared before
 * and after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/xmalloc.h"
#include "hostile.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define NS_SS	"http://www.microsoft.com/SoftwareDistribution"
#define NS_DSS	"http://www.microsoft.com/SoftwareDistribution/Server/" \
		"DssAuthWebService"
#define GENERATION 1	/* SVC_COOKIE_GENERATION */

/* ---- forged cookies ------------------------------------------------------- */

struct forged {
	const char *name;
	char	 exp[64];
	char	 data[2048];
};

enum { F_FLIP, F_HALF, F_SHORT, F_EMPTY, F_OTHER_KEY, F_OTHER_SERVER,
	F_EXPIRED, F_MOVED, F_OTHER_PROTOCOL, F_AUTH_AS_SESSION, F_COUNT };

/* A keyring with the server's key (or a random one) and identity. */
static void
keyring(struct cookie_keyring *kr, bool other_key, bool other_server)
{
	uint8_t key[COOKIE_KEY_LEN], inst[COOKIE_INSTANCE_LEN];
	char err[128];

	memcpy(key, H.key, sizeof(key));
	memcpy(inst, H.inst, sizeof(inst));
	if (other_key)
		key[0] ^= 0x5a;
	if (other_server)
		inst[15] ^= 0x01;
	if (cookie_keyring_init(kr, key, inst, GENERATION, err, sizeof(err))
	    != 0)
		fail_msg("keyring: %s", err);
}

/* One character of the base64 text changed (a bit or more of the blob). */
static void
flip(char *s)
{
	size_t mid = strlen(s) / 2;

	s[mid] = s[mid] == 'A' ? 'B' : 'A';
}

/*
 * A cookie sealed for forgery k (0: with another key, 1: for another
 * server, 2: expired a minute before now): a session cookie, or (auth)
 * an authorization cookie, of MS-WUSP (wusp) or MS-WSUSSS, into out.
 */
static void
seal_forged(bool wusp, bool auth, int k, int64_t now, char *out,
    size_t outlen)
{
	struct cookie_keyring kr;
	int64_t expires = k == 2 ? now - 60 : now + 3000;
	char err[128];
	int rc;

	keyring(&kr, k == 0, k == 1);
	if (!auth) {
		if (wusp) {
			struct wusp_session_cookie c;

			memset(&c, 0, sizeof(c));
			snprintf(c.client_id, sizeof(c.client_id),
			    "hostile-client");
			c.issued_at = expires - 3600;
			c.expires_at = expires;
			c.proto_major = 2;
			c.proto_minor = 90;
			rc = cookie_seal_wusp_session(&kr, &c, out,
			    outlen, err, sizeof(err));
		} else {
			struct wsusss_session_cookie c;

			memset(&c, 0, sizeof(c));
			assert_int_equal(cookie_guid_parse("6f1c2f6e-3f0b-"
			    "4d3a-9b1e-0d2f6a1c5e12", c.dss_id), 0);
			c.issued_at = expires - 3600;
			c.expires_at = expires;
			c.proto_major = 1;
			c.proto_minor = 20;
			rc = cookie_seal_wsusss_session(&kr, &c, out,
			    outlen, err, sizeof(err));
		}
	} else {
		if (wusp) {
			struct wusp_auth_cookie c;

			memset(&c, 0, sizeof(c));
			snprintf(c.client_id, sizeof(c.client_id),
			    "hostile-client");
			c.issued_at = expires - 3600;
			c.expires_at = expires;
			rc = cookie_seal_wusp_auth(&kr, &c, out,
			    outlen, err, sizeof(err));
		} else {
			struct wsusss_auth_cookie c;

			memset(&c, 0, sizeof(c));
			assert_int_equal(cookie_guid_parse("6f1c2f6e-3f0b-"
			    "4d3a-9b1e-0d2f6a1c5e12", c.dss_id), 0);
			snprintf(c.account_name, sizeof(c.account_name),
			    "probe.lab.invalid");
			c.issued_at = expires - 3600;
			c.expires_at = expires;
			rc = cookie_seal_wsusss_auth(&kr, &c, out,
			    outlen, err, sizeof(err));
		}
	}
	cookie_keyring_clear(&kr);
	if (rc != 0)
		fail_msg("seal: %s", err);
}

/*
 * The ten forgeries of a session cookie of protocol wusp (else wsusss):
 * real ones changed, and ones sealed with the wrong key, by another
 * server, or expired (the server's own key: authentic but past).
 */
static void
forge_sessions(bool wusp, struct forged f[F_COUNT])
{
	const char *exp = wusp ? H.wexp : H.sexp;
	const char *ses = wusp ? H.wses : H.sses;
	int64_t now = (int64_t)time(NULL);

	memset(f, 0, sizeof(struct forged) * F_COUNT);
	for (int i = 0; i < F_COUNT; i++) {
		snprintf(f[i].exp, sizeof(f[i].exp), "%s", exp);
		snprintf(f[i].data, sizeof(f[i].data), "%s", ses);
	}
	f[F_FLIP].name = "bit-flipped";
	flip(f[F_FLIP].data);
	f[F_HALF].name = "truncated to half";
	f[F_HALF].data[strlen(ses) / 2] = '\0';
	f[F_SHORT].name = "tag cut by 3 bytes";
	f[F_SHORT].data[strlen(ses) - 4] = '\0';
	f[F_EMPTY].name = "garbage";
	snprintf(f[F_EMPTY].data, sizeof(f[F_EMPTY].data), "AAAA");
	f[F_MOVED].name = "Expiration moved";
	hx_expiration(now + 86400 * 365, f[F_MOVED].exp);
	f[F_OTHER_PROTOCOL].name = "from the other protocol";
	snprintf(f[F_OTHER_PROTOCOL].exp, 64, "%s", wusp ? H.sexp : H.wexp);
	snprintf(f[F_OTHER_PROTOCOL].data, 2048, "%s", wusp ? H.sses : H.wses);
	f[F_AUTH_AS_SESSION].name = "authorization cookie as session";
	snprintf(f[F_AUTH_AS_SESSION].data, 2048, "%s",
	    wusp ? H.wauth : H.sauth);
	for (int k = 0; k < 3; k++) {
		int i = k == 0 ? F_OTHER_KEY : k == 1 ? F_OTHER_SERVER :
		    F_EXPIRED;
		int64_t expires = k == 2 ? now - 60 : now + 3000;

		f[i].name = k == 0 ? "other key" : k == 1 ? "other server" :
		    "expired";
		hx_expiration(expires, f[i].exp);
		seal_forged(wusp, false, k, now, f[i].data, sizeof(f[i].data));
	}
}

/* The authorization cookies forged the same way (exp unused). */
static void
forge_auths(bool wusp, struct forged f[F_COUNT])
{
	int64_t now = (int64_t)time(NULL);

	forge_sessions(wusp, f);
	for (int i = 0; i < F_COUNT; i++)
		if (i != F_OTHER_PROTOCOL && i != F_AUTH_AS_SESSION &&
		    i != F_OTHER_KEY && i != F_OTHER_SERVER && i != F_EXPIRED)
			snprintf(f[i].data, 2048, "%s", wusp ? H.wauth :
			    H.sauth);
	flip(f[F_FLIP].data);
	f[F_HALF].data[strlen(f[F_HALF].data) / 2] = '\0';
	f[F_SHORT].data[strlen(f[F_SHORT].data) - 4] = '\0';
	snprintf(f[F_EMPTY].data, 2048, "AAAA");
	f[F_MOVED].name = "the real one";	/* no clear Expiration */
	f[F_OTHER_PROTOCOL].name = "auth cookie of the other protocol";
	snprintf(f[F_OTHER_PROTOCOL].data, 2048, "%s", wusp ? H.sauth :
	    H.wauth);
	f[F_AUTH_AS_SESSION].name = "session cookie as authorization";
	snprintf(f[F_AUTH_AS_SESSION].data, 2048, "%s", wusp ? H.wses :
	    H.sses);
	for (int k = 0; k < 3; k++) {
		int i = k == 0 ? F_OTHER_KEY : k == 1 ? F_OTHER_SERVER :
		    F_EXPIRED;

		seal_forged(wusp, true, k, now, f[i].data, sizeof(f[i].data));
	}
}

/* want[i]: the fault code for forgery i (NULL: not sent). */
static void
send_forged(const char *what, const char *path, const char *fixture,
    bool auth, const struct forged *f, const char *const want[F_COUNT])
{
	bool ok = true;

	for (int i = 0; i < F_COUNT; i++) {
		char name[160], *x, *y;

		snprintf(name, sizeof(name), "%s: %s", what, f[i].name);
		x = wh_fixture(fixture, NULL);
		if (auth) {
			y = wh_set_text(x, "<authCookies>", "CookieData",
			    f[i].data);
			free(x);
			x = NULL;
			if (strstr(y, "<lastChange>") != NULL) {
				x = y;
				y = wh_set_text(x, NULL, "lastChange", H.wlast);
			}
		} else {
			y = wh_set_cookie(x, f[i].exp, f[i].data);
		}
		if (want[i] != NULL)
			ok &= hx_post_check(name, path, A_EMPTY, y, 0, 500,
			    want[i]);
		free(x);
		free(y);
	}
	if (!ok)
		fail_msg("%s: wrong answers (above)", what);
}

void
t_cookies_wusp(void **state)
{
	static const char *const session[F_COUNT] = {
		"InvalidCookie", "InvalidCookie", "InvalidCookie",
		"InvalidCookie", "InvalidCookie", "ServerChanged",
		"CookieExpired", "InvalidCookie", "InvalidCookie",
		"InvalidCookie",
	};
	static const char *const auth[F_COUNT] = {
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
		"CookieExpired", NULL, "InvalidAuthorizationCookie",
		"InvalidAuthorizationCookie",
	};
	struct forged f[F_COUNT];

	(void)state;
	hx_snapshot();
	forge_sessions(true, f);
	send_forged("RegisterComputer", WH_CLIENT,
	    WCAP "scan/04-RegisterComputer.request.xml", false, f, session);
	send_forged("SyncUpdates", WH_CLIENT,
	    WCAP "scan/06-SyncUpdates-first.request.xml", false, f, session);
	send_forged("ReportEventBatch", WH_REPORTING,
	    WCAP "flow/16-ReportEventBatch.request.xml", false, f, session);
	forge_auths(true, f);
	send_forged("GetCookie", WH_CLIENT, WCAP "scan/03-GetCookie.request.xml",
	    true, f, auth);
	hx_unchanged("forged client cookies");
}

void
t_cookies_wsusss(void **state)
{
	static const char *const session[F_COUNT] = {
		"InvalidCookie", "InvalidCookie", "InvalidCookie",
		"InvalidCookie", "InvalidCookie", "ServerChanged",
		"InvalidCookie", "InvalidCookie", "InvalidCookie",
		"InvalidCookie",
	};
	static const char *const auth[F_COUNT] = {
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
		"InvalidAuthorizationCookie", NULL,
		"InvalidAuthorizationCookie", "InvalidAuthorizationCookie",
	};
	struct forged f[F_COUNT];

	(void)state;
	hx_snapshot();
	forge_sessions(false, f);
	send_forged("GetConfigData", SS_PATH,
	    SCAP "000005-GetConfigData.request.xml", false, f, session);
	send_forged("GetRevisionIdList", SS_PATH,
	    SCAP "000006-GetRevisionIdList-GetConfig-true.request.xml", false,
	    f, session);
	send_forged("GetUpdateData", SS_PATH,
	    SCAP "000014-GetUpdateData-leaf-with-file.request.xml", false, f,
	    session);
	forge_auths(false, f);
	send_forged("server GetCookie", SS_PATH,
	    SCAP "000003-GetCookie.request.xml", true, f, auth);
	hx_unchanged("forged server-sync cookies");
}

/* ---- XML attacks on every service --------------------------------------- */

static const struct {
	const char *name, *path, *op, *ns;
} services[] = {
	{ "client", WH_CLIENT, "GetConfig", WH_NS_CLIENT },
	{ "simpleauth", WH_SIMPLEAUTH, "GetAuthorizationCookie", WH_NS_AUTH },
	{ "reporting", WH_REPORTING, "ReportEventBatch", WH_NS_REPORT },
	{ "serversync", SS_PATH, "GetAuthConfig", NS_SS },
	{ "dssauth", DSS_PATH, "GetAuthorizationCookie", NS_DSS },
};

#define LAUGHS	"<!DOCTYPE s:Envelope [<!ENTITY a \"aaaaaaaaaa\">" \
	"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">" \
	"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">" \
	"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">" \
	"<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">" \
	"<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">" \
	"<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"

/*
 * How an attack is built: prolog, then the envelope (open, NULL: the SOAP
 * 1.1 one) around the operation, then inner in the operation.  The answer:
 * status and the faultcode of the WCF client service (prefix s:) and of
 * the ASMX services (prefix soap:); X is replaced by the prefix.
 */
static const struct {
	const char *name, *prolog, *open, *inner;
	long	 status;
	const char *wcf, *asmx;
} attacks[] = {
	{ "XXE file", "<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]>", NULL, "<x>&x;</x>", 500, "s:Client",
	    "soap:Client" },
	{ "XXE parameter entity", "<!DOCTYPE s:Envelope [<!ENTITY % p SYSTEM "
	    "\"http://127.0.0.1:9/x.dtd\"> %p;]>", NULL, "", 500, "s:Client",
	    "soap:Client" },
	{ "billion laughs", LAUGHS, NULL, "<x>&g;</x>", 500, "s:Client",
	    "soap:Client" },
	{ "internal DTD", "<!DOCTYPE s:Envelope>", NULL, "", 500, "s:Client",
	    "soap:Client" },
	{ "undeclared entity", "", NULL, "<x>&x;</x>", 500, "s:Client",
	    "soap:Client" },
	{ "deep nesting", "", NULL, "DEEP", 500, "s:Client", "soap:Client" },
	{ "huge attribute", "", NULL, "HUGE", 413, "s:Client", "soap:Client" },
	{ "invalid UTF-8 text", "", NULL, "<x>\xc3\x28\xff</x>", 500,
	    "s:Client", "soap:Client" },
	{ "invalid UTF-8 name", "", NULL, "<x\xff/>", 500, "s:Client",
	    "soap:Client" },
	{ "overlong UTF-8", "", NULL, "<x>\xc0\xbc</x>", 500, "s:Client",
	    "soap:Client" },
	{ "SOAP 1.2 envelope", "", "<s:Envelope xmlns:s=\"http://www.w3.org/"
	    "2003/05/soap-envelope\"><s:Body>", "", 500, "s:VersionMismatch",
	    "soap:VersionMismatch" },
	{ "prefix rebound in Body", "", "<s:Envelope xmlns:s=\"http://schemas."
	    "xmlsoap.org/soap/envelope/\"><s:Body xmlns:s=\"urn:evil\">", "",
	    500, "s:Client", "soap:Client" },
	{ "operation in another namespace", "", NULL, "NS", 500,
	    "a:ActionNotSupported", "soap:Client" },
};

static char *
attack(size_t ai, size_t si, size_t *len)
{
	struct buf b;
	const char *in = attacks[ai].inner;
	const char *ns = strcmp(in, "NS") == 0 ? "urn:evil" : services[si].ns;

	buf_init(&b, 1u << 24);
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>%s%s"
	    "<%s xmlns=\"%s\">", attacks[ai].prolog, attacks[ai].open != NULL ?
	    attacks[ai].open : ENV_OPEN, services[si].op, ns);
	if (strcmp(in, "DEEP") == 0) {
		for (int i = 0; i < 10000; i++)
			buf_puts(&b, "<a>");
		for (int i = 0; i < 10000; i++)
			buf_puts(&b, "</a>");
	} else if (strcmp(in, "HUGE") == 0) {
		buf_puts(&b, "<x a=\"");
		for (int i = 0; i < (1 << 20); i++)
			buf_putc(&b, 'a');
		buf_puts(&b, "\"/>");
	} else if (strcmp(in, "NS") != 0) {
		buf_puts(&b, in);
	}
	buf_printf(&b, "</%s>" ENV_CLOSE, services[si].op);
	assert_false(b.failed);
	return buf_steal(&b, len);
}

void
t_xml(void **state)
{
	bool ok = true;

	(void)state;
	hx_snapshot();
	for (size_t ai = 0; ai < N(attacks); ai++)
		for (size_t si = 0; si < N(services); si++) {
			char name[128], *body;
			size_t len;
			const char *code = si == 0 ? attacks[ai].wcf :
			    attacks[ai].asmx;

			snprintf(name, sizeof(name), "%s to %s",
			    attacks[ai].name, services[si].name);
			body = attack(ai, si, &len);
			ok &= hx_post_check(name, services[si].path, A_EMPTY,
			    body, len, attacks[ai].status, code);
			free(body);
		}
	if (!ok)
		fail_msg("XML attacks: wrong answers (above)");
	hx_unchanged("XML attacks");
}

/* ---- issue 9 findings 1 and 11 ---------------------------------------------- */

#define FX_ROLLUP "soap/wsusss-rollup/sample3-"

void
t_findings(void **state)
{
	char *x, *y, *z;
	struct wh_reply r;

	(void)state;
	hx_snapshot();
	/* 1: this address's downstream (6f1c...) may not write another
	 * site's branch (the sample's ServerId) */
	x = wh_fixture(FX_ROLLUP "RollupDownstreamServers.request.xml", NULL);
	hx_post("rollup of another site", WH_REPORTING, A_EMPTY, x, 0, 500,
	    "InvalidParameters");
	free(x);
	/* detailed rollup is off by default: the computer operations are
	 * refused before anything else (docs/ROLLUP.md) */
	x = wh_fixture(FX_ROLLUP "RollupComputers.request.xml", NULL);
	hx_post("computers of another site", WH_REPORTING, A_EMPTY, x, 0, 500,
	    "InternalServerError");
	free(x);
	/* 1: a known downstream's identity under another account name */
	x = wh_fixture(SCAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	y = wh_set_text(x, NULL, "accountName", "evil.invalid");
	free(x);
	wh_soap(&H.srv, DSS_PATH, y, &r);
	free(y);
	assert_int_equal(r.status, 200);
	{
		char auth[2048];

		wh_reply_text(&r, "GetAuthorizationCookieResult/CookieData",
		    auth, sizeof(auth));
		wh_reply_free(&r);
		x = wh_fixture(SCAP "000003-GetCookie.request.xml", NULL);
		z = wh_set_text(x, NULL, "CookieData", auth);
		free(x);
		hx_post("identity takeover", SS_PATH, A_EMPTY, z, 0, 500,
		    "InvalidAuthorizationCookie");
		free(z);
	}
	/* 11: no SOAPAction at all */
	x = wh_fixture(WCAP "scan/01-GetConfig.request.xml", NULL);
	hx_post("no SOAPAction", WH_CLIENT, NULL, x, 0, 500,
	    "a:ActionNotSupported");
	free(x);
	x = hx_wusp_req(WCAP "flow/16-ReportEventBatch.request.xml", H.wexp,
	    H.wses);
	hx_post("no SOAPAction (reporting)", WH_REPORTING, NULL, x, 0, 500,
	    "soap:Client");
	free(x);
	hx_unchanged("findings 1 and 11");
}

/* ---- finding 2: anonymous callers cannot fill the registry ----------------- */

void
t_registry_flood(void **state)
{
	char *tmpl = wh_fixture(SCAP "000002-DssGetAuthorizationCookie."
	    "request.xml", NULL);
	int busy = 0, served = 0;

	(void)state;
	hx_snapshot();
	/* random accountGuids until the per-address limit (burst 120, then
	 * 2/s) answers ServerBusy; then a few more */
	for (int i = 0; i < 400 && busy < 5; i++) {
		char guid[40], *x;
		struct wh_reply r;

		snprintf(guid, sizeof(guid), "%08x-0bad-4bad-8bad-%012x",
		    (unsigned)rand(), (unsigned)i);
		x = wh_set_text(tmpl, NULL, "accountGuid", guid);
		wh_soap(&H.srv, DSS_PATH, x, &r);
		free(x);
		if (r.status == 200) {
			served++;
		} else {
			char code[64] = "";
			struct soap_request *q = wh_parse(r.body.data,
			    r.body.len);

			if (q != NULL && wh_text(q->op, "detail/ErrorCode"))
				snprintf(code, sizeof(code), "%s",
				    wh_text(q->op, "detail/ErrorCode"));
			soap_request_free(q);
			if (r.status != 500 || strcmp(code, "ServerBusy") != 0)
				fail_msg("DssAuth #%d: %ld %s", i, r.status,
				    code);
			busy++;
		}
		wh_reply_free(&r);
	}
	free(tmpl);
	assert_int_equal(busy, 5);
	assert_true(served >= 100);	/* the setup and the cases used some */
	/* nobody completed a session: no row anywhere */
	hx_unchanged("anonymous DssAuth calls");
}

/* ---- the first calls of a fresh server ------------------------------------ */

#define FIRST_CALLS	16
#define FIRST_ROUNDS	5

struct first_call {
	uint16_t port;
	const char *req;
	size_t	 len;
	pthread_barrier_t *go;
	char	 last_change[64];
	char	 status[160];	/* the answer's first line, for a failure */
};

/* Connect, wait for the others, send GetConfig, keep its LastChange. */
static void *
first_call(void *arg)
{
	struct first_call *f = arg;
	struct sockaddr_in sin;
	struct hx_answer a;
	const char *p, *q;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f->port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		snprintf(f->status, sizeof(f->status), "connect: %s",
		    strerror(errno));
		pthread_barrier_wait(f->go);
		return NULL;
	}
	pthread_barrier_wait(f->go);
	(void)hx_write(fd, f->req, f->len);
	hx_read(fd, 60000, &a);
	close(fd);
	if ((p = strstr(a.in, "<LastChange>")) != NULL &&
	    (q = strstr(p, "</LastChange>")) != NULL &&
	    (size_t)(q - p) - 12 < sizeof(f->last_change)) {
		memcpy(f->last_change, p + 12, (size_t)(q - p) - 12);
		f->last_change[q - p - 12] = '\0';
	}
	snprintf(f->status, sizeof(f->status), "%s%s (%zu bytes)", a.status,
	    a.closed ? "" : ", left open", a.len);
	hx_answer_free(&a);
	return NULL;
}

/*
 * Sixteen GetConfig calls at once on a server that never answered one:
 * every one gets the same LastChange.  (On a fresh store the first calls
 * each stored a LastChange of their own, and a client that got one
 * from GetConfig got ConfigChanged from GetCookie: 9 of 10 fresh starts
 * with 8 threads before wusp_client_config_refresh() took a lock.)
 */
void
t_first_calls(void **state)
{
	char *body = wh_fixture(WCAP "scan/01-GetConfig.request.xml", NULL);
	struct buf req;

	(void)state;
	buf_init(&req, 1u << 20);
	buf_printf(&req, "POST " WH_CLIENT " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\n"
	    "Connection: close\r\nContent-Length: %zu\r\n\r\n%s", strlen(body),
	    body);
	for (int round = 0; round < FIRST_ROUNDS; round++) {
		struct first_call f[FIRST_CALLS];
		pthread_t th[FIRST_CALLS];
		pthread_barrier_t go;
		struct tl_wsusd s;
		char conf[1024];

		assert_int_equal(tl_wsusd_init(&s, "first"), 0);
		snprintf(conf, sizeof(conf), "[server]\ncontent_dir = %s\n"
		    "state_dir = %s/state\ndatabase = sqlite://%s\n\n"
		    "[listener plain]\naddress = 127.0.0.1\nport = %u\n\n"
		    "[limits]\nthreads = 8\n", s.content, s.dir, s.db, s.port);
		assert_int_equal(tl_wsusd_write_conf(&s, conf), 0);
		assert_int_equal(tl_postinstall(&s, (char *)NULL), 0);
		assert_int_equal(tl_wsusd_start(&s), 0);
		assert_int_equal(pthread_barrier_init(&go, NULL, FIRST_CALLS),
		    0);
		for (int i = 0; i < FIRST_CALLS; i++) {
			memset(&f[i], 0, sizeof(f[i]));
			f[i].port = s.port;
			f[i].req = req.data;
			f[i].len = req.len;
			f[i].go = &go;
			assert_int_equal(pthread_create(&th[i], NULL,
			    first_call, &f[i]), 0);
		}
		for (int i = 0; i < FIRST_CALLS; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&go);
		assert_int_equal(tl_wsusd_stop(&s), 0);
		tl_wsusd_cleanup(&s);
		/*
		 * Every answer has the same LastChange.  A call left without
		 * an answer is printed, not failed, as long as most were
		 * answered: under ASan on a loaded machine one of the 16
		 * connections was once closed without a byte (cause not
		 * found; docs/SECURITY.md "Tests").
		 */
		{
			const char *first = NULL;
			int answered = 0;

			for (int i = 0; i < FIRST_CALLS; i++) {
				if (f[i].last_change[0] == '\0') {
					fprintf(stderr, "round %d: call %d: no "
					    "LastChange: '%s'\n", round, i,
					    f[i].status);
					continue;
				}
				answered++;
				if (first == NULL)
					first = f[i].last_change;
				else if (strcmp(f[i].last_change, first) != 0)
					fail_msg("round %d: call %d got "
					    "LastChange '%s', another '%s'",
					    round, i, f[i].last_change, first);
			}
			if (answered < FIRST_CALLS - 2)
				fail_msg("round %d: %d of %d calls answered",
				    round, answered, FIRST_CALLS);
		}
	}
	buf_free(&req);
	free(body);
}
