/*
 * test_config.c — config.c: defaults, every key type, every error kind
 * with its exact line, listener validation, file loading, dump round
 * trip, and that the example file and the documentation cover every key.
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

#include "config/config.h"
#include "util/fsutil.h"

static struct config cfg;
static struct config_errors errs;

static int
teardown(void **state)
{
	(void)state;
	config_free(&cfg);
	return 0;
}

static void
print_errors(void)
{
	config_errors_print(&errs, "test", stderr);
}

static int
load(const char *text)
{
	int r;

	config_free(&cfg);
	r = config_load_string(text, &cfg, &errs);
	if (r == 0)
		assert_int_equal(errs.n, 0);
	else
		assert_true(errs.n > 0);
	return r;
}

/* Exactly one error, on line, containing what. */
static void
expect_one(const char *text, int line, const char *what)
{
	assert_int_equal(load(text), -1);
	if (errs.n != 1 || errs.e[0].line != line ||
	    strstr(errs.e[0].msg, what) == NULL) {
		print_errors();
		fail_msg("expected one error on line %d with \"%s\"", line, what);
	}
}

/* Some error on line containing what. */
static void
expect_has(int line, const char *what)
{
	for (size_t i = 0; i < errs.n; i++)
		if (errs.e[i].line == line && strstr(errs.e[i].msg, what))
			return;
	print_errors();
	fail_msg("no error on line %d with \"%s\"", line, what);
}

static void
test_defaults(void **state)
{
	(void)state;
	config_defaults(&cfg);
	assert_null(cfg.path);
	assert_null(cfg.server_name);
	assert_string_equal(cfg.content_dir, CONFIG_DEFAULT_CONTENT_DIR);
	assert_string_equal(cfg.database_url, CONFIG_DEFAULT_DATABASE);
	assert_string_equal(cfg.state_dir, CONFIG_DEFAULT_STATE_DIR);
	assert_string_equal(cfg.tls_certificate, "/var/lib/wsusd/tls/wsusd.crt");
	assert_string_equal(cfg.tls_key, "/var/lib/wsusd/tls/wsusd.key");
	assert_int_equal(cfg.log_level, LOG_LEVEL_INFO);
	assert_false(cfg.log_syslog);
	assert_int_equal(cfg.max_body_bytes, 16 * 1024 * 1024);
	assert_int_equal(cfg.max_connections, 1024);
	assert_int_equal(cfg.max_connections_per_ip, 256);
	assert_int_equal(cfg.connection_timeout, 60);
	assert_int_equal(cfg.threads, 0);
	assert_int_equal(cfg.max_body_memory, 64 * 1024 * 1024);
	assert_int_equal(cfg.head_timeout, 10);
	assert_int_equal(cfg.body_timeout, 120);
	assert_int_equal(cfg.nlisteners, 1);
	assert_string_equal(cfg.listeners[0].name, "default");
	assert_string_equal(cfg.listeners[0].address, "0.0.0.0");
	assert_int_equal(cfg.listeners[0].port, CONFIG_DEFAULT_PORT);
	assert_false(cfg.listeners[0].tls);
	assert_int_equal(cfg.listeners[0].tls_min_version, TLS_VERSION_1_2);
	assert_null(cfg.listeners[0].tls_certificate);

	/* an empty file means the same */
	assert_int_equal(load(""), 0);
	assert_int_equal(cfg.nlisteners, 1);
	assert_int_equal(cfg.listeners[0].port, 8530);
	assert_int_equal(load("; only a comment\n\n# another\n"), 0);
	assert_int_equal(cfg.nlisteners, 1);
}

