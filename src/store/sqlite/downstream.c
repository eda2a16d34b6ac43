/*
 * downstream.c — the registry of downstream servers (migration 3):
 * recorded from their server-sync calls (store_downstream_touch) and
 * from rollups (rollup.c); listed, found and removed by wsusctl.
 * docs/ROLLUP.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/guid.h"

#define DS_TEXT_MAX	255

static const char SQL_DS_ID[] =
    "SELECT id FROM downstream_servers WHERE server_id = ?1";

int
sq_downstream_id(struct sq *s, const char *server_id, int64_t *id)
{
	return sq_one_int64_by_text(s, SQL_DS_ID, server_id,
	    "find downstream server", id, NULL);
}

static int
text_ok(const char *t)
{
	if (t == NULL)
		return 1;
	if (strlen(t) > DS_TEXT_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Pending downstreams: direct ones that completed a session (GetCookie)
 * but never synced nor rolled up.  Those idle for DS_PENDING_AGE go, and
 * at most DS_PENDING_MAX are kept (the least recently seen go first), so
 * callers that only authenticate cannot fill the table (docs/SECURITY.md).
 */
#define DS_PENDING_WHERE \
    " parent_id IS NULL AND last_sync = 0 AND rollup_received = 0" \
    " AND summary IS NULL" \
    " AND NOT EXISTS (SELECT 1 FROM downstream_servers k" \
    "  WHERE k.parent_id = downstream_servers.id)" \
    " AND NOT EXISTS (SELECT 1 FROM rollup_computers r" \
    "  WHERE r.site = downstream_servers.id)"
static const char SQL_DS_EXPIRE[] =
    "DELETE FROM downstream_servers WHERE" DS_PENDING_WHERE
    " AND (last_contact < ?1 OR id IN (SELECT id FROM downstream_servers"
    "  WHERE" DS_PENDING_WHERE " ORDER BY last_contact DESC, id DESC"
    "  LIMIT -1 OFFSET ?2))";

static int
expire_pending(struct sq *s, int64_t now)
{
	sqlite3_stmt *stmt = sq_stmt(s, SQL_DS_EXPIRE);

	if (stmt == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, now - DS_PENDING_AGE);
	sqlite3_bind_int64(stmt, 2, DS_PENDING_MAX);
	return sq_exec_stmt(s, stmt, "expire pending downstreams");
}

static const char SQL_DS_INSERT[] =
    "INSERT INTO downstream_servers(server_id, first_seen) VALUES (?1, ?2)";
static const char SQL_DS_TOUCH[] =
    "UPDATE downstream_servers SET"
    " name = CASE WHEN name = '' THEN coalesce(?2, name) ELSE name END,"
    " protocol = coalesce(?3, protocol),"
    " mode = CASE WHEN ?4 >= 0 THEN ?4 ELSE mode END,"
    " address = coalesce(?5, address), last_contact = max(last_contact, ?6),"
    " last_sync = CASE WHEN ?7 THEN max(last_sync, ?6) ELSE last_sync END,"
    " parent_id = NULL"
    " WHERE id = ?1";

