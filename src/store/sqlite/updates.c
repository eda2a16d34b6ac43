/*
 * updates.c — the SQLite backend's update catalogue: revision import
 * (one transaction per revision), revision lookup and fragments.
 *
 * Not here: the update listing and counts (update_list.c), the
 * content-file index (files.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

/* ---- import ---- */

static const char SQL_REV_FIND[] =
    "SELECT r.revision_id FROM updates u JOIN revisions r "
    "ON r.update_local_id = u.local_id "
    "WHERE u.update_id = ?1 AND r.revision_number = ?2";
static const char SQL_UPD_FIND[] =
    "SELECT u.local_id, r.revision_number FROM updates u "
    "LEFT JOIN revisions r ON r.revision_id = u.latest_revision_id "
    "WHERE u.update_id = ?1";
static const char SQL_UPD_INSERT[] =
    "INSERT INTO updates(update_id, change_seq) VALUES (?1, ?2)";
static const char SQL_REV_INSERT[] =
    "INSERT INTO revisions(update_local_id, revision_number, update_type, "
    "category_kind, explicitly_deployable, is_public, is_beta, "
    "has_driver_metadata, handler, creation_date, publication_state, "
    "msrc_severity, kb_article_id, security_bulletin_id, eula_id, "
    "default_language, title, max_download_size, min_download_size, "
    "imported, change_seq, languages) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
    "?22)";
static const char SQL_UPD_SET_LATEST[] =
    "UPDATE updates SET latest_revision_id = ?2, change_seq = ?3 "
    "WHERE local_id = ?1";
static const char SQL_PREREQ_INSERT[] =
    "INSERT INTO prerequisites(revision_id, group_index, is_category, "
    "required_update_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
static const char SQL_CATEGORY_INSERT[] =
    "INSERT INTO revision_categories(revision_id, category_update_id) "
    "VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_BUNDLE_INSERT[] =
    "INSERT INTO bundled(revision_id, group_index, member_update_id, "
    "member_revision) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
static const char SQL_SUPERSEDED_INSERT[] =
    "INSERT INTO superseded(revision_id, update_id) VALUES (?1, ?2) "
    "ON CONFLICT DO NOTHING";
static const char SQL_FILE_UPSERT[] =
    "INSERT INTO files(sha1, sha256, size) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(sha1) DO UPDATE SET sha256 = excluded.sha256 "
    "WHERE files.sha256 IS NULL AND excluded.sha256 IS NOT NULL";
static const char SQL_REVFILE_INSERT[] =
    "INSERT INTO revision_files(revision_id, sha1, file_name, modified, "
    "patching_type) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
static const char SQL_LOCALIZED_INSERT[] =
    "INSERT INTO localized(revision_id, language, title, description) "
    "VALUES (?1, ?2, ?3, ?4)";
static const char SQL_FRAGMENT_INSERT[] =
    "INSERT INTO fragments(revision_id, kind, language, data, length) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

/* Import context: names the revision in every error message. */
struct imp {
	struct sq	*s;
	char		 uid[GUID_STRLEN + 1];
	int32_t		 rev;
	int64_t		 rid;
};

static int
imp_invalid(struct imp *im, const char *what)
{
	return store_seterr(&im->s->base, STORE_INVALID,
	    "import %s revision %d: %s", im->uid, (int)im->rev, what);
}

static int
imp_fail(struct imp *im, const char *what)
{
	char ctx[160];

	snprintf(ctx, sizeof(ctx), "import %s revision %d: %s", im->uid,
	    (int)im->rev, what);
	return sq_fail(im->s, ctx);
}

/* sq_one_row with the import's context in the error text. */
static int
imp_one(struct imp *im, sqlite3_stmt *stmt, const char *what, sq_row_fn row,
    void *arg, bool *found)
{
	char ctx[160];

	snprintf(ctx, sizeof(ctx), "import %s revision %d: %s", im->uid,
	    (int)im->rev, what);
	return sq_one_row(im->s, stmt, ctx, row, arg, found);
}

static void
int64_row(sqlite3_stmt *stmt, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(stmt, 0);
}

/* The update's local id and latest revision number (-1 when NULL). */
struct upd_seen {
	int64_t	 local_id;
	int	 latest_rev;
};

