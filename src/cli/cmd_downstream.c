/*
 * cmd_downstream.c — `wsusctl downstream list|show|remove` (the
 * downstream servers this upstream knows, from their server-sync calls
 * and rollups) and `wsusctl report hierarchy` (every site with its
 * rolled-up computers), plus the site lookup `report compliance --site`
 * uses; trust, credential, revoke and auth go to cmd_dsauth.c.
 * docs/ROLLUP.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "store/settings.h"
#include "util/log.h"

static const char *
mode_name(enum downstream_mode m)
{
	switch (m) {
	case DOWNSTREAM_AUTONOMOUS:
		return "autonomous";
	case DOWNSTREAM_REPLICA:
		return "replica";
	default:
		return "unknown";
	}
}

static const char *const summary_keys[ROLLUP_SUMMARY_FIELDS] = {
	"updates", "declined_updates", "approved_updates",
	"not_approved_updates", "updates_with_stale_approvals",
	"expired_updates", "critical_or_security_not_approved",
	"wsus_infrastructure_not_approved", "updates_with_client_errors",
	"updates_with_server_errors", "updates_needing_files",
	"updates_needed_by_computers", "updates_up_to_date",
	"custom_groups", "computers", "computers_needing_updates",
	"computers_with_errors", "computers_up_to_date",
};

static json_t *
ds_json(const struct store_downstream *d)
{
	char t[32];
	json_t *j = json_object();

	json_object_set_new(j, "id", json_integer((json_int_t)d->id));
	json_object_set_new(j, "server_id", json_string(d->server_id));
	json_object_set_new(j, "parent_id", *d->parent_id ?
	    json_string(d->parent_id) : json_null());
	json_object_set_new(j, "name", output_json_str(d->name));
	json_object_set_new(j, "version", output_json_str(d->version));
	json_object_set_new(j, "protocol", output_json_str(d->protocol));
	json_object_set_new(j, "address", output_json_str(d->address));
	json_object_set_new(j, "mode", json_string(mode_name(d->mode)));
	json_object_set_new(j, "depth", json_integer(d->depth));
#define JT(key, v) do { output_time((v), t, sizeof(t)); \
	json_object_set_new(j, key, (v) ? json_string(t) : json_null()); } while (0)
	JT("first_seen", d->first_seen);
	JT("last_contact", d->last_contact);
	JT("last_sync", d->last_sync);
	JT("last_rollup", d->last_rollup);
#undef JT
	json_object_set_new(j, "rolled_up_computers",
	    json_integer((json_int_t)d->computers));
	json_object_set_new(j, "client_summaries",
	    json_integer((json_int_t)d->client_summaries));
	if (d->has_summary) {
		json_t *s = json_object();

		for (int i = 0; i < ROLLUP_SUMMARY_FIELDS; i++)
			json_object_set_new(s, summary_keys[i],
			    json_integer(d->summary[i]));
		json_object_set_new(j, "summary", s);
	} else
		json_object_set_new(j, "summary", json_null());
	return j;
}

struct ds_ctx {
	json_t		*arr;
	struct table	*t;
	size_t		 n;
	bool		 detail;
};

static void
when(int64_t v, char *out, size_t len)
{
	if (v == 0)
		snprintf(out, len, "never");
	else
		output_time(v, out, len);
}

static int
ds_cb(const struct store_downstream *d, void *arg)
{
	struct ds_ctx *c = arg;
	char name[300], sync[32], roll[32], pcs[24];

	c->n++;
	if (c->arr != NULL) {
		json_array_append_new(c->arr, ds_json(d));
		return 0;
	}
	if (c->detail) {
		char *n = output_clean(*d->name ? d->name : "(no name)");
		char t[32];

		printf("%s\n", n);
		free(n);
		printf("  server id      %s\n", d->server_id);
		printf("  parent         %s\n", *d->parent_id ? d->parent_id :
		    "this server");
		printf("  mode           %s\n", mode_name(d->mode));
		printf("  version        %s\n", *d->version ? d->version : "-");
		printf("  protocol       %s\n", *d->protocol ? d->protocol :
		    "-");
		printf("  address        %s\n", *d->address ? d->address : "-");
		when(d->first_seen, t, sizeof(t));
		printf("  first seen     %s\n", t);
		when(d->last_contact, t, sizeof(t));
		printf("  last contact   %s\n", t);
		when(d->last_sync, t, sizeof(t));
		printf("  last sync      %s\n", t);
		when(d->last_rollup, t, sizeof(t));
		printf("  last rollup    %s\n", t);
		printf("  computers      %lld rolled up, %lld in client "
		    "summaries\n", (long long)d->computers,
		    (long long)d->client_summaries);
		if (d->has_summary)
			for (int i = 0; i < ROLLUP_SUMMARY_FIELDS; i++)
				printf("  %-34s %d\n", summary_keys[i],
				    (int)d->summary[i]);
		return 0;
	}
	snprintf(name, sizeof(name), "%*s%s", (d->depth - 1) * 2, "",
	    *d->name ? d->name : "(no name)");
	when(d->last_sync, sync, sizeof(sync));
	when(d->last_rollup, roll, sizeof(roll));
	snprintf(pcs, sizeof(pcs), "%lld", (long long)d->computers);
	table_addf(c->t, name, d->server_id, mode_name(d->mode),
	    *d->version ? d->version : (*d->protocol ? d->protocol : "-"),
	    sync, roll, pcs);
	return 0;
}

int
downstream_resolve(struct store *st, const char *name, int64_t *id)
{
	return resolve_status(st, store_downstream_find(st, name, id),
	    "finding the downstream server");
}

static int
id_cb(const struct store_downstream *d, void *arg)
{
	snprintf(arg, GUID_STRLEN + 1, "%s", d->server_id);
	return 0;
}

int
downstream_site_id(struct store *st, const char *name,
    char out[GUID_STRLEN + 1])
{
	int64_t id;
	int rc;

	if ((rc = downstream_resolve(st, name, &id)) != EXIT_OK)
		return rc;
	out[0] = '\0';
	if ((rc = store_downstream_get(st, id, id_cb, out)) != STORE_OK)
		return store_fail(st, rc, "reading the downstream server");
	return EXIT_OK;
}

static void
ds_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl downstream list\n"
	    "       wsusctl downstream show SERVER\n"
	    "       wsusctl downstream remove SERVER\n"
	    "       wsusctl downstream rollup [detailed|summary]\n"
	    "  The downstream servers that synchronize from this server or "
	    "roll up\n"
	    "  through one that does (children under their parents).  SERVER "
	    "is a\n"
	    "  server id, a name (FullDomainName or its first label) or #N.\n"
	    "  remove forgets the server, the servers below it and every "
	    "computer\n"
	    "  and status they rolled up (a server that syncs again comes "
	    "back).\n"
	    "  rollup shows or sets the `rollup` setting: detailed (default) "
	    "asks\n"
	    "  downstream servers for their computers and per-update status\n"
	    "  (GetRollupConfiguration DoDetailedRollup); summary asks only "
	    "for\n"
	    "  their own summaries.\n"
	    "       wsusctl downstream trust|credential|revoke|auth ... "
	    "(credentials;\n"
	    "  wsusctl downstream trust --help)\n");
}

int
cmd_downstream(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL,	'j' },
		{ "quiet",	no_argument,	NULL,	'q' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct table_col cols[] = {
		{ "NAME", TABLE_SHRINK }, { "SERVER ID", 0 }, { "MODE", 0 },
		{ "VERSION", 0 }, { "LAST SYNC", 0 }, { "LAST ROLLUP", 0 },
		{ "COMPUTERS", TABLE_RIGHT },
	};
	const char *sub = NULL;
	struct ds_ctx c;
	struct store *st;
	char **base, **args;
	int n, ch, nargs, rc;
	int64_t id;

	n = subcommand_split(argc, argv, &sub, &base);
	if (sub != NULL && (strcmp(sub, "trust") == 0 ||
	    strcmp(sub, "credential") == 0 || strcmp(sub, "revoke") == 0 ||
	    strcmp(sub, "auth") == 0))
		return cmd_downstream_auth(ctl, sub, n, base);
	optind = 0;
	while ((ch = getopt_long(n, base, "jqh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			ds_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			ds_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args = base + optind;
	nargs = n - optind;
	if (sub != NULL && strcmp(sub, "rollup") == 0 && nargs <= 1) {
		bool on = true;

		if (nargs == 1 && strcmp(args[0], "detailed") != 0 &&
		    strcmp(args[0], "summary") != 0) {
			log_error("rollup: detailed or summary");
			return EXIT_USAGE;
		}
		if ((st = wsusctl_store(ctl)) == NULL)
			return EXIT_FAIL;
		if (nargs == 1 && (rc = store_setting_set_checked(st,
		    SETTING_ROLLUP, args[0])) != STORE_OK)
			return store_fail(st, rc, "writing the setting");
		/* the reporting service's reading (store/settings.h): a
		 * stored value the registry refuses counts as the default */
		rc = store_setting_bool(st, SETTING_ROLLUP, &on);
		if (rc == STORE_INVALID)
			log_warnx("%s; using the default", store_errmsg(st));
		else if (rc != STORE_OK)
			return store_fail(st, rc, "reading the setting");
		if (ctl->json) {
			json_t *j = json_pack("{s:s,s:b}", "rollup",
			    on ? "detailed" : "summary",
			    "do_detailed_rollup", on);
			output_json_put(j);
		} else if (!ctl->quiet || nargs == 0)
			printf("rollup %s\n", on ? "detailed" : "summary");
		return EXIT_OK;
	}
	if (sub == NULL || !((strcmp(sub, "list") == 0 && nargs == 0) ||
	    ((strcmp(sub, "show") == 0 || strcmp(sub, "remove") == 0) &&
	    nargs == 1))) {
		if (sub != NULL && strcmp(sub, "list") != 0 &&
		    strcmp(sub, "show") != 0 && strcmp(sub, "remove") != 0 &&
		    strcmp(sub, "rollup") != 0)
			log_error("unknown downstream command '%s'", sub);
		ds_usage(stderr);
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	memset(&c, 0, sizeof(c));
	if (strcmp(sub, "remove") == 0) {
		size_t k = 0;

		if ((rc = downstream_resolve(st, args[0], &id)) != EXIT_OK)
			return rc;
		if ((rc = store_downstream_remove(st, id, &k)) != STORE_OK)
			return store_fail(st, rc, "removing the downstream "
			    "server");
		if (ctl->json) {
			json_t *j = json_pack("{s:I}", "removed",
			    (json_int_t)k);
			output_json_put(j);
		} else if (!ctl->quiet)
			printf("removed %zu downstream server%s\n", k,
			    k == 1 ? "" : "s");
		return EXIT_OK;
	}
	if (strcmp(sub, "show") == 0) {
		if ((rc = downstream_resolve(st, args[0], &id)) != EXIT_OK)
			return rc;
		c.detail = true;
		if (ctl->json)
			c.arr = json_array();
		rc = store_downstream_get(st, id, ds_cb, &c);
		if (rc == STORE_OK && c.arr != NULL)
			output_json(json_array_get(c.arr, 0), stdout);
		json_decref(c.arr);
		return rc == STORE_OK ? EXIT_OK : store_fail(st, rc,
		    "reading the downstream server");
	}
	if (ctl->json)
		c.arr = json_array();
	else
		c.t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	rc = store_downstream_list(st, ds_cb, &c);
	if (rc == STORE_OK) {
		if (c.arr != NULL)
			output_json(c.arr, stdout);
		else if (c.n > 0)
			table_print(c.t, stdout, output_width(stdout), false);
		else if (!ctl->quiet)
			printf("no downstream servers\n");
	}
	json_decref(c.arr);
	table_free(c.t);
	return rc == STORE_OK ? EXIT_OK : store_fail(st, rc, "listing "
	    "downstream servers");
}

