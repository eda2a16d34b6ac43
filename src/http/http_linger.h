/*
 * http_linger.h — lingering close of connections whose request body was
 * refused (413, 503, a 404/405 for a body), so the client reads the
 * answer instead of a reset.
 *
 * Why: when wsusd refuses a body from its head, MHD sends the answer,
 * shuts down writes and closes the socket while the client is still
 * sending; with unread bytes in the receive queue the kernel answers the
 * close with a reset, and a client that sent without Expect:
 * 100-continue (curl: "Connection reset by peer" while sending) never
 * reads the status.  A marked connection's socket is duplicated when MHD
 * closes it (MHD has removed it from its epoll set and shut down writes
 * by then); one thread here reads and discards what the client still
 * sends until it closes, for at most HTTP_LINGER_MS and
 * HTTP_LINGER_BYTES, then closes for good.  At most HTTP_LINGER_MAX
 * sockets linger at once; beyond that a connection closes as before.
 */
#ifndef WSUSD_HTTP_HTTP_LINGER_H
#define WSUSD_HTTP_HTTP_LINGER_H

#include <microhttpd.h>

#define HTTP_LINGER_MS		2000
#define HTTP_LINGER_BYTES	(64u * 1024 * 1024)
#define HTTP_LINGER_MAX		256

struct http_linger;

/* Start the draining thread; NULL when it cannot start (then no linger). */
struct http_linger *http_linger_new(void);
/* Stop the thread and close every lingering socket.  NULL ok. */
void	http_linger_free(struct http_linger *lg);
/* Linger conn's socket when MHD closes it (call with the refusal). */
void	http_linger_mark(struct http_linger *lg, struct MHD_Connection *conn);
/* From MHD's connection notifier (CLOSED): take over a marked socket. */
void	http_linger_closed(struct http_linger *lg,
	    struct MHD_Connection *conn);

#endif
