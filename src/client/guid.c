/*
 * guid.c — see guid.h.
 */
#include <stdlib.h>
#include <string.h>

#include "client/guid.h"

int
guid_parse(const char *s, size_t n, struct guid *out)
{
	return guid_to_bytes(s, n, GUID_BRACES, out->b);
}

int
guid_parsez(const char *s, struct guid *out)
{
	return guid_parse(s, strlen(s), out);
}

void
guid_format(const struct guid *g, char out[GUID_STRLEN + 1], bool upper)
{
	guid_from_bytes(g->b, upper ? GUID_UPPER : 0, out);
}

int
guid_cmp(const struct guid *a, const struct guid *b)
{
	return memcmp(a->b, b->b, GUID_BYTES);
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
