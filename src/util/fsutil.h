/*
 * fsutil.h — file-system helpers that never leave half-written files.
 */
#ifndef WSUSD_UTIL_FSUTIL_H
#define WSUSD_UTIL_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p with mode for each created component; 0 or -1 (errno). */
int	mkdir_p(const char *path, mode_t mode);
/*
 * Read a whole file of at most max bytes into a malloc'd, NUL-terminated
 * buffer (caller frees).  -1 with errno (EFBIG when larger than max).
 */
int	read_file(const char *path, size_t max, char **out, size_t *len);
/*
 * Write data to path atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory.  0 or -1 (errno); on failure
 * nothing is left behind and an existing file is unchanged.
 */
int	write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* fsync the directory that holds path (after a rename). 0 or -1. */
int	fsync_parent_dir(const char *path);
/*
 * Run as root (sudo wsusctl on the packaged layout, where /var/lib/wsusd
 * belongs to the user wsusd): give what we just created (fd, or path when
 * fd is -1) the owner and group of ref (ref NULL: the directory holding
 * path), so the service can still replace, quarantine or delete it.  Not
 * root, or ref owned by root: nothing.  0 or -1 (errno).
 */
int	adopt_owner(int fd, const char *path, const char *ref);

#endif
