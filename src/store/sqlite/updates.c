/*
 * updates.c — the SQLite backend's update catalogue: revision import
 * (one transaction per revision), revision lookup, fragments, the update
 * listing with its filters, counts, and the content-file index.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define TEXT_FILTER_MAX		1024	/* bytes of a search string */
#define PRODUCTS_MAX		(64 * 1024)	/* joined product titles */

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
    "imported, change_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";
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
	    !text_ok(u->security_bulletin_id) || !text_ok(u->eula_id))
		return imp_invalid(im, "a property is too long");
	return STORE_OK;
}

static int
rev_find(struct imp *im, bool *found)
{
	sqlite3_stmt *stmt;
	int step;

	*found = false;
	if ((stmt = sq_stmt(im->s, SQL_REV_FIND)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, im->uid, GUID_STRLEN, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, im->rev);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		im->rid = sqlite3_column_int64(stmt, 0);
		*found = true;
	} else if (step != SQLITE_DONE) {
		step = imp_fail(im, "look up revision");
		sq_done(stmt);
		return step;
	}
	sq_done(stmt);
	return STORE_OK;
}

int
sq_revision_import(struct store *st, const struct update *u,
    const struct update_doc *d, int64_t *revision_id, bool *created)
{
	struct sq *s = (struct sq *)st;
	struct imp im;
	sqlite3_stmt *stmt;
	int64_t local_id = 0, seq;
	int latest_rev = -1, rc, step;
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
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		local_id = sqlite3_column_int64(stmt, 0);
		if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			latest_rev = sqlite3_column_int(stmt, 1);
	} else if (step != SQLITE_DONE) {
		rc = imp_fail(&im, "look up update");
		sq_done(stmt);
		goto fail;
	}
	sq_done(stmt);
	if (step == SQLITE_DONE) {
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
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		*revision_id = sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		if (revision == -1)
			rc = store_seterr(st, STORE_NOTFOUND,
			    "update %s is not in the store", uid);
		else
			rc = store_seterr(st, STORE_NOTFOUND,
			    "update %s revision %d is not in the store", uid,
			    (int)revision);
	} else
		rc = sq_fail(s, "look up revision");
	sq_done(stmt);
	return rc;
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

/* ---- listing ---- */

