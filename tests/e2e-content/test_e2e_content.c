/*
 * test_e2e_content.c — content synchronization end to end: an upstream
 * wsusd with the real update documents of the fixtures plus two
 * synthetic updates with content (made here, like tools/demo-update.sh),
 * both approved; the file of A is in the upstream's content store, the
 * file of B is not (a 404).  Downstream replicas (`wsusctl sync
 * --replica --content approved`, each a temporary store):
 *
 *   download  A arrives byte-identical, is marked present and served by
 *             the downstream's own wsusd; B's 404 makes a DownloadFiles
 *             call with B's digest and counts B as pending; a second sync
 *             downloads nothing.
 *   resume    a metadata-only sync (no --content) downloads nothing; a
 *             part file holding the first half of A is left alone while
 *             another process holds its lock, then continued with a
 *             Range request: only the second half crosses the wire.
 *   policy    an autonomous downstream: "approved" finds nothing (no
 *             local approvals), "all" takes every listed file but the
 *             express file C (PatchingType "Express", a .psf); bad
 *             option values are usage errors.
 *   express   --express yes: C is downloaded too.
 *   split     --split-min 1: A (over 1 MiB) comes in two ranged parts
 *             written at their offsets; a part state left by an
 *             interrupted run (one part done, the other begun) resumes
 *             each part where it stopped: only the missing bytes cross
 *             the wire; a state whose bytes are wrong is refused by the
 *             hash check, and the next sync fetches the file whole.
 *   tls       an https upstream trusted with --cacert: content over TLS.
 *   corrupt   the upstream's copy of A replaced by other bytes of the
 *             same length: refused, deleted, not published; with the
 *             right copy back the next sync fetches A again.
 *   prefix    a part file whose prefix has a wrong byte, completed with
 *             the right rest: refused (the prefix is hashed too); the
 *             next sync fetches A whole.
 *   short     the upstream's A cut to a third: the part is kept; with
 *             the whole copy back the next sync fetches only the rest
 *             and publishes A intact.
 *   tiers     three tiers, top (the upstream), middle, bottom, all
 *             autonomous: the middle ("approved", nothing approved there)
 *             lacks every file; the bottom's "all" sync gets 404s and asks
 *             DownloadFiles; the middle queues what it can fetch from its
 *             own upstream, its wsusd starts a sync at once that fetches A
 *             from the top, and the bottom's next sync gets A from the
 *             middle.
 *   window    a downstream wsusd whose runner syncs (`sync now`) with a
 *             content window that is closed now (computed from the clock):
 *             metadata only, history phase "content-deferred"; with a
 *             window open now the next run downloads A.
 *
 * Program: test_e2e_content WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "wusp_harness.h"
#include "e2e_content_fx.h"
#include "content/content_store.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/xmalloc.h"

#define UPD_A	"0c0e0000-0000-4000-8000-00000000000a"
#define UPD_B	"0c0e0000-0000-4000-8000-00000000000b"
#define UPD_C	"0c0e0000-0000-4000-8000-00000000000c"
#define SIZE	(1024 * 1024 + 123)	/* odd, more than one buffer */

static struct tl_wsusd up;
static struct synth A = { .id = UPD_A, .name = "wsusd-content-a.exe",
    .size = SIZE };
static struct synth B = { .id = UPD_B, .name = "wsusd-content-b.exe",
    .size = SIZE };
/* an express installation file (PSF): left out unless --express yes */
static struct synth C = { .id = UPD_C, .name = "wsusd-content-c.psf",
    .size = SIZE, .patching = "Express" };
static char upurl[64];
static struct tl_wsusd dss[7], mid, bot, win, xd, sp[3];
static uint16_t tls_port;	/* the downstreams; removed at the end */
static bool sync_express;	/* run_sync_from gives --express yes */
static bool sync_split;		/* run_sync_from gives --split-min 1 */

/*
 * The file of s into the upstream's directory, its update document into
 * DIR/ID.xml (KBArticleID 99000, the last digit of its id, 1).
 */
static void
make_synth(struct synth *s, const char *dir, uint32_t seed)
{
	char path[512], kb[16];

	snprintf(path, sizeof(path), "%s/%s", up.dir, s->name);
	snprintf(kb, sizeof(kb), "99000%c1", s->id[strlen(s->id) - 1]);
	if (synth_file(s, path, seed) != 0 ||
	    synth_doc(s, dir, kb, "content") != 0)
		abort();
}

