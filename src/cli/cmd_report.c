/*
 * cmd_report.c — `wsusctl report compliance|computer|settings|prune`:
 * the update status reports of the WSUS console (update status summary,
 * computer status) and the reporting bounds.  The states come from what
 * clients report (ReportEventBatch); docs/REPORTING.md says how.
 * Not here: `wsusctl computers` (cmd_computers.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "store/settings.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define COMPUTER_EVENTS	20	/* events listed by `report computer` */

static const char *const state_names[UPDATE_STATE_COUNT] = {
	"unknown", "not-applicable", "needed", "downloaded", "installed",
	"failed", "pending-reboot",
};

/* JSON keys of the counts, in a reading order. */
static const struct {
	const char	*key;
	int		 state;
} count_keys[] = {
	{ "needed", UPDATE_STATE_NEEDED },
	{ "downloaded", UPDATE_STATE_DOWNLOADED },
	{ "installed", UPDATE_STATE_INSTALLED },
	{ "pending_reboot", UPDATE_STATE_PENDING_REBOOT },
	{ "failed", UPDATE_STATE_FAILED },
	{ "not_applicable", UPDATE_STATE_NOT_APPLICABLE },
	{ "unknown", UPDATE_STATE_UNKNOWN },
};
#define NCOUNTS	(sizeof(count_keys) / sizeof(count_keys[0]))

/* ---- compliance ---- */

struct comp_ctx {
	json_t		*arr;
	struct table	*t;
	bool		 by_group;
	size_t		 n;
};

static int
comp_cb(const struct store_compliance_row *r, void *arg)
{
	struct comp_ctx *c = arg;
	char num[NCOUNTS][24], kb[32], total[24];
	const char *cells[NCOUNTS + 4];
	size_t k = 0;

	c->n++;
	if (c->arr != NULL) {
		json_t *j = json_object();

		json_object_set_new(j, "update_id", json_string(r->update_id));
		json_object_set_new(j, "kb", output_json_kb(r->kb_article_id));
		json_object_set_new(j, "title", output_json_str(r->title));
		json_object_set_new(j, "approved", json_boolean(r->approved));
		json_object_set_new(j, "group", output_json_str(r->group_name));
		json_object_set_new(j, "computers",
		    json_integer((json_int_t)r->computers));
		for (size_t i = 0; i < NCOUNTS; i++)
			json_object_set_new(j, count_keys[i].key, json_integer(
			    (json_int_t)r->counts[count_keys[i].state]));
		json_array_append_new(c->arr, j);
		return 0;
	}
	if (r->kb_article_id != NULL)
		snprintf(kb, sizeof(kb), "KB%s", r->kb_article_id);
	else
		snprintf(kb, sizeof(kb), "%.8s", r->update_id);
	snprintf(total, sizeof(total), "%zu", r->computers);
	if (c->by_group)
		cells[k++] = r->group_name;
	else {
		cells[k++] = kb;
		cells[k++] = r->title ? r->title : r->update_id;
	}
	for (size_t i = 0; i < NCOUNTS; i++) {
		snprintf(num[i], sizeof(num[i]), "%zu",
		    r->counts[count_keys[i].state]);
		cells[k++] = num[i];
	}
	cells[k++] = total;
	table_add(c->t, cells);
	return 0;
}

