/*
 * sync_service.c — the sync-service domain (store/sync_service.h) in
 * the SQLite backend: the one-row table sync_config, the run history
 * sync_history and the request queue sync_requests (migration 6; the
 * downloadfiles trigger and a run's note: migration 10).
 *
 * Not here: the protocol state between runs (sync_state.c) and the
 * scheduling itself (src/daemon/sync_runner.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

/* One statement in its own transaction. */
static int
exec_one(struct sq *s, sqlite3_stmt *stmt, const char *what)
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

/* ---- configuration ---- */

static const char SQL_CONFIG_GET[] =
    "SELECT upstream, replica, products, classifications, languages, "
    "content, express, proxy, proxy_user, proxy_password, cacert, "
    "tls_min, protocol, name, per_day, first, jitter, next_run "
    "FROM sync_config WHERE id = 1";

int
sq_sync_config_get(struct store *st, struct store_sync_config *c)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_CONFIG_GET)) == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		c->upstream = sq_col_opt_dup(stmt, 0);
		c->replica = sqlite3_column_int(stmt, 1) != 0;
		c->products = sq_col_opt_dup(stmt, 2);
		c->classifications = sq_col_opt_dup(stmt, 3);
		c->languages = sq_col_opt_dup(stmt, 4);
		c->content = sqlite3_column_int(stmt, 5);
		c->express = sqlite3_column_int(stmt, 6) != 0;
		c->proxy = sq_col_opt_dup(stmt, 7);
		c->proxy_user = sq_col_opt_dup(stmt, 8);
		c->proxy_password = sq_col_opt_dup(stmt, 9);
		c->cacert = sq_col_opt_dup(stmt, 10);
		c->tls_min = sq_col_opt_dup(stmt, 11);
		c->protocol = sq_col_opt_dup(stmt, 12);
		c->name = sq_col_opt_dup(stmt, 13);
		c->per_day = sqlite3_column_int(stmt, 14);
		c->first = sqlite3_column_int(stmt, 15);
		c->jitter = sqlite3_column_int(stmt, 16);
		c->next_run = sqlite3_column_int64(stmt, 17);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = store_seterr(st, STORE_ERROR, "sync config row missing");
	else
		rc = sq_fail(s, "read sync config");
	sq_done(stmt);
	return rc;
}

static const char SQL_CONFIG_SET[] =
    "UPDATE sync_config SET upstream = ?1, replica = ?2, products = ?3, "
    "classifications = ?4, languages = ?5, content = ?6, express = ?7, "
    "proxy = ?8, proxy_user = ?9, proxy_password = ?10, cacert = ?11, "
    "tls_min = ?12, protocol = ?13, name = ?14, per_day = ?15, "
    "first = ?16, jitter = ?17, next_run = 0 WHERE id = 1";

static int
config_check(struct sq *s, const struct store_sync_config *c)
{
	const char *text[] = { c->upstream, c->proxy, c->proxy_user,
	    c->proxy_password, c->cacert, c->tls_min, c->protocol, c->name };
	const char *list[] = { c->products, c->classifications,
	    c->languages };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if ((rc = sq_text_max(s, "sync setting", text[i],
		    STORE_SYNC_TEXT_MAX)) != STORE_OK)
			return rc;
	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if ((rc = sq_text_max(s, "sync list", list[i],
		    STORE_SYNC_LIST_MAX)) != STORE_OK)
			return rc;
	if (c->content < STORE_SYNC_CONTENT_APPROVED ||
	    c->content > STORE_SYNC_CONTENT_ORIGIN)
		return store_seterr(&s->base, STORE_INVALID, "unknown content "
		    "policy %d", c->content);
	if (c->per_day < 0 || c->per_day > STORE_SYNC_PER_DAY_MAX)
		return store_seterr(&s->base, STORE_INVALID, "syncs per day "
		    "%d not in 0..%d", c->per_day, STORE_SYNC_PER_DAY_MAX);
	if (c->first < 0 || c->first >= 24 * 60)
		return store_seterr(&s->base, STORE_INVALID, "first sync "
		    "minute %d not in 0..1439", c->first);
	if (c->jitter < 0 || c->jitter > STORE_SYNC_JITTER_MAX)
		return store_seterr(&s->base, STORE_INVALID, "jitter %d not "
		    "in 0..%d minutes", c->jitter, STORE_SYNC_JITTER_MAX);
	return STORE_OK;
}

