/*
 * download.c — "wsus-client download": fetch one content URL the way
 * Windows Delivery Optimization does against a WSUS server: no
 * conditional requests, the size known in advance (from the update
 * metadata, here --size; one HEAD when it is not given), then closed
 * "Range: bytes=a-b" requests of one piece each over a few keep-alive
 * connections.  Every answer must be 206 with exactly the Content-Range
 * asked for and exactly that many bytes.  The pieces land in a temporary
 * file next to the output (pwrite at their offset), the digests given
 * are checked over the whole file, and only then is it renamed into
 * place.  On any failure nothing is left behind.
 *
 * One libcurl easy handle per connection, all driven by one multi
 * handle; a handle that finished a piece is given the next one, so its
 * connection is reused (keep-alive).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client/client.h"
#include "content/content_store.h"
#include "soapclient/soapclient.h"
#include "util/clock.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"
#include "wsusd_build.h"

#define DL_PIECE_DEFAULT	(1024 * 1024)	/* what DO uses */
#define DL_CONNECTIONS_MAX	64
#define DL_CRANGE_MAX		128

struct dl;

/* One connection: an easy handle and the piece it is fetching. */
struct slot {
	CURL		*easy;		/* owned */
	struct dl	*dl;		/* borrowed */
	uint64_t	 first, last;	/* the piece */
	uint64_t	 got;		/* body bytes written so far */
	long		 status;	/* last status line seen */
	char		 crange[DL_CRANGE_MAX]; /* Content-Range value */
	bool		 overflow;	/* more body than asked for */
	bool		 io_error;	/* pwrite failed */
	char		 range[64];	/* CURLOPT_RANGE text */
};

struct dl {
	const char	*url;
	int		 fd;		/* the temporary file */
	uint64_t	 size;
	uint64_t	 piece;
	uint64_t	 next;		/* first byte not yet handed out */
	bool		 insecure;
	const char	*cacert;	/* CA file for TLS or NULL (scan) */
	long		 connects;	/* new connections opened, summed */
	char		 err[512];
};

static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return *s == '\0' ? 0 : -1;
}

int
client_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t mul = 1, v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K': mul = 1024; break;
	case 'm': case 'M': mul = 1024 * 1024; break;
	case 'g': case 'G': mul = 1024 * 1024 * 1024; break;
	default: break;
	}
	if (mul != 1)
		num[n - 1] = '\0';
	if (parse_u64(num, &v) == -1 || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

void
cmd_download_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsus-client download URL -o FILE [--size N] [--sha1 HEX]\n"
	    "           [--sha256 HEX] [--piece BYTES] [--connections N]\n"
	    "           [--insecure] [--quiet]\n"
	    "Fetch URL like Windows Delivery Optimization: closed Range\n"
	    "requests of one piece each over keep-alive connections; every\n"
	    "answer must be 206 with the exact Content-Range.  The file is\n"
	    "written to a temporary name next to FILE and renamed when\n"
	    "complete and verified.\n"
	    "  -o, --output FILE     where to store the file (required)\n"
	    "  -s, --size N          file size from the metadata; without it\n"
	    "                        one HEAD request asks the server\n"
	    "      --sha1 HEX        expected SHA-1 (40 hex digits)\n"
	    "      --sha256 HEX      expected SHA-256 (64 hex digits)\n"
	    "  -p, --piece BYTES     piece size, K/M/G suffixes allowed\n"
	    "                        (default 1M)\n"
	    "  -c, --connections N   parallel connections, 1..%d (default 1)\n"
	    "  -k, --insecure        do not verify the TLS certificate\n"
	    "  -q, --quiet           no summary line on stderr\n"
	    "Exit status: 0 done, 1 download or verification failed, 2 usage.\n",
	    DL_CONNECTIONS_MAX);
}

/* ---- libcurl callbacks ------------------------------------------------ */

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t len = size * n;

	/* a new status line (after 100 Continue, too): start over */
	if (soapclient_header_value(p, len, "Content-Range:", s->crange,
	    sizeof(s->crange)) == SOAPCLIENT_HDR_STATUS)
		s->crange[0] = '\0';
	return len;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t len = size * n, done = 0;
	uint64_t want = s->last - s->first + 1;

	if (len > want - s->got) {
		s->overflow = true;
		return 0;		/* aborts the transfer */
	}
	while (done < len) {
		ssize_t w = pwrite(s->dl->fd, p + done, len - done,
		    (off_t)(s->first + s->got));
		if (w == -1) {
			if (errno == EINTR)
				continue;
			s->io_error = true;
			return 0;
		}
		done += (size_t)w;
		s->got += (uint64_t)w;
	}
	return len;
}

