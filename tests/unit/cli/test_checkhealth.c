/*
 * test_checkhealth.c — `wsusctl checkhealth` (cli/checkhealth.c): a
 * server set up by postinstall is healthy (exit 0); each broken item
 * (database missing or old, settings malformed, directories missing or
 * world-writable, TLS certificate missing, mismatched, expired, expiring,
 * key readable by all, approved content missing) is reported with the
 * right status and exit 1 for every FAIL.  checkhealth changes nothing.
 * checkhealth --content hashes content files, and `wsusctl content verify
 * [--repair]` (cli/cmd_content.c) finds and quarantines a damaged one.
 */
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
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "cli/postinstall.h"
#include "cli_test.h"
#include "cli/wsusctl.h"
#include "content/content_store.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

static int
setup(void **state)
{
	(void)state;
	cli_root_make("checkhealth");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	chmod(cli_root, 0700);
	cli_root_remove();
	return 0;
}

static const char tls_listeners[] =
    "[listener http]\nport = 8530\n[listener https]\ntls = yes\n";

static void
make_config(struct wsusctl *ctl, const char *extra)
{
	cli_config(ctl, "health.test.example", "test.conf",
	    extra ? extra : tls_listeners);
	ctl->cfg.path = xstrdup("test.conf");
}

static void
postinstall(const char *extra)
{
	struct wsusctl ctl;
	char *argv[] = { (char *)"postinstall", (char *)"-q", NULL };

	make_config(&ctl, extra);
	fflush(stdout);
	assert_int_equal(cmd_postinstall(&ctl, 2, argv), EXIT_OK);
	cli_ctl_done(&ctl);
}

static bool hash_content;	/* check() runs checkhealth --content */

/* Run checkhealth --json; *out gets the parsed output. */
static int
check(const char *extra, json_t **out)
{
	struct wsusctl ctl;
	char *argv[] = { (char *)"checkhealth", (char *)"--json",
	    (char *)"--content", NULL };
	char *text;
	int rc;
	json_error_t jerr;

	make_config(&ctl, extra);
	rc = cli_capture(cmd_checkhealth, &ctl, hash_content ? 3 : 2, argv,
	    &text);
	cli_ctl_done(&ctl);

	*out = json_loads(text, 0, &jerr);
	if (*out == NULL)
		fail_msg("bad JSON (%s): %s", jerr.text, text);
	free(text);
	/* the status agrees with the exit status */
	assert_int_equal(rc, json_integer_value(json_object_get(*out, "fail"))
	    ? EXIT_FAIL : EXIT_OK);
	return rc;
}

/* The check named name; NULL if absent. */
static json_t *
check_named(json_t *o, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(o, "checks"), i, c) {
		if (strcmp(json_string_value(json_object_get(c, "check")),
		    name) == 0)
			return c;
	}
	return NULL;
}

/* Status ("ok", "warn", "fail") of the check named name; NULL if absent. */
static const char *
status(json_t *o, const char *name)
{
	json_t *c = check_named(o, name);

	return c != NULL ? json_string_value(json_object_get(c, "status")) :
	    NULL;
}

static const char *
message(json_t *o, const char *name)
{
	json_t *c = check_named(o, name);

	return c != NULL ? json_string_value(json_object_get(c, "message")) :
	    "";
}

static void
expect(const char *extra, int rc, const char *name, const char *st,
    const char *msgpart)
{
	json_t *o;

	if (check(extra, &o) != rc || status(o, name) == NULL || strcmp(status(o, name), st) != 0 ||
	    (msgpart && strstr(message(o, name), msgpart) == NULL)) {
		char *d = json_dumps(o, JSON_INDENT(1));
		fail_msg("want exit %d, %s %s \"%s\" in %s", rc, name, st,
		    msgpart ? msgpart : "", d);
	}
	json_decref(o);
}

static struct store *
open_store(void)
{
	struct store *st;
	char err[256], url[600];

	snprintf(url, sizeof(url), "sqlite://%s", cli_path("db/wsusd.db"));
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	return st;
}

