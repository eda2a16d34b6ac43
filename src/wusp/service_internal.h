/*
 * service_internal.h — what service.c shares with the operation files
 * (op_config.c, op_auth.c, op_sync.c, op_extended.c, op_report.c): the
 * service state, the per-call context, the operation table entry and the
 * helpers every operation uses (cookies, faults, arrays, URLs).
 *
 * Not a public interface: only src/wusp/service*.c and op_*.c include it.
 */
#ifndef WSUSD_WUSP_SERVICE_INTERNAL_H
#define WSUSD_WUSP_SERVICE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "http/http_server.h"
#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "store/store.h"
#include "util/buf.h"
#include "wusp/cookie.h"
#include "wusp/service.h"

/* ---- fixed protocol values (see docs/WUSP.md) ---- */

/* GetConfig Properties, as the captured WSUS 2025 answer. */
#define WUSP_MAX_EXTENDED_PER_REQUEST	50
#define WUSP_SERVER_PROTOCOL_VERSION	"3.2"
#define WUSP_CLIENT_REPORTING_LEVEL	"2"
#define WUSP_PLUGIN_ID			"SimpleTargeting"
#define WUSP_SIMPLEAUTH_RELURL		"SimpleAuthWebService/SimpleAuth.asmx"

#define WUSP_SESSION_LIFETIME	3600	/* s; real WSUS: about 1 h */
#define WUSP_AUTH_LIFETIME	3600	/* s; authorization cookie */
#define WUSP_COOKIE_GENERATION	1	/* revision ids are never reused */
/* SyncUpdates array and SystemSpec bounds: sync_updates.h (SYNC_MAX_*). */
#define WUSP_MAX_CATEGORY_SCAN	200	/* StartCategoryScan: WSUS 3.0 SP2 rejects >= 200 */
#define WUSP_MAX_FILE_DIGESTS	1000	/* GetFileLocations */
#define WUSP_MAX_LOCALES	32	/* GetExtendedUpdateInfo locales */
#define WUSP_RESPONSE_MAX	(64u * 1024 * 1024)	/* largest answer built */
#define WUSP_CONFIG_TTL		1	/* s between re-reads of client settings */
#define WUSP_INIT_RETRY		5	/* s between retries of a failed start */
#define WUSP_HOST_MAX		255	/* Host header used in URLs */

/* Settings (store_setting_get/set) owned by the service. */
#define SETTING_CLIENT_CONFIG	"wusp_client_config"	/* "TIME FINGERPRINT" */

enum wusp_svc_kind {
	WUSP_SVC_CLIENT = 0,		/* WCF style */
	WUSP_SVC_SIMPLEAUTH = 1,	/* ASMX style */
	WUSP_SVC_REPORTING = 2,		/* ASMX style */
};
#define WUSP_SVC_COUNT	3

struct wusp_call;

/* One operation of a service. */
struct wusp_op {
	const char	*name;		/* local name of the operation element */
	/*
	 * Write the answer (the element inside Body) with c->w, or set a
	 * fault with wusp_fault() and return -1.  0 on success.
	 */
	int		(*fn)(struct wusp_call *c);
};

/* One service: a path, a namespace, a style and its operation table. */
struct wusp_svc_def {
	enum wusp_svc_kind	 kind;
	const char		*path;		/* WUSP_PATH_* */
	const char		*ns;		/* target namespace */
	enum soap_style		 style;
	unsigned		 parse_flags;	/* SOAP_PARSE_* */
	const struct wusp_op	*ops;		/* NULL-name terminated */
};

/* Per worker thread: its store handle. */
struct wusp_thread {
	struct store		*st;		/* owned; NULL until first use */
	time_t			 st_failed;	/* last failed open, for backoff */
	struct wusp_service	*svc;		/* borrowed */
	struct wusp_thread	*next;		/* svc->threads list */
	struct wusp_thread	*prev;
};

/* What clients see of the configuration (GetConfig, ConfigChanged). */
struct wusp_client_config {
	int64_t		 last_change;	/* 100 ns ticks since 1970 (cookie units) */
	bool		 client_targeting; /* targeting mode: client-side */
	char		 package_share[300]; /* \\NAME\UpdateServicesPackages */
};

struct catalog_holder;

struct wusp_service {
	const struct config	*cfg;		/* borrowed */
	pthread_mutex_t		 lock;		/* ready, kr, ccfg, threads */
	bool			 ready;		/* kr initialised */
	time_t			 next_retry;	/* of a failed start */
	struct cookie_keyring	 kr;		/* valid when ready */
	char			 server_id[37];	/* lower-case GUID */
	struct wusp_client_config ccfg;		/* guarded by lock */
	time_t			 ccfg_read;	/* when ccfg was refreshed */
	pthread_key_t		 tkey;		/* -> struct wusp_thread */
	bool			 tkey_made;
	struct wusp_thread	*threads;	/* every live wusp_thread */
	struct catalog_holder	*catalog;	/* owned; NULL until ready */
	char			 host_name[256]; /* fallback host for URLs */
};

