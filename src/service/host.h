/*
 * host.h — the one SOAP service host of wsusd: what every SOAP endpoint
 * (the MS-WUSP client, SimpleAuth and reporting services, the MS-WSUSSS
 * Server Sync and DSS authorization services) shares.
 *
 * What it does: registers each service's path with http_route_add();
 * keeps one store handle per MHD worker thread (opened lazily, never
 * creating a missing SQLite file); makes the host ready (server identity
 * and cookie key read from the store, retried every SVC_INIT_RETRY
 * seconds while the database is not ready, an InternalServerError fault
 * meanwhile); reads each POST with the bounded SOAP reader; looks the
 * operation up in the service's table; writes the answer envelope, the
 * faults (WCF style for the client service, ASMX for the others) and
 * sends the answer.  It also holds the one Host/URL policy
 * (svc_content_base, svc_service_url; docs/HTTP.md "Hosts and URLs").
 *
 * What it is not: no operation, no protocol state.  A protocol keeps its
 * service-level state behind svc_call.svc (the pointer given to
 * svc_host_add()) and its per-call state behind svc_call.proto
 * (svc_def.proto_size zeroed bytes, owned by the host for the call).
 *
 * Threads: handlers run on the MHD worker threads at once.  The host's
 * mutable state (readiness, thread list) is guarded by its lock, the
 * allow-list a reload replaces by allow_lock; the keyring and server id
 * are read-only once ready is set.
 */
#ifndef WSUSD_SERVICE_HOST_H
#define WSUSD_SERVICE_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "cookie/cookie.h"
#include "http/http_server.h"
#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/guid.h"

#define SVC_INIT_RETRY		5	/* s between retries of a failed start */
#define SVC_HOST_MAX		255	/* Host header used in URLs */
#define SVC_COOKIE_GENERATION	1	/* revision ids are never reused */

struct svc_call;
struct svc_host;

/* One operation of a service. */
struct svc_op {
	const char	*name;		/* local name of the operation element */
	const char	*ns;		/* its namespace; NULL: the service's */
	/*
	 * Write the answer (svc_begin(), content, svc_end()) or hand over
	 * finished bytes (svc_answer_ref()), or set a fault with
	 * svc_fault() and return -1.  0 on success.
	 */
	int		(*fn)(struct svc_call *c);
};

/* One service: path + namespace + style + parse flags + op table. */
struct svc_def {
	const char		*path;		/* matched ignoring ASCII case */
	const char		*name;		/* e.g. "ServerSyncWebService" */
	const char		*ns;		/* target namespace */
	enum soap_style		 style;		/* faults and envelopes */
	unsigned		 parse_flags;	/* SOAP_PARSE_* */
	const struct svc_op	*ops;		/* NULL-name terminated */
	size_t			 response_max;	/* largest answer built */
	const char		*cache_control;	/* of every answer */
	size_t			 proto_size;	/* per-call protocol state */
	/* called once the host is ready, before the operation; may be NULL */
	void			(*before)(struct svc_call *c);
	/* called after a successful answer was written; may be NULL */
	void			(*after)(struct svc_call *c);
};

/* Per worker thread: its store handle. */
struct svc_thread {
	struct store		*st;		/* owned; NULL until first use */
	time_t			 st_failed;	/* last failed open, for backoff */
	struct svc_host		*host;		/* borrowed */
	struct svc_thread	*next, *prev;	/* host->threads list */
};

struct svc_route;

struct svc_host {
	const struct config	*cfg;		/* borrowed */
	pthread_mutex_t		 lock;		/* ready, next_retry, threads */
	bool			 ready;		/* kr and server_id valid */
	time_t			 next_retry;	/* of a failed start */
	struct cookie_keyring	 kr;		/* valid when ready */
	char			 server_id[GUID_STRLEN + 1];	/* lower-case GUID */
	int64_t			 started;	/* time(NULL) at creation */
	pthread_key_t		 tkey;		/* -> struct svc_thread */
	bool			 tkey_made;
	struct svc_thread	*threads;	/* every live svc_thread */
	struct svc_route	*routes;	/* owned, svc_host_add() */
	char			 host_name[256]; /* fallback host for URLs */
	/* [server] upstream_allow as last read (start or reload); NULL
	 * when wsusd.conf sets none.  A reload replaces it while calls
	 * run: read it only through svc_host_upstream_allow(). */
	pthread_mutex_t		 allow_lock;	/* upstream_allow */
	char			*upstream_allow; /* owned */
};

/* Everything one SOAP call needs.  Lives on the handler's stack. */
struct svc_call {
	struct svc_host		*host;
	const struct svc_def	*def;
	const struct svc_op	*op;
	void			*svc;		/* the protocol's service state */
	void			*proto;		/* per-call state, def->proto_size */
	struct http_request	*http;		/* conn NULL: no connection */
	struct soap_request	*req;		/* parsed request */
	const struct soap_node	*body;		/* req->op */
	struct svc_thread	*th;		/* this thread's state */
	struct buf		 out;		/* the answer */
	struct xmlw		 w;		/* writes into out */
	int64_t			 now;		/* time(NULL) at the start */
	/* fault set by svc_fault() */
	enum soap_error_code	 fault;
	char			 fault_msg[1024];
	/* the answer held by reference instead of out (svc_answer_ref());
	 * ref_free(ref_arg) is owed once: by the HTTP response that sends
	 * the bytes, else by svc_call_done() */
	const char		*ref_data;
	size_t			 ref_len;
	void			(*ref_free)(void *);
	void			*ref_arg;
};

