/*
 * fuzz/content_parts.c — libFuzzer target for sync_content_parts_parse()
 * (src/sync/content_parts.c: the state of a file downloaded in ranged
 * parts, CONTENT_DIR/.partial/SHA1HEX.parts, read back after an
 * interrupted run).  The first 8 bytes are the file size the state must
 * match, the rest the state.  Invariants checked (abort on violation):
 * an accepted state has 2..SYNC_CONTENT_PARTS_MAX parts, no part done
 * beyond its length, and formats back to the same bytes; the answer
 * does not depend on the bytes that follow the state in memory.
 *
 * Seeds (fuzz/corpus/content_parts/): states tests/e2e-content writes
 * and malformed ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t fsize = 0, a, b;
	uint64_t done[SYNC_CONTENT_PARTS_MAX], d2[SYNC_CONTENT_PARTS_MAX];
	char out[1024], *copy;
	unsigned n = 0, n2 = 0;
	int r, r2, len;

	if (size < 8)
		return 0;
	for (int i = 0; i < 8; i++)
		fsize = fsize << 8 | data[i];
	fsize >>= 8;	/* at most 2^56 */
	data += 8;
	size -= 8;
	r = sync_content_parts_parse((const char *)data, size, fsize, &n, done);
	if (r == 0) {
		if (n < 2 || n > SYNC_CONTENT_PARTS_MAX)
			abort();
		for (unsigned i = 0; i < n; i++) {
			sync_content_part_range(fsize, n, i, &a, &b);
			if (a > b || b > fsize || done[i] > b - a)
				abort();
		}
		len = sync_content_parts_format(fsize, n, done, out,
		    sizeof(out));
		if (len < 0 || (size_t)len != size ||
		    memcmp(out, data, size) != 0)
			abort();
	}
	if ((copy = malloc(size + 2)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	memcpy(copy + size, " 1", 2);
	r2 = sync_content_parts_parse(copy, size, fsize, &n2, d2);
	free(copy);
	if (r != r2 || (r == 0 && (n != n2 ||
	    memcmp(done, d2, n * sizeof(done[0])) != 0)))
		abort();
	return 0;
}
