/*
 * scan_output.c — what a detection cycle found, for people (scan_print)
 * and programs (scan_json), and its protocol warnings.
 *
 * Not here: anything that talks to the server.
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
	return scan_reportable(r) && (r->needed || r->outcome != O_NONE);
}

void
scan_print(FILE *fp, const struct wc_session *s, const struct scan_state *st,
    const struct scan_result *res, bool all)
{
	char g[GUID_STRLEN + 1];
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
	char g[GUID_STRLEN + 1], hex[65];

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