static void
test_healthy(void **state)
{
	json_t *o;

	(void)state;
	postinstall(NULL);
	assert_int_equal(check(NULL, &o), EXIT_OK);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "ok");
	assert_string_equal(status(o, "config"), "ok");
	assert_string_equal(status(o, "database"), "ok");
	assert_string_equal(status(o, "schema"), "ok");
	assert_string_equal(status(o, "setting server_id"), "ok");
	assert_string_equal(status(o, "setting cookie_key"), "ok");
	assert_string_equal(status(o, "content_dir"), "ok");
	assert_string_equal(status(o, "state_dir"), "ok");
	assert_string_equal(status(o, "tls [listener https]"), "ok");
	assert_string_equal(status(o, "content"), "ok");
	assert_int_equal(json_integer_value(json_object_get(o, "fail")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "warn")), 0);
	json_decref(o);

	/* no TLS listener: nothing to check there, still healthy */
	expect("[listener http]\nport = 8530\n", EXIT_OK, "tls", "ok",
	    "no TLS listener");

	/* text output path, and usage errors */
	{
		struct wsusctl ctl;
		char *argv[] = { (char *)"checkhealth", NULL };
		char *bad[] = { (char *)"checkhealth", (char *)"--bogus", NULL };
		char *extra[] = { (char *)"checkhealth", (char *)"x", NULL };
		make_config(&ctl, NULL);
		ctl.quiet = false;
		assert_int_equal(cmd_checkhealth(&ctl, 1, argv), EXIT_OK);
		assert_int_equal(cmd_checkhealth(&ctl, 2, bad), EXIT_USAGE);
		assert_int_equal(cmd_checkhealth(&ctl, 2, extra), EXIT_USAGE);
		cli_ctl_done(&ctl);
	}
}

static void
test_database(void **state)
{
	struct store *st;
	int cur, latest;

	(void)state;
	/* nothing set up at all: fails, and creates nothing */
	expect(NULL, EXIT_FAIL, "database", "fail", "run wsusctl postinstall");
	assert_int_equal(access(cli_path("db/wsusd.db"), F_OK), -1);
	assert_int_equal(access(cli_path("db"), F_OK), -1);
	expect(NULL, EXIT_FAIL, "content_dir", "fail", "No such file");
	expect(NULL, EXIT_FAIL, "state_dir", "fail", "No such file");
	expect(NULL, EXIT_FAIL, "tls [listener https]", "fail", "postinstall");

	/* an empty database: schema too old */
	assert_int_equal(mkdir_p(cli_path("db"), 0750), 0);
	st = open_store();
	store_close(st);
	expect(NULL, EXIT_FAIL, "schema", "fail", "run wsusctl postinstall");
	st = open_store();
	assert_int_equal(store_schema_version(st, &cur, &latest), STORE_OK);
	assert_int_equal(cur, 0);	/* checkhealth did not migrate */
	store_close(st);

	/* the database path is a directory */
	teardown(NULL);
	setup(NULL);
	assert_int_equal(mkdir_p(cli_path("db/wsusd.db"), 0750), 0);
	expect(NULL, EXIT_FAIL, "database", "fail", "not a file");
}

static void
test_settings(void **state)
{
	struct store *st;

	(void)state;
	postinstall(NULL);
	st = open_store();
	assert_int_equal(store_setting_set(st, SETTING_COOKIE_KEY, "abc"), STORE_OK);
	store_close(st);
	expect(NULL, EXIT_FAIL, "setting cookie_key", "fail", "64 hex");

	st = open_store();
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, "not-a-guid"),
	    STORE_OK);
	store_close(st);
	expect(NULL, EXIT_FAIL, "setting server_id", "fail", "not a GUID");
}

/* The settings are read through the registry (store/settings.h), with
 * checkhealth's own words for what is wrong. */
