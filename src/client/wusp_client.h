/*
 * wusp_client.h — the MS-WUSP client of wsus-client: HTTP transport of
 * SOAP calls (src/soapclient, one keep-alive connection per struct
 * wc_conn, the headers of the Windows Update Agent, xpress answers
 * decoded), latency
 * statistics per operation, optional recording of every exchange, and a
 * session (handshake state, cookies) that recovers from the faults the
 * protocol defines the way Windows does (wusp.md §5-6):
 *
 *   CookieExpired                  GetAuthorizationCookie + GetCookie
 *   ConfigChanged                  GetConfig + GetAuthorizationCookie + GetCookie
 *   InvalidCookie, ServerChanged   the same, and the caller must remap its
 *                                  revision ids (RefreshCache): WC_REMAP
 *   RegistrationRequired           RegisterComputer
 *   ServerBusy, InternalServerError  wait and retry
 *
 * A cookie whose clear-text Expiration has passed is renewed before it is
 * sent.  Not here: what the calls mean for the scan (scan.h).
 */
#ifndef WSUSD_CLIENT_WUSP_CLIENT_H
#define WSUSD_CLIENT_WUSP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "client/machine.h"
#include "client/wusp_msg.h"
#include "soap/soap.h"
#include "soapclient/soapclient.h"
#include "util/buf.h"

enum wc_op {
	WC_GET_CONFIG = 0,
	WC_GET_AUTH,
	WC_GET_COOKIE,
	WC_REGISTER,
	WC_START_CATEGORY,
	WC_SYNC,
	WC_SYNC_DRIVER,
	WC_GET_EXTENDED,
	WC_REFRESH,
	WC_REPORT,
	WC_DOWNLOAD,		/* one content file (all its pieces) */
	WC_SCAN,		/* a whole session */
	WC_NOPS,
};

const char *wc_op_name(enum wc_op);

/* Latency histogram: logarithmic buckets of 2^(1/16) from 1 µs. */
#define WC_HIST_BUCKETS	512
struct wc_hist {
	uint64_t	 count;
	double		 sum;		/* seconds */
	double		 max;
	uint32_t	 buckets[WC_HIST_BUCKETS];
};

struct wc_stats {
	struct wc_hist	 op[WC_NOPS];
	uint64_t	 faults[WC_NOPS];	/* SOAP faults received */
	uint64_t	 errors[WC_NOPS];	/* transport or protocol errors */
	uint64_t	 bytes_in, bytes_out;	/* bodies as on the wire */
	uint64_t	 recoveries;		/* faults recovered from */
};

void	wc_hist_add(struct wc_hist *, double seconds);
/* Quantile q (0..1) in seconds; 0 when empty. */
double	wc_hist_quantile(const struct wc_hist *, double q);
void	wc_stats_merge(struct wc_stats *dst, const struct wc_stats *src);

struct wc_opts {
	const char	*server;	/* "http://host:port", no trailing '/' */
	const char	*status_server;	/* reporting; NULL: server */
	bool		 insecure;	/* no TLS verification */
	const char	*cacert;	/* CA file or NULL */
	bool		 xpress;	/* send Accept-Encoding: xpress */
	long		 timeout;	/* seconds per call */
	const char	*record_dir;	/* NULL or where to record exchanges */
	const char	*user_agent;	/* NULL: the Windows Update Agent's */
	bool		 new_connection; /* close the connection after a session */
	int		 verbose;
};

#define WC_USER_AGENT	"Windows-Update-Agent/1507.2601.30012.0 Client-Protocol/2.90"

struct wc_conn {
	struct soapclient	 sc;		/* owned; the HTTP client: last
						 * answer as received, its
						 * Content-Encoding and status */
	const struct wc_opts	*o;		/* borrowed */
	struct wc_stats		*stats;		/* borrowed, may be NULL */
	struct buf		 decoded;	/* owned; answer after xpress */
	char			 cv[24];	/* MS-CV base */
	unsigned		 cvn;
};

int	wc_conn_init(struct wc_conn *, const struct wc_opts *,
	    struct wc_stats *, char *err, size_t errlen);
void	wc_conn_free(struct wc_conn *);
/* Drop the TCP connection (a new session starts on a new one). */
void	wc_conn_reset(struct wc_conn *);

/*
 * POST one SOAP body.  WMSG_OK: *resp holds the answer (caller frees);
 * WMSG_FAULT: *fault filled; WMSG_ERR: err says why.
 */
enum wmsg_rc wc_post(struct wc_conn *, enum wc_op, const char *url,
	    const char *action, const struct buf *body,
	    struct soap_request **resp, struct wmsg_fault *fault, char *err,
	    size_t errlen);

/* What wc_call() returns besides enum wmsg_rc. */
#define WC_REMAP	2	/* revision ids of this server changed */

struct wc_session {
	struct wc_conn		*conn;		/* borrowed */
	const struct wc_opts	*o;		/* borrowed */
	struct machine		*m;		/* borrowed */
	char			 client_id[GUID_STRLEN + 1];
	char			*client_url;	/* owned */
	char			*auth_url;	/* owned; from GetConfig */
	char			*report_url;	/* owned */
	char			*device_attributes; /* owned */
	char			*target_groups;	/* owned; ';'-joined or NULL */
	struct wmsg_config	 cfg;
	bool			 have_config;
	char			*plugin_id;	/* owned; auth cookie */
	char			*auth_data;	/* owned */
	struct wmsg_cookie	 cookie;
	bool			 registered;
	unsigned		 recoveries;	/* faults recovered */
	unsigned		 calls;		/* SOAP calls made */
	struct wmsg_fault	 last_fault;
};

void	wc_session_init(struct wc_session *, struct wc_conn *,
	    struct machine *, const char *client_id);
void	wc_session_free(struct wc_session *);

/* GetConfig, GetAuthorizationCookie, GetCookie, RegisterComputer. */
int	wc_handshake(struct wc_session *, char *err, size_t errlen);

/*
 * One call with recovery.  build(b, arg, s) writes the body (called again
 * for every attempt, so it sees a renewed cookie).  ids_in_body: the body
 * names revision ids, so after InvalidCookie / ServerChanged the caller
 * must remap them: the call then returns WC_REMAP after the new handshake.
 * Returns WMSG_OK (*resp set), WMSG_FAULT (unrecoverable; s->last_fault),
 * WMSG_ERR, or WC_REMAP.
 */
typedef int (*wc_build_fn)(struct buf *, void *arg, struct wc_session *);
int	wc_call(struct wc_session *, enum wc_op, const char *url,
	    const char *action, wc_build_fn build, void *arg, bool ids_in_body,
	    struct soap_request **resp, char *err, size_t errlen);

/* SOAPAction of a client-service operation (namespaces: soap/soap.h). */
#define WC_ACTION_CLIENT(op)	SOAP_NS_CLIENT "/" op
#define WC_ACTION_AUTH		SOAP_NS_SIMPLEAUTH "/GetAuthorizationCookie"
#define WC_ACTION_REPORT	SOAP_NS_SWDIST "/ReportEventBatch"

#endif
