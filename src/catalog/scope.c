/*
 * scope.c — the client protocol's rules on a catalog snapshot: which
 * approval reaches a computer through its groups, which revisions are in
 * a computer's scope (per-group bitmaps, built on first use) and the
 * Deployment element of an in-scope revision (real approvals, Bundle,
 * PreDeploymentCheck, Evaluate).  See catalog.h and docs/SYNCUPDATES.md.
 *
 * Not here: the SyncUpdates round itself (src/wusp/sync_updates.c).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "util/xmalloc.h"

/* Synthetic deployment kinds (id = BASE + 4 * (rev id mod 2^28) + kind). */
#define SYNTH_EVALUATE		0
#define SYNTH_BUNDLE		1
#define SYNTH_PDC		2

const char *
catalog_action_name(enum catalog_action a)
{
	switch (a) {
	case CATALOG_ACTION_INSTALL:
		return "Install";
	case CATALOG_ACTION_UNINSTALL:
		return "Uninstall";
	case CATALOG_ACTION_PREDEPLOYMENT_CHECK:
		return "PreDeploymentCheck";
	case CATALOG_ACTION_EVALUATE:
		return "Evaluate";
	case CATALOG_ACTION_BUNDLE:
		return "Bundle";
	}
	return "Evaluate";
}

int64_t
cat_groups_seq(const struct catalog *c, const struct catalog_groups *g)
{
	int64_t s = 0;
	unsigned i;

	for (i = 0; i < g->n; i++)
		if (g->idx[i] < c->ngroups)
			s = max64(s, c->groups[g->idx[i]].chain_seq);
	return s;
}

/* ---- approvals, scope, deployments ---- */

/* The approval row of r for exactly group g, or NULL. */
static const struct cat_dep *
dep_for_group(const struct catalog *c, uint32_t r, uint32_t g)
{
	const struct cat_rint *ri = &c->ri[r];
	uint32_t i;

	for (i = ri->dep_off; i < ri->dep_off + ri->ndeps; i++)
		if (c->deps[i].group == g)
			return &c->deps[i];
	return NULL;
}

/* The approval that reaches group g: its own, else the nearest ancestor's.
 * NULL when none, or when the nearest one is NotApproved (a block). */
static const struct cat_dep *
dep_inherited(const struct catalog *c, uint32_t r, uint32_t g)
{
	const struct cat_dep *d;
	int depth = 0;

	if (c->ri[r].ndeps == 0)
		return NULL;
	while (g != CAT_NONE && depth++ < CATALOG_GROUP_DEPTH_MAX) {
		if ((d = dep_for_group(c, r, g)) != NULL)
			return d->action == APPROVAL_NOT_APPROVED ? NULL : d;
		g = c->groups[g].parent;
	}
	return NULL;
}

/*
 * Combining the groups of one computer: Install wins over Uninstall; among
 * equal actions the earliest deadline wins (no deadline counts as later
 * than any), then the lower deployment id.
 */
static bool
dep_better(const struct cat_dep *a, const struct cat_dep *b)
{
	if (b == NULL)
		return true;
	if (a->action != b->action)
		return a->action == APPROVAL_INSTALL;
	if (a->deadline != b->deadline) {
		if (a->deadline == 0)
			return false;
		if (b->deadline == 0)
			return true;
		return a->deadline < b->deadline;
	}
	return a->id < b->id;
}

const struct cat_dep *
cat_effective(const struct catalog *c, const struct catalog_groups *g,
    uint32_t r)
{
	const struct cat_dep *best = NULL, *d;
	unsigned i;

	if (c->ri[r].ndeps == 0 || c->revs[r].declined)
		return NULL;
	for (i = 0; i < g->n; i++) {
		if (g->idx[i] >= c->ngroups)
			continue;
		if ((d = dep_inherited(c, r, g->idx[i])) != NULL &&
		    dep_better(d, best))
			best = d;
	}
	return best;
}

