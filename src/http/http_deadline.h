/*
 * http_deadline.h — whole-request deadlines and half-closed connections,
 * which libmicrohttpd 0.9.75 does not have (its connection_timeout is a
 * per-byte idle timer: one header line every few seconds kept a
 * connection, and a client that sent half a head and closed its side
 * left a socket in CLOSE-WAIT until that timer ran out).
 *
 * Every connection gets a watch when MHD opens it.  The request head
 * must be complete within head_timeout seconds of the accept (the first
 * request) and its body within body_timeout seconds of the head; a
 * client that half-closes (FIN) before its head or body is complete is
 * cut at once.  One thread watches the sockets with its own epoll set
 * (EPOLLRDHUP) and checks the deadlines twice a second; to cut a
 * connection it shuts the socket down, so that MHD sees the end of the
 * stream and closes it.  The socket is still MHD's: the watch is removed
 * in MHD's "closed" notification, which comes before MHD closes the
 * descriptor, under the same lock.  Later requests on a kept-alive
 * connection have the body deadline but no head deadline (the idle
 * connection_timeout of MHD holds there).
 */
#ifndef WSUSD_HTTP_HTTP_DEADLINE_H
#define WSUSD_HTTP_HTTP_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

struct http_deadlines;
struct http_watch;

/* Start the watching thread; NULL when it cannot start. */
struct http_deadlines *http_deadlines_new(unsigned head_timeout,
	    unsigned body_timeout);
/* Stop the thread; every watch must have been removed.  NULL ok. */
void	http_deadlines_free(struct http_deadlines *d);

/* MHD opened conn: watch it.  NULL when d is NULL or out of resources. */
struct http_watch *http_watch_add(struct http_deadlines *d,
	    struct MHD_Connection *conn);
/* MHD is closing w's connection: forget it.  NULL ok. */
void	http_watch_remove(struct http_deadlines *d, struct http_watch *w);
/* The head of a request is complete; body: one is coming. */
void	http_watch_head(struct http_watch *w, bool body);
/* The request was read completely (the handler runs now). */
void	http_watch_done(struct http_watch *w);
/* Has a phase begun at since (ms) lasted limit ms at now?  A phase begun
 * after now (since > now) has not.  Exposed for tests. */
bool	http_deadline_expired(uint64_t now, uint64_t since, uint64_t limit);

#endif