static void
upd_row(sqlite3_stmt *stmt, void *arg)
{
	struct upd_seen *u = arg;

	u->local_id = sqlite3_column_int64(stmt, 0);
	if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
		u->latest_rev = sqlite3_column_int(stmt, 1);
}

/* Step an insert; on failure set the error and return its rc. */
static int
imp_step(struct imp *im, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = imp_fail(im, what);
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}

static int
text_ok(const char *sv)
{
	return sv == NULL || strlen(sv) <= UPDATE_MAX_TEXT;
}

/* Title shown and searched: English, else default language, else any. */
static const char *
pick_title(const struct update *u)
{
	const struct update_localized *l;
	size_t i;

	for (i = 0; i < u->nlocalized; i++) {
		l = &u->localized[i];
		if (l->title != NULL && strcasecmp(l->language, "en") == 0)
			return l->title;
	}
	if (u->default_language != NULL)
		for (i = 0; i < u->nlocalized; i++) {
			l = &u->localized[i];
			if (l->title != NULL && strcasecmp(l->language,
			    u->default_language) == 0)
				return l->title;
		}
	for (i = 0; i < u->nlocalized; i++)
		if (u->localized[i].title != NULL)
			return u->localized[i].title;
	return "";
}

static int
imp_refs(struct imp *im, const char *sql, const char *what, size_t gindex,
    int is_category, const struct update_ref *ids, size_t nids,
    bool with_revision)
{
	sqlite3_stmt *stmt, *cstmt = NULL;
	char g[GUID_STRLEN + 1];
	size_t j;
	int rc;

	if (nids > UPDATE_MAX_RELATED)
		return imp_invalid(im, "too many related updates");
	if (nids > 0 && ids == NULL)
		return imp_invalid(im, "relationship list without ids");
	if ((stmt = sq_stmt(im->s, sql)) == NULL)
		return STORE_ERROR;
	if (is_category == 1 && (cstmt = sq_stmt(im->s, SQL_CATEGORY_INSERT)) ==
	    NULL)
		return STORE_ERROR;
	for (j = 0; j < nids; j++) {
		if (store_guid_norm(ids[j].update_id, g) == -1)
			return imp_invalid(im, "a related UpdateID is not a "
			    "GUID");
		sqlite3_bind_int64(stmt, 1, im->rid);
		if (is_category >= 0) {
			/* prerequisites */
			sqlite3_bind_int64(stmt, 2, (int64_t)gindex);
			sqlite3_bind_int(stmt, 3, is_category);
			sqlite3_bind_text(stmt, 4, g, GUID_STRLEN,
			    SQLITE_STATIC);
		} else if (with_revision) {
			/* bundled */
			sqlite3_bind_int64(stmt, 2, (int64_t)gindex);
			sqlite3_bind_text(stmt, 3, g, GUID_STRLEN,
			    SQLITE_STATIC);
			if (ids[j].revision >= 0)
				sqlite3_bind_int(stmt, 4, ids[j].revision);
		} else {
			/* superseded */
			sqlite3_bind_text(stmt, 2, g, GUID_STRLEN,
			    SQLITE_STATIC);
		}
		if ((rc = imp_step(im, stmt, what)) != STORE_OK)
			return rc;
		if (cstmt != NULL) {
			sqlite3_bind_int64(cstmt, 1, im->rid);
			sqlite3_bind_text(cstmt, 2, g, GUID_STRLEN,
			    SQLITE_STATIC);
			if ((rc = imp_step(im, cstmt, "store category")) !=
			    STORE_OK)
				return rc;
		}
	}
	return STORE_OK;
}

