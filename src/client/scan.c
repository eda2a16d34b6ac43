/*
 * scan.c — one detection cycle of a simulated client.  See scan.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "client/applic.h"
#include "client/client.h"
#include "client/extinfo.h"
#include "client/scan.h"
#include "util/encode.h"
#include "util/xmalloc.h"

#define MAX_WARNINGS	64
#define EVENTS_PER_BATCH 50

/* HRESULTs the simulated client reports. */
#define HR_DOWNLOAD_FAILED	((int32_t)0x80246007)	/* WU_E_DM_NOTDOWNLOADED */
#define HR_HASH_MISMATCH	((int32_t)0x80246002)	/* WU_E_DM_INCORRECTFILEHASH */
#define HR_INSTALL_FAILED	((int32_t)0x80070643)	/* ERROR_INSTALL_FAILURE */

enum outcome { O_NONE, O_DOWNLOADED, O_DOWNLOAD_FAILED, O_INSTALLED,
	O_INSTALL_FAILED };

struct rev {
	int32_t		 id;
	bool		 alive;
	bool		 is_leaf;
	bool		 driver_pass;	/* came from the driver pass */
	char		 action[24];
	int32_t		 deployment_id;
	char		 deadline[40];
	struct core	*core;		/* owned unless core_cached */
	bool		 core_cached;
	bool		 prereq_ok, installed, needed;
	bool		 part;		/* needed part of a needed bundle */
	struct ext_info	 ext;
	enum outcome	 outcome;
	int32_t		 hresult;
	uint64_t	 bytes;
	char		*message;	/* owned; why it failed */
};

struct fileloc {
	uint8_t		 sha1[20];
	char		*url;		/* owned */
};

struct scan_state {
	struct rev	*v;
	size_t		 n, cap;
	uint32_t	*idmap;		/* revision id -> index + 1 */
	size_t		 idcap;
	uint32_t	*umap;		/* update id -> index + 1 */
	size_t		 ucap, ucount, idcount;
	struct fileloc	*files;
	size_t		 nfiles;
	char		*warnings[MAX_WARNINGS];
	size_t		 nwarnings;
	bool		 evaluated;
};

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

static void
warn(struct scan_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct scan_state *st, const char *fmt, ...)
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

static struct rev *
by_id(struct scan_state *st, int32_t id)
{
	uint32_t s = *id_slot(st, id);

	return s != 0 && st->v[s - 1].alive ? &st->v[s - 1] : NULL;
}

static struct rev *
by_uid(const struct scan_state *st, const struct guid *g)
{
	uint32_t s = *u_slot((struct scan_state *)st, g);

	return s != 0 && st->v[s - 1].alive ? &st->v[s - 1] : NULL;
}

static void
kill(struct scan_state *st, struct rev *r)
{
	(void)st;
	r->alive = false;
	r->installed = r->needed = r->prereq_ok = false;
}

