/*
 * update_list.c — the SQLite backend's update listing: update_list with
 * its filters (text, KB, product, classification, approval state,
 * revisions, paging) and update_count.  Categories whose documents were
 * not imported get the published names of metadata/wellknown.h.
 *
 * Not here: import and lookups (updates.c), files (files.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/wellknown.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define TEXT_FILTER_MAX		1024	/* bytes of a search string */
#define PRODUCTS_MAX		(64 * 1024)	/* joined product titles */

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

/* Imported categories with their kind and title; the others (kind NULL)
 * with their GUID only, named from metadata/wellknown.h. */
static const char SQL_ROW_CATEGORIES[] =
    "SELECT cr.category_kind, cr.title, rc.category_update_id FROM "
    "revision_categories rc "
    "LEFT JOIN updates cu ON cu.update_id = rc.category_update_id "
    "LEFT JOIN revisions cr ON cr.revision_id = cu.latest_revision_id "
    "WHERE rc.revision_id = ?1 AND (cr.category_kind IN (3, 4) OR "
    "cr.revision_id IS NULL) ORDER BY cr.title";

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
		int kind = sqlite3_column_int(stmt, 0);

		if (sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
			const struct wellknown_category *w = wellknown_find(
			    (const char *)sqlite3_column_text(stmt, 2));

			if (w == NULL)
				continue;
			t = w->title;
			kind = w->kind;
		}
		if (t == NULL || *t == '\0')
			continue;
		if (kind == CATEGORY_KIND_PRODUCT) {
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
	    "%d AND cr.title LIKE ?%d ESCAPE '\\')", kind, ptitle);
	/* the published categories whose names match, imported or not
	 * (GUIDs from the constant table, never from input) */
	{
		const struct wellknown_category *w;
		size_t n;
		bool first = true;

		w = wellknown_categories(&n);
		for (size_t i = 0; i < n; i++) {
			if ((int)w[i].kind != kind ||
			    strcasestr(w[i].title, value) == NULL)
				continue;
			buf_printf(sql, "%s'%s'", first ? " OR "
			    "rc.category_update_id IN (" : ", ", w[i].guid);
			first = false;
		}
		if (!first)
			buf_puts(sql, ")");
	}
	buf_puts(sql, ")");
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
	size_t v[2] = { 0, 0 };
	bool found;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_COUNT)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_one_row(s, stmt, "count updates", sq_two_counts_row, v,
	    &found)) != STORE_OK)
		return rc;
	if (!found)
		return store_seterr(st, STORE_ERROR, "count updates: no "
		    "answer");
	if (revisions != NULL)
		*revisions = v[0];
	if (updates != NULL)
		*updates = v[1];
	return STORE_OK;
}
