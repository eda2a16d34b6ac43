/*
 * approvals.c — approvals (deployments) and declines in the SQLite
 * backend.
 *
 * An approval belongs to an update (not a revision: it follows the
 * update's newest revision) and a target group; there is at most one per
 * (update, group).  Approving again replaces action, deadline and admin,
 * keeps the deployment_id and GUID, and takes a new change number.
 * Removing an approval leaves a tombstone row so that a replica server
 * can be told about it (DeadDeployments) after its anchor.  Declining an
 * update removes all of its approvals.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/guid.h"

#define ADMIN_MAX	256	/* bytes of an admin name */

static const char SQL_UPDATE_GET[] =
    "SELECT u.local_id, u.declined, r.revision_id, r.update_type "
    "FROM updates u JOIN revisions r ON r.revision_id = u.latest_revision_id "
    "WHERE u.update_id = ?1";
static const char SQL_APPROVE[] =
    "INSERT INTO deployments(deployment_guid, update_local_id, revision_id, "
    "group_id, action, deadline, created, last_change, admin, change_seq) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9) "
    "ON CONFLICT(update_local_id, group_id) DO UPDATE SET "
    "revision_id = excluded.revision_id, action = excluded.action, "
    "deadline = excluded.deadline, created = excluded.created, "
    "last_change = excluded.last_change, admin = excluded.admin, "
    "change_seq = excluded.change_seq "
    "RETURNING deployment_id";
static const char SQL_DECLINE[] =
    "UPDATE updates SET declined = ?2, change_seq = ?3 WHERE local_id = ?1";

#define TOMBSTONE_SELECT \
    "INSERT INTO deployment_tombstones(deployment_id, deployment_guid, " \
    "update_id, group_guid, deleted, change_seq) SELECT d.deployment_id, " \
    "d.deployment_guid, u.update_id, g.guid, ?3, ?4 FROM deployments d " \
    "JOIN updates u ON u.local_id = d.update_local_id " \
    "JOIN target_groups g ON g.id = d.group_id "
static const char SQL_TOMB_UPDATE[] =
    TOMBSTONE_SELECT "WHERE d.update_local_id = ?1";
static const char SQL_TOMB_GROUP[] =
    TOMBSTONE_SELECT "WHERE d.group_id = ?2";
static const char SQL_TOMB_BOTH[] =
    TOMBSTONE_SELECT "WHERE d.update_local_id = ?1 AND d.group_id = ?2";
static const char SQL_DEL_UPDATE[] =
    "DELETE FROM deployments WHERE update_local_id = ?1";
static const char SQL_DEL_GROUP[] =
    "DELETE FROM deployments WHERE group_id = ?2";
static const char SQL_DEL_BOTH[] =
    "DELETE FROM deployments WHERE update_local_id = ?1 AND group_id = ?2";

#define APPROVAL_SELECT \
    "SELECT d.deployment_id, u.update_id, r.revision_number, r.revision_id, " \
    "d.group_id, g.name, d.action, d.deadline, d.created, d.admin, r.title " \
    "FROM deployments d JOIN updates u ON u.local_id = d.update_local_id " \
    "JOIN revisions r ON r.revision_id = u.latest_revision_id " \
    "JOIN target_groups g ON g.id = d.group_id "
static const char SQL_APPROVALS_ALL[] =
    APPROVAL_SELECT "WHERE ?1 IS NULL AND ?2 IS NULL "
    "ORDER BY d.deployment_id";
static const char SQL_APPROVALS_UPDATE[] =
    APPROVAL_SELECT "WHERE d.update_local_id = ?1 AND ?2 IS NULL "
    "ORDER BY d.deployment_id";
static const char SQL_APPROVALS_GROUP[] =
    APPROVAL_SELECT "WHERE d.group_id = ?2 AND ?1 IS NULL "
    "ORDER BY d.deployment_id";
static const char SQL_APPROVALS_BOTH[] =
    APPROVAL_SELECT "WHERE d.update_local_id = ?1 AND d.group_id = ?2 "
    "ORDER BY d.deployment_id";

