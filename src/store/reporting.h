/*
 * reporting.h — the reporting domain of the store: events of this
 * server's computers (ReportEventBatch), their per-update states and the
 * compliance report.  Not the computers themselves (store/computers.h)
 * nor states rolled up from downstream servers (store/rollup.h).
 *
 * Callers: reporting_ingest() in src/wusp/reporting.h (event_batch) and
 * wsusctl report.  Rules and sources in docs/REPORTING.md.
 *
 * Operations: the X-macro list STORE_OPS_REPORTING below (store/core.h
 * says how it is expanded).
 */
#ifndef WSUSD_STORE_REPORTING_H
#define WSUSD_STORE_REPORTING_H

#include "store/computers.h"

#define STORE_EVENTS_BATCH_MAX	1000	/* events per event_batch call */
#define STORE_STATUS_OPS_MAX	50000	/* status changes per event_batch call */
#define STORE_EVENT_TEXT_MAX	2048	/* stored bytes of an event's texts (cut) */
/* Bounds of the event retention settings (store/settings.h). */
#define EVENTS_PER_COMPUTER_DEFAULT	250
#define EVENTS_PER_COMPUTER_MAX		100000
#define EVENT_RETENTION_DAYS_DEFAULT	30
#define EVENT_RETENTION_DAYS_MAX	3650

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

/* Listing callbacks: 0 goes on, non-zero stops (see store/updates.h). */
typedef int (*store_event_cb)(const struct store_event_row *, void *arg);
typedef int (*store_status_cb)(const struct store_update_status *, void *arg);
typedef int (*store_compliance_cb)(const struct store_compliance_row *, void *arg);

/*
 * event_batch (ReportEventBatch), one transaction: store new events
 * (duplicates by EventInstanceID ignored), apply inventories and status
 * ops, record last report, then drop this computer's events beyond the
 * retention settings (oldest first).  NOTFOUND for an unknown client id;
 * INVALID (nothing changed) when the batch breaks a bound.
 *
 * event_list: newest first; limit 0 = all kept.  event_prune: drop every
 * computer's events older than the retention; *n dropped.  status_list:
 * the updates of one computer: every update with a stored state and
 * every update an Install approval of its groups reaches.
 */
#define STORE_OPS_REPORTING(X, p)					\
	X(p, event_batch, (struct store *st, const char *cid,		\
	    const struct store_event_batch *b, int64_t now,		\
	    struct store_batch_result *r), (st, cid, b, now, r))	\
	X(p, event_list, (struct store *st, int64_t id, size_t limit,	\
	    store_event_cb cb, void *arg), (st, id, limit, cb, arg))	\
	X(p, event_prune, (struct store *st, int64_t now, size_t *n),	\
	    (st, now, n))						\
	X(p, status_list, (struct store *st, int64_t id,		\
	    store_status_cb cb, void *arg), (st, id, cb, arg))		\
	X(p, compliance, (struct store *st,				\
	    const struct store_compliance_filter *f,			\
	    store_compliance_cb cb, void *arg), (st, f, cb, arg))

struct store_reporting_ops {
	STORE_OPS_REPORTING(STORE_OP_MEMBER, _)
};
STORE_OPS_REPORTING(STORE_OP_WRAPPER, reporting)

#endif
