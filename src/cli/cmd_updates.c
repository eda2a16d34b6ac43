/*
 * cmd_updates.c — `wsusctl updates list|search|show`: looking at the
 * imported update metadata.  `show` re-parses the stored document for
 * the details the store does not index.  Not here: changing anything.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "content/content_store.h"
#include "metadata/update_parse.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define RELATED_TITLE_MAX	2000	/* related updates whose titles are looked up */
#define LIMIT_MAX		1000000000UL

static const struct option updates_opts[] = {
	{ "kb",			required_argument,	NULL,	'k' },
	{ "title",		required_argument,	NULL,	't' },
	{ "product",		required_argument,	NULL,	'p' },
	{ "classification",	required_argument,	NULL,	'C' },
	{ "approval",		required_argument,	NULL,	'a' },
	{ "type",		required_argument,	NULL,	'T' },
	{ "all-revisions",	no_argument,		NULL,	'R' },
	{ "limit",		required_argument,	NULL,	'n' },
	{ "revision",		required_argument,	NULL,	'r' },
	{ "languages",		no_argument,		NULL,	'L' },
	{ "json",		no_argument,		NULL,	'j' },
	{ "quiet",		no_argument,		NULL,	'q' },
	{ "help",		no_argument,		NULL,	'h' },
	{ NULL, 0, NULL, 0 }
};

static void
updates_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl updates list [--kb N] [--title TEXT] [--product P]\n"
	    "           [--classification C] [--approval any|approved|unapproved|declined]\n"
	    "           [--type software|driver|category|detectoid] [--all-revisions]\n"
	    "           [--limit N] [--json]\n"
	    "       wsusctl updates search TEXT [--limit N] [--json]\n"
	    "       wsusctl updates show UPDATE [--revision N] [--languages] [--json]\n"
	    "  UPDATE is an UpdateID or a KB number.\n");
}

/* Approval state; NULL for categories and detectoids (never approved). */
static const char *
state_name(const struct store_update_row *r)
{
	if (r->type == UPDATE_TYPE_CATEGORY || r->type == UPDATE_TYPE_DETECTOID)
		return NULL;
	if (r->declined)
		return "declined";
	if (r->napprovals > 0)
		return "approved";
	return "unapproved";
}

/* ---- list and search ---- */

struct list_ctx {
	struct table	*t;
	json_t		*a;
	int64_t		*seen;		/* revision ids shown (search merges two lists) */
	size_t		 nseen;
	size_t		 cap;
	size_t		 limit;		/* 0 = none */
};

static json_t *
row_json(const struct store_update_row *r)
{
	char imp[32];

	output_time(r->imported, imp, sizeof(imp));
	return json_pack("{s:s,s:i,s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,"
	    "s:o,s:i,s:I,s:o}",
	    "update_id", r->update_id, "revision", (int)r->revision,
	    "revision_id", (json_int_t)r->revision_id,
	    "type", update_type_name(r->type),
	    "category_kind", r->category_kind == CATEGORY_KIND_NONE ? json_null() :
	    output_json_str(category_kind_name(r->category_kind)),
	    "title", output_json_str(r->title),
	    "kb", output_json_kb(r->kb_article_id),
	    "msrc_severity", output_json_str(r->msrc_severity),
	    "creation_date", output_json_str(r->creation_date),
	    "classification", output_json_str(r->classification),
	    "products", output_json_str(r->products),
	    "latest", r->is_latest, "declined", r->declined,
	    "state", output_json_str(state_name(r)), "approvals", r->napprovals,
	    "max_download_size", (json_int_t)r->max_download_size,
	    "imported", r->imported ? json_string(imp) : json_null());
}

