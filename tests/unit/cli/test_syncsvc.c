/*
 * test_syncsvc.c — `wsusctl sync configure|status|history` through the
 * built wsusctl (argv[1]) against a temporary installation (tests/lib):
 * every option round-trips through the store and --show (text and
 * JSON), options not given keep their value, every bad value is a usage
 * error (exit 2) that changes nothing, and status/history read the run
 * rows (written here through the store API, as wsusd writes them):
 * the trigger by name ("downloadfiles" too) and a run's note; `sync now`
 * gives up after --timeout (exit 4) when no wsusd ends the run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "store/store.h"
#include "cli_test.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

#define OUT_MAX		(1u << 20)
#define P1	"0fa1201d-4330-4fa8-8ae9-b877473b6441"
#define C1	"e6cf1350-c01b-414d-a61f-263d14d133b4"

struct fx {
	struct tl_wsusd w;
	char	*out;
	char	*err;
};

static int
run(struct fx *fx, ...)
{
	va_list ap;
	int status;

	va_start(ap, fx);
	status = cli_ctl_run(&fx->w, OUT_MAX, &fx->out, &fx->err, ap);
	va_end(ap);
	return status;
}

#define RUN(fx, want, ...) CLI_RUN(run, fx, want, __VA_ARGS__)

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	assert_non_null(v);
	return json_is_null(v) ? "(null)" : json_string_value(v);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(tl_wsusd_init(&fx->w, "test-syncsvc"), 0);
	assert_int_equal(tl_wsusd_conf(&fx->w, false, NULL), 0);
	RUN(fx, 0, "postinstall");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	tl_rmtree(fx->w.dir);
	free(fx->out);
	free(fx->err);
	free(fx);
	return 0;
}

/* The --show --json text of now, to compare after a refused change. */
static char *
show(struct fx *fx)
{
	RUN(fx, 0, "sync", "configure", "--show", "--json");
	return strdup(fx->out);
}

