/*
 * rollup_forward.c — the read a downstream server needs to pass its
 * descendants' rollups on to its own upstream (wsusss.md §11 steps 2
 * and 4-6: "one per client (own and descendants')"): every rolled-up
 * computer as it was received, details and update states included,
 * with the server that owns it, and the client summaries of each
 * downstream server, and the install activity they rolled up that we
 * have not passed on (read, then taken once the upstream accepted it).
 * Rows written by rollup.c (migration 3).
 *
 * Not here: receiving rollups (rollup.c), the downstream servers
 * themselves (downstream.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

static const char SQL_FWD_COMPUTERS[] =
    "SELECT c.id, c.computer_id, d.server_id, c.last_sync,"
    " c.last_sync_result, c.last_reboot, c.last_status, c.last_inventory,"
    " c.has_details, c.ip_address, c.dns_name, c.os_locale, c.os_family,"
    " c.os_description, c.make, c.model, c.bios_version, c.bios_name,"
    " c.processor_arch, c.client_version, c.os_major, c.os_minor,"
    " c.os_build, c.sp_major, c.sp_minor, c.suite_mask,"
    " c.old_product_type, c.new_product_type, c.system_metrics,"
    " c.bios_release_date, c.groups, c.detection_time"
    " FROM rollup_computers c JOIN downstream_servers d ON d.id = c.site"
    " ORDER BY c.id";
static const char SQL_FWD_STATES[] =
    "SELECT update_id, state, last_change FROM rollup_status"
    " WHERE computer = ?1 ORDER BY update_id";

static const char *
opt(sqlite3_stmt *stmt, int i)
{
	const char *t = (const char *)sqlite3_column_text(stmt, i);

	return t != NULL && t[0] != '\0' ? t : NULL;
}

/* The states of rolled-up computer id into *v (grown), *n of them. */
static int
states_load(struct sq *s, int64_t id, struct store_rollup_update_state **v,
    size_t *n, size_t *cap)
{
	sqlite3_stmt *stmt;
	int rc;

	*n = 0;
	if ((stmt = sq_stmt(s, SQL_FWD_STATES)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_rollup_update_state *u;
		const char *uid = (const char *)sqlite3_column_text(stmt, 0);

		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = xreallocarray(*v, *cap, sizeof(**v));
		}
		u = &(*v)[(*n)++];
		snprintf(u->update_id, sizeof(u->update_id), "%s",
		    uid != NULL ? uid : "");
		u->state = sqlite3_column_int(stmt, 1);
		u->last_change = sqlite3_column_int64(stmt, 2);
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, "list rolled-up states");
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}

int
sq_rollup_forward(struct store *st, store_rollup_forward_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_rollup_update_state *states = NULL;
	struct store_rollup_computer_in c;
	sqlite3_stmt *stmt;
	size_t nstates = 0, cap = 0;
	int rc, step;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_FWD_COMPUTERS)) == NULL)
		return STORE_ERROR;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		const char *cid = (const char *)sqlite3_column_text(stmt, 1);
		const char *site = (const char *)sqlite3_column_text(stmt, 2);

		memset(&c, 0, sizeof(c));
		snprintf(c.computer_id, sizeof(c.computer_id), "%s",
		    cid != NULL ? cid : "");
		snprintf(c.parent_id, sizeof(c.parent_id), "%s",
		    site != NULL ? site : "");
		c.last_sync = sqlite3_column_int64(stmt, 3);
		c.last_sync_result = sqlite3_column_int(stmt, 4);
		c.last_reboot = sqlite3_column_int64(stmt, 5);
		c.last_status = sqlite3_column_int64(stmt, 6);
		c.last_inventory = sqlite3_column_int64(stmt, 7);
		c.has_details = sqlite3_column_int(stmt, 8) != 0;
		c.ip_address = opt(stmt, 9);
		c.dns_name = opt(stmt, 10);
		c.os_locale = opt(stmt, 11);
		c.os_family = opt(stmt, 12);
		c.os_description = opt(stmt, 13);
		c.make = opt(stmt, 14);
		c.model = opt(stmt, 15);
		c.bios_version = opt(stmt, 16);
		c.bios_name = opt(stmt, 17);
		c.processor_arch = opt(stmt, 18);
		c.client_version = opt(stmt, 19);
		c.os_major = sqlite3_column_int(stmt, 20);
		c.os_minor = sqlite3_column_int(stmt, 21);
		c.os_build = sqlite3_column_int(stmt, 22);
		c.sp_major = sqlite3_column_int(stmt, 23);
		c.sp_minor = sqlite3_column_int(stmt, 24);
		c.suite_mask = sqlite3_column_int(stmt, 25);
		c.old_product_type = sqlite3_column_int(stmt, 26);
		c.new_product_type = sqlite3_column_int(stmt, 27);
		c.system_metrics = sqlite3_column_int(stmt, 28);
		c.bios_release_date = sqlite3_column_int64(stmt, 29);
		c.groups = opt(stmt, 30);
		if ((rc = states_load(s, id, &states, &nstates, &cap)) !=
		    STORE_OK)
			goto out;
		if (cb(&c, sqlite3_column_int64(stmt, 31), states, nstates,
		    arg) != 0)
			goto out;	/* rc is STORE_OK */
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(s, "list rolled-up computers");
out:
	sq_done(stmt);
	free(states);
	return rc;
}

