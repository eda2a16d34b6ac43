/*
 * guid.c — see guid.h.
 */
#include <stdlib.h>
#include <string.h>

#include "client/guid.h"

static int
hexval(char c)
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
guid_parse(const char *s, size_t n, struct guid *out)
{
	size_t i, k = 0;

	if (n == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		n = 36;
	}
	if (n != 36)
		return -1;
	for (i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if ((hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
			return -1;
		out->b[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return 0;
}

int
guid_parsez(const char *s, struct guid *out)
{
	return guid_parse(s, strlen(s), out);
}

void
guid_format(const struct guid *g, char out[GUID_STRLEN], bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[g->b[i] >> 4];
		out[o++] = digits[g->b[i] & 15];
	}
	out[o] = '\0';
}

int
guid_cmp(const struct guid *a, const struct guid *b)
{
	return memcmp(a->b, b->b, 16);
}

bool
guid_is_zero(const struct guid *g)
{
	for (int i = 0; i < 16; i++)
		if (g->b[i] != 0)
			return false;
	return true;
}

uint32_t
guid_hash(const struct guid *g)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++) {
		h ^= g->b[i];
		h *= 16777619u;
	}
	return h;
}

static int
cmp_void(const void *a, const void *b)
{
	return guid_cmp(a, b);
}

size_t
guid_sort_unique(struct guid *v, size_t n)
{
	size_t o = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_void);
	for (size_t i = 1; i < n; i++)
		if (guid_cmp(&v[o], &v[i]) != 0)
			v[++o] = v[i];
	return o + 1;
}

bool
guid_in(const struct guid *sorted, size_t n, const struct guid *g)
{
	return n > 0 && bsearch(g, sorted, n, sizeof(*g), cmp_void) != NULL;
}
