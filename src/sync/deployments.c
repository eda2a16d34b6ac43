/*
 * deployments.c — the replica step of a sync (wsusss.md §8.4):
 * GetDeployments(deploymentAnchor, syncAnchor) and the mirror of its
 * answer in the local store: the upstream's groups with their GUIDs
 * (map_groups: by GUID, else by name; parents before children; groups
 * the upstream no longer has removed), its accepted EULAs (the full
 * list, store_eulas_accepted_set), its approvals (dead deployments undone through
 * the rows of what we applied, kept by state.c) and its declines.  The
 * whole answer — groups, approvals, unapprovals, declines, the rows of
 * what was applied and the new anchor — is ONE store transaction
 * (store_tx_begin): a failure or a kill anywhere leaves the store as it
 * was, and the next run gets the same answer again.
 *
 * Not here: the metadata the approvals name (metadata.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct lgroup {
	int64_t	 id;
	char	 guid[GUID_STRLEN + 1];
	char	*name;
	int64_t	 parent;
	bool	 builtin;
};

struct lgroups {
	struct lgroup	*v;
	size_t		 n, cap;
};

static int
lgroup_cb(const struct store_group *g, void *arg)
{
	struct lgroups *l = arg;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	l->v[l->n].id = g->id;
	memcpy(l->v[l->n].guid, g->guid, sizeof(l->v[l->n].guid));
	l->v[l->n].name = sync_sdup(g->name);
	l->v[l->n].parent = g->parent_id;
	l->v[l->n].builtin = g->builtin;
	l->n++;
	return 0;
}

static void
lgroups_free(struct lgroups *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
lgroups_load(struct sess *s, struct lgroups *l)
{
	lgroups_free(l);
	if (store_group_list(s->st, lgroup_cb, l) != STORE_OK) {
		sync_seterr(s, "listing groups: %s", store_errmsg(s->st));
		return -1;
	}
	return 0;
}

/* Upstream group GUID -> local id (map_groups). */
struct upgroup {
	char	 guid[GUID_STRLEN + 1];
	char	 parent[GUID_STRLEN + 1];
	const char *name;
	bool	 builtin;
	int64_t	 local;
};

static int64_t
local_for(const struct upgroup *u, size_t n, const char *guid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(u[i].guid, guid) == 0)
			return u[i].local;
	return 0;
}

/* The local group that has GUID guid, or NULL. */
static const struct lgroup *
lgroup_by_guid(const struct lgroups *lg, const char *guid)
{
	size_t j;

	for (j = 0; j < lg->n; j++)
		if (strcmp(lg->v[j].guid, guid) == 0)
			return &lg->v[j];
	return NULL;
}

static bool
claimed(const struct upgroup *u, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (u[i].local == id)
			return true;
	return false;
}

/*
 * Map every upstream group to a local one that has the upstream's GUID:
 * the built-ins and groups already synced by GUID (renamed to the
 * upstream's name when it changed); the others, parents before
 * children, by name (a group made before replicas kept GUIDs, or by
 * hand: it takes the upstream's GUID, its members and approvals stay)
 * or created with the upstream's GUID; then every group is moved under
 * its upstream parent.  0, or -1 with the error set.
 */
