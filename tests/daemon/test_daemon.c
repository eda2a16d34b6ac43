/*
 * test_daemon.c — wsusd's manners as a service, against the real
 * programs: --help and --version of wsusd, wsusctl and wsus-client; the
 * store check before readiness (a damaged database, a permission
 * problem); SIGHUP reloads (limits and log level applied, a restart key
 * named, a broken file refused with the old configuration kept, sd_notify
 * RELOADING=1 then READY=1, open connections kept, a new TLS certificate
 * served); timestamps on foreground log lines.
 *
 * Not here: the HTTP details of each limit (tests/http) and packaging.
 * Nothing is timed: every wait is for an event (a notify message, a
 * process exit) with a generous bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

static const char *wsusctl_exe, *client_exe, *version;
static char scratch[] = "/tmp/wsusd-daemon-XXXXXX";	/* stderr files */

/* ---- helpers ------------------------------------------------------------- */

/* The whole file as a NUL-terminated string (caller frees); "" if none. */
static char *
slurp(const char *path)
{
	char *data;
	size_t len;

	if (read_file(path, 1 << 20, &data, &len) == -1)
		return strdup("");
	return data;
}

/* Run argv; stdout into out, stderr into *err (allocated).  Exit status. */
static int
run(char *const argv[], struct buf *out, char **err, const char *dir)
{
	char errpath[256];
	int rc;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", dir);
	rc = tl_run(argv, out, errpath);
	*err = slurp(errpath);
	if (out != NULL && out->data == NULL)
		buf_append(out, "", 1);	/* "" rather than NULL */
	return rc;
}

