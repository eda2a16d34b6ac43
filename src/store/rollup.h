/*
 * rollup.h — the rollup domain of the store: downstream servers and the
 * computers and update states they roll up (the upstream side of
 * MS-WSUSSS rollup, wsusss.md §6.12, §11; docs/ROLLUP.md).  Not this
 * server's own computers (store/computers.h) nor the downstream side of
 * a sync (store/sync_state.h).
 *
 * Operations: the X-macro list STORE_OPS_ROLLUP below (store/core.h says
 * how it is expanded).
 */
#ifndef WSUSD_STORE_ROLLUP_H
#define WSUSD_STORE_ROLLUP_H

#include "store/reporting.h"

/* ==== downstream servers and status rollup (rollup engineer) ====
 * The upstream side of MS-WSUSSS rollup (wsusss.md §6.12, §11;
 * docs/ROLLUP.md).  Rolled-up computers and their update states live in
 * tables of their own (migration 3), apart from this server's own
 * computers; a computer is owned by exactly one downstream server (its
 * "site").  Server ids are lower-case GUID text; "" or the all-zero GUID
 * means this server. */

/* Settings (store_setting_get/set). */
/* Batch limits this upstream advertises and enforces (Windows values). */
#define ROLLUP_SERVERS_MAX	5000	/* client summaries per RollupDownstreamServers */
#define ROLLUP_COMPUTERS_MAX	1500	/* RollupComputers */
#define ROLLUP_OUTOFSYNC_MAX	20000	/* GetOutOfSyncComputers */
#define ROLLUP_STATUS_MAX	500	/* computers per RollupComputerStatus */
#define ROLLUP_UPDATES_MAX	100000	/* update states per computer */
#define ROLLUP_SUMMARY_FIELDS	18	/* DownstreamServerRollupServerSummary ints */
/* The element names of those ints, in WSDL order (the order of
 * store_downstream.summary): the sync engine writes them, wsusss reads
 * them. */
extern const char *const rollup_summary_names[ROLLUP_SUMMARY_FIELDS];

/* Direct downstreams that completed a session but never synced nor
 * rolled up ("pending"): dropped after this idle time, at most this many
 * kept (store_downstream_touch). */
#define DS_PENDING_AGE		(24 * 3600)
#define DS_PENDING_MAX		1000

enum downstream_mode {
	DOWNSTREAM_MODE_UNKNOWN = -1,	/* keep what is stored */
	DOWNSTREAM_AUTONOMOUS = 0,
	DOWNSTREAM_REPLICA = 1,
};

/* A server-sync call of a downstream (src/wsusss/service.c). */
struct store_downstream_contact {
	char	    server_id[GUID_STRLEN + 1];	/* the DSS GUID from its cookie */
	const char *name;		/* account/host name; NULL = keep */
	const char *protocol;		/* "1.20"; NULL = keep */
	enum downstream_mode mode;	/* REPLICA when it calls GetDeployments */
	const char *address;		/* peer address; NULL = keep */
	bool	    synced;		/* counts as a sync (last_sync = now) */
};

/* One downstream server, for listings.  Times unix seconds, 0 = never. */
struct store_downstream {
	int64_t	    id;			/* local id */
	char	    server_id[GUID_STRLEN + 1];
	char	    parent_id[GUID_STRLEN + 1];	/* "" = this server (direct child) */
	const char *name;		/* FullDomainName or account; may be "" */
	const char *version;		/* product version rolled up ("10.0.x"); may be "" */
	const char *protocol;		/* protocol version of its cookie; may be "" */
	const char *address;		/* last peer address; may be "" */
	enum downstream_mode mode;	/* UNKNOWN until seen */
	int	    depth;		/* 1 = direct child */
	int64_t	    first_seen, last_contact, last_sync, last_rollup;
	int64_t	    computers;		/* rolled-up computers it owns */
	int64_t	    client_summaries;	/* sum of ClientSummaries Count */
	bool	    has_summary;
	int32_t	    summary[ROLLUP_SUMMARY_FIELDS];	/* ServerSummary, WSDL order */
};

