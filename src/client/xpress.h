/*
 * xpress.h — decoding of the "xpress" HTTP content encoding of MS-WUSP
 * (§2.1.1): a sequence of blocks, each prefixed by two little-endian
 * signed 32-bit sizes (original, compressed), each at most 65535 bytes,
 * compressed with LZ77 + DIRECT2 (the "plain LZ77" format of [MS-XCA]
 * §2.3-2.4: 32-bit flag words, 16-bit match tokens with a 13-bit offset
 * and 3-bit length, extended by a shared nibble, a byte, a 16-bit or a
 * 32-bit length).  Every size is checked against the block header; the
 * output is bounded by the caller's buffer maximum.
 * Not here: compression (the client never compresses requests).
 */
#ifndef WSUSD_CLIENT_XPRESS_H
#define WSUSD_CLIENT_XPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define XPRESS_BLOCK_MAX	65535

/*
 * Plain LZ77 of one block: in/inlen into out (capacity outcap); the
 * number of bytes written in *outlen.  0, or -1 on malformed input or
 * when the output would not fit.
 */
int	lz77_plain_decode(const uint8_t *in, size_t inlen, uint8_t *out,
	    size_t outcap, size_t *outlen);

/* A whole xpress body appended to out; 0 or -1 with a reason. */
int	xpress_decode(const uint8_t *in, size_t len, struct buf *out,
	    char *err, size_t errlen);

#endif
