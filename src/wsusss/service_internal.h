/*
 * service_internal.h — what the MS-WSUSSS upstream files share: the
 * service state, the per-call context, the operation table entry, the
 * helpers every operation uses (faults, store, answers, anchors,
 * settings, sessions) and the operations themselves.
 *
 * Not a public interface: only src/wsusss/service.c, common.c, session.c
 * and op_*.c include it.
 */
#ifndef WSUSD_WSUSSS_SERVICE_INTERNAL_H
#define WSUSD_WSUSSS_SERVICE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "http/http_server.h"
#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap/soap_value.h"
#include "soap/xmlw.h"
#include "store/store.h"
#include "util/buf.h"
#include "wsusss/anchor.h"
#include "wsusss/service.h"
#include "wsusss/snapshot.h"
#include "wusp/cookie.h"

#define WS_RESPONSE_MAX	(256u * 1024 * 1024)	/* largest answer built */
#define WS_COOKIE_GEN	1
#define WS_INIT_RETRY	5	/* s between retries of a failed start */
#define WS_HOST_MAX	255	/* Host header used in URLs */
#define WS_FUTURE_SKEW	(24 * 3600)	/* anchor time accepted ahead of now */

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 16;				\
		(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));	\
	}								\
} while (0)

/* Per worker thread: its store handle. */
struct ws_thread {
	struct store		*st;		/* owned; NULL until first use */
	time_t			 st_failed;	/* last failed open, for backoff */
	struct wsusss_service	*svc;		/* borrowed */
	struct ws_thread	*next, *prev;
};

enum ws_kind { WS_SERVERSYNC = 0, WS_DSSAUTH = 1 };

struct ws_call;

/* One operation: its element name and namespace. */
struct ws_op {
	const char	*name;
	const char	*ns;
	/* the answer with c->w, or a fault with ws_fault() and -1 */
	int		(*fn)(struct ws_call *);
};

/* One service: a path, a namespace and its operation table. */
struct ws_def {
	enum ws_kind		 kind;
	const char		*path;
	const char		*ns;
	const struct ws_op	*ops;		/* NULL-name terminated */
};

struct ws_route {
	struct wsusss_service	*svc;
	const struct ws_def	*def;
};

struct wsusss_service {
	const struct config	*cfg;		/* borrowed */
	pthread_mutex_t		 lock;		/* ready, kr, threads */
	bool			 ready;
	time_t			 next_retry;
	struct cookie_keyring	 kr;		/* valid when ready */
	char			 server_id[37];
	int64_t			 started;
	pthread_key_t		 tkey;
	bool			 tkey_made;
	struct ws_thread	*threads;
	struct catalog_holder	*snaps;		/* owned; the shared catalog (snapshot.h) */
	struct ws_route		 routes[2];
};

/* Everything one SOAP call needs.  Lives on the handler's stack. */
struct ws_call {
	struct wsusss_service	*svc;
	const struct ws_def	*def;
	const struct ws_op	*op;
	struct http_request	*http;
	struct soap_request	*req;
	const struct soap_node	*body;
	struct ws_thread	*th;
	struct buf		 out;
	struct xmlw		 w;
	int64_t			 now;
	struct wsusss_session_cookie sess;	/* after ws_session() */
	enum soap_error_code	 fault;
	char			 fault_msg[1024];
	bool			 fuzz;		/* wsusss_fuzz_request(): no HTTP */
	/* the downstream to record after success (record_downstream) */
	bool			 touch, touch_replica, touch_synced;
	char			 touch_id[37];
	char			 touch_name[COOKIE_ID_MAX + 1];
};

/* ---- service.c ---- */

/* Set the call's fault (the first one wins); always -1. */
int	ws_fault(struct ws_call *c, enum soap_error_code ec,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* This thread's store handle (opened on first use); NULL + fault set. */
struct store *ws_store(struct ws_call *c);
/* The catalog at the current change counter, referenced (snap_release());
 * NULL + fault set. */
const struct catalog *ws_snap(struct ws_call *c, struct store *st);
/* Begin <OpResponse xmlns="op ns"> in the envelope; ws_end() closes. */
void	ws_begin(struct ws_call *c);
void	ws_end(struct ws_call *c);
/* A request header; NULL without a connection (the fuzz entry point). */
const char *ws_header(const struct ws_call *c, const char *name);
/* scheme://host[:port] content URLs are built on (docs/HTTP.md). */
void	ws_content_base(struct ws_call *c, char *out, size_t outlen);

/* ---- common.c: anchors, settings, time ---- */

/* An optional anchor element; absent/empty/nil: *has = false.  0 or -1. */
int	ws_read_anchor(struct ws_call *c, const struct soap_node *n,
	    const char *param, struct wsusss_anchor *a, bool *has,
	    int64_t cur_seq);
/* <name>anchor for seq, now</name> */
void	ws_write_anchor(struct ws_call *c, const char *name, int64_t seq);
/* An integer store setting in lo..hi, else def. */
int	ws_setting_int(struct store *st, const char *key, int def, int lo,
	    int hi);
/* Is the store setting "no" (or false, 0, off)? */
bool	ws_setting_no(struct store *st, const char *key);
void	ws_now_datetime(struct soap_datetime *dt);

/* ---- session.c: sessions, allow-list, downstream records ---- */

/* Open the session cookie (child "cookie") into c->sess; 0 or -1. */
int	ws_session(struct ws_call *c);
/* The allow-list; 0 allowed, else fault ec set and -1. */
int	ws_check_allowed(struct ws_call *c, enum soap_error_code ec);
/* Remember the caller; recorded by ws_touch_downstream() on success. */
void	ws_record_downstream(struct ws_call *c, const uint8_t dss_id[16],
	    const char *name, bool replica);
void	ws_touch_downstream(struct ws_call *c);

/* ---- operations (op_*.c) ---- */

int	wsusss_op_get_auth_config(struct ws_call *);
int	wsusss_op_get_authorization_cookie(struct ws_call *);
int	wsusss_op_get_cookie(struct ws_call *);
int	wsusss_op_get_config_data(struct ws_call *);
int	wsusss_op_get_revision_id_list(struct ws_call *);
int	wsusss_op_get_update_data(struct ws_call *);
int	wsusss_op_get_related(struct ws_call *);
int	wsusss_op_get_deployments(struct ws_call *);
int	wsusss_op_download_files(struct ws_call *);
int	wsusss_op_ping(struct ws_call *);

#endif