/* RollupDownstreamServers: one DownstreamServerRollupInfo, validated. */
struct store_rollup_activity {
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;
	int32_t	    success, failure;	/* Install{Success,Failure}Count */
};
struct store_rollup_client_summary {
	int32_t	    os_major, os_minor, os_build, sp_major, sp_minor;
	const char *os_locale;		/* may be NULL */
	const char *processor_arch;	/* may be NULL */
	int32_t	    suite_mask, old_product_type, new_product_type, system_metrics;
	int32_t	    count;
	const struct store_rollup_activity *activity;
	size_t	    nactivity;
};
struct store_rollup_server {
	char	    server_id[GUID_STRLEN + 1];
	char	    parent_id[GUID_STRLEN + 1];	/* "" = this server */
	const char *name;		/* FullDomainName */
	const char *version;
	bool	    is_replica;
	int64_t	    last_sync, last_rollup;	/* unix; 0 = 1753-01-01 (never) */
	int32_t	    summary[ROLLUP_SUMMARY_FIELDS];
	const struct store_rollup_client_summary *clients;
	size_t	    nclients;
};

/* RollupComputers: one ComputerRollupInfo, validated. */
struct store_rollup_computer_in {
	char	    computer_id[GUID_STRLEN + 1];	/* lower-case; SusClientIds are GUIDs */
	char	    parent_id[GUID_STRLEN + 1];	/* owning downstream server */
	int64_t	    last_sync;		/* unix, 0 never */
	int32_t	    last_sync_result;	/* 0 unknown, 1 succeeded, 2 failed */
	int64_t	    last_reboot, last_status, last_inventory;
	bool	    has_details;
	/* Details (has_details); strings may be NULL */
	const char *ip_address, *dns_name, *os_locale, *os_family, *os_description;
	const char *make, *model, *bios_version, *bios_name, *processor_arch;
	const char *client_version;
	int32_t	    os_major, os_minor, os_build, sp_major, sp_minor;
	int32_t	    suite_mask, old_product_type, new_product_type, system_metrics;
	int64_t	    bios_release_date;
	const char *groups;		/* RequestedTargetGroupNames, "; "-joined; may be NULL */
};
enum rollup_change {
	ROLLUP_CHANGE_NONE = 0,
	ROLLUP_CHANGE_NEW_PARENT = 1,	/* answer NewParent: resend with Details */
	ROLLUP_CHANGE_DELETED = 2,	/* answer Deleted */
};
struct store_rollup_computers_result {
	size_t	    stored, moved, stale, refused;
	/* per input computer, an enum rollup_change (caller's array, n long) */
	uint8_t	   *changes;
};

/* RollupComputerStatus: one ComputerStatusRollupInfo, validated. */
struct store_rollup_update_state {
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    state;		/* SummarizationState 0..6 (enum update_state) */
	int64_t	    last_change;	/* unix */
};
struct store_rollup_status_in {
	char	    computer_id[GUID_STRLEN + 1];
	int64_t	    detection_time;	/* EffectiveLastDetectionTime */
	int32_t	    rollup_number;	/* >= 1 */
	bool	    full;		/* IsFullRollup */
	const struct store_rollup_update_state *states;
	size_t	    nstates;
};
struct store_rollup_status_result {
	size_t	    applied, duplicates, unknown, foreign, states;
};

/* GetOutOfSyncComputers: one ComputerLastRollupNumber. */
struct store_rollup_number {
	char	    computer_id[GUID_STRLEN + 1];
	int32_t	    rollup_number;
};

/* A rolled-up computer, for listings. */
struct store_rollup_computer {
	int64_t	    id;
	char	    computer_id[GUID_STRLEN + 1];
	char	    site_id[GUID_STRLEN + 1];	/* owning downstream server */
	const char *site_name;		/* may be "" */
	const char *dns_name, *ip_address, *os_description;	/* may be "" */
	int64_t	    last_sync, last_status, received;	/* unix, 0 never */
	int32_t	    rollup_number;	/* last status rollup applied, 0 none */
	int	    counts[UPDATE_STATE_COUNT];	/* updates per rolled-up state */
};

typedef int (*store_downstream_cb)(const struct store_downstream *, void *arg);
typedef int (*store_rollup_computer_cb)(const struct store_rollup_computer *, void *arg);
typedef int (*store_rollup_id_cb)(const char *computer_id, void *arg);

/*
 * What a downstream server is bound to (migration 7; wsusctl downstream
 * trust/credential/revoke; docs/SECURITY.md "Downstream authentication"):
 * the SHA-256 fingerprint of its client certificate and the hash of its
 * secret (src/wsusss/dsauth.h).  Keyed by the downstream's GUID, which
 * need not be in the registry yet.  A fingerprint is bound to at most one
 * downstream.
 */
