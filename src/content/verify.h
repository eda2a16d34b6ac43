/*
 * verify.h — checking files of the content directory against the
 * digests the metadata gives (SHA-1 always, SHA-256 when known, the
 * size), and putting a damaged file aside into CONTENT/quarantine/ so
 * that it is no longer served and can be fetched again.  What `wsusctl
 * content verify`, `wsusctl checkhealth --content` use.  Not here: which
 * files exist (the store lists them) or downloading them again (the sync
 * engine fetches every file the store marks as not present).
 */
#ifndef WSUSD_CONTENT_VERIFY_H
#define WSUSD_CONTENT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The folder below the content directory that holds damaged files.  The
 * HTTP handler serves only XX/HEX names, never this. */
#define CONTENT_QUARANTINE_DIR	"quarantine"

enum content_verdict {
	CONTENT_GOOD = 0,	/* size and every known digest match */
	CONTENT_MISSING,	/* no file at its place */
	CONTENT_NOT_FILE,	/* something else than a regular file there */
	CONTENT_BAD_SIZE,	/* a different size than the metadata says */
	CONTENT_BAD_SHA1,	/* same size, other SHA-1 */
	CONTENT_BAD_SHA256,	/* SHA-1 right, SHA-256 wrong */
	CONTENT_UNREADABLE,	/* open or read failed (err says why) */
};

/* "good", "missing", "not a regular file", "size mismatch", ... */
const char *content_verdict_name(enum content_verdict);

/*
 * Hash the file of (sha1, filename) in dir and compare: size (unless
 * size is UINT64_MAX), SHA-1, and SHA-256 when sha256 is non-NULL.  The
 * verdict; err gets the reason for CONTENT_UNREADABLE (else "").
 */
enum content_verdict content_verify(const char *dir, const uint8_t sha1[20],
	    const uint8_t *sha256, uint64_t size, const char *filename,
	    char *err, size_t errlen);

/*
 * Move the file of (sha1, filename) in dir to
 * dir/quarantine/HEX.ext.UNIXTIME (creating the folder 0750) by a rename
 * in the same file system.  *moved false when there was nothing to move.
 * 0, or -1 with err.  The quarantined path goes to qpath (may be NULL).
 */
int	content_quarantine(const char *dir, const uint8_t sha1[20],
	    const char *filename, bool *moved, char *qpath, size_t qlen,
	    char *err, size_t errlen);

#endif
