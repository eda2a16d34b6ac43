/*
 * test_dsauth.c — downstream authentication beyond the allow-list
 * against a running wsusd (docs/SECURITY.md "Downstream
 * authentication"): a TLS listener with tls_client_auth = require
 * refuses the handshake without a certificate and with one of another
 * CA; with downstream_auth = certificate the certificate bound to
 * downstream A acts as A only (GetAuthorizationCookie, GetCookie, a
 * server-sync call, rollup, with A's own session cookie too); with
 * downstream_auth = credential the secret of `wsusctl downstream
 * credential` is right, wrong, missing, another downstream's, revoked;
 * with the default (anonymous) an unbound downstream needs nothing and a
 * bound one must present what it is bound to.  Every refusal is the
 * exact fault and records nothing.
 *
 * The CA, a rogue CA and the certificates are made at test time with
 * the openssl command.
 *
 * Last, a wsusd downstream (`wsusctl sync` with the client certificate
 * and credential of `wsusctl sync configure`) syncs and rolls up
 * through a require listener under downstream_auth = credential, with
 * the real update documents of tests/fixtures.
 *
 *   test_dsauth WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

#define GA	"11111111-1111-4111-8111-111111111111"
#define GB	"22222222-2222-4222-8222-222222222222"
#define GC	"33333333-3333-4333-8333-333333333333"

#define DSS	"/DssAuthWebService/DssAuthWebService.asmx"
#define SS	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define REP	"/ReportingWebService/ReportingWebService.asmx"
#define NS	"http://www.microsoft.com/SoftwareDistribution"
#define ENV(x)	"<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope " \
	"xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">" \
	"<soap:Body>" x "</soap:Body></soap:Envelope>"

static const char *fixtures;

static struct {
	struct tl_wsusd w;
	uint16_t req, opt;		/* tls_client_auth require, optional */
} T;

/* How a request presents itself. */
struct who {
	const char *cert;		/* "a", "b", "c" (rogue CA) or NULL */
	const char *user, *pass;	/* HTTP Basic or NULL */
};

struct reply {
	CURLcode rc;
	long	 status;
	struct buf body;
};

static size_t
collect(char *p, size_t sz, size_t n, void *arg)
{
	buf_append(arg, p, sz * n);
	return sz * n;
}

/* POST body to path on port (TLS unless the plain port). */
static void
post(uint16_t port, const struct who *who, const char *path,
    const char *action, const char *body, struct reply *r)
{
	CURL *e = curl_easy_init();
	struct curl_slist *hl = NULL;
	char url[256], f[256], k[256], sa[256];
	bool tls = port != T.w.port;

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 1u << 24);
	snprintf(url, sizeof(url), "%s://127.0.0.1:%u%s", tls ? "https" :
	    "http", port, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	if (who != NULL && who->cert != NULL) {
		snprintf(f, sizeof(f), "%s/%s.pem", T.w.dir, who->cert);
		snprintf(k, sizeof(k), "%s/%s-key.pem", T.w.dir, who->cert);
		curl_easy_setopt(e, CURLOPT_SSLCERT, f);
		curl_easy_setopt(e, CURLOPT_SSLKEY, k);
	}
	if (who != NULL && who->user != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, who->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, who->pass);
	}
	snprintf(sa, sizeof(sa), "SOAPAction: \"%s\"", action);
	hl = curl_slist_append(hl, "Content-Type: text/xml; charset=utf-8");
	hl = curl_slist_append(hl, sa);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	r->rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(e);
	buf_putc(&r->body, '\0');
}

/* The text of the first <tag>...</tag> of the answer into out. */
static const char *
elem(const struct reply *r, const char *tag, char *out, size_t outlen)
{
	char open[64], close[64];
	const char *s, *t;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	out[0] = '\0';
	if (r->body.data == NULL || (s = strstr(r->body.data, open)) == NULL)
		return out;
	s += strlen(open);
	if ((t = strstr(s, close)) == NULL)
		return out;
	snprintf(out, outlen, "%.*s", (int)(t - s), s);
	return out;
}

static void
expect_ok(const char *what, const struct reply *r)
{
	if (r->rc != CURLE_OK || r->status != 200)
		fail_msg("%s: curl %d, HTTP %ld: %.600s", what, (int)r->rc,
		    r->status, r->body.data ? r->body.data : "");
}

