/*
 * sync_state.h — the sync-state domain of the store: what a downstream
 * server (src/sync) keeps between runs against its upstream — the
 * upstream URL, our account GUID, one anchor per phase, the last
 * product/classification filter, the deployments a replica applied, the
 * rollup number and reset GUID, and the time of the last success.
 *
 * Not the synced content itself (updates, groups and approvals are in
 * their own domains) and not the upstream side (store/rollup.h).
 *
 * Before this domain the state was kept as sync_* settings; migration 4
 * moves those into the tables sync_state (one row) and sync_deployments
 * (one row per replica deployment, no size cap) and deletes them.
 *
 * Each anchor is promoted with its phase: sync_anchor_set() after the
 * phase's data is stored (the update anchor in the same transaction as
 * its filter), and the deployment anchor only by
 * sync_deployments_apply(), in the same transaction as the deployment
 * rows of that GetDeployments answer.
 *
 * Operations: the X-macro list STORE_OPS_SYNC_STATE below (store/core.h
 * says how it is expanded).
 */
#ifndef WSUSD_STORE_SYNC_STATE_H
#define WSUSD_STORE_SYNC_STATE_H

#include "store/core.h"

/* The phases of a sync run that keep an anchor. */
enum store_sync_phase {
	SYNC_PHASE_CONFIG = 0,		/* GetConfigData: NewConfigAnchor */
	SYNC_PHASE_CATEGORY = 1,	/* GetRevisionIdList, GetConfig=true */
	SYNC_PHASE_UPDATE = 2,		/* GetRevisionIdList, GetConfig=false */
	SYNC_PHASE_DEPLOYMENT = 3,	/* GetDeployments (replica) */
};
#define SYNC_PHASE_COUNT		4

#define STORE_SYNC_ANCHOR_MAX		256	/* bytes of an anchor */
#define STORE_SYNC_URL_MAX		4096	/* bytes of the upstream URL */
#define STORE_SYNC_FILTER_MAX		(1024 * 1024)	/* bytes of a filter */
#define STORE_SYNC_RESET_MAX		64	/* bytes of a rollup reset GUID */
/* Rows added plus removed by one sync_deployments_apply call. */
#define STORE_SYNC_DEPLOYMENTS_MAX	1000000

/* The whole state.  Strings are NULL when unset; free with
 * store_sync_state_free(). */
struct store_sync_state {
	char	   *upstream;		/* URL the anchors belong to */
	char	   *account;		/* our accountGuid / ServerId */
	char	   *anchor[SYNC_PHASE_COUNT];	/* by enum store_sync_phase */
	char	   *filter;		/* ids of the last update filter */
	int64_t	    rollup_number;	/* last rollup number sent, 0 none */
	char	   *rollup_reset;	/* RollupResetGuid it belongs to */
	int64_t	    last_success;	/* unix time, 0 never */
	size_t	    deployments;	/* replica deployment rows */
	char	   *replica_of;		/* upstream URL we are a replica of */
};

/* Free the strings of a state (not s itself); s is zeroed. */
void	store_sync_state_free(struct store_sync_state *s);

/* One deployment a replica applied: lower-case GUIDs. */
struct store_sync_deployment {
	char	    deployment[GUID_STRLEN + 1];	/* upstream DeploymentGuid */
	char	    update_id[GUID_STRLEN + 1];
	char	    group[GUID_STRLEN + 1];		/* upstream TargetGroupId */
};

/*
 * One GetDeployments answer, applied whole: remove the rows named in
 * remove (upstream DeploymentGuids; unknown ones are ignored), then add
 * (or replace, by DeploymentGuid) the rows of add, then set the
 * deployment anchor.  nremove + nadd <= STORE_SYNC_DEPLOYMENTS_MAX.
 */
struct store_sync_deployments_change {
	const char *anchor;		/* the answer's Anchor; required */
	const char *const *remove;
	size_t	    nremove;
	const struct store_sync_deployment *add;
	size_t	    nadd;
};

typedef int (*store_sync_deployment_cb)(const struct store_sync_deployment *,
    void *arg);

/*
 * sync_state_get: the whole state (*s zeroed first).
 * sync_account_set: our account GUID (INVALID unless a GUID).
 * sync_upstream_adopt: the anchors now belong to url: set it and forget,
 *   in one transaction, every anchor, the filter, the deployment rows and
 *   the rollup number and reset GUID (not the account nor last success).
 * sync_anchor_set: the anchor of phase (NULL or "": none); filter, when
 *   not NULL, is stored in the same transaction (SYNC_PHASE_UPDATE only).
 *   A deployment anchor can only be cleared here (INVALID otherwise):
 *   sync_deployments_apply promotes it.
 * sync_anchors_reset: forget the four anchors (ServerChanged); the
 *   deployment rows and the filter stay.
 * sync_deployments_apply: see struct store_sync_deployments_change; one
 *   transaction (INVALID, nothing changed, for a bad GUID or anchor).
 * sync_deployments_list: every row, in the order they were first added.
 * sync_rollup_set: the rollup number and its reset GUID, together.
 * sync_last_set: time of the last successful run.
 * sync_replica_set: this server is a replica of url (NULL or "": it is
 *   not); a replica sync sets it in the transaction of its deployments.
 */
#define STORE_OPS_SYNC_STATE(X, p)					\
	X(p, sync_state_get, (struct store *st,			\
	    struct store_sync_state *s), (st, s))			\
	X(p, sync_account_set, (struct store *st, const char *guid),	\
	    (st, guid))							\
	X(p, sync_upstream_adopt, (struct store *st, const char *url),	\
	    (st, url))							\
	X(p, sync_anchor_set, (struct store *st,			\
	    enum store_sync_phase phase, const char *anchor,		\
	    const char *filter), (st, phase, anchor, filter))		\
	X(p, sync_anchors_reset, (struct store *st), (st))		\
	X(p, sync_deployments_apply, (struct store *st,		\
	    const struct store_sync_deployments_change *c), (st, c))	\
	X(p, sync_deployments_list, (struct store *st,			\
	    store_sync_deployment_cb cb, void *arg), (st, cb, arg))	\
	X(p, sync_rollup_set, (struct store *st, int64_t number,	\
	    const char *reset), (st, number, reset))			\
	X(p, sync_last_set, (struct store *st, int64_t when), (st, when)) \
	X(p, sync_replica_set, (struct store *st, const char *url),	\
	    (st, url))

struct store_sync_state_ops {
	STORE_OPS_SYNC_STATE(STORE_OP_MEMBER, _)
};
STORE_OPS_SYNC_STATE(STORE_OP_WRAPPER, sync_state)

#endif
