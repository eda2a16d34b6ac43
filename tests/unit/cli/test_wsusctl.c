/*
 * test_wsusctl.c — wsusctl's main program (cli/wsusctl.c), run as a
 * program: global options, --help and --version, `help COMMAND`, exit
 * statuses for usage errors, configuration errors printed as FILE:LINE,
 * a missing -c file, and postinstall + checkhealth through the binary.
 *
 * -c after the command, and that docs/WSUSCTL.md covers every command.
 *
 * usage: test_cli_wsusctl PATH-TO-WSUSCTL PATH-TO-WSUSCTL.md
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

#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

static const char *wsusctl;
static const char *docs;	/* docs/WSUSCTL.md */
static char root[64];
static char conf[128], badconf[128];
static char *out, *err;		/* output of the last run */

static int
setup(void **state)
{
	char text[1024];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/wsusd-wsusctl-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(conf, sizeof(conf), "%s/wsusd.conf", root);
	snprintf(text, sizeof(text),
	    "[server]\n"
	    "content_dir = %s/content\n"
	    "database = sqlite://%s/wsusd.db\n"
	    "state_dir = %s/state\n"
	    "[listener http]\n"
	    "port = 8530\n", root, root, root);
	assert_int_equal(write_file_atomic(conf, text, strlen(text), 0644), 0);
	snprintf(badconf, sizeof(badconf), "%s/bad.conf", root);
	snprintf(text, sizeof(text), "[server]\nname = x\n\n[listener main]\n"
	    "prot = 1\n[nope]\n");
	assert_int_equal(write_file_atomic(badconf, text, strlen(text), 0644), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tl_rmtree(root);
	free(out);
	free(err);
	out = err = NULL;
	return 0;
}

/* Run wsusctl with the arguments (NULL-terminated); exit status. */
static int
run(const char *arg, ...)
{
	char *argv[32], epath[128];
	struct buf o;
	int argc = 0, st;
	size_t len;
	va_list ap;

	argv[argc++] = (char *)wsusctl;
	va_start(ap, arg);
	for (const char *a = arg; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	snprintf(epath, sizeof(epath), "%s/err", root);

	buf_init(&o, 1 << 20);
	st = tl_run(argv, &o, epath);
	assert_true(st >= 0);
	assert_false(o.failed);
	free(out);
	free(err);
	out = buf_steal(&o, NULL);
	assert_int_equal(read_file(epath, 1 << 20, &err, &len), 0);
	assert_true(st < 128);
	return st;
}

static void
test_help_and_version(void **state)
{
	static const char *const commands[] = { "postinstall", "checkhealth",
	    "import-updates", "import-content", "groups", "approve",
	    "unapprove", "decline", "approvals", "updates" };

	(void)state;
	assert_int_equal(run("--version", NULL), 0);
	assert_non_null(strstr(out, "wsusctl "));
	assert_int_equal(run("-V", NULL), 0);
	assert_int_equal(run("--help", NULL), 0);
	assert_non_null(strstr(out, "usage: wsusctl"));
	assert_non_null(strstr(out, "-c, --config FILE"));
	assert_int_equal(run("help", NULL), 0);
	/* every command is listed, and its own help works */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char pat[64];
		assert_int_equal(run("-h", NULL), 0);
		snprintf(pat, sizeof(pat), "\n  %s ", commands[i]);
		if (strstr(out, pat) == NULL)
			fail_msg("--help does not list %s", commands[i]);
		if (run("help", commands[i], NULL) != 0 || strstr(out, "usage") ==
		    NULL)
			fail_msg("wsusctl help %s: %s%s", commands[i], out, err);
		/* and "COMMAND --help" says the same */
		assert_int_equal(run(commands[i], "--help", NULL), 0);
	}
	/* every sync verb and every exit status are in the overview */
	assert_int_equal(run("--help", NULL), 0);
	assert_non_null(strstr(out, "configure, now, status, history, "
	    "cancel"));
	assert_non_null(strstr(out, "4 sync now gave up waiting"));
	/* `sync configure --help` needs no database (it opened the store
	 * first and failed without one) */
	{
		char db[160];

		snprintf(db, sizeof(db), "%s/wsusd.db", root);
		assert_int_not_equal(access(db, F_OK), 0);
	}
	assert_int_equal(run("-c", conf, "sync", "configure", "--help",
	    NULL), 0);
	assert_non_null(strstr(out, "usage: wsusctl sync configure"));
	assert_int_equal(run("help", "postinstall", NULL), 0);
	assert_non_null(strstr(out, "--content-dir"));
	assert_int_equal(run("help", "nope", NULL), 2);
	assert_non_null(strstr(err, "unknown command: nope"));
	assert_int_equal(run("help", "a", "b", NULL), 2);
}

static void
test_usage_errors(void **state)
{
	(void)state;
	assert_int_equal(run(NULL), 2);
	assert_non_null(strstr(err, "no command"));
	assert_int_equal(run("frobnicate", NULL), 2);
	assert_non_null(strstr(err, "unknown command: frobnicate"));
	assert_int_equal(run("--bogus", "checkhealth", NULL), 2);
	assert_int_equal(run("-c", NULL), 2);
	assert_int_equal(run("-c", "", "checkhealth", NULL), 2);
	assert_int_equal(run("-c", conf, "checkhealth", "--bogus", NULL), 2);
}

/*
 * sync --record DIR with a DIR that is missing or not a directory fails
 * at once (exit 2, one clear line) instead of syncing and recording
 * nothing.  The upstream is never contacted (port 9 on loopback: a
 * connection there would fail differently, with exit 1).
 */
static void
test_sync_record_dir(void **state)
{
	char missing[160], file[160], want[256];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/no-such-dir", root);
	assert_int_equal(run("-c", conf, "sync", "--upstream",
	    "http://127.0.0.1:9", "--record", missing, NULL), 2);
	snprintf(want, sizeof(want), "wsusctl sync: --record %s: No such file "
	    "or directory (create the directory first)\n", missing);
	assert_string_equal(err, want);
	assert_string_equal(out, "");
	assert_int_equal(access(missing, F_OK), -1);

	snprintf(file, sizeof(file), "%s/a-file", root);
	assert_int_equal(write_file_atomic(file, "x", 1, 0644), 0);
	assert_int_equal(run("-c", conf, "sync", "--upstream",
	    "http://127.0.0.1:9", "--record", file, NULL), 2);
	snprintf(want, sizeof(want), "wsusctl sync: --record %s: not a "
	    "directory\n", file);
	assert_string_equal(err, want);
	/* nothing was opened: no database either */
	snprintf(file, sizeof(file), "%s/wsusd.db", root);
	assert_int_equal(access(file, F_OK), -1);
}

static void
test_config_errors(void **state)
{
	char missing[160], want[200];

	(void)state;
	/* an explicit file that does not exist */
	snprintf(missing, sizeof(missing), "%s/missing.conf", root);
	assert_int_equal(run("-c", missing, "checkhealth", NULL), 2);
	assert_non_null(strstr(err, missing));
	assert_non_null(strstr(err, "No such file"));
	/* every error, as FILE:LINE: reason */
	assert_int_equal(run("-c", badconf, "checkhealth", NULL), 2);
	snprintf(want, sizeof(want), "%s:5: unknown key \"prot\" in "
	    "[listener main]", badconf);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:6: unknown section [nope]", badconf);
	assert_non_null(strstr(err, want));
	assert_string_equal(out, "");
	/* a command's --help works even then */
	assert_int_equal(run("-c", badconf, "checkhealth", "--help", NULL), 0);
	assert_non_null(strstr(out, "usage"));
}

static void
test_postinstall_checkhealth(void **state)
{
	char db[160];

	(void)state;
	snprintf(db, sizeof(db), "%s/wsusd.db", root);
	/* a query before postinstall does not create the database */
	assert_int_equal(run("-c", conf, "updates", "list", NULL), 1);
	assert_non_null(strstr(err, "postinstall"));
	assert_int_equal(access(db, F_OK), -1);
	assert_int_equal(run("-c", conf, "checkhealth", NULL), 1);
	assert_non_null(strstr(out, "FAIL  database"));
	assert_int_equal(access(db, F_OK), -1);

	assert_int_equal(run("-c", conf, "postinstall", NULL), 0);
	assert_non_null(strstr(out, "migrated  database schema from version 0"));
	assert_int_equal(run("-c", conf, "postinstall", NULL), 0);
	assert_non_null(strstr(out, "already up to date, nothing changed"));
	assert_int_equal(run("-c", conf, "-q", "postinstall", NULL), 0);
	assert_string_equal(out, "");

	assert_int_equal(run("-c", conf, "checkhealth", NULL), 0);
	assert_non_null(strstr(out, "OK    schema"));
	assert_non_null(strstr(out, "checkhealth: "));
	assert_non_null(strstr(out, " 0 FAIL"));
	assert_int_equal(run("-c", conf, "--json", "checkhealth", NULL), 0);
	assert_non_null(strstr(out, "\"status\": \"ok\""));
	assert_int_equal(run("-c", conf, "checkhealth", "-q", NULL), 0);
	assert_null(strstr(out, "OK "));
	/* now queries work */
	assert_int_equal(run("-c", conf, "groups", "list", NULL), 0);
}

/*
 * -c FILE after the command is still the global --config (issue 10,
 * defect 4: `updates list -c FILE` took it as --classification and read
 * the default configuration).
 */
static void
test_config_after_command(void **state)
{
	char want[200];

	(void)state;
	assert_int_equal(run("updates", "list", "-c", badconf, NULL), 2);
	snprintf(want, sizeof(want), "%s:5: unknown key \"prot\"", badconf);
	assert_non_null(strstr(err, want));
	assert_int_equal(run("updates", "list", "--config", badconf, NULL), 2);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "--config=%s", badconf);
	assert_int_equal(run("updates", "list", want, NULL), 2);
	assert_non_null(strstr(err, "unknown key"));

	assert_int_equal(run("postinstall", "-c", conf, NULL), 0);
	assert_int_equal(run("updates", "list", "-c", conf, NULL), 0);
	assert_string_equal(err, "");
	assert_int_equal(run("updates", "list", "--classification",
	    "Definition Updates", "-c", conf, "--json", NULL), 0);
	assert_string_equal(out, "[]\n");
	/* classification has no short option any more */
	assert_int_equal(run("-c", conf, "updates", "list", "-C", "x", NULL), 2);
	/* after "--" it is an argument, not an option */
	assert_int_equal(run("-c", conf, "groups", "create", "--", "-c",
	    NULL), 0);
	assert_int_equal(run("-c", conf, "groups", "list", NULL), 0);
	assert_non_null(strstr(out, "-c"));
	assert_int_equal(run("updates", "list", "-c", NULL), 2);
	assert_non_null(strstr(err, "-c needs a file name"));
}

