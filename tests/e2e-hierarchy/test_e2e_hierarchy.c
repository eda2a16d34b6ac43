/*
 * test_e2e_hierarchy.c — the hierarchy test (issue 8): one upstream
 * wsusd and NSITES downstream wsusd processes in their own network
 * namespaces (hier.h says who is what), run through the product path:
 * `wsusctl sync configure`, the sync runner inside each wsusd (`sync
 * now`, a schedule slot), `sync status|history`.  In order:
 *
 *   first      every site syncs at once (the second tier after its
 *              parent): replicas equal the upstream (groups, approvals,
 *              declines, EULAs), autonomous sites hold only the catalog,
 *              every approved file is at every replica with its bytes;
 *   clients    NCLIENTS wsus-client per site scan, download and report:
 *              each got exactly the updates approved for it;
 *   rollup     the next syncs roll up (second tier first): the upstream's
 *              `report hierarchy` shows all sites and their computers;
 *   scheduled  a new approval upstream reaches every replica at its next
 *              scheduled run (the slot made to come now through the
 *              store, as tests/e2e-syncsvc does);
 *   killed     the upstream SIGKILLed while the replicas sync: each
 *              replica holds either all of the old or all of the new
 *              state; the upstream restarted, the next sync completes;
 *   wrongport  a site pointed at a port nobody listens on: a clear
 *              error in `sync history` and `sync status`, then corrected;
 *   middownload a site SIGKILLed in the middle of a large download
 *              (through a throttling relay, relay.c) resumes it at its
 *              next sync and fetches none of the files it had.
 *
 * Program: test_e2e_hierarchy WSUSD WSUSCTL WSUS_CLIENT FIXTURES_DIR
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hier.h"
#include "relay.h"
#include "content/content_store.h"
#include "store/store.h"
#include "util/xmalloc.h"

static bool all_sites[NSITES], first_tier[NSITES], tier2[NSITES];
static bool replicas1[NSITES];	/* first-tier replicas */

static int
group_setup(void **state)
{
	(void)state;
	/* the schedule is local time: make it UTC for exact slots */
	setenv("TZ", "UTC0", 1);
	for (int i = 0; i < NSITES; i++) {
		all_sites[i] = true;
		first_tier[i] = i != SECOND_TIER;
		tier2[i] = i == SECOND_TIER;
		replicas1[i] = i != SECOND_TIER && i != 17 && i != 18;
	}
	if (topo_setup() != 0 || up_setup() != 0 || sites_setup() != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	sites_cleanup();
	topo_cleanup();
	return 0;
}

static void
sync_all(void)
{
	if (sites_sync_now(first_tier, true) != 0 ||
	    sites_sync_now(tier2, true) != 0)
		fail_msg("a sync failed");
}

/*
 * Wait (bounded: 120 s) until no run is in progress at any site.  A
 * site with a downstream below it (site 0) may start a run of its own
 * when that downstream asks DownloadFiles for a file it lacks (the
 * Defender update is approved upstream without content there, so the
 * second tier's request reaches site 0, which asks the upstream again):
 * its files are checked once that run is over.
 */
static void
wait_idle(void)
{
	for (int i = 0; i < NSITES; i++) {
		int t;

		for (t = 0; t < 480; t++) {
			json_t *j = ctl_json_of(&H.s[i].w, "sync", "status",
			    NULL);
			bool idle = strcmp(json_string_value(json_object_get(j,
			    "state")), "idle") == 0;

			json_decref(j);
			if (idle)
				break;
			sleep_ms(250);
		}
		if (t == 480)
			fail_msg("site %d: still running after 120 s", i);
	}
}

static void
check_all(int nfiles)
{
	wait_idle();
	for (int i = 0; i < NSITES; i++) {
		struct site *s = &H.s[i];

		if (s->role == ROLE_AUTONOMOUS) {
			check_autonomous(s);
			check_files(s, 0);
		} else {
			check_replica_equal(s);
			check_files(s, nfiles);
		}
	}
}

static void
test_first(void **state)
{
	json_t *h;

	(void)state;
	sync_all();
	check_all(NAPPROVED);
	/* the product path: one manual ok run each, with the revisions;
	 * site 0 may have one more, started by its second tier's
	 * DownloadFiles (wait_idle) */
	for (int i = 0; i < NSITES; i++) {
		size_t n;

		h = ctl_json_of(&H.s[i].w, "sync", "history", NULL);
		n = json_array_size(h);
		if (n != 1 && !(i == 0 && n == 2))
			fail_msg("site %d: %zu runs", i, n);
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(h, n - 1), "result")), "ok");
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(h, n - 1), "trigger")), "manual");
		json_decref(h);
	}
}

