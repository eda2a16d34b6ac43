/*
 * reporting.c — reporting events and per-computer per-update states in
 * the SQLite backend: one transaction per ReportEventBatch, the event
 * bounds (per computer, retention), the listings behind `wsusctl report`.
 *
 * The derivation rules (which event means which state) are made by the
 * caller, src/wusp/reporting.c; here they are applied: a state change is
 * kept when it is not older than the stored one, states of updates not in
 * the store are skipped, and a status inventory (event 156) drops the
 * inventory states it no longer names (docs/REPORTING.md).
 *
 * Not here: computers and groups (computers.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* ---- event_batch ---- */

static const char SQL_EVENT_INSERT[] =
    "INSERT OR IGNORE INTO events(computer_id, instance_id, event_id, "
    "namespace_id, source_id, time_at_target, received, update_id, "
    "revision, hresult, app_name, replacement, misc) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char SQL_UPDATE_LOCAL[] =
    "SELECT local_id FROM updates WHERE update_id = ?1";
static const char SQL_STATUS_GET[] =
    "SELECT state, changed, inv_mark FROM update_status "
    "WHERE computer_id = ?1 AND update_local_id = ?2";
static const char SQL_STATUS_PUT[] =
    "INSERT INTO update_status(computer_id, update_local_id, state, "
    "revision, changed, reported, event_id, hresult, inv_mark) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT(computer_id, update_local_id) DO UPDATE SET "
    "state = excluded.state, revision = excluded.revision, "
    "changed = excluded.changed, reported = excluded.reported, "
    "event_id = excluded.event_id, hresult = excluded.hresult, "
    "inv_mark = excluded.inv_mark";
static const char SQL_STATUS_MARK[] =
    "UPDATE update_status SET inv_mark = ?3 WHERE computer_id = ?1 AND "
    "update_local_id = ?2 AND inv_mark <> 0";
static const char SQL_INVENTORY_DROP[] =
    "DELETE FROM update_status WHERE computer_id = ?1 AND inv_mark <> 0 "
    "AND inv_mark <> ?2 AND changed <= ?3";
static const char SQL_COMPUTER_STATUS[] =
    "SELECT status_seq FROM computers WHERE id = ?1";
static const char SQL_COMPUTER_REPORTED[] =
    "UPDATE computers SET last_report = ?2, "
    "last_contact = max(last_contact, ?2), status_seq = ?3, "
    "last_status = max(last_status, ?4) WHERE id = ?1";
static const char SQL_EVENTS_OVER[] =
    "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE "
    "computer_id = ?1 ORDER BY received DESC, id DESC LIMIT -1 OFFSET ?2)";
static const char SQL_EVENTS_OLD[] =
    "DELETE FROM events WHERE computer_id = ?1 AND received < ?2";