static void
test_settings_registry(void **state)
{
	struct store *st;

	(void)state;
	postinstall(NULL);
	st = open_store();
	/* 64 characters, not all hex digits */
	assert_int_equal(store_setting_set(st, SETTING_COOKIE_KEY,
	    "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
	    STORE_OK);
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID,
	    "0F0E0D0C-0B0A-0908-0706-050403020100"), STORE_OK);
	store_close(st);
	expect(NULL, EXIT_FAIL, "setting cookie_key", "fail",
	    "not 64 hex digits");
	/* any case is a GUID */
	expect(NULL, EXIT_FAIL, "setting server_id", "ok",
	    "0F0E0D0C-0B0A-0908-0706-050403020100");

	/* stored empty: as missing */
	st = open_store();
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, ""),
	    STORE_OK);
	assert_int_equal(store_setting_set(st, SETTING_COOKIE_KEY,
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
	    STORE_OK);
	store_close(st);
	expect(NULL, EXIT_FAIL, "setting server_id", "fail",
	    "missing (run wsusctl postinstall)");
	expect(NULL, EXIT_FAIL, "setting cookie_key", "ok",
	    "present, 256 bits");
}

static void
test_directories(void **state)
{
	(void)state;
	postinstall(NULL);
	assert_int_equal(chmod(cli_path("content"), 0777), 0);
	expect(NULL, EXIT_FAIL, "content_dir", "fail", "world-writable");
	assert_int_equal(chmod(cli_path("content"), 0750), 0);
	assert_int_equal(chmod(cli_path("state"), 0757), 0);
	expect(NULL, EXIT_FAIL, "state_dir", "fail", "world-writable");
	assert_int_equal(chmod(cli_path("state"), 0750), 0);
	assert_int_equal(rmdir(cli_path("content")), 0);
	assert_int_equal(write_file_atomic(cli_path("content"), "x", 1, 0640),
	    0);
	expect(NULL, EXIT_FAIL, "content_dir", "fail", "not a directory");
	assert_int_equal(unlink(cli_path("content")), 0);
	expect(NULL, EXIT_FAIL, "content_dir", "fail", "postinstall");
}

/* A certificate for key valid from now+from_days to now+to_days. */
static void
write_cert(const char *certpath, const char *keypath, long from_days,
    long to_days)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	BIO *b;
	char *data;
	long len;

	assert_non_null(k);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), to_days * 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
	    (const unsigned char *)"t", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, x);
	len = BIO_get_mem_data(b, &data);
	assert_int_equal(write_file_atomic(certpath, data, (size_t)len, 0644), 0);
	BIO_free(b);
	if (keypath != NULL) {
		b = BIO_new(BIO_s_mem());
		PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
		len = BIO_get_mem_data(b, &data);
		assert_int_equal(write_file_atomic(keypath, data, (size_t)len,
		    0600), 0);
		BIO_free(b);
	}
	X509_free(x);
	EVP_PKEY_free(k);
}

static void
test_tls(void **state)
{
	char cert[512], key[512];
	const char *name = "tls [listener https]";

	(void)state;
	snprintf(cert, sizeof(cert), "%s", cli_path("state/tls/wsusd.crt"));
	snprintf(key, sizeof(key), "%s", cli_path("state/tls/wsusd.key"));
	postinstall(NULL);

	/* a certificate for another key */
	write_cert(cert, NULL, -1, 365);
	expect(NULL, EXIT_FAIL, name, "fail", "does not match");
	/* expired */
	write_cert(cert, key, -400, -1);
	expect(NULL, EXIT_FAIL, name, "fail", "expired");
	/* expires in 10 days: a warning only */
	write_cert(cert, key, -300, 10);
	expect(NULL, EXIT_OK, name, "warn", "expires in");
	/* not yet valid */
	write_cert(cert, key, 2, 300);
	expect(NULL, EXIT_OK, name, "warn", "not valid before");
	/* good again */
	write_cert(cert, key, -1, 300);
	expect(NULL, EXIT_OK, name, "ok", "key matches");
	/* key readable by everyone */
	assert_int_equal(chmod(key, 0644), 0);
	expect(NULL, EXIT_FAIL, name, "fail", "everyone");
	assert_int_equal(chmod(key, 0600), 0);
	/* garbage */
	assert_int_equal(write_file_atomic(cert, "junk\n", 5, 0644), 0);
	expect(NULL, EXIT_FAIL, name, "fail", "not a PEM certificate");
	assert_int_equal(unlink(cert), 0);
	expect(NULL, EXIT_FAIL, name, "fail", "postinstall");
	assert_int_equal(access(cert, F_OK), -1);	/* not created */

	/* two listeners sharing one pair: one item naming both */
	write_cert(cert, key, -1, 300);
	expect("[listener a]\ntls = yes\n[listener b]\ntls = yes\nport = 443\n",
	    EXIT_OK, "tls [listener a,b]", "ok", NULL);
}

