/*
 * store_sqlite.c — the SQLite backend: URL parsing, open/close and
 * connection settings, the prepared-statement cache, transactions, error
 * mapping, schema version and migration, settings, and the ops table.
 * Updates, files, groups and approvals live in the other files of this
 * folder; the schema itself in migrations.c.
 *
 * Thread model: every handle is its own connection opened with
 * SQLITE_OPEN_NOMUTEX (SQLite's "multi-thread" mode): a handle must be
 * used by one thread at a time; open one per thread.  Processes and
 * threads share the database file through WAL and busy_timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/store_sqlite.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

/* PRAGMA application_id of a wsusd database: "WSUS". */
#define SQ_APPLICATION_ID	0x57535553
/* Mode of the database file and, through SQLite, its -wal and -shm. */
#define SQ_FILE_MODE		0600

/* ---- errors ---- */

int
sq_rc(int sqlite_rc)
{
	switch (sqlite_rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_CONSTRAINT:
		return STORE_INVALID;
	default:
		return STORE_ERROR;
	}
}

/*
 * What happened, in the words an administrator acts on, for the SQLite
 * result codes that come from the system rather than from wsusd: NULL
 * for the others (SQLite's own message says it then).
 */
static const char *
sq_cause(sqlite3 *db, int code)
{
	int e;

	switch (code & 0xff) {
	case SQLITE_FULL:
		return "disk full";
	case SQLITE_READONLY:
		return "database is read-only";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "database is locked by another process";
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return "database file is corrupt";
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return "permission denied";
	case SQLITE_NOMEM:
		return "out of memory";
	case SQLITE_CANTOPEN:
		return "cannot open the database file";
	case SQLITE_IOERR:
		e = sqlite3_system_errno(db);
		if (e == ENOSPC || e == EDQUOT)
			return "disk full";
		if (e == EROFS)
			return "database is read-only";
		return e != 0 ? strerror(e) : "I/O error";
	default:
		return NULL;
	}
}

int
sq_fail(struct sq *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	const char *cause = sq_cause(s->db, code);

	if (cause != NULL)
		return store_seterr(&s->base, sq_rc(code) == STORE_OK ?
		    STORE_ERROR : sq_rc(code), "%s: %s (%s)", what, cause,
		    sqlite3_errmsg(s->db));
	return store_seterr(&s->base, sq_rc(code) == STORE_OK ? STORE_ERROR :
	    sq_rc(code), "%s: %s", what, sqlite3_errmsg(s->db));
}

/* ---- statement cache ---- */

sqlite3_stmt *
sq_stmt(struct sq *s, const char *sql)
{
	size_t h, i;
	struct sq_slot *slot;
	sqlite3_stmt *stmt;

	h = ((uintptr_t)sql >> 3) * 2654435761u;
	for (i = 0; i < SQ_STMT_SLOTS; i++) {
		slot = &s->slots[(h + i) & (SQ_STMT_SLOTS - 1)];
		if (slot->sql == sql) {
			sqlite3_reset(slot->stmt);
			sqlite3_clear_bindings(slot->stmt);
			return slot->stmt;
		}
		if (slot->sql == NULL)
			break;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL) != SQLITE_OK) {
		sq_fail(s, "prepare");
		return NULL;
	}
	if (i == SQ_STMT_SLOTS) {
		/* Cannot happen with the statements we have; fail loudly. */
		sqlite3_finalize(stmt);
		store_seterr(&s->base, STORE_ERROR, "statement cache full");
		return NULL;
	}
	slot->sql = sql;
	slot->stmt = stmt;
	return stmt;
}

void
sq_done(sqlite3_stmt *stmt)
{
	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
}

int
sq_bind_text(sqlite3_stmt *stmt, int idx, const char *str)
{
	if (str == NULL)
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, str, -1, SQLITE_STATIC);
}

int
sq_exec_stmt(struct sq *s, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = sq_fail(s, what);
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}


int
sq_one_row(struct sq *s, sqlite3_stmt *stmt, const char *what, sq_row_fn row,
    void *arg, bool *found)
{
	int rc;

	if (found != NULL)
		*found = false;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		row(stmt, arg);
		if (found != NULL)
			*found = true;
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = STORE_OK;
	else
		rc = sq_fail(s, what);
	sq_done(stmt);
	return rc;
}

static void
int64_row(sqlite3_stmt *stmt, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(stmt, 0);
}

