/*
 * sync_rollup.c — the rollup schedule and the rollup runs of the sync
 * service (store/sync_service.h, migration 8) in the SQLite backend:
 * the one-row table rollup_schedule, the history rollup_runs and the
 * states last rolled up per local computer (rollup_sent).
 *
 * Not here: the rollup itself (src/sync/rollup.c), when it runs
 * (src/daemon/sync_runner.c), what downstreams roll up to us
 * (rollup.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"

static const char SQL_SCHED_GET[] =
    "SELECT every, next_rollup FROM rollup_schedule WHERE id = 1";
static const char SQL_SCHED_SET[] =
    "UPDATE rollup_schedule SET every = ?1, next_rollup = 0 WHERE id = 1";
static const char SQL_NEXT_SET[] =
    "UPDATE rollup_schedule SET next_rollup = ?1 WHERE id = 1";
static const char SQL_RUN_ADD[] =
    "INSERT INTO rollup_runs(start, end, result, trigger, servers, "
    "computers, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_RUN_LIST[] =
    "SELECT id, start, end, result, trigger, servers, computers, error "
    "FROM rollup_runs ORDER BY id DESC LIMIT ?1";

/* One write statement in its own transaction. */
static int
write_one(struct sq *s, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	if ((rc = sq_begin(s)) != STORE_OK) {
		sq_done(stmt);
		return rc;
	}
	if ((rc = sq_exec_stmt(s, stmt, what)) != STORE_OK) {
		sq_rollback(s);
		return rc;
	}
	return sq_commit(s);
}

/* every, next_rollup (sq_one_row); arg: struct sched_row. */
struct sched_row {
	int	*every;
	int64_t	*next;
};

static void
sched_row(sqlite3_stmt *stmt, void *arg)
{
	struct sched_row *r = arg;

	*r->every = sqlite3_column_int(stmt, 0);
	*r->next = sqlite3_column_int64(stmt, 1);
}

int
sq_rollup_schedule_get(struct store *st, int *every, int64_t *next)
{
	struct sq *s = (struct sq *)st;
	struct sched_row r = { every, next };
	sqlite3_stmt *stmt;
	bool found;
	int rc;

	*every = STORE_ROLLUP_EVERY_DEFAULT;
	*next = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SCHED_GET)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_one_row(s, stmt, "read rollup schedule", sched_row, &r,
	    &found)) != STORE_OK)
		return rc;
	if (!found)
		return store_seterr(st, STORE_ERROR, "rollup schedule row "
		    "missing");
	return STORE_OK;
}

int
sq_rollup_schedule_set(struct store *st, int every)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (every < 0 || every > STORE_ROLLUP_EVERY_MAX)
		return store_seterr(st, STORE_INVALID, "rollup every %d "
		    "minutes not in 0..%d", every, STORE_ROLLUP_EVERY_MAX);
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SCHED_SET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(stmt, 1, every);
	return write_one(s, stmt, "write rollup schedule");
}

int
sq_rollup_next_set(struct store *st, int64_t when)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (when < 0)
		return store_seterr(st, STORE_INVALID, "negative time");
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_NEXT_SET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, when);
	return write_one(s, stmt, "write next rollup time");
}

int
sq_rollup_run_add(struct store *st, struct store_rollup_run *r)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (r == NULL || (r->result != SYNC_RESULT_OK &&
	    r->result != SYNC_RESULT_FAILED) ||
	    (r->trigger != ROLLUP_TRIGGER_SYNC &&
	    r->trigger != ROLLUP_TRIGGER_SCHEDULED))
		return store_seterr(st, STORE_INVALID, "a rollup run is ok "
		    "or failed, after a sync or scheduled");
	if (r->start < 0 || r->end < r->start || r->servers < 0 ||
	    r->computers < 0)
		return store_seterr(st, STORE_INVALID, "negative count or "
		    "time");
	if ((rc = sq_text_max(s, "error", r->error, STORE_SYNC_ERROR_MAX)) !=
	    STORE_OK || (rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_RUN_ADD)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, r->start);
	sqlite3_bind_int64(stmt, 2, r->end);
	sqlite3_bind_int(stmt, 3, r->result);
	sqlite3_bind_int(stmt, 4, r->trigger);
	sqlite3_bind_int64(stmt, 5, r->servers);
	sqlite3_bind_int64(stmt, 6, r->computers);
	sq_bind_text(stmt, 7, sq_opt_text(r->error));
	if ((rc = write_one(s, stmt, "record rollup run")) != STORE_OK)
		return rc;
	r->id = sqlite3_last_insert_rowid(s->db);
	return STORE_OK;
}

