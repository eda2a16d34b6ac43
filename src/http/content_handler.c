/*
 * content_handler.c — serving /Content/XX/NAME (see content_handler.h).
 *
 * Safety: the request name must pass a strict whitelist (hex digits, one
 * slash, an optional short extension), so no "..", separators or odd
 * bytes ever reach the file system.  Files are opened relative to a
 * directory descriptor of their XX directory, which itself was opened
 * relative to the content directory with O_NOFOLLOW; the file is opened
 * with O_NOFOLLOW | O_NONBLOCK (a FIFO cannot block a worker) and served
 * only when fstat() says it is a regular file.  A symbolic link anywhere
 * below the content directory is therefore never followed.
 *
 * Speed: the 256 XX directory descriptors are opened once, lazily, and
 * cached; the common request (the exact upper-case name the store wrote)
 * costs one openat() and one fstat() and hands the descriptor to MHD,
 * which uses sendfile().  Only a miss tries the lower/upper-case
 * extension and then a bounded case-insensitive scan of that directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/content_handler.h"
#include "http/range.h"
#include "util/date.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define GRAVE_MAX 256	/* replaced directory fds kept open until free */
/*
 * Bodies up to this size are read into memory and handed to MHD as a
 * buffer: MHD then sends the headers and the body with one sendmsg()
 * instead of a send() and a sendfile(), one syscall and usually one TCP
 * segment less per request (bench/content.sh, "small" and "manyconn").
 * Larger bodies go out with sendfile().
 */
#define CONTENT_BUFFERED_MAX	(64 * 1024)

struct content_handler {
	int		 rootfd;	/* owned: the content directory */
	_Atomic int	 dirfd[256];	/* owned: XX directories, -1 unknown */
	pthread_mutex_t	 lock;		/* protects grave */
	int		 grave[GRAVE_MAX]; /* replaced dirfds (owned) */
	size_t		 ngrave;
};

/* ---- names ----------------------------------------------------------- */

static char
upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int
ext_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int
content_name_parse(const char *rest, struct content_name *out)
{
	const char *p;
	int hi, lo;
	size_t i;

	if ((hi = hex_digit((unsigned char)rest[0])) < 0 || (lo = hex_digit((unsigned char)rest[1])) < 0 ||
	    rest[2] != '/')
		return -1;
	out->dir = (unsigned)(hi * 16 + lo);
	out->xx[0] = upper(rest[0]);
	out->xx[1] = upper(rest[1]);
	out->xx[2] = '\0';
	p = rest + 3;
	for (i = 0; i < 40; i++) {
		if (hex_digit((unsigned char)p[i]) < 0)
			return -1;
		out->name[i] = upper(p[i]);
	}
	out->hexlen = 40;
	p += 40;
	out->extlen = 0;
	if (*p == '.') {
		size_t n = strlen(p);
		/* CONTENT_EXT_MAX of content_store.h: 16 with the dot */
		if (n < 2 || n > 16)
			return -1;
		for (i = 1; i < n; i++)
			if (!ext_char_ok(p[i]))
				return -1;
		memcpy(out->name + 40, p, n);
		out->extlen = n;
	} else if (*p != '\0') {
		return -1;
	}
	out->name[40 + out->extlen] = '\0';
	return 0;
}

/* ---- dates and entity tags ------------------------------------------- */

/*
 * IMF-fixdate without gmtime_r(), which takes glibc's time-zone lock on
 * every call; this runs for every response.  Day number to civil date
 * with civil_from_days() of util/date.h.
 */
void
http_date_format(time_t t, char *out, size_t outlen)
{
	static const char wd[7][4] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char mn[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec" };
	int64_t secs = (int64_t)t, y;
	unsigned m, d;
	int sod;

	if (secs < 0)
		secs = 0;	/* nothing in the content store is that old */
	sod = (int)(secs % 86400);
	civil_from_days(secs / 86400, &y, &m, &d);
	snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wd[(secs / 86400) % 7], (int)d, mn[m - 1], (int)y, sod / 3600,
	    sod / 60 % 60, sod % 60);
}