static const char full[] =
    "; a complete file\n"					/* 1 */
    "[server]\n"						/* 2 */
    "name = wsus.example.org\n"					/* 3 */
    "content_dir = /srv/wsus/content/\n"			/* 4 */
    "database = sqlite:///srv/wsus/db/wsusd.db\n"		/* 5 */
    "state_dir = /srv/wsus\n"					/* 6 */
    "log_level = debug\n"					/* 7 */
    "log_target = syslog\n"					/* 8 */
    "tls_certificate = /etc/wsusd/server.crt\n"			/* 9 */
    "tls_key = /etc/wsusd/server.key\n"				/* 10 */
    "\n"							/* 11 */
    "[listener http]\n"						/* 12 */
    "address = 0.0.0.0\n"					/* 13 */
    "port = 8530\n"						/* 14 */
    "[listener https]\n"					/* 15 */
    "  address = ::\n"						/* 16 */
    "  port = 8531\n"						/* 17 */
    "  tls = yes\n"						/* 18 */
    "  tls_min_version = 1.3\n"					/* 19 */
    "  tls_certificate = /etc/wsusd/other.crt\n"		/* 20 */
    "  tls_key = /etc/wsusd/other.key ; inline comment\n"	/* 21 */
    "[listener legacy]\n"					/* 22 */
    "port: 80\n"						/* 23 */
    "tls = off\n"						/* 24 */
    "[limits]\n"						/* 25 */
    "max_body_bytes = 2M\n"					/* 26 */
    "max_connections = 5000\n"					/* 27 */
    "max_connections_per_ip = 32\n"				/* 28 */
    "connection_timeout = 120\n"				/* 29 */
    "threads = 8\n";						/* 30 */

static void
test_full(void **state)
{
	(void)state;
	if (load(full) != 0) {
		print_errors();
		fail();
	}
	assert_string_equal(cfg.server_name, "wsus.example.org");
	assert_string_equal(cfg.content_dir, "/srv/wsus/content"); /* no / */
	assert_string_equal(cfg.database_url, "sqlite:///srv/wsus/db/wsusd.db");
	assert_string_equal(cfg.state_dir, "/srv/wsus");
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG);
	assert_true(cfg.log_syslog);
	assert_string_equal(cfg.tls_certificate, "/etc/wsusd/server.crt");
	assert_string_equal(cfg.tls_key, "/etc/wsusd/server.key");
	assert_int_equal(cfg.nlisteners, 3);
	assert_string_equal(cfg.listeners[0].name, "http");
	assert_int_equal(cfg.listeners[0].line, 12);
	assert_int_equal(cfg.listeners[0].port, 8530);
	assert_false(cfg.listeners[0].tls);
	assert_string_equal(cfg.listeners[1].name, "https");
	assert_string_equal(cfg.listeners[1].address, "::");
	assert_int_equal(cfg.listeners[1].port, 8531);
	assert_true(cfg.listeners[1].tls);
	assert_int_equal(cfg.listeners[1].tls_min_version, TLS_VERSION_1_3);
	assert_string_equal(cfg.listeners[1].tls_certificate, "/etc/wsusd/other.crt");
	assert_string_equal(cfg.listeners[1].tls_key, "/etc/wsusd/other.key");
	assert_int_equal(cfg.listeners[2].port, 80);
	assert_string_equal(cfg.listeners[2].address, "0.0.0.0");
	assert_int_equal(cfg.max_body_bytes, 2 * 1024 * 1024);
	assert_int_equal(cfg.max_connections, 5000);
	assert_int_equal(cfg.max_connections_per_ip, 32);
	assert_int_equal(cfg.connection_timeout, 120);
	assert_int_equal(cfg.threads, 8);
}

