/*
 * catalog_internal.h — the inside of a catalog snapshot, shared by the
 * files of src/catalog (load, index, scope, holder) and by
 * src/wusp/sync_updates.c (the SyncUpdates algorithm reads the clauses
 * and bitmaps directly).  Not for other modules: they use catalog.h.
 *
 * Everything is indexed by the revision's position in revs[] (ascending
 * revision id) — "rev index" below.  A snapshot never changes after
 * catalog_build() returns, except the lazily filled per-group scope
 * bitmaps (filled once under scope_lock, published with release stores)
 * and the extended-fragment properties (set once under ext_lock, flagged
 * with release stores).
 */
#ifndef WSUSD_CATALOG_CATALOG_INTERNAL_H
#define WSUSD_CATALOG_CATALOG_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "catalog/driver_meta.h"

#define CAT_NONE	UINT32_MAX	/* unresolved reference / no index */
/* Nesting of bundles followed when deciding Action=Bundle (and when
 * carrying change numbers down bundles). */
#define BUNDLE_DEPTH_MAX	8

/* One approval row (any action) of an update for one group. */
struct cat_dep {
	uint32_t    group;		/* group index */
	uint8_t	    action;		/* enum approval_action */
	int32_t	    id;			/* deployment id */
	int64_t	    deadline;
	int64_t	    last_change;
	int64_t	    change_seq;
};

struct cat_group {
	int64_t	    id;			/* store id */
	uint8_t	    guid[16];		/* text order */
	char	    guid_text[GUID_STRLEN + 1];
	uint32_t    parent;		/* group index or CAT_NONE */
	int64_t	    change_seq;
	int64_t	    chain_seq;		/* max change_seq of the group and its ancestors */
};

/* Per-revision internals, parallel to revs[]. */
struct cat_rint {
	uint32_t    clause_off;		/* first prerequisite clause */
	uint32_t    nclauses;
	uint32_t    member_off;		/* bundled members (rev indexes) */
	uint32_t    nmembers;
	uint32_t    parent_off;		/* revisions that bundle this one */
	uint32_t    nparents;
	uint32_t    dep_off;		/* approval rows, by group */
	uint32_t    ndeps;
	uint32_t    file_off;
	uint32_t    cat_off;		/* IsCategory prerequisite ids, in cat_uids */
	uint32_t    meta_off;		/* driver metadata (drivers only) */
	uint32_t    nmetas;
	int64_t	    imported;
	int64_t	    rev_seq;		/* the revision's import */
	int64_t	    own_seq;		/* revision, decline, approvals, tombstones */
	int64_t	    seq;		/* own_seq + bundling parents + IsLeaf changes */
	int64_t	    tomb_time;		/* newest removal of an approval; 0 none */
};

/* One entry of the hardware id index (drivers). */
struct cat_hwid {
	const char *hwid;		/* driver's HardwareID, as published */
	uint32_t    rev;		/* rev index */
	uint32_t    meta;		/* index in metas[] */
};

/* Maps a non-newest RevisionID to its update's newest revision. */
struct cat_oldrev {
	int32_t	    revision_id;
	uint32_t    rev;		/* rev index of the newest revision */
};

struct catalog {
	unsigned    refs;		/* atomic */
	struct catalog_options opts;
	int64_t	    change_seq;

	size_t	    nrevs;
	struct catalog_rev *revs;	/* ascending revision_id */
	struct cat_rint *ri;
	uint32_t   *by_uid;		/* rev indexes sorted by update_id */

	/* prerequisite clauses: ids of clause k are
	 * clause_ids[clause_start[k] .. clause_start[k + 1]) */
	uint32_t    nclauses;
	uint32_t   *clause_start;	/* nclauses + 1 */
	uint8_t	   *clause_is_cat;
	uint32_t   *clause_ids;		/* rev index or CAT_NONE */

	uint32_t   *members;		/* bundle members, by rint.member_off */
	uint32_t   *parents;		/* bundling revisions, by rint.parent_off */

