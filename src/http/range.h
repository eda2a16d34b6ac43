/*
 * range.h — the HTTP Range request header (RFC 9110 §14.1.2, §14.2) for
 * one resource of known length.  Pure parsing: no I/O, no allocation.
 *
 * Supported: the "bytes" unit with int-range (a-b, a-) and suffix-range
 * (-n).  A range-set of several ranges is answered with ONE range only
 * when the satisfiable ones overlap or touch so that they coalesce into a
 * single span (RFC 9110 §14.2 lets a server coalesce); any other
 * multi-range request is ignored and served as 200 with the whole
 * representation (RFC 9110 §14.2: a server MAY ignore Range).  We never
 * send multipart/byteranges, and never the first range alone.
 */
#ifndef WSUSD_HTTP_RANGE_H
#define WSUSD_HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>

#define RANGE_HEADER_MAX	1024	/* longer headers are ignored */
#define RANGE_SPECS_MAX		16	/* more range-specs: ignored */

enum range_result {
	RANGE_IGNORE = 0,	/* absent, malformed, unknown unit, multi: 200 */
	RANGE_SATISFIABLE,	/* answer 206 with *out */
	RANGE_UNSATISFIABLE,	/* answer 416 with Content-Range: bytes * /size */
};

/* An inclusive byte span first..last, first <= last < size. */
struct byte_range {
	uint64_t first;
	uint64_t last;
};

/*
 * Parse the Range field value (len bytes, need not be NUL-terminated;
 * value may be NULL for "no header") for a representation of size bytes.
 * On RANGE_SATISFIABLE *out holds the span to send.
 */
enum range_result range_parse(const char *value, size_t len, uint64_t size,
	    struct byte_range *out);

#endif
