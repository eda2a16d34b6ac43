/*
 * import.c — importing update documents into the store and content files
 * into the content directory (see import.h).  Not here: printing, option
 * parsing, or anything about the network.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/content_store.h"
#include "import/import.h"
#include "metadata/cab.h"
#include "metadata/fragments.h"
#include "metadata/update_parse.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- walking files and directories ---- */

struct walk {
	/* names taken from directories; NULL = every regular file */
	bool	(*want)(const char *name);
	void	(*file)(struct walk *, const char *path);
	void	(*error)(struct walk *, const char *path, const char *reason);
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(struct walk *, const char *dir, int depth);

/* One entry found in a directory: files through the filter, directories
 * recursed, symbolic links followed to files only, the rest ignored. */
static void
walk_entry(struct walk *w, const char *path, const char *name, int depth)
{
	struct stat sb;

	if (lstat(path, &sb) == -1) {
		w->error(w, path, strerror(errno));
		return;
	}
	if (S_ISLNK(sb.st_mode)) {
		if (stat(path, &sb) == -1) {
			w->error(w, path, strerror(errno));
			return;
		}
		if (!S_ISREG(sb.st_mode))
			return;	/* no walking through links to directories */
	}
	if (S_ISDIR(sb.st_mode)) {
		walk_dir(w, path, depth + 1);
		return;
	}
	if (!S_ISREG(sb.st_mode))
		return;
	if (w->want != NULL && !w->want(name))
		return;
	w->file(w, path);
}

static void
walk_dir(struct walk *w, const char *dir, int depth)
{
	char **names = NULL, path[PATH_MAX];
	size_t n = 0, cap = 0, dlen;
	struct dirent *de;
	DIR *d;

	if (depth > IMPORT_MAX_DEPTH) {
		w->error(w, dir, "directories nested too deeply");
		return;
	}
	if ((d = opendir(dir)) == NULL) {
		w->error(w, dir, strerror(errno));
		return;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ., .., and hidden files */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (errno != 0)
		w->error(w, dir, strerror(errno));
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);

	dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	for (size_t i = 0; i < n; i++) {
		int r = snprintf(path, sizeof(path), "%.*s/%s", (int)dlen, dir,
		    names[i]);
		if (r < 0 || (size_t)r >= sizeof(path))
			w->error(w, names[i], "path too long");
		else
			walk_entry(w, path, names[i], depth);
		free(names[i]);
	}
	free(names);
}

/* A path named by the user: always tried when it is a file. */
static void
walk_path(struct walk *w, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		w->error(w, path, strerror(errno));
		return;
	}
	if (S_ISDIR(sb.st_mode))
		walk_dir(w, path, 0);
	else if (S_ISREG(sb.st_mode))
		w->file(w, path);
	else
		w->error(w, path, "not a regular file or directory");
}

/*
 * Read a regular file of at most max bytes; maxfn (may be NULL) may pick
 * a different maximum from the first 4 bytes.  -1 with err set.
 */
