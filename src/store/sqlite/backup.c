/*
 * backup.c — store_backup, store_backup_check and store_restore for the
 * SQLite backend (see store/backup.h), on their own connections through
 * SQLite's online backup API.  Not here: the store handle's operations
 * (store_sqlite.c) or deciding whether wsusd runs (cli/cmd_maint.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/backup.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/fsutil.h"

/* PRAGMA application_id of a wsusd database ("WSUS"; SQ_APPLICATION_ID
 * of store_sqlite.c) */
#define BACKUP_APPLICATION_ID	0x57535553
#define BACKUP_PAGES	256	/* pages copied per backup step */
#define BACKUP_SLEEP_MS	50	/* wait when the source is locked */
#define BACKUP_TRIES	1200	/* locked steps before giving up (~60 s) */

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The file name of a sqlite: URL (as store_sqlite.c reads it). */
static int
url_path(const char *url, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *p;

	if (strncasecmp(url, "sqlite:", 7) != 0) {
		seterr(err, errlen, "backup and restore support only sqlite: "
		    "databases, not \"%.100s\"", url);
		return -1;
	}
	p = url + 7;
	if (strncmp(p, "//", 2) == 0) {
		if (p[2] != '/') {
			seterr(err, errlen, "database URL \"%.200s\": a host "
			    "part is not supported", url);
			return -1;
		}
		p += 2;
	}
	if (*p == '\0' || strcmp(p, ":memory:") == 0) {
		seterr(err, errlen, "database URL \"%.200s\" names no file",
		    url);
		return -1;
	}
	if ((size_t)snprintf(out, outlen, "%s", p) >= outlen) {
		seterr(err, errlen, "database path is too long");
		return -1;
	}
	return 0;
}

static int
exec_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Copy every page of src's main database into dst's. */
static int
copy_db(sqlite3 *src, sqlite3 *dst, char *err, size_t errlen)
{
	sqlite3_backup *b;
	int rc, tries = 0;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		seterr(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		return -1;
	}
	for (;;) {
		rc = sqlite3_backup_step(b, BACKUP_PAGES);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_OK)
			continue;
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
		    ++tries < BACKUP_TRIES) {
			sqlite3_sleep(BACKUP_SLEEP_MS);
			continue;
		}
		break;
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		seterr(err, errlen, "backup: %s", sqlite3_errstr(rc));
		return -1;
	}
	if ((rc = sqlite3_errcode(dst)) != SQLITE_OK) {
		seterr(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		return -1;
	}
	return 0;
}

/* A temporary file name beside path: path.tmp-PID-N (not created). */
static void
tmp_beside(const char *path, char *out, size_t outlen)
{
	static unsigned n;

	snprintf(out, outlen, "%s.tmp-%ld-%u", path, (long)getpid(), n++);
}

static int
fsync_path(const char *path)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Copy the database src (a file) to the new file tmp through the backup
 * API, in rollback-journal mode, with the given mode.  *version gets the
 * user_version copied.  On failure tmp is removed.
 */