static int
report_compliance(struct wsusctl *ctl, struct store *st, const char *group,
    const char *update, size_t limit, const char *site)
{
	static const struct table_col per_update[] = {
		{ "UPDATE", 0 }, { "TITLE", TABLE_SHRINK },
		{ "NEEDED", TABLE_RIGHT }, { "DOWNLOADED", TABLE_RIGHT },
		{ "INSTALLED", TABLE_RIGHT }, { "PENDING REBOOT", TABLE_RIGHT },
		{ "FAILED", TABLE_RIGHT }, { "NOT APPLICABLE", TABLE_RIGHT },
		{ "UNKNOWN", TABLE_RIGHT }, { "COMPUTERS", TABLE_RIGHT },
	};
	static const struct table_col per_group[] = {
		{ "GROUP", TABLE_SHRINK },
		{ "NEEDED", TABLE_RIGHT }, { "DOWNLOADED", TABLE_RIGHT },
		{ "INSTALLED", TABLE_RIGHT }, { "PENDING REBOOT", TABLE_RIGHT },
		{ "FAILED", TABLE_RIGHT }, { "NOT APPLICABLE", TABLE_RIGHT },
		{ "UNKNOWN", TABLE_RIGHT }, { "COMPUTERS", TABLE_RIGHT },
	};
	struct store_compliance_filter f;
	struct upd_match *m = NULL;
	struct comp_ctx c;
	size_t nm = 0;
	int rc = EXIT_OK, src;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	f.limit = limit;
	if (site != NULL) {
		/* a downstream site's rolled-up computers (docs/ROLLUP.md) */
		char sid[GUID_STRLEN + 1];
		bool all = strcmp(site, "all") == 0;

		if (group != NULL || update != NULL) {
			log_error("--site does not combine with --group or "
			    "--update");
			return EXIT_USAGE;
		}
		if (!all && (rc = downstream_site_id(st, site, sid)) != EXIT_OK)
			return rc;
		if (ctl->json)
			c.arr = json_array();
		else
			c.t = table_new(per_update, sizeof(per_update) /
			    sizeof(per_update[0]));
		if ((src = store_rollup_compliance(st, all ? NULL : sid, limit,
		    comp_cb, &c)) != STORE_OK)
			rc = store_fail(st, src, "computing site compliance");
		else if (ctl->json)
			output_json(c.arr, stdout);
		else if (c.n > 0)
			table_print(c.t, stdout, output_width(stdout), false);
		else if (!ctl->quiet)
			printf("no rolled-up update status for this site\n");
		json_decref(c.arr);
		table_free(c.t);
		return rc;
	}
	if (group != NULL && (rc = group_resolve(st, group, &f.group_id)) !=
	    EXIT_OK)
		return rc;
	if (update != NULL && (rc = upd_resolve(st, update, &m, &nm)) !=
	    EXIT_OK)
		return rc;
	/* One update and no group: a row per group, as the WSUS console's
	 * update status view. */
	c.by_group = update != NULL && group == NULL;
	if (ctl->json)
		c.arr = json_array();
	else if (c.by_group)
		c.t = table_new(per_group, sizeof(per_group) /
		    sizeof(per_group[0]));
	else
		c.t = table_new(per_update, sizeof(per_update) /
		    sizeof(per_update[0]));
	if (update == NULL) {
		if ((src = store_compliance(st, &f, comp_cb, &c)) != STORE_OK)
			rc = store_fail(st, src, "computing compliance");
	} else {
		for (size_t i = 0; i < nm && rc == EXIT_OK; i++) {
			if (c.by_group && !ctl->json && nm > 1) {
				/* several updates of one KB: one table each */
				if (i > 0)
					printf("\n");
				printf("%s %s\n", m[i].update_id, m[i].title);
			}
			f.update_id = m[i].update_id;
			f.by_group = c.by_group;
			if ((src = store_compliance(st, &f, comp_cb, &c)) !=
			    STORE_OK)
				rc = store_fail(st, src, "computing compliance");
			else if (c.by_group && !ctl->json && nm > 1) {
				table_print(c.t, stdout, output_width(stdout),
				    false);
				table_free(c.t);
				c.t = table_new(per_group, sizeof(per_group) /
				    sizeof(per_group[0]));
			}
		}
		if (c.by_group && !ctl->json && nm == 1)
			printf("%s %s\n", m[0].update_id, m[0].title);
	}
	if (rc == EXIT_OK) {
		if (ctl->json)
			output_json(c.arr, stdout);
		else if (!(c.by_group && nm > 1)) {
			if (c.n > 0)
				table_print(c.t, stdout, output_width(stdout),
				    false);
			else if (!ctl->quiet)
				printf("no approved or reported updates\n");
		}
	}
	json_decref(c.arr);
	table_free(c.t);
	upd_matches_free(m, nm);
	return rc;
}

/* ---- one computer ---- */

struct pc_ctx {
	json_t		*arr;
	struct table	*t;
	size_t		 n;
	char		 name[300];
};

static int
name_cb(const struct store_computer *c, void *arg)
{
	struct pc_ctx *p = arg;

	snprintf(p->name, sizeof(p->name), "%s (%s), groups: %s, last status "
	    "report: ", *c->dns_name ? c->dns_name : "(no name)", c->client_id,
	    c->groups);
	if (c->last_status == 0)
		strncat(p->name, "never", sizeof(p->name) - strlen(p->name) - 1);
	else {
		char t[32];

		output_time(c->last_status, t, sizeof(t));
		strncat(p->name, t, sizeof(p->name) - strlen(p->name) - 1);
	}
	return 0;
}