static int
group_setup(void **state)
{
	char dir[256], extra[128];

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tls_port = tl_free_port();
	snprintf(extra, sizeof(extra), "\n[listener tls]\naddress = 127.0.0.1\n"
	    "port = %u\ntls = yes\n", tls_port);
	if (wh_setup(&up, extra) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/synthetic", up.dir);
	if (mkdir(dir, 0755) != 0)
		return -1;
	make_synth(&A, dir, 0x13572468);
	make_synth(&B, dir, 0x2468ace1);
	make_synth(&C, dir, 0x31415926);
	/* A's file into the upstream's content store; B's stays out (404) */
	if (ctl_ok(&up, "-q", "import-updates", dir, (char *)NULL) != 0 ||
	    ctl_ok(&up, "-q", "import-content", A.path, (char *)NULL) != 0 ||
	    ctl_ok(&up, "-q", "import-content", C.path, (char *)NULL) != 0 ||
	    ctl_ok(&up, "-q", "approve", UPD_A, UPD_B, UPD_C, "--group",
	    "All Computers", (char *)NULL) != 0 ||
	    tl_wsusd_start(&up) != 0)
		return -1;
	snprintf(upurl, sizeof(upurl), "http://127.0.0.1:%u", up.port);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tl_wsusd_cleanup(&up);
	for (size_t i = 0; i < sizeof(dss) / sizeof(dss[0]); i++)
		dss_cleanup(&dss[i]);
	dss_cleanup(&mid);
	dss_cleanup(&bot);
	dss_cleanup(&win);
	dss_cleanup(&xd);
	for (size_t i = 0; i < 3; i++)
		dss_cleanup(&sp[i]);
	free(A.data);
	free(B.data);
	free(C.data);
	curl_global_cleanup();
	return 0;
}

/*
 * wsusctl --json sync --replica --no-rollup [--content POLICY] [--record
 * DIR]: the parsed result (fails the test unless it exited 0).
 */
static json_t *
run_sync_from(struct tl_wsusd *d, const char *from, bool replica,
    const char *policy, const char *rec)
{
	/* an option not given is replaced by a repeated --no-rollup */
	return sync_result(d, "--json", "sync", "--upstream", from, "--name",
	    "content-dss.site.invalid", replica ? "--replica" : "--no-rollup",
	    "--no-rollup", "--download-connections", "2",
	    policy ? "--content" : "--no-rollup", policy ? policy : "--no-rollup",
	    rec ? "--record" : "--no-rollup", rec ? rec : "--no-rollup",
	    sync_express ? "--express" : "--no-rollup",
	    sync_express ? "yes" : "--no-rollup",
	    sync_split ? "--split-min" : "--no-rollup",
	    sync_split ? "1" : "--no-rollup", (char *)NULL);
}

static json_t *
run_sync_as(struct tl_wsusd *d, bool replica, const char *policy,
    const char *rec)
{
	return run_sync_from(d, upurl, replica, policy, rec);
}

static json_t *
run_sync(struct tl_wsusd *d, const char *policy, const char *rec)
{
	return run_sync_as(d, true, policy, rec);
}

/* Is the file of s marked present in d's store?  1, 0; -1 unknown. */
static int
present(struct tl_wsusd *d, const struct synth *s)
{
	struct store *st = open_store(d);
	struct store_file f;
	char *name = NULL;
	int rc;

	rc = store_file_lookup(st, s->sha1, &f, &name);
	free(name);
	store_close(st);
	return rc != STORE_OK ? -1 : f.present ? 1 : 0;
}

static int
count_cb(const struct store_file *f, void *arg)
{
	(void)f;
	(*(size_t *)arg)++;
	return 0;
}

/* How many files d's metadata lists (store_file_list, all). */
static size_t
listed_files(struct tl_wsusd *d)
{
	struct store *st = open_store(d);
	size_t n = 0;

	assert_int_equal(store_file_list(st, false, count_cb, &n), STORE_OK);
	store_close(st);
	return n;
}

static bool
exists(const char *fmt, ...)
{
	char path[512];
	struct stat sb;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return lstat(path, &sb) == 0;
}

static size_t
on_get(char *p, size_t size, size_t n, void *arg)
{
	buf_append(arg, p, size * n);
	return size * n;
}

static void
test_download(void **state)
{
	struct tl_wsusd *d = &dss[0];
	char rec[192], hexa[41], hexb[41], b64[32], url[256], path[256];
	struct buf body;
	json_t *j;
	CURL *h;
	long code = 0;
	glob_t g;

	(void)state;
	dss_setup(d, "dsc1");
	snprintf(rec, sizeof(rec), "%s/rec", d->dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	j = run_sync(d, "approved", rec);
	assert_string_equal(json_string_value(json_object_get(j, "content")),
	    "approved");
	assert_counts(j, 1, SIZE, 0, 1);
	/* under 64 MiB: one transfer; C, an express file, left out */
	assert_int_equal(jint(j, "files_split"), 0);
	assert_int_equal(jint(j, "files_express_skipped"), 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
	assert_int_equal(present(d, &B), 0);
	assert_false(exists("%s/%s", d->content, B.rel));
	hex_encode(A.sha1, 20, hexa, 1);
	hex_encode(B.sha1, 20, hexb, 1);
	assert_false(exists("%s/.partial/%s.part", d->content, hexa));
	/* B's 404 asked DownloadFiles with B's digest (and only B's) */
	snprintf(path, sizeof(path), "%s/index.tsv", rec);
	assert_int_equal(tl_count_in_file(path, "\tDownloadFiles\t"), 1);
	snprintf(path, sizeof(path), "%s/*-DownloadFiles.request.xml", rec);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	base64_encode(B.sha1, 20, b64);
	assert_int_equal(tl_count_in_file(g.gl_pathv[0], b64), 1);
	assert_int_equal(tl_count_in_file(g.gl_pathv[0], "<base64Binary>"), 1);
	globfree(&g);
	assert_false(exists("%s/.partial/%s.part", d->content, hexb));

	/* the downstream's own wsusd serves it to its clients */
	assert_int_equal(tl_wsusd_start(d), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/Content/%s", d->port,
	    A.rel);
	buf_init(&body, SIZE * 2);
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_get);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	assert_int_equal(code, 200);
	assert_int_equal(body.len, SIZE);
	assert_memory_equal(body.data, A.data, SIZE);
	buf_free(&body);
	assert_int_equal(tl_wsusd_stop(d), 0);

	/* the next sync has nothing to download; B is still pending */
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 0, 0, 0, 1);
	json_decref(j);
	assert_file_is(d, &A);
}

/* path has the owner of d's content directory (root: 4242:4343, set by
 * test_resume; otherwise the test's own user). */
static void
owned_by_content(const struct tl_wsusd *d, const char *path)
{
	struct stat sb, cb;

	assert_int_equal(stat(d->content, &cb), 0);
	assert_int_equal(stat(path, &sb), 0);
	if (sb.st_uid != cb.st_uid || sb.st_gid != cb.st_gid ||
	    (geteuid() == 0 && cb.st_uid != 4242))
		fail_msg("%s: owner %u:%u, content directory %u:%u", path,
		    (unsigned)sb.st_uid, (unsigned)sb.st_gid,
		    (unsigned)cb.st_uid, (unsigned)cb.st_gid);
}

static void
test_resume(void **state)
{
	struct tl_wsusd *d = &dss[1];
	char part[512], dir[512], hex[41];
	struct stat sb;
	json_t *j;
	int lk;

	(void)state;
	dss_setup(d, "dsc2");
	/* run as root on a content directory wsusd owns (sudo wsusctl sync
	 * on the package's layout): what the sync makes there is wsusd's */
	if (geteuid() == 0)
		assert_int_equal(chown(d->content, 4242, 4343), 0);
	/* metadata only (the default): nothing downloaded */
	j = run_sync(d, NULL, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "content")),
	    "none");
	assert_counts(j, 0, 0, 0, 0);
	json_decref(j);
	assert_int_equal(present(d, &A), 0);
	assert_false(exists("%s/%s", d->content, A.rel));
	/* an interrupted download: the first half in the part file */
	hex_encode(A.sha1, 20, hex, 1);
	snprintf(part, sizeof(part), "%s/.partial", d->content);
	assert_int_equal(mkdir_p(part, 0755), 0);
	snprintf(part, sizeof(part), "%s/.partial/%s.part", d->content, hex);
	assert_int_equal(tl_write_file(part, A.data, SIZE / 2), 0);
	/* while another sync holds it (flock), it is left alone */
	lk = open(part, O_RDONLY | O_CLOEXEC);
	assert_true(lk >= 0);
	assert_int_equal(flock(lk, LOCK_EX), 0);
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 0, 0, 1, 1);
	json_decref(j);
	close(lk);
	assert_int_equal(stat(part, &sb), 0);
	assert_int_equal(sb.st_size, SIZE / 2);
	owned_by_content(d, part);
	snprintf(dir, sizeof(dir), "%s/.partial", d->content);
	owned_by_content(d, dir);
	assert_int_equal(present(d, &A), 0);
	j = run_sync(d, "approved", NULL);
	/* only the second half crossed the wire */
	assert_counts(j, 1, SIZE - SIZE / 2, 0, 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
	assert_false(exists("%s", part));
	snprintf(dir, sizeof(dir), "%s/%s", d->content, A.rel);
	owned_by_content(d, dir);
	*strrchr(dir, '/') = '\0';
	owned_by_content(d, dir);
}

