/*
 * access_log.h — the HTTP access log of wsusd ([server] access_log):
 * one line per request, off by default.
 *
 *   2026-12-06T18:30:00.123Z 192.0.2.7 plain POST
 *       /ClientWebService/client.asmx SyncUpdates 200 5321 12
 *
 * (one line): the time the request ended (ISO 8601, UTC, ms), the peer
 * address, the listener's name, the method, the path as received
 * (without the query; bytes outside printable ASCII, blanks and '"' as
 * %XX), the SOAP operation (the last segment of SOAPAction, "-" when
 * none), the status ("-" when the connection closed before an answer),
 * the bytes written to the connection for this request (head and body;
 * on TLS with the record overhead; Apache's %O) and the duration from the
 * complete request head to the last byte handed to the kernel, in ms.
 *
 * Cost: lines go to a 64 KiB buffer under one mutex and are written when
 * it is three-quarters full, by access_log_flush() (wsusd's main loop,
 * every few seconds), on reopen and on close.  Per request: one record
 * per connection, reused (no allocation once a socket's record exists),
 * one getsockopt(TCP_INFO) for the byte count (two on a connection's
 * first request).
 *
 * Not here: which requests exist (http_server.c calls begin and end) and
 * rotation policy (logrotate, then SIGHUP: access_log_configure reopens).
 */
#ifndef WSUSD_HTTP_ACCESS_LOG_H
#define WSUSD_HTTP_ACCESS_LOG_H

#include <stdbool.h>

#include <microhttpd.h>

/*
 * Set the target: NULL = off, "stderr", or a file opened for appending
 * (created 0640).  Flushes and closes the previous one; the same path is
 * opened again (after logrotate moved it).  Main thread.  0, or -1 with
 * err (the log is then off).
 */
int	access_log_configure(const char *target, char *err, size_t errlen);
/* Is the log on?  (Cheap: one atomic load.) */
bool	access_log_enabled(void);
/*
 * A new connection (MHD's connection notifier): its socket's record, if
 * any, belongs to an earlier connection.  Cheap when the log was never on.
 */
void	access_log_connection(struct MHD_Connection *conn);
/*
 * A request's head is complete: remember when, what, and the connection's
 * byte count.  Called once per request, from the thread serving conn.
 */
void	access_log_begin(struct MHD_Connection *conn, const char *method,
	    const char *url);
/* The request ended (answered or not): write its line.  Same thread. */
void	access_log_end(struct MHD_Connection *conn, const char *listener);
/* Write out what is buffered (main loop, tests). */
void	access_log_flush(void);
/* Flush, close, forget every record (exit). */
void	access_log_close(void);

#endif
