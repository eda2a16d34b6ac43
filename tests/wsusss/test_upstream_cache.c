/*
 * test_upstream_cache.c — the GetUpdateData item cache seen from a
 * downstream (src/wsusss/item_cache.c, op_revisions.c): a repeated
 * request gets the same bytes; turning compression off and on changes
 * the item and back; the stored document changed without a new change
 * number is not read again (the item is reused), and a new change number
 * of the revision makes the answer carry the new document.  And the
 * downstream's contact written once, not per call (session.c).  Runs
 * last in test_wsusss_upstream and leaves the documents as it found
 * them.  The finished-answer cache (src/wsusss/answer_cache.c): the
 * same two-revision request twice gets the same bytes, another order or
 * another Host another answer, and a revision changed between two
 * identical requests changes the answer (only that revision's item).
 * The fixture and helpers: test_upstream.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

#include "soap/soap_request.h"
#include "upstream_test.h"
#include "util/buf.h"
#include "wusp_harness.h"

/* the leaf's revision (store revision_id of LEAF/200), in SQL */
#define LEAF_RID "(SELECT r.revision_id FROM revisions r JOIN updates u " \
	"ON u.local_id = r.update_local_id WHERE u.update_id = '" LEAF \
	"' AND r.revision_number = 200)"
#define SMALL_RID "(SELECT r.revision_id FROM revisions r JOIN updates u " \
	"ON u.local_id = r.update_local_id WHERE u.update_id = '" SMALL \
	"' AND r.revision_number = 200)"

static void
sql(const char *stmt)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", g.srv.db, stmt);
	assert_int_equal(system(cmd), 0);
}

/* A new change number for the leaf's revision, as a store change does. */
static void
leaf_changed(void)
{
	sql("UPDATE counters SET value = value + 1 WHERE name = 'change';"
	    "UPDATE revisions SET change_seq = (SELECT value FROM counters "
	    "WHERE name = 'change') WHERE revision_id = " LEAF_RID ";");
}

/* The answer body of GetUpdateData for LEAF/200 (malloc'd, 200). */
static char *
leaf_answer(void)
{
	char *x = session_req(CAP "000014-GetUpdateData-leaf-with-file.request.xml");
	struct wh_reply r;
	struct soap_request *q;
	char *body;

	post(SS, x, &r);
	q = ok(&r);
	body = strdup(r.body.data);
	assert_non_null(body);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
	return body;
}

void
t_item_cache(void **state)
{
	char *a1, *a, *plain;

	(void)state;
	a1 = leaf_answer();
	assert_non_null(strstr(a1, "<XmlUpdateBlobCompressed>"));
	assert_non_null(strstr(a1, "<FileDigestList>"));
	assert_non_null(strstr(a1, "<MUUrl>"));
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);

	/* compression off: another item (plain blob), then the cab again */
	sql("INSERT OR REPLACE INTO settings(key, value) "
	    "VALUES('upstream_compress', 'no');");
	plain = leaf_answer();
	assert_null(strstr(plain, "XmlUpdateBlobCompressed"));
	assert_non_null(strstr(plain, "<XmlUpdateBlob>"));
	assert_non_null(strstr(plain, "<FileDigestList>"));
	a = leaf_answer();
	assert_string_equal(a, plain);
	free(a);
	sql("DELETE FROM settings WHERE key = 'upstream_compress';");
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);

	/* the stored document replaced (SMALL's), the change number not
	 * moved: the built item is reused, the document not read */
	sql("CREATE TABLE keep_doc AS SELECT * FROM fragments WHERE "
	    "revision_id = " LEAF_RID " AND kind = 3;"
	    "UPDATE fragments SET (data, length) = (SELECT data, length FROM "
	    "fragments WHERE revision_id = " SMALL_RID " AND kind = 3) "
	    "WHERE revision_id = " LEAF_RID " AND kind = 3;");
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);

	/* the revision's change number moves: the new document is sent */
	leaf_changed();
	a = leaf_answer();
	assert_string_not_equal(a, a1);
	assert_null(strstr(a, "XmlUpdateBlobCompressed"));
	assert_non_null(strstr(a, "<XmlUpdateBlob>"));
	assert_non_null(strstr(a, "UpdateID=\"" SMALL "\""));
	/* the Id, digests and file URL are still the leaf's */
	assert_non_null(strstr(a, "<UpdateID>" LEAF "</UpdateID>"));
	assert_non_null(strstr(a, "<FileDigestList>"));
	assert_non_null(strstr(a, "<MUUrl>"));
	free(a);

	/* put the document back */
	sql("UPDATE fragments SET (data, length) = (SELECT data, length FROM "
	    "keep_doc) WHERE revision_id = " LEAF_RID " AND kind = 3;"
	    "DROP TABLE keep_doc;");
	leaf_changed();
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);
	free(plain);
	free(a1);
}

/* One value of the store (the first row, first column), or "". */
static void
sql_value(const char *query, char *out, size_t outlen)
{
	char cmd[1024];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", g.srv.db, query);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	if (fgets(out, (int)outlen, fp) == NULL)
		out[0] = '\0';
	assert_int_equal(pclose(fp), 0);
	out[strcspn(out, "\n")] = '\0';
}

#define DS_ID	"6f1c2f6e-3f0b-4d3a-9b1e-0d2f6a1c5e12"	/* the session's DSS */

/*
 * The downstream's contact is written once, not on every call: the same
 * contact again (a second GetUpdateData) leaves the row alone; another
 * one (GetRevisionIdList for updates: a sync) is written.
 */
