/*
 * holder.c — the current catalog snapshot shared by the HTTP worker
 * threads: reference counted, rebuilt in one thread when the store's
 * change counter moves while the others go on with the old snapshot.
 * See catalog.h.
 *
 * wsusd has one holder for both protocols (created by
 * src/daemon/services.c): MS-WUSP reads it with catalog_holder_get(),
 * which re-checks the counter at most every poll_ms, MS-WSUSSS with
 * catalog_holder_get_at(), which answers at the counter its caller has
 * just read whatever poll_ms says.  Both go through the same build_lock,
 * so a build either starts serves the other and only one snapshot (two
 * during a rebuild) is in memory.
 *
 * Not here: the build itself (load.c).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- the holder ---- */

struct catalog_holder {
	pthread_mutex_t	 lock;		/* protects cur */
	pthread_mutex_t	 build_lock;	/* one build at a time */
	const struct catalog *cur;	/* owned reference */
	struct catalog_options opts;
	unsigned	 poll_ms;
	int64_t		 last_check;	/* monotonic ms; atomic */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct catalog_holder *
catalog_holder_new(const struct catalog_options *opts, unsigned poll_ms)
{
	struct catalog_holder *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->build_lock, NULL);
	if (opts != NULL)
		h->opts = *opts;
	else
		catalog_options_default(&h->opts);
	h->poll_ms = poll_ms;
	h->last_check = INT64_MIN / 2;
	return h;
}

void
catalog_holder_free(struct catalog_holder *h)
{
	if (h == NULL)
		return;
	catalog_release(h->cur);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->build_lock);
	free(h);
}

static const struct catalog *
holder_current(struct catalog_holder *h)
{
	const struct catalog *c;

	pthread_mutex_lock(&h->lock);
	c = catalog_ref(h->cur);
	pthread_mutex_unlock(&h->lock);
	return c;
}

/* With build_lock held: rebuild if needed.  0 or -1. */
static int
holder_refresh_locked(struct catalog_holder *h, struct store *st, bool force,
    char *err, size_t errlen)
{
	const struct catalog *old;
	struct catalog *c;
	int64_t seq;
	int rc;

	__atomic_store_n(&h->last_check, mono_ms(), __ATOMIC_RELAXED);
	if (!force) {
		if ((rc = store_change_seq(st, &seq)) != STORE_OK) {
			snprintf(err, errlen, "reading the change counter: %s",
			    store_errmsg(st));
			return -1;
		}
		pthread_mutex_lock(&h->lock);
		rc = h->cur != NULL && h->cur->change_seq == seq;
		pthread_mutex_unlock(&h->lock);
		if (rc)
			return 0;
	}
	if (catalog_build(st, &h->opts, &c, err, errlen) == -1)
		return -1;
	/* Revisions never change: keep what was read of them (cur cannot
	 * change meanwhile: build_lock is held). */
	old = holder_current(h);
	cat_extprops_carry(c, old);
	catalog_release(old);
	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = c;
	pthread_mutex_unlock(&h->lock);
	catalog_release(old);
	log_debug("catalog: snapshot at change %lld, %zu revisions",
	    (long long)c->change_seq, c->nrevs);
	return 0;
}

int
catalog_holder_refresh(struct catalog_holder *h, struct store *st, bool force,
    char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&h->build_lock);
	rc = holder_refresh_locked(h, st, force, err, errlen);
	pthread_mutex_unlock(&h->build_lock);
	return rc;
}

const struct catalog *
catalog_holder_get(struct catalog_holder *h, struct store *st)
{
	const struct catalog *c;
	char err[256];
	int64_t now;

	c = holder_current(h);
	if (st == NULL)
		return c;
	if (c == NULL) {
		/* Nothing to serve yet: wait for (or do) the first build. */
		pthread_mutex_lock(&h->build_lock);
		if ((c = holder_current(h)) == NULL &&
		    holder_refresh_locked(h, st, true, err, sizeof(err)) == -1)
			log_warnx("catalog: %s", err);
		pthread_mutex_unlock(&h->build_lock);
		return c != NULL ? c : holder_current(h);
	}
	now = mono_ms();
	if (now - __atomic_load_n(&h->last_check, __ATOMIC_RELAXED) <
	    (int64_t)h->poll_ms)
		return c;
	/* One thread checks; the others go on with what they have. */
	if (pthread_mutex_trylock(&h->build_lock) != 0)
		return c;
	if (holder_refresh_locked(h, st, false, err, sizeof(err)) == -1)
		log_warnx("catalog: %s; serving the previous snapshot", err);
	pthread_mutex_unlock(&h->build_lock);
	catalog_release(c);
	return holder_current(h);
}

const struct catalog *
catalog_holder_get_at(struct catalog_holder *h, struct store *st, int64_t seq,
    char *err, size_t errlen)
{
	const struct catalog *c;

	c = holder_current(h);
	if (c != NULL && c->change_seq == seq)
		return c;
	catalog_release(c);
	/* Wait for a build in progress; it may already be new enough. */
	pthread_mutex_lock(&h->build_lock);
	c = holder_current(h);
	if (c == NULL || c->change_seq < seq) {
		catalog_release(c);
		c = NULL;
		if (holder_refresh_locked(h, st, true, err, errlen) == 0)
			c = holder_current(h);
	}
	pthread_mutex_unlock(&h->build_lock);
	return c;
}
