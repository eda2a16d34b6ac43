/*
 * fuzz/content_range.c — libFuzzer target for sync_content_range_parse()
 * (src/sync/content.c: the Content-Range of a 206 answer to a resumed
 * content download).  Invariants checked (abort on violation): an
 * accepted value has FIRST <= LAST and LAST < SIZE (or SIZE '*'); the
 * answer does not depend on the bytes that follow the value in memory.
 *
 * Seeds (fuzz/corpus/content_range/): the answers wsusd's content route
 * gives to the downstream's "Range: bytes=N-" (tests/e2e-content) and
 * hostile forms.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t f, l, z, f2, l2, z2;
	char *copy;
	int a, b;

	a = sync_content_range_parse((const char *)data, size, &f, &l, &z);
	if (a == 0 && (f > l || (z != UINT64_MAX && l >= z)))
		abort();
	if ((copy = malloc(size + 3)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	memcpy(copy + size, "0/9", 3);
	b = sync_content_range_parse(copy, size, &f2, &l2, &z2);
	free(copy);
	if (a != b || (a == 0 && (f != f2 || l != l2 || z != z2)))
		abort();
	return 0;
}
