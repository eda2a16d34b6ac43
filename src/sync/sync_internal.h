/*
 * sync_internal.h — what the files of the sync engine share: the session
 * of one run and the entry points of each step.  Not a public interface
 * (sync.h is): only src/sync includes it.
 *
 *   transport.c	the session over soapclient: calls, retries, faults,
 *			call counting, recording, request helpers
 *   auth.c		GetAuthConfig, GetAuthorizationCookie, GetCookie, renewal
 *   metadata.c		GetConfigData, GetRevisionIdList, GetUpdateData, import
 *   languages.c	language codes -> LCIDs for the Languages filter
 *   deployments.c	replica GetDeployments: groups, approvals, declines
 *   content.c		content files: HTTP GET (ranged, resumed), verify,
 *			publish; DownloadFiles for the upstream's 404s
 *   rollup.c		the rollup step (reporting web service)
 *   rollup_status.c	incremental status rollup (out of sync, deltas)
 *   state.c		every read and write of the sync state in the store
 *   sync.c		sync_run: the order of the steps
 */
#ifndef WSUSD_SYNC_SYNC_INTERNAL_H
#define WSUSD_SYNC_SYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "soapclient/soapclient.h"
#include "sync/sync.h"
#include "util/buf.h"
#include "util/guid.h"

#define NS_SS	SOAP_NS_SWDIST
#define NS_DSS	SOAP_NS_DSSAUTH
#define PATH_SS	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define PATH_REP "/ReportingWebService/ReportingWebService.asmx"
#define COOKIE_TEXT_MAX	8192
#define URL_MAX		1024
#define REQ_MAX		(64u * 1024 * 1024)
#define SYNC_LANGS_MAX	128	/* languages an upstream lists */
#define COOKIE_RENEW_SECS 300	/* renew a session cookie this long before it expires */

/* The session of one run. */
struct sess {
	struct soapclient	 sc;		/* owned; sync_transport_close() */
	bool			 sc_open;
	const struct sync_opts	*o;		/* borrowed */
	struct sync_result	*res;		/* borrowed */
	struct store		*st;		/* borrowed; NULL: load mode */
	char			 base[URL_MAX];
	char			 account[256];
	char			 account_guid[GUID_STRLEN + 1];
	char			 auth_plugin[64];
	char			*auth_data;		/* owned; CookieData */
	char			*ck_exp, *ck_data;	/* owned; session cookie */
	int			 batch;
	uint16_t		 up_major, up_minor;
	char			*err;			/* borrowed; the caller's */
	size_t			 errlen;
	char			 fault[64];		/* ErrorCode of the last fault */
	long			 http_status;		/* of the last call; 0 none */
	bool			 requests_only;		/* content step: only the files
							 * downstreams asked for
							 * (sync_content_run) */
	bool			 new_upstream;		/* anchors are another upstream's */
	int64_t			 ck_expires;		/* unix time; 0 unknown */
	int			 reauths;		/* renewals in this run */
	bool			 in_updates;		/* importing the update list
							 * (new/revised counts) */
	/* the upstream's languages (GetConfigData LanguageUpdateList) */
	struct {
		char	 code[17];
		int32_t	 lcid;
	}			 langs[SYNC_LANGS_MAX];
	size_t			 nlangs;
	bool			 catalog_only;		/* GetConfigData CatalogOnlySync:
							 * files come from their MUUrl */
	bool			 hosts_psf;		/* ServerHostsPsfFiles */
};

