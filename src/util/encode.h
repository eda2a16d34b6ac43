/*
 * encode.h — base64 for digests and keys.  Hex lives in util/hex.h
 * (included here for the callers of old), GUIDs in util/guid.h.
 */
#ifndef WSUSD_UTIL_ENCODE_H
#define WSUSD_UTIL_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "util/hex.h"

/* Standard base64 with padding; out needs 4*((n+2)/3)+1 bytes. */
void	base64_encode(const uint8_t *in, size_t n, char *out);
/* Value 0..63 of the standard base64 digit c, or -1 (also for '='). */
int	base64_digit(int c);
/*
 * Decode standard base64 (padding required, no whitespace) into out of
 * capacity outcap; *outlen gets the byte count.  0 or -1 on bad input.
 */
int	base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap,
	    size_t *outlen);

#endif
