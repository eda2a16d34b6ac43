/*
 * test_store_import.c — revisions into the SQLite backend and back out:
 * idempotent import, new revisions, fragments, invalid input, the
 * update listing with its filters and the file rows.  Open, migrations
 * and housekeeping are in test_store_sqlite.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "store_test.h"

/* ---- import ---- */

static void
test_import_idempotent(void **state)
{
	struct store *st;
	struct tdb t;
	struct tu *a;
	bool created = false;
	int64_t r1, r2, r3;
	size_t nrev = 0, nupd = 0;
	int64_t chg;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	/* Upper-case GUID in the input: stored lower-case. */
	a = tu_new("0A000000-0000-4000-8000-00000000000A", 200,
	    UPDATE_TYPE_SOFTWARE, "Update A");
	tu_prereq(a, false, 2, DET, P_WIN);
	tu_file(a, "a.cab", 1, 1000, true);
	r1 = t_import(st, a, &created);
	assert_true(created);
	chg = t_change(st);
	r2 = t_import(st, a, &created);
	assert_false(created);
	assert_int_equal(r1, r2);
	assert_int_equal(t_change(st), chg);	/* no change recorded */
	assert_int_equal(store_update_count(st, &nrev, &nupd), STORE_OK);
	assert_int_equal(nrev, 1);
	assert_int_equal(nupd, 1);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM prerequisites"), 2);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM fragments"), 4);

	assert_int_equal(store_revision_lookup(st, U_A, -1, &r3), STORE_OK);
	assert_int_equal(r3, r1);
	assert_int_equal(store_revision_lookup(st,
	    "0A000000-0000-4000-8000-00000000000A", 200, &r3), STORE_OK);
	assert_int_equal(r3, r1);
	assert_int_equal(store_revision_lookup(st, U_A, 201, &r3),
	    STORE_NOTFOUND);
	assert_int_equal(r3, 0);
	assert_int_equal(store_revision_lookup(st, U_B, -1, &r3),
	    STORE_NOTFOUND);
	assert_non_null(strstr(store_errmsg(st), U_B));
	assert_int_equal(store_revision_lookup(st, "not-a-guid", -1, &r3),
	    STORE_INVALID);
	store_close(st);
	tu_free(a);
	tdb_remove(&t);
}

static void
test_new_revision(void **state)
{
	struct store *st;
	struct tdb t;
	struct tu *a1, *a2, *a0;
	struct trows rs;
	struct store_update_filter f = { .type = -1 };
	int64_t r1, r2, r0, rl;
	size_t nrev, nupd;
	bool created;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	a1 = tu_new(U_A, 200, UPDATE_TYPE_SOFTWARE, "Update A");
	a2 = tu_new(U_A, 201, UPDATE_TYPE_SOFTWARE, "Update A v2");
	a0 = tu_new(U_A, 150, UPDATE_TYPE_SOFTWARE, "Update A old");
	r1 = t_import(st, a1, NULL);
	r2 = t_import(st, a2, &created);
	assert_true(created);
	assert_true(r2 != r1);
	assert_int_equal(store_revision_lookup(st, U_A, -1, &rl), STORE_OK);
	assert_int_equal(rl, r2);
	/* An older revision arriving late does not become the latest. */
	r0 = t_import(st, a0, &created);
	assert_true(created);
	assert_true(r0 != r1 && r0 != r2);
	assert_int_equal(store_revision_lookup(st, U_A, -1, &rl), STORE_OK);
	assert_int_equal(rl, r2);
	assert_int_equal(store_update_count(st, &nrev, &nupd), STORE_OK);
	assert_int_equal(nrev, 3);
	assert_int_equal(nupd, 1);

	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].revision, 201);
	assert_int_equal(rs.r[0].revision_id, r2);
	assert_true(rs.r[0].is_latest);
	assert_string_equal(rs.r[0].title, "Update A v2");
	f.all_revisions = true;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 3);
	assert_int_equal(rs.r[0].revision, 201);	/* newest first */
	assert_true(rs.r[0].is_latest);
	assert_int_equal(rs.r[1].revision, 200);
	assert_false(rs.r[1].is_latest);
	assert_int_equal(rs.r[2].revision, 150);
	store_close(st);
	tu_free(a0);
	tu_free(a1);
	tu_free(a2);
	tdb_remove(&t);
}

