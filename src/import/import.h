/*
 * import.h — the import engine: update documents into the store, content
 * files into the content directory.  Used by `wsusctl import-updates`,
 * `wsusctl import-content` (src/cli) and the downstream sync (src/sync);
 * a library of its own below both.
 *
 * An update document goes
 *   bytes -> update_blob_decode -> update_parse -> fragments_build
 *         -> store_revision_import        (one transaction per document)
 * and a document that fails any step leaves nothing in the store.
 *
 * A content file goes
 *   content_hash_file -> store_file_lookup (metadata digests)
 *         -> content_import (verify, atomic rename) -> store_file_set_present
 *
 * Walking: a path that names a regular file is always tried; a directory
 * is walked recursively in byte order of the names, skipping names that
 * start with '.', symbolic links to directories and anything that is not
 * a regular file.  For update documents only *.xml and *.cab files
 * (any case) are taken from directories.
 *
 * Not here: printing (callers get callbacks) or option parsing.
 */
#ifndef WSUSD_IMPORT_IMPORT_H
#define WSUSD_IMPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata/update.h"
#include "store/store.h"

#define IMPORT_MAX_DEPTH	32	/* directory nesting walked */

/* ---- update documents ---- */

/*
 * files = created + present + failed.  A document counts as created or
 * present only once the transaction holding it is committed; when a
 * commit fails (disk full) its documents count as failed, with one
 * on_error call for the lost batch.  on_done is called when a document
 * is imported, before its batch is committed.
 */
struct import_stats {
	size_t	files;		/* documents tried */
	size_t	created;	/* new revisions stored (committed) */
	size_t	present;	/* revisions the store already had */
	size_t	failed;		/* rejected or lost documents (not stored) */
};

/* One rejected file (or path that could not be walked). */
typedef void (*import_error_cb)(const char *path, const char *reason, void *arg);
/* One stored document: its identity and whether it was new. */
typedef void (*import_done_cb)(const char *path, const struct update_ref *id,
	    bool created, void *arg);
struct import_stats;
/* Progress so far (every progress_secs seconds). */
typedef void (*import_progress_cb)(const struct import_stats *, void *arg);

struct import_opts {
	import_error_cb	 on_error;	/* may be NULL */
	import_done_cb	 on_done;	/* may be NULL */
	import_progress_cb on_progress;	/* NULL: progress goes to log_info() */
	void		*arg;		/* passed to the callbacks */
	unsigned	 progress_secs;	/* > 0: report progress this often */
};

/*
 * Import one document given as the bytes that arrive (plain XML in UTF-8
 * or UTF-16, or an XmlUpdateBlobCompressed cabinet).  On success returns
 * 0 and sets *id and *created; on failure returns -1 with the reason in
 * err and the store unchanged.
 */
int	import_update_blob(struct store *, const void *data, size_t len,
	    struct update_ref *id, bool *created, char *err, size_t errlen);

/*
 * Import the document in one file (at most UPDATE_DOC_MAX_BYTES, or
 * CAB_MAX_INPUT when it is a cabinet).  Same results as above.
 */
int	import_update_file(struct store *, const char *path,
	    struct update_ref *id, bool *created, char *err, size_t errlen);

/*
 * Import every document at path (file or directory), adding to *stats
 * (which the caller zeroes).  Failures are reported through
 * opts->on_error and counted; the walk goes on.  Returns 0 when nothing
 * failed, -1 otherwise.  opts may be NULL.
 */
int	import_updates_path(struct store *, const char *path,
	    struct import_stats *, const struct import_opts *);

/* ---- content files ---- */

enum import_content_result {
	IMPORT_CONTENT_IMPORTED = 0,	/* copied into the content directory */
	IMPORT_CONTENT_PRESENT = 1,	/* an identical file was already there */
	IMPORT_CONTENT_REJECTED = 2,	/* see the reason; nothing was written */
};

struct import_content_stats {
	size_t	files;
	size_t	imported;
	size_t	present;
	size_t	rejected;
};

/*
 * Per file: result, detail (the reason when rejected, otherwise the
 * relative path XX/SHA1HEX.ext in the content directory), and the file's
 * SHA-1 (NULL when it could not be read).
 */
typedef void (*import_content_cb)(const char *path, enum import_content_result,
	    const char *detail, const uint8_t *sha1, void *arg);

/*
 * Import one file into the content directory dir: it must be listed by
 * some imported update (looked up by its SHA-1), with the same size and,
 * when the metadata has one, the same SHA-256.  relpath (may be NULL)
 * gets XX/SHA1HEX.ext.  Returns the result; on REJECTED err holds why.
 */
enum import_content_result import_content_file(struct store *, const char *dir,
	    const char *path, uint8_t sha1[20], char *relpath, size_t relpathlen,
	    char *err, size_t errlen);

/* Every regular file at path (file or directory).  0 when none was
 * rejected, -1 otherwise.  cb may be NULL. */
int	import_content_path(struct store *, const char *dir, const char *path,
	    struct import_content_stats *, import_content_cb cb, void *arg);

#endif
