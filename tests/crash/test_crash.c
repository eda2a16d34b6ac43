/*
 * test_crash.c — crash consistency (issue 9's quality bar): kill -9 at
 * random points of an import (`wsusctl import-updates` of a generated
 * catalog), of serving (wsusd under `wsus-client load`: clients scanning
 * and reporting) and of a sync (`wsusctl sync` of a downstream).  After
 * every kill `wsusctl checkhealth` must pass, and running the same work
 * again to its end must give the same state as one uninterrupted run
 * (wsusctl --json dumps compared, volatile fields masked).
 *
 * The kill points are random delays, drawn from a seeded generator, in
 * [0, 1.2 x the uninterrupted run's duration]; the seed is printed and
 * WSUSD_CRASH_SEED=N repeats a run (the same delays; where they land
 * depends on the machine's speed).  Nothing asserts a duration.
 *
 *   test_crash WSUSD WSUSCTL WSUS_CLIENT GEN_CATALOG FIXTURES_DIR
 *
 * What it is not: a fault-injection test of single SQLite calls (the
 * replica-apply kill hook of tests/e2e-sync and the "disk full" VFS of
 * tests/unit/import do that).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "testlib.h"

#define IMPORT_ROUNDS	5
#define SERVE_ROUNDS	3
#define SYNC_ROUNDS	3
#define CATALOG		2000	/* generated update documents */
#define CLIENTS		300	/* simulated clients per load run */

static const char *client_exe, *gen_exe, *fixtures;
static char catalog[256];	/* the generated catalog */
static char workdir[64];
static uint64_t rng;
static unsigned long long seed;	/* printed; WSUSD_CRASH_SEED */

/* ---- helpers ---------------------------------------------------------- */

static uint64_t
next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A random kill delay in [0, 1.2 x ms]. */
static long
kill_point(long ms)
{
	return (long)(next() % (uint64_t)(ms * 12 / 10 + 1));
}

/* Start argv with stdout and stderr into log; the pid. */
static pid_t
spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/*
 * Sleep ms, then SIGKILL pid (ours) unless it exited; reap it.  True
 * when it was killed, false when it had finished (status in *status).
 */
static bool
kill_after(pid_t pid, long ms, int *status)
{
	long end = now_ms() + ms;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			return false;
		}
		if (now_ms() >= end)
			break;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*status = -1;
	return true;
}

