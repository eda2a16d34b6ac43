/*
 * test_http_server.c — the HTTP server in-process: path normalisation,
 * route registration and matching, methods, bounded request bodies,
 * keep-alive, start-up errors.  Test routes stand in for the SOAP
 * services; content serving is tested against wsusd in tests/http.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "config/config.h"
#include "http_fx.h"
#include "http/http_server.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define BODY_MAX 4096

static struct config cfg;
static struct http_server *srv;
static char base[64];

/* ---- helpers ----------------------------------------------------------- */

struct reply {
	long		status;
	CURLcode	rc;
	struct buf	body;
	struct buf	headers;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	buf_append(arg, p, size * n);
	return size * n;
}

static CURL *
easy_new(void)
{
	CURL *e = curl_easy_init();

	assert_non_null(e);
	return e;
}

/* One request on handle e (reused for keep-alive when the caller wants). */
static void
request_on(CURL *e, const char *method, const char *path, const char *body,
    size_t blen, int chunked, struct reply *r)
{
	struct curl_slist *hl = NULL;
	char url[4096];

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 1 << 20);
	buf_init(&r->headers, 1 << 16);
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	hl = curl_slist_append(hl, "Expect:");
	if (body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		if (chunked)
			hl = curl_slist_append(hl,
			    "Transfer-Encoding: chunked");
		else
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)blen);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
	r->rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hl);
}

static void
request(const char *method, const char *path, const char *body, size_t blen,
    int chunked, struct reply *r)
{
	CURL *e = easy_new();

	request_on(e, method, path, body, blen, chunked, r);
	curl_easy_cleanup(e);
}

