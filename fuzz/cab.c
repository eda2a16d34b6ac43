/*
 * fuzz/cab.c — libFuzzer harness for cab_extract_first(): arbitrary
 * bytes as an in-memory cabinet.  Must never crash, leak, or return more
 * than the output limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "metadata/cab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CAB_MAXOUT (4u * 1024 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, err[160];
	size_t outlen = 0;

	if (cab_extract_first(data, size, FUZZ_CAB_MAXOUT, &out, &outlen, err,
	    sizeof(err)) == 0) {
		if (out == NULL || outlen > FUZZ_CAB_MAXOUT)
			abort();
		free(out);
	} else if (out != NULL || err[0] == '\0') {
		abort();
	}
	return 0;
}
