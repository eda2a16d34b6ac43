/*
 * http_ticker.h — the one epoll thread shared by http_deadline.c and
 * http_linger.c (internal to src/http): an epoll set of the caller's,
 * one mutex, a thread that waits on the set at most tick_ms and then
 * calls the caller's step with the mutex held.  Not a general event
 * loop: what the events mean stays with the caller.
 */
#ifndef WSUSD_HTTP_HTTP_TICKER_H
#define WSUSD_HTTP_HTTP_TICKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#define HTTP_TICKER_EVENTS	64	/* most events handled per wait */

/* Called by the thread after each wait (mu held); n may be 0 or -1. */
typedef void (*http_ticker_step)(void *arg, const struct epoll_event *ev,
    int n, uint64_t now_ms);

struct http_ticker {
	pthread_t	 thread;
	int		 ep;		/* epoll fd, owned */
	atomic_bool	 stop;
	pthread_mutex_t	 mu;		/* guards the caller's state */
	int		 tick_ms;	/* longest wait */
	int		 max_events;	/* <= HTTP_TICKER_EVENTS */
	http_ticker_step step;
	void		*arg;		/* borrowed: the caller's state */
};

/* Monotonic milliseconds. */
uint64_t http_now_ms(void);

/*
 * Init mu, create the epoll set and start the thread.  On failure logs
 * "<what> unavailable: <reason>", undoes everything and returns false.
 */
bool http_ticker_start(struct http_ticker *t, int tick_ms, int max_events,
    http_ticker_step step, void *arg, const char *what);

/* Stop and join the thread; ep and mu stay until http_ticker_close(). */
void http_ticker_stop(struct http_ticker *t);

/* Close ep and destroy mu (after http_ticker_stop). */
void http_ticker_close(struct http_ticker *t);

#endif
