/*
 * test_content_store.c — content_relpath, content_hash_file, the
 * verified atomic content_import (nothing left behind on failure),
 * content_publish, and the digests a download computes as it is written
 * (content_digest, content_publish_digested).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "content/content_store.h"
#include "content/verify.h"
#include "testlib.h"
#include "util/encode.h"

/* SHA-1 / SHA-256 of "abc" (FIPS 180-2 examples) and of "" */
#define ABC_SHA1 "A9993E364706816ABA3E25717850C26C9CD0D89D"
#define ABC_SHA256 \
	"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
#define EMPTY_SHA1 "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
#define EMPTY_SHA256 \
	"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"

struct fx {
	char	root[64];	/* temp dir */
	char	content[128];	/* root/content */
	char	src[128];	/* root/src.bin containing "abc" */
	uint8_t	sha1[20];
	uint8_t	sha256[32];
};

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Entries in dir other than . and ..; -1 when dir does not exist. */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "%s", "/tmp/wsusd-content-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->content, sizeof(f->content), "%s/content", f->root);
	snprintf(f->src, sizeof(f->src), "%s/src.bin", f->root);
	assert_int_equal(mkdir(f->content, 0755), 0);
	write_text(f->src, "abc");
	assert_int_equal(hex_decode(ABC_SHA1, f->sha1, 20), 0);
	assert_int_equal(hex_decode(ABC_SHA256, f->sha256, 32), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	tl_rmtree(f->root);
	free(f);
	return 0;
}

