/*
 * sync_updates.c — one SyncUpdates round ([MS-WUSP] 3.1.5.7) over a
 * catalog snapshot.  See sync_updates.h and docs/SYNCUPDATES.md.
 *
 * Cost: one pass over the snapshot's revisions (scope bit, then the
 * prerequisite clauses against a bitmap of installed updates), plus
 * binary searches for the client's ids.  Allocations: one scratch block
 * of bitmaps and the result arrays.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xmalloc.h"
#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "wusp/driver_rank.h"
#include "wusp/sync_updates.h"

const char *
sync_rc_message(enum sync_rc rc)
{
	switch (rc) {
	case SYNC_OK:
		return NULL;
	case SYNC_ERR_INSTALLED_NONLEAF:
		return "parameters.InstalledNonLeafUpdateIDs";
	case SYNC_ERR_OTHER_CACHED:
		return "parameters.OtherCachedUpdateIDs";
	case SYNC_ERR_CACHED_DRIVERS:
		return "parameters.CachedDriverIDs";
	case SYNC_ERR_SYSTEM_SPEC:
		return "parameters.SystemSpec";
	case SYNC_ERR_FILTER:
		return "parameters.FilterCategoryIds";
	case SYNC_ERR_PARAMETERS:
		return "parameters";
	}
	return "parameters";
}

void
sync_result_free(struct sync_result *r)
{
	if (r == NULL)
		return;
	free(r->new_updates);
	free(r->changed_updates);
	free(r->out_of_scope);
	free(r->deployed_out_of_scope);
	memset(r, 0, sizeof(*r));
}

/* Working state of one round. */
struct round {
	const struct catalog *c;
	const struct sync_request *rq;
	uint64_t   *installed;	/* updates named by InstalledNonLeafUpdateIDs */
	uint64_t   *cached;	/* newest revisions the client holds */
	uint64_t   *needed;	/* in scope and prerequisites satisfied */
	uint64_t   *scope;	/* union of the groups' scopes */
	uint64_t   *fscope;	/* category scan: scope cut to the filter */
	uint64_t   *offered;	/* driver pass: best drivers */
	const char **offered_hwid; /* driver pass: matched device id per rev */
	int64_t	    wm;		/* watermark */
	int64_t	    gseq;	/* change number of the group chains */
	/* results being built */
	struct sync_update_info *changed;
	size_t	    nchanged, changed_cap;
	int32_t	   *oos, *doos;
	size_t	    noos, ndoos, oos_cap, doos_cap;
};

static bool
prereqs_ok(const struct catalog *c, const uint64_t *installed, uint32_t r)
{
	const struct cat_rint *ri = &c->ri[r];
	uint32_t j, k;

	for (j = ri->clause_off; j < ri->clause_off + ri->nclauses; j++) {
		bool ok = false;

		for (k = c->clause_start[j]; k < c->clause_start[j + 1]; k++) {
			uint32_t t = c->clause_ids[k];

			if (t != CAT_NONE && bit_get(installed, t)) {
				ok = true;
				break;
			}
		}
		if (!ok)
			return false;
	}
	return true;
}

static void
push_info(struct sync_update_info **arr, size_t *n, size_t *cap,
    const struct sync_update_info *info)
{
	cat_grow(arr, cap, *n + 1, sizeof(**arr));
	(*arr)[(*n)++] = *info;
}

static void
push_id(int32_t **arr, size_t *n, size_t *cap, int32_t id)
{
	cat_grow(arr, cap, *n + 1, sizeof(**arr));
	(*arr)[(*n)++] = id;
}

static int
id_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

static size_t
sort_unique(int32_t *ids, size_t n)
{
	size_t i, o = 0;

	if (n == 0)
		return 0;
	qsort(ids, n, sizeof(*ids), id_cmp);
	for (i = 0; i < n; i++)
		if (o == 0 || ids[o - 1] != ids[i])
			ids[o++] = ids[i];
	return o;
}