/* ---- the transfer ----------------------------------------------------- */

static void
easy_common(CURL *e, const struct dl *dl)
{
	curl_easy_setopt(e, CURLOPT_URL, dl->url);
	curl_easy_setopt(e, CURLOPT_USERAGENT, CLIENT_USER_AGENT);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL);
	if (dl->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (dl->cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, dl->cacert);
}

/* One HEAD request: the size from Content-Length. */
static int
head_size(struct dl *dl)
{
	CURL *e = curl_easy_init();
	curl_off_t len = -1;
	long status = 0;
	CURLcode rc;

	if (e == NULL) {
		snprintf(dl->err, sizeof(dl->err), "libcurl: no easy handle");
		return -1;
	}
	easy_common(e, dl);
	curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	rc = curl_easy_perform(e);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
	}
	curl_easy_cleanup(e);
	if (rc != CURLE_OK) {
		snprintf(dl->err, sizeof(dl->err), "HEAD %s: %s", dl->url,
		    curl_easy_strerror(rc));
		return -1;
	}
	if (status != 200 || len < 0) {
		snprintf(dl->err, sizeof(dl->err), "HEAD %s: status %ld%s",
		    dl->url, status, len < 0 ? ", no Content-Length" : "");
		return -1;
	}
	dl->size = (uint64_t)len;
	return 0;
}

/* Give slot s the next piece; false when none is left. */
static bool
slot_assign(struct dl *dl, struct slot *s)
{
	if (dl->next >= dl->size)
		return false;
	s->first = dl->next;
	s->last = dl->size - s->first > dl->piece ?
	    s->first + dl->piece - 1 : dl->size - 1;
	dl->next = s->last + 1;
	s->got = 0;
	s->crange[0] = '\0';
	s->overflow = s->io_error = false;
	snprintf(s->range, sizeof(s->range), "%" PRIu64 "-%" PRIu64,
	    s->first, s->last);
	curl_easy_setopt(s->easy, CURLOPT_RANGE, s->range);
	return true;
}

/* Check a finished piece; 0 or -1 with dl->err. */
static int
slot_check(struct dl *dl, struct slot *s, CURLcode rc)
{
	char want[DL_CRANGE_MAX];
	long status = 0, nc = 0;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(s->easy, CURLINFO_NUM_CONNECTS, &nc);
	dl->connects += nc;
	if (s->io_error) {
		snprintf(dl->err, sizeof(dl->err), "write: %s",
		    strerror(errno));
		return -1;
	}
	if (s->overflow) {
		snprintf(dl->err, sizeof(dl->err), "range %s: server sent "
		    "more bytes than asked for (status %ld)", s->range, status);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(dl->err, sizeof(dl->err), "range %s: %s", s->range,
		    curl_easy_strerror(rc));
		return -1;
	}
	if (status != 206) {
		snprintf(dl->err, sizeof(dl->err), "range %s: status %ld, "
		    "expected 206%s", s->range, status, status == 200 ?
		    " (server ignored Range)" : "");
		return -1;
	}
	snprintf(want, sizeof(want), "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64,
	    s->first, s->last, dl->size);
	if (strcmp(s->crange, want) != 0) {
		snprintf(dl->err, sizeof(dl->err), "range %s: Content-Range "
		    "'%s', expected '%s'", s->range, s->crange, want);
		return -1;
	}
	if (s->got != s->last - s->first + 1) {
		snprintf(dl->err, sizeof(dl->err), "range %s: %" PRIu64
		    " bytes, expected %" PRIu64, s->range, s->got,
		    s->last - s->first + 1);
		return -1;
	}
	return 0;
}

/* An empty file: one plain GET that must answer 200 with no body. */
static int
fetch_empty(struct dl *dl)
{
	struct slot s;
	long status = 0;
	CURLcode rc;

	memset(&s, 0, sizeof(s));
	s.dl = dl;
	if ((s.easy = curl_easy_init()) == NULL) {
		snprintf(dl->err, sizeof(dl->err), "libcurl: no easy handle");
		return -1;
	}
	easy_common(s.easy, dl);
	/* a piece of zero bytes: any body byte is an overflow */
	s.first = 1;
	s.last = 0;
	curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s);
	rc = curl_easy_perform(s.easy);
	curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(s.easy);
	if (rc != CURLE_OK || status != 200) {
		snprintf(dl->err, sizeof(dl->err), "GET %s: %s", dl->url,
		    rc != CURLE_OK ? curl_easy_strerror(rc) :
		    "status is not 200");
		return -1;
	}
	dl->connects = 1;
	return 0;
}

