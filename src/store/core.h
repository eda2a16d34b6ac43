/*
 * core.h — the core of the storage interface of wsusd: result codes, the
 * handle (struct store), the backend table (struct store_ops), open and
 * close, schema version and migration, raw settings, import batches and
 * housekeeping.
 *
 * It is not the operations of any domain: those are declared, one header
 * per domain, in store/updates.h, store/groups.h, store/computers.h,
 * store/reporting.h, store/catalog.h, store/rollup.h and
 * store/sync_state.h; typed settings are in store/settings.h.  New code
 * includes this header and the domain headers it uses; store/store.h
 * includes them all for older callers.
 *
 * How an operation is declared (docs/STORE.md): each header holds ONE
 * X-macro list of its operations,
 *
 *	#define STORE_OPS_GROUPS(X, p) \
 *	    X(p, group_create, (struct store *st, const char *name, \
 *	        int64_t parent, int64_t *id), (st, name, parent, id)) ...
 *
 * from which the macros below generate the members of the domain's table
 * (STORE_OP_MEMBER), the inline wrappers store_<name>() callers use
 * (STORE_OP_WRAPPER), a backend's prototypes <prefix>_<name>()
 * (STORE_OP_PROTO) and its table initializer (STORE_OP_INIT).
 *
 * A handle is used by one thread at a time; open one per thread.  Every
 * mutating call is atomic: it commits whole or changes nothing.  Strings
 * in result structs point into memory owned by the store for the
 * duration of the callback only (copy what you keep), unless a function
 * says otherwise.  Error text goes to the handle and is readable with
 * store_errmsg().
 */
#ifndef WSUSD_STORE_CORE_H
#define WSUSD_STORE_CORE_H

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

/* Imports per transaction in a batch (store_batch_begin). */
#define STORE_BATCH_MAX			256

struct store;
struct store_ops;

/* ---- generators over the X-macro lists (p: wrapper field or prefix) ---- */

/* A member of a domain table: int (*name)(params); */
#define STORE_OP_MEMBER(p, name, params, args)	int (*name) params;
/* The wrapper callers use: store_name(params), through the domain table p. */
#define STORE_OP_WRAPPER(p, name, params, args)				\
	static inline int store_##name params				\
	{ return st->ops->p->name args; }
/* A backend's prototype: int p_name(params); */
#define STORE_OP_PROTO(p, name, params, args)	int p##_##name params;
/* A backend's table initializer: .name = p_name, */
#define STORE_OP_INIT(p, name, params, args)	.name = p##_##name,

/*
 * The core operations.  schema_version: version now and newest this
 * build knows; migrate applies the rest.  setting_get: caller frees
 * *value; setting_init sets only when absent (*created tells which
 * happened); settings are raw text here, store/settings.h types them.
 *
 * batch_begin/batch_end (bulk import): between them, revision_import
 * calls share transactions, committed every STORE_BATCH_MAX imports and
 * at batch_end.  Each import stays atomic on its own (a savepoint): a
 * failed one leaves nothing and the batch goes on.  An import that
 * returned STORE_OK is committed only by the next batch commit;
 * batch_end returns an error if any batch commit failed (then re-run the
 * import: it is idempotent).  Any other mutating call commits the
 * pending batch first; close commits it too.
 *
 * maintain: housekeeping for long-running processes (wsusd calls it once
 * a minute on a handle of its own).  SQLite: checkpoint the write-ahead
 * log; when the log has grown past 64 MiB, wait for readers and truncate
 * it — with writers on several threads a passive checkpoint never finds
 * a moment to restart the log, and it grew to 1.2 GB while 100,000
 * computers registered (bench/computers.sh).  STORE_BUSY: try again
 * later.
 *
 * quick_check: a bounded consistency check of the whole database before
 * wsusd says it is ready (SQLite: PRAGMA quick_check, which reads every
 * page once but skips the index-content comparison of integrity_check).
 * STORE_ERROR with the first problem found in the error text.
 *
 * tx_begin/tx_commit/tx_rollback: one transaction around several
 * mutating calls (a replica's GetDeployments answer: groups, approvals,
 * declines, deployment rows and anchor).  Between them each call stays
 * atomic on its own (a failed one leaves nothing and the caller may go
 * on), and nothing is visible to other handles nor durable before
 * tx_commit; tx_rollback (or close, or a crash) undoes every call since
 * tx_begin.  Not nested, not inside batch_begin/batch_end (INVALID).
 * tx_commit fails, having rolled everything back, when the backend lost
 * the transaction on an earlier error; tx_rollback without tx_begin is
 * STORE_OK.
 */
#define STORE_OPS_CORE(X, p)						\
	X(p, schema_version, (struct store *st, int *current, int *latest), \
	    (st, current, latest))					\
	X(p, migrate, (struct store *st, int *from, int *to),		\
	    (st, from, to))						\
	X(p, setting_get, (struct store *st, const char *key,		\
	    char **value), (st, key, value))				\
	X(p, setting_set, (struct store *st, const char *key,		\
	    const char *value), (st, key, value))			\
	X(p, setting_init, (struct store *st, const char *key,		\
	    const char *value, bool *created), (st, key, value, created)) \
	X(p, batch_begin, (struct store *st), (st))			\
	X(p, batch_end, (struct store *st), (st))			\
	X(p, maintain, (struct store *st), (st))			\
	X(p, tx_begin, (struct store *st), (st))			\
	X(p, tx_commit, (struct store *st), (st))			\
	X(p, tx_rollback, (struct store *st), (st))			\
	X(p, quick_check, (struct store *st), (st))

/*
 * The backend table: open/close, the core operations, and one table per
 * domain (defined in the domain's header).  A new domain adds one
 * pointer here; a new backend fills one struct store_ops.
 */
struct store_ops {
	const char *scheme;		/* "sqlite", "postgresql" */
	int  (*open)(const char *url, struct store **out, char *err, size_t errlen);
	void (*close)(struct store *);
	STORE_OPS_CORE(STORE_OP_MEMBER, _)
	const struct store_updates_ops	  *updates;	/* store/updates.h */
	const struct store_groups_ops	  *groups;	/* store/groups.h */
	const struct store_computers_ops  *computers;	/* store/computers.h */
	const struct store_reporting_ops  *reporting;	/* store/reporting.h */
	const struct store_catalog_ops	  *catalog;	/* store/catalog.h */
	const struct store_rollup_ops	  *rollup;	/* store/rollup.h */
	const struct store_sync_state_ops *sync_state;	/* store/sync_state.h */
	const struct store_sync_service_ops *sync_service; /* store/sync_service.h */
};

/* Backends embed this as the first member of their own handle. */
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

/* Core wrappers (store_schema_version, ..., store_maintain). */
#define STORE_OP_CORE_WRAPPER(p, name, params, args)			\
	static inline int store_##name params				\
	{ return st->ops->name args; }
STORE_OPS_CORE(STORE_OP_CORE_WRAPPER, _)

/* Kept for older code: call a core operation by name. */
#define STORE_CALL(st, fn, ...)	((st)->ops->fn((st), __VA_ARGS__))

#endif