static void
expect_fault(const char *what, const struct reply *r, const char *code)
{
	char ec[64];

	if (r->rc != CURLE_OK || r->status != 500)
		fail_msg("%s: curl %d, HTTP %ld, want the fault %s: %.600s",
		    what, (int)r->rc, r->status, code, r->body.data ?
		    r->body.data : "");
	if (strcmp(elem(r, "ErrorCode", ec, sizeof(ec)), code) != 0)
		fail_msg("%s: ErrorCode '%s', want %s", what, ec, code);
}

/* GetAuthorizationCookie for id; its CookieData into out when ok. */
static void
auth_cookie(uint16_t port, const struct who *who, const char *id,
    struct reply *r)
{
	char body[1024];

	snprintf(body, sizeof(body), ENV("<GetAuthorizationCookie xmlns=\""
	    NS "/Server/DssAuthWebService\"><accountName>%s.lab</accountName>"
	    "<accountGuid>%s</accountGuid></GetAuthorizationCookie>"),
	    id == NULL ? "x" : id, id);
	post(port, who, DSS, NS "/Server/DssAuthWebService/"
	    "GetAuthorizationCookie", body, r);
}

static void
get_cookie(uint16_t port, const struct who *who, const char *auth,
    struct reply *r)
{
	char *body = NULL;

	if (asprintf(&body, ENV("<GetCookie xmlns=\"" NS "\"><authCookies>"
	    "<AuthorizationCookie><PlugInId>DssTargeting</PlugInId>"
	    "<CookieData>%s</CookieData></AuthorizationCookie></authCookies>"
	    "<protocolVersion>1.20</protocolVersion></GetCookie>"), auth) < 0)
		fail();
	post(port, who, SS, NS "/GetCookie", body, r);
	free(body);
}

/* A call with a session cookie: GetConfigData (server sync) or
 * GetRollupConfiguration (reporting; exp "" = the dummy cookie). */
static void
with_session(uint16_t port, const struct who *who, bool rollup,
    const char *exp, const char *data, struct reply *r)
{
	const char *op = rollup ? "GetRollupConfiguration" : "GetConfigData";
	char *body = NULL;

	if (exp[0] == '\0') {
		exp = "9999-12-31T23:59:59.9999999";
		data = "";
	}
	if (asprintf(&body, ENV("<%s xmlns=\"" NS "\"><cookie><Expiration>%s"
	    "</Expiration><EncryptedData>%s</EncryptedData></cookie></%s>"),
	    op, exp, data, op) < 0)
		fail();
	post(port, who, rollup ? REP : SS, rollup ? NS "/GetRollupConfiguration"
	    : NS "/GetConfigData", body, r);
	free(body);
}

static void
write_config(const char *mode)
{
	char text[4096];

	snprintf(text, sizeof(text),
	    "[server]\n"
	    "content_dir = %s\n"
	    "state_dir = %s/state\n"
	    "database = sqlite://%s\n"
	    "tls_certificate = %s/cert.pem\n"
	    "tls_key = %s/key.pem\n"
	    "downstream_auth = %s\n"
	    "[listener plain]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "[listener req]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "tls_client_ca = %s/ca.pem\n"
	    "tls_client_auth = require\n"
	    "[listener opt]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "tls_client_ca = %s/ca.pem\n"
	    "tls_client_auth = optional\n"
	    "[limits]\n"
	    "connection_timeout = 30\n"
	    "threads = 2\n",
	    T.w.content, T.w.dir, T.w.db, T.w.dir, T.w.dir, mode, T.w.port,
	    T.req, T.w.dir, T.opt, T.w.dir);
	assert_int_equal(tl_wsusd_write_conf(&T.w, text), 0);
}

/* Restart wsusd with downstream_auth = mode. */
static void
restart(const char *mode)
{
	if (T.w.pid != 0)
		assert_int_equal(tl_wsusd_stop(&T.w), 0);
	write_config(mode);
	assert_int_equal(tl_wsusd_start(&T.w), 0);
}

static void
ctl_ok(struct buf *out, ...)
{
	va_list ap;
	int rc;

	va_start(ap, out);
	rc = tl_vctl(&T.w, out, NULL, ap);
	va_end(ap);
	if (rc != 0)
		fail_msg("wsusctl exit %d: %s", rc, out != NULL &&
		    out->data != NULL ? out->data : "");
}

