/*
 * test_import.c — the import engine (import/import.c) against a real
 * SQLite store: the real GetUpdateData documents, idempotent re-import,
 * malformed documents rejected with nothing stored, directory walking,
 * and content import checked against metadata digests.
 *
 * FIXTURES_DIR (environment) is tests/fixtures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "import/import.h"
#include "store/store.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"

/* test paths are short; a cut one would fail the test visibly */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define DOCS_SUBDIR	"update-metadata/wsusss-getupdatedata-docs"
#define KB_BUNDLE	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"

struct fx {
	char		 dir[PATH_MAX];		/* temp dir, removed at the end */
	char		 content[PATH_MAX];	/* dir/content */
	char		 docs[PATH_MAX];	/* the real documents */
	struct store	*st;
};

/* ---- helpers ---- */

static void
write_bytes(const char *path, const void *data, size_t len)
{
	assert_int_equal(tl_write_file(path, data, len), 0);
}

static __attribute__((noinline)) char *
slurp(const char *path, size_t *len)
{
	char *p = NULL;

	assert_int_equal(read_file(path, 64u << 20, &p, len), 0);
	return p;
}

static void
digest(const char *md, const void *data, size_t len, uint8_t *out)
{
	assert_int_equal(tl_digest(md, data, len, out), 0);
}

static int
list_cb(const struct store_update_row *r, void *arg)
{
	buf_printf(arg, "%s %d %d %s|", r->update_id, (int)r->revision,
	    r->declined, r->title ? r->title : "");
	return 0;
}

/* Every revision the store lists, as one string (caller frees). */
static char *
listing(struct store *st)
{
	struct store_update_filter f;
	struct buf b;
	size_t revs = 0, upds = 0;

	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.all_revisions = true;
	buf_init(&b, 1u << 20);
	assert_int_equal(store_update_count(st, &revs, &upds), STORE_OK);
	buf_printf(&b, "%zu/%zu:", revs, upds);
	assert_int_equal(store_update_list(st, &f, list_cb, &b), STORE_OK);
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

static size_t
nrevisions(struct store *st)
{
	size_t revs = 0, upds = 0;

	assert_int_equal(store_update_count(st, &revs, &upds), STORE_OK);
	return revs;
}

/* Errors and stored documents seen through the callbacks. */
struct seen {
	char	 errors[32][PATH_MAX + 512];
	size_t	 nerrors;
	char	 done[32][PATH_MAX];
	size_t	 ndone;
};

static void
on_error(const char *path, const char *reason, void *arg)
{
	struct seen *s = arg;

	assert_non_null(reason);
	assert_true(*reason != '\0');
	if (s->nerrors < 32)
		snprintf(s->errors[s->nerrors++], sizeof(s->errors[0]), "%s: %s",
		    path, reason);
}

static void
on_done(const char *path, const struct update_ref *id, bool created, void *arg)
{
	struct seen *s = arg;

	assert_int_equal(strlen(id->update_id), GUID_STRLEN);
	if (s->ndone < 32)
		snprintf(s->done[s->ndone++], sizeof(s->done[0]), "%s", path);
}

static const char *
error_for(const struct seen *s, const char *name)
{
	for (size_t i = 0; i < s->nerrors; i++) {
		const char *colon = strstr(s->errors[i], ": ");
		size_t n = strlen(name);
		if (colon && (size_t)(colon - s->errors[i]) >= n &&
		    memcmp(colon - n, name, n) == 0)
			return s->errors[i];
	}
	return NULL;
}

/*
 * A synthetic software update with one file: enough for the parser, with
 * the digests given (base64 as in real metadata).
 */
static char *
synthetic_doc(const char *update_id, const char *filename, uint64_t size,
    const uint8_t sha1[20], const uint8_t sha256[32])
{
	char b1[64], b2[64];
	struct buf b;

	base64_encode(sha1, 20, b1);
	base64_encode(sha256, 32, b2);
	buf_init(&b, 1u << 16);
	buf_printf(&b,
	    "<upd:Update xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\" "
	    "xmlns:cmd=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\">"
	    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"100\" />"
	    "<upd:Properties UpdateType=\"Software\" DefaultPropertiesLanguage=\"en\" "
	    "Handler=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\" "
	    "MaxDownloadSize=\"%llu\" MinDownloadSize=\"0\" PublicationState=\"Published\" "
	    "CreationDate=\"2026-01-01T00:00:00.000Z\" ExplicitlyDeployable=\"true\">"
	    "<upd:InstallationBehavior Impact=\"Minor\" /></upd:Properties>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language><upd:Title>Test payload %s</upd:Title>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>"
	    "<upd:Files><upd:File Digest=\"%s\" DigestAlgorithm=\"SHA1\" FileName=\"%s\" "
	    "Size=\"%llu\" Modified=\"2026-01-01T00:00:00Z\">"
	    "<upd:AdditionalDigest Algorithm=\"SHA256\">%s</upd:AdditionalDigest>"
	    "</upd:File></upd:Files>"
	    "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<cmd:InstallCommand Program=\"%s\" Arguments=\"/q\">"
	    "<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" /></cmd:InstallCommand>"
	    "</upd:HandlerSpecificData></upd:Update>",
	    update_id, (unsigned long long)size, filename, b1, filename,
	    (unsigned long long)size, b2, filename);
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

static void
import_doc_text(struct store *st, const char *xml)
{
	struct update_ref id;
	char err[512];
	bool created = false;

	if (import_update_blob(st, xml, strlen(xml), &id, &created, err,
	    sizeof(err)) != 0)
		fail_msg("synthetic document rejected: %s", err);
	assert_true(created);
}

/* ---- fixtures ---- */

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *fixtures = getenv("FIXTURES_DIR");
	char url[PATH_MAX + 16], err[512];
	int from = 0, to = 0;

	assert_non_null(fx);
	assert_non_null(fixtures);
	snprintf(fx->docs, sizeof(fx->docs), "%s/%s", fixtures, DOCS_SUBDIR);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/wsusd-test-import-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->content, sizeof(fx->content), "%s/content", fx->dir);
	assert_int_equal(mkdir(fx->content, 0755), 0);
	snprintf(url, sizeof(url), "sqlite://%s/wsusd.db", fx->dir);
	if (store_open(url, &fx->st, err, sizeof(err)) != STORE_OK)
		fail_msg("store_open: %s", err);
	assert_int_equal(store_migrate(fx->st, &from, &to), STORE_OK);
	*state = fx;
	return 0;
}