static int
map_groups(struct sess *s, struct upgroup *ug, size_t nug, struct lgroups *lg)
{
	const struct lgroup *l;
	size_t i;
	int progress;

	for (i = 0; i < nug; i++) {		/* by GUID */
		if ((l = lgroup_by_guid(lg, ug[i].guid)) == NULL)
			continue;
		ug[i].local = l->id;
		if (!l->builtin && strcmp(l->name, ug[i].name) != 0 &&
		    store_group_rename(s->st, l->id, ug[i].name) != STORE_OK)
			log_warnx("sync: renaming group %s to %s: %s", l->name,
			    ug[i].name, store_errmsg(s->st));
	}
	do {					/* parents before children */
		progress = 0;
		for (i = 0; i < nug; i++) {
			int64_t id = 0, parent;

			if (ug[i].local != 0)
				continue;
			if ((parent = local_for(ug, nug, ug[i].parent)) == 0)
				continue;
			if (store_group_find(s->st, ug[i].name, &id) == STORE_OK &&
			    !claimed(ug, nug, id)) {
				if (store_group_set_guid(s->st, id, ug[i].guid) !=
				    STORE_OK) {
					sync_seterr(s, "group %s: %s", ug[i].name,
					    store_errmsg(s->st));
					return -1;
				}
			} else if (store_group_create_guid(s->st, ug[i].name,
			    ug[i].guid, parent, &id) != STORE_OK) {
				sync_seterr(s, "creating group %s: %s", ug[i].name,
				    store_errmsg(s->st));
				return -1;
			}
			ug[i].local = id;
			progress = 1;
		}
	} while (progress);
	if (lgroups_load(s, lg) != 0)
		return -1;
	for (i = 0; i < nug; i++) {		/* parents */
		int64_t parent = local_for(ug, nug, ug[i].parent);
		size_t j;

		if (ug[i].builtin || ug[i].local == 0 || parent == 0)
			continue;
		for (j = 0; j < lg->n; j++)
			if (lg->v[j].id == ug[i].local &&
			    lg->v[j].parent != parent &&
			    store_group_move(s->st, ug[i].local, parent) !=
			    STORE_OK)
				log_warnx("sync: moving group %s: %s",
				    ug[i].name, store_errmsg(s->st));
	}
	return 0;
}

static int
idlist_cb(const struct store_update_row *u, void *arg)
{
	struct sync_idlist *d = arg;

	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 64;

		d->v = xreallocarray(d->v, nc, sizeof(*d->v));
		d->cap = nc;
	}
	memcpy(d->v[d->n++], u->update_id, GUID_STRLEN + 1);
	return 0;
}

void
sync_list_updates(struct sess *s, int approval, struct sync_idlist *l)
{
	struct store_update_filter f;

	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.approval = approval;
	store_update_list(s->st, &f, idlist_cb, l);
}

void (*sync_deployments_hook)(size_t applied);

/* GetDeployments' children: q[0] deploymentAnchor (NULL: none), q[1]
 * syncAnchor. */
static void
build_deployments(struct sess *s, struct xmlw *w, void *arg)
{
	const char *const *q = arg;

	(void)s;
	if (q[0] != NULL)
		xmlw_elem(w, "deploymentAnchor", q[0]);
	xmlw_elem(w, "syncAnchor", q[1]);
}

int
sync_deployments(struct sess *s)
{
	struct soap_request *r = NULL;
	const struct soap_node *res;
	char *danchor = sync_state_anchor(s, SYNC_ANCHOR_DEPLOYMENT);
	char *sanchor = sync_state_anchor(s, SYNC_ANCHOR_UPDATE);
	const char *q[2];
	const char *na;
	int rc = -1;

	if (sanchor == NULL) {
		sync_seterr(s, "GetDeployments: no sync anchor (metadata sync first)");
		goto out;
	}
	q[0] = danchor;
	q[1] = sanchor;
	if (sync_call_ss(s, "GetDeployments", build_deployments, q, &r) != 0)
		goto out;
	res = sync_result_of(r, "GetDeployments");
	na = soap_child_text(res, "Anchor");
	if (res == NULL || na == NULL || na[0] == '\0' ||
	    strlen(na) > STORE_SYNC_ANCHOR_MAX) {
		sync_seterr(s, "GetDeployments: no Anchor");
		goto out;
	}
	if (s->st == NULL) {
		rc = 0;
		goto out;
	}
	rc = sync_deployments_apply_answer(s, res, na);
out:
	soap_request_free(r);
	free(danchor);
	free(sanchor);
	return rc;
}

/* The GUIDs of a list (DeadDeployments, HiddenUpdates), sorted: the
 * lookups of an answer stay O(n log n) at 100,000 deployments. */
struct guidset {
	char	(*v)[SOAP_GUID_STRLEN];	/* owned; free(v) */
	size_t	 n;
};

static int
guid_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
guidset_of(const struct soap_node *list, struct guidset *gs)
{
	const struct soap_node *x;

	gs->n = 0;
	gs->v = xcalloc(soap_count_children(list, "guid") + 1, sizeof(*gs->v));
	SOAP_FOREACH_CHILD(x, list, "guid")
		if (soap_node_guid(x, gs->v[gs->n]) == 0)
			gs->n++;
	qsort(gs->v, gs->n, sizeof(*gs->v), guid_cmp);
}