static void
test_derived(void **state)
{
	(void)state;
	/* TLS paths follow state_dir; a TLS listener defaults to 8531 */
	assert_int_equal(load("[server]\nstate_dir = /x/y\n"
	    "[listener s]\ntls = true\n[listener p]\n"), 0);
	assert_string_equal(cfg.tls_certificate, "/x/y/tls/wsusd.crt");
	assert_string_equal(cfg.tls_key, "/x/y/tls/wsusd.key");
	assert_int_equal(cfg.nlisteners, 2);
	assert_int_equal(cfg.listeners[0].port, 8531);
	assert_int_equal(cfg.listeners[1].port, 8530);
	assert_null(cfg.listeners[0].tls_certificate);
	/* CRLF line ends and a byte order mark */
	assert_int_equal(load("\xEF\xBB\xBF[server]\r\nname = a-b.c\r\n"
	    "[limits]\r\nthreads = 3\r\n"), 0);
	assert_string_equal(cfg.server_name, "a-b.c");
	assert_int_equal(cfg.threads, 3);
	/* indented lines are ordinary lines, never continuations */
	assert_int_equal(load("[listener a]\nport = 81\n    tls = 1\n"), 0);
	assert_int_equal(cfg.listeners[0].port, 81);
	assert_true(cfg.listeners[0].tls);
	/* booleans and sizes */
	assert_int_equal(load("[listener a]\ntls = TRUE\n[limits]\n"
	    "max_body_bytes = 1g\n"), 0);
	assert_true(cfg.listeners[0].tls);
	assert_int_equal(cfg.max_body_bytes, 1024u * 1024 * 1024);
	assert_int_equal(load("[limits]\nmax_body_bytes = 1024\n"), 0);
	assert_int_equal(cfg.max_body_bytes, 1024);
	assert_int_equal(load("[limits]\nmax_body_memory = 1M\n"), 0);
	assert_int_equal(cfg.max_body_memory, 1024 * 1024);
	assert_int_equal(load("[limits]\nmax_body_bytes = 64k\n"), 0);
	assert_int_equal(cfg.max_body_bytes, 65536);
	assert_int_equal(load("[server]\ndatabase = sqlite:relative.db\n"), 0);
	assert_int_equal(load("[server]\ndatabase = postgresql://u@h/db\n"), 0);
	assert_int_equal(load("[server]\nlog_level = warning\n"), 0);
	assert_int_equal(cfg.log_level, LOG_LEVEL_WARN);
}

static void
test_structure_errors(void **state)
{
	(void)state;
	expect_one("[server]\nname = a\n\n[listener main]\nport = 1\n"
	    "prot = 2\n", 6, "unknown key \"prot\" in [listener main]; "
	    "did you mean \"port\"?");
	assert_string_equal(errs.e[0].msg, "unknown key \"prot\" in "
	    "[listener main]; did you mean \"port\"?");
	expect_one("[limits]\nfrobnicate = 1\n", 2,
	    "unknown key \"frobnicate\" in [limits]");
	assert_null(strstr(errs.e[0].msg, "did you mean"));
	expect_one("[server]\nport = 8530\n", 2, "unknown key \"port\" in "
	    "[server]; it belongs in [listener NAME]");
	expect_one("[listener x]\nthreads = 2\n", 2, "it belongs in [limits]");
	expect_one("[listener a]\nport = 1\n\nport = 2\n", 4,
	    "duplicate key \"port\" in [listener a] (first on line 2)");
	expect_one("[server]\n[frob]\nx = 1\ny = 2\n", 2,
	    "unknown section [frob]");
	expect_one("[server]\nname = a\n[server]\nname = b\n", 3,
	    "duplicate section [server] (first on line 1)");
	assert_string_equal(cfg.server_name, "a");
	expect_one("[limits x]\n", 1, "section [limits] takes no name");
	expect_one("[listener]\nport = 1\n", 1, "a listener needs a name");
	expect_one("[listener a/b]\n", 1, "bad listener name");
	expect_one("[listener a]\nport=1\n[listener a]\nport=2\n", 3,
	    "duplicate listener \"a\" (first on line 1)");
	expect_one("port = 8530\n[server]\n", 1,
	    "key \"port\" outside of any section");
	expect_one("[server]\nname = a\nthis is junk\n", 3, "syntax error");
	expect_one("[server]\n\n= value\n", 3, "empty key name");
	expect_one("[server\nname = a\n", 1, "without closing \"]\"");
	expect_one("[server] junk\n", 1, "unexpected text after \"]\"");
	expect_one("[server] ; a comment is fine\n[]\n", 2, "empty section");
}

