/*
 * load.c — building a catalog snapshot from the store: the sink that
 * store_catalog_load() streams into, the one growth rule of the catalog,
 * the indexes made once everything is loaded, and the snapshot's
 * references.  See catalog.h and docs/SYNCUPDATES.md.
 *
 * Build: one store_catalog_load() (one read transaction) streams the
 * newest revisions, clauses, bundles, files, groups, approvals,
 * tombstones and older revision ids into flat arrays.  Core fragments are
 * XML-escaped once into one arena, so a SyncUpdates response copies them.
 * Driver documents are parsed for their WindowsDriverMetaData here
 * (driver_meta.c).
 *
 * Not here: lookups (index.c), scope and deployments (scope.c), the
 * shared current snapshot (holder.c), SyncUpdates (src/wusp).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "catalog/driver_meta.h"
#include "util/log.h"
#include "util/xml_escape.h"
#include "util/xmalloc.h"

void
cat_grow(void *ptrp, size_t *cap, size_t need, size_t size)
{
	void *p;
	size_t n;

	if (need <= *cap)
		return;
	n = *cap ? *cap : 16;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	memcpy(&p, ptrp, sizeof(p));
	p = xreallocarray(p, n, size);
	memcpy(ptrp, &p, sizeof(p));
	*cap = n;
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
	size_t	 revs_cap, ri_cap, core_off_cap;
	size_t	*core_off;		/* arena offset of each core fragment */
	size_t	 acap;
	bool	 uid_ready;
	/* prerequisite clauses */
	size_t	 clause_start_cap, clause_is_cat_cap, ids_cap, nids;
	size_t	 ncat_uids, cat_uids_cap;	/* IsCategory prerequisite ids */
	int64_t	 clause_rev;		/* revision_id of the open clause */
	int	 clause_gi;		/* its group_index */
	bool	 clause_open;
	/* raw bundle pairs (parent, member) */
	uint32_t (*pairs)[2];
	size_t	 npairs, pairs_cap;
	size_t	 files_cap, file_rev_cap, name_off_cap;
	size_t	*name_off;		/* arena offset of each file name */
	size_t	 groups_cap, group_parent_cap;
	int64_t	*group_parent_id;
	struct cat_dep *deps;		/* raw, with rev in dep_rev */
	uint32_t *dep_rev;
	size_t	 deps_cap, dep_rev_cap;
	size_t	 metas_cap;
	size_t	 oldrevs_cap;
	uint32_t *appr_rev;		/* rev index of each approval row */
	size_t	 approvals_cap, appr_rev_cap, tombs_cap;
	size_t	 drivers_cap, hwids_cap;
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

	if (b->acap == 0)
		cat_grow(&c->arena, &b->acap, 65536, 1);
	cat_grow(&c->arena, &b->acap, c->arena_len + n + 1, 1);
	return c->arena_len;
}

/* Append text, escaped for an XML text node the way real WSUS writes the
 * <Xml> element: & < > as entities, quotes literal, CR as &#xD;. */