int
sq_sync_config_set(struct store *st, const struct store_sync_config *c)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (c == NULL)
		return store_seterr(st, STORE_INVALID, "no sync config");
	if ((rc = config_check(s, c)) != STORE_OK ||
	    (rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_CONFIG_SET)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, sq_opt_text(c->upstream));
	sqlite3_bind_int(stmt, 2, c->replica ? 1 : 0);
	sq_bind_text(stmt, 3, sq_opt_text(c->products));
	sq_bind_text(stmt, 4, sq_opt_text(c->classifications));
	sq_bind_text(stmt, 5, sq_opt_text(c->languages));
	sqlite3_bind_int(stmt, 6, c->content);
	sqlite3_bind_int(stmt, 7, c->express ? 1 : 0);
	sq_bind_text(stmt, 8, sq_opt_text(c->proxy));
	sq_bind_text(stmt, 9, sq_opt_text(c->proxy_user));
	sq_bind_text(stmt, 10, sq_opt_text(c->proxy_password));
	sq_bind_text(stmt, 11, sq_opt_text(c->cacert));
	sq_bind_text(stmt, 12, sq_opt_text(c->tls_min));
	sq_bind_text(stmt, 13, sq_opt_text(c->protocol));
	sq_bind_text(stmt, 14, sq_opt_text(c->name));
	sqlite3_bind_int(stmt, 15, c->per_day);
	sqlite3_bind_int(stmt, 16, c->first);
	sqlite3_bind_int(stmt, 17, c->jitter);
	return exec_one(s, stmt, "write sync config");
}

static const char SQL_NEXT_SET[] =
    "UPDATE sync_config SET next_run = ?1 WHERE id = 1";

int
sq_sync_next_set(struct store *st, int64_t when)
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
	return exec_one(s, stmt, "write next sync time");
}

/* ---- history ---- */

static const char SQL_RUN_ABANDON[] =
    "UPDATE sync_history SET result = 2, end = ?1, "
    "error = 'interrupted (wsusd stopped during the run)' "
    "WHERE result = 0";

int
sq_sync_run_abandon(struct store *st, int64_t end)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_RUN_ABANDON)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, end);
	return sq_exec_stmt(s, stmt, "close abandoned runs");
}

static const char SQL_RUN_BEGIN[] =
    "INSERT INTO sync_history(request, start, trigger, phase) "
    "VALUES (?1, ?2, ?3, 'starting')";

int
sq_sync_run_begin(struct store *st, int trigger, int64_t request,
    int64_t start, int64_t *id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (trigger != SYNC_TRIGGER_MANUAL && trigger != SYNC_TRIGGER_SCHEDULED &&
	    trigger != SYNC_TRIGGER_DOWNLOADFILES)
		return store_seterr(st, STORE_INVALID, "unknown trigger %d",
		    trigger);
	if (request < 0 || start < 0)
		return store_seterr(st, STORE_INVALID, "negative request or "
		    "time");
	if ((rc = sq_ready(s)) != STORE_OK || (rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_RUN_ABANDON)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, start);
	if ((rc = sq_exec_stmt(s, stmt, "close abandoned runs")) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_RUN_BEGIN)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, request);
	sqlite3_bind_int64(stmt, 2, start);
	sqlite3_bind_int(stmt, 3, trigger);
	if ((rc = sq_exec_stmt(s, stmt, "begin sync run")) != STORE_OK)
		goto fail;
	*id = sqlite3_last_insert_rowid(s->db);
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

static const char SQL_RUN_PROGRESS[] =
    "UPDATE sync_history SET phase = ?2, done = ?3, total = ?4, "
    "new_updates = ?5, revised = ?6, expired = ?7, files = ?8, "
    "bytes = ?9 WHERE id = ?1 AND result = 0";
