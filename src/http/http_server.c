/*
 * http_server.c — listeners and the request life cycle (see
 * http_server.h).  Each [listener NAME] becomes one libmicrohttpd daemon
 * with an epoll thread pool; all of them share one route table
 * (http_router.c, filled before start and read-only afterwards, so no
 * locking).  The TLS priority string and PEM files come from http_tls.c.
 *
 * Request life cycle with MHD 0.9.75: the access handler is called once
 * when the headers are complete, then once per body piece, then a final
 * time with *upload_data_size == 0.  A response queued on the first call
 * makes MHD close the connection afterwards, so ordinary requests are
 * answered on the final call (keep-alive works) and only refusals of a
 * request body (400, 404, 405, 413, 503) are queued early.  Requests
 * without a body carry a static marker as their context, so GET and HEAD
 * allocate nothing here.
 *
 * On the first call every head passes the strict check (http_strict.h);
 * bodies are bounded per route and by the global max_body_memory budget;
 * refusals from the head close the connection gracefully (http_linger.h);
 * head and body deadlines and half-closed connections are watched by
 * http_deadline.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http_server.h"
#include "http/access_log.h"
#include "http/http_deadline.h"
#include "http/http_linger.h"
#include "http/http_router.h"
#include "http/http_strict.h"
#include "http/http_tls.h"
#include "http/tls_client_auth.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define HTTP_TRIM_AFTER	(256 * 1024)	/* malloc_trim() after such a body */
#define HTTP_DRAIN_MAX	600		/* s a replaced listener may drain */

/* Context of a request that announced a body. */
struct reqctx {
	struct buf	 body;		/* owned; bounded by the route's limit */
	size_t		 reserved;	/* bytes of srv->body_inflight held */
	struct http_server *srv;	/* borrowed */
};

/* The context of every request without a body (no allocation). */
static char nobody_marker;

struct http_server;

struct listener {
	struct MHD_Daemon	*daemon;	/* owned */
	struct http_server	*srv;		/* borrowed: the owner */
	struct http_listener_info info;
	const struct config	*cfg;		/* borrowed */
	const struct config_listener *cl;	/* borrowed: cfg's entry */
	char			*cert;		/* owned PEM, TLS only */
	char			*key;		/* owned PEM, TLS only */
	char			 prio[HTTP_TLS_PRIO_MAX];	/* GnuTLS */
	int			 reuse_fd;	/* >= 0: listen on this socket
						   (a reload), not a new one */
	bool			 heap;		/* allocated by a reload */
	time_t			 retired;	/* replaced by a reload at */
	char			*client_ca;	/* owned PEM, tls_client_auth */
	enum tls_client_auth	 client_auth;
};

struct http_server {
	size_t		 n;
	struct listener	 l[CONFIG_MAX_LISTENERS];
	/* open connections over all listeners (max_connections) */
	atomic_uint	 nconn;
	/* bytes of request bodies in flight, all listeners (max_body_memory) */
	atomic_size_t	 body_inflight;
	struct http_deadlines *dl;	/* owned; NULL: MHD's idle timer only */
	/* the listener serving slot i: &l[i], or one a reload started */
	struct listener	*cur[CONFIG_MAX_LISTENERS];
	/* listeners a reload replaced, draining their connections
	   (http_server_reap); owned when heap */
	struct listener	**retired;
	size_t		 nretired;
};

/*
 * Lingering close of refused uploads (http_linger.h): one pool for the
 * process, started with the first server and stopped with the last.
 */
static pthread_mutex_t linger_mu = PTHREAD_MUTEX_INITIALIZER;
static struct http_linger *linger_pool;	/* owned; NULL: close at once */
static unsigned linger_users;

/*
 * Take n more bytes of the global budget for request bodies in flight
 * (config max_body_memory) for ctx; false when it would go over.
 */
static bool
budget_take(struct reqctx *ctx, size_t n, size_t limit)
{
	size_t cur = atomic_load_explicit(&ctx->srv->body_inflight,
	    memory_order_relaxed);

	do {
		if (n > limit || cur > limit - n)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
	    &ctx->srv->body_inflight, &cur, cur + n, memory_order_relaxed,
	    memory_order_relaxed));
	ctx->reserved += n;
	return true;
}

