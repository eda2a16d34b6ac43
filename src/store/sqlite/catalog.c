/*
 * catalog.c — the read side the MS-WUSP catalog is built from, in the
 * SQLite backend: catalog_load (everything SyncUpdates needs, streamed in
 * one read transaction) and change_seq (the global change counter).
 *
 * catalog_load opens a DEFERRED transaction, so under WAL every SELECT
 * sees the same snapshot while writers carry on; the counter read first
 * belongs to that snapshot.  Fragments are inflated into one buffer that
 * is reused from row to row (one allocation per load, not per revision).
 * Not here: building the in-memory structures (src/wusp/catalog.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

static const char SQL_CHANGE_SEQ[] =
    "SELECT value FROM counters WHERE name = 'change'";
static const char SQL_READ_BEGIN[] = "BEGIN DEFERRED";
static const char SQL_READ_END[] = "COMMIT";

/* Newest revision of every update, its core fragment, and the whole
 * document for drivers (the WindowsDriverMetaData is only in there). */
static const char SQL_CAT_REVISIONS[] =
    "SELECT r.revision_id, u.update_id, r.revision_number, r.update_type, "
    "r.category_kind, r.explicitly_deployable, r.has_driver_metadata, "
    "u.declined, r.imported, max(r.change_seq, u.change_seq), "
    "fc.data, fc.length, fd.data, fd.length, r.change_seq "
    "FROM updates u JOIN revisions r ON r.revision_id = u.latest_revision_id "
    "LEFT JOIN fragments fc ON fc.revision_id = r.revision_id "
    "AND fc.kind = 0 AND fc.language = '' "
    "LEFT JOIN fragments fd ON fd.revision_id = r.revision_id "
    "AND fd.kind = 3 AND fd.language = '' "
    "AND (r.has_driver_metadata != 0 OR r.update_type = 1) "
    "ORDER BY r.revision_id";
static const char SQL_CAT_PREREQS[] =
    "SELECT p.revision_id, p.group_index, p.is_category, p.required_update_id "
    "FROM prerequisites p JOIN updates u ON u.latest_revision_id = p.revision_id "
    "ORDER BY p.revision_id, p.group_index, p.required_update_id";
static const char SQL_CAT_BUNDLED[] =
    "SELECT b.revision_id, b.group_index, b.member_update_id, "
    "b.member_revision FROM bundled b "
    "JOIN updates u ON u.latest_revision_id = b.revision_id "
    "ORDER BY b.revision_id, b.group_index, b.member_update_id";
static const char SQL_CAT_FILES[] =
    "SELECT rf.revision_id, rf.sha1, f.size, rf.file_name "
    "FROM revision_files rf JOIN updates u ON u.latest_revision_id = rf.revision_id "
    "JOIN files f ON f.sha1 = rf.sha1 "
    "ORDER BY rf.revision_id, rf.sha1";
static const char SQL_CAT_GROUPS[] =
    "SELECT id, guid, parent_id, change_seq FROM target_groups ORDER BY id";
static const char SQL_CAT_DEPLOYMENTS[] =
    "SELECT d.deployment_id, u.update_id, d.group_id, d.action, d.deadline, "
    "d.created, d.last_change, d.change_seq FROM deployments d "
    "JOIN updates u ON u.local_id = d.update_local_id "
    "ORDER BY d.deployment_id";
static const char SQL_CAT_TOMBSTONES[] =
    "SELECT update_id, max(deleted), max(change_seq) "
    "FROM deployment_tombstones GROUP BY update_id ORDER BY update_id";

static const char SQL_CAT_OLDREVS[] =
    "SELECT r.revision_id, u.latest_revision_id FROM revisions r "
    "JOIN updates u ON u.local_id = r.update_local_id "
    "WHERE r.revision_id != u.latest_revision_id ORDER BY r.revision_id";

/* A reusable inflate state and output buffer for one load. */
struct inflater {
	z_stream zs;
	bool	 ready;
	char	*buf;		/* owned */
	size_t	 cap;
};

static void
inflater_free(struct inflater *inf)
{
	if (inf->ready)
		inflateEnd(&inf->zs);
	free(inf->buf);
}