static int
read_bounded(const char *path, size_t max,
    size_t (*maxfn)(const uint8_t *head, size_t n, size_t max),
    char **out, size_t *outlen, char *err, size_t errlen)
{
	struct stat sb;
	uint8_t head[4];
	char *p = NULL;
	size_t have = 0, bufsz;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto fail;
	}
	if (maxfn != NULL) {
		r = pread(fd, head, sizeof(head), 0);
		max = maxfn(head, r > 0 ? (size_t)r : 0, max);
	}
	if ((uint64_t)sb.st_size > max) {
		snprintf(err, errlen, "file is larger than %zu bytes", max);
		goto fail;
	}
	/* room for one byte more than expected: detects a file that grew */
	bufsz = (size_t)sb.st_size + 2;
	p = xmalloc(bufsz);
	for (;;) {
		if (have == bufsz - 1) {
			snprintf(err, errlen, "file changed while being read");
			goto fail;
		}
		r = read(fd, p + have, bufsz - 1 - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	p[have] = '\0';
	close(fd);
	*out = p;
	*outlen = have;
	return 0;
fail:
	free(p);
	close(fd);
	return -1;
}

/* ---- update documents ---- */

int
import_update_blob(struct store *st, const void *data, size_t len,
    struct update_ref *id, bool *created, char *err, size_t errlen)
{
	struct update u;
	struct update_doc doc;
	char ferr[512];
	int64_t rid = 0;
	int rc;

	memset(&u, 0, sizeof(u));
	memset(&doc, 0, sizeof(doc));
	*created = false;
	if (len == 0) {
		snprintf(err, errlen, "empty document");
		return -1;
	}
	if (update_blob_decode(data, len, &doc.xml, &doc.xml_len, err, errlen) == -1)
		goto fail;
	if (update_parse(doc.xml, doc.xml_len, &u, err, errlen) == -1)
		goto fail;
	if (fragments_build(doc.xml, doc.xml_len, &doc, ferr, sizeof(ferr)) == -1) {
		snprintf(err, errlen, "client fragments: %s", ferr);
		goto fail;
	}
	if ((rc = store_revision_import(st, &u, &doc, &rid, created)) != STORE_OK) {
		snprintf(err, errlen, "store: %s", *store_errmsg(st) ?
		    store_errmsg(st) : store_rc_name(rc));
		goto fail;
	}
	*id = u.id;
	update_free(&u);
	update_doc_free(&doc);
	return 0;
fail:
	update_free(&u);
	update_doc_free(&doc);
	return -1;
}

/* Cabinets and UTF-16 text may be larger than the UTF-8 bound. */
static size_t
doc_max(const uint8_t *h, size_t n, size_t max)
{
	if (cab_is_cabinet(h, n))
		return CAB_MAX_INPUT;
	if (n >= 2 && ((h[0] == 0xff && h[1] == 0xfe) || (h[0] == 0xfe &&
	    h[1] == 0xff) || (h[0] == '<' && h[1] == 0) || (h[0] == 0 &&
	    h[1] == '<')))
		return 2 * (size_t)UPDATE_DOC_MAX_BYTES;
	return max;
}

int
import_update_file(struct store *st, const char *path, struct update_ref *id,
    bool *created, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	*created = false;
	if (read_bounded(path, UPDATE_DOC_MAX_BYTES, doc_max, &data, &len,
	    err, errlen) == -1)
		return -1;
	rc = import_update_blob(st, data, len, id, created, err, errlen);
	free(data);
	return rc;
}

static bool
want_update_doc(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && (strcasecmp(name + n - 4, ".xml") == 0 ||
	    strcasecmp(name + n - 4, ".cab") == 0);
}

/*
 * Documents per import batch: one less than the store's own batch size,
 * so that the store never commits on its own and every commit is one
 * this walk asked for (batch_settle) and can count.
 */
#define IMPORT_BATCH	(STORE_BATCH_MAX - 1)

struct update_walk {
	struct walk		 w;	/* first: the callbacks get it */
	struct store		*st;
	struct import_stats	*stats;
	const struct import_opts *opts;
	struct timespec		 last;	/* last progress line */
	const char		*root;	/* the path given to the walk */
	/* documents in the open batch: tried, and imported as new or
	 * already there (not committed, not counted yet) */
	size_t			 tried, created, present;
};

static void
update_walk_error(struct walk *w, const char *path, const char *reason)
{
	struct update_walk *uw = (struct update_walk *)w;

	uw->stats->failed++;
	if (uw->opts && uw->opts->on_error)
		uw->opts->on_error(path, reason, uw->opts->arg);
}

/* A path that could not be walked counts as a failed document. */
static void
update_walk_bad_path(struct walk *w, const char *path, const char *reason)
{
	((struct update_walk *)w)->stats->files++;
	update_walk_error(w, path, reason);
}

static void
progress(struct update_walk *uw)
{
	struct timespec now;

	if (uw->opts == NULL || uw->opts->progress_secs == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - uw->last.tv_sec < (time_t)uw->opts->progress_secs)
		return;
	uw->last = now;
	if (uw->opts->on_progress) {
		uw->opts->on_progress(uw->stats, uw->opts->arg);
		return;
	}
	log_info("import: %zu documents so far (%zu new, %zu present, %zu failed)",
	    uw->stats->files, uw->stats->created, uw->stats->present,
	    uw->stats->failed);
}

/*
 * Commit the open batch and count its documents: as new or present when
 * the commit held, as failed (with one error naming how many) when it
 * did not.  Then open the next batch when more documents follow.
 */
static int
batch_settle(struct update_walk *uw, bool more)
{
	size_t lost = uw->created + uw->present;
	int rc = 0;

	if (store_batch_end(uw->st) != STORE_OK) {
		char msg[1024];

		uw->stats->failed += lost;
		snprintf(msg, sizeof(msg), "%zu imported document%s not "
		    "stored: %s", lost, lost == 1 ? " was" : "s were",
		    store_errmsg(uw->st));
		if (uw->opts && uw->opts->on_error)
			uw->opts->on_error(uw->root, msg, uw->opts->arg);
		rc = -1;
	} else {
		uw->stats->created += uw->created;
		uw->stats->present += uw->present;
	}
	uw->tried = uw->created = uw->present = 0;
	if (more && store_batch_begin(uw->st) != STORE_OK) {
		/* not a document: the next ones fail and are counted */
		if (uw->opts && uw->opts->on_error)
			uw->opts->on_error(uw->root, store_errmsg(uw->st),
			    uw->opts->arg);
		return -1;
	}
	return rc;
}

static void
update_walk_file(struct walk *w, const char *path)
{
	struct update_walk *uw = (struct update_walk *)w;
	struct update_ref id;
	char err[1024];
	bool created;

	uw->stats->files++;
	uw->tried++;
	if (import_update_file(uw->st, path, &id, &created, err, sizeof(err)) == -1) {
		update_walk_error(w, path, err);
		/* a store failure may have taken the batch with it: settle
		 * now so the documents before this one are counted right */
		batch_settle(uw, true);
	} else {
		if (created)
			uw->created++;
		else
			uw->present++;
		if (uw->opts && uw->opts->on_done)
			uw->opts->on_done(path, &id, created, uw->opts->arg);
		if (uw->tried >= IMPORT_BATCH)
			batch_settle(uw, true);
	}
	progress(uw);
}

int
import_updates_path(struct store *st, const char *path,
    struct import_stats *stats, const struct import_opts *opts)
{
	struct update_walk uw;
	size_t failed0 = stats->failed;

	memset(&uw, 0, sizeof(uw));
	uw.w.want = want_update_doc;
	uw.w.file = update_walk_file;
	uw.w.error = update_walk_bad_path;
	uw.st = st;
	uw.stats = stats;
	uw.opts = opts;
	uw.root = path;
	clock_gettime(CLOCK_MONOTONIC, &uw.last);
	/*
	 * One transaction per STORE_BATCH_MAX documents instead of one per
	 * document: each document stays atomic (a savepoint in the store),
	 * and a crash loses at most the last uncommitted batch, which a
	 * re-run restores because import is idempotent.  Measured with
	 * bench/import.sh: about 2.7x faster on 50,000 revisions.
	 * Documents count as new or present only once their batch is
	 * committed (batch_settle); a batch that is lost (disk full) moves
	 * them to failed, so the counts are what the store holds.
	 */
	if (store_batch_begin(st) != STORE_OK) {
		update_walk_bad_path(&uw.w, path, store_errmsg(st));
		return -1;
	}
	walk_path(&uw.w, path);
	batch_settle(&uw, false);
	return stats->failed == failed0 ? 0 : -1;
}

/* ---- content files ---- */

enum import_content_result
import_content_file(struct store *st, const char *dir, const char *path,
    uint8_t sha1[20], char *relpath, size_t relpathlen, char *err, size_t errlen)
{
	struct store_file f;
	uint8_t sha256[32];
	char h1[41], h2[65], h3[65], *name = NULL, rel[128];
	uint64_t size = 0;
	bool already = false;
	int rc;

	memset(&f, 0, sizeof(f));
	if (relpath && relpathlen)
		relpath[0] = '\0';
	if (content_hash_file(path, sha1, sha256, &size, err, errlen) == -1)
		return IMPORT_CONTENT_REJECTED;
	hex_encode(sha1, 20, h1, 0);
	rc = store_file_lookup(st, sha1, &f, &name);
	if (rc == STORE_NOTFOUND) {
		snprintf(err, errlen, "no imported update lists a file with SHA-1 %s", h1);
		return IMPORT_CONTENT_REJECTED;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, "store: %s", store_errmsg(st));
		return IMPORT_CONTENT_REJECTED;
	}
	if (f.size != size) {
		snprintf(err, errlen, "size %llu does not match the metadata of SHA-1 "
		    "%s (%llu bytes)", (unsigned long long)size, h1,
		    (unsigned long long)f.size);
		goto reject;
	}
	if (f.has_sha256 && memcmp(f.sha256, sha256, 32) != 0) {
		hex_encode(sha256, 32, h2, 0);
		hex_encode(f.sha256, 32, h3, 0);
		snprintf(err, errlen, "SHA-256 %s does not match the metadata (%s)",
		    h2, h3);
		goto reject;
	}
	if (content_relpath(sha1, name, rel, sizeof(rel)) == -1) {
		snprintf(err, errlen, "cannot name the content file");
		goto reject;
	}
	if (content_import(dir, path, sha1, f.has_sha256 ? f.sha256 : NULL,
	    f.size, name, &already, err, errlen) == -1)
		goto reject;
	if (store_file_set_present(st, sha1, true) != STORE_OK) {
		snprintf(err, errlen, "store: %s", store_errmsg(st));
		if (!already) {
			/* keep the directory and the store in step */
			char full[PATH_MAX];
			if (snprintf(full, sizeof(full), "%s/%s", dir, rel) <
			    (int)sizeof(full))
				unlink(full);
		}
		goto reject;
	}
	if (relpath && relpathlen)
		snprintf(relpath, relpathlen, "%s", rel);
	free(name);
	return already ? IMPORT_CONTENT_PRESENT : IMPORT_CONTENT_IMPORTED;
reject:
	free(name);
	return IMPORT_CONTENT_REJECTED;
}