static size_t
count_lines(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

/* A bound unix datagram socket at DIR/notify.sock for NOTIFY_SOCKET. */
static int
notify_open(const char *dir, char *path, size_t pathlen)
{
	struct sockaddr_un sun;
	struct timeval tv = { 20, 0 };
	int fd;

	snprintf(path, pathlen, "%s/notify.sock", dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The next message (waits up to 20 s; "" then). */
static const char *
notify_next(int fd, int flags)
{
	static char msg[512];
	ssize_t n = recv(fd, msg, sizeof(msg) - 1, flags);

	msg[n > 0 ? n : 0] = '\0';
	return msg;
}

static int
tcp_connect(uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 20, 0 };

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * Send req on fd and return the status code of the answer, reading the
 * head and a Content-Length body so the connection can be used again.
 */
static size_t last_bytes;	/* bytes the last exchange() received */

static int
exchange(int fd, const char *req)
{
	char buf[4096];
	size_t n = 0;
	const char *end, *cl;
	long body = 0;
	int status;

	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((end = n > 0 ? strstr(buf, "\r\n\r\n") : NULL) == NULL) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
	}
	assert_int_equal(strncmp(buf, "HTTP/1.1 ", 9), 0);
	status = (int)strtol(buf + 9, NULL, 10);
	if ((cl = strcasestr(buf, "\r\nContent-Length:")) != NULL && cl < end)
		body = strtol(cl + 17, NULL, 10);
	last_bytes = n;
	body -= (long)(n - (size_t)(end + 4 - buf));
	while (body > 0) {
		ssize_t r = read(fd, buf, sizeof(buf) < (size_t)body ?
		    sizeof(buf) : (size_t)body);
		if (r <= 0)
			return -1;
		body -= r;
		last_bytes += (size_t)r;
	}
	return status;
}

/* One request on a new connection; its status. */
static int
request(uint16_t port, const char *req)
{
	int fd = tcp_connect(port), status = exchange(fd, req);

	close(fd);
	return status;
}

#define POST_5000 "POST /Content/x HTTP/1.1\r\nHost: t\r\n" \
	"Content-Length: 5000\r\n\r\n"
#define GET_404 "GET /Content/00/none.cab HTTP/1.1\r\nHost: t\r\n\r\n"
#define NO_HOST "GET /Content/x HTTP/1.1\r\n\r\n"

/* A configuration with one plain listener (and TLS when tls_port). */
static void
write_conf(struct tl_wsusd *w, const char *server, const char *limits,
    uint16_t tls_port)
{
	char text[4096], tls[512] = "";

	if (tls_port != 0)
		snprintf(tls, sizeof(tls), "tls_certificate = %s/cert.pem\n"
		    "tls_key = %s/key.pem\n", w->dir, w->dir);
	snprintf(text, sizeof(text), "[server]\ncontent_dir = %s\n"
	    "state_dir = %s\ndatabase = sqlite://%s\n%s%s\n"
	    "[listener plain]\naddress = 127.0.0.1\nport = %u\n\n",
	    w->content, w->dir, w->db, tls, server, w->port);
	if (tls_port != 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    "[listener secure]\naddress = 127.0.0.1\nport = %u\n"
		    "tls = yes\n\n", tls_port);
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
	    "[limits]\nconnection_timeout = 30\nthreads = 2\n%s", limits);
	assert_int_equal(tl_wsusd_write_conf(w, text), 0);
}

/* SIGHUP and wait for the whole reload: RELOADING=1 then READY=1. */
static void
hup(struct tl_wsusd *w, int nfd)
{
	const char *m;

	assert_int_equal(kill(w->pid, SIGHUP), 0);
	m = notify_next(nfd, 0);
	if (strncmp(m, "RELOADING=1\nMONOTONIC_USEC=", 27) != 0)
		fail_msg("first message after SIGHUP: '%s'", m);
	m = notify_next(nfd, 0);
	if (strcmp(m, "READY=1\nSTATUS=serving") != 0)
		fail_msg("second message after SIGHUP: '%s'", m);
}

/* ---- --help and --version ------------------------------------------------ */

static void
check_help_version(const char *exe, const char *name, const char *bad)
{
	char want[128], *err;
	struct buf out;

	{
		char *argv[] = { (char *)exe, "--version", NULL };
		buf_init(&out, 1 << 16);
		assert_int_equal(run(argv, &out, &err, scratch), 0);
		snprintf(want, sizeof(want), "%s %s\n", name, version);
		assert_string_equal(out.data, want);
		assert_string_equal(err, "");
		buf_free(&out);
		free(err);
	}
	{
		char *argv[] = { (char *)exe, "--help", NULL };
		snprintf(want, sizeof(want), "usage: %s ", name);
		buf_init(&out, 1 << 16);
		assert_int_equal(run(argv, &out, &err, scratch), 0);
		assert_int_equal(strncmp(out.data, want, strlen(want)), 0);
		assert_string_equal(err, "");
		buf_free(&out);
		free(err);
	}
	{
		char *argv[] = { (char *)exe, (char *)bad, NULL };
		buf_init(&out, 1 << 16);
		assert_int_equal(run(argv, &out, &err, scratch), 2);
		assert_string_equal(out.data, "");
		assert_non_null(strstr(err, "usage: "));
		buf_free(&out);
		free(err);
	}
}

static void
test_help_version(void **state)
{
	(void)state;
	check_help_version(tl_wsusd_exe, "wsusd", "--bogus");
	check_help_version(wsusctl_exe, "wsusctl", "--bogus");
	check_help_version(client_exe, "wsus-client", "bogus");
	/* the short forms stay */
	{
		char *argv[] = { (char *)tl_wsusd_exe, "-V", NULL }, *err;
		struct buf out;
		char want[64];
		buf_init(&out, 1 << 16);
		assert_int_equal(run(argv, &out, &err, scratch), 0);
		snprintf(want, sizeof(want), "wsusd %s\n", version);
		assert_string_equal(out.data, want);
		buf_free(&out);
		free(err);
	}
}

/* ---- the store check before readiness ------------------------------------ */

/*
 * Start wsusd on w (NOTIFY_SOCKET set) and expect it to exit 1 before
 * being ready, with exactly one line on stderr containing want; the
 * line is returned (caller frees).
 */
static char *
expect_refusal(struct tl_wsusd *w, const char *want, char *const *prefix)
{
	char npath[128], *err, *argv[12];
	struct buf out;
	int nfd, n = 0;

	nfd = notify_open(w->dir, npath, sizeof(npath));
	setenv("NOTIFY_SOCKET", npath, 1);
	while (prefix != NULL && prefix[n] != NULL) {
		argv[n] = prefix[n];
		n++;
	}
	argv[n++] = (char *)tl_wsusd_exe;
	argv[n++] = (char *)"-c";
	argv[n++] = w->conf;
	argv[n] = NULL;
	buf_init(&out, 1 << 16);
	assert_int_equal(run(argv, &out, &err, w->dir), 1);
	unsetenv("NOTIFY_SOCKET");
	if (out.data == NULL)
		buf_append(&out, "", 1);
	if (count_lines(err) != 1 || strstr(err, want) == NULL)
		fail_msg("wanted one line with '%s', got:\n%s", want, err);
	assert_null(strstr(err, "started"));
	assert_string_equal(out.data, "");
	/* it never said READY (nor anything else) */
	assert_string_equal(notify_next(nfd, MSG_DONTWAIT), "");
	close(nfd);
	unlink(npath);
	buf_free(&out);
	return err;
}

static void
test_store_damaged(void **state)
{
	struct tl_wsusd w;
	char want[256], *line;
	struct stat sb;
	int fd;

	(void)state;
	assert_int_equal(tl_wsusd_setup(&w, "damaged", NULL), 0);
	/* one page in the middle overwritten (a table's, postinstall
	 * leaves no free page): open works, the check does not */
	assert_int_equal(stat(w.db, &sb), 0);
	assert_true(sb.st_size > 16 * 4096);
	fd = open(w.db, O_WRONLY);
	assert_true(fd >= 0);
	{
		char junk[4096];
		off_t page = sb.st_size / 4096 / 2;
		memset(junk, 0x5a, sizeof(junk));
		assert_int_equal(pwrite(fd, junk, sizeof(junk), page * 4096),
		    4096);
		/* SQLite numbers pages from 1 */
		snprintf(want, sizeof(want), "wsusd: %s: database is damaged "
		    "(quick_check: Page %lld: ", w.db, (long long)page + 1);
	}
	close(fd);
	line = expect_refusal(&w, want, NULL);
	free(line);

	/* not a database at all; under the journal: priority, no time */
	assert_int_equal(tl_write_file(w.db, "not a database\n", 15), 0);
	setenv("JOURNAL_STREAM", "8:1234", 1);
	line = expect_refusal(&w, "file is not a database", NULL);
	unsetenv("JOURNAL_STREAM");
	assert_int_equal(strncmp(line, "<3>", 3), 0);
	free(line);
	tl_wsusd_cleanup(&w);
}

static void
test_store_permissions(void **state)
{
	char *const as_nobody[] = { "setpriv", "--reuid=65534",
	    "--regid=65534", "--clear-groups", "--", NULL };
	struct tl_wsusd w;
	struct passwd *pw;
	char want[512], *line;
	uid_t uid;

	(void)state;
	assert_int_equal(tl_wsusd_setup(&w, "perm", NULL), 0);
	assert_int_equal(chmod(w.dir, 0755), 0);
	/*
	 * root passes every access check, so as root the daemon runs as
	 * nobody (the file stays root's, 0600); otherwise as this user
	 * with the read bit taken away.
	 */
	if (geteuid() == 0) {
		assert_int_equal(chmod(w.db, 0600), 0);
		uid = 65534;
	} else {
		assert_int_equal(chmod(w.db, 0200), 0);
		uid = geteuid();
	}
	pw = getpwuid(uid);
	snprintf(want, sizeof(want), "database %s: wsusd runs as user %s "
	    "(uid %u, gid %u), which lacks read permission on it\n", w.db,
	    pw != NULL ? pw->pw_name : "?", (unsigned)uid,
	    geteuid() == 0 ? 65534u : (unsigned)getegid());
	line = expect_refusal(&w, want, geteuid() == 0 ? as_nobody : NULL);
	free(line);
	chmod(w.db, 0600);
	tl_wsusd_cleanup(&w);
}

/* ---- reload ---------------------------------------------------------------- */

static void
test_reload(void **state)
{
	struct tl_wsusd w;
	char npath[128], want[512], *log;
	regex_t re;
	int nfd, keep;

	(void)state;
	assert_int_equal(tl_wsusd_setup(&w, "reload", NULL), 0);
	write_conf(&w, "", "max_body_bytes = 1024\n", 0);
	nfd = notify_open(w.dir, npath, sizeof(npath));
	w.notify_socket = npath;
	assert_int_equal(tl_wsusd_start(&w), 0);
	assert_string_equal(notify_next(nfd, 0), "READY=1\nSTATUS=serving");

	/* foreground lines carry the UTC time */
	log = slurp(w.log);
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z wsusd: wsusd [^ ]+ started "
	    "\\(content ", REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, log, 0, NULL, 0), 0);
	regfree(&re);
	free(log);

	/* before: bodies over 1024 bytes refused, info level */
	keep = tcp_connect(w.port);
	assert_int_equal(exchange(keep, GET_404), 404);
	assert_int_equal(request(w.port, POST_5000), 413);
	assert_int_equal(request(w.port, NO_HOST), 400);
	assert_int_equal(tl_count_in_file(w.log, "request head refused"), 0);

	/* a larger limit, debug, and a key that needs a restart */
	write_conf(&w, "log_level = debug\nname = wsus.example.org\n"
	    "downstream_auth = any-of\n", "max_body_bytes = 1M\n", 0);
	hup(&w, nfd);
	assert_int_equal(tl_count_in_file(w.log, "wsusd: configuration "
	    "reloaded from "), 1);
	snprintf(want, sizeof(want), "wsusd: configuration reloaded from %s "
	    "(TLS certificates and keys re-read): applied [server] log_level, "
	    "[limits] max_body_bytes; not applied, needs a restart: [server] "
	    "name, [server] downstream_auth\n", w.conf);
	assert_int_equal(tl_count_in_file(w.log, want), 1);
	/* the limit is the new one: the same request gets past it (405:
	 * /Content/ takes no POST) */
	assert_int_equal(request(w.port, POST_5000), 405);
	/* debug is on */
	assert_int_equal(request(w.port, NO_HOST), 400);
	assert_int_equal(tl_count_in_file(w.log, "request head refused: "
	    "missing or repeated Host\n"), 1);
	/* a connection from before the reload is still served */
	assert_int_equal(exchange(keep, GET_404), 404);
	close(keep);

	/* the same file again: nothing new applied; the restart key still
	 * named (it still is not applied) */
	hup(&w, nfd);
	snprintf(want, sizeof(want), "wsusd: configuration reloaded from %s "
	    "(TLS certificates and keys re-read): no change to apply; not "
	    "applied, needs a restart: [server] name, [server] "
	    "downstream_auth\n", w.conf);
	assert_int_equal(tl_count_in_file(w.log, want), 1);

	/* a broken file: refused, the running configuration kept */
	write_conf(&w, "log_level = info\n", "max_body_bytes = lots\n", 0);
	hup(&w, nfd);
	snprintf(want, sizeof(want), "wsusd: reload refused: %s has 1 error; "
	    "still running with the configuration read before\n", w.conf);
	assert_int_equal(tl_count_in_file(w.log, want), 1);
	assert_int_equal(tl_count_in_file(w.log, "max_body_bytes"), 2);
	assert_int_equal(tl_count_in_file(w.log, "configuration reloaded "),
	    2);
	assert_int_equal(request(w.port, POST_5000), 405);
	assert_int_equal(request(w.port, NO_HOST), 400);
	assert_int_equal(tl_count_in_file(w.log, "request head refused"), 2);

	assert_int_equal(tl_wsusd_stop(&w), 0);
	close(nfd);
	tl_wsusd_cleanup(&w);
}

