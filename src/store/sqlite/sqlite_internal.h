/*
 * sqlite_internal.h — what the files of the SQLite backend share: the
 * handle, the prepared-statement cache, transactions, error mapping and
 * the migration list.  Not for use outside src/store/sqlite/ (the unit
 * tests use it to inject migrations).
 *
 * Thread model: a handle is opened with SQLITE_OPEN_NOMUTEX and belongs
 * to one thread at a time; open one handle per thread.
 */
#ifndef WSUSD_STORE_SQLITE_INTERNAL_H
#define WSUSD_STORE_SQLITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/zblob.h"

#define SQ_BUSY_TIMEOUT_MS	5000
#define SQ_STMT_SLOTS		256	/* statement cache size (power of 2) */

/* Cache slot: keyed by the address of a static SQL string. */
struct sq_slot {
	const char	*sql;		/* borrowed: static storage */
	sqlite3_stmt	*stmt;		/* owned; finalized at close */
};

struct sq {
	struct store	 base;		/* must be first */
	sqlite3		*db;		/* owned */
	char		*path;		/* owned; file name given to SQLite */
	bool		 schema_ok;	/* user_version == latest seen */
	bool		 in_tx;		/* inside sq_begin .. commit/rollback */
	bool		 batch;		/* between batch_begin and batch_end */
	bool		 batch_tx;	/* the open transaction is a batch's */
	int		 batch_n;	/* imports in the open batch transaction */
	bool		 batch_failed;	/* a batch commit failed since batch_begin */
	bool		 outer;		/* inside tx_begin .. tx_commit/rollback:
					 * sq_begin/commit/rollback are the
					 * savepoint "op" */
	struct zblob	 z;		/* compression state for imports */
	struct sq_slot	 slots[SQ_STMT_SLOTS];
};

/* One schema migration: SQL run in one transaction, then user_version = version. */
struct sq_migration {
	int		 version;	/* 1, 2, ... in order */
	const char	*name;		/* short description for logs */
	const char	*sql;		/* one or more statements */
	/* then, in the same transaction (NULL: none): moves data SQL
	 * cannot (migration 4 parses the old sync settings) */
	int		(*post)(struct sq *);
};

extern const struct sq_migration sq_migrations[];
extern const int sq_migrations_count;

/* Cached prepared statement for a static SQL string, reset and with
 * bindings cleared; NULL with errmsg set on failure. */
sqlite3_stmt *sq_stmt(struct sq *, const char *sql);
/* Reset a statement after use (ends its read, drops bindings). */
void	sq_done(sqlite3_stmt *);

/* Set errmsg from the connection's last error; return the mapped rc. */
int	sq_fail(struct sq *, const char *what);
/* Map a SQLite result code to enum store_rc. */
int	sq_rc(int sqlite_rc);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  sq_rollback never fails. */
int	sq_begin(struct sq *);
int	sq_commit(struct sq *);
void	sq_rollback(struct sq *);

/*
 * One atomic unit of work (an import): its own transaction normally, a
 * savepoint inside the shared batch transaction in batch mode.
 */
int	sq_unit_begin(struct sq *);
int	sq_unit_commit(struct sq *);
void	sq_unit_rollback(struct sq *);
/* Commit the open batch transaction, if any. */
int	sq_batch_flush(struct sq *);

/* STORE_OK when the schema is current, else an error telling to migrate. */
int	sq_ready(struct sq *);
/* Bump the global change counter (inside a transaction); *seq = new value. */
int	sq_next_change(struct sq *, int64_t *seq);
/* Step a statement that returns no rows, then sq_done(); rc of the step. */
int	sq_exec_stmt(struct sq *, sqlite3_stmt *, const char *what);
/*
 * The one single-row step: step a prepared and bound statement that
 * gives at most one row, then sq_done().  sq_one_int64: column 0 into
 * *out (0 when no row); sq_one_text: a copy of column 0 into *out (caller
 * frees; NULL when no row or SQL NULL).  *found (may be NULL): whether
 * there was a row.  STORE_OK, or the error mapped with what.
 */
int	sq_one_int64(struct sq *, sqlite3_stmt *, const char *what,
	    int64_t *out, bool *found);
int	sq_one_text(struct sq *, sqlite3_stmt *, const char *what,
	    char **out, bool *found);
/* Several columns: row(stmt, arg) reads the row when there is one. */
typedef void (*sq_row_fn)(sqlite3_stmt *, void *arg);
int	sq_one_row(struct sq *, sqlite3_stmt *, const char *what,
	    sq_row_fn row, void *arg, bool *found);
