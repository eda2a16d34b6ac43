/*
 * test_item_cache.c — the GetUpdateData item cache (src/wsusss/
 * item_cache.c): a miss, then a hit with the exact bytes; keys separated
 * by variant (compression) and revision; a newer change number of a
 * revision invalidating its older item; eviction least recently used
 * first under the byte budget; oversized items not stored; a reference
 * keeping evicted bytes valid until released; the counters; four
 * threads sharing one small cache (every item read is the one stored
 * under its key, the budget holds).  No store, no HTTP.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wsusss/item_cache.h"

static const struct item_key K1 = { 7, 100, ITEM_VARIANT_COMPRESS };

/* The item for key is there and is exactly want; the reference dropped. */
static void
expect_item(struct item_cache *ic, const struct item_key *key,
    const char *want)
{
	const struct item_entry *e;
	const char *data;
	size_t len;

	e = item_cache_get(ic, key, &data, &len);
	assert_non_null(e);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	item_cache_release(ic, e);
}

static void
expect_none(struct item_cache *ic, const struct item_key *key)
{
	const char *data = "x";
	size_t len = 1;

	assert_null(item_cache_get(ic, key, &data, &len));
	assert_null(data);
	assert_int_equal(len, 0);
}

static void
test_miss_then_hit(void **state)
{
	struct item_cache *ic = item_cache_new(0);
	struct item_cache_stats s;

	(void)state;
	expect_none(ic, &K1);
	item_cache_put(ic, &K1, "<a>one</a>", 10);
	expect_item(ic, &K1, "<a>one</a>");
	expect_item(ic, &K1, "<a>one</a>");
	/* a second put of the same key keeps the first bytes */
	item_cache_put(ic, &K1, "<a>two</a>", 10);
	expect_item(ic, &K1, "<a>one</a>");
	item_cache_stats(ic, &s);
	assert_int_equal(s.hits, 3);
	assert_int_equal(s.misses, 1);
	assert_int_equal(s.entries, 1);
	assert_int_equal(s.bytes, 10 + item_cache_overhead());
	assert_int_equal(s.evictions, 0);
	assert_int_equal(s.invalidations, 0);
	item_cache_free(ic);
}

static void
test_key_separation(void **state)
{
	struct item_cache *ic = item_cache_new(0);
	struct item_key plain = K1, other = K1;
	struct item_cache_stats s;

	(void)state;
	plain.variant = 0;
	other.rid = 8;
	item_cache_put(ic, &K1, "cab", 3);
	expect_none(ic, &plain);
	expect_none(ic, &other);
	item_cache_put(ic, &plain, "plain", 5);
	item_cache_put(ic, &other, "eight", 5);
	/* both variants of a revision live side by side */
	expect_item(ic, &K1, "cab");
	expect_item(ic, &plain, "plain");
	expect_item(ic, &other, "eight");
	item_cache_stats(ic, &s);
	assert_int_equal(s.entries, 3);
	assert_int_equal(s.bytes, 13 + 3 * item_cache_overhead());
	item_cache_free(ic);
}

static void
test_invalidation_on_change_number(void **state)
{
	struct item_cache *ic = item_cache_new(0);
	struct item_key newer = K1, older = K1, plain = K1;
	struct item_cache_stats s;

	(void)state;
	newer.seq = K1.seq + 1;
	older.seq = K1.seq - 1;
	plain.variant = 0;
	item_cache_put(ic, &K1, "old", 3);
	item_cache_put(ic, &plain, "oldplain", 8);
	/* the revision changed: its new change number misses */
	expect_none(ic, &newer);
	item_cache_put(ic, &newer, "new!", 4);
	expect_item(ic, &newer, "new!");
	expect_none(ic, &K1);
	/* the other variant is invalidated by its own newer put only */
	expect_item(ic, &plain, "oldplain");
	/* a late put from an older snapshot does not replace the newer */
	item_cache_put(ic, &older, "older", 5);
	expect_none(ic, &older);
	expect_item(ic, &newer, "new!");
	item_cache_stats(ic, &s);
	assert_int_equal(s.invalidations, 1);
	assert_int_equal(s.entries, 2);
	assert_int_equal(s.bytes, 12 + 2 * item_cache_overhead());
	item_cache_free(ic);
}

static void
test_eviction_under_budget(void **state)
{
	char item[200];
	size_t cost = sizeof(item) + item_cache_overhead();
	/* room for exactly four items */
	struct item_cache *ic = item_cache_new(4 * cost + cost / 2);
	struct item_key k[6];
	struct item_cache_stats s;

	(void)state;
	for (int i = 0; i < 6; i++) {
		k[i] = K1;
		k[i].rid = 100 + i;
	}
	for (int i = 0; i < 4; i++) {
		memset(item, 'a' + i, sizeof(item));
		item_cache_put(ic, &k[i], item, sizeof(item));
	}
	item_cache_stats(ic, &s);
	assert_int_equal(s.entries, 4);
	assert_int_equal(s.evictions, 0);
	/* use 0: 1 is now the least recently used */
	{
		const char *d;
		size_t n;
		const struct item_entry *e = item_cache_get(ic, &k[0], &d, &n);

		assert_non_null(e);
		item_cache_release(ic, e);
	}
	memset(item, 'e', sizeof(item));
	item_cache_put(ic, &k[4], item, sizeof(item));
	expect_none(ic, &k[1]);
	item_cache_stats(ic, &s);
	assert_int_equal(s.entries, 4);
	assert_int_equal(s.evictions, 1);
	assert_true(s.bytes <= 4 * cost + cost / 2);
	/* then 2 goes, and 0, 3, 4, 5 stay */
	memset(item, 'f', sizeof(item));
	item_cache_put(ic, &k[5], item, sizeof(item));
	expect_none(ic, &k[2]);
	for (int i = 0; i < 6; i++) {
		const char *d;
		size_t n;
		const struct item_entry *e;

		if (i == 1 || i == 2)
			continue;
		e = item_cache_get(ic, &k[i], &d, &n);
		assert_non_null(e);
		assert_int_equal(n, sizeof(item));
		assert_int_equal(d[0], i == 0 ? 'a' : 'a' + i);
		assert_int_equal(d[n - 1], d[0]);
		item_cache_release(ic, e);
	}
	item_cache_stats(ic, &s);
	assert_int_equal(s.entries, 4);
	assert_int_equal(s.evictions, 2);
	assert_int_equal(s.bytes, 4 * cost);
	item_cache_free(ic);
}

