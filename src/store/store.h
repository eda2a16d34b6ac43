/*
 * store.h — the one storage interface of wsusd.
 *
 * Callers use the store_* functions below; each backend (sqlite/, later
 * pgsql/) provides a struct store_ops and embeds struct store as the first
 * member of its own handle.  A handle is used by one thread at a time;
 * open one per thread.  Every mutating call is atomic: it commits whole or
 * changes nothing.
 *
 * Strings in result structs point into memory owned by the store for the
 * duration of the callback only (copy what you keep), unless a function
 * says otherwise.  Error text goes to the err buffer given at open time
 * and is readable with store_errmsg().
 */
#ifndef WSUSD_STORE_STORE_H
#define WSUSD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata/update.h"

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND = 1,	/* the named object does not exist */
	STORE_EXISTS = 2,	/* a unique name or key is taken */
	STORE_INVALID = 3,	/* the request breaks a rule (e.g. cycle, built-in group) */
	STORE_BUSY = 4,		/* locked past busy_timeout */
	STORE_ERROR = 5,	/* anything else; see store_errmsg() */
};

/* Built-in computer target groups: the GUIDs a real WSUS uses. */
#define GROUP_ALL_COMPUTERS_GUID	"a0a08746-4dbe-4a37-9adf-9e7652c0b421"
#define GROUP_UNASSIGNED_GUID		"b73ca6ed-5727-47f3-84de-015e03f6a88a"
#define GROUP_NAME_MAX			256
/* Imports per transaction in a batch (store_batch_begin). */
#define STORE_BATCH_MAX			256

/* Well-known settings keys (store_setting_get/set). */
#define SETTING_SERVER_ID	"server_id"	/* GUID of this server */
#define SETTING_COOKIE_KEY	"cookie_key"	/* 64 hex chars: AES-256 key */
#define SETTING_CREATED		"created"	/* ISO time of first postinstall */

enum approval_action {
	APPROVAL_INSTALL = 0,
	APPROVAL_UNINSTALL = 1,
	APPROVAL_NOT_APPROVED = 2,	/* explicit block, overrides inherited */
};

enum approval_state_filter {
	APPROVAL_FILTER_ANY = 0,
	APPROVAL_FILTER_APPROVED,	/* some Install/Uninstall approval */
	APPROVAL_FILTER_UNAPPROVED,	/* none, and not declined */
	APPROVAL_FILTER_DECLINED,
};

struct store;

/* ---- results ---- */

struct store_group {
	int64_t	    id;		/* local integer id */
	char	    guid[GUID_STRLEN + 1];
	const char *name;
	int64_t	    parent_id;	/* 0 for All Computers */
	bool	    builtin;
};

struct store_update_row {
	int64_t	    revision_id;	/* local RevisionID of this revision */
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* RevisionNumber */
	enum update_type   type;
	enum category_kind category_kind;
	const char *title;		/* English or default-language title; may be "" */
	const char *kb_article_id;	/* may be NULL */
	const char *msrc_severity;	/* may be NULL */
	const char *creation_date;	/* may be NULL */
	const char *classification;	/* title of its UpdateClassification; may be NULL */
	const char *products;		/* titles of its Product categories, "; "-joined; may be NULL */
	bool	    is_latest;		/* newest revision of its update */
	bool	    declined;
	int	    napprovals;		/* Install/Uninstall approvals of the update */
	uint64_t    max_download_size;
	int64_t	    imported;		/* unix time of import */
};

struct store_update_filter {
	const char *text;		/* case-insensitive substring of title; NULL = any */
	const char *kb;			/* KB number, with or without "KB"; NULL = any */
	const char *product;		/* product title (substring) or GUID; NULL = any */
	const char *classification;	/* classification title (substring) or GUID */
	const char *update_id;		/* exactly this update; NULL = any */
	int	    type;		/* enum update_type, or -1 = any */
	enum approval_state_filter approval;
	bool	    all_revisions;	/* false: only the newest revision of each */
	size_t	    limit;		/* 0 = no limit */
	size_t	    offset;
};

struct store_approval {
	int64_t	    deployment_id;	/* local DeploymentID */
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* revision the approval applies to (newest) */
	int64_t	    revision_id;
	int64_t	    group_id;
	const char *group_name;
	enum approval_action action;
	int64_t	    deadline;		/* unix time, 0 = none */
	int64_t	    created;		/* unix time of the approval */
	const char *admin;		/* who approved; may be "" */
	const char *title;		/* update title, for listings */
};

struct store_file {
	uint8_t	    sha1[20];
	bool	    has_sha256;
	uint8_t	    sha256[32];
	uint64_t    size;
	const char *name;		/* FileName of one update that lists it */
	bool	    present;		/* imported into the content store */
};

enum store_fragment_kind {
	FRAGMENT_CORE = 0,
	FRAGMENT_EXTENDED = 1,
	FRAGMENT_LOCALIZED = 2,		/* needs a language */
	FRAGMENT_DOCUMENT = 3,		/* the full document as imported */
};

