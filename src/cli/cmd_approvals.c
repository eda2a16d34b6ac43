/*
 * cmd_approvals.c — `wsusctl approve`, `unapprove`, `decline` and
 * `approvals`: what a WSUS administrator does with an update once its
 * metadata is imported.  Not here: approval inheritance or what clients
 * see (the store and the client protocol decide that).
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

#define MAX_GROUP_ARGS	64

struct approve_args {
	const char	*groups[MAX_GROUP_ARGS];
	size_t		 ngroups;
	int64_t		 gids[MAX_GROUP_ARGS];
	int		 action;
	int64_t		 deadline;
	bool		 all;
	bool		 undo;
	bool		 force;		/* even on a replica */
	const char	*what;		/* the command, for replica_refuse */
	const char	*update;	/* approvals --update */
	char	       **operands;
	int		 noperands;
};

static const struct option approve_opts[] = {
	{ "group",	required_argument,	NULL,	'g' },
	{ "action",	required_argument,	NULL,	'a' },
	{ "deadline",	required_argument,	NULL,	'd' },
	{ "update",	required_argument,	NULL,	'u' },
	{ "all",	no_argument,		NULL,	'A' },
	{ "undo",	no_argument,		NULL,	'U' },
	{ "force",	no_argument,		NULL,	'F' },
	{ "json",	no_argument,		NULL,	'j' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp, const char *cmd)
{
	if (strcmp(cmd, "approve") == 0)
		fprintf(fp, "usage: wsusctl approve UPDATE... --group GROUP "
		    "[--group GROUP...]\n"
		    "         [--action install|uninstall|notapproved] "
		    "[--deadline YYYY-MM-DD[THH:MM[:SS]][Z]] [--all] [--force]\n");
	else if (strcmp(cmd, "unapprove") == 0)
		fprintf(fp, "usage: wsusctl unapprove UPDATE... [--group GROUP...] "
		    "[--all] [--force]\n");
	else if (strcmp(cmd, "decline") == 0)
		fprintf(fp, "usage: wsusctl decline UPDATE... [--undo] [--all] "
		    "[--force]\n");
	else
		fprintf(fp, "usage: wsusctl approvals [--group GROUP] "
		    "[--update UPDATE] [--json]\n");
	fprintf(fp, "  UPDATE is an UpdateID or a KB number (KB2267602 or "
	    "2267602)%s\n", strcmp(cmd, "decline") == 0 ? "; --all: every "
	    "update a KB number names." : "; GROUP a group name or GUID.");
	if (strcmp(cmd, "decline") == 0)
		fprintf(fp, "  Declines the update for every group (WSUS has no "
		    "per-group decline);\n  --undo makes it approvable "
		    "again.\n");
	if (strcmp(cmd, "approve") == 0)
		fprintf(fp, "  A deadline (Install or Uninstall approvals) must "
		    "lie in the future.\n");
	if (strcmp(cmd, "approvals") != 0)
		fprintf(fp, "  On a replica (wsusctl sync --replica) refused "
		    "unless --force.\n");
}

/*
 * Parse the options every command here shares; "allowed" lists the
 * short options this command takes.  Returns -1 when done (go on) or
 * an exit status.
 */
static int
parse(struct wsusctl *ctl, int argc, char **argv, const char *allowed,
    struct approve_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->action = APPROVAL_INSTALL;
	optind = 0;
	while ((c = getopt_long(argc, argv, "g:a:d:u:AUFjqh", approve_opts,
	    NULL)) != -1) {
		if (c != '?' && c != 'h' && strchr(allowed, c) == NULL) {
			log_error("%s: option not allowed here", argv[optind - 1]);
			usage(stderr, argv[0]);
			return EXIT_USAGE;
		}
		switch (c) {
		case 'g':
			if (a->ngroups == MAX_GROUP_ARGS) {
				log_error("at most %d --group options", MAX_GROUP_ARGS);
				return EXIT_USAGE;
			}
			a->groups[a->ngroups++] = optarg;
			break;
		case 'a':
			if ((a->action = approval_action_parse(optarg)) < 0) {
				log_error("--action: '%s' is not install, uninstall "
				    "or notapproved", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'd':
			if (deadline_parse(optarg, &a->deadline) == -1) {
				log_error("--deadline: '%s' is not "
				    "YYYY-MM-DD[THH:MM[:SS]][Z]", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'u':
			a->update = optarg;
			break;
		case 'A':
			a->all = true;
			break;
		case 'U':
			a->undo = true;
			break;
		case 'F':
			a->force = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return EXIT_OK;
		default:
			bad_option(argv);
			usage(stderr, argv[0]);
			return EXIT_USAGE;
		}
	}
	a->what = argv[0];
	a->operands = argv + optind;
	a->noperands = argc - optind;
	return -1;
}

static int
resolve_groups(struct store *st, struct approve_args *a)
{
	int rc;

	for (size_t i = 0; i < a->ngroups; i++)
		if ((rc = group_resolve(st, a->groups[i], &a->gids[i])) != EXIT_OK)
			return rc;
	return EXIT_OK;
}

/* All updates named by the operands; ambiguous KBs refused unless --all. */
static int
resolve_all(struct store *st, struct approve_args *a, struct upd_match **out,
    size_t *nout)
{
	struct upd_match *all = NULL, *m;
	size_t n = 0, nm;
	int rc;

	for (int i = 0; i < a->noperands; i++) {
		if ((rc = upd_resolve(st, a->operands[i], &m, &nm)) != EXIT_OK) {
			upd_matches_free(all, n);
			return rc;
		}
		if (nm > 1 && !a->all) {
			upd_print_ambiguous(a->operands[i], m, nm, true);
			upd_matches_free(m, nm);
			upd_matches_free(all, n);
			return EXIT_USAGE;
		}
		all = xreallocarray(all, n + nm, sizeof(*all));
		memcpy(all + n, m, nm * sizeof(*m));
		n += nm;
		free(m);	/* the strings moved to all */
	}
	*out = all;
	*nout = n;
	return EXIT_OK;
}

/* Open the store, resolve the --group options (with groups) and the
 * UPDATE operands: EXIT_OK with *st, *m and *n, or the exit status. */
static int
open_resolve(struct wsusctl *ctl, struct approve_args *a, bool groups,
    struct store **st, struct upd_match **m, size_t *n)
{
	int rc;

	if ((*st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if ((rc = replica_refuse(*st, a->what, a->force)) != EXIT_OK)
		return rc;
	if (groups && (rc = resolve_groups(*st, a)) != EXIT_OK)
		return rc;
	return resolve_all(*st, a, m, n);
}

static char *
describe(const struct upd_match *m)
{
	char *t = output_clean(m->title), *s;

	s = xasprintf("%s%s%sr%d \"%s\"", m->kb ? "KB" : "", m->kb ? m->kb : "",
	    m->kb ? " " : "", (int)m->revision, t);
	free(t);
	return s;
}

static json_t *
match_json(const struct upd_match *m)
{
	return json_pack("{s:s,s:i,s:o,s:o}", "update_id", m->update_id,
	    "revision", (int)m->revision, "kb", output_json_kb(m->kb),
	    "title", output_json_str(m->title));
}

int
cmd_approve(struct wsusctl *ctl, int argc, char **argv)
{
	struct approve_args a;
	struct upd_match *m = NULL;
	struct store *st;
	json_t *out = NULL;
	size_t n = 0;
	int rc, status = EXIT_OK;
	char dl[32];

	if ((rc = parse(ctl, argc, argv, "gadAFjq", &a)) != -1)
		return rc;
	if (a.noperands < 1 || a.ngroups == 0) {
		if (a.ngroups == 0)
			log_error("approve: at least one --group is required");
		usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	if (a.deadline != 0 && a.action == APPROVAL_NOT_APPROVED) {
		log_error("approve: a deadline applies to Install and Uninstall "
		    "approvals, not to NotApproved");
		return EXIT_USAGE;
	}
	if (a.deadline != 0 && a.deadline <= deadline_now()) {
		char now[32];

		output_time(deadline_now(), now, sizeof(now));
		output_time(a.deadline, dl, sizeof(dl));
		log_error("approve: the deadline %s is in the past (now %s); "
		    "give a future date, or no deadline", dl, now);
		return EXIT_USAGE;
	}
	if ((rc = open_resolve(ctl, &a, true, &st, &m, &n)) != EXIT_OK)
		return rc;
	/* refuse the whole request before changing anything */
	for (size_t i = 0; i < n; i++) {
		if (m[i].type == UPDATE_TYPE_CATEGORY ||
		    m[i].type == UPDATE_TYPE_DETECTOID) {
			log_error("%s is a %s; only software and driver updates can "
			    "be approved", m[i].update_id, update_type_name(m[i].type));
			status = EXIT_FAIL;
		} else if (m[i].declined && a.action != APPROVAL_NOT_APPROVED) {
			log_error("%s is declined; run 'wsusctl decline %s --undo' "
			    "first", m[i].update_id, m[i].update_id);
			status = EXIT_FAIL;
		}
	}
	if (status != EXIT_OK)
		goto done;

	output_time(a.deadline, dl, sizeof(dl));
	if (ctl->json)
		out = json_array();
	for (size_t i = 0; i < n && status == EXIT_OK; i++) {
		for (size_t g = 0; g < a.ngroups; g++) {
			int64_t did = 0;
			rc = store_approve(st, m[i].update_id, a.gids[g], a.action,
			    a.deadline, admin_name(), &did);
			if (rc != STORE_OK) {
				status = store_fail(st, rc, "approving");
				break;
			}
			if (out) {
				json_t *j = match_json(&m[i]);
				json_object_set_new(j, "group", output_json_str(a.groups[g]));
				json_object_set_new(j, "group_id", json_integer(a.gids[g]));
				json_object_set_new(j, "action",
				    json_string(approval_action_name(a.action)));
				json_object_set_new(j, "deadline", a.deadline ?
				    json_string(dl) : json_null());
				json_object_set_new(j, "deployment_id", json_integer(did));
				json_array_append_new(out, j);
			} else if (!ctl->quiet) {
				char *d = describe(&m[i]), *gn = output_clean(a.groups[g]);
				printf("approved %s %s for %s to %s%s%s\n", m[i].update_id,
				    d, approval_action_name(a.action), gn,
				    a.deadline ? ", deadline " : "", a.deadline ? dl : "");
				free(d);
				free(gn);
			}
		}
	}
	output_json_put(out);
done:
	upd_matches_free(m, n);
	return status;
}

/*
 * What unapprove and decline begin with: the options in allowed, at
 * least one UPDATE operand, the store (with a's groups when groups) and
 * the updates matched into *m (*n; the caller frees them).  -1 to go
 * on, else the exit status to return with nothing left open.
 */
static int
start(struct wsusctl *ctl, int argc, char **argv, const char *allowed,
    bool groups, struct approve_args *a, struct store **st,
    struct upd_match **m, size_t *n)
{
	int rc;

	if ((rc = parse(ctl, argc, argv, allowed, a)) != -1)
		return rc;
	if (a->noperands < 1) {
		usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	if ((rc = open_resolve(ctl, a, groups, st, m, n)) != EXIT_OK)
		return rc;
	return -1;
}

int
cmd_unapprove(struct wsusctl *ctl, int argc, char **argv)
{
	struct approve_args a;
	struct upd_match *m = NULL;
	struct store *st;
	json_t *out = NULL;
	size_t n = 0;
	int rc, status = EXIT_OK;

	if ((rc = start(ctl, argc, argv, "gAFjq", true, &a, &st, &m,
	    &n)) != -1)
		return rc;
	if (ctl->json)
		out = json_array();
	for (size_t i = 0; i < n && status == EXIT_OK; i++) {
		/* no --group: every group at once (group id 0) */
		size_t ng = a.ngroups ? a.ngroups : 1;
		for (size_t g = 0; g < ng; g++) {
			int64_t gid = a.ngroups ? a.gids[g] : 0;
			const char *gname = a.ngroups ? a.groups[g] : "all groups";
			bool had = true;

			rc = store_unapprove(st, m[i].update_id, gid);
			if (rc == STORE_NOTFOUND)
				had = false;	/* nothing to remove: already so */
			else if (rc != STORE_OK) {
				status = store_fail(st, rc, "unapproving");
				break;
			}
			if (out) {
				json_t *j = match_json(&m[i]);
				json_object_set_new(j, "group", a.ngroups ?
				    output_json_str(gname) : json_null());
				json_object_set_new(j, "removed", json_boolean(had));
				json_array_append_new(out, j);
			} else if (!ctl->quiet) {
				char *d = describe(&m[i]), *gn = output_clean(gname);
				if (had)
					printf("unapproved %s %s for %s\n",
					    m[i].update_id, d, gn);
				else
					printf("%s %s had no approval for %s\n",
					    m[i].update_id, d, gn);
				free(d);
				free(gn);
			}
		}
	}
	output_json_put(out);
	upd_matches_free(m, n);
	return status;
}

int
cmd_decline(struct wsusctl *ctl, int argc, char **argv)
{
	struct approve_args a;
	struct upd_match *m = NULL;
	struct store *st;
	json_t *out = NULL;
	size_t n = 0;
	int rc, status = EXIT_OK;

	if ((rc = start(ctl, argc, argv, "UAFjq", false, &a, &st, &m,
	    &n)) != -1)
		return rc;
	if (ctl->json)
		out = json_array();
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_decline(st, m[i].update_id, !a.undo)) != STORE_OK) {
			status = store_fail(st, rc, a.undo ? "undeclining" :
			    "declining");
			break;
		}
		if (out) {
			json_t *j = match_json(&m[i]);
			json_object_set_new(j, "declined", json_boolean(!a.undo));
			json_array_append_new(out, j);
		} else if (!ctl->quiet) {
			char *d = describe(&m[i]);
			printf("%s %s %s\n", a.undo ? "undeclined" : "declined",
			    m[i].update_id, d);
			free(d);
		}
	}
	output_json_put(out);
	upd_matches_free(m, n);
	return status;
}

/* ---- approvals ---- */

struct approvals_ctx {
	struct table	*t;
	json_t		*a;
};

static int
approval_row(const struct store_approval *ap, void *arg)
{
	struct approvals_ctx *c = arg;
	char rev[16], dl[32], cr[32];

	snprintf(rev, sizeof(rev), "%d", (int)ap->revision);
	output_time(ap->deadline, dl, sizeof(dl));
	output_time(ap->created, cr, sizeof(cr));
	if (c->a) {
		json_array_append_new(c->a, json_pack(
		    "{s:I,s:s,s:i,s:I,s:I,s:o,s:s,s:o,s:o,s:o,s:o}",
		    "deployment_id", (json_int_t)ap->deployment_id,
		    "update_id", ap->update_id, "revision", (int)ap->revision,
		    "revision_id", (json_int_t)ap->revision_id,
		    "group_id", (json_int_t)ap->group_id,
		    "group", output_json_str(ap->group_name),
		    "action", approval_action_name(ap->action),
		    "deadline", ap->deadline ? json_string(dl) : json_null(),
		    "created", ap->created ? json_string(cr) : json_null(),
		    "admin", output_json_str(ap->admin),
		    "title", output_json_str(ap->title)));
	} else {
		table_addf(c->t, ap->update_id, rev, ap->group_name,
		    approval_action_name(ap->action), ap->deadline ? dl : "-", cr,
		    ap->admin && *ap->admin ? ap->admin : "-", ap->title);
	}
	return 0;
}

int
cmd_approvals(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct table_col cols[] = {
		{ "UPDATE ID", 0 }, { "REV", TABLE_RIGHT }, { "GROUP", TABLE_SHRINK },
		{ "ACTION", 0 }, { "DEADLINE", 0 }, { "APPROVED", 0 }, { "BY", 0 },
		{ "TITLE", TABLE_SHRINK },
	};
	struct approvals_ctx c;
	struct approve_args a;
	struct upd_match *m = NULL;
	struct store *st;
	size_t n = 0;
	int64_t gid = 0;
	int rc, status = EXIT_OK;

	if ((rc = parse(ctl, argc, argv, "gujq", &a)) != -1)
		return rc;
	if (a.noperands != 0 || a.ngroups > 1) {
		usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (a.ngroups == 1 && (rc = group_resolve(st, a.groups[0], &gid)) != EXIT_OK)
		return rc;
	if (a.update && (rc = upd_resolve(st, a.update, &m, &n)) != EXIT_OK)
		return rc;

	memset(&c, 0, sizeof(c));
	if (ctl->json)
		c.a = json_array();
	else
		c.t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	if (a.update) {
		for (size_t i = 0; i < n && status == EXIT_OK; i++)
			if ((rc = store_approval_list(st, m[i].update_id, gid,
			    approval_row, &c)) != STORE_OK)
				status = store_fail(st, rc, "listing approvals");
	} else if ((rc = store_approval_list(st, NULL, gid, approval_row, &c)) !=
	    STORE_OK)
		status = store_fail(st, rc, "listing approvals");

	if (status == EXIT_OK) {
		if (c.a)
			output_json(c.a, stdout);
		else
			table_print(c.t, stdout, output_width(stdout), false);
	}
	json_decref(c.a);
	table_free(c.t);
	upd_matches_free(m, n);
	return status;
}
