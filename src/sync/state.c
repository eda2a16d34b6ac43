/*
 * state.c — every read and write of the sync engine's state in the
 * store: the downstream's identity, the upstream the anchors belong to,
 * the anchors of each phase, the filter of the last run, the replica's
 * deployment rows, the rollup number and reset GUID, the time of the
 * last success.  All of it goes through the typed sync-state operations
 * of the store (store/sync_state.h: the tables sync_state and
 * sync_deployments); only this file calls them.  In load mode (no
 * store) nothing is read and every write succeeds.
 *
 * Not here: when a phase is complete (the steps decide and call the
 * promote/apply functions after their work committed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync/sync_internal.h"
#include "util/guid.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Our anchors by the store's phases (the same four, kept apart so
 * neither enum has to follow the other). */
static const enum store_sync_phase phases[] = {
	[SYNC_ANCHOR_CONFIG] = SYNC_PHASE_CONFIG,
	[SYNC_ANCHOR_CATEGORY] = SYNC_PHASE_CATEGORY,
	[SYNC_ANCHOR_UPDATE] = SYNC_PHASE_UPDATE,
	[SYNC_ANCHOR_DEPLOYMENT] = SYNC_PHASE_DEPLOYMENT,
};

/*
 * The whole state into *ss; false in load mode and when it cannot be
 * read (then everything counts as unset, as an absent setting did).
 */
static bool
state_get(struct sess *s, struct store_sync_state *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (s->st == NULL)
		return false;
	if (store_sync_state_get(s->st, ss) != STORE_OK) {
		log_warnx("sync: reading sync state: %s", store_errmsg(s->st));
		store_sync_state_free(ss);
		return false;
	}
	return true;
}

/* A write's answer: 0, or -1 with the store's reason in the session. */
static int
state_put(struct sess *s, int rc, const char *what)
{
	if (rc != STORE_OK) {
		sync_seterr(s, "saving %s: %s", what, store_errmsg(s->st));
		return -1;
	}
	return 0;
}

int
sync_state_identity(struct sess *s)
{
	struct store_sync_state ss;
	char *g = NULL;

	if (s->o->account_name != NULL)
		snprintf(s->account, sizeof(s->account), "%s", s->o->account_name);
	else if (gethostname(s->account, sizeof(s->account) - 1) != 0)
		snprintf(s->account, sizeof(s->account), "wsusd-downstream");
	s->account[sizeof(s->account) - 1] = '\0';
	state_get(s, &ss);
	if (ss.account != NULL &&
	    guid_normalize(ss.account, s->account_guid) == 0) {
		/* kept from an earlier run */
	} else {
		/* postinstall's id (a plain setting, not sync state) */
		if (s->st == NULL ||
		    store_setting_str(s->st, SETTING_SERVER_ID, &g) !=
		    STORE_OK || g == NULL ||
		    guid_normalize(g, s->account_guid) != 0)
			guid_random(s->account_guid);
		free(g);
		if (s->st != NULL && state_put(s, store_sync_account_set(s->st,
		    s->account_guid), "account GUID") != 0) {
			store_sync_state_free(&ss);
			return -1;
		}
	}
	s->new_upstream = s->st != NULL &&
	    (ss.upstream == NULL || strcmp(ss.upstream, s->base) != 0);
	store_sync_state_free(&ss);
	return 0;
}

/*
 * Anchors belong to one upstream: once a new upstream has answered
 * (so a mistyped URL changes nothing), start over: the store forgets
 * the anchors, the filter, the deployment rows and the rollup number
 * in the same transaction that records the new URL.
 */
int
sync_state_adopt_upstream(struct sess *s)
{
	if (s->new_upstream) {
		if (state_put(s, store_sync_upstream_adopt(s->st, s->base),
		    "upstream") != 0)
			return -1;
		s->new_upstream = false;
	}
	return 0;
}

void
sync_state_reset_anchors(struct sess *s)
{
	if (s->st != NULL && store_sync_anchors_reset(s->st) != STORE_OK)
		log_warnx("sync: resetting anchors: %s", store_errmsg(s->st));
}