/* An sq_row_fn for two counts: columns 0 and 1 into ((size_t *)arg)[0..1]. */
void	sq_two_counts_row(sqlite3_stmt *, void *arg);
/* Prepare (cached) sql, bind ?1 to key or id, then sq_one_int64. */
int	sq_one_int64_by_text(struct sq *, const char *sql, const char *key,
	    const char *what, int64_t *out, bool *found);
int	sq_one_int64_by_id(struct sq *, const char *sql, int64_t id,
	    const char *what, int64_t *out, bool *found);
/* Prepare (cached) sql, bind ?1 to id, then sq_exec_stmt (no rows). */
int	sq_exec_by_id(struct sq *, const char *sql, int64_t id,
	    const char *what);

/*
 * SQL pieces for the computers table "c": the members of group ?2 (with
 * its subgroups) under targeting mode ?1.  GROUP_CTE opens the query,
 * GROUP_COND is the condition: groups 0 and 1 (All Computers) are
 * everyone, 2 (Unassigned) those without a membership of that kind.
 */
#define GROUP_CTE \
    "WITH RECURSIVE sub(id) AS (SELECT ?2 UNION SELECT g.id FROM " \
    "target_groups g JOIN sub ON g.parent_id = sub.id) "
#define GROUP_COND \
    "(?2 IN (0, 1) OR (?2 = 2 AND NOT EXISTS (SELECT 1 FROM " \
    "computer_groups cg WHERE cg.computer_id = c.id AND cg.source = ?1)) " \
    "OR (?2 NOT IN (0, 1, 2) AND EXISTS (SELECT 1 FROM computer_groups cg " \
    "WHERE cg.computer_id = c.id AND cg.source = ?1 AND cg.group_id IN " \
    "sub)))"

/* Column i as text; NULL for SQL NULL (valid until the next step). */
const char *sq_col_text(sqlite3_stmt *, int i);
/* Column i as an owned copy (xstrdup); NULL for SQL NULL or "" (unset). */
char	*sq_col_opt_dup(sqlite3_stmt *, int i);

/* Optional text: NULL for NULL or "" (unset), else v. */
const char *sq_opt_text(const char *v);
/* STORE_INVALID "<what> is longer than <max> bytes" when v (may be NULL)
   is longer than max, else STORE_OK. */
int	sq_text_max(struct sq *, const char *what, const char *v, size_t max);

/* Bind helpers: text NULL binds SQL NULL; the caller keeps s alive. */
int	sq_bind_text(sqlite3_stmt *, int idx, const char *s);

/* Migration engine over any list (tests inject failing lists). */
int	sq_migrate_list(struct sq *, const struct sq_migration *, int count,
	    int *from, int *to);
int	sq_user_version(struct sq *, int *version);

/*
 * The backend's operations: int sq_<name>(...) for every operation of
 * every domain (store/store.h STORE_OPS_ALL), defined one domain per
 * file or a few: updates.c, update_list.c and files.c (updates),
 * groups.c and approvals.c (groups),
 * computers.c and targeting.c (computers), reporting.c (reporting),
 * catalog.c (catalog), downstream.c and rollup.c (rollup),
 * sync_state.c (sync state), store_sqlite.c (core).  The tables are in
 * store_sqlite.c.
 */
STORE_OPS_DECLARE(sq)

/* groups.c: whether group id exists. */
int	sq_group_exists(struct sq *, int64_t id, bool *exists);
/* approvals.c: delete deployments matching update (0 any) and group (0
 * any), leaving tombstones for anchor-based sync; *n = how many.
 * Inside a tx. */
int	sq_deployments_delete(struct sq *, int64_t update_local_id,
	    int64_t group_id, int64_t *n);

/* computers.c, targeting.c, reporting.c */
#define SQ_GROUP_ALL		1	/* All Computers (migration 1) */
#define SQ_GROUP_UNASSIGNED	2	/* Unassigned Computers */
/* STORE_INVALID with a message unless cid is 1..255 of [a-z0-9-]. */
int	sq_client_id_check(struct sq *, const char *cid);
/* Local id of a client id; 0 when absent (STORE_OK). */
int	sq_computer_id(struct sq *, const char *cid, int64_t *id);
/* The targeting mode setting (store/settings.h; server when unset or bad). */
int	sq_targeting_mode(struct sq *, enum targeting_mode *);
/* An integer setting of the registry (store/settings.h): its default
 * when absent or refused; only a failed read is an error. */
int	sq_setting_int(struct sq *, const char *key, int64_t *out);

/* sync_state.c: migration 4's move of the old sync_* settings. */
int	sq_sync_state_migrate(struct sq *);

/* downstream.c: local id of a downstream server id; 0 when absent. */
int	sq_downstream_id(struct sq *, const char *server_id, int64_t *id);

#endif