int
sq_one_int64(struct sq *s, sqlite3_stmt *stmt, const char *what,
    int64_t *out, bool *found)
{
	*out = 0;
	return sq_one_row(s, stmt, what, int64_row, out, found);
}

static void
text_row(sqlite3_stmt *stmt, void *arg)
{
	const char *v = sq_col_text(stmt, 0);

	if (v != NULL)
		*(char **)arg = xstrdup(v);
}

int
sq_one_text(struct sq *s, sqlite3_stmt *stmt, const char *what, char **out,
    bool *found)
{
	*out = NULL;
	return sq_one_row(s, stmt, what, text_row, out, found);
}

void
sq_two_counts_row(sqlite3_stmt *stmt, void *arg)
{
	size_t *v = arg;

	v[0] = (size_t)sqlite3_column_int64(stmt, 0);
	v[1] = (size_t)sqlite3_column_int64(stmt, 1);
}

const char *
sq_col_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

char *
sq_col_opt_dup(sqlite3_stmt *stmt, int i)
{
	const char *v = (const char *)sqlite3_column_text(stmt, i);

	return v != NULL && v[0] != '\0' ? xstrdup(v) : NULL;
}

const char *
sq_opt_text(const char *v)
{
	return v != NULL && v[0] != '\0' ? v : NULL;
}

int
sq_text_max(struct sq *s, const char *what, const char *v, size_t max)
{
	if (v != NULL && strlen(v) > max)
		return store_seterr(&s->base, STORE_INVALID, "%s is longer "
		    "than %zu bytes", what, max);
	return STORE_OK;
}

int
sq_one_int64_by_text(struct sq *s, const char *sql, const char *key,
    const char *what, int64_t *out, bool *found)
{
	sqlite3_stmt *stmt;

	*out = 0;
	if (found != NULL)
		*found = false;
	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, key);
	return sq_one_int64(s, stmt, what, out, found);
}

int
sq_one_int64_by_id(struct sq *s, const char *sql, int64_t id,
    const char *what, int64_t *out, bool *found)
{
	sqlite3_stmt *stmt;

	*out = 0;
	if (found != NULL)
		*found = false;
	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	return sq_one_int64(s, stmt, what, out, found);
}

int
sq_exec_by_id(struct sq *s, const char *sql, int64_t id, const char *what)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	return sq_exec_stmt(s, stmt, what);
}

/* ---- transactions ---- */

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
/* One call inside tx_begin .. tx_commit. */
static const char SQL_OP_SAVEPOINT[] = "SAVEPOINT op";
static const char SQL_OP_RELEASE[] = "RELEASE op";
static const char SQL_OP_ROLLBACK_TO[] = "ROLLBACK TO op";

int
sq_begin(struct sq *s)
{
	sqlite3_stmt *stmt;
	int rc;

	if (s->batch_tx && (rc = sq_batch_flush(s)) != STORE_OK)
		return rc;
	if (s->in_tx)
		return store_seterr(&s->base, STORE_ERROR,
		    "internal error: nested transaction");
	if (s->outer) {
		if (sqlite3_get_autocommit(s->db))
			return store_seterr(&s->base, STORE_ERROR,
			    "the enclosing transaction was rolled back by an "
			    "earlier error");
		if ((stmt = sq_stmt(s, SQL_OP_SAVEPOINT)) == NULL)
			return STORE_ERROR;
		if ((rc = sq_exec_stmt(s, stmt, "savepoint")) != STORE_OK)
			return rc;
		s->in_tx = true;
		return STORE_OK;
	}
	if ((stmt = sq_stmt(s, SQL_BEGIN)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_exec_stmt(s, stmt, "begin transaction")) != STORE_OK)
		return rc;
	s->in_tx = true;
	return STORE_OK;
}

int
sq_commit(struct sq *s)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = sq_stmt(s, s->outer ? SQL_OP_RELEASE : SQL_COMMIT)) ==
	    NULL) {
		sq_rollback(s);
		return STORE_ERROR;
	}
	if ((rc = sq_exec_stmt(s, stmt, "commit")) != STORE_OK) {
		sq_rollback(s);
		return rc;
	}
	s->in_tx = false;
	return STORE_OK;
}

