/*
 * cache.c — the metadata cache of a simulated client: the revisions it
 * holds (struct scan_state, found by revision id and by update id, only
 * the newest revision of an update kept), the parsed core fragments a
 * load thread shares between its sessions (struct core_cache), and the
 * protocol warnings noticed on the way.
 *
 * Not here: what the cached updates mean for the machine
 * (evaluation.c), how they get into the cache (passes.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/scan_internal.h"
#include "util/encode.h"
#include "util/xmalloc.h"

/* ---- core cache (load mode) ----------------------------------------------- */

struct cc_entry {
	int32_t		 id;
	uint64_t	 hash;
	size_t		 len;
	struct core	*core;
};

struct core_cache {
	struct cc_entry	*slots;
	size_t		 cap, n;
};

struct core_cache *
core_cache_new(void)
{
	struct core_cache *c = xcalloc(1, sizeof(*c));

	c->cap = 1024;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	return c;
}

void
core_cache_free(struct core_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		if (c->slots[i].core != NULL) {
			core_free(c->slots[i].core);
			free(c->slots[i].core);
		}
	}
	free(c->slots);
	free(c);
}

static uint64_t
fnv64(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct cc_entry *
cc_slot(struct core_cache *c, int32_t id)
{
	size_t i = ((uint32_t)id * 2654435761u) & (c->cap - 1);

	while (c->slots[i].core != NULL && c->slots[i].id != id)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static void
cc_grow(struct core_cache *c)
{
	struct cc_entry *old = c->slots;
	size_t oldcap = c->cap;

	c->cap *= 2;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].core != NULL)
			*cc_slot(c, old[i].id) = old[i];
	free(old);
}

/* ---- tables ----------------------------------------------------------------- */

struct scan_state *
scan_state_new(void)
{
	struct scan_state *st = xcalloc(1, sizeof(*st));

	st->idcap = st->ucap = 1024;
	st->idmap = xcalloc(st->idcap, sizeof(uint32_t));
	st->umap = xcalloc(st->ucap, sizeof(uint32_t));
	return st;
}

static void
rev_clear(struct rev *r)
{
	if (r->core != NULL && !r->core_cached) {
		core_free(r->core);
		free(r->core);
	}
	r->core = NULL;
	ext_free(&r->ext);
	free(r->message);
	r->message = NULL;
}

void
scan_state_free(struct scan_state *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n; i++)
		rev_clear(&st->v[i]);
	free(st->v);
	free(st->idmap);
	free(st->umap);
	for (size_t i = 0; i < st->nfiles; i++)
		free(st->files[i].url);
	free(st->files);
	for (size_t i = 0; i < st->nwarnings; i++)
		free(st->warnings[i]);
	free(st);
}


