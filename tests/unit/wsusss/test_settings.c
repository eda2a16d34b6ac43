/*
 * test_settings.c — the store settings the MS-WSUSSS operations read
 * (src/wsusss/common.c: ws_batch, ws_compress_ok, ws_languages,
 * ws_allow_list) and the service host's server_id / cookie_key (the
 * readiness check of src/service/host.c), all read through the settings
 * registry (store/settings.h): absent gives the default, a stored value
 * the registry refuses gives the default with a warning in the log, and
 * a refused allow-list or identity is an error.  Runs on an in-memory
 * store; no HTTP.
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

#include "store/settings.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

#define SID	"0F0E0D0C-0B0A-0908-0706-050403020100"
#define KEY	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"

static struct store *st;
static char logfile[64];
static int saved_err = -1;

static int
setup(void **state)
{
	char err[256];
	int from, to;

	(void)state;
	assert_int_equal(store_open("sqlite::memory:", &st, err, sizeof(err)),
	    STORE_OK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_close(st);
	st = NULL;
	return 0;
}

/* Send stderr (the log) to a file until log_end(). */
static void
log_begin(void)
{
	int fd;

	snprintf(logfile, sizeof(logfile), "/tmp/wsusss-settings-XXXXXX");
	fd = mkstemp(logfile);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_err = dup(STDERR_FILENO);
	assert_true(saved_err >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* Restore stderr; what was logged meanwhile (caller frees). */
static char *
log_end(void)
{
	FILE *fp;
	char *text = xcalloc(1, 8192);
	size_t n;

	fflush(stderr);
	dup2(saved_err, STDERR_FILENO);
	close(saved_err);
	saved_err = -1;
	assert_non_null(fp = fopen(logfile, "r"));
	n = fread(text, 1, 8191, fp);
	text[n] = '\0';
	fclose(fp);
	unlink(logfile);
	return text;
}

static void
set(const char *key, const char *value)
{
	assert_int_equal(store_setting_set(st, key, value), STORE_OK);
}

/* A string of n copies of c. */
static char *
filled(size_t n, char c)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
t_batch(void **state)
{
	static const char *const refused[] = { "0", "1001", "5000", "-3",
	    "lots", "12x", " 7", NULL };
	char *log;

	(void)state;
	log_begin();
	assert_int_equal(ws_batch(st), SETTING_WSUSSS_BATCH_DEFAULT);
	set(SETTING_WSUSSS_BATCH, "");
	assert_int_equal(ws_batch(st), SETTING_WSUSSS_BATCH_DEFAULT);
	set(SETTING_WSUSSS_BATCH, "250");
	assert_int_equal(ws_batch(st), 250);
	set(SETTING_WSUSSS_BATCH, "1");
	assert_int_equal(ws_batch(st), 1);
	set(SETTING_WSUSSS_BATCH, "1000");
	assert_int_equal(ws_batch(st), SETTING_WSUSSS_BATCH_MAX);
	log = log_end();
	/* nothing to warn about so far */
	assert_null(strstr(log, "upstream_batch"));
	free(log);

	for (size_t i = 0; refused[i] != NULL; i++) {
		set(SETTING_WSUSSS_BATCH, refused[i]);
		log_begin();
		assert_int_equal(ws_batch(st), SETTING_WSUSSS_BATCH_DEFAULT);
		log = log_end();
		if (strstr(log, "upstream_batch") == NULL ||
		    strstr(log, "using the default") == NULL)
			fail_msg("no warning for \"%s\": %s", refused[i], log);
		free(log);
	}
}

static void
t_compress(void **state)
{
	static const char *const no[] = { "no", "NO", "false", "0", "off",
	    "Off", NULL };
	static const char *const yes[] = { "yes", "true", "1", "on", "", NULL };
	char *log;

	(void)state;
	assert_true(ws_compress_ok(st));
	for (size_t i = 0; no[i] != NULL; i++) {
		set(SETTING_WSUSSS_COMPRESS, no[i]);
		assert_false(ws_compress_ok(st));
	}
	for (size_t i = 0; yes[i] != NULL; i++) {
		set(SETTING_WSUSSS_COMPRESS, yes[i]);
		assert_true(ws_compress_ok(st));
	}
	/* anything else: the default (yes), as before, now with a warning */
	set(SETTING_WSUSSS_COMPRESS, "maybe");
	log_begin();
	assert_true(ws_compress_ok(st));
	log = log_end();
	assert_non_null(strstr(log, "upstream_compress"));
	free(log);
}

static void
t_languages(void **state)
{
	char *v, *big, *log;

	(void)state;
	assert_null(ws_languages(st));
	set(SETTING_WSUSSS_LANGUAGES, "en,de");
	assert_non_null(v = ws_languages(st));
	assert_string_equal(v, "en,de");
	free(v);
	set(SETTING_WSUSSS_LANGUAGES, "all");
	assert_non_null(v = ws_languages(st));
	assert_string_equal(v, "all");
	free(v);
	/* longer than the registry's 4096 bytes: none, with a warning */
	big = filled(4097, 'x');
	set(SETTING_WSUSSS_LANGUAGES, big);
	free(big);
	log_begin();
	assert_null(ws_languages(st));
	log = log_end();
	assert_non_null(strstr(log, "upstream_languages"));
	free(log);
}

static void
t_allow_list(void **state)
{
	struct config cfg;
	struct svc_host *host;
	struct svc_call c;
	char *list = NULL, err[160], *big;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(&c, 0, sizeof(c));
	assert_non_null(host = svc_host_new(&cfg, err, sizeof(err)));
	c.host = host;

	/* absent: no list (every peer allowed) */
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), 0);
	assert_true(list == NULL || list[0] == '\0');
	assert_int_equal(wsusss_allow_check(list, "10.1.2.3", err,
	    sizeof(err)), 1);
	free(list);

	set(SETTING_WSUSSS_ALLOW, "10.0.0.0/8, 2001:db8::/32");
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), 0);
	assert_string_equal(list, "10.0.0.0/8, 2001:db8::/32");
	free(list);

	/* wsusd.conf [server] upstream_allow wins over the setting; the
	 * host took it at creation (a later change of cfg is not seen) */
	svc_host_free(host);
	cfg.upstream_allow = (char *)"192.0.2.1";
	assert_non_null(host = svc_host_new(&cfg, err, sizeof(err)));
	c.host = host;
	cfg.upstream_allow = (char *)"198.51.100.1";
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), 0);
	assert_string_equal(list, "192.0.2.1");
	free(list);
	cfg.upstream_allow = NULL;
	/* a reload replaces it; the copy a call holds stays valid */
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), 0);
	svc_host_set_upstream_allow(host, "203.0.113.0/24");
	assert_string_equal(list, "192.0.2.1");
	free(list);
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), 0);
	assert_string_equal(list, "203.0.113.0/24");
	free(list);
	/* a reload of a file without it: the store setting again */
	svc_host_set_upstream_allow(host, NULL);
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), 0);
	assert_string_equal(list, "10.0.0.0/8, 2001:db8::/32");
	free(list);

	/* a list the registry refuses (too long) is an error, not "none":
	 * the caller refuses every peer */
	big = filled(4097, '1');
	set(SETTING_WSUSSS_ALLOW, big);
	free(big);
	list = (char *)"untouched";
	assert_int_equal(ws_allow_list(&c, st, &list, err, sizeof(err)), -1);
	assert_null(list);
	assert_non_null(strstr(err, "4096"));
	assert_null(strstr(err, "setting upstream_allow"));
	svc_host_free(host);
}