static int
list_row(const struct store_update_row *r, void *arg)
{
	struct list_ctx *c = arg;
	char rev[16], kb[24];

	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i] == r->revision_id)
			return 0;
	if (c->limit && c->nseen >= c->limit)
		return 0;
	if (c->nseen == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->seen = xreallocarray(c->seen, c->cap, sizeof(*c->seen));
	}
	c->seen[c->nseen++] = r->revision_id;
	if (c->a) {
		json_array_append_new(c->a, row_json(r));
		return 0;
	}
	snprintf(rev, sizeof(rev), "%d%s", (int)r->revision,
	    r->is_latest ? "" : "*");
	snprintf(kb, sizeof(kb), "%s%s", r->kb_article_id &&
	    *r->kb_article_id ? "KB" : "", r->kb_article_id ? r->kb_article_id : "");
	table_addf(c->t, r->update_id, rev, update_type_name(r->type), kb,
	    r->type == UPDATE_TYPE_CATEGORY ? category_kind_name(r->category_kind) :
	    (r->classification ? r->classification : ""),
	    state_name(r) ? state_name(r) : "-", r->title ? r->title : "");
	return 0;
}

static void
list_begin(struct wsusctl *ctl, struct list_ctx *c, size_t limit)
{
	memset(c, 0, sizeof(*c));
	c->limit = limit;
	if (ctl->json)
		c->a = json_array();
	else {
		static const struct table_col cols[] = {
			{ "UPDATE ID", 0 }, { "REV", TABLE_RIGHT }, { "TYPE", 0 },
			{ "KB", 0 }, { "CLASSIFICATION", TABLE_SHRINK },
			{ "STATE", 0 }, { "TITLE", TABLE_SHRINK },
		};
		c->t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	}
}

static void
list_end(struct list_ctx *c, bool print)
{
	if (print) {
		if (c->a)
			output_json(c->a, stdout);
		else
			table_print(c->t, stdout, output_width(stdout), false);
	}
	json_decref(c->a);
	table_free(c->t);
	free(c->seen);
}

static int
updates_list(struct wsusctl *ctl, struct store *st, struct store_update_filter *f)
{
	struct list_ctx c;
	int rc;

	list_begin(ctl, &c, f->limit);
	rc = store_update_list(st, f, list_row, &c);
	list_end(&c, rc == STORE_OK);
	return rc == STORE_OK ? EXIT_OK : store_fail(st, rc, "listing updates");
}

static int
updates_search(struct wsusctl *ctl, struct store *st, const char *text,
    size_t limit)
{
	struct store_update_filter f;
	struct list_ctx c;
	char kb[KB_MAX_DIGITS + 1];
	int rc = STORE_OK;

	list_begin(ctl, &c, limit);
	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.approval = APPROVAL_FILTER_ANY;
	if (kb_parse(text, kb) == 0) {
		f.kb = kb;
		rc = store_update_list(st, &f, list_row, &c);
		f.kb = NULL;
	}
	if (rc == STORE_OK) {
		f.text = text;
		rc = store_update_list(st, &f, list_row, &c);
	}
	list_end(&c, rc == STORE_OK);
	return rc == STORE_OK ? EXIT_OK : store_fail(st, rc, "searching updates");
}

/* ---- show ---- */

/* Owned copy of the facts of one revision row. */
struct rev_info {
	bool	 found;
	int64_t	 revision_id;
	int32_t	 revision;
	bool	 is_latest;
	bool	 declined;
	int	 napprovals;
	int64_t	 imported;
	enum update_type type;
	char	*title, *kb, *classification, *products;
	/* every revision of the update */
	int32_t	 revs[64];
	size_t	 nrevs;
	bool	 more_revs;
	int64_t	 want;		/* revision id sought */
};

static int
rev_row(const struct store_update_row *r, void *arg)
{
	struct rev_info *ri = arg;

	if (ri->nrevs < sizeof(ri->revs) / sizeof(ri->revs[0]))
		ri->revs[ri->nrevs++] = r->revision;
	else
		ri->more_revs = true;
	if (r->revision_id != ri->want || ri->found)
		return 0;
	ri->found = true;
	ri->revision_id = r->revision_id;
	ri->revision = r->revision;
	ri->is_latest = r->is_latest;
	ri->declined = r->declined;
	ri->napprovals = r->napprovals;
	ri->imported = r->imported;
	ri->type = r->type;
	ri->title = xstrdup(r->title ? r->title : "");
	ri->kb = r->kb_article_id && *r->kb_article_id ?
	    xstrdup(r->kb_article_id) : NULL;
	ri->classification = r->classification ? xstrdup(r->classification) : NULL;
	ri->products = r->products ? xstrdup(r->products) : NULL;
	return 0;
}