/* The SHA-256 of the certificate the TLS listener on port serves. */
static void
served_cert(uint16_t port, unsigned char md[32])
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	unsigned int mdlen = 0;
	X509 *x;
	SSL *ssl;
	int fd = tcp_connect(port);

	assert_non_null(ctx);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		fail_msg("TLS handshake with port %u failed", port);
	x = SSL_get1_peer_certificate(ssl);
	assert_non_null(x);
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &mdlen), 1);
	assert_int_equal(mdlen, 32);
	X509_free(x);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
}

/* The SHA-256 of the certificate in a PEM file. */
static void
file_cert(const char *path, unsigned char md[32])
{
	unsigned int mdlen = 0;
	FILE *fp = fopen(path, "r");
	X509 *x;

	assert_non_null(fp);
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	assert_non_null(x);
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &mdlen), 1);
	X509_free(x);
}

static void
make_cert(const char *dir, const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -keyout %s/%s-key.pem -out "
	    "%s/%s-cert.pem -days 2 -subj /CN=%s >/dev/null 2>&1", dir, name,
	    dir, name, name);
	if (system(cmd) != 0)
		fail_msg("openssl req failed: %s", cmd);
}

static int
copy_file(const char *from, const char *to)
{
	char *data;
	size_t len;
	int rc;

	if (read_file(from, 1 << 20, &data, &len) == -1)
		return -1;
	rc = tl_write_file(to, data, len);
	free(data);
	return rc;
}