static void
test_configure(void **state)
{
	struct fx *fx = *state;
	char pw[PATH_MAX], ca[PATH_MAX], *before;
	json_t *j, *a;

	/* Nothing configured yet. */
	RUN(fx, 0, "sync", "configure", "--show");
	OUT_HAS(fx, "upstream         (none: not configured)\n");
	OUT_HAS(fx, "schedule         manual only\n");
	RUN(fx, 2, "sync", "configure");
	RUN(fx, 2, "sync", "configure", "--per-day", "2");
	ERR_HAS(fx, "no upstream yet: give --upstream URL");

	snprintf(pw, sizeof(pw), "%s/pw", fx->w.dir);
	assert_int_equal(tl_write_file(pw, "s3cret\nignored\n", 15), 0);
	snprintf(ca, sizeof(ca), "%s/ca.pem", fx->w.dir);
	assert_int_equal(tl_write_file(ca, "x", 1), 0);
	RUN(fx, 0, "sync", "configure", "--upstream", "https://dc-wsus:8531",
	    "--autonomous", "--product", P1, "--classification",
	    "E6CF1350-C01B-414D-A61F-263D14D133B4", "--language", "EN",
	    "--language", "pt-BR", "--content", "all", "--express", "yes");
	OUT_HAS(fx, "sync configured: https://dc-wsus:8531 (autonomous), "
	    "manual only\n");
	/* (tests/lib passes at most 32 arguments: two runs) */
	RUN(fx, 0, "sync", "configure", "--proxy", "http://proxy.example:3128", "--proxy-user", "bob",
	    "--proxy-password-file", pw, "--cacert", ca, "--tls-min", "1.3",
	    "--protocol", "1.8", "--name", "site1.example.org", "--per-day",
	    "4", "--first", "03:30", "--jitter", "45");
	OUT_HAS(fx, "sync configured: https://dc-wsus:8531 (autonomous)\n");

	RUN(fx, 0, "sync", "configure", "--show", "--json");
	j = cli_json(fx->out);
	assert_string_equal(jstr(j, "upstream"), "https://dc-wsus:8531");
	assert_string_equal(jstr(j, "mode"), "autonomous");
	a = json_object_get(j, "products");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(json_string_value(json_array_get(a, 0)), P1);
	a = json_object_get(j, "classifications");
	assert_string_equal(json_string_value(json_array_get(a, 0)), C1);
	a = json_object_get(j, "languages");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "en");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "pt-br");
	assert_string_equal(jstr(j, "content"), "all");
	assert_true(json_is_true(json_object_get(j, "express")));
	assert_string_equal(jstr(j, "proxy"), "http://proxy.example:3128");
	assert_string_equal(jstr(j, "proxy_user"), "bob");
	assert_true(json_is_true(json_object_get(j, "proxy_password_set")));
	assert_null(strstr(fx->out, "s3cret"));
	assert_string_equal(jstr(j, "cacert"), ca);
	assert_string_equal(jstr(j, "tls_min"), "1.3");
	assert_string_equal(jstr(j, "protocol"), "1.8");
	assert_string_equal(jstr(j, "name"), "site1.example.org");
	assert_int_equal(json_integer_value(json_object_get(j, "per_day")), 4);
	assert_string_equal(jstr(j, "first"), "03:30");
	assert_int_equal(json_integer_value(json_object_get(j, "jitter")), 45);
	assert_string_equal(jstr(j, "next_run"), "(null)");
	json_decref(j);

	RUN(fx, 0, "sync", "configure", "--show");
	OUT_HAS(fx, "proxy password   (set)\n");
	OUT_HAS(fx, "schedule         4 per day from 03:30, jitter 45 min\n");
	assert_null(strstr(fx->out, "s3cret"));

	/* Every bad value: exit 2, nothing changed. */
	before = show(fx);
	{
		static const char *const bad[][3] = {
			{ "--upstream", "ftp://x", "must start with http" },
			{ "--upstream", "http://:8530", "has no host name" },
			{ "--upstream", "http://h:0", "bad port" },
			{ "--upstream", "http://h:65536", "bad port" },
			{ "--upstream", "http://h:85x", "must not have a path" },
			{ "--upstream", "http://h/ClientWebService", "path" },
			{ "--upstream", "http://h_1", "bad character" },
			{ "--product", "nope", "is not a GUID" },
			{ "--language", "english", "is not a language code" },
			{ "--language", "e", "is not a language code" },
			{ "--content", "some", "approved, all, none or origin" },
			{ "--express", "true", "yes or no" },
			{ "--proxy", "socks://p", "must start with http" },
			{ "--cacert", "/nonexistent/ca.pem", "cannot be read" },
			{ "--tls-min", "1.1", "1.2 or 1.3" },
			{ "--protocol", "2.0", "1.8 or 1.20" },
			{ "--name", "bad name", "is not a host name" },
			{ "--per-day", "25", "0..24" },
			{ "--per-day", "-1", "0..24" },
			{ "--first", "24:00", "HH:MM" },
			{ "--first", "3:30", "HH:MM" },
			{ "--jitter", "1441", "0..1440" },
			{ "--proxy-password-file", "/nonexistent/pw",
			    "cannot be read" },
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			RUN(fx, 2, "sync", "configure", bad[i][0], bad[i][1]);
			ERR_HAS(fx, bad[i][2]);
		}
	}
	RUN(fx, 2, "sync", "configure", "--replica", "--autonomous");
	RUN(fx, 2, "sync", "configure", "--product", P1, "--replica");
	ERR_HAS(fx, "a replica takes products and classifications from its "
	    "upstream");
	RUN(fx, 2, "sync", "configure", "--proxy-user", "", "--proxy-password-file", pw);
	ERR_HAS(fx, "together");
	RUN(fx, 2, "sync", "configure", "--show", "--per-day", "1");
	RUN(fx, 2, "sync", "configure", "--bogus");
	RUN(fx, 2, "sync", "configure", "extra");
	RUN(fx, 0, "sync", "configure", "--show", "--json");
	assert_string_equal(fx->out, before);
	free(before);

	/* Options not given keep their value; a replica drops the local
	 * product filter (it takes its upstream's). */
	RUN(fx, 0, "sync", "configure", "--replica", "--per-day", "0");
	OUT_HAS(fx, "(replica), manual only\n");
	RUN(fx, 0, "sync", "configure", "--show", "--json");
	j = cli_json(fx->out);
	assert_string_equal(jstr(j, "upstream"), "https://dc-wsus:8531");
	assert_string_equal(jstr(j, "mode"), "replica");
	assert_int_equal(json_array_size(json_object_get(j, "products")), 0);
	assert_int_equal(json_array_size(json_object_get(j,
	    "classifications")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "languages")), 2);
	assert_string_equal(jstr(j, "protocol"), "1.8");
	assert_int_equal(json_integer_value(json_object_get(j, "per_day")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "jitter")), 45);
	json_decref(j);
	RUN(fx, 0, "sync", "configure", "--show");
	OUT_HAS(fx, "products         (from the upstream)\n");

	/* "" clears; proxy credentials go with a proxy. */
	RUN(fx, 2, "sync", "configure", "--proxy", "");
	ERR_HAS(fx, "proxy credentials need --proxy URL");
	RUN(fx, 0, "sync", "configure", "--proxy", "", "--proxy-user", "",
	    "--name", "");
	RUN(fx, 0, "sync", "configure", "--show", "--json");
	j = cli_json(fx->out);
	assert_string_equal(jstr(j, "proxy"), "(null)");
	assert_string_equal(jstr(j, "proxy_user"), "(null)");
	assert_true(json_is_false(json_object_get(j, "proxy_password_set")));
	assert_string_equal(jstr(j, "name"), "(null)");
	assert_string_equal(jstr(j, "cacert"), ca);
	json_decref(j);
}

