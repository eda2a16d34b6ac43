/*
 * http_linger.c — lingering close of refused uploads (see
 * http_linger.h): a small table of marked connections, a table of
 * lingering sockets and one epoll thread draining them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http_linger.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define MARKS_MAX	64	/* refused connections not yet closed */
#define TICK_MS		100	/* deadline checks and stop latency */

struct lingering {
	int		 fd;		/* owned; -1 = free slot */
	uint64_t	 deadline;	/* monotonic ms */
	size_t		 drained;	/* bytes read and dropped */
};

struct http_linger {
	pthread_t	 thread;
	int		 ep;		/* epoll fd, owned */
	atomic_bool	 stop;
	pthread_mutex_t	 mu;		/* guards marks, socks */
	atomic_uint	 nmarks;	/* fast path of http_linger_closed */
	struct MHD_Connection *marks[MARKS_MAX]; /* borrowed; NULL = free */
	struct lingering socks[HTTP_LINGER_MAX];
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Close slot i (mu held). */
static void
drop(struct http_linger *lg, size_t i)
{
	epoll_ctl(lg->ep, EPOLL_CTL_DEL, lg->socks[i].fd, NULL);
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

static void *
linger_main(void *arg)
{
	struct http_linger *lg = arg;
	struct epoll_event ev[32];

	while (!atomic_load(&lg->stop)) {
		int n = epoll_wait(lg->ep, ev, 32, TICK_MS);
		uint64_t now = now_ms();

		pthread_mutex_lock(&lg->mu);
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
		pthread_mutex_unlock(&lg->mu);
	}
	return NULL;
}

struct http_linger *
http_linger_new(void)
{
	struct http_linger *lg = xcalloc(1, sizeof(*lg));

	for (size_t i = 0; i < HTTP_LINGER_MAX; i++)
		lg->socks[i].fd = -1;
	pthread_mutex_init(&lg->mu, NULL);
	atomic_init(&lg->stop, false);
	atomic_init(&lg->nmarks, 0);
	if ((lg->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		goto fail;
	if (pthread_create(&lg->thread, NULL, linger_main, lg) != 0) {
		close(lg->ep);
		goto fail;
	}
	return lg;
fail:
	log_warn("lingering close unavailable: %s", strerror(errno));
	pthread_mutex_destroy(&lg->mu);
	free(lg);
	return NULL;
}

void
http_linger_free(struct http_linger *lg)
{
	if (lg == NULL)
		return;
	atomic_store(&lg->stop, true);
	pthread_join(lg->thread, NULL);
	for (size_t i = 0; i < HTTP_LINGER_MAX; i++)
		if (lg->socks[i].fd != -1)
			drop(lg, i);
	close(lg->ep);
	pthread_mutex_destroy(&lg->mu);
	free(lg);
}

void
http_linger_mark(struct http_linger *lg, struct MHD_Connection *conn)
{
	if (lg == NULL)
		return;
	pthread_mutex_lock(&lg->mu);
	for (size_t i = 0; i < MARKS_MAX; i++) {
		if (lg->marks[i] == NULL) {
			lg->marks[i] = conn;
			atomic_fetch_add(&lg->nmarks, 1);
			break;
		}
	}
	pthread_mutex_unlock(&lg->mu);
}

/* Hand fd (owned) to the thread (mu held); false when full. */
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
		if (epoll_ctl(lg->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			return false;
		lg->socks[i].fd = fd;
		lg->socks[i].deadline = now_ms() + HTTP_LINGER_MS;
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
	pthread_mutex_lock(&lg->mu);
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
	pthread_mutex_unlock(&lg->mu);
}
