/*
 * targeting.c — the targeting mode and computers' group membership in
 * the SQLite backend: which groups count for a computer
 * (computer_groups), server-side assignment (computer_move), and the
 * targeting_mode setting read through the settings registry.
 *
 * Rules (docs/REPORTING.md): server-side memberships (source 0) come from
 * computer_move, client-side ones (source 1) from the targetGroupName
 * claim (computers.c, at contact); the targeting_mode setting picks the
 * kind that counts; no membership of that kind means Unassigned
 * Computers.
 *
 * Not here: computers themselves, claims and identities (computers.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"

/* ---- settings through the registry ---- */

int
sq_targeting_mode(struct sq *s, enum targeting_mode *mode)
{
	int v, rc;

	*mode = TARGETING_SERVER;
	rc = store_setting_enum(&s->base, SETTING_TARGETING_MODE, &v);
	/* A refused stored word counts as the default (server). */
	if (rc != STORE_OK && rc != STORE_INVALID)
		return rc;
	*mode = v == 1 ? TARGETING_CLIENT : TARGETING_SERVER;
	return STORE_OK;
}

int
sq_setting_int(struct sq *s, const char *key, int64_t *out)
{
	int rc;

	rc = store_setting_int(&s->base, key, out);
	/* Refused stored values give the registry's default. */
	return rc == STORE_INVALID ? STORE_OK : rc;
}

static const char SQL_SETTING_WRITE[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

int
sq_targeting_get(struct store *st, enum targeting_mode *mode)
{
	struct sq *s = (struct sq *)st;
	int rc;

	*mode = TARGETING_SERVER;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	return sq_targeting_mode(s, mode);
}

int
sq_targeting_set(struct store *st, enum targeting_mode mode)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (mode != TARGETING_SERVER && mode != TARGETING_CLIENT)
		return store_seterr(st, STORE_INVALID, "unknown targeting "
		    "mode %d", (int)mode);
	if ((stmt = sq_stmt(s, SQL_SETTING_WRITE)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, SETTING_TARGETING_MODE);
	sq_bind_text(stmt, 2, mode == TARGETING_CLIENT ? "client" : "server");
	return sq_exec_stmt(s, stmt, "write setting");
}

/* ---- membership ---- */

static const char SQL_MEMBER_GROUPS[] =
    "SELECT g.id, g.guid FROM computers c "
    "JOIN computer_groups cg ON cg.computer_id = c.id AND cg.source = ?2 "
    "JOIN target_groups g ON g.id = cg.group_id "
    "WHERE c.client_id = ?1 ORDER BY g.id";
static const char SQL_REGISTERED[] =
    "SELECT registered FROM computers WHERE client_id = ?1";

int
sq_computer_groups(struct store *st, const char *client_id,
    struct store_group_ref *out, size_t max, size_t *n, int64_t *registered)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	enum targeting_mode mode;
	int64_t reg;
	bool found = false;
	int rc;

	*n = 0;
	if (registered != NULL)
		*registered = 0;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_client_id_check(s, client_id)) != STORE_OK)
		return rc;
	if (out == NULL || max == 0)
		return store_seterr(st, STORE_INVALID, "no room for groups");
	if ((rc = sq_targeting_mode(s, &mode)) != STORE_OK)
		return rc;
	if ((rc = sq_one_int64_by_text(s, SQL_REGISTERED, client_id,
	    "read computer", &reg, &found)) != STORE_OK)
		return rc;
	if (registered != NULL)
		*registered = reg;
	if (found) {
		if ((stmt = sq_stmt(s, SQL_MEMBER_GROUPS)) == NULL)
			return STORE_ERROR;
		sq_bind_text(stmt, 1, client_id);
		sqlite3_bind_int(stmt, 2, (int)mode);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < max) {
			const char *g = (const char *)sqlite3_column_text(stmt, 1);

			out[*n].id = sqlite3_column_int64(stmt, 0);
			snprintf(out[*n].guid, sizeof(out[*n].guid), "%s",
			    g != NULL ? g : "");
			(*n)++;
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			rc = sq_fail(s, "read groups");
			sq_done(stmt);
			*n = 0;
			return rc;
		}
		sq_done(stmt);
	}
	if (*n == 0) {
		out[0].id = SQ_GROUP_UNASSIGNED;
		snprintf(out[0].guid, sizeof(out[0].guid), "%s",
		    GROUP_UNASSIGNED_GUID);
		*n = 1;
	}
	if (!found)
		return store_seterr(st, STORE_NOTFOUND, "no computer with "
		    "client id %s", client_id);
	return STORE_OK;
}

static const char SQL_COMPUTER_EXISTS[] =
    "SELECT 1 FROM computers WHERE id = ?1";
static const char SQL_GROUP_EXISTS[] =
    "SELECT 1 FROM target_groups WHERE id = ?1";
static const char SQL_ASSIGN_CLEAR[] =
    "DELETE FROM computer_groups WHERE computer_id = ?1 AND source = 0";
static const char SQL_ASSIGN[] =
    "INSERT INTO computer_groups(computer_id, source, group_id) "
    "VALUES (?1, 0, ?2)";

int
sq_computer_move(struct store *st, int64_t computer_id, int64_t group_id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int64_t one;
	bool yes;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (group_id == SQ_GROUP_ALL)
		return store_seterr(st, STORE_INVALID, "every computer is in "
		    "All Computers; move it to another group");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = sq_one_int64_by_id(s, SQL_COMPUTER_EXISTS, computer_id,
	    "lookup", &one, &yes)) !=
	    STORE_OK)
		goto fail;
	if (!yes) {
		rc = store_seterr(st, STORE_NOTFOUND, "computer %lld does not "
		    "exist", (long long)computer_id);
		goto fail;
	}
	if ((rc = sq_one_int64_by_id(s, SQL_GROUP_EXISTS, group_id,
	    "lookup", &one, &yes)) != STORE_OK)
		goto fail;
	if (!yes) {
		rc = store_seterr(st, STORE_NOTFOUND, "group %lld does not "
		    "exist", (long long)group_id);
		goto fail;
	}
	if ((rc = sq_exec_by_id(s, SQL_ASSIGN_CLEAR, computer_id,
	    "clear assignment")) != STORE_OK)
		goto fail;
	if (group_id != SQ_GROUP_UNASSIGNED) {
		if ((stmt = sq_stmt(s, SQL_ASSIGN)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sqlite3_bind_int64(stmt, 1, computer_id);
		sqlite3_bind_int64(stmt, 2, group_id);
		if ((rc = sq_exec_stmt(s, stmt, "assign group")) != STORE_OK)
			goto fail;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}