void
sq_rollback(struct sq *s)
{
	sqlite3_stmt *stmt;

	if (s->outer) {			/* undo this call only */
		if (s->in_tx && !sqlite3_get_autocommit(s->db) &&
		    (stmt = sq_stmt(s, SQL_OP_ROLLBACK_TO)) != NULL) {
			sqlite3_step(stmt);
			sq_done(stmt);
			if ((stmt = sq_stmt(s, SQL_OP_RELEASE)) != NULL) {
				sqlite3_step(stmt);
				sq_done(stmt);
			}
		}
		s->in_tx = false;
		return;
	}
	if (!s->in_tx && sqlite3_get_autocommit(s->db))
		return;
	/* Keep the error text of whatever made us roll back. */
	if ((stmt = sq_stmt(s, SQL_ROLLBACK)) != NULL) {
		sqlite3_step(stmt);
		sq_done(stmt);
	}
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
}

/* ---- batches ---- */

static const char SQL_SAVEPOINT[] = "SAVEPOINT unit";
static const char SQL_RELEASE[] = "RELEASE unit";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO unit";

int
sq_batch_flush(struct sq *s)
{
	int rc, n = s->batch_n;

	if (!s->batch_tx)
		return STORE_OK;
	s->batch_tx = false;
	s->batch_n = 0;
	if ((rc = sq_commit(s)) != STORE_OK) {
		s->batch_failed = true;
		return store_seterr(&s->base, rc, "committing a batch of %d "
		    "imports failed (%s); they were not stored", n,
		    s->base.errmsg);
	}
	return STORE_OK;
}

/* After a failure SQLite may have rolled back the whole transaction. */
static void
batch_lost(struct sq *s)
{
	if (s->batch_tx && sqlite3_get_autocommit(s->db)) {
		size_t n = strlen(s->base.errmsg);

		snprintf(s->base.errmsg + n, sizeof(s->base.errmsg) - n,
		    " (the open batch of %d imports was rolled back)",
		    s->batch_n);
		s->batch_failed = true;
		s->batch_tx = false;
		s->batch_n = 0;
		s->in_tx = false;
	}
}

int
sq_unit_begin(struct sq *s)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!s->batch)
		return sq_begin(s);
	if (!s->batch_tx) {
		if ((rc = sq_begin(s)) != STORE_OK)
			return rc;
		s->batch_tx = true;
		s->batch_n = 0;
	}
	if ((stmt = sq_stmt(s, SQL_SAVEPOINT)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_exec_stmt(s, stmt, "savepoint")) != STORE_OK)
		batch_lost(s);
	return rc;
}

int
sq_unit_commit(struct sq *s)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!s->batch_tx)
		return sq_commit(s);
	if ((stmt = sq_stmt(s, SQL_RELEASE)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_exec_stmt(s, stmt, "release savepoint")) != STORE_OK) {
		sq_unit_rollback(s);
		return rc;
	}
	if (++s->batch_n >= STORE_BATCH_MAX)
		return sq_batch_flush(s);
	return STORE_OK;
}

void
sq_unit_rollback(struct sq *s)
{
	sqlite3_stmt *stmt;

	if (!s->batch_tx) {
		sq_rollback(s);
		return;
	}
	batch_lost(s);
	if (!s->batch_tx)
		return;
	if ((stmt = sq_stmt(s, SQL_ROLLBACK_TO)) != NULL) {
		sqlite3_step(stmt);
		sq_done(stmt);
	}
	if ((stmt = sq_stmt(s, SQL_RELEASE)) != NULL) {
		sqlite3_step(stmt);
		sq_done(stmt);
	}
	batch_lost(s);
}

int
sq_batch_begin(struct store *st)
{
	struct sq *s = (struct sq *)st;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (s->outer)
		return store_seterr(st, STORE_INVALID,
		    "an import batch cannot start inside a transaction");
	if (!s->batch) {
		s->batch = true;
		s->batch_failed = false;
	}
	return STORE_OK;
}

int
sq_batch_end(struct store *st)
{
	struct sq *s = (struct sq *)st;
	int rc;

	rc = sq_batch_flush(s);
	s->batch = false;
	if (rc == STORE_OK && s->batch_failed)
		rc = store_seterr(st, STORE_ERROR, "an import batch was not "
		    "stored (see the earlier error); run the import again");
	s->batch_failed = false;
	return rc;
}

static const char SQL_NEXT_CHANGE[] =
    "UPDATE counters SET value = value + 1 WHERE name = 'change' "
    "RETURNING value";