void
scan_warn(struct scan_state *st, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (st->nwarnings >= MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->warnings[st->nwarnings++] = xstrdup(msg);
}

static uint32_t *
id_slot(struct scan_state *st, int32_t id)
{
	size_t i = ((uint32_t)id * 2654435761u) & (st->idcap - 1);

	while (st->idmap[i] != 0 && st->v[st->idmap[i] - 1].id != id)
		i = (i + 1) & (st->idcap - 1);
	return &st->idmap[i];
}

static uint32_t *
u_slot(struct scan_state *st, const struct guid *g)
{
	size_t i = guid_hash(g) & (st->ucap - 1);

	while (st->umap[i] != 0 &&
	    guid_cmp(&st->v[st->umap[i] - 1].core->id, g) != 0)
		i = (i + 1) & (st->ucap - 1);
	return &st->umap[i];
}

static void
rebuild_maps(struct scan_state *st)
{
	while (st->idcap < 2 * (st->n + 1))
		st->idcap *= 2;
	while (st->ucap < 2 * (st->n + 1))
		st->ucap *= 2;
	free(st->idmap);
	free(st->umap);
	st->idmap = xcalloc(st->idcap, sizeof(uint32_t));
	st->umap = xcalloc(st->ucap, sizeof(uint32_t));
	st->idcount = st->ucount = 0;
	for (size_t i = 0; i < st->n; i++) {
		struct rev *r = &st->v[i];
		uint32_t *s;
		if (!r->alive)
			continue;
		*id_slot(st, r->id) = (uint32_t)i + 1;
		st->idcount++;
		s = u_slot(st, &r->core->id);
		if (*s == 0)
			st->ucount++;
		*s = (uint32_t)i + 1;
	}
}

struct rev *
scan_by_id(struct scan_state *st, int32_t id)
{
	uint32_t s = *id_slot(st, id);

	return s != 0 && st->v[s - 1].alive ? &st->v[s - 1] : NULL;
}

struct rev *
scan_by_uid(const struct scan_state *st, const struct guid *g)
{
	uint32_t s = *u_slot((struct scan_state *)st, g);

	return s != 0 && st->v[s - 1].alive ? &st->v[s - 1] : NULL;
}

void
scan_kill(struct scan_state *st, struct rev *r)
{
	(void)st;
	r->alive = false;
	r->installed = r->needed = r->prereq_ok = false;
}

/* Compact dead revisions away and rebuild the maps. */
void
scan_compact(struct scan_state *st)
{
	size_t o = 0;

	for (size_t i = 0; i < st->n; i++) {
		if (!st->v[i].alive) {
			rev_clear(&st->v[i]);
			continue;
		}
		st->v[o++] = st->v[i];
	}
	st->n = o;
	rebuild_maps(st);
}

/* Add or replace revision id with core c; returns it. */
struct rev *
scan_put(struct scan_state *st, int32_t id, struct core *c, bool cached)
{
	struct rev *r = scan_by_id(st, id), *old;
	bool is_new = r == NULL;
	uint32_t *slot;

	if (r != NULL)
		rev_clear(r);
	else {
		if (st->n == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 256;
			st->v = xreallocarray(st->v, st->cap, sizeof(*st->v));
		}
		r = &st->v[st->n++];
	}
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->core = c;
	r->core_cached = cached;
	r->alive = true;
	/* only the newest revision of an update is kept */
	if ((old = scan_by_uid(st, &c->id)) != NULL && old != r) {
		char g[GUID_STRLEN + 1];
		guid_format(&c->id, g, false);
		scan_warn(st, "revision %d (%s r%d) arrived while revision %d of "
		    "the same update was cached and not declared out of scope",
		    id, g, c->revision, old->id);
		scan_kill(st, old);
	}
	if ((st->idcount + 1) * 2 > st->idcap ||
	    (st->ucount + 1) * 2 > st->ucap) {
		rebuild_maps(st);
		return r;
	}
	if (is_new) {
		*id_slot(st, id) = (uint32_t)(r - st->v) + 1;
		st->idcount++;
	}
	slot = u_slot(st, &c->id);
	if (*slot == 0)
		st->ucount++;
	*slot = (uint32_t)(r - st->v) + 1;
	return r;
}

struct core *
scan_get_core(struct scan_state *st, const struct scan_opts *o,
    const struct machine *m, const struct wmsg_update *u, bool *cached,
    char *err, size_t errlen)
{
	struct core *c;
	struct cc_entry *e = NULL;
	uint64_t h = 0;

	*cached = false;
	if (o->cache != NULL) {
		h = fnv64(u->xml, u->xml_len);
		e = cc_slot(o->cache, u->id);
		if (e->core != NULL && e->hash == h && e->len == u->xml_len) {
			*cached = true;
			return e->core;
		}
	}
	c = xcalloc(1, sizeof(*c));
	if (core_parse(u->xml, u->xml_len, m, c, err, errlen) == -1) {
		free(c);
		return NULL;
	}
	if (o->cache != NULL) {
		if (e->core != NULL) {
			/* a different fragment under the same id: keep ours */
			scan_warn(st, "revision %d: the server sent a different core "
			    "fragment than to an earlier client", u->id);
			return c;
		}
		e->id = u->id;
		e->hash = h;
		e->len = u->xml_len;
		e->core = c;
		o->cache->n++;
		if (o->cache->n * 2 > o->cache->cap)
			cc_grow(o->cache);
		*cached = true;
	}
	return c;
}