static int
fetch_pieces(struct dl *dl, unsigned nconn)
{
	struct slot *slots;
	CURLM *m;
	unsigned active = 0;
	int running = 0, rc = -1;

	if (dl->size == 0)
		return fetch_empty(dl);
	if ((m = curl_multi_init()) == NULL) {
		snprintf(dl->err, sizeof(dl->err), "libcurl: no multi handle");
		return -1;
	}
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)nconn);
	slots = xcalloc(nconn, sizeof(*slots));
	for (unsigned i = 0; i < nconn; i++) {
		struct slot *s = &slots[i];
		s->dl = dl;
		if ((s->easy = curl_easy_init()) == NULL) {
			snprintf(dl->err, sizeof(dl->err),
			    "libcurl: no easy handle");
			goto done;
		}
		easy_common(s->easy, dl);
		curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
		curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
		if (!slot_assign(dl, s))
			break;
		curl_multi_add_handle(m, s->easy);
		active++;
	}
	while (active > 0) {
		CURLMsg *msg;
		int left;
		CURLMcode mc = curl_multi_perform(m, &running);

		if (mc != CURLM_OK) {
			snprintf(dl->err, sizeof(dl->err), "libcurl: %s",
			    curl_multi_strerror(mc));
			goto done;
		}
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct slot *s = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&s);
			if (slot_check(dl, s, msg->data.result) == -1)
				goto done;
			curl_multi_remove_handle(m, s->easy);
			active--;
			if (slot_assign(dl, s)) {
				curl_multi_add_handle(m, s->easy);
				active++;
			}
		}
		/* wait for traffic; libcurl's own timers cut the wait short */
		if (active > 0 &&
		    (mc = curl_multi_poll(m, NULL, 0, 1000, NULL)) != CURLM_OK) {
			snprintf(dl->err, sizeof(dl->err), "libcurl: %s",
			    curl_multi_strerror(mc));
			goto done;
		}
	}
	rc = 0;
done:
	for (unsigned i = 0; i < nconn; i++) {
		if (slots[i].easy == NULL)
			continue;
		curl_multi_remove_handle(m, slots[i].easy);
		curl_easy_cleanup(slots[i].easy);
	}
	free(slots);
	curl_multi_cleanup(m);
	return rc;
}

static int
verify(const char *tmp, const struct dl *dl, const uint8_t *sha1,
    const uint8_t *sha256, char *err, size_t errlen)
{
	uint8_t h1[20], h2[32];
	char want[65], got[65];
	uint64_t n;

	if (content_hash_file(tmp, h1, h2, &n, err, errlen) == -1)
		return -1;
	if (n != dl->size) {
		snprintf(err, errlen, "file is %" PRIu64 " bytes, expected %"
		    PRIu64, n, dl->size);
		return -1;
	}
	if (sha1 != NULL && memcmp(h1, sha1, 20) != 0) {
		hex_encode(sha1, 20, want, 1);
		hex_encode(h1, 20, got, 1);
		snprintf(err, errlen, "SHA-1 mismatch: expected %s, got %s",
		    want, got);
		return -1;
	}
	if (sha256 != NULL && memcmp(h2, sha256, 32) != 0) {
		hex_encode(sha256, 32, want, 1);
		hex_encode(h2, 32, got, 1);
		snprintf(err, errlen, "SHA-256 mismatch: expected %s, got %s",
		    want, got);
		return -1;
	}
	return 0;
}

