/*
 * service_internal.h — what the MS-WUSP files share (service.c, helpers.c,
 * op_config.c, op_auth.c, op_sync.c, op_extended.c, op_report.c): the
 * protocol's service state (c->svc), its per-call state (c->proto), the
 * protocol helpers (session cookies, ticks, arrays) and the operations.
 * The call itself, faults, the store and URLs are the service host's
 * (service/host.h).
 *
 * Not a public interface: only src/wusp/service.c, helpers.c and op_*.c
 * include it.
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
#include "cookie/cookie.h"
#include "service/host.h"
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
/* SyncUpdates array and SystemSpec bounds: sync_updates.h (SYNC_MAX_*). */
#define WUSP_MAX_CATEGORY_SCAN	200	/* StartCategoryScan: WSUS 3.0 SP2 rejects >= 200 */
#define WUSP_MAX_FILE_DIGESTS	1000	/* GetFileLocations */
#define WUSP_MAX_LOCALES	32	/* GetExtendedUpdateInfo locales */
#define WUSP_RESPONSE_MAX	(64u * 1024 * 1024)	/* largest answer built */
#define WUSP_CONFIG_TTL		1	/* s between re-reads of client settings */

/* The service's setting, SETTING_CLIENT_CONFIG, is in store/settings.h. */

enum wusp_svc_kind {
	WUSP_SVC_CLIENT = 0,		/* WCF style */
	WUSP_SVC_SIMPLEAUTH = 1,	/* ASMX style */
	WUSP_SVC_REPORTING = 2,		/* ASMX style */
};
#define WUSP_SVC_COUNT	3

/* What clients see of the configuration (GetConfig, ConfigChanged). */
struct wusp_client_config {
	int64_t		 last_change;	/* 100 ns ticks since 1970 (cookie units) */
	bool		 client_targeting; /* targeting mode: client-side */
	char		 package_share[300]; /* \\NAME\UpdateServicesPackages */
};

struct catalog_holder;

/* The protocol's service state: c->svc of every MS-WUSP call. */
struct wusp_service {
	struct svc_host		*host;		/* borrowed */
	pthread_mutex_t		 lock;		/* ccfg, ccfg_read */
	struct wusp_client_config ccfg;		/* guarded by lock */
	time_t			 ccfg_read;	/* when ccfg was refreshed */
	struct catalog_holder	*catalog;	/* borrowed: the daemon's, shared
						 * with MS-WSUSSS */
	struct svc_def		 defs[WUSP_SVC_COUNT];
};

/* Per call: c->proto of every MS-WUSP call. */
struct wusp_call_state {
	struct wusp_client_config ccfg;		/* snapshot for this call */
};

#define WUSP_SVC(c)	((struct wusp_service *)(c)->svc)
#define WUSP_CALL(c)	((struct wusp_call_state *)(c)->proto)

/* ---- helpers.c ---- */

/*
 * Open the session cookie in node n (a Cookie: Expiration,
 * EncryptedData).  On success 0; else the matching fault is set and -1.
 */
int	wusp_open_session(struct svc_call *c, const struct soap_node *n,
	    struct wusp_session_cookie *out);
/* Write <name><Expiration/><EncryptedData/></name> for s. */
int	wusp_write_session(struct svc_call *c, const char *name,
	    const struct wusp_session_cookie *s);

/*
 * Read an ArrayOfInt/ArrayOfGuid-style node: every child named item
 * (parent's namespace) as int32 into a malloc'd array (*out, caller
 * frees; NULL when empty).  More than max items or a bad value sets
 * InvalidParameters naming param and returns -1.  Absent, empty and
 * xsi:nil arrays give 0 items.
 */
int	wusp_int_array(struct svc_call *c, const struct soap_node *arr,
	    const char *item, size_t max, const char *param, int32_t **out,
	    size_t *n);

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
const struct catalog *wusp_catalog(struct svc_call *c, const char *client_id,
	    struct catalog_groups *groups, int64_t *registered);
/* <Deployment> of an UpdateInfo / RefreshCacheResult for this client. */
void	wusp_write_deployment(struct svc_call *c,
	    const struct catalog_deployment *d, const char *hardware_id,
	    const struct wusp_session_cookie *s);
/* Client protocol version (from the session cookie) >= major.minor. */
bool	wusp_client_at_least(const struct wusp_session_cookie *s,
	    unsigned major, unsigned minor);

/* ---- operation tables (op_*.c) ---- */

int	wusp_op_get_config(struct svc_call *);
int	wusp_op_get_authorization_cookie(struct svc_call *);
int	wusp_op_get_cookie(struct svc_call *);
int	wusp_op_register_computer(struct svc_call *);
int	wusp_op_start_category_scan(struct svc_call *);
int	wusp_op_sync_updates(struct svc_call *);
int	wusp_op_sync_printer_catalog(struct svc_call *);
int	wusp_op_refresh_cache(struct svc_call *);
int	wusp_op_get_extended_update_info(struct svc_call *);
int	wusp_op_get_extended_update_info2(struct svc_call *);
int	wusp_op_get_file_locations(struct svc_call *);
int	wusp_op_report_event_batch(struct svc_call *);

/* op_config.c: (re)read the client-visible configuration into svc->ccfg
 * when older than WUSP_CONFIG_TTL; moves LastChange when it changed. */
void	wusp_client_config_refresh(struct svc_call *c);

#endif