static void
rev_info_free(struct rev_info *ri)
{
	free(ri->title);
	free(ri->kb);
	free(ri->classification);
	free(ri->products);
}

struct title_ctx {
	char	*title;
};

static int
title_row(const struct store_update_row *r, void *arg)
{
	struct title_ctx *c = arg;

	if (c->title == NULL)
		c->title = xstrdup(r->title ? r->title : "");
	return 0;
}

/* Title of a related update when the store has it (caller frees), or
 * NULL; *budget bounds the number of look-ups. */
static char *
related_title(struct store *st, const char *update_id, size_t *budget)
{
	struct store_update_filter f;
	struct title_ctx c = { NULL };

	if (*budget == 0)
		return NULL;
	(*budget)--;
	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.approval = APPROVAL_FILTER_ANY;
	f.update_id = update_id;
	f.limit = 1;
	if (store_update_list(st, &f, title_row, &c) != STORE_OK) {
		free(c.title);
		return NULL;
	}
	return c.title;
}

static json_t *
ref_json(struct store *st, const struct update_ref *r, size_t *budget)
{
	char *t = related_title(st, r->update_id, budget);
	json_t *j = json_pack("{s:s,s:o,s:o}", "update_id", r->update_id,
	    "revision", r->revision >= 0 ? json_integer(r->revision) : json_null(),
	    "title", output_json_str(t));

	free(t);
	return j;
}

static void
print_ref(struct store *st, const char *lead, const struct update_ref *r,
    size_t *budget)
{
	char *t = related_title(st, r->update_id, budget), *c = NULL;
	char rev[16] = "";

	if (r->revision >= 0)
		snprintf(rev, sizeof(rev), " r%d", (int)r->revision);
	if (t)
		c = output_clean(t);
	printf("%s%s%s%s%s\n", lead, r->update_id, rev, c ? "  " : "  (not imported)",
	    c ? c : "");
	free(t);
	free(c);
}

struct show_approvals {
	json_t	*a;
	size_t	 n;
};

static int
show_approval(const struct store_approval *ap, void *arg)
{
	struct show_approvals *s = arg;
	char dl[32], cr[32];
	char *g;

	output_time(ap->deadline, dl, sizeof(dl));
	output_time(ap->created, cr, sizeof(cr));
	s->n++;
	if (s->a) {
		json_array_append_new(s->a, json_pack("{s:o,s:I,s:s,s:o,s:o,s:o}",
		    "group", output_json_str(ap->group_name),
		    "group_id", (json_int_t)ap->group_id,
		    "action", approval_action_name(ap->action),
		    "deadline", ap->deadline ? json_string(dl) : json_null(),
		    "created", ap->created ? json_string(cr) : json_null(),
		    "admin", output_json_str(ap->admin)));
		return 0;
	}
	g = output_clean(ap->group_name);
	printf("  %s  %s%s%s  (approved %s%s%s)\n", g,
	    approval_action_name(ap->action), ap->deadline ? ", deadline " : "",
	    ap->deadline ? dl : "", cr, ap->admin && *ap->admin ? " by " : "",
	    ap->admin ? ap->admin : "");
	free(g);
	return 0;
}

static const char *
loc_title(const struct update *u)
{
	const char *t = NULL;

	for (size_t i = 0; i < u->nlocalized; i++) {
		if (u->localized[i].title == NULL)
			continue;
		if (strcmp(u->localized[i].language, "en") == 0)
			return u->localized[i].title;
		if (t == NULL || (u->default_language &&
		    strcmp(u->localized[i].language, u->default_language) == 0))
			t = u->localized[i].title;
	}
	return t;
}

