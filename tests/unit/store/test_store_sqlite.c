/*
 * test_store_sqlite.c — the SQLite backend itself: URLs, open and what
 * it refuses, schema migrations (also interrupted ones), file modes,
 * error causes, settings, batches and housekeeping (WAL, maintain).
 * Revision import, the update listing and files are in
 * test_store_import.c; groups and approvals in test_store_approvals.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store.h"
#include "store_test.h"

/* ---- URLs and open ---- */

static void
test_urls(void **state)
{
	struct store *st = NULL;
	struct tdb t;
	char err[512], url[400], cwd[4096];
	const struct store_ops *ops;

	(void)state;
	ops = store_backend_find("sqlite:x.db");
	assert_non_null(ops);
	assert_string_equal(ops->scheme, "sqlite");
	assert_non_null(store_backend_find("SQLite:///x.db"));
	assert_null(store_backend_find("postgresql://h/db"));
	assert_null(store_backend_find("nonsense"));
	assert_null(store_backend_find(NULL));

	assert_int_equal(store_open("sqlite::memory:", &st, err, sizeof(err)),
	    STORE_OK);
	assert_non_null(st);
	store_close(st);

	err[0] = '\0';
	assert_int_equal(store_open("postgresql://localhost/wsus", &st, err,
	    sizeof(err)), STORE_INVALID);
	assert_null(st);
	assert_non_null(strstr(err, "not supported yet"));
	assert_int_equal(store_open("postgres://x", &st, err, sizeof(err)),
	    STORE_INVALID);
	assert_non_null(strstr(err, "not supported yet"));
	assert_int_equal(store_open("mysql://x/y", &st, err, sizeof(err)),
	    STORE_INVALID);
	assert_non_null(strstr(err, "not known"));
	assert_int_equal(store_open("/var/lib/wsusd.db", &st, err, sizeof(err)),
	    STORE_INVALID);
	assert_non_null(strstr(err, "no scheme"));
	assert_int_equal(store_open("", &st, err, sizeof(err)), STORE_INVALID);
	assert_int_equal(store_open(NULL, &st, err, sizeof(err)),
	    STORE_INVALID);
	assert_int_equal(store_open("sqlite:", &st, err, sizeof(err)),
	    STORE_INVALID);
	assert_int_equal(store_open("sqlite://host/x.db", &st, err,
	    sizeof(err)), STORE_INVALID);
	assert_non_null(strstr(err, "host"));
	assert_null(st);

	/* sqlite:///abs, sqlite:/abs and sqlite:relative name one file. */
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_setting_set(st, "k", "v"), STORE_OK);
	store_close(st);
	snprintf(url, sizeof(url), "sqlite:%s", t.path);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	store_close(st);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t.dir), 0);
	assert_int_equal(store_open("sqlite:wsusd.db", &st, err, sizeof(err)),
	    STORE_OK);
	{
		char *v = NULL;

		assert_int_equal(store_setting_get(st, "k", &v), STORE_OK);
		assert_string_equal(v, "v");
		free(v);
	}
	store_close(st);
	assert_int_equal(chdir(cwd), 0);
	tdb_remove(&t);
}

static void
test_open_refuses(void **state)
{
	struct store *st = NULL;
	struct tdb t;
	sqlite3 *db;
	char err[512], *v = NULL;
	int cur, latest;
	FILE *fp;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_schema_version(st, &cur, &latest), STORE_OK);
	assert_int_equal(cur, latest);
	/* Pretend a newer wsusd migrated it. */
	t_sql_exec(st, "PRAGMA user_version = 999");
	store_close(st);
	st = NULL;
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_ERROR);
	assert_null(st);
	assert_non_null(strstr(err, "newer"));
	tdb_remove(&t);

	/* Some other application's database. */
	tdb_make(&t);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x(a); "
	    "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_ERROR);
	assert_non_null(strstr(err, "not a wsusd database"));
	tdb_remove(&t);

	/* Not a database at all. */
	tdb_make(&t);
	fp = fopen(t.path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not sqlite ", fp);
	fclose(fp);
	assert_int_not_equal(store_open(t.url, &st, err, sizeof(err)),
	    STORE_OK);
	assert_null(st);
	{
		char want[600];

		/* one line naming what happened, SQLite's words after it */
		snprintf(want, sizeof(want), "%s: database file is corrupt "
		    "(file is not a database)", t.path);
		assert_string_equal(err, want);
	}
	tdb_remove(&t);

	/* Unmigrated: opens, but data operations say to migrate. */
	tdb_make(&t);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_schema_version(st, &cur, &latest), STORE_OK);
	assert_int_equal(cur, 0);
	assert_true(latest >= 1);
	assert_int_equal(store_setting_get(st, "k", &v), STORE_ERROR);
	assert_non_null(strstr(store_errmsg(st), "postinstall"));
	store_close(st);
	tdb_remove(&t);
}

