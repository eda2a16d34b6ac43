/*
 * sync_service.h — the sync-service domain of the store: what the
 * administrator configured about the update source (WSUS's Options →
 * Update Source, Products and Classifications, Update Files and
 * Languages, Synchronization Schedule), the history of sync runs (one
 * row per run, WSUS's Synchronization report) with the live phase and
 * counts of the running one, and the requests wsusctl leaves for wsusd
 * ("sync now", "cancel": the store is the channel, admin surfaces stay
 * off the client ports).
 *
 * Not the protocol state between runs (anchors, account, replica
 * deployments: store/sync_state.h) nor the synced content.
 *
 * Tables (migration 6): sync_config (one row), sync_history, sync_requests;
 * (migration 8) rollup_schedule (one row), rollup_runs, and
 * sync_history.full_resync.
 *
 * Operations: the X-macro list STORE_OPS_SYNC_SERVICE below (store/core.h
 * says how it is expanded).
 */
#ifndef WSUSD_STORE_SYNC_SERVICE_H
#define WSUSD_STORE_SYNC_SERVICE_H

#include "store/core.h"

/* What a downstream does with update files (WSUS: Update Files). */
enum store_sync_content {
	STORE_SYNC_CONTENT_APPROVED = 0,	/* files of approved updates (default) */
	STORE_SYNC_CONTENT_ALL = 1,		/* every file */
	STORE_SYNC_CONTENT_NONE = 2,		/* metadata only */
	STORE_SYNC_CONTENT_ORIGIN = 3,	/* clients fetch from the original URL */
};

#define STORE_SYNC_TEXT_MAX		4096	/* bytes of a URL, path, name */
#define STORE_SYNC_LIST_MAX		(64 * 1024)	/* bytes of a list */
#define STORE_SYNC_PER_DAY_MAX		24
#define STORE_SYNC_JITTER_MAX		1440	/* minutes */
#define STORE_SYNC_ERROR_MAX		4096	/* bytes of a run's error */

/*
 * The update source.  Strings are NULL when unset; lists are
 * space-separated (products and classifications: lower-case GUIDs;
 * languages: codes such as "en de pt-br").  Free with
 * store_sync_config_free().
 */
struct store_sync_config {
	char	   *upstream;		/* "http(s)://host:port"; NULL: none */
	bool	    replica;		/* replica of the upstream */
	char	   *products;
	char	   *classifications;
	char	   *languages;
	int	    content;		/* enum store_sync_content */
	bool	    express;		/* express installation files */
	char	   *proxy;		/* proxy URL */
	char	   *proxy_user;
	char	   *proxy_password;
	char	   *cacert;		/* CA bundle path */
	char	   *tls_min;		/* "1.2" or "1.3"; NULL: 1.2 */
	char	   *protocol;		/* "1.8" or "1.20"; NULL: 1.20 */
	char	   *name;		/* FQDN to announce; NULL: default */
	int	    per_day;		/* 0 (manual only) .. 24 */
	int	    first;		/* minutes after local midnight, 0..1439 */
	int	    jitter;		/* random minutes added, 0..1440 */
	int64_t	    next_run;		/* unix time of the next scheduled run,
					 * 0 none (wsusd sets it) */
};

void	store_sync_config_free(struct store_sync_config *c);

enum store_sync_result {
	SYNC_RESULT_RUNNING = 0,
	SYNC_RESULT_OK = 1,
	SYNC_RESULT_FAILED = 2,
	SYNC_RESULT_CANCELLED = 3,
};

enum store_sync_trigger {
	SYNC_TRIGGER_MANUAL = 0,
	SYNC_TRIGGER_SCHEDULED = 1,
	SYNC_TRIGGER_DOWNLOADFILES = 2,	/* a downstream's DownloadFiles: a
					 * content-only run (migration 10) */
};

/* One sync run (a row of sync_history).  Strings point into the store
 * for the duration of a callback, or are caller's on input. */
struct store_sync_run {
	int64_t	    id;
	int64_t	    request;		/* sync_requests id that started it, 0 */
	int64_t	    start, end;		/* unix time; end 0 while running */
	int	    result;		/* enum store_sync_result */
	int	    trigger;		/* enum store_sync_trigger */
	const char *phase;		/* running: phase name; else last */
	int64_t	    done, total;	/* progress within the phase */
	int64_t	    new_updates, revised, expired;
	int64_t	    files, bytes;	/* content downloaded */
	const char *error;		/* NULL when none */
	bool	    full_resync;	/* ServerChanged: started over with
					 * full lists (migration 8) */
	const char *note;		/* what the run noticed that is no
					 * error (express files not hosted,
					 * Retry-After waits); NULL: none
					 * (migration 10) */
};

/* Rollups (wsusss.md §11): after each sync, and on their own every
 * rollup_schedule.every minutes (0: only after syncs). */
#define STORE_ROLLUP_EVERY_DEFAULT	240	/* minutes */
#define STORE_ROLLUP_EVERY_MAX		10080	/* a week */

enum store_rollup_trigger {
	ROLLUP_TRIGGER_SYNC = 0,	/* the rollup step of a sync */
	ROLLUP_TRIGGER_SCHEDULED = 1,	/* on its own schedule */
};

/* One rollup (a row of rollup_runs). */
struct store_rollup_run {
	int64_t	    id;
	int64_t	    start, end;		/* unix time */
	int	    result;		/* SYNC_RESULT_OK or SYNC_RESULT_FAILED */
	int	    trigger;		/* enum store_rollup_trigger */
	int64_t	    servers;		/* server entries sent (ours included) */
	int64_t	    computers;		/* computers sent */
	const char *error;		/* NULL when none */
};