static void
use_cert(const char *dir, const char *name)
{
	char from[256], to[256];

	snprintf(from, sizeof(from), "%s/%s-cert.pem", dir, name);
	snprintf(to, sizeof(to), "%s/cert.pem", dir);
	assert_int_equal(copy_file(from, to), 0);
	snprintf(from, sizeof(from), "%s/%s-key.pem", dir, name);
	snprintf(to, sizeof(to), "%s/key.pem", dir);
	assert_int_equal(copy_file(from, to), 0);
}

static void
test_reload_tls(void **state)
{
	unsigned char a[32], b[32], got[32];
	struct tl_wsusd w;
	char npath[128], path[256];
	uint16_t tls_port;
	int nfd;

	(void)state;
	assert_int_equal(tl_wsusd_setup(&w, "reloadtls", NULL), 0);
	make_cert(w.dir, "a");
	make_cert(w.dir, "b");
	snprintf(path, sizeof(path), "%s/a-cert.pem", w.dir);
	file_cert(path, a);
	snprintf(path, sizeof(path), "%s/b-cert.pem", w.dir);
	file_cert(path, b);
	assert_memory_not_equal(a, b, 32);
	use_cert(w.dir, "a");
	tls_port = tl_free_port();
	w.more_ports[0] = tls_port;
	write_conf(&w, "", "", tls_port);
	nfd = notify_open(w.dir, npath, sizeof(npath));
	w.notify_socket = npath;
	assert_int_equal(tl_wsusd_start(&w), 0);
	assert_string_equal(notify_next(nfd, 0), "READY=1\nSTATUS=serving");
	served_cert(tls_port, got);
	assert_memory_equal(got, a, 32);

	/* renewed in place (same paths): the reload serves the new one */
	use_cert(w.dir, "b");
	hup(&w, nfd);
	served_cert(tls_port, got);
	assert_memory_equal(got, b, 32);
	assert_int_equal(request(w.port, GET_404), 404);

	/* a certificate that is not PEM: refused, b still served */
	snprintf(path, sizeof(path), "%s/cert.pem", w.dir);
	assert_int_equal(tl_write_file(path, "garbage\n", 8), 0);
	hup(&w, nfd);
	assert_int_equal(tl_count_in_file(w.log, "wsusd: reload refused: "
	    "listener secure: TLS certificate "), 1);
	served_cert(tls_port, got);
	assert_memory_equal(got, b, 32);

	assert_int_equal(tl_wsusd_stop(&w), 0);
	close(nfd);
	tl_wsusd_cleanup(&w);
}