/* ---- migrations ---- */

static void
test_migrate(void **state)
{
	struct store *st = NULL;
	struct tdb t;
	char err[512], *v = NULL;
	int from = -1, to = -1, cur, latest;
	struct tu *a;
	int64_t rid;

	(void)state;
	tdb_make(&t);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(from, 0);
	assert_int_equal(store_schema_version(st, &cur, &latest), STORE_OK);
	assert_int_equal(to, latest);
	assert_int_equal(cur, latest);
	/* Settings as promised by open(): WAL, foreign keys. */
	assert_int_equal(t_sql_int(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(t_sql_int(st, "PRAGMA application_id"), 0x57535553);
	{
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_prepare_v2(((struct sq *)st)->db,
		    "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0),
		    "wal");
		sqlite3_finalize(s);
	}
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM target_groups"), 2);

	a = tu_new(U_A, 200, UPDATE_TYPE_SOFTWARE, "Update A");
	rid = t_import(st, a, NULL);
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, "abc"),
	    STORE_OK);

	/* Twice: nothing to do, nothing lost. */
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(from, latest);
	assert_int_equal(to, latest);
	store_close(st);

	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(from, to);
	assert_int_equal(store_setting_get(st, SETTING_SERVER_ID, &v), STORE_OK);
	assert_string_equal(v, "abc");
	free(v);
	{
		int64_t r2;

		assert_int_equal(store_revision_lookup(st, U_A, -1, &r2),
		    STORE_OK);
		assert_int_equal(r2, rid);
	}
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM target_groups"), 2);
	store_close(st);
	tu_free(a);
	tdb_remove(&t);
}

static mode_t
file_mode(const char *path, const char *suffix)
{
	char p[400];
	struct stat sb;

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	assert_int_equal(stat(p, &sb), 0);
	return sb.st_mode & 07777;
}

/*
 * The database holds the cookie key: created 0600 with its -wal and
 * -shm whatever the umask.  Existing files keep their mode (postinstall
 * tightens them; checkhealth reports them).
 */
static void
test_file_modes(void **state)
{
	struct store *st = NULL;
	struct tdb t;
	char err[512];
	int from, to;
	mode_t old;

	(void)state;
	tdb_make(&t);
	old = umask(022);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, "abc"),
	    STORE_OK);
	assert_int_equal(file_mode(t.path, ""), 0600);
	assert_int_equal(file_mode(t.path, "-wal"), 0600);
	assert_int_equal(file_mode(t.path, "-shm"), 0600);
	store_close(st);

	assert_int_equal(chmod(t.path, 0640), 0);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(file_mode(t.path, ""), 0640);
	store_close(st);
	umask(old);
	tdb_remove(&t);
}

/*
 * A write the database refuses says so first, in one line: a connection
 * made read-only (PRAGMA query_only: SQLITE_READONLY, as a read-only
 * file or mount gives).
 */
static void
test_error_cause(void **state)
{
	struct store *st;
	struct tdb t;
	const char *m;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_sql_exec(st, "PRAGMA query_only = ON");
	assert_int_equal(store_setting_set(st, SETTING_SERVER_ID, "abc"),
	    STORE_ERROR);
	m = store_errmsg(st);
	if (strstr(m, ": database is read-only (attempt to write a readonly "
	    "database)") == NULL || strchr(m, '\n') != NULL)
		fail_msg("errmsg: %s", m);
	store_close(st);
	tdb_remove(&t);
}

