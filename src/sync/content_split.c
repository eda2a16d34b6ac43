/*
 * content_split.c — one large content file fetched in several ranged
 * parts at once (content_internal.h): a file of at least
 * sync_opts.split_min bytes (default SYNC_CONTENT_SPLIT_MIN) with no
 * partial data yet is split into min(connections,
 * SYNC_CONTENT_PARTS_MAX) parts (content_parts.c); the part file is
 * sized to the whole file and each part's answer (206 with exactly its
 * Content-Range) is written at its offset with pwrite(), so memory stays
 * bounded by libcurl's buffers.  The progress of every part is kept in
 * CONTENT_DIR/.partial/SHA1HEX.parts (at most every SAVE_EVERY bytes of
 * a part and when it ends), so an interrupted file resumes part by part.
 * When the last part ended the whole file is verified (SHA-1, SHA-256)
 * and published like any other (content_publish_part); a mismatch
 * deletes it.  Unlike a file in one transfer it is hashed by reading it
 * back (content_publish): the parts arrive out of order, and SHA-1 and
 * SHA-256 take their bytes in order only.
 *
 * Not here: the multi loop and the unsplit transfers (content.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sync/content_internal.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SAVE_EVERY	(4u * 1024 * 1024)
#define STATE_MAX	(32 + 21 * (SYNC_CONTENT_PARTS_MAX + 2))

/* CONTENT_DIR/.partial/SHA1HEX.parts: the part file's name + "s". */
static int
state_path(const struct cfile *c, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%ss", c->part);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Write the state of c's parts (no fsync: the hash check at the end
 * catches what a crash could leave). */
static void
save_state(struct cfile *c)
{
	uint64_t done[SYNC_CONTENT_PARTS_MAX];
	char path[PATH_MAX], line[STATE_MAX];
	int fd, n;

	for (unsigned i = 0; i < c->nparts; i++) {
		done[i] = c->parts[i].off - c->parts[i].start;
		c->parts[i].saved = c->parts[i].off;
	}
	if (state_path(c, path, sizeof(path)) != 0 ||
	    (n = sync_content_parts_format(c->f.size, c->nparts, done, line,
	    sizeof(line))) < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1 || write(fd, line, (size_t)n) != n)
		log_warnx("sync: content: %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
}

/* Headers of a part: 206 with exactly the range asked for, or bad. */
static size_t
part_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct cpart *x = arg;
	size_t n = size * nmemb;
	static const char cr[] = "content-range:";

	if (n >= 12 && strncmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', n);

		x->code = sp ? strtol(sp + 1, NULL, 10) : 0;
		x->ranged = false;
		return n;
	}
	if (n >= sizeof(cr) && strncasecmp(p, cr, sizeof(cr) - 1) == 0 &&
	    x->code == 206) {
		uint64_t first, last, total;

		if (sync_content_range_parse(p + sizeof(cr) - 1,
		    n - (sizeof(cr) - 1), &first, &last, &total) != 0 ||
		    first != x->off || last + 1 != x->end ||
		    (total != UINT64_MAX && total != x->c->f.size)) {
			x->bad = true;
			return 0;
		}
		x->ranged = true;
	}
	return n;
}

/* Body of a part: written at its offset; anything unexpected aborts. */
static size_t
part_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct cpart *x = arg;
	size_t n = size * nmemb, w = 0;
	int fd = fileno(x->c->fp);

	if (x->code != 206 || !x->ranged || x->bad || n > x->end - x->off) {
		/* a whole file (200), an error page, or too many bytes */
		if (x->code == 206 || x->code == 200)
			x->bad = true;
		return x->code == 206 || x->code == 200 ? 0 : n;
	}
	while (w < n) {
		ssize_t k = pwrite(fd, p + w, n - w, (off_t)(x->off + w));

		if (k <= 0) {
			x->bad = true;
			return 0;
		}
		w += (size_t)k;
	}
	x->off += n;
	x->c->s->res->content_bytes += n;
	if (x->off - x->saved >= SAVE_EVERY)
		save_state(x->c);
	return n;
}