#define DS_CERT_HEX_LEN		64
#define DS_SECRET_HASH_MAX	255
struct store_downstream_auth {
	char	    server_id[GUID_STRLEN + 1];
	char	    cert_sha256[DS_CERT_HEX_LEN + 1];	/* lower-case hex; "" none */
	char	    secret_hash[DS_SECRET_HASH_MAX + 1];	/* "" none */
	int64_t	    updated;		/* unix s of the last change */
};
typedef int (*store_downstream_auth_cb)(const struct store_downstream_auth *,
    void *arg);
/* rollup_forward: one rolled-up computer as received (parent_id: the
 * downstream server that owns it), its EffectiveLastDetectionTime and
 * its update states; everything valid during the call only. */
typedef int (*store_rollup_forward_cb)(const struct store_rollup_computer_in *c,
    int64_t detection_time, const struct store_rollup_update_state *states,
    size_t nstates, void *arg);
/* rollup_client_summaries: one client summary as received (no
 * activity); strings valid during the call only. */
typedef int (*store_rollup_client_cb)(
    const struct store_rollup_client_summary *c, void *arg);
/* rollup_activity: one row of install activity a downstream server
 * rolled up and we have not passed on yet. */
typedef int (*store_rollup_activity_cb)(const struct store_rollup_activity *a,
    void *arg);
/* ==== end of the downstream/rollup types ==== */

/*
 * downstream_touch: record a server-sync call: create the downstream if
 * new (direct child of this server), update protocol/mode/address when
 * given, the name only while it has none, last contact (and last sync
 * when c->synced); then drop pending downstreams idle for DS_PENDING_AGE
 * and all but the DS_PENDING_MAX most recently seen.  INVALID for
 * a bad id or over-long strings.  downstream_list: parents before
 * children.  downstream_find: by server id, local id ("#3") or name (any
 * case); NOTFOUND, INVALID when the name is ambiguous.
 * downstream_remove: it, its descendants, their computers and states;
 * *n servers.
 * downstream_sessions: the direct downstreams whose last authenticated
 * server-sync call (downstream_touch) came from address at or after
 * since; cb gets each server id.  downstream_root: the direct downstream
 * at the top of server_id's branch (server_id itself when direct) into
 * root; NOTFOUND when server_id is unknown (rollup authorization,
 * src/wsusss/rollup_auth.c).
 *
 * rollup_servers (RollupDownstreamServers), one transaction: every
 * parent_id must be "" (this server), a known downstream or an earlier
 * entry of the call, else NOTFOUND and nothing changes.  Insert new
 * servers; update known ones unless their stored last_rollup is newer;
 * add the activity counts.
 *
 * rollup_computers (RollupComputers), one transaction: every parent_id
 * must be a known downstream (else NOTFOUND, nothing changes).
 * Computers registered with this server itself are refused (ignored).
 * Upsert unless the stored last_sync is newer (stale); a new parent
 * moves the computer to that site (its states go with it).
 * res->changes[i] tells what to answer for input i.
 *
 * rollup_out_of_sync (GetOutOfSyncComputers): the ids among nums owned
 * by parent_id or its descendants whose stored rollup number differs
 * (unknown parent: none).  Order of nums.
 *
 * rollup_status (RollupComputerStatus), one transaction: for each known
 * computer owned by parent_id or its descendants, apply unless the
 * number is not newer than the stored one (duplicate); full: replace all
 * its states; delta: upsert unless the stored change is newer.
 *
 * rollup_computer_list: rolled-up computers of a site and its
 * descendants (site NULL: all).  rollup_compliance: per-update counts
 * over a site's computers (NULL: every site), in the shape of the local
 * compliance report (group_name = site name).
 *
 * downstream_auth_get: the bindings of server_id (a GUID, any case);
 * STORE_NOTFOUND when it has none.  downstream_auth_set: bind
 * cert_sha256 (64 hex digits) and/or secret_hash (NULL: keep what is
 * bound); STORE_EXISTS when the fingerprint is bound to another
 * downstream.  downstream_auth_revoke: drop the certificate and/or the
 * secret binding (*n: 1 when something was dropped, else 0).
 * downstream_auth_list: every binding, by server id.
 *
 * rollup_forward (a downstream passing its descendants' rollups on,
 * wsusss.md §11): every rolled-up computer of every site as it was
 * received, with its update states, in the order first received.
 * rollup_client_summaries: the client summaries downstream server_id
 * last rolled up (none for an unknown server).
 * rollup_activity: the install activity (ActivitySummaries, deltas)
 * downstream server_id rolled up and we have not passed on, by update
 * and revision.  rollup_activity_taken: our upstream took the counts v
 * of server_id: subtract them (what arrived since stays), dropping rows
 * left at zero; one transaction (wsusss.md §11 step 2).
 */
