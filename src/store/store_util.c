/*
 * store_util.c — validation and error helpers shared by the backends.
 * No database code here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store_util.h"

int
store_seterr(struct store *st, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof(st->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
store_guid_norm(const char *in, char out[GUID_STRLEN + 1])
{
	size_t i;

	if (in == NULL || strlen(in) != GUID_STRLEN)
		return -1;
	for (i = 0; i < GUID_STRLEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (in[i] != '-')
				return -1;
			out[i] = '-';
			continue;
		}
		if (hexval((unsigned char)in[i]) < 0)
			return -1;
		out[i] = (in[i] >= 'A' && in[i] <= 'F') ? in[i] - 'A' + 'a' :
		    in[i];
	}
	out[GUID_STRLEN] = '\0';
	return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls U+0080..U+009F */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return n;
}

int
store_group_name_check(const char *name, char *err, size_t errlen)
{
	const unsigned char *p;
	size_t len, n;

	if (name == NULL || *name == '\0') {
		snprintf(err, errlen, "group name is empty");
		return -1;
	}
	len = strlen(name);
	if (len > GROUP_NAME_MAX) {
		snprintf(err, errlen, "group name is longer than %d bytes",
		    GROUP_NAME_MAX);
		return -1;
	}
	if (name[0] == ' ' || name[len - 1] == ' ') {
		snprintf(err, errlen,
		    "group name must not begin or end with a blank");
		return -1;
	}
	for (p = (const unsigned char *)name; *p != '\0'; p += n) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen,
			    "group name contains a control character");
			return -1;
		}
		if ((n = utf8_seq(p)) == 0) {
			snprintf(err, errlen,
			    "group name is not valid UTF-8 text");
			return -1;
		}
	}
	return 0;
}

int
store_kb_norm(const char *in, char *out, size_t outlen)
{
	size_t i, n;

	if (in == NULL)
		return -1;
	if ((in[0] == 'K' || in[0] == 'k') && (in[1] == 'B' || in[1] == 'b'))
		in += 2;
	n = strlen(in);
	if (n == 0 || n >= outlen || n > 16)
		return -1;
	for (i = 0; i < n; i++)
		if (in[i] < '0' || in[i] > '9')
			return -1;
	memcpy(out, in, n + 1);
	return 0;
}

int
store_lang_norm(const char *in, char out[16])
{
	size_t i, n;

	if (in == NULL)
		return -1;
	n = strlen(in);
	if (n == 0 || n > 15)
		return -1;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

int64_t
store_now(void)
{
	return (int64_t)time(NULL);
}
