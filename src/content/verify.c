/*
 * verify.c — hash a stored content file against its metadata digests
 * and quarantine a damaged one (see verify.h).  Reads and renames only;
 * never writes file contents.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/content_store.h"
#include "content/verify.h"
#include "util/fsutil.h"

const char *
content_verdict_name(enum content_verdict v)
{
	switch (v) {
	case CONTENT_GOOD:
		return "good";
	case CONTENT_MISSING:
		return "missing";
	case CONTENT_NOT_FILE:
		return "not a regular file";
	case CONTENT_BAD_SIZE:
		return "size mismatch";
	case CONTENT_BAD_SHA1:
		return "SHA-1 mismatch";
	case CONTENT_BAD_SHA256:
		return "SHA-256 mismatch";
	case CONTENT_UNREADABLE:
		return "unreadable";
	}
	return "?";
}

enum content_verdict
content_verify(const char *dir, const uint8_t sha1[20], const uint8_t *sha256,
    uint64_t size, const char *filename, char *err, size_t errlen)
{
	char rel[64], path[PATH_MAX];
	uint8_t h1[20], h2[32];
	uint64_t n;
	struct stat sb;
	int w;

	if (errlen > 0)
		err[0] = '\0';
	if (content_relpath(sha1, filename, rel, sizeof(rel)) == -1)
		return CONTENT_MISSING;
	w = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (w < 0 || (size_t)w >= sizeof(path)) {
		snprintf(err, errlen, "%s/%s: path too long", dir, rel);
		return CONTENT_UNREADABLE;
	}
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return CONTENT_MISSING;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return CONTENT_UNREADABLE;
	}
	if (!S_ISREG(sb.st_mode))
		return CONTENT_NOT_FILE;
	if (size != UINT64_MAX && (uint64_t)sb.st_size != size)
		return CONTENT_BAD_SIZE;
	if (content_hash_file(path, h1, h2, &n, err, errlen) == -1)
		return CONTENT_UNREADABLE;
	if (size != UINT64_MAX && n != size)
		return CONTENT_BAD_SIZE;	/* changed while we read it */
	if (memcmp(h1, sha1, 20) != 0)
		return CONTENT_BAD_SHA1;
	if (sha256 != NULL && memcmp(h2, sha256, 32) != 0)
		return CONTENT_BAD_SHA256;
	return CONTENT_GOOD;
}

int
content_quarantine(const char *dir, const uint8_t sha1[20],
    const char *filename, bool *moved, char *qpath, size_t qlen, char *err,
    size_t errlen)
{
	char rel[64], path[PATH_MAX], qdir[PATH_MAX], target[PATH_MAX];
	const char *base;
	int w;

	*moved = false;
	if (qpath != NULL && qlen > 0)
		qpath[0] = '\0';
	if (content_relpath(sha1, filename, rel, sizeof(rel)) == -1) {
		snprintf(err, errlen, "no content path for the file");
		return -1;
	}
	base = strchr(rel, '/') + 1;
	w = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (w < 0 || (size_t)w >= sizeof(path))
		goto toolong;
	w = snprintf(qdir, sizeof(qdir), "%s/%s", dir, CONTENT_QUARANTINE_DIR);
	if (w < 0 || (size_t)w >= sizeof(qdir))
		goto toolong;
	w = snprintf(target, sizeof(target), "%s/%s.%lld", qdir, base,
	    (long long)time(NULL));
	if (w < 0 || (size_t)w >= sizeof(target))
		goto toolong;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (mkdir(qdir, 0750) == -1) {
		if (errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", qdir, strerror(errno));
			return -1;
		}
	} else if (adopt_owner(-1, qdir, dir) == -1) {
		snprintf(err, errlen, "%s: chown: %s", qdir, strerror(errno));
		return -1;
	}
	if (rename(path, target) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s -> %s: %s", path, target,
		    strerror(errno));
		return -1;
	}
	(void)fsync_parent_dir(path);
	(void)fsync_parent_dir(target);
	*moved = true;
	if (qpath != NULL)
		snprintf(qpath, qlen, "%s", target);
	return 0;
toolong:
	snprintf(err, errlen, "%s: path too long", dir);
	return -1;
}
