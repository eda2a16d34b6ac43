/*
 * cmd_computers.c — `wsusctl computers list|show|move|delete` (what the
 * WSUS console's Computers view and Get-WsusComputer / Add-WsusComputer
 * do) and `wsusctl targeting [client|server]` (the WSUS "Computers"
 * option: who decides group membership).  Not here: the rules (the store,
 * docs/REPORTING.md) and `wsusctl report` (cmd_report.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SHOW_EVENTS	10	/* events shown by `computers show` */
#define COMPUTERS_LIMIT_MAX	100000000	/* `computers list --limit` */


static void
tstr(int64_t t, char *out, size_t len)
{
	if (t == 0)
		snprintf(out, len, "never");
	else
		output_time(t, out, len);
}

static json_t *
jtime(int64_t t)
{
	char b[32];

	if (t == 0)
		return json_null();
	output_time(t, b, sizeof(b));
	return json_string(b);
}

static json_t *
computer_json(const struct store_computer *c)
{
	json_t *j, *counts;
	char os[64];

	snprintf(os, sizeof(os), "%d.%d.%d", (int)c->os_major,
	    (int)c->os_minor, (int)c->os_build);
	counts = json_pack("{s:i,s:i,s:i,s:i,s:i}",
	    "needed", c->counts[UPDATE_STATE_NEEDED],
	    "downloaded", c->counts[UPDATE_STATE_DOWNLOADED],
	    "installed", c->counts[UPDATE_STATE_INSTALLED],
	    "pending_reboot", c->counts[UPDATE_STATE_PENDING_REBOOT],
	    "failed", c->counts[UPDATE_STATE_FAILED]);
	j = json_object();
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "client_id", output_json_str(c->client_id));
	json_object_set_new(j, "name", output_json_str(c->dns_name));
	json_object_set_new(j, "ip_address", output_json_str(c->ip_address));
	json_object_set_new(j, "os_version", json_string(os));
	json_object_set_new(j, "service_pack", json_integer(c->sp_major));
	json_object_set_new(j, "os_description",
	    output_json_str(c->os_description));
	json_object_set_new(j, "os_locale", output_json_str(c->os_locale));
	json_object_set_new(j, "manufacturer", output_json_str(c->manufacturer));
	json_object_set_new(j, "model", output_json_str(c->model));
	json_object_set_new(j, "bios_name", output_json_str(c->bios_name));
	json_object_set_new(j, "bios_version", output_json_str(c->bios_version));
	json_object_set_new(j, "bios_release_date",
	    jtime(c->bios_release_date));
	json_object_set_new(j, "processor_architecture",
	    output_json_str(c->processor_arch));
	json_object_set_new(j, "client_version",
	    output_json_str(c->client_version));
	json_object_set_new(j, "groups", output_json_list(c->groups));
	json_object_set_new(j, "target_group_claim",
	    output_json_str(c->target_claim));
	json_object_set_new(j, "created", jtime(c->created));
	json_object_set_new(j, "registered", jtime(c->registered));
	json_object_set_new(j, "last_contact", jtime(c->last_contact));
	json_object_set_new(j, "last_sync", jtime(c->last_sync));
	json_object_set_new(j, "last_report", jtime(c->last_report));
	json_object_set_new(j, "last_status", jtime(c->last_status));
	json_object_set_new(j, "duplicate", json_boolean(c->duplicate_count > 0));
	json_object_set_new(j, "duplicate_count",
	    json_integer(c->duplicate_count));
	json_object_set_new(j, "duplicate_seen", jtime(c->duplicate_seen));
	json_object_set_new(j, "identities", json_integer(c->identities));
	json_object_set_new(j, "updates", counts);
	return j;
}

/* ---- list ---- */

struct list_ctx {
	struct wsusctl	*ctl;
	json_t		*arr;
	struct table	*t;
	size_t		 n;
};

