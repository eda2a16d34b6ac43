/*
 * test_settings.c — the wsusctl commands that read and write store
 * settings through the registry (store/settings.h): `report settings`
 * (events_per_computer, event_retention_days: plain digits within the
 * registry's bounds, else the usage error; a stored value the registry
 * refuses shows as the default with a warning) and `downstream rollup`
 * (detailed/summary; the same reading as the reporting service).  Runs
 * the commands in-process on an in-memory store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/wsusctl.h"
#include "store/settings.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CAP_MAX	65536

static struct wsusctl ctl;
static char out[CAP_MAX], err[CAP_MAX];

static int
setup(void **state)
{
	char e[256];
	int from, to;

	(void)state;
	memset(&ctl, 0, sizeof(ctl));
	assert_int_equal(store_open("sqlite::memory:", &ctl.store, e,
	    sizeof(e)), STORE_OK);
	assert_int_equal(store_migrate(ctl.store, &from, &to), STORE_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_close(ctl.store);
	ctl.store = NULL;
	return 0;
}

static void
slurp(FILE *fp, char *buf)
{
	size_t n;

	rewind(fp);
	n = fread(buf, 1, CAP_MAX - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

/* Run cmd with the NULL-ended arguments; stdout and stderr into out and
 * err; the exit status. */
static int
run(int (*cmd)(struct wsusctl *, int, char **), bool json, ...)
{
	char *argv[16];
	int argc = 0, rc, so, se;
	FILE *fo, *fe;
	va_list ap;

	va_start(ap, json);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	ctl.json = json;
	ctl.quiet = false;
	assert_non_null(fo = tmpfile());
	assert_non_null(fe = tmpfile());
	fflush(stdout);
	fflush(stderr);
	so = dup(STDOUT_FILENO);
	se = dup(STDERR_FILENO);
	dup2(fileno(fo), STDOUT_FILENO);
	dup2(fileno(fe), STDERR_FILENO);
	rc = cmd(&ctl, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, STDOUT_FILENO);
	dup2(se, STDERR_FILENO);
	close(so);
	close(se);
	slurp(fo, out);
	slurp(fe, err);
	return rc;
}

static char *
stored(const char *key)
{
	char *v = NULL;

	if (store_setting_get(ctl.store, key, &v) != STORE_OK)
		return NULL;
	return v;
}