static void
reply_free(struct reply *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

static void
expect_status(const char *method, const char *path, long status)
{
	struct reply r;

	request(method, path, NULL, 0, 0, &r);
	if (r.rc != CURLE_OK || r.status != status)
		fail_msg("%s %s: rc %d status %ld, want %ld", method, path,
		    r.rc, r.status, status);
	reply_free(&r);
}

/* GET path: a 200 with exactly body. */
static void
expect_body(const char *path, const char *body)
{
	struct reply r;

	request("GET", path, NULL, 0, 0, &r);
	if (r.rc != CURLE_OK || r.status != 200)
		fail_msg("GET %s: rc %d status %ld, want 200", path, r.rc,
		    r.status);
	assert_string_equal(r.body.data, body);
	reply_free(&r);
}

/* ---- test routes ------------------------------------------------------- */

/* POST /echo: the body back. */
static enum MHD_Result
h_echo(struct http_request *req)
{
	return httpfx_send_text(req, req->body, req->body_len);
}

/* GET /Files/...: "files:" + what follows the prefix, + the arg. */
static enum MHD_Result
h_files(struct http_request *req)
{
	char out[HTTP_PATH_MAX + 64];
	int n = snprintf(out, sizeof(out), "%s:%s", (const char *)req->arg,
	    req->rest);

	return httpfx_send_text(req, out, (size_t)n);
}

static int
server_up(void **state)
{
	char err[256];

	(void)state;
	httpfx_loopback(&cfg, 0);
	cfg.max_body_bytes = BODY_MAX;
	cfg.threads = 2;
	snprintf(base, sizeof(base), "http://127.0.0.1:%u",
	    cfg.listeners[0].port);
	http_route_clear();
	assert_int_equal(http_route_add("/echo", HTTP_POST, h_echo, NULL), 0);
	assert_int_equal(http_route_add("/Files/", HTTP_GET, h_files,
	    "files"), 0);
	assert_int_equal(http_route_add("/Files/Deep/", HTTP_GET, h_files,
	    "deep"), 0);
	if (http_server_start(&cfg, &srv, err, sizeof(err)) == -1)
		fail_msg("start: %s", err);
	assert_int_equal(http_server_port(srv, 0), cfg.listeners[0].port);
	assert_int_equal(http_server_port(srv, 1), 0);
	return 0;
}

static int
server_down(void **state)
{
	(void)state;
	httpfx_stop(&srv, &cfg);
	return 0;
}

/* ---- tests ------------------------------------------------------------- */

static void
expect_norm(const char *raw, const char *want)
{
	char out[HTTP_PATH_MAX];
	int n = http_path_normalize(raw, out, sizeof(out));

	if (n < 0)
		fail_msg("'%s' rejected (%d)", raw, n);
	assert_string_equal(out, want);
	assert_int_equal((size_t)n, strlen(want));
}

static void
test_normalize(void **state)
{
	static const char *const bad[] = {
		"", "x", "*", "http://h/x", "/a%2fb", "/a%2Fb", "/a%5cb",
		"/a%00b", "/a\\b", "/a/../b", "/..", "/a/..", "/a/.", "/./a",
		"/%2e%2e/a", "/%2E%2e", "/a/%2e/b", "/.%2e/", "/a%", "/a%2",
		"/a%zz", "/a%2g", "/a\tb", "/a\x7f", "/a\rb", "//../x",
	};
	char out[16];

	(void)state;
	expect_norm("/", "/");
	expect_norm("/Content/AB/x.exe", "/Content/AB/x.exe");
	expect_norm("//Content//AB///x.exe", "/Content/AB/x.exe");
	expect_norm("/a/", "/a/");
	expect_norm("/a%20b", "/a b");
	expect_norm("/%41%62", "/Ab");
	expect_norm("/.a/..b/...", "/.a/..b/...");	/* not dot segments */
	expect_norm("/a.%2e.", "/a...");
	expect_norm("/%252e%252e", "/%2e%2e");		/* decoded once */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char big[HTTP_PATH_MAX];
		if (http_path_normalize(bad[i], big, sizeof(big)) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(http_path_normalize(NULL, out, sizeof(out)), -1);
	/* bounded output */
	assert_int_equal(http_path_normalize("/123456789012345", out,
	    sizeof(out)), -2);
	assert_int_equal(http_path_normalize("/12345678901234", out,
	    sizeof(out)), 15);
	assert_int_equal(http_path_normalize("/1234567890123/", out,
	    sizeof(out)), 15);
	assert_int_equal(http_path_normalize("/12345678901234/", out,
	    sizeof(out)), -2);
}

static void
test_route_table(void **state)
{
	char p[32];

	(void)state;
	http_route_clear();
	assert_int_equal(http_route_add("x", HTTP_GET, h_echo, NULL), -1);
	assert_int_equal(http_route_add("", HTTP_GET, h_echo, NULL), -1);
	assert_int_equal(http_route_add(NULL, HTTP_GET, h_echo, NULL), -1);
	assert_int_equal(http_route_add("/x", HTTP_GET, NULL, NULL), -1);
	for (int i = 0; i < HTTP_ROUTES_MAX; i++) {
		snprintf(p, sizeof(p), "/r%d", i);
		assert_int_equal(http_route_add(p, HTTP_GET, h_echo, NULL), 0);
	}
	assert_int_equal(http_route_add("/one-too-many", HTTP_GET, h_echo,
	    NULL), -1);
	http_route_clear();
	assert_int_equal(http_route_add("/again", HTTP_GET, h_echo, NULL), 0);
	http_route_clear();
}

static void
test_tls_priorities(void **state)
{
	char b[HTTP_TLS_PRIO_MAX];
	const char *modern = ":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-CIPHER-ALL:"
	    "+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD";
	char want[HTTP_TLS_PRIO_MAX];

	(void)state;
	/* auto: compatible below TLS 1.2 (no AEAD suite there) */
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_0,
	    TLS_CIPHERS_AUTO, b, sizeof(b)), "NORMAL:-VERS-ALL:+VERS-TLS1.3:"
	    "+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0");
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_1,
	    TLS_CIPHERS_AUTO, b, sizeof(b)), "NORMAL:-VERS-ALL:+VERS-TLS1.3:"
	    "+VERS-TLS1.2:+VERS-TLS1.1");
	/* auto: ECDHE with AEAD from TLS 1.2 */
	snprintf(want, sizeof(want), "NORMAL:-VERS-ALL:+VERS-TLS1.3:"
	    "+VERS-TLS1.2%s", modern);
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_2,
	    TLS_CIPHERS_AUTO, b, sizeof(b)), want);
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_2,
	    TLS_CIPHERS_MODERN, b, sizeof(b)), want);
	snprintf(want, sizeof(want), "NORMAL:-VERS-ALL:+VERS-TLS1.3%s", modern);
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_3,
	    TLS_CIPHERS_AUTO, b, sizeof(b)), want);
	/* explicit choices win */
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_2,
	    TLS_CIPHERS_COMPATIBLE, b, sizeof(b)), "NORMAL:-VERS-ALL:"
	    "+VERS-TLS1.3:+VERS-TLS1.2");
	snprintf(want, sizeof(want), "NORMAL:-VERS-ALL:+VERS-TLS1.3:"
	    "+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0%s", modern);
	assert_string_equal(http_tls_priorities(TLS_VERSION_1_0,
	    TLS_CIPHERS_MODERN, b, sizeof(b)), want);
}