int
http_date_parse(const char *s, time_t *out)
{
	static const char *const fmts[] = {
		"%a, %d %b %Y %H:%M:%S GMT",	/* IMF-fixdate */
		"%A, %d-%b-%y %H:%M:%S GMT",	/* RFC 850 */
		"%a %b %e %H:%M:%S %Y",		/* asctime */
	};
	struct tm tm;

	if (s == NULL || strlen(s) > 64)
		return -1;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		const char *e;
		memset(&tm, 0, sizeof(tm));
		e = strptime(s, fmts[i], &tm);
		if (e == NULL || *e != '\0')
			continue;
		*out = timegm(&tm);
		return *out == (time_t)-1 ? -1 : 0;
	}
	return -1;
}

int
etag_list_match(const char *list, const char *etag)
{
	size_t elen;

	if (list == NULL || etag == NULL)
		return 0;
	if (etag[0] == 'W' && etag[1] == '/')
		etag += 2;
	elen = strlen(etag);
	for (const char *p = list;;) {
		const char *q;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;		/* malformed: no match */
		if ((q = strchr(p + 1, '"')) == NULL)
			return 0;
		q++;
		if ((size_t)(q - p) == elen && memcmp(p, etag, elen) == 0)
			return 1;
		p = q;
	}
}

/* ---- the directory cache --------------------------------------------- */

int
content_handler_new(const char *content_dir, struct content_handler **out,
    char *err, size_t errlen)
{
	struct content_handler *ch;
	int fd;

	*out = NULL;
	fd = open(content_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "content directory %s: %s%s", content_dir,
		    strerror(errno), errno == ENOENT ?
		    " (create it with 'wsusctl postinstall')" : "");
		return -1;
	}
	ch = xcalloc(1, sizeof(*ch));
	ch->rootfd = fd;
	for (size_t i = 0; i < 256; i++)
		atomic_init(&ch->dirfd[i], -1);
	pthread_mutex_init(&ch->lock, NULL);
	*out = ch;
	return 0;
}

void
content_handler_free(struct content_handler *ch)
{
	if (ch == NULL)
		return;
	for (size_t i = 0; i < 256; i++) {
		int fd = atomic_load(&ch->dirfd[i]);
		if (fd >= 0)
			close(fd);
	}
	for (size_t i = 0; i < ch->ngrave; i++)
		close(ch->grave[i]);
	pthread_mutex_destroy(&ch->lock);
	close(ch->rootfd);
	free(ch);
}

