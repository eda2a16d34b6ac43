/*
 * zblob.c — zlib compression of stored blobs (see zblob.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/zblob.h"
#include "util/xmalloc.h"

void
zblob_init(struct zblob *z)
{
	memset(z, 0, sizeof(*z));
}

void
zblob_free(struct zblob *z)
{
	if (z->ready)
		deflateEnd(&z->zs);
	free(z->out);
	memset(z, 0, sizeof(*z));
}

int
zblob_compress(struct zblob *z, const void *in, size_t len,
    const uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	uLong bound;
	int zrc;

	if (len > ZBLOB_MAX) {
		snprintf(err, errlen, "blob of %zu bytes exceeds %u", len,
		    ZBLOB_MAX);
		return -1;
	}
	if (!z->ready) {
		memset(&z->zs, 0, sizeof(z->zs));
		if (deflateInit(&z->zs, ZBLOB_LEVEL) != Z_OK) {
			snprintf(err, errlen, "zlib: deflateInit failed");
			return -1;
		}
		z->ready = true;
	} else if (deflateReset(&z->zs) != Z_OK) {
		snprintf(err, errlen, "zlib: deflateReset failed");
		return -1;
	}
	bound = deflateBound(&z->zs, (uLong)len);
	if (bound > z->cap) {
		free(z->out);
		z->cap = bound < 65536 ? 65536 : bound;
		z->out = xmalloc(z->cap);
	}
	z->zs.next_in = (Bytef *)(uintptr_t)in;
	z->zs.avail_in = (uInt)len;
	z->zs.next_out = z->out;
	z->zs.avail_out = (uInt)z->cap;
	zrc = deflate(&z->zs, Z_FINISH);
	if (zrc != Z_STREAM_END) {
		snprintf(err, errlen, "zlib: deflate failed (%d)", zrc);
		return -1;
	}
	*out = z->out;
	*outlen = z->cap - z->zs.avail_out;
	return 0;
}

int
zblob_decompress(const void *in, size_t inlen, size_t rawlen, size_t max,
    char **out, char *err, size_t errlen)
{
	z_stream zs;
	char *buf;
	char extra;
	int zrc;

	*out = NULL;
	if (rawlen > max || rawlen > ZBLOB_MAX) {
		snprintf(err, errlen, "stored blob claims %zu bytes (limit %zu)",
		    rawlen, max < ZBLOB_MAX ? max : (size_t)ZBLOB_MAX);
		return -1;
	}
	if (in == NULL || inlen == 0 || inlen > ZBLOB_MAX) {
		snprintf(err, errlen, "stored blob is empty or too large");
		return -1;
	}
	buf = xmalloc(rawlen + 1);
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK) {
		free(buf);
		snprintf(err, errlen, "zlib: inflateInit failed");
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)inlen;
	zs.next_out = (Bytef *)buf;
	zs.avail_out = (uInt)rawlen;
	zrc = inflate(&zs, Z_FINISH);
	if (zrc == Z_BUF_ERROR && zs.avail_out == 0) {
		/* Output full before the end: probe one more byte. */
		zs.next_out = (Bytef *)&extra;
		zs.avail_out = 1;
		zrc = inflate(&zs, Z_FINISH);
		if (zs.avail_out == 0)
			zrc = Z_DATA_ERROR;	/* longer than claimed */
	}
	if (zrc != Z_STREAM_END || zs.total_out != rawlen ||
	    zs.avail_in != 0) {
		inflateEnd(&zs);
		free(buf);
		snprintf(err, errlen, "stored blob is corrupt (zlib %d, "
		    "%lu of %zu bytes)", zrc, (unsigned long)zs.total_out,
		    rawlen);
		return -1;
	}
	inflateEnd(&zs);
	buf[rawlen] = '\0';
	*out = buf;
	return 0;
}