static void
kv(const char *k, const char *v)
{
	char *c = output_clean(v ? v : "-");

	printf("%-16s %s\n", k, *c ? c : "-");
	free(c);
}

static int
show_json(struct store *st, const struct rev_info *ri, const struct update *u,
    const char *update_id)
{
	json_t *j, *a, *titles;
	size_t budget = RELATED_TITLE_MAX;
	struct show_approvals sa = { NULL, 0 };
	char imp[32];
	int rc;

	output_time(ri->imported, imp, sizeof(imp));
	j = json_pack("{s:s,s:i,s:I,s:b,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:I,s:I,s:b,s:b,s:i,s:o}",
	    "update_id", update_id, "revision", (int)ri->revision,
	    "revision_id", (json_int_t)ri->revision_id, "latest", ri->is_latest,
	    "type", update_type_name(u->type),
	    "category_kind", u->category_kind == CATEGORY_KIND_NONE ? json_null() :
	    output_json_str(category_kind_name(u->category_kind)),
	    "title", output_json_str(loc_title(u)),
	    "kb", output_json_kb(u->kb_article_id),
	    "classification", output_json_str(ri->classification),
	    "products", output_json_str(ri->products),
	    "creation_date", output_json_str(u->creation_date),
	    "msrc_severity", output_json_str(u->msrc_severity),
	    "handler", output_json_str(u->handler),
	    "max_download_size", (json_int_t)u->max_download_size,
	    "min_download_size", (json_int_t)u->min_download_size,
	    "explicitly_deployable", u->explicitly_deployable,
	    "declined", ri->declined, "approvals", ri->napprovals,
	    "imported", ri->imported ? json_string(imp) : json_null());
	a = json_array();
	for (size_t i = 0; i < ri->nrevs; i++)
		json_array_append_new(a, json_integer(ri->revs[i]));
	json_object_set_new(j, "revisions", a);
	titles = json_object();
	for (size_t i = 0; i < u->nlocalized; i++)
		json_object_set_new(titles, u->localized[i].language,
		    output_json_str(u->localized[i].title));
	json_object_set_new(j, "titles", titles);

	a = json_array();
	for (size_t i = 0; i < u->nfiles; i++) {
		const struct update_file *f = &u->files[i];
		struct store_file sf;
		char h1[41], h2[65], rel[128] = "", *name = NULL;
		bool present = false;

		hex_encode(f->sha1, 20, h1, 0);
		if (f->has_sha256)
			hex_encode(f->sha256, 32, h2, 0);
		memset(&sf, 0, sizeof(sf));
		if (store_file_lookup(st, f->sha1, &sf, &name) == STORE_OK)
			present = sf.present;
		free(name);
		content_relpath(f->sha1, f->name, rel, sizeof(rel));
		json_array_append_new(a, json_pack("{s:o,s:I,s:s,s:o,s:b,s:s}",
		    "name", output_json_str(f->name), "size", (json_int_t)f->size,
		    "sha1", h1, "sha256", f->has_sha256 ? json_string(h2) : json_null(),
		    "present", present, "content_path", rel));
	}
	json_object_set_new(j, "files", a);

	a = json_array();
	for (size_t i = 0; i < u->nprereqs; i++) {
		json_t *ids = json_array();
		for (size_t k = 0; k < u->prereqs[i].nids; k++)
			json_array_append_new(ids, ref_json(st, &u->prereqs[i].ids[k],
			    &budget));
		json_array_append_new(a, json_pack("{s:b,s:o}", "is_category",
		    u->prereqs[i].is_category, "one_of", ids));
	}
	json_object_set_new(j, "prerequisites", a);
	a = json_array();
	for (size_t i = 0; i < u->nbundled; i++) {
		json_t *ids = json_array();
		for (size_t k = 0; k < u->bundled[i].nids; k++)
			json_array_append_new(ids, ref_json(st, &u->bundled[i].ids[k],
			    &budget));
		json_array_append_new(a, ids);
	}
	json_object_set_new(j, "bundled", a);
	a = json_array();
	for (size_t i = 0; i < u->nsuperseded; i++)
		json_array_append_new(a, ref_json(st, &u->superseded[i], &budget));
	json_object_set_new(j, "supersedes", a);

	sa.a = json_array();
	if ((rc = store_approval_list(st, update_id, 0, show_approval, &sa)) !=
	    STORE_OK) {
		json_decref(sa.a);
		json_decref(j);
		return store_fail(st, rc, "listing approvals");
	}
	json_object_set_new(j, "approval_list", sa.a);
	output_json_put(j);
	return EXIT_OK;
}

