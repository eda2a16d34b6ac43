/*
 * test_e2e_syncsvc.c — the sync engine inside wsusd, end to end: an
 * upstream wsusd with the real update documents (tests/wusp harness)
 * and a downstream wsusd configured with `wsusctl sync configure`.
 *
 *   - `sync now` runs one sync in the downstream wsusd and follows it
 *     (JSON lines); history shows one ok manual run with the upstream's
 *     revision count as new; status is idle; a schedule gives a next run
 *     at the next slot;
 *   - the slot comes (next_run set in the past through the store): a
 *     scheduled run, and the next run at the next slot; a scheduled run
 *     that fails: the next run 15 minutes after its end (WSUS's retry);
 *   - a wrong port: a failed run with the connection error in history,
 *     then corrected: ok;
 *   - `configure --replica`: the upstream's group, approval and decline
 *     arrive with `sync now` (and go again);
 *   - `sync cancel` of a sync stuck on an upstream that never answers:
 *     recorded "cancelled";
 *   - a proxy with credentials: every call goes to it (absolute URL,
 *     Proxy-Authorization Basic); its 502 is the run's error;
 *   - a file a downstream asked for: a content-only run at once
 *     (syncsvc_files.c);
 *   - wsusd stopped (SIGTERM) during such a sync exits 0 and records it
 *     cancelled.
 *
 * The stuck upstream is a listening socket that never accepts: connect
 * succeeds, no answer ever comes.  Loopback only.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "syncsvc_test.h"
#include "wusp_harness.h"
#include "store/store.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

struct tl_wsusd up, down;
char upurl[64];
static int stuck_fd = -1;
uint16_t stuck_port;

/* ---- helpers ---- */

/* wsusctl on the downstream; stdout+stderr into *out (caller frees). */
int
ctl(char **out, ...)
{
	struct buf b;
	va_list ap;
	int rc;

	buf_init(&b, 4u << 20);
	va_start(ap, out);
	rc = tl_vctl(&down, &b, NULL, ap);
	va_end(ap);
	if (out != NULL)
		*out = strdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return rc;
}

json_t *
ctl_json(const char *verb)
{
	char *o = NULL;
	json_t *j;
	int rc;

	rc = ctl(&o, "sync", verb, "--json", (char *)NULL);
	if (rc != 0 || (j = json_loads(o, 0, NULL)) == NULL)
		fail_msg("sync %s --json: exit %d:\n%s", verb, rc, o);
	free(o);
	return j;
}

const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return v == NULL || json_is_null(v) ? "(null)" : json_string_value(v);
}

long long
jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		fail_msg("no integer %s", k);
	return json_integer_value(v);
}