int
sq_downstream_touch(struct store *st, const struct store_downstream_contact *c,
    int64_t now)
{
	struct sq *s = (struct sq *)st;
	char id[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int64_t rid;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (store_guid_norm(c->server_id, id) != 0 ||
	    strcmp(id, GUID_ZERO) == 0)
		return store_seterr(st, STORE_INVALID, "bad downstream server "
		    "id");
	if (!text_ok(c->name) || !text_ok(c->protocol) ||
	    !text_ok(c->address) || c->mode < DOWNSTREAM_MODE_UNKNOWN ||
	    c->mode > DOWNSTREAM_REPLICA)
		return store_seterr(st, STORE_INVALID, "bad downstream server "
		    "name, protocol, address or mode");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = sq_downstream_id(s, id, &rid)) != STORE_OK)
		goto fail;
	if (rid == 0) {
		if ((stmt = sq_stmt(s, SQL_DS_INSERT)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sq_bind_text(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, now);
		if ((rc = sq_exec_stmt(s, stmt, "add downstream")) != STORE_OK)
			goto fail;
		rid = sqlite3_last_insert_rowid(s->db);
	}
	if ((stmt = sq_stmt(s, SQL_DS_TOUCH)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, rid);
	sq_bind_text(stmt, 2, c->name);
	sq_bind_text(stmt, 3, c->protocol);
	sqlite3_bind_int(stmt, 4, (int)c->mode);
	sq_bind_text(stmt, 5, c->address);
	sqlite3_bind_int64(stmt, 6, now);
	sqlite3_bind_int(stmt, 7, c->synced ? 1 : 0);
	if ((rc = sq_exec_stmt(s, stmt, "record downstream")) != STORE_OK)
		goto fail;
	if ((rc = expire_pending(s, now)) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

/* Parents before children: a recursive walk from the direct children. */
#define SQL_DS_COLUMNS \
    " d.id, d.server_id, coalesce(p.server_id, ''), d.name, d.version," \
    " d.protocol, d.address, d.mode, t.depth, d.first_seen, d.last_contact," \
    " d.last_sync, d.last_rollup, d.summary, d.client_summaries," \
    " (SELECT count(*) FROM rollup_computers c WHERE c.site = d.id)"
static const char SQL_DS_LIST[] =
    "WITH RECURSIVE t(id, depth, path) AS ("
    " SELECT id, 1, printf('%012d', id) FROM downstream_servers"
    "  WHERE parent_id IS NULL"
    " UNION ALL SELECT d.id, t.depth + 1, t.path || '/' || printf('%012d', d.id)"
    "  FROM downstream_servers d JOIN t ON d.parent_id = t.id"
    "  WHERE t.depth < 64)"
    " SELECT" SQL_DS_COLUMNS
    " FROM t JOIN downstream_servers d ON d.id = t.id"
    " LEFT JOIN downstream_servers p ON p.id = d.parent_id"
    " WHERE ?1 = 0 OR d.id = ?1 ORDER BY t.path";

static void
summary_parse(const char *txt, struct store_downstream *d)
{
	const char *p = txt;
	int i;

	d->has_summary = false;
	memset(d->summary, 0, sizeof(d->summary));
	if (txt == NULL)
		return;
	for (i = 0; i < ROLLUP_SUMMARY_FIELDS && *p != '\0'; i++) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		d->summary[i] = (int32_t)v;
		p = *end == ',' ? end + 1 : end;
	}
	d->has_summary = true;
}

static int
ds_walk(struct sq *s, int64_t only, store_downstream_cb cb, void *arg)
{
	struct store_downstream d;
	sqlite3_stmt *stmt;
	int rc, n = 0;

	if ((stmt = sq_stmt(s, SQL_DS_LIST)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, only);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *t;

		memset(&d, 0, sizeof(d));
		d.id = sqlite3_column_int64(stmt, 0);
		snprintf(d.server_id, sizeof(d.server_id), "%s",
		    (const char *)sqlite3_column_text(stmt, 1));
		snprintf(d.parent_id, sizeof(d.parent_id), "%s",
		    (const char *)sqlite3_column_text(stmt, 2));
		d.name = (const char *)sqlite3_column_text(stmt, 3);
		d.version = (const char *)sqlite3_column_text(stmt, 4);
		d.protocol = (const char *)sqlite3_column_text(stmt, 5);
		d.address = (const char *)sqlite3_column_text(stmt, 6);
		d.mode = (enum downstream_mode)sqlite3_column_int(stmt, 7);
		d.depth = sqlite3_column_int(stmt, 8);
		d.first_seen = sqlite3_column_int64(stmt, 9);
		d.last_contact = sqlite3_column_int64(stmt, 10);
		d.last_sync = sqlite3_column_int64(stmt, 11);
		d.last_rollup = sqlite3_column_int64(stmt, 12);
		t = (const char *)sqlite3_column_text(stmt, 13);
		summary_parse(t, &d);
		d.client_summaries = sqlite3_column_int64(stmt, 14);
		d.computers = sqlite3_column_int64(stmt, 15);
		n++;
		if (cb(&d, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, "list downstream servers");
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	if (only != 0 && n == 0)
		return store_seterr(&s->base, STORE_NOTFOUND, "downstream "
		    "server #%lld does not exist", (long long)only);
	return STORE_OK;
}

int
sq_downstream_list(struct store *st, store_downstream_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	return ds_walk(s, 0, cb, arg);
}

int
sq_downstream_get(struct store *st, int64_t id, store_downstream_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (id <= 0)
		return store_seterr(st, STORE_NOTFOUND, "no such downstream "
		    "server");
	return ds_walk(s, id, cb, arg);
}

static const char SQL_DS_BY_NAME[] =
    "SELECT id FROM downstream_servers WHERE name = ?1 COLLATE NOCASE"
    " OR (instr(name, '.') > 0 AND"
    "  substr(name, 1, instr(name, '.') - 1) = ?1 COLLATE NOCASE)"
    " OR (instr(name, '\\') > 0 AND"
    "  substr(name, instr(name, '\\') + 1) = ?1 COLLATE NOCASE)"
    " LIMIT 3";
static const char SQL_DS_BY_LOCAL[] =
    "SELECT id FROM downstream_servers WHERE id = ?1";

int
sq_downstream_find(struct store *st, const char *name, int64_t *id)
{
	struct sq *s = (struct sq *)st;
	char g[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int rc, n = 0;

	*id = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (name == NULL || *name == '\0' || strlen(name) > DS_TEXT_MAX)
		return store_seterr(st, STORE_INVALID, "no downstream server "
		    "name given");
	if (store_guid_norm(name, g) == 0) {
		if ((rc = sq_downstream_id(s, g, id)) != STORE_OK)
			return rc;
		if (*id == 0)
			return store_seterr(st, STORE_NOTFOUND, "downstream "
			    "server %s does not exist", g);
		return STORE_OK;
	}
	if (name[0] == '#') {
		char *end;
		long long v = strtoll(name + 1, &end, 10);

		if (*end != '\0' || v <= 0)
			return store_seterr(st, STORE_INVALID, "bad local id "
			    "%s", name);
		if ((stmt = sq_stmt(s, SQL_DS_BY_LOCAL)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, v);
	} else {
		if ((stmt = sq_stmt(s, SQL_DS_BY_NAME)) == NULL)
			return STORE_ERROR;
		sq_bind_text(stmt, 1, name);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, "find downstream server");
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	if (n == 0)
		return store_seterr(st, STORE_NOTFOUND, "downstream server %s "
		    "does not exist", name);
	if (n > 1) {
		*id = 0;
		return store_seterr(st, STORE_INVALID, "%s names %d downstream "
		    "servers; give the server id", name, n);
	}
	return STORE_OK;
}

static const char SQL_DS_SESSIONS[] =
    "SELECT server_id FROM downstream_servers WHERE parent_id IS NULL"
    " AND address = ?1 AND last_contact >= ?2 ORDER BY id";

int
sq_downstream_sessions(struct store *st, const char *address, int64_t since,
    store_rollup_id_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc, cbrc = 0;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (address == NULL || *address == '\0')
		return STORE_OK;
	if ((stmt = sq_stmt(s, SQL_DS_SESSIONS)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, address);
	sqlite3_bind_int64(stmt, 2, since);
	while (cbrc == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		cbrc = cb((const char *)sqlite3_column_text(stmt, 0), arg);
	if (cbrc == 0 && rc != SQLITE_DONE) {
		rc = sq_fail(s, "list downstream sessions");
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}

static const char SQL_DS_ROOT[] =
    "WITH RECURSIVE t(parent_id, server_id, depth) AS ("
    " SELECT parent_id, server_id, 0 FROM downstream_servers"
    "  WHERE server_id = ?1"
    " UNION ALL SELECT d.parent_id, d.server_id, t.depth + 1"
    "  FROM downstream_servers d JOIN t ON d.id = t.parent_id"
    "  WHERE t.depth < 64)"
    " SELECT server_id FROM t WHERE parent_id IS NULL";

int
sq_downstream_root(struct store *st, const char *server_id,
    char root[GUID_STRLEN + 1])
{
	struct sq *s = (struct sq *)st;
	char id[GUID_STRLEN + 1], *txt = NULL;
	sqlite3_stmt *stmt;
	bool found = false;
	int rc;

	root[0] = '\0';
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (server_id == NULL || store_guid_norm(server_id, id) != 0)
		return store_seterr(st, STORE_INVALID, "bad downstream server "
		    "id");
	if ((stmt = sq_stmt(s, SQL_DS_ROOT)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, id);
	if ((rc = sq_one_text(s, stmt, "find downstream branch", &txt,
	    &found)) != STORE_OK)
		return rc;
	if (!found || txt == NULL) {
		free(txt);
		return store_seterr(st, STORE_NOTFOUND, "downstream server %s "
		    "does not exist", id);
	}
	snprintf(root, GUID_STRLEN + 1, "%s", txt);
	free(txt);
	return STORE_OK;
}

/* Descendants go by ON DELETE CASCADE (parent_id), and with every server
 * its computers, their states, client summaries and activity. */
static const char SQL_DS_COUNT_TREE[] =
    "WITH RECURSIVE t(id, depth) AS (SELECT ?1, 0 UNION ALL"
    " SELECT d.id, t.depth + 1 FROM downstream_servers d JOIN t"
    " ON d.parent_id = t.id WHERE t.depth < 64)"
    " SELECT count(*) FROM t JOIN downstream_servers d ON d.id = t.id";
static const char SQL_DS_DELETE[] =
    "DELETE FROM downstream_servers WHERE id = ?1";

int
sq_downstream_remove(struct store *st, int64_t id, size_t *n)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int64_t count = 0;
	int rc;

	if (n != NULL)
		*n = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_DS_COUNT_TREE)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sq_one_int64(s, stmt, "count servers", &count, NULL)) !=
	    STORE_OK)
		goto fail;
	if ((rc = sq_exec_by_id(s, SQL_DS_DELETE, id, "remove downstream")) !=
	    STORE_OK)
		goto fail;
	if (sqlite3_changes(s->db) == 0) {
		rc = store_seterr(st, STORE_NOTFOUND, "downstream server "
		    "#%lld does not exist", (long long)id);
		goto fail;
	}
	if (n != NULL)
		*n = (size_t)count;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}
