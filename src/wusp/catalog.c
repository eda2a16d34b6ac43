/*
 * catalog.c — the in-memory update catalog: building a snapshot from the
 * store, scope and deployment rules, lookups, and the holder that the
 * HTTP worker threads share.  See catalog.h and docs/SYNCUPDATES.md.
 *
 * Build: one store_catalog_load() (one read transaction) streams the
 * newest revisions, clauses, bundles, files, groups, approvals,
 * tombstones and older revision ids into flat arrays.  Core fragments are
 * XML-escaped once into one arena, so a SyncUpdates response copies them.
 * Driver documents are parsed for their WindowsDriverMetaData here.
 *
 * Not here: the SyncUpdates round itself (sync_updates.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/log.h"
#include "util/xmalloc.h"
#include "wusp/catalog.h"
#include "wusp/catalog_internal.h"
#include "wusp/driver_rank.h"

/* Nesting of bundles followed when deciding Action=Bundle. */
#define BUNDLE_DEPTH_MAX	8
/* Synthetic deployment kinds (id = BASE + 4 * (rev id mod 2^28) + kind). */
#define SYNTH_EVALUATE		0
#define SYNTH_BUNDLE		1
#define SYNTH_PDC		2

/* ---- small helpers ---- */

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* A growable array of fixed-size elements (internal state: xmalloc). */
#define GROW(ptr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 64;				\
		(ptr) = xreallocarray((ptr), (cap), sizeof(*(ptr)));	\
	}								\
} while (0)

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

void
catalog_options_default(struct catalog_options *o)
{
	memset(o, 0, sizeof(*o));
	o->offer_unapproved = true;
}

/* ---- build ---- */

struct build {
	struct catalog *c;
	bool	 failed;
	char	 err[256];
	size_t	 revcap;
	size_t	*core_off;		/* arena offset of each core fragment */
	size_t	 acap;
	bool	 uid_ready;
	/* prerequisite clauses */
	size_t	 clause_cap, ids_cap, nids;
	int64_t	 clause_rev;		/* revision_id of the open clause */
	int	 clause_gi;		/* its group_index */
	bool	 clause_open;
	/* raw bundle pairs (parent, member) */
	uint32_t (*pairs)[2];
	size_t	 npairs, pairs_cap;
	size_t	 files_cap;
	size_t	*name_off;		/* arena offset of each file name */
	size_t	 groups_cap;
	int64_t	*group_parent_id;
	struct cat_dep *deps;		/* raw, with rev in dep_rev */
	uint32_t *dep_rev;
	size_t	 deps_cap;
	size_t	 metas_cap;
	size_t	 oldrevs_cap;
	uint32_t cursor;		/* rev index cursor for ordered rows */
};

static void
build_fail(struct build *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
build_fail(struct build *b, const char *fmt, ...)
{
	va_list ap;

	if (b->failed)
		return;
	b->failed = true;
	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
}

static size_t
arena_reserve(struct build *b, size_t n)
{
	struct catalog *c = b->c;

	if (c->arena_len + n + 1 > b->acap) {
		size_t cap = b->acap ? b->acap : 65536;

		while (cap < c->arena_len + n + 1)
			cap *= 2;
		c->arena = xreallocarray(c->arena, cap, 1);
		b->acap = cap;
	}
	return c->arena_len;
}

/* Append text, escaped for an XML text node the way real WSUS writes the
 * <Xml> element: & < > as entities, quotes literal, CR as &#xD;. */
static size_t
arena_escape(struct build *b, const char *s, size_t n)
{
	struct catalog *c = b->c;
	size_t off, i, extra = 0;
	char *o;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': extra += 4; break;
		case '<': case '>': extra += 3; break;
		case '\r': extra += 4; break;
		default: break;
		}
	}
	off = arena_reserve(b, n + extra);
	o = c->arena + off;
	if (extra == 0) {
		memcpy(o, s, n);
		o += n;
	} else {
		for (i = 0; i < n; i++) {
			switch (s[i]) {
			case '&': memcpy(o, "&amp;", 5); o += 5; break;
			case '<': memcpy(o, "&lt;", 4); o += 4; break;
			case '>': memcpy(o, "&gt;", 4); o += 4; break;
			case '\r': memcpy(o, "&#xD;", 5); o += 5; break;
			default: *o++ = s[i]; break;
			}
		}
	}
	*o++ = '\0';
	c->arena_len = (size_t)(o - c->arena);
	return off;
}

