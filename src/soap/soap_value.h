/*
 * soap_value.h — strict parsing and formatting of the XML Schema simple
 * types that WSUS messages carry: int, long, unsignedInt, boolean,
 * dateTime, guid and base64Binary.
 *
 * Parsers take (text, length), are whole-string (nothing may follow the
 * value), apply the schema whiteSpace="collapse" rule (leading and
 * trailing XML white space is ignored; inner white space is an error,
 * except in base64Binary where any XML white space is skipped) and never
 * allocate.  They return 0, or -1 for anything else (out of range
 * included).  Formatters write what the real server writes.
 * Not here: element lookup (soap_request.h), escaping (xmlw.h).
 */
#ifndef WSUSD_SOAP_SOAP_VALUE_H
#define WSUSD_SOAP_SOAP_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* Remove leading/trailing XML white space (space, TAB, LF, CR). */
void	soap_trim(const char **s, size_t *n);

/* xs:int, xs:long, xs:unsignedInt: optional sign, decimal digits only. */
int	soap_parse_int32(const char *s, size_t n, int32_t *out);
int	soap_parse_int64(const char *s, size_t n, int64_t *out);
int	soap_parse_uint32(const char *s, size_t n, uint32_t *out);
/* xs:boolean: "true", "false", "1", "0". */
int	soap_parse_bool(const char *s, size_t n, int *out);

/*
 * xs:dateTime as WSUS uses it: YYYY-MM-DDThh:mm:ss[.f{1,}][Z|(+|-)hh:mm]
 * (years 0001-9999, no leap second, no 24:00:00).  Fraction digits past
 * the seventh (100 ns, .NET's precision) are dropped, not rounded.
 * A value with an offset is converted to UTC; one without a zone is taken
 * as UTC and marked SOAP_TZ_NONE (WSUS sends such values, e.g.
 * 9999-12-31T23:59:59.9999999).
 */
enum soap_tz {
	SOAP_TZ_NONE = 0,	/* no zone designator */
	SOAP_TZ_UTC = 1,	/* 'Z' */
	SOAP_TZ_OFFSET = 2,	/* +hh:mm / -hh:mm, converted to UTC */
};
struct soap_datetime {
	int64_t		 sec;	/* seconds since 1970-01-01T00:00:00Z (may be < 0) */
	uint32_t	 ticks;	/* 100 ns units, 0..9999999 */
	enum soap_tz	 tz;	/* how the value was written */
};
int	soap_parse_datetime(const char *s, size_t n, struct soap_datetime *out);
/*
 * Format as the real server does: UTC, 'Z', fraction with trailing zeros
 * removed and no '.' when it is zero ("2026-10-04T16:03:35.9967236Z",
 * "2026-10-04T13:17:07.59Z", "2026-10-04T15:03:36Z").  tz is ignored;
 * the result always ends in 'Z'.  -1 when the year is outside 1..9999.
 */
#define SOAP_DATETIME_MAX	sizeof("9999-12-31T23:59:59.9999999Z")
int	soap_format_datetime(const struct soap_datetime *, char out[SOAP_DATETIME_MAX]);
/* From UNIX seconds + 100 ns ticks (ticks 0..9999999). */
void	soap_datetime_from_unix(int64_t sec, uint32_t ticks, struct soap_datetime *out);

/*
 * GUID: 8-4-4-4-12 hex digits, any case, optionally in braces.  out gets
 * the canonical lower-case form (36 characters + NUL), which is what
 * WSUS emits.
 */
#define SOAP_GUID_STRLEN	37
int	soap_parse_guid(const char *s, size_t n, char out[SOAP_GUID_STRLEN]);

/*
 * xs:base64Binary (standard alphabet, padding required, XML white space
 * anywhere ignored) into out of capacity outcap; -1 on bad input or when
 * the decoded size would pass outcap.  soap_base64_maxlen() gives a
 * capacity that is always enough for n input characters.  Not
 * util/encode.h's base64_decode(): that one takes no white space and does
 * not refuse non-canonical pad bits; both use base64_digit().
 */
int	soap_parse_base64(const char *s, size_t n, uint8_t *out, size_t outcap,
	    size_t *outlen);
size_t	soap_base64_maxlen(size_t n);

#endif