/*
 * Listing callbacks: return 0 to go on, non-zero to stop (the listing
 * then returns STORE_OK).  Do not call the same handle from a callback.
 */
typedef int (*store_group_cb)(const struct store_group *, void *arg);
typedef int (*store_update_cb)(const struct store_update_row *, void *arg);
typedef int (*store_approval_cb)(const struct store_approval *, void *arg);
typedef int (*store_file_cb)(const struct store_file *, void *arg);

/* ==== computers, targeting, events, update status (reporting engineer) ====
 * Written for the MS-WUSP issue; rules and sources in docs/REPORTING.md.
 * Callers: the SOAP service (GetAuthorizationCookie -> computer_contact
 * and computer_groups, RegisterComputer -> computer_register, SyncUpdates
 * -> computer_groups and computer_synced, ReportEventBatch ->
 * reporting_ingest() in src/wusp/reporting.h, which calls event_batch),
 * and wsusctl (computers, report, targeting).  Nothing here keeps
 * computers in memory: every call is a few indexed statements. */

#define COMPUTER_ID_MAX		255	/* SusClientId: 1..255 of [a-z0-9-] */
#define COMPUTER_STR_MAX	256	/* bytes of one ComputerInfo string */
#define COMPUTER_CLAIM_MAX	4096	/* bytes of a targetGroupName claim */
#define COMPUTER_GROUPS_MAX	32	/* groups per computer (= COOKIE_GROUPS_MAX) */
#define COMPUTER_IDENTITIES_MAX	8	/* identities kept per computer (duplicates) */
#define STORE_EVENTS_BATCH_MAX	1000	/* events per event_batch call */
#define STORE_STATUS_OPS_MAX	50000	/* status changes per event_batch call */
#define STORE_EVENT_TEXT_MAX	2048	/* stored bytes of an event's texts (cut) */

/* More settings keys (store_setting_get/set; defaults when absent). */
#define SETTING_TARGETING_MODE	"targeting_mode"	/* "server" (default) | "client" */
#define SETTING_EVENTS_PER_COMPUTER "events_per_computer" /* default 250 */
#define SETTING_EVENT_RETENTION_DAYS "event_retention_days" /* default 30 */
#define EVENTS_PER_COMPUTER_DEFAULT	250
#define EVENTS_PER_COMPUTER_MAX		100000
#define EVENT_RETENTION_DAYS_DEFAULT	30
#define EVENT_RETENTION_DAYS_MAX	3650

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

/* One reporting event, validated by the caller (src/wusp/reporting.c). */
struct store_event {
	char	    instance_id[GUID_STRLEN + 1];	/* EventInstanceID */
	int32_t	    event_id, namespace_id, source_id;
	int64_t	    time_at_target;	/* unix */
	char	    update_id[GUID_STRLEN + 1];	/* "" for the zero GUID */
	int32_t	    revision;
	int32_t	    hresult;		/* Win32HResult */
	const char *app_name;		/* may be NULL */
	const char *replacement;	/* ReplacementStrings joined by '\n'; may be NULL */
	const char *misc;		/* MiscData joined by '\n'; may be NULL */
};

/* store_status_op.flags */
#define STATUS_OP_INVENTORY	0x01	/* from a 156 list (replaced by the next 156) */
#define STATUS_OP_KEEP_FAILED	0x02	/* do not replace a FAILED state */
#define STATUS_OP_IF_NOT_INSTALLED 0x04	/* only if not INSTALLED/PENDING_REBOOT */
#define STATUS_OP_IF_PENDING	0x08	/* only if now PENDING_REBOOT */

/*
 * One derived state change, in event order.  Applied when its time is not
 * older than the stored state's; unknown update ids are skipped.
 */
struct store_status_op {
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* -1 when not known (156 lists) */
	enum update_state state;
	unsigned    flags;		/* STATUS_OP_* */
	size_t	    event;		/* index of the asserting event */
};

/*
 * A status inventory (event 156): before the ops of event `event` are
 * applied, the inventory-sourced states they do not name (and that are
 * not newer) are dropped, so "not applicable" follows for those updates.
 */
struct store_inventory {
	size_t	    event;		/* index of the 156 event */
};

struct store_event_batch {
	const struct store_event *events;
	size_t	    nevents;
	const struct store_status_op *ops;
	size_t	    nops;
	const struct store_inventory *inventories;	/* in event order */
	size_t	    ninventories;
};

struct store_batch_result {
	size_t	    stored;		/* new events stored */
	size_t	    duplicates;		/* events already stored (same instance id) */
	size_t	    changes;		/* update states changed */
	size_t	    unknown_updates;	/* ops naming updates not in the store */
	size_t	    pruned;		/* events dropped by the bounds */
};

