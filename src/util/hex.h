/*
 * hex.h — hexadecimal digits: one digit's value, bytes <-> hex text.
 *
 * The one hex codec of the tree (digests, keys, GUIDs, %XX escapes).
 * Not base64 (util/encode.h) and not GUID syntax (util/guid.h).
 */
#ifndef WSUSD_UTIL_HEX_H
#define WSUSD_UTIL_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value 0..15 of the hex digit c (any case), or -1 when c is not one. */
int	hex_digit(int c);
/* True when the n characters at s are all hex digits (any case). */
bool	hex_all_digits(const char *s, size_t n);
/* Hex of n bytes into out (2n+1 bytes, NUL-terminated); upper: A-F. */
void	hex_encode(const uint8_t *in, size_t n, char *out, int upper);
/* The NUL-terminated in must be exactly 2n hex digits (any case); 0/-1. */
int	hex_decode(const char *in, uint8_t *out, size_t n);
/*
 * The len characters at in (no NUL needed) must be exactly 2n hex digits
 * (any case); out gets n bytes.  0, or -1 with out unspecified.
 */
int	hex_decode_n(const char *in, size_t len, uint8_t *out, size_t n);

#endif