/*
 * Every command of wsusctl's dispatch table (as `wsusctl --help` lists
 * them) and every subcommand its usage names has its place in
 * docs/WSUSCTL.md: a "## " heading naming the command, and
 * "wsusctl CMD SUB" for each subcommand (issue 10, defect 15).
 */
static void
test_docs_cover_commands(void **state)
{
	char *doc = NULL, *help, *p, *heads;
	size_t len, nheads = 0;
	int ncmd = 0;

	(void)state;
	assert_int_equal(read_file(docs, 1 << 22, &doc, &len), 0);
	/* the headings, one per line */
	heads = calloc(1, len + 1);
	assert_non_null(heads);
	for (p = doc; (p = strstr(p, "\n## ")) != NULL; p++) {
		char *e = strchr(p + 1, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		memcpy(heads + nheads, p, n);
		nheads += n;
	}
	assert_int_equal(run("--help", NULL), 0);
	help = strdup(out);
	assert_non_null(help);
	p = strstr(help, "Commands:\n");
	assert_non_null(p);
	for (p = strchr(p, '\n') + 1; strncmp(p, "  ", 2) == 0;
	    p = strchr(p, '\n') + 1) {
		char name[32], pat[48];
		size_t n = strcspn(p + 2, " ");

		assert_true(n > 0 && n < sizeof(name));
		memcpy(name, p + 2, n);
		name[n] = '\0';
		ncmd++;
		snprintf(pat, sizeof(pat), " %s", name);
		if (strstr(heads, pat) == NULL)
			fail_msg("docs/WSUSCTL.md has no heading for %s", name);
		/* each "wsusctl NAME SUB" of the command's usage */
		assert_int_equal(run(name, "--help", NULL), 0);
		for (char *q = out; (q = strstr(q, "wsusctl ")) != NULL; q++) {
			char sub[32], want[80];
			const char *s = q + 8;
			size_t m;

			if (strncmp(s, "[-c FILE] ", 10) == 0)
				s += 10;
			if (strncmp(s, name, n) != 0 || s[n] != ' ')
				continue;
			s += n + 1;
			m = strspn(s, "abcdefghijklmnopqrstuvwxyz-");
			if (m == 0 || m >= sizeof(sub) || s[m] == '-')
				continue;
			memcpy(sub, s, m);
			sub[m] = '\0';
			snprintf(want, sizeof(want), "wsusctl %s %s", name, sub);
			if (strstr(doc, want) == NULL)
				fail_msg("docs/WSUSCTL.md lacks \"%s\"", want);
		}
	}
	assert_true(ncmd >= 15);
	/* the schema version the examples show is the current one */
	assert_int_equal(run("-c", conf, "-q", "postinstall", NULL), 0);
	assert_int_equal(run("-c", conf, "checkhealth", NULL), 0);
	p = strstr(out, "OK    schema: version ");
	assert_non_null(p);
	*strchr(p, '\n') = '\0';
	if (strstr(doc, p) == NULL)
		fail_msg("docs/WSUSCTL.md does not show \"%s\"", p);
	free(heads);
	free(help);
	free(doc);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_and_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_record_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_postinstall_checkhealth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_after_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docs_cover_commands, setup, teardown),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s WSUSCTL WSUSCTL.md\n", argv[0]);
		return 2;
	}
	wsusctl = argv[1];
	docs = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
