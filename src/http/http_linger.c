/*
 * http_linger.c — lingering close of refused uploads (see
 * http_linger.h): a small table of marked connections, a table of
 * lingering sockets and one epoll thread draining them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_linger.h"
#include "http/http_ticker.h"
#include "util/xmalloc.h"

#define MARKS_MAX	64	/* refused connections not yet closed */
#define TICK_MS		100	/* deadline checks and stop latency */

struct lingering {
	int		 fd;		/* owned; -1 = free slot */
	uint64_t	 deadline;	/* monotonic ms */
	size_t		 drained;	/* bytes read and dropped */
};

struct http_linger {
	struct http_ticker t;		/* thread, epoll set; t.mu guards
					   marks, socks */
	atomic_uint	 nmarks;	/* fast path of http_linger_closed */
	struct MHD_Connection *marks[MARKS_MAX]; /* borrowed; NULL = free */
	struct lingering socks[HTTP_LINGER_MAX];
};

/* Close slot i (t.mu held). */
static void
drop(struct http_linger *lg, size_t i)
{
	epoll_ctl(lg->t.ep, EPOLL_CTL_DEL, lg->socks[i].fd, NULL);
	close(lg->socks[i].fd);
	lg->socks[i].fd = -1;
}

/* Read and discard what slot i has; false when it is done. */
static bool
drain(struct lingering *s)
{
	static char sink[64 * 1024];	/* only the linger thread reads */

	for (;;) {
		ssize_t r = recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (r > 0) {
			s->drained += (size_t)r;
			if (s->drained >= HTTP_LINGER_BYTES)
				return false;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

/* One wait of the thread (t.mu held). */
static void
linger_step(void *arg, const struct epoll_event *ev, int n, uint64_t now)
{
	struct http_linger *lg = arg;

	for (int k = 0; k < n; k++) {
		size_t i = ev[k].data.u32;
		if (i < HTTP_LINGER_MAX && lg->socks[i].fd != -1 &&
		    !drain(&lg->socks[i]))
			drop(lg, i);
	}
	for (size_t i = 0; i < HTTP_LINGER_MAX; i++)
		if (lg->socks[i].fd != -1 &&
		    now >= lg->socks[i].deadline)
			drop(lg, i);
}

struct http_linger *
http_linger_new(void)
{
	struct http_linger *lg = xcalloc(1, sizeof(*lg));

	for (size_t i = 0; i < HTTP_LINGER_MAX; i++)
		lg->socks[i].fd = -1;
	atomic_init(&lg->nmarks, 0);
	if (!http_ticker_start(&lg->t, TICK_MS, 32, linger_step, lg,
	    "lingering close")) {
		free(lg);
		return NULL;
	}
	return lg;
}

void
http_linger_free(struct http_linger *lg)
{
	if (lg == NULL)
		return;
	http_ticker_stop(&lg->t);
	for (size_t i = 0; i < HTTP_LINGER_MAX; i++)
		if (lg->socks[i].fd != -1)
			drop(lg, i);
	http_ticker_close(&lg->t);
	free(lg);
}

void
http_linger_mark(struct http_linger *lg, struct MHD_Connection *conn)
{
	if (lg == NULL)
		return;
	pthread_mutex_lock(&lg->t.mu);
	for (size_t i = 0; i < MARKS_MAX; i++) {
		if (lg->marks[i] == NULL) {
			lg->marks[i] = conn;
			atomic_fetch_add(&lg->nmarks, 1);
			break;
		}
	}
	pthread_mutex_unlock(&lg->t.mu);
}

/* Hand fd (owned) to the thread (t.mu held); false when full. */
static bool
adopt(struct http_linger *lg, int fd)
{
	struct epoll_event ev;

	for (size_t i = 0; i < HTTP_LINGER_MAX; i++) {
		if (lg->socks[i].fd != -1)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(lg->t.ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			return false;
		lg->socks[i].fd = fd;
		lg->socks[i].deadline = http_now_ms() + HTTP_LINGER_MS;
		lg->socks[i].drained = 0;
		return true;
	}
	return false;
}

void
http_linger_closed(struct http_linger *lg, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	bool marked = false;
	int fd;

	if (lg == NULL || atomic_load_explicit(&lg->nmarks,
	    memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&lg->t.mu);
	for (size_t i = 0; i < MARKS_MAX; i++) {
		if (lg->marks[i] == conn) {
			lg->marks[i] = NULL;
			atomic_fetch_sub(&lg->nmarks, 1);
			marked = true;
			break;
		}
	}
	if (marked &&
	    (ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL &&
	    (fd = fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0)) != -1) {
		shutdown(fd, SHUT_WR);
		if (!adopt(lg, fd))
			close(fd);
	}
	pthread_mutex_unlock(&lg->t.mu);
}