static size_t
arena_str(struct build *b, const char *s)
{
	size_t n = strlen(s), off = arena_reserve(b, n);

	memcpy(b->c->arena + off, s, n + 1);
	b->c->arena_len += n + 1;
	return off;
}

/* Rev index of revision_id among the loaded revisions (ordered rows
 * arrive in ascending revision id, so a cursor mostly suffices). */
static uint32_t
build_rev(struct build *b, int64_t revision_id)
{
	struct catalog *c = b->c;
	uint32_t r;

	if (revision_id < INT32_MIN || revision_id > INT32_MAX)
		return CAT_NONE;
	if (b->cursor < c->nrevs && c->revs[b->cursor].revision_id ==
	    (int32_t)revision_id)
		return b->cursor;
	r = cat_rev_index(c, (int32_t)revision_id);
	if (r != CAT_NONE)
		b->cursor = r;
	return r;
}

static int
uid_cmp(const void *a, const void *b, void *arg)
{
	const struct catalog *c = arg;

	return memcmp(c->revs[*(const uint32_t *)a].update_id,
	    c->revs[*(const uint32_t *)b].update_id, GUID_STRLEN);
}

static void
uid_index(struct build *b)
{
	struct catalog *c = b->c;
	size_t i;

	if (b->uid_ready)
		return;
	b->uid_ready = true;
	c->by_uid = xreallocarray(NULL, c->nrevs ? c->nrevs : 1,
	    sizeof(*c->by_uid));
	for (i = 0; i < c->nrevs; i++)
		c->by_uid[i] = (uint32_t)i;
	qsort_r(c->by_uid, c->nrevs, sizeof(*c->by_uid), uid_cmp, c);
}

