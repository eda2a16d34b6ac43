/*
 * test_wsusd_content.c — the content tests of test_wsusd (see
 * test_wsusd.c for the fixture): full and ranged GETs, HEAD, keep-alive,
 * conditional requests, name matching, traversal, methods and limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "content/content_store.h"
#include "http_test.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

/* ---- content ------------------------------------------------------------- */

void
test_full_get(void **state)
{
	struct req q = { .target = T.big_url };
	struct reply r;
	char len[32];

	(void)state;
	get(&q, &r);
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, BIG_SIZE);
	assert_memory_equal(r.body.data, T.big, BIG_SIZE);
	snprintf(len, sizeof(len), "%u", (unsigned)BIG_SIZE);
	expect_header(&r, "Content-Length", len);
	expect_header(&r, "Content-Type", "application/octet-stream");
	expect_header(&r, "Accept-Ranges", "bytes");
	assert_non_null(header(&r, "ETag"));
	assert_non_null(header(&r, "Last-Modified"));
	assert_non_null(header(&r, "Date"));
	assert_null(header(&r, "Content-Range"));
	assert_null(header(&r, "Content-Encoding"));
	reply_free(&r);

	q.target = T.small_url;
	get(&q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, SMALL_TEXT);
	reply_free(&r);

	q.target = T.empty_url;
	get(&q, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	expect_header(&r, "Content-Length", "0");
	reply_free(&r);
}

void
test_ranges(void **state)
{
	const uint64_t last = BIG_SIZE - 1;

	(void)state;
	/* what Delivery Optimization sends: closed 1 MiB pieces */
	expect_range("bytes=0-1048575", 206, 0, 1048575);
	expect_range("bytes=1048576-2097151", 206, 1048576, 2097151);
	expect_range("bytes=4194304-5242879", 206, 4194304, last);
	expect_range("bytes=1000-1999", 206, 1000, 1999);
	expect_range("bytes=0-0", 206, 0, 0);
	expect_range("bytes=5242879-5242879", 206, last, last);
	expect_range("bytes=5242000-", 206, 5242000, last);	/* open */
	expect_range("bytes=-100", 206, last - 99, last);	/* suffix */
	expect_range("bytes=-99999999", 206, 0, last);
	expect_range("bytes=5242000-99999999", 206, 5242000, last);
	expect_range("bytes=0-9,10-19", 206, 0, 19);		/* coalesced */
	/* several disjoint ranges: the whole file, never the first only */
	expect_range("bytes=0-0,-1", 200, 0, 0);
	expect_range("bytes=0-9,100-109", 200, 0, 0);
	/* malformed or other units: ignored */
	expect_range("bytes=9-0", 200, 0, 0);
	expect_range("bytes=x-y", 200, 0, 0);
	expect_range("pages=1-2", 200, 0, 0);
}

void
test_unsatisfiable(void **state)
{
	static const char *const ranges[] = {
		"Range: bytes=5242880-", "Range: bytes=5242880-5242881",
		"Range: bytes=-0", "Range: bytes=99999999999999999999999-",
	};
	struct reply r;

	(void)state;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		struct req q = { .target = T.big_url, .range = ranges[i] };
		get(&q, &r);
		if (r.status != 416)
			fail_msg("%s: status %ld", ranges[i], r.status);
		expect_header(&r, "Content-Range", "bytes */5242880");
		assert_int_equal(r.body.len, 0);
		reply_free(&r);
	}
	/* an empty file has no satisfiable int-range */
	{
		struct req q = { .target = T.empty_url,
		    .range = "Range: bytes=0-" };
		get(&q, &r);
		assert_int_equal(r.status, 416);
		expect_header(&r, "Content-Range", "bytes */0");
		reply_free(&r);
	}
}

