/*
 * test_wsusd.c — HTTP tests against a running wsusd.
 *
 *   test_wsusd WSUSD_EXE WSUS_CLIENT_EXE
 *
 * The group setup makes a temporary directory with a content store (files
 * imported with content_import), a self-signed certificate (openssl CLI)
 * and a configuration with four listeners on free loopback ports (plain,
 * TLS, TLS >= 1.3, TLS >= 1.0), starts wsusd on it and waits until all
 * four answer (tests/lib).  The tests talk to it with libcurl; the
 * teardown stops it with SIGTERM and checks the clean exit.  The content
 * tests are in test_wsusd_content.c; what both files share, in
 * http_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "content/content_store.h"
#include "http_test.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

const char *client_exe;

/* Everything the group setup made. */
struct http_fixture T;

/* ---- helpers ----------------------------------------------------------- */

/* snprintf that fails the test on truncation. */
void
fmt(char *out, size_t outlen, const char *f, ...)
    __attribute__((format(printf, 3, 4)));

void
fmt(char *out, size_t outlen, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(out, outlen, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outlen)
		fail_msg("string too long: %s", out);
}

void
write_file(const char *path, const void *data, size_t len)
{
	if (write_file_atomic(path, data, len, 0644) != 0)
		fail_msg("write %s: %s", path, strerror(errno));
}

/* Import data as a content file named after filename; its URL in url. */
void
import(const char *data, size_t len, const char *filename, char *url,
    size_t urllen, char *hex)
{
	uint8_t h1[20], h2[32];
	char src[160], rel[80], err[256];
	uint64_t n;
	bool already;

	snprintf(src, sizeof(src), "%s/import.tmp", T.w.dir);
	write_file(src, data, len);
	if (content_hash_file(src, h1, h2, &n, err, sizeof(err)) != 0 ||
	    content_import(T.w.content, src, h1, h2, n, filename, &already, err,
	    sizeof(err)) != 0)
		fail_msg("import: %s", err);
	unlink(src);
	content_relpath(h1, filename, rel, sizeof(rel));
	if (url != NULL)
		snprintf(url, urllen, "/Content/%s", rel);
	if (hex != NULL)
		hex_encode(h1, 20, hex, 1);
}

size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	buf_append(arg, p, size * n);
	return size * n;
}

void
reply_free(struct reply *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

void
perform(CURL *e, const struct req *q, struct reply *r)
{
	struct curl_slist *hl = NULL;
	char url[1024];

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, BIG_SIZE + 1024);
	buf_init(&r->headers, 1 << 16);
	if (q->scheme_port != NULL)
		snprintf(url, sizeof(url), "%s%s", q->scheme_port, q->target);
	else
		snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", T.w.port,
		    q->target);
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	if (q->sslversion != 0) {
		curl_easy_setopt(e, CURLOPT_SSLVERSION, q->sslversion);
		/* let OpenSSL offer TLS 1.0/1.1 at all */
		curl_easy_setopt(e, CURLOPT_SSL_CIPHER_LIST,
		    q->ciphers != NULL ? q->ciphers : "DEFAULT:@SECLEVEL=0");
	}
	if (q->range != NULL)
		hl = curl_slist_append(hl, q->range);
	for (int i = 0; i < 4 && q->hdr[i] != NULL; i++)
		hl = curl_slist_append(hl, q->hdr[i]);
	hl = curl_slist_append(hl, "Expect:");
	if (q->method != NULL && strcmp(q->method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (q->method != NULL && strcmp(q->method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, q->method);
	if (q->body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)q->blen);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
	r->rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &r->connects);
	curl_slist_free_all(hl);
}

void
get(const struct req *q, struct reply *r)
{
	CURL *e = curl_easy_init();

	assert_non_null(e);
	perform(e, q, r);
	curl_easy_cleanup(e);
}

/* The value of response header name (without CRLF) in a static buffer. */
const char *
header(const struct reply *r, const char *name)
{
	static char val[256];

	return tl_header_value(r->headers.data, name, val, sizeof(val));
}

void
expect_header(const struct reply *r, const char *name, const char *want)
{
	const char *v = header(r, name);

	if (v == NULL)
		fail_msg("no %s header in:\n%s", name, r->headers.data);
	if (strcmp(v, want) != 0)
		fail_msg("%s: '%s', want '%s'", name, v, want);
}

