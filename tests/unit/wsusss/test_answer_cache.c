/*
 * test_answer_cache.c — the finished GetUpdateData answer cache
 * (src/wsusss/answer_cache.c): a miss, then a hit with the exact bytes;
 * keys compared whole (same length, one byte apart; a prefix); the
 * change number as a generation (a lookup of another number misses, a
 * newer answer drops every older one, an older answer is not stored);
 * eviction least recently used first under the byte budget; an answer
 * over a quarter of the budget served but not kept; references keeping
 * bytes valid after eviction and after the cache is freed; the
 * counters; four threads sharing one small cache.  No store, no HTTP.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wsusss/answer_cache.h"

static char *
dup_str(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

/* Store s under key/seq; the caller's reference dropped. */
static void
put(struct answer_cache *ac, const char *key, int64_t seq, const char *s)
{
	const char *out = NULL;
	struct answer_entry *e;

	e = answer_cache_put(ac, key, strlen(key), seq, dup_str(s), strlen(s),
	    &out);
	assert_non_null(e);
	assert_non_null(out);
	assert_memory_equal(out, s, strlen(s));
	answer_entry_release(e);
}

static void
expect_answer(struct answer_cache *ac, const char *key, int64_t seq,
    const char *want)
{
	struct answer_entry *e;
	const char *data;
	size_t len;

	e = answer_cache_get(ac, key, strlen(key), seq, &data, &len);
	assert_non_null(e);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	answer_entry_release(e);
}

static void
expect_none(struct answer_cache *ac, const char *key, int64_t seq)
{
	const char *data = "x";
	size_t len = 1;

	assert_null(answer_cache_get(ac, key, strlen(key), seq, &data, &len));
	assert_null(data);
	assert_int_equal(len, 0);
}

static void
test_miss_then_hit(void **state)
{
	struct answer_cache *ac = answer_cache_new(0);
	struct answer_cache_stats s;

	(void)state;
	expect_none(ac, "k1", 5);
	put(ac, "k1", 5, "<answer one/>");
	expect_answer(ac, "k1", 5, "<answer one/>");
	expect_answer(ac, "k1", 5, "<answer one/>");
	answer_cache_stats(ac, &s);
	assert_int_equal(s.hits, 2);
	assert_int_equal(s.misses, 1);
	assert_int_equal(s.entries, 1);
	assert_int_equal(s.bytes, strlen("<answer one/>") + 2 +
	    answer_cache_overhead());
	assert_int_equal(s.generation, 5);
	assert_int_equal(s.evictions, 0);
	assert_int_equal(s.invalidations, 0);
	answer_cache_free(ac);
}

static void
test_whole_key(void **state)
{
	struct answer_cache *ac = answer_cache_new(0);
	struct answer_cache_stats s;

	(void)state;
	put(ac, "abcd", 1, "A");
	put(ac, "abce", 1, "B");
	put(ac, "abcdx", 1, "C");
	expect_answer(ac, "abcd", 1, "A");
	expect_answer(ac, "abce", 1, "B");
	expect_answer(ac, "abcdx", 1, "C");
	expect_none(ac, "abc", 1);
	expect_none(ac, "abcf", 1);
	/* the same key again keeps the first answer */
	put(ac, "abcd", 1, "other");
	expect_answer(ac, "abcd", 1, "A");
	answer_cache_stats(ac, &s);
	assert_int_equal(s.entries, 3);
	answer_cache_free(ac);
}

static void
test_generation(void **state)
{
	struct answer_cache *ac = answer_cache_new(0);
	struct answer_cache_stats s;

	(void)state;
	put(ac, "k1", 10, "old one");
	put(ac, "k2", 10, "old two");
	/* another change number: a miss, whichever way */
	expect_none(ac, "k1", 11);
	expect_none(ac, "k1", 9);
	expect_answer(ac, "k1", 10, "old one");
	/* an answer of a newer snapshot drops both older ones */
	put(ac, "k1", 11, "new one");
	expect_answer(ac, "k1", 11, "new one");
	expect_none(ac, "k2", 11);
	expect_none(ac, "k2", 10);
	answer_cache_stats(ac, &s);
	assert_int_equal(s.invalidations, 2);
	assert_int_equal(s.entries, 1);
	assert_int_equal(s.generation, 11);
	/* a call that built on an older snapshot: served, not stored */
	put(ac, "k3", 10, "late");
	expect_none(ac, "k3", 10);
	expect_none(ac, "k3", 11);
	answer_cache_stats(ac, &s);
	assert_int_equal(s.entries, 1);
	assert_int_equal(s.bytes, strlen("new one") + 2 +
	    answer_cache_overhead());
	answer_cache_free(ac);
}