/* Compact dead revisions away and rebuild the maps. */
static void
compact(struct scan_state *st)
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
static struct rev *
put(struct scan_state *st, int32_t id, struct core *c, bool cached)
{
	struct rev *r = by_id(st, id), *old;
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
	if ((old = by_uid(st, &c->id)) != NULL && old != r) {
		char g[GUID_STRLEN];
		guid_format(&c->id, g, false);
		warn(st, "revision %d (%s r%d) arrived while revision %d of "
		    "the same update was cached and not declared out of scope",
		    id, g, c->revision, old->id);
		kill(st, old);
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

/* ---- evaluation ---------------------------------------------------------------- */

static bool
uid_installed(const struct scan_state *st, const struct machine *m,
    const struct guid *g)
{
	const struct rev *r;

	if (machine_is_installed(m, g))
		return true;
	r = by_uid(st, g);
	return r != NULL && r->installed;
}

static bool
prereqs_ok(const struct scan_state *st, const struct machine *m,
    const struct rev *r)
{
	const struct core *c = r->core;

	for (size_t i = 0; i < c->nprereqs; i++) {
		const struct clause *cl = &c->prereqs[i];
		bool ok = false;
		for (uint32_t k = 0; k < cl->n && !ok; k++)
			ok = uid_installed(st, m, &c->prereq_ids[cl->first + k]);
		if (!ok)
			return false;
	}
	return true;
}

static bool
compute_installed(const struct scan_state *st, const struct machine *m,
    const struct rev *r)
{
	const struct core *c = r->core;
	size_t known = 0;

	if (machine_is_installed(m, &c->id))
		return true;
	if (!r->prereq_ok)
		return false;
	for (size_t i = 0; i < c->nbundles; i++) {
		const struct clause *g = &c->bundles[i];
		bool any_known = false, any_installed = false;
		for (uint32_t k = 0; k < g->n; k++) {
			const struct rev *mem = by_uid(st,
			    &c->bundle_ids[g->first + k]);
			if (mem == NULL)
				continue;
			any_known = true;
			if (mem->installed)
				any_installed = true;
		}
		if (any_known) {
			known++;
			if (!any_installed)
				return false;
		}
	}
	if (known > 0)
		return true;
	if (c->is_installed >= 0)
		return c->is_installed != 0;
	return c->type == UT_CATEGORY;
}

static bool
hwid_match(const struct machine *m, const struct core *c)
{
	for (size_t i = 0; i < c->nhwids; i++)
		for (size_t d = 0; d < m->ndevices; d++) {
			for (size_t k = 0; k < m->devices[d].nhwids; k++)
				if (strcasecmp(c->hwids[i],
				    m->devices[d].hwids[k]) == 0)
					return true;
			for (size_t k = 0; k < m->devices[d].ncompat; k++)
				if (strcasecmp(c->hwids[i],
				    m->devices[d].compat[k]) == 0)
					return true;
		}
	return false;
}

static bool
compute_needed(const struct scan_state *st, const struct machine *m,
    const struct rev *r, int depth)
{
	const struct core *c = r->core;
	size_t known = 0;
	bool any_needed = false;

	if (r->installed || !r->prereq_ok || depth > 8)
		return false;
	if (c->type == UT_DRIVER)
		return hwid_match(m, c) && c->is_installable != 0;
	for (size_t i = 0; i < c->nbundle_ids; i++) {
		const struct rev *mem = by_uid(st, &c->bundle_ids[i]);
		if (mem == NULL)
			continue;
		known++;
		if (compute_needed(st, m, mem, depth + 1))
			any_needed = true;
	}
	if (known > 0)
		return any_needed && c->is_installable != 0;
	return c->is_installable != 0;
}

static bool reportable(const struct rev *);

/* Mark the needed parts of bundle r, through nested bundles. */
static void
mark_parts(struct scan_state *st, const struct rev *r, int depth)
{
	if (depth > 8)
		return;
	for (size_t k = 0; k < r->core->nbundle_ids; k++) {
		struct rev *m = by_uid(st, &r->core->bundle_ids[k]);
		if (m == NULL || !m->needed || m->part)
			continue;
		m->part = true;
		mark_parts(st, m, depth + 1);
	}
}

static void
evaluate(struct scan_state *st, const struct machine *m)
{
	bool changed = true;
	unsigned passes = 0;

	for (size_t i = 0; i < st->n; i++)
		st->v[i].installed = st->v[i].prereq_ok = st->v[i].needed =
		    false;
	/* monotone: values only turn true, so this ends */
	while (changed && passes++ <= st->n + 1) {
		changed = false;
		for (size_t i = 0; i < st->n; i++) {
			struct rev *r = &st->v[i];
			bool p, inst;
			if (!r->alive)
				continue;
			p = prereqs_ok(st, m, r);
			if (p != r->prereq_ok) {
				r->prereq_ok = p;
				changed = true;
			}
			inst = compute_installed(st, m, r);
			if (inst != r->installed) {
				r->installed = inst;
				changed = true;
			}
		}
	}
	for (size_t i = 0; i < st->n; i++) {
		struct rev *r = &st->v[i];
		r->part = false;
		if (r->alive && (r->core->type == UT_SOFTWARE ||
		    r->core->type == UT_DRIVER))
			r->needed = compute_needed(st, m, r, 0);
	}
	for (size_t i = 0; i < st->n; i++)
		if (reportable(&st->v[i]) && st->v[i].needed)
			mark_parts(st, &st->v[i], 0);
	st->evaluated = true;
}

/* Leaf updates the client reports (not dependencies or bundle parts). */
static bool
reportable(const struct rev *r)
{
	return r->alive && r->is_leaf && (r->core->type == UT_SOFTWARE ||
	    r->core->type == UT_DRIVER) && strcmp(r->action, "Evaluate") != 0 &&
	    strcmp(r->action, "Bundle") != 0;
}

static bool
to_install(const struct rev *r)
{
	return reportable(r) && r->needed && strcmp(r->action, "Install") == 0;
}

/* ---- SyncUpdates ---------------------------------------------------------------- */

static int
cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

struct sync_ctx {
	struct scan_state	*st;
	const struct scan_opts	*o;
	bool			 drivers;
	bool			 first;
	int32_t			*inl, *other, *drv;
	size_t			 ninl, nother, ndrv;
};

static void
build_lists(struct sync_ctx *x)
{
	struct scan_state *st = x->st;

	free(x->inl);
	free(x->other);
	free(x->drv);
	x->inl = xcalloc(st->n + 1, sizeof(int32_t));
	x->other = xcalloc(st->n + 1, sizeof(int32_t));
	x->drv = xcalloc(st->n + 1, sizeof(int32_t));
	x->ninl = x->nother = x->ndrv = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		if (!r->alive)
			continue;
		if (!r->is_leaf && r->installed)
			x->inl[x->ninl++] = r->id;
		else if (r->driver_pass)
			x->drv[x->ndrv++] = r->id;
		else
			x->other[x->nother++] = r->id;
	}
	qsort(x->inl, x->ninl, sizeof(int32_t), cmp_i32);
	qsort(x->other, x->nother, sizeof(int32_t), cmp_i32);
	qsort(x->drv, x->ndrv, sizeof(int32_t), cmp_i32);
}

static int
build_sync(struct buf *b, void *arg, struct wc_session *s)
{
	struct sync_ctx *x = arg;
	struct wmsg_sync_params p;

	memset(&p, 0, sizeof(p));
	p.skip_software = x->drivers;
	p.send_ids = !x->first;
	p.installed_nonleaf = x->inl;
	p.ninstalled_nonleaf = x->ninl;
	p.other_cached = x->other;
	p.nother_cached = x->nother;
	p.cached_drivers = x->drv;
	p.ncached_drivers = x->ndrv;
	p.filter_categories = x->drivers ? NULL : x->o->filter;
	p.nfilter_categories = x->drivers ? 0 : x->o->nfilter;
	p.device_attributes = s->device_attributes;
	p.caller_attributes = wmsg_caller_attributes(s->m);
	return wmsg_sync_updates(b, &s->cookie, &p, s->m);
}

static struct core *
get_core(struct scan_state *st, const struct scan_opts *o,
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
			warn(st, "revision %d: the server sent a different core "
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

static void
set_deployment(struct rev *r, const struct wmsg_update *u)
{
	snprintf(r->action, sizeof(r->action), "%s", u->action);
	r->deployment_id = u->deployment_id;
	snprintf(r->deadline, sizeof(r->deadline), "%s", u->deadline);
	r->is_leaf = u->is_leaf;
}

/* Apply one SyncUpdates answer; the number of revisions new to us. */
static int
apply_sync(struct scan_state *st, const struct scan_opts *o,
    struct wc_session *s, struct wmsg_sync *a, bool drivers, size_t *added,
    size_t *nonleaf, char *err, size_t errlen)
{
	*added = *nonleaf = 0;
	for (size_t i = 0; i < a->nout_of_scope; i++) {
		struct rev *r = by_id(st, a->out_of_scope[i]);
		if (r != NULL)
			kill(st, r);
	}
	for (size_t i = 0; i < a->nnew; i++) {
		const struct wmsg_update *u = &a->new_updates[i];
		struct rev *r = by_id(st, u->id);
		struct core *c;
		bool cached;
		char e2[256];

		if (r != NULL) {
			warn(st, "NewUpdates holds revision %d, which the client "
			    "had sent as cached", u->id);
			set_deployment(r, u);
			continue;
		}
		if ((c = get_core(st, o, s->m, u, &cached, e2,
		    sizeof(e2))) == NULL) {
			snprintf(err, errlen, "revision %d: %s", u->id, e2);
			return -1;
		}
		r = put(st, u->id, c, cached);
		set_deployment(r, u);
		r->driver_pass = drivers;
		(*added)++;
		if (!u->is_leaf)
			(*nonleaf)++;
	}
	for (size_t i = 0; i < a->nchanged; i++) {
		const struct wmsg_update *u = &a->changed[i];
		struct rev *r = by_id(st, u->id);
		if (r == NULL) {
			warn(st, "ChangedUpdates names revision %d, which the "
			    "client does not hold", u->id);
			continue;
		}
		set_deployment(r, u);
	}
	wmsg_cookie_free(&s->cookie);
	s->cookie = a->new_cookie;
	memset(&a->new_cookie, 0, sizeof(a->new_cookie));
	return 0;
}

/* RefreshCache after the server's revision ids changed. */
static int
refresh(struct wc_session *s, struct scan_state *st, char *err, size_t errlen);

static int
sync_pass(struct wc_session *s, struct scan_state *st,
    const struct scan_opts *o, struct scan_result *res, bool drivers,
    int *driver_not_needed, char *err, size_t errlen)
{
	struct sync_ctx x;
	unsigned max = o->max_rounds ? o->max_rounds : 100, rounds = 0;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.st = st;
	x.o = o;
	x.drivers = drivers;
	/* a first software sync sends no id arrays at all, as Windows */
	x.first = !drivers && st->n == 0;
	for (;;) {
		struct soap_request *r;
		struct wmsg_sync a;
		size_t added = 0, nonleaf = 0;
		int cr;

		if (rounds >= max) {
			snprintf(err, errlen, "SyncUpdates: still more after %u "
			    "rounds", max);
			goto done;
		}
		build_lists(&x);
		cr = wc_call(s, drivers ? WC_SYNC_DRIVER : WC_SYNC,
		    s->client_url, WC_ACTION_CLIENT("SyncUpdates"), build_sync,
		    &x, true, &r, err, errlen);
		if (cr == WC_REMAP) {
			res->remaps++;
			if (refresh(s, st, err, errlen) == -1)
				goto done;
			evaluate(st, s->m);
			continue;
		}
		if (cr != WMSG_OK)
			goto done;
		cr = wmsg_read_sync(r, &a, err, errlen);
		if (cr == 0)
			cr = apply_sync(st, o, s, &a, drivers, &added, &nonleaf,
			    err, errlen);
		if (cr == 0 && a.driver_sync_not_needed >= 0)
			*driver_not_needed = a.driver_sync_not_needed;
		soap_request_free(r);
		if (cr == -1) {
			wmsg_sync_free(&a);
			goto done;
		}
		rounds++;
		x.first = false;
		evaluate(st, s->m);
		if (a.nnew == 0 || added == 0) {
			if (a.truncated)
				warn(st, "SyncUpdates said Truncated but sent no "
				    "new revision");
			wmsg_sync_free(&a);
			break;
		}
		if (!a.truncated && nonleaf == 0) {
			wmsg_sync_free(&a);
			break;
		}
		wmsg_sync_free(&a);
	}
	rc = 0;
done:
	if (drivers)
		res->driver_rounds += rounds;
	else
		res->rounds += rounds;
	free(x.inl);
	free(x.other);
	free(x.drv);
	return rc;
}

struct refresh_ctx {
	struct guid	*ids;
	int		*revs;
	size_t		 n;
};

static int
build_refresh(struct buf *b, void *arg, struct wc_session *s)
{
	struct refresh_ctx *x = arg;

	return wmsg_refresh_cache(b, &s->cookie, x->ids, x->revs, x->n);
}

static int
refresh(struct wc_session *s, struct scan_state *st, char *err, size_t errlen)
{
	struct refresh_ctx x;
	struct soap_request *r;
	struct wmsg_update *u = NULL;
	size_t nu = 0;
	int rc;

	x.ids = xcalloc(st->n + 1, sizeof(struct guid));
	x.revs = xcalloc(st->n + 1, sizeof(int));
	x.n = 0;
	for (size_t i = 0; i < st->n; i++) {
		if (!st->v[i].alive)
			continue;
		x.ids[x.n] = st->v[i].core->id;
		x.revs[x.n++] = st->v[i].core->revision;
	}
	rc = wc_call(s, WC_REFRESH, s->client_url,
	    WC_ACTION_CLIENT("RefreshCache"), build_refresh, &x, false, &r, err,
	    errlen);
	free(x.ids);
	free(x.revs);
	if (rc != WMSG_OK)
		return -1;
	rc = wmsg_read_refresh(r, &u, &nu, err, errlen);
	soap_request_free(r);
	if (rc == -1)
		return -1;
	/* every revision not confirmed is dropped (synced again) */
	for (size_t i = 0; i < st->n; i++) {
		struct rev *v = &st->v[i];
		bool found = false;
		if (!v->alive)
			continue;
		for (size_t k = 0; k < nu && !found; k++) {
			if (guid_cmp(&u[k].global_id, &v->core->id) == 0 &&
			    u[k].global_rev == v->core->revision) {
				v->id = u[k].id;
				set_deployment(v, &u[k]);
				found = true;
			}
		}
		if (!found)
			kill(st, v);
	}
	free(u);
	/*
	 * Cores from a load thread's cache stay valid: the cache frees
	 * nothing before it is freed itself.
	 */
	compact(st);
	return 0;
}

/* ---- GetExtendedUpdateInfo -------------------------------------------------------- */

struct ext_ctx {
	const int32_t	*ids;
	size_t		 n;
};

static int
build_ext(struct buf *b, void *arg, struct wc_session *s)
{
	struct ext_ctx *x = arg;

	return wmsg_get_extended(b, &s->cookie, x->ids, x->n,
	    s->device_attributes, wmsg_caller_attributes(s->m));
}

static bool
wants_ext(const struct scan_state *st, const struct rev *r)
{
	if (!r->alive || r->ext.have_extended)
		return false;
	if (r->core->type == UT_CATEGORY)
		return r->installed;
	if (reportable(r))
		return r->needed || r->installed;
	/* parts of a needed bundle carry the files */
	(void)st;
	return r->part;
}

static void
add_fileloc(struct scan_state *st, const struct wmsg_fileloc *f)
{
	for (size_t i = 0; i < st->nfiles; i++)
		if (memcmp(st->files[i].sha1, f->sha1, 20) == 0)
			return;
	st->files = xreallocarray(st->files, st->nfiles + 1,
	    sizeof(*st->files));
	memcpy(st->files[st->nfiles].sha1, f->sha1, 20);
	st->files[st->nfiles].url = xstrdup(f->url);
	st->nfiles++;
}

static int
extended(struct wc_session *s, struct scan_state *st,
    struct scan_result *res, char *err, size_t errlen)
{
	int32_t *ids = xcalloc(st->n + 1, sizeof(int32_t));
	size_t n = 0, batch = s->cfg.max_extended > 0 ?
	    (size_t)s->cfg.max_extended : 50;
	int rc = -1;

	for (size_t i = 0; i < st->n; i++)
		if (wants_ext(st, &st->v[i]))
			ids[n++] = st->v[i].id;
	qsort(ids, n, sizeof(int32_t), cmp_i32);
	for (size_t off = 0; off < n; off += batch) {
		struct ext_ctx x = { ids + off, n - off < batch ? n - off :
		    batch };
		struct soap_request *r;
		struct wmsg_extended e;
		int cr;

		cr = wc_call(s, WC_GET_EXTENDED, s->client_url,
		    WC_ACTION_CLIENT("GetExtendedUpdateInfo"), build_ext, &x,
		    true, &r, err, errlen);
		if (cr == WC_REMAP) {
			/* ids changed under us: one refresh, then start over */
			res->remaps++;
			if (refresh(s, st, err, errlen) == -1)
				goto done;
			free(ids);
			return extended(s, st, res, err, errlen);
		}
		if (cr != WMSG_OK)
			goto done;
		res->extended_calls++;
		cr = wmsg_read_extended(r, &e, err, errlen);
		if (cr == 0) {
			for (size_t i = 0; i < e.nupdates && cr == 0; i++) {
				struct rev *v = by_id(st, e.updates[i].id);
				char e2[256];
				if (v == NULL) {
					warn(st, "GetExtendedUpdateInfo sent "
					    "revision %d, which was not asked "
					    "for", e.updates[i].id);
					continue;
				}
				if (ext_parse(e.updates[i].xml, e.updates[i].len,
				    &v->ext, e2, sizeof(e2)) == -1) {
					snprintf(err, errlen, "revision %d: %s",
					    v->id, e2);
					cr = -1;
				}
			}
			for (size_t i = 0; i < e.nfiles; i++)
				add_fileloc(st, &e.files[i]);
			for (size_t i = 0; i < e.nout_of_scope; i++) {
				struct rev *v = by_id(st, e.out_of_scope[i]);
				warn(st, "GetExtendedUpdateInfo: revision %d "
				    "out of scope", e.out_of_scope[i]);
				if (v != NULL)
					kill(st, v);
			}
			wmsg_extended_free(&e);
		}
		soap_request_free(r);
		if (cr == -1)
			goto done;
	}
	for (size_t i = 0; i < n; i++) {
		struct rev *v = by_id(st, ids[i]);
		if (v != NULL && !v->ext.have_extended)
			warn(st, "GetExtendedUpdateInfo: no Extended fragment "
			    "for revision %d", ids[i]);
	}
	rc = 0;
done:
	free(ids);
	return rc;
}

/* ---- content and installs ------------------------------------------------------------ */

static const char *
url_for(const struct scan_state *st, const uint8_t sha1[20])
{
	for (size_t i = 0; i < st->nfiles; i++)
		if (memcmp(st->files[i].sha1, sha1, 20) == 0)
			return st->files[i].url;
	return NULL;
}

#define MAX_PARTS	256

/* r, then its needed parts, then theirs (nested bundles); the count. */
static size_t
collect_parts(struct scan_state *st, struct rev *r, struct rev **parts)
{
	size_t nparts = 0;

	parts[nparts++] = r;
	for (size_t p = 0; p < nparts; p++) {
		for (size_t k = 0; k < parts[p]->core->nbundle_ids &&
		    nparts < MAX_PARTS; k++) {
			struct rev *m = by_uid(st,
			    &parts[p]->core->bundle_ids[k]);
			bool seen = false;
			if (m == NULL || !m->needed)
				continue;
			for (size_t q = 0; q < nparts && !seen; q++)
				seen = parts[q] == m;
			if (!seen)
				parts[nparts++] = m;
		}
	}
	return nparts;
}

/* Download the files of r (and of its needed bundle parts). */
static void
download_update(struct wc_session *s, struct scan_state *st,
    const struct scan_opts *o, struct scan_result *res, struct rev *r)
{
	struct rev *parts[MAX_PARTS];
	size_t nparts = collect_parts(st, r, parts);
	r->outcome = O_DOWNLOADED;
	for (size_t p = 0; p < nparts; p++) {
		struct rev *v = parts[p];
		for (size_t i = 0; i < v->ext.nfiles; i++) {
			const struct ext_file *f = &v->ext.files[i];
			struct client_fetch cf;
			char hex[41], path[4096], e2[512];
			const char *url = url_for(st, f->sha1);
			struct stat sb;

			hex_encode(f->sha1, 20, hex, 1);
			if (url == NULL) {
				r->outcome = O_DOWNLOAD_FAILED;
				r->hresult = HR_DOWNLOAD_FAILED;
				free(r->message);
				r->message = xasprintf("no FileLocation for %s "
				    "(%s)", f->name, hex);
				res->files_failed++;
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s-%s", o->download_dir,
			    hex, f->name);
			if (stat(path, &sb) == 0 && (uint64_t)sb.st_size ==
			    f->size) {
				/* fetched for another update of this scan */
				continue;
			}
			memset(&cf, 0, sizeof(cf));
			cf.url = url;
			cf.out = path;
			cf.size = f->size;
			cf.have_size = true;
			cf.sha1 = f->sha1;
			cf.sha256 = f->has_sha256 ? f->sha256 : NULL;
			cf.connections = o->connections;
			cf.insecure = o->insecure;
			cf.cacert = o->cacert;
			if (client_fetch(&cf, e2, sizeof(e2)) == -1) {
				r->outcome = O_DOWNLOAD_FAILED;
				r->hresult = strstr(e2, "mismatch") != NULL ?
				    HR_HASH_MISMATCH : HR_DOWNLOAD_FAILED;
				free(r->message);
				r->message = xasprintf("%s: %s", f->name, e2);
				res->files_failed++;
				if (s->conn->stats != NULL)
					s->conn->stats->errors[WC_DOWNLOAD]++;
				continue;
			}
			res->files++;
			res->bytes += f->size;
			r->bytes += f->size;
		}
		if (v->ext.nfiles > 0 && !v->ext.files[0].has_sha256)
			warn(st, "revision %d: file %s has no SHA-256 "
			    "AdditionalDigest (Windows 8+ refuses it)", v->id,
			    v->ext.files[0].name);
	}
}

/* ---- reporting ------------------------------------------------------------------------- */

struct evlist {
	struct wmsg_event *ev;
	size_t		 n, cap;
	char		**strings;	/* every string the events point at */
	size_t		 nstrings, scap;
	const char	*app_name;
	const struct machine *m;
};

static char *
keep(struct evlist *l, char *s)
{
	if (l->nstrings == l->scap) {
		l->scap = l->scap ? l->scap * 2 : 64;
		l->strings = xreallocarray(l->strings, l->scap, sizeof(char *));
	}
	l->strings[l->nstrings++] = s;
	return s;
}

static void
evlist_free(struct evlist *l)
{
	for (size_t i = 0; i < l->nstrings; i++)
		free(l->strings[i]);
	free(l->strings);
	for (size_t i = 0; i < l->n; i++) {
		free((void *)l->ev[i].misc);
		free((void *)l->ev[i].replacement);
	}
	free(l->ev);
	memset(l, 0, sizeof(*l));
}

/*
 * Add an event; misc tags as a NULL-terminated list of strings this
 * function takes over; repl likewise (NULL: no ReplacementStrings).
 */
static void
add_event(struct evlist *l, int id, const struct guid *update, int rev,
    int32_t hr, char **repl, char **misc)
{
	struct wmsg_event *e;
	char now[40];
	const char **mv, **rv = NULL;
	size_t nm = 0, nr = 0, base;
	const struct machine *m = l->m;
	char *common[8];
	size_t nc = 0;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->ev = xreallocarray(l->ev, l->cap, sizeof(*l->ev));
	}
	e = &l->ev[l->n++];
	memset(e, 0, sizeof(*e));
	e->event_id = id;
	if (update != NULL)
		e->update = *update;
	e->revision = rev;
	e->hresult = hr;
	e->app_name = l->app_name;
	if (guid_random(e->instance_id) == -1)
		snprintf(e->instance_id, sizeof(e->instance_id),
		    "00000000-0000-4000-8000-%012zx", l->n);
	wmsg_time_now(now, true);
	e->time = keep(l, xstrdup(now));
	common[nc++] = xasprintf("G=%d.%d.%d.%d", m->client_version[0],
	    m->client_version[1], m->client_version[2], m->client_version[3]);
	common[nc++] = xasprintf("K=%s", m->bios_name);
	common[nc++] = xasprintf("L=%sT00:00:00", m->bios_date);
	for (char **p = misc; p != NULL && *p != NULL; p++)
		nm++;
	mv = xcalloc(nc + nm + 3, sizeof(char *));
	base = 0;
	for (size_t i = 0; i < nc; i++)
		mv[base++] = keep(l, common[i]);
	for (size_t i = 0; i < nm; i++)
		mv[base++] = keep(l, misc[i]);
	mv[base++] = keep(l, xasprintf("AppName=%s", l->app_name));
	mv[base++] = keep(l, xasprintf("c=%d", m->new_product_type));
	e->misc = mv;
	e->nmisc = base;
	if (repl != NULL) {
		for (char **p = repl; *p != NULL; p++)
			nr++;
		rv = xcalloc(nr + 1, sizeof(char *));
		for (size_t i = 0; i < nr; i++)
			rv[i] = keep(l, repl[i]);
		e->replacement = rv;
		e->nreplacement = nr;
	}
}

static char *
guid_list(const struct guid *v, size_t n)
{
	struct buf b;
	char g[GUID_STRLEN];
	char *s;

	buf_init(&b, 64u * 1024 * 1024);
	for (size_t i = 0; i < n; i++) {
		guid_format(&v[i], g, true);
		if (i > 0)
			buf_putc(&b, ';');
		buf_puts(&b, g);
	}
	s = b.failed ? xstrdup("") : buf_steal(&b, NULL);
	buf_free(&b);
	return s ? s : xstrdup("");
}

static void
add_status(struct evlist *l, const struct guid *needed, size_t nneeded,
    const struct guid *inst, size_t ninst, size_t evaluated)
{
	char *misc[4], *repl[2];
	size_t k = 0;
	char *u, *v;

	repl[0] = xasprintf("%zu", nneeded);
	repl[1] = NULL;
	misc[0] = xasprintf("B=%zu", evaluated);
	misc[1] = xstrdup("Q=1");
	misc[2] = NULL;
	add_event(l, 147, NULL, 0, 0, repl, misc);
	misc[k++] = xstrdup("Q=1");
	if (nneeded > 0) {
		u = guid_list(needed, nneeded);
		misc[k++] = xasprintf("U=%s", u);
		free(u);
	}
	if (ninst > 0) {
		v = guid_list(inst, ninst);
		misc[k++] = xasprintf("V=%s", v);
		free(v);
	}
	misc[k] = NULL;
	add_event(l, 156, NULL, 0, 0, NULL, misc);
}

struct report_ctx {
	struct evlist	*l;
	size_t		 first, n;
	char		 now[40];
};

static int
build_report(struct buf *b, void *arg, struct wc_session *s)
{
	struct report_ctx *x = arg;

	return wmsg_report_events(b, &s->cookie, s->client_id, x->now,
	    x->l->ev + x->first, x->n, s->m);
}

static int
send_events(struct wc_session *s, struct evlist *l, struct scan_result *res,
    char *err, size_t errlen)
{
	for (size_t off = 0; off < l->n; off += EVENTS_PER_BATCH) {
		struct report_ctx x;
		struct soap_request *r;
		bool ok = false;
		int rc;

		x.l = l;
		x.first = off;
		x.n = l->n - off < EVENTS_PER_BATCH ? l->n - off :
		    EVENTS_PER_BATCH;
		wmsg_time_now(x.now, true);
		rc = wc_call(s, WC_REPORT, s->report_url, WC_ACTION_REPORT,
		    build_report, &x, false, &r, err, errlen);
		if (rc != WMSG_OK)
			return -1;
		rc = wmsg_read_report(r, &ok, err, errlen);
		soap_request_free(r);
		if (rc == -1)
			return -1;
		if (!ok) {
			snprintf(err, errlen, "ReportEventBatch answered false");
			return -1;
		}
		res->report_calls++;
		res->events += x.n;
	}
	return 0;
}

void
scan_status_lists(const struct scan_state *st, struct guid **needed,
    size_t *nneeded, struct guid **installed, size_t *ninstalled)
{
	*needed = xcalloc(st->n + 1, sizeof(struct guid));
	*installed = xcalloc(st->n + 1, sizeof(struct guid));
	*nneeded = *ninstalled = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		if (!reportable(r))
			continue;
		if (r->installed)
			(*installed)[(*ninstalled)++] = r->core->id;
		else if (r->needed)
			(*needed)[(*nneeded)++] = r->core->id;
	}
}

int
scan_report_status(struct wc_session *s, const struct guid *needed,
    size_t nneeded, const struct guid *installed, size_t ninstalled,
    const char *app_name, char *err, size_t errlen)
{
	struct evlist l;
	struct scan_result res;
	int rc;

	memset(&l, 0, sizeof(l));
	memset(&res, 0, sizeof(res));
	l.app_name = app_name ? app_name : "wsus-client";
	l.m = s->m;
	if (s->cookie.data == NULL && wc_handshake(s, err, errlen) == -1)
		return -1;
	add_status(&l, needed, nneeded, installed, ninstalled,
	    nneeded + ninstalled);
	rc = send_events(s, &l, &res, err, errlen);
	evlist_free(&l);
	return rc;
}

static char *
title_of(const struct rev *r)
{
	char g[GUID_STRLEN];

	if (r->ext.title != NULL)
		return xstrdup(r->ext.title);
	guid_format(&r->core->id, g, false);
	return xstrdup(g);
}

/* 167/162/161 for a download, 181/183/182 for an install. */
static void
add_update_events(struct evlist *l, const struct rev *r, bool install)
{
	bool bundle = r->core->nbundle_ids > 0;
	char *repl[3], *misc[3];

	if (!install) {
		repl[0] = title_of(r);
		repl[1] = NULL;
		misc[0] = xstrdup(bundle ? "Q=2" : "Q=1");
		misc[1] = NULL;
		add_event(l, 167, &r->core->id, r->core->revision, 0, repl, misc);
		repl[0] = title_of(r);
		repl[1] = NULL;
		if (r->outcome == O_DOWNLOAD_FAILED) {
			misc[0] = xstrdup(bundle ? "Q=2" : "Q=1");
			misc[1] = NULL;
			add_event(l, 161, &r->core->id, r->core->revision,
			    r->hresult, repl, misc);
		} else {
			misc[0] = xasprintf("B=%" PRIu64, r->bytes);
			misc[1] = xstrdup(bundle ? "Q=2" : "Q=1");
			misc[2] = NULL;
			add_event(l, 162, &r->core->id, r->core->revision, 0,
			    repl, misc);
		}
		return;
	}
	repl[0] = title_of(r);
	repl[1] = NULL;
	misc[0] = xstrdup(bundle ? "Q=2" : "Q=1");
	misc[1] = NULL;
	add_event(l, 181, &r->core->id, r->core->revision, 0, repl, misc);
	if (r->outcome == O_INSTALL_FAILED) {
		repl[0] = xasprintf("0x%08" PRIX32, (uint32_t)r->hresult);
		repl[1] = title_of(r);
		repl[2] = NULL;
		misc[0] = xasprintf("F=%" PRId32, r->hresult);
		misc[1] = xstrdup(bundle ? "Q=2" : "Q=1");
		misc[2] = NULL;
		add_event(l, 182, &r->core->id, r->core->revision, r->hresult,
		    repl, misc);
	} else {
		repl[0] = title_of(r);
		repl[1] = NULL;
		misc[0] = xstrdup(bundle ? "Q=2" : "Q=1");
		misc[1] = NULL;
		add_event(l, 183, &r->core->id, r->core->revision, 0, repl,
		    misc);
	}
}

static void
count(const struct scan_state *st, struct scan_result *res)
{
	res->cached = res->nonleaf_installed = res->needed = res->installed =
	    res->not_applicable = res->to_install = res->unknown_rules = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		if (!r->alive)
			continue;
		res->cached++;
		res->unknown_rules += r->core->unknown_rules;
		if (!r->is_leaf && r->installed)
			res->nonleaf_installed++;
		if (!reportable(r))
			continue;
		if (r->installed)
			res->installed++;
		else if (r->needed)
			res->needed++;
		else
			res->not_applicable++;
		if (to_install(r))
			res->to_install++;
	}
}

