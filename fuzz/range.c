/*
 * fuzz/range.c — libFuzzer target for range_parse().  Input layout: the
 * first line (up to '\n') is the resource size in decimal (absent or bad:
 * several fixed sizes are tried), the rest is the Range field value.
 * Invariants checked (abort on violation): a satisfiable answer lies
 * inside the resource; the answer does not depend on the bytes that
 * follow the value in memory.
 *
 * Seeds (fuzz/corpus/range/): the RFC 9110 §14.1.2 examples, hostile
 * forms, and "do-first-piece": the Range value and file size of the
 * Delivery Optimization request captured from a real WSUS
 * (/work/shared/testdata/real/soap/wusp-native-capture/content-headers,
 * CaddyGlow/wsus-rs, MIT).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *v, size_t len, uint64_t rsize)
{
	struct byte_range r, r2;
	enum range_result a, b;
	char *copy;

	a = range_parse(v, len, rsize, &r);
	if (a == RANGE_SATISFIABLE && (r.first > r.last || r.last >= rsize))
		abort();
	/* the same bytes in a buffer of exactly len, with junk after it */
	if ((copy = malloc(len + 2)) == NULL)
		abort();
	if (len > 0)
		memcpy(copy, v, len);
	copy[len] = '-';
	copy[len + 1] = '9';
	b = range_parse(copy, len, rsize, &r2);
	free(copy);
	if (a != b)
		abort();
	if (a == RANGE_SATISFIABLE &&
	    (r.first != r2.first || r.last != r2.last))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[] = {
		0, 1, 2, 500, 10000, 1048576, 204745168, UINT64_MAX / 2,
		UINT64_MAX - 1, UINT64_MAX,
	};
	const char *v = (const char *)data;
	const char *nl = memchr(data, '\n', size);
	uint64_t rsize = 0;
	int have = 0;

	if (nl != NULL && nl - v <= 20 && nl > v) {
		have = 1;
		for (const char *p = v; p < nl; p++) {
			if (*p < '0' || *p > '9' ||
			    rsize > (UINT64_MAX - 9) / 10) {
				have = 0;
				break;
			}
			rsize = rsize * 10 + (uint64_t)(*p - '0');
		}
		if (have) {
			size -= (size_t)(nl - v) + 1;
			v = nl + 1;
		}
	}
	if (have) {
		check(v, size, rsize);
	} else {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			check(v, size, sizes[i]);
	}
	return 0;
}