/* ---- access log -------------------------------------------------------- */

/*
 * Does line (without its newline) match the access log format with these
 * fields (duration: any number)?
 */
static void
expect_access_line(const char *line, const char *rest)
{
	char pat[1024];
	regex_t re;

	snprintf(pat, sizeof(pat), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z %s [0-9]+$", rest);
	assert_int_equal(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, line, 0, NULL, 0) != 0)
		fail_msg("access log line '%s' does not match '%s'", line, pat);
	regfree(&re);
}

/* How many lines the file has now. */
static size_t
nlines_in(const char *path)
{
	char *text = slurp(path);
	size_t n = count_lines(text);

	free(text);
	return n;
}

/* The lines of a file (at most 8), each NUL-terminated in place. */
static size_t
lines_of(char *text, char *lines[8])
{
	size_t n = 0;

	for (char *p = text, *nl; n < 8 && (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1) {
		*nl = '\0';
		lines[n++] = p;
	}
	return n;
}

#define SOAP_POST "POST /ClientWebService/client.asmx HTTP/1.1\r\n" \
	"Host: t\r\nContent-Type: text/xml; charset=utf-8\r\n" \
	"SOAPAction: \"http://www.microsoft.com/SoftwareDistribution/" \
	"Server/ClientWebService/GetCookie\"\r\nContent-Length: 4\r\n\r\n<x/>"

static void
test_access_log(void **state)
{
	struct tl_wsusd w;
	char server[256], path[200], rotated[210], want[256], *text, *l[8];
	char npath[128];
	size_t b404, bsoap, b404b;
	int npost, fd, nfd;

	(void)state;
	/* off by default: requests leave no line anywhere */
	assert_int_equal(tl_wsusd_setup(&w, "access", NULL), 0);
	assert_int_equal(tl_wsusd_start(&w), 0);
	assert_int_equal(request(w.port, GET_404), 404);
	assert_int_equal(tl_wsusd_stop(&w), 0);
	assert_int_equal(tl_count_in_file(w.log, "/Content/00/none.cab"), 0);
	snprintf(path, sizeof(path), "%s/access.log", w.dir);
	assert_int_equal(access(path, F_OK), -1);

	/* on: one line per request, on one connection too */
	snprintf(server, sizeof(server), "access_log = %s\n", path);
	write_conf(&w, server, "", 0);
	nfd = notify_open(w.dir, npath, sizeof(npath));
	w.notify_socket = npath;
	assert_int_equal(tl_wsusd_start(&w), 0);
	assert_string_equal(notify_next(nfd, 0), "READY=1\nSTATUS=serving");
	fd = tcp_connect(w.port);
	assert_int_equal(exchange(fd, GET_404), 404);
	b404 = last_bytes;
	npost = exchange(fd, SOAP_POST);
	assert_true(npost >= 200);
	bsoap = last_bytes;
	close(fd);
	assert_int_equal(request(w.port, "GET /Content/a%20b\"c?q=1 HTTP/1.1\r\n"
	    "Host: t\r\n\r\n"), 404);
	b404b = last_bytes;
	/* a line is written when its request is done, which for the POST's
	 * connection (closed by us) may be after the third request's answer:
	 * wait (an event, at most 30 s) until all three are in the file, so
	 * none of them goes to the file the reload opens */
	for (int i = 0; i < 300 && nlines_in(path) < 3; i++)
		usleep(100000);
	/* logrotate moved it: the reload reopens the path */
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	assert_int_equal(rename(path, rotated), 0);
	hup(&w, nfd);
	assert_int_equal(request(w.port, NO_HOST), 400);
	assert_int_equal(tl_wsusd_stop(&w), 0);
	close(nfd);

	/* lines are in the order requests ended: the POST's connection may
	 * close after the third request's */
	text = slurp(rotated);
	assert_int_equal(lines_of(text, l), 3);
	snprintf(want, sizeof(want), "127\\.0\\.0\\.1 plain GET "
	    "/Content/00/none\\.cab - 404 %zu", b404);
	expect_access_line(l[0], want);
	snprintf(want, sizeof(want), "127\\.0\\.0\\.1 plain POST "
	    "/ClientWebService/client\\.asmx GetCookie %d %zu", npost, bsoap);
	expect_access_line(strstr(l[1], " POST ") ? l[1] : l[2], want);
	snprintf(want, sizeof(want), "127\\.0\\.0\\.1 plain GET "
	    "/Content/a%%20b%%22c - 404 %zu", b404b);
	expect_access_line(strstr(l[1], " POST ") ? l[2] : l[1], want);
	free(text);
	text = slurp(path);
	assert_int_equal(lines_of(text, l), 1);
	expect_access_line(l[0], "127\\.0\\.0\\.1 plain GET /Content/x - "
	    "400 [0-9]+");
	free(text);
	tl_wsusd_cleanup(&w);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_store_damaged),
		cmocka_unit_test(test_store_permissions),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_reload_tls),
		cmocka_unit_test(test_access_log),
	};
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: %s WSUSD WSUSCTL WSUS_CLIENT VERSION\n",
		    argv[0]);
		return 2;
	}
	tl_wsusd_exe = argv[1];
	tl_wsusctl_exe = wsusctl_exe = argv[2];
	client_exe = argv[3];
	version = argv[4];
	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tl_rmtree(scratch);
	return rc;
}