static uint32_t
uid_find(const struct catalog *c, const char *uid)
{
	size_t lo = 0, hi = c->nrevs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = memcmp(c->revs[c->by_uid[mid]].update_id, uid,
		    GUID_STRLEN);

		if (cmp == 0)
			return c->by_uid[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CAT_NONE;
}

static int
sink_revision(const struct store_catalog_revision *sr, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	struct catalog_rev *rev;
	struct cat_rint *ri;
	char err[256];

	if (b->failed)
		return 1;
	if (sr->revision_id <= 0 || sr->revision_id > INT32_MAX) {
		build_fail(b, "revision id %lld out of range",
		    (long long)sr->revision_id);
		return 1;
	}
	if (c->nrevs > 0 && c->revs[c->nrevs - 1].revision_id >=
	    sr->revision_id) {
		build_fail(b, "revisions out of order");
		return 1;
	}
	if (c->nrevs == b->revcap) {
		b->revcap = b->revcap ? b->revcap * 2 : 256;
		c->revs = xreallocarray(c->revs, b->revcap, sizeof(*c->revs));
		c->ri = xreallocarray(c->ri, b->revcap, sizeof(*c->ri));
		b->core_off = xreallocarray(b->core_off, b->revcap,
		    sizeof(*b->core_off));
	}
	rev = &c->revs[c->nrevs];
	ri = &c->ri[c->nrevs];
	memset(rev, 0, sizeof(*rev));
	memset(ri, 0, sizeof(*ri));
	rev->revision_id = (int32_t)sr->revision_id;
	rev->revision_number = sr->revision;
	memcpy(rev->update_id, sr->update_id, GUID_STRLEN + 1);
	rev->type = sr->type;
	rev->category_kind = sr->category_kind;
	rev->is_leaf = true;
	rev->declined = sr->declined;
	rev->explicitly_deployable = sr->explicitly_deployable;
	rev->idx = (uint32_t)c->nrevs;
	ri->imported = sr->imported;
	ri->own_seq = sr->change_seq;
	ri->rev_seq = sr->revision_seq;
	ri->meta_off = CAT_NONE;
	b->core_off[c->nrevs] = arena_escape(b, sr->core, sr->core_len);
	rev->core_xml_len = c->arena_len - b->core_off[c->nrevs] - 1;
	if (sr->type == UPDATE_TYPE_DRIVER && sr->document != NULL) {
		struct driver_meta *metas;
		size_t n, i;

		if (driver_meta_parse(sr->document, sr->document_len, &metas,
		    &n, err, sizeof(err)) == -1) {
			log_warnx("catalog: driver %s revision %d: %s; it will "
			    "match no device", sr->update_id, sr->revision, err);
		} else if (n > 0) {
			if (c->nmetas + n > b->metas_cap) {
				while (c->nmetas + n > b->metas_cap)
					b->metas_cap = b->metas_cap ?
					    b->metas_cap * 2 : 64;
				c->metas = xreallocarray(c->metas,
				    b->metas_cap, sizeof(*c->metas));
			}
			ri->meta_off = (uint32_t)c->nmetas;
			ri->nmetas = (uint32_t)n;
			for (i = 0; i < n; i++)
				c->metas[c->nmetas++] = metas[i];
			free(metas);	/* the elements moved */
		}
	}
	c->nrevs++;
	return 0;
}

static int
sink_prereq(const struct store_catalog_prereq *p, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	uint32_t r, t;

	if (b->failed)
		return 1;
	uid_index(b);
	r = build_rev(b, p->revision_id);
	if (r == CAT_NONE)
		return 0;
	if (!b->clause_open || b->clause_rev != p->revision_id ||
	    b->clause_gi != p->group_index) {
		/* A new clause: ids from here on belong to it. */
		if (c->nclauses >= UINT32_MAX - 2 || b->nids >= UINT32_MAX - 2) {
			build_fail(b, "too many prerequisite clauses");
			return 1;
		}
		if (c->nclauses + 2 > b->clause_cap) {
			b->clause_cap = b->clause_cap ? b->clause_cap * 2 : 256;
			c->clause_start = xreallocarray(c->clause_start,
			    b->clause_cap, sizeof(*c->clause_start));
			c->clause_is_cat = xreallocarray(c->clause_is_cat,
			    b->clause_cap, 1);
		}
		if (c->ri[r].nclauses == 0)
			c->ri[r].clause_off = c->nclauses;
		c->ri[r].nclauses++;
		c->clause_start[c->nclauses] = (uint32_t)b->nids;
		c->clause_is_cat[c->nclauses] = p->is_category;
		c->nclauses++;
		b->clause_open = true;
		b->clause_rev = p->revision_id;
		b->clause_gi = p->group_index;
	}
	t = uid_find(c, p->required_update_id);
	GROW(c->clause_ids, b->nids, b->ids_cap);
	c->clause_ids[b->nids++] = t;
	return 0;
}

static int
sink_bundled(const struct store_catalog_bundled *bd, void *arg)
{
	struct build *b = arg;
	uint32_t r, m;

	if (b->failed)
		return 1;
	uid_index(b);
	r = build_rev(b, bd->revision_id);
	m = uid_find(b->c, bd->member_update_id);
	if (r == CAT_NONE || m == CAT_NONE || m == r)
		return 0;
	GROW(b->pairs, b->npairs, b->pairs_cap);
	b->pairs[b->npairs][0] = r;
	b->pairs[b->npairs][1] = m;
	b->npairs++;
	return 0;
}

static int
sink_file(const struct store_catalog_file *f, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	struct catalog_rev *rev;
	uint32_t r;

	if (b->failed)
		return 1;
	r = build_rev(b, f->revision_id);
	if (r == CAT_NONE)
		return 0;
	rev = &c->revs[r];
	if (c->nfiles == b->files_cap) {
		b->files_cap = b->files_cap ? b->files_cap * 2 : 256;
		c->files = xreallocarray(c->files, b->files_cap,
		    sizeof(*c->files));
		c->file_rev = xreallocarray(c->file_rev, b->files_cap,
		    sizeof(*c->file_rev));
		b->name_off = xreallocarray(b->name_off, b->files_cap,
		    sizeof(*b->name_off));
	}
	if (rev->nfiles == 0)
		c->ri[r].file_off = (uint32_t)c->nfiles;
	else if (c->ri[r].file_off + rev->nfiles != c->nfiles) {
		build_fail(b, "files out of order");
		return 1;
	}
	memcpy(c->files[c->nfiles].sha1, f->sha1, 20);
	c->files[c->nfiles].size = f->size;
	c->files[c->nfiles].name = NULL;
	b->name_off[c->nfiles] = arena_str(b, f->name);
	c->file_rev[c->nfiles] = r;
	c->nfiles++;
	rev->nfiles++;
	return 0;
}

static int
sink_group(const struct store_catalog_group *g, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	struct cat_group *cg;

	if (b->failed)
		return 1;
	if (c->ngroups == b->groups_cap) {
		b->groups_cap = b->groups_cap ? b->groups_cap * 2 : 16;
		c->groups = xreallocarray(c->groups, b->groups_cap,
		    sizeof(*c->groups));
		b->group_parent_id = xreallocarray(b->group_parent_id,
		    b->groups_cap, sizeof(*b->group_parent_id));
	}
	cg = &c->groups[c->ngroups];
	memset(cg, 0, sizeof(*cg));
	cg->id = g->id;
	memcpy(cg->guid_text, g->guid, GUID_STRLEN + 1);
	if (driver_guid_parse(g->guid, cg->guid) == -1) {
		build_fail(b, "group %lld has a bad GUID", (long long)g->id);
		return 1;
	}
	cg->parent = CAT_NONE;
	cg->change_seq = g->change_seq;
	b->group_parent_id[c->ngroups] = g->parent_id;
	c->ngroups++;
	return 0;
}

int
catalog_group_index(const struct catalog *c, int64_t id)
{
	size_t lo = 0, hi = c->ngroups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->groups[mid].id == id)
			return (int)mid;
		if (c->groups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
sink_deployment(const struct store_catalog_deployment *d, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	struct cat_dep *cd;
	uint32_t r;
	int g;

	if (b->failed)
		return 1;
	uid_index(b);
	r = uid_find(c, d->update_id);
	g = catalog_group_index(c, d->group_id);
	if (r == CAT_NONE || g < 0)
		return 0;
	if (d->deployment_id <= 0 ||
	    d->deployment_id >= CATALOG_SYNTH_DEPLOYMENT_BASE) {
		log_warnx("catalog: deployment id %lld out of the client range; "
		    "approval of %s ignored", (long long)d->deployment_id,
		    d->update_id);
		return 0;
	}
	if (c->ndeps == b->deps_cap) {
		b->deps_cap = b->deps_cap ? b->deps_cap * 2 : 256;
		b->deps = xreallocarray(b->deps, b->deps_cap, sizeof(*b->deps));
		b->dep_rev = xreallocarray(b->dep_rev, b->deps_cap,
		    sizeof(*b->dep_rev));
	}
	cd = &b->deps[c->ndeps];
	cd->group = (uint32_t)g;
	cd->action = (uint8_t)d->action;
	cd->id = (int32_t)d->deployment_id;
	cd->deadline = d->deadline;
	cd->last_change = d->last_change;
	cd->change_seq = d->change_seq;
	b->dep_rev[c->ndeps] = r;
	c->ndeps++;
	c->ri[r].own_seq = max64(c->ri[r].own_seq, d->change_seq);
	return 0;
}

static int
sink_tombstone(const struct store_catalog_tombstone *t, void *arg)
{
	struct build *b = arg;
	uint32_t r;

	if (b->failed)
		return 1;
	uid_index(b);
	if ((r = uid_find(b->c, t->update_id)) == CAT_NONE)
		return 0;
	b->c->ri[r].own_seq = max64(b->c->ri[r].own_seq, t->change_seq);
	b->c->ri[r].tomb_time = max64(b->c->ri[r].tomb_time, t->deleted);
	return 0;
}

static int
sink_oldrev(const struct store_catalog_oldrev *o, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	uint32_t r;

	if (b->failed)
		return 1;
	if (o->revision_id <= 0 || o->revision_id > INT32_MAX ||
	    (r = cat_rev_index(c, (int32_t)o->latest_revision_id)) == CAT_NONE)
		return 0;
	GROW(c->oldrevs, c->noldrevs, b->oldrevs_cap);
	c->oldrevs[c->noldrevs].revision_id = (int32_t)o->revision_id;
	c->oldrevs[c->noldrevs].rev = r;
	c->noldrevs++;
	return 0;
}

static int
dep_cmp(const void *a, const void *b, void *arg)
{
	const struct build *bu = arg;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct cat_dep *da = &bu->deps[ia], *db = &bu->deps[ib];

	if (bu->dep_rev[ia] != bu->dep_rev[ib])
		return bu->dep_rev[ia] < bu->dep_rev[ib] ? -1 : 1;
	if (da->group != db->group)
		return da->group < db->group ? -1 : 1;
	return da->id < db->id ? -1 : da->id > db->id;
}

static int
sha_cmp(const void *a, const void *b, void *arg)
{
	const struct catalog *c = arg;

	return memcmp(c->files[*(const uint32_t *)a].sha1,
	    c->files[*(const uint32_t *)b].sha1, 20);
}

static int
hwid_cmp(const void *a, const void *b)
{
	const struct cat_hwid *x = a, *y = b;
	int cmp = strcasecmp(x->hwid, y->hwid);

	if (cmp != 0)
		return cmp;
	if (x->rev != y->rev)
		return x->rev < y->rev ? -1 : 1;
	return x->meta < y->meta ? -1 : x->meta > y->meta;
}

/* Everything that needs the whole load: pointers, indexes, leaf flags. */
static void
build_finish(struct build *b)
{
	struct catalog *c = b->c;
	uint32_t *order, *count;
	size_t i, j, k;

	uid_index(b);
	/* The end of the last clause. */
	c->clause_start = xreallocarray(c->clause_start, c->nclauses + 1,
	    sizeof(*c->clause_start));
	c->clause_start[c->nclauses] = (uint32_t)b->nids;
	if (c->clause_is_cat == NULL)
		c->clause_is_cat = xcalloc(1, 1);

	/* Give back the arena's slack, then fix the pointers into it (it
	 * does not move any more). */
	c->arena = xreallocarray(c->arena, c->arena_len + 1, 1);
	b->acap = c->arena_len + 1;
	for (i = 0; i < c->nrevs; i++)
		c->revs[i].core_xml = c->arena + b->core_off[i];
	for (i = 0; i < c->nfiles; i++)
		c->files[i].name = c->arena + b->name_off[i];
	for (i = 0; i < c->nrevs; i++)
		c->revs[i].files = c->revs[i].nfiles ?
		    &c->files[c->ri[i].file_off] : NULL;

	/* IsLeaf: a prerequisite target (any clause, category ones too). */
	for (i = 0; i < c->nrevs; i++) {
		const struct cat_rint *ri = &c->ri[i];

		for (j = ri->clause_off; j < ri->clause_off + ri->nclauses; j++)
			for (k = c->clause_start[j]; k < c->clause_start[j + 1];
			    k++) {
				uint32_t t = c->clause_ids[k];

				if (t == CAT_NONE || t == i)
					continue;
				c->revs[t].is_leaf = false;
				/* A new revision naming t may have changed
				 * t's IsLeaf: show it as a change of t. */
				c->ri[t].seq = max64(c->ri[t].seq,
				    c->ri[i].rev_seq);
			}
	}

	/* Bundle members and parents from the (parent, member) pairs. */
	c->members = xreallocarray(NULL, b->npairs ? b->npairs : 1,
	    sizeof(*c->members));
	c->parents = xreallocarray(NULL, b->npairs ? b->npairs : 1,
	    sizeof(*c->parents));
	count = xcalloc(c->nrevs + 1, sizeof(*count));
	for (i = 0; i < b->npairs; i++) {
		uint32_t p = b->pairs[i][0];

		if (c->ri[p].nmembers == 0)
			c->ri[p].member_off = (uint32_t)i;
		c->ri[p].nmembers++;
		c->members[i] = b->pairs[i][1];
		count[b->pairs[i][1]]++;
	}
	for (i = 0, k = 0; i < c->nrevs; i++) {
		c->ri[i].parent_off = (uint32_t)k;
		k += count[i];
		count[i] = 0;
	}
	for (i = 0; i < b->npairs; i++) {
		uint32_t m = b->pairs[i][1];

		c->parents[c->ri[m].parent_off + count[m]++] = b->pairs[i][0];
	}
	for (i = 0; i < c->nrevs; i++)
		c->ri[i].nparents = count[i];
	free(count);

	/* Change numbers: own, IsLeaf (above), then bundling parents. */
	for (i = 0; i < c->nrevs; i++)
		c->ri[i].seq = max64(c->ri[i].seq, c->ri[i].own_seq);
	for (k = 0; k < BUNDLE_DEPTH_MAX; k++) {
		bool moved = false;

		for (i = 0; i < c->nrevs; i++)
			for (j = 0; j < c->ri[i].nparents; j++) {
				uint32_t p = c->parents[c->ri[i].parent_off + j];

				if (c->ri[p].seq > c->ri[i].seq) {
					c->ri[i].seq = c->ri[p].seq;
					moved = true;
				}
			}
		if (!moved)
			break;
	}

	/* Groups: parents, built-ins, chain change numbers. */
	c->group_all = c->group_unassigned = CAT_NONE;
	for (i = 0; i < c->ngroups; i++) {
		struct cat_group *g = &c->groups[i];
		int p = b->group_parent_id[i] != 0 ?
		    catalog_group_index(c, b->group_parent_id[i]) : -1;

		g->parent = p >= 0 && (size_t)p != i ? (uint32_t)p : CAT_NONE;
		if (strcmp(g->guid_text, GROUP_ALL_COMPUTERS_GUID) == 0)
			c->group_all = (uint32_t)i;
		if (strcmp(g->guid_text, GROUP_UNASSIGNED_GUID) == 0)
			c->group_unassigned = (uint32_t)i;
	}
	for (i = 0; i < c->ngroups; i++) {
		uint32_t g = (uint32_t)i;
		int depth = 0;
		int64_t s = 0;

		while (g != CAT_NONE && depth++ < CATALOG_GROUP_DEPTH_MAX) {
			s = max64(s, c->groups[g].change_seq);
			g = c->groups[g].parent;
		}
		c->groups[i].chain_seq = s;
	}

	/* Approval rows grouped by revision, then group. */
	c->deps = xreallocarray(NULL, c->ndeps ? c->ndeps : 1,
	    sizeof(*c->deps));
	order = xreallocarray(NULL, c->ndeps ? c->ndeps : 1, sizeof(*order));
	for (i = 0; i < c->ndeps; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, c->ndeps, sizeof(*order), dep_cmp, b);
	for (i = 0; i < c->ndeps; i++) {
		uint32_t r = b->dep_rev[order[i]];

		c->deps[i] = b->deps[order[i]];
		if (c->ri[r].ndeps == 0)
			c->ri[r].dep_off = (uint32_t)i;
		c->ri[r].ndeps++;
	}
	free(order);

	/* Files by SHA-1. */
	c->file_by_sha = xreallocarray(NULL, c->nfiles ? c->nfiles : 1,
	    sizeof(*c->file_by_sha));
	for (i = 0; i < c->nfiles; i++)
		c->file_by_sha[i] = (uint32_t)i;
	qsort_r(c->file_by_sha, c->nfiles, sizeof(*c->file_by_sha), sha_cmp,
	    c);

	/* Drivers and their hardware id index. */
	for (i = 0; i < c->nrevs; i++) {
		const struct cat_rint *ri = &c->ri[i];

		if (c->revs[i].type != UPDATE_TYPE_DRIVER)
			continue;
		c->drivers = xreallocarray(c->drivers, c->ndrivers + 1,
		    sizeof(*c->drivers));
		c->drivers[c->ndrivers++] = (uint32_t)i;
		if (ri->meta_off == CAT_NONE)
			continue;
		for (j = ri->meta_off; j < ri->meta_off + ri->nmetas; j++) {
			c->hwids = xreallocarray(c->hwids, c->nhwids + 1,
			    sizeof(*c->hwids));
			c->hwids[c->nhwids].hwid = c->metas[j].hardware_id;
			c->hwids[c->nhwids].rev = (uint32_t)i;
			c->hwids[c->nhwids].meta = (uint32_t)j;
			c->nhwids++;
		}
	}
	if (c->nhwids > 1)
		qsort(c->hwids, c->nhwids, sizeof(*c->hwids), hwid_cmp);

	c->words = (c->nrevs + 63) / 64;
	if (c->words == 0)
		c->words = 1;
	c->scope = xcalloc(c->ngroups ? c->ngroups : 1, sizeof(*c->scope));
}

static void
catalog_free(struct catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->scope != NULL)
		for (i = 0; i < c->ngroups; i++)
			free(c->scope[i]);
	free(c->scope);
	pthread_mutex_destroy(&c->scope_lock);
	free(c->revs);
	free(c->ri);
	free(c->by_uid);
	free(c->clause_start);
	free(c->clause_is_cat);
	free(c->clause_ids);
	free(c->members);
	free(c->parents);
	free(c->files);
	free(c->file_rev);
	free(c->file_by_sha);
	free(c->groups);
	free(c->deps);
	driver_meta_free(c->metas, c->nmetas);
	free(c->hwids);
	free(c->drivers);
	free(c->oldrevs);
	free(c->arena);
	free(c);
}

int
catalog_build(struct store *st, const struct catalog_options *opts,
    struct catalog **out, char *err, size_t errlen)
{
	struct catalog *c;
	struct build b;
	struct store_catalog_sink sink;
	int rc;

	*out = NULL;
	c = xcalloc(1, sizeof(*c));
	c->refs = 1;
	if (opts != NULL)
		c->opts = *opts;
	else
		catalog_options_default(&c->opts);
	pthread_mutex_init(&c->scope_lock, NULL);
	memset(&b, 0, sizeof(b));
	b.c = c;
	memset(&sink, 0, sizeof(sink));
	sink.revision = sink_revision;
	sink.prereq = sink_prereq;
	sink.bundled = sink_bundled;
	sink.file = sink_file;
	sink.group = sink_group;
	sink.deployment = sink_deployment;
	sink.tombstone = sink_tombstone;
	sink.oldrev = sink_oldrev;
	sink.arg = &b;
	rc = store_catalog_load(st, &sink, &c->change_seq);
	if (rc != STORE_OK || b.failed) {
		snprintf(err, errlen, "building the update catalog: %s",
		    b.failed ? b.err : store_errmsg(st));
		goto fail;
	}
	if (c->arena == NULL)
		arena_reserve(&b, 0);
	build_finish(&b);
	free(b.core_off);
	free(b.pairs);
	free(b.name_off);
	free(b.group_parent_id);
	free(b.deps);
	free(b.dep_rev);
	*out = c;
	return 0;
fail:
	free(b.core_off);
	free(b.pairs);
	free(b.name_off);
	free(b.group_parent_id);
	free(b.deps);
	free(b.dep_rev);
	catalog_free(c);
	return -1;
}

const struct catalog *
catalog_ref(const struct catalog *c)
{
	if (c != NULL)
		__atomic_add_fetch(&((struct catalog *)(uintptr_t)c)->refs, 1,
		    __ATOMIC_RELAXED);
	return c;
}

void
catalog_release(const struct catalog *cc)
{
	struct catalog *c = (struct catalog *)(uintptr_t)cc;

	if (c == NULL)
		return;
	if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
		catalog_free(c);
}

/* ---- lookups ---- */

int64_t
catalog_change_seq(const struct catalog *c)
{
	return c->change_seq;
}

size_t
catalog_revision_count(const struct catalog *c)
{
	return c->nrevs;
}

const struct catalog_rev *
catalog_rev_at(const struct catalog *c, size_t i)
{
	return i < c->nrevs ? &c->revs[i] : NULL;
}

uint32_t
cat_rev_index(const struct catalog *c, int32_t id)
{
	size_t lo = 0, hi = c->nrevs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->revs[mid].revision_id == id)
			return (uint32_t)mid;
		if (c->revs[mid].revision_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CAT_NONE;
}

uint32_t
cat_update_index(const struct catalog *c, int32_t id)
{
	size_t lo = 0, hi = c->noldrevs;
	uint32_t r;

	if ((r = cat_rev_index(c, id)) != CAT_NONE)
		return r;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->oldrevs[mid].revision_id == id)
			return c->oldrevs[mid].rev;
		if (c->oldrevs[mid].revision_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CAT_NONE;
}

const struct catalog_rev *
catalog_rev_by_id(const struct catalog *c, int32_t id)
{
	uint32_t r = cat_rev_index(c, id);

	return r == CAT_NONE ? NULL : &c->revs[r];
}

const struct catalog_rev *
catalog_rev_by_update(const struct catalog *c, const char *update_id)
{
	char norm[GUID_STRLEN + 1];
	uint32_t r;

	if (update_id == NULL || guid_normalize(update_id, norm) == -1)
		return NULL;
	r = uid_find(c, norm);
	return r == CAT_NONE ? NULL : &c->revs[r];
}

/* First position in file_by_sha of a digest, or nfiles. */
static size_t
file_lower(const struct catalog *c, const uint8_t sha1[20])
{
	size_t lo = 0, hi = c->nfiles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(c->files[c->file_by_sha[mid]].sha1, sha1, 20) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nfiles && memcmp(c->files[c->file_by_sha[lo]].sha1, sha1,
	    20) == 0)
		return lo;
	return c->nfiles;
}