static void
test_corrupt(void **state)
{
	struct tl_wsusd *d = &dss[2];
	char path[512], hex[41], *other;
	json_t *j;

	(void)state;
	/* the upstream's A: same name and length, other bytes */
	other = xmalloc(SIZE);
	memcpy(other, A.data, SIZE);
	other[SIZE / 3] ^= 0x5a;
	snprintf(path, sizeof(path), "%s/%s", up.content, A.rel);
	assert_int_equal(write_file_atomic(path, other, SIZE, 0644), 0);
	free(other);
	dss_setup(d, "dsc3");
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 0, SIZE, 1, 1);
	json_decref(j);
	assert_int_equal(present(d, &A), 0);
	assert_false(exists("%s/%s", d->content, A.rel));
	hex_encode(A.sha1, 20, hex, 1);
	assert_false(exists("%s/.partial/%s.part", d->content, hex));
	/* nothing else in the content directory but the empty .partial */
	assert_int_equal(tl_count_files(d->content), 0);
	/* the upstream's copy back (also for whoever runs after): the next
	 * sync fetches the file again, whole, and publishes it */
	snprintf(path, sizeof(path), "%s/%s", up.content, A.rel);
	assert_int_equal(write_file_atomic(path, A.data, SIZE, 0644), 0);
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 1, SIZE, 0, 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
	assert_false(exists("%s/.partial/%s.part", d->content, hex));
}