/* A stored event, for listings. */
struct store_event_row {
	int64_t	    id;
	char	    instance_id[GUID_STRLEN + 1];
	int32_t	    event_id, namespace_id, source_id;
	int64_t	    time_at_target, received;
	const char *update_id;		/* NULL when none */
	int32_t	    revision;
	int32_t	    hresult;
	const char *app_name, *replacement, *misc;	/* may be NULL */
	const char *title;		/* update title if in the store; may be NULL */
};

/* One update of one computer (report computer). */
struct store_update_status {
	char	    update_id[GUID_STRLEN + 1];
	const char *title;
	const char *kb_article_id;	/* may be NULL */
	enum update_state state;	/* derived, never stored as UNKNOWN/NA
					 * except as the fallback below */
	bool	    stored;		/* false: no row (UNKNOWN or NOT_APPLICABLE) */
	bool	    approved;		/* an Install approval reaches the computer */
	int32_t	    revision;		/* -1 when not known */
	int64_t	    changed;		/* TimeAtTarget of the change; 0 none */
	int32_t	    event_id;		/* event that set it; 0 none */
	int32_t	    hresult;
};

struct store_compliance_filter {
	int64_t	    group_id;		/* 0 = All Computers; subgroups included */
	const char *update_id;		/* one update; NULL = every approved
					 * update and every update with a state */
	bool	    by_group;		/* rows per group (needs update_id) */
	size_t	    limit;		/* 0 = no limit */
};

struct store_compliance_row {
	char	    update_id[GUID_STRLEN + 1];
	const char *title, *kb_article_id;	/* may be NULL */
	int64_t	    group_id;		/* by_group rows; else the filter's */
	const char *group_name;
	size_t	    computers;		/* computers in scope */
	size_t	    counts[UPDATE_STATE_COUNT];	/* per enum update_state */
	bool	    approved;		/* some Install approval exists */
};

typedef int (*store_computer_cb)(const struct store_computer *, void *arg);
typedef int (*store_identity_cb)(const struct store_computer_identity *, void *arg);
typedef int (*store_event_cb)(const struct store_event_row *, void *arg);
typedef int (*store_status_cb)(const struct store_update_status *, void *arg);
typedef int (*store_compliance_cb)(const struct store_compliance_row *, void *arg);
/* ==== end of the computers/targeting/events/status types ==== */

/* ==== catalog snapshot and change counter (wusp catalog engineer) ====
 * For the in-memory catalog of the client protocol (src/wusp/catalog.h,
 * docs/SYNCUPDATES.md).  catalog_load streams everything SyncUpdates
 * needs in ONE read transaction (a consistent snapshot) and reports the
 * change counter the snapshot corresponds to.  Order: all revisions,
 * then prerequisites, bundle members, files (each by revision_id, then
 * group_index / member / sha1), groups (by id), deployments (by
 * deployment_id), tombstones (by update_id), old revisions (by
 * revision_id).  Strings and blobs are valid during the callback only. */

/* The newest revision of one update. */
struct store_catalog_revision {
	int64_t	    revision_id;
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* RevisionNumber */
	enum update_type   type;
	enum category_kind category_kind;
	bool	    explicitly_deployable;
	bool	    has_driver_metadata;
	bool	    declined;		/* the update is declined */
	int64_t	    imported;		/* unix time of import */
	int64_t	    change_seq;		/* max of the revision's and the update's */
	int64_t	    revision_seq;	/* the revision's own (its import) */
	const char *core;		/* core fragment, inflated, NUL-ended */
	size_t	    core_len;
	/* The whole document, only for drivers and revisions with driver
	 * metadata (NULL otherwise), NUL-ended. */
	const char *document;
	size_t	    document_len;
};

/* One id of one prerequisite clause (clauses ANDed, ids in one ORed). */
struct store_catalog_prereq {
	int64_t	    revision_id;
	int	    group_index;	/* the clause */
	bool	    is_category;
	const char *required_update_id;	/* lower-case GUID */
};

/* One alternative of one bundled member. */
struct store_catalog_bundled {
	int64_t	    revision_id;
	int	    group_index;
	const char *member_update_id;	/* lower-case GUID */
	int32_t	    member_revision;	/* -1 when not given */
};

struct store_catalog_file {
	int64_t	    revision_id;
	uint8_t	    sha1[20];
	uint64_t    size;
	const char *name;		/* FileName */
};

struct store_catalog_group {
	int64_t	    id;
	char	    guid[GUID_STRLEN + 1];
	int64_t	    parent_id;		/* 0 for All Computers */
	int64_t	    change_seq;
};

/* An approval (deployment row), whatever the action. */
struct store_catalog_deployment {
	int64_t	    deployment_id;
	char	    update_id[GUID_STRLEN + 1];
	int64_t	    group_id;
	enum approval_action action;
	int64_t	    deadline;		/* 0 none */
	int64_t	    created;
	int64_t	    last_change;
	int64_t	    change_seq;
};