int
sq_next_change(struct sq *s, int64_t *seq)
{
	sqlite3_stmt *stmt;
	bool found;
	int rc;

	if ((stmt = sq_stmt(s, SQL_NEXT_CHANGE)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_one_int64(s, stmt, "change counter", seq, &found)) !=
	    STORE_OK)
		return rc;
	if (!found)
		return store_seterr(&s->base, STORE_ERROR, "change counter "
		    "missing");
	return STORE_OK;
}

/* ---- schema version ---- */

static int
pragma_int(struct sq *s, const char *sql, int *out)
{
	sqlite3_stmt *stmt;
	int rc;

	/* Not cached: used at open and during migrations only. */
	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return sq_fail(s, sql);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = sq_fail(s, sql);
		sqlite3_finalize(stmt);
		return rc;
	}
	*out = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return STORE_OK;
}

int
sq_user_version(struct sq *s, int *version)
{
	return pragma_int(s, "PRAGMA user_version", version);
}

static int
latest_version(void)
{
	return sq_migrations[sq_migrations_count - 1].version;
}

int
sq_ready(struct sq *s)
{
	int v, rc;

	if (s->schema_ok)
		return STORE_OK;
	if ((rc = sq_user_version(s, &v)) != STORE_OK)
		return rc;
	if (v == latest_version()) {
		s->schema_ok = true;
		return STORE_OK;
	}
	if (v > latest_version())
		return store_seterr(&s->base, STORE_ERROR, "database schema "
		    "version %d is newer than this build of wsusd knows (%d); "
		    "upgrade wsusd", v, latest_version());
	return store_seterr(&s->base, STORE_ERROR, "database schema is at "
	    "version %d, this build needs %d: run 'wsusctl postinstall' to "
	    "migrate it", v, latest_version());
}

int
sq_schema_version(struct store *st, int *current, int *latest)
{
	struct sq *s = (struct sq *)st;
	int v, rc;

	if ((rc = sq_user_version(s, &v)) != STORE_OK)
		return rc;
	if (current != NULL)
		*current = v;
	if (latest != NULL)
		*latest = latest_version();
	return STORE_OK;
}

int
sq_migrate_list(struct sq *s, const struct sq_migration *list, int count,
    int *from, int *to)
{
	char sql[64], *msg = NULL;
	int v, i, rc, latest;

	if (count <= 0)
		return store_seterr(&s->base, STORE_ERROR, "no migrations");
	latest = list[count - 1].version;
	if ((rc = sq_user_version(s, &v)) != STORE_OK)
		return rc;
	if (from != NULL)
		*from = v;
	if (to != NULL)
		*to = v;
	if (v > latest)
		return store_seterr(&s->base, STORE_ERROR, "database schema "
		    "version %d is newer than this build of wsusd knows (%d); "
		    "refusing to touch it", v, latest);
	for (i = 0; i < count; i++) {
		if (list[i].version <= v)
			continue;
		if ((rc = sq_begin(s)) != STORE_OK)
			return rc;
		/* Another process may have migrated since we looked. */
		if ((rc = sq_user_version(s, &v)) != STORE_OK) {
			sq_rollback(s);
			return rc;
		}
		if (v >= list[i].version) {
			sq_rollback(s);
			continue;
		}
		if (v != list[i].version - 1) {
			sq_rollback(s);
			return store_seterr(&s->base, STORE_ERROR, "database "
			    "schema version %d cannot be migrated by step %d "
			    "(%s)", v, list[i].version, list[i].name);
		}
		if (sqlite3_exec(s->db, list[i].sql, NULL, NULL, &msg) !=
		    SQLITE_OK) {
			rc = store_seterr(&s->base, STORE_ERROR, "migration %d "
			    "(%s) failed: %s", list[i].version, list[i].name,
			    msg != NULL ? msg : sqlite3_errmsg(s->db));
			sqlite3_free(msg);
			sq_rollback(s);
			return rc;
		}
		if (list[i].post != NULL && (rc = list[i].post(s)) != STORE_OK) {
			rc = store_seterr(&s->base, rc, "migration %d (%s) "
			    "failed: %s", list[i].version, list[i].name,
			    s->base.errmsg);
			sq_rollback(s);
			return rc;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    list[i].version);
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			rc = sq_fail(s, "set schema version");
			sq_rollback(s);
			return rc;
		}
		if ((rc = sq_commit(s)) != STORE_OK)
			return rc;
		v = list[i].version;
		if (to != NULL)
			*to = v;
	}
	if (to != NULL)
		*to = v;
	s->schema_ok = (v == latest_version());
	return STORE_OK;
}

