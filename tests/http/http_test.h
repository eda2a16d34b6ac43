/*
 * http_test.h — what the two source files of test_wsusd share: the
 * fixture the group setup makes (test_wsusd.c), the libcurl request
 * helpers and the content tests (test_wsusd_content.c).  Not a library:
 * only tests/http uses it.
 */
#ifndef WSUSD_TESTS_HTTP_TEST_H
#define WSUSD_TESTS_HTTP_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "testlib.h"
#include "util/buf.h"

#define BIG_SIZE	(5 * 1024 * 1024)
#define SMALL_TEXT	"hello from wsusd\n"
#define BODY_MAX	4096

/* Everything the group setup made (test_wsusd.c). */
struct http_fixture {
	struct tl_wsusd w;		/* dir, content, conf, log, pid; w.port:
					   the plain listener */
	int	 notify_fd;		/* our end of NOTIFY_SOCKET */
	char	 notify_path[128];
	uint16_t tls_port, tls13_port, tls10_port;
	uint16_t rsa_port, rsa_old_port;	/* RSA certificate: default and
						 * tls_ciphers = compatible */
	char	*big;			/* BIG_SIZE bytes, owned */
	char	 big_url[128];		/* "/Content/XX/HEX.exe" */
	char	 big_path[256];		/* on disk */
	char	 big_sha1[41], big_sha256[65];
	char	 small_url[128];	/* ".cab" file */
	char	 mixed_hex[41];		/* stored with ".Exe" */
	char	 empty_url[128];	/* zero bytes, no extension */
	char	 link_url[128];		/* symlink to /etc/passwd */
	char	 dirlink_url[128];	/* XX dir is a symlink outside */
	char	 subdir_url[128];	/* a directory with a valid name */
	char	 fifo_url[128];		/* a FIFO with a valid name */
};

extern struct http_fixture T;
extern const char *client_exe;		/* borrowed from argv */

struct reply {
	long		status;
	CURLcode	rc;
	long		connects;
	struct buf	body;
	struct buf	headers;
};

/* Options of one request. */
struct req {
	const char	*method;	/* NULL: GET */
	const char	*target;	/* path (sent as is) */
	const char	*range;		/* Range value or NULL */
	const char	*hdr[4];	/* extra header lines */
	const char	*scheme_port;	/* e.g. "https://127.0.0.1:N"; NULL */
	long		 sslversion;	/* CURLOPT_SSLVERSION or 0 */
	const char	*ciphers;	/* TLS 1.2 suites offered (OpenSSL
					 * names) with sslversion; NULL: all */
	const char	*body;		/* POST body */
	size_t		 blen;
};

/* snprintf that fails the test on truncation. */
void	fmt(char *out, size_t outlen, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
/* Write a file or fail the test. */
void	write_file(const char *path, const void *data, size_t len);
/* Import data as a content file named after filename; its URL in url. */
void	import(const char *data, size_t len, const char *filename, char *url,
	    size_t urllen, char *hex);
/* libcurl write callback appending to a struct buf. */
size_t	collect(char *p, size_t size, size_t n, void *arg);
void	reply_free(struct reply *r);
/* One request on handle e (reset first); the answer in r. */
void	perform(CURL *e, const struct req *q, struct reply *r);
/* The same on a new handle. */
void	get(const struct req *q, struct reply *r);
/* The value of response header name (without CRLF) in a static buffer. */
const char *header(const struct reply *r, const char *name);
void	expect_header(const struct reply *r, const char *name,
	    const char *want);
/* GET the big file with a Range header; check status, headers, bytes. */
void	expect_range(const char *range, long status, uint64_t first,
	    uint64_t last);
/* Run a program, stdout+stderr into out; returns the exit status. */
int	run(char *const argv[], struct buf *out);
size_t	count_lines_with(const char *path, const char *needle);

/* The content tests (test_wsusd_content.c). */
void	test_full_get(void **state);
void	test_ranges(void **state);
void	test_unsatisfiable(void **state);
void	test_head(void **state);
void	test_keepalive(void **state);
void	test_conditional(void **state);
void	test_if_range(void **state);
void	test_name_matching(void **state);
void	test_traversal(void **state);
void	test_methods_and_limits(void **state);
/* GET target; check the status and the start of the body. */
void	expect_get(const char *target, long status, const char *body_prefix);

#endif