static void
test_routing(void **state)
{
	(void)state;
	expect_body("/Files/abc", "files:abc");
	/* case-insensitive prefix; the rest keeps its case */
	expect_body("/fILES/AbC", "files:AbC");
	expect_body("//Files///a//b?x=%2f..", "files:a/b");
	expect_body("/Files/%61", "files:a");
	/* longest prefix wins */
	expect_body("/files/deep/x", "deep:x");

	expect_status("GET", "/Files/", 200);
	expect_status("GET", "/Files", 404);
	expect_status("GET", "/nothing", 404);
	expect_status("GET", "/", 404);
	expect_status("GET", "/echo/", 404);	/* exact route */
	expect_status("GET", "/Files/%2f", 400);
	expect_status("GET", "/Files/a%5cb", 400);
	expect_status("GET", "/Files/a\\b", 400);
	expect_status("GET", "/Files/../x", 400);
	expect_status("GET", "/Files/%2e%2e/x", 400);
	expect_status("GET", "/Files/%zz", 400);
	expect_status("GET", "/Files/a%00", 400);
}

static void
test_methods(void **state)
{
	struct reply r;

	(void)state;
	request("GET", "/echo", NULL, 0, 0, &r);
	assert_int_equal(r.status, 405);
	assert_non_null(strstr(r.headers.data, "Allow: POST\r\n"));
	reply_free(&r);
	request("PUT", "/Files/x", "x", 1, 0, &r);
	assert_int_equal(r.status, 405);
	assert_non_null(strstr(r.headers.data, "Allow: GET, HEAD\r\n"));
	reply_free(&r);
	request("DELETE", "/Files/x", NULL, 0, 0, &r);
	assert_int_equal(r.status, 405);
	reply_free(&r);
	request("HEAD", "/Files/x", NULL, 0, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_non_null(strstr(r.headers.data, "Content-Length: 7\r\n"));
	reply_free(&r);
}

static void
test_bodies(void **state)
{
	char *big = xmalloc(BODY_MAX * 4 + 1);
	struct reply r;

	(void)state;
	for (size_t i = 0; i < BODY_MAX * 4; i++)
		big[i] = (char)('a' + i % 26);
	big[BODY_MAX * 4] = '\0';

	request("POST", "/echo", "hello", 5, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "hello");
	reply_free(&r);
	request("POST", "/ECHO", "", 0, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	reply_free(&r);
	/* exactly the limit */
	request("POST", "/echo", big, BODY_MAX, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, BODY_MAX);
	assert_memory_equal(r.body.data, big, BODY_MAX);
	reply_free(&r);
	/* one byte over, declared: 413 without reading it */
	request("POST", "/echo", big, BODY_MAX + 1, 0, &r);
	assert_int_equal(r.status, 413);
	reply_free(&r);
	/* chunked within the limit */
	big[3000] = '\0';
	request("POST", "/echo", big, 3000, 1, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 3000);
	reply_free(&r);
	big[3000] = 'x';
	/* chunked over the limit: the connection is dropped, never a 200 */
	request("POST", "/echo", big, BODY_MAX * 4, 1, &r);
	assert_true(r.status != 200);
	assert_true(r.rc != CURLE_OK || r.status == 413);
	reply_free(&r);
	/* a malformed Content-Length */
	{
		CURL *e = easy_new();
		struct curl_slist *hl = curl_slist_append(NULL,
		    "Content-Length: 12x");
		char url[128];
		long status = 0;
		snprintf(url, sizeof(url), "%s/echo", base);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "POST");
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
		buf_init(&r.body, 4096);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &r.body);
		curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
		curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		assert_int_equal(status, 400);
		buf_free(&r.body);
		curl_slist_free_all(hl);
		curl_easy_cleanup(e);
	}
	free(big);
}