static void
test_too_many_listeners(void **state)
{
	char text[4096];
	size_t n = 0;

	(void)state;
	for (int i = 0; i <= CONFIG_MAX_LISTENERS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "[listener l%d]\nport = %d\n", i, 1000 + i);
	expect_one(text, 2 * CONFIG_MAX_LISTENERS + 1, "too many listeners");
	assert_int_equal(cfg.nlisteners, CONFIG_MAX_LISTENERS);
}

static void
test_long_line(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "[server]\nname = a\ncontent_dir = /%0400d\n"
	    "state_dir = relative\n", 7);
	assert_int_equal(load(text), -1);
	assert_int_equal(errs.n, 2);
	expect_has(3, "line too long");
	expect_has(4, "not an absolute path");
}

static void
test_value_errors(void **state)
{
	static const struct {
		const char *text;
		const char *what;
	} cases[] = {
		{ "[listener a]\nport = 0\n", "port: \"0\" is not a port number from 1 to 65535" },
		{ "[listener a]\nport = 65536\n", "port: \"65536\"" },
		{ "[listener a]\nport = 80x\n", "port: \"80x\"" },
		{ "[listener a]\nport = -1\n", "port: \"-1\"" },
		{ "[listener a]\nport = 99999999999999999999999\n", "port:" },
		{ "[listener a]\ntls = maybe\n", "tls: \"maybe\" is not yes or no" },
		{ "[listener a]\ntls_min_version = 1.4\n", "tls_min_version: \"1.4\"" },
		{ "[listener a]\ntls_ciphers = weak\n", "tls_ciphers: \"weak\" is not auto, modern or compatible" },
		{ "[listener a]\naddress = localhost\n", "not a numeric IPv4 or IPv6" },
		{ "[listener a]\naddress = 1.2.3.4.5\n", "address:" },
		{ "[limits]\nthreads = 1025\n", "threads: \"1025\" is not a number from 0 to 1024" },
		{ "[limits]\nmax_connections = 0\n", "max_connections:" },
		{ "[limits]\nconnection_timeout = 3601\n", "connection_timeout:" },
		{ "[limits]\nmax_body_bytes = 1023\n", "max_body_bytes:" },
		{ "[limits]\nmax_body_memory = 1023K\n", "max_body_memory:" },
		{ "[limits]\nhead_timeout = 0\n", "head_timeout:" },
		{ "[limits]\nhead_timeout = 3601\n", "head_timeout:" },
		{ "[limits]\nbody_timeout = 0\n", "body_timeout:" },
		{ "[limits]\nbody_timeout = 86401\n", "body_timeout:" },
		{ "[limits]\nmax_body_memory = 17G\n", "max_body_memory:" },
		{ "[limits]\nmax_body_bytes = 2G\n", "max_body_bytes:" },
		{ "[limits]\nmax_body_bytes = 5T\n", "max_body_bytes:" },
		{ "[limits]\nmax_body_bytes = 5MB\n", "max_body_bytes:" },
		{ "[limits]\nmax_body_bytes = 99999999999999999G\n", "max_body_bytes:" },
		{ "[server]\nlog_level = loud\n", "log_level: \"loud\"" },
		{ "[server]\nlog_target = file\n", "log_target: \"file\" is not stderr or syslog" },
		{ "[server]\ncontent_dir = var/content\n", "content_dir: \"var/content\" is not an absolute path" },
		{ "[server]\ndatabase = mysql://x/y\n", "database: unsupported database URL" },
		{ "[server]\ndatabase = sqlite://host/x.db\n", "database:" },
		{ "[server]\ndatabase = sqlite:\n", "database:" },
		{ "[server]\nname = bad name!\n", "name: \"bad name!\" is not a host name" },
		{ "[server]\nname =\n", "name: empty value" },
		{ "[server]\nname = a\x01" "b\n", "control characters" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(cases[i].text), -1);
		if (errs.n != 1 || errs.e[0].line != 2 ||
		    strstr(errs.e[0].msg, cases[i].what) == NULL) {
			print_errors();
			fail_msg("case %zu: want line 2 \"%s\"", i, cases[i].what);
		}
	}
}