int
sq_migrate(struct store *st, int *from, int *to)
{
	return sq_migrate_list((struct sq *)st, sq_migrations,
	    sq_migrations_count, from, to);
}

/* ---- open / close ---- */

/*
 * sqlite:///abs/path.db, sqlite:/abs/path.db, sqlite:relative.db,
 * sqlite::memory: -> the file name for SQLite (URI names are off, so
 * the name is taken literally).
 */
static int
parse_url(const char *url, const char **path, char *err, size_t errlen)
{
	const char *p;

	if (strncasecmp(url, "sqlite:", 7) != 0) {
		snprintf(err, errlen, "not a sqlite: URL");
		return -1;
	}
	p = url + 7;
	if (strncmp(p, "//", 2) == 0) {
		if (p[2] != '/') {
			snprintf(err, errlen, "database URL \"%.200s\": a host "
			    "part is not supported; use sqlite:///absolute/"
			    "path.db or sqlite:relative/path.db", url);
			return -1;
		}
		p += 2;
	}
	if (*p == '\0') {
		snprintf(err, errlen, "database URL \"%.200s\" has no file "
		    "name", url);
		return -1;
	}
	if (strlen(p) >= PATH_MAX) {
		snprintf(err, errlen, "database path is too long");
		return -1;
	}
	*path = p;
	return 0;
}

static void
sq_free(struct sq *s)
{
	size_t i;

	for (i = 0; i < SQ_STMT_SLOTS; i++)
		if (s->slots[i].stmt != NULL)
			sqlite3_finalize(s->slots[i].stmt);
	if (s->db != NULL)
		sqlite3_close_v2(s->db);
	zblob_free(&s->z);
	free(s->path);
	free(s);
}

static void
sq_close(struct store *st)
{
	struct sq *s = (struct sq *)st;

	if (s == NULL)
		return;
	if (s->outer)
		sq_tx_rollback(st);
	if (s->batch_tx)
		sq_batch_flush(s);
	if (s->in_tx)
		sq_rollback(s);
	sq_free(s);
}

/*
 * The database holds secrets (the cookie key): it and its -wal and -shm
 * are the service user's alone.  A new database file is created 0600
 * here, before SQLite opens it; SQLite creates -wal and -shm with the
 * mode of the database file, whatever the umask.  Existing files are
 * not changed here (checkhealth only reads; `wsusctl postinstall`
 * tightens them).
 */
static void
sq_create_private(const char *path)
{
	int fd;

	if (strcmp(path, ":memory:") == 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    SQ_FILE_MODE);
	if (fd != -1)
		close(fd);
}

/* "PATH: [what: ]cause (SQLite's text)" for a failure while opening. */
static void
sq_open_err(struct sq *s, const char *what, const char *text, char *err,
    size_t errlen)
{
	const char *cause = sq_cause(s->db, sqlite3_extended_errcode(s->db));

	if (cause != NULL)
		snprintf(err, errlen, "%s: %s%s (%s)", s->path, what, cause,
		    text);
	else
		snprintf(err, errlen, "%s: %s%s", s->path, what, text);
}

