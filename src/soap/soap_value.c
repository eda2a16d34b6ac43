/* soap_value.c — see soap_value.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "soap/soap_value.h"
#include "util/date.h"
#include "util/encode.h"
#include "util/guid.h"

_Static_assert(SOAP_GUID_STRLEN == GUID_STRLEN + 1, "SOAP GUID text size");

static int
is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void
soap_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;

	while (len > 0 && is_xml_space(p[0])) {
		p++;
		len--;
	}
	while (len > 0 && is_xml_space(p[len - 1]))
		len--;
	*s = p;
	*n = len;
}

/*
 * Signed decimal in [min, max] after trimming: [+-]?[0-9]+.  The
 * magnitude is accumulated as unsigned with an overflow check per digit.
 */
static int
parse_signed(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v = 0, lim;
	int neg = 0;
	size_t i = 0;

	if (s == NULL)
		return -1;
	soap_trim(&s, &n);
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	lim = neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == 0 ? 0 : -(int64_t)(v - 1) - 1;
	else
		*out = (int64_t)v;
	return 0;
}

int
soap_parse_int32(const char *s, size_t n, int32_t *out)
{
	int64_t v;

	if (parse_signed(s, n, INT32_MIN, INT32_MAX, &v) == -1)
		return -1;
	*out = (int32_t)v;
	return 0;
}

int
soap_parse_int64(const char *s, size_t n, int64_t *out)
{
	return parse_signed(s, n, INT64_MIN, INT64_MAX, out);
}

int
soap_parse_uint32(const char *s, size_t n, uint32_t *out)
{
	int64_t v;

	if (parse_signed(s, n, INT64_MIN, UINT32_MAX, &v) == -1 || v < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
soap_parse_bool(const char *s, size_t n, int *out)
{
	if (s == NULL)
		return -1;
	soap_trim(&s, &n);
	if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 1 && s[0] == '1'))
		*out = 1;
	else if ((n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 1 && s[0] == '0'))
		*out = 0;
	else
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* dateTime                                                            */
/* ------------------------------------------------------------------ */

/* Exactly n decimal digits at s into *v. */
static int
digits(const char *s, size_t n, unsigned *v)
{
	unsigned r = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		r = r * 10 + (unsigned)(s[i] - '0');
	}
	*v = r;
	return 0;
}

int
soap_parse_datetime(const char *s, size_t n, struct soap_datetime *out)
{
	unsigned y, mo, d, h, mi, se, ticks = 0;
	int64_t sec;
	size_t i;
	enum soap_tz tz = SOAP_TZ_NONE;

	if (s == NULL)
		return -1;
	soap_trim(&s, &n);
	/* YYYY-MM-DDThh:mm:ss is 19 characters */
	if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > date_month_days(y, mo) ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	i = 19;
	if (i < n && s[i] == '.') {
		size_t nd = 0;
		unsigned scale = 1000000;

		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
			if (nd < 7) {
				ticks += (unsigned)(s[i] - '0') * scale;
				scale /= 10;
			}
		}
		if (nd == 0)
			return -1;
	}
	sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	if (i < n && s[i] == 'Z') {
		tz = SOAP_TZ_UTC;
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		unsigned oh, om;

		if (n - i < 6 || s[i + 3] != ':' || digits(s + i + 1, 2, &oh) ||
		    digits(s + i + 4, 2, &om) || om > 59 ||
		    oh * 60 + om > 14 * 60)
			return -1;
		/* local = UTC + offset, so UTC = local - offset */
		if (s[i] == '+')
			sec -= (int64_t)(oh * 3600 + om * 60);
		else
			sec += (int64_t)(oh * 3600 + om * 60);
		tz = SOAP_TZ_OFFSET;
		i += 6;
	}
	if (i != n)
		return -1;
	out->sec = sec;
	out->ticks = ticks;
	out->tz = tz;
	return 0;
}

int
soap_format_datetime(const struct soap_datetime *dt, char out[SOAP_DATETIME_MAX])
{
	int64_t days, rem, y;
	unsigned m, d, ticks = dt->ticks;
	char frac[9];
	int fl;

	days = dt->sec / 86400;
	rem = dt->sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999 || ticks > 9999999) {
		out[0] = '\0';
		return -1;
	}
	frac[0] = '\0';
	if (ticks != 0) {
		snprintf(frac, sizeof(frac), ".%07u", ticks);
		fl = 8;
		while (frac[fl - 1] == '0')
			frac[--fl] = '\0';
	}
	snprintf(out, SOAP_DATETIME_MAX, "%04d-%02u-%02uT%02d:%02d:%02d%sZ",
	    (int)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
	    (int)(rem % 60), frac);
	return 0;
}

void
soap_datetime_from_unix(int64_t sec, uint32_t ticks, struct soap_datetime *out)
{
	out->sec = sec;
	out->ticks = ticks;
	out->tz = SOAP_TZ_UTC;
}

/* ------------------------------------------------------------------ */
/* GUID, base64                                                        */
/* ------------------------------------------------------------------ */

int
soap_parse_guid(const char *s, size_t n, char out[SOAP_GUID_STRLEN])
{
	if (s == NULL)
		return -1;
	soap_trim(&s, &n);
	return guid_canon(s, n, GUID_BRACES, out);
}

size_t
soap_base64_maxlen(size_t n)
{
	return n / 4 * 3 + 3;
}

int
soap_parse_base64(const char *s, size_t n, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	uint32_t acc = 0;
	size_t o = 0, q = 0, pad = 0;

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (is_xml_space((char)c))
			continue;
		if (c == '=') {
			/* only in the last quantum, at position 2 or 3 */
			if (q < 2)
				return -1;
			pad++;
			q++;
			if (q == 4) {
				if (pad == 2) {
					if (acc & 0xf)	/* non-canonical bits */
						return -1;
					if (o + 1 > outcap)
						return -1;
					out[o++] = (uint8_t)(acc >> 4);
				} else {
					if (acc & 0x3)
						return -1;
					if (o + 2 > outcap)
						return -1;
					out[o++] = (uint8_t)(acc >> 10);
					out[o++] = (uint8_t)(acc >> 2);
				}
				q = 0;
				acc = 0;
				/* nothing but white space may follow */
				for (i++; i < n; i++)
					if (!is_xml_space(s[i]))
						return -1;
				break;
			}
			continue;
		}
		if (pad != 0 || (v = base64_digit(c)) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		if (++q == 4) {
			if (o + 3 > outcap)
				return -1;
			out[o++] = (uint8_t)(acc >> 16);
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
			q = 0;
			acc = 0;
		}
	}
	if (q != 0)
		return -1;
	*outlen = o;
	return 0;
}
