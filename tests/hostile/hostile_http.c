/*
 * hostile_http.c — the HTTP cases of the hostile-input suite (hostile.h):
 * request smuggling, header floods, pipelining behind a refused request,
 * traversal on /Content/, refused bodies (issue 9 findings 5, 6, 7) and
 * slow clients (finding 4), over raw sockets against the real wsusd.
 * Every case asserts the exact status line, the number of answers, the
 * closed connection and that the store dump did not change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/xmalloc.h"
#include "hostile.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define E400	"HTTP/1.1 400 Bad Request"
#define E404	"HTTP/1.1 404 Not Found"
#define OK200	"HTTP/1.1 200 OK"
#define GETC	"GET " HX_CONTENT " HTTP/1.1\r\nHost: t\r\n"
/* A second request behind the first: it must never be answered. */
#define SMUGGLED "GET " HX_CONTENT " HTTP/1.1\r\nHost: t\r\n\r\n"
#define POSTC	"POST " WH_CLIENT " HTTP/1.1\r\nHost: t\r\n" \
		"Content-Type: text/xml; charset=utf-8\r\n"

/* ---- smuggling (finding 6) ------------------------------------------------ */

static const struct hx_raw_case smuggling[] = {
	{ "CL.TE", POSTC "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "TE.CL", POSTC "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n"
	    "\r\n0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "CL.CL different", POSTC "Content-Length: 4\r\nContent-Length: 47"
	    "\r\n\r\nabcd" SMUGGLED, 0, E400, 1 },
	{ "CL.CL equal", POSTC "Content-Length: 4\r\nContent-Length: 4\r\n\r\n"
	    "abcd" SMUGGLED, 0, E400, 1 },
	{ "TE.TE", POSTC "Transfer-Encoding: chunked\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "TE xchunked", POSTC "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
	    SMUGGLED, 0, E400, 1 },
	{ "TE chunked, identity", POSTC "Transfer-Encoding: chunked, "
	    "identity\r\n\r\n0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "TE space before colon", POSTC "Transfer-Encoding : chunked\r\n\r\n"
	    "0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "TE obs-fold", POSTC "Transfer-Encoding:\r\n chunked\r\n\r\n"
	    "0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "obs-fold", GETC "X-A: 1\r\n\t2\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "bare LF", "GET " HX_CONTENT " HTTP/1.1\nHost: t\n\n" SMUGGLED, 0,
	    E400, 1 },
	{ "bare LF after the request line", "GET " HX_CONTENT " HTTP/1.1\n"
	    "Host: t\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "bare LF ending the head", GETC "X-A: 1\n\n" SMUGGLED, 0, E400, 1 },
	{ "bare CR", GETC "X-A: 1\rX-B: 2\r\n\r\n" SMUGGLED, 0, E400, 1 },
	/*
	 * A Content-Length MHD cannot parse is refused by MHD itself: 400
	 * and closed, the head of that answer sent twice (MHD 0.9.75's error
	 * path, docs/HTTP.md); the smuggled request is not answered.
	 */
	{ "CL +4", POSTC "Content-Length: +4\r\n\r\nabcd" SMUGGLED, 0, E400,
	    2 },
	{ "CL -1", POSTC "Content-Length: -1\r\n\r\n" SMUGGLED, 0, E400, 2 },
	{ "CL 0x4", POSTC "Content-Length: 0x4\r\n\r\nabcd" SMUGGLED, 0, E400,
	    2 },
	/* ... one that overflows 64 bits: MHD's 413, also twice */
	{ "CL overflow", POSTC "Content-Length: 184467440737095516160\r\n\r\n"
	    SMUGGLED, 0, "HTTP/1.1 413 Content Too Large", 2 },
	/* a chunk size past 64 bits is past every body limit */
	{ "chunk-size overflow", POSTC "Transfer-Encoding: chunked\r\n\r\n"
	    "10000000000000004\r\nabcd\r\n0\r\n\r\n" SMUGGLED, 0,
	    "HTTP/1.1 413 Content Too Large", 1 },
	{ "chunk-size not hex", POSTC "Transfer-Encoding: chunked\r\n\r\n"
	    "-4\r\nabcd\r\n0\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "no Host", "GET " HX_CONTENT " HTTP/1.1\r\n\r\n" SMUGGLED, 0, E400,
	    1 },
	{ "two Host", GETC "Host: u\r\n\r\n" SMUGGLED, 0, E400, 1 },
	{ "NUL in a value", GETC "X-A: a\0b\r\n\r\n" SMUGGLED,
	    sizeof(GETC "X-A: a\0b\r\n\r\n" SMUGGLED) - 1, E400, 1 },
};

void
t_smuggling(void **state)
{
	(void)state;
	hx_snapshot();
	hx_raw_cases(smuggling, N(smuggling));
	hx_unchanged("smuggling");
}

/* ---- header floods --------------------------------------------------------- */

/* GETC + `count` lines of `line` + Connection: close (malloc'd). */
static char *
flood(const char *line, size_t count, size_t *len)
{
	struct buf b;

	buf_init(&b, 1u << 24);
	buf_puts(&b, GETC);
	for (size_t i = 0; i < count; i++)
		buf_puts(&b, line);
	buf_puts(&b, "Connection: close\r\n\r\n");
	assert_false(b.failed);
	return buf_steal(&b, len);
}

void
t_header_floods(void **state)
{
	struct hx_raw_case c[3];
	char *many, *big, *few, *line;
	size_t lmany, lbig, lfew;

	(void)state;
	line = xmalloc(32 * 1024 + 16);
	memcpy(line, "X-Big: ", 7);
	memset(line + 7, 'a', 32 * 1024);
	memcpy(line + 7 + 32 * 1024, "\r\n", 3);
	many = flood("X-Ab: 1\r\n", 3000, &lmany);	/* 27 KB of fields */
	big = flood(line, 1, &lbig);			/* one 32 KiB field */
	few = flood("X-Ab: 1\r\n", 100, &lfew);		/* under the ~107
							   that fit: served */
	c[0] = (struct hx_raw_case){ "3000 fields", many, lmany,
	    "HTTP/1.1 431 Request Header Fields Too Large", 1 };
	c[1] = (struct hx_raw_case){ "32 KiB field", big, lbig,
	    "HTTP/1.1 431 Request Header Fields Too Large", 1 };
	c[2] = (struct hx_raw_case){ "100 fields", few, lfew, OK200, 1 };
	hx_snapshot();
	hx_raw_cases(c, N(c));
	hx_unchanged("header floods");
	free(many);
	free(big);
	free(few);
	free(line);
}

/* ---- pipelining: nothing after a refused request runs ------------------------ */

/*
 * A ReportEventBatch of the client session: stored when it runs, so the
 * store dump shows whether it ran.
 */
static char *
report_request(size_t *len)
{
	char *body = hx_wusp_req(WCAP "flow/16-ReportEventBatch.request.xml",
	    H.wexp, H.wses);
	struct buf b;

	buf_init(&b, 1u << 20);
	buf_printf(&b, "POST " WH_REPORTING " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \""
	    WH_NS_REPORT "/ReportEventBatch\"\r\nConnection: close\r\n"
	    "Content-Length: %zu\r\n\r\n"
	    "%s", strlen(body), body);
	free(body);
	return buf_steal(&b, len);
}

void
t_pipelining(void **state)
{
	static const struct {
		const char *name, *first, *status;
	} refused[] = {
		{ "CL.TE", POSTC "Content-Length: 5\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n0\r\n\r\n", E400 },
		{ "bad field name", GETC "X(A): 1\r\n\r\n", E400 },
		{ "no Host", "GET " HX_CONTENT " HTTP/1.1\r\n\r\n", E400 },
		{ "obs-fold", GETC "X-A: 1\r\n 2\r\n\r\n", E400 },
		{ "bare LF", "GET " HX_CONTENT " HTTP/1.1\nHost: t\n\n", E400 },
		{ "header flood", GETC "X-Big: FLOOD\r\n\r\n",
		    "HTTP/1.1 431 Request Header Fields Too Large" },
		{ "SOAP body over 4 MiB", POSTC "SOAPAction: \"\"\r\n"
		    "Content-Length: 5000000\r\n\r\n",
		    "HTTP/1.1 413 Content Too Large" },
		{ "body where no route takes it", "POST " HX_CONTENT
		    " HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd",
		    "HTTP/1.1 405 Method Not Allowed" },
	};
	size_t rlen;
	char *report = report_request(&rlen), big[10001];
	struct hx_answer a;
	struct buf b;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hx_snapshot();
	for (size_t i = 0; i < N(refused); i++) {
		char *first = hx_replace(refused[i].first, "FLOOD", big);

		buf_init(&b, 1u << 20);
		buf_puts(&b, first);
		free(first);
		buf_append(&b, report, rlen);
		hx_exchange(b.data, b.len, &a);
		if (strcmp(a.status, refused[i].status) != 0 ||
		    a.answers != 1 || !a.closed)
			fail_msg("pipelined after %s: '%s' x%u%s:\n%.300s",
			    refused[i].name, a.status, a.answers,
			    a.closed ? "" : " open", a.in);
		hx_answer_free(&a);
		buf_free(&b);
		hx_unchanged(refused[i].name);
	}
	/*
	 * The control: behind a served request the same report runs (its
	 * Connection: close ends the exchange; the client does not
	 * half-close, which could cut a request wsusd has not read yet,
	 * docs/HTTP.md "Limits").
	 */
	buf_init(&b, 1u << 20);
	buf_puts(&b, GETC "\r\n");
	buf_append(&b, report, rlen);
	hx_exchange(b.data, b.len, &a);
	if (a.answers != 2 || strcmp(a.status, OK200) != 0 ||
	    strstr(a.in, "ReportEventBatchResult>true<") == NULL)
		fail_msg("control: '%s' x%u:\n%.2000s", a.status, a.answers,
		    a.in);
	hx_answer_free(&a);
	buf_free(&b);
	{
		struct buf was = H.before;

		/* the store changed: the report ran */
		buf_init(&H.before, 1);
		hx_snapshot();
		assert_false(was.len == H.before.len &&
		    memcmp(was.data, H.before.data, was.len) == 0);
		buf_free(&was);
	}
	free(report);
}

/* ---- traversal on /Content/ ------------------------------------------------- */

#define CLOSE	" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
#define LINK_SHA1 "0123456789ABCDEF0123456789ABCDEF01234CAB"

static const struct hx_raw_case traversal[] = {
	{ "the file itself", "GET " HX_CONTENT CLOSE, 0, OK200, 1 },
	{ "lower case", "GET /content/ab/0123456789abcdef0123456789abcdef012345"
	    "ab.cab" CLOSE, 0, OK200, 1 },
	{ "dot-dot", "GET /Content/../wsusd.db" CLOSE, 0, E400, 1 },
	{ "dot-dot below XX", "GET /Content/AB/../../wsusd.db" CLOSE, 0, E400,
	    1 },
	{ "encoded dot-dot", "GET /Content/%2e%2e/wsusd.db" CLOSE, 0, E400, 1 },
	{ "encoded slash", "GET /Content/..%2fwsusd.db" CLOSE, 0, E400, 1 },
	{ "encoded upper", "GET /Content/%2E%2E%2Fwsusd.db" CLOSE, 0, E400, 1 },
	{ "double-encoded", "GET /Content/%252e%252e%252fwsusd.db" CLOSE, 0,
	    E404, 1 },
	{ "double-encoded below XX", "GET /Content/AB/%252e%252e%252f%252e"
	    "%252e%252fwsusd.db" CLOSE, 0, E404, 1 },
	{ "backslash", "GET /Content/AB\\..\\..\\wsusd.db" CLOSE, 0, E400, 1 },
	{ "encoded backslash", "GET /Content/AB%5c..%5c..%5cwsusd.db" CLOSE, 0,
	    E400, 1 },
	{ "encoded NUL", "GET " HX_CONTENT "%00.txt" CLOSE, 0, E400, 1 },
	/* a raw NUL ends the path for MHD as a '?' would: the file of the
	 * path before it is served (docs/HTTP.md "Request paths") */
	{ "raw NUL", "GET " HX_CONTENT "\0/../../wsusd.db" CLOSE,
	    sizeof("GET " HX_CONTENT "\0/../../wsusd.db" CLOSE) - 1, OK200, 1 },
	{ "raw NUL before a traversal", "GET /Content/AB/\0../../wsusd.db"
	    CLOSE, sizeof("GET /Content/AB/\0../../wsusd.db" CLOSE) - 1, E404,
	    1 },
	{ "overlong UTF-8 dots", "GET /Content/%c0%ae%c0%ae/wsusd.db" CLOSE, 0,
	    E404, 1 },
	{ "slashes", "GET /Content//etc/passwd" CLOSE, 0, E404, 1 },
	{ "absolute in name", "GET /Content/AB//etc/passwd" CLOSE, 0, E404, 1 },
	{ "trailing dot", "GET " HX_CONTENT "/." CLOSE, 0, E400, 1 },
	{ "symbolic link to the store", "GET /Content/AB/" LINK_SHA1 ".cab"
	    CLOSE, 0, E404, 1 },
	{ "hidden temporary", "GET /Content/AB/.tmp" CLOSE, 0, E404, 1 },
	{ "absolute-form target", "GET http://evil" HX_CONTENT CLOSE, 0, E400,
	    1 },
};

void
t_traversal(void **state)
{
	char link[512];

	(void)state;
	snprintf(link, sizeof(link), "%s/AB/" LINK_SHA1 ".cab",
	    H.srv.content);
	assert_int_equal(symlink(H.srv.db, link), 0);
	hx_snapshot();
	hx_raw_cases(traversal, N(traversal));
	hx_unchanged("traversal");
	unlink(link);
}

/* ---- refused bodies (findings 5 and 7, 11) --------------------------------- */

struct writer {
	int	 fd;
	const char *data;
	size_t	 len;
};

static void *
write_all(void *arg)
{
	struct writer *w = arg;

	(void)hx_write(w->fd, w->data, w->len);
	return NULL;
}

void
t_bodies(void **state)
{
	static const struct hx_raw_case heads[] = {
		{ "SOAP Content-Length over 4 MiB", POSTC "SOAPAction: \"\"\r\n"
		    "Content-Length: 4194305\r\n\r\n", 0,
		    "HTTP/1.1 413 Content Too Large", 1 },
		{ "Content-Length over max_body_bytes", "POST /"
		    " HTTP/1.1\r\nHost: t\r\nContent-Length: 17000000\r\n\r\n",
		    0, "HTTP/1.1 413 Content Too Large", 1 },
		{ "reporting 1 GiB", "POST " WH_REPORTING " HTTP/1.1\r\n"
		    "Host: t\r\nContent-Length: 1073741824\r\n\r\n", 0,
		    "HTTP/1.1 413 Content Too Large", 1 },
	};
	struct writer w;
	struct hx_answer a;
	pthread_t th;
	struct buf b;
	size_t n = 5u << 20;

	(void)state;
	hx_snapshot();
	hx_raw_cases(heads, N(heads));
	/* finding 7: a 5 MiB body sent without Expect: the client reads 413 */
	buf_init(&b, 8u << 20);
	buf_printf(&b, POSTC "SOAPAction: \"\"\r\nContent-Length: %zu\r\n\r\n",
	    n);
	for (size_t i = 0; i < n; i++)
		buf_putc(&b, ' ');
	assert_false(b.failed);
	w.fd = hx_connect();
	w.data = b.data;
	w.len = b.len;
	assert_int_equal(pthread_create(&th, NULL, write_all, &w), 0);
	hx_read(w.fd, 20000, &a);
	pthread_join(th, NULL);
	close(w.fd);
	if (strcmp(a.status, "HTTP/1.1 413 Content Too Large") != 0 ||
	    a.answers != 1 || !a.closed)
		fail_msg("5 MiB body: '%s' x%u", a.status, a.answers);
	hx_answer_free(&a);
	buf_free(&b);
	hx_unchanged("refused bodies");
}

/* ---- slow clients (finding 4) -------------------------------------------- */

#define SLOW	30

/* Send more every 100 ms; true when the server closed within 200 rounds. */
static bool
closed_while_trickling(const char *first, const char *more, size_t *sent)
{
	int fd = hx_connect();
	bool closed = false;
	char c;

	assert_true(hx_write(fd, first, strlen(first)));
	*sent = 0;
	for (int i = 0; i < 200 && !closed; i++) {
		ssize_t r;

		usleep(100 * 1000);
		r = recv(fd, &c, 1, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			closed = true;
		else if (r > 0)
			fail_msg("the server answered a request in progress");
		else if (send(fd, more, strlen(more), MSG_NOSIGNAL) < 0)
			closed = true;
		else
			(*sent)++;
	}
	close(fd);
	return closed;
}

void
t_slow_clients(void **state)
{
	static const struct hx_raw_case fresh[] = {
		{ "a fresh client", "GET " HX_CONTENT CLOSE, 0, OK200, 1 },
	};
	int fds[SLOW];
	struct hx_answer a;
	size_t sent;

	(void)state;
	hx_snapshot();
	/* half-sent heads and bodies, then silence */
	for (int i = 0; i < SLOW; i++) {
		fds[i] = hx_connect();
		if (i % 2 == 0)
			assert_true(hx_write(fds[i], GETC, strlen(GETC)));
		else
			assert_true(hx_write(fds[i], POSTC "SOAPAction: \"\"\r\n"
			    "Content-Length: 1000\r\n\r\n<s:Env", strlen(POSTC
			    "SOAPAction: \"\"\r\nContent-Length: 1000\r\n\r\n"
			    "<s:Env")));
	}
	/* served while they wait */
	hx_raw_cases(fresh, 1);
	/* each is closed by its deadline without an answer */
	for (int i = 0; i < SLOW; i++) {
		hx_read(fds[i], 20000, &a);
		close(fds[i]);
		if (!a.closed || a.len != 0)
			fail_msg("slow connection %d: %s, answer '%s'", i,
			    a.closed ? "closed" : "open", a.status);
		hx_answer_free(&a);
	}
	/* a head dripping a field every 100 ms: cut by head_timeout (2 s) */
	assert_true(closed_while_trickling(GETC, "X-Drip: 1\r\n", &sent));
	assert_true(sent < 200);
	/* a body dripping a byte every 100 ms: cut by body_timeout (3 s) */
	assert_true(closed_while_trickling(POSTC "SOAPAction: \"\"\r\n"
	    "Content-Length: 1000\r\n\r\n<", "a", &sent));
	assert_true(sent < 200);
	/* half-closed: the client's FIN before the head is complete */
	{
		int fd = hx_connect();

		assert_true(hx_write(fd, GETC, strlen(GETC)));
		shutdown(fd, SHUT_WR);
		hx_read(fd, 20000, &a);
		close(fd);
		assert_true(a.closed);
		assert_int_equal(a.len, 0);
		hx_answer_free(&a);
	}
	hx_raw_cases(fresh, 1);
	hx_unchanged("slow clients");
}