const struct catalog_file *
catalog_file_find(const struct catalog *c, const uint8_t sha1[20])
{
	size_t i = file_lower(c, sha1);

	return i < c->nfiles ? &c->files[c->file_by_sha[i]] : NULL;
}

/* ---- groups ---- */

int
catalog_group_index_guid(const struct catalog *c, const char *guid)
{
	uint8_t g[16];
	size_t i;

	if (driver_guid_parse(guid, g) == -1)
		return -1;
	for (i = 0; i < c->ngroups; i++)
		if (memcmp(c->groups[i].guid, g, 16) == 0)
			return (int)i;
	return -1;
}

static void
groups_add(struct catalog_groups *out, uint32_t g)
{
	unsigned i;

	for (i = 0; i < out->n; i++)
		if (out->idx[i] == g)
			return;
	if (out->n < CATALOG_GROUPS_MAX)
		out->idx[out->n++] = g;
}

static unsigned
groups_default(const struct catalog *c, struct catalog_groups *out)
{
	if (out->n == 0) {
		if (c->group_unassigned != CAT_NONE)
			groups_add(out, c->group_unassigned);
		else if (c->group_all != CAT_NONE)
			groups_add(out, c->group_all);
		else if (c->ngroups > 0)
			groups_add(out, 0);
	}
	return out->n;
}