/*
 * Secrets at rest: the database with its -wal and -shm, and each TLS
 * key: FAIL when everyone may read them, WARN when the group may.
 */
static void
test_secrets(void **state)
{
	char db[512], wal[520], key[512], keyitem[600];
	json_t *o;

	(void)state;
	snprintf(db, sizeof(db), "%s", cli_path("db/wsusd.db"));
	snprintf(wal, sizeof(wal), "%s-wal", db);
	snprintf(key, sizeof(key), "%s", cli_path("state/tls/wsusd.key"));
	snprintf(keyitem, sizeof(keyitem), "secret tls key %s", key);
	postinstall(NULL);
	assert_int_equal(check(NULL, &o), EXIT_OK);
	assert_string_equal(status(o, "secret database"), "ok");
	assert_non_null(strstr(message(o, "secret database"), "(mode 0600, "
	    "uid "));
	assert_string_equal(status(o, keyitem), "ok");
	json_decref(o);

	assert_int_equal(chmod(db, 0644), 0);
	expect(NULL, EXIT_FAIL, "secret database", "fail", "wsusd.db is "
	    "readable or writable by everyone (mode 0644; chmod 600 it)");
	assert_int_equal(chmod(db, 0640), 0);
	expect(NULL, EXIT_OK, "secret database", "warn", "wsusd.db is "
	    "readable or writable by its group (mode 0640; chmod 600 it)");
	assert_int_equal(chmod(db, 0600), 0);
	/* a -wal left world-readable (not empty: SQLite itself gives an
	 * empty one the database's mode when it opens it) */
	assert_int_equal(write_file_atomic(wal, "not a WAL header, ignored",
	    25, 0604), 0);
	expect(NULL, EXIT_FAIL, "secret database", "fail", "wsusd.db-wal is "
	    "readable or writable by everyone (mode 0604");
	/* SQLite removed it when checkhealth closed the database */
	assert_int_equal(access(wal, F_OK), -1);
	expect(NULL, EXIT_OK, "secret database", "ok", NULL);

	assert_int_equal(chmod(key, 0640), 0);
	expect(NULL, EXIT_OK, keyitem, "warn", "by its group (mode 0640");
	assert_int_equal(chmod(key, 0600), 0);
	expect(NULL, EXIT_OK, keyitem, "ok", "(mode 0600, uid ");
}

/* One update with one file (SHA-256 when sha256 is non-NULL), approved
 * for All Computers. */
static void
approve_update2(struct store *st, const uint8_t sha1[20],
    const uint8_t *sha256, uint64_t size)
{
	struct update u;
	struct update_doc d;
	struct update_file f;
	int64_t rid, gid, did;
	bool created;
	static const char uid[] = "8c0e3a2b-1d4f-4e5a-9b6c-7d8e9f0a1b2c";

	memset(&u, 0, sizeof(u));
	memset(&d, 0, sizeof(d));
	memset(&f, 0, sizeof(f));
	memcpy(u.id.update_id, uid, sizeof(uid));
	u.id.revision = 100;
	u.type = UPDATE_TYPE_SOFTWARE;
	u.explicitly_deployable = true;
	u.is_public = true;
	u.max_download_size = size;
	f.name = (char *)"windows-kb5000001-x64.cab";
	f.size = size;
	memcpy(f.sha1, sha1, 20);
	if (sha256 != NULL) {
		f.has_sha256 = true;
		memcpy(f.sha256, sha256, 32);
	}
	u.nfiles = 1;
	u.files = &f;
	d.xml = (char *)"<Update/>";
	d.xml_len = 9;
	d.core = (char *)"<c/>";
	d.core_len = 4;
	d.extended = (char *)"<e/>";
	d.extended_len = 4;
	if (store_revision_import(st, &u, &d, &rid, &created) != STORE_OK)
		fail_msg("import: %s", store_errmsg(st));
	assert_int_equal(store_group_find(st, GROUP_ALL_COMPUTERS_GUID, &gid),
	    STORE_OK);
	if (store_approve(st, uid, gid, APPROVAL_INSTALL, 0, "test", &did) !=
	    STORE_OK)
		fail_msg("approve: %s", store_errmsg(st));
}

