/*
 * sync_state.c — the sync-state domain (store/sync_state.h) in the
 * SQLite backend: the one-row table sync_state and the replica's
 * deployment rows in sync_deployments (migration 4), and that
 * migration's move of the old sync_* settings into them.
 *
 * Not here: the synced updates, groups and approvals (their own files)
 * and the sync protocol (src/sync).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

/* ---- checks ---- */

static int
guid(struct sq *s, const char *what, const char *in,
    char out[GUID_STRLEN + 1])
{
	if (in == NULL || store_guid_norm(in, out) != 0)
		return store_seterr(&s->base, STORE_INVALID, "%s \"%.40s\" is "
		    "not a GUID", what, in != NULL ? in : "(null)");
	return STORE_OK;
}

/* One UPDATE of the state row in its own transaction. */
static int
update_row(struct sq *s, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	if ((rc = sq_exec_stmt(s, stmt, what)) != STORE_OK) {
		sq_rollback(s);
		return rc;
	}
	return sq_commit(s);
}

/* sq_begin, then the cached statement for sql (rolled back on failure). */
static sqlite3_stmt *
begin_stmt(struct sq *s, const char *sql, int *rc)
{
	sqlite3_stmt *stmt;

	if ((*rc = sq_ready(s)) != STORE_OK || (*rc = sq_begin(s)) != STORE_OK)
		return NULL;
	if ((stmt = sq_stmt(s, sql)) == NULL) {
		*rc = STORE_ERROR;
		sq_rollback(s);
	}
	return stmt;
}

/* ---- reading ---- */

static const char SQL_STATE_GET[] =
    "SELECT upstream, account, config_anchor, category_anchor, "
    "update_anchor, deployment_anchor, filter, rollup_number, "
    "rollup_reset, last_success, "
    "(SELECT count(*) FROM sync_deployments), replica_of "
    "FROM sync_state WHERE id = 1";

int
sq_sync_state_get(struct store *st, struct store_sync_state *out)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc, i;

	memset(out, 0, sizeof(*out));
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_STATE_GET)) == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->upstream = sq_col_opt_dup(stmt, 0);
		out->account = sq_col_opt_dup(stmt, 1);
		for (i = 0; i < SYNC_PHASE_COUNT; i++)
			out->anchor[i] = sq_col_opt_dup(stmt, 2 + i);
		out->filter = sq_col_opt_dup(stmt, 6);
		out->rollup_number = sqlite3_column_int64(stmt, 7);
		out->rollup_reset = sq_col_opt_dup(stmt, 8);
		out->last_success = sqlite3_column_int64(stmt, 9);
		out->deployments = (size_t)sqlite3_column_int64(stmt, 10);
		out->replica_of = sq_col_opt_dup(stmt, 11);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = store_seterr(st, STORE_ERROR, "sync state row missing");
	else
		rc = sq_fail(s, "read sync state");
	sq_done(stmt);
	return rc;
}

static const char SQL_DEPL_LIST[] =
    "SELECT deployment, update_id, group_guid FROM sync_deployments "
    "ORDER BY seq";

static void
copy_guid(char out[GUID_STRLEN + 1], sqlite3_stmt *stmt, int i)
{
	const char *v = (const char *)sqlite3_column_text(stmt, i);

	snprintf(out, GUID_STRLEN + 1, "%s", v != NULL ? v : "");
}

int
sq_sync_deployments_list(struct store *st, store_sync_deployment_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_sync_deployment d;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_DEPL_LIST)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		copy_guid(d.deployment, stmt, 0);
		copy_guid(d.update_id, stmt, 1);
		copy_guid(d.group, stmt, 2);
		if (cb(&d, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list deployments");
	sq_done(stmt);
	return rc;
}

/* ---- writing ---- */

static const char SQL_ACCOUNT_SET[] =
    "UPDATE sync_state SET account = ?1 WHERE id = 1";

int
sq_sync_account_set(struct store *st, const char *account)
{
	struct sq *s = (struct sq *)st;
	char g[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = guid(s, "account", account, g)) != STORE_OK ||
	    (stmt = begin_stmt(s, SQL_ACCOUNT_SET, &rc)) == NULL)
		return rc;
	sq_bind_text(stmt, 1, g);
	return update_row(s, stmt, "write sync account");
}