static void
test_clients(void **state)
{
	(void)state;
	if (sites_clients() != 0)
		fail_msg("a client failed");
	for (int i = 0; i < NSITES; i++)
		check_clients(&H.s[i]);
}

static void
test_rollup(void **state)
{
	(void)state;
	/* the second tier rolls up into site 0 first, then all into the
	 * upstream */
	if (sites_sync_now(tier2, true) != 0 ||
	    sites_sync_now(first_tier, true) != 0)
		fail_msg("a sync failed");
	/* site 0 holds its second-tier site and its computers */
	check_rollup(&H.s[0].w, tier2, "site 00");
	/* the upstream every site and its computers, the second tier
	 * included: site 0 forwards what its descendants rolled up
	 * (src/sync/rollup.c, store_rollup_forward) */
	check_rollup(&H.up, all_sites, "upstream");
}

/* Put next_run of site s in the past, as if its slot had come. */
static void
slot_now(struct site *s)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", s->w.db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	assert_int_equal(store_sync_next_set(st, 1), STORE_OK);
	store_close(st);
}

/* The scheduled runs in site s's history, and the newest of them (NULL:
 * none; borrowed from *h, which the caller frees). */
static size_t
scheduled_runs(struct site *s, json_t **h, json_t **newest)
{
	json_t *r;
	size_t i, n = 0;

	*h = ctl_json_of(&s->w, "sync", "history", NULL);
	*newest = NULL;
	json_array_foreach(*h, i, r)
		if (strcmp(json_string_value(json_object_get(r, "trigger")),
		    "scheduled") == 0 && n++ == 0)
			*newest = r;
	return n;
}

/* Each site of mask: the slot comes; wait (bounded) for one more
 * finished scheduled run; it must be ok.  (Other runs, such as one a
 * downstream's DownloadFiles starts at site 0, may come in between.) */
static void
scheduled_round(const bool *mask)
{
	bool done[NSITES];
	size_t base[NSITES];
	int left = 0;

	for (int i = 0; i < NSITES; i++) {
		json_t *h, *r;

		done[i] = !mask[i];
		if (!mask[i])
			continue;
		base[i] = scheduled_runs(&H.s[i], &h, &r);
		json_decref(h);
		left++;
		if (site_ctl(&H.s[i], NULL, "-q", "sync", "configure",
		    "--per-day", "1", "--first", "00:00", "--jitter", "0",
		    (char *)NULL) != 0)
			fail_msg("configure");
	}
	/* once wsusd has computed the next slot (it would overwrite an
	 * earlier change), the slot comes */
	for (int i = 0; i < NSITES; i++) {
		int t;

		for (t = 0; mask[i] && t < 600; t++) {
			json_t *j = ctl_json_of(&H.s[i].w, "sync", "status",
			    NULL);
			bool set = json_is_string(json_object_get(j,
			    "next_run"));

			json_decref(j);
			if (set)
				break;
			sleep_ms(100);
		}
		if (t == 600)
			fail_msg("site %d: no next run computed", i);
		if (mask[i])
			slot_now(&H.s[i]);
	}
	for (int t = 0; t < 1200 && left > 0; t++) {
		for (int i = 0; i < NSITES; i++) {
			json_t *h, *r;

			if (done[i])
				continue;
			if (scheduled_runs(&H.s[i], &h, &r) == base[i] + 1 &&
			    strcmp(json_string_value(json_object_get(r,
			    "result")), "running") != 0) {
				if (strcmp(json_string_value(json_object_get(r,
				    "result")), "ok") != 0)
					fail_msg("site %d: scheduled run %s: %s",
					    i, json_string_value(
					    json_object_get(r, "result")),
					    json_string_value(json_object_get(r,
					    "error")));
				done[i] = true;
				left--;
				site_ctl(&H.s[i], NULL, "-q", "sync",
				    "configure", "--per-day", "0",
				    (char *)NULL);
			}
			json_decref(h);
		}
		if (left > 0)
			sleep_ms(250);
	}
	if (left > 0)
		fail_msg("%d sites never ran their scheduled sync", left);
}

