/*
 * op_deployments.c — GetDeployments of the MS-WSUSSS Server Sync service: the
 * computer groups, approvals (deployments), dead deployments, declined
 * updates and accepted EULAs a replica downstream copies (the EulaIDs of
 * approved revisions plus, on a replica, those its own upstream sent).  Reads the
 * shared catalog through snapshot.h.  docs/WSUSSS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/guid.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

/* ---- GetDeployments ---------------------------------------------------- */

struct grp {
	int64_t	 id;
	char	 guid[GUID_STRLEN + 1];
	char	*name;
	int64_t	 parent;
	bool	 builtin;
};

struct grplist {
	struct grp *g;
	size_t	 n, cap;
};

static int
grp_cb(const struct store_group *g, void *arg)
{
	struct grplist *l = arg;

	if (l->n >= 100000)
		return 1;
	GROW(l->g, l->n, l->cap);
	l->g[l->n].id = g->id;
	memcpy(l->g[l->n].guid, g->guid, sizeof(l->g[0].guid));
	l->g[l->n].name = xstrdup(g->name != NULL ? g->name : "");
	l->g[l->n].parent = g->parent_id;
	l->g[l->n++].builtin = g->builtin;
	return 0;
}

static const struct grp *
grp_find(const struct grplist *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->g[i].id == id)
			return &l->g[i];
	return NULL;
}

/* AcceptedEulas: EulaIDs, sorted then written once each. */
struct eulalist {
	char	(*v)[GUID_STRLEN + 1];
	size_t	 n, cap;
};

static void
eula_add(struct eulalist *l, const char *id)
{
	GROW(l->v, l->n, l->cap);
	snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", id);
}

static int
eula_cb(const char *id, void *arg)
{
	eula_add(arg, id);
	return 0;
}

static int
eula_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A stable DeploymentGuid: SHA-256(server id, update id, group guid). */
static void
deployment_guid(const struct svc_call *c, const char *uid, const char *group,
    char out[GUID_STRLEN + 1])
{
	uint8_t h[32], g[16];
	char text[160];
	unsigned int hl = 0;

	snprintf(text, sizeof(text), "%s/%s/%s", c->host->server_id, uid, group);
	EVP_Digest(text, strlen(text), h, &hl, EVP_sha256(), NULL);
	memcpy(g, h, 16);
	g[6] = (uint8_t)((g[6] & 0x0f) | 0x50);	/* version 5-like */
	g[8] = (uint8_t)((g[8] & 0x3f) | 0x80);
	cookie_guid_format(g, out);
}

static void
write_time(struct svc_call *c, const char *name, int64_t t)
{
	struct soap_datetime dt;

	soap_datetime_from_unix(t, 0, &dt);
	xmlw_elem_datetime(&c->w, name, &dt);
}

