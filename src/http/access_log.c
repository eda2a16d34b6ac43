/*
 * access_log.c — the HTTP access log (see access_log.h).
 *
 * Records: one per connection, indexed by the connection's socket (a
 * connection is served by one MHD thread at a time and its requests do
 * not overlap, so a record has one writer).  The index is allocated when
 * the log is first turned on and kept until access_log_close().
 *
 * Ownership: this file owns the output descriptor (not stderr's), the
 * buffer and the records.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/access_log.h"
#include "util/xmalloc.h"

#define AL_BUF		(64 * 1024)
#define AL_FLUSH_AT	(48 * 1024)
#define AL_LINE_MAX	2048
#define AL_SLOTS_MAX	(1u << 20)

struct alrec {
	bool		 active;	/* begun, not ended */
	bool		 known;		/* wlast is this connection's */
	uint64_t	 wlast;		/* bytes written at the last end */
	struct timespec	 t0;		/* CLOCK_MONOTONIC at begin */
	uint64_t	 w0;		/* bytes written to the socket then */
	char		 method[16];
	char		 path[1024];	/* escaped, cut */
	char		 op[64];
};

static pthread_mutex_t al_mu = PTHREAD_MUTEX_INITIALIZER;
static int al_fd = -1;			/* guarded by al_mu */
static char al_buf[AL_BUF];		/* guarded by al_mu */
static size_t al_len;			/* guarded by al_mu */
static bool al_on;			/* atomic */
static struct alrec **al_slots;		/* set once, before al_on */
static size_t al_nslots;

/* Write the buffer out; al_mu held. */
static void
flush_locked(void)
{
	size_t off = 0;

	while (al_fd >= 0 && off < al_len) {
		ssize_t n = write(al_fd, al_buf + off, al_len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* a full disk loses lines, not wsusd */
		off += (size_t)n;
	}
	al_len = 0;
}

void
access_log_flush(void)
{
	pthread_mutex_lock(&al_mu);
	flush_locked();
	pthread_mutex_unlock(&al_mu);
}

int
access_log_configure(const char *target, char *err, size_t errlen)
{
	int fd = -1;

	if (target != NULL && strcmp(target, "stderr") == 0) {
		fd = STDERR_FILENO;
	} else if (target != NULL && (fd = open(target, O_WRONLY | O_APPEND |
	    O_CREAT | O_CLOEXEC, 0640)) == -1) {
		snprintf(err, errlen, "access log %s: %s", target,
		    strerror(errno));
		return -1;
	}
	if (target != NULL && al_slots == NULL) {
		struct rlimit rl;

		al_nslots = AL_SLOTS_MAX;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < AL_SLOTS_MAX)
			al_nslots = (size_t)rl.rlim_cur;
		__atomic_store_n(&al_slots, xcalloc(al_nslots,
		    sizeof(*al_slots)), __ATOMIC_RELEASE);
	}
	pthread_mutex_lock(&al_mu);
	flush_locked();
	if (al_fd > STDERR_FILENO)
		close(al_fd);
	al_fd = fd;
	pthread_mutex_unlock(&al_mu);
	__atomic_store_n(&al_on, target != NULL, __ATOMIC_RELEASE);
	return 0;
}

bool
access_log_enabled(void)
{
	return __atomic_load_n(&al_on, __ATOMIC_ACQUIRE);
}

/*
 * Bytes this process wrote to the TCP socket fd so far, from one
 * TCP_INFO snapshot: sent (less retransmissions) plus not sent yet.
 * Kernels before 4.19 lack those counters: acknowledged plus queued,
 * read until no ACK arrived in between.
 */
static uint64_t
written(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	uint64_t acked;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return 0;
	if (len >= offsetof(struct tcp_info, tcpi_bytes_retrans) +
	    sizeof(ti.tcpi_bytes_retrans))
		return ti.tcpi_bytes_sent - ti.tcpi_bytes_retrans +
		    ti.tcpi_notsent_bytes;
	for (int i = 0; i < 4; i++) {
		int outq = 0;

		acked = ti.tcpi_bytes_acked;
		if (ioctl(fd, SIOCOUTQ, &outq) == -1)
			return acked;
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
			return 0;
		if (ti.tcpi_bytes_acked == acked)
			return acked + (uint64_t)(outq > 0 ? outq : 0);
	}
	return ti.tcpi_bytes_acked;
}

