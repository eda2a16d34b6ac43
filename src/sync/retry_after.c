/*
 * retry_after.c — the value of a Retry-After header field of an
 * upstream's 503 or ServerBusy answer (RFC 9110 §10.2.3), for the wait
 * before a call is sent again (transport.c): delay-seconds, or an
 * HTTP-date in its preferred form, IMF-fixdate ("Sun, 06 Nov 1994
 * 08:49:37 GMT"), counted from the caller's now.
 *
 * It is not the waiting nor its bound (transport.c), and not the two
 * obsolete date forms (RFC 850, asctime): a sender must not generate
 * them; a value in one of them is refused and the normal backoff used.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "sync/sync.h"

static bool
digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static int
num(const char *p, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), no time zone
 * and no library state (timegm is not in C or POSIX). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" (exactly 29 bytes) -> *t; 0 or -1. */
static int
imf_fixdate(const char *p, size_t n, int64_t *t)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int day, mon, year, hh, mm, ss, i;

	if (n != 29 || p[3] != ',' || p[4] != ' ' || p[7] != ' ' ||
	    p[11] != ' ' || p[16] != ' ' || p[19] != ':' || p[22] != ':' ||
	    p[25] != ' ' || memcmp(p + 26, "GMT", 3) != 0)
		return -1;
	for (i = 0; i < 7; i++)
		if (memcmp(p, days + 3 * i, 3) == 0)
			break;
	if (i == 7)
		return -1;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(p + 8, months + 3 * mon, 3) == 0)
			break;
	if (mon == 12 || !digits(p + 5, 2) || !digits(p + 12, 4) ||
	    !digits(p + 17, 2) || !digits(p + 20, 2) || !digits(p + 23, 2))
		return -1;
	day = num(p + 5, 2);
	year = num(p + 12, 4);
	hh = num(p + 17, 2);
	mm = num(p + 20, 2);
	ss = num(p + 23, 2);
	/* 60: a leap second (RFC 9110 §5.6.7) */
	if (day < 1 || day > mdays[mon] || hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (mon == 1 && day == 29 && (year % 4 != 0 ||
	    (year % 100 == 0 && year % 400 != 0)))
		return -1;
	*t = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 +
	    mm * 60 + ss;
	return 0;
}

int
sync_retry_after_parse(const char *v, size_t len, time_t now,
    uint32_t *secs)
{
	uint64_t d = 0;
	int64_t t;
	size_t i;

	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' ||
	    v[len - 1] == '\r' || v[len - 1] == '\n'))
		len--;
	if (len == 0)
		return -1;
	if (digits(v, len)) {
		/* delay-seconds: any number of digits; a huge one is
		 * "longer than we wait" all the same */
		for (i = 0; i < len; i++) {
			d = d * 10 + (uint64_t)(v[i] - '0');
			if (d > UINT32_MAX) {
				d = UINT32_MAX;
				break;
			}
		}
		*secs = (uint32_t)d;
		return 0;
	}
	if (imf_fixdate(v, len, &t) != 0)
		return -1;
	if (t <= (int64_t)now)
		*secs = 0;
	else
		*secs = t - (int64_t)now > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)(t - (int64_t)now);
	return 0;
}