static void
fill_info(struct round *rd, uint32_t r, const char *hwid,
    struct sync_update_info *info)
{
	memset(info, 0, sizeof(*info));
	info->rev = &rd->c->revs[r];
	info->is_leaf = rd->c->revs[r].is_leaf;
	info->hardware_id = hwid;
	cat_deployment(rd->c, rd->rq->groups, r, &info->deployment);
}

static bool
changed_since(const struct round *rd, uint32_t r)
{
	const struct cat_rint *ri = &rd->c->ri[r];

	return ri->seq > rd->wm || rd->gseq > rd->wm;
}

/* Category scan: the updates related to the filter categories (the
 * categories themselves and updates naming one in an IsCategory clause),
 * with their prerequisite and bundle closure, within the groups' scope. */
static void
filter_scope(struct round *rd)
{
	const struct catalog *c = rd->c;
	const struct sync_request *rq = rd->rq;
	uint64_t *fcat = xcalloc(c->words, sizeof(*fcat));
	uint32_t *stack, sp = 0;
	size_t i, j, k;

	for (i = 0; i < rq->n_filter_categories; i++) {
		const struct catalog_rev *rev =
		    catalog_rev_by_update(c, rq->filter_categories[i]);

		if (rev != NULL)
			bit_set(fcat, rev->idx);
	}
	stack = xreallocarray(NULL, c->nrevs ? c->nrevs : 1, sizeof(*stack));
	for (i = 0; i < c->nrevs; i++) {
		const struct cat_rint *ri = &c->ri[i];
		bool root = false;

		if (!bit_get(rd->scope, (uint32_t)i))
			continue;
		if (bit_get(fcat, (uint32_t)i))
			root = true;
		for (j = ri->clause_off; !root && j < ri->clause_off +
		    ri->nclauses; j++) {
			if (!c->clause_is_cat[j])
				continue;
			for (k = c->clause_start[j]; k < c->clause_start[j + 1];
			    k++) {
				uint32_t t = c->clause_ids[k];

				if (t != CAT_NONE && bit_get(fcat, t)) {
					root = true;
					break;
				}
			}
		}
		if (root) {
			bit_set(rd->fscope, (uint32_t)i);
			stack[sp++] = (uint32_t)i;
		}
	}
	while (sp > 0) {
		uint32_t r = stack[--sp];
		const struct cat_rint *ri = &c->ri[r];

		for (j = ri->clause_off; j < ri->clause_off + ri->nclauses; j++)
			for (k = c->clause_start[j]; k < c->clause_start[j + 1];
			    k++) {
				uint32_t t = c->clause_ids[k];

				if (t == CAT_NONE || bit_get(rd->fscope, t) ||
				    !bit_get(rd->scope, t))
					continue;
				bit_set(rd->fscope, t);
				stack[sp++] = t;
			}
		for (j = 0; j < ri->nmembers; j++) {
			uint32_t t = c->members[ri->member_off + j];

			if (bit_get(rd->fscope, t) || !bit_get(rd->scope, t))
				continue;
			bit_set(rd->fscope, t);
			stack[sp++] = t;
		}
	}
	free(stack);
	free(fcat);
}

/* Any approved driver reaches these groups. */
static bool
any_approved_driver(const struct round *rd)
{
	const struct catalog *c = rd->c;
	size_t i;

	for (i = 0; i < c->ndrivers; i++) {
		uint32_t r = c->drivers[i];

		if (!c->revs[r].declined && bit_get(rd->scope, r) &&
		    cat_effective(c, rd->rq->groups, r) != NULL)
			return true;
	}
	return false;
}

/* Cached ids that are not needed: out of scope (or deployed out of scope). */
static void
out_of_scope(struct round *rd, const int32_t *ids, size_t n)
{
	const struct catalog *c = rd->c;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t r = cat_rev_index(c, ids[i]);

		if (r != CAT_NONE && bit_get(rd->needed, r))
			continue;
		if (r != CAT_NONE && rd->rq->need_two_group &&
		    rd->fscope != NULL && bit_get(rd->scope, r))
			push_id(&rd->doos, &rd->ndoos, &rd->doos_cap, ids[i]);
		else
			push_id(&rd->oos, &rd->noos, &rd->oos_cap, ids[i]);
	}
}