static const char SQL_RUN_END[] =
    "UPDATE sync_history SET phase = ?2, done = ?3, total = ?4, "
    "new_updates = ?5, revised = ?6, expired = ?7, files = ?8, "
    "bytes = ?9, end = ?10, result = ?11, error = ?12, full_resync = ?13, "
    "note = ?14 WHERE id = ?1 AND result = 0";

static int
run_write(struct sq *s, const char *sql, const struct store_sync_run *r,
    bool end)
{
	sqlite3_stmt *stmt;
	int rc;

	if (r == NULL || r->id <= 0)
		return store_seterr(&s->base, STORE_INVALID, "no run id");
	if (r->done < 0 || r->total < 0 || r->new_updates < 0 ||
	    r->revised < 0 || r->expired < 0 || r->files < 0 || r->bytes < 0)
		return store_seterr(&s->base, STORE_INVALID, "negative count");
	if ((rc = sq_text_max(s, "phase", r->phase, 64)) != STORE_OK ||
	    (rc = sq_text_max(s, "error", r->error, STORE_SYNC_ERROR_MAX)) !=
	    STORE_OK || (rc = sq_text_max(s, "note", r->note,
	    STORE_SYNC_ERROR_MAX)) != STORE_OK)
		return rc;
	if (end && (r->result < SYNC_RESULT_OK ||
	    r->result > SYNC_RESULT_CANCELLED))
		return store_seterr(&s->base, STORE_INVALID, "a run ends ok, "
		    "failed or cancelled");
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, r->id);
	sq_bind_text(stmt, 2, sq_opt_text(r->phase));
	sqlite3_bind_int64(stmt, 3, r->done);
	sqlite3_bind_int64(stmt, 4, r->total);
	sqlite3_bind_int64(stmt, 5, r->new_updates);
	sqlite3_bind_int64(stmt, 6, r->revised);
	sqlite3_bind_int64(stmt, 7, r->expired);
	sqlite3_bind_int64(stmt, 8, r->files);
	sqlite3_bind_int64(stmt, 9, r->bytes);
	if (end) {
		sqlite3_bind_int64(stmt, 10, r->end);
		sqlite3_bind_int(stmt, 11, r->result);
		sq_bind_text(stmt, 12, sq_opt_text(r->error));
		sqlite3_bind_int(stmt, 13, r->full_resync ? 1 : 0);
		sq_bind_text(stmt, 14, sq_opt_text(r->note));
	}
	if ((rc = exec_one(s, stmt, "write sync run")) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) != 1)
		return store_seterr(&s->base, STORE_NOTFOUND, "no running "
		    "sync run %lld", (long long)r->id);
	return STORE_OK;
}

int
sq_sync_run_progress(struct store *st, const struct store_sync_run *r)
{
	return run_write((struct sq *)st, SQL_RUN_PROGRESS, r, false);
}

int
sq_sync_run_end(struct store *st, const struct store_sync_run *r)
{
	return run_write((struct sq *)st, SQL_RUN_END, r, true);
}

#define RUN_COLS "id, request, start, end, result, trigger, phase, done, " \
    "total, new_updates, revised, expired, files, bytes, error, full_resync, " \
    "note "
static const char SQL_RUN_LIST[] =
    "SELECT " RUN_COLS "FROM sync_history ORDER BY id DESC LIMIT ?1";
static const char SQL_RUN_GET[] =
    "SELECT " RUN_COLS "FROM sync_history WHERE id = ?1";
static const char SQL_RUN_NEWEST[] =
    "SELECT " RUN_COLS "FROM sync_history ORDER BY id DESC LIMIT 1";