/* transport.c */
void	sync_seterr(struct sess *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	sync_transport_open(struct sess *);
void	sync_transport_close(struct sess *);
/*
 * POST req (a whole envelope) to path with SOAPAction "<ns>/<op>" and
 * parse the answer.  Faults are turned into an error with the ErrorCode
 * kept in s->fault.  *out must be freed with soap_request_free().
 */
int	sync_call(struct sess *, const char *path, const char *ns,
	    const char *op, const struct buf *req, struct soap_request **out);
/*
 * A Server Sync call that carries the session cookie: an envelope for
 * op with the cookie, then build(s, w, arg) writes the rest of the
 * operation's children (build NULL: none).  A cookie about to expire
 * is renewed first; on the fault InvalidCookie or CookieExpired the
 * session authenticates again (sync_renew) and the call, rebuilt with
 * the new cookie, is sent once more.  As sync_call otherwise.
 */
typedef void (*sync_build_fn)(struct sess *, struct xmlw *, void *arg);
int	sync_call_ss(struct sess *, const char *op, sync_build_fn build,
	    void *arg, struct soap_request **out);
void	sync_req_begin(struct xmlw *, struct buf *, const char *ns,
	    const char *op);
int	sync_req_end(struct sess *, struct xmlw *);
void	sync_put_cookie(struct sess *, struct xmlw *);
void	sync_put_dummy_cookie(struct xmlw *);
const struct soap_node *sync_result_of(const struct soap_request *,
	    const char *op);
char	*sync_sdup(const char *);

/* auth.c */
int	sync_auth(struct sess *);
int	sync_renew(struct sess *);

/* metadata.c */
int	sync_config(struct sess *);
int	sync_metadata(struct sess *);

/* languages.c: the LCIDs of language codes (the upstream's list first,
 * then the languages every WSUS offers). */
void	sync_languages_learn(struct sess *, const struct soap_node *list);
int	sync_language_lcid(const struct sess *, const char *code,
	    int32_t *lcid);

/* deployments.c */
int	sync_deployments(struct sess *);
/* Apply a GetDeployments result (res: its GetDeploymentsResult, na: its
 * Anchor) to s->st in one store transaction; 0 or -1 (nothing changed). */
int	sync_deployments_apply_answer(struct sess *,
	    const struct soap_node *res, const char *na);
/* Tests only: called after each approval applied (1, 2, ...), inside the
 * open transaction; NULL in the product. */
extern void (*sync_deployments_hook)(size_t applied);
/* GUIDs of the updates an approval filter selects (APPROVAL_FILTER_*). */
struct sync_idlist {
	char	(*v)[GUID_STRLEN + 1];	/* owned; free(v) */
	size_t	 n, cap;
};
void	sync_list_updates(struct sess *, int approval, struct sync_idlist *);

/* content.c: download the files of the content policy. */
int	sync_content(struct sess *);

/* rollup.c */
int	sync_rollup(struct sess *);

/* rollup_status.c: incremental status rollup of our own computers. */
struct sync_status_rows {
	struct store_rollup_sent *v;	/* owned */
	size_t	 n, cap;
};
void	sync_status_rows_free(struct sync_status_rows *);
/* GetOutOfSyncComputers for cids (n, in batches): full[i] set for each
 * one the upstream lists.  0 or -1. */
int	sync_rollup_out_of_sync(struct sess *, const char *const *cids,
	    size_t n, int64_t number, size_t batch, bool *full);
/* One ComputerStatusRollupInfo of our computer cid: every state when
 * full (or when it must be, see the file), else only those changed
 * since they were last rolled up; *cur gets its current states (saved
 * with sync_rollup_sent_save once the upstream took them).  Whether it
 * went in full. */
bool	sync_rollup_put_own(struct sess *, struct xmlw *, const char *instance,
	    const char *cid, const char *dns, int64_t detection,
	    int64_t number, bool full, struct sync_status_rows *cur);
int	sync_rollup_sent_save(struct sess *, const char *cid,
	    const struct sync_status_rows *cur);

/*
 * state.c — the only code that reads or writes sync state (anchors,
 * identity, replica deployments, rollup numbers), through the typed
 * sync-state operations of the store (store/sync_state.h).  Getters
 * return NULL (or 0) in load mode and for absent values; the caller
 * frees strings.  An anchor is promoted only after its whole phase
 * committed.
 */
enum sync_anchor {
	SYNC_ANCHOR_CONFIG = 0,		/* GetConfigData NewConfigAnchor */
	SYNC_ANCHOR_CATEGORY,		/* GetRevisionIdList GetConfig=true */
	SYNC_ANCHOR_UPDATE,		/* GetRevisionIdList GetConfig=false */
	SYNC_ANCHOR_DEPLOYMENT,		/* GetDeployments */
};
int	sync_state_identity(struct sess *);
int	sync_state_adopt_upstream(struct sess *);
void	sync_state_reset_anchors(struct sess *);
char	*sync_state_anchor(struct sess *, enum sync_anchor);
int	sync_state_promote_anchor(struct sess *, enum sync_anchor,
	    const char *);
char	*sync_state_filter(struct sess *);
/* The update anchor and the filter it was taken with, together. */
int	sync_state_promote_updates(struct sess *, const char *anchor,
	    const char *filter);
/* Replica deployment rows (store/sync_state.h), in a growing array. */
struct sync_depl_list {
	struct store_sync_deployment *v;	/* owned; sync_depl_list_free() */
	size_t	 n, cap;
};
void	sync_depl_list_add(struct sync_depl_list *, const char *deployment,
	    const char *update_id, const char *group);
void	sync_depl_list_free(struct sync_depl_list *);
/* Every row a replica applied, oldest first (none in load mode). */
int	sync_state_deployments_load(struct sess *, struct sync_depl_list *);
/*
 * One GetDeployments answer, in one transaction: the rows of remove
 * (by deployment GUID) go, those of add are added or replaced, and the
 * deployment anchor becomes anchor.
 */
int	sync_state_deployments_apply(struct sess *, const char *anchor,
	    const struct sync_depl_list *remove,
	    const struct sync_depl_list *add);
void	sync_state_rollup_load(struct sess *, const char *reset_guid,
	    int64_t *number, int64_t *last_sync);
int	sync_state_rollup_save(struct sess *, int64_t number,
	    const char *reset_guid);
void	sync_state_mark_synced(struct sess *, int64_t when);
/* Record that this server is a replica of url (NULL: autonomous). */
int	sync_state_replica(struct sess *, const char *url);

#endif
