/*
 * answer_cache.h — finished GetUpdateData answers, kept whole for an
 * identical request: the bytes of the SOAP envelope under a key that
 * says everything the answer depends on besides the catalog (the
 * ordered revision list, the envelope version and style, whether
 * cabinets may be sent, the content base of the fileUrls; op_revisions.c
 * builds it) and the change number of the catalog snapshot the answer
 * was built from.  Twenty replicas of one upstream ask the same batches:
 * the first builds the answer, the others get these bytes.
 *
 * Not here: what the bytes are and which requests may be cached
 * (op_revisions.c), the per-revision items (item_cache.h).
 *
 * One generation: storing an answer of a newer change number drops
 * every answer of older ones (a store change may have changed any
 * revision); an answer of an older change number is not stored, and a
 * lookup misses unless its change number is the generation's.  Beyond
 * that, answers age out least recently used first once the bytes exceed
 * the budget.
 *
 * Ownership: an entry is reference counted.  The cache holds one
 * reference while the entry is in it; answer_cache_get() and
 * answer_cache_put() hand the caller another, dropped with
 * answer_entry_release() — from any thread, even after the cache is
 * freed (the HTTP response that sends the bytes drops it when the
 * response is destroyed).  Every function may be called from any
 * thread.  docs/WSUSSS.md.
 */
#ifndef WSUSD_WSUSSS_ANSWER_CACHE_H
#define WSUSD_WSUSSS_ANSWER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define ANSWER_CACHE_DEFAULT_BYTES	(32u * 1024 * 1024)

struct answer_cache;
struct answer_entry;

struct answer_cache_stats {
	uint64_t	hits, misses;
	uint64_t	evictions;	/* dropped for the budget */
	uint64_t	invalidations;	/* dropped for a newer change number */
	size_t		entries;
	size_t		bytes;		/* charged: answer + key + overhead */
	int64_t		generation;	/* change number of the answers held */
};

/* A cache holding at most budget bytes (0: ANSWER_CACHE_DEFAULT_BYTES). */
struct answer_cache *answer_cache_new(size_t budget);
/* Free the cache; entries still referenced live on until released. */
void	answer_cache_free(struct answer_cache *);

/*
 * The answer stored under key for change number seq, referenced, with
 * its bytes (valid until answer_entry_release()); NULL when absent.
 */
struct answer_entry *answer_cache_get(struct answer_cache *,
	    const void *key, size_t keylen, int64_t seq, const char **data,
	    size_t *len);
/*
 * Store the answer data (malloc'd; the cache takes it in every case)
 * under key for change number seq, and return it as a referenced entry
 * with *out set to its bytes: the entry is in the cache unless seq is
 * older than the generation, the key is already there or the answer is
 * larger than a quarter of the budget — then only the caller holds it.
 */
struct answer_entry *answer_cache_put(struct answer_cache *,
	    const void *key, size_t keylen, int64_t seq, char *data,
	    size_t len, const char **out);
/* Drop a reference; the last one frees the entry.  NULL is fine.  A
 * void * so that it can be a free callback. */
void	answer_entry_release(void *entry);
void	answer_cache_stats(struct answer_cache *,
	    struct answer_cache_stats *out);

/* What one stored answer is charged beyond its bytes and key. */
size_t	answer_cache_overhead(void);

#endif