/* Offered as PreDeploymentCheck when not approved (the real-WSUS rule). */
static bool
offers_pdc(const struct catalog *c, uint32_t r)
{
	const struct catalog_rev *rev = &c->revs[r];

	return c->opts.offer_unapproved && !rev->declined &&
	    rev->type == UPDATE_TYPE_SOFTWARE && rev->explicitly_deployable;
}

/* A root of the scope of one group. */
static bool
is_root(const struct catalog *c, const struct catalog_groups *one, uint32_t r)
{
	const struct catalog_rev *rev = &c->revs[r];

	if (rev->declined)
		return false;
	if (rev->type == UPDATE_TYPE_CATEGORY ||
	    rev->type == UPDATE_TYPE_DETECTOID)
		return true;
	if (cat_effective(c, one, r) != NULL)
		return true;
	return offers_pdc(c, r);
}

static uint64_t *
scope_compute(const struct catalog *c, uint32_t g)
{
	struct catalog_groups one;
	uint64_t *bm = xcalloc(c->words, sizeof(*bm));
	uint32_t *stack, sp = 0, r, t;
	size_t i, j, k;

	memset(&one, 0, sizeof(one));
	one.n = 1;
	one.idx[0] = g;
	stack = xreallocarray(NULL, c->nrevs ? c->nrevs : 1, sizeof(*stack));
	for (i = 0; i < c->nrevs; i++)
		if (is_root(c, &one, (uint32_t)i)) {
			bit_set(bm, (uint32_t)i);
			stack[sp++] = (uint32_t)i;
		}
	while (sp > 0) {
		const struct cat_rint *ri;

		r = stack[--sp];
		ri = &c->ri[r];
		for (j = ri->clause_off; j < ri->clause_off + ri->nclauses; j++)
			for (k = c->clause_start[j]; k < c->clause_start[j + 1];
			    k++) {
				t = c->clause_ids[k];
				if (t == CAT_NONE || bit_get(bm, t) ||
				    c->revs[t].declined)
					continue;
				bit_set(bm, t);
				stack[sp++] = t;
			}
		for (j = 0; j < ri->nmembers; j++) {
			t = c->members[ri->member_off + j];
			if (bit_get(bm, t) || c->revs[t].declined)
				continue;
			bit_set(bm, t);
			stack[sp++] = t;
		}
	}
	free(stack);
	return bm;
}