static void full_vfs_remove(void);

static int
teardown(void **state)
{
	struct fx *fx = *state;

	full_vfs_remove();

	store_close(fx->st);
	tl_rmtree(fx->dir);
	free(fx);
	return 0;
}

/* ---- update documents ---- */

static void
test_import_real_documents(void **state)
{
	struct fx *fx = *state;
	struct import_stats s;
	struct import_opts o;
	struct seen seen;
	size_t revs = 0, upds = 0;

	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	memset(&seen, 0, sizeof(seen));
	o.on_error = on_error;
	o.on_done = on_done;
	o.arg = &seen;
	/* 9 XML documents and 3 cabinets holding three of them again;
	 * PROVENANCE.md is not an update document and is not taken */
	assert_int_equal(import_updates_path(fx->st, fx->docs, &s, &o), 0);
	assert_int_equal(s.files, 12);
	assert_int_equal(s.created, 9);
	assert_int_equal(s.present, 3);
	assert_int_equal(s.failed, 0);
	assert_int_equal(seen.nerrors, 0);
	assert_int_equal(store_update_count(fx->st, &revs, &upds), STORE_OK);
	assert_int_equal(revs, 9);
	assert_int_equal(upds, 9);
	/* deterministic byte order of names */
	assert_int_equal(seen.ndone, 12);
	for (size_t i = 1; i < seen.ndone; i++)
		assert_true(strcmp(seen.done[i - 1], seen.done[i]) < 0);
	assert_non_null(strstr(seen.done[0],
	    "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200.xml"));

	/* the second import adds nothing */
	memset(&s, 0, sizeof(s));
	assert_int_equal(import_updates_path(fx->st, fx->docs, &s, NULL), 0);
	assert_int_equal(s.files, 12);
	assert_int_equal(s.created, 0);
	assert_int_equal(s.present, 12);
	assert_int_equal(s.failed, 0);
	assert_int_equal(nrevisions(fx->st), 9);
}

static int
kb_cb(const struct store_update_row *r, void *arg)
{
	char *found = arg;

	snprintf(found, 256, "%s r%d %s", r->update_id, (int)r->revision,
	    r->title ? r->title : "");
	return 0;
}