static void
test_eviction_lru(void **state)
{
	size_t unit = 100 + 2 + answer_cache_overhead();
	struct answer_cache *ac = answer_cache_new(4 * unit);
	struct answer_cache_stats s;
	char big[101];

	(void)state;
	memset(big, 'x', 100);
	big[100] = '\0';
	put(ac, "k1", 1, big);
	put(ac, "k2", 1, big);
	put(ac, "k3", 1, big);
	put(ac, "k4", 1, big);
	expect_answer(ac, "k1", 1, big);	/* k2 is now the oldest */
	put(ac, "k5", 1, big);
	expect_none(ac, "k2", 1);
	expect_answer(ac, "k1", 1, big);
	expect_answer(ac, "k3", 1, big);
	expect_answer(ac, "k4", 1, big);
	expect_answer(ac, "k5", 1, big);
	answer_cache_stats(ac, &s);
	assert_int_equal(s.evictions, 1);
	assert_int_equal(s.entries, 4);
	assert_int_equal(s.bytes, 4 * unit);
	answer_cache_free(ac);
}

static void
test_oversized(void **state)
{
	struct answer_cache *ac = answer_cache_new(4000);
	struct answer_cache_stats s;
	struct answer_entry *e;
	const char *out;
	char *big = malloc(1001);

	(void)state;
	assert_non_null(big);
	memset(big, 'y', 1000);
	big[1000] = '\0';
	e = answer_cache_put(ac, "k", 1, 1, big, 1000, &out);
	/* the caller still gets its bytes, by reference */
	assert_non_null(e);
	assert_ptr_equal(out, big);
	expect_none(ac, "k", 1);
	answer_entry_release(e);
	answer_cache_stats(ac, &s);
	assert_int_equal(s.entries, 0);
	assert_int_equal(s.bytes, 0);
	answer_cache_free(ac);
}

static void
test_reference_outlives(void **state)
{
	size_t unit = 10 + 2 + answer_cache_overhead();
	struct answer_cache *ac = answer_cache_new(4 * unit + 4);
	struct answer_entry *e, *e2;
	const char *data, *d2;
	size_t len, l2;

	(void)state;
	put(ac, "k1", 1, "0123456789");
	e = answer_cache_get(ac, "k1", 2, 1, &data, &len);
	assert_non_null(e);
	/* evicted by others, then invalidated by a newer generation */
	put(ac, "k2", 1, "aaaaaaaaaa");
	put(ac, "k3", 1, "bbbbbbbbbb");
	put(ac, "k4", 1, "cccccccccc");
	put(ac, "k5", 1, "dddddddddd");
	expect_none(ac, "k1", 1);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "0123456789", 10);
	e2 = answer_cache_get(ac, "k5", 2, 1, &d2, &l2);
	assert_non_null(e2);
	/* the cache freed while both are held: still valid */
	answer_cache_free(ac);
	assert_memory_equal(data, "0123456789", 10);
	assert_memory_equal(d2, "dddddddddd", 10);
	answer_entry_release(e);
	answer_entry_release(e2);
	answer_entry_release(NULL);
}

#define T_THREADS	4
#define T_ROUNDS	4000

static struct answer_cache *shared;

/* Every answer read is the one stored under its key; gen moves. */
static void *
t_worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;

	for (int i = 0; i < T_ROUNDS; i++) {
		char key[32], want[64];
		struct answer_entry *e;
		const char *data;
		size_t len;
		int k, seq;

		seed = seed * 1103515245u + 12345u;
		k = (int)((seed >> 8) % 50);
		seq = i / 1000;
		snprintf(key, sizeof(key), "key-%d", k);
		snprintf(want, sizeof(want), "answer %d at %d", k, seq);
		e = answer_cache_get(shared, key, strlen(key), seq, &data,
		    &len);
		if (e != NULL) {
			if (len != strlen(want) || memcmp(data, want, len) != 0)
				return (void *)1;
			answer_entry_release(e);
			continue;
		}
		e = answer_cache_put(shared, key, strlen(key), seq,
		    dup_str(want), strlen(want), &data);
		if (memcmp(data, want, strlen(want)) != 0)
			return (void *)1;
		answer_entry_release(e);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	pthread_t th[T_THREADS];
	struct answer_cache_stats s;
	void *rv;

	(void)state;
	shared = answer_cache_new(20 * (20 + answer_cache_overhead()));
	for (int i = 0; i < T_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, t_worker,
		    (void *)(uintptr_t)(i + 1)), 0);
	for (int i = 0; i < T_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
	}
	answer_cache_stats(shared, &s);
	assert_true(s.bytes <= 20 * (20 + answer_cache_overhead()));
	assert_int_equal(s.hits + s.misses, T_THREADS * T_ROUNDS);
	answer_cache_free(shared);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_miss_then_hit),
		cmocka_unit_test(test_whole_key),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_eviction_lru),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_reference_outlives),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
