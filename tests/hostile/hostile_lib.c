/*
 * hostile_lib.c — the fixture and plumbing of the hostile-input suite
 * (hostile.h): the installation, the two sessions, the server's cookie
 * key, raw-socket exchanges, SOAP posts with exact answers and the store
 * dump before and after.  No cases here (hostile_http.c, hostile_soap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "soap/soap_value.h"
#include "util/xmalloc.h"
#include "hostile.h"

struct hostile H;

/* ---- store ----------------------------------------------------------------- */

/*
 * The store as SQL text (sqlite3 .dump).  With a busy timeout: the CLI
 * has none, and a reader can meet a lock for a moment while wsusd
 * checkpoints its WAL (seen once under ASan on a loaded machine).
 */
static void
dump(struct buf *out)
{
	char *argv[] = { (char *)"sqlite3", (char *)"-cmd",
	    (char *)".timeout 10000", H.srv.db, (char *)".dump", NULL };

	if (tl_run(argv, out, NULL) != 0)
		fail_msg("sqlite3 %s .dump failed: %.500s", H.srv.db,
		    out->data ? out->data : "");
}

void
hx_snapshot(void)
{
	buf_free(&H.before);
	buf_init(&H.before, 64u << 20);
	dump(&H.before);
}

void
hx_unchanged(const char *what)
{
	struct buf now;

	buf_init(&now, 64u << 20);
	dump(&now);
	if (now.len != H.before.len ||
	    memcmp(now.data, H.before.data, now.len) != 0)
		fail_msg("%s changed the store", what);
	buf_free(&now);
}

/* sqlite3 DB "SELECT value FROM settings WHERE key = 'name'" into out. */
static int
setting(const char *name, char *out, size_t outlen)
{
	char sql[128];
	char *argv[] = { (char *)"sqlite3", H.srv.db, sql, NULL };
	struct buf b;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT value FROM settings WHERE "
	    "key = '%s'", name);
	buf_init(&b, 1 << 16);
	rc = tl_run(argv, &b, NULL);
	if (rc != 0 || b.len == 0 || b.len >= outlen) {
		buf_free(&b);
		return -1;
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
	    b.data[b.len - 1] == '\r'))
		b.len--;
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- SOAP ------------------------------------------------------------------ */

char *
hx_replace(const char *xml, const char *from, const char *to)
{
	struct buf b;
	const char *p = xml, *q;

	buf_init(&b, 1u << 26);
	while ((q = strstr(p, from)) != NULL) {
		buf_append(&b, p, (size_t)(q - p));
		buf_puts(&b, to);
		p = q + strlen(from);
	}
	buf_puts(&b, p);
	return buf_steal(&b, NULL);
}

char *
hx_wusp_req(const char *fixture, const char *exp, const char *data)
{
	char *x = wh_fixture(fixture, NULL);
	char *y = wh_set_cookie(x, exp, data);

	free(x);
	return y;
}

void
hx_expiration(int64_t t, char out[64])
{
	struct soap_datetime dt;
	char s[SOAP_DATETIME_MAX];

	soap_datetime_from_unix(t, 0, &dt);
	assert_int_equal(soap_format_datetime(&dt, s), 0);
	snprintf(out, 64, "%s", s);
}

/* The fault's ErrorCode, else its faultcode text, else "". */
static void
fault_code(const struct wh_reply *r, char *out, size_t outlen)
{
	struct soap_request *q;
	const char *ec;

	out[0] = '\0';
	if (r->body.len == 0 || (q = wh_parse(r->body.data, r->body.len))
	    == NULL)
		return;
	if ((ec = wh_text(q->op, "detail/ErrorCode")) == NULL)
		ec = wh_text(q->op, "faultcode");
	if (ec != NULL)
		snprintf(out, outlen, "%s", ec);
	soap_request_free(q);
}