/*
 * An autonomous downstream approves nothing by syncing: "approved" finds
 * no file, "all" takes every file the metadata lists: A; B and the
 * files of the real documents (whose bytes the test data lacks) are 404.
 */
static void
test_policy_all(void **state)
{
	struct tl_wsusd *d = &dss[3];
	json_t *j;
	size_t n;

	(void)state;
	dss_setup(d, "dsc4");
	j = run_sync_as(d, false, "approved", NULL);
	assert_counts(j, 0, 0, 0, 0);
	json_decref(j);
	assert_int_equal(present(d, &A), 0);
	j = run_sync_as(d, false, "all", NULL);
	assert_string_equal(json_string_value(json_object_get(j, "content")),
	    "all");
	n = listed_files(d);
	assert_true(n >= 3);
	assert_int_equal(listed_files(&up), n);
	/* C, an express file, is left out */
	assert_counts(j, 1, SIZE, 0, (long long)n - 2);
	assert_int_equal(jint(j, "files_express_skipped"), 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
	assert_int_equal(present(d, &C), 0);
}

/* --express yes: the express file C too, verified like any other. */
static void
test_express(void **state)
{
	json_t *j;

	(void)state;
	dss_setup(&xd, "dsx");
	sync_express = true;
	j = run_sync(&xd, "approved", NULL);
	sync_express = false;
	assert_counts(j, 2, 2 * SIZE, 0, 1);
	assert_int_equal(jint(j, "files_express_skipped"), 0);
	json_decref(j);
	assert_file_is(&xd, &A);
	assert_file_is(&xd, &C);
	assert_int_equal(present(&xd, &C), 1);
	assert_int_equal(present(&xd, &B), 0);
}

/*
 * An https upstream (the self-signed certificate of its postinstall,
 * trusted with --cacert): the content comes over the same TLS listener,
 * within a bandwidth limit, one connection.
 */
static void
test_tls(void **state)
{
	struct tl_wsusd *d = &dss[4];
	char url[64], ca[256];
	struct buf out;
	const char *p;
	json_t *j = NULL;
	int rc;

	(void)state;
	dss_setup(d, "dsc5");
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", tls_port);
	snprintf(ca, sizeof(ca), "%s/state/tls/wsusd.crt", up.dir);
	buf_init(&out, 8u << 20);
	rc = tl_ctl(d, &out, "--json", "sync", "--upstream", url, "--cacert",
	    ca, "--replica", "--no-rollup", "--content", "approved",
	    "--download-connections", "1", "--bandwidth", "1000000",
	    (char *)NULL);
	if (out.data != NULL && (p = strstr(out.data, "{\n  \"upstream\"")) != NULL)
		j = json_loads(p, JSON_DISABLE_EOF_CHECK, NULL);
	if (rc != 0 || j == NULL)
		fprintf(stderr, "%s\n", out.data ? out.data : "");
	buf_free(&out);
	assert_int_equal(rc, 0);
	assert_non_null(j);
	assert_counts(j, 1, SIZE, 0, 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
}

/* wsusctl sync VERB --json on d, parsed. */
static json_t *
sync_json(struct tl_wsusd *d, const char *verb, const char *more)
{
	struct buf out;
	json_t *j;
	int rc;

	buf_init(&out, 1 << 20);
	rc = tl_ctl(d, &out, "sync", verb, "--json", more, (char *)NULL);
	j = out.data != NULL ? json_loads(out.data, 0, NULL) : NULL;
	if (rc != 0 || j == NULL)
		fail_msg("sync %s: exit %d:\n%s", verb, rc,
		    out.data ? out.data : "");
	buf_free(&out);
	return j;
}

/* The newest run of d's history: its phase, files and bytes. */
static void
assert_last_run(struct tl_wsusd *d, size_t runs, const char *phase,
    long long files, long long bytes)
{
	json_t *h = sync_json(d, "history", NULL), *r;

	assert_int_equal(json_array_size(h), runs);
	r = json_array_get(h, 0);
	assert_string_equal(json_string_value(json_object_get(r, "result")),
	    "ok");
	assert_string_equal(json_string_value(json_object_get(r, "phase")),
	    phase);
	assert_int_equal(jint(r, "files"), files);
	assert_int_equal(jint(r, "bytes"), bytes);
	json_decref(h);
}

/* Rows of d's content_requests (store_file_request_count). */
static size_t
requests(struct tl_wsusd *d)
{
	struct store *st = open_store(d);
	size_t n = 0;

	assert_int_equal(store_file_request_count(st, &n), STORE_OK);
	store_close(st);
	return n;
}

static void
test_tiers(void **state)
{
	char midurl[64], rec[192], path[256];
	json_t *j;
	size_t n;
	glob_t g;

	(void)state;
	dss_setup(&mid, "dsmid");
	dss_setup(&bot, "dsbot");
	/* the middle's own update source: the top, files of approved updates */
	assert_int_equal(ctl_ok(&mid, "-q", "sync", "configure", "--upstream",
	    upurl, "--autonomous", "--content", "approved", "--name",
	    "content-dss.site.invalid", (char *)NULL), 0);
	j = run_sync_from(&mid, upurl, false, "approved", NULL);
	assert_counts(j, 0, 0, 0, 0);
	json_decref(j);
	n = listed_files(&mid);
	assert_true(n >= 3);
	assert_int_equal(tl_wsusd_start(&mid), 0);
	snprintf(midurl, sizeof(midurl), "http://127.0.0.1:%u", mid.port);

	/* the bottom wants every file (but the express C): all 404 at the
	 * middle */
	snprintf(rec, sizeof(rec), "%s/rec", bot.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	j = run_sync_from(&bot, midurl, false, "all", rec);
	n--;
	assert_counts(j, 0, 0, 0, (long long)n);
	json_decref(j);
	/* the middle took the DownloadFiles call (no fault) and queued all */
	snprintf(path, sizeof(path), "%s/*-DownloadFiles.response.xml", rec);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	assert_int_equal(tl_count_in_file(g.gl_pathv[0], "Fault"), 0);
	assert_int_equal(tl_count_in_file(g.gl_pathv[0],
	    "DownloadFilesResponse"), 1);
	/* ... and took n digests */
	snprintf(path, sizeof(path), "%s/*-DownloadFiles.request.xml", rec);
	globfree(&g);
	assert_int_equal(glob(path, 0, NULL, &g), 0);
	assert_int_equal(tl_count_in_file(g.gl_pathv[0], "<base64Binary>"), n);
	globfree(&g);
	assert_int_equal(requests(&mid), n);

	/* the middle's wsusd syncs at once and fetches A (the top has it);
	 * B and the real documents' files are 404 at the top too and stay
	 * queued */
	for (int i = 0; i < 1200 && present(&mid, &A) != 1; i++)
		usleep(100 * 1000);
	assert_int_equal(present(&mid, &A), 1);
	assert_file_is(&mid, &A);
	assert_int_equal(present(&mid, &A), 1);
	assert_int_equal(requests(&mid), n - 1);

	/* and the bottom's next sync gets A from the middle */
	j = run_sync_from(&bot, midurl, false, "all", NULL);
	assert_counts(j, 1, SIZE, 0, (long long)n - 1);
	json_decref(j);
	assert_file_is(&bot, &A);
	assert_int_equal(present(&bot, &A), 1);
	assert_int_equal(present(&bot, &B), 0);
	assert_int_equal(requests(&bot), 0);
	/* the run the requests started: one, done when it ended */
	for (int i = 0; i < 1200; i++) {
		j = sync_json(&mid, "status", NULL);
		if (strcmp(json_string_value(json_object_get(j, "state")),
		    "idle") == 0)
			break;
		json_decref(j);
		j = NULL;
		usleep(100 * 1000);
	}
	json_decref(j);
	assert_last_run(&mid, 1, "done", 1, SIZE);
	assert_int_equal(tl_wsusd_stop(&mid), 0);
}

/* "HH:MM-HH:MM" from now + a to now + b minutes, local time. */
static void
window_from_now(char *out, size_t len, int a, int b)
{
	time_t now = time(NULL), ta = now + a * 60, tb = now + b * 60;
	struct tm x, y;

	localtime_r(&ta, &x);
	localtime_r(&tb, &y);
	snprintf(out, len, "%02d:%02d-%02d:%02d", x.tm_hour, x.tm_min,
	    y.tm_hour, y.tm_min);
}

static void
test_window(void **state)
{
	static const char *const bad[] = { "25:00-01:00", "01:00-01:00",
	    "1:00-02:00", "01:00-02:00x", "01:00", "01:60-02:00" };
	char closed[16], open[16];
	struct buf out;
	json_t *j;

	(void)state;
	dss_setup(&win, "dswin");
	/* closed: it opens in two hours; open: it began an hour ago */
	window_from_now(closed, sizeof(closed), 120, 180);
	window_from_now(open, sizeof(open), -60, 60);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&out, 1 << 16);
		assert_int_equal(tl_ctl(&win, &out, "sync", "configure",
		    "--upstream", upurl, "--content-window", bad[i],
		    (char *)NULL), 2);
		buf_free(&out);
	}
	assert_int_equal(ctl_ok(&win, "-q", "sync", "configure", "--upstream",
	    upurl, "--replica", "--content", "approved", "--content-window",
	    closed, (char *)NULL), 0);
	j = sync_json(&win, "configure", "--show");
	assert_string_equal(json_string_value(json_object_get(j,
	    "content_window")), closed);
	json_decref(j);
	assert_int_equal(tl_wsusd_start(&win), 0);

	/* outside the window: metadata, no content, recorded in history */
	assert_int_equal(ctl_ok(&win, "-q", "sync", "now", (char *)NULL), 0);
	assert_last_run(&win, 1, "content-deferred", 0, 0);
	assert_int_equal(present(&win, &A), 0);
	assert_true(listed_files(&win) >= 3);
	assert_int_equal(tl_count_files(win.content), 0);

	/* inside it: the next run downloads */
	assert_int_equal(ctl_ok(&win, "-q", "sync", "configure",
	    "--content-window", open, (char *)NULL), 0);
	assert_int_equal(ctl_ok(&win, "-q", "sync", "now", (char *)NULL), 0);
	assert_last_run(&win, 2, "done", 1, SIZE);
	assert_int_equal(present(&win, &A), 1);
	assert_file_is(&win, &A);
	assert_int_equal(tl_wsusd_stop(&win), 0);

	/* "" removes it */
	assert_int_equal(ctl_ok(&win, "-q", "sync", "configure",
	    "--content-window", "", (char *)NULL), 0);
	j = sync_json(&win, "configure", "--show");
	assert_true(json_is_null(json_object_get(j, "content_window")));
	json_decref(j);
}

/* The part file and state of A on d as an interrupted split download
 * leaves them: part 0 has d0 bytes, part 1 d1 (good: A's bytes, else
 * zeros). */
static void
leave_split_state(struct tl_wsusd *d, size_t d0, size_t d1, bool good)
{
	char path[512], hex[41], line[128];
	char *data = xcalloc(1, SIZE);

	hex_encode(A.sha1, 20, hex, 1);
	snprintf(path, sizeof(path), "%s/.partial", d->content);
	assert_int_equal(mkdir_p(path, 0755), 0);
	if (good) {
		memcpy(data, A.data, d0);
		memcpy(data + SIZE / 2, A.data + SIZE / 2, d1);
	}
	snprintf(path, sizeof(path), "%s/.partial/%s.part", d->content, hex);
	assert_int_equal(tl_write_file(path, data, SIZE), 0);
	free(data);
	snprintf(line, sizeof(line), "wsusd-parts %d 2 %zu %zu\n", SIZE, d0,
	    d1);
	snprintf(path, sizeof(path), "%s/.partial/%s.parts", d->content, hex);
	assert_int_equal(tl_write_file(path, line, strlen(line)), 0);
}

static void
test_split(void **state)
{
	char hex[41];
	json_t *j;

	(void)state;
	hex_encode(A.sha1, 20, hex, 1);
	sync_split = true;
	/* fresh: two parts, the whole file once */
	dss_setup(&sp[0], "dssp1");
	j = run_sync(&sp[0], "approved", NULL);
	assert_counts(j, 1, SIZE, 0, 1);
	/* A, and B whose parts are 404s (pending, nothing left behind) */
	assert_int_equal(jint(j, "files_split"), 2);
	json_decref(j);
	assert_file_is(&sp[0], &A);
	assert_false(exists("%s/.partial/%s.parts", sp[0].content, hex));
	assert_false(exists("%s/.partial/%s.part", sp[0].content, hex));
	assert_int_equal(tl_count_files(sp[0].content), 1);

	/* resumed part by part: part 0 complete, part 1 has 1000 bytes */
	dss_setup(&sp[1], "dssp2");
	leave_split_state(&sp[1], SIZE / 2, 1000, true);
	j = run_sync(&sp[1], "approved", NULL);
	assert_counts(j, 1, SIZE - SIZE / 2 - 1000, 0, 1);
	assert_int_equal(jint(j, "files_split"), 2);
	json_decref(j);
	assert_file_is(&sp[1], &A);
	assert_int_equal(present(&sp[1], &A), 1);
	assert_false(exists("%s/.partial/%s.parts", sp[1].content, hex));

	/* a state whose bytes are wrong: refused, then fetched whole */
	dss_setup(&sp[2], "dssp3");
	leave_split_state(&sp[2], SIZE / 2, 1000, false);
	j = run_sync(&sp[2], "approved", NULL);
	assert_counts(j, 0, SIZE - SIZE / 2 - 1000, 1, 1);
	json_decref(j);
	assert_int_equal(present(&sp[2], &A), 0);
	assert_false(exists("%s/%s", sp[2].content, A.rel));
	assert_false(exists("%s/.partial/%s.part", sp[2].content, hex));
	assert_false(exists("%s/.partial/%s.parts", sp[2].content, hex));
	j = run_sync(&sp[2], "approved", NULL);
	assert_counts(j, 1, SIZE, 0, 1);
	json_decref(j);
	assert_file_is(&sp[2], &A);
	sync_split = false;
}

/* Bad option values are usage errors (exit 2) and change nothing. */
static void
test_options(void **state)
{
	static const char *const bad[][2] = {
		{ "--content", "Approved" }, { "--content", "" },
		{ "--download-connections", "0" },
		{ "--download-connections", "65" },
		{ "--download-connections", "4x" },
		{ "--bandwidth", "0" }, { "--bandwidth", "-5" },
		{ "--bandwidth", "10k" },
		{ "--express", "maybe" }, { "--express", "" },
		{ "--split-min", "0" }, { "--split-min", "1m" },
		{ "--content", "origins" },
	};
	struct buf out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&out, 1 << 16);
		assert_int_equal(tl_ctl(&dss[3], &out, "sync", "--upstream",
		    upurl, bad[i][0], bad[i][1], (char *)NULL), 2);
		buf_free(&out);
	}
	buf_init(&out, 1 << 16);
	assert_int_equal(tl_ctl(&dss[3], &out, "sync", "--help",
	    (char *)NULL), 0);
	assert_non_null(strstr(out.data, "[--content approved|all|none|origin]"));
	buf_free(&out);
}