static void
test_migrate_interrupted(void **state)
{
	struct store *st = NULL;
	struct tdb t;
	char err[512];
	int from, to;
	/* every real migration, then one test step after them */
	enum { MAXM = 64 };
	struct sq_migration bad[MAXM], good[MAXM];
	int n = sq_migrations_count, last = sq_migrations[n - 1].version;

	(void)state;
	assert_true(n + 1 <= MAXM);
	for (int i = 0; i < n; i++)
		bad[i] = good[i] = sq_migrations[i];
	bad[n] = (struct sq_migration){ last + 1, "test step",
	    "CREATE TABLE t2 (x INTEGER) STRICT;"
	    "INSERT INTO no_such_table VALUES (1);", NULL };
	good[n] = (struct sq_migration){ last + 1, "test step",
	    "CREATE TABLE t2 (x INTEGER) STRICT;"
	    "INSERT INTO t2 VALUES (1);", NULL };

	tdb_make(&t);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(sq_migrate_list((struct sq *)st, bad, n + 1, &from, &to),
	    STORE_ERROR);
	snprintf(err, sizeof(err), "migration %d", last + 1);
	assert_non_null(strstr(store_errmsg(st), err));
	/* The real steps committed, the failing one left no trace. */
	assert_int_equal(t_sql_int(st, "PRAGMA user_version"), last);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 't2'"), 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM target_groups"), 2);
	/* Running again continues from the last good step. */
	assert_int_equal(sq_migrate_list((struct sq *)st, good, n + 1, &from, &to),
	    STORE_OK);
	assert_int_equal(from, last);
	assert_int_equal(to, last + 1);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM t2"), 1);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM target_groups"), 2);
	/* This build's own list now sees a newer schema and refuses. */
	assert_int_equal(store_migrate(st, &from, &to), STORE_ERROR);
	assert_non_null(strstr(store_errmsg(st), "newer"));
	store_close(st);
	tdb_remove(&t);
}

/* ---- settings ---- */

static void
test_settings(void **state)
{
	struct store *st;
	struct tdb t;
	char *v = NULL;
	bool created = false;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_setting_get(st, "nope", &v), STORE_NOTFOUND);
	assert_null(v);
	assert_non_null(strstr(store_errmsg(st), "nope"));
	assert_int_equal(store_setting_set(st, "a", "1"), STORE_OK);
	assert_int_equal(store_setting_set(st, "a", "2"), STORE_OK);
	assert_int_equal(store_setting_get(st, "a", &v), STORE_OK);
	assert_string_equal(v, "2");
	free(v);
	assert_int_equal(store_setting_init(st, "b", "x", &created), STORE_OK);
	assert_true(created);
	assert_int_equal(store_setting_init(st, "b", "y", &created), STORE_OK);
	assert_false(created);
	assert_int_equal(store_setting_get(st, "b", &v), STORE_OK);
	assert_string_equal(v, "x");
	free(v);
	assert_int_equal(store_setting_set(st, "", "x"), STORE_INVALID);
	assert_int_equal(store_setting_set(st, "a b", "x"), STORE_INVALID);
	assert_int_equal(store_setting_set(st, NULL, "x"), STORE_INVALID);
	assert_int_equal(store_setting_set(st, "a", NULL), STORE_INVALID);
	store_close(st);
	tdb_remove(&t);
}

/* ---- batches ---- */