static void
test_cab_alone_gives_same_revision(void **state)
{
	struct fx *fx = *state;
	struct store_update_filter f;
	struct update_ref id;
	char path[PATH_MAX], err[512], found[256] = "";
	bool created = false;

	/* the real XmlUpdateBlobCompressed of KB2267602 */
	snprintf(path, sizeof(path), "%s/%s-r200.XmlUpdateBlobCompressed.cab",
	    fx->docs, KB_BUNDLE);
	if (import_update_file(fx->st, path, &id, &created, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(created);
	assert_string_equal(id.update_id, KB_BUNDLE);
	assert_int_equal(id.revision, 200);
	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.kb = "2267602";
	assert_int_equal(store_update_list(fx->st, &f, kb_cb, found), STORE_OK);
	assert_non_null(strstr(found, KB_BUNDLE " r200 Security Intelligence Update"));
	/* the plain XML of the same revision is then already present */
	snprintf(path, sizeof(path), "%s/%s-r200.xml", fx->docs, KB_BUNDLE);
	assert_int_equal(import_update_file(fx->st, path, &id, &created, err,
	    sizeof(err)), 0);
	assert_false(created);
	assert_int_equal(nrevisions(fx->st), 1);
}

static void
test_explicit_file_is_always_tried(void **state)
{
	struct fx *fx = *state;
	struct import_stats s;
	struct import_opts o;
	struct seen seen;
	char path[PATH_MAX];

	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	memset(&seen, 0, sizeof(seen));
	o.on_error = on_error;
	o.arg = &seen;
	/* a directory walk would skip it; named, it is tried and refused */
	snprintf(path, sizeof(path), "%s/NOTES.md", fx->dir);
	write_bytes(path, "# notes\n", 8);
	assert_int_equal(import_updates_path(fx->st, path, &s, &o), -1);
	assert_int_equal(s.files, 1);
	assert_int_equal(s.failed, 1);
	assert_int_equal(seen.nerrors, 1);
	assert_non_null(error_for(&seen, "NOTES.md"));
	/* a path that does not exist */
	memset(&s, 0, sizeof(s));
	snprintf(path, sizeof(path), "%s/no-such-file.xml", fx->dir);
	assert_int_equal(import_updates_path(fx->st, path, &s, &o), -1);
	assert_int_equal(s.failed, 1);
	assert_non_null(error_for(&seen, "no-such-file.xml"));
	assert_int_equal(nrevisions(fx->st), 0);
}

/* Malformed variants of real documents (of updates not yet stored). */
struct bad {
	const char *name;
	char	   *data;
	size_t	    len;
};

static size_t
make_bad_docs(struct fx *fx, struct bad *b)
{
	char path[PATH_MAX], *xml, *cab, *p;
	size_t xlen, clen, n = 0;
	static const char bomb[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
	    "<upd:Update xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\">"
	    "<upd:UpdateIdentity UpdateID=\"0b1a2c3d-0000-4000-8000-000000000001\" "
	    "RevisionNumber=\"1\" /><upd:Properties UpdateType=\"Software\" />"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language><upd:Title>&lol4;</upd:Title>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection></upd:Update>";

	snprintf(path, sizeof(path), "%s/%s-r200.xml", fx->docs, KB_BUNDLE);
	xml = slurp(path, &xlen);
	snprintf(path, sizeof(path), "%s/%s-r200.XmlUpdateBlobCompressed.cab",
	    fx->docs, KB_BUNDLE);
	cab = slurp(path, &clen);

	b[n].name = "truncated.xml";
	b[n].len = xlen / 2;
	b[n].data = malloc(b[n].len);
	memcpy(b[n].data, xml, b[n].len);
	n++;

	b[n].name = "truncated.cab";
	b[n].len = clen / 2;
	b[n].data = malloc(b[n].len);
	memcpy(b[n].data, cab, b[n].len);
	n++;

	/* "\xc3\x28" is not UTF-8: put it in the English title */
	b[n].name = "invalid-utf8.xml";
	b[n].data = malloc(xlen + 2);
	p = strstr(xml, "<upd:Title>");
	assert_non_null(p);
	p += strlen("<upd:Title>");
	memcpy(b[n].data, xml, (size_t)(p - xml));
	memcpy(b[n].data + (p - xml), "\xc3\x28", 2);
	memcpy(b[n].data + (p - xml) + 2, p, xlen - (size_t)(p - xml));
	b[n].len = xlen + 2;
	n++;

	b[n].name = "doctype-bomb.xml";
	b[n].len = sizeof(bomb) - 1;
	b[n].data = malloc(b[n].len);
	memcpy(b[n].data, bomb, b[n].len);
	n++;

	b[n].name = "empty.xml";
	b[n].len = 0;
	b[n].data = malloc(1);
	n++;

	b[n].name = "not-xml.xml";
	b[n].data = strdup("this is not an update document\n");
	b[n].len = strlen(b[n].data);
	n++;

	free(xml);
	free(cab);
	return n;
}

static void
test_malformed_documents_store_nothing(void **state)
{
	struct fx *fx = *state;
	struct bad bad[8];
	struct update_ref id;
	char path[PATH_MAX], err[1024], *before, *after;
	bool created;
	size_t n;

	/* the store holds something already */
	snprintf(path, sizeof(path), "%s/ff36f0b5-dded-4780-8664-cd78af8b62c1-r200.xml",
	    fx->docs);
	assert_int_equal(import_update_file(fx->st, path, &id, &created, err,
	    sizeof(err)), 0);
	before = listing(fx->st);

	n = make_bad_docs(fx, bad);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", fx->dir, bad[i].name);
		write_bytes(path, bad[i].data, bad[i].len);
		err[0] = '\0';
		created = true;
		if (import_update_file(fx->st, path, &id, &created, err,
		    sizeof(err)) == 0)
			fail_msg("%s was accepted", bad[i].name);
		assert_false(created);
		assert_true(err[0] != '\0');
		/* the same through the blob entry point */
		err[0] = '\0';
		assert_int_equal(import_update_blob(fx->st, bad[i].data, bad[i].len,
		    &id, &created, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
		free(bad[i].data);
	}
	after = listing(fx->st);
	assert_string_equal(before, after);
	assert_int_equal(nrevisions(fx->st), 1);
	free(before);
	free(after);
}

static void
test_directory_bad_files_reported_others_continue(void **state)
{
	struct fx *fx = *state;
	struct import_stats s;
	struct import_opts o;
	struct seen seen;
	struct bad bad[8];
	char dir[PATH_MAX], sub[PATH_MAX], path[PATH_MAX], *data;
	size_t n, len;

	snprintf(dir, sizeof(dir), "%s/mixed", fx->dir);
	snprintf(sub, sizeof(sub), "%s/mixed/sub", fx->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	n = make_bad_docs(fx, bad);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, bad[i].name);
		write_bytes(path, bad[i].data, bad[i].len);
		free(bad[i].data);
	}
	/* good documents in a subdirectory, one with an upper-case suffix */
	snprintf(path, sizeof(path), "%s/ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.xml",
	    fx->docs);
	data = slurp(path, &len);
	snprintf(path, sizeof(path), "%s/good.XML", sub);
	write_bytes(path, data, len);
	free(data);
	/* not taken from a directory: other suffixes, hidden files, FIFOs */
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	write_bytes(path, "x", 1);
	snprintf(path, sizeof(path), "%s/.hidden.xml", dir);
	write_bytes(path, "x", 1);
	snprintf(path, sizeof(path), "%s/fifo.xml", dir);
	assert_int_equal(mkfifo(path, 0644), 0);

	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	memset(&seen, 0, sizeof(seen));
	o.on_error = on_error;
	o.arg = &seen;
	assert_int_equal(import_updates_path(fx->st, dir, &s, &o), -1);
	assert_int_equal(s.files, n + 1);
	assert_int_equal(s.failed, n);
	assert_int_equal(s.created, 1);
	assert_int_equal(seen.nerrors, n);
	for (size_t i = 0; i < n; i++)
		if (error_for(&seen, bad[i].name) == NULL)
			fail_msg("no error reported for %s", bad[i].name);
	/* the reason names what is wrong */
	assert_non_null(strstr(error_for(&seen, "doctype-bomb.xml"), "DOCTYPE"));
	assert_int_equal(nrevisions(fx->st), 1);

	/* a FIFO named explicitly is refused, not opened */
	memset(&s, 0, sizeof(s));
	assert_int_equal(import_updates_path(fx->st, path, &s, &o), -1);
	assert_int_equal(s.failed, 1);
	assert_non_null(strstr(seen.errors[seen.nerrors - 1], "not a regular file"));
}

/* ---- a disk that fills up ---- */

/*
 * An SQLite VFS that forwards to the real one and answers SQLITE_FULL to
 * a write past full_budget bytes, exactly as the unix VFS answers a
 * write(2) that fails with ENOSPC: the store sees a real full disk at
 * whatever point the budget runs out (in these tests: a batch commit).
 */
static sqlite3_vfs *real_vfs;
static long long full_written;	/* bytes written through the VFS */
static long long full_budget = -1;	/* -1: no limit */
static sqlite3_vfs full_vfs;

struct full_file {
	sqlite3_file	 base;
	sqlite3_file	*real;	/* follows this struct */
};

#define REAL(f)	(((struct full_file *)(f))->real)

static int
ff_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
ff_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}

static int
ff_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (full_budget >= 0 && full_written + n > full_budget)
		return SQLITE_FULL;
	full_written += n;
	return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}

static int
ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
ff_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int
ff_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int
ff_check_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
ff_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
ff_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
ff_chars(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
ff_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}

static int
ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
ff_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
ff_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods full_io = {
	.iVersion = 2,
	.xClose = ff_close, .xRead = ff_read, .xWrite = ff_write,
	.xTruncate = ff_truncate, .xSync = ff_sync, .xFileSize = ff_size,
	.xLock = ff_lock, .xUnlock = ff_unlock,
	.xCheckReservedLock = ff_check_lock, .xFileControl = ff_control,
	.xSectorSize = ff_sector, .xDeviceCharacteristics = ff_chars,
	.xShmMap = ff_shm_map, .xShmLock = ff_shm_lock,
	.xShmBarrier = ff_shm_barrier, .xShmUnmap = ff_shm_unmap,
};

static int
ff_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct full_file *ff = (struct full_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, outflags);
	ff->base.pMethods = (rc == SQLITE_OK && ff->real->pMethods != NULL) ?
	    &full_io : NULL;
	return rc;
}