static int
list_cb(const struct store_computer *c, void *arg)
{
	struct list_ctx *l = arg;
	char os[48], contact[32], report[32], dup[32], needed[16], failed[16];

	l->n++;
	if (l->arr != NULL) {
		json_array_append_new(l->arr, computer_json(c));
		return 0;
	}
	snprintf(os, sizeof(os), "%d.%d.%d", (int)c->os_major,
	    (int)c->os_minor, (int)c->os_build);
	tstr(c->last_contact, contact, sizeof(contact));
	tstr(c->last_report, report, sizeof(report));
	if (c->duplicate_count > 0)
		snprintf(dup, sizeof(dup), "yes (%d)", c->duplicate_count);
	else
		snprintf(dup, sizeof(dup), "-");
	snprintf(needed, sizeof(needed), "%d",
	    c->counts[UPDATE_STATE_NEEDED] + c->counts[UPDATE_STATE_DOWNLOADED]);
	snprintf(failed, sizeof(failed), "%d", c->counts[UPDATE_STATE_FAILED]);
	table_addf(l->t, *c->dns_name ? c->dns_name : c->client_id,
	    c->ip_address ? c->ip_address : "-", os, contact, report, c->groups,
	    needed, failed, dup);
	return 0;
}

static int
computers_list(struct wsusctl *ctl, struct store *st, const char *group,
    bool dups, const char *name, size_t limit)
{
	static const struct table_col cols[] = {
		{ "NAME", TABLE_SHRINK }, { "IP", 0 }, { "OS", 0 },
		{ "LAST CONTACT", 0 }, { "LAST REPORT", 0 },
		{ "GROUPS", TABLE_SHRINK }, { "NEEDED", TABLE_RIGHT },
		{ "FAILED", TABLE_RIGHT }, { "DUPLICATE", 0 },
	};
	struct store_computer_filter f;
	struct list_ctx l;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	if (group != NULL && (rc = group_resolve(st, group, &f.group_id)) !=
	    EXIT_OK)
		return rc;
	f.duplicates = dups;
	f.name = name;
	f.limit = limit;
	l.ctl = ctl;
	if (ctl->json)
		l.arr = json_array();
	else
		l.t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	rc = store_computer_list(st, &f, list_cb, &l);
	if (rc != STORE_OK) {
		json_decref(l.arr);
		table_free(l.t);
		return store_fail(st, rc, "listing computers");
	}
	if (ctl->json) {
		output_json_put(l.arr);
	} else {
		if (l.n > 0)
			table_print(l.t, stdout, output_width(stdout), false);
		else if (!ctl->quiet)
			printf("no computers\n");
		table_free(l.t);
	}
	return EXIT_OK;
}

/* ---- show ---- */

struct show_ctx {
	json_t	*obj;		/* the computer (JSON) */
	json_t	*idents;
	json_t	*events;
	bool	 found;
	struct store_computer c;	/* strings copied below */
	char	*text;		/* the text form, built in the callback */
};

static int
show_cb(const struct store_computer *c, void *arg)
{
	struct show_ctx *s = arg;
	char os[64], t[8][32];
	char *o[14];

	s->found = true;
	s->obj = computer_json(c);
	snprintf(os, sizeof(os), "%d.%d.%d SP%d", (int)c->os_major,
	    (int)c->os_minor, (int)c->os_build, (int)c->sp_major);
	tstr(c->created, t[0], sizeof(t[0]));
	tstr(c->registered, t[1], sizeof(t[1]));
	tstr(c->last_contact, t[2], sizeof(t[2]));
	tstr(c->last_sync, t[3], sizeof(t[3]));
	tstr(c->last_report, t[4], sizeof(t[4]));
	tstr(c->last_status, t[5], sizeof(t[5]));
	tstr(c->duplicate_seen, t[6], sizeof(t[6]));
	o[0] = output_clean(c->dns_name);
	o[1] = output_clean(c->os_description);
	o[2] = output_clean(c->os_locale);
	o[3] = output_clean(c->manufacturer);
	o[4] = output_clean(c->model);
	o[5] = output_clean(c->bios_name);
	o[6] = output_clean(c->bios_version);
	o[7] = output_clean(c->processor_arch);
	o[8] = output_clean(c->client_version);
	o[9] = output_clean(c->groups);
	o[10] = output_clean(c->target_claim ? c->target_claim : "(none)");
	o[11] = output_clean(c->ip_address);
	o[12] = output_clean(c->client_id);
	o[13] = NULL;
	s->text = xasprintf(
	    "Name:              %s\n"
	    "Client id:         %s\n"
	    "Local id:          #%lld\n"
	    "IP address:        %s\n"
	    "OS:                %s (%s), locale %s\n"
	    "Hardware:          %s %s, BIOS %s %s, %s\n"
	    "Client version:    %s\n"
	    "Groups:            %s\n"
	    "Target group claim: %s\n"
	    "First seen:        %s\n"
	    "Registered:        %s\n"
	    "Last contact:      %s\n"
	    "Last sync:         %s\n"
	    "Last report:       %s\n"
	    "Last status:       %s\n"
	    "Updates:           %d needed, %d downloaded, %d installed, "
	    "%d pending reboot, %d failed\n",
	    o[0], o[12], (long long)c->id, o[11], os, o[1], o[2], o[3], o[4],
	    o[5], o[6], o[7], o[8], o[9], o[10], t[0], t[1], t[2], t[3], t[4],
	    t[5], c->counts[UPDATE_STATE_NEEDED],
	    c->counts[UPDATE_STATE_DOWNLOADED],
	    c->counts[UPDATE_STATE_INSTALLED],
	    c->counts[UPDATE_STATE_PENDING_REBOOT],
	    c->counts[UPDATE_STATE_FAILED]);
	if (c->duplicate_count > 0) {
		char *d = xasprintf("%sDUPLICATE:         this client id "
		    "went back to an earlier machine %d time%s, last at %s: "
		    "two machines (a cloned image?) may share it\n",
		    s->text, c->duplicate_count,
		    c->duplicate_count == 1 ? "" : "s", t[6]);

		free(s->text);
		s->text = d;
	}
	for (int i = 0; o[i] != NULL; i++)
		free(o[i]);
	return 0;
}