/* MHD messages are errors while a daemon starts, debug noise after. */
static __thread int mhd_starting;

static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	if (!mhd_starting && log_get_level() < LOG_LEVEL_DEBUG)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (mhd_starting)
		log_error("libmicrohttpd: %s", line);
	else
		log_debug("libmicrohttpd: %s", line);
}

/* ---- responses ------------------------------------------------------- */

static const char *
status_text(unsigned status)
{
	switch (status) {
	case MHD_HTTP_BAD_REQUEST:		return "Bad Request\n";
	case MHD_HTTP_NOT_FOUND:		return "Not Found\n";
	case MHD_HTTP_METHOD_NOT_ALLOWED:	return "Method Not Allowed\n";
	case MHD_HTTP_CONTENT_TOO_LARGE:	return "Payload Too Large\n";
	case MHD_HTTP_URI_TOO_LONG:		return "URI Too Long\n";
	case MHD_HTTP_NOT_IMPLEMENTED:		return "Not Implemented\n";
	case MHD_HTTP_INTERNAL_SERVER_ERROR:	return "Internal Server Error\n";
	case MHD_HTTP_SERVICE_UNAVAILABLE:	return "Service Unavailable\n";
	default:				return "\n";
	}
}

static enum MHD_Result
respond(struct MHD_Connection *conn, unsigned status, const char *allow,
    bool close_conn)
{
	const char *text = status_text(status);
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	if (close_conn) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
		/* a refusal from the head: the client may still be sending */
		http_linger_mark(linger_pool, conn);
	}
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
http_respond_status(struct MHD_Connection *conn, unsigned status)
{
	return respond(conn, status, NULL, false);
}

const char *
http_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- request life cycle ---------------------------------------------- */

/*
 * Route a request: normalise the path into path, find the route and check
 * the method.  Returns the route, or NULL after queueing the refusal
 * (400, 404, 405, 414) in *ret; close_conn adds "Connection: close".
 */
static const struct route *
route_request(struct MHD_Connection *conn, const char *url,
    const char *method, char *path, size_t pathlen, int *plen,
    enum MHD_Result *ret, bool close_conn)
{
	const struct route *r;
	enum http_method m;
	int n;

	n = http_path_normalize(url, path, pathlen);
	if (n < 0) {
		*ret = respond(conn, n == -2 ? MHD_HTTP_URI_TOO_LONG :
		    MHD_HTTP_BAD_REQUEST, NULL, close_conn);
		return NULL;
	}
	if ((r = http_route_find(path, (size_t)n)) == NULL) {
		*ret = respond(conn, MHD_HTTP_NOT_FOUND, NULL, close_conn);
		return NULL;
	}
	m = http_method_of(method);
	if ((r->methods & m) == 0 || m == HTTP_OTHER) {
		*ret = respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    http_allow_text(r->methods), close_conn);
		return NULL;
	}
	*plen = n;
	return r;
}

static enum MHD_Result
dispatch(struct listener *l, struct MHD_Connection *conn, const char *url,
    const char *method, struct reqctx *ctx)
{
	char path[HTTP_PATH_MAX];
	const struct route *r;
	struct http_request req;
	enum MHD_Result ret;
	int n;

	r = route_request(conn, url, method, path, sizeof(path), &n, &ret,
	    false);
	if (r == NULL)
		return ret;
	req.conn = conn;
	req.method = http_method_of(method);
	req.method_name = method;
	req.path = path;
	req.path_len = (size_t)n;
	req.rest = path + (r->is_prefix ? r->len : (size_t)n);
	if (ctx != NULL && ctx->body.data != NULL) {
		req.body = ctx->body.data;
		req.body_len = ctx->body.len;
	} else {
		req.body = "";
		req.body_len = 0;
	}
	req.listener = &l->info;
	req.cfg = l->cfg;
	req.arg = r->arg;
	return r->handler(&req);
}