static void
full_vfs_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(real_vfs);
	full_vfs = *real_vfs;
	full_vfs.iVersion = 1;	/* no xCurrentTimeInt64 .. forwarding needed */
	full_vfs.zName = "wsusd-test-full";
	full_vfs.szOsFile = (int)sizeof(struct full_file) + real_vfs->szOsFile;
	full_vfs.xOpen = ff_open;
	full_vfs.pAppData = NULL;
	assert_int_equal(sqlite3_vfs_register(&full_vfs, 1), SQLITE_OK);
	full_written = 0;
	full_budget = -1;
}

/* Also from teardown, so that a failed test leaves no full disk behind. */
static void
full_vfs_remove(void)
{
	full_budget = -1;
	if (real_vfs == NULL)
		return;
	sqlite3_vfs_unregister(&full_vfs);
	sqlite3_vfs_register(real_vfs, 1);
	real_vfs = NULL;
}

/* n synthetic documents numbered from first, in dir (created). */
static void
write_many_docs(const char *dir, unsigned first, unsigned n)
{
	uint8_t sha1[20], sha256[32];
	char id[GUID_STRLEN + 1], name[64], path[PATH_MAX], *xml;

	assert_int_equal(mkdir(dir, 0755), 0);
	for (unsigned i = first; i < first + n; i++) {
		memset(sha1, (int)(i & 0xff), sizeof(sha1));
		memset(sha256, (int)(i >> 8), sizeof(sha256));
		snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012u", i);
		snprintf(name, sizeof(name), "payload-%u.exe", i);
		xml = synthetic_doc(id, name, 1000 + i, sha1, sha256);
		snprintf(path, sizeof(path), "%s/%06u.xml", dir, i);
		write_bytes(path, xml, strlen(xml));
		free(xml);
	}
}

