/*
 * store_test.c — helpers for the store unit tests (see store_test.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/xmalloc.h"
#include "store_test.h"

void
tu_str(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

struct tu *
tu_new(const char *uid, int32_t rev, enum update_type type,
    const char *title_en)
{
	struct tu *t = xcalloc(1, sizeof(*t));
	char buf[512];

	snprintf(t->u.id.update_id, sizeof(t->u.id.update_id), "%s", uid);
	t->u.id.revision = rev;
	t->u.type = type;
	t->u.explicitly_deployable = true;
	t->u.is_public = true;
	tu_str(&t->u.default_language, "en");
	tu_str(&t->u.creation_date, "2024-01-01T00:00:00.000Z");
	snprintf(buf, sizeof(buf), "<UpdateIdentity UpdateID=\"%s\" "
	    "RevisionNumber=\"%d\" /><Properties UpdateType=\"%s\" />", uid,
	    (int)rev, type == UPDATE_TYPE_DRIVER ? "Driver" : "Software");
	t->d.core = xstrdup(buf);
	t->d.core_len = strlen(buf);
	snprintf(buf, sizeof(buf), "<ExtendedProperties DefaultPropertiesLanguage"
	    "=\"en\" Handler=\"x\" /><!-- %s -->", uid);
	t->d.extended = xstrdup(buf);
	t->d.extended_len = strlen(buf);
	snprintf(buf, sizeof(buf), "<upd:Update><upd:UpdateIdentity UpdateID="
	    "\"%s\" RevisionNumber=\"%d\" /></upd:Update>", uid, (int)rev);
	t->d.xml = xstrdup(buf);
	t->d.xml_len = strlen(buf);
	if (title_en != NULL) {
		tu_lang(t, "en", title_en, "description");
		snprintf(buf, sizeof(buf), "<LocalizedProperties><Language>en"
		    "</Language><Title>%s</Title></LocalizedProperties>",
		    title_en);
		tu_frag(t, "en", buf);
	}
	return t;
}

struct tu *
tu_category(const char *uid, enum category_kind kind, const char *title_en)
{
	struct tu *t = tu_new(uid, 100, UPDATE_TYPE_CATEGORY, title_en);

	t->u.category_kind = kind;
	t->u.explicitly_deployable = false;
	return t;
}

void
tu_free(struct tu *t)
{
	size_t i;

	if (t == NULL)
		return;
	free(t->u.default_language);
	free(t->u.handler);
	free(t->u.creation_date);
	free(t->u.publication_state);
	free(t->u.msrc_severity);
	free(t->u.kb_article_id);
	free(t->u.security_bulletin_id);
	free(t->u.eula_id);
	for (i = 0; i < t->u.nprereqs; i++)
		free(t->u.prereqs[i].ids);
	free(t->u.prereqs);
	for (i = 0; i < t->u.nbundled; i++)
		free(t->u.bundled[i].ids);
	free(t->u.bundled);
	free(t->u.superseded);
	for (i = 0; i < t->u.nfiles; i++) {
		free(t->u.files[i].name);
		free(t->u.files[i].modified);
		free(t->u.files[i].patching_type);
	}
	free(t->u.files);
	for (i = 0; i < t->u.nlocalized; i++) {
		free(t->u.localized[i].title);
		free(t->u.localized[i].description);
	}
	free(t->u.localized);
	free(t->d.xml);
	free(t->d.core);
	free(t->d.extended);
	for (i = 0; i < t->d.nlocalized; i++)
		free(t->d.localized[i].xml);
	free(t->d.localized);
	free(t);
}

void
tu_prereq(struct tu *t, bool is_category, int n, ...)
{
	struct update_prereq_group *g;
	va_list ap;
	int i;

	t->u.prereqs = xreallocarray(t->u.prereqs, t->u.nprereqs + 1,
	    sizeof(*t->u.prereqs));
	g = &t->u.prereqs[t->u.nprereqs++];
	g->is_category = is_category;
	g->nids = (size_t)n;
	g->ids = xcalloc((size_t)n, sizeof(*g->ids));
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		snprintf(g->ids[i].update_id, sizeof(g->ids[i].update_id), "%s",
		    va_arg(ap, const char *));
		g->ids[i].revision = -1;
	}
	va_end(ap);
}

void
tu_bundle(struct tu *t, const char *uid, int32_t rev)
{
	struct update_bundle_group *g;

	t->u.bundled = xreallocarray(t->u.bundled, t->u.nbundled + 1,
	    sizeof(*t->u.bundled));
	g = &t->u.bundled[t->u.nbundled++];
	g->nids = 1;
	g->ids = xcalloc(1, sizeof(*g->ids));
	snprintf(g->ids[0].update_id, sizeof(g->ids[0].update_id), "%s", uid);
	g->ids[0].revision = rev;
}

void
tu_superseded(struct tu *t, const char *uid)
{
	struct update_ref *r;

	t->u.superseded = xreallocarray(t->u.superseded, t->u.nsuperseded + 1,
	    sizeof(*t->u.superseded));
	r = &t->u.superseded[t->u.nsuperseded++];
	snprintf(r->update_id, sizeof(r->update_id), "%s", uid);
	r->revision = -1;
}

void
tu_file(struct tu *t, const char *name, uint8_t seed, uint64_t size,
    bool with_sha256)
{
	struct update_file *f;

	t->u.files = xreallocarray(t->u.files, t->u.nfiles + 1,
	    sizeof(*t->u.files));
	f = &t->u.files[t->u.nfiles++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->size = size;
	memset(f->sha1, seed, sizeof(f->sha1));
	f->has_sha256 = with_sha256;
	if (with_sha256)
		memset(f->sha256, seed, sizeof(f->sha256));
	f->modified = xstrdup("2024-01-01T00:00:00Z");
}

void
tu_lang(struct tu *t, const char *lang, const char *title, const char *desc)
{
	struct update_localized *l;

	t->u.localized = xreallocarray(t->u.localized, t->u.nlocalized + 1,
	    sizeof(*t->u.localized));
	l = &t->u.localized[t->u.nlocalized++];
	memset(l, 0, sizeof(*l));
	snprintf(l->language, sizeof(l->language), "%s", lang);
	l->title = title != NULL ? xstrdup(title) : NULL;
	l->description = desc != NULL ? xstrdup(desc) : NULL;
}

void
tu_frag(struct tu *t, const char *lang, const char *xml)
{
	struct update_localized_fragment *f;

	t->d.localized = xreallocarray(t->d.localized, t->d.nlocalized + 1,
	    sizeof(*t->d.localized));
	f = &t->d.localized[t->d.nlocalized++];
	memset(f, 0, sizeof(*f));
	snprintf(f->language, sizeof(f->language), "%s", lang);
	f->xml = xstrdup(xml);
	f->len = strlen(xml);
}

void
tdb_make(struct tdb *t)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(t->dir, sizeof(t->dir), "%s/wsusd-store-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/wsusd.db", t->dir);
	snprintf(t->url, sizeof(t->url), "sqlite://%s", t->path);
}

void
tdb_remove(struct tdb *t)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[400];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", t->path, sfx[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

struct store *
tdb_open(struct tdb *t)
{
	struct store *st = NULL;
	char err[512];
	int from, to;

	if (store_open(t->url, &st, err, sizeof(err)) != STORE_OK)
		fail_msg("open %s: %s", t->url, err);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	return st;
}

int64_t
t_import(struct store *st, struct tu *t, bool *created)
{
	int64_t rid = 0;
	int rc;

	rc = store_revision_import(st, &t->u, &t->d, &rid, created);
	if (rc != STORE_OK)
		fail_msg("import %s: %s", t->u.id.update_id, store_errmsg(st));
	assert_true(rid > 0);
	return rid;
}

int64_t
t_import_new(struct store *st, const char *uid, int32_t rev,
    enum update_type type, const char *title_en)
{
	struct tu *u = tu_new(uid, rev, type, title_en);
	int64_t id = t_import(st, u, NULL);

	tu_free(u);
	return id;
}

int64_t
t_sql_int(struct store *st, const char *sql)
{
	sqlite3 *db = ((struct sq *)st)->db;
	sqlite3_stmt *stmt;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

void
t_sql_exec(struct store *st, const char *sql)
{
	sqlite3 *db = ((struct sq *)st)->db;
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

int64_t
t_change(struct store *st)
{
	return t_sql_int(st, "SELECT value FROM counters WHERE name = 'change'");
}

static int
list_cb(const struct store_update_row *row, void *arg)
{
	struct trows *rs = arg;
	struct trow *r;

	if (rs->n >= (int)(sizeof(rs->r) / sizeof(rs->r[0])))
		fail_msg("too many rows");
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->update_id, sizeof(r->update_id), "%s", row->update_id);
	r->revision = row->revision;
	r->revision_id = row->revision_id;
	snprintf(r->title, sizeof(r->title), "%s", row->title);
	snprintf(r->classification, sizeof(r->classification), "%s",
	    row->classification ? row->classification : "");
	snprintf(r->products, sizeof(r->products), "%s",
	    row->products ? row->products : "");
	r->is_latest = row->is_latest;
	r->declined = row->declined;
	r->napprovals = row->napprovals;
	r->type = (int)row->type;
	return rs->stop_after != 0 && rs->n >= rs->stop_after;
}

int
t_list(struct store *st, const struct store_update_filter *f, struct trows *rs)
{
	int stop = rs->stop_after;

	memset(rs, 0, sizeof(*rs));
	rs->stop_after = stop;
	return store_update_list(st, f, list_cb, rs);
}
