/*
 * content_store.c — the hash-addressed content directory (see
 * content_store.h): path naming, verified atomic import, whole-file
 * hashing.  It does not know about the database (the caller records what
 * is present) nor about HTTP (src/http/content_handler.c serves the files).
 *
 * Import writes the copy to a hidden temporary file ".NAME.tmp.XXXXXX" in
 * the target directory while hashing it, fsyncs it and renames it into
 * place only when SHA-1, SHA-256 and size all match.  The temporary name
 * starts with a dot, so the HTTP name whitelist never serves it.
 * Publish (a finished download inside the content directory) verifies
 * the file in place and renames it: no copy.  A download hashed while it
 * was written (struct content_digest, fed by the sync's write callback)
 * is published with those digests (content_publish_digested): only its
 * length is checked on disk, its bytes are not read again.  Run as root on a directory
 * another user owns (sudo wsusctl), files and folders made here take the
 * content directory's owner (adopt_owner), so wsusd can manage them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "content/content_store.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/xmalloc.h"

#define COPY_CHUNK	(1024 * 1024)	/* bytes read per read(2) */

/* Digest state of one pass over a file. */
struct hasher {
	EVP_MD_CTX	*sha1;		/* owned */
	EVP_MD_CTX	*sha256;	/* owned */
	uint64_t	 size;		/* bytes seen */
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
ext_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int
content_relpath(const uint8_t sha1[20], const char *filename, char *out,
    size_t outlen)
{
	char hex[41];
	const char *ext = "";
	size_t extlen = 0;

	hex_encode(sha1, 20, hex, 1);
	if (filename != NULL) {
		const char *dot = strrchr(filename, '.');
		if (dot != NULL && dot[1] != '\0') {
			extlen = strlen(dot);
			ext = dot;
			if (extlen > CONTENT_EXT_MAX)
				extlen = 0;
			for (size_t i = 1; i < extlen; i++) {
				if (!ext_char_ok(dot[i])) {
					extlen = 0;
					break;
				}
			}
		}
	}
	/* "XY/<40 hex><ext>" put together by hand: snprintf was a tenth of
	 * a GetUpdateData answer's fileUrls (docs/PERFORMANCE.md) */
	if (outlen < 3 + 40 + extlen + 1)
		return -1;
	out[0] = hex[38];
	out[1] = hex[39];
	out[2] = '/';
	memcpy(out + 3, hex, 40);
	memcpy(out + 43, ext, extlen);
	out[43 + extlen] = '\0';
	return 0;
}

static int
hasher_init(struct hasher *h)
{
	h->size = 0;
	h->sha1 = EVP_MD_CTX_new();
	h->sha256 = EVP_MD_CTX_new();
	if (h->sha1 == NULL || h->sha256 == NULL ||
	    EVP_DigestInit_ex(h->sha1, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestInit_ex(h->sha256, EVP_sha256(), NULL) != 1)
		return -1;
	return 0;
}

static void
hasher_free(struct hasher *h)
{
	EVP_MD_CTX_free(h->sha1);
	EVP_MD_CTX_free(h->sha256);
	h->sha1 = h->sha256 = NULL;
}

static int
hasher_final(struct hasher *h, uint8_t sha1[20], uint8_t sha256[32])
{
	unsigned n1 = 0, n2 = 0;

	if (EVP_DigestFinal_ex(h->sha1, sha1, &n1) != 1 ||
	    EVP_DigestFinal_ex(h->sha256, sha256, &n2) != 1 ||
	    n1 != 20 || n2 != 32)
		return -1;
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Read fdin to its end, hashing every byte, and copy it to fdout unless
 * fdout is -1.  0, or -1 with err set (what names the failing side).
 */
static int
hash_copy(int fdin, const char *inname, int fdout, const char *outname,
    uint8_t sha1[20], uint8_t sha256[32], uint64_t *size, char *err,
    size_t errlen)
{
	struct hasher h;
	uint8_t *chunk = xmalloc(COPY_CHUNK);
	int rc = -1;

	if (hasher_init(&h) == -1) {
		seterr(err, errlen, "OpenSSL digest initialisation failed");
		goto done;
	}
	for (;;) {
		ssize_t r = read(fdin, chunk, COPY_CHUNK);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			seterr(err, errlen, "read %s: %s", inname,
			    strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		if (EVP_DigestUpdate(h.sha1, chunk, (size_t)r) != 1 ||
		    EVP_DigestUpdate(h.sha256, chunk, (size_t)r) != 1) {
			seterr(err, errlen, "OpenSSL digest update failed");
			goto done;
		}
		h.size += (uint64_t)r;
		if (fdout != -1 && write_all(fdout, chunk, (size_t)r) == -1) {
			seterr(err, errlen, "write %s: %s", outname,
			    strerror(errno));
			goto done;
		}
	}
	if (hasher_final(&h, sha1, sha256) == -1) {
		seterr(err, errlen, "OpenSSL digest finalisation failed");
		goto done;
	}
	*size = h.size;
	rc = 0;
done:
	hasher_free(&h);
	free(chunk);
	return rc;
}

int
content_hash_file(const char *path, uint8_t sha1[20], uint8_t sha256[32],
    uint64_t *size, char *err, size_t errlen)
{
	struct stat sb;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	rc = hash_copy(fd, path, -1, NULL, sha1, sha256, size, err, errlen);
	close(fd);
	return rc;
}

/* Does the file at path have exactly these digests (and size)? */
static int
same_file(const char *path, const uint8_t sha1[20], const uint8_t *sha256,
    uint64_t size)
{
	uint8_t h1[20], h2[32];
	uint64_t n;
	char e[16];

	if (content_hash_file(path, h1, h2, &n, e, sizeof(e)) == -1)
		return 0;
	if (memcmp(h1, sha1, 20) != 0)
		return 0;
	if (sha256 != NULL && memcmp(h2, sha256, 32) != 0)
		return 0;
	if (size != UINT64_MAX && n != size)
		return 0;
	return 1;
}

int
content_import(const char *dir, const char *src, const uint8_t sha1[20],
    const uint8_t *sha256, uint64_t size, const char *filename,
    bool *already, char *err, size_t errlen)
{
	char rel[64], target[PATH_MAX], subdir[PATH_MAX], tmp[PATH_MAX];
	char want[65], got[65];
	uint8_t h1[20], h2[32];
	uint64_t n;
	struct stat sb;
	int in = -1, out = -1, made_dir = 0, have_tmp = 0;

	if (already != NULL)
		*already = false;
	if (content_relpath(sha1, filename, rel, sizeof(rel)) == -1) {
		seterr(err, errlen, "content path does not fit");
		return -1;
	}
	if (snprintf(target, sizeof(target), "%s/%s", dir, rel) >=
	    (int)sizeof(target) ||
	    snprintf(subdir, sizeof(subdir), "%s/%.2s", dir, rel) >=
	    (int)sizeof(subdir)) {
		seterr(err, errlen, "%s: path too long", dir);
		return -1;
	}
	/* the temporary name: ".<name>.tmp.XXXXXX" next to the target */
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.XXXXXX", subdir,
	    rel + 3) >= (int)sizeof(tmp)) {
		seterr(err, errlen, "%s: path too long", dir);
		return -1;
	}

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (fstat(in, &sb) == -1) {
		seterr(err, errlen, "%s: %s", src, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s: not a regular file", src);
		goto fail;
	}
	if (size != UINT64_MAX && (uint64_t)sb.st_size != size) {
		seterr(err, errlen, "%s: size %llu, expected %llu", src,
		    (unsigned long long)sb.st_size, (unsigned long long)size);
		goto fail;
	}

	/* an identical file already in place: nothing to do */
	if (lstat(target, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    same_file(target, sha1, sha256, size)) {
		close(in);
		if (already != NULL)
			*already = true;
		return 0;
	}

	if (stat(dir, &sb) == -1) {
		seterr(err, errlen, "content directory %s: %s", dir,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(sb.st_mode)) {
		seterr(err, errlen, "content directory %s: not a directory",
		    dir);
		goto fail;
	}
	if (lstat(subdir, &sb) == -1) {
		if (errno != ENOENT || mkdir(subdir, 0755) == -1 ||
		    adopt_owner(-1, subdir, dir) == -1) {
			seterr(err, errlen, "%s: %s", subdir, strerror(errno));
			goto fail;
		}
		made_dir = 1;
	} else if (!S_ISDIR(sb.st_mode)) {
		seterr(err, errlen, "%s: not a directory", subdir);
		goto fail;
	}

	if ((out = mkostemp(tmp, O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	have_tmp = 1;
	if (hash_copy(in, src, out, tmp, h1, h2, &n, err, errlen) == -1)
		goto fail;
	if (memcmp(h1, sha1, 20) != 0) {
		hex_encode(sha1, 20, want, 1);
		hex_encode(h1, 20, got, 1);
		seterr(err, errlen, "%s: SHA-1 mismatch: expected %s, file has %s",
		    src, want, got);
		goto fail;
	}
	if (sha256 != NULL && memcmp(h2, sha256, 32) != 0) {
		hex_encode(sha256, 32, want, 1);
		hex_encode(h2, 32, got, 1);
		seterr(err, errlen,
		    "%s: SHA-256 mismatch: expected %s, file has %s",
		    src, want, got);
		goto fail;
	}
	if (size != UINT64_MAX && n != size) {
		seterr(err, errlen, "%s: size %llu, expected %llu", src,
		    (unsigned long long)n, (unsigned long long)size);
		goto fail;
	}
	if (fchmod(out, 0644) == -1 || adopt_owner(out, tmp, dir) == -1 ||
	    fsync(out) == -1) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(out) == -1) {
		out = -1;
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	out = -1;
	if (rename(tmp, target) == -1) {
		seterr(err, errlen, "rename to %s: %s", target, strerror(errno));
		goto fail;
	}
	close(in);
	/*
	 * The file is in place, complete and verified; a failed fsync of
	 * the directory only leaves the rename's durability unsure, which
	 * the next import of the same file repairs.  Not an error.
	 */
	(void)fsync_parent_dir(target);
	return 0;
fail:
	if (out != -1)
		close(out);
	if (have_tmp)
		unlink(tmp);
	if (made_dir)
		rmdir(subdir);
	if (in != -1)
		close(in);
	return -1;
}

/* Digests of a file computed by its writer (content_publish_digested). */
struct known {
	const uint8_t	*sha1;		/* 20 bytes */
	const uint8_t	*sha256;	/* 32 bytes */
	uint64_t	 size;
};

/*
 * content_publish and content_publish_digested: with k NULL the file is
 * hashed in place, else k's digests stand for it (its length is checked).
 */
static int
publish(const char *dir, const char *src, const uint8_t sha1[20],
    const uint8_t *sha256, uint64_t size, const char *filename,
    const struct known *k, bool *mismatch, char *err, size_t errlen)
{
	char rel[64], target[PATH_MAX], subdir[PATH_MAX];
	uint8_t h1[20], h2[32];
	const uint8_t *g1 = h1, *g2 = h2;
	uint64_t n = 0;
	struct stat sb;
	int fd = -1;

	*mismatch = false;
	if (content_relpath(sha1, filename, rel, sizeof(rel)) == -1) {
		seterr(err, errlen, "content path does not fit");
		return -1;
	}
	if (snprintf(target, sizeof(target), "%s/%s", dir, rel) >=
	    (int)sizeof(target) ||
	    snprintf(subdir, sizeof(subdir), "%s/%.2s", dir, rel) >=
	    (int)sizeof(subdir)) {
		seterr(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if ((fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &sb) == -1) {
		seterr(err, errlen, "%s: %s", src, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s: not a regular file", src);
		goto fail;
	}
	if (k == NULL) {
		if (hash_copy(fd, src, -1, NULL, h1, h2, &n, err,
		    errlen) == -1)
			goto fail;
	} else {
		/* the writer's count must be what the file holds */
		if ((uint64_t)sb.st_size != k->size) {
			*mismatch = true;
			seterr(err, errlen, "%s: %llu bytes on disk, %llu "
			    "written", src, (unsigned long long)sb.st_size,
			    (unsigned long long)k->size);
			goto fail;
		}
		g1 = k->sha1;
		g2 = k->sha256;
		n = k->size;
	}
	if ((size != UINT64_MAX && n != size) || memcmp(g1, sha1, 20) != 0 ||
	    (sha256 != NULL && memcmp(g2, sha256, 32) != 0)) {
		*mismatch = true;
		seterr(err, errlen, "%s: %s does not match", src,
		    size != UINT64_MAX && n != size ? "size" :
		    memcmp(g1, sha1, 20) != 0 ? "SHA-1" : "SHA-256");
		goto fail;
	}
	if (fchmod(fd, 0644) == -1 || adopt_owner(fd, src, dir) == -1 ||
	    fsync(fd) == -1) {
		seterr(err, errlen, "%s: %s", src, strerror(errno));
		goto fail;
	}
	if (lstat(subdir, &sb) == -1) {
		if (errno != ENOENT || mkdir(subdir, 0755) == -1 ||
		    adopt_owner(-1, subdir, dir) == -1) {
			seterr(err, errlen, "%s: %s", subdir, strerror(errno));
			goto fail;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		seterr(err, errlen, "%s: not a directory", subdir);
		goto fail;
	}
	if (rename(src, target) == -1) {
		seterr(err, errlen, "rename to %s: %s", target, strerror(errno));
		goto fail;
	}
	close(fd);
	(void)fsync_parent_dir(target);	/* as in content_import */
	return 0;
fail:
	if (fd != -1)
		close(fd);
	return -1;
}

int
content_publish(const char *dir, const char *src, const uint8_t sha1[20],
    const uint8_t *sha256, uint64_t size, const char *filename,
    bool *mismatch, char *err, size_t errlen)
{
	return publish(dir, src, sha1, sha256, size, filename, NULL,
	    mismatch, err, errlen);
}

int
content_publish_digested(const char *dir, const char *src,
    const uint8_t sha1[20], const uint8_t *sha256, uint64_t size,
    const char *filename, const uint8_t got_sha1[20],
    const uint8_t got_sha256[32], uint64_t got_size, bool *mismatch,
    char *err, size_t errlen)
{
	struct known k = { got_sha1, got_sha256, got_size };

	return publish(dir, src, sha1, sha256, size, filename, &k, mismatch,
	    err, errlen);
}

/* The public face of struct hasher: a download's running digests. */
struct content_digest {
	struct hasher	h;
};

struct content_digest *
content_digest_new(void)
{
	struct content_digest *d = xcalloc(1, sizeof(*d));

	if (hasher_init(&d->h) == -1) {
		content_digest_free(d);
		return NULL;
	}
	return d;
}

int
content_digest_reset(struct content_digest *d)
{
	d->h.size = 0;
	if (EVP_DigestInit_ex(d->h.sha1, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestInit_ex(d->h.sha256, EVP_sha256(), NULL) != 1)
		return -1;
	return 0;
}

int
content_digest_update(struct content_digest *d, const void *p, size_t len)
{
	if (EVP_DigestUpdate(d->h.sha1, p, len) != 1 ||
	    EVP_DigestUpdate(d->h.sha256, p, len) != 1)
		return -1;
	d->h.size += len;
	return 0;
}

int
content_digest_prefix(struct content_digest *d, int fd, uint64_t len,
    char *err, size_t errlen)
{
	uint8_t *chunk = xmalloc(COPY_CHUNK);
	uint64_t off = 0;
	int rc = -1;

	while (off < len) {
		size_t want = len - off < COPY_CHUNK ? (size_t)(len - off) :
		    COPY_CHUNK;
		ssize_t r = pread(fd, chunk, want, (off_t)off);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "read: %s", strerror(errno));
			goto done;
		}
		if (r == 0) {
			seterr(err, errlen, "file ends at %llu of %llu bytes",
			    (unsigned long long)off, (unsigned long long)len);
			goto done;
		}
		if (content_digest_update(d, chunk, (size_t)r) == -1) {
			seterr(err, errlen, "OpenSSL digest update failed");
			goto done;
		}
		off += (uint64_t)r;
	}
	rc = 0;
done:
	free(chunk);
	return rc;
}

int
content_digest_final(struct content_digest *d, uint8_t sha1[20],
    uint8_t sha256[32], uint64_t *size)
{
	if (hasher_final(&d->h, sha1, sha256) == -1)
		return -1;
	*size = d->h.size;
	return 0;
}

void
content_digest_free(struct content_digest *d)
{
	if (d == NULL)
		return;
	hasher_free(&d->h);
	free(d);
}