/* Parse a Content-Length value strictly; false if malformed. */
static bool
parse_length(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/*
 * First call of a request that announced a body (len bytes, or chunked
 * when !has_len): refuse it before reading it when no route would take
 * it, when it is over the route's limit (SOAP routes: 4 MiB, below
 * max_body_bytes) or when the bodies in flight would pass
 * max_body_memory (503); refusals close the connection.
 */
static enum MHD_Result
body_start(struct listener *l, struct MHD_Connection *conn, const char *url,
    const char *method, uint64_t len, bool has_len, void **con_cls)
{
	char path[HTTP_PATH_MAX];
	const struct route *r;
	struct reqctx *ctx;
	enum MHD_Result ret;
	size_t limit = l->cfg->max_body_bytes;
	int n;

	if ((r = route_request(conn, url, method, path, sizeof(path), &n,
	    &ret, true)) == NULL)
		return ret;
	if (r->max_body != 0 && r->max_body < limit)
		limit = r->max_body;
	if (has_len && len > limit)
		return respond(conn, MHD_HTTP_CONTENT_TOO_LARGE, NULL, true);
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->srv = l->srv;
	/* a declared length is the exact maximum: no doubling slack */
	buf_init(&ctx->body, has_len ? (size_t)len : limit);
	if (has_len && !budget_take(ctx, (size_t)len + 1,
	    l->cfg->max_body_memory)) {
		log_debug("request bodies in flight over %zu bytes, refusing "
		    "one of %" PRIu64, l->cfg->max_body_memory, len);
		free(ctx);
		return respond(conn, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, true);
	}
	*con_cls = ctx;
	return MHD_YES;
}

/* The deadline watch of conn (http_deadline.h), or NULL. */
static struct http_watch *
watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct listener *l = cls;
	struct reqctx *ctx;

	if (*con_cls == NULL) {
		/* first call: headers only */
		struct http_watch *w = watch_of(conn);
		enum http_strict_rc src = http_strict_head(conn, version);
		const char *cl = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *te = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
		uint64_t len = 0;

		if (access_log_enabled())
			access_log_begin(conn, method, url);
		if (src != HTTP_STRICT_OK) {
			log_debug("request head refused: %s",
			    http_strict_reason(src));
			return respond(conn, MHD_HTTP_BAD_REQUEST, NULL, true);
		}
		if (cl != NULL) {
			if (!parse_length(cl, &len))
				return respond(conn, MHD_HTTP_BAD_REQUEST,
				    NULL, true);
			if (len > l->cfg->max_body_bytes)
				return respond(conn,
				    MHD_HTTP_CONTENT_TOO_LARGE, NULL, true);
		}
		http_watch_head(w, te != NULL || len != 0);
		if (te == NULL && len == 0) {
			*con_cls = &nobody_marker;
			return MHD_YES;
		}
		return body_start(l, conn, url, method, len, te == NULL,
		    con_cls);
	}
	ctx = *con_cls == &nobody_marker ? NULL : *con_cls;
	if (*upload_data_size != 0) {
		if (ctx == NULL) {
			*upload_data_size = 0;	/* cannot happen: no body */
			return MHD_YES;
		}
		if (buf_append(&ctx->body, upload_data, *upload_data_size)
		    == -1) {
			/*
			 * Only a chunked body can get here (a declared
			 * length was checked): MHD cannot answer in the
			 * middle of an upload, so drop the connection.
			 */
			log_debug("request body over %zu bytes, closing",
			    ctx->body.max);
			return MHD_NO;
		}
		if (ctx->body.cap > ctx->reserved &&
		    !budget_take(ctx, ctx->body.cap - ctx->reserved,
		    l->cfg->max_body_memory)) {
			log_debug("request bodies in flight over %zu bytes, "
			    "closing a chunked upload",
			    l->cfg->max_body_memory);
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	http_watch_done(watch_of(conn));
	return dispatch(l, conn, url, method, ctx);
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct reqctx *ctx = *con_cls;
	const struct listener *l = cls;

	(void)toe;
	if (access_log_enabled())
		access_log_end(conn, l->info.name);
	if (ctx != NULL && (void *)ctx != &nobody_marker) {
		size_t left = ctx->reserved == 0 ? 1 :
		    atomic_fetch_sub_explicit(&ctx->srv->body_inflight,
		    ctx->reserved, memory_order_relaxed) - ctx->reserved;
		bool big = ctx->body.cap >= HTTP_TRIM_AFTER;

		buf_free(&ctx->body);
		free(ctx);
		/*
		 * After a burst of large bodies glibc keeps the freed heap;
		 * give it back once no body is in flight any more.
		 */
		if (big && left == 0)
			malloc_trim(0);
	}
	*con_cls = NULL;
}

/* Leave the query string alone; the router decodes the path itself. */
static size_t
unescape_none(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

/*
 * max_connections holds for all listeners together: count connections in
 * the connection notifier and refuse new ones at accept time once the
 * sum reaches the limit (each daemon also has the limit as a backstop).
 */
static enum MHD_Result
accept_cb(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	const struct listener *l = cls;

	(void)addr;
	(void)addrlen;
	if (l->cfg->max_connections != 0 &&
	    atomic_load_explicit(&l->srv->nconn, memory_order_relaxed) >=
	    l->cfg->max_connections) {
		log_debug("listener %s: %u connections open, refusing one",
		    l->info.name, l->cfg->max_connections);
		return MHD_NO;
	}
	return MHD_YES;
}

static void
connection_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct listener *l = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		access_log_connection(conn);
		*socket_context = http_watch_add(l->srv->dl, conn);
		if (l->client_auth == TLS_CLIENT_AUTH_REQUIRE)
			http_tls_require_client_cert(conn);
		atomic_fetch_add_explicit(&l->srv->nconn, 1,
		    memory_order_relaxed);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		http_watch_remove(l->srv->dl, *socket_context);
		*socket_context = NULL;
		http_linger_closed(linger_pool, conn);
		atomic_fetch_sub_explicit(&l->srv->nconn, 1,
		    memory_order_relaxed);
	}
}

/* ---- listeners ------------------------------------------------------- */

static unsigned
cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	if (n > 64)
		return 64;
	return (unsigned)n;
}

