/*
 * computers.h — the computer domain of the store: this server's own
 * computers (contact, registration, duplicates, listings) and targeting
 * (which groups a computer is in).  Not events and update states
 * (store/reporting.h) nor computers rolled up from downstream servers
 * (store/rollup.h).
 *
 * Written for the MS-WUSP issue; rules and sources in docs/REPORTING.md.
 * Callers: the SOAP service (GetAuthorizationCookie -> computer_contact
 * and computer_groups, RegisterComputer -> computer_register, SyncUpdates
 * -> computer_groups and computer_synced) and wsusctl (computers,
 * targeting).  Nothing here keeps computers in memory: every call is a
 * few indexed statements.
 *
 * Operations: the X-macro list STORE_OPS_COMPUTERS below (store/core.h
 * says how it is expanded).
 */
#ifndef WSUSD_STORE_COMPUTERS_H
#define WSUSD_STORE_COMPUTERS_H

#include "store/core.h"

#define COMPUTER_ID_MAX		255	/* SusClientId: 1..255 of [a-z0-9-] */
#define COMPUTER_STR_MAX	256	/* bytes of one ComputerInfo string */
#define COMPUTER_CLAIM_MAX	4096	/* bytes of a targetGroupName claim */
#define COMPUTER_GROUPS_MAX	32	/* groups per computer (= COOKIE_GROUPS_MAX) */
#define COMPUTER_IDENTITIES_MAX	8	/* identities kept per computer (duplicates) */


/*
 * Who decides a computer's groups (WSUS: IUpdateServerConfiguration.
 * TargetingMode).  SERVER: the administrator (computer_move); CLIENT: the
 * target group names the client sends in GetAuthorizationCookie.  Both
 * memberships are kept; the mode picks which one counts.  A computer with
 * no membership of the counting kind is in Unassigned Computers.
 */
enum targeting_mode {
	TARGETING_SERVER = 0,
	TARGETING_CLIENT = 1,
};

/* Per-computer per-update state; the numbers are WSUS's
 * UpdateInstallationState values. */
enum update_state {
	UPDATE_STATE_UNKNOWN = 0,	/* the computer has reported no status */
	UPDATE_STATE_NOT_APPLICABLE = 1,
	UPDATE_STATE_NEEDED = 2,	/* WSUS "NotInstalled": applicable, not installed */
	UPDATE_STATE_DOWNLOADED = 3,
	UPDATE_STATE_INSTALLED = 4,
	UPDATE_STATE_FAILED = 5,
	UPDATE_STATE_PENDING_REBOOT = 6,
};
#define UPDATE_STATE_COUNT	7

/* RegisterComputer's ComputerInfo.  Strings may be NULL (not sent). */
struct store_computer_info {
	const char *dns_name;		/* DnsName */
	int32_t	    os_major, os_minor, os_build;
	int32_t	    sp_major, sp_minor;	/* OSServicePack{Major,Minor}Number */
	const char *os_locale;		/* OSLocale, e.g. "en-US" */
	const char *manufacturer;	/* ComputerManufacturer */
	const char *model;		/* ComputerModel */
	const char *bios_name;		/* BiosName */
	const char *bios_version;	/* BiosVersion */
	int64_t	    bios_release_date;	/* BiosReleaseDate, unix; 0 none */
	const char *processor_arch;	/* ProcessorArchitecture, e.g. "AMD64" */
	int32_t	    suite_mask, old_product_type, new_product_type;
	int32_t	    system_metrics;
	int32_t	    client_major, client_minor, client_build, client_qfe;
	const char *os_description;	/* OSDescription */
	const char *oem, *device_type, *firmware_version, *mobile_operator;
	const char *ip_address;		/* the peer's address; NULL unknown */
};

struct store_register_result {
	int64_t	    computer_id;	/* local id */
	bool	    created;		/* first time this SusClientId was seen */
	bool	    duplicate;		/* this call looked like a second machine */
};

/* A group a computer is a member of (for cookies and the catalog). */
struct store_group_ref {
	int64_t	    id;
	char	    guid[GUID_STRLEN + 1];
};

/* One computer, for listings.  Times are unix seconds, 0 = never. */
struct store_computer {
	int64_t	    id;			/* local id */
	const char *client_id;		/* SusClientId */
	const char *dns_name;		/* "" until known */
	const char *ip_address;		/* may be NULL */
	int32_t	    os_major, os_minor, os_build, sp_major, sp_minor;
	const char *os_locale, *os_description;	/* may be NULL */
	const char *manufacturer, *model;	/* may be NULL */
	const char *bios_name, *bios_version;	/* may be NULL */
	int64_t	    bios_release_date;
	const char *processor_arch;	/* may be NULL */
	const char *client_version;	/* "1507.2601.30012.0"; may be NULL */
	const char *target_claim;	/* targetGroupName last sent; may be NULL */
	const char *groups;		/* effective group names, "; "-joined */
	int64_t	    created, registered, last_contact, last_sync;
	int64_t	    last_report;	/* last ReportEventBatch received */
	int64_t	    last_status;	/* TimeAtTarget of the last status (156) */
	int	    duplicate_count;	/* identity alternations seen (0: none) */
	int64_t	    duplicate_seen;	/* when the last one was seen */
	int	    identities;		/* identities on record */
	int	    counts[UPDATE_STATE_COUNT];	/* updates per stored state */
};

