/*
 * http_server.h — the HTTP front of wsusd: one libmicrohttpd daemon per
 * configured listener (plain or TLS), a small router from request paths
 * to handlers, bounded request bodies.  It does not know what the
 * handlers do: content serving (content_handler.h) and, later, the SOAP
 * services register routes with http_route_add() before the server
 * starts.
 *
 * Request path rules, applied before routing (IIS-like where harmless):
 * the path is percent-decoded once; %2F, %5C, %00, a backslash, a control
 * byte, a "." or ".." segment or a malformed escape is a 400; runs of
 * slashes collapse into one; matching against routes ignores ASCII case.
 * The query string is not part of the path and is not decoded.
 */
#ifndef WSUSD_HTTP_HTTP_SERVER_H
#define WSUSD_HTTP_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "config/config.h"

#define HTTP_PATH_MAX		2048	/* longer decoded paths: 414 */
#define HTTP_ROUTES_MAX		32
/*
 * Per-connection MHD memory pool: request line, headers, response
 * headers, body read buffer.  MHD zeroes the whole pool between
 * keep-alive requests, and with many connections that memory is cold, so
 * the pool size is paid on every request (small content GETs over 1000
 * connections: 64 KiB pool ~ +40% CPU, 16 KiB ~ +10% over 8 KiB).  8 KiB
 * leaves room for about 7.5 KiB of request headers (431 beyond); WSUS
 * and Delivery Optimization requests carry well under 1 KiB.
 */
#define HTTP_CONNECTION_MEMORY	(8 * 1024)

/* Methods, as bits for a route's accepted set. */
enum http_method {
	HTTP_GET	= 1 << 0,
	HTTP_HEAD	= 1 << 1,
	HTTP_POST	= 1 << 2,
	HTTP_OTHER	= 1 << 3,	/* anything else: 405 or 501 */
};

/* The listener a request arrived on (for URLs built in answers). */
struct http_listener_info {
	const char	*name;		/* borrowed: [listener NAME] */
	bool		 tls;
	uint16_t	 port;
};

/* One request as a handler sees it.  Everything is borrowed. */
struct http_request {
	struct MHD_Connection	*conn;
	enum http_method	 method;
	const char		*method_name;	/* as sent, e.g. "GET" */
	const char		*path;		/* decoded, normalised */
	size_t			 path_len;
	const char		*rest;		/* path after the route prefix */
	const char		*body;		/* NUL-terminated; "" if none */
	size_t			 body_len;
	const struct http_listener_info *listener;
	const struct config	*cfg;
	void			*arg;		/* the route's arg */
};

/*
 * A handler queues exactly one response with MHD_queue_response() (or
 * http_respond_*) and returns its result.  Handlers run on MHD worker
 * threads, concurrently.
 */
typedef enum MHD_Result (*http_handler_fn)(struct http_request *req);

/*
 * Register a route.  prefix ending in '/' matches every path that starts
 * with it, any other prefix matches that path exactly; both ignore ASCII
 * case, the longest match wins.  methods is a mask of enum http_method
 * (HTTP_HEAD is implied by HTTP_GET); POST bodies are collected up to
 * config max_body_bytes (413 beyond).  Call before http_server_start();
 * not thread-safe.  0, or -1 when the table is full or prefix is bad.
 */
int	http_route_add(const char *prefix, unsigned methods,
	    http_handler_fn handler, void *arg);
/*
 * The same with a tighter body limit: a request announcing more than
 * max_body bytes (or min(max_body, max_body_bytes)) is answered 413
 * before any of its body is buffered.  0 = max_body_bytes.  The SOAP
 * routes use SOAP_MAX_BODY (4 MiB).
 */
int	http_route_add_bounded(const char *prefix, unsigned methods,
	    size_t max_body, http_handler_fn handler, void *arg);
/* Forget every route (tests). */
void	http_route_clear(void);

struct http_server;

/*
 * Start one MHD daemon per cfg->listeners entry.  cfg must outlive the
 * server.  On failure nothing is left running and err names the listener
 * and the reason (a missing TLS certificate names the file).
 */
int	http_server_start(const struct config *cfg, struct http_server **out,
	    char *err, size_t errlen);
/* Stop every listener, wait for the workers, free everything. NULL ok. */
void	http_server_stop(struct http_server *srv);
/*
 * Reload (SIGHUP): every listener whose name, address, port and tls are
 * unchanged in cfg is replaced by a new one built from cfg (limits,
 * timeouts, threads, TLS certificate, key and priorities re-read) that
 * takes over its listening socket; the old one accepts nothing more and
 * finishes its open connections (http_server_reap).  Listeners that
 * changed are left as they are (a restart applies them).  cfg must
 * outlive the server, and so must the configuration it replaces.  All or
 * nothing: 0, or -1 with err (e.g. an unreadable new certificate) and
 * the old listeners still serving.  Main thread only, as the next two.
 */
int	http_server_reload(struct http_server *srv, const struct config *cfg,
	    char *err, size_t errlen);
/*
 * Stop the listeners a reload replaced once their connections are closed
 * (all: now); the number still draining.
 */
size_t	http_server_reap(struct http_server *srv, bool all);
/* The port listener i really bound (useful when the config said 0). */
uint16_t http_server_port(const struct http_server *srv, size_t i);

/*
 * Decode and normalise a request path (rules above) into out (outlen
 * bytes, NUL-terminated).  Returns the length, or -1 for a bad path
 * (400) and -2 when it does not fit (414).
 */
int	http_path_normalize(const char *raw, char *out, size_t outlen);

/* Queue a small text/plain answer with status (and Allow for 405). */
enum MHD_Result http_respond_status(struct MHD_Connection *conn,
	    unsigned status);
/* The value of request header name, or NULL. */
const char *http_header(const struct http_request *req, const char *name);

/*
 * GnuTLS priority string allowing min..TLS 1.3 with the cipher suites of
 * ciphers (see enum tls_ciphers) into out (HTTP_TLS_PRIO_MAX bytes is
 * enough); returns out.  Exposed for tests.
 */
#define HTTP_TLS_PRIO_MAX	256
const char *http_tls_priorities(enum tls_version min, enum tls_ciphers ciphers,
	    char *out, size_t outlen);

#endif