static int
show_text(struct store *st, const struct rev_info *ri, const struct update *u,
    const char *update_id, bool languages)
{
	struct show_approvals sa = { NULL, 0 };
	size_t budget = RELATED_TITLE_MAX;
	char buf[256], imp[32];
	int rc;

	kv("UpdateID", update_id);
	{
		struct buf b;
		buf_init(&b, 4096);
		buf_printf(&b, "%d%s (revisions:", (int)ri->revision,
		    ri->is_latest ? ", latest" : "");
		for (size_t i = 0; i < ri->nrevs; i++)
			buf_printf(&b, " %d", (int)ri->revs[i]);
		buf_puts(&b, ri->more_revs ? " ...)" : ")");
		kv("Revision", b.data);
		buf_free(&b);
	}
	if (u->category_kind != CATEGORY_KIND_NONE)
		snprintf(buf, sizeof(buf), "%s (%s)", update_type_name(u->type),
		    category_kind_name(u->category_kind));
	else
		snprintf(buf, sizeof(buf), "%s", update_type_name(u->type));
	kv("Type", buf);
	kv("Title", loc_title(u));
	if (u->kb_article_id && *u->kb_article_id) {
		snprintf(buf, sizeof(buf), "KB%s", u->kb_article_id);
		kv("KB", buf);
	} else
		kv("KB", NULL);
	kv("Classification", ri->classification);
	kv("Products", ri->products);
	kv("Created", u->creation_date);
	kv("Severity", u->msrc_severity);
	snprintf(buf, sizeof(buf), "%llu bytes (min %llu)",
	    (unsigned long long)u->max_download_size,
	    (unsigned long long)u->min_download_size);
	kv("Download size", buf);
	kv("Deployable", u->explicitly_deployable ? "yes" : "no (only as a "
	    "bundled or child update)");
	if (u->type == UPDATE_TYPE_CATEGORY || u->type == UPDATE_TYPE_DETECTOID)
		kv("State", "- (cannot be approved)");
	else if (ri->declined)
		kv("State", "declined");
	else if (ri->napprovals > 0) {
		snprintf(buf, sizeof(buf), "approved (%d approval%s)",
		    ri->napprovals, ri->napprovals == 1 ? "" : "s");
		kv("State", buf);
	} else
		kv("State", "unapproved");
	output_time(ri->imported, imp, sizeof(imp));
	kv("Imported", imp);
	{
		struct buf b;
		buf_init(&b, 4096);
		buf_puts(&b, "");
		for (size_t i = 0; i < u->nlocalized; i++)
			buf_printf(&b, "%s%s", i ? " " : "", u->localized[i].language);
		kv("Languages", b.data);
		buf_free(&b);
	}
	if (languages) {
		printf("\nTitles:\n");
		for (size_t i = 0; i < u->nlocalized; i++) {
			char *t = output_clean(u->localized[i].title ?
			    u->localized[i].title : "-");
			char *l = output_clean(u->localized[i].language);
			printf("  %-6s %s\n", l, t);
			free(t);
			free(l);
		}
	}

	printf("\nFiles (%zu):\n", u->nfiles);
	for (size_t i = 0; i < u->nfiles; i++) {
		const struct update_file *f = &u->files[i];
		struct store_file sf;
		char h[65], rel[128] = "", *name = NULL, *fn;
		bool present = false;

		memset(&sf, 0, sizeof(sf));
		if (store_file_lookup(st, f->sha1, &sf, &name) == STORE_OK)
			present = sf.present;
		free(name);
		content_relpath(f->sha1, f->name, rel, sizeof(rel));
		fn = output_clean(f->name);
		printf("  %s  %llu bytes\n", fn, (unsigned long long)f->size);
		free(fn);
		hex_encode(f->sha1, 20, h, 0);
		printf("    SHA-1    %s\n", h);
		if (f->has_sha256) {
			hex_encode(f->sha256, 32, h, 0);
			printf("    SHA-256  %s\n", h);
		}
		printf("    content  %s (%s)\n", present ? "present" : "missing", rel);
	}

	printf("\nPrerequisites (%zu):\n", u->nprereqs);
	for (size_t i = 0; i < u->nprereqs; i++) {
		const struct update_prereq_group *g = &u->prereqs[i];
		if (g->nids == 1 && !g->is_category) {
			print_ref(st, "  ", &g->ids[0], &budget);
			continue;
		}
		printf("  one of%s:\n", g->is_category ? " (categories)" : "");
		for (size_t k = 0; k < g->nids; k++)
			print_ref(st, "    ", &g->ids[k], &budget);
	}
	printf("\nBundled updates (%zu):\n", u->nbundled);
	for (size_t i = 0; i < u->nbundled; i++) {
		const struct update_bundle_group *g = &u->bundled[i];
		if (g->nids == 1) {
			print_ref(st, "  ", &g->ids[0], &budget);
			continue;
		}
		printf("  one of:\n");
		for (size_t k = 0; k < g->nids; k++)
			print_ref(st, "    ", &g->ids[k], &budget);
	}
	printf("\nSupersedes (%zu):\n", u->nsuperseded);
	for (size_t i = 0; i < u->nsuperseded; i++)
		print_ref(st, "  ", &u->superseded[i], &budget);

	printf("\nApprovals:\n");
	if ((rc = store_approval_list(st, update_id, 0, show_approval, &sa)) !=
	    STORE_OK)
		return store_fail(st, rc, "listing approvals");
	if (sa.n == 0)
		printf("  none\n");
	return EXIT_OK;
}