unsigned
catalog_groups_from_guids(const struct catalog *c, const uint8_t (*guids)[16],
    unsigned n, struct catalog_groups *out)
{
	unsigned i;
	size_t j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n && guids != NULL; i++)
		for (j = 0; j < c->ngroups; j++)
			if (memcmp(c->groups[j].guid, guids[i], 16) == 0) {
				groups_add(out, (uint32_t)j);
				break;
			}
	return groups_default(c, out);
}

unsigned
catalog_groups_from_ids(const struct catalog *c, const int64_t *ids,
    unsigned n, struct catalog_groups *out)
{
	unsigned i;
	int g;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n && ids != NULL; i++)
		if ((g = catalog_group_index(c, ids[i])) >= 0)
			groups_add(out, (uint32_t)g);
	return groups_default(c, out);
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

	for (i = file_lower(c, sha1); i < c->nfiles; i++) {
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

/* ---- the holder ---- */

struct catalog_holder {
	pthread_mutex_t	 lock;		/* protects cur */
	pthread_mutex_t	 build_lock;	/* one build at a time */
	const struct catalog *cur;	/* owned reference */
	struct catalog_options opts;
	unsigned	 poll_ms;
	int64_t		 last_check;	/* monotonic ms; atomic */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct catalog_holder *
catalog_holder_new(const struct catalog_options *opts, unsigned poll_ms)
{
	struct catalog_holder *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->build_lock, NULL);
	if (opts != NULL)
		h->opts = *opts;
	else
		catalog_options_default(&h->opts);
	h->poll_ms = poll_ms;
	h->last_check = INT64_MIN / 2;
	return h;
}

void
catalog_holder_free(struct catalog_holder *h)
{
	if (h == NULL)
		return;
	catalog_release(h->cur);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->build_lock);
	free(h);
}