void
test_head(void **state)
{
	struct req qg = { .target = T.big_url };
	struct req qh = { .method = "HEAD", .target = T.big_url };
	struct req qhr = { .method = "HEAD", .target = T.big_url,
	    .range = "Range: bytes=0-9" };
	struct reply g, h;
	static const char *const same[] = {
		"Content-Length", "Content-Type", "Accept-Ranges", "ETag",
		"Last-Modified",
	};

	(void)state;
	get(&qg, &g);
	get(&qh, &h);
	assert_int_equal(h.rc, CURLE_OK);
	assert_int_equal(h.status, 200);
	assert_int_equal(h.body.len, 0);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char v[256];
		const char *gv = header(&g, same[i]);
		assert_non_null(gv);
		snprintf(v, sizeof(v), "%s", gv);
		expect_header(&h, same[i], v);
	}
	reply_free(&g);
	reply_free(&h);
	/* Range is defined for GET only: HEAD answers for the whole file */
	get(&qhr, &h);
	assert_int_equal(h.status, 200);
	expect_header(&h, "Content-Length", "5242880");
	assert_null(header(&h, "Content-Range"));
	reply_free(&h);
}

void
test_keepalive(void **state)
{
	CURL *e = curl_easy_init();
	char hdr[64];
	struct reply r;
	long total = 0;

	(void)state;
	assert_non_null(e);
	for (int i = 0; i < 10; i++) {
		struct req q = { .target = T.big_url, .range = hdr };
		if (i == 5)
			q.method = "HEAD";
		snprintf(hdr, sizeof(hdr), "Range: bytes=%d-%d",
		    (i % 5) * 1048576, (i % 5) * 1048576 + 1048575);
		perform(e, &q, &r);
		assert_true(r.status == 206 || (i == 5 && r.status == 200));
		total += r.connects;
		reply_free(&r);
	}
	/* a 404 and a 416 keep the connection open too */
	{
		struct req q = { .target = "/Content/00/nothing" };
		perform(e, &q, &r);
		assert_int_equal(r.status, 404);
		total += r.connects;
		reply_free(&r);
		q.target = T.big_url;
		q.range = "Range: bytes=9999999-";
		perform(e, &q, &r);
		assert_int_equal(r.status, 416);
		total += r.connects;
		reply_free(&r);
		q.range = NULL;
		q.target = T.small_url;
		perform(e, &q, &r);
		assert_int_equal(r.status, 200);
		total += r.connects;
		reply_free(&r);
	}
	assert_int_equal(total, 1);
	curl_easy_cleanup(e);
}