char *
sync_state_anchor(struct sess *s, enum sync_anchor a)
{
	struct store_sync_state ss;
	char *v = NULL;

	if (state_get(s, &ss)) {
		v = ss.anchor[phases[a]];
		ss.anchor[phases[a]] = NULL;
	}
	store_sync_state_free(&ss);
	return v;
}

int
sync_state_promote_anchor(struct sess *s, enum sync_anchor a, const char *v)
{
	if (s->st == NULL)
		return 0;
	return state_put(s, store_sync_anchor_set(s->st, phases[a], v, NULL),
	    "anchor");
}

char *
sync_state_filter(struct sess *s)
{
	struct store_sync_state ss;
	char *v = NULL;

	if (state_get(s, &ss)) {
		v = ss.filter;
		ss.filter = NULL;
	}
	store_sync_state_free(&ss);
	return v;
}

int
sync_state_promote_updates(struct sess *s, const char *anchor,
    const char *filter)
{
	if (s->st == NULL)
		return 0;
	return state_put(s, store_sync_anchor_set(s->st, SYNC_PHASE_UPDATE,
	    anchor, filter != NULL ? filter : ""), "update anchor");
}

void
sync_depl_list_free(struct sync_depl_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
sync_depl_list_add(struct sync_depl_list *l, const char *deployment,
    const char *update_id, const char *group)
{
	struct store_sync_deployment *d;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	d = &l->v[l->n++];
	snprintf(d->deployment, sizeof(d->deployment), "%s", deployment);
	snprintf(d->update_id, sizeof(d->update_id), "%s", update_id);
	snprintf(d->group, sizeof(d->group), "%s", group);
}

static int
depl_cb(const struct store_sync_deployment *d, void *arg)
{
	sync_depl_list_add(arg, d->deployment, d->update_id, d->group);
	return 0;
}

int
sync_state_deployments_load(struct sess *s, struct sync_depl_list *out)
{
	sync_depl_list_free(out);
	if (s->st == NULL)
		return 0;
	if (store_sync_deployments_list(s->st, depl_cb, out) != STORE_OK) {
		sync_seterr(s, "listing replica deployments: %s",
		    store_errmsg(s->st));
		sync_depl_list_free(out);
		return -1;
	}
	return 0;
}

int
sync_state_deployments_apply(struct sess *s, const char *anchor,
    const struct sync_depl_list *remove, const struct sync_depl_list *add)
{
	struct store_sync_deployments_change c;
	const char **rm = NULL;
	size_t i;
	int rc;

	if (s->st == NULL)
		return 0;
	if (remove->n > 0) {
		rm = xreallocarray(NULL, remove->n, sizeof(*rm));
		for (i = 0; i < remove->n; i++)
			rm[i] = remove->v[i].deployment;
	}
	memset(&c, 0, sizeof(c));
	c.anchor = anchor;
	c.remove = rm;
	c.nremove = remove->n;
	c.add = add->v;
	c.nadd = add->n;
	rc = state_put(s, store_sync_deployments_apply(s->st, &c),
	    "replica deployments");
	free(rm);
	return rc;
}

void
sync_state_rollup_load(struct sess *s, const char *reset_guid,
    int64_t *number, int64_t *last_sync)
{
	struct store_sync_state ss;

	*number = 0;
	*last_sync = 0;
	if (!state_get(s, &ss))
		return;
	*number = ss.rollup_number;
	if (ss.rollup_reset == NULL || strcmp(ss.rollup_reset, reset_guid) != 0)
		*number = 0;	/* new reset GUID: full rollup */
	*last_sync = ss.last_success;
	store_sync_state_free(&ss);
}

int
sync_state_rollup_save(struct sess *s, int64_t number, const char *reset_guid)
{
	if (s->st == NULL)
		return 0;
	return state_put(s, store_sync_rollup_set(s->st, number, reset_guid),
	    "rollup number");
}

void
sync_state_mark_synced(struct sess *s, int64_t when)
{
	if (s->st == NULL)
		return;
	if (store_sync_last_set(s->st, when) != STORE_OK)
		sync_seterr(s, "saving last sync: %s", store_errmsg(s->st));
}

int
sync_state_replica(struct sess *s, const char *url)
{
	if (s->st == NULL)
		return 0;
	return state_put(s, store_sync_replica_set(s->st, url),
	    "replica flag");
}