static void
run_row(sqlite3_stmt *stmt, struct store_sync_run *r)
{
	r->id = sqlite3_column_int64(stmt, 0);
	r->request = sqlite3_column_int64(stmt, 1);
	r->start = sqlite3_column_int64(stmt, 2);
	r->end = sqlite3_column_int64(stmt, 3);
	r->result = sqlite3_column_int(stmt, 4);
	r->trigger = sqlite3_column_int(stmt, 5);
	r->phase = (const char *)sqlite3_column_text(stmt, 6);
	r->done = sqlite3_column_int64(stmt, 7);
	r->total = sqlite3_column_int64(stmt, 8);
	r->new_updates = sqlite3_column_int64(stmt, 9);
	r->revised = sqlite3_column_int64(stmt, 10);
	r->expired = sqlite3_column_int64(stmt, 11);
	r->files = sqlite3_column_int64(stmt, 12);
	r->bytes = sqlite3_column_int64(stmt, 13);
	r->error = (const char *)sqlite3_column_text(stmt, 14);
	r->full_resync = sqlite3_column_int(stmt, 15) != 0;
	r->note = (const char *)sqlite3_column_text(stmt, 16);
}

/* Every row of stmt to cb; *n rows seen. */
static int
run_rows(struct sq *s, sqlite3_stmt *stmt, store_sync_run_cb cb, void *arg,
    size_t *n)
{
	struct store_sync_run r;
	int rc;

	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		run_row(stmt, &r);
		(*n)++;
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list sync runs");
	sq_done(stmt);
	return rc;
}

int
sq_sync_run_list(struct store *st, size_t limit, store_sync_run_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	size_t n;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_RUN_LIST)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, limit == 0 || limit > INT64_MAX ? -1 :
	    (int64_t)limit);
	return run_rows(s, stmt, cb, arg, &n);
}

int
sq_sync_run_get(struct store *st, int64_t id, store_sync_run_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	size_t n;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, id == 0 ? SQL_RUN_NEWEST : SQL_RUN_GET)) ==
	    NULL)
		return STORE_ERROR;
	if (id != 0)
		sqlite3_bind_int64(stmt, 1, id);
	if ((rc = run_rows(s, stmt, cb, arg, &n)) != STORE_OK)
		return rc;
	if (n == 0)
		return store_seterr(st, STORE_NOTFOUND, id == 0 ? "no sync "
		    "run yet" : "no sync run %lld", (long long)id);
	return STORE_OK;
}

/* ---- requests ---- */

static const char SQL_REQ_PUT[] =
    "INSERT INTO sync_requests(kind, at) VALUES (?1, CAST(strftime('%s', 'now') AS INTEGER))";
static const char SQL_REQ_OLDEST[] =
    "SELECT id, kind FROM sync_requests ORDER BY id LIMIT 1";
static const char SQL_REQ_DELETE[] = "DELETE FROM sync_requests WHERE id = ?1";

int
sq_sync_request_put(struct store *st, int kind, int64_t *id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (kind != SYNC_REQUEST_NOW && kind != SYNC_REQUEST_CANCEL)
		return store_seterr(st, STORE_INVALID, "unknown sync request "
		    "%d", kind);
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_REQ_PUT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(stmt, 1, kind);
	if ((rc = exec_one(s, stmt, "write sync request")) != STORE_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	return STORE_OK;
}

/* The oldest request: id and kind (sq_one_row). */
struct req_row {
	int64_t	 id;
	int	 kind;
};

static void
req_row(sqlite3_stmt *stmt, void *arg)
{
	struct req_row *q = arg;

	q->id = sqlite3_column_int64(stmt, 0);
	q->kind = sqlite3_column_int(stmt, 1);
}

int
sq_sync_request_take(struct store *st, int *kind, int64_t *id)
{
	struct sq *s = (struct sq *)st;
	struct req_row q = { 0, 0 };
	sqlite3_stmt *stmt;
	int rc;

	*kind = 0;
	*id = 0;
	/* a read first: polled every second, it takes no write lock
	 * while the queue is empty */
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_REQ_OLDEST)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_one_row(s, stmt, "read sync request", req_row, &q,
	    NULL)) != STORE_OK)
		return rc;
	*id = q.id;
	*kind = q.kind;
	if (*id == 0)
		return STORE_OK;
	if ((stmt = sq_stmt(s, SQL_REQ_DELETE)) == NULL)
		rc = STORE_ERROR;
	else {
		sqlite3_bind_int64(stmt, 1, *id);
		rc = exec_one(s, stmt, "delete sync request");
	}
	if (rc != STORE_OK) {
		*kind = 0;
		*id = 0;
	}
	return rc;
}