static const char SQL_ADOPT[] =
    "UPDATE sync_state SET upstream = ?1, config_anchor = NULL, "
    "category_anchor = NULL, update_anchor = NULL, "
    "deployment_anchor = NULL, filter = NULL, rollup_number = 0, "
    "rollup_reset = NULL WHERE id = 1";
static const char SQL_DEPL_CLEAR[] = "DELETE FROM sync_deployments";

int
sq_sync_upstream_adopt(struct store *st, const char *url)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (url == NULL || url[0] == '\0')
		return store_seterr(st, STORE_INVALID, "no upstream URL");
	if ((rc = sq_text_max(s, "upstream URL", url, STORE_SYNC_URL_MAX)) !=
	    STORE_OK || (stmt = begin_stmt(s, SQL_DEPL_CLEAR, &rc)) == NULL)
		return rc;
	if ((rc = sq_exec_stmt(s, stmt, "clear deployments")) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_ADOPT)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sq_bind_text(stmt, 1, url);
	return update_row(s, stmt, "write upstream");
fail:
	sq_rollback(s);
	return rc;
}

/* Column names cannot be bound: one statement per phase. */
static const char *const SQL_ANCHOR_SET[SYNC_PHASE_COUNT] = {
	"UPDATE sync_state SET config_anchor = ?1 WHERE id = 1",
	"UPDATE sync_state SET category_anchor = ?1 WHERE id = 1",
	"UPDATE sync_state SET update_anchor = ?1 WHERE id = 1",
	"UPDATE sync_state SET deployment_anchor = ?1 WHERE id = 1",
};
static const char SQL_UPDATE_ANCHOR_FILTER[] =
    "UPDATE sync_state SET update_anchor = ?1, filter = ?2 WHERE id = 1";

int
sq_sync_anchor_set(struct store *st, enum store_sync_phase phase,
    const char *anchor, const char *filter)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((int)phase < 0 || (int)phase >= SYNC_PHASE_COUNT)
		return store_seterr(st, STORE_INVALID, "unknown sync phase %d",
		    (int)phase);
	if (phase == SYNC_PHASE_DEPLOYMENT && sq_opt_text(anchor) != NULL)
		return store_seterr(st, STORE_INVALID, "the deployment anchor "
		    "moves only with its deployments (sync_deployments_apply)");
	if (filter != NULL && phase != SYNC_PHASE_UPDATE)
		return store_seterr(st, STORE_INVALID, "a filter goes with "
		    "the update anchor only");
	if ((rc = sq_text_max(s, "anchor", anchor, STORE_SYNC_ANCHOR_MAX)) !=
	    STORE_OK ||
	    (rc = sq_text_max(s, "filter", filter, STORE_SYNC_FILTER_MAX)) !=
	    STORE_OK)
		return rc;
	if ((stmt = begin_stmt(s, filter != NULL ? SQL_UPDATE_ANCHOR_FILTER :
	    SQL_ANCHOR_SET[phase], &rc)) == NULL)
		return rc;
	sq_bind_text(stmt, 1, sq_opt_text(anchor));
	if (filter != NULL)
		sq_bind_text(stmt, 2, sq_opt_text(filter));
	return update_row(s, stmt, "write sync anchor");
}

static const char SQL_ANCHORS_RESET[] =
    "UPDATE sync_state SET config_anchor = NULL, category_anchor = NULL, "
    "update_anchor = NULL, deployment_anchor = NULL WHERE id = 1";

int
sq_sync_anchors_reset(struct store *st)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = begin_stmt(s, SQL_ANCHORS_RESET, &rc)) == NULL)
		return rc;
	return update_row(s, stmt, "reset sync anchors");
}

