/*
 * test_backup.c — `wsusctl backup` and `wsusctl restore` (cli/cmd_maint.c,
 * store/sqlite/backup.c) against a real wsusd on loopback: a backup taken
 * while wsusd serves is a whole, checked copy (mode 0600, journal mode
 * delete, the data of the moment); restore is refused while wsusd has the
 * database open and changes nothing then; stopped, restore brings the
 * backup back, keeps the old database and wsusd starts on it; damaged,
 * foreign and too-new files are refused before anything is replaced.
 *
 * usage: test_cli_backup WSUSD WSUSCTL
 */
#include <fcntl.h>
#include <glob.h>
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
#include <sqlite3.h>

#include "cli_fx.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(tl_wsusd_setup(&fx->w, "test-backup", NULL), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	tl_wsusd_cleanup(&fx->w);
	free(fx);
	return 0;
}

static void
path(struct fx *fx, char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", fx->w.dir, name);
}

/* PRAGMA name of the database file (read-only). */
static int
pragma(const char *file, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[64];
	int v = -1;

	assert_int_equal(sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_TEXT ?
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal") ==
		    0 : sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
test_backup_restore(void **state)
{
	struct fx *fx = *state;
	char bak[256], want[512], pat[256], conf2[256], text[1024];
	struct stat sb;
	glob_t g;

	CTL(fx, 0, "groups", "create", "Ring1");
	assert_int_equal(tl_wsusd_start(&fx->w), 0);

	/* a backup while wsusd serves */
	path(fx, bak, sizeof(bak), "b1.db");
	CTL(fx, 0, "backup", bak);
	snprintf(want, sizeof(want), "backup: wrote %s (schema version ", bak);
	HAS(fx, want);
	assert_int_equal(stat(bak, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(pragma(bak, "journal_mode"), 0);	/* not WAL */
	assert_int_equal(pragma(bak, "user_version"),
	    pragma(fx->w.db, "user_version"));
	CTL(fx, 0, "restore", "--check", bak);
	HAS(fx, "is a whole wsusd database");
	/* the backup is a database wsusctl can read: Ring1 is in it */
	path(fx, conf2, sizeof(conf2), "backup.conf");
	snprintf(text, sizeof(text), "[server]\ncontent_dir = %s\n"
	    "database = sqlite://%s\nstate_dir = %s\n", fx->w.content, bak,
	    fx->w.dir);
	assert_int_equal(tl_write_file(conf2, text, strlen(text)), 0);
	CTL(fx, 0, "groups", "list", "-c", conf2);
	HAS(fx, "Ring1");
	/* a second backup over the first replaces it */
	CTL(fx, 0, "--json", "backup", bak);
	HAS(fx, "\"schema_version\"");

	/* after the backup, a change */
	CTL(fx, 0, "groups", "create", "Ring2");

	/* restore refused while wsusd has the database open */
	CTL(fx, 1, "restore", bak);
	snprintf(want, sizeof(want), "(pid %ld) has the database %s open; stop "
	    "wsusd first", (long)fx->w.pid, fx->w.db);
	HAS(fx, want);
	HAS(fx, "restore refused: wsusd");
	CTL(fx, 0, "groups", "list");
	HAS(fx, "Ring2");

	/* stopped: restored, old database kept, wsusd starts on it */
	assert_int_equal(tl_wsusd_stop(&fx->w), 0);
	CTL(fx, 0, "restore", bak);
	snprintf(want, sizeof(want), "replaced by %s", bak);
	HAS(fx, want);
	HAS(fx, "the previous database is kept as ");
	CTL(fx, 0, "groups", "list");
	HAS(fx, "Ring1");
	if (strstr(fx->out, "Ring2") != NULL)
		fail_msg("Ring2 survived the restore:\n%s", fx->out);
	snprintf(pat, sizeof(pat), "%s.pre-restore-*", fx->w.db);
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	snprintf(conf2, sizeof(conf2), "%s", g.gl_pathv[0]);
	globfree(&g);
	assert_int_equal(pragma(conf2, "user_version"),
	    pragma(fx->w.db, "user_version"));
	assert_int_equal(stat(fx->w.db, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(tl_wsusd_start(&fx->w), 0);
	CTL(fx, 0, "checkhealth");
	assert_int_equal(tl_wsusd_stop(&fx->w), 0);
}

static void
test_restore_refuses_bad_files(void **state)
{
	struct fx *fx = *state;
	char bak[256], bad[256], *data;
	size_t len;
	sqlite3 *db;

	CTL(fx, 0, "groups", "create", "Keep");
	path(fx, bak, sizeof(bak), "b.db");
	CTL(fx, 0, "backup", bak);

	/* not a database */
	path(fx, bad, sizeof(bad), "text.db");
	assert_int_equal(tl_write_file(bad, "hello, world\n", 13), 0);
	CTL(fx, 1, "restore", bad);
	HAS(fx, "restore: ");
	HAS(fx, "not a SQLite database");
	/* missing */
	path(fx, bad, sizeof(bad), "none.db");
	CTL(fx, 1, "restore", bad);
	HAS(fx, "No such file");
	/* damaged: pages 2 and 3 overwritten */
	assert_int_equal(read_file(bak, 1 << 26, &data, &len), 0);
	assert_true(len > 3 * 4096);
	memset(data + 4096, 0xA5, 2 * 4096);
	path(fx, bad, sizeof(bad), "damaged.db");
	assert_int_equal(tl_write_file(bad, data, len), 0);
	free(data);
	CTL(fx, 1, "restore", "--check", bad);
	HAS(fx, "restore: ");
	CTL(fx, 1, "restore", bad);
	/* a schema newer than this build */
	path(fx, bad, sizeof(bad), "new.db");
	assert_int_equal(read_file(bak, 1 << 26, &data, &len), 0);
	assert_int_equal(tl_write_file(bad, data, len), 0);
	free(data);
	assert_int_equal(sqlite3_open(bad, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	CTL(fx, 1, "restore", bad);
	HAS(fx, "schema version 999 is newer than this build knows");
	/* another application's SQLite database */
	path(fx, bad, sizeof(bad), "other.db");
	assert_int_equal(sqlite3_open(bad, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	CTL(fx, 1, "restore", bad);
	HAS(fx, "not a wsusd database");
	/* none of it touched the database */
	CTL(fx, 0, "groups", "list");
	HAS(fx, "Keep");
	/* usage */
	CTL(fx, 2, "restore");
	CTL(fx, 2, "backup");
	CTL(fx, 2, "backup", "a", "b");
	CTL(fx, 0, "backup", "--help");
	HAS(fx, "usage: wsusctl backup FILE");
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_restore, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restore_refuses_bad_files,
		    setup, teardown),
	};

	if (tl_main_args(argc, argv, 2, "WSUSD WSUSCTL") != 0)
		return 2;
	unsetenv("COLUMNS");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
