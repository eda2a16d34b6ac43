/*
 * evaluation.c — applicability of the cached updates on the session's
 * machine (scan.h has the rules): prerequisites, installed, needed, the
 * needed parts of needed bundles, as a monotone fixpoint over the whole
 * cache; and the counts of a scan result.
 *
 * Not here: the rules of one fragment (applic.c), the cache itself
 * (cache.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/scan_internal.h"
#include "util/encode.h"
#include "util/xmalloc.h"

/* ---- evaluation ---------------------------------------------------------------- */

static bool
uid_installed(const struct scan_state *st, const struct machine *m,
    const struct guid *g)
{
	const struct rev *r;

	if (machine_is_installed(m, g))
		return true;
	r = scan_by_uid(st, g);
	return r != NULL && r->installed;
}

static bool
prereqs_ok(const struct scan_state *st, const struct machine *m,
    const struct rev *r)
{
	const struct core *c = r->core;

	for (size_t i = 0; i < c->nprereqs; i++) {
		const struct clause *cl = &c->prereqs[i];
		bool ok = false;
		for (uint32_t k = 0; k < cl->n && !ok; k++)
			ok = uid_installed(st, m, &c->prereq_ids[cl->first + k]);
		if (!ok)
			return false;
	}
	return true;
}

static bool
compute_installed(const struct scan_state *st, const struct machine *m,
    const struct rev *r)
{
	const struct core *c = r->core;
	size_t known = 0;

	if (machine_is_installed(m, &c->id))
		return true;
	if (!r->prereq_ok)
		return false;
	for (size_t i = 0; i < c->nbundles; i++) {
		const struct clause *g = &c->bundles[i];
		bool any_known = false, any_installed = false;
		for (uint32_t k = 0; k < g->n; k++) {
			const struct rev *mem = scan_by_uid(st,
			    &c->bundle_ids[g->first + k]);
			if (mem == NULL)
				continue;
			any_known = true;
			if (mem->installed)
				any_installed = true;
		}
		if (any_known) {
			known++;
			if (!any_installed)
				return false;
		}
	}
	if (known > 0)
		return true;
	if (c->is_installed >= 0)
		return c->is_installed != 0;
	return c->type == UT_CATEGORY;
}

static bool
hwid_match(const struct machine *m, const struct core *c)
{
	for (size_t i = 0; i < c->nhwids; i++)
		for (size_t d = 0; d < m->ndevices; d++) {
			for (size_t k = 0; k < m->devices[d].nhwids; k++)
				if (strcasecmp(c->hwids[i],
				    m->devices[d].hwids[k]) == 0)
					return true;
			for (size_t k = 0; k < m->devices[d].ncompat; k++)
				if (strcasecmp(c->hwids[i],
				    m->devices[d].compat[k]) == 0)
					return true;
		}
	return false;
}

static bool
compute_needed(const struct scan_state *st, const struct machine *m,
    const struct rev *r, int depth)
{
	const struct core *c = r->core;
	size_t known = 0;
	bool any_needed = false;

	if (r->installed || !r->prereq_ok || depth > 8)
		return false;
	if (c->type == UT_DRIVER)
		return hwid_match(m, c) && c->is_installable != 0;
	for (size_t i = 0; i < c->nbundle_ids; i++) {
		const struct rev *mem = scan_by_uid(st, &c->bundle_ids[i]);
		if (mem == NULL)
			continue;
		known++;
		if (compute_needed(st, m, mem, depth + 1))
			any_needed = true;
	}
	if (known > 0)
		return any_needed && c->is_installable != 0;
	return c->is_installable != 0;
}


/* Mark the needed parts of bundle r, through nested bundles. */
static void
mark_parts(struct scan_state *st, const struct rev *r, int depth)
{
	if (depth > 8)
		return;
	for (size_t k = 0; k < r->core->nbundle_ids; k++) {
		struct rev *m = scan_by_uid(st, &r->core->bundle_ids[k]);
		if (m == NULL || !m->needed || m->part)
			continue;
		m->part = true;
		mark_parts(st, m, depth + 1);
	}
}

