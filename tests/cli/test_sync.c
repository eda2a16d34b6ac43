/*
 * test_sync.c — the one-shot `wsusctl sync` (cli/cmd_sync.c) as an
 * operator meets it (issue 10 defect 6), against a real wsusd upstream
 * on loopback: without --upstream a clear error naming `sync now`, `sync
 * configure` and the stored upstream (exit 2); a URL that is none is a
 * usage error (exit 2); the downstream announces itself with [server]
 * name (the upstream records that name, not the host name); -v prints
 * each call and each phase while it runs.
 *
 * usage: test_cli_sync WSUSD WSUSCTL
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

#define DSS_NAME	"dss.site-a.example"

struct fx {
	struct tl_wsusd up;	/* the upstream, running */
	struct tl_wsusd dss;	/* the downstream store (not running) */
	char	 out[1 << 18];	/* stdout of the last wsusctl */
	char	 err[1 << 18];	/* its stderr */
};

static int
ctl(struct fx *fx, const struct tl_wsusd *w, ...)
{
	char epath[256], *e = NULL;
	struct buf b;
	va_list ap;
	size_t len;
	int st;

	snprintf(epath, sizeof(epath), "%s/stderr", fx->dss.dir);
	buf_init(&b, sizeof(fx->out) - 1);
	va_start(ap, w);
	st = tl_vctl(w, &b, epath, ap);
	va_end(ap);
	snprintf(fx->out, sizeof(fx->out), "%.*s", (int)b.len,
	    b.data ? b.data : "");
	buf_free(&b);
	fx->err[0] = '\0';
	if (read_file(epath, sizeof(fx->err) - 1, &e, &len) == 0) {
		snprintf(fx->err, sizeof(fx->err), "%s", e);
		free(e);
	}
	return st;
}

#define CTL(fx, w, want, ...) do { \
	int st_ = ctl((fx), (w), __VA_ARGS__, (char *)NULL); \
	if (st_ != (want)) \
		fail_msg("wsusctl: exit %d, want %d:\n%s\nstderr:\n%s", st_, \
		    (want), (fx)->out, (fx)->err); \
} while (0)

#define ERR_HAS(fx, s) do { \
	if (strstr((fx)->err, (s)) == NULL) \
		fail_msg("stderr lacks \"%s\":\n%s", (s), (fx)->err); \
} while (0)

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(tl_wsusd_setup(&fx->up, "test-sync-up", NULL), 0);
	assert_int_equal(tl_store_setup(&fx->dss, "test-sync-dss",
	    "name = " DSS_NAME "\n"), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	tl_wsusd_cleanup(&fx->up);
	tl_wsusd_cleanup(&fx->dss);
	free(fx);
	return 0;
}

static void
test_usage(void **state)
{
	struct fx *fx = *state;

	CTL(fx, &fx->dss, 2, "sync");
	ERR_HAS(fx, "wsusctl sync: no --upstream URL given.  Give one "
	    "(wsusctl sync --upstream http://HOST:8530), or run `wsusctl sync "
	    "now` to have wsusd sync from the upstream stored with `wsusctl "
	    "sync configure --upstream URL` (none stored yet).\n");
	CTL(fx, &fx->dss, 0, "sync", "configure", "--upstream",
	    "http://up.example:8530");
	CTL(fx, &fx->dss, 2, "sync", "--no-rollup");
	ERR_HAS(fx, "(stored: http://up.example:8530).\n");
	assert_string_equal(fx->out, "");

	CTL(fx, &fx->dss, 2, "sync", "--upstream", "notaurl");
	ERR_HAS(fx, "wsusctl sync: --upstream \"notaurl\" is not a URL "
	    "(http://HOST[:PORT] or https://HOST[:PORT])\n");
	CTL(fx, &fx->dss, 2, "sync", "--upstream", "http://");
	CTL(fx, &fx->dss, 2, "sync", "--upstream", "ftp://host");
	CTL(fx, &fx->dss, 2, "sync", "--upstream", "http://:8530");
}

static void
test_name_and_progress(void **state)
{
	struct fx *fx = *state;
	char url[64];
	json_t *j, *d;
	size_t i;
	bool found = false;

	assert_int_equal(tl_wsusd_start(&fx->up), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", fx->up.port);
	CTL(fx, &fx->dss, 0, "sync", "--upstream", url, "-v");
	/* each phase with its counts, and each call, as it happens */
	ERR_HAS(fx, "wsusctl sync: auth (categories 0, updates 0 listed; 0 "
	    "documents fetched, 0 new, 0 rejected)\n");
	ERR_HAS(fx, "wsusctl sync: metadata (");
	ERR_HAS(fx, "wsusctl sync: rollup (");
	ERR_HAS(fx, "sync: GetRevisionIdList http://127.0.0.1:");
	ERR_HAS(fx, "sync: GetCookie ");
	/* without -v: nothing on stderr */
	CTL(fx, &fx->dss, 0, "sync", "--upstream", url);
	assert_string_equal(fx->err, "");

	/* the upstream knows the downstream by [server] name */
	CTL(fx, &fx->up, 0, "--json", "downstream", "list");
	j = json_loads(fx->out, 0, NULL);
	assert_non_null(j);
	json_array_foreach(j, i, d) {
		json_t *v;
		const char *k;

		json_object_foreach(d, k, v)
			if (json_is_string(v) &&
			    strcmp(json_string_value(v), DSS_NAME) == 0)
				found = true;
	}
	if (!found)
		fail_msg("upstream does not list %s:\n%s", DSS_NAME, fx->out);
	json_decref(j);
	assert_int_equal(tl_wsusd_stop(&fx->up), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_and_progress, setup,
		    teardown),
	};

	if (tl_main_args(argc, argv, 2, "WSUSD WSUSCTL") != 0)
		return 2;
	unsetenv("COLUMNS");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