static const char SQL_FWD_CLIENTS[] =
    "SELECT c.os_major, c.os_minor, c.os_build, c.sp_major, c.sp_minor,"
    " c.os_locale, c.processor_arch, c.suite_mask, c.old_product_type,"
    " c.new_product_type, c.system_metrics, c.count"
    " FROM downstream_clients c JOIN downstream_servers d"
    " ON d.id = c.server_id WHERE d.server_id = ?1 ORDER BY c.rowid";

int
sq_rollup_client_summaries(struct store *st, const char *server_id,
    store_rollup_client_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_rollup_client_summary c;
	sqlite3_stmt *stmt;
	int rc, step;

	if (server_id == NULL || strlen(server_id) != GUID_STRLEN)
		return store_seterr(st, STORE_INVALID, "bad server id");
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_FWD_CLIENTS)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, server_id, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.os_major = sqlite3_column_int(stmt, 0);
		c.os_minor = sqlite3_column_int(stmt, 1);
		c.os_build = sqlite3_column_int(stmt, 2);
		c.sp_major = sqlite3_column_int(stmt, 3);
		c.sp_minor = sqlite3_column_int(stmt, 4);
		c.os_locale = opt(stmt, 5);
		c.processor_arch = opt(stmt, 6);
		c.suite_mask = sqlite3_column_int(stmt, 7);
		c.old_product_type = sqlite3_column_int(stmt, 8);
		c.new_product_type = sqlite3_column_int(stmt, 9);
		c.system_metrics = sqlite3_column_int(stmt, 10);
		c.count = sqlite3_column_int(stmt, 11);
		if (cb(&c, arg) != 0) {
			step = SQLITE_DONE;
			break;
		}
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(s, "list client summaries");
	sq_done(stmt);
	return rc;
}

static const char SQL_FWD_ACTIVITY[] =
    "SELECT a.update_id, a.revision, a.success, a.failure"
    " FROM downstream_activity a JOIN downstream_servers d"
    " ON d.id = a.server_id WHERE d.server_id = ?1"
    " ORDER BY a.update_id, a.revision";
static const char SQL_FWD_TAKE[] =
    "UPDATE downstream_activity SET success = max(success - ?4, 0),"
    " failure = max(failure - ?5, 0) WHERE server_id = (SELECT id FROM"
    " downstream_servers WHERE server_id = ?1) AND update_id = ?2"
    " AND revision = ?3";
static const char SQL_FWD_TAKE_ZERO[] =
    "DELETE FROM downstream_activity WHERE success = 0 AND failure = 0"
    " AND server_id = (SELECT id FROM downstream_servers"
    " WHERE server_id = ?1)";

int
sq_rollup_activity(struct store *st, const char *server_id,
    store_rollup_activity_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_rollup_activity a;
	sqlite3_stmt *stmt;
	int rc, step;

	if (server_id == NULL || strlen(server_id) != GUID_STRLEN)
		return store_seterr(st, STORE_INVALID, "bad server id");
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_FWD_ACTIVITY)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, server_id, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		snprintf(a.update_id, sizeof(a.update_id), "%s",
		    (const char *)sqlite3_column_text(stmt, 0));
		a.revision = sqlite3_column_int(stmt, 1);
		a.success = sqlite3_column_int(stmt, 2);
		a.failure = sqlite3_column_int(stmt, 3);
		if (cb(&a, arg) != 0) {
			step = SQLITE_DONE;
			break;
		}
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(s, "list activity");
	sq_done(stmt);
	return rc;
}

int
sq_rollup_activity_taken(struct store *st, const char *server_id,
    const struct store_rollup_activity *v, size_t n)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	if (server_id == NULL || strlen(server_id) != GUID_STRLEN)
		return store_seterr(st, STORE_INVALID, "bad server id");
	for (i = 0; i < n; i++)
		if (strlen(v[i].update_id) != GUID_STRLEN ||
		    v[i].success < 0 || v[i].failure < 0)
			return store_seterr(st, STORE_INVALID, "bad activity "
			    "%zu", i);
	if ((rc = sq_ready(s)) != STORE_OK || (rc = sq_begin(s)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((stmt = sq_stmt(s, SQL_FWD_TAKE)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sqlite3_bind_text(stmt, 1, server_id, -1, SQLITE_TRANSIENT);
		sq_bind_text(stmt, 2, v[i].update_id);
		sqlite3_bind_int(stmt, 3, v[i].revision);
		sqlite3_bind_int(stmt, 4, v[i].success);
		sqlite3_bind_int(stmt, 5, v[i].failure);
		if ((rc = sq_exec_stmt(s, stmt, "take activity")) != STORE_OK)
			goto fail;
	}
	if ((stmt = sq_stmt(s, SQL_FWD_TAKE_ZERO)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, server_id, -1, SQLITE_TRANSIENT);
	if ((rc = sq_exec_stmt(s, stmt, "drop taken activity")) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}
