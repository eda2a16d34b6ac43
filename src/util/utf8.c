/* utf8.c — see utf8.h. */
#include "util/utf8.h"

size_t
utf8_decode(const void *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = s;
	uint32_t c;
	size_t len;

	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		if (cp != NULL)
			*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		len = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4;
		c = u[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = c;
	return len;
}

int
utf8_check(const void *s, size_t n, size_t *bad)
{
	const unsigned char *u = s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] != 0 && u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] == 0 || (k = utf8_decode(u + i, n - i, NULL)) == 0) {
			if (bad != NULL)
				*bad = i;
			return -1;
		}
		i += k;
	}
	return 0;
}

size_t
utf8_cut(const void *s, size_t n, size_t max)
{
	const unsigned char *u = s;

	if (n <= max)
		return n;
	while (max > 0 && (u[max] & 0xc0) == 0x80)
		max--;
	return max;
}

bool
utf8_is_xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}
