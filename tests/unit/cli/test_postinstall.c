/*
 * test_postinstall.c — `wsusctl postinstall` (cli/postinstall.c) in a
 * temporary directory: a first run creates everything; a second run
 * changes nothing (settings, certificate and key bytes and inodes, schema
 * version); half-finished earlier runs are completed without losing data;
 * existing data and settings are kept; overrides and the TLS decision.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cli/postinstall.h"
#include "cli_test.h"
#include "cli/wsusctl.h"
#include "util/fsutil.h"

struct snapshot {
	char	*server_id, *cookie_key, *created;
	char	*cert, *key;	/* file contents */
	ino_t	 cert_ino, key_ino;
	int	 schema;
};

static int
setup(void **state)
{
	(void)state;
	cli_root_make("postinstall");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cli_root_remove();
	return 0;
}

/* A configuration with everything under root; extra is appended. */
static void
make_config(struct wsusctl *ctl, const char *extra)
{
	cli_config(ctl, "wsus.test.example", "test", extra);
}

/*
 * make_config, and its database opened before any postinstall: a new
 * file, as a run stopped after creating it left it.
 */
static struct store *
config_and_new_db(struct wsusctl *ctl)
{
	struct store *st = NULL;
	char err[256];

	make_config(ctl, NULL);
	assert_int_equal(mkdir_p(cli_path("db"), 0750), 0);
	assert_int_equal(store_open(ctl->cfg.database_url, &st, err,
	    sizeof(err)), STORE_OK);
	return st;
}

/*
 * Run postinstall with args (NULL-terminated), --json, stdout captured
 * and parsed.  *out gets the JSON (caller decrefs) when out is non-NULL.
 */
static int
run(struct wsusctl *ctl, json_t **out, ...)
{
	char *argv[16], *text;
	int argc = 0, rc;
	va_list ap;
	json_error_t jerr;

	argv[argc++] = (char *)"postinstall";
	argv[argc++] = (char *)"--json";
	va_start(ap, out);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);

	rc = cli_capture(cmd_postinstall, ctl, argc, argv, &text);
	if (out != NULL) {
		*out = json_loads(text, 0, &jerr);
		if (*out == NULL && rc != EXIT_USAGE)
			fail_msg("bad JSON (%s): %s", jerr.text, text);
	}
	free(text);
	return rc;
}

/* The step of the JSON summary whose item and value match. */
static json_t *
step(json_t *sum, const char *item)
{
	json_t *steps = json_object_get(sum, "steps"), *s;
	size_t i;

	json_array_foreach(steps, i, s) {
		if (strcmp(json_string_value(json_object_get(s, "item")), item) == 0)
			return s;
	}
	fail_msg("no step \"%s\"", item);
	return NULL;
}

static const char *
action(json_t *sum, const char *item)
{
	return json_string_value(json_object_get(step(sum, item), "action"));
}

static char *
slurp(const char *path)
{
	char *t;
	size_t len;

	if (read_file(path, 1 << 20, &t, &len) == -1)
		return NULL;
	return t;
}

static ino_t
inode(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_ino;
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static char *
setting(struct store *st, const char *key)
{
	char *v = NULL;

	if (store_setting_get(st, key, &v) != STORE_OK)
		return NULL;
	return v;
}

static void
take(struct snapshot *s, const char *url, const char *cert, const char *key)
{
	struct store *st;
	char err[256];
	int latest;

	memset(s, 0, sizeof(*s));
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_schema_version(st, &s->schema, &latest), STORE_OK);
	s->server_id = setting(st, SETTING_SERVER_ID);
	s->cookie_key = setting(st, SETTING_COOKIE_KEY);
	s->created = setting(st, SETTING_CREATED);
	store_close(st);
	s->cert = slurp(cert);
	s->key = slurp(key);
	s->cert_ino = s->cert ? inode(cert) : 0;
	s->key_ino = s->key ? inode(key) : 0;
}

static void
snap_free(struct snapshot *s)
{
	free(s->server_id);
	free(s->cookie_key);
	free(s->created);
	free(s->cert);
	free(s->key);
}