/* A key wsusctl --json writes that differs between equal states. */
static bool
volatile_key(const char *k)
{
	static const char *const keys[] = {
		"id", "imported", "created", "registered", "duplicate_seen",
		"started", "finished", "duration_ms", "anchor",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return strncmp(k, "last_", 5) == 0;
}

static void
mask(json_t *j)
{
	const char *k;
	json_t *v;
	void *tmp;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach_safe(j, tmp, k, v) {
			if (volatile_key(k))
				json_object_del(j, k);
			else
				mask(v);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			mask(v);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * wsusctl --json ARGS on s, masked, the elements of a top-level array
 * sorted, as text (malloc'd).  The command must succeed.
 */
static char *
dump(struct tl_wsusd *s, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	struct buf out, text;
	json_t *j, *v;
	json_error_t e;
	char **items;
	size_t n, i;
	int rc;

	buf_init(&out, 256u << 20);
	rc = tl_ctl(s, &out, "--json", a1, a2, a3, a4, (char *)NULL);
	buf_putc(&out, '\0');
	if (rc != 0)
		fail_msg("wsusctl %s %s: exit %d: %.2000s", a1, a2 ? a2 : "",
		    rc, out.data);
	if ((j = json_loads(out.data, 0, &e)) == NULL)
		fail_msg("wsusctl %s: not JSON (%s): %.500s", a1, e.text,
		    out.data);
	buf_free(&out);
	mask(j);
	buf_init(&text, 256u << 20);
	if (json_is_array(j)) {
		n = json_array_size(j);
		items = calloc(n + 1, sizeof(*items));
		assert_non_null(items);
		json_array_foreach(j, i, v)
			items[i] = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
		qsort(items, n, sizeof(*items), cmp_str);
		for (i = 0; i < n; i++) {
			buf_puts(&text, items[i]);
			buf_putc(&text, '\n');
			free(items[i]);
		}
		free(items);
	} else {
		char *d = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1));

		buf_puts(&text, d);
		free(d);
	}
	json_decref(j);
	buf_putc(&text, '\0');
	return buf_steal(&text, NULL);
}

/* checkhealth must pass after a kill. */
static void
healthy(struct tl_wsusd *s, const char *what, int round)
{
	struct buf out;
	int rc;

	buf_init(&out, 1u << 20);
	rc = tl_ctl(s, &out, "checkhealth", (char *)NULL);
	buf_putc(&out, '\0');
	if (rc != 0)
		fail_msg("%s round %d (seed %llu): checkhealth exit %d:\n%s",
		    what, round, seed, rc, out.data);
	buf_free(&out);
}

/* How many times needle occurs in s. */
static size_t
occurs(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
same(const char *want, const char *got, const char *what, int round)
{
	if (strcmp(want, got) != 0) {
		size_t i = 0;

		while (want[i] != '\0' && want[i] == got[i])
			i++;
		fail_msg("%s round %d (seed %llu): the state differs from an "
		    "uninterrupted run at byte %zu:\nwant %.300s\ngot  %.300s",
		    what, round, seed, i, want + (i > 100 ? i - 100 : 0),
		    got + (i > 100 ? i - 100 : 0));
	}
}

/* ---- import ------------------------------------------------------------- */

static void
import_argv(struct tl_wsusd *s, char *argv[8])
{
	argv[0] = (char *)tl_wsusctl_exe;
	argv[1] = (char *)"-c";
	argv[2] = s->conf;
	argv[3] = (char *)"-q";
	argv[4] = (char *)"import-updates";
	argv[5] = catalog;
	argv[6] = NULL;
}

static char *
updates_dump(struct tl_wsusd *s)
{
	return dump(s, "updates", "list", "--limit", "1000000");
}

static void
test_import(void **state)
{
	struct tl_wsusd ref, s;
	char *argv[8], *want, *got, log[256];
	long t0, dur;
	int st, killed = 0;

	(void)state;
	assert_int_equal(tl_store_setup(&ref, "crashimp", NULL), 0);
	import_argv(&ref, argv);
	snprintf(log, sizeof(log), "%s/import.log", ref.dir);
	t0 = now_ms();
	assert_false(kill_after(spawn(argv, log), 600000, &st));
	dur = now_ms() - t0;
	assert_int_equal(st, 0);
	want = updates_dump(&ref);
	assert_int_equal(occurs(want, "\"update_id\""), CATALOG);
	tl_wsusd_cleanup(&ref);
	for (int round = 1; round <= IMPORT_ROUNDS; round++) {
		long at = kill_point(dur);
		bool k;

		assert_int_equal(tl_store_setup(&s, "crashimp", NULL), 0);
		import_argv(&s, argv);
		snprintf(log, sizeof(log), "%s/import.log", s.dir);
		if ((k = kill_after(spawn(argv, log), at, &st)))
			killed++;
		else
			assert_int_equal(st, 0);
		healthy(&s, "import", round);
		assert_false(kill_after(spawn(argv, log), 600000, &st));
		assert_int_equal(st, 0);
		healthy(&s, "import", round);
		got = updates_dump(&s);
		same(want, got, "import", round);
		free(got);
		tl_wsusd_cleanup(&s);
		fprintf(stderr, "import round %d: kill at %ld ms of ~%ld: %s, "
		    "converged\n", round, at, dur, k ? "killed" :
		    "had finished");
	}
	fprintf(stderr, "import: %d of %d rounds interrupted\n", killed,
	    IMPORT_ROUNDS);
	free(want);
}

/* ---- serving ------------------------------------------------------------ */

/* An installation with the real update documents, not started. */
static void
serving_setup(struct tl_wsusd *s)
{
	char docs[512];
	struct buf out;

	assert_int_equal(tl_wsusd_setup(s, "crashsrv", NULL), 0);
	snprintf(docs, sizeof(docs), "%s/update-metadata/"
	    "wsusss-getupdatedata-docs", fixtures);
	buf_init(&out, 1u << 20);
	if (tl_ctl(s, &out, "-q", "import-updates", docs, (char *)NULL) != 0)
		fail_msg("import: %s", out.data ? out.data : "");
	buf_free(&out);
}

static pid_t
load(struct tl_wsusd *s, const char *log)
{
	char url[64], n[16];
	char *argv[] = { (char *)client_exe, (char *)"load", (char *)"--server",
	    url, (char *)"--clients", n, (char *)"--concurrency",
	    (char *)"4", (char *)"--seed", (char *)"7", (char *)"--timeout",
	    (char *)"30", NULL };

	snprintf(url, sizeof(url), "http://127.0.0.1:%u", s->port);
	snprintf(n, sizeof(n), "%d", CLIENTS);
	return spawn(argv, log);
}

static char *
serving_dump(struct tl_wsusd *s)
{
	char *a = dump(s, "computers", "list", NULL, NULL);
	char *b = dump(s, "report", "compliance", "--limit", "1000000");
	struct buf t;

	buf_init(&t, 256u << 20);
	buf_puts(&t, a);
	buf_puts(&t, b);
	buf_putc(&t, '\0');
	free(a);
	free(b);
	return buf_steal(&t, NULL);
}

static void
test_serving(void **state)
{
	struct tl_wsusd s;
	char *want, *got, log[256];
	long t0, dur;
	int st, killed = 0;

	(void)state;
	serving_setup(&s);
	snprintf(log, sizeof(log), "%s/load.log", s.dir);
	assert_int_equal(tl_wsusd_start(&s), 0);
	t0 = now_ms();
	assert_false(kill_after(load(&s, log), 600000, &st));
	dur = now_ms() - t0;
	if (st != 0)
		tl_show_file("load", log);
	assert_int_equal(st, 0);
	assert_int_equal(tl_wsusd_stop(&s), 0);
	want = serving_dump(&s);
	assert_int_equal(occurs(want, "\"client_id\""), CLIENTS);
	tl_wsusd_cleanup(&s);
	for (int round = 1; round <= SERVE_ROUNDS; round++) {
		long at = kill_point(dur);
		pid_t lp;

		serving_setup(&s);
		snprintf(log, sizeof(log), "%s/load.log", s.dir);
		assert_int_equal(tl_wsusd_start(&s), 0);
		lp = load(&s, log);
		/* kill -9 the server at the kill point, under load */
		if (kill_after(s.pid, at, &st))
			killed++;
		s.pid = 0;
		/* the clients fail (or had finished); reap them */
		(void)kill_after(lp, 600000, &st);
		healthy(&s, "serving", round);
		/* again, to the end */
		assert_int_equal(tl_wsusd_start(&s), 0);
		assert_false(kill_after(load(&s, log), 600000, &st));
		if (st != 0)
			tl_show_file("load", log);
		assert_int_equal(st, 0);
		assert_int_equal(tl_wsusd_stop(&s), 0);
		healthy(&s, "serving", round);
		got = serving_dump(&s);
		same(want, got, "serving", round);
		free(got);
		tl_wsusd_cleanup(&s);
		fprintf(stderr, "serving round %d: kill at %ld ms of ~%ld, "
		    "converged\n", round, at, dur);
	}
	fprintf(stderr, "serving: %d of %d rounds interrupted\n", killed,
	    SERVE_ROUNDS);
	free(want);
}

/* ---- sync --------------------------------------------------------------- */

static void
sync_argv(struct tl_wsusd *d, const struct tl_wsusd *up, char url[64],
    char *argv[16])
{
	snprintf(url, 64, "http://127.0.0.1:%u", up->port);
	argv[0] = (char *)tl_wsusctl_exe;
	argv[1] = (char *)"-c";
	argv[2] = d->conf;
	argv[3] = (char *)"-q";
	argv[4] = (char *)"sync";
	argv[5] = (char *)"--upstream";
	argv[6] = url;
	argv[7] = (char *)"--protocol";
	argv[8] = (char *)"1.20";
	argv[9] = (char *)"--name";
	argv[10] = (char *)"crash.lab.invalid";
	argv[11] = NULL;
}

static void
test_sync(void **state)
{
	struct tl_wsusd up, ref, d;
	char *argv[16], url[64], *want, *got, log[256];
	struct buf out;
	long t0, dur;
	int st, killed = 0;

	(void)state;
	/* the upstream: the generated catalog */
	assert_int_equal(tl_wsusd_setup(&up, "crashup", NULL), 0);
	buf_init(&out, 1u << 20);
	assert_int_equal(tl_ctl(&up, &out, "-q", "import-updates", catalog,
	    (char *)NULL), 0);
	buf_free(&out);
	assert_int_equal(tl_wsusd_start(&up), 0);
	/* an uninterrupted sync */
	assert_int_equal(tl_store_setup(&ref, "crashdss", NULL), 0);
	sync_argv(&ref, &up, url, argv);
	snprintf(log, sizeof(log), "%s/sync.log", ref.dir);
	t0 = now_ms();
	assert_false(kill_after(spawn(argv, log), 600000, &st));
	dur = now_ms() - t0;
	if (st != 0)
		tl_show_file("sync", log);
	assert_int_equal(st, 0);
	want = updates_dump(&ref);
	fprintf(stderr, "sync: %zu revisions\n", occurs(want, "\"update_id\""));
	tl_wsusd_cleanup(&ref);
	for (int round = 1; round <= SYNC_ROUNDS; round++) {
		long at = kill_point(dur);

		assert_int_equal(tl_store_setup(&d, "crashdss", NULL), 0);
		sync_argv(&d, &up, url, argv);
		snprintf(log, sizeof(log), "%s/sync.log", d.dir);
		if (kill_after(spawn(argv, log), at, &st))
			killed++;
		healthy(&d, "sync", round);
		assert_false(kill_after(spawn(argv, log), 600000, &st));
		if (st != 0)
			tl_show_file("sync", log);
		assert_int_equal(st, 0);
		healthy(&d, "sync", round);
		got = updates_dump(&d);
		same(want, got, "sync", round);
		free(got);
		tl_wsusd_cleanup(&d);
		fprintf(stderr, "sync round %d: kill at %ld ms of ~%ld, "
		    "converged\n", round, at, dur);
	}
	fprintf(stderr, "sync: %d of %d rounds interrupted\n", killed,
	    SYNC_ROUNDS);
	free(want);
	assert_int_equal(tl_wsusd_stop(&up), 0);
	tl_wsusd_cleanup(&up);
}

/* ---- main ---------------------------------------------------------------- */

static int
group_setup(void **state)
{
	char n[16], sd[32];
	char *argv[] = { (char *)gen_exe, catalog, n, sd, NULL };
	struct buf out;

	(void)state;
	snprintf(workdir, sizeof(workdir), "/tmp/wsusd-crash-XXXXXX");
	if (mkdtemp(workdir) == NULL)
		return -1;
	snprintf(catalog, sizeof(catalog), "%s/catalog", workdir);
	snprintf(n, sizeof(n), "%d", CATALOG);
	snprintf(sd, sizeof(sd), "%d", 11);
	buf_init(&out, 1u << 20);
	if (tl_run(argv, &out, NULL) != 0) {
		fprintf(stderr, "gen_catalog failed\n");
		return -1;
	}
	buf_free(&out);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tl_rmtree(workdir);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_serving),
		cmocka_unit_test(test_sync),
	};
	const char *s = getenv("WSUSD_CRASH_SEED");

	if (tl_main_args(argc, argv, 5, "WSUSD WSUSCTL WSUS_CLIENT "
	    "GEN_CATALOG FIXTURES_DIR") != 0)
		return 2;
	client_exe = argv[3];
	gen_exe = argv[4];
	fixtures = argv[5];
	if (s != NULL && *s != '\0')
		seed = strtoull(s, NULL, 10);
	else
		seed = (unsigned long long)time(NULL) ^
		    ((unsigned long long)getpid() << 20);
	if (seed == 0)
		seed = 1;
	fprintf(stderr, "crash seed %llu (repeat: WSUSD_CRASH_SEED=%llu)\n",
	    seed, seed);
	rng = seed;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