/* The newest removal of some approval of an update. */
struct store_catalog_tombstone {
	char	    update_id[GUID_STRLEN + 1];
	int64_t	    deleted;		/* unix time */
	int64_t	    change_seq;
};

/* An older revision of an update (clients may still hold its id). */
struct store_catalog_oldrev {
	int64_t	    revision_id;
	int64_t	    latest_revision_id;	/* the update's newest revision */
};

/* Callbacks of catalog_load (any may be NULL: that kind is skipped).
 * Return 0 to go on; non-zero stops the load with STORE_ERROR. */
struct store_catalog_sink {
	int  (*revision)(const struct store_catalog_revision *, void *arg);
	int  (*prereq)(const struct store_catalog_prereq *, void *arg);
	int  (*bundled)(const struct store_catalog_bundled *, void *arg);
	int  (*file)(const struct store_catalog_file *, void *arg);
	int  (*group)(const struct store_catalog_group *, void *arg);
	int  (*deployment)(const struct store_catalog_deployment *, void *arg);
	int  (*tombstone)(const struct store_catalog_tombstone *, void *arg);
	int  (*oldrev)(const struct store_catalog_oldrev *, void *arg);
	void *arg;
};
/* ==== end of the catalog types ==== */

/* ==== downstream servers and status rollup (rollup engineer) ====
 * The upstream side of MS-WSUSSS rollup (wsusss.md §6.12, §11;
 * docs/ROLLUP.md).  Rolled-up computers and their update states live in
 * tables of their own (migration 3), apart from this server's own
 * computers; a computer is owned by exactly one downstream server (its
 * "site").  Server ids are lower-case GUID text; "" or the all-zero GUID
 * means this server. */

/* Settings (store_setting_get/set). */
#define SETTING_ROLLUP		"rollup"	/* "detailed" (default) or "summary":
						 * GetRollupConfiguration.DoDetailedRollup */
#define SETTING_ROLLUP_RESET	"rollup_reset_guid"	/* RollupResetGuid; created on first use */

/* Batch limits this upstream advertises and enforces (Windows values). */
#define ROLLUP_SERVERS_MAX	5000	/* client summaries per RollupDownstreamServers */
#define ROLLUP_COMPUTERS_MAX	1500	/* RollupComputers */
#define ROLLUP_OUTOFSYNC_MAX	20000	/* GetOutOfSyncComputers */
#define ROLLUP_STATUS_MAX	500	/* computers per RollupComputerStatus */
#define ROLLUP_UPDATES_MAX	100000	/* update states per computer */
#define ROLLUP_SUMMARY_FIELDS	18	/* DownstreamServerRollupServerSummary ints */

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
/* ==== end of the downstream/rollup types ==== */

/* ---- the backend interface ---- */

struct store_ops {
	const char *scheme;		/* "sqlite", "postgresql" */
	int  (*open)(const char *url, struct store **out, char *err, size_t errlen);
	void (*close)(struct store *);

	/* schema: version now and newest this build knows; migrate applies the rest */
	int  (*schema_version)(struct store *, int *current, int *latest);
	int  (*migrate)(struct store *, int *from, int *to);

	int  (*setting_get)(struct store *, const char *key, char **value);	/* caller frees */
	int  (*setting_set)(struct store *, const char *key, const char *value);
	/* set only when absent; *created tells which happened */
	int  (*setting_init)(struct store *, const char *key, const char *value, bool *created);

	/* import one revision with its fragments; idempotent on (update_id, revision) */
	int  (*revision_import)(struct store *, const struct update *, const struct update_doc *,
		    int64_t *revision_id, bool *created);
	/*
	 * Bulk import (added by the store layer): between batch_begin and
	 * batch_end, revision_import calls share transactions, committed
	 * every STORE_BATCH_MAX imports and at batch_end.  Each import stays
	 * atomic on its own (a savepoint): a failed one leaves nothing and
	 * the batch goes on.  An import that returned STORE_OK is committed
	 * only by the next batch commit; batch_end returns an error if any
	 * batch commit failed (then re-run the import: it is idempotent).
	 * Any other mutating call commits the pending batch first; close
	 * commits it too.
	 */
	int  (*batch_begin)(struct store *);
	int  (*batch_end)(struct store *);
	int  (*revision_lookup)(struct store *, const char *update_id, int32_t revision /* -1 newest */,
		    int64_t *revision_id);
	int  (*fragment_get)(struct store *, int64_t revision_id, enum store_fragment_kind,
		    const char *language, char **xml, size_t *len);	/* caller frees */
	int  (*update_list)(struct store *, const struct store_update_filter *,
		    store_update_cb, void *arg);
	int  (*update_count)(struct store *, size_t *revisions, size_t *updates);