static void
test_listener_validation(void **state)
{
	(void)state;
	expect_one("[listener a]\nport = 8530\n[listener b]\nport = 8530\n", 3,
	    "[listener b]: 0.0.0.0 port 8530 clashes with [listener a] on line 1");
	/* the wildcard covers every address of its family */
	expect_one("[listener a]\naddress = 127.0.0.1\n[listener b]\n", 3,
	    "clashes with [listener a]");
	expect_one("[listener a]\naddress = ::1\nport = 9\n[listener b]\n"
	    "address = ::\nport = 9\n", 4, "clashes");
	/* a plain listener defaults to 8530, a TLS one to 8531: no clash */
	assert_int_equal(load("[listener a]\n[listener b]\ntls = yes\n"), 0);
	/* different families, different addresses, different ports */
	assert_int_equal(load("[listener a]\n[listener b]\naddress = ::\n"
	    "[listener c]\naddress = 127.0.0.1\nport = 80\n"
	    "[listener d]\naddress = 127.0.0.2\nport = 80\n"), 0);
	/* certificate and key go together */
	expect_one("[listener a]\ntls = yes\ntls_certificate = /a.crt\n", 1,
	    "set tls_certificate and tls_key together");
	expect_one("[server]\nname = x\ntls_key = /k\n", 3,
	    "[server]: set tls_certificate and tls_key together");
}

static void
test_many_errors(void **state)
{
	char *text = malloc(200 * 32);
	size_t n = 0;

	(void)state;
	/* several kinds at once: every one found, sorted by line */
	assert_int_equal(load("[server]\nnmae = x\ncontent_dir = rel\n"
	    "[bogus]\nport = 1\n[listener a]\nport = 0\njunk\n"
	    "[limits]\nthreads = x\nthreads = 2\n"), -1);
	assert_int_equal(errs.n, 7);
	assert_int_equal(errs.e[0].line, 2);
	assert_int_equal(errs.e[1].line, 3);
	assert_int_equal(errs.e[2].line, 4);
	assert_int_equal(errs.e[3].line, 7);
	assert_int_equal(errs.e[4].line, 8);
	assert_int_equal(errs.e[5].line, 10);
	assert_int_equal(errs.e[6].line, 11);
	expect_has(4, "unknown section [bogus]");
	expect_has(8, "syntax error");
	expect_has(11, "duplicate key \"threads\"");

	/* more errors than fit: the list ends with a note */
	n += (size_t)snprintf(text, 32, "[server]\n");
	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(text + n, 32, "bad%d = 1\n", i);
	assert_int_equal(load(text), -1);
	assert_int_equal(errs.n, CONFIG_MAX_ERRORS);
	assert_int_equal(errs.e[0].line, 2);
	assert_non_null(strstr(errs.e[CONFIG_MAX_ERRORS - 1].msg, "too many errors"));
	free(text);
}

