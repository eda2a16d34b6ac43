/*
 * anchor.c — anchors, versions, allow-list, UTF-16LE (see anchor.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/date.h"
#include "util/netlist.h"
#include "util/utf8.h"
#include "wsusss/anchor.h"

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t' ||
	    (*s)[0] == '\r' || (*s)[0] == '\n')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
	    (*s)[*len - 1] == '\r' || (*s)[*len - 1] == '\n'))
		(*len)--;
}

/* exactly n digits at p; value in *v */
static int
digits(const char *p, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	return 0;
}

int
wsusss_anchor_parse(const char *s, size_t len, struct wsusss_anchor *out)
{
	size_t i = 0, nd = 0;
	int64_t counter = 0;
	int y, mo, d, h, mi, se, frac = 0, fd = 0;
	const char *t;
	size_t tl;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	trim(&s, &len);
	if (len == 0 || len > WSUSSS_ANCHOR_MAX)
		return -1;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (++nd > 18)
			return -1;
		counter = counter * 10 + (s[i] - '0');
		i++;
	}
	if (nd == 0 || i >= len || s[i] != ',')
		return -1;
	t = s + i + 1;
	tl = len - i - 1;
	/* YYYY-MM-DD HH:MM:SS */
	if (tl < 19 || digits(t, 4, &y) || t[4] != '-' ||
	    digits(t + 5, 2, &mo) || t[7] != '-' || digits(t + 8, 2, &d) ||
	    t[10] != ' ' || digits(t + 11, 2, &h) || t[13] != ':' ||
	    digits(t + 14, 2, &mi) || t[16] != ':' || digits(t + 17, 2, &se))
		return -1;
	if (y < 1753 || mo < 1 || mo > 12 || d < 1 ||
	    (unsigned)d > date_month_days(y, (unsigned)mo) ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	if (tl > 19) {
		if (t[19] != '.' || tl == 20 || tl > 27)
			return -1;
		for (size_t k = 20; k < tl; k++) {
			if (t[k] < '0' || t[k] > '9')
				return -1;
			if (fd < 3) {
				frac = frac * 10 + (t[k] - '0');
				fd++;
			}
		}
		while (fd < 3) {
			frac *= 10;
			fd++;
		}
	}
	out->counter = counter;
	out->time = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se;
	out->msec = (uint32_t)frac;
	return 0;
}

void
wsusss_anchor_format(const struct wsusss_anchor *a, char *out, size_t outlen)
{
	struct tm tm;
	time_t t = (time_t)a->time;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(out, outlen, "%lld,%04d-%02d-%02d %02d:%02d:%02d.%03u",
	    (long long)a->counter, tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, a->msec % 1000);
}

int
wsusss_version_parse(const char *s, size_t len, uint16_t *major,
    uint16_t *minor)
{
	unsigned long v[2] = { 0, 0 };
	size_t i = 0;

	if (s == NULL)
		return -1;
	trim(&s, &len);
	for (int k = 0; k < 2; k++) {
		int nd = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (++nd > 5)
				return -1;
			v[k] = v[k] * 10 + (unsigned long)(s[i++] - '0');
		}
		if (nd == 0 || v[k] > UINT16_MAX)
			return -1;
		if (k == 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
	}
	if (i != len)
		return -1;
	*major = (uint16_t)v[0];
	*minor = (uint16_t)v[1];
	return 0;
}

bool
wsusss_version_at_least(uint16_t major, uint16_t minor, unsigned ma,
    unsigned mi)
{
	return major > ma || (major == ma && minor >= mi);
}

/* 16-byte form of a numeric address (IPv4 as ::ffff:a.b.c.d) */
static int
addr16(const char *s, uint8_t out[16], int *is4)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*is4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0xff, 0xff };

		*is4 = memcmp(out, mapped, 12) == 0;
		return 0;
	}
	return -1;
}

static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int
wsusss_allow_check(const char *list, const char *addr, char *err,
    size_t errlen)
{
	uint8_t peer[16];
	int peer4 = 0, allowed = 0, r;
	size_t n;
	const char *p;
	char item[64];

	if (list == NULL)
		return 1;
	n = strlen(list);
	if (n > WSUSSS_ALLOW_MAX) {
		snprintf(err, errlen, "allow-list longer than %d bytes",
		    WSUSSS_ALLOW_MAX);
		return -1;
	}
	p = list;
	if ((r = netlist_next(&p, item, sizeof(item))) == 0)
		return 1;
	if (addr == NULL || addr16(addr, peer, &peer4) != 0)
		peer4 = -1;	/* matches nothing, list still checked */
	for (; r != 0; r = netlist_next(&p, item, sizeof(item))) {
		char *slash;
		uint8_t net[16];
		int net4;
		long bits;

		if (r < 0) {
			snprintf(err, errlen, "allow-list entry too long");
			return -1;
		}
		slash = strchr(item, '/');
		if (slash != NULL)
			*slash++ = '\0';
		if (addr16(item, net, &net4) != 0) {
			snprintf(err, errlen, "allow-list: '%s' is not a "
			    "numeric address", item);
			return -1;
		}
		if (slash == NULL) {
			bits = 128;
		} else {
			if ((bits = netlist_prefix(slash, net4 ? 32 : 128)) < 0) {
				snprintf(err, errlen, "allow-list: bad prefix "
				    "length for '%s'", item);
				return -1;
			}
			if (net4)
				bits += 96;
		}
		if (peer4 >= 0 && prefix_match(peer, net, (unsigned)bits))
			allowed = 1;
	}
	return allowed;
}

int
wsusss_utf8_to_utf16le(const char *s, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t c;
		size_t n;
		unsigned char u[4];

		if ((n = utf8_decode(p + i, len - i, &c)) == 0)
			return -1;
		i += n;
		if (c >= 0x10000) {
			uint32_t v = c - 0x10000, hi = 0xd800 | (v >> 10),
			    lo = 0xdc00 | (v & 0x3ff);

			u[0] = (unsigned char)hi;
			u[1] = (unsigned char)(hi >> 8);
			u[2] = (unsigned char)lo;
			u[3] = (unsigned char)(lo >> 8);
			if (buf_append(out, u, 4) != 0)
				return -1;
		} else {
			u[0] = (unsigned char)c;
			u[1] = (unsigned char)(c >> 8);
			if (buf_append(out, u, 2) != 0)
				return -1;
		}
	}
	return 0;
}