	int  (*file_lookup)(struct store *, const uint8_t sha1[20], struct store_file *,
		    char **name);	/* *name: caller frees */
	int  (*file_set_present)(struct store *, const uint8_t sha1[20], bool present);
	/* files of the latest revisions; approved_only: of approved updates only */
	int  (*file_list)(struct store *, bool approved_only, store_file_cb, void *arg);

	int  (*group_create)(struct store *, const char *name, int64_t parent_id, int64_t *id);
	int  (*group_rename)(struct store *, int64_t id, const char *name);
	int  (*group_delete)(struct store *, int64_t id);	/* moves members up to the parent */
	int  (*group_move)(struct store *, int64_t id, int64_t new_parent_id);
	int  (*group_find)(struct store *, const char *name_or_guid, int64_t *id);
	int  (*group_list)(struct store *, store_group_cb, void *arg);	/* parents before children */

	int  (*approve)(struct store *, const char *update_id, int64_t group_id,
		    enum approval_action, int64_t deadline, const char *admin, int64_t *deployment_id);
	/* group 0 = all; STORE_NOTFOUND when there was no approval to remove */
	int  (*unapprove)(struct store *, const char *update_id, int64_t group_id);
	int  (*decline)(struct store *, const char *update_id, bool declined);
	int  (*approval_list)(struct store *, const char *update_id /* NULL all */,
		    int64_t group_id /* 0 all */, store_approval_cb, void *arg);

