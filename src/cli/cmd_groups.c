/*
 * cmd_groups.c — `wsusctl groups list|create|rename|delete|move`: the
 * computer target groups.  Not here: the group rules (built-in groups,
 * cycles, unique names), which the store enforces.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define GROUP_TREE_MAX_DEPTH	64	/* deeper groups are shown at this depth */

struct grp {
	int64_t	 id;
	int64_t	 parent_id;
	char	 guid[GUID_STRLEN + 1];
	char	*name;		/* owned */
	bool	 builtin;
	bool	 placed;	/* already in the display order */
	int	 depth;
};

struct grp_list {
	struct grp *g;
	size_t	    n;
	size_t	    cap;
};

static int
grp_collect(const struct store_group *sg, void *arg)
{
	struct grp_list *l = arg;
	struct grp *g;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->g = xreallocarray(l->g, l->cap, sizeof(*l->g));
	}
	g = &l->g[l->n++];
	memset(g, 0, sizeof(*g));
	g->id = sg->id;
	g->parent_id = sg->parent_id;
	snprintf(g->guid, sizeof(g->guid), "%s", sg->guid);
	g->name = xstrdup(sg->name ? sg->name : "");
	g->builtin = sg->builtin;
	return 0;
}

static void
grp_list_free(struct grp_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->g[i].name);
	free(l->g);
	memset(l, 0, sizeof(*l));
}

static const struct grp *
grp_by_id(const struct grp_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->g[i].id == id)
			return &l->g[i];
	return NULL;
}

static int
grp_load(struct store *st, struct grp_list *l)
{
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = store_group_list(st, grp_collect, l)) != STORE_OK) {
		grp_list_free(l);
		return store_fail(st, rc, "listing groups");
	}
	return EXIT_OK;
}

/* Append the children of parent (by name) and their subtrees to order. */
static void
grp_place(struct grp_list *l, int64_t parent, int depth, size_t *order,
    size_t *norder)
{
	for (;;) {
		struct grp *best = NULL;
		for (size_t i = 0; i < l->n; i++) {
			struct grp *g = &l->g[i];
			if (g->placed || g->parent_id != parent || g->id == parent)
				continue;
			if (best == NULL || strcasecmp(g->name, best->name) < 0)
				best = g;
		}
		if (best == NULL)
			return;
		best->placed = true;
		best->depth = depth;
		order[(*norder)++] = (size_t)(best - l->g);
		grp_place(l, best->id, depth < GROUP_TREE_MAX_DEPTH ? depth + 1 :
		    depth, order, norder);
	}
}

static int
groups_list(struct wsusctl *ctl, struct store *st)
{
	struct grp_list l;
	size_t *order, norder = 0, width = output_width(stdout);
	int rc;

	if ((rc = grp_load(st, &l)) != EXIT_OK)
		return rc;
	order = xcalloc(l.n ? l.n : 1, sizeof(*order));
	/* roots: no parent, or a parent that is not listed */
	for (size_t i = 0; i < l.n; i++)
		if (l.g[i].parent_id != 0 && grp_by_id(&l, l.g[i].parent_id) == NULL)
			l.g[i].parent_id = 0;
	grp_place(&l, 0, 0, order, &norder);
	/* anything left over (a cycle) is shown at the top level */
	for (size_t i = 0; i < l.n; i++)
		if (!l.g[i].placed)
			order[norder++] = i;

	if (ctl->json) {
		json_t *a = json_array();
		for (size_t k = 0; k < norder; k++) {
			const struct grp *g = &l.g[order[k]], *p;
			p = grp_by_id(&l, g->parent_id);
			json_array_append_new(a, json_pack("{s:I,s:s,s:o,s:o,s:o,s:b,s:i}",
			    "id", (json_int_t)g->id, "guid", g->guid,
			    "name", output_json_str(g->name),
			    "parent", p ? json_string(p->guid) : json_null(),
			    "parent_name", output_json_str(p ? p->name : NULL),
			    "builtin", g->builtin, "depth", g->depth));
		}
		output_json_put(a);
	} else if (width > 0) {
		static const struct table_col cols[] = {
			{ "NAME", TABLE_SHRINK }, { "GUID", 0 },
		};
		struct table *t = table_new(cols, 2);
		for (size_t k = 0; k < norder; k++) {
			const struct grp *g = &l.g[order[k]];
			char *name = xasprintf("%*s%s%s", 2 * g->depth, "", g->name,
			    g->builtin ? " (built-in)" : "");
			table_addf(t, name, g->guid);
			free(name);
		}
		table_print(t, stdout, width, false);
		table_free(t);
	} else {
		static const struct table_col cols[] = {
			{ "NAME", 0 }, { "GUID", 0 }, { "PARENT", 0 },
		};
		struct table *t = table_new(cols, 3);
		for (size_t k = 0; k < norder; k++) {
			const struct grp *g = &l.g[order[k]], *p;
			p = grp_by_id(&l, g->parent_id);
			table_addf(t, g->name, g->guid, p ? p->name : "-");
		}
		table_print(t, stdout, 0, false);
		table_free(t);
	}
	free(order);
	grp_list_free(&l);
	return EXIT_OK;
}

/* A new group name: 1..GROUP_NAME_MAX bytes of printable UTF-8. */
static int
name_check(const char *name)
{
	char *c;
	bool ok, blank = true;

	if (*name == '\0' || strlen(name) > GROUP_NAME_MAX) {
		log_error("a group name has 1 to %d bytes", GROUP_NAME_MAX);
		return -1;
	}
	for (const char *p = name; *p; p++)
		if (*p != ' ')
			blank = false;
	c = output_clean(name);
	ok = strcmp(c, name) == 0 && !blank;
	free(c);
	if (!ok) {
		log_error("a group name must be printable UTF-8 and not blank");
		return -1;
	}
	return 0;
}