struct content_walk {
	struct walk		 w;	/* first */
	struct store		*st;
	const char		*dir;
	struct import_content_stats *stats;
	import_content_cb	 cb;
	void			*arg;
};

static void
content_walk_error(struct walk *w, const char *path, const char *reason)
{
	struct content_walk *cw = (struct content_walk *)w;

	cw->stats->files++;
	cw->stats->rejected++;
	if (cw->cb)
		cw->cb(path, IMPORT_CONTENT_REJECTED, reason, NULL, cw->arg);
}

static void
content_walk_file(struct walk *w, const char *path)
{
	struct content_walk *cw = (struct content_walk *)w;
	enum import_content_result r;
	uint8_t sha1[20];
	char err[512], rel[128];

	cw->stats->files++;
	memset(sha1, 0, sizeof(sha1));
	err[0] = '\0';
	r = import_content_file(cw->st, cw->dir, path, sha1, rel, sizeof(rel),
	    err, sizeof(err));
	switch (r) {
	case IMPORT_CONTENT_IMPORTED:
		cw->stats->imported++;
		break;
	case IMPORT_CONTENT_PRESENT:
		cw->stats->present++;
		break;
	case IMPORT_CONTENT_REJECTED:
		cw->stats->rejected++;
		break;
	}
	if (cw->cb) {
		static const uint8_t zero[20];
		cw->cb(path, r, r == IMPORT_CONTENT_REJECTED ? err : rel,
		    memcmp(sha1, zero, 20) != 0 ? sha1 : NULL, cw->arg);
	}
}

int
import_content_path(struct store *st, const char *dir, const char *path,
    struct import_content_stats *stats, import_content_cb cb, void *arg)
{
	struct content_walk cw;
	size_t rejected0 = stats->rejected;

	memset(&cw, 0, sizeof(cw));
	cw.w.want = NULL;
	cw.w.file = content_walk_file;
	cw.w.error = content_walk_error;
	cw.st = st;
	cw.dir = dir;
	cw.stats = stats;
	cw.cb = cb;
	cw.arg = arg;
	walk_path(&cw.w, path);
	return stats->rejected == rejected0 ? 0 : -1;
}