/* Inflate exactly rawlen bytes into inf->buf (NUL-terminated). */
static int
inflater_run(struct inflater *inf, const void *in, size_t inlen,
    int64_t rawlen, char *err, size_t errlen)
{
	int zrc;

	if (rawlen < 0 || (uint64_t)rawlen > ZBLOB_MAX || inlen > ZBLOB_MAX) {
		snprintf(err, errlen, "bad stored fragment length");
		return -1;
	}
	if ((size_t)rawlen + 1 > inf->cap) {
		size_t cap = inf->cap ? inf->cap : 4096;

		while (cap < (size_t)rawlen + 1)
			cap *= 2;
		free(inf->buf);
		inf->buf = xmalloc(cap);
		inf->cap = cap;
	}
	if (!inf->ready) {
		memset(&inf->zs, 0, sizeof(inf->zs));
		if (inflateInit(&inf->zs) != Z_OK) {
			snprintf(err, errlen, "zlib inflateInit failed");
			return -1;
		}
		inf->ready = true;
	} else if (inflateReset(&inf->zs) != Z_OK) {
		snprintf(err, errlen, "zlib inflateReset failed");
		return -1;
	}
	inf->zs.next_in = (Bytef *)(uintptr_t)in;
	inf->zs.avail_in = (uInt)inlen;
	inf->zs.next_out = (Bytef *)inf->buf;
	/* One byte of room more than expected: a longer stream is an error. */
	inf->zs.avail_out = (uInt)rawlen + 1;
	zrc = inflate(&inf->zs, Z_FINISH);
	if (zrc != Z_STREAM_END || inf->zs.total_out != (uLong)rawlen) {
		snprintf(err, errlen, "stored fragment does not inflate to its "
		    "length (zlib %d)", zrc);
		return -1;
	}
	inf->buf[rawlen] = '\0';
	return 0;
}

static int
guid_col(sqlite3_stmt *stmt, int col, char out[GUID_STRLEN + 1])
{
	const char *t = (const char *)sqlite3_column_text(stmt, col);

	if (t == NULL || strlen(t) != GUID_STRLEN)
		return -1;
	memcpy(out, t, GUID_STRLEN + 1);
	return 0;
}

int
sq_change_seq(struct store *st, int64_t *seq)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	bool found;
	int rc;

	*seq = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_CHANGE_SEQ)) == NULL)
		return STORE_ERROR;
	if ((rc = sq_one_int64(s, stmt, "read change counter", seq, &found)) !=
	    STORE_OK)
		return rc;
	if (!found)
		return store_seterr(st, STORE_ERROR, "the change counter is "
		    "missing");
	return STORE_OK;
}

/* Step through one listing; each row goes to row(); 0 or a store rc. */
typedef int (*row_fn)(struct sq *, sqlite3_stmt *,
    const struct store_catalog_sink *, struct inflater *);

static int
run_query(struct sq *s, const char *sql, const char *what, row_fn row,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((rc = row(s, stmt, sink, inf)) != STORE_OK) {
			sq_done(stmt);
			return rc;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, what);
		sq_done(stmt);
		return rc;
	}
	sq_done(stmt);
	return STORE_OK;
}

static int
stopped(struct sq *s, const char *what)
{
	return store_seterr(&s->base, STORE_ERROR, "catalog load stopped at "
	    "%s", what);
}