static void
software_pass(struct round *rd, struct sync_result *out, unsigned page)
{
	const struct catalog *c = rd->c;
	const struct sync_request *rq = rd->rq;
	const uint64_t *scope = rd->fscope != NULL ? rd->fscope : rd->scope;
	uint32_t *nonleaf, *leaf;
	size_t nnl = 0, nl = 0, total = 0, i, w, cap_new = 0;
	uint64_t bits;
	uint32_t r;

	nonleaf = xreallocarray(NULL, (size_t)page + 1, sizeof(*nonleaf));
	leaf = xreallocarray(NULL, (size_t)page + 1, sizeof(*leaf));
	for (i = 0; i < rq->n_installed_nonleaf; i++)
		if ((r = cat_rev_index(c, rq->installed_nonleaf[i])) != CAT_NONE)
			bit_set(rd->cached, r);
	for (i = 0; i < rq->n_other_cached; i++)
		if ((r = cat_rev_index(c, rq->other_cached[i])) != CAT_NONE)
			bit_set(rd->cached, r);

	for (w = 0; w < c->words; w++) {
	    for (bits = scope[w]; bits != 0; bits &= bits - 1) {
		const struct catalog_rev *rev;

		/* Only the set bits of the scope: ascending revision id. */
		r = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
		rev = &c->revs[r];
		if (rev->type == UPDATE_TYPE_DRIVER || rev->declined ||
		    !prereqs_ok(c, rd->installed, r))
			continue;
		bit_set(rd->needed, r);
		if (bit_get(rd->cached, r)) {
			if (changed_since(rd, r)) {
				struct sync_update_info info;

				fill_info(rd, r, NULL, &info);
				push_info(&rd->changed, &rd->nchanged,
				    &rd->changed_cap, &info);
			}
			continue;
		}
		total++;
		if (!rev->is_leaf) {
			if (nnl <= page)
				nonleaf[nnl++] = r;
		} else if (nl <= page)
			leaf[nl++] = r;
	    }
	}

	/* NewUpdates: non-leaf first, then leaf, each by revision id. */
	out->truncated = total > page;
	for (i = 0; i < nnl && out->n_new < page; i++) {
		struct sync_update_info info;

		fill_info(rd, nonleaf[i], NULL, &info);
		push_info(&out->new_updates, &out->n_new, &cap_new, &info);
	}
	for (i = 0; i < nl && out->n_new < page; i++) {
		struct sync_update_info info;

		fill_info(rd, leaf[i], NULL, &info);
		push_info(&out->new_updates, &out->n_new, &cap_new, &info);
	}
	free(nonleaf);
	free(leaf);

	out_of_scope(rd, rq->installed_nonleaf, rq->n_installed_nonleaf);
	out_of_scope(rd, rq->other_cached, rq->n_other_cached);
	out->driver_sync_not_needed = rq->n_filter_categories > 0 ||
	    !any_approved_driver(rd);
}

/* Position of id among the device's ids (hardware, then compatible). */
static uint32_t
device_pos(const struct sync_device *d, const char *id)
{
	unsigned i;

	if (id == NULL)
		return DRIVER_RANK_NO_HWID;
	for (i = 0; i < d->n_hardware_ids; i++)
		if (d->hardware_ids[i] != NULL &&
		    strcasecmp(d->hardware_ids[i], id) == 0)
			return i;
	for (i = 0; i < d->n_compatible_ids; i++)
		if (d->compatible_ids[i] != NULL &&
		    strcasecmp(d->compatible_ids[i], id) == 0)
			return d->n_hardware_ids + i;
	return DRIVER_RANK_NO_HWID;
}