void
expect_range(const char *range, long status, uint64_t first, uint64_t last)
{
	char hdr[128], want[128];
	struct req q = { .target = T.big_url, .range = hdr };
	struct reply r;

	snprintf(hdr, sizeof(hdr), "Range: %s", range);
	get(&q, &r);
	if (r.rc != CURLE_OK || r.status != status)
		fail_msg("%s: rc %d status %ld", range, r.rc, r.status);
	if (status == 206) {
		snprintf(want, sizeof(want), "bytes %llu-%llu/%u",
		    (unsigned long long)first, (unsigned long long)last,
		    (unsigned)BIG_SIZE);
		expect_header(&r, "Content-Range", want);
		snprintf(want, sizeof(want), "%llu",
		    (unsigned long long)(last - first + 1));
		expect_header(&r, "Content-Length", want);
		assert_int_equal(r.body.len, last - first + 1);
		assert_memory_equal(r.body.data, T.big + first, r.body.len);
	} else if (status == 200) {
		assert_null(header(&r, "Content-Range"));
		assert_int_equal(r.body.len, BIG_SIZE);
		assert_memory_equal(r.body.data, T.big, BIG_SIZE);
	}
	expect_header(&r, "Accept-Ranges", "bytes");
	reply_free(&r);
}

/* Run a program, stdout+stderr into out; returns the exit status. */
int
run(char *const argv[], struct buf *out)
{
	return tl_run(argv, out, NULL);
}

size_t
count_lines_with(const char *path, const char *needle)
{
	return tl_count_in_file(path, needle);
}

/* ---- group setup --------------------------------------------------------- */

static void
make_fixture_files(void)
{
	char path[256], hex[41];
	uint32_t x = 0x12345678;

	T.big = xmalloc(BIG_SIZE);
	for (size_t i = 0; i < BIG_SIZE; i++) {
		x = x * 1664525u + 1013904223u;	/* deterministic bytes */
		T.big[i] = (char)(x >> 24);
	}
	import(T.big, BIG_SIZE, "windows10.0-kb0000001-x64.exe", T.big_url,
	    sizeof(T.big_url), hex);
	fmt(T.big_path, sizeof(T.big_path), "%s%s", T.w.content,
	    T.big_url + strlen("/Content"));
	{
		uint8_t h1[20], h2[32];
		uint64_t n;
		char err[128];
		assert_int_equal(content_hash_file(T.big_path, h1, h2, &n, err,
		    sizeof(err)), 0);
		hex_encode(h1, 20, T.big_sha1, 0);
		hex_encode(h2, 32, T.big_sha256, 0);
	}
	import(SMALL_TEXT, strlen(SMALL_TEXT), "small.cab", T.small_url,
	    sizeof(T.small_url), NULL);
	import("mixed case extension", 20, "Tool.Exe", NULL, 0, T.mixed_hex);
	import("", 0, NULL, T.empty_url, sizeof(T.empty_url), NULL);

	/* hostile entries with names that pass the whitelist */
	mkdir_p(T.w.content, 0755);
	snprintf(path, sizeof(path), "%s/11", T.w.content);
	mkdir(path, 0755);
	snprintf(path, sizeof(path),
	    "%s/11/1111111111111111111111111111111111111111.exe", T.w.content);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	snprintf(T.link_url, sizeof(T.link_url),
	    "/Content/11/1111111111111111111111111111111111111111.exe");

	snprintf(path, sizeof(path), "%s/outside", T.w.dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path),
	    "%s/outside/EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE.exe", T.w.dir);
	write_file(path, "secret outside\n", 15);
	snprintf(path, sizeof(path), "%s/EE", T.w.content);
	{
		char target[160];
		snprintf(target, sizeof(target), "%s/outside", T.w.dir);
		assert_int_equal(symlink(target, path), 0);
	}
	snprintf(T.dirlink_url, sizeof(T.dirlink_url),
	    "/Content/EE/EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE.exe");

	snprintf(path, sizeof(path), "%s/CC", T.w.content);
	mkdir(path, 0755);
	snprintf(path, sizeof(path),
	    "%s/CC/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC.exe", T.w.content);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(T.subdir_url, sizeof(T.subdir_url),
	    "/Content/CC/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC.exe");

	snprintf(path, sizeof(path),
	    "%s/CC/DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDCC.exe", T.w.content);
	assert_int_equal(mkfifo(path, 0644), 0);
	snprintf(T.fifo_url, sizeof(T.fifo_url),
	    "/Content/CC/DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDCC.exe");
}

