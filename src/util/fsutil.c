/* fsutil.c — see fsutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

int
mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

int
read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat sb;
	char *p = NULL;
	size_t have = 0, cap;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if ((size_t)sb.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	/* one spare byte beyond the expected size detects a file that grew */
	cap = (size_t)sb.st_size + 2;
	if ((p = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (have + 1 >= cap) {
			char *np;
			if (cap > max + 1) {
				errno = EFBIG;
				goto fail;
			}
			if ((np = realloc(p, cap * 2)) == NULL)
				goto fail;
			p = np;
			cap *= 2;
		}
		r = read(fd, p + have, cap - have - 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		if (have > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	p[have] = '\0';
	close(fd);
	*out = p;
	*len = have;
	return 0;
fail:
	{
		int e = errno;
		free(p);
		close(fd);
		errno = e;
	}
	return -1;
}

int
fsync_parent_dir(const char *path)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);
	int fd, r;

	if (n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);	/* length checked above */
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	if (fchmod(fd, mode) == -1)
		goto fail;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	return fsync_parent_dir(path);
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

int
adopt_owner(int fd, const char *path, const char *ref)
{
	struct stat sb;

	char parent[PATH_MAX];

	if (geteuid() != 0)
		return 0;
	if (ref == NULL) {
		/* the directory that holds path */
		if ((size_t)snprintf(parent, sizeof(parent), "%s", path) >=
		    sizeof(parent)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		ref = dirname(parent);
	}
	if (stat(ref, &sb) == -1)
		return -1;
	if (sb.st_uid == 0)
		return 0;
	if (fd != -1)
		return fchown(fd, sb.st_uid, sb.st_gid);
	return lchown(path, sb.st_uid, sb.st_gid);
}