static void
test_keepalive(void **state)
{
	CURL *e = easy_new();
	struct reply r;
	long nc = -1;

	(void)state;
	for (int i = 0; i < 5; i++) {
		request_on(e, i % 2 ? "POST" : "GET", i % 2 ? "/echo" :
		    "/Files/k", i % 2 ? "data" : NULL, 4, 0, &r);
		assert_int_equal(r.status, 200);
		curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &nc);
		/* only the first request opens a connection */
		assert_int_equal(nc, i == 0 ? 1 : 0);
		reply_free(&r);
	}
	/* errors (404, 405) keep the connection too */
	request_on(e, "GET", "/nothing", NULL, 0, 0, &r);
	assert_int_equal(r.status, 404);
	reply_free(&r);
	request_on(e, "GET", "/Files/again", NULL, 0, 0, &r);
	curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &nc);
	assert_int_equal(nc, 0);
	reply_free(&r);
	curl_easy_cleanup(e);
}

static void
test_long_path(void **state)
{
	char *p = xmalloc(HTTP_PATH_MAX + 16);
	struct reply r;

	(void)state;
	memcpy(p, "/Files/", 7);
	memset(p + 7, 'a', HTTP_PATH_MAX + 8 - 7);
	p[HTTP_PATH_MAX + 8] = '\0';
	request("GET", p, NULL, 0, 0, &r);
	assert_int_equal(r.status, 414);
	reply_free(&r);
	p[HTTP_PATH_MAX - 1] = '\0';	/* 2047 bytes: fits */
	request("GET", p, NULL, 0, 0, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	free(p);
}

/* An IPv6 listener ("[::1]" form), when the host has IPv6 loopback. */
static void
test_ipv6(void **state)
{
	struct sockaddr_in6 s6;
	struct config c2;
	struct http_server *s2 = NULL;
	socklen_t len = sizeof(s6);
	char err[256], url[96];
	struct reply r;
	CURL *e;
	int fd;

	(void)state;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_addr = in6addr_loopback;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&s6, sizeof(s6)) != 0) {
		if (fd >= 0)
			close(fd);
		skip();
	}
	getsockname(fd, (struct sockaddr *)&s6, &len);
	close(fd);

	config_defaults(&c2);
	free(c2.listeners[0].address);
	c2.listeners[0].address = xstrdup("[::1]");
	c2.listeners[0].port = ntohs(s6.sin6_port);
	c2.threads = 1;
	http_route_clear();
	assert_int_equal(http_route_add("/Files/", HTTP_GET, h_files, "v6"),
	    0);
	if (http_server_start(&c2, &s2, err, sizeof(err)) == -1)
		fail_msg("start: %s", err);
	snprintf(url, sizeof(url), "http://[::1]:%u/Files/x",
	    c2.listeners[0].port);
	e = easy_new();
	memset(&r, 0, sizeof(r));
	buf_init(&r.body, 4096);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r.body);
	assert_int_equal(curl_easy_perform(e), CURLE_OK);
	assert_string_equal(r.body.data, "v6:x");
	buf_free(&r.body);
	curl_easy_cleanup(e);
	http_server_stop(s2);
	http_route_clear();
	config_free(&c2);
}