/* "%text%" for LIKE ... ESCAPE '\' with the wildcards of text escaped. */
static char *
like_pattern(const char *text)
{
	size_t n = strlen(text), i, j = 0;
	char *p = xmalloc(2 * n + 3);

	p[j++] = '%';
	for (i = 0; i < n; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			p[j++] = '\\';
		p[j++] = text[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

static const char SQL_ROW_CATEGORIES[] =
    "SELECT cr.category_kind, cr.title FROM revision_categories rc "
    "JOIN updates cu ON cu.update_id = rc.category_update_id "
    "JOIN revisions cr ON cr.revision_id = cu.latest_revision_id "
    "WHERE rc.revision_id = ?1 AND cr.category_kind IN (3, 4) "
    "ORDER BY cr.title";

/* Fill classification/products of one row from its category titles. */
static int
row_categories(struct sq *s, int64_t rid, struct buf *cls, struct buf *prod)
{
	sqlite3_stmt *stmt;
	int rc;

	buf_reset(cls);
	buf_reset(prod);
	if ((stmt = sq_stmt(s, SQL_ROW_CATEGORIES)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, rid);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(stmt, 1);

		if (t == NULL || *t == '\0')
			continue;
		if (sqlite3_column_int(stmt, 0) == CATEGORY_KIND_PRODUCT) {
			if (prod->len > 0)
				buf_puts(prod, "; ");
			buf_puts(prod, t);
		} else if (cls->len == 0)
			buf_puts(cls, t);
	}
	if (rc != SQLITE_DONE)
		rc = sq_fail(s, "read categories");
	else
		rc = STORE_OK;
	sq_done(stmt);
	return rc;
}

/* The category match for a product/classification filter value. */
static void
category_clause(struct buf *sql, const char *value, int kind, int ptitle,
    int pguid, char guid[GUID_STRLEN + 1], bool *is_guid)
{
	*is_guid = store_guid_norm(value, guid) == 0;
	if (*is_guid) {
		buf_printf(sql, " AND r.revision_id IN (SELECT rc.revision_id "
		    "FROM revision_categories rc WHERE rc.category_update_id = "
		    "?%d)", pguid);
		return;
	}
	buf_printf(sql, " AND r.revision_id IN (SELECT rc.revision_id "
	    "FROM revision_categories rc WHERE rc.category_update_id IN "
	    "(SELECT cu.update_id FROM updates cu JOIN revisions cr ON "
	    "cr.revision_id = cu.latest_revision_id WHERE cr.category_kind = "
	    "%d AND cr.title LIKE ?%d ESCAPE '\\'))", kind, ptitle);
}

int
sq_update_list(struct store *st, const struct store_update_filter *f,
    store_update_cb cb, void *arg)
{
	static const struct store_update_filter any = { .type = -1 };
	struct sq *s = (struct sq *)st;
	struct buf sql, cls, prod;
	sqlite3_stmt *stmt = NULL;
	char kb[32], uid[GUID_STRLEN + 1], pguid[GUID_STRLEN + 1],
	    cguid[GUID_STRLEN + 1];
	char *tpat = NULL, *ppat = NULL, *cpat = NULL;
	bool pis_guid = false, cis_guid = false;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (f == NULL)
		f = &any;
	if (f->type < -1 || f->type > UPDATE_TYPE_DETECTOID)
		return store_seterr(st, STORE_INVALID, "unknown update type %d",
		    f->type);
	if ((int)f->approval < 0 || (int)f->approval > APPROVAL_FILTER_DECLINED)
		return store_seterr(st, STORE_INVALID,
		    "unknown approval filter");
	if ((f->text && strlen(f->text) > TEXT_FILTER_MAX) ||
	    (f->product && strlen(f->product) > TEXT_FILTER_MAX) ||
	    (f->classification && strlen(f->classification) > TEXT_FILTER_MAX))
		return store_seterr(st, STORE_INVALID, "search text is longer "
		    "than %d bytes", TEXT_FILTER_MAX);
	if (f->kb != NULL && store_kb_norm(f->kb, kb, sizeof(kb)) == -1)
		return store_seterr(st, STORE_INVALID, "\"%.32s\" is not a KB "
		    "number (e.g. KB5034441 or 5034441)", f->kb);
	if (f->update_id != NULL && store_guid_norm(f->update_id, uid) == -1)
		return store_seterr(st, STORE_INVALID, "\"%.64s\" is not an "
		    "UpdateID", f->update_id);

	buf_init(&sql, 16384);
	buf_init(&cls, 4096);
	buf_init(&prod, PRODUCTS_MAX);
	buf_puts(&sql, "SELECT r.revision_id, u.update_id, r.revision_number, "
	    "r.update_type, r.category_kind, r.title, r.kb_article_id, "
	    "r.msrc_severity, r.creation_date, "
	    "r.revision_id = u.latest_revision_id, u.declined, "
	    "(SELECT count(*) FROM deployments d WHERE d.update_local_id = "
	    "u.local_id AND d.action IN (0, 1)), r.max_download_size, "
	    "r.imported FROM ");
	if (f->all_revisions)
		buf_puts(&sql, "revisions r JOIN updates u ON u.local_id = "
		    "r.update_local_id WHERE 1");
	else
		buf_puts(&sql, "updates u JOIN revisions r ON r.revision_id = "
		    "u.latest_revision_id WHERE 1");
	if (f->text != NULL && *f->text != '\0') {
		tpat = like_pattern(f->text);
		buf_puts(&sql, " AND r.title LIKE ?1 ESCAPE '\\'");
	}
	if (f->kb != NULL)
		buf_puts(&sql, " AND r.kb_article_id = ?2");
	if (f->update_id != NULL)
		buf_puts(&sql, " AND u.update_id = ?3");
	if (f->type != -1)
		buf_puts(&sql, " AND r.update_type = ?4");
	if (f->product != NULL && *f->product != '\0') {
		category_clause(&sql, f->product, CATEGORY_KIND_PRODUCT, 5, 6,
		    pguid, &pis_guid);
		if (!pis_guid)
			ppat = like_pattern(f->product);
	}
	if (f->classification != NULL && *f->classification != '\0') {
		category_clause(&sql, f->classification,
		    CATEGORY_KIND_UPDATE_CLASSIFICATION, 7, 8, cguid,
		    &cis_guid);
		if (!cis_guid)
			cpat = like_pattern(f->classification);
	}
	switch (f->approval) {
	case APPROVAL_FILTER_APPROVED:
		buf_puts(&sql, " AND EXISTS (SELECT 1 FROM deployments d WHERE "
		    "d.update_local_id = u.local_id AND d.action IN (0, 1))");
		break;
	case APPROVAL_FILTER_UNAPPROVED:
		buf_puts(&sql, " AND u.declined = 0 AND NOT EXISTS (SELECT 1 "
		    "FROM deployments d WHERE d.update_local_id = u.local_id "
		    "AND d.action IN (0, 1))");
		break;
	case APPROVAL_FILTER_DECLINED:
		buf_puts(&sql, " AND u.declined = 1");
		break;
	case APPROVAL_FILTER_ANY:
		break;
	}
	buf_puts(&sql, " ORDER BY r.creation_date DESC, u.update_id, "
	    "r.revision_number DESC LIMIT ?9 OFFSET ?10");
	if (sql.failed) {
		rc = store_seterr(st, STORE_ERROR, "query too long");
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, sql.data, (int)sql.len + 1, &stmt,
	    NULL) != SQLITE_OK) {
		rc = sq_fail(s, "prepare update list");
		goto out;
	}
	if (tpat != NULL)
		sqlite3_bind_text(stmt, 1, tpat, -1, SQLITE_STATIC);
	if (f->kb != NULL)
		sqlite3_bind_text(stmt, 2, kb, -1, SQLITE_STATIC);
	if (f->update_id != NULL)
		sqlite3_bind_text(stmt, 3, uid, -1, SQLITE_STATIC);
	if (f->type != -1)
		sqlite3_bind_int(stmt, 4, f->type);
	if (ppat != NULL)
		sqlite3_bind_text(stmt, 5, ppat, -1, SQLITE_STATIC);
	if (pis_guid)
		sqlite3_bind_text(stmt, 6, pguid, -1, SQLITE_STATIC);
	if (cpat != NULL)
		sqlite3_bind_text(stmt, 7, cpat, -1, SQLITE_STATIC);
	if (cis_guid)
		sqlite3_bind_text(stmt, 8, cguid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 9, f->limit == 0 || f->limit > INT64_MAX ?
	    -1 : (int64_t)f->limit);
	sqlite3_bind_int64(stmt, 10, f->offset > INT64_MAX ? INT64_MAX :
	    (int64_t)f->offset);

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_update_row row;
		const char *t;
		int ty, kind;

		memset(&row, 0, sizeof(row));
		row.revision_id = sqlite3_column_int64(stmt, 0);
		t = (const char *)sqlite3_column_text(stmt, 1);
		snprintf(row.update_id, sizeof(row.update_id), "%s",
		    t ? t : "");
		row.revision = sqlite3_column_int(stmt, 2);
		ty = sqlite3_column_int(stmt, 3);
		kind = sqlite3_column_int(stmt, 4);
		row.type = (enum update_type)ty;
		row.category_kind = (enum category_kind)kind;
		t = (const char *)sqlite3_column_text(stmt, 5);
		row.title = t != NULL ? t : "";
		row.kb_article_id = (const char *)sqlite3_column_text(stmt, 6);
		row.msrc_severity = (const char *)sqlite3_column_text(stmt, 7);
		row.creation_date = (const char *)sqlite3_column_text(stmt, 8);
		row.is_latest = sqlite3_column_int(stmt, 9) != 0;
		row.declined = sqlite3_column_int(stmt, 10) != 0;
		row.napprovals = sqlite3_column_int(stmt, 11);
		row.max_download_size =
		    (uint64_t)sqlite3_column_int64(stmt, 12);
		row.imported = sqlite3_column_int64(stmt, 13);
		if ((rc = row_categories(s, row.revision_id, &cls, &prod)) !=
		    STORE_OK)
			goto out;
		row.classification = cls.len > 0 ? cls.data : NULL;
		row.products = prod.len > 0 ? prod.data : NULL;
		if (cb(&row, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		rc = sq_fail(s, "list updates");
	else
		rc = STORE_OK;
out:
	sqlite3_finalize(stmt);
	buf_free(&sql);
	buf_free(&cls);
	buf_free(&prod);
	free(tpat);
	free(ppat);
	free(cpat);
	return rc;
}

static const char SQL_COUNT[] =
    "SELECT (SELECT count(*) FROM revisions), (SELECT count(*) FROM updates)";

int
sq_update_count(struct store *st, size_t *revisions, size_t *updates)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_COUNT)) == NULL)
		return STORE_ERROR;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		rc = sq_fail(s, "count updates");
		sq_done(stmt);
		return rc;
	}
	if (revisions != NULL)
		*revisions = (size_t)sqlite3_column_int64(stmt, 0);
	if (updates != NULL)
		*updates = (size_t)sqlite3_column_int64(stmt, 1);
	sq_done(stmt);
	return STORE_OK;
}