/* Everything one SOAP call needs.  Lives on the handler's stack. */
struct wusp_call {
	struct wusp_service	*svc;
	const struct wusp_svc_def *def;
	const struct wusp_op	*op;
	struct http_request	*http;
	struct soap_request	*req;		/* parsed request */
	const struct soap_node	*body;		/* req->op */
	struct wusp_thread	*th;		/* this thread's state */
	struct buf		 out;		/* the answer */
	struct xmlw		 w;		/* writes into out */
	int64_t			 now;		/* time(NULL) at the start */
	struct wusp_client_config ccfg;		/* snapshot for this call */
	/* fault set by wusp_fault() */
	enum soap_error_code	 fault;
	char			 fault_msg[160];
};

/* ---- service.c helpers ---- */

/* This thread's store handle (opened on first use); NULL + fault set. */
struct store *wusp_store(struct wusp_call *c);
/* Set the call's fault (and log at debug level); always returns -1. */
int	wusp_fault(struct wusp_call *c, enum soap_error_code ec,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Begin the answer: envelope prologue and <OpResponse xmlns="ns">.
 * The caller writes the content and wusp_end() closes everything.
 */
void	wusp_begin(struct wusp_call *c);
void	wusp_end(struct wusp_call *c);

/*
 * Open the session cookie in node n (a Cookie: Expiration,
 * EncryptedData).  On success 0; else the matching fault is set and -1.
 */
int	wusp_open_session(struct wusp_call *c, const struct soap_node *n,
	    struct wusp_session_cookie *out);
/* Write <name><Expiration/><EncryptedData/></name> for s. */
int	wusp_write_session(struct wusp_call *c, const char *name,
	    const struct wusp_session_cookie *s);

/*
 * Read an ArrayOfInt/ArrayOfGuid-style node: every child named item
 * (parent's namespace) as int32 into a malloc'd array (*out, caller
 * frees; NULL when empty).  More than max items or a bad value sets
 * InvalidParameters naming param and returns -1.  Absent, empty and
 * xsi:nil arrays give 0 items.
 */
int	wusp_int_array(struct wusp_call *c, const struct soap_node *arr,
	    const char *item, size_t max, const char *param, int32_t **out,
	    size_t *n);

/*
 * The base URL (scheme://host[:port]) content links are built on: the
 * Host the client used when it is a valid host[:port], else the
 * configured server name, else the listener's address; a TLS listener
 * links to the first plain listener's port when there is one (WSUS
 * clients fetch content over HTTP).  Writes at most outlen bytes.
 */
void	wusp_content_base(struct wusp_call *c, char *out, size_t outlen);
/* The service URL (faultactor of ASMX faults). */
void	wusp_service_url(struct wusp_call *c, char *out, size_t outlen);

/* Parse "digits.digits" (1..5 digits each); 0 or -1. */
int	wusp_parse_version(const char *s, uint16_t *major, uint16_t *minor);
/* 100 ns ticks <-> soap_datetime. */
int64_t	wusp_ticks(const struct soap_datetime *dt);
void	wusp_from_ticks(int64_t ticks, struct soap_datetime *dt);

/* ---- op_sync.c helpers shared with op_extended.c ---- */

struct catalog;
struct catalog_groups;
struct catalog_deployment;

/*
 * The current catalogue snapshot with a reference taken (release it with
 * catalog_release()) and, when client_id is not NULL, the groups of that
 * computer in it (*registered: time of its last RegisterComputer, 0
 * never; may be NULL).  NULL with the fault set.
 */
const struct catalog *wusp_catalog(struct wusp_call *c, const char *client_id,
	    struct catalog_groups *groups, int64_t *registered);
/* <Deployment> of an UpdateInfo / RefreshCacheResult for this client. */
void	wusp_write_deployment(struct wusp_call *c,
	    const struct catalog_deployment *d, const char *hardware_id,
	    const struct wusp_session_cookie *s);
/* Client protocol version (from the session cookie) >= major.minor. */
bool	wusp_client_at_least(const struct wusp_session_cookie *s,
	    unsigned major, unsigned minor);

/* ---- operation tables (op_*.c) ---- */

int	wusp_op_get_config(struct wusp_call *);
int	wusp_op_get_authorization_cookie(struct wusp_call *);
int	wusp_op_get_cookie(struct wusp_call *);
int	wusp_op_register_computer(struct wusp_call *);
int	wusp_op_start_category_scan(struct wusp_call *);
int	wusp_op_sync_updates(struct wusp_call *);
int	wusp_op_sync_printer_catalog(struct wusp_call *);
int	wusp_op_refresh_cache(struct wusp_call *);
int	wusp_op_get_extended_update_info(struct wusp_call *);
int	wusp_op_get_extended_update_info2(struct wusp_call *);
int	wusp_op_get_file_locations(struct wusp_call *);
int	wusp_op_report_event_batch(struct wusp_call *);

/* op_config.c: (re)read the client-visible configuration into svc->ccfg
 * when older than WUSP_CONFIG_TTL; moves LastChange when it changed. */
void	wusp_client_config_refresh(struct wusp_call *c);

#endif