static void
same(const struct snapshot *a, const struct snapshot *b)
{
	assert_string_equal(a->server_id, b->server_id);
	assert_string_equal(a->cookie_key, b->cookie_key);
	assert_string_equal(a->created, b->created);
	assert_string_equal(a->cert, b->cert);
	assert_string_equal(a->key, b->key);
	assert_true(a->cert_ino == b->cert_ino);
	assert_true(a->key_ino == b->key_ino);
	assert_int_equal(a->schema, b->schema);
}

/* The certificate is self-signed for name, has 127.0.0.1, matches key. */
static void
check_cert(const char *cert, const char *key, const char *name)
{
	X509 *x;
	EVP_PKEY *k;
	char err[256], cn[256];
	GENERAL_NAMES *sans;
	bool dns = false, ip = false;

	assert_int_equal(admin_tls_load_cert(cert, &x, err, sizeof(err)), 0);
	assert_int_equal(admin_tls_load_key(key, &k, err, sizeof(err)), 0);
	assert_int_equal(X509_check_private_key(x, k), 1);
	assert_int_equal(X509_get_version(x), 2);
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, cn, sizeof(cn)) > 0);
	assert_string_equal(cn, name);
	/* self-signed: issuer = subject, signature by its own key */
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)), 0);
	assert_int_equal(X509_verify(x, k), 1);
	assert_int_equal(X509_check_host(x, name, 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0), 1);
	/* valid now and for years */
	assert_true(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);
	{
		int days, secs;
		assert_int_equal(ASN1_TIME_diff(&days, &secs, NULL,
		    X509_get0_notAfter(x)), 1);
		assert_true(days > 4 * 365);
	}
	sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	assert_non_null(sans);
	for (int i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		dns |= g->type == GEN_DNS;
		ip |= g->type == GEN_IPADD;
	}
	assert_true(ip);
	GENERAL_NAMES_free(sans);
	(void)dns;
	EVP_PKEY_free(k);
	X509_free(x);
}

static void
test_first_and_second_run(void **state)
{
	struct wsusctl ctl;
	struct snapshot a, b;
	json_t *sum;
	char url[600];
	char cert[512], key[512];

	(void)state;
	snprintf(cert, sizeof(cert), "%s", cli_path("state/tls/wsusd.crt"));
	snprintf(key, sizeof(key), "%s", cli_path("state/tls/wsusd.key"));
	make_config(&ctl, NULL);
	snprintf(url, sizeof(url), "%s", ctl.cfg.database_url);
	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	assert_true(json_is_true(json_object_get(sum, "ok")));
	assert_int_equal(json_integer_value(json_object_get(sum, "failed")), 0);
	assert_string_equal(action(sum, "state directory"), "created");
	assert_string_equal(action(sum, "content directory"), "created");
	assert_string_equal(action(sum, "database"), "created");
	assert_string_equal(action(sum, "database schema"), "migrated");
	assert_int_equal(json_integer_value(json_object_get(
	    step(sum, "database schema"), "from")), 0);
	assert_string_equal(action(sum, "setting server_id"), "created");
	assert_string_equal(action(sum, "setting cookie_key"), "created");
	/* the secret is never printed */
	assert_null(json_object_get(step(sum, "setting cookie_key"), "value"));
	assert_string_equal(action(sum, "TLS key"), "created");
	assert_string_equal(action(sum, "TLS certificate"), "created");
	json_decref(sum);
	cli_ctl_done(&ctl);

	assert_int_equal(mode_of(cli_path("state")), 0750);
	assert_int_equal(mode_of(cli_path("content")), 0750);
	assert_int_equal(mode_of(cli_path("db")), 0750);
	assert_int_equal(mode_of(key), 0600);
	check_cert(cert, key, "wsus.test.example");

	take(&a, url, cert, key);
	assert_true(admin_guid_valid(a.server_id));
	assert_true(admin_hexkey_valid(a.cookie_key, 32));
	assert_non_null(a.created);
	assert_int_equal(strlen(a.created), 20);	/* 2024-01-02T03:04:05Z */
	assert_true(a.schema >= 1);

	/* second run: nothing changes */
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	assert_int_equal(json_integer_value(json_object_get(sum, "changed")), 0);
	assert_string_equal(action(sum, "state directory"), "kept");
	assert_string_equal(action(sum, "database"), "kept");
	assert_string_equal(action(sum, "database schema"), "kept");
	assert_string_equal(action(sum, "setting server_id"), "kept");
	assert_string_equal(action(sum, "setting cookie_key"), "kept");
	assert_string_equal(action(sum, "setting created"), "kept");
	assert_string_equal(action(sum, "TLS key"), "kept");
	assert_string_equal(action(sum, "TLS certificate"), "kept");
	json_decref(sum);
	cli_ctl_done(&ctl);
	take(&b, url, cert, key);
	same(&a, &b);
	snap_free(&b);

	/* the database (it holds the cookie key) is 0600; files an older
	 * wsusd left 0644 are tightened, and only they */
	assert_int_equal(mode_of(cli_path("db/wsusd.db")), 0600);
	assert_int_equal(chmod(cli_path("db/wsusd.db"), 0644), 0);
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	/* and the -wal and -shm SQLite made with the database's mode */
	assert_int_equal(json_integer_value(json_object_get(sum, "changed")), 3);
	assert_string_equal(action(sum, "database file mode"), "secured");
	assert_string_equal(json_string_value(json_object_get(step(sum,
	    "database file mode"), "detail")), "(mode 0600, was 0644)");
	json_decref(sum);
	cli_ctl_done(&ctl);
	assert_int_equal(mode_of(cli_path("db/wsusd.db")), 0600);

	/* the same through the text output path */
	make_config(&ctl, NULL);
	ctl.quiet = false;
	{
		char *argv[] = { (char *)"postinstall", NULL };
		assert_int_equal(cmd_postinstall(&ctl, 1, argv), EXIT_OK);
	}
	cli_ctl_done(&ctl);
	take(&b, url, cert, key);
	same(&a, &b);
	snap_free(&b);
	snap_free(&a);
}