	/* ==== computers, targeting, events, status (reporting engineer) ==== */
	/*
	 * GetAuthorizationCookie: create the computer if new (Unassigned,
	 * not registered), record last contact, DnsName (may be NULL),
	 * address and the targetGroupName claim (NULL: none sent), and
	 * resolve the claim into client-side memberships.  INVALID for a bad
	 * client id or over-long strings.
	 */
	int  (*computer_contact)(struct store *, const char *client_id,
		    const char *dns_name, const char *claim, const char *ip,
		    int64_t now);
	/* RegisterComputer: create or update; duplicate detection. */
	int  (*computer_register)(struct store *, const char *client_id,
		    const struct store_computer_info *, int64_t now,
		    struct store_register_result *);
	/* SyncUpdates seen: last sync and last contact times. */
	int  (*computer_synced)(struct store *, const char *client_id, int64_t now);
	/*
	 * The groups the computer is a direct member of under the current
	 * targeting mode (ancestors NOT included: the catalog inherits through
	 * parent links), at most max; never empty: Unassigned Computers when
	 * there is no membership.  *registered: time of the last
	 * RegisterComputer, 0 never (NULL allowed).  Unknown client id:
	 * STORE_NOTFOUND, with Unassigned Computers in out all the same.
	 */
	int  (*computer_groups)(struct store *, const char *client_id,
		    struct store_group_ref *out, size_t max, size_t *n,
		    int64_t *registered);
	/* Server-side assignment: the computer's only group becomes group_id
	 * (Unassigned Computers: none).  All Computers is INVALID. */
	int  (*computer_move)(struct store *, int64_t computer_id, int64_t group_id);
	int  (*computer_delete)(struct store *, int64_t computer_id);
	/*
	 * Find by SusClientId, local id ("#12"), DnsName (any case) or the
	 * first label of a DnsName ("pc1" for "pc1.corp.example") when that
	 * names one computer.  NOTFOUND; INVALID when the name is ambiguous
	 * (the message lists how many).
	 */
	int  (*computer_find)(struct store *, const char *name, int64_t *computer_id);
	int  (*computer_get)(struct store *, int64_t computer_id,
		    store_computer_cb, void *arg);
	int  (*computer_list)(struct store *, const struct store_computer_filter *,
		    store_computer_cb, void *arg);
	int  (*computer_identities)(struct store *, int64_t computer_id,
		    store_identity_cb, void *arg);
	int  (*targeting_get)(struct store *, enum targeting_mode *);
	int  (*targeting_set)(struct store *, enum targeting_mode);
	/*
	 * ReportEventBatch, one transaction: store new events (duplicates by
	 * EventInstanceID ignored), apply inventories and status ops, record
	 * last report, then drop this computer's events beyond the retention
	 * settings (oldest first).  NOTFOUND for an unknown client id;
	 * INVALID (nothing changed) when the batch breaks a bound.
	 */
	int  (*event_batch)(struct store *, const char *client_id,
		    const struct store_event_batch *, int64_t now,
		    struct store_batch_result *);
	/* Newest first; limit 0 = all kept. */
	int  (*event_list)(struct store *, int64_t computer_id, size_t limit,
		    store_event_cb, void *arg);
	/* Drop every computer's events older than the retention; *n dropped. */
	int  (*event_prune)(struct store *, int64_t now, size_t *n);
	/* The updates of one computer: every update with a stored state and
	 * every update an Install approval of its groups reaches. */
	int  (*status_list)(struct store *, int64_t computer_id,
		    store_status_cb, void *arg);
	int  (*compliance)(struct store *, const struct store_compliance_filter *,
		    store_compliance_cb, void *arg);
	/* ==== end of the reporting engineer's ops ==== */
	/* ==== catalog snapshot and change counter (wusp catalog engineer) ==== */
	/*
	 * Stream the newest revision of every update with its relationships,
	 * files and core fragment, the groups, the approvals and the newest
	 * tombstone per update, in one read transaction; *change_seq = the
	 * change counter of that snapshot.
	 */
	int  (*catalog_load)(struct store *, const struct store_catalog_sink *,
		    int64_t *change_seq);
	/* The global change counter (cheap: one indexed read). */
	int  (*change_seq)(struct store *, int64_t *seq);
	/* ==== end of the catalog ops ==== */
	/* ==== downstream servers and rollup (rollup engineer; docs/ROLLUP.md) ==== */
	/* Record a server-sync call: create the downstream if new (direct
	 * child of this server), update name/protocol/mode/address when
	 * given, last contact (and last sync when c->synced).  INVALID for
	 * a bad id or over-long strings. */
	int  (*downstream_touch)(struct store *, const struct store_downstream_contact *,
		    int64_t now);
	/* Every downstream, parents before children. */
	int  (*downstream_list)(struct store *, store_downstream_cb, void *arg);
	/* One by server id, local id ("#3") or name (any case); NOTFOUND,
	 * INVALID when the name is ambiguous. */
	int  (*downstream_find)(struct store *, const char *name, int64_t *id);
	int  (*downstream_get)(struct store *, int64_t id, store_downstream_cb, void *arg);
	/* Remove it, its descendants, their computers and states; *n servers. */
	int  (*downstream_remove)(struct store *, int64_t id, size_t *n);
	/*
	 * RollupDownstreamServers, one transaction: every parent_id must be
	 * "" (this server), a known downstream or an earlier entry of the
	 * call, else NOTFOUND and nothing changes.  Insert new servers;
	 * update known ones unless their stored last_rollup is newer; add
	 * the activity counts.
	 */
	int  (*rollup_servers)(struct store *, const struct store_rollup_server *,
		    size_t n, int64_t now);
	/*
	 * RollupComputers, one transaction: every parent_id must be a known
	 * downstream (else NOTFOUND, nothing changes).  Computers registered
	 * with this server itself are refused (ignored).  Upsert unless the
	 * stored last_sync is newer (stale); a new parent moves the computer
	 * to that site (its states go with it).  res->changes[i] tells what
	 * to answer for input i.
	 */
	int  (*rollup_computers)(struct store *, const struct store_rollup_computer_in *,
		    size_t n, int64_t now, struct store_rollup_computers_result *res);
	/* GetOutOfSyncComputers: the ids among nums owned by parent_id or its
	 * descendants whose stored rollup number differs (unknown parent:
	 * none).  Order of nums. */
	int  (*rollup_out_of_sync)(struct store *, const char *parent_id,
		    const struct store_rollup_number *nums, size_t n,
		    store_rollup_id_cb cb, void *arg);
	/* RollupComputerStatus, one transaction: for each known computer
	 * owned by parent_id or its descendants, apply unless the number is
	 * not newer than the stored one (duplicate); full: replace all its
	 * states; delta: upsert unless the stored change is newer. */
	int  (*rollup_status)(struct store *, const char *parent_id,
		    const struct store_rollup_status_in *, size_t n, int64_t now,
		    struct store_rollup_status_result *res);
	/* Rolled-up computers of a site and its descendants (site_id NULL: all). */
	int  (*rollup_computer_list)(struct store *, const char *site_id,
		    store_rollup_computer_cb, void *arg);
	/* Per-update counts over a site's computers (NULL: every site), in the
	 * shape of the local compliance report (group_name = site name). */
	int  (*rollup_compliance)(struct store *, const char *site_id, size_t limit,
		    store_compliance_cb, void *arg);
	/* ==== end of the rollup ops ==== */
	/*
	 * Housekeeping for long-running processes (wsusd calls it once a
	 * minute on a handle of its own).  SQLite: checkpoint the
	 * write-ahead log; when the log has grown past 64 MiB, wait for
	 * readers and truncate it — with writers on several threads a
	 * passive checkpoint never finds a moment to restart the log, and
	 * it grew to 1.2 GB while 100,000 computers registered
	 * (bench/computers.sh).  STORE_BUSY: try again later.
	 */
	int  (*maintain)(struct store *);
};

struct store {
	const struct store_ops *ops;
	char	errmsg[512];		/* last error text */
};

/* Open by URL: sqlite:///abs/path/wsusd.db or sqlite:relative.db.
 * postgresql:// is recognised and refused until its backend exists. */
int	store_open(const char *url, struct store **out, char *err, size_t errlen);
void	store_close(struct store *);
const char *store_errmsg(const struct store *);
const char *store_rc_name(int rc);
/* Registered backends, for --help and checkhealth. */
const struct store_ops *store_backend_find(const char *url);