/* ---- files ---- */

static const char SQL_FILE_GET[] =
    "SELECT f.sha256, f.size, f.present, (SELECT rf.file_name FROM "
    "revision_files rf WHERE rf.sha1 = f.sha1 ORDER BY rf.revision_id DESC "
    "LIMIT 1) FROM files f WHERE f.sha1 = ?1";
static const char SQL_FILE_PRESENT[] =
    "UPDATE files SET present = ?2 WHERE sha1 = ?1";

static void
file_row(sqlite3_stmt *stmt, int col, struct store_file *f)
{
	const void *h = sqlite3_column_blob(stmt, col);

	if (h != NULL && sqlite3_column_bytes(stmt, col) == 32) {
		f->has_sha256 = true;
		memcpy(f->sha256, h, 32);
	}
	f->size = (uint64_t)sqlite3_column_int64(stmt, col + 1);
	f->present = sqlite3_column_int(stmt, col + 2) != 0;
}

int
sq_file_lookup(struct store *st, const uint8_t sha1[20], struct store_file *f,
    char **name)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	const char *n;
	char hex[41];
	int rc, i;

	memset(f, 0, sizeof(*f));
	if (name != NULL)
		*name = NULL;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	memcpy(f->sha1, sha1, 20);
	if ((stmt = sq_stmt(s, SQL_FILE_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		file_row(stmt, 0, f);
		n = (const char *)sqlite3_column_text(stmt, 3);
		if (name != NULL) {
			*name = xstrdup(n != NULL ? n : "");
			f->name = *name;
		}
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE) {
		for (i = 0; i < 20; i++)
			snprintf(hex + 2 * i, 3, "%02x", sha1[i]);
		rc = store_seterr(st, STORE_NOTFOUND, "no update lists a file "
		    "with SHA-1 %s", hex);
	} else
		rc = sq_fail(s, "look up file");
	sq_done(stmt);
	return rc;
}

int
sq_file_set_present(struct store *st, const uint8_t sha1[20], bool present)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	char hex[41];
	int rc, i;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_FILE_PRESENT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, present ? 1 : 0);
	if ((rc = sq_exec_stmt(s, stmt, "mark file")) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) == 0) {
		for (i = 0; i < 20; i++)
			snprintf(hex + 2 * i, 3, "%02x", sha1[i]);
		return store_seterr(st, STORE_NOTFOUND, "no update lists a "
		    "file with SHA-1 %s", hex);
	}
	return STORE_OK;
}