static void
test_half_finished_tls(void **state)
{
	struct wsusctl ctl;
	struct snapshot a, b;
	json_t *sum;
	char url[600], *oldcert;
	char cert[512], key[512];

	(void)state;
	snprintf(cert, sizeof(cert), "%s", cli_path("state/tls/wsusd.crt"));
	snprintf(key, sizeof(key), "%s", cli_path("state/tls/wsusd.key"));
	make_config(&ctl, NULL);
	snprintf(url, sizeof(url), "%s", ctl.cfg.database_url);
	assert_int_equal(run(&ctl, NULL, NULL), EXIT_OK);
	cli_ctl_done(&ctl);
	take(&a, url, cert, key);

	/* key written, certificate missing: a certificate for that key */
	assert_int_equal(unlink(cert), 0);
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	assert_string_equal(action(sum, "TLS key"), "kept");
	assert_string_equal(action(sum, "TLS certificate"), "created");
	json_decref(sum);
	cli_ctl_done(&ctl);
	take(&b, url, cert, key);
	assert_string_equal(a.key, b.key);
	assert_true(a.key_ino == b.key_ino);
	assert_string_equal(a.server_id, b.server_id);
	assert_string_equal(a.cookie_key, b.cookie_key);
	check_cert(cert, key, "wsus.test.example");
	snap_free(&b);

	/* certificate without its key: an error, the certificate stays */
	oldcert = slurp(cert);
	assert_int_equal(unlink(key), 0);
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, &sum, NULL), EXIT_FAIL);
	assert_true(json_is_false(json_object_get(sum, "ok")));
	assert_string_equal(action(sum, "TLS certificate"), "failed");
	/* the other steps were still done (and changed nothing) */
	assert_string_equal(action(sum, "setting server_id"), "kept");
	json_decref(sum);
	cli_ctl_done(&ctl);
	assert_int_equal(access(key, F_OK), -1);
	{
		char *now = slurp(cert);
		assert_string_equal(now, oldcert);
		free(now);
	}
	free(oldcert);

	/* an unreadable key is not replaced either */
	assert_int_equal(unlink(cert), 0);
	assert_int_equal(write_file_atomic(key, "garbage\n", 8, 0600), 0);
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, NULL, NULL), EXIT_FAIL);
	cli_ctl_done(&ctl);
	{
		char *now = slurp(key);
		assert_string_equal(now, "garbage\n");
		free(now);
	}
	assert_int_equal(access(cert, F_OK), -1);
	snap_free(&a);
}

