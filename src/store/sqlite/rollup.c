/*
 * rollup.c — what downstream servers roll up (migration 3): their own
 * summaries (RollupDownstreamServers), their computers (RollupComputers)
 * and per-computer update states (RollupComputerStatus), and the reads
 * behind GetOutOfSyncComputers and the site/hierarchy reports.
 * Rules: docs/ROLLUP.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/guid.h"
#include "util/xmalloc.h"

#define TREE_MAX	100000	/* servers in one subtree */

static int
is_self(const char *id)
{
	return id == NULL || *id == '\0' || strcmp(id, GUID_ZERO) == 0;
}

/* ---- subtrees ---- */

static const char SQL_TREE[] =
    "WITH RECURSIVE t(id, depth) AS (SELECT ?1, 0 UNION ALL"
    " SELECT d.id, t.depth + 1 FROM downstream_servers d JOIN t"
    " ON d.parent_id = t.id WHERE t.depth < 64)"
    " SELECT DISTINCT id FROM t ORDER BY id";

struct tree {
	int64_t *ids;
	size_t	 n;
};

static int
tree_load(struct sq *s, int64_t root, struct tree *t)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	t->ids = NULL;
	t->n = 0;
	if (root == 0)
		return STORE_OK;
	if ((stmt = sq_stmt(s, SQL_TREE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, root);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && t->n < TREE_MAX) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 16;
			t->ids = xreallocarray(t->ids, cap, sizeof(*t->ids));
		}
		t->ids[t->n++] = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = sq_fail(s, "downstream tree");
		sq_done(stmt);
		free(t->ids);
		t->ids = NULL;
		t->n = 0;
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}

static int
tree_has(const struct tree *t, int64_t id)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ids[mid] == id)
			return 1;
		if (t->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- RollupDownstreamServers ---- */

static const char SQL_DS_PARENT[] =
    "SELECT parent_id FROM downstream_servers WHERE id = ?1";
static const char SQL_RS_INSERT[] =
    "INSERT INTO downstream_servers(server_id, first_seen) VALUES (?1, ?2)";
static const char SQL_RS_LAST[] =
    "SELECT last_rollup FROM downstream_servers WHERE id = ?1";
static const char SQL_RS_UPDATE[] =
    "UPDATE downstream_servers SET parent_id = ?2, name = ?3, version = ?4,"
    " mode = ?5, last_sync = max(last_sync, ?6), last_rollup = ?7,"
    " rollup_received = ?8, summary = ?9"
    " WHERE id = ?1";	/* client_summaries: SQL_RS_CLIENT_TOTAL after */
static const char SQL_RS_CLIENTS_DEL[] =
    "DELETE FROM downstream_clients WHERE server_id = ?1";
static const char SQL_RS_CLIENT[] =
    "INSERT INTO downstream_clients(server_id, os_major, os_minor, os_build,"
    " sp_major, sp_minor, os_locale, processor_arch, suite_mask,"
    " old_product_type, new_product_type, system_metrics, count)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, ''), coalesce(?8, ''),"
    " ?9, ?10, ?11, ?12, ?13)";
/* The same summary (every field of its key) sent again for the same
 * rollup: replaced, not added (see one_server). */
static const char SQL_RS_CLIENT_DEL_SAME[] =
    "DELETE FROM downstream_clients WHERE server_id = ?1 AND os_major = ?2"
    " AND os_minor = ?3 AND os_build = ?4 AND sp_major = ?5 AND sp_minor = ?6"
    " AND os_locale = coalesce(?7, '') AND processor_arch = coalesce(?8, '')"
    " AND suite_mask = ?9 AND old_product_type = ?10"
    " AND new_product_type = ?11 AND system_metrics = ?12";
static const char SQL_RS_CLIENT_TOTAL[] =
    "UPDATE downstream_servers SET client_summaries = (SELECT"
    " coalesce(sum(max(count, 0)), 0) FROM downstream_clients"
    " WHERE server_id = ?1) WHERE id = ?1";
static const char SQL_RS_ACTIVITY[] =
    "INSERT INTO downstream_activity(server_id, update_id, revision, success,"
    " failure) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET"
    " success = min(success + excluded.success, 2147483647),"
    " failure = min(failure + excluded.failure, 2147483647)";

/* Three integer columns of one row (sq_one_row). */
struct int3 {
	int64_t	 v[3];
};

static void
row3(sqlite3_stmt *stmt, void *arg)
{
	struct int3 *r = arg;

	r->v[0] = sqlite3_column_int64(stmt, 0);
	r->v[1] = sqlite3_column_int64(stmt, 1);
	r->v[2] = sqlite3_column_int64(stmt, 2);
}

/* The row3 of sql (SQL_RC_GET, SQL_RC_NUMBER) for computer cid. */
static int
computer_row3(struct sq *s, const char *sql, const char *cid,
    struct int3 *r, bool *found)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, cid);
	return sq_one_row(s, stmt, "read computer", row3, r, found);
}

