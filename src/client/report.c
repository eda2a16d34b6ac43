/*
 * report.c — ReportEventBatch of a simulated client: the events Windows
 * sends after a scan (147, 156 with the U=/V= lists), after downloads
 * (167, 162 or 161) and installs (181, 183 or 182), with the common
 * MiscData tags, sent in batches of EVENTS_PER_BATCH.
 *
 * Not here: the message itself (wusp_msg.c), what is needed or installed
 * (evaluation.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/scan_internal.h"
#include "util/guid.h"
#include "util/xmalloc.h"

/* ---- reporting ------------------------------------------------------------------------- */


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

void
scan_evlist_free(struct evlist *l)
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
	char g[GUID_STRLEN + 1];
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

void
scan_add_status(struct evlist *l, const struct guid *needed, size_t nneeded,
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

int
scan_send_events(struct wc_session *s, struct evlist *l, struct scan_result *res,
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
	scan_add_status(&l, needed, nneeded, installed, ninstalled,
	    nneeded + ninstalled);
	rc = scan_send_events(s, &l, &res, err, errlen);
	scan_evlist_free(&l);
	return rc;
}

static char *
title_of(const struct rev *r)
{
	char g[GUID_STRLEN + 1];

	if (r->ext.title != NULL)
		return xstrdup(r->ext.title);
	guid_format(&r->core->id, g, false);
	return xstrdup(g);
}

/* 167/162/161 for a download, 181/183/182 for an install. */
void
scan_add_update_events(struct evlist *l, const struct rev *r, bool install)
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


int
scan_report(struct wc_session *s, struct scan_state *st,
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
	scan_add_status(&l, nd, nn, in, ni, res->cached);
	free(nd);
	free(in);
	rc = scan_send_events(s, &l, res, err, errlen);
	scan_evlist_free(&l);
	return rc;
}

