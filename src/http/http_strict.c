/*
 * http_strict.c — the strict request-head check (see http_strict.h):
 * one pass over the header fields MHD parsed, counting the framing
 * fields and checking every name and value byte.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "http/http_strict.h"

struct scan {
	unsigned	 ncl;		/* Content-Length fields */
	unsigned	 nte;		/* Transfer-Encoding fields */
	unsigned	 nhost;		/* Host fields */
	const char	*te;		/* borrowed: the last TE value */
	const char	*last;		/* borrowed: the last field's value */
	size_t		 last_size;
	enum http_strict_rc rc;		/* first problem, or OK */
};

/* RFC 9110 §5.6.2 tchar. */
static bool
tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

bool
http_strict_name_ok(const char *name, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!tchar((unsigned char)name[i]))
			return false;
	return true;
}

bool
http_strict_value_ok(const char *value, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static bool
name_is(const char *key, size_t klen, const char *want)
{
	return klen == strlen(want) && strncasecmp(key, want, klen) == 0;
}

/*
 * An obs-fold line (a line starting with SP or HTAB continues the field
 * before it; RFC 9112 §5.2 lets a server refuse it with 400) is invisible
 * in MHD's API too: MHD 0.9.75 joins the continuation to the value, with
 * no space between, in a copy it allocates elsewhere in its pool.  A
 * value that was not folded lies in its line in the read buffer, after
 * the name, the colon (overwritten with NUL) and optional whitespace; so
 * a value anywhere else, or with other bytes between name and value, was
 * folded.  (Compared as addresses: both are in MHD's connection pool.)
 */
static bool
value_in_line(const char *key, size_t key_size, const char *value)
{
	uintptr_t k = (uintptr_t)key + key_size, v = (uintptr_t)value;

	if (v <= k)
		return false;
	for (const char *p = key + key_size; p < value; p++)
		if (*p != '\0' && *p != ' ' && *p != '\t')
			return false;
	return true;
}

/*
 * Line ends.  MHD 0.9.75 ends a line at a bare LF or CR as well and
 * overwrites the end with one NUL (a CRLF with two), in place.  So the
 * line before a field ended with CRLF when both bytes before its name are
 * NUL, and the last field and the empty line after it did when the two
 * bytes after the NULs of its value are NUL too (see value_ok below).
 */
static bool
crlf_before(const char *key)
{
	return key[-1] == '\0' && key[-2] == '\0';
}

/*
 * A NUL inside a value is invisible in MHD's API: MHD 0.9.75 cuts the
 * line at the first NUL (strlen) and drops the rest.  It keeps header
 * values in its read buffer, where it overwrote the CR and LF ending the
 * line with two NULs; so after a whole value the second byte is NUL too,
 * while after a value cut by a NUL it is the rest of the line (also
 * after a bare LF line end, refused alike).  value[value_size + 1] is
 * inside that buffer: the line had at least its LF.  tests/unit/http/
 * test_http_strict.c fails if a newer MHD changes this.
 */
static enum MHD_Result
scan_field(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct scan *s = cls;
	enum http_strict_rc rc = HTTP_STRICT_OK;

	(void)kind;
	if (key == NULL || !http_strict_name_ok(key, key_size) ||
	    strlen(key) != key_size)
		rc = HTTP_STRICT_NAME;
	else if (value != NULL && (!http_strict_value_ok(value, value_size) ||
	    strlen(value) != value_size || value[value_size + 1] != '\0'))
		rc = HTTP_STRICT_VALUE;
	else if (value != NULL && !value_in_line(key, key_size, value))
		rc = HTTP_STRICT_FOLD;
	else if (!crlf_before(key))
		rc = HTTP_STRICT_EOL;
	else if (name_is(key, key_size, "Content-Length"))
		s->ncl++;
	else if (name_is(key, key_size, "Transfer-Encoding")) {
		s->nte++;
		s->te = value;
	} else if (name_is(key, key_size, "Host"))
		s->nhost++;
	if (rc != HTTP_STRICT_OK) {
		s->rc = rc;
		return MHD_NO;		/* stop at the first bad field */
	}
	s->last = value;
	s->last_size = value != NULL ? value_size : 0;
	return MHD_YES;
}

enum http_strict_rc
http_strict_head(struct MHD_Connection *conn, const char *version)
{
	struct scan s;
	bool http11;

	memset(&s, 0, sizeof(s));
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, scan_field, &s);
	if (s.rc != HTTP_STRICT_OK)
		return s.rc;
	if (s.last != NULL && (s.last[s.last_size + 2] != '\0' ||
	    s.last[s.last_size + 3] != '\0'))
		return HTTP_STRICT_EOL;
	if (s.ncl > 1)
		return HTTP_STRICT_CL_DUP;
	if (s.nte > 1)
		return HTTP_STRICT_TE_DUP;
	if (s.ncl > 0 && s.nte > 0)
		return HTTP_STRICT_CL_TE;
	if (s.nte == 1 && (s.te == NULL || strcasecmp(s.te, "chunked") != 0))
		return HTTP_STRICT_TE_UNKNOWN;
	http11 = version == NULL || strcmp(version, "HTTP/1.0") != 0;
	if ((http11 && s.nhost != 1) || s.nhost > 1)
		return HTTP_STRICT_HOST;
	return HTTP_STRICT_OK;
}

const char *
http_strict_reason(enum http_strict_rc rc)
{
	switch (rc) {
	case HTTP_STRICT_OK:		return "ok";
	case HTTP_STRICT_CL_TE:
		return "Content-Length with Transfer-Encoding";
	case HTTP_STRICT_CL_DUP:	return "more than one Content-Length";
	case HTTP_STRICT_TE_DUP:	return "more than one Transfer-Encoding";
	case HTTP_STRICT_TE_UNKNOWN:	return "unknown transfer coding";
	case HTTP_STRICT_HOST:		return "missing or repeated Host";
	case HTTP_STRICT_NAME:		return "bad header field name";
	case HTTP_STRICT_VALUE:		return "control byte in a header value";
	case HTTP_STRICT_FOLD:		return "folded header line (obs-fold)";
	case HTTP_STRICT_EOL:		return "line ended by a bare LF or CR";
	}
	return "?";
}