static int
ident_cb(const struct store_computer_identity *i, void *arg)
{
	struct show_ctx *s = arg;
	char first[32], last[32];

	output_time(i->first_seen, first, sizeof(first));
	output_time(i->last_seen, last, sizeof(last));
	json_array_append_new(s->idents, json_pack("{s:o,s:o,s:o,s:o,s:s,s:s,"
	    "s:I,s:b}", "name", output_json_str(i->dns_name),
	    "manufacturer", output_json_str(i->manufacturer),
	    "model", output_json_str(i->model),
	    "bios", output_json_str(i->bios), "first_seen", first,
	    "last_seen", last, "times", (json_int_t)i->times,
	    "current", i->current));
	return 0;
}

static int
event_cb(const struct store_event_row *e, void *arg)
{
	struct show_ctx *s = arg;
	char at[32], rcv[32], hr[16];

	output_time(e->time_at_target, at, sizeof(at));
	output_time(e->received, rcv, sizeof(rcv));
	output_hresult(e->hresult, hr, sizeof(hr));
	json_array_append_new(s->events, json_pack("{s:s,s:i,s:i,s:i,s:s,s:s,"
	    "s:o,s:i,s:s,s:o,s:o,s:o,s:o}", "instance_id", e->instance_id,
	    "event_id", (int)e->event_id, "namespace_id", (int)e->namespace_id,
	    "source_id", (int)e->source_id, "time_at_target", at,
	    "received", rcv, "update_id", output_json_str(e->update_id),
	    "revision", (int)e->revision, "hresult", hr,
	    "app_name", output_json_str(e->app_name),
	    "title", output_json_str(e->title),
	    "replacement_strings", output_json_str(e->replacement),
	    "misc_data", output_json_str(e->misc)));
	return 0;
}

static void
print_identities(json_t *a)
{
	static const struct table_col cols[] = {
		{ "NAME", 0 }, { "MANUFACTURER", 0 }, { "MODEL", TABLE_SHRINK },
		{ "BIOS", TABLE_SHRINK }, { "FIRST SEEN", 0 }, { "LAST SEEN", 0 },
		{ "TIMES", TABLE_RIGHT }, { "", 0 },
	};
	struct table *t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v) {
		char times[24];
		const char *m = json_string_value(json_object_get(v,
		    "manufacturer")), *mo = json_string_value(json_object_get(v,
		    "model")), *b = json_string_value(json_object_get(v, "bios"));

		snprintf(times, sizeof(times), "%lld", (long long)
		    json_integer_value(json_object_get(v, "times")));
		table_addf(t, json_string_value(json_object_get(v, "name")),
		    m ? m : "-", mo ? mo : "-", b ? b : "-",
		    json_string_value(json_object_get(v, "first_seen")),
		    json_string_value(json_object_get(v, "last_seen")), times,
		    json_is_true(json_object_get(v, "current")) ? "current" : "");
	}
	printf("\nIdentities seen with this client id:\n");
	table_print(t, stdout, output_width(stdout), false);
	table_free(t);
}

