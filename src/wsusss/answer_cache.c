/*
 * answer_cache.c — the finished-answer cache of answer_cache.h: a hash
 * table on a 64-bit hash of the key (the whole key is compared, so a
 * collision is only a slower miss) and a least-recently-used list, under
 * one mutex.  Reference counts are atomic so that a response's free
 * callback drops its entry without the cache (which may be gone).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"
#include "wsusss/answer_cache.h"

#define NBUCKETS	256	/* power of two; a budget holds ~100 answers */

struct answer_entry {
	uint64_t	     hash;
	int64_t		     seq;
	struct answer_entry *hnext;		/* hash chain */
	struct answer_entry *prev, *next;	/* LRU list, newest first */
	unsigned	     refs;		/* atomic; the cache's + holders' */
	size_t		     keylen, len;
	char		    *key;		/* owned */
	char		    *data;		/* owned */
};

struct answer_cache {
	pthread_mutex_t	     mu;
	size_t		     budget;
	size_t		     bytes;		/* charged by linked entries */
	size_t		     n;			/* linked entries */
	int64_t		     gen;		/* seq of the linked entries */
	struct answer_entry *buckets[NBUCKETS];
	struct answer_entry *head, *tail;	/* LRU: head newest */
	uint64_t	     hits, misses, evictions, invalidations;
};

size_t
answer_cache_overhead(void)
{
	return sizeof(struct answer_entry);
}

/*
 * FNV-1a over 8-byte words (a 100-revision key is 4 KB; byte by byte it
 * was 2 % of an answer), folded so that the low bits, the bucket, depend
 * on all of it.  The keys are ours (GUIDs, flags, a URL), not a flooding
 * risk worth more: a collision costs a memcmp.
 */
static uint64_t
key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL, w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; len > 0; len--, p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h ^ (h >> 32) ^ (h >> 47);
}

static size_t
charge(const struct answer_entry *e)
{
	return e->len + e->keylen + sizeof(*e);
}

struct answer_cache *
answer_cache_new(size_t budget)
{
	struct answer_cache *ac = xcalloc(1, sizeof(*ac));

	pthread_mutex_init(&ac->mu, NULL);
	ac->budget = budget != 0 ? budget : ANSWER_CACHE_DEFAULT_BYTES;
	ac->gen = INT64_MIN;
	return ac;
}

static void
entry_ref(struct answer_entry *e)
{
	__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
}

void
answer_entry_release(void *entry)
{
	struct answer_entry *e = entry;

	if (e == NULL)
		return;
	if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(e->key);
	free(e->data);
	free(e);
}

static void
lru_unlink(struct answer_cache *ac, struct answer_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		ac->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		ac->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct answer_cache *ac, struct answer_entry *e)
{
	e->prev = NULL;
	e->next = ac->head;
	if (ac->head != NULL)
		ac->head->prev = e;
	ac->head = e;
	if (ac->tail == NULL)
		ac->tail = e;
}

/* Take e out of the table and the list and drop the cache's reference. */
static void
drop(struct answer_cache *ac, struct answer_entry *e)
{
	struct answer_entry **pp = &ac->buckets[e->hash & (NBUCKETS - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	e->hnext = NULL;
	lru_unlink(ac, e);
	ac->bytes -= charge(e);
	ac->n--;
	answer_entry_release(e);
}

void
answer_cache_free(struct answer_cache *ac)
{
	if (ac == NULL)
		return;
	while (ac->head != NULL)
		drop(ac, ac->head);
	pthread_mutex_destroy(&ac->mu);
	free(ac);
}

static struct answer_entry *
find(struct answer_cache *ac, uint64_t h, const void *key, size_t keylen)
{
	struct answer_entry *e;

	for (e = ac->buckets[h & (NBUCKETS - 1)]; e != NULL; e = e->hnext)
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0)
			return e;
	return NULL;
}

struct answer_entry *
answer_cache_get(struct answer_cache *ac, const void *key, size_t keylen,
    int64_t seq, const char **data, size_t *len)
{
	uint64_t h = key_hash(key, keylen);
	struct answer_entry *e = NULL;

	pthread_mutex_lock(&ac->mu);
	if (seq == ac->gen)
		e = find(ac, h, key, keylen);
	if (e == NULL) {
		ac->misses++;
		pthread_mutex_unlock(&ac->mu);
		*data = NULL;
		*len = 0;
		return NULL;
	}
	ac->hits++;
	entry_ref(e);
	if (ac->head != e) {
		lru_unlink(ac, e);
		lru_push(ac, e);
	}
	pthread_mutex_unlock(&ac->mu);
	*data = e->data;
	*len = e->len;
	return e;
}

struct answer_entry *
answer_cache_put(struct answer_cache *ac, const void *key, size_t keylen,
    int64_t seq, char *data, size_t len, const char **out)
{
	struct answer_entry *ne = xcalloc(1, sizeof(*ne));
	size_t b;

	ne->hash = key_hash(key, keylen);
	ne->seq = seq;
	ne->refs = 1;		/* the caller's */
	ne->keylen = keylen;
	ne->key = xmalloc(keylen + 1);
	memcpy(ne->key, key, keylen);
	ne->len = len;
	ne->data = data;
	*out = data;
	if (charge(ne) > ac->budget / 4)
		return ne;
	pthread_mutex_lock(&ac->mu);
	if (seq < ac->gen || (seq == ac->gen &&
	    find(ac, ne->hash, key, keylen) != NULL)) {
		/* a call on an older snapshot, or one built meanwhile */
		pthread_mutex_unlock(&ac->mu);
		return ne;
	}
	if (seq > ac->gen) {
		while (ac->head != NULL) {
			ac->invalidations++;
			drop(ac, ac->head);
		}
		ac->gen = seq;
	}
	while (ac->bytes + charge(ne) > ac->budget && ac->tail != NULL) {
		ac->evictions++;
		drop(ac, ac->tail);
	}
	b = ne->hash & (NBUCKETS - 1);
	ne->hnext = ac->buckets[b];
	ac->buckets[b] = ne;
	lru_push(ac, ne);
	entry_ref(ne);		/* the cache's */
	ac->bytes += charge(ne);
	ac->n++;
	pthread_mutex_unlock(&ac->mu);
	return ne;
}

void
answer_cache_stats(struct answer_cache *ac, struct answer_cache_stats *out)
{
	pthread_mutex_lock(&ac->mu);
	out->hits = ac->hits;
	out->misses = ac->misses;
	out->evictions = ac->evictions;
	out->invalidations = ac->invalidations;
	out->entries = ac->n;
	out->bytes = ac->bytes;
	out->generation = ac->gen;
	pthread_mutex_unlock(&ac->mu);
}
