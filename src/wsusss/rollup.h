/*
 * rollup.h — the upstream side of MS-WSUSSS status rollup: the five
 * server-to-server operations of the reporting web service
 * (/ReportingWebService/ReportingWebService.asmx, beside the clients'
 * ReportEventBatch): GetRollupConfiguration, RollupDownstreamServers,
 * RollupComputers, GetOutOfSyncComputers, RollupComputerStatus
 * (wsusss.md §6.12, §11).  Storage: the downstream/rollup section of
 * store.h (migration 3).  Rules and deliberate choices: docs/ROLLUP.md.
 *
 * Two layers:
 *  - rollup_parse(): the bounded, validating parser of one request's
 *    operation element into store structs (what fuzz/rollup.c drives);
 *    no store, no I/O.  Any bad value refuses the whole request.
 *  - wsusss_rollup_ops[]: the operation handlers on the service host
 *    (service/host.h), which the daemon adds to the reporting service's
 *    table (src/daemon/services.c); they parse, apply through the store
 *    (one transaction each) and answer.
 *
 * The downstream registry itself (store_downstream_touch, called by
 * src/wsusss/session.c for GetCookie and every call with a session
 * cookie) is a store operation; see store.h.  Every operation first
 * passes rollup_authorize() (rollup_auth.c).
 */
#ifndef WSUSD_WSUSSS_ROLLUP_H
#define WSUSD_WSUSSS_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/host.h"
#include "soap/soap_request.h"
#include "store/store.h"

/* Clock skew beyond which incoming times are shifted (Windows <50>). */
#define ROLLUP_SKEW_MAX	60
/* Bounds of the strings (WSDL notes; longer values refuse the request). */
#define ROLLUP_NAME_MAX		255	/* FullDomainName */
#define ROLLUP_VERSION_MAX	32	/* DownstreamServerRollupInfo.Version */
#define ROLLUP_STR_MAX		256	/* any other string */
#define ROLLUP_GROUPS_MAX	64	/* RequestedTargetGroupNames per computer */
#define ROLLUP_CLIENTS_MAX	5000	/* ClientSummaries per server entry */
#define ROLLUP_ACTIVITY_MAX	100000	/* ActivitySummaries per request */

enum rollup_op {
	ROLLUP_OP_CONFIGURATION = 0,
	ROLLUP_OP_SERVERS,
	ROLLUP_OP_COMPUTERS,
	ROLLUP_OP_OUT_OF_SYNC,
	ROLLUP_OP_STATUS,
};

/* A parsed request.  Strings point into the soap request (keep it alive)
 * or into buffers owned here; free with rollup_request_free(). */
struct rollup_request {
	enum rollup_op	 op;
	bool		 has_client_time;
	int64_t		 client_time;	/* unix */
	char		 parent_id[GUID_STRLEN + 1];	/* parentServerId; "" = zero GUID */

	struct store_rollup_server *servers;
	size_t		 nservers;
	struct store_rollup_computer_in *computers;
	size_t		 ncomputers;
	struct store_rollup_number *numbers;
	size_t		 nnumbers;
	struct store_rollup_status_in *status;
	size_t		 nstatus;

	/* owned storage behind the arrays above */
	struct store_rollup_client_summary *clients_mem;
	struct store_rollup_activity *activity_mem;
	struct store_rollup_update_state *states_mem;
	char		*strings_mem;	/* joined group names */

	/* on refusal: the parameter named in the fault, and why */
	char		 param[48];
	char		 message[160];
};

/* Operation of a local element name; -1 when not a rollup operation. */
int	rollup_op_from_name(const char *name);
/*
 * Parse the operation element of a rollup request (the SOAP Body's
 * child).  0 with *r filled, or -1 with r->param and r->message set
 * (nothing to apply).  Either way call rollup_request_free() after.
 * Bounds: the ROLLUP_*_MAX of store.h and above.
 */
int	rollup_parse(enum rollup_op op, const struct soap_node *body,
	    struct rollup_request *r);
void	rollup_request_free(struct rollup_request *r);
/*
 * Shift every incoming time by (now - client_time) when they differ by
 * more than ROLLUP_SKEW_MAX seconds (Windows <50>); no-op without a
 * clientTime.
 */
void	rollup_adjust_times(struct rollup_request *r, int64_t now);

/*
 * Authorization (rollup_auth.c, docs/ROLLUP.md "Authorization"): the
 * downstreams a rollup call may speak for — the one of a real session
 * cookie in the request, else the direct downstreams whose last
 * authenticated server-sync call came from the caller's address within
 * the session lifetime (at most ROLLUP_CALLERS_MAX behind one address:
 * 256, so that 20 sites behind one NAT address, or a benchmark of 20
 * replicas on one machine, all roll up; 16 refused the 17th and later).
 */
#define ROLLUP_CALLERS_MAX	256
struct rollup_caller {
	size_t	n;
	char	ids[ROLLUP_CALLERS_MAX][GUID_STRLEN + 1];
};
/* Allow-list and session; 0 with *who filled, or -1 with the fault set
 * (InvalidCookie: not allowed, no session, a cookie that does not open). */
int	rollup_authorize(struct svc_call *c, struct store *st,
	    struct rollup_caller *who);
/* RollupDownstreamServers: every entry with this server as parent is a
 * caller; every known server and parent is of a caller's branch.  0, or
 * -1 with InvalidParameters ServerId / ParentServerId (or a store fault). */
int	rollup_check_servers(struct svc_call *c, struct store *st,
	    const struct rollup_caller *who,
	    const struct store_rollup_server *s, size_t n);
/* A known parent (site) must be of a caller's branch; "" and unknown
 * ids pass (the store owns nothing under them).  0, or -1 with
 * InvalidParameters param (or a store fault). */
int	rollup_check_parent(struct svc_call *c, struct store *st,
	    const struct rollup_caller *who, const char *parent,
	    const char *param);

/*
 * The five operations for the service host, NULL-name terminated, in the
 * reporting service's namespace (the table's: ns NULL).
 */
struct svc_op;
extern const struct svc_op wsusss_rollup_ops[];

#endif