static void
test_scheduled(void **state)
{
	(void)state;
	if (up_ctl("-q", "approve", synth_id(LATE_UPDATE), "--group",
	    "All Computers", (char *)NULL) != 0)
		fail_msg("approve");
	late_approved = true;
	/* runs so far: first + rollup = 2; the scheduled one is the 3rd */
	scheduled_round(first_tier);
	scheduled_round(tier2);
	for (int i = 0; i < NSITES; i++)
		assert_int_equal(approvals_of(&H.s[i].w,
		    synth_id(LATE_UPDATE)), H.s[i].role == ROLE_AUTONOMOUS ?
		    0 : 1);
	check_all(NAPPROVED + 1);
}

static void
test_upstream_killed(void **state)
{
	char *before[NSITES], *after;
	pid_t pids[NSITES];
	bool running = false, midsync[NSITES];
	int nmid = 0;

	(void)state;
	for (int i = 0; i < NSITES; i++)
		before[i] = approvals_text(&H.s[i].w);
	/* a change upstream: 500 more updates (a metadata phase long
	 * enough to be inside of), one approval gone, one more decline */
	if (up_more_updates(NSYNTH, NSYNTH + 500) != 0 ||
	    up_ctl("-q", "unapprove", synth_id(3), "--group", "All Computers",
	    (char *)NULL) != 0 ||
	    up_ctl("-q", "decline", synth_id(30), (char *)NULL) != 0)
		fail_msg("upstream change");
	after = approvals_text(&H.up);
	for (int i = 0; i < NSITES; i++) {
		char *argv[] = { (char *)tl_wsusctl_exe, "-c", H.s[i].w.conf,
		    "sync", "now", NULL };

		pids[i] = replicas1[i] ? topo_spawn(NULL, argv, "/dev/null") :
		    0;
	}
	/* as soon as one sync is in its metadata phase, the upstream dies */
	for (int t = 0; t < 1200 && !running; t++) {
		for (int i = 0; i < NSITES && !running; i++) {
			json_t *j;
			const char *st;

			if (!replicas1[i])
				continue;
			j = ctl_json_of(&H.s[i].w, "sync", "status", NULL);
			st = json_string_value(json_object_get(
			    json_object_get(j, "running"), "phase"));
			running = st != NULL && strcmp(st, "metadata") == 0;
			json_decref(j);
		}
		if (!running)
			sleep_ms(20);
	}
	/* frozen first, so that a site seen in its metadata phase now
	 * cannot finish before the kill: its run must fail */
	if (running && H.up.pid > 0)
		kill(H.up.pid, SIGSTOP);
	for (int i = 0; i < NSITES; i++) {
		json_t *j;
		const char *st;

		midsync[i] = false;
		if (!replicas1[i] || !running)
			continue;
		j = ctl_json_of(&H.s[i].w, "sync", "status", NULL);
		st = json_string_value(json_object_get(
		    json_object_get(j, "running"), "phase"));
		midsync[i] = st != NULL && strcmp(st, "metadata") == 0;
		json_decref(j);
	}
	topo_kill_wsusd(&H.up);
	for (int i = 0; i < NSITES; i++)
		if (pids[i] > 0)
			(void)topo_wait(pids[i], 300);
	/* those in the middle failed, with the reason */
	for (int i = 0; i < NSITES; i++) {
		json_t *h, *r;

		if (!midsync[i])
			continue;
		nmid++;
		h = ctl_json_of(&H.s[i].w, "sync", "history", NULL);
		r = json_array_get(h, 0);
		assert_string_equal(json_string_value(json_object_get(r,
		    "result")), "failed");
		assert_true(json_is_string(json_object_get(r, "error")));
		json_decref(h);
	}
	assert_true(nmid >= 1);
	/* every replica: all of the old state or all of the new one */
	for (int i = 0; i < NSITES; i++) {
		char *now;

		if (!replicas1[i])
			continue;
		now = approvals_text(&H.s[i].w);
		if (strcmp(now, before[i]) != 0 && strcmp(now, after) != 0)
			fail_msg("site %d: approvals neither before nor after:"
			    "\n%s", i, now);
		free(now);
	}
	for (int i = 0; i < NSITES; i++)
		free(before[i]);
	free(after);
	if (!running)
		fail_msg("no sync was running when the upstream was killed");
	/* back: the next sync completes everywhere */
	if (topo_start_wsusd(&H.up, H.upns, 4) != 0)
		fail_msg("the upstream did not start again");
	sync_all();
	check_all(NAPPROVED + 1);
}

