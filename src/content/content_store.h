/*
 * content_store.h — the hash-addressed content directory, laid out as WSUS
 * lays out WsusContent:  CONTENT/XX/SHA1HEX.ext  where SHA1HEX is the
 * upper-case hex SHA-1 of the file, XX its last two hex digits and .ext the
 * extension of the FileName in the metadata ([MS-WUSP] §3.1.5.9 note; real
 * WSUS URLs such as /Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe).
 */
#ifndef WSUSD_CONTENT_CONTENT_STORE_H
#define WSUSD_CONTENT_CONTENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTENT_EXT_MAX 16	/* longest extension kept, dot included */

/*
 * The relative path "XX/SHA1HEX.ext" for a file: ext is taken from
 * filename (may be NULL: no extension); an extension that is longer than
 * CONTENT_EXT_MAX or holds anything but [A-Za-z0-9_-] is dropped.
 * Writes at most outlen bytes; returns 0 or -1 if it does not fit.
 */
int	content_relpath(const uint8_t sha1[20], const char *filename,
	    char *out, size_t outlen);

/*
 * Copy src into the content store at dir after verifying its SHA-1 (and
 * SHA-256 when sha256 is non-NULL) and size (when size != UINT64_MAX):
 * the bytes go to a temporary file in the same directory, are hashed on
 * the way, fsync'd, and renamed into place only when every digest
 * matches.  *already is set when an identical file was there.
 * Returns 0, or -1 with err set and nothing left behind.
 */
int	content_import(const char *dir, const char *src, const uint8_t sha1[20],
	    const uint8_t *sha256, uint64_t size, const char *filename,
	    bool *already, char *err, size_t errlen);

/*
 * Publish src, a file already in the content directory's file system
 * (a finished download), by moving it: src is hashed in place, and only
 * when size, SHA-1 and (sha256 non-NULL) SHA-256 match is it fsync'd,
 * made 0644 and renamed to its place (replacing what was there).
 * Returns 0; or -1 with err set and src left where it was, *mismatch
 * telling a digest or size mismatch from an I/O error.
 */
int	content_publish(const char *dir, const char *src, const uint8_t sha1[20],
	    const uint8_t *sha256, uint64_t size, const char *filename,
	    bool *mismatch, char *err, size_t errlen);

/*
 * SHA-1 and SHA-256 of a byte stream fed in pieces: a download hashed as
 * its bytes arrive, so publishing it need not read the file back.
 */
struct content_digest;

/* A fresh digest state; NULL when OpenSSL cannot make one. */
struct content_digest *content_digest_new(void);
/* Start over (the stream restarts at byte 0).  0 or -1. */
int	content_digest_reset(struct content_digest *);
/* Feed len bytes.  0 or -1. */
int	content_digest_update(struct content_digest *, const void *,
	    size_t len);
/*
 * Feed the first len bytes of the open file fd (read with pread from
 * offset 0: fd's offset is not moved) — the prefix a resumed download
 * has on disk.  0, or -1 with err set (a short file is an error).
 */
int	content_digest_prefix(struct content_digest *, int fd, uint64_t len,
	    char *err, size_t errlen);
/* The digests and byte count of what was fed; the state is spent
 * (reset it to reuse it).  0 or -1. */
int	content_digest_final(struct content_digest *, uint8_t sha1[20],
	    uint8_t sha256[32], uint64_t *size);
void	content_digest_free(struct content_digest *);

/*
 * content_publish for a file whose writer hashed every byte it wrote
 * (got_sha1, got_sha256, got_size): nothing is read back.  The file's
 * length on disk must be got_size, and got_* must match size, sha1 and
 * (sha256 non-NULL) sha256; then, as content_publish, it is fsync'd, made
 * 0644 and renamed into place.  Never renames on a mismatch (*mismatch
 * set, src left where it was).  The caller vouches that got_* are the
 * digests of the bytes it wrote to src.
 */
int	content_publish_digested(const char *dir, const char *src,
	    const uint8_t sha1[20], const uint8_t *sha256, uint64_t size,
	    const char *filename, const uint8_t got_sha1[20],
	    const uint8_t got_sha256[32], uint64_t got_size, bool *mismatch,
	    char *err, size_t errlen);

/* Hash a whole file: SHA-1 and SHA-256 and size.  0 or -1 with err. */
int	content_hash_file(const char *path, uint8_t sha1[20], uint8_t sha256[32],
	    uint64_t *size, char *err, size_t errlen);

#endif