/* First entry of the hardware id index equal to id, or nhwids. */
static size_t
hwid_lower(const struct catalog *c, const char *id)
{
	size_t lo = 0, hi = c->nhwids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcasecmp(c->hwids[mid].hwid, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct chids {
	size_t	    n;
	bool	    valid[SYNC_MAX_COMPUTER_HWIDS];
	uint8_t	    g[SYNC_MAX_COMPUTER_HWIDS][16];
};

static uint32_t
chid_rank(const struct chids *ch, const struct driver_meta *m, bool *eligible)
{
	size_t i, j;

	*eligible = true;
	if (m->nchids == 0)
		return DRIVER_RANK_NO_CHID;
	for (i = 0; i < ch->n; i++) {
		if (!ch->valid[i])
			continue;
		for (j = 0; j < m->nchids; j++)
			if (memcmp(ch->g[i], m->chids[j], 16) == 0)
				return (uint32_t)i;
	}
	/* Targeted at other computers only. */
	*eligible = false;
	return DRIVER_RANK_NO_CHID;
}

static bool
same_text(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

/* Printer drivers replace an installed printer driver only from the same
 * provider (or a compatible one) and manufacturer ([MS-WUSP] 3.1.5.7). */
static bool
printer_ok(const struct driver_meta *m, const struct sync_installed_driver *in)
{
	size_t i;
	bool prov = same_text(m->provider, in->provider);

	for (i = 0; !prov && i < m->nproviders; i++)
		prov = same_text(m->providers[i], in->provider);
	return prov && same_text(m->manufacturer, in->manufacturer);
}

static void
installed_rank(const struct sync_device *d, const struct chids *ch,
    struct driver_rank *rk)
{
	const struct sync_installed_driver *in = &d->installed;
	uint8_t g[16];
	uint64_t v;
	long long dr;
	char *end;
	size_t i;

	rk->chid = DRIVER_RANK_NO_CHID;
	if (in->matching_computer_hwid != NULL &&
	    driver_guid_parse(in->matching_computer_hwid, g) == 0)
		for (i = 0; i < ch->n; i++)
			if (ch->valid[i] && memcmp(ch->g[i], g, 16) == 0) {
				rk->chid = (uint32_t)i;
				break;
			}
	rk->feature = DRIVER_FEATURE_NONE;
	if (in->driver_rank != NULL && *in->driver_rank != '\0') {
		dr = strtoll(in->driver_rank, &end, 10);
		/* DriverRank 0xSSGGTHHH: GG is the feature score. */
		if (*end == '\0' && dr >= 0 && dr <= INT32_MAX)
			rk->feature = (uint32_t)((dr >> 16) & 0xFF);
	}
	rk->hwid = device_pos(d, in->matching_id);
	rk->date = driver_date_parse(in->driver_ver_date);
	rk->version = driver_version_parse(in->driver_ver_version, &v) == 0 ?
	    v : 0;
}

static void
driver_pass(struct round *rd, struct sync_result *out, unsigned page)
{
	const struct catalog *c = rd->c;
	const struct sync_request *rq = rd->rq;
	struct chids *ch = xcalloc(1, sizeof(*ch));
	size_t i, di, total = 0, cap_new = 0;
	uint32_t r;

	for (i = 0; i < rq->n_cached_drivers; i++)
		if ((r = cat_rev_index(c, rq->cached_drivers[i])) != CAT_NONE)
			bit_set(rd->cached, r);
	ch->n = rq->n_computer_hwids;
	for (i = 0; i < ch->n; i++)
		ch->valid[i] = rq->computer_hwids[i] != NULL &&
		    driver_guid_parse(rq->computer_hwids[i], ch->g[i]) == 0;
	rd->offered_hwid = xcalloc(c->nrevs ? c->nrevs : 1,
	    sizeof(*rd->offered_hwid));

	for (di = 0; di < rq->n_devices; di++) {
		const struct sync_device *d = &rq->devices[di];
		struct driver_rank best, rk;
		const char *best_id = NULL;
		uint32_t best_r = CAT_NONE, pos, nids;
		/* An installed printer driver is replaced only by one of the
		 * same provider and manufacturer: the others are no
		 * candidates at all. */
		bool printer = d->has_installed_driver &&
		    same_text(d->installed.class_name, "Printer");

		nids = d->n_hardware_ids + d->n_compatible_ids;
		for (pos = 0; pos < nids; pos++) {
			const char *id = pos < d->n_hardware_ids ?
			    d->hardware_ids[pos] :
			    d->compatible_ids[pos - d->n_hardware_ids];
			size_t e;

			if (id == NULL || *id == '\0')
				continue;
			for (e = hwid_lower(c, id); e < c->nhwids &&
			    strcasecmp(c->hwids[e].hwid, id) == 0; e++) {
				const struct driver_meta *m =
				    &c->metas[c->hwids[e].meta];
				bool eligible;

				r = c->hwids[e].rev;
				if (c->revs[r].declined ||
				    !bit_get(rd->scope, r) ||
				    cat_effective(c, rq->groups, r) == NULL ||
				    !prereqs_ok(c, rd->installed, r))
					continue;
				rk.chid = chid_rank(ch, m, &eligible);
				if (!eligible || (printer && !printer_ok(m,
				    &d->installed)))
					continue;
				rk.feature = driver_feature_for(m,
				    rq->feature_score_key);
				rk.hwid = pos;
				rk.date = m->ver_date;
				rk.version = m->ver_version;
				if (best_r == CAT_NONE ||
				    driver_rank_cmp(&rk, &best) < 0) {
					best = rk;
					best_r = r;
					best_id = id;
				}
			}
		}
		if (best_r == CAT_NONE)
			continue;
		if (d->has_installed_driver) {
			struct driver_rank inst;

			installed_rank(d, ch, &inst);
			if (driver_rank_cmp(&best, &inst) >= 0)
				continue;
		}
		if (!bit_get(rd->offered, best_r)) {
			bit_set(rd->offered, best_r);
			rd->offered_hwid[best_r] = best_id;
		}
	}

	for (r = 0; r < c->nrevs; r++) {
		struct sync_update_info info;

		if (!bit_get(rd->offered, r))
			continue;
		bit_set(rd->needed, r);
		if (bit_get(rd->cached, r)) {
			if (changed_since(rd, r)) {
				fill_info(rd, r, rd->offered_hwid[r], &info);
				push_info(&rd->changed, &rd->nchanged,
				    &rd->changed_cap, &info);
			}
			continue;
		}
		if (++total > page)
			continue;
		fill_info(rd, r, rd->offered_hwid[r], &info);
		push_info(&out->new_updates, &out->n_new, &cap_new, &info);
	}
	out->truncated = total > page;
	out_of_scope(rd, rq->cached_drivers, rq->n_cached_drivers);
	out->driver_sync_not_needed = !any_approved_driver(rd);
	free(rd->offered_hwid);
	rd->offered_hwid = NULL;
	free(ch);
}

static enum sync_rc
check_request(const struct sync_request *rq)
{
	size_t i;

	if (rq == NULL || rq->groups == NULL || rq->groups->n == 0 ||
	    rq->groups->n > CATALOG_GROUPS_MAX)
		return SYNC_ERR_PARAMETERS;
	if (rq->n_installed_nonleaf > SYNC_MAX_INSTALLED_NONLEAF)
		return SYNC_ERR_INSTALLED_NONLEAF;
	if (rq->n_installed_nonleaf > 0 && rq->installed_nonleaf == NULL)
		return SYNC_ERR_INSTALLED_NONLEAF;
	if (rq->n_other_cached > SYNC_MAX_OTHER_CACHED ||
	    (rq->n_other_cached > 0 && rq->other_cached == NULL))
		return SYNC_ERR_OTHER_CACHED;
	if (rq->n_cached_drivers > SYNC_MAX_CACHED_DRIVERS ||
	    (rq->n_cached_drivers > 0 && rq->cached_drivers == NULL))
		return SYNC_ERR_CACHED_DRIVERS;
	/* [MS-WUSP] 3.1.5.7: SystemSpec with SkipSoftwareSync=false. */
	if (rq->devices != NULL && !rq->skip_software)
		return SYNC_ERR_SYSTEM_SPEC;
	if (rq->n_devices > SYNC_MAX_DEVICES ||
	    (rq->n_devices > 0 && rq->devices == NULL))
		return SYNC_ERR_SYSTEM_SPEC;
	for (i = 0; i < rq->n_devices; i++) {
		const struct sync_device *d = &rq->devices[i];

		if (d->n_hardware_ids > SYNC_MAX_DEVICE_IDS ||
		    d->n_compatible_ids > SYNC_MAX_DEVICE_IDS ||
		    (d->n_hardware_ids > 0 && d->hardware_ids == NULL) ||
		    (d->n_compatible_ids > 0 && d->compatible_ids == NULL))
			return SYNC_ERR_SYSTEM_SPEC;
	}
	if (rq->n_computer_hwids > SYNC_MAX_COMPUTER_HWIDS ||
	    (rq->n_computer_hwids > 0 && rq->computer_hwids == NULL))
		return SYNC_ERR_PARAMETERS;
	if (rq->n_filter_categories > SYNC_MAX_FILTER_CATEGORIES ||
	    (rq->n_filter_categories > 0 && rq->filter_categories == NULL))
		return SYNC_ERR_FILTER;
	return SYNC_OK;
}

enum sync_rc
sync_updates_run(const struct catalog *c, const struct sync_request *rq,
    struct sync_result *out)
{
	struct round rd;
	uint64_t *scratch;
	enum sync_rc rc;
	unsigned page, gi;
	size_t i, w;
	uint32_t u;

	memset(out, 0, sizeof(*out));
	if ((rc = check_request(rq)) != SYNC_OK)
		return rc;
	page = rq->page_size == 0 ? SYNC_PAGE_SIZE : rq->page_size;
	if (page > SYNC_PAGE_SIZE_MAX)
		page = SYNC_PAGE_SIZE_MAX;

	memset(&rd, 0, sizeof(rd));
	rd.c = c;
	rd.rq = rq;
	rd.wm = rq->watermark;
	rd.gseq = cat_groups_seq(c, rq->groups);
	w = c->words;
	scratch = xcalloc(6 * w, sizeof(*scratch));
	rd.installed = scratch;
	rd.cached = scratch + w;
	rd.needed = scratch + 2 * w;
	rd.scope = scratch + 3 * w;
	rd.offered = scratch + 4 * w;
	for (gi = 0; gi < rq->groups->n; gi++) {
		const uint64_t *bm = cat_group_scope(c, rq->groups->idx[gi]);

		for (i = 0; bm != NULL && i < w; i++)
			rd.scope[i] |= bm[i];
	}
	for (i = 0; i < rq->n_installed_nonleaf; i++)
		if ((u = cat_update_index(c, rq->installed_nonleaf[i])) !=
		    CAT_NONE)
			bit_set(rd.installed, u);

	if (rq->skip_software) {
		driver_pass(&rd, out, page);
	} else {
		if (rq->n_filter_categories > 0) {
			rd.fscope = scratch + 5 * w;
			filter_scope(&rd);
		}
		software_pass(&rd, out, page);
	}

	out->changed_updates = rd.changed;
	out->n_changed = rd.nchanged;
	out->out_of_scope = rd.oos;
	out->n_out_of_scope = sort_unique(rd.oos, rd.noos);
	out->deployed_out_of_scope = rd.doos;
	out->n_deployed_out_of_scope = sort_unique(rd.doos, rd.ndoos);
	out->new_watermark = c->change_seq > rq->watermark ? c->change_seq :
	    rq->watermark;
	free(scratch);
	return SYNC_OK;
}
