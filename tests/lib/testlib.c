/*
 * testlib.c — free ports, child programs, temporary installations and the
 * wsusd daemon for the tests; see testlib.h.  Not a protocol harness and
 * not cmocka-aware: errors are -1 with the reason on stderr.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testlib.h"
#include "util/fsutil.h"

const char *tl_wsusd_exe;
const char *tl_wsusctl_exe;

/* ---- ports --------------------------------------------------------------- */

#define GIVEN_MAX	64

uint16_t
tl_free_port(void)
{
	static uint16_t given[GIVEN_MAX];	/* ports handed out so far */
	static size_t ngiven;
	struct sockaddr_in sin;
	socklen_t len;
	uint16_t port;
	bool again;
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			abort();
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(sin);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
		    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
			abort();
		close(fd);
		port = ntohs(sin.sin_port);
		again = false;
		for (size_t i = 0; i < ngiven; i++)
			if (given[i] == port)
				again = true;
		if (again)
			continue;
		if (ngiven < GIVEN_MAX)
			given[ngiven++] = port;
		return port;
	}
	abort();
}

/* ---- programs ------------------------------------------------------------ */

int
tl_run(char *const argv[], struct buf *out, const char *errpath)
{
	int pfd[2], st, fd;
	pid_t pid;
	char chunk[4096];
	ssize_t n;

	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		dup2(pfd[1], 1);
		if (errpath != NULL) {
			fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0)
				dup2(fd, 2);
		} else
			dup2(pfd[1], 2);
		close(pfd[0]);
		execv(argv[0], argv);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], chunk, sizeof(chunk))) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0 && out != NULL)
			buf_append(out, chunk, (size_t)n);
	close(pfd[0]);
	while (waitpid(pid, &st, 0) != pid)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

const char *
tl_header_value(const char *headers, const char *name, char *val,
    size_t vallen)
{
	size_t nl = strlen(name);

	for (const char *p = headers; p != NULL && *p != '\0';) {
		const char *eol = strstr(p, "\r\n");

		if (eol == NULL)
			break;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;

			while (*v == ' ')
				v++;
			snprintf(val, vallen, "%.*s", (int)(eol - v), v);
			return val;
		}
		p = eol + 2;
	}
	return NULL;
}

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void
tl_rmtree(const char *dir)
{
	if (dir != NULL && dir[0] != '\0')
		nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

size_t
tl_count_files(const char *path)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX];
	size_t n = 0;

	if (lstat(path, &sb) == -1)
		return 0;
	if (!S_ISDIR(sb.st_mode))
		return S_ISREG(sb.st_mode) ? 1 : 0;
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >=
		    sizeof(p))
			continue;
		n += tl_count_files(p);
	}
	closedir(d);
	return n;
}

int
tl_digest(const char *md, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *m = EVP_get_digestbyname(md);
	unsigned int n = 0;

	if (m == NULL || EVP_Digest(data, len, out, &n, m, NULL) != 1)
		return -1;
	return 0;
}

int
tl_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "testlib: open %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	n = write(fd, data, len);
	close(fd);
	if (n != (ssize_t)len) {
		fprintf(stderr, "testlib: write %s: short\n", path);
		return -1;
	}
	return 0;
}

size_t
tl_count_in_file(const char *path, const char *needle)
{
	char *text;
	size_t len, n = 0;

	if (read_file(path, 1 << 22, &text, &len) != 0)
		return 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(text);
	return n;
}

void
tl_show_file(const char *what, const char *path)
{
	char *text;
	size_t len;

	if (read_file(path, 1 << 16, &text, &len) == 0) {
		fprintf(stderr, "%s:\n%s", what, text);
		free(text);
	} else
		fprintf(stderr, "%s: (%s unreadable)\n", what, path);
}

/* ---- installations ------------------------------------------------------- */