/* Request headers: up to ~7.5 KiB fit the connection pool, more is 431. */
static void
test_big_headers(void **state)
{
	static const struct { size_t len; long status; } cases[] = {
		{ 1000, 200 }, { 6000, 200 }, { 9000, 431 }, { 40000, 431 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CURL *e = easy_new();
		struct curl_slist *hl;
		char *h = xmalloc(cases[i].len + 16), url[128];
		long status = 0;
		struct buf b;

		memcpy(h, "X-Big: ", 7);
		memset(h + 7, 'a', cases[i].len);
		h[7 + cases[i].len] = '\0';
		hl = curl_slist_append(NULL, h);
		snprintf(url, sizeof(url), "%s/Files/h", base);
		buf_init(&b, 4096);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
		curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		if (status != cases[i].status)
			fail_msg("%zu-byte header: status %ld", cases[i].len,
			    status);
		buf_free(&b);
		curl_slist_free_all(hl);
		curl_easy_cleanup(e);
		free(h);
	}
}

static void
test_start_errors(void **state)
{
	struct config c2;
	struct http_server *s2 = NULL;
	char err[512];

	(void)state;
	/* the port is taken by the running server */
	httpfx_loopback(&c2, cfg.listeners[0].port);
	assert_int_equal(http_server_start(&c2, &s2, err, sizeof(err)), -1);
	assert_null(s2);
	assert_non_null(strstr(err, "listener default"));
	assert_non_null(strstr(err, "127.0.0.1"));

	/* not a numeric address */
	free(c2.listeners[0].address);
	c2.listeners[0].address = xstrdup("localhost");
	assert_int_equal(http_server_start(&c2, &s2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "numeric"));

	/* TLS without its certificate names the file and the fix */
	free(c2.listeners[0].address);
	c2.listeners[0].address = xstrdup("[::1]");
	c2.listeners[0].port = tl_free_port();
	c2.listeners[0].tls = true;
	free(c2.tls_certificate);
	c2.tls_certificate = xstrdup("/nonexistent/wsusd.crt");
	assert_int_equal(http_server_start(&c2, &s2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/wsusd.crt"));
	assert_non_null(strstr(err, "wsusctl postinstall"));
	config_free(&c2);
}

/* Connect to 127.0.0.1:port and send one GET; the socket. */
static int
raw_get(uint16_t port)
{
	static const char req[] = "GET /Files/x HTTP/1.1\r\nHost: t\r\n\r\n";
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(write(fd, req, sizeof(req) - 1), sizeof(req) - 1);
	return fd;
}

/* Read what the server sends until it stops for 300 ms or closes. */
static size_t
raw_read(int fd, char *out, size_t outlen)
{
	struct timeval tv = { 0, 300 * 1000 };
	size_t n = 0;
	ssize_t r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n + 1 < outlen && (r = read(fd, out + n, outlen - n - 1)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	return n;
}

/* max_connections counts the connections of all listeners together. */
static void
test_connection_limit(void **state)
{
	struct config c2;
	struct http_server *s2 = NULL;
	char err[256], buf[1024];
	int a, b, c;

	(void)state;
	httpfx_loopback(&c2, 0);
	c2.listeners[1] = c2.listeners[0];
	c2.listeners[1].address = xstrdup("127.0.0.1");
	c2.listeners[1].tls_certificate = c2.listeners[1].tls_key = NULL;
	snprintf(c2.listeners[1].name, sizeof(c2.listeners[1].name), "second");
	do c2.listeners[1].port = tl_free_port();
	while (c2.listeners[1].port == c2.listeners[0].port);
	c2.nlisteners = 2;
	c2.max_connections = 2;
	c2.threads = 1;
	http_route_clear();
	assert_int_equal(http_route_add("/Files/", HTTP_GET, h_files, "f"), 0);
	if (http_server_start(&c2, &s2, err, sizeof(err)) == -1)
		fail_msg("start: %s", err);

	a = raw_get(c2.listeners[0].port);
	assert_true(raw_read(a, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "200 OK"));
	b = raw_get(c2.listeners[1].port);
	assert_true(raw_read(b, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "f:x"));
	/* a and b stay open (keep-alive): a third one is refused */
	c = raw_get(c2.listeners[0].port);
	assert_int_equal(raw_read(c, buf, sizeof(buf)), 0);
	close(c);
	/* once one closes, there is room again */
	close(a);
	usleep(200 * 1000);
	c = raw_get(c2.listeners[1].port);
	assert_true(raw_read(c, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "200 OK"));
	close(c);
	close(b);
	http_server_stop(s2);
	http_route_clear();
	config_free(&c2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_route_table),
		cmocka_unit_test(test_tls_priorities),
		cmocka_unit_test_setup_teardown(test_routing, server_up,
		    server_down),
		cmocka_unit_test_setup_teardown(test_methods, server_up,
		    server_down),
		cmocka_unit_test_setup_teardown(test_bodies, server_up,
		    server_down),
		cmocka_unit_test_setup_teardown(test_keepalive, server_up,
		    server_down),
		cmocka_unit_test_setup_teardown(test_long_path, server_up,
		    server_down),
		cmocka_unit_test_setup_teardown(test_start_errors, server_up,
		    server_down),
		cmocka_unit_test(test_connection_limit),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test_setup_teardown(test_big_headers, server_up,
		    server_down),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
