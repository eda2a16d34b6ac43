/*
 * service_internal.h — what the MS-WSUSSS upstream files share: the
 * service state, the per-call context, the operation table entry, the
 * helpers every operation uses (anchors, settings, sessions) and the
 * operations themselves.  The call, faults, the store and URLs are the
 * service host's (service/host.h).
 *
 * Not a public interface: only src/wsusss/service.c, common.c, session.c,
 * op_*.c and fuzz_entry.c include it.
 */
#ifndef WSUSD_WSUSSS_SERVICE_INTERNAL_H
#define WSUSD_WSUSSS_SERVICE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config.h"
#include "cookie/cookie.h"
#include "http/http_server.h"
#include "service/host.h"
#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap/soap_value.h"
#include "soap/xmlw.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/guid.h"
#include "wsusss/anchor.h"
#include "wsusss/answer_cache.h"
#include "wsusss/item_cache.h"
#include "wsusss/service.h"
#include "wsusss/snapshot.h"

#define WS_RESPONSE_MAX	(256u * 1024 * 1024)	/* largest answer built */
#define WS_FUTURE_SKEW	(24 * 3600)	/* anchor time accepted ahead of now */

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 16;				\
		(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));	\
	}								\
} while (0)

/*
 * The rate of GetAuthorizationCookie and GetCookie per client address: a
 * token bucket of WS_AUTH_BURST calls refilled at WS_AUTH_RATE a second,
 * in WS_AUTH_SLOTS buckets chosen by a hash of the address (addresses
 * that collide share one).  Over the rate: ServerBusy (docs/SECURITY.md).
 */
#define WS_AUTH_SLOTS	4096
#define WS_AUTH_BURST	120
#define WS_AUTH_RATE	2
struct ws_bucket {
	int64_t		 last;		/* unix s of the last refill */
	int32_t		 tokens;
	bool		 used;
};

/*
 * A downstream contact recorded in the store lately: the same contact
 * again within WS_TOUCH_INTERVAL seconds is not written again
 * (ws_touch_downstream), so a sync's hundreds of calls cost one store
 * write, not one each.
 */
#define WS_TOUCH_SLOTS		256
#define WS_TOUCH_INTERVAL	60	/* seconds */
struct ws_touch_slot {
	char		 id[GUID_STRLEN + 1];	/* "" free */
	uint64_t	 hash;		/* of every field written */
	int64_t		 at;		/* when written */
};

/* The protocol's service state: c->svc of every MS-WSUSSS call. */
struct wsusss_service {
	struct svc_host		*host;		/* borrowed */
	struct catalog_holder	*catalog;	/* borrowed: the daemon's, shared
						 * with MS-WUSP (snapshot.h) */
	pthread_mutex_t		 rate_mu;	/* guards rate */
	struct ws_bucket	 rate[WS_AUTH_SLOTS];
	struct item_cache	*items;		/* owned: finished GetUpdateData
						 * items (item_cache.h) */
	struct answer_cache	*answers;	/* owned: finished GetUpdateData
						 * answers (answer_cache.h) */
	size_t			 answer_per_rev; /* atomic: bytes per revision
						 * of the last answer built */
	pthread_mutex_t		 touch_mu;	/* guards touched[] */
	struct ws_touch_slot	 touched[WS_TOUCH_SLOTS];
};

/* Per call: c->proto of every MS-WSUSSS call. */
struct ws_call_state {
	struct wsusss_session_cookie sess;	/* after ws_session() */
	/* the downstream to record after success (ws_record_downstream) */
	bool			 touch, touch_replica, touch_synced;
	char			 touch_id[GUID_STRLEN + 1];
	char			 touch_name[COOKIE_ID_MAX + 1];
};

#define WS_SVC(c)	((struct wsusss_service *)(c)->svc)
#define WS(c)		((struct ws_call_state *)(c)->proto)

/* The two services (service.c); the fuzz entry point runs them too. */
extern const struct svc_def wsusss_defs[2];
/* The protocol state on host reading catalog (borrowed), without routes
 * (service.c). */
