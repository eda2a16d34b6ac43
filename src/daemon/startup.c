/*
 * startup.c — the store check wsusd makes before it says it is ready
 * (see startup.h): the database file's permissions for the user wsusd
 * runs as, then open, schema version and a bounded consistency check
 * (store quick_check).  It does not create or migrate anything: that is
 * `wsusctl postinstall`.
 *
 * Ownership: nothing is kept; the store handle is closed before return.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/startup.h"
#include "store/store.h"

/* "user NAME (uid N, gid G)" of the running process into out. */
static void
who_am_i(char *out, size_t outlen)
{
	struct passwd *pw = getpwuid(geteuid());

	snprintf(out, outlen, "user %s (uid %u, gid %u)",
	    pw != NULL ? pw->pw_name : "?", (unsigned)geteuid(),
	    (unsigned)getegid());
}

/*
 * Is mode allowed on path for this process?  0 yes; -1 with err naming
 * path, the user and the missing permission (what) when access(2) says
 * EACCES or EPERM; other errors are left to the open that follows.
 */
static int
need(const char *kind, const char *path, int mode, const char *what,
    char *err, size_t errlen)
{
	char who[128];

	if (access(path, mode) == 0 || (errno != EACCES && errno != EPERM))
		return 0;
	who_am_i(who, sizeof(who));
	snprintf(err, errlen, "%s %s: wsusd runs as %s, which lacks %s "
	    "permission on it", kind, path, who, what);
	return -1;
}

/* The directory part of path into out ("." when there is none). */
static void
dir_of(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

/* Permissions SQLite needs on the file, its directory and its WAL. */
static int
check_permissions(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], wal[PATH_MAX + 8];

	dir_of(path, dir, sizeof(dir));
	if (need("directory", dir, X_OK, "search (x)", err, errlen) == -1 ||
	    need("database", path, R_OK, "read", err, errlen) == -1 ||
	    need("database", path, W_OK, "write", err, errlen) == -1)
		return -1;
	/* the -wal and -shm files are created beside it when absent */
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (access(wal, F_OK) == 0)
		return need("database log", wal, R_OK | W_OK, "read and write",
		    err, errlen);
	return need("directory", dir, W_OK, "write (SQLite creates the "
	    "-wal and -shm files there)", err, errlen);
}

int
daemon_store_check(const struct config *cfg, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct store *st = NULL;
	int cur, latest;

	if (config_sqlite_path(cfg->database_url, path, sizeof(path)) == 0 &&
	    strcmp(path, ":memory:") != 0) {
		char dir[PATH_MAX];

		dir_of(path, dir, sizeof(dir));
		if (need("directory", dir, X_OK, "search (x)", err, errlen)
		    == -1)
			return -1;
		if (access(path, F_OK) == -1 && errno == ENOENT) {
			snprintf(err, errlen, "database %s does not exist "
			    "(run 'wsusctl postinstall')", path);
			return 1;
		}
		if (check_permissions(path, err, errlen) == -1)
			return -1;
	}
	if (store_open(cfg->database_url, &st, err, errlen) != STORE_OK)
		return -1;
	if (store_schema_version(st, &cur, &latest) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		store_close(st);
		return -1;
	}
	if (cur != latest) {
		snprintf(err, errlen, "database %s: schema version %d, this "
		    "wsusd needs %d (run 'wsusctl postinstall' to migrate it)",
		    cfg->database_url, cur, latest);
		store_close(st);
		return -1;
	}
	if (store_quick_check(st) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		store_close(st);
		return -1;
	}
	store_close(st);
	return 0;
}