static void
test_status_history(void **state)
{
	struct fx *fx = *state;
	struct store *st;
	struct store_sync_run r;
	char err[256], url[300];
	int64_t a, b;
	json_t *j, *x;

	RUN(fx, 0, "sync", "history");
	OUT_HAS(fx, "no sync has run yet\n");
	RUN(fx, 0, "sync", "status");
	OUT_HAS(fx, "state      idle\n");
	OUT_HAS(fx, "last       (never synchronized)\n");
	OUT_HAS(fx, "next run   (manual only)\n");

	/* Two runs as wsusd writes them: one ok, one running. */
	snprintf(url, sizeof(url), "sqlite://%s", fx->w.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_MANUAL, 0,
	    1790000000, &a), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = a;
	r.phase = "done";
	r.end = 1790000060;
	r.result = SYNC_RESULT_FAILED;
	r.new_updates = 12;
	r.revised = 3;
	r.expired = 1;
	r.files = 5;
	r.bytes = 123456;
	r.error = "GetAuthConfig: connect to http://dc:8531: refused";
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_SCHEDULED, 0,
	    1790003600, &b), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = b;
	r.phase = "updates";
	r.done = 40;
	r.total = 100;
	r.new_updates = 7;
	assert_int_equal(store_sync_run_progress(st, &r), STORE_OK);
	assert_int_equal(store_sync_next_set(st, 1790010000), STORE_OK);
	store_close(st);

	RUN(fx, 0, "sync", "status");
	OUT_HAS(fx, "state      running\n");
	OUT_HAS(fx, "started    2026-09-21T15:13:20Z (scheduled)\n");
	OUT_HAS(fx, "phase      updates 40/100\n");
	OUT_HAS(fx, "so far     7 new, 0 revised, 0 expired, 0 files\n");
	OUT_HAS(fx, "last       failed at 2026-09-21T14:14:20Z: 12 new, "
	    "3 revised, 1 expired, 5 files, 123456 bytes\n");
	OUT_HAS(fx, "error      GetAuthConfig: connect to http://dc:8531: "
	    "refused\n");
	OUT_HAS(fx, "next run   2026-09-21T17:00:00Z\n");

	RUN(fx, 0, "sync", "status", "--json");
	j = cli_json(fx->out);
	assert_string_equal(jstr(j, "state"), "running");
	x = json_object_get(j, "running");
	assert_string_equal(jstr(x, "phase"), "updates");
	assert_int_equal(json_integer_value(json_object_get(x, "done")), 40);
	x = json_object_get(j, "last");
	assert_string_equal(jstr(x, "result"), "failed");
	assert_int_equal(json_integer_value(json_object_get(x, "new_updates")),
	    12);
	assert_string_equal(jstr(j, "next_run"), "2026-09-21T17:00:00Z");
	json_decref(j);

	RUN(fx, 0, "sync", "history", "--json");
	j = cli_json(fx->out);
	assert_int_equal(json_array_size(j), 2);
	x = json_array_get(j, 0);
	assert_int_equal(json_integer_value(json_object_get(x, "id")), b);
	assert_string_equal(jstr(x, "result"), "running");
	assert_string_equal(jstr(x, "end"), "(null)");
	x = json_array_get(j, 1);
	assert_int_equal(json_integer_value(json_object_get(x, "id")), a);
	assert_string_equal(jstr(x, "start"), "2026-09-21T14:13:20Z");
	assert_string_equal(jstr(x, "end"), "2026-09-21T14:14:20Z");
	assert_string_equal(jstr(x, "trigger"), "manual");
	assert_int_equal(json_integer_value(json_object_get(x, "bytes")),
	    123456);
	json_decref(j);

	RUN(fx, 0, "sync", "history", "--limit", "1", "--json");
	j = cli_json(fx->out);
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	RUN(fx, 0, "sync", "history");
	OUT_HAS(fx, "START");
	OUT_HAS(fx, "failed");
	OUT_HAS(fx, "123456");
	RUN(fx, 2, "sync", "history", "--limit", "0");
	RUN(fx, 2, "sync", "status", "extra");
}