/*
 * Files of the newest revisions.  approved_only: of updates with an
 * Install approval, and of the updates those bundle.
 */
static const char SQL_FILE_LIST_ALL[] =
    "SELECT f.sha1, f.sha256, f.size, f.present, min(rf.file_name) "
    "FROM updates u JOIN revision_files rf ON rf.revision_id = "
    "u.latest_revision_id JOIN files f ON f.sha1 = rf.sha1 "
    "GROUP BY f.sha1 ORDER BY f.sha1";
static const char SQL_FILE_LIST_APPROVED[] =
    "WITH approved(local_id) AS ("
    "  SELECT d.update_local_id FROM deployments d WHERE d.action = 0"
    "  UNION SELECT mu.local_id FROM deployments d"
    "  JOIN updates au ON au.local_id = d.update_local_id"
    "  JOIN bundled b ON b.revision_id = au.latest_revision_id"
    "  JOIN updates mu ON mu.update_id = b.member_update_id"
    "  WHERE d.action = 0) "
    "SELECT f.sha1, f.sha256, f.size, f.present, min(rf.file_name) "
    "FROM approved a JOIN updates u ON u.local_id = a.local_id "
    "JOIN revision_files rf ON rf.revision_id = u.latest_revision_id "
    "JOIN files f ON f.sha1 = rf.sha1 WHERE u.declined = 0 "
    "GROUP BY f.sha1 ORDER BY f.sha1";

int
sq_file_list(struct store *st, bool approved_only, store_file_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, approved_only ? SQL_FILE_LIST_APPROVED :
	    SQL_FILE_LIST_ALL)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_file f;
		const void *h = sqlite3_column_blob(stmt, 0);

		memset(&f, 0, sizeof(f));
		if (h == NULL || sqlite3_column_bytes(stmt, 0) != 20)
			continue;
		memcpy(f.sha1, h, 20);
		file_row(stmt, 1, &f);
		f.name = (const char *)sqlite3_column_text(stmt, 4);
		if (f.name == NULL)
			f.name = "";
		if (cb(&f, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		rc = sq_fail(s, "list files");
	else
		rc = STORE_OK;
	sq_done(stmt);
	return rc;
}