static int
updates_show(struct wsusctl *ctl, struct store *st, const char *arg,
    int32_t revision, bool languages)
{
	struct store_update_filter f;
	struct upd_match *m = NULL;
	struct rev_info ri;
	struct update u;
	char *xml = NULL, err[512], uid[GUID_STRLEN + 1];
	size_t n = 0, len = 0;
	int64_t rid;
	int rc, status;

	if ((rc = upd_resolve(st, arg, &m, &n)) != EXIT_OK)
		return rc;
	if (n > 1) {
		upd_print_ambiguous(arg, m, n, false);
		upd_matches_free(m, n);
		return EXIT_USAGE;
	}
	snprintf(uid, sizeof(uid), "%s", m[0].update_id);
	upd_matches_free(m, n);

	if ((rc = store_revision_lookup(st, uid, revision, &rid)) != STORE_OK) {
		if (rc == STORE_NOTFOUND) {
			log_error("update %s has no revision %d", uid, (int)revision);
			return EXIT_NOTFOUND;
		}
		return store_fail(st, rc, "finding the revision");
	}
	memset(&ri, 0, sizeof(ri));
	ri.want = rid;
	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.approval = APPROVAL_FILTER_ANY;
	f.update_id = uid;
	f.all_revisions = true;
	if ((rc = store_update_list(st, &f, rev_row, &ri)) != STORE_OK) {
		rev_info_free(&ri);
		return store_fail(st, rc, "reading the update");
	}
	if (!ri.found) {
		rev_info_free(&ri);
		log_error("update %s: revision not listed by the store", uid);
		return EXIT_FAIL;
	}
	if ((rc = store_fragment_get(st, rid, FRAGMENT_DOCUMENT, NULL, &xml,
	    &len)) != STORE_OK) {
		rev_info_free(&ri);
		return store_fail(st, rc, "reading the stored document");
	}
	memset(&u, 0, sizeof(u));
	if (update_parse(xml, len, &u, err, sizeof(err)) == -1) {
		log_error("update %s: stored document does not parse: %s", uid, err);
		free(xml);
		rev_info_free(&ri);
		return EXIT_FAIL;
	}
	free(xml);
	status = ctl->json ? show_json(st, &ri, &u, uid) :
	    show_text(st, &ri, &u, uid, languages);
	update_free(&u);
	rev_info_free(&ri);
	return status;
}