size_t
revisions(struct tl_wsusd *s)
{
	char url[256], err[256];
	struct store *st = NULL;
	size_t revs = 0, upds = 0;

	snprintf(url, sizeof(url), "sqlite://%s", s->db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	assert_int_equal(store_update_count(st, &revs, &upds), STORE_OK);
	store_close(st);
	return revs;
}

/* The last line of JSON-lines text, parsed. */
static json_t *
last_line(char *text)
{
	char *p = text + strlen(text);

	while (p > text && p[-1] == '\n')
		*--p = '\0';
	while (p > text && p[-1] != '\n')
		p--;
	return json_loads(p, 0, NULL);
}

void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait (bounded: 30 s) until `sync status` says running, in phase
 * "auth" (the first call; where a stuck upstream keeps it). */
void
wait_running(void)
{
	int i;

	for (i = 0; i < 300; i++) {
		json_t *j = ctl_json("status");
		bool running = strcmp(jstr(j, "state"), "running") == 0 &&
		    strcmp(jstr(json_object_get(j, "running"), "phase"),
		    "auth") == 0;

		json_decref(j);
		if (running)
			return;
		sleep_ms(100);
	}
	fail_msg("the sync never started");
}

/* ---- fixtures ---- */

static int
group_setup(void **state)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	(void)state;
	/* the schedule is local time: make it UTC for exact slots */
	setenv("TZ", "UTC0", 1);
	if (wh_setup(&up, NULL) != 0 || tl_wsusd_start(&up) != 0)
		return -1;
	snprintf(upurl, sizeof(upurl), "http://127.0.0.1:%u", up.port);
	if (tl_wsusd_setup(&down, "syncsvc", NULL) != 0 ||
	    tl_wsusd_start(&down) != 0)
		return -1;
	/* an upstream that never answers */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((stuck_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(stuck_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(stuck_fd, 16) != 0 ||
	    getsockname(stuck_fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	stuck_port = ntohs(sa.sin_port);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tl_wsusd_cleanup(&down);
	tl_wsusd_cleanup(&up);
	if (stuck_fd >= 0)
		close(stuck_fd);
	return 0;
}

/* ---- tests ---- */

static void
test_now_ok(void **state)
{
	char *o = NULL;
	json_t *j, *r;
	time_t now;
	char want[32];
	int rc, i;

	(void)state;
	CTL_OK("sync", "configure", "--upstream", upurl, "--autonomous",
	    "--protocol", "1.20", "--name", "down1.site.invalid");
	rc = ctl(&o, "sync", "now", "--json", (char *)NULL);
	if (rc != 0)
		fail_msg("sync now: exit %d:\n%s", rc, o);
	j = last_line(o);
	assert_non_null(j);
	assert_string_equal(jstr(j, "result"), "ok");
	json_decref(j);
	free(o);

	j = ctl_json("history");
	assert_int_equal(json_array_size(j), 1);
	r = json_array_get(j, 0);
	assert_string_equal(jstr(r, "result"), "ok");
	assert_string_equal(jstr(r, "trigger"), "manual");
	/* 9 revisions: 3 categories and classifications, 6 updates, all
	 * new (WSUS's report counts updates only). */
	assert_int_equal(revisions(&up), 9);
	assert_int_equal(jint(r, "new_updates"), 6);
	assert_int_equal(jint(r, "revised"), 0);
	assert_true(json_is_false(json_object_get(r, "full_resync")));
	assert_int_equal(revisions(&down), revisions(&up));
	assert_string_equal(jstr(r, "error"), "(null)");
	assert_string_not_equal(jstr(r, "end"), "(null)");
	json_decref(j);

	/* A new revision of an update the downstream holds (the upstream
	 * imports ccb78947 r201, the r200 document with its revision
	 * number changed): counted as revised, not new. */
	{
		struct buf b;
		char path[512], *doc, *p;
		size_t len;

		doc = wh_fixture("update-metadata/wsusss-getupdatedata-docs/"
		    "ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.xml", &len);
		p = strstr(doc, "RevisionNumber=\"200\"");
		assert_non_null(p);
		p[strlen("RevisionNumber=\"20")] = '1';
		snprintf(path, sizeof(path), "%s/ccb78947-r201.xml", up.dir);
		assert_int_equal(write_file_atomic(path, doc, len, 0644), 0);
		free(doc);
		buf_init(&b, 1 << 20);
		assert_int_equal(tl_ctl(&up, &b, "-q", "import-updates", path,
		    (char *)NULL), 0);
		buf_free(&b);
	}
	rc = ctl(&o, "sync", "now", "--json", (char *)NULL);
	if (rc != 0)
		fail_msg("sync now: exit %d:\n%s", rc, o);
	free(o);
	j = ctl_json("history");
	assert_int_equal(json_array_size(j), 2);
	r = json_array_get(j, 0);
	assert_string_equal(jstr(r, "result"), "ok");
	assert_int_equal(jint(r, "new_updates"), 0);
	assert_int_equal(jint(r, "revised"), 1);
	assert_int_equal(jint(r, "expired"), 0);
	assert_int_equal(revisions(&down), 10);
	json_decref(j);

	j = ctl_json("status");
	assert_string_equal(jstr(j, "state"), "idle");
	assert_true(json_is_null(json_object_get(j, "running")));
	assert_string_equal(jstr(json_object_get(j, "last"), "result"), "ok");
	assert_string_equal(jstr(j, "next_run"), "(null)");	/* manual */
	json_decref(j);

	/* Twice a day from 00:00 UTC, no jitter: wsusd sets the next run
	 * to the next 00:00 or 12:00 (it looks once a second). */
	CTL_OK("sync", "configure", "--per-day", "2", "--first", "00:00",
	    "--jitter", "0");
	now = time(NULL);
	{
		time_t slot = (now / 43200 + 1) * 43200;
		struct tm tm;

		gmtime_r(&slot, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	for (i = 0; i < 100; i++) {
		j = ctl_json("status");
		if (strcmp(jstr(j, "next_run"), "(null)") != 0)
			break;
		json_decref(j);
		j = NULL;
		sleep_ms(100);
	}
	assert_non_null(j);
	assert_string_equal(jstr(j, "state"), "idle");
	assert_string_equal(jstr(j, "next_run"), want);
	json_decref(j);
	CTL_OK("sync", "configure", "--per-day", "0");
}

/* Put next_run in the past through the store, as if the slot had come. */
static void
slot_now(void)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", down.db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	assert_int_equal(store_sync_next_set(st, 1), STORE_OK);
	store_close(st);
}

/* Wait (bounded: 60 s) until the newest run is a finished scheduled one
 * and next_run has moved on from the past; its row, and status. */
static json_t *
wait_scheduled(size_t runs, json_t **status)
{
	json_t *h, *r, *j;
	int i;

	for (i = 0; i < 600; i++) {
		h = ctl_json("history");
		r = json_array_get(h, 0);
		if (json_array_size(h) == runs &&
		    strcmp(jstr(r, "trigger"), "scheduled") == 0 &&
		    strcmp(jstr(r, "result"), "running") != 0) {
			j = ctl_json("status");
			if (strncmp(jstr(j, "next_run"), "1970", 4) != 0) {
				*status = j;
				return h;
			}
			json_decref(j);
		}
		json_decref(h);
		sleep_ms(100);
	}
	fail_msg("no scheduled run");
	return NULL;
}

/* Unix time to the text sync status shows. */
static void
utc_text(time_t t, char *out, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static time_t
utc_parse(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		fail_msg("not a time: %s", s);
	return timegm(&tm);
}

static void
test_scheduled(void **state)
{
	char bad[64], want[32];
	json_t *h, *j, *r;
	time_t end;

	(void)state;
	/* the slot comes: a scheduled run, ok, next run = the next slot */
	CTL_OK("sync", "configure", "--per-day", "2", "--first", "00:00",
	    "--jitter", "0");
	slot_now();
	h = wait_scheduled(3, &j);
	r = json_array_get(h, 0);
	assert_string_equal(jstr(r, "result"), "ok");
	assert_int_equal(jint(r, "new_updates"), 0);
	end = utc_parse(jstr(r, "end"));
	utc_text((end / 43200 + 1) * 43200, want, sizeof(want));
	assert_string_equal(jstr(j, "next_run"), want);
	json_decref(h);
	json_decref(j);

	/* a scheduled run that fails: retry 15 minutes after its end */
	snprintf(bad, sizeof(bad), "http://127.0.0.1:%u", tl_free_port());
	CTL_OK("sync", "configure", "--upstream", bad);
	slot_now();
	h = wait_scheduled(4, &j);
	r = json_array_get(h, 0);
	assert_string_equal(jstr(r, "result"), "failed");
	end = utc_parse(jstr(r, "end"));
	utc_text(end + 15 * 60, want, sizeof(want));
	assert_string_equal(jstr(j, "next_run"), want);
	json_decref(h);
	json_decref(j);
	CTL_OK("sync", "configure", "--upstream", upurl, "--per-day", "0");
}

/* Put next_rollup in the past through the store. */
static void
rollup_now(void)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", down.db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	assert_int_equal(store_rollup_next_set(st, 1), STORE_OK);
	store_close(st);
}

/* `sync status --json` once its field k is (or is not) null; bounded
 * (30 s). */
static json_t *
wait_status(const char *k, bool null)
{
	json_t *j;
	int i;

	for (i = 0; i < 300; i++) {
		j = ctl_json("status");
		if (json_is_null(json_object_get(j, k)) == null)
			return j;
		json_decref(j);
		sleep_ms(100);
	}
	fail_msg("status %s never became %s", k, null ? "null" : "set");
	return NULL;
}

static void
test_rollup_schedule(void **state)
{
	json_t *j, *h, *lr;
	size_t runs;
	time_t t0, t1, nx, end;
	int i;

	(void)state;
	/* The syncs so far rolled up after their metadata: recorded. */
	j = ctl_json("status");
	lr = json_object_get(j, "last_rollup");
	assert_true(json_is_object(lr));
	assert_string_equal(jstr(lr, "result"), "ok");
	assert_string_equal(jstr(lr, "trigger"), "sync");
	assert_int_equal(jint(lr, "servers"), 1);
	assert_int_equal(jint(lr, "computers"), 0);
	assert_string_equal(jstr(lr, "error"), "(null)");
	assert_int_equal(jint(j, "rollup_every"), 240);
	json_decref(j);

	/* Bounds: 0..10080 minutes. */
	{
		char *o = NULL;

		assert_int_equal(ctl(&o, "sync", "configure", "--rollup-every",
		    "10081", (char *)NULL), 2);
		assert_non_null(strstr(o, "--rollup-every must be 0..10080 "
		    "minutes"));
		free(o);
	}
	j = ctl_json("status");
	assert_int_equal(jint(j, "rollup_every"), 240);
	json_decref(j);

	/* Every 30 minutes: wsusd sets the next rollup 30 minutes on. */
	t0 = time(NULL);
	CTL_OK("sync", "configure", "--rollup-every", "30");
	j = wait_status("next_rollup", false);
	t1 = time(NULL);
	nx = utc_parse(jstr(j, "next_rollup"));
	assert_true(nx >= t0 + 1800 && nx <= t1 + 1800);
	assert_int_equal(jint(j, "rollup_every"), 30);
	json_decref(j);

	/* Its time comes: a rollup of its own (not a sync: no history
	 * row), then the next one 30 minutes after its end. */
	h = ctl_json("history");
	runs = json_array_size(h);
	json_decref(h);
	rollup_now();
	for (i = 0; i < 600; i++) {
		j = ctl_json("status");
		lr = json_object_get(j, "last_rollup");
		if (strcmp(jstr(lr, "trigger"), "scheduled") == 0 &&
		    strncmp(jstr(j, "next_rollup"), "1970", 4) != 0)
			break;
		json_decref(j);
		j = NULL;
		sleep_ms(100);
	}
	if (j == NULL)
		fail_msg("no scheduled rollup");
	assert_string_equal(jstr(lr, "result"), "ok");
	assert_int_equal(jint(lr, "servers"), 1);
	assert_string_equal(jstr(lr, "error"), "(null)");
	end = utc_parse(jstr(lr, "end"));
	assert_int_equal(utc_parse(jstr(j, "next_rollup")), end + 1800);
	assert_string_equal(jstr(j, "state"), "idle");
	json_decref(j);
	h = ctl_json("history");
	assert_int_equal(json_array_size(h), runs);
	json_decref(h);

	/* The upstream no longer takes our category anchor (one from the
	 * future: wsusd answers ServerChanged): the run resets the anchors,
	 * starts over with full lists and says so in the history. */
	{
		char url[256], err[256], *o = NULL;
		struct store *st = NULL;
		struct store_sync_state ss;
		json_t *r;
		int rc;

		snprintf(url, sizeof(url), "sqlite://%s", down.db);
		if (store_open(url, &st, err, sizeof(err)) != 0)
			fail_msg("store_open %s: %s", url, err);
		assert_int_equal(store_sync_anchor_set(st, SYNC_PHASE_CATEGORY,
		    "2000000000,2099-01-01 00:00:00.000", NULL), STORE_OK);
		store_close(st);
		rc = ctl(&o, "sync", "now", "--json", (char *)NULL);
		if (rc != 0)
			fail_msg("sync now: exit %d:\n%s", rc, o);
		free(o);
		h = ctl_json("history");
		assert_int_equal(json_array_size(h), runs + 1);
		r = json_array_get(h, 0);
		assert_string_equal(jstr(r, "result"), "ok");
		assert_true(json_is_true(json_object_get(r, "full_resync")));
		assert_string_equal(jstr(r, "error"), "(null)");
		assert_int_equal(jint(r, "new_updates"), 0);
		assert_int_equal(jint(r, "revised"), 0);
		r = json_array_get(h, 1);
		assert_true(json_is_false(json_object_get(r, "full_resync")));
		json_decref(h);
		if (store_open(url, &st, err, sizeof(err)) != 0)
			fail_msg("store_open %s: %s", url, err);
		assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
		assert_non_null(ss.anchor[SYNC_PHASE_CATEGORY]);
		assert_string_not_equal(ss.anchor[SYNC_PHASE_CATEGORY],
		    "2000000000,2099-01-01 00:00:00.000");
		store_sync_state_free(&ss);
		store_close(st);
	}

	/* 0: only after syncs; no next rollup. */
	CTL_OK("sync", "configure", "--rollup-every", "0");
	j = wait_status("next_rollup", true);
	assert_int_equal(jint(j, "rollup_every"), 0);
	json_decref(j);
	CTL_OK("sync", "configure", "--rollup-every", "240");
}

static void
test_wrong_port(void **state)
{
	char bad[64], *o = NULL;
	json_t *j, *r;
	int rc;

	(void)state;
	snprintf(bad, sizeof(bad), "http://127.0.0.1:%u", tl_free_port());
	CTL_OK("sync", "configure", "--upstream", bad);
	rc = ctl(&o, "sync", "now", (char *)NULL);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(o, "sync failed: "));
	free(o);
	j = ctl_json("history");
	assert_int_equal(json_array_size(j), 6);
	r = json_array_get(j, 0);
	assert_string_equal(jstr(r, "result"), "failed");
	assert_non_null(strstr(jstr(r, "error"), "GetAuthConfig: "));
	assert_non_null(strstr(jstr(r, "error"), "onnect"));
	json_decref(j);
	j = ctl_json("status");
	assert_string_equal(jstr(json_object_get(j, "last"), "result"),
	    "failed");
	json_decref(j);

	/* corrected: ok, nothing new */
	CTL_OK("sync", "configure", "--upstream", upurl);
	rc = ctl(&o, "sync", "now", (char *)NULL);
	if (rc != 0)
		fail_msg("sync now: exit %d:\n%s", rc, o);
	assert_non_null(strstr(o, "sync ok: 0 new"));
	free(o);
	j = ctl_json("history");
	assert_int_equal(json_array_size(j), 7);
	assert_string_equal(jstr(json_array_get(j, 0), "result"), "ok");
	assert_int_equal(jint(json_array_get(j, 0), "new_updates"), 0);
	assert_string_equal(jstr(json_array_get(j, 1), "result"), "failed");
	assert_true(json_is_true(json_object_get(json_array_get(j, 2),
	    "full_resync")));		/* test_rollup_schedule's */
	assert_string_equal(jstr(json_array_get(j, 3), "trigger"), "scheduled");
	assert_string_equal(jstr(json_array_get(j, 4), "result"), "ok");
	assert_string_equal(jstr(json_array_get(j, 5), "trigger"), "manual");
	json_decref(j);
}

#define DEFENDER	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* KB2267602 */
#define ENGINE		"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583"

static int
count_cb(const struct store_approval *a, void *arg)
{
	(void)a;
	(*(size_t *)arg)++;
	return 0;
}

/* Approvals of uid for the downstream group named group; -1: no group. */
static long
approvals_in(const char *uid, const char *group)
{
	char url[256], err[256];
	struct store *st = NULL;
	int64_t gid = 0;
	size_t n = 0;

	snprintf(url, sizeof(url), "sqlite://%s", down.db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	if (store_group_find(st, group, &gid) != STORE_OK) {
		store_close(st);
		return -1;
	}
	assert_int_equal(store_approval_list(st, uid, gid, count_cb, &n),
	    STORE_OK);
	store_close(st);
	return (long)n;
}

static void
up_ok(const char *a1, const char *a2, const char *a3, const char *a4)
{
	struct buf out;
	int rc;

	buf_init(&out, 1u << 20);
	rc = tl_ctl(&up, &out, "-q", a1, a2, a3, a4, (char *)NULL);
	if (rc != 0)
		fail_msg("upstream wsusctl %s %s: exit %d:\n%s", a1, a2, rc,
		    out.data ? out.data : "");
	buf_free(&out);
}

/* A replica configured with `sync configure --replica` mirrors the
 * upstream's groups, approvals and declines through `sync now`. */
static void
test_replica(void **state)
{
	char *o = NULL;
	json_t *j, *r;
	int rc;

	(void)state;
	up_ok("groups", "create", "Site East", NULL);
	up_ok("approve", DEFENDER, "--group", "Site East");
	up_ok("decline", ENGINE, NULL, NULL);
	assert_int_equal(approvals_in(DEFENDER, "Site East"), -1);
	CTL_OK("sync", "configure", "--replica");
	rc = ctl(&o, "sync", "now", (char *)NULL);
	if (rc != 0)
		fail_msg("sync now: exit %d:\n%s", rc, o);
	free(o);
	assert_int_equal(approvals_in(DEFENDER, "Site East"), 1);
	j = ctl_json("history");
	r = json_array_get(j, 0);
	assert_string_equal(jstr(r, "result"), "ok");
	assert_int_equal(jint(r, "expired"), 1);	/* ENGINE declined */
	json_decref(j);
	/* back as it was: upstream and downstream */
	up_ok("unapprove", DEFENDER, "--group", "Site East");
	up_ok("decline", ENGINE, "--undo", NULL);
	rc = ctl(&o, "sync", "now", (char *)NULL);
	assert_int_equal(rc, 0);
	free(o);
	assert_int_equal(approvals_in(DEFENDER, "Site East"), 0);
	CTL_OK("sync", "configure", "--autonomous");
}

/*
 * `wsusctl sync now` in the background, forked from the test's only
 * thread (a thread forking while another runs wsusctl would leak pipe
 * ends into this child and hang that call), output into DIR/now.out.
 */
void
bg_start(struct bg *b)
{
	static int n;		/* one output file per background run */

	memset(b, 0, sizeof(*b));
	snprintf(b->path, sizeof(b->path), "%s/now%d.out", down.dir, n++);
	b->pid = fork();
	assert_true(b->pid >= 0);
	if (b->pid == 0) {
		int fd = open(b->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(tl_wsusctl_exe, tl_wsusctl_exe, "-c", down.conf, "sync",
		    "now", (char *)NULL);
		_exit(127);
	}
}

void
bg_wait(struct bg *b)
{
	int status;
	size_t len;

	assert_int_equal(waitpid(b->pid, &status, 0), b->pid);
	assert_true(WIFEXITED(status));
	b->rc = WEXITSTATUS(status);
	b->out = NULL;
	if (read_file(b->path, 1u << 20, &b->out, &len) != 0)
		b->out = strdup("");
}

static void
test_cancel(void **state)
{
	char stuck[64], *o = NULL;
	struct bg b;
	json_t *j, *r;
	int rc;

	(void)state;
	snprintf(stuck, sizeof(stuck), "http://127.0.0.1:%u", stuck_port);
	CTL_OK("sync", "configure", "--upstream", stuck);
	rc = ctl(&o, "sync", "cancel", (char *)NULL);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(o, "no sync is running"));
	free(o);

	bg_start(&b);
	wait_running();
	/* the progress hook wrote the phase (wait_running waited for it) */
	j = ctl_json("status");
	r = json_object_get(j, "running");
	assert_string_equal(jstr(r, "phase"), "auth");
	assert_string_equal(jstr(r, "trigger"), "manual");
	json_decref(j);
	rc = ctl(&o, "sync", "cancel", (char *)NULL);
	if (rc != 0)
		fail_msg("sync cancel: exit %d:\n%s", rc, o);
	assert_non_null(strstr(o, "sync cancelled"));
	free(o);
	bg_wait(&b);
	assert_int_equal(b.rc, 1);
	assert_non_null(strstr(b.out, "sync cancelled"));
	free(b.out);
	j = ctl_json("history");
	assert_int_equal(json_array_size(j), 10);
	r = json_array_get(j, 0);
	assert_string_equal(jstr(r, "result"), "cancelled");
	assert_string_equal(jstr(r, "error"), "cancelled");
	json_decref(j);
	j = ctl_json("status");
	assert_string_equal(jstr(j, "state"), "idle");
	json_decref(j);
}

/*
 * A due slot goes before the files downstreams asked for (found by
 * review: a downstream sending one new DownloadFiles per run held off
 * every scheduled sync and rollup, a content-only run doing neither).
 * The slot is put in the past before the request is queued, so the
 * runner sees both or the slot alone: the next run is the scheduled
 * one, and the request is met by it (no content-only run after it).
 */
static void
test_slot_before_requests(void **state)
{
	json_t *h, *j;
	size_t runs;

	(void)state;
	h = ctl_json("history");
	runs = json_array_size(h);
	json_decref(h);
	CTL_OK("sync", "configure", "--per-day", "2", "--first", "00:00",
	    "--jitter", "0");
	slot_now();
	ask_file(2);
	h = wait_scheduled(runs + 1, &j);
	assert_string_equal(jstr(json_array_get(h, 0), "result"), "ok");
	json_decref(h);
	json_decref(j);
	sleep_ms(1500);		/* a content-only run would start by now */
	h = ctl_json("history");
	assert_int_equal(json_array_size(h), runs + 1);
	assert_string_equal(jstr(json_array_get(h, 0), "trigger"),
	    "scheduled");
	json_decref(h);
	CTL_OK("sync", "configure", "--per-day", "0");
}

static void
test_shutdown_cancels(void **state)
{
	char stuck[64];
	struct bg b;
	json_t *j;

	(void)state;
	snprintf(stuck, sizeof(stuck), "http://127.0.0.1:%u", stuck_port);
	CTL_OK("sync", "configure", "--upstream", stuck);
	bg_start(&b);
	wait_running();
	/* SIGTERM: wsusd stops the sync in flight and exits 0 */
	assert_int_equal(tl_wsusd_stop(&down), 0);
	bg_wait(&b);
	assert_int_equal(b.rc, 1);
	free(b.out);
	j = ctl_json("history");
	assert_int_equal(json_array_size(j), 17);
	assert_string_equal(jstr(json_array_get(j, 0), "result"),
	    "cancelled");
	json_decref(j);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now_ok),
		cmocka_unit_test(test_scheduled),
		cmocka_unit_test(test_rollup_schedule),
		cmocka_unit_test(test_wrong_port),
		cmocka_unit_test(test_replica),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_busy_cancel),
		cmocka_unit_test(test_downloadfiles),
		cmocka_unit_test(test_slot_before_requests),
		cmocka_unit_test(test_shutdown_cancels),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