static void
make_cert(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -keyout %s/key.pem -out "
	    "%s/cert.pem -days 2 -subj /CN=localhost >/dev/null 2>&1",
	    T.w.dir, T.w.dir);
	if (system(cmd) != 0)
		fail_msg("openssl req failed: %s", cmd);
	/* an RSA pair too: static RSA suites need an RSA certificate */
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes "
	    "-keyout %s/rsa-key.pem -out %s/rsa-cert.pem -days 2 "
	    "-subj /CN=localhost >/dev/null 2>&1", T.w.dir, T.w.dir);
	if (system(cmd) != 0)
		fail_msg("openssl req failed: %s", cmd);
}

static void
write_conf(const char *path)
{
	char text[4096];
	int n;

	n = snprintf(text, sizeof(text),
	    "# wsusd test configuration\n"
	    "[server]\n"
	    "content_dir = %s\n"
	    "state_dir = %s\n"
	    /* a database that does not exist: content only, never the
	     * machine's default /var/lib/wsusd/wsusd.db */
	    "database = sqlite://%s/absent.db\n"
	    "tls_certificate = %s/cert.pem\n"
	    "tls_key = %s/key.pem\n"
	    "\n"
	    "[listener plain]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "\n"
	    "[listener secure]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "\n"
	    "[listener modern]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "tls_min_version = 1.3\n"
	    "\n"
	    "[listener legacy]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "tls_min_version = 1.0\n"
	    "\n"
	    "[listener rsa]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "tls_certificate = %s/rsa-cert.pem\n"
	    "tls_key = %s/rsa-key.pem\n"
	    "\n"
	    "[listener rsaold]\n"
	    "address = 127.0.0.1\n"
	    "port = %u\n"
	    "tls = yes\n"
	    "tls_ciphers = compatible\n"
	    "tls_certificate = %s/rsa-cert.pem\n"
	    "tls_key = %s/rsa-key.pem\n"
	    "\n"
	    "[limits]\n"
	    "max_body_bytes = %u\n"
	    "connection_timeout = 30\n"
	    "threads = 2\n",
	    T.w.content, T.w.dir, T.w.dir, T.w.dir, T.w.dir, T.w.port, T.tls_port, T.tls13_port,
	    T.tls10_port, T.rsa_port, T.w.dir, T.w.dir, T.rsa_old_port, T.w.dir,
	    T.w.dir, (unsigned)BODY_MAX);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	write_file(path, text, (size_t)n);
}

