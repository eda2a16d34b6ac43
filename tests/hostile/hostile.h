/*
 * hostile.h — what the files of the hostile-input suite share
 * (test_hostile: issue 9's quality bar "a hostile-input suite covering
 * each finding, smuggling, header floods, pipelining, traversal, cookie
 * forgery for both protocols, XML attacks and slow clients, each asserting
 * the exact answer and that the store is unchanged").
 *
 * One real wsusd on a loopback port with the real update documents
 * (tests/wusp/wusp_harness.h), a client session (MS-WUSP) and a
 * downstream session (MS-WSUSSS) made in the group setup, the server's
 * cookie key and identity read from its store (to seal expired cookies
 * with the right key), a content file, raw-socket exchanges and the store
 * dump compared before and after every case.
 *
 * It is not a protocol harness of its own and has no tests of well-formed
 * traffic beyond the control cases that show a refusal is a refusal.
 *
 *   test_hostile WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#ifndef WSUSD_TESTS_HOSTILE_HOSTILE_H
#define WSUSD_TESTS_HOSTILE_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cookie/cookie.h"
#include "util/buf.h"
#include "wusp_harness.h"

#define SS_PATH		"/ServerSyncWebService/ServerSyncWebService.asmx"
#define DSS_PATH	"/DssAuthWebService/DssAuthWebService.asmx"
#define WCAP		"soap/wusp-native-capture/"
#define SCAP		"soap/wsusss-capture/"
#define ENV_OPEN	"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/" \
			"soap/envelope/\"><s:Body>"
#define ENV_CLOSE	"</s:Body></s:Envelope>"
/* The content file the setup writes ("hostile\n"; the name need not be
 * its SHA-1: the server serves by name). */
#define HX_SHA1		"0123456789ABCDEF0123456789ABCDEF012345AB"
#define HX_CONTENT	"/Content/AB/" HX_SHA1 ".cab"

/* The fixture the group setup makes (hostile_lib.c). */
struct hostile {
	struct tl_wsusd srv;
	char	 wexp[64], wses[2048];	/* client session cookie */
	char	 wauth[2048];		/* client authorization cookie */
	char	 wlast[64];		/* GetConfig LastChange */
	char	 sauth[2048];		/* downstream authorization cookie */
	char	 sexp[64], sses[2048];	/* downstream session cookie */
	uint8_t	 key[COOKIE_KEY_LEN];	/* the server's cookie_key */
	uint8_t	 inst[COOKIE_INSTANCE_LEN]; /* its server_id */
	struct buf before;		/* the store dump before a case */
};

extern struct hostile H;

int	hx_setup(void **state);
int	hx_teardown(void **state);

/* The store dump now into H.before / fail unless it is still the same. */
void	hx_snapshot(void);
void	hx_unchanged(const char *what);

/* ---- raw exchanges -------------------------------------------------------- */

struct hx_answer {
	char	*in;		/* everything the server sent, NUL-ended */
	size_t	 len;
	bool	 closed;	/* EOF or reset seen */
	char	 status[128];	/* the first line, without CRLF */
	unsigned answers;	/* status lines ("HTTP/1.") in it */
};

/* A connected socket to the listener (SIGPIPE is ignored). */
int	hx_connect(void);
/* Write all of data; false when the server closed before (EPIPE/reset). */
bool	hx_write(int fd, const void *data, size_t len);
/* Read until the server closes or wait_ms pass without a byte. */
void	hx_read(int fd, long wait_ms, struct hx_answer *a);
void	hx_answer_free(struct hx_answer *a);
/* Connect, send, read until closed (20 s without a byte: not closed). */
void	hx_exchange(const void *req, size_t len, struct hx_answer *a);

/*
 * One raw case: the request gets exactly `answers` status lines, the
 * first being `status`, and the server closes the connection.  Requests
 * that would be kept alive carry "Connection: close".
 */
struct hx_raw_case {
	const char *name;
	const char *req;
	size_t	 len;		/* 0: strlen(req) */
	const char *status;	/* exact first line */
	unsigned answers;
};
void	hx_raw_cases(const struct hx_raw_case *c, size_t n);

/* ---- SOAP ------------------------------------------------------------------ */

/*
 * POST body (len bytes; 0: strlen) to path with SOAPAction action as
 * sent (NULL: no SOAPAction header; A_EMPTY: the body names the
 * operation).  The answer must have HTTP status `status` and, when code is
 * not NULL, be a SOAP fault whose ErrorCode (or, for framework faults,
 * faultcode) is code.  hx_post_check() says so (and prints what it got
 * when not, or always with HOSTILE_SHOW set); hx_post() fails the test.
 */
#define A_EMPTY	"\"\""
bool	hx_post_check(const char *what, const char *path, const char *action,
	    const char *body, size_t len, long status, const char *code);
void	hx_post(const char *what, const char *path, const char *action,
	    const char *body, size_t len, long status, const char *code);
/* Replace every `from` in xml with `to` (new string; xml kept). */
char	*hx_replace(const char *xml, const char *from, const char *to);
/* A fixture request (either protocol) with the session cookie given. */
char	*hx_wusp_req(const char *fixture, const char *exp, const char *data);
/* Expiration text of a Unix time, as the server writes it. */
void	hx_expiration(int64_t t, char out[64]);

/* hostile_http.c */
void	t_smuggling(void **state);
void	t_header_floods(void **state);
void	t_pipelining(void **state);
void	t_traversal(void **state);
void	t_bodies(void **state);
void	t_slow_clients(void **state);

/* hostile_soap.c */
void	t_cookies_wusp(void **state);
void	t_cookies_wsusss(void **state);
void	t_xml(void **state);
void	t_findings(void **state);
void	t_registry_flood(void **state);
void	t_first_calls(void **state);

#endif