static const struct catalog *
holder_current(struct catalog_holder *h)
{
	const struct catalog *c;

	pthread_mutex_lock(&h->lock);
	c = catalog_ref(h->cur);
	pthread_mutex_unlock(&h->lock);
	return c;
}

/* With build_lock held: rebuild if needed.  0 or -1. */
static int
holder_refresh_locked(struct catalog_holder *h, struct store *st, bool force,
    char *err, size_t errlen)
{
	const struct catalog *old;
	struct catalog *c;
	int64_t seq;
	int rc;

	__atomic_store_n(&h->last_check, mono_ms(), __ATOMIC_RELAXED);
	if (!force) {
		if ((rc = store_change_seq(st, &seq)) != STORE_OK) {
			snprintf(err, errlen, "reading the change counter: %s",
			    store_errmsg(st));
			return -1;
		}
		pthread_mutex_lock(&h->lock);
		rc = h->cur != NULL && h->cur->change_seq == seq;
		pthread_mutex_unlock(&h->lock);
		if (rc)
			return 0;
	}
	if (catalog_build(st, &h->opts, &c, err, errlen) == -1)
		return -1;
	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = c;
	pthread_mutex_unlock(&h->lock);
	catalog_release(old);
	log_debug("catalog: snapshot at change %lld, %zu revisions",
	    (long long)c->change_seq, c->nrevs);
	return 0;
}