static void
test_fragments(void **state)
{
	struct store *st;
	struct tdb t;
	struct tu *a;
	int64_t rid;
	char *xml = NULL, big[70000];
	size_t len = 0, i;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	a = tu_new(U_A, 200, UPDATE_TYPE_SOFTWARE, "Update A");
	tu_lang(a, "de", "Aktualisierung A", NULL);
	tu_frag(a, "de", "<LocalizedProperties><Language>de</Language>"
	    "<Title>Aktualisierung \xc3\xa4</Title></LocalizedProperties>");
	/* A big document that compresses well, with a non-ASCII byte. */
	for (i = 0; i + 1 < sizeof(big); i++)
		big[i] = "<a b=\"c\">\xc3\xa9</a>\n"[i % 16];
	big[sizeof(big) - 1] = '\0';
	free(a->d.xml);
	a->d.xml = strdup(big);
	a->d.xml_len = strlen(big);
	rid = t_import(st, a, NULL);

	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_CORE, NULL, &xml,
	    &len), STORE_OK);
	assert_int_equal(len, a->d.core_len);
	assert_memory_equal(xml, a->d.core, len);
	assert_int_equal(xml[len], '\0');
	free(xml);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_EXTENDED, "en",
	    &xml, &len), STORE_OK);
	assert_string_equal(xml, a->d.extended);
	free(xml);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_DOCUMENT, NULL,
	    &xml, &len), STORE_OK);
	assert_int_equal(len, a->d.xml_len);
	assert_memory_equal(xml, a->d.xml, len);
	free(xml);
	/* Stored compressed. */
	assert_true(t_sql_int(st, "SELECT length(data) FROM fragments WHERE "
	    "kind = 3") < 10000);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_LOCALIZED, "DE",
	    &xml, &len), STORE_OK);
	assert_string_equal(xml, a->d.localized[1].xml);
	free(xml);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_LOCALIZED, "en",
	    &xml, &len), STORE_OK);
	assert_string_equal(xml, a->d.localized[0].xml);
	free(xml);

	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_LOCALIZED, "fr",
	    &xml, &len), STORE_NOTFOUND);
	assert_null(xml);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_LOCALIZED, NULL,
	    &xml, &len), STORE_INVALID);
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_LOCALIZED,
	    "en'; --", &xml, &len), STORE_INVALID);
	assert_int_equal(store_fragment_get(st, rid, (enum store_fragment_kind)9,
	    NULL, &xml, &len), STORE_INVALID);
	assert_int_equal(store_fragment_get(st, rid + 100, FRAGMENT_CORE, NULL,
	    &xml, &len), STORE_NOTFOUND);

	/* Damaged rows are reported, not trusted. */
	t_sql_exec(st, "UPDATE fragments SET length = length + 1 WHERE kind = 0");
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_CORE, NULL, &xml,
	    &len), STORE_ERROR);
	assert_null(xml);
	assert_non_null(strstr(store_errmsg(st), "corrupt"));
	t_sql_exec(st, "UPDATE fragments SET length = length - 2 WHERE kind = 0");
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_CORE, NULL, &xml,
	    &len), STORE_ERROR);
	t_sql_exec(st, "UPDATE fragments SET data = x'789c0102' WHERE kind = 1");
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_EXTENDED, NULL,
	    &xml, &len), STORE_ERROR);
	t_sql_exec(st, "UPDATE fragments SET length = 1000000000 WHERE kind = 3");
	assert_int_equal(store_fragment_get(st, rid, FRAGMENT_DOCUMENT, NULL,
	    &xml, &len), STORE_ERROR);
	assert_null(xml);
	store_close(st);
	tu_free(a);
	tdb_remove(&t);
}

static const char *const row_tables[] = {
	"updates", "revisions", "prerequisites", "revision_categories",
	"bundled", "superseded", "files", "revision_files", "localized",
	"fragments",
};

static int64_t
rows_total(struct store *st)
{
	char sql[128];
	int64_t n = 0;
	size_t i;

	for (i = 0; i < sizeof(row_tables) / sizeof(row_tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
		    row_tables[i]);
		n += t_sql_int(st, sql);
	}
	return n;
}