static int
report_scan(struct wc_session *s, struct scan_state *st,
    const struct scan_opts *o, struct scan_result *res, char *err,
    size_t errlen)
{
	struct evlist l;
	struct guid *nd, *in;
	size_t nn, ni;
	int rc;

	memset(&l, 0, sizeof(l));
	l.app_name = o->app_name ? o->app_name : "wsus-client";
	l.m = s->m;
	scan_status_lists(st, &nd, &nn, &in, &ni);
	add_status(&l, nd, nn, in, ni, res->cached);
	free(nd);
	free(in);
	rc = send_events(s, &l, res, err, errlen);
	evlist_free(&l);
	return rc;
}

struct cat_ctx {
	const struct guid	*ids;
	size_t			 n;
};

static int
build_cat(struct buf *b, void *arg, struct wc_session *s)
{
	struct cat_ctx *x = arg;

	(void)s;
	return wmsg_start_category_scan(b, x->ids, x->n);
}

/*
 * StartCategoryScan before a category-filtered scan; the server's
 * preferred categories become the filter (wusp.md §4.5).
 */
static int
start_category_scan(struct wc_session *s, const struct scan_opts *o,
    struct scan_opts *filt, char *err, size_t errlen)
{
	struct cat_ctx x = { o->filter, o->nfilter };
	struct soap_request *r;
	struct guid *pref;
	size_t n, nerr;
	int rc;