static int
listener_start(struct listener *l, const struct config *cfg,
    const struct config_listener *cl, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct MHD_OptionItem opts[20];
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	unsigned threads = cfg->threads != 0 ? cfg->threads : cpu_count();
	char addr[INET6_ADDRSTRLEN + 2];
	size_t no = 0, alen;
	int e;

	memset(&ss, 0, sizeof(ss));
	l->cfg = cfg;
	flags |= MHD_USE_ITC;		/* MHD_quiesce_daemon() on reload */
	l->cl = cl;
	l->info.name = cl->name;
	l->info.tls = cl->tls;
	l->info.port = cl->port;

	/* numeric IPv4 or IPv6 ("::1" or "[::1]") */
	alen = cl->address != NULL ? strlen(cl->address) : 0;
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(err, errlen, "listener %s: bad address", cl->name);
		return -1;
	}
	if (cl->address[0] == '[' && cl->address[alen - 1] == ']') {
		memcpy(addr, cl->address + 1, alen - 2);
		addr[alen - 2] = '\0';
	} else {
		memcpy(addr, cl->address, alen + 1);
	}
	{
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons(cl->port);
		} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(cl->port);
			flags |= MHD_USE_IPv6;
		} else {
			snprintf(err, errlen, "listener %s: address '%s' is not "
			    "a numeric IPv4 or IPv6 address", cl->name,
			    cl->address);
			return -1;
		}
	}