static void
test_import_invalid(void **state)
{
	struct store *st;
	struct tdb t;
	struct tu *a, *b;
	int64_t rid = 7, before, chg;
	bool created = true;
	char *core;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	b = tu_new(U_B, 1, UPDATE_TYPE_SOFTWARE, "Update B");
	tu_file(b, "shared.cab", 9, 10, false);
	t_import(st, b, NULL);
	before = rows_total(st);
	chg = t_change(st);

	a = tu_new(U_A, 200, UPDATE_TYPE_SOFTWARE, "Update A");
	tu_prereq(a, true, 2, P_WIN, C_SEC);
	tu_bundle(a, U_C, 100);
	tu_superseded(a, U_D);
	tu_file(a, "a.cab", 1, 1000, true);
	tu_file(a, "shared.cab", 9, 10, true);	/* would add a SHA-256 */

	/* No core fragment. */
	core = a->d.core;
	a->d.core = NULL;
	assert_int_equal(store_revision_import(st, &a->u, &a->d, &rid,
	    &created), STORE_INVALID);
	assert_int_equal(rid, 0);
	assert_false(created);
	assert_non_null(strstr(store_errmsg(st), "core"));
	a->d.core = core;

	assert_int_equal(store_revision_import(st, NULL, &a->d, &rid, &created),
	    STORE_INVALID);
	assert_int_equal(store_revision_import(st, &a->u, NULL, &rid, &created),
	    STORE_INVALID);
	a->u.id.revision = -1;
	assert_int_equal(store_revision_import(st, &a->u, &a->d, &rid,
	    &created), STORE_INVALID);
	a->u.id.revision = 200;
	a->u.type = (enum update_type)7;
	assert_int_equal(store_revision_import(st, &a->u, &a->d, &rid,
	    &created), STORE_INVALID);
	a->u.type = UPDATE_TYPE_SOFTWARE;
	snprintf(a->u.id.update_id, sizeof(a->u.id.update_id), "%s",
	    "zz000000-0000-4000-8000-00000000000a");
	assert_int_equal(store_revision_import(st, &a->u, &a->d, &rid,
	    &created), STORE_INVALID);
	snprintf(a->u.id.update_id, sizeof(a->u.id.update_id), "%s", U_A);
	/* A bad related id, found after rows were written. */
	snprintf(a->u.superseded[0].update_id,
	    sizeof(a->u.superseded[0].update_id), "%s", "nope");
	assert_int_equal(store_revision_import(st, &a->u, &a->d, &rid,
	    &created), STORE_INVALID);
	assert_int_equal(rows_total(st), before);
	snprintf(a->u.superseded[0].update_id,
	    sizeof(a->u.superseded[0].update_id), "%s", U_D);

	/* A constraint failure late in the import (same language twice):
	 * the whole revision rolls back, including the shared file's
	 * SHA-256 and the change counter. */
	tu_lang(a, "EN", "again", NULL);
	assert_int_equal(store_revision_import(st, &a->u, &a->d, &rid,
	    &created), STORE_INVALID);
	assert_false(created);
	assert_int_equal(rid, 0);
	assert_non_null(strstr(store_errmsg(st), U_A));
	assert_int_equal(rows_total(st), before);
	assert_int_equal(t_change(st), chg);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM files WHERE "
	    "sha256 IS NOT NULL"), 0);
	assert_int_equal(store_revision_lookup(st, U_A, -1, &rid),
	    STORE_NOTFOUND);

	/* Fixed input imports; the handle is still usable. */
	a->u.nlocalized--;
	free(a->u.localized[a->u.nlocalized].title);
	rid = t_import(st, a, &created);
	assert_true(created);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM files WHERE "
	    "sha256 IS NOT NULL"), 2);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM "
	    "revision_categories"), 2);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM bundled WHERE "
	    "member_revision = 100"), 1);
	store_close(st);
	tu_free(a);
	tu_free(b);
	tdb_remove(&t);
}

/* ---- listing ---- */