	rc = wc_call(s, WC_START_CATEGORY, s->client_url,
	    WC_ACTION_CLIENT("StartCategoryScan"), build_cat, &x, false, &r,
	    err, errlen);
	if (rc != WMSG_OK)
		return -1;
	rc = wmsg_read_start_category(r, &pref, &n, &nerr, err, errlen);
	soap_request_free(r);
	if (rc == -1)
		return -1;
	if (n == 0) {
		free(pref);
		snprintf(err, errlen, "StartCategoryScan: no preferred "
		    "category (%zu in error)", nerr);
		return -1;
	}
	filt->filter = pref;
	filt->nfilter = n;
	return 0;
}

int
scan_run(struct wc_session *s, struct scan_state *st,
    const struct scan_opts *o, struct scan_result *res, char *err,
    size_t errlen)
{
	int dsn = -1;
	struct evlist l;
	struct scan_opts filt = *o;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&l, 0, sizeof(l));
	if (s->cookie.data == NULL && wc_handshake(s, err, errlen) == -1)
		goto done;
	if (o->nfilter > 0 && start_category_scan(s, o, &filt, err,
	    errlen) == -1)
		goto done;
	if (sync_pass(s, st, &filt, res, false, &dsn, err, errlen) == -1)
		goto done;
	/*
	 * The captured client made the driver pass even after answers with
	 * DriverSyncNotNeeded=true (scan/09), so it is always made.
	 */
	if (o->drivers &&
	    sync_pass(s, st, o, res, true, &dsn, err, errlen) == -1)
		goto done;
	compact(st);
	evaluate(st, s->m);
	count(st, res);
	if ((o->extended || o->download || o->install) &&
	    extended(s, st, res, err, errlen) == -1)
		goto done;
	compact(st);
	if (o->report && report_scan(s, st, o, res, err, errlen) == -1)
		goto done;
	if (o->download || o->install) {
		l.app_name = o->app_name ? o->app_name : "wsus-client";
		l.m = s->m;
		for (size_t i = 0; i < st->n; i++) {
			struct rev *r = &st->v[i];
			if (!to_install(r))
				continue;
			download_update(s, st, o, res, r);
			add_update_events(&l, r, false);
		}
		if (o->install) {
			for (size_t i = 0; i < st->n; i++) {
				struct rev *r = &st->v[i];
				if (!to_install(r) || r->outcome != O_DOWNLOADED)
					continue;
				if (machine_install_fails(s->m, &r->core->id)) {
					r->outcome = O_INSTALL_FAILED;
					r->hresult = HR_INSTALL_FAILED;
					res->installs_failed++;
				} else {
					r->outcome = O_INSTALLED;
					res->installs_ok++;
				}
				add_update_events(&l, r, true);
			}
			/* the machine now has what installed */
			for (size_t i = 0; i < st->n; i++) {
				struct rev *r = &st->v[i];
				if (r->outcome != O_INSTALLED)
					continue;
				struct rev *parts[MAX_PARTS];
				size_t np = collect_parts(st, r, parts);
				for (size_t k = 0; k < np; k++)
					machine_add_installed(s->m,
					    &parts[k]->core->id);
			}
			if (res->installs_ok > 0) {
				/* keep the outcome flags across re-evaluation */
				struct guid *nd, *in;
				size_t nn, ni;
				evaluate(st, s->m);
				scan_status_lists(st, &nd, &nn, &in, &ni);
				add_status(&l, nd, nn, in, ni, res->cached);
				free(nd);
				free(in);
			}
		}
		if (o->report && l.n > 0 &&
		    send_events(s, &l, res, err, errlen) == -1)
			goto done;
	}
	rc = 0;