bool
hx_post_check(const char *what, const char *path, const char *action,
    const char *body, size_t len, long status, const char *code)
{
	struct wh_post p;
	struct wh_reply r;
	char got[256];
	bool ok;

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.action = action;
	p.body = body;
	p.len = len != 0 ? len : strlen(body);
	wh_send(&H.srv, &p, &r);
	if (r.rc != CURLE_OK) {
		fprintf(stderr, "%s: %s\n", what, curl_easy_strerror(r.rc));
		wh_reply_free(&r);
		return false;
	}
	fault_code(&r, got, sizeof(got));
	ok = r.status == status && (code == NULL || strcmp(got, code) == 0) &&
	    !(status == 200 && got[0] != '\0');
	if (!ok || getenv("HOSTILE_SHOW") != NULL)
		fprintf(stderr, "%s %s: HTTP %ld '%s', want %ld '%s': %.300s\n",
		    ok ? "ok" : "FAIL", what, r.status, got, status,
		    code ? code : "", ok ? "" : r.body.data ? r.body.data : "");
	wh_reply_free(&r);
	return ok;
}

void
hx_post(const char *what, const char *path, const char *action,
    const char *body, size_t len, long status, const char *code)
{
	if (!hx_post_check(what, path, action, body, len, status, code))
		fail_msg("%s: wrong answer (above)", what);
}

/* ---- raw exchanges ----------------------------------------------------- */