static void
test_files(void **state)
{
	char dir[] = "/tmp/wsusd-config-XXXXXX";
	char path[256];
	static const char nul[] = "[server]\nname = a\n\0\n";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	config_free(&cfg);
	assert_int_equal(config_load(path, &cfg, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.e[0].line, 0);
	assert_non_null(strstr(errs.e[0].msg, "No such file"));
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.nlisteners, 1);	/* still usable */

	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	assert_int_equal(write_file_atomic(path, nul, sizeof(nul) - 1, 0600), 0);
	config_free(&cfg);
	assert_int_equal(config_load(path, &cfg, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.e[0].line, 3);
	assert_non_null(strstr(errs.e[0].msg, "NUL"));
	unlink(path);

	snprintf(path, sizeof(path), "%s/good.conf", dir);
	assert_int_equal(write_file_atomic(path, full, sizeof(full) - 1, 0600), 0);
	config_free(&cfg);
	assert_int_equal(config_load(path, &cfg, &errs), 0);
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.nlisteners, 3);
	unlink(path);

	/* errors print as FILE:LINE: reason */
	assert_int_equal(load("[server]\nprot = 1\n"), -1);
	{
		char buf[512] = "";
		FILE *fp = fmemopen(buf, sizeof(buf), "w");
		config_errors_print(&errs, "/etc/wsusd/wsusd.conf", fp);
		fclose(fp);
		assert_string_equal(buf, "/etc/wsusd/wsusd.conf:2: unknown key "
		    "\"prot\" in [server]\n");
	}
	rmdir(dir);
}

static char *
dump_text(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	config_dump(c, fp);
	fclose(fp);
	return buf;
}

static void
test_dump_roundtrip(void **state)
{
	char *a, *b;
	struct config again;
	struct config_errors e2;

	(void)state;
	assert_int_equal(load(full), 0);
	a = dump_text(&cfg);
	assert_non_null(strstr(a, "[listener https]\n"));
	assert_non_null(strstr(a, "max_body_bytes = 2M\n"));
	assert_non_null(strstr(a, "tls_min_version = 1.3\n"));
	assert_int_equal(config_load_string(a, &again, &e2), 0);
	b = dump_text(&again);
	assert_string_equal(a, b);
	config_free(&again);
	free(a);
	free(b);

	/* defaults round-trip too, unset keys as comments */
	config_free(&cfg);
	config_defaults(&cfg);
	a = dump_text(&cfg);
	assert_non_null(strstr(a, "; name =   (not set)\n"));
	assert_int_equal(config_load_string(a, &again, &e2), 0);
	b = dump_text(&again);
	assert_string_equal(a, b);
	config_free(&again);
	free(a);
	free(b);
}

static void
test_set(void **state)
{
	char err[256];

	(void)state;
	config_free(&cfg);
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "server", "content_dir", "/new/dir/",
	    err, sizeof(err)), 0);
	assert_string_equal(cfg.content_dir, "/new/dir");
	assert_int_equal(config_set(&cfg, "server", "content_dir", "rel", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "content_dir: \"rel\" is not an absolute"));
	assert_string_equal(cfg.content_dir, "/new/dir");
	assert_int_equal(config_set(&cfg, "server", "database", "x:y", err,
	    sizeof(err)), -1);
	assert_int_equal(config_set(&cfg, "limits", "threads", "4", err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.threads, 4);
	assert_int_equal(config_set(&cfg, "listener", "port", "4", err,
	    sizeof(err)), -1);
	assert_int_equal(config_set(&cfg, "server", "nope", "4", err,
	    sizeof(err)), -1);
}

static void
test_sqlite_path(void **state)
{
	char p[64];

	(void)state;
	assert_int_equal(config_sqlite_path("sqlite:///var/lib/x.db", p, sizeof(p)), 0);
	assert_string_equal(p, "/var/lib/x.db");
	assert_int_equal(config_sqlite_path("sqlite:rel.db", p, sizeof(p)), 0);
	assert_string_equal(p, "rel.db");
	assert_int_equal(config_sqlite_path("sqlite:/abs.db", p, sizeof(p)), 0);
	assert_string_equal(p, "/abs.db");
	assert_int_equal(config_sqlite_path("postgresql://h/db", p, sizeof(p)), -1);
	assert_int_equal(config_sqlite_path("sqlite:///a", p, 2), -1);
}

