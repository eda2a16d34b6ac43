/*
 * http_strict.h — the strict request-head check run in front of every
 * request, before any handler sees it (RFC 9112 §3.2, §5, §6.1, §6.3).
 *
 * Why it exists: libmicrohttpd 0.9.75 parses leniently.  It accepts
 * Content-Length together with Transfer-Encoding (and then frames by one
 * of them, so bytes after the body were answered as a second, smuggled
 * request), two different Content-Length fields, two Transfer-Encoding
 * fields, a missing or doubled Host, and it waits for a body it cannot
 * frame on an unknown transfer coding; a NUL in a field value silently
 * cuts the value; a folded line (obs-fold) is joined to the field before
 * it without the space RFC 9112 §5.2 requires.  MHD_OPTION_STRICT_FOR_CLIENT = 1 is not used: it
 * answers a missing Host itself, with a malformed answer (the response
 * head sent twice, a bug of 0.9.75's error path).  wsusd keeps MHD's
 * default level and refuses all of the above itself, from the header
 * list MHD parsed, when the head is complete and
 * before one byte of the body is read.  Not here: the request path
 * (http_path_normalize) and the body limits (http_server.c).
 */
#ifndef WSUSD_HTTP_HTTP_STRICT_H
#define WSUSD_HTTP_HTTP_STRICT_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/* What the check found in one request head. */
enum http_strict_rc {
	HTTP_STRICT_OK = 0,
	HTTP_STRICT_CL_TE,		/* Content-Length and Transfer-Encoding */
	HTTP_STRICT_CL_DUP,		/* more than one Content-Length */
	HTTP_STRICT_TE_DUP,		/* more than one Transfer-Encoding */
	HTTP_STRICT_TE_UNKNOWN,		/* a coding other than "chunked" */
	HTTP_STRICT_HOST,		/* HTTP/1.1 without exactly one Host,
					   or HTTP/1.0 with several */
	HTTP_STRICT_NAME,		/* a field name that is not a token */
	HTTP_STRICT_VALUE,		/* NUL or another control byte in a
					   field value (HTAB allowed) */
	HTTP_STRICT_FOLD,		/* a field continued on the next line
					   (obs-fold, RFC 9112 §5.2) */
	HTTP_STRICT_EOL,		/* a line of the head ended by a bare
					   LF or CR (RFC 9112 §2.2 allows
					   refusing it) */
};

/* Pure checks over one field (exposed for tests and fuzzing). */
bool	http_strict_name_ok(const char *name, size_t len);
bool	http_strict_value_ok(const char *value, size_t len);

/*
 * Check the head of the request on conn (version as MHD gives it,
 * e.g. "HTTP/1.1").  HTTP_STRICT_OK, or the first problem found; the
 * caller answers 400 and closes the connection.
 */
enum http_strict_rc http_strict_head(struct MHD_Connection *conn,
	    const char *version);
/* A short English reason for rc (for the debug log). */
const char *http_strict_reason(enum http_strict_rc rc);

#endif