/* A datagram socket for wsusd's sd_notify messages. */
static int
notify_socket(void)
{
	struct sockaddr_un sun;
	struct timeval tv = { 2, 0 };

	snprintf(T.notify_path, sizeof(T.notify_path), "%s/notify.sock",
	    T.w.dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(T.notify_path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, T.notify_path, strlen(T.notify_path) + 1);
	T.notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (T.notify_fd < 0 ||
	    bind(T.notify_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		return -1;
	setsockopt(T.notify_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* The next sd_notify message (NUL-terminated) or "" after 2 s. */
static const char *
notify_recv(void)
{
	static char msg[512];
	ssize_t n = recv(T.notify_fd, msg, sizeof(msg) - 1, 0);

	msg[n > 0 ? n : 0] = '\0';
	return msg;
}

static int
group_setup(void **state)
{
	(void)state;
	memset(&T, 0, sizeof(T));
	if (tl_wsusd_init(&T.w, "http") != 0)
		return -1;
	mkdir(T.w.content, 0755);
	make_fixture_files();
	make_cert();
	T.tls_port = tl_free_port();
	T.tls13_port = tl_free_port();
	T.tls10_port = tl_free_port();
	T.w.more_ports[0] = T.tls_port;
	T.w.more_ports[1] = T.tls13_port;
	T.w.more_ports[2] = T.tls10_port;
	T.rsa_port = tl_free_port();
	T.rsa_old_port = tl_free_port();
	T.w.more_ports[3] = T.rsa_port;
	T.w.more_ports[4] = T.rsa_old_port;
	write_conf(T.w.conf);
	if (notify_socket() != 0)
		return -1;
	T.w.notify_socket = T.notify_path;
	T.w.debug = true;
	if (tl_wsusd_start(&T.w) != 0)
		return -1;
	/* every listener answers; each one said so in the log, once */
	for (int i = 0; i < 100 &&
	    count_lines_with(T.w.log, "listening on") < 6; i++)
		usleep(20 * 1000);
	if (count_lines_with(T.w.log, "listening on") != 6) {
		fprintf(stderr, "wsusd logged %zu \"listening on\" lines, "
		    "not 6\n", count_lines_with(T.w.log, "listening on"));
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	int rc = 0;

	(void)state;
	if (T.w.pid > 0) {
		if (tl_wsusd_stop(&T.w) != 0 ||
		    count_lines_with(T.w.log, "stopped") != 1) {
			fprintf(stderr, "wsusd did not stop cleanly\n");
			rc = -1;
		}
		if (strcmp(notify_recv(), "STOPPING=1") != 0) {
			fprintf(stderr, "no STOPPING=1 from wsusd\n");
			rc = -1;
		}
	}
	if (T.notify_fd > 0)
		close(T.notify_fd);
	tl_wsusd_cleanup(&T.w);
	free(T.big);
	return rc;
}

/* ---- TLS ----------------------------------------------------------------- */

static void
tls_get(uint16_t port, long sslversion, struct reply *r)
{
	char sp[64];
	struct req q = { .target = T.big_url, .scheme_port = sp,
	    .range = "Range: bytes=1048576-2097151",
	    .sslversion = sslversion };

	snprintf(sp, sizeof(sp), "https://127.0.0.1:%u", port);
	get(&q, r);
}

static void
test_tls(void **state)
{
	struct reply r;

	(void)state;
	tls_get(T.tls_port, 0, &r);
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 206);
	expect_header(&r, "Content-Range", "bytes 1048576-2097151/5242880");
	assert_memory_equal(r.body.data, T.big + 1048576, 1048576);
	reply_free(&r);
	/* the whole file over TLS (no sendfile there) */
	{
		char sp[64];
		struct req q = { .target = T.big_url, .scheme_port = sp };
		snprintf(sp, sizeof(sp), "https://127.0.0.1:%u", T.tls_port);
		get(&q, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.body.len, BIG_SIZE);
		assert_memory_equal(r.body.data, T.big, BIG_SIZE);
		reply_free(&r);
	}
	/* plain HTTP to the TLS port is not served */
	{
		char sp[64];
		struct req q = { .target = T.small_url, .scheme_port = sp };
		snprintf(sp, sizeof(sp), "http://127.0.0.1:%u", T.tls_port);
		get(&q, &r);
		assert_true(r.rc != CURLE_OK || r.status != 200);
		reply_free(&r);
	}
}

static void
test_tls_min_version(void **state)
{
	const long v12 = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2;
	const long v13 = CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3;
	const long v10 = CURL_SSLVERSION_TLSv1_0 | CURL_SSLVERSION_MAX_TLSv1_0;
	const long v11 = CURL_SSLVERSION_TLSv1_1 | CURL_SSLVERSION_MAX_TLSv1_1;
	struct reply r;

	(void)state;
	/* default listener: 1.2 and 1.3 yes, 1.0 and 1.1 no */
	tls_get(T.tls_port, v12, &r);
	assert_int_equal(r.status, 206);
	reply_free(&r);
	tls_get(T.tls_port, v13, &r);
	assert_int_equal(r.status, 206);
	reply_free(&r);
	tls_get(T.tls_port, v11, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	reply_free(&r);
	tls_get(T.tls_port, v10, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	reply_free(&r);
	/* tls_min_version = 1.3 refuses a TLS 1.2 client */
	tls_get(T.tls13_port, v12, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	reply_free(&r);
	tls_get(T.tls13_port, v13, &r);
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 206);
	reply_free(&r);
	/* tls_min_version = 1.0 lets an old peer in (same client as above) */
	tls_get(T.tls10_port, v10, &r);
	if (r.rc != CURLE_OK)
		fail_msg("TLS 1.0 to the legacy listener: %s",
		    curl_easy_strerror(r.rc));
	assert_int_equal(r.status, 206);
	reply_free(&r);
	tls_get(T.tls10_port, v11, &r);
	assert_int_equal(r.status, 206);
	reply_free(&r);
}

/* One TLS 1.2 request offering only suite (OpenSSL name); its curl rc. */
static CURLcode
tls12_suite(uint16_t port, const char *suite)
{
	char sp[64], list[128];
	struct req q = { .target = T.small_url, .scheme_port = sp,
	    .sslversion = CURL_SSLVERSION_TLSv1_2 |
	    CURL_SSLVERSION_MAX_TLSv1_2, .ciphers = list };
	struct reply r;
	CURLcode rc;

	snprintf(sp, sizeof(sp), "https://127.0.0.1:%u", port);
	snprintf(list, sizeof(list), "%s:@SECLEVEL=0", suite);
	get(&q, &r);
	rc = r.rc;
	if (rc == CURLE_OK)
		assert_int_equal(r.status, 200);
	reply_free(&r);
	return rc;
}

/*
 * tls_ciphers (with an RSA certificate, so that static RSA suites could
 * be negotiated at all): by default TLS 1.2 only with ECDHE and AEAD;
 * static RSA key exchange and CBC suites are refused.  tls_ciphers =
 * compatible takes them, for old peers.
 */
static void
test_tls_ciphers(void **state)
{
	static const char *const refused[] = {
		"AES128-SHA",			/* static RSA, CBC, SHA-1 */
		"AES256-GCM-SHA384",		/* static RSA, AEAD */
		"AES128-SHA256",		/* static RSA, CBC */
		"ECDHE-RSA-AES128-SHA",		/* ECDHE, but CBC with SHA-1 */
		"ECDHE-RSA-AES256-SHA384",	/* ECDHE, CBC */
	};
	static const char *const accepted[] = {
		"ECDHE-RSA-AES128-GCM-SHA256",
		"ECDHE-RSA-AES256-GCM-SHA384",
		"ECDHE-RSA-CHACHA20-POLY1305",
	};
	static const char *const compatible[] = {
		"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA",
		"ECDHE-RSA-AES128-GCM-SHA256",
	};
	CURLcode rc;

	(void)state;
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		if ((rc = tls12_suite(T.rsa_port, accepted[i])) != CURLE_OK)
			fail_msg("%s was refused by the default listener: %s",
			    accepted[i], curl_easy_strerror(rc));
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (tls12_suite(T.rsa_port, refused[i]) == CURLE_OK)
			fail_msg("%s was accepted by the default listener",
			    refused[i]);
	}
	/* the listener for old peers takes what GnuTLS's NORMAL has of
	 * them (NORMAL has no CBC suite with a SHA-256/384 MAC) */
	for (size_t i = 0; i < sizeof(compatible) / sizeof(compatible[0]);
	    i++) {
		if ((rc = tls12_suite(T.rsa_old_port, compatible[i])) !=
		    CURLE_OK)
			fail_msg("%s was refused with tls_ciphers = compatible: "
			    "%s", compatible[i], curl_easy_strerror(rc));
	}
	/* ECDSA certificate, default ciphers: ECDHE-ECDSA with AEAD only */
	assert_int_equal(tls12_suite(T.tls_port,
	    "ECDHE-ECDSA-AES128-GCM-SHA256"), CURLE_OK);
	assert_int_not_equal(tls12_suite(T.tls_port,
	    "ECDHE-ECDSA-AES128-SHA"), CURLE_OK);
	/* tls_min_version 1.0 (auto: compatible) takes CBC */
	assert_int_equal(tls12_suite(T.tls10_port, "ECDHE-ECDSA-AES128-SHA"),
	    CURLE_OK);
}

/* ---- programs ------------------------------------------------------------ */

/* systemd Type=notify: READY=1 once the listeners are up. */
static void
test_sd_notify(void **state)
{
	const char *m;

	(void)state;
	m = notify_recv();
	if (strncmp(m, "READY=1\n", 8) != 0 && strcmp(m, "READY=1") != 0)
		fail_msg("sd_notify message '%s'", m);
}

static void
test_sighup(void **state)
{
	const char *m;

	(void)state;
	assert_int_equal(kill(T.w.pid, SIGHUP), 0);
	/* the configuration did not change: a reload, nothing to apply;
	 * systemd hears RELOADING=1, then READY=1 when it is done */
	m = notify_recv();
	if (strncmp(m, "RELOADING=1\nMONOTONIC_USEC=", 27) != 0)
		fail_msg("after SIGHUP: '%s'", m);
	assert_string_equal(notify_recv(), "READY=1\nSTATUS=serving");
	assert_int_equal(count_lines_with(T.w.log, "configuration reloaded "
	    "from"), 1);
	assert_int_equal(count_lines_with(T.w.log, "): no change to apply\n"),
	    1);
	assert_int_equal(count_lines_with(T.w.log, "not implemented"), 0);
	expect_get(T.small_url, 200, SMALL_TEXT);	/* still serving */
}

static void
test_configtest(void **state)
{
	char bad[160], tlsbad[160], text[1024];
	struct buf out;
	int rc;

	(void)state;
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-n", "-c", T.w.conf,
		    NULL };
		buf_init(&out, 1 << 16);
		rc = run(argv, &out);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out.data, "configuration OK"));
		buf_free(&out);
	}
	/* two errors, on lines 3 and 6 */
	snprintf(bad, sizeof(bad), "%s/bad.conf", T.w.dir);
	snprintf(text, sizeof(text), "[server]\ncontent_dir = %s\n"
	    "no_such_key = 1\n[listener x]\naddress = 127.0.0.1\n"
	    "port = 99999\n", T.w.content);
	write_file(bad, text, strlen(text));
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-n", "-c", bad, NULL };
		char want[200];
		buf_init(&out, 1 << 16);
		rc = run(argv, &out);
		assert_int_equal(rc, 1);
		snprintf(want, sizeof(want), "%s:3: ", bad);
		assert_non_null(strstr(out.data, want));
		snprintf(want, sizeof(want), "%s:6: ", bad);
		assert_non_null(strstr(out.data, want));
		assert_null(strstr(out.data, "configuration OK"));
		buf_free(&out);
	}
	/* a TLS listener without its certificate: named, with the fix */
	snprintf(tlsbad, sizeof(tlsbad), "%s/tls.conf", T.w.dir);
	snprintf(text, sizeof(text), "[server]\ncontent_dir = %s\n"
	    "tls_certificate = %s/missing.crt\ntls_key = %s/key.pem\n\n"
	    "[listener s]\naddress = 127.0.0.1\nport = %u\ntls = yes\n",
	    T.w.content, T.w.dir, T.w.dir, tl_free_port());
	write_file(tlsbad, text, strlen(text));
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-n", "-c", tlsbad, NULL };
		char want[200];
		buf_init(&out, 1 << 16);
		rc = run(argv, &out);
		assert_int_equal(rc, 1);
		snprintf(want, sizeof(want), "%s:6: ", tlsbad);
		assert_non_null(strstr(out.data, want));
		assert_non_null(strstr(out.data, "missing.crt"));
		assert_non_null(strstr(out.data, "wsusctl postinstall"));
		buf_free(&out);
	}
	/* and wsusd itself refuses to start on it */
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-c", tlsbad, NULL };
		buf_init(&out, 1 << 16);
		rc = run(argv, &out);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(out.data, "missing.crt"));
		buf_free(&out);
	}
	/* a missing file */
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-n", "-c",
		    "/nonexistent/wsusd.conf", NULL };
		buf_init(&out, 1 << 16);
		rc = run(argv, &out);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(out.data, "/nonexistent/wsusd.conf"));
		buf_free(&out);
	}
	/* usage and version */
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-V", NULL };
		buf_init(&out, 1 << 16);
		assert_int_equal(run(argv, &out), 0);
		assert_non_null(strstr(out.data, "wsusd "));
		buf_free(&out);
	}
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-x", NULL };
		buf_init(&out, 1 << 16);
		assert_int_equal(run(argv, &out), 2);
		assert_non_null(strstr(out.data, "usage"));
		buf_free(&out);
	}
}