static size_t
arena_escape(struct build *b, const char *s, size_t n)
{
	struct catalog *c = b->c;
	size_t off, end;

	off = arena_reserve(b, xml_escaped_len(s, n, XML_ESC_TEXT));
	end = off + xml_escape_mem(c->arena + off, s, n, XML_ESC_TEXT);
	c->arena[end++] = '\0';
	c->arena_len = end;
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
	CAT_GROW(c->revs, b->revs_cap, c->nrevs + 1);
	CAT_GROW(c->ri, b->ri_cap, c->nrevs + 1);
	CAT_GROW(b->core_off, b->core_off_cap, c->nrevs + 1);
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
	rev->change_seq = sr->change_seq;
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
			CAT_GROW(c->metas, b->metas_cap, c->nmetas + n);
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
		CAT_GROW(c->clause_start, b->clause_start_cap,
		    c->nclauses + 2);
		CAT_GROW(c->clause_is_cat, b->clause_is_cat_cap,
		    c->nclauses + 2);
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
	t = cat_uid_find(c, p->required_update_id);
	CAT_GROW(c->clause_ids, b->ids_cap, b->nids + 1);
	c->clause_ids[b->nids++] = t;
	if (p->is_category) {
		/* By id too: the category itself need not be in the catalog. */
		if (c->revs[r].ncategories == 0)
			c->ri[r].cat_off = (uint32_t)b->ncat_uids;
		else if (c->ri[r].cat_off + c->revs[r].ncategories !=
		    b->ncat_uids) {
			build_fail(b, "prerequisites out of order");
			return 1;
		}
		CAT_GROW(c->cat_uids, b->cat_uids_cap, b->ncat_uids + 1);
		snprintf(c->cat_uids[b->ncat_uids], sizeof(c->cat_uids[0]),
		    "%s", p->required_update_id);
		b->ncat_uids++;
		c->revs[r].ncategories++;
	}
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
	m = cat_uid_find(b->c, bd->member_update_id);
	if (r == CAT_NONE || m == CAT_NONE || m == r)
		return 0;
	CAT_GROW(b->pairs, b->pairs_cap, b->npairs + 1);
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
	CAT_GROW(c->files, b->files_cap, c->nfiles + 1);
	CAT_GROW(c->file_rev, b->file_rev_cap, c->nfiles + 1);
	CAT_GROW(b->name_off, b->name_off_cap, c->nfiles + 1);
	if (rev->nfiles == 0)
		c->ri[r].file_off = (uint32_t)c->nfiles;
	else if (c->ri[r].file_off + rev->nfiles != c->nfiles) {
		build_fail(b, "files out of order");
		return 1;
	}
	memcpy(c->files[c->nfiles].sha1, f->sha1, 20);
	c->files[c->nfiles].size = f->size;
	c->files[c->nfiles].name = NULL;
	b->name_off[c->nfiles] = arena_str(b, f->name != NULL ? f->name : "");
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
	CAT_GROW(c->groups, b->groups_cap, c->ngroups + 1);
	CAT_GROW(b->group_parent_id, b->group_parent_cap, c->ngroups + 1);
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

static int
sink_deployment(const struct store_catalog_deployment *d, void *arg)
{
	struct build *b = arg;
	struct catalog *c = b->c;
	struct cat_dep *cd;
	struct catalog_approval *a;
	uint32_t r;
	int g;

	if (b->failed)
		return 1;
	uid_index(b);
	r = cat_uid_find(c, d->update_id);
	g = catalog_group_index(c, d->group_id);
	/* Every row as listed (the server-sync deployments)... */
	CAT_GROW(c->approvals, b->approvals_cap, c->napprovals + 1);
	CAT_GROW(b->appr_rev, b->appr_rev_cap, c->napprovals + 1);
	a = &c->approvals[c->napprovals];
	memset(a, 0, sizeof(*a));
	memcpy(a->update_id, d->update_id, GUID_STRLEN + 1);
	a->deployment_id = d->deployment_id;
	a->group_id = d->group_id;
	a->action = d->action;
	a->deadline = d->deadline;
	a->created = d->created;
	a->last_change = d->last_change;
	a->change_seq = d->change_seq;
	b->appr_rev[c->napprovals++] = r;
	if (r != CAT_NONE && d->action == APPROVAL_INSTALL)
		c->revs[r].approved = true;
	/* ...and those a client can be given, by revision and group. */
	if (r == CAT_NONE || g < 0)
		return 0;
	if (d->deployment_id <= 0 ||
	    d->deployment_id >= CATALOG_SYNTH_DEPLOYMENT_BASE) {
		log_warnx("catalog: deployment id %lld out of the client range; "
		    "approval of %s ignored", (long long)d->deployment_id,
		    d->update_id);
		return 0;
	}
	CAT_GROW(b->deps, b->deps_cap, c->ndeps + 1);
	CAT_GROW(b->dep_rev, b->dep_rev_cap, c->ndeps + 1);
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
	struct catalog *c = b->c;
	struct catalog_tombstone *ct;
	uint32_t r;

	if (b->failed)
		return 1;
	CAT_GROW(c->tombs, b->tombs_cap, c->ntombs + 1);
	ct = &c->tombs[c->ntombs++];
	memcpy(ct->update_id, t->update_id, GUID_STRLEN + 1);
	ct->deleted = t->deleted;
	ct->change_seq = t->change_seq;
	uid_index(b);
	if ((r = cat_uid_find(b->c, t->update_id)) == CAT_NONE)
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
	CAT_GROW(c->oldrevs, b->oldrevs_cap, c->noldrevs + 1);
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
	for (i = 0; i < c->nrevs; i++) {
		const char (*cats)[GUID_STRLEN + 1] = NULL;

		if (c->revs[i].ncategories > 0)
			cats = (const char (*)[GUID_STRLEN + 1])
			    &c->cat_uids[c->ri[i].cat_off];
		c->revs[i].categories = cats;
	}
	for (i = 0; i < c->napprovals; i++)
		c->approvals[i].rev = b->appr_rev[i] != CAT_NONE ?
		    &c->revs[b->appr_rev[i]] : NULL;

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
	for (i = 0; i < c->nrevs; i++) {
		c->ri[i].nparents = count[i];
		c->revs[i].nbundled = c->ri[i].nmembers;
		c->revs[i].bundled = c->ri[i].nmembers ?
		    &c->members[c->ri[i].member_off] : NULL;
	}
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
		CAT_GROW(c->drivers, b->drivers_cap, c->ndrivers + 1);
		c->drivers[c->ndrivers++] = (uint32_t)i;
		if (ri->meta_off == CAT_NONE)
			continue;
		for (j = ri->meta_off; j < ri->meta_off + ri->nmetas; j++) {
			CAT_GROW(c->hwids, b->hwids_cap, c->nhwids + 1);
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
	c->ext = xcalloc(c->nrevs ? c->nrevs : 1, sizeof(*c->ext));
	c->ext_set = xcalloc(c->nrevs ? c->nrevs : 1, sizeof(*c->ext_set));
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
	pthread_mutex_destroy(&c->ext_lock);
	free(c->ext);
	free(c->ext_set);
	free(c->approvals);
	free(c->tombs);
	free(c->cat_uids);
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
	int rc, ret = -1;

	*out = NULL;
	c = xcalloc(1, sizeof(*c));
	c->refs = 1;
	if (opts != NULL)
		c->opts = *opts;
	else
		catalog_options_default(&c->opts);
	pthread_mutex_init(&c->scope_lock, NULL);
	pthread_mutex_init(&c->ext_lock, NULL);
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
		goto done;
	}
	if (c->arena == NULL)
		arena_reserve(&b, 0);
	build_finish(&b);
	*out = c;
	c = NULL;		/* the caller's now */
	ret = 0;
done:
	/* the scratch arrays of the build, on success and failure alike */
	free(b.core_off);
	free(b.pairs);
	free(b.name_off);
	free(b.group_parent_id);
	free(b.deps);
	free(b.dep_rev);
	free(b.appr_rev);
	catalog_free(c);
	return ret;
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