static void
expect_stored(const char *key, const char *want)
{
	char *v = stored(key);

	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static void
t_report_defaults(void **state)
{
	(void)state;
	assert_int_equal(run(cmd_report, false, "report", "settings", NULL),
	    EXIT_OK);
	assert_non_null(strstr(out, "events kept per computer   250 "
	    "(default)"));
	assert_non_null(strstr(out, "days events are kept       30 "
	    "(default)"));
	assert_string_equal(err, "");

	assert_int_equal(run(cmd_report, false, "report", "settings",
	    "--events-per-computer", "500", "--retention-days", "0", NULL),
	    EXIT_OK);
	expect_stored(SETTING_EVENTS_PER_COMPUTER, "500");
	expect_stored(SETTING_EVENT_RETENTION_DAYS, "0");
	assert_non_null(strstr(out, "events kept per computer   500\n"));
	assert_non_null(strstr(out, "days events are kept       0\n"));

	assert_int_equal(run(cmd_report, true, "report", "settings", NULL),
	    EXIT_OK);
	assert_non_null(strstr(out, "\"events_per_computer\": 500"));
	assert_non_null(strstr(out, "\"event_retention_days\": 0"));
}

static void
t_report_refused_args(void **state)
{
	static const char *const bad_per[] = { "-1", "+5", " 5", "5 ", "5x",
	    "", "100001", "99999999999999999999", NULL };
	static const char *const bad_days[] = { "3651", "-0", "x", NULL };

	(void)state;
	for (size_t i = 0; bad_per[i] != NULL; i++) {
		assert_int_equal(run(cmd_report, false, "report", "settings",
		    "--events-per-computer", bad_per[i], NULL), EXIT_USAGE);
		if (strstr(err, "events kept per computer: a number from 0 "
		    "to 100000") == NULL)
			fail_msg("\"%s\": %s", bad_per[i], err);
	}
	for (size_t i = 0; bad_days[i] != NULL; i++) {
		assert_int_equal(run(cmd_report, false, "report", "settings",
		    "--retention-days", bad_days[i], NULL), EXIT_USAGE);
		if (strstr(err, "days events are kept: a number from 0 to "
		    "3650") == NULL)
			fail_msg("\"%s\": %s", bad_days[i], err);
	}
	/* nothing written */
	assert_null(stored(SETTING_EVENTS_PER_COMPUTER));
	assert_null(stored(SETTING_EVENT_RETENTION_DAYS));
	/* the bounds themselves are fine */
	assert_int_equal(run(cmd_report, false, "report", "settings",
	    "--events-per-computer", "100000", "--retention-days", "3650",
	    NULL), EXIT_OK);
	expect_stored(SETTING_EVENTS_PER_COMPUTER, "100000");
	expect_stored(SETTING_EVENT_RETENTION_DAYS, "3650");
}

static void
t_report_refused_stored(void **state)
{
	(void)state;
	assert_int_equal(store_setting_set(ctl.store,
	    SETTING_EVENTS_PER_COMPUTER, "lots"), STORE_OK);
	assert_int_equal(store_setting_set(ctl.store,
	    SETTING_EVENT_RETENTION_DAYS, "4000"), STORE_OK);
	assert_int_equal(run(cmd_report, false, "report", "settings", NULL),
	    EXIT_OK);
	assert_non_null(strstr(out, "events kept per computer   250 "
	    "(default)"));
	assert_non_null(strstr(out, "days events are kept       30 "
	    "(default)"));
	assert_non_null(strstr(err, "events_per_computer"));
	assert_non_null(strstr(err, "event_retention_days"));
	assert_non_null(strstr(err, "using the default"));
}

static void
t_rollup(void **state)
{
	static const struct {
		const char *stored, *shown;
		bool warns;
	} cases[] = {
		{ "summary", "summary", false }, { "SUMMARY", "summary", false },
		{ "off", "summary", false }, { "no", "summary", false },
		{ "0", "summary", false }, { "detailed", "detailed", false },
		{ "yes", "detailed", false }, { "", "detailed", false },
		{ "maybe", "detailed", true },
	};
	char want[64];

	(void)state;
	assert_int_equal(run(cmd_downstream, false, "downstream", "rollup",
	    NULL), EXIT_OK);
	assert_string_equal(out, "rollup detailed\n");
	assert_int_equal(run(cmd_downstream, false, "downstream", "rollup",
	    "summary", NULL), EXIT_OK);
	assert_string_equal(out, "rollup summary\n");
	expect_stored(SETTING_ROLLUP, "summary");
	assert_int_equal(run(cmd_downstream, true, "downstream", "rollup",
	    NULL), EXIT_OK);
	assert_non_null(strstr(out, "\"rollup\": \"summary\""));
	assert_non_null(strstr(out, "\"do_detailed_rollup\": false"));
	/* only the two words are written */
	assert_int_equal(run(cmd_downstream, false, "downstream", "rollup",
	    "Detailed", NULL), EXIT_USAGE);
	assert_non_null(strstr(err, "rollup: detailed or summary"));
	expect_stored(SETTING_ROLLUP, "summary");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(store_setting_set(ctl.store, SETTING_ROLLUP,
		    cases[i].stored), STORE_OK);
		assert_int_equal(run(cmd_downstream, false, "downstream",
		    "rollup", NULL), EXIT_OK);
		snprintf(want, sizeof(want), "rollup %s\n", cases[i].shown);
		if (strcmp(out, want) != 0)
			fail_msg("\"%s\": %s", cases[i].stored, out);
		assert_int_equal(strstr(err, "using the default") != NULL,
		    cases[i].warns);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_report_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(t_report_refused_args, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(t_report_refused_stored, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(t_rollup, setup, teardown),
	};

	log_init("wsusctl", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