struct upd {
	int64_t	local_id;
	bool	declined;
	int64_t	revision_id;	/* newest */
	int	type;
};

static void
update_row(sqlite3_stmt *stmt, void *arg)
{
	struct upd *u = arg;

	u->local_id = sqlite3_column_int64(stmt, 0);
	u->declined = sqlite3_column_int(stmt, 1) != 0;
	u->revision_id = sqlite3_column_int64(stmt, 2);
	u->type = sqlite3_column_int(stmt, 3);
}

static int
update_get(struct sq *s, const char *uid, struct upd *u)
{
	sqlite3_stmt *stmt;
	bool found;
	int rc;

	memset(u, 0, sizeof(*u));
	if ((stmt = sq_stmt(s, SQL_UPDATE_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_STATIC);
	if ((rc = sq_one_row(s, stmt, "read update", update_row, u, &found)) !=
	    STORE_OK)
		return rc;
	if (!found)
		return store_seterr(&s->base, STORE_NOTFOUND, "update %s is "
		    "not in the store", uid);
	return STORE_OK;
}

/* update_get, refusing categories and detectoids (STORE_INVALID, "only
 * software and driver updates can be <verb>"). */
static int
update_get_deployable(struct sq *s, const char *uid, struct upd *u,
    const char *verb)
{
	int rc;

	if ((rc = update_get(s, uid, u)) != STORE_OK)
		return rc;
	if (u->type == UPDATE_TYPE_CATEGORY || u->type == UPDATE_TYPE_DETECTOID)
		return store_seterr(&s->base, STORE_INVALID, "update %s is a %s; "
		    "only software and driver updates can be %s", uid,
		    u->type == UPDATE_TYPE_CATEGORY ? "category" : "detectoid",
		    verb);
	return STORE_OK;
}

static int
norm_uid(struct sq *s, const char *in, char uid[GUID_STRLEN + 1])
{
	if (store_guid_norm(in, uid) == -1)
		return store_seterr(&s->base, STORE_INVALID, "\"%.64s\" is not "
		    "an UpdateID", in != NULL ? in : "");
	return STORE_OK;
}

static int
need_group(struct sq *s, int64_t group_id)
{
	bool exists;
	int rc;

	if ((rc = sq_group_exists(s, group_id, &exists)) != STORE_OK)
		return rc;
	if (!exists)
		return store_seterr(&s->base, STORE_NOTFOUND, "group %lld does "
		    "not exist", (long long)group_id);
	return STORE_OK;
}

int
sq_deployments_delete(struct sq *s, int64_t update_local_id, int64_t group_id,
    int64_t *n)
{
	sqlite3_stmt *stmt;
	const char *tomb, *del;
	int64_t seq;
	int rc;

	*n = 0;
	if (update_local_id != 0 && group_id != 0) {
		tomb = SQL_TOMB_BOTH;
		del = SQL_DEL_BOTH;
	} else if (update_local_id != 0) {
		tomb = SQL_TOMB_UPDATE;
		del = SQL_DEL_UPDATE;
	} else if (group_id != 0) {
		tomb = SQL_TOMB_GROUP;
		del = SQL_DEL_GROUP;
	} else
		return store_seterr(&s->base, STORE_ERROR, "internal error: "
		    "unfiltered deployment delete");
	if ((rc = sq_next_change(s, &seq)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, tomb)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, update_local_id);
	sqlite3_bind_int64(stmt, 2, group_id);
	sqlite3_bind_int64(stmt, 3, store_now());
	sqlite3_bind_int64(stmt, 4, seq);
	if ((rc = sq_exec_stmt(s, stmt, "record removed approvals")) !=
	    STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, del)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, update_local_id);
	sqlite3_bind_int64(stmt, 2, group_id);
	if ((rc = sq_exec_stmt(s, stmt, "remove approvals")) != STORE_OK)
		return rc;
	*n = sqlite3_changes(s->db);
	return STORE_OK;
}

int
sq_approve(struct store *st, const char *update_id, int64_t group_id,
    enum approval_action action, int64_t deadline, const char *admin,
    int64_t *deployment_id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char uid[GUID_STRLEN + 1], guid[GUID_STRLEN + 1];
	struct upd u;
	int64_t seq, did = 0;
	int rc;

	if (deployment_id != NULL)
		*deployment_id = 0;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = norm_uid(s, update_id, uid)) != STORE_OK)
		return rc;
	if ((int)action < 0 || (int)action > APPROVAL_NOT_APPROVED)
		return store_seterr(st, STORE_INVALID, "unknown approval "
		    "action %d", (int)action);
	if (deadline < 0)
		return store_seterr(st, STORE_INVALID, "deadline is negative");
	if (group_id <= 0)
		return store_seterr(st, STORE_INVALID, "an approval needs a "
		    "target group");
	if (admin == NULL)
		admin = "";
	if (strlen(admin) > ADMIN_MAX)
		return store_seterr(st, STORE_INVALID, "admin name is longer "
		    "than %d bytes", ADMIN_MAX);
	if (guid_random(guid) == -1)
		return store_seterr(st, STORE_ERROR, "no random bytes for a "
		    "deployment GUID");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = update_get_deployable(s, uid, &u, "approved")) != STORE_OK)
		goto fail;
	if (u.declined) {
		rc = store_seterr(st, STORE_INVALID, "update %s is declined; "
		    "undo the decline before approving it", uid);
		goto fail;
	}
	if ((rc = need_group(s, group_id)) != STORE_OK ||
	    (rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_APPROVE)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, guid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, u.local_id);
	sqlite3_bind_int64(stmt, 3, u.revision_id);
	sqlite3_bind_int64(stmt, 4, group_id);
	sqlite3_bind_int(stmt, 5, (int)action);
	sqlite3_bind_int64(stmt, 6, deadline);
	sqlite3_bind_int64(stmt, 7, store_now());
	sqlite3_bind_text(stmt, 8, admin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 9, seq);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = sq_fail(s, "store approval");
		sq_done(stmt);
		goto fail;
	}
	did = sqlite3_column_int64(stmt, 0);
	sq_done(stmt);
	if (did <= 0 || did > INT32_MAX) {
		rc = store_seterr(st, STORE_ERROR, "deployment id space "
		    "exhausted");
		goto fail;
	}
	if ((rc = sq_commit(s)) != STORE_OK)
		return rc;
	if (deployment_id != NULL)
		*deployment_id = did;
	return STORE_OK;
