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
	struct zblob	 z;		/* compression state for imports */
	struct sq_slot	 slots[SQ_STMT_SLOTS];
};

/* One schema migration: SQL run in one transaction, then user_version = version. */
struct sq_migration {
	int		 version;	/* 1, 2, ... in order */
	const char	*name;		/* short description for logs */
	const char	*sql;		/* one or more statements */
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

/* Bind helpers: text NULL binds SQL NULL; the caller keeps s alive. */
int	sq_bind_text(sqlite3_stmt *, int idx, const char *s);

/* Migration engine over any list (tests inject failing lists). */
int	sq_migrate_list(struct sq *, const struct sq_migration *, int count,
	    int *from, int *to);
int	sq_user_version(struct sq *, int *version);

/* Backend ops, one file per area. */
int	sq_schema_version(struct store *, int *current, int *latest);
int	sq_migrate(struct store *, int *from, int *to);

int	sq_revision_import(struct store *, const struct update *,
	    const struct update_doc *, int64_t *revision_id, bool *created);
int	sq_revision_lookup(struct store *, const char *update_id,
	    int32_t revision, int64_t *revision_id);
int	sq_fragment_get(struct store *, int64_t revision_id,
	    enum store_fragment_kind, const char *language, char **xml,
	    size_t *len);
int	sq_update_list(struct store *, const struct store_update_filter *,
	    store_update_cb, void *arg);
int	sq_update_count(struct store *, size_t *revisions, size_t *updates);
int	sq_file_lookup(struct store *, const uint8_t sha1[20],
	    struct store_file *, char **name);
int	sq_file_set_present(struct store *, const uint8_t sha1[20], bool);
int	sq_file_list(struct store *, bool approved_only, store_file_cb, void *);

int	sq_group_create(struct store *, const char *name, int64_t parent_id,
	    int64_t *id);
int	sq_group_rename(struct store *, int64_t id, const char *name);
int	sq_group_delete(struct store *, int64_t id);
int	sq_group_move(struct store *, int64_t id, int64_t new_parent_id);
int	sq_group_find(struct store *, const char *name_or_guid, int64_t *id);
int	sq_group_list(struct store *, store_group_cb, void *arg);
/* Resolve a group id (0 = none given) for approvals; NOTFOUND if absent. */
int	sq_group_exists(struct sq *, int64_t id, bool *exists);

int	sq_approve(struct store *, const char *update_id, int64_t group_id,
	    enum approval_action, int64_t deadline, const char *admin,
	    int64_t *deployment_id);
int	sq_unapprove(struct store *, const char *update_id, int64_t group_id);
int	sq_decline(struct store *, const char *update_id, bool declined);
int	sq_approval_list(struct store *, const char *update_id,
	    int64_t group_id, store_approval_cb, void *arg);
/* Delete deployments matching update (0 any) and group (0 any), leaving
 * tombstones for anchor-based sync; *n = how many.  Inside a tx. */
int	sq_deployments_delete(struct sq *, int64_t update_local_id,
	    int64_t group_id, int64_t *n);

/* catalog.c (MS-WUSP catalog snapshot; added by the wusp catalog engineer) */
int	sq_catalog_load(struct store *, const struct store_catalog_sink *,
	    int64_t *change_seq);
int	sq_change_seq(struct store *, int64_t *seq);

/* ==== computers.c, reporting.c (reporting engineer) ==== */
#define SQ_GROUP_ALL		1	/* All Computers (migration 1) */
#define SQ_GROUP_UNASSIGNED	2	/* Unassigned Computers */
/* STORE_INVALID with a message unless cid is 1..255 of [a-z0-9-]. */
int	sq_client_id_check(struct sq *, const char *cid);
/* Local id of a client id; 0 when absent (STORE_OK). */
int	sq_computer_id(struct sq *, const char *cid, int64_t *id);
int	sq_targeting_mode(struct sq *, enum targeting_mode *);
/* An integer setting within [lo, hi], else def. */
int	sq_setting_int(struct sq *, const char *key, int64_t def, int64_t lo,
	    int64_t hi, int64_t *out);

int	sq_computer_contact(struct store *, const char *client_id,
	    const char *dns_name, const char *claim, const char *ip,
	    int64_t now);
int	sq_computer_register(struct store *, const char *client_id,
	    const struct store_computer_info *, int64_t now,
	    struct store_register_result *);
int	sq_computer_synced(struct store *, const char *client_id, int64_t now);
int	sq_computer_groups(struct store *, const char *client_id,
	    struct store_group_ref *out, size_t max, size_t *n,
	    int64_t *registered);
int	sq_computer_move(struct store *, int64_t computer_id, int64_t group_id);
int	sq_computer_delete(struct store *, int64_t computer_id);
int	sq_computer_find(struct store *, const char *name, int64_t *computer_id);
int	sq_computer_get(struct store *, int64_t computer_id,
	    store_computer_cb, void *arg);
int	sq_computer_list(struct store *, const struct store_computer_filter *,
	    store_computer_cb, void *arg);
int	sq_computer_identities(struct store *, int64_t computer_id,
	    store_identity_cb, void *arg);
int	sq_targeting_get(struct store *, enum targeting_mode *);
int	sq_targeting_set(struct store *, enum targeting_mode);
int	sq_event_batch(struct store *, const char *client_id,
	    const struct store_event_batch *, int64_t now,
	    struct store_batch_result *);
int	sq_event_list(struct store *, int64_t computer_id, size_t limit,
	    store_event_cb, void *arg);
int	sq_event_prune(struct store *, int64_t now, size_t *n);
int	sq_status_list(struct store *, int64_t computer_id,
	    store_status_cb, void *arg);
int	sq_compliance(struct store *, const struct store_compliance_filter *,
	    store_compliance_cb, void *arg);
/* ==== end of computers.c, reporting.c ==== */

/* ==== downstream.c, rollup.c (rollup engineer; docs/ROLLUP.md) ==== */
int	sq_downstream_touch(struct store *, const struct store_downstream_contact *,
	    int64_t now);
int	sq_downstream_list(struct store *, store_downstream_cb, void *arg);
int	sq_downstream_find(struct store *, const char *name, int64_t *id);
int	sq_downstream_get(struct store *, int64_t id, store_downstream_cb, void *arg);
int	sq_downstream_remove(struct store *, int64_t id, size_t *n);
/* Local id of a downstream server id; 0 when absent (STORE_OK). */
int	sq_downstream_id(struct sq *, const char *server_id, int64_t *id);
int	sq_rollup_servers(struct store *, const struct store_rollup_server *,
	    size_t n, int64_t now);
int	sq_rollup_computers(struct store *, const struct store_rollup_computer_in *,
	    size_t n, int64_t now, struct store_rollup_computers_result *res);
int	sq_rollup_out_of_sync(struct store *, const char *parent_id,
	    const struct store_rollup_number *nums, size_t n,
	    store_rollup_id_cb cb, void *arg);
int	sq_rollup_status(struct store *, const char *parent_id,
	    const struct store_rollup_status_in *, size_t n, int64_t now,
	    struct store_rollup_status_result *res);
int	sq_rollup_computer_list(struct store *, const char *site_id,
	    store_rollup_computer_cb, void *arg);
int	sq_rollup_compliance(struct store *, const char *site_id, size_t limit,
	    store_compliance_cb, void *arg);
/* ==== end of downstream.c, rollup.c ==== */

#endif