/* ---- report hierarchy ---- */

struct hier_ctx {
	json_t		*arr;
	struct table	*t;
	size_t		 n;
};

static int
hpc_cb(const struct store_rollup_computer *p, void *arg)
{
	struct hier_ctx *h = arg;
	char sync[32], needed[16], failed[16], inst[16], name[300];

	h->n++;
	if (h->arr != NULL) {
		json_t *j = json_object();

		json_object_set_new(j, "computer_id",
		    json_string(p->computer_id));
		json_object_set_new(j, "site_id", json_string(p->site_id));
		json_object_set_new(j, "site", output_json_str(p->site_name));
		json_object_set_new(j, "name", output_json_str(p->dns_name));
		json_object_set_new(j, "ip_address",
		    output_json_str(p->ip_address));
		json_object_set_new(j, "os", output_json_str(
		    p->os_description));
		output_time(p->last_sync, sync, sizeof(sync));
		json_object_set_new(j, "last_sync", p->last_sync ?
		    json_string(sync) : json_null());
		json_object_set_new(j, "rollup_number",
		    json_integer(p->rollup_number));
		json_object_set_new(j, "needed", json_integer(
		    p->counts[UPDATE_STATE_NEEDED] +
		    p->counts[UPDATE_STATE_DOWNLOADED]));
		json_object_set_new(j, "installed", json_integer(
		    p->counts[UPDATE_STATE_INSTALLED]));
		json_object_set_new(j, "pending_reboot", json_integer(
		    p->counts[UPDATE_STATE_PENDING_REBOOT]));
		json_object_set_new(j, "failed", json_integer(
		    p->counts[UPDATE_STATE_FAILED]));
		json_object_set_new(j, "not_applicable", json_integer(
		    p->counts[UPDATE_STATE_NOT_APPLICABLE]));
		json_array_append_new(h->arr, j);
		return 0;
	}
	when(p->last_sync, sync, sizeof(sync));
	snprintf(needed, sizeof(needed), "%d",
	    p->counts[UPDATE_STATE_NEEDED] + p->counts[UPDATE_STATE_DOWNLOADED]);
	snprintf(inst, sizeof(inst), "%d", p->counts[UPDATE_STATE_INSTALLED] +
	    p->counts[UPDATE_STATE_PENDING_REBOOT]);
	snprintf(failed, sizeof(failed), "%d", p->counts[UPDATE_STATE_FAILED]);
	snprintf(name, sizeof(name), "%s", *p->dns_name ? p->dns_name :
	    p->computer_id);
	table_addf(h->t, *p->site_name ? p->site_name : p->site_id, name,
	    sync, needed, inst, failed);
	return 0;
}