void
scan_evaluate(struct scan_state *st, const struct machine *m)
{
	bool changed = true;
	unsigned passes = 0;

	for (size_t i = 0; i < st->n; i++)
		st->v[i].installed = st->v[i].prereq_ok = st->v[i].needed =
		    false;
	/* monotone: values only turn true, so this ends */
	while (changed && passes++ <= st->n + 1) {
		changed = false;
		for (size_t i = 0; i < st->n; i++) {
			struct rev *r = &st->v[i];
			bool p, inst;
			if (!r->alive)
				continue;
			p = prereqs_ok(st, m, r);
			if (p != r->prereq_ok) {
				r->prereq_ok = p;
				changed = true;
			}
			inst = compute_installed(st, m, r);
			if (inst != r->installed) {
				r->installed = inst;
				changed = true;
			}
		}
	}
	for (size_t i = 0; i < st->n; i++) {
		struct rev *r = &st->v[i];
		r->part = false;
		if (r->alive && (r->core->type == UT_SOFTWARE ||
		    r->core->type == UT_DRIVER))
			r->needed = compute_needed(st, m, r, 0);
	}
	for (size_t i = 0; i < st->n; i++)
		if (scan_reportable(&st->v[i]) && st->v[i].needed)
			mark_parts(st, &st->v[i], 0);
	st->evaluated = true;
}

/* Leaf updates the client reports (not dependencies or bundle parts). */
bool
scan_reportable(const struct rev *r)
{
	return r->alive && r->is_leaf && (r->core->type == UT_SOFTWARE ||
	    r->core->type == UT_DRIVER) && strcmp(r->action, "Evaluate") != 0 &&
	    strcmp(r->action, "Bundle") != 0;
}

bool
scan_to_install(const struct rev *r)
{
	return scan_reportable(r) && r->needed && strcmp(r->action, "Install") == 0;
}

/* r, then its needed parts, then theirs (nested bundles); the count. */
size_t
scan_collect_parts(struct scan_state *st, struct rev *r, struct rev **parts)
{
	size_t nparts = 0;

	parts[nparts++] = r;
	for (size_t p = 0; p < nparts; p++) {
		for (size_t k = 0; k < parts[p]->core->nbundle_ids &&
		    nparts < MAX_PARTS; k++) {
			struct rev *m = scan_by_uid(st,
			    &parts[p]->core->bundle_ids[k]);
			bool seen = false;
			if (m == NULL || !m->needed)
				continue;
			for (size_t q = 0; q < nparts && !seen; q++)
				seen = parts[q] == m;
			if (!seen)
				parts[nparts++] = m;
		}
	}
	return nparts;
}

void
scan_count(const struct scan_state *st, struct scan_result *res)
{
	res->cached = res->nonleaf_installed = res->needed = res->installed =
	    res->not_applicable = res->to_install = res->unknown_rules = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		if (!r->alive)
			continue;
		res->cached++;
		res->unknown_rules += r->core->unknown_rules;
		if (!r->is_leaf && r->installed)
			res->nonleaf_installed++;
		if (!scan_reportable(r))
			continue;
		if (r->installed)
			res->installed++;
		else if (r->needed)
			res->needed++;
		else
			res->not_applicable++;
		if (scan_to_install(r))
			res->to_install++;
	}
}

void
scan_status_lists(const struct scan_state *st, struct guid **needed,
    size_t *nneeded, struct guid **installed, size_t *ninstalled)
{
	*needed = xcalloc(st->n + 1, sizeof(struct guid));
	*installed = xcalloc(st->n + 1, sizeof(struct guid));
	*nneeded = *ninstalled = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		if (!scan_reportable(r))
			continue;
		if (r->installed)
			(*installed)[(*ninstalled)++] = r->core->id;
		else if (r->needed)
			(*needed)[(*nneeded)++] = r->core->id;
	}
}