static void
print_events(json_t *a)
{
	static const struct table_col cols[] = {
		{ "TIME AT CLIENT", 0 }, { "EVENT", TABLE_RIGHT },
		{ "HRESULT", 0 }, { "UPDATE", TABLE_SHRINK },
	};
	struct table *t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v) {
		char ev[16], hr[16];
		const char *title = json_string_value(json_object_get(v, "title")),
		    *uid = json_string_value(json_object_get(v, "update_id"));

		snprintf(ev, sizeof(ev), "%d", (int)json_integer_value(
		    json_object_get(v, "event_id")));
		snprintf(hr, sizeof(hr), "%s", json_string_value(
		    json_object_get(v, "hresult")));
		table_addf(t, json_string_value(json_object_get(v,
		    "time_at_target")), ev, hr, title ? title : uid ? uid : "-");
	}
	printf("\nLatest events:\n");
	table_print(t, stdout, output_width(stdout), false);
	table_free(t);
}

static int
computers_show(struct wsusctl *ctl, struct store *st, const char *name)
{
	struct show_ctx s;
	int64_t id;
	int rc;

	if ((rc = computer_resolve(st, name, &id)) != EXIT_OK)
		return rc;
	memset(&s, 0, sizeof(s));
	s.idents = json_array();
	s.events = json_array();
	if ((rc = store_computer_get(st, id, show_cb, &s)) != STORE_OK ||
	    (rc = store_computer_identities(st, id, ident_cb, &s)) !=
	    STORE_OK ||
	    (rc = store_event_list(st, id, SHOW_EVENTS, event_cb, &s)) !=
	    STORE_OK) {
		json_decref(s.obj);
		json_decref(s.idents);
		json_decref(s.events);
		free(s.text);
		return store_fail(st, rc, "reading the computer");
	}
	if (ctl->json) {
		json_object_set_new(s.obj, "identity_history", s.idents);
		json_object_set_new(s.obj, "events", s.events);
		output_json_put(s.obj);
	} else {
		fputs(s.text, stdout);
		if (json_array_size(s.idents) > 1 ||
		    json_is_true(json_object_get(s.obj, "duplicate")))
			print_identities(s.idents);
		if (json_array_size(s.events) > 0)
			print_events(s.events);
		json_decref(s.obj);
		json_decref(s.idents);
		json_decref(s.events);
	}
	free(s.text);
	return EXIT_OK;
}

/* ---- move, delete ---- */

static int
computers_move(struct wsusctl *ctl, struct store *st, const char *name,
    const char *group)
{
	enum targeting_mode mode;
	int64_t id, gid;
	int rc;

	if ((rc = computer_resolve(st, name, &id)) != EXIT_OK ||
	    (rc = group_resolve(st, group, &gid)) != EXIT_OK)
		return rc;
	if ((rc = store_computer_move(st, id, gid)) != STORE_OK) {
		if (rc == STORE_INVALID) {
			log_error("moving the computer: %s", store_errmsg(st));
			return EXIT_FAIL;
		}
		return store_fail(st, rc, "moving the computer");
	}
	if (store_targeting_get(st, &mode) == STORE_OK &&
	    mode == TARGETING_CLIENT)
		log_warnx("targeting is client-side: the group the computer "
		    "names counts until 'wsusctl targeting server'");
	if (ctl->json) {
		json_t *j = json_pack("{s:s,s:I,s:I}", "result", "moved",
		    "id", (json_int_t)id, "group_id", (json_int_t)gid);
		output_json_put(j);
	} else if (!ctl->quiet) {
		char *n = output_clean(name), *g = output_clean(group);

		printf("moved computer %s to group %s\n", n, g);
		free(n);
		free(g);
	}
	return EXIT_OK;
}

static int
computers_delete(struct wsusctl *ctl, struct store *st, const char *name)
{
	int64_t id;
	int rc;

	if ((rc = computer_resolve(st, name, &id)) != EXIT_OK)
		return rc;
	if ((rc = store_computer_delete(st, id)) != STORE_OK)
		return store_fail(st, rc, "deleting the computer");
	if (ctl->json) {
		json_t *j = json_pack("{s:s,s:I}", "result", "deleted", "id",
		    (json_int_t)id);
		output_json_put(j);
	} else if (!ctl->quiet) {
		char *n = output_clean(name);

		printf("deleted computer %s\n", n);
		free(n);
	}
	return EXIT_OK;
}