/* A host for cfg (which must outlive it), not ready yet.  NULL + err. */
struct svc_host *svc_host_new(const struct config *cfg, char *err,
	    size_t errlen);
/*
 * Open the configured store once to read the server identity and cookie
 * key (settings server_id and cookie_key, written by wsusctl
 * postinstall).  When that fails the reason is logged and the host
 * retries on requests.  Whether the host is ready now.
 */
bool	svc_host_load(struct svc_host *h);
/*
 * Make the host ready from st (a store the caller owns) instead of the
 * configured database: the fuzz entry points' in-memory store.  0, or
 * -1 with err.
 */
int	svc_host_init_from(struct svc_host *h, struct store *st, char *err,
	    size_t errlen);
/*
 * Register def (which must outlive the host) on its path; svc is what
 * calls see as c->svc.  Call before http_server_start().  0, or -1 with
 * err.
 */
int	svc_host_add(struct svc_host *h, const struct svc_def *def, void *svc,
	    char *err, size_t errlen);
/* Is the host ready (key read)? */
bool	svc_host_ready(struct svc_host *h);
/*
 * Open the configured store, never creating a missing SQLite file.
 * 0 with *out (caller closes), or -1 with err.
 */
int	svc_host_open_store(struct svc_host *h, struct store **out, char *err,
	    size_t errlen);
/* Free everything; after http_server_stop().  NULL is fine. */
void	svc_host_free(struct svc_host *h);
/*
 * [server] upstream_allow as the calls see it now: a copy taken under
 * the host's allow_lock (the caller frees it), NULL when wsusd.conf sets
 * none.  svc_host_new() takes cfg's; svc_host_set_upstream_allow()
 * replaces it (a SIGHUP reload), from any thread, while calls run: a
 * call sees the old list or the new one, whole.
 */
char	*svc_host_upstream_allow(struct svc_host *h);
void	 svc_host_set_upstream_allow(struct svc_host *h, const char *list);

/*
 * Set up a call without HTTP routing (the fuzz entry points): host, def,
 * svc, thread, answer buffer, proto (zeroed, freed by svc_call_done()).
 */
void	svc_call_init(struct svc_call *c, struct svc_host *h,
	    const struct svc_def *def, void *svc, struct http_request *hr);
void	svc_call_done(struct svc_call *c);
/* The operation of def named by the request's element; NULL none. */
const struct svc_op *svc_find_op(const struct svc_def *def,
	    const struct soap_node *op);
/* Write c->fault as the whole answer; returns the HTTP status or -1. */
int	svc_write_fault(struct svc_call *c);

/* ---- for the operations ---- */

/* This thread's store handle (opened on first use); NULL + fault set. */
struct store *svc_store(struct svc_call *c);
/* Set the call's fault (the first one wins); always returns -1. */
int	svc_fault(struct svc_call *c, enum soap_error_code ec,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Begin the answer: envelope prologue and <OpResponse xmlns="op ns">.
 * The caller writes the content and svc_end() closes everything.
 */
void	svc_begin(struct svc_call *c);
void	svc_end(struct svc_call *c);
/*
 * The whole answer is len bytes at data (a finished envelope), held by
 * reference instead of written: sent as they are, without a copy into
 * the answer buffer; release(arg) is called once when they are no
 * longer needed (after sending, or with the call).  Instead of
 * svc_begin() ... svc_end(); nothing may be written after it.
 */
void	svc_answer_ref(struct svc_call *c, const char *data, size_t len,
	    void (*release)(void *), void *arg);
/* The answer of a successful operation is complete (the writer's
 * xmlw_finish(), or one held by svc_answer_ref()); 0, or -1 with err. */
int	svc_finish(struct svc_call *c, char *err, size_t errlen);
/* A request header; NULL without a connection. */
const char *svc_header(const struct svc_call *c, const char *name);

/*
 * The base URL (scheme://host[:port]) content links are built on: the
 * Host the client used when it is a valid host[:port] (no port: the
 * scheme's default), else the configured server name, else the
 * listener's address, else the machine's name, with the listener's
 * port; a TLS listener links to the first plain listener's port when
 * there is one.  docs/HTTP.md.
 */
void	svc_content_base(struct svc_call *c, char *out, size_t outlen);
/* The service URL (faultactor of ASMX faults). */
void	svc_service_url(struct svc_call *c, char *out, size_t outlen);
/* Is h a Host header value usable in a URL?  (the rule of both above) */
bool	svc_host_header_ok(const char *h);

#endif
