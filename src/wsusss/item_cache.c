/*
 * item_cache.c — the GetUpdateData item cache of item_cache.h: a hash
 * table on the revision id (so every item of one revision is in one
 * chain) and a least-recently-used list, under one mutex.  Entries carry
 * a reference count; an entry taken out of the table while referenced is
 * freed by its last item_cache_release().
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"
#include "wsusss/item_cache.h"

struct item_entry {
	struct item_key	    key;
	struct item_entry  *hnext;		/* hash chain */
	struct item_entry  *prev, *next;	/* LRU list, newest first */
	unsigned	    refs;		/* item_cache_get() holders */
	bool		    linked;		/* in the table and list */
	size_t		    len;
	char		   *data;		/* owned */
};

struct item_cache {
	pthread_mutex_t	    mu;
	size_t		    budget;
	size_t		    bytes;		/* charged by linked entries */
	size_t		    n;			/* linked entries */
	size_t		    nbuckets;		/* power of two */
	struct item_entry **buckets;		/* owned */
	struct item_entry  *head, *tail;	/* LRU: head newest */
	uint64_t	    hits, misses, evictions, invalidations;
};

size_t
item_cache_overhead(void)
{
	return sizeof(struct item_entry);
}

static size_t
bucket_of(const struct item_cache *ic, int64_t rid)
{
	uint64_t h = (uint64_t)rid * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (ic->nbuckets - 1);
}

struct item_cache *
item_cache_new(size_t budget)
{
	struct item_cache *ic = xcalloc(1, sizeof(*ic));

	pthread_mutex_init(&ic->mu, NULL);
	ic->budget = budget != 0 ? budget : ITEM_CACHE_DEFAULT_BYTES;
	ic->nbuckets = 1024;
	ic->buckets = xcalloc(ic->nbuckets, sizeof(*ic->buckets));
	return ic;
}

static void
entry_free(struct item_entry *e)
{
	free(e->data);
	free(e);
}

void
item_cache_free(struct item_cache *ic)
{
	struct item_entry *e, *next;

	if (ic == NULL)
		return;
	/* every reference must be released by now */
	for (e = ic->head; e != NULL; e = next) {
		next = e->next;
		entry_free(e);
	}
	free(ic->buckets);
	pthread_mutex_destroy(&ic->mu);
	free(ic);
}

static bool
key_eq(const struct item_key *a, const struct item_key *b)
{
	return a->rid == b->rid && a->seq == b->seq &&
	    a->variant == b->variant;
}

static void
lru_unlink(struct item_cache *ic, struct item_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		ic->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		ic->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct item_cache *ic, struct item_entry *e)
{
	e->prev = NULL;
	e->next = ic->head;
	if (ic->head != NULL)
		ic->head->prev = e;
	ic->head = e;
	if (ic->tail == NULL)
		ic->tail = e;
}

/* Take e out of the table and the list; freed now or at its release. */
static void
drop(struct item_cache *ic, struct item_entry *e)
{
	struct item_entry **pp = &ic->buckets[bucket_of(ic, e->key.rid)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	e->hnext = NULL;
	lru_unlink(ic, e);
	e->linked = false;
	ic->bytes -= e->len + sizeof(*e);
	ic->n--;
	if (e->refs == 0)
		entry_free(e);
}

static void
grow(struct item_cache *ic)
{
	size_t old = ic->nbuckets;
	struct item_entry **ob = ic->buckets;

	ic->nbuckets = old * 2;
	ic->buckets = xcalloc(ic->nbuckets, sizeof(*ic->buckets));
	for (size_t i = 0; i < old; i++) {
		struct item_entry *e = ob[i], *next;

		for (; e != NULL; e = next) {
			size_t b = bucket_of(ic, e->key.rid);

			next = e->hnext;
			e->hnext = ic->buckets[b];
			ic->buckets[b] = e;
		}
	}
	free(ob);
}

const struct item_entry *
item_cache_get(struct item_cache *ic, const struct item_key *key,
    const char **data, size_t *len)
{
	struct item_entry *e;

	pthread_mutex_lock(&ic->mu);
	for (e = ic->buckets[bucket_of(ic, key->rid)]; e != NULL; e = e->hnext)
		if (key_eq(&e->key, key))
			break;
	if (e == NULL) {
		ic->misses++;
		pthread_mutex_unlock(&ic->mu);
		*data = NULL;
		*len = 0;
		return NULL;
	}
	ic->hits++;
	e->refs++;
	if (ic->head != e) {
		lru_unlink(ic, e);
		lru_push(ic, e);
	}
	*data = e->data;
	*len = e->len;
	pthread_mutex_unlock(&ic->mu);
	return e;
}

void
item_cache_release(struct item_cache *ic, const struct item_entry *ce)
{
	struct item_entry *e = (struct item_entry *)ce;

	if (e == NULL)
		return;
	pthread_mutex_lock(&ic->mu);
	if (--e->refs == 0 && !e->linked)
		entry_free(e);
	pthread_mutex_unlock(&ic->mu);
}

void
item_cache_put(struct item_cache *ic, const struct item_key *key,
    const char *data, size_t len)
{
	struct item_entry *e, *next, *ne;
	size_t cost = len + sizeof(*ne);

	if (cost > ic->budget / 4)
		return;
	ne = xcalloc(1, sizeof(*ne));
	ne->key = *key;
	ne->len = len;
	ne->data = xmalloc(len + 1);
	memcpy(ne->data, data, len);
	ne->data[len] = '\0';
	pthread_mutex_lock(&ic->mu);
	for (e = ic->buckets[bucket_of(ic, key->rid)]; e != NULL; e = next) {
		next = e->hnext;
		if (e->key.rid != key->rid || e->key.variant != key->variant)
			continue;
		if (e->key.seq == key->seq) {
			/* built meanwhile by another call: keep that one */
			pthread_mutex_unlock(&ic->mu);
			entry_free(ne);
			return;
		}
		if (e->key.seq > key->seq) {
			/* a call on an older snapshot: keep the newer */
			pthread_mutex_unlock(&ic->mu);
			entry_free(ne);
			return;
		}
		ic->invalidations++;
		drop(ic, e);
	}
	while (ic->bytes + cost > ic->budget && ic->tail != NULL) {
		ic->evictions++;
		drop(ic, ic->tail);
	}
	if (ic->n + 1 > ic->nbuckets)
		grow(ic);
	{
		size_t b = bucket_of(ic, key->rid);

		ne->hnext = ic->buckets[b];
		ic->buckets[b] = ne;
	}
	lru_push(ic, ne);
	ne->linked = true;
	ic->bytes += cost;
	ic->n++;
	pthread_mutex_unlock(&ic->mu);
}

void
item_cache_stats(struct item_cache *ic, struct item_cache_stats *out)
{
	pthread_mutex_lock(&ic->mu);
	out->hits = ic->hits;
	out->misses = ic->misses;
	out->evictions = ic->evictions;
	out->invalidations = ic->invalidations;
	out->entries = ic->n;
	out->bytes = ic->bytes;
	pthread_mutex_unlock(&ic->mu);
}