static int
sq_open(const char *url, struct store **out, char *err, size_t errlen)
{
	static const char pragmas[] =
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA temp_store = MEMORY;"
	    "PRAGMA cache_size = -16384;"
	    /* after a checkpoint restarts the log, cut the file back */
	    "PRAGMA journal_size_limit = 67108864;";
	struct sq *s;
	const char *path;
	char *msg = NULL;
	int rc, v = 0, appid = 0, latest;
	sqlite3_stmt *stmt;

	*out = NULL;
	if (parse_url(url, &path, err, errlen) == -1)
		return STORE_INVALID;
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_sqlite_ops;
	s->path = xstrdup(path);
	zblob_init(&s->z);
	sq_create_private(s->path);
	rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK)
		goto fail_msg;
	/* WAL: returns the mode now in effect ("memory" for :memory:). */
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL) != SQLITE_OK)
		goto fail_db;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sq_open_err(s, "cannot enable WAL: ", sqlite3_errmsg(s->db),
		    err, errlen);
		sqlite3_finalize(stmt);
		rc = sq_rc(rc);
		goto fail_rc;
	} else {
		const char *mode = (const char *)sqlite3_column_text(stmt, 0);

		if (mode == NULL || (strcasecmp(mode, "wal") != 0 &&
		    strcasecmp(mode, "memory") != 0)) {
			snprintf(err, errlen, "%s: cannot enable WAL (journal "
			    "mode stays %s)", s->path, mode ? mode : "?");
			sqlite3_finalize(stmt);
			goto fail;
		}
	}
	sqlite3_finalize(stmt);
	if (pragma_int(s, "PRAGMA application_id", &appid) != STORE_OK ||
	    sq_user_version(s, &v) != STORE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, s->base.errmsg);
		goto fail;
	}
	latest = latest_version();
	if ((appid != 0 && appid != SQ_APPLICATION_ID) ||
	    (appid == 0 && v != 0)) {
		snprintf(err, errlen, "%s: not a wsusd database "
		    "(application_id %#x, user_version %d)", s->path,
		    (unsigned)appid, v);
		goto fail;
	}
	if (v > latest) {
		snprintf(err, errlen, "%s: database schema version %d is newer "
		    "than this build of wsusd knows (%d); upgrade wsusd",
		    s->path, v, latest);
		goto fail;
	}
	s->schema_ok = (v == latest);
	*out = &s->base;
	return STORE_OK;

fail_msg:
	sq_open_err(s, "", msg != NULL ? msg : sqlite3_errmsg(s->db), err,
	    errlen);
	sqlite3_free(msg);
	rc = sq_rc(sqlite3_extended_errcode(s->db));
	goto fail_rc;
fail_db:
	sq_open_err(s, "", sqlite3_errmsg(s->db), err, errlen);
fail:
	rc = STORE_ERROR;
fail_rc:
	if (rc == STORE_OK || rc == STORE_INVALID)
		rc = STORE_ERROR;
	sq_free(s);
	return rc;
}

/* WAL size above which sq_maintain() waits for readers to truncate it. */
#define SQ_WAL_RESTART_BYTES	(64LL * 1024 * 1024)

int
sq_maintain(struct store *st)
{
	struct sq *s = (struct sq *)st;
	char wal[4096];
	struct stat sb;
	int mode = SQLITE_CHECKPOINT_PASSIVE, rc;

	if (s->in_tx || s->batch || s->outer)
		return STORE_OK;
	if (snprintf(wal, sizeof(wal), "%s-wal", s->path) < (int)sizeof(wal) &&
	    stat(wal, &sb) == 0 && sb.st_size > SQ_WAL_RESTART_BYTES)
		mode = SQLITE_CHECKPOINT_TRUNCATE;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, mode, NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return STORE_BUSY;
	if (rc != SQLITE_OK)
		return sq_fail(s, "checkpoint");
	return STORE_OK;
}

/* The tables: one per domain, each generated from its X-macro list. */
static const struct store_updates_ops sq_updates_ops = {
	STORE_OPS_UPDATES(STORE_OP_INIT, sq)
};
static const struct store_groups_ops sq_groups_ops = {
	STORE_OPS_GROUPS(STORE_OP_INIT, sq)
};
static const struct store_computers_ops sq_computers_ops = {
	STORE_OPS_COMPUTERS(STORE_OP_INIT, sq)
};
static const struct store_reporting_ops sq_reporting_ops = {
	STORE_OPS_REPORTING(STORE_OP_INIT, sq)
};
static const struct store_catalog_ops sq_catalog_ops = {
	STORE_OPS_CATALOG(STORE_OP_INIT, sq)
};
static const struct store_rollup_ops sq_rollup_ops = {
	STORE_OPS_ROLLUP(STORE_OP_INIT, sq)
};
static const struct store_sync_state_ops sq_sync_state_ops = {
	STORE_OPS_SYNC_STATE(STORE_OP_INIT, sq)
};
static const struct store_sync_service_ops sq_sync_service_ops = {
	STORE_OPS_SYNC_SERVICE(STORE_OP_INIT, sq)
};

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	STORE_OPS_CORE(STORE_OP_INIT, sq)
	.updates = &sq_updates_ops,
	.groups = &sq_groups_ops,
	.computers = &sq_computers_ops,
	.reporting = &sq_reporting_ops,
	.catalog = &sq_catalog_ops,
	.rollup = &sq_rollup_ops,
	.sync_state = &sq_sync_state_ops,
	.sync_service = &sq_sync_service_ops,
};