/* Catalog: two products, two classifications, a detectoid, four updates. */
static void
catalog(struct store *st)
{
	struct tu *t[9];
	int i = 0, n;

	t[i++] = tu_category(P_WIN, CATEGORY_KIND_PRODUCT, "Windows 10");
	t[i++] = tu_category(P_OFF, CATEGORY_KIND_PRODUCT, "Office 2016");
	t[i++] = tu_category(C_SEC, CATEGORY_KIND_UPDATE_CLASSIFICATION,
	    "Security Updates");
	t[i++] = tu_category(C_CRIT, CATEGORY_KIND_UPDATE_CLASSIFICATION,
	    "Critical Updates");
	t[i] = tu_new(DET, 1, UPDATE_TYPE_DETECTOID, "Some detectoid");
	tu_str(&t[i++]->u.creation_date, "2000-01-01T00:00:00Z");

	t[i] = tu_new(U_A, 200, UPDATE_TYPE_SOFTWARE,
	    "2024-01 Cumulative Update for Windows 10 (KB100)");
	tu_str(&t[i]->u.kb_article_id, "100");
	tu_str(&t[i]->u.creation_date, "2024-01-03T00:00:00Z");
	tu_str(&t[i]->u.msrc_severity, "Critical");
	tu_prereq(t[i], false, 1, DET);
	tu_prereq(t[i], true, 1, P_WIN);
	tu_prereq(t[i], true, 1, C_SEC);
	tu_file(t[i], "a.msu", 0xa1, 111, true);
	tu_bundle(t[i++], U_D, 1);

	t[i] = tu_new(U_B, 201, UPDATE_TYPE_SOFTWARE,
	    "Security Update for Microsoft Office 2016 (KB200) 100%");
	tu_str(&t[i]->u.kb_article_id, "200");
	tu_str(&t[i]->u.creation_date, "2024-01-02T00:00:00Z");
	tu_prereq(t[i], true, 2, P_OFF, P_WIN);
	tu_prereq(t[i], true, 1, C_CRIT);
	tu_file(t[i++], "b.cab", 0xb1, 222, false);

	t[i] = tu_new(U_C, 300, UPDATE_TYPE_DRIVER, "Contoso driver");
	tu_str(&t[i]->u.creation_date, "2024-01-01T00:00:00Z");
	tu_prereq(t[i], true, 1, P_WIN);
	tu_file(t[i++], "c.cab", 0xc1, 333, false);

	/* Bundled by A; no localized English title, only German. */
	t[i] = tu_new(U_D, 1, UPDATE_TYPE_SOFTWARE, NULL);
	tu_lang(t[i], "de", "Nur deutsch", NULL);
	tu_str(&t[i]->u.default_language, "de");
	tu_str(&t[i]->u.creation_date, "2023-12-01T00:00:00Z");
	tu_file(t[i], "d.cab", 0xd1, 444, false);
	tu_file(t[i++], "a.msu", 0xa1, 111, true);	/* same file as A */
	n = i;
	for (i = 0; i < n; i++) {
		t_import(st, t[i], NULL);
		tu_free(t[i]);
	}
}

static bool
has_row(const struct trows *rs, const char *uid)
{
	for (int i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].update_id, uid) == 0)
			return true;
	return false;
}

static int
count_list(struct store *st, const struct store_update_filter *f)
{
	struct trows rs;

	rs.stop_after = 0;
	if (t_list(st, f, &rs) != STORE_OK)
		fail_msg("list: %s", store_errmsg(st));
	return rs.n;
}

/* The list of f is the one update uid. */
static void
assert_only(struct store *st, const struct store_update_filter *f,
    const char *uid)
{
	struct trows rs;

	rs.stop_after = 0;
	assert_int_equal(t_list(st, f, &rs), STORE_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].update_id, uid);
}