int
report_hierarchy(struct wsusctl *ctl, struct store *st, const char *site)
{
	static const struct table_col cols[] = {
		{ "SITE", TABLE_SHRINK }, { "COMPUTER", TABLE_SHRINK },
		{ "LAST SYNC", 0 }, { "NEEDED", TABLE_RIGHT },
		{ "INSTALLED", TABLE_RIGHT }, { "FAILED", TABLE_RIGHT },
	};
	struct hier_ctx h;
	struct ds_ctx d;
	char sid[GUID_STRLEN + 1];
	json_t *top = NULL;
	int rc;

	if (site != NULL && (rc = downstream_site_id(st, site, sid)) !=
	    EXIT_OK)
		return rc;
	memset(&h, 0, sizeof(h));
	memset(&d, 0, sizeof(d));
	if (ctl->json) {
		top = json_object();
		d.arr = json_array();
		h.arr = json_array();
	} else {
		static const struct table_col dcols[] = {
			{ "NAME", TABLE_SHRINK }, { "SERVER ID", 0 },
			{ "MODE", 0 }, { "VERSION", 0 }, { "LAST SYNC", 0 },
			{ "LAST ROLLUP", 0 }, { "COMPUTERS", TABLE_RIGHT },
		};
		d.t = table_new(dcols, sizeof(dcols) / sizeof(dcols[0]));
		h.t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	}
	rc = store_downstream_list(st, ds_cb, &d);
	if (rc == STORE_OK)
		rc = store_rollup_computer_list(st, site != NULL ? sid : NULL,
		    hpc_cb, &h);
	if (rc != STORE_OK) {
		json_decref(top);
		json_decref(d.arr);
		json_decref(h.arr);
		table_free(d.t);
		table_free(h.t);
		return store_fail(st, rc, "reading the hierarchy");
	}
	if (top != NULL) {
		json_object_set_new(top, "servers", d.arr);
		json_object_set_new(top, "computers", h.arr);
		output_json_put(top);
		return EXIT_OK;
	}
	if (d.n == 0)
		printf("no downstream servers\n");
	else
		table_print(d.t, stdout, output_width(stdout), false);
	if (h.n > 0) {
		printf("\n");
		table_print(h.t, stdout, output_width(stdout), false);
	} else if (!ctl->quiet)
		printf("\nno rolled-up computers\n");
	table_free(d.t);
	table_free(h.t);
	return EXIT_OK;
}