static const char SQL_DEPL_REMOVE[] =
    "DELETE FROM sync_deployments WHERE deployment = ?1";
static const char SQL_DEPL_ADD[] =
    "INSERT INTO sync_deployments(deployment, update_id, group_guid) "
    "VALUES (?1, ?2, ?3) ON CONFLICT(deployment) DO UPDATE SET "
    "update_id = excluded.update_id, group_guid = excluded.group_guid";

/* Normalise one row to add; STORE_INVALID naming the bad GUID. */
static int
depl_norm(struct sq *s, const struct store_sync_deployment *in,
    struct store_sync_deployment *out)
{
	int rc;

	if ((rc = guid(s, "deployment", in->deployment, out->deployment)) !=
	    STORE_OK ||
	    (rc = guid(s, "update id", in->update_id, out->update_id)) !=
	    STORE_OK ||
	    (rc = guid(s, "group", in->group, out->group)) != STORE_OK)
		return rc;
	return STORE_OK;
}

static int
depl_remove(struct sq *s, const char *deployment)
{
	char g[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;

	if (store_guid_norm(deployment, g) != 0)
		return STORE_OK;	/* checked before: cannot happen */
	if ((stmt = sq_stmt(s, SQL_DEPL_REMOVE)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, g);
	return sq_exec_stmt(s, stmt, "remove deployment");
}

static int
depl_add(struct sq *s, const struct store_sync_deployment *in)
{
	struct store_sync_deployment d;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = depl_norm(s, in, &d)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_DEPL_ADD)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, d.deployment);
	sq_bind_text(stmt, 2, d.update_id);
	sq_bind_text(stmt, 3, d.group);
	return sq_exec_stmt(s, stmt, "add deployment");
}

int
sq_sync_deployments_apply(struct store *st,
    const struct store_sync_deployments_change *c)
{
	struct sq *s = (struct sq *)st;
	struct store_sync_deployment d;
	char g[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	if (c == NULL || sq_opt_text(c->anchor) == NULL)
		return store_seterr(st, STORE_INVALID, "no deployment anchor");
	if ((rc = sq_text_max(s, "anchor", c->anchor, STORE_SYNC_ANCHOR_MAX)) !=
	    STORE_OK)
		return rc;
	if (c->nremove > STORE_SYNC_DEPLOYMENTS_MAX ||
	    c->nadd > STORE_SYNC_DEPLOYMENTS_MAX - c->nremove)
		return store_seterr(st, STORE_INVALID, "more than %d "
		    "deployment changes in one call",
		    STORE_SYNC_DEPLOYMENTS_MAX);
	if ((c->nremove > 0 && c->remove == NULL) ||
	    (c->nadd > 0 && c->add == NULL))
		return store_seterr(st, STORE_INVALID, "no deployment list");
	/* Refuse a bad GUID before changing anything. */
	for (i = 0; i < c->nremove; i++)
		if ((rc = guid(s, "deployment", c->remove[i], g)) != STORE_OK)
			return rc;
	for (i = 0; i < c->nadd; i++)
		if ((rc = depl_norm(s, &c->add[i], &d)) != STORE_OK)
			return rc;
	if ((rc = sq_ready(s)) != STORE_OK || (rc = sq_begin(s)) != STORE_OK)
		return rc;
	for (i = 0; i < c->nremove; i++)
		if ((rc = depl_remove(s, c->remove[i])) != STORE_OK)
			goto fail;
	for (i = 0; i < c->nadd; i++)
		if ((rc = depl_add(s, &c->add[i])) != STORE_OK)
			goto fail;
	if ((stmt = sq_stmt(s, SQL_ANCHOR_SET[SYNC_PHASE_DEPLOYMENT])) ==
	    NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sq_bind_text(stmt, 1, c->anchor);
	return update_row(s, stmt, "write deployment anchor");
fail:
	sq_rollback(s);
	return rc;
}

static const char SQL_ROLLUP_SET[] =
    "UPDATE sync_state SET rollup_number = ?1, rollup_reset = ?2 "
    "WHERE id = 1";

int
sq_sync_rollup_set(struct store *st, int64_t number, const char *reset)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (number < 0)
		return store_seterr(st, STORE_INVALID, "negative rollup "
		    "number");
	if ((rc = sq_text_max(s, "rollup reset GUID", reset,
	    STORE_SYNC_RESET_MAX)) != STORE_OK ||
	    (stmt = begin_stmt(s, SQL_ROLLUP_SET, &rc)) == NULL)
		return rc;
	sqlite3_bind_int64(stmt, 1, number);
	sq_bind_text(stmt, 2, sq_opt_text(reset));
	return update_row(s, stmt, "write rollup number");
}

static const char SQL_LAST_SET[] =
    "UPDATE sync_state SET last_success = ?1 WHERE id = 1";

int
sq_sync_last_set(struct store *st, int64_t when)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (when < 0)
		return store_seterr(st, STORE_INVALID, "negative time");
	if ((stmt = begin_stmt(s, SQL_LAST_SET, &rc)) == NULL)
		return rc;
	sqlite3_bind_int64(stmt, 1, when);
	return update_row(s, stmt, "write last sync");
}

