/*
 * content.c — the content step of a sync (wsusss.md §10, SPEC §3.2.4.4):
 * the files of the content policy that the local content store lacks are
 * fetched from the upstream's content service, BASE/Content/XX/SHA1.ext,
 * or, when the upstream said CatalogOnlySync (Microsoft Update), from the
 * file's original URL (the MUUrl its GetUpdateData gave), several at
 * once (libcurl multi, opts.download_connections), each into
 * CONTENT_DIR/.partial/SHA1HEX.part and continued with a Range request
 * from the part file's length after an interruption.  Size, SHA-1 and
 * (when the metadata has one) SHA-256 must match before the content
 * store moves the complete part into place (fsync, rename; no copy) and
 * store_file_set_present records it; a part that does not match is
 * deleted and counted as failed.  A file fetched in one transfer is
 * hashed as it arrives — on_body feeds the digests the very bytes it
 * pwrite()s, after the prefix a resumed part has on disk — so it is
 * published without being read back (content_publish_digested); split
 * files and a part found complete are hashed in place (content_publish).
 * Reads are RECV_BUFFER (512 KiB) at a time: fewer callbacks, writes and
 * digest calls per byte.  A
 * 404 is "pending upstream": the digests go to DownloadFiles and the file
 * is tried again at the next sync.
 *
 * A file of at least sync_opts.split_min bytes is fetched in several
 * ranged parts at once (content_split.c).
 *
 * Every store call is made on this thread; curl runs in the same loop.
 * Policy "origin" downloads nothing (clients fetch from the original
 * URL).  Express installation files (store_file.express) are left out
 * unless sync_opts.express, and files only of updates in other languages
 * than sync_opts.languages.  Outside the content window
 * (sync_opts.content_window, content_window.c) nothing new starts: the
 * files stay for a later run.
 * Not here: which updates are approved (the store).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "content/content_store.h"
#include "sync/content_internal.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define PART_DIR		".partial"
#define DIGESTS_PER_CALL	100	/* DownloadFiles takes 1..100 */
#define USER_AGENT		"Microsoft BITS/7.8"
#define RECV_BUFFER		(512 * 1024)	/* CURLOPT_BUFFERSIZE */

int
sync_content_policy_parse(const char *s, enum sync_content_policy *out)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "approved") == 0)
		*out = SYNC_CONTENT_APPROVED;
	else if (strcmp(s, "all") == 0)
		*out = SYNC_CONTENT_ALL;
	else if (strcmp(s, "none") == 0)
		*out = SYNC_CONTENT_NONE;
	else if (strcmp(s, "origin") == 0)
		*out = SYNC_CONTENT_ORIGIN;
	else
		return -1;
	return 0;
}

const char *
sync_content_policy_name(enum sync_content_policy p)
{
	switch (p) {
	case SYNC_CONTENT_APPROVED:
		return "approved";
	case SYNC_CONTENT_ALL:
		return "all";
	case SYNC_CONTENT_ORIGIN:
		return "origin";
	default:
		return "none";
	}
}

