/*
 * index.c — the lookups of a catalog snapshot: revisions by position,
 * revision id (newest or older) and update id, files by SHA-1, groups by
 * store id and GUID, the server-sync approval and tombstone lists, and
 * the lazily stored extended-fragment properties.  See catalog.h.
 *
 * Not here: building the indexes (load.c), scope and deployments
 * (scope.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "catalog/driver_meta.h"

/* ---- lookups ---- */

uint32_t
cat_uid_find(const struct catalog *c, const char *uid)
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
	r = cat_uid_find(c, norm);
	return r == CAT_NONE ? NULL : &c->revs[r];
}

size_t
cat_file_lower(const struct catalog *c, const uint8_t sha1[20])
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
	size_t i = cat_file_lower(c, sha1);

	return i < c->nfiles ? &c->files[c->file_by_sha[i]] : NULL;
}

/* ---- groups ---- */

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

/* ---- the server-sync lists ---- */

size_t
catalog_approval_count(const struct catalog *c)
{
	return c->napprovals;
}

const struct catalog_approval *
catalog_approval_at(const struct catalog *c, size_t i)
{
	return i < c->napprovals ? &c->approvals[i] : NULL;
}

size_t
catalog_tombstone_count(const struct catalog *c)
{
	return c->ntombs;
}

const struct catalog_tombstone *
catalog_tombstone_at(const struct catalog *c, size_t i)
{
	return i < c->ntombs ? &c->tombs[i] : NULL;
}

/* ---- extended-fragment properties ---- */

static bool
rev_ours(const struct catalog *c, const struct catalog_rev *rev)
{
	return rev != NULL && rev->idx < c->nrevs && &c->revs[rev->idx] == rev;
}

bool
catalog_extprops_get(const struct catalog *c, const struct catalog_rev *rev,
    struct catalog_extprops *out)
{
	if (!rev_ours(c, rev) ||
	    !__atomic_load_n(&c->ext_set[rev->idx], __ATOMIC_ACQUIRE))
		return false;
	*out = c->ext[rev->idx];
	return true;
}

void
catalog_extprops_set(const struct catalog *cc, const struct catalog_rev *rev,
    const struct catalog_extprops *p)
{
	struct catalog *c = (struct catalog *)(uintptr_t)cc;

	if (!rev_ours(c, rev))
		return;
	pthread_mutex_lock(&c->ext_lock);
	if (!c->ext_set[rev->idx]) {
		c->ext[rev->idx] = *p;
		c->ext[rev->idx].eula[GUID_STRLEN] = '\0';
		__atomic_store_n(&c->ext_set[rev->idx], 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&c->ext_lock);
}

void
cat_extprops_carry(struct catalog *c, const struct catalog *old)
{
	size_t i;
	uint32_t j;

	if (old == NULL)
		return;
	for (i = 0; i < c->nrevs; i++) {
		j = cat_rev_index(old, c->revs[i].revision_id);
		if (j == CAT_NONE ||
		    !__atomic_load_n(&old->ext_set[j], __ATOMIC_ACQUIRE))
			continue;
		catalog_extprops_set(c, &c->revs[i], &old->ext[j]);
	}
}