static int
status_cb(const struct store_update_status *u, void *arg)
{
	struct pc_ctx *p = arg;
	const char *st = u->state < UPDATE_STATE_COUNT ?
	    state_names[u->state] : "?";
	char kb[32], changed[32], ev[16], hr[16];

	p->n++;
	output_hresult(u->hresult, hr, sizeof(hr));
	if (p->arr != NULL) {
		char t[32];

		output_time(u->changed, t, sizeof(t));
		json_array_append_new(p->arr, json_pack("{s:s,s:o,s:o,s:s,s:b,"
		    "s:b,s:i,s:o,s:i,s:o}", "update_id", u->update_id,
		    "kb", output_json_kb(u->kb_article_id),
		    "title", output_json_str(u->title), "state", st,
		    "reported", u->stored, "approved", u->approved,
		    "revision", (int)u->revision,
		    "changed", u->changed ? json_string(t) : json_null(),
		    "event_id", (int)u->event_id, "hresult", u->hresult ?
		    json_string(hr) : json_null()));
		return 0;
	}
	if (u->kb_article_id != NULL)
		snprintf(kb, sizeof(kb), "KB%s", u->kb_article_id);
	else
		snprintf(kb, sizeof(kb), "%.8s", u->update_id);
	if (u->changed)
		output_time(u->changed, changed, sizeof(changed));
	else
		snprintf(changed, sizeof(changed), "-");
	if (u->event_id)
		snprintf(ev, sizeof(ev), "%d", (int)u->event_id);
	else
		snprintf(ev, sizeof(ev), "-");
	if (!u->hresult)
		snprintf(hr, sizeof(hr), "-");
	table_addf(p->t, kb, u->title ? u->title : u->update_id, st,
	    u->approved ? "yes" : "no", changed, ev, hr);
	return 0;
}

static int
report_computer(struct wsusctl *ctl, struct store *st, const char *name)
{
	static const struct table_col cols[] = {
		{ "UPDATE", 0 }, { "TITLE", TABLE_SHRINK }, { "STATE", 0 },
		{ "APPROVED", 0 }, { "CHANGED", 0 }, { "EVENT", TABLE_RIGHT },
		{ "HRESULT", 0 },
	};
	struct pc_ctx p;
	int64_t id;
	int rc;

	if ((rc = computer_resolve(st, name, &id)) != EXIT_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	if (ctl->json)
		p.arr = json_array();
	else
		p.t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	if ((rc = store_computer_get(st, id, name_cb, &p)) != STORE_OK ||
	    (rc = store_status_list(st, id, status_cb, &p)) != STORE_OK) {
		json_decref(p.arr);
		table_free(p.t);
		return store_fail(st, rc, "reading the computer's updates");
	}
	if (ctl->json) {
		output_json_put(p.arr);
	} else {
		char *n = output_clean(p.name);

		printf("%s\n", n);
		free(n);
		if (p.n > 0)
			table_print(p.t, stdout, output_width(stdout), false);
		else
			printf("no reported or approved updates\n");
		table_free(p.t);
	}
	return EXIT_OK;
}

/* ---- settings, prune ---- */

/*
 * The event settings, both read and written through the registry
 * (store/settings.h): its bounds and defaults.  An argument must be
 * plain digits within the bounds; a stored value the registry refuses
 * shows as the default, with a warning.
 */
static int
report_settings(struct wsusctl *ctl, struct store *st, const char *per,
    const char *days)
{
	struct {
		const char *key, *arg;
	} s[] = {
		{ SETTING_EVENTS_PER_COMPUTER, per },
		{ SETTING_EVENT_RETENTION_DAYS, days },
	};
	json_t *j = NULL;
	int rc;

	for (size_t i = 0; i < 2; i++) {
		const struct store_setting_def *d =
		    store_setting_find(s[i].key);

		if (s[i].arg == NULL)
			continue;
		if (*s[i].arg < '0' || *s[i].arg > '9' ||
		    store_setting_check(s[i].key, s[i].arg, NULL, 0) != 0) {
			log_error("%s: a number from %lld to %lld", d->what,
			    (long long)d->min, (long long)d->max);
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < 2; i++)
		if (s[i].arg != NULL && (rc = store_setting_set_checked(st,
		    s[i].key, s[i].arg)) != STORE_OK)
			return store_fail(st, rc, "writing the setting");
	if (ctl->json)
		j = json_object();
	for (size_t i = 0; i < 2; i++) {
		const struct store_setting_def *d =
		    store_setting_find(s[i].key);
		int64_t n, def;

		/* the default: what the registry gives for "absent" */
		store_setting_parse_int(s[i].key, NULL, &def, NULL, 0);
		rc = store_setting_int(st, s[i].key, &n);
		if (rc == STORE_INVALID)
			log_warnx("%s; using the default", store_errmsg(st));
		else if (rc != STORE_OK) {
			json_decref(j);
			return store_fail(st, rc, "reading the setting");
		}
		if (j != NULL)
			json_object_set_new(j, s[i].key, json_integer(n));
		else if (!ctl->quiet || (per == NULL && days == NULL))
			printf("%-26s %lld%s\n", d->what, (long long)n,
			    n == def ? " (default)" : "");
	}
	if (j != NULL) {
		output_json_put(j);
	}
	return EXIT_OK;
}

static int
report_prune(struct wsusctl *ctl, struct store *st)
{
	size_t n = 0;
	int rc;

	if ((rc = store_event_prune(st, (int64_t)time(NULL), &n)) != STORE_OK)
		return store_fail(st, rc, "dropping old events");
	if (ctl->json) {
		json_t *j = json_pack("{s:I}", "dropped", (json_int_t)n);
		output_json_put(j);
	} else if (!ctl->quiet)
		printf("dropped %zu events\n", n);
	return EXIT_OK;
}

static void
report_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl report compliance [--group GROUP] [--update UPDATE] "
	    "[--limit N]\n"
	    "       wsusctl report compliance --site SERVER|all [--limit N]\n"
	    "       wsusctl report hierarchy [--site SERVER]\n"
	    "       wsusctl report computer COMPUTER\n"
	    "       wsusctl report settings [--events-per-computer N] "
	    "[--retention-days N]\n"
	    "       wsusctl report prune\n"
	    "  compliance: per update, how many computers need it, have it "
	    "installed,\n"
	    "  failed... (the computers of GROUP and its subgroups; default "
	    "All Computers);\n"
	    "  with --update and no --group, one row per group.\n"
	    "  UPDATE is an UpdateID or KB number; COMPUTER a DNS name, "
	    "SusClientId or #N.\n"
	    "  --site: the computers a downstream server (and the servers "
	    "below it)\n"
	    "  rolled up; hierarchy: every downstream server and its "
	    "computers.\n"
	    "  --json prints JSON.\n");
}