static void
approve_update(struct store *st, const uint8_t sha1[20], uint64_t size)
{
	approve_update2(st, sha1, NULL, size);
}

/* Put body at the content path of sha1 (file name windows-kb...cab) and
 * mark it present; its path goes to path. */
static void
place_file(const uint8_t sha1[20], const char *body, size_t len,
    char path[600], char rel[64])
{
	struct store *st;
	char *slash;

	assert_int_equal(content_relpath(sha1, "windows-kb5000001-x64.cab", rel,
	    64), 0);
	snprintf(path, 600, "%s/%s", cli_path("content"), rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(mkdir_p(path, 0750), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(path, body, len, 0640), 0);
	st = open_store();
	assert_int_equal(store_file_set_present(st, sha1, true), STORE_OK);
	store_close(st);
}

/* `wsusctl content verify ARGS... --json`: exit status, *out parsed. */
static int
verify(json_t **out, const char *a1, const char *a2)
{
	struct wsusctl ctl;
	char *argv[] = { (char *)"content", (char *)"verify", (char *)"--json",
	    (char *)a1, (char *)a2, NULL };
	int argc = 3 + (a1 != NULL) + (a2 != NULL);
	json_error_t jerr;
	char *text;
	int rc;

	make_config(&ctl, NULL);
	rc = cli_capture(cmd_content, &ctl, argc, argv, &text);
	cli_ctl_done(&ctl);
	*out = json_loads(text, 0, &jerr);
	if (*out == NULL)
		fail_msg("bad JSON (%s): %s", jerr.text, text);
	free(text);
	return rc;
}

static void
expect_counts(json_t *o, int checked, int good, int damaged, int missing,
    int not_downloaded, int repaired)
{
	json_t *want = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "checked",
	    checked, "good", good, "damaged", damaged, "missing", missing,
	    "unreadable", 0, "not_downloaded", not_downloaded, "repaired",
	    repaired);
	json_t *got = json_deep_copy(o);

	json_object_del(got, "problems");
	if (!json_equal(want, got)) {
		char *d = json_dumps(o, 0);
		fail_msg("counts: %s", d);
	}
	json_decref(want);
	json_decref(got);
}

/*
 * A byte changed in a stored file keeps its size: plain checkhealth
 * (sizes) cannot see it, checkhealth --content and content verify do;
 * --repair quarantines it and marks it for download (issue 10 defect 8,
 * maintenance verb content verify).
 */