/* A copy of s cut to at most max bytes on a UTF-8 boundary (NULL stays). */
static char *
cut(const char *s, size_t max)
{
	size_t n;
	char *c;

	if (s == NULL)
		return NULL;
	n = utf8_cut(s, strlen(s), max);
	c = xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

static int
batch_check(struct sq *s, const struct store_event_batch *b)
{
	char g[GUID_STRLEN + 1];
	size_t i, last = 0;

	if (b->nevents > STORE_EVENTS_BATCH_MAX)
		return store_seterr(&s->base, STORE_INVALID, "%zu events in "
		    "one batch; at most %d", b->nevents,
		    STORE_EVENTS_BATCH_MAX);
	if (b->nops > STORE_STATUS_OPS_MAX)
		return store_seterr(&s->base, STORE_INVALID, "%zu state "
		    "changes in one batch; at most %d", b->nops,
		    STORE_STATUS_OPS_MAX);
	if ((b->nevents > 0 && b->events == NULL) ||
	    (b->nops > 0 && b->ops == NULL) ||
	    (b->ninventories > 0 && b->inventories == NULL))
		return store_seterr(&s->base, STORE_INVALID, "empty batch "
		    "arrays");
	for (i = 0; i < b->nevents; i++) {
		const struct store_event *e = &b->events[i];

		if (store_guid_norm(e->instance_id, g) == -1 ||
		    strcmp(g, e->instance_id) != 0)
			return store_seterr(&s->base, STORE_INVALID, "event %zu: "
			    "instance id is not a lower-case GUID", i);
		if (e->update_id[0] != '\0' &&
		    (store_guid_norm(e->update_id, g) == -1 ||
		    strcmp(g, e->update_id) != 0))
			return store_seterr(&s->base, STORE_INVALID, "event %zu: "
			    "update id is not a lower-case GUID", i);
	}
	for (i = 0; i < b->nops; i++) {
		const struct store_status_op *o = &b->ops[i];

		if (o->event >= b->nevents || o->event < last)
			return store_seterr(&s->base, STORE_INVALID, "state "
			    "change %zu: event index out of order", i);
		last = o->event;
		if (o->state < UPDATE_STATE_NEEDED ||
		    o->state > UPDATE_STATE_PENDING_REBOOT)
			return store_seterr(&s->base, STORE_INVALID, "state "
			    "change %zu: state %d cannot be stored", i,
			    (int)o->state);
		if (store_guid_norm(o->update_id, g) == -1 ||
		    strcmp(g, o->update_id) != 0)
			return store_seterr(&s->base, STORE_INVALID, "state "
			    "change %zu: update id is not a lower-case GUID", i);
	}
	last = 0;
	for (i = 0; i < b->ninventories; i++) {
		if (b->inventories[i].event >= b->nevents ||
		    b->inventories[i].event < last ||
		    (i > 0 && b->inventories[i].event == last))
			return store_seterr(&s->base, STORE_INVALID, "inventory "
			    "%zu: event index out of order", i);
		last = b->inventories[i].event;
	}
	return STORE_OK;
}

static int
event_insert(struct sq *s, int64_t cid, const struct store_event *e,
    int64_t now, bool *stored)
{
	sqlite3_stmt *stmt;
	char *app, *rep, *misc;
	int rc;

	*stored = false;
	if ((stmt = sq_stmt(s, SQL_EVENT_INSERT)) == NULL)
		return STORE_ERROR;
	app = cut(e->app_name, STORE_EVENT_TEXT_MAX);
	rep = cut(e->replacement, STORE_EVENT_TEXT_MAX);
	misc = cut(e->misc, STORE_EVENT_TEXT_MAX);
	sqlite3_bind_int64(stmt, 1, cid);
	sq_bind_text(stmt, 2, e->instance_id);
	sqlite3_bind_int(stmt, 3, e->event_id);
	sqlite3_bind_int(stmt, 4, e->namespace_id);
	sqlite3_bind_int(stmt, 5, e->source_id);
	sqlite3_bind_int64(stmt, 6, e->time_at_target);
	sqlite3_bind_int64(stmt, 7, now);
	sq_bind_text(stmt, 8, e->update_id[0] ? e->update_id : NULL);
	sqlite3_bind_int(stmt, 9, e->revision);
	sqlite3_bind_int(stmt, 10, e->hresult);
	sq_bind_text(stmt, 11, app);
	sq_bind_text(stmt, 12, rep);
	sq_bind_text(stmt, 13, misc);
	rc = sq_exec_stmt(s, stmt, "store event");
	if (rc == STORE_OK)
		*stored = sqlite3_changes(s->db) > 0;
	free(app);
	free(rep);
	free(misc);
	return rc;
}

/* Local id of an update; 0 when it is not in the store. */
static int
update_local(struct sq *s, const char *uid, int64_t *local)
{
	return sq_one_int64_by_text(s, SQL_UPDATE_LOCAL, uid, "find update",
	    local, NULL);
}

/* A stored state: state, changed, mark (sq_one_row). */
struct state_seen {
	int64_t	 v[3];
};

static void
state_row(sqlite3_stmt *stmt, void *arg)
{
	struct state_seen *r = arg;

	r->v[0] = sqlite3_column_int64(stmt, 0);
	r->v[1] = sqlite3_column_int64(stmt, 1);
	r->v[2] = sqlite3_column_int64(stmt, 2);
}

/* Apply one state change; mark != 0 for inventory ops. */
static int
op_apply(struct sq *s, int64_t cid, const struct store_status_op *o,
    const struct store_event *e, int64_t t, int64_t now, int64_t mark,
    struct store_batch_result *r)
{
	sqlite3_stmt *stmt;
	struct state_seen sr = { { 0, 0, 0 } };
	int64_t local, changed = 0, cur_mark = 0;
	int cur = 0, rc;
	bool skip;

	if ((rc = update_local(s, o->update_id, &local)) != STORE_OK)
		return rc;
	if (local == 0) {
		r->unknown_updates++;
		return STORE_OK;
	}
	if ((stmt = sq_stmt(s, SQL_STATUS_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, local);
	if ((rc = sq_one_row(s, stmt, "read state", state_row, &sr, NULL)) !=
	    STORE_OK)
		return rc;
	cur = (int)sr.v[0];
	changed = sr.v[1];
	cur_mark = sr.v[2];

	if (cur != 0 && changed > t)
		return STORE_OK;	/* a newer state is stored */
	skip = ((o->flags & STATUS_OP_KEEP_FAILED) &&
	    cur == UPDATE_STATE_FAILED) ||
	    ((o->flags & STATUS_OP_IF_NOT_INSTALLED) &&
	    (cur == UPDATE_STATE_INSTALLED ||
	    cur == UPDATE_STATE_PENDING_REBOOT)) ||
	    ((o->flags & STATUS_OP_IF_PENDING) &&
	    cur != UPDATE_STATE_PENDING_REBOOT) ||
	    cur == (int)o->state;
	if (skip) {
		/* Still named by this inventory: keep it past the reset. */
		if (mark != 0 && cur != 0 && cur_mark != 0) {
			if ((stmt = sq_stmt(s, SQL_STATUS_MARK)) == NULL)
				return STORE_ERROR;
			sqlite3_bind_int64(stmt, 1, cid);
			sqlite3_bind_int64(stmt, 2, local);
			sqlite3_bind_int64(stmt, 3, mark);
			return sq_exec_stmt(s, stmt, "mark state");
		}
		return STORE_OK;
	}
	if ((stmt = sq_stmt(s, SQL_STATUS_PUT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, local);
	sqlite3_bind_int(stmt, 3, (int)o->state);
	sqlite3_bind_int(stmt, 4, o->revision);
	sqlite3_bind_int64(stmt, 5, t);
	sqlite3_bind_int64(stmt, 6, now);
	sqlite3_bind_int(stmt, 7, e->event_id);
	sqlite3_bind_int(stmt, 8, e->hresult);
	sqlite3_bind_int64(stmt, 9, mark);
	if ((rc = sq_exec_stmt(s, stmt, "store state")) != STORE_OK)
		return rc;
	r->changes++;
	return STORE_OK;
}

int
sq_event_batch(struct store *st, const char *client_id,
    const struct store_event_batch *b, int64_t now,
    struct store_batch_result *res)
{
	struct sq *s = (struct sq *)st;
	struct store_batch_result r;
	sqlite3_stmt *stmt;
	int64_t cid, per_computer, days, seq = 0, last_status = 0;
	size_t i, op = 0, inv = 0;
	bool *stored = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	if (res != NULL)
		*res = r;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_client_id_check(s, client_id)) != STORE_OK)
		return rc;
	if (b == NULL)
		return store_seterr(st, STORE_INVALID, "no batch");
	if ((rc = batch_check(s, b)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = sq_setting_int(s, SETTING_EVENTS_PER_COMPUTER,
	    &per_computer)) != STORE_OK ||
	    (rc = sq_setting_int(s, SETTING_EVENT_RETENTION_DAYS,
	    &days)) != STORE_OK ||
	    (rc = sq_computer_id(s, client_id, &cid)) != STORE_OK)
		goto fail;
	if (cid == 0) {
		rc = store_seterr(st, STORE_NOTFOUND, "no computer with client "
		    "id %s", client_id);
		goto fail;
	}
	if ((stmt = sq_stmt(s, SQL_COMPUTER_STATUS)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, cid);
	if ((rc = sq_one_int64(s, stmt, "read computer", &seq, NULL)) !=
	    STORE_OK)
		goto fail;

	stored = xcalloc(b->nevents ? b->nevents : 1, sizeof(*stored));
	for (i = 0; i < b->nevents; i++) {
		if ((rc = event_insert(s, cid, &b->events[i], now,
		    &stored[i])) != STORE_OK)
			goto fail;
		if (stored[i])
			r.stored++;
		else
			r.duplicates++;
	}
	/* States, event by event; a duplicate event changes nothing again. */
	for (i = 0; i < b->nevents; i++) {
		const struct store_event *e = &b->events[i];
		int64_t t = e->time_at_target < now ? e->time_at_target : now;
		int64_t mark = 0;
		bool is_inv = inv < b->ninventories &&
		    b->inventories[inv].event == i;

		if (is_inv)
			inv++;
		if (!stored[i]) {
			while (op < b->nops && b->ops[op].event == i)
				op++;
			continue;
		}
		if (is_inv)
			mark = ++seq;
		for (; op < b->nops && b->ops[op].event == i; op++)
			if ((rc = op_apply(s, cid, &b->ops[op], e, t, now,
			    (b->ops[op].flags & STATUS_OP_INVENTORY) ? mark :
			    0, &r)) != STORE_OK)
				goto fail;
		if (is_inv) {
			if ((stmt = sq_stmt(s, SQL_INVENTORY_DROP)) == NULL) {
				rc = STORE_ERROR;
				goto fail;
			}
			sqlite3_bind_int64(stmt, 1, cid);
			sqlite3_bind_int64(stmt, 2, mark);
			sqlite3_bind_int64(stmt, 3, t);
			if ((rc = sq_exec_stmt(s, stmt, "replace inventory")) !=
			    STORE_OK)
				goto fail;
			r.changes += (size_t)sqlite3_changes(s->db);
			if (t > last_status)
				last_status = t;
		}
	}
	if ((stmt = sq_stmt(s, SQL_COMPUTER_REPORTED)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, seq);
	sqlite3_bind_int64(stmt, 4, last_status);
	if ((rc = sq_exec_stmt(s, stmt, "record report")) != STORE_OK)
		goto fail;
	/* The bounds: oldest events go first. */
	if ((stmt = sq_stmt(s, SQL_EVENTS_OLD)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, now - days * 86400);
	if ((rc = sq_exec_stmt(s, stmt, "drop old events")) != STORE_OK)
		goto fail;
	r.pruned += (size_t)sqlite3_changes(s->db);
	if ((stmt = sq_stmt(s, SQL_EVENTS_OVER)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, per_computer);
	if ((rc = sq_exec_stmt(s, stmt, "drop events")) != STORE_OK)
		goto fail;
	r.pruned += (size_t)sqlite3_changes(s->db);
	free(stored);
	if ((rc = sq_commit(s)) != STORE_OK)
		return rc;
	if (res != NULL)
		*res = r;
	return STORE_OK;
fail:
	free(stored);
	sq_rollback(s);
	return rc;
}

/* ---- listings ---- */

static const char SQL_EVENT_LIST[] =
    "SELECT e.id, e.instance_id, e.event_id, e.namespace_id, e.source_id, "
    "e.time_at_target, e.received, e.update_id, e.revision, e.hresult, "
    "e.app_name, e.replacement, e.misc, r.title FROM events e "
    "LEFT JOIN updates u ON u.update_id = e.update_id "
    "LEFT JOIN revisions r ON r.revision_id = u.latest_revision_id "
    "WHERE e.computer_id = ?1 ORDER BY e.received DESC, e.id DESC LIMIT ?2";
static const char SQL_COMPUTER_ROW[] =
    "SELECT last_status FROM computers WHERE id = ?1";

/* last_status of a computer; NOTFOUND when it does not exist. */
static int
computer_status_time(struct sq *s, int64_t id, int64_t *t)
{
	bool found;
	int rc;

	if ((rc = sq_one_int64_by_id(s, SQL_COMPUTER_ROW, id, "read computer",
	    t, &found)) != STORE_OK)
		return rc;
	if (!found)
		return store_seterr(&s->base, STORE_NOTFOUND, "computer %lld "
		    "does not exist", (long long)id);
	return STORE_OK;
}

int
sq_event_list(struct store *st, int64_t computer_id, size_t limit,
    store_event_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_event_row e;
	sqlite3_stmt *stmt;
	int64_t t;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = computer_status_time(s, computer_id, &t)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_EVENT_LIST)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, computer_id);
	sqlite3_bind_int64(stmt, 2, limit ? (int64_t)limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *iid = sq_col_text(stmt, 1);

		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(stmt, 0);
		snprintf(e.instance_id, sizeof(e.instance_id), "%s",
		    iid != NULL ? iid : "");
		e.event_id = sqlite3_column_int(stmt, 2);
		e.namespace_id = sqlite3_column_int(stmt, 3);
		e.source_id = sqlite3_column_int(stmt, 4);
		e.time_at_target = sqlite3_column_int64(stmt, 5);
		e.received = sqlite3_column_int64(stmt, 6);
		e.update_id = sq_col_text(stmt, 7);
		e.revision = sqlite3_column_int(stmt, 8);
		e.hresult = sqlite3_column_int(stmt, 9);
		e.app_name = sq_col_text(stmt, 10);
		e.replacement = sq_col_text(stmt, 11);
		e.misc = sq_col_text(stmt, 12);
		e.title = sq_col_text(stmt, 13);
		if (cb(&e, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list events");
	sq_done(stmt);
	return rc;
}

static const char SQL_PRUNE_OLD[] =
    "DELETE FROM events WHERE received < ?1";
static const char SQL_PRUNE_OVER[] =
    "DELETE FROM events WHERE id IN (SELECT id FROM (SELECT id, "
    "row_number() OVER (PARTITION BY computer_id ORDER BY received DESC, "
    "id DESC) AS rn FROM events) WHERE rn > ?1)";

int
sq_event_prune(struct store *st, int64_t now, size_t *n)
{
	struct sq *s = (struct sq *)st;
	int64_t per_computer, days;
	size_t dropped = 0;
	int rc;

	if (n != NULL)
		*n = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = sq_setting_int(s, SETTING_EVENTS_PER_COMPUTER,
	    &per_computer)) != STORE_OK ||
	    (rc = sq_setting_int(s, SETTING_EVENT_RETENTION_DAYS,
	    &days)) != STORE_OK)
		goto fail;
	if ((rc = sq_exec_by_id(s, SQL_PRUNE_OLD, now - days * 86400,
	    "drop old events")) != STORE_OK)
		goto fail;
	dropped += (size_t)sqlite3_changes(s->db);
	if ((rc = sq_exec_by_id(s, SQL_PRUNE_OVER, per_computer,
	    "drop events")) != STORE_OK)
		goto fail;
	dropped += (size_t)sqlite3_changes(s->db);
	if ((rc = sq_commit(s)) != STORE_OK)
		return rc;
	if (n != NULL)
		*n = dropped;
	return STORE_OK;
fail:
	sq_rollback(s);
	return rc;
}

/*
 * The updates of one computer: stored states, plus every update an
 * Install approval reaches through the computer's groups (under mode ?2)
 * and their ancestors.  Declined updates have no approvals.
 */
static const char SQL_STATUS_LIST[] =
    "WITH RECURSIVE direct(gid) AS (SELECT group_id FROM computer_groups "
    "WHERE computer_id = ?1 AND source = ?2), "
    "eff(gid) AS (SELECT gid FROM direct UNION ALL SELECT 2 WHERE NOT "
    "EXISTS (SELECT 1 FROM direct)), "
    "anc(gid) AS (SELECT gid FROM eff UNION SELECT g.parent_id FROM "
    "target_groups g JOIN anc ON g.id = anc.gid WHERE g.parent_id IS NOT "
    "NULL), "
    "appr(ul) AS (SELECT DISTINCT update_local_id FROM deployments WHERE "
    "action = 0 AND group_id IN (SELECT gid FROM anc)), "
    "ids(ul) AS (SELECT update_local_id FROM update_status WHERE "
    "computer_id = ?1 UNION SELECT ul FROM appr) "
    "SELECT u.update_id, r.title, r.kb_article_id, s.state, s.revision, "
    "s.changed, s.event_id, s.hresult, ids.ul IN (SELECT ul FROM appr), "
    "(SELECT min(imported) FROM revisions WHERE update_local_id = ids.ul) "
    "FROM ids JOIN updates u ON u.local_id = ids.ul "
    "LEFT JOIN revisions r ON r.revision_id = u.latest_revision_id "
    "LEFT JOIN update_status s ON s.computer_id = ?1 AND "
    "s.update_local_id = ids.ul "
    "ORDER BY coalesce(s.state, 0) DESC, r.title, u.update_id";

int
sq_status_list(struct store *st, int64_t computer_id, store_status_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_update_status u;
	enum targeting_mode mode;
	sqlite3_stmt *stmt;
	int64_t last_status;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = computer_status_time(s, computer_id, &last_status)) !=
	    STORE_OK ||
	    (rc = sq_targeting_mode(s, &mode)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_STATUS_LIST)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, computer_id);
	sqlite3_bind_int(stmt, 2, (int)mode);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *uid = sq_col_text(stmt, 0);

		memset(&u, 0, sizeof(u));
		snprintf(u.update_id, sizeof(u.update_id), "%s",
		    uid != NULL ? uid : "");
		u.title = sq_col_text(stmt, 1);
		u.kb_article_id = sq_col_text(stmt, 2);
		u.stored = sqlite3_column_type(stmt, 3) != SQLITE_NULL;
		if (u.stored) {
			u.state = (enum update_state)sqlite3_column_int(stmt, 3);
			u.revision = sqlite3_column_int(stmt, 4);
			u.changed = sqlite3_column_int64(stmt, 5);
			u.event_id = sqlite3_column_int(stmt, 6);
			u.hresult = sqlite3_column_int(stmt, 7);
		} else {
			/* not named in a status report made after the
			 * update arrived: not applicable; no report since
			 * it arrived: no status yet (as WSUS) */
			u.state = last_status > 0 && last_status >=
			    sqlite3_column_int64(stmt, 9) ?
			    UPDATE_STATE_NOT_APPLICABLE : UPDATE_STATE_UNKNOWN;
			u.revision = -1;
		}
		u.approved = sqlite3_column_int(stmt, 8) != 0;
		if (cb(&u, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list states");
	sq_done(stmt);
	return rc;
}

/* ---- compliance ---- */


/* ?3: the time the update arrived; "reported" counts the computers whose
 * last status report is not older (the others have no status for it). */
static const char SQL_SCOPE_COUNT[] =
    GROUP_CTE "SELECT count(*), coalesce(sum(c.last_status > 0 AND "
    "c.last_status >= ?3), 0) FROM computers c WHERE " GROUP_COND;
/* When update ?1 (local id) arrived: the import of its first revision. */
static const char SQL_UPDATE_ARRIVED[] =
    "SELECT coalesce(min(imported), 0) FROM revisions WHERE "
    "update_local_id = ?1";
/*
 * Per update (?3 one update id or NULL for every approved update and
 * every update with a state): its counts per (state, computer has
 * reported a status), ordered so one update's rows are together.
 */
static const char SQL_COMPLIANCE[] =
    GROUP_CTE ", scope(cid, ls) AS (SELECT c.id, c.last_status FROM "
    "computers c WHERE " GROUP_COND "), "
    "agg(ul, st, has, n) AS (SELECT s.update_local_id, s.state, sc.ls > 0 "
    "AND sc.ls >= (SELECT coalesce(min(imported), 0) FROM revisions WHERE "
    "update_local_id = s.update_local_id), "
    "count(*) FROM update_status s JOIN scope sc ON sc.cid = "
    "s.computer_id WHERE ?3 IS NULL OR s.update_local_id = (SELECT "
    "local_id FROM updates WHERE update_id = ?3) GROUP BY 1, 2, 3), "
    "appr(ul) AS (SELECT DISTINCT update_local_id FROM deployments WHERE "
    "action = 0), "
    "ids(ul) AS (SELECT ul FROM agg UNION SELECT ul FROM appr UNION "
    "SELECT local_id FROM updates WHERE update_id = ?3) "
    "SELECT u.local_id, u.update_id, r.title, r.kb_article_id, "
    "ids.ul IN (SELECT ul FROM appr), agg.st, agg.has, agg.n "
    "FROM ids JOIN updates u ON u.local_id = ids.ul "
    "LEFT JOIN revisions r ON r.revision_id = u.latest_revision_id "
    "LEFT JOIN agg ON agg.ul = ids.ul "
    "WHERE ?3 IS NULL OR u.update_id = ?3 "
    "ORDER BY r.creation_date DESC, u.update_id";
static const char SQL_GROUPS_ALL[] =
    "SELECT id, name FROM target_groups ORDER BY (id > 2), "
    "name COLLATE NOCASE";
static const char SQL_GROUP_NAME[] =
    "SELECT name FROM target_groups WHERE id = ?1";

/* The computers of the scope, and those that reported a status since
 * update local arrived. */
static int
scope_count(struct sq *s, int mode, int64_t gid, int64_t local,
    size_t *total, size_t *reported)
{
	sqlite3_stmt *stmt;
	size_t v[2] = { 0, 0 };
	int64_t arrived = 0;
	bool found;
	int rc;

	*total = *reported = 0;
	if ((rc = sq_one_int64_by_id(s, SQL_UPDATE_ARRIVED, local,
	    "read import time", &arrived, &found)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SCOPE_COUNT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(stmt, 1, mode);
	sqlite3_bind_int64(stmt, 2, gid);
	sqlite3_bind_int64(stmt, 3, arrived);
	if ((rc = sq_one_row(s, stmt, "count computers", sq_two_counts_row, v,
	    &found)) != STORE_OK)
		return rc;
	if (!found)
		return store_seterr(&s->base, STORE_ERROR, "count computers: "
		    "no answer");
	*total = v[0];
	*reported = v[1];
	return STORE_OK;
}

/* Emit one accumulated row: the rest of the scope is NA or unknown. */
static int
emit(struct store_compliance_row *row, size_t total, size_t reported,
    size_t rows_rep, size_t rows_unrep, store_compliance_cb cb, void *arg)
{
	row->computers = total;
	row->counts[UPDATE_STATE_NOT_APPLICABLE] += reported > rows_rep ?
	    reported - rows_rep : 0;
	row->counts[UPDATE_STATE_UNKNOWN] += total - reported > rows_unrep ?
	    total - reported - rows_unrep : 0;
	return cb(row, arg);
}

/* Run SQL_COMPLIANCE for group gid; one callback per update. */
static int
compliance_group(struct sq *s, int mode, int64_t gid, const char *gname,
    const char *update_id, size_t limit, store_compliance_cb cb, void *arg,
    bool *stop)
{
	struct store_compliance_row row;
	sqlite3_stmt *stmt;
	size_t total, reported, rows_rep = 0, rows_unrep = 0, emitted = 0;
	int64_t cur = 0;
	char *title = NULL, *kb = NULL;
	int rc;

	*stop = false;
	total = reported = 0;
	if ((stmt = sq_stmt(s, SQL_COMPLIANCE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(stmt, 1, mode);
	sqlite3_bind_int64(stmt, 2, gid);
	sq_bind_text(stmt, 3, update_id);
	memset(&row, 0, sizeof(row));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t local = sqlite3_column_int64(stmt, 0);

		if (local != cur) {
			if (cur != 0) {
				if (emit(&row, total, reported, rows_rep,
				    rows_unrep, cb, arg) != 0 ||
				    (limit && ++emitted >= limit)) {
					*stop = true;
					break;
				}
			}
			free(title);
			free(kb);
			memset(&row, 0, sizeof(row));
			title = kb = NULL;
			cur = local;
			rows_rep = rows_unrep = 0;
			/* who reported since this update arrived */
			if ((rc = scope_count(s, mode, gid, local, &total,
			    &reported)) != STORE_OK)
				goto out;
			snprintf(row.update_id, sizeof(row.update_id), "%s",
			    sq_col_text(stmt, 1) ? sq_col_text(stmt, 1) : "");
			title = sq_col_text(stmt, 2) ? xstrdup(sq_col_text(stmt, 2)) : NULL;
			kb = sq_col_text(stmt, 3) ? xstrdup(sq_col_text(stmt, 3)) : NULL;
			row.title = title;
			row.kb_article_id = kb;
			row.approved = sqlite3_column_int(stmt, 4) != 0;
			row.group_id = gid;
			row.group_name = gname;
		}
		if (sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
			int st = sqlite3_column_int(stmt, 5);
			size_t n = (size_t)sqlite3_column_int64(stmt, 7);

			if (st > 0 && st < UPDATE_STATE_COUNT)
				row.counts[st] += n;
			if (sqlite3_column_int(stmt, 6) != 0)
				rows_rep += n;
			else
				rows_unrep += n;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = sq_fail(s, "compliance");
		goto out;
	}
	if (!*stop && cur != 0 && emit(&row, total, reported, rows_rep,
	    rows_unrep, cb, arg) != 0)
		*stop = true;
	rc = STORE_OK;
out:
	sq_done(stmt);
	free(title);
	free(kb);
	return rc;
}

int
sq_compliance(struct store *st, const struct store_compliance_filter *f,
    store_compliance_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	enum targeting_mode mode;
	sqlite3_stmt *stmt;
	char g[GUID_STRLEN + 1], *gname = NULL;
	int64_t *gids = NULL;
	char **gnames = NULL;
	size_t n = 0, cap = 0, i;
	bool stop, found;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_targeting_mode(s, &mode)) != STORE_OK)
		return rc;
	if (f == NULL)
		return store_seterr(st, STORE_INVALID, "no filter");
	if (f->update_id != NULL && (store_guid_norm(f->update_id, g) == -1))
		return store_seterr(st, STORE_INVALID, "\"%.64s\" is not an "
		    "update id", f->update_id);
	if (f->by_group && f->update_id == NULL)
		return store_seterr(st, STORE_INVALID, "a per-group compliance "
		    "report needs one update");
	if (f->update_id != NULL) {
		int64_t local;

		if ((rc = update_local(s, g, &local)) != STORE_OK)
			return rc;
		if (local == 0)
			return store_seterr(st, STORE_NOTFOUND, "update %s is "
			    "not in the store", g);
	}
	if (!f->by_group) {
		int64_t gid = f->group_id;

		if (gid != 0) {
			if ((stmt = sq_stmt(s, SQL_GROUP_NAME)) == NULL)
				return STORE_ERROR;
			sqlite3_bind_int64(stmt, 1, gid);
			if ((rc = sq_one_text(s, stmt, "read group", &gname,
			    &found)) != STORE_OK)
				return rc;
			if (found && gname == NULL)
				gname = xstrdup("");
			if (gname == NULL)
				return store_seterr(st, STORE_NOTFOUND, "group "
				    "%lld does not exist", (long long)gid);
		} else
			gname = xstrdup("All Computers");
		rc = compliance_group(s, (int)mode, gid, gname,
		    f->update_id ? g : NULL, f->limit, cb, arg, &stop);
		free(gname);
		return rc;
	}
	/* One row per group: the group list first (no statement open). */
	if ((stmt = sq_stmt(s, SQL_GROUPS_ALL)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			gids = xreallocarray(gids, cap, sizeof(*gids));
			gnames = xreallocarray(gnames, cap, sizeof(*gnames));
		}
		gids[n] = sqlite3_column_int64(stmt, 0);
		gnames[n] = xstrdup(sq_col_text(stmt, 1) ? sq_col_text(stmt, 1) : "");
		n++;
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list groups");
	sq_done(stmt);
	for (i = 0; rc == STORE_OK && i < n && (!f->limit || i < f->limit);
	    i++) {
		rc = compliance_group(s, (int)mode, gids[i], gnames[i], g, 0,
		    cb, arg, &stop);
		if (stop)
			break;
	}
	for (i = 0; i < n; i++)
		free(gnames[i]);
	free(gnames);
	free(gids);
	return rc;
}
