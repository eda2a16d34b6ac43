/*
 * fuzz/content_window.c — libFuzzer target for sync_window_parse()
 * (src/sync/content_window.c: `wsusctl sync configure --content-window`
 * and the stored content_window setting).  Invariants checked (abort on
 * violation): an accepted window has both ends in 0..1439 and different;
 * the answer does not depend on the bytes that follow the value in
 * memory; sync_window_open of an accepted window does not crash (what
 * it answers depends on the machine's time zone).
 *
 * Seeds (fuzz/corpus/content_window/): valid windows, one wrapping past
 * midnight, and malformed ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sync_window w, w2;
	char *copy;
	int a, b;

	a = sync_window_parse((const char *)data, size, &w);
	if (a == 0 && (w.from < 0 || w.from > 1439 || w.to < 0 ||
	    w.to > 1439 || w.from == w.to))
		abort();
	if ((copy = malloc(size + 3)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	memcpy(copy + size, "-00", 3);
	b = sync_window_parse(copy, size, &w2);
	free(copy);
	if (a != b || (a == 0 && (w.from != w2.from || w.to != w2.to)))
		abort();
	if (a == 0)
		(void)sync_window_open(&w, (time_t)0);
	return 0;
}
