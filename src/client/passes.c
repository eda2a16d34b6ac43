/*
 * passes.c — the calls that fill the cache (wusp.md §4): StartCategoryScan,
 * the SyncUpdates passes (software rounds until an answer is neither
 * Truncated nor holds a non-leaf update, then the driver pass), the
 * RefreshCache that remaps revision ids after InvalidCookie or
 * ServerChanged, and GetExtendedUpdateInfo in batches.
 *
 * Not here: the messages themselves (wusp_msg.c), fault recovery
 * (wusp_client.c), the order of the steps (scan.c).
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

/* ---- SyncUpdates ---------------------------------------------------------------- */

int
scan_cmp_i32(const void *a, const void *b)
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
	qsort(x->inl, x->ninl, sizeof(int32_t), scan_cmp_i32);
	qsort(x->other, x->nother, sizeof(int32_t), scan_cmp_i32);
	qsort(x->drv, x->ndrv, sizeof(int32_t), scan_cmp_i32);
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
		struct rev *r = scan_by_id(st, a->out_of_scope[i]);
		if (r != NULL)
			scan_kill(st, r);
	}
	for (size_t i = 0; i < a->nnew; i++) {
		const struct wmsg_update *u = &a->new_updates[i];
		struct rev *r = scan_by_id(st, u->id);
		struct core *c;
		bool cached;
		char e2[256];

		if (r != NULL) {
			scan_warn(st, "NewUpdates holds revision %d, which the client "
			    "had sent as cached", u->id);
			set_deployment(r, u);
			continue;
		}
		if ((c = scan_get_core(st, o, s->m, u, &cached, e2,
		    sizeof(e2))) == NULL) {
			snprintf(err, errlen, "revision %d: %s", u->id, e2);
			return -1;
		}
		r = scan_put(st, u->id, c, cached);
		set_deployment(r, u);
		r->driver_pass = drivers;
		(*added)++;
		if (!u->is_leaf)
			(*nonleaf)++;
	}
	for (size_t i = 0; i < a->nchanged; i++) {
		const struct wmsg_update *u = &a->changed[i];
		struct rev *r = scan_by_id(st, u->id);
		if (r == NULL) {
			scan_warn(st, "ChangedUpdates names revision %d, which the "
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
int
scan_sync_pass(struct wc_session *s, struct scan_state *st,
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
			if (scan_refresh(s, st, err, errlen) == -1)
				goto done;
			scan_evaluate(st, s->m);
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
		scan_evaluate(st, s->m);
		if (a.nnew == 0 || added == 0) {
			if (a.truncated)
				scan_warn(st, "SyncUpdates said Truncated but sent no "
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

int
scan_refresh(struct wc_session *s, struct scan_state *st, char *err, size_t errlen)
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
			scan_kill(st, v);
	}
	free(u);
	/*
	 * Cores from a load thread's cache stay valid: the cache frees
	 * nothing before it is freed itself.
	 */
	scan_compact(st);
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
	if (scan_reportable(r))
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

int
scan_extended(struct wc_session *s, struct scan_state *st,
    struct scan_result *res, char *err, size_t errlen)
{
	int32_t *ids = xcalloc(st->n + 1, sizeof(int32_t));
	size_t n = 0, batch = s->cfg.max_extended > 0 ?
	    (size_t)s->cfg.max_extended : 50;
	int rc = -1;

	for (size_t i = 0; i < st->n; i++)
		if (wants_ext(st, &st->v[i]))
			ids[n++] = st->v[i].id;
	qsort(ids, n, sizeof(int32_t), scan_cmp_i32);
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
			if (scan_refresh(s, st, err, errlen) == -1)
				goto done;
			free(ids);
			return scan_extended(s, st, res, err, errlen);
		}
		if (cr != WMSG_OK)
			goto done;
		res->extended_calls++;
		cr = wmsg_read_extended(r, &e, err, errlen);
		if (cr == 0) {
			for (size_t i = 0; i < e.nupdates && cr == 0; i++) {
				struct rev *v = scan_by_id(st, e.updates[i].id);
				char e2[256];
				if (v == NULL) {
					scan_warn(st, "GetExtendedUpdateInfo sent "
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
				struct rev *v = scan_by_id(st, e.out_of_scope[i]);
				scan_warn(st, "GetExtendedUpdateInfo: revision %d "
				    "out of scope", e.out_of_scope[i]);
				if (v != NULL)
					scan_kill(st, v);
			}
			wmsg_extended_free(&e);
		}
		soap_request_free(r);
		if (cr == -1)
			goto done;
	}
	for (size_t i = 0; i < n; i++) {
		struct rev *v = scan_by_id(st, ids[i]);
		if (v != NULL && !v->ext.have_extended)
			scan_warn(st, "GetExtendedUpdateInfo: no Extended fragment "
			    "for revision %d", ids[i]);
	}
	rc = 0;
done:
	free(ids);
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
int
scan_start_category(struct wc_session *s, const struct scan_opts *o,
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