int
cmd_download(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output",	 required_argument, NULL, 'o' },
		{ "size",	 required_argument, NULL, 's' },
		{ "sha1",	 required_argument, NULL, '1' },
		{ "sha256",	 required_argument, NULL, '2' },
		{ "piece",	 required_argument, NULL, 'p' },
		{ "connections", required_argument, NULL, 'c' },
		{ "insecure",	 no_argument,	    NULL, 'k' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dl dl;
	const char *out = NULL;
	uint8_t sha1[20], sha256[32];
	bool have_sha1 = false, have_sha256 = false, have_size = false;
	bool quiet = false;
	uint64_t v, conns = 1;
	char tmp[PATH_MAX], err[512];
	double t0;
	int c;

	memset(&dl, 0, sizeof(dl));
	dl.fd = -1;
	dl.piece = DL_PIECE_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:s:p:c:kqh", longopts, NULL))
	    != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (client_parse_size(optarg, &dl.size) == -1)
				goto bad_value;
			have_size = true;
			break;
		case '1':
			if (hex_decode(optarg, sha1, 20) == -1)
				goto bad_value;
			have_sha1 = true;
			break;
		case '2':
			if (hex_decode(optarg, sha256, 32) == -1)
				goto bad_value;
			have_sha256 = true;
			break;
		case 'p':
			if (client_parse_size(optarg, &v) == -1 || v == 0)
				goto bad_value;
			dl.piece = v;
			break;
		case 'c':
			if (parse_u64(optarg, &conns) == -1 || conns == 0 ||
			    conns > DL_CONNECTIONS_MAX)
				goto bad_value;
			break;
		case 'k':
			dl.insecure = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			cmd_download_usage(stdout);
			return CLIENT_EXIT_OK;
		default:
			cmd_download_usage(stderr);
			return CLIENT_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || out == NULL) {
		fprintf(stderr, "wsus-client download: %s\n", out == NULL ?
		    "-o FILE is required" : "exactly one URL is required");
		cmd_download_usage(stderr);
		return CLIENT_EXIT_USAGE;
	}
	dl.url = argv[optind];

	t0 = clock_mono();
	if (!have_size && head_size(&dl) == -1) {
		fprintf(stderr, "wsus-client: %s\n", dl.err);
		return CLIENT_EXIT_FAIL;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.part.XXXXXX", out) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "wsus-client: %s: name too long\n", out);
		return CLIENT_EXIT_FAIL;
	}
	if ((dl.fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		fprintf(stderr, "wsus-client: %s: %s\n", tmp, strerror(errno));
		return CLIENT_EXIT_FAIL;
	}
	if (fchmod(dl.fd, 0644) == -1 ||
	    fetch_pieces(&dl, (unsigned)conns) == -1 ||
	    fsync(dl.fd) == -1) {
		fprintf(stderr, "wsus-client: %s\n", dl.err[0] ? dl.err :
		    strerror(errno));
		goto fail;
	}
	close(dl.fd);
	dl.fd = -1;
	if (verify(tmp, &dl, have_sha1 ? sha1 : NULL,
	    have_sha256 ? sha256 : NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "wsus-client: %s: %s\n", dl.url, err);
		goto fail;
	}
	if (rename(tmp, out) == -1) {
		fprintf(stderr, "wsus-client: %s: %s\n", out, strerror(errno));
		goto fail;
	}
	(void)fsync_parent_dir(out);
	if (!quiet) {
		double dt = clock_mono() - t0;
		fprintf(stderr, "wsus-client: %" PRIu64 " bytes in %.3f s "
		    "(%.1f MiB/s), %" PRIu64 " piece%s, %ld connection%s\n",
		    dl.size, dt, dt > 0 ? (double)dl.size / dt / 1048576.0 : 0,
		    dl.size == 0 ? 1 : (dl.size + dl.piece - 1) / dl.piece,
		    dl.size > dl.piece ? "s" : "", dl.connects,
		    dl.connects == 1 ? "" : "s");
	}
	return CLIENT_EXIT_OK;

bad_value:
	fprintf(stderr, "wsus-client download: bad value for %s: '%s'\n",
	    argv[optind - 1], optarg);
	return CLIENT_EXIT_USAGE;
fail:
	if (dl.fd != -1)
		close(dl.fd);
	unlink(tmp);
	return CLIENT_EXIT_FAIL;
}

/* ---- for other commands (scan): one verified download ------------------ */

int
client_fetch(const struct client_fetch *f, char *err, size_t errlen)
{
	struct dl dl;
	char tmp[PATH_MAX];

	memset(&dl, 0, sizeof(dl));
	dl.fd = -1;
	dl.url = f->url;
	dl.size = f->size;
	dl.piece = f->piece > 0 ? f->piece : DL_PIECE_DEFAULT;
	dl.insecure = f->insecure;
	dl.cacert = f->cacert;
	if (!f->have_size && head_size(&dl) == -1) {
		snprintf(err, errlen, "%s", dl.err);
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.part.XXXXXX", f->out) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", f->out);
		return -1;
	}
	if ((dl.fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(dl.fd, 0644) == -1 ||
	    fetch_pieces(&dl, f->connections > 0 ? f->connections : 1) == -1) {
		snprintf(err, errlen, "%s", dl.err[0] ? dl.err :
		    strerror(errno));
		goto fail;
	}
	close(dl.fd);
	dl.fd = -1;
	if (verify(tmp, &dl, f->sha1, f->sha256, err, errlen) == -1)
		goto fail;
	if (rename(tmp, f->out) == -1) {
		snprintf(err, errlen, "%s: %s", f->out, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (dl.fd != -1)
		close(dl.fd);
	unlink(tmp);
	return -1;
}