static const char SQL_REPLICA_SET[] =
    "UPDATE sync_state SET replica_of = ?1 WHERE id = 1";

int
sq_sync_replica_set(struct store *st, const char *url)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (url != NULL && strlen(url) > STORE_SYNC_URL_MAX)
		return store_seterr(st, STORE_INVALID, "URL too long");
	if ((stmt = begin_stmt(s, SQL_REPLICA_SET, &rc)) == NULL)
		return rc;
	sq_bind_text(stmt, 1, sq_opt_text(url));
	return update_row(s, stmt, "write replica flag");
}

/* ---- migration 4: the old settings into the tables ---- */

static const char SQL_OLD_DEPLOYMENTS[] =
    "SELECT value FROM settings WHERE key = 'sync_deployments'";
static const char SQL_OLD_DELETE[] =
    "DELETE FROM settings WHERE key IN ('sync_upstream', "
    "'sync_account_guid', 'sync_config_anchor', 'sync_category_anchor', "
    "'sync_update_anchor', 'sync_filter', 'sync_deployment_anchor', "
    "'sync_deployments', 'sync_rollup_number', 'sync_rollup_reset', "
    "'sync_last')";

/* One "depguid uid groupguid" line; lines that are not three GUIDs are
 * skipped, as src/sync skipped them. */
static int
migrate_line(struct sq *s, const char *line, size_t len)
{
	struct store_sync_deployment d;
	char buf[3 * (GUID_STRLEN + 1) + 8], *f[3], *p;
	size_t n = 0;

	if (len >= sizeof(buf))
		return STORE_OK;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (p = buf; n < 3; n++) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0')
			return STORE_OK;
		f[n] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	if (store_guid_norm(f[0], d.deployment) != 0 ||
	    store_guid_norm(f[1], d.update_id) != 0 ||
	    store_guid_norm(f[2], d.group) != 0)
		return STORE_OK;
	return depl_add(s, &d);
}

int
sq_sync_state_migrate(struct sq *s)
{
	sqlite3_stmt *stmt;
	const char *p, *nl;
	char *map = NULL;
	int rc;

	if ((stmt = sq_stmt(s, SQL_OLD_DEPLOYMENTS)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_one_text(s, stmt, "read old deployments", &map, NULL)) !=
	    STORE_OK)
		return rc;
	for (p = map; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		rc = migrate_line(s, p, nl != NULL ? (size_t)(nl - p) :
		    strlen(p));
		if (rc != STORE_OK) {
			free(map);
			return rc;
		}
	}
	free(map);
	if ((stmt = sq_stmt(s, SQL_OLD_DELETE)) == NULL)
		return STORE_ERROR;
	return sq_exec_stmt(s, stmt, "delete old sync settings");
}
