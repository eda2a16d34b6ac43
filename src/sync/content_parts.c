/*
 * content_parts.c — the state of a file downloaded in several ranged
 * parts (sync.h "split"): where each part begins and ends, and the
 * one-line state kept next to the part file in
 * CONTENT_DIR/.partial/SHA1HEX.parts so that every part resumes where it
 * stopped:
 *
 *	wsusd-parts SIZE N DONE0 DONE1 ... DONE(N-1)\n
 *
 * Part i covers [i * SIZE / N, (i + 1) * SIZE / N); DONEi is how many of
 * its bytes (from its start) are in the part file.  Not here: the
 * transfers (content.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sync/sync.h"

void
sync_content_part_range(uint64_t size, unsigned n, unsigned i,
    uint64_t *start, uint64_t *end)
{
	/* SIZE <= 2^56 (metadata sizes are far below): no overflow */
	*start = (uint64_t)((unsigned __int128)size * i / n);
	*end = (uint64_t)((unsigned __int128)size * (i + 1) / n);
}

/* A decimal number of 1..19 digits at *pp (< end), in the one form the
 * writer gives it: no leading zero but "0" itself (fuzz/content_parts
 * found "0100" read as 100, a state that does not format back).  0 or
 * -1. */
static int
num(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int k = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (++k > 19)
			return -1;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (k == 0 || (k > 1 && **pp == '0'))
		return -1;
	*out = v;
	*pp = p;
	return 0;
}

int
sync_content_parts_parse(const char *s, size_t len, uint64_t size,
    unsigned *n, uint64_t done[SYNC_CONTENT_PARTS_MAX])
{
	static const char magic[] = "wsusd-parts ";
	const char *p = s, *end = s + len;
	uint64_t v, a, b;
	unsigned i;

	if (len < sizeof(magic) - 1 || memcmp(p, magic, sizeof(magic) - 1) != 0)
		return -1;
	p += sizeof(magic) - 1;
	if (num(&p, end, &v) != 0 || v != size || p >= end || *p++ != ' ' ||
	    num(&p, end, &v) != 0 || v < 2 || v > SYNC_CONTENT_PARTS_MAX ||
	    v > size)
		return -1;
	*n = (unsigned)v;
	for (i = 0; i < *n; i++) {
		if (p >= end || *p++ != ' ' || num(&p, end, &done[i]) != 0)
			return -1;
		sync_content_part_range(size, *n, i, &a, &b);
		if (done[i] > b - a)
			return -1;
	}
	if (end - p != 1 || *p != '\n')
		return -1;
	return 0;
}

int
sync_content_parts_format(uint64_t size, unsigned n, const uint64_t *done,
    char *out, size_t outlen)
{
	size_t used;
	int w;

	w = snprintf(out, outlen, "wsusd-parts %llu %u",
	    (unsigned long long)size, n);
	if (w < 0 || (size_t)w >= outlen)
		return -1;
	used = (size_t)w;
	for (unsigned i = 0; i < n; i++) {
		w = snprintf(out + used, outlen - used, " %llu",
		    (unsigned long long)done[i]);
		if (w < 0 || (size_t)w >= outlen - used)
			return -1;
		used += (size_t)w;
	}
	if (used + 2 > outlen)
		return -1;
	out[used++] = '\n';
	out[used] = '\0';
	return (int)used;
}