static void
test_list_filters(void **state)
{
	struct store *st;
	struct tdb t;
	struct trows rs;
	struct store_update_filter f;
	int64_t gid;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	catalog(st);

	memset(&f, 0, sizeof(f));
	f.type = -1;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 9);
	/* Newest creation date first. */
	assert_string_equal(rs.r[0].update_id, U_A);
	assert_string_equal(rs.r[1].update_id, U_B);
	assert_string_equal(rs.r[2].update_id, U_C);
	/* Columns from the categories. */
	assert_string_equal(rs.r[0].classification, "Security Updates");
	assert_string_equal(rs.r[0].products, "Windows 10");
	assert_string_equal(rs.r[1].classification, "Critical Updates");
	assert_string_equal(rs.r[1].products, "Office 2016; Windows 10");
	assert_string_equal(rs.r[2].classification, "");
	assert_int_equal(rs.r[2].type, UPDATE_TYPE_DRIVER);
	assert_true(has_row(&rs, U_D));
	for (int i = 0; i < rs.n; i++)
		if (strcmp(rs.r[i].update_id, U_D) == 0)
			assert_string_equal(rs.r[i].title, "Nur deutsch");

	/* KB with and without the prefix, any case. */
	f.kb = "KB100";
	assert_only(st, &f, U_A);
	f.kb = "100";
	assert_int_equal(count_list(st, &f), 1);
	f.kb = "kb200";
	assert_only(st, &f, U_B);
	f.kb = "KB999";
	assert_int_equal(count_list(st, &f), 0);
	f.kb = "KBx1";
	assert_int_equal(t_list(st, &f, &rs), STORE_INVALID);
	assert_non_null(strstr(store_errmsg(st), "KB"));
	f.kb = NULL;

	/* Title: case-insensitive substring; wildcards are literal. */
	f.text = "CUMULATIVE update";
	assert_only(st, &f, U_A);
	f.text = "100%";
	assert_only(st, &f, U_B);
	f.text = "_";
	assert_int_equal(count_list(st, &f), 0);
	f.text = "%";
	assert_int_equal(count_list(st, &f), 1);
	f.text = "deutsch";
	assert_int_equal(count_list(st, &f), 1);
	f.text = NULL;

	/* Product by title substring or GUID (any case). */
	f.product = "windows";
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 3);
	assert_true(has_row(&rs, U_A) && has_row(&rs, U_B) && has_row(&rs, U_C));
	f.product = "F0000000-0000-4000-8000-000000000002";
	assert_only(st, &f, U_B);
	f.product = "Security";	/* a classification, not a product */
	assert_int_equal(count_list(st, &f), 0);
	f.product = "windows";
	f.classification = "security";
	assert_only(st, &f, U_A);
	f.product = NULL;
	f.classification = C_CRIT;
	assert_only(st, &f, U_B);
	f.classification = "Updates";
	assert_int_equal(count_list(st, &f), 2);
	f.classification = NULL;

	/* Type. */
	f.type = UPDATE_TYPE_DRIVER;
	assert_only(st, &f, U_C);
	f.type = UPDATE_TYPE_CATEGORY;
	assert_int_equal(count_list(st, &f), 4);
	f.type = 9;
	assert_int_equal(t_list(st, &f, &rs), STORE_INVALID);
	f.type = -1;

	/* Exact update. */
	f.update_id = "0B000000-0000-4000-8000-00000000000B";
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].revision, 201);
	f.update_id = "B";
	assert_int_equal(t_list(st, &f, &rs), STORE_INVALID);
	f.update_id = NULL;

	/* Paging: same order, windows of it. */
	f.limit = 2;
	f.offset = 0;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].update_id, U_A);
	assert_string_equal(rs.r[1].update_id, U_B);
	f.offset = 2;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].update_id, U_C);
	f.offset = 8;
	assert_int_equal(count_list(st, &f), 1);
	f.offset = 100;
	assert_int_equal(count_list(st, &f), 0);
	f.limit = 0;
	f.offset = 0;

	/* Approval states. */
	assert_int_equal(store_group_find(st, "all computers", &gid), STORE_OK);
	assert_int_equal(store_approve(st, U_A, gid, APPROVAL_INSTALL, 0, "t",
	    NULL), STORE_OK);
	assert_int_equal(store_decline(st, U_B, true), STORE_OK);
	f.approval = APPROVAL_FILTER_APPROVED;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].update_id, U_A);
	assert_int_equal(rs.r[0].napprovals, 1);
	f.approval = APPROVAL_FILTER_DECLINED;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].update_id, U_B);
	assert_true(rs.r[0].declined);
	f.approval = APPROVAL_FILTER_UNAPPROVED;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 7);
	assert_false(has_row(&rs, U_A));
	assert_false(has_row(&rs, U_B));
	/* A "not approved" block is no approval. */
	assert_int_equal(store_approve(st, U_C, gid, APPROVAL_NOT_APPROVED, 0,
	    NULL, NULL), STORE_OK);
	assert_int_equal(count_list(st, &f), 7);
	f.approval = (enum approval_state_filter)42;
	assert_int_equal(t_list(st, &f, &rs), STORE_INVALID);

	/* A callback that stops early. */
	memset(&f, 0, sizeof(f));
	f.type = -1;
	rs.stop_after = 2;
	assert_int_equal(t_list(st, &f, &rs), STORE_OK);
	assert_int_equal(rs.n, 2);
	/* NULL filter = everything. */
	rs.stop_after = 0;
	assert_int_equal(t_list(st, NULL, &rs), STORE_OK);
	assert_int_equal(rs.n, 9);
	store_close(st);
	tdb_remove(&t);
}