/* Every key of the table appears in a file as "key =". */
static void
covers_every_key(const char *rel, bool loadable)
{
	const char *root = getenv("WSUSD_SOURCE_ROOT");
	const char *section, *key, *def;
	char path[1024], *text;
	size_t len;

	if (root == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
	for (size_t i = 0; config_key_info(i, &section, &key, &def) == 0; i++) {
		char pat[96];
		snprintf(pat, sizeof(pat), "%s =", key);
		if (strstr(text, pat) == NULL)
			fail_msg("%s does not mention [%s] %s", rel, section, key);
	}
	if (loadable) {
		config_free(&cfg);
		if (config_load(path, &cfg, &errs) != 0) {
			config_errors_print(&errs, path, stderr);
			fail();
		}
	}
	free(text);
}

static void
test_example_file(void **state)
{
	(void)state;
	covers_every_key("etc/wsusd.conf.example", true);
	/* the example sets the defaults: same values as built in */
	assert_string_equal(cfg.content_dir, CONFIG_DEFAULT_CONTENT_DIR);
	assert_string_equal(cfg.database_url, CONFIG_DEFAULT_DATABASE);
	assert_true(cfg.nlisteners >= 2);
}

/* Whether line comes after the header head in text, before the next one. */
static __attribute__((noinline)) bool
section_has(const char *text, const char *head, const char *line)
{
	const char *s = strstr(text, head), *end, *l;

	if (s == NULL)
		return false;
	s += strlen(head);
	end = strstr(s, "\n[");
	l = strstr(s, line);
	return l != NULL && (end == NULL || l < end);
}

/* tls_ciphers: auto by default, per listener, kept by a dump. */
static void
test_tls_ciphers(void **state)
{
	char *a;

	(void)state;
	assert_int_equal(load("[listener a]\ntls = yes\nport = 1\ntls_ciphers = "
	    "compatible\n[listener b]\ntls = yes\nport = 2\n[listener c]\n"
	    "tls = yes\nport = 3\ntls_ciphers = modern\n"), 0);
	assert_int_equal(cfg.listeners[0].tls_ciphers, TLS_CIPHERS_COMPATIBLE);
	assert_int_equal(cfg.listeners[1].tls_ciphers, TLS_CIPHERS_AUTO);
	assert_int_equal(cfg.listeners[2].tls_ciphers, TLS_CIPHERS_MODERN);
	a = dump_text(&cfg);
	assert_true(section_has(a, "[listener a]\n", "tls_ciphers = "
	    "compatible\n"));
	assert_true(section_has(a, "[listener b]\n", "tls_ciphers = auto\n"));
	assert_true(section_has(a, "[listener c]\n", "tls_ciphers = modern\n"));
	free(a);
}

/* [server] access_log: off (default, NULL), stderr, an absolute path. */
static void
test_access_log(void **state)
{
	char *a;

	(void)state;
	assert_int_equal(load(""), 0);
	assert_null(cfg.access_log);
	a = dump_text(&cfg);
	assert_true(section_has(a, "[server]\n", "access_log = off\n"));
	free(a);
	assert_int_equal(load("[server]\naccess_log = stderr\n"), 0);
	assert_string_equal(cfg.access_log, "stderr");
	assert_int_equal(load("[server]\naccess_log = /var/log/wsusd/a.log/\n"),
	    0);
	assert_string_equal(cfg.access_log, "/var/log/wsusd/a.log");
	a = dump_text(&cfg);
	assert_true(section_has(a, "[server]\n",
	    "access_log = /var/log/wsusd/a.log\n"));
	free(a);
	assert_int_equal(load("[server]\naccess_log = OFF\n"), 0);
	assert_null(cfg.access_log);
	expect_one("[server]\naccess_log = access.log\n", 2,
	    "access_log: \"access.log\" is not off, stderr or an absolute path");
}

/* tls_client_ca/tls_client_auth per listener, downstream_auth in
 * [server]: defaults, values, the tls/CA requirement, kept by a dump. */
static void
test_client_auth(void **state)
{
	char *a;

	(void)state;
	assert_int_equal(load("[listener a]\nport = 1\n"), 0);
	assert_int_equal(cfg.listeners[0].tls_client_auth,
	    TLS_CLIENT_AUTH_NONE);
	assert_null(cfg.listeners[0].tls_client_ca);
	assert_int_equal(cfg.downstream_auth, DOWNSTREAM_AUTH_ANONYMOUS);
	config_free(&cfg);
	assert_int_equal(load("[server]\ndownstream_auth = any-of\n"
	    "[listener a]\ntls = yes\nport = 1\ntls_client_ca = /ca.pem\n"
	    "tls_client_auth = require\n[listener b]\ntls = yes\nport = 2\n"
	    "tls_client_ca = /ca.pem\ntls_client_auth = optional\n"), 0);
	assert_int_equal(cfg.downstream_auth, DOWNSTREAM_AUTH_ANY_OF);
	assert_int_equal(cfg.listeners[0].tls_client_auth,
	    TLS_CLIENT_AUTH_REQUIRE);
	assert_string_equal(cfg.listeners[0].tls_client_ca, "/ca.pem");
	assert_int_equal(cfg.listeners[1].tls_client_auth,
	    TLS_CLIENT_AUTH_OPTIONAL);
	a = dump_text(&cfg);
	assert_true(section_has(a, "[server]\n", "downstream_auth = any-of\n"));
	assert_true(section_has(a, "[listener a]\n", "tls_client_auth = "
	    "require\n"));
	assert_true(section_has(a, "[listener a]\n", "tls_client_ca = "
	    "/ca.pem\n"));
	free(a);
	config_free(&cfg);
	assert_int_equal(load("[listener a]\ntls = yes\nport = 1\n"
	    "tls_client_auth = require\n"), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.e[0].msg, "[listener a]: tls_client_auth "
	    "needs tls = yes and tls_client_ca");
	config_free(&cfg);
	assert_int_equal(load("[listener a]\nport = 1\ntls_client_ca = /c\n"
	    "tls_client_auth = require\n"), -1);
	assert_string_equal(errs.e[0].msg, "[listener a]: tls_client_auth "
	    "needs tls = yes and tls_client_ca");
	config_free(&cfg);
	assert_int_equal(load("[listener a]\nport = 1\ntls_client_auth = "
	    "maybe\n[server]\ndownstream_auth = password\n"), -1);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.e[0].msg, "tls_client_auth: \"maybe\" is not "
	    "none, optional or require");
	assert_string_equal(errs.e[1].msg, "downstream_auth: \"password\" is "
	    "not anonymous, certificate, credential or any-of");
}

static void
test_documentation(void **state)
{
	(void)state;
	covers_every_key("docs/CONFIGURATION.md", false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_full, teardown),
		cmocka_unit_test_teardown(test_derived, teardown),
		cmocka_unit_test_teardown(test_structure_errors, teardown),
		cmocka_unit_test_teardown(test_too_many_listeners, teardown),
		cmocka_unit_test_teardown(test_long_line, teardown),
		cmocka_unit_test_teardown(test_value_errors, teardown),
		cmocka_unit_test_teardown(test_listener_validation, teardown),
		cmocka_unit_test_teardown(test_many_errors, teardown),
		cmocka_unit_test_teardown(test_files, teardown),
		cmocka_unit_test_teardown(test_dump_roundtrip, teardown),
		cmocka_unit_test_teardown(test_set, teardown),
		cmocka_unit_test_teardown(test_sqlite_path, teardown),
		cmocka_unit_test_teardown(test_example_file, teardown),
		cmocka_unit_test_teardown(test_documentation, teardown),
		cmocka_unit_test_teardown(test_tls_ciphers, teardown),
		cmocka_unit_test_teardown(test_access_log, teardown),
		cmocka_unit_test_teardown(test_client_auth, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