#define OPT(o, v, p) do { \
	opts[no].option = (o); \
	opts[no].value = (intptr_t)(v); \
	opts[no].ptr_value = (void *)(p); \
	no++; \
} while (0)
	OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL);
	if (l->reuse_fd >= 0)
		OPT(MHD_OPTION_LISTEN_SOCKET, l->reuse_fd, NULL);
	else
		OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, completed_cb, l);
	OPT(MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, connection_cb, l);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_CONNECTION_MEMORY, NULL);
	if (threads > 1)
		OPT(MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
	/*
	 * MHD's own limit only as a backstop, well above max_connections:
	 * a daemon at its limit stops accepting and leaves new connections
	 * in the listen queue until the client gives up, while accept_cb
	 * takes them and closes them at once.  (With a thread pool MHD
	 * splits its limit between the workers.)
	 */
	if (cfg->max_connections != 0)
		OPT(MHD_OPTION_CONNECTION_LIMIT,
		    cfg->max_connections * 2 + 64 * threads, NULL);
	if (cfg->max_connections_per_ip != 0)
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		    cfg->max_connections_per_ip, NULL);
	if (cfg->connection_timeout != 0)
		OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout,
		    NULL);
	if (cl->tls) {
		const char *cert = cl->tls_certificate != NULL ?
		    cl->tls_certificate : cfg->tls_certificate;
		const char *key = cl->tls_key != NULL ? cl->tls_key :
		    cfg->tls_key;
		if (http_tls_load_pem("certificate", cert, cl->name, &l->cert,
		    err, errlen) == -1 ||
		    http_tls_load_pem("key", key, cl->name, &l->key, err,
		    errlen) == -1)
			return -1;
		http_tls_priorities(cl->tls_min_version, cl->tls_ciphers,
		    l->prio, sizeof(l->prio));
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, l->cert);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, l->key);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, l->prio);
		/* client certificates (tls_client_auth.c) */
		if (cl->tls_client_auth != TLS_CLIENT_AUTH_NONE) {
			if (http_tls_load_pem("client CA", cl->tls_client_ca,
			    cl->name, &l->client_ca, err, errlen) == -1)
				return -1;
			l->client_auth = cl->tls_client_auth;
			OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, l->client_ca);
		}
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT

	mhd_starting = 1;
	errno = 0;
	l->daemon = MHD_start_daemon(flags, cl->port, accept_cb, l, access_cb, l,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	e = errno;
	mhd_starting = 0;
	if (l->daemon == NULL) {
		snprintf(err, errlen, "listener %s: cannot listen on %s:%u%s%s",
		    cl->name, cl->address, cl->port, e != 0 ? ": " : "",
		    e != 0 ? strerror(e) : "");
		return -1;
	}
	{
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(l->daemon,
		    MHD_DAEMON_INFO_BIND_PORT);
		if (di != NULL && di->port != 0)
			l->info.port = di->port;
	}
	return 0;
}

static void
listener_free(struct listener *l)
{
	if (l->daemon != NULL)
		MHD_stop_daemon(l->daemon);
	l->daemon = NULL;
	if (l->key != NULL) {
		explicit_bzero(l->key, strlen(l->key));
		free(l->key);
	}
	free(l->cert);
	free(l->client_ca);
	l->cert = l->key = l->client_ca = NULL;
}

int
http_server_start(const struct config *cfg, struct http_server **out,
    char *err, size_t errlen)
{
	struct http_server *srv;

	*out = NULL;
	if (cfg->nlisteners == 0) {
		snprintf(err, errlen, "no listeners configured");
		return -1;
	}
	srv = xcalloc(1, sizeof(*srv));
	atomic_init(&srv->nconn, 0);
	atomic_init(&srv->body_inflight, 0);
	if (cfg->head_timeout != 0 || cfg->body_timeout != 0)
		srv->dl = http_deadlines_new(cfg->head_timeout != 0 ?
		    cfg->head_timeout : 3600, cfg->body_timeout != 0 ?
		    cfg->body_timeout : 86400);
	pthread_mutex_lock(&linger_mu);
	if (linger_users++ == 0)
		linger_pool = http_linger_new();
	pthread_mutex_unlock(&linger_mu);
	for (size_t i = 0; i < cfg->nlisteners && i < CONFIG_MAX_LISTENERS;
	    i++) {
		srv->l[i].srv = srv;
		srv->l[i].reuse_fd = -1;
		srv->cur[i] = &srv->l[i];
		if (listener_start(&srv->l[i], cfg, &cfg->listeners[i], err,
		    errlen) == -1) {
			listener_free(&srv->l[i]);
			srv->n = i;
			http_server_stop(srv);
			return -1;
		}
		srv->n = i + 1;
	}
	*out = srv;
	return 0;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	http_server_reap(srv, true);
	free(srv->retired);
	for (size_t i = 0; i < srv->n; i++) {
		listener_free(srv->cur[i]);
		if (srv->cur[i]->heap)
			free(srv->cur[i]);
	}
	http_deadlines_free(srv->dl);
	free(srv);
	pthread_mutex_lock(&linger_mu);
	if (--linger_users == 0) {
		http_linger_free(linger_pool);
		linger_pool = NULL;
	}
	pthread_mutex_unlock(&linger_mu);
}

