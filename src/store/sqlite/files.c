/*
 * files.c — the SQLite backend's content-file index: lookup by SHA-1,
 * the present flag set by the content store, the list of files of the
 * latest (or approved) revisions, each file's original URL (MUUrl) and
 * the files downstreams asked for (content_requests, migration 9).
 *
 * Not here: how files get into the index (revision import, updates.c).
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/hex.h"
#include "util/xmalloc.h"

/* ---- files ---- */

static const char SQL_FILE_GET[] =
    "SELECT f.sha256, f.size, f.present, (SELECT rf.file_name FROM "
    "revision_files rf WHERE rf.sha1 = f.sha1 ORDER BY rf.revision_id DESC "
    "LIMIT 1) FROM files f WHERE f.sha1 = ?1";
static const char SQL_FILE_PRESENT[] =
    "UPDATE files SET present = ?2 WHERE sha1 = ?1";
static const char SQL_FILE_REQ_DONE[] =
    "DELETE FROM content_requests WHERE sha1 = ?1";

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
	int rc;

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
		hex_encode(sha1, 20, hex, 0);
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
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_FILE_PRESENT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, present ? 1 : 0);
	if ((rc = sq_exec_stmt(s, stmt, "mark file")) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) == 0) {
		hex_encode(sha1, 20, hex, 0);
		return store_seterr(st, STORE_NOTFOUND, "no update lists a "
		    "file with SHA-1 %s", hex);
	}
	if (!present)
		return STORE_OK;
	/* a file asked for by a downstream is no longer wanted */
	if ((stmt = sq_stmt(s, SQL_FILE_REQ_DONE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	return sq_exec_stmt(s, stmt, "forget content request");
}

/*
 * Files of the newest revisions.  approved_only: of updates with an
 * Install approval, and of the updates those bundle.  Either way also
 * the files downstreams asked for (content_requests).  Columns: sha1,
 * sha256, size, present, a FileName, origin_url, express (an express
 * installation file: PatchingType "Express", a .psf or an -express.cab,
 * wsusss.md §10), languages (of the revisions listing it; NULL:
 * language-neutral).
 */
#define FILE_COLS							\
    "SELECT f.sha1, f.sha256, f.size, f.present, (SELECT min(x.file_name) " \
    "FROM revision_files x WHERE x.sha1 = f.sha1), f.origin_url, "	\
    "EXISTS (SELECT 1 FROM revision_files x WHERE x.sha1 = f.sha1 AND " \
    "(lower(x.patching_type) = 'express' OR x.file_name LIKE '%.psf' OR " \
    "x.file_name LIKE '%-express.cab')), "				\
    "(SELECT group_concat(r.languages, ' ') FROM revision_files x "	\
    "JOIN revisions r ON r.revision_id = x.revision_id WHERE "		\
    "x.sha1 = f.sha1) "
static const char SQL_FILE_LIST_ALL[] =
    "WITH wanted(sha1) AS ("
    "  SELECT rf.sha1 FROM updates u JOIN revision_files rf"
    "  ON rf.revision_id = u.latest_revision_id"
    "  UNION SELECT sha1 FROM content_requests) "
    FILE_COLS "FROM wanted w JOIN files f ON f.sha1 = w.sha1 "
    "ORDER BY f.sha1";
static const char SQL_FILE_LIST_APPROVED[] =
    "WITH approved(local_id) AS ("
    "  SELECT d.update_local_id FROM deployments d WHERE d.action = 0"
    "  UNION SELECT mu.local_id FROM deployments d"
    "  JOIN updates au ON au.local_id = d.update_local_id"
    "  JOIN bundled b ON b.revision_id = au.latest_revision_id"
    "  JOIN updates mu ON mu.update_id = b.member_update_id"
    "  WHERE d.action = 0), "
    "wanted(sha1) AS ("
    "  SELECT rf.sha1 FROM approved a JOIN updates u ON u.local_id = a.local_id"
    "  JOIN revision_files rf ON rf.revision_id = u.latest_revision_id"
    "  WHERE u.declined = 0"
    "  UNION SELECT sha1 FROM content_requests) "
    FILE_COLS "FROM wanted w JOIN files f ON f.sha1 = w.sha1 "
    "ORDER BY f.sha1";

/* Only the files downstreams asked for (a DownloadFiles run). */
static const char SQL_FILE_LIST_REQUESTED[] =
    "WITH wanted(sha1) AS (SELECT sha1 FROM content_requests) "
    FILE_COLS "FROM wanted w JOIN files f ON f.sha1 = w.sha1 "
    "ORDER BY f.sha1";

/* The rows of one of the SQL_FILE_LIST_* queries, each to cb. */
static int
file_rows(struct sq *s, const char *sql, store_file_cb cb, void *arg)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, sql)) == NULL)
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
		f.origin = (const char *)sqlite3_column_text(stmt, 5);
		f.express = sqlite3_column_int(stmt, 6) != 0;
		f.languages = (const char *)sqlite3_column_text(stmt, 7);
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