/*
 * A resumed download is hashed from its first byte: a part file whose
 * prefix on disk has one wrong byte, completed with the upstream's right
 * bytes, does not match and is never published; the next sync fetches
 * the file whole.
 */
static void
test_resume_bad_prefix(void **state)
{
	struct tl_wsusd *d = &dss[5];
	char part[512], hex[41], *pre;
	json_t *j;

	(void)state;
	dss_setup(d, "dsc6");
	j = run_sync(d, NULL, NULL);		/* metadata only */
	json_decref(j);
	hex_encode(A.sha1, 20, hex, 1);
	snprintf(part, sizeof(part), "%s/.partial", d->content);
	assert_int_equal(mkdir_p(part, 0755), 0);
	snprintf(part, sizeof(part), "%s/.partial/%s.part", d->content, hex);
	pre = xmalloc(SIZE / 2);
	memcpy(pre, A.data, SIZE / 2);
	pre[1000] ^= 0x01;
	assert_int_equal(tl_write_file(part, pre, SIZE / 2), 0);
	free(pre);
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 0, SIZE - SIZE / 2, 1, 1);
	json_decref(j);
	assert_int_equal(present(d, &A), 0);
	assert_false(exists("%s/%s", d->content, A.rel));
	assert_false(exists("%s", part));
	assert_int_equal(tl_count_files(d->content), 0);
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 1, SIZE, 0, 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
}