const uint64_t *
cat_group_scope(const struct catalog *cc, uint32_t g)
{
	struct catalog *c = (struct catalog *)(uintptr_t)cc;
	uint64_t *bm;

	if (g >= c->ngroups)
		return NULL;
	bm = __atomic_load_n(&c->scope[g], __ATOMIC_ACQUIRE);
	if (bm != NULL)
		return bm;
	pthread_mutex_lock(&c->scope_lock);
	bm = __atomic_load_n(&c->scope[g], __ATOMIC_ACQUIRE);
	if (bm == NULL) {
		bm = scope_compute(c, g);
		__atomic_store_n(&c->scope[g], bm, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&c->scope_lock);
	return bm;
}

bool
cat_in_scope(const struct catalog *c, const struct catalog_groups *g,
    uint32_t r)
{
	const uint64_t *bm;
	unsigned i;

	if (r >= c->nrevs || c->revs[r].declined)
		return false;
	for (i = 0; i < g->n; i++)
		if ((bm = cat_group_scope(c, g->idx[i])) != NULL &&
		    bit_get(bm, r))
			return true;
	return false;
}

bool
catalog_rev_in_scope(const struct catalog *c, const struct catalog_groups *g,
    const struct catalog_rev *rev)
{
	if (rev == NULL || rev->idx >= c->nrevs || &c->revs[rev->idx] != rev)
		return false;
	return cat_in_scope(c, g, rev->idx);
}

bool
catalog_in_scope(const struct catalog *c, const struct catalog_groups *g,
    int32_t revision_id)
{
	uint32_t r = cat_rev_index(c, revision_id);

	return r != CAT_NONE && cat_in_scope(c, g, r);
}

bool
catalog_file_in_scope(const struct catalog *c, const struct catalog_groups *g,
    const uint8_t sha1[20])
{
	size_t i;

	for (i = cat_file_lower(c, sha1); i < c->nfiles; i++) {
		uint32_t fi = c->file_by_sha[i];

		if (memcmp(c->files[fi].sha1, sha1, 20) != 0)
			break;
		if (cat_in_scope(c, g, c->file_rev[fi]))
			return true;
	}
	return false;
}

/* Is r bundled by an offered (deployed, PreDeploymentCheck or itself
 * bundled) in-scope revision?  *when: newest change time of those. */
static bool
bundled_by_offered(const struct catalog *c, const struct catalog_groups *g,
    uint32_t r, int depth, int64_t *when)
{
	const struct cat_rint *ri = &c->ri[r];
	bool found = false;
	uint32_t i;

	for (i = 0; i < ri->nparents; i++) {
		uint32_t p = c->parents[ri->parent_off + i];
		const struct cat_dep *d;
		int64_t t = 0;

		if (c->revs[p].declined || !cat_in_scope(c, g, p))
			continue;
		if ((d = cat_effective(c, g, p)) != NULL)
			t = d->last_change;
		else if (offers_pdc(c, p))
			t = max64(c->ri[p].imported, c->ri[p].tomb_time);
		else if (depth >= BUNDLE_DEPTH_MAX ||
		    !bundled_by_offered(c, g, p, depth + 1, &t))
			continue;
		found = true;
		*when = max64(*when, t);
	}
	return found;
}

static void
date_only(int64_t t, char out[11])
{
	struct tm tm;
	time_t tt = (time_t)(t > 0 ? t : 0);

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}

static int32_t
synth_id(const struct catalog *c, uint32_t r, int kind)
{
	uint32_t rid = (uint32_t)c->revs[r].revision_id & 0x0FFFFFFFu;

	return (int32_t)(CATALOG_SYNTH_DEPLOYMENT_BASE + rid * 4u +
	    (uint32_t)kind);
}

void
cat_deployment(const struct catalog *c, const struct catalog_groups *g,
    uint32_t r, struct catalog_deployment *out)
{
	const struct cat_dep *d = cat_effective(c, g, r);
	int64_t when = 0;

	memset(out, 0, sizeof(*out));
	out->is_assigned = true;
	out->change_seq = max64(c->ri[r].seq, cat_groups_seq(c, g));
	if (d != NULL) {
		out->id = d->id;
		out->action = d->action == APPROVAL_UNINSTALL ?
		    CATALOG_ACTION_UNINSTALL : CATALOG_ACTION_INSTALL;
		out->deadline = d->deadline;
		out->last_change = d->last_change;
	} else if (bundled_by_offered(c, g, r, 0, &when)) {
		out->id = synth_id(c, r, SYNTH_BUNDLE);
		out->action = CATALOG_ACTION_BUNDLE;
		out->last_change = when;
	} else if (offers_pdc(c, r)) {
		out->id = synth_id(c, r, SYNTH_PDC);
		out->action = CATALOG_ACTION_PREDEPLOYMENT_CHECK;
		out->last_change = max64(c->ri[r].imported, c->ri[r].tomb_time);
	} else {
		out->id = synth_id(c, r, SYNTH_EVALUATE);
		out->action = CATALOG_ACTION_EVALUATE;
		out->last_change = c->ri[r].imported;
	}
	date_only(out->last_change, out->last_change_date);
}

bool
catalog_deployment(const struct catalog *c, const struct catalog_groups *g,
    const struct catalog_rev *rev, struct catalog_deployment *out)
{
	if (!catalog_rev_in_scope(c, g, rev))
		return false;
	cat_deployment(c, g, rev->idx, out);
	return true;
}