/* The host's readiness reads server_id and cookie_key through the
 * registry: missing or malformed, the host stays not ready. */
static void
t_host_identity(void **state)
{
	struct config cfg;
	struct svc_host *h;
	char err[512];

	(void)state;
	config_defaults(&cfg);
	assert_non_null(h = svc_host_new(&cfg, err, sizeof(err)));
	assert_int_equal(svc_host_init_from(h, st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "setting server_id is missing or not a "
	    "GUID"));

	set(SETTING_SERVER_ID, "not-a-guid");
	set(SETTING_COOKIE_KEY, KEY);
	assert_int_equal(svc_host_init_from(h, st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "server_id is missing or not a GUID"));

	set(SETTING_SERVER_ID, SID);
	set(SETTING_COOKIE_KEY, "0001");
	assert_int_equal(svc_host_init_from(h, st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cookie_key is missing or not 64 hex "
	    "digits"));
	set(SETTING_COOKIE_KEY, "zz0102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f");
	assert_int_equal(svc_host_init_from(h, st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not 64 hex digits"));
	assert_false(svc_host_ready(h));

	set(SETTING_COOKIE_KEY, KEY);
	assert_int_equal(svc_host_init_from(h, st, err, sizeof(err)), 0);
	assert_true(svc_host_ready(h));
	assert_string_equal(h->server_id,
	    "0f0e0d0c-0b0a-0908-0706-050403020100");
	svc_host_free(h);
	config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(t_compress, setup, teardown),
		cmocka_unit_test_setup_teardown(t_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(t_allow_list, setup, teardown),
		cmocka_unit_test_setup_teardown(t_host_identity, setup,
		    teardown),
	};

	log_init("test_wsusss_settings", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