static int
row_revision(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_revision r;
	char err[160];
	const void *blob;
	int type, kind;

	memset(&r, 0, sizeof(r));
	r.revision_id = sqlite3_column_int64(stmt, 0);
	if (guid_col(stmt, 1, r.update_id) == -1)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld: bad "
		    "update id in the store", (long long)r.revision_id);
	r.revision = sqlite3_column_int(stmt, 2);
	type = sqlite3_column_int(stmt, 3);
	kind = sqlite3_column_int(stmt, 4);
	if (type < 0 || type > UPDATE_TYPE_DETECTOID || kind < 0 ||
	    kind > CATEGORY_KIND_OTHER)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld: bad "
		    "type in the store", (long long)r.revision_id);
	r.type = (enum update_type)type;
	r.category_kind = (enum category_kind)kind;
	r.explicitly_deployable = sqlite3_column_int(stmt, 5) != 0;
	r.has_driver_metadata = sqlite3_column_int(stmt, 6) != 0;
	r.declined = sqlite3_column_int(stmt, 7) != 0;
	r.imported = sqlite3_column_int64(stmt, 8);
	r.change_seq = sqlite3_column_int64(stmt, 9);
	r.revision_seq = sqlite3_column_int64(stmt, 14);

	/* The core fragment (every import stores one). */
	blob = sqlite3_column_blob(stmt, 10);
	if (blob == NULL)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld has "
		    "no core fragment", (long long)r.revision_id);
	if (inflater_run(inf, blob, (size_t)sqlite3_column_bytes(stmt, 10),
	    sqlite3_column_int64(stmt, 11), err, sizeof(err)) == -1)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld core "
		    "fragment: %s", (long long)r.revision_id, err);
	/*
	 * The document, when asked for, goes into its own buffer: the core
	 * text must stay valid during the callback.
	 */
	blob = sqlite3_column_blob(stmt, 12);
	if (blob != NULL) {
		char *doc = NULL;
		int rc;

		if (zblob_decompress(blob, (size_t)sqlite3_column_bytes(stmt, 12),
		    (size_t)(sqlite3_column_int64(stmt, 13) < 0 ? 0 :
		    sqlite3_column_int64(stmt, 13)), ZBLOB_MAX, &doc, err,
		    sizeof(err)) == -1)
			return store_seterr(&s->base, STORE_ERROR, "revision "
			    "%lld document: %s", (long long)r.revision_id, err);
		r.core = inf->buf;
		r.core_len = (size_t)sqlite3_column_int64(stmt, 11);
		r.document = doc;
		r.document_len = strlen(doc);
		rc = sink->revision(&r, sink->arg);
		free(doc);
		return rc != 0 ? stopped(s, "a revision") : STORE_OK;
	}
	r.core = inf->buf;
	r.core_len = (size_t)sqlite3_column_int64(stmt, 11);
	return sink->revision(&r, sink->arg) != 0 ? stopped(s, "a revision") :
	    STORE_OK;
}

static int
row_prereq(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_prereq p;
	char id[GUID_STRLEN + 1];

	(void)inf;
	p.revision_id = sqlite3_column_int64(stmt, 0);
	p.group_index = sqlite3_column_int(stmt, 1);
	p.is_category = sqlite3_column_int(stmt, 2) != 0;
	if (guid_col(stmt, 3, id) == -1)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld: bad "
		    "prerequisite id in the store", (long long)p.revision_id);
	p.required_update_id = id;
	return sink->prereq(&p, sink->arg) != 0 ? stopped(s, "a prerequisite") :
	    STORE_OK;
}

static int
row_bundled(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_bundled b;
	char id[GUID_STRLEN + 1];

	(void)inf;
	b.revision_id = sqlite3_column_int64(stmt, 0);
	b.group_index = sqlite3_column_int(stmt, 1);
	if (guid_col(stmt, 2, id) == -1)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld: bad "
		    "bundled id in the store", (long long)b.revision_id);
	b.member_update_id = id;
	b.member_revision = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(stmt, 3);
	return sink->bundled(&b, sink->arg) != 0 ? stopped(s, "a bundle "
	    "member") : STORE_OK;
}

static int
row_file(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_file f;
	const void *sha1;

	(void)inf;
	f.revision_id = sqlite3_column_int64(stmt, 0);
	sha1 = sqlite3_column_blob(stmt, 1);
	if (sha1 == NULL || sqlite3_column_bytes(stmt, 1) != 20)
		return store_seterr(&s->base, STORE_ERROR, "revision %lld: bad "
		    "file digest in the store", (long long)f.revision_id);
	memcpy(f.sha1, sha1, 20);
	f.size = (uint64_t)sqlite3_column_int64(stmt, 2);
	f.name = (const char *)sqlite3_column_text(stmt, 3);
	if (f.name == NULL)
		f.name = "";
	return sink->file(&f, sink->arg) != 0 ? stopped(s, "a file") : STORE_OK;
}

static int
row_group(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_group g;

	(void)inf;
	g.id = sqlite3_column_int64(stmt, 0);
	if (guid_col(stmt, 1, g.guid) == -1)
		return store_seterr(&s->base, STORE_ERROR, "group %lld: bad "
		    "GUID in the store", (long long)g.id);
	g.parent_id = sqlite3_column_type(stmt, 2) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(stmt, 2);
	g.change_seq = sqlite3_column_int64(stmt, 3);
	return sink->group(&g, sink->arg) != 0 ? stopped(s, "a group") :
	    STORE_OK;
}

