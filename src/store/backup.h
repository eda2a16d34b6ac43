/*
 * backup.h — copying a whole store to a file and back: `wsusctl backup`
 * and `wsusctl restore`.  The SQLite backend uses SQLite's online backup
 * API: a backup is a consistent snapshot taken while wsusd keeps serving
 * and writing (WAL readers do not block writers).  A backup file is a
 * plain SQLite database in rollback-journal mode, mode 0600 (it holds the
 * cookie key and the upstream credentials).
 *
 * Not here: whether wsusd is running (the caller decides that before a
 * restore), the content directory (backed up as files).  Only sqlite:
 * database URLs; others get an error.
 */
#ifndef WSUSD_STORE_BACKUP_H
#define WSUSD_STORE_BACKUP_H

#include <stddef.h>

/*
 * Copy the store of url into the new file dest: written to a temporary
 * file beside dest, checked (quick_check), fsync'd, made 0600 and renamed
 * to dest (an existing dest is replaced only by a complete copy).
 * *version gets the schema version copied.  0, or -1 with err.
 */
int	store_backup(const char *url, const char *dest, int *version,
	    char *err, size_t errlen);

/*
 * Check that file is a whole, uncorrupted wsusd store this build can
 * use: SQLite integrity_check "ok", the wsusd tables, a schema version
 * from 1 to the newest this build knows.  *version and *latest get the
 * two versions.  0, or -1 with err saying what is wrong.
 */
int	store_backup_check(const char *file, int *version, int *latest,
	    char *err, size_t errlen);

/*
 * Replace the store of url by the backup src (checked with
 * store_backup_check first): src is copied to a temporary file beside
 * the database, fsync'd, given the mode (and, when allowed, the owner) of
 * the database it replaces; the old database is checkpointed, kept as
 * saved (DB.pre-restore-UNIXTIME, a hard link; may be "" when there was
 * none) and its -wal and -shm removed; then the copy is renamed into
 * place.  Nothing must have the database open (the caller checks).
 * 0, or -1 with err and the old database untouched.
 */
int	store_restore(const char *url, const char *src, char *saved,
	    size_t savedlen, char *err, size_t errlen);

#endif