/*
 * The disk fills while a batch is committed: the counts are what the
 * store holds (the lost batch counts as failed, not as new), the error
 * says "disk full" in one line, and a re-run stores the rest.
 */
static void
test_disk_full_counts_what_was_committed(void **state)
{
	struct fx *fx = *state;
	struct import_stats s;
	struct import_opts o;
	struct seen seen;
	struct store *st;
	char a[PATH_MAX], b[PATH_MAX], url[PATH_MAX + 16], err[512];
	long long one_batch;
	int from = 0, to = 0;

	snprintf(a, sizeof(a), "%s/first", fx->dir);
	snprintf(b, sizeof(b), "%s/second", fx->dir);
	write_many_docs(a, 0, 255);
	write_many_docs(b, 1000, 510);
	full_vfs_install();
	snprintf(url, sizeof(url), "sqlite://%s/full.db", fx->dir);
	if (store_open(url, &st, err, sizeof(err)) != STORE_OK)
		fail_msg("store_open: %s", err);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);

	/* what one batch of 255 such documents writes */
	memset(&s, 0, sizeof(s));
	full_written = 0;
	assert_int_equal(import_updates_path(st, a, &s, NULL), 0);
	assert_int_equal(s.created, 255);
	one_batch = full_written;
	assert_true(one_batch > 0);

	/* room for one more batch and a half: the second commit fails */
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	memset(&seen, 0, sizeof(seen));
	o.on_error = on_error;
	o.arg = &seen;
	full_written = 0;
	full_budget = one_batch + one_batch / 2;
	assert_int_equal(import_updates_path(st, b, &s, &o), -1);
	assert_int_equal(s.files, 510);
	assert_int_equal(s.created, 255);
	assert_int_equal(s.present, 0);
	assert_int_equal(s.failed, 255);
	assert_int_equal(nrevisions(st), 255 + 255);
	assert_int_equal(seen.nerrors, 1);
	assert_string_equal(seen.errors[0] + strlen(b), ": 255 imported "
	    "documents were not stored: committing a batch of 255 imports "
	    "failed (commit: disk full (database or disk is full)); they were "
	    "not stored");

	/* space again: the re-run stores the lost batch, nothing twice */
	full_budget = -1;
	memset(&s, 0, sizeof(s));
	assert_int_equal(import_updates_path(st, b, &s, NULL), 0);
	assert_int_equal(s.files, 510);
	assert_int_equal(s.created, 255);
	assert_int_equal(s.present, 255);
	assert_int_equal(s.failed, 0);
	assert_int_equal(nrevisions(st), 255 + 510);
	store_close(st);
	full_vfs_remove();
}