struct wsusss_service *wsusss_service_new(struct svc_host *host,
	    struct catalog_holder *catalog);

/* ---- service.c ---- */

/* The catalog at the current change counter, referenced (snap_release());
 * NULL + fault set. */
const struct catalog *ws_snap(struct svc_call *c, struct store *st);

/* ---- common.c: anchors, time, settings ---- */

/* An optional anchor element; absent/empty/nil: *has = false.  0 or -1. */
int	ws_read_anchor(struct svc_call *c, const struct soap_node *n,
	    const char *param, struct wsusss_anchor *a, bool *has,
	    int64_t cur_seq);
/* <name>anchor for seq, now</name> */
void	ws_write_anchor(struct svc_call *c, const char *name, int64_t seq);
void	ws_now_datetime(struct soap_datetime *dt);
/*
 * The settings of store/settings.h the operations read.  A stored value
 * the registry refuses is logged and gives the default.
 */
/* MaxNumberOfUpdatesPerRequest (SETTING_WSUSSS_BATCH, 1..BATCH_MAX). */
int	ws_batch(struct store *st);
/* May blobs be sent as cabinets?  (SETTING_WSUSSS_COMPRESS not "no") */
bool	ws_compress_ok(struct store *st);
/* The enabled languages ("en,de", "all"); NULL: none set.  Caller frees. */
char	*ws_languages(struct store *st);
/*
 * The allow-list: wsusd.conf first, else the setting; *list NULL or ""
 * when none (caller frees).  0, or -1 with err when the stored list is
 * one the registry refuses (the caller then refuses every peer).
 */
int	ws_allow_list(struct svc_call *c, struct store *st, char **list,
	    char *err, size_t errlen);

/* ---- session.c: sessions, allow-list, downstream records ---- */

/* Open the session cookie (child "cookie") into c->sess; 0 or -1. */
int	ws_session(struct svc_call *c);
/* The peer's numeric address into out ("" when unknown). */
void	ws_peer_addr(struct svc_call *c, char *out, size_t outlen);
/* The allow-list; 0 allowed, else fault ec set and -1. */
int	ws_check_allowed(struct svc_call *c, enum soap_error_code ec);
/* Take a token of the caller's address (GetAuthorizationCookie,
 * GetCookie); 0, or -1 with the ServerBusy fault. */
int	ws_rate_take(struct svc_call *c);
/* A known downstream's id under another account: fault, -1. */
int	ws_check_identity(struct svc_call *c, const uint8_t dss_id[16],
	    const char *account);
/* Remember the caller; recorded by ws_touch_downstream() on success. */
void	ws_record_downstream(struct svc_call *c, const uint8_t dss_id[16],
	    const char *name, bool replica);
void	ws_touch_downstream(struct svc_call *c);

/* ---- operations (op_*.c) ---- */

int	wsusss_op_get_auth_config(struct svc_call *);
int	wsusss_op_get_authorization_cookie(struct svc_call *);
int	wsusss_op_get_cookie(struct svc_call *);
int	wsusss_op_get_config_data(struct svc_call *);
int	wsusss_op_get_revision_id_list(struct svc_call *);
int	wsusss_op_get_update_data(struct svc_call *);
int	wsusss_op_get_related(struct svc_call *);
int	wsusss_op_get_deployments(struct svc_call *);
int	wsusss_op_download_files(struct svc_call *);
int	wsusss_op_ping(struct svc_call *);

/* ---- dsauth.c: downstream authentication (docs/SECURITY.md) ---- */

/*
 * Did the caller prove that it is downstream id (lower-case GUID) under
 * [server] downstream_auth and id's bindings?  0 yes; else fault ec set
 * and -1.
 */
int	ws_check_dsauth(struct svc_call *c, const char *id,
	    enum soap_error_code ec);
/* Keep those of the n ids the caller proves (rollup by address); 0, or
 * -1 with a fault on a store error. */
int	ws_dsauth_filter(struct svc_call *c, char (*ids)[GUID_STRLEN + 1],
	    size_t *n);

#endif
