/*
 * files.c — the SQLite backend's content-file index: lookup by SHA-1,
 * the present flag set by the content store, and the list of files of
 * the latest (or approved) revisions.
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