static void
test_client_download(void **state)
{
	char url[256], out[160], size[32];
	struct buf o;
	char *got;
	size_t len;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", T.w.port, T.big_url);
	snprintf(out, sizeof(out), "%s/downloaded.exe", T.w.dir);
	snprintf(size, sizeof(size), "%u", (unsigned)BIG_SIZE);
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    "--piece", "1048576", "--sha1", T.big_sha1, "--sha256",
		    T.big_sha256, "--size", size, NULL };
		buf_init(&o, 1 << 16);
		if (run(argv, &o) != 0)
			fail_msg("wsus-client: %s", o.data);
		/* 5 pieces over one kept-alive connection */
		assert_non_null(strstr(o.data, "5 pieces, 1 connection"));
		buf_free(&o);
	}
	assert_int_equal(read_file(out, BIG_SIZE * 2, &got, &len), 0);
	assert_int_equal(len, BIG_SIZE);
	assert_memory_equal(got, T.big, BIG_SIZE);
	free(got);
	unlink(out);
	/* size by HEAD, three connections, odd piece size, over TLS */
	snprintf(url, sizeof(url), "https://127.0.0.1:%u%s", T.tls_port,
	    T.big_url);
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    "--piece", "700000", "--connections", "3", "--insecure",
		    "--sha256", T.big_sha256, NULL };
		buf_init(&o, 1 << 16);
		if (run(argv, &o) != 0)
			fail_msg("wsus-client: %s", o.data);
		buf_free(&o);
	}
	assert_int_equal(read_file(out, BIG_SIZE * 2, &got, &len), 0);
	assert_memory_equal(got, T.big, BIG_SIZE);
	free(got);
	unlink(out);
	/* a wrong digest: exit 1, nothing left behind */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", T.w.port, T.big_url);
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    "--sha1", "0000000000000000000000000000000000000000", NULL };
		struct stat sb;
		char dir[96];
		buf_init(&o, 1 << 16);
		assert_int_equal(run(argv, &o), 1);
		assert_non_null(strstr(o.data, "SHA-1 mismatch"));
		buf_free(&o);
		assert_int_equal(stat(out, &sb), -1);
		snprintf(dir, sizeof(dir), "%s", T.w.dir);
		/* no *.part.* temporary either */
		{
			struct buf ls;
			char *lsargv[] = { "/bin/ls", dir, NULL };
			buf_init(&ls, 1 << 16);
			run(lsargv, &ls);
			assert_null(strstr(ls.data, ".part."));
			buf_free(&ls);
		}
	}
	/* a wrong size: the Content-Range check catches it */
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    "--size", "5242881", NULL };
		buf_init(&o, 1 << 16);
		assert_int_equal(run(argv, &o), 1);
		assert_non_null(strstr(o.data, "Content-Range"));
		buf_free(&o);
	}
	/* a missing file */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/Content/00/%s", T.w.port,
	    "0000000000000000000000000000000000000000.exe");
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    NULL };
		buf_init(&o, 1 << 16);
		assert_int_equal(run(argv, &o), 1);
		assert_non_null(strstr(o.data, "404"));
		buf_free(&o);
	}
	/* the empty file */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", T.w.port,
	    T.empty_url);
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    "--sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", NULL };
		struct stat sb;
		buf_init(&o, 1 << 16);
		if (run(argv, &o) != 0)
			fail_msg("wsus-client: %s", o.data);
		buf_free(&o);
		assert_int_equal(stat(out, &sb), 0);
		assert_int_equal(sb.st_size, 0);
		unlink(out);
	}
	/* usage errors */
	{
		char *argv[] = { (char *)client_exe, "download", url, NULL };
		buf_init(&o, 1 << 16);
		assert_int_equal(run(argv, &o), 2);
		buf_free(&o);
	}
	{
		char *argv[] = { (char *)client_exe, "download", url, "-o", out,
		    "--sha1", "xyz", NULL };
		buf_init(&o, 1 << 16);
		assert_int_equal(run(argv, &o), 2);
		buf_free(&o);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sd_notify),
		cmocka_unit_test(test_full_get),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_unsatisfiable),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_if_range),
		cmocka_unit_test(test_name_matching),
		cmocka_unit_test(test_traversal),
		cmocka_unit_test(test_methods_and_limits),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_tls_min_version),
		cmocka_unit_test(test_tls_ciphers),
		cmocka_unit_test(test_sighup),
		cmocka_unit_test(test_configtest),
		cmocka_unit_test(test_client_download),
	};
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: %s WSUSD_EXE WSUS_CLIENT_EXE\n",
		    argv[0]);
		return 2;
	}
	tl_wsusd_exe = argv[1];
	client_exe = argv[2];
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
