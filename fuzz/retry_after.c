/*
 * fuzz/retry_after.c — libFuzzer target for sync_retry_after_parse()
 * (src/sync/retry_after.c: the Retry-After of an upstream's 503 or
 * ServerBusy answer).  Invariants checked (abort on violation): the
 * answer does not depend on the bytes that follow the value in memory;
 * a date is counted from now (a later now never gives a longer wait,
 * one second later at most one second less); blanks around the value
 * change nothing.
 *
 * Seeds (fuzz/corpus/retry_after/): delay-seconds, IMF-fixdate (RFC
 * 9110's example), the obsolete date forms (refused) and hostile forms.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW	((time_t)1700000000)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t a, b, c, d;
	char *copy;
	int ra, rb, rc, rd;

	ra = sync_retry_after_parse((const char *)data, size, NOW, &a);
	if ((copy = malloc(size + 2)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy + 1, data, size);
	copy[0] = ' ';
	copy[size + 1] = '7';
	rb = sync_retry_after_parse(copy + 1, size, NOW, &b);
	rc = sync_retry_after_parse(copy, size + 1, NOW, &c);
	free(copy);
	if (ra != rb || (ra == 0 && a != b))
		abort();
	/* a leading blank: the same answer */
	if (ra != rc || (ra == 0 && a != c))
		abort();
	rd = sync_retry_after_parse((const char *)data, size, NOW + 1, &d);
	if (ra != rd || (ra == 0 && (d > a || (a > 0 && a != UINT32_MAX &&
	    d + 1 < a))))
		abort();
	return 0;
}