done:
	evlist_free(&l);
	if (filt.filter != o->filter)
		free((void *)filt.filter);
	count(st, res);
	return rc;
}

/* ---- output ------------------------------------------------------------------------------ */

static const char *
state_name(const struct rev *r)
{
	switch (r->outcome) {
	case O_DOWNLOAD_FAILED: return "download-failed";
	case O_INSTALL_FAILED: return "install-failed";
	case O_INSTALLED: return "installed-now";
	case O_DOWNLOADED: return "downloaded";
	default: break;
	}
	if (r->installed)
		return "installed";
	if (r->needed)
		return "needed";
	return "not-applicable";
}

static bool
listed(const struct rev *r, bool all)
{
	if (!r->alive)
		return false;
	if (all)
		return true;
	return reportable(r) && (r->needed || r->outcome != O_NONE);
}

void
scan_print(FILE *fp, const struct wc_session *s, const struct scan_state *st,
    const struct scan_result *res, bool all)
{
	char g[GUID_STRLEN];
	size_t shown = 0;

	fprintf(fp, "scan of %s as %s (%s): %u software round%s, %u driver "
	    "round%s, %zu revisions cached, %zu non-leaf installed, %u SOAP "
	    "calls\n", s->o->server, s->client_id, s->m->dns_name, res->rounds,
	    res->rounds == 1 ? "" : "s", res->driver_rounds,
	    res->driver_rounds == 1 ? "" : "s", res->cached,
	    res->nonleaf_installed, s->calls);
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		if (!listed(r, all))
			continue;
		if (shown++ == 0)
			fprintf(fp, "%-10s  %-36s  %5s  %-9s  %-18s  %-16s  %s\n",
			    "KB", "UPDATE ID", "REV", "TYPE", "ACTION", "STATE",
			    "TITLE");
		guid_format(&r->core->id, g, false);
		fprintf(fp, "%-10s  %-36s  %5d  %-9s  %-18s  %-16s  %s\n",
		    r->ext.kb ? r->ext.kb : "-", g, r->core->revision,
		    utype_name(r->core->type), r->action, state_name(r),
		    r->ext.title ? r->ext.title : "");
		if (r->message != NULL)
			fprintf(fp, "            %s\n", r->message);
	}
	fprintf(fp, "%zu needed (%zu to install), %zu installed, %zu not "
	    "applicable", res->needed, res->to_install, res->installed,
	    res->not_applicable);
	if (res->files > 0 || res->files_failed > 0)
		fprintf(fp, "; %zu file%s downloaded (%" PRIu64 " bytes), %zu "
		    "failed", res->files, res->files == 1 ? "" : "s", res->bytes,
		    res->files_failed);
	if (res->installs_ok > 0 || res->installs_failed > 0)
		fprintf(fp, "; %zu installed now, %zu failed", res->installs_ok,
		    res->installs_failed);
	if (res->events > 0)
		fprintf(fp, "; %zu events reported", res->events);
	fprintf(fp, "\n");
	if (res->unknown_rules > 0)
		fprintf(fp, "note: %zu applicability rules are not simulated "
		    "and counted as %s (see docs/CLIENT.md)\n", res->unknown_rules,
		    s->m->unknown_rule_value ? "true" : "false");
	for (size_t i = 0; i < st->nwarnings; i++)
		fprintf(fp, "warning: %s\n", st->warnings[i]);
}