uint16_t
http_server_port(const struct http_server *srv, size_t i)
{
	if (srv == NULL || i >= srv->n)
		return 0;
	return srv->cur[i]->info.port;
}

/* ---- reload ---------------------------------------------------------- */

/* Does listener entry b keep the socket of a (same name, address, port)? */
static bool
same_socket(const struct config_listener *a, const struct config_listener *b)
{
	return strcmp(a->name, b->name) == 0 && a->port == b->port &&
	    strcmp(a->address, b->address) == 0 && a->tls == b->tls;
}

/* Stop and forget a listener (owned when heap). */
static void
listener_drop(struct listener *l)
{
	listener_free(l);
	if (l->heap)
		free(l);
}

int
http_server_reload(struct http_server *srv, const struct config *cfg,
    char *err, size_t errlen)
{
	struct listener *nl[CONFIG_MAX_LISTENERS] = { NULL };
	size_t i;

	/* start every replacement on a copy of the old socket first: a
	 * failure (say a bad new certificate) leaves everything as it was */
	for (i = 0; i < srv->n; i++) {
		const struct config_listener *ocl, *ncl;
		const union MHD_DaemonInfo *di;

		if (i >= cfg->nlisteners)
			break;
		ocl = srv->cur[i]->cl;
		ncl = &cfg->listeners[i];
		if (!same_socket(ocl, ncl))
			continue;	/* a restart applies that */
		di = MHD_get_daemon_info(srv->cur[i]->daemon,
		    MHD_DAEMON_INFO_LISTEN_FD);
		nl[i] = xcalloc(1, sizeof(*nl[i]));
		nl[i]->srv = srv;
		nl[i]->heap = true;
		nl[i]->reuse_fd = di != NULL ? dup(di->listen_fd) : -1;
		if (nl[i]->reuse_fd == -1) {
			snprintf(err, errlen, "listener %s: cannot share its "
			    "socket: %s", ncl->name, strerror(errno));
			goto fail;
		}
		if (listener_start(nl[i], cfg, ncl, err, errlen) == -1) {
			if (nl[i]->daemon == NULL)
				close(nl[i]->reuse_fd);
			goto fail;
		}
		nl[i]->info.port = srv->cur[i]->info.port;
	}
	/* then the old ones stop accepting and drain */
	for (i = 0; i < srv->n; i++) {
		struct listener *old = srv->cur[i];

		if (nl[i] == NULL)
			continue;
		old->reuse_fd = MHD_quiesce_daemon(old->daemon);
		old->retired = time(NULL);
		srv->retired = xreallocarray(srv->retired, srv->nretired + 1,
		    sizeof(*srv->retired));
		srv->retired[srv->nretired++] = old;
		srv->cur[i] = nl[i];
	}
	return 0;
fail:
	for (i = 0; i < srv->n; i++)
		if (nl[i] != NULL)
			listener_drop(nl[i]);
	return -1;
}

size_t
http_server_reap(struct http_server *srv, bool all)
{
	size_t j = 0;

	if (srv == NULL)
		return 0;
	for (size_t i = 0; i < srv->nretired; i++) {
		struct listener *l = srv->retired[i];
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(l->daemon,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (all || di == NULL || di->num_connections == 0 ||
		    time(NULL) - l->retired > HTTP_DRAIN_MAX) {
			int fd = l->reuse_fd;	/* the quiesced socket */

			listener_drop(l);
			if (fd >= 0)
				close(fd);
			continue;
		}
		srv->retired[j++] = l;
	}
	srv->nretired = j;
	return j;
}