int
sq_file_list(struct store *st, bool approved_only, store_file_cb cb,
    void *arg)
{
	return file_rows((struct sq *)st, approved_only ?
	    SQL_FILE_LIST_APPROVED : SQL_FILE_LIST_ALL, cb, arg);
}

int
sq_file_request_list(struct store *st, store_file_cb cb, void *arg)
{
	return file_rows((struct sq *)st, SQL_FILE_LIST_REQUESTED, cb, arg);
}

/* ---- original URLs and downstream requests ---- */

static const char SQL_ORIGIN_SET[] =
    "UPDATE files SET origin_url = ?2 WHERE sha1 = ?1";
static const char SQL_ORIGIN_GET[] =
    "SELECT origin_url FROM files WHERE sha1 = ?1";
static const char SQL_REQ_PUT[] =
    "INSERT INTO content_requests(sha1, at) SELECT sha1, ?2 FROM files "
    "WHERE sha1 = ?1 AND present = 0 ON CONFLICT DO NOTHING";
static const char SQL_REQ_KNOWN[] =
    "SELECT 1 FROM files WHERE sha1 = ?1";
static const char SQL_REQ_COUNT[] =
    "SELECT count(*) FROM content_requests";

static int
not_listed(struct store *st, const uint8_t sha1[20])
{
	char hex[41];

	hex_encode(sha1, 20, hex, 0);
	return store_seterr(st, STORE_NOTFOUND, "no update lists a file with "
	    "SHA-1 %s", hex);
}

int
sq_file_origin_set(struct store *st, const uint8_t sha1[20], const char *url)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (url != NULL && (strlen(url) > 4096 || url[0] == '\0'))
		return store_seterr(st, STORE_INVALID, "bad original URL");
	if ((stmt = sq_stmt(s, SQL_ORIGIN_SET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	sq_bind_text(stmt, 2, url);
	if ((rc = sq_exec_stmt(s, stmt, "set original URL")) != STORE_OK)
		return rc;
	return sqlite3_changes(s->db) == 0 ? not_listed(st, sha1) : STORE_OK;
}

int
sq_file_origin_get(struct store *st, const uint8_t sha1[20], char **url)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	const char *u;
	int rc;

	*url = NULL;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_ORIGIN_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if ((u = (const char *)sqlite3_column_text(stmt, 0)) != NULL)
			*url = xstrdup(u);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = STORE_OK;
	else
		rc = sq_fail(s, "get original URL");
	sq_done(stmt);
	return rc;
}

int
sq_file_request_put(struct store *st, const uint8_t sha1[20], int64_t at)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_REQ_KNOWN)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sq_done(stmt);
	if (rc == SQLITE_DONE)
		return not_listed(st, sha1);
	if (rc != SQLITE_ROW)
		return sq_fail(s, "look up file");
	if ((stmt = sq_stmt(s, SQL_REQ_PUT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(stmt, 1, sha1, 20, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, at);
	return sq_exec_stmt(s, stmt, "queue content request");
}

int
sq_file_request_count(struct store *st, size_t *n)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	*n = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_REQ_COUNT)) == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	} else
		rc = sq_fail(s, "count content requests");
	sq_done(stmt);
	return rc;
}