int
wsusss_op_get_deployments(struct svc_call *c)
{
	struct store *st;
	const struct catalog *s = NULL;
	struct eulalist el = { 0 };
	size_t nrevs, napp, ntomb;
	struct wsusss_anchor da, sa;
	bool hasd, hass;
	struct grplist gl;
	int rc = -1;
	char zero[GUID_STRLEN + 1] = GUID_ZERO;

	memset(&gl, 0, sizeof(gl));
	if (ws_session(c) != 0 || (st = svc_store(c)) == NULL)
		return -1;
	if ((s = ws_snap(c, st)) == NULL)
		return -1;
	nrevs = catalog_revision_count(s);
	napp = catalog_approval_count(s);
	ntomb = catalog_tombstone_count(s);
	if (ws_read_anchor(c, soap_child(c->body, "deploymentAnchor"),
	    "deploymentAnchor", &da, &hasd, catalog_change_seq(s)) != 0)
		goto out;
	if (ws_read_anchor(c, soap_child(c->body, "syncAnchor"), "syncAnchor",
	    &sa, &hass, catalog_change_seq(s)) != 0)
		goto out;
	if (!hass) {
		svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "syncAnchor");
		goto out;
	}
	WS(c)->touch_synced = true;
	if (hasd && da.counter > sa.counter) {
		svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "deploymentAnchor");
		goto out;
	}
	if (store_group_list(st, grp_cb, &gl) != STORE_OK) {
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "groups");
		goto out;
	}
	if (store_eulas_accepted_list(st, eula_cb, &el) != STORE_OK) {
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "accepted EULAs");
		goto out;
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetDeploymentsResult");
	ws_write_anchor(c, "Anchor", sa.counter);
	xmlw_start(&c->w, "Groups");
	for (size_t i = 0; i < gl.n; i++) {
		const struct grp *p = grp_find(&gl, gl.g[i].parent);

		xmlw_start(&c->w, "ServerSyncTargetGroup");
		xmlw_elem(&c->w, "TargetGroupID", gl.g[i].guid);
		xmlw_elem(&c->w, "ParentGroupId", p != NULL ? p->guid : zero);
		xmlw_elem(&c->w, "Name", gl.g[i].name);
		xmlw_elem_bool(&c->w, "IsBuiltin", gl.g[i].builtin);
		xmlw_end(&c->w);
	}
	xmlw_end(&c->w);
	xmlw_start(&c->w, "Deployments");
	for (size_t k = 0; k < napp; k++) {
		const struct catalog_approval *d = catalog_approval_at(s, k);
		const struct grp *g = grp_find(&gl, d->group_id);
		char dg[GUID_STRLEN + 1];

		if (g == NULL || d->rev == NULL || d->change_seq > sa.counter ||
		    (hasd && d->change_seq <= da.counter))
			continue;
		deployment_guid(c, d->update_id, g->guid, dg);
		xmlw_start(&c->w, "ServerSyncDeployment");
		xmlw_elem(&c->w, "UpdateId", d->update_id);
		xmlw_elem_int(&c->w, "RevisionNumber", d->rev->revision_number);
		xmlw_elem_int(&c->w, "Action",
		    d->action == APPROVAL_INSTALL ? 0 :
		    d->action == APPROVAL_UNINSTALL ? 1 : 3);
		xmlw_elem(&c->w, "AdminName", "wsusd");
		if (d->deadline > 0)
			write_time(c, "Deadline", d->deadline);
		else
			xmlw_elem(&c->w, "Deadline",
			    "9999-12-31T23:59:59.9999999");
		xmlw_elem_bool(&c->w, "IsAssigned", 1);
		write_time(c, "GoLiveTime", d->created);
		xmlw_elem(&c->w, "DeploymentGuid", dg);
		xmlw_elem(&c->w, "TargetGroupId", g->guid);
		xmlw_elem_int(&c->w, "DownloadPriority", 1);
		xmlw_end(&c->w);
	}
	xmlw_end(&c->w);
	/* DeadDeployments: for an update with a removed approval, the
	 * deployment ids of every group that has none now */
	xmlw_start(&c->w, "DeadDeployments");
	for (size_t t = 0; t < ntomb; t++) {
		const struct catalog_tombstone *tb = catalog_tombstone_at(s, t);

		if (tb->change_seq > sa.counter ||
		    (hasd && tb->change_seq <= da.counter))
			continue;
		for (size_t gi = 0; gi < gl.n; gi++) {
			bool live = false;
			char dg[GUID_STRLEN + 1];

			for (size_t k = 0; k < napp && !live; k++) {
				const struct catalog_approval *d =
				    catalog_approval_at(s, k);

				live = d->group_id == gl.g[gi].id &&
				    strcmp(d->update_id, tb->update_id) == 0;
			}
			if (live)
				continue;
			deployment_guid(c, tb->update_id, gl.g[gi].guid, dg);
			xmlw_elem(&c->w, "guid", dg);
		}
	}
	xmlw_end(&c->w);
	xmlw_start(&c->w, "HiddenUpdates");
	for (size_t i = 0; i < nrevs; i++)
		if (catalog_rev_at(s, i)->declined)
			xmlw_elem(&c->w, "guid", catalog_rev_at(s, i)->update_id);
	xmlw_end(&c->w);
	/* The EulaID of every approved revision and, on a replica, the
	 * accepted EULAs its upstream sent: sorted, each once. */
	for (size_t i = 0; i < nrevs; i++)
		if (catalog_rev_at(s, i)->approved) {
			struct catalog_extprops p;

			snap_rev_props(st, s, catalog_rev_at(s, i), &p);
			if (p.eula[0] != '\0')
				eula_add(&el, p.eula);
		}
	if (el.n > 1)	/* qsort of a NULL base is undefined, even for 0 */
		qsort(el.v, el.n, sizeof(*el.v), eula_cmp);
	xmlw_start(&c->w, "AcceptedEulas");
	for (size_t i = 0; i < el.n; i++)
		if (i == 0 || strcmp(el.v[i - 1], el.v[i]) != 0)
			xmlw_elem(&c->w, "guid", el.v[i]);
	xmlw_end(&c->w);
	svc_end(c);
	rc = 0;
out:
	for (size_t i = 0; i < gl.n; i++)
		free(gl.g[i].name);
	free(gl.g);
	free(el.v);
	snap_release(s);
	return rc;
}

