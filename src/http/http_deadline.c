/*
 * http_deadline.c — whole-request deadlines and half-closed connections
 * (see http_deadline.h): a list of watched connections under one mutex,
 * their sockets in an epoll set of our own for EPOLLRDHUP, one thread.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "http/http_deadline.h"
#include "http/http_ticker.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define TICK_MS	500

enum phase {
	PH_HEAD,	/* waiting for the head of the first request */
	PH_BODY,	/* head seen, body coming */
	PH_IDLE,	/* between requests or answering: no deadline */
	PH_CUT,		/* shut down by us; MHD will close it */
};

struct http_watch {
	struct http_watch *prev, *next;	/* list, guarded by d->t.mu */
	int		 fd;		/* borrowed: MHD's socket */
	uint64_t	 id;		/* epoll data: never reused */
	_Atomic int	 phase;		/* enum phase */
	_Atomic uint64_t since;		/* ms: start of the current phase */
	bool		 in_epoll;
};

struct http_deadlines {
	struct http_ticker t;		/* thread, epoll set, mu */
	struct http_watch *head;	/* owned list */
	uint64_t	 head_ms, body_ms;
	uint64_t	 next_id;	/* guarded by t.mu */
};

/* Cut w's connection (t.mu held): MHD reads EOF and closes it. */
static void
cut(struct http_watch *w, const char *why)
{
	log_debug("closing a connection: %s", why);
	atomic_store(&w->phase, PH_CUT);
	shutdown(w->fd, SHUT_RDWR);
}

/*
 * Has a phase that started at since (ms) run limit ms at now?  now is
 * read before the ticker takes its lock, and a watch may start a phase
 * after that (http_watch_add, http_watch_head): since > now is a phase
 * that has just begun, not one 2^64 ms old.
 */
bool
http_deadline_expired(uint64_t now, uint64_t since, uint64_t limit)
{
	return now > since && now - since >= limit;
}

/* One wait of the thread (t.mu held). */
static void
deadline_step(void *arg, const struct epoll_event *ev, int n, uint64_t now)
{
	struct http_deadlines *d = arg;

	/* half-closed: only watches still listed are touched */
	for (int k = 0; k < n; k++) {
		for (struct http_watch *w = d->head; w != NULL;
		    w = w->next) {
			int ph;
			/* by id: a stale event may name a freed watch */
			if (w->id != ev[k].data.u64)
				continue;
			ph = atomic_load(&w->phase);
			if (ph == PH_HEAD || ph == PH_BODY)
				cut(w, "half-closed before the request "
				    "was complete");
			break;
		}
	}
	for (struct http_watch *w = d->head; w != NULL; w = w->next) {
		int ph = atomic_load(&w->phase);
		uint64_t since = atomic_load(&w->since);
		if (ph == PH_HEAD && http_deadline_expired(now, since,
		    d->head_ms))
			cut(w, "request head not complete in time");
		else if (ph == PH_BODY && http_deadline_expired(now, since,
		    d->body_ms))
			cut(w, "request body not complete in time");
	}
}

struct http_deadlines *
http_deadlines_new(unsigned head_timeout, unsigned body_timeout)
{
	struct http_deadlines *d = xcalloc(1, sizeof(*d));

	d->head_ms = (uint64_t)head_timeout * 1000;
	d->body_ms = (uint64_t)body_timeout * 1000;
	if (!http_ticker_start(&d->t, TICK_MS, 64, deadline_step, d,
	    "request deadlines")) {
		free(d);
		return NULL;
	}
	return d;
}

void
http_deadlines_free(struct http_deadlines *d)
{
	if (d == NULL)
		return;
	http_ticker_stop(&d->t);
	while (d->head != NULL) {		/* cannot happen */
		struct http_watch *w = d->head;
		d->head = w->next;
		free(w);
	}
	http_ticker_close(&d->t);
	free(d);
}

struct http_watch *
http_watch_add(struct http_deadlines *d, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	struct http_watch *w;
	struct epoll_event ev;

	if (d == NULL || (ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD)) == NULL)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->fd = ci->connect_fd;
	atomic_init(&w->phase, PH_HEAD);
	atomic_init(&w->since, http_now_ms());
	memset(&ev, 0, sizeof(ev));
	/* one shot: a half-close is acted on once, never spins */
	ev.events = EPOLLRDHUP | EPOLLONESHOT;
	pthread_mutex_lock(&d->t.mu);
	w->id = ++d->next_id;
	ev.data.u64 = w->id;
	w->in_epoll = epoll_ctl(d->t.ep, EPOLL_CTL_ADD, w->fd, &ev) == 0;
	w->next = d->head;
	if (d->head != NULL)
		d->head->prev = w;
	d->head = w;
	pthread_mutex_unlock(&d->t.mu);
	return w;
}

void
http_watch_remove(struct http_deadlines *d, struct http_watch *w)
{
	if (d == NULL || w == NULL)
		return;
	pthread_mutex_lock(&d->t.mu);
	if (w->in_epoll)
		epoll_ctl(d->t.ep, EPOLL_CTL_DEL, w->fd, NULL);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		d->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&d->t.mu);
	free(w);
}

void
http_watch_head(struct http_watch *w, bool body)
{
	if (w == NULL)
		return;
	atomic_store(&w->since, http_now_ms());
	atomic_store(&w->phase, body ? PH_BODY : PH_IDLE);
}

void
http_watch_done(struct http_watch *w)
{
	if (w != NULL && atomic_load(&w->phase) != PH_CUT)
		atomic_store(&w->phase, PH_IDLE);
}