static void
test_content_hash(void **state)
{
	static const char body[] = "not really a cabinet";
	uint8_t sha1[20], sha256[32];
	char rel[64], path[600], qdir[600], *qname, *data;
	json_t *o, *p;
	size_t len;
	struct store *st;
	struct store_file sf;
	char *name = NULL;

	(void)state;
	postinstall(NULL);
	SHA1((const unsigned char *)body, sizeof(body) - 1, sha1);
	SHA256((const unsigned char *)body, sizeof(body) - 1, sha256);
	st = open_store();
	approve_update2(st, sha1, sha256, sizeof(body) - 1);
	store_close(st);

	/* not downloaded yet: nothing to check, no problem */
	assert_int_equal(verify(&o, NULL, NULL), EXIT_OK);
	expect_counts(o, 0, 0, 0, 0, 1, 0);
	json_decref(o);

	place_file(sha1, body, sizeof(body) - 1, path, rel);
	hash_content = true;
	expect(NULL, EXIT_OK, "content", "ok", "every hash verified");
	hash_content = false;
	expect(NULL, EXIT_OK, "content", "ok", "sizes checked");
	assert_int_equal(verify(&o, NULL, NULL), EXIT_OK);
	expect_counts(o, 1, 1, 0, 0, 0, 0);
	json_decref(o);

	/* one byte changed, same size */
	assert_int_equal(write_file_atomic(path, "Not really a cabinet",
	    sizeof(body) - 1, 0640), 0);
	expect(NULL, EXIT_OK, "content", "ok", "all 1 files");
	hash_content = true;
	expect(NULL, EXIT_FAIL, "content", "fail", rel);
	hash_content = false;
	assert_int_equal(verify(&o, NULL, NULL), EXIT_FAIL);
	expect_counts(o, 1, 0, 1, 0, 0, 0);
	p = json_array_get(json_object_get(o, "problems"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "file")), rel);
	assert_string_equal(json_string_value(json_object_get(p, "problem")),
	    "SHA-1 mismatch");
	assert_true(json_is_null(json_object_get(p, "action")));
	json_decref(o);
	/* verify without --repair changed nothing */
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(access(cli_path("content/quarantine"), F_OK), -1);

	/* --repair: set aside and marked for download */
	assert_int_equal(verify(&o, "--repair", NULL), EXIT_OK);
	expect_counts(o, 1, 0, 1, 0, 0, 1);
	p = json_array_get(json_object_get(o, "problems"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "action")),
	    "quarantined, marked for download");
	qname = xstrdup(json_string_value(json_object_get(p, "quarantined")));
	json_decref(o);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(qdir, sizeof(qdir), "%s/", cli_path("content/quarantine"));
	assert_memory_equal(qname, qdir, strlen(qdir));
	assert_int_equal(strncmp(qname + strlen(qdir), strchr(rel, '/') + 1,
	    strlen(strchr(rel, '/') + 1)), 0);
	assert_int_equal(read_file(qname, 1024, &data, &len), 0);
	assert_int_equal(len, sizeof(body) - 1);
	assert_memory_equal(data, "Not really", 10);
	free(data);
	free(qname);
	st = open_store();
	memset(&sf, 0, sizeof(sf));
	assert_int_equal(store_file_lookup(st, sha1, &sf, &name), STORE_OK);
	assert_false(sf.present);
	free(name);
	store_close(st);
	/* what sync and import-content now see: a file to fetch */
	expect(NULL, EXIT_OK, "content", "warn", "not imported yet");
	assert_int_equal(verify(&o, NULL, NULL), EXIT_OK);
	expect_counts(o, 0, 0, 0, 0, 1, 0);
	json_decref(o);

	/* lost although present: missing; --repair marks it for download */
	place_file(sha1, body, sizeof(body) - 1, path, rel);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(verify(&o, NULL, NULL), EXIT_FAIL);
	expect_counts(o, 1, 0, 0, 1, 0, 0);
	json_decref(o);
	assert_int_equal(verify(&o, "--repair", "-q"), EXIT_OK);
	expect_counts(o, 1, 0, 0, 1, 0, 1);
	p = json_array_get(json_object_get(o, "problems"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "action")),
	    "marked for download");
	json_decref(o);
}

static void
test_content(void **state)
{
	static const char body[] = "not really a cabinet";
	uint8_t sha1[20];
	char rel[64], dir[600], *slash;
	struct store *st;

	(void)state;
	postinstall(NULL);
	SHA1((const unsigned char *)body, sizeof(body) - 1, sha1);
	st = open_store();
	approve_update(st, sha1, sizeof(body) - 1);
	store_close(st);

	/* approved, not imported yet: a warning */
	expect(NULL, EXIT_OK, "content", "warn", "1 of 1 files");
	expect(NULL, EXIT_OK, "content", "warn", ".cab");

	/* the file in place */
	assert_int_equal(content_relpath(sha1, "windows-kb5000001-x64.cab", rel,
	    sizeof(rel)), 0);
	snprintf(dir, sizeof(dir), "%s/%s", cli_path("content"), rel);
	slash = strrchr(dir, '/');
	*slash = '\0';
	assert_int_equal(mkdir_p(dir, 0750), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(dir, body, sizeof(body) - 1, 0640), 0);
	st = open_store();
	assert_int_equal(store_file_set_present(st, sha1, true), STORE_OK);
	store_close(st);
	expect(NULL, EXIT_OK, "content", "ok", "all 1 files");

	/* imported, then damaged or lost: a failure */
	assert_int_equal(write_file_atomic(dir, "short", 5, 0640), 0);
	expect(NULL, EXIT_FAIL, "content", "fail", "missing or damaged");
	assert_int_equal(unlink(dir), 0);
	expect(NULL, EXIT_FAIL, "content", "fail", rel);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_healthy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_registry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_content_hash, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