/* ---- content ---- */

static void
make_payload(uint8_t *p, size_t n, unsigned seed)
{
	uint32_t x = 2463534242u ^ seed;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static void
test_content_import(void **state)
{
	struct fx *fx = *state;
	enum import_content_result r;
	struct store_file f;
	uint8_t data[5000], sha1[20], sha256[32], got[20];
	char path[PATH_MAX], full[PATH_MAX], rel[128], err[512], hex[41], *doc, *name;
	char *back;
	size_t blen;

	make_payload(data, sizeof(data), 1);
	digest("SHA1", data, sizeof(data), sha1);
	digest("SHA256", data, sizeof(data), sha256);
	doc = synthetic_doc("11111111-2222-4333-8444-555555555555", "payload.exe",
	    sizeof(data), sha1, sha256);
	import_doc_text(fx->st, doc);
	free(doc);

	snprintf(path, sizeof(path), "%s/download.bin", fx->dir);
	write_bytes(path, data, sizeof(data));
	r = import_content_file(fx->st, fx->content, path, got, rel, sizeof(rel),
	    err, sizeof(err));
	if (r != IMPORT_CONTENT_IMPORTED)
		fail_msg("import_content_file: %d %s", r, err);
	assert_memory_equal(got, sha1, 20);
	/* CONTENT/XX/SHA1HEX.ext, upper-case hex, the metadata's extension */
	hex_encode(sha1, 20, hex, 1);
	snprintf(full, sizeof(full), "%.2s/%s.exe", hex + 38, hex);
	assert_string_equal(rel, full);
	snprintf(full, sizeof(full), "%s/%s", fx->content, rel);
	back = slurp(full, &blen);
	assert_int_equal(blen, sizeof(data));
	assert_memory_equal(back, data, sizeof(data));
	free(back);
	memset(&f, 0, sizeof(f));
	name = NULL;
	assert_int_equal(store_file_lookup(fx->st, sha1, &f, &name), STORE_OK);
	assert_true(f.present);
	free(name);

	/* again: already present, nothing new */
	r = import_content_file(fx->st, fx->content, path, got, rel, sizeof(rel),
	    err, sizeof(err));
	assert_int_equal(r, IMPORT_CONTENT_PRESENT);
	assert_int_equal(tl_count_files(fx->content), 1);
}

static void
test_content_wrong_files_rejected(void **state)
{
	struct fx *fx = *state;
	enum import_content_result r;
	struct import_content_stats cs;
	uint8_t a[3000], b[3000], c[3000], sha1[20], sha256[32], other[32], got[20];
	char path[PATH_MAX], dir[PATH_MAX], err[512], hex[41], *doc;

	/* a: listed correctly; b: SHA-1 right but SHA-256 wrong in the
	 * metadata; c: SHA-1 right but the size wrong */
	make_payload(a, sizeof(a), 2);
	make_payload(b, sizeof(b), 3);
	make_payload(c, sizeof(c), 4);
	digest("SHA1", a, sizeof(a), sha1);
	digest("SHA256", a, sizeof(a), sha256);
	doc = synthetic_doc("21111111-2222-4333-8444-555555555555", "a.cab",
	    sizeof(a), sha1, sha256);
	import_doc_text(fx->st, doc);
	free(doc);
	digest("SHA1", b, sizeof(b), sha1);
	digest("SHA256", a, sizeof(a), other);
	doc = synthetic_doc("31111111-2222-4333-8444-555555555555", "b.cab",
	    sizeof(b), sha1, other);
	import_doc_text(fx->st, doc);
	free(doc);
	digest("SHA1", c, sizeof(c), sha1);
	digest("SHA256", c, sizeof(c), sha256);
	doc = synthetic_doc("41111111-2222-4333-8444-555555555555", "c.cab",
	    sizeof(c) + 1, sha1, sha256);
	import_doc_text(fx->st, doc);
	free(doc);

	/* bytes nobody lists: one bit of a flipped */
	a[100] ^= 1;
	snprintf(path, sizeof(path), "%s/tampered.cab", fx->dir);
	write_bytes(path, a, sizeof(a));
	digest("SHA1", a, sizeof(a), sha1);
	hex_encode(sha1, 20, hex, 0);
	r = import_content_file(fx->st, fx->content, path, got, NULL, 0, err,
	    sizeof(err));
	assert_int_equal(r, IMPORT_CONTENT_REJECTED);
	assert_non_null(strstr(err, "no imported update lists a file with SHA-1"));
	assert_non_null(strstr(err, hex));

	snprintf(path, sizeof(path), "%s/b.cab", fx->dir);
	write_bytes(path, b, sizeof(b));
	r = import_content_file(fx->st, fx->content, path, got, NULL, 0, err,
	    sizeof(err));
	assert_int_equal(r, IMPORT_CONTENT_REJECTED);
	assert_non_null(strstr(err, "SHA-256"));

	snprintf(path, sizeof(path), "%s/c.cab", fx->dir);
	write_bytes(path, c, sizeof(c));
	r = import_content_file(fx->st, fx->content, path, got, NULL, 0, err,
	    sizeof(err));
	assert_int_equal(r, IMPORT_CONTENT_REJECTED);
	assert_non_null(strstr(err, "size"));

	/* nothing at all was left in the content directory */
	assert_int_equal(tl_count_files(fx->content), 0);

	/* a directory: the good one in, the three bad ones out */
	a[100] ^= 1;
	snprintf(dir, sizeof(dir), "%s/dl", fx->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/a.cab", dir);
	write_bytes(path, a, sizeof(a));
	snprintf(path, sizeof(path), "%s/b.cab", dir);
	write_bytes(path, b, sizeof(b));
	snprintf(path, sizeof(path), "%s/c.cab", dir);
	write_bytes(path, c, sizeof(c));
	a[100] ^= 1;
	snprintf(path, sizeof(path), "%s/tampered.cab", dir);
	write_bytes(path, a, sizeof(a));
	memset(&cs, 0, sizeof(cs));
	assert_int_equal(import_content_path(fx->st, fx->content, dir, &cs, NULL,
	    NULL), -1);
	assert_int_equal(cs.files, 4);
	assert_int_equal(cs.imported, 1);
	assert_int_equal(cs.rejected, 3);
	assert_int_equal(tl_count_files(fx->content), 1);
	memset(&cs, 0, sizeof(cs));
	snprintf(path, sizeof(path), "%s/a.cab", dir);
	assert_int_equal(import_content_path(fx->st, fx->content, path, &cs, NULL,
	    NULL), 0);
	assert_int_equal(cs.present, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_real_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cab_alone_gives_same_revision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_file_is_always_tried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_documents_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_bad_files_reported_others_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full_counts_what_was_committed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content_wrong_files_rejected, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