static void
computers_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl computers list [--group GROUP] [--duplicates] "
	    "[--name TEXT] [--limit N]\n"
	    "       wsusctl computers show COMPUTER\n"
	    "       wsusctl computers move COMPUTER --group GROUP\n"
	    "       wsusctl computers delete COMPUTER\n"
	    "  COMPUTER is a DNS name (or its first label when that is "
	    "unique),\n"
	    "  a SusClientId, or #N (the local id).  GROUP is a group name or "
	    "GUID.\n"
	    "  --json prints JSON.\n");
}

static const struct option computers_opts[] = {
	{ "group",	required_argument,	NULL,	'g' },
	{ "duplicates",	no_argument,		NULL,	'd' },
	{ "name",	required_argument,	NULL,	'n' },
	{ "limit",	required_argument,	NULL,	'l' },
	{ "json",	no_argument,		NULL,	'j' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_computers(struct wsusctl *ctl, int argc, char **argv)
{
	const char *sub = "list", *group = NULL, *name = NULL;
	struct store *st;
	bool dups = false;
	size_t limit = 0;
	int c, nargs, n;
	char **args, **base;

	n = subcommand_split(argc, argv, &sub, &base);
	optind = 0;
	while ((c = getopt_long(n, base, "g:dn:l:jqh", computers_opts,
	    NULL)) != -1) {
		switch (c) {
		case 'g':
			group = optarg;
			break;
		case 'd':
			dups = true;
			break;
		case 'n':
			name = optarg;
			break;
		case 'l':
			if (parse_size(optarg, 0, COMPUTERS_LIMIT_MAX, &limit) == -1) {
				log_error("--limit needs a number");
				return EXIT_USAGE;
			}
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			computers_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			computers_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args = base + optind;
	nargs = n - optind;
	if (strcmp(sub, "list") == 0) {
		if (nargs != 0)
			goto usage;
	} else if (strcmp(sub, "show") == 0 || strcmp(sub, "delete") == 0) {
		if (nargs != 1 || group != NULL || dups || name != NULL ||
		    limit != 0)
			goto usage;
	} else if (strcmp(sub, "move") == 0) {
		if (nargs != 1 || group == NULL || dups || name != NULL ||
		    limit != 0)
			goto usage;
	} else {
		log_error("unknown computers subcommand '%s'", sub);
		goto usage;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (strcmp(sub, "list") == 0)
		return computers_list(ctl, st, group, dups, name, limit);
	if (strcmp(sub, "show") == 0)
		return computers_show(ctl, st, args[0]);
	if (strcmp(sub, "move") == 0)
		return computers_move(ctl, st, args[0], group);
	return computers_delete(ctl, st, args[0]);
usage:
	computers_usage(stderr);
	return EXIT_USAGE;
}

/* ---- targeting ---- */

static void
targeting_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl targeting [client|server]\n"
	    "  Without an argument, show who decides computer group "
	    "membership.\n"
	    "  server: the administrator (wsusctl computers move); the "
	    "default.\n"
	    "  client: the target group names computers send (Group Policy "
	    "\"Enable\n"
	    "          client-side targeting\"); names no group has put the "
	    "computer\n"
	    "          in Unassigned Computers.\n");
}

int
cmd_targeting(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum targeting_mode mode;
	struct store *st;
	bool set = false;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			targeting_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(argv);
			targeting_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		targeting_usage(stderr);
		return EXIT_USAGE;
	}
	mode = TARGETING_SERVER;
	if (argc - optind == 1) {
		set = true;
		if (strcmp(argv[optind], "client") == 0)
			mode = TARGETING_CLIENT;
		else if (strcmp(argv[optind], "server") != 0) {
			log_error("targeting is 'client' or 'server', not '%s'",
			    argv[optind]);
			return EXIT_USAGE;
		}
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (set && (rc = store_targeting_set(st, mode)) != STORE_OK)
		return store_fail(st, rc, "setting the targeting mode");
	if ((rc = store_targeting_get(st, &mode)) != STORE_OK)
		return store_fail(st, rc, "reading the targeting mode");
	if (ctl->json) {
		json_t *j = json_pack("{s:s}", "targeting",
		    mode == TARGETING_CLIENT ? "client" : "server");
		output_json_put(j);
	} else if (!ctl->quiet || !set)
		printf("targeting: %s\n", mode == TARGETING_CLIENT ?
		    "client (computers name their groups)" :
		    "server (groups are assigned with wsusctl computers move)");
	return EXIT_OK;
}
