/*
 * test_store_settings.c — the settings registry (store/settings.h):
 * every SETTING_* key is registered, defaults when absent, bounds, bad
 * stored values (default + STORE_INVALID), the validating set, and the
 * store's own readers (targeting mode, event retention) going through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_test.h"

static void
test_registry(void **state)
{
	static const char *const keys[] = {
		SETTING_SERVER_ID, SETTING_COOKIE_KEY, SETTING_CREATED,
		SETTING_CLIENT_CONFIG, SETTING_TARGETING_MODE,
		SETTING_EVENTS_PER_COMPUTER, SETTING_EVENT_RETENTION_DAYS,
		SETTING_ROLLUP, SETTING_ROLLUP_RESET, SETTING_WSUSSS_ALLOW,
		SETTING_WSUSSS_BATCH, SETTING_WSUSSS_LANGUAGES,
		SETTING_WSUSSS_COMPRESS, SETTING_SYNC_CLIENT_CERT,
		SETTING_SYNC_CLIENT_KEY, SETTING_SYNC_CREDENTIAL,
		SETTING_CONTENT_WINDOW,
	};
	size_t i, j;

	(void)state;
	assert_int_equal(store_settings_count, sizeof(keys) / sizeof(keys[0]));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct store_setting_def *d = store_setting_find(keys[i]);

		assert_non_null(d);
		assert_string_equal(d->key, keys[i]);
		assert_non_null(d->what);
		/* A default, when there is one, passes its own check. */
		if (d->def != NULL && d->def[0] != '\0')
			assert_int_equal(store_setting_check(d->key, d->def,
			    NULL, 0), 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(keys[i], keys[j]);
	}
	assert_null(store_setting_find("no_such_setting"));
	assert_null(store_setting_find(NULL));
	/* The key text stays what it was before the registry. */
	assert_string_equal(SETTING_TARGETING_MODE, "targeting_mode");
	/* The sync state is no setting any more (store/sync_state.h). */
	assert_null(store_setting_find("sync_deployments"));
	assert_null(store_setting_find("sync_update_anchor"));
	assert_string_equal(SETTING_WSUSSS_COMPRESS, "upstream_compress");
	/* this server's credential towards its upstream: 64 hex digits */
	assert_int_not_equal(store_setting_check(SETTING_SYNC_CREDENTIAL,
	    "abc", NULL, 0), 0);
	assert_int_equal(store_setting_check(SETTING_SYNC_CREDENTIAL,
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    NULL, 0), 0);
	assert_string_equal(SETTING_CONTENT_WINDOW, "content_window");
	/* at most "HH:MM-HH:MM" */
	assert_int_equal(store_setting_check(SETTING_CONTENT_WINDOW,
	    "01:00-02:00", NULL, 0), 0);
	assert_int_not_equal(store_setting_check(SETTING_CONTENT_WINDOW,
	    "01:00-02:00x", NULL, 0), 0);
}