static void
test_wrong_port(void **state)
{
	struct site *s = &H.s[7];
	char bad[96], *o = NULL;
	json_t *j, *r;
	size_t runs;
	int rc;

	(void)state;
	j = ctl_json_of(&s->w, "sync", "history", NULL);
	runs = json_array_size(j);
	json_decref(j);
	snprintf(bad, sizeof(bad), "http://%s:%u", H.upaddr,
	    H.netns ? 8532 : tl_free_port());
	assert_int_equal(site_ctl(s, NULL, "-q", "sync", "configure",
	    "--upstream", bad, (char *)NULL), 0);
	rc = site_ctl(s, &o, "sync", "now", (char *)NULL);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(o, "sync failed: "));
	free(o);
	j = ctl_json_of(&s->w, "sync", "history", NULL);
	assert_int_equal(json_array_size(j), runs + 1);
	r = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(r, "result")),
	    "failed");
	o = (char *)json_string_value(json_object_get(r, "error"));
	assert_non_null(o);
	assert_non_null(strstr(o, "GetAuthConfig: "));
	assert_non_null(strstr(o, "onnect"));
	json_decref(j);
	j = ctl_json_of(&s->w, "sync", "status", NULL);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(j, "last"), "result")), "failed");
	json_decref(j);
	/* corrected: ok, and the replica as before */
	assert_int_equal(site_ctl(s, NULL, "-q", "sync", "configure",
	    "--upstream", s->upurl, (char *)NULL), 0);
	rc = site_ctl(s, &o, "sync", "now", (char *)NULL);
	if (rc != 0)
		fail_msg("sync now: exit %d:\n%s", rc, o);
	free(o);
	j = ctl_json_of(&s->w, "sync", "status", NULL);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(j, "last"), "result")), "ok");
	json_decref(j);
	check_replica_equal(s);
	check_files(s, NAPPROVED + 1);
}

/* The part file in the site's .partial folder: its size, -1 none. */
static long long
part_size(struct site *s)
{
	char dir[256], path[512];
	struct dirent *e;
	struct stat sb;
	long long size = -1;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/.partial", s->w.content);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".part") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) == 0)
			size = (long long)sb.st_size;
	}
	closedir(d);
	return size;
}

/* Is the file of synthetic update i published at site s, and marked
 * present in its store (the sync's last step for a file)? */
