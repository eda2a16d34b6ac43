/*
 * zblob.h — zlib (RFC 1950) compression of stored XML blobs, shared by the
 * backends.  Blobs are kept as a zlib stream plus the uncompressed length;
 * the output is what compress2(3) produces, so any zlib reader can open
 * a stored blob.  A struct zblob keeps one deflate state and one output
 * buffer for reuse across calls (much cheaper than compress2 per blob);
 * it belongs to one store handle and so to one thread.
 */
#ifndef WSUSD_STORE_ZBLOB_H
#define WSUSD_STORE_ZBLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

/* Fast level: metadata XML compresses ~8:1 even at level 1. */
#define ZBLOB_LEVEL	1
/* Largest blob either direction (the metadata layer's document bound). */
#define ZBLOB_MAX	(16u * 1024 * 1024)

struct zblob {
	z_stream zs;		/* deflate state, reset per blob */
	bool	 ready;		/* zs initialised */
	uint8_t	*out;		/* owned; output of the last compress */
	size_t	 cap;		/* bytes allocated at out */
};

void	zblob_init(struct zblob *);
void	zblob_free(struct zblob *);
/*
 * Compress len bytes.  *out points into z (valid until the next call).
 * 0, or -1 with a reason in err (too large, zlib failure).
 */
int	zblob_compress(struct zblob *z, const void *in, size_t len,
	    const uint8_t **out, size_t *outlen, char *err, size_t errlen);
/*
 * Inflate a stored blob whose uncompressed length is rawlen (<= max) into
 * a new NUL-terminated buffer (caller frees).  Fails (-1, reason in err)
 * unless the stream inflates to exactly rawlen bytes and ends there.
 */
int	zblob_decompress(const void *in, size_t inlen, size_t rawlen,
	    size_t max, char **out, char *err, size_t errlen);

#endif