static int
imp_fragment(struct imp *im, enum store_fragment_kind kind,
    const char *lang, const char *data, size_t len, const char *what)
{
	sqlite3_stmt *stmt;
	const uint8_t *z;
	size_t zlen;
	char err[128];

	if (data == NULL && len > 0)
		return imp_invalid(im, "fragment length without data");
	if (len > ZBLOB_MAX)
		return imp_invalid(im, "fragment is too large");
	if (zblob_compress(&im->s->z, data != NULL ? data : "", len, &z, &zlen,
	    err, sizeof(err)) == -1)
		return imp_invalid(im, err);
	if ((stmt = sq_stmt(im->s, SQL_FRAGMENT_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, im->rid);
	sqlite3_bind_int(stmt, 2, (int)kind);
	sqlite3_bind_text(stmt, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 4, z, (int)zlen, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (int64_t)len);
	return imp_step(im, stmt, what);
}

/* Everything after the revision row; called inside the transaction. */
static int
imp_children(struct imp *im, const struct update *u,
    const struct update_doc *d)
{
	struct sq *s = im->s;
	sqlite3_stmt *stmt, *fstmt;
	char lang[16];
	size_t i;
	int rc;

	if (u->nprereqs > UPDATE_MAX_GROUPS || u->nbundled >
	    UPDATE_MAX_GROUPS || (u->nprereqs > 0 && u->prereqs == NULL) ||
	    (u->nbundled > 0 && u->bundled == NULL))
		return imp_invalid(im, "bad prerequisite or bundle groups");
	for (i = 0; i < u->nprereqs; i++)
		if ((rc = imp_refs(im, SQL_PREREQ_INSERT, "store prerequisite",
		    i, u->prereqs[i].is_category ? 1 : 0, u->prereqs[i].ids,
		    u->prereqs[i].nids, false)) != STORE_OK)
			return rc;
	for (i = 0; i < u->nbundled; i++)
		if ((rc = imp_refs(im, SQL_BUNDLE_INSERT, "store bundled update",
		    i, -1, u->bundled[i].ids, u->bundled[i].nids, true)) !=
		    STORE_OK)
			return rc;
	if ((rc = imp_refs(im, SQL_SUPERSEDED_INSERT, "store superseded",
	    0, -1, u->superseded, u->nsuperseded, false)) != STORE_OK)
		return rc;

	if (u->nfiles > UPDATE_MAX_FILES || (u->nfiles > 0 && u->files == NULL))
		return imp_invalid(im, "bad file list");
	for (i = 0; i < u->nfiles; i++) {
		const struct update_file *f = &u->files[i];

		if (f->name == NULL || *f->name == '\0' || !text_ok(f->name) ||
		    !text_ok(f->modified) || !text_ok(f->patching_type))
			return imp_invalid(im, "file without a usable name");
		if (f->size > INT64_MAX)
			return imp_invalid(im, "file size out of range");
		if ((fstmt = sq_stmt(s, SQL_FILE_UPSERT)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_blob(fstmt, 1, f->sha1, 20, SQLITE_STATIC);
		if (f->has_sha256)
			sqlite3_bind_blob(fstmt, 2, f->sha256, 32,
			    SQLITE_STATIC);
		sqlite3_bind_int64(fstmt, 3, (int64_t)f->size);
		if ((rc = imp_step(im, fstmt, "store file")) != STORE_OK)
			return rc;
		if ((stmt = sq_stmt(s, SQL_REVFILE_INSERT)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, im->rid);
		sqlite3_bind_blob(stmt, 2, f->sha1, 20, SQLITE_STATIC);
		sq_bind_text(stmt, 3, f->name);
		sq_bind_text(stmt, 4, f->modified);
		sq_bind_text(stmt, 5, f->patching_type);
		if ((rc = imp_step(im, stmt, "store file name")) != STORE_OK)
			return rc;
	}

	if (u->nlocalized > UPDATE_MAX_LANGUAGES ||
	    (u->nlocalized > 0 && u->localized == NULL))
		return imp_invalid(im, "bad localized properties");
	for (i = 0; i < u->nlocalized; i++) {
		const struct update_localized *l = &u->localized[i];

		if (memchr(l->language, '\0', sizeof(l->language)) == NULL ||
		    store_lang_norm(l->language, lang) == -1)
			return imp_invalid(im, "bad language of localized "
			    "properties");
		if (!text_ok(l->title) || !text_ok(l->description))
			return imp_invalid(im, "localized text too long");
		if ((stmt = sq_stmt(s, SQL_LOCALIZED_INSERT)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, im->rid);
		sqlite3_bind_text(stmt, 2, lang, -1, SQLITE_STATIC);
		sq_bind_text(stmt, 3, l->title);
		sq_bind_text(stmt, 4, l->description);
		if ((rc = imp_step(im, stmt, "store localized properties")) !=
		    STORE_OK)
			return rc;
	}

	if ((rc = imp_fragment(im, FRAGMENT_CORE, "", d->core, d->core_len,
	    "store core fragment")) != STORE_OK)
		return rc;
	if (d->extended != NULL && (rc = imp_fragment(im, FRAGMENT_EXTENDED,
	    "", d->extended, d->extended_len, "store extended fragment")) !=
	    STORE_OK)
		return rc;
	if (d->nlocalized > UPDATE_MAX_LANGUAGES ||
	    (d->nlocalized > 0 && d->localized == NULL))
		return imp_invalid(im, "bad localized fragments");
	for (i = 0; i < d->nlocalized; i++) {
		const struct update_localized_fragment *lf = &d->localized[i];

		if (memchr(lf->language, '\0', sizeof(lf->language)) == NULL ||
		    store_lang_norm(lf->language, lang) == -1)
			return imp_invalid(im, "bad language of a localized "
			    "fragment");
		if (lf->xml == NULL)
			return imp_invalid(im, "localized fragment without "
			    "text");
		if ((rc = imp_fragment(im, FRAGMENT_LOCALIZED, lang, lf->xml,
		    lf->len, "store localized fragment")) != STORE_OK)
			return rc;
	}
	if (d->xml != NULL && (rc = imp_fragment(im, FRAGMENT_DOCUMENT, "",
	    d->xml, d->xml_len, "store document")) != STORE_OK)
		return rc;
	return STORE_OK;
}

static int
imp_revision_row(struct imp *im, const struct update *u, int64_t local_id,
    int64_t seq)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = sq_stmt(im->s, SQL_REV_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, local_id);
	sqlite3_bind_int(stmt, 2, im->rev);
	sqlite3_bind_int(stmt, 3, (int)u->type);
	sqlite3_bind_int(stmt, 4, (int)u->category_kind);
	sqlite3_bind_int(stmt, 5, u->explicitly_deployable);
	sqlite3_bind_int(stmt, 6, u->is_public);
	sqlite3_bind_int(stmt, 7, u->is_beta);
	sqlite3_bind_int(stmt, 8, u->has_driver_metadata);
	sq_bind_text(stmt, 9, u->handler);
	sq_bind_text(stmt, 10, u->creation_date);
	sq_bind_text(stmt, 11, u->publication_state);
	sq_bind_text(stmt, 12, u->msrc_severity);
	sq_bind_text(stmt, 13, u->kb_article_id);
	sq_bind_text(stmt, 14, u->security_bulletin_id);
	sq_bind_text(stmt, 15, u->eula_id);
	sq_bind_text(stmt, 16, u->default_language);
	sq_bind_text(stmt, 17, pick_title(u));
	sqlite3_bind_int64(stmt, 18, (int64_t)u->max_download_size);
	sqlite3_bind_int64(stmt, 19, (int64_t)u->min_download_size);
	sqlite3_bind_int64(stmt, 20, store_now());
	sqlite3_bind_int64(stmt, 21, seq);
	sq_bind_text(stmt, 22, u->languages);
	if ((rc = imp_step(im, stmt, "store revision")) != STORE_OK)
		return rc;
	im->rid = sqlite3_last_insert_rowid(im->s->db);
	if (im->rid <= 0 || im->rid > INT32_MAX)
		return store_seterr(&im->s->base, STORE_ERROR, "import %s "
		    "revision %d: revision id space exhausted", im->uid,
		    (int)im->rev);
	return STORE_OK;
}

/* Checks that need no database, so bad input never opens a transaction. */
static int
imp_check(struct imp *im, const struct update *u, const struct update_doc *d)
{
	if ((int)u->type < 0 || (int)u->type > UPDATE_TYPE_DETECTOID)
		return imp_invalid(im, "unknown update type");
	if ((int)u->category_kind < 0 ||
	    (int)u->category_kind > CATEGORY_KIND_OTHER)
		return imp_invalid(im, "unknown category kind");
	if (d->core == NULL)
		return imp_invalid(im, "the core fragment is missing");
	if ((d->xml == NULL && d->xml_len > 0) || (d->extended == NULL &&
	    d->extended_len > 0))
		return imp_invalid(im, "fragment length without data");
	if (u->max_download_size > INT64_MAX ||
	    u->min_download_size > INT64_MAX)
		return imp_invalid(im, "download size out of range");
	if (!text_ok(u->default_language) || !text_ok(u->handler) ||
	    !text_ok(u->creation_date) || !text_ok(u->publication_state) ||
	    !text_ok(u->msrc_severity) || !text_ok(u->kb_article_id) ||
	    !text_ok(u->security_bulletin_id) || !text_ok(u->eula_id) ||
	    !text_ok(u->languages))
		return imp_invalid(im, "a property is too long");
	return STORE_OK;
}

static int
rev_find(struct imp *im, bool *found)
{
	sqlite3_stmt *stmt;

	*found = false;
	if ((stmt = sq_stmt(im->s, SQL_REV_FIND)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, im->uid, GUID_STRLEN, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, im->rev);
	return imp_one(im, stmt, "look up revision", int64_row, &im->rid,
	    found);
}

int
sq_revision_import(struct store *st, const struct update *u,
    const struct update_doc *d, int64_t *revision_id, bool *created)
{
	struct sq *s = (struct sq *)st;
	struct imp im;
	sqlite3_stmt *stmt;
	struct upd_seen us = { 0, -1 };
	int64_t local_id = 0, seq;
	int latest_rev = -1, rc;
	bool found;

	if (revision_id != NULL)
		*revision_id = 0;
	if (created != NULL)
		*created = false;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (u == NULL || d == NULL)
		return store_seterr(st, STORE_INVALID,
		    "import: no update or no document");
	memset(&im, 0, sizeof(im));
	im.s = s;
	im.rev = u->id.revision;
	if (memchr(u->id.update_id, '\0', sizeof(u->id.update_id)) == NULL ||
	    store_guid_norm(u->id.update_id, im.uid) == -1)
		return store_seterr(st, STORE_INVALID,
		    "import: UpdateID is not a GUID");
	if (u->id.revision < 0)
		return imp_invalid(&im, "RevisionNumber is missing or negative");
	if ((rc = imp_check(&im, u, d)) != STORE_OK)
		return rc;

	/* Idempotence: an imported (update, revision) is left as it is.
	 * Look first without the write lock (re-imports are common), then
	 * again inside the transaction. */
	if ((rc = rev_find(&im, &found)) != STORE_OK)
		return rc;
	if (found) {
		if (revision_id != NULL)
			*revision_id = im.rid;
		return STORE_OK;
	}
	if ((rc = sq_unit_begin(s)) != STORE_OK)
		return rc;
	if ((rc = rev_find(&im, &found)) != STORE_OK)
		goto fail;
	if (found) {
		sq_unit_rollback(s);
		if (revision_id != NULL)
			*revision_id = im.rid;
		return STORE_OK;
	}


	if ((rc = sq_next_change(s, &seq)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_UPD_FIND)) == NULL)
		goto fail_err;
	sqlite3_bind_text(stmt, 1, im.uid, GUID_STRLEN, SQLITE_STATIC);
	if ((rc = imp_one(&im, stmt, "look up update", upd_row, &us,
	    &found)) != STORE_OK)
		goto fail;
	local_id = us.local_id;
	latest_rev = us.latest_rev;
	if (!found) {
		if ((stmt = sq_stmt(s, SQL_UPD_INSERT)) == NULL)
			goto fail_err;
		sqlite3_bind_text(stmt, 1, im.uid, GUID_STRLEN, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, seq);
		if ((rc = imp_step(&im, stmt, "store update")) != STORE_OK)
			goto fail;
		local_id = sqlite3_last_insert_rowid(s->db);
	}
	if ((rc = imp_revision_row(&im, u, local_id, seq)) != STORE_OK)
		goto fail;
	if (im.rev > latest_rev) {
		if ((stmt = sq_stmt(s, SQL_UPD_SET_LATEST)) == NULL)
			goto fail_err;
		sqlite3_bind_int64(stmt, 1, local_id);
		sqlite3_bind_int64(stmt, 2, im.rid);
		sqlite3_bind_int64(stmt, 3, seq);
		if ((rc = imp_step(&im, stmt, "set latest revision")) !=
		    STORE_OK)
			goto fail;
	}
	if ((rc = imp_children(&im, u, d)) != STORE_OK)
		goto fail;
	if ((rc = sq_unit_commit(s)) != STORE_OK)
		return rc;
	if (revision_id != NULL)
		*revision_id = im.rid;
	if (created != NULL)
		*created = true;
	return STORE_OK;

fail_err:
	rc = STORE_ERROR;
fail:
	sq_unit_rollback(s);
	return rc;
}

/* ---- lookups ---- */

static const char SQL_LATEST_FIND[] =
    "SELECT latest_revision_id FROM updates WHERE update_id = ?1";

int
sq_revision_lookup(struct store *st, const char *update_id, int32_t revision,
    int64_t *revision_id)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char uid[GUID_STRLEN + 1];
	int rc;

	*revision_id = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (store_guid_norm(update_id, uid) == -1)
		return store_seterr(st, STORE_INVALID,
		    "\"%.64s\" is not an UpdateID", update_id ? update_id : "");
	if (revision < -1)
		return store_seterr(st, STORE_INVALID, "bad revision number");
	if ((stmt = sq_stmt(s, revision == -1 ? SQL_LATEST_FIND :
	    SQL_REV_FIND)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, uid, GUID_STRLEN, SQLITE_STATIC);
	if (revision != -1)
		sqlite3_bind_int(stmt, 2, revision);
	/* No row, or NULL (max() of nothing): not found; ids start at 1. */
	if ((rc = sq_one_int64(s, stmt, "look up revision", revision_id,
	    NULL)) != STORE_OK)
		return rc;
	if (*revision_id > 0)
		return STORE_OK;
	*revision_id = 0;
	if (revision == -1)
		return store_seterr(st, STORE_NOTFOUND, "update %s is not in "
		    "the store", uid);
	return store_seterr(st, STORE_NOTFOUND, "update %s revision %d is "
	    "not in the store", uid, (int)revision);
}

static const char SQL_FRAGMENT_GET[] =
    "SELECT data, length FROM fragments "
    "WHERE revision_id = ?1 AND kind = ?2 AND language = ?3";

static const char *
fragment_kind_name(enum store_fragment_kind k)
{
	switch (k) {
	case FRAGMENT_CORE:
		return "core";
	case FRAGMENT_EXTENDED:
		return "extended";
	case FRAGMENT_LOCALIZED:
		return "localized";
	case FRAGMENT_DOCUMENT:
		return "document";
	}
	return "?";
}

int
sq_fragment_get(struct store *st, int64_t revision_id,
    enum store_fragment_kind kind, const char *language, char **xml,
    size_t *len)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char lang[16] = "", err[160];
	const void *blob;
	int64_t rawlen;
	int rc, bloblen;

	*xml = NULL;
	if (len != NULL)
		*len = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((int)kind < 0 || (int)kind > FRAGMENT_DOCUMENT)
		return store_seterr(st, STORE_INVALID, "unknown fragment kind "
		    "%d", (int)kind);
	if (kind == FRAGMENT_LOCALIZED && store_lang_norm(language, lang) == -1)
		return store_seterr(st, STORE_INVALID, "a localized fragment "
		    "needs a language such as \"en\"");
	if ((stmt = sq_stmt(s, SQL_FRAGMENT_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, revision_id);
	sqlite3_bind_int(stmt, 2, (int)kind);
	sqlite3_bind_text(stmt, 3, lang, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sq_done(stmt);
		return store_seterr(st, STORE_NOTFOUND, "revision %lld has no "
		    "%s fragment%s%s", (long long)revision_id,
		    fragment_kind_name(kind), *lang ? " for language " : "",
		    lang);
	}
	if (rc != SQLITE_ROW) {
		rc = sq_fail(s, "read fragment");
		sq_done(stmt);
		return rc;
	}
	blob = sqlite3_column_blob(stmt, 0);
	bloblen = sqlite3_column_bytes(stmt, 0);
	rawlen = sqlite3_column_int64(stmt, 1);
	if (rawlen < 0 || (uint64_t)rawlen > ZBLOB_MAX ||
	    zblob_decompress(blob, (size_t)bloblen, (size_t)rawlen, ZBLOB_MAX,
	    xml, err, sizeof(err)) == -1) {
		sq_done(stmt);
		if (rawlen < 0 || (uint64_t)rawlen > ZBLOB_MAX)
			snprintf(err, sizeof(err), "bad stored length");
		return store_seterr(st, STORE_ERROR, "revision %lld %s "
		    "fragment: %s", (long long)revision_id,
		    fragment_kind_name(kind), err);
	}
	sq_done(stmt);
	if (len != NULL)
		*len = (size_t)rawlen;
	return STORE_OK;
}