static bool
published(struct site *s, int i)
{
	char rel[128], path[512], name[32], url[256], err[256], *n = NULL;
	uint8_t *data, h1[20];
	size_t len = synth_payload(i, &data);
	struct store_file f;
	struct store *st = NULL;
	struct stat sb;
	bool present = false;

	snprintf(name, sizeof(name), "hier-%04d.exe", i);
	assert_int_equal(tl_digest("SHA1", data, len, h1), 0);
	free(data);
	assert_int_equal(content_relpath(h1, name, rel, sizeof(rel)), 0);
	snprintf(path, sizeof(path), "%s/%s", s->w.content, rel);
	if (stat(path, &sb) != 0)
		return false;
	snprintf(url, sizeof(url), "sqlite://%s", s->w.db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	memset(&f, 0, sizeof(f));
	if (store_file_lookup(st, h1, &f, &n) == STORE_OK)
		present = f.present;
	free(n);
	store_close(st);
	return present;
}

/*
 * A site killed (SIGKILL) while it downloads: two small files done, the
 * large one partly there.  Restarted, its next sync fetches only the rest
 * of the large one: one file, BIG_SIZE minus what the part file held.
 * The site reaches the upstream through the throttling relay so that the
 * large file is still on its way when the test looks.
 */
static void
test_killed_mid_download(void **state)
{
	struct site *s = &H.s[9];
	int ids[NAPPROVED + 4];
	char url[96];
	struct relay r;
	json_t *h, *row;
	long long part = -1;
	bool mid = false;
	size_t n = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(relay_start(&r, H.upns, H.upaddr, H.netns ? NULL : s->addr,
	    H.upport[2], true), 0);
	snprintf(url, sizeof(url), "http://%s:%u", H.upaddr, r.port);
	if (up_ctl("-q", "approve", synth_id(LATE_UPDATE + 1),
	    synth_id(LATE_UPDATE + 2), synth_id(BIG_UPDATE), "--group",
	    "All Computers", (char *)NULL) != 0 ||
	    site_ctl(s, NULL, "-q", "sync", "configure", "--upstream", url,
	    (char *)NULL) != 0) {
		relay_stop(&r);
		fail_msg("setting up");
	}
	{
		char *argv[] = { (char *)tl_wsusctl_exe, "-c", s->w.conf,
		    "sync", "now", NULL };

		pid = topo_spawn(NULL, argv, "/dev/null");
	}
	/* wait (bounded) for: the small files published, the large one
	 * partly written */
	for (int t = 0; t < 6000 && !mid; t++) {
		part = part_size(s);
		mid = part > 0 && part < BIG_SIZE &&
		    published(s, LATE_UPDATE + 1) &&
		    published(s, LATE_UPDATE + 2);
		if (!mid)
			sleep_ms(10);
	}
	topo_kill_wsusd(&s->w);
	r.throttle = false;
	if (!mid) {
		relay_stop(&r);
		(void)topo_wait(pid, 1);
		fail_msg("never saw the large file half downloaded");
	}
	part = part_size(s);	/* what the killed wsusd left */
	assert_true(part > 0 && part < BIG_SIZE);
	assert_false(published(s, BIG_UPDATE));
	if (topo_start_wsusd(&s->w, s->ns, 1) != 0) {
		relay_stop(&r);
		fail_msg("the site did not start again");
	}
	/* the restarted wsusd closes the run its predecessor left: the
	 * `sync now` that followed it ends, failed */
	assert_int_equal(topo_wait(pid, 60), 1);
	if (sites_sync_now((bool [NSITES]){ [9] = true }, true) != 0) {
		relay_stop(&r);
		fail_msg("the sync after the restart failed");
	}
	h = ctl_json_of(&s->w, "sync", "history", NULL);
	row = json_array_get(h, 1);	/* the killed run */
	assert_string_equal(json_string_value(json_object_get(row, "result")),
	    "failed");
	assert_non_null(strstr(json_string_value(json_object_get(row,
	    "error")), "interrupted"));
	row = json_array_get(h, 0);	/* the resumed one */
	assert_string_equal(json_string_value(json_object_get(row, "result")),
	    "ok");
	assert_int_equal(json_integer_value(json_object_get(row, "files")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "bytes")),
	    BIG_SIZE - part);
	json_decref(h);
	/* back to the upstream itself; everything there and exact */
	assert_int_equal(site_ctl(s, NULL, "-q", "sync", "configure",
	    "--upstream", s->upurl, (char *)NULL), 0);
	relay_stop(&r);
	for (int i = 0; i <= LATE_UPDATE + 2; i++)
		ids[n++] = i;
	ids[n++] = BIG_UPDATE;
	check_files_ids(s, ids, n);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first),
		cmocka_unit_test(test_clients),
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_scheduled),
		cmocka_unit_test(test_upstream_killed),
		cmocka_unit_test(test_wrong_port),
		cmocka_unit_test(test_killed_mid_download),
	};

	if (argc != 5) {
		fprintf(stderr, "usage: %s WSUSD WSUSCTL WSUS_CLIENT "
		    "FIXTURES_DIR\n", argv[0]);
		return 2;
	}
	tl_wsusd_exe = argv[1];
	tl_wsusctl_exe = argv[2];
	H.client_exe = argv[3];
	H.fixtures = argv[4];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
