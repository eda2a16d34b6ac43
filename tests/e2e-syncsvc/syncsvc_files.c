/*
 * syncsvc_files.c — test_e2e_syncsvc: the files downstream servers ask
 * for.  A file queued as a downstream's DownloadFiles queues it starts a
 * content-only run in the downstream wsusd at once (trigger
 * "downloadfiles", no revision listed or fetched: a new one on the
 * upstream stays there; only the file asked for is tried, not the
 * policy's other missing files); a `sync now` during such a run is not that run:
 * wsusd starts the sync asked for after it.  The fixture and helpers:
 * test_e2e_syncsvc.c, syncsvc_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "store/store.h"
#include "syncsvc_test.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "wusp_harness.h"

/* store_file_list callback: the (skip + 1)th file not present. */
struct absent {
	int	 skip;
	uint8_t	 sha1[20];
};

static int
nth_absent(const struct store_file *f, void *arg)
{
	struct absent *a = arg;

	if (f->present || a->skip-- > 0)
		return 0;
	memcpy(a->sha1, f->sha1, 20);
	return 1;
}

static int
count_absent(const struct store_file *f, void *arg)
{
	if (!f->present)
		(*(size_t *)arg)++;
	return 0;
}

/* Files of the downstream's policy (all) not present. */
static size_t
absent_files(void)
{
	struct store *st = NULL;
	char url[256], err[256];
	size_t n = 0;

	snprintf(url, sizeof(url), "sqlite://%s", down.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_file_list(st, false, count_absent, &n),
	    STORE_OK);
	store_close(st);
	return n;
}

