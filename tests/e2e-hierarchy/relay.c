/*
 * relay.c — a TCP relay for the hierarchy test, in the upstream's network
 * namespace (its threads enter it; the test's other threads stay where
 * they are): it listens on the upstream's address on a free port and
 * passes every connection on to one of the upstream's ports, byte for
 * byte.  While throttled, the upstream-to-site direction moves about
 * 1 MiB/s (16 KiB, then 16 ms), so that a large file is still being
 * downloaded when the test looks: the test waits for a state (files
 * published, a part file growing), never for a time.
 *
 * It does not parse HTTP.  Every socket is close-on-exec: the processes
 * the test forks inherit none.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hier.h"
#include "relay.h"

static int
enter_ns(const char *ns)
{
	char path[128];
	int fd, rc;

	if (ns == NULL || *ns == '\0')
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

struct pipe2 {
	struct relay	*r;
	int		 a, b;		/* site side, upstream side */
};

static bool
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static void *
pump(void *arg)
{
	struct pipe2 *p = arg;
	struct pollfd pf[2] = { { p->a, POLLIN, 0 }, { p->b, POLLIN, 0 } };
	char buf[16384];

	for (;;) {
		ssize_t n;

		if (poll(pf, 2, 1000) < 0 && errno != EINTR)
			break;
		if (p->r->stop)
			break;
		if (pf[0].revents != 0) {
			if ((n = read(p->a, buf, sizeof(buf))) <= 0 ||
			    !write_all(p->b, buf, (size_t)n))
				break;
		}
		if (pf[1].revents != 0) {
			if ((n = read(p->b, buf, sizeof(buf))) <= 0 ||
			    !write_all(p->a, buf, (size_t)n))
				break;
			if (p->r->throttle)
				sleep_ms(16);
		}
	}
	close(p->a);
	close(p->b);
	free(p);
	return NULL;
}

static int
listen_on(struct relay *r)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (inet_pton(AF_INET, r->addr, &sa.sin_addr) != 1 ||
	    (r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(r->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(r->lfd, 64) != 0 ||
	    getsockname(r->lfd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	r->port = ntohs(sa.sin_port);
	return 0;
}

static int
dial(struct relay *r)
{
	struct sockaddr_in sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(r->to_port);
	if (inet_pton(AF_INET, r->addr, &sa.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (r->src[0] != '\0') {
		struct sockaddr_in me;

		memset(&me, 0, sizeof(me));
		me.sin_family = AF_INET;
		if (inet_pton(AF_INET, r->src, &me.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&me, sizeof(me)) != 0) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *
relay_main(void *arg)
{
	struct relay *r = arg;
	int c;

	pthread_mutex_lock(&r->mu);
	r->ready = enter_ns(r->ns) == 0 && listen_on(r) == 0 ? 1 : -1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	if (r->ready != 1)
		return NULL;
	while ((c = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		struct pipe2 *p;
		pthread_t th;
		int u;

		if (r->stop) {
			close(c);
			break;
		}
		if ((u = dial(r)) < 0) {
			close(c);
			continue;
		}
		p = calloc(1, sizeof(*p));
		p->r = r;
		p->a = c;
		p->b = u;
		if (pthread_create(&th, NULL, pump, p) != 0) {
			close(c);
			close(u);
			free(p);
			continue;
		}
		pthread_detach(th);
	}
	return NULL;
}

int
relay_start(struct relay *r, const char *ns, const char *addr,
    const char *src, uint16_t to_port, bool throttle)
{
	memset(r, 0, sizeof(*r));
	r->lfd = -1;
	snprintf(r->ns, sizeof(r->ns), "%s", ns != NULL ? ns : "");
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
	snprintf(r->src, sizeof(r->src), "%s", src != NULL ? src : "");
	r->to_port = to_port;
	r->throttle = throttle;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->th, NULL, relay_main, r) != 0)
		return -1;
	pthread_mutex_lock(&r->mu);
	while (r->ready == 0)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
	if (r->ready != 1) {
		pthread_join(r->th, NULL);
		return -1;
	}
	r->started = true;
	return 0;
}

void
relay_stop(struct relay *r)
{
	if (!r->started)
		return;
	r->stop = true;
	shutdown(r->lfd, SHUT_RDWR);
	pthread_join(r->th, NULL);
	close(r->lfd);
	r->started = false;
}