static void
print_group(struct wsusctl *ctl, struct store *st, const char *verb, int64_t id)
{
	struct grp_list l;
	const struct grp *g, *p;

	if (grp_load(st, &l) != EXIT_OK)
		return;
	if ((g = grp_by_id(&l, id)) != NULL) {
		p = grp_by_id(&l, g->parent_id);
		if (ctl->json) {
			json_t *j = json_pack("{s:s,s:I,s:s,s:o,s:o,s:o}",
			    "result", verb, "id", (json_int_t)g->id, "guid", g->guid,
			    "name", output_json_str(g->name),
			    "parent", p ? json_string(p->guid) : json_null(),
			    "parent_name", output_json_str(p ? p->name : NULL));
			output_json_put(j);
		} else if (!ctl->quiet) {
			char *n = output_clean(g->name), *pn = output_clean(p ?
			    p->name : "-");
			printf("%s group %s (%s), parent %s\n", verb, n, g->guid, pn);
			free(n);
			free(pn);
		}
	}
	grp_list_free(&l);
}

static int
group_rc(struct store *st, int rc, const char *what)
{
	if (rc == STORE_EXISTS) {
		log_error("%s: %s", what, *store_errmsg(st) ? store_errmsg(st) :
		    "a group with that name exists");
		return EXIT_FAIL;
	}
	return store_fail(st, rc, what);
}

static void
groups_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl groups list [--json]\n"
	    "       wsusctl groups create NAME [--parent GROUP]\n"
	    "       wsusctl groups rename GROUP NEWNAME\n"
	    "       wsusctl groups delete GROUP\n"
	    "       wsusctl groups move GROUP --parent GROUP\n"
	    "  GROUP is a group name or GUID.  On a replica (wsusctl sync "
	    "--replica)\n  create, rename, delete and move are refused unless "
	    "--force.\n");
}

static const struct option groups_opts[] = {
	{ "parent",	required_argument,	NULL,	'p' },
	{ "force",	no_argument,		NULL,	'F' },
	{ "json",	no_argument,		NULL,	'j' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_groups(struct wsusctl *ctl, int argc, char **argv)
{
	const char *sub = "list", *parent = NULL;
	bool force = false;
	struct store *st;
	int64_t id, pid;
	int c, rc, nargs, n;
	char **args, **base;

	n = subcommand_split(argc, argv, &sub, &base);
	optind = 0;
	while ((c = getopt_long(n, base, "p:Fjqh", groups_opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			parent = optarg;
			break;
		case 'F':
			force = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			groups_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			groups_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args = base + optind;
	nargs = n - optind;

#define WANT(n, p) do { \
	if (nargs != (n) || (!(p) && parent != NULL)) { \
		groups_usage(stderr); \
		return EXIT_USAGE; \
	} \
} while (0)

	if (strcmp(sub, "list") == 0) {
		WANT(0, false);
	} else if (strcmp(sub, "create") == 0) {
		WANT(1, true);
		if (name_check(args[0]) == -1)
			return EXIT_USAGE;
	} else if (strcmp(sub, "rename") == 0) {
		WANT(2, false);
		if (name_check(args[1]) == -1)
			return EXIT_USAGE;
	} else if (strcmp(sub, "delete") == 0) {
		WANT(1, false);
	} else if (strcmp(sub, "move") == 0) {
		WANT(1, true);
		if (parent == NULL) {
			groups_usage(stderr);
			return EXIT_USAGE;
		}
	} else {
		log_error("unknown groups subcommand '%s'", sub);
		groups_usage(stderr);
		return EXIT_USAGE;
	}
#undef WANT

	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (strcmp(sub, "list") == 0)
		return groups_list(ctl, st);
	{
		char what[32];

		snprintf(what, sizeof(what), "groups %s", sub);
		if ((rc = replica_refuse(st, what, force)) != EXIT_OK)
			return rc;
	}

	if (strcmp(sub, "create") == 0) {
		if ((rc = group_resolve(st, parent ? parent :
		    GROUP_ALL_COMPUTERS_GUID, &pid)) != EXIT_OK)
			return rc;
		if ((rc = store_group_create(st, args[0], pid, &id)) != STORE_OK)
			return group_rc(st, rc, "creating the group");
		print_group(ctl, st, "created", id);
		return EXIT_OK;
	}
	if ((rc = group_resolve(st, args[0], &id)) != EXIT_OK)
		return rc;
	if (strcmp(sub, "rename") == 0) {
		if ((rc = store_group_rename(st, id, args[1])) != STORE_OK)
			return group_rc(st, rc, "renaming the group");
		print_group(ctl, st, "renamed", id);
		return EXIT_OK;
	}
	if (strcmp(sub, "move") == 0) {
		if ((rc = group_resolve(st, parent, &pid)) != EXIT_OK)
			return rc;
		if ((rc = store_group_move(st, id, pid)) != STORE_OK)
			return group_rc(st, rc, "moving the group");
		print_group(ctl, st, "moved", id);
		return EXIT_OK;
	}
	/* delete */
	if ((rc = store_group_delete(st, id)) != STORE_OK)
		return group_rc(st, rc, "deleting the group");
	if (ctl->json) {
		json_t *j = json_pack("{s:s,s:I}", "result", "deleted", "id",
		    (json_int_t)id);
		output_json_put(j);
	} else if (!ctl->quiet) {
		char *gn = output_clean(args[0]);
		printf("deleted group %s\n", gn);
		free(gn);
	}
	return EXIT_OK;
}