#define STORE_CALL(st, fn, ...)	((st)->ops->fn((st), __VA_ARGS__))

static inline int store_schema_version(struct store *st, int *cur, int *latest)
{ return STORE_CALL(st, schema_version, cur, latest); }
static inline int store_migrate(struct store *st, int *from, int *to)
{ return STORE_CALL(st, migrate, from, to); }
static inline int store_setting_get(struct store *st, const char *k, char **v)
{ return STORE_CALL(st, setting_get, k, v); }
static inline int store_setting_set(struct store *st, const char *k, const char *v)
{ return STORE_CALL(st, setting_set, k, v); }
static inline int store_setting_init(struct store *st, const char *k, const char *v, bool *c)
{ return STORE_CALL(st, setting_init, k, v, c); }
static inline int store_revision_import(struct store *st, const struct update *u,
    const struct update_doc *d, int64_t *rid, bool *created)
{ return STORE_CALL(st, revision_import, u, d, rid, created); }
static inline int store_batch_begin(struct store *st)
{ return st->ops->batch_begin(st); }
static inline int store_batch_end(struct store *st)
{ return st->ops->batch_end(st); }
static inline int store_revision_lookup(struct store *st, const char *uid, int32_t rev, int64_t *rid)
{ return STORE_CALL(st, revision_lookup, uid, rev, rid); }
static inline int store_fragment_get(struct store *st, int64_t rid, enum store_fragment_kind k,
    const char *lang, char **xml, size_t *len)
{ return STORE_CALL(st, fragment_get, rid, k, lang, xml, len); }
static inline int store_update_list(struct store *st, const struct store_update_filter *f,
    store_update_cb cb, void *arg)
{ return STORE_CALL(st, update_list, f, cb, arg); }
static inline int store_update_count(struct store *st, size_t *revs, size_t *upds)
{ return STORE_CALL(st, update_count, revs, upds); }
static inline int store_file_lookup(struct store *st, const uint8_t sha1[20], struct store_file *f, char **name)
{ return STORE_CALL(st, file_lookup, sha1, f, name); }
static inline int store_file_set_present(struct store *st, const uint8_t sha1[20], bool p)
{ return STORE_CALL(st, file_set_present, sha1, p); }
static inline int store_file_list(struct store *st, bool approved_only, store_file_cb cb, void *arg)
{ return STORE_CALL(st, file_list, approved_only, cb, arg); }
static inline int store_group_create(struct store *st, const char *name, int64_t parent, int64_t *id)
{ return STORE_CALL(st, group_create, name, parent, id); }
static inline int store_group_rename(struct store *st, int64_t id, const char *name)
{ return STORE_CALL(st, group_rename, id, name); }
static inline int store_group_delete(struct store *st, int64_t id)
{ return STORE_CALL(st, group_delete, id); }
static inline int store_group_move(struct store *st, int64_t id, int64_t parent)
{ return STORE_CALL(st, group_move, id, parent); }
static inline int store_group_find(struct store *st, const char *name, int64_t *id)
{ return STORE_CALL(st, group_find, name, id); }
static inline int store_group_list(struct store *st, store_group_cb cb, void *arg)
{ return STORE_CALL(st, group_list, cb, arg); }
static inline int store_approve(struct store *st, const char *uid, int64_t gid,
    enum approval_action a, int64_t deadline, const char *admin, int64_t *did)
{ return STORE_CALL(st, approve, uid, gid, a, deadline, admin, did); }
static inline int store_unapprove(struct store *st, const char *uid, int64_t gid)
{ return STORE_CALL(st, unapprove, uid, gid); }
static inline int store_decline(struct store *st, const char *uid, bool declined)
{ return STORE_CALL(st, decline, uid, declined); }
static inline int store_approval_list(struct store *st, const char *uid, int64_t gid,
    store_approval_cb cb, void *arg)
{ return STORE_CALL(st, approval_list, uid, gid, cb, arg); }