static struct alrec *
record_of(struct MHD_Connection *conn, bool make, int *fdp)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	struct alrec **slots = __atomic_load_n(&al_slots, __ATOMIC_ACQUIRE);
	struct alrec *r;
	int fd;

	if (ci == NULL || slots == NULL)
		return NULL;
	fd = ci->connect_fd;
	if (fd < 0 || (size_t)fd >= al_nslots)
		return NULL;
	*fdp = fd;
	r = __atomic_load_n(&slots[fd], __ATOMIC_ACQUIRE);
	if (r == NULL && make) {
		r = xcalloc(1, sizeof(*r));
		__atomic_store_n(&slots[fd], r, __ATOMIC_RELEASE);
	}
	return r;
}

/* Copy s into out: printable ASCII as it is; blank, '"' and others %XX. */
static void
escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0' && n + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > 0x20 && c < 0x7f && c != '"') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

/* The operation of a SOAPAction value: its last segment, a token. */
static void
soap_op(const char *action, char *out, size_t outlen)
{
	const char *p, *end;
	size_t n = 0;

	out[0] = '\0';
	if (action != NULL) {
		end = action + strlen(action);
		while (end > action && (end[-1] == '"' || end[-1] == ' '))
			end--;
		for (p = end; p > action && p[-1] != '/' && p[-1] != '"';
		    p--)
			;
		for (; p < end && n + 1 < outlen; p++) {
			char c = *p;
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
			    c == '-')
				out[n++] = c;
		}
	}
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

void
access_log_connection(struct MHD_Connection *conn)
{
	struct alrec *r;
	int fd;

	if ((r = record_of(conn, false, &fd)) != NULL)
		r->known = false;
}

void
access_log_begin(struct MHD_Connection *conn, const char *method,
    const char *url)
{
	struct alrec *r;
	int fd;

	if ((r = record_of(conn, true, &fd)) == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	/* nothing is written between two requests of a connection */
	r->w0 = r->known ? r->wlast : written(fd);
	escape(method, r->method, sizeof(r->method));
	escape(url, r->path, sizeof(r->path));
	soap_op(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "SOAPAction"), r->op, sizeof(r->op));
	r->active = true;
}

/* The peer's numeric address into out ("-" when unknown). */
static void
peer_of(struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	snprintf(out, outlen, "-");
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, (socklen_t)outlen);
}

void
access_log_end(struct MHD_Connection *conn, const char *listener)
{
	const union MHD_ConnectionInfo *ci;
	static __thread char when[40];
	static __thread time_t when_sec = -1;
	char line[AL_LINE_MAX], peer[INET6_ADDRSTRLEN], status[12];
	struct timespec now, wall;
	struct alrec *r;
	struct tm tm;
	uint64_t ms, w;
	int fd, n;

	if ((r = record_of(conn, false, &fd)) == NULL || !r->active)
		return;
	r->active = false;
	w = written(fd);
	r->wlast = w;
	r->known = true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	clock_gettime(CLOCK_REALTIME, &wall);
	ms = (uint64_t)(now.tv_sec - r->t0.tv_sec) * 1000 +
	    (uint64_t)(now.tv_nsec / 1000000) - (uint64_t)(r->t0.tv_nsec /
	    1000000);
	if (wall.tv_sec != when_sec) {	/* once a second per thread */
		gmtime_r(&wall.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		when_sec = wall.tv_sec;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
	if (ci != NULL && ci->http_status != 0)
		snprintf(status, sizeof(status), "%u", ci->http_status);
	else
		snprintf(status, sizeof(status), "-");
	peer_of(conn, peer, sizeof(peer));
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s %s %s %s %s %s %llu "
	    "%llu\n", when, wall.tv_nsec / 1000000, peer, listener, r->method,
	    r->path, r->op, status,
	    (unsigned long long)(w > r->w0 ? w - r->w0 : 0),
	    (unsigned long long)ms);
	if (n <= 0 || (size_t)n >= sizeof(line))
		return;
	pthread_mutex_lock(&al_mu);
	if (al_len + (size_t)n > sizeof(al_buf))
		flush_locked();
	memcpy(al_buf + al_len, line, (size_t)n);
	al_len += (size_t)n;
	if (al_len >= AL_FLUSH_AT)
		flush_locked();
	pthread_mutex_unlock(&al_mu);
}

void
access_log_close(void)
{
	__atomic_store_n(&al_on, false, __ATOMIC_RELEASE);
	pthread_mutex_lock(&al_mu);
	flush_locked();
	if (al_fd > STDERR_FILENO)
		close(al_fd);
	al_fd = -1;
	pthread_mutex_unlock(&al_mu);
	for (size_t i = 0; i < al_nslots; i++)
		free(al_slots[i]);
	free(al_slots);
	al_slots = NULL;
	al_nslots = 0;
}