/* Lines of the downstream's log from byte off on that contain what. */
static size_t
log_lines_since(size_t off, const char *what)
{
	char *log = NULL, *p;
	size_t len = 0, n = 0;

	assert_int_equal(read_file(down.log, 64u << 20, &log, &len), 0);
	assert_true(len >= off);
	for (p = log + off; (p = strstr(p, what)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/* Size of the downstream's log now. */
static size_t
log_size(void)
{
	char *log = NULL;
	size_t len = 0;

	assert_int_equal(read_file(down.log, 64u << 20, &log, &len), 0);
	free(log);
	return len;
}

/* Queue the (skip + 1)th absent file of the downstream as its
 * DownloadFiles does (src/wsusss/op_files.c). */
void
ask_file(int skip)
{
	struct store *st = NULL;
	struct absent a;
	uint8_t zero[20] = { 0 };
	char url[256], err[256];

	memset(&a, 0, sizeof(a));
	a.skip = skip;
	snprintf(url, sizeof(url), "sqlite://%s", down.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_file_list(st, false, nth_absent, &a), STORE_OK);
	assert_memory_not_equal(a.sha1, zero, 20);
	assert_int_equal(store_file_request_put(st, a.sha1,
	    (int64_t)time(NULL)), STORE_OK);
	store_close(st);
}

void
test_downloadfiles(void **state)
{
	struct store *st = NULL;
	struct buf b;
	struct bg bgn, bgn2;
	char url[256], err[256], path[512], stuck[64], *doc, *p, *o = NULL;
	size_t len, runs, waiting = 0, before, logoff;
	json_t *j, *r = NULL;
	int i, rc;

	(void)state;
	/* policy all: many files missing here (the upstream has none) */
	CTL_OK("sync", "configure", "--upstream", upurl, "--autonomous",
	    "--per-day", "0", "--content", "all");
	j = ctl_json("history");
	runs = json_array_size(j);
	json_decref(j);
	/* a revision on the upstream that only a metadata sync brings */
	doc = wh_fixture("update-metadata/wsusss-getupdatedata-docs/"
	    "ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.xml", &len);
	p = strstr(doc, "RevisionNumber=\"200\"");
	assert_non_null(p);
	p[strlen("RevisionNumber=\"20")] = '7';
	snprintf(path, sizeof(path), "%s/ccb78947-r207.xml", up.dir);
	assert_int_equal(write_file_atomic(path, doc, len, 0644), 0);
	free(doc);
	buf_init(&b, 1 << 20);
	assert_int_equal(tl_ctl(&up, &b, "-q", "import-updates", path,
	    (char *)NULL), 0);
	buf_free(&b);
	before = revisions(&down);
	assert_int_equal(revisions(&up), before + 1);

	/* more files of the policy are missing than the one asked for:
	 * the content-only run fetches that one only */
	assert_true(absent_files() >= 2);
	logoff = log_size();
	ask_file(0);

	/* wsusd looks once a second: a run starts at once (bounded 30 s) */
	for (i = 0; i < 300; i++) {
		j = ctl_json("history");
		if (json_array_size(j) > runs) {
			r = json_array_get(j, 0);
			if (strcmp(jstr(r, "result"), "running") != 0)
				break;
		}
		json_decref(j);
		j = NULL;
		sleep_ms(100);
	}
	if (j == NULL)
		fail_msg("no run came of the DownloadFiles request");
	assert_int_equal(json_array_size(j), runs + 1);
	assert_string_equal(jstr(r, "trigger"), "downloadfiles");
	assert_string_equal(jstr(r, "result"), "ok");
	assert_string_equal(jstr(r, "error"), "(null)");
	assert_string_equal(jstr(r, "phase"), "done");
	/* content only: nothing listed, nothing new */
	assert_int_equal(jint(r, "total"), 0);
	assert_int_equal(jint(r, "new_updates"), 0);
	assert_int_equal(jint(r, "revised"), 0);
	/* the upstream has no file either (it 404s and is asked with
	 * DownloadFiles in turn): still wanted here */
	assert_int_equal(jint(r, "files"), 0);
	json_decref(j);
	assert_int_equal(revisions(&down), before);
	snprintf(url, sizeof(url), "sqlite://%s", down.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_file_request_count(st, &waiting), STORE_OK);
	store_close(st);
	assert_int_equal(waiting, 1);
	/* one file tried (404 at the upstream, asked for there in turn),
	 * not every missing file of the policy */
	assert_int_equal(log_lines_since(logoff, "404 from the upstream; "
	    "asking"), 1);
	/* and no run after it for the same request */
	sleep_ms(1500);
	j = ctl_json("history");
	assert_int_equal(json_array_size(j), runs + 1);
	json_decref(j);
	j = ctl_json("status");
	assert_string_equal(jstr(j, "state"), "idle");
	assert_string_equal(jstr(json_object_get(j, "last"), "trigger"),
	    "downloadfiles");
	json_decref(j);

	/* A `sync now` while a content-only run is stuck (an upstream that
	 * never answers): not followed as if it were the sync asked for;
	 * wsusd starts that one after it (cancelled here in turn). */
	snprintf(stuck, sizeof(stuck), "http://127.0.0.1:%u", stuck_port);
	CTL_OK("sync", "configure", "--upstream", stuck);
	ask_file(1);
	wait_running();
	j = ctl_json("status");
	assert_string_equal(jstr(json_object_get(j, "running"), "trigger"),
	    "downloadfiles");
	json_decref(j);
	bg_start(&bgn);
	sleep_ms(1500);		/* not needed for the outcome: either way
				 * wsusd takes the request (during the run
				 * or after it) */
	/* a second `sync now` meanwhile joins the sync the first asked
	 * for (review: it was dropped, and gave up after 15 s with exit 4
	 * "wsusd did not take the request") */
	bg_start(&bgn2);
	sleep_ms(1500);
	rc = ctl(&o, "sync", "cancel", (char *)NULL);
	if (rc != 0)
		fail_msg("sync cancel: exit %d:\n%s", rc, o);
	free(o);
	/* then the sync asked for, stuck the same way */
	for (i = 0; i < 300; i++) {
		j = ctl_json("history");
		r = json_array_get(j, 0);
		if (json_array_size(j) == runs + 3 &&
		    strcmp(jstr(r, "phase"), "auth") == 0)
			break;
		json_decref(j);
		j = NULL;
		sleep_ms(100);
	}
	if (j == NULL)
		fail_msg("the sync asked for never started");
	assert_string_equal(jstr(r, "trigger"), "manual");
	assert_string_equal(jstr(json_array_get(j, 1), "trigger"),
	    "downloadfiles");
	assert_string_equal(jstr(json_array_get(j, 1), "result"), "cancelled");
	json_decref(j);
	rc = ctl(&o, "sync", "cancel", (char *)NULL);
	if (rc != 0)
		fail_msg("sync cancel: exit %d:\n%s", rc, o);
	free(o);
	bg_wait(&bgn);
	assert_int_equal(bgn.rc, 1);
	assert_non_null(strstr(bgn.out, "sync cancelled"));
	assert_null(strstr(bgn.out, "already running"));
	free(bgn.out);
	bg_wait(&bgn2);
	if (bgn2.rc != 1)
		fail_msg("second sync now: exit %d:\n%s", bgn2.rc, bgn2.out);
	assert_non_null(strstr(bgn2.out, "sync cancelled"));
	free(bgn2.out);
	CTL_OK("sync", "configure", "--upstream", upurl, "--content",
	    "approved");
}