typedef int (*store_rollup_run_cb)(const struct store_rollup_run *,
    void *arg);

/* One update state of a local computer as last rolled up (rollup_sent). */
struct store_rollup_sent {
	char	    update_id[GUID_STRLEN + 1];
	int	    state;		/* enum update_state */
	int64_t	    changed;		/* its LastChangeTime, unix */
};
typedef int (*store_rollup_sent_cb)(const struct store_rollup_sent *,
    void *arg);

enum store_sync_request {
	SYNC_REQUEST_NOW = 1,
	SYNC_REQUEST_CANCEL = 2,
};

typedef int (*store_sync_run_cb)(const struct store_sync_run *, void *arg);

/*
 * sync_config_get: the configuration (*c zeroed first; defaults when
 *   never set).
 * sync_config_set: replace it whole (next_run is not taken from c; it is
 *   reset to 0 so wsusd computes it again); INVALID for out-of-range
 *   values or over-long text.
 * sync_next_set: the time of the next scheduled run (0 none).
 * sync_run_begin: a new history row, running, at start; any row still
 *   "running" (a wsusd that died) is closed first as failed with the
 *   error "interrupted".  *id is the new row.
 * sync_run_abandon: the same closing of rows still "running" (end =
 *   end), alone: wsusd does it when its sync runner starts.
 * sync_run_progress: the running row's phase and progress and counts
 *   (r->phase, done, total, new_updates, revised, expired, files, bytes).
 * sync_run_end: close row r->id with r->end, result, counts and error.
 * sync_run_list: rows newest first, at most limit (0: all).
 * sync_run_get: one row by id (NOTFOUND), or the newest with id 0.
 * sync_request_put: a request row (kind); *id is its id.
 * sync_request_take: the oldest request, deleted as it is read; *kind 0
 *   and *id 0 when there is none.
 * rollup_schedule_get: minutes between rollups of their own (0: only
 *   after syncs) and the unix time of the next (0: not computed yet).
 * rollup_schedule_set: the minutes (0..STORE_ROLLUP_EVERY_MAX, else
 *   INVALID); the next time is reset to 0 so wsusd computes it again.
 * rollup_next_set: the next rollup time.
 * rollup_run_add: record a finished rollup (r->id set to its row);
 *   INVALID for a bad result, trigger or negative count.
 * rollup_run_list: newest first, at most limit (0: all).
 * rollup_sent_list: the states last rolled up for local computer cid
 *   (none: never, or not since the last full rollup), by update id.
 * rollup_sent_set: replace cid's rows with v (n of them; n 0: none),
 *   in one transaction; INVALID for a bad id or state.
 */
#define STORE_OPS_SYNC_SERVICE(X, p)					\
	X(p, sync_config_get, (struct store *st,			\
	    struct store_sync_config *c), (st, c))			\
	X(p, sync_config_set, (struct store *st,			\
	    const struct store_sync_config *c), (st, c))		\
	X(p, sync_next_set, (struct store *st, int64_t when), (st, when)) \
	X(p, sync_run_begin, (struct store *st, int trigger,		\
	    int64_t request, int64_t start, int64_t *id),		\
	    (st, trigger, request, start, id))				\
	X(p, sync_run_abandon, (struct store *st, int64_t end),	\
	    (st, end))							\
	X(p, sync_run_progress, (struct store *st,			\
	    const struct store_sync_run *r), (st, r))			\
	X(p, sync_run_end, (struct store *st,				\
	    const struct store_sync_run *r), (st, r))			\
	X(p, sync_run_list, (struct store *st, size_t limit,		\
	    store_sync_run_cb cb, void *arg), (st, limit, cb, arg))	\
	X(p, sync_run_get, (struct store *st, int64_t id,		\
	    store_sync_run_cb cb, void *arg), (st, id, cb, arg))	\
	X(p, sync_request_put, (struct store *st, int kind,		\
	    int64_t *id), (st, kind, id))				\
	X(p, sync_request_take, (struct store *st, int *kind,		\
	    int64_t *id), (st, kind, id))				\
	X(p, rollup_schedule_get, (struct store *st, int *every,	\
	    int64_t *next), (st, every, next))				\
	X(p, rollup_schedule_set, (struct store *st, int every),	\
	    (st, every))						\
	X(p, rollup_next_set, (struct store *st, int64_t when),	\
	    (st, when))							\
	X(p, rollup_run_add, (struct store *st,			\
	    struct store_rollup_run *r), (st, r))			\
	X(p, rollup_run_list, (struct store *st, size_t limit,		\
	    store_rollup_run_cb cb, void *arg), (st, limit, cb, arg))	\
	X(p, rollup_sent_list, (struct store *st, const char *cid,	\
	    store_rollup_sent_cb cb, void *arg), (st, cid, cb, arg))	\
	X(p, rollup_sent_set, (struct store *st, const char *cid,	\
	    const struct store_rollup_sent *v, size_t n), (st, cid, v, n))

struct store_sync_service_ops {
	STORE_OPS_SYNC_SERVICE(STORE_OP_MEMBER, _)
};
STORE_OPS_SYNC_SERVICE(STORE_OP_WRAPPER, sync_service)

/* "ok", "failed", ...; "manual", "scheduled", "downloadfiles";
 * "approved", "all", ... */
const char *store_sync_result_name(int result);
const char *store_sync_trigger_name(int trigger);
const char *store_sync_content_name(int content);
/* "sync", "scheduled" */
const char *store_rollup_trigger_name(int trigger);

#endif