/* Would making parent the parent of id close a cycle? */
static int
makes_cycle(struct sq *s, int64_t id, int64_t parent, int *cycle)
{
	sqlite3_stmt *stmt;
	int depth, rc;

	*cycle = 0;
	for (depth = 0; parent != 0 && depth < 64; depth++) {
		if (parent == id) {
			*cycle = 1;
			return STORE_OK;
		}
		if ((stmt = sq_stmt(s, SQL_DS_PARENT)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, parent);
		if ((rc = sq_one_int64(s, stmt, "read parent", &parent,
		    NULL)) != STORE_OK)
			return rc;
	}
	if (parent != 0)
		*cycle = 1;	/* deeper than 64: refuse as well */
	return STORE_OK;
}

/* Bind ?1..?12 of SQL_RS_CLIENT / SQL_RS_CLIENT_DEL_SAME: the server and
 * the summary's key. */
static void
client_key(sqlite3_stmt *stmt, int64_t rid,
    const struct store_rollup_client_summary *c)
{
	sqlite3_bind_int64(stmt, 1, rid);
	sqlite3_bind_int(stmt, 2, c->os_major);
	sqlite3_bind_int(stmt, 3, c->os_minor);
	sqlite3_bind_int(stmt, 4, c->os_build);
	sqlite3_bind_int(stmt, 5, c->sp_major);
	sqlite3_bind_int(stmt, 6, c->sp_minor);
	sq_bind_text(stmt, 7, c->os_locale);
	sq_bind_text(stmt, 8, c->processor_arch);
	sqlite3_bind_int(stmt, 9, c->suite_mask);
	sqlite3_bind_int(stmt, 10, c->old_product_type);
	sqlite3_bind_int(stmt, 11, c->new_product_type);
	sqlite3_bind_int(stmt, 12, c->system_metrics);
}

static int
one_server(struct sq *s, const struct store_rollup_server *e, int64_t now)
{
	struct store *st = &s->base;
	char id[GUID_STRLEN + 1], pid[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int64_t rid, parent = 0, last = 0;
	char sum[ROLLUP_SUMMARY_FIELDS * 12 + 1];
	size_t off = 0;
	bool append = false;
	int rc, cycle, i;

	if (store_guid_norm(e->server_id, id) != 0 || is_self(id))
		return store_seterr(st, STORE_INVALID, "bad ServerId");
	if (!is_self(e->parent_id)) {
		if (store_guid_norm(e->parent_id, pid) != 0)
			return store_seterr(st, STORE_INVALID, "bad "
			    "ParentServerId");
		if ((rc = sq_downstream_id(s, pid, &parent)) != STORE_OK)
			return rc;
		if (parent == 0)
			return store_seterr(st, STORE_NOTFOUND, "ParentServerId "
			    "%s of server %s is not a known downstream server",
			    pid, id);
	}
	if ((rc = sq_downstream_id(s, id, &rid)) != STORE_OK)
		return rc;
	if (rid == 0) {
		if ((stmt = sq_stmt(s, SQL_RS_INSERT)) == NULL)
			return STORE_ERROR;
		sq_bind_text(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, now);
		if ((rc = sq_exec_stmt(s, stmt, "add downstream")) != STORE_OK)
			return rc;
		rid = sqlite3_last_insert_rowid(s->db);
	} else {
		if ((stmt = sq_stmt(s, SQL_RS_LAST)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, rid);
		if ((rc = sq_one_int64(s, stmt, "read last rollup", &last,
		    NULL)) != STORE_OK)
			return rc;
		if (last > e->last_rollup)
			return STORE_OK;	/* stale: a newer rollup is stored */
		/* the same rollup split over several entries (client
		 * summaries over the batch limit): add to it */
		append = last == e->last_rollup && last != 0;
	}
	if ((rc = makes_cycle(s, rid, parent, &cycle)) != STORE_OK)
		return rc;
	if (cycle)
		return store_seterr(st, STORE_INVALID, "server %s would be its "
		    "own ancestor", id);
	sum[0] = '\0';
	for (i = 0; i < ROLLUP_SUMMARY_FIELDS && off < sizeof(sum); i++)
		off += (size_t)snprintf(sum + off, sizeof(sum) - off, "%s%d",
		    i ? "," : "", (int)e->summary[i]);
	if ((stmt = sq_stmt(s, SQL_RS_UPDATE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, rid);
	if (parent != 0)
		sqlite3_bind_int64(stmt, 2, parent);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_text(stmt, 3, e->name ? e->name : "", -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, e->version ? e->version : "", -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 5, e->is_replica ? 1 : 0);
	sqlite3_bind_int64(stmt, 6, e->last_sync);
	sqlite3_bind_int64(stmt, 7, e->last_rollup);
	sqlite3_bind_int64(stmt, 8, now);
	sqlite3_bind_text(stmt, 9, sum, -1, SQLITE_TRANSIENT);
	if ((rc = sq_exec_stmt(s, stmt, "update downstream")) != STORE_OK)
		return rc;
	if (!append) {
		if ((rc = sq_exec_by_id(s, SQL_RS_CLIENTS_DEL, rid,
		    "client summaries")) != STORE_OK)
			return rc;
	}
	for (size_t k = 0; k < e->nclients; k++) {
		const struct store_rollup_client_summary *c = &e->clients[k];

		/*
		 * With the same LastRollupTime the entry is either a part of
		 * a split one (other summaries: added) or the same entry
		 * again — a middle tier passes an unchanged descendant on
		 * with its old time at every rollup — whose summaries must
		 * replace, not add to, what it sent before (they were
		 * counted once more at every rollup).
		 */
		if (append) {
			if ((stmt = sq_stmt(s, SQL_RS_CLIENT_DEL_SAME)) == NULL)
				return STORE_ERROR;
			client_key(stmt, rid, c);
			if ((rc = sq_exec_stmt(s, stmt, "client summary")) !=
			    STORE_OK)
				return rc;
		}
		if ((stmt = sq_stmt(s, SQL_RS_CLIENT)) == NULL)
			return STORE_ERROR;
		client_key(stmt, rid, c);
		sqlite3_bind_int(stmt, 13, c->count);
		if ((rc = sq_exec_stmt(s, stmt, "client summary")) != STORE_OK)
			return rc;
		for (size_t a = 0; a < c->nactivity; a++) {
			const struct store_rollup_activity *ac = &c->activity[a];
			char uid[GUID_STRLEN + 1];

			if (store_guid_norm(ac->update_id, uid) != 0)
				return store_seterr(st, STORE_INVALID, "bad "
				    "activity UpdateId");
			if ((stmt = sq_stmt(s, SQL_RS_ACTIVITY)) == NULL)
				return STORE_ERROR;
			sqlite3_bind_int64(stmt, 1, rid);
			sq_bind_text(stmt, 2, uid);
			sqlite3_bind_int(stmt, 3, ac->revision);
			sqlite3_bind_int(stmt, 4, ac->success > 0 ? ac->success : 0);
			sqlite3_bind_int(stmt, 5, ac->failure > 0 ? ac->failure : 0);
			if ((rc = sq_exec_stmt(s, stmt, "activity")) != STORE_OK)
				return rc;
		}
	}
	/* the server's client count: what its summaries now say */
	return sq_exec_by_id(s, SQL_RS_CLIENT_TOTAL, rid, "client count");
}

int
sq_rollup_servers(struct store *st, const struct store_rollup_server *v,
    size_t n, int64_t now)
{
	struct sq *s = (struct sq *)st;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = one_server(s, &v[i], now)) != STORE_OK)
			goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

/* ---- RollupComputers ---- */

static const char SQL_RC_GET[] =
    "SELECT id, site, last_sync FROM rollup_computers WHERE computer_id = ?1";
static const char SQL_RC_LOCAL[] =
    "SELECT 1 FROM computers WHERE client_id = ?1";
static const char SQL_RC_INSERT[] =
    "INSERT INTO rollup_computers(computer_id, site, received) VALUES (?1, ?2, ?3)";
static const char SQL_RC_TIMES[] =
    "UPDATE rollup_computers SET site = ?2, last_sync = ?3,"
    " last_sync_result = ?4, last_reboot = ?5, last_status = ?6,"
    " last_inventory = ?7, received = ?8,"
    " rollup_number = CASE WHEN site = ?2 THEN rollup_number ELSE 0 END"
    " WHERE id = ?1";
static const char SQL_RC_DETAILS[] =
    "UPDATE rollup_computers SET has_details = 1,"
    " ip_address = coalesce(?2, ''), dns_name = coalesce(?3, ''),"
    " os_major = ?4, os_minor = ?5, os_build = ?6, sp_major = ?7,"
    " sp_minor = ?8, os_locale = coalesce(?9, ''),"
    " os_family = coalesce(?10, ''), os_description = coalesce(?11, ''),"
    " make = coalesce(?12, ''), model = coalesce(?13, ''),"
    " bios_version = coalesce(?14, ''), bios_name = coalesce(?15, ''),"
    " bios_release_date = ?16, processor_arch = coalesce(?17, ''),"
    " suite_mask = ?18, old_product_type = ?19, new_product_type = ?20,"
    " system_metrics = ?21, client_version = coalesce(?22, ''),"
    " groups = coalesce(?23, '')"
    " WHERE id = ?1";

static int
one_computer(struct sq *s, const struct store_rollup_computer_in *c,
    int64_t now, struct store_rollup_computers_result *res, uint8_t *change)
{
	struct store *st = &s->base;
	char cid[GUID_STRLEN + 1], pid[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int64_t site = 0, rid = 0, old_site = 0, old_sync = 0, one;
	struct int3 r = { { 0, 0, 0 } };
	bool local = false;
	int rc;

	*change = ROLLUP_CHANGE_NONE;
	if (store_guid_norm(c->computer_id, cid) != 0)
		return store_seterr(st, STORE_INVALID, "bad ComputerId");
	if (is_self(c->parent_id) || store_guid_norm(c->parent_id, pid) != 0)
		return store_seterr(st, STORE_NOTFOUND, "computer %s: "
		    "ParentServerId is not a downstream server", cid);
	if ((rc = sq_downstream_id(s, pid, &site)) != STORE_OK)
		return rc;
	if (site == 0)
		return store_seterr(st, STORE_NOTFOUND, "computer %s: "
		    "ParentServerId %s is not a known downstream server", cid,
		    pid);
	/* this server's own computers are not for downstreams to claim */
	if ((stmt = sq_stmt(s, SQL_RC_LOCAL)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, cid);
	if ((rc = sq_one_int64(s, stmt, "find computer", &one, &local)) !=
	    STORE_OK)
		return rc;
	if (local) {
		res->refused++;
		return STORE_OK;
	}
	if ((rc = computer_row3(s, SQL_RC_GET, cid, &r, NULL)) != STORE_OK)
		return rc;
	rid = r.v[0];
	old_site = r.v[1];
	old_sync = r.v[2];
	if (rid != 0 && old_sync > c->last_sync) {
		res->stale++;	/* a newer report is stored (e.g. from its new site) */
		return STORE_OK;
	}
	if (rid == 0) {
		if ((stmt = sq_stmt(s, SQL_RC_INSERT)) == NULL)
			return STORE_ERROR;
		sq_bind_text(stmt, 1, cid);
		sqlite3_bind_int64(stmt, 2, site);
		sqlite3_bind_int64(stmt, 3, now);
		if ((rc = sq_exec_stmt(s, stmt, "add computer")) != STORE_OK)
			return rc;
		rid = sqlite3_last_insert_rowid(s->db);
		if (!c->has_details)
			*change = ROLLUP_CHANGE_NEW_PARENT;
	} else if (old_site != site) {
		res->moved++;
		if (!c->has_details)
			*change = ROLLUP_CHANGE_NEW_PARENT;
	}
	if ((stmt = sq_stmt(s, SQL_RC_TIMES)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, rid);
	sqlite3_bind_int64(stmt, 2, site);
	sqlite3_bind_int64(stmt, 3, c->last_sync);
	sqlite3_bind_int(stmt, 4, c->last_sync_result);
	sqlite3_bind_int64(stmt, 5, c->last_reboot);
	sqlite3_bind_int64(stmt, 6, c->last_status);
	sqlite3_bind_int64(stmt, 7, c->last_inventory);
	sqlite3_bind_int64(stmt, 8, now);
	if ((rc = sq_exec_stmt(s, stmt, "update computer")) != STORE_OK)
		return rc;
	if (c->has_details) {
		if ((stmt = sq_stmt(s, SQL_RC_DETAILS)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, rid);
		sq_bind_text(stmt, 2, c->ip_address);
		sq_bind_text(stmt, 3, c->dns_name);
		sqlite3_bind_int(stmt, 4, c->os_major);
		sqlite3_bind_int(stmt, 5, c->os_minor);
		sqlite3_bind_int(stmt, 6, c->os_build);
		sqlite3_bind_int(stmt, 7, c->sp_major);
		sqlite3_bind_int(stmt, 8, c->sp_minor);
		sq_bind_text(stmt, 9, c->os_locale);
		sq_bind_text(stmt, 10, c->os_family);
		sq_bind_text(stmt, 11, c->os_description);
		sq_bind_text(stmt, 12, c->make);
		sq_bind_text(stmt, 13, c->model);
		sq_bind_text(stmt, 14, c->bios_version);
		sq_bind_text(stmt, 15, c->bios_name);
		sqlite3_bind_int64(stmt, 16, c->bios_release_date);
		sq_bind_text(stmt, 17, c->processor_arch);
		sqlite3_bind_int(stmt, 18, c->suite_mask);
		sqlite3_bind_int(stmt, 19, c->old_product_type);
		sqlite3_bind_int(stmt, 20, c->new_product_type);
		sqlite3_bind_int(stmt, 21, c->system_metrics);
		sq_bind_text(stmt, 22, c->client_version);
		sq_bind_text(stmt, 23, c->groups);
		if ((rc = sq_exec_stmt(s, stmt, "computer details")) != STORE_OK)
			return rc;
	}
	res->stored++;
	return STORE_OK;
}

int
sq_rollup_computers(struct store *st, const struct store_rollup_computer_in *v,
    size_t n, int64_t now, struct store_rollup_computers_result *res)
{
	struct sq *s = (struct sq *)st;
	uint8_t *changes = res->changes;
	int rc;

	memset(res, 0, sizeof(*res));
	res->changes = changes;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = 0;

		if ((rc = one_computer(s, &v[i], now, res, &ch)) != STORE_OK)
			goto fail;
		if (changes != NULL)
			changes[i] = ch;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	memset(res, 0, sizeof(*res));
	res->changes = changes;
	if (changes != NULL)
		memset(changes, 0, n);
	return rc;
}

/* ---- GetOutOfSyncComputers ---- */

static const char SQL_RC_NUMBER[] =
    "SELECT id, site, rollup_number FROM rollup_computers WHERE computer_id = ?1";

static int
parent_tree(struct sq *s, const char *parent_id, struct tree *t)
{
	char pid[GUID_STRLEN + 1];
	int64_t root = 0;
	int rc;

	t->ids = NULL;
	t->n = 0;
	if (is_self(parent_id) || store_guid_norm(parent_id, pid) != 0)
		return STORE_OK;
	if ((rc = sq_downstream_id(s, pid, &root)) != STORE_OK)
		return rc;
	return tree_load(s, root, t);
}

int
sq_rollup_out_of_sync(struct store *st, const char *parent_id,
    const struct store_rollup_number *nums, size_t n, store_rollup_id_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	struct tree t;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = parent_tree(s, parent_id, &t)) != STORE_OK)
		return rc;
	for (size_t i = 0; i < n && t.n > 0; i++) {
		char cid[GUID_STRLEN + 1];
		struct int3 r;
		bool out = false, found;

		if (store_guid_norm(nums[i].computer_id, cid) != 0)
			continue;
		if ((rc = computer_row3(s, SQL_RC_NUMBER, cid, &r,
		    &found)) != STORE_OK)
			break;
		out = found && tree_has(&t, r.v[1]) &&
		    (int32_t)r.v[2] != nums[i].rollup_number;
		if (out && cb(cid, arg) != 0)
			break;
	}
	free(t.ids);
	return rc;
}

/* ---- RollupComputerStatus ---- */

static const char SQL_ST_CLEAR[] =
    "DELETE FROM rollup_status WHERE computer = ?1";
static const char SQL_ST_UPSERT[] =
    "INSERT INTO rollup_status(computer, update_id, state, last_change)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET"
    " state = excluded.state, last_change = excluded.last_change"
    " WHERE excluded.last_change >= rollup_status.last_change";
static const char SQL_ST_DONE[] =
    "UPDATE rollup_computers SET rollup_number = ?2, detection_time = ?3,"
    " received = ?4 WHERE id = ?1";

static int
one_status(struct sq *s, const struct tree *t,
    const struct store_rollup_status_in *c, int64_t now,
    struct store_rollup_status_result *res)
{
	char cid[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int64_t rid = 0, site = 0;
	struct int3 r = { { 0, 0, 0 } };
	int32_t stored = 0;
	int rc;

	if (store_guid_norm(c->computer_id, cid) != 0)
		return store_seterr(&s->base, STORE_INVALID, "bad ComputerId");
	if (c->rollup_number < 1)
		return store_seterr(&s->base, STORE_INVALID, "computer %s: "
		    "RollupNumber below 1", cid);
	if ((rc = computer_row3(s, SQL_RC_NUMBER, cid, &r, NULL)) != STORE_OK)
		return rc;
	rid = r.v[0];
	site = r.v[1];
	stored = (int32_t)r.v[2];
	if (rid == 0) {
		res->unknown++;
		return STORE_OK;
	}
	if (!tree_has(t, site)) {
		res->foreign++;		/* owned by another site */
		return STORE_OK;
	}
	/* delta: only a newer number; full: anything but the same number
	 * (a downstream that reset its numbers sends full rollups) */
	if (c->full ? c->rollup_number == stored : c->rollup_number <= stored) {
		res->duplicates++;
		return STORE_OK;
	}
	if (c->full) {
		if ((rc = sq_exec_by_id(s, SQL_ST_CLEAR, rid,
		    "clear states")) != STORE_OK)
			return rc;
	}
	for (size_t k = 0; k < c->nstates; k++) {
		const struct store_rollup_update_state *u = &c->states[k];
		char uid[GUID_STRLEN + 1];

		if (store_guid_norm(u->update_id, uid) != 0 || u->state < 0 ||
		    u->state >= UPDATE_STATE_COUNT)
			return store_seterr(&s->base, STORE_INVALID, "computer "
			    "%s: bad UpdateId or SummarizationState", cid);
		if ((stmt = sq_stmt(s, SQL_ST_UPSERT)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, rid);
		sq_bind_text(stmt, 2, uid);
		sqlite3_bind_int(stmt, 3, u->state);
		sqlite3_bind_int64(stmt, 4, u->last_change);
		if ((rc = sq_exec_stmt(s, stmt, "state")) != STORE_OK)
			return rc;
		res->states++;
	}
	if ((stmt = sq_stmt(s, SQL_ST_DONE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, rid);
	sqlite3_bind_int(stmt, 2, c->rollup_number);
	sqlite3_bind_int64(stmt, 3, c->detection_time);
	sqlite3_bind_int64(stmt, 4, now);
	if ((rc = sq_exec_stmt(s, stmt, "rollup number")) != STORE_OK)
		return rc;
	res->applied++;
	return STORE_OK;
}

int
sq_rollup_status(struct store *st, const char *parent_id,
    const struct store_rollup_status_in *v, size_t n, int64_t now,
    struct store_rollup_status_result *res)
{
	struct sq *s = (struct sq *)st;
	struct tree t;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = parent_tree(s, parent_id, &t)) != STORE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if ((rc = one_status(s, &t, &v[i], now, res)) != STORE_OK) {
			free(t.ids);
			goto fail;
		}
	free(t.ids);
	return sq_commit(s);
fail:
	sq_rollback(s);
	memset(res, 0, sizeof(*res));
	return rc;
}

/* ---- reports ---- */

static const char SQL_RC_LIST[] =
    "WITH RECURSIVE t(id, depth) AS ("
    " SELECT id, 0 FROM downstream_servers WHERE ?1 = 0 OR id = ?1"
    " UNION SELECT d.id, t.depth + 1 FROM downstream_servers d JOIN t"
    " ON d.parent_id = t.id WHERE ?1 <> 0 AND t.depth < 64)"
    " SELECT c.id, c.computer_id, d.server_id, d.name, c.dns_name,"
    " c.ip_address, c.os_description, c.last_sync, c.last_status, c.received,"
    " c.rollup_number,"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 0),"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 1),"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 2),"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 3),"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 4),"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 5),"
    " (SELECT count(*) FROM rollup_status s WHERE s.computer = c.id AND s.state = 6)"
    " FROM rollup_computers c JOIN downstream_servers d ON d.id = c.site"
    " WHERE c.site IN (SELECT id FROM t)"
    " ORDER BY d.name COLLATE NOCASE, d.id, c.dns_name COLLATE NOCASE, c.computer_id";

static int64_t
site_local(struct sq *s, const char *site_id, int *rc)
{
	char g[GUID_STRLEN + 1];
	int64_t id = 0;

	*rc = STORE_OK;
	if (site_id == NULL)
		return 0;
	if (store_guid_norm(site_id, g) != 0) {
		*rc = store_seterr(&s->base, STORE_INVALID, "bad site id %s",
		    site_id);
		return -1;
	}
	if ((*rc = sq_downstream_id(s, g, &id)) != STORE_OK)
		return -1;
	if (id == 0) {
		*rc = store_seterr(&s->base, STORE_NOTFOUND, "downstream server "
		    "%s does not exist", g);
		return -1;
	}
	return id;
}

/*
 * Start a read over one site (site_id; NULL: all sites): the schema
 * check, the site's local id into *site and sql prepared into *stmt
 * with ?1 bound to it.
 */
static int
site_read(struct sq *s, const char *site_id, const char *sql, int64_t *site,
    sqlite3_stmt **stmt)
{
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((*site = site_local(s, site_id, &rc)) < 0)
		return rc;
	if ((*stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(*stmt, 1, *site);
	return STORE_OK;
}

static const char *
ctext(sqlite3_stmt *stmt, int i)
{
	const char *t = (const char *)sqlite3_column_text(stmt, i);

	return t != NULL ? t : "";
}

int
sq_rollup_computer_list(struct store *st, const char *site_id,
    store_rollup_computer_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_rollup_computer c;
	sqlite3_stmt *stmt;
	int64_t site;
	int rc;

	if ((rc = site_read(s, site_id, SQL_RC_LIST, &site, &stmt)) != STORE_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.id = sqlite3_column_int64(stmt, 0);
		snprintf(c.computer_id, sizeof(c.computer_id), "%s",
		    ctext(stmt, 1));
		snprintf(c.site_id, sizeof(c.site_id), "%s", ctext(stmt, 2));
		c.site_name = ctext(stmt, 3);
		c.dns_name = ctext(stmt, 4);
		c.ip_address = ctext(stmt, 5);
		c.os_description = ctext(stmt, 6);
		c.last_sync = sqlite3_column_int64(stmt, 7);
		c.last_status = sqlite3_column_int64(stmt, 8);
		c.received = sqlite3_column_int64(stmt, 9);
		c.rollup_number = sqlite3_column_int(stmt, 10);
		for (int k = 0; k < UPDATE_STATE_COUNT; k++)
			c.counts[k] = sqlite3_column_int(stmt, 11 + k);
		if (cb(&c, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, "list rolled-up computers");
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}

static const char SQL_RC_COMPLIANCE[] =
    "WITH RECURSIVE t(id, depth) AS ("
    " SELECT id, 0 FROM downstream_servers WHERE ?1 = 0 OR id = ?1"
    " UNION SELECT d.id, t.depth + 1 FROM downstream_servers d JOIN t"
    " ON d.parent_id = t.id WHERE ?1 <> 0 AND t.depth < 64),"
    " cs(id) AS (SELECT id FROM rollup_computers WHERE site IN (SELECT id FROM t))"
    " SELECT s.update_id, r.title, r.kb_article_id,"
    " (SELECT count(*) FROM cs),"
    " sum(s.state = 0), sum(s.state = 1), sum(s.state = 2), sum(s.state = 3),"
    " sum(s.state = 4), sum(s.state = 5), sum(s.state = 6),"
    " EXISTS (SELECT 1 FROM deployments dp WHERE dp.update_local_id = u.local_id"
    "  AND dp.action = 0)"
    " FROM rollup_status s"
    " LEFT JOIN updates u ON u.update_id = s.update_id"
    " LEFT JOIN revisions r ON r.revision_id = u.latest_revision_id"
    " WHERE s.computer IN (SELECT id FROM cs)"
    " GROUP BY s.update_id"
    " ORDER BY sum(s.state IN (2, 3, 5, 6)) DESC, r.title, s.update_id"
    " LIMIT CASE WHEN ?2 > 0 THEN ?2 ELSE -1 END";

int
sq_rollup_compliance(struct store *st, const char *site_id, size_t limit,
    store_compliance_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_compliance_row row;
	sqlite3_stmt *stmt;
	int64_t site;
	int rc;

	if ((rc = site_read(s, site_id, SQL_RC_COMPLIANCE, &site, &stmt)) != STORE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 2, (int64_t)limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		snprintf(row.update_id, sizeof(row.update_id), "%s",
		    ctext(stmt, 0));
		row.title = (const char *)sqlite3_column_text(stmt, 1);
		row.kb_article_id = (const char *)sqlite3_column_text(stmt, 2);
		row.group_id = site;
		row.group_name = site_id != NULL ? site_id : "all sites";
		row.computers = (size_t)sqlite3_column_int64(stmt, 3);
		for (int k = 0; k < UPDATE_STATE_COUNT; k++)
			row.counts[k] = (size_t)sqlite3_column_int64(stmt, 4 + k);
		row.approved = sqlite3_column_int(stmt, 11) != 0;
		if (cb(&row, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, "rollup compliance");
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}