static bool
guidset_has(const struct guidset *gs, const char *guid)
{
	return gs->n > 0 && bsearch(guid, gs->v, gs->n, sizeof(*gs->v),
	    guid_cmp) != NULL;
}

/* AcceptedEulas (a full list; absent: the stored one stays). */
static int
save_eulas(struct sess *s, const struct soap_node *list)
{
	const struct soap_node *x;
	char (*g)[SOAP_GUID_STRLEN];
	const char **ids;
	size_t n = 0, max;
	int rc = 0;

	if (list == NULL)
		return 0;
	max = soap_count_children(list, "guid") + 1;
	g = xcalloc(max, sizeof(*g));
	ids = xcalloc(max, sizeof(*ids));
	SOAP_FOREACH_CHILD(x, list, "guid") {
		if (soap_node_guid(x, g[n]) != 0) {
			sync_seterr(s, "GetDeployments: bad AcceptedEulas guid");
			rc = -1;
			goto out;
		}
		ids[n] = g[n];
		n++;
	}
	if (store_eulas_accepted_set(s->st, ids, n) != STORE_OK) {
		sync_seterr(s, "GetDeployments: AcceptedEulas: %s",
		    store_errmsg(s->st));
		rc = -1;
	}
out:
	free(ids);
	free(g);
	return rc;
}