void
test_conditional(void **state)
{
	char etag[128], lastmod[128], h1[192], h2[192];
	struct req q = { .target = T.big_url };
	struct reply r;

	(void)state;
	get(&q, &r);
	snprintf(etag, sizeof(etag), "%s", header(&r, "ETag"));
	snprintf(lastmod, sizeof(lastmod), "%s", header(&r, "Last-Modified"));
	reply_free(&r);
	assert_int_equal(etag[0], '"');

	/* the ETag is stable */
	get(&q, &r);
	expect_header(&r, "ETag", etag);
	expect_header(&r, "Last-Modified", lastmod);
	reply_free(&r);

	/* If-Modified-Since equal to Last-Modified: 304, no body */
	snprintf(h1, sizeof(h1), "If-Modified-Since: %s", lastmod);
	q.hdr[0] = h1;
	get(&q, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	expect_header(&r, "ETag", etag);
	reply_free(&r);
	/* an older date: 200 */
	q.hdr[0] = "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT";
	get(&q, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, BIG_SIZE);
	reply_free(&r);
	/* garbage dates are ignored */
	q.hdr[0] = "If-Modified-Since: tomorrow";
	get(&q, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);

	/* If-None-Match */
	snprintf(h2, sizeof(h2), "If-None-Match: \"other\", %s", etag);
	q.hdr[0] = h2;
	get(&q, &r);
	assert_int_equal(r.status, 304);
	reply_free(&r);
	q.hdr[0] = "If-None-Match: *";
	get(&q, &r);
	assert_int_equal(r.status, 304);
	reply_free(&r);
	/* a non-matching tag wins over a matching date */
	q.hdr[0] = "If-None-Match: \"other\"";
	q.hdr[1] = h1;
	get(&q, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	q.hdr[1] = NULL;
	/* HEAD is conditional too */
	q.method = "HEAD";
	q.hdr[0] = h2;
	get(&q, &r);
	assert_int_equal(r.status, 304);
	reply_free(&r);
}

void
test_if_range(void **state)
{
	char etag[128], lastmod[128], ir[192], wk[192], lm[192];
	struct req q = { .target = T.big_url, .range = "Range: bytes=10-19" };
	struct reply r;

	(void)state;
	get(&q, &r);
	assert_int_equal(r.status, 206);
	snprintf(etag, sizeof(etag), "%s", header(&r, "ETag"));
	snprintf(lastmod, sizeof(lastmod), "%s", header(&r, "Last-Modified"));
	reply_free(&r);

	snprintf(ir, sizeof(ir), "If-Range: %s", etag);
	q.hdr[0] = ir;
	get(&q, &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body.len, 10);
	reply_free(&r);

	snprintf(lm, sizeof(lm), "If-Range: %s", lastmod);
	q.hdr[0] = lm;
	get(&q, &r);
	assert_int_equal(r.status, 206);
	reply_free(&r);

	q.hdr[0] = "If-Range: \"changed\"";
	get(&q, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, BIG_SIZE);
	reply_free(&r);

	snprintf(wk, sizeof(wk), "If-Range: W/%s", etag);
	q.hdr[0] = wk;
	get(&q, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);

	q.hdr[0] = "If-Range: Sun, 06 Nov 1994 08:49:37 GMT";
	get(&q, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
}

void
expect_get(const char *target, long status, const char *body_prefix)
{
	struct req q = { .target = target };
	struct reply r;

	get(&q, &r);
	if (r.rc != CURLE_OK || r.status != status)
		fail_msg("%s: rc %d status %ld, want %ld", target, r.rc,
		    r.status, status);
	if (body_prefix != NULL && (r.body.data == NULL ||
	    strncmp(r.body.data, body_prefix, strlen(body_prefix)) != 0))
		fail_msg("%s: unexpected body", target);
	reply_free(&r);
}

void
test_name_matching(void **state)
{
	char t[256], lower[256];

	(void)state;
	/* lower-case everything, as a client might */
	fmt(lower, sizeof(lower), "%s", T.small_url);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	expect_get(lower, 200, SMALL_TEXT);
	/* upper-case extension */
	fmt(t, sizeof(t), "%.*s.CAB", (int)(strlen(T.small_url) - 4),
	    T.small_url);
	expect_get(t, 200, SMALL_TEXT);
	/* doubled slashes, as IIS tolerates */
	fmt(t, sizeof(t), "//Content//%s", T.small_url + 9);
	expect_get(t, 200, SMALL_TEXT);
	fmt(t, sizeof(t), "/CONTENT/%.2s///%s", T.small_url + 9,
	    T.small_url + 12);
	expect_get(t, 200, SMALL_TEXT);
	/* percent-encoded ordinary characters are fine */
	fmt(t, sizeof(t), "/%%43ontent/%s", T.small_url + 9);
	expect_get(t, 200, SMALL_TEXT);
	/* the store kept ".Exe": every spelling finds it */
	fmt(t, sizeof(t), "/Content/%s/%s.exe", T.mixed_hex + 38,
	    T.mixed_hex);
	expect_get(t, 200, "mixed case extension");
	fmt(t, sizeof(t), "/Content/%s/%s.EXE", T.mixed_hex + 38,
	    T.mixed_hex);
	expect_get(t, 200, "mixed case extension");
	fmt(t, sizeof(t), "/Content/%s/%s.eXe", T.mixed_hex + 38,
	    T.mixed_hex);
	expect_get(t, 200, "mixed case extension");
	/* a wrong extension or none is another name */
	fmt(t, sizeof(t), "/Content/%s/%s.cab", T.mixed_hex + 38,
	    T.mixed_hex);
	expect_get(t, 404, NULL);
	fmt(t, sizeof(t), "/Content/%s/%s", T.mixed_hex + 38,
	    T.mixed_hex);
	expect_get(t, 404, NULL);
	/* the right name in the wrong XX directory */
	fmt(t, sizeof(t), "/Content/00/%s", T.small_url + 12);
	expect_get(t, 404, NULL);
}

/* Never content from outside, never a file that is not regular. */
void
test_traversal(void **state)
{
	char t[512];
	const char *targets[32];
	size_t n = 0;
	struct reply r;

	(void)state;
	targets[n++] = "/Content/../../../../../../etc/passwd";
	targets[n++] = "/Content/AB/../../../../../../etc/passwd";
	targets[n++] = "/Content/%2e%2e/%2e%2e/%2e%2e/etc/passwd";
	targets[n++] = "/Content/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd";
	targets[n++] = "/Content/AB%2f..%2f..%2f..%2fetc%2fpasswd";
	targets[n++] = "/Content/AB\\..\\..\\..\\etc\\passwd";
	targets[n++] = "/Content/AB/..%5c..%5c..%5cetc%5cpasswd";
	targets[n++] = "/Content/%252e%252e/%252e%252e/etc/passwd";
	targets[n++] = "/Content//etc/passwd";
	targets[n++] = "/Content///etc/passwd";
	targets[n++] = "/etc/passwd";
	targets[n++] = "/Content/AB/..";
	targets[n++] = "/Content/.";
	targets[n++] = "/Content/";
	targets[n++] = "/Content/AB/%00";
	targets[n++] = "/Content/..%00/etc/passwd";
	targets[n++] = T.link_url;
	targets[n++] = T.dirlink_url;
	targets[n++] = T.subdir_url;
	targets[n++] = T.fifo_url;
	snprintf(t, sizeof(t), "%s%%00.txt", T.small_url);
	targets[n++] = t;
	for (size_t i = 0; i < n; i++) {
		struct req q = { .target = targets[i] };
		get(&q, &r);
		if (r.rc != CURLE_OK || (r.status != 404 && r.status != 400))
			fail_msg("%s: rc %d status %ld", targets[i], r.rc,
			    r.status);
		if (r.body.data != NULL &&
		    (strstr(r.body.data, "root:") != NULL ||
		    strstr(r.body.data, "secret") != NULL))
			fail_msg("%s: leaked a file", targets[i]);
		reply_free(&r);
	}
	/* absolute-form request target */
	{
		CURL *e = curl_easy_init();
		struct buf b;
		long status = 0;
		char url[64];
		buf_init(&b, 1 << 16);
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/", T.w.port);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_REQUEST_TARGET,
		    "http://127.0.0.1/etc/passwd");
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
		curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		assert_true(status == 400 || status == 404);
		assert_true(b.data == NULL || strstr(b.data, "root:") == NULL);
		buf_free(&b);
		curl_easy_cleanup(e);
	}
}

void
test_methods_and_limits(void **state)
{
	char *big = xmalloc(BODY_MAX * 2);
	struct reply r;

	(void)state;
	memset(big, 'x', BODY_MAX * 2);
	expect_get("/nothing/here", 404, NULL);
	/* the SOAP endpoints take POST only */
	expect_get("/ClientWebService/client.asmx", 405, NULL);
	expect_get("/Content", 404, NULL);
	{
		struct req q = { .method = "POST", .target = T.big_url,
		    .body = "x", .blen = 1 };
		get(&q, &r);
		assert_int_equal(r.status, 405);
		expect_header(&r, "Allow", "GET, HEAD");
		reply_free(&r);
	}
	{
		struct req q = { .method = "DELETE", .target = T.big_url };
		get(&q, &r);
		assert_int_equal(r.status, 405);
		reply_free(&r);
	}
	{
		/* a body over max_body_bytes: 413 whatever the path */
		struct req q = { .method = "POST",
		    .target = "/ClientWebService/client.asmx",
		    .body = big, .blen = BODY_MAX + 1 };
		get(&q, &r);
		assert_int_equal(r.status, 413);
		reply_free(&r);
		q.blen = BODY_MAX;	/* within the limit: reaches the SOAP service */
		get(&q, &r);
		assert_true(r.status != 413 && r.status != 404 && r.status >= 400);
		reply_free(&r);
	}
	free(big);
}