/* wsusctl downstream credential ID: the secret it prints. */
static void
new_secret(const char *id, char secret[80])
{
	struct buf out;
	const char *s;

	buf_init(&out, 1 << 16);
	ctl_ok(&out, "downstream", "credential", id, (char *)NULL);
	buf_putc(&out, '\0');
	s = strstr(out.data, "secret ");
	assert_non_null(s);
	s += 7;
	assert_int_equal(strspn(s, "0123456789abcdef"), 64);
	assert_int_equal(s[64], '\n');
	memcpy(secret, s, 64);
	secret[64] = '\0';
	buf_free(&out);
}

/* Is id in `wsusctl downstream list`? */
static bool
registered(const char *id)
{
	struct buf out;
	bool r;

	buf_init(&out, 1 << 20);
	ctl_ok(&out, "downstream", "list", "--json", (char *)NULL);
	buf_putc(&out, '\0');
	r = strstr(out.data, id) != NULL;
	buf_free(&out);
	return r;
}

static int
setup(void **state)
{
	char cmd[4096];

	(void)state;
	if (tl_wsusd_init(&T.w, "dsauth") != 0)
		return -1;
	T.req = tl_free_port();
	T.opt = tl_free_port();
	T.w.more_ports[0] = T.req;
	T.w.more_ports[1] = T.opt;
	/* server key, a CA with downstreams a and b, a rogue CA with c */
	snprintf(cmd, sizeof(cmd),
	    "cd %s && K='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes' &&"
	    " openssl req -x509 $K -keyout key.pem -out cert.pem -days 2"
	    "  -subj /CN=localhost &&"
	    " openssl req -x509 $K -keyout ca-key.pem -out ca.pem -days 2"
	    "  -subj /CN=test-ca &&"
	    " openssl req -x509 $K -keyout rogue-key.pem -out rogue.pem -days 2"
	    "  -subj /CN=test-ca &&"
	    " for c in a:ca b:ca c:rogue; do n=${c%%%%:*}; ca=${c##*:};"
	    "  openssl req $K -keyout $n-key.pem -out $n.csr -subj /CN=ds-$n &&"
	    "  openssl x509 -req -in $n.csr -CA $ca.pem -CAkey $ca-key.pem"
	    "   -CAcreateserial -out $n.pem -days 2 || exit 1; done"
	    " >/dev/null 2>&1", T.w.dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "openssl failed: %s\n", cmd);
		return -1;
	}
	write_config("anonymous");
	if (tl_postinstall(&T.w, (char *)NULL) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tl_wsusd_cleanup(&T.w);
	return 0;
}

/* require: no certificate, or one of another CA, fails the handshake */
static void
test_handshake(void **state)
{
	struct who none = { 0 }, a = { .cert = "a" }, c = { .cert = "c" };
	struct reply r;
	static const char body[] = ENV("<GetAuthConfig xmlns=\"" NS "\"/>");

	(void)state;
	restart("anonymous");
	post(T.req, &none, SS, NS "/GetAuthConfig", body, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 0);
	buf_free(&r.body);
	post(T.req, &c, SS, NS "/GetAuthConfig", body, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 0);
	buf_free(&r.body);
	post(T.req, &a, SS, NS "/GetAuthConfig", body, &r);
	expect_ok("require, certificate of the CA", &r);
	buf_free(&r.body);
	/* optional and plain listeners take callers without one */
	post(T.opt, &none, SS, NS "/GetAuthConfig", body, &r);
	expect_ok("optional, no certificate", &r);
	buf_free(&r.body);
	post(T.opt, &c, SS, NS "/GetAuthConfig", body, &r);
	expect_ok("optional, another CA", &r);
	buf_free(&r.body);
	post(T.w.port, &none, SS, NS "/GetAuthConfig", body, &r);
	expect_ok("plain", &r);
	buf_free(&r.body);
}

static void
trust(const char *id, const char *cert)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.pem", T.w.dir, cert);
	ctl_ok(NULL, "downstream", "trust", id, "--certificate", path,
	    (char *)NULL);
}