static int64_t
requests_waiting(struct fx *fx)
{
	struct store *st;
	char err[256], url[300];
	int64_t id = 0, n = 0;
	int kind;

	snprintf(url, sizeof(url), "sqlite://%s", fx->w.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	for (;;) {
		assert_int_equal(store_sync_request_take(st, &kind, &id),
		    STORE_OK);
		if (id == 0)
			break;
		assert_int_equal(kind, SYNC_REQUEST_NOW);
		n++;
	}
	store_close(st);
	return n;
}

static void
test_downloadfiles_timeout(void **state)
{
	struct fx *fx = *state;
	struct store *st;
	struct store_sync_run r;
	char err[256], url[300], want[128];
	int64_t a, b, c;
	json_t *j, *x;

	RUN(fx, 0, "sync", "configure", "--upstream", "http://127.0.0.1:9");
	/* A content-only run of a downstream's DownloadFiles, with a note,
	 * as wsusd writes it. */
	snprintf(url, sizeof(url), "sqlite://%s", fx->w.db);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_DOWNLOADFILES,
	    0, 1790000000, &a), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = a;
	r.phase = "done";
	r.end = 1790000030;
	r.result = SYNC_RESULT_OK;
	r.files = 2;
	r.bytes = 2048;
	r.note = "express files not fetched: the upstream does not host them "
	    "(ServerHostsPsfFiles false)";
	assert_int_equal(store_sync_run_end(st, &r), STORE_OK);
	store_close(st);

	RUN(fx, 0, "sync", "status");
	OUT_HAS(fx, "last       ok at 2026-09-21T14:13:50Z: 0 new, 0 revised, "
	    "0 expired, 2 files, 2048 bytes\n");
	OUT_HAS(fx, "trigger    downloadfiles\n");
	OUT_HAS(fx, "note       express files not fetched: the upstream does "
	    "not host them (ServerHostsPsfFiles false)\n");
	assert_null(strstr(fx->out, "error      "));
	RUN(fx, 0, "sync", "history", "--json");
	j = cli_json(fx->out);
	assert_int_equal(json_array_size(j), 1);
	x = json_array_get(j, 0);
	assert_string_equal(jstr(x, "trigger"), "downloadfiles");
	assert_string_equal(jstr(x, "result"), "ok");
	assert_string_equal(jstr(x, "error"), "(null)");
	assert_string_equal(jstr(x, "note"), "express files not fetched: the "
	    "upstream does not host them (ServerHostsPsfFiles false)");
	json_decref(j);
	RUN(fx, 0, "sync", "history");
	OUT_HAS(fx, "downloadfiles");
	OUT_HAS(fx, "ERROR/NOTE");

	RUN(fx, 2, "sync", "now", "--timeout", "0");
	RUN(fx, 2, "sync", "now", "--timeout", "604801");
	RUN(fx, 2, "sync", "now", "--timeout", "x");
	assert_int_equal(requests_waiting(fx), 0);

	/* A content-only run going on (no wsusd here to end it): not the
	 * sync asked for, so `sync now` queues its request and waits for
	 * wsusd to take it, then gives up. */
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_DOWNLOADFILES,
	    0, 1790000100, &b), STORE_OK);
	store_close(st);
	RUN(fx, 4, "sync", "now", "--timeout", "1");
	ERR_HAS(fx, "wsusctl sync now: wsusd did not take the request within "
	    "1 s: is wsusd running on this store?");
	assert_null(strstr(fx->err, "following it"));
	assert_int_equal(requests_waiting(fx), 1);

	/* A sync left "running" by a wsusd that went away: followed, then
	 * given up after --timeout with exit 4; nothing queued. */
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_sync_run_begin(st, SYNC_TRIGGER_MANUAL, 0,
	    1790000200, &c), STORE_OK);
	memset(&r, 0, sizeof(r));
	r.id = c;
	r.phase = "metadata";
	assert_int_equal(store_sync_run_progress(st, &r), STORE_OK);
	store_close(st);
	RUN(fx, 4, "sync", "now", "--timeout", "1", "--json");
	ERR_HAS(fx, "a sync is already running; following it");
	snprintf(want, sizeof(want), "wsusctl sync now: gave up waiting: sync "
	    "run %lld is still running (phase metadata); is wsusd still "
	    "running on this store?", (long long)c);
	ERR_HAS(fx, want);
	assert_int_equal(requests_waiting(fx), 0);
	/* the run row is as it was */
	RUN(fx, 0, "sync", "status", "--json");
	j = cli_json(fx->out);
	assert_string_equal(jstr(j, "state"), "running");
	x = json_object_get(j, "running");
	assert_int_equal(json_integer_value(json_object_get(x, "id")), c);
	assert_string_equal(jstr(x, "trigger"), "manual");
	json_decref(j);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_configure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_history, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_downloadfiles_timeout,
		    setup, teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-WSUSCTL\n", argv[0]);
		return 2;
	}
	tl_wsusctl_exe = argv[1];
	unsetenv("COLUMNS");
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