int
tl_wsusd_init(struct tl_wsusd *s, const char *tag)
{
	int n;

	memset(s, 0, sizeof(*s));
	n = snprintf(s->dir, sizeof(s->dir), "/tmp/wsusd-%s-XXXXXX", tag);
	if (n < 0 || (size_t)n >= sizeof(s->dir) || mkdtemp(s->dir) == NULL) {
		fprintf(stderr, "testlib: mkdtemp %s: %s\n", s->dir,
		    strerror(errno));
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(s->conf, sizeof(s->conf), "%s/wsusd.conf", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/wsusd.log", s->dir);
	snprintf(s->db, sizeof(s->db), "%s/wsusd.db", s->dir);
	snprintf(s->content, sizeof(s->content), "%s/content", s->dir);
	s->port = tl_free_port();
	return 0;
}

int
tl_wsusd_write_conf(struct tl_wsusd *s, const char *text)
{
	if (write_file_atomic(s->conf, text, strlen(text), 0644) != 0) {
		fprintf(stderr, "testlib: write %s: %s\n", s->conf,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
tl_wsusd_conf(struct tl_wsusd *s, bool listener, const char *extra)
{
	struct buf text;
	int rc;

	buf_init(&text, 1 << 20);
	buf_printf(&text,
	    "# wsusd test configuration (tests/lib)\n"
	    "[server]\n"
	    "content_dir = %s\n"
	    "state_dir = %s/state\n"
	    "database = sqlite://%s\n",
	    s->content, s->dir, s->db);
	if (listener)
		buf_printf(&text,
		    "\n"
		    "[listener plain]\n"
		    "address = 127.0.0.1\n"
		    "port = %u\n"
		    "\n"
		    "[limits]\n"
		    "connection_timeout = 30\n"
		    "threads = 2\n",
		    s->port);
	if (extra != NULL)
		buf_puts(&text, extra);
	rc = tl_wsusd_write_conf(s, text.data);
	buf_free(&text);
	return rc;
}

int
tl_postinstall(struct tl_wsusd *s, ...)
{
	char *argv[32];
	const char *a;
	struct buf out;
	va_list ap;
	int n = 0, rc;

	argv[n++] = (char *)tl_wsusctl_exe;
	argv[n++] = (char *)"-c";
	argv[n++] = s->conf;
	argv[n++] = (char *)"-q";
	argv[n++] = (char *)"postinstall";
	va_start(ap, s);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	buf_init(&out, 1 << 20);
	rc = tl_run(argv, &out, NULL);
	if (rc != 0)
		fprintf(stderr, "postinstall: %d\n%s\n", rc,
		    out.data != NULL ? out.data : "");
	buf_free(&out);
	return rc == 0 ? 0 : -1;
}

int
tl_store_setup(struct tl_wsusd *s, const char *tag, const char *extra)
{
	if (tl_wsusd_init(s, tag) != 0 ||
	    tl_wsusd_conf(s, false, extra) != 0 ||
	    tl_postinstall(s, (char *)NULL) != 0)
		return -1;
	return 0;
}

int
tl_wsusd_setup(struct tl_wsusd *s, const char *tag, const char *extra)
{
	if (tl_wsusd_init(s, tag) != 0 ||
	    tl_wsusd_conf(s, true, extra) != 0 ||
	    tl_postinstall(s, (char *)NULL) != 0)
		return -1;
	return 0;
}

/* ---- the daemon ---------------------------------------------------------- */

static bool
port_answers(uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	if (fd < 0)
		return false;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

static bool
all_answer(const struct tl_wsusd *s)
{
	if (!port_answers(s->port))
		return false;
	for (size_t i = 0; i < TL_MORE_PORTS; i++)
		if (s->more_ports[i] != 0 && !port_answers(s->more_ports[i]))
			return false;
	return true;
}

int
tl_wsusd_start(struct tl_wsusd *s)
{
	char *argv[6];
	int fd, st, n = 0;

	argv[n++] = (char *)tl_wsusd_exe;
	argv[n++] = (char *)"-c";
	argv[n++] = s->conf;
	if (s->debug)
		argv[n++] = (char *)"-d";
	argv[n] = NULL;
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		return -1;
	}
	if (s->pid == 0) {
		fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		if (s->notify_socket != NULL)
			setenv("NOTIFY_SOCKET", s->notify_socket, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (all_answer(s))
			return 0;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		usleep(50 * 1000);
	}
	tl_show_file("wsusd did not start", s->log);
	return -1;
}

int
tl_wsusd_stop(struct tl_wsusd *s)
{
	int st = 0;

	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	while (waitpid(s->pid, &st, 0) != s->pid)
		if (errno != EINTR)
			break;
	s->pid = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	fprintf(stderr, "wsusd did not stop cleanly (%d)\n", st);
	return -1;
}

void
tl_wsusd_cleanup(struct tl_wsusd *s)
{
	tl_wsusd_stop(s);
	if (s->dir[0] == '\0')
		return;
	if (getenv("WSUSD_TEST_KEEP") != NULL)
		fprintf(stderr, "kept %s\n", s->dir);
	else
		tl_rmtree(s->dir);
}

/* ---- wsusctl ------------------------------------------------------------- */

int
tl_vctl(const struct tl_wsusd *s, struct buf *out, const char *errpath,
    va_list ap)
{
	char *argv[32];
	const char *a;
	int n = 0;

	argv[n++] = (char *)tl_wsusctl_exe;
	argv[n++] = (char *)"-c";
	argv[n++] = (char *)s->conf;
	while (n < 31 && (a = va_arg(ap, const char *)) != NULL)
		argv[n++] = (char *)a;
	argv[n] = NULL;
	return tl_run(argv, out, errpath);
}

int
tl_ctl(const struct tl_wsusd *s, struct buf *out, ...)
{
	va_list ap;
	int rc;

	va_start(ap, out);
	rc = tl_vctl(s, out, NULL, ap);
	va_end(ap);
	return rc;
}

int
tl_main_args(int argc, char **argv, int nargs, const char *usage)
{
	if (argc != nargs + 1 || nargs < 2) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		return -1;
	}
	tl_wsusd_exe = argv[1];
	tl_wsusctl_exe = argv[2];
	return 0;
}