int
hx_connect(void)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(H.srv.port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

bool
hx_write(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

void
hx_read(int fd, long wait_ms, struct hx_answer *a)
{
	struct timeval tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
	struct buf b;
	char chunk[16384];
	const char *e;

	memset(a, 0, sizeof(*a));
	buf_init(&b, 64u << 20);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r > 0) {
			buf_append(&b, chunk, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		a->closed = r == 0 || errno == ECONNRESET;
		break;
	}
	buf_putc(&b, '\0');
	a->len = b.len - 1;
	a->in = buf_steal(&b, NULL);
	if ((e = strstr(a->in, "\r\n")) != NULL &&
	    (size_t)(e - a->in) < sizeof(a->status))
		memcpy(a->status, a->in, (size_t)(e - a->in));
	for (const char *p = a->in; (p = strstr(p, "HTTP/1.")) != NULL; p++)
		a->answers++;
}

void
hx_answer_free(struct hx_answer *a)
{
	free(a->in);
	a->in = NULL;
}

void
hx_exchange(const void *req, size_t len, struct hx_answer *a)
{
	int fd = hx_connect();

	(void)hx_write(fd, req, len);
	hx_read(fd, 20000, a);
	close(fd);
}

void
hx_raw_cases(const struct hx_raw_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct hx_answer a;
		size_t len = c[i].len != 0 ? c[i].len : strlen(c[i].req);

		hx_exchange(c[i].req, len, &a);
		if (strcmp(a.status, c[i].status) != 0 ||
		    a.answers != c[i].answers || !a.closed)
			fail_msg("%s: '%s' x%u%s, want '%s' x%u closed:\n%.400s",
			    c[i].name, a.status, a.answers,
			    a.closed ? " closed" : " left open", c[i].status,
			    c[i].answers, a.in);
		if (strstr(a.in, "SQLite format") != NULL ||
		    strstr(a.in, "root:") != NULL)
			fail_msg("%s: a file leaked", c[i].name);
		hx_answer_free(&a);
	}
}

/* ---- setup: the installation and the two sessions ------------------------ */

static void
reply_text(const char *path, const char *xml, const char *at, char *out,
    size_t outlen)
{
	struct wh_reply r;

	wh_soap(&H.srv, path, xml, &r);
	if (r.status != 200)
		fail_msg("setup %s: HTTP %ld: %.400s", at, r.status,
		    r.body.data ? r.body.data : "");
	wh_reply_text(&r, at, out, outlen);
	wh_reply_free(&r);
}

static void
wusp_session(void)
{
	char *req, *tmp;
	struct wh_reply r;

	req = wh_fixture(WCAP "scan/01-GetConfig.request.xml", NULL);
	reply_text(WH_CLIENT, req, "GetConfigResult/LastChange", H.wlast,
	    sizeof(H.wlast));
	free(req);
	req = wh_fixture(WCAP "scan/02-GetAuthorizationCookie.request.xml",
	    NULL);
	reply_text(WH_SIMPLEAUTH, req,
	    "GetAuthorizationCookieResult/CookieData", H.wauth,
	    sizeof(H.wauth));
	free(req);
	tmp = wh_fixture(WCAP "scan/03-GetCookie.request.xml", NULL);
	req = wh_set_text(tmp, "<AuthorizationCookie>", "CookieData", H.wauth);
	free(tmp);
	tmp = wh_set_text(req, NULL, "lastChange", H.wlast);
	free(req);
	wh_soap(&H.srv, WH_CLIENT, tmp, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetCookieResult/EncryptedData", H.wses,
	    sizeof(H.wses));
	wh_reply_text(&r, "GetCookieResult/Expiration", H.wexp,
	    sizeof(H.wexp));
	wh_reply_free(&r);
	free(tmp);
	req = hx_wusp_req(WCAP "scan/04-RegisterComputer.request.xml", H.wexp,
	    H.wses);
	wh_soap(&H.srv, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_free(&r);
	free(req);
}

static void
wsusss_session(void)
{
	char *x, *y;
	struct wh_reply r;

	x = wh_fixture(SCAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	reply_text(DSS_PATH, x, "GetAuthorizationCookieResult/CookieData",
	    H.sauth, sizeof(H.sauth));
	free(x);
	x = wh_fixture(SCAP "000003-GetCookie.request.xml", NULL);
	y = wh_set_text(x, NULL, "CookieData", H.sauth);
	free(x);
	wh_soap(&H.srv, SS_PATH, y, &r);
	if (r.status != 200)
		fail_msg("setup GetCookie: %ld %.400s", r.status, r.body.data);
	wh_reply_text(&r, "GetCookieResult/Expiration", H.sexp,
	    sizeof(H.sexp));
	wh_reply_text(&r, "GetCookieResult/EncryptedData", H.sses,
	    sizeof(H.sses));
	wh_reply_free(&r);
	free(y);
}

static int
read_keys(void)
{
	char key[128], id[64];

	if (setting("cookie_key", key, sizeof(key)) != 0 ||
	    strlen(key) != 2 * COOKIE_KEY_LEN ||
	    setting("server_id", id, sizeof(id)) != 0 ||
	    cookie_guid_parse(id, H.inst) != 0) {
		fprintf(stderr, "cannot read cookie_key/server_id\n");
		return -1;
	}
	for (size_t i = 0; i < COOKIE_KEY_LEN; i++)
		H.key[i] = (uint8_t)(hexval(key[2 * i]) << 4 |
		    hexval(key[2 * i + 1]));
	explicit_bzero(key, sizeof(key));
	return 0;
}

/*
 * Deadlines short enough for the slow-client cases: a head must be whole
 * within 2 s, a body within 3 s.  (Appended to the [limits] section that
 * tl_wsusd_conf() writes last.)
 */
#define HX_CONF	"head_timeout = 2\nbody_timeout = 3\n"

int
hx_setup(void **state)
{
	char dir[256], path[384];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	memset(&H, 0, sizeof(H));
	buf_init(&H.before, 1);
	if (wh_setup(&H.srv, HX_CONF) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/AB", H.srv.content);
	snprintf(path, sizeof(path), "%s/%s.cab", dir, HX_SHA1);
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    tl_write_file(path, "hostile\n", 8) != 0 ||
	    tl_wsusd_start(&H.srv) != 0 || read_keys() != 0)
		return -1;
	wusp_session();
	wsusss_session();
	return 0;
}

int
hx_teardown(void **state)
{
	int rc;

	(void)state;
	rc = tl_wsusd_stop(&H.srv);
	if (rc != 0)
		tl_show_file("wsusd log", H.srv.log);
	tl_wsusd_cleanup(&H.srv);
	buf_free(&H.before);
	explicit_bzero(H.key, sizeof(H.key));
	return rc == 0 ? 0 : -1;
}