	size_t	    nfiles;
	struct catalog_file *files;	/* by rint.file_off / rev.nfiles */
	uint32_t   *file_rev;		/* owning rev index of each file */
	uint32_t   *file_by_sha;	/* file indexes sorted by sha1 */

	size_t	    ngroups;
	struct cat_group *groups;	/* ascending store id */
	uint32_t    group_all;		/* All Computers */
	uint32_t    group_unassigned;	/* Unassigned Computers */

	size_t	    ndeps;
	struct cat_dep *deps;		/* by rev, then group */

	size_t	    nmetas;
	struct driver_meta *metas;	/* by rint.meta_off */
	size_t	    nhwids;
	struct cat_hwid *hwids;		/* sorted, case-insensitive */
	size_t	    ndrivers;
	uint32_t   *drivers;		/* rev indexes of drivers */

	size_t	    noldrevs;
	struct cat_oldrev *oldrevs;	/* ascending revision_id */

	char	   *arena;		/* core fragments and names */
	size_t	    arena_len;

	/* the server-sync lists, in the store's order */
	size_t	    napprovals;
	struct catalog_approval *approvals;
	size_t	    ntombs;
	struct catalog_tombstone *tombs;
	char	  (*cat_uids)[GUID_STRLEN + 1];	/* by rint.cat_off / rev.ncategories */

	/* extended-fragment properties, per rev index, set lazily */
	pthread_mutex_t ext_lock;
	struct catalog_extprops *ext;
	uint8_t	   *ext_set;		/* 1 once ext[i] is set; atomic */

	size_t	    words;		/* uint64 words of one rev bitmap */
	pthread_mutex_t scope_lock;
	uint64_t  **scope;		/* per group, lazily; atomic pointers */
};

static inline int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/*
 * The one growth rule of the catalog: make the array *ptrp (elements of
 * size bytes, capacity *cap) hold at least need elements, doubling from
 * 16.  ptrp is the address of the array pointer.  Internal state: xmalloc
 * aborts when memory runs out.
 */
void	cat_grow(void *ptrp, size_t *cap, size_t need, size_t size);
#define CAT_GROW(ptr, cap, need) \
	cat_grow(&(ptr), &(cap), (need), sizeof(*(ptr)))

static inline bool
bit_get(const uint64_t *bm, uint32_t i)
{
	return (bm[i >> 6] >> (i & 63)) & 1;
}

static inline void
bit_set(uint64_t *bm, uint32_t i)
{
	bm[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* Rev index of an update (lower-case GUID text), or CAT_NONE; needs by_uid. */
uint32_t cat_uid_find(const struct catalog *, const char *uid);
/* First position in file_by_sha of a digest, or nfiles. */
size_t	cat_file_lower(const struct catalog *, const uint8_t sha1[20]);
/* Copy the extended-fragment properties set in old to the same revisions
 * of c (holder.c, when a snapshot replaces another). */
void	cat_extprops_carry(struct catalog *c, const struct catalog *old);

/* Rev index of a RevisionID among the newest revisions, or CAT_NONE. */
uint32_t cat_rev_index(const struct catalog *, int32_t revision_id);
/* Rev index of the update that RevisionID belongs to (newest or older
 * revision), or CAT_NONE. */
uint32_t cat_update_index(const struct catalog *, int32_t revision_id);
/* The scope bitmap of one group (built on first use). */
const uint64_t *cat_group_scope(const struct catalog *, uint32_t group);
/* Is rev index r in the scope of any of the groups. */
bool	cat_in_scope(const struct catalog *, const struct catalog_groups *, uint32_t r);
/* The winning Install/Uninstall approval of r for the groups, or NULL. */
const struct cat_dep *cat_effective(const struct catalog *,
	    const struct catalog_groups *, uint32_t r);
/* Deployment of an in-scope rev index (no scope check). */
void	cat_deployment(const struct catalog *, const struct catalog_groups *,
	    uint32_t r, struct catalog_deployment *out);
/* max chain_seq of the groups. */
int64_t	cat_groups_seq(const struct catalog *, const struct catalog_groups *);

#endif