static int
row_deployment(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_deployment d;
	int action;

	(void)inf;
	d.deployment_id = sqlite3_column_int64(stmt, 0);
	if (guid_col(stmt, 1, d.update_id) == -1)
		return store_seterr(&s->base, STORE_ERROR, "deployment %lld: "
		    "bad update id in the store", (long long)d.deployment_id);
	d.group_id = sqlite3_column_int64(stmt, 2);
	action = sqlite3_column_int(stmt, 3);
	if (action < APPROVAL_INSTALL || action > APPROVAL_NOT_APPROVED)
		return store_seterr(&s->base, STORE_ERROR, "deployment %lld: "
		    "bad action in the store", (long long)d.deployment_id);
	d.action = (enum approval_action)action;
	d.deadline = sqlite3_column_int64(stmt, 4);
	d.created = sqlite3_column_int64(stmt, 5);
	d.last_change = sqlite3_column_int64(stmt, 6);
	d.change_seq = sqlite3_column_int64(stmt, 7);
	return sink->deployment(&d, sink->arg) != 0 ? stopped(s, "a "
	    "deployment") : STORE_OK;
}

static int
row_tombstone(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_tombstone t;

	(void)inf;
	if (guid_col(stmt, 0, t.update_id) == -1)
		return STORE_OK;	/* not ours to judge: skip */
	t.deleted = sqlite3_column_int64(stmt, 1);
	t.change_seq = sqlite3_column_int64(stmt, 2);
	return sink->tombstone(&t, sink->arg) != 0 ? stopped(s, "a "
	    "tombstone") : STORE_OK;
}

static int
row_oldrev(struct sq *s, sqlite3_stmt *stmt,
    const struct store_catalog_sink *sink, struct inflater *inf)
{
	struct store_catalog_oldrev o;

	(void)inf;
	o.revision_id = sqlite3_column_int64(stmt, 0);
	o.latest_revision_id = sqlite3_column_int64(stmt, 1);
	return sink->oldrev(&o, sink->arg) != 0 ? stopped(s, "an old "
	    "revision") : STORE_OK;
}

int
sq_catalog_load(struct store *st, const struct store_catalog_sink *sink,
    int64_t *change_seq)
{
	struct sq *s = (struct sq *)st;
	struct inflater inf;
	sqlite3_stmt *stmt;
	bool own_tx = false;
	int rc;

	*change_seq = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (s->batch_tx && (rc = sq_batch_flush(s)) != STORE_OK)
		return rc;
	if (!s->in_tx && !s->outer) {
		if ((stmt = sq_stmt(s, SQL_READ_BEGIN)) == NULL)
			return STORE_ERROR;
		if ((rc = sq_exec_stmt(s, stmt, "begin read")) != STORE_OK)
			return rc;
		own_tx = true;
	}
	memset(&inf, 0, sizeof(inf));
	if ((rc = sq_change_seq(st, change_seq)) != STORE_OK)
		goto out;
	if (sink->revision != NULL && (rc = run_query(s, SQL_CAT_REVISIONS,
	    "read revisions", row_revision, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->prereq != NULL && (rc = run_query(s, SQL_CAT_PREREQS,
	    "read prerequisites", row_prereq, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->bundled != NULL && (rc = run_query(s, SQL_CAT_BUNDLED,
	    "read bundles", row_bundled, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->file != NULL && (rc = run_query(s, SQL_CAT_FILES,
	    "read files", row_file, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->group != NULL && (rc = run_query(s, SQL_CAT_GROUPS,
	    "read groups", row_group, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->deployment != NULL && (rc = run_query(s, SQL_CAT_DEPLOYMENTS,
	    "read deployments", row_deployment, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->tombstone != NULL && (rc = run_query(s, SQL_CAT_TOMBSTONES,
	    "read tombstones", row_tombstone, sink, &inf)) != STORE_OK)
		goto out;
	if (sink->oldrev != NULL && (rc = run_query(s, SQL_CAT_OLDREVS,
	    "read old revisions", row_oldrev, sink, &inf)) != STORE_OK)
		goto out;
out:
	inflater_free(&inf);
	if (own_tx) {
		/* A read transaction: COMMIT only ends it. */
		if ((stmt = sq_stmt(s, SQL_READ_END)) != NULL) {
			sqlite3_step(stmt);
			sq_done(stmt);
		}
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}