#define STORE_OPS_ROLLUP(X, p)						\
	X(p, downstream_touch, (struct store *st,			\
	    const struct store_downstream_contact *c, int64_t now),	\
	    (st, c, now))						\
	X(p, downstream_list, (struct store *st, store_downstream_cb cb, \
	    void *arg), (st, cb, arg))					\
	X(p, downstream_find, (struct store *st, const char *name,	\
	    int64_t *id), (st, name, id))				\
	X(p, downstream_get, (struct store *st, int64_t id,		\
	    store_downstream_cb cb, void *arg), (st, id, cb, arg))	\
	X(p, downstream_remove, (struct store *st, int64_t id,		\
	    size_t *n), (st, id, n))					\
	X(p, downstream_sessions, (struct store *st, const char *address, \
	    int64_t since, store_rollup_id_cb cb, void *arg),		\
	    (st, address, since, cb, arg))				\
	X(p, downstream_root, (struct store *st, const char *server_id, \
	    char root[GUID_STRLEN + 1]), (st, server_id, root))		\
	X(p, rollup_servers, (struct store *st,			\
	    const struct store_rollup_server *s, size_t n, int64_t now), \
	    (st, s, n, now))						\
	X(p, rollup_computers, (struct store *st,			\
	    const struct store_rollup_computer_in *c, size_t n,	\
	    int64_t now, struct store_rollup_computers_result *res),	\
	    (st, c, n, now, res))					\
	X(p, rollup_out_of_sync, (struct store *st, const char *parent, \
	    const struct store_rollup_number *nums, size_t n,		\
	    store_rollup_id_cb cb, void *arg), (st, parent, nums, n, cb, arg)) \
	X(p, rollup_status, (struct store *st, const char *parent,	\
	    const struct store_rollup_status_in *c, size_t n, int64_t now, \
	    struct store_rollup_status_result *res),			\
	    (st, parent, c, n, now, res))				\
	X(p, rollup_computer_list, (struct store *st, const char *site, \
	    store_rollup_computer_cb cb, void *arg), (st, site, cb, arg)) \
	X(p, rollup_compliance, (struct store *st, const char *site,	\
	    size_t limit, store_compliance_cb cb, void *arg),		\
	    (st, site, limit, cb, arg))					\
	X(p, downstream_auth_get, (struct store *st, const char *server_id, \
	    struct store_downstream_auth *out), (st, server_id, out))	\
	X(p, downstream_auth_set, (struct store *st, const char *server_id, \
	    const char *cert_sha256, const char *secret_hash, int64_t now), \
	    (st, server_id, cert_sha256, secret_hash, now))		\
	X(p, downstream_auth_revoke, (struct store *st,		\
	    const char *server_id, bool cert, bool secret, size_t *n),	\
	    (st, server_id, cert, secret, n))				\
	X(p, downstream_auth_list, (struct store *st,			\
	    store_downstream_auth_cb cb, void *arg), (st, cb, arg))	\
	X(p, rollup_forward, (struct store *st,			\
	    store_rollup_forward_cb cb, void *arg), (st, cb, arg))	\
	X(p, rollup_client_summaries, (struct store *st,		\
	    const char *server_id, store_rollup_client_cb cb, void *arg), \
	    (st, server_id, cb, arg))					\
	X(p, rollup_activity, (struct store *st, const char *server_id, \
	    store_rollup_activity_cb cb, void *arg), (st, server_id, cb, arg)) \
	X(p, rollup_activity_taken, (struct store *st,		\
	    const char *server_id, const struct store_rollup_activity *v, \
	    size_t n), (st, server_id, v, n))

struct store_rollup_ops {
	STORE_OPS_ROLLUP(STORE_OP_MEMBER, _)
};
STORE_OPS_ROLLUP(STORE_OP_WRAPPER, rollup)

#endif