static void
test_batch(void **state)
{
	struct store *st;
	struct tdb t;
	struct tu *a, *b, *bad;
	char err[512], uid[GUID_STRLEN + 1];
	int64_t ra, ra2, gid;
	size_t nrev, nupd;
	bool created;
	int i;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	a = tu_new(U_A, 1, UPDATE_TYPE_SOFTWARE, "A");
	b = tu_new(U_B, 1, UPDATE_TYPE_SOFTWARE, "B");
	bad = tu_new(U_C, 1, UPDATE_TYPE_SOFTWARE, "C");
	tu_file(bad, "c.cab", 3, 3, false);
	tu_lang(bad, "en", "duplicate language", NULL);

	assert_int_equal(store_batch_begin(st), STORE_OK);
	ra = t_import(st, a, &created);
	assert_true(created);
	/* Same revision again inside the batch: found, not duplicated. */
	ra2 = t_import(st, a, &created);
	assert_false(created);
	assert_int_equal(ra, ra2);
	/* A failing import in the middle rolls back only itself. */
	assert_int_equal(store_revision_import(st, &bad->u, &bad->d, &ra2,
	    &created), STORE_INVALID);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM files"), 0);
	t_import(st, b, NULL);
	/* Not yet committed: a second connection does not see it. */
	{
		struct store *other;

		assert_int_equal(store_open(t.url, &other, err, sizeof(err)),
		    STORE_OK);
		assert_int_equal(store_update_count(other, &nrev, &nupd),
		    STORE_OK);
		assert_int_equal(nrev, 0);
		store_close(other);
	}
	/* Another mutation commits the batch first, then runs. */
	assert_int_equal(store_group_create(st, "G", 0, &gid), STORE_OK);
	assert_int_equal(store_approve(st, U_A, gid, APPROVAL_INSTALL, 0, NULL,
	    NULL), STORE_OK);
	/* More than one batch worth of imports. */
	for (i = 0; i < STORE_BATCH_MAX + 10; i++) {
		snprintf(uid, sizeof(uid), "1%07x-0000-4000-8000-000000000000",
		    (unsigned)i);
		t_import_new(st, uid, 1, UPDATE_TYPE_SOFTWARE, "bulk");
	}
	assert_int_equal(store_batch_end(st), STORE_OK);
	assert_int_equal(store_update_count(st, &nrev, &nupd), STORE_OK);
	assert_int_equal(nrev, 2 + STORE_BATCH_MAX + 10);

	/* close() commits an unfinished batch. */
	assert_int_equal(store_batch_begin(st), STORE_OK);
	tu_str(&bad->u.creation_date, NULL);
	bad->u.nlocalized--;
	free(bad->u.localized[bad->u.nlocalized].title);
	t_import(st, bad, &created);
	assert_true(created);
	store_close(st);
	assert_int_equal(store_open(t.url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_update_count(st, &nrev, &nupd), STORE_OK);
	assert_int_equal(nrev, 3 + STORE_BATCH_MAX + 10);
	assert_int_equal(store_revision_lookup(st, U_A, 1, &ra2), STORE_OK);
	assert_int_equal(ra2, ra);
	/* batch_end without batch_begin is harmless. */
	assert_int_equal(store_batch_end(st), STORE_OK);
	store_close(st);
	tu_free(a);
	tu_free(b);
	tu_free(bad);
	tdb_remove(&t);
}

/* ---- housekeeping ---- */

static off_t
wal_size(const struct tdb *t)
{
	char p[400];
	struct stat sb;

	snprintf(p, sizeof(p), "%s-wal", t->path);
	return stat(p, &sb) == 0 ? sb.st_size : 0;
}

static void
test_maintain(void **state)
{
	struct store *st, *reader, *maint;
	struct tdb t;
	struct tu *a;
	char err[512];
	bool created;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	a = tu_new(U_A, 1, UPDATE_TYPE_SOFTWARE, "A");
	t_import(st, a, &created);
	assert_true(wal_size(&t) > 0);
	assert_int_equal(store_open(t.url, &maint, err, sizeof(err)), STORE_OK);
	/* with nobody reading, housekeeping succeeds and loses nothing */
	assert_int_equal(store_maintain(maint), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM revisions"), 1);
	/* a reader holding a snapshot: housekeeping must not fail or block it */
	assert_int_equal(store_open(t.url, &reader, err, sizeof(err)), STORE_OK);
	t_sql_exec(reader, "BEGIN; SELECT count(*) FROM revisions;");
	t_sql_exec(st, "INSERT INTO settings(key, value) VALUES ('k', 'v')");
	int rc = store_maintain(maint);
	assert_true(rc == STORE_OK || rc == STORE_BUSY);
	t_sql_exec(reader, "COMMIT");
	assert_int_equal(store_maintain(maint), STORE_OK);
	store_close(reader);
	store_close(maint);
	store_close(st);
	tu_free(a);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test(test_migrate),
		cmocka_unit_test(test_migrate_interrupted),
		cmocka_unit_test(test_file_modes),
		cmocka_unit_test(test_error_cause),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_maintain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