static void
test_check(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(store_setting_check(SETTING_EVENTS_PER_COMPUTER,
	    "0", err, sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_EVENTS_PER_COMPUTER,
	    "100000", err, sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_EVENTS_PER_COMPUTER,
	    "100001", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "events_per_computer"));
	assert_int_equal(store_setting_check(SETTING_EVENTS_PER_COMPUTER,
	    "-1", err, sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_EVENTS_PER_COMPUTER,
	    "12x", err, sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_EVENTS_PER_COMPUTER,
	    "", err, sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_WSUSSS_BATCH, "0", err,
	    sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_WSUSSS_BATCH, "1000",
	    err, sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_TARGETING_MODE, "Client",
	    err, sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_TARGETING_MODE, "both",
	    err, sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_ROLLUP, "summary", err,
	    sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_ROLLUP, "off", err,
	    sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_ROLLUP, "maybe", err,
	    sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_SERVER_ID,
	    "0F0E0D0C-0B0A-4908-8706-050403020100", err, sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_SERVER_ID, "0f0e", err,
	    sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_COOKIE_KEY,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    err, sizeof(err)), 0);
	assert_int_equal(store_setting_check(SETTING_COOKIE_KEY,
	    "00112233445566778899aabbccddeeff", err, sizeof(err)), -1);
	assert_int_equal(store_setting_check(SETTING_COOKIE_KEY,
	    "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    err, sizeof(err)), -1);
	assert_int_equal(store_setting_check("no_such_setting", "1", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not registered"));
}

static void
test_parse(void **state)
{
	int64_t n;
	bool b;
	int e;

	(void)state;
	/* Absent or "": the default. */
	assert_int_equal(store_setting_parse_int(SETTING_EVENTS_PER_COMPUTER,
	    NULL, &n, NULL, 0), STORE_OK);
	assert_int_equal(n, EVENTS_PER_COMPUTER_DEFAULT);
	assert_int_equal(store_setting_parse_int(SETTING_EVENT_RETENTION_DAYS,
	    "", &n, NULL, 0), STORE_OK);
	assert_int_equal(n, EVENT_RETENTION_DAYS_DEFAULT);
	/* Refused: the default, and INVALID. */
	assert_int_equal(store_setting_parse_int(SETTING_EVENT_RETENTION_DAYS,
	    "3651", &n, NULL, 0), STORE_INVALID);
	assert_int_equal(n, EVENT_RETENTION_DAYS_DEFAULT);
	assert_int_equal(store_setting_parse_int(SETTING_EVENT_RETENTION_DAYS,
	    "7", &n, NULL, 0), STORE_OK);
	assert_int_equal(n, 7);
	/* Wrong type asked. */
	assert_int_equal(store_setting_parse_int(SETTING_ROLLUP, "1", &n,
	    NULL, 0), STORE_INVALID);
	/* Booleans: rollup's own words and the usual ones. */
	assert_int_equal(store_setting_parse_bool(SETTING_ROLLUP, NULL, &b,
	    NULL, 0), STORE_OK);
	assert_true(b);
	assert_int_equal(store_setting_parse_bool(SETTING_ROLLUP, "SUMMARY",
	    &b, NULL, 0), STORE_OK);
	assert_false(b);
	assert_int_equal(store_setting_parse_bool(SETTING_ROLLUP, "0", &b,
	    NULL, 0), STORE_OK);
	assert_false(b);
	assert_int_equal(store_setting_parse_bool(SETTING_ROLLUP, "huh", &b,
	    NULL, 0), STORE_INVALID);
	assert_true(b);			/* the default, as before */
	assert_int_equal(store_setting_parse_bool(SETTING_WSUSSS_COMPRESS,
	    "no", &b, NULL, 0), STORE_OK);
	assert_false(b);
	assert_int_equal(store_setting_parse_bool(SETTING_WSUSSS_COMPRESS,
	    "Off", &b, NULL, 0), STORE_OK);
	assert_false(b);
	assert_int_equal(store_setting_parse_bool(SETTING_WSUSSS_COMPRESS,
	    NULL, &b, NULL, 0), STORE_OK);
	assert_true(b);
	/* Enums. */
	assert_int_equal(store_setting_parse_enum(SETTING_TARGETING_MODE,
	    "CLIENT", &e, NULL, 0), STORE_OK);
	assert_int_equal(e, TARGETING_CLIENT);
	assert_int_equal(store_setting_parse_enum(SETTING_TARGETING_MODE,
	    "other", &e, NULL, 0), STORE_INVALID);
	assert_int_equal(e, TARGETING_SERVER);
}

static void
test_store_accessors(void **state)
{
	struct tdb t;
	struct store *st;
	enum targeting_mode m;
	int64_t n;
	bool b;
	int e;
	char *s;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	/* Absent: defaults; no default: NOTFOUND. */
	assert_int_equal(store_setting_int(st, SETTING_WSUSSS_BATCH, &n),
	    STORE_OK);
	assert_int_equal(n, SETTING_WSUSSS_BATCH_DEFAULT);
	assert_int_equal(store_setting_bool(st, SETTING_ROLLUP, &b), STORE_OK);
	assert_true(b);
	assert_int_equal(store_setting_enum(st, SETTING_TARGETING_MODE, &e),
	    STORE_OK);
	assert_int_equal(e, 0);
	assert_int_equal(store_setting_str(st, SETTING_SERVER_ID, &s),
	    STORE_NOTFOUND);
	assert_null(s);

	/* The validating set refuses what the registry refuses. */
	assert_int_equal(store_setting_set_checked(st, SETTING_WSUSSS_BATCH,
	    "1001"), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "upstream_batch"));
	assert_int_equal(store_setting_set_checked(st, "unknown_key", "1"),
	    STORE_INVALID);
	assert_int_equal(store_setting_set_checked(st, SETTING_WSUSSS_BATCH,
	    "250"), STORE_OK);
	assert_int_equal(store_setting_int(st, SETTING_WSUSSS_BATCH, &n),
	    STORE_OK);
	assert_int_equal(n, 250);
	assert_int_equal(store_setting_set_checked(st, SETTING_SERVER_ID,
	    "0F0E0D0C-0B0A-4908-8706-050403020100"), STORE_OK);
	assert_int_equal(store_setting_str(st, SETTING_SERVER_ID, &s),
	    STORE_OK);
	assert_string_equal(s, "0F0E0D0C-0B0A-4908-8706-050403020100");
	free(s);

	/* A bad stored value (raw set): default and INVALID with a reason. */
	assert_int_equal(store_setting_set(st, SETTING_WSUSSS_BATCH, "lots"),
	    STORE_OK);
	assert_int_equal(store_setting_int(st, SETTING_WSUSSS_BATCH, &n),
	    STORE_INVALID);
	assert_int_equal(n, SETTING_WSUSSS_BATCH_DEFAULT);
	assert_non_null(strstr(store_errmsg(st), "not a number"));
	assert_int_equal(store_setting_set(st, SETTING_TARGETING_MODE,
	    "sideways"), STORE_OK);
	assert_int_equal(store_setting_enum(st, SETTING_TARGETING_MODE, &e),
	    STORE_INVALID);
	assert_int_equal(e, 0);
	/* ... and the store's own reader falls back to the default. */
	assert_int_equal(store_targeting_get(st, &m), STORE_OK);
	assert_int_equal(m, TARGETING_SERVER);
	assert_int_equal(store_setting_set(st, SETTING_TARGETING_MODE,
	    "Client"), STORE_OK);
	assert_int_equal(store_targeting_get(st, &m), STORE_OK);
	assert_int_equal(m, TARGETING_CLIENT);
	assert_int_equal(store_setting_str(st, SETTING_COOKIE_KEY, &s),
	    STORE_NOTFOUND);
	assert_int_equal(store_setting_set(st, SETTING_COOKIE_KEY, "abc"),
	    STORE_OK);
	assert_int_equal(store_setting_str(st, SETTING_COOKIE_KEY, &s),
	    STORE_INVALID);
	assert_null(s);
	/* Wrong accessor for the type. */
	assert_int_equal(store_setting_str(st, SETTING_ROLLUP, &s),
	    STORE_INVALID);
	assert_int_equal(store_setting_int(st, SETTING_ROLLUP, &n),
	    STORE_INVALID);

	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_store_accessors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
