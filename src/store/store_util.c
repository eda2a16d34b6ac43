/*
 * store_util.c — validation and error helpers shared by the backends.
 * No database code here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store_util.h"
#include "util/guid.h"
#include "util/utf8.h"

int
store_seterr(struct store *st, int rc, const char *fmt, ...)
{
	char msg[sizeof(st->errmsg)];
	va_list ap;

	/*
	 * Format into a copy first: callers wrap the previous error
	 * ("committing ... (%s)", st->errmsg), and vsnprintf() into the
	 * buffer it reads from nests the text into itself.
	 */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(st->errmsg, msg, sizeof(msg));
	return rc;
}

/* Kept as the store's name for guid_canon() (many backend callers). */
int
store_guid_norm(const char *in, char out[GUID_STRLEN + 1])
{
	return guid_canon(in, in != NULL ? strlen(in) : 0, 0, out);
}

/*
 * Length of the valid UTF-8 sequence at the NUL-terminated s (1..4), or 0
 * when invalid or a C1 control U+0080..U+009F.
 */
static size_t
utf8_seq(const unsigned char *s)
{
	uint32_t cp;
	size_t n = utf8_decode(s, 4, &cp);

	if (n == 0 || (cp >= 0x80 && cp <= 0x9f))
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