static int
copy_to_tmp(const char *src, const char *tmp, mode_t mode, int *version,
    char *err, size_t errlen)
{
	sqlite3 *s = NULL, *d = NULL;
	int fd, ok = 0, v = 0;

	/* created private before SQLite writes a byte into it */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	(void)fchmod(fd, mode);
	close(fd);
	if (sqlite3_open_v2(src, &s, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		seterr(err, errlen, "%s: %s", src, s ? sqlite3_errmsg(s) :
		    "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(s, SQ_BUSY_TIMEOUT_MS);
	if (sqlite3_open_v2(tmp, &d, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		seterr(err, errlen, "%s: %s", tmp, d ? sqlite3_errmsg(d) :
		    "cannot open");
		goto out;
	}
	if (copy_db(s, d, err, errlen) == -1)
		goto out;
	/* one self-contained file: no -wal beside the copy */
	if (sqlite3_exec(d, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL) != SQLITE_OK || exec_int(d, "PRAGMA user_version", &v) ==
	    -1) {
		seterr(err, errlen, "%s: %s", tmp, sqlite3_errmsg(d));
		goto out;
	}
	ok = 1;
out:
	sqlite3_close(s);
	if (d != NULL && sqlite3_close(d) != SQLITE_OK) {
		seterr(err, errlen, "%s: cannot close", tmp);
		ok = 0;
	}
	if (ok && fsync_path(tmp) == -1) {
		seterr(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
		ok = 0;
	}
	if (!ok) {
		unlink(tmp);
		return -1;
	}
	*version = v;
	return 0;
}

int
store_backup_check(const char *file, int *version, int *latest, char *err,
    size_t errlen)
{
	static const char *const tables[] = { "settings", "updates",
	    "revisions", "computer_groups" };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	const char *res;
	int appid = 0, v = 0, n = 0, rc = -1;

	*version = 0;
	*latest = sq_migrations[sq_migrations_count - 1].version;
	if (stat(file, &sb) == -1) {
		seterr(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s: not a regular file", file);
		return -1;
	}
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		seterr(err, errlen, "%s: %s", file, db ? sqlite3_errmsg(db) :
		    "cannot open");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		seterr(err, errlen, "%s: not a SQLite database (%s)", file,
		    sqlite3_errmsg(db));
		goto out;
	}
	res = (const char *)sqlite3_column_text(st, 0);
	if (res == NULL || strcmp(res, "ok") != 0) {
		seterr(err, errlen, "%s: damaged: %.200s", file,
		    res ? res : "?");
		goto out;
	}
	if (exec_int(db, "PRAGMA application_id", &appid) == -1 ||
	    exec_int(db, "PRAGMA user_version", &v) == -1) {
		seterr(err, errlen, "%s: %s", file, sqlite3_errmsg(db));
		goto out;
	}
	*version = v;
	if (appid != BACKUP_APPLICATION_ID || v < 1) {
		seterr(err, errlen, "%s: not a wsusd database (application_id "
		    "%#x, schema version %d)", file, (unsigned)appid, v);
		goto out;
	}
	if (v > *latest) {
		seterr(err, errlen, "%s: schema version %d is newer than this "
		    "build knows (%d); restore it with a newer wsusctl", file,
		    v, *latest);
		goto out;
	}
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char q[128];

		snprintf(q, sizeof(q), "SELECT count(*) FROM sqlite_master "
		    "WHERE type = 'table' AND name = '%s'", tables[i]);
		if (exec_int(db, q, &n) == -1 || n != 1) {
			seterr(err, errlen, "%s: not a wsusd database (no "
			    "table %s)", file, tables[i]);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int
store_backup(const char *url, const char *dest, int *version, char *err,
    size_t errlen)
{
	char src[PATH_MAX], tmp[PATH_MAX + 32];
	int latest;
	struct stat sb;

	*version = 0;
	if (url_path(url, src, sizeof(src), err, errlen) == -1)
		return -1;
	if (stat(src, &sb) == -1) {
		seterr(err, errlen, "database %s: %s", src, strerror(errno));
		return -1;
	}
	if (stat(dest, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "%s: exists and is not a regular file",
		    dest);
		return -1;
	}
	tmp_beside(dest, tmp, sizeof(tmp));
	if (copy_to_tmp(src, tmp, 0600, version, err, errlen) == -1)
		return -1;
	if (store_backup_check(tmp, version, &latest, err, errlen) == -1)
		goto fail;
	if (rename(tmp, dest) == -1) {
		seterr(err, errlen, "%s: %s", dest, strerror(errno));
		goto fail;
	}
	(void)fsync_parent_dir(dest);
	return 0;
fail:
	unlink(tmp);
	return -1;
}

/* Empty the write-ahead log of the database at path into it. */
static int
checkpoint(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)",
	    NULL, NULL, NULL) != SQLITE_OK) {
		seterr(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		rc = -1;
	}
	if (sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	return rc;
}

int
store_restore(const char *url, const char *src, char *saved,
    size_t savedlen, char *err, size_t errlen)
{
	char dbfile[PATH_MAX], tmp[PATH_MAX + 32], side[PATH_MAX + 8];
	struct stat sb;
	bool have_old;
	int v, latest;

	if (savedlen > 0)
		saved[0] = '\0';
	if (url_path(url, dbfile, sizeof(dbfile), err, errlen) == -1)
		return -1;
	if (store_backup_check(src, &v, &latest, err, errlen) == -1)
		return -1;
	have_old = stat(dbfile, &sb) == 0;
	tmp_beside(dbfile, tmp, sizeof(tmp));
	if (copy_to_tmp(src, tmp, have_old ? (sb.st_mode & 0777) : 0600, &v,
	    err, errlen) == -1)
		return -1;
	if (have_old) {
		/* the restored file belongs to whoever owned the old one */
		if (chown(tmp, sb.st_uid, sb.st_gid) == -1 && errno != EPERM) {
			seterr(err, errlen, "%s: chown: %s", tmp,
			    strerror(errno));
			goto fail;
		}
		if (checkpoint(dbfile, err, errlen) == -1)
			goto fail;
		snprintf(side, sizeof(side), "%s-wal", dbfile);
		if (unlink(side) == -1 && errno != ENOENT) {
			seterr(err, errlen, "%s: %s", side, strerror(errno));
			goto fail;
		}
		snprintf(side, sizeof(side), "%s-shm", dbfile);
		if (unlink(side) == -1 && errno != ENOENT) {
			seterr(err, errlen, "%s: %s", side, strerror(errno));
			goto fail;
		}
		snprintf(saved, savedlen, "%s.pre-restore-%lld", dbfile,
		    (long long)time(NULL));
		if (link(dbfile, saved) == -1) {
			seterr(err, errlen, "keeping the old database as %s: "
			    "%s", saved, strerror(errno));
			saved[0] = '\0';
			goto fail;
		}
	}
	if (rename(tmp, dbfile) == -1) {
		seterr(err, errlen, "%s: %s", dbfile, strerror(errno));
		if (saved[0] != '\0')
			unlink(saved);
		if (savedlen > 0)
			saved[0] = '\0';
		goto fail;
	}
	(void)fsync_parent_dir(dbfile);
	return 0;
fail:
	unlink(tmp);
	return -1;
}
