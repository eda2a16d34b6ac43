/*
 * http_ticker.c — the epoll thread of http_deadline.c and http_linger.c
 * (see http_ticker.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/http_ticker.h"
#include "util/log.h"

uint64_t
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *
ticker_main(void *arg)
{
	struct http_ticker *t = arg;
	struct epoll_event ev[HTTP_TICKER_EVENTS];

	while (!atomic_load(&t->stop)) {
		int n = epoll_wait(t->ep, ev, t->max_events, t->tick_ms);
		uint64_t now = http_now_ms();

		pthread_mutex_lock(&t->mu);
		t->step(t->arg, ev, n, now);
		pthread_mutex_unlock(&t->mu);
	}
	return NULL;
}

bool
http_ticker_start(struct http_ticker *t, int tick_ms, int max_events,
    http_ticker_step step, void *arg, const char *what)
{
	t->tick_ms = tick_ms;
	t->max_events = max_events > 0 && max_events <= HTTP_TICKER_EVENTS ?
	    max_events : HTTP_TICKER_EVENTS;
	t->step = step;
	t->arg = arg;
	pthread_mutex_init(&t->mu, NULL);
	atomic_init(&t->stop, false);
	if ((t->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		goto fail;
	if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
		close(t->ep);
		goto fail;
	}
	return true;
fail:
	log_warn("%s unavailable: %s", what, strerror(errno));
	pthread_mutex_destroy(&t->mu);
	return false;
}

void
http_ticker_stop(struct http_ticker *t)
{
	atomic_store(&t->stop, true);
	pthread_join(t->thread, NULL);
}

void
http_ticker_close(struct http_ticker *t)
{
	close(t->ep);
	pthread_mutex_destroy(&t->mu);
}