static int
open_xx(const struct content_handler *ch, const struct content_name *cn)
{
	char lc[3] = { lower(cn->xx[0]), lower(cn->xx[1]), '\0' };
	int fd;

	fd = openat(ch->rootfd, cn->xx,
	    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && strcmp(lc, cn->xx) != 0)
		fd = openat(ch->rootfd, lc,
		    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/*
 * The cached descriptor of the XX directory, opening it on first use.
 * -1 when there is no such directory (not cached: it may appear later).
 */
static int
xx_fd(struct content_handler *ch, const struct content_name *cn)
{
	int fd = atomic_load_explicit(&ch->dirfd[cn->dir],
	    memory_order_acquire);
	int expect = -1;

	if (fd >= 0)
		return fd;
	if ((fd = open_xx(ch, cn)) == -1)
		return -1;
	if (!atomic_compare_exchange_strong(&ch->dirfd[cn->dir], &expect, fd)) {
		close(fd);	/* another worker won; use its descriptor */
		fd = expect;
	}
	return fd;
}

/*
 * After a miss: if the XX directory was replaced since it was cached
 * (removed and created again), cache the new one and return it; else -1.
 * The old descriptor may still be in use by other workers, so it is
 * parked until content_handler_free(), never closed here.
 */
static int
xx_refresh(struct content_handler *ch, const struct content_name *cn, int old)
{
	struct stat a, b;
	int fd;

	if ((fd = open_xx(ch, cn)) == -1)
		return -1;
	if (fstat(fd, &a) == -1 || fstat(old, &b) == -1 ||
	    (a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
		close(fd);
		return -1;
	}
	pthread_mutex_lock(&ch->lock);
	if (ch->ngrave < GRAVE_MAX &&
	    atomic_compare_exchange_strong(&ch->dirfd[cn->dir], &old, fd)) {
		ch->grave[ch->ngrave++] = old;
		pthread_mutex_unlock(&ch->lock);
		return fd;
	}
	pthread_mutex_unlock(&ch->lock);
	/* too many replacements or lost a race: use it once, uncached */
	return -2 - fd;
}

static int
open_file(int dfd, const char *name)
{
	return openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY);
}

/* A case-insensitive match of want in the directory dfd, opened. */
static int
scan_open(int dfd, const char *want)
{
	DIR *d;
	struct dirent *de;
	int fd = -1, sfd;
	size_t n = 0;

	if ((sfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(sfd)) == NULL) {
		close(sfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL && n++ < CONTENT_SCAN_MAX) {
		if (strcasecmp(de->d_name, want) == 0) {
			fd = open_file(dfd, de->d_name);
			break;
		}
	}
	closedir(d);
	return fd;
}

/* Find and open the file for cn in directory dfd; -1 with errno. */
static int
lookup_in(int dfd, struct content_name *cn)
{
	char *ext = cn->name + cn->hexlen;
	int fd;

	if ((fd = open_file(dfd, cn->name)) != -1 || errno != ENOENT)
		return fd;
	if (cn->extlen > 0) {
		for (size_t i = 1; i < cn->extlen; i++)
			ext[i] = lower(ext[i]);
		if ((fd = open_file(dfd, cn->name)) != -1 || errno != ENOENT)
			return fd;
		for (size_t i = 1; i < cn->extlen; i++)
			ext[i] = upper(ext[i]);
		if ((fd = open_file(dfd, cn->name)) != -1 || errno != ENOENT)
			return fd;
	}
	if ((fd = scan_open(dfd, cn->name)) != -1)
		return fd;
	errno = ENOENT;
	return -1;
}

static int
lookup(struct content_handler *ch, struct content_name *cn)
{
	int dfd, fd, nfd;

	if ((dfd = xx_fd(ch, cn)) == -1)
		return -1;
	if ((fd = lookup_in(dfd, cn)) != -1 || errno != ENOENT)
		return fd;
	nfd = xx_refresh(ch, cn, dfd);
	if (nfd == -1)
		return -1;
	if (nfd >= 0)
		return lookup_in(nfd, cn);
	nfd = -2 - nfd;
	fd = lookup_in(nfd, cn);
	{
		int e = errno;
		close(nfd);
		errno = e;
	}
	return fd;
}

/* ---- the handler ----------------------------------------------------- */

int
content_handler_route(struct content_handler *ch)
{
	return http_route_add(CONTENT_ROUTE, HTTP_GET, content_handle, ch);
}

static enum MHD_Result
queue(struct MHD_Connection *conn, unsigned status, struct MHD_Response *r,
    const char *etag, const char *lastmod)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/octet-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, lastmod);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Does If-Range allow the range (RFC 9110 §13.1.5)? */
static int
if_range_ok(const char *ir, const char *etag, time_t mtime)
{
	time_t t;

	if (ir == NULL)
		return 1;
	if (ir[0] == 'W' && ir[1] == '/')
		return 0;		/* weak tags never match here */
	if (ir[0] == '"')
		return strcmp(ir, etag) == 0;
	return http_date_parse(ir, &t) == 0 && t == mtime;
}

/*
 * A response for len bytes of fd at off.  Small bodies of a GET are read
 * into a buffer MHD frees (and fd is closed here); the rest are sent from
 * fd, which MHD then owns.  NULL on failure, fd closed either way then.
 */
static struct MHD_Response *
body_response(const struct http_request *req, int fd, uint64_t len,
    uint64_t off)
{
	struct MHD_Response *r;
	char *b;
	size_t got = 0;

	if (req->method != HTTP_GET || len > CONTENT_BUFFERED_MAX) {
		if ((r = MHD_create_response_from_fd_at_offset64(len, fd,
		    off)) == NULL)
			close(fd);
		return r;
	}
	if ((b = malloc(len ? len : 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < len) {
		ssize_t n = pread(fd, b + got, len - got, (off_t)(off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* the file shrank or failed under us: no half answer */
			free(b);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	if ((r = MHD_create_response_from_buffer(len, b,
	    MHD_RESPMEM_MUST_FREE)) == NULL)
		free(b);
	return r;
}

enum MHD_Result
content_handle(struct http_request *req)
{
	struct content_handler *ch = req->arg;
	struct content_name cn;
	struct MHD_Response *r;
	struct byte_range br;
	struct stat sb;
	char etag[48], lastmod[40], crange[80];
	const char *h;
	uint64_t size;
	time_t t;
	int fd;

	if (content_name_parse(req->rest, &cn) == -1)
		return http_respond_status(req->conn, MHD_HTTP_NOT_FOUND);
	if ((fd = lookup(ch, &cn)) == -1) {
		if (errno != ENOENT && errno != ELOOP && errno != ENOTDIR)
			log_debug("content %s/%s: %s", cn.xx, cn.name,
			    strerror(errno));
		return http_respond_status(req->conn, MHD_HTTP_NOT_FOUND);
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return http_respond_status(req->conn, MHD_HTTP_NOT_FOUND);
	}
	size = (uint64_t)sb.st_size;
	snprintf(etag, sizeof(etag), "\"%" PRIx64 "-%" PRIx64 "\"",
	    (uint64_t)sb.st_mtim.tv_sec, size);
	http_date_format(sb.st_mtim.tv_sec, lastmod, sizeof(lastmod));

	/* conditional GET/HEAD: If-None-Match wins over If-Modified-Since */
	if ((h = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH)) != NULL) {
		if (etag_list_match(h, etag))
			goto not_modified;
	} else if ((h = http_header(req,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE)) != NULL &&
	    http_date_parse(h, &t) == 0 && sb.st_mtim.tv_sec <= t) {
		goto not_modified;
	}

	/* Range is defined for GET only (RFC 9110 §14.2) */
	if (req->method == HTTP_GET &&
	    (h = http_header(req, MHD_HTTP_HEADER_RANGE)) != NULL &&
	    if_range_ok(http_header(req, MHD_HTTP_HEADER_IF_RANGE), etag,
	    sb.st_mtim.tv_sec)) {
		switch (range_parse(h, strlen(h), size, &br)) {
		case RANGE_SATISFIABLE:
			r = body_response(req, fd, br.last - br.first + 1,
			    br.first);
			if (r == NULL)
				return MHD_NO;
			snprintf(crange, sizeof(crange), "bytes %" PRIu64 "-%"
			    PRIu64 "/%" PRIu64, br.first, br.last, size);
			MHD_add_response_header(r,
			    MHD_HTTP_HEADER_CONTENT_RANGE, crange);
			return queue(req->conn, MHD_HTTP_PARTIAL_CONTENT, r,
			    etag, lastmod);
		case RANGE_UNSATISFIABLE:
			close(fd);
			r = MHD_create_response_from_buffer(0, NULL,
			    MHD_RESPMEM_PERSISTENT);
			if (r == NULL)
				return MHD_NO;
			snprintf(crange, sizeof(crange), "bytes */%" PRIu64,
			    size);
			MHD_add_response_header(r,
			    MHD_HTTP_HEADER_CONTENT_RANGE, crange);
			return queue(req->conn,
			    MHD_HTTP_RANGE_NOT_SATISFIABLE, r, etag, lastmod);
		case RANGE_IGNORE:
			break;
		}
	}
	if ((r = body_response(req, fd, size, 0)) == NULL)
		return MHD_NO;
	return queue(req->conn, MHD_HTTP_OK, r, etag, lastmod);

not_modified:
	/*
	 * Built on the file so that MHD announces the same Content-Length
	 * a 200 would have (RFC 9110 §8.6); MHD sends no body with a 304.
	 */
	r = MHD_create_response_from_fd_at_offset64(size, fd, 0);
	if (r == NULL) {
		close(fd);
		return MHD_NO;
	}
	return queue(req->conn, MHD_HTTP_NOT_MODIFIED, r, etag, lastmod);
}