static void
test_relpath(void **state)
{
	uint8_t sha1[20];
	char out[80];

	(void)state;
	assert_int_equal(hex_decode(ABC_SHA1, sha1, 20), 0);
	assert_int_equal(content_relpath(sha1, "setup.exe", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1 ".exe");
	assert_int_equal(content_relpath(sha1, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	assert_int_equal(content_relpath(sha1, "noext", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	assert_int_equal(content_relpath(sha1, "trailing.", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	/* the last extension, case kept */
	assert_int_equal(content_relpath(sha1, "a.tar.GZ", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1 ".GZ");
	assert_int_equal(content_relpath(sha1,
	    "Windows10.0-KB5034441-x64.cab", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1 ".cab");
	/* 16 bytes with the dot kept, 17 dropped */
	assert_int_equal(content_relpath(sha1, "f.abcdefghijklmno", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1 ".abcdefghijklmno");
	assert_int_equal(content_relpath(sha1, "f.abcdefghijklmnop", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	/* odd characters drop the extension */
	assert_int_equal(content_relpath(sha1, "f.e$e", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	assert_int_equal(content_relpath(sha1, "x.a/b", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	assert_int_equal(content_relpath(sha1, "x.e e", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	assert_int_equal(content_relpath(sha1, "x._-9", out, sizeof(out)), 0);
	assert_string_equal(out, "9D/" ABC_SHA1 "._-9");
	/* too small an output buffer */
	assert_int_equal(content_relpath(sha1, "a.exe", out, 48), 0);
	assert_int_equal(content_relpath(sha1, "a.exe", out, 47), -1);
	assert_int_equal(content_relpath(sha1, NULL, out, 43), -1);
	assert_int_equal(content_relpath(sha1, NULL, out, 44), 0);
	/* the path and its NUL must fit: 48 bytes for ".exe", not 47 */
	memset(out, 'z', sizeof(out));
	assert_int_equal(content_relpath(sha1, "setup.exe", out, 48), 0);
	assert_string_equal(out, "9D/" ABC_SHA1 ".exe");
	assert_int_equal(out[48], 'z');
	assert_int_equal(content_relpath(sha1, "setup.exe", out, 47), -1);
	assert_int_equal(content_relpath(sha1, NULL, out, 44), 0);
	assert_string_equal(out, "9D/" ABC_SHA1);
	assert_int_equal(content_relpath(sha1, NULL, out, 43), -1);
}

static void
test_hash_file(void **state)
{
	struct fx *f = *state;
	uint8_t h1[20], h2[32];
	char hex[65], err[256], path[160];
	uint64_t n = 99;

	assert_int_equal(content_hash_file(f->src, h1, h2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3);
	hex_encode(h1, 20, hex, 1);
	assert_string_equal(hex, ABC_SHA1);
	hex_encode(h2, 32, hex, 1);
	assert_string_equal(hex, ABC_SHA256);

	snprintf(path, sizeof(path), "%s/empty", f->root);
	write_text(path, "");
	assert_int_equal(content_hash_file(path, h1, h2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 0);
	hex_encode(h1, 20, hex, 1);
	assert_string_equal(hex, EMPTY_SHA1);
	hex_encode(h2, 32, hex, 1);
	assert_string_equal(hex, EMPTY_SHA256);

	snprintf(path, sizeof(path), "%s/missing", f->root);
	assert_int_equal(content_hash_file(path, h1, h2, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(content_hash_file(f->root, h1, h2, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

/*
 * sudo wsusctl on the packaged layout (content owned by wsusd): what root
 * creates in the content directory takes the directory's owner, so wsusd
 * can later replace, quarantine or delete it.  Run as another user, files
 * are simply that user's (nothing to adopt).
 */
static void
test_import_owner(void **state)
{
	struct fx *f = *state;
	char err[256], path[256], qpath[256];
	struct stat sb;
	bool already, moved;
	uid_t uid = geteuid() == 0 ? 4242 : geteuid();
	gid_t gid = geteuid() == 0 ? 4343 : getegid();

	if (geteuid() == 0)
		assert_int_equal(chown(f->content, uid, gid), 0);
	assert_int_equal(content_import(f->content, f->src, f->sha1,
	    f->sha256, 3, "Setup.EXE", &already, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/9D", f->content);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_uid, uid);
	assert_int_equal(sb.st_gid, gid);
	assert_int_equal(sb.st_mode & 0777, 0755);
	snprintf(path, sizeof(path), "%s/9D/" ABC_SHA1 ".EXE", f->content);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_uid, uid);
	assert_int_equal(sb.st_gid, gid);
	assert_int_equal(sb.st_mode & 0777, 0644);
	/* the quarantine folder a repair makes, too */
	assert_int_equal(content_quarantine(f->content, f->sha1, "Setup.EXE",
	    &moved, qpath, sizeof(qpath), err, sizeof(err)), 0);
	assert_true(moved);
	snprintf(path, sizeof(path), "%s/quarantine", f->content);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_uid, uid);
	assert_int_equal(sb.st_gid, gid);
	assert_int_equal(stat(qpath, &sb), 0);
	assert_int_equal(sb.st_uid, uid);
}

static void
test_import_ok(void **state)
{
	struct fx *f = *state;
	char err[256], target[256], xx[160];
	struct stat sb;
	bool already = true;

	assert_int_equal(content_import(f->content, f->src, f->sha1,
	    f->sha256, 3, "Setup.EXE", &already, err, sizeof(err)), 0);
	assert_false(already);
	snprintf(target, sizeof(target), "%s/9D/" ABC_SHA1 ".EXE", f->content);
	assert_string_equal(slurp(target), "abc");
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	snprintf(xx, sizeof(xx), "%s/9D", f->content);
	assert_int_equal(count_entries(xx), 1);	/* no temporary left */

	/* the same again: already there, nothing rewritten */
	assert_int_equal(content_import(f->content, f->src, f->sha1,
	    f->sha256, 3, "Setup.EXE", &already, err, sizeof(err)), 0);
	assert_true(already);
	assert_int_equal(count_entries(xx), 1);

	/* optional checks may be left out */
	assert_int_equal(content_import(f->content, f->src, f->sha1, NULL,
	    UINT64_MAX, NULL, &already, err, sizeof(err)), 0);
	assert_false(already);
	snprintf(target, sizeof(target), "%s/9D/" ABC_SHA1, f->content);
	assert_string_equal(slurp(target), "abc");
	assert_int_equal(count_entries(xx), 2);
}

static void
test_import_mismatch_leaves_nothing(void **state)
{
	struct fx *f = *state;
	uint8_t bad1[20], bad256[32];
	char err[256], xx[160];
	bool already = true;

	snprintf(xx, sizeof(xx), "%s/9D", f->content);
	memcpy(bad1, f->sha1, 20);
	bad1[0] ^= 1;
	memcpy(bad256, f->sha256, 32);
	bad256[31] ^= 0x80;

	/* wrong SHA-1: the name is derived from it, so a different XX */
	assert_int_equal(content_import(f->content, f->src, bad1, f->sha256,
	    3, "a.exe", &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SHA-1 mismatch"));
	assert_non_null(strstr(err, ABC_SHA1));
	assert_false(already);
	assert_int_equal(count_entries(f->content), 0);	/* no XX dir left */

	assert_int_equal(content_import(f->content, f->src, f->sha1, bad256,
	    3, "a.exe", &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SHA-256 mismatch"));
	assert_int_equal(count_entries(f->content), 0);

	assert_int_equal(content_import(f->content, f->src, f->sha1,
	    f->sha256, 4, "a.exe", &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "size"));
	assert_int_equal(count_entries(f->content), 0);

	/* an XX dir that existed before stays, without temporaries */
	assert_int_equal(mkdir(xx, 0755), 0);
	assert_int_equal(content_import(f->content, f->src, f->sha1, bad256,
	    3, "a.exe", &already, err, sizeof(err)), -1);
	assert_int_equal(count_entries(xx), 0);
	assert_int_equal(count_entries(f->content), 1);
}

/* content_publish: verified in place, then moved; a mismatch moves nothing. */
static void
test_publish(void **state)
{
	struct fx *f = *state;
	uint8_t bad1[20], bad256[32];
	char err[256], target[256], xx[160];
	struct stat sb;
	bool mismatch = true;

	snprintf(xx, sizeof(xx), "%s/9D", f->content);
	snprintf(target, sizeof(target), "%s/9D/" ABC_SHA1 ".cab", f->content);
	memcpy(bad1, f->sha1, 20);
	bad1[0] ^= 1;
	memcpy(bad256, f->sha256, 32);
	bad256[31] ^= 0x80;
	assert_int_equal(content_publish(f->content, f->src, f->sha1, bad256, 3,
	    "x.cab", &mismatch, err, sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "SHA-256"));
	assert_int_equal(content_publish(f->content, f->src, f->sha1, f->sha256,
	    4, "x.cab", &mismatch, err, sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "size"));
	/* a wrong SHA-1 names another place; nothing is made there either */
	assert_int_equal(content_publish(f->content, f->src, bad1, f->sha256, 3,
	    "x.cab", &mismatch, err, sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "SHA-1"));
	assert_int_equal(count_entries(f->content), 0);
	assert_string_equal(slurp(f->src), "abc");	/* left where it was */
	/* an unreadable source is an error, not a mismatch */
	assert_int_equal(content_publish(f->content, "/nonexistent/x", f->sha1,
	    f->sha256, 3, "x.cab", &mismatch, err, sizeof(err)), -1);
	assert_false(mismatch);

	assert_int_equal(chmod(f->src, 0600), 0);
	assert_int_equal(content_publish(f->content, f->src, f->sha1, f->sha256,
	    3, "x.cab", &mismatch, err, sizeof(err)), 0);
	assert_false(mismatch);
	assert_string_equal(slurp(target), "abc");
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	assert_int_equal(stat(f->src, &sb), -1);	/* moved, not copied */
	assert_int_equal(count_entries(xx), 1);
}

/*
 * content_digest: fed in pieces, restarted, and starting from a prefix
 * on disk, it gives the digests of the whole stream.
 */
static void
test_digest(void **state)
{
	struct fx *f = *state;
	struct content_digest *d = content_digest_new();
	enum { BIG = 2 * 1024 * 1024 + 300 * 1024, PRE = 1024 * 1024 + 7 };
	uint8_t h1[20], h2[32], w1[20], w2[32], *data;
	char err[256], path[160];
	uint64_t n;
	int fd;

	assert_non_null(d);
	assert_int_equal(content_digest_update(d, "a", 1), 0);
	assert_int_equal(content_digest_update(d, "bc", 2), 0);
	assert_int_equal(content_digest_final(d, h1, h2, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(h1, f->sha1, 20);
	assert_memory_equal(h2, f->sha256, 32);
	/* restarted: what was fed before is forgotten */
	assert_int_equal(content_digest_reset(d), 0);
	assert_int_equal(content_digest_update(d, "zz", 2), 0);
	assert_int_equal(content_digest_reset(d), 0);
	assert_int_equal(content_digest_final(d, h1, h2, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(hex_decode(EMPTY_SHA1, w1, 20), 0);
	assert_int_equal(hex_decode(EMPTY_SHA256, w2, 32), 0);
	assert_memory_equal(h1, w1, 20);
	assert_memory_equal(h2, w2, 32);

	/* a prefix on disk (more than one read), then the rest fed */
	data = malloc(BIG);
	assert_non_null(data);
	for (unsigned i = 0; i < BIG; i++)
		data[i] = (uint8_t)((i * 2654435761u) >> 24);
	snprintf(path, sizeof(path), "%s/big.bin", f->root);
	assert_int_equal(tl_write_file(path, data, BIG), 0);
	assert_int_equal(content_hash_file(path, w1, w2, &n, err,
	    sizeof(err)), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(content_digest_reset(d), 0);
	assert_int_equal(content_digest_prefix(d, fd, PRE, err, sizeof(err)),
	    0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);	/* offset not moved */
	assert_int_equal(content_digest_update(d, data + PRE, BIG - PRE), 0);
	assert_int_equal(content_digest_final(d, h1, h2, &n), 0);
	assert_int_equal(n, BIG);
	assert_memory_equal(h1, w1, 20);
	assert_memory_equal(h2, w2, 32);
	/* a prefix longer than the file is an error */
	assert_int_equal(content_digest_reset(d), 0);
	assert_int_equal(content_digest_prefix(d, fd, BIG + 1, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "ends at"));
	close(fd);
	free(data);
	content_digest_free(d);
	content_digest_free(NULL);
}

/*
 * content_publish_digested: the writer's digests decide, nothing is read
 * back; a mismatch (or a length on disk other than the writer's count)
 * moves nothing.
 */
static void
test_publish_digested(void **state)
{
	struct fx *f = *state;
	uint8_t bad1[20], bad256[32];
	char err[256], target[256], xx[160];
	struct stat sb;
	bool mismatch = false;

	snprintf(xx, sizeof(xx), "%s/9D", f->content);
	snprintf(target, sizeof(target), "%s/9D/" ABC_SHA1 ".cab", f->content);
	memcpy(bad1, f->sha1, 20);
	bad1[5] ^= 1;
	memcpy(bad256, f->sha256, 32);
	bad256[0] ^= 0x80;
	/* the file is right, the writer saw other bytes: refused */
	assert_int_equal(content_publish_digested(f->content, f->src, f->sha1,
	    f->sha256, 3, "x.cab", bad1, f->sha256, 3, &mismatch, err,
	    sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "SHA-1"));
	mismatch = false;
	assert_int_equal(content_publish_digested(f->content, f->src, f->sha1,
	    f->sha256, 3, "x.cab", f->sha1, bad256, 3, &mismatch, err,
	    sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "SHA-256"));
	/* the writer's count is not the metadata's size */
	mismatch = false;
	assert_int_equal(content_publish_digested(f->content, f->src, f->sha1,
	    f->sha256, 4, "x.cab", f->sha1, f->sha256, 3, &mismatch, err,
	    sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "size"));
	/* the file on disk is not as long as what was written */
	write_text(f->src, "abcd");
	mismatch = false;
	assert_int_equal(content_publish_digested(f->content, f->src, f->sha1,
	    f->sha256, 3, "x.cab", f->sha1, f->sha256, 3, &mismatch, err,
	    sizeof(err)), -1);
	assert_true(mismatch);
	assert_non_null(strstr(err, "4 bytes on disk, 3 written"));
	assert_int_equal(count_entries(f->content), 0);
	assert_string_equal(slurp(f->src), "abcd");	/* left where it was */
	/* an unreadable source: an error, not a mismatch */
	assert_int_equal(content_publish_digested(f->content, "/nonexistent/x",
	    f->sha1, f->sha256, 3, "x.cab", f->sha1, f->sha256, 3, &mismatch,
	    err, sizeof(err)), -1);
	assert_false(mismatch);

	/* digests that match: fsync'd, 0644, moved; its bytes are not read
	 * (same length, other bytes on disk: the writer's digests count) */
	write_text(f->src, "abd");
	assert_int_equal(chmod(f->src, 0600), 0);
	assert_int_equal(content_publish_digested(f->content, f->src, f->sha1,
	    NULL, 3, "x.cab", f->sha1, f->sha256, 3, &mismatch, err,
	    sizeof(err)), 0);
	assert_false(mismatch);
	assert_string_equal(slurp(target), "abd");
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	assert_int_equal(stat(f->src, &sb), -1);
	assert_int_equal(count_entries(xx), 1);
}

static void
test_import_replaces_corrupt(void **state)
{
	struct fx *f = *state;
	char err[256], target[256], xx[160];
	bool already = true;

	snprintf(xx, sizeof(xx), "%s/9D", f->content);
	snprintf(target, sizeof(target), "%s/9D/" ABC_SHA1 ".cab", f->content);
	assert_int_equal(mkdir(xx, 0755), 0);
	write_text(target, "abd");		/* same size, wrong bytes */
	assert_int_equal(content_import(f->content, f->src, f->sha1,
	    f->sha256, 3, "x.cab", &already, err, sizeof(err)), 0);
	assert_false(already);
	assert_string_equal(slurp(target), "abc");
	assert_int_equal(count_entries(xx), 1);

	/* and a corrupt file is kept when the new source is bad too */
	write_text(target, "abd");
	write_text(f->src, "abe");
	assert_int_equal(content_import(f->content, f->src, f->sha1,
	    f->sha256, 3, "x.cab", &already, err, sizeof(err)), -1);
	assert_string_equal(slurp(target), "abd");
	assert_int_equal(count_entries(xx), 1);
}

static void
test_import_bad_paths(void **state)
{
	struct fx *f = *state;
	char err[256], path[160];
	bool already;

	snprintf(path, sizeof(path), "%s/nope", f->root);
	assert_int_equal(content_import(f->content, path, f->sha1, NULL,
	    UINT64_MAX, NULL, &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope"));
	assert_int_equal(content_import(path, f->src, f->sha1, NULL,
	    UINT64_MAX, NULL, &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "content directory"));
	assert_int_equal(content_import(f->content, f->root, f->sha1, NULL,
	    UINT64_MAX, NULL, &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	/* the XX name taken by a regular file */
	snprintf(path, sizeof(path), "%s/9D", f->content);
	write_text(path, "");
	assert_int_equal(content_import(f->content, f->src, f->sha1, NULL,
	    UINT64_MAX, NULL, &already, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a directory"));
}

static void
test_import_large(void **state)
{
	struct fx *f = *state;
	char err[256], path[160], rel[80], target[256];
	uint8_t h1[20], h2[32], g1[20], g2[32];
	uint64_t n;
	bool already;
	FILE *fp;

	/* 3.5 MiB: several copy chunks */
	snprintf(path, sizeof(path), "%s/big.bin", f->root);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (unsigned i = 0; i < 3 * 1024 * 1024 + 512 * 1024; i++)
		fputc((int)((i * 2654435761u) >> 24), fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(content_hash_file(path, h1, h2, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3 * 1024 * 1024 + 512 * 1024);
	assert_int_equal(content_import(f->content, path, h1, h2, n,
	    "big.psf", &already, err, sizeof(err)), 0);
	assert_int_equal(content_relpath(h1, "big.psf", rel, sizeof(rel)), 0);
	snprintf(target, sizeof(target), "%s/%s", f->content, rel);
	assert_int_equal(content_hash_file(target, g1, g2, &n, err,
	    sizeof(err)), 0);
	assert_memory_equal(g1, h1, 20);
	assert_memory_equal(g2, h2, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relpath),
		cmocka_unit_test_setup_teardown(test_hash_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_owner, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_digested, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_import_mismatch_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_replaces_corrupt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_bad_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_large, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
