/*
 * groups.c — computer target groups in the SQLite backend.
 *
 * Rules (the ones WSUS applies): names are unique ignoring case and
 * checked by store_group_name_check(); the two built-in groups cannot be
 * renamed, moved or deleted; new groups go under All Computers unless a
 * parent is given; nothing goes under Unassigned Computers; a move must
 * not create a cycle; a group with child groups cannot be deleted, and
 * deleting a group removes its approvals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/guid.h"
#include "util/xmalloc.h"

#define GROUP_ALL_ID		1	/* created by migration 1 */
#define GROUP_UNASSIGNED_ID	2
#define GROUPS_MAX		100000	/* sanity bound for group_list */

static const char SQL_GROUP_GET[] =
    "SELECT builtin, coalesce(parent_id, 0), name FROM target_groups "
    "WHERE id = ?1";
static const char SQL_GROUP_BY_NAME[] =
    "SELECT id FROM target_groups WHERE name = ?1";
static const char SQL_GROUP_BY_GUID[] =
    "SELECT id FROM target_groups WHERE guid = ?1";
static const char SQL_GROUP_INSERT[] =
    "INSERT INTO target_groups(guid, name, parent_id, builtin, change_seq) "
    "VALUES (?1, ?2, ?3, 0, ?4)";
static const char SQL_GROUP_RENAME[] =
    "UPDATE target_groups SET name = ?2, change_seq = ?3 WHERE id = ?1";
static const char SQL_GROUP_SET_GUID[] =
    "UPDATE target_groups SET guid = ?2, change_seq = ?3 WHERE id = ?1";
static const char SQL_GROUP_MOVE[] =
    "UPDATE target_groups SET parent_id = ?2, change_seq = ?3 WHERE id = ?1";
static const char SQL_GROUP_DELETE[] =
    "DELETE FROM target_groups WHERE id = ?1";
static const char SQL_GROUP_HAS_CHILD[] =
    "SELECT 1 FROM target_groups WHERE parent_id = ?1 LIMIT 1";
/* Is ?2 among ?1 and its ancestors? */
static const char SQL_GROUP_IS_ANCESTOR[] =
    "WITH RECURSIVE anc(id) AS (SELECT ?1 UNION SELECT g.parent_id FROM "
    "target_groups g JOIN anc ON g.id = anc.id WHERE g.parent_id IS NOT "
    "NULL) SELECT 1 FROM anc WHERE id = ?2";
static const char SQL_GROUP_LIST[] =
    "SELECT id, guid, name, coalesce(parent_id, 0), builtin FROM "
    "target_groups ORDER BY coalesce(parent_id, 0), builtin DESC, "
    "name COLLATE NOCASE, id";

struct grp {
	bool	 exists;
	bool	 builtin;
	int64_t	 parent_id;
	char	 name[GROUP_NAME_MAX + 1];	/* for messages */
};

static void
group_row(sqlite3_stmt *stmt, void *arg)
{
	struct grp *g = arg;

	const unsigned char *name = sqlite3_column_text(stmt, 2);

	g->builtin = sqlite3_column_int(stmt, 0) != 0;
	g->parent_id = sqlite3_column_int64(stmt, 1);
	snprintf(g->name, sizeof(g->name), "%s", name ? (const char *)name :
	    "");
}