int
cmd_report(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group",	required_argument,	NULL,	'g' },
		{ "update",	required_argument,	NULL,	'u' },
		{ "limit",	required_argument,	NULL,	'l' },
		{ "site",	required_argument,	NULL,	's' },
		{ "events-per-computer", required_argument, NULL, 'e' },
		{ "retention-days", required_argument,	NULL,	'r' },
		{ "json",	no_argument,		NULL,	'j' },
		{ "quiet",	no_argument,		NULL,	'q' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sub = NULL, *group = NULL, *update = NULL;
	const char *per = NULL, *days = NULL, *site = NULL;
	struct store *st;
	size_t limit = 0;
	int c, nargs, n;
	char **args, **base;

	n = subcommand_split(argc, argv, &sub, &base);
	optind = 0;
	while ((c = getopt_long(n, base, "g:u:l:s:e:r:jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			group = optarg;
			break;
		case 'u':
			update = optarg;
			break;
		case 'l':
			if (parse_size(optarg, 0, SIZE_MAX, &limit) != 0) {
				log_error("--limit needs a number");
				return EXIT_USAGE;
			}
			break;
		case 's':
			site = optarg;
			break;
		case 'e':
			per = optarg;
			break;
		case 'r':
			days = optarg;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			report_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			report_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args = base + optind;
	nargs = n - optind;
	if (sub == NULL) {
		log_error("report: which report? (compliance, hierarchy, "
		    "computer, settings, prune)");
		goto usage;
	}
	if (strcmp(sub, "compliance") == 0) {
		if (nargs != 0 || per != NULL || days != NULL)
			goto usage;
	} else if (strcmp(sub, "hierarchy") == 0) {
		if (nargs != 0 || group != NULL || update != NULL || limit ||
		    per != NULL || days != NULL)
			goto usage;
	} else if (strcmp(sub, "computer") == 0) {
		if (nargs != 1 || site != NULL || group != NULL ||
		    update != NULL || limit ||
		    per != NULL || days != NULL)
			goto usage;
	} else if (strcmp(sub, "settings") == 0) {
		if (nargs != 0 || group != NULL || update != NULL || limit)
			goto usage;
	} else if (strcmp(sub, "prune") == 0) {
		if (nargs != 0 || group != NULL || update != NULL || limit ||
		    per != NULL || days != NULL)
			goto usage;
	} else {
		log_error("unknown report '%s'", sub);
		goto usage;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (strcmp(sub, "compliance") == 0)
		return report_compliance(ctl, st, group, update, limit, site);
	if (strcmp(sub, "hierarchy") == 0)
		return report_hierarchy(ctl, st, site);
	if (strcmp(sub, "computer") == 0)
		return report_computer(ctl, st, args[0]);
	if (strcmp(sub, "settings") == 0)
		return report_settings(ctl, st, per, days);
	return report_prune(ctl, st);
usage:
	report_usage(stderr);
	return EXIT_USAGE;
}