int
cmd_updates(struct wsusctl *ctl, int argc, char **argv)
{
	struct store_update_filter f;
	const char *sub = "list";
	struct store *st;
	char **base, **args, kb[KB_MAX_DIGITS + 1];
	int c, n, nargs, t;
	int32_t revision = -1;
	bool languages = false, filters = false, have_rev = false;

	n = subcommand_split(argc, argv, &sub, &base);
	memset(&f, 0, sizeof(f));
	f.type = -1;
	f.approval = APPROVAL_FILTER_ANY;
	optind = 0;
	while ((c = getopt_long(n, base, "k:t:p:a:T:Rn:r:Ljqh", updates_opts,
	    NULL)) != -1) {
		switch (c) {
		case 'k':
			if (kb_parse(optarg, kb) == -1) {
				log_error("--kb: '%s' is not a KB number", optarg);
				return EXIT_USAGE;
			}
			f.kb = kb;
			filters = true;
			break;
		case 't':
			f.text = optarg;
			filters = true;
			break;
		case 'p':
			f.product = optarg;
			filters = true;
			break;
		case 'C':
			f.classification = optarg;
			filters = true;
			break;
		case 'a':
			if (strcmp(optarg, "any") == 0)
				f.approval = APPROVAL_FILTER_ANY;
			else if (strcmp(optarg, "approved") == 0)
				f.approval = APPROVAL_FILTER_APPROVED;
			else if (strcmp(optarg, "unapproved") == 0)
				f.approval = APPROVAL_FILTER_UNAPPROVED;
			else if (strcmp(optarg, "declined") == 0)
				f.approval = APPROVAL_FILTER_DECLINED;
			else {
				log_error("--approval: '%s' is not any, approved, "
				    "unapproved or declined", optarg);
				return EXIT_USAGE;
			}
			filters = true;
			break;
		case 'T':
			if ((t = update_type_parse(optarg)) < 0) {
				log_error("--type: '%s' is not software, driver, "
				    "category or detectoid", optarg);
				return EXIT_USAGE;
			}
			f.type = t;
			filters = true;
			break;
		case 'R':
			f.all_revisions = true;
			filters = true;
			break;
		case 'n':
			if (parse_size(optarg, 1, LIMIT_MAX, &f.limit) == -1) {
				log_error("--limit: '%s' is not a positive number",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 ||
			    v > INT32_MAX) {
				log_error("--revision: '%s' is not a revision number",
				    optarg);
				return EXIT_USAGE;
			}
			revision = (int32_t)v;
			have_rev = true;
			break;
		}
		case 'L':
			languages = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			updates_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			updates_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args = base + optind;
	nargs = n - optind;

	if (strcmp(sub, "list") == 0) {
		if (nargs != 0 || have_rev || languages)
			goto usage;
	} else if (strcmp(sub, "search") == 0) {
		if (nargs != 1 || filters || have_rev || languages)
			goto usage;
	} else if (strcmp(sub, "show") == 0) {
		if (nargs != 1 || filters || f.limit)
			goto usage;
	} else {
		log_error("unknown updates subcommand '%s'", sub);
		goto usage;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (strcmp(sub, "list") == 0)
		return updates_list(ctl, st, &f);
	if (strcmp(sub, "search") == 0)
		return updates_search(ctl, st, args[0], f.limit);
	return updates_show(ctl, st, args[0], revision, languages);
usage:
	updates_usage(stderr);
	return EXIT_USAGE;
}