fail:
	sq_rollback(s);
	return rc;
}

int
sq_unapprove(struct store *st, const char *update_id, int64_t group_id)
{
	struct sq *s = (struct sq *)st;
	char uid[GUID_STRLEN + 1];
	struct upd u;
	int64_t n;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = norm_uid(s, update_id, uid)) != STORE_OK)
		return rc;
	if (group_id < 0)
		return store_seterr(st, STORE_INVALID, "bad group id");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = update_get(s, uid, &u)) != STORE_OK)
		goto fail;
	if (group_id != 0 && (rc = need_group(s, group_id)) != STORE_OK)
		goto fail;
	if ((rc = sq_deployments_delete(s, u.local_id, group_id, &n)) !=
	    STORE_OK)
		goto fail;
	if (n == 0) {
		if (group_id != 0)
			rc = store_seterr(st, STORE_NOTFOUND, "update %s has "
			    "no approval for group %lld", uid,
			    (long long)group_id);
		else
			rc = store_seterr(st, STORE_NOTFOUND, "update %s has "
			    "no approvals", uid);
		goto fail;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

int
sq_decline(struct store *st, const char *update_id, bool declined)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char uid[GUID_STRLEN + 1];
	struct upd u;
	int64_t n, seq;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = norm_uid(s, update_id, uid)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = update_get_deployable(s, uid, &u, "declined")) != STORE_OK)
		goto fail;
	if (u.declined == declined) {
		sq_rollback(s);
		return STORE_OK;
	}
	if (declined && (rc = sq_deployments_delete(s, u.local_id, 0, &n)) !=
	    STORE_OK)
		goto fail;
	if ((rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_DECLINE)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, u.local_id);
	sqlite3_bind_int(stmt, 2, declined ? 1 : 0);
	sqlite3_bind_int64(stmt, 3, seq);
	if ((rc = sq_exec_stmt(s, stmt, "decline update")) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

int
sq_approval_list(struct store *st, const char *update_id, int64_t group_id,
    store_approval_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	const char *sql;
	char uid[GUID_STRLEN + 1];
	struct upd u;
	int rc;

	memset(&u, 0, sizeof(u));
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (update_id != NULL) {
		if ((rc = norm_uid(s, update_id, uid)) != STORE_OK ||
		    (rc = update_get(s, uid, &u)) != STORE_OK)
			return rc;
	}
	if (group_id < 0)
		return store_seterr(st, STORE_INVALID, "bad group id");
	if (group_id != 0 && (rc = need_group(s, group_id)) != STORE_OK)
		return rc;
	if (update_id != NULL && group_id != 0)
		sql = SQL_APPROVALS_BOTH;
	else if (update_id != NULL)
		sql = SQL_APPROVALS_UPDATE;
	else if (group_id != 0)
		sql = SQL_APPROVALS_GROUP;
	else
		sql = SQL_APPROVALS_ALL;
	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	if (update_id != NULL)
		sqlite3_bind_int64(stmt, 1, u.local_id);
	if (group_id != 0)
		sqlite3_bind_int64(stmt, 2, group_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_approval a;
		const char *t;

		memset(&a, 0, sizeof(a));
		a.deployment_id = sqlite3_column_int64(stmt, 0);
		t = (const char *)sqlite3_column_text(stmt, 1);
		snprintf(a.update_id, sizeof(a.update_id), "%s", t ? t : "");
		a.revision = sqlite3_column_int(stmt, 2);
		a.revision_id = sqlite3_column_int64(stmt, 3);
		a.group_id = sqlite3_column_int64(stmt, 4);
		t = (const char *)sqlite3_column_text(stmt, 5);
		a.group_name = t ? t : "";
		a.action = (enum approval_action)sqlite3_column_int(stmt, 6);
		a.deadline = sqlite3_column_int64(stmt, 7);
		a.created = sqlite3_column_int64(stmt, 8);
		t = (const char *)sqlite3_column_text(stmt, 9);
		a.admin = t ? t : "";
		t = (const char *)sqlite3_column_text(stmt, 10);
		a.title = t ? t : "";
		if (cb(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		rc = sq_fail(s, "list approvals");
	else
		rc = STORE_OK;
	sq_done(stmt);
	return rc;
}

/* ---- accepted EULAs (a replica's copy of its upstream's list) ---- */

static const char SQL_EULA_CLEAR[] = "DELETE FROM accepted_eulas";
static const char SQL_EULA_ADD[] =
    "INSERT OR IGNORE INTO accepted_eulas(eula_id) VALUES (?1)";
static const char SQL_EULA_LIST[] =
    "SELECT eula_id FROM accepted_eulas ORDER BY eula_id";

int
sq_eulas_accepted_set(struct store *st, const char *const *ids, size_t n)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char g[GUID_STRLEN + 1];
	size_t i;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (ids[i] == NULL || guid_canon(ids[i], strlen(ids[i]), 0, g) != 0)
			return store_seterr(st, STORE_INVALID, "EULA id \"%s\" "
			    "is not a GUID", ids[i] != NULL ? ids[i] : "(null)");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_EULA_CLEAR)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	if ((rc = sq_exec_stmt(s, stmt, "clear accepted EULAs")) != STORE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		guid_canon(ids[i], strlen(ids[i]), 0, g);
		if ((stmt = sq_stmt(s, SQL_EULA_ADD)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sqlite3_bind_text(stmt, 1, g, -1, SQLITE_TRANSIENT);
		if ((rc = sq_exec_stmt(s, stmt, "store accepted EULA")) !=
		    STORE_OK)
			goto fail;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

int
sq_eulas_accepted_list(struct store *st, store_eula_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_EULA_LIST)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(stmt, 0);

		if (cb(t != NULL ? t : "", arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		rc = sq_fail(s, "list accepted EULAs");
	else
		rc = STORE_OK;
	sq_done(stmt);
	return rc;
}