int
sync_content_url(const char *base, const uint8_t sha1[20],
    const char *filename, char *out, size_t outlen)
{
	char rel[128];
	int n;

	if (content_relpath(sha1, filename, rel, sizeof(rel)) != 0)
		return -1;
	n = snprintf(out, outlen, "%s/Content/%s", base, rel);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
sync_content_part_path(const char *content_dir, const uint8_t sha1[20],
    char *out, size_t outlen)
{
	char hex[41];
	int n;

	hex_encode(sha1, 20, hex, 1);
	n = snprintf(out, outlen, "%s/" PART_DIR "/%s.part", content_dir, hex);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* A decimal number of at most 19 digits at *pp (< end).  0 or -1. */
static int
dec64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (++n > 19)
			return -1;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (n == 0)
		return -1;
	*out = v;
	*pp = p;
	return 0;
}

int
sync_content_range_parse(const char *v, size_t len, uint64_t *first,
    uint64_t *last, uint64_t *size)
{
	const char *p = v, *end = v + len;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (end - p < 6 || strncasecmp(p, "bytes ", 6) != 0)
		return -1;
	p += 6;
	if (dec64(&p, end, first) != 0 || p >= end || *p++ != '-' ||
	    dec64(&p, end, last) != 0 || p >= end || *p++ != '/')
		return -1;
	if (end - p == 1 && *p == '*') {
		*size = UINT64_MAX;
		p++;
	} else if (dec64(&p, end, size) != 0 || *last >= *size)
		return -1;
	if (p != end || *first > *last)
		return -1;
	return 0;
}

/*
 * Is a file of these update languages (space-separated; NULL or empty:
 * language-neutral) wanted with o->languages?  "all" is neutral too.
 */
static bool
language_wanted(const struct sync_opts *o, const char *langs)
{
	const char *p = langs;

	if (o->nlanguages == 0 || p == NULL || *p == '\0')
		return true;
	while (*p != '\0') {
		size_t k = strcspn(p, " ");

		if (k == 3 && strncasecmp(p, "all", 3) == 0)
			return true;
		for (size_t i = 0; i < o->nlanguages; i++)
			if (strlen(o->languages[i]) == k &&
			    strncasecmp(p, o->languages[i], k) == 0)
				return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

/* What collect() fills. */
struct collect_arg {
	struct cfiles	*l;
	struct sess	*s;
};

/* store_file_list callback: the files not yet present (express files
 * only when sync_opts.express). */
static int
collect(const struct store_file *f, void *arg)
{
	struct collect_arg *a = arg;
	struct cfiles *l = a->l;
	struct cfile *c;

	if (f->present)
		return 0;
	if (f->express && !a->s->o->express) {
		a->s->res->files_express_skipped++;
		return 0;
	}
	if (!language_wanted(a->s->o, f->languages)) {
		a->s->res->files_language_skipped++;
		return 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->f = *f;
	c->f.name = f->name ? xstrdup(f->name) : NULL;
	c->f.origin = f->origin ? xstrdup(f->origin) : NULL;
	return 0;
}

/*
 * Body bytes: written to the part file of a 200/206 answer at c->have
 * (pwrite straight from libcurl's buffer: no stdio copy) and fed to the
 * file's digests, so what is hashed is exactly what was written.
 */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct cfile *c = arg;
	size_t n = size * nmemb, w = 0;
	int fd = fileno(c->fp);

	if (c->code == 206 && !c->ranged)
		c->discard = true;	/* a part without its Content-Range */
	if (c->discard)
		return n;
	if (c->have + n > c->f.size) {
		c->overflow = true;
		return 0;		/* aborts the transfer */
	}
	while (w < n) {
		ssize_t k = pwrite(fd, p + w, n - w, (off_t)(c->have + w));

		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return 0;
		w += (size_t)k;
	}
	if (c->dg != NULL && !c->dg_bad &&
	    content_digest_update(c->dg, p, n) != 0)
		c->dg_bad = true;	/* hashed in place at the end */
	c->have += n;
	c->s->res->content_bytes += n;
	return n;
}

/*
 * Headers: the status line decides what the body is.  206 must start
 * where we asked; 200 starts the file over; anything else is dropped.
 */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct cfile *c = arg;
	size_t n = size * nmemb;
	static const char cr[] = "content-range:";

	if (n >= 12 && strncmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', n);
		long code = sp ? strtol(sp + 1, NULL, 10) : 0;

		c->discard = false;
		c->ranged = false;
		c->code = code;
		if (code == 200 && c->have > 0) {
			/* the whole file again: start the part over */
			if (fflush(c->fp) != 0 || ftruncate(fileno(c->fp), 0) != 0 ||
			    fseeko(c->fp, 0, SEEK_SET) != 0)
				return 0;
			c->have = 0;
			if (c->dg != NULL && content_digest_reset(c->dg) != 0)
				c->dg_bad = true;
		} else if (code != 200 && code != 206)
			c->discard = true;
		return n;
	}
	if (n >= sizeof(cr) && strncasecmp(p, cr, sizeof(cr) - 1) == 0 &&
	    !c->discard) {
		uint64_t first, last, total;

		/* exactly the rest of the file we asked for, or nothing */
		if (sync_content_range_parse(p + sizeof(cr) - 1,
		    n - (sizeof(cr) - 1), &first, &last, &total) != 0 ||
		    first != c->have || last + 1 != c->f.size ||
		    (total != UINT64_MAX && total != c->f.size))
			return 0;
		c->ranged = true;
	}
	return n;
}

CURL *
content_easy(struct sess *s, const char *url, unsigned nconn)
{
	const struct sync_opts *o = s->o;
	CURL *h;

	if ((h = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a stalled transfer (not a long one) is an error */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
	    o->timeout > 0 ? o->timeout : 300L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
	/* large reads: fewer recv(), write callbacks, pwrite() and digest
	 * calls per byte than libcurl's 16 KiB default */
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, (long)RECV_BUFFER);
	if (o->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (o->cacert != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
	/* the stored TLS minimum, as for the SOAP calls (transport.c):
	 * 1.2 unless 1.3 is asked for; checked there before any file */
	curl_easy_setopt(h, CURLOPT_SSLVERSION, o->tls_min != NULL &&
	    strcmp(o->tls_min, "1.3") == 0 ? (long)CURL_SSLVERSION_TLSv1_3 :
	    (long)CURL_SSLVERSION_TLSv1_2);
	/* a listener with tls_client_auth = require wants it for files too */
	if (o->client_cert != NULL)
		curl_easy_setopt(h, CURLOPT_SSLCERT, o->client_cert);
	if (o->client_key != NULL)
		curl_easy_setopt(h, CURLOPT_SSLKEY, o->client_key);
	if (o->bandwidth > 0) {
		/* the limit is shared equally by the connections */
		curl_off_t per = (curl_off_t)(o->bandwidth / nconn);

		curl_easy_setopt(h, CURLOPT_MAX_RECV_SPEED_LARGE,
		    per > 0 ? per : (curl_off_t)1);
	}
	return h;
}

/*
 * The digests of an unsplit file start with the prefix already in its
 * part file (a resumed download: read once, here); when that fails the
 * file is hashed in place once complete instead.
 */
static void
digest_start(struct cfile *c)
{
	char e[256] = "OpenSSL digest initialisation failed", hex[41];

	c->dg_bad = false;
	if (c->dg == NULL && (c->dg = content_digest_new()) == NULL) {
		c->dg_bad = true;
		return;
	}
	if (content_digest_reset(c->dg) != 0 || (c->have > 0 &&
	    content_digest_prefix(c->dg, fileno(c->fp), c->have, e,
	    sizeof(e)) != 0)) {
		hex_encode(c->f.sha1, 20, hex, 1);
		log_warnx("sync: content %s: hashing the part on disk: %s "
		    "(checked once complete)", hex, e);
		c->dg_bad = true;
	}
}

/* The transfer of an unsplit file, from c->have on. */
static CURL *
easy_for(struct sess *s, struct cfile *c, unsigned nconn)
{
	CURL *h;
	char range[48];

	if ((h = content_easy(s, c->url, nconn)) == NULL)
		return NULL;
	digest_start(c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	c->single.c = c;
	c->single.split = false;
	curl_easy_setopt(h, CURLOPT_PRIVATE, &c->single);
	if (c->have > 0) {
		snprintf(range, sizeof(range), "%llu-",
		    (unsigned long long)c->have);
		curl_easy_setopt(h, CURLOPT_RANGE, range);
	}
	return h;
}

/*
 * The part file is complete: verify it — with the digests on_body
 * computed while writing it (content_publish_digested), else hashed in
 * place (content_publish) — and move it into the content store, then
 * mark it present.  A mismatch deletes it (never published).  Counts
 * into the result.
 */
void
content_publish_part(struct sess *s, struct cfile *c)
{
	char e[512], hex[41];
	bool mismatch = false;

	uint8_t h1[20], h2[32];
	uint64_t n = 0;
	int rc;

	hex_encode(c->f.sha1, 20, hex, 1);
	if (c->dg != NULL && !c->dg_bad &&
	    content_digest_final(c->dg, h1, h2, &n) == 0)
		rc = content_publish_digested(s->o->content_dir, c->part,
		    c->f.sha1, c->f.has_sha256 ? c->f.sha256 : NULL, c->f.size,
		    c->f.name, h1, h2, n, &mismatch, e, sizeof(e));
	else
		rc = content_publish(s->o->content_dir, c->part, c->f.sha1,
		    c->f.has_sha256 ? c->f.sha256 : NULL, c->f.size, c->f.name,
		    &mismatch, e, sizeof(e));
	content_digest_free(c->dg);	/* spent either way */
	c->dg = NULL;
	if (rc != 0) {
		if (mismatch) {
			log_warnx("sync: content %s from %s does not match its "
			    "metadata (%s); deleted", hex, c->url, e);
			unlink(c->part);
		} else
			log_warnx("sync: content %s: %s", hex, e);
		s->res->files_failed++;
		return;
	}
	if (store_file_set_present(s->st, c->f.sha1, true) != STORE_OK) {
		log_warnx("sync: content %s: store: %s", hex, store_errmsg(s->st));
		s->res->files_failed++;
		return;
	}
	s->res->files_downloaded++;
}

/*
 * Open (or create) the part file, lock it (flock, held while it is
 * open: two syncs never write one part file) and learn its length.
 * 0 or -1 with errno.
 */
static int
open_part(struct cfile *c)
{
	struct stat sb;
	int fd;

	fd = open(c->part, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	/* wsusctl sync as root: wsusd must be able to resume it */
	if (fd == -1 || adopt_owner(fd, c->part, NULL) != 0 ||
	    fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    flock(fd, LOCK_EX | LOCK_NB) != 0) {
		/* EWOULDBLOCK: another sync is fetching this file now */
		if (fd != -1)
			close(fd);
		return -1;
	}
	if ((uint64_t)sb.st_size > c->f.size) {
		if (ftruncate(fd, 0) != 0) {
			close(fd);
			return -1;
		}
		sb.st_size = 0;
	}
	if ((c->fp = fdopen(fd, "r+b")) == NULL) {
		close(fd);
		return -1;
	}
	if (fseeko(c->fp, sb.st_size, SEEK_SET) != 0) {
		fclose(c->fp);
		c->fp = NULL;
		return -1;
	}
	c->have = (uint64_t)sb.st_size;
	return 0;
}

/* Add c to pending (a 404: DownloadFiles). */
static void
add_pending(struct sess *s, struct cfile *c, struct cfiles *pending)
{
	s->res->files_pending++;
	if (pending->n == pending->cap) {
		pending->cap = pending->cap ? pending->cap * 2 : 16;
		pending->v = xreallocarray(pending->v, pending->cap,
		    sizeof(*pending->v));
	}
	pending->v[pending->n++] = *c;
}

/* One transfer ended: classify it.  404s are added to pending. */
static void
done(struct sess *s, struct cfile *c, CURLcode cc, long code,
    struct cfiles *pending)
{
	bool ok = c->fp != NULL && fflush(c->fp) == 0;
	char hex[41];

	hex_encode(c->f.sha1, 20, hex, 1);
	if (c->fp != NULL && fclose(c->fp) != 0)
		ok = false;
	c->fp = NULL;
	if (c->have == 0)
		unlink(c->part);	/* no empty part files left behind */
	if (code == 404 && (!s->catalog_only || c->f.origin == NULL)) {
		log_info("sync: content %s: 404 from the upstream; asking "
		    "DownloadFiles", hex);
		add_pending(s, c, pending);
		return;
	}
	if (c->overflow) {
		log_warnx("sync: content %s: the upstream sends more than the "
		    "%llu bytes of the metadata; deleted", hex,
		    (unsigned long long)c->f.size);
		unlink(c->part);
		s->res->files_failed++;
		return;
	}
	if (cc != CURLE_OK || !ok || (code != 200 && code != 206) ||
	    (code == 206 && !c->ranged) || c->have != c->f.size) {
		log_warnx("sync: content %s: %s (HTTP %ld, %llu of %llu bytes); "
		    "kept for the next sync", hex, cc != CURLE_OK ?
		    curl_easy_strerror(cc) : "incomplete", code,
		    (unsigned long long)c->have, (unsigned long long)c->f.size);
		s->res->files_failed++;
		return;
	}
	content_publish_part(s, c);
}

/* Fetch every file of l; 404s go to pending. */
static int
fetch(struct sess *s, struct cfiles *l, struct cfiles *pending)
{
	unsigned nconn = s->o->download_connections ?
	    s->o->download_connections : SYNC_CONTENT_CONNECTIONS;
	size_t next = 0, active = 0, finished;
	CURLM *m;
	CURLMsg *msg;
	int running = 0, left;

	if (nconn > SYNC_CONTENT_CONNECTIONS_MAX)
		nconn = SYNC_CONTENT_CONNECTIONS_MAX;
	if ((m = curl_multi_init()) == NULL) {
		sync_seterr(s, "content: curl_multi_init failed");
		return -1;
	}
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)nconn);
	for (;;) {
		while (active < nconn && next < l->n) {
			struct cfile *c;
			CURL *h;
			size_t added;
			int k;

			if (!sync_window_open(s->o->content_window,
			    time(NULL))) {
				/* the window closed: the rest waits */
				log_info("sync: content window closed; %zu "
				    "files left for a later run", l->n - next);
				s->res->content_deferred = true;
				next = l->n;
				break;
			}
			c = &l->v[next++];

			c->s = s;
			if (open_part(c) != 0) {
				log_warnx("sync: content: %s: %s", c->part,
				    strerror(errno));
				s->res->files_failed++;
				continue;
			}
			/* a large file: several ranged parts at once */
			if ((k = content_split_start(s, c, m, nconn,
			    &added)) != 0) {
				active += added;
				if (k == 1 && added == 0 && c->part_404)
					add_pending(s, c, pending);
				continue;
			}
			if (c->have == c->f.size) {
				/* a complete part left by an interrupted run */
				fclose(c->fp);
				c->fp = NULL;
				content_publish_part(s, c);
				continue;
			}
			if ((h = easy_for(s, c, nconn)) == NULL ||
			    curl_multi_add_handle(m, h) != CURLM_OK) {
				if (h != NULL)
					curl_easy_cleanup(h);
				fclose(c->fp);
				c->fp = NULL;
				s->res->files_failed++;
				continue;
			}
			active++;
		}
		if (active == 0 && next >= l->n)
			break;
		if (curl_multi_perform(m, &running) != CURLM_OK) {
			sync_seterr(s, "content: curl multi failed");
			curl_multi_cleanup(m);
			return -1;
		}
		finished = 0;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct cpart *x = NULL;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&x);
			curl_easy_getinfo(msg->easy_handle,
			    CURLINFO_RESPONSE_CODE, &code);
			if (!x->split)
				done(s, x->c, msg->data.result, code, pending);
			else if (content_split_done(s, x, msg->data.result,
			    code)) {
				log_info("sync: content: 404 from the upstream; "
				    "asking DownloadFiles");
				add_pending(s, x->c, pending);
			}
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
			active--;
			finished++;
		}
		/*
		 * Wait for the sockets only when no transfer ended: an ended
		 * one frees a connection for the next file at once, and when
		 * every transfer had ended there would be no socket to wake
		 * the poll before its timeout (a stall of a second each time).
		 */
		if (finished == 0 &&
		    curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK) {
			sync_seterr(s, "content: curl multi failed");
			curl_multi_cleanup(m);
			return -1;
		}
	}
	curl_multi_cleanup(m);
	return 0;
}

/*
 * DownloadFiles for the digests of pending, DIGESTS_PER_CALL at a time.
 * The answer does not matter (a wsusd upstream without a parent answers
 * FileDigestsMissing): the files are tried again at the next sync.
 */
static void
ask_upstream(struct sess *s, const struct cfiles *pending)
{
	struct buf req;
	struct xmlw w;
	size_t off, i;

	buf_init(&req, REQ_MAX);
	for (off = 0; off < pending->n; off += DIGESTS_PER_CALL) {
		struct soap_request *r = NULL;
		size_t k = pending->n - off < DIGESTS_PER_CALL ?
		    pending->n - off : DIGESTS_PER_CALL;

		if (s->ck_expires > 0 &&
		    (int64_t)time(NULL) > s->ck_expires - COOKIE_RENEW_SECS &&
		    sync_renew(s) != 0)
			break;
		sync_req_begin(&w, &req, NS_SS, "DownloadFiles");
		sync_put_cookie(s, &w);
		xmlw_start(&w, "fileDigestList");
		for (i = off; i < off + k; i++)
			xmlw_elem_base64(&w, "base64Binary",
			    pending->v[i].f.sha1, 20);
		xmlw_end(&w);
		if (sync_req_end(s, &w) != 0)
			break;
		if (sync_call(s, PATH_SS, NS_SS, "DownloadFiles", &req, &r) != 0)
			log_warnx("sync: %s (the files are tried again at the "
			    "next sync)", s->err);
		soap_request_free(r);
	}
	buf_free(&req);
}

int
sync_content(struct sess *s)
{
	struct cfiles l = { 0 }, pending = { 0 };
	struct collect_arg ca;
	char dir[PATH_MAX];
	size_t i;
	int rc = -1;

	if (s->o->content == SYNC_CONTENT_NONE ||
	    s->o->content == SYNC_CONTENT_ORIGIN || s->st == NULL)
		return 0;
	if (s->o->content_dir == NULL || s->o->content_dir[0] == '\0') {
		sync_seterr(s, "content: no content directory configured");
		return -1;
	}
	if (!sync_window_open(s->o->content_window, time(NULL))) {
		const struct sync_window *w = s->o->content_window;

		log_info("sync: outside the content window %02d:%02d-%02d:%02d; "
		    "content left for a run inside it", w->from / 60,
		    w->from % 60, w->to / 60, w->to % 60);
		s->res->content_deferred = true;
		return 0;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/" PART_DIR,
	    s->o->content_dir) >= sizeof(dir) || mkdir_p(dir, 0755) != 0 ||
	    adopt_owner(-1, dir, s->o->content_dir) != 0) {
		sync_seterr(s, "content: %s: %s", dir, strerror(errno));
		return -1;
	}
	ca.l = &l;
	ca.s = s;
	/* a DownloadFiles run fetches what was asked for, nothing more:
	 * the policy's other missing files wait for the next sync (they
	 * may be many, and the link a branch's) */
	if ((s->requests_only ? store_file_request_list(s->st, collect, &ca) :
	    store_file_list(s->st, s->o->content == SYNC_CONTENT_APPROVED,
	    collect, &ca)) != STORE_OK) {
		sync_seterr(s, "content: store: %s", store_errmsg(s->st));
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		struct cfile *c = &l.v[i];
		int n;

		if (s->catalog_only && c->f.origin != NULL)
			n = (size_t)snprintf(c->url, sizeof(c->url), "%s",
			    c->f.origin) < sizeof(c->url) ? 0 : -1;
		else
			n = sync_content_url(s->base, c->f.sha1, c->f.name,
			    c->url, sizeof(c->url));
		if (n != 0 || sync_content_part_path(s->o->content_dir,
		    c->f.sha1, c->part, sizeof(c->part)) != 0) {
			sync_seterr(s, "content: a URL or file name does not "
			    "fit");
			goto out;
		}
	}
	if (s->o->verbose)
		log_info("sync: content: %zu files to fetch (%s)", l.n,
		    sync_content_policy_name(s->o->content));
	if (fetch(s, &l, &pending) != 0)
		goto out;
	if (pending.n > 0)
		ask_upstream(s, &pending);
	rc = 0;
out:
	for (i = 0; i < l.n; i++) {
		free((char *)l.v[i].f.name);
		free((char *)l.v[i].f.origin);
		content_split_free(&l.v[i]);
		content_digest_free(l.v[i].dg);
	}
	free(l.v);
	free(pending.v);
	return rc;
}