void
t_touch_once(void **state)
{
	char v[256], *a;
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	a = leaf_answer();
	free(a);
	sql("UPDATE downstream_servers SET last_contact = 12345, "
	    "last_sync = 12345 WHERE server_id = '" DS_ID "';");
	a = leaf_answer();
	free(a);
	sql_value("SELECT last_contact || ' ' || last_sync FROM "
	    "downstream_servers WHERE server_id = '" DS_ID "'", v, sizeof(v));
	assert_string_equal(v, "12345 12345");
	/* a sync: another contact, written */
	q = revision_list(g.exp, g.data, "<GetConfig>false</GetConfig>", &r);
	soap_request_free(q);
	wh_reply_free(&r);
	sql_value("SELECT last_contact > 12345, last_sync > 12345, name, "
	    "protocol FROM downstream_servers WHERE server_id = '" DS_ID "'",
	    v, sizeof(v));
	assert_string_equal(v, "1|1|probe.lab.invalid|1.20");
}

/* ---- the finished-answer cache ---------------------------------------- */

#define IDENT(u)	"<UpdateIdentity><UpdateID>" u "</UpdateID>" \
	"<RevisionNumber>200</RevisionNumber></UpdateIdentity>"

/* The answer body of GetUpdateData for ids (malloc'd, 200), sent with
 * the Host header line host (NULL: the harness's). */
static char *
answer_for(const char *ids, const char *host)
{
	char *x = update_data_req(g.exp, g.data, ids), *body;
	struct wh_reply r;
	struct soap_request *q;

	if (host == NULL)
		post(SS, x, &r);
	else {
		struct wh_post p;

		memset(&p, 0, sizeof(p));
		p.path = SS;
		p.action = "\"" NS "/GetUpdateData\"";
		p.hdr[0] = host;
		p.body = x;
		p.len = strlen(x);
		wh_send(&g.srv, &p, &r);
		assert_int_equal(r.rc, CURLE_OK);
	}
	q = ok(&r);
	body = strdup(r.body.data);
	assert_non_null(body);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
	return body;
}

/* Where the item of uid starts in an answer. */
static const char *
item_of(const char *answer, const char *uid)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "<ServerSyncUpdateData><Id><UpdateID>%s",
	    uid);
	p = strstr(answer, pat);
	assert_non_null(p);
	return p;
}

void
t_answer_cache(void **state)
{
	const char *two = IDENT(LEAF) IDENT(SMALL);
	const char *owt = IDENT(SMALL) IDENT(LEAF);
	char *a1, *a, *b, *h;

	(void)state;
	a1 = answer_for(two, NULL);
	assert_true(item_of(a1, LEAF) < item_of(a1, SMALL));
	/* the leaf's blob is a cabinet, the small one's plain */
	assert_non_null(strstr(a1, "<XmlUpdateBlobCompressed>"));
	assert_non_null(strstr(a1, "<XmlUpdateBlob>"));
	a = answer_for(two, NULL);
	assert_string_equal(a, a1);
	free(a);

	/* the other order: the items in that order, the same items */
	b = answer_for(owt, NULL);
	assert_string_not_equal(b, a1);
	assert_true(item_of(b, SMALL) < item_of(b, LEAF));
	assert_int_equal(strlen(b), strlen(a1));
	a = answer_for(owt, NULL);
	assert_string_equal(a, b);
	free(a);

	/* another Host: the fileUrls on that base, the items as before */
	h = answer_for(two, "Host: mirror.lab.invalid:8530");
	assert_non_null(strstr(h, "<MUUrl>http://mirror.lab.invalid:8530/"
	    "Content/"));
	assert_null(strstr(a1, "mirror.lab.invalid"));
	assert_int_equal(strstr(h, "<fileUrls>") - h,
	    strstr(a1, "<fileUrls>") - a1);
	assert_memory_equal(h, a1, (size_t)(strstr(a1, "<fileUrls>") - a1));
	a = answer_for(two, NULL);
	assert_string_equal(a, a1);
	free(a);

	/* the leaf's document replaced, its change number not moved: the
	 * answer is the one kept */
	sql("CREATE TABLE keep_doc AS SELECT * FROM fragments WHERE "
	    "revision_id = " LEAF_RID " AND kind = 3;"
	    "UPDATE fragments SET (data, length) = (SELECT data, length FROM "
	    "fragments WHERE revision_id = " SMALL_RID " AND kind = 3) "
	    "WHERE revision_id = " LEAF_RID " AND kind = 3;");
	a = answer_for(two, NULL);
	assert_string_equal(a, a1);
	free(a);

	/* the revision changes between two identical requests: the leaf's
	 * item carries the new (plain) document; the small one's item and
	 * the fileUrls are as they were */
	leaf_changed();
	a = answer_for(two, NULL);
	assert_string_not_equal(a, a1);
	assert_null(strstr(a, "XmlUpdateBlobCompressed"));
	assert_true(item_of(a, LEAF) < item_of(a, SMALL));
	assert_string_equal(item_of(a, SMALL), item_of(a1, SMALL));
	free(a);
	/* and the other order, asked before the change, is rebuilt too */
	a = answer_for(owt, NULL);
	assert_null(strstr(a, "XmlUpdateBlobCompressed"));
	free(a);

	/* put the document back: the first answer again */
	sql("UPDATE fragments SET (data, length) = (SELECT data, length FROM "
	    "keep_doc) WHERE revision_id = " LEAF_RID " AND kind = 3;"
	    "DROP TABLE keep_doc;");
	leaf_changed();
	a = answer_for(two, NULL);
	assert_string_equal(a, a1);
	free(a);
	a = answer_for(owt, NULL);
	assert_string_equal(a, b);
	free(a);
	free(h);
	free(b);
	free(a1);
}