int
catalog_holder_refresh(struct catalog_holder *h, struct store *st, bool force,
    char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&h->build_lock);
	rc = holder_refresh_locked(h, st, force, err, errlen);
	pthread_mutex_unlock(&h->build_lock);
	return rc;
}

const struct catalog *
catalog_holder_get(struct catalog_holder *h, struct store *st)
{
	const struct catalog *c;
	char err[256];
	int64_t now;

	c = holder_current(h);
	if (st == NULL)
		return c;
	if (c == NULL) {
		/* Nothing to serve yet: wait for (or do) the first build. */
		pthread_mutex_lock(&h->build_lock);
		if ((c = holder_current(h)) == NULL &&
		    holder_refresh_locked(h, st, true, err, sizeof(err)) == -1)
			log_warnx("catalog: %s", err);
		pthread_mutex_unlock(&h->build_lock);
		return c != NULL ? c : holder_current(h);
	}
	now = mono_ms();
	if (now - __atomic_load_n(&h->last_check, __ATOMIC_RELAXED) <
	    (int64_t)h->poll_ms)
		return c;
	/* One thread checks; the others go on with what they have. */
	if (pthread_mutex_trylock(&h->build_lock) != 0)
		return c;
	if (holder_refresh_locked(h, st, false, err, sizeof(err)) == -1)
		log_warnx("catalog: %s; serving the previous snapshot", err);
	pthread_mutex_unlock(&h->build_lock);
	catalog_release(c);
	return holder_current(h);
}