/* The answer, applied as one store transaction: all or nothing. */
int
sync_deployments_apply_answer(struct sess *s, const struct soap_node *res,
    const char *na)
{
	const struct soap_node *g, *d;
	struct upgroup *ug = NULL;
	struct lgroups lg = { 0 };
	struct sync_idlist dc = { 0 };
	struct sync_depl_list old = { 0 }, rm = { 0 }, add = { 0 };
	struct guidset deadset = { 0 }, hidden = { 0 };
	size_t nug = 0, i, j, applied = 0;
	int rc = -1;

	if (store_tx_begin(s->st) != STORE_OK) {
		sync_seterr(s, "GetDeployments: %s", store_errmsg(s->st));
		return -1;
	}

	/* Groups: every upstream group, mapped to a local one. */
	nug = soap_count_children(soap_child(res, "Groups"), "ServerSyncTargetGroup");
	ug = xcalloc(nug ? nug : 1, sizeof(*ug));
	i = 0;
	SOAP_FOREACH_CHILD(g, soap_child(res, "Groups"), "ServerSyncTargetGroup") {
		char a[SOAP_GUID_STRLEN], b[SOAP_GUID_STRLEN];
		int bi = 0;

		if (soap_node_guid(soap_child(g, "TargetGroupID"), a) != 0 ||
		    soap_node_guid(soap_child(g, "ParentGroupId"), b) != 0 ||
		    soap_child_text(g, "Name") == NULL ||
		    strlen(soap_child_text(g, "Name")) > GROUP_NAME_MAX) {
			sync_seterr(s, "GetDeployments: bad ServerSyncTargetGroup");
			goto out;
		}
		soap_node_bool(soap_child(g, "IsBuiltin"), &bi);
		memcpy(ug[i].guid, a, sizeof(ug[i].guid));
		memcpy(ug[i].parent, b, sizeof(ug[i].parent));
		ug[i].name = soap_child_text(g, "Name");
		ug[i].builtin = bi != 0;
		i++;
	}
	s->res->groups = nug;
	if (lgroups_load(s, &lg) != 0)
		goto out;
	if (map_groups(s, ug, nug, &lg) != 0)
		goto out;
	if (lgroups_load(s, &lg) != 0)
		goto out;
	for (j = 0; j < lg.n; j++) {		/* groups the upstream no longer has */
		bool keep = lg.v[j].builtin;

		for (i = 0; i < nug && !keep; i++)
			keep = ug[i].local == lg.v[j].id;
		if (!keep && store_group_delete(s->st, lg.v[j].id) != STORE_OK)
			log_warnx("sync: removing group %s: %s", lg.v[j].name,
			    store_errmsg(s->st));
	}

	/* Dead deployments: through the rows of what we applied. */
	if (sync_state_deployments_load(s, &old) != 0)
		goto out;
	guidset_of(soap_child(res, "DeadDeployments"), &deadset);
	for (i = 0; i < old.n; i++) {
		const struct store_sync_deployment *o = &old.v[i];
		bool dead = false, group_gone;
		int64_t lid;

		dead = guidset_has(&deadset, o->deployment);
		lid = local_for(ug, nug, o->group);
		group_gone = lid == 0;
		if (!dead && !group_gone)
			continue;
		if (!group_gone) {
			int e = store_unapprove(s->st, o->update_id, lid);

			if (e != STORE_OK && e != STORE_NOTFOUND)
				log_warnx("sync: unapprove %s: %s",
				    o->update_id, store_errmsg(s->st));
			else
				s->res->approvals_removed++;
		}
		sync_depl_list_add(&rm, o->deployment, o->update_id, o->group);
	}

	/* New or changed deployments. */
	SOAP_FOREACH_CHILD(d, soap_child(res, "Deployments"), "ServerSyncDeployment") {
		char uid[SOAP_GUID_STRLEN], dg[SOAP_GUID_STRLEN], tg[SOAP_GUID_STRLEN];
		struct soap_datetime dl;
		int32_t action;
		int64_t lid, deadline = 0, did;
		enum approval_action aa;

		if (soap_node_guid(soap_child(d, "UpdateId"), uid) != 0 ||
		    soap_node_guid(soap_child(d, "DeploymentGuid"), dg) != 0 ||
		    soap_node_guid(soap_child(d, "TargetGroupId"), tg) != 0 ||
		    soap_node_int32(soap_child(d, "Action"), &action) != 0) {
			sync_seterr(s, "GetDeployments: bad ServerSyncDeployment");
			goto out;
		}
		if (soap_node_datetime(soap_child(d, "Deadline"), &dl) == 0 &&
		    dl.sec < 253402300000LL - 86400 * 365)
			deadline = dl.sec;
		if ((lid = local_for(ug, nug, tg)) == 0) {
			log_warnx("sync: deployment %s names unknown group %s", dg, tg);
			continue;
		}
		switch (action) {
		case 0: aa = APPROVAL_INSTALL; break;
		case 1: aa = APPROVAL_UNINSTALL; break;
		case 3: aa = APPROVAL_NOT_APPROVED; break;
		default: continue;	/* scan for presence: nothing local */
		}
		if (store_approve(s->st, uid, lid, aa, deadline,
		    soap_child_text(d, "AdminName") ? soap_child_text(d, "AdminName") : "",
		    &did) != STORE_OK) {
			log_warnx("sync: approving %s: %s", uid, store_errmsg(s->st));
			continue;
		}
		s->res->approvals_set++;
		sync_depl_list_add(&add, dg, uid, tg);
		if (sync_deployments_hook != NULL)
			sync_deployments_hook(++applied);
	}

	/* Hidden (declined) updates: the full list. */
	sync_list_updates(s, APPROVAL_FILTER_DECLINED, &dc);
	guidset_of(soap_child(res, "HiddenUpdates"), &hidden);
	for (i = 0; i < hidden.n; i++)
		if (store_decline(s->st, hidden.v[i], true) == STORE_OK)
			s->res->declined++;
	for (i = 0; i < dc.n; i++)		/* no longer hidden */
		if (!guidset_has(&hidden, dc.v[i]))
			store_decline(s->st, dc.v[i], false);
	if (save_eulas(s, soap_child(res, "AcceptedEulas")) != 0)
		goto out;

	if (sync_state_deployments_apply(s, na, &rm, &add) != 0 ||
	    sync_state_replica(s, s->base) != 0)
		goto out;
	if (store_tx_commit(s->st) != STORE_OK) {
		sync_seterr(s, "GetDeployments: %s", store_errmsg(s->st));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {			/* nothing applied: say so */
		store_tx_rollback(s->st);
		s->res->approvals_set = s->res->approvals_removed = 0;
		s->res->declined = 0;
	}
	free(dc.v);
	free(deadset.v);
	free(hidden.v);
	lgroups_free(&lg);
	free(ug);
	sync_depl_list_free(&old);
	sync_depl_list_free(&rm);
	sync_depl_list_free(&add);
	return rc;
}