/* The last part ended: publish, or count the failure (parts kept). */
static void
finish(struct sess *s, struct cfile *c)
{
	char path[PATH_MAX], hex[41];
	bool ok = fflush(c->fp) == 0;

	if (fclose(c->fp) != 0)
		ok = false;
	c->fp = NULL;
	hex_encode(c->f.sha1, 20, hex, 1);
	if (c->part_404) {
		uint64_t got = 0;

		/* the caller asks DownloadFiles; nothing kept if nothing came */
		for (unsigned i = 0; i < c->nparts; i++)
			got += c->parts[i].off - c->parts[i].start;
		if (got == 0) {
			if (state_path(c, path, sizeof(path)) == 0)
				unlink(path);
			unlink(c->part);
		}
		return;
	}
	if (!ok || c->part_failed) {
		log_warnx("sync: content %s: a part failed; the others are "
		    "kept for the next sync", hex);
		s->res->files_failed++;
		return;
	}
	if (state_path(c, path, sizeof(path)) == 0)
		unlink(path);
	content_publish_part(s, c);
}

int
content_split_start(struct sess *s, struct cfile *c, CURLM *m,
    unsigned nconn, size_t *added)
{
	uint64_t done[SYNC_CONTENT_PARTS_MAX], min;
	char path[PATH_MAX], *text = NULL, hex[41];
	size_t len = 0;
	unsigned n, i;
	bool resume = false;

	*added = 0;
	min = s->o->split_min ? s->o->split_min : SYNC_CONTENT_SPLIT_MIN;
	n = nconn < SYNC_CONTENT_PARTS_MAX ? nconn : SYNC_CONTENT_PARTS_MAX;
	if (state_path(c, path, sizeof(path)) != 0)
		return 0;
	if (read_file(path, STATE_MAX, &text, &len) == 0) {
		/* a split part file always has the whole file's size */
		resume = c->have == c->f.size && sync_content_parts_parse(text,
		    len, c->f.size, &n, done) == 0;
		free(text);
		if (!resume) {
			/* not ours to trust: start the file over */
			unlink(path);
			if (ftruncate(fileno(c->fp), 0) != 0)
				goto fail;
			c->have = 0;
		}
	}
	if (!resume) {
		if (n < 2 || c->f.size < min || c->f.size < n || c->have > 0)
			return 0;
		memset(done, 0, sizeof(done));
	}
	if (ftruncate(fileno(c->fp), (off_t)c->f.size) != 0)
		goto fail;
	c->parts = xcalloc(n, sizeof(*c->parts));
	c->nparts = n;
	for (i = 0; i < n; i++) {
		struct cpart *x = &c->parts[i];

		x->c = c;
		x->split = true;
		sync_content_part_range(c->f.size, n, i, &x->start, &x->end);
		x->off = x->start + done[i];
	}
	save_state(c);
	s->res->files_split++;
	for (i = 0; i < n; i++) {
		struct cpart *x = &c->parts[i];
		char range[48];
		CURL *h;

		if (x->off == x->end)
			continue;
		snprintf(range, sizeof(range), "%llu-%llu",
		    (unsigned long long)x->off, (unsigned long long)x->end - 1);
		if ((h = content_easy(s, c->url, nconn)) == NULL) {
			c->part_failed = true;
			continue;
		}
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, part_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, part_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
		curl_easy_setopt(h, CURLOPT_PRIVATE, x);
		curl_easy_setopt(h, CURLOPT_RANGE, range);
		if (curl_multi_add_handle(m, h) != CURLM_OK) {
			curl_easy_cleanup(h);
			c->part_failed = true;
			continue;
		}
		c->running++;
	}
	*added = c->running;
	if (s->o->verbose) {
		hex_encode(c->f.sha1, 20, hex, 1);
		log_info("sync: content %s: %u parts, %u to fetch", hex, n,
		    c->running);
	}
	if (c->running == 0)
		finish(s, c);
	return 1;
fail:
	log_warnx("sync: content: %s: %s", c->part, strerror(errno));
	fclose(c->fp);
	c->fp = NULL;
	s->res->files_failed++;
	return -1;
}

bool
content_split_done(struct sess *s, struct cpart *x, CURLcode cc, long code)
{
	struct cfile *c = x->c;
	char hex[41];

	if (code == 404)
		c->part_404 = true;
	else if (cc != CURLE_OK || code != 206 || !x->ranged || x->bad ||
	    x->off != x->end) {
		hex_encode(c->f.sha1, 20, hex, 1);
		log_warnx("sync: content %s: part %llu-%llu: %s (HTTP %ld)",
		    hex, (unsigned long long)x->start,
		    (unsigned long long)x->end - 1, cc != CURLE_OK ?
		    curl_easy_strerror(cc) : "not the range asked for", code);
		c->part_failed = true;
	}
	save_state(c);
	if (--c->running > 0)
		return false;
	finish(s, c);
	return c->part_404;
}

void
content_split_free(struct cfile *c)
{
	free(c->parts);
	c->parts = NULL;
	c->nparts = 0;
}
