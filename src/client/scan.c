/*
 * scan.c — one detection cycle of a simulated client (see scan.h): the
 * order of the steps (handshake, passes, evaluation, extended info,
 * report, downloads and simulated installs), and the content step.
 *
 * Not here: the steps themselves (cache.c, evaluation.c, passes.c,
 * report.c), the output (scan_output.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "client/client.h"
#include "client/scan_internal.h"
#include "util/encode.h"
#include "util/xmalloc.h"

/* ---- content and installs ------------------------------------------------------------ */

static const char *
url_for(const struct scan_state *st, const uint8_t sha1[20])
{
	for (size_t i = 0; i < st->nfiles; i++)
		if (memcmp(st->files[i].sha1, sha1, 20) == 0)
			return st->files[i].url;
	return NULL;
}

/* Download the files of r (and of its needed bundle parts). */
static void
download_update(struct wc_session *s, struct scan_state *st,
    const struct scan_opts *o, struct scan_result *res, struct rev *r)
{
	struct rev *parts[MAX_PARTS];
	size_t nparts = scan_collect_parts(st, r, parts);
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
			scan_warn(st, "revision %d: file %s has no SHA-256 "
			    "AdditionalDigest (Windows 8+ refuses it)", v->id,
			    v->ext.files[0].name);
	}
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
	if (o->nfilter > 0 && scan_start_category(s, o, &filt, err,
	    errlen) == -1)
		goto done;
	if (scan_sync_pass(s, st, &filt, res, false, &dsn, err, errlen) == -1)
		goto done;
	/*
	 * The captured client made the driver pass even after answers with
	 * DriverSyncNotNeeded=true (scan/09), so it is always made.
	 */
	if (o->drivers &&
	    scan_sync_pass(s, st, o, res, true, &dsn, err, errlen) == -1)
		goto done;
	scan_compact(st);
	scan_evaluate(st, s->m);
	scan_count(st, res);
	if ((o->extended || o->download || o->install) &&
	    scan_extended(s, st, res, err, errlen) == -1)
		goto done;
	scan_compact(st);
	if (o->report && scan_report(s, st, o, res, err, errlen) == -1)
		goto done;
	if (o->download || o->install) {
		l.app_name = o->app_name ? o->app_name : "wsus-client";
		l.m = s->m;
		for (size_t i = 0; i < st->n; i++) {
			struct rev *r = &st->v[i];
			if (!scan_to_install(r))
				continue;
			download_update(s, st, o, res, r);
			scan_add_update_events(&l, r, false);
		}
		if (o->install) {
			for (size_t i = 0; i < st->n; i++) {
				struct rev *r = &st->v[i];
				if (!scan_to_install(r) || r->outcome != O_DOWNLOADED)
					continue;
				if (machine_install_fails(s->m, &r->core->id)) {
					r->outcome = O_INSTALL_FAILED;
					r->hresult = HR_INSTALL_FAILED;
					res->installs_failed++;
				} else {
					r->outcome = O_INSTALLED;
					res->installs_ok++;
				}
				scan_add_update_events(&l, r, true);
			}
			/* the machine now has what installed */
			for (size_t i = 0; i < st->n; i++) {
				struct rev *r = &st->v[i];
				if (r->outcome != O_INSTALLED)
					continue;
				struct rev *parts[MAX_PARTS];
				size_t np = scan_collect_parts(st, r, parts);
				for (size_t k = 0; k < np; k++)
					machine_add_installed(s->m,
					    &parts[k]->core->id);
			}
			if (res->installs_ok > 0) {
				/* keep the outcome flags across re-evaluation */
				struct guid *nd, *in;
				size_t nn, ni;
				scan_evaluate(st, s->m);
				scan_status_lists(st, &nd, &nn, &in, &ni);
				scan_add_status(&l, nd, nn, in, ni, res->cached);
				free(nd);
				free(in);
			}
		}
		if (o->report && l.n > 0 &&
		    scan_send_events(s, &l, res, err, errlen) == -1)
			goto done;
	}
	rc = 0;
done:
	scan_evlist_free(&l);
	if (filt.filter != o->filter)
		free((void *)filt.filter);
	scan_count(st, res);
	return rc;
}