/* ==== computers, targeting, events, status (reporting engineer) ==== */
static inline int store_computer_contact(struct store *st, const char *cid,
    const char *dns, const char *claim, const char *ip, int64_t now)
{ return STORE_CALL(st, computer_contact, cid, dns, claim, ip, now); }
static inline int store_computer_register(struct store *st, const char *cid,
    const struct store_computer_info *ci, int64_t now, struct store_register_result *r)
{ return STORE_CALL(st, computer_register, cid, ci, now, r); }
static inline int store_computer_synced(struct store *st, const char *cid, int64_t now)
{ return STORE_CALL(st, computer_synced, cid, now); }
static inline int store_computer_groups(struct store *st, const char *cid,
    struct store_group_ref *out, size_t max, size_t *n, int64_t *registered)
{ return STORE_CALL(st, computer_groups, cid, out, max, n, registered); }
static inline int store_computer_move(struct store *st, int64_t id, int64_t gid)
{ return STORE_CALL(st, computer_move, id, gid); }
static inline int store_computer_delete(struct store *st, int64_t id)
{ return STORE_CALL(st, computer_delete, id); }
static inline int store_computer_find(struct store *st, const char *name, int64_t *id)
{ return STORE_CALL(st, computer_find, name, id); }
static inline int store_computer_get(struct store *st, int64_t id,
    store_computer_cb cb, void *arg)
{ return STORE_CALL(st, computer_get, id, cb, arg); }
static inline int store_computer_list(struct store *st,
    const struct store_computer_filter *f, store_computer_cb cb, void *arg)
{ return STORE_CALL(st, computer_list, f, cb, arg); }
static inline int store_computer_identities(struct store *st, int64_t id,
    store_identity_cb cb, void *arg)
{ return STORE_CALL(st, computer_identities, id, cb, arg); }
static inline int store_targeting_get(struct store *st, enum targeting_mode *m)
{ return STORE_CALL(st, targeting_get, m); }
static inline int store_targeting_set(struct store *st, enum targeting_mode m)
{ return STORE_CALL(st, targeting_set, m); }
static inline int store_event_batch(struct store *st, const char *cid,
    const struct store_event_batch *b, int64_t now, struct store_batch_result *r)
{ return STORE_CALL(st, event_batch, cid, b, now, r); }
static inline int store_event_list(struct store *st, int64_t id, size_t limit,
    store_event_cb cb, void *arg)
{ return STORE_CALL(st, event_list, id, limit, cb, arg); }
static inline int store_event_prune(struct store *st, int64_t now, size_t *n)
{ return STORE_CALL(st, event_prune, now, n); }
static inline int store_status_list(struct store *st, int64_t id,
    store_status_cb cb, void *arg)
{ return STORE_CALL(st, status_list, id, cb, arg); }
static inline int store_compliance(struct store *st,
    const struct store_compliance_filter *f, store_compliance_cb cb, void *arg)
{ return STORE_CALL(st, compliance, f, cb, arg); }
/* ==== end of the reporting engineer's wrappers ==== */

/* ==== catalog snapshot and change counter (wusp catalog engineer) ==== */
static inline int store_catalog_load(struct store *st,
    const struct store_catalog_sink *sink, int64_t *seq)
{ return STORE_CALL(st, catalog_load, sink, seq); }
static inline int store_change_seq(struct store *st, int64_t *seq)
{ return STORE_CALL(st, change_seq, seq); }
/* ==== end of the catalog wrappers ==== */

/* ==== downstream servers and rollup (rollup engineer) ==== */
static inline int store_downstream_touch(struct store *st,
    const struct store_downstream_contact *c, int64_t now)
{ return STORE_CALL(st, downstream_touch, c, now); }
static inline int store_downstream_list(struct store *st, store_downstream_cb cb, void *arg)
{ return STORE_CALL(st, downstream_list, cb, arg); }
static inline int store_downstream_find(struct store *st, const char *name, int64_t *id)
{ return STORE_CALL(st, downstream_find, name, id); }
static inline int store_downstream_get(struct store *st, int64_t id,
    store_downstream_cb cb, void *arg)
{ return STORE_CALL(st, downstream_get, id, cb, arg); }
static inline int store_downstream_remove(struct store *st, int64_t id, size_t *n)
{ return STORE_CALL(st, downstream_remove, id, n); }
static inline int store_rollup_servers(struct store *st,
    const struct store_rollup_server *s, size_t n, int64_t now)
{ return STORE_CALL(st, rollup_servers, s, n, now); }
static inline int store_rollup_computers(struct store *st,
    const struct store_rollup_computer_in *c, size_t n, int64_t now,
    struct store_rollup_computers_result *res)
{ return STORE_CALL(st, rollup_computers, c, n, now, res); }
static inline int store_rollup_out_of_sync(struct store *st, const char *parent,
    const struct store_rollup_number *nums, size_t n, store_rollup_id_cb cb, void *arg)
{ return STORE_CALL(st, rollup_out_of_sync, parent, nums, n, cb, arg); }
static inline int store_rollup_status(struct store *st, const char *parent,
    const struct store_rollup_status_in *c, size_t n, int64_t now,
    struct store_rollup_status_result *res)
{ return STORE_CALL(st, rollup_status, parent, c, n, now, res); }
static inline int store_rollup_computer_list(struct store *st, const char *site,
    store_rollup_computer_cb cb, void *arg)
{ return STORE_CALL(st, rollup_computer_list, site, cb, arg); }
static inline int store_rollup_compliance(struct store *st, const char *site,
    size_t limit, store_compliance_cb cb, void *arg)
{ return STORE_CALL(st, rollup_compliance, site, limit, cb, arg); }
/* ==== end of the rollup wrappers ==== */

static inline int store_maintain(struct store *st)
{ return st->ops->maintain(st); }

#endif