/*
 * A download that stops short: the upstream's copy of A cut to its first
 * third, so the sync receives a third of the bytes and keeps the part
 * file; with the whole copy back the next sync asks only for the rest (a
 * Range request), hashes the third on disk and the rest as it arrives,
 * and publishes A byte-identical.
 */
static void
test_interrupted(void **state)
{
	struct tl_wsusd *d = &dss[6];
	char part[512], path[512], hex[41];
	struct stat sb;
	json_t *j;

	(void)state;
	dss_setup(d, "dsc7");
	hex_encode(A.sha1, 20, hex, 1);
	snprintf(part, sizeof(part), "%s/.partial/%s.part", d->content, hex);
	snprintf(path, sizeof(path), "%s/%s", up.content, A.rel);
	assert_int_equal(write_file_atomic(path, A.data, SIZE / 3, 0644), 0);
	j = run_sync(d, "approved", NULL);
	assert_counts(j, 0, SIZE / 3, 1, 1);
	json_decref(j);
	assert_int_equal(stat(part, &sb), 0);
	assert_int_equal(sb.st_size, SIZE / 3);
	assert_int_equal(present(d, &A), 0);
	assert_false(exists("%s/%s", d->content, A.rel));
	assert_int_equal(write_file_atomic(path, A.data, SIZE, 0644), 0);
	j = run_sync(d, "approved", NULL);
	/* only what was missing crossed the wire */
	assert_counts(j, 1, SIZE - SIZE / 3, 0, 1);
	json_decref(j);
	assert_file_is(d, &A);
	assert_int_equal(present(d, &A), 1);
	assert_false(exists("%s", part));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_download),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_policy_all),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_tiers),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_express),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_resume_bad_prefix),
		cmocka_unit_test(test_interrupted),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
