/*
 * encode.h — hex and base64 for digests and keys.
 */
#ifndef WSUSD_UTIL_ENCODE_H
#define WSUSD_UTIL_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Hex of n bytes into out (2n+1 bytes); upper selects A-F. */
void	hex_encode(const uint8_t *in, size_t n, char *out, int upper);
/* Exactly 2n hex digits (any case) into n bytes; 0 or -1. */
int	hex_decode(const char *in, uint8_t *out, size_t n);
/* Standard base64 with padding; out needs 4*((n+2)/3)+1 bytes. */
void	base64_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decode standard base64 (padding required, no whitespace) into out of
 * capacity outcap; *outlen gets the byte count.  0 or -1 on bad input.
 */
int	base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap,
	    size_t *outlen);
/* A random version-4 GUID in lower case, from OpenSSL's RAND_bytes. 0/-1 */
int	guid_random(char out[37]);

#endif