json_t *
scan_json(const struct wc_session *s, const struct scan_state *st,
    const struct scan_result *res, bool all)
{
	json_t *o = json_object(), *ups = json_array(), *w = json_array();
	char g[GUID_STRLEN], hex[65];

	json_object_set_new(o, "server", json_string(s->o->server));
	json_object_set_new(o, "client_id", json_string(s->client_id));
	json_object_set_new(o, "dns_name", json_string(s->m->dns_name));
	json_object_set_new(o, "rounds", json_integer(res->rounds));
	json_object_set_new(o, "driver_rounds", json_integer(res->driver_rounds));
	json_object_set_new(o, "remaps", json_integer(res->remaps));
	json_object_set_new(o, "soap_calls", json_integer(s->calls));
	json_object_set_new(o, "recoveries", json_integer(s->recoveries));
	json_object_set_new(o, "cached", json_integer((json_int_t)res->cached));
	json_object_set_new(o, "nonleaf_installed",
	    json_integer((json_int_t)res->nonleaf_installed));
	json_object_set_new(o, "needed", json_integer((json_int_t)res->needed));
	json_object_set_new(o, "to_install",
	    json_integer((json_int_t)res->to_install));
	json_object_set_new(o, "installed",
	    json_integer((json_int_t)res->installed));
	json_object_set_new(o, "not_applicable",
	    json_integer((json_int_t)res->not_applicable));
	json_object_set_new(o, "files_downloaded",
	    json_integer((json_int_t)res->files));
	json_object_set_new(o, "files_failed",
	    json_integer((json_int_t)res->files_failed));
	json_object_set_new(o, "bytes_downloaded",
	    json_integer((json_int_t)res->bytes));
	json_object_set_new(o, "installs_ok",
	    json_integer((json_int_t)res->installs_ok));
	json_object_set_new(o, "installs_failed",
	    json_integer((json_int_t)res->installs_failed));
	json_object_set_new(o, "events_reported",
	    json_integer((json_int_t)res->events));
	json_object_set_new(o, "unknown_rules",
	    json_integer((json_int_t)res->unknown_rules));
	for (size_t i = 0; i < st->n; i++) {
		const struct rev *r = &st->v[i];
		json_t *u, *files;
		if (!listed(r, all))
			continue;
		u = json_object();
		guid_format(&r->core->id, g, false);
		json_object_set_new(u, "update_id", json_string(g));
		json_object_set_new(u, "revision", json_integer(r->core->revision));
		json_object_set_new(u, "revision_id", json_integer(r->id));
		json_object_set_new(u, "type",
		    json_string(utype_name(r->core->type)));
		json_object_set_new(u, "is_leaf", json_boolean(r->is_leaf));
		json_object_set_new(u, "action", json_string(r->action));
		json_object_set_new(u, "deployment_id",
		    json_integer(r->deployment_id));
		json_object_set_new(u, "deadline", r->deadline[0] ?
		    json_string(r->deadline) : json_null());
		json_object_set_new(u, "state", json_string(state_name(r)));
		json_object_set_new(u, "kb", r->ext.kb ? json_string(r->ext.kb) :
		    json_null());
		json_object_set_new(u, "title", r->ext.title ?
		    json_string(r->ext.title) : json_null());
		json_object_set_new(u, "hresult", json_integer(r->hresult));
		if (r->message != NULL)
			json_object_set_new(u, "message",
			    json_string(r->message));
		files = json_array();
		for (size_t k = 0; k < r->ext.nfiles; k++) {
			json_t *f = json_object();
			json_object_set_new(f, "name",
			    json_string(r->ext.files[k].name));
			json_object_set_new(f, "size",
			    json_integer((json_int_t)r->ext.files[k].size));
			hex_encode(r->ext.files[k].sha1, 20, hex, 0);
			json_object_set_new(f, "sha1", json_string(hex));
			if (r->ext.files[k].has_sha256) {
				hex_encode(r->ext.files[k].sha256, 32, hex, 0);
				json_object_set_new(f, "sha256",
				    json_string(hex));
			}
			json_array_append_new(files, f);
		}
		json_object_set_new(u, "files", files);
		json_array_append_new(ups, u);
	}
	json_object_set_new(o, "updates", ups);
	for (size_t i = 0; i < st->nwarnings; i++)
		json_array_append_new(w, json_string(st->warnings[i]));
	json_object_set_new(o, "warnings", w);
	return o;
}

size_t
scan_warnings(const struct scan_state *st, const char *const **list)
{
	*list = (const char *const *)st->warnings;
	return st->nwarnings;
}