/* A CA file that cannot be read stops the start and names the key */
static void
test_missing_ca(void **state)
{
	char conf[256], errpath[256], ca[256], *text, *p;
	char *argv[] = { "timeout", "20", (char *)tl_wsusd_exe, "-c", conf,
	    NULL };
	size_t len;
	FILE *fp;

	(void)state;
	if (T.w.pid != 0)	/* its ports */
		assert_int_equal(tl_wsusd_stop(&T.w), 0);
	snprintf(conf, sizeof(conf), "%s/bad.conf", T.w.dir);
	snprintf(errpath, sizeof(errpath), "%s/bad.err", T.w.dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", T.w.dir);
	assert_int_equal(read_file(T.w.conf, 1 << 20, &text, &len), 0);
	assert_non_null(p = strstr(text, ca));
	assert_non_null(fp = fopen(conf, "w"));
	fprintf(fp, "%.*s%s/none.pem%s", (int)(p - text), text, T.w.dir,
	    p + strlen(ca));
	fclose(fp);
	free(text);
	assert_int_equal(tl_run(argv, NULL, errpath), 1);
	assert_int_equal(tl_count_in_file(errpath, "listener req: TLS client "
	    "CA "), 1);
	assert_int_equal(tl_count_in_file(errpath, "/none.pem: No such file "
	    "or directory (tls_client_ca)"), 1);
}

/* downstream_auth = certificate: a's certificate acts as A only */
static void
test_certificate(void **state)
{
	struct who none = { 0 }, a = { .cert = "a" }, b = { .cert = "b" },
	    c = { .cert = "c" };
	struct reply r;
	char ac[2048], exp[64], data[2048];

	(void)state;
	restart("certificate");
	trust(GA, "a");
	trust(GB, "b");

	/* GetAuthorizationCookie */
	auth_cookie(T.req, &b, GA, &r);
	expect_fault("B's certificate as A", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.opt, &none, GA, &r);
	expect_fault("no certificate as A", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.opt, &c, GA, &r);
	expect_fault("rogue CA as A", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.w.port, &none, GA, &r);
	expect_fault("plain as A", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.req, &a, GC, &r);
	expect_fault("A's certificate as unbound C", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.req, &a, GA, &r);
	expect_ok("A's certificate as A", &r);
	elem(&r, "CookieData", ac, sizeof(ac));
	buf_free(&r.body);

	/* GetCookie with A's authorization cookie */
	get_cookie(T.req, &b, ac, &r);
	expect_fault("GetCookie of A with B's certificate", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	get_cookie(T.opt, &none, ac, &r);
	expect_fault("GetCookie of A without certificate", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	assert_false(registered(GA));
	get_cookie(T.opt, &a, ac, &r);
	expect_ok("GetCookie of A with A's certificate", &r);
	elem(&r, "Expiration", exp, sizeof(exp));
	elem(&r, "EncryptedData", data, sizeof(data));
	buf_free(&r.body);
	assert_true(registered(GA));

	/* a server-sync call and rollup with A's own session cookie */
	with_session(T.req, &b, false, exp, data, &r);
	expect_fault("GetConfigData of A with B's certificate", &r,
	    "InvalidCookie");
	buf_free(&r.body);
	with_session(T.opt, &none, false, exp, data, &r);
	expect_fault("GetConfigData of A without certificate", &r,
	    "InvalidCookie");
	buf_free(&r.body);
	with_session(T.req, &a, false, exp, data, &r);
	expect_ok("GetConfigData of A", &r);
	buf_free(&r.body);
	with_session(T.req, &b, true, exp, data, &r);
	expect_fault("rollup of A with B's certificate", &r, "InvalidCookie");
	buf_free(&r.body);
	with_session(T.req, &a, true, exp, data, &r);
	expect_ok("rollup of A", &r);
	buf_free(&r.body);
	/* the dummy cookie finds A by address; only A's certificate is A */
	with_session(T.req, &b, true, "", "", &r);
	expect_fault("dummy-cookie rollup with B's certificate", &r,
	    "InvalidCookie");
	buf_free(&r.body);
	with_session(T.w.port, &none, true, "", "", &r);
	expect_fault("dummy-cookie rollup without certificate", &r,
	    "InvalidCookie");
	buf_free(&r.body);
	with_session(T.req, &a, true, "", "", &r);
	expect_ok("dummy-cookie rollup with A's certificate", &r);
	buf_free(&r.body);
	/* B never completed a session */
	assert_false(registered(GB));
}

/* downstream_auth = credential: the secret, over TLS without a cert */
static void
test_credential(void **state)
{
	char sa[80], sb[80], ac[2048], exp[64], data[2048];
	struct who none = { 0 }, a = { .cert = "a" };
	struct who ra = { .user = GA }, rb = { .user = GB };
	struct who wrong = { .user = GA, .pass = "0000" };
	struct who bad_user = { .user = "a.lab" };
	struct reply r;

	(void)state;
	restart("credential");
	new_secret(GA, sa);
	new_secret(GB, sb);
	ra.pass = sa;
	rb.pass = sb;
	bad_user.pass = sa;

	auth_cookie(T.opt, &none, GA, &r);
	expect_fault("no secret", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.opt, &wrong, GA, &r);
	expect_fault("wrong secret", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.opt, &rb, GA, &r);
	expect_fault("B's credential as A", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.opt, &bad_user, GA, &r);
	expect_fault("A's secret under another user name", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.req, &a, GA, &r);
	expect_fault("a certificate is not a credential", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.opt, &ra, GA, &r);
	expect_ok("A's secret", &r);
	elem(&r, "CookieData", ac, sizeof(ac));
	buf_free(&r.body);
	get_cookie(T.opt, &none, ac, &r);
	expect_fault("GetCookie without secret", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	get_cookie(T.opt, &ra, ac, &r);
	expect_ok("GetCookie with A's secret", &r);
	elem(&r, "Expiration", exp, sizeof(exp));
	elem(&r, "EncryptedData", data, sizeof(data));
	buf_free(&r.body);
	with_session(T.opt, &rb, false, exp, data, &r);
	expect_fault("A's session with B's credential", &r, "InvalidCookie");
	buf_free(&r.body);
	with_session(T.opt, &ra, false, exp, data, &r);
	expect_ok("A's session with A's secret", &r);
	buf_free(&r.body);
	with_session(T.opt, &ra, true, exp, data, &r);
	expect_ok("A's rollup with A's secret", &r);
	buf_free(&r.body);
	with_session(T.opt, &none, true, "", "", &r);
	expect_fault("dummy-cookie rollup without secret", &r,
	    "InvalidCookie");
	buf_free(&r.body);

	/* revoked: the secret no longer works, the session neither */
	ctl_ok(NULL, "downstream", "revoke", GA, "--credential",
	    (char *)NULL);
	auth_cookie(T.opt, &ra, GA, &r);
	expect_fault("revoked secret", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	with_session(T.opt, &ra, false, exp, data, &r);
	expect_fault("session after revoke", &r, "InvalidCookie");
	buf_free(&r.body);
	/* a new credential replaces the old secret */
	new_secret(GB, sa);
	auth_cookie(T.opt, &rb, GB, &r);
	expect_fault("B's replaced secret", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	rb.pass = sa;
	auth_cookie(T.opt, &rb, GB, &r);
	expect_ok("B's new secret", &r);
	buf_free(&r.body);
}

/* anonymous (the default): unbound downstreams need nothing, bound
 * ones must present what they are bound to; any-of takes either */
static void
test_anonymous_and_any_of(void **state)
{
	struct who none = { 0 }, b = { .cert = "b" }, a = { .cert = "a" };
	struct who rb = { .user = GB };
	char sb[80];
	struct reply r;

	(void)state;
	restart("anonymous");
	new_secret(GB, sb);
	rb.pass = sb;
	/* C is bound to nothing: as a real WSUS */
	auth_cookie(T.w.port, &none, GC, &r);
	expect_ok("unbound C, plain", &r);
	buf_free(&r.body);
	/* B is bound (certificate b from test_certificate, a secret) */
	auth_cookie(T.w.port, &none, GB, &r);
	expect_fault("bound B without anything", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.req, &a, GB, &r);
	expect_fault("bound B with A's certificate", &r,
	    "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.req, &b, GB, &r);
	expect_ok("bound B with its certificate", &r);
	buf_free(&r.body);
	auth_cookie(T.opt, &rb, GB, &r);
	expect_ok("bound B with its secret", &r);
	buf_free(&r.body);

	restart("any-of");
	auth_cookie(T.w.port, &none, GC, &r);
	expect_fault("any-of, unbound C", &r, "InvalidAuthorizationCookie");
	buf_free(&r.body);
	auth_cookie(T.req, &b, GB, &r);
	expect_ok("any-of, B's certificate", &r);
	buf_free(&r.body);
	auth_cookie(T.opt, &rb, GB, &r);
	expect_ok("any-of, B's secret", &r);
	buf_free(&r.body);
	assert_int_equal(tl_wsusd_stop(&T.w), 0);
}

/* The exit status of wsusctl on the installation d; output into out. */
static int
dctl(struct tl_wsusd *d, struct buf *out, ...)
{
	va_list ap;
	int rc;

	if (out != NULL)
		buf_reset(out);
	va_start(ap, out);
	rc = tl_vctl(d, out, NULL, ap);
	va_end(ap);
	if (out != NULL)
		buf_putc(out, '\0');
	return rc;
}

/*
 * A wsusd downstream syncs from a listener with tls_client_auth =
 * require under downstream_auth = credential: refused without the
 * certificate, refused with it but without the secret, complete (with
 * rollup) with both from `wsusctl sync configure`.
 */
static void
test_downstream_sync(void **state)
{
	struct tl_wsusd d;
	struct buf out;
	char url[64], docs[512], cert[256], key[256], cred[256];
	char sid[36 + 1], secret[80];
	const char *s;

	(void)state;
	restart("credential");
	snprintf(docs, sizeof(docs), "%s/update-metadata/"
	    "wsusss-getupdatedata-docs", fixtures);
	ctl_ok(NULL, "-q", "import-updates", docs, (char *)NULL);
	assert_int_equal(tl_wsusd_setup(&d, "dsdown", NULL), 0);
	buf_init(&out, 1 << 22);
	/* the downstream's id: postinstall's server_id */
	assert_int_equal(dctl(&d, &out, "checkhealth", (char *)NULL), 0);
	s = strstr(out.data, "setting server_id: ");
	assert_non_null(s);
	snprintf(sid, sizeof(sid), "%.36s", s + 19);
	new_secret(sid, secret);
	snprintf(cred, sizeof(cred), "%s/credential", d.dir);
	assert_int_equal(tl_write_file(cred, secret, strlen(secret)), 0);
	snprintf(cert, sizeof(cert), "%s/a.pem", T.w.dir);
	snprintf(key, sizeof(key), "%s/a-key.pem", T.w.dir);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", T.req);

	/* no certificate: the handshake fails */
	assert_int_equal(dctl(&d, &out, "sync", "--upstream", url,
	    "--insecure", "--name", "down.lab", (char *)NULL), 1);
	assert_false(registered(sid));
	/* configure refuses half a pair and a secret that is none */
	assert_int_equal(dctl(&d, &out, "sync", "configure", "--upstream",
	    url, "--autonomous", "--client-cert", cert, (char *)NULL), 2);
	assert_non_null(strstr(out.data, "give --client-cert and --client-key "
	    "together"));
	{
		char bad[256];

		snprintf(bad, sizeof(bad), "%s/bad-credential", d.dir);
		assert_int_equal(tl_write_file(bad, "abc\n", 4), 0);
		assert_int_equal(dctl(&d, &out, "sync", "configure",
		    "--upstream", url, "--credential-file", bad, (char *)NULL),
		    2);
		assert_non_null(strstr(out.data, "not the 64 hex digits"));
	}
	/* the certificate, no secret: the upstream refuses the downstream */
	assert_int_equal(dctl(&d, &out, "sync", "configure", "--upstream",
	    url, "--autonomous", "--client-cert", cert, "--client-key", key,
	    (char *)NULL), 0);
	assert_int_equal(dctl(&d, &out, "sync", "--upstream", url,
	    "--insecure", "--name", "down.lab", (char *)NULL), 1);
	if (strstr(out.data, "InvalidAuthorizationCookie") == NULL)
		fail_msg("want InvalidAuthorizationCookie: %s", out.data);
	assert_false(registered(sid));
	/* both */
	assert_int_equal(dctl(&d, &out, "sync", "configure",
	    "--credential-file", cred, (char *)NULL), 0);
	assert_int_equal(dctl(&d, &out, "sync", "configure", "--show",
	    (char *)NULL), 0);
	assert_non_null(strstr(out.data, "credential       (set)\n"));
	assert_null(strstr(out.data, secret));
	if (dctl(&d, &out, "sync", "--upstream", url, "--insecure",
	    "--name", "down.lab", "--json", (char *)NULL) != 0)
		fail_msg("sync: %s", out.data);
	assert_non_null(strstr(out.data, "\"failed\": 0,"));
	assert_null(strstr(out.data, "\"created\": 0,"));
	assert_non_null(strstr(out.data, "\"rolled_up\": true"));
	assert_non_null(strstr(out.data, "\"error\": \"\""));
	assert_true(registered(sid));
	/* checkhealth checks the client key like the other secrets */
	assert_int_equal(chmod(key, 0600), 0);
	dctl(&d, &out, "checkhealth", (char *)NULL);
	{
		char want[600];

		snprintf(want, sizeof(want), "OK    secret sync client key "
		    "%s: %s (mode 0600,", key, key);
		if (strstr(out.data, want) == NULL)
			fail_msg("want '%s' in:\n%s", want, out.data);
		assert_int_equal(chmod(key, 0644), 0);
		assert_int_equal(dctl(&d, &out, "checkhealth", (char *)NULL),
		    1);
		snprintf(want, sizeof(want), "FAIL  secret sync client key "
		    "%s: %s is readable or writable by everyone", key, key);
		if (strstr(out.data, want) == NULL)
			fail_msg("want '%s' in:\n%s", want, out.data);
		assert_int_equal(chmod(key, 0600), 0);
	}
	buf_free(&out);
	tl_wsusd_cleanup(&d);
}

/* wsusctl downstream trust/revoke/auth: exact output, refusals */
static void
test_wsusctl(void **state)
{
	struct buf out;
	char path[256];

	(void)state;
	buf_init(&out, 1 << 16);
	snprintf(path, sizeof(path), "%s/a.pem", T.w.dir);
	/* A's certificate is bound to A: not to C as well */
	assert_int_equal(tl_ctl(&T.w, &out, "downstream", "trust", GC,
	    "--certificate", path, (char *)NULL), 1);
	buf_putc(&out, '\0');
	assert_non_null(strstr(out.data, "is bound to downstream server "
	    GA " (revoke it there first)"));
	buf_reset(&out);
	assert_int_equal(tl_ctl(&T.w, &out, "downstream", "trust", GC,
	    "--fingerprint", "12:34", (char *)NULL), 2);
	buf_reset(&out);
	ctl_ok(&out, "downstream", "revoke", GA, (char *)NULL);
	buf_putc(&out, '\0');
	assert_string_equal(out.data, "downstream " GA ": revoked\n");
	buf_reset(&out);
	ctl_ok(&out, "downstream", "revoke", GA, (char *)NULL);
	buf_putc(&out, '\0');
	assert_string_equal(out.data, "downstream " GA ": nothing to "
	    "revoke\n");
	buf_reset(&out);
	ctl_ok(&out, "downstream", "auth", (char *)NULL);
	buf_putc(&out, '\0');
	/* B with its certificate and secret (and the downstream of
	 * test_downstream_sync, whose id is random), A no more */
	{
		const char *l = strstr(out.data, GB " certificate ");

		assert_non_null(l);
		assert_true(l == out.data || l[-1] == '\n');
		assert_int_equal(strcspn(l + 49, " "), 64);
		assert_int_equal(strncmp(l + 49 + 64, " credential yes\n", 16),
		    0);
	}
	assert_null(strstr(out.data, GA));
	assert_null(strstr(out.data, "pbkdf2"));
	buf_free(&out);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_missing_ca),
		cmocka_unit_test(test_certificate),
		cmocka_unit_test(test_credential),
		cmocka_unit_test(test_anonymous_and_any_of),
		cmocka_unit_test(test_downstream_sync),
		cmocka_unit_test(test_wsusctl),
	};

	if (tl_main_args(argc, argv, 3, "WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR")
	    != 0)
		return 2;
	fixtures = argv[3];
	curl_global_init(CURL_GLOBAL_ALL);
	return cmocka_run_group_tests(tests, setup, teardown);
}