struct store_computer_filter {
	int64_t	    group_id;		/* 0 = any; else effective members of it
					 * and its subgroups (Unassigned: none) */
	bool	    duplicates;		/* only computers flagged as duplicates */
	const char *name;		/* case-insensitive substring of DnsName */
	size_t	    limit;		/* 0 = no limit */
	size_t	    offset;
};

/* One identity a SusClientId was seen with (duplicate detection). */
struct store_computer_identity {
	const char *dns_name;
	const char *manufacturer, *model, *bios;	/* may be NULL */
	int64_t	    first_seen, last_seen;
	int64_t	    times;		/* registrations/contacts with it */
	bool	    current;
};
/* Listing callbacks: 0 goes on, non-zero stops (see store/updates.h). */
typedef int (*store_computer_cb)(const struct store_computer *, void *arg);
typedef int (*store_identity_cb)(const struct store_computer_identity *, void *arg);

/*
 * computer_contact (GetAuthorizationCookie): create the computer if new
 * (Unassigned, not registered), record last contact, DnsName (may be
 * NULL), address and the targetGroupName claim (NULL: none sent), and
 * resolve the claim into client-side memberships.  INVALID for a bad
 * client id or over-long strings.
 *
 * computer_register (RegisterComputer): create or update; duplicate
 * detection.  computer_synced: SyncUpdates seen (last sync and contact).
 *
 * computer_groups: the groups the computer is a direct member of under
 * the current targeting mode (ancestors NOT included: the catalog
 * inherits through parent links), at most max; never empty: Unassigned
 * Computers when there is no membership.  *registered: time of the last
 * RegisterComputer, 0 never (NULL allowed).  Unknown client id:
 * STORE_NOTFOUND, with Unassigned Computers in out all the same.
 *
 * computer_move: server-side assignment; the computer's only group
 * becomes group_id (Unassigned Computers: none).  All Computers is
 * INVALID.
 *
 * computer_find: by SusClientId, local id ("#12"), DnsName (any case) or
 * the first label of a DnsName ("pc1" for "pc1.corp.example") when that
 * names one computer.  NOTFOUND; INVALID when the name is ambiguous (the
 * message lists how many).
 */
#define STORE_OPS_COMPUTERS(X, p)					\
	X(p, computer_contact, (struct store *st, const char *cid,	\
	    const char *dns, const char *claim, const char *ip,	\
	    int64_t now), (st, cid, dns, claim, ip, now))		\
	X(p, computer_register, (struct store *st, const char *cid,	\
	    const struct store_computer_info *ci, int64_t now,		\
	    struct store_register_result *r), (st, cid, ci, now, r))	\
	X(p, computer_synced, (struct store *st, const char *cid,	\
	    int64_t now), (st, cid, now))				\
	X(p, computer_groups, (struct store *st, const char *cid,	\
	    struct store_group_ref *out, size_t max, size_t *n,	\
	    int64_t *registered), (st, cid, out, max, n, registered))	\
	X(p, computer_move, (struct store *st, int64_t id,		\
	    int64_t gid), (st, id, gid))				\
	X(p, computer_delete, (struct store *st, int64_t id), (st, id)) \
	X(p, computer_find, (struct store *st, const char *name,	\
	    int64_t *id), (st, name, id))				\
	X(p, computer_get, (struct store *st, int64_t id,		\
	    store_computer_cb cb, void *arg), (st, id, cb, arg))	\
	X(p, computer_list, (struct store *st,				\
	    const struct store_computer_filter *f, store_computer_cb cb, \
	    void *arg), (st, f, cb, arg))				\
	X(p, computer_identities, (struct store *st, int64_t id,	\
	    store_identity_cb cb, void *arg), (st, id, cb, arg))	\
	X(p, targeting_get, (struct store *st,				\
	    enum targeting_mode *m), (st, m))				\
	X(p, targeting_set, (struct store *st,				\
	    enum targeting_mode m), (st, m))

struct store_computers_ops {
	STORE_OPS_COMPUTERS(STORE_OP_MEMBER, _)
};
STORE_OPS_COMPUTERS(STORE_OP_WRAPPER, computers)

#endif