int
sq_rollup_run_list(struct store *st, size_t limit, store_rollup_run_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_rollup_run r;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_RUN_LIST)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, limit == 0 || limit > INT64_MAX ? -1 :
	    (int64_t)limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(stmt, 0);
		r.start = sqlite3_column_int64(stmt, 1);
		r.end = sqlite3_column_int64(stmt, 2);
		r.result = sqlite3_column_int(stmt, 3);
		r.trigger = sqlite3_column_int(stmt, 4);
		r.servers = sqlite3_column_int64(stmt, 5);
		r.computers = sqlite3_column_int64(stmt, 6);
		r.error = (const char *)sqlite3_column_text(stmt, 7);
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list rollup runs");
	sq_done(stmt);
	return rc;
}

/* ---- the states last rolled up per local computer ---- */

static const char SQL_SENT_LIST[] =
    "SELECT update_id, state, changed FROM rollup_sent "
    "WHERE client_id = ?1 ORDER BY update_id";
static const char SQL_SENT_CLEAR[] =
    "DELETE FROM rollup_sent WHERE client_id = ?1";
static const char SQL_SENT_ADD[] =
    "INSERT OR REPLACE INTO rollup_sent(client_id, update_id, state, "
    "changed) VALUES (?1, ?2, ?3, ?4)";

#define CLIENT_ID_MAX	256	/* bytes of a client id */

int
sq_rollup_sent_list(struct store *st, const char *cid,
    store_rollup_sent_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_rollup_sent r;
	sqlite3_stmt *stmt;
	int rc;

	if (cid == NULL || strlen(cid) > CLIENT_ID_MAX)
		return store_seterr(st, STORE_INVALID, "bad client id");
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SENT_LIST)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, cid);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(stmt, 0);

		memset(&r, 0, sizeof(r));
		snprintf(r.update_id, sizeof(r.update_id), "%s", u ? u : "");
		r.state = sqlite3_column_int(stmt, 1);
		r.changed = sqlite3_column_int64(stmt, 2);
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list rolled-up "
	    "states");
	sq_done(stmt);
	return rc;
}

int
sq_rollup_sent_set(struct store *st, const char *cid,
    const struct store_rollup_sent *v, size_t n)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	if (cid == NULL || cid[0] == '\0' || strlen(cid) > CLIENT_ID_MAX)
		return store_seterr(st, STORE_INVALID, "bad client id");
	for (i = 0; i < n; i++)
		if (v[i].state < 0 || v[i].state > 6 ||
		    strlen(v[i].update_id) != GUID_STRLEN)
			return store_seterr(st, STORE_INVALID, "bad rolled-up "
			    "state %zu", i);
	if ((rc = sq_ready(s)) != STORE_OK || (rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SENT_CLEAR)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sq_bind_text(stmt, 1, cid);
	if ((rc = sq_exec_stmt(s, stmt, "clear rolled-up states")) !=
	    STORE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((stmt = sq_stmt(s, SQL_SENT_ADD)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sq_bind_text(stmt, 1, cid);
		sq_bind_text(stmt, 2, v[i].update_id);
		sqlite3_bind_int(stmt, 3, v[i].state);
		sqlite3_bind_int64(stmt, 4, v[i].changed);
		if ((rc = sq_exec_stmt(s, stmt, "record rolled-up state")) !=
		    STORE_OK)
			goto fail;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}
