/*
 * xpress.c — see xpress.h.  Written from the description of the format
 * in [MS-XCA] §2.4 (plain LZ77 decompression) and [MS-WUSP] §2.1.1
 * (block framing).
 */
#include <stdio.h>
#include <string.h>

#include "client/xpress.h"
#include "util/le.h"

int
lz77_plain_decode(const uint8_t *in, size_t inlen, uint8_t *out,
    size_t outcap, size_t *outlen)
{
	size_t ip = 0, op = 0, half = 0;
	uint32_t flags = 0;
	int nflags = 0;
	int have_half = 0;

	for (;;) {
		if (nflags == 0) {
			if (inlen - ip < 4)
				return -1;
			flags = le_get32(in + ip);
			ip += 4;
			nflags = 32;
		}
		nflags--;
		if ((flags & (1u << nflags)) == 0) {
			/* a literal; the stream may end before it */
			if (ip == inlen) {
				*outlen = op;
				return 0;
			}
			if (op == outcap)
				return -1;
			out[op++] = in[ip++];
			continue;
		}
		if (ip == inlen) {
			/* end marker: a match flag with no input left */
			*outlen = op;
			return 0;
		}
		{
			size_t len, off;
			uint16_t tok;

			if (inlen - ip < 2)
				return -1;
			tok = le_get16(in + ip);
			ip += 2;
			len = tok & 7;
			off = (size_t)(tok >> 3) + 1;
			if (len == 7) {
				if (!have_half) {
					if (ip == inlen)
						return -1;
					half = ip;
					len = in[ip++] & 15;
					have_half = 1;
				} else {
					len = in[half] >> 4;
					have_half = 0;
				}
				if (len == 15) {
					if (ip == inlen)
						return -1;
					len = in[ip++];
					if (len == 255) {
						if (inlen - ip < 2)
							return -1;
						len = le_get16(in + ip);
						ip += 2;
						if (len == 0) {
							if (inlen - ip < 4)
								return -1;
							len = le_get32(in + ip);
							ip += 4;
						}
						if (len < 15 + 7)
							return -1;
						len -= 15 + 7;
					}
					len += 15;
				}
				len += 7;
			}
			len += 3;
			if (off > op || len > outcap - op)
				return -1;
			/* byte by byte: the source may overlap the target */
			for (size_t i = 0; i < len; i++, op++)
				out[op] = out[op - off];
		}
	}
}

int
xpress_decode(const uint8_t *in, size_t len, struct buf *out, char *err,
    size_t errlen)
{
	uint8_t block[XPRESS_BLOCK_MAX];
	size_t pos = 0, nblocks = 0;

	while (pos < len) {
		uint32_t orig, comp;
		size_t got;

		if (len - pos < 8) {
			snprintf(err, errlen, "xpress: truncated block header");
			return -1;
		}
		orig = le_get32(in + pos);
		comp = le_get32(in + pos + 4);
		pos += 8;
		nblocks++;
		if (orig > XPRESS_BLOCK_MAX || comp > XPRESS_BLOCK_MAX ||
		    comp == 0) {
			snprintf(err, errlen, "xpress: block %zu: bad sizes "
			    "%u/%u", nblocks, orig, comp);
			return -1;
		}
		if (comp > len - pos) {
			snprintf(err, errlen, "xpress: block %zu: truncated",
			    nblocks);
			return -1;
		}
		if (lz77_plain_decode(in + pos, comp, block, orig, &got) == -1 ||
		    got != orig) {
			snprintf(err, errlen, "xpress: block %zu: corrupt data",
			    nblocks);
			return -1;
		}
		if (buf_append(out, block, got) == -1) {
			snprintf(err, errlen, "xpress: decoded body too large");
			return -1;
		}
		pos += comp;
	}
	return 0;
}