static void
test_half_finished_database(void **state)
{
	struct wsusctl ctl;
	struct store *st;
	json_t *sum;
	char err[256], *v;
	int cur, latest;
	int64_t gid = 0;
	static const char fixed_id[] = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

	(void)state;
	/* an empty database file (schema version 0): an earlier run stopped
	 * right after creating it */
	st = config_and_new_db(&ctl);
	assert_int_equal(store_schema_version(st, &cur, &latest), STORE_OK);
	assert_int_equal(cur, 0);
	store_close(st);
	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	assert_string_equal(action(sum, "database"), "kept");
	assert_string_equal(action(sum, "database schema"), "migrated");
	assert_int_equal(json_integer_value(json_object_get(
	    step(sum, "database schema"), "to")), latest);
	json_decref(sum);
	cli_ctl_done(&ctl);

	/* migrated, one setting and some data there, the rest missing */
	teardown(NULL);
	setup(NULL);
	st = config_and_new_db(&ctl);
	assert_int_equal(store_migrate(st, &cur, &latest), STORE_OK);
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, fixed_id),
	    STORE_OK);
	assert_int_equal(store_group_create(st, "Kept Group", 0, &gid), STORE_OK);
	store_close(st);

	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	assert_string_equal(action(sum, "database schema"), "kept");
	assert_string_equal(action(sum, "setting server_id"), "kept");
	assert_string_equal(json_string_value(json_object_get(
	    step(sum, "setting server_id"), "value")), fixed_id);
	assert_string_equal(action(sum, "setting cookie_key"), "created");
	assert_string_equal(action(sum, "setting created"), "created");
	json_decref(sum);
	cli_ctl_done(&ctl);

	make_config(&ctl, NULL);
	assert_int_equal(store_open(ctl.cfg.database_url, &st, err, sizeof(err)),
	    STORE_OK);
	v = setting(st, SETTING_SERVER_ID);
	assert_string_equal(v, fixed_id);
	free(v);
	{
		int64_t found = 0;
		assert_int_equal(store_group_find(st, "Kept Group", &found),
		    STORE_OK);
		assert_true(found == gid);
	}
	store_close(st);
	cli_ctl_done(&ctl);
}

static void
test_overrides(void **state)
{
	struct wsusctl ctl;
	json_t *sum;
	char cd[512], db[600], cd2[512];

	(void)state;
	snprintf(cd, sizeof(cd), "--content-dir=%s", cli_path("other/content"));
	snprintf(db, sizeof(db), "sqlite://%s", cli_path("other/x.db"));
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, &sum, cd, "--database", db, "--server-name",
	    "other.example", NULL), EXIT_OK);
	json_decref(sum);
	cli_ctl_done(&ctl);
	assert_int_equal(access(cli_path("other/content"), F_OK), 0);
	assert_int_equal(access(cli_path("other/x.db"), F_OK), 0);
	assert_int_equal(access(cli_path("content"), F_OK), -1);
	assert_int_equal(access(cli_path("db/wsusd.db"), F_OK), -1);
	check_cert(cli_path("state/tls/wsusd.crt"),
	    cli_path("state/tls/wsusd.key"), "other.example");

	/* wsusutil's spelling */
	snprintf(cd2, sizeof(cd2), "CONTENT_DIR=%s", cli_path("third"));
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, NULL, cd2, NULL), EXIT_OK);
	cli_ctl_done(&ctl);
	assert_int_equal(access(cli_path("third"), F_OK), 0);
}

static void
test_usage_errors(void **state)
{
	struct wsusctl ctl;

	(void)state;
	make_config(&ctl, NULL);
	assert_int_equal(run(&ctl, NULL, "--content-dir", "relative/dir", NULL),
	    EXIT_USAGE);
	assert_int_equal(run(&ctl, NULL, "--database", "mysql://x", NULL),
	    EXIT_USAGE);
	assert_int_equal(run(&ctl, NULL, "--server-name", "bad name", NULL),
	    EXIT_USAGE);
	assert_int_equal(run(&ctl, NULL, "--bogus", NULL), EXIT_USAGE);
	assert_int_equal(run(&ctl, NULL, "--database", NULL), EXIT_USAGE);
	assert_int_equal(run(&ctl, NULL, "stray", NULL), EXIT_USAGE);
	assert_int_equal(run(&ctl, NULL, "--help", NULL), EXIT_OK);
	cli_ctl_done(&ctl);
	/* nothing was created by any of these */
	assert_int_equal(access(cli_path("state"), F_OK), -1);
	assert_int_equal(access(cli_path("db"), F_OK), -1);
}

