/* guid.c — see guid.h. */
#include <string.h>

#include <openssl/rand.h>

#include "util/guid.h"

/* Strip the braces GUID_BRACES allows; -1 when the length is wrong. */
static int
unbrace(const char **s, size_t *n, unsigned flags)
{
	if (*s == NULL)
		return -1;
	if ((flags & GUID_BRACES) && *n == GUID_STRLEN + 2 &&
	    (*s)[0] == '{' && (*s)[GUID_STRLEN + 1] == '}') {
		(*s)++;
		*n = GUID_STRLEN;
	}
	return *n == GUID_STRLEN ? 0 : -1;
}

static bool
dash_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

/*
 * One hex digit's value, or -1.  Here rather than hex_digit() of hex.c:
 * a call per digit (32 per GUID, hundreds of GUIDs per GetUpdateData)
 * cost more than the rest of the parse.  c | 0x20 lowers A-F and maps
 * nothing else into a-f.
 */
static inline int
hexval(unsigned char c)
{
	if ((unsigned)(c - '0') < 10)
		return c - '0';
	c |= 0x20;
	if ((unsigned)(c - 'a') < 6)
		return c - 'a' + 10;
	return -1;
}

int
guid_to_bytes(const char *s, size_t n, unsigned flags, uint8_t out[GUID_BYTES])
{
	uint8_t g[GUID_BYTES];
	size_t i, k = 0;

	if (unbrace(&s, &n, flags) == -1)
		return -1;
	for (i = 0; i < GUID_STRLEN; i++) {
		int hi, lo;

		if (dash_at(i)) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if ((hi = hexval((unsigned char)s[i])) < 0 ||
		    (lo = hexval((unsigned char)s[i + 1])) < 0)
			return -1;
		g[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	memcpy(out, g, GUID_BYTES);
	return 0;
}

bool
guid_valid(const char *s, size_t n, unsigned flags)
{
	uint8_t g[GUID_BYTES];

	return guid_to_bytes(s, n, flags, g) == 0;
}

void
guid_from_bytes(const uint8_t g[GUID_BYTES], unsigned flags,
    char out[GUID_STRLEN + 1])
{
	const char *d = (flags & GUID_UPPER) ? "0123456789ABCDEF" :
	    "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < GUID_BYTES; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = d[g[i] >> 4];
		out[o++] = d[g[i] & 15];
	}
	out[o] = '\0';
}

/*
 * The canonical form straight from the text (what guid_to_bytes() then
 * guid_from_bytes() give: the digits lowered, the dashes where they
 * were), without the round trip through bytes: servers canonicalize every
 * GUID of every request.  Checked whole before anything is written, so
 * that out may be s.
 */
int
guid_canon(const char *s, size_t n, unsigned flags, char out[GUID_STRLEN + 1])
{
	size_t i;

	if (unbrace(&s, &n, flags) == -1)
		goto bad;
	for (i = 0; i < GUID_STRLEN; i++)
		if (dash_at(i) ? s[i] != '-' : hexval((unsigned char)s[i]) < 0)
			goto bad;
	for (i = 0; i < GUID_STRLEN; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (char)(c >= 'A' && c <= 'F' ? c | 0x20 : c);
	}
	out[GUID_STRLEN] = '\0';
	return 0;
bad:
	out[0] = '\0';
	return -1;
}

int
guid_random(char out[GUID_STRLEN + 1])
{
	uint8_t r[GUID_BYTES];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	guid_from_bytes(r, 0, out);
	return 0;
}