/* Read one group; STORE_OK with g->exists false when absent. */
static int
group_get(struct sq *s, int64_t id, struct grp *g)
{
	sqlite3_stmt *stmt;

	memset(g, 0, sizeof(*g));
	if ((stmt = sq_stmt(s, SQL_GROUP_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	return sq_one_row(s, stmt, "read group", group_row, g, &g->exists);
}

int
sq_group_exists(struct sq *s, int64_t id, bool *exists)
{
	struct grp g;
	int rc;

	*exists = false;
	if ((rc = group_get(s, id, &g)) != STORE_OK)
		return rc;
	*exists = g.exists;
	return STORE_OK;
}

/* Single-column id query by a text key; *id = 0 when absent. */
static int
id_by(struct sq *s, const char *sql, const char *key, int64_t *id)
{
	return sq_one_int64_by_text(s, sql, key, "find group", id, NULL);
}

static int
check_name(struct sq *s, const char *name)
{
	char err[128];

	if (store_group_name_check(name, err, sizeof(err)) == -1)
		return store_seterr(&s->base, STORE_INVALID, "%s", err);
	return STORE_OK;
}

/*
 * A name that is another group's GUID would make that GUID name two
 * groups on the command line (GROUP is a name or a GUID): EXISTS.
 */
static int
name_not_guid(struct sq *s, const char *name, int64_t id)
{
	char guid[GUID_STRLEN + 1];
	int64_t other;
	int rc;

	if (store_guid_norm(name, guid) != 0)
		return STORE_OK;
	if ((rc = id_by(s, SQL_GROUP_BY_GUID, guid, &other)) != STORE_OK)
		return rc;
	if (other != 0 && other != id)
		return store_seterr(&s->base, STORE_EXISTS, "\"%s\" is the "
		    "GUID of another group; a group name cannot be one",
		    name);
	return STORE_OK;
}

/* The name must be free (EXISTS) unless it is already id's (0: none). */
static int
name_free(struct sq *s, const char *name, int64_t id)
{
	int64_t other;
	int rc;

	if ((rc = name_not_guid(s, name, id)) != STORE_OK ||
	    (rc = id_by(s, SQL_GROUP_BY_NAME, name, &other)) != STORE_OK)
		return rc;
	if (other != 0 && other != id)
		return store_seterr(&s->base, STORE_EXISTS, "a group named "
		    "\"%s\" already exists", name);
	return STORE_OK;
}

/* A unique-name violation (another writer won the race) is EXISTS. */
static int
name_taken(struct sq *s, int rc, const char *name)
{
	if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
		return store_seterr(&s->base, STORE_EXISTS, "a group named "
		    "\"%s\" already exists", name);
	return rc;
}

/* A parent for a new or moved group: exists, and is not Unassigned. */
static int
check_parent(struct sq *s, int64_t parent_id)
{
	struct grp p;
	int rc;

	if ((rc = group_get(s, parent_id, &p)) != STORE_OK)
		return rc;
	if (!p.exists)
		return store_seterr(&s->base, STORE_NOTFOUND, "parent group "
		    "%lld does not exist", (long long)parent_id);
	if (parent_id == GROUP_UNASSIGNED_ID)
		return store_seterr(&s->base, STORE_INVALID, "groups cannot "
		    "be placed under Unassigned Computers");
	return STORE_OK;
}

/* A GUID argument: canonical lower case into out, or INVALID. */
static int
group_guid_arg(struct sq *s, const char *in, char out[GUID_STRLEN + 1])
{
	if (in == NULL || guid_canon(in, strlen(in), 0, out) != 0)
		return store_seterr(&s->base, STORE_INVALID, "\"%s\" is not "
		    "a group GUID", in != NULL ? in : "(null)");
	return STORE_OK;
}

/* The GUID must be free (EXISTS) unless it is already id's. */
static int
guid_free(struct sq *s, const char *guid, int64_t id)
{
	int64_t other;
	int rc;

	if ((rc = id_by(s, SQL_GROUP_BY_GUID, guid, &other)) != STORE_OK)
		return rc;
	if (other != 0 && other != id)
		return store_seterr(&s->base, STORE_EXISTS, "a group with "
		    "GUID %s already exists", guid);
	return STORE_OK;
}

static int
group_create(struct store *st, const char *name, const char *want,
    int64_t parent_id, int64_t *id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char guid[GUID_STRLEN + 1];
	int64_t other, seq;
	int rc;

	if (id != NULL)
		*id = 0;
	if ((rc = sq_ready(s)) != STORE_OK || (rc = check_name(s, name)) !=
	    STORE_OK)
		return rc;
	if (parent_id == 0)
		parent_id = GROUP_ALL_ID;
	if (want != NULL) {
		if ((rc = group_guid_arg(s, want, guid)) != STORE_OK)
			return rc;
	} else if (guid_random(guid) == -1)
		return store_seterr(st, STORE_ERROR, "no random bytes for a "
		    "group GUID");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = check_parent(s, parent_id)) != STORE_OK ||
	    (rc = guid_free(s, guid, 0)) != STORE_OK ||
	    (rc = name_free(s, name, 0)) != STORE_OK)
		goto fail;
	if ((rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_GROUP_INSERT)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_text(stmt, 1, guid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, parent_id);
	sqlite3_bind_int64(stmt, 4, seq);
	if ((rc = sq_exec_stmt(s, stmt, "create group")) != STORE_OK) {
		rc = name_taken(s, rc, name);
		goto fail;
	}
	other = sqlite3_last_insert_rowid(s->db);
	if ((rc = sq_commit(s)) != STORE_OK)
		return rc;
	if (id != NULL)
		*id = other;
	return STORE_OK;
fail:
	sq_rollback(s);
	return rc;
}

int
sq_group_create(struct store *st, const char *name, int64_t parent_id,
    int64_t *id)
{
	return group_create(st, name, NULL, parent_id, id);
}

int
sq_group_create_guid(struct store *st, const char *name, const char *guid,
    int64_t parent_id, int64_t *id)
{
	return group_create(st, name, guid, parent_id, id);
}

/* The group must exist and not be built in. */
static int
check_mutable(struct sq *s, int64_t id, const char *what, struct grp *g)
{
	int rc;

	if ((rc = group_get(s, id, g)) != STORE_OK)
		return rc;
	if (!g->exists)
		return store_seterr(&s->base, STORE_NOTFOUND, "group %lld does "
		    "not exist", (long long)id);
	if (g->builtin)
		return store_seterr(&s->base, STORE_INVALID, "\"%s\" is a "
		    "built-in group and cannot be %s", g->name, what);
	return STORE_OK;
}

int
sq_group_rename(struct store *st, int64_t id, const char *name)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	struct grp g;
	int64_t seq;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK || (rc = check_name(s, name)) !=
	    STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = check_mutable(s, id, "renamed", &g)) != STORE_OK ||
	    (rc = name_free(s, name, id)) != STORE_OK)
		goto fail;
	if ((rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_GROUP_RENAME)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, seq);
	if ((rc = sq_exec_stmt(s, stmt, "rename group")) != STORE_OK) {
		rc = name_taken(s, rc, name);
		goto fail;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

int
sq_group_delete(struct store *st, int64_t id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	struct grp g;
	int64_t n, one;
	bool found;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = check_mutable(s, id, "deleted", &g)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_GROUP_HAS_CHILD)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sq_one_int64(s, stmt, "read group", &one, &found)) !=
	    STORE_OK)
		goto fail;
	if (found) {
		rc = store_seterr(st, STORE_INVALID, "group \"%s\" has child "
		    "groups; delete or move them first", g.name);
		goto fail;
	}
	/* Its approvals go (with tombstones); computers will move up to
	 * g.parent_id once computers are stored. */
	if ((rc = sq_deployments_delete(s, 0, id, &n)) != STORE_OK)
		goto fail;
	if ((rc = sq_exec_by_id(s, SQL_GROUP_DELETE, id, "delete group")) !=
	    STORE_OK)
		goto fail;
	if ((rc = sq_next_change(s, &n)) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

int
sq_group_move(struct store *st, int64_t id, int64_t new_parent_id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	struct grp g;
	int64_t seq, one;
	bool found;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (new_parent_id == 0)
		new_parent_id = GROUP_ALL_ID;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = check_mutable(s, id, "moved", &g)) != STORE_OK ||
	    (rc = check_parent(s, new_parent_id)) != STORE_OK)
		goto fail;
	/* A cycle: the new parent is the group itself or below it. */
	if ((stmt = sq_stmt(s, SQL_GROUP_IS_ANCESTOR)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, new_parent_id);
	sqlite3_bind_int64(stmt, 2, id);
	if ((rc = sq_one_int64(s, stmt, "check group tree", &one, &found)) !=
	    STORE_OK)
		goto fail;
	if (found) {
		rc = store_seterr(st, STORE_INVALID, "cannot move group "
		    "\"%s\" under itself or one of its subgroups", g.name);
		goto fail;
	}
	if (g.parent_id == new_parent_id) {
		sq_rollback(s);
		return STORE_OK;
	}
	if ((rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_GROUP_MOVE)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, new_parent_id);
	sqlite3_bind_int64(stmt, 3, seq);
	if ((rc = sq_exec_stmt(s, stmt, "move group")) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

int
sq_group_find(struct store *st, const char *name_or_guid, int64_t *id)
{
	struct sq *s = (struct sq *)st;
	char guid[GUID_STRLEN + 1];
	int rc;

	*id = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (name_or_guid == NULL || *name_or_guid == '\0' ||
	    strlen(name_or_guid) > GROUP_NAME_MAX)
		return store_seterr(st, STORE_INVALID, "no group name given");
	if (store_guid_norm(name_or_guid, guid) == 0 &&
	    (rc = id_by(s, SQL_GROUP_BY_GUID, guid, id)) != STORE_OK)
		return rc;
	if (*id == 0 && (rc = id_by(s, SQL_GROUP_BY_NAME, name_or_guid, id)) !=
	    STORE_OK)
		return rc;
	if (*id == 0)
		return store_seterr(st, STORE_NOTFOUND, "no group named "
		    "\"%.*s\"", 200, name_or_guid);
	return STORE_OK;
}

/* First index in [0,n) whose parent is >= pid (rows sorted by parent). */
static size_t
lower_bound(const struct store_group *g, size_t n, int64_t pid)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g[mid].parent_id < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
sq_group_list(struct store *st, store_group_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	struct store_group *g = NULL;
	size_t n = 0, cap = 0, *stack = NULL, sp = 0, i, j;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_GROUP_LIST)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *guid, *name;

		if (n == GROUPS_MAX)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			g = xreallocarray(g, cap, sizeof(*g));
		}
		memset(&g[n], 0, sizeof(g[n]));
		g[n].id = sqlite3_column_int64(stmt, 0);
		guid = (const char *)sqlite3_column_text(stmt, 1);
		name = (const char *)sqlite3_column_text(stmt, 2);
		snprintf(g[n].guid, sizeof(g[n].guid), "%s", guid ? guid : "");
		g[n].name = xstrdup(name ? name : "");
		g[n].parent_id = sqlite3_column_int64(stmt, 3);
		g[n].builtin = sqlite3_column_int(stmt, 4) != 0;
		n++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = sq_fail(s, "list groups");
		sq_done(stmt);
		goto out;
	}
	sq_done(stmt);
	rc = STORE_OK;

	/* Depth first from the roots (parent 0); siblings stay in SQL order. */
	stack = xreallocarray(NULL, n + 1, sizeof(*stack));
	j = lower_bound(g, n, 1);
	for (i = j; i > lower_bound(g, n, 0); i--)
		stack[sp++] = i - 1;
	while (sp > 0) {
		size_t cur = stack[--sp], first, last;

		if (cb(&g[cur], arg) != 0)
			break;
		first = lower_bound(g, n, g[cur].id);
		last = lower_bound(g, n, g[cur].id + 1);
		for (i = last; i > first && sp < n; i--)
			stack[sp++] = i - 1;
	}
out:
	for (i = 0; i < n; i++)
		free((char *)g[i].name);
	free(g);
	free(stack);
	return rc;
}

int
sq_group_set_guid(struct store *st, int64_t id, const char *want)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char guid[GUID_STRLEN + 1];
	struct grp g;
	int64_t seq;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = group_guid_arg(s, want, guid)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = check_mutable(s, id, "given another GUID", &g)) !=
	    STORE_OK || (rc = guid_free(s, guid, id)) != STORE_OK ||
	    (rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_GROUP_SET_GUID)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, guid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, seq);
	if ((rc = sq_exec_stmt(s, stmt, "set group GUID")) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}