/* ---- files ---- */

struct fl {
	int	 n;
	uint8_t	 first[20];
	char	 names[8][32];
	bool	 present[8];
};

static int
file_cb(const struct store_file *f, void *arg)
{
	struct fl *l = arg;

	if (l->n < 8) {
		snprintf(l->names[l->n], sizeof(l->names[0]), "%s", f->name);
		l->present[l->n] = f->present;
	}
	if (l->n == 0)
		memcpy(l->first, f->sha1, 20);
	l->n++;
	return 0;
}

static void
test_files(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_file f;
	struct fl l;
	uint8_t sha1[20], sha256[32];
	char *name = NULL;
	int64_t gid;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	catalog(st);

	memset(sha1, 0xa1, 20);
	memset(sha256, 0xa1, 32);
	assert_int_equal(store_file_lookup(st, sha1, &f, &name), STORE_OK);
	assert_int_equal(f.size, 111);
	assert_true(f.has_sha256);
	assert_memory_equal(f.sha256, sha256, 32);
	assert_memory_equal(f.sha1, sha1, 20);
	assert_false(f.present);
	assert_string_equal(name, "a.msu");
	assert_ptr_equal(f.name, name);
	free(name);
	memset(sha1, 0xb1, 20);
	assert_int_equal(store_file_lookup(st, sha1, &f, NULL), STORE_OK);
	assert_false(f.has_sha256);
	assert_int_equal(store_file_set_present(st, sha1, true), STORE_OK);
	assert_int_equal(store_file_lookup(st, sha1, &f, &name), STORE_OK);
	assert_true(f.present);
	assert_string_equal(name, "b.cab");
	free(name);
	assert_int_equal(store_file_set_present(st, sha1, false), STORE_OK);
	assert_int_equal(store_file_lookup(st, sha1, &f, NULL), STORE_OK);
	assert_false(f.present);

	memset(sha1, 0x77, 20);
	assert_int_equal(store_file_lookup(st, sha1, &f, &name),
	    STORE_NOTFOUND);
	assert_null(name);
	assert_non_null(strstr(store_errmsg(st), "7777"));
	assert_int_equal(store_file_set_present(st, sha1, true),
	    STORE_NOTFOUND);

	/* All files of the latest revisions, each once. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_list(st, false, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 4);
	/* Approved only: nothing approved yet. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_list(st, true, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	/* Approve A (bundles D): A's file and D's files. */
	assert_int_equal(store_group_find(st, GROUP_ALL_COMPUTERS_GUID, &gid),
	    STORE_OK);
	assert_int_equal(store_approve(st, U_A, gid, APPROVAL_INSTALL, 0, NULL,
	    NULL), STORE_OK);
	/* An uninstall approval does not need content. */
	assert_int_equal(store_approve(st, U_C, gid, APPROVAL_UNINSTALL, 0,
	    NULL, NULL), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_list(st, true, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	memset(sha1, 0xa1, 20);
	assert_memory_equal(l.first, sha1, 20);
	assert_string_equal(l.names[1], "d.cab");

	/* Requested by a downstream: none yet; then exactly B's file, and
	 * (approved only) the request joins A's and D's files. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_request_list(st, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	memset(sha1, 0xb1, 20);
	assert_int_equal(store_file_request_put(st, sha1, 1000), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_request_list(st, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 1);
	assert_memory_equal(l.first, sha1, 20);
	assert_string_equal(l.names[0], "b.cab");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_list(st, true, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	/* present: the request row goes */
	assert_int_equal(store_file_set_present(st, sha1, true), STORE_OK);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_file_request_list(st, file_cb, &l), STORE_OK);
	assert_int_equal(l.n, 0);
	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_idempotent),
		cmocka_unit_test(test_new_revision),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_import_invalid),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