static void
test_oversized_not_stored(void **state)
{
	char big[400];
	struct item_cache *ic = item_cache_new(4 * 100 +
	    4 * item_cache_overhead());
	struct item_cache_stats s;

	(void)state;
	memset(big, 'b', sizeof(big));
	item_cache_put(ic, &K1, big, 101);
	expect_none(ic, &K1);
	item_cache_put(ic, &K1, big, 100);
	expect_item(ic, &K1, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	item_cache_stats(ic, &s);
	assert_int_equal(s.entries, 1);
	item_cache_free(ic);
}

static void
test_reference_outlives_eviction(void **state)
{
	struct item_cache *ic = item_cache_new(0);
	struct item_key newer = K1;
	const struct item_entry *e;
	const char *d;
	size_t n;

	(void)state;
	newer.seq++;
	item_cache_put(ic, &K1, "held bytes", 10);
	e = item_cache_get(ic, &K1, &d, &n);
	assert_non_null(e);
	item_cache_put(ic, &newer, "new", 3);	/* drops K1's item */
	expect_none(ic, &K1);
	assert_int_equal(n, 10);
	assert_memory_equal(d, "held bytes", 10);
	item_cache_release(ic, e);
	expect_item(ic, &newer, "new");
	item_cache_free(ic);
}

/* Enough revisions to grow the table several times; all found. */
static void
test_many_revisions(void **state)
{
	struct item_cache *ic = item_cache_new(0);
	struct item_cache_stats s;
	char text[32];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		struct item_key k = { i, 1, 0 };
		int n = snprintf(text, sizeof(text), "item %d", i);

		item_cache_put(ic, &k, text, (size_t)n);
	}
	for (int i = 0; i < 5000; i++) {
		struct item_key k = { i, 1, 0 };

		snprintf(text, sizeof(text), "item %d", i);
		expect_item(ic, &k, text);
	}
	item_cache_stats(ic, &s);
	assert_int_equal(s.entries, 5000);
	assert_int_equal(s.hits, 5000);
	assert_int_equal(s.evictions, 0);
	item_cache_free(ic);
}

/* ---- threads ---- */

#define T_THREADS	4
#define T_ROUNDS	20000
#define T_KEYS		64
#define T_ITEM		100

static struct item_cache *shared;
static int thread_bad[T_THREADS];

/* The bytes of key rid/seq: every byte says which key it belongs to. */
static void
t_item(int64_t rid, int64_t seq, char *out)
{
	memset(out, 'A' + (int)(rid % 26), T_ITEM);
	out[0] = (char)('0' + (int)(seq % 10));
}

static void *
t_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	unsigned x = 12345u + (unsigned)id * 7919u;
	char want[T_ITEM];

	for (int i = 0; i < T_ROUNDS; i++) {
		struct item_key k;
		const struct item_entry *e;
		const char *d;
		size_t n;

		x = x * 1103515245u + 12345u;	/* fixed sequence per thread */
		k.rid = (int64_t)((x >> 8) % T_KEYS);
		k.seq = (int64_t)((x >> 20) % 3);
		k.variant = (x >> 24) & 1u;
		t_item(k.rid, k.seq, want);
		e = item_cache_get(shared, &k, &d, &n);
		if (e == NULL) {
			item_cache_put(shared, &k, want, sizeof(want));
			continue;
		}
		if (n != sizeof(want) || memcmp(d, want, n) != 0)
			thread_bad[id]++;
		item_cache_release(shared, e);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	size_t cost = T_ITEM + item_cache_overhead();
	pthread_t th[T_THREADS];
	struct item_cache_stats s;

	(void)state;
	shared = item_cache_new(16 * cost);
	for (int i = 0; i < T_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, t_worker,
		    (void *)(intptr_t)i), 0);
	for (int i = 0; i < T_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(thread_bad[i], 0);
	}
	item_cache_stats(shared, &s);
	assert_int_equal(s.hits + s.misses, (uint64_t)T_THREADS * T_ROUNDS);
	assert_true(s.hits > 0);
	assert_true(s.evictions > 0);
	assert_true(s.entries <= 16);
	assert_int_equal(s.bytes, s.entries * cost);
	item_cache_free(shared);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_miss_then_hit),
		cmocka_unit_test(test_key_separation),
		cmocka_unit_test(test_invalidation_on_change_number),
		cmocka_unit_test(test_eviction_under_budget),
		cmocka_unit_test(test_oversized_not_stored),
		cmocka_unit_test(test_reference_outlives_eviction),
		cmocka_unit_test(test_many_revisions),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