static void
test_tls_decision(void **state)
{
	struct wsusctl ctl;
	char extra[1024];

	(void)state;
	/* a certificate path of one's own that no TLS listener uses: left
	 * alone */
	snprintf(extra, sizeof(extra), "tls_certificate = %s\ntls_key = %s\n"
	    "[listener http]\nport = 8530\n", cli_path("mine/c.pem"),
	    cli_path("mine/k.pem"));
	make_config(&ctl, extra);
	assert_int_equal(run(&ctl, NULL, NULL), EXIT_OK);
	cli_ctl_done(&ctl);
	assert_int_equal(access(cli_path("mine/c.pem"), F_OK), -1);
	assert_int_equal(access(cli_path("state/tls/wsusd.crt"), F_OK), -1);

	/* the same with a TLS listener: created */
	snprintf(extra, sizeof(extra), "tls_certificate = %s\ntls_key = %s\n"
	    "[listener https]\ntls = yes\n", cli_path("mine/c.pem"),
	    cli_path("mine/k.pem"));
	make_config(&ctl, extra);
	assert_int_equal(run(&ctl, NULL, NULL), EXIT_OK);
	cli_ctl_done(&ctl);
	check_cert(cli_path("mine/c.pem"), cli_path("mine/k.pem"),
	    "wsus.test.example");

	/* a listener with a pair of its own, plus the default pair */
	snprintf(extra, sizeof(extra), "[listener a]\ntls = yes\n"
	    "tls_certificate = %s\ntls_key = %s\n[listener b]\nport = 80\n",
	    cli_path("l/c.pem"), cli_path("l/k.pem"));
	make_config(&ctl, extra);
	assert_int_equal(run(&ctl, NULL, NULL), EXIT_OK);
	cli_ctl_done(&ctl);
	check_cert(cli_path("l/c.pem"), cli_path("l/k.pem"),
	    "wsus.test.example");
	check_cert(cli_path("state/tls/wsusd.crt"),
	    cli_path("state/tls/wsusd.key"), "wsus.test.example");
}

/* A setting already there that the registry (store/settings.h) refuses
 * is kept as it is, with a warning, and not shown as a value. */
static void
test_kept_malformed(void **state)
{
	struct wsusctl ctl;
	struct store *st;
	json_t *sum;
	char err[256], *v;
	int cur, latest;

	(void)state;
	st = config_and_new_db(&ctl);
	assert_int_equal(store_migrate(st, &cur, &latest), STORE_OK);
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, "not-a-guid"),
	    STORE_OK);
	store_close(st);

	assert_int_equal(run(&ctl, &sum, NULL), EXIT_OK);
	assert_string_equal(action(sum, "setting server_id"), "kept");
	assert_null(json_object_get(step(sum, "setting server_id"), "value"));
	assert_string_equal(action(sum, "setting cookie_key"), "created");
	json_decref(sum);
	cli_ctl_done(&ctl);

	make_config(&ctl, NULL);
	assert_int_equal(store_open(ctl.cfg.database_url, &st, err, sizeof(err)),
	    STORE_OK);
	v = setting(st, SETTING_SERVER_ID);
	assert_string_equal(v, "not-a-guid");
	free(v);
	store_close(st);
	cli_ctl_done(&ctl);
}

static void
test_setting_formats(void **state)
{
	(void)state;
	assert_true(admin_guid_valid("a0a08746-4dbe-4a37-9adf-9e7652c0b421"));
	assert_true(admin_guid_valid("A0A08746-4DBE-4A37-9ADF-9E7652C0B421"));
	assert_false(admin_guid_valid("a0a08746-4dbe-4a37-9adf-9e7652c0b42"));
	assert_false(admin_guid_valid("a0a08746x4dbe-4a37-9adf-9e7652c0b421"));
	assert_false(admin_guid_valid("g0a08746-4dbe-4a37-9adf-9e7652c0b421"));
	assert_false(admin_guid_valid(NULL));
	assert_true(admin_hexkey_valid("00112233445566778899aabbccddeeff"
	    "00112233445566778899AABBCCDDEEFF", 32));
	assert_false(admin_hexkey_valid("0011", 32));
	assert_false(admin_hexkey_valid("zz112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff", 32));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_and_second_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_finished_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_finished_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_decision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_malformed, setup,
		    teardown),
		cmocka_unit_test(test_setting_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
