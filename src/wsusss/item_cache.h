/*
 * item_cache.h — finished GetUpdateData items, built once and reused: a
 * bounded, thread-safe cache of the bytes of one <ServerSyncUpdateData>
 * element (Id, the blob plain or as a base64 MSZIP cabinet, the file
 * digests) per revision.  Not here: what the bytes are (op_revisions.c)
 * and the fileUrls of an answer, which hold the content base URL of the
 * request and are written per call.
 *
 * An item is keyed by the revision id, the store change number of the
 * revision (it moves whenever the revision, its document or its files
 * change) and a variant: the bits of everything else the item depends on
 * (ITEM_VARIANT_*; today only whether cabinets may be sent: the protocol
 * version of the downstream changes no item).  Storing an item for a
 * revision drops that revision's items of older change numbers; the rest
 * age out least recently used first once the bytes exceed the budget.
 *
 * Lookups hand out a reference: the bytes stay valid until
 * item_cache_release(), even if the item is evicted meanwhile.  Every
 * function may be called from any thread.  docs/WSUSSS.md.
 */
#ifndef WSUSD_WSUSSS_ITEM_CACHE_H
#define WSUSD_WSUSSS_ITEM_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define ITEM_CACHE_DEFAULT_BYTES	(64u * 1024 * 1024)
#define ITEM_VARIANT_COMPRESS		0x1u	/* cabinets allowed */

struct item_cache;
struct item_entry;

struct item_key {
	int64_t		rid;		/* store revision id */
	int64_t		seq;		/* the revision's change number */
	uint32_t	variant;	/* ITEM_VARIANT_* bits */
};

struct item_cache_stats {
	uint64_t	hits, misses;
	uint64_t	evictions;	/* dropped for the budget */
	uint64_t	invalidations;	/* dropped for a newer change number */
	size_t		entries;
	size_t		bytes;		/* charged: item bytes + overhead */
};

/* A cache holding at most budget bytes (0: ITEM_CACHE_DEFAULT_BYTES). */
struct item_cache *item_cache_new(size_t budget);
void	item_cache_free(struct item_cache *);

/* The item for key, referenced, with its bytes; NULL when absent. */
const struct item_entry *item_cache_get(struct item_cache *,
	    const struct item_key *key, const char **data, size_t *len);
/* Drop a reference of item_cache_get(). */
void	item_cache_release(struct item_cache *, const struct item_entry *);
/*
 * Store a copy of data under key, dropping the revision's item of an
 * older change number (same variant); nothing is stored when the key or
 * a newer change number is already there, or when the item is larger
 * than a quarter of the budget.
 */
void	item_cache_put(struct item_cache *, const struct item_key *key,
	    const char *data, size_t len);
void	item_cache_stats(struct item_cache *, struct item_cache_stats *out);

/* What one stored item is charged beyond its bytes. */
size_t	item_cache_overhead(void);

#endif
